/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The country-sized database of issue 16 next to a district's: one 동 of
 * 2,000 households alone, and the same 동 among N households (default
 * 1,000,000) spread over about 3,500 other 동. Each household has one
 * installed plug, its live fields and a learned routine profile, as a
 * running district has them. On each database: the timer pass (what the
 * server's pass does: alive mark, retention, live fields, caseload moves,
 * the alert engine, whose CPU time is also shown alone), the first sync of
 * the 동 by its planner (the store's pull by scope, paged with the HTTP
 * default of 500, with the access log the sync route writes), the first
 * pages of the control centre's and the administrator's pulls (every 동)
 * and a push of 500 visits (anbu_mutations_apply as the mutations route
 * calls it). Medians of a few runs.
 *
 * With --db postgresql://… the same households and plugs are seeded into
 * two databases made on that server (bench_country_2000 and
 * bench_country_N, dropped afterwards unless --keep) through INSERT …
 * SELECT generate_series, and what runs on PostgreSQL today is measured:
 * the alert engine's passes (telemetry's share of the timer pass is
 * still SQLite's), the pulls and the push. Wall time there includes the
 * server's work; CPU time is this client's only. A throwaway server: tests/server/anbu-test-postgres.sh
 * (docs/server.md).
 *
 *   bench-country [--households 1000000] [--runs 5] [--keep] [--db postgresql://…]
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <glib/gstdio.h>

#include "anbu-auth.h"
#include "anbu-caseload-moves.h"
#include "anbu-clock.h"
#include "anbu-ingest-service.h"
#include "anbu-metrics.h"
#include "anbu-mutations.h"
#include "anbu-sqlite-reading-log.h"
#include "anbu-routine-detector.h"
#include "anbu-sqlite-store.h"
#include "anbu-telemetry.h"
#ifdef HAVE_POSTGRESQL
#include "anbu-pg-reading-log.h"
#include "anbu-pg-store.h"
#include "anbu-bench-util.h"
#endif

/* 2026-11-25 10:00 KST: profiles were relearned after midnight. */
#define NOW ((gint64) 1796000400)
#define DONG_HOUSEHOLDS 2000
#define TARGET_DONG "1111051500"
#define OTHER_DONGS 3500
#define PLANNER_ID "4732d449-ccd7-49b3-b16e-eb26bfd6a0b5"
#define SYNC_PAGE 500   /* SYNC_DEFAULT_LIMIT of the sync route */
#define WIDE_PAGES 2    /* pages of the control centre's and the admin's pull measured */

static gint households = 1000000;
static gint runs = 5;
static gboolean keep = FALSE;
static char *pg_location = NULL;

static void
exec_or_die (sqlite3    *db,
             const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, values->len / 2);
}

/* The key the alert engine stores with a profile learned with the default
 * parameters (routine_params_key in anbu-alert-engine.c): another key
 * counts as never learned and would be relearned. */
static char *
default_params_key (void)
{
  AnbuRoutineParams params;

  anbu_routine_params_init_default (&params);
  return g_strdup_printf ("w%u u%u r%u m%u d%u z%.6g g%.6g s%.6g q%.6g x%.6g o%d",
                          params.window_days, params.warmup_days, params.quiet_rank,
                          params.match_minutes, params.min_days, params.spread_z,
                          params.margin, params.slack_hours, params.min_quiet_hours,
                          params.max_usual_hours, params.utc_offset_seconds);
}

/* Household i (1-based) of n: every (n / 2,000)th is in the target 동, so
 * its households are spread over the whole seq order as years of
 * registrations leave them; the others go round the other 동. Records in
 * the shape the household codec writes (tests/server/fixtures). One
 * household in a hundred has been quiet for 30 hours (past its 24 h
 * threshold, in the target 동 too), the others were active within the
 * last 10 hours. */
static void
seed (sqlite3 *db,
      gint     n)
{
  g_autofree char *params = default_params_key ();
  AnbuRoutineProfile profile;
  sqlite3_stmt *stmt = NULL;
  gint stride = MAX (1, n / DONG_HOUSEHOLDS);
  g_autofree char *households_sql = NULL;

  exec_or_die (db, "BEGIN");
  households_sql = g_strdup_printf (
    "CREATE TEMP TABLE n AS WITH RECURSIVE c (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c"
    " WHERE i < %d) SELECT i, printf ('%%08x-0000-4000-8000-%%012d', 0, i) AS id,"
    " CASE WHEN i %% %d = 0 AND i / %d <= %d THEN '" TARGET_DONG "'"
    " ELSE printf ('%%010d', 2000000000 + i %% %d) END AS dong FROM c;"
    "INSERT INTO household (id, dong_code, night_consent, status, record, version, seq, updated_at)"
    " SELECT id, dong, 1, 'active', json_object ('id', id, 'dong_code', dong, 'name', '김영수',"
    "  'phone', '010-1234-5678', 'address', '서울특별시 종로구 자하문로 ' || i,"
    "  'contacts', json ('[]'), 'night_consent', json ('true'), 'threshold_hours', 24,"
    "  'status', 'active', 'planner_id', '" PLANNER_ID "', 'version', 1,"
    "  'updated_at', '2026-09-01T00:00:00Z'),"
    " 1, 2 * i - 1, '2026-09-01T00:00:00Z' FROM n;"
    "INSERT INTO plug (id, household_id, state, record, version, seq, updated_at)"
    " SELECT printf ('AP-%%07d', i), id, 'installed', json_object ('serial', printf ('AP-%%07d', i),"
    "  'household_id', id, 'appliance', 'tv', 'installed_at', '2026-09-01T01:05:00Z',"
    "  'state', 'installed', 'version', 1),"
    " 1, 2 * i, '2026-09-01T00:00:00Z' FROM n;"
    "INSERT INTO plug_live (serial, household_id, last_seen_at, last_watts, last_lux,"
    " last_activity_at, online_since, gateway_id, unobserved_mark, offline_from)"
    " SELECT printf ('AP-%%07d', i), id, %" G_GINT64_FORMAT " - 60 * (i %% 5), 3.0, 10.0,"
    " CASE WHEN (CASE WHEN i %% %d = 0 THEN i / %d ELSE i END) %% 100 = 7 THEN %" G_GINT64_FORMAT " - 30 * 3600"
    "  ELSE %" G_GINT64_FORMAT " - 60 * (i %% 600) END,"
    " %" G_GINT64_FORMAT ", NULL, 0, 0 FROM n;"
    "UPDATE counter SET value = 2 * %d WHERE name = 'seq';",
    n, stride, stride, DONG_HOUSEHOLDS, OTHER_DONGS, NOW, stride, stride, NOW, NOW,
    NOW - 30 * 86400, n);
  exec_or_die (db, households_sql);

  /* Ready profiles: the usual quiet is 8 hours in every slot, so a watch
   * is due after 12 hours (1.25 × 8 + 2). */
  memset (&profile, 0, sizeof profile);
  for (guint c = 0; c < ANBU_ROUTINE_N_CONTEXTS; c++)
    for (guint s = 0; s < ANBU_ROUTINE_SLOTS_PER_DAY; s++)
      profile.usual_quiet_hours[c][s] = 8.0f;
  if (sqlite3_prepare_v2 (db, "INSERT INTO routine_profile (household_id, learned_at,"
                          " observed_days, ready, usual_quiet, params, gaps, covered_until)"
                          " SELECT id, ?1, 56.0, 1, ?2, ?3, x'', ?1 FROM n", -1, &stmt,
                          NULL) != SQLITE_OK)
    g_error ("%s", sqlite3_errmsg (db));
  sqlite3_bind_int64 (stmt, 1, NOW - 2 * 3600);
  sqlite3_bind_blob (stmt, 2, profile.usual_quiet_hours, sizeof profile.usual_quiet_hours,
                     SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, params, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_error ("%s", sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  exec_or_die (db, "DROP TABLE n; COMMIT; ANALYZE;");
}

/* run_pass in anbu-ingest-service.c, step by step. */
static double
timer_pass (AnbuIngestService *service,
            AnbuStore         *store,
            sqlite3           *db,
            gint64             now,
            AnbuAlertPassStats *stats,
            double             *cpu,
            double             *engine_cpu)
{
  g_autoptr(GError) error = NULL;
  AnbuTelemetry *telemetry = anbu_ingest_service_get_telemetry (service);
  double t0 = anbu_bench_now_s ();
  double c0 = anbu_bench_thread_cpu_s ();
  g_autoptr(AnbuReadingLog) readings = anbu_sqlite_reading_log_new (db);
  guint64 folded = 0;
  double e0;

  if (!anbu_telemetry_note_alive (telemetry, now, FALSE, &error)
      || !anbu_reading_log_fold_before (readings, now - (gint64) ANBU_DEFAULT_RETENTION_DAYS * 86400,
                                        &folded, &error)
      || !anbu_telemetry_publish_live (telemetry, store, now,
                                       ANBU_TELEMETRY_DEFAULT_PUBLISH_INTERVAL, NULL, &error)
      || anbu_caseload_moves_apply_due (store, now * G_USEC_PER_SEC, &error) < 0)
    g_error ("%s", error->message);
  e0 = anbu_bench_thread_cpu_s ();
  if (!anbu_alert_engine_run_pass (anbu_ingest_service_get_engine (service), now, stats, &error))
    g_error ("%s", error->message);
  *cpu = anbu_bench_thread_cpu_s () - c0;
  *engine_cpu = anbu_bench_thread_cpu_s () - e0;
  return anbu_bench_now_s () - t0;
}

/* A first sync page by page as GET /api/v1/sync serves it, with the access
 * log it writes: every page (max_pages 0) or the first max_pages. */
static double
first_sync (AnbuStore           *store,
            const AnbuStoreUser *user,
            guint                max_pages,
            guint               *entries,
            double              *cpu)
{
  AnbuScope scope = { user->role, user->dong_codes, user->id };
  AnbuAccessEntry access = { 0 };
  gint64 since = 0;
  gboolean has_more = TRUE;
  double t0 = anbu_bench_now_s ();
  double c0 = anbu_bench_thread_cpu_s ();

  access.user_id = user->id;
  access.username = user->username;
  access.address = (char *) "127.0.0.1";
  access.method = (char *) "GET";
  access.route = (char *) "/api/v1/sync";
  access.action = ANBU_ACCESS_READ;
  *entries = 0;
  for (guint page = 0; has_more && (max_pages == 0 || page < max_pages); page++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) changes = NULL;
      g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(GPtrArray) ids = g_ptr_array_new ();
      gint64 next = 0;

      changes = anbu_store_changes (store, &scope, since, SYNC_PAGE, &has_more, &next, &error);
      if (changes == NULL)
        g_error ("%s", error->message);
      for (guint i = 0; i < changes->len; i++)
        {
          AnbuStoreChange *change = g_ptr_array_index (changes, i);

          if (change->household_id != NULL && g_hash_table_add (seen, change->household_id))
            g_ptr_array_add (ids, change->household_id);
        }
      g_ptr_array_add (ids, NULL);
      if (ids->len > 1
          && !anbu_store_log_access (store, &access, (const char * const *) ids->pdata, &error))
        g_error ("%s", error->message);
      *entries += changes->len;
      since = next;
    }
  *cpu = anbu_bench_thread_cpu_s () - c0;
  return anbu_bench_now_s () - t0;
}

/* 500 visits to 500 households of the 동 in one push. */
static double
push_visits (AnbuStore           *store,
             AnbuMetrics         *metrics,
             const AnbuStoreUser *planner,
             gint                 n,
             double              *cpu)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) batch = g_string_new ("{\"mutations\": [");
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) results = NULL;
  AnbuScope scope = { ANBU_USER_ROLE_PLANNER, planner->dong_codes, planner->id };
  AnbuAccessEntry access = { 0 };
  gint stride = MAX (1, n / DONG_HOUSEHOLDS);
  JsonArray *entries;
  JsonArray *answers;
  double t0, c0;

  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *entry_id = g_uuid_string_random ();
      g_autofree char *visit_id = g_uuid_string_random ();

      g_string_append_printf (batch, "%s{\"id\": \"%s\", \"kind\": \"visit.create\", \"payload\": "
                              "{\"id\": \"%s\", \"household_id\": \"%08x-0000-4000-8000-%012d\","
                              " \"at\": \"2026-11-25T09:05:00+09:00\", \"by\": \"%s\","
                              " \"purpose\": \"regular\", \"outcome\": \"건강하심\"}}",
                              i > 0 ? "," : "", entry_id, visit_id, 0, (i * 4 + 1) * stride,
                              planner->id);
    }
  g_string_append (batch, "]}");
  access.user_id = planner->id;
  access.username = planner->username;
  access.address = (char *) "127.0.0.1";
  access.method = (char *) "POST";
  access.route = (char *) "/api/v1/mutations";
  access.action = ANBU_ACCESS_WRITE;

  t0 = anbu_bench_now_s ();
  c0 = anbu_bench_thread_cpu_s ();
  root = json_from_string (batch->str, &error);
  if (root == NULL || (entries = anbu_mutations_check_batch (root, &error)) == NULL
      || (results = anbu_mutations_apply (store, metrics, planner, &scope, &access, entries,
                                          &error)) == NULL)
    g_error ("%s", error->message);
  t0 = anbu_bench_now_s () - t0;
  *cpu = anbu_bench_thread_cpu_s () - c0;
  answers = json_node_get_array (results);
  for (guint i = 0; i < json_array_get_length (answers); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (answers, i),
                                                  "status"), "applied") != 0)
      g_error ("Visit %u was not applied: %s", i,
               json_to_string (json_array_get_element (answers, i), FALSE));
  return t0;
}

/* Wall and CPU seconds of one measure over the runs. */
typedef struct
{
  GArray *wall;
  GArray *cpu;
} Samples;

static void
samples_add (Samples *samples,
             double   wall,
             double   cpu)
{
  if (samples->wall == NULL)
    {
      samples->wall = g_array_new (FALSE, FALSE, sizeof (double));
      samples->cpu = g_array_new (FALSE, FALSE, sizeof (double));
    }
  g_array_append_val (samples->wall, wall);
  g_array_append_val (samples->cpu, cpu);
}

typedef struct
{
  double  seed;
  double  size_mb;
  double  first_pass;
  double  startup_cpu;  /* the service's start-up pass, which looks at every household */
  Samples pass;
  Samples engine;       /* of the timer pass: the alert engine (CPU only) */
  guint   looked_at;
  Samples sync;
  Samples push;
  Samples control;      /* first WIDE_PAGES pages of the control centre's pull */
  Samples admin;        /* and of the administrator's */
  guint   entries;
  guint   control_entries;
  guint   admin_entries;
  guint   raised;
  double  first_write_wait;   /* longest wait of another connection's write, first pass */
  double  takeover;           /* a second engine's first pass, after the first one's passes */
  double  takeover_write_wait;
  guint   takeover_raised;
  guint   first_judged;     /* routine watches judged, their profiles read */
  guint   published;        /* plug records given their live fields before the timer passes */
  double  takeover_look;    /* the look made apart */
  double  takeover_adopt;
  double  takeover_main_loop; /* adopting it and the due pass: what holds the main loop */
  guint   takeover_judged;
} Figures;

static const char *target_dongs[] = { TARGET_DONG, NULL };
static AnbuStoreUser planner = { (char *) PLANNER_ID, (char *) "kim.planner", (char *) "김 주무관",
                                 ANBU_USER_ROLE_PLANNER, (char **) target_dongs, (char *) "x", FALSE };
static AnbuStoreUser control = { (char *) "9b1c1f0e-51a4-4b7e-9a57-6c1d2a0f7e11", (char *) "control",
                                 (char *) "관제센터", ANBU_USER_ROLE_CONTROL, NULL, (char *) "x", FALSE };
static AnbuStoreUser admin = { (char *) "0d4f5e62-7a3b-4c8d-8e9f-1a2b3c4d5e6f", (char *) "admin",
                               (char *) "관리자", ANBU_USER_ROLE_ADMIN, NULL, (char *) "x", FALSE };

/* The measures every engine runs: the planner's first sync, the first
 * pages of the wide pulls and the pushes. */
static void
measure_store (AnbuStore *store,
               gint       n,
               Figures   *figures)
{
  g_autoptr(AnbuMetrics) metrics = anbu_metrics_new ();
  double cpu;

  for (gint i = 0; i < runs; i++)
    {
      double wall = first_sync (store, &planner, 0, &figures->entries, &cpu);

      samples_add (&figures->sync, wall, cpu);
      wall = first_sync (store, &control, WIDE_PAGES, &figures->control_entries, &cpu);
      samples_add (&figures->control, wall, cpu);
      wall = first_sync (store, &admin, WIDE_PAGES, &figures->admin_entries, &cpu);
      samples_add (&figures->admin, wall, cpu);
    }
  for (gint i = 0; i < runs; i++)
    {
      double wall = push_visits (store, metrics, &planner, n, &cpu);

      samples_add (&figures->push, wall, cpu);
    }
}

static void
add_users (AnbuStore *store)
{
  g_autoptr(GError) error = NULL;

  if (!anbu_store_add_user (store, &planner, &error)
      || !anbu_store_add_user (store, &control, &error)
      || !anbu_store_add_user (store, &admin, &error))
    g_error ("%s", error->message);
}

static void
run (const char *dir,
     gint        n,
     Figures    *figures)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("%s/country-%d.db", dir, n);
  g_autoptr(AnbuStore) store = NULL;
  g_autoptr(AnbuIngestService) service = NULL;
  AnbuIngestOptions options = { 0 };
  AnbuAlertPassStats stats = { 0 };
  GStatBuf st;
  sqlite3 *db;
  double t0, c0, cpu, engine_cpu;

  if ((store = anbu_sqlite_store_open (path, &error)) == NULL)
    g_error ("%s", error->message);
  add_users (store);
  db = anbu_sqlite_store_get_handle (ANBU_SQLITE_STORE (store));
  t0 = anbu_bench_now_s ();
  seed (db, n);
  figures->seed = anbu_bench_now_s () - t0;
  exec_or_die (db, "PRAGMA wal_checkpoint (TRUNCATE)");
  figures->size_mb = g_stat (path, &st) == 0 ? st.st_size / 1e6 : 0;

  /* The service's start-up pass runs here; the clock stands still but for
   * the passes below, a minute apart as the timer runs them. */
  c0 = anbu_bench_thread_cpu_s ();
  service = anbu_ingest_service_new (store, &options, &error);
  figures->startup_cpu = anbu_bench_thread_cpu_s () - c0;
  if (service == NULL)
    g_error ("%s", error->message);
  anbu_alert_engine_set_learn_budget (anbu_ingest_service_get_engine (service),
                                      ANBU_ALERT_ENGINE_DEFAULT_LEARN_BUDGET);
  figures->first_pass = timer_pass (service, store, db, NOW + 60, &stats, &cpu, &engine_cpu);
  figures->raised = stats.raised;
  for (gint i = 0; i < runs; i++)
    {
      double wall;

      memset (&stats, 0, sizeof stats);
      wall = timer_pass (service, store, db, NOW + 120 + 60 * i, &stats, &cpu, &engine_cpu);
      samples_add (&figures->pass, wall, cpu);
      samples_add (&figures->engine, engine_cpu, engine_cpu);
      figures->looked_at = stats.households;
    }
  measure_store (store, n, figures);

  g_clear_object (&service);
  g_clear_object (&store);
  if (!keep)
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_unlink (path);
      g_unlink (wal);
      g_unlink (shm);
    }
}

#ifdef HAVE_POSTGRESQL
/* `conninfo` (a URI or key=value text) naming database `dbname` instead. */
static char *
conninfo_with_dbname (const char *conninfo,
                      const char *dbname)
{
  g_autoptr(GString) text = g_string_new (NULL);
  char *message = NULL;
  PQconninfoOption *options = PQconninfoParse (conninfo, &message);

  if (options == NULL)
    g_error ("%s: %s", conninfo, message);
  for (PQconninfoOption *option = options; option->keyword != NULL; option++)
    {
      const char *value = g_str_equal (option->keyword, "dbname") ? dbname : option->val;

      if (value == NULL)
        continue;
      g_string_append_printf (text, "%s%s='", text->len > 0 ? " " : "", option->keyword);
      for (const char *c = value; *c != '\0'; c++)
        {
          if (*c == '\'' || *c == '\\')
            g_string_append_c (text, '\\');
          g_string_append_c (text, *c);
        }
      g_string_append_c (text, '\'');
    }
  PQconninfoFree (options);
  return g_string_free (g_steal_pointer (&text), FALSE);
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

/* The households, plugs, live fields and profiles of seed() in one
 * statement each. The rows carry
 * their 동 as the store's triggers would set it; the triggers are off
 * (session_replication_role) so that a million rows are not looked up one
 * by one. */
static void
seed_pg (PGconn *conn,
         gint    n)
{
  g_autofree char *params = default_params_key ();
  gint stride = MAX (1, n / DONG_HOUSEHOLDS);
  g_autofree char *sql = g_strdup_printf (
    "SET session_replication_role = replica;"
    "BEGIN;"
    "CREATE TEMP TABLE n AS SELECT i, '00000000-0000-4000-8000-' || lpad (i::text, 12, '0') AS id,"
    " CASE WHEN i %% %d = 0 AND i / %d <= %d THEN '" TARGET_DONG "'"
    " ELSE (2000000000 + i %% %d)::text END AS dong FROM generate_series (1, %d) i;"
    "INSERT INTO household (id, dong_code, night_consent, status, record, version, seq, updated_at)"
    " SELECT id, dong, true, 'active', json_build_object ('id', id, 'dong_code', dong,"
    "  'name', '김영수', 'phone', '010-1234-5678', 'address', '서울특별시 종로구 자하문로 ' || i,"
    "  'contacts', json_build_array (), 'night_consent', true, 'threshold_hours', 24,"
    "  'status', 'active', 'planner_id', '" PLANNER_ID "', 'version', 1,"
    "  'updated_at', '2026-09-01T00:00:00Z')::text,"
    " 1, 2 * i - 1, '2026-09-01T00:00:00Z' FROM n;"
    "INSERT INTO plug (id, household_id, state, record, version, seq, updated_at, dong_code)"
    " SELECT 'AP-' || lpad (i::text, 7, '0'), id, 'installed', json_build_object ('serial',"
    "  'AP-' || lpad (i::text, 7, '0'), 'household_id', id, 'appliance', 'tv',"
    "  'installed_at', '2026-09-01T01:05:00Z', 'state', 'installed', 'version', 1)::text,"
    " 1, 2 * i, '2026-09-01T00:00:00Z', dong FROM n;"
    /* Live fields and ready profiles as seed() makes them; 8.0f is
     * 00 00 00 41 in the host's (little-endian) byte order. */
    "INSERT INTO plug_live (serial, household_id, last_seen_at, last_watts, last_lux,"
    " last_activity_at, online_since, gateway_id, unobserved_mark, offline_from)"
    " SELECT 'AP-' || lpad (i::text, 7, '0'), id, %" G_GINT64_FORMAT " - 60 * (i %% 5), 3.0, 10.0,"
    " CASE WHEN (CASE WHEN i %% %d = 0 THEN i / %d ELSE i END) %% 100 = 7"
    "  THEN %" G_GINT64_FORMAT " - 30 * 3600 ELSE %" G_GINT64_FORMAT " - 60 * (i %% 600) END,"
    " %" G_GINT64_FORMAT ", NULL, 0, 0 FROM n;"
    "INSERT INTO routine_profile (household_id, learned_at, observed_days, ready, usual_quiet,"
    " params, gaps, covered_until)"
    " SELECT id, %" G_GINT64_FORMAT ", 56.0, 1, decode (repeat ('00000041', %u), 'hex'), '%s',"
    " ''::bytea, %" G_GINT64_FORMAT " FROM n;"
    "UPDATE counter SET value = 2 * %d WHERE name = 'seq';"
    "DROP TABLE n;"
    "COMMIT;"
    "SET session_replication_role = DEFAULT;",
    stride, stride, DONG_HOUSEHOLDS, OTHER_DONGS, n,
    NOW, stride, stride, NOW, NOW, NOW - 30 * 86400,
    NOW - 2 * 3600, (guint) (ANBU_ROUTINE_N_CONTEXTS * ANBU_ROUTINE_SLOTS_PER_DAY), params,
    NOW - 2 * 3600, n);

  pg_exec_or_die (conn, sql);
  /* Not in the statements above: those run as one transaction. */
  pg_exec_or_die (conn, "VACUUM ANALYZE");
}

#ifdef HAVE_POSTGRESQL
/* Another instance's writes (a push, a sign-in) while a pass runs: one
 * write transaction every 50 ms on a store of its own, and the longest it
 * waited for the store's write lock. */
typedef struct
{
  AnbuStore *store;
  gint       stop;
  double     longest;
} WriteProbe;

static gpointer
write_probe_run (gpointer data)
{
  WriteProbe *probe = data;

  while (!g_atomic_int_get (&probe->stop))
    {
      g_autoptr(GError) error = NULL;
      double t0 = anbu_bench_now_s ();

      if (!anbu_store_begin (probe->store, &error) || !anbu_store_commit (probe->store, &error))
        g_error ("%s", error->message);
      probe->longest = MAX (probe->longest, anbu_bench_now_s () - t0);
      g_usleep (50 * 1000);
    }
  return NULL;
}

/* One pass of `engine` at `now` with the probe writing meanwhile: its wall
 * time, and the probe's longest wait in *write_wait. */
static double
pass_with_probe (AnbuAlertEngine    *engine,
                 const char         *location,
                 gint64              now,
                 AnbuAlertPassStats *stats,
                 double             *write_wait)
{
  g_autoptr(GError) error = NULL;
  WriteProbe probe = { anbu_pg_store_open (location, &error), 0, 0 };
  GThread *thread;
  double t0, wall;

  if (probe.store == NULL)
    g_error ("%s", error->message);
  thread = g_thread_new ("write-probe", write_probe_run, &probe);
  t0 = anbu_bench_now_s ();
  if (!anbu_alert_engine_run_pass (engine, now, stats, &error))
    g_error ("%s", error->message);
  wall = anbu_bench_now_s () - t0;
  g_atomic_int_set (&probe.stop, 1);
  g_thread_join (thread);
  g_object_unref (probe.store);
  *write_wait = probe.longest;
  return wall;
}
#endif

/* The alert engine on the PostgreSQL store: the first pass (every
 * household, as after start-up), then timer passes a minute apart on the
 * due index (each after the live fields are published into up to 5,000
 * plug records, untimed), then the first pass of another instance taking
 * over. Meanwhile a third connection writes, as other instances' requests
 * do. */
static void
measure_engine_pg (AnbuStore  *store,
                   const char *location,
                   Figures    *figures)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  g_autoptr(AnbuReadingLog) readings = anbu_pg_reading_log_open (location, &error);
  g_autoptr(AnbuAlertEngine) engine = NULL;
  g_autoptr(AnbuTelemetry) telemetry = NULL;
  AnbuAlertPassStats stats = { 0 };
  double t0, c0;

  if (readings == NULL)
    g_error ("%s", error->message);
  engine = anbu_alert_engine_new (store, readings, calendar, 0);
  anbu_alert_engine_set_learn_budget (engine, ANBU_ALERT_ENGINE_DEFAULT_LEARN_BUDGET);
  c0 = anbu_bench_thread_cpu_s ();
  figures->first_pass = pass_with_probe (engine, location, NOW + 60, &stats,
                                         &figures->first_write_wait);
  figures->startup_cpu = anbu_bench_thread_cpu_s () - c0;
  figures->raised = stats.raised;
  figures->first_judged = stats.judged;
  telemetry = anbu_telemetry_new (store, FALSE, ANBU_ALERT_ENGINE_DEFAULT_OFFLINE_AFTER, &error);
  if (telemetry == NULL)
    g_error ("%s", error->message);
  for (gint i = 0; i < runs; i++)
    {
      guint published = 0;

      /* As the server's pass does first (untimed here): plug records take
       * their live fields, which counts as a change of their households,
       * whose routine watches the pass then judges again and saves. */
      if (!anbu_telemetry_publish_live (telemetry, store, NOW + 120 + 60 * i,
                                        ANBU_TELEMETRY_DEFAULT_PUBLISH_INTERVAL, &published,
                                        &error))
        g_error ("%s", error->message);
      figures->published += published;
      memset (&stats, 0, sizeof stats);
      t0 = anbu_bench_now_s ();
      c0 = anbu_bench_thread_cpu_s ();
      if (!anbu_alert_engine_run_pass (engine, NOW + 120 + 60 * i, &stats, &error))
        g_error ("%s", error->message);
      samples_add (&figures->engine, anbu_bench_now_s () - t0, anbu_bench_thread_cpu_s () - c0);
      figures->looked_at = stats.households;
    }
  /* The leader dies; a standby that never led takes over. As the server
   * does, it looks at every household apart (on a connection of its own;
   * a worker thread there), then adopts the look and runs the due pass:
   * only that part holds its main loop. */
  g_clear_object (&engine);
  engine = anbu_alert_engine_new (store, readings, calendar, 0);
  anbu_alert_engine_set_learn_budget (engine, ANBU_ALERT_ENGINE_DEFAULT_LEARN_BUDGET);
  {
    g_autoptr(AnbuStore) look_store = anbu_pg_store_open (location, &error);
    g_autoptr(AnbuAlertEngine) look = NULL;
    AnbuAlertPassStats looked = { 0 };
    double due_pass;

    if (look_store == NULL)
      g_error ("%s", error->message);
    t0 = anbu_bench_now_s ();
    look = anbu_alert_engine_look_apart (engine, look_store, NOW + 120 + 60 * runs, &looked,
                                         &error);
    if (look == NULL)
      g_error ("%s", error->message);
    figures->takeover_look = anbu_bench_now_s () - t0;
    memset (&stats, 0, sizeof stats);
    t0 = anbu_bench_now_s ();
    anbu_alert_engine_adopt_look (engine, look);
    figures->takeover_adopt = anbu_bench_now_s () - t0;
    due_pass = pass_with_probe (engine, location, NOW + 120 + 60 * runs, &stats,
                                &figures->takeover_write_wait);
    figures->takeover_main_loop = figures->takeover_adopt + due_pass;
    figures->takeover = figures->takeover_look + figures->takeover_main_loop;
    figures->takeover_raised = stats.raised;
    figures->takeover_judged = looked.judged + stats.judged;
  }
}

static void
run_pg (gint     n,
        Figures *figures)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("bench_country_%d", n);
  g_autofree char *location = conninfo_with_dbname (pg_location, name);
  g_autofree char *create = g_strdup_printf ("DROP DATABASE IF EXISTS %s; CREATE DATABASE %s",
                                             name, name);
  g_autofree char *drop = g_strdup_printf ("DROP DATABASE %s", name);
  g_autoptr(AnbuStore) store = NULL;
  PGconn *admin_conn, *conn;
  PGresult *size;
  double t0;

  if ((admin_conn = anbu_pg_store_connect (pg_location, NULL, &error)) == NULL)
    g_error ("%s", error->message);
  /* CREATE DATABASE runs outside a transaction: one statement each. */
  {
    g_auto(GStrv) statements = g_strsplit (create, "; ", -1);

    for (guint i = 0; statements[i] != NULL; i++)
      pg_exec_or_die (admin_conn, statements[i]);
  }
  if ((store = anbu_pg_store_open (location, &error)) == NULL
      || (conn = anbu_pg_store_connect (location, NULL, &error)) == NULL)
    g_error ("%s", error->message);
  add_users (store);
  t0 = anbu_bench_now_s ();
  seed_pg (conn, n);
  figures->seed = anbu_bench_now_s () - t0;
  size = PQexec (conn, "SELECT pg_database_size (current_database ())");
  if (PQresultStatus (size) == PGRES_TUPLES_OK)
    figures->size_mb = g_ascii_strtod (PQgetvalue (size, 0, 0), NULL) / 1e6;
  PQclear (size);
  PQfinish (conn);

  measure_engine_pg (store, location, figures);
  measure_store (store, n, figures);

  g_clear_object (&store);
  if (!keep)
    pg_exec_or_die (admin_conn, drop);
  PQfinish (admin_conn);
}
#endif

static void
print_load (void)
{
  g_autofree char *load = NULL;

  double one, five, fifteen;

  if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL)
      && sscanf (load, "%lf %lf %lf", &one, &five, &fifteen) == 3)
    printf ("  machine load after it (1, 5, 15 min): %.2f %.2f %.2f\n", one, five, fifteen);
}

static void
print_store_figures (const Figures *f)
{
  printf ("  first sync of 동   median %.4f s wall, %.4f s CPU (%u entries)\n"
          "  control, %d pages  median %.4f s wall, %.4f s CPU (%u entries)\n"
          "  admin, %d pages    median %.4f s wall, %.4f s CPU (%u entries)\n"
          "  push of 500 visits median %.4f s wall, %.4f s CPU\n",
          median (f->sync.wall), median (f->sync.cpu), f->entries,
          WIDE_PAGES, median (f->control.wall), median (f->control.cpu), f->control_entries,
          WIDE_PAGES, median (f->admin.wall), median (f->admin.cpu), f->admin_entries,
          median (f->push.wall), median (f->push.cpu));
  print_load ();
}

static void
print_figures (const char    *name,
               gint           n,
               const Figures *f)
{
  printf ("%s, %d households: seeded in %.1f s, %.1f MB; start-up and first pass done"
          " (start-up pass over every household %.3f s CPU; %u signals raised by the first"
          " timer pass, %.3f s)\n"
          "  timer pass         median %.4f s wall, %.4f s CPU"
          " (alert engine %.4f s CPU, %u households looked at)\n",
          name, n, f->seed, f->size_mb, f->startup_cpu, f->raised, f->first_pass,
          median (f->pass.wall), median (f->pass.cpu), median (f->engine.cpu), f->looked_at);
  print_store_figures (f);
}

static void
print_pg_figures (const char    *name,
                  gint           n,
                  const Figures *f)
{
  g_autoptr(GString) passes = g_string_new (NULL);

  /* Each pass in its order, before the median sorts them: the first after
   * a cold start is the one to watch. */
  for (guint i = 0; i < f->engine.wall->len; i++)
    g_string_append_printf (passes, "%s%.3f", i > 0 ? ", " : "",
                            g_array_index (f->engine.wall, double, i));
  printf ("PostgreSQL, %s, %d households: seeded in %.1f s, %.1f MB\n"
          "  alert engine, first pass over every household %.3f s wall, %.3f s CPU"
          " (%u signals raised, %u routine watches judged; another connection's write waited"
          " up to %.3f s)\n"
          "  alert engine, timer pass median %.4f s wall, %.4f s CPU (%u households looked at;"
          " each: %s s; %u plug records published before them)\n"
          "  alert engine, first pass of an instance taking over %.3f s wall (%u signals raised,"
          " %u routine watches judged; another connection's write waited up to %.3f s):"
          " look apart %.3f s, then on the main loop %.3f s (adopting it %.3f s)\n",
          name, n, f->seed, f->size_mb, f->first_pass, f->startup_cpu, f->raised, f->first_judged,
          f->first_write_wait, median (f->engine.wall), median (f->engine.cpu), f->looked_at,
          passes->str, f->published, f->takeover, f->takeover_raised, f->takeover_judged,
          f->takeover_write_wait, f->takeover_look, f->takeover_main_loop, f->takeover_adopt);
  print_store_figures (f);
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "households", 0, 0, G_OPTION_ARG_INT, &households, "Households in the large database", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs of each measure (median)", "N" },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the databases", NULL },
    { "db", 0, 0, G_OPTION_ARG_STRING, &pg_location,
      "Measure on this PostgreSQL server instead (postgresql://…)", "URI" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  Figures small = { 0 }, large = { 0 };
  Samples *all[] = { &small.pass, &small.engine, &small.sync, &small.push, &small.control,
                     &small.admin, &large.pass, &large.engine, &large.sync, &large.push,
                     &large.control, &large.admin };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (households < DONG_HOUSEHOLDS || runs < 1)
    {
      g_printerr ("--households must be at least %d, --runs at least 1\n", DONG_HOUSEHOLDS);
      return 2;
    }
  if (!anbu_auth_init (&error) || (dir = g_dir_make_tmp ("bench-country-XXXXXX", &error)) == NULL)
    g_error ("%s", error->message);
  {
    g_autoptr(AnbuClock) clock = anbu_clock_new_manual (NOW * G_USEC_PER_SEC);

    anbu_clock_set_default (clock);
  }

  if (pg_location != NULL)
    {
#ifdef HAVE_POSTGRESQL
      g_rmdir (dir);
      run_pg (DONG_HOUSEHOLDS, &small);
      print_pg_figures ("one 동 alone", DONG_HOUSEHOLDS, &small);
      run_pg (households, &large);
      print_pg_figures ("the 동 in the country", households, &large);
      printf ("targets (wall, server included): first sync %.0f %% of the district's"
              " (within 20 %%); push of 500 visits %.4f s (< 0.05 s)\n",
              100.0 * median (large.sync.wall) / median (small.sync.wall),
              median (large.push.wall));
      goto out;
#else
      g_printerr ("This build has no PostgreSQL store\n");
      return 2;
#endif
    }

  run (dir, DONG_HOUSEHOLDS, &small);
  print_figures ("one 동 alone", DONG_HOUSEHOLDS, &small);
  run (dir, households, &large);
  print_figures ("the 동 in the country", households, &large);
  printf ("targets (CPU): timer pass %.3f s (< 5 s); first sync %.0f %% of the district's"
          " (within 20 %%); push of 500 visits %.4f s (< 0.05 s)\n",
          median (large.pass.cpu), 100.0 * median (large.sync.cpu) / median (small.sync.cpu),
          median (large.push.cpu));
  if (!keep)
    g_rmdir (dir);
  else
    printf ("databases kept in %s\n", dir);
#ifdef HAVE_POSTGRESQL
out:
#endif
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      g_clear_pointer (&all[i]->wall, g_array_unref);
      g_clear_pointer (&all[i]->cpu, g_array_unref);
    }
  return 0;
}
