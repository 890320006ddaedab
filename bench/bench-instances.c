/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HTTP telemetry ingest into several real anbu-server instances on one
 * PostgreSQL database (issue 16): readings per second overall and per
 * instance, every reading accepted once (none lost, none duplicated), the
 * CPU time per reading of the servers and of PostgreSQL, the WAL written
 * per reading. For the growth check a second database, its readings table
 * first grown by --grow rows (past days' partitions, as the server makes
 * them; the first database gets a reading a plug there, so that the two
 * differ in rows only), has instances of its own, and the two are measured
 * in turn for --rounds rounds (empty first in odd rounds, grown first in
 * even ones): the machine's load then falls on both alike, and the best
 * round of each counts, since other work only slows a round.
 *
 *   bench-instances [--db postgresql://…|FILE [--grown-db postgresql://…]] [--server PATH]
 *                   [--instances 2] [--plugs 8000] [--batch-plugs 1000] [--per-plug 10]
 *                   [--clients 4] [--seconds 20 | --batches N] [--rounds 3]
 *                   [--grow 10000000] [--grow-days 7]
 *
 * Without --db a throwaway PostgreSQL 15 is started for the run
 * (tests/server/anbu-test-postgres.sh, fsync off: see its comment) with
 * both databases, and removed afterwards; with --db the growth check needs
 * --grown-db (another empty database). --db FILE runs one instance on
 * SQLite for comparison (no growth step there: bench-ingest has it). Only
 * loopback is used.
 *
 * Readings are a minute apart per plug, from 40 hours ago onwards (the
 * servers run on the real clock, as deployed); every household's threshold
 * is 50 hours, and plugs go offline after 30 days, so the timer pass runs
 * on the leading instance but raises nothing.
 *
 * On a shared machine the wall-clock rates mostly measure the load; the
 * CPU time per reading (servers, PostgreSQL) is the cost itself. A
 * database's later rounds continue into the same day partitions as its
 * first, so today's index grows from round to round in both. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>
#include <libsoup/soup.h>

#include "anbu-bench-util.h"
#include "anbu-clock.h"
#include "anbu-test-postgres.h"

#define PASSWORD "benchmark password"
#define SPAN_SECONDS (40 * 3600)      /* readings start this long before now */
#define MAX_INSTANCES 8
#define MAX_CLIENTS 64
#define BENCH_POSTGRES_SETTINGS "-c max_wal_size=8GB -c shared_buffers=1GB"

static char *db_option = NULL;
static char *server_path = NULL;
static gint n_instances = 2;
static gint n_plugs = 8000;
static gint batch_plugs = 1000;
static gint per_plug = 10;
static gint n_clients = 4;
static gint seconds = 20;
static gint batches = 0;
static gint rounds = 3;
static char *grown_db_option = NULL;
static gint64 grow = 10000000;
static gint grow_days = 7;

typedef struct
{
  GSubprocess *process;
  char        *url;
  GThread     *drain;
  guint64      accepted;   /* in the current phase */
} Instance;

typedef struct
{
  gint    first_plug;
  gint    plugs;
  gint64  next_ts;     /* the first minute of its next batch */
} Gateway;

typedef struct _Bench Bench;

typedef struct
{
  Bench    *bench;
  guint     index;
  guint     instance;
  guint64   accepted, duplicate, rejected, sent, posts;
  double    cpu;       /* the client thread's own CPU time */
  char     *failure;
} Client;

struct _Bench
{
  gboolean          postgresql;
  char             *db;
  char             *dir;
  PGconn           *conn;          /* the bench's own, on PostgreSQL */
  int               postmaster;    /* PostgreSQL's on this machine, else 0 */
  guint64           accepted;      /* over all rounds */
  Instance          instances[MAX_INSTANCES];
  char             *admin_token;
  char             *gateway_token;
  Gateway          *gateways;
  guint             n_gateways;
  gint64            first_ts;
  gint64            last_allowed_ts;
  gint              stop;          /* atomic: clients stop before their next post */
  gint              posts_left;    /* atomic, with --batches */
  gboolean          exhausted;     /* a gateway reached the present */
};

typedef struct
{
  double     wall;
  guint64    accepted, duplicate, rejected, sent, posts;
  guint64    per_instance[MAX_INSTANCES];
  double     server_cpu;   /* seconds, all instances */
  double     postgres_cpu; /* seconds, -1 when unknown */
  double     postgres_background_cpu;   /* its autovacuum, checkpointer, WAL writer */
  double     client_cpu;
  gint64     wal_bytes;     /* -1 when not read */
  gint64     checkpoints;   /* started meanwhile, -1 when not read */
} Phase;

/* Process CPU time */

/* utime + stime of /proc/PID/stat in seconds, and its parent; FALSE when
 * the process is gone. */
static gboolean
proc_cpu (int     pid,
          double *cpu,
          int    *ppid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *end;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (end = strrchr (text, ')')) == NULL)
    return FALSE;
  /* After the command: state (field 3), ppid (4), … utime (14), stime (15). */
  fields = g_strsplit (end + 2, " ", 16);
  if (g_strv_length (fields) < 14)
    return FALSE;
  if (ppid != NULL)
    *ppid = atoi (fields[1]);
  *cpu = (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL))
         / sysconf (_SC_CLK_TCK);
  return TRUE;
}

static double
instances_cpu (Bench *bench)
{
  double total = 0;

  for (gint i = 0; i < n_instances; i++)
    {
      double cpu = 0;

      if (proc_cpu (atoi (g_subprocess_get_identifier (bench->instances[i].process)), &cpu, NULL))
        total += cpu;
    }
  return total;
}

/* The postmaster of the database's server when it runs on this machine
 * (read from a backend's parent), else 0. */
static int
postmaster_pid (PGconn *conn)
{
  PGresult *result = PQexec (conn, "SELECT pg_backend_pid ()");
  int backend = 0, parent = 0;
  double cpu;

  if (PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) == 1)
    backend = atoi (PQgetvalue (result, 0, 0));
  PQclear (result);
  if (backend <= 0 || !proc_cpu (backend, &cpu, &parent))
    return 0;
  return parent;
}

/* PostgreSQL's own work (autovacuum, checkpoints, WAL writing), not a
 * connection's statements: told apart in the figures. */
static gboolean
is_background (int pid)
{
  static const char *const kinds[] = {
    "autovacuum", "checkpointer", "background writer", "walwriter", "logical replication",
  };
  g_autofree char *path = g_strdup_printf ("/proc/%d/cmdline", pid);
  g_autofree char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    if (strstr (text, kinds[k]) != NULL)
      return TRUE;
  return FALSE;
}

/* CPU seconds of the postmaster and every process it started, by pid
 * (negative for PostgreSQL's background processes). */
static GHashTable *
postgres_cpu_snapshot (int postmaster)
{
  GHashTable *cpu = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      int pid = atoi (name), ppid = 0;
      double seconds_used;

      if (pid <= 0 || !proc_cpu (pid, &seconds_used, &ppid))
        continue;
      if (pid == postmaster || ppid == postmaster)
        g_hash_table_insert (cpu, GINT_TO_POINTER (is_background (pid) ? -pid : pid),
                             g_memdup2 (&seconds_used, sizeof seconds_used));
    }
  return cpu;
}

/* CPU used between two snapshots (a process gone meanwhile loses its
 * share); `background` gets the background processes' part. */
static double
postgres_cpu_between (GHashTable *before,
                      GHashTable *after,
                      double     *background)
{
  GHashTableIter iter;
  gpointer pid, value;
  double total = 0;

  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &pid, &value))
    {
      double *then = g_hash_table_lookup (before, pid);

      double used = *(double *) value - (then != NULL ? *then : 0);

      total += used;
      if (GPOINTER_TO_INT (pid) < 0)
        *background += used;
    }
  return total;
}

/* PostgreSQL */

static PGconn *
connect_or_die (const char *uri)
{
  PGconn *conn = PQconnectdb (uri);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Cannot connect to %s: %s", uri, PQerrorMessage (conn));
  return conn;
}

static void
pg_exec_or_die (PGconn     *conn,
                const char *sql)
{
  PGresult *result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  PQclear (result);
}

static gint64
pg_count (PGconn     *conn,
          const char *sql)
{
  PGresult *result = PQexec (conn, sql);
  gint64 n;

  if (PQresultStatus (result) != PGRES_TUPLES_OK || PQntuples (result) != 1)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  n = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  return n;
}

/* Where PostgreSQL's WAL stands (bytes) and how many checkpoints it
 * has started, or -1 each when it does not say (not ours to read). */
static void
pg_wal_position (PGconn *conn,
                 gint64 *wal_bytes,
                 gint64 *checkpoints)
{
  PGresult *result = PQexec (conn, "SELECT pg_current_wal_lsn () - '0/0',"
                             " checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter");

  *wal_bytes = *checkpoints = -1;
  if (PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) == 1)
    {
      *wal_bytes = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
      *checkpoints = g_ascii_strtoll (PQgetvalue (result, 0, 1), NULL, 10);
    }
  PQclear (result);
}

/* The name the server gives a day's partition (anbu-pg-reading-log.c). */
static char *
partition_name (gint64 day)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (day);

  return g_strdup_printf ("reading_p%04d%02d%02d", g_date_time_get_year (time),
                          g_date_time_get_month (time), g_date_time_get_day_of_month (time));
}

/* `rows` readings of the bench's own plugs, a history over the `grow_days`
 * days before the measured readings, straight into `reading` through the
 * day partitions the server would have made; `label` names the database. */
static gint64
grow_readings (PGconn     *conn,
               gint64      rows,
               gint64      before,
               const char *label)
{
  gint64 last_day = before - before % 86400;       /* not grown into: the measured days start here */
  gint64 first_day = last_day - (gint64) grow_days * 86400;
  gint64 per_plug_rows = MAX (rows / n_plugs, 1);
  gint64 step = MAX ((last_day - first_day) / per_plug_rows, 1);
  gint64 chunk = MAX (1000000 / n_plugs, 1);
  double t0 = anbu_bench_now_s ();

  for (gint64 day = first_day; day < last_day; day += 86400)
    {
      g_autofree char *name = partition_name (day);
      g_autofree char *sql = g_strdup_printf ("CREATE TABLE IF NOT EXISTS %s PARTITION OF reading"
                                              " FOR VALUES FROM (%" G_GINT64_FORMAT ") TO (%"
                                              G_GINT64_FORMAT ")", name, day, day + 86400);

      pg_exec_or_die (conn, sql);
    }
  /* A reading names its plug by the number reading_plug gives it. */
  {
    g_autofree char *sql = g_strdup_printf ("INSERT INTO reading_plug (serial)"
                                            " SELECT 'BI-' || lpad (p::text, 6, '0')"
                                            " FROM generate_series (0, %d) p ON CONFLICT DO NOTHING",
                                            n_plugs - 1);

    pg_exec_or_die (conn, sql);
  }
  for (gint64 i = 0; i < per_plug_rows; i += chunk)
    {
      g_autofree char *sql = g_strdup_printf (
        "INSERT INTO reading (plug, ts, watts, lux)"
        " SELECT m.id, %" G_GINT64_FORMAT " + i * %" G_GINT64_FORMAT ","
        " 3 + (p + i) %% 7 * (CASE WHEN i %% 30 = 0 THEN 20 ELSE 1 END), 10 + p %% 5"
        " FROM generate_series (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ") i,"
        " generate_series (0, %d) p JOIN reading_plug m ON m.serial = 'BI-' || lpad (p::text, 6, '0')",
        first_day, step, i, MIN (i + chunk, per_plug_rows) - 1, n_plugs - 1);

      pg_exec_or_die (conn, sql);
    }
  /* What autovacuum does to a past day once (its visibility map and
   * statistics), done now: the next measurement is of steady ingest, not
   * of the history's first vacuum. */
  pg_exec_or_die (conn, "VACUUM (ANALYZE) reading");
  printf ("%s: %" G_GINT64_FORMAT " readings over the %d days before the measured ones, stored in"
          " %.1f s\n", label, per_plug_rows * n_plugs, grow_days, anbu_bench_now_s () - t0);
  return per_plug_rows * n_plugs;
}

/* anbu-server */

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

  g_ptr_array_add (argv, server_path);
  va_start (args, out);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, bench->db);
  g_ptr_array_add (argv, NULL);

  g_file_set_contents (input_path, input ? input : "", -1, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_stdin_file_path (launcher, input_path);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  if (process == NULL || !g_subprocess_communicate_utf8 (process, NULL, NULL, out, NULL, &error))
    g_error ("Cannot run %s: %s", server_path, error->message);
  return g_subprocess_get_exit_status (process);
}

/* What a server prints after its URL is read and dropped: a full pipe
 * would stop it. */
static gpointer
drain_thread (gpointer data)
{
  GInputStream *stream = data;
  char buffer[4096];

  while (g_input_stream_read (stream, buffer, sizeof buffer, NULL, NULL) > 0)
    ;
  g_object_unref (stream);
  return NULL;
}

/* In the child before exec. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
start_instance (Bench    *bench,
                Instance *instance)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  char *line;

  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  /* A bench that stops on an error (g_error) leaves no server behind. */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  /* Offline after 30 days: readings 40 hours old raise nothing. */
  instance->process = g_subprocess_launcher_spawn (launcher, &error, server_path, "serve",
                                                   "--db", bench->db, "--listen", "127.0.0.1:0",
                                                   "--offline-after", "2592000", NULL);
  if (instance->process == NULL)
    g_error ("Cannot start the server: %s", error->message);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (instance->process));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  if (line == NULL)
    g_error ("The server printed no URL");
  if (g_str_has_suffix (line, "/"))
    line[strlen (line) - 1] = '\0';
  instance->url = line;
  instance->drain = g_thread_new ("drain", drain_thread,
                                  g_object_ref (g_subprocess_get_stdout_pipe (instance->process)));
}

static void
stop_instance (Instance *instance)
{
  g_subprocess_send_signal (instance->process, SIGTERM);
  g_subprocess_wait (instance->process, NULL, NULL);
  g_thread_join (instance->drain);
  g_clear_object (&instance->process);
  g_free (instance->url);
}

static JsonNode *
request (SoupSession *session,
         const char  *url,
         const char  *method,
         const char  *path,
         const char  *token,
         const char  *body,
         gsize        length,
         guint       *status,
         GError     **error)
{
  g_autofree char *full = g_strconcat (url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, full);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (body, length);

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  answer = soup_session_send_and_read (session, msg, NULL, error);
  if (answer == NULL)
    return NULL;
  *status = soup_message_get_status (msg);
  if (!json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL), g_bytes_get_size (answer),
                                   NULL)
      || json_parser_get_root (parser) == NULL)
    return json_node_new (JSON_NODE_NULL);
  return json_node_ref (json_parser_get_root (parser));
}

static JsonNode *
request_or_die (SoupSession *session,
                const char  *url,
                const char  *method,
                const char  *path,
                const char  *token,
                const char  *body,
                guint        expected)
{
  g_autoptr(GError) error = NULL;
  guint status = 0;
  JsonNode *answer = request (session, url, method, path, token, body, body ? strlen (body) : 0,
                              &status, &error);

  if (answer == NULL)
    g_error ("%s %s: %s", method, path, error->message);
  if (status != expected)
    g_error ("%s %s answered %u", method, path, status);
  return answer;
}

static char *
household_id (gint i)
{
  return g_strdup_printf ("b1e2c3d4-0000-4000-8000-%012d", i);
}

static char *
time_text (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

/* An admin, a gateway and a household per plug (the CSV import and plug
 * installs through the API, as a district's set-up does), before and
 * after the instances start. */
static void
seed_before_start (Bench *bench)
{
  g_autoptr(GString) csv = g_string_new ("id,name,dong_code,address,phone,birth_year,night_consent,"
                                         "threshold_hours\n");
  g_autofree char *path = g_build_filename (bench->dir, "seed.csv", NULL);
  g_autofree char *out = NULL;
  g_autofree char *admin = NULL;

  if (run_cli (bench, PASSWORD "\n", &admin, "user", "add", "--username", "bench.admin", "--role",
               "admin", NULL) != 0)
    g_error ("Cannot add the admin");
  if (run_cli (bench, NULL, &out, "gateway", "add", "--name", "bench gateways", NULL) != 0)
    g_error ("Cannot add the gateway");
  bench->gateway_token = g_strstrip (g_steal_pointer (&out));
  for (gint i = 0; i < n_plugs; i++)
    {
      g_autofree char *id = household_id (i);

      /* Threshold 50 hours: the readings' 40 hours of history raise nothing. */
      g_string_append_printf (csv, "%s,김영수%d,11%03d%03d00,서울특별시 종로구 자하문로 %d,"
                              "010-%04d-%04d,%d,%s,50\n", id, i, 110 + i / 90000,
                              100 + i / 1000 % 90, i % 300 + 1, 2000 + i % 7000, i % 10000,
                              1930 + i % 30, i % 4 ? "예" : "아니오");
    }
  g_file_set_contents (path, csv->str, csv->len, NULL);
  if (run_cli (bench, NULL, &out, "import", "households", "--csv", path, NULL) != 0)
    g_error ("Seeding the households failed: %s", out);
}

static void
install_plugs (Bench       *bench,
               SoupSession *session)
{
  g_autofree char *installed = time_text (anbu_clock_now_seconds () - 30 * 86400);
  const char *url = bench->instances[0].url;

  for (gint start = 0; start < n_plugs; start += 1000)
    {
      g_autoptr(GString) body = g_string_new ("{\"mutations\": [");
      g_autoptr(JsonNode) answer = NULL;
      JsonArray *results;

      for (gint i = start; i < MIN (start + 1000, n_plugs); i++)
        {
          g_autofree char *id = g_uuid_string_random ();
          g_autofree char *household = household_id (i);

          g_string_append_printf (body, "%s{\"id\": \"%s\", \"kind\": \"plug.install\", \"payload\": "
                                  "{\"serial\": \"BI-%06d\", \"household_id\": \"%s\", "
                                  "\"appliance\": \"tv\", \"installed_at\": \"%s\"}}",
                                  i > start ? "," : "", id, i, household, installed);
        }
      g_string_append (body, "]}");
      answer = request_or_die (session, url, "POST", "/api/v1/mutations", bench->admin_token,
                               body->str, 200);
      results = json_object_get_array_member (json_node_get_object (answer), "results");
      for (guint r = 0; r < json_array_get_length (results); r++)
        {
          JsonObject *result = json_array_get_object_element (results, r);

          if (g_strcmp0 (json_object_get_string_member (result, "status"), "applied") != 0)
            g_error ("A plug install was not applied: %s",
                     json_object_get_string_member_with_default (result, "message", "?"));
        }
    }
}

/* The load */

/* Gateway `g`'s next batch: `per_plug` minutes of each of its plugs,
 * minute by minute. Each minute's time is formatted once. */
static void
build_body (GString *body,
            Gateway *gateway)
{
  g_string_assign (body, "{\"readings\":[");
  for (gint k = 0; k < per_plug; k++)
    {
      gint64 ts = gateway->next_ts + k * 60;
      g_autofree char *ts_text = time_text (ts);
      gint64 minute = ts / 60;

      for (gint i = 0; i < gateway->plugs; i++)
        {
          gint p = gateway->first_plug + i;

          g_string_append_printf (body, "%s{\"serial\":\"BI-%06d\",\"ts\":\"%s\",\"watts\":%d.5,"
                                  "\"lux\":%d}", body->len > 13 ? "," : "", p, ts_text,
                                  (int) (3 + (p + minute) % 7 * (minute % 30 == 0 ? 20 : 1)),
                                  10 + p % 5);
        }
    }
  g_string_append (body, "]}");
}

static gpointer
client_thread (gpointer data)
{
  Client *client = data;
  Bench *bench = client->bench;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 600, NULL);
  g_autoptr(GString) body = g_string_sized_new (100 * batch_plugs * per_plug);
  const char *url = bench->instances[client->instance].url;
  double cpu0 = anbu_bench_thread_cpu_s ();
  guint turn = 0;

  soup_session_set_proxy_resolver (session, NULL);
  while (!g_atomic_int_get (&bench->stop))
    {
      Gateway *gateway = &bench->gateways[client->index + (turn++ % (bench->n_gateways / n_clients))
                                          * n_clients];
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) answer = NULL;
      JsonObject *object;
      guint status = 0;

      if (batches > 0 && g_atomic_int_add (&bench->posts_left, -1) <= 0)
        break;
      if (gateway->next_ts + per_plug * 60 > bench->last_allowed_ts)
        {
          bench->exhausted = TRUE;
          break;
        }
      build_body (body, gateway);
      answer = request (session, url, "POST", "/api/v1/telemetry", bench->gateway_token, body->str,
                        body->len, &status, &error);
      if (answer == NULL || status != 200 || !JSON_NODE_HOLDS_OBJECT (answer))
        {
          client->failure = g_strdup_printf ("telemetry to %s: %s (%u)", url,
                                             error ? error->message : "status", status);
          g_atomic_int_set (&bench->stop, TRUE);
          break;
        }
      object = json_node_get_object (answer);
      client->accepted += json_object_get_int_member_with_default (object, "accepted", 0);
      client->duplicate += json_object_get_int_member_with_default (object, "duplicate", 0);
      client->rejected += json_object_get_int_member_with_default (object, "rejected", 0);
      client->sent += (guint64) gateway->plugs * per_plug;
      client->posts++;
      gateway->next_ts += per_plug * 60;
    }
  client->cpu = anbu_bench_thread_cpu_s () - cpu0;
  return NULL;
}

static void
measure (Bench      *bench,
         Phase      *phase)
{
  PGconn *conn = bench->conn;
  int postmaster = bench->postmaster;
  Client clients[MAX_CLIENTS];
  GThread *threads[MAX_CLIENTS];
  g_autoptr(GHashTable) pg_before = NULL;
  gint64 wal0 = -1, checkpoints0 = -1;
  double cpu0, t0;

  memset (phase, 0, sizeof *phase);
  /* Each measurement starts right after a checkpoint: the pages it
   * touches first are written whole into the WAL (full-page writes) in
   * every measurement alike, not in whichever a checkpoint fell into
   * (a superuser's right: ignored on a database where it is not ours). */
  if (conn != NULL)
    {
      PQclear (PQexec (conn, "CHECKPOINT"));
      pg_wal_position (conn, &wal0, &checkpoints0);
    }
  pg_before = postmaster > 0 ? postgres_cpu_snapshot (postmaster) : NULL;
  cpu0 = instances_cpu (bench);
  t0 = anbu_bench_now_s ();
  printf ("measuring (server pids:");
  for (gint i = 0; i < n_instances; i++)
    printf (" %s", g_subprocess_get_identifier (bench->instances[i].process));
  printf (")\n");
  g_atomic_int_set (&bench->stop, FALSE);
  g_atomic_int_set (&bench->posts_left, batches);
  for (gint c = 0; c < n_clients; c++)
    {
      clients[c] = (Client) { bench, (guint) c, (guint) (c % n_instances) };
      threads[c] = g_thread_new ("client", client_thread, &clients[c]);
    }
  if (batches == 0)
    {
      /* Bounded: the clients stop at the time, or sooner on a failure. */
      for (gint tenth = 0; tenth < seconds * 10 && !g_atomic_int_get (&bench->stop); tenth++)
        g_usleep (G_USEC_PER_SEC / 10);
      g_atomic_int_set (&bench->stop, TRUE);
    }
  for (gint c = 0; c < n_clients; c++)
    g_thread_join (threads[c]);
  phase->wall = anbu_bench_now_s () - t0;
  phase->server_cpu = instances_cpu (bench) - cpu0;
  phase->postgres_cpu = -1;
  if (pg_before != NULL)
    {
      g_autoptr(GHashTable) pg_after = postgres_cpu_snapshot (postmaster);

      phase->postgres_cpu = postgres_cpu_between (pg_before, pg_after,
                                                  &phase->postgres_background_cpu);
    }
  phase->wal_bytes = phase->checkpoints = -1;
  if (conn != NULL && wal0 >= 0)
    {
      pg_wal_position (conn, &phase->wal_bytes, &phase->checkpoints);
      if (phase->wal_bytes >= 0)
        {
          phase->wal_bytes -= wal0;
          phase->checkpoints -= checkpoints0;
        }
    }
  for (gint c = 0; c < n_clients; c++)
    {
      if (clients[c].failure != NULL)
        g_error ("%s", clients[c].failure);
      phase->accepted += clients[c].accepted;
      phase->duplicate += clients[c].duplicate;
      phase->rejected += clients[c].rejected;
      phase->sent += clients[c].sent;
      phase->posts += clients[c].posts;
      phase->per_instance[clients[c].instance] += clients[c].accepted;
      phase->client_cpu += clients[c].cpu;
    }
  bench->accepted += phase->accepted;
  if (bench->exhausted)
    printf ("note: a gateway reached the present; the measurement ended early\n");
}

static void
report (const char *label,
        Phase      *phase)
{
  g_autoptr(GString) per = g_string_new (NULL);

  for (gint i = 0; i < n_instances; i++)
    g_string_append_printf (per, "%s%.0f", i ? ", " : "", phase->per_instance[i] / phase->wall);
  printf ("%s: %" G_GUINT64_FORMAT " posts, %" G_GUINT64_FORMAT " readings sent in %.1f s:"
          " %.0f readings/s (per instance: %s)\n", label, phase->posts, phase->sent, phase->wall,
          phase->accepted / phase->wall, per->str);
  printf ("%s: accepted %" G_GUINT64_FORMAT ", duplicate %" G_GUINT64_FORMAT ", rejected %"
          G_GUINT64_FORMAT " (%s)\n", label, phase->accepted, phase->duplicate, phase->rejected,
          phase->accepted == phase->sent && phase->duplicate == 0 && phase->rejected == 0
          ? "every reading accepted once" : "NOT every reading accepted once");
  printf ("%s: CPU per reading: servers %.2f µs", label, 1e6 * phase->server_cpu / MAX (phase->accepted, 1));
  if (phase->postgres_cpu >= 0)
    printf (", PostgreSQL %.2f µs (of which background work %.2f µs), together %.2f µs"
            " (%.0f readings/s per core)",
            1e6 * phase->postgres_cpu / MAX (phase->accepted, 1),
            1e6 * phase->postgres_background_cpu / MAX (phase->accepted, 1),
            1e6 * (phase->server_cpu + phase->postgres_cpu) / MAX (phase->accepted, 1),
            phase->accepted / MAX (phase->server_cpu + phase->postgres_cpu, 1e-9));
  printf ("; the bench's clients %.2f µs\n", 1e6 * phase->client_cpu / MAX (phase->accepted, 1));
  if (phase->wal_bytes >= 0)
    printf ("%s: WAL %.0f bytes per reading; %" G_GINT64_FORMAT " checkpoint%s started meanwhile\n",
            label, (double) phase->wal_bytes / MAX (phase->accepted, 1), phase->checkpoints,
            phase->checkpoints == 1 ? "" : "s");
}

/* Figures over a database's rounds: the best of each, apart. */
typedef struct
{
  double rate;          /* readings/s */
  double server_cpu;    /* µs per reading */
  double postgres_cpu;  /* µs per reading, -1 when unknown */
  double together_cpu;
  double wal;           /* bytes per reading, -1 when unknown */
} Best;

#define BEST_NONE { 0, G_MAXDOUBLE, -1, G_MAXDOUBLE, -1 }

static void
best_add (Best        *best,
          const Phase *phase)
{
  double n = MAX (phase->accepted, 1);
  double server = 1e6 * phase->server_cpu / n;

  best->rate = MAX (best->rate, phase->accepted / phase->wall);
  best->server_cpu = MIN (best->server_cpu, server);
  if (phase->postgres_cpu >= 0)
    {
      double postgres = 1e6 * phase->postgres_cpu / n;

      best->postgres_cpu = best->postgres_cpu < 0 ? postgres : MIN (best->postgres_cpu, postgres);
      best->together_cpu = MIN (best->together_cpu, server + postgres);
    }
  if (phase->wal_bytes >= 0)
    best->wal = best->wal < 0 ? phase->wal_bytes / n : MIN (best->wal, phase->wal_bytes / n);
}

static void
best_report (const char *label,
             const Best *best)
{
  printf ("%s, best round: %.0f readings/s; CPU per reading: servers %.2f µs", label, best->rate,
          best->server_cpu);
  if (best->postgres_cpu >= 0)
    printf (", PostgreSQL %.2f µs, together %.2f µs", best->postgres_cpu, best->together_cpu);
  if (best->wal >= 0)
    printf ("; WAL %.0f bytes per reading", best->wal);
  printf ("\n");
}

/* An admin, a gateway, the households and plugs, the instances started
 * and signed in to; the gateways' readings start SPAN_SECONDS ago. */
static void
bench_prepare (Bench       *bench,
               SoupSession *session)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *body = NULL;
  gint64 now;
  double t0 = anbu_bench_now_s ();

  bench->dir = g_dir_make_tmp ("anbu-bench-instances-XXXXXX", &error);
  if (bench->dir == NULL)
    g_error ("%s", error->message);
  if (bench->postgresql)
    {
      bench->conn = connect_or_die (bench->db);
      bench->postmaster = postmaster_pid (bench->conn);
    }
  seed_before_start (bench);
  for (gint i = 0; i < n_instances; i++)
    start_instance (bench, &bench->instances[i]);
  body = g_strdup_printf ("{\"username\": \"bench.admin\", \"password\": \"%s\"}", PASSWORD);
  answer = request_or_die (session, bench->instances[0].url, "POST", "/api/v1/session", NULL, body, 200);
  bench->admin_token = g_strdup (json_object_get_string_member (json_node_get_object (answer), "token"));
  install_plugs (bench, session);
  printf ("set-up: %.1f s (admin, gateway, %d households imported, plugs installed through the API,"
          " %d instances started)\n", anbu_bench_now_s () - t0, n_plugs, n_instances);

  now = anbu_clock_now_seconds ();
  bench->first_ts = now - now % 60 - SPAN_SECONDS;
  bench->last_allowed_ts = now;
  bench->gateways = g_new0 (Gateway, bench->n_gateways);
  for (guint g = 0; g < bench->n_gateways; g++)
    bench->gateways[g] = (Gateway) { (gint) g * batch_plugs, batch_plugs, bench->first_ts };
}

/* The first post again, to another instance: all duplicates; then every
 * accepted reading is stored once; then the instances stop. */
static void
bench_finish (Bench       *bench,
              SoupSession *session,
              const char  *label)
{
  Gateway first = { 0, batch_plugs, bench->first_ts };
  g_autoptr(GString) again = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;
  JsonObject *object;

  build_body (again, &first);
  answer = request (session, bench->instances[n_instances - 1].url, "POST", "/api/v1/telemetry",
                    bench->gateway_token, again->str, again->len, &status, &error);
  if (answer == NULL || status != 200)
    g_error ("The resend failed (%u)", status);
  object = json_node_get_object (answer);
  printf ("%s: the first post sent again to instance %d: accepted %" G_GINT64_FORMAT ", duplicate %"
          G_GINT64_FORMAT " of %d\n", label, n_instances, json_object_get_int_member (object, "accepted"),
          json_object_get_int_member (object, "duplicate"), batch_plugs * per_plug);
  if (bench->conn != NULL)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM reading_with_serial WHERE serial LIKE 'BI-%%'"
                                              " AND ts >= %" G_GINT64_FORMAT, bench->first_ts);
      gint64 stored = pg_count (bench->conn, sql);

      printf ("%s: readings stored in the measured span: %" G_GINT64_FORMAT " (accepted %"
              G_GUINT64_FORMAT ": %s)\n", label, stored, bench->accepted,
              (guint64) stored == bench->accepted ? "the same" : "DIFFERENT");
    }

  for (gint i = 0; i < n_instances; i++)
    stop_instance (&bench->instances[i]);
  g_clear_pointer (&bench->conn, PQfinish);
  {
    g_autoptr(GDir) dir = g_dir_open (bench->dir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (bench->dir, name, NULL);

        g_unlink (path);
      }
  }
  g_rmdir (bench->dir);
  g_clear_pointer (&bench->dir, g_free);
  g_clear_pointer (&bench->gateways, g_free);
  g_clear_pointer (&bench->admin_token, g_free);
  g_clear_pointer (&bench->gateway_token, g_free);
  g_clear_pointer (&bench->db, g_free);
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &db_option,
      "postgresql://… (an empty database), or a SQLite FILE (one instance); default: a throwaway "
      "PostgreSQL 15", "URI" },
    { "grown-db", 0, 0, G_OPTION_ARG_STRING, &grown_db_option,
      "With --db postgresql://…: another empty database, grown for the growth check", "URI" },
    { "server", 0, 0, G_OPTION_ARG_FILENAME, &server_path, "anbu-server to run", "PATH" },
    { "instances", 0, 0, G_OPTION_ARG_INT, &n_instances, "Server instances (1–8, default 2)", "N" },
    { "plugs", 0, 0, G_OPTION_ARG_INT, &n_plugs, "Plugs, a household each (default 8000)", "N" },
    { "batch-plugs", 0, 0, G_OPTION_ARG_INT, &batch_plugs, "Plugs per gateway (default 1000)", "N" },
    { "per-plug", 0, 0, G_OPTION_ARG_INT, &per_plug,
      "Readings per plug in one post, a minute apart (default 10)", "N" },
    { "clients", 0, 0, G_OPTION_ARG_INT, &n_clients,
      "Clients posting at once, spread over the instances (default 4)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Seconds per measurement (default 20)", "S" },
    { "batches", 0, 0, G_OPTION_ARG_INT, &batches, "Posts per measurement instead of --seconds", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Measurements of each database, in turn (default 3)", "N" },
    { "grow", 0, 0, G_OPTION_ARG_INT64, &grow,
      "Readings added to the grown database's table first (default 10000000; 0: none)", "ROWS" },
    { "grow-days", 0, 0, G_OPTION_ARG_INT, &grow_days, "Days of history they span (default 7)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = NULL;
  AnbuTestPostgres *postgres = NULL;
  Bench empty = { 0 }, grown = { 0 };
  Best empty_best = BEST_NONE, grown_best = BEST_NONE;
  gboolean growing;

  /* Figures as they come, also into a file or pipe: a profiler may be
   * attached to the servers while a measurement runs. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  empty.postgresql = db_option == NULL || g_str_has_prefix (db_option, "postgresql://")
                     || g_str_has_prefix (db_option, "postgres://");
  if (!empty.postgresql)
    n_instances = 1;
  if (n_instances < 1 || n_instances > MAX_INSTANCES || batch_plugs < 1 || per_plug < 1
      || (gint64) batch_plugs * per_plug > 10000 || n_plugs < batch_plugs || n_plugs > 1000000
      || n_clients < 1 || n_clients > MAX_CLIENTS || seconds < 1 || seconds > 3600 || batches < 0
      || rounds < 1 || rounds > 20 || grow < 0 || grow_days < 1 || grow_days > 25)
    {
      g_printerr ("Out of range: --instances 1–8, --batch-plugs × --per-plug ≤ 10000 (a post's"
                  " limit), --plugs from --batch-plugs to 1000000, --clients 1–64, --seconds 1–3600,"
                  " --rounds 1–20, --grow-days 1–25\n");
      return 2;
    }
  if (grown_db_option != NULL && (db_option == NULL || !empty.postgresql))
    {
      g_printerr ("--grown-db goes with --db postgresql://…\n");
      return 2;
    }
  if (server_path == NULL)
    server_path = g_strdup (ANBU_SERVER_PATH);
  empty.n_gateways = (guint) (n_plugs / batch_plugs);
  n_plugs = (gint) empty.n_gateways * batch_plugs;
  if ((guint) n_clients > empty.n_gateways)
    {
      g_printerr ("--clients is at most the number of gateways (--plugs / --batch-plugs = %u)\n",
                  empty.n_gateways);
      return 2;
    }
  /* Each client posts for the same number of gateways. */
  empty.n_gateways -= empty.n_gateways % (guint) n_clients;
  grown.postgresql = empty.postgresql;
  grown.n_gateways = empty.n_gateways;

  if (db_option == NULL)
    {
      g_autofree char *skip = NULL;

      if (g_getenv ("ANBU_TEST_POSTGRES_SCRIPT") == NULL)
        g_setenv ("ANBU_TEST_POSTGRES_SCRIPT", ANBU_TEST_POSTGRES_SCRIPT, TRUE);
      /* What docs/deploy.md asks of a city's database: WAL for ingest at
       * these rates (with the default 1 GB a checkpoint starts every few
       * seconds), and the pages ingest keeps changing in memory (the end
       * of each plug's index entries: 8 KiB a plug, in each database). */
      if (g_getenv ("ANBU_TEST_POSTGRES_SETTINGS") == NULL)
        g_setenv ("ANBU_TEST_POSTGRES_SETTINGS", BENCH_POSTGRES_SETTINGS, TRUE);
      postgres = anbu_test_postgres_start (&skip);
      if (postgres == NULL)
        g_error ("%s", skip);
      empty.db = anbu_test_postgres_create_database (postgres);
      grown.db = anbu_test_postgres_create_database (postgres);
    }
  else
    {
      empty.db = g_strdup (db_option);
      grown.db = g_strdup (grown_db_option);
    }
  growing = grow > 0 && grown.db != NULL;

  printf ("bench-instances: %s, %d instance%s, %d plugs (%u gateways of %d), %d readings per plug"
          " and post (%d per post), %d clients, %d round%s of %s, %s\n",
          empty.postgresql ? "PostgreSQL" : "SQLite", n_instances, n_instances > 1 ? "s" : "",
          (gint) empty.n_gateways * batch_plugs, empty.n_gateways, batch_plugs, per_plug,
          batch_plugs * per_plug, n_clients, rounds, rounds > 1 ? "s" : "",
          growing ? "each database in turn" : "the one database",
          db_option == NULL ? "throwaway cluster (fsync off, " BENCH_POSTGRES_SETTINGS ")" : db_option);
  if (grow > 0 && !growing)
    printf (empty.postgresql ? "no growth check: it needs --grown-db\n"
                             : "no growth check on SQLite (bench-ingest measures it)\n");

  session = soup_session_new_with_options ("timeout", 600, NULL);
  soup_session_set_proxy_resolver (session, NULL);
  bench_prepare (&empty, session);
  if (growing)
    {
      /* The empty database gets the same history of one reading a plug:
       * the same day partitions, plug numbers and statistics, so that
       * the two differ in the number of rows only. */
      grow_readings (empty.conn, n_plugs, empty.first_ts, "empty table");
      bench_prepare (&grown, session);
      grow = grow_readings (grown.conn, grow, grown.first_ts, "grown table");
    }

  for (gint r = 1; r <= rounds; r++)
    {
      Phase phase;
      g_autofree char *empty_label = g_strdup_printf ("empty table, round %d", r);
      g_autofree char *grown_label = g_strdup_printf ("%" G_GINT64_FORMAT " more rows, round %d",
                                                      grow, r);

      /* Empty first in odd rounds, grown first in even ones: neither
       * always follows the other (a warmed cache, a slowing machine). */
      for (gint turn = 0; turn < 2; turn++)
        {
          gboolean grown_turn = (turn == 0) == (r % 2 == 0);

          if (grown_turn && !growing)
            continue;
          measure (grown_turn ? &grown : &empty, &phase);
          report (grown_turn ? grown_label : empty_label, &phase);
          best_add (grown_turn ? &grown_best : &empty_best, &phase);
        }
    }
  best_report ("empty table", &empty_best);
  if (growing)
    {
      g_autofree char *label = g_strdup_printf ("%" G_GINT64_FORMAT " more rows", grow);

      best_report (label, &grown_best);
      printf ("after growing by %" G_GINT64_FORMAT " rows (best rounds): rate x%.2f of the empty"
              " table's; CPU per reading x%.2f (servers)", grow, grown_best.rate / empty_best.rate,
              grown_best.server_cpu / empty_best.server_cpu);
      if (empty_best.postgres_cpu > 0 && grown_best.postgres_cpu >= 0)
        printf (", x%.2f (PostgreSQL), x%.2f (together)", grown_best.postgres_cpu / empty_best.postgres_cpu,
                grown_best.together_cpu / empty_best.together_cpu);
      else
        printf ("; PostgreSQL's CPU not seen (another machine?)");
      if (empty_best.wal > 0 && grown_best.wal >= 0)
        printf ("; WAL per reading x%.2f", grown_best.wal / empty_best.wal);
      printf ("\n");
    }

  bench_finish (&empty, session, "empty table");
  if (growing)
    bench_finish (&grown, session, "grown table");
  g_clear_pointer (&postgres, anbu_test_postgres_stop);
  return 0;
}
