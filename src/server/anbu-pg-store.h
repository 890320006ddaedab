/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libpq-fe.h>

#include "anbu-store.h"

G_BEGIN_DECLS

#define ANBU_TYPE_PG_STORE (anbu_pg_store_get_type ())
G_DECLARE_FINAL_TYPE (AnbuPgStore, anbu_pg_store, ANBU, PG_STORE, GObject)

/* Connects to the PostgreSQL database named by `conninfo` (a
 * postgresql:// URI or libpq key=value text) and brings its schema up to
 * date: the store's tables, and (step 5) telemetry's and the routine
 * profiles', which their parts read and write. */
AnbuStore *anbu_pg_store_open (const char  *conninfo,
                               GError     **error);

/* A connection of its own to the database of `conninfo`, with the store's
 * settings (connect timeout, application name, encoding, no notices) and
 * `settings` ("-c name=value …", NULL: none) added: for the cluster's
 * leader lock, event listener and shared throttle. Opening the store first
 * brings the schema up to date. */
PGconn    *anbu_pg_store_connect (const char  *conninfo,
                                  const char  *settings,
                                  GError     **error);

/* The schema version the database has, or -1 with `error` set. */
gint       anbu_pg_store_get_schema_version (AnbuPgStore  *self,
                                             GError      **error);

/* Runs `sql` on the store's connection, inside the store's transaction
 * when one is open (anbu_store_begin), prepared once per connection. Every
 * parameter is text: cast it in the statement ($1::bigint, $2::bytea with
 * anbu_pg_values' hex text). The result (command or rows), or NULL with
 * `error` set (ANBU_STORE_ERROR). For the parts of the server that keep
 * their tables beside the store's and write in its transactions. */
PGresult   *anbu_pg_store_query (AnbuPgStore         *self,
                                 const char          *sql,
                                 int                  n_params,
                                 const char * const  *params,
                                 GError             **error);

/* Before a statement on `conn` that must end by `deadline` (monotonic µs;
 * 0: no deadline, nothing is done): sets statement_timeout to what is left
 * of it, rounded up so that a statement it stops ends past the deadline.
 * FALSE with G_IO_ERROR_TIMED_OUT when nothing is left, or with the
 * store's error when the setting fails. Per statement, as PostgreSQL's
 * limit is: a job of several statements still ends by its deadline. */
gboolean    anbu_pg_store_limit_to_deadline (PGconn   *conn,
                                             gint64    deadline,
                                             GError  **error);

/* What the store was opened with, for parts that need a connection of
 * their own (anbu_pg_store_connect): the ingest thread, report readers. */
const char *anbu_pg_store_get_conninfo (AnbuPgStore *self);

/* The schema version this build writes. */
guint      anbu_pg_store_get_latest_schema_version (void);

G_END_DECLS
