/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-live"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "anbu-live-relay.h"

struct _AnbuLiveRelay
{
  GObject           parent_instance;

  AnbuLiveEventBus *bus;
  AnbuLiveHub      *hub;
  AnbuStore        *store;
};

G_DEFINE_FINAL_TYPE (AnbuLiveRelay, anbu_live_relay, G_TYPE_OBJECT)

static void
publish (AnbuLiveRelay      *self,
         const char * const *payloads,
         guint               n_payloads)
{
  g_autoptr(GError) error = NULL;

  if (!anbu_live_event_bus_publish (self->bus, payloads, n_payloads, &error))
    g_warning ("Cannot publish live events: %s", error->message);
}

static void
append_json_string (GString    *text,
                    const char *value)
{
  g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), value);
  g_autofree char *quoted = json_to_string (node, FALSE);

  g_string_append (text, quoted);
}

/* One plug as the array the "plugs" event carries; doubles written so
 * they read back exactly. */
static char *
plug_entry (const AnbuTelemetryPlugStatus *status)
{
  GString *text = g_string_new ("[");
  char watts[G_ASCII_DTOSTR_BUF_SIZE], lux[G_ASCII_DTOSTR_BUF_SIZE];

  append_json_string (text, status->serial);
  g_string_append_c (text, ',');
  append_json_string (text, status->household_id);
  g_string_append_printf (text, ",%" G_GINT64_FORMAT ",%s,%s,%" G_GINT64_FORMAT "]",
                          status->last_seen_at,
                          g_ascii_dtostr (watts, sizeof watts, status->last_watts),
                          g_ascii_dtostr (lux, sizeof lux, status->last_lux),
                          status->last_activity_at);
  return g_string_free (text, FALSE);
}

#define PLUGS_HEAD "{\"type\":\"plugs\",\"plugs\":["
#define PLUGS_TAIL "]}"

static void
apply_plugs (AnbuLiveRelay *self,
             JsonObject    *event)
{
  JsonArray *plugs = json_object_get_array_member (event, "plugs");
  gint64 monotonic = g_get_monotonic_time ();

  for (guint i = 0; plugs != NULL && i < json_array_get_length (plugs); i++)
    {
      JsonArray *entry = json_array_get_array_element (plugs, i);
      AnbuTelemetryPlugStatus status = { 0 };

      if (entry == NULL || json_array_get_length (entry) != 6)
        continue;
      status.serial = (char *) json_array_get_string_element (entry, 0);
      status.household_id = (char *) json_array_get_string_element (entry, 1);
      status.last_seen_at = json_array_get_int_element (entry, 2);
      status.last_watts = json_array_get_double_element (entry, 3);
      status.last_lux = json_array_get_double_element (entry, 4);
      status.last_activity_at = json_array_get_int_element (entry, 5);
      if (status.serial != NULL && status.household_id != NULL)
        anbu_live_hub_push_plug (self->hub, &status, monotonic);
    }
}

/* An alert's record came inline, or is read by its id. */
static void
apply_alert (AnbuLiveRelay *self,
             JsonObject    *event)
{
  const char *household_id = json_object_get_string_member_with_default (event, "household_id", NULL);
  JsonNode *record = json_object_get_member (event, "record");
  g_autofree char *text = NULL;

  if (household_id == NULL)
    return;
  if (record != NULL)
    text = json_to_string (record, FALSE);
  else
    {
      const char *id = json_object_get_string_member_with_default (event, "id", NULL);
      g_autoptr(AnbuStoreEntity) entity = NULL;
      g_autoptr(GError) error = NULL;

      if (id == NULL)
        return;
      entity = anbu_store_load (self->store, ANBU_RECORD_KIND_ALERT, id, &error);
      if (entity == NULL)
        {
          g_warning ("Cannot read alert %s for live clients: %s", id, error->message);
          return;
        }
      text = g_strdup (entity->record);
    }
  anbu_live_hub_push_alert (self->hub, household_id, text);
}

static void
on_received (AnbuLiveEventBus *bus,
             const char       *payload,
             AnbuLiveRelay    *self)
{
  g_autoptr(JsonNode) root = json_from_string (payload, NULL);
  JsonObject *event = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  const char *type = event != NULL ? json_object_get_string_member_with_default (event, "type", "") : "";

  if (g_str_equal (type, "plugs"))
    apply_plugs (self, event);
  else if (g_str_equal (type, "alert"))
    apply_alert (self, event);
  else if (g_str_equal (type, "change"))
    anbu_live_hub_notify_changes (self->hub);
  else if (g_str_equal (type, "scopes"))
    {
      anbu_live_hub_refresh_scopes (self->hub);
      anbu_live_hub_notify_changes (self->hub);
    }
  else
    g_debug ("Ignoring a live event of unknown type: %.80s", payload);
}

/* What went by unseen is in the database: scopes and the change counter. */
static void
on_events_lost (AnbuLiveEventBus *bus,
                AnbuLiveRelay    *self)
{
  anbu_live_hub_refresh_scopes (self->hub);
  anbu_live_hub_notify_changes (self->hub);
}

static void
anbu_live_relay_dispose (GObject *object)
{
  AnbuLiveRelay *self = ANBU_LIVE_RELAY (object);

  if (self->bus != NULL)
    g_signal_handlers_disconnect_by_data (self->bus, self);
  g_clear_object (&self->bus);
  g_clear_object (&self->hub);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (anbu_live_relay_parent_class)->dispose (object);
}

static void
anbu_live_relay_class_init (AnbuLiveRelayClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = anbu_live_relay_dispose;
}

static void
anbu_live_relay_init (AnbuLiveRelay *self)
{
}

AnbuLiveRelay *
anbu_live_relay_new (AnbuLiveEventBus *bus,
                     AnbuLiveHub      *hub,
                     AnbuStore        *store)
{
  AnbuLiveRelay *self;

  g_return_val_if_fail (ANBU_IS_LIVE_EVENT_BUS (bus), NULL);
  g_return_val_if_fail (ANBU_IS_LIVE_HUB (hub), NULL);
  g_return_val_if_fail (ANBU_IS_STORE (store), NULL);

  self = g_object_new (ANBU_TYPE_LIVE_RELAY, NULL);
  self->bus = g_object_ref (bus);
  self->hub = g_object_ref (hub);
  self->store = g_object_ref (store);
  g_signal_connect (bus, "received", G_CALLBACK (on_received), self);
  g_signal_connect (bus, "events-lost", G_CALLBACK (on_events_lost), self);
  return self;
}

/* As many plugs per event as fit under the bus's limit. */
void
anbu_live_relay_publish_plugs (AnbuLiveRelay *self,
                               GPtrArray     *statuses)
{
  g_autoptr(GPtrArray) payloads = g_ptr_array_new_with_free_func (g_free);
  GString *event = NULL;

  g_return_if_fail (ANBU_IS_LIVE_RELAY (self));

  /* Every batch reports its plugs: on one server without live clients
   * nobody would read them. */
  if (anbu_live_hub_get_n_clients (self->hub) == 0
      && !anbu_live_event_bus_reaches_other_instances (self->bus))
    return;
  for (guint i = 0; i < statuses->len; i++)
    {
      g_autofree char *entry = plug_entry (g_ptr_array_index (statuses, i));

      if (event != NULL
          && event->len + 1 + strlen (entry) + strlen (PLUGS_TAIL) > ANBU_LIVE_EVENT_BUS_MAX_PAYLOAD)
        {
          g_string_append (event, PLUGS_TAIL);
          g_ptr_array_add (payloads, g_string_free (g_steal_pointer (&event), FALSE));
        }
      if (event == NULL)
        event = g_string_new (PLUGS_HEAD);
      else
        g_string_append_c (event, ',');
      g_string_append (event, entry);
    }
  if (event != NULL)
    {
      g_string_append (event, PLUGS_TAIL);
      g_ptr_array_add (payloads, g_string_free (event, FALSE));
    }
  publish (self, (const char * const *) payloads->pdata, payloads->len);
}

void
anbu_live_relay_publish_alert (AnbuLiveRelay *self,
                               const char    *household_id,
                               const char    *record)
{
  g_autoptr(GString) event = g_string_new ("{\"type\":\"alert\",\"household_id\":");
  const char *payload;

  g_return_if_fail (ANBU_IS_LIVE_RELAY (self));

  append_json_string (event, household_id);
  if (event->len + strlen (",\"record\":}") + strlen (record) <= ANBU_LIVE_EVENT_BUS_MAX_PAYLOAD)
    g_string_append_printf (event, ",\"record\":%s}", record);
  else
    {
      g_autoptr(JsonNode) root = json_from_string (record, NULL);
      JsonObject *object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
      const char *id = object != NULL ? json_object_get_string_member_with_default (object, "id", NULL) : NULL;

      if (id == NULL)
        {
          g_warning ("An alert record without an id cannot go to live clients");
          return;
        }
      g_string_append (event, ",\"id\":");
      append_json_string (event, id);
      g_string_append_c (event, '}');
    }
  payload = event->str;
  publish (self, &payload, 1);
}

void
anbu_live_relay_publish_change (AnbuLiveRelay *self)
{
  const char *payload = "{\"type\":\"change\"}";

  g_return_if_fail (ANBU_IS_LIVE_RELAY (self));
  publish (self, &payload, 1);
}

void
anbu_live_relay_publish_scopes (AnbuLiveRelay *self)
{
  const char *payload = "{\"type\":\"scopes\"}";

  g_return_if_fail (ANBU_IS_LIVE_RELAY (self));
  publish (self, &payload, 1);
}
