/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-reading-buckets"

#include "config.h"

#include <string.h>

#include "anbu-reading-buckets.h"

const char anbu_reading_buckets_schema_sql[] =
  "CREATE TABLE reading_bucket ("
  "  bucket INTEGER NOT NULL,"
  "  serial TEXT NOT NULL,"
  "  n INTEGER NOT NULL,"
  "  readings BLOB NOT NULL,"
  "  PRIMARY KEY (bucket, serial)) WITHOUT ROWID;"
  "INSERT INTO reading_bucket (bucket, serial, n, readings)"
  " SELECT ts - ts % 900, serial, count (*), anbu_reading_pack (ts, watts, lux)"
  " FROM reading GROUP BY ts - ts % 900, serial;"
  "CREATE INDEX reading_bucket_serial ON reading_bucket (serial, bucket);"
  "DROP TABLE reading;";

G_STATIC_ASSERT (ANBU_READING_BUCKET_SECONDS == 900);  /* the SQL above */
G_STATIC_ASSERT (ANBU_READING_BUCKET_SECONDS <= G_MAXUINT16);

static double
read_double (const guint8 *p)
{
  guint64 bits;
  double value;

  memcpy (&bits, p, sizeof bits);
  bits = GUINT64_FROM_LE (bits);
  memcpy (&value, &bits, sizeof value);
  return value;
}

static void
write_double (guint8 *p,
              double  value)
{
  guint64 bits;

  memcpy (&bits, &value, sizeof bits);
  bits = GUINT64_TO_LE (bits);
  memcpy (p, &bits, sizeof bits);
}

static guint16
read_offset (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

gboolean
anbu_reading_buckets_unpack (GArray        *out,
                             gint64         bucket,
                             gconstpointer  blob,
                             gsize          size)
{
  const guint8 *p = blob;
  guint n = (guint) (size / ANBU_READING_PACKED_SIZE);
  guint first = out->len;

  if (size % ANBU_READING_PACKED_SIZE != 0 || (size > 0 && blob == NULL))
    return FALSE;
  g_array_set_size (out, first + n);
  for (guint i = 0; i < n; i++, p += ANBU_READING_PACKED_SIZE)
    {
      AnbuReading *reading = &g_array_index (out, AnbuReading, first + i);

      reading->ts = bucket + read_offset (p);
      reading->watts = read_double (p + 2);
      reading->lux = read_double (p + 10);
    }
  return TRUE;
}

guint8 *
anbu_reading_buckets_pack (const GArray *readings,
                           gint64        bucket,
                           gsize        *size)
{
  guint8 *blob = g_malloc (MAX (readings->len, 1) * ANBU_READING_PACKED_SIZE);
  guint8 *p = blob;

  for (guint i = 0; i < readings->len; i++, p += ANBU_READING_PACKED_SIZE)
    {
      const AnbuReading *reading = &g_array_index (readings, AnbuReading, i);
      guint16 offset = (guint16) (reading->ts - bucket);

      p[0] = offset & 0xff;
      p[1] = offset >> 8;
      write_double (p + 2, reading->watts);
      write_double (p + 10, reading->lux);
    }
  *size = (gsize) readings->len * ANBU_READING_PACKED_SIZE;
  return blob;
}

gboolean
anbu_reading_buckets_insert (GArray            *readings,
                             const AnbuReading *reading)
{
  guint lo = 0, hi = readings->len;

  /* Readings mostly arrive in order: try the end first. */
  if (hi > 0 && g_array_index (readings, AnbuReading, hi - 1).ts < reading->ts)
    lo = hi;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      gint64 ts = g_array_index (readings, AnbuReading, mid).ts;

      if (ts == reading->ts)
        return FALSE;
      if (ts < reading->ts)
        lo = mid + 1;
      else
        hi = mid;
    }
  g_array_insert_val (readings, lo, *reading);
  return TRUE;
}

/* SQL functions */

static int
compare_readings (gconstpointer a,
                  gconstpointer b)
{
  const AnbuReading *ra = a, *rb = b;

  return (ra->ts > rb->ts) - (ra->ts < rb->ts);
}

static void
pack_step (sqlite3_context  *context,
           int               argc,
           sqlite3_value   **argv)
{
  GArray **readings = sqlite3_aggregate_context (context, sizeof (GArray *));
  AnbuReading reading;

  if (readings == NULL)
    {
      sqlite3_result_error_nomem (context);
      return;
    }
  if (*readings == NULL)
    *readings = g_array_new (FALSE, FALSE, sizeof (AnbuReading));
  reading.ts = sqlite3_value_int64 (argv[0]);
  reading.watts = sqlite3_value_double (argv[1]);
  reading.lux = sqlite3_value_double (argv[2]);
  g_array_append_val (*readings, reading);
}

static void
pack_final (sqlite3_context *context)
{
  GArray **readings = sqlite3_aggregate_context (context, 0);
  gint64 bucket;
  guint8 *blob;
  gsize size;
  guint kept = 0;

  if (readings == NULL || *readings == NULL || (*readings)->len == 0)
    {
      sqlite3_result_zeroblob (context, 0);
      if (readings != NULL && *readings != NULL)
        g_array_unref (*readings);
      return;
    }
  g_array_sort (*readings, compare_readings);
  bucket = anbu_reading_bucket_of (g_array_index (*readings, AnbuReading, 0).ts);
  /* One bucket per group; a repeated time keeps its first reading. */
  for (guint i = 0; i < (*readings)->len; i++)
    {
      AnbuReading *reading = &g_array_index (*readings, AnbuReading, i);

      if (anbu_reading_bucket_of (reading->ts) != bucket
          || (kept > 0 && g_array_index (*readings, AnbuReading, kept - 1).ts == reading->ts))
        continue;
      g_array_index (*readings, AnbuReading, kept++) = *reading;
    }
  g_array_set_size (*readings, kept);
  blob = anbu_reading_buckets_pack (*readings, bucket, &size);
  sqlite3_result_blob64 (context, blob, size, g_free);
  g_array_unref (*readings);
}

/* (bucket, readings, lo, hi): the first (user data 0) or last (1) time
 * within [lo, hi]. */
static void
readings_edge (sqlite3_context  *context,
               int               argc,
               sqlite3_value   **argv)
{
  gboolean last = GPOINTER_TO_INT (sqlite3_user_data (context));
  gint64 bucket, lo, hi;
  const guint8 *blob;
  guint n;

  for (int i = 0; i < argc; i++)
    if (sqlite3_value_type (argv[i]) == SQLITE_NULL)
      return;
  bucket = sqlite3_value_int64 (argv[0]);
  blob = sqlite3_value_blob (argv[1]);
  n = (guint) (sqlite3_value_bytes (argv[1]) / ANBU_READING_PACKED_SIZE);
  lo = sqlite3_value_int64 (argv[2]);
  hi = sqlite3_value_int64 (argv[3]);
  for (guint k = 0; k < n; k++)
    {
      guint i = last ? n - 1 - k : k;
      gint64 ts = bucket + read_offset (blob + (gsize) i * ANBU_READING_PACKED_SIZE);

      if (ts >= lo && ts <= hi)
        {
          sqlite3_result_int64 (context, ts);
          return;
        }
    }
}

gboolean
anbu_reading_buckets_register (sqlite3 *db)
{
  int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;

  return sqlite3_create_function_v2 (db, "anbu_reading_pack", 3, flags, NULL, NULL,
                                     pack_step, pack_final, NULL) == SQLITE_OK
         && sqlite3_create_function_v2 (db, "anbu_readings_first", 4, flags, GINT_TO_POINTER (0),
                                        readings_edge, NULL, NULL, NULL) == SQLITE_OK
         && sqlite3_create_function_v2 (db, "anbu_readings_last", 4, flags, GINT_TO_POINTER (1),
                                        readings_edge, NULL, NULL, NULL) == SQLITE_OK;
}
