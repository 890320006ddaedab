/* SPDX-License-Identifier: GPL-3.0-or-later */
/* End-to-end client sync against a real anbu-server on loopback:
 *   - first sync into an empty, encrypted replica of N households
 *     (seconds, records/s, peak RSS of the client process);
 *   - 500 visits recorded offline, then pushed (one request) and synced.
 *
 *   bench-client-sync [N …]          (default: 5000 20000)
 *
 * Each N runs in a fresh child process so its peak RSS is its own. */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "anbu-keyring.h"
#include "anbu-session.h"

#define PASSWORD "bench horse battery staple"
#define DONG "1111051500"
#define N_VISITS 500

static GAsyncResult *result;

static void
on_ready (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  result = g_object_ref (res);
}

static GAsyncResult *
wait_result (void)
{
  g_clear_object (&result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return result;
}

static void
check (gboolean    ok,
       GError     *error,
       const char *what)
{
  if (!ok)
    {
      g_printerr ("%s: %s\n", what, error ? error->message : "failed");
      exit (1);
    }
}

static char *
run_cli (const char *const *argv,
         const char        *input)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                            | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                                      &error);
  char *out = NULL;

  check (process != NULL, error, argv[0]);
  check (g_subprocess_communicate_utf8 (process, input, NULL, &out, NULL, &error), error, "cli");
  check (g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0,
         NULL, argv[1]);
  return out;
}

static long
peak_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

/* Peak RSS since the last reset (VmHWM), so the sign-in's Argon2id memory
 * (64 MiB, freed at once) can be told apart from the sync's own. */
static long
vm_hwm_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmHWM:");
  return line ? strtol (line + strlen ("VmHWM:"), NULL, 10) : -1;
}

static void
reset_hwm (void)
{
  FILE *file = fopen ("/proc/self/clear_refs", "w");

  if (file != NULL)
    {
      fputs ("5", file);
      fclose (file);
    }
}

static int
run_one (guint n_households)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("anbu-bench-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "server.db", NULL);
  g_autofree char *csv_path = g_build_filename (dir, "households.csv", NULL);
  g_autofree char *client_dir = g_build_filename (dir, "client", NULL);
  g_autofree char *password_line = g_strconcat (PASSWORD, "\n", NULL);
  g_autoptr(GString) csv = g_string_new ("id,dong_code,name,birth_year,sex,phone,address,"
                                         "address_detail,lat,lon,risk_notes,night_consent\n");
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(AnbuSession) session = NULL;
  g_autofree char *url = NULL;
  g_autofree char *user_id = NULL;
  g_autoptr(GPtrArray) household_ids = g_ptr_array_new_with_free_func (g_free);
  AnbuSyncEngine *engine;
  AnbuReplica *replica;
  JsonObject *user;
  gint64 t0, t1, t_prepared = 0, t_answered = 0, push_t0 = 0;
  double sync_s, record_s, push_s, echo_s;
  long rss_after_sync;
  long hwm_sync;
  long rss_sign_in;
  struct stat st;

  check (dir != NULL, error, "tmp");
  for (guint i = 0; i < n_households; i++)
    {
      g_autofree char *id = g_uuid_string_random ();

      g_string_append_printf (csv, "%s,%s,김영%05u,%u,%s,010-%04u-%04u,"
                              "서울특별시 종로구 자하문로 %u,%u동 %u호,%.5f,%.5f,"
                              "\"혼자 사심, 고혈압, 거동 불편. 이웃 %u호가 자주 들여다봄\",%s\n",
                              id, DONG, i, 1930 + i % 40, i % 3 ? "여" : "남",
                              2000 + i % 7000, i % 10000, 1 + i % 300, 100 + i % 20,
                              101 + i % 900, 37.58 + (i % 100) * 0.0001,
                              126.97 + (i % 97) * 0.0001, 100 + i % 900,
                              i % 2 ? "y" : "n");
      g_ptr_array_add (household_ids, g_steal_pointer (&id));
    }
  check (g_file_set_contents (csv_path, csv->str, (gssize) csv->len, &error), error, "csv");

  {
    const char *add[] = { ANBU_SERVER_PATH, "user", "add", "--db", db, "--username", "planner",
                          "--role", "planner", "--dong-codes", DONG, NULL };
    const char *import[] = { ANBU_SERVER_PATH, "import", "households", "--db", db, "--csv",
                             csv_path, NULL };

    user_id = run_cli (add, password_line);
    g_free (run_cli (import, NULL));
  }

  {
    const char *serve[] = { ANBU_SERVER_PATH, "serve", "--db", db, "--listen", "127.0.0.1:0", NULL };

    server = g_subprocess_newv (serve, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
    check (server != NULL, error, "serve");
    lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
    url = g_data_input_stream_read_line (lines, NULL, NULL, &error);
    check (url != NULL, error, "server url");
    g_strstrip (url);
  }

  session = anbu_session_new (client_dir);
  anbu_session_set_autostart (session, FALSE);
  anbu_session_sign_in_async (session, url, NULL, "planner", PASSWORD, NULL, on_ready, NULL);
  check (anbu_session_sign_in_finish (session, wait_result (), &error), error, "sign-in");
  engine = anbu_session_get_sync_engine (session);
  replica = anbu_session_get_replica (session);
  anbu_sync_engine_set_page_size (engine, 5000);

  /* First sync into the empty replica. */
  rss_sign_in = peak_rss_kib ();
  reset_hwm ();
  t0 = g_get_monotonic_time ();
  anbu_sync_engine_sync_async (engine, NULL, on_ready, NULL);
  check (anbu_sync_engine_sync_finish (engine, wait_result (), &error), error, "first sync");
  t1 = g_get_monotonic_time ();
  sync_s = (t1 - t0) / 1e6;
  hwm_sync = vm_hwm_kib ();
  rss_after_sync = MAX (rss_sign_in, hwm_sync);

  /* 500 visits recorded offline (each its own transaction with its outbox entry). */
  user = anbu_session_get_user (session);
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < N_VISITS; i++)
    {
      g_autoptr(JsonObject) visit = json_object_new ();
      g_autofree char *mutation = NULL;

      json_object_set_string_member (visit, "household_id",
                                     g_ptr_array_index (household_ids, i % household_ids->len));
      json_object_set_string_member (visit, "at", "2026-11-24T10:00:00+09:00");
      json_object_set_string_member (visit, "by", json_object_get_string_member (user, "id"));
      json_object_set_string_member (visit, "purpose", "regular");
      json_object_set_string_member (visit, "outcome", "안부 확인, 건강하심");
      anbu_replica_record_change_async (replica, "visit.create", visit, NULL, on_ready, NULL);
      mutation = anbu_replica_record_change_finish (replica, wait_result (), &error);
      check (mutation != NULL, error, "record visit");
    }
  record_s = (g_get_monotonic_time () - t0) / 1e6;

  /* Push: the outbox read, encrypted payloads decrypted, one POST, answers stored. */
  {
    g_autoptr(GBytes) body = NULL;
    g_autoptr(GBytes) response = NULL;
    g_auto(GStrv) ids = NULL;
    AnbuApiClient *api = anbu_session_get_api_client (session);
    AnbuPushSummary summary = { 0, };

    push_t0 = g_get_monotonic_time ();
    anbu_replica_prepare_push_async (replica, N_VISITS, NULL, on_ready, NULL);
    body = anbu_replica_prepare_push_finish (replica, wait_result (), &ids, &error);
    check (body != NULL, error, "prepare push");
    t_prepared = g_get_monotonic_time ();
    anbu_api_client_push_async (api, body, NULL, on_ready, NULL);
    response = anbu_api_client_push_finish (api, wait_result (), &error);
    check (response != NULL, error, "push");
    t_answered = g_get_monotonic_time ();
    anbu_replica_apply_push_async (replica, (const char *const *) ids, response, NULL, on_ready,
                                   NULL);
    check (anbu_replica_apply_push_finish (replica, wait_result (), &summary, &error), error,
           "apply push");
    push_s = (g_get_monotonic_time () - push_t0) / 1e6;
    check (summary.applied == N_VISITS, NULL, "all applied");
  }

  /* The next sync pulls the 500 visits back as changes. */
  t0 = g_get_monotonic_time ();
  anbu_sync_engine_sync_async (engine, NULL, on_ready, NULL);
  check (anbu_sync_engine_sync_finish (engine, wait_result (), &error), error, "second sync");
  echo_s = (g_get_monotonic_time () - t0) / 1e6;

  g_stat (anbu_session_get_replica_path (session), &st);
  printf ("households %6u: first sync %.3f s, %.0f records/s, peak RSS during sync %.1f MiB "
          "(process peak incl. the sign-in's Argon2id %.1f MiB), replica %.1f MiB\n",
          n_households, sync_s, n_households / sync_s, hwm_sync / 1024.0,
          rss_after_sync / 1024.0, st.st_size / 1048576.0);
  printf ("                  %u visits: recorded locally %.3f s (%.2f ms each), pushed %.4f s "
          "(outbox read %.4f, server %.4f, answers stored %.4f), next sync (pulls them back) %.3f s\n",
          N_VISITS, record_s, record_s * 1000 / N_VISITS, push_s, (t_prepared - push_t0) / 1e6,
          (t_answered - t_prepared) / 1e6, push_s - (t_answered - push_t0) / 1e6, echo_s);
  fflush (stdout);

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  g_clear_object (&session);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);

    if (system (cmd) != 0)
      g_printerr ("Could not remove %s\n", dir);
  }
  return 0;
}

int
main (int argc, char *argv[])
{
  const char *defaults[] = { "5000", "20000", NULL };
  const char *const *sizes = defaults;

  if (argc == 3 && strcmp (argv[1], "--one") == 0)
    return run_one ((guint) g_ascii_strtoull (argv[2], NULL, 10));
  if (argc > 1)
    sizes = (const char *const *) argv + 1;

  printf ("Client first sync and push against anbu-server on 127.0.0.1 (encrypted replica, "
          "WAL, synchronous=FULL)\n");
  fflush (stdout);
  for (guint i = 0; sizes[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      const char *child[] = { argv[0], "--one", sizes[i], NULL };
      g_autoptr(GSubprocess) process = g_subprocess_newv (child, G_SUBPROCESS_FLAGS_NONE, &error);

      if (process == NULL || !g_subprocess_wait_check (process, NULL, &error))
        {
          g_printerr ("%s households: %s\n", sizes[i], error->message);
          return 1;
        }
    }
  return 0;
}
