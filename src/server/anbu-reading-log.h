/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "anbu-activity-detector.h"

G_BEGIN_DECLS

/* Where raw plug readings are kept, one interface for both engines:
 * AnbuSqliteReadingLog (time-bucketed rows, anbu-reading-buckets.h) and
 * AnbuPgReadingLog (a table partitioned by day, written with COPY).
 * A reading is unique on (serial, ts): a resent one is a duplicate, never a
 * second reading. Readings older than the retention age are folded into
 * hourly aggregates (min, max, sum per plug and hour) and dropped.
 * Errors are in ANBU_STORE_ERROR (anbu-store.h). Every call is synchronous
 * and made from one thread at a time. */

#define ANBU_TYPE_READING_LOG (anbu_reading_log_get_type ())
G_DECLARE_INTERFACE (AnbuReadingLog, anbu_reading_log, ANBU, READING_LOG, GObject)

/* One reading of a batch: `plug` indexes the batch's serials, so a plug
 * sending many readings is named once. */
typedef struct
{
  guint       plug;
  AnbuReading reading;
} AnbuReadingLogEntry;

/* The readings of one plug and hour folded by the retention. */
typedef struct
{
  gint64 hour;   /* its start, Unix seconds */
  gint64 n;
  double watts_min, watts_max, watts_sum;
  double lux_min, lux_max, lux_sum;
} AnbuReadingHour;

struct _AnbuReadingLogInterface
{
  GTypeInterface parent_iface;

  gboolean (*append)         (AnbuReadingLog             *self,
                              const char * const         *serials,
                              guint                       n_serials,
                              const AnbuReadingLogEntry  *entries,
                              guint                       n_entries,
                              gboolean                   *stored,
                              GError                    **error);
  gboolean (*read_range)     (AnbuReadingLog             *self,
                              const char                 *serial,
                              gint64                      from,
                              gint64                      to,
                              GArray                     *out,
                              GError                    **error);
  gboolean (*read_neighbour) (AnbuReadingLog             *self,
                              const char                 *serial,
                              gint64                      ts,
                              gboolean                    after,
                              AnbuReading                *out,
                              gboolean                   *found,
                              GError                    **error);
  gboolean (*read_hours)     (AnbuReadingLog             *self,
                              const char                 *serial,
                              gint64                      from,
                              gint64                      to,
                              GArray                     *out,
                              GError                    **error);
  gboolean (*fold_before)    (AnbuReadingLog             *self,
                              gint64                      cutoff,
                              guint64                    *folded,
                              GError                    **error);
  /* NULL when the engine needs nothing made ahead. */
  gboolean (*prepare)        (AnbuReadingLog             *self,
                              const gint64               *times,
                              guint                       n_times,
                              GError                    **error);
};

/* Stores `entries` (readings of `serials`); `stored[i]` tells whether
 * entry i was new (FALSE: a duplicate, of a stored reading or of an
 * earlier entry). Nothing is stored when it fails. Durable when it
 * returns, unless the log works on a connection on which the caller holds
 * a transaction open (SQLite and PostgreSQL inside AnbuTelemetry's batch):
 * then the readings commit, or roll back, with that transaction. */
gboolean anbu_reading_log_append         (AnbuReadingLog             *self,
                                          const char * const         *serials,
                                          guint                       n_serials,
                                          const AnbuReadingLogEntry  *entries,
                                          guint                       n_entries,
                                          gboolean                   *stored,
                                          GError                    **error);

/* Appends to `out` (AnbuReading) the readings of `serial` with from <= ts
 * < to, in time order. */
gboolean anbu_reading_log_read_range     (AnbuReadingLog             *self,
                                          const char                 *serial,
                                          gint64                      from,
                                          gint64                      to,
                                          GArray                     *out,
                                          GError                    **error);

/* The stored reading of `serial` just before `ts` (`after` FALSE) or just
 * after it (TRUE); `found` FALSE when there is none. */
gboolean anbu_reading_log_read_neighbour (AnbuReadingLog             *self,
                                          const char                 *serial,
                                          gint64                      ts,
                                          gboolean                    after,
                                          AnbuReading                *out,
                                          gboolean                   *found,
                                          GError                    **error);

/* Appends to `out` (AnbuReadingHour) the folded hours of `serial` with
 * from <= hour < to, in time order. */
gboolean anbu_reading_log_read_hours     (AnbuReadingLog             *self,
                                          const char                 *serial,
                                          gint64                      from,
                                          gint64                      to,
                                          GArray                     *out,
                                          GError                    **error);

/* Folds readings older than `cutoff` into hours and drops them, in whole
 * units of the engine's storage (a whole hour in SQLite, a whole day's
 * partition in PostgreSQL): never a reading at or after `cutoff`, and
 * every reading one day or more before it. `folded`: readings folded. */
gboolean anbu_reading_log_fold_before    (AnbuReadingLog             *self,
                                          gint64                      cutoff,
                                          guint64                    *folded,
                                          GError                    **error);

/* Makes ahead what storing readings at `times` (Unix seconds) needs and
 * must not be made inside the caller's transaction (PostgreSQL: the day
 * partitions, whose DDL locks every writer of the readings out). Called
 * with no transaction open on the log's connection, before the
 * transaction that appends them; nothing to do on SQLite. */
gboolean anbu_reading_log_prepare        (AnbuReadingLog             *self,
                                          const gint64               *times,
                                          guint                       n_times,
                                          GError                    **error);

/* For the engines: adds `reading` into `hour` (its first reading sets the
 * minima and maxima). */
void     anbu_reading_hour_add           (AnbuReadingHour            *hour,
                                          const AnbuReading          *reading);

G_END_DECLS
