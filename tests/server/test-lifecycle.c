/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How a risk signal ends (docs/casework.md), through the real server on a
 * manual clock: staff activity and absences close nothing, contacts and
 * visits recorded anywhere belong to the open signal, a 112/119 contact is a
 * dispatch with its time and author, and only the resident's own activity
 * closes an untouched signal by itself. */
#include "config.h"

#include <string.h>

#include "anbu-ingest-fixture.h"

#define DONG "1111051500"
#define HOUR ((gint64) 3600)
#define MINUTE ((gint64) 60)
#define WEEK_SECONDS "604800"

/* Wednesday 2026-11-25 14:00 KST (a business afternoon). */
#define WED_AFTERNOON ((gint64) 1795582800)

static const char * const long_offline[] = { "--offline-after", WEEK_SECONDS, NULL };

/* Standby readings every minute over [from, to], with the appliance on over
 * [on_from, on_to): activity events at on_from and on_to. */
static void
post (IngestFixture *fixture,
      const char    *serial,
      gint64         from,
      gint64         to,
      gint64         on_from,
      gint64         on_to)
{
  ingest_post_span (fixture, serial, from, to, MINUTE, 2.0, 85.0, on_from, on_to, NULL);
}

static void
tick (IngestFixture *fixture,
      gint64         now)
{
  anbu_test_response_free (ingest_tick (fixture, now));
}

/* A household quiet for `quiet_hours` (threshold 24 h) at `now`, with its
 * one inactivity signal. */
static char *
raise_inactivity (IngestFixture *fixture,
                  const char    *serial,
                  gint64         now,
                  gint64         quiet_hours,
                  char         **alert_id)
{
  gint64 last_activity = now - quiet_hours * HOUR;
  char *household = ingest_add_household (fixture, DONG, TRUE, 24, serial,
                                          last_activity - 2 * HOUR);
  g_autoptr(GPtrArray) alerts = NULL;

  post (fixture, serial, last_activity - HOUR, now, last_activity - 10 * MINUTE, last_activity);
  alerts = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (alerts->len, ==, 1);
  g_assert_cmpint (ingest_member_time (alerts->pdata[0], "quiet_since"), ==, last_activity);
  if (alert_id != NULL)
    *alert_id = g_strdup (json_object_get_string_member (alerts->pdata[0], "id"));
  return household;
}

static JsonObject *
only_alert (IngestFixture *fixture,
            const char    *household)
{
  g_autoptr(GPtrArray) alerts = ingest_alerts (fixture, NULL, household);

  g_assert_cmpuint (alerts->len, ==, 1);
  return json_object_ref (alerts->pdata[0]);
}

/* The installer swaps PLUG-OLD for PLUG-NEW (the TV's) at `at`. */
static void
replace_plug (IngestFixture *fixture,
              const char    *household,
              gint64         at)
{
  g_autofree char *time = ingest_time (at);
  g_autofree char *replace = g_strdup_printf (
    "{\"household_id\": \"%s\", \"old_serial\": \"PLUG-OLD\", \"new_serial\": \"PLUG-NEW\","
    " \"appliance\": \"tv\", \"reason\": \"faulty\", \"at\": \"%s\"}", household, time);

  json_object_unref (ingest_push (fixture, "plug.replace", replace));
}

/* A contact as recorded from the household page: no alert_id. */
static JsonObject *
add_contact (IngestFixture *fixture,
             const char    *household,
             gint64         at,
             const char    *channel,
             const char    *outcome)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *at_text = ingest_time (at);
  g_autofree char *payload = g_strdup_printf (
    "{\"id\": \"%s\", \"household_id\": \"%s\", \"at\": \"%s\", \"by\": \"%s\","
    " \"channel\": \"%s\", \"outcome\": \"%s\"}", id, household, at_text, fixture->admin_id,
    channel, outcome);

  return ingest_push (fixture, "contact.create", payload);
}

static JsonObject *
add_visit (IngestFixture *fixture,
           const char    *household,
           gint64         at,
           const char    *purpose)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *at_text = ingest_time (at);
  g_autofree char *payload = g_strdup_printf (
    "{\"id\": \"%s\", \"household_id\": \"%s\", \"at\": \"%s\", \"by\": \"%s\","
    " \"purpose\": \"%s\"}", id, household, at_text, fixture->admin_id, purpose);

  return ingest_push (fixture, "visit.create", payload);
}

/* One mutation; its result object (the caller unrefs it), whatever its status. */
static JsonObject *
push_any (IngestFixture *fixture,
          const char    *kind,
          const char    *payload)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *entries = g_strdup_printf ("[{\"id\": \"%s\", \"kind\": \"%s\", \"payload\": %s}]",
                                              id, kind, payload);
  g_autoptr(AnbuTestResponse) response = NULL;
  JsonArray *results = anbu_test_push (fixture->server, fixture->admin_token, entries, &response);

  return json_object_ref (json_array_get_object_element (results, 0));
}

static JsonObject *
stats_total (IngestFixture     *fixture,
             gint64             from,
             gint64             to,
             AnbuTestResponse **keep)
{
  g_autofree char *from_text = ingest_time (from);
  g_autofree char *to_text = ingest_time (to);
  g_autofree char *path = g_strdup_printf ("/api/v1/stats?from=%s&to=%s&group=day", from_text,
                                           to_text);

  *keep = anbu_test_request (fixture->server, "GET", path, fixture->admin_token, NULL);
  g_assert_cmpuint ((*keep)->status, ==, 200);
  return json_object_get_object_member (anbu_test_response_object (*keep), "total");
}

static gint64
count (JsonObject *total,
       const char *group,
       const char *member)
{
  return json_object_get_int_member (json_object_get_object_member (total, group), member);
}

/* The installer swaps the plug of a household with an open 위험 signal and
 * switches the appliance to test it: the signal stays open. Later the
 * resident's own switching closes the untouched signal as safe. */
static void
test_plug_replacement_keeps_signal (void)
{
  gint64 now = WED_AFTERNOON;
  IngestFixture *fixture = ingest_fixture_new (now, long_offline);
  g_autofree char *household = raise_inactivity (fixture, "PLUG-OLD", now, 25, NULL);
  g_autoptr(JsonObject) after_install = NULL;
  g_autoptr(JsonObject) after_resident = NULL;

  tick (fixture, now + 10 * MINUTE);
  replace_plug (fixture, household, now + 10 * MINUTE);
  tick (fixture, now + 30 * MINUTE);
  post (fixture, "PLUG-NEW", now + 11 * MINUTE, now + 30 * MINUTE, now + 15 * MINUTE,
        now + 20 * MINUTE);
  tick (fixture, now + 31 * MINUTE);
  after_install = only_alert (fixture, household);
  g_assert_cmpstr (json_object_get_string_member (after_install, "state"), ==, "open");
  g_assert_cmpstr (json_object_get_string_member (after_install, "level"), ==, "risk");
  g_assert_false (json_object_has_member (after_install, "resolution"));

  /* Two hours later the resident turns the TV on. */
  tick (fixture, now + 3 * HOUR);
  post (fixture, "PLUG-NEW", now + 31 * MINUTE, now + 3 * HOUR, now + 2 * HOUR, now + 3 * HOUR);
  after_resident = only_alert (fixture, household);
  g_assert_cmpstr (json_object_get_string_member (after_resident, "state"), ==, "resolved");
  g_assert_cmpstr (json_object_get_string_member (after_resident, "resolution"), ==, "safe");
  ingest_fixture_free (fixture);
}

/* No signal yet: a plug replaced 20 h into a 24 h quiet, the installer
 * testing the new plug, does not restart the countdown: the signal comes 4 h
 * later, quiet since the resident's last own activity. */
static void
test_plug_replacement_keeps_quiet (void)
{
  gint64 now = WED_AFTERNOON;
  gint64 last_activity = now - 20 * HOUR;
  IngestFixture *fixture = ingest_fixture_new (now, long_offline);
  g_autofree char *household = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-OLD",
                                                     now - 30 * HOUR);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;

  post (fixture, "PLUG-OLD", last_activity - HOUR, now, last_activity - 10 * MINUTE, last_activity);
  replace_plug (fixture, household, now);
  tick (fixture, now + 3 * HOUR);
  post (fixture, "PLUG-NEW", now + MINUTE, now + 3 * HOUR, now + 5 * MINUTE, now + 10 * MINUTE);
  tick (fixture, now + 3 * HOUR + MINUTE);
  before = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (before->len, ==, 0);

  tick (fixture, now + 4 * HOUR + 5 * MINUTE);
  post (fixture, "PLUG-NEW", now + 3 * HOUR + MINUTE, now + 4 * HOUR + 5 * MINUTE, 0, 0);
  tick (fixture, now + 4 * HOUR + 6 * MINUTE);
  after = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (after->pdata[0], "kind"), ==, "inactivity");
  g_assert_cmpint (ingest_member_time (after->pdata[0], "quiet_since"), ==, last_activity);
  ingest_fixture_free (fixture);
}

/* A lamp on a timer (150 lux from 19:00 to 23:00) the plug's light sensor
 * sees every evening, learned by the old plug over a week. */
static double
timer_lamp_lux (gint64 t)
{
  gint64 minute = (t + 9 * HOUR) % (24 * HOUR) / MINUTE;

  return minute >= 19 * 60 && minute < 23 * 60 ? 150.5 : 0.5;
}

/* PLUG-OLD's week up to `until` (on the Wednesday of `midnight`): the TV
 * for an hour ending between 19:54 and 21:00 (21:00 on the last evening: a
 * person's, not a timer's) and the timer lamp, learned as a timer. */
static void
learn_timer_lamp_week (IngestFixture *fixture,
                       gint64         midnight,
                       gint64         until)
{
  for (gint64 day = midnight - 7 * 24 * HOUR, i = 0; day < midnight; day += 24 * HOUR, i++)
    {
      gint64 tv_off = day + 21 * HOUR - (day + 24 * HOUR == midnight ? 0 : (i * 37 % 67) * MINUTE);

      ingest_post_span (fixture, "PLUG-OLD", day, day + 24 * HOUR - MINUTE, MINUTE, 2.0, 85.0,
                        tv_off - HOUR, tv_off, timer_lamp_lux);
    }
  ingest_post_span (fixture, "PLUG-OLD", midnight, until, MINUTE, 2.0, 85.0, 0, 0, timer_lamp_lux);
}

/* The new plug in place of one that learned the home's timer lamp keeps
 * what it learned: the lamp switching at 19:00 the evening after the
 * replacement is not the resident, who last switched the TV off at 21:00
 * the day before. The signal comes at 21:00, 24 h after it. */
static void
test_plug_replacement_keeps_learning (void)
{
  gint64 now = WED_AFTERNOON;
  /* Tuesday 21:00 KST, the resident's last act; Wednesday 00:00 KST. */
  gint64 last_activity = now - 17 * HOUR;
  gint64 midnight = now - 14 * HOUR;
  IngestFixture *fixture = ingest_fixture_new (now, long_offline);
  g_autofree char *household = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-OLD",
                                                     midnight - 8 * 24 * HOUR);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;

  learn_timer_lamp_week (fixture, midnight, now);
  replace_plug (fixture, household, now);
  tick (fixture, now + MINUTE);

  /* The new plug from a minute after the replacement to 20:30, the lamp lit
   * at 19:00 by its timer: no signal yet, nor a restart of the quiet. */
  tick (fixture, last_activity + 23 * HOUR + 30 * MINUTE);
  ingest_post_span (fixture, "PLUG-NEW", now + MINUTE, last_activity + 23 * HOUR + 30 * MINUTE,
                    MINUTE, 2.0, 85.0, 0, 0, timer_lamp_lux);
  tick (fixture, last_activity + 23 * HOUR + 31 * MINUTE);
  before = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (before->len, ==, 0);

  tick (fixture, last_activity + 24 * HOUR + 5 * MINUTE);
  ingest_post_span (fixture, "PLUG-NEW", last_activity + 23 * HOUR + 31 * MINUTE,
                    last_activity + 24 * HOUR + 5 * MINUTE, MINUTE, 2.0, 85.0, 0, 0,
                    timer_lamp_lux);
  tick (fixture, last_activity + 24 * HOUR + 6 * MINUTE);
  after = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (after->pdata[0], "kind"), ==, "inactivity");
  g_assert_cmpint (ingest_member_time (after->pdata[0], "quiet_since"), ==, last_activity);
  ingest_fixture_free (fixture);
}

/* What a plug learned stays with the home it learned it in: PLUG-OLD,
 * which learned the first home's timer lamp, moves to a second home and is
 * swapped there before it reported. The resident there watches TV from
 * 15:00 to 16:00 and lights their own lamp at 19:00 (the first home's
 * timer's minute) and puts it out at 23:00: that is them, so no signal
 * comes 24 h after 16:00. */
static void
test_plug_replacement_learning_stays_home (void)
{
  gint64 now = WED_AFTERNOON;
  gint64 midnight = now - 14 * HOUR;
  gint64 next_day = now + 26 * HOUR + 10 * MINUTE;
  IngestFixture *fixture = ingest_fixture_new (now, long_offline);
  g_autofree char *first = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-OLD",
                                                 midnight - 8 * 24 * HOUR);
  g_autofree char *second = NULL;
  g_autofree char *removal = NULL;
  g_autofree char *at = ingest_time (now - 20 * MINUTE);
  g_autoptr(GPtrArray) alerts = NULL;

  learn_timer_lamp_week (fixture, midnight, now - 30 * MINUTE);
  removal = g_strdup_printf ("{\"serial\": \"PLUG-OLD\", \"reason\": \"moved\", \"at\": \"%s\"}",
                             at);
  json_object_unref (ingest_push (fixture, "plug.remove", removal));
  second = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-OLD", now - 10 * MINUTE);
  replace_plug (fixture, second, now);

  tick (fixture, next_day);
  ingest_post_span (fixture, "PLUG-NEW", now + MINUTE, next_day, MINUTE, 2.0, 85.0,
                    now + HOUR, now + 2 * HOUR, timer_lamp_lux);
  tick (fixture, next_day + MINUTE);
  alerts = ingest_alerts (fixture, NULL, second);
  g_assert_cmpuint (alerts->len, ==, 0);
  ingest_fixture_free (fixture);
}

/* A hospital stay registered from today closes nothing that began two days
 * earlier, and no signal is raised while it lasts. */
static void
test_absence_closes_nothing (void)
{
  gint64 now = WED_AFTERNOON;
  IngestFixture *fixture = ingest_fixture_new (now, long_offline);
  g_autofree char *silent = raise_inactivity (fixture, "PLUG-A", now, 48, NULL);
  g_autofree char *quiet = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-B",
                                                 now - 30 * HOUR);
  g_autofree char *from = ingest_time (now);
  g_autofree char *to = ingest_time (now + 72 * HOUR);
  g_autofree char *id1 = g_uuid_string_random ();
  g_autofree char *id2 = g_uuid_string_random ();
  g_autofree char *a1 = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", \"from\": \"%s\","
                                         " \"to\": \"%s\", \"reason\": \"hospital\"}", id1, silent,
                                         from, to);
  g_autofree char *a2 = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", \"from\": \"%s\","
                                         " \"to\": \"%s\", \"reason\": \"hospital\"}", id2, quiet,
                                         from, to);
  g_autoptr(JsonObject) during = NULL;
  g_autoptr(GPtrArray) silent_alerts = NULL;
  g_autoptr(GPtrArray) quiet_alerts = NULL;

  /* The second household's quiet began 20 h ago: due in 4 h, but away by then. */
  post (fixture, "PLUG-B", now - 21 * HOUR, now, now - 20 * HOUR - 10 * MINUTE, now - 20 * HOUR);
  json_object_unref (ingest_push (fixture, "absence.create", a1));
  json_object_unref (ingest_push (fixture, "absence.create", a2));
  tick (fixture, now + 10 * MINUTE);
  during = only_alert (fixture, silent);
  g_assert_cmpstr (json_object_get_string_member (during, "state"), ==, "open");
  g_assert_false (json_object_has_member (during, "resolution"));

  tick (fixture, now + 30 * HOUR);
  post (fixture, "PLUG-A", now + MINUTE, now + 30 * HOUR, 0, 0);
  post (fixture, "PLUG-B", now + MINUTE, now + 30 * HOUR, 0, 0);
  silent_alerts = ingest_alerts (fixture, NULL, silent);
  quiet_alerts = ingest_alerts (fixture, NULL, quiet);
  g_assert_cmpuint (silent_alerts->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (silent_alerts->pdata[0], "state"), ==, "open");
  g_assert_cmpuint (quiet_alerts->len, ==, 0);
  ingest_fixture_free (fixture);
}

/* Calls recorded from the household page carry no alert_id: the server
 * attaches them to the open signal, and two unanswered calls make it 심각. */
static void
test_household_page_contact_attaches (void)
{
  gint64 now = WED_AFTERNOON;
  IngestFixture *fixture = ingest_fixture_new (now, long_offline);
  g_autofree char *alert_id = NULL;
  g_autofree char *household = raise_inactivity (fixture, "PLUG-A", now, 25, &alert_id);
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) escalated = NULL;
  g_autoptr(JsonObject) earlier = NULL;

  /* A call logged with a time before the signal was raised belongs to no signal. */
  earlier = add_contact (fixture, household, now - HOUR, "phone", "reached_safe");
  g_assert_false (json_object_has_member (json_object_get_object_member (earlier, "record"),
                                          "alert_id"));

  first = add_contact (fixture, household, now + MINUTE, "phone", "no_answer");
  g_assert_cmpstr (json_object_get_string_member_with_default (json_object_get_object_member (first, "record"),
                                                               "alert_id", NULL), ==, alert_id);
  tick (fixture, now + 2 * MINUTE);
  before = only_alert (fixture, household);
  g_assert_cmpstr (json_object_get_string_member (before, "level"), ==, "risk");

  second = add_contact (fixture, household, now + 3 * MINUTE, "phone", "no_answer");
  g_assert_cmpstr (json_object_get_string_member_with_default (json_object_get_object_member (second, "record"),
                                                               "alert_id", NULL), ==, alert_id);
  tick (fixture, now + 4 * MINUTE);
  escalated = only_alert (fixture, household);
  g_assert_cmpstr (json_object_get_string_member (escalated, "level"), ==, "critical");
  g_assert_cmpstr (json_object_get_string_member (escalated, "state"), ==, "open");
  ingest_fixture_free (fixture);
}

/* A 112 contact makes the signal dispatched, with its time and who asked;
 * resolving it needs what the dispatch found, and the city's figures count
 * the dispatch. */
static void
test_dispatch_is_a_state (void)
{
  gint64 now = WED_AFTERNOON;
  IngestFixture *fixture = ingest_fixture_new (now, long_offline);
  g_autofree char *alert_id = NULL;
  g_autofree char *household = raise_inactivity (fixture, "PLUG-A", now, 25, &alert_id);
  g_autofree char *at = ingest_time (now + 40 * MINUTE);
  g_autofree char *bare = g_strdup_printf ("{\"id\": \"%s\", \"resolution\": \"hospitalized\","
                                           " \"at\": \"%s\"}", alert_id, at);
  g_autofree char *full = g_strdup_printf ("{\"id\": \"%s\", \"resolution\": \"hospitalized\","
                                           " \"dispatch_outcome\": \"hospitalized\", \"at\": \"%s\"}",
                                           alert_id, at);
  g_autoptr(JsonObject) dispatched = NULL;
  g_autoptr(JsonObject) still = NULL;
  g_autoptr(JsonObject) rejected = NULL;
  g_autoptr(JsonObject) resolved = NULL;
  g_autoptr(AnbuTestResponse) stats = NULL;
  JsonObject *total;

  tick (fixture, now + 20 * MINUTE);
  json_object_unref (add_contact (fixture, household, now + 20 * MINUTE, "dispatch_112",
                                  "emergency"));
  dispatched = only_alert (fixture, household);
  g_assert_cmpstr (json_object_get_string_member (dispatched, "state"), ==, "dispatched");
  g_assert_cmpint (ingest_member_time (dispatched, "dispatched_at"), ==, now + 20 * MINUTE);
  g_assert_cmpstr (json_object_get_string_member (dispatched, "dispatched_by"), ==,
                   fixture->admin_id);

  /* The police switch the lights on inside: nothing closes by itself now. */
  tick (fixture, now + 30 * MINUTE);
  post (fixture, "PLUG-A", now + MINUTE, now + 30 * MINUTE, now + 25 * MINUTE, now + 28 * MINUTE);
  still = only_alert (fixture, household);
  g_assert_cmpstr (json_object_get_string_member (still, "state"), ==, "dispatched");

  tick (fixture, now + 40 * MINUTE);
  rejected = push_any (fixture, "alert.resolve", bare);
  g_assert_cmpstr (json_object_get_string_member (rejected, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (rejected, "field"), ==, "dispatch_outcome");
  json_object_unref (ingest_push (fixture, "alert.resolve", full));
  resolved = only_alert (fixture, household);
  g_assert_cmpstr (json_object_get_string_member (resolved, "state"), ==, "resolved");
  g_assert_cmpstr (json_object_get_string_member (resolved, "resolution"), ==, "hospitalized");
  g_assert_cmpstr (json_object_get_string_member (resolved, "dispatch_outcome"), ==, "hospitalized");
  g_assert_cmpint (ingest_member_time (resolved, "dispatched_at"), ==, now + 20 * MINUTE);

  total = stats_total (fixture, now - 14 * HOUR, now + 10 * HOUR, &stats);
  g_assert_cmpint (count (total, "dispatches", "dispatch_112"), ==, 1);
  g_assert_cmpint (count (total, "dispatches", "total"), ==, 1);
  ingest_fixture_free (fixture);
}

/* A visit made while the signal is open belongs to it, keeps it from closing
 * by itself (the visitor's switching is not the resident's) and counts as
 * 방문 확인; a regular visit before the signal counts as none. */
static void
test_visit_counts (void)
{
  gint64 now = WED_AFTERNOON;
  IngestFixture *fixture = ingest_fixture_new (now, long_offline);
  g_autofree char *alert_id = NULL;
  g_autofree char *household = raise_inactivity (fixture, "PLUG-A", now, 25, &alert_id);
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) during = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(AnbuTestResponse) stats = NULL;
  JsonObject *total;

  before = add_visit (fixture, household, now - 2 * HOUR, "regular");
  g_assert_false (json_object_has_member (json_object_get_object_member (before, "record"),
                                          "alert_id"));
  tick (fixture, now + HOUR);
  during = add_visit (fixture, household, now + HOUR, "alert");
  g_assert_cmpstr (json_object_get_string_member_with_default (json_object_get_object_member (during, "record"),
                                                               "alert_id", NULL), ==, alert_id);

  tick (fixture, now + 3 * HOUR);
  post (fixture, "PLUG-A", now + MINUTE, now + 3 * HOUR, now + 2 * HOUR, now + 3 * HOUR);
  after = only_alert (fixture, household);
  g_assert_cmpstr (json_object_get_string_member (after, "state"), ==, "open");

  total = stats_total (fixture, now - 14 * HOUR, now + 10 * HOUR, &stats);
  g_assert_cmpint (count (total, "checks", "visit"), ==, 1);
  g_assert_cmpint (count (total, "checks", "total"), ==, 1);
  ingest_fixture_free (fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/lifecycle/plug-replacement-keeps-signal",
                   test_plug_replacement_keeps_signal);
  g_test_add_func ("/anbu/lifecycle/plug-replacement-keeps-quiet",
                   test_plug_replacement_keeps_quiet);
  g_test_add_func ("/anbu/lifecycle/plug-replacement-keeps-learning",
                   test_plug_replacement_keeps_learning);
  g_test_add_func ("/anbu/lifecycle/plug-replacement-learning-stays-home",
                   test_plug_replacement_learning_stays_home);
  g_test_add_func ("/anbu/lifecycle/absence-closes-nothing", test_absence_closes_nothing);
  g_test_add_func ("/anbu/lifecycle/household-page-contact-attaches",
                   test_household_page_contact_attaches);
  g_test_add_func ("/anbu/lifecycle/dispatch-is-a-state", test_dispatch_is_a_state);
  g_test_add_func ("/anbu/lifecycle/visit-counts", test_visit_counts);
  return g_test_run ();
}
