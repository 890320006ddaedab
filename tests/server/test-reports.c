/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The server's readers on both engines: the city's statistics, a
 * household's series (src/server/anbu-report-store.h), the live hub's
 * snapshot (anbu-live-store.h) and the query pool's deadline. The same
 * fixture, stored through AnbuStore and the readings' log, is read on
 * SQLite and on a throwaway PostgreSQL 15 (anbu-test-postgres.h): what a
 * planner or the city would see must not depend on the engine. The times
 * straddle a day boundary in Korea (UTC+9) and are written with and
 * without a zone offset and with a fraction of a second, where a wrong
 * conversion would move a count to another day. */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "anbu-api-error.h"
#include "anbu-live-store.h"
#include "anbu-pg-reading-log.h"
#include "anbu-pg-report-store.h"
#include "anbu-pg-store.h"
#include "anbu-query-pool.h"
#include "anbu-series.h"
#include "anbu-sqlite-reading-log.h"
#include "anbu-sqlite-report-store.h"
#include "anbu-sqlite-store.h"
#include "anbu-stats.h"
#include "anbu-store.h"
#include "anbu-test-postgres.h"
#include "anbu-test-server.h"

typedef enum
{
  ENGINE_SQLITE,
  ENGINE_POSTGRESQL,
} Engine;

/* One engine's copy of the fixture. */
typedef struct
{
  Engine           engine;
  char            *dir;        /* SQLite: the temporary directory */
  char            *location;   /* a file or a postgresql:// URI */
  AnbuStore       *store;
  sqlite3         *reader;     /* SQLite: the reports' read-only connection */
  AnbuReportStore *reports;
} Side;

#define DONG_A "1111051000"
#define DONG_B "1111052000"
/* 2026-11-24 00:00 KST, the day boundary of the fixture. */
#define MIDNIGHT_KST G_GINT64_CONSTANT (1795446000)
#define HOUR 3600
#define DAY (24 * HOUR)

static void
exec_sql (Side       *side,
          const char *sql)
{
  if (side->engine == ENGINE_POSTGRESQL)
    anbu_test_postgres_exec (side->location, sql);
  else
    {
      sqlite3 *db = anbu_sqlite_store_get_handle (ANBU_SQLITE_STORE (side->store));
      char *message = NULL;

      if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
        g_error ("%s: %s", sql, message);
    }
}

static void
save_household (AnbuStore  *store,
                const char *id,
                const char *dong,
                const char *dong_name,
                gboolean    night_consent)
{
  g_autoptr(AnbuStoreEntity) entity = anbu_store_entity_new (ANBU_RECORD_KIND_HOUSEHOLD);
  g_autoptr(GError) error = NULL;

  entity->id = g_strdup (id);
  entity->record = g_strdup_printf ("{\"id\":\"%s\",\"dong_code\":\"%s\",\"dong_name\":\"%s\","
                                    "\"status\":\"active\",\"version\":1}", id, dong, dong_name);
  entity->version = 1;
  entity->scope_key.dong_code = g_strdup (dong);
  entity->scope_key.night_consent = night_consent;
  entity->scope_key.status = g_strdup ("active");
  entity->field_versions = g_strdup ("{}");
  g_assert_true (anbu_store_save (store, entity, &error));
  g_assert_no_error (error);
}

/* `members`: the record's JSON members after id and household_id. */
static void
save_record (AnbuStore      *store,
             AnbuRecordKind  kind,
             const char     *id,
             const char     *household_id,
             const char     *state,
             const char     *members)
{
  g_autoptr(AnbuStoreEntity) entity = anbu_store_entity_new (kind);
  g_autoptr(GError) error = NULL;

  entity->id = g_strdup (id);
  entity->household_id = g_strdup (household_id);
  entity->state = g_strdup (state);
  entity->record = g_strdup_printf ("{\"id\":\"%s\",\"household_id\":\"%s\",%s}", id,
                                    household_id, members);
  entity->version = 1;
  g_assert_true (anbu_store_save (store, entity, &error));
  g_assert_no_error (error);
}

static void
append_readings (Side *side)
{
  static const char *const serials[] = { "AB-0001", "AB-0002" };
  const AnbuReadingLogEntry entries[] = {
    { 0, { MIDNIGHT_KST - 110 * 60, 60.0, 10.0 } },   /* 22:10 */
    { 0, { MIDNIGHT_KST - 100 * 60, 80.0, 30.0 } },   /* 22:20 */
    { 0, { MIDNIGHT_KST - 20 * 60, 5.5, 200.0 } },    /* 23:40 */
    { 0, { MIDNIGHT_KST + 65 * 60, 120.25, 0.0 } },   /* 01:05 */
    { 1, { MIDNIGHT_KST + 90 * 60, 7.0, 1.0 } },      /* 01:30, before it was installed */
    { 1, { MIDNIGHT_KST + 150 * 60, 9.0, 2.0 } },     /* 02:30 */
  };
  gboolean stored[G_N_ELEMENTS (entries)];
  g_autoptr(AnbuReadingLog) log = NULL;
  g_autoptr(GError) error = NULL;

  if (side->engine == ENGINE_POSTGRESQL)
    log = anbu_pg_reading_log_open (side->location, &error);
  else
    log = anbu_sqlite_reading_log_new (anbu_sqlite_store_get_handle (ANBU_SQLITE_STORE (side->store)));
  g_assert_no_error (error);
  g_assert_true (anbu_reading_log_append (log, serials, G_N_ELEMENTS (serials), entries,
                                          G_N_ELEMENTS (entries), stored, &error));
  g_assert_no_error (error);
}

static void
seed (Side *side)
{
  AnbuStore *store = side->store;
  g_autoptr(GError) error = NULL;
  char *codes[] = { (char *) DONG_A, NULL };
  AnbuStoreUser planner = { (char *) "u-planner", (char *) "kim.planner", (char *) "Kim",
                            ANBU_USER_ROLE_PLANNER, codes, (char *) "hash", FALSE };
  g_autofree char *live = NULL;

  g_assert_true (anbu_store_add_user (store, &planner, &error));
  g_assert_no_error (error);
  save_household (store, "h-1", DONG_A, "청운효자동", TRUE);
  save_household (store, "h-2", DONG_A, "청운효자동", FALSE);
  save_household (store, "h-3", DONG_B, "사직동", TRUE);

  /* Signals: the evening before and the night after midnight (KST). */
  save_record (store, ANBU_RECORD_KIND_ALERT, "a-1", "h-1", "open",
               "\"kind\":\"inactivity\",\"raised_at\":\"2026-11-23T23:30:00+09:00\"");
  save_record (store, ANBU_RECORD_KIND_ALERT, "a-2", "h-1", "resolved",
               "\"kind\":\"routine\",\"raised_at\":\"2026-11-24T00:30:00+09:00\","
               "\"resolution\":\"safe\",\"closed_at\":\"2026-11-24T02:00:00.750+09:00\"");
  save_record (store, ANBU_RECORD_KIND_ALERT, "a-3", "h-3", "resolved",
               "\"kind\":\"offline\",\"raised_at\":\"2026-11-23T16:00:00Z\","
               "\"resolution\":\"false_alarm\",\"closed_at\":\"2026-11-25T10:00:00+09:00\"");
  save_record (store, ANBU_RECORD_KIND_ALERT, "a-4", "h-2", "open",
               "\"kind\":\"offline\",\"raised_at\":\"2026-11-22T12:00:00+09:00\"");
  save_record (store, ANBU_RECORD_KIND_CONTACT, "c-1", "h-1", NULL,
               "\"channel\":\"phone\",\"at\":\"2026-11-23T14:50:00Z\",\"outcome\":\"reached_safe\"");
  save_record (store, ANBU_RECORD_KIND_CONTACT, "c-2", "h-3", NULL,
               "\"channel\":\"dispatch_119\",\"at\":\"2026-11-24T01:10:00+09:00\","
               "\"outcome\":\"other\"");
  save_record (store, ANBU_RECORD_KIND_CONTACT, "c-3", "h-2", NULL,
               "\"channel\":\"sms\",\"at\":\"2026-11-24T09:00:00+09:00\","
               "\"outcome\":\"wrong_number\"");
  save_record (store, ANBU_RECORD_KIND_CONTACT, "c-4", "h-2", NULL,
               "\"channel\":\"phone\",\"at\":\"2026-11-24T09:05:00+09:00\","
               "\"outcome\":\"number_confirmed\"");
  /* While a-1 is open; before it was raised; after a-3 was closed. */
  save_record (store, ANBU_RECORD_KIND_VISIT, "v-1", "h-1", NULL,
               "\"at\":\"2026-11-24T01:00:00+09:00\",\"purpose\":\"alert\"");
  save_record (store, ANBU_RECORD_KIND_VISIT, "v-2", "h-1", NULL,
               "\"at\":\"2026-11-23T14:00:00Z\",\"purpose\":\"regular\"");
  save_record (store, ANBU_RECORD_KIND_VISIT, "v-3", "h-3", NULL,
               "\"at\":\"2026-11-26T12:00:00+09:00\",\"purpose\":\"regular\"");

  save_record (store, ANBU_RECORD_KIND_PLUG, "AB-0001", "h-1", "installed",
               "\"appliance\":\"tv\",\"installed_at\":\"2026-11-23T12:00:00Z\"");
  save_record (store, ANBU_RECORD_KIND_PLUG, "AB-0002", "h-1", "installed",
               "\"appliance\":\"kettle\",\"installed_at\":\"2026-11-24T02:00:00.500+09:00\"");
  save_record (store, ANBU_RECORD_KIND_PLUG, "AB-0003", "h-3", "installed",
               "\"installed_at\":\"2026-11-20T00:00:00+09:00\"");
  save_record (store, ANBU_RECORD_KIND_PLUG, "AB-0004", "h-2", "installed",
               "\"installed_at\":\"2026-11-20T00:00:00+09:00\"");
  save_record (store, ANBU_RECORD_KIND_PLUG, "AB-0005", "h-1", "removed",
               "\"installed_at\":\"2026-11-20T00:00:00+09:00\","
               "\"removed_at\":\"2026-11-22T00:00:00+09:00\"");
  /* Moved in at 03:00: what it saw before is another household's. */
  save_record (store, ANBU_RECORD_KIND_PLUG, "AB-0006", "h-3", "installed",
               "\"installed_at\":\"2026-11-24T03:00:00+09:00\"");

  live = g_strdup_printf ("INSERT INTO plug_live (serial, household_id, last_seen_at, last_watts,"
                          " last_lux, last_activity_at, online_since) VALUES"
                          " ('AB-0001', 'h-1', %" G_GINT64_FORMAT ", 120.25, 0, %" G_GINT64_FORMAT ", 0),"
                          " ('AB-0002', 'h-1', %" G_GINT64_FORMAT ", 9, 2, NULL, 0),"
                          " ('AB-0003', 'h-3', %" G_GINT64_FORMAT ", 1.5, 300, 0, 0),"
                          " ('AB-0004', 'h-2', %" G_GINT64_FORMAT ", 33, 4, 0, 0),"
                          " ('AB-0005', 'h-1', %" G_GINT64_FORMAT ", 2, 2, 0, 0),"
                          " ('AB-0006', 'h-3', %" G_GINT64_FORMAT ", 2, 2, 0, 0);"
                          "INSERT INTO activity_event (serial, ts, kind, magnitude) VALUES"
                          " ('AB-0001', %" G_GINT64_FORMAT ", 0, 74.5),"
                          " ('AB-0001', %" G_GINT64_FORMAT ", 2, 170.0),"
                          " ('AB-0002', %" G_GINT64_FORMAT ", 0, 6.0),"
                          " ('AB-0002', %" G_GINT64_FORMAT ", 1, 8.25);"
                          /* h-3 moved to the planner one by one. */
                          "INSERT INTO household_assignment (household_id, planner_id)"
                          " VALUES ('h-3', 'u-planner');",
                          MIDNIGHT_KST + 65 * 60, MIDNIGHT_KST - 20 * 60,
                          MIDNIGHT_KST + 150 * 60 + 1, MIDNIGHT_KST + 4 * HOUR,
                          MIDNIGHT_KST + 5 * HOUR, MIDNIGHT_KST + 6 * HOUR,
                          MIDNIGHT_KST + 3 * HOUR - 60,
                          MIDNIGHT_KST - 20 * 60, MIDNIGHT_KST + 65 * 60,
                          MIDNIGHT_KST + 90 * 60, MIDNIGHT_KST + 150 * 60);
  exec_sql (side, live);
  append_readings (side);
}

/* NULL (the case skipped) when PostgreSQL 15 is not installed. */
static Side *
side_open (Engine engine)
{
  g_autoptr(GError) error = NULL;
  Side *side = g_new0 (Side, 1);

  side->engine = engine;
  side->location = anbu_test_database_new (engine == ENGINE_POSTGRESQL, "anbu-reports-XXXXXX",
                                           &side->dir);
  if (side->location == NULL)
    {
      g_free (side);
      return NULL;
    }
  side->store = anbu_store_open (side->location, &error);
  g_assert_no_error (error);
  seed (side);
  if (engine == ENGINE_POSTGRESQL)
    side->reports = anbu_pg_report_store_open (side->location, &error);
  else
    {
      g_assert_cmpint (sqlite3_open_v2 (side->location, &side->reader, SQLITE_OPEN_READONLY, NULL),
                       ==, SQLITE_OK);
      side->reports = anbu_sqlite_report_store_new (side->reader);
    }
  g_assert_no_error (error);
  g_assert_nonnull (side->reports);
  return side;
}

static void
side_free (Side *side)
{
  if (side == NULL)
    return;
  g_clear_object (&side->reports);
  g_clear_pointer (&side->reader, sqlite3_close);
  g_clear_object (&side->store);
  if (side->dir != NULL)
    anbu_test_database_remove_dir (side->dir);
  g_free (side->dir);
  g_free (side->location);
  g_free (side);
}

static void
sides_open (Side **sqlite_side,
            Side **pg_side)
{
  *pg_side = side_open (ENGINE_POSTGRESQL);
  *sqlite_side = *pg_side != NULL ? side_open (ENGINE_SQLITE) : NULL;
}

static char *
stats_json (Side            *side,
            const AnbuScope *scope,
            AnbuStatsGroup   group)
{
  g_autoptr(GError) error = NULL;
  char *json = anbu_stats_to_json (side->reports, scope, MIDNIGHT_KST - 2 * DAY,
                                   MIDNIGHT_KST + 3 * DAY, group, &error);

  g_assert_no_error (error);
  g_assert_nonnull (json);
  return json;
}

static gint64
member_at (JsonNode   *root,
           const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) found = json_path_query (path, root, &error);
  JsonArray *values;

  g_assert_no_error (error);
  values = json_node_get_array (found);
  g_assert_cmpuint (json_array_get_length (values), ==, 1);
  return json_array_get_int_element (values, 0);
}

static guint
length_at (JsonNode   *root,
           const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) found = json_path_query (path, root, &error);
  JsonArray *values;

  g_assert_no_error (error);
  values = json_node_get_array (found);
  g_assert_cmpuint (json_array_get_length (values), ==, 1);
  return json_array_get_length (json_array_get_array_element (values, 0));
}

static void
test_stats_same (void)
{
  Side *sqlite_side, *pg_side;
  char *planner_codes[] = { (char *) DONG_A, NULL };
  const AnbuScope scopes[] = {
    { ANBU_USER_ROLE_ADMIN, NULL, NULL },
    { ANBU_USER_ROLE_CONTROL, NULL, NULL },
    { ANBU_USER_ROLE_PLANNER, planner_codes, "u-planner" },
  };
  g_autoptr(JsonNode) day = NULL;
  g_autofree char *day_json = NULL;
  g_autoptr(GError) error = NULL;

  sides_open (&sqlite_side, &pg_side);
  if (pg_side == NULL)
    return;
  for (guint s = 0; s < G_N_ELEMENTS (scopes); s++)
    for (AnbuStatsGroup group = ANBU_STATS_GROUP_DAY; group <= ANBU_STATS_GROUP_MONTH; group++)
      {
        g_autofree char *on_sqlite = stats_json (sqlite_side, &scopes[s], group);
        g_autofree char *on_pg = stats_json (pg_side, &scopes[s], group);

        g_assert_cmpstr (on_pg, ==, on_sqlite);
      }

  /* And they count what happened on each day in Korea. */
  day_json = stats_json (pg_side, &scopes[0], ANBU_STATS_GROUP_DAY);
  day = json_from_string (day_json, &error);
  g_assert_no_error (error);
  g_assert_cmpint (member_at (day, "$.periods[0].signals"), ==, 1);
  g_assert_cmpint (member_at (day, "$.periods[1].signals"), ==, 1);
  g_assert_cmpint (member_at (day, "$.periods[1].checks.phone"), ==, 1);
  g_assert_cmpint (member_at (day, "$.periods[1].checks.visit"), ==, 0);
  g_assert_cmpint (member_at (day, "$.periods[2].signals"), ==, 2);
  g_assert_cmpint (member_at (day, "$.periods[2].households_with_signals"), ==, 2);
  g_assert_cmpint (member_at (day, "$.periods[2].checks.visit"), ==, 1);
  g_assert_cmpint (member_at (day, "$.periods[2].checks.sms"), ==, 1);
  g_assert_cmpint (member_at (day, "$.periods[2].checks.phone"), ==, 0);
  g_assert_cmpint (member_at (day, "$.periods[2].checks.bad_number"), ==, 1);
  g_assert_cmpint (member_at (day, "$.periods[2].dispatches.dispatch_119"), ==, 1);
  g_assert_cmpint (member_at (day, "$.periods[2].resolutions.safe"), ==, 1);
  g_assert_cmpint (member_at (day, "$.periods[3].resolutions.false_alarm"), ==, 1);
  g_assert_cmpint (member_at (day, "$.periods[4].checks.visit"), ==, 0);
  g_assert_cmpint (member_at (day, "$.total.households_with_signals"), ==, 3);

  side_free (sqlite_side);
  side_free (pg_side);
}

static char *
series_json (Side       *side,
             const char *household_id)
{
  g_autoptr(GError) error = NULL;
  char *json = anbu_series_to_json (side->reports, household_id, MIDNIGHT_KST - 2 * HOUR,
                                    MIDNIGHT_KST + 4 * HOUR, HOUR, &error);

  g_assert_no_error (error);
  g_assert_nonnull (json);
  return json;
}

static void
test_series_same (void)
{
  Side *sqlite_side, *pg_side;
  g_autofree char *on_sqlite = NULL, *on_pg = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  sides_open (&sqlite_side, &pg_side);
  if (pg_side == NULL)
    return;
  on_sqlite = series_json (sqlite_side, "h-1");
  on_pg = series_json (pg_side, "h-1");
  g_assert_cmpstr (on_pg, ==, on_sqlite);

  /* The readings and events of each plug while it was installed there. */
  root = json_from_string (on_pg, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length_at (root, "$.plugs"), ==, 3);
  g_assert_cmpint (member_at (root, "$.plugs[0].buckets[0].count"), ==, 2);
  g_assert_cmpint (member_at (root, "$.plugs[0].buckets[1].count"), ==, 1);
  g_assert_cmpint (member_at (root, "$.plugs[0].buckets[2].count"), ==, 1);
  g_assert_cmpuint (length_at (root, "$.plugs[0].events"), ==, 2);
  g_assert_cmpuint (length_at (root, "$.plugs[1].buckets"), ==, 1);
  g_assert_cmpint (member_at (root, "$.plugs[1].buckets[0].count"), ==, 1);
  g_assert_cmpuint (length_at (root, "$.plugs[1].events"), ==, 1);
  g_assert_cmpuint (length_at (root, "$.plugs[2].events"), ==, 0);

  side_free (sqlite_side);
  side_free (pg_side);
}

static gboolean
list_plug (const AnbuTelemetryPlugStatus *status,
           gpointer                       user_data)
{
  g_string_append_printf (user_data, "%s@%s:%" G_GINT64_FORMAT ":%g:%g:%" G_GINT64_FORMAT " ",
                          status->serial, status->household_id, status->last_seen_at,
                          status->last_watts, status->last_lux, status->last_activity_at);
  return TRUE;
}

/* What each kind of live client is sent on connecting, and what the hub
 * looks up to route a push. */
static char *
live_view (Side *side)
{
  g_autoptr(AnbuLiveStore) live = NULL;
  g_autoptr(GString) view = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  AnbuHouseholdScopeKey key = { 0 };
  gboolean found = FALSE;
  gint64 counter = -1;

  live = anbu_live_store_new_for_store (side->store, &error);
  g_assert_no_error (error);

  g_string_append (view, "planner: ");
  g_assert_true (anbu_live_store_foreach_plug_in_dong (live, DONG_A, list_plug, view, &error));
  g_assert_true (anbu_live_store_foreach_plug_assigned (live, "u-planner", list_plug, view,
                                                        &error));
  g_string_append (view, "\ncontrol: ");
  g_assert_true (anbu_live_store_foreach_plug_after (live, "", FALSE, 256, list_plug, view,
                                                     &error));
  g_string_append (view, "\nadmin in slices of 2: ");
  g_assert_true (anbu_live_store_foreach_plug_after (live, "", TRUE, 2, list_plug, view, &error));
  g_string_append (view, "| ");
  g_assert_true (anbu_live_store_foreach_plug_after (live, "AB-0002", TRUE, 2, list_plug, view,
                                                     &error));
  g_assert_no_error (error);

  g_assert_true (anbu_live_store_lookup_scope_key (live, "h-3", &key, &found, &error));
  g_assert_true (found);
  g_string_append_printf (view, "\nh-3: %s %d %s %s", key.dong_code, key.night_consent,
                          key.status, key.assigned_planner);
  g_free (key.dong_code);
  g_free (key.status);
  g_free (key.assigned_planner);
  g_assert_true (anbu_live_store_lookup_scope_key (live, "h-none", &key, &found, &error));
  g_assert_false (found);
  g_assert_true (anbu_live_store_read_counter (live, &counter, &error));
  g_assert_no_error (error);
  g_assert_cmpint (counter, >, 0);
  return g_string_free (g_steal_pointer (&view), FALSE);
}

static void
test_live_same (void)
{
  Side *sqlite_side, *pg_side;
  g_autofree char *on_sqlite = NULL, *on_pg = NULL;
  g_autofree char *expected = NULL;

  sides_open (&sqlite_side, &pg_side);
  if (pg_side == NULL)
    return;
  on_sqlite = live_view (sqlite_side);
  on_pg = live_view (pg_side);
  g_assert_cmpstr (on_pg, ==, on_sqlite);

  /* The planner sees their 동 and the household moved to them; the control
   * centre only consenting households; a removed plug and one whose live
   * fields predate its installation are no one's. */
  expected = g_strdup_printf ("planner: AB-0001@h-1:%" G_GINT64_FORMAT ":120.25:0:%" G_GINT64_FORMAT
                              " AB-0002@h-1:%" G_GINT64_FORMAT ":9:2:0"
                              " AB-0004@h-2:%" G_GINT64_FORMAT ":33:4:0"
                              " AB-0003@h-3:%" G_GINT64_FORMAT ":1.5:300:0 ",
                              MIDNIGHT_KST + 65 * 60, MIDNIGHT_KST - 20 * 60,
                              MIDNIGHT_KST + 150 * 60 + 1, MIDNIGHT_KST + 5 * HOUR,
                              MIDNIGHT_KST + 4 * HOUR);
  g_assert_true (g_str_has_prefix (on_sqlite, expected));
  g_assert_nonnull (strstr (on_sqlite, "\ncontrol: AB-0001@h-1"));
  g_assert_null (strstr (on_sqlite, "AB-0005"));
  g_assert_null (strstr (on_sqlite, "AB-0006"));
  g_assert_nonnull (strstr (on_sqlite, ":0 AB-0003@h-3"));
  g_assert_nonnull (strstr (on_sqlite, "| AB-0003@h-3"));
  g_assert_nonnull (strstr (on_sqlite, "\nh-3: " DONG_B " 1 active u-planner"));

  side_free (sqlite_side);
  side_free (pg_side);
}

/* The query pool's deadline */

typedef struct
{
  gboolean  done;
  char     *answer;
  GError   *error;
} Answer;

static void
on_answer (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Answer *answer = user_data;

  answer->answer = anbu_query_pool_run_finish (ANBU_QUERY_POOL (source), result, &answer->error);
  answer->done = TRUE;
}

static char *
run_stats (AnbuReportStore  *reports,
           gpointer          data,
           GError          **error)
{
  AnbuScope scope = { ANBU_USER_ROLE_ADMIN, NULL, NULL };

  return anbu_stats_to_json (reports, &scope, MIDNIGHT_KST - 2 * DAY, MIDNIGHT_KST + 3 * DAY,
                             ANBU_STATS_GROUP_DAY, error);
}

/* SQLite: nothing a test can do holds the pool's reads back in WAL mode
 * (test-query-pool.c), so this query never ends instead. */
static char *
run_endless (AnbuReportStore  *reports,
             gpointer          data,
             GError          **error)
{
  sqlite3 *db = anbu_sqlite_report_store_get_handle (ANBU_SQLITE_REPORT_STORE (reports));
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
                                       " SELECT i + 1 FROM n) SELECT count(*) FROM n",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), !=, SQLITE_ROW);
  sqlite3_finalize (stmt);
  g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED, "%s", sqlite3_errmsg (db));
  return NULL;
}

static void
run_in_pool (AnbuQueryPool *pool,
             AnbuQueryFunc  func,
             Answer        *answer)
{
  g_assert_true (anbu_query_pool_run_async (pool, func, NULL, NULL, on_answer, answer));
  anbu_test_wait_for (&answer->done);
}

static void
test_deadline (gconstpointer data)
{
  Engine engine = GPOINTER_TO_INT (data);
  Side *side = side_open (engine);
  g_autoptr(AnbuQueryPool) pool = NULL;
  g_autofree char *expected = NULL;
  Answer slow = { 0 }, after = { 0 };
  PGconn *locker = NULL;

  if (side == NULL)
    return;
  /* Two threads, as the server has; the shortest deadline it accepts. */
  pool = anbu_query_pool_new (side->store, 2, 1);
  if (engine == ENGINE_POSTGRESQL)
    {
      /* The statistics wait for this lock: only the deadline ends them. */
      PGresult *result;

      locker = PQconnectdb (side->location);
      g_assert_cmpint (PQstatus (locker), ==, CONNECTION_OK);
      result = PQexec (locker, "BEGIN; LOCK TABLE alert IN ACCESS EXCLUSIVE MODE");
      g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
      PQclear (result);
      run_in_pool (pool, run_stats, &slow);
    }
  else
    run_in_pool (pool, run_endless, &slow);
  g_assert_null (slow.answer);
  g_assert_error (slow.error, ANBU_API_ERROR, ANBU_API_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (slow.error->message, "in time"));

  /* Free again afterwards, with the same answer as read directly. */
  if (locker != NULL)
    PQfinish (locker);
  run_in_pool (pool, run_stats, &after);
  g_assert_no_error (after.error);
  expected = run_stats (side->reports, NULL, NULL);
  g_assert_cmpstr (after.answer, ==, expected);

  g_clear_object (&pool);
  g_clear_error (&slow.error);
  g_free (after.answer);
  side_free (side);
}

static char *
run_series (AnbuReportStore  *reports,
            gpointer          data,
            GError          **error)
{
  return anbu_series_to_json (reports, "h-1", MIDNIGHT_KST - 2 * HOUR, MIDNIGHT_KST + 4 * HOUR,
                              HOUR, error);
}

/* A household's series reads its raw readings under the query's deadline
 * too: held back (here by a lock on the readings, as a day's partition
 * being made or dropped takes), the request is answered with the deadline
 * error while the lock is still held, not when it goes. */
static void
test_series_deadline (void)
{
  Side *side = side_open (ENGINE_POSTGRESQL);
  g_autoptr(AnbuQueryPool) pool = NULL;
  g_autofree char *expected = NULL;
  Answer slow = { 0 }, after = { 0 };
  PGconn *locker;
  PGresult *result;

  if (side == NULL)
    return;
  pool = anbu_query_pool_new (side->store, 2, 1);
  locker = PQconnectdb (side->location);
  g_assert_cmpint (PQstatus (locker), ==, CONNECTION_OK);
  /* Only the raw readings: the plugs, events and folded hours are free. */
  result = PQexec (locker, "BEGIN; LOCK TABLE reading IN ACCESS EXCLUSIVE MODE");
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
  PQclear (result);
  run_in_pool (pool, run_series, &slow);
  g_assert_null (slow.answer);
  g_assert_error (slow.error, ANBU_API_ERROR, ANBU_API_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (slow.error->message, "in time"));

  PQfinish (locker);
  run_in_pool (pool, run_series, &after);
  g_assert_no_error (after.error);
  expected = series_json (side, "h-1");
  g_assert_cmpstr (after.answer, ==, expected);

  g_clear_object (&pool);
  g_clear_error (&slow.error);
  g_free (after.answer);
  side_free (side);
}

static void
count_visit (const AnbuReportVisit *visit,
             gpointer               user_data)
{
  (*(guint *) user_data)++;
}

/* Reads the visits once its pool deadline (1 s after it was handed in,
 * hence before it started) has passed: a job's later statements get no
 * more time than the job has left. */
static char *
run_visits_late (AnbuReportStore  *reports,
                 gpointer          data,
                 GError          **error)
{
  gint64 past_deadline = g_get_monotonic_time () + G_USEC_PER_SEC + 1000;
  GMutex mutex;
  GCond cond;
  guint visits = 0;

  g_mutex_init (&mutex);
  g_cond_init (&cond);
  g_mutex_lock (&mutex);
  while (g_get_monotonic_time () <= past_deadline)
    g_cond_wait_until (&cond, &mutex, past_deadline + 1);
  g_mutex_unlock (&mutex);
  g_cond_clear (&cond);
  g_mutex_clear (&mutex);
  if (!anbu_report_store_foreach_visit (reports, count_visit, &visits, error))
    return NULL;
  return g_strdup_printf ("%u visits", visits);
}

/* PostgreSQL stops a statement after statement_timeout, not a job of
 * several: a report of many statements must still end by its deadline
 * (as SQLite's progress handler makes it), not take it once per statement. */
static void
test_deadline_per_job (void)
{
  Side *side = side_open (ENGINE_POSTGRESQL);
  g_autoptr(AnbuQueryPool) pool = NULL;
  Answer late = { 0 };

  if (side == NULL)
    return;
  pool = anbu_query_pool_new (side->store, 2, 1);
  run_in_pool (pool, run_visits_late, &late);
  g_assert_null (late.answer);
  g_assert_error (late.error, ANBU_API_ERROR, ANBU_API_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (late.error->message, "in time"));

  g_clear_object (&pool);
  g_clear_error (&late.error);
  side_free (side);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/reports/same-on-both-engines/stats", test_stats_same);
  g_test_add_func ("/reports/same-on-both-engines/series", test_series_same);
  g_test_add_func ("/reports/same-on-both-engines/live-snapshot", test_live_same);
  g_test_add_data_func ("/reports/sqlite/deadline", GINT_TO_POINTER (ENGINE_SQLITE),
                        test_deadline);
  g_test_add_data_func ("/reports/postgresql/deadline", GINT_TO_POINTER (ENGINE_POSTGRESQL),
                        test_deadline);
  g_test_add_func ("/reports/postgresql/series-deadline", test_series_deadline);
  g_test_add_func ("/reports/postgresql/deadline-per-job", test_deadline_per_job);

  return anbu_test_postgres_run_tests ();
}
