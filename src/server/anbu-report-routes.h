/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "anbu-http-server.h"
#include "anbu-store.h"

G_BEGIN_DECLS

/* The reading routes of docs/api.md, computed off the main loop on their
 * own connections to the database of `store`, each within a deadline
 * (0: 10 s), so /healthz, ingest and sync keep answering meanwhile:
 *   GET /api/v1/households/{id}/series    token, household in scope
 *   GET /api/v1/stats                     token, counts within scope
 * Both are in the access log as reads. */

#define ANBU_TYPE_REPORT_ROUTES (anbu_report_routes_get_type ())
G_DECLARE_FINAL_TYPE (AnbuReportRoutes, anbu_report_routes, ANBU, REPORT_ROUTES, GObject)

AnbuReportRoutes *anbu_report_routes_new          (AnbuStore        *store,
                                                   guint             deadline_seconds);
void              anbu_report_routes_attach       (AnbuReportRoutes *self,
                                                   AnbuHttpServer   *server);
void              anbu_report_routes_set_deadline (AnbuReportRoutes *self,
                                                   guint             seconds);

G_END_DECLS
