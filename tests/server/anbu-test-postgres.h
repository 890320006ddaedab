/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Test helper: a throwaway PostgreSQL 15 for one test program, started from
 * Debian's binaries (/usr/lib/postgresql/15/bin, or $ANBU_POSTGRES_BINDIR)
 * in a temporary directory on a free 127.0.0.1 port by
 * tests/server/anbu-test-postgres.sh ($ANBU_TEST_POSTGRES_SCRIPT). The
 * script stops the server and removes the directory as soon as this process
 * ends, however it ends: a failed assertion leaves nothing behind. */

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AnbuTestPostgres AnbuTestPostgres;

/* Starts the server and waits (bounded) until it accepts connections.
 * NULL with `skip_reason` set when PostgreSQL 15 is not installed; any
 * other failure to start fails the test program. */
AnbuTestPostgres *anbu_test_postgres_start           (char             **skip_reason);

/* Creates an empty database and returns its postgresql:// URI. */
char             *anbu_test_postgres_create_database (AnbuTestPostgres  *postgres);

/* Runs `sql` (one or more statements, no parameters) in the database of
 * `uri`, asserting success. */
void              anbu_test_postgres_exec            (const char        *uri,
                                                      const char        *sql);

/* Runs `sql` in the database of `uri`: whether it succeeded. */
gboolean          anbu_test_postgres_try_exec        (const char        *uri,
                                                      const char        *sql);

/* The first column of the first row of `sql` as text (NULL: no row, or
 * NULL), asserting the query runs. */
char             *anbu_test_postgres_query_value     (const char        *uri,
                                                      const char        *sql);

/* A session of its own on the database of `uri` that ran `sql` and keeps
 * what it took (a lock) until closed. */
typedef struct _AnbuTestPostgresSession AnbuTestPostgresSession;
AnbuTestPostgresSession *anbu_test_postgres_session_open  (const char              *uri,
                                                           const char              *sql);
void                     anbu_test_postgres_session_close (AnbuTestPostgresSession *session);
/* Stops the server and removes its directory (asserting both). */
void              anbu_test_postgres_stop            (AnbuTestPostgres  *postgres);

/* For a test program whose cases run on SQLite and on PostgreSQL: starts
 * the server (when installed), runs the tests and stops it; the status of
 * g_test_run(). */
int               anbu_test_postgres_run_tests       (void);

/* A fresh database for one case, as its --db value. On PostgreSQL
 * (`on_postgresql`) a new database of the server anbu_test_postgres_run_tests()
 * started, or NULL after g_test_skip() when PostgreSQL 15 is not installed.
 * On SQLite the file anbu.db in a new temporary directory made from
 * `dir_template`, whose path goes to `dir`. */
char             *anbu_test_database_new             (gboolean           on_postgresql,
                                                      const char        *dir_template,
                                                      char             **dir);

/* Removes a directory of anbu_test_database_new() and the files in it. */
void              anbu_test_database_remove_dir      (const char        *dir);

G_END_DECLS
