/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "anbu-format.h"
#include "anbu-test-util.h"

static char *
ago (GTimeSpan span)
{
  g_autoptr (GDateTime) now = g_date_time_new_utc (2026, 11, 24, 6, 5, 0);
  g_autoptr (GDateTime) then = g_date_time_add (now, -span);

  return anbu_format_relative_time (then, now);
}

static void
test_relative_korean (void)
{
  struct
  {
    GTimeSpan span;
    const char *expected;
  } cases[] = {
    { 0, "방금 전" },
    { 59 * G_TIME_SPAN_SECOND, "방금 전" },
    { G_TIME_SPAN_MINUTE, "1분 전" },
    { 42 * G_TIME_SPAN_MINUTE, "42분 전" },
    { G_TIME_SPAN_HOUR, "1시간 전" },
    { 3 * G_TIME_SPAN_HOUR + 20 * G_TIME_SPAN_MINUTE, "3시간 전" },
    { 23 * G_TIME_SPAN_HOUR, "23시간 전" },
    { 2 * G_TIME_SPAN_DAY, "2일 전" },
    { -5 * G_TIME_SPAN_MINUTE, "방금 전" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = ago (cases[i].span);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

/* A week or more ago shows the calendar day in Seoul: 23:30 UTC is the next morning there. */
static void
test_relative_old_shows_seoul_date (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_utc (2026, 11, 24, 6, 5, 0);
  g_autoptr (GDateTime) then = g_date_time_new_utc (2026, 11, 10, 23, 30, 0);
  g_autofree char *text = anbu_format_relative_time (then, now);

  g_assert_cmpstr (text, ==, "2026년 11월 11일");
}

int
main (int   argc,
      char *argv[])
{
  anbu_test_init (&argc, &argv);

  g_test_add_func ("/anbu/ui/format/relative-korean", test_relative_korean);
  g_test_add_func ("/anbu/ui/format/relative-old-shows-seoul-date", test_relative_old_shows_seoul_date);

  return g_test_run ();
}
