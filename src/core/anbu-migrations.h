/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define ANBU_MIGRATIONS_ERROR (anbu_migrations_error_quark ())

typedef enum
{
  ANBU_MIGRATIONS_ERROR_TOO_NEW,  /* the database was written by a newer Anbu */
  ANBU_MIGRATIONS_ERROR_INVALID,  /* the migration list itself is wrong (a bug) */
  ANBU_MIGRATIONS_ERROR_FAILED,   /* SQLite refused a step; nothing was changed */
} AnbuMigrationsError;

/* One forward-only step. Steps are numbered 1, 2, 3, … without gaps; the
 * schema version recorded in the database is the number of the last step. */
typedef struct
{
  guint       version;
  const char *sql;
} AnbuMigration;

GQuark   anbu_migrations_error_quark   (void);

gint     anbu_migrations_get_version   (sqlite3             *db,
                                        GError             **error);

gboolean anbu_migrations_apply         (sqlite3             *db,
                                        const AnbuMigration *migrations,
                                        gsize                n_migrations,
                                        GError             **error);

G_END_DECLS
