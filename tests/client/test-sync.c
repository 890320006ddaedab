/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The client against the real anbu-server on 127.0.0.1 (port 0). */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "anbu-session.h"
#include "anbu-test-server.h"
#include "client-test-util.h"

#define PASSWORD "correct horse battery"
#define DONG "1111051500"
#define OTHER_DONG "1111053000"
#define FAST_OPS 1
#define FAST_MEM ((gsize) 8192)

typedef struct
{
  AnbuTestServer *server;
  char           *admin_token;
  char           *planner_id;
  char           *data_dir;
  AnbuSession    *session;
} Fixture;

/* Households seeded through the server's CSV import; their ids are
 * returned in order. */
static GPtrArray *
seed_households (Fixture    *fixture,
                 guint       count,
                 const char *dong)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) csv = g_string_new ("id,dong_code,name,phone,address,address_detail,risk_notes\n");
  g_autofree char *path = g_build_filename (fixture->server->dir, "seed.csv", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < count; i++)
    {
      char *id = g_uuid_string_random ();

      g_string_append_printf (csv, "%s,%s,홍길%05u,010-%04u-%04u,서울특별시 종로구 자하문로 %u,%u호,"
                              "\"혼자 사심, 당뇨\"\n",
                              id, dong, i, 2000 + i % 7000, i % 10000, 1 + i % 300, 100 + i % 900);
      g_ptr_array_add (ids, id);
    }
  g_assert_true (g_file_set_contents (path, csv->str, (gssize) csv->len, &error));
  g_assert_no_error (error);
  g_assert_cmpint (anbu_test_server_cli (fixture->server, NULL, &out, &err, "import", "households",
                                         "--csv", path, NULL), ==, 0);
  return ids;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *ignored = NULL;
  g_autoptr(GError) error = NULL;

  fixture->server = anbu_test_server_new (NULL);
  ignored = anbu_test_server_add_user (fixture->server, "admin", "admin", NULL, PASSWORD);
  fixture->planner_id = anbu_test_server_add_user (fixture->server, "planner", "planner", DONG,
                                                   PASSWORD);
  fixture->admin_token = anbu_test_server_sign_in (fixture->server, "admin", PASSWORD);
  fixture->data_dir = g_dir_make_tmp ("anbu-client-test-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->session = anbu_session_new (fixture->data_dir);
  anbu_session_set_kdf_cost (fixture->session, FAST_OPS, FAST_MEM);
  anbu_session_set_autostart (fixture->session, FALSE);
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
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  test_close_object ((GObject **) &fixture->session);
  remove_tree (fixture->data_dir);
  g_free (fixture->data_dir);
  g_free (fixture->admin_token);
  g_free (fixture->planner_id);
  anbu_test_server_free (fixture->server);
}

static void
sign_in (Fixture    *fixture,
         const char *password,
         GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  AWAIT (result, anbu_session_sign_in_async (fixture->session, fixture->server->url, NULL,
                                             "planner", password, NULL, test_ready_cb, &result));
  anbu_session_sign_in_finish (fixture->session, result, error);
}

static void
sync_now (Fixture *fixture,
          GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  AnbuSyncEngine *engine = anbu_session_get_sync_engine (fixture->session);

  AWAIT (result, anbu_sync_engine_sync_async (engine, NULL, test_ready_cb, &result));
  anbu_sync_engine_sync_finish (engine, result, error);
}

static gint64
count_local (Fixture    *fixture,
             const char *kind)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  AnbuReplica *replica = anbu_session_get_replica (fixture->session);
  gint64 count;

  AWAIT (result, anbu_replica_count_records_async (replica, kind, NULL, test_ready_cb, &result));
  count = anbu_replica_count_records_finish (replica, result, &error);
  g_assert_no_error (error);
  return count;
}

static JsonObject *
get_local (Fixture    *fixture,
           const char *kind,
           const char *id,
           GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  AnbuReplica *replica = anbu_session_get_replica (fixture->session);

  AWAIT (result, anbu_replica_get_record_async (replica, kind, id, NULL, test_ready_cb, &result));
  return anbu_replica_get_record_finish (replica, result, error);
}

static char *
record_visit (Fixture    *fixture,
              const char *household_id,
              char      **visit_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) visit = json_object_new ();
  AnbuReplica *replica = anbu_session_get_replica (fixture->session);
  char *id = g_uuid_string_random ();
  char *mutation_id;

  json_object_set_string_member (visit, "id", id);
  json_object_set_string_member (visit, "household_id", household_id);
  json_object_set_string_member (visit, "at", "2026-11-24T10:00:00+09:00");
  json_object_set_string_member (visit, "by", fixture->planner_id);
  json_object_set_string_member (visit, "purpose", "regular");
  json_object_set_string_member (visit, "notes", "건강하심, 식사 잘 하심");
  AWAIT (result, anbu_replica_record_change_async (replica, "visit.create", visit, NULL,
                                                   test_ready_cb, &result));
  mutation_id = anbu_replica_record_change_finish (replica, result, &error);
  g_assert_no_error (error);
  if (visit_id)
    *visit_id = id;
  else
    g_free (id);
  return mutation_id;
}

/* What the server holds, seen by the admin: how often each visit appears. */
static guint
server_visit_count (Fixture    *fixture,
                    const char *visit_id)
{
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) changes = anbu_test_pull (fixture->server, fixture->admin_token, &cursor,
                                                 5000, NULL);
  guint count = 0;

  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (g_strcmp0 (json_object_get_string_member (change, "kind"), "visit") == 0
          && (visit_id == NULL || g_strcmp0 (json_object_get_string_member (change, "id"), visit_id) == 0))
        count++;
    }
  return count;
}

static guint16
server_port (Fixture *fixture)
{
  const char *colon = strrchr (fixture->server->url, ':');

  return (guint16) g_ascii_strtoull (colon + 1, NULL, 10);
}

static void
restart_server_same_port (Fixture *fixture,
                          guint16  port)
{
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", port);
  const char *args[] = { "--listen", listen, NULL };

  anbu_test_server_restart (fixture->server, args);
}

static void
wait_for_engine (AnbuSyncEngine *engine,
                 AnbuSyncState   state,
                 guint           pending)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (TEST_TIMEOUT_SECONDS, test_timeout_cb, &timed_out);

  while (!timed_out && (anbu_sync_engine_get_state (engine) != state
                        || anbu_sync_engine_get_pending_count (engine) != pending))
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  /* What it waited for and what it got, for a failure seen only in CI. */
  if (timed_out)
    g_error ("the sync engine stayed in state %d with %u pending, waiting for state %d with %u",
             anbu_sync_engine_get_state (engine), anbu_sync_engine_get_pending_count (engine),
             state, pending);
}

/* ---------------------------------------------------------------------- */

static void
test_first_sync_5000 (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = seed_households (fixture, 5000, DONG);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) last = NULL;
  g_autoptr(GDateTime) synced = NULL;

  sign_in (fixture, PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_cmpint (anbu_session_get_state (fixture->session), ==, ANBU_SESSION_STATE_UNLOCKED);
  sync_now (fixture, &error);
  g_assert_no_error (error);

  g_assert_cmpint (count_local (fixture, "household"), ==, 5000);
  last = get_local (fixture, "household", g_ptr_array_index (ids, 4999), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (last, "name"), ==, "홍길04999");
  g_assert_cmpint (anbu_sync_engine_get_state (anbu_session_get_sync_engine (fixture->session)), ==,
                   ANBU_SYNC_STATE_ONLINE);
  synced = anbu_sync_engine_dup_last_sync (anbu_session_get_sync_engine (fixture->session));
  g_assert_nonnull (synced);
}

static void
test_offline_changes_pushed_on_return (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = seed_households (fixture, 3, DONG);
  g_autoptr(GError) error = NULL;
  g_autofree char *visit_id = NULL;
  g_autofree char *mutation = NULL;
  AnbuSyncEngine *engine;
  guint16 port = server_port (fixture);

  sign_in (fixture, PASSWORD, &error);
  g_assert_no_error (error);
  sync_now (fixture, &error);
  g_assert_no_error (error);
  engine = anbu_session_get_sync_engine (fixture->session);
  anbu_sync_engine_set_retry_limits (engine, 50, 200);

  /* The server goes away; the planner keeps working. */
  anbu_test_server_stop (fixture->server, SIGTERM);
  anbu_sync_engine_start (engine);
  mutation = record_visit (fixture, g_ptr_array_index (ids, 0), &visit_id);
  wait_for_engine (engine, ANBU_SYNC_STATE_OFFLINE, 1);
  g_assert_true (g_error_matches (anbu_sync_engine_get_last_error (engine), ANBU_NETWORK_ERROR,
                                  ANBU_NETWORK_ERROR_UNREACHABLE));
  g_assert_cmpint (count_local (fixture, "visit"), ==, 1);

  /* It comes back: the visit goes out by itself, once. */
  restart_server_same_port (fixture, port);
  wait_for_engine (engine, ANBU_SYNC_STATE_ONLINE, 0);
  g_assert_cmpuint (server_visit_count (fixture, visit_id), ==, 1);
}

static void
test_killed_after_write (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autofree char *out = NULL;
  g_autofree char *visit_id = NULL;
  AnbuReplica *replica;

  ids = seed_households (fixture, 2, DONG);
  sign_in (fixture, PASSWORD, &error);
  g_assert_no_error (error);
  sync_now (fixture, &error);
  g_assert_no_error (error);
  anbu_session_lock (fixture->session);

  /* Another process, the app, records a visit and is killed at once. */
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, g_getenv ("ANBU_CLIENT_KILLER"),
                            fixture->data_dir, fixture->server->url, "planner", PASSWORD,
                            (const char *) g_ptr_array_index (ids, 1), fixture->planner_id, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (child, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);
  g_assert_true (g_str_has_prefix (out, "VISIT "));
  visit_id = g_strstrip (g_strdup (out + strlen ("VISIT ")));
  g_assert_cmpuint (server_visit_count (fixture, visit_id), ==, 0);

  /* After the restart the entry is there, and goes out exactly once. */
  sign_in (fixture, PASSWORD, &error);
  g_assert_no_error (error);
  replica = anbu_session_get_replica (fixture->session);
  g_assert_cmpuint (anbu_replica_get_pending_count (replica), ==, 1);
  sync_now (fixture, &error);
  g_assert_no_error (error);
  sync_now (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (anbu_replica_get_pending_count (replica), ==, 0);
  g_assert_cmpuint (server_visit_count (fixture, visit_id), ==, 1);
}

typedef struct
{
  Fixture  *fixture;
  guint     start_pending;
  gboolean  killed;
} KillData;

static void
on_pending_for_kill (GObject    *engine,
                     GParamSpec *pspec,
                     gpointer    user_data)
{
  KillData *kill_data = user_data;

  /* The first batch is answered: the server dies while the next is out. */
  if (!kill_data->killed
      && anbu_sync_engine_get_pending_count (ANBU_SYNC_ENGINE (engine)) < kill_data->start_pending)
    {
      kill_data->killed = TRUE;
      g_subprocess_send_signal (kill_data->fixture->server->process, SIGKILL);
    }
}

static void
test_server_killed_mid_push (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = seed_households (fixture, 5, DONG);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_auto(GStrv) first_ids = NULL;
  AnbuSyncEngine *engine;
  AnbuReplica *replica;
  KillData kill_data = { fixture, 0, FALSE };
  guint16 port = server_port (fixture);
  const guint n_visits = 300;
  gulong handler;

  sign_in (fixture, PASSWORD, &error);
  g_assert_no_error (error);
  sync_now (fixture, &error);
  g_assert_no_error (error);
  engine = anbu_session_get_sync_engine (fixture->session);
  replica = anbu_session_get_replica (fixture->session);
  anbu_sync_engine_set_retry_limits (engine, 50, 200);
  anbu_sync_engine_set_batch_size (engine, 25);

  for (guint i = 0; i < n_visits; i++)
    g_free (record_visit (fixture, g_ptr_array_index (ids, i % ids->len), NULL));

  /* The first batch reaches the server but its answer is lost. */
  AWAIT (result, anbu_replica_prepare_push_async (replica, 25, NULL, test_ready_cb, &result));
  body = anbu_replica_prepare_push_finish (replica, result, &first_ids, &error);
  g_assert_no_error (error);
  {
    g_autoptr(AnbuTestResponse) response = anbu_test_request_bytes (fixture->server, "POST",
                                                                    "/api/v1/mutations",
                                                                    anbu_api_client_get_token (anbu_session_get_api_client (fixture->session)),
                                                                    body);

    g_assert_cmpuint (response->status, ==, 200);
  }
  g_assert_cmpuint (server_visit_count (fixture, NULL), ==, 25);

  /* Then the server is killed while the engine pushes the rest. */
  kill_data.start_pending = anbu_sync_engine_get_pending_count (engine);
  handler = g_signal_connect (engine, "notify::pending-count", G_CALLBACK (on_pending_for_kill),
                              &kill_data);
  anbu_sync_engine_start (engine);
  test_wait_for_flag (&kill_data.killed, TEST_TIMEOUT_SECONDS);
  anbu_test_server_stop (fixture->server, 0);
  wait_for_engine (engine, ANBU_SYNC_STATE_OFFLINE, anbu_sync_engine_get_pending_count (engine));
  g_assert_cmpuint (anbu_sync_engine_get_pending_count (engine), >, 0);
  g_signal_handler_disconnect (engine, handler);

  restart_server_same_port (fixture, port);
  wait_for_engine (engine, ANBU_SYNC_STATE_ONLINE, 0);
  g_assert_cmpuint (server_visit_count (fixture, NULL), ==, n_visits);
  g_assert_cmpint (count_local (fixture, "visit"), ==, n_visits);
  g_assert_cmpuint (anbu_replica_get_rejection_count (replica), ==, 0);
}

static void
admin_update (Fixture    *fixture,
              const char *household_id,
              const char *fields_json)
{
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) changes = anbu_test_pull (fixture->server, fixture->admin_token, &cursor,
                                                 5000, NULL);
  JsonObject *change = anbu_test_find_change (changes, "household", household_id);
  gint64 version = json_object_get_int_member (json_object_get_object_member (change, "record"),
                                               "version");
  g_autofree char *entry_id = g_uuid_string_random ();
  g_autofree char *entries = NULL;
  g_autoptr(AnbuTestResponse) response = NULL;
  JsonArray *results;

  entries = g_strdup_printf ("[{\"id\":\"%s\",\"kind\":\"household.update\",\"payload\":"
                             "{\"id\":\"%s\",\"base_version\":%" G_GINT64_FORMAT ",\"fields\":%s}}]",
                             entry_id, household_id, version, fields_json);
  results = anbu_test_push (fixture->server, fixture->admin_token, entries, &response);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "status"),
                   ==, "applied");
}

static void
update_household (Fixture    *fixture,
                  const char *household_id,
                  const char *fields_json)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) fields = json_from_string (fields_json, NULL);
  AnbuReplica *replica = anbu_session_get_replica (fixture->session);
  g_autofree char *mutation = NULL;

  AWAIT (result, anbu_replica_update_household_async (replica, household_id,
                                                      json_node_get_object (fields), NULL,
                                                      test_ready_cb, &result));
  mutation = anbu_replica_record_change_finish (replica, result, &error);
  g_assert_no_error (error);
}

static GPtrArray *
list_conflicts (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  AnbuReplica *replica = anbu_session_get_replica (fixture->session);
  GPtrArray *conflicts;

  AWAIT (result, anbu_replica_list_conflicts_async (replica, NULL, test_ready_cb, &result));
  conflicts = anbu_replica_list_conflicts_finish (replica, result, &error);
  g_assert_no_error (error);
  return conflicts;
}

static const char *
server_phone (Fixture    *fixture,
              const char *household_id,
              char      **out)
{
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) changes = anbu_test_pull (fixture->server, fixture->admin_token, &cursor,
                                                 5000, NULL);
  JsonObject *change = NULL;

  /* The last change of that household is its current state. */
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *candidate = json_array_get_object_element (changes, i);

      if (g_strcmp0 (json_object_get_string_member (candidate, "id"), household_id) == 0)
        change = candidate;
    }
  g_assert_nonnull (change);
  *out = g_strdup (json_object_get_string_member (json_object_get_object_member (change, "record"),
                                                  "phone"));
  return *out;
}

static void
run_conflict (Fixture                *fixture,
              AnbuConflictResolution  resolution)
{
  g_autoptr(GPtrArray) ids = seed_households (fixture, 1, DONG);
  const char *household_id = g_ptr_array_index (ids, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) local = NULL;
  g_autofree char *phone = NULL;
  AnbuSyncEngine *engine;
  AnbuConflict *conflict;

  sign_in (fixture, PASSWORD, &error);
  g_assert_no_error (error);
  sync_now (fixture, &error);
  g_assert_no_error (error);
  engine = anbu_session_get_sync_engine (fixture->session);

  /* Both change the phone from the same version; the planner also the notes. */
  update_household (fixture, household_id,
                    "{\"phone\":\"010-1111-2222\",\"risk_notes\":\"퇴원 후 거동 불편\"}");
  admin_update (fixture, household_id, "{\"phone\":\"010-3333-4444\"}");
  sync_now (fixture, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (anbu_sync_engine_get_conflict_count (engine), ==, 1);
  conflicts = list_conflicts (fixture);
  g_assert_cmpuint (conflicts->len, ==, 1);
  conflict = g_ptr_array_index (conflicts, 0);
  g_assert_cmpstr (anbu_conflict_get_field (conflict), ==, "phone");
  g_assert_cmpstr (anbu_conflict_get_mine_json (conflict), ==, "\"010-1111-2222\"");
  g_assert_cmpstr (anbu_conflict_get_theirs_json (conflict), ==, "\"010-3333-4444\"");
  /* The field nobody else touched went through. */
  local = get_local (fixture, "household", household_id, &error);
  g_assert_cmpstr (json_object_get_string_member (local, "risk_notes"), ==, "퇴원 후 거동 불편");
  g_clear_pointer (&local, json_object_unref);

  AWAIT (result, anbu_sync_engine_resolve_conflict_async (engine,
                                                          anbu_conflict_get_mutation_id (conflict),
                                                          "phone", resolution, NULL,
                                                          test_ready_cb, &result));
  g_assert_true (anbu_sync_engine_resolve_conflict_finish (engine, result, &error));
  sync_now (fixture, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (anbu_sync_engine_get_conflict_count (engine), ==, 0);
  g_assert_cmpuint (anbu_sync_engine_get_pending_count (engine), ==, 0);
  local = get_local (fixture, "household", household_id, &error);
  g_assert_no_error (error);
  if (resolution == ANBU_CONFLICT_KEEP_MINE)
    {
      g_assert_cmpstr (json_object_get_string_member (local, "phone"), ==, "010-1111-2222");
      g_assert_cmpstr (server_phone (fixture, household_id, &phone), ==, "010-1111-2222");
    }
  else
    {
      g_assert_cmpstr (json_object_get_string_member (local, "phone"), ==, "010-3333-4444");
      g_assert_cmpstr (server_phone (fixture, household_id, &phone), ==, "010-3333-4444");
    }
}

static void
test_conflict_keep_mine (Fixture       *fixture,
                         gconstpointer  data)
{
  run_conflict (fixture, ANBU_CONFLICT_KEEP_MINE);
}

static void
test_conflict_take_theirs (Fixture       *fixture,
                           gconstpointer  data)
{
  run_conflict (fixture, ANBU_CONFLICT_TAKE_THEIRS);
}

static void
test_household_leaves_scope (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = seed_households (fixture, 3, DONG);
  const char *moving = g_ptr_array_index (ids, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) gone = NULL;
  g_autofree char *visit_id = NULL;
  g_autofree char *mutation = NULL;

  sign_in (fixture, PASSWORD, &error);
  g_assert_no_error (error);
  sync_now (fixture, &error);
  g_assert_no_error (error);
  mutation = record_visit (fixture, moving, &visit_id);
  sync_now (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_local (fixture, "household"), ==, 3);
  g_assert_cmpint (count_local (fixture, "visit"), ==, 1);

  /* The household moves to another 동: another planner's caseload now. */
  admin_update (fixture, moving, "{\"dong_code\":\"" OTHER_DONG "\"}");
  sync_now (fixture, &error);
  g_assert_no_error (error);

  g_assert_cmpint (count_local (fixture, "household"), ==, 2);
  g_assert_cmpint (count_local (fixture, "visit"), ==, 0);
  gone = get_local (fixture, "household", moving, &error);
  g_assert_null (gone);
  g_assert_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_UNKNOWN);
}

/* One entry pushed by the administrator; it must be applied. */
static void
admin_push (Fixture    *fixture,
            const char *kind,
            const char *payload)
{
  g_autofree char *entry_id = g_uuid_string_random ();
  g_autofree char *entries = g_strdup_printf ("[{\"id\":\"%s\",\"kind\":\"%s\",\"payload\":%s}]",
                                              entry_id, kind, payload);
  g_autoptr(AnbuTestResponse) response = NULL;
  JsonArray *results = anbu_test_push (fixture->server, fixture->admin_token, entries, &response);

  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "status"),
                   ==, "applied");
}

/* A plug taken back and installed at a household of another 동 leaves the
 * planner's copy: it no longer shows as installed at their household. */
static void
test_plug_leaves_scope (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) ours = seed_households (fixture, 1, DONG);
  g_autoptr(GPtrArray) theirs = seed_households (fixture, 1, OTHER_DONG);
  g_autofree char *install_ours = g_strdup_printf ("{\"serial\":\"AP-7201\",\"household_id\":\"%s\","
                                                   "\"appliance\":\"tv\","
                                                   "\"installed_at\":\"2026-11-20T10:00:00+09:00\"}",
                                                   (const char *) g_ptr_array_index (ours, 0));
  g_autofree char *install_theirs = g_strdup_printf ("{\"serial\":\"AP-7201\",\"household_id\":\"%s\","
                                                     "\"appliance\":\"lamp\","
                                                     "\"installed_at\":\"2026-11-24T09:30:00+09:00\"}",
                                                     (const char *) g_ptr_array_index (theirs, 0));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) plug = NULL;
  g_autoptr(JsonObject) gone = NULL;

  admin_push (fixture, "plug.install", install_ours);
  sign_in (fixture, PASSWORD, &error);
  g_assert_no_error (error);
  sync_now (fixture, &error);
  g_assert_no_error (error);
  plug = get_local (fixture, "plug", "AP-7201", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (plug, "household_id"), ==, g_ptr_array_index (ours, 0));
  g_assert_cmpstr (json_object_get_string_member (plug, "state"), ==, "installed");

  admin_push (fixture, "plug.remove",
              "{\"serial\":\"AP-7201\",\"reason\":\"returned\",\"at\":\"2026-11-24T09:00:00+09:00\"}");
  admin_push (fixture, "plug.install", install_theirs);
  sync_now (fixture, &error);
  g_assert_no_error (error);

  g_assert_cmpint (count_local (fixture, "plug"), ==, 0);
  g_assert_cmpint (count_local (fixture, "household"), ==, 1);
  gone = get_local (fixture, "plug", "AP-7201", &error);
  g_assert_null (gone);
  g_assert_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_UNKNOWN);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  return memmem (data, len, needle, strlen (needle)) != NULL;
}

static void
test_nothing_in_plaintext (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = seed_households (fixture, 20, DONG);
  g_autoptr(GError) error = NULL;
  g_autofree char *mutation = NULL;
  const char *path = anbu_session_get_replica_path (fixture->session);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  /* Household 7 of the seed: name, phone, address, notes. */
  const char *needles[] = { "홍길00007", "010-2007-0007", "자하문로 8", "혼자 사심", "식사 잘 하심" };
  g_autofree char *mutation_id = NULL;
  g_autoptr(JsonObject) seeded = NULL;

  sign_in (fixture, PASSWORD, &error);
  g_assert_no_error (error);
  sync_now (fixture, &error);
  g_assert_no_error (error);
  mutation_id = record_visit (fixture, g_ptr_array_index (ids, 7), NULL);
  seeded = get_local (fixture, "household", g_ptr_array_index (ids, 7), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (seeded, "name"), ==, "홍길00007");

  for (guint i = 0; i < G_N_ELEMENTS (needles); i++)
    {
      g_assert_false (file_contains (path, needles[i]));
      g_assert_false (file_contains (wal, needles[i]));
    }
  anbu_session_lock (fixture->session);
  for (guint i = 0; i < G_N_ELEMENTS (needles); i++)
    {
      g_assert_false (file_contains (path, needles[i]));
      g_assert_false (file_contains (wal, needles[i]));
    }
}

static void
test_wrong_password (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = seed_households (fixture, 4, DONG);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  sign_in (fixture, PASSWORD, &error);
  g_assert_no_error (error);
  sync_now (fixture, &error);
  g_assert_no_error (error);
  anbu_session_lock (fixture->session);
  g_assert_cmpint (anbu_session_get_state (fixture->session), ==, ANBU_SESSION_STATE_LOCKED);
  g_assert_null (anbu_session_get_replica (fixture->session));

  /* Offline from here on: unlocking is local. */
  anbu_test_server_stop (fixture->server, SIGTERM);

  AWAIT (result, anbu_session_unlock_async (fixture->session, "correct horse batterY", NULL,
                                            test_ready_cb, &result));
  g_assert_false (anbu_session_unlock_finish (fixture->session, result, &error));
  g_assert_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);
  g_assert_cmpint (anbu_session_get_state (fixture->session), ==, ANBU_SESSION_STATE_LOCKED);
  g_assert_null (anbu_session_get_replica (fixture->session));

  AWAIT (result, anbu_session_unlock_async (fixture->session, PASSWORD, NULL, test_ready_cb,
                                            &result));
  g_assert_true (anbu_session_unlock_finish (fixture->session, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_local (fixture, "household"), ==, 4);
}

/* The password changed on the server: the planner unlocks once with the
 * old one, the replica is rewrapped, and from then on only the new one opens it. */
static void
test_password_changed (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = seed_households (fixture, 2, DONG);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *new_password = "새 비밀번호 2026 winter";
  g_autofree char *old_token = NULL;
  g_autofree char *input = g_strdup_printf ("%s\n", new_password);

  sign_in (fixture, PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_cmpint (anbu_test_server_cli (fixture->server, input, &out, &err, "password", "reset",
                                         "--username", "planner", NULL), ==, 0);

  AWAIT (result, anbu_session_change_password_async (fixture->session, "not it", new_password,
                                                     NULL, test_ready_cb, &result));
  g_assert_false (anbu_session_change_password_finish (fixture->session, result, &error));
  g_assert_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);

  AWAIT (result, anbu_session_change_password_async (fixture->session, PASSWORD, new_password,
                                                     NULL, test_ready_cb, &result));
  g_assert_true (anbu_session_change_password_finish (fixture->session, result, &error));
  g_assert_no_error (error);
  old_token = g_strdup (anbu_api_client_get_token (anbu_session_get_api_client (fixture->session)));
  anbu_session_lock (fixture->session);

  AWAIT (result, anbu_session_unlock_async (fixture->session, PASSWORD, NULL, test_ready_cb, &result));
  g_assert_false (anbu_session_unlock_finish (fixture->session, result, &error));
  g_assert_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);
  AWAIT (result, anbu_session_unlock_async (fixture->session, new_password, NULL, test_ready_cb,
                                            &result));
  g_assert_true (anbu_session_unlock_finish (fixture->session, result, &error));
  g_assert_no_error (error);
  /* The reset revoked the old token; the unlock fetches a new one. */
  {
    gboolean timed_out = FALSE;
    guint id = g_timeout_add_seconds (TEST_TIMEOUT_SECONDS, test_timeout_cb, &timed_out);

    while (!timed_out && g_strcmp0 (anbu_api_client_get_token (anbu_session_get_api_client (fixture->session)),
                                    old_token) == 0)
      g_main_context_iteration (NULL, TRUE);
    if (!timed_out)
      g_source_remove (id);
    g_assert_false (timed_out);
  }
  sync_now (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_local (fixture, "household"), ==, 2);
}

static void
test_first_sign_in_needs_server (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  anbu_test_server_stop (fixture->server, SIGTERM);
  sign_in (fixture, PASSWORD, &error);
  g_assert_error (error, ANBU_NETWORK_ERROR, ANBU_NETWORK_ERROR_UNREACHABLE);
  g_assert_cmpint (anbu_session_get_state (fixture->session), ==, ANBU_SESSION_STATE_SIGNED_OUT);
  g_assert_false (g_file_test (anbu_session_get_replica_path (fixture->session), G_FILE_TEST_EXISTS));
}

static void
test_first_sign_in_wrong_password (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  sign_in (fixture, "not the password", &error);
  g_assert_error (error, ANBU_API_ERROR, ANBU_API_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (anbu_api_error_get_code_string (error), ==, "unauthorized");
  g_assert_false (g_file_test (anbu_session_get_replica_path (fixture->session), G_FILE_TEST_EXISTS));
}

static void
damage_records_pages (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GArray) pages = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT pageno FROM dbstat WHERE name = 'records' "
                                       "AND pagetype = 'leaf'", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 page = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (pages, page);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpuint (pages->len, >, 0);
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  for (guint i = 0; i < pages->len; i++)
    memset (data + (g_array_index (pages, gint64, i) - 1) * 4096, 0x5A, 4096);
  g_assert_true (g_file_set_contents (path, data, (gssize) len, NULL));
}

static void
test_corrupt_replica_rebuilt (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = seed_households (fixture, 80, DONG);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *visit_id = NULL;
  g_autofree char *mutation = NULL;
  g_autoptr(AnbuSession) locked_away = NULL;
  guint kept = 0, lost = 0;

  sign_in (fixture, PASSWORD, &error);
  g_assert_no_error (error);
  sync_now (fixture, &error);
  g_assert_no_error (error);
  mutation = record_visit (fixture, g_ptr_array_index (ids, 3), &visit_id);
  g_assert_cmpuint (anbu_session_get_pending_count (fixture->session), ==, 1);

  /* Closed (checkpointed), then the disk damages the records' pages. */
  {
    AnbuReplica *replica = anbu_session_get_replica (fixture->session);
    gboolean gone = FALSE;

    g_object_weak_ref (G_OBJECT (replica), test_weak_notify, &gone);
    anbu_session_lock (fixture->session);
    test_wait_for_flag (&gone, TEST_TIMEOUT_SECONDS);
  }
  damage_records_pages (anbu_session_get_replica_path (fixture->session));

  AWAIT (result, anbu_session_unlock_async (fixture->session, PASSWORD, NULL, test_ready_cb,
                                            &result));
  g_assert_false (anbu_session_unlock_finish (fixture->session, result, &error));
  g_assert_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_CORRUPT);
  g_clear_error (&error);

  AWAIT (result, anbu_session_rebuild_async (fixture->session, PASSWORD, NULL, test_ready_cb,
                                             &result));
  g_assert_true (anbu_session_rebuild_finish (fixture->session, result, &kept, &lost, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kept, ==, 1);
  g_assert_cmpuint (lost, ==, 0);
  g_assert_cmpuint (anbu_session_get_pending_count (fixture->session), ==, 1);

  sync_now (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_local (fixture, "household"), ==, 80);
  g_assert_cmpint (count_local (fixture, "visit"), ==, 1);
  g_assert_cmpuint (anbu_session_get_pending_count (fixture->session), ==, 0);
  g_assert_cmpuint (server_visit_count (fixture, visit_id), ==, 1);
}

/* A replica that is not even SQLite any more: after a restart of the app
 * the sign-in says so, and the rebuild brings the caseload back. */
static void
test_unreadable_replica_rebuilt (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = seed_households (fixture, 12, DONG);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *path = g_strdup (anbu_session_get_replica_path (fixture->session));
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  guint kept = 99, lost = 99;
  char garbage[16384];

  sign_in (fixture, PASSWORD, &error);
  g_assert_no_error (error);
  sync_now (fixture, &error);
  g_assert_no_error (error);
  test_close_object ((GObject **) &fixture->session);

  for (gsize i = 0; i < sizeof garbage; i++)
    garbage[i] = (char) (i * 13 + 7);
  g_assert_true (g_file_set_contents (path, garbage, sizeof garbage, NULL));
  g_unlink (wal);
  g_unlink (shm);

  fixture->session = anbu_session_new (fixture->data_dir);
  anbu_session_set_kdf_cost (fixture->session, FAST_OPS, FAST_MEM);
  anbu_session_set_autostart (fixture->session, FALSE);
  AWAIT (result, anbu_session_load_async (fixture->session, NULL, test_ready_cb, &result));
  g_assert_true (anbu_session_load_finish (fixture->session, result, &error));
  g_assert_cmpint (anbu_session_get_state (fixture->session), ==, ANBU_SESSION_STATE_LOCKED);

  sign_in (fixture, PASSWORD, &error);
  g_assert_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_cmpint (anbu_session_get_state (fixture->session), ==, ANBU_SESSION_STATE_LOCKED);

  AWAIT (result, anbu_session_rebuild_async (fixture->session, PASSWORD, NULL, test_ready_cb,
                                             &result));
  g_assert_true (anbu_session_rebuild_finish (fixture->session, result, &kept, &lost, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kept, ==, 0);
  sync_now (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_local (fixture, "household"), ==, 12);
  g_assert_cmpstr (anbu_session_get_username (fixture->session), ==, "planner");
}

static void
test_sign_out_deletes_replica (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = seed_households (fixture, 2, DONG);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *mutation = NULL;
  const char *path = anbu_session_get_replica_path (fixture->session);

  sign_in (fixture, PASSWORD, &error);
  g_assert_no_error (error);
  sync_now (fixture, &error);
  g_assert_no_error (error);
  mutation = record_visit (fixture, g_ptr_array_index (ids, 0), NULL);
  /* What the app warns about before signing out. */
  g_assert_cmpuint (anbu_session_get_pending_count (fixture->session), ==, 1);

  AWAIT (result, anbu_session_sign_out_async (fixture->session, NULL, test_ready_cb, &result));
  g_assert_true (anbu_session_sign_out_finish (fixture->session, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (anbu_session_get_state (fixture->session), ==, ANBU_SESSION_STATE_SIGNED_OUT);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/anbu/client-sync/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("first-sync-5000", test_first_sync_5000);
  ADD ("offline-changes-pushed-on-return", test_offline_changes_pushed_on_return);
  ADD ("killed-after-write-pushed-once", test_killed_after_write);
  ADD ("server-killed-mid-push", test_server_killed_mid_push);
  ADD ("conflict-keep-mine", test_conflict_keep_mine);
  ADD ("conflict-take-theirs", test_conflict_take_theirs);
  ADD ("household-leaves-scope", test_household_leaves_scope);
  ADD ("plug-leaves-scope", test_plug_leaves_scope);
  ADD ("nothing-in-plaintext", test_nothing_in_plaintext);
  ADD ("wrong-password", test_wrong_password);
  ADD ("password-changed", test_password_changed);
  ADD ("first-sign-in-needs-server", test_first_sign_in_needs_server);
  ADD ("first-sign-in-wrong-password", test_first_sign_in_wrong_password);
  ADD ("corrupt-replica-rebuilt", test_corrupt_replica_rebuilt);
  ADD ("unreadable-replica-rebuilt", test_unreadable_replica_rebuilt);
  ADD ("sign-out-deletes-replica", test_sign_out_deletes_replica);
#undef ADD

  return g_test_run ();
}
