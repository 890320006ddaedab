/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "anbu-geo-cluster.h"

/* anbu-basemap: the placeholder MBTiles the demo and the tests serve. */

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

static Run
run_tool (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  Run run = { 0 };

  g_ptr_array_add (argv, (gpointer) g_getenv ("ANBU_BASEMAP"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_nonnull (g_ptr_array_index (argv, 0));
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &run.out, &run.err, &run.status, &error));
  g_assert_no_error (error);
  return run;
}

static char *
query_text (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return text;
}

static void
test_writes_district (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("anbu-basemap-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "gwanak.mbtiles", NULL);
  const char *args[] = { "--output", path, "--bbox", "37.455,126.900,37.490,126.960",
                         "--min-zoom", "12", "--max-zoom", "14", NULL };
  Run run = run_tool (args);
  sqlite3 *db = NULL;
  g_autofree char *format = NULL;
  g_autofree char *attribution = NULL;
  g_autofree char *count = NULL;
  g_autofree char *flipped = NULL;
  g_autofree char *sql = NULL;
  guint x0, y0, x1, y1;

  g_assert_true (g_spawn_check_wait_status (run.status, NULL));
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);

  /* The tiles of the box at each zoom, no more, no fewer. */
  count = query_text (db, "SELECT count(*) FROM tiles");
  g_assert_cmpuint (g_ascii_strtoull (count, NULL, 10), ==,
                    anbu_geo_count_tiles (37.455, 126.900, 37.490, 126.960, 12, 14));

  /* Rows counted from the south, as MBTiles wants: XYZ row y is stored as 2^z-1-y. */
  anbu_geo_tile_range (37.455, 126.900, 37.490, 126.960, 14, &x0, &y0, &x1, &y1);
  sql = g_strdup_printf ("SELECT count(*) FROM tiles WHERE zoom_level = 14 AND tile_column = %u "
                         "AND tile_row = %u", x0, (1u << 14) - 1 - y0);
  flipped = query_text (db, sql);
  g_assert_cmpstr (flipped, ==, "1");

  /* PNG, and anyone opening it is told it is not a real map. */
  format = query_text (db, "SELECT value FROM metadata WHERE name = 'format'");
  g_assert_cmpstr (format, ==, "png");
  attribution = query_text (db, "SELECT value FROM metadata WHERE name = 'attribution'");
  g_assert_nonnull (strstr (attribution, "실제 지도 아님"));
  {
    g_autofree char *magic = query_text (db, "SELECT hex(substr(tile_data, 1, 4)) FROM tiles LIMIT 1");

    g_assert_cmpstr (magic, ==, "89504E47");
  }
  sqlite3_close (db);

  /* Writing again replaces the file, leaving no partial file behind. */
  run_clear (&run);
  run = run_tool (args);
  g_assert_true (g_spawn_check_wait_status (run.status, NULL));
  {
    g_autofree char *partial = g_strconcat (path, ".partial", NULL);

    g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
  }
  run_clear (&run);
  g_remove (path);
  g_rmdir (dir);
}

static void
assert_refused (const char * const *args,
                const char         *why)
{
  Run run = run_tool (args);

  g_test_message ("%s: %s", why, run.err);
  g_assert_false (g_spawn_check_wait_status (run.status, NULL));
  g_assert_true (g_str_has_prefix (run.err, "anbu-basemap: "));
  run_clear (&run);
}

static void
test_refuses_missing_output (void)
{
  const char *args[] = { "--bbox", "37.455,126.900,37.490,126.960", NULL };

  assert_refused (args, "no --output");
}

static void
test_refuses_bad_bbox (void)
{
  const char *three[] = { "-o", "/nonexistent/x.mbtiles", "--bbox", "37.4,126.9,37.5", NULL };
  const char *words[] = { "-o", "/nonexistent/x.mbtiles", "--bbox", "south,west,north,east", NULL };
  const char *swapped[] = { "-o", "/nonexistent/x.mbtiles", "--bbox", "37.49,126.90,37.45,126.96",
                            NULL };
  const char *polar[] = { "-o", "/nonexistent/x.mbtiles", "--bbox", "80,0,89.9,10", NULL };

  assert_refused (three, "three numbers");
  assert_refused (words, "not numbers");
  assert_refused (swapped, "south above north");
  assert_refused (polar, "beyond the Mercator map");
}

static void
test_refuses_bad_zooms (void)
{
  const char *reversed[] = { "-o", "/nonexistent/x.mbtiles", "--min-zoom", "15", "--max-zoom", "12",
                             NULL };
  const char *deep[] = { "-o", "/nonexistent/x.mbtiles", "--max-zoom", "23", NULL };
  const char *huge[] = { "-o", "/nonexistent/x.mbtiles", "--bbox", "33,124,39,132", "--max-zoom",
                         "17", NULL };

  assert_refused (reversed, "lowest above highest");
  assert_refused (deep, "zoom too deep");
  assert_refused (huge, "the whole country at zoom 17");
}

static void
test_refuses_unwritable_output (void)
{
  const char *args[] = { "-o", "/nonexistent-dir/x.mbtiles", "--min-zoom", "12", "--max-zoom",
                         "12", NULL };

  assert_refused (args, "no such directory");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/basemap/writes-district", test_writes_district);
  g_test_add_func ("/anbu/basemap/refuses-missing-output", test_refuses_missing_output);
  g_test_add_func ("/anbu/basemap/refuses-bad-bbox", test_refuses_bad_bbox);
  g_test_add_func ("/anbu/basemap/refuses-bad-zooms", test_refuses_bad_zooms);
  g_test_add_func ("/anbu/basemap/refuses-unwritable-output", test_refuses_unwritable_output);

  return g_test_run ();
}
