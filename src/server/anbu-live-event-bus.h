/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Carries live events (alerts, plug status, change notices: short JSON
 * texts) to every server instance, the publishing one included, so each
 * instance's live hub pushes them to its own WebSocket clients.
 * AnbuLocalEventBus delivers within the process (one server on SQLite);
 * AnbuPgEventBus through PostgreSQL's NOTIFY, received by LISTEN on a
 * connection of its own whose socket the main loop watches.
 *
 * Either way "received" is emitted on the main context the bus was made
 * in, after publish() returned, once per payload and in the order one
 * instance published them. Payloads are at most
 * ANBU_LIVE_EVENT_BUS_MAX_PAYLOAD bytes: send ids and small fields, and
 * let the receiver read the rest from the database. When the bus could not
 * listen for a while (PostgreSQL restarted), "events-lost" is emitted once
 * it listens again: receivers then catch up from the database (the change
 * counter) instead. */

#define ANBU_LIVE_EVENT_BUS_ERROR (anbu_live_event_bus_error_quark ())

typedef enum
{
  ANBU_LIVE_EVENT_BUS_ERROR_FAILED,      /* the database refused or is unreachable */
  ANBU_LIVE_EVENT_BUS_ERROR_TOO_LARGE,   /* a payload is over the limit: nothing was sent */
} AnbuLiveEventBusError;

GQuark anbu_live_event_bus_error_quark (void);

/* PostgreSQL's NOTIFY takes less than 8000 bytes; the bus keeps a few for
 * its own use (anbu-pg-event-bus.c). */
#define ANBU_LIVE_EVENT_BUS_MAX_PAYLOAD 7900

#define ANBU_TYPE_LIVE_EVENT_BUS (anbu_live_event_bus_get_type ())
G_DECLARE_INTERFACE (AnbuLiveEventBus, anbu_live_event_bus, ANBU, LIVE_EVENT_BUS, GObject)

struct _AnbuLiveEventBusInterface
{
  GTypeInterface parent_iface;

  gboolean (*publish)                 (AnbuLiveEventBus    *self,
                                       const char * const  *payloads,
                                       guint                n_payloads,
                                       GError             **error);
  gboolean (*reaches_other_instances) (AnbuLiveEventBus    *self);
};

/* Sends `payloads` in order, all or none (one transaction on PostgreSQL). */
gboolean anbu_live_event_bus_publish        (AnbuLiveEventBus    *self,
                                             const char * const  *payloads,
                                             guint                n_payloads,
                                             GError             **error);

/* Whether other server instances receive what this one publishes: when
 * not, an event nobody here waits for need not be published. */
gboolean anbu_live_event_bus_reaches_other_instances (AnbuLiveEventBus *self);

/* For implementations: checks every payload against the limit. */
gboolean anbu_live_event_bus_check_payloads (const char * const  *payloads,
                                             guint                n_payloads,
                                             GError             **error);
/* For implementations: emits "received" and "events-lost". */
void     anbu_live_event_bus_deliver        (AnbuLiveEventBus    *self,
                                             const char          *payload);
void     anbu_live_event_bus_report_lost    (AnbuLiveEventBus    *self);

/* The bus for the server's --db value: NOTIFY/LISTEN for a postgresql://
 * URI, else in-process delivery. */
AnbuLiveEventBus *anbu_live_event_bus_new_for_location (const char  *location,
                                                        GError     **error);

G_END_DECLS
