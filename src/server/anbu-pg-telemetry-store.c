/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-telemetry-store"

#include "config.h"

#include <string.h>

#include "anbu-pg-lock-keys.h"
#include "anbu-pg-reading-log.h"
#include "anbu-pg-telemetry-store.h"
#include "anbu-pg-values.h"

/* AnbuTelemetryStore on PostgreSQL: the SQLite statements in PostgreSQL's
 * words (Unix seconds are bigint as there; the plug record is JSON text,
 * its published live fields timestamptz). Parameters are text, cast in
 * the statements. */

/* A plug's live fields count only for the installation they were seen in
 * (as on SQLite: whole seconds of installed_at). */
#define LIVE_OF_THIS_INSTALL \
  " AND l.household_id = p.household_id" \
  " AND l.last_seen_at >= floor (extract (epoch FROM (p.record::jsonb ->> 'installed_at')::timestamptz))"

#define EPOCH(column) "floor (extract (epoch FROM " column "))"

/* A plug without a detector of its own takes the one of the plug it
 * replaced (anbu-sqlite-telemetry-store.c says why). */
#define REPLACED_DETECTOR_SQL \
  "(SELECT r.detector FROM plug o JOIN plug_detector r ON r.serial = o.id" \
  " JOIN plug_live ol ON ol.serial = o.id AND ol.household_id = o.household_id" \
  " AND ol.last_seen_at >= floor (extract (epoch FROM (o.record::jsonb ->> 'installed_at')::timestamptz))" \
  " WHERE o.household_id = p.household_id AND o.id <> p.id AND o.state <> 'installed'" \
  " AND o.record::jsonb ->> 'removed_at' = p.record::jsonb ->> 'installed_at'" \
  " AND o.record::jsonb ->> 'appliance' = p.record::jsonb ->> 'appliance' LIMIT 1)"

struct _AnbuPgTelemetryStore
{
  GObject      parent_instance;

  AnbuPgStore *store;
  PGconn      *conn;        /* the batch side's own connection; NULL: the store's */
  GHashTable  *prepared;    /* on `conn`: SQL text → statement name */
  gboolean     in_transaction;   /* on `conn`, begun and not yet ended */
  int          backend_pid;      /* of `conn`'s session the statements were prepared on */

  /* Activity events stored but not yet written (PendingEvent): written
   * with one statement before anything reads or deletes events, and
   * before the batch ends. "serial ts kind" → index, so an equal event
   * replaces the pending one as it would the stored one. */
  GArray      *pending_events;
  GHashTable  *pending_index;
};

typedef struct
{
  char             *serial;
  gint64            ts;
  AnbuActivityKind  kind;
  double            magnitude;
} PendingEvent;

static void
pending_event_clear (PendingEvent *event)
{
  g_free (event->serial);
}

static void     drop_pending_events (AnbuPgTelemetryStore  *self);
static gboolean flush_events        (AnbuPgTelemetryStore  *self,
                                     GError               **error);
static void     pg_rollback         (AnbuTelemetryStore    *store);

static void anbu_pg_telemetry_store_iface_init (AnbuTelemetryStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AnbuPgTelemetryStore, anbu_pg_telemetry_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ANBU_TYPE_TELEMETRY_STORE,
                                                      anbu_pg_telemetry_store_iface_init))

static void
set_conn_error (PGconn      *conn,
                PGresult    *result,
                GError     **error,
                const char  *what)
{
  const char *state = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  const char *message = result != NULL ? PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY) : NULL;

  if (message == NULL)
    message = PQerrorMessage (conn);
  /* disk_full: nothing written, try again later (as the store says it). */
  g_set_error (error, ANBU_STORE_ERROR,
               g_strcmp0 (state, "53100") == 0 ? ANBU_STORE_ERROR_FULL : ANBU_STORE_ERROR_FAILED,
               "%s: %s", what, message != NULL && *message != '\0' ? message : "no answer");
}

/* A lost connection (PostgreSQL restarted) is made anew before the next
 * statement outside a transaction; inside one its statements fail until
 * it is rolled back, rather than half of it running outside it. */
static void
ensure_connection (AnbuPgTelemetryStore *self)
{
  if (!self->in_transaction && PQstatus (self->conn) == CONNECTION_BAD)
    PQreset (self->conn);
  /* Prepared statements went with the old session (made anew here, or
   * by the reading log sharing the connection). */
  if (PQbackendPID (self->conn) != self->backend_pid)
    {
      g_hash_table_remove_all (self->prepared);
      self->backend_pid = PQbackendPID (self->conn);
    }
}

/* Runs `sql` on the batch side: the result (command or rows), or NULL
 * with `error` set. Statements are prepared once per connection. */
static PGresult *
run (AnbuPgTelemetryStore  *self,
     const char            *sql,
     int                    n_params,
     const char * const    *params,
     GError               **error,
     const char            *what)
{
  const char *name;
  PGresult *result;
  ExecStatusType status;

  if (self->conn == NULL)
    {
      g_autoptr(GError) local_error = NULL;

      result = anbu_pg_store_query (self->store, sql, n_params, params, &local_error);
      if (result == NULL)
        g_set_error (error, ANBU_STORE_ERROR, local_error->code, "%s: %s", what,
                     local_error->message);
      return result;
    }
  ensure_connection (self);
  name = g_hash_table_lookup (self->prepared, sql);
  if (name == NULL)
    {
      g_autofree char *new_name = g_strdup_printf ("telemetry_%u",
                                                   g_hash_table_size (self->prepared));

      result = PQprepare (self->conn, new_name, sql, n_params, NULL);
      if (PQresultStatus (result) != PGRES_COMMAND_OK)
        {
          set_conn_error (self->conn, result, error, what);
          PQclear (result);
          return NULL;
        }
      PQclear (result);
      name = new_name;
      g_hash_table_insert (self->prepared, g_strdup (sql), g_steal_pointer (&new_name));
    }
  result = PQexecPrepared (self->conn, name, n_params, params, NULL, NULL, 0);
  status = PQresultStatus (result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return result;
  set_conn_error (self->conn, result, error, what);
  PQclear (result);
  return NULL;
}

/* A statement whose rows nobody reads. */
static gboolean
run_command (AnbuPgTelemetryStore  *self,
             const char            *sql,
             int                    n_params,
             const char * const    *params,
             GError               **error,
             const char            *what)
{
  PGresult *result = run (self, sql, n_params, params, error, what);

  if (result == NULL)
    return FALSE;
  PQclear (result);
  return TRUE;
}

/* Reads the columns of `result`'s first row into `out`. */
typedef void (*RowReader) (const PGresult *result,
                           gpointer        out);

/* Most reads here are one keyed row: hands the row of `result` (from
 * run or store_query), if there is one, to `read_columns` and sets
 * `*found` (unless NULL); no row leaves the outputs as they are. FALSE
 * when the query failed (`result` NULL, its error set). */
static gboolean
read_one_row (PGresult   *result,
              RowReader   read_columns,
              gpointer    out,
              gboolean   *found)
{
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 1)
    {
      read_columns (result, out);
      if (found != NULL)
        *found = TRUE;
    }
  PQclear (result);
  return TRUE;
}

static void
read_int64_column (const PGresult *result,
                   gpointer        out)
{
  *(gint64 *) out = anbu_pg_values_int64 (result, 0, 0);
}

static void
read_text_column (const PGresult *result,
                  gpointer        out)
{
  *(char **) out = g_strdup (anbu_pg_values_text (result, 0, 0));
}

/* On the own connection, without preparing (transaction control). */
static gboolean
exec_plain (AnbuPgTelemetryStore  *self,
            const char            *sql,
            GError               **error)
{
  PGresult *result = PQexec (self->conn, sql);
  gboolean ok = PQresultStatus (result) == PGRES_COMMAND_OK;

  if (!ok)
    set_conn_error (self->conn, result, error, sql);
  PQclear (result);
  return ok;
}

/* Batch side */

/* On the batch side's own connection, the readings are appended inside
 * the batch's transaction: a batch rolled back (its savepoint, or the
 * whole transaction) leaves no reading behind that a resend would find
 * and count as a duplicate, its events never computed. On the store's
 * connection (no own one) the log has a connection of its own: the
 * store's is not handed out. */
static AnbuReadingLog *
pg_open_reading_log (AnbuTelemetryStore  *store,
                     GError             **error)
{
  AnbuPgTelemetryStore *self = ANBU_PG_TELEMETRY_STORE (store);

  if (self->conn != NULL)
    return anbu_pg_reading_log_new_on_connection (self->conn, G_OBJECT (self), error);
  return anbu_pg_reading_log_open (anbu_pg_store_get_conninfo (self->store), error);
}

static gboolean
pg_begin (AnbuTelemetryStore  *store,
          GError             **error)
{
  AnbuPgTelemetryStore *self = ANBU_PG_TELEMETRY_STORE (store);

  if (self->conn == NULL)
    return anbu_store_begin (ANBU_STORE (self->store), error);
  ensure_connection (self);
  if (!exec_plain (self, "BEGIN", error))
    return FALSE;
  self->in_transaction = TRUE;
  return TRUE;
}

static gboolean
pg_commit (AnbuTelemetryStore  *store,
           GError             **error)
{
  AnbuPgTelemetryStore *self = ANBU_PG_TELEMETRY_STORE (store);

  if (!flush_events (self, error))
    {
      pg_rollback (store);
      return FALSE;
    }
  if (self->conn == NULL)
    return anbu_store_commit (ANBU_STORE (self->store), error);
  if (!exec_plain (self, "COMMIT", error))
    {
      pg_rollback (store);
      return FALSE;
    }
  self->in_transaction = FALSE;
  return TRUE;
}

static void
pg_rollback (AnbuTelemetryStore *store)
{
  AnbuPgTelemetryStore *self = ANBU_PG_TELEMETRY_STORE (store);

  drop_pending_events (self);
  if (self->conn == NULL)
    {
      anbu_store_rollback (ANBU_STORE (self->store));
      return;
    }
  if (PQtransactionStatus (self->conn) != PQTRANS_IDLE)
    exec_plain (self, "ROLLBACK", NULL);
  self->in_transaction = FALSE;
}

static gboolean
pg_begin_batch (AnbuTelemetryStore  *store,
                GError             **error)
{
  AnbuPgTelemetryStore *self = ANBU_PG_TELEMETRY_STORE (store);

  if (self->conn == NULL)
    return anbu_store_savepoint (ANBU_STORE (self->store), error);
  return exec_plain (self, "SAVEPOINT batch", error);
}

static gboolean
pg_end_batch (AnbuTelemetryStore  *store,
              gboolean             keep,
              GError             **error)
{
  AnbuPgTelemetryStore *self = ANBU_PG_TELEMETRY_STORE (store);

  /* A failed write of its events fails the whole transaction. */
  if (!keep)
    drop_pending_events (self);
  else if (!flush_events (self, error))
    return FALSE;
  if (self->conn == NULL)
    {
      /* rollback_to also releases the savepoint. */
      if (!keep)
        {
          anbu_store_rollback_to (ANBU_STORE (self->store));
          return TRUE;
        }
      return anbu_store_release (ANBU_STORE (self->store), error);
    }
  if (!keep)
    exec_plain (self, "ROLLBACK TO SAVEPOINT batch", NULL);
  return exec_plain (self, "RELEASE SAVEPOINT batch", error);
}

/* The lock key of a plug or gateway: the same on every instance (djb2,
 * not PostgreSQL's hashtext, so the keys can be sorted here). Two names
 * sharing a key only wait for each other more often. */
static gint32
row_lock_key (const char *kind,
              const char *name)
{
  g_autofree char *key = g_strconcat (kind, ":", name, NULL);

  return (gint32) g_str_hash (key);
}

static int
compare_lock_keys (gconstpointer a,
                   gconstpointer b)
{
  gint32 x = *(const gint32 *) a, y = *(const gint32 *) b;

  return (x > y) - (x < y);
}

/* Transaction-scoped advisory locks, one per plug and gateway, taken in
 * ascending key order: whatever order the batches list their plugs in,
 * every instance takes them in that one order, so none waits for a lock
 * while holding one the other waits for. Every row a batch then writes
 * (plug_live, plug_detector, activity_event, reading, ingest_witness of
 * the gateway) is one of a plug or gateway so locked; the server's own
 * witness (id "") is written by every batch, after all of these. */
static gboolean
pg_lock_rows (AnbuTelemetryStore  *store,
              const char * const  *serials,
              guint                n_serials,
              const char * const  *gateway_ids,
              guint                n_gateway_ids,
              GError             **error)
{
  AnbuPgTelemetryStore *self = ANBU_PG_TELEMETRY_STORE (store);
  g_autoptr(GArray) keys = g_array_sized_new (FALSE, FALSE, sizeof (gint32),
                                              n_serials + n_gateway_ids);
  GString *array = g_string_new (NULL);
  g_autofree char *keys_text = NULL;
  const char *params[1];

  for (guint i = 0; i < n_serials; i++)
    {
      gint32 key = row_lock_key ("plug", serials[i]);

      g_array_append_val (keys, key);
    }
  for (guint i = 0; i < n_gateway_ids; i++)
    {
      gint32 key = row_lock_key ("gateway", gateway_ids[i]);

      g_array_append_val (keys, key);
    }
  g_array_sort (keys, compare_lock_keys);
  for (guint i = 0; i < keys->len; i++)
    if (i == 0 || g_array_index (keys, gint32, i) != g_array_index (keys, gint32, i - 1))
      anbu_pg_values_array_add_int64 (array, g_array_index (keys, gint32, i));
  params[0] = keys_text = anbu_pg_values_array_finish (array);
  /* The rows of unnest come in the array's order, and with ORDER BY the
   * volatile lock function runs on them in that order. */
  return run_command (self,
                      "SELECT pg_advisory_xact_lock (" ANBU_PG_LOCK_TELEMETRY_ROWS ", k)"
                      " FROM unnest ($1::integer[]) WITH ORDINALITY AS t (k, i) ORDER BY i",
                      G_N_ELEMENTS (params), params, error, "Cannot lock the batch's plugs");
}

static gboolean
pg_read_change_counter (AnbuTelemetryStore  *store,
                        gint64              *counter,
                        GError             **error)
{
  AnbuPgTelemetryStore *self = ANBU_PG_TELEMETRY_STORE (store);

  return read_one_row (run (self, "SELECT value FROM counter WHERE name = 'seq'", 0, NULL, error,
                            "Cannot read the change counter"),
                       read_int64_column, counter, NULL);
}

static gboolean
detector_from_column (AnbuActivityDetector *detector,
                      const PGresult       *result,
                      int                   row,
                      int                   column)
{
  g_autoptr(GBytes) bytes = anbu_pg_values_bytes (result, row, column);
  gsize size = 0;
  gconstpointer data = bytes != NULL ? g_bytes_get_data (bytes, &size) : NULL;

  return anbu_activity_detector_from_blob (detector, data, size);
}

/* All the plugs in one statement: their index in `serials` comes back
 * with each row (a serial no plug has gives no row). */
static gboolean
pg_load_plugs (AnbuTelemetryStore    *store,
               const char * const    *serials,
               guint                  n_serials,
               AnbuTelemetryPlugRow  *rows,
               gboolean              *found,
               GError               **error)
{
  AnbuPgTelemetryStore *self = ANBU_PG_TELEMETRY_STORE (store);
  GString *array = g_string_new (NULL);
  g_autofree char *serials_text = NULL;
  const char *params[1];
  PGresult *result;

  for (guint i = 0; i < n_serials; i++)
    anbu_pg_values_array_add_text (array, serials[i]);
  params[0] = serials_text = anbu_pg_values_array_finish (array);
  result = run (self,
                "SELECT s.i, p.household_id, p.state, l.last_seen_at, l.last_watts, l.last_lux,"
                " coalesce (l.last_activity_at, 0), l.online_since,"
                " coalesce (d.detector, " REPLACED_DETECTOR_SQL "), l.gateway_id,"
                " coalesce (l.unobserved_mark, 0), p.record::jsonb ->> 'activity_mark',"
                " coalesce (l.offline_from, 0),"
                " (SELECT o.household_id FROM plug_live o WHERE o.serial = p.id)"
                " FROM unnest ($1::text[]) WITH ORDINALITY AS s (id, i)"
                " JOIN plug p ON p.id = s.id"
                " LEFT JOIN plug_live l ON l.serial = p.id" LIVE_OF_THIS_INSTALL
                " LEFT JOIN plug_detector d ON d.serial = l.serial",
                G_N_ELEMENTS (params), params, error, "Cannot read the plugs");
  if (result == NULL)
    return FALSE;
  for (int r = 0; r < PQntuples (result); r++)
    {
      gint64 index = anbu_pg_values_int64 (result, r, 0) - 1;
      AnbuTelemetryPlugRow *row;
      const char *live_household;

      if (index < 0 || index >= n_serials || found[index])
        continue;
      row = &rows[index];
      found[index] = TRUE;
      row->household_id = g_strdup (anbu_pg_values_text (result, r, 1));
      row->installed = g_strcmp0 (anbu_pg_values_text (result, r, 2), "installed") == 0;
      row->has_live = !PQgetisnull (result, r, 3);
      row->live_seen_at = anbu_pg_values_int64 (result, r, 3);
      row->live_watts = anbu_pg_values_double (result, r, 4);
      row->live_lux = anbu_pg_values_double (result, r, 5);
      row->live_activity_at = anbu_pg_values_int64 (result, r, 6);
      row->live_online_since = anbu_pg_values_int64 (result, r, 7);
      row->has_detector = detector_from_column (&row->detector, result, r, 8);
      row->gateway_id = g_strdup (anbu_pg_values_text (result, r, 9));
      row->unobserved_mark = anbu_pg_values_int64 (result, r, 10);
      row->live_offline_from = anbu_pg_values_int64 (result, r, 12);
      live_household = anbu_pg_values_text (result, r, 13);
      if (live_household != NULL && g_strcmp0 (live_household, row->household_id) != 0)
        row->left_household_id = g_strdup (live_household);
      if (!anbu_activity_mark_from_string (anbu_pg_values_text (result, r, 11), &row->activity_mark))
        row->activity_mark = ANBU_ACTIVITY_MARK_AUTO;
    }
  PQclear (result);
  return TRUE;
}

static void
read_live_columns (const PGresult *result,
                   gpointer        out)
{
  AnbuTelemetryLive *live = out;

  live->household_id = g_strdup (anbu_pg_values_text (result, 0, 0));
  live->last_seen_at = anbu_pg_values_int64 (result, 0, 1);
  live->last_watts = anbu_pg_values_double (result, 0, 2);
  live->last_lux = anbu_pg_values_double (result, 0, 3);
  live->last_activity_at = anbu_pg_values_int64 (result, 0, 4);
  live->online_since = anbu_pg_values_int64 (result, 0, 5);
  live->offline_from = anbu_pg_values_int64 (result, 0, 6);
}

static gboolean
pg_read_live (AnbuTelemetryStore  *store,
              const char          *serial,
              AnbuTelemetryLive   *live,
              gboolean            *found,
              GError             **error)
{
  AnbuPgTelemetryStore *self = ANBU_PG_TELEMETRY_STORE (store);
  const char *params[] = { serial };

  return read_one_row (run (self,
                            "SELECT household_id, last_seen_at, last_watts, last_lux,"
                            " coalesce (last_activity_at, 0), online_since, offline_from FROM plug_live"
                            " WHERE serial = $1",
                            G_N_ELEMENTS (params), params, error, "Cannot read a plug's live fields"),
                       read_live_columns, live, found);
}

/* All the batch's plugs in one statement each for live fields and
 * detectors: a round trip per batch, not per plug. */
static gboolean
pg_store_live (AnbuTelemetryStore          *store,
               const AnbuTelemetryLiveRow  *rows,
               guint                        n_rows,
               GError                     **error)
{
  AnbuPgTelemetryStore *self = ANBU_PG_TELEMETRY_STORE (store);
  GString *columns[10];
  GString *detector_serials = g_string_new (NULL);
  GString *detectors = g_string_new (NULL);
  g_autofree char *detector_serials_text = NULL;
  g_autofree char *detectors_text = NULL;
  char *params[G_N_ELEMENTS (columns)];
  guint n_detectors = 0;
  gboolean ok;

  /* The end of a batch's work: its events go first. */
  if (!flush_events (self, error))
    return FALSE;
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    columns[c] = g_string_new (NULL);
  for (guint i = 0; i < n_rows; i++)
    {
      const AnbuTelemetryLiveRow *row = &rows[i];

      anbu_pg_values_array_add_text (columns[0], row->serial);
      anbu_pg_values_array_add_text (columns[1], row->household_id);
      anbu_pg_values_array_add_int64 (columns[2], row->last_seen_at);
      anbu_pg_values_array_add_double (columns[3], row->last_watts);
      anbu_pg_values_array_add_double (columns[4], row->last_lux);
      if (row->last_activity_at > 0)
        anbu_pg_values_array_add_int64 (columns[5], row->last_activity_at);
      else
        anbu_pg_values_array_add_text (columns[5], NULL);
      anbu_pg_values_array_add_int64 (columns[6], row->online_since);
      anbu_pg_values_array_add_text (columns[7], row->gateway_id);
      anbu_pg_values_array_add_int64 (columns[8], row->unobserved_mark);
      anbu_pg_values_array_add_int64 (columns[9], row->offline_from);
      if (row->detector != NULL)
        {
          g_autoptr(GBytes) packed = anbu_activity_detector_to_blob (row->detector);
          gsize size;
          gconstpointer data = g_bytes_get_data (packed, &size);
          g_autofree char *bytes = anbu_pg_values_from_bytes (data, size);

          anbu_pg_values_array_add_text (detector_serials, row->serial);
          anbu_pg_values_array_add_text (detectors, bytes);
          n_detectors++;
        }
    }
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    params[c] = anbu_pg_values_array_finish (columns[c]);
  detector_serials_text = anbu_pg_values_array_finish (detector_serials);
  detectors_text = anbu_pg_values_array_finish (detectors);

  ok = run_command (self,
                    "INSERT INTO plug_live (serial, household_id, last_seen_at,"
                    " last_watts, last_lux, last_activity_at, online_since, gateway_id,"
                    " unobserved_mark, offline_from)"
                    " SELECT * FROM unnest ($1::text[], $2::text[], $3::bigint[],"
                    " $4::double precision[], $5::double precision[], $6::bigint[], $7::bigint[],"
                    " $8::text[], $9::bigint[], $10::bigint[])"
                    " ON CONFLICT (serial) DO UPDATE SET"
                    " household_id = excluded.household_id, last_seen_at = excluded.last_seen_at,"
                    " last_watts = excluded.last_watts, last_lux = excluded.last_lux,"
                    " last_activity_at = excluded.last_activity_at,"
                    " online_since = excluded.online_since,"
                    " gateway_id = excluded.gateway_id, unobserved_mark = excluded.unobserved_mark,"
                    " offline_from = excluded.offline_from",
                    G_N_ELEMENTS (params), (const char * const *) params, error,
                    "Cannot store the plugs' live fields");
  if (ok && n_detectors > 0)
    {
      const char *detector_params[] = { detector_serials_text, detectors_text };

      ok = run_command (self,
                        "INSERT INTO plug_detector (serial, detector)"
                        " SELECT * FROM unnest ($1::text[], $2::bytea[])"
                        " ON CONFLICT (serial) DO UPDATE SET detector = excluded.detector",
                        G_N_ELEMENTS (detector_params), detector_params, error,
                        "Cannot store the plugs' learned detectors");
    }
  for (guint c = 0; c < G_N_ELEMENTS (params); c++)
    g_free (params[c]);
  return ok;
}

static void
drop_pending_events (AnbuPgTelemetryStore *self)
{
  g_array_set_size (self->pending_events, 0);
  g_hash_table_remove_all (self->pending_index);
}

/* The pending events, all in one statement. */
static gboolean
flush_events (AnbuPgTelemetryStore  *self,
              GError               **error)
{
  GString *columns[4];
  char *params[G_N_ELEMENTS (columns)];
  gboolean ok;

  if (self->pending_events->len == 0)
    return TRUE;
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    columns[c] = g_string_new (NULL);
  for (guint i = 0; i < self->pending_events->len; i++)
    {
      const PendingEvent *event = &g_array_index (self->pending_events, PendingEvent, i);

      anbu_pg_values_array_add_text (columns[0], event->serial);
      anbu_pg_values_array_add_int64 (columns[1], event->ts);
      anbu_pg_values_array_add_int64 (columns[2], event->kind);
      anbu_pg_values_array_add_double (columns[3], event->magnitude);
    }
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    params[c] = anbu_pg_values_array_finish (columns[c]);
  ok = run_command (self,
                    "INSERT INTO activity_event (serial, ts, kind, magnitude)"
                    " SELECT * FROM unnest ($1::text[], $2::bigint[], $3::integer[],"
                    " $4::double precision[])"
                    " ON CONFLICT (serial, ts, kind) DO UPDATE SET magnitude = excluded.magnitude",
                    G_N_ELEMENTS (params), (const char * const *) params, error,
                    "Cannot store activity events");
  for (guint c = 0; c < G_N_ELEMENTS (params); c++)
    g_free (params[c]);
  drop_pending_events (self);
  return ok;
}

/* Kept until flush_events: a batch's events of all its plugs go in one
 * statement. */
static gboolean
pg_store_events (AnbuTelemetryStore       *store,
                 const char               *serial,
                 const AnbuActivityEvent  *events,
                 guint                     n_events,
                 GError                  **error)
{
  AnbuPgTelemetryStore *self = ANBU_PG_TELEMETRY_STORE (store);

  for (guint e = 0; e < n_events; e++)
    {
      g_autofree char *key = g_strdup_printf ("%s %" G_GINT64_FORMAT " %d", serial, events[e].ts,
                                              events[e].kind);
      gpointer index;

      if (g_hash_table_lookup_extended (self->pending_index, key, NULL, &index))
        {
          g_array_index (self->pending_events, PendingEvent,
                         GPOINTER_TO_UINT (index)).magnitude = events[e].magnitude;
        }
      else
        {
          PendingEvent event = { g_strdup (serial), events[e].ts, events[e].kind,
                                 events[e].magnitude };

          g_hash_table_insert (self->pending_index, g_steal_pointer (&key),
                               GUINT_TO_POINTER (self->pending_events->len));
          g_array_append_val (self->pending_events, event);
        }
    }
  return TRUE;
}

static gboolean
pg_delete_events_at (AnbuTelemetryStore  *store,
                     const char          *serial,
                     gint64               ts,
                     GError             **error)
{
  AnbuPgTelemetryStore *self = ANBU_PG_TELEMETRY_STORE (store);
  g_autofree char *ts_text = anbu_pg_values_from_int64 (ts);
  const char *params[] = { serial, ts_text };

  if (!flush_events (self, error))
    return FALSE;
  return run_command (self, "DELETE FROM activity_event WHERE serial = $1 AND ts = $2::bigint",
                      G_N_ELEMENTS (params), params, error, "Cannot replace activity events");
}

static gboolean
pg_read_last_event (AnbuTelemetryStore  *store,
                    const char          *serial,
                    gint64              *ts,
                    GError             **error)
{
  AnbuPgTelemetryStore *self = ANBU_PG_TELEMETRY_STORE (store);
  const char *params[] = { serial };

  if (!flush_events (self, error))
    return FALSE;
  return read_one_row (run (self, "SELECT max (ts) FROM activity_event WHERE serial = $1",
                            G_N_ELEMENTS (params), params, error,
                            "Cannot read the last activity event"),
                       read_int64_column, ts, NULL);
}

static gboolean
pg_read_events (AnbuTelemetryStore  *store,
                const char          *serial,
                gint64               from,
                gint64               to,
                GArray              *out,
                GError             **error)
{
  AnbuPgTelemetryStore *self = ANBU_PG_TELEMETRY_STORE (store);
  g_autofree char *from_text = anbu_pg_values_from_int64 (from);
  g_autofree char *to_text = anbu_pg_values_from_int64 (to);
  const char *params[] = { serial, from_text, to_text };
  PGresult *result;

  if (!flush_events (self, error))
    return FALSE;
  result = run (self,
                "SELECT ts, kind, magnitude FROM activity_event"
                " WHERE serial = $1 AND ts >= $2::bigint AND ts < $3::bigint"
                " ORDER BY ts, kind",
                G_N_ELEMENTS (params), params, error, "Cannot read activity events");
  if (result == NULL)
    return FALSE;
  for (int r = 0; r < PQntuples (result); r++)
    {
      AnbuActivityEvent event = { 0 };

      event.ts = anbu_pg_values_int64 (result, r, 0);
      event.kind = (AnbuActivityKind) anbu_pg_values_int64 (result, r, 1);
      event.magnitude = anbu_pg_values_double (result, r, 2);
      g_array_append_val (out, event);
    }
  PQclear (result);
  return TRUE;
}

static void
read_witness_columns (const PGresult *result,
                      gpointer        out)
{
  AnbuTelemetryWitness *witness = out;

  witness->last_reading_at = anbu_pg_values_int64 (result, 0, 0);
  witness->unobserved = anbu_pg_values_int64 (result, 0, 1);
  witness->plugs = anbu_pg_values_int64 (result, 0, 2);
  witness->alive_at = anbu_pg_values_int64 (result, 0, 3);
  witness->down_from = anbu_pg_values_int64 (result, 0, 4);
  witness->down_to = anbu_pg_values_int64 (result, 0, 5);
}

static gboolean
pg_read_witness (AnbuTelemetryStore    *store,
                 const char            *id,
                 AnbuTelemetryWitness  *witness,
                 GError               **error)
{
  AnbuPgTelemetryStore *self = ANBU_PG_TELEMETRY_STORE (store);
  const char *params[] = { id };

  return read_one_row (run (self,
                            "SELECT last_reading_at, unobserved, plugs, alive_at, down_from, down_to"
                            " FROM ingest_witness WHERE id = $1",
                            G_N_ELEMENTS (params), params, error, "Cannot read an ingest witness"),
                       read_witness_columns, witness, NULL);
}

static gboolean
pg_store_witness (AnbuTelemetryStore          *store,
                  const char                  *id,
                  const AnbuTelemetryWitness  *witness,
                  GError                     **error)
{
  AnbuPgTelemetryStore *self = ANBU_PG_TELEMETRY_STORE (store);
  gint64 values[] = { witness->last_reading_at, witness->unobserved, witness->plugs,
                      witness->alive_at, witness->down_from, witness->down_to };
  char *texts[G_N_ELEMENTS (values)];
  const char *params[1 + G_N_ELEMENTS (values)];
  gboolean ok;

  params[0] = id;
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    params[i + 1] = texts[i] = anbu_pg_values_from_int64 (values[i]);
  ok = run_command (self,
                    "INSERT INTO ingest_witness (id, last_reading_at, unobserved, plugs, alive_at,"
                    " down_from, down_to) VALUES ($1, $2::bigint, $3::bigint, $4::bigint,"
                    " $5::bigint, $6::bigint, $7::bigint)"
                    " ON CONFLICT (id) DO UPDATE SET last_reading_at = excluded.last_reading_at,"
                    " unobserved = excluded.unobserved, plugs = excluded.plugs,"
                    " alive_at = excluded.alive_at, down_from = excluded.down_from,"
                    " down_to = excluded.down_to",
                    G_N_ELEMENTS (params), params, error, "Cannot store the ingest witnesses");
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    g_free (texts[i]);
  return ok;
}

static gboolean
pg_read_publish_due (AnbuTelemetryStore  *store,
                     gint64               now,
                     gint64               interval,
                     guint                limit,
                     GArray              *out,
                     GError             **error)
{
  AnbuPgTelemetryStore *self = ANBU_PG_TELEMETRY_STORE (store);
  g_autofree char *now_text = anbu_pg_values_from_int64 (now);
  g_autofree char *interval_text = anbu_pg_values_from_int64 (interval);
  g_autofree char *limit_text = anbu_pg_values_from_int64 (limit);
  const char *params[] = { now_text, interval_text, limit_text };
  PGresult *result;

  /* The plug table's live columns hold what was last published into the
   * record: compare with plug_live. */
  result = run (self,
                "SELECT l.serial, l.last_seen_at, l.last_watts, l.last_lux,"
                " coalesce (l.last_activity_at, 0), d.detector FROM plug_live l"
                " LEFT JOIN plug_detector d ON d.serial = l.serial"
                " JOIN plug p ON p.id = l.serial" LIVE_OF_THIS_INSTALL " WHERE p.state = 'installed'"
                " AND (p.last_seen_at IS NULL"
                "  OR l.last_seen_at - " EPOCH ("p.last_seen_at") " >= $2::bigint"
                "  OR ($1::bigint - l.last_seen_at >= $2::bigint"
                "   AND (l.last_seen_at <> " EPOCH ("p.last_seen_at")
                "    OR coalesce (l.last_activity_at, 0)"
                "       <> coalesce (" EPOCH ("p.last_activity_at") ", 0))))"
                " ORDER BY p.last_seen_at NULLS FIRST LIMIT $3::bigint",
                G_N_ELEMENTS (params), params, error, "Cannot read the plugs' live fields");
  if (result == NULL)
    return FALSE;
  for (int r = 0; r < PQntuples (result); r++)
    {
      AnbuTelemetryDue due;

      due.serial = g_strdup (anbu_pg_values_text (result, r, 0));
      due.last_seen_at = anbu_pg_values_int64 (result, r, 1);
      due.last_watts = anbu_pg_values_double (result, r, 2);
      due.last_lux = anbu_pg_values_double (result, r, 3);
      due.last_activity_at = anbu_pg_values_int64 (result, r, 4);
      due.detector = g_new (AnbuActivityDetector, 1);
      if (!detector_from_column (due.detector, result, r, 5))
        g_clear_pointer (&due.detector, g_free);
      g_array_append_val (out, due);
    }
  PQclear (result);
  return TRUE;
}

/* Store side */

static PGresult *
store_query (AnbuPgTelemetryStore  *self,
             const char            *sql,
             int                    n_params,
             const char * const    *params,
             GError               **error,
             const char            *what)
{
  g_autoptr(GError) local_error = NULL;
  PGresult *result = anbu_pg_store_query (self->store, sql, n_params, params, &local_error);

  if (result == NULL)
    g_set_error (error, ANBU_STORE_ERROR, local_error->code, "%s: %s", what, local_error->message);
  return result;
}

static gboolean
pg_mark_published (AnbuTelemetryStore  *store,
                   const char          *serial,
                   gint64               last_seen_at,
                   double               last_watts,
                   double               last_lux,
                   gint64               last_activity_at,
                   GError             **error)
{
  AnbuPgTelemetryStore *self = ANBU_PG_TELEMETRY_STORE (store);
  g_autofree char *seen = anbu_pg_values_from_int64 (last_seen_at);
  g_autofree char *watts = anbu_pg_values_from_double (last_watts);
  g_autofree char *lux = anbu_pg_values_from_double (last_lux);
  g_autofree char *activity = last_activity_at > 0 ? anbu_pg_values_from_int64 (last_activity_at)
                                                   : NULL;
  const char *params[] = { serial, seen, watts, lux, activity };
  PGresult *result;

  result = store_query (self,
                        "UPDATE plug SET last_seen_at = to_timestamp ($2::bigint),"
                        " last_watts = $3::double precision, last_lux = $4::double precision,"
                        " last_activity_at = to_timestamp ($5::bigint) WHERE id = $1",
                        G_N_ELEMENTS (params), params, error,
                        "Cannot mark the published live fields");
  if (result == NULL)
    return FALSE;
  PQclear (result);
  return TRUE;
}

static gboolean
pg_add_gateway (AnbuTelemetryStore  *store,
                const char          *id,
                const char          *name,
                const char          *token_hash,
                gint64               created_at,
                GError             **error)
{
  AnbuPgTelemetryStore *self = ANBU_PG_TELEMETRY_STORE (store);
  g_autofree char *created = anbu_pg_values_from_int64 (created_at);
  const char *params[] = { id, name, token_hash, created };
  PGresult *result;
  gboolean added;

  /* The id and token are new: a conflict is the name's. */
  result = store_query (self,
                        "INSERT INTO gateway (id, name, token_hash, created_at)"
                        " VALUES ($1, $2, $3, $4::bigint) ON CONFLICT DO NOTHING",
                        G_N_ELEMENTS (params), params, error, "Cannot add a gateway");
  if (result == NULL)
    return FALSE;
  added = g_strcmp0 (PQcmdTuples (result), "1") == 0;
  PQclear (result);
  if (!added)
    g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_EXISTS,
                 "A gateway named “%s” already exists", name);
  return added;
}

static gboolean
pg_find_gateway (AnbuTelemetryStore  *store,
                 const char          *token_hash,
                 char               **id,
                 GError             **error)
{
  AnbuPgTelemetryStore *self = ANBU_PG_TELEMETRY_STORE (store);
  const char *params[] = { token_hash };

  return read_one_row (store_query (self,
                                    "SELECT id FROM gateway WHERE token_hash = $1 AND disabled = 0",
                                    G_N_ELEMENTS (params), params, error,
                                    "Cannot look up a gateway"),
                       read_text_column, id, NULL);
}

/* GObject */

static void
anbu_pg_telemetry_store_finalize (GObject *object)
{
  AnbuPgTelemetryStore *self = ANBU_PG_TELEMETRY_STORE (object);

  g_clear_pointer (&self->conn, PQfinish);
  g_clear_pointer (&self->prepared, g_hash_table_unref);
  g_clear_pointer (&self->pending_events, g_array_unref);
  g_clear_pointer (&self->pending_index, g_hash_table_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (anbu_pg_telemetry_store_parent_class)->finalize (object);
}

static void
anbu_pg_telemetry_store_class_init (AnbuPgTelemetryStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = anbu_pg_telemetry_store_finalize;
}

static void
anbu_pg_telemetry_store_init (AnbuPgTelemetryStore *self)
{
  self->prepared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->pending_events = g_array_new (FALSE, FALSE, sizeof (PendingEvent));
  g_array_set_clear_func (self->pending_events, (GDestroyNotify) pending_event_clear);
  self->pending_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
anbu_pg_telemetry_store_iface_init (AnbuTelemetryStoreInterface *iface)
{
  iface->open_reading_log = pg_open_reading_log;
  iface->begin = pg_begin;
  iface->commit = pg_commit;
  iface->rollback = pg_rollback;
  iface->begin_batch = pg_begin_batch;
  iface->end_batch = pg_end_batch;
  iface->lock_rows = pg_lock_rows;
  iface->read_change_counter = pg_read_change_counter;
  iface->load_plugs = pg_load_plugs;
  iface->read_live = pg_read_live;
  iface->store_live = pg_store_live;
  iface->store_events = pg_store_events;
  iface->delete_events_at = pg_delete_events_at;
  iface->read_last_event = pg_read_last_event;
  iface->read_events = pg_read_events;
  iface->read_witness = pg_read_witness;
  iface->store_witness = pg_store_witness;
  iface->read_publish_due = pg_read_publish_due;
  iface->mark_published = pg_mark_published;
  iface->add_gateway = pg_add_gateway;
  iface->find_gateway = pg_find_gateway;
}

AnbuTelemetryStore *
anbu_pg_telemetry_store_open (AnbuPgStore  *store,
                              gboolean      own_connection,
                              GError      **error)
{
  g_autoptr(AnbuPgTelemetryStore) self = NULL;

  g_return_val_if_fail (ANBU_IS_PG_STORE (store), NULL);

  self = g_object_new (ANBU_TYPE_PG_TELEMETRY_STORE, NULL);
  self->store = g_object_ref (store);
  if (own_connection)
    {
      self->conn = anbu_pg_store_connect (anbu_pg_store_get_conninfo (store), NULL, error);
      if (self->conn == NULL)
        return NULL;
      self->backend_pid = PQbackendPID (self->conn);
    }
  return ANBU_TELEMETRY_STORE (g_steal_pointer (&self));
}
