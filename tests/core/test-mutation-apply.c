/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "anbu-metrics.h"
#include "anbu-mutation-apply.h"
#include "anbu-mutations.h"
#include "anbu-record-json.h"
#include "anbu-replica.h"
#include "anbu-sqlite-store.h"
#include "anbu-store.h"
#include "../client/client-test-util.h"

/* Every mutation kind goes through both paths that apply it: the replica
 * shows it offline (anbu_replica_record_change_async), then the outbox entry
 * it wrote goes to the server's mutation handler, which stores it. The
 * records must come out the same, byte for byte as the codec writes them,
 * except for what only the server assigns (version, updated_at). */

#define PLANNER_ID   "e1111111-1111-4111-8111-111111111111"
#define HOUSEHOLD_ID "a0000000-0000-4000-8000-000000000001"
#define ALERT_ID     "a1000000-0000-4000-8000-000000000001"
#define VISIT_ID     "a2000000-0000-4000-8000-000000000001"
#define CONTACT_ID   "a3000000-0000-4000-8000-000000000001"
#define ABSENCE_ID   "a4000000-0000-4000-8000-000000000001"
#define HELD_ID      "a1000000-0000-4000-8000-000000000002"
#define OTHER_ID     "e2222222-2222-4222-8222-222222222222"

typedef struct
{
  char           *dir;
  AnbuStore      *store;
  AnbuMetrics    *metrics;
  AnbuStoreUser   user;
  AnbuScope       scope;
  AnbuReplica    *replica;
  char           *dong_codes[2];
} Fixture;

static JsonObject *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = anbu_json_parse_object (text, -1, &error);

  g_assert_no_error (error);
  return object;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *store_path = NULL;
  g_autofree char *replica_path = NULL;
  g_autofree char *user_json = NULL;

  fixture->dir = g_dir_make_tmp ("anbu-mutation-apply-XXXXXX", &error);
  g_assert_no_error (error);

  store_path = g_build_filename (fixture->dir, "server.db", NULL);
  fixture->store = anbu_sqlite_store_open (store_path, &error);
  g_assert_no_error (error);
  fixture->metrics = anbu_metrics_new ();
  fixture->dong_codes[0] = (char *) "1168064000";
  fixture->user.id = (char *) PLANNER_ID;
  fixture->user.username = (char *) "minji";
  fixture->user.display_name = (char *) "김민지";
  fixture->user.role = ANBU_USER_ROLE_PLANNER;
  fixture->user.dong_codes = fixture->dong_codes;
  fixture->user.password_hash = (char *) "unused";
  g_assert_true (anbu_store_add_user (fixture->store, &fixture->user, &error));
  g_assert_no_error (error);
  fixture->scope.role = ANBU_USER_ROLE_PLANNER;
  fixture->scope.dong_codes = fixture->dong_codes;

  replica_path = g_build_filename (fixture->dir, "replica.db", NULL);
  AWAIT (result, anbu_replica_create_async (replica_path, "pw", 1, 8192, NULL, NULL,
                                            test_ready_cb, &result));
  fixture->replica = anbu_replica_open_finish (result, NULL, NULL, &error);
  g_assert_no_error (error);

  /* The signed-in user, as the session keeps it after signing in. */
  user_json = g_strdup_printf ("{\"id\":\"%s\",\"username\":\"minji\",\"display_name\":\"김민지\","
                               "\"role\":\"planner\",\"dong_codes\":[\"1168064000\"]}", PLANNER_ID);
  AWAIT (result, anbu_replica_set_secret_async (fixture->replica, "user", user_json, NULL,
                                                test_ready_cb, &result));
  g_assert_true (anbu_replica_set_secret_finish (fixture->replica, result, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *replica_path = g_build_filename (fixture->dir, "replica.db", NULL);
  g_autofree char *store_path = g_build_filename (fixture->dir, "server.db", NULL);
  g_autofree char *wal = g_strconcat (store_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (store_path, "-shm", NULL);

  test_close_object ((GObject **) &fixture->replica);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->metrics);
  anbu_replica_delete_files (replica_path, NULL);
  g_remove (store_path);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

/* The replica applies the change and writes its outbox entry; returns the
 * entry's id, or NULL with @error when the replica refuses the change. */
static char *
record_locally (Fixture     *fixture,
                const char  *kind,
                const char  *payload_json,
                GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) payload = parse (payload_json);

  AWAIT (result, anbu_replica_record_change_async (fixture->replica, kind, payload, NULL,
                                                   test_ready_cb, &result));
  return anbu_replica_record_change_finish (fixture->replica, result, error);
}

/* Sends the replica's outbox, as it would push it, to the server's mutation
 * handler; returns the result for @mutation_id. */
static JsonObject *
push_to_server (Fixture    *fixture,
                const char *mutation_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) answer = NULL;
  g_auto(GStrv) ids = NULL;
  AnbuAccessEntry access = { 0, (char *) "2026-12-05T00:00:00Z", (char *) PLANNER_ID,
                             (char *) "minji", (char *) "127.0.0.1", (char *) "POST",
                             (char *) "/api/v1/mutations", NULL, ANBU_ACCESS_WRITE };
  JsonArray *entries;
  JsonArray *results;

  AWAIT (result, anbu_replica_prepare_push_async (fixture->replica, 100, NULL, test_ready_cb,
                                                  &result));
  body = anbu_replica_prepare_push_finish (fixture->replica, result, &ids, &error);
  g_assert_no_error (error);
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                              &error);
  g_assert_no_error (error);
  entries = anbu_mutations_check_batch (json_parser_get_root (parser), &error);
  g_assert_no_error (error);
  answer = anbu_mutations_apply (fixture->store, fixture->metrics, &fixture->user,
                                 &fixture->scope, &access, entries, &error);
  g_assert_no_error (error);
  results = json_node_get_array (answer);
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonObject *entry = json_array_get_object_element (results, i);

      if (g_strcmp0 (json_object_get_string_member (entry, "id"), mutation_id) == 0)
        return json_object_ref (entry);
    }
  g_assert_not_reached ();
}

/* The record as the codec wrote it, without the members only the server
 * assigns. */
static char *
comparable (JsonObject *record)
{
  g_autofree char *text = anbu_json_object_to_string (record);
  g_autoptr(JsonObject) copy = parse (text);

  json_object_remove_member (copy, "version");
  json_object_remove_member (copy, "updated_at");
  /* Server-assigned, like the two above: the replica learns it with the push answer. */
  json_object_remove_member (copy, "created_at");
  return anbu_json_object_to_string (copy);
}

static char *
server_record (Fixture       *fixture,
               AnbuRecordKind  kind,
               const char    *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStoreEntity) entity = anbu_store_load (fixture->store, kind, id, &error);
  g_autoptr(JsonObject) record = NULL;

  g_assert_no_error (error);
  record = parse (entity->record);
  return comparable (record);
}

static char *
replica_record (Fixture    *fixture,
                const char *kind,
                const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) record = NULL;

  AWAIT (result, anbu_replica_get_record_async (fixture->replica, kind, id, NULL,
                                                test_ready_cb, &result));
  record = anbu_replica_get_record_finish (fixture->replica, result, &error);
  g_assert_no_error (error);
  return comparable (record);
}

static void
assert_same_record (Fixture    *fixture,
                    const char *kind,
                    const char *id)
{
  AnbuRecordKind store_kind;
  g_autofree char *on_server = NULL;
  g_autofree char *offline = NULL;

  g_assert_true (anbu_record_kind_from_string (kind, &store_kind));
  on_server = server_record (fixture, store_kind, id);
  offline = replica_record (fixture, kind, id);
  g_test_message ("%s %s: %s", kind, id, on_server);
  g_assert_cmpstr (offline, ==, on_server);
}

/* Applies @payload_json offline and on the server; both must take it. */
static void
apply_both (Fixture    *fixture,
            const char *kind,
            const char *payload_json,
            const char *expected_status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *mutation_id = record_locally (fixture, kind, payload_json, &error);
  g_autoptr(JsonObject) answer = NULL;

  g_assert_no_error (error);
  answer = push_to_server (fixture, mutation_id);
  g_assert_cmpstr (json_object_get_string_member (answer, "status"), ==, expected_status);
}

/* Both paths refuse the change, naming the same field with the same reason. */
static void
refuse_both (Fixture    *fixture,
             const char *kind,
             const char *payload_json,
             const char *field)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *mutation_id = record_locally (fixture, kind, payload_json, &error);
  g_autofree char *local_field = NULL;
  g_autoptr(AnbuMutation) mutation = NULL;
  g_autoptr(JsonObject) entry = NULL;
  g_autoptr(JsonArray) entries = json_array_new ();
  g_autoptr(JsonNode) batch = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *entry_json = NULL;
  AnbuAccessEntry access = { 0, (char *) "2026-12-05T00:00:00Z", (char *) PLANNER_ID,
                             (char *) "minji", (char *) "127.0.0.1", (char *) "POST",
                             (char *) "/api/v1/mutations", NULL, ANBU_ACCESS_WRITE };
  JsonObject *result;

  g_assert_null (mutation_id);
  g_assert_error (error, ANBU_RECORD_ERROR, ANBU_RECORD_ERROR_INVALID_VALUE);
  local_field = anbu_record_error_dup_field (error);
  g_assert_cmpstr (local_field, ==, field);

  /* The same entry straight to the server (the replica wrote none). */
  entry_json = g_strdup_printf ("{\"id\":\"b0000000-0000-4000-8000-%012d\",\"kind\":\"%s\","
                                "\"payload\":%s}", g_random_int_range (0, 1000000), kind,
                                payload_json);
  json_array_add_object_element (entries, parse (entry_json));
  answer = anbu_mutations_apply (fixture->store, fixture->metrics, &fixture->user,
                                 &fixture->scope, &access, entries, &error);
  g_assert_nonnull (answer);
  result = json_array_get_object_element (json_node_get_array (answer), 0);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (result, "field"), ==, field);
  g_assert_cmpstr (json_object_get_string_member (result, "message"), ==,
                   anbu_record_error_get_reason (error));
}

/* The server raises alerts; the replica gets them by pull. */
static void
seed_alert_record (Fixture    *fixture,
                   const char *alert_id,
                   const char *record)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(AnbuStoreEntity) entity = anbu_store_entity_new (ANBU_RECORD_KIND_ALERT);
  g_autoptr(GBytes) page = NULL;
  g_autofree char *page_text = NULL;
  g_autoptr(JsonObject) object = parse (record);
  g_autoptr(AnbuAlert) alert = anbu_alert_from_json (object, &error);
  g_autoptr(JsonObject) canonical = NULL;

  g_assert_no_error (error);
  canonical = anbu_alert_to_json (alert);
  entity->id = g_strdup (alert_id);
  entity->household_id = g_strdup (HOUSEHOLD_ID);
  entity->record = anbu_json_object_to_string (canonical);
  entity->version = 1;
  entity->state = g_strdup ("open");
  g_assert_true (anbu_store_save (fixture->store, entity, &error));
  g_assert_no_error (error);

  page_text = g_strdup_printf ("{\"changes\":[{\"kind\":\"alert\",\"op\":\"upsert\","
                               "\"id\":\"%s\",\"record\":%s}],\"cursor\":\"1\","
                               "\"has_more\":false}", alert_id, entity->record);
  page = g_bytes_new (page_text, strlen (page_text));
  AWAIT (result, anbu_replica_apply_pull_async (fixture->replica, page, NULL, test_ready_cb,
                                                &result));
  g_assert_true (anbu_replica_apply_pull_finish (fixture->replica, result, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_same_record (fixture, "alert", alert_id);
}

static void
seed_alert (Fixture *fixture)
{
  seed_alert_record (fixture, ALERT_ID,
                     "{\"id\":\"" ALERT_ID "\",\"household_id\":\"" HOUSEHOLD_ID "\","
                     "\"kind\":\"inactivity\",\"level\":\"risk\","
                     "\"quiet_since\":\"2026-11-23T01:00:00Z\","
                     "\"raised_at\":\"2026-11-24T13:00:00Z\",\"responder\":\"dong\","
                     "\"state\":\"open\",\"detail\":\"36시간 동안 움직임 없음\",\"version\":1}");
}

static void
pull_household_and_compare (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(AnbuStoreEntity) entity = anbu_store_load (fixture->store, ANBU_RECORD_KIND_HOUSEHOLD,
                                                       HOUSEHOLD_ID, &error);
  g_autoptr(GBytes) page = NULL;
  g_autoptr(JsonObject) record = NULL;
  g_autofree char *page_text = NULL;
  g_autofree char *offline = NULL;

  g_assert_no_error (error);
  page_text = g_strdup_printf ("{\"changes\":[{\"kind\":\"household\",\"op\":\"upsert\","
                               "\"id\":\"%s\",\"record\":%s}],\"cursor\":\"2\","
                               "\"has_more\":false}", HOUSEHOLD_ID, entity->record);
  page = g_bytes_new (page_text, strlen (page_text));
  AWAIT (result, anbu_replica_apply_pull_async (fixture->replica, page, NULL, test_ready_cb,
                                                &result));
  g_assert_true (anbu_replica_apply_pull_finish (fixture->replica, result, NULL, NULL, &error));
  g_assert_no_error (error);

  AWAIT (result, anbu_replica_get_record_async (fixture->replica, "household", HOUSEHOLD_ID, NULL,
                                                test_ready_cb, &result));
  record = anbu_replica_get_record_finish (fixture->replica, result, &error);
  g_assert_no_error (error);
  offline = anbu_json_object_to_string (record);
  g_assert_cmpstr (offline, ==, entity->record);
}

static void
test_every_kind_same_offline_and_stored (Fixture       *fixture,
                                         gconstpointer  data)
{
  /* household.create: no planner named, so it is the planner's own. */
  apply_both (fixture, "household.create",
              "{\"id\":\"" HOUSEHOLD_ID "\",\"dong_code\":\"1168064000\",\"dong_name\":\"역삼1동\","
              "\"name\":\"김순자\",\"birth_year\":1941,\"sex\":\"female\",\"phone\":\"01012345678\","
              "\"address\":\"서울특별시 강남구 테헤란로 1\",\"lat\":37.5,\"lon\":127.03,"
              "\"contacts\":[{\"name\":\"김철수\",\"relation\":\"아들\",\"phone\":\"010 9876 5432\"}],"
              "\"night_consent\":true,\"threshold_hours\":36}", "applied");
  assert_same_record (fixture, "household", HOUSEHOLD_ID);

  /* household.update: values as the codec stores them ("02-555-0101"). */
  apply_both (fixture, "household.update",
              "{\"id\":\"" HOUSEHOLD_ID "\",\"fields\":{\"phone\":\"025550101\","
              "\"risk_notes\":\"당뇨\",\"address_detail\":null,\"threshold_hours\":30}}", "applied");
  assert_same_record (fixture, "household", HOUSEHOLD_ID);

  apply_both (fixture, "plug.install",
              "{\"serial\":\"AB-0001\",\"household_id\":\"" HOUSEHOLD_ID "\",\"appliance\":\"tv\","
              "\"installed_at\":\"2026-11-20T10:00:00+09:00\"}", "applied");
  assert_same_record (fixture, "plug", "AB-0001");

  apply_both (fixture, "plug.replace",
              "{\"household_id\":\"" HOUSEHOLD_ID "\",\"old_serial\":\"AB-0001\","
              "\"new_serial\":\"AB-0002\",\"appliance\":\"rice_cooker\",\"reason\":\"faulty\","
              "\"at\":\"2026-11-22T11:00:00+09:00\"}", "applied");
  assert_same_record (fixture, "plug", "AB-0001");
  assert_same_record (fixture, "plug", "AB-0002");

  apply_both (fixture, "plug.remove",
              "{\"serial\":\"AB-0002\",\"reason\":\"lost\",\"at\":\"2026-11-23T09:00:00+09:00\"}",
              "applied");
  assert_same_record (fixture, "plug", "AB-0002");

  /* A removed plug can go in again, starting over. */
  apply_both (fixture, "plug.install",
              "{\"serial\":\"AB-0001\",\"household_id\":\"" HOUSEHOLD_ID "\",\"appliance\":\"lamp\","
              "\"installed_at\":\"2026-11-23T10:00:00+09:00\"}", "applied");
  assert_same_record (fixture, "plug", "AB-0001");

  /* The planner's word on what the plug's detector learned. */
  apply_both (fixture, "plug.mark", "{\"serial\":\"AB-0001\",\"mark\":\"person\"}", "applied");
  assert_same_record (fixture, "plug", "AB-0001");

  seed_alert (fixture);

  apply_both (fixture, "visit.create",
              "{\"id\":\"" VISIT_ID "\",\"household_id\":\"" HOUSEHOLD_ID "\","
              "\"at\":\"2026-11-24T10:00:00+09:00\",\"by\":\"" PLANNER_ID "\","
              "\"purpose\":\"regular\",\"outcome\":\"  건강하심 \",\"next_visit_on\":\"2026-12-01\"}",
              "applied");
  assert_same_record (fixture, "visit", VISIT_ID);

  apply_both (fixture, "contact.create",
              "{\"id\":\"" CONTACT_ID "\",\"alert_id\":\"" ALERT_ID "\","
              "\"household_id\":\"" HOUSEHOLD_ID "\",\"at\":\"2026-11-24T23:00:00+09:00\","
              "\"by\":\"" PLANNER_ID "\",\"channel\":\"phone\",\"outcome\":\"no_answer\"}",
              "applied");
  assert_same_record (fixture, "contact", CONTACT_ID);

  apply_both (fixture, "absence.create",
              "{\"id\":\"" ABSENCE_ID "\",\"household_id\":\"" HOUSEHOLD_ID "\","
              "\"from\":\"2026-12-01T00:00:00+09:00\",\"reason\":\"hospital\",\"notes\":\"입원\"}",
              "applied");
  assert_same_record (fixture, "absence", ABSENCE_ID);

  apply_both (fixture, "alert.acknowledge",
              "{\"id\":\"" ALERT_ID "\",\"at\":\"2026-11-24T23:05:00+09:00\"}", "applied");
  assert_same_record (fixture, "alert", ALERT_ID);

  /* Taking the case names the holder the same way offline and stored,
   * giving it back clears it, and taking it again holds it again. */
  apply_both (fixture, "alert.claim",
              "{\"id\":\"" ALERT_ID "\",\"at\":\"2026-11-24T23:06:00+09:00\"}", "applied");
  assert_same_record (fixture, "alert", ALERT_ID);
  apply_both (fixture, "alert.claim",
              "{\"id\":\"" ALERT_ID "\",\"at\":\"2026-11-24T23:07:00+09:00\",\"release\":true}",
              "applied");
  assert_same_record (fixture, "alert", ALERT_ID);
  apply_both (fixture, "alert.claim",
              "{\"id\":\"" ALERT_ID "\",\"at\":\"2026-11-24T23:08:00+09:00\"}", "applied");
  assert_same_record (fixture, "alert", ALERT_ID);

  /* A signal someone else holds: taking it or giving it back is refused the same way offline
   * and on the server, with the sentence that names the holder. */
  seed_alert_record (fixture, HELD_ID,
                     "{\"id\":\"" HELD_ID "\",\"household_id\":\"" HOUSEHOLD_ID "\","
                     "\"kind\":\"offline\",\"level\":\"watch\","
                     "\"raised_at\":\"2026-11-24T13:00:00Z\",\"responder\":\"control\","
                     "\"state\":\"acknowledged\",\"acknowledged_at\":\"2026-11-24T13:10:00Z\","
                     "\"claimed_by\":\"" OTHER_ID "\",\"claimed_by_name\":\"박상황\","
                     "\"claimed_at\":\"2026-11-24T13:10:00Z\",\"version\":1}");
  refuse_both (fixture, "alert.claim",
               "{\"id\":\"" HELD_ID "\",\"at\":\"2026-11-24T23:09:00+09:00\"}", "id");
  refuse_both (fixture, "alert.claim",
               "{\"id\":\"" HELD_ID "\",\"at\":\"2026-11-24T23:09:00+09:00\",\"release\":true}", "id");

  /* closed_by is the signed-in planner on both sides. */
  apply_both (fixture, "alert.resolve",
              "{\"id\":\"" ALERT_ID "\",\"resolution\":\"hospitalized\","
              "\"at\":\"2026-11-25T08:00:00+09:00\",\"notes\":\"병원에 계심\"}", "applied");
  assert_same_record (fixture, "alert", ALERT_ID);

  /* What the server refuses, the replica refuses, for the same reason. */
  refuse_both (fixture, "alert.resolve",
               "{\"id\":\"" ALERT_ID "\",\"resolution\":\"safe\","
               "\"at\":\"2026-11-25T09:00:00+09:00\"}", "id");
  refuse_both (fixture, "plug.install",
               "{\"serial\":\"AB-0001\",\"household_id\":\"" HOUSEHOLD_ID "\",\"appliance\":\"tv\","
               "\"installed_at\":\"2026-11-25T10:00:00+09:00\"}", "serial");
  refuse_both (fixture, "plug.remove",
               "{\"serial\":\"AB-0001\",\"reason\":\"moved\",\"at\":\"2026-11-01T09:00:00+09:00\"}",
               "at");

  apply_both (fixture, "household.close",
              "{\"id\":\"" HOUSEHOLD_ID "\",\"reason\":\"이사\"}", "applied");
  assert_same_record (fixture, "household", HOUSEHOLD_ID);

  /* A pull while the edit is still in the outbox shows the server's record
   * with the pending fields applied the same way: nothing differs at all. */
  pull_household_and_compare (fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/mutation-apply/every-kind-same-offline-and-stored", Fixture, NULL,
              fixture_set_up, test_every_kind_same_offline_and_stored, fixture_tear_down);

  return g_test_run ();
}
