/* SPDX-License-Identifier: GPL-3.0-or-later */
/* anbu-plugsim seed and run against a real anbu-server on a manual clock:
 * a district through the admin API, the sign-ins it prints, and history
 * that raises a risk signal for every resident who stopped. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "anbu-ingest-fixture.h"

/* Wednesday 2026-11-25 14:00 KST. */
#define NOW ((gint64) 1795582800)
#define DAY ((gint64) 86400)

static char *
plugsim (const char * const *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;

  g_ptr_array_add (argv, (char *) g_getenv ("ANBU_PLUGSIM"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (process) != 0)
    g_test_message ("anbu-plugsim: %s", err);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  return out;
}

static JsonArray *
pull (IngestFixture *fixture,
      const char    *token)
{
  g_autofree char *cursor = NULL;
  guint pages = 0;

  return anbu_test_pull (fixture->server, token, &cursor, 5000, &pages);
}

static void
test_seed_and_run (void)
{
  IngestFixture *fixture = ingest_fixture_new (NOW, NULL);
  g_autofree char *admin_pw = g_build_filename (fixture->server->dir, "admin.pw", NULL);
  g_autofree char *users_pw = g_build_filename (fixture->server->dir, "users.pw", NULL);
  g_autofree char *state = g_build_filename (fixture->server->dir, "state.json", NULL);
  g_autofree char *now_text = ingest_time (NOW);
  g_autofree char *later_text = ingest_time (NOW + 2 * DAY);
  g_autofree char *seed_out = NULL;
  g_autofree char *run_out = NULL;
  g_autofree char *planner = NULL;
  g_autofree char *control = NULL;
  g_autoptr(JsonArray) planner_changes = NULL;
  g_autoptr(JsonArray) control_changes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GHashTable) open_inactivity = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *households;
  guint planner_households = 0, stoppers = 0;

  g_assert_true (g_file_set_contents (admin_pw, INGEST_PASSWORD "\n", -1, NULL));
  g_assert_true (g_file_set_contents (users_pw, "district password\n", -1, NULL));
  {
    const char *args[] = { "seed", "--server", fixture->server->url, "--admin-password-file", admin_pw,
                           "--password-file", users_pw, "--households", "60", "--dongs", "3",
                           "--seed", "9", "--state", state, "--now", now_text, NULL };

    seed_out = plugsim (args);
  }
  g_assert_nonnull (strstr (seed_out, "cheongunhyoja"));
  g_assert_nonnull (strstr (seed_out, "1111053000"));
  g_assert_nonnull (strstr (seed_out, "control"));

  /* A planner sees the households of their 동 only; the control centre
   * only those that consented. */
  planner = anbu_test_server_sign_in (fixture->server, "sajik", "district password");
  control = anbu_test_server_sign_in (fixture->server, "control", "district password");
  planner_changes = pull (fixture, planner);
  control_changes = pull (fixture, control);
  for (guint i = 0; i < json_array_get_length (planner_changes); i++)
    {
      JsonObject *change = json_array_get_object_element (planner_changes, i);
      JsonObject *record = json_object_get_object_member (change, "record");

      if (g_strcmp0 (json_object_get_string_member (change, "kind"), "household") != 0)
        continue;
      planner_households++;
      g_assert_cmpstr (json_object_get_string_member (record, "dong_code"), ==, "1111053000");
      g_assert_cmpint (json_object_get_int_member (record, "threshold_hours"), >=, 24);
      g_assert_cmpint (json_object_get_int_member (record, "threshold_hours"), <=, 50);
    }
  g_assert_cmpuint (planner_households, ==, 20);
  for (guint i = 0; i < json_array_get_length (control_changes); i++)
    {
      JsonObject *change = json_array_get_object_element (control_changes, i);

      if (g_strcmp0 (json_object_get_string_member (change, "kind"), "household") == 0)
        g_assert_true (json_object_get_boolean_member (json_object_get_object_member (change, "record"),
                                                       "night_consent"));
    }

  /* Two days later, with two days of history: every resident who stopped
   * has been quiet longer than any threshold. */
  anbu_test_response_free (ingest_tick (fixture, NOW + 2 * DAY));
  {
    const char *args[] = { "run", "--state", state, "--now", later_text, "--backfill", "48",
                           "--duration", "0", NULL };

    run_out = plugsim (args);
  }
  alerts = ingest_alerts (fixture, NULL, NULL);
  for (guint i = 0; i < alerts->len; i++)
    if (g_strcmp0 (json_object_get_string_member (alerts->pdata[i], "kind"), "inactivity") == 0
        && g_strcmp0 (json_object_get_string_member (alerts->pdata[i], "state"), "open") == 0)
      g_hash_table_add (open_inactivity,
                        (gpointer) json_object_get_string_member (alerts->pdata[i], "household_id"));

  g_assert_true (json_parser_load_from_file (parser, state, NULL));
  households = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                             "households");
  g_assert_cmpuint (json_array_get_length (households), ==, 60);
  for (guint i = 0; i < json_array_get_length (households); i++)
    {
      JsonObject *household = json_array_get_object_element (households, i);

      if (!json_object_get_boolean_member (household, "stopper"))
        continue;
      stoppers++;
      g_assert_true (g_hash_table_contains (open_inactivity,
                                            json_object_get_string_member (household, "id")));
    }
  g_assert_cmpuint (stoppers, ==, 3);
  ingest_fixture_free (fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/plugsim/seed-and-run", test_seed_and_run);

  return g_test_run ();
}
