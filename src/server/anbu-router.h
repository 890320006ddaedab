/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <libsoup/soup.h>

#include "anbu-metrics.h"

G_BEGIN_DECLS

/* The server's one table of routes: every module adds its routes here,
 * and one dispatcher answers an unknown path (404), a known path with
 * another method (405 with Allow), and counts every answer in /metrics
 * under its route's pattern, whenever the answer is sent. */

#define ANBU_TYPE_ROUTER (anbu_router_get_type ())
G_DECLARE_FINAL_TYPE (AnbuRouter, anbu_router, ANBU, ROUTER, GObject)

AnbuRouter *anbu_router_new      (AnbuMetrics        *metrics);

typedef enum
{
  ANBU_ROUTE_SESSION,   /* a signed-in user's bearer token, checked before any body is read */
  ANBU_ROUTE_OPEN,      /* no session: none needed, or the route checks its own credentials */
} AnbuRouteAccess;

/* `pattern` is a path whose segments may be `{name}` (any one segment) and
 * whose last segment may be `*` (the rest of the path, possibly empty).
 * The handler is not called for another method. */
void        anbu_router_add      (AnbuRouter         *self,
                                  const char         *method,
                                  const char         *pattern,
                                  AnbuRouteAccess     access,
                                  SoupServerCallback  handler,
                                  gpointer            user_data);

/* Whether METHOD on `path` is a route that needs a session; FALSE for a
 * path or method no route takes (answered 404 or 405 unsigned). */
gboolean    anbu_router_needs_session (AnbuRouter    *self,
                                       const char    *method,
                                       const char    *path);

void        anbu_router_remove_by_data (AnbuRouter   *self,
                                        gpointer      user_data);

/* The literal part of `pattern` before its first `{` or `*`, without a
 * trailing slash: where libsoup must send the route's requests. */
char       *anbu_router_prefix_of (const char        *pattern);

/* Answers `msg` by its route, unless it was answered while it was read. */
void        anbu_router_dispatch (AnbuRouter         *self,
                                  SoupServer         *server,
                                  SoupServerMessage  *msg,
                                  const char         *path,
                                  GHashTable         *query);

/* The pattern `path` falls under, or "unmatched": the metrics label of a
 * request answered before it reached its route. */
const char *anbu_router_label_for (AnbuRouter        *self,
                                   const char        *path);

G_END_DECLS
