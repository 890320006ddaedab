/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-live"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "anbu-live-event-bus.h"
#include "anbu-local-event-bus.h"
#include "anbu-store.h"
#ifdef HAVE_POSTGRESQL
#include "anbu-pg-event-bus.h"
#endif

G_DEFINE_QUARK (anbu-live-event-bus-error-quark, anbu_live_event_bus_error)

G_DEFINE_INTERFACE (AnbuLiveEventBus, anbu_live_event_bus, G_TYPE_OBJECT)

enum
{
  SIGNAL_RECEIVED,
  SIGNAL_EVENTS_LOST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
anbu_live_event_bus_default_init (AnbuLiveEventBusInterface *iface)
{
  /* One published payload arrived (from this instance or another). */
  signals[SIGNAL_RECEIVED] =
    g_signal_new ("received", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  /* Payloads published while the bus could not listen are gone. */
  signals[SIGNAL_EVENTS_LOST] =
    g_signal_new ("events-lost", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

gboolean
anbu_live_event_bus_check_payloads (const char * const  *payloads,
                                    guint                n_payloads,
                                    GError             **error)
{
  for (guint i = 0; i < n_payloads; i++)
    {
      gsize length = strlen (payloads[i]);

      if (length > ANBU_LIVE_EVENT_BUS_MAX_PAYLOAD)
        {
          g_set_error (error, ANBU_LIVE_EVENT_BUS_ERROR, ANBU_LIVE_EVENT_BUS_ERROR_TOO_LARGE,
                       _("A live event of %lu bytes is over the limit of %u bytes"),
                       (gulong) length, (guint) ANBU_LIVE_EVENT_BUS_MAX_PAYLOAD);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
anbu_live_event_bus_publish (AnbuLiveEventBus    *self,
                             const char * const  *payloads,
                             guint                n_payloads,
                             GError             **error)
{
  g_return_val_if_fail (ANBU_IS_LIVE_EVENT_BUS (self), FALSE);
  g_return_val_if_fail (payloads != NULL || n_payloads == 0, FALSE);

  if (n_payloads == 0)
    return TRUE;
  if (!anbu_live_event_bus_check_payloads (payloads, n_payloads, error))
    return FALSE;
  return ANBU_LIVE_EVENT_BUS_GET_IFACE (self)->publish (self, payloads, n_payloads, error);
}

gboolean
anbu_live_event_bus_reaches_other_instances (AnbuLiveEventBus *self)
{
  g_return_val_if_fail (ANBU_IS_LIVE_EVENT_BUS (self), FALSE);

  return ANBU_LIVE_EVENT_BUS_GET_IFACE (self)->reaches_other_instances (self);
}

void
anbu_live_event_bus_deliver (AnbuLiveEventBus *self,
                             const char       *payload)
{
  g_return_if_fail (ANBU_IS_LIVE_EVENT_BUS (self));

  g_signal_emit (self, signals[SIGNAL_RECEIVED], 0, payload);
}

void
anbu_live_event_bus_report_lost (AnbuLiveEventBus *self)
{
  g_return_if_fail (ANBU_IS_LIVE_EVENT_BUS (self));

  g_signal_emit (self, signals[SIGNAL_EVENTS_LOST], 0);
}

AnbuLiveEventBus *
anbu_live_event_bus_new_for_location (const char  *location,
                                      GError     **error)
{
  if (anbu_store_location_is_postgresql (location))
    {
#ifdef HAVE_POSTGRESQL
      return anbu_pg_event_bus_new (location, error);
#else
      g_set_error_literal (error, ANBU_LIVE_EVENT_BUS_ERROR, ANBU_LIVE_EVENT_BUS_ERROR_FAILED,
                           _("This anbu-server was built without PostgreSQL"));
      return NULL;
#endif
    }
  return anbu_local_event_bus_new ();
}
