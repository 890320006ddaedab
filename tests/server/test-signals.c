/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Risk signals from telemetry: inactivity at the threshold, offline,
 * absences, escalation, closing, routing and restarts. The server runs on a
 * manual clock moved by /api/v1/admin/tick, so nothing here sleeps. */
#include "config.h"

#include <string.h>

#include "anbu-ingest-fixture.h"

#define DONG "1111051500"
#define HOUR ((gint64) 3600)
#define MINUTE ((gint64) 60)
#define WEEK_SECONDS "604800"

/* Wednesday 2026-11-25 14:00 KST (a business afternoon). */
#define WED_AFTERNOON ((gint64) 1795582800)
/* Wednesday 2026-11-25 22:00 KST (a weeknight). */
#define WED_NIGHT (WED_AFTERNOON + 8 * HOUR)
/* Thursday 2026-11-26 09:00 KST. */
#define THU_MORNING (WED_AFTERNOON + 19 * HOUR)
/* 추석 2025-10-06 (Monday) 14:00 KST. */
#define CHUSEOK_AFTERNOON ((gint64) 1759726800)
/* 대체공휴일(추석) 2025-10-08 (Wednesday) 14:00 KST. */
#define SUBSTITUTE_AFTERNOON (CHUSEOK_AFTERNOON + 48 * HOUR)
/* Friday 2025-10-10 09:00 KST: the first business morning after them. */
#define FRI_AFTER_CHUSEOK ((gint64) 1760054400)

static const char * const long_offline[] = { "--offline-after", WEEK_SECONDS, NULL };

static JsonObject *
only_alert (GPtrArray  *alerts,
            const char *kind)
{
  JsonObject *found = NULL;

  for (guint i = 0; i < alerts->len; i++)
    if (g_strcmp0 (json_object_get_string_member (alerts->pdata[i], "kind"), kind) == 0)
      {
        g_assert_null (found);
        found = alerts->pdata[i];
      }
  return found;
}

/* Standby readings every minute over [from, to], with an appliance on over
 * [on_from, on_to): its last activity event is at on_to. */
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

/* Threshold 30 h: quiet for 29 h 59 min raises nothing, even when the
 * clock runs on without readings; the reading that makes 30 h raises a
 * risk signal quiet since the last activity. */
static void
test_inactivity_at_threshold (void)
{
  gint64 start = WED_AFTERNOON;
  gint64 last_activity = start - 30 * HOUR + 4 * MINUTE;
  IngestFixture *fixture = ingest_fixture_new (start, long_offline);
  g_autofree char *household = ingest_add_household (fixture, DONG, TRUE, 30, "PLUG-A",
                                                     last_activity - 2 * HOUR);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) still = NULL;
  g_autoptr(GPtrArray) after = NULL;
  JsonObject *alert;

  post (fixture, "PLUG-A", last_activity - HOUR, start, last_activity - 30 * MINUTE, last_activity);
  before = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (before->len, ==, 0);

  tick (fixture, start + 4 * MINUTE);
  post (fixture, "PLUG-A", start + MINUTE, start + 3 * MINUTE, 0, 0);
  still = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (still->len, ==, 0);

  post (fixture, "PLUG-A", start + 4 * MINUTE, start + 4 * MINUTE, 0, 0);
  after = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (after->len, ==, 1);
  alert = after->pdata[0];
  g_assert_cmpstr (json_object_get_string_member (alert, "kind"), ==, "inactivity");
  g_assert_cmpstr (json_object_get_string_member (alert, "level"), ==, "risk");
  g_assert_cmpstr (json_object_get_string_member (alert, "state"), ==, "open");
  g_assert_cmpint (ingest_member_time (alert, "quiet_since"), ==, last_activity);
  g_assert_cmpint (ingest_member_time (alert, "raised_at"), ==, start + 4 * MINUTE);
  ingest_fixture_free (fixture);
}

/* No readings: offline at 6 h, never inactivity however long; readings
 * coming back close the untouched offline signal and start the quiet anew. */
static void
test_offline (void)
{
  gint64 start = WED_AFTERNOON;
  IngestFixture *fixture = ingest_fixture_new (start, NULL);
  g_autofree char *household = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-A",
                                                     start - 3 * HOUR);
  g_autoptr(GPtrArray) early = NULL;
  g_autoptr(GPtrArray) offline = NULL;
  g_autoptr(GPtrArray) later = NULL;
  g_autoptr(GPtrArray) back = NULL;
  JsonObject *alert;

  post (fixture, "PLUG-A", start - 2 * HOUR, start, start - HOUR, start - HOUR + 5 * MINUTE);
  tick (fixture, start + 6 * HOUR - MINUTE);
  early = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (early->len, ==, 0);

  tick (fixture, start + 6 * HOUR);
  offline = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (offline->len, ==, 1);
  alert = only_alert (offline, "offline");
  g_assert_nonnull (alert);
  g_assert_cmpstr (json_object_get_string_member (alert, "level"), ==, "watch");

  tick (fixture, start + 60 * HOUR);
  later = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (later->len, ==, 1);
  g_assert_null (only_alert (later, "inactivity"));

  post (fixture, "PLUG-A", start + 60 * HOUR - 10 * MINUTE, start + 60 * HOUR, 0, 0);
  back = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (back->len, ==, 1);
  alert = only_alert (back, "offline");
  g_assert_cmpstr (json_object_get_string_member (alert, "state"), ==, "resolved");
  g_assert_cmpstr (json_object_get_string_member (alert, "resolution"), ==, "device_problem");
  ingest_fixture_free (fixture);
}

/* A registered absence suppresses the signal; after it ends the quiet is
 * counted from its end. */
static void
test_absence_suppresses (void)
{
  gint64 start = WED_AFTERNOON;
  gint64 last_activity = start - 29 * HOUR;
  IngestFixture *fixture = ingest_fixture_new (start, long_offline);
  g_autofree char *away = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-AWAY",
                                                last_activity - 2 * HOUR);
  g_autofree char *back = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-BACK",
                                                last_activity - 2 * HOUR);
  g_autofree char *control = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-CTRL",
                                                   last_activity - 2 * HOUR);
  g_autofree char *from = ingest_time (last_activity + HOUR);
  g_autofree char *to_later = ingest_time (start + 48 * HOUR);
  g_autofree char *to_ended = ingest_time (start - 2 * HOUR);
  g_autofree char *id1 = g_uuid_string_random ();
  g_autofree char *id2 = g_uuid_string_random ();
  g_autofree char *a1 = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", \"from\": \"%s\","
                                         " \"to\": \"%s\", \"reason\": \"hospital\"}", id1, away,
                                         from, to_later);
  g_autofree char *a2 = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", \"from\": \"%s\","
                                         " \"to\": \"%s\", \"reason\": \"travel\"}", id2, back,
                                         from, to_ended);
  g_autoptr(GPtrArray) away_alerts = NULL;
  g_autoptr(GPtrArray) back_alerts = NULL;
  g_autoptr(GPtrArray) control_alerts = NULL;

  json_object_unref (ingest_push (fixture, "absence.create", a1));
  json_object_unref (ingest_push (fixture, "absence.create", a2));
  post (fixture, "PLUG-AWAY", last_activity - HOUR, start, last_activity - 10 * MINUTE, last_activity);
  post (fixture, "PLUG-BACK", last_activity - HOUR, start, last_activity - 10 * MINUTE, last_activity);
  post (fixture, "PLUG-CTRL", last_activity - HOUR, start, last_activity - 10 * MINUTE, last_activity);

  away_alerts = ingest_alerts (fixture, NULL, away);
  back_alerts = ingest_alerts (fixture, NULL, back);
  control_alerts = ingest_alerts (fixture, NULL, control);
  g_assert_cmpuint (away_alerts->len, ==, 0);
  g_assert_cmpuint (back_alerts->len, ==, 0);
  g_assert_cmpuint (control_alerts->len, ==, 1);
  ingest_fixture_free (fixture);
}

static char *
raise_inactivity (IngestFixture *fixture,
                  const char    *serial,
                  gboolean       consent,
                  gint64         now,
                  char         **alert_id)
{
  gint64 last_activity = now - 25 * HOUR;
  char *household = ingest_add_household (fixture, DONG, consent, 24, serial, now - 27 * HOUR);
  g_autoptr(GPtrArray) alerts = NULL;

  post (fixture, serial, now - 26 * HOUR, now, last_activity - 10 * MINUTE, last_activity);
  alerts = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (alerts->len, ==, 1);
  if (alert_id != NULL)
    *alert_id = g_strdup (json_object_get_string_member (alerts->pdata[0], "id"));
  return household;
}

static void
add_contact (IngestFixture *fixture,
             const char    *household,
             const char    *alert_id,
             gint64         at,
             const char    *channel,
             const char    *outcome)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *at_text = ingest_time (at);
  g_autofree char *payload = g_strdup_printf (
    "{\"id\": \"%s\", \"alert_id\": \"%s\", \"household_id\": \"%s\", \"at\": \"%s\", \"by\": \"%s\","
    " \"channel\": \"%s\", \"outcome\": \"%s\"}", id, alert_id, household, at_text,
    fixture->admin_id, channel, outcome);

  json_object_unref (ingest_push (fixture, "contact.create", payload));
}

static gboolean
set_true (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Two phone calls nobody answered make the signal critical; once someone
 * acted, returning activity no longer closes it. */
static void
test_escalation (void)
{
  gint64 now = WED_AFTERNOON;
  IngestFixture *fixture = ingest_fixture_new (now, long_offline);
  g_autofree char *alert_id = NULL;
  g_autofree char *household = raise_inactivity (fixture, "PLUG-A", TRUE, now, &alert_id);
  g_autoptr(GPtrArray) one = NULL;
  g_autoptr(GPtrArray) two = NULL;
  g_autoptr(GPtrArray) active = NULL;

  add_contact (fixture, household, alert_id, now + MINUTE, "phone", "no_answer");
  tick (fixture, now + 2 * MINUTE);
  one = ingest_alerts (fixture, NULL, household);
  g_assert_cmpstr (json_object_get_string_member (one->pdata[0], "level"), ==, "risk");

  /* The second unanswered call escalates without waiting for a pass. */
  add_contact (fixture, household, alert_id, now + 3 * MINUTE, "phone", "no_answer");
  {
    gint64 deadline = g_get_monotonic_time () + ANBU_TEST_TIMEOUT_SECONDS * G_USEC_PER_SEC;

    while (TRUE)
      {
        gboolean ticked = FALSE;

        two = ingest_alerts (fixture, NULL, household);
        if (g_strcmp0 (json_object_get_string_member (two->pdata[0], "level"), "critical") == 0
            || g_get_monotonic_time () > deadline)
          break;
        g_clear_pointer (&two, g_ptr_array_unref);
        g_timeout_add (50, set_true, &ticked);
        anbu_test_wait_for (&ticked);
      }
  }
  g_assert_cmpstr (json_object_get_string_member (two->pdata[0], "level"), ==, "critical");
  tick (fixture, now + 4 * MINUTE);

  post (fixture, "PLUG-A", now + MINUTE, now + 4 * MINUTE, now + 2 * MINUTE, now + 3 * MINUTE);
  active = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (active->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (active->pdata[0], "state"), ==, "open");
  ingest_fixture_free (fixture);
}

/* Nobody acted yet: activity coming back closes the signal as safe. */
static void
test_closes_when_untouched (void)
{
  gint64 now = WED_AFTERNOON;
  IngestFixture *fixture = ingest_fixture_new (now, long_offline);
  g_autofree char *household = raise_inactivity (fixture, "PLUG-A", TRUE, now, NULL);
  g_autoptr(GPtrArray) alerts = NULL;

  tick (fixture, now + 5 * MINUTE);
  post (fixture, "PLUG-A", now + MINUTE, now + 5 * MINUTE, now + 2 * MINUTE, now + 4 * MINUTE);
  alerts = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (alerts->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (alerts->pdata[0], "state"), ==, "resolved");
  g_assert_cmpstr (json_object_get_string_member (alerts->pdata[0], "resolution"), ==, "safe");
  ingest_fixture_free (fixture);
}

/* A planner resolved the signal (reached the resident, who is fine) while the
 * plug still shows no change: no new signal at once for the same silence; the
 * household's countdown (24 h here) starts again from the resolution. */
static void
test_resolved_restarts_countdown (void)
{
  gint64 now = WED_AFTERNOON;
  IngestFixture *fixture = ingest_fixture_new (now, long_offline);
  g_autofree char *alert_id = NULL;
  g_autofree char *household = raise_inactivity (fixture, "PLUG-A", TRUE, now, &alert_id);
  g_autofree char *at = ingest_time (now + 10 * MINUTE);
  g_autofree char *resolve = g_strdup_printf ("{\"id\": \"%s\", \"resolution\": \"safe\", \"at\": \"%s\"}",
                                              alert_id, at);
  g_autoptr(GPtrArray) after_resolve = NULL;
  g_autoptr(GPtrArray) next_day = NULL;
  g_autoptr(GPtrArray) day_after = NULL;
  guint open = 0;

  tick (fixture, now + 10 * MINUTE);
  json_object_unref (ingest_push (fixture, "alert.resolve", resolve));
  tick (fixture, now + 20 * MINUTE);
  post (fixture, "PLUG-A", now + MINUTE, now + 20 * MINUTE, 0, 0);
  after_resolve = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (after_resolve->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (after_resolve->pdata[0], "state"), ==, "resolved");

  /* Still silent 23 h 50 min after the resolution: nothing new. */
  tick (fixture, now + 24 * HOUR);
  post (fixture, "PLUG-A", now + 21 * MINUTE, now + 24 * HOUR, 0, 0);
  next_day = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (next_day->len, ==, 1);

  /* A full threshold after the resolution the silence is signalled again. */
  tick (fixture, now + 24 * HOUR + 15 * MINUTE);
  post (fixture, "PLUG-A", now + 24 * HOUR + MINUTE, now + 24 * HOUR + 15 * MINUTE, 0, 0);
  day_after = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (day_after->len, ==, 2);
  for (guint i = 0; i < day_after->len; i++)
    if (g_strcmp0 (json_object_get_string_member (day_after->pdata[i], "state"), "open") == 0)
      open++;
  g_assert_cmpuint (open, ==, 1);
  ingest_fixture_free (fixture);
}

/* Raising the threshold does not close a signal: only returning activity
 * (or an absence) does. */
static void
test_threshold_edit_keeps_signal (void)
{
  gint64 now = WED_AFTERNOON;
  IngestFixture *fixture = ingest_fixture_new (now, long_offline);
  g_autofree char *household = raise_inactivity (fixture, "PLUG-A", TRUE, now, NULL);
  g_autofree char *update = g_strdup_printf ("{\"id\": \"%s\", \"base_version\": 1,"
                                             " \"fields\": {\"threshold_hours\": 48}}", household);
  g_autoptr(GPtrArray) alerts = NULL;

  json_object_unref (ingest_push (fixture, "household.update", update));
  tick (fixture, now + MINUTE);
  alerts = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (alerts->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (alerts->pdata[0], "state"), ==, "open");
  ingest_fixture_free (fixture);
}

typedef struct
{
  const char *name;
  gint64      moment;
  const char *with_consent;   /* responder */
  gboolean    waits;          /* without consent */
  gint64      waits_until;
} RoutingCase;

static void
check_routing (gconstpointer data)
{
  const RoutingCase *c = data;
  IngestFixture *fixture = ingest_fixture_new (c->moment, long_offline);
  g_autofree char *consenting = raise_inactivity (fixture, "PLUG-YES", TRUE, c->moment, NULL);
  g_autofree char *refusing = raise_inactivity (fixture, "PLUG-NO", FALSE, c->moment, NULL);
  g_autoptr(GPtrArray) yes = ingest_alerts (fixture, NULL, consenting);
  g_autoptr(GPtrArray) no = ingest_alerts (fixture, NULL, refusing);

  g_assert_cmpstr (json_object_get_string_member (yes->pdata[0], "responder"), ==, c->with_consent);
  g_assert_false (json_object_get_boolean_member (yes->pdata[0], "waiting"));
  g_assert_cmpstr (json_object_get_string_member (no->pdata[0], "responder"), ==, "dong");
  g_assert_cmpint (json_object_get_boolean_member (no->pdata[0], "waiting"), ==, c->waits);
  if (c->waits)
    g_assert_cmpint (ingest_member_time (no->pdata[0], "waiting_until"), ==, c->waits_until);
  else
    g_assert_false (json_object_has_member (no->pdata[0], "waiting_until"));
  ingest_fixture_free (fixture);
}

/* At 09:00 the next business morning both night signals go to the 동. */
static void
test_reroute_in_the_morning (void)
{
  IngestFixture *fixture = ingest_fixture_new (WED_NIGHT, long_offline);
  g_autofree char *consenting = raise_inactivity (fixture, "PLUG-YES", TRUE, WED_NIGHT, NULL);
  g_autofree char *refusing = raise_inactivity (fixture, "PLUG-NO", FALSE, WED_NIGHT, NULL);
  g_autoptr(GPtrArray) yes = NULL;
  g_autoptr(GPtrArray) no = NULL;
  g_autoptr(AnbuTestResponse) early = ingest_tick (fixture, THU_MORNING - MINUTE);
  g_autoptr(AnbuTestResponse) morning = NULL;

  g_assert_cmpint (json_object_get_int_member (anbu_test_response_object (early), "rerouted"), ==, 0);
  morning = ingest_tick (fixture, THU_MORNING);
  g_assert_cmpint (json_object_get_int_member (anbu_test_response_object (morning), "rerouted"), ==, 2);
  yes = ingest_alerts (fixture, NULL, consenting);
  no = ingest_alerts (fixture, NULL, refusing);
  g_assert_cmpstr (json_object_get_string_member (yes->pdata[0], "responder"), ==, "dong");
  g_assert_cmpstr (json_object_get_string_member (no->pdata[0], "responder"), ==, "dong");
  g_assert_false (json_object_get_boolean_member (no->pdata[0], "waiting"));
  ingest_fixture_free (fixture);
}

/* Stopped 20 h into a 24 h countdown and started again 3 h later: the
 * countdown neither restarted nor was lost. */
static void
test_restart_mid_countdown (void)
{
  gint64 start = WED_AFTERNOON;
  gint64 last_activity = start - 20 * HOUR;
  IngestFixture *fixture = ingest_fixture_new (start, long_offline);
  g_autofree char *household = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-A",
                                                     last_activity - 2 * HOUR);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;

  post (fixture, "PLUG-A", last_activity - HOUR, start, last_activity - 10 * MINUTE, last_activity);
  ingest_fixture_restart (fixture, start + 3 * HOUR);
  tick (fixture, start + 4 * HOUR - MINUTE);
  post (fixture, "PLUG-A", start + MINUTE, start + 4 * HOUR - MINUTE, 0, 0);
  before = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (before->len, ==, 0);
  tick (fixture, start + 4 * HOUR);
  post (fixture, "PLUG-A", start + 4 * HOUR, start + 4 * HOUR, 0, 0);
  after = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpint (ingest_member_time (after->pdata[0], "quiet_since"), ==, last_activity);

  /* A second restart changes nothing: still one signal, same countdown. */
  ingest_fixture_restart (fixture, start + 5 * HOUR);
  g_clear_pointer (&after, g_ptr_array_unref);
  after = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpint (json_object_get_int_member (after->pdata[0], "version"), ==, 1);
  ingest_fixture_free (fixture);
}

static const RoutingCase routing_cases[] = {
  { "/anbu/signals/routing/business-afternoon", WED_AFTERNOON, "dong", FALSE, 0 },
  { "/anbu/signals/routing/weeknight", WED_NIGHT, "control", TRUE, THU_MORNING },
  { "/anbu/signals/routing/chuseok", CHUSEOK_AFTERNOON, "control", TRUE, FRI_AFTER_CHUSEOK },
  { "/anbu/signals/routing/substitute-holiday", SUBSTITUTE_AFTERNOON, "control", TRUE, FRI_AFTER_CHUSEOK },
};

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/signals/inactivity-at-threshold", test_inactivity_at_threshold);
  g_test_add_func ("/anbu/signals/offline", test_offline);
  g_test_add_func ("/anbu/signals/absence-suppresses", test_absence_suppresses);
  g_test_add_func ("/anbu/signals/escalation", test_escalation);
  g_test_add_func ("/anbu/signals/closes-when-untouched", test_closes_when_untouched);
  g_test_add_func ("/anbu/signals/resolved-restarts-countdown", test_resolved_restarts_countdown);
  g_test_add_func ("/anbu/signals/threshold-edit-keeps-signal", test_threshold_edit_keeps_signal);
  for (guint i = 0; i < G_N_ELEMENTS (routing_cases); i++)
    g_test_add_data_func (routing_cases[i].name, &routing_cases[i], check_routing);
  g_test_add_func ("/anbu/signals/reroute-in-the-morning", test_reroute_in_the_morning);
  g_test_add_func ("/anbu/signals/restart-mid-countdown", test_restart_mid_countdown);

  return g_test_run ();
}
