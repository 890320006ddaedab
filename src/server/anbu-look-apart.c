/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-detection"

#include "config.h"

#include "anbu-look-apart.h"
#ifdef HAVE_POSTGRESQL
#include "anbu-pg-store.h"
#endif

typedef struct
{
  AnbuAlertEngine    *engine;     /* its parameters only, read on the worker */
  char               *conninfo;
  gint64              now;
  AnbuAlertPassStats  stats;
} LookJob;

static void
look_job_free (LookJob *job)
{
  g_clear_object (&job->engine);
  g_free (job->conninfo);
  g_free (job);
}

gboolean
anbu_look_apart_possible (AnbuStore *store)
{
#ifdef HAVE_POSTGRESQL
  return ANBU_IS_PG_STORE (store);
#else
  return FALSE;
#endif
}

static void
look_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  LookJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStore) store = NULL;
  AnbuAlertEngine *look = NULL;

#ifdef HAVE_POSTGRESQL
  /* The store's own connection serves the main loop. */
  store = anbu_pg_store_open (job->conninfo, &error);
#else
  g_set_error_literal (&error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                       "Looks apart need PostgreSQL");
#endif
  if (store != NULL && !g_cancellable_set_error_if_cancelled (cancellable, &error))
    look = anbu_alert_engine_look_apart (job->engine, store, job->now, &job->stats, &error);
  if (look == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, look, g_object_unref);
}

void
anbu_look_apart_start (AnbuAlertEngine     *engine,
                       AnbuStore           *store,
                       gint64               now,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LookJob *job;

  g_return_if_fail (ANBU_IS_ALERT_ENGINE (engine));
  g_return_if_fail (anbu_look_apart_possible (store));

  job = g_new0 (LookJob, 1);
  job->engine = g_object_ref (engine);
#ifdef HAVE_POSTGRESQL
  job->conninfo = g_strdup (anbu_pg_store_get_conninfo (ANBU_PG_STORE (store)));
#endif
  job->now = now;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, anbu_look_apart_start);
  g_task_set_task_data (task, job, (GDestroyNotify) look_job_free);
  g_task_run_in_thread (task, look_in_thread);
}

AnbuAlertEngine *
anbu_look_apart_finish (GAsyncResult        *result,
                        AnbuAlertPassStats  *stats,
                        GError             **error)
{
  GTask *task = G_TASK (result);

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (task) == anbu_look_apart_start, NULL);

  /* The worker is done with the job. */
  if (stats != NULL)
    *stats = ((LookJob *) g_task_get_task_data (task))->stats;
  return g_task_propagate_pointer (task, error);
}
