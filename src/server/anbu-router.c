/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-router"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "anbu-api-error.h"
#include "anbu-json-body.h"
#include "anbu-router.h"

typedef struct
{
  char               *method;
  char               *pattern;
  AnbuRouteAccess     access;
  SoupServerCallback  handler;
  gpointer            user_data;
} Route;

/* One answer to count once its headers are sent: paused requests (a
 * password check, a query on a worker thread, a telemetry commit) are
 * counted when they are answered, with the time they took. */
typedef struct
{
  AnbuMetrics *metrics;
  char        *label;
  gint64       start;   /* monotonic µs */
} PendingCount;

struct _AnbuRouter
{
  GObject      parent_instance;

  AnbuMetrics *metrics;
  GPtrArray   *routes;   /* of Route, in the order added */
};

G_DEFINE_FINAL_TYPE (AnbuRouter, anbu_router, G_TYPE_OBJECT)

static void
route_free (Route *route)
{
  g_free (route->method);
  g_free (route->pattern);
  g_free (route);
}

static void
pending_count_free (PendingCount *pending)
{
  g_object_unref (pending->metrics);
  g_free (pending->label);
  g_free (pending);
}

/* `{name}` takes one non-empty segment, a final `*` the rest. */
static gboolean
pattern_matches (const char *pattern,
                 const char *path)
{
  while (*pattern != '\0')
    {
      if (pattern[0] == '*' && pattern[1] == '\0')
        return TRUE;
      if (*pattern == '{')
        {
          const char *close = strchr (pattern, '}');

          if (close == NULL || *path == '\0' || *path == '/')
            return FALSE;
          pattern = close + 1;
          while (*path != '\0' && *path != '/')
            path++;
          continue;
        }
      if (*pattern != *path)
        return FALSE;
      pattern++;
      path++;
    }
  return *path == '\0';
}

char *
anbu_router_prefix_of (const char *pattern)
{
  gsize length = strcspn (pattern, "{*");

  while (length > 1 && pattern[length - 1] == '/')
    length--;
  return g_strndup (pattern, length);
}

const char *
anbu_router_label_for (AnbuRouter *self,
                       const char *path)
{
  g_return_val_if_fail (ANBU_IS_ROUTER (self), NULL);

  for (guint i = 0; i < self->routes->len; i++)
    {
      Route *route = g_ptr_array_index (self->routes, i);

      if (pattern_matches (route->pattern, path))
        return route->pattern;
    }
  return "unmatched";
}

gboolean
anbu_router_needs_session (AnbuRouter *self,
                           const char *method,
                           const char *path)
{
  g_return_val_if_fail (ANBU_IS_ROUTER (self), FALSE);

  for (guint i = 0; i < self->routes->len; i++)
    {
      Route *route = g_ptr_array_index (self->routes, i);

      if (strcmp (method, route->method) == 0 && pattern_matches (route->pattern, path))
        return route->access == ANBU_ROUTE_SESSION;
    }
  return FALSE;
}

static void
on_answer_sent (SoupServerMessage *msg,
                gpointer           user_data)
{
  PendingCount *pending = user_data;

  anbu_metrics_observe_request (pending->metrics, pending->label,
                                soup_server_message_get_status (msg),
                                (g_get_monotonic_time () - pending->start)
                                / (double) G_USEC_PER_SEC);
}

static void
count_when_answered (AnbuRouter        *self,
                     SoupServerMessage *msg,
                     const char        *label)
{
  PendingCount *pending = g_new0 (PendingCount, 1);

  pending->metrics = g_object_ref (self->metrics);
  pending->label = g_strdup (label);
  pending->start = g_get_monotonic_time ();
  g_signal_connect_data (msg, "wrote-headers", G_CALLBACK (on_answer_sent), pending,
                         (GClosureNotify) (void (*) (void)) pending_count_free, 0);
}

void
anbu_router_dispatch (AnbuRouter        *self,
                      SoupServer        *server,
                      SoupServerMessage *msg,
                      const char        *path,
                      GHashTable        *query)
{
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(GString) allow = g_string_new (NULL);
  const char *label = NULL;
  Route *found = NULL;

  g_return_if_fail (ANBU_IS_ROUTER (self));

  /* Answered (and counted) while its headers or body were read. */
  if (soup_server_message_get_status (msg) != 0)
    return;

  for (guint i = 0; i < self->routes->len; i++)
    {
      Route *route = g_ptr_array_index (self->routes, i);

      if (!pattern_matches (route->pattern, path))
        continue;
      if (label == NULL)
        label = route->pattern;
      if (found == NULL && strcmp (method, route->method) == 0)
        found = route;
      g_string_append_printf (allow, "%s%s", allow->len > 0 ? ", " : "", route->method);
    }

  count_when_answered (self, msg, found != NULL ? found->pattern
                                  : label != NULL ? label : "unmatched");
  if (found != NULL)
    found->handler (server, msg, path, query, found->user_data);
  else if (label != NULL)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    allow->str);
      anbu_json_respond_api_error (msg, ANBU_API_ERROR_METHOD_NOT_ALLOWED, NULL,
                                   _("This route does not take this method"));
    }
  else
    anbu_json_respond_api_error (msg, ANBU_API_ERROR_NOT_FOUND, NULL, _("There is no such route"));
}

void
anbu_router_add (AnbuRouter         *self,
                 const char         *method,
                 const char         *pattern,
                 AnbuRouteAccess     access,
                 SoupServerCallback  handler,
                 gpointer            user_data)
{
  Route *route;

  g_return_if_fail (ANBU_IS_ROUTER (self));
  g_return_if_fail (method != NULL && pattern != NULL && handler != NULL);

  route = g_new0 (Route, 1);
  route->method = g_strdup (method);
  route->pattern = g_strdup (pattern);
  route->access = access;
  route->handler = handler;
  route->user_data = user_data;
  g_ptr_array_add (self->routes, route);
}

void
anbu_router_remove_by_data (AnbuRouter *self,
                            gpointer    user_data)
{
  g_return_if_fail (ANBU_IS_ROUTER (self));

  for (guint i = self->routes->len; i > 0; i--)
    {
      Route *route = g_ptr_array_index (self->routes, i - 1);

      if (route->user_data == user_data)
        g_ptr_array_remove_index (self->routes, i - 1);
    }
}

static void
anbu_router_finalize (GObject *object)
{
  AnbuRouter *self = ANBU_ROUTER (object);

  g_ptr_array_unref (self->routes);
  g_clear_object (&self->metrics);

  G_OBJECT_CLASS (anbu_router_parent_class)->finalize (object);
}

static void
anbu_router_class_init (AnbuRouterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = anbu_router_finalize;
}

static void
anbu_router_init (AnbuRouter *self)
{
  self->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) route_free);
}

AnbuRouter *
anbu_router_new (AnbuMetrics *metrics)
{
  AnbuRouter *self;

  g_return_val_if_fail (ANBU_IS_METRICS (metrics), NULL);

  self = g_object_new (ANBU_TYPE_ROUTER, NULL);
  self->metrics = g_object_ref (metrics);
  return self;
}
