/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The live channel and the API client against an in-process SoupServer on
 * 127.0.0.1 that speaks the docs/api.md contract, for the protocol edge
 * cases a real server does not produce on demand. */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "anbu-api-client.h"
#include "anbu-live-channel.h"
#include "anbu-live-channel-private.h"
#include "anbu-replica.h"
#include "anbu-sync-engine.h"
#define ANBU_REPLICA_TEST_HELPERS
#include "client-test-util.h"

#define TOKEN "tok-123"

typedef struct _Answer Answer;

typedef struct
{
  SoupServer              *server;
  Answer                  *sync_answer;    /* answers the next /api/v1/sync once */
  guint                    n_push_requests;
  guint                    n_applied;
  gint64                   last_sync_at;
  char                    *url;
  GPtrArray               *sockets;        /* open server-side WebSockets */
  guint                    n_live_accepts;
  guint                    n_refused;      /* live upgrades refused on purpose */
  guint                    n_sync_requests;
  char                    *last_authorization;
  char                    *last_user_agent;
  GQueue                   answers;        /* canned answers for /api/v1/test */
} FakeServer;

struct _Answer
{
  guint       status;
  const char *body;
  const char *retry_after;
};

static void
on_socket_closed (SoupWebsocketConnection *connection,
                  gpointer                 user_data)
{
  FakeServer *fake = user_data;

  g_ptr_array_remove (fake->sockets, connection);
}

static void
on_live (SoupServer              *server,
         SoupServerMessage       *message,
         const char              *path,
         SoupWebsocketConnection *connection,
         gpointer                 user_data)
{
  FakeServer *fake = user_data;

  fake->n_live_accepts++;
  g_free (fake->last_authorization);
  fake->last_authorization = g_strdup (soup_message_headers_get_one (
    soup_server_message_get_request_headers (message), "Authorization"));
  /* The server drops its reference when this returns: keep one to push later. */
  g_ptr_array_add (fake->sockets, g_object_ref (connection));
  g_signal_connect (connection, "closed", G_CALLBACK (on_socket_closed), fake);
}

/* Applies every entry, except that a batch holding a visit whose notes say
 * POISON is refused as a whole, as a server does with a body it cannot take. */
static void
answer_mutations (FakeServer        *fake,
                  SoupServerMessage *message)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (message));
  g_autoptr(JsonNode) root = json_from_string (g_bytes_get_data (body, NULL), NULL);
  JsonArray *mutations = json_object_get_array_member (json_node_get_object (root), "mutations");
  g_autoptr(GString) answer = g_string_new ("{\"results\":[");

  fake->n_push_requests++;
  for (guint i = 0; i < json_array_get_length (mutations); i++)
    {
      JsonObject *payload = json_object_get_object_member (json_array_get_object_element (mutations, i),
                                                           "payload");

      if (g_strcmp0 (json_object_get_string_member_with_default (payload, "notes", NULL), "POISON") == 0)
        {
          static const char refusal[] = "{\"error\":{\"code\":\"invalid_value\",\"message\":\"no\","
                                        "\"field\":\"notes\"}}";

          soup_server_message_set_status (message, 400, NULL);
          soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                            refusal, strlen (refusal));
          return;
        }
    }
  for (guint i = 0; i < json_array_get_length (mutations); i++)
    {
      const char *id = json_object_get_string_member (json_array_get_object_element (mutations, i), "id");

      g_string_append_printf (answer, "%s{\"id\":\"%s\",\"status\":\"applied\",\"version\":1}",
                              i > 0 ? "," : "", id);
      fake->n_applied++;
    }
  g_string_append (answer, "]}");
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, answer->str,
                                    answer->len);
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *message,
            const char        *path,
            GHashTable        *query,
            gpointer          user_data)
{
  FakeServer *fake = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);

  g_free (fake->last_authorization);
  fake->last_authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  g_free (fake->last_user_agent);
  fake->last_user_agent = g_strdup (soup_message_headers_get_one (headers, "User-Agent"));

  if (g_str_equal (path, "/api/v1/sync"))
    {
      fake->n_sync_requests++;
      fake->last_sync_at = g_get_monotonic_time ();
      if (fake->sync_answer != NULL)
        {
          Answer *answer = g_steal_pointer (&fake->sync_answer);

          soup_server_message_set_status (message, answer->status, NULL);
          if (answer->retry_after)
            soup_message_headers_append (soup_server_message_get_response_headers (message),
                                         "Retry-After", answer->retry_after);
          if (answer->body)
            soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                              answer->body, strlen (answer->body));
          return;
        }
      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY,
                                        "{\"changes\":[],\"cursor\":\"c1\",\"has_more\":false}", 45);
      return;
    }
  if (g_str_equal (path, "/api/v1/mutations"))
    {
      answer_mutations (fake, message);
      return;
    }
  if (g_str_equal (path, "/api/v1/test") && !g_queue_is_empty (&fake->answers))
    {
      Answer *answer = g_queue_pop_head (&fake->answers);

      soup_server_message_set_status (message, answer->status, NULL);
      if (answer->retry_after)
        soup_message_headers_append (soup_server_message_get_response_headers (message),
                                     "Retry-After", answer->retry_after);
      if (answer->body)
        soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                          answer->body, strlen (answer->body));
      return;
    }
  soup_server_message_set_status (message, 404, NULL);
}

/* Runs before the upgrade: a status set here refuses it. */
static void
refuse_live (SoupServer        *server,
             SoupServerMessage *message,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  FakeServer *fake = user_data;

  if (fake->n_refused > 0)
    {
      fake->n_refused--;
      soup_server_message_set_status (message, 503, NULL);
    }
}

static FakeServer *
fake_server_new (void)
{
  FakeServer *fake = g_new0 (FakeServer, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;
  g_autofree char *text = NULL;

  fake->sockets = g_ptr_array_new_with_free_func (g_object_unref);
  g_queue_init (&fake->answers);
  fake->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fake->server, "/api/v1", on_request, fake, NULL);
  soup_server_add_websocket_handler (fake->server, "/api/v1/live", NULL, NULL, on_live, fake, NULL);
  soup_server_add_early_handler (fake->server, "/api/v1/live", refuse_live, fake, NULL);
  g_assert_true (soup_server_listen_local (fake->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (fake->server);
  text = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  if (g_str_has_suffix (text, "/"))
    text[strlen (text) - 1] = '\0';
  fake->url = g_steal_pointer (&text);
  return fake;
}

static void
fake_server_free (FakeServer *fake)
{
  for (guint i = 0; i < fake->sockets->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (fake->sockets, i), fake);
  g_ptr_array_unref (fake->sockets);
  soup_server_disconnect (fake->server);
  g_object_unref (fake->server);
  g_queue_clear (&fake->answers);
  g_free (fake->url);
  g_free (fake->last_authorization);
  g_free (fake->last_user_agent);
  g_free (fake);
}

static void
send_frame (FakeServer *fake,
            const char *text)
{
  g_assert_cmpuint (fake->sockets->len, >, 0);
  soup_websocket_connection_send_text (g_ptr_array_index (fake->sockets, fake->sockets->len - 1),
                                       text);
}

static void
on_counted (gpointer data)
{
  (*(guint *) data)++;
}

typedef struct
{
  guint       n;
  JsonObject *last;
} Received;

static void
on_record (AnbuLiveChannel *channel,
           JsonObject      *record,
           gpointer         data)
{
  Received *received = data;

  received->n++;
  g_clear_pointer (&received->last, json_object_unref);
  received->last = json_object_ref (record);
}

static void
wait_for_count (const guint *count,
                guint        at_least)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (TEST_TIMEOUT_SECONDS, test_timeout_cb, &timed_out);

  while (*count < at_least && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_false (timed_out);
}

static void
test_live_updates_and_reconnect (void)
{
  FakeServer *fake = fake_server_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuApiClient) api = anbu_api_client_new (fake->url, NULL, &error);
  g_autoptr(AnbuLiveChannel) live = NULL;
  Received plugs = { 0, }, alerts = { 0, };
  guint connects = 0, changes = 0;

  g_assert_no_error (error);
  anbu_api_client_set_token (api, TOKEN);
  live = anbu_live_channel_new (api);
  anbu_live_channel_set_retry_limits (live, 20, 100);
  g_signal_connect_swapped (live, "connected", G_CALLBACK (on_counted), &connects);
  g_signal_connect_swapped (live, "changed", G_CALLBACK (on_counted), &changes);
  g_signal_connect (live, "plug-updated", G_CALLBACK (on_record), &plugs);
  g_signal_connect (live, "alert-updated", G_CALLBACK (on_record), &alerts);

  /* The first two upgrades are refused: the channel keeps trying. */
  fake->n_refused = 2;
  anbu_live_channel_start (live);
  wait_for_count (&connects, 1);
  g_assert_cmpuint (fake->n_refused, ==, 0);
  g_assert_true (anbu_live_channel_get_connected (live));
  g_assert_cmpstr (fake->last_authorization, ==, "Bearer " TOKEN);

  send_frame (fake, "{\"type\":\"plug\",\"record\":{\"serial\":\"P-1\",\"last_watts\":42.5}}");
  wait_for_count (&plugs.n, 1);
  g_assert_cmpstr (json_object_get_string_member (plugs.last, "serial"), ==, "P-1");
  send_frame (fake, "{\"type\":\"alert\",\"record\":{\"id\":\"a1\",\"level\":\"risk\"}}");
  wait_for_count (&alerts.n, 1);
  g_assert_cmpstr (json_object_get_string_member (alerts.last, "level"), ==, "risk");
  /* Frames that are not understood are skipped, the channel stays up. */
  send_frame (fake, "not json");
  send_frame (fake, "{\"type\":\"weather\"}");
  send_frame (fake, "{\"type\":\"change\",\"cursor\":\"c9\"}");
  wait_for_count (&changes, 1);
  g_assert_cmpuint (plugs.n, ==, 1);
  g_assert_true (anbu_live_channel_get_connected (live));

  /* The server drops the connection: the channel comes back by itself. */
  soup_websocket_connection_close (g_ptr_array_index (fake->sockets, 0), SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  wait_for_count (&connects, 2);
  g_assert_cmpuint (fake->n_live_accepts, ==, 2);

  anbu_live_channel_stop (live);
  g_assert_false (anbu_live_channel_get_connected (live));
  g_clear_pointer (&plugs.last, json_object_unref);
  g_clear_pointer (&alerts.last, json_object_unref);
  g_clear_object (&live);
  test_drain_main_context ();
  fake_server_free (fake);
}

/* Every (re)connect of the live channel leads to a pull, so nothing
 * pushed while it was away is missed. */
static void
test_reconnect_triggers_pull (void)
{
  FakeServer *fake = fake_server_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuApiClient) api = anbu_api_client_new (fake->url, NULL, &error);
  g_autoptr(AnbuLiveChannel) live = anbu_live_channel_new (api);
  g_autoptr(AnbuReplica) replica = NULL;
  g_autoptr(AnbuSyncEngine) engine = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *path = NULL;
  guint connects = 0;

  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  path = g_build_filename (g_get_user_data_dir (), "replica.db", NULL);
  AWAIT (result, anbu_replica_create_async (path, "pw", 1, 8192, NULL, NULL, test_ready_cb, &result));
  replica = anbu_replica_open_finish (result, NULL, NULL, &error);
  g_assert_no_error (error);
  anbu_api_client_set_token (api, TOKEN);
  engine = anbu_sync_engine_new (api, replica);
  anbu_live_channel_set_retry_limits (live, 20, 100);
  g_signal_connect_swapped (live, "connected", G_CALLBACK (anbu_sync_engine_request_sync), engine);
  g_signal_connect_swapped (live, "changed", G_CALLBACK (anbu_sync_engine_request_sync), engine);
  g_signal_connect_swapped (live, "connected", G_CALLBACK (on_counted), &connects);

  anbu_live_channel_start (live);
  wait_for_count (&fake->n_sync_requests, 1);
  soup_websocket_connection_close (g_ptr_array_index (fake->sockets, 0), SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  wait_for_count (&connects, 2);
  wait_for_count (&fake->n_sync_requests, 2);
  send_frame (fake, "{\"type\":\"change\",\"cursor\":\"c2\"}");
  wait_for_count (&fake->n_sync_requests, 3);
  g_assert_cmpstr (test_replica_cursor (replica), ==, "c1");

  anbu_live_channel_stop (live);
  g_clear_object (&result);
  g_clear_object (&live);
  g_clear_object (&engine);
  test_close_object ((GObject **) &replica);
  fake_server_free (fake);
}

static GError *
request_answer (FakeServer *fake,
                AnbuApiClient *api,
                Answer        *answer)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;

  g_queue_push_tail (&fake->answers, answer);
  AWAIT (result, anbu_api_client_request_async (api, "GET", "/api/v1/test", NULL, NULL,
                                                test_ready_cb, &result));
  body = anbu_api_client_request_finish (api, result, &error);
  return error;
}

static void
test_api_errors (void)
{
  FakeServer *fake = fake_server_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuApiClient) api = anbu_api_client_new (fake->url, NULL, &error);
  Answer field_error = { 400, "{\"error\":{\"code\":\"invalid_value\",\"message\":\"bad phone\",\"field\":\"contacts.0.phone\"}}", NULL };
  Answer throttled = { 429, "{\"error\":{\"code\":\"throttled\",\"message\":\"slow down\"}}", "17" };
  Answer unknown_code = { 409, "{\"error\":{\"code\":\"brand_new_code\",\"message\":\"?\"}}", NULL };
  Answer no_body = { 503, NULL, NULL };
  Answer not_json = { 500, "<html>oops</html>", NULL };
  Answer expired = { 401, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"expired\"}}", NULL };

  g_assert_no_error (error);
  anbu_api_client_set_token (api, TOKEN);

  error = request_answer (fake, api, &field_error);
  g_assert_error (error, ANBU_API_ERROR, ANBU_API_ERROR_INVALID_VALUE);
  g_assert_cmpstr (anbu_api_error_get_field (error), ==, "contacts.0.phone");
  g_assert_cmpstr (anbu_api_error_get_code_string (error), ==, "invalid_value");
  g_assert_false (anbu_api_client_error_is_transient (error));
  /* What a request carries. */
  g_assert_cmpstr (fake->last_authorization, ==, "Bearer " TOKEN);
  g_assert_cmpstr (fake->last_user_agent, ==, ANBU_USER_AGENT);
  g_clear_error (&error);

  error = request_answer (fake, api, &throttled);
  g_assert_error (error, ANBU_API_ERROR, ANBU_API_ERROR_THROTTLED);
  g_assert_cmpuint (anbu_api_error_get_retry_after (error), ==, 17);
  g_assert_true (anbu_api_client_error_is_transient (error));
  g_clear_error (&error);

  error = request_answer (fake, api, &unknown_code);
  g_assert_error (error, ANBU_API_ERROR, ANBU_API_ERROR_OTHER);
  g_assert_cmpstr (anbu_api_error_get_code_string (error), ==, "brand_new_code");
  g_clear_error (&error);

  /* A bare 503 (a proxy in front, a busy server) is 'unavailable': try again later. */
  error = request_answer (fake, api, &no_body);
  g_assert_error (error, ANBU_API_ERROR, ANBU_API_ERROR_UNAVAILABLE);
  g_assert_true (anbu_api_client_error_is_transient (error));
  g_assert_null (anbu_api_error_get_field (error));
  g_clear_error (&error);

  error = request_answer (fake, api, &not_json);
  g_assert_error (error, ANBU_API_ERROR, ANBU_API_ERROR_INTERNAL);
  g_clear_error (&error);

  error = request_answer (fake, api, &expired);
  g_assert_error (error, ANBU_API_ERROR, ANBU_API_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  fake_server_free (fake);
}

static void
test_api_unreachable_and_bad_address (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuApiClient) api = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  FakeServer *fake = fake_server_new ();
  g_autofree char *url = g_strdup (fake->url);
  const char *bad[] = { "", "anbu.example.go.kr", "ftp://anbu.example.go.kr", "http://" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_null (anbu_api_client_new (bad[i], NULL, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }
  g_assert_null (anbu_api_client_new ("https://127.0.0.1", "/nonexistent/ca.pem", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* The port is free again once the server is gone. */
  fake_server_free (fake);
  api = anbu_api_client_new (url, NULL, &error);
  g_assert_no_error (error);
  AWAIT (result, anbu_api_client_pull_async (api, NULL, 0, NULL, test_ready_cb, &result));
  body = anbu_api_client_pull_finish (api, result, &error);
  g_assert_null (body);
  g_assert_error (error, ANBU_NETWORK_ERROR, ANBU_NETWORK_ERROR_UNREACHABLE);
  g_assert_true (anbu_api_client_error_is_transient (error));
}

/* A pull answer that is not the api.md shape fails the sync, keeps the
 * cursor, and the engine says why. */
static void
test_bad_pull_answer_keeps_cursor (void)
{
  FakeServer *fake = fake_server_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuApiClient) api = anbu_api_client_new (fake->url, NULL, &error);
  g_autoptr(AnbuReplica) replica = NULL;
  g_autoptr(AnbuSyncEngine) engine = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *path = NULL;

  soup_server_remove_handler (fake->server, "/api/v1");

  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  path = g_build_filename (g_get_user_data_dir (), "replica.db", NULL);
  AWAIT (result, anbu_replica_create_async (path, "pw", 1, 8192, NULL, NULL, test_ready_cb, &result));
  replica = anbu_replica_open_finish (result, NULL, NULL, &error);
  g_assert_no_error (error);
  engine = anbu_sync_engine_new (api, replica);

  /* Nothing answers /api/v1/sync with JSON: 404 without a body. */
  AWAIT (result, anbu_sync_engine_sync_async (engine, NULL, test_ready_cb, &result));
  g_assert_false (anbu_sync_engine_sync_finish (engine, result, &error));
  g_assert_error (error, ANBU_API_ERROR, ANBU_API_ERROR_NOT_FOUND);
  g_assert_null (test_replica_cursor (replica));
  g_assert_nonnull (anbu_sync_engine_get_last_error (engine));

  g_clear_object (&result);
  g_clear_object (&engine);
  test_close_object ((GObject **) &replica);
  fake_server_free (fake);
}

static void
on_tls_request (SoupServer        *server,
                SoupServerMessage *message,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                    "{\"changes\":[],\"cursor\":\"t\",\"has_more\":false}", 44);
}

static GError *
pull_over (const char *url,
           const char *ca_file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuApiClient) api = anbu_api_client_new (url, ca_file, &error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  GError *pull_error = NULL;

  g_assert_no_error (error);
  AWAIT (result, anbu_api_client_pull_async (api, NULL, 0, NULL, test_ready_cb, &result));
  body = anbu_api_client_pull_finish (api, result, &pull_error);
  g_assert_true ((body != NULL) == (pull_error == NULL));
  return pull_error;
}

/* The server's certificate is verified: a city's own CA can be given; a
 * certificate nobody vouches for is refused with a clear code. */
static void
test_tls_custom_ca (void)
{
  g_autofree char *cert = g_build_filename (TEST_TLS_DIR, "server.pem", NULL);
  g_autofree char *key = g_build_filename (TEST_TLS_DIR, "server-key.pem", NULL);
  g_autofree char *ca = g_build_filename (TEST_TLS_DIR, "ca.pem", NULL);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  GSList *uris;
  GError *pull_error;

  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (server, "/api/v1/sync", on_tls_request, NULL, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY
                                                      | SOUP_SERVER_LISTEN_HTTPS, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("https://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  pull_error = pull_over (url, NULL);
  g_assert_error (pull_error, ANBU_NETWORK_ERROR, ANBU_NETWORK_ERROR_TLS);
  g_clear_error (&pull_error);

  pull_error = pull_over (url, ca);
  g_assert_no_error (pull_error);

  soup_server_disconnect (server);
}

/* A throttled sync waits at least as long as the server's Retry-After,
 * however short the engine's own backoff. */
static void
test_throttled_sync_waits (void)
{
  FakeServer *fake = fake_server_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuApiClient) api = anbu_api_client_new (fake->url, NULL, &error);
  g_autoptr(AnbuReplica) replica = NULL;
  g_autoptr(AnbuSyncEngine) engine = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *path = NULL;
  Answer throttled = { 429, "{\"error\":{\"code\":\"throttled\",\"message\":\"slow\"}}", "1" };
  gint64 refused_at;

  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  path = g_build_filename (g_get_user_data_dir (), "replica.db", NULL);
  AWAIT (result, anbu_replica_create_async (path, "pw", 1, 8192, NULL, NULL, test_ready_cb, &result));
  replica = anbu_replica_open_finish (result, NULL, NULL, &error);
  g_assert_no_error (error);
  engine = anbu_sync_engine_new (api, replica);
  anbu_sync_engine_set_retry_limits (engine, 10, 20);

  fake->sync_answer = &throttled;
  anbu_sync_engine_start (engine);
  wait_for_count (&fake->n_sync_requests, 1);
  refused_at = fake->last_sync_at;
  wait_for_count (&fake->n_sync_requests, 2);
  g_assert_cmpint (fake->last_sync_at - refused_at, >=, G_USEC_PER_SEC * 8 / 10);
  g_assert_cmpuint (fake->n_sync_requests, ==, 2);

  anbu_sync_engine_stop (engine);
  g_clear_object (&result);
  g_clear_object (&engine);
  test_close_object ((GObject **) &replica);
  fake_server_free (fake);
}

/* One entry the server refuses to read does not hold back the others. */
static void
test_refused_entry_does_not_block (void)
{
  FakeServer *fake = fake_server_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuApiClient) api = anbu_api_client_new (fake->url, NULL, &error);
  g_autoptr(AnbuReplica) replica = NULL;
  g_autoptr(AnbuSyncEngine) engine = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *path = NULL;
  g_autofree char *poison_id = NULL;
  AnbuOutboxEntry *refused = NULL;

  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  path = g_build_filename (g_get_user_data_dir (), "replica.db", NULL);
  AWAIT (result, anbu_replica_create_async (path, "pw", 1, 8192, NULL, NULL, test_ready_cb, &result));
  replica = anbu_replica_open_finish (result, NULL, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 7; i++)
    {
      g_autoptr(JsonObject) visit = json_object_new ();
      char *mutation_id;

      json_object_set_string_member (visit, "household_id", "a1111111-1111-4111-8111-111111111111");
      json_object_set_string_member (visit, "at", "2026-11-24T10:00:00+09:00");
      json_object_set_string_member (visit, "by", "e1111111-1111-4111-8111-111111111111");
      json_object_set_string_member (visit, "purpose", "regular");
      json_object_set_string_member (visit, "notes", i == 4 ? "POISON" : "건강하심");
      AWAIT (result, anbu_replica_record_change_async (replica, "visit.create", visit, NULL,
                                                       test_ready_cb, &result));
      mutation_id = anbu_replica_record_change_finish (replica, result, &error);
      g_assert_no_error (error);
      if (i == 4)
        poison_id = mutation_id;
      else
        g_free (mutation_id);
    }

  engine = anbu_sync_engine_new (api, replica);
  AWAIT (result, anbu_sync_engine_sync_async (engine, NULL, test_ready_cb, &result));
  g_assert_true (anbu_sync_engine_sync_finish (engine, result, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (fake->n_applied, ==, 6);
  g_assert_cmpuint (anbu_sync_engine_get_pending_count (engine), ==, 0);
  g_assert_cmpuint (anbu_sync_engine_get_rejection_count (engine), ==, 1);
  AWAIT (result, anbu_replica_list_outbox_async (replica, NULL, test_ready_cb, &result));
  entries = anbu_replica_list_outbox_finish (replica, result, &error);
  g_assert_cmpuint (entries->len, ==, 1);
  refused = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (anbu_outbox_entry_get_id (refused), ==, poison_id);
  g_assert_cmpstr (anbu_outbox_entry_get_reason_code (refused), ==, "invalid_value");
  g_assert_cmpstr (anbu_outbox_entry_get_reason_field (refused), ==, "notes");

  g_clear_object (&result);
  g_clear_object (&engine);
  test_close_object ((GObject **) &replica);
  fake_server_free (fake);
}

/* A frame is outside input: members of the wrong JSON type are ignored like
 * unknown frames, never a GLib critical (which the tests make fatal). */
static void
test_frame_members_of_any_type (void)
{
  const char *ignored[] = {
    "{\"type\":{}}",
    "{\"type\":[\"plug\"],\"record\":{}}",
    "{\"type\":7}",
    "{\"type\":\"plug\",\"record\":\"x\"}",
    "[]",
    "not json",
  };
  const char *odd_cursor = "{\"type\":\"change\",\"cursor\":{}}";
  const char *good_cursor = "{\"type\":\"change\",\"cursor\":\"c9\"}";
  g_autoptr(JsonNode) root = NULL;
  JsonObject *record;
  const char *cursor;

  for (guint i = 0; i < G_N_ELEMENTS (ignored); i++)
    {
      g_assert_cmpint (anbu_live_channel_parse_frame (ignored[i], strlen (ignored[i]),
                                                      &root, &record, &cursor),
                       ==, ANBU_LIVE_FRAME_IGNORED);
      g_assert_null (root);
    }

  g_assert_cmpint (anbu_live_channel_parse_frame (odd_cursor, strlen (odd_cursor),
                                                  &root, &record, &cursor),
                   ==, ANBU_LIVE_FRAME_CHANGE);
  g_assert_null (cursor);
  g_clear_pointer (&root, json_node_unref);
  g_assert_cmpint (anbu_live_channel_parse_frame (good_cursor, strlen (good_cursor),
                                                  &root, &record, &cursor),
                   ==, ANBU_LIVE_FRAME_CHANGE);
  g_assert_cmpstr (cursor, ==, "c9");
}

int
main (int argc, char *argv[])
{
  /* A proxy that goes nowhere: loopback requests must not use it. */
  g_setenv ("http_proxy", "http://127.0.0.1:9", TRUE);
  g_setenv ("https_proxy", "http://127.0.0.1:9", TRUE);
  g_unsetenv ("no_proxy");
  g_unsetenv ("NO_PROXY");

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/live/frame-members-of-any-type", test_frame_members_of_any_type);
  g_test_add_func ("/anbu/live/updates-and-reconnect", test_live_updates_and_reconnect);
  g_test_add_func ("/anbu/live/reconnect-triggers-pull", test_reconnect_triggers_pull);
  g_test_add_func ("/anbu/api/errors", test_api_errors);
  g_test_add_func ("/anbu/api/tls-custom-ca", test_tls_custom_ca);
  g_test_add_func ("/anbu/api/unreachable-and-bad-address", test_api_unreachable_and_bad_address);
  g_test_add_func ("/anbu/sync/bad-pull-answer-keeps-cursor", test_bad_pull_answer_keeps_cursor);
  g_test_add_func ("/anbu/sync/throttled-sync-waits", test_throttled_sync_waits);
  g_test_add_func ("/anbu/sync/refused-entry-does-not-block", test_refused_entry_does_not_block);

  return g_test_run ();
}
