/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `anbu-server migrate`: a district's SQLite database copied into an empty
 * PostgreSQL database and verified table by table (docs/server.md,
 * "Moving a district to PostgreSQL"). */

#define ANBU_MIGRATION_ERROR (anbu_migration_error_quark ())

typedef enum
{
  ANBU_MIGRATION_ERROR_SOURCE,     /* the SQLite file cannot be read as a current Anbu database */
  ANBU_MIGRATION_ERROR_TARGET,     /* PostgreSQL cannot be reached or refused a statement */
  ANBU_MIGRATION_ERROR_NOT_EMPTY,  /* the target holds data already; nothing was written */
  ANBU_MIGRATION_ERROR_MISMATCH,   /* a table's rows differ after the copy; nothing was kept */
} AnbuMigrationError;

GQuark   anbu_migration_error_quark (void);

/* Copies the database in the SQLite file `from` (read in one read
 * transaction: a consistent snapshot while its server keeps running) into
 * the PostgreSQL database `to` (a libpq URI), whose schema it makes by
 * opening the store and the reading log. The tables are copied with COPY
 * in one transaction; the readings through AnbuReadingLog, in batches.
 * Before committing, every table is counted and checksummed on both sides
 * in one engine-independent form; the table of that verification goes to
 * `verification` (standard output), the progress to standard error.
 * On any failure, a mismatch included, the target keeps no row of it. */
gboolean anbu_migration_run         (const char  *from,
                                     const char  *to,
                                     FILE        *verification,
                                     GError     **error);

G_END_DECLS
