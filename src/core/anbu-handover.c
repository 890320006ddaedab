/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-handover"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-csv-writer.h"
#include "anbu-handover.h"
#include "anbu-kst.h"
#include "anbu-routing.h"

/* How far back to look for the business day before a hand-over: a calendar
 * with months of declared holidays is already absurd. */
#define BUSINESS_DAY_SEARCH_LIMIT 366

static void
handover_case_free (gpointer data)
{
  AnbuHandoverCase *handover_case = data;

  g_free (handover_case->alert_id);
  g_free (handover_case->household_id);
  g_free (handover_case->household_name);
  g_free (handover_case->open_reason);
  g_free (handover_case);
}

static void
handover_contact_free (gpointer data)
{
  AnbuHandoverContact *contact = data;

  g_free (contact->household_id);
  g_free (contact->household_name);
  g_free (contact->alert_id);
  g_free (contact->channel);
  g_free (contact->outcome);
  g_free (contact->notes);
  g_free (contact);
}

void
anbu_handover_free (AnbuHandover *handover)
{
  if (handover == NULL)
    return;
  g_free (handover->dong_code);
  g_free (handover->dong_name);
  g_clear_pointer (&handover->cases, g_ptr_array_unref);
  g_clear_pointer (&handover->contacts, g_ptr_array_unref);
  g_free (handover);
}

static gint64
kst_usec (const GDate *date,
          gint         hour)
{
  g_autoptr(GDateTime) moment = anbu_kst_new_from_date (date, hour, 0);

  return g_date_time_to_unix (moment) * G_USEC_PER_SEC;
}

/**
 * anbu_handover_night_of:
 * @day: the business day of the hand-over
 * @from: (out): 18:00 KST of the business day before @day
 * @to: (out): 09:00 KST of @day
 *
 * Returns: %FALSE if @day is not a business day (no hand-over happens on it)
 *   or no business day precedes it within a year.
 */
gboolean
anbu_handover_night_of (AnbuHolidayCalendar *calendar,
                        const GDate         *day,
                        gint64              *from,
                        gint64              *to)
{
  GDate before;

  g_return_val_if_fail (ANBU_IS_HOLIDAY_CALENDAR (calendar), FALSE);
  g_return_val_if_fail (day != NULL && g_date_valid (day), FALSE);

  if (!anbu_routing_is_business_day (calendar, day))
    return FALSE;

  before = *day;
  for (guint step = 0; step < BUSINESS_DAY_SEARCH_LIMIT; step++)
    {
      g_date_subtract_days (&before, 1);
      if (!anbu_routing_is_business_day (calendar, &before))
        continue;
      *from = kst_usec (&before, ANBU_BUSINESS_HOURS_END);
      *to = kst_usec (day, ANBU_BUSINESS_HOURS_START);
      return TRUE;
    }
  return FALSE;
}

/**
 * anbu_handover_latest_day:
 * @now: µs UTC
 * @day: (out): the business day of the latest hand-over at or before @now
 *
 * Returns: %FALSE if there was none within a year.
 */
gboolean
anbu_handover_latest_day (AnbuHolidayCalendar *calendar,
                          gint64               now,
                          GDate               *day)
{
  g_autoptr(GDateTime) moment = NULL;
  GDate date;

  g_return_val_if_fail (ANBU_IS_HOLIDAY_CALENDAR (calendar), FALSE);

  moment = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC);
  anbu_kst_get_date (moment, &date);
  for (guint step = 0; step < BUSINESS_DAY_SEARCH_LIMIT; step++, g_date_subtract_days (&date, 1))
    {
      if (anbu_routing_is_business_day (calendar, &date)
          && kst_usec (&date, ANBU_BUSINESS_HOURS_START) <= now)
        {
          *day = date;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
in_night (const AnbuHandover *handover,
          gint64              at)
{
  return at >= handover->from && at < handover->to;
}

static char *
open_reason (const AnbuHandoverCase *handover_case,
             const AnbuContact      *last_contact,
             guint                   n_no_answer)
{
  if (handover_case->state == ANBU_ALERT_STATE_DISPATCHED)
    return g_strdup (_("Dispatched to 112/119; what they found is not recorded yet"));
  if (!handover_case->night_consent)
    return g_strdup (_("No night consent: the signal waited for the community centre"));
  if (last_contact == NULL)
    return g_strdup (handover_case->n_contacts > 0 ? _("Visited; the signal is still open")
                                                   : _("No contact was recorded during the night"));
  switch (last_contact->outcome)
    {
    case ANBU_CONTACT_OUTCOME_NO_ANSWER:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "No answer (%u attempt)", "No answer (%u attempts)",
                                           n_no_answer),
                              n_no_answer);
    case ANBU_CONTACT_OUTCOME_WRONG_NUMBER:
      return g_strdup (_("The phone number did not work: check it"));
    case ANBU_CONTACT_OUTCOME_REACHED_SAFE:
    case ANBU_CONTACT_OUTCOME_VISITED_SAFE:
      return g_strdup (_("Found safe, but the signal was not closed"));
    default:
      return g_strdup (_("Contacted; the signal is still open"));
    }
}

static int
compare_cases (gconstpointer a,
               gconstpointer b)
{
  const AnbuHandoverCase *ca = *(AnbuHandoverCase **) a;
  const AnbuHandoverCase *cb = *(AnbuHandoverCase **) b;

  if (ca->raised_at != cb->raised_at)
    return ca->raised_at < cb->raised_at ? -1 : 1;
  return g_strcmp0 (ca->alert_id, cb->alert_id);
}

static int
compare_contacts (gconstpointer a,
                  gconstpointer b)
{
  const AnbuHandoverContact *ca = *(AnbuHandoverContact **) a;
  const AnbuHandoverContact *cb = *(AnbuHandoverContact **) b;

  if (ca->at != cb->at)
    return ca->at < cb->at ? -1 : 1;
  return g_strcmp0 (ca->household_id, cb->household_id);
}

static AnbuHandoverCase *
build_case (const AnbuHandover *handover,
            const AnbuAlert    *alert,
            const AnbuHousehold *household,
            GPtrArray          *contacts,
            GPtrArray          *visits)
{
  AnbuHandoverCase *handover_case = g_new0 (AnbuHandoverCase, 1);
  const AnbuContact *last_contact = NULL;
  guint n_no_answer = 0;

  handover_case->alert_id = g_strdup (alert->id);
  handover_case->household_id = g_strdup (alert->household_id);
  handover_case->household_name = g_strdup (household->name);
  handover_case->night_consent = household->night_consent;
  handover_case->kind = alert->kind;
  handover_case->level = alert->level;
  handover_case->raised_at = alert->raised_at;
  handover_case->dispatch_outcome = ANBU_DISPATCH_OUTCOME_NONE;
  handover_case->resolution = ANBU_ALERT_RESOLUTION_NONE;

  for (guint i = 0; contacts != NULL && i < contacts->len; i++)
    {
      const AnbuContact *contact = g_ptr_array_index (contacts, i);

      if (g_strcmp0 (contact->alert_id, alert->id) != 0 || !in_night (handover, contact->at))
        continue;
      handover_case->n_contacts++;
      if (last_contact == NULL || contact->at >= last_contact->at)
        last_contact = contact;
      if (contact->outcome == ANBU_CONTACT_OUTCOME_NO_ANSWER)
        n_no_answer++;
    }
  for (guint i = 0; visits != NULL && i < visits->len; i++)
    {
      const AnbuVisit *visit = g_ptr_array_index (visits, i);

      if (g_strcmp0 (visit->alert_id, alert->id) == 0 && in_night (handover, visit->at))
        handover_case->n_contacts++;
    }

  if (alert->dispatched_at != 0 && in_night (handover, alert->dispatched_at))
    handover_case->dispatched_at = alert->dispatched_at;

  /* The state at the hand-over, from the times the record keeps: a signal
   * resolved at 10:00 was still open when the community centre took it. */
  if (alert->closed_at != 0 && alert->closed_at <= handover->to)
    {
      handover_case->state = ANBU_ALERT_STATE_RESOLVED;
      handover_case->resolution = alert->resolution;
      handover_case->closed_at = alert->closed_at;
      if (alert->dispatched_at != 0)
        handover_case->dispatch_outcome = alert->dispatch_outcome;
    }
  else if (alert->dispatched_at != 0 && alert->dispatched_at <= handover->to)
    handover_case->state = ANBU_ALERT_STATE_DISPATCHED;
  else if (alert->acknowledged_at != 0 && alert->acknowledged_at <= handover->to)
    handover_case->state = ANBU_ALERT_STATE_ACKNOWLEDGED;
  else
    handover_case->state = ANBU_ALERT_STATE_OPEN;

  if (handover_case->state != ANBU_ALERT_STATE_RESOLVED)
    handover_case->open_reason = open_reason (handover_case, last_contact, n_no_answer);
  return handover_case;
}

/**
 * anbu_handover_build:
 * @day: the business day of the hand-over (see anbu_handover_latest_day())
 * @dong_code: the 동 whose households it covers
 * @households: (element-type AnbuHousehold): at least the 동's households
 * @alerts: (element-type AnbuAlert): signals (any households)
 * @contacts: (element-type AnbuContact) (nullable): contacts
 * @visits: (element-type AnbuVisit) (nullable): visits
 *
 * The night's record: every signal of the 동's households that was open at
 * some moment of the night (raised before the hand-over and not closed
 * before the night began), with the night's contacts, dispatch and state at
 * the hand-over; and every contact and visit of the night, with or without
 * a signal.
 *
 * Returns: (transfer full) (nullable): the record, or %NULL if @day is not
 *   a business day.
 */
AnbuHandover *
anbu_handover_build (AnbuHolidayCalendar *calendar,
                     const GDate         *day,
                     const char          *dong_code,
                     GPtrArray           *households,
                     GPtrArray           *alerts,
                     GPtrArray           *contacts,
                     GPtrArray           *visits)
{
  g_autoptr(AnbuHandover) handover = g_new0 (AnbuHandover, 1);
  g_autoptr(GHashTable) in_dong = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (ANBU_IS_HOLIDAY_CALENDAR (calendar), NULL);
  g_return_val_if_fail (dong_code != NULL, NULL);
  g_return_val_if_fail (households != NULL && alerts != NULL, NULL);

  handover->cases = g_ptr_array_new_with_free_func (handover_case_free);
  handover->contacts = g_ptr_array_new_with_free_func (handover_contact_free);
  handover->dong_code = g_strdup (dong_code);
  handover->day = *day;
  if (!anbu_handover_night_of (calendar, day, &handover->from, &handover->to))
    return NULL;

  for (guint i = 0; i < households->len; i++)
    {
      AnbuHousehold *household = g_ptr_array_index (households, i);

      if (g_strcmp0 (household->dong_code, dong_code) != 0)
        continue;
      g_hash_table_insert (in_dong, household->id, household);
      if (handover->dong_name == NULL && household->dong_name != NULL)
        handover->dong_name = g_strdup (household->dong_name);
    }

  for (guint i = 0; i < alerts->len; i++)
    {
      const AnbuAlert *alert = g_ptr_array_index (alerts, i);
      AnbuHousehold *household = g_hash_table_lookup (in_dong, alert->household_id);
      AnbuHandoverCase *handover_case;

      if (household == NULL || alert->raised_at >= handover->to
          || (alert->closed_at != 0 && alert->closed_at < handover->from))
        continue;
      handover_case = build_case (handover, alert, household, contacts, visits);
      if (handover_case->raised_at >= handover->from)
        handover->n_raised++;
      if (handover_case->dispatched_at != 0)
        handover->n_dispatches++;
      if (handover_case->state != ANBU_ALERT_STATE_RESOLVED)
        handover->n_open++;
      g_ptr_array_add (handover->cases, handover_case);
    }
  g_ptr_array_sort (handover->cases, compare_cases);

  for (guint i = 0; contacts != NULL && i < contacts->len; i++)
    {
      const AnbuContact *contact = g_ptr_array_index (contacts, i);
      AnbuHousehold *household = g_hash_table_lookup (in_dong, contact->household_id);
      AnbuHandoverContact *row;

      if (household == NULL || !in_night (handover, contact->at))
        continue;
      row = g_new0 (AnbuHandoverContact, 1);
      row->household_id = g_strdup (household->id);
      row->household_name = g_strdup (household->name);
      row->alert_id = g_strdup (contact->alert_id);
      row->at = contact->at;
      row->channel = g_strdup (anbu_contact_channel_to_label (contact->channel));
      row->outcome = g_strdup (anbu_contact_outcome_to_label (contact->outcome));
      row->notes = g_strdup (contact->notes);
      g_ptr_array_add (handover->contacts, row);
    }
  for (guint i = 0; visits != NULL && i < visits->len; i++)
    {
      const AnbuVisit *visit = g_ptr_array_index (visits, i);
      AnbuHousehold *household = g_hash_table_lookup (in_dong, visit->household_id);
      AnbuHandoverContact *row;

      if (household == NULL || !in_night (handover, visit->at))
        continue;
      row = g_new0 (AnbuHandoverContact, 1);
      row->household_id = g_strdup (household->id);
      row->household_name = g_strdup (household->name);
      row->alert_id = g_strdup (visit->alert_id);
      row->at = visit->at;
      row->channel = g_strdup (anbu_contact_channel_to_label (ANBU_CONTACT_CHANNEL_VISIT));
      row->outcome = g_strdup (visit->outcome != NULL ? visit->outcome : "");
      row->notes = g_strdup (visit->notes);
      g_ptr_array_add (handover->contacts, row);
    }
  g_ptr_array_sort (handover->contacts, compare_contacts);

  return g_steal_pointer (&handover);
}

/* Nothing happened in the night: no reason to interrupt the planner. */
gboolean
anbu_handover_is_empty (const AnbuHandover *handover)
{
  g_return_val_if_fail (handover != NULL, TRUE);
  return handover->cases->len == 0 && handover->contacts->len == 0;
}

/* "2026-11-24": names the hand-over (what the planner acknowledged). */
char *
anbu_handover_dup_day_key (const AnbuHandover *handover)
{
  g_return_val_if_fail (handover != NULL, NULL);
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&handover->day),
                          g_date_get_month (&handover->day), g_date_get_day (&handover->day));
}

static char *
format_usec (gint64 usec)
{
  g_autoptr(GDateTime) moment = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return anbu_kst_format_date_time (moment);
}

static char *
format_usec_plain (gint64 usec)
{
  g_autoptr(GDateTime) moment = NULL;
  g_autoptr(GDateTime) kst = NULL;

  if (usec == 0)
    return g_strdup ("");
  moment = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  kst = anbu_kst_to_kst (moment);
  return g_date_time_format (kst, "%Y-%m-%d %H:%M");
}

char *
anbu_handover_describe_night (const AnbuHandover *handover)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  g_return_val_if_fail (handover != NULL, NULL);
  from = format_usec (handover->from);
  to = format_usec (handover->to);
  /* Translators: the night a hand-over covers: two dates with times. */
  return g_strdup_printf (_("%s – %s"), from, to);
}

char *
anbu_handover_describe_counts (const AnbuHandover *handover)
{
  g_return_val_if_fail (handover != NULL, NULL);
  /* Translators: the night's figures; each %u is a count. */
  return g_strdup_printf (_("Signals raised: %u · Checks: %u · Dispatches: %u · Still open: %u"),
                          handover->n_raised, handover->contacts->len, handover->n_dispatches,
                          handover->n_open);
}

static char *
describe_state (const AnbuHandoverCase *handover_case)
{
  if (handover_case->state == ANBU_ALERT_STATE_RESOLVED)
    {
      const char *label = anbu_alert_resolution_to_label (handover_case->resolution);

      if (handover_case->dispatch_outcome != ANBU_DISPATCH_OUTCOME_NONE)
        /* Translators: a signal closed in the night: its outcome, then what the dispatch found. */
        return g_strdup_printf (_("Closed: %s (dispatch: %s)"), label,
                                anbu_dispatch_outcome_to_label (handover_case->dispatch_outcome));
      /* Translators: a signal closed in the night, with its outcome. */
      return g_strdup_printf (_("Closed: %s"), label);
    }
  /* Translators: a signal open at the hand-over: its state, then why it is still open. */
  return g_strdup_printf (_("%s: %s"), anbu_alert_state_to_label (handover_case->state),
                          handover_case->open_reason);
}

/* One line under the household's name: level, when raised, contacts,
 * dispatch, state at the hand-over. */
char *
anbu_handover_describe_case (const AnbuHandoverCase *handover_case)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *raised = NULL;
  g_autofree char *state = NULL;

  g_return_val_if_fail (handover_case != NULL, NULL);

  raised = format_usec (handover_case->raised_at);
  /* Translators: level and kind of a signal, and when it was raised. */
  g_string_append_printf (text, _("%s · %s · raised %s"), anbu_alert_level_to_label (handover_case->level),
                          anbu_alert_kind_to_label (handover_case->kind), raised);
  g_string_append (text, " · ");
  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u check", "%u checks", handover_case->n_contacts),
                          handover_case->n_contacts);
  if (handover_case->dispatched_at != 0)
    {
      g_autofree char *dispatched = format_usec (handover_case->dispatched_at);

      g_string_append (text, " · ");
      /* Translators: when police or fire were sent. */
      g_string_append_printf (text, _("dispatched %s"), dispatched);
    }
  state = describe_state (handover_case);
  g_string_append (text, "\n");
  g_string_append (text, state);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * anbu_handover_to_csv:
 *
 * Returns: (transfer full): the record as CSV for Excel (anbu-csv-writer.h):
 *   a title row, the signals, then the night's checks.
 */
GBytes *
anbu_handover_to_csv (const AnbuHandover *handover)
{
  g_autoptr(AnbuCsvWriter) writer = anbu_csv_writer_new ();
  g_autofree char *night = NULL;

  g_return_val_if_fail (handover != NULL, NULL);

  night = anbu_handover_describe_night (handover);
  anbu_csv_writer_add_text (writer, _("Night hand-over"));
  anbu_csv_writer_add_text (writer, handover->dong_name != NULL ? handover->dong_name : handover->dong_code);
  anbu_csv_writer_add_text (writer, handover->dong_code);
  anbu_csv_writer_add_text (writer, night);
  anbu_csv_writer_end_row (writer);

  anbu_csv_writer_add_text (writer, _("Household"));
  anbu_csv_writer_add_text (writer, _("Raised"));
  anbu_csv_writer_add_text (writer, _("Level"));
  anbu_csv_writer_add_text (writer, _("Kind"));
  anbu_csv_writer_add_text (writer, _("Night consent"));
  anbu_csv_writer_add_text (writer, _("Checks"));
  anbu_csv_writer_add_text (writer, _("Dispatched"));
  anbu_csv_writer_add_text (writer, _("Dispatch outcome"));
  anbu_csv_writer_add_text (writer, _("State at hand-over"));
  anbu_csv_writer_add_text (writer, _("Outcome"));
  anbu_csv_writer_add_text (writer, _("Why still open"));
  anbu_csv_writer_end_row (writer);
  for (guint i = 0; i < handover->cases->len; i++)
    {
      const AnbuHandoverCase *handover_case = g_ptr_array_index (handover->cases, i);
      g_autofree char *raised = format_usec_plain (handover_case->raised_at);
      g_autofree char *dispatched = format_usec_plain (handover_case->dispatched_at);

      anbu_csv_writer_add_text (writer, handover_case->household_name);
      anbu_csv_writer_add_text (writer, raised);
      anbu_csv_writer_add_text (writer, anbu_alert_level_to_label (handover_case->level));
      anbu_csv_writer_add_text (writer, anbu_alert_kind_to_label (handover_case->kind));
      anbu_csv_writer_add_text (writer, handover_case->night_consent ? _("Yes") : _("No"));
      anbu_csv_writer_add_int (writer, handover_case->n_contacts);
      anbu_csv_writer_add_text (writer, dispatched);
      anbu_csv_writer_add_text (writer, handover_case->dispatch_outcome != ANBU_DISPATCH_OUTCOME_NONE
                                        ? anbu_dispatch_outcome_to_label (handover_case->dispatch_outcome) : "");
      anbu_csv_writer_add_text (writer, anbu_alert_state_to_label (handover_case->state));
      anbu_csv_writer_add_text (writer, handover_case->resolution != ANBU_ALERT_RESOLUTION_NONE
                                        ? anbu_alert_resolution_to_label (handover_case->resolution) : "");
      anbu_csv_writer_add_text (writer, handover_case->open_reason != NULL ? handover_case->open_reason : "");
      anbu_csv_writer_end_row (writer);
    }

  anbu_csv_writer_end_row (writer);
  anbu_csv_writer_add_text (writer, _("Time"));
  anbu_csv_writer_add_text (writer, _("Household"));
  anbu_csv_writer_add_text (writer, _("Channel"));
  anbu_csv_writer_add_text (writer, _("Outcome"));
  anbu_csv_writer_add_text (writer, _("Notes"));
  anbu_csv_writer_end_row (writer);
  for (guint i = 0; i < handover->contacts->len; i++)
    {
      const AnbuHandoverContact *contact = g_ptr_array_index (handover->contacts, i);
      g_autofree char *at = format_usec_plain (contact->at);

      anbu_csv_writer_add_text (writer, at);
      anbu_csv_writer_add_text (writer, contact->household_name);
      anbu_csv_writer_add_text (writer, contact->channel);
      anbu_csv_writer_add_text (writer, contact->outcome);
      anbu_csv_writer_add_text (writer, contact->notes != NULL ? contact->notes : "");
      anbu_csv_writer_end_row (writer);
    }

  return anbu_csv_writer_free_to_bytes (g_steal_pointer (&writer));
}
