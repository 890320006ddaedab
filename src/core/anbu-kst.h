/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Korea Standard Time: every moment Anbu shows, and every business-hours
 * boundary it routes by, is in Asia/Seoul (UTC+09:00, no daylight saving
 * since 1988). */

GTimeZone *anbu_kst_get_timezone              (void);

GDateTime *anbu_kst_now                       (void);
GDateTime *anbu_kst_new                       (gint               year,
                                               gint               month,
                                               gint               day,
                                               gint               hour,
                                               gint               minute,
                                               gdouble            seconds);
GDateTime *anbu_kst_new_from_date             (const GDate       *date,
                                               gint               hour,
                                               gint               minute);
GDateTime *anbu_kst_to_kst                    (GDateTime         *moment);
void       anbu_kst_get_date                  (GDateTime         *moment,
                                               GDate             *date);
GDateTime *anbu_kst_start_of_day              (GDateTime         *moment);

char      *anbu_kst_format_date_time          (GDateTime         *moment);
char      *anbu_kst_format_date               (GDateTime         *moment);
char      *anbu_kst_format_time               (GDateTime         *moment);
char      *anbu_kst_format_relative           (GDateTime         *moment,
                                               GDateTime         *now);
char      *anbu_kst_format_duration           (GTimeSpan          span);
char      *anbu_kst_format_quiet_for          (GTimeSpan          span);

G_END_DECLS
