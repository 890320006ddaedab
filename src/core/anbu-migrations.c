/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-migrations"

#include "config.h"

#include "anbu-migrations.h"

G_DEFINE_QUARK (anbu-migrations-error-quark, anbu_migrations_error)

/* The schema version lives in PRAGMA user_version: SQLite keeps it in the
 * file header, so it is written atomically with the transaction. */
gint
anbu_migrations_get_version (sqlite3  *db,
                             GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  gint version = -1;

  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, ANBU_MIGRATIONS_ERROR, ANBU_MIGRATIONS_ERROR_FAILED,
                   "Cannot read the schema version: %s", sqlite3_errmsg (db));
      return -1;
    }
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  else
    g_set_error (error, ANBU_MIGRATIONS_ERROR, ANBU_MIGRATIONS_ERROR_FAILED,
                 "Cannot read the schema version: %s", sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  return version;
}

static gboolean
exec_sql (sqlite3     *db,
          const char  *sql,
          guint        step,
          GError     **error)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) == SQLITE_OK)
    return TRUE;

  if (step > 0)
    g_set_error (error, ANBU_MIGRATIONS_ERROR, ANBU_MIGRATIONS_ERROR_FAILED,
                 "Database upgrade step %u failed: %s", step, message ? message : "?");
  else
    g_set_error (error, ANBU_MIGRATIONS_ERROR, ANBU_MIGRATIONS_ERROR_FAILED,
                 "Database upgrade failed: %s", message ? message : "?");
  sqlite3_free (message);
  return FALSE;
}

gboolean
anbu_migrations_apply (sqlite3              *db,
                       const AnbuMigration  *migrations,
                       gsize                 n_migrations,
                       GError              **error)
{
  g_autofree char *set_version = NULL;
  gint current;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (migrations != NULL || n_migrations == 0, FALSE);

  for (gsize i = 0; i < n_migrations; i++)
    {
      if (migrations[i].version != i + 1 || migrations[i].sql == NULL)
        {
          g_set_error (error, ANBU_MIGRATIONS_ERROR, ANBU_MIGRATIONS_ERROR_INVALID,
                       "Migration %" G_GSIZE_FORMAT " is numbered %u; steps must be 1, 2, 3, …",
                       i + 1, migrations[i].version);
          return FALSE;
        }
    }

  /* IMMEDIATE takes the write lock first, so two processes opening the
   * same file cannot both decide to run the same step. */
  if (!exec_sql (db, "BEGIN IMMEDIATE", 0, error))
    return FALSE;

  current = anbu_migrations_get_version (db, error);
  if (current < 0)
    goto rollback;

  if ((gsize) current > n_migrations)
    {
      g_set_error (error, ANBU_MIGRATIONS_ERROR, ANBU_MIGRATIONS_ERROR_TOO_NEW,
                   "The database has schema version %d but this program knows only up to %"
                   G_GSIZE_FORMAT "; it was written by a newer version of Anbu",
                   current, n_migrations);
      goto rollback;
    }

  for (gsize i = (gsize) current; i < n_migrations; i++)
    if (!exec_sql (db, migrations[i].sql, migrations[i].version, error))
      goto rollback;

  set_version = g_strdup_printf ("PRAGMA user_version = %" G_GSIZE_FORMAT, n_migrations);
  if (!exec_sql (db, set_version, 0, error))
    goto rollback;

  /* COMMIT itself can fail (a deferred constraint, a busy reader): SQLite
   * then keeps the transaction open, and it must not outlive this call. */
  if (!exec_sql (db, "COMMIT", 0, error))
    goto rollback;
  return TRUE;

rollback:
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}
