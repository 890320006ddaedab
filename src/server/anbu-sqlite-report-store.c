/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-report-store"

#include "config.h"

#include "anbu-sqlite-reading-log.h"
#include "anbu-sqlite-report-store.h"
#include "anbu-sqlite-store.h"
#include "anbu-store.h"

struct _AnbuSqliteReportStore
{
  GObject         parent_instance;

  sqlite3        *db;
  sqlite3_stmt   *events;     /* one series reads it per plug: prepared once */
  AnbuReadingLog *readings;
};

static void anbu_sqlite_report_store_iface_init (AnbuReportStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AnbuSqliteReportStore, anbu_sqlite_report_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ANBU_TYPE_REPORT_STORE,
                                                      anbu_sqlite_report_store_iface_init))

/* A plug's readings belong to the household only while it was installed
 * there: a plug moved from another household brings none of its past. */
static const char plugs_sql[] =
  "SELECT id, json_extract (record, '$.appliance'),"
  " unixepoch (json_extract (record, '$.installed_at')),"
  " unixepoch (json_extract (record, '$.removed_at'))"
  " FROM plug WHERE household_id = ?1 ORDER BY seq";

static const char events_sql[] =
  "SELECT ts, kind, magnitude FROM activity_event WHERE serial = ?1 AND ts >= ?2 AND ts < ?3"
  " ORDER BY ts LIMIT ?4";

/* Every signal, whenever raised: one raised before the span and still open
 * (or closed) inside it makes a visit there a 방문 확인. */
static const char alerts_sql[] =
  "SELECT a.household_id, json_extract (a.record, '$.kind'),"
  " unixepoch (json_extract (a.record, '$.raised_at')),"
  " json_extract (a.record, '$.resolution'),"
  " unixepoch (json_extract (a.record, '$.closed_at')), h.dong_code, h.night_consent,"
  " a.state = 'resolved', json_extract (h.record, '$.dong_name')"
  " FROM alert a JOIN household h ON h.id = a.household_id";

static const char contacts_sql[] =
  "SELECT json_extract (c.record, '$.channel'), unixepoch (json_extract (c.record, '$.at')),"
  " h.dong_code, h.night_consent, json_extract (c.record, '$.outcome'),"
  " json_extract (h.record, '$.dong_name')"
  " FROM contact c JOIN household h ON h.id = c.household_id";

static const char visits_sql[] =
  "SELECT v.household_id, unixepoch (json_extract (v.record, '$.at')), h.dong_code,"
  " h.night_consent, json_extract (h.record, '$.dong_name')"
  " FROM visit v JOIN household h ON h.id = v.household_id";

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

static AnbuReadingLog *
anbu_sqlite_report_store_get_readings (AnbuReportStore *store)
{
  return ANBU_SQLITE_REPORT_STORE (store)->readings;
}

static gboolean
anbu_sqlite_report_store_read_plugs (AnbuReportStore  *store,
                                     const char       *household_id,
                                     GPtrArray        *out,
                                     GError          **error)
{
  AnbuSqliteReportStore *self = ANBU_SQLITE_REPORT_STORE (store);
  sqlite3_stmt *plugs = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, plugs_sql, -1, &plugs, NULL) != SQLITE_OK)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot read the series");
  sqlite3_bind_text (plugs, 1, household_id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (plugs)) == SQLITE_ROW)
    {
      AnbuReportPlug *plug = g_new0 (AnbuReportPlug, 1);

      plug->serial = g_strdup (column_text (plugs, 0));
      plug->appliance = g_strdup (column_text (plugs, 1));
      /* A record without an install time shows nothing rather than all. */
      plug->installed_at = sqlite3_column_type (plugs, 2) != SQLITE_NULL
                           ? sqlite3_column_int64 (plugs, 2) : G_MAXINT64;
      plug->removed_at = sqlite3_column_type (plugs, 3) != SQLITE_NULL
                         ? sqlite3_column_int64 (plugs, 3) : G_MAXINT64;
      g_ptr_array_add (out, plug);
    }
  sqlite3_finalize (plugs);
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot read the series");
  return TRUE;
}

static gboolean
anbu_sqlite_report_store_read_activity (AnbuReportStore  *store,
                                        const char       *serial,
                                        gint64            from,
                                        gint64            to,
                                        guint             limit,
                                        GArray           *out,
                                        GError          **error)
{
  AnbuSqliteReportStore *self = ANBU_SQLITE_REPORT_STORE (store);
  sqlite3_stmt *events;
  int rc;

  if (self->events == NULL
      && sqlite3_prepare_v2 (self->db, events_sql, -1, &self->events, NULL) != SQLITE_OK)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot read the series");
  events = self->events;
  sqlite3_bind_text (events, 1, serial, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (events, 2, from);
  sqlite3_bind_int64 (events, 3, to);
  sqlite3_bind_int (events, 4, (int) MIN (limit, (guint) G_MAXINT));
  while ((rc = sqlite3_step (events)) == SQLITE_ROW)
    {
      AnbuActivityEvent event = { 0 };

      event.ts = sqlite3_column_int64 (events, 0);
      event.kind = sqlite3_column_int (events, 1);
      event.magnitude = sqlite3_column_double (events, 2);
      g_array_append_val (out, event);
    }
  sqlite3_reset (events);
  sqlite3_clear_bindings (events);
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot read the series");
  return TRUE;
}

static gboolean
anbu_sqlite_report_store_foreach_signal (AnbuReportStore       *store,
                                         AnbuReportSignalFunc   func,
                                         gpointer               user_data,
                                         GError               **error)
{
  AnbuSqliteReportStore *self = ANBU_SQLITE_REPORT_STORE (store);
  sqlite3_stmt *alerts = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, alerts_sql, -1, &alerts, NULL) != SQLITE_OK)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot count");
  while ((rc = sqlite3_step (alerts)) == SQLITE_ROW)
    {
      AnbuReportSignal signal;

      signal.household_id = column_text (alerts, 0);
      signal.kind = column_text (alerts, 1);
      signal.has_raised_at = sqlite3_column_type (alerts, 2) != SQLITE_NULL;
      signal.raised_at = sqlite3_column_int64 (alerts, 2);
      signal.resolution = column_text (alerts, 3);
      signal.has_closed_at = sqlite3_column_type (alerts, 4) != SQLITE_NULL;
      signal.closed_at = sqlite3_column_int64 (alerts, 4);
      signal.dong_code = column_text (alerts, 5);
      signal.night_consent = sqlite3_column_int (alerts, 6) != 0;
      signal.resolved = sqlite3_column_int (alerts, 7) != 0;
      signal.dong_name = column_text (alerts, 8);
      func (&signal, user_data);
    }
  sqlite3_finalize (alerts);
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot count");
  return TRUE;
}

static gboolean
anbu_sqlite_report_store_foreach_contact (AnbuReportStore        *store,
                                          AnbuReportContactFunc   func,
                                          gpointer                user_data,
                                          GError                **error)
{
  AnbuSqliteReportStore *self = ANBU_SQLITE_REPORT_STORE (store);
  sqlite3_stmt *contacts = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, contacts_sql, -1, &contacts, NULL) != SQLITE_OK)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot count");
  while ((rc = sqlite3_step (contacts)) == SQLITE_ROW)
    {
      AnbuReportContact contact;

      contact.channel = column_text (contacts, 0);
      contact.at = sqlite3_column_int64 (contacts, 1);
      contact.dong_code = column_text (contacts, 2);
      contact.night_consent = sqlite3_column_int (contacts, 3) != 0;
      contact.outcome = column_text (contacts, 4);
      contact.dong_name = column_text (contacts, 5);
      func (&contact, user_data);
    }
  sqlite3_finalize (contacts);
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot count");
  return TRUE;
}

static gboolean
anbu_sqlite_report_store_foreach_visit (AnbuReportStore      *store,
                                        AnbuReportVisitFunc   func,
                                        gpointer              user_data,
                                        GError              **error)
{
  AnbuSqliteReportStore *self = ANBU_SQLITE_REPORT_STORE (store);
  sqlite3_stmt *visits = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, visits_sql, -1, &visits, NULL) != SQLITE_OK)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot count");
  while ((rc = sqlite3_step (visits)) == SQLITE_ROW)
    {
      AnbuReportVisit visit;

      visit.household_id = column_text (visits, 0);
      visit.has_at = sqlite3_column_type (visits, 1) != SQLITE_NULL;
      visit.at = sqlite3_column_int64 (visits, 1);
      visit.dong_code = column_text (visits, 2);
      visit.night_consent = sqlite3_column_int (visits, 3) != 0;
      visit.dong_name = column_text (visits, 4);
      func (&visit, user_data);
    }
  sqlite3_finalize (visits);
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot count");
  return TRUE;
}

static void
anbu_sqlite_report_store_iface_init (AnbuReportStoreInterface *iface)
{
  iface->get_readings = anbu_sqlite_report_store_get_readings;
  iface->read_plugs = anbu_sqlite_report_store_read_plugs;
  iface->read_activity = anbu_sqlite_report_store_read_activity;
  iface->foreach_signal = anbu_sqlite_report_store_foreach_signal;
  iface->foreach_contact = anbu_sqlite_report_store_foreach_contact;
  iface->foreach_visit = anbu_sqlite_report_store_foreach_visit;
}

static void
anbu_sqlite_report_store_finalize (GObject *object)
{
  AnbuSqliteReportStore *self = ANBU_SQLITE_REPORT_STORE (object);

  g_clear_object (&self->readings);
  g_clear_pointer (&self->events, sqlite3_finalize);

  G_OBJECT_CLASS (anbu_sqlite_report_store_parent_class)->finalize (object);
}

static void
anbu_sqlite_report_store_class_init (AnbuSqliteReportStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = anbu_sqlite_report_store_finalize;
}

static void
anbu_sqlite_report_store_init (AnbuSqliteReportStore *self)
{
}

AnbuReportStore *
anbu_sqlite_report_store_new (sqlite3 *db)
{
  AnbuSqliteReportStore *self;

  g_return_val_if_fail (db != NULL, NULL);

  self = g_object_new (ANBU_TYPE_SQLITE_REPORT_STORE, NULL);
  self->db = db;
  /* Its statements are prepared on first use. */
  self->readings = anbu_sqlite_reading_log_new (db);
  return ANBU_REPORT_STORE (self);
}

sqlite3 *
anbu_sqlite_report_store_get_handle (AnbuSqliteReportStore *self)
{
  g_return_val_if_fail (ANBU_IS_SQLITE_REPORT_STORE (self), NULL);

  return self->db;
}
