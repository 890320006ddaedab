/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-query-pool"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-api-error.h"
#ifdef HAVE_POSTGRESQL
#include "anbu-pg-report-store.h"
#include "anbu-pg-store.h"
#endif
#include "anbu-query-pool.h"
#include "anbu-sqlite-report-store.h"
#include "anbu-sqlite-store.h"

/* Jobs that may wait per running one before the pool answers "busy". */
#define QUEUE_PER_THREAD 8
/* SQLite calls the progress handler every this many VM instructions. */
#define PROGRESS_STEPS 10000

struct _AnbuQueryPool
{
  GObject      parent_instance;

  char        *db_path;        /* SQLite: the database file */
  char        *conninfo;       /* PostgreSQL: what the store was opened with */
  GAsyncQueue *idle_readers;   /* PostgreSQL: AnbuPgReportStore * not in use */
  GThreadPool *threads;
  guint        n_threads;
  gint64       deadline_usec;
  guint        pending;        /* submitted, not yet finished (main thread only) */
};

G_DEFINE_FINAL_TYPE (AnbuQueryPool, anbu_query_pool, G_TYPE_OBJECT)

typedef struct
{
  AnbuQueryFunc   func;
  gpointer        data;
  GDestroyNotify  destroy;
  char           *db_path;
  char           *conninfo;
  GAsyncQueue    *idle_readers;
  gint64          deadline;    /* monotonic µs */
} Job;

static void
job_free (Job *job)
{
  if (job->destroy != NULL)
    job->destroy (job->data);
  g_free (job->db_path);
  g_free (job->conninfo);
  g_async_queue_unref (job->idle_readers);
  g_free (job);
}

static int
on_progress (void *user_data)
{
  Job *job = user_data;

  /* Non-zero interrupts the statement: SQLITE_INTERRUPT. */
  return g_get_monotonic_time () > job->deadline;
}

static void
set_deadline_error (GError **error)
{
  anbu_api_set_error (error, ANBU_API_ERROR_UNAVAILABLE, NULL, "%s",
                      _("The server could not finish this in time; choose a shorter span "
                        "or try again later"));
}

static char *
run_sqlite_job (Job         *job,
                const char  *db_path,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(AnbuReportStore) reports = NULL;
  sqlite3 *db = NULL;
  char *answer;

  if (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL)
      != SQLITE_OK)
    {
      anbu_api_set_error (error, ANBU_API_ERROR_INTERNAL, NULL, "Cannot open the database: %s",
                          db != NULL ? sqlite3_errmsg (db) : "out of memory");
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, 5000);
  sqlite3_progress_handler (db, PROGRESS_STEPS, on_progress, job);
  reports = anbu_sqlite_report_store_new (db);
  answer = job->func (reports, job->data, &local_error);
  if (answer == NULL)
    {
      if (sqlite3_errcode (db) == SQLITE_INTERRUPT || g_get_monotonic_time () > job->deadline)
        set_deadline_error (error);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
    }
  g_clear_object (&reports);
  sqlite3_close (db);
  return answer;
}

#ifdef HAVE_POSTGRESQL
/* A connection of the pool's that is not in use, or a new one: never more
 * than the pool's threads, as each job holds one. */
static char *
run_pg_job (Job     *job,
            GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(AnbuReportStore) reports = g_async_queue_try_pop (job->idle_readers);
  char *answer = NULL;
  gint64 left_ms;

  if (reports == NULL)
    reports = anbu_pg_report_store_open (job->conninfo, &local_error);
  if (reports == NULL)
    {
      anbu_api_set_error (error, ANBU_API_ERROR_INTERNAL, NULL, "%s", local_error->message);
      return NULL;
    }
  /* What is left once connected: the statements may take no more. */
  left_ms = (job->deadline - g_get_monotonic_time ()) / 1000;
  if (anbu_pg_report_store_set_timeout (ANBU_PG_REPORT_STORE (reports),
                                        (guint) CLAMP (left_ms, 1, G_MAXINT), &local_error))
    answer = job->func (reports, job->data, &local_error);
  if (answer == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
          || g_get_monotonic_time () > job->deadline)
        set_deadline_error (error);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
    }
  /* Kept for the next job unless its connection broke. */
  if (anbu_pg_report_store_is_connected (ANBU_PG_REPORT_STORE (reports)))
    g_async_queue_push (job->idle_readers, g_steal_pointer (&reports));
  return answer;
}
#endif

static char *
run_job (Job     *job,
         GError **error)
{
  if (g_get_monotonic_time () > job->deadline)
    {
      set_deadline_error (error);
      return NULL;
    }
#ifdef HAVE_POSTGRESQL
  if (job->conninfo != NULL)
    return run_pg_job (job, error);
#endif
  return run_sqlite_job (job, job->db_path, error);
}

static void
worker (gpointer data,
        gpointer user_data)
{
  GTask *task = data;
  GError *error = NULL;
  char *answer = run_job (g_task_get_task_data (task), &error);

  if (answer != NULL)
    g_task_return_pointer (task, answer, g_free);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

static void
anbu_query_pool_finalize (GObject *object)
{
  AnbuQueryPool *self = ANBU_QUERY_POOL (object);

  /* Waits for running jobs; their answers are no longer delivered. */
  if (self->threads != NULL)
    g_thread_pool_free (g_steal_pointer (&self->threads), FALSE, TRUE);
  g_free (self->db_path);
  g_free (self->conninfo);
  g_clear_pointer (&self->idle_readers, g_async_queue_unref);

  G_OBJECT_CLASS (anbu_query_pool_parent_class)->finalize (object);
}

static void
anbu_query_pool_class_init (AnbuQueryPoolClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = anbu_query_pool_finalize;
}

static void
anbu_query_pool_init (AnbuQueryPool *self)
{
}

AnbuQueryPool *
anbu_query_pool_new (AnbuStore *store,
                     guint      threads,
                     guint      deadline_seconds)
{
  AnbuQueryPool *self;

  g_return_val_if_fail (ANBU_IS_STORE (store), NULL);

  self = g_object_new (ANBU_TYPE_QUERY_POOL, NULL);
  self->idle_readers = g_async_queue_new_full (g_object_unref);
#ifdef HAVE_POSTGRESQL
  if (ANBU_IS_PG_STORE (store))
    self->conninfo = g_strdup (anbu_pg_store_get_conninfo (ANBU_PG_STORE (store)));
  else
#endif
    self->db_path = g_strdup (sqlite3_db_filename (anbu_sqlite_store_get_handle (ANBU_SQLITE_STORE (store)),
                                                   "main"));
  self->n_threads = MAX (threads, 1);
  self->threads = g_thread_pool_new (worker, NULL, (gint) self->n_threads, FALSE, NULL);
  anbu_query_pool_set_deadline (self, deadline_seconds);
  return self;
}

void
anbu_query_pool_set_deadline (AnbuQueryPool *self,
                              guint          deadline_seconds)
{
  g_return_if_fail (ANBU_IS_QUERY_POOL (self));

  self->deadline_usec = (gint64) (deadline_seconds > 0 ? deadline_seconds
                                                       : ANBU_QUERY_POOL_DEFAULT_DEADLINE)
                        * G_USEC_PER_SEC;
}

typedef struct
{
  AnbuQueryPool       *pool;
  GAsyncReadyCallback  callback;
  gpointer             user_data;
} Delivery;

/* The pool counts a job as pending until its answer is delivered. */
static void
on_job_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Delivery *delivery = user_data;

  delivery->pool->pending--;
  delivery->callback (G_OBJECT (delivery->pool), result, delivery->user_data);
  g_object_unref (delivery->pool);
  g_free (delivery);
}

gboolean
anbu_query_pool_run_async (AnbuQueryPool       *self,
                           AnbuQueryFunc        func,
                           gpointer             data,
                           GDestroyNotify       destroy,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Delivery *delivery;
  Job *job;

  g_return_val_if_fail (ANBU_IS_QUERY_POOL (self), FALSE);
  g_return_val_if_fail (func != NULL && callback != NULL, FALSE);

  if (self->pending >= self->n_threads * (1 + QUEUE_PER_THREAD))
    {
      if (destroy != NULL)
        destroy (data);
      return FALSE;
    }

  job = g_new0 (Job, 1);
  job->func = func;
  job->data = data;
  job->destroy = destroy;
  job->db_path = g_strdup (self->db_path);
  job->conninfo = g_strdup (self->conninfo);
  job->idle_readers = g_async_queue_ref (self->idle_readers);
  job->deadline = g_get_monotonic_time () + self->deadline_usec;

  delivery = g_new0 (Delivery, 1);
  delivery->pool = g_object_ref (self);
  delivery->callback = callback;
  delivery->user_data = user_data;

  /* No source object: the task's result is read in on_job_done. */
  task = g_task_new (NULL, NULL, on_job_done, delivery);
  g_task_set_source_tag (task, anbu_query_pool_run_async);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  self->pending++;
  g_thread_pool_push (self->threads, g_steal_pointer (&task), NULL);
  return TRUE;
}

char *
anbu_query_pool_run_finish (AnbuQueryPool  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (ANBU_IS_QUERY_POOL (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == anbu_query_pool_run_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
