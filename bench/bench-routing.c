/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Prints how long the holiday calendar and routing take: the server routes
 * every open alert again whenever a business-hours window opens or closes. */
#include "config.h"

#include <stdio.h>

#include "anbu-kst.h"
#include "anbu-routing.h"

static double
elapsed_ms (gint64 since)
{
  return (double) (g_get_monotonic_time () - since) / 1000.0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  g_autoptr(GDateTime) start = anbu_kst_new (2025, 1, 1, 0, 0, 0);
  const GTimeSpan step = 7 * G_TIME_SPAN_MINUTE;
  const GTimeSpan span = 3 * 365 * G_TIME_SPAN_DAY;
  guint n_decisions = 0, n_days = 0, n_holidays = 0, n_waiting = 0;
  gint64 t0;
  double ms;
  GDate date;

  /* The first lookup builds the table of official and estimated years. */
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 1, 1, 2026);
  t0 = g_get_monotonic_time ();
  anbu_holiday_calendar_is_holiday (calendar, &date);
  printf ("first lookup (builds 2020-2035): %.3f ms\n", elapsed_ms (t0));

  g_date_set_dmy (&date, 1, 1, 2020);
  t0 = g_get_monotonic_time ();
  for (; g_date_get_year (&date) <= 2035; g_date_add_days (&date, 1), n_days++)
    n_holidays += anbu_holiday_calendar_is_holiday (calendar, &date);
  ms = elapsed_ms (t0);
  printf ("%u day lookups (%u holiday days): %.3f ms, %.0f ns each\n",
          n_days, n_holidays, ms, ms * 1e6 / n_days);

  t0 = g_get_monotonic_time ();
  for (GTimeSpan offset = 0; offset < span; offset += step, n_decisions++)
    {
      g_autoptr(GDateTime) moment = g_date_time_add (start, offset);
      g_autoptr(AnbuRoutingDecision) decision =
        anbu_routing_decide (calendar, moment, n_decisions % 2 == 0);

      n_waiting += decision->waits;
    }
  ms = elapsed_ms (t0);
  printf ("%u routing decisions (every 7 min, 2025-2027; %u waiting): %.1f ms, %.2f us each\n",
          n_decisions, n_waiting, ms, ms * 1000.0 / n_decisions);

  return 0;
}
