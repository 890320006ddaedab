/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The query pool that counts statistics and series off the main loop
 * (src/server/anbu-query-pool.c): while a job runs, the caller's main
 * context and the pool's other threads answer; past its deadline a job
 * answers ANBU_API_ERROR_UNAVAILABLE ("in time", HTTP 503); the pool is
 * free again afterwards.
 *
 * Why here and not only through the HTTP route: a real report is now fast
 * (bench/bench-stats: a city's year in well under a second), so no
 * statistics request outlasts a deadline on every machine, and nothing a
 * test can do to the database holds the pool's reads back: in WAL mode a
 * lock held by another process (even the PENDING byte) stops readers in
 * other processes only, because the pool's connections share the server
 * process's locks with its writer, and anything that stopped the pool's
 * reads would stop the writer too. So the pool is given jobs whose length
 * the test decides: one that waits at a gate the test opens (it cannot
 * finish before), then runs a query that never ends (it cannot finish
 * at all; only the deadline ends it). No timing is assumed either way. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "anbu-api-error.h"
#include "anbu-query-pool.h"
#include "anbu-sqlite-report-store.h"
#include "anbu-sqlite-store.h"
#include "anbu-test-server.h"

typedef struct
{
  GMutex   mutex;
  GCond    cond;
  gboolean open;
  gboolean entered;   /* the job is running (it holds a pool thread) */
} Gate;

typedef struct
{
  gboolean  done;
  char     *answer;
  GError   *error;
} Answer;

static void
on_answer (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Answer *answer = user_data;

  answer->answer = anbu_query_pool_run_finish (ANBU_QUERY_POOL (source), result, &answer->error);
  answer->done = TRUE;
}

static char *
run_quick (AnbuReportStore  *reports,
           gpointer          data,
           GError          **error)
{
  sqlite3 *db = anbu_sqlite_report_store_get_handle (ANBU_SQLITE_REPORT_STORE (reports));
  sqlite3_stmt *stmt = NULL;
  char *answer = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT 'counted'", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    answer = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else
    g_set_error (error, ANBU_API_ERROR, ANBU_API_ERROR_INTERNAL, "%s", sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  return answer;
}

/* Waits at the gate, then counts without end. */
static char *
run_endless (AnbuReportStore  *reports,
             gpointer          data,
             GError          **error)
{
  sqlite3 *db = anbu_sqlite_report_store_get_handle (ANBU_SQLITE_REPORT_STORE (reports));
  Gate *gate = data;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_mutex_lock (&gate->mutex);
  gate->entered = TRUE;
  g_cond_broadcast (&gate->cond);
  while (!gate->open)
    g_cond_wait (&gate->cond, &gate->mutex);
  g_mutex_unlock (&gate->mutex);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
                                       " SELECT i + 1 FROM n) SELECT count(*) FROM n",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  g_assert_cmpint (rc, !=, SQLITE_ROW);
  g_set_error (error, ANBU_API_ERROR, ANBU_API_ERROR_INTERNAL, "%s", sqlite3_errmsg (db));
  return NULL;
}

static void
gate_open (Gate *gate)
{
  g_mutex_lock (&gate->mutex);
  gate->open = TRUE;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->mutex);
}

static void
gate_wait_entered (Gate *gate)
{
  g_mutex_lock (&gate->mutex);
  while (!gate->entered)
    g_cond_wait (&gate->cond, &gate->mutex);
  g_mutex_unlock (&gate->mutex);
}

static void
test_deadline_leaves_pool_free (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("anbu-query-pool-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "anbu.db", NULL);
  g_autoptr(AnbuQueryPool) pool = NULL;
  g_autoptr(AnbuStore) store = NULL;
  Gate gate = { 0 };
  Answer slow = { 0 }, quick = { 0 }, after = { 0 };

  g_assert_no_error (error);
  store = anbu_sqlite_store_open (path, &error);
  g_assert_no_error (error);
  g_mutex_init (&gate.mutex);
  g_cond_init (&gate.cond);
  /* Two threads, as the server has; the shortest deadline it accepts. */
  pool = anbu_query_pool_new (store, 2, 1);

  g_assert_true (anbu_query_pool_run_async (pool, run_endless, &gate, NULL, on_answer, &slow));
  gate_wait_entered (&gate);
  /* While the slow job holds a thread, another is answered on this main
   * context: the slow job cannot have ended, its gate is shut. */
  g_assert_true (anbu_query_pool_run_async (pool, run_quick, NULL, NULL, on_answer, &quick));
  anbu_test_wait_for (&quick.done);
  g_assert_no_error (quick.error);
  g_assert_cmpstr (quick.answer, ==, "counted");
  g_assert_false (slow.done);

  /* Its query never ends: only the deadline answers it. */
  gate_open (&gate);
  anbu_test_wait_for (&slow.done);
  g_assert_null (slow.answer);
  g_assert_error (slow.error, ANBU_API_ERROR, ANBU_API_ERROR_UNAVAILABLE);
  g_assert_true (strstr (slow.error->message, "in time") != NULL);

  /* And the pool is free again. */
  g_assert_true (anbu_query_pool_run_async (pool, run_quick, NULL, NULL, on_answer, &after));
  anbu_test_wait_for (&after.done);
  g_assert_no_error (after.error);
  g_assert_cmpstr (after.answer, ==, "counted");

  g_clear_object (&pool);
  g_clear_error (&slow.error);
  g_free (quick.answer);
  g_free (after.answer);
  g_mutex_clear (&gate.mutex);
  g_cond_clear (&gate.cond);
  g_clear_object (&store);
  for (const char *const *suffix = (const char *const[]) { "", "-wal", "-shm", NULL }; *suffix; suffix++)
    {
      g_autofree char *file = g_strconcat (path, *suffix, NULL);

      g_unlink (file);
    }
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/server/query-pool/deadline-leaves-pool-free",
                   test_deadline_leaves_pool_free);
  return g_test_run ();
}
