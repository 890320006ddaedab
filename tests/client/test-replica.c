/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "anbu-record-error.h"
#include "anbu-replica.h"
#include "anbu-series-prefetcher.h"
#define ANBU_REPLICA_TEST_HELPERS
#include "client-test-util.h"
#include "replica-fixtures.h"

#define PASSWORD "한강 2026 bridge"
#define FAST_OPS 1
#define FAST_MEM ((gsize) 8192)

static char *
replica_path (void)
{
  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  return g_build_filename (g_get_user_data_dir (), "replica.db", NULL);
}

static AnbuReplica *
create_replica (const char *path)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *meta[] = { "username", "planner1", "server_url", "http://127.0.0.1:1", NULL };
  AnbuReplica *replica;

  AWAIT (result, anbu_replica_create_async (path, PASSWORD, FAST_OPS, FAST_MEM, meta, NULL,
                                            test_ready_cb, &result));
  replica = anbu_replica_open_finish (result, NULL, NULL, &error);
  g_assert_no_error (error);
  return replica;
}

static AnbuReplica *
open_replica (const char *path,
              const char *password,
              GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  AWAIT (result, anbu_replica_open_async (path, password, NULL, test_ready_cb, &result));
  return anbu_replica_open_finish (result, NULL, NULL, error);
}

static void
apply_pull (AnbuReplica *replica,
            const char  *body)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  AWAIT (result, anbu_replica_apply_pull_async (replica, bytes, NULL, test_ready_cb, &result));
  anbu_replica_apply_pull_finish (replica, result, NULL, NULL, &error);
  g_assert_no_error (error);
}

static char *
pull_page (const char *const *changes,
           const char        *cursor,
           gboolean           has_more)
{
  g_autofree char *joined = g_strjoinv (",", (GStrv) changes);

  return g_strdup_printf ("{\"changes\":[%s],\"cursor\":\"%s\",\"has_more\":%s}",
                          joined, cursor, has_more ? "true" : "false");
}

static char *
upsert (const char *kind,
        const char *id,
        const char *record)
{
  return g_strdup_printf ("{\"kind\":\"%s\",\"op\":\"upsert\",\"id\":\"%s\",\"record\":%s}",
                          kind, id, record);
}

static void
seed_household (AnbuReplica *replica,
                const char  *id,
                const char  *name,
                gint64       version)
{
  g_autofree char *household = fixture_household_json (id, name, "010-2345-6789",
                                                       "서울특별시 강남구 테헤란로 152", version);
  g_autofree char *change = upsert ("household", id, household);
  const char *changes[] = { change, NULL };
  g_autofree char *cursor = g_strdup_printf ("c-%s-%" G_GINT64_FORMAT, id, version);
  g_autofree char *body = pull_page (changes, cursor, FALSE);

  apply_pull (replica, body);
}

static char *
record_change (AnbuReplica *replica,
               const char  *kind,
               const char  *payload_json,
               GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = json_from_string (payload_json, NULL);

  g_assert_nonnull (node);
  AWAIT (result, anbu_replica_record_change_async (replica, kind, json_node_get_object (node), NULL,
                                                   test_ready_cb, &result));
  return anbu_replica_record_change_finish (replica, result, error);
}

static JsonObject *
get_record (AnbuReplica *replica,
            const char  *kind,
            const char  *id,
            GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  AWAIT (result, anbu_replica_get_record_async (replica, kind, id, NULL, test_ready_cb, &result));
  return anbu_replica_get_record_finish (replica, result, error);
}

static GPtrArray *
list_outbox (AnbuReplica *replica)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *entries;

  AWAIT (result, anbu_replica_list_outbox_async (replica, NULL, test_ready_cb, &result));
  entries = anbu_replica_list_outbox_finish (replica, result, &error);
  g_assert_no_error (error);
  return entries;
}

static gint64
count_records (AnbuReplica *replica,
               const char  *kind)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 count;

  AWAIT (result, anbu_replica_count_records_async (replica, kind, NULL, test_ready_cb, &result));
  count = anbu_replica_count_records_finish (replica, result, &error);
  g_assert_no_error (error);
  return count;
}

static void
close_replica (AnbuReplica **replica)
{
  test_close_object ((GObject **) replica);
}

static void
test_create_and_unlock (void)
{
  g_autofree char *path = replica_path ();
  g_autoptr(AnbuReplica) replica = create_replica (path);
  g_autoptr(AnbuReplica) again = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) meta = NULL;

  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  /* Only the planner's own account may read the file or its write-ahead log. */
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    GStatBuf st;

    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0077, ==, 0);
    if (g_stat (wal, &st) == 0)
      g_assert_cmpint (st.st_mode & 0077, ==, 0);
  }
  g_assert_null (test_replica_cursor (replica));
  g_assert_cmpuint (anbu_replica_get_pending_count (replica), ==, 0);
  seed_household (replica, "a1111111-1111-4111-8111-111111111111", "김영희", 3);
  close_replica (&replica);

  /* A second create refuses to overwrite. */
  AWAIT (result, anbu_replica_create_async (path, PASSWORD, FAST_OPS, FAST_MEM, NULL, NULL,
                                            test_ready_cb, &result));
  g_assert_null (anbu_replica_open_finish (result, NULL, NULL, &error));
  g_assert_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_EXISTS);
  g_clear_error (&error);

  /* The sign-in form can read who owns it without the password. */
  AWAIT (result, anbu_replica_peek_async (path, NULL, test_ready_cb, &result));
  meta = anbu_replica_peek_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (meta, "username"), ==, "planner1");
  g_assert_null (g_hash_table_lookup (meta, "wrapped_key"));

  again = open_replica (path, PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (test_replica_cursor (again), ==, "c-a1111111-1111-4111-8111-111111111111-3");
  g_assert_true (test_replica_has_synced (again));
  g_assert_cmpint (count_records (again, "household"), ==, 1);
}

static void
test_wrong_password (void)
{
  g_autofree char *path = replica_path ();
  g_autoptr(AnbuReplica) replica = create_replica (path);
  g_autoptr(GError) error = NULL;
  AnbuReplica *opened;

  close_replica (&replica);
  opened = open_replica (path, "한강 2026 bridgE", &error);
  g_assert_null (opened);
  g_assert_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_WRONG_PASSWORD);
}

static void
test_missing (void)
{
  g_autofree char *path = replica_path ();
  g_autoptr(GError) error = NULL;

  g_assert_null (open_replica (path, PASSWORD, &error));
  g_assert_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_NOT_FOUND);
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           gpointer    data)
{
  (*(guint *) data)++;
}

static void
test_local_change_queues (void)
{
  g_autofree char *path = replica_path ();
  g_autoptr(AnbuReplica) replica = create_replica (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonObject) visit = NULL;
  g_autofree char *visit_json = fixture_visit_json ("b1111111-1111-4111-8111-111111111111", "a1111111-1111-4111-8111-111111111111");
  g_autofree char *mutation_id = NULL;
  AnbuOutboxEntry *entry;
  guint notified = 0;

  seed_household (replica, "a1111111-1111-4111-8111-111111111111", "김영희", 1);
  g_signal_connect (replica, "notify::pending-count", G_CALLBACK (on_notify), &notified);

  mutation_id = record_change (replica, "visit.create", visit_json, &error);
  g_assert_no_error (error);
  g_assert_true (g_uuid_string_is_valid (mutation_id));
  test_drain_main_context ();
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpuint (anbu_replica_get_pending_count (replica), ==, 1);

  visit = get_record (replica, "visit", "b1111111-1111-4111-8111-111111111111", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (visit, "notes"), ==, "건강하심");

  entries = list_outbox (replica);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (anbu_outbox_entry_get_id (entry), ==, mutation_id);
  g_assert_cmpstr (anbu_outbox_entry_get_kind (entry), ==, "visit.create");
  g_assert_cmpstr (anbu_outbox_entry_get_household_id (entry), ==, "a1111111-1111-4111-8111-111111111111");
  g_assert_cmpint (anbu_outbox_entry_get_state (entry), ==, ANBU_OUTBOX_STATE_PENDING);

  /* The same fact twice is refused, not queued twice. */
  g_assert_null (record_change (replica, "visit.create", visit_json, &error));
  g_assert_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (anbu_replica_get_pending_count (replica), ==, 1);
}

/* The offline copy of a household's series keeps what the chart draws and
 * drops the rest. */
static void
test_series_compact (void)
{
  const char *full =
    "{\"household_id\": \"a1111111-1111-4111-8111-111111111111\","
    " \"from\": \"2026-11-17T10:00:00Z\", \"to\": \"2026-11-24T10:00:00Z\", \"bucket\": 3600,"
    " \"plugs\": [{\"serial\": \"PLG-1\", \"appliance\": \"tv\","
    "   \"buckets\": [{\"start\": \"2026-11-17T10:00:00Z\", \"count\": 60,"
    "                  \"watts\": {\"min\": 0.5, \"max\": 92.5, \"mean\": 30.25},"
    "                  \"lux\": {\"min\": 3, \"max\": 180, \"mean\": 75.5}},"
    "                 {\"start\": \"2026-11-17T11:00:00Z\", \"count\": 60,"
    "                  \"watts\": {\"min\": 0.5, \"max\": 0.75, \"mean\": 0.5},"
    "                  \"lux\": {\"min\": 2, \"max\": 4, \"mean\": 3}}],"
    "   \"events\": [{\"at\": \"2026-11-17T10:12:00Z\", \"kind\": \"power\", \"magnitude\": 92}]}]}";
  g_autofree char *compact = anbu_series_prefetcher_compact (full);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *plug, *bucket;

  g_assert_nonnull (compact);
  g_test_message ("%" G_GSIZE_FORMAT " → %" G_GSIZE_FORMAT " bytes", strlen (full), strlen (compact));
  g_assert_cmpuint (strlen (compact), <, strlen (full) * 2 / 3);
  node = json_from_string (compact, NULL);
  g_assert_nonnull (node);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "bucket"), ==, 3600);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "from"), ==,
                   "2026-11-17T10:00:00Z");
  plug = json_array_get_object_element (json_object_get_array_member (json_node_get_object (node), "plugs"), 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (plug, "buckets")), ==, 2);
  bucket = json_array_get_object_element (json_object_get_array_member (plug, "buckets"), 0);
  g_assert_cmpstr (json_object_get_string_member (bucket, "start"), ==, "2026-11-17T10:00:00Z");
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (bucket, "watts"), "max"), ==, 92.5);
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (bucket, "lux"), "mean"), ==, 75.5);
  g_assert_false (json_object_has_member (json_object_get_object_member (bucket, "watts"), "min"));
  g_assert_false (json_object_has_member (bucket, "count"));
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (json_object_get_array_member (plug, "events"), 0), "at"),
                   ==, "2026-11-17T10:12:00Z");
  g_assert_null (strstr (compact, "magnitude"));

  /* Not a series: nothing to keep. */
  g_assert_null (anbu_series_prefetcher_compact ("{\"error\": {\"code\": \"not_found\"}}"));
  g_assert_null (anbu_series_prefetcher_compact ("<html>"));
}

/* A planner's new household outside their 동s would only come back
 * refused by the server: the replica refuses it before it is queued, with
 * the reason under the 동; in their own 동 it is queued. */
static void
test_household_outside_scope_not_queued (void)
{
  g_autofree char *path = replica_path ();
  g_autoptr(AnbuReplica) replica = create_replica (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) stored = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *refused = NULL;
  g_autofree char *queued = NULL;
  g_autofree char *field = NULL;
  /* Who signed in, as the server described them (AnbuSession keeps it). */
  const char *user = "{\"id\":\"e1111111-1111-4111-8111-111111111111\",\"username\":\"kim\","
                     "\"display_name\":\"김복지\",\"role\":\"planner\",\"dong_codes\":[\"1168064000\"]}";
  g_autofree char *elsewhere = fixture_household_json ("a7777777-7777-4777-8777-777777777777", "이순자",
                                                       "010-2345-6789", "테헤란로 7", 0);
  g_autofree char *mine = fixture_household_json ("a8888888-8888-4888-8888-888888888888", "박영수",
                                                  "010-2345-6780", "테헤란로 8", 0);
  g_auto(GStrv) parts = NULL;
  g_autofree char *other_dong = NULL;

  AWAIT (stored, anbu_replica_set_secret_async (replica, "user", user, NULL, test_ready_cb, &stored));
  g_assert_true (anbu_replica_set_secret_finish (replica, stored, &error));
  g_assert_no_error (error);

  /* 역삼2동 is another planner's. */
  parts = g_strsplit (elsewhere, "\"1168064000\"", -1);
  other_dong = g_strjoinv ("\"1168065000\"", parts);
  refused = record_change (replica, "household.create", other_dong, &error);
  g_assert_null (refused);
  g_assert_error (error, ANBU_RECORD_ERROR, ANBU_RECORD_ERROR_INVALID_VALUE);
  field = anbu_record_error_dup_field (error);
  g_assert_cmpstr (field, ==, "dong_code");
  g_clear_error (&error);
  entries = list_outbox (replica);
  g_assert_cmpuint (entries->len, ==, 0);
  g_clear_pointer (&entries, g_ptr_array_unref);

  queued = record_change (replica, "household.create", mine, &error);
  g_assert_no_error (error);
  g_assert_nonnull (queued);
  entries = list_outbox (replica);
  g_assert_cmpuint (entries->len, ==, 1);
}

/* A change that cannot be applied leaves no outbox entry behind. */
static void
test_failed_change_not_queued (void)
{
  g_autofree char *path = replica_path ();
  g_autoptr(AnbuReplica) replica = create_replica (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  struct {
    const char *kind;
    const char *payload;
    GQuark domain;
    int code;
    const char *field;
  } bad[] = {
    { "household.update", "{\"id\":\"d0000000-0000-4000-8000-00000000dead\",\"fields\":{\"phone\":\"010-1234-5678\"}}",
      ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_UNKNOWN, NULL },
    { "household.update", "{\"id\":\"a1111111-1111-4111-8111-111111111111\",\"fields\":{}}",
      ANBU_RECORD_ERROR, -1, "fields" },
    { "household.update", "{\"id\":\"a1111111-1111-4111-8111-111111111111\",\"fields\":{\"phone\":\"010\"}}",
      ANBU_RECORD_ERROR, ANBU_RECORD_ERROR_INVALID_VALUE, "fields.phone" },
    { "visit.create", "{\"id\":\"b9999999-9999-4999-8999-999999999999\",\"notes\":\"no household\"}",
      ANBU_RECORD_ERROR, ANBU_RECORD_ERROR_MISSING_FIELD, NULL },
    { "alert.resolve", "{\"id\":\"c0000000-0000-4000-8000-00000000dead\",\"resolution\":\"safe\",\"at\":\"2026-11-24T10:00:00Z\"}",
      ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_UNKNOWN, NULL },
    { "plug.remove", "{\"serial\":\"P-404\",\"reason\":\"moved\",\"at\":\"2026-11-24T10:00:00Z\"}",
      ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_UNKNOWN, NULL },
    { "household.explode", "{\"id\":\"a1111111-1111-4111-8111-111111111111\"}",
      ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_INVALID, NULL },
  };

  seed_household (replica, "a1111111-1111-4111-8111-111111111111", "김영희", 1);
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *id = record_change (replica, bad[i].kind, bad[i].payload, &error);

      g_assert_null (id);
      g_assert_nonnull (error);
      g_assert_true (error->domain == bad[i].domain);
      if (bad[i].code >= 0)
        g_assert_cmpint (error->code, ==, bad[i].code);
      if (bad[i].field != NULL)
        {
          g_autofree char *field = anbu_record_error_dup_field (error);

          g_assert_cmpstr (field, ==, bad[i].field);
        }
      g_clear_error (&error);
    }
  entries = list_outbox (replica);
  g_assert_cmpuint (entries->len, ==, 0);
  g_assert_cmpuint (anbu_replica_get_pending_count (replica), ==, 0);
}

static void
test_pull_and_removal (void)
{
  g_autofree char *path = replica_path ();
  g_autoptr(AnbuReplica) replica = create_replica (path);
  g_autofree char *h1 = fixture_household_json ("a1111111-1111-4111-8111-111111111111", "김영희", "010-1111-2222", "테헤란로 1", 1);
  g_autofree char *h2 = fixture_household_json ("a2222222-2222-4222-8222-222222222222", "박철수", "010-3333-4444", "테헤란로 2", 1);
  g_autofree char *v1 = fixture_visit_json ("b1111111-1111-4111-8111-111111111111", "a1111111-1111-4111-8111-111111111111");
  g_autofree char *v2 = fixture_visit_json ("b2222222-2222-4222-8222-222222222222", "a2222222-2222-4222-8222-222222222222");
  g_autofree char *c1 = upsert ("household", "a1111111-1111-4111-8111-111111111111", h1);
  g_autofree char *c2 = upsert ("household", "a2222222-2222-4222-8222-222222222222", h2);
  g_autofree char *c3 = upsert ("visit", "b1111111-1111-4111-8111-111111111111", v1);
  g_autofree char *c4 = upsert ("visit", "b2222222-2222-4222-8222-222222222222", v2);
  g_autofree char *c5 = upsert ("plug", "P-1", "{\"serial\":\"P-1\",\"household_id\":\"a1111111-1111-4111-8111-111111111111\",\"appliance\":\"tv\",\"state\":\"installed\"}");
  g_autofree char *c6 = upsert ("alert", "c1111111-1111-4111-8111-111111111111", "{\"id\":\"c1111111-1111-4111-8111-111111111111\",\"household_id\":\"a1111111-1111-4111-8111-111111111111\",\"kind\":\"inactivity\",\"level\":\"risk\",\"state\":\"open\",\"version\":1}");
  g_autofree char *c7 = upsert ("gizmo", "g1", "{}");
  const char *page1[] = { c1, c2, c3, c4, c5, c6, c7, NULL };
  const char *page2[] = { "{\"kind\":\"household\",\"op\":\"remove\",\"id\":\"a1111111-1111-4111-8111-111111111111\"}", NULL };
  g_autofree char *body1 = pull_page (page1, "cur-1", TRUE);
  g_autofree char *body2 = pull_page (page2, "cur-2", FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) kept = NULL;
  JsonObject *gone;

  apply_pull (replica, body1);
  g_assert_cmpstr (test_replica_cursor (replica), ==, "cur-1");
  g_assert_false (test_replica_has_synced (replica));
  g_assert_cmpint (count_records (replica, "household"), ==, 2);
  g_assert_cmpint (count_records (replica, "visit"), ==, 2);
  g_assert_cmpint (count_records (replica, "plug"), ==, 1);
  g_assert_cmpint (count_records (replica, "alert"), ==, 1);

  /* h1 leaves the caseload: it and everything of it disappear here. */
  apply_pull (replica, body2);
  g_assert_cmpstr (test_replica_cursor (replica), ==, "cur-2");
  g_assert_true (test_replica_has_synced (replica));
  g_assert_cmpint (count_records (replica, "household"), ==, 1);
  g_assert_cmpint (count_records (replica, "visit"), ==, 1);
  g_assert_cmpint (count_records (replica, "plug"), ==, 0);
  g_assert_cmpint (count_records (replica, "alert"), ==, 0);
  gone = get_record (replica, "household", "a1111111-1111-4111-8111-111111111111", &error);
  g_assert_null (gone);
  g_assert_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_UNKNOWN);
  g_clear_error (&error);
  kept = get_record (replica, "visit", "b2222222-2222-4222-8222-222222222222", &error);
  g_assert_no_error (error);
}

static void
test_bad_pull_changes_nothing (void)
{
  g_autofree char *path = replica_path ();
  g_autoptr(AnbuReplica) replica = create_replica (path);
  const char *bodies[] = {
    "not json",
    "[]",
    "{\"cursor\":\"x\"}",
    "{\"changes\":[],\"has_more\":false}",
    "{\"changes\":[{\"kind\":\"household\",\"op\":\"upsert\",\"id\":\"h9\"}],\"cursor\":\"x\"}",
    "{\"changes\":[{\"kind\":\"household\",\"op\":\"explode\",\"id\":\"h9\"}],\"cursor\":\"x\"}",
    "{\"changes\":[42],\"cursor\":\"x\"}",
  };

  seed_household (replica, "a1111111-1111-4111-8111-111111111111", "김영희", 1);
  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = g_bytes_new_static (bodies[i], strlen (bodies[i]));

      AWAIT (result, anbu_replica_apply_pull_async (replica, bytes, NULL, test_ready_cb, &result));
      g_assert_false (anbu_replica_apply_pull_finish (replica, result, NULL, NULL, &error));
      g_assert_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_INVALID);
    }
  g_assert_cmpstr (test_replica_cursor (replica), ==, "c-a1111111-1111-4111-8111-111111111111-1");
  g_assert_cmpint (count_records (replica, "household"), ==, 1);
}

/* A page fetched ahead applies only on top of the page it follows. */
static void
test_page_must_follow_cursor (void)
{
  g_autofree char *path = replica_path ();
  g_autoptr(AnbuReplica) replica = create_replica (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *body = "{\"changes\":[],\"cursor\":\"c-next\",\"has_more\":false}";
  g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));

  seed_household (replica, "a1111111-1111-4111-8111-111111111111", "김영희", 1);
  AWAIT (result, anbu_replica_apply_pull_page_async (replica, "some-older-cursor", bytes, NULL, NULL,
                                                     NULL, test_ready_cb, &result));
  g_assert_false (anbu_replica_apply_pull_finish (replica, result, NULL, NULL, &error));
  g_assert_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpstr (test_replica_cursor (replica), ==, "c-a1111111-1111-4111-8111-111111111111-1");

  AWAIT (result, anbu_replica_apply_pull_page_async (replica, "c-a1111111-1111-4111-8111-111111111111-1",
                                                     bytes, NULL, NULL, NULL, test_ready_cb, &result));
  g_assert_true (anbu_replica_apply_pull_finish (replica, result, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (test_replica_cursor (replica), ==, "c-next");
}

static GBytes *
prepare_push (AnbuReplica *replica,
              guint        limit,
              GStrv       *ids)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *body;

  AWAIT (result, anbu_replica_prepare_push_async (replica, limit, NULL, test_ready_cb, &result));
  body = anbu_replica_prepare_push_finish (replica, result, ids, &error);
  g_assert_no_error (error);
  return body;
}

static AnbuPushSummary
apply_push (AnbuReplica *replica,
            GStrv        ids,
            const char  *response)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (response, strlen (response));
  AnbuPushSummary summary = { 0, };

  AWAIT (result, anbu_replica_apply_push_async (replica, (const char *const *) ids, bytes, NULL,
                                                test_ready_cb, &result));
  anbu_replica_apply_push_finish (replica, result, &summary, &error);
  g_assert_no_error (error);
  return summary;
}

static void
test_push_results (void)
{
  g_autofree char *path = replica_path ();
  g_autoptr(AnbuReplica) replica = create_replica (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) request = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_auto(GStrv) ids = NULL;
  g_autofree char *v1 = fixture_visit_json ("b1111111-1111-4111-8111-111111111111", "a1111111-1111-4111-8111-111111111111");
  g_autofree char *v2 = fixture_visit_json ("b2222222-2222-4222-8222-222222222222", "a1111111-1111-4111-8111-111111111111");
  g_autofree char *response = NULL;
  g_autofree char *m1 = NULL, *m2 = NULL, *m3 = NULL, *m4 = NULL;
  g_autoptr(JsonObject) household = NULL;
  g_autoptr(JsonObject) v2_record = NULL;
  JsonArray *mutations;
  AnbuPushSummary summary;
  AnbuOutboxEntry *rejected;

  seed_household (replica, "a1111111-1111-4111-8111-111111111111", "김영희", 4);
  m1 = record_change (replica, "visit.create", v1, &error);
  m2 = record_change (replica, "household.update",
                      "{\"id\":\"a1111111-1111-4111-8111-111111111111\",\"fields\":{\"phone\":\"010-9999-0000\",\"risk_notes\":\"입원 후 퇴원\"}}",
                      &error);
  m3 = record_change (replica, "visit.create", v2, &error);
  m4 = record_change (replica, "visit.create", "{\"household_id\":\"a1111111-1111-4111-8111-111111111111\",\"at\":\"2026-11-24T11:00:00+09:00\",\"by\":\"e1111111-1111-4111-8111-111111111111\",\"purpose\":\"regular\",\"notes\":\"later\"}", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (anbu_replica_get_pending_count (replica), ==, 4);

  /* Batches keep the order of the outbox. */
  body = prepare_push (replica, 3, &ids);
  g_assert_cmpuint (g_strv_length (ids), ==, 3);
  g_assert_cmpstr (ids[0], ==, m1);
  g_assert_cmpstr (ids[1], ==, m2);
  g_assert_cmpstr (ids[2], ==, m3);
  request = json_from_string (g_bytes_get_data (body, NULL), &error);
  g_assert_no_error (error);
  mutations = json_object_get_array_member (json_node_get_object (request), "mutations");
  g_assert_cmpuint (json_array_get_length (mutations), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (mutations, 1), "kind"),
                   ==, "household.update");
  g_assert_cmpint (json_object_get_int_member (
                     json_object_get_object_member (json_array_get_object_element (mutations, 1), "payload"),
                     "base_version"), ==, 4);

  response = g_strdup_printf (
    "{\"results\":["
    "{\"id\":\"%s\",\"status\":\"duplicate\"},"
    "{\"id\":\"%s\",\"status\":\"conflict\",\"version\":6,"
    " \"conflicts\":[{\"field\":\"phone\",\"mine\":\"010-9999-0000\",\"theirs\":\"010-5555-6666\"}],"
    " \"record\":{\"id\":\"a1111111-1111-4111-8111-111111111111\",\"name\":\"김영희\",\"phone\":\"010-5555-6666\",\"risk_notes\":\"입원 후 퇴원\",\"version\":6}},"
    "{\"id\":\"%s\",\"status\":\"rejected\",\"code\":\"invalid_value\",\"field\":\"outcome\",\"message\":\"outcome is not known\"}"
    "]}", m1, m2, m3);
  summary = apply_push (replica, ids, response);
  g_assert_cmpuint (summary.duplicate, ==, 1);
  g_assert_cmpuint (summary.conflict, ==, 1);
  g_assert_cmpuint (summary.rejected, ==, 1);
  g_assert_cmpuint (anbu_replica_get_pending_count (replica), ==, 1);
  g_assert_cmpuint (anbu_replica_get_conflict_count (replica), ==, 1);
  g_assert_cmpuint (anbu_replica_get_rejection_count (replica), ==, 1);

  household = get_record (replica, "household", "a1111111-1111-4111-8111-111111111111", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (household, "phone"), ==, "010-5555-6666");
  g_assert_cmpint (json_object_get_int_member (household, "version"), ==, 6);

  /* The refused visit is no longer shown as a fact, but its entry says why. */
  v2_record = get_record (replica, "visit", "b2222222-2222-4222-8222-222222222222", &error);
  g_assert_null (v2_record);
  g_assert_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_UNKNOWN);
  g_clear_error (&error);
  entries = list_outbox (replica);
  g_assert_cmpuint (entries->len, ==, 3);
  rejected = g_ptr_array_index (entries, 1);
  g_assert_cmpstr (anbu_outbox_entry_get_id (rejected), ==, m3);
  g_assert_cmpint (anbu_outbox_entry_get_state (rejected), ==, ANBU_OUTBOX_STATE_REJECTED);
  g_assert_cmpstr (anbu_outbox_entry_get_reason_code (rejected), ==, "invalid_value");
  g_assert_cmpstr (anbu_outbox_entry_get_reason_field (rejected), ==, "outcome");
  g_assert_cmpstr (anbu_outbox_entry_get_reason_message (rejected), ==, "outcome is not known");
  g_assert_cmpstr (anbu_outbox_entry_get_id (g_ptr_array_index (entries, 2)), ==, m4);
}

static GPtrArray *
list_conflicts (AnbuReplica *replica)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *conflicts;

  AWAIT (result, anbu_replica_list_conflicts_async (replica, NULL, test_ready_cb, &result));
  conflicts = anbu_replica_list_conflicts_finish (replica, result, &error);
  g_assert_no_error (error);
  return conflicts;
}

static void
resolve (AnbuReplica            *replica,
         const char             *mutation_id,
         const char             *field,
         AnbuConflictResolution  resolution,
         GError                **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  AWAIT (result, anbu_replica_resolve_conflict_async (replica, mutation_id, field, resolution, NULL,
                                                      test_ready_cb, &result));
  anbu_replica_resolve_conflict_finish (replica, result, error);
}

static char *
make_conflict (AnbuReplica *replica)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_auto(GStrv) ids = NULL;
  g_autofree char *response = NULL;
  char *mutation_id;

  seed_household (replica, "a1111111-1111-4111-8111-111111111111", "김영희", 4);
  mutation_id = record_change (replica, "household.update",
                               "{\"id\":\"a1111111-1111-4111-8111-111111111111\",\"fields\":{\"phone\":\"010-9999-0000\",\"address\":\"새 주소 1\"}}",
                               &error);
  g_assert_no_error (error);
  body = prepare_push (replica, 10, &ids);
  response = g_strdup_printf (
    "{\"results\":[{\"id\":\"%s\",\"status\":\"conflict\",\"version\":7,"
    "\"conflicts\":[{\"field\":\"phone\",\"mine\":\"010-9999-0000\",\"theirs\":\"010-5555-6666\"},"
    "{\"field\":\"address\",\"mine\":\"새 주소 1\",\"theirs\":\"새 주소 2\"}],"
    "\"record\":{\"id\":\"a1111111-1111-4111-8111-111111111111\",\"name\":\"김영희\",\"phone\":\"010-5555-6666\",\"address\":\"새 주소 2\",\"version\":7}}]}",
    mutation_id);
  apply_push (replica, ids, response);
  return mutation_id;
}

static void
test_conflict_keep_mine (void)
{
  g_autofree char *path = replica_path ();
  g_autoptr(AnbuReplica) replica = create_replica (path);
  g_autofree char *mutation_id = make_conflict (replica);
  g_autoptr(GPtrArray) conflicts = list_conflicts (replica);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(JsonObject) household = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(GError) error = NULL;
  AnbuConflict *phone = NULL;
  AnbuOutboxEntry *entry;

  g_assert_cmpuint (conflicts->len, ==, 2);
  for (guint i = 0; i < conflicts->len; i++)
    if (g_str_equal (anbu_conflict_get_field (g_ptr_array_index (conflicts, i)), "phone"))
      phone = g_ptr_array_index (conflicts, i);
  g_assert_nonnull (phone);
  g_assert_cmpstr (anbu_conflict_get_mine_json (phone), ==, "\"010-9999-0000\"");
  g_assert_cmpstr (anbu_conflict_get_theirs_json (phone), ==, "\"010-5555-6666\"");
  g_assert_cmpint (anbu_conflict_get_server_version (phone), ==, 7);
  g_assert_cmpstr (anbu_conflict_get_household_id (phone), ==, "a1111111-1111-4111-8111-111111111111");

  resolve (replica, mutation_id, "phone", ANBU_CONFLICT_KEEP_MINE, &error);
  g_assert_no_error (error);
  household = get_record (replica, "household", "a1111111-1111-4111-8111-111111111111", &error);
  g_assert_cmpstr (json_object_get_string_member (household, "phone"), ==, "010-9999-0000");

  /* Mine goes out again, based on the server's version. */
  entries = list_outbox (replica);
  g_assert_cmpuint (entries->len, ==, 2);
  entry = g_ptr_array_index (entries, 1);
  g_assert_cmpstr (anbu_outbox_entry_get_kind (entry), ==, "household.update");
  g_assert_cmpint (anbu_outbox_entry_get_state (entry), ==, ANBU_OUTBOX_STATE_PENDING);
  payload = anbu_outbox_entry_dup_payload (entry);
  g_assert_cmpint (json_object_get_int_member (payload, "base_version"), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (payload, "fields"),
                                                  "phone"), ==, "010-9999-0000");
  g_assert_cmpuint (anbu_replica_get_conflict_count (replica), ==, 1);

  /* Resolving twice is refused. */
  resolve (replica, mutation_id, "phone", ANBU_CONFLICT_KEEP_MINE, &error);
  g_assert_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_UNKNOWN);
  g_clear_error (&error);

  /* The last field resolved: the conflicted entry goes. */
  resolve (replica, mutation_id, "address", ANBU_CONFLICT_TAKE_THEIRS, &error);
  g_assert_no_error (error);
  after = list_outbox (replica);
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpuint (anbu_replica_get_conflict_count (replica), ==, 0);
}

static void
test_conflict_take_theirs (void)
{
  g_autofree char *path = replica_path ();
  g_autoptr(AnbuReplica) replica = create_replica (path);
  g_autofree char *mutation_id = make_conflict (replica);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonObject) household = NULL;
  g_autoptr(GError) error = NULL;

  resolve (replica, mutation_id, "phone", ANBU_CONFLICT_TAKE_THEIRS, &error);
  g_assert_no_error (error);
  resolve (replica, mutation_id, "address", ANBU_CONFLICT_TAKE_THEIRS, &error);
  g_assert_no_error (error);
  household = get_record (replica, "household", "a1111111-1111-4111-8111-111111111111", &error);
  g_assert_cmpstr (json_object_get_string_member (household, "phone"), ==, "010-5555-6666");
  g_assert_cmpstr (json_object_get_string_member (household, "address"), ==, "새 주소 2");
  entries = list_outbox (replica);
  g_assert_cmpuint (entries->len, ==, 0);
  g_assert_cmpuint (anbu_replica_get_pending_count (replica), ==, 0);
  g_assert_cmpuint (anbu_replica_get_conflict_count (replica), ==, 0);
}

/* A pull that brings the household again does not hide an edit not yet sent. */
static void
test_pending_edit_survives_pull (void)
{
  g_autofree char *path = replica_path ();
  g_autoptr(AnbuReplica) replica = create_replica (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) household = NULL;
  g_autofree char *id = NULL;

  seed_household (replica, "a1111111-1111-4111-8111-111111111111", "김영희", 1);
  id = record_change (replica, "household.update",
                      "{\"id\":\"a1111111-1111-4111-8111-111111111111\",\"fields\":{\"risk_notes\":\"낙상 위험\"}}", &error);
  g_assert_no_error (error);
  seed_household (replica, "a1111111-1111-4111-8111-111111111111", "김영희", 2);
  household = get_record (replica, "household", "a1111111-1111-4111-8111-111111111111", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (household, "risk_notes"), ==, "낙상 위험");
  g_assert_cmpint (json_object_get_int_member (household, "version"), ==, 2);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  return memmem (data, len, needle, strlen (needle)) != NULL;
}

static void
test_nothing_in_plaintext (void)
{
  g_autofree char *path = replica_path ();
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(AnbuReplica) replica = create_replica (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  const char *needles[] = { "김영희", "010-2345-6789", "테헤란로", "당뇨", "010-7777-8888",
                            "건강하심", "secret-token" };
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *visit = fixture_visit_json ("b1111111-1111-4111-8111-111111111111", "a1111111-1111-4111-8111-111111111111");

  seed_household (replica, "a1111111-1111-4111-8111-111111111111", "김영희", 1);
  id = record_change (replica, "household.update",
                      "{\"id\":\"a1111111-1111-4111-8111-111111111111\",\"fields\":{\"phone\":\"010-7777-8888\"}}", &error);
  g_assert_no_error (error);
  g_free (record_change (replica, "visit.create", visit, &error));
  g_assert_no_error (error);
  AWAIT (result, anbu_replica_set_secret_async (replica, "token", "secret-token", NULL,
                                                test_ready_cb, &result));
  g_assert_true (anbu_replica_set_secret_finish (replica, result, &error));

  /* While open (data in the WAL) … */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  for (gsize i = 0; i < G_N_ELEMENTS (needles); i++)
    {
      g_assert_false (file_contains (path, needles[i]));
      g_assert_false (file_contains (wal, needles[i]));
    }
  /* … and after closing (checkpointed into the file). */
  g_clear_object (&result);
  close_replica (&replica);
  for (gsize i = 0; i < G_N_ELEMENTS (needles); i++)
    {
      g_assert_false (file_contains (path, needles[i]));
      g_assert_false (file_contains (wal, needles[i]));
    }
  /* The ids needed for sync are there in plain text. */
  g_assert_true (file_contains (path, "visit.create"));
}

static void
test_change_password (void)
{
  g_autofree char *path = replica_path ();
  g_autoptr(AnbuReplica) replica = create_replica (path);
  g_autoptr(AnbuReplica) reopened = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  seed_household (replica, "a1111111-1111-4111-8111-111111111111", "김영희", 1);
  AWAIT (result, anbu_replica_change_password_async (replica, "wrong", "new password", NULL,
                                                     test_ready_cb, &result));
  g_assert_false (anbu_replica_change_password_finish (replica, result, &error));
  g_assert_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);

  AWAIT (result, anbu_replica_change_password_async (replica, PASSWORD, "new password", NULL,
                                                     test_ready_cb, &result));
  g_assert_true (anbu_replica_change_password_finish (replica, result, &error));
  g_clear_object (&result);
  close_replica (&replica);

  g_assert_null (open_replica (path, PASSWORD, &error));
  g_assert_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);
  reopened = open_replica (path, "new password", &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_records (reopened, "household"), ==, 1);
}

/* Overwrites the pages of the records table with garbage, as a failing disk
 * would, leaving the rest of the file alone. */
static void
damage_records_pages (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GArray) pages = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *data = NULL;
  gsize len = 0;
  const gsize page_size = 4096;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT pageno FROM dbstat WHERE name = 'records' "
                                       "AND pagetype = 'leaf'", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 page = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (pages, page);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpuint (pages->len, >, 0);

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  for (guint i = 0; i < pages->len; i++)
    {
      gsize offset = (gsize) (g_array_index (pages, gint64, i) - 1) * page_size;

      g_assert_cmpuint (offset + page_size, <=, len);
      for (gsize j = 0; j < page_size; j++)
        data[offset + j] = (char) (0xA5 ^ (j * 31));
    }
  g_assert_true (g_file_set_contents (path, data, (gssize) len, NULL));
}

static void
test_corrupt_and_rebuild (void)
{
  g_autofree char *path = replica_path ();
  g_autoptr(AnbuReplica) replica = create_replica (path);
  g_autoptr(AnbuReplica) rebuilt = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GHashTable) meta = NULL;
  g_autofree char *m1 = NULL, *m2 = NULL;
  g_autofree char *v1 = fixture_visit_json ("b1111111-1111-4111-8111-111111111111", "a0000000-0000-4000-8000-000000000000");
  g_autofree char *token = NULL;
  guint salvaged = 0, lost = 0;

  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *id = g_strdup_printf ("a0000000-0000-4000-8000-%012u", i);

      seed_household (replica, id, "김영희", 1);
    }
  m1 = record_change (replica, "visit.create", v1, &error);
  m2 = record_change (replica, "household.update",
                      "{\"id\":\"a0000000-0000-4000-8000-000000000001\",\"fields\":{\"phone\":\"010-7777-8888\"}}", &error);
  g_assert_no_error (error);
  AWAIT (result, anbu_replica_set_secret_async (replica, "token", "tok", NULL, test_ready_cb, &result));
  g_assert_true (anbu_replica_set_secret_finish (replica, result, &error));
  g_clear_object (&result);
  close_replica (&replica);

  damage_records_pages (path);
  g_assert_null (open_replica (path, PASSWORD, &error));
  g_assert_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_CORRUPT);
  g_clear_error (&error);

  /* A wrong password cannot rebuild (nor read the outbox). */
  AWAIT (result, anbu_replica_rebuild_async (path, "wrong", NULL, NULL, test_ready_cb, &result));
  g_assert_null (anbu_replica_open_finish (result, NULL, NULL, &error));
  g_assert_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);

  AWAIT (result, anbu_replica_rebuild_async (path, PASSWORD, NULL, NULL, test_ready_cb, &result));
  rebuilt = anbu_replica_open_finish (result, &salvaged, &lost, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (salvaged, ==, 2);
  g_assert_cmpuint (lost, ==, 0);
  g_assert_null (test_replica_cursor (rebuilt));
  g_assert_cmpint (count_records (rebuilt, "household"), ==, 0);
  g_assert_cmpuint (anbu_replica_get_pending_count (rebuilt), ==, 2);
  token = anbu_replica_dup_secret (rebuilt, "token");
  g_assert_cmpstr (token, ==, "tok");

  entries = list_outbox (rebuilt);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (anbu_outbox_entry_get_id (g_ptr_array_index (entries, 0)), ==, m1);
  g_assert_cmpstr (anbu_outbox_entry_get_id (g_ptr_array_index (entries, 1)), ==, m2);

  g_clear_object (&result);
  close_replica (&rebuilt);
  AWAIT (result, anbu_replica_peek_async (path, NULL, test_ready_cb, &result));
  meta = anbu_replica_peek_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (meta, "username"), ==, "planner1");
  rebuilt = open_replica (path, PASSWORD, &error);
  g_assert_no_error (error);
}

static void
test_garbage_file (void)
{
  g_autofree char *path = replica_path ();
  g_autoptr(AnbuReplica) rebuilt = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint salvaged = 99, lost = 99;
  const char *meta[] = { "username", "planner1", NULL };
  g_autoptr(GHashTable) peeked = NULL;
  char garbage[8192];

  for (gsize i = 0; i < sizeof garbage; i++)
    garbage[i] = (char) (i * 7 + 3);
  g_assert_true (g_file_set_contents (path, garbage, sizeof garbage, NULL));

  g_assert_null (open_replica (path, PASSWORD, &error));
  g_assert_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_CORRUPT);
  g_clear_error (&error);

  AWAIT (result, anbu_replica_rebuild_async (path, PASSWORD, meta, NULL, test_ready_cb, &result));
  rebuilt = anbu_replica_open_finish (result, &salvaged, &lost, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (salvaged, ==, 0);
  g_assert_cmpuint (anbu_replica_get_pending_count (rebuilt), ==, 0);

  /* Nothing was readable: who owns it comes from the caller. */
  g_clear_object (&result);
  test_close_object ((GObject **) &rebuilt);
  AWAIT (result, anbu_replica_peek_async (path, NULL, test_ready_cb, &result));
  peeked = anbu_replica_peek_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (peeked, "username"), ==, "planner1");
}

/* A blob moved or damaged inside an intact SQLite file is caught too. */
static void
test_damaged_blob_reported (void)
{
  g_autofree char *path = replica_path ();
  g_autoptr(AnbuReplica) replica = create_replica (path);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  seed_household (replica, "a1111111-1111-4111-8111-111111111111", "김영희", 1);
  seed_household (replica, "a2222222-2222-4222-8222-222222222222", "박철수", 1);
  close_replica (&replica);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE records SET body = (SELECT body FROM records WHERE id = 'a2222222-2222-4222-8222-222222222222') "
                                 "WHERE id = 'a1111111-1111-4111-8111-111111111111'", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  replica = open_replica (path, PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_null (get_record (replica, "household", "a1111111-1111-4111-8111-111111111111", &error));
  g_assert_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_CORRUPT);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/replica/create-and-unlock", test_create_and_unlock);
  g_test_add_func ("/anbu/replica/wrong-password", test_wrong_password);
  g_test_add_func ("/anbu/replica/missing", test_missing);
  g_test_add_func ("/anbu/replica/local-change-queues", test_local_change_queues);
  g_test_add_func ("/anbu/replica/failed-change-not-queued", test_failed_change_not_queued);
  g_test_add_func ("/anbu/replica/series-compact", test_series_compact);
  g_test_add_func ("/anbu/replica/household-outside-scope-not-queued",
                   test_household_outside_scope_not_queued);
  g_test_add_func ("/anbu/replica/pull-and-removal", test_pull_and_removal);
  g_test_add_func ("/anbu/replica/bad-pull-changes-nothing", test_bad_pull_changes_nothing);
  g_test_add_func ("/anbu/replica/page-must-follow-cursor", test_page_must_follow_cursor);
  g_test_add_func ("/anbu/replica/push-results", test_push_results);
  g_test_add_func ("/anbu/replica/conflict-keep-mine", test_conflict_keep_mine);
  g_test_add_func ("/anbu/replica/conflict-take-theirs", test_conflict_take_theirs);
  g_test_add_func ("/anbu/replica/pending-edit-survives-pull", test_pending_edit_survives_pull);
  g_test_add_func ("/anbu/replica/nothing-in-plaintext", test_nothing_in_plaintext);
  g_test_add_func ("/anbu/replica/change-password", test_change_password);
  g_test_add_func ("/anbu/replica/corrupt-and-rebuild", test_corrupt_and_rebuild);
  g_test_add_func ("/anbu/replica/garbage-file", test_garbage_file);
  g_test_add_func ("/anbu/replica/damaged-blob-reported", test_damaged_blob_reported);

  return g_test_run ();
}
