/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-backup"

#include "config.h"

#include <errno.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "anbu-backup.h"

static gboolean
set_error_from_db (sqlite3     *db,
                   const char  *what,
                   GError     **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what,
               db != NULL ? sqlite3_errmsg (db) : "out of memory");
  return FALSE;
}

/* PRAGMA user_version: 0 for a file that is no Anbu database (or empty). */
static gboolean
read_schema_version (sqlite3  *db,
                     int      *version,
                     GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
    return set_error_from_db (db, _("Cannot read the database"), error);
  ok = sqlite3_step (stmt) == SQLITE_ROW;
  if (ok)
    *version = sqlite3_column_int (stmt, 0);
  else
    set_error_from_db (db, _("Cannot read the database"), error);
  sqlite3_finalize (stmt);
  return ok;
}

static gboolean
vacuum_into (sqlite3     *db,
             const char  *path,
             GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  if (sqlite3_prepare_v2 (db, "VACUUM INTO ?1", -1, &stmt, NULL) != SQLITE_OK)
    return set_error_from_db (db, _("Cannot copy the database"), error);
  sqlite3_bind_text (stmt, 1, path, -1, SQLITE_TRANSIENT);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    set_error_from_db (db, _("Cannot copy the database"), error);
  sqlite3_finalize (stmt);
  return ok;
}

/* The copy is read back whole before it is given the backup's name. */
static gboolean
check_copy (const char  *path,
            GError     **error)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      set_error_from_db (db, _("Cannot check the copy"), error);
      sqlite3_close (db);
      return FALSE;
    }
  if (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *result = (const char *) sqlite3_column_text (stmt, 0);

      ok = g_strcmp0 (result, "ok") == 0;
      if (!ok)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     _("The copy failed its integrity check: %s"), result);
    }
  else
    set_error_from_db (db, _("Cannot check the copy"), error);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return ok;
}

gint64
anbu_backup_database (const char  *db_path,
                      const char  *to,
                      GError     **error)
{
  g_autofree char *partial = NULL;
  GStatBuf info;
  sqlite3 *db = NULL;
  int version = 0;
  gboolean copied;

  g_return_val_if_fail (db_path != NULL && to != NULL, -1);

  if (g_lstat (to, &info) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("%s already exists; a backup never overwrites a file"), to);
      return -1;
    }
  /* Read-only and without CREATE: a mistyped --db is an error, not a new
   * empty database. */
  if (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      set_error_from_db (db, db_path, error);
      sqlite3_close (db);
      return -1;
    }
  sqlite3_busy_timeout (db, 10000);
  if (!read_schema_version (db, &version, error))
    {
      sqlite3_close (db);
      return -1;
    }
  if (version == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s is not an Anbu server database"), db_path);
      sqlite3_close (db);
      return -1;
    }

  partial = g_strdup_printf ("%s.partial-%d", to, (int) getpid ());
  g_unlink (partial);
  copied = vacuum_into (db, partial, error);
  sqlite3_close (db);
  if (!copied || !check_copy (partial, error))
    {
      g_unlink (partial);
      return -1;
    }
  /* link() fails when `to` appeared meanwhile: never overwrite. */
  if (link (partial, to) != 0)
    {
      int saved_errno = errno;

      g_unlink (partial);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   saved_errno == EEXIST
                   ? _("%s already exists; a backup never overwrites a file")
                   : _("Cannot write the backup %s"), to);
      return -1;
    }
  g_unlink (partial);
  if (g_stat (to, &info) != 0)
    return 0;
  return (gint64) info.st_size;
}
