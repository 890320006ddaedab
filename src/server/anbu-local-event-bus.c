/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-live"

#include "config.h"

#include "anbu-local-event-bus.h"

struct _AnbuLocalEventBus
{
  GObject       parent_instance;

  GMainContext *context;
  GQueue        pending;     /* char * payloads not yet delivered */
  GSource      *delivery;
};

static void anbu_local_event_bus_iface_init (AnbuLiveEventBusInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AnbuLocalEventBus, anbu_local_event_bus, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ANBU_TYPE_LIVE_EVENT_BUS,
                                                      anbu_local_event_bus_iface_init))

/* Delivers what was queued when it started; a payload published by a
 * receiver waits for the next round, as it would on PostgreSQL. */
static gboolean
deliver_pending (gpointer user_data)
{
  AnbuLocalEventBus *self = user_data;
  guint n = g_queue_get_length (&self->pending);

  g_object_ref (self);
  g_clear_pointer (&self->delivery, g_source_unref);
  for (guint i = 0; i < n && !g_queue_is_empty (&self->pending); i++)
    {
      g_autofree char *payload = g_queue_pop_head (&self->pending);

      anbu_live_event_bus_deliver (ANBU_LIVE_EVENT_BUS (self), payload);
    }
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static gboolean
local_publish (AnbuLiveEventBus    *bus,
               const char * const  *payloads,
               guint                n_payloads,
               GError             **error)
{
  AnbuLocalEventBus *self = ANBU_LOCAL_EVENT_BUS (bus);

  for (guint i = 0; i < n_payloads; i++)
    g_queue_push_tail (&self->pending, g_strdup (payloads[i]));
  if (self->delivery == NULL)
    {
      self->delivery = g_idle_source_new ();
      /* As soon as a socket's data would be: a busy server's requests
       * must not hold live pushes back. */
      g_source_set_priority (self->delivery, G_PRIORITY_DEFAULT);
      g_source_set_callback (self->delivery, deliver_pending, self, NULL);
      g_source_set_static_name (self->delivery, "[anbu] live events");
      g_source_attach (self->delivery, self->context);
    }
  return TRUE;
}

static gboolean
local_reaches_other_instances (AnbuLiveEventBus *bus)
{
  return FALSE;
}

static void
anbu_local_event_bus_iface_init (AnbuLiveEventBusInterface *iface)
{
  iface->publish = local_publish;
  iface->reaches_other_instances = local_reaches_other_instances;
}

static void
anbu_local_event_bus_finalize (GObject *object)
{
  AnbuLocalEventBus *self = ANBU_LOCAL_EVENT_BUS (object);

  if (self->delivery != NULL)
    g_source_destroy (self->delivery);
  g_clear_pointer (&self->delivery, g_source_unref);
  g_queue_clear_full (&self->pending, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (anbu_local_event_bus_parent_class)->finalize (object);
}

static void
anbu_local_event_bus_class_init (AnbuLocalEventBusClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = anbu_local_event_bus_finalize;
}

static void
anbu_local_event_bus_init (AnbuLocalEventBus *self)
{
  self->context = g_main_context_ref_thread_default ();
  g_queue_init (&self->pending);
}

AnbuLiveEventBus *
anbu_local_event_bus_new (void)
{
  return g_object_new (ANBU_TYPE_LOCAL_EVENT_BUS, NULL);
}
