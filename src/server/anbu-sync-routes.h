/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "anbu-http-server.h"
#include "anbu-store.h"

G_BEGIN_DECLS

/* The replica's routes of docs/api.md, for a signed-in user:
 *   GET  /api/v1/sync        changes in the caller's scope since a cursor
 *   POST /api/v1/mutations   a batch of offline writes, each applied once
 * Every page and batch is in the access log. Made and owned by the
 * server (anbu-http-server.c). */

#define ANBU_TYPE_SYNC_ROUTES (anbu_sync_routes_get_type ())
G_DECLARE_FINAL_TYPE (AnbuSyncRoutes, anbu_sync_routes, ANBU, SYNC_ROUTES, GObject)

/* Bodies over `max_body` bytes answer 413. */
AnbuSyncRoutes *anbu_sync_routes_new    (AnbuHttpServer *server,
                                         AnbuStore      *store,
                                         gsize           max_body);
void            anbu_sync_routes_attach (AnbuSyncRoutes *self);

G_END_DECLS
