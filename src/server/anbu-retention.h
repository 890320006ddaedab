/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Folds raw readings older than `cutoff` (Unix seconds, rounded down to the
 * hour) into per-plug hourly aggregates (reading_hourly: count, min, max,
 * sum of watts and lux) and deletes them, in one transaction, so the
 * readings table stops growing while series keep their shape. Activity
 * events are kept. `folded` is the number of raw readings folded. */
gboolean anbu_retention_fold (sqlite3  *db,
                              gint64    cutoff,
                              guint    *folded,
                              GError  **error);

G_END_DECLS
