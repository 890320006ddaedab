/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>

#include <glib/gi18n-lib.h>

#include "anbu-holiday-calendar.h"
#include "anbu-holiday-calendar-private.h"
#include "anbu-test-locale.h"

static GDate
day (guint year, guint month, guint d)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) d, (GDateMonth) month, (GDateYear) year);
  return date;
}

/* @names: the expected holiday names on that day, NULL-terminated. */
static void
assert_holiday (AnbuHolidayCalendar *calendar,
                guint                year,
                guint                month,
                guint                d,
                ...)
{
  GDate date = day (year, month, d);
  g_auto(GStrv) names = anbu_holiday_calendar_get_names (calendar, &date);
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  g_autofree char *got = NULL;
  g_autofree char *want = NULL;
  const char *name;
  va_list args;

  va_start (args, d);
  while ((name = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (expected, (gpointer) name);
  va_end (args);
  g_ptr_array_add (expected, NULL);

  if (!anbu_holiday_calendar_is_holiday (calendar, &date))
    g_error ("%04u-%02u-%02u should be a holiday", year, month, d);
  g_assert_nonnull (names);
  got = g_strjoinv (" | ", names);
  want = g_strjoinv (" | ", (GStrv) expected->pdata);
  g_assert_cmpstr (got, ==, want);
}

static void
assert_not_holiday (AnbuHolidayCalendar *calendar,
                    guint                year,
                    guint                month,
                    guint                d)
{
  GDate date = day (year, month, d);
  g_autoptr(GPtrArray) holidays = anbu_holiday_calendar_lookup (calendar, &date);

  if (anbu_holiday_calendar_is_holiday (calendar, &date))
    g_error ("%04u-%02u-%02u should not be a holiday", year, month, d);
  g_assert_null (anbu_holiday_calendar_get_names (calendar, &date));
  g_assert_cmpuint (holidays->len, ==, 0);
}

static void
test_facts_2025 (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();

  assert_holiday (calendar, 2025, 1, 1, "New Year’s Day", NULL);
  assert_holiday (calendar, 2025, 1, 27, "Temporary holiday", NULL);
  assert_holiday (calendar, 2025, 1, 28, "Day before Seollal", NULL);
  assert_holiday (calendar, 2025, 1, 29, "Seollal", NULL);
  assert_holiday (calendar, 2025, 1, 30, "Day after Seollal", NULL);
  assert_holiday (calendar, 2025, 3, 1, "Independence Movement Day", NULL);
  assert_holiday (calendar, 2025, 3, 3, "Substitute holiday (Independence Movement Day)", NULL);
  assert_holiday (calendar, 2025, 5, 5, "Children’s Day", "Buddha’s Birthday", NULL);
  assert_holiday (calendar, 2025, 5, 6, "Substitute holiday (Buddha’s Birthday)", NULL);
  assert_holiday (calendar, 2025, 6, 3, "Temporary holiday (Presidential election)", NULL);
  assert_holiday (calendar, 2025, 6, 6, "Memorial Day", NULL);
  assert_holiday (calendar, 2025, 8, 15, "Liberation Day", NULL);
  assert_holiday (calendar, 2025, 10, 3, "National Foundation Day", NULL);
  assert_holiday (calendar, 2025, 10, 5, "Day before Chuseok", NULL);
  assert_holiday (calendar, 2025, 10, 6, "Chuseok", NULL);
  assert_holiday (calendar, 2025, 10, 7, "Day after Chuseok", NULL);
  assert_holiday (calendar, 2025, 10, 8, "Substitute holiday (Chuseok)", NULL);
  assert_holiday (calendar, 2025, 10, 9, "Hangeul Day", NULL);
  assert_holiday (calendar, 2025, 12, 25, "Christmas Day", NULL);

  assert_not_holiday (calendar, 2025, 1, 31);
  assert_not_holiday (calendar, 2025, 3, 4);
  assert_not_holiday (calendar, 2025, 5, 1);  /* 근로자의 날 was not a public holiday yet */
  assert_not_holiday (calendar, 2025, 7, 17); /* nor was 제헌절 */
  /* A Saturday inside the block is a weekend day, not a holiday. */
  assert_not_holiday (calendar, 2025, 10, 4);
  assert_not_holiday (calendar, 2025, 10, 10);
}

static void
test_facts_2026 (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();

  assert_holiday (calendar, 2026, 1, 1, "New Year’s Day", NULL);
  assert_holiday (calendar, 2026, 2, 16, "Day before Seollal", NULL);
  assert_holiday (calendar, 2026, 2, 17, "Seollal", NULL);
  assert_holiday (calendar, 2026, 2, 18, "Day after Seollal", NULL);
  assert_holiday (calendar, 2026, 3, 1, "Independence Movement Day", NULL);
  assert_holiday (calendar, 2026, 3, 2, "Substitute holiday (Independence Movement Day)", NULL);
  assert_holiday (calendar, 2026, 5, 1, "Labour Day", NULL);
  assert_holiday (calendar, 2026, 5, 5, "Children’s Day", NULL);
  assert_holiday (calendar, 2026, 5, 24, "Buddha’s Birthday", NULL);
  assert_holiday (calendar, 2026, 5, 25, "Substitute holiday (Buddha’s Birthday)", NULL);
  assert_holiday (calendar, 2026, 6, 3, "Local elections", NULL);
  assert_holiday (calendar, 2026, 6, 6, "Memorial Day", NULL);
  assert_holiday (calendar, 2026, 7, 17, "Constitution Day", NULL);
  assert_holiday (calendar, 2026, 8, 15, "Liberation Day", NULL);
  assert_holiday (calendar, 2026, 8, 17, "Substitute holiday (Liberation Day)", NULL);
  assert_holiday (calendar, 2026, 9, 24, "Day before Chuseok", NULL);
  assert_holiday (calendar, 2026, 9, 25, "Chuseok", NULL);
  assert_holiday (calendar, 2026, 9, 26, "Day after Chuseok", NULL);
  assert_holiday (calendar, 2026, 10, 3, "National Foundation Day", NULL);
  assert_holiday (calendar, 2026, 10, 5, "Substitute holiday (National Foundation Day)", NULL);
  assert_holiday (calendar, 2026, 10, 9, "Hangeul Day", NULL);
  assert_holiday (calendar, 2026, 12, 25, "Christmas Day", NULL);

  assert_not_holiday (calendar, 2026, 2, 19);
  assert_not_holiday (calendar, 2026, 5, 26);
  assert_not_holiday (calendar, 2026, 6, 5);
  assert_not_holiday (calendar, 2026, 7, 16);
  /* 추석 ended on a Saturday: the rule does not make up Saturdays for it. */
  assert_not_holiday (calendar, 2026, 9, 28);
  assert_not_holiday (calendar, 2026, 10, 2);
  assert_not_holiday (calendar, 2026, 11, 24);
}

static void
test_facts_2027 (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();

  assert_holiday (calendar, 2027, 2, 6, "Day before Seollal", NULL);
  assert_holiday (calendar, 2027, 2, 7, "Seollal", NULL);
  assert_holiday (calendar, 2027, 2, 8, "Day after Seollal", NULL);
  assert_holiday (calendar, 2027, 2, 9, "Substitute holiday (Seollal)", NULL);
  assert_holiday (calendar, 2027, 3, 1, "Independence Movement Day", NULL);
  assert_holiday (calendar, 2027, 5, 1, "Labour Day", NULL);
  assert_holiday (calendar, 2027, 5, 3, "Substitute holiday (Labour Day)", NULL);
  assert_holiday (calendar, 2027, 5, 5, "Children’s Day", NULL);
  assert_holiday (calendar, 2027, 5, 13, "Buddha’s Birthday", NULL);
  assert_holiday (calendar, 2027, 6, 6, "Memorial Day", NULL);
  assert_holiday (calendar, 2027, 7, 17, "Constitution Day", NULL);
  assert_holiday (calendar, 2027, 7, 19, "Substitute holiday (Constitution Day)", NULL);
  assert_holiday (calendar, 2027, 8, 16, "Substitute holiday (Liberation Day)", NULL);
  assert_holiday (calendar, 2027, 9, 14, "Day before Chuseok", NULL);
  assert_holiday (calendar, 2027, 9, 15, "Chuseok", NULL);
  assert_holiday (calendar, 2027, 9, 16, "Day after Chuseok", NULL);
  assert_holiday (calendar, 2027, 10, 4, "Substitute holiday (National Foundation Day)", NULL);
  assert_holiday (calendar, 2027, 10, 11, "Substitute holiday (Hangeul Day)", NULL);
  assert_holiday (calendar, 2027, 12, 25, "Christmas Day", NULL);
  assert_holiday (calendar, 2027, 12, 27, "Substitute holiday (Christmas Day)", NULL);

  assert_not_holiday (calendar, 2027, 2, 10);
  assert_not_holiday (calendar, 2027, 5, 4);
  assert_not_holiday (calendar, 2027, 6, 7);  /* 현충일 has no substitute */
  assert_not_holiday (calendar, 2027, 9, 17);
  assert_not_holiday (calendar, 2027, 12, 24);
}

static void
test_list_year (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  g_autoptr(GPtrArray) y2025 = anbu_holiday_calendar_list_year (calendar, 2025);
  g_autoptr(GPtrArray) y2026 = anbu_holiday_calendar_list_year (calendar, 2026);
  g_autoptr(GPtrArray) y2027 = anbu_holiday_calendar_list_year (calendar, 2027);
  g_autoptr(GPtrArray) y2040 = anbu_holiday_calendar_list_year (calendar, 2040);

  /* As many entries as the almanac lists (2025-05-05 counts twice). */
  g_assert_cmpuint (y2025->len, ==, 20);
  g_assert_cmpuint (y2026->len, ==, 22);
  g_assert_cmpuint (y2027->len, ==, 24);
  g_assert_cmpuint (y2040->len, ==, 0);

  for (guint i = 1; i < y2026->len; i++)
    {
      const AnbuHoliday *before = y2026->pdata[i - 1];
      const AnbuHoliday *after = y2026->pdata[i];

      g_assert_cmpint (g_date_compare (&before->date, &after->date), <, 0);
      g_assert_false (after->estimated);
      g_assert_false (after->declared);
    }
  g_assert_cmpint (((AnbuHoliday *) y2026->pdata[0])->kind, ==, ANBU_HOLIDAY_KIND_NEW_YEAR);
}

static void
test_kinds (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  GDate date = day (2025, 10, 8);
  g_autoptr(GPtrArray) substitute = anbu_holiday_calendar_lookup (calendar, &date);
  const AnbuHoliday *holiday;

  g_assert_cmpuint (substitute->len, ==, 1);
  holiday = substitute->pdata[0];
  g_assert_cmpint (holiday->kind, ==, ANBU_HOLIDAY_KIND_SUBSTITUTE);
  g_assert_cmpint (holiday->about, ==, ANBU_HOLIDAY_KIND_CHUSEOK);
  g_assert_true (g_date_compare (&holiday->date, &date) == 0);

  {
    g_autoptr(AnbuHoliday) copy = anbu_holiday_copy (holiday);

    g_assert_cmpstr (copy->name, ==, holiday->name);
    g_assert_true (copy->name != holiday->name);
  }
}

static void
test_rule_engine_matches_almanac (void)
{
  /* Computing the published years by rule must give back the almanac,
   * elections and temporary holidays aside: this checks the lunar table and
   * the substitute rules that the estimated years rely on. */
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();

  for (guint year = anbu_holiday_calendar_get_first_year ();
       year <= anbu_holiday_calendar_get_last_official_year (); year++)
    {
      g_autoptr(GPtrArray) computed = anbu_holiday_calendar_compute_by_rule (year);
      g_autoptr(GPtrArray) official = anbu_holiday_calendar_list_year (calendar, year);
      g_autoptr(GString) want = g_string_new (NULL);
      g_autoptr(GString) got = g_string_new (NULL);

      g_assert_nonnull (computed);
      for (guint i = 0; i < official->len; i++)
        {
          const AnbuHoliday *h = official->pdata[i];

          if (h->kind == ANBU_HOLIDAY_KIND_TEMPORARY
              || h->kind == ANBU_HOLIDAY_KIND_PRESIDENTIAL_ELECTION
              || h->kind == ANBU_HOLIDAY_KIND_NATIONAL_ASSEMBLY_ELECTION
              || h->kind == ANBU_HOLIDAY_KIND_LOCAL_ELECTIONS)
            continue;
          g_string_append_printf (want, "%u-%02u-%02u %s\n", g_date_get_year (&h->date),
                                  g_date_get_month (&h->date), g_date_get_day (&h->date), h->name);
        }
      for (guint i = 0; i < computed->len; i++)
        {
          const AnbuHoliday *h = computed->pdata[i];

          g_assert_false (h->estimated);
          g_string_append_printf (got, "%u-%02u-%02u %s\n", g_date_get_year (&h->date),
                                  g_date_get_month (&h->date), g_date_get_day (&h->date), h->name);
        }
      g_assert_cmpstr (got->str, ==, want->str);
    }
}

static void
test_estimated_years (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  GDate last_official = day (2027, 12, 31);
  GDate first_estimated = day (2028, 1, 1);
  GDate chuseok = day (2028, 10, 3);
  GDate beyond = day (2036, 1, 1);
  g_autoptr(GPtrArray) on_chuseok = anbu_holiday_calendar_lookup (calendar, &chuseok);
  g_autoptr(GPtrArray) y2028 = anbu_holiday_calendar_list_year (calendar, 2028);

  g_assert_false (anbu_holiday_calendar_is_estimated (calendar, &last_official));
  g_assert_true (anbu_holiday_calendar_is_estimated (calendar, &first_estimated));
  g_assert_false (anbu_holiday_calendar_is_estimated (calendar, &beyond));
  g_assert_true (anbu_holiday_calendar_covers_year (2035));
  g_assert_false (anbu_holiday_calendar_covers_year (2036));
  g_assert_false (anbu_holiday_calendar_covers_year (2019));

  for (guint i = 0; i < y2028->len; i++)
    g_assert_true (((AnbuHoliday *) y2028->pdata[i])->estimated);

  /* 2028: 설날 falls on 1/27 in Korea (1/26 in China). */
  assert_holiday (calendar, 2028, 1, 26, "Day before Seollal", NULL);
  assert_holiday (calendar, 2028, 1, 27, "Seollal", NULL);
  assert_holiday (calendar, 2028, 1, 28, "Day after Seollal", NULL);
  assert_not_holiday (calendar, 2028, 1, 25);
  assert_holiday (calendar, 2028, 4, 12, "National Assembly election", NULL);
  assert_holiday (calendar, 2028, 5, 2, "Buddha’s Birthday", NULL);
  /* 추석 meets 개천절 on 10/3: one day lost, made up on Thursday 10/5. */
  g_assert_cmpuint (on_chuseok->len, ==, 2);
  assert_holiday (calendar, 2028, 10, 3, "Chuseok", "National Foundation Day", NULL);
  assert_holiday (calendar, 2028, 10, 5, "Substitute holiday (Chuseok)", NULL);
  assert_not_holiday (calendar, 2028, 10, 6);

  /* 2029: 추석 Fri–Sun → Monday; 어린이날 on Saturday → Monday. */
  assert_holiday (calendar, 2029, 9, 24, "Substitute holiday (Chuseok)", NULL);
  assert_holiday (calendar, 2029, 5, 7, "Substitute holiday (Children’s Day)", NULL);
  assert_holiday (calendar, 2029, 5, 21, "Substitute holiday (Buddha’s Birthday)", NULL);
  /* 2030: 설날 Sat–Mon → Tuesday; local elections moved off the eve of 현충일. */
  assert_holiday (calendar, 2030, 2, 5, "Substitute holiday (Seollal)", NULL);
  assert_holiday (calendar, 2030, 6, 12, "Local elections", NULL);
  assert_not_holiday (calendar, 2030, 6, 5);
  /* 2032: a year of weekend holidays. */
  assert_holiday (calendar, 2032, 9, 21, "Substitute holiday (Chuseok)", NULL);
  assert_holiday (calendar, 2032, 12, 27, "Substitute holiday (Christmas Day)", NULL);
  assert_holiday (calendar, 2032, 4, 14, "National Assembly election", NULL);
  /* 2034: 설날 Sat–Mon → Tuesday. */
  assert_holiday (calendar, 2034, 2, 21, "Substitute holiday (Seollal)", NULL);
  assert_holiday (calendar, 2035, 9, 18, "Substitute holiday (Chuseok)", NULL);

  /* Beyond the table nothing is known but weekends. */
  assert_not_holiday (calendar, 2036, 1, 1);
}

typedef struct
{
  guint n_changed;
} ChangeCount;

static void
on_changed (AnbuHolidayCalendar *calendar,
            gpointer             user_data)
{
  ((ChangeCount *) user_data)->n_changed++;
}

static void
test_temporary_at_run_time (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) holidays = NULL;
  GDate date = day (2026, 10, 2);
  GDate christmas = day (2026, 12, 25);
  ChangeCount count = { 0 };
  const AnbuHoliday *holiday;

  g_signal_connect (calendar, "changed", G_CALLBACK (on_changed), &count);

  assert_not_holiday (calendar, 2026, 10, 2);
  g_assert_true (anbu_holiday_calendar_add_temporary (calendar, &date, "  임시공휴일 ", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count.n_changed, ==, 1);
  assert_holiday (calendar, 2026, 10, 2, "임시공휴일", NULL);

  holidays = anbu_holiday_calendar_lookup (calendar, &date);
  holiday = holidays->pdata[0];
  g_assert_true (holiday->declared);
  g_assert_false (holiday->estimated);
  g_assert_cmpint (holiday->kind, ==, ANBU_HOLIDAY_KIND_TEMPORARY);

  /* It shows in the year's list, in date order. */
  {
    g_autoptr(GPtrArray) year = anbu_holiday_calendar_list_year (calendar, 2026);

    g_assert_cmpuint (year->len, ==, 23);
    g_assert_cmpstr (((AnbuHoliday *) year->pdata[18])->name, ==, "임시공휴일");
  }

  /* One declared holiday per day. */
  g_assert_false (anbu_holiday_calendar_add_temporary (calendar, &date, "다른 이름", &error));
  g_assert_error (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_cmpuint (count.n_changed, ==, 1);

  /* On a day that already is a holiday, both names show. */
  g_assert_true (anbu_holiday_calendar_add_temporary (calendar, &christmas, "특별 휴일", &error));
  g_assert_no_error (error);
  assert_holiday (calendar, 2026, 12, 25, "Christmas Day", "특별 휴일", NULL);

  /* A separate calendar does not see them. */
  {
    g_autoptr(AnbuHolidayCalendar) other = anbu_holiday_calendar_new ();

    assert_not_holiday (other, 2026, 10, 2);
  }

  g_assert_true (anbu_holiday_calendar_remove_temporary (calendar, &date, &error));
  g_assert_no_error (error);
  assert_not_holiday (calendar, 2026, 10, 2);
  g_assert_cmpuint (count.n_changed, ==, 3);

  g_assert_false (anbu_holiday_calendar_remove_temporary (calendar, &date, &error));
  g_assert_error (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_NOT_FOUND);
  g_assert_cmpuint (count.n_changed, ==, 3);
}

static void
test_temporary_outside_covered_years (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  g_autoptr(GError) error = NULL;
  GDate date = day (2040, 3, 2);

  g_assert_true (anbu_holiday_calendar_add_temporary (calendar, &date, "임시공휴일", &error));
  g_assert_no_error (error);
  assert_holiday (calendar, 2040, 3, 2, "임시공휴일", NULL);
  g_assert_false (anbu_holiday_calendar_is_estimated (calendar, &date));
}

static void
test_temporary_rejects_empty_name (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  g_autoptr(GError) error = NULL;
  GDate date = day (2026, 10, 2);

  g_assert_false (anbu_holiday_calendar_add_temporary (calendar, &date, "", &error));
  g_assert_error (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_INVALID_NAME);
  g_clear_error (&error);
  g_assert_false (anbu_holiday_calendar_add_temporary (calendar, &date, " \t ", &error));
  g_assert_error (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_INVALID_NAME);
  g_clear_error (&error);
  g_assert_false (anbu_holiday_calendar_add_temporary (calendar, &date, NULL, &error));
  g_assert_error (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_INVALID_NAME);
  assert_not_holiday (calendar, 2026, 10, 2);
}

static void
test_temporary_rejects_long_name (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) name = g_string_new (NULL);
  GDate date = day (2026, 10, 2);

  /* 60 Hangul syllables are fine (characters, not bytes), 61 are not. */
  for (guint i = 0; i < 60; i++)
    g_string_append (name, "휴");
  g_assert_true (anbu_holiday_calendar_add_temporary (calendar, &date, name->str, &error));
  g_assert_no_error (error);
  g_assert_true (anbu_holiday_calendar_remove_temporary (calendar, &date, &error));

  g_string_append (name, "일");
  g_assert_false (anbu_holiday_calendar_add_temporary (calendar, &date, name->str, &error));
  g_assert_error (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_INVALID_NAME);
}

static void
test_temporary_rejects_invalid_utf8 (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  g_autoptr(GError) error = NULL;
  GDate date = day (2026, 10, 2);

  g_assert_false (anbu_holiday_calendar_add_temporary (calendar, &date, "\xff\xfe", &error));
  g_assert_error (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_INVALID_NAME);
}

/* A name is one line, as the planner's alert view shows it: a pasted line
 * break or a control character is refused, spaces of any kind around it
 * (an ideographic space from a Korean IME) are trimmed. */
static void
test_temporary_name_is_one_clean_line (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  g_autoptr(GError) error = NULL;
  GDate date = day (2026, 10, 2);

  g_assert_false (anbu_holiday_calendar_add_temporary (calendar, &date, "임시\n공휴일", &error));
  g_assert_error (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_INVALID_NAME);
  g_clear_error (&error);
  g_assert_false (anbu_holiday_calendar_add_temporary (calendar, &date, "임시\x1b공휴일", &error));
  g_assert_error (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_INVALID_NAME);
  g_clear_error (&error);
  g_assert_false (anbu_holiday_calendar_add_temporary (calendar, &date, "\xe3\x80\x80", &error));
  g_assert_error (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_INVALID_NAME);
  g_clear_error (&error);
  assert_not_holiday (calendar, 2026, 10, 2);

  g_assert_true (anbu_holiday_calendar_add_temporary (calendar, &date,
                                                      "\xe3\x80\x80임시공휴일 ", &error));
  g_assert_no_error (error);
  assert_holiday (calendar, 2026, 10, 2, "임시공휴일", NULL);
}

static void
test_temporary_rejects_invalid_date (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  g_autoptr(GError) error = NULL;
  GDate date;

  g_date_clear (&date, 1);
  g_assert_false (anbu_holiday_calendar_add_temporary (calendar, &date, "임시공휴일", &error));
  g_assert_error (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_INVALID_DATE);
}

static char *
temporary_json (AnbuHolidayCalendar *calendar)
{
  g_autoptr(JsonNode) node = anbu_holiday_calendar_temporary_to_json (calendar);

  return json_to_string (node, FALSE);
}

static void
test_json_round_trip (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  g_autoptr(AnbuHolidayCalendar) restored = anbu_holiday_calendar_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  GDate later = day (2026, 10, 2);
  GDate earlier = day (2026, 5, 4);
  ChangeCount count = { 0 };

  g_assert_true (anbu_holiday_calendar_add_temporary (calendar, &later, "임시공휴일", &error));
  g_assert_true (anbu_holiday_calendar_add_temporary (calendar, &earlier, "징검다리 휴일", &error));
  g_assert_no_error (error);

  text = temporary_json (calendar);
  g_assert_cmpstr (text, ==,
                   "[{\"date\":\"2026-05-04\",\"name\":\"징검다리 휴일\"},"
                   "{\"date\":\"2026-10-02\",\"name\":\"임시공휴일\"}]");

  g_signal_connect (restored, "changed", G_CALLBACK (on_changed), &count);
  node = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_true (anbu_holiday_calendar_load_temporary_json (restored, node, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count.n_changed, ==, 1);
  assert_holiday (restored, 2026, 5, 4, "징검다리 휴일", NULL);
  assert_holiday (restored, 2026, 10, 2, "임시공휴일", NULL);

  again = temporary_json (restored);
  g_assert_cmpstr (again, ==, text);

  /* An empty list clears what was declared. */
  {
    g_autoptr(JsonNode) empty = json_from_string ("[]", &error);

    g_assert_true (anbu_holiday_calendar_load_temporary_json (restored, empty, &error));
    assert_not_holiday (restored, 2026, 5, 4);
  }
}

static void
test_json_ignores_unknown_members (void)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node =
    json_from_string ("[{\"date\":\"2026-10-02\",\"name\":\"임시공휴일\",\"declared_by\":\"admin\"}]",
                      &error);

  g_assert_no_error (error);
  g_assert_true (anbu_holiday_calendar_load_temporary_json (calendar, node, &error));
  g_assert_no_error (error);
  assert_holiday (calendar, 2026, 10, 2, "임시공휴일", NULL);
}

/* Loads @json into a calendar that already declares 2026-05-04 and checks
 * the load fails with @code and leaves the declared list as it was. */
static void
assert_load_fails (const char *json,
                   gint        code)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);
  GDate kept = day (2026, 5, 4);

  g_assert_no_error (error);
  g_assert_true (anbu_holiday_calendar_add_temporary (calendar, &kept, "징검다리 휴일", &error));
  g_assert_false (anbu_holiday_calendar_load_temporary_json (calendar, node, &error));
  g_assert_error (error, ANBU_HOLIDAY_ERROR, code);
  g_assert_nonnull (error->message);
  assert_holiday (calendar, 2026, 5, 4, "징검다리 휴일", NULL);
  assert_not_holiday (calendar, 2026, 10, 2);
}

static void
test_json_rejects_non_array (void)
{
  assert_load_fails ("{\"date\":\"2026-10-02\",\"name\":\"임시공휴일\"}",
                     ANBU_HOLIDAY_ERROR_INVALID_JSON);
  assert_load_fails ("null", ANBU_HOLIDAY_ERROR_INVALID_JSON);
}

static void
test_json_rejects_non_object_entry (void)
{
  assert_load_fails ("[{\"date\":\"2026-10-02\",\"name\":\"임시공휴일\"}, \"2026-10-03\"]",
                     ANBU_HOLIDAY_ERROR_INVALID_JSON);
}

static void
test_json_rejects_missing_date (void)
{
  assert_load_fails ("[{\"name\":\"임시공휴일\"}]", ANBU_HOLIDAY_ERROR_INVALID_JSON);
  assert_load_fails ("[{\"date\":20261002,\"name\":\"임시공휴일\"}]",
                     ANBU_HOLIDAY_ERROR_INVALID_JSON);
}

static void
test_json_rejects_bad_date (void)
{
  assert_load_fails ("[{\"date\":\"2026-02-30\",\"name\":\"x\"}]", ANBU_HOLIDAY_ERROR_INVALID_DATE);
  assert_load_fails ("[{\"date\":\"2026-2-3\",\"name\":\"x\"}]", ANBU_HOLIDAY_ERROR_INVALID_DATE);
  assert_load_fails ("[{\"date\":\"20261002\",\"name\":\"x\"}]", ANBU_HOLIDAY_ERROR_INVALID_DATE);
  assert_load_fails ("[{\"date\":\"2026-10-02T00:00:00+09:00\",\"name\":\"x\"}]",
                     ANBU_HOLIDAY_ERROR_INVALID_DATE);
  assert_load_fails ("[{\"date\":\"2026-13-01\",\"name\":\"x\"}]", ANBU_HOLIDAY_ERROR_INVALID_DATE);
}

static void
test_json_rejects_missing_name (void)
{
  assert_load_fails ("[{\"date\":\"2026-10-02\"}]", ANBU_HOLIDAY_ERROR_INVALID_JSON);
  assert_load_fails ("[{\"date\":\"2026-10-02\",\"name\":null}]", ANBU_HOLIDAY_ERROR_INVALID_JSON);
}

static void
test_json_rejects_empty_name (void)
{
  assert_load_fails ("[{\"date\":\"2026-10-02\",\"name\":\"  \"}]",
                     ANBU_HOLIDAY_ERROR_INVALID_NAME);
}

static void
test_json_rejects_duplicate_date (void)
{
  assert_load_fails ("[{\"date\":\"2026-10-02\",\"name\":\"a\"},"
                     "{\"date\":\"2026-10-02\",\"name\":\"b\"}]",
                     ANBU_HOLIDAY_ERROR_DUPLICATE);
}

static void
test_korean_names (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
      g_autoptr(GError) error = NULL;
      GDate date = day (2026, 10, 2);

      assert_holiday (calendar, 2025, 5, 5, "어린이날", "부처님 오신 날", NULL);
      assert_holiday (calendar, 2025, 6, 3, "임시공휴일(대통령선거)", NULL);
      assert_holiday (calendar, 2025, 10, 8, "대체공휴일(추석)", NULL);
      assert_holiday (calendar, 2026, 2, 16, "설날 전날", NULL);
      assert_holiday (calendar, 2026, 3, 2, "대체공휴일(3·1절)", NULL);
      assert_holiday (calendar, 2026, 6, 3, "전국동시지방선거", NULL);
      assert_holiday (calendar, 2026, 7, 17, "제헌절", NULL);
      assert_holiday (calendar, 2026, 12, 25, "기독탄신일", NULL);
      assert_holiday (calendar, 2028, 4, 12, "국회의원선거", NULL);

      g_assert_false (anbu_holiday_calendar_add_temporary (calendar, &date, "", &error));
      g_assert_cmpstr (error->message, ==, "공휴일 이름을 입력하세요.");
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

  g_test_add_func ("/anbu/holidays/facts-2025", test_facts_2025);
  g_test_add_func ("/anbu/holidays/facts-2026", test_facts_2026);
  g_test_add_func ("/anbu/holidays/facts-2027", test_facts_2027);
  g_test_add_func ("/anbu/holidays/list-year", test_list_year);
  g_test_add_func ("/anbu/holidays/kinds", test_kinds);
  g_test_add_func ("/anbu/holidays/rule-engine-matches-almanac", test_rule_engine_matches_almanac);
  g_test_add_func ("/anbu/holidays/estimated-years", test_estimated_years);
  g_test_add_func ("/anbu/holidays/temporary/at-run-time", test_temporary_at_run_time);
  g_test_add_func ("/anbu/holidays/temporary/outside-covered-years",
                   test_temporary_outside_covered_years);
  g_test_add_func ("/anbu/holidays/temporary/rejects-empty-name",
                   test_temporary_rejects_empty_name);
  g_test_add_func ("/anbu/holidays/temporary/rejects-long-name",
                   test_temporary_rejects_long_name);
  g_test_add_func ("/anbu/holidays/temporary/rejects-invalid-utf8",
                   test_temporary_rejects_invalid_utf8);
  g_test_add_func ("/anbu/holidays/temporary/name-is-one-clean-line",
                   test_temporary_name_is_one_clean_line);
  g_test_add_func ("/anbu/holidays/temporary/rejects-invalid-date",
                   test_temporary_rejects_invalid_date);
  g_test_add_func ("/anbu/holidays/json/round-trip", test_json_round_trip);
  g_test_add_func ("/anbu/holidays/json/ignores-unknown-members",
                   test_json_ignores_unknown_members);
  g_test_add_func ("/anbu/holidays/json/rejects-non-array", test_json_rejects_non_array);
  g_test_add_func ("/anbu/holidays/json/rejects-non-object-entry",
                   test_json_rejects_non_object_entry);
  g_test_add_func ("/anbu/holidays/json/rejects-missing-date", test_json_rejects_missing_date);
  g_test_add_func ("/anbu/holidays/json/rejects-bad-date", test_json_rejects_bad_date);
  g_test_add_func ("/anbu/holidays/json/rejects-missing-name", test_json_rejects_missing_name);
  g_test_add_func ("/anbu/holidays/json/rejects-empty-name", test_json_rejects_empty_name);
  g_test_add_func ("/anbu/holidays/json/rejects-duplicate-date", test_json_rejects_duplicate_date);
  g_test_add_func ("/anbu/holidays/korean-names", test_korean_names);

  return g_test_run ();
}
