/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "anbu-test-server.h"

#define PASSWORD "correct horse battery"
#define DONG_A "1111051500"   /* 청운효자동 */
#define DONG_B "1111053000"   /* 사직동 */
#define DONG_C "1168064000"

static AnbuTestServer *server;
static char *admin_token;
static char *planner_a_token;
static char *planner_a_id;
static char *planner_b_token;
static char *control_token;

static char *
household_entry (const char *id,
                 const char *dong,
                 gboolean    consent,
                 const char *name)
{
  g_autofree char *entry_id = g_uuid_string_random ();

  return g_strdup_printf ("{\"id\": \"%s\", \"kind\": \"household.create\", \"payload\": "
                          "{\"id\": \"%s\", \"dong_code\": \"%s\", \"name\": \"%s\", "
                          "\"address\": \"서울특별시 종로구 자하문로 1\", \"night_consent\": %s}}",
                          entry_id, id, dong, name, consent ? "true" : "false");
}

static char *
create_household (const char *token,
                  const char *dong,
                  gboolean    consent)
{
  char *id = g_uuid_string_random ();
  g_autofree char *entry = household_entry (id, dong, consent, "김영수");
  g_autofree char *entries = g_strdup_printf ("[%s]", entry);
  g_autoptr(AnbuTestResponse) response = NULL;
  JsonArray *results = anbu_test_push (server, token, entries, &response);

  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "status"), ==, "applied");
  return id;
}

static gint64
household_version (const char *token,
                   const char *id)
{
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) changes = anbu_test_pull (server, token, &cursor, 0, NULL);
  JsonObject *change = anbu_test_find_change (changes, "household", id);

  g_assert_nonnull (change);
  return json_object_get_int_member (json_object_get_object_member (change, "record"), "version");
}

static JsonObject *
push_one (const char        *token,
          const char        *kind,
          const char        *payload,
          AnbuTestResponse **response)
{
  g_autofree char *entry_id = g_uuid_string_random ();
  g_autofree char *entries = g_strdup_printf ("[{\"id\": \"%s\", \"kind\": \"%s\", \"payload\": %s}]",
                                              entry_id, kind, payload);
  JsonArray *results = anbu_test_push (server, token, entries, response);

  g_assert_cmpuint (json_array_get_length (results), ==, 1);
  return json_array_get_object_element (results, 0);
}

static gboolean
has_household (JsonArray  *changes,
               const char *id)
{
  JsonObject *change = anbu_test_find_change (changes, "household", id);

  return change != NULL && g_strcmp0 (json_object_get_string_member (change, "op"), "upsert") == 0;
}

static void
test_each_role_sees_its_scope (void)
{
  g_autofree char *a_plain = create_household (admin_token, DONG_A, FALSE);
  g_autofree char *a_consent = create_household (admin_token, DONG_A, TRUE);
  g_autofree char *b_plain = create_household (admin_token, DONG_B, FALSE);
  g_autofree char *b_consent = create_household (admin_token, DONG_B, TRUE);
  g_autofree char *c1 = NULL, *c2 = NULL, *c3 = NULL, *c4 = NULL;
  g_autoptr(JsonArray) a = anbu_test_pull (server, planner_a_token, &c1, 0, NULL);
  g_autoptr(JsonArray) b = anbu_test_pull (server, planner_b_token, &c2, 0, NULL);
  g_autoptr(JsonArray) control = anbu_test_pull (server, control_token, &c3, 0, NULL);
  g_autoptr(JsonArray) admin = anbu_test_pull (server, admin_token, &c4, 0, NULL);

  g_assert_true (has_household (a, a_plain) && has_household (a, a_consent));
  g_assert_false (has_household (a, b_plain) || has_household (a, b_consent));
  g_assert_true (has_household (b, b_plain) && has_household (b, b_consent));
  g_assert_false (has_household (b, a_plain) || has_household (b, a_consent));
  /* The control centre sees only households that consented to night and
   * holiday monitoring, whatever their 동. */
  g_assert_true (has_household (control, a_consent) && has_household (control, b_consent));
  g_assert_false (has_household (control, a_plain) || has_household (control, b_plain));
  g_assert_true (has_household (admin, a_plain) && has_household (admin, a_consent)
                 && has_household (admin, b_plain) && has_household (admin, b_consent));

  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *record = json_object_get_object_member (json_array_get_object_element (a, i), "record");

      if (record != NULL && json_object_has_member (record, "dong_code"))
        g_assert_cmpstr (json_object_get_string_member (record, "dong_code"), ==, DONG_A);
    }
}

static void
test_cross_dong_write_refused (void)
{
  g_autofree char *other = create_household (admin_token, DONG_B, TRUE);
  g_autofree char *visit_id = g_uuid_string_random ();
  g_autofree char *visit = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", "
                                            "\"at\": \"2026-11-24T15:05:00+09:00\", \"by\": \"%s\", "
                                            "\"purpose\": \"regular\"}", visit_id, other, planner_a_id);
  g_autofree char *update = g_strdup_printf ("{\"id\": \"%s\", \"base_version\": 1, "
                                             "\"fields\": {\"name\": \"이름바꿈\"}}", other);
  g_autofree char *new_id = g_uuid_string_random ();
  g_autofree char *create = household_entry (new_id, DONG_B, FALSE, "박순자");
  g_autofree char *create_batch = g_strdup_printf ("[%s]", create);
  g_autoptr(AnbuTestResponse) r1 = NULL, r2 = NULL, r3 = NULL;
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) seen_by_b = NULL;
  JsonObject *result;
  JsonArray *results;

  result = push_one (planner_a_token, "visit.create", visit, &r1);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "not_found");
  g_assert_cmpstr (json_object_get_string_member (result, "field"), ==, "household_id");

  result = push_one (planner_a_token, "household.update", update, &r2);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "not_found");

  /* The control centre may only create households that consented. */
  {
    g_autofree char *control_id = g_uuid_string_random ();
    g_autofree char *control_create = household_entry (control_id, DONG_B, FALSE, "최말자");
    g_autofree char *control_batch = g_strdup_printf ("[%s]", control_create);
    g_autoptr(AnbuTestResponse) r4 = NULL;
    JsonObject *refused = json_array_get_object_element (anbu_test_push (server, control_token, control_batch, &r4), 0);

    g_assert_cmpstr (json_object_get_string_member (refused, "code"), ==, "forbidden");
    g_assert_cmpstr (json_object_get_string_member (refused, "field"), ==, "night_consent");
  }

  results = anbu_test_push (server, planner_a_token, create_batch, &r3);
  result = json_array_get_object_element (results, 0);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "forbidden");
  g_assert_cmpstr (json_object_get_string_member (result, "field"), ==, "dong_code");

  /* Nothing changed. */
  seen_by_b = anbu_test_pull (server, planner_b_token, &cursor, 0, NULL);
  g_assert_null (anbu_test_find_change (seen_by_b, "visit", visit_id));
  g_assert_null (anbu_test_find_change (seen_by_b, "household", new_id));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     anbu_test_find_change (seen_by_b, "household", other), "record"), "name"), ==, "김영수");
  g_assert_cmpint (household_version (admin_token, other), ==, 1);
}

static void
test_paging (void)
{
  g_autofree char *id = anbu_test_server_add_user (server, "paging.planner", "planner", DONG_C, PASSWORD);
  g_autofree char *token = anbu_test_server_sign_in (server, "paging.planner", PASSWORD);
  g_autoptr(GString) batch = g_string_new ("[");
  g_autoptr(AnbuTestResponse) pushed = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) changes = NULL;
  g_autoptr(JsonArray) nothing = NULL;
  guint pages = 0;

  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *household_id = g_uuid_string_random ();
      g_autofree char *entry = household_entry (household_id, DONG_C, FALSE, "이말순");

      g_string_append_printf (batch, "%s%s", i > 0 ? "," : "", entry);
    }
  g_string_append (batch, "]");
  anbu_test_push (server, token, batch->str, &pushed);

  changes = anbu_test_pull (server, token, &cursor, 10, &pages);
  g_assert_cmpuint (json_array_get_length (changes), ==, 25);
  g_assert_cmpuint (pages, ==, 3);
  for (guint i = 0; i < 25; i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      g_assert_cmpstr (json_object_get_string_member (change, "op"), ==, "upsert");
      g_assert_true (g_hash_table_add (seen, (gpointer) json_object_get_string_member (change, "id")));
    }

  /* From the last cursor there is nothing new. */
  nothing = anbu_test_pull (server, token, &cursor, 10, &pages);
  g_assert_cmpuint (json_array_get_length (nothing), ==, 0);
  g_assert_cmpuint (pages, ==, 1);
}

static void
test_removal_when_moved_to_another_dong (void)
{
  g_autofree char *id = create_household (admin_token, DONG_A, FALSE);
  g_autofree char *visit_id = g_uuid_string_random ();
  g_autofree char *visit = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", "
                                            "\"at\": \"2026-11-24T15:05:00+09:00\", \"by\": \"%s\", "
                                            "\"purpose\": \"regular\"}", visit_id, id, planner_a_id);
  g_autofree char *move = g_strdup_printf ("{\"id\": \"%s\", \"base_version\": 1, "
                                           "\"fields\": {\"dong_code\": \"" DONG_B "\"}}", id);
  g_autofree char *cursor_a = NULL, *cursor_b = NULL;
  g_autoptr(JsonArray) before_a = NULL, before_b = NULL, after_a = NULL, after_b = NULL;
  g_autoptr(AnbuTestResponse) r1 = NULL, r2 = NULL;
  JsonObject *change, *result;

  result = push_one (planner_a_token, "visit.create", visit, &r1);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  before_a = anbu_test_pull (server, planner_a_token, &cursor_a, 0, NULL);
  before_b = anbu_test_pull (server, planner_b_token, &cursor_b, 0, NULL);
  g_assert_true (has_household (before_a, id));
  g_assert_false (has_household (before_b, id));

  /* The planner moves the household to the neighbouring 동. */
  result = push_one (planner_a_token, "household.update", move, &r2);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");

  after_a = anbu_test_pull (server, planner_a_token, &cursor_a, 0, NULL);
  change = anbu_test_find_change (after_a, "household", id);
  g_assert_nonnull (change);
  g_assert_cmpstr (json_object_get_string_member (change, "op"), ==, "remove");
  g_assert_false (json_object_has_member (change, "record"));
  g_assert_null (anbu_test_find_change (after_a, "visit", visit_id));

  /* The other 동's planner receives it, with what belongs to it, household first. */
  after_b = anbu_test_pull (server, planner_b_token, &cursor_b, 0, NULL);
  g_assert_true (has_household (after_b, id));
  g_assert_nonnull (anbu_test_find_change (after_b, "visit", visit_id));
  for (guint i = 0; i < json_array_get_length (after_b); i++)
    {
      JsonObject *c = json_array_get_object_element (after_b, i);

      if (g_strcmp0 (json_object_get_string_member (c, "id"), visit_id) == 0)
        break;
      if (g_strcmp0 (json_object_get_string_member (c, "id"), id) == 0)
        goto ordered;
    }
  g_assert_not_reached ();
ordered:
  ;
}

/* A plug taken back and installed at a household of another 동: the
 * planner who saw it at the first household gets a removal, or it would
 * stay "installed" there in their copy; the other 동's planner gets it. */
static void
test_removal_when_plug_moved_to_another_dong (void)
{
  g_autofree char *home_a = create_household (admin_token, DONG_A, FALSE);
  g_autofree char *home_b = create_household (admin_token, DONG_B, FALSE);
  g_autofree char *install_a = g_strdup_printf ("{\"serial\": \"AP-7101\", \"household_id\": \"%s\","
                                                " \"appliance\": \"tv\","
                                                " \"installed_at\": \"2026-11-20T10:00:00+09:00\"}", home_a);
  g_autofree char *install_b = g_strdup_printf ("{\"serial\": \"AP-7101\", \"household_id\": \"%s\","
                                                " \"appliance\": \"lamp\","
                                                " \"installed_at\": \"2026-11-24T09:30:00+09:00\"}", home_b);
  g_autofree char *cursor_a = NULL, *cursor_b = NULL, *first_a = NULL, *first_b = NULL;
  g_autoptr(JsonArray) before_a = NULL, before_b = NULL, after_a = NULL, after_b = NULL;
  g_autoptr(JsonArray) fresh_a = NULL, fresh_b = NULL;
  g_autoptr(AnbuTestResponse) r1 = NULL, r2 = NULL, r3 = NULL;
  JsonObject *change, *result;

  result = push_one (planner_a_token, "plug.install", install_a, &r1);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  before_a = anbu_test_pull (server, planner_a_token, &cursor_a, 0, NULL);
  change = anbu_test_find_change (before_a, "plug", "AP-7101");
  g_assert_nonnull (change);
  g_assert_cmpstr (json_object_get_string_member (change, "op"), ==, "upsert");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change, "record"),
                                                  "household_id"), ==, home_a);
  before_b = anbu_test_pull (server, planner_b_token, &cursor_b, 0, NULL);
  g_assert_null (anbu_test_find_change (before_b, "plug", "AP-7101"));

  /* The office takes it back; planner B installs it in 동 B. */
  result = push_one (admin_token, "plug.remove",
                     "{\"serial\": \"AP-7101\", \"reason\": \"returned\","
                     " \"at\": \"2026-11-24T09:00:00+09:00\"}", &r2);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  result = push_one (planner_b_token, "plug.install", install_b, &r3);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");

  after_a = anbu_test_pull (server, planner_a_token, &cursor_a, 0, NULL);
  change = anbu_test_find_change (after_a, "plug", "AP-7101");
  g_assert_nonnull (change);
  g_assert_cmpstr (json_object_get_string_member (change, "op"), ==, "remove");
  g_assert_false (json_object_has_member (change, "record"));
  g_assert_true (has_household (before_a, home_a));
  g_assert_null (anbu_test_find_change (after_a, "household", home_a));

  after_b = anbu_test_pull (server, planner_b_token, &cursor_b, 0, NULL);
  change = anbu_test_find_change (after_b, "plug", "AP-7101");
  g_assert_nonnull (change);
  g_assert_cmpstr (json_object_get_string_member (change, "op"), ==, "upsert");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change, "record"),
                                                  "household_id"), ==, home_b);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change, "record"),
                                                  "state"), ==, "installed");

  /* First pulls agree with where the plug is now. */
  fresh_a = anbu_test_pull (server, planner_a_token, &first_a, 0, NULL);
  g_assert_null (anbu_test_find_change (fresh_a, "plug", "AP-7101"));
  fresh_b = anbu_test_pull (server, planner_b_token, &first_b, 0, NULL);
  g_assert_nonnull (anbu_test_find_change (fresh_b, "plug", "AP-7101"));
}

static void
test_removal_when_consent_withdrawn (void)
{
  g_autofree char *id = create_household (admin_token, DONG_A, TRUE);
  g_autofree char *withdraw = g_strdup_printf ("{\"id\": \"%s\", \"base_version\": 1, "
                                               "\"fields\": {\"night_consent\": false}}", id);
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) before = NULL, after = NULL;
  g_autoptr(AnbuTestResponse) response = NULL;
  JsonObject *change;

  before = anbu_test_pull (server, control_token, &cursor, 0, NULL);
  g_assert_true (has_household (before, id));
  push_one (planner_a_token, "household.update", withdraw, &response);
  after = anbu_test_pull (server, control_token, &cursor, 0, NULL);
  change = anbu_test_find_change (after, "household", id);
  g_assert_nonnull (change);
  g_assert_cmpstr (json_object_get_string_member (change, "op"), ==, "remove");
}

static void
test_removal_when_case_closed (void)
{
  g_autofree char *id = create_household (admin_token, DONG_A, FALSE);
  g_autofree char *close = g_strdup_printf ("{\"id\": \"%s\", \"reason\": \"전출\"}", id);
  g_autofree char *cursor = NULL, *admin_cursor = NULL;
  g_autoptr(JsonArray) before = NULL, after = NULL, admin_view = NULL;
  g_autoptr(AnbuTestResponse) response = NULL;
  JsonObject *change, *result;

  before = anbu_test_pull (server, planner_a_token, &cursor, 0, NULL);
  g_assert_true (has_household (before, id));
  result = push_one (planner_a_token, "household.close", close, &response);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  after = anbu_test_pull (server, planner_a_token, &cursor, 0, NULL);
  change = anbu_test_find_change (after, "household", id);
  g_assert_nonnull (change);
  g_assert_cmpstr (json_object_get_string_member (change, "op"), ==, "remove");

  /* An admin still sees the closed case. */
  admin_view = anbu_test_pull (server, admin_token, &admin_cursor, 0, NULL);
  change = anbu_test_find_change (admin_view, "household", id);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change, "record"), "status"),
                   ==, "closed");
}

static void
assert_bad_query (const char *path,
                  const char *field)
{
  g_autoptr(AnbuTestResponse) response = anbu_test_request (server, "GET", path, planner_a_token, NULL);

  g_assert_cmpuint (response->status, ==, 400);
  g_assert_cmpstr (anbu_test_response_error_code (response), ==, "invalid_value");
  g_assert_cmpstr (anbu_test_response_error_field (response), ==, field);
}

static void
test_bad_cursor_and_limit (void)
{
  assert_bad_query ("/api/v1/sync?since=garbage", "since");
  assert_bad_query ("/api/v1/sync?since=c-5", "since");
  assert_bad_query ("/api/v1/sync?since=c1%27%3B%20DROP%20TABLE%20household", "since");
  assert_bad_query ("/api/v1/sync?limit=0", "limit");
  assert_bad_query ("/api/v1/sync?limit=5001", "limit");
  assert_bad_query ("/api/v1/sync?limit=ten", "limit");
}

static void
test_access_log_records_reads_and_writes (void)
{
  g_autofree char *id = create_household (planner_a_token, DONG_A, FALSE);
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) changes = anbu_test_pull (server, planner_a_token, &cursor, 0, NULL);
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean read = FALSE, write = FALSE;

  g_assert_true (has_household (changes, id));
  g_assert_cmpint (anbu_test_server_cli (server, NULL, &out, NULL, "access-log", "--household", id, NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i], "\t", -1);

      if (g_strv_length (cells) < 6)
        continue;
      g_assert_cmpstr (cells[1], ==, "a.planner");
      g_assert_cmpstr (cells[2], ==, "127.0.0.1");
      g_assert_cmpstr (cells[4], ==, id);
      if (strcmp (cells[3], "POST /api/v1/mutations") == 0 && strcmp (cells[5], "write") == 0)
        write = TRUE;
      if (strcmp (cells[3], "GET /api/v1/sync") == 0 && strcmp (cells[5], "read") == 0)
        read = TRUE;
    }
  g_assert_true (write);
  g_assert_true (read);

  /* The log cannot be edited or emptied, not even in the database file. */
  {
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open (server->db, &db), ==, SQLITE_OK);
    sqlite3_busy_timeout (db, 5000);
    g_assert_cmpint (sqlite3_exec (db, "DELETE FROM access_log", NULL, NULL, NULL), ==, SQLITE_CONSTRAINT);
    g_assert_cmpint (sqlite3_exec (db, "UPDATE access_log SET username = 'someone'", NULL, NULL, NULL),
                     ==, SQLITE_CONSTRAINT);
    sqlite3_close (db);
  }

  /* By user: the same entries and no other user's. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (anbu_test_server_cli (server, NULL, &out, NULL, "access-log", "--user", "a.planner", NULL), ==, 0);
  g_assert_nonnull (strstr (out, id));
  g_assert_null (strstr (out, "b.planner"));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *ignored = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/server/scope/each-role-sees-its-scope", test_each_role_sees_its_scope);
  g_test_add_func ("/anbu/server/scope/cross-dong-write-refused", test_cross_dong_write_refused);
  g_test_add_func ("/anbu/server/sync/paging", test_paging);
  g_test_add_func ("/anbu/server/sync/removal-moved", test_removal_when_moved_to_another_dong);
  g_test_add_func ("/anbu/server/sync/removal-plug-moved", test_removal_when_plug_moved_to_another_dong);
  g_test_add_func ("/anbu/server/sync/removal-consent-withdrawn", test_removal_when_consent_withdrawn);
  g_test_add_func ("/anbu/server/sync/removal-case-closed", test_removal_when_case_closed);
  g_test_add_func ("/anbu/server/sync/bad-cursor-and-limit", test_bad_cursor_and_limit);
  g_test_add_func ("/anbu/server/access-log/reads-and-writes", test_access_log_records_reads_and_writes);

  server = anbu_test_server_new (NULL);
  ignored = anbu_test_server_add_user (server, "admin", "admin", NULL, PASSWORD);
  planner_a_id = anbu_test_server_add_user (server, "a.planner", "planner", DONG_A, PASSWORD);
  g_clear_pointer (&ignored, g_free);
  ignored = anbu_test_server_add_user (server, "b.planner", "planner", DONG_B, PASSWORD);
  g_clear_pointer (&ignored, g_free);
  ignored = anbu_test_server_add_user (server, "control", "control", NULL, PASSWORD);
  admin_token = anbu_test_server_sign_in (server, "admin", PASSWORD);
  planner_a_token = anbu_test_server_sign_in (server, "a.planner", PASSWORD);
  planner_b_token = anbu_test_server_sign_in (server, "b.planner", PASSWORD);
  control_token = anbu_test_server_sign_in (server, "control", PASSWORD);

  status = g_test_run ();

  anbu_test_server_free (server);
  g_free (admin_token);
  g_free (planner_a_token);
  g_free (planner_a_id);
  g_free (planner_b_token);
  g_free (control_token);
  return status;
}
