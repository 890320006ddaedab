/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-live-event-bus.h"

G_BEGIN_DECLS

/* The live event bus (anbu-live-event-bus.h) of a server that runs alone:
 * payloads are queued and delivered from a callback of the main context
 * the bus was made in, as PostgreSQL's would arrive. */

#define ANBU_TYPE_LOCAL_EVENT_BUS (anbu_local_event_bus_get_type ())
G_DECLARE_FINAL_TYPE (AnbuLocalEventBus, anbu_local_event_bus, ANBU, LOCAL_EVENT_BUS, GObject)

AnbuLiveEventBus *anbu_local_event_bus_new (void);

G_END_DECLS
