/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "anbu-report-store.h"
#include "anbu-store.h"

G_BEGIN_DECLS

/* GET /api/v1/stats: the city's published table, per period (a day, an
 * ISO week starting Monday, or a calendar month, all in Asia/Seoul) from
 * `from` up to `to`, counting only households in `scope`:
 *
 *   {"from", "to", "group",
 *    "periods": [{"start", "end",
 *                 "households_with_signals", "signals",
 *                 "signals_by_kind": {"inactivity", "routine", "offline"},
 *                 "checks": {"phone", "sms", "visit", "total"},
 *                 "dispatches": {"dispatch_112", "dispatch_119", "total"},
 *                 "resolutions": {"safe", "hospitalized", "absent", "deceased",
 *                                 "false_alarm", "device_problem"}}, ...],
 *    "total": {same members, households counted once over the whole span}}
 *
 * A signal counts in the period it was raised in, a check or dispatch in
 * the period it was made in, a resolution in the period it was closed in. */

typedef enum
{
  ANBU_STATS_GROUP_DAY,
  ANBU_STATS_GROUP_WEEK,
  ANBU_STATS_GROUP_MONTH,
} AnbuStatsGroup;

gboolean  anbu_stats_group_from_string (const char       *text,
                                        AnbuStatsGroup   *group);

/* How many periods [from, to) spans when grouped by `group` (at most one
 * more than the exact count): callers refuse spans too long to answer. */
guint64   anbu_stats_count_periods     (gint64            from,
                                        gint64            to,
                                        AnbuStatsGroup    group);

char     *anbu_stats_to_json           (AnbuReportStore  *reports,
                                        const AnbuScope  *scope,
                                        gint64            from,
                                        gint64            to,
                                        AnbuStatsGroup    group,
                                        GError          **error);

G_END_DECLS
