/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "anbu-test-server.h"

#define PASSWORD "correct horse battery"

/* A 동주민센터 spreadsheet saved as CSV UTF-8 (with its BOM), Korean
 * headers; some rows are wrong. A quoted cell spans two lines. */
static const char korean_csv[] =
  "\xEF\xBB\xBF" "이름,행정동코드,행정동,주소,전화번호,성별,출생연도,야간·공휴일 관제 동의,기준시간,위험요인\r\n"
  "김영수,1111051500,청운효자동,서울특별시 종로구 자하문로 1,010-1234-5678,남,1942,예,36,\r\n"     /* 2 ok */
  "박순자,12345,,서울특별시 종로구 자하문로 2,,여,1938,아니오,24,\r\n"                              /* 3 dong */
  "\"이말순, 할머니\",1111051500,,\"서울특별시 종로구 \"\"효자\"\"로 3\",,여,1940,Y,,\r\n"          /* 4 ok */
  "최영희,1111051500,,서울특별시 종로구 자하문로 4,010-12,여,1950,N,24,\r\n"                      /* 5 phone */
  "정미자,1111051500,,,,여,1950,N,24,\r\n"                                                      /* 6 address */
  "한복순,1111051500,,서울특별시 종로구 자하문로 6,,여,1950,N,99,\r\n"                             /* 7 hours */
  "오정희,1111051500,,서울특별시 종로구 자하문로 7,,여,1945,N,24,\"고혈압\r\n당뇨\"\r\n"             /* 8-9 ok */
  "윤,1111051500,,서울특별시 종로구 자하문로 9,,여,이천년,N,24,\r\n";                               /* 10 year */

static char *
write_file (AnbuTestServer *server,
            const char     *name,
            const char     *text)
{
  char *path = g_build_filename (server->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static JsonArray *
households_seen_by_admin (AnbuTestServer *server)
{
  g_autofree char *token = anbu_test_server_sign_in (server, "admin", PASSWORD);
  g_autofree char *cursor = NULL;

  return anbu_test_pull (server, token, &cursor, 0, NULL);
}

static AnbuTestServer *
server_with_admin (void)
{
  AnbuTestServer *server = anbu_test_server_new (NULL);
  g_autofree char *id = anbu_test_server_add_user (server, "admin", "admin", NULL, PASSWORD);

  return server;
}

static JsonObject *
find_by_name (JsonArray  *changes,
              const char *name)
{
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *record = json_object_get_object_member (json_array_get_object_element (changes, i), "record");

      if (record != NULL && g_strcmp0 (json_object_get_string_member_with_default (record, "name", ""), name) == 0)
        return record;
    }
  return NULL;
}

static void
assert_rejected_line (const char *report,
                      const char *csv,
                      guint       line,
                      const char *field)
{
  g_autofree char *needle = g_strdup_printf ("%s:%u: rejected (%s)", csv, line, field);

  if (strstr (report, needle) == NULL)
    g_test_message ("report: %s", report);
  g_assert_nonnull (strstr (report, needle));
}

static void
test_import_bad_rows_imports_nothing (void)
{
  AnbuTestServer *server = server_with_admin ();
  g_autofree char *csv = write_file (server, "households.csv", korean_csv);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonArray) changes = NULL;

  g_assert_cmpint (anbu_test_server_cli (server, NULL, &out, &err, "import", "households", "--csv", csv, NULL), ==, 1);
  assert_rejected_line (err, csv, 3, "dong_code");
  assert_rejected_line (err, csv, 5, "phone");
  assert_rejected_line (err, csv, 6, "address");
  assert_rejected_line (err, csv, 7, "threshold_hours");
  assert_rejected_line (err, csv, 10, "birth_year");
  g_assert_null (strstr (err, ":2:"));
  g_assert_null (strstr (err, ":4:"));
  g_assert_null (strstr (err, ":8:"));
  g_assert_nonnull (strstr (out, "Imported nothing"));

  /* All or nothing: not one household went in. */
  changes = households_seen_by_admin (server);
  g_assert_cmpuint (json_array_get_length (changes), ==, 0);
  anbu_test_server_free (server);
}

static void
test_import_valid_only (void)
{
  AnbuTestServer *server = server_with_admin ();
  g_autofree char *csv = write_file (server, "households.csv", korean_csv);
  g_autofree char *out = NULL, *err = NULL, *log = NULL;
  g_autoptr(JsonArray) changes = NULL;
  JsonObject *kim, *lee, *oh;

  g_assert_cmpint (anbu_test_server_cli (server, NULL, &out, &err, "import", "households", "--csv", csv,
                                         "--valid-only", NULL), ==, 1);
  assert_rejected_line (err, csv, 3, "dong_code");
  g_assert_nonnull (strstr (out, "Imported 3 households"));

  changes = households_seen_by_admin (server);
  g_assert_cmpuint (json_array_get_length (changes), ==, 3);
  kim = find_by_name (changes, "김영수");
  g_assert_nonnull (kim);
  g_assert_cmpstr (json_object_get_string_member (kim, "dong_code"), ==, "1111051500");
  g_assert_cmpstr (json_object_get_string_member (kim, "dong_name"), ==, "청운효자동");
  g_assert_cmpstr (json_object_get_string_member (kim, "sex"), ==, "male");
  g_assert_cmpint (json_object_get_int_member (kim, "birth_year"), ==, 1942);
  g_assert_true (json_object_get_boolean_member (kim, "night_consent"));
  g_assert_cmpint (json_object_get_int_member (kim, "threshold_hours"), ==, 36);
  lee = find_by_name (changes, "이말순, 할머니");
  g_assert_nonnull (lee);
  g_assert_cmpstr (json_object_get_string_member (lee, "address"), ==, "서울특별시 종로구 \"효자\"로 3");
  oh = find_by_name (changes, "오정희");
  g_assert_nonnull (oh);
  g_assert_nonnull (strstr (json_object_get_string_member (oh, "risk_notes"), "당뇨"));

  /* The import is in the access log as a change to each household. */
  g_assert_cmpint (anbu_test_server_cli (server, NULL, &log, NULL, "access-log", "--household",
                                         json_object_get_string_member (kim, "id"), NULL), ==, 0);
  g_assert_nonnull (strstr (log, "CLI import households"));
  g_assert_nonnull (strstr (log, "write"));
  anbu_test_server_free (server);
}

static void
test_import_english_headers_and_planner (void)
{
  AnbuTestServer *server = server_with_admin ();
  g_autofree char *planner = anbu_test_server_add_user (server, "kim.planner", "planner", "1111051500", PASSWORD);
  g_autofree char *csv = write_file (server, "en.csv",
                                     "id,name,dong_code,address,planner\n"
                                     "0f8fad5b-d9cb-469f-a165-70867728950e,Lee,1111051500,Seoul 1,kim.planner\n"
                                     "7c9e6679-7425-40de-944b-e07fc1f90ae7,Park,1111051500,Seoul 2,\n");
  g_autofree char *token = NULL, *cursor = NULL;
  g_autoptr(JsonArray) changes = NULL;
  JsonObject *lee;

  g_assert_cmpint (anbu_test_server_cli (server, NULL, NULL, NULL, "import", "households", "--csv", csv, NULL), ==, 0);
  token = anbu_test_server_sign_in (server, "kim.planner", PASSWORD);
  changes = anbu_test_pull (server, token, &cursor, 0, NULL);
  g_assert_cmpuint (json_array_get_length (changes), ==, 2);
  lee = json_object_get_object_member (anbu_test_find_change (changes, "household",
                                                              "0f8fad5b-d9cb-469f-a165-70867728950e"), "record");
  g_assert_cmpstr (json_object_get_string_member (lee, "planner_id"), ==, planner);

  /* Importing the same ids again is refused row by row. */
  g_assert_cmpint (anbu_test_server_cli (server, NULL, NULL, NULL, "import", "households", "--csv", csv, NULL), ==, 1);
  anbu_test_server_free (server);
}

static void
test_import_bad_files (void)
{
  AnbuTestServer *server = server_with_admin ();
  g_autofree char *unknown = write_file (server, "unknown.csv", "이름,행정동코드,주소,혈액형\n김,1111051500,서울,A\n");
  g_autofree char *missing = write_file (server, "missing.csv", "이름,주소\n김,서울\n");
  g_autofree char *latin1 = write_file (server, "latin1.csv", "name,dong_code,address\ncaf\xe9,1111051500,x\n");
  g_autofree char *unclosed = write_file (server, "unclosed.csv", "name,dong_code,address\n\"kim,1111051500,x\n");
  g_autofree char *err = NULL;
  g_autoptr(JsonArray) changes = NULL;

  g_assert_cmpint (anbu_test_server_cli (server, NULL, NULL, &err, "import", "households", "--csv", unknown, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "혈액형"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (anbu_test_server_cli (server, NULL, NULL, &err, "import", "households", "--csv", missing, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "dong_code"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (anbu_test_server_cli (server, NULL, NULL, &err, "import", "households", "--csv", latin1, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "UTF-8"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (anbu_test_server_cli (server, NULL, NULL, &err, "import", "households", "--csv", unclosed, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "2"));

  changes = households_seen_by_admin (server);
  g_assert_cmpuint (json_array_get_length (changes), ==, 0);
  anbu_test_server_free (server);
}

static void
test_user_commands_refuse_bad_input (void)
{
  AnbuTestServer *server = server_with_admin ();
  g_autofree char *err = NULL;

  /* Unknown role, planner without 동, bad dong code: usage errors. */
  g_assert_cmpint (anbu_test_server_cli (server, PASSWORD "\n", NULL, NULL, "user", "add", "--username", "x1",
                                         "--role", "root", NULL), ==, 2);
  g_assert_cmpint (anbu_test_server_cli (server, PASSWORD "\n", NULL, NULL, "user", "add", "--username", "x2",
                                         "--role", "planner", NULL), ==, 2);
  g_assert_cmpint (anbu_test_server_cli (server, PASSWORD "\n", NULL, NULL, "user", "add", "--username", "x3",
                                         "--role", "planner", "--dong-codes", "99", NULL), ==, 2);
  /* Taken username, too short a password. */
  g_assert_cmpint (anbu_test_server_cli (server, PASSWORD "\n", NULL, &err, "user", "add", "--username", "admin",
                                         "--role", "admin", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "admin"));
  g_assert_cmpint (anbu_test_server_cli (server, "short\n", NULL, NULL, "user", "add", "--username", "x4",
                                         "--role", "admin", NULL), ==, 1);
  g_assert_cmpint (anbu_test_server_cli (server, NULL, NULL, NULL, "user", "disable", "--username", "nobody", NULL), ==, 1);
  g_assert_cmpint (anbu_test_server_cli (server, NULL, NULL, NULL, "access-log", NULL), ==, 2);
  anbu_test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/server/import/bad-rows-import-nothing", test_import_bad_rows_imports_nothing);
  g_test_add_func ("/anbu/server/import/valid-only", test_import_valid_only);
  g_test_add_func ("/anbu/server/import/english-headers-and-planner", test_import_english_headers_and_planner);
  g_test_add_func ("/anbu/server/import/bad-files", test_import_bad_files);
  g_test_add_func ("/anbu/server/cli/user-commands-refuse-bad-input", test_user_commands_refuse_bad_input);

  return g_test_run ();
}
