/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-http"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "anbu-clock.h"
#include "anbu-api-error.h"
#include "anbu-auth.h"
#include "anbu-forwarded.h"
#include "anbu-http-server.h"
#include "anbu-json-body.h"
#include "anbu-password-pool.h"
#include "anbu-router.h"
#include "anbu-session-routes.h"
#include "anbu-sync-routes.h"

#define LISTEN_BACKLOG 1024

struct _AnbuHttpServer
{
  GObject       parent_instance;

  AnbuStore    *store;
  AnbuMetrics  *metrics;
  AnbuRouter   *router;
  GHashTable   *guarded;   /* path prefixes with their own early handler */
  AnbuSessionRoutes *session_routes;
  AnbuThrottleLedger *throttle_ledger;   /* NULL: this process's memory */
  AnbuSyncRoutes    *sync_routes;
  AnbuPasswordPool  *passwords;   /* Argon2id, a few at a time, off the main loop */
  SoupServer   *soup;
  gint64        token_lifetime;
  gsize         max_body;
  GHashTable   *in_flight;   /* messages read and not yet fully answered */
  guint         request_timeout;   /* seconds a request may take to arrive, or stall */
  guint         max_connections_per_address;   /* 0: no cap */
  GPtrArray    *trusted_proxies;   /* GInetAddress: peers whose X-Forwarded-For counts */
  GHashTable   *connections;       /* client address → GPtrArray of its open GSockets */
  guint         max_connections;   /* server-wide, 0: no cap */
  GPtrArray    *open_connections;  /* every admitted GSocket not yet seen closed */
  gint64        server_cap_logged_at;   /* monotonic µs */
  GThreadPool  *refused_pool;      /* refused connections: answer, drop the rest, close */
  GCancellable *refused_cancellable;
  guint         sweep_id;          /* forgets closed connections now and then */
};

G_DEFINE_FINAL_TYPE (AnbuHttpServer, anbu_http_server, G_TYPE_OBJECT)

/* Who is asking, for the access log. */
typedef struct
{
  AnbuStoreUser *user;
  AnbuScope      scope;
} Caller;

static void
caller_clear (Caller *caller)
{
  g_clear_pointer (&caller->user, anbu_store_user_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Caller, caller_clear)

/* Sessions and sign-in throttling follow the process's clock: on a manual
 * clock (tests) token lifetimes do not depend on how loaded the machine is. */
static gint64
now_seconds (AnbuHttpServer *self)
{
  return anbu_clock_now_seconds ();
}

static void
respond_text (SoupServerMessage *msg,
              guint              status,
              const char        *content_type,
              char              *body)
{
  gsize length = body != NULL ? strlen (body) : 0;

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE, body, length);
}

static gboolean
authenticate (AnbuHttpServer     *self,
              SoupServerMessage  *msg,
              Caller             *caller,
              GError            **error)
{
  const char *token = anbu_auth_bearer_token (msg);
  g_autofree char *hash = NULL;
  g_autoptr(GError) local_error = NULL;

  if (token == NULL)
    {
      anbu_api_set_error (error, ANBU_API_ERROR_UNAUTHORIZED, NULL,
                          _("Sign in first: this route needs a bearer token"));
      return FALSE;
    }
  hash = anbu_token_hash (token);
  caller->user = anbu_store_find_session_user (self->store, hash, now_seconds (self), &local_error);
  if (caller->user == NULL)
    {
      if (g_error_matches (local_error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND))
        anbu_api_set_error (error, ANBU_API_ERROR_UNAUTHORIZED, NULL,
                            _("The session has expired or was signed out; sign in again"));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  caller->scope.role = caller->user->role;
  caller->scope.dong_codes = caller->user->dong_codes;
  caller->scope.user_id = caller->user->id;
  return TRUE;
}

void
anbu_http_access_entry_init (AnbuAccessEntry     *entry,
                             SoupServerMessage   *msg,
                             const AnbuStoreUser *user,
                             const char          *route,
                             AnbuAccessAction     action)
{
  memset (entry, 0, sizeof *entry);
  entry->user_id = user->id;
  entry->username = user->username;
  entry->address = (char *) anbu_http_client_address (msg);
  entry->method = (char *) soup_server_message_get_method (msg);
  entry->route = (char *) route;
  entry->action = action;
}

/* Routes */

static void
handle_healthz (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  anbu_json_respond (msg, 200, g_strdup ("{\"status\":\"ok\"}"));
}

static void
handle_metrics (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  AnbuHttpServer *self = user_data;
  respond_text (msg, 200, "text/plain; version=0.0.4; charset=utf-8",
                anbu_metrics_render (self->metrics));
}

static const struct
{
  const char         *method;
  const char         *pattern;
  AnbuRouteAccess     access;
  SoupServerCallback  handler;
} own_routes[] = {
  { "GET", "/healthz", ANBU_ROUTE_OPEN, handle_healthz },
  { "GET", "/metrics", ANBU_ROUTE_OPEN, handle_metrics },
};

/* Callbacks */

#define CLIENT_ADDRESS_KEY "anbu-client-address"

static gboolean
is_trusted_proxy (AnbuHttpServer *self,
                  GInetAddress   *address)
{
  for (guint i = 0; self->trusted_proxies != NULL && i < self->trusted_proxies->len; i++)
    if (g_inet_address_equal (self->trusted_proxies->pdata[i], address))
      return TRUE;
  return FALSE;
}

static GInetAddress *
peer_address (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  return G_IS_INET_SOCKET_ADDRESS (remote)
         ? g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)) : NULL;
}

static gboolean
is_trusted_hop (GInetAddress *address,
                gpointer      user_data)
{
  return is_trusted_proxy (user_data, address);
}

/* Behind a reverse proxy every request comes from the proxy: the client is
 * the last address of Forwarded (RFC 7239, when present) or else of
 * X-Forwarded-For that is not a trusted proxy (each proxy appends the
 * address it was reached from). Only a trusted proxy's headers count, and
 * an entry that names no IP address ends the walk (anbu-forwarded.h):
 * anyone else could name any address and so escape throttling. */
static void
note_client_address (AnbuHttpServer    *self,
                     SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  GInetAddress *peer = peer_address (msg);
  char *client;

  if (peer == NULL || !is_trusted_proxy (self, peer))
    return;
  client = anbu_forwarded_client_address (soup_message_headers_get_list (headers, "Forwarded"),
                                          soup_message_headers_get_list (headers, "X-Forwarded-For"),
                                          is_trusted_hop, self);
  if (client != NULL)
    g_object_set_data_full (G_OBJECT (msg), CLIENT_ADDRESS_KEY, client, g_free);
}

const char *
anbu_http_client_address (SoupServerMessage *msg)
{
  const char *client = g_object_get_data (G_OBJECT (msg), CLIENT_ADDRESS_KEY);

  if (client == NULL)
    client = soup_server_message_get_remote_host (msg);
  return client != NULL ? client : "";
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  AnbuHttpServer *self = user_data;

  note_client_address (self, msg);
  anbu_router_dispatch (self->router, server, msg, path, query);
}

/* Slow requests: the headers must arrive within the request timeout of
 * the request's start, and a body may not stall (no byte) for longer.
 * Otherwise the connection is closed, so a slow or stalled client cannot
 * hold it (and what it sent) for ever. */
#define REQUEST_TIMER_KEY "anbu-request-timer"

typedef struct
{
  SoupServerMessage *msg;   /* not a reference: the timer dies with it */
  guint              source_id;
} RequestTimer;

static void
request_timer_free (RequestTimer *timer)
{
  g_clear_handle_id (&timer->source_id, g_source_remove);
  g_free (timer);
}

static gboolean
on_request_timeout (gpointer user_data)
{
  RequestTimer *timer = user_data;
  GSocket *socket = soup_server_message_get_socket (timer->msg);

  timer->source_id = 0;
  g_message ("Closing a connection from %s: its request arrived too slowly",
             soup_server_message_get_remote_host (timer->msg));
  if (socket != NULL)
    g_socket_close (socket, NULL);
  return G_SOURCE_REMOVE;
}

/* (Re)starts the timer of `msg`; a timeout of 0 disables it. */
static void
restart_request_timer (AnbuHttpServer    *self,
                       SoupServerMessage *msg)
{
  RequestTimer *timer = g_object_get_data (G_OBJECT (msg), REQUEST_TIMER_KEY);

  if (self->request_timeout == 0)
    return;
  if (timer == NULL)
    {
      timer = g_new0 (RequestTimer, 1);
      timer->msg = msg;
      g_object_set_data_full (G_OBJECT (msg), REQUEST_TIMER_KEY, timer,
                              (GDestroyNotify) request_timer_free);
    }
  g_clear_handle_id (&timer->source_id, g_source_remove);
  timer->source_id = g_timeout_add_seconds (self->request_timeout, on_request_timeout, timer);
}

/* A keep-alive connection waiting for its next request is closed after
 * the same time; the timer lives on the socket (the next message does not
 * exist until its first byte arrives). */
#define IDLE_TIMER_KEY "anbu-idle-timer"

static gboolean
on_idle_timeout (gpointer user_data)
{
  GSocket *socket = user_data;

  g_object_steal_data (G_OBJECT (socket), IDLE_TIMER_KEY);
  g_socket_close (socket, NULL);
  return G_SOURCE_REMOVE;
}

static void
idle_timer_free (gpointer source_id)
{
  g_source_remove (GPOINTER_TO_UINT (source_id));
}

/* Connections per client address: one address holding many connections
 * (slow ones above all) must not use up the server's descriptors and
 * leave nothing for others. A new connection over the cap is closed at
 * once, before anything of it is read. libsoup 3.2 has no signal for a
 * closed connection, but it closes the socket when it drops one (and a
 * WebSocket when it ends): an address's list forgets closed sockets when
 * it is next looked at, and a periodic sweep forgets idle addresses. */
#define CONNECTION_COUNTED_KEY "anbu-connection-counted"
#define CONNECTION_SWEEP_SECONDS 60

#define BETWEEN_REQUESTS_KEY "anbu-between-requests"

/* libsoup 3.2 does not notice a client closing a keep-alive connection
 * between requests (it stays in CLOSE_WAIT until the idle timer): such a
 * connection, answered and now at end of file, is closed here. One that
 * is waiting for its (first or next) request's bytes is left alone. */
static gboolean
peer_left (GSocket *socket)
{
  char byte;

  if (g_object_get_data (G_OBJECT (socket), BETWEEN_REQUESTS_KEY) == NULL)
    return FALSE;
  /* Never blocks, never takes a byte: a request's bytes stay for libsoup. */
  if (recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0)
    {
      g_socket_close (socket, NULL);
      return TRUE;
    }
  return FALSE;
}

static guint
prune_closed_connections (GPtrArray *sockets)
{
  for (guint i = sockets->len; i > 0; i--)
    {
      GSocket *socket = g_ptr_array_index (sockets, i - 1);

      if (g_socket_is_closed (socket) || peer_left (socket))
        g_ptr_array_remove_index_fast (sockets, i - 1);
    }
  return sockets->len;
}

static gboolean
on_connection_sweep (gpointer user_data)
{
  AnbuHttpServer *self = user_data;
  GHashTableIter iter;
  gpointer sockets;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, &sockets))
    if (prune_closed_connections (sockets) == 0)
      g_hash_table_iter_remove (&iter);
  prune_closed_connections (self->open_connections);
  return G_SOURCE_CONTINUE;
}

/* TRUE while the server as a whole may take one more connection: many
 * addresses each below their cap must not, together, use up the
 * descriptors the server needs for its database, its log and the
 * connections it already serves. */
static gboolean
admit_connection_server_wide (AnbuHttpServer *self)
{
  if (self->max_connections == 0)
    return TRUE;
  if (self->open_connections->len >= self->max_connections
      && prune_closed_connections (self->open_connections) >= self->max_connections)
    {
      gint64 now = g_get_monotonic_time ();

      /* Said at most once a minute: the log is no target either. */
      if (now - self->server_cap_logged_at >= 60 * G_USEC_PER_SEC)
        {
          self->server_cap_logged_at = now;
          g_message ("Closing new connections: the server holds %u, its cap (--max-connections)",
                     self->open_connections->len);
        }
      return FALSE;
    }
  return TRUE;
}

/* TRUE when the connection of `msg` (new: its first request) may stay. */
static gboolean
admit_connection (AnbuHttpServer    *self,
                  SoupServerMessage *msg,
                  GSocket           *socket)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  g_autofree char *address = NULL;
  GPtrArray *sockets;

  if (!admit_connection_server_wide (self))
    return FALSE;
  /* A proxy carries many clients' connections: it enforces its own caps. */
  if (self->max_connections_per_address == 0 || !G_IS_INET_SOCKET_ADDRESS (remote)
      || is_trusted_proxy (self, g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote))))
    {
      if (self->max_connections > 0)
        g_ptr_array_add (self->open_connections, g_object_ref (socket));
      return TRUE;
    }
  address = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  sockets = g_hash_table_lookup (self->connections, address);
  if (sockets == NULL)
    {
      sockets = g_ptr_array_new_with_free_func (g_object_unref);
      g_hash_table_insert (self->connections, g_strdup (address), sockets);
    }
  if (sockets->len >= self->max_connections_per_address
      && prune_closed_connections (sockets) >= self->max_connections_per_address)
    {
      /* Said once per burst, not per connection: the log is no target. */
      if (g_object_get_data (G_OBJECT (sockets->pdata[0]), "anbu-cap-logged") == NULL)
        {
          g_object_set_data (G_OBJECT (sockets->pdata[0]), "anbu-cap-logged", GINT_TO_POINTER (1));
          g_message ("Closing new connections from %s: it holds %u already",
                     address, sockets->len);
        }
      return FALSE;
    }
  g_ptr_array_add (sockets, g_object_ref (socket));
  if (self->max_connections > 0)
    g_ptr_array_add (self->open_connections, g_object_ref (socket));
  return TRUE;
}

static void
on_request_started (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  AnbuHttpServer *self = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL)
    {
      g_object_set_data (G_OBJECT (socket), IDLE_TIMER_KEY, NULL);
      g_object_set_data (G_OBJECT (socket), BETWEEN_REQUESTS_KEY, NULL);
      /* libsoup starts a connection's first message as it accepts it. */
      if (g_object_get_data (G_OBJECT (socket), CONNECTION_COUNTED_KEY) == NULL)
        {
          g_object_set_data (G_OBJECT (socket), CONNECTION_COUNTED_KEY, GINT_TO_POINTER (1));
          if (!admit_connection (self, msg, socket))
            {
              g_socket_close (socket, NULL);
              return;
            }
        }
    }
  restart_request_timer (self, msg);
}

static void
start_idle_timer (AnbuHttpServer    *self,
                  SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  guint id;

  /* A WebSocket took the connection over: it lives by its keep-alive. */
  if (self->request_timeout == 0 || socket == NULL
      || soup_server_message_get_status (msg) == SOUP_STATUS_SWITCHING_PROTOCOLS
      || g_socket_is_closed (socket))
    return;
  id = g_timeout_add_seconds (self->request_timeout, on_idle_timeout, socket);
  g_object_set_data_full (G_OBJECT (socket), IDLE_TIMER_KEY, GUINT_TO_POINTER (id), idle_timer_free);
}

/* A refused request's connection, taken from libsoup: libsoup 3.2 reads
 * a request's whole body before it writes the answer, on the main loop,
 * so 64 MiB sent to be refused would keep the loop reading for as long
 * as the client keeps sending. Instead the answer is written and the
 * rest of the body dropped on a small pool of low-priority threads, with
 * a bound on bytes and time; then the connection is closed. */
#define REFUSED_THREADS 4
#define REFUSED_QUEUE 64                              /* more are closed unanswered */
#define REFUSED_DRAIN_BYTES (128 * 1024 * 1024)        /* dropped at most, then closed */
#define REFUSED_DRAIN_SECONDS 10                       /* in all */
#define REFUSED_STALL_SECONDS 5                        /* without a byte */

typedef struct
{
  GIOStream    *stream;
  GSocket      *socket;
  GBytes       *answer;    /* what is left to write of the response */
  gboolean      tls;
  GCancellable *cancellable;
} RefusedConnection;

static void
refused_connection_free (RefusedConnection *refused)
{
  g_clear_object (&refused->stream);
  g_clear_object (&refused->socket);
  g_clear_pointer (&refused->answer, g_bytes_unref);
  g_clear_object (&refused->cancellable);
  g_free (refused);
}

static void
refused_worker (gpointer data,
                gpointer user_data)
{
  RefusedConnection *refused = data;
  GInputStream *input = g_io_stream_get_input_stream (refused->stream);
  GOutputStream *output = g_io_stream_get_output_stream (refused->stream);
  gint64 deadline = g_get_monotonic_time () + REFUSED_DRAIN_SECONDS * G_USEC_PER_SEC;
  gsize answer_length;
  const void *answer = g_bytes_get_data (refused->answer, &answer_length);
  guint64 dropped = 0;
  char buffer[64 * 1024];   /* dropped bytes land here */

  /* Dropping bytes is nobody's hurry: requests on the main loop come first. */
  setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 19);
  g_socket_set_timeout (refused->socket, REFUSED_STALL_SECONDS);
  if (answer_length == 0
      || (g_output_stream_write_all (output, answer, answer_length, NULL, refused->cancellable, NULL)
          && g_output_stream_flush (output, refused->cancellable, NULL)))
    {
      /* A plain connection ends its side now: the client sees the whole
       * answer even if it reads only after sending its body. */
      if (!refused->tls)
        g_socket_shutdown (refused->socket, FALSE, TRUE, NULL);
      while (dropped < REFUSED_DRAIN_BYTES && g_get_monotonic_time () < deadline)
        {
          gssize n = g_input_stream_read (input, buffer, sizeof buffer, refused->cancellable, NULL);

          if (n <= 0)
            break;
          dropped += (guint64) n;
        }
    }
  g_socket_close (refused->socket, NULL);
  refused_connection_free (refused);
}

/* The response of `msg` as HTTP/1.1 bytes, with Connection: close. */
static GBytes *
serialize_response (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  GString *text = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  gsize length;
  const char *data = g_bytes_get_data (body, &length);

  soup_message_headers_replace (headers, "Connection", "close");
  soup_message_headers_set_content_length (headers, (goffset) length);
  g_string_append_printf (text, "HTTP/1.1 %u %s\r\n", soup_server_message_get_status (msg),
                          soup_server_message_get_reason_phrase (msg));
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_string_append_printf (text, "%s: %s\r\n", name, value);
  g_string_append (text, "\r\n");
  g_string_append_len (text, data, (gssize) length);
  return g_string_free_to_bytes (text);
}

/* Answers before the body is read (or while it is), closing the
 * connection afterwards: what is still sent is dropped off the main loop
 * (above), never kept, so a refused body costs no memory and no time of
 * the loop that answers everyone else. */
static void
refuse_early (AnbuHttpServer    *self,
              SoupServerMessage *msg,
              const char        *path,
              const GError      *error)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  GSocket *socket = soup_server_message_get_socket (msg);
  RefusedConnection *refused;

  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_truncate (body);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  anbu_json_respond_error (msg, error);
  anbu_metrics_observe_request (self->metrics, anbu_router_label_for (self->router, path),
                                soup_server_message_get_status (msg), 0.0);
  if (socket == NULL || self->refused_pool == NULL)
    return;   /* libsoup reads and drops the rest, then answers */

  refused = g_new0 (RefusedConnection, 1);
  refused->socket = g_object_ref (socket);
  refused->answer = serialize_response (msg);
  refused->cancellable = g_object_ref (self->refused_cancellable);
  /* The request's timer must not close the socket a worker now uses. */
  g_object_set_data (G_OBJECT (msg), REQUEST_TIMER_KEY, NULL);
  refused->tls = soup_server_is_https (self->soup);
  refused->stream = soup_server_message_steal_connection (msg);
  if (refused->stream == NULL)
    {
      refused_connection_free (refused);
      return;
    }
  /* The answer (a few hundred bytes) goes out now, while the send buffer
   * is empty: a client waiting for a worker to take its connection
   * already has it, and can stop sending. */
  {
    GOutputStream *output = g_io_stream_get_output_stream (refused->stream);
    gsize length;
    const char *data = g_bytes_get_data (refused->answer, &length);
    gssize written;

    if (G_IS_POLLABLE_OUTPUT_STREAM (output)
        && g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (output))
        && (written = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (output),
                                                                  data, length, NULL, NULL)) > 0)
      {
        GBytes *rest = g_bytes_new_from_bytes (refused->answer, (gsize) written, length - (gsize) written);

        g_bytes_unref (refused->answer);
        refused->answer = rest;
      }
  }
  if (g_thread_pool_unprocessed (self->refused_pool) >= REFUSED_QUEUE)
    {
      g_socket_close (refused->socket, NULL);
      refused_connection_free (refused);
      return;
    }
  g_thread_pool_push (self->refused_pool, refused, NULL);
}

static void
refuse_too_large (AnbuHttpServer    *self,
                  SoupServerMessage *msg,
                  const char        *path)
{
  g_autoptr(GError) error = NULL;

  anbu_api_set_error (&error, ANBU_API_ERROR_TOO_LARGE, NULL, _("The request body is too large"));
  refuse_early (self, msg, path, error);
}

typedef struct
{
  AnbuHttpServer *self;
  char           *path;
  guint64         max_body;
  guint64         received;
} BodyCount;

/* The early handler of one path (libsoup runs only the early handler
 * registered for the request's own path, so every route needs one). */
typedef struct
{
  AnbuHttpServer         *self;
  gsize                   max_body;   /* 0: the server's */
  AnbuHttpCredentialFunc  check;      /* NULL: a session where the route needs one */
  gpointer                check_data;
} RouteGuard;

static void
body_count_free (BodyCount *count)
{
  g_free (count->path);
  g_free (count);
}

/* A body without Content-Length (chunked) is counted as it arrives and
 * refused once it passes the limit. */
static void
on_request_chunk (SoupServerMessage *msg,
                  GBytes            *chunk,
                  gpointer           user_data)
{
  BodyCount *count = user_data;

  count->received += g_bytes_get_size (chunk);
  restart_request_timer (count->self, msg);
  if (soup_server_message_get_status (msg) != 0)
    {
      soup_message_body_truncate (soup_server_message_get_request_body (msg));
      return;
    }
  if (count->received > count->max_body)
    refuse_too_large (count->self, msg, count->path);
}

/* At the request's headers: refuse an announced oversized body, and a
 * body sent to a route that needs a session without a valid one, before
 * any of it is kept. */
static void
on_request_headers (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  RouteGuard *guard = user_data;
  AnbuHttpServer *self = guard->self;
  gsize max_body = guard->max_body > 0 ? guard->max_body : self->max_body;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  gboolean has_body = encoding == SOUP_ENCODING_CHUNKED || encoding == SOUP_ENCODING_EOF
                      || (encoding == SOUP_ENCODING_CONTENT_LENGTH
                          && soup_message_headers_get_content_length (headers) > 0);
  BodyCount *count;

  /* The headers are in; from now on only a stalled body times out. */
  restart_request_timer (self, msg);

  if (encoding == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (headers) > (goffset) max_body)
    {
      refuse_too_large (self, msg, path);
      return;
    }
  if (has_body && guard->check != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!guard->check (msg, guard->check_data, &error))
        {
          refuse_early (self, msg, path, error);
          return;
        }
    }
  else if (has_body && anbu_router_needs_session (self->router, soup_server_message_get_method (msg), path))
    {
      g_auto(Caller) caller = { 0 };
      g_autoptr(GError) error = NULL;

      /* Storage trouble is left to the handler, after the body. */
      if (!authenticate (self, msg, &caller, &error)
          && g_error_matches (error, ANBU_API_ERROR, ANBU_API_ERROR_UNAUTHORIZED))
        {
          refuse_early (self, msg, path, error);
          return;
        }
    }
  if (has_body)
    {
      count = g_new0 (BodyCount, 1);
      count->self = self;
      count->path = g_strdup (path);
      count->max_body = max_body;
      g_signal_connect_data (msg, "got-chunk", G_CALLBACK (on_request_chunk), count,
                             (GClosureNotify) (void (*) (void)) body_count_free, 0);
    }
}

/* A request counts as in flight once it has been read: idle keep-alive
 * connections and failed TLS handshakes never do. */
static void
on_request_read (SoupServer        *server,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  AnbuHttpServer *self = user_data;

  /* Read in full: the rest is the server's own time. */
  g_object_set_data (G_OBJECT (msg), REQUEST_TIMER_KEY, NULL);
  g_hash_table_add (self->in_flight, msg);
}

static void
on_request_done (SoupServer        *server,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  AnbuHttpServer *self = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);

  g_hash_table_remove (self->in_flight, msg);
  if (socket != NULL)
    g_object_set_data (G_OBJECT (socket), BETWEEN_REQUESTS_KEY, GINT_TO_POINTER (1));
  start_idle_timer (self, msg);
}

static void
anbu_http_server_dispose (GObject *object)
{
  AnbuHttpServer *self = ANBU_HTTP_SERVER (object);

  if (self->soup != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->soup, self);
      soup_server_disconnect (self->soup);
    }
  g_clear_object (&self->soup);
  g_clear_object (&self->store);
  g_clear_object (&self->sync_routes);
  g_clear_object (&self->router);
  g_clear_object (&self->metrics);
  g_clear_pointer (&self->guarded, g_hash_table_unref);
  g_clear_object (&self->session_routes);
  g_clear_object (&self->throttle_ledger);
  g_clear_pointer (&self->trusted_proxies, g_ptr_array_unref);
  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_handle_id (&self->sweep_id, g_source_remove);
  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_clear_pointer (&self->open_connections, g_ptr_array_unref);
  if (self->refused_pool != NULL)
    {
      /* Workers stop dropping at once; waiting ones are closed unanswered. */
      g_cancellable_cancel (self->refused_cancellable);
      g_thread_pool_free (g_steal_pointer (&self->refused_pool), TRUE, TRUE);
    }
  g_clear_object (&self->refused_cancellable);
  /* The checks already taken hold the pool; their answers go nowhere. */
  g_clear_object (&self->passwords);

  G_OBJECT_CLASS (anbu_http_server_parent_class)->dispose (object);
}

static void
anbu_http_server_class_init (AnbuHttpServerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = anbu_http_server_dispose;
}

static void
anbu_http_server_init (AnbuHttpServer *self)
{
  self->metrics = anbu_metrics_new ();
  self->router = anbu_router_new (self->metrics);
  self->guarded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->in_flight = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->passwords = anbu_password_pool_new (0);
  self->request_timeout = ANBU_DEFAULT_REQUEST_TIMEOUT;
  self->max_connections_per_address = ANBU_DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
  self->connections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_ptr_array_unref);
  self->max_connections = ANBU_DEFAULT_MAX_CONNECTIONS;
  self->open_connections = g_ptr_array_new_with_free_func (g_object_unref);
  self->refused_cancellable = g_cancellable_new ();
  self->refused_pool = g_thread_pool_new_full (refused_worker, NULL,
                                               (GDestroyNotify) refused_connection_free,
                                               REFUSED_THREADS, FALSE, NULL);
  self->sweep_id = g_timeout_add_seconds (CONNECTION_SWEEP_SECONDS, on_connection_sweep, self);
}

AnbuHttpServer *
anbu_http_server_new (AnbuStore *store,
                      gint64     token_lifetime,
                      gsize      max_body)
{
  AnbuHttpServer *self;

  g_return_val_if_fail (ANBU_IS_STORE (store), NULL);

  self = g_object_new (ANBU_TYPE_HTTP_SERVER, NULL);
  self->store = g_object_ref (store);
  self->token_lifetime = token_lifetime > 0 ? token_lifetime : ANBU_DEFAULT_TOKEN_LIFETIME;
  self->max_body = max_body > 0 ? max_body : ANBU_DEFAULT_MAX_BODY;
  return self;
}

static GSocketAddress *
parse_listen_address (const char  *address,
                      GError     **error)
{
  g_autofree char *host = NULL;
  const char *colon = strrchr (address, ':');
  guint64 port;
  GInetAddress *inet;
  GSocketAddress *socket_address;

  if (colon == NULL || colon == address
      || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not HOST:PORT (for example 127.0.0.1:8421)", address);
      return NULL;
    }
  host = g_strndup (address, colon - address);
  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    {
      char *inner = g_strndup (host + 1, strlen (host) - 2);

      g_free (host);
      host = inner;
    }
  inet = g_inet_address_new_from_string (host);
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an IP address", host);
      return NULL;
    }
  socket_address = g_inet_socket_address_new (inet, (guint16) port);
  g_object_unref (inet);
  return socket_address;
}

gboolean
anbu_http_server_listen (AnbuHttpServer  *self,
                         const char      *address,
                         const char      *tls_cert,
                         const char      *tls_key,
                         GError         **error)
{
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GSocket) listener = NULL;
  SoupServerListenOptions options = 0;

  g_return_val_if_fail (ANBU_IS_HTTP_SERVER (self), FALSE);
  g_return_val_if_fail (self->soup == NULL, FALSE);

  if ((tls_cert == NULL) != (tls_key == NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "TLS needs both a certificate and its key");
      return FALSE;
    }
  socket_address = parse_listen_address (address, error);
  if (socket_address == NULL)
    return FALSE;
  if (tls_cert != NULL)
    {
      certificate = g_tls_certificate_new_from_files (tls_cert, tls_key, error);
      if (certificate == NULL)
        return FALSE;
      options |= SOUP_SERVER_LISTEN_HTTPS;
    }

  self->soup = soup_server_new ("server-header", ANBU_USER_AGENT " ",
                                "tls-certificate", certificate,
                                NULL);
  anbu_http_server_guard_route (self, NULL, 0, NULL, NULL);
  soup_server_add_handler (self->soup, NULL, on_request, self, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (own_routes); i++)
    anbu_http_server_add_route (self, own_routes[i].method, own_routes[i].pattern,
                                own_routes[i].access, own_routes[i].handler, self);
  self->session_routes = anbu_session_routes_new (self, self->store, self->throttle_ledger,
                                                 self->token_lifetime, self->max_body);
  anbu_session_routes_attach (self->session_routes);
  self->sync_routes = anbu_sync_routes_new (self, self->store, self->max_body);
  anbu_sync_routes_attach (self->sync_routes);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (on_request_started), self);
  g_signal_connect (self->soup, "request-read", G_CALLBACK (on_request_read), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (on_request_done), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (on_request_done), self);

  /* GSocket's default backlog of 10 resets connections under a burst; 128 still
   * reset 64 of 1,000 live clients connecting at once (bench-load). */
  listener = g_socket_new (g_socket_address_get_family (socket_address), G_SOCKET_TYPE_STREAM,
                           G_SOCKET_PROTOCOL_DEFAULT, error);
  if (listener == NULL)
    {
      g_clear_object (&self->soup);
      return FALSE;
    }
  g_socket_set_listen_backlog (listener, LISTEN_BACKLOG);
  if (!g_socket_bind (listener, socket_address, TRUE, error)
      || !g_socket_listen (listener, error)
      || !soup_server_listen_socket (self->soup, listener, options, error))
    {
      g_clear_object (&self->soup);
      return FALSE;
    }
  return TRUE;
}

char *
anbu_http_server_dup_url (AnbuHttpServer *self)
{
  GSList *uris;
  char *url = NULL;

  g_return_val_if_fail (ANBU_IS_HTTP_SERVER (self), NULL);

  if (self->soup == NULL)
    return NULL;
  uris = soup_server_get_uris (self->soup);
  if (uris != NULL)
    url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return url;
}

void
anbu_http_server_stop_accepting (AnbuHttpServer *self)
{
  GSList *listeners;

  g_return_if_fail (ANBU_IS_HTTP_SERVER (self));

  if (self->soup == NULL)
    return;
  listeners = soup_server_get_listeners (self->soup);
  for (GSList *l = listeners; l != NULL; l = l->next)
    g_socket_close (l->data, NULL);
  g_slist_free (listeners);
}

guint
anbu_http_server_get_in_flight (AnbuHttpServer *self)
{
  g_return_val_if_fail (ANBU_IS_HTTP_SERVER (self), 0);
  return self->in_flight != NULL ? g_hash_table_size (self->in_flight) : 0;
}

AnbuMetrics *
anbu_http_server_get_metrics (AnbuHttpServer *self)
{
  g_return_val_if_fail (ANBU_IS_HTTP_SERVER (self), NULL);
  return self->metrics;
}

SoupServer *
anbu_http_server_get_soup_server (AnbuHttpServer *self)
{
  g_return_val_if_fail (ANBU_IS_HTTP_SERVER (self), NULL);
  return self->soup;
}

AnbuStoreUser *
anbu_http_server_authenticate (AnbuHttpServer     *self,
                               SoupServerMessage  *msg,
                               GError            **error)
{
  g_auto(Caller) caller = { 0 };

  g_return_val_if_fail (ANBU_IS_HTTP_SERVER (self), NULL);
  if (!authenticate (self, msg, &caller, error))
    return NULL;
  return g_steal_pointer (&caller.user);
}

gboolean
anbu_http_server_set_trusted_proxies (AnbuHttpServer      *self,
                                      const char * const  *addresses,
                                      GError             **error)
{
  g_autoptr(GPtrArray) proxies = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (ANBU_IS_HTTP_SERVER (self), FALSE);

  for (guint i = 0; addresses != NULL && addresses[i] != NULL; i++)
    {
      GInetAddress *address = g_inet_address_new_from_string (addresses[i]);

      if (address == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "“%s” is not an IP address", addresses[i]);
          return FALSE;
        }
      g_ptr_array_add (proxies, address);
    }
  g_clear_pointer (&self->trusted_proxies, g_ptr_array_unref);
  self->trusted_proxies = g_steal_pointer (&proxies);
  return TRUE;
}

void
anbu_http_server_set_throttle_ledger (AnbuHttpServer     *self,
                                      AnbuThrottleLedger *ledger)
{
  g_return_if_fail (ANBU_IS_HTTP_SERVER (self));
  g_return_if_fail (self->soup == NULL);

  g_set_object (&self->throttle_ledger, ledger);
}

void
anbu_http_server_set_password_checks (AnbuHttpServer *self,
                                      guint           checks)
{
  g_return_if_fail (ANBU_IS_HTTP_SERVER (self));
  g_return_if_fail (anbu_password_pool_get_pending (self->passwords) == 0);

  g_object_unref (self->passwords);
  self->passwords = anbu_password_pool_new (checks);
}

AnbuPasswordPool *
anbu_http_server_get_password_pool (AnbuHttpServer *self)
{
  g_return_val_if_fail (ANBU_IS_HTTP_SERVER (self), NULL);
  return self->passwords;
}

void
anbu_http_server_guard_route (AnbuHttpServer         *self,
                              const char             *path,
                              gsize                   max_body,
                              AnbuHttpCredentialFunc  check,
                              gpointer                check_data)
{
  RouteGuard *guard;

  g_return_if_fail (ANBU_IS_HTTP_SERVER (self));
  g_return_if_fail (self->soup != NULL);

  guard = g_new0 (RouteGuard, 1);
  guard->self = self;
  guard->max_body = max_body;
  guard->check = check;
  guard->check_data = check_data;
  soup_server_add_early_handler (self->soup, path, on_request_headers, guard, g_free);
  if (path != NULL)
    g_hash_table_add (self->guarded, g_strdup (path));
}

AnbuStoreUser *
anbu_http_server_authenticate_admin (AnbuHttpServer    *self,
                                     SoupServerMessage *msg)
{
  g_autoptr(AnbuStoreUser) user = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (ANBU_IS_HTTP_SERVER (self), NULL);

  user = anbu_http_server_authenticate (self, msg, &error);
  if (user == NULL)
    {
      anbu_json_respond_error (msg, error);
      return NULL;
    }
  if (user->role != ANBU_USER_ROLE_ADMIN)
    {
      anbu_json_respond_api_error (msg, ANBU_API_ERROR_FORBIDDEN, NULL,
                                   _("Only an administrator may do this"));
      return NULL;
    }
  return g_steal_pointer (&user);
}

gboolean
anbu_http_server_log_access (AnbuHttpServer      *self,
                             SoupServerMessage   *msg,
                             const AnbuStoreUser *user,
                             const char          *route,
                             AnbuAccessAction     action,
                             const char * const  *household_ids,
                             GError             **error)
{
  AnbuAccessEntry entry;

  g_return_val_if_fail (ANBU_IS_HTTP_SERVER (self), FALSE);

  anbu_http_access_entry_init (&entry, msg, user, route, action);
  return anbu_store_log_access (self->store, &entry, household_ids, error);
}

void
anbu_http_server_remove_routes (AnbuHttpServer *self,
                                gpointer        user_data)
{
  g_return_if_fail (ANBU_IS_HTTP_SERVER (self));

  anbu_router_remove_by_data (self->router, user_data);
}

void
anbu_http_server_add_route (AnbuHttpServer     *self,
                            const char         *method,
                            const char         *pattern,
                            AnbuRouteAccess     access,
                            SoupServerCallback  handler,
                            gpointer            user_data)
{
  g_autofree char *prefix = NULL;

  g_return_if_fail (ANBU_IS_HTTP_SERVER (self));
  g_return_if_fail (self->soup != NULL);

  anbu_router_add (self->router, method, pattern, access, handler, user_data);
  /* libsoup hands a request to the handlers of its longest registered
   * prefix only: the dispatcher and a guard must both stand there. */
  prefix = anbu_router_prefix_of (pattern);
  soup_server_add_handler (self->soup, prefix, on_request, self, NULL);
  if (!g_hash_table_contains (self->guarded, prefix))
    anbu_http_server_guard_route (self, prefix, 0, NULL, NULL);
}

void
anbu_http_server_set_request_timeout (AnbuHttpServer *self,
                                      guint           seconds)
{
  g_return_if_fail (ANBU_IS_HTTP_SERVER (self));
  self->request_timeout = seconds;
}

void
anbu_http_server_set_max_connections_per_address (AnbuHttpServer *self,
                                                  guint           connections)
{
  g_return_if_fail (ANBU_IS_HTTP_SERVER (self));
  self->max_connections_per_address = connections;
}

void
anbu_http_server_set_max_connections (AnbuHttpServer *self,
                                      guint           connections)
{
  g_return_if_fail (ANBU_IS_HTTP_SERVER (self));
  self->max_connections = connections;
}
