/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>


#include "anbu-test-server.h"

#define PASSWORD "correct horse battery"
#define DONG "1111051500"

static AnbuTestServer *server;
static char *planner_token;
static char *planner_id;

static JsonObject *
result_at (JsonArray *results,
           guint      i)
{
  return json_array_get_object_element (results, i);
}

static const char *
status_at (JsonArray *results,
           guint      i)
{
  return json_object_get_string_member (result_at (results, i), "status");
}

static char *
entry (const char *kind,
       const char *payload)
{
  g_autofree char *id = g_uuid_string_random ();

  return g_strdup_printf ("{\"id\": \"%s\", \"kind\": \"%s\", \"payload\": %s}", id, kind, payload);
}

static char *
entry_take (const char *kind,
            char       *payload)
{
  char *text = entry (kind, payload);

  g_free (payload);
  return text;
}

static JsonObject *
push_one (const char        *kind,
          const char        *payload,
          AnbuTestResponse **response)
{
  g_autofree char *one = entry (kind, payload);
  g_autofree char *batch = g_strdup_printf ("[%s]", one);
  JsonArray *results = anbu_test_push (server, planner_token, batch, response);

  g_assert_cmpuint (json_array_get_length (results), ==, 1);
  return result_at (results, 0);
}

static char *
household_payload (const char *id)
{
  return g_strdup_printf ("{\"id\": \"%s\", \"dong_code\": \"" DONG "\", \"name\": \"김영수\", "
                          "\"address\": \"서울특별시 종로구 자하문로 1\", \"phone\": \"010-1234-5678\", "
                          "\"threshold_hours\": 36, \"night_consent\": true}", id);
}

static char *
create_household (void)
{
  char *id = g_uuid_string_random ();
  g_autofree char *payload = household_payload (id);
  g_autoptr(AnbuTestResponse) response = NULL;
  JsonObject *result = push_one ("household.create", payload, &response);

  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  return id;
}

/* Alerts are raised by detection on the server, not pushed by apps: the
 * test writes one into the database as detection would. */
static char *
seed_alert (const char *household_id)
{
  char *id = g_uuid_string_random ();
  g_autofree char *record = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", "
                                             "\"kind\": \"inactivity\", \"level\": \"risk\", "
                                             "\"raised_at\": \"2026-11-24T01:00:00Z\", "
                                             "\"responder\": \"dong\", \"state\": \"open\", \"version\": 1}",
                                             id, household_id);

  anbu_test_server_insert_alert (server, id, household_id, record, "2026-11-24T01:00:00Z");
  return id;
}

static JsonObject *
pulled_record (JsonArray  *changes,
               const char *kind,
               const char *id)
{
  JsonObject *change = anbu_test_find_change (changes, kind, id);

  g_assert_nonnull (change);
  return json_object_get_object_member (change, "record");
}

static void
test_every_kind_applied (void)
{
  g_autofree char *household = create_household ();
  g_autofree char *alert = seed_alert (household);
  g_autofree char *visit_id = g_uuid_string_random ();
  g_autofree char *contact_id = g_uuid_string_random ();
  g_autofree char *absence_id = g_uuid_string_random ();
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) batch = g_string_new ("[");
  g_autoptr(AnbuTestResponse) response = NULL;
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) changes = NULL;
  JsonArray *results;
  JsonObject *record;

  g_ptr_array_add (entries, entry_take ("household.update", g_strdup_printf (
    "{\"id\": \"%s\", \"base_version\": 1, \"fields\": {\"phone\": \"010-9876-5432\", \"threshold_hours\": 48}}",
    household)));
  g_ptr_array_add (entries, entry_take ("plug.install", g_strdup_printf (
    "{\"serial\": \"AP-0001\", \"household_id\": \"%s\", \"appliance\": \"tv\", "
    "\"installed_at\": \"2026-11-20T10:00:00+09:00\"}", household)));
  g_ptr_array_add (entries, entry_take ("plug.install", g_strdup_printf (
    "{\"serial\": \"AP-0002\", \"household_id\": \"%s\", \"appliance\": \"lamp\", "
    "\"installed_at\": \"2026-11-20T10:05:00+09:00\"}", household)));
  g_ptr_array_add (entries, entry_take ("plug.replace", g_strdup_printf (
    "{\"household_id\": \"%s\", \"old_serial\": \"AP-0001\", \"new_serial\": \"AP-0003\", "
    "\"appliance\": \"tv\", \"reason\": \"faulty\", \"at\": \"2026-11-22T11:00:00+09:00\"}", household)));
  g_ptr_array_add (entries, entry_take ("plug.remove",
    g_strdup ("{\"serial\": \"AP-0002\", \"reason\": \"returned\", \"at\": \"2026-11-23T09:00:00+09:00\"}")));
  g_ptr_array_add (entries, entry_take ("visit.create", g_strdup_printf (
    "{\"id\": \"%s\", \"household_id\": \"%s\", \"at\": \"2026-11-24T15:05:00+09:00\", \"by\": \"%s\", "
    "\"purpose\": \"regular\", \"outcome\": \"건강하심\", \"next_visit_on\": \"2026-12-24\"}",
    visit_id, household, planner_id)));
  g_ptr_array_add (entries, entry_take ("contact.create", g_strdup_printf (
    "{\"id\": \"%s\", \"alert_id\": \"%s\", \"household_id\": \"%s\", \"at\": \"2026-11-24T10:00:00+09:00\", "
    "\"by\": \"%s\", \"channel\": \"phone\", \"outcome\": \"reached_safe\"}",
    contact_id, alert, household, planner_id)));
  g_ptr_array_add (entries, entry_take ("absence.create", g_strdup_printf (
    "{\"id\": \"%s\", \"household_id\": \"%s\", \"from\": \"2026-12-01T00:00:00+09:00\", "
    "\"to\": \"2026-12-05T00:00:00+09:00\", \"reason\": \"hospital\"}", absence_id, household)));
  g_ptr_array_add (entries, entry_take ("alert.acknowledge", g_strdup_printf (
    "{\"id\": \"%s\", \"at\": \"2026-11-24T10:01:00+09:00\"}", alert)));
  g_ptr_array_add (entries, entry_take ("alert.resolve", g_strdup_printf (
    "{\"id\": \"%s\", \"resolution\": \"safe\", \"at\": \"2026-11-24T10:30:00+09:00\", \"notes\": \"통화 완료\"}",
    alert)));
  g_ptr_array_add (entries, entry_take ("household.close", g_strdup_printf (
    "{\"id\": \"%s\", \"reason\": \"요양원 입소\"}", household)));
  for (guint i = 0; i < entries->len; i++)
    g_string_append_printf (batch, "%s%s", i > 0 ? "," : "", (char *) g_ptr_array_index (entries, i));
  g_string_append (batch, "]");

  results = anbu_test_push (server, planner_token, batch->str, &response);
  g_assert_cmpuint (json_array_get_length (results), ==, entries->len);
  for (guint i = 0; i < entries->len; i++)
    {
      if (g_strcmp0 (status_at (results, i), "applied") != 0)
        g_test_message ("entry %u: %s %s", i, status_at (results, i),
                        json_object_get_string_member_with_default (result_at (results, i), "message", ""));
      g_assert_cmpstr (status_at (results, i), ==, "applied");
      g_assert_true (json_object_has_member (result_at (results, i), "record"));
    }
  g_assert_cmpint (json_object_get_int_member (result_at (results, 0), "version"), ==, 2);

  /* What the planner pulls reflects every entry (as an admin would see the
   * closed case). */
  {
    g_autofree char *admin = anbu_test_server_sign_in (server, "admin", PASSWORD);

    changes = anbu_test_pull (server, admin, &cursor, 0, NULL);
  }
  record = pulled_record (changes, "household", household);
  g_assert_cmpstr (json_object_get_string_member (record, "phone"), ==, "010-9876-5432");
  g_assert_cmpint (json_object_get_int_member (record, "threshold_hours"), ==, 48);
  g_assert_cmpstr (json_object_get_string_member (record, "status"), ==, "closed");
  g_assert_cmpstr (json_object_get_string_member (pulled_record (changes, "plug", "AP-0001"), "state"), ==, "removed");
  g_assert_cmpstr (json_object_get_string_member (pulled_record (changes, "plug", "AP-0002"), "state"), ==, "removed");
  g_assert_cmpstr (json_object_get_string_member (pulled_record (changes, "plug", "AP-0003"), "state"), ==, "installed");
  g_assert_cmpstr (json_object_get_string_member (pulled_record (changes, "visit", visit_id), "outcome"), ==, "건강하심");
  g_assert_cmpstr (json_object_get_string_member (pulled_record (changes, "contact", contact_id), "alert_id"), ==, alert);
  g_assert_cmpstr (json_object_get_string_member (pulled_record (changes, "absence", absence_id), "reason"), ==, "hospital");
  record = pulled_record (changes, "alert", alert);
  g_assert_cmpstr (json_object_get_string_member (record, "state"), ==, "resolved");
  g_assert_cmpstr (json_object_get_string_member (record, "resolution"), ==, "safe");
  g_assert_cmpstr (json_object_get_string_member (record, "closed_by"), ==, planner_id);
}

static void
test_resend_is_duplicate (void)
{
  g_autofree char *household = create_household ();
  g_autofree char *visit_id = g_uuid_string_random ();
  g_autofree char *payload = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", "
                                              "\"at\": \"2026-11-24T15:05:00+09:00\", \"by\": \"%s\", "
                                              "\"purpose\": \"regular\"}", visit_id, household, planner_id);
  g_autofree char *one = entry ("visit.create", payload);
  g_autofree char *batch = g_strdup_printf ("[%s]", one);
  g_autoptr(AnbuTestResponse) first = NULL, second = NULL;
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) changes = NULL;
  JsonArray *results;
  guint visits = 0;

  results = anbu_test_push (server, planner_token, batch, &first);
  g_assert_cmpstr (status_at (results, 0), ==, "applied");
  /* The app timed out and sends the same entry again. */
  results = anbu_test_push (server, planner_token, batch, &second);
  g_assert_cmpstr (status_at (results, 0), ==, "duplicate");
  g_assert_false (json_object_has_member (result_at (results, 0), "record"));

  changes = anbu_test_pull (server, planner_token, &cursor, 0, NULL);
  for (guint i = 0; i < json_array_get_length (changes); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (changes, i), "id"), visit_id) == 0)
      visits++;
  g_assert_cmpuint (visits, ==, 1);

  /* Operators see both in /metrics, and what sync served. */
  {
    g_autoptr(AnbuTestResponse) metrics = anbu_test_request (server, "GET", "/metrics", NULL, NULL);
    g_autofree char *text = g_strndup (g_bytes_get_data (metrics->raw, NULL), g_bytes_get_size (metrics->raw));

    g_assert_nonnull (strstr (text, "anbu_mutations_total{kind=\"visit.create\",status=\"applied\"}"));
    g_assert_nonnull (strstr (text, "anbu_mutations_total{kind=\"visit.create\",status=\"duplicate\"}"));
    g_assert_null (strstr (text, "anbu_sync_entries_served_total 0\n"));
  }
}

static void
test_field_merge_conflict (void)
{
  g_autofree char *household = create_household ();
  g_autofree char *theirs = g_strdup_printf ("{\"id\": \"%s\", \"base_version\": 1, "
                                             "\"fields\": {\"phone\": \"010-1111-2222\"}}", household);
  g_autofree char *mine = g_strdup_printf ("{\"id\": \"%s\", \"base_version\": 1, "
                                           "\"fields\": {\"phone\": \"010-3333-4444\", "
                                           "\"address_detail\": \"101동 1203호\"}}", household);
  g_autoptr(AnbuTestResponse) r1 = NULL, r2 = NULL;
  JsonObject *result, *conflict, *record;
  JsonArray *conflicts;

  result = push_one ("household.update", theirs, &r1);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  g_assert_cmpint (json_object_get_int_member (result, "version"), ==, 2);

  /* A second planner edited from version 1 too: their phone loses to
   * nobody; the other field goes in. */
  result = push_one ("household.update", mine, &r2);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "conflict");
  g_assert_cmpint (json_object_get_int_member (result, "version"), ==, 3);
  conflicts = json_object_get_array_member (result, "conflicts");
  g_assert_cmpuint (json_array_get_length (conflicts), ==, 1);
  conflict = json_array_get_object_element (conflicts, 0);
  g_assert_cmpstr (json_object_get_string_member (conflict, "field"), ==, "phone");
  g_assert_cmpstr (json_object_get_string_member (conflict, "mine"), ==, "010-3333-4444");
  g_assert_cmpstr (json_object_get_string_member (conflict, "theirs"), ==, "010-1111-2222");
  record = json_object_get_object_member (result, "record");
  g_assert_cmpstr (json_object_get_string_member (record, "phone"), ==, "010-1111-2222");
  g_assert_cmpstr (json_object_get_string_member (record, "address_detail"), ==, "101동 1203호");

  /* The same number written another way is no conflict and no change. */
  {
    g_autofree char *same = g_strdup_printf ("{\"id\": \"%s\", \"base_version\": 1, "
                                             "\"fields\": {\"phone\": \"01011112222\"}}", household);
    g_autoptr(AnbuTestResponse) r3 = NULL;

    result = push_one ("household.update", same, &r3);
    g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
    g_assert_cmpint (json_object_get_int_member (result, "version"), ==, 3);
  }
}

/* The server keeps when a household joined the register (forms refuse a
 * plug installed before it): its own time, not what the app sent, and
 * edits keep it. */
static void
test_household_created_at (void)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *payload = g_strdup_printf ("{\"id\": \"%s\", \"dong_code\": \"" DONG "\", \"name\": \"김영수\", "
                                              "\"address\": \"서울특별시 종로구 자하문로 1\", "
                                              "\"created_at\": \"2001-01-01T00:00:00Z\"}", id);
  g_autofree char *update = g_strdup_printf ("{\"id\": \"%s\", \"base_version\": 1, "
                                             "\"fields\": {\"phone\": \"010-1111-2222\"}}", id);
  g_autofree char *created_at = NULL;
  g_autoptr(AnbuTestResponse) r1 = NULL, r2 = NULL;
  JsonObject *result, *record;

  result = push_one ("household.create", payload, &r1);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  record = json_object_get_object_member (result, "record");
  created_at = g_strdup (json_object_get_string_member (record, "created_at"));
  g_assert_cmpstr (created_at, !=, "2001-01-01T00:00:00Z");
  g_assert_cmpstr (created_at, ==, json_object_get_string_member (record, "updated_at"));

  result = push_one ("household.update", update, &r2);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  record = json_object_get_object_member (result, "record");
  g_assert_cmpstr (json_object_get_string_member (record, "created_at"), ==, created_at);
  g_assert_cmpstr (json_object_get_string_member (record, "phone"), ==, "010-1111-2222");
}

static void
test_rejected_entry_does_not_stop_others (void)
{
  g_autofree char *good_household = create_household ();
  g_autofree char *bad_household = g_uuid_string_random ();
  g_autofree char *visit_a = g_uuid_string_random ();
  g_autofree char *visit_b = g_uuid_string_random ();
  g_autofree char *bad = entry_take ("household.create", g_strdup_printf (
    "{\"id\": \"%s\", \"dong_code\": \"12345\", \"name\": \"김영수\", \"address\": \"서울\"}", bad_household));
  g_autofree char *dependent = entry_take ("visit.create", g_strdup_printf (
    "{\"id\": \"%s\", \"household_id\": \"%s\", \"at\": \"2026-11-24T15:05:00+09:00\", \"by\": \"%s\", "
    "\"purpose\": \"install\"}", visit_a, bad_household, planner_id));
  g_autofree char *independent = entry_take ("visit.create", g_strdup_printf (
    "{\"id\": \"%s\", \"household_id\": \"%s\", \"at\": \"2026-11-24T15:05:00+09:00\", \"by\": \"%s\", "
    "\"purpose\": \"regular\"}", visit_b, good_household, planner_id));
  g_autofree char *batch = g_strdup_printf ("[%s, %s, %s]", bad, dependent, independent);
  g_autoptr(AnbuTestResponse) response = NULL;
  JsonArray *results = anbu_test_push (server, planner_token, batch, &response);

  g_assert_cmpstr (status_at (results, 0), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (result_at (results, 0), "code"), ==, "invalid_value");
  g_assert_cmpstr (json_object_get_string_member (result_at (results, 0), "field"), ==, "dong_code");
  g_assert_true (json_object_has_member (result_at (results, 0), "message"));
  g_assert_cmpstr (status_at (results, 1), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (result_at (results, 1), "code"), ==, "depends_on_rejected");
  g_assert_cmpstr (status_at (results, 2), ==, "applied");
}

static void
test_unknown_kind_rejected_alone (void)
{
  g_autofree char *household = create_household ();
  g_autofree char *unknown = entry ("household.teleport", "{}");
  g_autofree char *close = entry_take ("household.close", g_strdup_printf ("{\"id\": \"%s\", \"reason\": \"사망\"}",
                                                                       household));
  g_autofree char *batch = g_strdup_printf ("[%s, %s]", unknown, close);
  g_autoptr(AnbuTestResponse) response = NULL;
  JsonArray *results = anbu_test_push (server, planner_token, batch, &response);

  g_assert_cmpstr (status_at (results, 0), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (result_at (results, 0), "field"), ==, "kind");
  g_assert_cmpstr (status_at (results, 1), ==, "applied");
}

static void
test_plug_rules (void)
{
  g_autofree char *a = create_household ();
  g_autofree char *b = create_household ();
  g_autofree char *install_a = g_strdup_printf ("{\"serial\": \"AP-1000\", \"household_id\": \"%s\", "
                                                "\"appliance\": \"tv\", \"installed_at\": \"2026-11-20T10:00:00Z\"}", a);
  g_autofree char *install_b = g_strdup_printf ("{\"serial\": \"AP-1000\", \"household_id\": \"%s\", "
                                                "\"appliance\": \"tv\", \"installed_at\": \"2026-11-21T10:00:00Z\"}", b);
  g_autoptr(AnbuTestResponse) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL;
  JsonObject *result;

  result = push_one ("plug.install", install_a, &r1);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  /* One plug cannot sit in two homes. */
  result = push_one ("plug.install", install_b, &r2);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (result, "field"), ==, "serial");
  /* Removing before it was installed is refused. */
  result = push_one ("plug.remove", "{\"serial\": \"AP-1000\", \"reason\": \"moved\", \"at\": \"2026-11-01T00:00:00Z\"}", &r3);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (result, "field"), ==, "at");
  result = push_one ("plug.remove", "{\"serial\": \"NO-SUCH\", \"reason\": \"lost\", \"at\": \"2026-11-25T00:00:00Z\"}", &r4);
  g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "not_found");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *admin_id = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/server/mutations/every-kind-applied", test_every_kind_applied);
  g_test_add_func ("/anbu/server/mutations/resend-is-duplicate", test_resend_is_duplicate);
  g_test_add_func ("/anbu/server/mutations/field-merge-conflict", test_field_merge_conflict);
  g_test_add_func ("/anbu/server/mutations/household-created-at", test_household_created_at);
  g_test_add_func ("/anbu/server/mutations/rejected-does-not-stop-others", test_rejected_entry_does_not_stop_others);
  g_test_add_func ("/anbu/server/mutations/unknown-kind-rejected-alone", test_unknown_kind_rejected_alone);
  g_test_add_func ("/anbu/server/mutations/plug-rules", test_plug_rules);

  server = anbu_test_server_new (NULL);
  admin_id = anbu_test_server_add_user (server, "admin", "admin", NULL, PASSWORD);
  planner_id = anbu_test_server_add_user (server, "planner", "planner", DONG, PASSWORD);
  planner_token = anbu_test_server_sign_in (server, "planner", PASSWORD);

  status = g_test_run ();

  anbu_test_server_free (server);
  g_free (planner_token);
  g_free (planner_id);
  return status;
}
