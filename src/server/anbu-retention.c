/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-retention"

#include "config.h"

#include "anbu-reading-buckets.h"
#include "anbu-retention.h"
#include "anbu-store.h"

typedef struct
{
  gint64 n;
  double watts_min, watts_max, watts_sum;
  double lux_min, lux_max, lux_sum;
} HourFold;

static void
hour_fold_add (HourFold          *fold,
               const AnbuReading *reading)
{
  if (fold->n == 0)
    {
      fold->watts_min = fold->watts_max = reading->watts;
      fold->lux_min = fold->lux_max = reading->lux;
    }
  fold->n++;
  fold->watts_min = MIN (fold->watts_min, reading->watts);
  fold->watts_max = MAX (fold->watts_max, reading->watts);
  fold->watts_sum += reading->watts;
  fold->lux_min = MIN (fold->lux_min, reading->lux);
  fold->lux_max = MAX (fold->lux_max, reading->lux);
  fold->lux_sum += reading->lux;
}

static gboolean
put_hour (sqlite3        *db,
          sqlite3_stmt   *put,
          const char     *serial,
          gint64          hour,
          const HourFold *fold)
{
  int rc;

  sqlite3_bind_text (put, 1, serial, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (put, 2, hour);
  sqlite3_bind_int64 (put, 3, fold->n);
  sqlite3_bind_double (put, 4, fold->watts_min);
  sqlite3_bind_double (put, 5, fold->watts_max);
  sqlite3_bind_double (put, 6, fold->watts_sum);
  sqlite3_bind_double (put, 7, fold->lux_min);
  sqlite3_bind_double (put, 8, fold->lux_max);
  sqlite3_bind_double (put, 9, fold->lux_sum);
  rc = sqlite3_step (put);
  sqlite3_reset (put);
  return rc == SQLITE_DONE;
}

static gboolean
put_hours (sqlite3      *db,
           sqlite3_stmt *put,
           GHashTable   *folds,
           gint64        hour)
{
  GHashTableIter iter;
  gpointer serial, fold;

  g_hash_table_iter_init (&iter, folds);
  while (g_hash_table_iter_next (&iter, &serial, &fold))
    if (!put_hour (db, put, serial, hour, fold))
      return FALSE;
  g_hash_table_remove_all (folds);
  return TRUE;
}

/* Whole quarter-hour rows before the hour are read in the table's key
 * order (one hour's rows of all plugs, then the next hour's), folded per
 * plug and hour, and dropped as one range of the key. */
gboolean
anbu_retention_fold (sqlite3  *db,
                     gint64    cutoff,
                     guint    *folded,
                     GError  **error)
{
  static const char put_sql[] =
    "INSERT INTO reading_hourly (serial, hour, n, watts_min, watts_max, watts_sum,"
    " lux_min, lux_max, lux_sum) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
    " ON CONFLICT (serial, hour) DO UPDATE SET n = n + excluded.n,"
    " watts_min = min (watts_min, excluded.watts_min),"
    " watts_max = max (watts_max, excluded.watts_max),"
    " watts_sum = watts_sum + excluded.watts_sum,"
    " lux_min = min (lux_min, excluded.lux_min),"
    " lux_max = max (lux_max, excluded.lux_max),"
    " lux_sum = lux_sum + excluded.lux_sum";
  sqlite3_stmt *old = NULL, *put = NULL, *remove = NULL;
  g_autoptr(GArray) readings = g_array_new (FALSE, FALSE, sizeof (AnbuReading));
  g_autoptr(GHashTable) folds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gint64 hour = cutoff - (cutoff % 3600 + 3600) % 3600;
  gint64 fold_hour = G_MININT64;
  gboolean ok = FALSE;
  int rc;

  G_STATIC_ASSERT (3600 % ANBU_READING_BUCKET_SECONDS == 0);

  *folded = 0;
  if (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    goto out;
  if (sqlite3_prepare_v2 (db, "SELECT serial, bucket, readings FROM reading_bucket"
                          " WHERE bucket < ?1 ORDER BY bucket, serial", -1, &old, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (db, put_sql, -1, &put, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (db, "DELETE FROM reading_bucket WHERE bucket < ?1", -1, &remove,
                             NULL) != SQLITE_OK)
    goto out;
  sqlite3_bind_int64 (old, 1, hour);
  while ((rc = sqlite3_step (old)) == SQLITE_ROW)
    {
      const char *serial = (const char *) sqlite3_column_text (old, 0);
      gint64 bucket = sqlite3_column_int64 (old, 1);
      gint64 row_hour = bucket - (bucket % 3600 + 3600) % 3600;
      HourFold *fold;

      if (row_hour != fold_hour && !put_hours (db, put, folds, fold_hour))
        goto out;
      fold_hour = row_hour;
      g_array_set_size (readings, 0);
      if (!anbu_reading_buckets_unpack (readings, bucket, sqlite3_column_blob (old, 2),
                                        (gsize) sqlite3_column_bytes (old, 2))
          || readings->len == 0)
        continue;  /* unreadable or empty: dropped with the rest */
      fold = g_hash_table_lookup (folds, serial);
      if (fold == NULL)
        {
          fold = g_new0 (HourFold, 1);
          g_hash_table_insert (folds, g_strdup (serial), fold);
        }
      for (guint i = 0; i < readings->len; i++)
        hour_fold_add (fold, &g_array_index (readings, AnbuReading, i));
      *folded += readings->len;
    }
  if (rc != SQLITE_DONE || !put_hours (db, put, folds, fold_hour))
    goto out;
  sqlite3_bind_int64 (remove, 1, hour);
  if (sqlite3_step (remove) != SQLITE_DONE)
    goto out;
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
      *folded = 0;
    }
  sqlite3_finalize (old);
  sqlite3_finalize (put);
  sqlite3_finalize (remove);
  return ok;
}
