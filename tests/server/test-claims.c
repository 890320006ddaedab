/* SPDX-License-Identifier: GPL-3.0-or-later */
/* alert.claim ("내가 처리 중", docs/casework.md "Taking a case"): two
 * operators claim the same signal; one wins, the other is refused saying
 * who holds it, and the other screen learns of the claim live. */
#include "config.h"

#include <string.h>

#include "anbu-ingest-fixture.h"

#define DONG "1111051500"
/* Saturday 2026-11-28 23:00 KST: the control centre answers. */
#define NOW ((gint64) 1796392800)
#define HOUR ((gint64) 3600)

typedef struct
{
  SoupWebsocketConnection *connection;
  GError                  *error;
  gboolean                 done;
  guint                    changes;   /* "change" frames received */
} LiveClient;

static void
on_message (SoupWebsocketConnection *connection,
            gint                     type,
            GBytes                  *message,
            gpointer                 user_data)
{
  LiveClient *client = user_data;
  gsize size;
  const char *data = g_bytes_get_data (message, &size);

  if (g_strstr_len (data, (gssize) size, "\"type\":\"change\"") != NULL
      || g_strstr_len (data, (gssize) size, "\"type\": \"change\"") != NULL)
    client->changes++;
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  LiveClient *client = user_data;

  client->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result,
                                                              &client->error);
  if (client->connection != NULL)
    g_signal_connect (client->connection, "message", G_CALLBACK (on_message), client);
  client->done = TRUE;
}

static void
connect_live (IngestFixture *fixture,
              SoupSession   *session,
              const char    *token,
              LiveClient    *client)
{
  g_autofree char *url = g_strconcat (fixture->server->url, "/api/v1/live", NULL);
  g_autofree char *value = g_strconcat ("Bearer ", token, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_connected, client);
  anbu_test_wait_for (&client->done);
  g_assert_no_error (client->error);
}

typedef struct
{
  LiveClient *client;
  guint       seen;
  gboolean    arrived;
} ChangeWait;

static gboolean
check_change (gpointer user_data)
{
  ChangeWait *wait = user_data;

  wait->arrived = wait->client->changes > wait->seen;
  return wait->arrived ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

/* Waits for a change notice after the `seen`th. */
static void
wait_change (LiveClient *client,
             guint       seen)
{
  ChangeWait wait = { client, seen, FALSE };

  if (client->changes > seen)
    return;
  g_timeout_add (5, check_change, &wait);
  anbu_test_wait_for (&wait.arrived);
}

static char *
add_operator (IngestFixture *fixture,
              const char    *username,
              const char    *display_name,
              char         **id_out)
{
  g_autofree char *body = g_strdup_printf (
    "{\"username\": \"%s\", \"display_name\": \"%s\", \"password\": \"%s\", \"role\": \"control\","
    " \"dong_codes\": []}", username, display_name, INGEST_PASSWORD);
  g_autoptr(AnbuTestResponse) response = anbu_test_request (fixture->server, "POST",
                                                            "/api/v1/admin/users",
                                                            fixture->admin_token, body);
  JsonObject *object;

  g_assert_cmpuint (response->status, ==, 201);
  object = anbu_test_response_object (response);
  if (json_object_has_member (object, "user"))
    object = json_object_get_object_member (object, "user");
  *id_out = g_strdup (json_object_get_string_member (object, "id"));
  return anbu_test_server_sign_in (fixture->server, username, INGEST_PASSWORD);
}

/* One alert.claim entry; returns its result (a new reference). */
static JsonObject *
claim (IngestFixture *fixture,
       const char    *token,
       const char    *alert_id,
       gboolean       release)
{
  g_autofree char *entry_id = g_uuid_string_random ();
  g_autofree char *at = ingest_time (NOW);
  g_autofree char *batch = g_strdup_printf (
    "[{\"id\": \"%s\", \"kind\": \"alert.claim\", \"payload\": {\"id\": \"%s\", \"at\": \"%s\"%s}}]",
    entry_id, alert_id, at, release ? ", \"release\": true" : "");
  g_autoptr(AnbuTestResponse) response = NULL;
  JsonArray *results = anbu_test_push (fixture->server, token, batch, &response);

  g_assert_cmpuint (json_array_get_length (results), ==, 1);
  return json_object_ref (json_array_get_object_element (results, 0));
}

static const char *
holder_of (JsonObject *result)
{
  JsonObject *record = json_object_get_object_member (result, "record");

  return json_object_get_string_member_with_default (record, "claimed_by_name", NULL);
}

static void
test_one_operator_wins (void)
{
  IngestFixture *fixture = ingest_fixture_new (NOW, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *id_a = NULL;
  g_autofree char *id_b = NULL;
  g_autofree char *token_a = add_operator (fixture, "control-a", "이관제 주무관", &id_a);
  g_autofree char *token_b = add_operator (fixture, "control-b", "박상황 주무관", &id_b);
  g_autofree char *house = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-C", NOW - 30 * HOUR);
  g_autofree char *alert_id = NULL;
  g_autofree char *cursor_b = NULL;
  g_autoptr(JsonArray) changes = NULL;
  g_autoptr(JsonObject) won = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_autoptr(JsonObject) released = NULL;
  g_autoptr(JsonObject) taken_over = NULL;
  g_autoptr(JsonObject) refused_a = NULL;
  LiveClient live_b = { 0 };
  gboolean b_sees_claim = FALSE;
  guint notices_before_claim;
  const char *message;

  soup_session_set_proxy_resolver (session, NULL);

  /* Quiet for 29 h: the batch raises a signal the control centre holds. */
  ingest_post_span (fixture, "PLUG-C", NOW - 29 * HOUR - 600, NOW, 60, 2, 80,
                    NOW - 29 * HOUR - 300, NOW - 29 * HOUR, NULL);
  changes = anbu_test_pull (fixture->server, token_b, &cursor_b, 0, NULL);
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (g_strcmp0 (json_object_get_string_member (change, "kind"), "alert") == 0)
        alert_id = g_strdup (json_object_get_string_member (change, "id"));
    }
  g_assert_nonnull (alert_id);
  g_clear_pointer (&changes, json_array_unref);
  connect_live (fixture, session, token_b, &live_b);

  /* A claims first and holds it, by name. */
  notices_before_claim = live_b.changes;
  won = claim (fixture, token_a, alert_id, FALSE);
  g_assert_cmpstr (json_object_get_string_member (won, "status"), ==, "applied");
  g_assert_cmpstr (holder_of (won), ==, "이관제 주무관");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (won, "record"),
                                                  "state"), ==, "acknowledged");

  /* B, a moment later, is refused and told who has it, in Korean. */
  refused = claim (fixture, token_b, alert_id, FALSE);
  g_assert_cmpstr (json_object_get_string_member (refused, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (refused, "code"), ==, "claimed");
  message = json_object_get_string_member (refused, "message");
  g_test_message ("refusal: %s", message);
  g_assert_nonnull (strstr (message, "이관제 주무관"));
  g_assert_nonnull (strstr (message, "처리 중"));
  /* B's release of A's case is refused the same way. */
  {
    g_autoptr(JsonObject) release_other = claim (fixture, token_b, alert_id, TRUE);

    g_assert_cmpstr (json_object_get_string_member (release_other, "code"), ==, "claimed");
  }

  /* B's screen hears of the claim live: a change notice, whose pull
   * brings the holder. Notices for earlier changes may come first. */
  wait_change (&live_b, notices_before_claim);
  while (!b_sees_claim)
    {
      guint seen = live_b.changes;
      JsonObject *change;

      changes = anbu_test_pull (fixture->server, token_b, &cursor_b, 0, NULL);
      change = anbu_test_find_change (changes, "alert", alert_id);
      if (change != NULL)
        {
          JsonObject *record = json_object_get_object_member (change, "record");

          b_sees_claim = g_strcmp0 (json_object_get_string_member_with_default (record, "claimed_by", NULL),
                                    id_a) == 0;
        }
      g_clear_pointer (&changes, json_array_unref);
      if (!b_sees_claim)
        wait_change (&live_b, seen);
    }

  /* A gives it back; now B may take it, and A is the one refused. */
  released = claim (fixture, token_a, alert_id, TRUE);
  g_assert_cmpstr (json_object_get_string_member (released, "status"), ==, "applied");
  g_assert_null (holder_of (released));
  taken_over = claim (fixture, token_b, alert_id, FALSE);
  g_assert_cmpstr (json_object_get_string_member (taken_over, "status"), ==, "applied");
  g_assert_cmpstr (holder_of (taken_over), ==, "박상황 주무관");
  refused_a = claim (fixture, token_a, alert_id, FALSE);
  g_assert_cmpstr (json_object_get_string_member (refused_a, "code"), ==, "claimed");
  g_assert_nonnull (strstr (json_object_get_string_member (refused_a, "message"), "박상황 주무관"));

  g_signal_handlers_disconnect_by_data (live_b.connection, &live_b);
  g_clear_object (&live_b.connection);
  ingest_fixture_free (fixture);
}

int
main (int   argc,
      char *argv[])
{
  /* The refusal is read by an operator: Korean, from the build tree. */
  g_setenv ("LANGUAGE", "ko", TRUE);
  g_setenv ("ANBU_UNINSTALLED", "1", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anbu/server/claims/one-operator-wins", test_one_operator_wins);

  return g_test_run ();
}
