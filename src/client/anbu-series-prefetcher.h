/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "anbu-sync-engine.h"

G_BEGIN_DECLS

#define ANBU_TYPE_SERIES_PREFETCHER (anbu_series_prefetcher_get_type ())

G_DECLARE_FINAL_TYPE (AnbuSeriesPrefetcher, anbu_series_prefetcher, ANBU, SERIES_PREFETCHER, GObject)

/* Keeps the 7-day activity series of every household in the caseload in the
 * replica, so a household page has its chart offline even when it was never
 * opened online. After each successful sync it fetches, one household at a
 * time in the background, the series that are missing or older than an hour
 * (GET /api/v1/households/{id}/series, hourly buckets), and stores each,
 * compacted, as the replica's offline copy "cache:series:{id}" (what the
 * household page reads when the server is out of reach). A network error ends the run; the
 * next sync starts another.
 *
 * Signals:
 *   finished (guint fetched)   a run ended (fetched: series stored in it) */
AnbuSeriesPrefetcher *anbu_series_prefetcher_new          (AnbuSyncEngine       *engine);
/* The part of a series answer the activity chart draws (each plug's bucket
 * start, highest power and mean light, and its activity events' times),
 * without spacing: what is kept offline. NULL when @series_json is not a
 * series. */
char                 *anbu_series_prefetcher_compact      (const char           *series_json);
/* The replica secret an offline series copy is kept under. */
char                 *anbu_series_prefetcher_cache_name   (const char           *household_id);
gboolean              anbu_series_prefetcher_get_running  (AnbuSeriesPrefetcher *self);
/* Starts a run now (one also starts by itself after each successful sync). */
void                  anbu_series_prefetcher_run          (AnbuSeriesPrefetcher *self);
void                  anbu_series_prefetcher_stop         (AnbuSeriesPrefetcher *self);

G_END_DECLS
