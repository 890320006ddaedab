/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-kst"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-kst.h"
#include "anbu-clock.h"

#define KST_OFFSET_SECONDS (9 * 60 * 60)

static const char *weekday_abbreviations[] = {
  NULL,
  NC_("weekday", "Mon"),
  NC_("weekday", "Tue"),
  NC_("weekday", "Wed"),
  NC_("weekday", "Thu"),
  NC_("weekday", "Fri"),
  NC_("weekday", "Sat"),
  NC_("weekday", "Sun"),
};

static const char *month_abbreviations[] = {
  NULL,
  NC_("month", "Jan"),
  NC_("month", "Feb"),
  NC_("month", "Mar"),
  NC_("month", "Apr"),
  NC_("month", "May"),
  NC_("month", "Jun"),
  NC_("month", "Jul"),
  NC_("month", "Aug"),
  NC_("month", "Sep"),
  NC_("month", "Oct"),
  NC_("month", "Nov"),
  NC_("month", "Dec"),
};

/* Fills a translated template such as "{year}년 {month_number}월 {day}일"
 * with the fields of @moment (already in KST). Templates with named fields
 * let each language order the parts its own way, which positional printf
 * arguments make hard for translators. Unknown names are kept as written. */
static char *
fill_template (const char *template,
               GDateTime  *moment)
{
  GString *out = g_string_sized_new (48);
  const char *p = template;
  gint hour = g_date_time_get_hour (moment);
  gint hour12 = hour % 12 == 0 ? 12 : hour % 12;
  gint weekday = g_date_time_get_day_of_week (moment);

  while (*p != '\0')
    {
      const char *close;
      g_autofree char *field = NULL;

      if (*p != '{' || (close = strchr (p, '}')) == NULL)
        {
          g_string_append_c (out, *p);
          p++;
          continue;
        }

      field = g_strndup (p + 1, close - p - 1);
      if (g_str_equal (field, "year"))
        g_string_append_printf (out, "%d", g_date_time_get_year (moment));
      else if (g_str_equal (field, "month"))
        g_string_append (out, g_dpgettext2 (GETTEXT_PACKAGE, "month",
                                            month_abbreviations[g_date_time_get_month (moment)]));
      else if (g_str_equal (field, "month_number"))
        g_string_append_printf (out, "%d", g_date_time_get_month (moment));
      else if (g_str_equal (field, "day"))
        g_string_append_printf (out, "%d", g_date_time_get_day_of_month (moment));
      else if (g_str_equal (field, "weekday"))
        g_string_append (out, g_dpgettext2 (GETTEXT_PACKAGE, "weekday",
                                            weekday_abbreviations[weekday]));
      else if (g_str_equal (field, "hour12"))
        g_string_append_printf (out, "%d", hour12);
      else if (g_str_equal (field, "hour24"))
        g_string_append_printf (out, "%02d", hour);
      else if (g_str_equal (field, "minute"))
        g_string_append_printf (out, "%02d", g_date_time_get_minute (moment));
      else if (g_str_equal (field, "ampm") && hour < 12)
        /* Translators: before noon, as in "9:30 AM" (Korean: 오전). */
        g_string_append (out, C_("time", "AM"));
      else if (g_str_equal (field, "ampm"))
        /* Translators: after noon, as in "3:05 PM" (Korean: 오후). */
        g_string_append (out, C_("time", "PM"));
      else
        g_string_append_len (out, p, close - p + 1);
      p = close + 1;
    }

  return g_string_free (out, FALSE);
}

static char *
format_in_kst (GDateTime  *moment,
               const char *template)
{
  g_autoptr(GDateTime) kst = anbu_kst_to_kst (moment);

  return fill_template (template, kst);
}

/**
 * anbu_kst_get_timezone:
 *
 * Returns: (transfer none): the Asia/Seoul zone from the system's tzdata,
 *   or a fixed UTC+09:00 zone when tzdata is not installed (the same rules
 *   for every moment since 1988).
 */
GTimeZone *
anbu_kst_get_timezone (void)
{
  static GTimeZone *zone;
  static gsize zone_ready;

  if (g_once_init_enter (&zone_ready))
    {
      GTimeZone *seoul = g_time_zone_new_identifier ("Asia/Seoul");

      if (seoul == NULL)
        {
          g_debug ("No tzdata entry for Asia/Seoul; using a fixed +09:00 offset");
          seoul = g_time_zone_new_offset (KST_OFFSET_SECONDS);
        }
      zone = seoul;
      g_once_init_leave (&zone_ready, 1);
    }

  return zone;
}

/**
 * anbu_kst_now:
 *
 * Returns: (transfer full): the current moment of the process's clock, in KST.
 */
GDateTime *
anbu_kst_now (void)
{
  return anbu_clock_get_now_kst (anbu_clock_get_default ());
}

/**
 * anbu_kst_new:
 *
 * Returns: (transfer full) (nullable): a wall-clock time in Seoul, or %NULL
 *   when the fields do not make a valid date and time.
 */
GDateTime *
anbu_kst_new (gint    year,
              gint    month,
              gint    day,
              gint    hour,
              gint    minute,
              gdouble seconds)
{
  return g_date_time_new (anbu_kst_get_timezone (), year, month, day, hour, minute, seconds);
}

/**
 * anbu_kst_new_from_date:
 * @date: a valid calendar date (a day in Korea)
 *
 * Returns: (transfer full): @hour:@minute in Seoul on @date.
 */
GDateTime *
anbu_kst_new_from_date (const GDate *date,
                        gint         hour,
                        gint         minute)
{
  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  return anbu_kst_new (g_date_get_year (date), g_date_get_month (date),
                       g_date_get_day (date), hour, minute, 0);
}

/**
 * anbu_kst_to_kst:
 * @moment: a moment in any zone
 *
 * Returns: (transfer full): the same moment, expressed in KST.
 */
GDateTime *
anbu_kst_to_kst (GDateTime *moment)
{
  g_return_val_if_fail (moment != NULL, NULL);

  return g_date_time_to_timezone (moment, anbu_kst_get_timezone ());
}

/**
 * anbu_kst_get_date:
 * @moment: a moment in any zone
 * @date: (out caller-allocates): set to the calendar day in Korea that
 *   contains @moment
 */
void
anbu_kst_get_date (GDateTime *moment,
                   GDate     *date)
{
  g_autoptr(GDateTime) kst = NULL;
  gint year, month, day;

  g_return_if_fail (moment != NULL);
  g_return_if_fail (date != NULL);

  kst = anbu_kst_to_kst (moment);
  g_date_time_get_ymd (kst, &year, &month, &day);
  g_date_clear (date, 1);
  g_date_set_dmy (date, day, month, year);
}

/**
 * anbu_kst_start_of_day:
 * @moment: a moment in any zone
 *
 * Returns: (transfer full): 00:00 KST of the Korean day that contains @moment.
 */
GDateTime *
anbu_kst_start_of_day (GDateTime *moment)
{
  g_autoptr(GDateTime) kst = NULL;
  gint year, month, day;

  g_return_val_if_fail (moment != NULL, NULL);

  kst = anbu_kst_to_kst (moment);
  g_date_time_get_ymd (kst, &year, &month, &day);
  return anbu_kst_new (year, month, day, 0, 0, 0);
}

/**
 * anbu_kst_format_date_time:
 *
 * Returns: (transfer full): @moment as a Korean reader expects it, in KST:
 *   "2026년 11월 24일 (화) 오후 3:05" (English: "Tue, Nov 24, 2026, 3:05 PM").
 */
char *
anbu_kst_format_date_time (GDateTime *moment)
{
  g_return_val_if_fail (moment != NULL, NULL);

  /* Translators: a date with time. Keep the names in braces as they are and
   * order them for your language: {year}, {month} (short month name),
   * {month_number}, {day}, {weekday} (short weekday name), {hour12}, {hour24},
   * {minute}, {ampm}. Korean:
   * "{year}년 {month_number}월 {day}일 ({weekday}) {ampm} {hour12}:{minute}". */
  return format_in_kst (moment, _("{weekday}, {month} {day}, {year}, {hour12}:{minute} {ampm}"));
}

/**
 * anbu_kst_format_date:
 *
 * Returns: (transfer full): the Korean day of @moment: "2026년 11월 24일 (화)".
 */
char *
anbu_kst_format_date (GDateTime *moment)
{
  g_return_val_if_fail (moment != NULL, NULL);

  /* Translators: a date without time; the names in braces are explained at
   * the date-with-time format. Korean: "{year}년 {month_number}월 {day}일 ({weekday})". */
  return format_in_kst (moment, _("{weekday}, {month} {day}, {year}"));
}

/**
 * anbu_kst_format_time:
 *
 * Returns: (transfer full): the KST time of day of @moment: "오후 3:05".
 */
char *
anbu_kst_format_time (GDateTime *moment)
{
  g_return_val_if_fail (moment != NULL, NULL);

  /* Translators: a time of day; the names in braces are explained at the
   * date-with-time format. Korean: "{ampm} {hour12}:{minute}". */
  return format_in_kst (moment, _("{hour12}:{minute} {ampm}"));
}

/**
 * anbu_kst_format_relative:
 * @moment: the moment to describe
 * @now: the moment to describe it from (usually the current time)
 *
 * Returns: (transfer full): how long ago (or how far ahead) @moment is, in
 *   whole minutes, hours or days: "방금", "5분 전", "3시간 전", "2일 전",
 *   "3시간 후".
 */
char *
anbu_kst_format_relative (GDateTime *moment,
                          GDateTime *now)
{
  GTimeSpan diff;
  GTimeSpan size;
  gboolean future;
  gulong n;

  g_return_val_if_fail (moment != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  diff = g_date_time_difference (now, moment);
  future = diff < 0;
  size = future ? -diff : diff;

  if (size < G_TIME_SPAN_MINUTE)
    return g_strdup (future ? _("in under a minute") : _("just now"));

  if (size < G_TIME_SPAN_HOUR)
    {
      n = (gulong) (size / G_TIME_SPAN_MINUTE);
      return future ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "in %lu minute",
                                                    "in %lu minutes", n), n)
                    : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "%lu minute ago",
                                                    "%lu minutes ago", n), n);
    }

  if (size < G_TIME_SPAN_DAY)
    {
      n = (gulong) (size / G_TIME_SPAN_HOUR);
      return future ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "in %lu hour",
                                                    "in %lu hours", n), n)
                    : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "%lu hour ago",
                                                    "%lu hours ago", n), n);
    }

  n = (gulong) (size / G_TIME_SPAN_DAY);
  return future ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "in %lu day",
                                                "in %lu days", n), n)
                : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "%lu day ago",
                                                "%lu days ago", n), n);
}

/* The count that duration texts show: whole minutes below one hour, whole
 * hours from there on (thresholds are set in hours, so never days).
 * Negative spans count as zero. */
static gulong
count_minutes_or_hours (GTimeSpan  span,
                        gboolean  *in_hours)
{
  span = MAX (span, 0);
  *in_hours = span >= G_TIME_SPAN_HOUR;
  return (gulong) (span / (*in_hours ? G_TIME_SPAN_HOUR : G_TIME_SPAN_MINUTE));
}

/**
 * anbu_kst_format_duration:
 * @span: a length of time; negative counts as zero
 *
 * Returns: (transfer full): @span in whole hours ("27시간"), or in whole
 *   minutes below one hour ("45분"). Inactivity thresholds are set in hours,
 *   so days are not used.
 */
char *
anbu_kst_format_duration (GTimeSpan span)
{
  gboolean in_hours;
  gulong n = count_minutes_or_hours (span, &in_hours);

  if (!in_hours)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%lu minute",
                                         "%lu minutes", n), n);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%lu hour",
                                       "%lu hours", n), n);
}

/**
 * anbu_kst_format_quiet_for:
 * @span: how long a household has shown no activity; negative counts as zero
 *
 * Returns: (transfer full): the sentence a planner reads on a risk signal:
 *   "quiet for 27 hours" ("27시간째 활동 없음").
 */
char *
anbu_kst_format_quiet_for (GTimeSpan span)
{
  gboolean in_hours;
  gulong n = count_minutes_or_hours (span, &in_hours);

  if (!in_hours)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "quiet for %lu minute",
                                         "quiet for %lu minutes", n), n);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "quiet for %lu hour",
                                       "quiet for %lu hours", n), n);
}
