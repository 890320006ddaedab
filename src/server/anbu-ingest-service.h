/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "anbu-alert-engine.h"
#include "anbu-http-server.h"
#include "anbu-live-event-bus.h"
#include "anbu-live-hub.h"
#include "anbu-store.h"
#include "anbu-telemetry.h"
#include "anbu-timer-pass-leader.h"

G_BEGIN_DECLS

/* Readings and what follows from them: the telemetry and live routes
 *   POST /api/v1/telemetry                 gateway credential
 *   GET  /api/v1/live                      WebSocket, planner/control/admin token
 *   POST /api/v1/admin/tick                admin, only with a manual clock:
 *                                          set the clock, run the timer pass
 * and the timers: signal pass, change notices, retention. It also adds the
 * report routes (anbu-report-routes.h) and the admin routes
 * (anbu-admin-routes.h), and tells live clients of caseload moves. */

#define ANBU_DEFAULT_RETENTION_DAYS 35
#define ANBU_DEFAULT_PASS_INTERVAL  60   /* seconds between timer passes */

typedef struct
{
  gint64 offline_after;    /* seconds; 0 = default (6 h) */
  guint  retention_days;   /* 0 = default (35) */
  guint  pass_interval;    /* seconds; 0 = default */
  gsize  max_body;         /* bytes for telemetry bodies; 0 = 16 MiB */
  guint  plug_interval;    /* live plug pushes per plug at most every N s; 0 = default */
  guint64 queue_limit;     /* bytes a live client may leave untaken before it is dropped; 0 = default */
  guint  query_deadline;   /* seconds a statistics or series request may take; 0 = 10 */
  AnbuTimerPassLeader *leader;   /* asked before each timer pass; NULL = this process alone */
  AnbuLiveEventBus *live_bus;    /* carries live events to the hub; NULL = within this process */
} AnbuIngestOptions;

#define ANBU_TYPE_INGEST_SERVICE (anbu_ingest_service_get_type ())
G_DECLARE_FINAL_TYPE (AnbuIngestService, anbu_ingest_service, ANBU, INGEST_SERVICE, GObject)

/* Telemetry, detection, the live hub and the reports on `store` (either
 * engine). Runs the retention fold and a first signal pass (catching up on
 * what crossed while stopped). */
AnbuIngestService *anbu_ingest_service_new         (AnbuStore               *store,
                                                    const AnbuIngestOptions *options,
                                                    GError                 **error);

/* Registers the routes on the listening server and starts the timers. */
void               anbu_ingest_service_attach      (AnbuIngestService       *self,
                                                    AnbuHttpServer          *server);

/* Unix seconds by the process's clock (anbu_clock_get_default): on a manual
 * clock (--manual-clock, tests) time moves only by /api/v1/admin/tick. */
gint64             anbu_ingest_service_now         (AnbuIngestService       *self);

/* --query-deadline SECONDS (0 = the default, 10 s). */
void               anbu_ingest_service_set_query_deadline (AnbuIngestService *self,
                                                           guint              seconds);

AnbuTelemetry     *anbu_ingest_service_get_telemetry (AnbuIngestService     *self);
AnbuAlertEngine   *anbu_ingest_service_get_engine  (AnbuIngestService       *self);

/* Creates a gateway credential; returns the token (shown once). */
char              *anbu_ingest_service_add_gateway (AnbuStore               *store,
                                                    const char              *name,
                                                    GError                 **error);

G_END_DECLS
