/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-reports"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "anbu-api-error.h"
#include "anbu-clock.h"
#include "anbu-json-body.h"
#include "anbu-query-pool.h"
#include "anbu-report-routes.h"
#include "anbu-series.h"
#include "anbu-server-time.h"
#include "anbu-stats.h"

/* Statistics and series computed at once; more wait (anbu-query-pool.h). */
#define QUERY_THREADS 2
/* Periods one statistics answer may hold (about 2.7 years of days). */
#define STATS_MAX_PERIODS 1000

struct _AnbuReportRoutes
{
  GObject         parent_instance;

  AnbuStore      *store;
  AnbuHttpServer *server;
  AnbuClock      *clock;
  AnbuQueryPool  *queries;   /* off the main loop, with a deadline */
};

G_DEFINE_FINAL_TYPE (AnbuReportRoutes, anbu_report_routes, G_TYPE_OBJECT)

/* Answers */

static gboolean
household_in_scope (AnbuReportRoutes    *self,
                    const AnbuStoreUser *user,
                    const char          *household_id,
                    GError             **error)
{
  g_autoptr(AnbuStoreEntity) entity = NULL;
  g_autoptr(GError) local_error = NULL;
  AnbuScope scope = { user->role, user->dong_codes, user->id };

  entity = anbu_store_load (self->store, ANBU_RECORD_KIND_HOUSEHOLD, household_id, &local_error);
  if (entity == NULL && !g_error_matches (local_error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* Not stored and not visible answer the same, so ids cannot be probed. */
  if (entity == NULL || !anbu_scope_contains (&scope, &entity->scope_key))
    {
      anbu_api_set_error (error, ANBU_API_ERROR_NOT_FOUND, NULL,
                          _("No such household in your caseload"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_bucket (GHashTable  *query,
              gint64      *bucket,
              GError     **error)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, "bucket") : NULL;
  guint64 value;
  char unit = 's';
  gsize len;
  g_autofree char *number = NULL;

  *bucket = 3600;
  if (text == NULL || *text == '\0')
    return TRUE;
  len = strlen (text);
  if (g_ascii_isalpha (text[len - 1]))
    {
      unit = text[len - 1];
      len--;
    }
  number = g_strndup (text, len);
  if (!g_ascii_string_to_unsigned (number, 10, 1, 366 * 24 * 3600, &value, NULL)
      || strchr ("smhd", unit) == NULL)
    {
      anbu_api_set_error (error, ANBU_API_ERROR_INVALID_VALUE, "bucket",
                          _("The bucket is a length like 60, 15m, 1h or 1d"));
      return FALSE;
    }
  *bucket = (gint64) value * (unit == 'm' ? 60 : unit == 'h' ? 3600 : unit == 'd' ? 86400 : 1);
  if (*bucket < 60)
    {
      anbu_api_set_error (error, ANBU_API_ERROR_INVALID_VALUE, "bucket",
                          _("The bucket is at least one minute"));
      return FALSE;
    }
  return TRUE;
}

static void
log_read (AnbuReportRoutes    *self,
          SoupServerMessage   *msg,
          const AnbuStoreUser *user,
          const char          *route,
          const char          *household_id)
{
  g_autoptr(GError) error = NULL;
  const char *ids[] = { household_id, NULL };

  if (!anbu_http_server_log_access (self->server, msg, user, route, ANBU_ACCESS_READ, ids, &error))
    g_warning ("Cannot write the access log: %s", error->message);
}

typedef struct
{
  char   *household_id;
  gint64  from;
  gint64  to;
  gint64  bucket;
} SeriesQuery;

static void
series_query_free (SeriesQuery *series)
{
  g_free (series->household_id);
  g_free (series);
}

static char *
run_series_query (AnbuReportStore  *reports,
                  gpointer          data,
                  GError          **error)
{
  SeriesQuery *series = data;

  return anbu_series_to_json (reports, series->household_id, series->from, series->to,
                              series->bucket, error);
}

typedef struct
{
  AnbuScope      scope;
  gint64         from;
  gint64         to;
  AnbuStatsGroup group;
} StatsQuery;

static void
stats_query_free (StatsQuery *stats)
{
  g_strfreev (stats->scope.dong_codes);
  g_free (stats);
}

static char *
run_stats_query (AnbuReportStore  *reports,
                 gpointer          data,
                 GError          **error)
{
  StatsQuery *stats = data;

  return anbu_stats_to_json (reports, &stats->scope, stats->from, stats->to, stats->group, error);
}

/* The handler checks the caller and the parameters on the main loop,
 * pauses the message, and answers it when the worker is done or its
 * deadline passed. */
typedef struct
{
  AnbuReportRoutes  *self;
  SoupServerMessage *msg;
  AnbuStoreUser     *user;
  char              *log_route;      /* NULL: not an access-log read */
  char              *household_id;
} PendingQuery;

static void
pending_query_free (PendingQuery *pending)
{
  g_object_unref (pending->self);
  g_object_unref (pending->msg);
  g_clear_pointer (&pending->user, anbu_store_user_free);
  g_free (pending->log_route);
  g_free (pending->household_id);
  g_free (pending);
}

static void
on_query_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  PendingQuery *pending = user_data;
  AnbuReportRoutes  *self = pending->self;
  g_autoptr(GError) error = NULL;
  char *json = anbu_query_pool_run_finish (ANBU_QUERY_POOL (source), result, &error);

  if (json == NULL)
    anbu_json_respond_error (pending->msg, error);
  else
    {
      if (pending->log_route != NULL)
        log_read (self, pending->msg, pending->user, pending->log_route, pending->household_id);
      anbu_json_respond (pending->msg, 200, json);
    }
  soup_server_message_unpause (pending->msg);
  pending_query_free (pending);
}

static void
run_query (AnbuReportRoutes   *self,
           SoupServerMessage  *msg,
           AnbuStoreUser     **user,
           const char         *label,
           const char         *household_id,
           AnbuQueryFunc       func,
           gpointer            data,
           GDestroyNotify      destroy)
{
  PendingQuery *pending = g_new0 (PendingQuery, 1);

  pending->self = g_object_ref (self);
  pending->msg = g_object_ref (msg);
  pending->user = g_steal_pointer (user);
  /* A household's series is a read of its data (access log); the
   * statistics are counts over many. */
  pending->log_route = household_id != NULL ? g_strdup (label) : NULL;
  pending->household_id = g_strdup (household_id);
  if (!anbu_query_pool_run_async (self->queries, func, data, destroy, on_query_done, pending))
    {
      pending_query_free (pending);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", "5");
      anbu_json_respond_api_error (msg, ANBU_API_ERROR_UNAVAILABLE, NULL,
                                   _("The server is busy with other reports; try again in a moment"));
      return;
    }
  soup_server_message_pause (msg);
}

static void
handle_households (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  AnbuReportRoutes  *self = user_data;
  g_autoptr(AnbuStoreUser) user = NULL;
  g_autoptr(GError) error = NULL;
  /* "", "api", "v1", "households", ID, "series" by the route's pattern */
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  SeriesQuery *series;
  gint64 now = anbu_clock_get_now_seconds (self->clock);
  gint64 from, to, bucket;

  if ((user = anbu_http_server_authenticate (self->server, msg, &error)) == NULL
      || !household_in_scope (self, user, parts[4], &error)
      || !anbu_server_time_parse_param (query, "to", now, &to, &error)
      || !anbu_server_time_parse_param (query, "from", to - 24 * 3600, &from, &error)
      || !parse_bucket (query, &bucket, &error))
    {
      anbu_json_respond_error (msg, error);
      return;
    }
  if (from >= to)
    {
      anbu_json_respond_api_error (msg, ANBU_API_ERROR_INVALID_VALUE, "from",
                                   _("from must be before to"));
      return;
    }
  if ((to - from) / bucket > ANBU_SERIES_MAX_BUCKETS)
    {
      anbu_json_respond_api_error (msg, ANBU_API_ERROR_INVALID_VALUE, "bucket",
                                   _("Too many buckets: choose a larger bucket or a shorter span"));
      return;
    }
  series = g_new0 (SeriesQuery, 1);
  series->household_id = g_strdup (parts[4]);
  series->from = from;
  series->to = to;
  series->bucket = bucket;
  run_query (self, msg, &user, "/api/v1/households/{id}/series", parts[4], run_series_query,
             series, (GDestroyNotify) series_query_free);
}

static void
handle_stats (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  AnbuReportRoutes  *self = user_data;
  g_autoptr(AnbuStoreUser) user = NULL;
  g_autoptr(GError) error = NULL;
  const char *group_text = query != NULL ? g_hash_table_lookup (query, "group") : NULL;
  AnbuStatsGroup group = ANBU_STATS_GROUP_MONTH;
  StatsQuery *stats;
  gint64 now = anbu_clock_get_now_seconds (self->clock);
  gint64 from, to;

  if ((user = anbu_http_server_authenticate (self->server, msg, &error)) == NULL
      || !anbu_server_time_parse_param (query, "to", now, &to, &error)
      || !anbu_server_time_parse_param (query, "from", to - 30 * 24 * 3600, &from, &error))
    {
      anbu_json_respond_error (msg, error);
      return;
    }
  if (group_text != NULL && !anbu_stats_group_from_string (group_text, &group))
    {
      anbu_json_respond_api_error (msg, ANBU_API_ERROR_INVALID_VALUE, "group",
                                   _("group is day, week or month"));
      return;
    }
  if (from >= to || to - from > 5 * 366 * 24 * 3600)
    {
      anbu_json_respond_api_error (msg, ANBU_API_ERROR_INVALID_VALUE, "from",
                                   _("from must be before to, at most five years apart"));
      return;
    }
  if (anbu_stats_count_periods (from, to, group) > STATS_MAX_PERIODS)
    {
      anbu_json_respond_api_error (msg, ANBU_API_ERROR_INVALID_VALUE, "group",
                                   _("Too many periods: choose a longer group or a shorter span"));
      return;
    }
  stats = g_new0 (StatsQuery, 1);
  stats->scope.role = user->role;
  stats->scope.dong_codes = g_strdupv (user->dong_codes);
  stats->from = from;
  stats->to = to;
  stats->group = group;
  run_query (self, msg, &user, "/api/v1/stats", NULL, run_stats_query, stats,
             (GDestroyNotify) stats_query_free);
}

/* GObject */

static void
anbu_report_routes_dispose (GObject *object)
{
  AnbuReportRoutes *self = ANBU_REPORT_ROUTES (object);

  if (self->server != NULL)
    anbu_http_server_remove_routes (self->server, self);
  g_clear_object (&self->server);
  /* Waits for the queries running; their answers go nowhere. */
  g_clear_object (&self->queries);
  g_clear_object (&self->store);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (anbu_report_routes_parent_class)->dispose (object);
}

static void
anbu_report_routes_class_init (AnbuReportRoutesClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = anbu_report_routes_dispose;
}

static void
anbu_report_routes_init (AnbuReportRoutes *self)
{
}

AnbuReportRoutes *
anbu_report_routes_new (AnbuStore *store,
                        guint      deadline_seconds)
{
  AnbuReportRoutes *self;

  g_return_val_if_fail (ANBU_IS_STORE (store), NULL);

  self = g_object_new (ANBU_TYPE_REPORT_ROUTES, NULL);
  self->store = g_object_ref (store);
  self->clock = g_object_ref (anbu_clock_get_default ());
  self->queries = anbu_query_pool_new (store, QUERY_THREADS, deadline_seconds);
  return self;
}

void
anbu_report_routes_attach (AnbuReportRoutes *self,
                           AnbuHttpServer   *server)
{
  g_return_if_fail (ANBU_IS_REPORT_ROUTES (self));
  g_return_if_fail (ANBU_IS_HTTP_SERVER (server));
  g_return_if_fail (self->server == NULL);

  self->server = g_object_ref (server);
  anbu_http_server_add_route (server, "GET", "/api/v1/households/{id}/series",
                              ANBU_ROUTE_SESSION, handle_households, self);
  anbu_http_server_add_route (server, "GET", "/api/v1/stats", ANBU_ROUTE_SESSION, handle_stats,
                              self);
}

void
anbu_report_routes_set_deadline (AnbuReportRoutes *self,
                                 guint             seconds)
{
  g_return_if_fail (ANBU_IS_REPORT_ROUTES (self));

  anbu_query_pool_set_deadline (self->queries, seconds);
}
