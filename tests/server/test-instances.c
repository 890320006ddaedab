/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Several anbu-server instances on one PostgreSQL database (issue 16):
 * any instance serves any request; a change on one reaches live clients on
 * another; one instance leads the timer pass and, when it dies (kill -9),
 * another takes over with no signal lost or raised twice; readings split
 * across instances are each stored once, also when both store the same
 * plugs at once in opposite orders; sign-in throttling holds across
 * instances. Every server here runs on
 * PostgreSQL (ANBU_TEST_ENGINE=postgresql, set by meson). */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "anbu-ingest-fixture.h"
#include "anbu-live-client.h"
#include "anbu-pg-lock-keys.h"
#include "anbu-test-postgres.h"

#define DONG_A "1111051500"
/* Wednesday 2026-11-25 14:00 KST. */
#define NOW ((gint64) 1795582800)
#define HOUR ((gint64) 3600)
/* How long a standby may take to notice the leader died (the issue's
 * bound), in ticks one second apart. */
#define TAKEOVER_TICKS 30

static SoupSession *
new_session (void)
{
  SoupSession *session = soup_session_new ();

  soup_session_set_proxy_resolver (session, NULL);
  return session;
}

static void
add_visit (IngestFixture *fixture,
           const char    *household)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *at = ingest_time (NOW);
  g_autofree char *visit = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", \"at\": \"%s\","
                                            " \"by\": \"%s\", \"purpose\": \"regular\"}",
                                            id, household, at, fixture->admin_id);

  json_object_unref (ingest_push (fixture, "visit.create", visit));
}

/* Plug status, a signal and a change notice made on instance A reach a
 * planner connected to instance B, and only theirs. */
static void
test_live_across_instances (void)
{
  IngestFixture *a = ingest_fixture_new (NOW, NULL);
  IngestFixture *b = ingest_fixture_new_instance (a, NOW);
  g_autoptr(SoupSession) session = new_session ();
  g_autofree char *token = ingest_add_user (a, "planner-a", "planner", DONG_A);
  g_autofree char *house = ingest_add_household (a, DONG_A, FALSE, 24, "PLUG-A", NOW - 30 * HOUR);
  g_autofree char *other_token = ingest_add_user (a, "planner-b", "planner", "1111053000");
  LiveClient *client = live_client_connect (b->server, session, token);
  LiveClient *other = live_client_connect (b->server, session, other_token);
  JsonObject *message;

  g_assert_no_error (client->error);
  g_assert_no_error (other->error);

  /* Quiet for 29 h: the batch stored on A raises a signal there. */
  ingest_post_span (a, "PLUG-A", NOW - 29 * HOUR - 600, NOW, 60, 2, 80,
                    NOW - 29 * HOUR - 300, NOW - 29 * HOUR, NULL);
  message = live_client_wait (client, "plug", house);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (message, "record"),
                                                  "serial"), ==, "PLUG-A");
  message = live_client_wait (client, "alert", house);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (message, "record"),
                                                  "kind"), ==, "inactivity");

  /* A record pushed to A: B's client hears of the change. */
  add_visit (a, house);
  live_client_wait (client, "change", NULL);

  /* The planner of another 동 on B heard nothing of A's household. */
  add_visit (a, house);
  g_assert_null (live_client_find (other, "plug", house));
  g_assert_null (live_client_find (other, "alert", house));

  live_client_free (client);
  live_client_free (other);
  ingest_fixture_free (b);
  ingest_fixture_free (a);
}

static gboolean
tick_led (IngestFixture *fixture,
          gint64         now,
          guint         *raised)
{
  g_autoptr(AnbuTestResponse) response = ingest_tick (fixture, now);
  JsonObject *answer = anbu_test_response_object (response);

  if (raised != NULL)
    *raised = (guint) json_object_get_int_member (answer, "raised");
  return json_object_get_boolean_member (answer, "led");
}

static guint
count_alerts (IngestFixture *fixture,
              const char    *household,
              const char    *kind)
{
  g_autoptr(GPtrArray) alerts = ingest_alerts (fixture, NULL, household);
  guint n = 0;

  for (guint i = 0; i < alerts->len; i++)
    n += g_strcmp0 (json_object_get_string_member (alerts->pdata[i], "kind"), kind) == 0;
  return n;
}

/* One instance leads the timer pass. Killed with SIGKILL before a
 * signal is due (a plug that stops reporting: only a pass can notice),
 * the standby takes over within the bound and raises it when it is due; a
 * new instance and the standby ticking on raise it no second time. */
static void
test_leader_failover (void)
{
  IngestFixture *a = ingest_fixture_new (NOW, NULL);
  IngestFixture *b = ingest_fixture_new_instance (a, NOW);
  IngestFixture *c = NULL;
  g_autofree char *house = ingest_add_household (a, DONG_A, FALSE, 24, "PLUG-F", NOW - 2 * HOUR);
  /* The last reading is at NOW - 60; silent for the default 6 h after. */
  gint64 due = NOW - 60 + 6 * HOUR;
  guint raised = 0;
  gboolean took_over = FALSE;

  ingest_post_span (a, "PLUG-F", NOW - 2 * HOUR, NOW, 60, 2, 80, NOW - HOUR - 300, NOW - HOUR, NULL);

  /* A started first and holds the lead; B's ticks run nothing. */
  g_assert_true (tick_led (a, NOW, NULL));
  g_assert_false (tick_led (b, NOW + 60, NULL));

  g_assert_cmpint (anbu_test_server_stop (a->server, SIGKILL), ==, 128 + SIGKILL);

  /* B leads once PostgreSQL has seen A's session end. */
  for (guint i = 0; i < TAKEOVER_TICKS * anbu_test_timeout_multiplier () && !took_over; i++)
    {
      took_over = tick_led (b, NOW + 120 + i, &raised);
      g_assert_cmpuint (raised, ==, 0);
      if (!took_over)
        g_usleep (G_USEC_PER_SEC);
    }
  g_assert_true (took_over);
  g_assert_true (tick_led (b, due - 60, &raised));
  g_assert_cmpuint (raised, ==, 0);

  /* Due: B's pass raises the signal, once. */
  g_assert_true (tick_led (b, due + 60, &raised));
  g_assert_cmpuint (raised, ==, 1);
  g_assert_cmpuint (count_alerts (b, house, "offline"), ==, 1);

  /* A replacement for A joins; B keeps leading; nothing is raised twice. */
  c = ingest_fixture_new_instance (b, due + 120);
  g_assert_false (tick_led (c, due + 180, NULL));
  g_assert_true (tick_led (b, due + HOUR, &raised));
  g_assert_cmpuint (raised, ==, 0);
  g_assert_cmpuint (count_alerts (c, house, "offline"), ==, 1);

  ingest_fixture_free (c);
  ingest_fixture_free (b);
  ingest_fixture_free (a);
}

/* The look at every household a pass needs first (after a failed pass, a
 * takeover: 10-14 s at a million households) runs apart, and the instance
 * answers its requests meanwhile. Here the look waits for a lock another
 * session holds (the schema lock its own connection takes first): the
 * tick waits, the same instance answers pulls; once the lock is free the
 * tick's pass raises the signal that fell due, once. */
static void
test_look_apart_keeps_answering (void)
{
  IngestFixture *a = ingest_fixture_new (NOW, NULL);
  g_autofree char *house = ingest_add_household (a, DONG_A, FALSE, 24, "PLUG-L", NOW - 2 * HOUR);
  /* The last reading is at NOW - 60; silent for the default 6 h after. */
  gint64 due = NOW - 60 + 6 * HOUR;
  g_autofree char *tick_at = ingest_time (due + 60);
  g_autofree char *tick_body = g_strdup_printf ("{\"now\": \"%s\"}", tick_at);
  g_autoptr(GBytes) body = g_bytes_new (tick_body, strlen (tick_body));
  g_autoptr(AnbuTestResponse) answer = NULL;
  AnbuTestPostgresSession *blocker;
  AnbuTestPending *tick;
  guint raised = 0;

  ingest_post_span (a, "PLUG-L", NOW - 2 * HOUR, NOW, 60, 2, 80, NOW - HOUR - 300, NOW - HOUR, NULL);
  g_assert_true (tick_led (a, NOW, NULL));
  /* A pass fails: the next one looks at every household first. */
  ingest_tick_failing (a, NOW + 60);

  blocker = anbu_test_postgres_session_open (a->server->db, "SELECT pg_advisory_lock ("
                                             ANBU_PG_LOCK_STORE_MIGRATION ")");
  tick = anbu_test_request_start (a->server, "POST", "/api/v1/admin/tick", a->admin_token, body);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GPtrArray) alerts = ingest_alerts (a, NULL, house);

      g_assert_cmpuint (alerts->len, ==, 0);
      g_assert_false (anbu_test_request_answered (tick));
    }

  anbu_test_postgres_session_close (blocker);
  answer = anbu_test_request_finish (tick);
  g_assert_cmpuint (answer->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (anbu_test_response_object (answer), "led"));
  g_assert_cmpint (json_object_get_int_member (anbu_test_response_object (answer), "raised"), ==,
                   1);
  g_assert_cmpint (json_object_get_int_member (anbu_test_response_object (answer), "households"),
                   >=, 1);
  g_assert_cmpuint (count_alerts (a, house, "offline"), ==, 1);

  g_assert_true (tick_led (a, due + HOUR, &raised));
  g_assert_cmpuint (raised, ==, 0);
  g_assert_cmpuint (count_alerts (a, house, "offline"), ==, 1);
  ingest_fixture_free (a);
}

static guint64
series_count (IngestFixture *fixture,
              const char    *household,
              gint64         from,
              gint64         to)
{
  g_autofree char *from_text = ingest_time (from);
  g_autofree char *to_text = ingest_time (to);
  g_autofree char *path = g_strdup_printf ("/api/v1/households/%s/series?from=%s&to=%s&bucket=1h",
                                           household, from_text, to_text);
  g_autoptr(AnbuTestResponse) response = anbu_test_request (fixture->server, "GET", path,
                                                            fixture->admin_token, NULL);
  JsonArray *plugs;
  guint64 count = 0;

  g_assert_cmpuint (response->status, ==, 200);
  plugs = json_object_get_array_member (anbu_test_response_object (response), "plugs");
  for (guint i = 0; i < json_array_get_length (plugs); i++)
    {
      JsonArray *buckets = json_object_get_array_member (json_array_get_object_element (plugs, i),
                                                         "buckets");

      for (guint j = 0; j < json_array_get_length (buckets); j++)
        count += json_object_get_int_member (json_array_get_object_element (buckets, j), "count");
    }
  return count;
}

/* A gateway's batches split across two instances (later ones first on
 * one, earlier ones on the other): every reading is stored once, a batch
 * sent again to the other instance is all duplicates, and the plug's live
 * status is its latest reading whichever instance stored it. */
static void
test_ingest_split (void)
{
  IngestFixture *a = ingest_fixture_new (NOW, NULL);
  IngestFixture *b = ingest_fixture_new_instance (a, NOW);
  IngestFixture *instances[] = { a, b };
  g_autoptr(SoupSession) session = new_session ();
  g_autofree char *token = ingest_add_user (a, "planner-s", "planner", DONG_A);
  g_autofree char *house = ingest_add_household (a, DONG_A, FALSE, 24, "PLUG-S", NOW - 7 * HOUR);
  g_autofree char *first = ingest_readings_json ("PLUG-S", NOW - 6 * HOUR, 60, 60, 2, 2, 0, 0, NULL);
  const guint batches = 6;
  LiveClient *client;
  JsonObject *record;

  /* Hour k of six goes to instance k % 2, newest first. */
  for (guint k = batches; k-- > 0;)
    {
      g_autofree char *items = ingest_readings_json ("PLUG-S", NOW - 6 * HOUR + (gint64) k * HOUR,
                                                     60, 60, 2, 2, 0, 0, NULL);
      g_autoptr(AnbuTestResponse) response = ingest_post (instances[k % 2], items);

      g_assert_cmpint (json_object_get_int_member (anbu_test_response_object (response), "accepted"),
                       ==, 60);
    }
  /* The first hour again, to the instance that did not store it. */
  {
    g_autoptr(AnbuTestResponse) response = ingest_post (b, first);
    JsonObject *answer = anbu_test_response_object (response);

    g_assert_cmpint (json_object_get_int_member (answer, "accepted"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (answer, "duplicate"), ==, 60);
  }

  g_assert_cmpuint (series_count (a, house, NOW - 7 * HOUR, NOW + HOUR), ==, batches * 60);
  g_assert_cmpuint (series_count (b, house, NOW - 7 * HOUR, NOW + HOUR), ==, batches * 60);

  /* The status a new live client gets is the newest reading (stored on
   * B, before the older ones stored on A and B). */
  client = live_client_connect (a->server, session, token);
  g_assert_no_error (client->error);
  record = json_object_get_object_member (live_client_wait (client, "plug", house), "record");
  g_assert_cmpint (ingest_member_time (record, "last_seen_at"), ==, NOW - 60);

  live_client_free (client);
  ingest_fixture_free (b);
  ingest_fixture_free (a);
}

typedef struct
{
  SoupMessage *msg;
  GBytes      *body;
  GError      *error;
  gboolean     done;
} Sent;

static void
on_batch_sent (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Sent *sent = user_data;

  sent->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &sent->error);
  sent->done = TRUE;
}

static void
send_batch (SoupSession   *session,
            IngestFixture *fixture,
            const char    *items,
            Sent          *sent)
{
  g_autofree char *url = g_strconcat (fixture->server->url, "/api/v1/telemetry", NULL);
  g_autofree char *body = g_strdup_printf ("{\"readings\": [%s]}", items);
  g_autofree char *authorization = g_strconcat ("Bearer ", fixture->gateway_token, NULL);
  gsize length = strlen (body);
  g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&body), length);

  sent->msg = soup_message_new ("POST", url);
  soup_message_headers_replace (soup_message_get_request_headers (sent->msg), "Authorization",
                                authorization);
  soup_message_set_request_body_from_bytes (sent->msg, "application/json", bytes);
  soup_session_send_and_read_async (session, sent->msg, G_PRIORITY_DEFAULT, NULL, on_batch_sent,
                                    sent);
}

/* The batch's answer: asserted 200, its accepted and duplicate counts added. */
static void
sent_finish (Sent   *sent,
             gint64 *accepted,
             gint64 *duplicate)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length = 0;
  const char *data;
  JsonObject *answer;

  g_assert_no_error (sent->error);
  data = g_bytes_get_data (sent->body, &length);
  if (soup_message_get_status (sent->msg) != 200)
    g_test_message ("telemetry answered %u: %.*s", soup_message_get_status (sent->msg),
                    (int) length, data);
  g_assert_cmpuint (soup_message_get_status (sent->msg), ==, 200);
  g_assert_true (json_parser_load_from_data (parser, data, length, NULL));
  answer = json_node_get_object (json_parser_get_root (parser));
  *accepted += json_object_get_int_member (answer, "accepted");
  *duplicate += json_object_get_int_member (answer, "duplicate");
  g_clear_object (&sent->msg);
  g_clear_pointer (&sent->body, g_bytes_unref);
}

#define OPPOSITE_PLUGS 8
#define OPPOSITE_READINGS 240   /* per plug and batch: four hours */
#define OPPOSITE_ROUNDS 12

/* A gateway that resends a batch to the other instance while the first
 * is still storing it, its plugs in the other order: both store the same
 * plugs' rows at once, in opposite orders. Every batch is answered 200
 * (none lost to a deadlock between the instances' transactions), and every
 * reading is stored once. */
static void
test_ingest_opposite_orders (void)
{
  IngestFixture *a = ingest_fixture_new (NOW, NULL);
  IngestFixture *b = ingest_fixture_new_instance (a, NOW);
  g_autoptr(SoupSession) session_a = new_session ();
  g_autoptr(SoupSession) session_b = new_session ();
  char *houses[OPPOSITE_PLUGS];
  char *serials[OPPOSITE_PLUGS];
  guint64 stored = 0;

  for (guint p = 0; p < OPPOSITE_PLUGS; p++)
    {
      serials[p] = g_strdup_printf ("PLUG-O%u", p);
      houses[p] = ingest_add_household (a, DONG_A, FALSE, 24, serials[p], NOW - 50 * HOUR);
    }
  for (guint round = 0; round < OPPOSITE_ROUNDS; round++)
    {
      gint64 from = NOW - 49 * HOUR + (gint64) round * OPPOSITE_READINGS * 60;
      g_autoptr(GString) forward = g_string_new (NULL);
      g_autoptr(GString) backward = g_string_new (NULL);
      Sent sent_a = { 0 }, sent_b = { 0 };
      gint64 accepted = 0, duplicate = 0;

      for (guint p = 0; p < OPPOSITE_PLUGS; p++)
        {
          g_autofree char *first = ingest_readings_json (serials[p], from, 60, OPPOSITE_READINGS,
                                                         2, 2, 0, 0, NULL);
          g_autofree char *last = ingest_readings_json (serials[OPPOSITE_PLUGS - 1 - p], from, 60,
                                                        OPPOSITE_READINGS, 2, 2, 0, 0, NULL);

          g_string_append_printf (forward, "%s%s", p > 0 ? ", " : "", first);
          g_string_append_printf (backward, "%s%s", p > 0 ? ", " : "", last);
        }
      send_batch (session_a, a, forward->str, &sent_a);
      send_batch (session_b, b, backward->str, &sent_b);
      anbu_test_wait_for (&sent_a.done);
      anbu_test_wait_for (&sent_b.done);
      sent_finish (&sent_a, &accepted, &duplicate);
      sent_finish (&sent_b, &accepted, &duplicate);
      /* Each reading stored by one of the two, a duplicate for the other. */
      g_assert_cmpint (accepted, ==, OPPOSITE_PLUGS * OPPOSITE_READINGS);
      g_assert_cmpint (duplicate, ==, OPPOSITE_PLUGS * OPPOSITE_READINGS);
    }

  for (guint p = 0; p < OPPOSITE_PLUGS; p++)
    {
      stored += series_count (p % 2 == 0 ? a : b, houses[p], NOW - 50 * HOUR, NOW + HOUR);
      g_free (houses[p]);
      g_free (serials[p]);
    }
  g_assert_cmpuint (stored, ==, OPPOSITE_PLUGS * OPPOSITE_READINGS * OPPOSITE_ROUNDS);
  ingest_fixture_free (b);
  ingest_fixture_free (a);
}

static guint
sign_in_status (IngestFixture *fixture,
                const char    *password)
{
  g_autofree char *body = g_strdup_printf ("{\"username\": \"kang.planner\", \"password\": \"%s\"}",
                                           password);
  g_autoptr(AnbuTestResponse) response = anbu_test_request (fixture->server, "POST", "/api/v1/session",
                                                            NULL, body);

  return response->status;
}

/* Wrong passwords for one username, spread over two instances, lock it on
 * both: a guesser gets no more tries by asking each instance in turn. */
static void
test_throttle_across_instances (void)
{
  IngestFixture *a = ingest_fixture_new (NOW, NULL);
  IngestFixture *b = ingest_fixture_new_instance (a, NOW);
  g_autofree char *token = ingest_add_user (a, "kang.planner", "planner", DONG_A);

  /* Five failures lock a username (anbu-session-routes.c): three on A,
   * two on B. */
  for (guint i = 0; i < 5; i++)
    g_assert_cmpuint (sign_in_status (i % 2 == 0 ? a : b, "wrong password"), ==, 401);
  g_assert_cmpuint (sign_in_status (a, INGEST_PASSWORD), ==, 429);
  g_assert_cmpuint (sign_in_status (b, INGEST_PASSWORD), ==, 429);

  ingest_fixture_free (b);
  ingest_fixture_free (a);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/instances/live-across-instances", test_live_across_instances);
  g_test_add_func ("/instances/leader-failover", test_leader_failover);
  g_test_add_func ("/instances/look-apart-keeps-answering", test_look_apart_keeps_answering);
  g_test_add_func ("/instances/ingest-split", test_ingest_split);
  g_test_add_func ("/instances/ingest-opposite-orders", test_ingest_opposite_orders);
  g_test_add_func ("/instances/throttle-across-instances", test_throttle_across_instances);
  return g_test_run ();
}
