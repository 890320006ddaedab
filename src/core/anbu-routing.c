/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-routing"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-kst.h"
#include "anbu-routing.h"

/* How far ahead to look for a business day before giving up: only a calendar
 * with years of declared holidays could get there. */
#define BUSINESS_DAY_SEARCH_LIMIT (10 * 366)

G_DEFINE_BOXED_TYPE (AnbuRoutingDecision, anbu_routing_decision,
                     anbu_routing_decision_copy, anbu_routing_decision_free)

static GDateTime *
business_hours_start_of (const GDate *date)
{
  return anbu_kst_new_from_date (date, ANBU_BUSINESS_HOURS_START, 0);
}

static GDateTime *
business_hours_end_of (const GDate *date)
{
  return anbu_kst_new_from_date (date, ANBU_BUSINESS_HOURS_END, 0);
}

AnbuRoutingDecision *
anbu_routing_decision_copy (const AnbuRoutingDecision *decision)
{
  AnbuRoutingDecision *copy;

  g_return_val_if_fail (decision != NULL, NULL);

  copy = g_memdup2 (decision, sizeof *decision);
  if (decision->next_change != NULL)
    copy->next_change = g_date_time_ref (decision->next_change);
  return copy;
}

void
anbu_routing_decision_free (AnbuRoutingDecision *decision)
{
  if (decision == NULL)
    return;
  g_clear_pointer (&decision->next_change, g_date_time_unref);
  g_free (decision);
}

/**
 * anbu_routing_decision_describe:
 *
 * Returns: (transfer full): one translated line for the alert view:
 *   "동주민센터 담당 · 2026년 11월 24일 (화) 오후 6:00까지".
 */
char *
anbu_routing_decision_describe (const AnbuRoutingDecision *decision)
{
  g_autofree char *until = NULL;

  g_return_val_if_fail (decision != NULL, NULL);

  if (decision->next_change == NULL)
    return g_strdup (decision->waits ? _("Waiting for the community centre")
                                     : anbu_alert_responder_to_label (decision->responder));

  until = anbu_kst_format_date_time (decision->next_change);
  if (decision->waits)
    /* Translators: %s is when the community centre opens, e.g. "Mon, Nov 30, 2026, 9:00 AM". */
    return g_strdup_printf (_("Waiting for the community centre until %s"), until);
  if (decision->responder == ANBU_ALERT_RESPONDER_CONTROL)
    /* Translators: %s is when the control centre hands over, a date and time. */
    return g_strdup_printf (_("Control centre until %s"), until);
  /* Translators: %s is when business hours end, a date and time. */
  return g_strdup_printf (_("Community centre until %s"), until);
}

/**
 * anbu_routing_is_business_day:
 * @date: a day in Korea
 *
 * Returns: whether @date is neither a Saturday, a Sunday nor a holiday.
 */
gboolean
anbu_routing_is_business_day (AnbuHolidayCalendar *calendar,
                              const GDate         *date)
{
  GDateWeekday weekday;

  g_return_val_if_fail (ANBU_IS_HOLIDAY_CALENDAR (calendar), FALSE);
  g_return_val_if_fail (date != NULL && g_date_valid (date), FALSE);

  weekday = g_date_get_weekday (date);
  if (weekday == G_DATE_SATURDAY || weekday == G_DATE_SUNDAY)
    return FALSE;
  return !anbu_holiday_calendar_is_holiday (calendar, date);
}

/**
 * anbu_routing_is_business_hours:
 * @moment: a moment in any zone
 *
 * Returns: whether @moment lies in 09:00–18:00 KST (09:00 in, 18:00 out) of
 *   a business day.
 */
gboolean
anbu_routing_is_business_hours (AnbuHolidayCalendar *calendar,
                                GDateTime           *moment)
{
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;
  GDate date;

  g_return_val_if_fail (ANBU_IS_HOLIDAY_CALENDAR (calendar), FALSE);
  g_return_val_if_fail (moment != NULL, FALSE);

  anbu_kst_get_date (moment, &date);
  if (!anbu_routing_is_business_day (calendar, &date))
    return FALSE;

  start = business_hours_start_of (&date);
  end = business_hours_end_of (&date);
  return g_date_time_compare (moment, start) >= 0 && g_date_time_compare (moment, end) < 0;
}

/**
 * anbu_routing_next_business_start:
 * @moment: a moment in any zone
 *
 * The moment a signal held overnight reaches the community centre.
 *
 * Returns: (transfer full) (nullable): the first 09:00 KST of a business
 *   day strictly after @moment (in KST), or %NULL if there is none within
 *   ten years.
 */
GDateTime *
anbu_routing_next_business_start (AnbuHolidayCalendar *calendar,
                                  GDateTime           *moment)
{
  GDate date;

  g_return_val_if_fail (ANBU_IS_HOLIDAY_CALENDAR (calendar), NULL);
  g_return_val_if_fail (moment != NULL, NULL);

  anbu_kst_get_date (moment, &date);
  for (guint step = 0; step < BUSINESS_DAY_SEARCH_LIMIT; step++, g_date_add_days (&date, 1))
    {
      g_autoptr(GDateTime) start = NULL;

      if (!anbu_routing_is_business_day (calendar, &date))
        continue;
      start = business_hours_start_of (&date);
      if (g_date_time_compare (start, moment) > 0)
        return g_steal_pointer (&start);
    }

  g_warning ("No business day within ten years of the routed moment");
  return NULL;
}

/**
 * anbu_routing_decide:
 * @calendar: the holidays to route by
 * @moment: the moment to route (any zone; business hours are KST)
 * @night_consent: whether the household consented to night and holiday
 *   monitoring by the control centre (야간·공휴일 관제 동의)
 *
 * In business hours the community centre (동주민센터) answers until 18:00.
 * Outside them the control centre (관제센터) answers for consenting
 * households until the next business morning; for the others the signal
 * waits, flagged, for the community centre's next business morning.
 *
 * Returns: (transfer full): the decision.
 */
AnbuRoutingDecision *
anbu_routing_decide (AnbuHolidayCalendar *calendar,
                     GDateTime           *moment,
                     gboolean             night_consent)
{
  AnbuRoutingDecision *decision;

  g_return_val_if_fail (ANBU_IS_HOLIDAY_CALENDAR (calendar), NULL);
  g_return_val_if_fail (moment != NULL, NULL);

  decision = g_new0 (AnbuRoutingDecision, 1);

  if (anbu_routing_is_business_hours (calendar, moment))
    {
      GDate date;

      anbu_kst_get_date (moment, &date);
      decision->responder = ANBU_ALERT_RESPONDER_DONG;
      decision->business_hours = TRUE;
      decision->waits = FALSE;
      decision->next_change = business_hours_end_of (&date);
    }
  else
    {
      decision->responder = night_consent ? ANBU_ALERT_RESPONDER_CONTROL
                                          : ANBU_ALERT_RESPONDER_DONG;
      decision->business_hours = FALSE;
      decision->waits = !night_consent;
      decision->next_change = anbu_routing_next_business_start (calendar, moment);
    }

  return decision;
}
