/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "anbu-alert-engine.h"
#include "anbu-store.h"

G_BEGIN_DECLS

/* The look at every household a timer pass needs first (after a takeover,
 * a failed pass: anbu_alert_engine_needs_look), made on a worker thread
 * on a connection of its own, so the instance answers its requests
 * meanwhile: at a million households on PostgreSQL it takes 10-14 s, and
 * the main loop used to stop for all of it. The engine adopts what it
 * found (anbu_alert_engine_adopt_look) back on the main loop, then runs
 * the due pass. */

/* Whether looks can be made apart on `store`: PostgreSQL. A district on
 * SQLite looks in well under a second on the main loop. */
gboolean         anbu_look_apart_possible (AnbuStore           *store);

/* Starts a look with `engine`'s parameters at `now`; `callback` runs on
 * the caller's main context once it ends. */
void             anbu_look_apart_start    (AnbuAlertEngine     *engine,
                                           AnbuStore           *store,
                                           gint64               now,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);

/* The engine that looked (for anbu_alert_engine_adopt_look) and what the
 * look counted, or NULL with `error` set. */
AnbuAlertEngine *anbu_look_apart_finish   (GAsyncResult        *result,
                                           AnbuAlertPassStats  *stats,
                                           GError             **error);

G_END_DECLS
