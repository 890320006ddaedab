/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The case rules of docs/casework.md, one by one. */
#include "config.h"

#include "anbu-case-lifecycle.h"
#include "anbu-record-error.h"

#define SECOND ((gint64) G_USEC_PER_SEC)
#define T0 ((gint64) 1795582800)

static AnbuAlert *
make_alert (const char    *id,
            AnbuAlertKind  kind,
            AnbuAlertLevel level,
            gint64         raised)
{
  AnbuAlert *alert = anbu_alert_new ();

  alert->id = g_strdup (id);
  alert->household_id = g_strdup ("b0000000-0000-4000-8000-000000000001");
  alert->kind = kind;
  alert->level = level;
  alert->raised_at = raised * SECOND;
  alert->quiet_since = (raised - 86400) * SECOND;
  return alert;
}

/* Untouched: only the resident's activity (or an offline plug reporting)
 * closes; once acted on, nothing but a person does. */
static void
test_who_closes (void)
{
  g_autoptr(AnbuAlert) alert = make_alert ("a1", ANBU_ALERT_KIND_INACTIVITY, ANBU_ALERT_LEVEL_RISK, T0);
  g_autoptr(AnbuAlert) offline = make_alert ("a2", ANBU_ALERT_KIND_OFFLINE, ANBU_ALERT_LEVEL_WATCH, T0);
  AnbuAlertResolution resolution = ANBU_ALERT_RESOLUTION_NONE;

  g_assert_false (anbu_case_is_acted_on (alert, 0));
  g_assert_true (anbu_case_event_closes (alert, FALSE, ANBU_CASE_EVENT_RESIDENT_ACTIVITY, &resolution));
  g_assert_cmpint (resolution, ==, ANBU_ALERT_RESOLUTION_SAFE);
  g_assert_false (anbu_case_event_closes (alert, FALSE, ANBU_CASE_EVENT_STAFF_ACTIVITY, NULL));
  g_assert_false (anbu_case_event_closes (alert, FALSE, ANBU_CASE_EVENT_ABSENCE, NULL));
  g_assert_false (anbu_case_event_closes (alert, FALSE, ANBU_CASE_EVENT_QUIET_RESTARTED, NULL));
  g_assert_false (anbu_case_event_closes (alert, FALSE, ANBU_CASE_EVENT_READINGS_BACK, NULL));
  g_assert_true (anbu_case_event_closes (offline, FALSE, ANBU_CASE_EVENT_READINGS_BACK, &resolution));
  g_assert_cmpint (resolution, ==, ANBU_ALERT_RESOLUTION_DEVICE_PROBLEM);

  g_assert_true (anbu_case_is_acted_on (alert, 1));
  g_assert_false (anbu_case_event_closes (alert, TRUE, ANBU_CASE_EVENT_RESIDENT_ACTIVITY, NULL));
  alert->state = ANBU_ALERT_STATE_ACKNOWLEDGED;
  g_assert_true (anbu_case_is_acted_on (alert, 0));
  g_assert_false (anbu_case_event_closes (alert, FALSE, ANBU_CASE_EVENT_RESIDENT_ACTIVITY, NULL));
}

/* Switching within 30 min of plug work or 60 min of a visit is the staff's. */
static void
test_staff_windows (void)
{
  AnbuTimeWindow staff[2];

  anbu_case_staff_window_for_plug_work (T0, &staff[0]);
  anbu_case_staff_window_for_visit (T0 + 86400, &staff[1]);
  g_assert_false (anbu_case_is_resident_activity (T0 + 29 * 60, staff, 2));
  g_assert_true (anbu_case_is_resident_activity (T0 + 31 * 60, staff, 2));
  g_assert_false (anbu_case_is_resident_activity (T0 + 86400 - 59 * 60, staff, 2));
  g_assert_false (anbu_case_is_resident_activity (T0 + 86400 + 59 * 60, staff, 2));
  g_assert_true (anbu_case_is_resident_activity (T0 + 86400 + 61 * 60, staff, 2));
  g_assert_true (anbu_case_channel_is_in_person (ANBU_CONTACT_CHANNEL_DISPATCH_119));
  g_assert_false (anbu_case_channel_is_in_person (ANBU_CONTACT_CHANNEL_PHONE));
}

/* A record belongs to the signal open at its time, the resident's before
 * the device's, then the most urgent. */
static void
test_signal_for_record (void)
{
  g_autoptr(AnbuAlert) offline = make_alert ("a1", ANBU_ALERT_KIND_OFFLINE, ANBU_ALERT_LEVEL_WATCH, T0);
  g_autoptr(AnbuAlert) routine = make_alert ("a2", ANBU_ALERT_KIND_ROUTINE, ANBU_ALERT_LEVEL_WATCH, T0 + 60);
  g_autoptr(AnbuAlert) risk = make_alert ("a3", ANBU_ALERT_KIND_INACTIVITY, ANBU_ALERT_LEVEL_RISK, T0 + 120);
  AnbuAlert *alerts[] = { offline, routine, risk };

  g_assert_null (anbu_case_signal_for_record (alerts, 3, (T0 - 1) * SECOND));
  g_assert_true (anbu_case_signal_for_record (alerts, 3, T0 * SECOND) == offline);
  g_assert_true (anbu_case_signal_for_record (alerts, 3, (T0 + 90) * SECOND) == routine);
  g_assert_true (anbu_case_signal_for_record (alerts, 3, (T0 + 200) * SECOND) == risk);
  risk->state = ANBU_ALERT_STATE_RESOLVED;
  g_assert_true (anbu_case_signal_for_record (alerts, 3, (T0 + 200) * SECOND) == routine);
}

/* A 112 contact dispatches (once); resolving then needs the dispatch's outcome,
 * and the record keeps it through JSON. */
static void
test_dispatch (void)
{
  g_autoptr(AnbuAlert) alert = make_alert ("a0000000-0000-4000-8000-000000000001",
                                           ANBU_ALERT_KIND_INACTIVITY, ANBU_ALERT_LEVEL_CRITICAL, T0);
  g_autoptr(AnbuContact) call = anbu_contact_new ();
  g_autoptr(AnbuContact) police = anbu_contact_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(AnbuAlert) back = NULL;

  call->channel = ANBU_CONTACT_CHANNEL_PHONE;
  call->at = (T0 + 60) * SECOND;
  g_assert_false (anbu_case_apply_contact (alert, call));
  police->channel = ANBU_CONTACT_CHANNEL_DISPATCH_112;
  police->at = (T0 + 600) * SECOND;
  police->by = g_strdup ("c0000000-0000-4000-8000-000000000001");
  g_assert_true (anbu_case_apply_contact (alert, police));
  g_assert_cmpint (alert->state, ==, ANBU_ALERT_STATE_DISPATCHED);
  g_assert_cmpint (alert->dispatched_at, ==, (T0 + 600) * SECOND);
  g_assert_cmpstr (alert->dispatched_by, ==, police->by);
  police->at += 60 * SECOND;
  g_assert_false (anbu_case_apply_contact (alert, police));
  g_assert_cmpint (alert->dispatched_at, ==, (T0 + 600) * SECOND);

  g_assert_false (anbu_case_resolve (alert, ANBU_ALERT_RESOLUTION_HOSPITALIZED,
                                     ANBU_DISPATCH_OUTCOME_NONE, (T0 + 900) * SECOND, NULL, &error));
  g_assert_error (error, ANBU_RECORD_ERROR, ANBU_RECORD_ERROR_MISSING_FIELD);
  g_clear_error (&error);
  g_assert_cmpint (alert->state, ==, ANBU_ALERT_STATE_DISPATCHED);
  g_assert_true (anbu_case_resolve (alert, ANBU_ALERT_RESOLUTION_HOSPITALIZED,
                                    ANBU_DISPATCH_OUTCOME_HOSPITALIZED, (T0 + 900) * SECOND,
                                    police->by, &error));
  g_assert_no_error (error);

  object = anbu_alert_to_json (alert);
  g_assert_cmpstr (json_object_get_string_member (object, "dispatch_outcome"), ==, "hospitalized");
  back = anbu_alert_from_json (object, &error);
  g_assert_no_error (error);
  g_assert_true (anbu_alert_equal (alert, back));
}

/* Without a dispatch there is no dispatch outcome; without an outcome no resolution. */
static void
test_resolve_rules (void)
{
  g_autoptr(AnbuAlert) alert = make_alert ("a1", ANBU_ALERT_KIND_INACTIVITY, ANBU_ALERT_LEVEL_RISK, T0);
  g_autoptr(GError) error = NULL;

  g_assert_false (anbu_case_resolve (alert, ANBU_ALERT_RESOLUTION_NONE, ANBU_DISPATCH_OUTCOME_NONE,
                                     (T0 + 60) * SECOND, NULL, &error));
  g_assert_error (error, ANBU_RECORD_ERROR, ANBU_RECORD_ERROR_MISSING_FIELD);
  g_clear_error (&error);
  g_assert_false (anbu_case_resolve (alert, ANBU_ALERT_RESOLUTION_SAFE,
                                     ANBU_DISPATCH_OUTCOME_FOUND_SAFE, (T0 + 60) * SECOND, NULL,
                                     &error));
  g_assert_error (error, ANBU_RECORD_ERROR, ANBU_RECORD_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  g_assert_false (anbu_case_resolve (alert, ANBU_ALERT_RESOLUTION_SAFE, ANBU_DISPATCH_OUTCOME_NONE,
                                     (T0 - 60) * SECOND, NULL, &error));
  g_assert_error (error, ANBU_RECORD_ERROR, ANBU_RECORD_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  g_assert_cmpint (alert->state, ==, ANBU_ALERT_STATE_OPEN);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anbu/case-lifecycle/who-closes", test_who_closes);
  g_test_add_func ("/anbu/case-lifecycle/staff-windows", test_staff_windows);
  g_test_add_func ("/anbu/case-lifecycle/signal-for-record", test_signal_for_record);
  g_test_add_func ("/anbu/case-lifecycle/dispatch", test_dispatch);
  g_test_add_func ("/anbu/case-lifecycle/resolve-rules", test_resolve_rules);
  return g_test_run ();
}
