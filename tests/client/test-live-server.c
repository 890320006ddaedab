/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The live channel against the real anbu-server: an alert raised by
 * ingested telemetry reaches the signed-in client within 2 s, and the
 * pull it triggers brings the alert into the replica; a server that stops
 * answering shows as offline within 5 s, and online again when it is back. */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "anbu-ingest-fixture.h"
#include "anbu-session.h"
#include "client-test-util.h"

#define DONG "1111051500"
#define NOW ((gint64) 1795582800)
#define HOUR ((gint64) 3600)

typedef struct
{
  char   *household_id;
  gint64  arrived;
  char   *kind;
} AlertSeen;

static void
on_alert (AnbuLiveChannel *live,
          JsonObject      *record,
          gpointer         user_data)
{
  AlertSeen *seen = user_data;

  if (seen->arrived == 0
      && g_strcmp0 (json_object_get_string_member_with_default (record, "household_id", NULL),
                    seen->household_id) == 0)
    {
      seen->arrived = g_get_monotonic_time ();
      seen->kind = g_strdup (json_object_get_string_member_with_default (record, "kind", NULL));
    }
}

static void
on_records_changed (AnbuReplica *replica,
                    const char  *kind,
                    gpointer     user_data)
{
  if (g_str_equal (kind, "alert"))
    *(gboolean *) user_data = TRUE;
}

static void
test_live_alert_within_two_seconds (void)
{
  IngestFixture *fixture = ingest_fixture_new (NOW, NULL);
  g_autofree char *planner_token = ingest_add_user (fixture, "planner", "planner", DONG);
  g_autofree char *household = ingest_add_household (fixture, DONG, FALSE, 24, "PLUG-LIVE",
                                                     NOW - 30 * HOUR);
  g_autofree char *data_dir = NULL;
  g_autoptr(AnbuSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  AnbuLiveChannel *live;
  AnbuReplica *replica;
  AlertSeen seen = { household, 0, NULL };
  gboolean alert_pulled = FALSE;
  gboolean connected = FALSE;
  gint64 ingested;

  data_dir = g_dir_make_tmp ("anbu-client-live-XXXXXX", &error);
  g_assert_no_error (error);
  session = anbu_session_new (data_dir);
  anbu_session_set_kdf_cost (session, 1, 8192);
  anbu_session_set_autostart (session, FALSE);
  AWAIT (result, anbu_session_sign_in_async (session, fixture->server->url, NULL, "planner",
                                             INGEST_PASSWORD, NULL, test_ready_cb, &result));
  g_assert_true (anbu_session_sign_in_finish (session, result, &error));
  g_assert_no_error (error);
  AWAIT (result, anbu_sync_engine_sync_async (anbu_session_get_sync_engine (session), NULL,
                                              test_ready_cb, &result));
  g_assert_true (anbu_sync_engine_sync_finish (anbu_session_get_sync_engine (session), result,
                                               &error));

  replica = anbu_session_get_replica (session);
  g_signal_connect (replica, "records-changed", G_CALLBACK (on_records_changed), &alert_pulled);
  live = anbu_session_get_live_channel (session);
  g_signal_connect (live, "alert-updated", G_CALLBACK (on_alert), &seen);
  anbu_live_channel_start (live);
  {
    gboolean timed_out = FALSE;
    guint id = g_timeout_add_seconds (TEST_TIMEOUT_SECONDS, test_timeout_cb, &timed_out);

    while (!anbu_live_channel_get_connected (live) && !timed_out)
      g_main_context_iteration (NULL, TRUE);
    if (!timed_out)
      g_source_remove (id);
    connected = !timed_out;
  }
  g_assert_true (connected);

  /* 29 hours of standby after one switch-on: this batch raises the signal. */
  ingest_post_span (fixture, "PLUG-LIVE", NOW - 29 * HOUR - 600, NOW, 60, 2, 80,
                    NOW - 29 * HOUR - 300, NOW - 29 * HOUR, NULL);
  ingested = g_get_monotonic_time ();
  {
    gboolean timed_out = FALSE;
    guint id = g_timeout_add_seconds (TEST_TIMEOUT_SECONDS, test_timeout_cb, &timed_out);

    while (seen.arrived == 0 && !timed_out)
      g_main_context_iteration (NULL, TRUE);
    if (!timed_out)
      g_source_remove (id);
    g_assert_false (timed_out);
  }
  g_assert_cmpstr (seen.kind, ==, "inactivity");
  g_assert_cmpint (seen.arrived - ingested, <, 2 * G_USEC_PER_SEC);

  /* The change notice makes the client pull: the alert is in the replica. */
  test_wait_for_flag (&alert_pulled, TEST_TIMEOUT_SECONDS);
  AWAIT (result, anbu_replica_list_records_async (replica, "alert", household, NULL, test_ready_cb,
                                                  &result));
  alerts = anbu_replica_list_records_finish (replica, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (alerts->len, >=, 1);

  anbu_live_channel_stop (live);
  g_free (seen.kind);
  g_clear_object (&result);
  test_close_object ((GObject **) &session);
  {
    g_autofree char *path = g_build_filename (data_dir, "replica.db", NULL);

    anbu_replica_delete_files (path, NULL);
    g_rmdir (data_dir);
  }
  ingest_fixture_free (fixture);
}

static void
on_state_changed (AnbuSyncEngine *engine,
                  GParamSpec     *pspec,
                  gint64         *offline_at)
{
  if (*offline_at == 0 && anbu_sync_engine_get_state (engine) == ANBU_SYNC_STATE_OFFLINE)
    *offline_at = g_get_monotonic_time ();
}

static gboolean
engine_online (gpointer data)
{
  return anbu_sync_engine_get_state (data) == ANBU_SYNC_STATE_ONLINE;
}

static gboolean
wait_until (GSourceFunc condition,
            gpointer    data,
            guint       seconds)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (seconds, test_timeout_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return !timed_out;
}

static gboolean
live_connected (gpointer data)
{
  return anbu_live_channel_get_connected (data);
}

static gboolean
time_set (gpointer data)
{
  return *(gint64 *) data != 0;
}

/* The server freezes (SIGSTOP: no socket error, nothing answers): the
 * heartbeat notices and the header's state says offline within 5 s, with no
 * change saved and no sync asked for; when it thaws the channel reconnects
 * and the state is online again. */
static void
test_offline_within_five_seconds (void)
{
  IngestFixture *fixture = ingest_fixture_new (NOW, NULL);
  g_autofree char *planner_token = ingest_add_user (fixture, "planner", "planner", DONG);
  g_autofree char *data_dir = NULL;
  g_autoptr(AnbuSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  AnbuSyncEngine *engine;
  AnbuLiveChannel *live;
  gint64 offline_at = 0, frozen_at;

  data_dir = g_dir_make_tmp ("anbu-client-live-XXXXXX", &error);
  g_assert_no_error (error);
  session = anbu_session_new (data_dir);
  anbu_session_set_kdf_cost (session, 1, 8192);
  anbu_session_set_autostart (session, FALSE);
  AWAIT (result, anbu_session_sign_in_async (session, fixture->server->url, NULL, "planner",
                                             INGEST_PASSWORD, NULL, test_ready_cb, &result));
  g_assert_true (anbu_session_sign_in_finish (session, result, &error));
  g_assert_no_error (error);
  engine = anbu_session_get_sync_engine (session);
  AWAIT (result, anbu_sync_engine_sync_async (engine, NULL, test_ready_cb, &result));
  g_assert_true (anbu_sync_engine_sync_finish (engine, result, &error));
  g_assert_cmpint (anbu_sync_engine_get_state (engine), ==, ANBU_SYNC_STATE_ONLINE);

  live = anbu_session_get_live_channel (session);
  anbu_live_channel_start (live);
  g_assert_true (wait_until (live_connected, live, TEST_TIMEOUT_SECONDS));
  /* Idle and online: the pull the connection asked for is over. */
  g_assert_true (wait_until (engine_online, engine, TEST_TIMEOUT_SECONDS));
  g_signal_connect (engine, "notify::state", G_CALLBACK (on_state_changed), &offline_at);

  g_subprocess_send_signal (fixture->server->process, SIGSTOP);
  frozen_at = g_get_monotonic_time ();
  g_assert_true (wait_until (time_set, &offline_at, TEST_TIMEOUT_SECONDS));
  g_test_message ("offline after %.1f s", (offline_at - frozen_at) / 1e6);
  g_assert_cmpint (offline_at - frozen_at, <, 5 * G_USEC_PER_SEC);
  g_assert_false (anbu_live_channel_get_connected (live));

  g_subprocess_send_signal (fixture->server->process, SIGCONT);
  g_assert_true (wait_until (live_connected, live, TEST_TIMEOUT_SECONDS));
  g_assert_true (wait_until (engine_online, engine, TEST_TIMEOUT_SECONDS));

  g_signal_handlers_disconnect_by_data (engine, &offline_at);
  anbu_live_channel_stop (live);
  g_clear_object (&result);
  test_close_object ((GObject **) &session);
  {
    g_autofree char *path = g_build_filename (data_dir, "replica.db", NULL);

    anbu_replica_delete_files (path, NULL);
    g_rmdir (data_dir);
  }
  ingest_fixture_free (fixture);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anbu/client-live/alert-within-two-seconds", test_live_alert_within_two_seconds);
  g_test_add_func ("/anbu/client-live/offline-within-five-seconds", test_offline_within_five_seconds);

  return g_test_run ();
}
