/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Caseload moves (docs/api.md, "Caseload moves"): a 동 or one household
 * moves from one planner to another at an effective time, on a server whose
 * clock moves only when the test ticks it. */
#include "config.h"

#include <string.h>

#include "anbu-test-server.h"

#define PASSWORD "correct horse battery"
#define DONG_A "1111051500"   /* 청운효자동 */
#define DONG_B "1111053000"   /* 사직동 */
#define DONG_C "1168064000"
#define DONG_D "1168065000"

/* Monday 2026-12-07: the server starts at 08:00 KST. */
#define START "2026-12-07T08:00:00+09:00"
#define EFFECTIVE "2026-12-07T09:00:00+09:00"

typedef struct
{
  AnbuTestServer *server;
  char           *admin_token;
  char           *kim_id;
  char           *kim_token;
  char           *lee_id;
  char           *lee_token;
  char           *park_token;
} Fixture;

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  const char *args[] = { "--manual-clock", START, NULL };

  fx->server = anbu_test_server_new (args);
  g_free (anbu_test_server_add_user (fx->server, "admin", "admin", NULL, PASSWORD));
  fx->kim_id = anbu_test_server_add_user (fx->server, "kim", "planner", DONG_A, PASSWORD);
  fx->lee_id = anbu_test_server_add_user (fx->server, "lee", "planner", DONG_B, PASSWORD);
  g_free (anbu_test_server_add_user (fx->server, "park", "planner", DONG_B, PASSWORD));
  g_free (anbu_test_server_add_user (fx->server, "gone", "planner", DONG_C, PASSWORD));
  g_free (anbu_test_server_add_user (fx->server, "ctl", "control", NULL, PASSWORD));
  fx->admin_token = anbu_test_server_sign_in (fx->server, "admin", PASSWORD);
  fx->kim_token = anbu_test_server_sign_in (fx->server, "kim", PASSWORD);
  fx->lee_token = anbu_test_server_sign_in (fx->server, "lee", PASSWORD);
  fx->park_token = anbu_test_server_sign_in (fx->server, "park", PASSWORD);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  anbu_test_server_free (fx->server);
  g_free (fx->admin_token);
  g_free (fx->kim_id);
  g_free (fx->kim_token);
  g_free (fx->lee_id);
  g_free (fx->lee_token);
  g_free (fx->park_token);
}

static char *
create_household (Fixture    *fx,
                  const char *dong,
                  const char *name)
{
  char *id = g_uuid_string_random ();
  g_autofree char *entry_id = g_uuid_string_random ();
  g_autofree char *entries = g_strdup_printf ("[{\"id\": \"%s\", \"kind\": \"household.create\", "
                                              "\"payload\": {\"id\": \"%s\", \"dong_code\": \"%s\", "
                                              "\"name\": \"%s\", \"address\": \"서울특별시 종로구 자하문로 1\"}}]",
                                              entry_id, id, dong, name);
  g_autoptr(AnbuTestResponse) response = NULL;
  JsonArray *results = anbu_test_push (fx->server, fx->admin_token, entries, &response);

  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "status"),
                   ==, "applied");
  return id;
}

/* One visit.create by `by` for `household`, stamped `created_at` (none when NULL). */
static JsonObject *
push_visit (Fixture           *fx,
            const char        *token,
            const char        *by,
            const char        *household,
            const char        *created_at,
            char             **visit_id,
            AnbuTestResponse **response)
{
  g_autofree char *entry_id = g_uuid_string_random ();
  g_autofree char *stamp = created_at != NULL ? g_strdup_printf ("\"created_at\": \"%s\", ", created_at)
                                              : g_strdup ("");
  g_autofree char *entries = NULL;
  JsonArray *results;

  *visit_id = g_uuid_string_random ();
  entries = g_strdup_printf ("[{\"id\": \"%s\", \"kind\": \"visit.create\", %s\"payload\": "
                             "{\"id\": \"%s\", \"household_id\": \"%s\", \"at\": \"%s\", "
                             "\"by\": \"%s\", \"purpose\": \"regular\"}}]",
                             entry_id, stamp, *visit_id, household,
                             created_at != NULL ? created_at : START, by);
  results = anbu_test_push (fx->server, token, entries, response);
  g_assert_cmpuint (json_array_get_length (results), ==, 1);
  return json_array_get_object_element (results, 0);
}

static gboolean
has_op (JsonArray  *changes,
        const char *kind,
        const char *id,
        const char *op)
{
  JsonObject *change = anbu_test_find_change (changes, kind, id);

  return change != NULL && g_strcmp0 (json_object_get_string_member (change, "op"), op) == 0;
}

static void
tick (Fixture    *fx,
      const char *now)
{
  g_autofree char *body = g_strdup_printf ("{\"now\": \"%s\"}", now);
  g_autoptr(AnbuTestResponse) response = anbu_test_request (fx->server, "POST", "/api/v1/admin/tick",
                                                            fx->admin_token, body);

  g_assert_cmpuint (response->status, ==, 200);
}

static AnbuTestResponse *
post_move (Fixture    *fx,
           const char *token,
           const char *body)
{
  return anbu_test_request (fx->server, "POST", "/api/v1/admin/caseload/moves", token, body);
}

static JsonArray *
list_moves (Fixture           *fx,
            AnbuTestResponse **response)
{
  *response = anbu_test_request (fx->server, "GET", "/api/v1/admin/caseload/moves", fx->admin_token, NULL);
  g_assert_cmpuint ((*response)->status, ==, 200);
  return json_object_get_array_member (anbu_test_response_object (*response), "moves");
}

/* A 동 moves at 09:00: nothing changes before; after the tick the new
 * planner's pull brings its households (naming them as planner) and the old
 * planner's pull removes them. The old planner's offline visit made at
 * 08:30 is accepted and reaches the new planner; one made at 09:10 (or
 * without its time) is refused as moved. */
static void
test_dong_move_at_effective_time (Fixture       *fx,
                                  gconstpointer  data)
{
  g_autofree char *h1 = create_household (fx, DONG_A, "김영수");
  g_autofree char *h2 = create_household (fx, DONG_A, "박순자");
  g_autofree char *kim_cursor = NULL, *lee_cursor = NULL;
  g_autofree char *before_visit = NULL, *after_visit = NULL, *unstamped_visit = NULL;
  g_autoptr(JsonArray) kim_first = anbu_test_pull (fx->server, fx->kim_token, &kim_cursor, 0, NULL);
  g_autoptr(JsonArray) lee_first = anbu_test_pull (fx->server, fx->lee_token, &lee_cursor, 0, NULL);
  g_autoptr(JsonArray) kim_waiting = NULL, lee_waiting = NULL, kim_after = NULL, lee_after = NULL;
  g_autoptr(JsonArray) lee_visits = NULL;
  g_autoptr(AnbuTestResponse) made = NULL, moves_response = NULL;
  g_autoptr(AnbuTestResponse) r1 = NULL, r2 = NULL, r3 = NULL;
  JsonObject *move, *result, *change;
  JsonArray *moves;

  g_assert_true (has_op (kim_first, "household", h1, "upsert") && has_op (kim_first, "household", h2, "upsert"));
  g_assert_null (anbu_test_find_change (lee_first, "household", h1));

  made = post_move (fx, fx->admin_token, "{\"dong_code\": \"" DONG_A "\", \"from\": \"kim\", "
                                         "\"to\": \"lee\", \"effective_at\": \"" EFFECTIVE "\"}");
  g_assert_cmpuint (made->status, ==, 201);
  move = anbu_test_response_object (made);
  g_assert_cmpstr (json_object_get_string_member (move, "from"), ==, "kim");
  g_assert_cmpstr (json_object_get_string_member (move, "to"), ==, "lee");
  g_assert_false (json_object_has_member (move, "applied_at"));

  /* Before its time nothing moves. */
  kim_waiting = anbu_test_pull (fx->server, fx->kim_token, &kim_cursor, 0, NULL);
  lee_waiting = anbu_test_pull (fx->server, fx->lee_token, &lee_cursor, 0, NULL);
  g_assert_null (anbu_test_find_change (kim_waiting, "household", h1));
  g_assert_null (anbu_test_find_change (lee_waiting, "household", h1));

  tick (fx, "2026-12-07T09:00:30+09:00");
  kim_after = anbu_test_pull (fx->server, fx->kim_token, &kim_cursor, 0, NULL);
  lee_after = anbu_test_pull (fx->server, fx->lee_token, &lee_cursor, 0, NULL);
  g_assert_true (has_op (kim_after, "household", h1, "remove") && has_op (kim_after, "household", h2, "remove"));
  g_assert_true (has_op (lee_after, "household", h1, "upsert") && has_op (lee_after, "household", h2, "upsert"));
  change = anbu_test_find_change (lee_after, "household", h1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change, "record"), "planner_id"),
                   ==, fx->lee_id);

  moves = list_moves (fx, &moves_response);
  g_assert_cmpuint (json_array_get_length (moves), ==, 1);
  move = json_array_get_object_element (moves, 0);
  g_assert_cmpstr (json_object_get_string_member (move, "dong_code"), ==, DONG_A);
  g_assert_cmpstr (json_object_get_string_member (move, "created_by"), ==, "admin");
  g_assert_cmpstr (json_object_get_string_member (move, "effective_at"), ==, "2026-12-07T00:00:00Z");
  g_assert_true (json_object_has_member (move, "applied_at"));

  /* kim visited at 08:30, offline, while still responsible. */
  result = push_visit (fx, fx->kim_token, fx->kim_id, h1, "2026-12-07T08:30:00+09:00", &before_visit, &r1);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  /* At 09:10 the household was no longer kim's. */
  result = push_visit (fx, fx->kim_token, fx->kim_id, h2, "2026-12-07T09:10:00+09:00", &after_visit, &r2);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "moved");
  g_assert_nonnull (strstr (json_object_get_string_member (result, "message"), "2026"));
  /* A change without its time counts as made now: after the move. */
  result = push_visit (fx, fx->kim_token, fx->kim_id, h2, NULL, &unstamped_visit, &r3);
  g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "moved");

  lee_visits = anbu_test_pull (fx->server, fx->lee_token, &lee_cursor, 0, NULL);
  g_assert_true (has_op (lee_visits, "visit", before_visit, "upsert"));
  g_assert_null (anbu_test_find_change (lee_visits, "visit", after_visit));
  g_assert_null (anbu_test_find_change (lee_visits, "visit", unstamped_visit));
}

/* One household of 사직동 moves from lee to kim: kim receives it with its
 * visit; lee and park (the other planner of 사직동) lose it; the rest of
 * 사직동 stays where it was. */
static void
test_household_move (Fixture       *fx,
                     gconstpointer  data)
{
  g_autofree char *moving = create_household (fx, DONG_B, "이말순");
  g_autofree char *staying = create_household (fx, DONG_B, "최복동");
  g_autofree char *visit = NULL;
  g_autofree char *kim_cursor = NULL, *lee_cursor = NULL, *park_cursor = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonArray) kim_first = NULL, lee_first = NULL, park_first = NULL;
  g_autoptr(JsonArray) kim_after = NULL, lee_after = NULL, park_after = NULL;
  g_autoptr(AnbuTestResponse) r1 = NULL, made = NULL;
  JsonObject *result;

  result = push_visit (fx, fx->lee_token, fx->lee_id, moving, START, &visit, &r1);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  kim_first = anbu_test_pull (fx->server, fx->kim_token, &kim_cursor, 0, NULL);
  lee_first = anbu_test_pull (fx->server, fx->lee_token, &lee_cursor, 0, NULL);
  park_first = anbu_test_pull (fx->server, fx->park_token, &park_cursor, 0, NULL);
  g_assert_null (anbu_test_find_change (kim_first, "household", moving));
  g_assert_true (has_op (park_first, "household", moving, "upsert"));

  /* Effective now (no effective_at): applied at once. */
  body = g_strdup_printf ("{\"household_id\": \"%s\", \"from\": \"lee\", \"to\": \"kim\"}", moving);
  made = post_move (fx, fx->admin_token, body);
  g_assert_cmpuint (made->status, ==, 201);
  g_assert_true (json_object_has_member (anbu_test_response_object (made), "applied_at"));

  kim_after = anbu_test_pull (fx->server, fx->kim_token, &kim_cursor, 0, NULL);
  lee_after = anbu_test_pull (fx->server, fx->lee_token, &lee_cursor, 0, NULL);
  park_after = anbu_test_pull (fx->server, fx->park_token, &park_cursor, 0, NULL);
  g_assert_true (has_op (kim_after, "household", moving, "upsert"));
  g_assert_true (has_op (kim_after, "visit", visit, "upsert"));
  g_assert_null (anbu_test_find_change (kim_after, "household", staying));
  g_assert_true (has_op (lee_after, "household", moving, "remove"));
  g_assert_true (has_op (park_after, "household", moving, "remove"));
  g_assert_null (anbu_test_find_change (lee_after, "household", staying));

  /* kim may now work on it; lee may not. */
  {
    g_autofree char *kim_visit = NULL, *lee_visit = NULL;
    g_autoptr(AnbuTestResponse) r2 = NULL, r3 = NULL;

    result = push_visit (fx, fx->kim_token, fx->kim_id, moving, START, &kim_visit, &r2);
    g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
    result = push_visit (fx, fx->lee_token, fx->lee_id, moving, "2026-12-07T08:05:00+09:00", &lee_visit, &r3);
    g_assert_cmpstr (json_object_get_string_member (result, "code"), ==, "moved");
  }
}

static void
assert_refused (Fixture    *fx,
                const char *token,
                const char *body,
                guint       status,
                const char *code,
                const char *field)
{
  g_autoptr(AnbuTestResponse) response = post_move (fx, token, body);

  g_assert_cmpuint (response->status, ==, status);
  g_assert_cmpstr (anbu_test_response_error_code (response), ==, code);
  g_assert_cmpstr (anbu_test_response_error_field (response), ==, field);
}

/* Moves that would leave households without a planner who can answer for
 * them, or that make no sense, are refused naming the member at fault, and
 * nothing changes. */
static void
test_refused_moves (Fixture       *fx,
                    gconstpointer  data)
{
  g_autofree char *h1 = create_household (fx, DONG_A, "김영수");
  g_autofree char *kim_cursor = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonArray) kim_first = anbu_test_pull (fx->server, fx->kim_token, &kim_cursor, 0, NULL);
  g_autoptr(JsonArray) kim_after = NULL;
  g_autoptr(AnbuTestResponse) moves_response = NULL, waiting = NULL;

  g_assert_cmpint (anbu_test_server_cli (fx->server, NULL, NULL, NULL, "user", "disable",
                                         "--username", "gone", NULL), ==, 0);

  assert_refused (fx, fx->admin_token, "{\"dong_code\": \"" DONG_A "\", \"from\": \"kim\", \"to\": \"gone\"}",
                  400, "invalid_value", "to");
  assert_refused (fx, fx->admin_token, "{\"dong_code\": \"" DONG_A "\", \"from\": \"kim\", \"to\": \"ctl\"}",
                  400, "invalid_value", "to");
  assert_refused (fx, fx->admin_token, "{\"dong_code\": \"" DONG_A "\", \"from\": \"kim\", \"to\": \"nobody\"}",
                  404, "not_found", "to");
  assert_refused (fx, fx->admin_token, "{\"dong_code\": \"" DONG_A "\", \"from\": \"lee\", \"to\": \"park\"}",
                  400, "invalid_value", "from");
  assert_refused (fx, fx->admin_token, "{\"dong_code\": \"" DONG_A "\", \"from\": \"kim\", \"to\": \"kim\"}",
                  400, "invalid_value", "to");
  assert_refused (fx, fx->admin_token, "{\"dong_code\": \"12\", \"from\": \"kim\", \"to\": \"lee\"}",
                  400, "invalid_value", "dong_code");
  assert_refused (fx, fx->admin_token, "{\"from\": \"kim\", \"to\": \"lee\"}",
                  400, "missing_field", "dong_code");
  /* Only an administrator moves caseloads. */
  assert_refused (fx, fx->kim_token, "{\"dong_code\": \"" DONG_A "\", \"from\": \"kim\", \"to\": \"lee\"}",
                  403, "forbidden", NULL);
  /* The command line refuses the same way, on standard error. */
  g_assert_cmpint (anbu_test_server_cli (fx->server, NULL, &out, &err, "caseload", "move",
                                         "--dong", DONG_A, "--from", "kim", "--to", "gone", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "to: "));

  g_assert_cmpuint (json_array_get_length (list_moves (fx, &moves_response)), ==, 0);
  kim_after = anbu_test_pull (fx->server, fx->kim_token, &kim_cursor, 0, NULL);
  g_assert_null (anbu_test_find_change (kim_after, "household", h1));

  /* A second move of a 동 with one still waiting is refused too. */
  waiting = post_move (fx, fx->admin_token, "{\"dong_code\": \"" DONG_A "\", \"from\": \"kim\", "
                                            "\"to\": \"lee\", \"effective_at\": \"" EFFECTIVE "\"}");
  g_assert_cmpuint (waiting->status, ==, 201);
  assert_refused (fx, fx->admin_token, "{\"dong_code\": \"" DONG_A "\", \"from\": \"kim\", \"to\": \"park\", "
                                       "\"effective_at\": \"2026-12-07T10:00:00+09:00\"}",
                  400, "invalid_value", "effective_at");
}

/* Disabling the last planner of a 동 is refused unless forced; the report
 * lists households whose planner is disabled or who have none, over HTTP
 * and on the command line; moving the 동 to an active planner takes them
 * off it. */
static void
test_orphan_report (Fixture       *fx,
                    gconstpointer  data)
{
  g_autofree char *covered = create_household (fx, DONG_A, "김영수");
  g_autofree char *disabled = create_household (fx, DONG_C, "정옥자");
  g_autofree char *missing = create_household (fx, DONG_D, "한만수");
  g_autofree char *out = NULL, *err = NULL, *moved_out = NULL, *refusal = NULL, *history = NULL;
  g_autoptr(AnbuTestResponse) first_report = NULL, report = NULL, after = NULL;
  JsonArray *households, *planners;
  JsonObject *first, *second;

  /* Disabling the only planner of 정옥자's 동 is refused: move the caseload first. */
  g_assert_cmpint (anbu_test_server_cli (fx->server, NULL, NULL, &refusal, "user", "disable",
                                         "--username", "gone", NULL), ==, 1);
  g_assert_nonnull (strstr (refusal, "caseload move"));
  first_report = anbu_test_request (fx->server, "GET", "/api/v1/admin/caseload/orphans", fx->admin_token, NULL);
  households = json_object_get_array_member (anbu_test_response_object (first_report), "households");
  g_assert_cmpuint (json_array_get_length (households), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (households, 0), "household_id"),
                   ==, missing);

  /* Forced, it is done, and the report names the household and its planner. */
  g_assert_cmpint (anbu_test_server_cli (fx->server, NULL, NULL, NULL, "user", "disable",
                                         "--username", "gone", "--force", NULL), ==, 0);
  report = anbu_test_request (fx->server, "GET", "/api/v1/admin/caseload/orphans", fx->admin_token, NULL);
  g_assert_cmpuint (report->status, ==, 200);
  households = json_object_get_array_member (anbu_test_response_object (report), "households");
  g_assert_cmpuint (json_array_get_length (households), ==, 2);
  first = json_array_get_object_element (households, 0);
  second = json_array_get_object_element (households, 1);
  g_assert_cmpstr (json_object_get_string_member (first, "household_id"), ==, disabled);
  g_assert_cmpstr (json_object_get_string_member (first, "reason"), ==, "disabled");
  g_assert_cmpstr (json_object_get_string_member (first, "name"), ==, "정옥자");
  planners = json_object_get_array_member (first, "planners");
  g_assert_cmpuint (json_array_get_length (planners), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (planners, 0), ==, "gone");
  g_assert_cmpstr (json_object_get_string_member (second, "household_id"), ==, missing);
  g_assert_cmpstr (json_object_get_string_member (second, "reason"), ==, "missing");

  g_assert_cmpint (anbu_test_server_cli (fx->server, NULL, &out, &err, "caseload", "orphans", NULL), ==, 0);
  g_assert_nonnull (strstr (out, disabled));
  g_assert_nonnull (strstr (out, missing));
  g_assert_null (strstr (out, covered));

  /* The disabled planner's 동 goes to kim (from a disabled planner is fine). */
  g_assert_cmpint (anbu_test_server_cli (fx->server, NULL, &moved_out, NULL, "caseload", "move",
                                         "--dong", DONG_C, "--from", "gone", "--to", "kim",
                                         "--effective", START, NULL), ==, 0);
  g_assert_nonnull (strstr (moved_out, DONG_C));
  /* The history names who recorded it from the command line. */
  g_assert_cmpint (anbu_test_server_cli (fx->server, NULL, &history, NULL, "caseload", "moves", NULL), ==, 0);
  g_assert_nonnull (strstr (history, DONG_C "\tgone\tkim\tcli:"));
  after = anbu_test_request (fx->server, "GET", "/api/v1/admin/caseload/orphans", fx->admin_token, NULL);
  households = json_object_get_array_member (anbu_test_response_object (after), "households");
  g_assert_cmpuint (json_array_get_length (households), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (households, 0), "household_id"),
                   ==, missing);
  /* Planners cannot read the report. */
  {
    g_autoptr(AnbuTestResponse) refused = anbu_test_request (fx->server, "GET", "/api/v1/admin/caseload/orphans",
                                                             fx->kim_token, NULL);

    g_assert_cmpuint (refused->status, ==, 403);
  }
}

/* A move recorded for later whose new planner is disabled before its time
 * waits: the old planner keeps the households, nobody is left without one. */
static void
test_waits_for_an_active_planner (Fixture       *fx,
                                  gconstpointer  data)
{
  g_autofree char *h1 = create_household (fx, DONG_A, "김영수");
  g_autofree char *kim_cursor = NULL;
  g_autoptr(JsonArray) kim_first = anbu_test_pull (fx->server, fx->kim_token, &kim_cursor, 0, NULL);
  g_autoptr(JsonArray) kim_after = NULL;
  g_autoptr(AnbuTestResponse) made = NULL, moves_response = NULL, orphans = NULL;
  JsonArray *moves;

  g_assert_true (has_op (kim_first, "household", h1, "upsert"));
  made = post_move (fx, fx->admin_token, "{\"dong_code\": \"" DONG_A "\", \"from\": \"kim\", "
                                         "\"to\": \"park\", \"effective_at\": \"" EFFECTIVE "\"}");
  g_assert_cmpuint (made->status, ==, 201);
  /* lee still has 사직동, so park may be disabled. */
  g_assert_cmpint (anbu_test_server_cli (fx->server, NULL, NULL, NULL, "user", "disable",
                                         "--username", "park", NULL), ==, 0);
  tick (fx, "2026-12-07T09:30:00+09:00");

  moves = list_moves (fx, &moves_response);
  g_assert_cmpuint (json_array_get_length (moves), ==, 1);
  g_assert_false (json_object_has_member (json_array_get_object_element (moves, 0), "applied_at"));
  kim_after = anbu_test_pull (fx->server, fx->kim_token, &kim_cursor, 0, NULL);
  g_assert_null (anbu_test_find_change (kim_after, "household", h1));
  orphans = anbu_test_request (fx->server, "GET", "/api/v1/admin/caseload/orphans", fx->admin_token, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (anbu_test_response_object (orphans),
                                                                         "households")), ==, 0);
}

/* A live client that notes the first change notice. */
typedef struct
{
  SoupWebsocketConnection *connection;
  gboolean                 connected;
  gboolean                 changed;
} LiveClient;

static void
on_live_message (SoupWebsocketConnection *connection,
                 gint                     type,
                 GBytes                  *message,
                 gpointer                 user_data)
{
  LiveClient *client = user_data;
  gsize size = 0;
  const char *data = g_bytes_get_data (message, &size);
  g_autofree char *text = g_strndup (data, size);

  if (strstr (text, "\"type\":\"change\"") != NULL)
    client->changed = TRUE;
}

static void
on_live_connected (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  LiveClient *client = user_data;
  g_autoptr(GError) error = NULL;

  client->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  g_signal_connect (client->connection, "message", G_CALLBACK (on_live_message), client);
  client->connected = TRUE;
}

/* A move made with the command line while the server runs: the new
 * planner's live connection, opened before, is told to pull, and the pull
 * brings the households. */
static void
test_live_client_follows_a_move (Fixture       *fx,
                                 gconstpointer  data)
{
  g_autofree char *h1 = create_household (fx, DONG_A, "김영수");
  g_autofree char *url = g_strconcat (fx->server->url, "/api/v1/live", NULL);
  g_autofree char *bearer = g_strconcat ("Bearer ", fx->lee_token, NULL);
  g_autofree char *lee_cursor = NULL;
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(JsonArray) lee_first = anbu_test_pull (fx->server, fx->lee_token, &lee_cursor, 0, NULL);
  g_autoptr(JsonArray) lee_after = NULL;
  LiveClient client = { 0 };

  g_assert_null (anbu_test_find_change (lee_first, "household", h1));
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  soup_session_websocket_connect_async (fx->server->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_live_connected, &client);
  anbu_test_wait_for (&client.connected);

  g_assert_cmpint (anbu_test_server_cli (fx->server, NULL, NULL, NULL, "caseload", "move", "--dong", DONG_A,
                                         "--from", "kim", "--to", "lee", NULL), ==, 0);
  anbu_test_wait_for (&client.changed);
  lee_after = anbu_test_pull (fx->server, fx->lee_token, &lee_cursor, 0, NULL);
  g_assert_true (has_op (lee_after, "household", h1, "upsert"));

  g_signal_handlers_disconnect_by_data (client.connection, &client);
  soup_websocket_connection_close (client.connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_object_unref (client.connection);
}

int
main (int   argc,
      char *argv[])
{
  /* The command-line tool reads this clock: the same morning as the server. */
  g_setenv ("ANBU_CLOCK", START, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/anbu/server/caseload/dong-move-at-effective-time", Fixture, NULL,
              fixture_set_up, test_dong_move_at_effective_time, fixture_tear_down);
  g_test_add ("/anbu/server/caseload/household-move", Fixture, NULL,
              fixture_set_up, test_household_move, fixture_tear_down);
  g_test_add ("/anbu/server/caseload/refused-moves", Fixture, NULL,
              fixture_set_up, test_refused_moves, fixture_tear_down);
  g_test_add ("/anbu/server/caseload/orphan-report", Fixture, NULL,
              fixture_set_up, test_orphan_report, fixture_tear_down);
  g_test_add ("/anbu/server/caseload/waits-for-an-active-planner", Fixture, NULL,
              fixture_set_up, test_waits_for_an_active_planner, fixture_tear_down);
  g_test_add ("/anbu/server/caseload/live-client-follows-a-move", Fixture, NULL,
              fixture_set_up, test_live_client_follows_a_move, fixture_tear_down);
  return g_test_run ();
}
