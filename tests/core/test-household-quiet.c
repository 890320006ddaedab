/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>

#include <glib/gi18n-lib.h>

#include "anbu-household-summary.h"
#include "anbu-test-locale.h"

/* One computation of a household's quiet hours for every view
 * (anbu_household_facts_*): the signal card, the list row and the page. */

#define HOUR G_TIME_SPAN_HOUR
#define NOW ((gint64) 1795000000 * G_USEC_PER_SEC)

static void
test_quiet_since (void)
{
  /* An open signal's quiet start decides, even when a plug saw (staff) activity later. */
  AnbuHouseholdFacts signal = { .quiet_since = NOW - 30 * HOUR, .last_activity_at = NOW - 28 * HOUR,
                                .threshold_hours = 24 };
  /* No signal: the plugs' latest activity. */
  AnbuHouseholdFacts quiet = { .last_activity_at = NOW - 47 * HOUR, .threshold_hours = 36 };
  AnbuHouseholdFacts never = { .threshold_hours = 24 };

  g_assert_cmpint (anbu_household_facts_get_quiet_since (&signal), ==, NOW - 30 * HOUR);
  g_assert_cmpint (anbu_household_facts_get_quiet_since (&quiet), ==, NOW - 47 * HOUR);
  g_assert_cmpint (anbu_household_facts_get_quiet_since (&never), ==, 0);
  g_assert_null (anbu_household_facts_describe_quiet (&never, NOW));
}

static void
assert_texts (const AnbuHouseholdFacts *facts,
              gint64                    now,
              const char               *quiet,
              const char               *last_activity)
{
  g_autofree char *q = anbu_household_facts_describe_quiet (facts, now);
  g_autofree char *a = anbu_household_facts_describe_last_activity (facts, now);

  g_assert_cmpstr (q, ==, quiet);
  g_assert_cmpstr (a, ==, last_activity);
}

static void
test_describe_korean (void)
{
  if (g_test_subprocess ())
    {
      AnbuHouseholdFacts facts = { .last_activity_at = NOW - 47 * HOUR - 50 * G_TIME_SPAN_MINUTE,
                                   .threshold_hours = 36 };
      AnbuHouseholdFacts recent = { .last_activity_at = NOW - 5 * G_TIME_SPAN_MINUTE, .threshold_hours = 24 };
      AnbuHouseholdFacts never = { .threshold_hours = 24 };

      /* Hours beside hours: never "1일 전" beside "47시간째". */
      assert_texts (&facts, NOW, "47시간째 활동 없음 · 기준 36시간", "마지막 활동 47시간 전");
      assert_texts (&recent, NOW, "5분째 활동 없음 · 기준 24시간", "마지막 활동 5분 전");
      assert_texts (&never, NOW, NULL, "활동 기록 없음");
      return;
    }
  anbu_test_run_in_child_with ("LANGUAGE", "ko");
}

static void
test_describe_english (void)
{
  AnbuHouseholdFacts facts = { .quiet_since = NOW - 60 * HOUR, .last_activity_at = NOW - 55 * HOUR,
                               .threshold_hours = 24 };

  assert_texts (&facts, NOW, "quiet for 60 hours · threshold 24 h", "Last activity 60 hours ago");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  anbu_test_init_locale ();

  g_test_add_func ("/anbu/household-quiet/quiet-since", test_quiet_since);
  g_test_add_func ("/anbu/household-quiet/describe-english", test_describe_english);
  g_test_add_func ("/anbu/household-quiet/describe-korean", test_describe_korean);
  return g_test_run ();
}
