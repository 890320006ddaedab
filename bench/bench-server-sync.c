/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Times anbu-server over loopback: a full pull of a planner's caseload
 * (5,000 and 20,000 households) and a push of 500 visits. Server time is
 * read from the server's own /metrics (handler time per route), wall time
 * includes HTTP and JSON on the client side. Memory is the server's
 * resident set while paging.
 *
 *   bench-server-sync [--server PATH] [--sizes 5000,20000] [--limit 5000]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#define PASSWORD "benchmark password"
#define DONG "1111051500"

typedef struct
{
  char        *dir;
  char        *db;
  char        *url;
  GSubprocess *process;
  SoupSession *session;
  char        *token;
} Bench;

static const char *server_path = ANBU_SERVER_PATH;

static int
run_cli (Bench      *bench,
         const char *input,
         char      **out,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *input_path = g_build_filename (bench->dir, "input", NULL);
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) server_path);
  va_start (args, out);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, bench->db);
  g_ptr_array_add (argv, NULL);

  g_file_set_contents (input_path, input ? input : "", -1, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_stdin_file_path (launcher, input_path);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  if (process == NULL || !g_subprocess_communicate_utf8 (process, NULL, NULL, out, NULL, &error))
    g_error ("Cannot run %s: %s", server_path, error->message);
  return g_subprocess_get_exit_status (process);
}

static void
start_server (Bench *bench)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  char *line;

  bench->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, server_path, "serve",
                                     "--db", bench->db, "--listen", "127.0.0.1:0", NULL);
  if (bench->process == NULL)
    g_error ("Cannot start the server: %s", error->message);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bench->process));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  if (line == NULL)
    g_error ("The server printed no URL");
  if (g_str_has_suffix (line, "/"))
    line[strlen (line) - 1] = '\0';
  bench->url = line;
  bench->session = soup_session_new ();
  soup_session_set_proxy_resolver (bench->session, NULL);
  soup_session_set_timeout (bench->session, 300);
}

static GBytes *
request (Bench      *bench,
         const char *method,
         const char *path,
         const char *body,
         guint      *status)
{
  g_autofree char *url = g_strconcat (bench->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  if (bench->token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", bench->token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes_in = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes_in);
    }
  bytes = soup_session_send_and_read (bench->session, msg, NULL, &error);
  if (bytes == NULL)
    g_error ("%s %s: %s", method, path, error->message);
  *status = soup_message_get_status (msg);
  return bytes;
}

static JsonObject *
request_json (Bench      *bench,
              const char *method,
              const char *path,
              const char *body)
{
  guint status;
  g_autoptr(GBytes) bytes = request (bench, method, path, body, &status);
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (status != 200 || !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                                    g_bytes_get_size (bytes), NULL))
    g_error ("%s %s answered %u", method, path, status);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* Handler seconds spent on `route` so far, from the server's /metrics. */
static double
server_seconds (Bench      *bench,
                const char *route)
{
  guint status;
  g_autoptr(GBytes) bytes = request (bench, "GET", "/metrics", NULL, &status);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autofree char *key = g_strdup_printf ("anbu_http_request_duration_seconds_sum{route=\"%s\"} ", route);
  const char *found = strstr (text, key);

  return found != NULL ? g_ascii_strtod (found + strlen (key), NULL) : 0.0;
}

/* The server's resident memory, and its peak, in MiB. */
static void
server_memory (Bench  *bench,
               double *rss,
               double *peak)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (bench->process));
  g_autofree char *text = NULL;
  const char *p;

  *rss = *peak = 0;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return;
  if ((p = strstr (text, "VmRSS:")) != NULL)
    *rss = g_ascii_strtod (p + 6, NULL) / 1024.0;
  if ((p = strstr (text, "VmHWM:")) != NULL)
    *peak = g_ascii_strtod (p + 6, NULL) / 1024.0;
}

/* CPU seconds (user + system) the server process has used. */
static double
server_cpu (Bench *bench)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", g_subprocess_get_identifier (bench->process));
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (after_name = strrchr (text, ')')) == NULL)
    return 0;
  fields = g_strsplit (after_name + 2, " ", -1);
  if (g_strv_length (fields) < 13)
    return 0;
  /* Fields 14 and 15 of stat(5), counted from the state (field 3). */
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

static void
seed (Bench *bench,
      guint  n)
{
  GString *csv = g_string_new ("id,name,dong_code,dong_name,address,address_detail,phone,birth_year,sex,"
                               "night_consent,threshold_hours,risk_notes\n");
  g_autofree char *path = g_build_filename (bench->dir, "seed.csv", NULL);
  g_autofree char *out = NULL;
  GRand *rand = g_rand_new_with_seed (n);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_uuid_string_random ();

      g_string_append_printf (csv, "%s,김영수%u,%s,청운효자동,서울특별시 종로구 자하문로 %u,%u동 %u호,"
                              "010-%04u-%04u,%u,%s,%s,%u,고혈압 약 복용 중. 딸이 주 1회 방문\n",
                              id, i, DONG, i % 300 + 1, i % 20 + 101, i % 1500 + 101,
                              g_rand_int_range (rand, 2000, 9999), g_rand_int_range (rand, 0, 9999),
                              g_rand_int_range (rand, 1930, 1960), i % 3 ? "여" : "남",
                              i % 4 ? "예" : "아니오", 24 + i % 27);
    }
  g_file_set_contents (path, csv->str, csv->len, NULL);
  g_string_free (csv, TRUE);
  g_rand_free (rand);
  if (run_cli (bench, NULL, &out, "import", "households", "--csv", path, NULL) != 0)
    g_error ("Seeding failed: %s", out);
}

static void
bench_size (guint n,
            guint limit)
{
  g_autoptr(GError) error = NULL;
  Bench bench = { 0 };
  g_autofree char *planner_id = NULL;
  g_autofree char *sign_in = NULL;
  g_autofree char *cursor = g_strdup ("");
  g_autofree char *first_household = NULL;
  g_autoptr(JsonObject) session = NULL;
  g_autoptr(GString) batch = NULL;
  gboolean has_more = TRUE;
  guint entries = 0, pages = 0;
  double before, pull_server, push_server, rss, peak, rss_first = 0, rss_max = 0;
  double cpu_before, pull_cpu, push_cpu;
  gint64 t0, pull_wall, push_wall, seed_wall;

  bench.dir = g_dir_make_tmp ("anbu-bench-XXXXXX", &error);
  bench.db = g_build_filename (bench.dir, "anbu.db", NULL);
  run_cli (&bench, PASSWORD "\n", &planner_id, "user", "add", "--username", "planner", "--role", "planner",
           "--dong-codes", DONG, NULL);
  g_strstrip (planner_id);
  t0 = g_get_monotonic_time ();
  seed (&bench, n);
  seed_wall = g_get_monotonic_time () - t0;
  start_server (&bench);

  sign_in = g_strdup_printf ("{\"username\": \"planner\", \"password\": \"%s\"}", PASSWORD);
  session = request_json (&bench, "POST", "/api/v1/session", sign_in);
  bench.token = g_strdup (json_object_get_string_member (session, "token"));

  /* Full pull, page by page. */
  before = server_seconds (&bench, "/api/v1/sync");
  cpu_before = server_cpu (&bench);
  t0 = g_get_monotonic_time ();
  while (has_more)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/sync?since=%s&limit=%u", cursor, limit);
      g_autoptr(JsonObject) page = request_json (&bench, "GET", path, NULL);
      JsonArray *changes = json_object_get_array_member (page, "changes");

      if (first_household == NULL && json_array_get_length (changes) > 0)
        first_household = g_strdup (json_object_get_string_member (json_array_get_object_element (changes, 0), "id"));
      entries += json_array_get_length (changes);
      pages++;
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (page, "cursor"));
      has_more = json_object_get_boolean_member (page, "has_more");
      server_memory (&bench, &rss, &peak);
      if (pages == 1)
        rss_first = rss;
      rss_max = MAX (rss_max, rss);
    }
  pull_wall = g_get_monotonic_time () - t0;
  pull_cpu = server_cpu (&bench) - cpu_before;
  pull_server = server_seconds (&bench, "/api/v1/sync") - before;
  if (entries != n)
    g_error ("Pulled %u entries, expected %u", entries, n);

  /* 500 visits in one push. */
  batch = g_string_new ("{\"mutations\": [");
  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *entry_id = g_uuid_string_random ();
      g_autofree char *visit_id = g_uuid_string_random ();

      g_string_append_printf (batch, "%s{\"id\": \"%s\", \"kind\": \"visit.create\", \"payload\": "
                              "{\"id\": \"%s\", \"household_id\": \"%s\", \"at\": \"2026-11-24T15:05:00+09:00\", "
                              "\"by\": \"%s\", \"purpose\": \"regular\", \"outcome\": \"건강하심\"}}",
                              i > 0 ? "," : "", entry_id, visit_id, first_household, planner_id);
    }
  g_string_append (batch, "]}");
  before = server_seconds (&bench, "/api/v1/mutations");
  cpu_before = server_cpu (&bench);
  t0 = g_get_monotonic_time ();
  {
    g_autoptr(JsonObject) answer = request_json (&bench, "POST", "/api/v1/mutations", batch->str);
    JsonArray *results = json_object_get_array_member (answer, "results");

    for (guint i = 0; i < json_array_get_length (results); i++)
      if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (results, i), "status"),
                     "applied") != 0)
        g_error ("Visit %u was not applied", i);
  }
  push_wall = g_get_monotonic_time () - t0;
  push_cpu = server_cpu (&bench) - cpu_before;
  push_server = server_seconds (&bench, "/api/v1/mutations") - before;
  server_memory (&bench, &rss, &peak);

  g_print ("%6u households, pages of %u (%u pages)\n"
           "  full pull:       server %.3f s (CPU %.2f s), wall %.3f s\n"
           "  push 500 visits: server %.4f s (CPU %.2f s), wall %.4f s\n"
           "  server RSS: %.1f MiB after the first page, %.1f MiB at most while paging, "
           "peak %.1f MiB (sign-in's Argon2id takes 64 MiB)\n"
           "  seeding %u households by CSV import: %.2f s\n",
           n, limit, pages, pull_server, pull_cpu, pull_wall / 1e6, push_server, push_cpu, push_wall / 1e6,
           rss_first, rss_max, peak, n, seed_wall / 1e6);

  g_subprocess_send_signal (bench.process, SIGTERM);
  g_subprocess_wait (bench.process, NULL, NULL);
  g_clear_object (&bench.process);
  g_clear_object (&bench.session);
  {
    const char *names[] = { "anbu.db", "anbu.db-wal", "anbu.db-shm", "seed.csv", "input" };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *path = g_build_filename (bench.dir, names[i], NULL);

        g_unlink (path);
      }
  }
  g_rmdir (bench.dir);
  g_free (bench.dir);
  g_free (bench.db);
  g_free (bench.url);
  g_free (bench.token);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *sizes = g_strdup ("5000,20000");
  g_autofree char *server = NULL;
  gint limit = 5000;
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_FILENAME, &server, "anbu-server binary", "PATH" },
    { "sizes", 0, 0, G_OPTION_ARG_STRING, &sizes, "Caseload sizes", "N,N" },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Page size (at most 5000)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) list = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (server != NULL)
    server_path = server;
  list = g_strsplit (sizes, ",", -1);
  for (guint i = 0; list[i] != NULL; i++)
    bench_size ((guint) atoi (list[i]), (guint) limit);
  return 0;
}
