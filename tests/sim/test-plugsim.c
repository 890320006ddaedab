/* SPDX-License-Identifier: GPL-3.0-or-later */
/* anbu-plugsim run: the same state, seed and time give the same readings;
 * a resident who stops leaves the appliance alone while daylight moves. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "anbu-activity-detector.h"

/* Wednesday 2026-11-25 14:00 KST. */
#define NOW_TEXT "2026-11-25T05:00:00Z"
/* The Seoul midnight six days before (what seed writes). */
#define SIM_START ((gint64) 1795014000)

static char *
write_state (guint64 seed)
{
  g_autofree char *dir = g_dir_make_tmp ("anbu-plugsim-XXXXXX", NULL);
  char *path = g_build_filename (dir, "state.json", NULL);
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "{\"server\": \"http://127.0.0.1:9\", \"gateway_token\": \"x\","
                          " \"seed\": %" G_GUINT64_FORMAT ", \"sim_start\": %" G_GINT64_FORMAT
                          ", \"households\": [", seed, SIM_START);
  for (guint i = 0; i < 6; i++)
    g_string_append_printf (text, "%s{\"id\": \"h%u\", \"serial\": \"P-%u\", \"index\": %u,"
                            " \"stopper\": %s}", i ? "," : "", i, i, i, i == 3 ? "true" : "false");
  g_string_append (text, "]}");
  g_assert_true (g_file_set_contents (path, text->str, -1, NULL));
  g_string_free (text, TRUE);
  return path;
}

static char *
run_print (const char *state,
           const char *backfill,
           const char *duration)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  char *out = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              &error, g_getenv ("ANBU_PLUGSIM"), "run", "--state", state,
                              "--now", NOW_TEXT, "--backfill", backfill, "--duration", duration,
                              "--print", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  return out;
}

static void
remove_state (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

/* Readings of one serial, from the printed batches, in time order. */
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
      g_assert_cmpuint (json_array_get_length (array), <=, 5000);
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
          if (readings->len > 0)
            g_assert_cmpint (reading.ts, >, g_array_index (readings, AnbuReading, readings->len - 1).ts);
          g_array_append_val (readings, reading);
        }
    }
  return readings;
}

static void
test_deterministic (void)
{
  g_autofree char *state = write_state (7);
  g_autofree char *other = write_state (8);
  g_autofree char *first = run_print (state, "3", "600");
  g_autofree char *second = run_print (state, "3", "600");
  g_autofree char *different = run_print (other, "3", "600");
  g_autoptr(GArray) readings = readings_of (first, "P-0");

  g_assert_cmpuint (strlen (first), >, 1000);
  g_assert_cmpstr (first, ==, second);
  g_assert_cmpstr (first, !=, different);
  /* One reading a minute over 3 h 10 min, unless the plug was out. */
  g_assert_cmpuint (readings->len, <=, 191);
  g_assert_cmpuint (readings->len, >, 0);
  remove_state (state);
  remove_state (other);
}

/* The stopper (index 3) has been still since a day or two: twelve hours of
 * its readings hold no activity event, while its light follows daylight. */
static void
test_stopper_is_still (void)
{
  g_autofree char *state = write_state (7);
  g_autofree char *output = run_print (state, "12", "0");
  g_autoptr(GArray) readings = readings_of (output, "P-3");
  AnbuActivityParams params;
  AnbuActivityDetector detector;
  double min_lux = G_MAXDOUBLE, max_lux = 0;
  guint events = 0;

  anbu_activity_params_init_default (&params);
  anbu_activity_detector_init (&detector);
  g_assert_cmpuint (readings->len, >, 600);
  for (guint i = 0; i < readings->len; i++)
    {
      AnbuReading *reading = &g_array_index (readings, AnbuReading, i);
      AnbuActivityEvent out[ANBU_ACTIVITY_MAX_EVENTS];

      events += anbu_activity_detector_feed (&detector, &params, reading, out);
      min_lux = MIN (min_lux, reading->lux);
      max_lux = MAX (max_lux, reading->lux);
    }
  g_assert_cmpuint (events, ==, 0);
  g_assert_cmpfloat (max_lux - min_lux, >, 10.0);
  remove_state (state);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anbu/plugsim/run-deterministic", test_deterministic);
  g_test_add_func ("/anbu/plugsim/stopper-is-still", test_stopper_is_still);

  return g_test_run ();
}
