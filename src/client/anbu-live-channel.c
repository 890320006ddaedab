/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-live"

#include "config.h"

#include <string.h>

#include "anbu-live-channel.h"
#include "anbu-live-channel-private.h"
#include "anbu-record-json.h"

/* GET /api/v1/live as a WebSocket (docs/api.md "Live"). It reconnects with
 * exponential backoff whenever the connection drops, and says "connected"
 * after every (re)connect so the sync engine pulls what was pushed while
 * the channel was away. */

#define DEFAULT_RETRY_INITIAL_MS 1000
#define DEFAULT_RETRY_MAX_MS (2 * 60 * 1000)
/* Heartbeat: a ping every second, answered by the server's pong (libsoup
 * answers pings by itself). A server silent for HEARTBEAT_SILENCE_MS is
 * gone even when no socket error says so (frozen, cable pulled, a proxy
 * holding the connection): the planner sees offline within 5 s. */
#define HEARTBEAT_PING_SECONDS 1
#define HEARTBEAT_SILENCE_MS 3500
#define HEARTBEAT_CHECK_MS 250

struct _AnbuLiveChannel
{
  GObject                  parent_instance;
  AnbuApiClient           *api;
  SoupWebsocketConnection *connection;
  GCancellable            *cancellable;
  gboolean                 running;
  gboolean                 connected;
  guint                    retry_initial_ms;
  guint                    retry_max_ms;
  guint                    retry_attempt;
  guint                    retry_source;
  guint                    heartbeat_source;
  gint64                   last_heard;    /* monotonic µs of the last frame or pong */
  gint64                   last_check;    /* monotonic µs of the last heartbeat check */
};

G_DEFINE_TYPE (AnbuLiveChannel, anbu_live_channel, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNECTED,
  N_PROPS
};

enum {
  CONNECTED,
  PLUG_UPDATED,
  ALERT_UPDATED,
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void connect_now (AnbuLiveChannel *self);

static void
set_connected (AnbuLiveChannel *self,
               gboolean         connected)
{
  if (self->connected == connected)
    return;
  self->connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

static gboolean
on_retry_timeout (gpointer data)
{
  AnbuLiveChannel *self = data;

  self->retry_source = 0;
  connect_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (AnbuLiveChannel *self)
{
  guint64 delay = self->retry_initial_ms;

  if (!self->running)
    return;
  for (guint i = 0; i < self->retry_attempt && delay < self->retry_max_ms; i++)
    delay *= 2;
  delay = MIN (delay, self->retry_max_ms);
  delay = delay - (guint64) g_random_int_range (0, (gint32) (delay / 5 + 1));
  self->retry_attempt++;
  g_clear_handle_id (&self->retry_source, g_source_remove);
  self->retry_source = g_timeout_add ((guint) delay, on_retry_timeout, self);
}

static void
drop_connection (AnbuLiveChannel *self)
{
  g_clear_handle_id (&self->heartbeat_source, g_source_remove);
  if (self->connection == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->connection, self);
  if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&self->connection);
  set_connected (self, FALSE);
}

/* A member that is a JSON string, or NULL: a frame's fields may be of any
 * type, and asking json-glib for a string out of an object is a critical. */
static const char *
string_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

AnbuLiveFrameKind
anbu_live_channel_parse_frame (const char   *data,
                               gsize         length,
                               JsonNode    **root,
                               JsonObject  **record,
                               const char  **cursor)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  JsonNode *record_node;
  const char *kind;
  AnbuLiveFrameKind frame = ANBU_LIVE_FRAME_IGNORED;

  *root = NULL;
  *record = NULL;
  *cursor = NULL;
  /* The core's parser, not json-glib's directly: it refuses what json-glib
   * would leak (a frame of two values). */
  if (length > G_MAXSSIZE
      || (object = anbu_json_parse_object (data, (gssize) length, NULL)) == NULL)
    return ANBU_LIVE_FRAME_IGNORED;
  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  kind = string_member (object, "type");
  record_node = json_object_get_member (object, "record");

  if (g_strcmp0 (kind, "plug") == 0 && record_node != NULL && JSON_NODE_HOLDS_OBJECT (record_node))
    frame = ANBU_LIVE_FRAME_PLUG;
  else if (g_strcmp0 (kind, "alert") == 0 && record_node != NULL
           && JSON_NODE_HOLDS_OBJECT (record_node))
    frame = ANBU_LIVE_FRAME_ALERT;
  else if (g_strcmp0 (kind, "change") == 0)
    frame = ANBU_LIVE_FRAME_CHANGE;
  else
    {
      g_debug ("Ignoring a live frame of type %s", kind ? kind : "(none)");
      return ANBU_LIVE_FRAME_IGNORED;
    }

  if (frame == ANBU_LIVE_FRAME_CHANGE)
    *cursor = string_member (object, "cursor");
  else
    *record = json_node_get_object (record_node);
  *root = g_steal_pointer (&node);
  return frame;
}

static void
on_pong (SoupWebsocketConnection *connection,
         GBytes                  *message,
         gpointer                 user_data)
{
  AnbuLiveChannel *self = user_data;

  self->last_heard = g_get_monotonic_time ();
}

static gboolean
on_heartbeat_check (gpointer data)
{
  AnbuLiveChannel *self = data;
  gint64 now = g_get_monotonic_time ();

  /* Our own main loop was held up (a long step, a suspend): the pongs may be
   * waiting unread, so the silence counts from now. */
  if (now - self->last_check > (gint64) HEARTBEAT_SILENCE_MS * 1000 / 2)
    self->last_heard = MAX (self->last_heard, now);
  self->last_check = now;
  if (now - self->last_heard < (gint64) HEARTBEAT_SILENCE_MS * 1000)
    return G_SOURCE_CONTINUE;
  g_debug ("Live channel: the server stopped answering");
  self->heartbeat_source = 0;
  drop_connection (self);
  schedule_reconnect (self);
  return G_SOURCE_REMOVE;
}

static void
on_message (SoupWebsocketConnection *connection,
            gint                     type,
            GBytes                  *message,
            gpointer                 user_data)
{
  AnbuLiveChannel *self = user_data;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *record;
  const char *cursor;
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);

  self->last_heard = g_get_monotonic_time ();

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      g_debug ("Ignoring a live frame that is not text");
      return;
    }
  switch (anbu_live_channel_parse_frame (data, len, &root, &record, &cursor))
    {
    case ANBU_LIVE_FRAME_PLUG:
      g_signal_emit (self, signals[PLUG_UPDATED], 0, record);
      break;
    case ANBU_LIVE_FRAME_ALERT:
      g_signal_emit (self, signals[ALERT_UPDATED], 0, record);
      break;
    case ANBU_LIVE_FRAME_CHANGE:
      g_signal_emit (self, signals[CHANGED], 0, cursor);
      break;
    case ANBU_LIVE_FRAME_IGNORED:
    default:
      break;
    }
}

static void
on_closed (SoupWebsocketConnection *connection,
           gpointer                 user_data)
{
  AnbuLiveChannel *self = user_data;

  g_debug ("Live channel closed (code %u)", soup_websocket_connection_get_close_code (connection));
  drop_connection (self);
  schedule_reconnect (self);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(AnbuLiveChannel) self = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *connection;

  connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (connection == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("Live channel cannot connect: %s", error->message);
          schedule_reconnect (self);
        }
      return;
    }
  if (!self->running)
    {
      soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_object_unref (connection);
      return;
    }

  self->connection = connection;
  self->retry_attempt = 0;
  soup_websocket_connection_set_keepalive_interval (connection, HEARTBEAT_PING_SECONDS);
  g_signal_connect (connection, "message", G_CALLBACK (on_message), self);
  g_signal_connect (connection, "pong", G_CALLBACK (on_pong), self);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), self);
  self->last_heard = self->last_check = g_get_monotonic_time ();
  self->heartbeat_source = g_timeout_add (HEARTBEAT_CHECK_MS, on_heartbeat_check, self);
  set_connected (self, TRUE);
  g_signal_emit (self, signals[CONNECTED], 0);
}

static void
connect_now (AnbuLiveChannel *self)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *url = NULL;
  const char *base = anbu_api_client_get_base_url (self->api);

  if (!self->running || self->connection != NULL)
    return;

  /* The same server, as ws:// or wss://; the message carries the token and
   * the certificate policy of every other request. */
  if (g_str_has_prefix (base, "https://"))
    url = g_strconcat ("wss://", base + strlen ("https://"), "/api/v1/live", NULL);
  else
    url = g_strconcat ("ws://", base + strlen ("http://"), "/api/v1/live", NULL);
  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  message = anbu_api_client_new_message (self->api, "GET", "/api/v1/live");
  if (message == NULL || uri == NULL)
    return;
  soup_message_set_uri (message, uri);
  soup_session_websocket_connect_async (anbu_api_client_get_soup_session (self->api), message,
                                        NULL, NULL, G_PRIORITY_DEFAULT, self->cancellable,
                                        on_connected, g_object_ref (self));
}

static void
anbu_live_channel_dispose (GObject *object)
{
  AnbuLiveChannel *self = ANBU_LIVE_CHANNEL (object);

  self->running = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  drop_connection (self);

  G_OBJECT_CLASS (anbu_live_channel_parent_class)->dispose (object);
}

static void
anbu_live_channel_finalize (GObject *object)
{
  AnbuLiveChannel *self = ANBU_LIVE_CHANNEL (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (anbu_live_channel_parent_class)->finalize (object);
}

static void
anbu_live_channel_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AnbuLiveChannel *self = ANBU_LIVE_CHANNEL (object);

  switch (prop_id)
    {
    case PROP_CONNECTED:
      g_value_set_boolean (value, self->connected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_live_channel_class_init (AnbuLiveChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = anbu_live_channel_dispose;
  object_class->finalize = anbu_live_channel_finalize;
  object_class->get_property = anbu_live_channel_get_property;

  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AnbuLiveChannel::connected:
   *
   * The channel (re)connected: pull from the cursor now.
   */
  signals[CONNECTED] = g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * AnbuLiveChannel::plug-updated:
   * @record: the plug record (serial, household_id, last_seen_at, last_watts, …)
   */
  signals[PLUG_UPDATED] = g_signal_new ("plug-updated", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, JSON_TYPE_OBJECT);
  /**
   * AnbuLiveChannel::alert-updated:
   * @record: the alert record
   */
  signals[ALERT_UPDATED] = g_signal_new ("alert-updated", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, JSON_TYPE_OBJECT);
  /**
   * AnbuLiveChannel::changed:
   * @cursor: (nullable): the server's cursor after the change
   *
   * Records changed on the server: pull to catch up.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
anbu_live_channel_init (AnbuLiveChannel *self)
{
  self->retry_initial_ms = DEFAULT_RETRY_INITIAL_MS;
  self->retry_max_ms = DEFAULT_RETRY_MAX_MS;
}

AnbuLiveChannel *
anbu_live_channel_new (AnbuApiClient *api)
{
  AnbuLiveChannel *self;

  g_return_val_if_fail (ANBU_IS_API_CLIENT (api), NULL);

  self = g_object_new (ANBU_TYPE_LIVE_CHANNEL, NULL);
  self->api = g_object_ref (api);
  return self;
}

/**
 * anbu_live_channel_start:
 *
 * Connects, and keeps reconnecting until anbu_live_channel_stop().
 */
void
anbu_live_channel_start (AnbuLiveChannel *self)
{
  g_return_if_fail (ANBU_IS_LIVE_CHANNEL (self));

  if (self->running)
    return;
  self->running = TRUE;
  self->retry_attempt = 0;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  connect_now (self);
}

void
anbu_live_channel_stop (AnbuLiveChannel *self)
{
  g_return_if_fail (ANBU_IS_LIVE_CHANNEL (self));

  self->running = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  drop_connection (self);
}

gboolean
anbu_live_channel_get_connected (AnbuLiveChannel *self)
{
  g_return_val_if_fail (ANBU_IS_LIVE_CHANNEL (self), FALSE);
  return self->connected;
}

void
anbu_live_channel_set_retry_limits (AnbuLiveChannel *self,
                                    guint            initial_ms,
                                    guint            max_ms)
{
  g_return_if_fail (ANBU_IS_LIVE_CHANNEL (self));
  g_return_if_fail (initial_ms > 0 && max_ms >= initial_ms);

  self->retry_initial_ms = initial_ms;
  self->retry_max_ms = max_ms;
}
