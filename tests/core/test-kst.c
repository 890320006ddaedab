/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>

#include <glib/gstdio.h>

#include <glib/gi18n-lib.h>

#include "anbu-kst.h"
#include "anbu-test-locale.h"

static GDateTime *
utc (gint year, gint month, gint day, gint hour, gint minute, gdouble seconds)
{
  return g_date_time_new_utc (year, month, day, hour, minute, seconds);
}

static void
test_zone_is_seoul (void)
{
  GTimeZone *zone = anbu_kst_get_timezone ();
  g_autoptr(GDateTime) moment = utc (2026, 11, 24, 6, 5, 0);
  g_autoptr(GDateTime) kst = anbu_kst_to_kst (moment);
  g_autoptr(GTimeZone) from_tzdata = g_time_zone_new_identifier ("Asia/Seoul");

  /* tzdata is a required package on Debian; without it the fixed offset
   * (checked by the next test) stands in. */
  if (from_tzdata != NULL)
    g_assert_cmpstr (g_time_zone_get_identifier (zone), ==, "Asia/Seoul");
  g_assert_cmpint (g_date_time_get_utc_offset (kst), ==, 9 * G_TIME_SPAN_HOUR);
  g_assert_cmpint (g_date_time_get_hour (kst), ==, 15);
  g_assert_cmpint (g_date_time_get_minute (kst), ==, 5);
  g_assert_true (g_date_time_equal (moment, kst));
}

static void
test_zone_without_tzdata (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GDateTime) moment = utc (2026, 7, 1, 20, 30, 0);
      g_autoptr(GDateTime) kst = anbu_kst_to_kst (moment);

      /* No Asia/Seoul in an empty zone directory: the fixed offset stands in. */
      g_assert_cmpint (g_date_time_get_utc_offset (kst), ==, 9 * G_TIME_SPAN_HOUR);
      g_assert_cmpint (g_date_time_get_day_of_month (kst), ==, 2);
      g_assert_cmpint (g_date_time_get_hour (kst), ==, 5);
      return;
    }

  {
    g_autofree char *empty = g_dir_make_tmp ("anbu-no-tzdata-XXXXXX", NULL);

    g_assert_nonnull (empty);
    anbu_test_run_in_child_with ("TZDIR", empty);
    g_rmdir (empty);
  }
}

static void
test_date_and_start_of_day (void)
{
  /* 23:59:59 KST on the 24th, then 00:30 KST on the 25th. */
  g_autoptr(GDateTime) late = utc (2026, 11, 24, 14, 59, 59);
  g_autoptr(GDateTime) after_midnight = utc (2026, 11, 24, 15, 30, 0);
  g_autoptr(GDateTime) start_late = anbu_kst_start_of_day (late);
  g_autoptr(GDateTime) start_after = anbu_kst_start_of_day (after_midnight);
  g_autoptr(GDateTime) expected_24 = utc (2026, 11, 23, 15, 0, 0);
  g_autoptr(GDateTime) expected_25 = utc (2026, 11, 24, 15, 0, 0);
  GDate date;

  anbu_kst_get_date (late, &date);
  g_assert_cmpint (g_date_get_day (&date), ==, 24);
  anbu_kst_get_date (after_midnight, &date);
  g_assert_cmpint (g_date_get_day (&date), ==, 25);
  g_assert_cmpint (g_date_get_month (&date), ==, 11);

  g_assert_true (g_date_time_equal (start_late, expected_24));
  g_assert_true (g_date_time_equal (start_after, expected_25));
  g_assert_cmpint (g_date_time_get_hour (start_after), ==, 0);
  g_assert_cmpint (g_date_time_get_utc_offset (start_after), ==, 9 * G_TIME_SPAN_HOUR);
}

static void
test_new_from_date (void)
{
  GDate date;
  g_autoptr(GDateTime) nine = NULL;
  g_autoptr(GDateTime) expected = utc (2026, 2, 19, 0, 0, 0);

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 19, 2, 2026);
  nine = anbu_kst_new_from_date (&date, 9, 0);
  g_assert_true (g_date_time_equal (nine, expected));
  g_assert_null (anbu_kst_new (2026, 2, 30, 9, 0, 0));
}

static void
assert_formats (GDateTime  *moment,
                const char *date_time,
                const char *date,
                const char *time)
{
  g_autofree char *got_date_time = anbu_kst_format_date_time (moment);
  g_autofree char *got_date = anbu_kst_format_date (moment);
  g_autofree char *got_time = anbu_kst_format_time (moment);

  g_assert_cmpstr (got_date_time, ==, date_time);
  g_assert_cmpstr (got_date, ==, date);
  g_assert_cmpstr (got_time, ==, time);
}

static void
test_format_english (void)
{
  g_autoptr(GDateTime) afternoon = utc (2026, 11, 24, 6, 5, 0);
  g_autoptr(GDateTime) after_midnight = anbu_kst_new (2026, 1, 1, 0, 5, 0);
  g_autoptr(GDateTime) noon = anbu_kst_new (2026, 9, 25, 12, 30, 0);

  assert_formats (afternoon, "Tue, Nov 24, 2026, 3:05 PM", "Tue, Nov 24, 2026", "3:05 PM");
  assert_formats (after_midnight, "Thu, Jan 1, 2026, 12:05 AM", "Thu, Jan 1, 2026", "12:05 AM");
  assert_formats (noon, "Fri, Sep 25, 2026, 12:30 PM", "Fri, Sep 25, 2026", "12:30 PM");
}

static void
test_format_korean (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GDateTime) afternoon = utc (2026, 11, 24, 6, 5, 0);
      g_autoptr(GDateTime) morning = anbu_kst_new (2026, 2, 19, 9, 0, 0);
      g_autoptr(GDateTime) sunday = anbu_kst_new (2026, 3, 1, 23, 59, 0);

      assert_formats (afternoon, "2026년 11월 24일 (화) 오후 3:05", "2026년 11월 24일 (화)",
                      "오후 3:05");
      assert_formats (morning, "2026년 2월 19일 (목) 오전 9:00", "2026년 2월 19일 (목)",
                      "오전 9:00");
      assert_formats (sunday, "2026년 3월 1일 (일) 오후 11:59", "2026년 3월 1일 (일)",
                      "오후 11:59");
      return;
    }
  anbu_test_run_in_child_with ("LANGUAGE", "ko");
}

static void
assert_relative (GDateTime  *now,
                 GTimeSpan   before_now,
                 const char *expected)
{
  g_autoptr(GDateTime) moment = g_date_time_add (now, -before_now);
  g_autofree char *text = anbu_kst_format_relative (moment, now);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_relative_english (void)
{
  g_autoptr(GDateTime) now = anbu_kst_new (2026, 11, 24, 15, 5, 0);

  assert_relative (now, 0, "just now");
  assert_relative (now, 59 * G_TIME_SPAN_SECOND, "just now");
  assert_relative (now, G_TIME_SPAN_MINUTE, "1 minute ago");
  assert_relative (now, 59 * G_TIME_SPAN_MINUTE + 59 * G_TIME_SPAN_SECOND, "59 minutes ago");
  assert_relative (now, G_TIME_SPAN_HOUR, "1 hour ago");
  assert_relative (now, 3 * G_TIME_SPAN_HOUR + 20 * G_TIME_SPAN_MINUTE, "3 hours ago");
  assert_relative (now, G_TIME_SPAN_DAY - 1, "23 hours ago");
  assert_relative (now, G_TIME_SPAN_DAY, "1 day ago");
  assert_relative (now, 3 * G_TIME_SPAN_DAY + G_TIME_SPAN_HOUR, "3 days ago");
  assert_relative (now, -30 * G_TIME_SPAN_SECOND, "in under a minute");
  assert_relative (now, -5 * G_TIME_SPAN_MINUTE, "in 5 minutes");
  assert_relative (now, -3 * G_TIME_SPAN_HOUR, "in 3 hours");
  assert_relative (now, -2 * G_TIME_SPAN_DAY, "in 2 days");
}

static void
test_relative_korean (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GDateTime) now = anbu_kst_new (2026, 11, 24, 15, 5, 0);

      assert_relative (now, 10 * G_TIME_SPAN_SECOND, "방금");
      assert_relative (now, G_TIME_SPAN_MINUTE, "1분 전");
      assert_relative (now, 5 * G_TIME_SPAN_MINUTE, "5분 전");
      assert_relative (now, 3 * G_TIME_SPAN_HOUR, "3시간 전");
      assert_relative (now, 2 * G_TIME_SPAN_DAY, "2일 전");
      assert_relative (now, -3 * G_TIME_SPAN_HOUR, "3시간 후");
      assert_relative (now, -30 * G_TIME_SPAN_SECOND, "1분 안에");
      return;
    }
  anbu_test_run_in_child_with ("LANGUAGE", "ko");
}

static void
test_relative_across_zones (void)
{
  /* The same instant written in two zones is "just now", not nine hours. */
  g_autoptr(GDateTime) now = anbu_kst_new (2026, 11, 24, 15, 5, 0);
  g_autoptr(GDateTime) same_in_utc = utc (2026, 11, 24, 6, 5, 0);
  g_autofree char *text = anbu_kst_format_relative (same_in_utc, now);

  g_assert_cmpstr (text, ==, "just now");
}

static void
assert_durations (GTimeSpan   span,
                  const char *duration,
                  const char *quiet)
{
  g_autofree char *got_duration = anbu_kst_format_duration (span);
  g_autofree char *got_quiet = anbu_kst_format_quiet_for (span);

  g_assert_cmpstr (got_duration, ==, duration);
  g_assert_cmpstr (got_quiet, ==, quiet);
}

static void
test_durations_english (void)
{
  assert_durations (27 * G_TIME_SPAN_HOUR + 59 * G_TIME_SPAN_MINUTE,
                    "27 hours", "quiet for 27 hours");
  assert_durations (50 * G_TIME_SPAN_HOUR, "50 hours", "quiet for 50 hours");
  assert_durations (G_TIME_SPAN_HOUR, "1 hour", "quiet for 1 hour");
  assert_durations (45 * G_TIME_SPAN_MINUTE, "45 minutes", "quiet for 45 minutes");
  assert_durations (G_TIME_SPAN_MINUTE, "1 minute", "quiet for 1 minute");
  /* A clock that went backwards shows nothing negative. */
  assert_durations (-5 * G_TIME_SPAN_HOUR, "0 minutes", "quiet for 0 minutes");
}

static void
test_durations_korean (void)
{
  if (g_test_subprocess ())
    {
      assert_durations (27 * G_TIME_SPAN_HOUR, "27시간", "27시간째 활동 없음");
      assert_durations (45 * G_TIME_SPAN_MINUTE, "45분", "45분째 활동 없음");
      return;
    }
  anbu_test_run_in_child_with ("LANGUAGE", "ko");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  anbu_test_init_locale ();

  g_test_add_func ("/anbu/kst/zone-is-seoul", test_zone_is_seoul);
  g_test_add_func ("/anbu/kst/zone-without-tzdata", test_zone_without_tzdata);
  g_test_add_func ("/anbu/kst/date-and-start-of-day", test_date_and_start_of_day);
  g_test_add_func ("/anbu/kst/new-from-date", test_new_from_date);
  g_test_add_func ("/anbu/kst/format-english", test_format_english);
  g_test_add_func ("/anbu/kst/format-korean", test_format_korean);
  g_test_add_func ("/anbu/kst/relative-english", test_relative_english);
  g_test_add_func ("/anbu/kst/relative-korean", test_relative_korean);
  g_test_add_func ("/anbu/kst/relative-across-zones", test_relative_across_zones);
  g_test_add_func ("/anbu/kst/durations-english", test_durations_english);
  g_test_add_func ("/anbu/kst/durations-korean", test_durations_korean);

  return g_test_run ();
}
