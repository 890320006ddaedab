/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "anbu-test-server.h"

#define PASSWORD "correct horse battery"
#define DONG "1111051500"

static AnbuTestServer *server;
static char *token;

static void
assert_error (AnbuTestResponse *response,
              guint             status,
              const char       *code,
              const char       *field)
{
  g_assert_cmpuint (response->status, ==, status);
  g_assert_cmpstr (anbu_test_response_error_code (response), ==, code);
  g_assert_cmpstr (anbu_test_response_error_field (response), ==, field);
  g_assert_nonnull (json_object_get_string_member (json_object_get_object_member (
                      anbu_test_response_object (response), "error"), "message"));
}

static AnbuTestResponse *
push_raw (const char *body)
{
  return anbu_test_request (server, "POST", "/api/v1/mutations", token, body);
}

static AnbuTestResponse *
push_bytes (const char *data,
            gsize       length)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, length);

  return anbu_test_request_bytes (server, "POST", "/api/v1/mutations", token, bytes);
}

static char *
household_batch (const char *id,
                 const char *name_json)
{
  g_autofree char *entry_id = g_uuid_string_random ();

  return g_strdup_printf ("{\"mutations\": [{\"id\": \"%s\", \"kind\": \"household.create\", "
                          "\"payload\": {\"id\": \"%s\", \"dong_code\": \"" DONG "\", \"name\": %s, "
                          "\"address\": \"서울특별시 종로구 자하문로 1\"}}]}", entry_id, id, name_json);
}

static JsonObject *
first_result (AnbuTestResponse *response)
{
  g_assert_cmpuint (response->status, ==, 200);
  return json_array_get_object_element (json_object_get_array_member (anbu_test_response_object (response),
                                                                      "results"), 0);
}

static guint
stored_households (void)
{
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) changes = anbu_test_pull (server, token, &cursor, 0, NULL);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (changes); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (changes, i), "kind"),
                   "household") == 0)
      n++;
  return n;
}

static void
test_body_too_large (void)
{
  gsize size = 2 * 1024 * 1024;
  g_autofree char *body = g_malloc (size);
  g_autoptr(AnbuTestResponse) response = NULL;
  g_autoptr(AnbuTestResponse) after = NULL;
  guint before = stored_households ();

  memset (body, ' ', size);
  body[0] = '{';
  body[size - 1] = '}';
  response = push_bytes (body, size);
  assert_error (response, 413, "too_large", NULL);
  g_assert_cmpuint (stored_households (), ==, before);

  /* The server keeps answering, and counted the refusal. */
  after = anbu_test_request (server, "GET", "/metrics", NULL, NULL);
  g_assert_cmpuint (after->status, ==, 200);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (after->raw, NULL), g_bytes_get_size (after->raw),
                                  "anbu_http_requests_total{route=\"/api/v1/mutations\",status=\"413\"} 1"));
}

static void
test_malformed_json (void)
{
  g_autoptr(AnbuTestResponse) truncated = push_raw ("{\"mutations\": [");
  g_autoptr(AnbuTestResponse) trailing = push_raw ("{\"mutations\": []} {");
  g_autoptr(AnbuTestResponse) empty = push_bytes ("", 0);
  g_autoptr(AnbuTestResponse) array = push_raw ("[]");
  g_autoptr(AnbuTestResponse) session = anbu_test_request (server, "POST", "/api/v1/session", NULL, "username=a");

  assert_error (truncated, 400, "invalid_json", NULL);
  assert_error (trailing, 400, "invalid_json", NULL);
  assert_error (empty, 400, "invalid_json", NULL);
  assert_error (array, 400, "invalid_json", NULL);
  assert_error (session, 400, "invalid_json", NULL);
}

static void
test_not_utf8_and_nul_bytes (void)
{
  static const char latin1[] = "{\"mutations\": [], \"x\": \"caf\xe9\"}";
  static const char nul[] = "{\"mutations\": []\0}";
  g_autoptr(AnbuTestResponse) a = push_bytes (latin1, sizeof latin1 - 1);
  g_autoptr(AnbuTestResponse) b = push_bytes (nul, sizeof nul - 1);
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *escaped_nul = household_batch (id, "\"김영\\u0000수\"");
  g_autoptr(AnbuTestResponse) c = NULL;
  guint before = stored_households ();

  assert_error (a, 400, "invalid_json", NULL);
  assert_error (b, 400, "invalid_json", NULL);
  /* An escaped NUL would cut the name short: refused, naming the field. */
  c = push_raw (escaped_nul);
  assert_error (c, 400, "invalid_value", "mutations.0.payload.name");
  g_assert_cmpuint (stored_households (), ==, before);
}

static void
test_long_strings (void)
{
  g_autofree char *huge = g_strnfill (100 * 1024, 'A');
  g_autofree char *huge_json = g_strdup_printf ("\"%s\"", huge);
  g_autofree char *long_name = g_strnfill (300, 'B');
  g_autofree char *long_json = g_strdup_printf ("\"%s\"", long_name);
  g_autofree char *id1 = g_uuid_string_random ();
  g_autofree char *id2 = g_uuid_string_random ();
  g_autofree char *a_body = household_batch (id1, huge_json);
  g_autofree char *b_body = household_batch (id2, long_json);
  g_autoptr(AnbuTestResponse) a = push_raw (a_body);
  g_autoptr(AnbuTestResponse) b = push_raw (b_body);
  g_autofree char *huge_user = g_strdup_printf ("{\"username\": %s, \"password\": \"x\"}", huge_json);
  g_autoptr(AnbuTestResponse) c = anbu_test_request (server, "POST", "/api/v1/session", NULL, huge_user);
  JsonObject *result;

  /* 100 KB in one field: the whole request is refused. */
  assert_error (a, 400, "too_long", "mutations.0.payload.name");
  /* Longer than a name may be: that entry is rejected. */
  result = first_result (b);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "too_long");
  g_assert_cmpstr (json_object_get_string_member (result, "field"), ==, "name");
  assert_error (c, 400, "too_long", "username");
}

static void
test_wrong_types (void)
{
  g_autoptr(AnbuTestResponse) a = push_raw ("{\"mutations\": {}}");
  g_autoptr(AnbuTestResponse) b = push_raw ("{\"mutations\": [5]}");
  g_autoptr(AnbuTestResponse) c = anbu_test_request (server, "POST", "/api/v1/session", NULL,
                                                     "{\"username\": 5, \"password\": \"x\"}");
  g_autoptr(AnbuTestResponse) d = push_raw ("{\"mutations\": [{\"id\": 12}]}");
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *e_body = household_batch (id, "[\"김\", \"영수\"]");
  g_autoptr(AnbuTestResponse) e = push_raw (e_body);
  JsonObject *result;

  assert_error (a, 400, "wrong_type", "mutations");
  assert_error (b, 400, "wrong_type", "mutations.0");
  assert_error (c, 400, "wrong_type", "username");
  assert_error (d, 400, "wrong_type", "mutations.0.id");
  result = first_result (e);
  g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "wrong_type");
  g_assert_cmpstr (json_object_get_string_member (result, "field"), ==, "name");
}

static void
test_missing_fields (void)
{
  g_autoptr(AnbuTestResponse) a = push_raw ("{}");
  g_autoptr(AnbuTestResponse) b = push_raw ("{\"mutations\": [{\"kind\": \"visit.create\", \"payload\": {}}]}");
  g_autoptr(AnbuTestResponse) c = anbu_test_request (server, "POST", "/api/v1/session", NULL,
                                                     "{\"username\": \"someone\"}");
  g_autofree char *entry_id = g_uuid_string_random ();
  g_autofree char *d_body = g_strdup_printf ("{\"mutations\": [{\"id\": \"%s\", \"kind\": \"household.create\", "
                                             "\"payload\": {\"dong_code\": \"" DONG "\"}}]}", entry_id);
  g_autoptr(AnbuTestResponse) d = push_raw (d_body);
  JsonObject *result;

  assert_error (a, 400, "missing_field", "mutations");
  assert_error (b, 400, "missing_field", "mutations.0.id");
  assert_error (c, 400, "missing_field", "password");
  result = first_result (d);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "missing_field");
}

static void
test_bad_uuids (void)
{
  g_autoptr(AnbuTestResponse) a = push_raw ("{\"mutations\": [{\"id\": \"not-a-uuid\", \"kind\": \"visit.create\", "
                                            "\"payload\": {}}]}");
  g_autofree char *b_body = household_batch ("123'; DROP TABLE household; --", "\"김영수\"");
  g_autoptr(AnbuTestResponse) b = push_raw (b_body);
  JsonObject *result;

  assert_error (a, 400, "invalid_value", "mutations.0.id");
  result = first_result (b);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "invalid_value");
  g_assert_cmpstr (json_object_get_string_member (result, "field"), ==, "id");
}

static const char *
pulled_name (const char *id)
{
  static char name[512];
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) changes = anbu_test_pull (server, token, &cursor, 0, NULL);
  JsonObject *change = anbu_test_find_change (changes, "household", id);

  g_assert_nonnull (change);
  g_strlcpy (name, json_object_get_string_member (json_object_get_object_member (change, "record"), "name"),
             sizeof name);
  return name;
}

static void
test_sql_metacharacters_stored_as_text (void)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *body = household_batch (id, "\"Robert'); DROP TABLE household; --\"");
  g_autoptr(AnbuTestResponse) response = push_raw (body);
  g_autoptr(AnbuTestResponse) sign_in = anbu_test_request (server, "POST", "/api/v1/session", NULL,
                                                           "{\"username\": \"admin' OR '1'='1\", "
                                                           "\"password\": \"' OR '1'='1\"}");

  g_assert_cmpstr (json_object_get_string_member (first_result (response), "status"), ==, "applied");
  g_assert_cmpstr (pulled_name (id), ==, "Robert'); DROP TABLE household; --");
  g_assert_cmpuint (sign_in->status, ==, 401);
}

static void
test_emoji_and_mixed_scripts_kept_exactly (void)
{
  static const char name[] = "김영수 Kim Ёлка 😀 山田";
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *name_json = g_strdup_printf ("\"%s\"", name);
  g_autofree char *body = household_batch (id, name_json);
  g_autoptr(AnbuTestResponse) response = push_raw (body);

  g_assert_cmpstr (json_object_get_string_member (first_result (response), "status"), ==, "applied");
  g_assert_cmpstr (pulled_name (id), ==, name);
}

static void
test_deep_nesting (void)
{
  g_autoptr(GString) body = g_string_new ("{\"mutations\": [], \"x\": ");
  g_autoptr(AnbuTestResponse) response = NULL;

  for (guint i = 0; i < 10000; i++)
    g_string_append_c (body, '[');
  for (guint i = 0; i < 10000; i++)
    g_string_append_c (body, ']');
  g_string_append_c (body, '}');
  response = push_raw (body->str);
  assert_error (response, 400, "invalid_json", NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *admin_id = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/server/hardening/body-too-large", test_body_too_large);
  g_test_add_func ("/anbu/server/hardening/malformed-json", test_malformed_json);
  g_test_add_func ("/anbu/server/hardening/not-utf8-and-nul", test_not_utf8_and_nul_bytes);
  g_test_add_func ("/anbu/server/hardening/long-strings", test_long_strings);
  g_test_add_func ("/anbu/server/hardening/wrong-types", test_wrong_types);
  g_test_add_func ("/anbu/server/hardening/missing-fields", test_missing_fields);
  g_test_add_func ("/anbu/server/hardening/bad-uuids", test_bad_uuids);
  g_test_add_func ("/anbu/server/hardening/sql-metacharacters", test_sql_metacharacters_stored_as_text);
  g_test_add_func ("/anbu/server/hardening/emoji-and-mixed-scripts", test_emoji_and_mixed_scripts_kept_exactly);
  g_test_add_func ("/anbu/server/hardening/deep-nesting", test_deep_nesting);

  server = anbu_test_server_new (NULL);
  admin_id = anbu_test_server_add_user (server, "admin", "admin", NULL, PASSWORD);
  token = anbu_test_server_sign_in (server, "admin", PASSWORD);

  status = g_test_run ();

  anbu_test_server_free (server);
  g_free (token);
  return status;
}
