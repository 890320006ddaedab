/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Telemetry ingest over HTTP on loopback (batches of 1,000 readings) next
 * to the raw SQLite insert rate of the same schema, the per-reading cost
 * again once the readings table holds millions of rows, and one timer pass
 * of the alert engine over 100,000 households.
 *
 *   bench-ingest [--plugs 1000] [--batches 300] [--grow 10000000] [--households 100000]
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "anbu-clock.h"
#include "anbu-auth.h"
#include "anbu-http-server.h"
#include "anbu-ingest-service.h"
#include "anbu-json-body.h"
#include "anbu-reading-buckets.h"
#include "anbu-sqlite-store.h"
#include "anbu-bench-util.h"

#define START ((gint64) 1795564800)   /* 2026-11-25 09:00 KST */
#define N_GATEWAYS 4                  /* clients posting at once */

static gint plugs = 1000;
static gint batches = 300;
static gint64 grow = 10000000;
static gint households = 100000;
static gint learn_households = 20;
static gint rounds = 3;

static void
exec_or_die (sqlite3    *db,
             const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* Households with one installed plug each, written straight to the tables. */
static void
add_households (sqlite3    *db,
                const char *prefix,
                gint        n,
                gboolean    with_live)
{
  sqlite3_stmt *h = NULL, *p = NULL, *l = NULL;

  exec_or_die (db, "BEGIN");
  sqlite3_prepare_v2 (db, "INSERT INTO household (id, dong_code, night_consent, status, record,"
                      " version, seq, updated_at) VALUES (?1, '1111051500', 1, 'active',"
                      " json_object ('id', ?1, 'threshold_hours', 36), 1, 1, '2026-11-25T00:00:00Z')",
                      -1, &h, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO plug (id, household_id, state, record, version, seq, updated_at)"
                      " VALUES (?1, ?2, 'installed', json_object ('serial', ?1, 'installed_at',"
                      " '2026-11-20T00:00:00Z'), 1, 1, '2026-11-25T00:00:00Z')", -1, &p, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO plug_live VALUES (?1, ?2, ?3, 3.0, 10.0, ?4, ?5)", -1, &l, NULL);
  for (gint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("%08x-0000-4000-8000-%012d", (guint) prefix[0], i);
      g_autofree char *serial = g_strdup_printf ("%s-%07d", prefix, i);

      sqlite3_bind_text (h, 1, id, -1, SQLITE_STATIC);
      sqlite3_step (h);
      sqlite3_reset (h);
      sqlite3_bind_text (p, 1, serial, -1, SQLITE_STATIC);
      sqlite3_bind_text (p, 2, id, -1, SQLITE_STATIC);
      sqlite3_step (p);
      sqlite3_reset (p);
      if (with_live)
        {
          /* Activity in the last day; one household in a hundred quiet for
           * 40 hours, past its 36 h threshold. */
          sqlite3_bind_text (l, 1, serial, -1, SQLITE_STATIC);
          sqlite3_bind_text (l, 2, id, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (l, 3, START);
          sqlite3_bind_int64 (l, 4, START - (i % 100 == 0 ? 40 * 3600 : (i % 1440) * 60));
          sqlite3_bind_int64 (l, 5, START - 3 * 86400);
          sqlite3_step (l);
          sqlite3_reset (l);
        }
    }
  sqlite3_finalize (h);
  sqlite3_finalize (p);
  sqlite3_finalize (l);
  exec_or_die (db, "COMMIT");
}

/* Households with 56 days of one reading a minute and an activity event
 * every 3 hours 10 minutes, written straight to the tables; `first_us` is
 * the first learning per household (all readings of the window are read),
 * the result the next night's (µs). */
static double
routine_learn_cost (sqlite3         *db,
                    AnbuAlertEngine *engine,
                    gint             n,
                    double          *first_us)
{
  g_autoptr(GError) error = NULL;
  double t0, seconds;

  if (n <= 0)
    return 0;
  add_households (db, "L", n, TRUE);
  exec_or_die (db, "BEGIN");
  {
    g_autofree char *sql = g_strdup_printf (
      "WITH RECURSIVE m (t) AS (SELECT %" G_GINT64_FORMAT " UNION ALL SELECT t + 60 FROM m"
      " WHERE t + 60 < %" G_GINT64_FORMAT ")"
      " INSERT INTO reading_bucket SELECT m.t - m.t %% 900, p.id, count (*),"
      " anbu_reading_pack (m.t, 3.0, 10.0) FROM plug p, m WHERE p.id LIKE 'L-%%' GROUP BY 1, 2",
      START - 56 * (gint64) 86400, START);
    g_autofree char *events = g_strdup_printf (
      "WITH RECURSIVE m (t) AS (SELECT %" G_GINT64_FORMAT " UNION ALL SELECT t + 11400 FROM m"
      " WHERE t + 11400 < %" G_GINT64_FORMAT ")"
      " INSERT INTO activity_event SELECT p.id, m.t, (m.t / 11400) %% 2, 50.0 FROM plug p, m"
      " WHERE p.id LIKE 'L-%%'", START - 56 * (gint64) 86400, START);

    exec_or_die (db, sql);
    exec_or_die (db, events);
    exec_or_die (db, "UPDATE plug SET record = json_set (record, '$.installed_at',"
                 " '2026-09-01T00:00:00Z') WHERE id LIKE 'L-%'");
  }
  exec_or_die (db, "COMMIT");

  t0 = anbu_bench_now_s ();
  for (gint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("%08x-0000-4000-8000-%012d", (guint) 'L', i);
      AnbuRoutineProfile profile;

      if (!anbu_alert_engine_learn_routine (engine, id, START, &profile, &error))
        g_error ("%s", error->message);
      if (i == 0 && !profile.ready)
        g_error ("The routine profile of a household with 8 weeks of readings is not ready");
    }
  seconds = anbu_bench_now_s () - t0;
  *first_us = 1e6 * seconds / n;

  /* The next night: one more day of readings, only those are read. */
  {
    g_autofree char *sql = g_strdup_printf (
      "WITH RECURSIVE m (t) AS (SELECT %" G_GINT64_FORMAT " UNION ALL SELECT t + 60 FROM m"
      " WHERE t + 60 < %" G_GINT64_FORMAT ")"
      " INSERT INTO reading_bucket SELECT m.t - m.t %% 900, p.id, count (*),"
      " anbu_reading_pack (m.t, 3.0, 10.0) FROM plug p, m WHERE p.id LIKE 'L-%%' GROUP BY 1, 2",
      START, START + 86400);

    exec_or_die (db, sql);
  }
  t0 = anbu_bench_now_s ();
  for (gint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("%08x-0000-4000-8000-%012d", (guint) 'L', i);
      AnbuRoutineProfile profile;

      if (!anbu_alert_engine_learn_routine (engine, id, START + 86400, &profile, &error))
        g_error ("%s", error->message);
    }
  return 1e6 * (anbu_bench_now_s () - t0) / n;
}

static double raw_cpu_us;   /* CPU per reading of the last raw_insert_rate() */

static double
raw_insert_rate (const char *dir,
                 gint64      n,
                 gint64      per_commit)
{
  double cpu0;
  g_autofree char *path = g_build_filename (dir, "raw.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  double t0, t1;

  sqlite3_open (path, &db);
  exec_or_die (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
               "CREATE TABLE reading (serial TEXT NOT NULL, ts INTEGER NOT NULL, watts REAL,"
               " lux REAL, PRIMARY KEY (serial, ts)) WITHOUT ROWID;");
  sqlite3_prepare_v2 (db, "INSERT INTO reading VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                      -1, &stmt, NULL);
  t0 = anbu_bench_now_s ();
  cpu0 = anbu_bench_thread_cpu_s ();
  exec_or_die (db, "BEGIN");
  for (gint64 i = 0; i < n; i++)
    {
      char serial[32];

      g_snprintf (serial, sizeof serial, "P-%07d", (int) (i % plugs));
      sqlite3_bind_text (stmt, 1, serial, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, START + (i / plugs) * 60);
      sqlite3_bind_double (stmt, 3, 3.0 + (i % 7));
      sqlite3_bind_double (stmt, 4, 10.0);
      sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (per_commit > 0 && i % per_commit == per_commit - 1)
        {
          exec_or_die (db, "COMMIT");
          exec_or_die (db, "BEGIN");
        }
    }
  exec_or_die (db, "COMMIT");
  t1 = anbu_bench_now_s ();
  raw_cpu_us = 1e6 * (anbu_bench_thread_cpu_s () - cpu0) / n;
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_unlink (path);
  return n / (t1 - t0);
}

/* Readings of 5,000 other plugs, a minute apart, so the table (and its
 * index) is large: packed a quarter hour per row, as telemetry stores them. */
static void
grow_readings (sqlite3 *db,
               gint64   n)
{
  g_autoptr(GArray) readings = g_array_new (FALSE, FALSE, sizeof (AnbuReading));
  sqlite3_stmt *stmt = NULL;
  gint64 first = anbu_reading_bucket_of (START - 40 * 86400);
  gint64 done = 0, since_commit = 0;

  exec_or_die (db, "BEGIN");
  sqlite3_prepare_v2 (db, "INSERT INTO reading_bucket VALUES (?1, ?2, ?3, ?4)", -1, &stmt, NULL);
  for (gint64 k = 0; done < n; k++)
    for (gint s = 0; s < 5000 && done < n; s++)
      {
        gint64 bucket = first + k * ANBU_READING_BUCKET_SECONDS;
        char serial[32];
        guint8 *blob;
        gsize size;

        g_array_set_size (readings, 0);
        for (gint m = 0; m < ANBU_READING_BUCKET_SECONDS / 60 && done < n; m++, done++)
          {
            AnbuReading reading = { bucket + m * 60, 3.0, 10.0 };

            g_array_append_val (readings, reading);
          }
        blob = anbu_reading_buckets_pack (readings, bucket, &size);
        g_snprintf (serial, sizeof serial, "OLD-%06d", s);
        sqlite3_bind_int64 (stmt, 1, bucket);
        sqlite3_bind_text (stmt, 2, serial, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int (stmt, 3, (int) readings->len);
        sqlite3_bind_blob64 (stmt, 4, blob, size, g_free);
        if (sqlite3_step (stmt) != SQLITE_DONE)
          g_error ("%s", sqlite3_errmsg (db));
        sqlite3_reset (stmt);
        since_commit += readings->len;
        if (since_commit >= 1000000)
          {
            exec_or_die (db, "COMMIT");
            exec_or_die (db, "BEGIN");
            since_commit = 0;
          }
      }
  sqlite3_finalize (stmt);
  exec_or_die (db, "COMMIT");
}

typedef struct
{
  char     *url;
  char     *token;
  gint64    first_minute;   /* in batches */
  gint      first_plug;
  gint      n_batches;
  double    seconds;
  double    cpu;        /* the client thread's own CPU time */
  guint64   accepted;
  gboolean  done;
} Client;

/* `plugs` readings: minute `b` of plugs [first, first + n), then the next
 * minutes until the batch is full (a gateway serving n plugs). */
static void
build_body (GString *body,
            gint     b,
            gint     first,
            gint     n)
{
  g_string_assign (body, "{\"readings\":[");
  for (gint i = 0; i < plugs; i++)
    {
      gint minute = b * (plugs / n) + i / n;
      gint p = first + i % n;
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (START + minute * 60);
      g_autofree char *ts_text = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");

      g_string_append_printf (body, "%s{\"serial\":\"P-%07d\",\"ts\":\"%s\",\"watts\":%d.5,\"lux\":%d}",
                              i ? "," : "", p, ts_text, 3 + (p + minute) % 7 * (minute % 30 == 0 ? 20 : 1),
                              10 + p % 5);
    }
  g_string_append (body, "]}");
}

static gpointer
client_thread (gpointer data)
{
  Client *client = data;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *auth = g_strconcat ("Bearer ", client->token, NULL);
  GString *body = g_string_sized_new (100 * plugs);
  double t0 = anbu_bench_now_s ();
  double cpu0 = anbu_bench_thread_cpu_s ();

  soup_session_set_proxy_resolver (session, NULL);
  for (gint b = 0; b < client->n_batches; b++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", client->url);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GBytes) answer = NULL;
      g_autoptr(GError) error = NULL;

      build_body (body, (gint) client->first_minute + b, client->first_plug, plugs / N_GATEWAYS);
      bytes = g_bytes_new (body->str, body->len);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
      answer = soup_session_send_and_read (session, msg, NULL, &error);
      if (answer == NULL || soup_message_get_status (msg) != 200)
        g_error ("batch %d: %s (%u)", b, error ? error->message : "status",
                 soup_message_get_status (msg));
      client->accepted += plugs;
    }
  client->seconds = anbu_bench_now_s () - t0;
  g_string_free (body, TRUE);
  client->cpu = anbu_bench_thread_cpu_s () - cpu0;
  g_atomic_int_set (&client->done, TRUE);
  g_main_context_wakeup (NULL);
  return NULL;
}

/* Pages each commit appends to the WAL (the hook replaces the automatic
 * checkpoint while it is set). */
static int wal_frames_last;
static gint64 wal_frames_written;
static gint64 wal_commits;

static int
count_wal_frames (void       *data,
                  sqlite3    *db,
                  const char *name,
                  int         frames)
{
  wal_frames_written += frames >= wal_frames_last ? frames - wal_frames_last : frames;
  wal_frames_last = frames;
  wal_commits++;
  return SQLITE_OK;
}

/* The same work without HTTP, phase by phase. */
static void
direct_phases (const char        *label,
               AnbuIngestService *service,
               sqlite3           *db,
               gint64             first_minute,
               gint               n_batches)
{
  GString *body = g_string_sized_new (100 * plugs);
  double parse = 0, entries = 0, store = 0, t;

  sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
  wal_frames_last = 0;
  wal_frames_written = wal_commits = 0;
  sqlite3_wal_hook (db, count_wal_frames, NULL);
  for (gint b = 0; b < n_batches; b++)
    {
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(AnbuTelemetryBatch) batch = NULL;
      g_autoptr(AnbuTelemetryReport) report = NULL;
      g_autoptr(GError) error = NULL;

      build_body (body, (gint) first_minute + b, 0, plugs);
      t = anbu_bench_now_s ();
      root = anbu_json_parse_text (body->str, body->len, &error);
      parse += anbu_bench_now_s () - t;
      g_clear_pointer (&batch, anbu_telemetry_batch_unref);
      batch = anbu_telemetry_parse_batch (root, &error);
      /* What the route does with the usual body. */
      g_clear_pointer (&batch, anbu_telemetry_batch_unref);
      t = anbu_bench_now_s ();
      batch = anbu_telemetry_parse_simple_body (body->str, body->len);
      entries += anbu_bench_now_s () - t;
      t = anbu_bench_now_s ();
      report = anbu_telemetry_ingest (anbu_ingest_service_get_telemetry (service), batch,
                                      START + 30 * 86400, &error);
      store += anbu_bench_now_s () - t;
      if (report == NULL)
        g_error ("%s", error->message);
    }
  printf ("%s, in process, per batch of %d: JSON tree %.2f ms (not used for the usual body),"
          " entries read from the body %.2f ms, store and detect %.2f ms (%.0f readings/s)\n",
          label, plugs, 1e3 * parse / n_batches, 1e3 * entries / n_batches, 1e3 * store / n_batches,
          (double) plugs * n_batches / (entries + store));
  printf ("%s, pages written per batch of %d: %.0f\n", label, plugs,
          (double) wal_frames_written / MAX (wal_commits, 1));
  sqlite3_wal_autocheckpoint (db, 20000);
  g_string_free (body, TRUE);
}


/* The readings' minutes already sent end at `*minute`: an HTTP measurement
 * starting after them (its gateways send 4 minutes per batch number), and
 * the cursor moved past it. */
static gint64
minute_cursor_for_http (gint64 *minute,
                        gint    n_batches)
{
  gint64 first = (*minute + N_GATEWAYS - 1) / N_GATEWAYS;

  *minute = first * N_GATEWAYS + n_batches;
  return first;
}

/* Gateways posting at once, each for its share of the plugs; `server_cpu_us`
 * is the server's CPU time per reading (the process's without the
 * gateways' threads). */
static double
http_rate (const char *url,
           const char *token,
           gint64      first_minute,
           gint        n_batches,
           double     *server_cpu_us)
{
  Client clients[N_GATEWAYS];
  GThread *threads[N_GATEWAYS];
  gboolean all_done = FALSE;
  double t0 = anbu_bench_now_s (), seconds;
  double cpu0 = anbu_bench_process_cpu_s (), cpu;
  guint64 accepted = 0;

  for (guint c = 0; c < N_GATEWAYS; c++)
    {
      clients[c] = (Client) { g_strconcat (url, "api/v1/telemetry", NULL), (char *) token,
                              first_minute, c * (plugs / N_GATEWAYS), n_batches / N_GATEWAYS,
                              0, 0, FALSE };
      threads[c] = g_thread_new ("client", client_thread, &clients[c]);
    }
  while (!all_done)
    {
      g_main_context_iteration (NULL, TRUE);
      all_done = TRUE;
      for (guint c = 0; c < N_GATEWAYS; c++)
        all_done = all_done && g_atomic_int_get (&clients[c].done);
    }
  seconds = anbu_bench_now_s () - t0;
  for (guint c = 0; c < N_GATEWAYS; c++)
    g_thread_join (threads[c]);
  cpu = anbu_bench_process_cpu_s () - cpu0;
  for (guint c = 0; c < N_GATEWAYS; c++)
    {
      accepted += clients[c].accepted;
      cpu -= clients[c].cpu;
      g_free (clients[c].url);
    }
  *server_cpu_us = 1e6 * cpu / MAX (accepted, 1);
  return accepted / seconds;
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "plugs", 0, 0, G_OPTION_ARG_INT, &plugs, "Plugs (readings per batch)", "N" },
    { "batches", 0, 0, G_OPTION_ARG_INT, &batches, "Batches per HTTP measurement", "N" },
    { "grow", 0, 0, G_OPTION_ARG_INT64, &grow, "Rows added to the readings table in between", "N" },
    { "households", 0, 0, G_OPTION_ARG_INT, &households, "Households for the timer pass", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds,
      "Rounds of each rate measurement (the best counts: other work on the machine only slows)",
      "N" },
    { "learn-households", 0, 0, G_OPTION_ARG_INT, &learn_households,
      "Households with 8 weeks of minute readings for the routine relearning cost", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("anbu-bench-ingest-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "anbu.db", NULL);
  g_autoptr(AnbuStore) store = NULL;
  g_autoptr(AnbuHttpServer) server = NULL;
  g_autoptr(AnbuIngestService) service = NULL;
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;
  AnbuIngestOptions options = { 0 };
  AnbuAlertPassStats stats = { 0 };
  double raw, http_small, http_large, t0, pass_seconds;
  double raw_cpu = G_MAXDOUBLE, small_cpu = G_MAXDOUBLE, large_cpu = G_MAXDOUBLE;
  gint64 minute = 0;
  sqlite3 *db;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (!anbu_auth_init (&error) || (store = anbu_sqlite_store_open (path, &error)) == NULL)
    g_error ("%s", error->message);
  db = anbu_sqlite_store_get_handle (ANBU_SQLITE_STORE (store));

  printf ("raw SQLite insert, one commit per %d rows: %.0f readings/s\n", plugs,
          raw_insert_rate (dir, (gint64) plugs * batches, plugs));

  add_households (db, "P", plugs, FALSE);
  /* A clock after every reading sent, and no plug offline meanwhile. */
  {
    g_autoptr(AnbuClock) clock = anbu_clock_new_manual ((START + 30 * 86400) * G_USEC_PER_SEC);

    anbu_clock_set_default (clock);
  }
  options.offline_after = 60 * 86400;
  options.retention_days = 3650;
  service = anbu_ingest_service_new (store, &options, &error);
  server = anbu_http_server_new (store, 0, 0);
  if (service == NULL || !anbu_http_server_listen (server, "127.0.0.1:0", NULL, NULL, &error))
    g_error ("%s", error->message);
  anbu_ingest_service_attach (service, server);
  token = anbu_ingest_service_add_gateway (store, "bench", &error);
  url = anbu_http_server_dup_url (server);

  /* The machine is shared and its load drifts: the raw rate, the HTTP
   * rate into the empty table and into a second server whose readings
   * table was grown first are measured in turns; the best of each counts
   * (other work only slows a round). */
  {
    g_autofree char *grown_path = g_build_filename (dir, "grown.db", NULL);
    g_autoptr(AnbuStore) grown_store = anbu_sqlite_store_open (grown_path, &error);
    g_autoptr(AnbuIngestService) grown_service = NULL;
    g_autoptr(AnbuHttpServer) grown_server = NULL;
    g_autofree char *grown_url = NULL;
    g_autofree char *grown_token = NULL;
    sqlite3 *grown_db;

    if (grown_store == NULL)
      g_error ("%s", error->message);
    grown_db = anbu_sqlite_store_get_handle (ANBU_SQLITE_STORE (grown_store));
    add_households (grown_db, "P", plugs, FALSE);
    t0 = anbu_bench_now_s ();
    grow_readings (grown_db, grow);
    printf ("second server's readings table grown by %" G_GINT64_FORMAT " readings in %.1f s\n",
            grow, anbu_bench_now_s () - t0);
    grown_service = anbu_ingest_service_new (grown_store, &options, &error);
    grown_server = anbu_http_server_new (grown_store, 0, 0);
    if (grown_service == NULL
        || !anbu_http_server_listen (grown_server, "127.0.0.1:0", NULL, NULL, &error))
      g_error ("%s", error->message);
    anbu_ingest_service_attach (grown_service, grown_server);
    grown_token = anbu_ingest_service_add_gateway (grown_store, "bench", &error);
    grown_url = anbu_http_server_dup_url (grown_server);

    raw = http_small = http_large = 0;
    for (gint r = 0; r < rounds; r++)
      {
        gint64 first = minute_cursor_for_http (&minute, batches);
        double raw_r = raw_insert_rate (dir, (gint64) plugs * batches, 0);
        double raw_cpu_r = raw_cpu_us, http_cpu_r, grown_cpu_r;
        double http_r = http_rate (url, token, first, batches, &http_cpu_r);
        double grown_r = http_rate (grown_url, grown_token, first, batches, &grown_cpu_r);

        printf ("round %d: raw SQLite insert (one row per reading, synchronous=FULL, one"
                " transaction) %.0f readings/s; HTTP telemetry, %d gateways, batches of %d:"
                " %.0f readings/s, with %" G_GINT64_FORMAT " more readings stored %.0f readings/s\n",
                r + 1, raw_r, N_GATEWAYS, plugs, http_r, grow, grown_r);
        printf ("round %d, CPU time per reading: raw %.2f µs; HTTP server %.2f µs, with %"
                G_GINT64_FORMAT " more readings stored %.2f µs\n", r + 1, raw_cpu_r, http_cpu_r,
                grow, grown_cpu_r);
        raw = MAX (raw, raw_r);
        http_small = MAX (http_small, http_r);
        http_large = MAX (http_large, grown_r);
        raw_cpu = MIN (raw_cpu, raw_cpu_r);
        small_cpu = MIN (small_cpu, http_cpu_r);
        large_cpu = MIN (large_cpu, grown_cpu_r);
      }
    printf ("best: raw %.0f readings/s, HTTP %.0f readings/s (%.0f %% of raw); with %"
            G_GINT64_FORMAT " more readings stored %.0f readings/s (per-reading cost x%.2f of the"
            " empty table's)\n", raw, http_small, 100.0 * http_small / raw, grow, http_large,
            http_small / http_large);
    /* On a loaded machine the wall-clock rates above mostly measure the
     * load; the CPU time per reading is the cost itself. */
    printf ("best CPU time per reading: raw %.2f µs, HTTP server %.2f µs (%.0f readings/s per"
            " core, %.0f %% of raw's rate); with %" G_GINT64_FORMAT " more readings stored %.2f µs"
            " (x%.2f of the empty table's)\n", raw_cpu, small_cpu, 1e6 / small_cpu,
            100.0 * raw_cpu / small_cpu, grow, large_cpu, large_cpu / small_cpu);

    direct_phases ("empty table", service, db, minute, 50);
    direct_phases ("grown table", grown_service, grown_db, minute, 50);
    minute += 50;
  }

  if (learn_households > 0)
    {
      double first_us = 0;
      double daily_us = routine_learn_cost (db, anbu_ingest_service_get_engine (service),
                                            learn_households, &first_us);

      printf ("routine learning, 8 weeks of minute readings per household: first %.1f ms,"
              " nightly %.2f ms each (%.0f households relearned per day at %.2f s per 60 s"
              " pass)\n", first_us / 1e3, daily_us / 1e3,
              ANBU_ALERT_ENGINE_DEFAULT_LEARN_BUDGET / daily_us * 1440,
              ANBU_ALERT_ENGINE_DEFAULT_LEARN_BUDGET / 1e6);
    }
  add_households (db, "T", households, TRUE);
  {
    guint published = 0;

    t0 = anbu_bench_now_s ();
    if (!anbu_telemetry_publish_live (anbu_ingest_service_get_telemetry (service), store,
                                      START, ANBU_TELEMETRY_DEFAULT_PUBLISH_INTERVAL, &published,
                                      &error))
      g_error ("%s", error->message);
    printf ("plug live fields published into synced records: %u plugs in %.3f s"
            " (at most %d per pass)\n", published, anbu_bench_now_s () - t0,
            ANBU_TELEMETRY_PUBLISH_PER_PASS);
  }
  /* The server's own budget for relearning routine profiles in a pass (the
   * bench runs on a manual clock, where a tick relearns everything). */
  anbu_alert_engine_set_learn_budget (anbu_ingest_service_get_engine (service),
                                      ANBU_ALERT_ENGINE_DEFAULT_LEARN_BUDGET);
  t0 = anbu_bench_now_s ();
  if (!anbu_alert_engine_run_pass (anbu_ingest_service_get_engine (service), START, &stats, &error))
    g_error ("%s", error->message);
  pass_seconds = anbu_bench_now_s () - t0;
  printf ("timer pass over %u households: %.3f s (%u signals raised; includes up to %.2f s of"
          " routine relearning)\n", stats.households, pass_seconds, stats.raised,
          ANBU_ALERT_ENGINE_DEFAULT_LEARN_BUDGET / 1e6);
  t0 = anbu_bench_now_s ();
  g_clear_error (&error);
  memset (&stats, 0, sizeof stats);
  anbu_alert_engine_run_pass (anbu_ingest_service_get_engine (service), START + 60, &stats, &error);
  printf ("next timer pass (signals already open): %.3f s\n", anbu_bench_now_s () - t0);
  /* The next day every profile is due again: all of them at once. */
  anbu_alert_engine_set_learn_budget (anbu_ingest_service_get_engine (service), 0);
  t0 = anbu_bench_now_s ();
  g_clear_error (&error);
  memset (&stats, 0, sizeof stats);
  anbu_alert_engine_run_pass (anbu_ingest_service_get_engine (service), START + 86400, &stats,
                              &error);
  printf ("timer pass relearning every routine profile (next day, no budget): %.3f s\n",
          anbu_bench_now_s () - t0);

  g_clear_object (&service);
  g_clear_object (&server);
  g_clear_object (&store);
  {
    GDir *d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *file = g_build_filename (dir, name, NULL);

        g_unlink (file);
      }
    if (d != NULL)
      g_dir_close (d);
    g_rmdir (dir);
  }
  return 0;
}
