/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-report-store"

#include "config.h"

#include <string.h>

#include <libpq-fe.h>

#include "anbu-pg-reading-log.h"
#include "anbu-pg-report-store.h"
#include "anbu-pg-store.h"
#include "anbu-pg-values.h"
#include "anbu-store.h"

/* SQLSTATE of a statement stopped by statement_timeout (or a cancel). */
#define QUERY_CANCELED "57014"

struct _AnbuPgReportStore
{
  GObject         parent_instance;

  PGconn         *conn;
  AnbuReadingLog *readings;
  gint64          deadline;   /* statements end by then (monotonic µs), or 0 */
};

static void anbu_pg_report_store_iface_init (AnbuReportStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AnbuPgReportStore, anbu_pg_report_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ANBU_TYPE_REPORT_STORE,
                                                      anbu_pg_report_store_iface_init))

/* The SQLite store's unixepoch (json_extract (record, '$.x')): whole Unix
 * seconds of an ISO 8601 time in a record, NULL when there is none. */
#define EPOCH_OF(record, member) \
  "floor (extract (epoch FROM ((" record ")::jsonb ->> '" member "')::timestamptz))::bigint"
#define MEMBER_OF(record, member) "((" record ")::jsonb ->> '" member "')"

/* A plug's readings belong to the household only while it was installed
 * there: a plug moved from another household brings none of its past. */
static const char plugs_sql[] =
  "SELECT id, " MEMBER_OF ("record", "appliance") ","
  " " EPOCH_OF ("record", "installed_at") ", " EPOCH_OF ("record", "removed_at")
  " FROM plug WHERE household_id = $1 ORDER BY seq";

static const char events_sql[] =
  "SELECT ts, kind, magnitude FROM activity_event"
  " WHERE serial = $1 AND ts >= $2::bigint AND ts < $3::bigint ORDER BY ts LIMIT $4::bigint";

static const char alerts_sql[] =
  "SELECT a.household_id, " MEMBER_OF ("a.record", "kind") ","
  " " EPOCH_OF ("a.record", "raised_at") ", " MEMBER_OF ("a.record", "resolution") ","
  " " EPOCH_OF ("a.record", "closed_at") ", h.dong_code, h.night_consent::int,"
  " (a.state = 'resolved')::int, " MEMBER_OF ("h.record", "dong_name")
  " FROM alert a JOIN household h ON h.id = a.household_id";

static const char contacts_sql[] =
  "SELECT " MEMBER_OF ("c.record", "channel") ", " EPOCH_OF ("c.record", "at") ","
  " h.dong_code, h.night_consent::int, " MEMBER_OF ("c.record", "outcome") ","
  " " MEMBER_OF ("h.record", "dong_name")
  " FROM contact c JOIN household h ON h.id = c.household_id";

static const char visits_sql[] =
  "SELECT v.household_id, " EPOCH_OF ("v.record", "at") ", h.dong_code,"
  " h.night_consent::int, " MEMBER_OF ("h.record", "dong_name")
  " FROM visit v JOIN household h ON h.id = v.household_id";

/* The rows of `sql`, or NULL with `error` set: G_IO_ERROR_TIMED_OUT when
 * the deadline stopped it. */
static PGresult *
query (AnbuPgReportStore   *self,
       const char          *sql,
       int                  n_params,
       const char * const  *params,
       GError             **error,
       const char          *what)
{
  PGresult *result;
  const char *state;
  g_autofree char *message = NULL;

  if (!anbu_pg_store_limit_to_deadline (self->conn, self->deadline, error))
    return NULL;
  result = PQexecParams (self->conn, sql, n_params, NULL, params, NULL, NULL, 0);
  if (PQresultStatus (result) == PGRES_TUPLES_OK || PQresultStatus (result) == PGRES_COMMAND_OK)
    return result;
  state = PQresultErrorField (result, PG_DIAG_SQLSTATE);
  message = g_strdup (result != NULL ? PQresultErrorMessage (result) : PQerrorMessage (self->conn));
  if (g_strcmp0 (state, QUERY_CANCELED) == 0)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "%s: %s", what, g_strstrip (message));
  else
    g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED, "%s: %s", what,
                 g_strstrip (message));
  PQclear (result);
  return NULL;
}

static gboolean
is_null (const PGresult *result,
         int             row,
         int             column)
{
  return PQgetisnull (result, row, column);
}

static AnbuReadingLog *
anbu_pg_report_store_get_readings (AnbuReportStore *store)
{
  return ANBU_PG_REPORT_STORE (store)->readings;
}

static gboolean
anbu_pg_report_store_read_plugs (AnbuReportStore  *store,
                                 const char       *household_id,
                                 GPtrArray        *out,
                                 GError          **error)
{
  AnbuPgReportStore *self = ANBU_PG_REPORT_STORE (store);
  const char *params[] = { household_id };
  PGresult *result = query (self, plugs_sql, 1, params, error, "Cannot read the series");

  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    {
      AnbuReportPlug *plug = g_new0 (AnbuReportPlug, 1);

      plug->serial = g_strdup (anbu_pg_values_text (result, row, 0));
      plug->appliance = g_strdup (anbu_pg_values_text (result, row, 1));
      /* A record without an install time shows nothing rather than all. */
      plug->installed_at = !is_null (result, row, 2) ? anbu_pg_values_int64 (result, row, 2)
                                                     : G_MAXINT64;
      plug->removed_at = !is_null (result, row, 3) ? anbu_pg_values_int64 (result, row, 3)
                                                   : G_MAXINT64;
      g_ptr_array_add (out, plug);
    }
  PQclear (result);
  return TRUE;
}

static gboolean
anbu_pg_report_store_read_activity (AnbuReportStore  *store,
                                    const char       *serial,
                                    gint64            from,
                                    gint64            to,
                                    guint             limit,
                                    GArray           *out,
                                    GError          **error)
{
  AnbuPgReportStore *self = ANBU_PG_REPORT_STORE (store);
  g_autofree char *from_text = anbu_pg_values_from_int64 (from);
  g_autofree char *to_text = anbu_pg_values_from_int64 (to);
  g_autofree char *limit_text = anbu_pg_values_from_int64 (limit);
  const char *params[] = { serial, from_text, to_text, limit_text };
  PGresult *result = query (self, events_sql, 4, params, error, "Cannot read the series");

  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    {
      AnbuActivityEvent event = { 0 };

      event.ts = anbu_pg_values_int64 (result, row, 0);
      event.kind = (AnbuActivityKind) anbu_pg_values_int64 (result, row, 1);
      event.magnitude = anbu_pg_values_double (result, row, 2);
      g_array_append_val (out, event);
    }
  PQclear (result);
  return TRUE;
}

static gboolean
anbu_pg_report_store_foreach_signal (AnbuReportStore       *store,
                                     AnbuReportSignalFunc   func,
                                     gpointer               user_data,
                                     GError               **error)
{
  AnbuPgReportStore *self = ANBU_PG_REPORT_STORE (store);
  PGresult *result = query (self, alerts_sql, 0, NULL, error, "Cannot count");

  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    {
      AnbuReportSignal signal;

      signal.household_id = anbu_pg_values_text (result, row, 0);
      signal.kind = anbu_pg_values_text (result, row, 1);
      signal.has_raised_at = !is_null (result, row, 2);
      signal.raised_at = anbu_pg_values_int64 (result, row, 2);
      signal.resolution = anbu_pg_values_text (result, row, 3);
      signal.has_closed_at = !is_null (result, row, 4);
      signal.closed_at = anbu_pg_values_int64 (result, row, 4);
      signal.dong_code = anbu_pg_values_text (result, row, 5);
      signal.night_consent = anbu_pg_values_int64 (result, row, 6) != 0;
      signal.resolved = anbu_pg_values_int64 (result, row, 7) != 0;
      signal.dong_name = anbu_pg_values_text (result, row, 8);
      func (&signal, user_data);
    }
  PQclear (result);
  return TRUE;
}

static gboolean
anbu_pg_report_store_foreach_contact (AnbuReportStore        *store,
                                      AnbuReportContactFunc   func,
                                      gpointer                user_data,
                                      GError                **error)
{
  AnbuPgReportStore *self = ANBU_PG_REPORT_STORE (store);
  PGresult *result = query (self, contacts_sql, 0, NULL, error, "Cannot count");

  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    {
      AnbuReportContact contact;

      contact.channel = anbu_pg_values_text (result, row, 0);
      contact.at = anbu_pg_values_int64 (result, row, 1);
      contact.dong_code = anbu_pg_values_text (result, row, 2);
      contact.night_consent = anbu_pg_values_int64 (result, row, 3) != 0;
      contact.outcome = anbu_pg_values_text (result, row, 4);
      contact.dong_name = anbu_pg_values_text (result, row, 5);
      func (&contact, user_data);
    }
  PQclear (result);
  return TRUE;
}

static gboolean
anbu_pg_report_store_foreach_visit (AnbuReportStore      *store,
                                    AnbuReportVisitFunc   func,
                                    gpointer              user_data,
                                    GError              **error)
{
  AnbuPgReportStore *self = ANBU_PG_REPORT_STORE (store);
  PGresult *result = query (self, visits_sql, 0, NULL, error, "Cannot count");

  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    {
      AnbuReportVisit visit;

      visit.household_id = anbu_pg_values_text (result, row, 0);
      visit.has_at = !is_null (result, row, 1);
      visit.at = anbu_pg_values_int64 (result, row, 1);
      visit.dong_code = anbu_pg_values_text (result, row, 2);
      visit.night_consent = anbu_pg_values_int64 (result, row, 3) != 0;
      visit.dong_name = anbu_pg_values_text (result, row, 4);
      func (&visit, user_data);
    }
  PQclear (result);
  return TRUE;
}

static void
anbu_pg_report_store_iface_init (AnbuReportStoreInterface *iface)
{
  iface->get_readings = anbu_pg_report_store_get_readings;
  iface->read_plugs = anbu_pg_report_store_read_plugs;
  iface->read_activity = anbu_pg_report_store_read_activity;
  iface->foreach_signal = anbu_pg_report_store_foreach_signal;
  iface->foreach_contact = anbu_pg_report_store_foreach_contact;
  iface->foreach_visit = anbu_pg_report_store_foreach_visit;
}

static void
anbu_pg_report_store_finalize (GObject *object)
{
  AnbuPgReportStore *self = ANBU_PG_REPORT_STORE (object);

  g_clear_object (&self->readings);
  g_clear_pointer (&self->conn, PQfinish);

  G_OBJECT_CLASS (anbu_pg_report_store_parent_class)->finalize (object);
}

static void
anbu_pg_report_store_class_init (AnbuPgReportStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = anbu_pg_report_store_finalize;
}

static void
anbu_pg_report_store_init (AnbuPgReportStore *self)
{
}

AnbuReportStore *
anbu_pg_report_store_open (const char  *conninfo,
                           GError     **error)
{
  g_autoptr(AnbuPgReportStore) self = g_object_new (ANBU_TYPE_PG_REPORT_STORE, NULL);

  g_return_val_if_fail (conninfo != NULL, NULL);

  self->conn = anbu_pg_store_connect (conninfo, "-c TimeZone=UTC", error);
  if (self->conn == NULL)
    return NULL;
  /* On the same connection, so the query's deadline (statement_timeout)
   * bounds the readings' reads too. */
  self->readings = anbu_pg_reading_log_new_on_connection (self->conn, NULL, error);
  if (self->readings == NULL)
    return NULL;
  return ANBU_REPORT_STORE (g_steal_pointer (&self));
}

void
anbu_pg_report_store_set_deadline (AnbuPgReportStore *self,
                                   gint64             deadline)
{
  g_return_if_fail (ANBU_IS_PG_REPORT_STORE (self));

  self->deadline = deadline;
  anbu_pg_reading_log_set_deadline (ANBU_PG_READING_LOG (self->readings), deadline);
}

gboolean
anbu_pg_report_store_is_connected (AnbuPgReportStore *self)
{
  g_return_val_if_fail (ANBU_IS_PG_REPORT_STORE (self), FALSE);

  return PQstatus (self->conn) == CONNECTION_OK
         && PQtransactionStatus (self->conn) == PQTRANS_IDLE;
}
