/* SPDX-License-Identifier: GPL-3.0-or-later */
/* anbu-plugsim run --new-signal-at: the household that stops shows its last
 * activity event exactly its threshold before the time asked for (or at most
 * a minute later) and nothing a person did after it; wrong options are
 * refused with a message naming them. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "anbu-activity-detector.h"

/* Wednesday 2026-11-25 14:00 KST. */
#define NOW_TEXT "2026-11-25T05:00:00Z"
#define NOW      ((gint64) 1795582800)
/* The Seoul midnight six days before (what seed writes). */
#define SIM_START ((gint64) 1795014000)
#define N_HOUSEHOLDS 12

static char *
write_state (void)
{
  g_autofree char *dir = g_dir_make_tmp ("anbu-new-signal-XXXXXX", NULL);
  char *path = g_build_filename (dir, "state.json", NULL);
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text, "{\"server\": \"http://127.0.0.1:9\", \"gateway_token\": \"x\","
                          " \"seed\": 20261125, \"sim_start\": %" G_GINT64_FORMAT
                          ", \"households\": [", SIM_START);
  for (guint i = 0; i < N_HOUSEHOLDS; i++)
    g_string_append_printf (text, "%s{\"id\": \"h%u\", \"serial\": \"P-%u\", \"index\": %u,"
                            " \"stopper\": %s}", i ? "," : "", i, i, i, i == 3 ? "true" : "false");
  g_string_append (text, "]}");
  g_assert_true (g_file_set_contents (path, text->str, -1, NULL));
  return path;
}

static void
remove_state (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

/* Runs `anbu-plugsim run --print` with the new-signal options; returns the exit
 * status, the printed batches and the messages. */
static int
run_print (const char  *state,
           const char  *at,
           const char  *households,
           gint64       duration,
           char       **out,
           char       **err)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *duration_text = g_strdup_printf ("%" G_GINT64_FORMAT, duration);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, g_getenv ("ANBU_PLUGSIM"), "run", "--state", state,
                              "--now", NOW_TEXT, "--backfill", "52", "--duration", duration_text,
                              "--print", "--new-signal-at", at, "--new-signal-households",
                              households, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

static GArray *
readings_of (const char *output,
             const char *serial)
{
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);
  GArray *readings = g_array_new (FALSE, FALSE, sizeof (AnbuReading));

  for (guint l = 0; lines[l] != NULL; l++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonArray *array;

      if (*lines[l] == '\0')
        continue;
      g_assert_true (json_parser_load_from_data (parser, lines[l], -1, NULL));
      array = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                            "readings");
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *object = json_array_get_object_element (array, i);
          g_autoptr(GDateTime) ts = NULL;
          AnbuReading reading;

          if (g_strcmp0 (json_object_get_string_member (object, "serial"), serial) != 0)
            continue;
          ts = g_date_time_new_from_iso8601 (json_object_get_string_member (object, "ts"), NULL);
          reading.ts = g_date_time_to_unix (ts);
          reading.watts = json_object_get_double_member (object, "watts");
          reading.lux = json_object_get_double_member (object, "lux");
          g_array_append_val (readings, reading);
        }
    }
  return readings;
}

static void
check_signal_due_at (gint64      target,
                     const char *households)
{
  g_autofree char *state = write_state ();
  g_autoptr(GDateTime) target_dt = g_date_time_new_from_unix_utc (target);
  g_autofree char *at = g_date_time_format_iso8601 (target_dt);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *serial = NULL;
  g_autoptr(GRegex) plan = g_regex_new ("household (\\d+) \\(h(\\d+)\\).*threshold of (\\d+) hours",
                                        0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GArray) readings = NULL;
  g_autofree char *index_text = NULL, *id_text = NULL, *threshold_text = NULL;
  AnbuActivityParams params;
  AnbuActivityDetector detector;
  gint64 last_event = 0, threshold;

  g_assert_cmpint (run_print (state, at, households, target - NOW + 600, &out, &err), ==, 0);
  g_test_message ("%s", err);
  g_assert_true (g_regex_match (plan, err, 0, &match));
  index_text = g_match_info_fetch (match, 1);
  id_text = g_match_info_fetch (match, 2);
  threshold_text = g_match_info_fetch (match, 3);
  g_assert_cmpstr (index_text, ==, id_text);
  threshold = g_ascii_strtoll (threshold_text, NULL, 10) * 3600;
  g_assert_cmpint (threshold, >=, 24 * 3600);
  g_assert_cmpint (threshold, <=, 50 * 3600);
  g_assert_nonnull (strstr (households, index_text));
  g_assert_cmpstr (index_text, !=, "3"); /* never the district's stopper */

  /* What the server's detector sees: the last activity event a threshold
   * before the signal, then a reading every minute and nothing else. */
  serial = g_strdup_printf ("P-%s", index_text);
  readings = readings_of (out, serial);
  g_assert_cmpuint (readings->len, >, 1000);
  anbu_activity_params_init_default (&params);
  anbu_activity_detector_init (&detector);
  for (guint i = 0; i < readings->len; i++)
    {
      AnbuReading *reading = &g_array_index (readings, AnbuReading, i);
      AnbuActivityEvent events[ANBU_ACTIVITY_MAX_EVENTS];

      if (anbu_activity_detector_feed (&detector, &params, reading, events) > 0)
        last_event = reading->ts;
      if (last_event > 0 && i > 0)
        g_assert_cmpint (reading->ts - g_array_index (readings, AnbuReading, i - 1).ts, ==, 60);
    }
  g_assert_cmpint (last_event + threshold, >=, target);
  g_assert_cmpint (last_event + threshold, <, target + 60);
  /* The stream goes on past the due time: the reading that raises it is sent. */
  g_assert_cmpint (g_array_index (readings, AnbuReading, readings->len - 1).ts, >=,
                   last_event + threshold);
  remove_state (state);
}

static void
test_due_in_five_minutes (void)
{
  check_signal_due_at (NOW + 300, "0,1,2,4,5,6,7,8,9,10,11");
}

/* Due at 02:05 in Seoul: the resident's last action falls at night, when
 * their own day shows no switch (they get a last use of the appliance). */
static void
test_due_at_night (void)
{
  check_signal_due_at (NOW + 12 * 3600 + 300, "0,1,2,4,5,6,7,8,9,10,11");
}

static void
check_refused (const char *at,
               const char *households,
               int         status,
               const char *message_part)
{
  g_autofree char *state = write_state ();
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run_print (state, at, households, 600, &out, &err), ==, status);
  g_assert_nonnull (strstr (err, message_part));
  g_assert_cmpstr (out, ==, "");
  remove_state (state);
}

static void
test_bad_list (void)
{
  check_refused ("2026-11-25T05:05:00Z", "0,x", 2, "--new-signal-households");
}

static void
test_empty_list (void)
{
  check_refused ("2026-11-25T05:05:00Z", "", 2, "--new-signal-households");
}

static void
test_bad_time (void)
{
  check_refused ("tomorrow", "0", 2, "--new-signal-at");
}

static void
test_index_not_in_state (void)
{
  check_refused ("2026-11-25T05:05:00Z", "0,12", 2, "12");
}

/* The district's stopper is already still: it cannot stop again on time. */
static void
test_only_stopper (void)
{
  check_refused ("2026-11-25T05:05:00Z", "3", 1, "--new-signal-households");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anbu/plugsim/new-signal/due-in-five-minutes", test_due_in_five_minutes);
  g_test_add_func ("/anbu/plugsim/new-signal/due-at-night", test_due_at_night);
  g_test_add_func ("/anbu/plugsim/new-signal/bad-list", test_bad_list);
  g_test_add_func ("/anbu/plugsim/new-signal/empty-list", test_empty_list);
  g_test_add_func ("/anbu/plugsim/new-signal/bad-time", test_bad_time);
  g_test_add_func ("/anbu/plugsim/new-signal/index-not-in-state", test_index_not_in_state);
  g_test_add_func ("/anbu/plugsim/new-signal/only-stopper", test_only_stopper);

  return g_test_run ();
}
