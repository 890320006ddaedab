/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GET /api/v1/households/{id}/series (buckets, events, across the
 * retention fold) and GET /api/v1/stats on a crafted history. */
#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "anbu-ingest-fixture.h"

#define DONG_A "1111051500"
#define DONG_B "1111053000"
#define HOUR ((gint64) 3600)
#define DAY (24 * HOUR)
/* Wednesday 2026-11-25 09:00 KST, on the hour. */
#define T0 ((gint64) 1795564800)

static JsonObject *
get_object (IngestFixture     *fixture,
            const char        *token,
            const char        *path,
            AnbuTestResponse **keep)
{
  *keep = anbu_test_request (fixture->server, "GET", path, token, NULL);
  if ((*keep)->status != 200)
    g_test_message ("%s answered %u", path, (*keep)->status);
  g_assert_cmpuint ((*keep)->status, ==, 200);
  return anbu_test_response_object (*keep);
}

static JsonArray *
series_buckets (IngestFixture     *fixture,
                const char        *household,
                const char        *bucket,
                JsonArray        **events,
                AnbuTestResponse **keep)
{
  g_autofree char *from = ingest_time (T0);
  g_autofree char *to = ingest_time (T0 + 2 * HOUR);
  g_autofree char *path = g_strdup_printf ("/api/v1/households/%s/series?from=%s&to=%s&bucket=%s",
                                           household, from, to, bucket);
  JsonObject *object = get_object (fixture, fixture->admin_token, path, keep);
  JsonObject *plug = json_array_get_object_element (json_object_get_array_member (object, "plugs"), 0);

  *events = json_object_get_array_member (plug, "events");
  return json_object_get_array_member (plug, "buckets");
}

static void
check_hours (JsonArray *buckets)
{
  JsonObject *first = json_array_get_object_element (buckets, 0);
  JsonObject *second = json_array_get_object_element (buckets, 1);

  g_assert_cmpuint (json_array_get_length (buckets), ==, 2);
  g_assert_cmpint (json_object_get_int_member (first, "count"), ==, 60);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (first, "watts"), "mean"),
                                  10.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (second, "watts"), "mean"),
                                  20.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (second, "watts"), "max"),
                                  20.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (first, "lux"), "min"),
                                  5.0, 1e-9);
}

/* Two hours at 10 W then 20 W: two hourly buckets, four half-hour ones,
 * one power-on event; the same after the readings are folded into hourly
 * aggregates by the retention pass. */
static void
test_series (void)
{
  const char * const args[] = { "--retention-days", "1", "--offline-after", "604800", NULL };
  IngestFixture *fixture = ingest_fixture_new (T0 + 2 * HOUR, args);
  g_autofree char *household = ingest_add_household (fixture, DONG_A, TRUE, 24, "PLUG-A", T0 - HOUR);
  g_autoptr(AnbuTestResponse) hourly = NULL;
  g_autoptr(AnbuTestResponse) halves = NULL;
  g_autoptr(AnbuTestResponse) folded = NULL;
  g_autoptr(AnbuTestResponse) bad = NULL;
  JsonArray *buckets, *events;

  ingest_post_span (fixture, "PLUG-A", T0, T0 + 2 * HOUR - 60, 60, 10, 20, T0 + HOUR, T0 + 2 * HOUR, NULL);

  buckets = series_buckets (fixture, household, "1h", &events, &hourly);
  g_assert_cmpuint (json_array_get_length (buckets), ==, 2);
  g_assert_cmpuint (json_array_get_length (events), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (events, 0), "kind"),
                   ==, "power_on");
  g_assert_cmpuint (json_array_get_length (series_buckets (fixture, household, "30m", &events, &halves)),
                    ==, 4);

  /* Three days on, the raw readings are older than the retention age. */
  anbu_test_response_free (ingest_tick (fixture, T0 + 3 * DAY));
  buckets = series_buckets (fixture, household, "1h", &events, &folded);
  g_assert_cmpuint (json_array_get_length (buckets), ==, 2);
  g_assert_cmpuint (json_array_get_length (events), ==, 1);

  /* A folded reading sent again is refused, not counted twice. */
  {
    g_autofree char *items = ingest_readings_json ("PLUG-A", T0, 60, 1, 10, 10, 0, 0, NULL);
    g_autoptr(AnbuTestResponse) resent = ingest_post (fixture, items);
    JsonObject *answer = anbu_test_response_object (resent);
    JsonObject *rejection = json_array_get_object_element (json_object_get_array_member (answer, "rejections"), 0);

    g_assert_cmpint (json_object_get_int_member (answer, "rejected"), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (rejection, "code"), ==, "too_old");
  }

  bad = anbu_test_request (fixture->server, "GET", "/api/v1/households/not-a-household/series",
                           fixture->admin_token, NULL);
  g_assert_cmpuint (bad->status, ==, 404);
  ingest_fixture_free (fixture);
}

static double
five_lux (gint64 t)
{
  return 5.0;
}

/* The bucket values are the same before and after the fold. */
static void
test_series_across_fold (void)
{
  const char * const args[] = { "--retention-days", "1", "--offline-after", "604800", NULL };
  IngestFixture *fixture = ingest_fixture_new (T0 + 2 * HOUR, args);
  g_autofree char *household = ingest_add_household (fixture, DONG_A, TRUE, 24, "PLUG-A", T0 - HOUR);
  g_autoptr(AnbuTestResponse) before = NULL;
  g_autoptr(AnbuTestResponse) after = NULL;
  JsonArray *events;

  ingest_post_span (fixture, "PLUG-A", T0, T0 + 2 * HOUR - 60, 60, 10, 20, T0 + HOUR, T0 + 2 * HOUR,
                    five_lux);
  check_hours (series_buckets (fixture, household, "1h", &events, &before));
  anbu_test_response_free (ingest_tick (fixture, T0 + 3 * DAY));
  check_hours (series_buckets (fixture, household, "1h", &events, &after));
  ingest_fixture_free (fixture);
}

/* A database written before readings were packed per quarter hour
 * (schema 7: one row per reading, the learned detectors in plug_live, one
 * routine profile per household without the day-off ones): the
 * upgrade repacks the readings; the series,
 * duplicates, a late reading between stored ones and the retention fold
 * all work on the repacked rows. */
#define SCHEMA_12_UNDO(table) \
  "DROP TRIGGER " table "_dong_insert; DROP TRIGGER " table "_dong_moved;" \
  "DROP INDEX " table "_dong; ALTER TABLE " table " DROP COLUMN dong_code;"

static void
test_series_after_upgrade (void)
{
  const char * const args[] = { "--retention-days", "1", "--offline-after", "604800", NULL };
  IngestFixture *fixture;

  /* The readings' PostgreSQL schema began with partitions: no such past. */
  if (anbu_test_server_on_postgresql ())
    {
      g_test_skip ("an upgrade of a SQLite database from before reading buckets");
      return;
    }
  fixture = ingest_fixture_new (T0 + 2 * HOUR, args);
  g_autofree char *household = ingest_add_household (fixture, DONG_A, TRUE, 24, "PLUG-A", T0 - HOUR);
  g_autofree char *old_schema = g_strdup_printf (
    "BEGIN;"
    "DROP INDEX reading_bucket_serial; DROP TABLE reading_bucket;"
    "DROP TABLE plug_detector; ALTER TABLE plug_live ADD COLUMN detector BLOB;"
    "ALTER TABLE routine_profile DROP COLUMN workday_quiet;"
    "ALTER TABLE routine_profile DROP COLUMN day_off_quiet;"
    /* Schema 11's index. */
    "DROP INDEX household_assignment_planner;"
    /* Schema 12's 동 of what belongs to households. */
    "DROP TRIGGER household_dong_follows;"
    "DROP INDEX household_dong_seq; CREATE INDEX household_dong ON household (dong_code);"
    SCHEMA_12_UNDO ("plug") SCHEMA_12_UNDO ("alert") SCHEMA_12_UNDO ("contact")
    SCHEMA_12_UNDO ("visit") SCHEMA_12_UNDO ("absence")
    /* Schema 13's marks of records moved to another household. */
    "DROP TABLE dependent_exit;"
    /* Schema 14's index of the 동's households for the scope check. */
    "DROP INDEX household_dong_scope;"
    /* Schema 15's routine watches as judged. */
    "DROP TABLE routine_watch;"
    "CREATE TABLE reading (serial TEXT NOT NULL, ts INTEGER NOT NULL, watts REAL, lux REAL,"
    " PRIMARY KEY (serial, ts)) WITHOUT ROWID;"
    /* Two hours a minute apart, stored newest first: 10 W, then 20 W. */
    "WITH RECURSIVE m (i) AS (SELECT 119 UNION ALL SELECT i - 1 FROM m WHERE i > 0)"
    " INSERT INTO reading SELECT 'PLUG-A', %" G_GINT64_FORMAT " + i * 60,"
    " CASE WHEN i < 60 THEN 10.0 ELSE 20.0 END, 5.0 FROM m;"
    "PRAGMA user_version = 7;"
    "COMMIT;", T0);
  g_autoptr(AnbuTestResponse) upgraded = NULL;
  g_autoptr(AnbuTestResponse) resent = NULL;
  g_autoptr(AnbuTestResponse) late = NULL;
  g_autoptr(AnbuTestResponse) with_late = NULL;
  g_autoptr(AnbuTestResponse) folded = NULL;
  g_autofree char *items = ingest_readings_json ("PLUG-A", T0, 60, 120, 10, 20, T0 + HOUR,
                                                 T0 + 2 * HOUR, five_lux);
  g_autofree char *late_item = ingest_readings_json ("PLUG-A", T0 + 30, 60, 1, 10, 10, 0, 0,
                                                     five_lux);
  JsonArray *events;
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (anbu_test_server_stop (fixture->server, SIGTERM), ==, 0);
  g_assert_cmpint (sqlite3_open (fixture->server->db, &db), ==, SQLITE_OK);
  sqlite3_exec (db, old_schema, NULL, NULL, &message);
  g_assert_null (message);
  sqlite3_close (db);
  ingest_fixture_restart (fixture, T0 + 2 * HOUR);

  check_hours (series_buckets (fixture, household, "1h", &events, &upgraded));
  resent = ingest_post (fixture, items);
  g_assert_cmpint (json_object_get_int_member (anbu_test_response_object (resent), "accepted"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (anbu_test_response_object (resent), "duplicate"), ==,
                   120);
  late = ingest_post (fixture, late_item);
  g_assert_cmpint (json_object_get_int_member (anbu_test_response_object (late), "accepted"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (
                     series_buckets (fixture, household, "1h", &events, &with_late), 0), "count"),
                   ==, 61);

  anbu_test_response_free (ingest_tick (fixture, T0 + 3 * DAY));
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (
                     series_buckets (fixture, household, "1h", &events, &folded), 0), "count"),
                   ==, 61);
  ingest_fixture_free (fixture);
}

static char *
raise_signal (IngestFixture *fixture,
              const char    *dong,
              gboolean       consent,
              const char    *serial,
              gint64         now,
              char         **alert_id)
{
  char *household = ingest_add_household (fixture, dong, consent, 24, serial, now - 27 * HOUR);
  g_autoptr(GPtrArray) alerts = NULL;

  ingest_post_span (fixture, serial, now - 26 * HOUR, now, 60, 2, 80, now - 25 * HOUR - 600,
                    now - 25 * HOUR, NULL);
  alerts = ingest_alerts (fixture, NULL, household);
  g_assert_cmpuint (alerts->len, ==, 1);
  *alert_id = g_strdup (json_object_get_string_member (alerts->pdata[0], "id"));
  return household;
}

static void
contact (IngestFixture *fixture,
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
    " \"channel\": \"%s\", \"outcome\": \"%s\"}", id, alert_id, household, at_text, fixture->admin_id,
    channel, outcome);

  json_object_unref (ingest_push (fixture, "contact.create", payload));
}

static JsonObject *
day_total (IngestFixture     *fixture,
           const char        *token,
           const char        *group,
           guint              n_periods,
           AnbuTestResponse **keep)
{
  g_autofree char *from = ingest_time (T0 - 9 * HOUR);
  g_autofree char *to = ingest_time (T0 + 15 * HOUR);
  g_autofree char *path = g_strdup_printf ("/api/v1/stats?from=%s&to=%s&group=%s", from, to, group);
  JsonObject *object = get_object (fixture, token, path, keep);

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "periods")), ==,
                    n_periods);
  return json_object_get_object_member (object, "total");
}

static gint64
count (JsonObject *object,
       const char *group,
       const char *member)
{
  if (group != NULL)
    object = json_object_get_object_member (object, group);
  return json_object_get_int_member (object, member);
}

/* Signals, checks by channel, dispatches and resolutions, per caller. */
static void
test_stats (void)
{
  gint64 now = T0 + 5 * HOUR;   /* 14:00 KST */
  const char * const args[] = { "--offline-after", "604800", NULL };
  IngestFixture *fixture = ingest_fixture_new (now, args);
  g_autofree char *planner_a = ingest_add_user (fixture, "planner-a", "planner", DONG_A);
  g_autofree char *planner_b = ingest_add_user (fixture, "planner-b", "planner", DONG_B);
  g_autofree char *control = ingest_add_user (fixture, "control", "control", NULL);
  g_autofree char *alert_1 = NULL, *alert_2 = NULL, *alert_3 = NULL;
  g_autofree char *house_1 = raise_signal (fixture, DONG_A, TRUE, "PLUG-1", now, &alert_1);
  g_autofree char *house_2 = raise_signal (fixture, DONG_A, FALSE, "PLUG-2", now, &alert_2);
  g_autofree char *house_3 = raise_signal (fixture, DONG_B, TRUE, "PLUG-3", now, &alert_3);
  g_autoptr(AnbuTestResponse) r_a = NULL;
  g_autoptr(AnbuTestResponse) r_b = NULL;
  g_autoptr(AnbuTestResponse) r_c = NULL;
  g_autoptr(AnbuTestResponse) r_week = NULL;
  g_autoptr(AnbuTestResponse) r_bad = NULL;
  JsonObject *total;

  contact (fixture, house_1, alert_1, now + 60, "phone", "no_answer");
  contact (fixture, house_1, alert_1, now + 120, "sms", "no_answer");
  contact (fixture, house_1, alert_1, now + 600, "visit", "no_answer");
  contact (fixture, house_1, alert_1, now + 900, "dispatch_119", "door_opened");
  contact (fixture, house_2, alert_2, now + 60, "phone", "reached_safe");
  contact (fixture, house_3, alert_3, now + 60, "phone", "reached_safe");
  {
    g_autofree char *at = ingest_time (now + 300);
    g_autofree char *resolve = g_strdup_printf ("{\"id\": \"%s\", \"resolution\": \"safe\", \"at\": \"%s\"}",
                                                alert_2, at);

    json_object_unref (ingest_push (fixture, "alert.resolve", resolve));
  }

  total = day_total (fixture, planner_a, "day", 1, &r_a);
  g_assert_cmpint (count (total, NULL, "households_with_signals"), ==, 2);
  g_assert_cmpint (count (total, NULL, "signals"), ==, 2);
  g_assert_cmpint (count (total, "signals_by_kind", "inactivity"), ==, 2);
  g_assert_cmpint (count (total, "checks", "phone"), ==, 2);
  g_assert_cmpint (count (total, "checks", "sms"), ==, 1);
  g_assert_cmpint (count (total, "checks", "visit"), ==, 1);
  g_assert_cmpint (count (total, "checks", "total"), ==, 4);
  g_assert_cmpint (count (total, "dispatches", "dispatch_119"), ==, 1);
  g_assert_cmpint (count (total, "dispatches", "dispatch_112"), ==, 0);
  g_assert_cmpint (count (total, "resolutions", "safe"), ==, 1);

  total = day_total (fixture, planner_b, "day", 1, &r_b);
  g_assert_cmpint (count (total, NULL, "signals"), ==, 1);
  g_assert_cmpint (count (total, "checks", "phone"), ==, 1);
  g_assert_cmpint (count (total, "dispatches", "total"), ==, 0);

  /* The control centre counts the consenting households of both 동. */
  total = day_total (fixture, control, "day", 1, &r_c);
  g_assert_cmpint (count (total, NULL, "households_with_signals"), ==, 2);
  g_assert_cmpint (count (total, "checks", "phone"), ==, 2);

  /* The day lies in one ISO week. */
  total = day_total (fixture, fixture->admin_token, "week", 1, &r_week);
  g_assert_cmpint (count (total, NULL, "signals"), ==, 3);

  r_bad = anbu_test_request (fixture->server, "GET", "/api/v1/stats?group=year", planner_a, NULL);
  g_assert_cmpuint (r_bad->status, ==, 400);
  g_assert_cmpstr (anbu_test_response_error_field (r_bad), ==, "group");
  ingest_fixture_free (fixture);
}

/* Checks that reached no one because the number is wrong or dead (issue 17),
 * as part of the checks; a planner confirming a number is no check at all. */
static void
test_stats_bad_number (void)
{
  gint64 now = T0 + 5 * HOUR;
  const char * const args[] = { "--offline-after", "604800", NULL };
  IngestFixture *fixture = ingest_fixture_new (now, args);
  g_autofree char *planner_a = ingest_add_user (fixture, "planner-a", "planner", DONG_A);
  g_autofree char *alert_1 = NULL, *alert_2 = NULL;
  g_autofree char *house_1 = raise_signal (fixture, DONG_A, TRUE, "PLUG-1", now, &alert_1);
  g_autofree char *house_2 = raise_signal (fixture, DONG_B, TRUE, "PLUG-2", now, &alert_2);
  g_autoptr(AnbuTestResponse) r_a = NULL;
  g_autoptr(AnbuTestResponse) r_admin = NULL;
  JsonObject *total;

  contact (fixture, house_1, alert_1, now + 60, "phone", "wrong_number");
  contact (fixture, house_1, alert_1, now + 120, "phone", "not_in_service");
  contact (fixture, house_1, alert_1, now + 180, "sms", "no_answer");
  contact (fixture, house_1, alert_1, now + 240, "phone", "number_confirmed");
  contact (fixture, house_1, alert_1, now + 300, "phone", "reached_safe");
  contact (fixture, house_2, alert_2, now + 60, "phone", "wrong_number");

  total = day_total (fixture, planner_a, "day", 1, &r_a);
  g_assert_cmpint (count (total, "checks", "phone"), ==, 3);
  g_assert_cmpint (count (total, "checks", "sms"), ==, 1);
  g_assert_cmpint (count (total, "checks", "total"), ==, 4);
  g_assert_cmpint (count (total, "checks", "bad_number"), ==, 2);

  /* Each period carries its own count, and the admin sees both 동. */
  total = day_total (fixture, fixture->admin_token, "day", 1, &r_admin);
  g_assert_cmpint (count (total, "checks", "bad_number"), ==, 3);
  {
    JsonObject *root = anbu_test_response_object (r_admin);
    JsonObject *period = json_array_get_object_element (json_object_get_array_member (root, "periods"), 0);

    g_assert_cmpint (count (period, "checks", "bad_number"), ==, 3);
  }
  /* Per 동, for the control centre and a team lead, by code. */
  {
    JsonArray *dongs = json_object_get_array_member (anbu_test_response_object (r_admin), "by_dong");
    JsonObject *a, *b;

    g_assert_cmpuint (json_array_get_length (dongs), ==, 2);
    a = json_array_get_object_element (dongs, 0);
    b = json_array_get_object_element (dongs, 1);
    g_assert_cmpstr (json_object_get_string_member (a, "dong_code"), ==, DONG_A);
    g_assert_cmpstr (json_object_get_string_member (b, "dong_code"), ==, DONG_B);
    g_assert_cmpint (count (a, NULL, "signals"), ==, 1);
    g_assert_cmpint (count (a, "checks", "total"), ==, 4);
    g_assert_cmpint (count (a, "checks", "bad_number"), ==, 2);
    g_assert_cmpint (count (b, "checks", "bad_number"), ==, 1);
    g_assert_cmpint (count (b, "checks", "phone"), ==, 1);
  }
  /* A planner sees only their own 동. */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (anbu_test_response_object (r_a),
                                                                         "by_dong")), ==, 1);
  ingest_fixture_free (fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/series/buckets", test_series);
  g_test_add_func ("/anbu/series/across-fold", test_series_across_fold);
  g_test_add_func ("/anbu/series/after-upgrade", test_series_after_upgrade);
  g_test_add_func ("/anbu/stats/crafted-history", test_stats);
  g_test_add_func ("/anbu/stats/bad-number", test_stats_bad_number);

  return g_test_run ();
}
