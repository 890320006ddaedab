/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "anbu-activity-detector.h"

G_BEGIN_DECLS

/* Raw readings are stored time-bucketed: one row per plug and quarter hour
 * (table reading_bucket, key (bucket, serial)) holding that quarter hour's
 * readings packed in time order. A batch from many plugs rewrites the rows
 * of the current quarter hour, which lie next to each other at the end of
 * the table: a few pages per batch instead of one page per plug, however
 * large the table grows. An index on (serial, bucket) serves one plug's
 * history; it gains one entry per plug and quarter hour, not per reading.
 *
 * Packed form: per reading 18 bytes, little-endian: uint16 seconds after
 * the bucket's start, IEEE double watts, IEEE double lux. */

#define ANBU_READING_BUCKET_SECONDS 900
#define ANBU_READING_PACKED_SIZE    18

/* Migration step: the bucketed table, filled from the old one-row-per-
 * reading table, which is dropped (needs anbu_reading_buckets_register). */
extern const char anbu_reading_buckets_schema_sql[];

static inline gint64
anbu_reading_bucket_of (gint64 ts)
{
  return ts - ((ts % ANBU_READING_BUCKET_SECONDS) + ANBU_READING_BUCKET_SECONDS)
              % ANBU_READING_BUCKET_SECONDS;
}

/* Appends the readings of a packed row to `out` (AnbuReading); FALSE when
 * the blob is not a whole number of readings (then nothing is added). */
gboolean anbu_reading_buckets_unpack (GArray       *out,
                                      gint64        bucket,
                                      gconstpointer blob,
                                      gsize         size);

/* The packed form of `readings` (AnbuReading, sorted, all in `bucket`). */
guint8  *anbu_reading_buckets_pack   (const GArray *readings,
                                      gint64        bucket,
                                      gsize        *size);

/* Inserts `reading` into the sorted `readings`; FALSE (nothing changed)
 * when one with the same time is there: a resent reading. */
gboolean anbu_reading_buckets_insert (GArray            *readings,
                                      const AnbuReading *reading);

/* SQL functions on `db`: the aggregate anbu_reading_pack (ts, watts, lux)
 * (one bucket's packed row), and anbu_readings_first / anbu_readings_last
 * (bucket, readings, lo, hi): the time of the first / last packed reading
 * within [lo, hi], NULL when none. */
gboolean anbu_reading_buckets_register (sqlite3 *db);

G_END_DECLS
