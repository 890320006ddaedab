/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * The figures a 동주민센터 reports per period (the press-release table):
 * households with risk signals, 안부 확인 by phone, SMS and visit, 현장 출동
 * (112, 119) and how signals ended. Read from the body of
 * `GET /api/v1/stats?from&to&group` (docs/api.md):
 *
 *   {"from": TIME, "to": TIME, "group": "day" | "week" | "month",
 *    "periods": [{"start": TIME, "end": TIME, "households_with_signals": 3, "signals": 4,
 *                 "checks": {"phone", "sms", "visit", "total", "bad_number"},
 *                 "dispatches": {"dispatch_112", "dispatch_119", "total"},
 *                 "resolutions": {"safe", ...}}, ...],
 *    "total": {...the same counts...},
 *    "by_dong": [{"dong_code", "dong_name", ...the same counts...}]}  (optional)
 *
 * Counts are found at the dotted paths anbu_stats_column_get_name() gives;
 * one that is absent counts 0. Ends are exclusive: a period is kept as its
 * first and last day in Korea. `total` is required: households with signals
 * are counted once over the whole range, which adding up periods would not do.
 */

#define ANBU_STATS_ERROR (anbu_stats_error_quark ())

typedef enum
{
  ANBU_STATS_ERROR_INVALID,  /* the body is not a statistics table */
} AnbuStatsError;

typedef enum
{
  ANBU_STATS_GROUP_DAY,
  ANBU_STATS_GROUP_WEEK,
  ANBU_STATS_GROUP_MONTH,
} AnbuStatsGroup;

typedef enum
{
  ANBU_STATS_COLUMN_SIGNAL_HOUSEHOLDS,
  ANBU_STATS_COLUMN_SIGNALS,
  ANBU_STATS_COLUMN_PHONE_CHECKS,
  ANBU_STATS_COLUMN_SMS_CHECKS,
  ANBU_STATS_COLUMN_VISIT_CHECKS,
  ANBU_STATS_COLUMN_BAD_NUMBER_CHECKS,  /* of the checks, failed on a wrong or dead number */
  ANBU_STATS_COLUMN_DISPATCHES_112,
  ANBU_STATS_COLUMN_DISPATCHES_119,
  ANBU_STATS_COLUMN_RESOLVED_SAFE,
  ANBU_STATS_COLUMN_RESOLVED_HOSPITALIZED,
  ANBU_STATS_COLUMN_RESOLVED_ABSENT,
  ANBU_STATS_COLUMN_RESOLVED_DECEASED,
  ANBU_STATS_COLUMN_RESOLVED_FALSE_ALARM,
  ANBU_STATS_COLUMN_RESOLVED_DEVICE_PROBLEM,
  ANBU_STATS_N_COLUMNS,
} AnbuStatsColumn;

typedef struct
{
  GDate  start;  /* first day, in Korea */
  GDate  end;    /* last day, in Korea */
  gint64 values[ANBU_STATS_N_COLUMNS];
} AnbuStatsRow;

typedef struct _AnbuStatsTable AnbuStatsTable;

GQuark           anbu_stats_error_quark        (void);

const char      *anbu_stats_group_to_string    (AnbuStatsGroup         group);
gboolean         anbu_stats_group_from_string  (const char            *text,
                                                AnbuStatsGroup        *group);
const char      *anbu_stats_group_to_label     (AnbuStatsGroup         group);

const char      *anbu_stats_column_get_name    (AnbuStatsColumn        column);
const char      *anbu_stats_column_get_label   (AnbuStatsColumn        column);

AnbuStatsTable  *anbu_stats_table_new_from_json (JsonNode             *node,
                                                 GError              **error);
AnbuStatsTable  *anbu_stats_table_new_from_data (const char           *data,
                                                 gssize                length,
                                                 GError              **error);
void             anbu_stats_table_free          (AnbuStatsTable       *table);

AnbuStatsGroup   anbu_stats_table_get_group     (const AnbuStatsTable *table);
const GDate     *anbu_stats_table_get_from      (const AnbuStatsTable *table);
const GDate     *anbu_stats_table_get_to        (const AnbuStatsTable *table);  /* last day */
guint            anbu_stats_table_get_n_rows    (const AnbuStatsTable *table);
const AnbuStatsRow *anbu_stats_table_get_row    (const AnbuStatsTable *table,
                                                 guint                 index);
const AnbuStatsRow *anbu_stats_table_get_totals (const AnbuStatsTable *table);

/* The counts per 동 over the whole range ("by_dong", by code; none from an
 * older server); the name is the code when the server gave none. */
guint            anbu_stats_table_get_n_dongs   (const AnbuStatsTable *table);
const AnbuStatsRow *anbu_stats_table_get_dong_row (const AnbuStatsTable *table,
                                                 guint                 index);
const char      *anbu_stats_table_get_dong_code (const AnbuStatsTable *table,
                                                 guint                 index);
const char      *anbu_stats_table_get_dong_name (const AnbuStatsTable *table,
                                                 guint                 index);

/* "2026-11-24" (day), "2026-11-23 ~ 2026-11-29" (week, as the server cut
 * it to the range), "2026-11" (month): what Excel sorts and reads as dates. */
char            *anbu_stats_table_format_period (const AnbuStatsTable *table,
                                                 const AnbuStatsRow   *row);

/* Header, one line per period, then the totals line (합계). */
GBytes          *anbu_stats_table_to_csv        (const AnbuStatsTable *table);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuStatsTable, anbu_stats_table_free)

G_END_DECLS
