/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <libsoup/soup.h>

#include "anbu-metrics.h"
#include "anbu-store.h"
#include "anbu-telemetry.h"

G_BEGIN_DECLS

/* The WebSocket fan-out of GET /api/v1/live (docs/api.md, "Live").
 *
 * Each connection belongs to a signed-in user and receives, as text frames,
 * only what lies in that user's scope:
 *   {"type": "plug", "record": {serial, household_id, last_seen_at,
 *                               last_watts, last_lux, last_activity_at}}
 *     for every installed plug that reported, right after connecting, then
 *     at most once per plug every `plug_interval` seconds,
 *   {"type": "alert", "record": {alert record}} for every alert raised or
 *     changed,
 *   {"type": "change", "cursor": "c…"} when the records the user may pull
 *     changed (checked when the change counter moves).
 *
 * Clients are filed by what decides their scope (동 code, user, role), so a
 * push looks only at those who may see it. A client that does not read is
 * dropped (and the reason logged) once more than the queue limit sent to
 * it waits unacknowledged; the snapshot on connect goes out in slices
 * between other work and waits for a slow reader instead. */

#define ANBU_LIVE_HUB_DEFAULT_PLUG_INTERVAL 10
#define ANBU_LIVE_HUB_DEFAULT_QUEUE_LIMIT   (4 * 1024 * 1024)

#define ANBU_TYPE_LIVE_HUB (anbu_live_hub_get_type ())
G_DECLARE_FINAL_TYPE (AnbuLiveHub, anbu_live_hub, ANBU, LIVE_HUB, GObject)

/* Reads the scope keys, change counter and snapshots from `store`'s
 * database, on its connection. */
AnbuLiveHub *anbu_live_hub_new             (AnbuStore                     *store,
                                            guint                          plug_interval);

/* Bytes sent to one client and not yet taken by it before it is dropped;
 * 0 = the default. */
void         anbu_live_hub_set_queue_limit (AnbuLiveHub                   *self,
                                            guint64                        bytes);
/* Where dropped clients are counted (anbu_live_clients_dropped_total). */
void         anbu_live_hub_set_metrics     (AnbuLiveHub                   *self,
                                            AnbuMetrics                   *metrics);
/* How many clients were dropped for not reading. */
guint64      anbu_live_hub_get_n_dropped   (AnbuLiveHub                   *self);

/* Takes a reference on `connection` and `socket` (its TCP socket, to see
 * how much the peer took; NULL: not known, never dropped); `user` is
 * copied. */
void         anbu_live_hub_add             (AnbuLiveHub                   *self,
                                            SoupWebsocketConnection       *connection,
                                            GSocket                       *socket,
                                            const AnbuStoreUser           *user);

guint        anbu_live_hub_get_n_clients   (AnbuLiveHub                   *self);

void         anbu_live_hub_push_plug       (AnbuLiveHub                   *self,
                                            const AnbuTelemetryPlugStatus *status,
                                            gint64                         now_monotonic);

/* Sends the plug statuses the throttle held back whose interval is over
 * (call about once a second). */
void         anbu_live_hub_flush_plugs     (AnbuLiveHub                   *self,
                                            gint64                         now_monotonic);

void         anbu_live_hub_push_alert      (AnbuLiveHub                   *self,
                                            const char                    *household_id,
                                            const char                    *record);

/* Looks at the change counter; tells each client whose scope gained
 * changes since it was last told. */
void         anbu_live_hub_notify_changes  (AnbuLiveHub                   *self);
/* Reads every connected user's 동 codes again (a caseload move changed
 * them), so live frames and change notices follow the new scope. */
void         anbu_live_hub_refresh_scopes  (AnbuLiveHub                   *self);

G_END_DECLS
