/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-format"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-format.h"

/* Times are shown in Asia/Seoul whatever the computer's zone, as the planners' centres are. */
static GTimeZone *
seoul_zone (void)
{
  static gsize zone;

  if (g_once_init_enter (&zone))
    {
      GTimeZone *z = g_time_zone_new_identifier ("Asia/Seoul");

      if (z == NULL)
        z = g_time_zone_new_offset (9 * 3600);
      g_once_init_leave (&zone, (gsize) z);
    }
  return (GTimeZone *) zone;
}

/**
 * anbu_format_date:
 * @when: a time
 *
 * Returns: the calendar day of @when in Asia/Seoul, in the user's language
 *   ("2026년 11월 24일" in Korean).
 */
char *
anbu_format_date (GDateTime *when)
{
  g_autoptr (GDateTime) local = NULL;

  g_return_val_if_fail (when != NULL, NULL);

  local = g_date_time_to_timezone (when, seoul_zone ());
  /* Translators: a calendar day, as strftime; keep it numeric (no month names). */
  return g_date_time_format (local, C_("date", "%Y-%m-%d"));
}

/**
 * anbu_format_relative_time:
 * @then: the past time to describe
 * @now: the current time
 *
 * Returns: how long ago @then was, as a planner would say it ("3시간 전" in Korean);
 *   a time in the future (a clock that runs ahead) reads as "just now".
 */
char *
anbu_format_relative_time (GDateTime *then,
                           GDateTime *now)
{
  GTimeSpan span;
  gint64 minutes, hours, days;

  g_return_val_if_fail (then != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  span = g_date_time_difference (now, then);
  if (span < G_TIME_SPAN_MINUTE)
    return g_strdup (_("just now"));

  minutes = span / G_TIME_SPAN_MINUTE;
  if (minutes < 60)
    return g_strdup_printf (ngettext ("%d minute ago", "%d minutes ago", (gulong) minutes),
                            (int) minutes);

  hours = span / G_TIME_SPAN_HOUR;
  if (hours < 24)
    return g_strdup_printf (ngettext ("%d hour ago", "%d hours ago", (gulong) hours),
                            (int) hours);

  days = span / G_TIME_SPAN_DAY;
  if (days < 7)
    return g_strdup_printf (ngettext ("%d day ago", "%d days ago", (gulong) days),
                            (int) days);

  return anbu_format_date (then);
}
