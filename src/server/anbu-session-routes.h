/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "anbu-http-server.h"
#include "anbu-store.h"
#include "anbu-throttle-ledger.h"

G_BEGIN_DECLS

/* Signing in and out (docs/api.md, "Sessions"):
 *   POST   /api/v1/session   username and password → a bearer token
 *   DELETE /api/v1/session   ends the caller's session
 * Failed sign-ins are throttled per username and per address, counted
 * before the password is checked so parallel guesses cannot pass the
 * limit; the check runs on the server's password pool. Made and owned by
 * the server (anbu-http-server.c). */

#define ANBU_TYPE_SESSION_ROUTES (anbu_session_routes_get_type ())
G_DECLARE_FINAL_TYPE (AnbuSessionRoutes, anbu_session_routes, ANBU, SESSION_ROUTES, GObject)

/* Tokens live `token_lifetime` seconds; bodies over `max_body` answer 413.
 * Failed sign-ins count in `ledger` (shared by every instance on one
 * database), or in this process's memory when NULL. */
AnbuSessionRoutes *anbu_session_routes_new    (AnbuHttpServer     *server,
                                               AnbuStore          *store,
                                               AnbuThrottleLedger *ledger,
                                               gint64              token_lifetime,
                                               gsize               max_body);
void               anbu_session_routes_attach (AnbuSessionRoutes *self);

G_END_DECLS
