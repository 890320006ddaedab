/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One yearly statistics report (GET /api/v1/stats, 2026 by month) over the
 * heavy history of tests/server/test-faults.c — 500 households, 40,000
 * resolved signals, 80,000 visits — and over one ten times larger, counted
 * as the query pool counts it (its own read-only connection).
 *
 *   bench-stats [--scale 1,10] [--print]
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "anbu-sqlite-report-store.h"
#include "anbu-sqlite-store.h"
#include "anbu-stats.h"

#define YEAR_START ((gint64) 1767193200)   /* 2026-01-01 00:00 KST */
#define YEAR_END   ((gint64) 1798729200)   /* 2027-01-01 00:00 KST */

static char *scales = NULL;
static gboolean print_json = FALSE;

static void
exec_or_die (sqlite3    *db,
             const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s", message);
}

/* test-faults.c's heavy_history_sql with `scale` times the rows, spread
 * over the same year. */
static void
seed (sqlite3 *db,
      guint    scale)
{
  g_autofree char *sql = g_strdup_printf (
    "BEGIN;"
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %u)"
    " INSERT INTO household (id, dong_code, night_consent, status, record, version, seq, updated_at)"
    " SELECT printf ('h-%%05d', i), '1111051500', 1, 'active',"
    " json_object ('id', printf ('h-%%05d', i), 'dong_code', '1111051500', 'name', '김영수',"
    "  'status', 'active', 'night_consent', json ('true')),"
    " 1, 1000000 + i, '2026-01-01T00:00:00Z' FROM n;"
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %u)"
    " INSERT INTO alert (id, household_id, state, record, version, seq, updated_at)"
    " SELECT printf ('a-%%07d', i), printf ('h-%%05d', 1 + i %% %u), 'resolved',"
    " json_object ('id', printf ('a-%%07d', i), 'household_id', printf ('h-%%05d', 1 + i %% %u),"
    "  'kind', 'inactivity', 'state', 'resolved', 'resolution', 'safe',"
    "  'raised_at', strftime ('%%Y-%%m-%%dT%%H:%%M:%%SZ', 1767225600 + i * 750 / %u, 'unixepoch'),"
    "  'closed_at', strftime ('%%Y-%%m-%%dT%%H:%%M:%%SZ', 1767225600 + i * 750 / %u + 3600, 'unixepoch')),"
    " 1, 2000000 + i, '2026-01-01T00:00:00Z' FROM n;"
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %u)"
    " INSERT INTO visit (id, household_id, record, version, seq, updated_at)"
    " SELECT printf ('v-%%07d', i), printf ('h-%%05d', 1 + i %% %u),"
    " json_object ('id', printf ('v-%%07d', i), 'household_id', printf ('h-%%05d', 1 + i %% %u),"
    "  'at', strftime ('%%Y-%%m-%%dT%%H:%%M:%%SZ', 1767225600 + i * 375 / %u + 1800, 'unixepoch'),"
    "  'purpose', 'regular'),"
    " 1, 5000000 + i, '2026-01-01T00:00:00Z' FROM n;"
    "COMMIT;",
    500 * scale, 40000 * scale, 500 * scale, 500 * scale, scale, scale,
    80000 * scale, 500 * scale, 500 * scale, scale);

  exec_or_die (db, sql);
}

static void
run (guint scale)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-stats-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "anbu.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(AnbuSqliteStore) store = NULL;
  g_autofree char *json = NULL;
  AnbuScope scope = { ANBU_USER_ROLE_ADMIN, NULL, NULL };
  g_autoptr(AnbuReportStore) reports = NULL;
  sqlite3 *reader = NULL;
  gint64 started;

  g_assert_no_error (error);
  store = ANBU_SQLITE_STORE (anbu_sqlite_store_open (path, &error));
  g_assert_no_error (error);
  started = g_get_monotonic_time ();
  seed (anbu_sqlite_store_get_handle (store), scale);
  printf ("scale %2u: %u households, %u signals, %u visits seeded in %.2f s\n", scale,
          500 * scale, 40000 * scale, 80000 * scale,
          (g_get_monotonic_time () - started) / 1e6);

  g_assert_cmpint (sqlite3_open_v2 (path, &reader, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  reports = anbu_sqlite_report_store_new (reader);
  started = g_get_monotonic_time ();
  json = anbu_stats_to_json (reports, &scope, YEAR_START, YEAR_END, ANBU_STATS_GROUP_MONTH, &error);
  g_assert_no_error (error);
  printf ("scale %2u: one yearly report by month in %.3f s (%zu bytes)\n", scale,
          (g_get_monotonic_time () - started) / 1e6, strlen (json));
  if (print_json)
    printf ("%s\n", json);
  g_clear_object (&reports);
  sqlite3_close (reader);

  g_clear_object (&store);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "scale", 0, 0, G_OPTION_ARG_STRING, &scales, "Comma-separated history sizes", "1,10" },
    { "print", 0, 0, G_OPTION_ARG_NONE, &print_json, "Print each report", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  parts = g_strsplit (scales != NULL ? scales : "1,10", ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    run ((guint) g_ascii_strtoull (parts[i], NULL, 10));
  return 0;
}
