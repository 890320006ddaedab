/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include "anbu-report-store.h"

G_BEGIN_DECLS

/* GET /api/v1/households/{id}/series: per plug of the household and per
 * bucket of `bucket` seconds from `from` (Unix seconds) up to `to`, the
 * count, min, max and mean of watts and lux, and the activity events in
 * the span. Raw readings and the hourly aggregates of folded ones
 * (retention) are read together, so a chart spans the fold.
 *
 *   {"household_id", "from", "to", "bucket",
 *    "plugs": [{"serial", "appliance",
 *               "buckets": [{"start", "count", "watts": {"min", "max", "mean"},
 *                            "lux": {"min", "max", "mean"}}, ...],
 *               "events": [{"at", "kind", "magnitude"}, ...]}, ...]}
 *
 * Empty buckets are left out. The plugs, events and readings come from
 * `reports`. */

#define ANBU_SERIES_MAX_BUCKETS 5000
#define ANBU_SERIES_MAX_EVENTS  20000

char *anbu_series_to_json (AnbuReportStore *reports,
                           const char      *household_id,
                           gint64           from,
                           gint64           to,
                           gint64           bucket,
                           GError         **error);

G_END_DECLS
