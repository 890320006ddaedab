/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "anbu-live-event-bus.h"
#include "anbu-live-hub.h"
#include "anbu-store.h"
#include "anbu-telemetry.h"

G_BEGIN_DECLS

/* Between what produces live events (telemetry, the alert engine, record
 * changes, caseload moves) and the live hub: each event goes out on the
 * live event bus as a short JSON text, and what the bus delivers (from
 * this instance or, on PostgreSQL, from any other) is handed to the hub.
 * So the hub gets the same events on one SQLite server and on several
 * PostgreSQL instances. On the bus:
 *   {"type":"plugs","plugs":[[serial, household id, last seen, watts,
 *                             lux, last activity], …]}   as many as fit
 *   {"type":"alert","household_id":…,"record":{…}}       or, when the record
 *   {"type":"alert","household_id":…,"id":…}             is too long, its id
 *   {"type":"change"}   records changed: clients in scope are told
 *   {"type":"scopes"}   planners' 동 codes changed (a caseload move)
 * When the bus lost events, the hub reads scopes and changes again. */

#define ANBU_TYPE_LIVE_RELAY (anbu_live_relay_get_type ())
G_DECLARE_FINAL_TYPE (AnbuLiveRelay, anbu_live_relay, ANBU, LIVE_RELAY, GObject)

AnbuLiveRelay *anbu_live_relay_new            (AnbuLiveEventBus              *bus,
                                               AnbuLiveHub                   *hub,
                                               AnbuStore                     *store);

/* `statuses` holds AnbuTelemetryPlugStatus *. */
void           anbu_live_relay_publish_plugs  (AnbuLiveRelay                 *self,
                                               GPtrArray                     *statuses);
void           anbu_live_relay_publish_alert  (AnbuLiveRelay                 *self,
                                               const char                    *household_id,
                                               const char                    *record);
void           anbu_live_relay_publish_change (AnbuLiveRelay                 *self);
void           anbu_live_relay_publish_scopes (AnbuLiveRelay                 *self);

G_END_DECLS
