/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-reading-log"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "anbu-pg-lock-keys.h"
#include "anbu-pg-reading-log.h"
#include "anbu-pg-store.h"
#include "anbu-pg-values.h"
#include "anbu-store.h"

/* AnbuReadingLog on PostgreSQL. One row per reading in `reading`,
 * partitioned by day: a batch's rows land in today's partition, whose
 * index stays the size of one day however long the history grows, and
 * retention drops a whole partition instead of deleting row by row.
 * A row names its plug by its number in `reading_plug`, not by its
 * serial: the key (plug, ts) is two integers.
 * On a connection of its own, or on one it is given (telemetry's, a
 * report reader's): there a batch is appended inside the caller's
 * transaction and commits or rolls back with it, and reads are bounded by
 * that connection's statement_timeout. */

#define DAY_SECONDS 86400
#define COPY_CHUNK  8192
/* Taken while partitions are made or dropped: two instances reaching a
 * new day at once make it once. */
#define PARTITION_LOCK_KEY ANBU_PG_LOCK_READING_PARTITIONS
/* Taken while the readings' schema is brought up to date. */
#define MIGRATION_LOCK_KEY ANBU_PG_LOCK_READING_MIGRATION

struct _AnbuPgReadingLog
{
  GObject     parent_instance;

  PGconn     *conn;
  gboolean    owns_conn;     /* FALSE: given, finished by its owner */
  PGconn     *side_conn;     /* numbers new plugs while the caller's transaction is open */
  GHashTable *plug_ids;      /* serial → its number in reading_plug (committed) */
  GArray     *batch_ids;     /* the batch's serials' numbers (gint32) */
  GObject    *conn_owner;    /* kept alive while the given connection is used */
  GHashTable *days;          /* gint64 day start → known to have a partition */
  GString    *copy_buffer;
  gint64      deadline;      /* reads end by then (monotonic µs), or 0 */
};

static void anbu_pg_reading_log_iface_init (AnbuReadingLogInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AnbuPgReadingLog, anbu_pg_reading_log, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ANBU_TYPE_READING_LOG,
                                                      anbu_pg_reading_log_iface_init))

/* Forward-only steps of the readings' own schema (version in
 * anbu_reading_schema), apart from the store's: the readings may live on
 * a database of their own. */
static const char *const migrations[] = {
  /* 1: raw readings by day, and the hours folded from them. */
  "CREATE TABLE reading ("
  "  serial text NOT NULL,"
  "  ts bigint NOT NULL,"
  "  watts double precision NOT NULL,"
  "  lux double precision NOT NULL,"
  "  PRIMARY KEY (serial, ts)) PARTITION BY RANGE (ts);"
  "CREATE TABLE reading_hourly ("
  "  serial text NOT NULL,"
  "  hour bigint NOT NULL,"
  "  n bigint NOT NULL,"
  "  watts_min double precision NOT NULL,"
  "  watts_max double precision NOT NULL,"
  "  watts_sum double precision NOT NULL,"
  "  lux_min double precision NOT NULL,"
  "  lux_max double precision NOT NULL,"
  "  lux_sum double precision NOT NULL,"
  "  PRIMARY KEY (serial, hour));",
  /* 2: a reading names its plug by a number (reading_plug) instead of
   * its serial: the (plug, ts) key is a third narrower and compares as
   * two integers, where the (serial, ts) B-tree insert was a third of
   * all ingest CPU. Each day partition is made anew with the same bounds
   * and its rows moved; reading_with_serial shows them as before (the
   * copy check of anbu-server migrate reads it). */
  "CREATE TABLE reading_plug ("
  "  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
  "  serial text NOT NULL UNIQUE);"
  "INSERT INTO reading_plug (serial) SELECT DISTINCT serial FROM reading ORDER BY serial;"
  "ALTER TABLE reading RENAME TO reading_by_serial;"
  "ALTER INDEX reading_pkey RENAME TO reading_by_serial_pkey;"
  "CREATE TABLE reading ("
  "  plug integer NOT NULL,"
  "  ts bigint NOT NULL,"
  "  watts double precision NOT NULL,"
  "  lux double precision NOT NULL,"
  "  PRIMARY KEY (plug, ts)) PARTITION BY RANGE (ts);"
  "DO $$ DECLARE p record; BEGIN"
  "  FOR p IN SELECT c.relname AS name, pg_get_expr (c.relpartbound, c.oid) AS bound"
  "   FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
  "   WHERE i.inhparent = 'reading_by_serial'::regclass LOOP"
  "    EXECUTE format ('ALTER TABLE %I RENAME TO %I', p.name, p.name || '_by_serial');"
  "    EXECUTE format ('ALTER INDEX %I RENAME TO %I', p.name || '_pkey', p.name || '_by_serial_pkey');"
  "    EXECUTE format ('CREATE TABLE %I PARTITION OF reading %s', p.name, p.bound);"
  "    EXECUTE format ('INSERT INTO %I (plug, ts, watts, lux) SELECT m.id, r.ts, r.watts, r.lux"
  "     FROM %I r JOIN reading_plug m ON m.serial = r.serial ORDER BY 1, 2', p.name,"
  "     p.name || '_by_serial');"
  "  END LOOP; END $$;"
  "DROP TABLE reading_by_serial;"
  "CREATE VIEW reading_with_serial AS SELECT m.serial, r.ts, r.watts, r.lux"
  "  FROM reading r JOIN reading_plug m ON m.id = r.plug;",
};

static void
set_pg_error (AnbuPgReadingLog  *self,
              const PGresult    *result,
              GError           **error,
              const char        *what)
{
  const char *state = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  const char *message = result != NULL ? PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY) : NULL;

  if (message == NULL)
    message = PQerrorMessage (self->conn);
  /* query_canceled: the connection's statement_timeout (a report's
   * deadline) stopped it, as the report readers say it. */
  if (g_strcmp0 (state, "57014") == 0)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "%s: %s", what, message);
  /* disk_full: nothing was written, the server stays up. */
  else
    g_set_error (error, ANBU_STORE_ERROR,
                 g_strcmp0 (state, "53100") == 0 ? ANBU_STORE_ERROR_FULL : ANBU_STORE_ERROR_FAILED,
                 "%s: %s", what, message);
}

/* A lost connection of its own is made anew before the next call. A
 * given one is its owner's to make anew (it knows when no transaction of
 * its is open), except in prepare, which runs outside any. */
static void
reset_if_lost (AnbuPgReadingLog *self)
{
  if (PQstatus (self->conn) != CONNECTION_BAD)
    return;
  g_debug ("Connecting to PostgreSQL again");
  PQreset (self->conn);
}

static void
ensure_connection (AnbuPgReadingLog *self)
{
  if (self->owns_conn)
    reset_if_lost (self);
}

static gboolean
exec (AnbuPgReadingLog  *self,
      const char        *sql,
      GError           **error,
      const char        *what)
{
  PGresult *result = PQexec (self->conn, sql);
  ExecStatusType status = PQresultStatus (result);
  gboolean ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;

  if (!ok)
    set_pg_error (self, result, error, what);
  PQclear (result);
  return ok;
}

static void
rollback_quietly (AnbuPgReadingLog *self)
{
  if (PQtransactionStatus (self->conn) != PQTRANS_IDLE)
    PQclear (PQexec (self->conn, "ROLLBACK"));
}

/* A query with text parameters; NULL (error set) unless it succeeded. */
static PGresult *
query (AnbuPgReadingLog    *self,
       const char          *sql,
       int                  n_params,
       const char * const  *params,
       GError             **error,
       const char          *what)
{
  PGresult *result = PQexecParams (self->conn, sql, n_params, NULL, params, NULL, NULL, 0);
  ExecStatusType status = PQresultStatus (result);

  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return result;
  set_pg_error (self, result, error, what);
  PQclear (result);
  return NULL;
}

static gint64
day_of (gint64 ts)
{
  return ts - ((ts % DAY_SECONDS) + DAY_SECONDS) % DAY_SECONDS;
}

/* reading_pYYYYMMDD, or reading_mYYYYMMDD before 1970 (never in practice,
 * but a name must not be ambiguous). */
static char *
partition_name (gint64 day)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (day);

  if (time == NULL)
    return NULL;
  return g_strdup_printf ("reading_%c%04d%02d%02d", day < 0 ? 'm' : 'p',
                          g_date_time_get_year (time), g_date_time_get_month (time),
                          g_date_time_get_day_of_month (time));
}

/* The day partitions of `days` (gint64 day starts) that this connection
 * has not seen yet are made, each with the day after it (made ahead, so
 * the turn of the day does not wait for DDL), in a transaction of their
 * own: the lock on the parent table is held for the DDL only. */
static gboolean
ensure_partitions (AnbuPgReadingLog  *self,
                   GArray            *days,
                   GError           **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GArray) made = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < days->len; i++)
    {
      gint64 day = g_array_index (days, gint64, i);

      for (gint64 d = day; d <= day + DAY_SECONDS; d += DAY_SECONDS)
        {
          g_autofree char *name = NULL;

          if (g_hash_table_contains (self->days, &d))
            continue;
          name = partition_name (d);
          if (name == NULL)
            {
              g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                           "A reading's time is out of range");
              return FALSE;
            }
          g_string_append_printf (sql, "CREATE TABLE IF NOT EXISTS %s PARTITION OF reading"
                                  " FOR VALUES FROM (%" G_GINT64_FORMAT ") TO (%" G_GINT64_FORMAT ");",
                                  name, d, d + DAY_SECONDS);
          g_array_append_val (made, d);
          g_hash_table_add (self->days, g_memdup2 (&d, sizeof d));
        }
    }
  if (made->len == 0)
    return TRUE;
  g_string_prepend (sql, "BEGIN; SELECT pg_advisory_xact_lock (" PARTITION_LOCK_KEY ");");
  g_string_append (sql, "COMMIT");
  if (exec (self, sql->str, error, "Cannot make the readings' day partitions"))
    return TRUE;
  rollback_quietly (self);
  for (guint i = 0; i < made->len; i++)
    g_hash_table_remove (self->days, &g_array_index (made, gint64, i));
  return FALSE;
}

/* A connection to the same database as `conn`, for the plugs' numbers
 * while a transaction of the caller's is open on `conn`. */
static PGconn *
connect_alike (PGconn  *conn,
               GError **error)
{
  PQconninfoOption *options = PQconninfo (conn);
  g_autoptr(GPtrArray) keywords = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  PGconn *side;

  for (PQconninfoOption *option = options; option != NULL && option->keyword != NULL; option++)
    if (option->val != NULL && option->val[0] != '\0')
      {
        g_ptr_array_add (keywords, option->keyword);
        g_ptr_array_add (values, option->val);
      }
  g_ptr_array_add (keywords, NULL);
  g_ptr_array_add (values, NULL);
  side = PQconnectdbParams ((const char * const *) keywords->pdata,
                            (const char * const *) values->pdata, 0);
  PQconninfoFree (options);
  if (PQstatus (side) != CONNECTION_OK)
    {
      g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                   "Cannot connect to number the plugs' readings: %s", PQerrorMessage (side));
      PQfinish (side);
      return NULL;
    }
  return side;
}

/* self->batch_ids gets the number of each of `serials`: known ones from
 * the cache, the others from reading_plug, numbered there when new. The
 * numbering commits at once (on the log's own idle connection, or on a
 * side connection while the caller's transaction is open), so a number
 * once cached is never rolled back with a caller's transaction. */
static gboolean
resolve_plugs (AnbuPgReadingLog    *self,
               const char * const  *serials,
               guint                n_serials,
               GError             **error)
{
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();
  g_autofree char *array = NULL;
  const char *params[1];
  PGconn *conn = self->conn;
  PGresult *result;

  g_array_set_size (self->batch_ids, n_serials);
  for (guint i = 0; i < n_serials; i++)
    {
      gpointer id;

      if (g_hash_table_lookup_extended (self->plug_ids, serials[i], NULL, &id))
        g_array_index (self->batch_ids, gint32, i) = GPOINTER_TO_INT (id);
      else
        g_ptr_array_add (missing, (gpointer) serials[i]);
    }
  if (missing->len == 0)
    return TRUE;

  if (PQtransactionStatus (conn) != PQTRANS_IDLE)
    {
      if (self->side_conn != NULL && PQstatus (self->side_conn) == CONNECTION_BAD)
        PQreset (self->side_conn);
      if (self->side_conn == NULL && (self->side_conn = connect_alike (self->conn, error)) == NULL)
        return FALSE;
      conn = self->side_conn;
    }
  array = anbu_pg_values_text_array ((const char * const *) missing->pdata, missing->len);
  params[0] = array;
  /* In serial order, so two instances numbering the same new plugs
   * cannot wait on each other in a cycle. */
  result = PQexecParams (conn, "INSERT INTO reading_plug (serial) SELECT s FROM unnest ($1::text[]) s"
                         " ORDER BY s ON CONFLICT DO NOTHING", 1, NULL, params, NULL, NULL, 0);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    {
      g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                   "Cannot number the plugs' readings: %s", PQresultErrorMessage (result));
      PQclear (result);
      return FALSE;
    }
  PQclear (result);
  result = PQexecParams (conn, "SELECT serial, id FROM reading_plug WHERE serial = ANY ($1::text[])",
                         1, NULL, params, NULL, NULL, 0);
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    {
      g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                   "Cannot number the plugs' readings: %s", PQresultErrorMessage (result));
      PQclear (result);
      return FALSE;
    }
  for (int row = 0; row < PQntuples (result); row++)
    g_hash_table_insert (self->plug_ids, g_strdup (PQgetvalue (result, row, 0)),
                         GINT_TO_POINTER (atoi (PQgetvalue (result, row, 1))));
  PQclear (result);
  for (guint i = 0; i < n_serials; i++)
    {
      gpointer id;

      if (!g_hash_table_lookup_extended (self->plug_ids, serials[i], NULL, &id))
        {
          g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                       "Cannot number the plugs' readings");
          return FALSE;
        }
      g_array_index (self->batch_ids, gint32, i) = GPOINTER_TO_INT (id);
    }
  return TRUE;
}

/* COPY's binary format, big-endian: no number is printed here or parsed
 * by the server, and a double travels exactly. */
static void
put_int16 (GString *out,
           gint16   value)
{
  guint16 be = GUINT16_TO_BE ((guint16) value);

  g_string_append_len (out, (const char *) &be, sizeof be);
}

static void
put_int32 (GString *out,
           gint32   value)
{
  guint32 be = GUINT32_TO_BE ((guint32) value);

  g_string_append_len (out, (const char *) &be, sizeof be);
}

static void
put_int64_field (GString *out,
                 gint64   value)
{
  guint64 be = GUINT64_TO_BE ((guint64) value);

  put_int32 (out, sizeof be);
  g_string_append_len (out, (const char *) &be, sizeof be);
}

static void
put_double_field (GString *out,
                  double   value)
{
  guint64 bits;

  memcpy (&bits, &value, sizeof bits);
  put_int64_field (out, (gint64) bits);
}

typedef enum
{
  COPY_FAILED,
  COPY_DUPLICATE,     /* a reading is stored already */
  COPY_NO_PARTITION,  /* a day's partition is gone (another instance's retention) */
} CopyFailure;

/* FALSE with `error` and `failure` set on failure. */
static gboolean
copy_rows (AnbuPgReadingLog  *self,
           const char        *copy_sql,
           GString           *rows,
           CopyFailure       *failure,
           GError           **error)
{
  PGresult *result = PQexec (self->conn, copy_sql);
  gboolean ok = PQresultStatus (result) == PGRES_COPY_IN;

  *failure = COPY_FAILED;
  if (!ok)
    set_pg_error (self, result, error, "Cannot store the readings");
  PQclear (result);
  if (!ok)
    return FALSE;
  /* In messages of at most 8 KiB: the server reads a whole message into
   * memory, and a batch-sized one (50 KiB) had its heap grow and shrink
   * with every batch (brk in the backend's profile). */
  for (gsize sent = 0; ok && sent < rows->len; sent += COPY_CHUNK)
    ok = PQputCopyData (self->conn, rows->str + sent, (int) MIN (COPY_CHUNK, rows->len - sent)) == 1;
  if (!ok || PQputCopyEnd (self->conn, NULL) != 1)
    {
      set_pg_error (self, NULL, error, "Cannot store the readings");
      ok = FALSE;
    }
  while ((result = PQgetResult (self->conn)) != NULL)
    {
      if (PQresultStatus (result) != PGRES_COMMAND_OK && ok)
        {
          const char *state = PQresultErrorField (result, PG_DIAG_SQLSTATE);

          /* unique_violation; check_violation is what a row without a
           * partition raises. */
          if (g_strcmp0 (state, "23505") == 0)
            *failure = COPY_DUPLICATE;
          else if (g_strcmp0 (state, "23514") == 0)
            *failure = COPY_NO_PARTITION;
          set_pg_error (self, result, error, "Cannot store the readings");
          ok = FALSE;
        }
      PQclear (result);
    }
  return ok;
}

/* The batch in COPY's binary format: (plug, ts, watts, lux), led by
 * the entry's index when `numbered`; `plug_ids` numbers the serials. */
static void
format_rows (GString                   *rows,
             const gint32              *plug_ids,
             const AnbuReadingLogEntry *entries,
             guint                      n_entries,
             gboolean                   numbered)
{
  static const char signature[] = "PGCOPY\n\377\r\n";

  g_string_truncate (rows, 0);
  g_string_append_len (rows, signature, sizeof signature);  /* with its NUL */
  put_int32 (rows, 0);  /* flags */
  put_int32 (rows, 0);  /* header extension */
  for (guint i = 0; i < n_entries; i++)
    {
      const AnbuReadingLogEntry *entry = &entries[i];

      put_int16 (rows, numbered ? 5 : 4);
      if (numbered)
        {
          put_int32 (rows, 4);
          put_int32 (rows, (gint32) i);
        }
      put_int32 (rows, 4);
      put_int32 (rows, plug_ids[entry->plug]);
      put_int64_field (rows, entry->reading.ts);
      put_double_field (rows, entry->reading.watts);
      put_double_field (rows, entry->reading.lux);
    }
  put_int16 (rows, -1);
}

/* The batch is copied straight into `reading`: a batch of new readings,
 * the usual case, costs what a raw COPY costs. When one of them is stored
 * already (a resend), that COPY is undone and the batch is copied into a
 * temporary table instead, then moved into `reading` skipping what is
 * stored (and a reading repeated within the batch: its first entry
 * counts); the entries moved are the ones stored. One transaction either
 * way, committed before append returns; or, inside the caller's
 * transaction (`in_caller`), a savepoint released into it, so the
 * readings commit or roll back with what the caller writes. */
static gboolean
append_once (AnbuPgReadingLog           *self,
             const char * const         *serials,
             guint                       n_serials,
             const AnbuReadingLogEntry  *entries,
             guint                       n_entries,
             gboolean                    in_caller,
             gboolean                   *stored,
             CopyFailure                *failure,
             GError                    **error)
{
  static const char move_sql[] =
    "WITH fresh AS (SELECT DISTINCT ON (plug, ts) k, plug, ts, watts, lux"
    "  FROM reading_incoming ORDER BY plug, ts, k),"
    " moved AS (INSERT INTO reading (plug, ts, watts, lux)"
    "  SELECT plug, ts, watts, lux FROM fresh ON CONFLICT DO NOTHING RETURNING plug, ts)"
    " SELECT f.k FROM fresh f JOIN moved m ON m.plug = f.plug AND m.ts = f.ts";
  g_autoptr(GArray) days = g_array_new (FALSE, FALSE, sizeof (gint64));
  GString *rows = self->copy_buffer;
  const gint32 *plug_ids;
  g_autoptr(GError) direct_error = NULL;
  PGresult *result;
  gint64 last_day = G_MININT64;

  *failure = COPY_FAILED;
  for (guint i = 0; i < n_entries; i++)
    {
      gint64 day = day_of (entries[i].reading.ts);

      if (day != last_day && !g_hash_table_contains (self->days, &day))
        g_array_append_val (days, day);
      last_day = day;
      stored[i] = FALSE;
    }

  /* No DDL inside the caller's transaction: CREATE TABLE … PARTITION OF
   * would wait, holding what the caller's transaction holds, for every
   * other instance's batch; the caller made the days ahead (prepare). */
  if (!in_caller && !ensure_partitions (self, days, error))
    return FALSE;
  if (!resolve_plugs (self, serials, n_serials, error))
    return FALSE;
  plug_ids = (const gint32 *) self->batch_ids->data;

  format_rows (rows, plug_ids, entries, n_entries, FALSE);
  if (!exec (self, in_caller ? "SAVEPOINT reading_append" : "BEGIN", error,
             "Cannot store the readings"))
    return FALSE;
  if (copy_rows (self, "COPY reading (plug, ts, watts, lux) FROM STDIN (FORMAT binary)", rows,
                 failure, &direct_error))
    {
      for (guint i = 0; i < n_entries; i++)
        stored[i] = TRUE;
    }
  else if (*failure != COPY_DUPLICATE)
    {
      g_propagate_error (error, g_steal_pointer (&direct_error));
      goto failed;
    }
  else
    {
      format_rows (rows, plug_ids, entries, n_entries, TRUE);
      /* The transaction (savepoint) held the failed COPY only: begin anew.
       * The staging table is made here, on this rare path, in the
       * transaction: rolled back, it is made again next time; emptied
       * first, as an earlier batch of the caller's transaction may have
       * left rows in it. */
      if (!exec (self, in_caller ? "ROLLBACK TO SAVEPOINT reading_append" : "ROLLBACK; BEGIN",
                 error, "Cannot store the readings")
          || !exec (self, "CREATE TEMPORARY TABLE IF NOT EXISTS reading_incoming ("
                    "k integer, plug integer, ts bigint, watts double precision,"
                    " lux double precision) ON COMMIT DELETE ROWS;"
                    "DELETE FROM reading_incoming", error, "Cannot store the readings")
          || !copy_rows (self, "COPY reading_incoming FROM STDIN (FORMAT binary)", rows, failure,
                         error)
          || (result = query (self, move_sql, 0, NULL, error, "Cannot store the readings")) == NULL)
        goto failed;
      for (int row = 0; row < PQntuples (result); row++)
        {
          guint k = (guint) strtoul (PQgetvalue (result, row, 0), NULL, 10);

          if (k < n_entries)
            stored[k] = TRUE;
        }
      PQclear (result);
    }
  /* Acknowledged only once committed (by the caller, in_caller). */
  if (!exec (self, in_caller ? "RELEASE SAVEPOINT reading_append" : "COMMIT", error,
             "Cannot commit the readings"))
    goto failed;
  return TRUE;

failed:
  if (in_caller)
    PQclear (PQexec (self->conn, "ROLLBACK TO SAVEPOINT reading_append;"
                     " RELEASE SAVEPOINT reading_append"));
  else
    rollback_quietly (self);
  for (guint i = 0; i < n_entries; i++)
    stored[i] = FALSE;
  return FALSE;
}

static gboolean
pg_append (AnbuReadingLog             *log,
           const char * const         *serials,
           guint                       n_serials,
           const AnbuReadingLogEntry  *entries,
           guint                       n_entries,
           gboolean                   *stored,
           GError                    **error)
{
  AnbuPgReadingLog *self = ANBU_PG_READING_LOG (log);
  g_autoptr(GError) local_error = NULL;
  CopyFailure failure;
  gboolean in_caller;

  ensure_connection (self);
  /* A transaction open on the connection is the caller's (a given
   * connection; a lost one is unknown, and fails below). */
  in_caller = PQtransactionStatus (self->conn) != PQTRANS_IDLE;
  if (append_once (self, serials, n_serials, entries, n_entries, in_caller, stored, &failure, &local_error))
    return TRUE;
  if (failure != COPY_NO_PARTITION)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* Another instance dropped a day this one knew, or the caller did not
   * prepare it: learn the days anew. */
  g_hash_table_remove_all (self->days);
  if (in_caller)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return append_once (self, serials, n_serials, entries, n_entries, FALSE, stored, &failure, error);
}

/* The days of `times` (and each next day) get their partitions now, in
 * a transaction of their own, before the caller's batch transaction. */
static gboolean
pg_prepare (AnbuReadingLog  *log,
            const gint64    *times,
            guint            n_times,
            GError         **error)
{
  AnbuPgReadingLog *self = ANBU_PG_READING_LOG (log);
  g_autoptr(GArray) days = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 last_day = G_MININT64;

  reset_if_lost (self);
  if (PQtransactionStatus (self->conn) != PQTRANS_IDLE)
    {
      g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                   "Cannot make the readings' day partitions inside a transaction");
      return FALSE;
    }
  for (guint i = 0; i < n_times; i++)
    {
      gint64 day = day_of (times[i]);

      if (day != last_day && !g_hash_table_contains (self->days, &day))
        g_array_append_val (days, day);
      last_day = day;
    }
  return ensure_partitions (self, days, error);
}

static void
reading_from_row (const PGresult *result,
                  int             row,
                  AnbuReading    *reading)
{
  reading->ts = g_ascii_strtoll (PQgetvalue (result, row, 0), NULL, 10);
  reading->watts = g_ascii_strtod (PQgetvalue (result, row, 1), NULL);
  reading->lux = g_ascii_strtod (PQgetvalue (result, row, 2), NULL);
}

/* Runs `sql`, whose parameters are a plug's serial and the span [from, to). */
static PGresult *
query_span (AnbuPgReadingLog  *self,
            const char        *sql,
            const char        *serial,
            gint64             from,
            gint64             to,
            GError           **error,
            const char        *what)
{
  g_autofree char *from_text = g_strdup_printf ("%" G_GINT64_FORMAT, from);
  g_autofree char *to_text = g_strdup_printf ("%" G_GINT64_FORMAT, to);
  const char *params[] = { serial, from_text, to_text };

  ensure_connection (self);
  if (!anbu_pg_store_limit_to_deadline (self->conn, self->deadline, error))
    return NULL;
  return query (self, sql, G_N_ELEMENTS (params), params, error, what);
}

static gboolean
pg_read_range (AnbuReadingLog  *log,
               const char      *serial,
               gint64           from,
               gint64           to,
               GArray          *out,
               GError         **error)
{
  AnbuPgReadingLog *self = ANBU_PG_READING_LOG (log);
  guint first = out->len;
  PGresult *result = query_span (self, "SELECT ts, watts, lux FROM reading WHERE plug = "
                                 "(SELECT id FROM reading_plug WHERE serial = $1)"
                                 " AND ts >= $2::bigint AND ts < $3::bigint ORDER BY ts",
                                 serial, from, to, error, "Cannot read the stored readings");

  if (result == NULL)
    return FALSE;
  g_array_set_size (out, first + (guint) PQntuples (result));
  for (int row = 0; row < PQntuples (result); row++)
    reading_from_row (result, row, &g_array_index (out, AnbuReading, first + (guint) row));
  PQclear (result);
  return TRUE;
}

static gboolean
pg_read_neighbour (AnbuReadingLog  *log,
                   const char      *serial,
                   gint64           ts,
                   gboolean         after,
                   AnbuReading     *out,
                   gboolean        *found,
                   GError         **error)
{
  AnbuPgReadingLog *self = ANBU_PG_READING_LOG (log);
  g_autofree char *ts_text = g_strdup_printf ("%" G_GINT64_FORMAT, ts);
  const char *params[] = { serial, ts_text };
  PGresult *result;

  ensure_connection (self);
  if (!anbu_pg_store_limit_to_deadline (self->conn, self->deadline, error))
    return FALSE;
  result = query (self, after
                  ? "SELECT ts, watts, lux FROM reading WHERE plug ="
                    " (SELECT id FROM reading_plug WHERE serial = $1) AND ts > $2::bigint"
                    " ORDER BY ts LIMIT 1"
                  : "SELECT ts, watts, lux FROM reading WHERE plug ="
                    " (SELECT id FROM reading_plug WHERE serial = $1) AND ts < $2::bigint"
                    " ORDER BY ts DESC LIMIT 1", 2, params, error,
                  "Cannot read the stored readings");
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) > 0)
    {
      reading_from_row (result, 0, out);
      *found = TRUE;
    }
  PQclear (result);
  return TRUE;
}

static gboolean
pg_read_hours (AnbuReadingLog  *log,
               const char      *serial,
               gint64           from,
               gint64           to,
               GArray          *out,
               GError         **error)
{
  AnbuPgReadingLog *self = ANBU_PG_READING_LOG (log);
  PGresult *result = query_span (self, "SELECT hour, n, watts_min, watts_max, watts_sum, lux_min,"
                                 " lux_max, lux_sum FROM reading_hourly WHERE serial = $1"
                                 " AND hour >= $2::bigint AND hour < $3::bigint ORDER BY hour",
                                 serial, from, to, error, "Cannot read the folded readings");

  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    {
      AnbuReadingHour hour;

      hour.hour = g_ascii_strtoll (PQgetvalue (result, row, 0), NULL, 10);
      hour.n = g_ascii_strtoll (PQgetvalue (result, row, 1), NULL, 10);
      hour.watts_min = g_ascii_strtod (PQgetvalue (result, row, 2), NULL);
      hour.watts_max = g_ascii_strtod (PQgetvalue (result, row, 3), NULL);
      hour.watts_sum = g_ascii_strtod (PQgetvalue (result, row, 4), NULL);
      hour.lux_min = g_ascii_strtod (PQgetvalue (result, row, 5), NULL);
      hour.lux_max = g_ascii_strtod (PQgetvalue (result, row, 6), NULL);
      hour.lux_sum = g_ascii_strtod (PQgetvalue (result, row, 7), NULL);
      g_array_append_val (out, hour);
    }
  PQclear (result);
  return TRUE;
}

/* The partitions of `reading` with the day each starts, oldest first. */
static PGresult *
list_partitions (AnbuPgReadingLog  *self,
                 GError           **error)
{
  return query (self, "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                " WHERE i.inhparent = 'reading'::regclass ORDER BY c.relname", 0, NULL, error,
                "Cannot list the readings' partitions");
}

/* The day a partition's name tells, FALSE when it is not one of ours. */
static gboolean
partition_day (const char *name,
               gint64     *day)
{
  int year, month, dom;
  char sign;
  g_autoptr(GDateTime) time = NULL;

  if (sscanf (name, "reading_%c%4d%2d%2d", &sign, &year, &month, &dom) != 4 || sign != 'p')
    return FALSE;
  time = g_date_time_new_utc (year, month, dom, 0, 0, 0);
  if (time == NULL)
    return FALSE;
  *day = g_date_time_to_unix (time);
  return TRUE;
}

/* Each day partition that ended by `cutoff` is folded into hours and
 * dropped, one transaction per day: a failure keeps the days not yet
 * done for the next pass. */
static gboolean
pg_fold_before (AnbuReadingLog  *log,
                gint64           cutoff,
                guint64         *folded,
                GError         **error)
{
  AnbuPgReadingLog *self = ANBU_PG_READING_LOG (log);
  PGresult *partitions;

  ensure_connection (self);
  partitions = list_partitions (self, error);
  if (partitions == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (partitions); row++)
    {
      const char *name = PQgetvalue (partitions, row, 0);
      g_autofree char *fold_sql = NULL;
      g_autofree char *drop_sql = NULL;
      PGresult *result;
      gint64 day;

      if (!partition_day (name, &day) || day + DAY_SECONDS > cutoff)
        continue;
      fold_sql = g_strdup_printf (
        "WITH hours AS (INSERT INTO reading_hourly (serial, hour, n, watts_min, watts_max,"
        "  watts_sum, lux_min, lux_max, lux_sum)"
        "  SELECT m.serial, ts - ts %% 3600, count (*), min (watts), max (watts), sum (watts),"
        "   min (lux), max (lux), sum (lux) FROM %s r JOIN reading_plug m ON m.id = r.plug"
        "   GROUP BY 1, 2"
        "  ON CONFLICT (serial, hour) DO UPDATE SET n = reading_hourly.n + excluded.n,"
        "   watts_min = least (reading_hourly.watts_min, excluded.watts_min),"
        "   watts_max = greatest (reading_hourly.watts_max, excluded.watts_max),"
        "   watts_sum = reading_hourly.watts_sum + excluded.watts_sum,"
        "   lux_min = least (reading_hourly.lux_min, excluded.lux_min),"
        "   lux_max = greatest (reading_hourly.lux_max, excluded.lux_max),"
        "   lux_sum = reading_hourly.lux_sum + excluded.lux_sum RETURNING 1)"
        " SELECT (SELECT count (*) FROM %s), (SELECT count (*) FROM hours)", name, name);
      drop_sql = g_strdup_printf ("DROP TABLE %s", name);
      if (!exec (self, "BEGIN; SELECT pg_advisory_xact_lock (" PARTITION_LOCK_KEY ")", error,
                 "Cannot fold old readings"))
        goto failed;
      result = query (self, fold_sql, 0, NULL, error, "Cannot fold old readings");
      if (result == NULL)
        goto failed;
      *folded += (guint64) g_ascii_strtoull (PQgetvalue (result, 0, 0), NULL, 10);
      PQclear (result);
      if (!exec (self, drop_sql, error, "Cannot drop old readings")
          || !exec (self, "COMMIT", error, "Cannot fold old readings"))
        goto failed;
      g_hash_table_remove (self->days, &day);
    }
  PQclear (partitions);
  return TRUE;

failed:
  rollback_quietly (self);
  PQclear (partitions);
  return FALSE;
}

void
anbu_pg_reading_log_set_deadline (AnbuPgReadingLog *self,
                                  gint64            deadline)
{
  g_return_if_fail (ANBU_IS_PG_READING_LOG (self));

  self->deadline = deadline;
}

GStrv
anbu_pg_reading_log_list_partitions (AnbuPgReadingLog  *self,
                                     GError           **error)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  PGresult *result;

  g_return_val_if_fail (ANBU_IS_PG_READING_LOG (self), NULL);

  ensure_connection (self);
  result = list_partitions (self, error);
  if (result == NULL)
    return NULL;
  for (int row = 0; row < PQntuples (result); row++)
    g_strv_builder_add (names, PQgetvalue (result, row, 0));
  PQclear (result);
  return g_strv_builder_end (names);
}

static void
anbu_pg_reading_log_iface_init (AnbuReadingLogInterface *iface)
{
  iface->append = pg_append;
  iface->read_range = pg_read_range;
  iface->read_neighbour = pg_read_neighbour;
  iface->read_hours = pg_read_hours;
  iface->fold_before = pg_fold_before;
  iface->prepare = pg_prepare;
}

static void
anbu_pg_reading_log_finalize (GObject *object)
{
  AnbuPgReadingLog *self = ANBU_PG_READING_LOG (object);

  if (self->owns_conn)
    g_clear_pointer (&self->conn, PQfinish);
  g_clear_pointer (&self->side_conn, PQfinish);
  g_clear_object (&self->conn_owner);
  g_clear_pointer (&self->plug_ids, g_hash_table_unref);
  g_clear_pointer (&self->batch_ids, g_array_unref);
  g_clear_pointer (&self->days, g_hash_table_unref);
  g_string_free (self->copy_buffer, TRUE);

  G_OBJECT_CLASS (anbu_pg_reading_log_parent_class)->finalize (object);
}

static void
anbu_pg_reading_log_class_init (AnbuPgReadingLogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = anbu_pg_reading_log_finalize;
}

static void
anbu_pg_reading_log_init (AnbuPgReadingLog *self)
{
  self->days = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->copy_buffer = g_string_sized_new (64 * 1024);
  self->plug_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->batch_ids = g_array_new (FALSE, FALSE, sizeof (gint32));
}

/* All steps in one transaction under a lock: two instances starting at
 * once do not both migrate, and a failed step changes nothing. */
static gboolean
apply_migrations (AnbuPgReadingLog  *self,
                  GError           **error)
{
  guint latest = G_N_ELEMENTS (migrations);
  PGresult *result;
  gint version;

  if (!exec (self, "BEGIN; SELECT pg_advisory_xact_lock (" MIGRATION_LOCK_KEY ");"
             "CREATE TABLE IF NOT EXISTS anbu_reading_schema (version integer NOT NULL);"
             "INSERT INTO anbu_reading_schema SELECT 0"
             " WHERE NOT EXISTS (SELECT 1 FROM anbu_reading_schema)", error,
             "Cannot read the readings' schema version"))
    goto fail;
  result = query (self, "SELECT version FROM anbu_reading_schema", 0, NULL, error,
                  "Cannot read the readings' schema version");
  if (result == NULL)
    goto fail;
  version = PQntuples (result) > 0 ? atoi (PQgetvalue (result, 0, 0)) : 0;
  PQclear (result);
  if ((guint) version > latest)
    {
      g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_TOO_NEW,
                   "The readings have schema version %d; this anbu-server knows up to %u",
                   version, latest);
      goto fail;
    }
  for (guint step = (guint) version + 1; step <= latest; step++)
    {
      g_autofree char *what = g_strdup_printf ("Cannot apply readings schema step %u", step);
      g_autofree char *set = g_strdup_printf ("UPDATE anbu_reading_schema SET version = %u", step);

      if (!exec (self, migrations[step - 1], error, what) || !exec (self, set, error, what))
        goto fail;
    }
  return exec (self, "COMMIT", error, "Cannot update the readings' schema");

fail:
  rollback_quietly (self);
  return FALSE;
}

AnbuReadingLog *
anbu_pg_reading_log_open (const char  *conninfo,
                          GError     **error)
{
  g_autoptr(AnbuPgReadingLog) self = NULL;

  g_return_val_if_fail (conninfo != NULL, NULL);

  /* The same settings as the store's connection. */
  self = g_object_new (ANBU_TYPE_PG_READING_LOG, NULL);
  self->conn = anbu_pg_store_connect (conninfo, NULL, error);
  self->owns_conn = TRUE;
  if (self->conn == NULL)
    return NULL;
  if (!apply_migrations (self, error))
    return NULL;
  return ANBU_READING_LOG (g_steal_pointer (&self));
}

AnbuReadingLog *
anbu_pg_reading_log_new_on_connection (PGconn   *conn,
                                       GObject  *conn_owner,
                                       GError  **error)
{
  g_autoptr(AnbuPgReadingLog) self = NULL;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (conn_owner == NULL || G_IS_OBJECT (conn_owner), NULL);
  g_return_val_if_fail (PQtransactionStatus (conn) == PQTRANS_IDLE, NULL);

  self = g_object_new (ANBU_TYPE_PG_READING_LOG, NULL);
  self->conn = conn;
  self->conn_owner = conn_owner != NULL ? g_object_ref (conn_owner) : NULL;
  if (!apply_migrations (self, error))
    return NULL;
  return ANBU_READING_LOG (g_steal_pointer (&self));
}
