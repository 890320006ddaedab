/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Slow reads (statistics, series) off the main loop: a few worker threads,
 * each job on its own read-only connection to the server's database (in
 * WAL mode it reads one snapshot and never blocks the writer), and a
 * deadline after which SQLite is interrupted and the job fails with
 * ANBU_API_ERROR_UNAVAILABLE. The main loop keeps answering /healthz,
 * ingest and sync meanwhile. */

#define ANBU_QUERY_POOL_DEFAULT_DEADLINE 10   /* seconds */

/* Runs on a worker thread with the job's connection; returns the answer's
 * JSON text or NULL with `error` set. */
typedef char *(*AnbuQueryFunc) (sqlite3   *db,
                                gpointer   data,
                                GError   **error);

#define ANBU_TYPE_QUERY_POOL (anbu_query_pool_get_type ())
G_DECLARE_FINAL_TYPE (AnbuQueryPool, anbu_query_pool, ANBU, QUERY_POOL, GObject)

/* `db_path`: the database file; `threads`: jobs that run at once (more
 * wait in a bounded queue); `deadline_seconds`: from the job's submission
 * to its answer, queueing included. */
AnbuQueryPool *anbu_query_pool_new         (const char           *db_path,
                                            guint                 threads,
                                            guint                 deadline_seconds);

void           anbu_query_pool_set_deadline (AnbuQueryPool       *self,
                                             guint                deadline_seconds);

/* Returns FALSE (and calls nothing) when the queue is full: answer 503
 * with Retry-After. Otherwise `callback` runs on the calling thread's
 * main context when the job is done; `destroy` frees `data` after it. */
gboolean       anbu_query_pool_run_async   (AnbuQueryPool        *self,
                                            AnbuQueryFunc         func,
                                            gpointer              data,
                                            GDestroyNotify        destroy,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
char          *anbu_query_pool_run_finish  (AnbuQueryPool        *self,
                                            GAsyncResult         *result,
                                            GError              **error);

G_END_DECLS
