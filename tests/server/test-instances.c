/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Several anbu-server instances on one PostgreSQL database (issue 16):
 * any instance serves any request; a change on one reaches live clients on
 * another; one instance leads the timer pass and, when it dies (kill -9),
 * another takes over with no signal lost or raised twice; readings split
 * across instances are each stored once; sign-in throttling holds across
 * instances. Every server here runs on
 * PostgreSQL (ANBU_TEST_ENGINE=postgresql, set by meson). */
#include "config.h"

#include <signal.h>

#include "anbu-ingest-fixture.h"
#include "anbu-live-client.h"

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
  g_test_add_func ("/instances/ingest-split", test_ingest_split);
  g_test_add_func ("/instances/throttle-across-instances", test_throttle_across_instances);
  return g_test_run ();
}
