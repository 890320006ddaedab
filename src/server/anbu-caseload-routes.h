/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "anbu-http-server.h"
#include "anbu-store.h"

G_BEGIN_DECLS

/* The administrator's caseload routes (docs/api.md, "Caseload moves"),
 * under /api/v1/admin/caseload:
 *   POST moves    record a move (applied at once when its time has come)
 *   GET  moves    every move, waiting and applied
 *   GET  orphans  households without a planner who can answer for them
 * The router sends only these three here. Returns TRUE when a move was applied, so the live hub tells the apps. */
gboolean anbu_caseload_routes_handle (AnbuHttpServer    *server,
                                      AnbuStore         *store,
                                      SoupServerMessage *msg,
                                      const char        *path);

G_END_DECLS
