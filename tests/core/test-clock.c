/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one clock: a manual clock stands still until moved, tells its
 * listeners, and is what every "now" of the process reads once it is the
 * default (anbu_kst_now included). */
#include "config.h"

#include "anbu-clock.h"
#include "anbu-kst.h"

#define NOV_24_1030_KST (G_GINT64_CONSTANT (1795483800) * G_USEC_PER_SEC)  /* 2026-11-24T01:30:00Z */

static void
count_changes (AnbuClock *clock,
               guint     *changes)
{
  (*changes)++;
}

static void
test_manual_stands_still_until_moved (void)
{
  g_autoptr(AnbuClock) clock = anbu_clock_new_manual (NOV_24_1030_KST);
  g_autoptr(GDateTime) kst = NULL;
  guint changes = 0;

  g_signal_connect (clock, "changed", G_CALLBACK (count_changes), &changes);
  g_assert_true (anbu_clock_is_manual (clock));
  g_assert_cmpint (anbu_clock_get_now_usec (clock), ==, NOV_24_1030_KST);
  g_assert_cmpint (anbu_clock_get_now_usec (clock), ==, NOV_24_1030_KST);
  kst = anbu_clock_get_now_kst (clock);
  g_assert_cmpint (g_date_time_get_hour (kst), ==, 10);
  g_assert_cmpint (g_date_time_get_minute (kst), ==, 30);

  anbu_clock_advance (clock, 2 * G_TIME_SPAN_HOUR);
  g_assert_cmpint (anbu_clock_get_now_seconds (clock), ==, NOV_24_1030_KST / G_USEC_PER_SEC + 7200);
  g_assert_cmpuint (changes, ==, 1);
  /* Setting the time it already shows is no change. */
  anbu_clock_set_now_usec (clock, anbu_clock_get_now_usec (clock));
  g_assert_cmpuint (changes, ==, 1);
}

static void
test_real_follows_the_wall_clock (void)
{
  g_autoptr(AnbuClock) clock = anbu_clock_new_real ();
  gint64 before = g_get_real_time ();
  gint64 now = anbu_clock_get_now_usec (clock);

  g_assert_false (anbu_clock_is_manual (clock));
  g_assert_cmpint (now, >=, before);
  g_assert_cmpint (now - before, <, 60 * G_USEC_PER_SEC);
}

static void
test_default_serves_every_reader (void)
{
  g_autoptr(AnbuClock) clock = anbu_clock_new_manual (NOV_24_1030_KST);
  g_autoptr(GDateTime) kst = NULL;

  anbu_clock_set_default (clock);
  g_assert_true (anbu_clock_get_default () == clock);
  g_assert_cmpint (anbu_clock_now_usec (), ==, NOV_24_1030_KST);
  kst = anbu_kst_now ();
  g_assert_cmpint (g_date_time_get_year (kst), ==, 2026);
  g_assert_cmpint (g_date_time_get_month (kst), ==, 11);
  g_assert_cmpint (g_date_time_get_day_of_month (kst), ==, 24);
  g_assert_cmpint (g_date_time_get_hour (kst), ==, 10);
}

/* A subprocess whose environment names a time starts on a manual clock there. */
static void
test_environment_sets_the_default (void)
{
  if (g_test_subprocess ())
    {
      g_assert_true (anbu_clock_is_manual (anbu_clock_get_default ()));
      g_assert_cmpint (anbu_clock_now_usec (), ==, NOV_24_1030_KST);
      return;
    }
  g_setenv ("ANBU_CLOCK", "2026-11-24T10:30:00+09:00", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv ("ANBU_CLOCK");
  g_test_trap_assert_passed ();
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anbu/clock/manual-stands-still-until-moved", test_manual_stands_still_until_moved);
  g_test_add_func ("/anbu/clock/real-follows-the-wall-clock", test_real_follows_the_wall_clock);
  g_test_add_func ("/anbu/clock/environment-sets-the-default", test_environment_sets_the_default);
  g_test_add_func ("/anbu/clock/default-serves-every-reader", test_default_serves_every_reader);

  return g_test_run ();
}
