/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-live"

#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/tcp.h>

#include <json-glib/json-glib.h>

#include "anbu-live-hub.h"
#include "anbu-live-store.h"
#include "anbu-metrics.h"
#include "anbu-record-json.h"

/* A connecting client's snapshot goes out in slices between other work;
 * the next slice waits while the client has this much not yet taken. */
#define SNAPSHOT_WINDOW_BYTES (256 * 1024)
#define SNAPSHOT_SLICE_ROWS 256
/* When every pending snapshot waits for its reader, look again after this. */
#define SNAPSHOT_RETRY_MS 20

struct _AnbuLiveHub
{
  GObject       parent_instance;

  AnbuStore    *store;
  AnbuLiveStore *reads;       /* the scope keys, counter and snapshots */
  guint         plug_interval;
  guint64       queue_limit;
  AnbuMetrics  *metrics;
  gint64        counter_seen;
  GPtrArray    *clients;      /* Client *, owns them */
  /* Who can see what, so a push touches only the clients that see it. */
  GHashTable   *by_dong;      /* dong code → GPtrArray of planner Client * */
  GHashTable   *by_user;      /* user id → GPtrArray of planner Client * */
  GPtrArray    *control;      /* Client * of the control centre */
  GPtrArray    *admins;       /* Client * */
  GQueue        snapshots;    /* Client * whose snapshot is not all sent */
  guint         snapshot_source;
  guint64       dropped;
  GHashTable   *plug_pushed;  /* serial → monotonic ms of the last push */
  GHashTable   *plug_pending; /* serial → AnbuTelemetryPlugStatus * held back by the throttle */
};

G_DEFINE_FINAL_TYPE (AnbuLiveHub, anbu_live_hub, G_TYPE_OBJECT)

typedef enum
{
  SNAPSHOT_DONE,
  SNAPSHOT_ALL,       /* admin/control: slices by serial after snapshot_after */
  SNAPSHOT_DONGS,     /* planner: one 동 per slice, then the assigned ones */
  SNAPSHOT_ASSIGNED,
} SnapshotStep;

typedef struct
{
  AnbuLiveHub             *hub;
  SoupWebsocketConnection *connection;
  GSocket                 *socket;       /* NULL: its backlog is not known */
  guint64                  acked_base;   /* the peer's acknowledged bytes when it joined */
  guint64                  queued;       /* bytes of frames handed to the connection */
  AnbuStoreUser           *user;
  AnbuScope                scope;
  gint64                   told_seq;
  gboolean                 indexed;
  gboolean                 dropped;
  SnapshotStep             snapshot_step;
  guint                    snapshot_dong;
  char                    *snapshot_after;
} Client;

static void
client_free (Client *client)
{
  g_signal_handlers_disconnect_by_data (client->connection, client);
  if (soup_websocket_connection_get_state (client->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (client->connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_clear_object (&client->connection);
  g_clear_object (&client->socket);
  g_clear_pointer (&client->user, anbu_store_user_free);
  g_free (client->snapshot_after);
  g_free (client);
}

static void schedule_snapshots (AnbuLiveHub *self,
                                guint        delay_ms);

static void
pending_status_free (AnbuTelemetryPlugStatus *status)
{
  anbu_telemetry_plug_status_clear (status);
  g_free (status);
}

/* 0 when it cannot be read (every client is told at the next change). */
static gint64
read_counter (AnbuLiveHub *self)
{
  g_autoptr(GError) error = NULL;
  gint64 value = 0;

  if (!anbu_live_store_read_counter (self->reads, &value, &error))
    g_warning ("%s", error->message);
  return value;
}

/* The scope index */

static void
index_list_add (GHashTable *table,
                const char *key,
                Client     *client)
{
  GPtrArray *list = g_hash_table_lookup (table, key);

  if (list == NULL)
    {
      list = g_ptr_array_new ();
      g_hash_table_insert (table, g_strdup (key), list);
    }
  g_ptr_array_add (list, client);
}

static void
index_list_remove (GHashTable *table,
                   const char *key,
                   Client     *client)
{
  GPtrArray *list = g_hash_table_lookup (table, key);

  if (list == NULL)
    return;
  g_ptr_array_remove_fast (list, client);
  if (list->len == 0)
    g_hash_table_remove (table, key);
}

/* Files the client under what decides its scope (anbu_scope_contains). */
static void
index_add (AnbuLiveHub *self,
           Client      *client)
{
  switch (client->scope.role)
    {
    case ANBU_USER_ROLE_ADMIN:
      g_ptr_array_add (self->admins, client);
      break;
    case ANBU_USER_ROLE_CONTROL:
      g_ptr_array_add (self->control, client);
      break;
    case ANBU_USER_ROLE_PLANNER:
      index_list_add (self->by_user, client->scope.user_id, client);
      for (guint i = 0; client->scope.dong_codes != NULL && client->scope.dong_codes[i] != NULL; i++)
        index_list_add (self->by_dong, client->scope.dong_codes[i], client);
      break;
    default:
      break;
    }
  client->indexed = TRUE;
}

/* Call before the client's scope changes: it finds the client by it. */
static void
index_remove (AnbuLiveHub *self,
              Client      *client)
{
  if (!client->indexed)
    return;
  switch (client->scope.role)
    {
    case ANBU_USER_ROLE_ADMIN:
      g_ptr_array_remove_fast (self->admins, client);
      break;
    case ANBU_USER_ROLE_CONTROL:
      g_ptr_array_remove_fast (self->control, client);
      break;
    case ANBU_USER_ROLE_PLANNER:
      index_list_remove (self->by_user, client->scope.user_id, client);
      for (guint i = 0; client->scope.dong_codes != NULL && client->scope.dong_codes[i] != NULL; i++)
        index_list_remove (self->by_dong, client->scope.dong_codes[i], client);
      break;
    default:
      break;
    }
  client->indexed = FALSE;
}

/* Sending, bounded per client */

static gboolean
socket_bytes_acked (GSocket *socket,
                    guint64 *acked)
{
  struct tcp_info info = { 0 };
  socklen_t len = sizeof info;

  if (getsockopt (g_socket_get_fd (socket), IPPROTO_TCP, TCP_INFO, &info, &len) != 0
      || len < G_STRUCT_OFFSET (struct tcp_info, tcpi_bytes_acked) + sizeof info.tcpi_bytes_acked)
    return FALSE;
  *acked = info.tcpi_bytes_acked;
  return TRUE;
}

/* Bytes handed to the client's connection that its peer has not
 * acknowledged yet: what waits in libsoup's queue and the kernel's. */
static guint64
client_backlog (Client *client)
{
  guint64 acked, taken;

  if (client->socket == NULL || !socket_bytes_acked (client->socket, &acked))
    return 0;
  taken = acked - client->acked_base;
  return client->queued > taken ? client->queued - taken : 0;
}

static gboolean
close_dropped (gpointer user_data)
{
  SoupWebsocketConnection *connection = user_data;

  if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
                                     "not reading");
  return G_SOURCE_REMOVE;
}

/* A client that does not read would make its queue grow without end: it
 * goes (it pulls from its cursor when it comes back). Closed from an idle
 * callback, as the caller may be walking the client lists. */
static void
drop_client (AnbuLiveHub *self,
             Client      *client,
             guint64      backlog)
{
  g_message ("Dropping the live client of %s: %" G_GUINT64_FORMAT " bytes sent to it are not"
             " taken (limit %" G_GUINT64_FORMAT ")", client->user->username, backlog,
             self->queue_limit);
  client->dropped = TRUE;
  self->dropped++;
  if (self->metrics != NULL)
    anbu_metrics_add_live_dropped (self->metrics);
  index_remove (self, client);
  g_queue_remove (&self->snapshots, client);
  g_idle_add_full (G_PRIORITY_DEFAULT, close_dropped, g_object_ref (client->connection),
                   g_object_unref);
}

/* FALSE when the client is gone or was dropped. */
static gboolean
client_send (Client     *client,
             const char *text)
{
  gsize len;
  guint64 backlog;

  if (client->dropped
      || soup_websocket_connection_get_state (client->connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return FALSE;
  backlog = client_backlog (client);
  if (backlog > client->hub->queue_limit)
    {
      drop_client (client->hub, client, backlog);
      return FALSE;
    }
  len = strlen (text);
  soup_websocket_connection_send_text (client->connection, text);
  /* The frame header the server writes (unmasked). */
  client->queued += len + (len < 126 ? 2 : len < 65536 ? 4 : 10);
  return TRUE;
}

/* The scope key of a household; FALSE when it is not stored. */
static gboolean
lookup_scope_key (AnbuLiveHub           *self,
                  const char            *household_id,
                  AnbuHouseholdScopeKey *key)
{
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;

  if (!anbu_live_store_lookup_scope_key (self->reads, household_id, key, &found, &error))
    g_warning ("%s", error->message);
  return found;
}

static void
add_candidates (GPtrArray *candidates,
                GPtrArray *list)
{
  for (guint i = 0; list != NULL && i < list->len; i++)
    g_ptr_array_add (candidates, g_ptr_array_index (list, i));
}

/* Only the clients filed under the household's key are looked at; each
 * is still checked with the one scope rule. */
static void
send_in_scope (AnbuLiveHub *self,
               const char  *household_id,
               const char  *text)
{
  AnbuHouseholdScopeKey key = { 0 };
  g_autoptr(GPtrArray) candidates = NULL;

  if (self->clients->len == 0 || !lookup_scope_key (self, household_id, &key))
    return;
  candidates = g_ptr_array_new ();
  add_candidates (candidates, self->admins);
  if (g_strcmp0 (key.status, "closed") != 0)
    {
      if (key.night_consent)
        add_candidates (candidates, self->control);
      if (key.assigned_planner != NULL)
        add_candidates (candidates, g_hash_table_lookup (self->by_user, key.assigned_planner));
      else if (key.dong_code != NULL)
        add_candidates (candidates, g_hash_table_lookup (self->by_dong, key.dong_code));
    }
  for (guint i = 0; i < candidates->len; i++)
    {
      Client *client = g_ptr_array_index (candidates, i);

      if (anbu_scope_contains (&client->scope, &key))
        client_send (client, text);
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
  AnbuLiveHub *self = client->hub;

  index_remove (self, client);
  g_queue_remove (&self->snapshots, client);
  g_ptr_array_remove (self->clients, client);
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

/* The snapshot: on connect, the current status of every plug in the
 * client's scope, read per 동 (or in slices for admin and control). */

typedef struct
{
  Client *client;
  gint    rows;   /* -1 once the client went away */
} SnapshotRows;

static gboolean
send_snapshot_row (const AnbuTelemetryPlugStatus *status,
                   gpointer                       user_data)
{
  SnapshotRows *sent = user_data;
  Client *client = sent->client;
  g_autofree char *text = plug_frame (status);

  if (!client_send (client, text))
    {
      sent->rows = -1;
      return FALSE;
    }
  sent->rows++;
  if (client->snapshot_step == SNAPSHOT_ALL)
    {
      g_free (client->snapshot_after);
      client->snapshot_after = g_strdup (status->serial);
    }
  return TRUE;
}

/* Sends the rows read so; returns how many, or -1 when the client went
 * away meanwhile. */
static gint
snapshot_rows_done (SnapshotRows  *sent,
                    gboolean       read,
                    GError        *error)
{
  if (!read)
    g_warning ("Cannot send the plug snapshot: %s", error->message);
  return sent->rows;
}

/* One slice of the client's snapshot; FALSE when it is all sent. */
static gboolean
send_snapshot_slice (AnbuLiveHub *self,
                     Client      *client)
{
  char **dongs = client->scope.dong_codes;
  g_autoptr(GError) error = NULL;
  SnapshotRows sent = { client, 0 };
  gboolean read;
  gint rows;

  switch (client->snapshot_step)
    {
    case SNAPSHOT_ALL:
      read = anbu_live_store_foreach_plug_after (self->reads,
                                                 client->snapshot_after != NULL
                                                 ? client->snapshot_after : "",
                                                 client->scope.role == ANBU_USER_ROLE_ADMIN,
                                                 SNAPSHOT_SLICE_ROWS, send_snapshot_row, &sent,
                                                 &error);
      rows = snapshot_rows_done (&sent, read, error);
      if (rows < SNAPSHOT_SLICE_ROWS)
        client->snapshot_step = SNAPSHOT_DONE;
      break;
    case SNAPSHOT_DONGS:
      if (dongs != NULL && dongs[client->snapshot_dong] != NULL)
        {
          read = anbu_live_store_foreach_plug_in_dong (self->reads, dongs[client->snapshot_dong++],
                                                       send_snapshot_row, &sent, &error);
          rows = snapshot_rows_done (&sent, read, error);
        }
      else
        client->snapshot_step = SNAPSHOT_ASSIGNED;
      break;
    case SNAPSHOT_ASSIGNED:
      read = anbu_live_store_foreach_plug_assigned (self->reads, client->scope.user_id,
                                                    send_snapshot_row, &sent, &error);
      rows = snapshot_rows_done (&sent, read, error);
      client->snapshot_step = SNAPSHOT_DONE;
      break;
    case SNAPSHOT_DONE:
    default:
      break;
    }
  if (client->dropped)
    client->snapshot_step = SNAPSHOT_DONE;
  return client->snapshot_step != SNAPSHOT_DONE;
}

/* Runs when the main loop is idle: one slice for the first client in line
 * whose reader keeps up, so requests and ingest keep their turn. */
static gboolean
on_snapshot_turn (gpointer user_data)
{
  AnbuLiveHub *self = user_data;
  guint waiting = 0, n = self->snapshots.length;

  self->snapshot_source = 0;
  while (waiting < n && !g_queue_is_empty (&self->snapshots))
    {
      Client *client = g_queue_pop_head (&self->snapshots);

      if (client_backlog (client) > SNAPSHOT_WINDOW_BYTES)
        {
          g_queue_push_tail (&self->snapshots, client);
          waiting++;
          continue;
        }
      if (send_snapshot_slice (self, client) && !client->dropped)
        g_queue_push_tail (&self->snapshots, client);
      schedule_snapshots (self, 0);
      return G_SOURCE_REMOVE;
    }
  /* Everyone in line waits for their reader. */
  schedule_snapshots (self, SNAPSHOT_RETRY_MS);
  return G_SOURCE_REMOVE;
}

static void
schedule_snapshots (AnbuLiveHub *self,
                    guint        delay_ms)
{
  if (self->snapshot_source != 0 || g_queue_is_empty (&self->snapshots))
    return;
  if (delay_ms == 0)
    self->snapshot_source = g_idle_add (on_snapshot_turn, self);
  else
    self->snapshot_source = g_timeout_add (delay_ms, on_snapshot_turn, self);
}

static void
start_snapshot (AnbuLiveHub *self,
                Client      *client)
{
  switch (client->scope.role)
    {
    case ANBU_USER_ROLE_ADMIN:
    case ANBU_USER_ROLE_CONTROL:
      client->snapshot_step = SNAPSHOT_ALL;
      break;
    case ANBU_USER_ROLE_PLANNER:
      client->snapshot_step = SNAPSHOT_DONGS;
      break;
    default:
      return;
    }
  g_queue_push_tail (&self->snapshots, client);
  schedule_snapshots (self, 0);
}

/* GObject */

static void
anbu_live_hub_dispose (GObject *object)
{
  AnbuLiveHub *self = ANBU_LIVE_HUB (object);

  g_clear_handle_id (&self->snapshot_source, g_source_remove);
  g_queue_clear (&self->snapshots);
  if (self->by_dong != NULL)
    g_hash_table_remove_all (self->by_dong);
  if (self->by_user != NULL)
    g_hash_table_remove_all (self->by_user);
  if (self->control != NULL)
    g_ptr_array_set_size (self->control, 0);
  if (self->admins != NULL)
    g_ptr_array_set_size (self->admins, 0);
  if (self->clients != NULL)
    g_ptr_array_set_size (self->clients, 0);
  g_clear_object (&self->reads);
  g_clear_object (&self->store);
  g_clear_object (&self->metrics);

  G_OBJECT_CLASS (anbu_live_hub_parent_class)->dispose (object);
}

static void
anbu_live_hub_finalize (GObject *object)
{
  AnbuLiveHub *self = ANBU_LIVE_HUB (object);

  g_clear_pointer (&self->clients, g_ptr_array_unref);
  g_clear_pointer (&self->by_dong, g_hash_table_unref);
  g_clear_pointer (&self->by_user, g_hash_table_unref);
  g_clear_pointer (&self->control, g_ptr_array_unref);
  g_clear_pointer (&self->admins, g_ptr_array_unref);
  g_clear_pointer (&self->plug_pushed, g_hash_table_unref);
  g_clear_pointer (&self->plug_pending, g_hash_table_unref);

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
  self->queue_limit = ANBU_LIVE_HUB_DEFAULT_QUEUE_LIMIT;
  self->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  self->by_dong = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_ptr_array_unref);
  self->by_user = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_ptr_array_unref);
  self->control = g_ptr_array_new ();
  self->admins = g_ptr_array_new ();
  g_queue_init (&self->snapshots);
  self->plug_pushed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->plug_pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) pending_status_free);
}

/* Public API */

AnbuLiveHub *
anbu_live_hub_new (AnbuStore *store,
                   guint      plug_interval)
{
  g_autoptr(AnbuLiveHub) self = g_object_new (ANBU_TYPE_LIVE_HUB, NULL);
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (ANBU_IS_STORE (store), NULL);

  self->store = g_object_ref (store);
  self->plug_interval = plug_interval;
  self->reads = anbu_live_store_new_for_store (store, &error);
  if (self->reads == NULL)
    {
      g_critical ("%s", error->message);
      return NULL;
    }
  self->counter_seen = read_counter (self);
  return g_steal_pointer (&self);
}

void
anbu_live_hub_set_queue_limit (AnbuLiveHub *self,
                               guint64      bytes)
{
  g_return_if_fail (ANBU_IS_LIVE_HUB (self));

  self->queue_limit = bytes > 0 ? bytes : ANBU_LIVE_HUB_DEFAULT_QUEUE_LIMIT;
}

void
anbu_live_hub_set_metrics (AnbuLiveHub *self,
                           AnbuMetrics *metrics)
{
  g_return_if_fail (ANBU_IS_LIVE_HUB (self));

  g_set_object (&self->metrics, metrics);
}

guint64
anbu_live_hub_get_n_dropped (AnbuLiveHub *self)
{
  g_return_val_if_fail (ANBU_IS_LIVE_HUB (self), 0);
  return self->dropped;
}

void
anbu_live_hub_add (AnbuLiveHub             *self,
                   SoupWebsocketConnection *connection,
                   GSocket                 *socket,
                   const AnbuStoreUser     *user)
{
  Client *client;

  g_return_if_fail (ANBU_IS_LIVE_HUB (self));
  g_return_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection));
  g_return_if_fail (socket == NULL || G_IS_SOCKET (socket));

  client = g_new0 (Client, 1);
  client->hub = self;
  client->connection = g_object_ref (connection);
  client->user = anbu_store_user_copy (user);
  client->scope.role = client->user->role;
  client->scope.dong_codes = client->user->dong_codes;
  client->scope.user_id = client->user->id;
  client->told_seq = read_counter (self);
  /* Counted from here on: the handshake's bytes are not frames. */
  if (socket != NULL && socket_bytes_acked (socket, &client->acked_base))
    client->socket = g_object_ref (socket);
  /* Pings keep idle connections through proxies and notice dead peers. */
  soup_websocket_connection_set_keepalive_interval (connection, 30);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), client);
  g_ptr_array_add (self->clients, client);
  index_add (self, client);
  start_snapshot (self, client);
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
      copy->left_household_id = NULL;  /* detection's, not the clients' */
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
      AnbuStoreUser *user;

      if (client->dropped)
        continue;
      user = anbu_store_find_user (self->store, NULL, client->user->id, &error);
      if (user == NULL)
        {
          g_warning ("Cannot read a live client's user again: %s", error->message);
          continue;
        }
      /* Filed again under the new 동 codes; a snapshot under way goes on
       * with them. */
      index_remove (self, client);
      anbu_store_user_free (client->user);
      client->user = user;
      client->scope.role = user->role;
      client->scope.dong_codes = user->dong_codes;
      client->scope.user_id = user->id;
      if (client->snapshot_step == SNAPSHOT_DONGS
          && client->snapshot_dong > g_strv_length (user->dong_codes))
        client->snapshot_dong = g_strv_length (user->dong_codes);
      index_add (self, client);
    }
}

void
anbu_live_hub_notify_changes (AnbuLiveHub *self)
{
  g_autoptr(GHashTable) answered = NULL;
  gint64 counter;

  g_return_if_fail (ANBU_IS_LIVE_HUB (self));

  counter = read_counter (self);
  if (counter == self->counter_seen)
    return;
  self->counter_seen = counter;
  /* Clients of one user since one cursor get one answer: ask once. */
  answered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < self->clients->len; i++)
    {
      Client *client = g_ptr_array_index (self->clients, i);
      g_autofree char *asked = NULL;
      g_autoptr(GPtrArray) changes = NULL;
      g_autoptr(GError) error = NULL;
      gboolean has_more = FALSE, changed;
      gpointer known;
      gint64 next = 0;

      if (client->told_seq >= counter || client->dropped)
        continue;
      asked = g_strdup_printf ("%s/%" G_GINT64_FORMAT, client->user->id, client->told_seq);
      if (g_hash_table_lookup_extended (answered, asked, NULL, &known))
        changed = GPOINTER_TO_INT (known);
      else
        {
          changes = anbu_store_changes (self->store, &client->scope, client->told_seq, 1, &has_more,
                                        &next, &error);
          if (changes == NULL)
            {
              g_warning ("Cannot check changes for a live client: %s", error->message);
              continue;
            }
          changed = changes->len > 0;
          g_hash_table_insert (answered, g_steal_pointer (&asked), GINT_TO_POINTER (changed));
        }
      client->told_seq = counter;
      if (changed)
        {
          g_autofree char *text = g_strdup_printf ("{\"type\":\"change\",\"cursor\":\"c%" G_GINT64_FORMAT "\"}",
                                                   counter);

          client_send (client, text);
        }
    }
}
