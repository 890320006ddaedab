/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The morning hand-over (지난밤 관제 기록): the night it covers follows the
 * routing rules (business days, weekends, substitute holidays), and what it
 * lists agrees with the alerts, contacts and visits it is built from. */
#include "config.h"

#include <string.h>

#include "anbu-handover.h"
#include "anbu-kst.h"
#include "anbu-routing.h"
#include "anbu-test-locale.h"

#define DONG "1168064000"
#define OTHER_DONG "1168065000"

typedef struct
{
  AnbuHolidayCalendar *calendar;
  GPtrArray           *households;
  GPtrArray           *alerts;
  GPtrArray           *contacts;
  GPtrArray           *visits;
} Records;

/* µs UTC of a KST wall-clock time. */
static gint64
kst (gint year,
     gint month,
     gint day,
     gint hour,
     gint minute)
{
  g_autoptr(GDateTime) moment = anbu_kst_new (year, month, day, hour, minute, 0);

  return g_date_time_to_unix (moment) * G_USEC_PER_SEC;
}

static void
records_init (Records *records)
{
  records->calendar = anbu_holiday_calendar_new ();
  records->households = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_household_free);
  records->alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_alert_free);
  records->contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_contact_free);
  records->visits = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_visit_free);
}

static void
records_clear (Records *records)
{
  g_clear_object (&records->calendar);
  g_clear_pointer (&records->households, g_ptr_array_unref);
  g_clear_pointer (&records->alerts, g_ptr_array_unref);
  g_clear_pointer (&records->contacts, g_ptr_array_unref);
  g_clear_pointer (&records->visits, g_ptr_array_unref);
}

static void
add_household (Records    *records,
               const char *id,
               const char *dong_code,
               const char *name,
               gboolean    night_consent)
{
  AnbuHousehold *household = anbu_household_new ();

  household->id = g_strdup (id);
  household->dong_code = g_strdup (dong_code);
  household->dong_name = g_strdup (g_str_equal (dong_code, DONG) ? "역삼1동" : "역삼2동");
  household->name = g_strdup (name);
  household->night_consent = night_consent;
  g_ptr_array_add (records->households, household);
}

static AnbuAlert *
add_alert (Records    *records,
           const char *id,
           const char *household_id,
           gint64      raised_at)
{
  AnbuAlert *alert = anbu_alert_new ();

  alert->id = g_strdup (id);
  alert->household_id = g_strdup (household_id);
  alert->raised_at = raised_at;
  g_ptr_array_add (records->alerts, alert);
  return alert;
}

static void
resolve (AnbuAlert          *alert,
         gint64              closed_at,
         AnbuAlertResolution resolution)
{
  alert->state = ANBU_ALERT_STATE_RESOLVED;
  alert->closed_at = closed_at;
  alert->resolution = resolution;
}

static void
add_contact (Records           *records,
             const char        *household_id,
             const char        *alert_id,
             gint64             at,
             AnbuContactChannel channel,
             AnbuContactOutcome outcome)
{
  AnbuContact *contact = anbu_contact_new ();

  contact->id = g_uuid_string_random ();
  contact->household_id = g_strdup (household_id);
  contact->alert_id = g_strdup (alert_id);
  contact->at = at;
  contact->by = g_strdup ("00000000-0000-4000-8000-00000000c0c0");
  contact->channel = channel;
  contact->outcome = outcome;
  g_ptr_array_add (records->contacts, contact);
}

static const AnbuHandoverCase *
find_case (const AnbuHandover *handover,
           const char         *alert_id)
{
  for (guint i = 0; i < handover->cases->len; i++)
    {
      const AnbuHandoverCase *handover_case = g_ptr_array_index (handover->cases, i);

      if (g_str_equal (handover_case->alert_id, alert_id))
        return handover_case;
    }
  return NULL;
}

/* The routing rules agree: a consenting household's signal raised at @at
 * belonged to the control centre until exactly the hand-over. */
static void
assert_routed_to_control_until (AnbuHolidayCalendar *calendar,
                                gint64               at,
                                gint64               handover)
{
  g_autoptr(GDateTime) moment = g_date_time_new_from_unix_utc (at / G_USEC_PER_SEC);
  g_autoptr(AnbuRoutingDecision) decision = anbu_routing_decide (calendar, moment, TRUE);

  g_assert_cmpint (decision->responder, ==, ANBU_ALERT_RESPONDER_CONTROL);
  g_assert_nonnull (decision->next_change);
  g_assert_cmpint (g_date_time_to_unix (decision->next_change) * G_USEC_PER_SEC, ==, handover);
}

static void
seed_business_night (Records *records)
{
  AnbuAlert *alert;
  AnbuVisit *visit;

  add_household (records, "h1", DONG, "김영수", TRUE);
  add_household (records, "h2", DONG, "박정희", FALSE);
  add_household (records, "h3", OTHER_DONG, "이순자", TRUE);

  /* Called twice, no answer; 112 sent; found safe before midnight. */
  alert = add_alert (records, "a1", "h1", kst (2026, 11, 23, 22, 0));
  add_contact (records, "h1", "a1", kst (2026, 11, 23, 22, 10), ANBU_CONTACT_CHANNEL_PHONE, ANBU_CONTACT_OUTCOME_NO_ANSWER);
  add_contact (records, "h1", "a1", kst (2026, 11, 23, 22, 40), ANBU_CONTACT_CHANNEL_PHONE, ANBU_CONTACT_OUTCOME_NO_ANSWER);
  alert->dispatched_at = kst (2026, 11, 23, 23, 0);
  alert->dispatched_by = g_strdup ("00000000-0000-4000-8000-00000000c0c0");
  alert->dispatch_outcome = ANBU_DISPATCH_OUTCOME_FOUND_SAFE;
  resolve (alert, kst (2026, 11, 23, 23, 50), ANBU_ALERT_RESOLUTION_SAFE);
  visit = anbu_visit_new ();
  visit->id = g_strdup ("v1");
  visit->household_id = g_strdup ("h1");
  visit->alert_id = g_strdup ("a1");
  visit->at = kst (2026, 11, 23, 23, 30);
  visit->by = g_strdup ("00000000-0000-4000-8000-00000000c0c0");
  visit->purpose = ANBU_VISIT_PURPOSE_ALERT;
  visit->outcome = g_strdup ("경찰과 함께 확인, 안전");
  g_ptr_array_add (records->visits, visit);

  /* Called once at 03:10, no answer; the planner closed it at 10:00, after
   * the hand-over: at 09:00 it was still open. */
  alert = add_alert (records, "a2", "h1", kst (2026, 11, 24, 3, 0));
  add_contact (records, "h1", "a2", kst (2026, 11, 24, 3, 10), ANBU_CONTACT_CHANNEL_PHONE, ANBU_CONTACT_OUTCOME_NO_ANSWER);
  resolve (alert, kst (2026, 11, 24, 10, 0), ANBU_ALERT_RESOLUTION_SAFE);

  /* No consent: waited for the community centre. */
  add_alert (records, "a3", "h2", kst (2026, 11, 23, 20, 0));
  add_contact (records, "h2", NULL, kst (2026, 11, 23, 21, 0), ANBU_CONTACT_CHANNEL_SMS, ANBU_CONTACT_OUTCOME_REACHED_SAFE);

  /* Over before the night; another 동; after the hand-over. */
  alert = add_alert (records, "a4", "h1", kst (2026, 11, 23, 10, 0));
  resolve (alert, kst (2026, 11, 23, 15, 0), ANBU_ALERT_RESOLUTION_FALSE_ALARM);
  add_alert (records, "a5", "h3", kst (2026, 11, 23, 23, 0));
  add_contact (records, "h3", "a5", kst (2026, 11, 23, 23, 5), ANBU_CONTACT_CHANNEL_PHONE, ANBU_CONTACT_OUTCOME_NO_ANSWER);
  add_alert (records, "a6", "h1", kst (2026, 11, 24, 9, 30));
  add_contact (records, "h1", "a6", kst (2026, 11, 24, 9, 40), ANBU_CONTACT_CHANNEL_PHONE, ANBU_CONTACT_OUTCOME_REACHED_SAFE);
}

static void
test_business_morning (void)
{
  Records records;
  g_autoptr(AnbuHandover) handover = NULL;
  const AnbuHandoverCase *handover_case;
  GDate day;

  records_init (&records);
  seed_business_night (&records);

  /* Tuesday 24 November 2026, 10:30: the latest hand-over was at 09:00 today. */
  g_assert_true (anbu_handover_latest_day (records.calendar, kst (2026, 11, 24, 10, 30), &day));
  g_assert_cmpuint (g_date_get_day (&day), ==, 24);
  /* At 08:59 it was still Monday's. */
  g_assert_true (anbu_handover_latest_day (records.calendar, kst (2026, 11, 24, 8, 59), &day));
  g_assert_cmpuint (g_date_get_day (&day), ==, 23);
  g_assert_true (anbu_handover_latest_day (records.calendar, kst (2026, 11, 24, 9, 0), &day));
  g_assert_cmpuint (g_date_get_day (&day), ==, 24);

  handover = anbu_handover_build (records.calendar, &day, DONG, records.households, records.alerts,
                                  records.contacts, records.visits);
  g_assert_nonnull (handover);
  g_assert_cmpint (handover->from, ==, kst (2026, 11, 23, 18, 0));
  g_assert_cmpint (handover->to, ==, kst (2026, 11, 24, 9, 0));
  g_assert_cmpstr (handover->dong_name, ==, "역삼1동");
  assert_routed_to_control_until (records.calendar, kst (2026, 11, 23, 22, 0), handover->to);
  assert_routed_to_control_until (records.calendar, kst (2026, 11, 24, 3, 0), handover->to);

  /* The signals of the 동 open at some moment of the night, by time raised. */
  g_assert_cmpuint (handover->cases->len, ==, 3);
  g_assert_cmpstr (((AnbuHandoverCase *) g_ptr_array_index (handover->cases, 0))->alert_id, ==, "a3");
  g_assert_cmpstr (((AnbuHandoverCase *) g_ptr_array_index (handover->cases, 1))->alert_id, ==, "a1");
  g_assert_cmpstr (((AnbuHandoverCase *) g_ptr_array_index (handover->cases, 2))->alert_id, ==, "a2");
  g_assert_cmpuint (handover->n_raised, ==, 3);
  g_assert_cmpuint (handover->n_dispatches, ==, 1);
  g_assert_cmpuint (handover->n_open, ==, 2);

  handover_case = find_case (handover, "a1");
  g_assert_cmpuint (handover_case->n_contacts, ==, 3);   /* two calls and the visit */
  g_assert_cmpint (handover_case->dispatched_at, ==, kst (2026, 11, 23, 23, 0));
  g_assert_cmpint (handover_case->state, ==, ANBU_ALERT_STATE_RESOLVED);
  g_assert_cmpint (handover_case->resolution, ==, ANBU_ALERT_RESOLUTION_SAFE);
  g_assert_cmpint (handover_case->dispatch_outcome, ==, ANBU_DISPATCH_OUTCOME_FOUND_SAFE);
  g_assert_null (handover_case->open_reason);

  /* Closed at 10:00 by the planner: open at the hand-over, and why. */
  handover_case = find_case (handover, "a2");
  g_assert_cmpint (handover_case->state, ==, ANBU_ALERT_STATE_OPEN);
  g_assert_cmpuint (handover_case->n_contacts, ==, 1);
  g_assert_cmpstr (handover_case->open_reason, ==, "No answer (1 attempt)");

  handover_case = find_case (handover, "a3");
  g_assert_false (handover_case->night_consent);
  g_assert_cmpstr (handover_case->open_reason, ==, "No night consent: the signal waited for the community centre");

  /* Every check of the night in the 동, with or without a signal, by time. */
  g_assert_cmpuint (handover->contacts->len, ==, 5);
  {
    const gint64 expected[] = { kst (2026, 11, 23, 21, 0), kst (2026, 11, 23, 22, 10), kst (2026, 11, 23, 22, 40),
                                kst (2026, 11, 23, 23, 30), kst (2026, 11, 24, 3, 10) };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      g_assert_cmpint (((AnbuHandoverContact *) g_ptr_array_index (handover->contacts, i))->at, ==, expected[i]);
  }
  g_assert_cmpstr (((AnbuHandoverContact *) g_ptr_array_index (handover->contacts, 3))->outcome, ==,
                   "경찰과 함께 확인, 안전");
  g_assert_false (anbu_handover_is_empty (handover));
  {
    g_autofree char *key = anbu_handover_dup_day_key (handover);

    g_assert_cmpstr (key, ==, "2026-11-24");
  }

  records_clear (&records);
}

static void
test_holiday_weekend (void)
{
  Records records;
  g_autoptr(AnbuHandover) handover = NULL;
  AnbuAlert *alert;
  GDate day;
  gint64 from, to;

  records_init (&records);
  add_household (&records, "h1", DONG, "김영수", TRUE);

  /* 개천절 fell on Saturday 3 October 2026, so Monday the 5th was a
   * substitute holiday: no hand-over on the weekend or that Monday. */
  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 5, G_DATE_OCTOBER, 2026);
  g_assert_false (anbu_handover_night_of (records.calendar, &day, &from, &to));
  g_assert_true (anbu_handover_latest_day (records.calendar, kst (2026, 10, 5, 12, 0), &day));
  g_assert_cmpuint (g_date_get_day (&day), ==, 2);
  g_assert_true (anbu_handover_latest_day (records.calendar, kst (2026, 10, 6, 9, 0), &day));
  g_assert_cmpuint (g_date_get_day (&day), ==, 6);

  /* Raised on Friday afternoon at the community centre, still open at 18:00. */
  add_alert (&records, "friday", "h1", kst (2026, 10, 2, 17, 0));
  /* Raised on Saturday afternoon: the control centre's all day. */
  alert = add_alert (&records, "saturday", "h1", kst (2026, 10, 3, 14, 0));
  alert->level = ANBU_ALERT_LEVEL_CRITICAL;
  add_contact (&records, "h1", "saturday", kst (2026, 10, 3, 14, 5), ANBU_CONTACT_CHANNEL_PHONE, ANBU_CONTACT_OUTCOME_WRONG_NUMBER);
  alert->dispatched_at = kst (2026, 10, 3, 14, 30);
  alert->state = ANBU_ALERT_STATE_DISPATCHED;
  /* Monday morning, the substitute holiday: still the control centre's. */
  add_alert (&records, "monday", "h1", kst (2026, 10, 5, 10, 0));

  handover = anbu_handover_build (records.calendar, &day, DONG, records.households, records.alerts,
                                  records.contacts, records.visits);
  g_assert_cmpint (handover->from, ==, kst (2026, 10, 2, 18, 0));
  g_assert_cmpint (handover->to, ==, kst (2026, 10, 6, 9, 0));
  assert_routed_to_control_until (records.calendar, kst (2026, 10, 3, 14, 0), handover->to);
  assert_routed_to_control_until (records.calendar, kst (2026, 10, 5, 10, 0), handover->to);

  g_assert_cmpuint (handover->cases->len, ==, 3);
  g_assert_cmpuint (handover->n_raised, ==, 2);   /* Friday's was raised before the night */
  g_assert_cmpuint (handover->n_dispatches, ==, 1);
  g_assert_cmpuint (handover->n_open, ==, 3);
  g_assert_cmpint (find_case (handover, "saturday")->state, ==, ANBU_ALERT_STATE_DISPATCHED);
  g_assert_cmpstr (find_case (handover, "saturday")->open_reason, ==,
                   "Dispatched to 112/119; what they found is not recorded yet");
  g_assert_cmpstr (find_case (handover, "monday")->open_reason, ==, "No contact was recorded during the night");
  g_assert_cmpuint (handover->contacts->len, ==, 1);

  records_clear (&records);
}

/* 18:00 belongs to the night, 09:00 to the community centre's day (as in
 * anbu-routing.h): the edges of the night are counted once. */
static void
test_edges (void)
{
  Records records;
  g_autoptr(AnbuHandover) handover = NULL;
  AnbuAlert *alert;
  GDate day;

  records_init (&records);
  add_household (&records, "h1", DONG, "김영수", TRUE);
  add_alert (&records, "at-18", "h1", kst (2026, 11, 23, 18, 0));
  add_alert (&records, "at-09", "h1", kst (2026, 11, 24, 9, 0));
  alert = add_alert (&records, "closed-at-18", "h1", kst (2026, 11, 23, 12, 0));
  resolve (alert, kst (2026, 11, 23, 18, 0), ANBU_ALERT_RESOLUTION_SAFE);
  alert = add_alert (&records, "closed-before-18", "h1", kst (2026, 11, 23, 12, 0));
  resolve (alert, kst (2026, 11, 23, 17, 59), ANBU_ALERT_RESOLUTION_SAFE);
  add_contact (&records, "h1", "at-18", kst (2026, 11, 23, 18, 0), ANBU_CONTACT_CHANNEL_PHONE, ANBU_CONTACT_OUTCOME_NO_ANSWER);
  add_contact (&records, "h1", "at-18", kst (2026, 11, 24, 9, 0), ANBU_CONTACT_CHANNEL_PHONE, ANBU_CONTACT_OUTCOME_REACHED_SAFE);

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 24, G_DATE_NOVEMBER, 2026);
  handover = anbu_handover_build (records.calendar, &day, DONG, records.households, records.alerts,
                                  records.contacts, records.visits);
  g_assert_cmpuint (handover->cases->len, ==, 2);
  g_assert_nonnull (find_case (handover, "at-18"));
  g_assert_nonnull (find_case (handover, "closed-at-18"));
  g_assert_cmpuint (handover->n_raised, ==, 1);
  g_assert_cmpuint (handover->n_open, ==, 1);
  /* The 09:00 call is the community centre's: the night ended on no answer. */
  g_assert_cmpuint (handover->contacts->len, ==, 1);
  g_assert_cmpstr (find_case (handover, "at-18")->open_reason, ==, "No answer (1 attempt)");

  records_clear (&records);
}

static char *
bytes_to_string (GBytes *bytes)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  return g_strndup (data, len);
}

static void
test_csv (void)
{
  Records records;
  g_autoptr(AnbuHandover) handover = NULL;
  g_autoptr(GBytes) csv = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GDate day;

  records_init (&records);
  seed_business_night (&records);
  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 24, G_DATE_NOVEMBER, 2026);
  handover = anbu_handover_build (records.calendar, &day, DONG, records.households, records.alerts,
                                  records.contacts, records.visits);
  csv = anbu_handover_to_csv (handover);
  text = bytes_to_string (csv);

  /* Excel in Korea needs the byte order mark to read Hangul. */
  g_assert_true (g_str_has_prefix (text, "\xEF\xBB\xBF"));
  lines = g_strsplit (text + 3, "\r\n", -1);
  /* Title, header, 3 signals, blank, header, 5 checks, and the empty tail. */
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 1 + 3 + 1 + 1 + 5 + 1);
  g_assert_true (g_str_has_prefix (lines[0], "Night hand-over,역삼1동,1168064000,"));
  g_assert_true (g_str_has_prefix (lines[2], "박정희,2026-11-23 20:00,"));
  g_assert_true (g_str_has_prefix (lines[3], "김영수,2026-11-23 22:00,"));
  g_assert_nonnull (strstr (lines[3], ",3,2026-11-23 23:00,"));
  g_assert_true (g_str_has_suffix (lines[4], ",No answer (1 attempt)"));
  g_assert_cmpstr (lines[5], ==, "");
  g_assert_true (g_str_has_prefix (lines[9], "2026-11-23 22:40,김영수,"));
  g_assert_nonnull (strstr (lines[10], "경찰과 함께 확인"));

  records_clear (&records);
}

/* The same record in Korean, as the planner reads it. */
static void
test_korean (void)
{
  Records records;
  g_autoptr(AnbuHandover) handover = NULL;
  g_autofree char *counts = NULL;
  GDate day;

  if (!g_test_subprocess ())
    {
      anbu_test_run_in_child_with ("LANGUAGE", "ko");
      return;
    }
  records_init (&records);
  seed_business_night (&records);
  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 24, G_DATE_NOVEMBER, 2026);
  handover = anbu_handover_build (records.calendar, &day, DONG, records.households, records.alerts,
                                  records.contacts, records.visits);
  counts = anbu_handover_describe_counts (handover);
  g_assert_cmpstr (counts, ==, "발생 신호 3건 · 확인 5건 · 출동 1건 · 미종결 2건");
  g_assert_cmpstr (find_case (handover, "a2")->open_reason, ==, "응답 없음 (1회 시도)");
  records_clear (&records);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  anbu_test_init_locale ();

  g_test_add_func ("/handover/business-morning", test_business_morning);
  g_test_add_func ("/handover/holiday-weekend", test_holiday_weekend);
  g_test_add_func ("/handover/edges", test_edges);
  g_test_add_func ("/handover/csv", test_csv);
  g_test_add_func ("/handover/korean", test_korean);
  return g_test_run ();
}
