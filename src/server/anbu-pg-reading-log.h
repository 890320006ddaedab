/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libpq-fe.h>

#include "anbu-reading-log.h"

G_BEGIN_DECLS

#define ANBU_TYPE_PG_READING_LOG (anbu_pg_reading_log_get_type ())
G_DECLARE_FINAL_TYPE (AnbuPgReadingLog, anbu_pg_reading_log, ANBU, PG_READING_LOG, GObject)

/* Connects to the PostgreSQL database named by `conninfo` (as
 * anbu_pg_store_open does: a postgresql:// URI or key=value text) on a
 * connection of its own and brings the readings' schema up to date: the
 * table `reading`, partitioned by range of time, one partition per UTC
 * day, made when a batch first reaches that day (and the next day's with
 * it); and `reading_hourly`, the folded hours. A batch is copied in
 * (COPY) and committed before append returns; retention folds and drops
 * whole days' partitions. */
AnbuReadingLog *anbu_pg_reading_log_open (const char  *conninfo,
                                          GError     **error);

/* The reads that follow end by `deadline` (monotonic µs; 0: none), each
 * stopped at it (anbu_pg_store_limit_to_deadline): the query pool's
 * deadline for the readings a report reads. */
void            anbu_pg_reading_log_set_deadline    (AnbuPgReadingLog  *self,
                                                     gint64             deadline);

/* The same on `conn`, a connection it is given and does not finish (nor
 * make anew when lost, but in anbu_reading_log_prepare): `conn_owner`
 * (may be NULL) is kept alive for as long as the log is. A batch appended
 * while the caller holds a transaction open on `conn` is written inside
 * it (a savepoint) and commits or rolls back with it; its days' partitions
 * must have been made ahead with anbu_reading_log_prepare (DDL inside the
 * caller's transaction could deadlock with other instances' batches).
 * Reads run under `conn`'s statement_timeout; one it stops is
 * G_IO_ERROR_TIMED_OUT. `conn` must be idle now (the schema is brought up
 * to date on it). */
AnbuReadingLog *anbu_pg_reading_log_new_on_connection (PGconn   *conn,
                                                       GObject  *conn_owner,
                                                       GError  **error);

/* The day partitions there are now, oldest first (for tests and benches). */
GStrv           anbu_pg_reading_log_list_partitions (AnbuPgReadingLog  *self,
                                                     GError           **error);

G_END_DECLS
