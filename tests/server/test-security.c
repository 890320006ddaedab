/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The server-side findings of issue 15, each probed from outside like the
 * report did: bounded query parameters, the actor is the caller, out of
 * scope looks exactly like unknown, owned mutation ids, the admin users
 * route's types, a moved plug's history, the sign-in throttle and the
 * bounded password checks. */
#include "config.h"

#include <string.h>

#include "anbu-ingest-fixture.h"

#define DONG_A "1111051500"
#define DONG_B "1111053000"
#define MINUTE ((gint64) 60)
#define HOUR ((gint64) 3600)
#define DAY (24 * HOUR)
/* Wednesday 2026-11-25 14:00 KST. */
#define T0 ((gint64) 1795582800)

typedef struct
{
  IngestFixture *fixture;
  char          *token_a;       /* planner of 동 A */
  char          *id_a;
  char          *token_a2;      /* a second planner of 동 A */
  char          *id_a2;
  char          *id_b;          /* planner of 동 B */
  char          *household_a;   /* 동 A, plug SEC-A1 */
  char          *household_a2;  /* 동 A, plug SEC-A2 */
  char          *household_b;   /* 동 B, plug SEC-B1, an open alert */
  char          *alert_b;
  char          *visit_a2;
  char          *contact_a2;
  char          *absence_a2;
  char          *visit_b;
  char          *contact_b;
  char          *absence_b;
} World;

static World *world;

/* Helpers */

static char *
sign_in_id (IngestFixture  *fixture,
            const char     *username,
            char          **token)
{
  g_autofree char *body = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}",
                                           username, INGEST_PASSWORD);
  g_autoptr(AnbuTestResponse) response = anbu_test_request (fixture->server, "POST", "/api/v1/session",
                                                            NULL, body);
  JsonObject *object;

  g_assert_cmpuint (response->status, ==, 200);
  object = anbu_test_response_object (response);
  if (token != NULL)
    *token = g_strdup (json_object_get_string_member (object, "token"));
  return g_strdup (json_object_get_string_member (json_object_get_object_member (object, "user"), "id"));
}

static char *
add_user (IngestFixture  *fixture,
          const char     *username,
          const char     *dong,
          char          **token)
{
  g_autofree char *ignored = ingest_add_user (fixture, username, "planner", dong);

  return sign_in_id (fixture, username, token);
}

/* One entry pushed with `token`; returns its result (owned by *keep). */
static JsonObject *
push_one (const char        *token,
          const char        *entry_id,
          const char        *kind,
          const char        *payload,
          AnbuTestResponse **keep)
{
  g_autofree char *fresh = g_uuid_string_random ();
  g_autofree char *entries = g_strdup_printf ("[{\"id\": \"%s\", \"kind\": \"%s\", \"payload\": %s}]",
                                              entry_id != NULL ? entry_id : fresh, kind, payload);
  JsonArray *results = anbu_test_push (world->fixture->server, token, entries, keep);

  return json_array_get_object_element (results, 0);
}

static const char *
result_status (JsonObject *result)
{
  return json_object_get_string_member (result, "status");
}

/* The result as the caller sees it, without its entry id. */
static char *
result_text (JsonObject *result)
{
  g_autoptr(JsonObject) copy = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init (&iter, result);
  while (json_object_iter_next (&iter, &name, &member))
    if (strcmp (name, "id") != 0)
      json_object_set_member (copy, name, json_node_copy (member));
  node = json_node_init_object (json_node_alloc (), copy);
  return json_to_string (node, FALSE);
}

static JsonObject *
admin_push (const char *kind,
            const char *payload)
{
  return ingest_push (world->fixture, kind, payload);
}

static char *
add_fact (const char *kind,
          const char *household,
          const char *by)
{
  char *id = g_uuid_string_random ();
  g_autofree char *at = ingest_time (T0 - HOUR);
  g_autofree char *payload = NULL;

  if (strcmp (kind, "visit.create") == 0)
    payload = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", \"at\": \"%s\", \"by\": \"%s\","
                               " \"purpose\": \"regular\"}", id, household, at, by);
  else if (strcmp (kind, "contact.create") == 0)
    payload = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", \"at\": \"%s\", \"by\": \"%s\","
                               " \"channel\": \"phone\", \"outcome\": \"reached_safe\"}", id, household, at, by);
  else
    payload = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", \"from\": \"2026-12-01T00:00:00+09:00\","
                               " \"to\": \"2026-12-03T00:00:00+09:00\", \"reason\": \"travel\"}", id, household);
  json_object_unref (admin_push (kind, payload));
  return id;
}

static void
assert_healthy (void)
{
  g_autoptr(AnbuTestResponse) response = anbu_test_request (world->fixture->server, "GET", "/healthz",
                                                            NULL, NULL);

  g_assert_cmpuint (response->status, ==, 200);
}

static void
assert_error (AnbuTestResponse *response,
              guint             status,
              const char       *code,
              const char       *field)
{
  if (response->status != status)
    g_test_message ("answered %u: %.*s", response->status, (int) g_bytes_get_size (response->raw),
                    (const char *) g_bytes_get_data (response->raw, NULL));
  g_assert_cmpuint (response->status, ==, status);
  g_assert_cmpstr (anbu_test_response_error_code (response), ==, code);
  g_assert_cmpstr (anbu_test_response_error_field (response), ==, field);
  g_assert_nonnull (json_object_get_string_member (json_object_get_object_member (
                      anbu_test_response_object (response), "error"), "message"));
}

/* 1. No query parameter can hold the server */

static void
test_stats_and_series_bounded (void)
{
  static const struct
  {
    const char *path;
    const char *field;
  } probes[] = {
    { "/api/v1/stats?to=9999-12-31T23:59:59Z&group=month", "to" },
    { "/api/v1/stats?to=9999-12-31T23:59:59Z&group=day", "to" },
    { "/api/v1/stats?to=9999-12-31T23:59:59Z&group=week", "to" },
    { "/api/v1/stats?from=9999-11-01T00:00:00Z&to=9999-12-31T23:59:59Z&group=month", "to" },
    { "/api/v1/stats?from=0001-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&group=day", "from" },
    /* Five years of days is within the span limit but far too many periods. */
    { "/api/v1/stats?from=2021-01-01T00:00:00Z&to=2025-12-01T00:00:00Z&group=day", "group" },
    { "/api/v1/households/00000000-0000-4000-8000-000000000000/series?to=9999-12-31T23:59:59Z", NULL },
  };
  g_autofree char *series = g_strdup_printf ("/api/v1/households/%s/series?from=1970-01-01T00:00:00Z"
                                             "&to=2026-01-01T00:00:00Z&bucket=1d", world->household_a);
  g_autoptr(AnbuTestResponse) series_response = NULL;
  g_autoptr(AnbuTestResponse) fine = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (probes); i++)
    {
      g_autoptr(AnbuTestResponse) response = anbu_test_request (world->fixture->server, "GET", probes[i].path,
                                                                world->token_a, NULL);

      g_test_message ("%s", probes[i].path);
      if (probes[i].field == NULL)
        assert_error (response, 404, "not_found", NULL);
      else
        assert_error (response, 400, "invalid_value", probes[i].field);
      assert_healthy ();
    }

  series_response = anbu_test_request (world->fixture->server, "GET", series, world->token_a, NULL);
  assert_error (series_response, 400, "invalid_value", "from");

  /* A sensible year of months still answers. */
  fine = anbu_test_request (world->fixture->server, "GET",
                            "/api/v1/stats?from=2026-01-01T00:00:00Z&to=2026-12-31T00:00:00Z&group=month",
                            world->token_a, NULL);
  g_assert_cmpuint (fine->status, ==, 200);
  assert_healthy ();
}

/* 2. The actor is the caller */

static char *
fact_payload (const char *kind,
              const char *id,
              const char *household,
              const char *by)
{
  g_autofree char *at = ingest_time (T0);

  if (strcmp (kind, "visit.create") == 0)
    return g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", \"at\": \"%s\", \"by\": \"%s\","
                            " \"purpose\": \"regular\"}", id, household, at, by);
  return g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", \"at\": \"%s\", \"by\": \"%s\","
                          " \"channel\": \"phone\", \"outcome\": \"reached_safe\"}", id, household, at, by);
}

static void
test_actor_is_the_caller (void)
{
  static const char * const kinds[] = { "visit.create", "contact.create" };
  g_autofree char *nobody = g_uuid_string_random ();

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      const char *impostors[] = { world->id_a2, world->id_b, nobody, world->fixture->admin_id };

      for (guint i = 0; i < G_N_ELEMENTS (impostors); i++)
        {
          g_autofree char *id = g_uuid_string_random ();
          g_autofree char *payload = fact_payload (kinds[k], id, world->household_a, impostors[i]);
          g_autoptr(AnbuTestResponse) keep = NULL;
          JsonObject *result = push_one (world->token_a, NULL, kinds[k], payload, &keep);

          g_test_message ("%s by %s", kinds[k], impostors[i]);
          g_assert_cmpstr (result_status (result), ==, "rejected");
          g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "forbidden");
          g_assert_cmpstr (json_object_get_string_member (result, "field"), ==, "by");
          g_assert_nonnull (json_object_get_string_member (result, "message"));
        }

      /* In one's own name it is recorded, under one's own name. */
      {
        g_autofree char *id = g_uuid_string_random ();
        g_autofree char *payload = fact_payload (kinds[k], id, world->household_a, world->id_a);
        g_autoptr(AnbuTestResponse) keep = NULL;
        JsonObject *result = push_one (world->token_a, NULL, kinds[k], payload, &keep);

        g_assert_cmpstr (result_status (result), ==, "applied");
        g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "record"), "by"),
                         ==, world->id_a);
      }
    }
}

/* Admin actions over HTTP are in the access log. */
static void
test_admin_actions_logged (void)
{
  g_autofree char *out = NULL;
  g_autofree char *cli_out = NULL;
  g_autoptr(AnbuTestResponse) response = anbu_test_request (world->fixture->server, "POST", "/api/v1/admin/users",
                                                            world->fixture->admin_token,
                                                            "{\"username\": \"logged.planner\", \"password\": \""
                                                            INGEST_PASSWORD "\", \"role\": \"planner\","
                                                            " \"dong_codes\": [\"" DONG_A "\"]}");

  g_assert_cmpuint (response->status, ==, 201);
  g_assert_cmpint (anbu_test_server_cli (world->fixture->server, NULL, &out, NULL,
                                         "access-log", "--user", "admin", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "/api/v1/admin/users"));
  g_assert_nonnull (strstr (out, "logged.planner"));

  /* And so are the command line's. */
  g_assert_cmpint (anbu_test_server_cli (world->fixture->server, NULL, NULL, NULL,
                                         "user", "disable", "--username", "logged.planner", NULL), ==, 0);
  g_assert_cmpint (anbu_test_server_cli (world->fixture->server, "another long password\n", NULL, NULL,
                                         "password", "reset", "--username", "planner.b", NULL), ==, 0);
  g_assert_cmpint (anbu_test_server_cli (world->fixture->server, NULL, &cli_out, NULL,
                                         "access-log", "--cli", NULL), ==, 0);
  g_assert_nonnull (strstr (cli_out, "user disable logged.planner"));
  g_assert_nonnull (strstr (cli_out, "password reset planner.b"));
}

/* 3. Out of scope looks exactly like unknown */

static void
compare_answers (const char *what,
                 const char *kind,
                 const char *out_of_scope,
                 const char *unknown)
{
  g_autoptr(AnbuTestResponse) keep_a = NULL;
  g_autoptr(AnbuTestResponse) keep_b = NULL;
  JsonObject *a = push_one (world->token_a, NULL, kind, out_of_scope, &keep_a);
  JsonObject *b = push_one (world->token_a, NULL, kind, unknown, &keep_b);
  g_autofree char *a_text = result_text (a);
  g_autofree char *b_text = result_text (b);

  g_test_message ("%s %s: %s | %s", kind, what, a_text, b_text);
  g_assert_cmpstr (result_status (a), ==, "rejected");
  g_assert_cmpstr (a_text, ==, b_text);
}

static void
test_out_of_scope_looks_unknown (void)
{
  g_autofree char *unknown = g_uuid_string_random ();
  g_autofree char *fresh = g_uuid_string_random ();
  g_autofree char *fresh2 = g_uuid_string_random ();
  g_autofree char *at = ingest_time (T0);
  const char *households[] = { world->household_b, unknown };
  const char *serials[] = { "SEC-B1", "SEC-NONE" };
  const char *alerts[] = { world->alert_b, unknown };
  char *payloads[2][16] = { { NULL } };
  const char *kinds[16] = { NULL };
  guint n = 0;

  for (guint w = 0; w < 2; w++)
    {
      guint i = 0;

      kinds[i] = "household.update";
      payloads[w][i++] = g_strdup_printf ("{\"id\": \"%s\", \"base_version\": 1, \"fields\": {\"name\": \"박\"}}",
                                          households[w]);
      kinds[i] = "household.close";
      payloads[w][i++] = g_strdup_printf ("{\"id\": \"%s\", \"reason\": \"이사\"}", households[w]);
      kinds[i] = "plug.install";
      payloads[w][i++] = g_strdup_printf ("{\"serial\": \"SEC-NEW-%u\", \"household_id\": \"%s\","
                                          " \"appliance\": \"tv\", \"installed_at\": \"%s\"}", w, households[w], at);
      kinds[i] = "plug.replace";
      payloads[w][i++] = g_strdup_printf ("{\"household_id\": \"%s\", \"old_serial\": \"SEC-A1\","
                                          " \"new_serial\": \"SEC-NEW-R%u\", \"appliance\": \"tv\","
                                          " \"reason\": \"faulty\", \"at\": \"%s\"}", households[w], w, at);
      kinds[i] = "plug.replace";
      payloads[w][i++] = g_strdup_printf ("{\"household_id\": \"%s\", \"old_serial\": \"%s\","
                                          " \"new_serial\": \"SEC-NEW-S%u\", \"appliance\": \"tv\","
                                          " \"reason\": \"faulty\", \"at\": \"%s\"}",
                                          world->household_a, serials[w], w, at);
      kinds[i] = "plug.remove";
      payloads[w][i++] = g_strdup_printf ("{\"serial\": \"%s\", \"reason\": \"moved\", \"at\": \"%s\"}",
                                          serials[w], at);
      kinds[i] = "visit.create";
      payloads[w][i++] = fact_payload ("visit.create", w == 0 ? fresh : fresh2, households[w], world->id_a);
      kinds[i] = "contact.create";
      payloads[w][i++] = fact_payload ("contact.create", w == 0 ? fresh : fresh2, households[w], world->id_a);
      kinds[i] = "contact.create";
      payloads[w][i++] = g_strdup_printf ("{\"id\": \"%s\", \"alert_id\": \"%s\", \"household_id\": \"%s\","
                                          " \"at\": \"%s\", \"by\": \"%s\", \"channel\": \"phone\","
                                          " \"outcome\": \"no_answer\"}",
                                          w == 0 ? fresh : fresh2, alerts[w], households[w], at, world->id_a);
      kinds[i] = "absence.create";
      payloads[w][i++] = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", \"from\": \"2026-12-01T00:00:00+09:00\","
                                          " \"to\": \"2026-12-03T00:00:00+09:00\", \"reason\": \"travel\"}",
                                          w == 0 ? fresh : fresh2, households[w]);
      kinds[i] = "alert.acknowledge";
      payloads[w][i++] = g_strdup_printf ("{\"id\": \"%s\", \"at\": \"%s\"}", alerts[w], at);
      kinds[i] = "alert.resolve";
      payloads[w][i++] = g_strdup_printf ("{\"id\": \"%s\", \"resolution\": \"safe\", \"at\": \"%s\"}",
                                          alerts[w], at);
      n = i;
    }

  for (guint i = 0; i < n; i++)
    compare_answers ("another 동 vs unknown", kinds[i], payloads[0][i], payloads[1][i]);
  for (guint w = 0; w < 2; w++)
    for (guint i = 0; i < n; i++)
      g_free (payloads[w][i]);
}

/* Reusing a record id or a plug serial of another 동 answers exactly like
 * reusing one of one's own 동 (a fresh id is applied, so that is the
 * answer that tells nothing), and overwrites nothing. */
static void
test_reuse_of_another_dong_looks_like_own (void)
{
  g_autofree char *at = ingest_time (T0);
  const char *household_ids[] = { world->household_b, world->household_a2 };
  const char *visits[] = { world->visit_b, world->visit_a2 };
  const char *contacts[] = { world->contact_b, world->contact_a2 };
  const char *absences[] = { world->absence_b, world->absence_a2 };
  const char *serials[] = { "SEC-B1", "SEC-A2" };
  char *payloads[2][6] = { { NULL } };
  const char *kinds[6] = { NULL };
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) changes = NULL;
  guint n = 0;

  for (guint w = 0; w < 2; w++)
    {
      guint i = 0;

      kinds[i] = "household.create";
      payloads[w][i++] = g_strdup_printf ("{\"id\": \"%s\", \"dong_code\": \"" DONG_A "\", \"name\": \"도용\","
                                          " \"address\": \"서울특별시 종로구 자하문로 9\"}", household_ids[w]);
      kinds[i] = "visit.create";
      payloads[w][i++] = fact_payload ("visit.create", visits[w], world->household_a, world->id_a);
      kinds[i] = "contact.create";
      payloads[w][i++] = fact_payload ("contact.create", contacts[w], world->household_a, world->id_a);
      kinds[i] = "absence.create";
      payloads[w][i++] = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", \"from\": \"2026-12-01T00:00:00+09:00\","
                                          " \"to\": \"2026-12-03T00:00:00+09:00\", \"reason\": \"travel\"}",
                                          absences[w], world->household_a);
      kinds[i] = "plug.install";
      payloads[w][i++] = g_strdup_printf ("{\"serial\": \"%s\", \"household_id\": \"%s\", \"appliance\": \"tv\","
                                          " \"installed_at\": \"%s\"}", serials[w], world->household_a, at);
      kinds[i] = "plug.replace";
      payloads[w][i++] = g_strdup_printf ("{\"household_id\": \"%s\", \"old_serial\": \"SEC-A1\","
                                          " \"new_serial\": \"%s\", \"appliance\": \"tv\","
                                          " \"reason\": \"faulty\", \"at\": \"%s\"}", world->household_a,
                                          serials[w], at);
      n = i;
    }
  for (guint i = 0; i < n; i++)
    compare_answers ("reuse of another 동 vs own", kinds[i], payloads[0][i], payloads[1][i]);
  for (guint w = 0; w < 2; w++)
    for (guint i = 0; i < n; i++)
      g_free (payloads[w][i]);

  /* Nothing of 동 B changed hands. */
  changes = anbu_test_pull (world->fixture->server, world->fixture->admin_token, &cursor, 0, NULL);
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);
      JsonObject *record = json_object_get_object_member (change, "record");
      const char *id = json_object_get_string_member (change, "id");

      if (g_strcmp0 (id, world->household_b) == 0)
        g_assert_cmpstr (json_object_get_string_member (record, "dong_code"), ==, DONG_B);
      if (g_strcmp0 (id, world->visit_b) == 0 || g_strcmp0 (id, world->contact_b) == 0
          || g_strcmp0 (id, world->absence_b) == 0 || g_strcmp0 (id, "SEC-B1") == 0)
        g_assert_cmpstr (json_object_get_string_member (record, "household_id"), ==, world->household_b);
    }
}

/* 4. Mutation ids are owned */

static void
test_mutation_ids_owned (void)
{
  g_autofree char *entry_id = g_uuid_string_random ();
  g_autofree char *mine = g_uuid_string_random ();
  g_autofree char *theirs = g_uuid_string_random ();
  g_autofree char *payload_a = fact_payload ("visit.create", mine, world->household_a, world->id_a);
  g_autofree char *payload_a2 = fact_payload ("visit.create", theirs, world->household_a, world->id_a2);
  g_autoptr(AnbuTestResponse) keep1 = NULL;
  g_autoptr(AnbuTestResponse) keep2 = NULL;
  g_autoptr(AnbuTestResponse) keep3 = NULL;
  JsonObject *first = push_one (world->token_a, entry_id, "visit.create", payload_a, &keep1);
  JsonObject *other = push_one (world->token_a2, entry_id, "visit.create", payload_a2, &keep2);
  JsonObject *again = push_one (world->token_a, entry_id, "visit.create", payload_a, &keep3);

  g_assert_cmpstr (result_status (first), ==, "applied");
  g_assert_cmpstr (result_status (other), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (other, "field"), ==, "id");
  g_assert_cmpstr (json_object_get_string_member (other, "code"), ==, "invalid_value");
  g_assert_nonnull (json_object_get_string_member (other, "message"));
  /* The owner's resend is still a harmless duplicate. */
  g_assert_cmpstr (result_status (again), ==, "duplicate");
}

/* 6. The admin users route: wrong JSON types answer 400 naming the field */

static void
test_admin_users_types (void)
{
  static const struct
  {
    const char *body;
    const char *code;
    const char *field;
  } probes[] = {
    { "{\"username\": \"t1\", \"password\": \"" INGEST_PASSWORD "\", \"role\": \"planner\","
      " \"display_name\": 5, \"dong_codes\": [\"" DONG_A "\"]}", "wrong_type", "display_name" },
    { "{\"username\": \"t2\", \"password\": \"" INGEST_PASSWORD "\", \"role\": \"planner\","
      " \"display_name\": {\"a\": 1}, \"dong_codes\": [\"" DONG_A "\"]}", "wrong_type", "display_name" },
    { "{\"username\": \"t3\", \"password\": \"" INGEST_PASSWORD "\", \"role\": \"planner\","
      " \"display_name\": 1e400, \"dong_codes\": [\"" DONG_A "\"]}", "wrong_type", "display_name" },
    { "{\"username\": \"t4\", \"password\": \"" INGEST_PASSWORD "\", \"role\": \"planner\","
      " \"dong_codes\": \"" DONG_A "\"}", "wrong_type", "dong_codes" },
    { "{\"username\": \"t5\", \"password\": \"" INGEST_PASSWORD "\", \"role\": \"planner\","
      " \"dong_codes\": {\"a\": \"" DONG_A "\"}}", "wrong_type", "dong_codes" },
    { "{\"username\": \"t6\", \"password\": \"" INGEST_PASSWORD "\", \"role\": \"planner\","
      " \"dong_codes\": [99999999999999999999999]}", "wrong_type", "dong_codes.0" },
    { "{\"username\": \"t7\", \"password\": \"" INGEST_PASSWORD "\", \"role\": \"planner\","
      " \"dong_codes\": [[\"" DONG_A "\"]]}", "wrong_type", "dong_codes.0" },
    { "{\"username\": \"t8\", \"password\": \"" INGEST_PASSWORD "\", \"role\": 12345678901234567890}",
      "wrong_type", "role" },
    { "{\"username\": 1e308, \"password\": \"" INGEST_PASSWORD "\", \"role\": \"control\"}",
      "wrong_type", "username" },
    { "{\"username\": \"t9\", \"password\": [1], \"role\": \"control\"}", "wrong_type", "password" },
    { "{\"username\": \"t10\", \"password\": \"" INGEST_PASSWORD "\", \"role\": \"control\","
      " \"display_name\": true}", "wrong_type", "display_name" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (probes); i++)
    {
      g_autoptr(AnbuTestResponse) response = anbu_test_request (world->fixture->server, "POST",
                                                                "/api/v1/admin/users",
                                                                world->fixture->admin_token, probes[i].body);

      g_test_message ("%s", probes[i].body);
      assert_error (response, 400, probes[i].code, probes[i].field);
    }
  /* None of them was stored. */
  for (guint i = 1; i <= 10; i++)
    {
      g_autofree char *username = g_strdup_printf ("t%u", i);
      g_autofree char *body = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}",
                                               username, INGEST_PASSWORD);
      g_autoptr(AnbuTestResponse) response = anbu_test_request (world->fixture->server, "POST",
                                                                "/api/v1/session", NULL, body);

      g_assert_cmpuint (response->status, ==, 401);
    }
}

/* 7. A plug's history belongs to the household it was installed in */

static void
test_moved_plug_starts_clean (void)
{
  g_autofree char *installed_b = ingest_time (T0 - 8 * HOUR);
  g_autofree char *removed_b = ingest_time (T0 - HOUR);
  g_autofree char *installed_a = ingest_time (T0 - 30 * MINUTE);
  g_autofree char *install_b = g_strdup_printf ("{\"serial\": \"SEC-MOVE\", \"household_id\": \"%s\","
                                                " \"appliance\": \"tv\", \"installed_at\": \"%s\"}",
                                                world->household_b, installed_b);
  g_autofree char *remove_b = g_strdup_printf ("{\"serial\": \"SEC-MOVE\", \"reason\": \"moved\", \"at\": \"%s\"}",
                                               removed_b);
  g_autofree char *install_a = g_strdup_printf ("{\"serial\": \"SEC-MOVE\", \"household_id\": \"%s\","
                                                " \"appliance\": \"lamp\", \"installed_at\": \"%s\"}",
                                                world->household_a, installed_a);
  g_autofree char *from = ingest_time (T0 - 7 * DAY);
  g_autofree char *to = ingest_time (T0);
  g_autofree char *path_a = g_strdup_printf ("/api/v1/households/%s/series?from=%s&to=%s&bucket=1h",
                                             world->household_a, from, to);
  g_autoptr(AnbuTestResponse) series_a = NULL;
  JsonArray *plugs;
  gboolean seen = FALSE;
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) changes = NULL;
  JsonObject *record;

  /* Six hours of a 동 B resident switching the TV on and off. */
  json_object_unref (admin_push ("plug.install", install_b));
  ingest_post_span (world->fixture, "SEC-MOVE", T0 - 8 * HOUR + MINUTE, T0 - 2 * HOUR, MINUTE,
                    2.0, 90.0, T0 - 6 * HOUR, T0 - 4 * HOUR, NULL);
  json_object_unref (admin_push ("plug.remove", remove_b));
  json_object_unref (admin_push ("plug.install", install_a));

  series_a = anbu_test_request (world->fixture->server, "GET", path_a, world->token_a, NULL);
  g_assert_cmpuint (series_a->status, ==, 200);
  plugs = json_object_get_array_member (anbu_test_response_object (series_a), "plugs");
  for (guint i = 0; i < json_array_get_length (plugs); i++)
    {
      JsonObject *plug = json_array_get_object_element (plugs, i);

      if (g_strcmp0 (json_object_get_string_member (plug, "serial"), "SEC-MOVE") != 0)
        continue;
      seen = TRUE;
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (plug, "buckets")), ==, 0);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (plug, "events")), ==, 0);
    }
  g_assert_true (seen);

  /* The timer pass publishes plugs' live fields: none of the 동 B
   * resident's reach planner A's copy of the plug. */
  anbu_test_response_free (ingest_tick (world->fixture, T0 + MINUTE));
  changes = anbu_test_pull (world->fixture->server, world->token_a, &cursor, 0, NULL);
  record = NULL;
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (g_strcmp0 (json_object_get_string_member (change, "id"), "SEC-MOVE") == 0)
        record = json_object_get_object_member (change, "record");
    }
  g_assert_nonnull (record);
  g_assert_cmpstr (json_object_get_string_member (record, "household_id"), ==, world->household_a);
  g_assert_false (json_object_has_member (record, "last_seen_at"));
  g_assert_false (json_object_has_member (record, "last_activity_at"));
  g_assert_false (json_object_has_member (record, "last_watts"));
}

/* 5 and 8: raw HTTP from many loopback addresses at once */

typedef struct
{
  char              *request;
  GSocketConnection *connection;
  GString           *answer;
  guint8             buffer[4096];
  guint             *remaining;
  guint              status;
  gboolean           retry_after;
  guint              order;       /* 1 for the first answer to end, 2 … */
} RawCall;

static void raw_read_more (RawCall *call);

static guint raw_answers_ended;

static void
raw_finish (RawCall *call)
{
  const char *text = call->answer->str;

  if (g_str_has_prefix (text, "HTTP/1.1 ") || g_str_has_prefix (text, "HTTP/1.0 "))
    call->status = (guint) g_ascii_strtoull (text + 9, NULL, 10);
  call->retry_after = strstr (text, "\r\nRetry-After: ") != NULL;
  call->order = ++raw_answers_ended;
  g_clear_object (&call->connection);
  (*call->remaining)--;
}

static void
on_raw_read (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  RawCall *call = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    {
      raw_finish (call);
      return;
    }
  g_string_append_len (call->answer, (const char *) call->buffer, n);
  raw_read_more (call);
}

static void
raw_read_more (RawCall *call)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (call->connection)),
                             call->buffer, sizeof call->buffer, G_PRIORITY_DEFAULT, NULL,
                             on_raw_read, call);
}

static void
on_raw_written (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  RawCall *call = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      raw_finish (call);
      return;
    }
  raw_read_more (call);
}

static void
on_raw_connected (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  RawCall *call = user_data;

  call->connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, NULL);
  if (call->connection == NULL)
    {
      raw_finish (call);
      return;
    }
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (call->connection)),
                                   call->request, strlen (call->request), G_PRIORITY_DEFAULT, NULL,
                                   on_raw_written, call);
}

static guint
server_port (AnbuTestServer *server)
{
  return (guint) g_ascii_strtoull (strrchr (server->url, ':') + 1, NULL, 10);
}

/* Sends every request at once, request i from 127.0.0.(2 + i % 200), each
 * on its own connection, and waits for all the answers. */
static RawCall *
raw_send_all (AnbuTestServer *server,
              char          **requests,
              guint           n)
{
  RawCall *calls = g_new0 (RawCall, n);
  guint remaining = n;
  guint port = server_port (server);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GSocketClient) client = g_socket_client_new ();
      g_autofree char *local = g_strdup_printf ("127.0.0.%u", 2 + i % 200);
      g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (local);
      g_autoptr(GSocketAddress) local_address = g_inet_socket_address_new (inet, 0);
      g_autoptr(GSocketConnectable) target = g_network_address_new ("127.0.0.1", port);

      calls[i].request = requests[i];
      calls[i].answer = g_string_new (NULL);
      calls[i].remaining = &remaining;
      g_socket_client_set_local_address (client, local_address);
      g_socket_client_set_enable_proxy (client, FALSE);
      g_socket_client_connect_async (client, target, NULL, on_raw_connected, &calls[i]);
    }
  /* Bounded: a hung server fails the test instead of hanging it. */
  while (remaining > 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (remaining, ==, 0);
  return calls;
}

static void
raw_calls_free (RawCall *calls,
                guint    n)
{
  for (guint i = 0; i < n; i++)
    {
      g_string_free (calls[i].answer, TRUE);
      g_free (calls[i].request);
    }
  g_free (calls);
}

static char *
raw_sign_in (const char *username,
             const char *password)
{
  g_autofree char *body = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}", username, password);

  return g_strdup_printf ("POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Content-Type: application/json\r\nContent-Length: %zu\r\n"
                          "Connection: close\r\n\r\n%s", strlen (body), body);
}

/* 40 wrong passwords for one user, in parallel from 20 addresses: no more
 * than the documented five are ever checked. */
static void
test_sign_in_throttle_not_raced (void)
{
  AnbuTestServer *server = anbu_test_server_new (NULL);
  g_autofree char *id = anbu_test_server_add_user (server, "race.target", "planner", DONG_A, INGEST_PASSWORD);
  char *requests[40];
  RawCall *calls;
  guint checked = 0, throttled = 0;

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autofree char *guess = g_strdup_printf ("wrong guess %u", i);

      requests[i] = raw_sign_in ("race.target", guess);
    }
  calls = raw_send_all (server, requests, G_N_ELEMENTS (requests));
  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      if (calls[i].status == 401)
        checked++;
      else if (calls[i].status == 429)
        throttled++;
      else
        g_test_message ("answer %u: %s", i, calls[i].answer->str);
    }
  g_test_message ("%u checked, %u throttled", checked, throttled);
  g_assert_cmpuint (checked, <=, 5);
  g_assert_cmpuint (checked + throttled, ==, G_N_ELEMENTS (requests));
  raw_calls_free (calls, G_N_ELEMENTS (requests));
  anbu_test_server_free (server);
}

/* A request with two Authorization headers has no credentials. */
static void
test_two_authorization_headers_refused (void)
{
  AnbuTestServer *server = anbu_test_server_new (NULL);
  g_autofree char *id = anbu_test_server_add_user (server, "two.headers", "planner", DONG_A, INGEST_PASSWORD);
  g_autofree char *token = anbu_test_server_sign_in (server, "two.headers", INGEST_PASSWORD);
  char *requests[3];
  RawCall *calls;

  requests[0] = g_strdup_printf ("GET /api/v1/sync HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "Authorization: Bearer %s\r\nConnection: close\r\n\r\n", token);
  requests[1] = g_strdup_printf ("GET /api/v1/sync HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "Authorization: Bearer bogus\r\nAuthorization: Bearer %s\r\n"
                                 "Connection: close\r\n\r\n", token);
  requests[2] = g_strdup_printf ("GET /api/v1/sync HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "Authorization: Bearer %s\r\nAuthorization: Bearer bogus\r\n"
                                 "Connection: close\r\n\r\n", token);
  calls = raw_send_all (server, requests, 3);
  g_assert_cmpuint (calls[0].status, ==, 200);
  g_assert_cmpuint (calls[1].status, ==, 401);
  g_assert_cmpuint (calls[2].status, ==, 401);
  raw_calls_free (calls, 3);
  anbu_test_server_free (server);
}

/* Many sign-ins at once, from many addresses, on a server that checks one
 * password at a time: every one is answered (401, or 503 with
 * Retry-After when the queue is full), and the server keeps answering. */
static void
test_password_checks_bounded (void)
{
  const char * const args[] = { "--password-checks", "1", NULL };
  AnbuTestServer *server = anbu_test_server_new (args);
  g_autoptr(AnbuTestResponse) health = NULL;
  char *requests[48];
  RawCall *calls;
  guint refused = 0, busy = 0;

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autofree char *username = g_strdup_printf ("nobody.%u", i);

      requests[i] = raw_sign_in (username, "some password");
    }
  calls = raw_send_all (server, requests, G_N_ELEMENTS (requests));
  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      if (calls[i].status == 401)
        refused++;
      else if (calls[i].status == 503 && calls[i].retry_after)
        busy++;
      else
        g_test_message ("answer %u: %s", i, calls[i].answer->str);
    }
  g_test_message ("%u refused, %u busy", refused, busy);
  g_assert_cmpuint (refused + busy, ==, G_N_ELEMENTS (requests));
  /* One check at a time with eight waiting cannot take 48 at once. */
  g_assert_cmpuint (busy, >, 0);
  g_assert_cmpuint (refused, >=, 9);

  health = anbu_test_request (server, "GET", "/healthz", NULL, NULL);
  g_assert_cmpuint (health->status, ==, 200);
  raw_calls_free (calls, G_N_ELEMENTS (requests));
  anbu_test_server_free (server);
}

/* Administrators adding users in a burst: each new password is hashed
 * off the main loop on the same bounded pool as the sign-ins, so other
 * requests are answered while the hashes run, and a burst beyond the
 * pool's queue is answered 503 with Retry-After instead of piling up. */
static void
test_admin_password_hashing_off_main_loop (void)
{
  const char * const args[] = { "--password-checks", "1", NULL };
  AnbuTestServer *server = anbu_test_server_new (args);
  g_autofree char *admin_id = anbu_test_server_add_user (server, "burst.admin", "admin", NULL, INGEST_PASSWORD);
  g_autofree char *token = anbu_test_server_sign_in (server, "burst.admin", INGEST_PASSWORD);
  g_autofree char *token_probe = NULL;
  char *requests[28];
  const guint adds = 24;
  RawCall *calls;
  guint added = 0, busy = 0, last_added = 0, first_health = G_MAXUINT;
  int first_added = -1;

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autofree char *body = NULL;

      if (i >= adds)
        {
          requests[i] = g_strdup ("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
          continue;
        }
      body = g_strdup_printf ("{\"username\": \"burst.%u\", \"password\": \"%s\", \"role\": \"control\"}",
                              i, INGEST_PASSWORD);
      requests[i] = g_strdup_printf ("POST /api/v1/admin/users HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                     "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                                     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                                     token, strlen (body), body);
    }
  calls = raw_send_all (server, requests, G_N_ELEMENTS (requests));
  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      if (i >= adds)
        {
          g_assert_cmpuint (calls[i].status, ==, 200);
          first_health = MIN (first_health, calls[i].order);
        }
      else if (calls[i].status == 201)
        {
          added++;
          last_added = MAX (last_added, calls[i].order);
          if (first_added < 0)
            first_added = (int) i;
        }
      else if (calls[i].status == 503 && calls[i].retry_after)
        busy++;
      else
        g_test_message ("answer %u: %s", i, calls[i].answer->str);
    }
  g_test_message ("%u added, %u busy; first health answer %u, last addition %u",
                  added, busy, first_health, last_added);
  g_assert_cmpuint (added + busy, ==, adds);
  /* On the main loop each hash would finish before the next request is
   * read: never a queue, never busy, nothing answered in between. */
  g_assert_cmpuint (busy, >, 0);
  g_assert_cmpuint (added, >, 0);
  g_assert_cmpuint (first_health, <, last_added);

  /* What was added signs in with its password. */
  {
    g_autofree char *username = g_strdup_printf ("burst.%d", first_added);

    token_probe = anbu_test_server_sign_in (server, username, INGEST_PASSWORD);
    g_assert_nonnull (token_probe);
  }
  raw_calls_free (calls, G_N_ELEMENTS (requests));
  anbu_test_server_free (server);
}

/* 9. Bodies are bounded before they are authenticated */

static guint64
peak_rss_kib (AnbuTestServer *server)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (server->process));
  g_autofree char *text = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  line = strstr (text, "VmHWM:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("VmHWM:"), NULL, 10);
}

/* Sends `mib` MiB to `path` in 1 MiB chunks (chunked, or with
 * Content-Length when `announce`), then returns the status answered. */
static guint
send_big_body (AnbuTestServer *server,
               const char     *path,
               guint           mib,
               gboolean        announce)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *head = NULL;
  g_autofree char *chunk = g_malloc (1024 * 1024);
  g_autoptr(GString) answer = g_string_new (NULL);
  GOutputStream *out;
  GInputStream *in;
  char buffer[4096];
  gssize n;

  memset (chunk, ' ', 1024 * 1024);
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", server_port (server), NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  if (announce)
    head = g_strdup_printf ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            "Content-Length: %" G_GUINT64_FORMAT "\r\n\r\n", path,
                            (guint64) mib * 1024 * 1024);
  else
    head = g_strdup_printf ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            "Transfer-Encoding: chunked\r\n\r\n", path);
  g_assert_true (g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error));
  for (guint i = 0; i < mib && error == NULL; i++)
    {
      if (!announce)
        g_output_stream_write_all (out, "100000\r\n", 8, NULL, NULL, &error);
      if (error == NULL)
        g_output_stream_write_all (out, chunk, 1024 * 1024, NULL, NULL, &error);
      if (error == NULL && !announce)
        g_output_stream_write_all (out, "\r\n", 2, NULL, NULL, &error);
    }
  if (error == NULL && !announce)
    g_output_stream_write_all (out, "0\r\n\r\n", 5, NULL, NULL, &error);
  /* The server may close early once it has answered: that is fine. */
  g_clear_error (&error);
  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, NULL)) > 0)
    {
      g_string_append_len (answer, buffer, n);
      /* The status line and headers are all that matter. */
      if (strstr (answer->str, "\r\n\r\n") != NULL)
        break;
    }
  g_assert_true (g_str_has_prefix (answer->str, "HTTP/1.1 "));
  return (guint) g_ascii_strtoull (answer->str + 9, NULL, 10);
}

static void
test_bodies_bounded_before_authenticated (void)
{
  AnbuTestServer *server = anbu_test_server_new (NULL);
  static const struct
  {
    const char *path;
    gboolean    announce;
    guint       status;
  } probes[] = {
    { "/api/v1/mutations", FALSE, 401 },
    { "/api/v1/session", FALSE, 413 },
    { "/api/v1/telemetry", FALSE, 401 },
    { "/api/v1/admin/users", FALSE, 401 },
    /* Every route the router marks as needing a session, whichever module adds it. */
    { "/api/v1/admin/gateways", FALSE, 401 },
    { "/api/v1/admin/caseload/moves", FALSE, 401 },
    { "/healthz", TRUE, 413 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (probes); i++)
    {
      g_autoptr(AnbuTestResponse) health = NULL;
      guint64 before = peak_rss_kib (server);
      guint status = send_big_body (server, probes[i].path, 64, probes[i].announce);
      guint64 after = peak_rss_kib (server);

      g_test_message ("%s: %u, peak RSS %" G_GUINT64_FORMAT " → %" G_GUINT64_FORMAT " KiB",
                      probes[i].path, status, before, after);
      g_assert_cmpuint (status, ==, probes[i].status);
      /* 64 MiB went in; well under half of it may stay in memory. (Under AddressSanitizer
       * freed memory sits in its quarantine, so RSS says nothing there.) */
#ifndef __SANITIZE_ADDRESS__
      g_assert_cmpuint (after, <, before + 16 * 1024);
#endif
      health = anbu_test_request (server, "GET", "/healthz", NULL, NULL);
      g_assert_cmpuint (health->status, ==, 200);
    }
  anbu_test_server_free (server);
}

/* 20 clients sending 64 MiB each at once, while 200 slow connections
 * are held: every body is refused early (at its headers or once past the
 * limit), the server keeps answering, and its memory stays bounded. */
static GSocketConnection *connect_from (AnbuTestServer *server,
                                        const char     *local,
                                        const char     *text);

typedef struct
{
  GSocketConnection *connection;
  GCancellable      *cancellable;
  GBytes            *piece;       /* one step of the body, shared */
  guint              steps_left;
  gboolean           chunked;
  gboolean          *stop;        /* endless body: ends once this is set */
  GString           *answer;
  guint8             buffer[4096];
  guint              status;
  guint64            sent;
  guint             *remaining;
} Upload;

static void upload_write_more (Upload *upload);

static void
upload_end (Upload *upload)
{
  if (upload->remaining == NULL)
    return;
  (*upload->remaining)--;
  upload->remaining = NULL;
  /* A client that got its answer stops sending. */
  g_cancellable_cancel (upload->cancellable);
}

static void
on_upload_written (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Upload *upload = user_data;
  gsize written = 0;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, &written, NULL))
    return;
  upload->sent += written;
  if (upload->stop != NULL && *upload->stop)
    upload->steps_left = 1;
  if (--upload->steps_left > 0)
    upload_write_more (upload);
  else if (upload->chunked)
    g_output_stream_write_all_async (G_OUTPUT_STREAM (source), "0\r\n\r\n", 5, G_PRIORITY_DEFAULT,
                                     upload->cancellable, NULL, NULL);
}

static void
upload_write_more (Upload *upload)
{
  gsize size;
  gconstpointer data = g_bytes_get_data (upload->piece, &size);

  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (upload->connection)),
                                   data, size, G_PRIORITY_DEFAULT, upload->cancellable,
                                   on_upload_written, upload);
}

static void upload_read_more (Upload *upload);

static void
on_upload_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Upload *upload = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    {
      upload_end (upload);
      return;
    }
  g_string_append_len (upload->answer, (const char *) upload->buffer, n);
  if (strstr (upload->answer->str, "\r\n\r\n") != NULL)
    {
      if (g_str_has_prefix (upload->answer->str, "HTTP/1.1 "))
        upload->status = (guint) g_ascii_strtoull (upload->answer->str + 9, NULL, 10);
      upload_end (upload);
      return;
    }
  upload_read_more (upload);
}

static void
upload_read_more (Upload *upload)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (upload->connection)),
                             upload->buffer, sizeof upload->buffer, G_PRIORITY_DEFAULT, NULL,
                             on_upload_read, upload);
}

/* A request whose answer is waited for with the rest (a bound of its own
 * would measure the machine): `*status` turns from 0 to the status (or
 * G_MAXUINT on a transport error). */
static void
on_background_answer (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  guint *status = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  if (bytes == NULL)
    g_test_message ("background request failed: %s", error->message);
  *status = bytes != NULL ? soup_message_get_status (msg) : G_MAXUINT;
}

static void
request_in_background (AnbuTestServer *server,
                       const char     *method,
                       const char     *path,
                       const char     *token,
                       const char     *body,
                       guint          *status)
{
  static SoupSession *session;
  g_autofree char *url = g_strconcat (server->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);

  /* No timeout of its own: the caller's deadline bounds the wait. */
  if (session == NULL)
    {
      /* SoupSession's own default is 60 s; under AddressSanitizer a loaded server can take
       * longer, and the caller's deadline is the bound that matters. */
      session = soup_session_new_with_options ("timeout", 0, "idle-timeout", 0, NULL);
      soup_session_set_proxy_resolver (session, NULL);
    }
  *status = 0;
  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_background_answer, status);
}

static void
test_slow_connections_and_big_uploads (void)
{
  AnbuTestServer *server = anbu_test_server_new (NULL);
  static const struct
  {
    const char *path;
    gboolean    announce;
    guint       status;
  } kinds[] = {
    { "/api/v1/mutations", FALSE, 401 },
    { "/api/v1/session", FALSE, 413 },
    { "/api/v1/telemetry", FALSE, 401 },
    { "/api/v1/session", TRUE, 413 },
    { "/healthz", TRUE, 413 },
  };
  const guint64 body_size = 64 * 1024 * 1024;
  const gsize step = 1024 * 1024;
  GSocketConnection *slow[200];
  Upload uploads[20] = { 0 };
  /* Five streams already keep the main loop from ever being idle; twenty made the test
   * depend on how fast a loaded (or sanitized) machine answers. */
  Upload endless[5] = { 0 };
  const guint n_endless = G_N_ELEMENTS (endless);
  guint endless_remaining = n_endless;
  gboolean stop = FALSE;
  guint health_status = 0, readings_status = 0;
  g_autoptr(GBytes) raw_piece = NULL;
  g_autoptr(GBytes) chunked_piece = NULL;
  g_autoptr(AnbuTestResponse) health = NULL;
  guint remaining = G_N_ELEMENTS (uploads);
  g_autofree char *gateway_token = NULL;
  guint64 idle, peak;
  gint64 deadline;

  {
    char *data = g_malloc (step + 16);

    memcpy (data, "100000\r\n", 8);
    memset (data + 8, ' ', step);
    memcpy (data + 8 + step, "\r\n", 2);
    chunked_piece = g_bytes_new_take (data, step + 10);
    raw_piece = g_bytes_new_from_bytes (chunked_piece, 8, step);
  }
  g_assert_cmpint (anbu_test_server_cli (server, NULL, &gateway_token, NULL, "gateway", "add", "--name",
                                         "gateway under load", NULL), ==, 0);
  g_strstrip (gateway_token);
  idle = peak_rss_kib (server);

  /* 200 slow connections from four addresses (the per-address cap is
   * not what this test is about). */
  for (guint i = 0; i < G_N_ELEMENTS (slow); i++)
    {
      g_autofree char *local = g_strdup_printf ("127.0.0.%u", 2 + i % 4);

      slow[i] = connect_from (server, local, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
      g_assert_nonnull (slow[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (uploads); i++)
    {
      Upload *upload = &uploads[i];
      g_autofree char *local = g_strdup_printf ("127.0.0.%u", 10 + i);
      g_autofree char *head = NULL;
      guint kind = i % G_N_ELEMENTS (kinds);

      if (kinds[kind].announce)
        head = g_strdup_printf ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                "Content-Length: %" G_GUINT64_FORMAT "\r\n\r\n", kinds[kind].path, body_size);
      else
        head = g_strdup_printf ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                "Transfer-Encoding: chunked\r\n\r\n", kinds[kind].path);
      upload->connection = connect_from (server, local, head);
      g_assert_nonnull (upload->connection);
      upload->cancellable = g_cancellable_new ();
      upload->piece = g_bytes_ref (kinds[kind].announce ? raw_piece : chunked_piece);
      upload->chunked = !kinds[kind].announce;
      upload->steps_left = body_size / step;
      upload->answer = g_string_new (NULL);
      upload->remaining = &remaining;
      upload_read_more (upload);
      upload_write_more (upload);
    }

  /* Answered while all of that is going on. */
  request_in_background (server, "GET", "/healthz", NULL, NULL, &health_status);
  deadline = g_get_monotonic_time () + 3 * ANBU_TEST_TIMEOUT_SECONDS * G_USEC_PER_SEC;
  while ((remaining > 0 || health_status == 0) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (remaining, ==, 0);
  g_assert_cmpuint (health_status, ==, 200);

  /* Bodies that stream in without end never leave the main loop idle: a
   * gateway's readings, whose commit waits for an idle loop, are stored
   * and answered all the same (before the fix they waited for the
   * streams to end). */
  for (guint i = 0; i < n_endless; i++)
    {
      Upload *upload = &endless[i];
      g_autofree char *local = g_strdup_printf ("127.0.0.%u", 40 + i);

      upload->connection = connect_from (server, local,
                                         "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                         "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
      g_assert_nonnull (upload->connection);
      upload->cancellable = g_cancellable_new ();
      upload->piece = g_bytes_ref (chunked_piece);
      upload->chunked = TRUE;
      upload->steps_left = G_MAXUINT;
      upload->stop = &stop;
      upload->answer = g_string_new (NULL);
      upload->remaining = &endless_remaining;
      upload_read_more (upload);
      upload_write_more (upload);
    }
  request_in_background (server, "POST", "/api/v1/telemetry", gateway_token,
                         "{\"readings\": [{\"serial\": \"NO-SUCH-PLUG\", \"ts\": \"2026-11-24T01:00:00Z\", "
                         "\"watts\": 3, \"lux\": 40}]}", &readings_status);
  deadline = g_get_monotonic_time () + 3 * ANBU_TEST_TIMEOUT_SECONDS * G_USEC_PER_SEC;
  while ((readings_status == 0 || endless_remaining > 0) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("telemetry answered %u, %u of %u endless bodies unanswered", readings_status,
                  endless_remaining, n_endless);
  g_assert_cmpuint (readings_status, ==, 200);
  /* Every endless body is refused while it still streams: the server
   * answers at once and drops the rest off its main loop (before, libsoup
   * read a body to its end before answering, so these never were). */
  g_assert_cmpuint (endless_remaining, ==, 0);
  stop = TRUE;
  peak = peak_rss_kib (server);
  for (guint i = 0; i < n_endless; i++)
    {
      Upload *upload = &endless[i];

      g_assert_cmpuint (upload->status, ==, 413);
      g_io_stream_close (G_IO_STREAM (upload->connection), NULL, NULL);
      g_clear_object (&upload->connection);
      g_clear_object (&upload->cancellable);
      g_bytes_unref (upload->piece);
      g_string_free (upload->answer, TRUE);
    }

  for (guint i = 0; i < G_N_ELEMENTS (uploads); i++)
    {
      Upload *upload = &uploads[i];
      guint kind = i % G_N_ELEMENTS (kinds);

      g_test_message ("upload %u to %s: %u after %" G_GUINT64_FORMAT " bytes", i, kinds[kind].path,
                      upload->status, upload->sent);
      /* Answered as soon as refused; what still came was dropped, none
       * of it kept (the peak below). */
      g_assert_cmpuint (upload->status, ==, kinds[kind].status);
      g_io_stream_close (G_IO_STREAM (upload->connection), NULL, NULL);
      g_clear_object (&upload->connection);
      g_clear_object (&upload->cancellable);
      g_bytes_unref (upload->piece);
      g_string_free (upload->answer, TRUE);
    }
  for (guint i = 0; i < G_N_ELEMENTS (slow); i++)
    g_clear_object (&slow[i]);
  /* Settle the cancelled writes before the uploads go. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_test_message ("peak RSS: idle %" G_GUINT64_FORMAT " KiB, under load %" G_GUINT64_FORMAT " KiB",
                  idle, peak);
  /* 1.25 GiB offered; the server keeps what it reads of none of it.
   * (AddressSanitizer's quarantine keeps freed memory: not there.) */
#ifndef __SANITIZE_ADDRESS__
  g_assert_cmpuint (peak, <, idle + 50 * 1024);
#endif
  health = anbu_test_request (server, "GET", "/healthz", NULL, NULL);
  g_assert_cmpuint (health->status, ==, 200);
  anbu_test_server_free (server);
}

/* A request that stalls, in its headers or its body, loses its
 * connection; the server keeps answering others. */
static guint
stalled_answer (AnbuTestServer *server,
                const char     *partial,
                GString        *answer)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  GInputStream *in;
  char buffer[4096];
  gssize n;

  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", server_port (server), NULL, &error);
  g_assert_no_error (error);
  /* A bound on the test, not a measurement: a server that never lets go
   * fails here instead of hanging the suite. */
  g_socket_set_timeout (g_socket_connection_get_socket (connection), ANBU_TEST_TIMEOUT_SECONDS);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                            partial, strlen (partial), NULL, NULL, &error));
  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, &error)) > 0)
    g_string_append_len (answer, buffer, n);
  /* Closed by the server (EOF or reset), not timed out on our side. */
  if (error != NULL)
    g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
  return (guint) answer->len;
}

static void
test_stalled_requests_closed (void)
{
  const char * const args[] = { "--request-timeout", "1", NULL };
  AnbuTestServer *server = anbu_test_server_new (args);
  static const char * const partials[] = {
    "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",
    "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    "Content-Length: 1000\r\n\r\n{\"username\": ",
    "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"use\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (partials); i++)
    {
      g_autoptr(GString) answer = g_string_new (NULL);
      g_autoptr(AnbuTestResponse) health = NULL;

      stalled_answer (server, partials[i], answer);
      g_test_message ("stalled request %u answered: %s", i, answer->str);
      /* Never the 200 of a completed request. */
      g_assert_false (g_str_has_prefix (answer->str, "HTTP/1.1 200"));
      health = anbu_test_request (server, "GET", "/healthz", NULL, NULL);
      g_assert_cmpuint (health->status, ==, 200);
    }

  /* A keep-alive connection left idle after its answer is closed too. */
  {
    g_autoptr(GString) answer = g_string_new (NULL);

    stalled_answer (server, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", answer);
    g_assert_true (g_str_has_prefix (answer->str, "HTTP/1.1 200"));
  }
  anbu_test_server_free (server);
}

/* 10. Connections per address are capped */

typedef struct
{
  GSocketConnection *connection;
  GString           *answer;
  guint8             buffer[4096];
  gboolean           ended;     /* EOF or reset: the server let go */
  guint             *ended_count;
} HeldConnection;

static void held_read_more (HeldConnection *held);

static void
on_held_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  HeldConnection *held = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    {
      held->ended = TRUE;
      (*held->ended_count)++;
      return;
    }
  g_string_append_len (held->answer, (const char *) held->buffer, n);
  held_read_more (held);
}

static void
held_read_more (HeldConnection *held)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (held->connection)),
                             held->buffer, sizeof held->buffer, G_PRIORITY_DEFAULT, NULL,
                             on_held_read, held);
}

/* A connection from `local` (an address of 127.0.0.0/8) that has sent
 * `text`; NULL when the server refused even the connect. */
static GSocketConnection *
connect_from (AnbuTestServer *server,
              const char     *local,
              const char     *text)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (local);
  g_autoptr(GSocketAddress) local_address = g_inet_socket_address_new (inet, 0);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_client_set_local_address (client, local_address);
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", server_port (server), NULL, &error);
  if (connection == NULL)
    return NULL;
  /* A write to a connection the server already closed may fail: the
   * reads tell what happened. */
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             text, strlen (text), NULL, NULL, NULL);
  return g_steal_pointer (&connection);
}

static void
wait_for_count (guint *count,
                guint  wanted)
{
  gint64 deadline = g_get_monotonic_time () + ANBU_TEST_TIMEOUT_SECONDS * G_USEC_PER_SEC;

  /* Bounded: a server that never lets go fails here instead of hanging. */
  while (*count < wanted && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (*count, >=, wanted);
}

/* One address opening many slow connections gets only its share: the
 * ones beyond the cap are closed at once, the admitted ones are served
 * when they finally finish their request, another address is answered
 * meanwhile, and the address gets its slots back when it lets go. */
static void
test_connections_per_address_capped (void)
{
  /* No request timeout: only the cap can close the slow connections. */
  const char * const args[] = { "--max-connections-per-address", "20", "--request-timeout", "0", NULL };
  AnbuTestServer *server = anbu_test_server_new (args);
  HeldConnection held[60] = { 0 };
  guint ended = 0, served = 0;
  gboolean again = FALSE;
  gint64 deadline;

  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    {
      held[i].answer = g_string_new (NULL);
      held[i].ended_count = &ended;
      held[i].connection = connect_from (server, "127.0.0.2",
                                         "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1");
      if (held[i].connection == NULL)
        {
          held[i].ended = TRUE;
          ended++;
        }
      else
        held_read_more (&held[i]);
    }
  wait_for_count (&ended, G_N_ELEMENTS (held) - 20);

  /* Another address is served while 127.0.0.2 holds its 20. */
  {
    g_autoptr(AnbuTestResponse) health = anbu_test_request (server, "GET", "/healthz", NULL, NULL);

    g_assert_cmpuint (health->status, ==, 200);
  }

  /* The admitted ones finish their requests and are answered. */
  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    if (!held[i].ended)
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (held[i].connection)),
                                 "\r\nConnection: close\r\n\r\n", 24, NULL, NULL, NULL);
  wait_for_count (&ended, G_N_ELEMENTS (held));
  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    {
      if (g_str_has_prefix (held[i].answer->str, "HTTP/1.1 200"))
        served++;
      else
        g_assert_cmpuint (held[i].answer->len, ==, 0);
      g_clear_object (&held[i].connection);
      g_string_free (held[i].answer, TRUE);
    }
  g_test_message ("%u of %u slow connections admitted", served, (guint) G_N_ELEMENTS (held));
  g_assert_cmpuint (served, ==, 20);

  /* Its slots come back once it let go (the server may take a moment to
   * see the closes: retried, bounded). */
  deadline = g_get_monotonic_time () + ANBU_TEST_TIMEOUT_SECONDS * G_USEC_PER_SEC;
  while (!again && g_get_monotonic_time () < deadline)
    {
      HeldConnection probe = { 0 };
      guint probe_ended = 0;

      probe.answer = g_string_new (NULL);
      probe.ended_count = &probe_ended;
      probe.connection = connect_from (server, "127.0.0.2",
                                       "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      if (probe.connection != NULL)
        {
          held_read_more (&probe);
          wait_for_count (&probe_ended, 1);
        }
      again = g_str_has_prefix (probe.answer->str, "HTTP/1.1 200");
      g_clear_object (&probe.connection);
      g_string_free (probe.answer, TRUE);
    }
  g_assert_true (again);
  anbu_test_server_free (server);
}

/* A raw request from `local`, answered or let go: the answer's text, ""
 * when the server closed the connection without one. */
static char *
answer_from (AnbuTestServer *server,
             const char     *local)
{
  HeldConnection probe = { 0 };
  guint probe_ended = 0;

  probe.answer = g_string_new (NULL);
  probe.ended_count = &probe_ended;
  probe.connection = connect_from (server, local,
                                   "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  if (probe.connection != NULL)
    {
      held_read_more (&probe);
      wait_for_count (&probe_ended, 1);
    }
  g_clear_object (&probe.connection);
  return g_string_free (probe.answer, FALSE);
}

/* Many addresses, each well below its own cap, together reach the
 * server-wide one: the connections beyond it are closed at once, a new
 * address gets no answer while the server is full, the admitted ones are
 * served when they finish their requests, and accepting resumes once
 * they let go. */
static void
test_connections_capped_server_wide (void)
{
  /* No request timeout: only the cap can close the slow connections;
   * no per-address cap: only the server-wide one counts. */
  const char * const args[] = { "--max-connections", "20", "--max-connections-per-address", "0",
                                "--request-timeout", "0", NULL };
  AnbuTestServer *server = anbu_test_server_new (args);
  HeldConnection held[60] = { 0 };
  guint ended = 0, served = 0;
  gboolean again = FALSE;
  gint64 deadline;

  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    {
      g_autofree char *local = g_strdup_printf ("127.0.0.%u", 2 + i % 6);

      held[i].answer = g_string_new (NULL);
      held[i].ended_count = &ended;
      held[i].connection = connect_from (server, local,
                                         "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1");
      if (held[i].connection == NULL)
        {
          held[i].ended = TRUE;
          ended++;
        }
      else
        held_read_more (&held[i]);
    }
  wait_for_count (&ended, G_N_ELEMENTS (held) - 20);

  /* Full: a new address is let go unanswered too. */
  {
    g_autofree char *answer = answer_from (server, "127.0.0.9");

    g_assert_cmpstr (answer, ==, "");
  }

  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    if (!held[i].ended)
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (held[i].connection)),
                                 "\r\nConnection: close\r\n\r\n", 24, NULL, NULL, NULL);
  wait_for_count (&ended, G_N_ELEMENTS (held));
  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    {
      if (g_str_has_prefix (held[i].answer->str, "HTTP/1.1 200"))
        served++;
      else
        g_assert_cmpuint (held[i].answer->len, ==, 0);
      g_clear_object (&held[i].connection);
      g_string_free (held[i].answer, TRUE);
    }
  g_test_message ("%u of %u slow connections admitted", served, (guint) G_N_ELEMENTS (held));
  g_assert_cmpuint (served, ==, 20);

  /* Accepting resumes once they let go (retried, bounded). */
  deadline = g_get_monotonic_time () + ANBU_TEST_TIMEOUT_SECONDS * G_USEC_PER_SEC;
  while (!again && g_get_monotonic_time () < deadline)
    {
      g_autofree char *answer = answer_from (server, "127.0.0.9");

      again = g_str_has_prefix (answer, "HTTP/1.1 200");
    }
  g_assert_true (again);
  anbu_test_server_free (server);
}

/* Set-up */

static void
world_new (void)
{
  const char * const args[] = { "--offline-after", "21600", NULL };
  g_autofree char *readings = NULL;
  g_autoptr(GPtrArray) alerts = NULL;

  world = g_new0 (World, 1);
  world->fixture = ingest_fixture_new (T0 - 12 * HOUR, args);
  world->id_a = add_user (world->fixture, "planner.a", DONG_A, &world->token_a);
  world->id_a2 = add_user (world->fixture, "planner.a2", DONG_A, &world->token_a2);
  world->id_b = add_user (world->fixture, "planner.b", DONG_B, NULL);
  world->household_a = ingest_add_household (world->fixture, DONG_A, TRUE, 24, "SEC-A1", T0 - 11 * HOUR);
  world->household_a2 = ingest_add_household (world->fixture, DONG_A, TRUE, 24, "SEC-A2", T0 - 11 * HOUR);
  world->household_b = ingest_add_household (world->fixture, DONG_B, TRUE, 24, "SEC-B1", T0 - 11 * HOUR);

  /* 동 B's plug goes quiet: an offline signal. */
  anbu_test_response_free (ingest_tick (world->fixture, T0 - 9 * HOUR));
  readings = ingest_readings_json ("SEC-B1", T0 - 10 * HOUR, MINUTE, 10, 2.0, 2.0, 0, 0, NULL);
  anbu_test_response_free (ingest_post (world->fixture, readings));
  anbu_test_response_free (ingest_tick (world->fixture, T0));
  alerts = ingest_alerts (world->fixture, NULL, world->household_b);
  g_assert_cmpuint (alerts->len, ==, 1);
  world->alert_b = g_strdup (json_object_get_string_member (alerts->pdata[0], "id"));

  world->visit_a2 = add_fact ("visit.create", world->household_a2, world->fixture->admin_id);
  world->contact_a2 = add_fact ("contact.create", world->household_a2, world->fixture->admin_id);
  world->absence_a2 = add_fact ("absence.create", world->household_a2, NULL);
  world->visit_b = add_fact ("visit.create", world->household_b, world->fixture->admin_id);
  world->contact_b = add_fact ("contact.create", world->household_b, world->fixture->admin_id);
  world->absence_b = add_fact ("absence.create", world->household_b, NULL);
}

static void
world_free (void)
{
  ingest_fixture_free (world->fixture);
  g_free (world->token_a);
  g_free (world->id_a);
  g_free (world->token_a2);
  g_free (world->id_a2);
  g_free (world->id_b);
  g_free (world->household_a);
  g_free (world->household_a2);
  g_free (world->household_b);
  g_free (world->alert_b);
  g_free (world->visit_a2);
  g_free (world->contact_a2);
  g_free (world->absence_a2);
  g_free (world->visit_b);
  g_free (world->contact_b);
  g_free (world->absence_b);
  g_clear_pointer (&world, g_free);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/server/security/stats-and-series-bounded", test_stats_and_series_bounded);
  g_test_add_func ("/anbu/server/security/actor-is-the-caller", test_actor_is_the_caller);
  g_test_add_func ("/anbu/server/security/admin-actions-logged", test_admin_actions_logged);
  g_test_add_func ("/anbu/server/security/out-of-scope-looks-unknown", test_out_of_scope_looks_unknown);
  g_test_add_func ("/anbu/server/security/reuse-of-another-dong", test_reuse_of_another_dong_looks_like_own);
  g_test_add_func ("/anbu/server/security/mutation-ids-owned", test_mutation_ids_owned);
  g_test_add_func ("/anbu/server/security/admin-users-types", test_admin_users_types);

  g_test_add_func ("/anbu/server/security/moved-plug-starts-clean", test_moved_plug_starts_clean);
  g_test_add_func ("/anbu/server/security/sign-in-throttle-not-raced", test_sign_in_throttle_not_raced);
  g_test_add_func ("/anbu/server/security/two-authorization-headers", test_two_authorization_headers_refused);
  g_test_add_func ("/anbu/server/security/password-checks-bounded", test_password_checks_bounded);
  g_test_add_func ("/anbu/server/security/admin-password-hashing-off-main-loop",
                   test_admin_password_hashing_off_main_loop);
  g_test_add_func ("/anbu/server/security/stalled-requests-closed", test_stalled_requests_closed);
  g_test_add_func ("/anbu/server/security/bodies-bounded-before-authenticated",
                   test_bodies_bounded_before_authenticated);
  g_test_add_func ("/anbu/server/security/slow-connections-and-big-uploads",
                   test_slow_connections_and_big_uploads);
  g_test_add_func ("/anbu/server/security/connections-per-address-capped",
                   test_connections_per_address_capped);
  g_test_add_func ("/anbu/server/security/connections-capped-server-wide",
                   test_connections_capped_server_wide);

  world_new ();
  status = g_test_run ();
  world_free ();
  return status;
}
