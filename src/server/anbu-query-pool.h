/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "anbu-report-store.h"
#include "anbu-store.h"

G_BEGIN_DECLS

/* Slow reads (statistics, series) off the main loop: a few worker threads,
 * each job on a connection of its own to the server's database, and a
 * deadline after which the job fails with ANBU_API_ERROR_UNAVAILABLE. On
 * SQLite a job opens a read-only connection (in WAL mode it reads one
 * snapshot and never blocks the writer) that is interrupted at the
 * deadline; on PostgreSQL the pool keeps a connection per thread, its
 * statement_timeout set to what is left of the job's deadline. The main
 * loop keeps answering /healthz, ingest and sync meanwhile. */

#define ANBU_QUERY_POOL_DEFAULT_DEADLINE 10   /* seconds */

/* Runs on a worker thread with the job's reads; returns the answer's JSON
 * text or NULL with `error` set. */
typedef char *(*AnbuQueryFunc) (AnbuReportStore  *reports,
                                gpointer          data,
                                GError          **error);

#define ANBU_TYPE_QUERY_POOL (anbu_query_pool_get_type ())
G_DECLARE_FINAL_TYPE (AnbuQueryPool, anbu_query_pool, ANBU, QUERY_POOL, GObject)

/* `store`: whose database the jobs read (an AnbuSqliteStore or an
 * AnbuPgStore); `threads`: jobs that run at once (more wait in a bounded
 * queue); `deadline_seconds`: from the job's submission to its answer,
 * queueing included. */
AnbuQueryPool *anbu_query_pool_new         (AnbuStore            *store,
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
