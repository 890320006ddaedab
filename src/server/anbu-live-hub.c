/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-live"

#include "config.h"

#include <json-glib/json-glib.h>

#include "anbu-live-hub.h"
#include "anbu-record-json.h"

struct _AnbuLiveHub
{
  GObject       parent_instance;

  AnbuStore    *store;
  sqlite3      *db;
  guint         plug_interval;
  sqlite3_stmt *scope_key;
  sqlite3_stmt *counter;
  gint64        counter_seen;
  GPtrArray    *clients;      /* Client * */
  GHashTable   *plug_pushed;  /* serial → monotonic µs of the last push */
};

G_DEFINE_FINAL_TYPE (AnbuLiveHub, anbu_live_hub, G_TYPE_OBJECT)

typedef struct
{
  AnbuLiveHub             *hub;
  SoupWebsocketConnection *connection;
  AnbuStoreUser           *user;
  AnbuScope                scope;
  gint64                   told_seq;
} Client;

static void
client_free (Client *client)
{
  g_signal_handlers_disconnect_by_data (client->connection, client);
  if (soup_websocket_connection_get_state (client->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (client->connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_clear_object (&client->connection);
  g_clear_pointer (&client->user, anbu_store_user_free);
  g_free (client);
}

static gint64
read_counter (AnbuLiveHub *self)
{
  gint64 value = 0;

  if (sqlite3_step (self->counter) == SQLITE_ROW)
    value = sqlite3_column_int64 (self->counter, 0);
  sqlite3_reset (self->counter);
  return value;
}

/* The scope key of a household; FALSE when it is not stored. */
static gboolean
lookup_scope_key (AnbuLiveHub           *self,
                  const char            *household_id,
                  AnbuHouseholdScopeKey *key)
{
  gboolean found = FALSE;

  sqlite3_bind_text (self->scope_key, 1, household_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (self->scope_key) == SQLITE_ROW)
    {
      key->dong_code = g_strdup ((const char *) sqlite3_column_text (self->scope_key, 0));
      key->night_consent = sqlite3_column_int (self->scope_key, 1) != 0;
      key->status = g_strdup ((const char *) sqlite3_column_text (self->scope_key, 2));
      found = TRUE;
    }
  sqlite3_reset (self->scope_key);
  return found;
}

static void
send_in_scope (AnbuLiveHub *self,
               const char  *household_id,
               const char  *text)
{
  AnbuHouseholdScopeKey key = { 0 };

  if (self->clients->len == 0 || !lookup_scope_key (self, household_id, &key))
    return;
  for (guint i = 0; i < self->clients->len; i++)
    {
      Client *client = g_ptr_array_index (self->clients, i);

      if (anbu_scope_contains (&client->scope, &key)
          && soup_websocket_connection_get_state (client->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_send_text (client->connection, text);
    }
  g_free (key.dong_code);
  g_free (key.status);
}

static void
on_closed (SoupWebsocketConnection *connection,
           gpointer                 user_data)
{
  Client *client = user_data;

  g_ptr_array_remove (client->hub->clients, client);
}

/* GObject */

static void
anbu_live_hub_dispose (GObject *object)
{
  AnbuLiveHub *self = ANBU_LIVE_HUB (object);

  if (self->clients != NULL)
    g_ptr_array_set_size (self->clients, 0);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (anbu_live_hub_parent_class)->dispose (object);
}

static void
anbu_live_hub_finalize (GObject *object)
{
  AnbuLiveHub *self = ANBU_LIVE_HUB (object);

  g_clear_pointer (&self->clients, g_ptr_array_unref);
  g_clear_pointer (&self->plug_pushed, g_hash_table_unref);
  g_clear_pointer (&self->scope_key, sqlite3_finalize);
  g_clear_pointer (&self->counter, sqlite3_finalize);

  G_OBJECT_CLASS (anbu_live_hub_parent_class)->finalize (object);
}

static void
anbu_live_hub_class_init (AnbuLiveHubClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = anbu_live_hub_dispose;
  object_class->finalize = anbu_live_hub_finalize;
}

static void
anbu_live_hub_init (AnbuLiveHub *self)
{
  self->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  self->plug_pushed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* Public API */

AnbuLiveHub *
anbu_live_hub_new (AnbuStore *store,
                   sqlite3   *db,
                   guint      plug_interval)
{
  g_autoptr(AnbuLiveHub) self = g_object_new (ANBU_TYPE_LIVE_HUB, NULL);

  g_return_val_if_fail (ANBU_IS_STORE (store), NULL);

  self->store = g_object_ref (store);
  self->db = db;
  self->plug_interval = plug_interval;
  if (sqlite3_prepare_v3 (db, "SELECT dong_code, night_consent, status FROM household WHERE id = ?1",
                          -1, SQLITE_PREPARE_PERSISTENT, &self->scope_key, NULL) != SQLITE_OK
      || sqlite3_prepare_v3 (db, "SELECT value FROM counter WHERE name = 'seq'", -1,
                             SQLITE_PREPARE_PERSISTENT, &self->counter, NULL) != SQLITE_OK)
    {
      g_critical ("Cannot prepare the live hub's statements: %s", sqlite3_errmsg (db));
      return NULL;
    }
  self->counter_seen = read_counter (self);
  return g_steal_pointer (&self);
}

void
anbu_live_hub_add (AnbuLiveHub             *self,
                   SoupWebsocketConnection *connection,
                   const AnbuStoreUser     *user)
{
  Client *client;

  g_return_if_fail (ANBU_IS_LIVE_HUB (self));
  g_return_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection));

  client = g_new0 (Client, 1);
  client->hub = self;
  client->connection = g_object_ref (connection);
  client->user = anbu_store_user_copy (user);
  client->scope.role = client->user->role;
  client->scope.dong_codes = client->user->dong_codes;
  client->told_seq = read_counter (self);
  /* Pings keep idle connections through proxies and notice dead peers. */
  soup_websocket_connection_set_keepalive_interval (connection, 30);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), client);
  g_ptr_array_add (self->clients, client);
}

guint
anbu_live_hub_get_n_clients (AnbuLiveHub *self)
{
  g_return_val_if_fail (ANBU_IS_LIVE_HUB (self), 0);
  return self->clients->len;
}

void
anbu_live_hub_push_plug (AnbuLiveHub                   *self,
                         const AnbuTelemetryPlugStatus *status,
                         gint64                         now_monotonic)
{
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(JsonObject) message = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  gpointer last;

  g_return_if_fail (ANBU_IS_LIVE_HUB (self));

  if (self->clients->len == 0)
    return;
  if (g_hash_table_lookup_extended (self->plug_pushed, status->serial, NULL, &last)
      && now_monotonic - GPOINTER_TO_SIZE (last) * (gint64) G_USEC_PER_SEC / 1000
         < (gint64) self->plug_interval * G_USEC_PER_SEC)
    return;
  g_hash_table_insert (self->plug_pushed, g_strdup (status->serial),
                       GSIZE_TO_POINTER ((gsize) (now_monotonic / 1000)));

  record = json_object_new ();
  json_object_set_string_member (record, "serial", status->serial);
  json_object_set_string_member (record, "household_id", status->household_id);
  anbu_json_write_timestamp (record, "last_seen_at", status->last_seen_at * G_USEC_PER_SEC);
  json_object_set_double_member (record, "last_watts", status->last_watts);
  json_object_set_double_member (record, "last_lux", status->last_lux);
  if (status->last_activity_at > 0)
    anbu_json_write_timestamp (record, "last_activity_at",
                               status->last_activity_at * G_USEC_PER_SEC);
  message = json_object_new ();
  json_object_set_string_member (message, "type", "plug");
  json_object_set_object_member (message, "record", g_steal_pointer (&record));
  node = json_node_init_object (json_node_alloc (), message);
  text = json_to_string (node, FALSE);
  send_in_scope (self, status->household_id, text);
}

void
anbu_live_hub_push_alert (AnbuLiveHub *self,
                          const char  *household_id,
                          const char  *record)
{
  g_autofree char *text = NULL;

  g_return_if_fail (ANBU_IS_LIVE_HUB (self));

  text = g_strdup_printf ("{\"type\":\"alert\",\"record\":%s}", record);
  send_in_scope (self, household_id, text);
}

void
anbu_live_hub_notify_changes (AnbuLiveHub *self)
{
  gint64 counter;

  g_return_if_fail (ANBU_IS_LIVE_HUB (self));

  counter = read_counter (self);
  if (counter == self->counter_seen)
    return;
  self->counter_seen = counter;
  for (guint i = 0; i < self->clients->len; i++)
    {
      Client *client = g_ptr_array_index (self->clients, i);
      g_autoptr(GPtrArray) changes = NULL;
      g_autoptr(GError) error = NULL;
      gboolean has_more = FALSE;
      gint64 next = 0;

      if (client->told_seq >= counter)
        continue;
      changes = anbu_store_changes (self->store, &client->scope, client->told_seq, 1, &has_more,
                                    &next, &error);
      if (changes == NULL)
        {
          g_warning ("Cannot check changes for a live client: %s", error->message);
          continue;
        }
      client->told_seq = counter;
      if (changes->len > 0
          && soup_websocket_connection_get_state (client->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        {
          g_autofree char *text = g_strdup_printf ("{\"type\":\"change\",\"cursor\":\"c%" G_GINT64_FORMAT "\"}",
                                                   counter);

          soup_websocket_connection_send_text (client->connection, text);
        }
    }
}
