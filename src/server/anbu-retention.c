/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-retention"

#include "config.h"

#include "anbu-retention.h"
#include "anbu-store.h"

gboolean
anbu_retention_fold (sqlite3  *db,
                     gint64    cutoff,
                     guint    *folded,
                     GError  **error)
{
  static const char fold_sql[] =
    "INSERT INTO reading_hourly (serial, hour, n, watts_min, watts_max, watts_sum,"
    " lux_min, lux_max, lux_sum)"
    " SELECT serial, ts / 3600 * 3600, count (*), min (watts), max (watts), sum (watts),"
    " min (lux), max (lux), sum (lux) FROM reading WHERE ts < ?1 GROUP BY serial, ts / 3600"
    " ON CONFLICT (serial, hour) DO UPDATE SET n = n + excluded.n,"
    " watts_min = min (watts_min, excluded.watts_min),"
    " watts_max = max (watts_max, excluded.watts_max),"
    " watts_sum = watts_sum + excluded.watts_sum,"
    " lux_min = min (lux_min, excluded.lux_min),"
    " lux_max = max (lux_max, excluded.lux_max),"
    " lux_sum = lux_sum + excluded.lux_sum";
  sqlite3_stmt *fold = NULL, *remove = NULL;
  gint64 hour = cutoff - (cutoff % 3600 + 3600) % 3600;
  gboolean ok = FALSE;

  *folded = 0;
  if (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    goto out;
  if (sqlite3_prepare_v2 (db, fold_sql, -1, &fold, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (db, "DELETE FROM reading WHERE ts < ?1", -1, &remove, NULL) != SQLITE_OK)
    goto out;
  sqlite3_bind_int64 (fold, 1, hour);
  sqlite3_bind_int64 (remove, 1, hour);
  if (sqlite3_step (fold) != SQLITE_DONE || sqlite3_step (remove) != SQLITE_DONE)
    goto out;
  *folded = (guint) sqlite3_changes (db);
  if (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    goto out;
  ok = TRUE;

out:
  if (!ok)
    {
      g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                   "Cannot fold old readings: %s", sqlite3_errmsg (db));
      if (!sqlite3_get_autocommit (db))
        sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
    }
  sqlite3_finalize (fold);
  sqlite3_finalize (remove);
  return ok;
}
