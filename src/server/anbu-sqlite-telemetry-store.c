/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-telemetry-store"

#include "config.h"

#include <sqlite3.h>

#include "anbu-server-time.h"
#include "anbu-sqlite-reading-log.h"
#include "anbu-sqlite-telemetry-store.h"

/* AnbuTelemetryStore on SQLite: one prepared statement per operation,
 * reused (a batch of many plugs steps them thousands of times). */

/* A plug's live fields count only for the installation they were seen
 * in: a plug moved to another household starts with none, so nothing of
 * the previous resident is published to the new one. */
#define LIVE_OF_THIS_INSTALL \
  " AND l.household_id = p.household_id" \
  " AND l.last_seen_at >= unixepoch (json_extract (p.record, '$.installed_at'))"

/* A plug without a detector of its own takes the one of the plug it
 * replaced (taken out of its household, for the same appliance, at the
 * moment it went in): what that plug learned of the home's machines (a
 * timer lamp, a fridge) holds for the new one in its place, which would
 * otherwise count them as the resident for days. Only what it learned
 * there: its readings of that install (a plug moved from another home and
 * replaced before it reported brings nothing). */
#define REPLACED_DETECTOR_SQL \
  "(SELECT r.detector FROM plug o JOIN plug_detector r ON r.serial = o.id" \
  " JOIN plug_live ol ON ol.serial = o.id AND ol.household_id = o.household_id" \
  " AND ol.last_seen_at >= unixepoch (json_extract (o.record, '$.installed_at'))" \
  " WHERE o.household_id = p.household_id AND o.id <> p.id AND o.state <> 'installed'" \
  " AND json_extract (o.record, '$.removed_at') = json_extract (p.record, '$.installed_at')" \
  " AND json_extract (o.record, '$.appliance') = json_extract (p.record, '$.appliance') LIMIT 1)"

/* Written in the store's transaction, on the store's connection. */
#define PUBLISH_MARK_SQL \
  "UPDATE plug SET last_seen_at = ?2, last_watts = ?3, last_lux = ?4," \
  " last_activity_at = ?5 WHERE id = ?1"

struct _AnbuSqliteTelemetryStore
{
  GObject          parent_instance;

  AnbuSqliteStore *store;
  sqlite3         *store_db;   /* the store's connection */
  sqlite3         *db;         /* the batch side's: store_db or own_db */
  sqlite3         *own_db;

  sqlite3_stmt    *plug_info;
  sqlite3_stmt    *live_get;
  sqlite3_stmt    *live_put;
  sqlite3_stmt    *detector_put;
  sqlite3_stmt    *insert_event;
  sqlite3_stmt    *delete_events_at;
  sqlite3_stmt    *last_event;
  sqlite3_stmt    *events_range;
  sqlite3_stmt    *publish_due;
  sqlite3_stmt    *publish_mark;
  sqlite3_stmt    *change_counter;
  sqlite3_stmt    *witness_get;
  sqlite3_stmt    *witness_put;
  sqlite3_stmt    *gateway_lookup;
};

static void anbu_sqlite_telemetry_store_iface_init (AnbuTelemetryStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AnbuSqliteTelemetryStore, anbu_sqlite_telemetry_store,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ANBU_TYPE_TELEMETRY_STORE,
                                                      anbu_sqlite_telemetry_store_iface_init))

/* `*stmt`, prepared on `db` the first time it is needed. */
static sqlite3_stmt *
statement (sqlite3        *db,
           sqlite3_stmt  **stmt,
           const char     *sql,
           GError        **error)
{
  if (*stmt == NULL
      && sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL) != SQLITE_OK)
    {
      anbu_sqlite_store_set_error (db, error, "Cannot prepare a telemetry statement");
      return NULL;
    }
  return *stmt;
}

static gboolean
step_done (sqlite3_stmt  *stmt,
           GError       **error,
           const char    *what)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  return anbu_sqlite_store_set_error (sqlite3_db_handle (stmt), error, what);
}

/* Reads the columns of the row `stmt` stands on into `out`. */
typedef void (*RowReader) (sqlite3_stmt *stmt,
                           gpointer      out);

/* Most reads here are one keyed row: `sql` (prepared once into `*cache`,
 * its ?1 bound to `key` unless NULL) stepped to its first row, which
 * `read_columns` reads into `out`; `*found` (unless NULL) is set when
 * there is one. No row leaves the outputs as they are. */
static gboolean
read_one_row (sqlite3        *db,
              sqlite3_stmt  **cache,
              const char     *sql,
              const char     *key,
              RowReader       read_columns,
              gpointer        out,
              gboolean       *found,
              GError        **error,
              const char     *what)
{
  sqlite3_stmt *stmt = statement (db, cache, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  if (key != NULL)
    sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      read_columns (stmt, out);
      if (found != NULL)
        *found = TRUE;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (db, error, what);
  return TRUE;
}

static void
read_int64_column (sqlite3_stmt *stmt,
                   gpointer      out)
{
  *(gint64 *) out = sqlite3_column_int64 (stmt, 0);
}

static void
read_text_column (sqlite3_stmt *stmt,
                  gpointer      out)
{
  *(char **) out = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

static gboolean
exec_sql (sqlite3     *db,
          const char  *sql,
          GError     **error)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) == SQLITE_OK)
    return TRUE;
  g_set_error (error, ANBU_STORE_ERROR,
               (sqlite3_extended_errcode (db) & 0xff) == SQLITE_FULL ? ANBU_STORE_ERROR_FULL
                                                                     : ANBU_STORE_ERROR_FAILED,
               "%s: %s", sql, message);
  sqlite3_free (message);
  return FALSE;
}

/* Batch side */

static AnbuReadingLog *
sqlite_open_reading_log (AnbuTelemetryStore  *store,
                         GError             **error)
{
  AnbuSqliteTelemetryStore *self = ANBU_SQLITE_TELEMETRY_STORE (store);

  return anbu_sqlite_reading_log_new (self->db);
}

static gboolean
sqlite_begin (AnbuTelemetryStore  *store,
              GError             **error)
{
  return exec_sql (ANBU_SQLITE_TELEMETRY_STORE (store)->db, "BEGIN IMMEDIATE", error);
}

static gboolean
sqlite_commit (AnbuTelemetryStore  *store,
               GError             **error)
{
  return exec_sql (ANBU_SQLITE_TELEMETRY_STORE (store)->db, "COMMIT", error);
}

static void
sqlite_rollback (AnbuTelemetryStore *store)
{
  AnbuSqliteTelemetryStore *self = ANBU_SQLITE_TELEMETRY_STORE (store);

  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

static gboolean
sqlite_begin_batch (AnbuTelemetryStore  *store,
                    GError             **error)
{
  return exec_sql (ANBU_SQLITE_TELEMETRY_STORE (store)->db, "SAVEPOINT batch", error);
}

static gboolean
sqlite_end_batch (AnbuTelemetryStore  *store,
                  gboolean             keep,
                  GError             **error)
{
  AnbuSqliteTelemetryStore *self = ANBU_SQLITE_TELEMETRY_STORE (store);

  if (!keep)
    sqlite3_exec (self->db, "ROLLBACK TO batch", NULL, NULL, NULL);
  return exec_sql (self->db, "RELEASE batch", error);
}

static gboolean
sqlite_read_change_counter (AnbuTelemetryStore  *store,
                            gint64              *counter,
                            GError             **error)
{
  AnbuSqliteTelemetryStore *self = ANBU_SQLITE_TELEMETRY_STORE (store);

  return read_one_row (self->db, &self->change_counter,
                       "SELECT value FROM counter WHERE name = 'seq'", NULL,
                       read_int64_column, counter, NULL, error, "Cannot read the change counter");
}

static void
read_plug_columns (sqlite3_stmt *stmt,
                   gpointer      out)
{
  AnbuTelemetryPlugRow *row = out;

  row->household_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  row->installed = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), "installed") == 0;
  row->has_live = sqlite3_column_type (stmt, 2) != SQLITE_NULL;
  row->live_seen_at = sqlite3_column_int64 (stmt, 2);
  row->live_watts = sqlite3_column_double (stmt, 3);
  row->live_lux = sqlite3_column_double (stmt, 4);
  row->live_activity_at = sqlite3_column_int64 (stmt, 5);
  row->live_online_since = sqlite3_column_int64 (stmt, 6);
  row->has_detector = anbu_activity_detector_from_blob (&row->detector,
                                                        sqlite3_column_blob (stmt, 7),
                                                        (gsize) sqlite3_column_bytes (stmt, 7));
  row->gateway_id = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
  row->unobserved_mark = sqlite3_column_int64 (stmt, 9);
  row->live_offline_from = sqlite3_column_int64 (stmt, 11);
  if (sqlite3_column_type (stmt, 12) != SQLITE_NULL
      && g_strcmp0 ((const char *) sqlite3_column_text (stmt, 12), row->household_id) != 0)
    row->left_household_id = g_strdup ((const char *) sqlite3_column_text (stmt, 12));
  if (!anbu_activity_mark_from_string ((const char *) sqlite3_column_text (stmt, 10),
                                       &row->activity_mark))
    row->activity_mark = ANBU_ACTIVITY_MARK_AUTO;
}

static gboolean
load_plug (AnbuSqliteTelemetryStore  *self,
           const char                *serial,
           AnbuTelemetryPlugRow      *row,
           gboolean                  *found,
           GError                   **error)
{
  return read_one_row (self->db, &self->plug_info,
                       "SELECT p.household_id, p.state, l.last_seen_at, l.last_watts, l.last_lux,"
                       " coalesce (l.last_activity_at, 0), l.online_since,"
                       " coalesce (d.detector, " REPLACED_DETECTOR_SQL "), l.gateway_id,"
                       " coalesce (l.unobserved_mark, 0), json_extract (p.record, '$.activity_mark'),"
                       " coalesce (l.offline_from, 0),"
                       " (SELECT o.household_id FROM plug_live o WHERE o.serial = p.id)"
                       " FROM plug p LEFT JOIN plug_live l ON l.serial = p.id" LIVE_OF_THIS_INSTALL
                       " LEFT JOIN plug_detector d ON d.serial = l.serial"
                       " WHERE p.id = ?1", serial,
                       read_plug_columns, row, found, error, "Cannot read a plug");
}

/* One plug after the other: each a step of one prepared statement. */
static gboolean
sqlite_load_plugs (AnbuTelemetryStore    *store,
                   const char * const    *serials,
                   guint                  n_serials,
                   AnbuTelemetryPlugRow  *rows,
                   gboolean              *found,
                   GError               **error)
{
  AnbuSqliteTelemetryStore *self = ANBU_SQLITE_TELEMETRY_STORE (store);

  for (guint i = 0; i < n_serials; i++)
    if (!load_plug (self, serials[i], &rows[i], &found[i], error))
      return FALSE;
  return TRUE;
}

static void
read_live_columns (sqlite3_stmt *stmt,
                   gpointer      out)
{
  AnbuTelemetryLive *live = out;

  live->household_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  live->last_seen_at = sqlite3_column_int64 (stmt, 1);
  live->last_watts = sqlite3_column_double (stmt, 2);
  live->last_lux = sqlite3_column_double (stmt, 3);
  live->last_activity_at = sqlite3_column_int64 (stmt, 4);
  live->online_since = sqlite3_column_int64 (stmt, 5);
  live->offline_from = sqlite3_column_int64 (stmt, 6);
}

static gboolean
sqlite_read_live (AnbuTelemetryStore  *store,
                  const char          *serial,
                  AnbuTelemetryLive   *live,
                  gboolean            *found,
                  GError             **error)
{
  AnbuSqliteTelemetryStore *self = ANBU_SQLITE_TELEMETRY_STORE (store);

  return read_one_row (self->db, &self->live_get,
                       "SELECT household_id, last_seen_at, last_watts, last_lux,"
                       " coalesce (last_activity_at, 0), online_since, offline_from FROM plug_live"
                       " WHERE serial = ?1", serial,
                       read_live_columns, live, found, error, "Cannot read a plug's live fields");
}

static gboolean
sqlite_store_live (AnbuTelemetryStore          *store,
                   const AnbuTelemetryLiveRow  *rows,
                   guint                        n_rows,
                   GError                     **error)
{
  AnbuSqliteTelemetryStore *self = ANBU_SQLITE_TELEMETRY_STORE (store);
  sqlite3_stmt *live_put = statement (self->db, &self->live_put,
                                      "INSERT INTO plug_live (serial, household_id, last_seen_at,"
                                      " last_watts, last_lux, last_activity_at, online_since, gateway_id,"
                                      " unobserved_mark, offline_from)"
                                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (serial) DO UPDATE SET"
                                      " household_id = excluded.household_id, last_seen_at = excluded.last_seen_at,"
                                      " last_watts = excluded.last_watts, last_lux = excluded.last_lux,"
                                      " last_activity_at = excluded.last_activity_at,"
                                      " online_since = excluded.online_since,"
                                      " gateway_id = excluded.gateway_id, unobserved_mark = excluded.unobserved_mark,"
                                      " offline_from = excluded.offline_from", error);
  sqlite3_stmt *detector_put = statement (self->db, &self->detector_put,
                                          "INSERT INTO plug_detector (serial, detector) VALUES (?1, ?2)"
                                          " ON CONFLICT (serial) DO UPDATE SET detector = excluded.detector",
                                          error);

  if (live_put == NULL || detector_put == NULL)
    return FALSE;
  for (guint i = 0; i < n_rows; i++)
    {
      const AnbuTelemetryLiveRow *row = &rows[i];
      sqlite3_stmt *stmt = live_put;

      sqlite3_bind_text (stmt, 1, row->serial, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, row->household_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, row->last_seen_at);
      sqlite3_bind_double (stmt, 4, row->last_watts);
      sqlite3_bind_double (stmt, 5, row->last_lux);
      if (row->last_activity_at > 0)
        sqlite3_bind_int64 (stmt, 6, row->last_activity_at);
      else
        sqlite3_bind_null (stmt, 6);
      sqlite3_bind_int64 (stmt, 7, row->online_since);
      if (row->gateway_id != NULL)
        sqlite3_bind_text (stmt, 8, row->gateway_id, -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (stmt, 8);
      sqlite3_bind_int64 (stmt, 9, row->unobserved_mark);
      sqlite3_bind_int64 (stmt, 10, row->offline_from);
      if (!step_done (stmt, error, "Cannot store the plug's live fields"))
        return FALSE;
      if (row->detector != NULL)
        {
          g_autoptr(GBytes) packed = anbu_activity_detector_to_blob (row->detector);
          gsize size;
          gconstpointer bytes = g_bytes_get_data (packed, &size);

          stmt = detector_put;
          sqlite3_bind_text (stmt, 1, row->serial, -1, SQLITE_STATIC);
          sqlite3_bind_blob (stmt, 2, bytes, (int) size, SQLITE_STATIC);
          if (!step_done (stmt, error, "Cannot store the plug's learned detector"))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
sqlite_store_events (AnbuTelemetryStore       *store,
                     const char               *serial,
                     const AnbuActivityEvent  *events,
                     guint                     n_events,
                     GError                  **error)
{
  AnbuSqliteTelemetryStore *self = ANBU_SQLITE_TELEMETRY_STORE (store);
  sqlite3_stmt *stmt = statement (self->db, &self->insert_event,
                                  "INSERT OR REPLACE INTO activity_event (serial, ts, kind, magnitude)"
                                  " VALUES (?1, ?2, ?3, ?4)", error);

  if (stmt == NULL)
    return FALSE;
  for (guint e = 0; e < n_events; e++)
    {
      sqlite3_bind_text (stmt, 1, serial, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, events[e].ts);
      sqlite3_bind_int (stmt, 3, events[e].kind);
      sqlite3_bind_double (stmt, 4, events[e].magnitude);
      if (!step_done (stmt, error, "Cannot store an activity event"))
        return FALSE;
    }
  return TRUE;
}

static gboolean
sqlite_delete_events_at (AnbuTelemetryStore  *store,
                         const char          *serial,
                         gint64               ts,
                         GError             **error)
{
  AnbuSqliteTelemetryStore *self = ANBU_SQLITE_TELEMETRY_STORE (store);
  sqlite3_stmt *stmt = statement (self->db, &self->delete_events_at,
                                  "DELETE FROM activity_event WHERE serial = ?1 AND ts = ?2", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, serial, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, ts);
  return step_done (stmt, error, "Cannot replace activity events");
}

static gboolean
sqlite_read_last_event (AnbuTelemetryStore  *store,
                        const char          *serial,
                        gint64              *ts,
                        GError             **error)
{
  AnbuSqliteTelemetryStore *self = ANBU_SQLITE_TELEMETRY_STORE (store);

  return read_one_row (self->db, &self->last_event,
                       "SELECT max (ts) FROM activity_event WHERE serial = ?1", serial,
                       read_int64_column, ts, NULL, error, "Cannot read the last activity event");
}

static gboolean
sqlite_read_events (AnbuTelemetryStore  *store,
                    const char          *serial,
                    gint64               from,
                    gint64               to,
                    GArray              *out,
                    GError             **error)
{
  AnbuSqliteTelemetryStore *self = ANBU_SQLITE_TELEMETRY_STORE (store);
  sqlite3_stmt *stmt = statement (self->db, &self->events_range,
                                  "SELECT ts, kind, magnitude FROM activity_event"
                                  " WHERE serial = ?1 AND ts >= ?2 AND ts < ?3 ORDER BY ts, kind", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, serial, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AnbuActivityEvent event = { 0 };

      event.ts = sqlite3_column_int64 (stmt, 0);
      event.kind = sqlite3_column_int (stmt, 1);
      event.magnitude = sqlite3_column_double (stmt, 2);
      g_array_append_val (out, event);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot read activity events");
  return TRUE;
}

static void
read_witness_columns (sqlite3_stmt *stmt,
                      gpointer      out)
{
  AnbuTelemetryWitness *witness = out;

  witness->last_reading_at = sqlite3_column_int64 (stmt, 0);
  witness->unobserved = sqlite3_column_int64 (stmt, 1);
  witness->plugs = sqlite3_column_int64 (stmt, 2);
  witness->alive_at = sqlite3_column_int64 (stmt, 3);
  witness->down_from = sqlite3_column_int64 (stmt, 4);
  witness->down_to = sqlite3_column_int64 (stmt, 5);
}

static gboolean
sqlite_read_witness (AnbuTelemetryStore    *store,
                     const char            *id,
                     AnbuTelemetryWitness  *witness,
                     GError               **error)
{
  AnbuSqliteTelemetryStore *self = ANBU_SQLITE_TELEMETRY_STORE (store);

  return read_one_row (self->db, &self->witness_get,
                       "SELECT last_reading_at, unobserved, plugs, alive_at, down_from, down_to"
                       " FROM ingest_witness WHERE id = ?1", id,
                       read_witness_columns, witness, NULL, error, "Cannot read an ingest witness");
}

static gboolean
sqlite_store_witness (AnbuTelemetryStore          *store,
                      const char                  *id,
                      const AnbuTelemetryWitness  *witness,
                      GError                     **error)
{
  AnbuSqliteTelemetryStore *self = ANBU_SQLITE_TELEMETRY_STORE (store);
  sqlite3_stmt *stmt = statement (self->db, &self->witness_put,
                                  "INSERT INTO ingest_witness (id, last_reading_at, unobserved, plugs, alive_at,"
                                  " down_from, down_to) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                                  " ON CONFLICT (id) DO UPDATE SET last_reading_at = excluded.last_reading_at,"
                                  " unobserved = excluded.unobserved, plugs = excluded.plugs,"
                                  " alive_at = excluded.alive_at, down_from = excluded.down_from,"
                                  " down_to = excluded.down_to", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, witness->last_reading_at);
  sqlite3_bind_int64 (stmt, 3, witness->unobserved);
  sqlite3_bind_int64 (stmt, 4, witness->plugs);
  sqlite3_bind_int64 (stmt, 5, witness->alive_at);
  sqlite3_bind_int64 (stmt, 6, witness->down_from);
  sqlite3_bind_int64 (stmt, 7, witness->down_to);
  return step_done (stmt, error, "Cannot store the ingest witnesses");
}

static gboolean
sqlite_read_publish_due (AnbuTelemetryStore  *store,
                         gint64               now,
                         gint64               interval,
                         guint                limit,
                         GArray              *out,
                         GError             **error)
{
  AnbuSqliteTelemetryStore *self = ANBU_SQLITE_TELEMETRY_STORE (store);
  /* The plug table's live columns hold what was last published into the
   * record (ISO text): compare with plug_live. */
  sqlite3_stmt *stmt = statement (self->db, &self->publish_due,
                                  "SELECT l.serial, l.last_seen_at, l.last_watts, l.last_lux,"
                                  " coalesce (l.last_activity_at, 0), d.detector FROM plug_live l"
                                  " LEFT JOIN plug_detector d ON d.serial = l.serial"
                                  " JOIN plug p ON p.id = l.serial" LIVE_OF_THIS_INSTALL " WHERE p.state = 'installed'"
                                  " AND (p.last_seen_at IS NULL"
                                  "  OR l.last_seen_at - unixepoch (p.last_seen_at) >= ?2"
                                  "  OR (?1 - l.last_seen_at >= ?2"
                                  "   AND (l.last_seen_at <> unixepoch (p.last_seen_at)"
                                  "    OR coalesce (l.last_activity_at, 0)"
                                  "       <> coalesce (unixepoch (p.last_activity_at), 0))))"
                                  /* Oldest publication first, a bounded number per pass. */
                                  " ORDER BY unixepoch (p.last_seen_at) NULLS FIRST LIMIT ?3", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int64 (stmt, 2, interval);
  sqlite3_bind_int64 (stmt, 3, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AnbuTelemetryDue due;

      due.serial = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      due.last_seen_at = sqlite3_column_int64 (stmt, 1);
      due.last_watts = sqlite3_column_double (stmt, 2);
      due.last_lux = sqlite3_column_double (stmt, 3);
      due.last_activity_at = sqlite3_column_int64 (stmt, 4);
      due.detector = g_new (AnbuActivityDetector, 1);
      if (!anbu_activity_detector_from_blob (due.detector, sqlite3_column_blob (stmt, 5),
                                             (gsize) sqlite3_column_bytes (stmt, 5)))
        g_clear_pointer (&due.detector, g_free);
      g_array_append_val (out, due);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot read the plugs' live fields");
  return TRUE;
}

/* Store side */

static gboolean
sqlite_mark_published (AnbuTelemetryStore  *store,
                       const char          *serial,
                       gint64               last_seen_at,
                       double               last_watts,
                       double               last_lux,
                       gint64               last_activity_at,
                       GError             **error)
{
  AnbuSqliteTelemetryStore *self = ANBU_SQLITE_TELEMETRY_STORE (store);
  g_autofree char *seen_text = anbu_server_time_format (last_seen_at);
  g_autofree char *activity_text = NULL;
  sqlite3_stmt *stmt = statement (self->store_db, &self->publish_mark, PUBLISH_MARK_SQL, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  if (last_activity_at > 0)
    activity_text = anbu_server_time_format (last_activity_at);
  sqlite3_bind_text (stmt, 1, serial, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, seen_text, -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, 3, last_watts);
  sqlite3_bind_double (stmt, 4, last_lux);
  if (activity_text != NULL)
    sqlite3_bind_text (stmt, 5, activity_text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 5);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->store_db, error, "Cannot mark the published live fields");
  return TRUE;
}

static gboolean
sqlite_add_gateway (AnbuTelemetryStore  *store,
                    const char          *id,
                    const char          *name,
                    const char          *token_hash,
                    gint64               created_at,
                    GError             **error)
{
  AnbuSqliteTelemetryStore *self = ANBU_SQLITE_TELEMETRY_STORE (store);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->store_db, "INSERT INTO gateway (id, name, token_hash, created_at)"
                          " VALUES (?1, ?2, ?3, ?4)", -1, &stmt, NULL) != SQLITE_OK)
    return anbu_sqlite_store_set_error (self->store_db, error, "Cannot add a gateway");
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, token_hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, created_at);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc == SQLITE_CONSTRAINT)
    {
      g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_EXISTS,
                   "A gateway named “%s” already exists", name);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->store_db, error, "Cannot add a gateway");
  return TRUE;
}

static gboolean
sqlite_find_gateway (AnbuTelemetryStore  *store,
                     const char          *token_hash,
                     char               **id,
                     GError             **error)
{
  AnbuSqliteTelemetryStore *self = ANBU_SQLITE_TELEMETRY_STORE (store);

  return read_one_row (self->store_db, &self->gateway_lookup,
                       "SELECT id FROM gateway WHERE token_hash = ?1 AND disabled = 0", token_hash,
                       read_text_column, id, NULL, error, "Cannot look up a gateway");
}

/* GObject */

static void
anbu_sqlite_telemetry_store_finalize (GObject *object)
{
  AnbuSqliteTelemetryStore *self = ANBU_SQLITE_TELEMETRY_STORE (object);
  sqlite3_stmt **statements[] = {
    &self->plug_info, &self->live_get, &self->live_put, &self->detector_put,
    &self->insert_event, &self->delete_events_at, &self->last_event, &self->events_range,
    &self->publish_due, &self->publish_mark, &self->change_counter, &self->witness_get,
    &self->witness_put, &self->gateway_lookup,
  };

  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    g_clear_pointer (statements[i], sqlite3_finalize);
  g_clear_pointer (&self->own_db, sqlite3_close);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (anbu_sqlite_telemetry_store_parent_class)->finalize (object);
}

static void
anbu_sqlite_telemetry_store_class_init (AnbuSqliteTelemetryStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = anbu_sqlite_telemetry_store_finalize;
}

static void
anbu_sqlite_telemetry_store_init (AnbuSqliteTelemetryStore *self)
{
}

static void
anbu_sqlite_telemetry_store_iface_init (AnbuTelemetryStoreInterface *iface)
{
  iface->open_reading_log = sqlite_open_reading_log;
  iface->begin = sqlite_begin;
  iface->commit = sqlite_commit;
  iface->rollback = sqlite_rollback;
  iface->begin_batch = sqlite_begin_batch;
  iface->end_batch = sqlite_end_batch;
  iface->read_change_counter = sqlite_read_change_counter;
  iface->load_plugs = sqlite_load_plugs;
  iface->read_live = sqlite_read_live;
  iface->store_live = sqlite_store_live;
  iface->store_events = sqlite_store_events;
  iface->delete_events_at = sqlite_delete_events_at;
  iface->read_last_event = sqlite_read_last_event;
  iface->read_events = sqlite_read_events;
  iface->read_witness = sqlite_read_witness;
  iface->store_witness = sqlite_store_witness;
  iface->read_publish_due = sqlite_read_publish_due;
  iface->mark_published = sqlite_mark_published;
  iface->add_gateway = sqlite_add_gateway;
  iface->find_gateway = sqlite_find_gateway;
}

/* The batch side's own connection to the same file: readings are stored
 * on a worker thread while the store's connection serves requests. WAL
 * lets both read at once; writes take turns, each waiting for the other's
 * transaction (the busy timeout) rather than failing. */
static sqlite3 *
open_own_connection (sqlite3  *db,
                     GError  **error)
{
  const char *path = sqlite3_db_filename (db, "main");
  sqlite3 *own_db = NULL;

  if (path == NULL || *path == '\0'
      || sqlite3_open_v2 (path, &own_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK
      || sqlite3_exec (own_db,
                       "PRAGMA journal_mode = WAL;"
                       "PRAGMA synchronous = FULL;"
                       "PRAGMA foreign_keys = ON;"
                       /* As on the store's connection (tune_store_connection). */
                       "PRAGMA cache_size = -65536;"
                       "PRAGMA wal_autocheckpoint = 20000;", NULL, NULL, NULL) != SQLITE_OK)
    {
      g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                   "Cannot open the database for telemetry: %s",
                   own_db != NULL ? sqlite3_errmsg (own_db) : "no file");
      g_clear_pointer (&own_db, sqlite3_close);
      return NULL;
    }
  /* A commit of many batches, or a long mutation, may hold the write lock
   * for a while on a loaded machine. */
  sqlite3_busy_timeout (own_db, 30000);
  return own_db;
}

/* Telemetry touches every plug's rows on every batch: keep the pages in
 * SQLite's own cache (64 MiB instead of 2 MiB) rather than re-reading them
 * from the OS. A batch from many plugs dirties a leaf page of the readings
 * per plug: with the default checkpoint every 1,000 WAL pages, every commit
 * copied its pages into the database file again (and synced it). With
 * 20,000 pages (80 MiB of WAL) a page written every minute reaches the
 * database file once per checkpoint. Durability is unchanged: commits
 * still sync the WAL (synchronous=FULL). */
static void
tune_store_connection (sqlite3 *db)
{
  sqlite3_exec (db, "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 20000",
                NULL, NULL, NULL);
}

AnbuTelemetryStore *
anbu_sqlite_telemetry_store_open (AnbuSqliteStore  *store,
                                  gboolean          own_connection,
                                  GError          **error)
{
  g_autoptr(AnbuSqliteTelemetryStore) self = NULL;

  g_return_val_if_fail (ANBU_IS_SQLITE_STORE (store), NULL);

  self = g_object_new (ANBU_TYPE_SQLITE_TELEMETRY_STORE, NULL);
  self->store = g_object_ref (store);
  self->store_db = anbu_sqlite_store_get_handle (store);
  self->db = self->store_db;
  if (own_connection)
    {
      self->own_db = open_own_connection (self->store_db, error);
      if (self->own_db == NULL)
        return NULL;
      self->db = self->own_db;
    }
  else
    tune_store_connection (self->store_db);
  return ANBU_TELEMETRY_STORE (g_steal_pointer (&self));
}
