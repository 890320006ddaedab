/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Telemetry's storage (src/server/anbu-telemetry-store.h) on both engines,
 * and AnbuTelemetry on it: every case runs against the tables of a SQLite
 * store in a temporary file and against a fresh database of a throwaway
 * PostgreSQL 15 (anbu-test-postgres.h). The PostgreSQL cases are skipped
 * only when PostgreSQL is not installed. */

#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "anbu-auth.h"
#include "anbu-ingest-service.h"
#include "anbu-sqlite-store.h"
#include "anbu-store.h"
#include "anbu-telemetry-store.h"
#include "anbu-telemetry.h"
#include "anbu-test-postgres.h"

typedef enum
{
  ENGINE_SQLITE,
  ENGINE_POSTGRESQL,
} Engine;

typedef struct
{
  Engine              engine;
  char               *dir;       /* SQLite: the temporary directory */
  char               *location;  /* a file or a postgresql:// URI */
  AnbuStore          *store;
  AnbuTelemetryStore *data;      /* on a connection of its own */
} Fixture;

/* 2026-11-24 00:00 UTC: day D of the cases. */
#define DAY_D G_GINT64_CONSTANT (1795478400)
#define HOUSEHOLD_A "7b0f3c52-6d1e-4a8e-9f40-2c1d5e6a7b01"
#define HOUSEHOLD_B "7b0f3c52-6d1e-4a8e-9f40-2c1d5e6a7b02"
#define PLUG_1 "AB-0001"
#define PLUG_2 "AB-0002"

#define REQUIRE_DATABASE(fixture) \
  G_STMT_START { if ((fixture)->location == NULL) return; } G_STMT_END

static void
save_household (AnbuStore  *store,
                const char *id)
{
  g_autoptr(AnbuStoreEntity) entity = anbu_store_entity_new (ANBU_RECORD_KIND_HOUSEHOLD);
  g_autoptr(GError) error = NULL;

  entity->id = g_strdup (id);
  entity->record = g_strdup_printf ("{\"id\":\"%s\",\"dong_code\":\"1111051500\","
                                    "\"name\":\"김순자\",\"status\":\"active\",\"version\":1}", id);
  entity->version = 1;
  entity->scope_key.dong_code = g_strdup ("1111051500");
  entity->scope_key.status = g_strdup ("active");
  entity->field_versions = g_strdup ("{}");
  g_assert_true (anbu_store_save (store, entity, &error));
  g_assert_no_error (error);
}

static void
save_plug (AnbuStore  *store,
           const char *serial,
           const char *household_id,
           const char *state,
           const char *activity_mark,
           gint64      version)
{
  g_autoptr(AnbuStoreEntity) entity = anbu_store_entity_new (ANBU_RECORD_KIND_PLUG);
  g_autoptr(GError) error = NULL;

  entity->id = g_strdup (serial);
  entity->household_id = g_strdup (household_id);
  entity->state = g_strdup (state);
  entity->record = g_strdup_printf ("{\"serial\":\"%s\",\"household_id\":\"%s\","
                                    "\"appliance\":\"tv\",\"installed_at\":\"2026-11-20T10:00:00+09:00\","
                                    "\"activity_mark\":\"%s\",\"version\":%" G_GINT64_FORMAT "}",
                                    serial, household_id, activity_mark, version);
  entity->version = version;
  anbu_store_save (store, entity, &error);
  g_assert_no_error (error);
}

/* One plug through the batch's read of many. */
static gboolean
load_plug (AnbuTelemetryStore    *data,
           const char            *serial,
           AnbuTelemetryPlugRow  *row,
           gboolean              *found,
           GError               **error)
{
  const char *serials[] = { "AB-0404", serial, "AB-0405" };
  AnbuTelemetryPlugRow rows[G_N_ELEMENTS (serials)] = { { 0 } };
  gboolean founds[G_N_ELEMENTS (serials)];

  if (!anbu_telemetry_store_load_plugs (data, serials, G_N_ELEMENTS (serials), rows, founds, error))
    return FALSE;
  g_assert_false (founds[0]);
  g_assert_false (founds[2]);
  *row = rows[1];
  *found = founds[1];
  return TRUE;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->engine = GPOINTER_TO_INT (data);
  fixture->location = anbu_test_database_new (fixture->engine == ENGINE_POSTGRESQL,
                                              "anbu-telemetry-store-XXXXXX", &fixture->dir);
  if (fixture->location == NULL)
    return;
  fixture->store = anbu_store_open (fixture->location, &error);
  g_assert_no_error (error);
  save_household (fixture->store, HOUSEHOLD_A);
  save_household (fixture->store, HOUSEHOLD_B);
  fixture->data = anbu_telemetry_store_open (fixture->store, TRUE, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->data);
  g_clear_object (&fixture->store);
  if (fixture->dir != NULL)
    anbu_test_database_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->location);
}

/* Runs `sql` on the fixture's database behind the interface's back (what
 * no operation of it does, as an administrator would). */
static void
exec_raw (Fixture    *fixture,
          const char *sql)
{
  if (fixture->engine == ENGINE_POSTGRESQL)
    anbu_test_postgres_exec (fixture->location, sql);
  else
    g_assert_cmpint (sqlite3_exec (anbu_sqlite_store_get_handle (ANBU_SQLITE_STORE (fixture->store)),
                                   sql, NULL, NULL, NULL), ==, SQLITE_OK);
}

static char *
find_gateway (AnbuTelemetryStore *data,
              const char         *token)
{
  g_autofree char *hash = anbu_token_hash (token);
  g_autoptr(GError) error = NULL;
  char *id = NULL;

  g_assert_true (anbu_telemetry_store_find_gateway (data, hash, &id, &error));
  g_assert_no_error (error);
  return id;
}

/* Gateways: added from the store (as `gateway add` and the admin route
 * do), found by their token, a name taken once, a disabled one refused. */
static void
test_gateways (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *other = NULL;
  g_autofree char *found = NULL;
  g_autofree char *found_other = NULL;
  g_autofree char *disabled = NULL;
  g_autofree char *unknown = NULL;

  REQUIRE_DATABASE (fixture);
  token = anbu_ingest_service_add_gateway (fixture->store, "gw-east", &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  other = anbu_ingest_service_add_gateway (fixture->store, "gw-west", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, !=, other);

  g_assert_null (anbu_ingest_service_add_gateway (fixture->store, "gw-east", &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  found = find_gateway (fixture->data, token);
  found_other = find_gateway (fixture->data, other);
  g_assert_nonnull (found);
  g_assert_nonnull (found_other);
  g_assert_cmpstr (found, !=, found_other);
  unknown = find_gateway (fixture->data, "not-a-token");
  g_assert_null (unknown);

  exec_raw (fixture, "UPDATE gateway SET disabled = 1 WHERE name = 'gw-east'");
  disabled = find_gateway (fixture->data, token);
  g_assert_null (disabled);
  g_clear_pointer (&found_other, g_free);
  found_other = find_gateway (fixture->data, other);
  g_assert_nonnull (found_other);
}

static void
assert_live (AnbuTelemetryStore         *data,
             const AnbuTelemetryLiveRow *row)
{
  AnbuTelemetryLive live = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean found;

  g_assert_true (anbu_telemetry_store_read_live (data, row->serial, &live, &found, &error));
  g_assert_no_error (error);
  g_assert_true (found);
  g_assert_cmpstr (live.household_id, ==, row->household_id);
  g_assert_cmpint (live.last_seen_at, ==, row->last_seen_at);
  g_assert_cmpfloat (live.last_watts, ==, row->last_watts);
  g_assert_cmpfloat (live.last_lux, ==, row->last_lux);
  g_assert_cmpint (live.last_activity_at, ==, row->last_activity_at);
  g_assert_cmpint (live.online_since, ==, row->online_since);
  g_assert_cmpint (live.offline_from, ==, row->offline_from);
  anbu_telemetry_live_clear (&live);
}

static void
store_live (AnbuTelemetryStore         *data,
            const AnbuTelemetryLiveRow *rows,
            guint                       n_rows)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (anbu_telemetry_store_begin (data, &error));
  g_assert_no_error (error);
  g_assert_true (anbu_telemetry_store_store_live (data, rows, n_rows, &error));
  g_assert_no_error (error);
  g_assert_true (anbu_telemetry_store_commit (data, &error));
  g_assert_no_error (error);
}

/* Live fields of several plugs written at once, read back equal (odd
 * doubles, no activity yet, a quote in a serial), then replaced. */
static void
test_live_fields (Fixture       *fixture,
                  gconstpointer  data)
{
  AnbuTelemetryLiveRow rows[] = {
    { PLUG_1, HOUSEHOLD_A, DAY_D + 60, 0.1 + 0.2, 1.0 / 3.0, 0, DAY_D, NULL, 0, 0, NULL },
    { PLUG_2, HOUSEHOLD_B, DAY_D + 61, 1234.5678901234567, 0.0, DAY_D + 30, DAY_D - 600,
      "gw-\"1\"", 7, DAY_D - 4000, NULL },
    { "AB-\"\\-3", HOUSEHOLD_B, DAY_D + 62, 5.0, 150000.25, DAY_D + 1, DAY_D + 2, NULL, 0, 3, NULL },
  };
  AnbuTelemetryLive live = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean found = TRUE;

  REQUIRE_DATABASE (fixture);
  g_assert_true (anbu_telemetry_store_read_live (fixture->data, PLUG_1, &live, &found, &error));
  g_assert_no_error (error);
  g_assert_false (found);

  store_live (fixture->data, rows, G_N_ELEMENTS (rows));
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    assert_live (fixture->data, &rows[i]);

  /* The next batch replaces them. */
  rows[0].last_seen_at = DAY_D + 120;
  rows[0].last_watts = 60.5;
  rows[0].last_activity_at = DAY_D + 90;
  rows[1].household_id = HOUSEHOLD_A;
  rows[1].offline_from = 0;
  store_live (fixture->data, rows, 2);
  assert_live (fixture->data, &rows[0]);
  assert_live (fixture->data, &rows[1]);
  assert_live (fixture->data, &rows[2]);
}

/* A plug as a batch reads it: its record's state and mark, its live
 * fields and learned detector (the bytes round-trip), none of either
 * after it moved to another household. */
static void
test_plug_and_detector (Fixture       *fixture,
                        gconstpointer  data)
{
  AnbuActivityDetector detector;
  AnbuTelemetryLiveRow row = { PLUG_1, HOUSEHOLD_A, DAY_D + 60, 42.0, 7.0, DAY_D + 30, DAY_D,
                               "gw-1", 11, DAY_D - 99, &detector };
  AnbuTelemetryPlugRow plug = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean found = TRUE;

  REQUIRE_DATABASE (fixture);
  anbu_activity_detector_init (&detector);
  detector.previous_ts = DAY_D + 60;
  detector.previous_watts = 42.0;
  save_plug (fixture->store, PLUG_1, HOUSEHOLD_A, "installed", "machine", 1);
  save_plug (fixture->store, PLUG_2, HOUSEHOLD_A, "removed", "auto", 1);

  g_assert_true (load_plug (fixture->data, "AB-9999", &plug, &found, &error));
  g_assert_no_error (error);
  g_assert_false (found);

  g_assert_true (load_plug (fixture->data, PLUG_1, &plug, &found, &error));
  g_assert_no_error (error);
  g_assert_true (found);
  g_assert_cmpstr (plug.household_id, ==, HOUSEHOLD_A);
  g_assert_true (plug.installed);
  g_assert_false (plug.has_live);
  g_assert_false (plug.has_detector);
  g_assert_cmpint (plug.activity_mark, ==, ANBU_ACTIVITY_MARK_MACHINE);
  anbu_telemetry_plug_row_clear (&plug);

  store_live (fixture->data, &row, 1);
  memset (&plug, 0, sizeof plug);
  g_assert_true (load_plug (fixture->data, PLUG_1, &plug, &found, &error));
  g_assert_no_error (error);
  g_assert_true (plug.has_live);
  g_assert_cmpint (plug.live_seen_at, ==, DAY_D + 60);
  g_assert_cmpfloat (plug.live_watts, ==, 42.0);
  g_assert_cmpfloat (plug.live_lux, ==, 7.0);
  g_assert_cmpint (plug.live_activity_at, ==, DAY_D + 30);
  g_assert_cmpint (plug.live_online_since, ==, DAY_D);
  g_assert_cmpint (plug.live_offline_from, ==, DAY_D - 99);
  g_assert_cmpstr (plug.gateway_id, ==, "gw-1");
  g_assert_cmpint (plug.unobserved_mark, ==, 11);
  g_assert_null (plug.left_household_id);
  g_assert_true (plug.has_detector);
  g_assert_cmpmem (&plug.detector, sizeof plug.detector, &detector, sizeof detector);
  anbu_telemetry_plug_row_clear (&plug);

  /* A second write without a detector keeps the stored one. */
  row.detector = NULL;
  row.last_watts = 3.0;
  store_live (fixture->data, &row, 1);
  memset (&plug, 0, sizeof plug);
  g_assert_true (load_plug (fixture->data, PLUG_1, &plug, &found, &error));
  g_assert_cmpfloat (plug.live_watts, ==, 3.0);
  g_assert_true (plug.has_detector);
  g_assert_cmpmem (&plug.detector, sizeof plug.detector, &detector, sizeof detector);
  anbu_telemetry_plug_row_clear (&plug);

  /* Moved to household B: nothing of A's resident comes along. */
  save_plug (fixture->store, PLUG_1, HOUSEHOLD_B, "installed", "auto", 2);
  memset (&plug, 0, sizeof plug);
  g_assert_true (load_plug (fixture->data, PLUG_1, &plug, &found, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (plug.household_id, ==, HOUSEHOLD_B);
  g_assert_false (plug.has_live);
  g_assert_false (plug.has_detector);
  g_assert_cmpstr (plug.left_household_id, ==, HOUSEHOLD_A);
  g_assert_cmpint (plug.activity_mark, ==, ANBU_ACTIVITY_MARK_AUTO);
  anbu_telemetry_plug_row_clear (&plug);

  memset (&plug, 0, sizeof plug);
  g_assert_true (load_plug (fixture->data, PLUG_2, &plug, &found, &error));
  g_assert_true (found);
  g_assert_false (plug.installed);
  anbu_telemetry_plug_row_clear (&plug);
}

static void
assert_events (AnbuTelemetryStore *data,
               const char         *serial,
               gint64              from,
               gint64              to,
               const char         *expected)
{
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (AnbuActivityEvent));
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (anbu_telemetry_store_read_events (data, serial, from, to, events, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      const AnbuActivityEvent *event = &g_array_index (events, AnbuActivityEvent, i);

      g_string_append_printf (text, "%s%" G_GINT64_FORMAT ":%d:%g", i > 0 ? " " : "",
                              event->ts - DAY_D, event->kind, event->magnitude);
    }
  g_assert_cmpstr (text->str, ==, expected);
}

/* Activity events: a range is [from, to) in time order, an equal event
 * replaces the stored one, a time's events can be deleted, the newest one
 * is known. */
static void
test_events (Fixture       *fixture,
             gconstpointer  data)
{
  const AnbuActivityEvent events[] = {
    { DAY_D + 300, ANBU_ACTIVITY_LIGHT_ON, 120.5 },
    { DAY_D + 100, ANBU_ACTIVITY_POWER_ON, 80 },
    { DAY_D + 100, ANBU_ACTIVITY_LIGHT_ON, 30 },
    { DAY_D + 200, ANBU_ACTIVITY_POWER_OFF, 79.25 },
  };
  const AnbuActivityEvent again = { DAY_D + 200, ANBU_ACTIVITY_POWER_OFF, 60 };
  const AnbuActivityEvent other = { DAY_D + 150, ANBU_ACTIVITY_POWER_ON, 10 };
  const AnbuActivityEvent later = { DAY_D + 400, ANBU_ACTIVITY_LIGHT_OFF, 5 };
  const AnbuActivityEvent latest = { DAY_D + 500, ANBU_ACTIVITY_LIGHT_OFF, 2 };
  g_autoptr(GError) error = NULL;
  gint64 last = -1;

  REQUIRE_DATABASE (fixture);
  g_assert_true (anbu_telemetry_store_read_last_event (fixture->data, PLUG_1, &last, &error));
  g_assert_no_error (error);
  g_assert_cmpint (last, ==, 0);

  g_assert_true (anbu_telemetry_store_begin (fixture->data, &error));
  g_assert_true (anbu_telemetry_store_store_events (fixture->data, PLUG_1, events,
                                                    G_N_ELEMENTS (events), &error));
  g_assert_no_error (error);
  g_assert_true (anbu_telemetry_store_store_events (fixture->data, PLUG_1, &again, 1, &error));
  g_assert_true (anbu_telemetry_store_store_events (fixture->data, PLUG_2, &other, 1, &error));
  g_assert_no_error (error);
  g_assert_true (anbu_telemetry_store_commit (fixture->data, &error));
  g_assert_no_error (error);

  assert_events (fixture->data, PLUG_1, DAY_D, DAY_D + 1000, "100:0:80 100:2:30 200:1:60 300:2:120.5");
  assert_events (fixture->data, PLUG_1, DAY_D + 100, DAY_D + 300, "100:0:80 100:2:30 200:1:60");
  assert_events (fixture->data, PLUG_1, DAY_D + 101, DAY_D + 200, "");
  assert_events (fixture->data, PLUG_2, DAY_D, DAY_D + 1000, "150:0:10");
  g_assert_true (anbu_telemetry_store_read_last_event (fixture->data, PLUG_1, &last, &error));
  g_assert_cmpint (last, ==, DAY_D + 300);

  g_assert_true (anbu_telemetry_store_delete_events_at (fixture->data, PLUG_1, DAY_D + 100, &error));
  g_assert_no_error (error);
  assert_events (fixture->data, PLUG_1, DAY_D, DAY_D + 1000, "200:1:60 300:2:120.5");
  assert_events (fixture->data, PLUG_2, DAY_D, DAY_D + 1000, "150:0:10");

  /* Stored and deleted in one transaction (a late reading's neighbour
   * judged again): gone; stored in one rolled back: never there. */
  g_assert_true (anbu_telemetry_store_begin (fixture->data, &error));
  g_assert_true (anbu_telemetry_store_store_events (fixture->data, PLUG_1, &later, 1, &error));
  g_assert_true (anbu_telemetry_store_delete_events_at (fixture->data, PLUG_1, later.ts, &error));
  g_assert_true (anbu_telemetry_store_store_events (fixture->data, PLUG_1, &latest, 1, &error));
  g_assert_true (anbu_telemetry_store_commit (fixture->data, &error));
  g_assert_no_error (error);
  assert_events (fixture->data, PLUG_1, DAY_D, DAY_D + 1000, "200:1:60 300:2:120.5 500:3:2");
  g_assert_true (anbu_telemetry_store_begin (fixture->data, &error));
  g_assert_true (anbu_telemetry_store_store_events (fixture->data, PLUG_1, &later, 1, &error));
  anbu_telemetry_store_rollback (fixture->data);
  assert_events (fixture->data, PLUG_1, DAY_D, DAY_D + 1000, "200:1:60 300:2:120.5 500:3:2");
}

static void
assert_witness (AnbuTelemetryStore         *data,
                const char                 *id,
                const AnbuTelemetryWitness *expected)
{
  AnbuTelemetryWitness witness;
  g_autoptr(GError) error = NULL;

  g_assert_true (anbu_telemetry_store_read_witness (data, id, &witness, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (&witness, sizeof witness, expected, sizeof *expected);
}

/* Ingest witnesses: none stored reads as zero; stored ones read back and
 * are replaced, the server's ("") apart from a gateway's. */
static void
test_witnesses (Fixture       *fixture,
                gconstpointer  data)
{
  const AnbuTelemetryWitness zero = { 0 };
  AnbuTelemetryWitness server = { 0, 3600, 0, DAY_D + 10, DAY_D - 3600, DAY_D };
  AnbuTelemetryWitness gateway = { DAY_D + 5, 600, 3, 0, 0, 0 };
  g_autoptr(GError) error = NULL;

  REQUIRE_DATABASE (fixture);
  assert_witness (fixture->data, "", &zero);
  g_assert_true (anbu_telemetry_store_store_witness (fixture->data, "", &server, &error));
  g_assert_true (anbu_telemetry_store_store_witness (fixture->data, "gw-1", &gateway, &error));
  g_assert_no_error (error);
  assert_witness (fixture->data, "", &server);
  assert_witness (fixture->data, "gw-1", &gateway);
  assert_witness (fixture->data, "gw-2", &zero);

  server.alive_at = DAY_D + 70;
  gateway.plugs = 4;
  g_assert_true (anbu_telemetry_store_store_witness (fixture->data, "", &server, &error));
  g_assert_true (anbu_telemetry_store_store_witness (fixture->data, "gw-1", &gateway, &error));
  g_assert_no_error (error);
  assert_witness (fixture->data, "", &server);
  assert_witness (fixture->data, "gw-1", &gateway);
}

/* A batch that is not kept leaves nothing; the one kept beside it stays.
 * On the store's own connection, as one store opened without a connection
 * of its own does it. */
static void
test_batch_rollback (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(AnbuTelemetryStore) shared = NULL;
  AnbuTelemetryLiveRow kept = { PLUG_1, HOUSEHOLD_A, DAY_D + 60, 1, 2, 0, DAY_D, NULL, 0, 0, NULL };
  AnbuTelemetryLiveRow dropped = { PLUG_2, HOUSEHOLD_A, DAY_D + 60, 1, 2, 0, DAY_D, NULL, 0, 0, NULL };
  AnbuTelemetryLive live = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean found = TRUE;

  REQUIRE_DATABASE (fixture);
  for (guint own = 0; own < 2; own++)
    {
      AnbuTelemetryStore *data_store;

      g_clear_object (&shared);
      shared = anbu_telemetry_store_open (fixture->store, FALSE, &error);
      g_assert_no_error (error);
      data_store = own ? fixture->data : shared;
      kept.last_seen_at = DAY_D + 60 + own;
      g_assert_true (anbu_telemetry_store_begin (data_store, &error));
      g_assert_true (anbu_telemetry_store_begin_batch (data_store, &error));
      g_assert_true (anbu_telemetry_store_store_live (data_store, &kept, 1, &error));
      g_assert_true (anbu_telemetry_store_end_batch (data_store, TRUE, &error));
      g_assert_true (anbu_telemetry_store_begin_batch (data_store, &error));
      g_assert_true (anbu_telemetry_store_store_live (data_store, &dropped, 1, &error));
      g_assert_true (anbu_telemetry_store_end_batch (data_store, FALSE, &error));
      g_assert_true (anbu_telemetry_store_commit (data_store, &error));
      g_assert_no_error (error);

      assert_live (fixture->data, &kept);
      g_assert_true (anbu_telemetry_store_read_live (shared, PLUG_2, &live, &found, &error));
      g_assert_no_error (error);
      g_assert_false (found);
    }
}

/* The change counter moves with a record change. */
static void
test_change_counter (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 before = -1, after = -1;

  REQUIRE_DATABASE (fixture);
  g_assert_true (anbu_telemetry_store_read_change_counter (fixture->data, &before, &error));
  g_assert_no_error (error);
  g_assert_cmpint (before, >=, 0);
  save_plug (fixture->store, PLUG_1, HOUSEHOLD_A, "installed", "auto", 1);
  g_assert_true (anbu_telemetry_store_read_change_counter (fixture->data, &after, &error));
  g_assert_no_error (error);
  g_assert_cmpint (after, >, before);
}

static AnbuTelemetryBatch *
parse_batch (const char *body)
{
  AnbuTelemetryBatch *batch = anbu_telemetry_parse_simple_body (body, strlen (body));

  g_assert_nonnull (batch);
  return batch;
}

static JsonObject *
load_plug_record (AnbuStore  *store,
                  const char *serial)
{
  g_autoptr(AnbuStoreEntity) entity = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  entity = anbu_store_load (store, ANBU_RECORD_KIND_PLUG, serial, &error);
  g_assert_no_error (error);
  root = json_from_string (entity->record, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (root));
}

/* AnbuTelemetry itself on the engine: a batch from a gateway is stored
 * (a resend is a duplicate), the plug's live fields and its events are
 * there, and the timer pass publishes the fields into its record. */
static void
test_telemetry_ingest (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(AnbuTelemetry) telemetry = NULL;
  g_autoptr(AnbuTelemetryBatch) batch = NULL;
  g_autoptr(AnbuTelemetryBatch) resent = NULL;
  g_autoptr(AnbuTelemetryReport) report = NULL;
  g_autoptr(AnbuTelemetryReport) resent_report = NULL;
  g_autoptr(JsonObject) record = NULL;
  AnbuTelemetryPlugStatus status = { 0 };
  AnbuTelemetryWitness witness;
  g_autoptr(GError) error = NULL;
  const char *body =
    "{\"readings\": ["
    "{\"serial\": \"" PLUG_1 "\", \"ts\": \"2026-11-24T00:00:00Z\", \"watts\": 0.5, \"lux\": 3},"
    "{\"serial\": \"" PLUG_1 "\", \"ts\": \"2026-11-24T00:01:00Z\", \"watts\": 0.5, \"lux\": 3},"
    "{\"serial\": \"" PLUG_1 "\", \"ts\": \"2026-11-24T00:02:00Z\", \"watts\": 95, \"lux\": 3},"
    "{\"serial\": \"" PLUG_2 "\", \"ts\": \"2026-11-24T00:02:00Z\", \"watts\": 10, \"lux\": 40},"
    "{\"serial\": \"AB-9999\", \"ts\": \"2026-11-24T00:02:00Z\", \"watts\": 10, \"lux\": 40}"
    "]}";
  guint published = 0;

  REQUIRE_DATABASE (fixture);
  save_plug (fixture->store, PLUG_1, HOUSEHOLD_A, "installed", "auto", 1);
  save_plug (fixture->store, PLUG_2, HOUSEHOLD_B, "installed", "auto", 1);
  telemetry = anbu_telemetry_new (fixture->store, TRUE, 6 * 3600, &error);
  g_assert_no_error (error);

  batch = parse_batch (body);
  batch->gateway_id = g_strdup ("gw-1");
  report = anbu_telemetry_ingest (telemetry, batch, DAY_D + 300, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->accepted, ==, 4);
  g_assert_cmpuint (report->duplicate, ==, 0);
  g_assert_cmpuint (report->rejected, ==, 1);
  g_assert_cmpuint (report->plugs->len, ==, 2);

  resent = parse_batch (body);
  resent_report = anbu_telemetry_ingest (telemetry, resent, DAY_D + 301, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (resent_report->accepted, ==, 0);
  g_assert_cmpuint (resent_report->duplicate, ==, 4);

  /* What the batch left, read on the other connection. */
  g_assert_true (anbu_telemetry_get_plug_status (telemetry, PLUG_1, &status));
  g_assert_cmpstr (status.household_id, ==, HOUSEHOLD_A);
  g_assert_cmpint (status.last_seen_at, ==, DAY_D + 120);
  g_assert_cmpfloat (status.last_watts, ==, 95);
  g_assert_cmpint (status.last_activity_at, ==, DAY_D + 120);
  g_assert_cmpint (status.online_since, ==, DAY_D);
  anbu_telemetry_plug_status_clear (&status);
  assert_events (fixture->data, PLUG_1, DAY_D, DAY_D + 3600, "120:0:94.5");
  g_assert_true (anbu_telemetry_store_read_witness (fixture->data, "gw-1", &witness, &error));
  g_assert_no_error (error);
  g_assert_cmpint (witness.last_reading_at, ==, DAY_D + 120);
  g_assert_cmpint (witness.plugs, ==, 2);

  /* The timer pass: both plugs' fields go into their records. */
  g_assert_true (anbu_telemetry_publish_live (telemetry, fixture->store, DAY_D + 400, 900,
                                              &published, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (published, ==, 2);
  record = load_plug_record (fixture->store, PLUG_1);
  g_assert_cmpstr (json_object_get_string_member (record, "last_seen_at"), ==,
                   "2026-11-24T00:02:00Z");
  g_assert_cmpfloat (json_object_get_double_member (record, "last_watts"), ==, 95);
  g_assert_true (json_object_has_member (record, "last_activity_at"));
  /* Published and not moved on since: nothing to do. */
  g_assert_true (anbu_telemetry_publish_live (telemetry, fixture->store, DAY_D + 500, 900,
                                              &published, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (published, ==, 0);
}

/* A reading sent late, between two stored ones: the events around it
 * are judged again from its stored neighbours (the power-on moves to the
 * late reading), and the plug's last activity follows. */
static void
test_telemetry_late_reading (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(AnbuTelemetry) telemetry = NULL;
  g_autoptr(AnbuTelemetryBatch) batch = NULL;
  g_autoptr(AnbuTelemetryBatch) late = NULL;
  g_autoptr(AnbuTelemetryReport) report = NULL;
  g_autoptr(AnbuTelemetryReport) late_report = NULL;
  AnbuTelemetryPlugStatus status = { 0 };
  g_autoptr(GError) error = NULL;

  REQUIRE_DATABASE (fixture);
  save_plug (fixture->store, PLUG_1, HOUSEHOLD_A, "installed", "auto", 1);
  telemetry = anbu_telemetry_new (fixture->store, TRUE, 6 * 3600, &error);
  g_assert_no_error (error);

  batch = parse_batch ("{\"readings\": ["
                       "{\"serial\": \"" PLUG_1 "\", \"ts\": \"2026-11-24T00:00:00Z\", \"watts\": 0.5, \"lux\": 3},"
                       "{\"serial\": \"" PLUG_1 "\", \"ts\": \"2026-11-24T00:01:00Z\", \"watts\": 0.5, \"lux\": 3},"
                       "{\"serial\": \"" PLUG_1 "\", \"ts\": \"2026-11-24T00:03:00Z\", \"watts\": 95, \"lux\": 3}"
                       "]}");
  report = anbu_telemetry_ingest (telemetry, batch, DAY_D + 300, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->accepted, ==, 3);
  assert_events (fixture->data, PLUG_1, DAY_D, DAY_D + 3600, "180:0:94.5");

  late = parse_batch ("{\"readings\": ["
                      "{\"serial\": \"" PLUG_1 "\", \"ts\": \"2026-11-24T00:02:00Z\", \"watts\": 95, \"lux\": 3}"
                      "]}");
  late_report = anbu_telemetry_ingest (telemetry, late, DAY_D + 310, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (late_report->accepted, ==, 1);
  assert_events (fixture->data, PLUG_1, DAY_D, DAY_D + 3600, "120:0:94.5");
  g_assert_true (anbu_telemetry_get_plug_status (telemetry, PLUG_1, &status));
  g_assert_cmpint (status.last_seen_at, ==, DAY_D + 180);
  g_assert_cmpint (status.last_activity_at, ==, DAY_D + 120);
  anbu_telemetry_plug_status_clear (&status);
}

/* A batch whose transaction fails after its readings were appended (here
 * the live fields' write refused, as a full disk or a broken table would)
 * keeps none of them: the gateway's resend is taken as new, not counted
 * as duplicates, and the plug's events and live fields are computed. */
static void
test_telemetry_failed_batch (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(AnbuTelemetry) telemetry = NULL;
  g_autoptr(AnbuTelemetryBatch) batch = NULL;
  g_autoptr(AnbuTelemetryBatch) resent = NULL;
  g_autoptr(AnbuTelemetryReport) report = NULL;
  g_autoptr(AnbuTelemetryReport) resent_report = NULL;
  AnbuTelemetryPlugStatus status = { 0 };
  g_autoptr(GError) error = NULL;
  const char *body =
    "{\"readings\": ["
    "{\"serial\": \"" PLUG_1 "\", \"ts\": \"2026-11-24T00:00:00Z\", \"watts\": 0.5, \"lux\": 3},"
    "{\"serial\": \"" PLUG_1 "\", \"ts\": \"2026-11-24T00:01:00Z\", \"watts\": 0.5, \"lux\": 3},"
    "{\"serial\": \"" PLUG_1 "\", \"ts\": \"2026-11-24T00:02:00Z\", \"watts\": 95, \"lux\": 3}"
    "]}";

  REQUIRE_DATABASE (fixture);
  save_plug (fixture->store, PLUG_1, HOUSEHOLD_A, "installed", "auto", 1);
  telemetry = anbu_telemetry_new (fixture->store, TRUE, 6 * 3600, &error);
  g_assert_no_error (error);

  if (fixture->engine == ENGINE_POSTGRESQL)
    exec_raw (fixture, "CREATE FUNCTION refuse_live () RETURNS trigger LANGUAGE plpgsql AS"
              " $$BEGIN RAISE EXCEPTION 'no space left on device'; END$$;"
              "CREATE TRIGGER refuse_live BEFORE INSERT ON plug_live"
              " FOR EACH ROW EXECUTE FUNCTION refuse_live ()");
  else
    exec_raw (fixture, "CREATE TRIGGER refuse_live BEFORE INSERT ON plug_live"
              " BEGIN SELECT RAISE (ABORT, 'no space left on device'); END");
  batch = parse_batch (body);
  g_test_expect_message ("anbu-telemetry", G_LOG_LEVEL_WARNING, "A telemetry batch was not stored*");
  report = anbu_telemetry_ingest (telemetry, batch, DAY_D + 300, &error);
  g_test_assert_expected_messages ();
  g_assert_null (report);
  g_assert_nonnull (error);
  g_clear_error (&error);
  exec_raw (fixture, fixture->engine == ENGINE_POSTGRESQL
                     ? "DROP TRIGGER refuse_live ON plug_live; DROP FUNCTION refuse_live"
                     : "DROP TRIGGER refuse_live");

  resent = parse_batch (body);
  resent_report = anbu_telemetry_ingest (telemetry, resent, DAY_D + 310, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (resent_report->accepted, ==, 3);
  g_assert_cmpuint (resent_report->duplicate, ==, 0);
  assert_events (fixture->data, PLUG_1, DAY_D, DAY_D + 3600, "120:0:94.5");
  g_assert_true (anbu_telemetry_get_plug_status (telemetry, PLUG_1, &status));
  g_assert_cmpint (status.last_seen_at, ==, DAY_D + 120);
  g_assert_cmpint (status.last_activity_at, ==, DAY_D + 120);
  anbu_telemetry_plug_status_clear (&status);
}

/* PostgreSQL restarted (here: every session of the database ended): the
 * statement that finds the connection gone fails, the next ones run on a
 * new one. */
static void
test_reconnects (Fixture       *fixture,
                 gconstpointer  data)
{
  AnbuTelemetryWitness witness = { DAY_D, 60, 2, DAY_D, 0, 0 };
  g_autoptr(GError) error = NULL;

  REQUIRE_DATABASE (fixture);
  g_assert_true (anbu_telemetry_store_store_witness (fixture->data, "gw-1", &witness, &error));
  g_assert_no_error (error);
  anbu_test_postgres_exec (fixture->location,
                           "SELECT pg_terminate_backend (pid) FROM pg_stat_activity"
                           " WHERE datname = current_database () AND pid <> pg_backend_pid ()");
  if (!anbu_telemetry_store_begin (fixture->data, &error))
    {
      g_test_message ("%s", error->message);
      g_clear_error (&error);
      g_assert_true (anbu_telemetry_store_begin (fixture->data, &error));
    }
  g_assert_no_error (error);
  witness.unobserved = 120;
  g_assert_true (anbu_telemetry_store_store_witness (fixture->data, "gw-1", &witness, &error));
  g_assert_true (anbu_telemetry_store_commit (fixture->data, &error));
  g_assert_no_error (error);
  assert_witness (fixture->data, "gw-1", &witness);
}

static void
add_case (const char *name,
          void      (*test) (Fixture *, gconstpointer))
{
  for (Engine engine = ENGINE_SQLITE; engine <= ENGINE_POSTGRESQL; engine++)
    {
      g_autofree char *path = g_strdup_printf ("/telemetry-store/%s/%s",
                                               engine == ENGINE_SQLITE ? "sqlite" : "postgresql",
                                               name);

      g_test_add (path, Fixture, GINT_TO_POINTER (engine), fixture_setup, test, fixture_teardown);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  add_case ("gateways", test_gateways);
  add_case ("live-fields", test_live_fields);
  add_case ("plug-and-detector", test_plug_and_detector);
  add_case ("events", test_events);
  add_case ("witnesses", test_witnesses);
  add_case ("batch-rollback", test_batch_rollback);
  add_case ("change-counter", test_change_counter);
  add_case ("telemetry-ingest", test_telemetry_ingest);
  add_case ("telemetry-late-reading", test_telemetry_late_reading);
  add_case ("telemetry-failed-batch", test_telemetry_failed_batch);

  g_test_add ("/telemetry-store/postgresql/reconnects", Fixture,
              GINT_TO_POINTER (ENGINE_POSTGRESQL), fixture_setup, test_reconnects, fixture_teardown);

  return anbu_test_postgres_run_tests ();
}
