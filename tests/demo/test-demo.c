/* SPDX-License-Identifier: GPL-3.0-or-later */
/* build-aux/run-demo, as a planner would meet it: the app signs in and syncs,
 * the district already has risk signals, a new one is raised a few seconds
 * later by the simulated resident who stops, and Ctrl+C leaves no process of
 * the demo behind. Runs under Xvfb and a private D-Bus session. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#define PLANNER  "cheongunhyoja"
#define PASSWORD "anbu-demo-2026"
/* Seconds from the demo's start to the new risk signal it plans. */
#define NEW_SIGNAL_SECONDS "25"

typedef struct
{
  char        *dir;
  GSubprocess *demo;
  char        *url;
  SoupSession *session;
  char        *token;
  char        *cursor;
  GHashTable  *alerts;   /* id → JsonObject of the alert's latest record */
} Demo;

static gboolean
on_timeout (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/* Spins the main loop until check() says yes or `seconds` have passed. */
static gboolean
wait_until (gboolean (*check) (Demo *demo),
            Demo      *demo,
            guint      seconds)
{
  gboolean expired = FALSE;
  guint timeout_id = g_timeout_add_seconds (seconds, on_timeout, &expired);

  while (!check (demo))
    {
      gboolean ticked = FALSE;
      guint tick_id;

      if (expired)
        return FALSE;
      tick_id = g_timeout_add (250, on_timeout, &ticked);
      while (!ticked && !expired)
        g_main_context_iteration (NULL, TRUE);
      if (!ticked)
        g_source_remove (tick_id);
    }
  g_source_remove (timeout_id);
  return TRUE;
}

static char *
read_demo_file (Demo       *demo,
                const char *name)
{
  g_autofree char *path = g_build_filename (demo->dir, name, NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return text;
}

static char *
access_log (Demo       *demo,
            const char *flag,
            const char *value)
{
  g_autofree char *server = g_build_filename (g_getenv ("ANBU_BUILD_DIR"), "src", "server",
                                              "anbu-server", NULL);
  g_autofree char *db = g_build_filename (demo->dir, "anbu.db", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              &error, server, "access-log", "--db", db, flag, value, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  return out;
}

/* The app signed in as the planner and pulled their caseload. */
static gboolean
planner_synced (Demo *demo)
{
  g_autofree char *url = read_demo_file (demo, "server-url");
  g_autofree char *log = NULL;

  g_assert_nonnull (demo->demo);
  if (g_subprocess_get_identifier (demo->demo) == NULL)
    g_error ("run-demo exited early; see %s", demo->dir);
  if (url == NULL || strchr (url, '\n') == NULL)
    return FALSE;
  log = access_log (demo, "--user", PLANNER);
  return strstr (log, "GET /api/v1/sync") != NULL;
}

static JsonObject *
request (Demo       *demo,
         const char *method,
         const char *path,
         const char *body)
{
  g_autofree char *uri = g_strconcat (demo->url, path[0] == '/' ? path + 1 : path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (msg);
  if (demo->token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", demo->token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    bearer);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  answer = soup_session_send_and_read (demo->session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL), g_bytes_get_size (answer),
                              &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* Pulls what changed for the planner since the last pull. */
static void
pull (Demo *demo)
{
  gboolean more = TRUE;

  for (guint page = 0; more && page < 100; page++)
    {
      g_autofree char *escaped = g_uri_escape_string (demo->cursor ? demo->cursor : "", NULL,
                                                      FALSE);
      g_autofree char *path = g_strdup_printf ("/api/v1/sync?since=%s&limit=5000", escaped);
      g_autoptr(JsonObject) answer = request (demo, "GET", path, NULL);
      JsonArray *changes = json_object_get_array_member (answer, "changes");

      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);

          if (g_str_equal (json_object_get_string_member (change, "kind"), "alert")
              && json_object_has_member (change, "record"))
            g_hash_table_replace (demo->alerts,
                                  g_strdup (json_object_get_string_member (change, "id")),
                                  json_object_ref (json_object_get_object_member (change,
                                                                                  "record")));
        }
      g_free (demo->cursor);
      demo->cursor = g_strdup (json_object_get_string_member (answer, "cursor"));
      more = json_object_get_boolean_member (answer, "has_more");
    }
}

static guint
count_open_alerts (Demo       *demo,
                   const char *household_id)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_hash_table_iter_init (&iter, demo->alerts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      JsonObject *alert = value;

      if (g_strcmp0 (json_object_get_string_member (alert, "state"), "resolved") == 0)
        continue;
      if (household_id != NULL
          && (g_strcmp0 (json_object_get_string_member (alert, "household_id"), household_id) != 0
              || g_strcmp0 (json_object_get_string_member (alert, "kind"), "inactivity") != 0))
        continue;
      n++;
    }
  return n;
}

static char *new_signal_household;
static char *new_signal_raised_at;

static gboolean
new_signal_raised (Demo *demo)
{
  GHashTableIter iter;
  gpointer value;

  pull (demo);
  g_hash_table_iter_init (&iter, demo->alerts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_strcmp0 (json_object_get_string_member (value, "household_id"), new_signal_household) == 0
        && g_strcmp0 (json_object_get_string_member (value, "kind"), "inactivity") == 0
        && g_strcmp0 (json_object_get_string_member (value, "state"), "open") == 0)
      {
        new_signal_raised_at = g_strdup (json_object_get_string_member (value, "raised_at"));
        return TRUE;
      }
  return FALSE;
}

/* The app pulled the household after its new signal was raised (the live
 * channel's change notice makes it pull). Access-log times are UTC ISO 8601
 * like raised_at, so they compare as text. */
static gboolean
app_has_new_signal (Demo *demo)
{
  g_autofree char *log = access_log (demo, "--household", new_signal_household);
  g_auto(GStrv) lines = g_strsplit (log, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", -1);

      if (g_strv_length (fields) >= 4 && g_str_equal (fields[1], PLANNER)
          && g_str_equal (fields[3], "GET /api/v1/sync")
          && strcmp (fields[0], new_signal_raised_at) >= 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
app_shows_new_signal (Demo *demo)
{
  g_autofree char *log = read_demo_file (demo, "app.log");
  g_autofree char *line = g_strdup_printf ("Open signal shown for household %s", new_signal_household);

  return log != NULL && strstr (log, line) != NULL;
}

static gboolean
demo_exited (Demo *demo)
{
  return g_subprocess_get_identifier (demo->demo) == NULL;
}

static GArray *started_pids;

/* Gone for good: not even a zombie waiting for its parent. */
static gboolean
all_started_gone (Demo *demo)
{
  for (guint i = 0; i < started_pids->len; i++)
    if (!(kill (g_array_index (started_pids, pid_t, i), 0) == -1 && errno == ESRCH))
      return FALSE;
  return TRUE;
}

static void
take_screenshot (void)
{
  g_autofree char *import = g_find_program_in_path ("import");
  g_autofree char *dir = g_build_filename (g_getenv ("ANBU_BUILD_DIR"), "screenshots", NULL);
  g_autofree char *path = g_build_filename (dir, "demo.png", NULL);
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (import == NULL)
    {
      g_test_message ("no screenshot: ImageMagick's import is not installed");
      return;
    }
  g_mkdir_with_parents (dir, 0755);
  g_spawn_sync (NULL, (char *[]) { import, "-window", "root", path, NULL }, NULL,
                G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_test_message ("screenshot of the demo: %s", path);
}

static void
test_demo_runs_and_stops (void)
{
  Demo demo = { 0 };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_build_filename (g_getenv ("ANBU_SOURCE_DIR"), "build-aux",
                                              "run-demo", NULL);
  g_autofree char *out_path = NULL;
  g_autofree char *plan = NULL;
  g_autofree char *pids = NULL;
  g_autoptr(GRegex) uuid = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_auto(GStrv) pid_lines = NULL;
  g_autoptr(JsonObject) session = NULL;
  g_autofree char *sign_in = NULL;
  guint seeded;

  demo.dir = g_dir_make_tmp ("anbu-demo-XXXXXX", &error);
  g_assert_no_error (error);
  demo.alerts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) json_object_unref);
  out_path = g_build_filename (demo.dir, "run-demo.out", NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "ANBU_DEMO_CHECK", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "ANBU_DEMO_DIR", demo.dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "ANBU_BUILDDIR", g_getenv ("ANBU_BUILD_DIR"), TRUE);
  g_subprocess_launcher_setenv (launcher, "ANBU_DEMO_HOUSEHOLDS", "40", TRUE);
  g_subprocess_launcher_setenv (launcher, "ANBU_DEMO_NEW_SIGNAL_SECONDS", NEW_SIGNAL_SECONDS, TRUE);
  g_subprocess_launcher_set_stdout_file_path (launcher, out_path);
  g_subprocess_launcher_take_stderr_fd (launcher, dup (STDERR_FILENO));
  demo.demo = g_subprocess_launcher_spawn (launcher, &error, script, NULL);
  g_assert_no_error (error);

  /* The app signs in and pulls the caseload. */
  g_assert_true (wait_until (planner_synced, &demo, 150));
  {
    g_autofree char *url = read_demo_file (&demo, "server-url");

    demo.url = g_strdup (g_strstrip (url));
  }
  demo.session = soup_session_new ();
  soup_session_set_proxy_resolver (demo.session, NULL);
  sign_in = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}", PLANNER, PASSWORD);
  session = request (&demo, "POST", "/api/v1/session", sign_in);
  demo.token = g_strdup (json_object_get_string_member (session, "token"));

  /* The district's history already raised risk signals in this 동. */
  pull (&demo);
  seeded = count_open_alerts (&demo, NULL);
  g_test_message ("%u open risk signals when the app opened", seeded);
  g_assert_cmpuint (seeded, >=, 1);

  /* The resident anbu-plugsim stops: a new signal comes by itself, raised by
   * the streamed readings within a minute after the time the demo asked for
   * (the history sent before ends earlier than that). */
  plan = read_demo_file (&demo, "plugsim.log");
  g_assert_nonnull (plan);
  uuid = g_regex_new ("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", 0, 0, NULL);
  g_assert_true (g_regex_match (uuid, plan, 0, &match));
  new_signal_household = g_match_info_fetch (match, 0);
  /* Plugs read once a minute at their own second: the signal can come up to a minute after
   * the time asked (checked below); the wait only has to outlast that and a slow start.
   * The waits below are generous bounds for a loaded 2-core machine, not expectations. */
  g_assert_true (wait_until (new_signal_raised, &demo, 240));
  g_test_message ("new risk signal raised at %s", new_signal_raised_at);
  {
    g_autofree char *asked_text = read_demo_file (&demo, "new-signal-at");
    g_autoptr(GDateTime) asked = NULL;
    g_autoptr(GDateTime) raised = g_date_time_new_from_iso8601 (new_signal_raised_at, NULL);
    GTimeSpan late;

    g_assert_nonnull (asked_text);
    asked = g_date_time_new_from_iso8601 (g_strstrip (asked_text), NULL);
    g_assert_nonnull (asked);
    g_assert_nonnull (raised);
    late = g_date_time_difference (raised, asked);
    g_assert_cmpint (late, >=, 0);
    /* Bounds are for a loaded CI machine; what matters is minutes, not the hours of a
     * signal that waited for the next quiet period. */
    g_assert_cmpint (late, <, 150 * G_TIME_SPAN_SECOND);
  }

  /* The app learns of it (live change notice → pull) and shows it: its casework
   * logs the signals the views show (G_MESSAGES_DEBUG in the demo's check mode).
   * The screenshot is only to look at. */
  g_assert_true (wait_until (app_has_new_signal, &demo, 45));
  g_assert_true (wait_until (app_shows_new_signal, &demo, 45));
  take_screenshot ();

  /* Ctrl+C: the demo stops everything it started. */
  pids = read_demo_file (&demo, "pids");
  g_assert_nonnull (pids);
  pid_lines = g_strsplit (g_strstrip (pids), "\n", -1);
  started_pids = g_array_new (FALSE, FALSE, sizeof (pid_t));
  for (guint i = 0; pid_lines[i] != NULL; i++)
    {
      pid_t pid = (pid_t) g_ascii_strtoll (pid_lines[i], NULL, 10);

      g_assert_cmpint (pid, >, 1);
      g_array_append_val (started_pids, pid);
    }
  g_assert_cmpuint (started_pids->len, ==, 4); /* server, history, stream, app */
  g_subprocess_send_signal (demo.demo, SIGINT);
  g_assert_true (wait_until (demo_exited, &demo, 45));
  g_assert_true (g_subprocess_get_if_exited (demo.demo));
  g_assert_cmpint (g_subprocess_get_exit_status (demo.demo), ==, 0);
  g_assert_true (wait_until (all_started_gone, &demo, 20));

  {
    g_autoptr(GError) rm_error = NULL;

    g_spawn_sync (NULL, (char *[]) { (char *) "rm", (char *) "-rf", demo.dir, NULL }, NULL,
                  G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, &rm_error);
    g_assert_no_error (rm_error);
  }
  g_clear_pointer (&started_pids, g_array_unref);
  g_clear_pointer (&new_signal_household, g_free);
  g_clear_pointer (&new_signal_raised_at, g_free);
  g_clear_object (&demo.demo);
  g_clear_object (&demo.session);
  g_clear_pointer (&demo.alerts, g_hash_table_unref);
  g_free (demo.cursor);
  g_free (demo.token);
  g_free (demo.url);
  g_free (demo.dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/anbu/demo/runs-and-stops", test_demo_runs_and_stops);
  return g_test_run ();
}
