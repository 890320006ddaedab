/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-passwords"

#include "config.h"

#include <string.h>

#include "anbu-auth.h"
#include "anbu-password-pool.h"

/* Waiting checks per worker before the pool answers full. */
#define QUEUE_PER_CHECK 8

struct _AnbuPasswordPool
{
  GObject      parent_instance;

  GThreadPool *workers;
  guint        checks;    /* workers */
  guint        pending;   /* running or waiting */
};

G_DEFINE_FINAL_TYPE (AnbuPasswordPool, anbu_password_pool, G_TYPE_OBJECT)

/* One check or hash; the password is wiped when it is freed. */
typedef struct
{
  char                *hash;       /* to verify against, or NULL */
  char                *password;
  gboolean             new_hash;   /* hash `password` rather than verify it */
  GAsyncReadyCallback  callback;
  gpointer             user_data;
} PasswordJob;

static void
password_job_free (PasswordJob *job)
{
  if (job->password != NULL)
    memset (job->password, 0, strlen (job->password));
  g_free (job->password);
  g_free (job->hash);
  g_free (job);
}

static void
run_job (gpointer data,
         gpointer user_data)
{
  GTask *task = data;
  PasswordJob *job = g_task_get_task_data (task);

  if (job->new_hash)
    {
      GError *error = NULL;
      char *hash = anbu_password_hash (job->password, &error);

      if (hash != NULL)
        g_task_return_pointer (task, hash, g_free);
      else
        g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, anbu_password_verify (job->hash, job->password));
  g_object_unref (task);
}

static void
on_job_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AnbuPasswordPool *self = ANBU_PASSWORD_POOL (source);
  PasswordJob *job = g_task_get_task_data (G_TASK (result));

  self->pending--;
  job->callback (source, result, job->user_data);
}

static gboolean
push_job (AnbuPasswordPool *self,
          PasswordJob      *job)
{
  GTask *task;

  if (anbu_password_pool_is_full (self))
    {
      password_job_free (job);
      return FALSE;
    }
  task = g_task_new (self, NULL, on_job_done, NULL);
  g_task_set_source_tag (task, push_job);
  g_task_set_task_data (task, job, (GDestroyNotify) password_job_free);
  self->pending++;
  g_thread_pool_push (self->workers, task, NULL);
  return TRUE;
}

gboolean
anbu_password_pool_verify_async (AnbuPasswordPool    *self,
                                 const char          *hash,
                                 const char          *password,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  PasswordJob *job;

  g_return_val_if_fail (ANBU_IS_PASSWORD_POOL (self), FALSE);
  g_return_val_if_fail (password != NULL && callback != NULL, FALSE);

  job = g_new0 (PasswordJob, 1);
  job->hash = g_strdup (hash);
  job->password = g_strdup (password);
  job->callback = callback;
  job->user_data = user_data;
  return push_job (self, job);
}

gboolean
anbu_password_pool_verify_finish (AnbuPasswordPool *self,
                                  GAsyncResult     *result)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), NULL);
}

gboolean
anbu_password_pool_hash_async (AnbuPasswordPool    *self,
                               const char          *password,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  PasswordJob *job;

  g_return_val_if_fail (ANBU_IS_PASSWORD_POOL (self), FALSE);
  g_return_val_if_fail (password != NULL && callback != NULL, FALSE);

  job = g_new0 (PasswordJob, 1);
  job->password = g_strdup (password);
  job->new_hash = TRUE;
  job->callback = callback;
  job->user_data = user_data;
  return push_job (self, job);
}

char *
anbu_password_pool_hash_finish (AnbuPasswordPool  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
anbu_password_pool_get_checks (AnbuPasswordPool *self)
{
  g_return_val_if_fail (ANBU_IS_PASSWORD_POOL (self), 0);
  return self->checks;
}

guint
anbu_password_pool_get_pending (AnbuPasswordPool *self)
{
  g_return_val_if_fail (ANBU_IS_PASSWORD_POOL (self), 0);
  return self->pending;
}

gboolean
anbu_password_pool_is_full (AnbuPasswordPool *self)
{
  g_return_val_if_fail (ANBU_IS_PASSWORD_POOL (self), TRUE);
  return self->pending >= self->checks * (1 + QUEUE_PER_CHECK);
}

static void
anbu_password_pool_finalize (GObject *object)
{
  AnbuPasswordPool *self = ANBU_PASSWORD_POOL (object);

  /* Every job holds the pool: none is left by now. */
  g_thread_pool_free (self->workers, FALSE, TRUE);

  G_OBJECT_CLASS (anbu_password_pool_parent_class)->finalize (object);
}

static void
anbu_password_pool_class_init (AnbuPasswordPoolClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = anbu_password_pool_finalize;
}

static void
anbu_password_pool_init (AnbuPasswordPool *self)
{
}

AnbuPasswordPool *
anbu_password_pool_new (guint checks)
{
  AnbuPasswordPool *self = g_object_new (ANBU_TYPE_PASSWORD_POOL, NULL);

  if (checks == 0)
    checks = MAX (2, g_get_num_processors ());
  self->checks = checks;
  self->workers = g_thread_pool_new (run_job, NULL, (gint) checks, FALSE, NULL);
  return self;
}
