/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-reading-log"

#include "config.h"

#include "anbu-reading-buckets.h"
#include "anbu-sqlite-reading-log.h"
#include "anbu-sqlite-store.h"
#include "anbu-store.h"

/* AnbuReadingLog on SQLite: one row per plug and quarter hour holding its
 * readings packed (anbu-reading-buckets.h). A batch reads each row it
 * touches once, inserts into it in memory and writes it back once. */

struct _AnbuSqliteReadingLog
{
  GObject       parent_instance;

  sqlite3      *db;
  sqlite3_stmt *bucket_get;
  sqlite3_stmt *bucket_put;
  sqlite3_stmt *previous_rows;
  sqlite3_stmt *next_rows;
  sqlite3_stmt *range_rows;
  sqlite3_stmt *hours;
};

static void anbu_sqlite_reading_log_iface_init (AnbuReadingLogInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AnbuSqliteReadingLog, anbu_sqlite_reading_log, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ANBU_TYPE_READING_LOG,
                                                      anbu_sqlite_reading_log_iface_init))

/* One stored row of a plug's readings, changed in memory while a batch is
 * stored. */
typedef struct
{
  gint64    bucket;
  GArray   *readings;   /* AnbuReading, sorted */
  gboolean  dirty;
} BucketRow;

static void
bucket_row_free (BucketRow *row)
{
  g_array_unref (row->readings);
  g_free (row);
}

/* `*stmt`, prepared from `sql` the first time. */
static sqlite3_stmt *
statement (AnbuSqliteReadingLog  *self,
           sqlite3_stmt         **stmt,
           const char            *sql,
           GError               **error)
{
  if (*stmt == NULL && sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt,
                                           NULL) != SQLITE_OK)
    {
      anbu_sqlite_store_set_error (self->db, error, "Cannot prepare a readings statement");
      return NULL;
    }
  return *stmt;
}

/* `*stmt` as statement() gives it, with a plug's serial bound to ?1 and
 * the span's ends to ?2 and ?3. */
static sqlite3_stmt *
span_statement (AnbuSqliteReadingLog  *self,
                sqlite3_stmt         **stmt,
                const char            *sql,
                const char            *serial,
                gint64                 from,
                gint64                 to,
                GError               **error)
{
  if (statement (self, stmt, sql, error) == NULL)
    return NULL;
  sqlite3_bind_text (*stmt, 1, serial, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (*stmt, 2, from);
  sqlite3_bind_int64 (*stmt, 3, to);
  return *stmt;
}

/* A savepoint inside the caller's transaction, else a transaction of our
 * own: either way a failure leaves nothing of ours behind. */
static gboolean
begin (AnbuSqliteReadingLog  *self,
       gboolean              *own,
       GError               **error)
{
  *own = sqlite3_get_autocommit (self->db);
  if (sqlite3_exec (self->db, *own ? "BEGIN IMMEDIATE" : "SAVEPOINT reading_log", NULL, NULL,
                    NULL) == SQLITE_OK)
    return TRUE;
  anbu_sqlite_store_set_error (self->db, error, "Cannot begin storing readings");
  return FALSE;
}

static gboolean
end (AnbuSqliteReadingLog  *self,
     gboolean               own,
     gboolean               ok,
     GError               **error)
{
  if (ok && sqlite3_exec (self->db, own ? "COMMIT" : "RELEASE reading_log", NULL, NULL,
                          NULL) == SQLITE_OK)
    return TRUE;
  if (ok)
    anbu_sqlite_store_set_error (self->db, error, "Cannot commit the readings");
  if (own)
    {
      if (!sqlite3_get_autocommit (self->db))
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
    }
  else
    sqlite3_exec (self->db, "ROLLBACK TO reading_log; RELEASE reading_log", NULL, NULL, NULL);
  return FALSE;
}

/* The row of `serial`'s readings in `bucket`, read once per batch: the
 * plug's rows of this batch are searched from the newest. */
static BucketRow *
bucket_row_get (AnbuSqliteReadingLog  *self,
                sqlite3_stmt          *stmt,
                const char            *serial,
                GPtrArray             *rows,
                gint64                 bucket,
                GError               **error)
{
  BucketRow *row;
  int rc;

  for (guint i = rows->len; i > 0; i--)
    {
      row = g_ptr_array_index (rows, i - 1);
      if (row->bucket == bucket)
        return row;
    }
  row = g_new0 (BucketRow, 1);
  row->bucket = bucket;
  /* A reading a minute fills a quarter hour with 15. */
  row->readings = g_array_sized_new (FALSE, FALSE, sizeof (AnbuReading), 16);
  g_ptr_array_add (rows, row);
  sqlite3_bind_int64 (stmt, 1, bucket);
  sqlite3_bind_text (stmt, 2, serial, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW
      && !anbu_reading_buckets_unpack (row->readings, bucket, sqlite3_column_blob (stmt, 0),
                                       (gsize) sqlite3_column_bytes (stmt, 0)))
    {
      sqlite3_reset (stmt);
      g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                   "The stored readings of %s are unreadable", serial);
      return NULL;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      anbu_sqlite_store_set_error (self->db, error, "Cannot read the stored readings");
      return NULL;
    }
  return row;
}

static gboolean
bucket_rows_save (AnbuSqliteReadingLog  *self,
                  sqlite3_stmt          *stmt,
                  const char            *serial,
                  GPtrArray             *rows,
                  GError               **error)
{
  for (guint i = 0; i < rows->len; i++)
    {
      BucketRow *row = g_ptr_array_index (rows, i);
      gsize size;
      guint8 *blob;
      int rc;

      if (!row->dirty)
        continue;
      blob = anbu_reading_buckets_pack (row->readings, row->bucket, &size);
      sqlite3_bind_int64 (stmt, 1, row->bucket);
      sqlite3_bind_text (stmt, 2, serial, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 3, (int) row->readings->len);
      sqlite3_bind_blob64 (stmt, 4, blob, size, g_free);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          anbu_sqlite_store_set_error (self->db, error, "Cannot store the readings");
          return FALSE;
        }
      row->dirty = FALSE;
    }
  return TRUE;
}

static gboolean
sqlite_append (AnbuReadingLog             *log,
               const char * const         *serials,
               guint                       n_serials,
               const AnbuReadingLogEntry  *entries,
               guint                       n_entries,
               gboolean                   *stored,
               GError                    **error)
{
  AnbuSqliteReadingLog *self = ANBU_SQLITE_READING_LOG (log);
  sqlite3_stmt *get = statement (self, &self->bucket_get,
                                 "SELECT readings FROM reading_bucket WHERE bucket = ?1 AND serial = ?2",
                                 error);
  sqlite3_stmt *put = get == NULL ? NULL : statement (self, &self->bucket_put,
    "INSERT INTO reading_bucket (bucket, serial, n, readings)"
    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (bucket, serial) DO UPDATE SET n = excluded.n,"
    " readings = excluded.readings", error);
  /* Per plug of the batch: the rows its readings fall in. */
  GPtrArray **rows;
  gboolean own, ok = TRUE;

  if (put == NULL || !begin (self, &own, error))
    return FALSE;
  rows = g_new0 (GPtrArray *, MAX (n_serials, 1));
  for (guint i = 0; ok && i < n_entries; i++)
    {
      const AnbuReadingLogEntry *entry = &entries[i];
      BucketRow *row;

      if (rows[entry->plug] == NULL)
        rows[entry->plug] = g_ptr_array_new_with_free_func ((GDestroyNotify) bucket_row_free);
      row = bucket_row_get (self, get, serials[entry->plug], rows[entry->plug],
                            anbu_reading_bucket_of (entry->reading.ts), error);
      if (row == NULL)
        ok = FALSE;
      else if ((stored[i] = anbu_reading_buckets_insert (row->readings, &entry->reading)))
        row->dirty = TRUE;
    }
  for (guint p = 0; p < n_serials; p++)
    {
      if (ok && rows[p] != NULL)
        ok = bucket_rows_save (self, put, serials[p], rows[p], error);
      g_clear_pointer (&rows[p], g_ptr_array_unref);
    }
  g_free (rows);
  return end (self, own, ok, error);
}

/* Walks the plug's rows from ts's bucket backwards or forwards; at most
 * the second row holds the neighbour. */
static gboolean
sqlite_read_neighbour (AnbuReadingLog  *log,
                       const char      *serial,
                       gint64           ts,
                       gboolean         after,
                       AnbuReading     *out,
                       gboolean        *found,
                       GError         **error)
{
  AnbuSqliteReadingLog *self = ANBU_SQLITE_READING_LOG (log);
  sqlite3_stmt *stmt = after
    ? statement (self, &self->next_rows, "SELECT bucket, readings FROM reading_bucket"
                 " WHERE serial = ?1 AND bucket >= ?2 ORDER BY bucket", error)
    : statement (self, &self->previous_rows, "SELECT bucket, readings FROM reading_bucket"
                 " WHERE serial = ?1 AND bucket <= ?2 ORDER BY bucket DESC", error);
  g_autoptr(GArray) readings = g_array_new (FALSE, FALSE, sizeof (AnbuReading));
  int rc = SQLITE_DONE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, serial, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, anbu_reading_bucket_of (ts));
  while (!*found && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_array_set_size (readings, 0);
      if (!anbu_reading_buckets_unpack (readings, sqlite3_column_int64 (stmt, 0),
                                        sqlite3_column_blob (stmt, 1),
                                        (gsize) sqlite3_column_bytes (stmt, 1)))
        continue;
      for (guint k = 0; k < readings->len && !*found; k++)
        {
          const AnbuReading *candidate
            = &g_array_index (readings, AnbuReading, after ? k : readings->len - 1 - k);

          if (after ? candidate->ts > ts : candidate->ts < ts)
            {
              *out = *candidate;
              *found = TRUE;
            }
        }
    }
  sqlite3_reset (stmt);
  if (!*found && rc != SQLITE_DONE)
    {
      anbu_sqlite_store_set_error (self->db, error, "Cannot read the stored readings");
      return FALSE;
    }
  return TRUE;
}

static gboolean
sqlite_read_range (AnbuReadingLog  *log,
                   const char      *serial,
                   gint64           from,
                   gint64           to,
                   GArray          *out,
                   GError         **error)
{
  AnbuSqliteReadingLog *self = ANBU_SQLITE_READING_LOG (log);
  sqlite3_stmt *stmt = span_statement (self, &self->range_rows,
                                       "SELECT bucket, readings FROM reading_bucket WHERE serial = ?1"
                                       " AND bucket >= ?2 AND bucket < ?3 ORDER BY bucket",
                                       serial, anbu_reading_bucket_of (from), to, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint first = out->len, kept = first;

      if (!anbu_reading_buckets_unpack (out, sqlite3_column_int64 (stmt, 0),
                                        sqlite3_column_blob (stmt, 1),
                                        (gsize) sqlite3_column_bytes (stmt, 1)))
        continue;
      /* Only the first and last rows reach outside the range. */
      for (guint i = first; i < out->len; i++)
        {
          AnbuReading *reading = &g_array_index (out, AnbuReading, i);

          if (reading->ts >= from && reading->ts < to)
            g_array_index (out, AnbuReading, kept++) = *reading;
        }
      g_array_set_size (out, kept);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      anbu_sqlite_store_set_error (self->db, error, "Cannot read the stored readings");
      return FALSE;
    }
  return TRUE;
}

static gboolean
sqlite_read_hours (AnbuReadingLog  *log,
                   const char      *serial,
                   gint64           from,
                   gint64           to,
                   GArray          *out,
                   GError         **error)
{
  AnbuSqliteReadingLog *self = ANBU_SQLITE_READING_LOG (log);
  sqlite3_stmt *stmt = span_statement (self, &self->hours,
                                       "SELECT hour, n, watts_min, watts_max, watts_sum, lux_min,"
                                       " lux_max, lux_sum FROM reading_hourly WHERE serial = ?1"
                                       " AND hour >= ?2 AND hour < ?3 ORDER BY hour",
                                       serial, from, to, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AnbuReadingHour hour = {
        sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
        sqlite3_column_double (stmt, 2), sqlite3_column_double (stmt, 3),
        sqlite3_column_double (stmt, 4), sqlite3_column_double (stmt, 5),
        sqlite3_column_double (stmt, 6), sqlite3_column_double (stmt, 7),
      };

      g_array_append_val (out, hour);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      anbu_sqlite_store_set_error (self->db, error, "Cannot read the folded readings");
      return FALSE;
    }
  return TRUE;
}

/* Retention */

static gboolean
put_hours (sqlite3_stmt *put,
           GHashTable   *folds)
{
  GHashTableIter iter;
  gpointer serial, value;

  g_hash_table_iter_init (&iter, folds);
  while (g_hash_table_iter_next (&iter, &serial, &value))
    {
      const AnbuReadingHour *fold = value;
      int rc;

      sqlite3_bind_text (put, 1, serial, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (put, 2, fold->hour);
      sqlite3_bind_int64 (put, 3, fold->n);
      sqlite3_bind_double (put, 4, fold->watts_min);
      sqlite3_bind_double (put, 5, fold->watts_max);
      sqlite3_bind_double (put, 6, fold->watts_sum);
      sqlite3_bind_double (put, 7, fold->lux_min);
      sqlite3_bind_double (put, 8, fold->lux_max);
      sqlite3_bind_double (put, 9, fold->lux_sum);
      rc = sqlite3_step (put);
      sqlite3_reset (put);
      if (rc != SQLITE_DONE)
        return FALSE;
    }
  g_hash_table_remove_all (folds);
  return TRUE;
}

/* Whole quarter-hour rows before the hour of `cutoff` are read in the
 * table's key order (one hour's rows of all plugs, then the next hour's),
 * folded per plug and hour, and dropped as one range of the key. */
static gboolean
sqlite_fold_before (AnbuReadingLog  *log,
                    gint64           cutoff,
                    guint64         *folded,
                    GError         **error)
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
  AnbuSqliteReadingLog *self = ANBU_SQLITE_READING_LOG (log);
  sqlite3_stmt *old = NULL, *put = NULL, *remove = NULL;
  g_autoptr(GArray) readings = g_array_new (FALSE, FALSE, sizeof (AnbuReading));
  g_autoptr(GHashTable) folds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gint64 hour = cutoff - (cutoff % 3600 + 3600) % 3600;
  gint64 fold_hour = G_MININT64;
  gboolean own, ok = FALSE;
  int rc;

  G_STATIC_ASSERT (3600 % ANBU_READING_BUCKET_SECONDS == 0);

  if (!begin (self, &own, error))
    return FALSE;
  if (sqlite3_prepare_v2 (self->db, "SELECT serial, bucket, readings FROM reading_bucket"
                          " WHERE bucket < ?1 ORDER BY bucket, serial", -1, &old, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (self->db, put_sql, -1, &put, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (self->db, "DELETE FROM reading_bucket WHERE bucket < ?1", -1,
                             &remove, NULL) != SQLITE_OK)
    goto out;
  sqlite3_bind_int64 (old, 1, hour);
  while ((rc = sqlite3_step (old)) == SQLITE_ROW)
    {
      const char *serial = (const char *) sqlite3_column_text (old, 0);
      gint64 bucket = sqlite3_column_int64 (old, 1);
      gint64 row_hour = bucket - (bucket % 3600 + 3600) % 3600;
      AnbuReadingHour *fold;

      if (row_hour != fold_hour && !put_hours (put, folds))
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
          fold = g_new0 (AnbuReadingHour, 1);
          fold->hour = row_hour;
          g_hash_table_insert (folds, g_strdup (serial), fold);
        }
      for (guint i = 0; i < readings->len; i++)
        anbu_reading_hour_add (fold, &g_array_index (readings, AnbuReading, i));
      *folded += readings->len;
    }
  if (rc != SQLITE_DONE || !put_hours (put, folds))
    goto out;
  sqlite3_bind_int64 (remove, 1, hour);
  if (sqlite3_step (remove) != SQLITE_DONE)
    goto out;
  ok = TRUE;

out:
  if (!ok)
    {
      anbu_sqlite_store_set_error (self->db, error, "Cannot fold old readings");
      *folded = 0;
    }
  sqlite3_finalize (old);
  sqlite3_finalize (put);
  sqlite3_finalize (remove);
  if (!end (self, own, ok, ok ? error : NULL))
    {
      *folded = 0;
      return FALSE;
    }
  return TRUE;
}

static void
anbu_sqlite_reading_log_iface_init (AnbuReadingLogInterface *iface)
{
  iface->append = sqlite_append;
  iface->read_range = sqlite_read_range;
  iface->read_neighbour = sqlite_read_neighbour;
  iface->read_hours = sqlite_read_hours;
  iface->fold_before = sqlite_fold_before;
}

static void
anbu_sqlite_reading_log_finalize (GObject *object)
{
  AnbuSqliteReadingLog *self = ANBU_SQLITE_READING_LOG (object);

  g_clear_pointer (&self->bucket_get, sqlite3_finalize);
  g_clear_pointer (&self->bucket_put, sqlite3_finalize);
  g_clear_pointer (&self->previous_rows, sqlite3_finalize);
  g_clear_pointer (&self->next_rows, sqlite3_finalize);
  g_clear_pointer (&self->range_rows, sqlite3_finalize);
  g_clear_pointer (&self->hours, sqlite3_finalize);

  G_OBJECT_CLASS (anbu_sqlite_reading_log_parent_class)->finalize (object);
}

static void
anbu_sqlite_reading_log_class_init (AnbuSqliteReadingLogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = anbu_sqlite_reading_log_finalize;
}

static void
anbu_sqlite_reading_log_init (AnbuSqliteReadingLog *self)
{
}

AnbuReadingLog *
anbu_sqlite_reading_log_new (sqlite3 *db)
{
  AnbuSqliteReadingLog *self;

  g_return_val_if_fail (db != NULL, NULL);

  self = g_object_new (ANBU_TYPE_SQLITE_READING_LOG, NULL);
  self->db = db;
  return ANBU_READING_LOG (self);
}
