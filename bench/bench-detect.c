/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Detector throughput over 100,000 households: readings through the activity
 * detector followed by the fixed and routine rules (what ingest does per
 * reading), a timer pass of both rules over every household, and the daily
 * profile relearning. Prints figures; not a test. */
#include "config.h"

#include <stdio.h>

#include "anbu-activity-detector.h"
#include "anbu-inactivity.h"
#include "anbu-routine-detector.h"

#define HOUSEHOLDS 100000
#define READINGS_PER_HOUSEHOLD 60
#define DAY0 ((gint64) 1793545200) /* 2026-11-02 00:00 KST */

static gboolean
learn_day_off (gint64   local_midnight,
               gpointer calendar)
{
  AnbuRoutineParams params;

  anbu_routine_params_init_default (&params);
  return anbu_routine_is_day_off (calendar, &params, local_midnight);
}

static gboolean
learn_workday (gint64   local_midnight,
               gpointer calendar)
{
  return !learn_day_off (local_midnight, calendar);
}

int
main (void)
{
  AnbuActivityParams activity;
  AnbuInactivityParams fixed;
  AnbuRoutineParams routine;
  AnbuRoutineProfile profile;
  g_autofree AnbuActivityDetector *detectors = g_new0 (AnbuActivityDetector, HOUSEHOLDS);
  g_autofree gint64 *last_activity = g_new (gint64, HOUSEHOLDS);
  g_autofree AnbuActivityKind *last_kind = g_new0 (AnbuActivityKind, HOUSEHOLDS);
  g_autoptr(GArray) history = g_array_new (FALSE, FALSE, sizeof (AnbuActivityEvent));
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  gint64 now = DAY0 + 28 * 86400, started;
  guint64 events = 0, alarms = 0;
  double seconds;
  const guint learns = 20000;

  anbu_activity_params_init_default (&activity);
  anbu_inactivity_params_init_default (&fixed);
  anbu_routine_params_init_default (&routine);

  /* 28 days of a fairly regular person (5–9 events a day). */
  for (guint d = 0; d < 28; d++)
    for (guint i = 0, n = (guint) g_rand_int_range (rand, 5, 10); i < n; i++)
      {
        AnbuActivityEvent e = { DAY0 + (gint64) d * 86400 + (gint64) (6 + 17.0 * i / n) * 3600
                                + g_rand_int_range (rand, 0, 1800),
                                i % 2 ? ANBU_ACTIVITY_POWER_OFF : ANBU_ACTIVITY_POWER_ON, 80.0 };

        g_array_append_val (history, e);
      }
  anbu_routine_profile_learn (&profile, &routine, (AnbuActivityEvent *) history->data, history->len, NULL, 0,
                              now);
  for (guint h = 0; h < HOUSEHOLDS; h++)
    {
      anbu_activity_detector_init (&detectors[h]);
      last_activity[h] = now - g_rand_int_range (rand, 0, 20 * 3600);
    }

  /* Ingest: one reading per household per minute, household after household. */
  started = g_get_monotonic_time ();
  for (guint m = 0; m < READINGS_PER_HOUSEHOLD; m++)
    for (guint h = 0; h < HOUSEHOLDS; h++)
      {
        AnbuReading r = { now + m * 60 + (h % 60), (m / 20 + h) % 3 == 0 ? 85.0 : 1.5,
                          (m / 30 + h) % 4 == 0 ? 150.0 : 2.0 };
        AnbuActivityEvent out[ANBU_ACTIVITY_MAX_EVENTS], last = { 0, ANBU_ACTIVITY_POWER_ON, 0.0 };
        guint n = anbu_activity_detector_feed (&detectors[h], &activity, &r, out);
        AnbuQuietFacts facts = { last_activity[h], r.ts, 0, NULL, 0 };
        AnbuInactivityVerdict verdict;

        if (n > 0)
          {
            last_activity[h] = facts.last_activity_at = r.ts;
            last_kind[h] = out[n - 1].kind;
          }
        events += n;
        anbu_inactivity_evaluate (&facts, &fixed, r.ts, &verdict);
        last.ts = last_activity[h];
        last.kind = last_kind[h];
        alarms += verdict.inactive
                  || r.ts >= anbu_routine_profile_watch_at (&profile, &routine,
                                                            verdict.quiet_since, &last);
      }
  seconds = (g_get_monotonic_time () - started) / 1e6;
  printf ("detector updates (reading → activity → fixed + routine rules): %.0f /s "
          "(%d households × %d readings in %.2f s; %" G_GUINT64_FORMAT " events, %"
          G_GUINT64_FORMAT " alarm checks true)\n",
          (double) HOUSEHOLDS * READINGS_PER_HOUSEHOLD / seconds, HOUSEHOLDS,
          READINGS_PER_HOUSEHOLD, seconds, events, alarms);

  /* The same with a machine on every plug: a thermostat on the strip
   * (30 min period, 10 min on, 120 W) next to the appliance, and light
   * clouds on a sunlit sensor every few minutes: the learning paths. */
  for (guint h = 0; h < HOUSEHOLDS; h++)
    anbu_activity_detector_init (&detectors[h]);
  events = 0;
  started = g_get_monotonic_time ();
  for (guint m = 0; m < 3 * READINGS_PER_HOUSEHOLD; m++)
    for (guint h = 0; h < HOUSEHOLDS; h++)
      {
        gint64 ts = now + 12 * 3600 + m * 60 + (h % 60);
        double watts = ((m / 20 + h) % 3 == 0 ? 85.0 : 1.5) + ((m + h) % 30 < 10 ? 120.0 : 0.0);
        double lux = (m / 4 + h) % 3 == 0 ? 3000.0 : 20000.0;
        AnbuReading r = { ts, watts, lux };
        AnbuActivityEvent out[ANBU_ACTIVITY_MAX_EVENTS];

        events += anbu_activity_detector_feed (&detectors[h], &activity, &r, out);
      }
  seconds = (g_get_monotonic_time () - started) / 1e6;
  printf ("activity detector alone, a thermostat and a sunlit sensor on every plug: %.0f updates/s "
          "(%d households × %d readings in %.2f s; %" G_GUINT64_FORMAT " events)\n",
          (double) HOUSEHOLDS * 3 * READINGS_PER_HOUSEHOLD / seconds, HOUSEHOLDS,
          3 * READINGS_PER_HOUSEHOLD, seconds, events);

  /* Timer pass: both rules over every household at one moment. */
  started = g_get_monotonic_time ();
  alarms = 0;
  for (guint h = 0; h < HOUSEHOLDS; h++)
    {
      AnbuQuietFacts facts = { last_activity[h], now + 3600, 0, NULL, 0 };
      AnbuInactivityVerdict verdict;
      AnbuRoutineVerdict watch;

      anbu_inactivity_evaluate (&facts, &fixed, now + 3600, &verdict);
      AnbuActivityEvent last = { last_activity[h], last_kind[h], 0.0 };

      anbu_routine_evaluate (&profile, &routine, &facts, &last, now + 3600, &watch);
      alarms += verdict.inactive || watch.watch;
    }
  seconds = (g_get_monotonic_time () - started) / 1e6;
  printf ("timer pass over %d households (fixed + routine): %.1f ms\n", HOUSEHOLDS,
          seconds * 1000.0);

  /* Daily relearning of the routine profile. */
  started = g_get_monotonic_time ();
  for (guint i = 0; i < learns; i++)
    anbu_routine_profile_learn (&profile, &routine, (AnbuActivityEvent *) history->data, history->len,
                                NULL, 0, now);
  seconds = (g_get_monotonic_time () - started) / 1e6;
  printf ("routine profile learning (28 days of history, %u events): %.0f households/s "
          "(%.1f s for %d households)\n",
          history->len, learns / seconds, HOUSEHOLDS / (learns / seconds), HOUSEHOLDS);

  /* The option of issue 13: workdays and days off learned apart, two more
   * profiles a night (the holiday calendar decides the days off). */
  {
    g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
    AnbuRoutineProfile workday, day_off;

    started = g_get_monotonic_time ();
    for (guint i = 0; i < learns / 2; i++)
      {
        anbu_routine_profile_learn_days (&workday, &routine, (AnbuActivityEvent *) history->data,
                                         history->len, NULL, 0, now, learn_workday, calendar);
        anbu_routine_profile_learn_days (&day_off, &routine, (AnbuActivityEvent *) history->data,
                                         history->len, NULL, 0, now, learn_day_off, calendar);
      }
    seconds = (g_get_monotonic_time () - started) / 1e6;
    printf ("routine profiles of workdays and days off (the option): %.0f households/s "
            "(%.1f s for %d households, on top of the pooled profile)\n",
            (learns / 2) / seconds, HOUSEHOLDS / ((learns / 2) / seconds), HOUSEHOLDS);
  }
  return 0;
}
