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
  sqlite3_stmt *snapshot;
  gint64        counter_seen;
  GPtrArray    *clients;      /* Client * */
  GHashTable   *plug_pushed;  /* serial → monotonic ms of the last push */
  GHashTable   *plug_pending; /* serial → AnbuTelemetryPlugStatus * held back by the throttle */
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

static void send_snapshot (AnbuLiveHub *self,
                           Client      *client);

static void
pending_status_free (AnbuTelemetryPlugStatus *status)
{
  anbu_telemetry_plug_status_clear (status);
  g_free (status);
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
      key->assigned_planner = g_strdup ((const char *) sqlite3_column_text (self->scope_key, 3));
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
  g_free (key.assigned_planner);
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
  g_clear_pointer (&self->plug_pending, g_hash_table_unref);
  g_clear_pointer (&self->scope_key, sqlite3_finalize);
  g_clear_pointer (&self->counter, sqlite3_finalize);
  g_clear_pointer (&self->snapshot, sqlite3_finalize);

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
  self->plug_pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) pending_status_free);
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
  if (sqlite3_prepare_v3 (db, "SELECT dong_code, night_consent, status, (SELECT a.planner_id FROM"
                          " household_assignment a WHERE a.household_id = household.id)"
                          " FROM household WHERE id = ?1",
                          -1, SQLITE_PREPARE_PERSISTENT, &self->scope_key, NULL) != SQLITE_OK
      || sqlite3_prepare_v3 (db, "SELECT value FROM counter WHERE name = 'seq'", -1,
                             SQLITE_PREPARE_PERSISTENT, &self->counter, NULL) != SQLITE_OK
      || sqlite3_prepare_v3 (db, "SELECT l.serial, l.household_id, l.last_seen_at, l.last_watts,"
                             " l.last_lux, coalesce (l.last_activity_at, 0), h.dong_code,"
                             " h.night_consent, h.status, (SELECT a.planner_id FROM household_assignment a"
                             " WHERE a.household_id = h.id) FROM plug_live l"
                             " JOIN plug p ON p.id = l.serial AND p.state = 'installed'"
                             /* Only what it saw in this installation. */
                             " AND l.household_id = p.household_id"
                             " AND l.last_seen_at >= unixepoch (json_extract (p.record, '$.installed_at'))"
                             " JOIN household h ON h.id = l.household_id", -1,
                             SQLITE_PREPARE_PERSISTENT, &self->snapshot, NULL) != SQLITE_OK)
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
  client->scope.user_id = client->user->id;
  client->told_seq = read_counter (self);
  /* Pings keep idle connections through proxies and notice dead peers. */
  soup_websocket_connection_set_keepalive_interval (connection, 30);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), client);
  g_ptr_array_add (self->clients, client);
  send_snapshot (self, client);
}

guint
anbu_live_hub_get_n_clients (AnbuLiveHub *self)
{
  g_return_val_if_fail (ANBU_IS_LIVE_HUB (self), 0);
  return self->clients->len;
}

static char *
plug_frame (const AnbuTelemetryPlugStatus *status)
{
  g_autoptr(JsonObject) record = json_object_new ();
  g_autoptr(JsonObject) message = json_object_new ();
  g_autoptr(JsonNode) node = NULL;

  json_object_set_string_member (record, "serial", status->serial);
  json_object_set_string_member (record, "household_id", status->household_id);
  anbu_json_write_timestamp (record, "last_seen_at", status->last_seen_at * G_USEC_PER_SEC);
  json_object_set_double_member (record, "last_watts", status->last_watts);
  json_object_set_double_member (record, "last_lux", status->last_lux);
  if (status->last_activity_at > 0)
    anbu_json_write_timestamp (record, "last_activity_at",
                               status->last_activity_at * G_USEC_PER_SEC);
  json_object_set_string_member (message, "type", "plug");
  json_object_set_object_member (message, "record", g_steal_pointer (&record));
  node = json_node_init_object (json_node_alloc (), message);
  return json_to_string (node, FALSE);
}

/* On connect: the current status of every plug in the client's scope. */
static void
send_snapshot (AnbuLiveHub *self,
               Client      *client)
{
  sqlite3_stmt *stmt = self->snapshot;
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AnbuHouseholdScopeKey key;
      AnbuTelemetryPlugStatus status = { 0 };
      g_autofree char *text = NULL;

      key.dong_code = (char *) sqlite3_column_text (stmt, 6);
      key.night_consent = sqlite3_column_int (stmt, 7) != 0;
      key.status = (char *) sqlite3_column_text (stmt, 8);
      key.assigned_planner = (char *) sqlite3_column_text (stmt, 9);
      if (!anbu_scope_contains (&client->scope, &key))
        continue;
      status.serial = (char *) sqlite3_column_text (stmt, 0);
      status.household_id = (char *) sqlite3_column_text (stmt, 1);
      status.last_seen_at = sqlite3_column_int64 (stmt, 2);
      status.last_watts = sqlite3_column_double (stmt, 3);
      status.last_lux = sqlite3_column_double (stmt, 4);
      status.last_activity_at = sqlite3_column_int64 (stmt, 5);
      text = plug_frame (&status);
      soup_websocket_connection_send_text (client->connection, text);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    g_warning ("Cannot send the plug snapshot: %s", sqlite3_errmsg (self->db));
}

void
anbu_live_hub_push_plug (AnbuLiveHub                   *self,
                         const AnbuTelemetryPlugStatus *status,
                         gint64                         now_monotonic)
{
  g_autofree char *text = NULL;
  gpointer last;

  g_return_if_fail (ANBU_IS_LIVE_HUB (self));

  if (self->clients->len == 0)
    return;
  if (g_hash_table_lookup_extended (self->plug_pushed, status->serial, NULL, &last)
      && now_monotonic - GPOINTER_TO_SIZE (last) * (gint64) G_USEC_PER_SEC / 1000
         < (gint64) self->plug_interval * G_USEC_PER_SEC)
    {
      /* Held back: the latest one goes out when the interval is over. */
      AnbuTelemetryPlugStatus *copy = g_new0 (AnbuTelemetryPlugStatus, 1);

      *copy = *status;
      copy->serial = g_strdup (status->serial);
      copy->household_id = g_strdup (status->household_id);
      g_hash_table_replace (self->plug_pending, g_strdup (status->serial), copy);
      return;
    }
  g_hash_table_remove (self->plug_pending, status->serial);
  g_hash_table_insert (self->plug_pushed, g_strdup (status->serial),
                       GSIZE_TO_POINTER ((gsize) (now_monotonic / 1000)));

  text = plug_frame (status);
  send_in_scope (self, status->household_id, text);
}

void
anbu_live_hub_flush_plugs (AnbuLiveHub *self,
                           gint64       now_monotonic)
{
  g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_status_free);
  GHashTableIter iter;
  gpointer key, value;

  g_return_if_fail (ANBU_IS_LIVE_HUB (self));

  g_hash_table_iter_init (&iter, self->plug_pending);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gpointer last;

      if (g_hash_table_lookup_extended (self->plug_pushed, key, NULL, &last)
          && now_monotonic - GPOINTER_TO_SIZE (last) * (gint64) G_USEC_PER_SEC / 1000
             < (gint64) self->plug_interval * G_USEC_PER_SEC)
        continue;
      g_ptr_array_add (due, value);
      g_hash_table_iter_steal (&iter);
      g_free (key);
    }
  for (guint i = 0; i < due->len; i++)
    anbu_live_hub_push_plug (self, g_ptr_array_index (due, i), now_monotonic);
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
anbu_live_hub_refresh_scopes (AnbuLiveHub *self)
{
  g_return_if_fail (ANBU_IS_LIVE_HUB (self));

  for (guint i = 0; i < self->clients->len; i++)
    {
      Client *client = g_ptr_array_index (self->clients, i);
      g_autoptr(GError) error = NULL;
      AnbuStoreUser *user = anbu_store_find_user (self->store, NULL, client->user->id, &error);

      if (user == NULL)
        {
          g_warning ("Cannot read a live client's user again: %s", error->message);
          continue;
        }
      anbu_store_user_free (client->user);
      client->user = user;
      client->scope.role = user->role;
      client->scope.dong_codes = user->dong_codes;
      client->scope.user_id = user->id;
    }
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
