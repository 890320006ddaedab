/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A caseload move seen by both planners' apps (their real replicas and sync
 * engines) against the real anbu-server on 127.0.0.1, with the server's and
 * this process's clocks moved by the test. */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "anbu-clock.h"
#include "anbu-session.h"
#include "anbu-test-server.h"
#include "client-test-util.h"

#define PASSWORD "correct horse battery"
#define DONG_A "1111051500"
#define DONG_B "1111053000"
#define FAST_OPS 1
#define FAST_MEM ((gsize) 8192)

/* Monday 2026-12-07, 08:00 KST; the move takes effect at 09:00. */
#define START "2026-12-07T08:00:00+09:00"
#define START_USEC G_GINT64_CONSTANT (1796598000000000)
#define MINUTE_USEC (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)

typedef struct
{
  char        *username;
  char        *id;
  char        *data_dir;
  AnbuSession *session;
} Planner;

typedef struct
{
  AnbuTestServer *server;
  AnbuClock      *clock;
  char           *admin_token;
  Planner         kim;
  Planner         lee;
} Fixture;

static void
planner_set_up (Fixture    *fx,
                Planner    *planner,
                const char *username,
                const char *dong)
{
  g_autoptr(GError) error = NULL;

  planner->username = g_strdup (username);
  planner->id = anbu_test_server_add_user (fx->server, username, "planner", dong, PASSWORD);
  planner->data_dir = g_dir_make_tmp ("anbu-caseload-test-XXXXXX", &error);
  g_assert_no_error (error);
  planner->session = anbu_session_new (planner->data_dir);
  anbu_session_set_kdf_cost (planner->session, FAST_OPS, FAST_MEM);
  anbu_session_set_autostart (planner->session, FALSE);
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
planner_tear_down (Planner *planner)
{
  test_close_object ((GObject **) &planner->session);
  remove_tree (planner->data_dir);
  g_free (planner->data_dir);
  g_free (planner->username);
  g_free (planner->id);
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  const char *args[] = { "--manual-clock", START, NULL };

  /* The apps' clock: outbox entries carry its time. */
  fx->clock = anbu_clock_new_manual (START_USEC);
  anbu_clock_set_default (fx->clock);
  fx->server = anbu_test_server_new (args);
  g_free (anbu_test_server_add_user (fx->server, "admin", "admin", NULL, PASSWORD));
  fx->admin_token = anbu_test_server_sign_in (fx->server, "admin", PASSWORD);
  planner_set_up (fx, &fx->kim, "kim", DONG_A);
  planner_set_up (fx, &fx->lee, "lee", DONG_B);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  planner_tear_down (&fx->kim);
  planner_tear_down (&fx->lee);
  g_free (fx->admin_token);
  anbu_test_server_free (fx->server);
  /* The default clock keeps its reference. */
  g_clear_object (&fx->clock);
}

static void
sign_in (Fixture *fx,
         Planner *planner)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  AWAIT (result, anbu_session_sign_in_async (planner->session, fx->server->url, NULL,
                                             planner->username, PASSWORD, NULL, test_ready_cb, &result));
  anbu_session_sign_in_finish (planner->session, result, &error);
  g_assert_no_error (error);
}

static void
sync_now (Planner *planner)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  AnbuSyncEngine *engine = anbu_session_get_sync_engine (planner->session);

  AWAIT (result, anbu_sync_engine_sync_async (engine, NULL, test_ready_cb, &result));
  anbu_sync_engine_sync_finish (engine, result, &error);
  g_assert_no_error (error);
}

static gint64
count_local (Planner    *planner,
             const char *kind)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  AnbuReplica *replica = anbu_session_get_replica (planner->session);
  gint64 count;

  AWAIT (result, anbu_replica_count_records_async (replica, kind, NULL, test_ready_cb, &result));
  count = anbu_replica_count_records_finish (replica, result, &error);
  g_assert_no_error (error);
  return count;
}

static JsonObject *
get_local (Planner    *planner,
           const char *kind,
           const char *id)
{
  g_autoptr(GAsyncResult) result = NULL;
  AnbuReplica *replica = anbu_session_get_replica (planner->session);

  AWAIT (result, anbu_replica_get_record_async (replica, kind, id, NULL, test_ready_cb, &result));
  return anbu_replica_get_record_finish (replica, result, NULL);
}

/* A visit recorded in the app, offline: it waits in the outbox. */
static char *
record_visit (Planner    *planner,
              const char *household_id,
              const char *at)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) visit = json_object_new ();
  AnbuReplica *replica = anbu_session_get_replica (planner->session);
  char *id = g_uuid_string_random ();
  g_autofree char *mutation_id = NULL;

  json_object_set_string_member (visit, "id", id);
  json_object_set_string_member (visit, "household_id", household_id);
  json_object_set_string_member (visit, "at", at);
  json_object_set_string_member (visit, "by", planner->id);
  json_object_set_string_member (visit, "purpose", "regular");
  AWAIT (result, anbu_replica_record_change_async (replica, "visit.create", visit, NULL,
                                                   test_ready_cb, &result));
  mutation_id = anbu_replica_record_change_finish (replica, result, &error);
  g_assert_no_error (error);
  return id;
}

static char *
create_household (Fixture    *fx,
                  const char *dong,
                  const char *name)
{
  char *id = g_uuid_string_random ();
  g_autofree char *entry_id = g_uuid_string_random ();
  g_autofree char *entries = g_strdup_printf ("[{\"id\": \"%s\", \"kind\": \"household.create\", "
                                              "\"payload\": {\"id\": \"%s\", \"dong_code\": \"%s\", "
                                              "\"name\": \"%s\", \"address\": \"서울특별시 종로구 자하문로 1\"}}]",
                                              entry_id, id, dong, name);
  g_autoptr(AnbuTestResponse) response = NULL;
  JsonArray *results = anbu_test_push (fx->server, fx->admin_token, entries, &response);

  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "status"),
                   ==, "applied");
  return id;
}

static void
tick (Fixture    *fx,
      const char *now)
{
  g_autofree char *body = g_strdup_printf ("{\"now\": \"%s\"}", now);
  g_autoptr(AnbuTestResponse) response = anbu_test_request (fx->server, "POST", "/api/v1/admin/tick",
                                                            fx->admin_token, body);

  g_assert_cmpuint (response->status, ==, 200);
}

/* The outbox entry that was refused, with its reason. */
static AnbuOutboxEntry *
find_rejected (Planner *planner)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  AnbuReplica *replica = anbu_session_get_replica (planner->session);

  AWAIT (result, anbu_replica_list_outbox_async (replica, NULL, test_ready_cb, &result));
  entries = anbu_replica_list_outbox_finish (replica, result, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      AnbuOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (anbu_outbox_entry_get_state (entry) == ANBU_OUTBOX_STATE_REJECTED)
        return g_object_ref (entry);
    }
  return NULL;
}

/* kim's 동 moves to lee at 09:00. kim, offline all morning, visited one
 * household at 08:30 (still hers) and the other at 09:10 (no longer hers).
 * When kim's app syncs, the 08:30 visit is accepted, the 09:10 one is
 * refused as moved and shown as a refusal, and both households leave her
 * replica; lee's app receives both households and the 08:30 visit. */
static void
test_move_seen_by_both_apps (Fixture       *fx,
                             gconstpointer  data)
{
  g_autofree char *h1 = create_household (fx, DONG_A, "김영수");
  g_autofree char *h2 = create_household (fx, DONG_A, "박순자");
  g_autofree char *before = NULL, *after = NULL;
  g_autoptr(AnbuTestResponse) made = NULL;
  g_autoptr(AnbuOutboxEntry) refused = NULL;
  g_autoptr(JsonObject) moved = NULL, visit = NULL;
  AnbuSyncEngine *kim_engine;

  sign_in (fx, &fx->kim);
  sign_in (fx, &fx->lee);
  sync_now (&fx->kim);
  sync_now (&fx->lee);
  g_assert_cmpint (count_local (&fx->kim, "household"), ==, 2);
  g_assert_cmpint (count_local (&fx->lee, "household"), ==, 0);

  /* Offline from here on: kim's changes wait in her outbox. */
  anbu_clock_set_now_usec (fx->clock, START_USEC + 30 * MINUTE_USEC);
  before = record_visit (&fx->kim, h1, "2026-12-07T08:30:00+09:00");

  made = anbu_test_request (fx->server, "POST", "/api/v1/admin/caseload/moves", fx->admin_token,
                            "{\"dong_code\": \"" DONG_A "\", \"from\": \"kim\", \"to\": \"lee\", "
                            "\"effective_at\": \"2026-12-07T09:00:00+09:00\"}");
  g_assert_cmpuint (made->status, ==, 201);
  tick (fx, "2026-12-07T09:05:00+09:00");

  anbu_clock_set_now_usec (fx->clock, START_USEC + 70 * MINUTE_USEC);
  after = record_visit (&fx->kim, h2, "2026-12-07T09:10:00+09:00");
  g_assert_cmpint (anbu_session_get_pending_count (fx->kim.session), ==, 2);

  sync_now (&fx->kim);
  kim_engine = anbu_session_get_sync_engine (fx->kim.session);
  g_assert_cmpint (count_local (&fx->kim, "household"), ==, 0);
  g_assert_cmpint (count_local (&fx->kim, "visit"), ==, 0);
  g_assert_cmpuint (anbu_sync_engine_get_pending_count (kim_engine), ==, 0);
  g_assert_cmpuint (anbu_sync_engine_get_rejection_count (kim_engine), ==, 1);
  refused = find_rejected (&fx->kim);
  g_assert_nonnull (refused);
  g_assert_cmpstr (anbu_outbox_entry_get_reason_code (refused), ==, "moved");
  g_assert_cmpstr (anbu_outbox_entry_get_household_id (refused), ==, h2);

  sync_now (&fx->lee);
  g_assert_cmpint (count_local (&fx->lee, "household"), ==, 2);
  moved = get_local (&fx->lee, "household", h1);
  g_assert_nonnull (moved);
  g_assert_cmpstr (json_object_get_string_member (moved, "planner_id"), ==, fx->lee.id);
  visit = get_local (&fx->lee, "visit", before);
  g_assert_nonnull (visit);
  g_assert_cmpstr (json_object_get_string_member (visit, "by"), ==, fx->kim.id);
  g_assert_null (get_local (&fx->lee, "visit", after));
}

typedef struct
{
  guint    fetched;
  gboolean finished;
} SeriesRuns;

static void
on_series_finished (AnbuSeriesPrefetcher *prefetcher,
                    guint                 fetched,
                    SeriesRuns           *runs)
{
  runs->fetched += fetched;
  runs->finished = TRUE;
}

/* Every household of the caseload gets its 7-day series kept in the replica
 * in the background after a sync, so its page has a chart offline although
 * nobody opened it while online. */
static void
test_series_kept_for_offline (Fixture       *fx,
                              gconstpointer  data)
{
  g_autofree char *first = create_household (fx, DONG_A, "김영수");
  g_autofree char *second = create_household (fx, DONG_A, "이순자");
  g_autofree char *elsewhere = create_household (fx, DONG_B, "박철수");
  AnbuSeriesPrefetcher *prefetcher;
  AnbuReplica *replica;
  SeriesRuns runs = { 0, FALSE };
  const char *ids[] = { first, second };

  sign_in (fx, &fx->kim);
  prefetcher = anbu_session_get_series_prefetcher (fx->kim.session);
  g_assert_nonnull (prefetcher);
  g_signal_connect (prefetcher, "finished", G_CALLBACK (on_series_finished), &runs);
  sync_now (&fx->kim);
  g_assert_cmpint (count_local (&fx->kim, "household"), ==, 2);
  /* The run started by the sync ends by itself. */
  test_wait_for_flag (&runs.finished, TEST_TIMEOUT_SECONDS);
  g_assert_false (anbu_series_prefetcher_get_running (prefetcher));
  g_assert_cmpuint (runs.fetched, ==, 2);

  /* The server goes away: the copies are in the replica. */
  anbu_test_server_stop (fx->server, SIGTERM);
  replica = anbu_session_get_replica (fx->kim.session);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *name = anbu_series_prefetcher_cache_name (ids[i]);
      g_autofree char *text = anbu_replica_dup_secret (replica, name);
      g_autoptr(JsonNode) node = NULL;
      JsonObject *series;

      g_assert_nonnull (text);
      node = json_from_string (text, NULL);
      g_assert_true (node != NULL && JSON_NODE_HOLDS_OBJECT (node));
      series = json_node_get_object (node);
      g_assert_cmpstr (json_object_get_string_member (series, "household_id"), ==, ids[i]);
      /* Seven days in hourly buckets, as the household page asks. */
      g_assert_cmpint (json_object_get_int_member (series, "bucket"), ==, 3600);
      g_assert_true (json_object_has_member (series, "plugs"));
    }
  /* Another planner's household is not kept. */
  {
    g_autofree char *name = anbu_series_prefetcher_cache_name (elsewhere);
    g_autofree char *text = anbu_replica_dup_secret (replica, name);

    g_assert_null (text);
  }

  /* Offline, a sync fails and no run starts, so nothing is lost. */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    AnbuSyncEngine *engine = anbu_session_get_sync_engine (fx->kim.session);

    runs.fetched = 0;
    runs.finished = FALSE;
    AWAIT (result, anbu_sync_engine_sync_async (engine, NULL, test_ready_cb, &result));
    g_assert_false (anbu_sync_engine_sync_finish (engine, result, &error));
    g_assert_false (anbu_series_prefetcher_get_running (prefetcher));
    g_assert_false (runs.finished);
  }
  g_signal_handlers_disconnect_by_data (prefetcher, &runs);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/anbu/client-caseload/move-seen-by-both-apps", Fixture, NULL,
              fixture_set_up, test_move_seen_by_both_apps, fixture_tear_down);
  g_test_add ("/anbu/client-caseload/series-kept-for-offline", Fixture, NULL,
              fixture_set_up, test_series_kept_for_offline, fixture_tear_down);
  return g_test_run ();
}
