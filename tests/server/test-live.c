/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GET /api/v1/live: plug status, alerts and change notices reach only the
 * clients whose scope holds the household. */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "anbu-ingest-fixture.h"
#include "anbu-live-client.h"

#define DONG_A "1111051500"
#define DONG_B "1111053000"
/* Wednesday 2026-11-25 14:00 KST. */
#define NOW ((gint64) 1795582800)
#define HOUR ((gint64) 3600)

static void
test_scope (void)
{
  IngestFixture *fixture = ingest_fixture_new (NOW, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *token_a = ingest_add_user (fixture, "planner-a", "planner", DONG_A);
  g_autofree char *token_b = ingest_add_user (fixture, "planner-b", "planner", DONG_B);
  g_autofree char *house_a = ingest_add_household (fixture, DONG_A, FALSE, 24, "PLUG-A", NOW - 30 * HOUR);
  g_autofree char *house_b = ingest_add_household (fixture, DONG_B, FALSE, 24, "PLUG-B", NOW - 30 * HOUR);
  LiveClient *a, *b, *nobody;
  JsonObject *message;

  soup_session_set_proxy_resolver (session, NULL);
  nobody = live_client_connect (fixture->server, session, NULL);
  g_assert_null (nobody->connection);
  g_assert_nonnull (nobody->error);
  a = live_client_connect (fixture->server, session, token_a);
  g_assert_no_error (a->error);
  b = live_client_connect (fixture->server, session, token_b);
  g_assert_no_error (b->error);

  /* Household A: quiet for 29 h, so the batch raises a signal too. */
  ingest_post_span (fixture, "PLUG-A", NOW - 29 * HOUR - 600, NOW, 60, 2, 80,
                    NOW - 29 * HOUR - 300, NOW - 29 * HOUR, NULL);
  message = live_client_wait (a, "plug", house_a);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (message, "record"),
                                                  "serial"), ==, "PLUG-A");
  message = live_client_wait (a, "alert", house_a);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (message, "record"),
                                                  "kind"), ==, "inactivity");

  /* Household B reaches B, and B never saw A. */
  ingest_post_span (fixture, "PLUG-B", NOW - 600, NOW, 60, 2, 2, 0, 0, NULL);
  live_client_wait (b, "plug", house_b);
  g_assert_null (live_client_find (b, "plug", house_a));
  g_assert_null (live_client_find (b, "alert", house_a));
  g_assert_null (live_client_find (a, "plug", house_b));

  /* A change in A's 동 (a visit) is announced to A, not to B. */
  {
    g_autofree char *id = g_uuid_string_random ();
    g_autofree char *at = ingest_time (NOW);
    g_autofree char *visit = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", \"at\": \"%s\","
                                              " \"by\": \"%s\", \"purpose\": \"regular\"}",
                                              id, house_a, at, fixture->admin_id);

    json_object_unref (ingest_push (fixture, "visit.create", visit));
  }
  message = live_client_wait (a, "change", NULL);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (message, "cursor"), "c"));

  /* B's own change reaches B; by then A's would have too. */
  {
    g_autofree char *id = g_uuid_string_random ();
    g_autofree char *at = ingest_time (NOW);
    g_autofree char *visit = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", \"at\": \"%s\","
                                              " \"by\": \"%s\", \"purpose\": \"regular\"}",
                                              id, house_b, at, fixture->admin_id);
    guint changes_b = 0;

    json_object_unref (ingest_push (fixture, "visit.create", visit));
    live_client_wait (b, "change", NULL);
    for (guint i = 0; i < b->messages->len; i++)
      if (g_strcmp0 (json_object_get_string_member (b->messages->pdata[i], "type"), "change") == 0)
        changes_b++;
    g_assert_cmpuint (changes_b, ==, 1);
  }

  /* A client connecting now gets the status of the plugs it may see. */
  {
    LiveClient *late = live_client_connect (fixture->server, session, token_b);

    g_assert_no_error (late->error);
    live_client_wait (late, "plug", house_b);
    g_assert_null (live_client_find (late, "plug", house_a));
    live_client_free (late);
  }

  live_client_free (nobody);
  live_client_free (a);
  live_client_free (b);
  ingest_fixture_free (fixture);
}

/* The largest cursor of the change notices `client` has had, or 0. */
static gint64
last_notice (LiveClient *client)
{
  gint64 last = 0;

  for (guint i = 0; i < client->messages->len; i++)
    {
      JsonObject *message = client->messages->pdata[i];

      if (g_strcmp0 (json_object_get_string_member (message, "type"), "change") == 0)
        last = MAX (last, g_ascii_strtoll (json_object_get_string_member (message, "cursor") + 1,
                                           NULL, 10));
    }
  return last;
}

typedef struct
{
  LiveClient *client;
  gint64      cursor;
  gboolean    reached;
} WaitNotice;

static gboolean
check_notice (gpointer user_data)
{
  WaitNotice *wait = user_data;

  wait->reached = last_notice (wait->client) >= wait->cursor;
  return wait->reached ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

/* Until `client` was told of the changes up to `cursor` ("cN"). */
static void
wait_notice (LiveClient *client,
             const char *cursor)
{
  WaitNotice wait = { client, g_ascii_strtoll (cursor + 1, NULL, 10), FALSE };

  g_assert_cmpint (wait.cursor, >, 0);
  if (last_notice (client) < wait.cursor)
    {
      g_timeout_add (5, check_notice, &wait);
      anbu_test_wait_for (&wait.reached);
    }
}

/* A plug taken back from A's household and installed in 동 B: A is told
 * to pull (the pull carries the plug's removal, tests/server/test-sync.c),
 * or their app would show it installed at their household until some
 * other change. */
static void
test_plug_moved_away (void)
{
  IngestFixture *fixture = ingest_fixture_new (NOW, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *token_a = ingest_add_user (fixture, "planner-a", "planner", DONG_A);
  g_autofree char *token_b = ingest_add_user (fixture, "planner-b", "planner", DONG_B);
  g_autofree char *house_a = ingest_add_household (fixture, DONG_A, FALSE, 24, "PLUG-A", NOW - 30 * HOUR);
  g_autofree char *house_b = ingest_add_household (fixture, DONG_B, FALSE, 24, "PLUG-B", NOW - 30 * HOUR);
  g_autofree char *taken_at = ingest_time (NOW - HOUR);
  g_autofree char *installed_at = ingest_time (NOW);
  g_autofree char *removal = g_strdup_printf ("{\"serial\": \"PLUG-A\", \"reason\": \"returned\","
                                              " \"at\": \"%s\"}", taken_at);
  g_autofree char *install = g_strdup_printf ("{\"serial\": \"PLUG-A\", \"household_id\": \"%s\","
                                              " \"appliance\": \"tv\", \"installed_at\": \"%s\"}",
                                              house_b, installed_at);
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) changes = NULL;
  LiveClient *a, *b;

  soup_session_set_proxy_resolver (session, NULL);
  a = live_client_connect (fixture->server, session, token_a);
  g_assert_no_error (a->error);
  b = live_client_connect (fixture->server, session, token_b);
  g_assert_no_error (b->error);

  json_object_unref (ingest_push (fixture, "plug.remove", removal));
  json_object_unref (ingest_push (fixture, "plug.install", install));
  /* Where the changes end now; both planners are told of a change there
   * (before the fix A heard nothing after the plug left). */
  changes = anbu_test_pull (fixture->server, fixture->admin_token, &cursor, 0, NULL);
  wait_notice (b, cursor);
  wait_notice (a, cursor);

  live_client_free (a);
  live_client_free (b);
  ingest_fixture_free (fixture);
}

static gint64
frame_seen_at (JsonObject *message)
{
  JsonObject *record = json_object_get_object_member (message, "record");
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (json_object_get_string_member (record,
                                                                                         "last_seen_at"),
                                                          NULL);

  return g_date_time_to_unix (dt);
}

typedef struct
{
  LiveClient  *client;
  gint64   seen_at;
  gboolean found;
} WaitSeen;

static gboolean
check_seen (gpointer user_data)
{
  WaitSeen *wait = user_data;

  for (guint i = 0; i < wait->client->messages->len && !wait->found; i++)
    if (g_strcmp0 (json_object_get_string_member (wait->client->messages->pdata[i], "type"), "plug") == 0
        && frame_seen_at (wait->client->messages->pdata[i]) == wait->seen_at)
      wait->found = TRUE;
  return wait->found ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

/* Status held back by the per-plug throttle is sent once the interval is
 * over: the client ends up with the latest reading. */
static void
test_throttle_keeps_latest (void)
{
  const char * const args[] = { "--live-plug-interval", "1", NULL };
  IngestFixture *fixture = ingest_fixture_new (NOW, args);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *token = ingest_add_user (fixture, "planner-a", "planner", DONG_A);
  g_autofree char *house = ingest_add_household (fixture, DONG_A, FALSE, 24, "PLUG-A", NOW - HOUR);
  g_autofree char *first = ingest_readings_json ("PLUG-A", NOW - 120, 60, 1, 3, 3, 0, 0, NULL);
  g_autofree char *second = ingest_readings_json ("PLUG-A", NOW - 60, 60, 1, 3, 3, 0, 0, NULL);
  WaitSeen wait;
  LiveClient *client;

  soup_session_set_proxy_resolver (session, NULL);
  client = live_client_connect (fixture->server, session, token);
  g_assert_no_error (client->error);
  anbu_test_response_free (ingest_post (fixture, first));
  live_client_wait (client, "plug", house);
  anbu_test_response_free (ingest_post (fixture, second));
  wait = (WaitSeen) { client, NOW - 60, FALSE };
  g_timeout_add (10, check_seen, &wait);
  anbu_test_wait_for (&wait.found);
  live_client_free (client);
  ingest_fixture_free (fixture);
}

/* A visit to `household`: a change its viewers are told of after
 * everything sent to them before. */
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

/* Connects, waits for the snapshot frames of `expected` (NULL-terminated),
 * then for the change notice of a visit to the first of them, sent after
 * the whole snapshot. */
static LiveClient *
connect_and_settle (IngestFixture      *fixture,
                    SoupSession        *session,
                    const char         *token,
                    const char * const *expected)
{
  LiveClient *client = live_client_connect (fixture->server, session, token);

  g_assert_no_error (client->error);
  for (guint i = 0; expected[i] != NULL; i++)
    live_client_wait (client, "plug", expected[i]);
  add_visit (fixture, expected[0]);
  live_client_wait (client, "change", NULL);
  return client;
}

/* Plug status reaches exactly who may see the household: its 동's planner,
 * the planner it was moved to one by one (not its 동's planner any more),
 * the control centre only when it consented; on connect and afterwards;
 * and the planner a whole 동 moves to, at once. */
static void
test_scope_index (void)
{
  const char * const args[] = { "--live-plug-interval", "1", NULL };
  IngestFixture *fixture = ingest_fixture_new (NOW, args);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *token_a = ingest_add_user (fixture, "planner-a", "planner", DONG_A);
  g_autofree char *token_b = ingest_add_user (fixture, "planner-b", "planner", DONG_B);
  g_autofree char *token_c = ingest_add_user (fixture, "control", "control", NULL);
  g_autofree char *house_a = ingest_add_household (fixture, DONG_A, TRUE, 24, "PLUG-A", NOW - 30 * HOUR);
  g_autofree char *house_b = ingest_add_household (fixture, DONG_B, FALSE, 24, "PLUG-B", NOW - 30 * HOUR);
  g_autofree char *moving = ingest_add_household (fixture, DONG_A, FALSE, 24, "PLUG-M", NOW - 30 * HOUR);
  g_autofree char *move = g_strdup_printf ("{\"household_id\": \"%s\", \"from\": \"planner-a\","
                                           " \"to\": \"planner-b\"}", moving);
  g_autoptr(AnbuTestResponse) moved = NULL;
  LiveClient *a, *b, *control;

  soup_session_set_proxy_resolver (session, NULL);
  a = live_client_connect (fixture->server, session, token_a);
  b = live_client_connect (fixture->server, session, token_b);
  control = live_client_connect (fixture->server, session, token_c);
  g_assert_no_error (a->error);
  g_assert_no_error (b->error);
  g_assert_no_error (control->error);

  /* Moved while everyone is connected. */
  moved = anbu_test_request (fixture->server, "POST", "/api/v1/admin/caseload/moves",
                             fixture->admin_token, move);
  g_assert_cmpuint (moved->status, ==, 201);

  /* Frames go out in order: what A and control would wrongly get of M and
   * B comes before what they wait for of A. */
  ingest_post_span (fixture, "PLUG-M", NOW - 600, NOW - 300, 60, 2, 2, 0, 0, NULL);
  ingest_post_span (fixture, "PLUG-B", NOW - 600, NOW - 300, 60, 2, 2, 0, 0, NULL);
  ingest_post_span (fixture, "PLUG-A", NOW - 600, NOW - 300, 60, 2, 2, 0, 0, NULL);
  live_client_wait (b, "plug", moving);
  live_client_wait (b, "plug", house_b);
  live_client_wait (a, "plug", house_a);
  live_client_wait (control, "plug", house_a);
  g_assert_null (live_client_find (a, "plug", moving));
  g_assert_null (live_client_find (a, "plug", house_b));
  g_assert_null (live_client_find (b, "plug", house_a));
  g_assert_null (live_client_find (control, "plug", moving));
  g_assert_null (live_client_find (control, "plug", house_b));

  /* The same on connect. */
  {
    const char *of_a[] = { house_a, NULL };
    const char *of_b[] = { moving, house_b, NULL };
    LiveClient *late_a = connect_and_settle (fixture, session, token_a, of_a);
    LiveClient *late_b = connect_and_settle (fixture, session, token_b, of_b);
    LiveClient *late_control = connect_and_settle (fixture, session, token_c, of_a);

    g_assert_null (live_client_find (late_a, "plug", moving));
    g_assert_null (live_client_find (late_a, "plug", house_b));
    g_assert_null (live_client_find (late_b, "plug", house_a));
    g_assert_null (live_client_find (late_control, "plug", moving));
    g_assert_null (live_client_find (late_control, "plug", house_b));
    live_client_free (late_a);
    live_client_free (late_b);
    live_client_free (late_control);
  }

  /* 동 A moves to planner B: B's connection follows it. */
  {
    g_autofree char *dong_move = g_strdup_printf ("{\"dong_code\": \"%s\", \"from\": \"planner-a\","
                                                  " \"to\": \"planner-b\"}", DONG_A);
    g_autoptr(AnbuTestResponse) dong_moved = anbu_test_request (fixture->server, "POST",
                                                                "/api/v1/admin/caseload/moves",
                                                                fixture->admin_token, dong_move);

    g_assert_cmpuint (dong_moved->status, ==, 201);
    ingest_post_span (fixture, "PLUG-A", NOW - 240, NOW, 60, 2, 2, 0, 0, NULL);
    live_client_wait (b, "plug", house_a);
  }

  live_client_free (a);
  live_client_free (b);
  live_client_free (control);
  ingest_fixture_free (fixture);
}

/* A WebSocket client that signs in, reads the handshake answer and then
 * never reads again, with a small receive buffer so the kernel takes
 * little for it. */
static GSocket *
connect_stalled (IngestFixture *fixture,
                 const char    *token)
{
  g_autoptr(GUri) uri = g_uri_parse (fixture->server->url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, (guint16) g_uri_get_port (uri));
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) answer = g_string_new (NULL);
  g_autofree char *request = g_strdup_printf ("GET /api/v1/live HTTP/1.1\r\n"
                                              "Host: 127.0.0.1:%d\r\n"
                                              "Upgrade: websocket\r\n"
                                              "Connection: Upgrade\r\n"
                                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                              "Sec-WebSocket-Version: 13\r\n"
                                              "Authorization: Bearer %s\r\n\r\n",
                                              g_uri_get_port (uri), token);
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                  &error);

  g_assert_no_error (error);
  g_assert_true (g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, 4096, &error));
  g_socket_set_timeout (socket, 60);
  g_assert_true (g_socket_connect (socket, address, NULL, &error));
  g_assert_cmpint (g_socket_send (socket, request, strlen (request), NULL, &error), ==, strlen (request));
  /* The answer's head, one byte at a time so no frame is taken. */
  while (!g_str_has_suffix (answer->str, "\r\n\r\n"))
    {
      char c;

      g_assert_cmpint (g_socket_receive (socket, &c, 1, NULL, &error), ==, 1);
      g_string_append_c (answer, c);
    }
  g_assert_true (g_str_has_prefix (answer->str, "HTTP/1.1 101"));
  return socket;
}

static guint64
live_dropped_total (IngestFixture *fixture)
{
  g_autoptr(AnbuTestResponse) response = anbu_test_request (fixture->server, "GET", "/metrics", NULL, NULL);
  g_autofree char *text = g_strndup (g_bytes_get_data (response->raw, NULL), g_bytes_get_size (response->raw));
  const char *line = strstr (text, "\nanbu_live_clients_dropped_total ");

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("\nanbu_live_clients_dropped_total "), NULL, 10);
}

typedef struct
{
  LiveClient  *client;
  gint64   seen_at;
  guint    wanted;
  gboolean found;
} WaitRound;

static gboolean
check_round (gpointer user_data)
{
  WaitRound *wait = user_data;
  guint n = 0;

  for (guint i = 0; i < wait->client->messages->len; i++)
    if (g_strcmp0 (json_object_get_string_member (wait->client->messages->pdata[i], "type"), "plug") == 0
        && frame_seen_at (wait->client->messages->pdata[i]) == wait->seen_at)
      n++;
  wait->found = n >= wait->wanted;
  return wait->found ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

#define STALL_PLUGS 40

/* One reading for every plug at `t`; returns when `reader` saw them all. */
static void
post_round (IngestFixture *fixture,
            LiveClient        *reader,
            gint64         t)
{
  g_autoptr(GString) items = g_string_new (NULL);
  WaitRound wait = { reader, t, STALL_PLUGS, FALSE };

  for (guint i = 0; i < STALL_PLUGS; i++)
    {
      g_autofree char *serial = g_strdup_printf ("PLUG-%02u", i);
      g_autofree char *item = ingest_readings_json (serial, t, 60, 1, 3, 3, 0, 0, NULL);

      g_string_append_printf (items, "%s%s", i > 0 ? "," : "", item);
    }
  anbu_test_response_free (ingest_post (fixture, items->str));
  g_timeout_add (10, check_round, &wait);
  anbu_test_wait_for (&wait.found);
}

/* A client that never reads is dropped once what waits for it passes the
 * limit, rather than the server queueing for it without end; a client of
 * the same 동 that reads keeps receiving. */
static void
test_stalled_reader_dropped (void)
{
  const char * const args[] = { "--live-plug-interval", "1", "--live-queue-limit", "8192", NULL };
  IngestFixture *fixture = ingest_fixture_new (NOW, args);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *token = ingest_add_user (fixture, "planner-a", "planner", DONG_A);
  g_autoptr(GSocket) stalled = NULL;
  g_autoptr(GError) error = NULL;
  LiveClient *reader;
  gint64 t = NOW - 3600;
  char buffer[4096];
  gssize got;

  soup_session_set_proxy_resolver (session, NULL);
  for (guint i = 0; i < STALL_PLUGS; i++)
    {
      g_autofree char *serial = g_strdup_printf ("PLUG-%02u", i);
      g_autofree char *house = ingest_add_household (fixture, DONG_A, FALSE, 24, serial, NOW - 2 * HOUR);
    }
  stalled = connect_stalled (fixture, token);
  reader = live_client_connect (fixture->server, session, token);
  g_assert_no_error (reader->error);

  /* Each round sends the stalled client about 8 KB more. */
  for (guint round = 0; live_dropped_total (fixture) == 0; round++)
    {
      g_assert_cmpuint (round, <, 50);
      post_round (fixture, reader, t += 60);
    }
  g_assert_cmpuint (live_dropped_total (fixture), ==, 1);

  /* The reader is still served... */
  post_round (fixture, reader, t += 60);
  g_assert_cmpint (soup_websocket_connection_get_state (reader->connection), ==, SOUP_WEBSOCKET_STATE_OPEN);
  /* ...and the stalled connection ends once it reads what was on the way. */
  while ((got = g_socket_receive (stalled, buffer, sizeof buffer, NULL, &error)) > 0)
    ;
  if (got < 0)
    g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
  g_assert_cmpuint (live_dropped_total (fixture), ==, 1);

  live_client_free (reader);
  ingest_fixture_free (fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/live/scope", test_scope);
  g_test_add_func ("/anbu/live/plug-moved-away", test_plug_moved_away);
  g_test_add_func ("/anbu/live/throttle-keeps-latest", test_throttle_keeps_latest);
  g_test_add_func ("/anbu/live/scope-index", test_scope_index);
  g_test_add_func ("/anbu/live/stalled-reader-dropped", test_stalled_reader_dropped);

  return g_test_run ();
}
