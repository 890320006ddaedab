/* SPDX-License-Identifier: GPL-3.0-or-later */
/* POST /api/v1/telemetry: per-entry rejections, duplicates, activity
 * events, daylight, plug live fields. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "anbu-ingest-fixture.h"

#define DONG "1111051500"
/* Wednesday 2026-11-25 14:00 KST. */
#define NOW ((gint64) 1795582800)

static JsonObject *
answer (AnbuTestResponse *response)
{
  return anbu_test_response_object (response);
}

static const char *
rejection_code (JsonObject *object,
                guint       index)
{
  JsonArray *rejections = json_object_get_array_member (object, "rejections");

  for (guint i = 0; i < json_array_get_length (rejections); i++)
    {
      JsonObject *rejection = json_array_get_object_element (rejections, i);

      if ((guint) json_object_get_int_member (rejection, "index") == index)
        return json_object_get_string_member (rejection, "code");
    }
  return NULL;
}

static char *
reading (const char *serial,
         gint64      t,
         const char *watts,
         const char *lux)
{
  g_autofree char *ts = ingest_time (t);

  return g_strdup_printf ("{\"serial\": \"%s\", \"ts\": \"%s\", \"watts\": %s, \"lux\": %s}",
                          serial, ts, watts, lux);
}

/* One batch with one entry of every bad kind between good ones: each bad
 * entry is rejected with its own code, the good ones are stored. */
static void
test_rejections (void)
{
  IngestFixture *fixture = ingest_fixture_new (NOW, NULL);
  g_autofree char *household = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-A", NOW - 3600);
  g_autofree char *other = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-GONE", NOW - 3600);
  g_autofree char *removal = NULL;
  g_autoptr(AnbuTestResponse) response = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *body = NULL;
  JsonObject *object;
  struct { const char *code; char *item; } cases[] = {
    { NULL, reading ("PLUG-A", NOW - 600, "3.5", "10") },
    { "unknown_serial", reading ("PLUG-NOBODY", NOW - 600, "3.5", "10") },
    { "removed_serial", reading ("PLUG-GONE", NOW - 600, "3.5", "10") },
    { "future", reading ("PLUG-A", NOW + 360, "3.5", "10") },
    { NULL, reading ("PLUG-A", NOW + 240, "3.5", "10") },
    { "not_a_number", reading ("PLUG-A", NOW - 540, "null", "10") },
    { "not_a_number", reading ("PLUG-A", NOW - 480, "3.5", "\"NaN\"") },
    { "negative", reading ("PLUG-A", NOW - 420, "-1", "10") },
    { "negative", reading ("PLUG-A", NOW - 360, "3", "-0.5") },
    { "out_of_range", reading ("PLUG-A", NOW - 300, "25000", "10") },
    { "out_of_range", reading ("PLUG-A", NOW - 240, "3", "500000") },
    { "missing_field", g_strdup ("{\"serial\": \"PLUG-A\", \"watts\": 1, \"lux\": 1}") },
    { "wrong_type", g_strdup ("{\"serial\": \"PLUG-A\", \"ts\": 5, \"watts\": 1, \"lux\": 1}") },
    { "invalid_value", reading ("PLUG-A", NOW - 180, "3", "1") },
    { "wrong_type", g_strdup ("[1, 2]") },
    { NULL, reading ("PLUG-A", NOW - 120, "3.5", "10") },
  };

  /* The invalid time: no offset. */
  g_free (cases[13].item);
  cases[13].item = g_strdup ("{\"serial\": \"PLUG-A\", \"ts\": \"2026-11-25 14:00\", \"watts\": 1, \"lux\": 1}");

  {
    g_autofree char *at = ingest_time (NOW - 1800);

    removal = g_strdup_printf ("{\"serial\": \"PLUG-GONE\", \"reason\": \"moved\", \"at\": \"%s\"}", at);
  }
  json_object_unref (ingest_push (fixture, "plug.remove", removal));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_ptr_array_add (items, cases[i].item);
  g_ptr_array_add (items, NULL);
  body = g_strjoinv (",", (char **) items->pdata);
  response = ingest_post (fixture, body);
  object = answer (response);

  g_assert_cmpint (json_object_get_int_member (object, "accepted"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (object, "duplicate"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (object, "rejected"), ==, G_N_ELEMENTS (cases) - 3);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpstr (rejection_code (object, i), ==, cases[i].code);

  ingest_fixture_free (fixture);
}

/* A gateway's operator reads why readings were refused in the server's
 * language: under Korean every rejection and a malformed batch say so in
 * Korean (they were English whatever the locale). */
static void
test_rejections_translated (void)
{
  IngestFixture *fixture = NULL;
  g_autofree char *household = NULL;
  g_autofree char *unknown = NULL;
  g_autofree char *future = NULL;
  g_autofree char *body = NULL;
  g_autoptr(AnbuTestResponse) response = NULL;
  g_autoptr(AnbuTestResponse) malformed = NULL;
  JsonArray *rejections;
  JsonObject *object;

  g_setenv ("LANGUAGE", "ko", TRUE);
  g_setenv ("ANBU_UNINSTALLED", "1", TRUE);
  fixture = ingest_fixture_new (NOW, NULL);
  household = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-A", NOW - 3600);
  unknown = reading ("PLUG-NOBODY", NOW - 600, "3.5", "10");
  future = reading ("PLUG-A", NOW + 360, "3.5", "10");
  body = g_strjoin (",", unknown, future, NULL);
  response = ingest_post (fixture, body);
  object = answer (response);
  rejections = json_object_get_array_member (object, "rejections");
  g_assert_cmpuint (json_array_get_length (rejections), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rejections, 0),
                                                  "message"),
                   ==, "이 일련번호로 설치된 플러그가 없습니다");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rejections, 1),
                                                  "message"),
                   ==, "측정 시각이 5분 넘게 미래입니다");

  malformed = anbu_test_request (fixture->server, "POST", "/api/v1/telemetry",
                                 fixture->gateway_token, "{\"rows\": []}");
  g_assert_cmpuint (malformed->status, ==, 400);
  g_assert_nonnull (strstr (anbu_test_response_error_message (malformed), "형식이어야 합니다"));

  ingest_fixture_free (fixture);
  g_unsetenv ("LANGUAGE");
}

/* Only a gateway credential may post telemetry; a planner's token may not. */
static void
test_needs_gateway (void)
{
  IngestFixture *fixture = ingest_fixture_new (NOW, NULL);
  g_autofree char *planner = ingest_add_user (fixture, "planner", "planner", DONG);
  g_autoptr(AnbuTestResponse) none = anbu_test_request (fixture->server, "POST", "/api/v1/telemetry",
                                                        NULL, "{\"readings\": []}");
  g_autoptr(AnbuTestResponse) wrong = anbu_test_request (fixture->server, "POST", "/api/v1/telemetry",
                                                         planner, "{\"readings\": []}");
  g_autoptr(AnbuTestResponse) envelope = anbu_test_request (fixture->server, "POST",
                                                            "/api/v1/telemetry",
                                                            fixture->gateway_token, "{\"rows\": []}");

  g_assert_cmpuint (none->status, ==, 401);
  g_assert_cmpstr (anbu_test_response_error_code (none), ==, "unauthorized");
  g_assert_cmpuint (wrong->status, ==, 401);
  g_assert_cmpuint (envelope->status, ==, 400);
  g_assert_cmpstr (anbu_test_response_error_field (envelope), ==, "readings");
  ingest_fixture_free (fixture);
}

/* A resent batch is all duplicates; the same (serial, ts) twice in one
 * batch is stored once. */
static void
test_duplicates (void)
{
  IngestFixture *fixture = ingest_fixture_new (NOW, NULL);
  g_autofree char *household = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-A", NOW - 7200);
  g_autofree char *items = ingest_readings_json ("PLUG-A", NOW - 3600, 60, 30, 3, 80, NOW - 3000,
                                                 NOW - 2400, NULL);
  g_autofree char *twice = NULL;
  g_autoptr(AnbuTestResponse) first = ingest_post (fixture, items);
  g_autoptr(AnbuTestResponse) again = ingest_post (fixture, items);
  g_autoptr(AnbuTestResponse) inner = NULL;
  g_autofree char *one = reading ("PLUG-A", NOW - 60, "3", "0");
  g_autofree char *other_value = reading ("PLUG-A", NOW - 60, "90", "0");

  g_assert_cmpint (json_object_get_int_member (answer (first), "accepted"), ==, 30);
  g_assert_cmpint (json_object_get_int_member (answer (again), "accepted"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (answer (again), "duplicate"), ==, 30);

  twice = g_strdup_printf ("%s,%s", one, other_value);
  inner = ingest_post (fixture, twice);
  g_assert_cmpint (json_object_get_int_member (answer (inner), "accepted"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (answer (inner), "duplicate"), ==, 1);

  ingest_fixture_free (fixture);
}

static JsonObject *
series_plug (IngestFixture     *fixture,
             const char        *household,
             gint64             from,
             gint64             to,
             const char        *bucket,
             AnbuTestResponse **keep)
{
  g_autofree char *from_text = ingest_time (from);
  g_autofree char *to_text = ingest_time (to);
  g_autofree char *path = g_strdup_printf ("/api/v1/households/%s/series?from=%s&to=%s&bucket=%s",
                                           household, from_text, to_text, bucket);
  JsonArray *plugs;

  *keep = anbu_test_request (fixture->server, "GET", path, fixture->admin_token, NULL);
  g_assert_cmpuint ((*keep)->status, ==, 200);
  plugs = json_object_get_array_member (anbu_test_response_object (*keep), "plugs");
  g_assert_cmpuint (json_array_get_length (plugs), ==, 1);
  return json_array_get_object_element (plugs, 0);
}

/* Daylight: a smooth rise and fall of light over the day. */
static double
daylight_lux (gint64 t)
{
  double hour = fmod ((double) (t + 9 * 3600) / 3600.0, 24.0);

  if (hour < 6 || hour > 19)
    return 0.5;
  return 0.5 + 300.0 * sin (G_PI * (hour - 6) / 13.0);
}

/* A plug whose light follows only daylight and whose power stays at
 * standby has no activity events, and the household is signalled at its
 * threshold. A TV switched on and off gives two events. */
static void
test_daylight_never_counts (void)
{
  IngestFixture *fixture = ingest_fixture_new (NOW, NULL);
  gint64 start = NOW - 30 * 3600;
  g_autofree char *quiet = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-Q", start - 60);
  g_autofree char *busy = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-B", start - 60);
  g_autoptr(AnbuTestResponse) keep_quiet = NULL;
  g_autoptr(AnbuTestResponse) keep_busy = NULL;
  g_autoptr(GPtrArray) quiet_alerts = NULL;
  g_autoptr(GPtrArray) busy_alerts = NULL;
  JsonObject *plug;
  JsonArray *events;

  ingest_post_span (fixture, "PLUG-Q", start, NOW, 60, 2.5, 2.5, 0, 0, daylight_lux);
  ingest_post_span (fixture, "PLUG-B", start, NOW, 60, 2.5, 95.0, NOW - 7200, NOW - 3600, daylight_lux);

  plug = series_plug (fixture, quiet, start, NOW + 60, "1h", &keep_quiet);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (plug, "events")), ==, 0);
  plug = series_plug (fixture, busy, start, NOW + 60, "1h", &keep_busy);
  events = json_object_get_array_member (plug, "events");
  g_assert_cmpuint (json_array_get_length (events), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (events, 0), "kind"),
                   ==, "power_on");

  quiet_alerts = ingest_alerts (fixture, NULL, quiet);
  busy_alerts = ingest_alerts (fixture, NULL, busy);
  g_assert_cmpuint (quiet_alerts->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (quiet_alerts->pdata[0], "kind"), ==, "inactivity");
  g_assert_cmpuint (busy_alerts->len, ==, 0);
  ingest_fixture_free (fixture);
}

/* A late reading between two stored ones is accepted, and the events
 * around it are computed again: a power spike that arrives late is seen. */
static void
test_out_of_order (void)
{
  IngestFixture *fixture = ingest_fixture_new (NOW, NULL);
  g_autofree char *household = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-A", NOW - 7200);
  g_autofree char *first = reading ("PLUG-A", NOW - 180, "3", "0");
  g_autofree char *last = reading ("PLUG-A", NOW - 60, "3", "0");
  g_autofree char *late = reading ("PLUG-A", NOW - 120, "120", "0");
  g_autofree char *pair = g_strdup_printf ("%s,%s", first, last);
  g_autoptr(AnbuTestResponse) a = ingest_post (fixture, pair);
  g_autoptr(AnbuTestResponse) b = ingest_post (fixture, late);
  g_autoptr(AnbuTestResponse) keep = NULL;
  JsonObject *plug;

  g_assert_cmpint (json_object_get_int_member (answer (b), "accepted"), ==, 1);
  plug = series_plug (fixture, household, NOW - 3600, NOW, "1h", &keep);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (plug, "events")), ==, 2);
  ingest_fixture_free (fixture);
}

/* A TV on in the dark, and its screen's first flicker at the sensor:
 * small light steps of unlike sizes, held back until there are three, then
 * the screen's. A reading resent late in between must not report the step
 * the live detector still holds: only the TV's switching is activity. */
static void
test_late_reading_keeps_held_step (void)
{
  IngestFixture *fixture = ingest_fixture_new (NOW, NULL);
  g_autofree char *household = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-S", NOW - 7200);
  static const struct { gint64 ago; const char *watts, *lux; } live[] = {
    { 900, "3", "2" }, { 840, "120", "2" }, { 780, "120", "2" }, { 720, "120", "2" },
    { 600, "120", "2" }, { 540, "120", "40" }, { 480, "120", "40" },
  };
  static const struct { gint64 ago; const char *watts, *lux; } flicker[] = {
    { 420, "120", "2" }, { 360, "120", "30" }, { 300, "120", "30" },
  };
  g_autoptr(GString) first = g_string_new (NULL);
  g_autoptr(GString) rest = g_string_new (NULL);
  g_autofree char *late = reading ("PLUG-S", NOW - 660, "120", "2");
  g_autoptr(AnbuTestResponse) a = NULL;
  g_autoptr(AnbuTestResponse) b = NULL;
  g_autoptr(AnbuTestResponse) c = NULL;
  g_autoptr(AnbuTestResponse) keep = NULL;
  JsonArray *events;

  for (guint i = 0; i < G_N_ELEMENTS (live); i++)
    {
      g_autofree char *item = reading ("PLUG-S", NOW - live[i].ago, live[i].watts, live[i].lux);

      g_string_append_printf (first, "%s%s", i > 0 ? "," : "", item);
    }
  for (guint i = 0; i < G_N_ELEMENTS (flicker); i++)
    {
      g_autofree char *item = reading ("PLUG-S", NOW - flicker[i].ago, flicker[i].watts,
                                       flicker[i].lux);

      g_string_append_printf (rest, "%s%s", i > 0 ? "," : "", item);
    }
  a = ingest_post (fixture, first->str);
  b = ingest_post (fixture, late);
  g_assert_cmpint (json_object_get_int_member (answer (b), "accepted"), ==, 1);
  c = ingest_post (fixture, rest->str);
  g_assert_cmpint (json_object_get_int_member (answer (c), "accepted"), ==, G_N_ELEMENTS (flicker));
  events = json_object_get_array_member (series_plug (fixture, household, NOW - 3600, NOW + 60,
                                                      "1h", &keep),
                                         "events");
  g_assert_cmpuint (json_array_get_length (events), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (events, 0), "kind"),
                   ==, "power_on");
  ingest_fixture_free (fixture);
}

typedef struct
{
  guint  pending;
  GPtrArray *answers;   /* GBytes */
  gboolean done;
} Concurrent;

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Concurrent *c = user_data;
  g_autoptr(GError) error = NULL;
  GBytes *bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  g_assert_no_error (error);
  g_ptr_array_add (c->answers, bytes);
  if (--c->pending == 0)
    c->done = TRUE;
}

/* Four gateways posting at once (stored in one commit): every batch gets
 * its own answer; a duplicate inside one does not leak into another. */
static void
test_concurrent_batches (void)
{
  IngestFixture *fixture = ingest_fixture_new (NOW, NULL);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns-per-host", 8, NULL);
  g_autofree char *url = g_strconcat (fixture->server->url, "/api/v1/telemetry", NULL);
  g_autofree char *auth = g_strconcat ("Bearer ", fixture->gateway_token, NULL);
  Concurrent c = { 0, g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref), FALSE };
  guint accepted = 0, duplicate = 0;

  soup_session_set_proxy_resolver (session, NULL);
  for (guint g = 0; g < 3; g++)
    {
      g_autofree char *serial = g_strdup_printf ("PLUG-%u", g);

      g_free (ingest_add_household (fixture, DONG, TRUE, 24, serial, NOW - 7200));
    }
  /* All four in flight together. */
  c.pending = 4;
  for (guint g = 0; g < 4; g++)
    {
      g_autofree char *serial = g_strdup_printf ("PLUG-%u", g);
      /* Gateway 3 sends gateway 0's plug again: duplicates of one of them. */
      g_autofree char *items = ingest_readings_json (g == 3 ? "PLUG-0" : serial, NOW - 3600, 60, 50,
                                                     3, 3, 0, 0, NULL);
      g_autofree char *body = g_strdup_printf ("{\"readings\": [%s]}", items);
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, &c);
    }
  anbu_test_wait_for (&c.done);
  for (guint i = 0; i < c.answers->len; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      GBytes *bytes = c.answers->pdata[i];
      JsonObject *object;

      g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                                 (gssize) g_bytes_get_size (bytes), NULL));
      object = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpint (json_object_get_int_member (object, "rejected"), ==, 0);
      accepted += json_object_get_int_member (object, "accepted");
      duplicate += json_object_get_int_member (object, "duplicate");
    }
  g_assert_cmpuint (accepted, ==, 150);
  g_assert_cmpuint (duplicate, ==, 50);
  g_ptr_array_unref (c.answers);
  ingest_fixture_free (fixture);
}

/* The latest record of plug `serial` among the changes pulled since
 * `*cursor` (moved on), or NULL when the plug did not change. */
static JsonObject *
pull_plug (IngestFixture  *fixture,
           char          **cursor,
           const char     *serial)
{
  g_autoptr(JsonArray) changes = anbu_test_pull (fixture->server, fixture->admin_token, cursor,
                                                 0, NULL);
  JsonObject *found = NULL;

  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (g_strcmp0 (json_object_get_string_member (change, "kind"), "plug") == 0
          && g_strcmp0 (json_object_get_string_member (change, "id"), serial) == 0
          && json_object_has_member (change, "record"))
        found = json_object_get_object_member (change, "record");
    }
  return found != NULL ? json_object_ref (found) : NULL;
}

static gint64
record_time (JsonObject *record,
             const char *member)
{
  g_autoptr(GDateTime) dt = NULL;

  g_assert_true (json_object_has_member (record, member));
  dt = g_date_time_new_from_iso8601 (json_object_get_string_member (record, member), NULL);
  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt);
}

/* A lamp on a timer (19:00–23:00 KST every day): after a few days the
 * plug's detector has learned it, leaves its switching out of activity, and
 * the synced plug record says so for the household page. */
static void
test_timer_learned_in_record (void)
{
  /* Five local days, 2026-11-20 00:00 KST onwards. */
  gint64 day0 = (gint64) 1795100400;
  gint64 end = day0 + 5 * 86400;
  IngestFixture *fixture = ingest_fixture_new (end, NULL);
  g_autofree char *household = ingest_add_household (fixture, DONG, FALSE, 24, "PLUG-TIMER",
                                                     day0 - 3600);
  g_autofree char *cursor = NULL;
  g_autoptr(JsonObject) record = NULL;
  JsonObject *learned;
  const char *text;

  for (gint64 d = 0; d < 5; d++)
    ingest_post_span (fixture, "PLUG-TIMER", day0 + d * 86400, day0 + (d + 1) * 86400 - 60, 60,
                      0.4, 10.0, day0 + d * 86400 + 19 * 3600, day0 + d * 86400 + 23 * 3600,
                      NULL);
  anbu_test_response_free (ingest_tick (fixture, end));
  record = pull_plug (fixture, &cursor, "PLUG-TIMER");
  g_assert_nonnull (record);
  /* The last activity is the timer's switching of the first days only. */
  g_assert_cmpint (record_time (record, "last_activity_at"), <, day0 + 3 * 86400);
  learned = json_object_get_object_member (record, "activity_learned");
  g_assert_nonnull (learned);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (learned, "timers")), ==, 2);
  text = json_object_get_string_member (record, "activity_learned_text");
  g_assert_cmpstr (text, ==, "Every day 19:00 on·23:00 off: judged a timer, not counted as activity");
  ingest_fixture_free (fixture);
}

/* A lamp on a timer set to a random minute each day (on within 30 minutes
 * of 19:00, off within 30 of 23:00), the plug's only switching: from its
 * fourteenth day the plug's detector has learned it, the synced record
 * says so for the household page, and the silence since is a silence: the
 * household's risk signal is open by the seventeenth day. */
static void
test_random_timer_learned_in_record (void)
{
  gint64 day0 = (gint64) 1795100400;
  const gint64 days = 17;
  gint64 end = day0 + days * 86400;
  IngestFixture *fixture = ingest_fixture_new (end, NULL);
  g_autofree char *household = ingest_add_household (fixture, DONG, FALSE, 24, "PLUG-RANDOM",
                                                     day0 - 3600);
  g_autofree char *cursor = NULL;
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  JsonObject *learned;
  guint inactivity = 0;

  for (gint64 d = 0; d < days; d++)
    {
      gint64 midnight = day0 + d * 86400;

      ingest_post_span (fixture, "PLUG-RANDOM", midnight, midnight + 86400 - 60, 60, 0.4, 25.0,
                        midnight + (19 * 60 - 30 + d * 37 % 61) * 60,
                        midnight + (23 * 60 - 30 + d * 53 % 61) * 60, NULL);
    }
  anbu_test_response_free (ingest_tick (fixture, end));
  record = pull_plug (fixture, &cursor, "PLUG-RANDOM");
  g_assert_nonnull (record);
  g_assert_cmpint (record_time (record, "last_activity_at"), <, day0 + 14 * 86400);
  learned = json_object_get_object_member (record, "activity_learned");
  g_assert_true (json_object_has_member (learned, "random_timer"));
  g_assert_nonnull (strstr (json_object_get_string_member (record, "activity_learned_text"),
                            "(a random minute each day): judged a timer, not counted as activity"));
  alerts = ingest_alerts (fixture, NULL, household);
  for (guint i = 0; i < alerts->len; i++)
    inactivity += g_strcmp0 (json_object_get_string_member (alerts->pdata[i], "kind"),
                             "inactivity") == 0;
  g_assert_cmpuint (inactivity, ==, 1);
  ingest_fixture_free (fixture);
}

/* A planner's plug.mark, pushed as the app pushes it (POST /api/v1/mutations
 * with the planner's token). */
static void
push_mark (IngestFixture *fixture,
           const char    *token,
           const char    *serial,
           const char    *mark)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *entries = g_strdup_printf ("[{\"id\": \"%s\", \"kind\": \"plug.mark\","
                                              " \"payload\": {\"serial\": \"%s\", \"mark\": \"%s\"}}]",
                                              id, serial, mark);
  g_autoptr(AnbuTestResponse) response = NULL;
  JsonArray *results = anbu_test_push (fixture->server, token, entries, &response);
  JsonObject *result = json_array_get_object_element (results, 0);

  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "record"),
                                                  "activity_mark"), ==, mark);
}

/* A day of a timer lamp (10 W, 19:00–23:00 KST) on `serial`, or standby only. */
static void
post_timer_day (IngestFixture *fixture,
                const char    *serial,
                gint64         day_start,
                gboolean       timer_on)
{
  ingest_post_span (fixture, serial, day_start, day_start + 86400 - 60, 60, 0.4,
                    timer_on ? 10.0 : 0.4, day_start + 19 * 3600, day_start + 23 * 3600, NULL);
}

/* The planner marks the learned timer of one plug "a person": from then on
 * its switching is the resident's activity again, and the household's
 * quiet restarts with it; the same timer on an unmarked plug stays left
 * out. */
static void
test_mark_person_counts_again (void)
{
  gint64 day0 = (gint64) 1795100400; /* 2026-11-20 00:00 KST */
  gint64 end = day0 + 6 * 86400;
  IngestFixture *fixture = ingest_fixture_new (end, NULL);
  g_autofree char *marked = ingest_add_household (fixture, DONG, FALSE, 24, "PLUG-MARKED", day0 - 3600);
  g_autofree char *unmarked = ingest_add_household (fixture, DONG, FALSE, 24, "PLUG-PLAIN",
                                                    day0 - 3600);
  g_autofree char *planner = ingest_add_user (fixture, "kim.planner", "planner", DONG);
  g_autofree char *cursor = NULL;
  g_autoptr(JsonObject) record_marked = NULL;
  g_autoptr(JsonObject) record_plain = NULL;

  for (gint64 d = 0; d < 5; d++)
    {
      post_timer_day (fixture, "PLUG-MARKED", day0 + d * 86400, TRUE);
      post_timer_day (fixture, "PLUG-PLAIN", day0 + d * 86400, TRUE);
    }
  anbu_test_response_free (ingest_tick (fixture, end));
  record_marked = pull_plug (fixture, &cursor, "PLUG-MARKED");
  g_assert_nonnull (record_marked);
  g_assert_cmpint (record_time (record_marked, "last_activity_at"), <, day0 + 3 * 86400);
  g_clear_pointer (&record_marked, json_object_unref);

  push_mark (fixture, planner, "PLUG-MARKED", "person");
  post_timer_day (fixture, "PLUG-MARKED", day0 + 5 * 86400, TRUE);
  post_timer_day (fixture, "PLUG-PLAIN", day0 + 5 * 86400, TRUE);
  anbu_test_response_free (ingest_tick (fixture, end));

  g_clear_pointer (&cursor, g_free);
  record_marked = pull_plug (fixture, &cursor, "PLUG-MARKED");
  g_clear_pointer (&cursor, g_free);
  record_plain = pull_plug (fixture, &cursor, "PLUG-PLAIN");
  g_assert_nonnull (record_marked);
  g_assert_nonnull (record_plain);
  /* The 23:00 switch-off of the last day is the resident's now. */
  g_assert_cmpint (record_time (record_marked, "last_activity_at"), ==, day0 + 5 * 86400 + 23 * 3600);
  g_assert_cmpint (record_time (record_plain, "last_activity_at"), <, day0 + 3 * 86400);
  g_assert_cmpstr (json_object_get_string_member (record_marked, "activity_mark"), ==, "person");
  g_assert_cmpstr (json_object_get_string_member (record_marked, "activity_learned_text"), ==,
                   "Every day 19:00 on·23:00 off: marked a person's, counted as activity");
  ingest_fixture_free (fixture);
}

/* A plug.mark saves the plug record: what the detector learned stays in
 * it (the facts and the sentence the household page shows), not only
 * after the next publication of the live fields. */
static void
test_mark_keeps_learned (void)
{
  gint64 day0 = (gint64) 1795100400; /* 2026-11-20 00:00 KST */
  gint64 end = day0 + 5 * 86400;
  IngestFixture *fixture = ingest_fixture_new (end, NULL);
  g_autofree char *household = ingest_add_household (fixture, DONG, FALSE, 24, "PLUG-MARKED",
                                                     day0 - 3600);
  g_autofree char *planner = ingest_add_user (fixture, "kim.planner", "planner", DONG);
  g_autofree char *cursor = NULL;
  g_autoptr(JsonObject) record = NULL;
  JsonObject *learned;

  for (gint64 d = 0; d < 5; d++)
    post_timer_day (fixture, "PLUG-MARKED", day0 + d * 86400, TRUE);
  anbu_test_response_free (ingest_tick (fixture, end));
  record = pull_plug (fixture, &cursor, "PLUG-MARKED");
  g_assert_nonnull (record);
  g_assert_true (json_object_has_member (record, "activity_learned"));
  g_clear_pointer (&record, json_object_unref);

  /* No readings and no tick after the mark: the record pulled is the one
   * the mutation saved. */
  push_mark (fixture, planner, "PLUG-MARKED", "machine");
  record = pull_plug (fixture, &cursor, "PLUG-MARKED");
  g_assert_nonnull (record);
  g_assert_cmpstr (json_object_get_string_member (record, "activity_mark"), ==, "machine");
  g_assert_true (json_object_has_member (record, "activity_learned"));
  learned = json_object_get_object_member (record, "activity_learned");
  g_assert_nonnull (learned);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (learned, "timers")), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (record, "activity_learned_text"), ==,
                   "Every day 19:00 on·23:00 off: judged a timer, not counted as activity");
  ingest_fixture_free (fixture);
}

/* The planner marks a learned timer "a machine": when it comes back after
 * ten days off its timer (longer than the learner keeps a timer unseen), it
 * does not make the silent home look lived in; unmarked, it does. */
static void
test_mark_machine_stays_excluded (void)
{
  gint64 day0 = (gint64) 1795100400; /* 2026-11-20 00:00 KST */
  gint64 end = day0 + 17 * 86400;
  IngestFixture *fixture = ingest_fixture_new (end, NULL);
  g_autofree char *marked = ingest_add_household (fixture, DONG, FALSE, 24, "PLUG-MARKED", day0 - 3600);
  g_autofree char *unmarked = ingest_add_household (fixture, DONG, FALSE, 24, "PLUG-PLAIN",
                                                    day0 - 3600);
  g_autofree char *planner = ingest_add_user (fixture, "kim.planner", "planner", DONG);
  g_autofree char *cursor = NULL;
  g_autoptr(JsonObject) record_marked = NULL;
  g_autoptr(JsonObject) record_plain = NULL;

  for (gint64 d = 0; d < 5; d++)
    {
      post_timer_day (fixture, "PLUG-MARKED", day0 + d * 86400, TRUE);
      post_timer_day (fixture, "PLUG-PLAIN", day0 + d * 86400, TRUE);
    }
  push_mark (fixture, planner, "PLUG-MARKED", "machine");
  for (gint64 d = 5; d < 17; d++)
    {
      post_timer_day (fixture, "PLUG-MARKED", day0 + d * 86400, d >= 15);
      post_timer_day (fixture, "PLUG-PLAIN", day0 + d * 86400, d >= 15);
    }
  anbu_test_response_free (ingest_tick (fixture, end));

  record_marked = pull_plug (fixture, &cursor, "PLUG-MARKED");
  g_clear_pointer (&cursor, g_free);
  record_plain = pull_plug (fixture, &cursor, "PLUG-PLAIN");
  g_assert_nonnull (record_marked);
  g_assert_nonnull (record_plain);
  g_assert_cmpint (record_time (record_marked, "last_activity_at"), <, day0 + 3 * 86400);
  g_assert_cmpint (record_time (record_plain, "last_activity_at"), >=, day0 + 15 * 86400 + 19 * 3600);
  g_assert_cmpstr (json_object_get_string_member (record_marked, "activity_mark"), ==, "machine");
  ingest_fixture_free (fixture);
}

/* The synced plug record carries the live fields, so the app shows them
 * offline, but changes at most every 15 minutes of readings, not with
 * every reading; a plug that falls quiet gets its last values published. */
static void
test_live_fields_synced (void)
{
  IngestFixture *fixture = ingest_fixture_new (NOW, NULL);
  g_autofree char *household = ingest_add_household (fixture, DONG, FALSE, 24, "PLUG-SYNC",
                                                     NOW - 2 * 3600);
  g_autofree char *cursor = NULL;
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) unchanged = NULL;
  g_autoptr(JsonObject) moved_on = NULL;
  g_autoptr(JsonObject) still_unchanged = NULL;
  g_autoptr(JsonObject) after_quiet = NULL;

  ingest_post_span (fixture, "PLUG-SYNC", NOW - 3600, NOW, 60, 2.0, 85.0, NOW - 1800, NOW - 1500,
                    NULL);
  anbu_test_response_free (ingest_tick (fixture, NOW));
  first = pull_plug (fixture, &cursor, "PLUG-SYNC");
  g_assert_nonnull (first);
  g_assert_cmpint (record_time (first, "last_seen_at"), ==, NOW);
  g_assert_cmpint (record_time (first, "last_activity_at"), ==, NOW - 1500);
  g_assert_cmpfloat (json_object_get_double_member (first, "last_watts"), ==, 2.0);
  g_assert_cmpfloat (json_object_get_double_member (first, "last_lux"), ==, 0.0);
  g_assert_cmpstr (json_object_get_string_member (first, "household_id"), ==, household);

  /* Ten more minutes of readings: no sync change yet. */
  anbu_test_response_free (ingest_tick (fixture, NOW + 600));
  ingest_post_span (fixture, "PLUG-SYNC", NOW + 60, NOW + 600, 60, 2.0, 2.0, 0, 0, NULL);
  anbu_test_response_free (ingest_tick (fixture, NOW + 600));
  unchanged = pull_plug (fixture, &cursor, "PLUG-SYNC");
  g_assert_null (unchanged);

  /* Fifteen minutes on: published again, with a newer version. */
  anbu_test_response_free (ingest_tick (fixture, NOW + 1200));
  ingest_post_span (fixture, "PLUG-SYNC", NOW + 660, NOW + 1200, 60, 2.0, 2.0, 0, 0, NULL);
  anbu_test_response_free (ingest_tick (fixture, NOW + 1200));
  moved_on = pull_plug (fixture, &cursor, "PLUG-SYNC");
  g_assert_nonnull (moved_on);
  g_assert_cmpint (record_time (moved_on, "last_seen_at"), ==, NOW + 1200);
  g_assert_cmpint (json_object_get_int_member (moved_on, "version"), >,
                   json_object_get_int_member (first, "version"));

  /* Five more minutes, then silence: after 15 quiet minutes the last
   * reading is published, and then nothing more. */
  anbu_test_response_free (ingest_tick (fixture, NOW + 1500));
  ingest_post_span (fixture, "PLUG-SYNC", NOW + 1260, NOW + 1500, 60, 2.0, 2.0, 0, 0, NULL);
  anbu_test_response_free (ingest_tick (fixture, NOW + 1500));
  still_unchanged = pull_plug (fixture, &cursor, "PLUG-SYNC");
  g_assert_null (still_unchanged);
  anbu_test_response_free (ingest_tick (fixture, NOW + 1500 + 900));
  after_quiet = pull_plug (fixture, &cursor, "PLUG-SYNC");
  g_assert_nonnull (after_quiet);
  g_assert_cmpint (record_time (after_quiet, "last_seen_at"), ==, NOW + 1500);
  anbu_test_response_free (ingest_tick (fixture, NOW + 1500 + 3600));
  g_assert_null (pull_plug (fixture, &cursor, "PLUG-SYNC"));

  ingest_fixture_free (fixture);
}

/* One instant written in the forms gateways use is one reading: UTC, an
 * offset, fractions of a second; impossible dates are refused. */
static void
test_time_forms (void)
{
  IngestFixture *fixture = ingest_fixture_new (NOW, NULL);
  g_autofree char *household = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-T", NOW - 7200);
  /* NOW is 2026-11-25T05:00:00Z = 14:00 KST. */
  const char *body =
    "{\"serial\": \"PLUG-T\", \"ts\": \"2026-11-25T04:59:00Z\", \"watts\": 3, \"lux\": 0},"
    "{\"serial\": \"PLUG-T\", \"ts\": \"2026-11-25T13:59:00+09:00\", \"watts\": 3, \"lux\": 0},"
    "{\"serial\": \"PLUG-T\", \"ts\": \"2026-11-25T13:59:00.000+09:00\", \"watts\": 3, \"lux\": 0},"
    "{\"serial\": \"PLUG-T\", \"ts\": \"2026-11-24T23:59:00-05:00\", \"watts\": 3, \"lux\": 0},"
    "{\"serial\": \"PLUG-T\", \"ts\": \"2026-02-29T00:00:00Z\", \"watts\": 3, \"lux\": 0},"
    "{\"serial\": \"PLUG-T\", \"ts\": \"2026-11-25T24:00:00Z\", \"watts\": 3, \"lux\": 0},"
    "{\"serial\": \"PLUG-T\", \"ts\": \"2026-10-31T23:30:00+09:00\", \"watts\": 3, \"lux\": 0}";
  g_autoptr(AnbuTestResponse) response = ingest_post (fixture, body);

  g_assert_nonnull (household);
  /* The first and 31 October are new; the three others of 04:59 are
   * the same reading. */
  g_assert_cmpint (json_object_get_int_member (answer (response), "accepted"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (answer (response), "duplicate"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (answer (response), "rejected"), ==, 2);
  g_assert_cmpstr (rejection_code (answer (response), 4), ==, "invalid_value");
  g_assert_cmpstr (rejection_code (answer (response), 5), ==, "invalid_value");
  ingest_fixture_free (fixture);
}

/* A plug that reported and is then removed refuses further readings at
 * once (the server remembers plugs between batches, and forgets them when
 * plug records change). */
static void
test_removed_after_reporting (void)
{
  IngestFixture *fixture = ingest_fixture_new (NOW, NULL);
  g_autofree char *household = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-R", NOW - 7200);
  g_autofree char *before = reading ("PLUG-R", NOW - 600, "3", "0");
  g_autofree char *after = reading ("PLUG-R", NOW - 60, "3", "0");
  g_autofree char *at = ingest_time (NOW - 300);
  g_autofree char *removal = g_strdup_printf ("{\"serial\": \"PLUG-R\", \"reason\": \"returned\","
                                              " \"at\": \"%s\"}", at);
  g_autoptr(AnbuTestResponse) first = ingest_post (fixture, before);
  g_autoptr(AnbuTestResponse) second = NULL;

  g_assert_nonnull (household);
  g_assert_cmpint (json_object_get_int_member (answer (first), "accepted"), ==, 1);
  json_object_unref (ingest_push (fixture, "plug.remove", removal));
  second = ingest_post (fixture, after);
  g_assert_cmpint (json_object_get_int_member (answer (second), "accepted"), ==, 0);
  g_assert_cmpstr (rejection_code (answer (second), 0), ==, "removed_serial");
  ingest_fixture_free (fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/ingest/rejections", test_rejections);
  g_test_add_func ("/anbu/ingest/needs-gateway", test_needs_gateway);
  g_test_add_func ("/anbu/ingest/rejections-translated", test_rejections_translated);
  g_test_add_func ("/anbu/ingest/duplicates", test_duplicates);
  g_test_add_func ("/anbu/ingest/daylight-never-counts", test_daylight_never_counts);
  g_test_add_func ("/anbu/ingest/out-of-order", test_out_of_order);
  g_test_add_func ("/anbu/ingest/late-reading-keeps-held-step", test_late_reading_keeps_held_step);
  g_test_add_func ("/anbu/ingest/concurrent-batches", test_concurrent_batches);
  g_test_add_func ("/anbu/ingest/live-fields-synced", test_live_fields_synced);
  g_test_add_func ("/anbu/ingest/timer-learned-in-record", test_timer_learned_in_record);
  g_test_add_func ("/anbu/ingest/random-timer-learned-in-record",
                   test_random_timer_learned_in_record);
  g_test_add_func ("/anbu/ingest/mark-person-counts-again", test_mark_person_counts_again);
  g_test_add_func ("/anbu/ingest/mark-keeps-learned", test_mark_keeps_learned);
  g_test_add_func ("/anbu/ingest/mark-machine-stays-excluded", test_mark_machine_stays_excluded);
  g_test_add_func ("/anbu/ingest/time-forms", test_time_forms);
  g_test_add_func ("/anbu/ingest/removed-after-reporting", test_removed_after_reporting);

  return g_test_run ();
}
