/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What several anbu-server instances on one database share (issue 16):
 * the timer-pass leader, the live event bus and the sign-in throttle, on
 * SQLite (one process) and on a throwaway PostgreSQL 15
 * (anbu-test-postgres.h). The PostgreSQL cases are skipped only when
 * PostgreSQL is not installed. */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/socket.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>

#include "anbu-live-event-bus.h"
#include "anbu-live-hub.h"
#include "anbu-live-relay.h"
#include "anbu-local-event-bus.h"
#include "anbu-memory-throttle-ledger.h"
#include "anbu-pg-advisory-leader.h"
#include "anbu-pg-lock-keys.h"
#include "anbu-pg-event-bus.h"
#include "anbu-pg-throttle-ledger.h"
#include "anbu-sole-instance-leader.h"
#include "anbu-sqlite-reading-log.h"
#include "anbu-sqlite-store.h"
#include "anbu-store.h"
#include "anbu-telemetry.h"
#include "anbu-test-postgres.h"
#include "anbu-test-server.h"
#include "anbu-throttle.h"
#include "anbu-timer-pass-leader.h"

/* The promise: another instance leads within 30 s of the leader's death. */
#define TAKEOVER_SECONDS (30 * anbu_test_timeout_multiplier ())

typedef enum
{
  ENGINE_SQLITE,
  ENGINE_POSTGRESQL,
} Engine;

typedef struct
{
  Engine     engine;
  char      *dir;        /* SQLite: the temporary directory */
  char      *location;   /* the --db value: a file or a postgresql:// URI */
  AnbuStore *store;      /* opened first: it brings the schema up to date */
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->engine = GPOINTER_TO_INT (data);
  fixture->location = anbu_test_database_new (fixture->engine == ENGINE_POSTGRESQL,
                                              "anbu-cluster-XXXXXX", &fixture->dir);
  if (fixture->location == NULL)
    return;
  fixture->store = anbu_store_open (fixture->location, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->store);
  if (fixture->dir != NULL)
    anbu_test_database_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->location);
}

static gboolean
on_wait_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Spins the main loop until `array` (filled by a callback) holds `n` items. */
static void
wait_for_length (GPtrArray *array,
                 guint      n)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (ANBU_TEST_TIMEOUT_SECONDS, on_wait_timeout, &timed_out);

  while (array->len < n && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_cmpuint (array->len, >=, n);
}

static gboolean
on_tick (gpointer user_data)
{
  return G_SOURCE_REMOVE;
}

/* Asks `leader` every 100 ms, spinning the main loop between, until it
 * leads or `seconds` passed. */
static gboolean
wait_to_lead (AnbuTimerPassLeader *leader,
              guint                seconds)
{
  gint64 give_up = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gboolean leads = anbu_timer_pass_leader_try_lead (leader, &error);

      g_assert_no_error (error);
      if (leads)
        return TRUE;
      if (g_get_monotonic_time () > give_up)
        return FALSE;
      g_timeout_add (100, on_tick, NULL);
      g_main_context_iteration (NULL, TRUE);
    }
}

static AnbuTimerPassLeader *
new_leader (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  AnbuTimerPassLeader *leader = anbu_timer_pass_leader_new_for_location (fixture->location, &error);

  g_assert_no_error (error);
  g_assert_nonnull (leader);
  g_assert_true (fixture->engine == ENGINE_POSTGRESQL ? ANBU_IS_PG_ADVISORY_LEADER (leader)
                                                       : ANBU_IS_SOLE_INSTANCE_LEADER (leader));
  return leader;
}

static gboolean
try_lead (AnbuTimerPassLeader *leader)
{
  g_autoptr(GError) error = NULL;
  gboolean leads = anbu_timer_pass_leader_try_lead (leader, &error);

  g_assert_no_error (error);
  return leads;
}

/* Leader */

/* One server on SQLite runs every pass itself. */
static void
test_leader_sole (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(AnbuTimerPassLeader) leader = new_leader (fixture);

  g_assert_true (anbu_timer_pass_leader_get_leading (leader));
  g_assert_true (try_lead (leader));
  g_assert_true (try_lead (leader));
}

/* Two candidates: the first to ask leads and keeps leading; the other
 * leads once the first's connection is gone. */
static void
test_leader_one_wins (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(AnbuTimerPassLeader) first = new_leader (fixture);
  g_autoptr(AnbuTimerPassLeader) second = new_leader (fixture);
  g_autoptr(AnbuTimerPassLeader) third = NULL;

  g_assert_true (try_lead (first));
  g_assert_false (try_lead (second));
  g_assert_true (try_lead (first));
  g_assert_false (try_lead (second));

  g_clear_object (&first);
  g_assert_true (wait_to_lead (second, TAKEOVER_SECONDS));
  third = new_leader (fixture);
  g_assert_false (try_lead (third));
  g_assert_true (try_lead (second));
}

static void
on_leading_changed (AnbuTimerPassLeader *leader,
                    GParamSpec          *pspec,
                    gboolean            *leading)
{
  *leading = anbu_timer_pass_leader_get_leading (leader);
}

/* The leader's process is killed with SIGKILL: it never closes its
 * connection itself, and the standby takes over by itself (it asks on its
 * own timer) and says so. */
static void
test_leader_killed (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(AnbuTimerPassLeader) standby = new_leader (fixture);
  gboolean standby_leads = FALSE;
  gboolean timed_out = FALSE;
  guint timeout_id;
  g_autoptr(GSubprocess) candidate = NULL;
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  candidate = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                &error, g_getenv ("ANBU_TEST_LEADER_CANDIDATE"), fixture->location,
                                NULL);
  g_assert_no_error (error);
  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (candidate));
  /* Bounded by the candidate itself (two minutes). */
  line = g_data_input_stream_read_line_utf8 (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "leading");

  g_assert_false (try_lead (standby));
  g_assert_false (anbu_timer_pass_leader_get_leading (standby));
  g_signal_connect (standby, "notify::leading", G_CALLBACK (on_leading_changed), &standby_leads);
  /* Its own timer asks from now on; the default (10 s) also keeps within 30 s. */
  anbu_pg_advisory_leader_set_retry_interval (ANBU_PG_ADVISORY_LEADER (standby), 200);
  g_subprocess_send_signal (candidate, SIGKILL);
  g_subprocess_wait (candidate, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (candidate));
  g_assert_cmpint (g_subprocess_get_term_sig (candidate), ==, SIGKILL);

  timeout_id = g_timeout_add_seconds (TAKEOVER_SECONDS, on_wait_timeout, &timed_out);
  while (!standby_leads && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout_id);
  g_assert_true (standby_leads);
  g_assert_true (try_lead (standby));
}

/* A leader whose session PostgreSQL ended (restart, administrator) knows
 * it no longer leads, and leads again only if it wins the lock anew. */
static void
test_leader_session_ended (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(AnbuTimerPassLeader) first = new_leader (fixture);
  g_autoptr(AnbuTimerPassLeader) second = new_leader (fixture);
  g_autofree char *terminate = NULL;

  /* Only the test asks for `first`, so that it cannot win again unseen. */
  anbu_pg_advisory_leader_set_retry_interval (ANBU_PG_ADVISORY_LEADER (first), G_MAXINT);
  g_assert_true (try_lead (first));
  terminate = g_strdup ("SELECT pg_terminate_backend (pid) FROM pg_locks"
                        " WHERE locktype = 'advisory' AND granted"
                        " AND ((classid::bigint << 32) | objid::bigint) = " ANBU_PG_LOCK_TIMER_PASS);
  anbu_test_postgres_exec (fixture->location, terminate);
  g_assert_true (wait_to_lead (second, TAKEOVER_SECONDS));
  g_test_expect_message ("anbu-leader", G_LOG_LEVEL_WARNING, "Lost the connection that held*");
  g_assert_false (try_lead (first));
  g_test_assert_expected_messages ();
  g_assert_true (try_lead (second));
}

/* Live event bus */

typedef struct
{
  GPtrArray *payloads;
  guint      lost;
} Received;

static void
on_received (AnbuLiveEventBus *bus,
             const char       *payload,
             Received         *received)
{
  g_ptr_array_add (received->payloads, g_strdup (payload));
}

static void
on_events_lost (AnbuLiveEventBus *bus,
                Received         *received)
{
  received->lost++;
}

static AnbuLiveEventBus *
new_bus (Fixture  *fixture,
         Received *received)
{
  g_autoptr(GError) error = NULL;
  AnbuLiveEventBus *bus = anbu_live_event_bus_new_for_location (fixture->location, &error);

  g_assert_no_error (error);
  g_assert_true (fixture->engine == ENGINE_POSTGRESQL ? ANBU_IS_PG_EVENT_BUS (bus)
                                                       : ANBU_IS_LOCAL_EVENT_BUS (bus));
  if (received != NULL)
    {
      received->payloads = g_ptr_array_new_with_free_func (g_free);
      g_signal_connect (bus, "received", G_CALLBACK (on_received), received);
      g_signal_connect (bus, "events-lost", G_CALLBACK (on_events_lost), received);
    }
  return bus;
}

static void
publish (AnbuLiveEventBus   *bus,
         const char * const *payloads,
         guint               n)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (anbu_live_event_bus_publish (bus, payloads, n, &error));
  g_assert_no_error (error);
}

/* A payload of exactly `length` bytes of Korean text (3 bytes a
 * character) and ASCII, starting with `tag`. */
static char *
long_payload (const char *tag,
              gsize       length)
{
  GString *text = g_string_new (tag);

  while (text->len + strlen ("안") <= length)
    g_string_append (text, "안");
  while (text->len < length)
    g_string_append_c (text, 'x');
  return g_string_free (text, FALSE);
}

/* What one instance publishes reaches the others and itself, through the
 * main loop, all of it and in order: many at once, identical ones, and
 * ones at the limit. */
static void
test_events_in_order (Fixture       *fixture,
                      gconstpointer  data)
{
  Received at_sender = { 0 }, at_other = { 0 };
  g_autoptr(AnbuLiveEventBus) sender = new_bus (fixture, &at_sender);
  g_autoptr(AnbuLiveEventBus) other = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *largest = long_payload ("{\"big\":1}", ANBU_LIVE_EVENT_BUS_MAX_PAYLOAD);
  g_autofree char *large = long_payload ("{\"big\":2}", ANBU_LIVE_EVENT_BUS_MAX_PAYLOAD - 1);
  const char *same[] = { "{\"type\":\"change\"}", "{\"type\":\"change\"}" };
  const char *limits[] = { largest, large, largest };

  /* One process on SQLite: the sender hears itself. */
  other = fixture->engine == ENGINE_POSTGRESQL ? new_bus (fixture, &at_other) : NULL;

  for (guint round = 0; round < 3; round++)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < 200; i++)
        g_ptr_array_add (batch, g_strdup_printf ("{\"type\":\"plug\",\"n\":%u}", round * 200 + i));
      publish (sender, (const char * const *) batch->pdata, batch->len);
      for (guint i = 0; i < batch->len; i++)
        g_ptr_array_add (expected, g_strdup (batch->pdata[i]));
    }
  publish (sender, same, G_N_ELEMENTS (same));
  publish (sender, same, 1);
  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (expected, g_strdup (same[0]));
  publish (sender, limits, G_N_ELEMENTS (limits));
  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    g_ptr_array_add (expected, g_strdup (limits[i]));

  /* Nothing arrives before the main loop runs. */
  g_assert_cmpuint (at_sender.payloads->len, ==, 0);
  wait_for_length (at_sender.payloads, expected->len);
  if (other != NULL)
    wait_for_length (at_other.payloads, expected->len);
  for (guint i = 0; i < expected->len; i++)
    {
      g_assert_cmpstr (g_ptr_array_index (at_sender.payloads, i), ==, g_ptr_array_index (expected, i));
      if (other != NULL)
        g_assert_cmpstr (g_ptr_array_index (at_other.payloads, i), ==, g_ptr_array_index (expected, i));
    }
  g_assert_cmpuint (at_sender.payloads->len, ==, expected->len);
  g_assert_cmpuint (at_sender.lost, ==, 0);
  g_ptr_array_unref (at_sender.payloads);
  if (other != NULL)
    g_ptr_array_unref (at_other.payloads);
}

/* A payload over the limit is refused whole: nothing of its batch goes out. */
static void
test_events_too_large (Fixture       *fixture,
                       gconstpointer  data)
{
  Received received = { 0 };
  g_autoptr(AnbuLiveEventBus) bus = new_bus (fixture, &received);
  g_autofree char *over = long_payload ("{\"big\":3}", ANBU_LIVE_EVENT_BUS_MAX_PAYLOAD + 1);
  const char *batch[] = { "{\"type\":\"before\"}", over };
  const char *after[] = { "{\"type\":\"after\"}" };
  g_autoptr(GError) error = NULL;

  g_assert_false (anbu_live_event_bus_publish (bus, batch, G_N_ELEMENTS (batch), &error));
  g_assert_error (error, ANBU_LIVE_EVENT_BUS_ERROR, ANBU_LIVE_EVENT_BUS_ERROR_TOO_LARGE);
  publish (bus, after, 1);
  wait_for_length (received.payloads, 1);
  g_assert_cmpstr (g_ptr_array_index (received.payloads, 0), ==, after[0]);
  g_ptr_array_unref (received.payloads);
}

/* PostgreSQL ended the listening session: the bus listens again, says
 * that events may have been lost, and receives what comes after. */
static void
test_events_listen_again (Fixture       *fixture,
                          gconstpointer  data)
{
  Received received = { 0 };
  g_autoptr(AnbuLiveEventBus) listener = new_bus (fixture, &received);
  g_autoptr(AnbuLiveEventBus) sender = NULL;
  const char *after[] = { "{\"type\":\"after\"}" };
  gboolean timed_out = FALSE;
  guint id;

  g_test_expect_message ("anbu-live", G_LOG_LEVEL_WARNING, "Lost the connection that listens*");
  anbu_test_postgres_exec (fixture->location,
                           "SELECT pg_terminate_backend (pid) FROM pg_stat_activity"
                           " WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid ()");
  id = g_timeout_add_seconds (ANBU_TEST_TIMEOUT_SECONDS, on_wait_timeout, &timed_out);
  while (received.lost == 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_cmpuint (received.lost, ==, 1);
  g_test_assert_expected_messages ();

  /* Made now, so that only the listener above lost its session. */
  sender = new_bus (fixture, NULL);
  publish (sender, after, 1);
  wait_for_length (received.payloads, 1);
  g_assert_cmpstr (g_ptr_array_index (received.payloads, 0), ==, after[0]);
  g_ptr_array_unref (received.payloads);
}

/* Live events from one instance's producers to another instance's live
 * clients: hub, relay and bus as `serve` wires them, the bus on PostgreSQL. */

#define HOUSEHOLD_ID "0b9e7a5e-4f0c-4c57-9a43-4f5a7f3f0001"
#define ALERT_ID "0b9e7a5e-4f0c-4c57-9a43-4f5a7f3fa001"
#define LONG_ALERT_ID "0b9e7a5e-4f0c-4c57-9a43-4f5a7f3fa002"

typedef struct
{
  char                    *dir;
  AnbuStore               *store;      /* the hub's own (SQLite: its scope look-ups) */
  AnbuTelemetry           *telemetry;  /* makes the live tables the hub reads */
  AnbuLiveHub             *hub;
  AnbuLiveEventBus        *bus;
  AnbuLiveRelay           *relay;
  SoupWebsocketConnection *client;     /* an administrator's live connection */
  GPtrArray               *frames;     /* JsonObject * received by `client` */
} Instance;

static void
save_household (AnbuStore *store)
{
  g_autoptr(AnbuStoreEntity) entity = anbu_store_entity_new (ANBU_RECORD_KIND_HOUSEHOLD);
  g_autoptr(GError) error = NULL;

  entity->id = g_strdup (HOUSEHOLD_ID);
  entity->record = g_strdup ("{\"id\":\"" HOUSEHOLD_ID "\",\"dong_code\":\"1111051500\","
                             "\"name\":\"김순자\",\"status\":\"active\",\"version\":1}");
  entity->version = 1;
  entity->scope_key.dong_code = g_strdup ("1111051500");
  entity->scope_key.status = g_strdup ("active");
  entity->field_versions = g_strdup ("{}");
  g_assert_true (anbu_store_save (store, entity, &error));
  g_assert_no_error (error);
}

static void
on_frame (SoupWebsocketConnection *connection,
          gint                     type,
          GBytes                  *message,
          Instance                *instance)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (message, &length);
  g_autofree char *text = g_strndup (data, length);

  root = json_from_string (text, &error);
  g_assert_no_error (error);
  g_ptr_array_add (instance->frames, json_object_ref (json_node_get_object (root)));
}

/* A WebSocket pair over a socketpair: the hub's end and the client's. */
static void
connect_client (Instance *instance)
{
  AnbuStoreUser admin = { "u-admin", "admin", "관리자", ANBU_USER_ROLE_ADMIN, NULL, "-", FALSE };
  g_autoptr(GUri) uri = g_uri_parse ("ws://127.0.0.1/api/v1/live", G_URI_FLAGS_NONE, NULL);
  g_autoptr(SoupWebsocketConnection) server_side = NULL;
  g_autoptr(GError) error = NULL;
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, fds), ==, 0);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GSocket) socket = g_socket_new_from_fd (fds[i], &error);
      g_autoptr(GSocketConnection) stream = NULL;

      g_assert_no_error (error);
      stream = g_socket_connection_factory_create_connection (socket);
      if (i == 0)
        server_side = soup_websocket_connection_new (G_IO_STREAM (stream), uri,
                                                     SOUP_WEBSOCKET_CONNECTION_SERVER, NULL, NULL, NULL);
      else
        instance->client = soup_websocket_connection_new (G_IO_STREAM (stream), uri,
                                                          SOUP_WEBSOCKET_CONNECTION_CLIENT, NULL, NULL,
                                                          NULL);
    }
  instance->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_signal_connect (instance->client, "message", G_CALLBACK (on_frame), instance);
  admin.dong_codes = (char *[]) { NULL };
  anbu_live_hub_add (instance->hub, server_side, NULL, &admin);
}

/* `shared` is the database every instance uses, at `location`. */
static void
instance_start (Instance   *instance,
                AnbuStore  *shared,
                const char *location)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  /* Its own SQLite file for what does not run on PostgreSQL yet. */
  path = anbu_test_database_new (FALSE, "anbu-instance-XXXXXX", &instance->dir);
  instance->store = anbu_sqlite_store_open (path, &error);
  g_assert_no_error (error);
  save_household (instance->store);
  instance->telemetry = anbu_telemetry_new (instance->store, FALSE, 6 * 3600, &error);
  g_assert_no_error (error);
  instance->hub = anbu_live_hub_new (instance->store, 1);
  g_assert_nonnull (instance->hub);
  instance->bus = anbu_pg_event_bus_new (location, &error);
  g_assert_no_error (error);
  instance->relay = anbu_live_relay_new (instance->bus, instance->hub, shared);
  connect_client (instance);
}

static void
instance_stop (Instance *instance)
{
  g_clear_object (&instance->relay);
  g_clear_object (&instance->bus);
  g_clear_object (&instance->hub);
  g_clear_object (&instance->client);
  g_clear_object (&instance->telemetry);
  g_clear_object (&instance->store);
  g_clear_pointer (&instance->frames, g_ptr_array_unref);
  anbu_test_database_remove_dir (instance->dir);
  g_free (instance->dir);
}

static JsonObject *
frame_record (Instance   *instance,
              guint       index,
              const char *type)
{
  JsonObject *frame = g_ptr_array_index (instance->frames, index);

  g_assert_cmpstr (json_object_get_string_member (frame, "type"), ==, type);
  return json_object_get_object_member (frame, "record");
}

/* A plug status, a short alert and one too long for a NOTIFY (read by
 * its id) reach the administrator on the other instance as on the one
 * that published them, in order. */
static void
test_events_reach_other_instance (Fixture       *fixture,
                                  gconstpointer  data)
{
  Instance sender = { 0 }, other = { 0 };
  AnbuTelemetryPlugStatus status = { "P-0001", HOUSEHOLD_ID, 1795483800, 12.5, 3.25, 1795483700 };
  g_autoptr(GPtrArray) statuses = g_ptr_array_new ();
  g_autoptr(AnbuStoreEntity) alert = anbu_store_entity_new (ANBU_RECORD_KIND_ALERT);
  g_autoptr(GString) note = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *long_record = NULL;
  Instance *instances[] = { &sender, &other };

  save_household (fixture->store);
  while (note->len < ANBU_LIVE_EVENT_BUS_MAX_PAYLOAD + 100)
    g_string_append (note, "오늘 아침부터 조용합니다. ");
  long_record = g_strdup_printf ("{\"id\":\"" LONG_ALERT_ID "\",\"household_id\":\"" HOUSEHOLD_ID "\","
                                 "\"level\":\"risk\",\"note\":\"%s\"}", note->str);
  alert->id = g_strdup (LONG_ALERT_ID);
  alert->household_id = g_strdup (HOUSEHOLD_ID);
  alert->state = g_strdup ("open");
  alert->record = g_strdup (long_record);
  alert->version = 1;
  g_assert_true (anbu_store_save (fixture->store, alert, &error));
  g_assert_no_error (error);

  instance_start (&sender, fixture->store, fixture->location);
  instance_start (&other, fixture->store, fixture->location);

  g_ptr_array_add (statuses, &status);
  anbu_live_relay_publish_plugs (sender.relay, statuses);
  anbu_live_relay_publish_alert (sender.relay, HOUSEHOLD_ID,
                                 "{\"id\":\"" ALERT_ID "\",\"household_id\":\"" HOUSEHOLD_ID "\","
                                 "\"level\":\"watch\"}");
  anbu_live_relay_publish_alert (sender.relay, HOUSEHOLD_ID, long_record);

  for (guint i = 0; i < G_N_ELEMENTS (instances); i++)
    {
      Instance *instance = instances[i];
      JsonObject *record;

      wait_for_length (instance->frames, 3);
      record = frame_record (instance, 0, "plug");
      g_assert_cmpstr (json_object_get_string_member (record, "serial"), ==, "P-0001");
      g_assert_cmpstr (json_object_get_string_member (record, "household_id"), ==, HOUSEHOLD_ID);
      g_assert_cmpfloat (json_object_get_double_member (record, "last_watts"), ==, 12.5);
      g_assert_cmpfloat (json_object_get_double_member (record, "last_lux"), ==, 3.25);
      g_assert_true (json_object_has_member (record, "last_activity_at"));
      record = frame_record (instance, 1, "alert");
      g_assert_cmpstr (json_object_get_string_member (record, "id"), ==, ALERT_ID);
      g_assert_cmpstr (json_object_get_string_member (record, "level"), ==, "watch");
      record = frame_record (instance, 2, "alert");
      g_assert_cmpstr (json_object_get_string_member (record, "id"), ==, LONG_ALERT_ID);
      g_assert_cmpstr (json_object_get_string_member (record, "note"), ==, note->str);
    }

  instance_stop (&other);
  instance_stop (&sender);
}

/* Sign-in throttle */

static AnbuThrottleLedger *
new_ledger (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  AnbuThrottleLedger *ledger = anbu_throttle_ledger_new_for_location (fixture->location, &error);

  g_assert_no_error (error);
  g_assert_true (fixture->engine == ENGINE_POSTGRESQL ? ANBU_IS_PG_THROTTLE_LEDGER (ledger)
                                                       : ANBU_IS_MEMORY_THROTTLE_LEDGER (ledger));
  return ledger;
}

/* The rules of anbu-throttle.h, with attempts made on `a` and checked on
 * `b`: 3 failures within 60 s lock for 10 s, doubling with each further
 * failure; a forgiven failure lifts the lock it caused; success clears. */
static void
check_throttle_rules (AnbuThrottle *a,
                      AnbuThrottle *b)
{
  anbu_throttle_failed (a, "kim", 1000);
  anbu_throttle_failed (b, "kim", 1001);
  g_assert_cmpuint (anbu_throttle_retry_after (a, "kim", 1001), ==, 0);
  anbu_throttle_failed (a, "kim", 1002);
  g_assert_cmpuint (anbu_throttle_retry_after (b, "kim", 1002), ==, 10);
  g_assert_cmpuint (anbu_throttle_retry_after (b, "kim", 1007), ==, 5);
  g_assert_cmpuint (anbu_throttle_retry_after (b, "lee", 1007), ==, 0);
  anbu_throttle_failed (b, "kim", 1003);
  g_assert_cmpuint (anbu_throttle_retry_after (a, "kim", 1003), ==, 20);
  g_assert_cmpuint (anbu_throttle_retry_after (a, "kim", 1023), ==, 0);

  /* Four failures: one forgiven leaves three, still locked; two lift it. */
  anbu_throttle_forgive (b, "kim");
  g_assert_cmpuint (anbu_throttle_retry_after (a, "kim", 1004), ==, 19);
  anbu_throttle_forgive (a, "kim");
  g_assert_cmpuint (anbu_throttle_retry_after (b, "kim", 1004), ==, 0);
  anbu_throttle_failed (b, "kim", 1005);
  g_assert_cmpuint (anbu_throttle_retry_after (a, "kim", 1005), ==, 10);

  anbu_throttle_succeeded (a, "kim");
  g_assert_cmpuint (anbu_throttle_retry_after (b, "kim", 1005), ==, 0);
  anbu_throttle_failed (b, "kim", 1006);
  anbu_throttle_failed (b, "kim", 1007);
  g_assert_cmpuint (anbu_throttle_retry_after (a, "kim", 1007), ==, 0);

  /* Failures further apart than the window start the count again. */
  anbu_throttle_failed (a, "park", 2000);
  anbu_throttle_failed (a, "park", 2001);
  anbu_throttle_failed (b, "park", 2062);
  g_assert_cmpuint (anbu_throttle_retry_after (a, "park", 2062), ==, 0);
  anbu_throttle_failed (b, "park", 2063);
  g_assert_cmpuint (anbu_throttle_retry_after (a, "park", 2063), ==, 0);
  anbu_throttle_failed (b, "park", 2064);
  g_assert_cmpuint (anbu_throttle_retry_after (a, "park", 2064), ==, 10);
}

/* One process on SQLite: the rules as they always were, in memory. */
static void
test_throttle_rules (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(AnbuThrottleLedger) ledger = new_ledger (fixture);
  g_autoptr(AnbuThrottle) throttle = anbu_throttle_new_shared (ledger, "user", 3, 60, 10);
  g_autoptr(AnbuThrottle) alone = anbu_throttle_new (3, 60, 10);
  g_autoptr(AnbuThrottle) addresses = anbu_throttle_new_shared (ledger, "address", 3, 60, 10);

  check_throttle_rules (throttle, throttle);
  check_throttle_rules (alone, alone);
  /* Another throttle on the same ledger counts its own keys. */
  g_assert_cmpuint (anbu_throttle_retry_after (addresses, "park", 2064), ==, 0);
}

/* Two instances, each with its own connection: what one counts, the other
 * sees, under the same rules. */
static void
test_throttle_shared (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(AnbuThrottleLedger) ledger_a = new_ledger (fixture);
  g_autoptr(AnbuThrottleLedger) ledger_b = new_ledger (fixture);
  g_autoptr(AnbuThrottle) a = anbu_throttle_new_shared (ledger_a, "user", 3, 60, 10);
  g_autoptr(AnbuThrottle) b = anbu_throttle_new_shared (ledger_b, "user", 3, 60, 10);
  g_autoptr(AnbuThrottle) addresses = anbu_throttle_new_shared (ledger_b, "address", 3, 60, 10);

  check_throttle_rules (a, b);
  g_assert_cmpuint (anbu_throttle_retry_after (addresses, "park", 2064), ==, 0);
}

typedef struct
{
  const char *location;
  guint       failures;
} Hammer;

static gpointer
hammer_failures (gpointer user_data)
{
  Hammer *hammer = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuThrottleLedger) ledger = anbu_throttle_ledger_new_for_location (hammer->location,
                                                                                &error);
  g_autoptr(AnbuThrottle) throttle = NULL;

  g_assert_no_error (error);
  throttle = anbu_throttle_new_shared (ledger, "address", 1000, 3600, 1);
  for (guint i = 0; i < hammer->failures; i++)
    anbu_throttle_failed (throttle, "127.0.0.1", 5000);
  return NULL;
}

/* Failures counted at the same moment on two instances are all counted:
 * no update starts from a count another one is about to change. */
static void
test_throttle_concurrent (Fixture       *fixture,
                          gconstpointer  data)
{
  Hammer hammer = { fixture->location, 60 };
  g_autoptr(AnbuThrottleLedger) ledger = new_ledger (fixture);
  g_autoptr(GError) error = NULL;
  AnbuThrottleAttempts attempts;
  GThread *threads[3];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("hammer", hammer_failures, &hammer);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_true (anbu_throttle_ledger_lookup (ledger, "address", "127.0.0.1", &attempts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (attempts.failures, ==, G_N_ELEMENTS (threads) * hammer.failures);
}

static void
add_case (const char *name,
          void      (*test) (Fixture *, gconstpointer),
          Engine      engine)
{
  g_autofree char *path = g_strdup_printf ("/cluster/%s/%s",
                                           engine == ENGINE_SQLITE ? "sqlite" : "postgresql", name);

  g_test_add (path, Fixture, GINT_TO_POINTER (engine), fixture_setup, test, fixture_teardown);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  add_case ("leader/sole", test_leader_sole, ENGINE_SQLITE);
  add_case ("leader/one-wins", test_leader_one_wins, ENGINE_POSTGRESQL);
  add_case ("leader/killed", test_leader_killed, ENGINE_POSTGRESQL);
  add_case ("leader/session-ended", test_leader_session_ended, ENGINE_POSTGRESQL);
  add_case ("events/in-order", test_events_in_order, ENGINE_SQLITE);
  add_case ("events/in-order", test_events_in_order, ENGINE_POSTGRESQL);
  add_case ("events/too-large", test_events_too_large, ENGINE_SQLITE);
  add_case ("events/too-large", test_events_too_large, ENGINE_POSTGRESQL);
  add_case ("events/listen-again", test_events_listen_again, ENGINE_POSTGRESQL);
  add_case ("events/reach-other-instance", test_events_reach_other_instance, ENGINE_POSTGRESQL);
  add_case ("throttle/rules", test_throttle_rules, ENGINE_SQLITE);
  add_case ("throttle/shared", test_throttle_shared, ENGINE_POSTGRESQL);
  add_case ("throttle/concurrent", test_throttle_concurrent, ENGINE_POSTGRESQL);

  return anbu_test_postgres_run_tests ();
}
