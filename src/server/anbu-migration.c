/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-migration"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "anbu-migrations.h"
#include "anbu-pg-reading-log.h"
#include "anbu-pg-store.h"
#include "anbu-pg-values.h"
#include "anbu-sqlite-reading-log.h"
#include "anbu-sqlite-store.h"

#include "anbu-migration.h"

G_DEFINE_QUARK (anbu-migration-error-quark, anbu_migration_error)

/* How a column is compared across the engines: SQLite keeps times as ISO
 * 8601 text and flags as integers where PostgreSQL has timestamptz and
 * boolean, blobs where it has bytea, JSON text where it has jsonb. */
typedef enum
{
  COLUMN_TEXT,
  COLUMN_INT,
  COLUMN_REAL,
  COLUMN_BOOL,
  COLUMN_TIME,
  COLUMN_BLOB,
  COLUMN_JSON,
} ColumnKind;

typedef struct
{
  const char *name;
  ColumnKind  kind;
} Column;

#define MAX_COLUMNS 12

/* One table, the same name and columns on both engines (anbu-pg-store.c
 * step 5 mirrors SQLite's telemetry tables; the store's tables differ in
 * types only). `source_order`: the order its rows are copied in, where
 * PostgreSQL numbers them on insert (caseload_move.ordinal). */
typedef struct
{
  const char *name;
  const char *source_order;
  Column      columns[MAX_COLUMNS];
} Table;

#define T(n) { n, COLUMN_TEXT }
#define I(n) { n, COLUMN_INT }
#define R(n) { n, COLUMN_REAL }
#define B(n) { n, COLUMN_BOOL }
#define TIME(n) { n, COLUMN_TIME }
#define BLOB(n) { n, COLUMN_BLOB }
#define JSON(n) { n, COLUMN_JSON }

/* In an order the foreign keys accept. */
static const Table tables[] = {
  { "counter", NULL, { T ("name"), I ("value") } },
  { "app_user", NULL, { T ("id"), T ("username"), T ("display_name"), T ("role"),
                        JSON ("dong_codes"), T ("password_hash"), B ("disabled"),
                        TIME ("created_at"), TIME ("updated_at") } },
  { "session", NULL, { T ("token_hash"), T ("user_id"), I ("created_at"), I ("expires_at"),
                       I ("revoked_at"), T ("address") } },
  { "household", NULL, { T ("id"), T ("dong_code"), B ("night_consent"), T ("status"),
                         T ("record"), T ("field_versions"), I ("version"), I ("seq"),
                         TIME ("updated_at") } },
  { "household_assignment", NULL, { T ("household_id"), T ("planner_id") } },
  { "scope_exit", NULL, { I ("seq"), T ("household_id"), T ("dong_code"), B ("night_consent"),
                          T ("status"), T ("assigned_planner"), T ("lost_by") } },
  { "dependent_exit", NULL, { I ("seq"), I ("kind"), T ("record_id"), T ("household_id"),
                              T ("dong_code"), B ("night_consent"), T ("status"),
                              T ("assigned_planner") } },
  { "plug", NULL, { T ("id"), T ("household_id"), T ("state"), T ("record"), I ("version"),
                    I ("seq"), TIME ("updated_at"), TIME ("last_seen_at"), R ("last_watts"),
                    R ("last_lux"), TIME ("last_activity_at"), T ("dong_code") } },
  { "alert", NULL, { T ("id"), T ("household_id"), T ("state"), T ("record"), I ("version"),
                     I ("seq"), TIME ("updated_at"), T ("dong_code") } },
  { "contact", NULL, { T ("id"), T ("household_id"), T ("record"), I ("version"), I ("seq"),
                       TIME ("updated_at"), T ("dong_code") } },
  { "visit", NULL, { T ("id"), T ("household_id"), T ("record"), I ("version"), I ("seq"),
                     TIME ("updated_at"), T ("dong_code") } },
  { "absence", NULL, { T ("id"), T ("household_id"), T ("record"), I ("version"), I ("seq"),
                       TIME ("updated_at"), T ("dong_code") } },
  { "mutation", NULL, { T ("id"), T ("user_id"), T ("kind"), T ("payload"), T ("result"),
                        TIME ("applied_at") } },
  { "access_log", "id", { I ("id"), TIME ("at"), T ("user_id"), T ("username"), T ("address"),
                          T ("method"), T ("route"), T ("household_id"), T ("action") } },
  { "caseload_move", "rowid", { T ("id"), T ("dong_code"), T ("household_id"), T ("from_user"),
                                T ("to_user"), I ("effective_at"), I ("created_at"),
                                T ("created_by"), I ("applied_at") } },
  { "gateway", NULL, { T ("id"), T ("name"), T ("token_hash"), I ("created_at"),
                       I ("disabled") } },
  { "plug_live", NULL, { T ("serial"), T ("household_id"), I ("last_seen_at"), R ("last_watts"),
                         R ("last_lux"), I ("last_activity_at"), I ("online_since"),
                         T ("gateway_id"), I ("unobserved_mark"), I ("offline_from") } },
  { "plug_detector", NULL, { T ("serial"), BLOB ("detector") } },
  { "activity_event", NULL, { T ("serial"), I ("ts"), I ("kind"), R ("magnitude") } },
  { "ingest_witness", NULL, { T ("id"), I ("last_reading_at"), I ("unobserved"), I ("plugs"),
                              I ("alive_at"), I ("down_from"), I ("down_to") } },
  { "routine_profile", NULL, { T ("household_id"), I ("learned_at"), R ("observed_days"),
                               I ("ready"), BLOB ("usual_quiet"), T ("params"), BLOB ("gaps"),
                               I ("covered_until"), BLOB ("workday_quiet"),
                               BLOB ("day_off_quiet") } },
  { "routine_watch", NULL, { T ("household_id"), I ("learned_at"), I ("quiet_since"),
                             I ("watch_at"), I ("judged_seq") } },
  { "reading_hourly", NULL, { T ("serial"), I ("hour"), I ("n"), R ("watts_min"),
                              R ("watts_max"), R ("watts_sum"), R ("lux_min"), R ("lux_max"),
                              R ("lux_sum") } },
};

/* The raw readings, verified like a table (serial, ts, watts, lux). */
static const Table readings_table =
  { "reading", NULL, { T ("serial"), I ("ts"), R ("watts"), R ("lux") } };
/* Where PostgreSQL shows them so: `reading` names a plug by its number
 * (anbu-pg-reading-log.c). */
#define READINGS_TARGET_VIEW "reading_with_serial"

/* The relation `table` is read from on PostgreSQL. */
static const char *
target_relation (const Table *table)
{
  return table == &readings_table ? READINGS_TARGET_VIEW : table->name;
}

#define READINGS_BATCH 50000
#define READINGS_PROGRESS 1000000
#define COPY_FLUSH_BYTES (256 * 1024)
#define FETCH_ROWS "10000"

/* A table's rows in one engine-independent form: each row's fields in
 * canonical text (integers in decimal, doubles in shortest round-trip
 * form, flags 0/1, times as Unix microseconds, blobs as lowercase hex,
 * JSON re-serialised, NULL as a byte no text holds) separated by 0x1f,
 * hashed with SHA-256; the first 16 bytes of each row's hash are added up
 * (two 64-bit sums), so the order rows come in does not matter and a
 * repeated row does not cancel out. */
typedef struct
{
  guint64  rows;
  guint64  sum[2];
  GString *row;
} Tally;

static void
tally_init (Tally *tally)
{
  memset (tally, 0, sizeof *tally);
  tally->row = g_string_new (NULL);
}

static void
tally_clear (Tally *tally)
{
  g_string_free (tally->row, TRUE);
}

static void
tally_field (Tally      *tally,
             guint       index,
             const char *canonical)
{
  if (index > 0)
    g_string_append_c (tally->row, '\x1f');
  if (canonical == NULL)
    g_string_append_c (tally->row, '\x01');
  else
    g_string_append (tally->row, canonical);
}

static void
tally_end_row (Tally *tally)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  guint64 part;

  g_checksum_update (checksum, (const guchar *) tally->row->str, (gssize) tally->row->len);
  g_checksum_get_digest (checksum, digest, &length);
  for (guint i = 0; i < 2; i++)
    {
      memcpy (&part, digest + 8 * i, sizeof part);
      tally->sum[i] += GUINT64_FROM_BE (part);
    }
  tally->rows++;
  g_string_truncate (tally->row, 0);
}

static char *
tally_checksum (const Tally *tally)
{
  return g_strdup_printf ("%016" G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER "x",
                          tally->sum[0], tally->sum[1]);
}

static char *
canonical_double (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_dtostr (buffer, sizeof buffer, value));
}

static char *
canonical_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (!json_parser_load_from_data (parser, text, -1, NULL) || json_parser_get_root (parser) == NULL)
    return g_strconcat ("?", text, NULL);
  return json_to_string (json_parser_get_root (parser), FALSE);
}

static char *
hex_of (const guint8 *data,
        gsize         size)
{
  static const char digits[] = "0123456789abcdef";
  GString *hex = g_string_sized_new (size * 2);

  for (gsize i = 0; i < size; i++)
    {
      g_string_append_c (hex, digits[data[i] >> 4]);
      g_string_append_c (hex, digits[data[i] & 0xf]);
    }
  return g_string_free (hex, FALSE);
}

/* SQLite's ISO 8601 text as Unix microseconds; text that is no time stays
 * itself behind a mark (and so differs from any time PostgreSQL holds). */
static char *
canonical_time (const char *text)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (text, NULL);

  if (time == NULL)
    return g_strconcat ("?", text, NULL);
  return g_strdup_printf ("%" G_GINT64_FORMAT,
                          g_date_time_to_unix (time) * G_USEC_PER_SEC
                          + g_date_time_get_microsecond (time));
}

static char *
canonical_of_sqlite (sqlite3_stmt *stmt,
                     int           index,
                     ColumnKind    kind)
{
  if (sqlite3_column_type (stmt, index) == SQLITE_NULL)
    return NULL;
  switch (kind)
    {
    case COLUMN_INT:
      return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, index));
    case COLUMN_REAL:
      return canonical_double (sqlite3_column_double (stmt, index));
    case COLUMN_BOOL:
      return g_strdup (sqlite3_column_int64 (stmt, index) != 0 ? "1" : "0");
    case COLUMN_TIME:
      return canonical_time ((const char *) sqlite3_column_text (stmt, index));
    case COLUMN_BLOB:
      return hex_of (sqlite3_column_blob (stmt, index), (gsize) sqlite3_column_bytes (stmt, index));
    case COLUMN_JSON:
      return canonical_json ((const char *) sqlite3_column_text (stmt, index));
    case COLUMN_TEXT:
    default:
      return g_strndup ((const char *) sqlite3_column_text (stmt, index),
                        (gsize) sqlite3_column_bytes (stmt, index));
    }
}

/* A PostgreSQL column as selected by target_select_sql(), in the same form. */
static char *
canonical_of_pg (const PGresult *result,
                 int             row,
                 int             column,
                 ColumnKind      kind)
{
  const char *text;

  if (PQgetisnull (result, row, column))
    return NULL;
  text = PQgetvalue (result, row, column);
  switch (kind)
    {
    case COLUMN_INT:
    case COLUMN_BOOL:
    case COLUMN_TIME:
      return g_strdup_printf ("%" G_GINT64_FORMAT, g_ascii_strtoll (text, NULL, 10));
    case COLUMN_REAL:
      return canonical_double (g_ascii_strtod (text, NULL));
    case COLUMN_JSON:
      return canonical_json (text);
    case COLUMN_BLOB:
    case COLUMN_TEXT:
    default:
      return g_strdup (text);
    }
}

static guint
table_n_columns (const Table *table)
{
  guint n = 0;

  while (n < MAX_COLUMNS && table->columns[n].name != NULL)
    n++;
  return n;
}

static char *
column_list (const Table *table)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < table_n_columns (table); i++)
    g_string_append_printf (list, "%s%s", i > 0 ? ", " : "", table->columns[i].name);
  return g_string_free (list, FALSE);
}

/* The columns in the form canonical_of_pg() reads. */
static char *
target_select_sql (const Table *table)
{
  GString *sql = g_string_new ("SELECT ");

  for (guint i = 0; i < table_n_columns (table); i++)
    {
      const Column *column = &table->columns[i];

      if (i > 0)
        g_string_append (sql, ", ");
      switch (column->kind)
        {
        case COLUMN_TIME:
          g_string_append_printf (sql, "(extract (epoch FROM %s) * 1000000)::bigint", column->name);
          break;
        case COLUMN_BOOL:
          g_string_append_printf (sql, "%s::integer", column->name);
          break;
        case COLUMN_BLOB:
          g_string_append_printf (sql, "encode (%s, 'hex')", column->name);
          break;
        default:
          g_string_append (sql, column->name);
        }
    }
  g_string_append_printf (sql, " FROM %s", target_relation (table));
  return g_string_free (sql, FALSE);
}

/* Everything one run holds. */
typedef struct
{
  sqlite3        *source;
  PGconn         *target;
  AnbuReadingLog *source_readings;
  AnbuReadingLog *target_readings;
  GString        *copy;
  gboolean        readings_written;  /* committed by the reading log: undone on failure */
  guint64         readings_copied;
} Migration;

static gboolean
set_source_error (Migration   *self,
                  GError     **error,
                  const char  *what)
{
  g_set_error (error, ANBU_MIGRATION_ERROR, ANBU_MIGRATION_ERROR_SOURCE,
               "%s: %s", what, sqlite3_errmsg (self->source));
  return FALSE;
}

static gboolean
set_target_error (Migration       *self,
                  const PGresult  *result,
                  GError         **error,
                  const char      *what)
{
  const char *message = result != NULL ? PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY) : NULL;

  g_set_error (error, ANBU_MIGRATION_ERROR, ANBU_MIGRATION_ERROR_TARGET, "%s: %s", what,
               message != NULL ? message : PQerrorMessage (self->target));
  return FALSE;
}

static gboolean
exec_target (Migration   *self,
             const char  *sql,
             GError     **error,
             const char  *what)
{
  PGresult *result = PQexec (self->target, sql);
  ExecStatusType status = PQresultStatus (result);
  gboolean ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;

  if (!ok)
    set_target_error (self, result, error, what);
  PQclear (result);
  return ok;
}

/* A field in COPY's text format. */
static void
append_copy_text (GString    *out,
                  const char *text,
                  gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      switch (c)
        {
        case '\\': g_string_append (out, "\\\\"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        default: g_string_append_c (out, c);
        }
    }
}

static void
append_copy_field (GString      *out,
                   sqlite3_stmt *stmt,
                   int           index,
                   ColumnKind    kind)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  switch (sqlite3_column_type (stmt, index))
    {
    case SQLITE_NULL:
      g_string_append (out, "\\N");
      return;
    case SQLITE_INTEGER:
      if (kind == COLUMN_BOOL)
        g_string_append (out, sqlite3_column_int64 (stmt, index) != 0 ? "t" : "f");
      else
        g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, index));
      return;
    case SQLITE_FLOAT:
      g_string_append (out, g_ascii_dtostr (buffer, sizeof buffer, sqlite3_column_double (stmt, index)));
      return;
    case SQLITE_BLOB:
      if (kind == COLUMN_BLOB)
        {
          g_autofree char *hex = hex_of (sqlite3_column_blob (stmt, index),
                                         (gsize) sqlite3_column_bytes (stmt, index));

          /* bytea's hex input, its backslash doubled for COPY. */
          g_string_append (out, "\\\\x");
          g_string_append (out, hex);
          return;
        }
      G_GNUC_FALLTHROUGH;
    default:
      append_copy_text (out, (const char *) sqlite3_column_text (stmt, index),
                        (gsize) sqlite3_column_bytes (stmt, index));
    }
}

static gboolean
put_copy (Migration  *self,
          GError    **error)
{
  if (self->copy->len == 0)
    return TRUE;
  if (PQputCopyData (self->target, self->copy->str, (int) self->copy->len) != 1)
    return set_target_error (self, NULL, error, _("Cannot copy into PostgreSQL"));
  g_string_truncate (self->copy, 0);
  return TRUE;
}

/* Ends a COPY, reading its outcome. */
static gboolean
end_copy (Migration   *self,
          gboolean     ok,
          GError     **error,
          const char  *what)
{
  PGresult *result;

  if (PQputCopyEnd (self->target, ok ? NULL : "the source could not be read") != 1 && ok)
    ok = set_target_error (self, NULL, error, what);
  while ((result = PQgetResult (self->target)) != NULL)
    {
      if (PQresultStatus (result) != PGRES_COMMAND_OK && ok)
        ok = set_target_error (self, result, error, what);
      PQclear (result);
    }
  return ok;
}

static void
say_copied (const char *table,
            guint64     rows)
{
  g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, rows);

  /* TRANSLATORS: progress of anbu-server migrate: a table, its rows copied. */
  g_printerr (_("%s: %s rows copied\n"), table, count);
}

/* One table from SQLite into PostgreSQL with COPY, in the transaction open
 * on the target. */
static gboolean
copy_table (Migration    *self,
            const Table  *table,
            GError      **error)
{
  g_autofree char *columns = column_list (table);
  g_autofree char *select_sql = g_strdup_printf ("SELECT %s FROM %s%s%s", columns, table->name,
                                                 table->source_order != NULL ? " ORDER BY " : "",
                                                 table->source_order != NULL ? table->source_order : "");
  g_autofree char *copy_sql = g_strdup_printf ("COPY %s (%s) FROM STDIN", table->name, columns);
  g_autofree char *what = g_strdup_printf (_("Cannot copy the table %s"), table->name);
  guint n_columns = table_n_columns (table);
  sqlite3_stmt *stmt = NULL;
  PGresult *result;
  guint64 rows = 0;
  gboolean ok = TRUE;
  int rc;

  if (sqlite3_prepare_v2 (self->source, select_sql, -1, &stmt, NULL) != SQLITE_OK)
    return set_source_error (self, error, what);
  result = PQexec (self->target, copy_sql);
  if (PQresultStatus (result) != PGRES_COPY_IN)
    {
      set_target_error (self, result, error, what);
      PQclear (result);
      sqlite3_finalize (stmt);
      return FALSE;
    }
  PQclear (result);
  g_string_truncate (self->copy, 0);
  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      for (guint i = 0; i < n_columns; i++)
        {
          if (i > 0)
            g_string_append_c (self->copy, '\t');
          append_copy_field (self->copy, stmt, (int) i, table->columns[i].kind);
        }
      g_string_append_c (self->copy, '\n');
      rows++;
      if (self->copy->len >= COPY_FLUSH_BYTES)
        ok = put_copy (self, error);
    }
  if (ok && rc != SQLITE_DONE)
    ok = set_source_error (self, error, what);
  sqlite3_finalize (stmt);
  if (ok)
    ok = put_copy (self, error);
  /* Ended either way, so the connection leaves the COPY state. */
  if (!end_copy (self, ok, ok ? error : NULL, what))
    return FALSE;
  say_copied (table->name, rows);
  return TRUE;
}

/* The serials that have readings, in order. */
static GPtrArray *
source_serials (Migration  *self,
                GError    **error)
{
  g_autoptr(GPtrArray) serials = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->source, "SELECT DISTINCT serial FROM reading_bucket ORDER BY serial",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      set_source_error (self, error, _("Cannot read the readings"));
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (serials, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_source_error (self, error, _("Cannot read the readings"));
      return NULL;
    }
  return g_steal_pointer (&serials);
}

static void
tally_reading (Tally             *tally,
               const char        *serial,
               const AnbuReading *reading)
{
  g_autofree char *ts = g_strdup_printf ("%" G_GINT64_FORMAT, reading->ts);
  g_autofree char *watts = canonical_double (reading->watts);
  g_autofree char *lux = canonical_double (reading->lux);

  tally_field (tally, 0, serial);
  tally_field (tally, 1, ts);
  tally_field (tally, 2, watts);
  tally_field (tally, 3, lux);
  tally_end_row (tally);
}

static gboolean
append_readings (Migration           *self,
                 GPtrArray           *batch_serials,
                 GArray              *entries,
                 GError             **error)
{
  g_autofree gboolean *stored = NULL;
  guint n_entries = entries->len;

  if (n_entries == 0)
    return TRUE;
  stored = g_new0 (gboolean, entries->len);
  self->readings_written = TRUE;
  self->readings_copied += entries->len;
  if (!anbu_reading_log_append (self->target_readings,
                                (const char * const *) batch_serials->pdata, batch_serials->len,
                                (const AnbuReadingLogEntry *) entries->data, entries->len,
                                stored, error))
    return FALSE;
  g_ptr_array_set_size (batch_serials, 0);
  g_array_set_size (entries, 0);
  /* A city's readings take minutes: a line every million. */
  if (self->readings_copied / READINGS_PROGRESS
      != (self->readings_copied - n_entries) / READINGS_PROGRESS)
    say_copied (readings_table.name, self->readings_copied);
  return TRUE;
}

/* The raw readings, read plug by plug through SQLite's reading log and
 * appended in batches through PostgreSQL's; tallied as they are read. */
static gboolean
copy_readings (Migration  *self,
               Tally      *source_tally,
               GError    **error)
{
  g_autoptr(GPtrArray) serials = source_serials (self, error);
  g_autoptr(GPtrArray) batch_serials = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (AnbuReadingLogEntry));
  g_autoptr(GArray) readings = g_array_new (FALSE, FALSE, sizeof (AnbuReading));

  if (serials == NULL)
    return FALSE;
  for (guint s = 0; s < serials->len; s++)
    {
      const char *serial = g_ptr_array_index (serials, s);

      g_array_set_size (readings, 0);
      if (!anbu_reading_log_read_range (self->source_readings, serial, 0, G_MAXINT64 / 2,
                                        readings, error))
        return FALSE;
      g_ptr_array_add (batch_serials, g_strdup (serial));
      for (guint i = 0; i < readings->len; i++)
        {
          AnbuReadingLogEntry entry = {
            .plug = batch_serials->len - 1,
            .reading = g_array_index (readings, AnbuReading, i),
          };

          tally_reading (source_tally, serial, &entry.reading);
          g_array_append_val (entries, entry);
          if (entries->len >= READINGS_BATCH)
            {
              if (!append_readings (self, batch_serials, entries, error))
                return FALSE;
              g_ptr_array_add (batch_serials, g_strdup (serial));
            }
        }
    }
  if (!append_readings (self, batch_serials, entries, error))
    return FALSE;
  say_copied (readings_table.name, source_tally->rows);
  return TRUE;
}

static gboolean
tally_source_table (Migration    *self,
                    const Table  *table,
                    Tally        *tally,
                    GError      **error)
{
  g_autofree char *columns = column_list (table);
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM %s", columns, table->name);
  guint n_columns = table_n_columns (table);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->source, sql, -1, &stmt, NULL) != SQLITE_OK)
    return set_source_error (self, error, _("Cannot verify the copy"));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      for (guint i = 0; i < n_columns; i++)
        {
          g_autofree char *value = canonical_of_sqlite (stmt, (int) i, table->columns[i].kind);

          tally_field (tally, i, value);
        }
      tally_end_row (tally);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return set_source_error (self, error, _("Cannot verify the copy"));
  return TRUE;
}

/* Reads the table back from PostgreSQL through a cursor (a reading table
 * of millions of rows never sits in memory whole). */
static gboolean
tally_target_table (Migration    *self,
                    const Table  *table,
                    Tally        *tally,
                    GError      **error)
{
  g_autofree char *select_sql = target_select_sql (table);
  g_autofree char *declare_sql = g_strdup_printf ("DECLARE migrate_verify NO SCROLL CURSOR FOR %s",
                                                  select_sql);
  guint n_columns = table_n_columns (table);
  gboolean more = TRUE;

  if (!exec_target (self, declare_sql, error, _("Cannot verify the copy")))
    return FALSE;
  while (more)
    {
      PGresult *result = PQexec (self->target, "FETCH " FETCH_ROWS " FROM migrate_verify");

      if (PQresultStatus (result) != PGRES_TUPLES_OK)
        {
          set_target_error (self, result, error, _("Cannot verify the copy"));
          PQclear (result);
          return FALSE;
        }
      for (int row = 0; row < PQntuples (result); row++)
        {
          for (guint i = 0; i < n_columns; i++)
            {
              g_autofree char *value = canonical_of_pg (result, row, (int) i, table->columns[i].kind);

              tally_field (tally, i, value);
            }
          tally_end_row (tally);
        }
      more = PQntuples (result) > 0;
      PQclear (result);
    }
  return exec_target (self, "CLOSE migrate_verify", error, _("Cannot verify the copy"));
}

/* One line of the verification table; FALSE when the sides differ. */
static gboolean
report_table (FILE        *out,
              const char  *name,
              const Tally *source,
              const Tally *target)
{
  g_autofree char *source_sum = tally_checksum (source);
  g_autofree char *target_sum = tally_checksum (target);
  gboolean same = source->rows == target->rows && strcmp (source_sum, target_sum) == 0;

  fprintf (out, "%-22s %12" G_GUINT64_FORMAT " %12" G_GUINT64_FORMAT "  %.16s  %.16s  %s\n",
           name, source->rows, target->rows, source_sum, target_sum,
           same ? _("same") : _("DIFFERENT"));
  return same;
}

/* Counts and checksums every table on both sides, the readings' source
 * tally made while copying. The names of the tables that differ, or NULL
 * with `error` set when a side could not be read. */
static GPtrArray *
verify (Migration   *self,
        Tally       *source_readings,
        FILE        *out,
        GError     **error)
{
  g_autoptr(GPtrArray) different = g_ptr_array_new ();

  fprintf (out, "%-22s %12s %12s  %-16s  %-16s  %s\n", _("table"), _("source rows"),
           _("target rows"), _("source checksum"), _("target checksum"), _("result"));
  for (guint t = 0; t <= G_N_ELEMENTS (tables); t++)
    {
      const Table *table = t < G_N_ELEMENTS (tables) ? &tables[t] : &readings_table;
      Tally source, target;
      gboolean ok;

      tally_init (&target);
      if (table == &readings_table)
        source = *source_readings;
      else
        tally_init (&source);
      ok = (table == &readings_table || tally_source_table (self, table, &source, error))
           && tally_target_table (self, table, &target, error);
      if (ok && !report_table (out, table->name, &source, &target))
        g_ptr_array_add (different, (gpointer) table->name);
      if (table != &readings_table)
        tally_clear (&source);
      tally_clear (&target);
      if (!ok)
        return NULL;
    }
  fflush (out);
  return g_steal_pointer (&different);
}

/* The first table of the target that holds rows (besides the counter,
 * which the schema starts at 0), or NULL; `error` set when it cannot tell. */
static char *
first_nonempty_table (Migration  *self,
                      gboolean    with_readings,
                      GError    **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  PGresult *result;
  char *name = NULL;

  for (guint t = 0; t <= G_N_ELEMENTS (tables); t++)
    {
      const Table *table = t < G_N_ELEMENTS (tables) ? &tables[t] : &readings_table;

      if (strcmp (table->name, "counter") == 0 || (table == &readings_table && !with_readings))
        continue;
      g_string_append_printf (sql, "%s(SELECT '%s' FROM %s LIMIT 1)", sql->len > 0 ? " UNION ALL " : "",
                              table->name, target_relation (table));
    }
  g_string_append (sql, " LIMIT 1");
  result = PQexec (self->target, sql->str);
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    set_target_error (self, result, error, _("Cannot read the target database"));
  else if (PQntuples (result) > 0)
    name = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  return name;
}

static const Table *
find_table (const char *name)
{
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    if (strcmp (tables[t].name, name) == 0)
      return &tables[t];
  return NULL;
}

static gboolean
table_has_column (const Table *table,
                  const char  *name)
{
  for (guint i = 0; i < table_n_columns (table); i++)
    if (strcmp (table->columns[i].name, name) == 0)
      return TRUE;
  return FALSE;
}

/* Every table and column of the source is one this command copies (the
 * readings' buckets through the reading log; SQLite's own tables aside),
 * so a table or column added to the schema later cannot be left behind
 * unnoticed: the copy is refused instead. */
static gboolean
check_source_schema (Migration  *self,
                     GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;
  int rc;

  if (sqlite3_prepare_v2 (self->source,
                          "SELECT m.name, c.name FROM sqlite_schema m, pragma_table_info (m.name) c"
                          " WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                          " AND m.name <> 'reading_bucket' ORDER BY m.name, c.cid",
                          -1, &stmt, NULL) != SQLITE_OK)
    return set_source_error (self, error, _("Cannot read the SQLite database's tables"));
  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *table_name = (const char *) sqlite3_column_text (stmt, 0);
      const char *column_name = (const char *) sqlite3_column_text (stmt, 1);
      const Table *table = find_table (table_name);

      if (table == NULL || !table_has_column (table, column_name))
        {
          g_set_error (error, ANBU_MIGRATION_ERROR, ANBU_MIGRATION_ERROR_SOURCE,
                       _("The SQLite database has %s.%s, which this anbu-server does not know how "
                         "to copy: nothing was copied"), table_name, column_name);
          ok = FALSE;
        }
    }
  if (ok && rc != SQLITE_DONE)
    ok = set_source_error (self, error, _("Cannot read the SQLite database's tables"));
  sqlite3_finalize (stmt);
  return ok;
}

static gboolean
open_source (Migration   *self,
             const char  *from,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  gint version;

  if (!g_file_test (from, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, ANBU_MIGRATION_ERROR, ANBU_MIGRATION_ERROR_SOURCE,
                   _("There is no database file %s"), from);
      return FALSE;
    }
  /* Read-write without create: a WAL database is read beside its running
   * server (the shared-memory index may need making); nothing is written. */
  if (sqlite3_open_v2 (from, &self->source, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    return set_source_error (self, error, _("Cannot open the SQLite database"));
  sqlite3_busy_timeout (self->source, 10000);
  /* Nothing is written to the source: not by a statement, and not by the
   * checkpoint SQLite runs when the last connection to a WAL file closes. */
  sqlite3_db_config (self->source, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
  if (sqlite3_exec (self->source, "PRAGMA query_only = 1", NULL, NULL, NULL) != SQLITE_OK)
    return set_source_error (self, error, _("Cannot open the SQLite database"));
  /* The read transaction starts with its first read: the schema version. */
  if (sqlite3_exec (self->source, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    return set_source_error (self, error, _("Cannot open the SQLite database"));
  version = anbu_migrations_get_version (self->source, &local_error);
  if (version < 0)
    {
      g_set_error (error, ANBU_MIGRATION_ERROR, ANBU_MIGRATION_ERROR_SOURCE,
                   _("%s is not an Anbu database: %s"), from, local_error->message);
      return FALSE;
    }
  if ((guint) version != anbu_sqlite_store_get_latest_schema_version ())
    {
      g_set_error (error, ANBU_MIGRATION_ERROR, ANBU_MIGRATION_ERROR_SOURCE,
                   _("%s has schema version %d, this anbu-server copies version %u: run this "
                     "version of anbu-server on it once (or use the matching version)"),
                   from, version, anbu_sqlite_store_get_latest_schema_version ());
      return FALSE;
    }
  if (!check_source_schema (self, error))
    return FALSE;
  self->source_readings = anbu_sqlite_reading_log_new (self->source);
  return TRUE;
}

static gboolean
open_target (Migration   *self,
             const char  *to,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(AnbuStore) store = NULL;

  if (!anbu_store_location_is_postgresql (to))
    {
      g_set_error (error, ANBU_MIGRATION_ERROR, ANBU_MIGRATION_ERROR_TARGET,
                   _("--to must be a PostgreSQL URI (postgresql://USER@HOST:PORT/NAME), not %s"), to);
      return FALSE;
    }
  /* Opening the store and the reading log makes (or updates) their schemas. */
  store = anbu_pg_store_open (to, &local_error);
  if (store != NULL)
    self->target_readings = anbu_pg_reading_log_open (to, &local_error);
  if (store == NULL || self->target_readings == NULL)
    {
      g_set_error (error, ANBU_MIGRATION_ERROR, ANBU_MIGRATION_ERROR_TARGET,
                   _("Cannot open the PostgreSQL database: %s"), local_error->message);
      return FALSE;
    }
  self->target = anbu_pg_store_connect (to, NULL, &local_error);
  if (self->target == NULL)
    {
      g_set_error (error, ANBU_MIGRATION_ERROR, ANBU_MIGRATION_ERROR_TARGET,
                   _("Cannot open the PostgreSQL database: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* After a failure: the transaction is undone, and the readings the
 * reading log committed on its own are removed. */
static void
undo (Migration *self)
{
  if (self->target == NULL)
    return;
  if (PQtransactionStatus (self->target) != PQTRANS_IDLE)
    PQclear (PQexec (self->target, "ROLLBACK"));
  if (self->readings_written)
    {
      g_autoptr(GError) error = NULL;

      if (!exec_target (self, "TRUNCATE reading", &error, _("Cannot remove the copied readings")))
        g_printerr ("anbu-server: %s\n", error->message);
    }
}

static void
migration_clear (Migration *self)
{
  g_clear_object (&self->source_readings);
  g_clear_object (&self->target_readings);
  if (self->source != NULL)
    sqlite3_close (self->source);
  if (self->target != NULL)
    PQfinish (self->target);
  if (self->copy != NULL)
    g_string_free (self->copy, TRUE);
}

static gboolean
migrate (Migration   *self,
         const char  *from,
         const char  *to,
         FILE        *verification,
         GError     **error)
{
  g_autofree char *occupied = NULL;
  g_autoptr(GPtrArray) different = NULL;
  g_autoptr(GError) local_error = NULL;
  Tally source_readings;
  gboolean ok;

  if (!open_source (self, from, error) || !open_target (self, to, error))
    return FALSE;
  /* Looked at before the transaction too, which must hold no lock on
   * `reading`: the reading log adds its day partitions while it copies. */
  occupied = first_nonempty_table (self, TRUE, &local_error);
  if (local_error == NULL && occupied == NULL)
    {
      if (!exec_target (self, "BEGIN", error, _("Cannot copy into PostgreSQL")))
        return FALSE;
      occupied = first_nonempty_table (self, FALSE, &local_error);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (occupied != NULL)
    {
      g_set_error (error, ANBU_MIGRATION_ERROR, ANBU_MIGRATION_ERROR_NOT_EMPTY,
                   _("The PostgreSQL database is not empty (its table %s holds rows): migrate "
                     "copies into an empty database only. Nothing was written."), occupied);
      return FALSE;
    }
  /* The schema starts the change counter at 0: the source's replaces it. */
  if (!exec_target (self, "DELETE FROM counter", error, _("Cannot copy into PostgreSQL")))
    return FALSE;
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    if (!copy_table (self, &tables[t], error))
      return FALSE;
  /* Rows copied with their ids: the identity goes on after the last. */
  if (!exec_target (self, "SELECT setval (pg_get_serial_sequence ('access_log', 'id'),"
                    " coalesce (max (id), 0) + 1, false) FROM access_log",
                    error, _("Cannot copy into PostgreSQL")))
    return FALSE;
  tally_init (&source_readings);
  ok = copy_readings (self, &source_readings, error);
  if (ok)
    {
      g_printerr ("%s", _("Verifying the copy…\n"));
      different = verify (self, &source_readings, verification, error);
    }
  tally_clear (&source_readings);
  if (different == NULL)
    return FALSE;
  if (different->len > 0)
    {
      g_ptr_array_add (different, NULL);
      g_autofree char *names = g_strjoinv (", ", (char **) different->pdata);

      g_set_error (error, ANBU_MIGRATION_ERROR, ANBU_MIGRATION_ERROR_MISMATCH,
                   _("The copy differs from the source in: %s. Nothing was kept."), names);
      return FALSE;
    }
  return exec_target (self, "COMMIT", error, _("Cannot commit the copy"));
}

gboolean
anbu_migration_run (const char  *from,
                    const char  *to,
                    FILE        *verification,
                    GError     **error)
{
  Migration self = { .copy = g_string_new (NULL) };
  gboolean ok;

  g_return_val_if_fail (from != NULL && to != NULL, FALSE);

  ok = migrate (&self, from, to, verification, error);
  if (!ok)
    undo (&self);
  migration_clear (&self);
  return ok;
}
