/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-live-event-bus.h"

G_BEGIN_DECLS

/* The live event bus (anbu-live-event-bus.h) across the instances on one
 * PostgreSQL database: NOTIFY on channel ANBU_PG_EVENT_BUS_CHANNEL from one
 * connection, LISTEN on another whose socket a GSource of the main context
 * watches. A listening connection that was lost is made anew, retried
 * every second, and then reports "events-lost". */

#define ANBU_PG_EVENT_BUS_CHANNEL "anbu_live"

#define ANBU_TYPE_PG_EVENT_BUS (anbu_pg_event_bus_get_type ())
G_DECLARE_FINAL_TYPE (AnbuPgEventBus, anbu_pg_event_bus, ANBU, PG_EVENT_BUS, GObject)

/* Connects twice and listens from the moment it returns. */
AnbuLiveEventBus *anbu_pg_event_bus_new (const char  *conninfo,
                                         GError     **error);

G_END_DECLS
