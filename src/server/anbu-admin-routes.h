/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "anbu-http-server.h"
#include "anbu-store.h"

G_BEGIN_DECLS

/* The administrator's routes of docs/api.md, each in the access log:
 *   POST /api/v1/admin/gateways                 a new gateway credential
 *   POST /api/v1/admin/users                    a new user
 *   GET, POST /api/v1/admin/caseload/moves      caseload moves (anbu-caseload-routes.h)
 *   GET /api/v1/admin/caseload/orphans          households nobody answers for
 * (The manual clock's /api/v1/admin/tick runs the timer pass, and belongs
 * to the ingest service.) Emits "caseload-moved" when a move was applied. */

#define ANBU_TYPE_ADMIN_ROUTES (anbu_admin_routes_get_type ())
G_DECLARE_FINAL_TYPE (AnbuAdminRoutes, anbu_admin_routes, ANBU, ADMIN_ROUTES, GObject)

AnbuAdminRoutes *anbu_admin_routes_new    (AnbuStore       *store);
void             anbu_admin_routes_attach (AnbuAdminRoutes *self,
                                           AnbuHttpServer  *server);

G_END_DECLS
