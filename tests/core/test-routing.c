/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>

#include <glib/gi18n-lib.h>

#include "anbu-kst.h"
#include "anbu-routing.h"
#include "anbu-test-locale.h"

static GDateTime *
kst (gint year, gint month, gint day, gint hour, gint minute)
{
  return anbu_kst_new (year, month, day, hour, minute, 0);
}

static void
assert_moment (GDateTime *moment,
               gint       year,
               gint       month,
               gint       day,
               gint       hour,
               gint       minute)
{
  g_autoptr(GDateTime) expected = kst (year, month, day, hour, minute);

  g_assert_nonnull (moment);
  if (!g_date_time_equal (moment, expected))
    {
      g_autofree char *got = g_date_time_format_iso8601 (moment);
      g_autofree char *want = g_date_time_format_iso8601 (expected);

      g_error ("expected %s, got %s", want, got);
    }
}

/* Routes @moment for a consenting and a non-consenting household and checks
 * both decisions: who answers, and when that next changes. */
static void
assert_routing (AnbuHolidayCalendar *calendar,
                GDateTime           *moment,
                gboolean             business_hours,
                gint                 next_year,
                gint                 next_month,
                gint                 next_day,
                gint                 next_hour)
{
  g_autoptr(AnbuRoutingDecision) consent = anbu_routing_decide (calendar, moment, TRUE);
  g_autoptr(AnbuRoutingDecision) no_consent = anbu_routing_decide (calendar, moment, FALSE);

  g_assert_cmpint (anbu_routing_is_business_hours (calendar, moment), ==, business_hours);
  g_assert_cmpint (consent->business_hours, ==, business_hours);
  g_assert_cmpint (no_consent->business_hours, ==, business_hours);

  if (business_hours)
    {
      g_assert_cmpint (consent->responder, ==, ANBU_ALERT_RESPONDER_DONG);
      g_assert_cmpint (no_consent->responder, ==, ANBU_ALERT_RESPONDER_DONG);
      g_assert_false (consent->waits);
      g_assert_false (no_consent->waits);
    }
  else
    {
      g_assert_cmpint (consent->responder, ==, ANBU_ALERT_RESPONDER_CONTROL);
      g_assert_false (consent->waits);
      g_assert_cmpint (no_consent->responder, ==, ANBU_ALERT_RESPONDER_DONG);
      g_assert_true (no_consent->waits);
    }

  assert_moment (consent->next_change, next_year, next_month, next_day, next_hour, 0);
  assert_moment (no_consent->next_change, next_year, next_month, next_day, next_hour, 0);
}

static void
test_weekday_edges (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  g_autoptr(GDateTime) at_0859 = kst (2026, 11, 24, 8, 59);
  g_autoptr(GDateTime) at_0900 = kst (2026, 11, 24, 9, 0);
  g_autoptr(GDateTime) at_1759 = kst (2026, 11, 24, 17, 59);
  g_autoptr(GDateTime) last_instant = anbu_kst_new (2026, 11, 24, 17, 59, 59.999);
  g_autoptr(GDateTime) at_1800 = kst (2026, 11, 24, 18, 0);
  g_autoptr(GDateTime) midnight = kst (2026, 11, 25, 0, 0);

  /* Tuesday 2026-11-24. */
  assert_routing (calendar, at_0859, FALSE, 2026, 11, 24, 9);
  assert_routing (calendar, at_0900, TRUE, 2026, 11, 24, 18);
  assert_routing (calendar, at_1759, TRUE, 2026, 11, 24, 18);
  assert_routing (calendar, last_instant, TRUE, 2026, 11, 24, 18);
  assert_routing (calendar, at_1800, FALSE, 2026, 11, 25, 9);
  assert_routing (calendar, midnight, FALSE, 2026, 11, 25, 9);
}

static void
test_moment_in_other_zone (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  /* 00:00 UTC is 09:00 KST; 23:59 UTC the day before is 08:59 KST. */
  g_autoptr(GDateTime) opening = g_date_time_new_utc (2026, 11, 24, 0, 0, 0);
  g_autoptr(GDateTime) before = g_date_time_new_utc (2026, 11, 23, 23, 59, 0);
  g_autoptr(GDateTime) closing = g_date_time_new_utc (2026, 11, 24, 9, 0, 0);

  assert_routing (calendar, opening, TRUE, 2026, 11, 24, 18);
  assert_routing (calendar, before, FALSE, 2026, 11, 24, 9);
  assert_routing (calendar, closing, FALSE, 2026, 11, 25, 9);
}

static void
test_weekend (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  g_autoptr(GDateTime) friday_evening = kst (2026, 11, 27, 18, 0);
  g_autoptr(GDateTime) friday_night = kst (2026, 11, 27, 23, 30);
  g_autoptr(GDateTime) saturday_noon = kst (2026, 11, 28, 12, 0);
  g_autoptr(GDateTime) sunday_late = kst (2026, 11, 29, 23, 59);
  g_autoptr(GDateTime) monday_early = kst (2026, 11, 30, 8, 59);
  g_autoptr(GDateTime) monday_open = kst (2026, 11, 30, 9, 0);

  assert_routing (calendar, friday_evening, FALSE, 2026, 11, 30, 9);
  assert_routing (calendar, friday_night, FALSE, 2026, 11, 30, 9);
  assert_routing (calendar, saturday_noon, FALSE, 2026, 11, 30, 9);
  assert_routing (calendar, sunday_late, FALSE, 2026, 11, 30, 9);
  assert_routing (calendar, monday_early, FALSE, 2026, 11, 30, 9);
  assert_routing (calendar, monday_open, TRUE, 2026, 11, 30, 18);
}

static void
test_chuseok_2026 (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  /* 추석 2026: Thu 9/24 (eve) – Sat 9/26, then Sunday; no substitute. */
  g_autoptr(GDateTime) day_before_eve = kst (2026, 9, 23, 17, 59);
  g_autoptr(GDateTime) closing_before = kst (2026, 9, 23, 18, 0);
  g_autoptr(GDateTime) eve_morning = kst (2026, 9, 24, 10, 0);
  g_autoptr(GDateTime) last_day = kst (2026, 9, 26, 15, 0);
  g_autoptr(GDateTime) back = kst (2026, 9, 28, 9, 0);

  assert_routing (calendar, day_before_eve, TRUE, 2026, 9, 23, 18);
  assert_routing (calendar, closing_before, FALSE, 2026, 9, 28, 9);
  assert_routing (calendar, eve_morning, FALSE, 2026, 9, 28, 9);
  assert_routing (calendar, last_day, FALSE, 2026, 9, 28, 9);
  assert_routing (calendar, back, TRUE, 2026, 9, 28, 18);
}

static void
test_chuseok_2025_block (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  /* 2025: 개천절 Fri 10/3, weekend, 추석 10/5–10/7, substitute 10/8,
   * 한글날 10/9: the centre is closed from Thursday evening 10/2 to Friday
   * morning 10/10. */
  g_autoptr(GDateTime) thursday_before = kst (2025, 10, 2, 18, 0);
  g_autoptr(GDateTime) eve = kst (2025, 10, 5, 9, 30);
  g_autoptr(GDateTime) last_day = kst (2025, 10, 7, 12, 0);
  g_autoptr(GDateTime) substitute = kst (2025, 10, 8, 9, 0);
  g_autoptr(GDateTime) reopening = kst (2025, 10, 10, 9, 0);

  assert_routing (calendar, thursday_before, FALSE, 2025, 10, 10, 9);
  assert_routing (calendar, eve, FALSE, 2025, 10, 10, 9);
  assert_routing (calendar, last_day, FALSE, 2025, 10, 10, 9);
  assert_routing (calendar, substitute, FALSE, 2025, 10, 10, 9);
  assert_routing (calendar, reopening, TRUE, 2025, 10, 10, 18);
}

static void
test_seollal_2026 (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  g_autoptr(GDateTime) friday = kst (2026, 2, 13, 18, 0);
  g_autoptr(GDateTime) seollal = kst (2026, 2, 17, 9, 0);

  assert_routing (calendar, friday, FALSE, 2026, 2, 19, 9);
  assert_routing (calendar, seollal, FALSE, 2026, 2, 19, 9);
}

static void
test_substitute_and_election_days (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  g_autoptr(GDateTime) substitute = kst (2026, 3, 2, 11, 0);
  g_autoptr(GDateTime) election = kst (2026, 6, 3, 11, 0);
  g_autoptr(GDateTime) constitution = kst (2026, 7, 17, 11, 0);

  assert_routing (calendar, substitute, FALSE, 2026, 3, 3, 9);
  assert_routing (calendar, election, FALSE, 2026, 6, 4, 9);
  assert_routing (calendar, constitution, FALSE, 2026, 7, 20, 9);
}

static void
test_declared_holiday (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) tuesday_evening = kst (2026, 11, 24, 18, 0);
  g_autoptr(GDateTime) wednesday = kst (2026, 11, 25, 10, 0);
  GDate declared;

  assert_routing (calendar, tuesday_evening, FALSE, 2026, 11, 25, 9);
  assert_routing (calendar, wednesday, TRUE, 2026, 11, 25, 18);

  g_date_clear (&declared, 1);
  g_date_set_dmy (&declared, 25, 11, 2026);
  g_assert_true (anbu_holiday_calendar_add_temporary (calendar, &declared, "임시공휴일", &error));
  g_assert_no_error (error);

  assert_routing (calendar, tuesday_evening, FALSE, 2026, 11, 26, 9);
  assert_routing (calendar, wednesday, FALSE, 2026, 11, 26, 9);
}

static void
test_next_business_start (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  g_autoptr(GDateTime) early = kst (2026, 11, 24, 7, 0);
  g_autoptr(GDateTime) opening = kst (2026, 11, 24, 9, 0);
  g_autoptr(GDateTime) christmas_eve = kst (2026, 12, 24, 20, 0);
  g_autoptr(GDateTime) new_year_eve = kst (2026, 12, 31, 18, 0);
  g_autoptr(GDateTime) a = anbu_routing_next_business_start (calendar, early);
  g_autoptr(GDateTime) b = anbu_routing_next_business_start (calendar, opening);
  g_autoptr(GDateTime) c = anbu_routing_next_business_start (calendar, christmas_eve);
  g_autoptr(GDateTime) d = anbu_routing_next_business_start (calendar, new_year_eve);

  assert_moment (a, 2026, 11, 24, 9, 0);
  /* Strictly after: at 09:00 itself the next start is tomorrow's. */
  assert_moment (b, 2026, 11, 25, 9, 0);
  /* Christmas is a Friday: the waiting signal reaches the centre on Monday. */
  assert_moment (c, 2026, 12, 28, 9, 0);
  assert_moment (d, 2027, 1, 4, 9, 0);
  g_assert_cmpint (g_date_time_get_utc_offset (d), ==, 9 * G_TIME_SPAN_HOUR);
}

static void
test_business_day (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 24, 11, 2026);
  g_assert_true (anbu_routing_is_business_day (calendar, &date));
  g_date_set_dmy (&date, 28, 11, 2026);
  g_assert_false (anbu_routing_is_business_day (calendar, &date));
  g_date_set_dmy (&date, 29, 11, 2026);
  g_assert_false (anbu_routing_is_business_day (calendar, &date));
  g_date_set_dmy (&date, 5, 10, 2026);
  g_assert_false (anbu_routing_is_business_day (calendar, &date));
}

static void
test_decision_copy (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  g_autoptr(GDateTime) moment = kst (2026, 11, 24, 20, 0);
  g_autoptr(AnbuRoutingDecision) decision = anbu_routing_decide (calendar, moment, TRUE);
  g_autoptr(AnbuRoutingDecision) copy = anbu_routing_decision_copy (decision);

  g_assert_cmpint (copy->responder, ==, decision->responder);
  /* The alert record carries the decision as its wire value. */
  g_assert_cmpstr (anbu_alert_responder_to_string (copy->responder), ==, "control");
  g_assert_cmpint (copy->waits, ==, decision->waits);
  g_assert_true (g_date_time_equal (copy->next_change, decision->next_change));
}

static void
test_describe_english (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  g_autoptr(GDateTime) day = kst (2026, 11, 24, 15, 5);
  g_autoptr(GDateTime) night = kst (2026, 11, 27, 20, 0);
  g_autoptr(AnbuRoutingDecision) in_hours = anbu_routing_decide (calendar, day, FALSE);
  g_autoptr(AnbuRoutingDecision) control = anbu_routing_decide (calendar, night, TRUE);
  g_autoptr(AnbuRoutingDecision) waiting = anbu_routing_decide (calendar, night, FALSE);
  g_autofree char *a = anbu_routing_decision_describe (in_hours);
  g_autofree char *b = anbu_routing_decision_describe (control);
  g_autofree char *c = anbu_routing_decision_describe (waiting);

  g_assert_cmpstr (a, ==, "Community centre until Tue, Nov 24, 2026, 6:00 PM");
  g_assert_cmpstr (b, ==, "Control centre until Mon, Nov 30, 2026, 9:00 AM");
  g_assert_cmpstr (c, ==, "Waiting for the community centre until Mon, Nov 30, 2026, 9:00 AM");
}

static void
test_describe_korean (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
      g_autoptr(GDateTime) day = kst (2026, 11, 24, 15, 5);
      g_autoptr(GDateTime) night = kst (2026, 11, 27, 20, 0);
      g_autoptr(AnbuRoutingDecision) in_hours = anbu_routing_decide (calendar, day, FALSE);
      g_autoptr(AnbuRoutingDecision) control = anbu_routing_decide (calendar, night, TRUE);
      g_autoptr(AnbuRoutingDecision) waiting = anbu_routing_decide (calendar, night, FALSE);
      g_autofree char *a = anbu_routing_decision_describe (in_hours);
      g_autofree char *b = anbu_routing_decision_describe (control);
      g_autofree char *c = anbu_routing_decision_describe (waiting);

      g_assert_cmpstr (a, ==, "2026년 11월 24일 (화) 오후 6:00까지 동주민센터 담당");
      g_assert_cmpstr (b, ==, "2026년 11월 30일 (월) 오전 9:00까지 관제센터 담당");
      g_assert_cmpstr (c, ==, "2026년 11월 30일 (월) 오전 9:00 동주민센터 업무 시작까지 대기");
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

  g_test_add_func ("/anbu/routing/weekday-edges", test_weekday_edges);
  g_test_add_func ("/anbu/routing/moment-in-other-zone", test_moment_in_other_zone);
  g_test_add_func ("/anbu/routing/weekend", test_weekend);
  g_test_add_func ("/anbu/routing/chuseok-2026", test_chuseok_2026);
  g_test_add_func ("/anbu/routing/chuseok-2025-block", test_chuseok_2025_block);
  g_test_add_func ("/anbu/routing/seollal-2026", test_seollal_2026);
  g_test_add_func ("/anbu/routing/substitute-and-election-days", test_substitute_and_election_days);
  g_test_add_func ("/anbu/routing/declared-holiday", test_declared_holiday);
  g_test_add_func ("/anbu/routing/next-business-start", test_next_business_start);
  g_test_add_func ("/anbu/routing/business-day", test_business_day);
  g_test_add_func ("/anbu/routing/decision-copy", test_decision_copy);
  g_test_add_func ("/anbu/routing/describe-english", test_describe_english);
  g_test_add_func ("/anbu/routing/describe-korean", test_describe_korean);

  return g_test_run ();
}
