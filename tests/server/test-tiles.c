/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GET /tiles/{z}/{x}/{y}.png of `anbu-server serve --tiles FILE`, with a basemap
 * written by anbu-basemap, and the app's tile source against that real server;
 * then the same through `--tiles-upstream` from a tile server serving that file. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "anbu-geo-cluster.h"
#include "anbu-map-tile-source.h"
#include "anbu-test-server.h"
#include "map-test-server.h"

#define MIN_ZOOM 12
#define MAX_ZOOM 14
#define TIMEOUT_MS 10000

/* Where the server takes its tiles from (the fixture's data). */
typedef enum
{
  TILES_NONE,
  TILES_MBTILES,   /* --tiles FILE */
  TILES_PROXIED,   /* --tiles-upstream: a tile server in this process serving the same file */
} TilesFrom;

typedef struct
{
  char           *dir;
  char           *mbtiles;
  char           *proxy_cache;
  SoupServer     *upstream;
  AnbuTestServer *server;
} Fixture;

/* The stored bytes of XYZ tile (z, x, y), read straight from the file (rows
 * counted from the south), or NULL. */
static GBytes *
read_stored_tile (const char *mbtiles,
                  guint       z,
                  guint       x,
                  guint       y)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GBytes *bytes = NULL;

  g_assert_cmpint (sqlite3_open_v2 (mbtiles, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT tile_data FROM tiles WHERE zoom_level = ?1"
                                       " AND tile_column = ?2 AND tile_row = ?3", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  sqlite3_bind_int (stmt, 1, z);
  sqlite3_bind_int (stmt, 2, x);
  sqlite3_bind_int (stmt, 3, (1 << z) - 1 - y);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return bytes;
}

/* The tile server behind --tiles-upstream: GET /{z}/{x}/{y}.png from the file. */
static void
on_upstream_request (SoupServer        *server,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  Fixture *fx = user_data;
  g_autoptr(GBytes) tile = NULL;
  guint z, x, y;
  char end;

  if (sscanf (path, "/%u/%u/%u.pn%c", &z, &x, &y, &end) == 4 && end == 'g' && z <= 22)
    tile = read_stored_tile (fx->mbtiles, z, x, y);
  if (tile == NULL)
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (tile, NULL), g_bytes_get_size (tile));
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  TilesFrom from = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;

  fx->dir = g_dir_make_tmp ("anbu-tiles-XXXXXX", &error);
  g_assert_no_error (error);
  fx->mbtiles = test_make_basemap (fx->dir, MIN_ZOOM, MAX_ZOOM);
  if (from == TILES_MBTILES)
    {
      const char *args[] = { "--tiles", fx->mbtiles, NULL };

      fx->server = anbu_test_server_new (args);
    }
  else if (from == TILES_PROXIED)
    {
      g_autofree char *url_template = NULL;
      GSList *uris;

      fx->upstream = soup_server_new (NULL, NULL);
      soup_server_add_handler (fx->upstream, NULL, on_upstream_request, fx, NULL);
      g_assert_true (soup_server_listen_local (fx->upstream, 0, SOUP_SERVER_LISTEN_IPV4_ONLY,
                                               &error));
      g_assert_no_error (error);
      uris = soup_server_get_uris (fx->upstream);
      url_template = g_strdup_printf ("http://127.0.0.1:%d/{z}/{x}/{y}.png",
                                      g_uri_get_port (uris->data));
      g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
      fx->proxy_cache = g_build_filename (fx->dir, "proxy-cache", NULL);

      {
        const char *args[] = { "--tiles-upstream", url_template,
                               "--tiles-cache-dir", fx->proxy_cache, NULL };

        fx->server = anbu_test_server_new (args);
      }
    }
  else
    fx->server = anbu_test_server_new (NULL);
}

/* The fixture's directory: the file, the app's tile cache, the proxy's cache. */
static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_clear_pointer (&fx->server, anbu_test_server_free);
  if (fx->upstream != NULL)
    soup_server_disconnect (fx->upstream);
  g_clear_object (&fx->upstream);
  remove_tree (fx->dir);
  g_free (fx->proxy_cache);
  g_free (fx->mbtiles);
  g_free (fx->dir);
}

static AnbuTestResponse *
get_tile (Fixture    *fx,
          const char *path)
{
  return anbu_test_request (fx->server, "GET", path, NULL, NULL);
}

static void
assert_error (AnbuTestResponse *response,
              guint             status,
              const char       *code,
              const char       *field)
{
  g_assert_cmpuint (response->status, ==, status);
  g_assert_cmpstr (anbu_test_response_error_code (response), ==, code);
  g_assert_cmpstr (anbu_test_response_error_field (response), ==, field);
}

/* Every tile of the district at every zoom arrives, without a token, as the
 * very image the file holds for that place (the row flip is right), as PNG,
 * cacheable. */
static void
test_tiles_served (Fixture       *fx,
                   gconstpointer  data)
{
  guint served = 0;

  for (guint z = MIN_ZOOM; z <= MAX_ZOOM; z++)
    {
      guint x0, y0, x1, y1;

      anbu_geo_tile_range (TEST_SOUTH, TEST_WEST, TEST_NORTH, TEST_EAST, z, &x0, &y0, &x1, &y1);
      for (guint x = x0; x <= x1; x++)
        for (guint y = y0; y <= y1; y++)
          {
            g_autofree char *path = g_strdup_printf ("/tiles/%u/%u/%u.png", z, x, y);
            g_autoptr(AnbuTestResponse) response = get_tile (fx, path);
            g_autoptr(GBytes) stored = read_stored_tile (fx->mbtiles, z, x, y);
            const char *cache_control;

            g_assert_nonnull (stored);
            g_assert_cmpuint (response->status, ==, 200);
            g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==,
                             "image/png");
            cache_control = soup_message_headers_get_one (response->headers, "Cache-Control");
            g_assert_nonnull (cache_control);
            g_assert_nonnull (strstr (cache_control, "max-age="));
            g_assert_true (g_bytes_equal (response->raw, stored));
            served++;
          }
    }
  g_assert_cmpuint (served, >, 10);
}

/* The file's description, as TileJSON: the attribution the map must show,
 * zooms and bounds, from the MBTiles metadata that anbu-basemap wrote. */
static void
test_tilejson (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(AnbuTestResponse) response = get_tile (fx, "/tiles/tiles.json");
  JsonObject *tilejson;
  JsonArray *bounds;

  g_assert_cmpuint (response->status, ==, 200);
  tilejson = anbu_test_response_object (response);
  g_assert_cmpstr (json_object_get_string_member (tilejson, "tilejson"), ==, "2.2.0");
  g_assert_cmpstr (json_object_get_string_member (tilejson, "attribution"), ==,
                   "지도 자리표시 — 실제 지도 아님");
  g_assert_cmpint (json_object_get_int_member (tilejson, "minzoom"), ==, MIN_ZOOM);
  g_assert_cmpint (json_object_get_int_member (tilejson, "maxzoom"), ==, MAX_ZOOM);
  bounds = json_object_get_array_member (tilejson, "bounds");
  g_assert_cmpuint (json_array_get_length (bounds), ==, 4);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (bounds, 0), TEST_WEST, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (bounds, 3), TEST_NORTH, 1e-6);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (tilejson, "tiles"), 0),
                   ==, "/tiles/{z}/{x}/{y}.png");
}

/* A place the basemap does not cover answers 404 not_found as JSON. */
static void
test_missing_tile (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(AnbuTestResponse) outside = get_tile (fx, "/tiles/12/0/0.png");
  g_autoptr(AnbuTestResponse) too_deep = NULL;
  guint x0, y0, x1, y1;
  g_autofree char *path = NULL;

  assert_error (outside, 404, "not_found", NULL);

  /* Inside the district but deeper than the file goes. */
  anbu_geo_tile_range (TEST_SOUTH, TEST_WEST, TEST_NORTH, TEST_EAST, MAX_ZOOM + 1,
                       &x0, &y0, &x1, &y1);
  path = g_strdup_printf ("/tiles/%u/%u/%u.png", MAX_ZOOM + 1, x0, y0);
  too_deep = get_tile (fx, path);
  assert_error (too_deep, 404, "not_found", NULL);
}

static void
test_bad_zoom (Fixture       *fx,
               gconstpointer  data)
{
  const char *paths[] = { "/tiles/23/0/0.png", "/tiles/-1/0/0.png", "/tiles/abc/0/0.png",
                          "/tiles/12x/0/0.png", "/tiles//0/0.png", "/tiles/99999999999999999999/0/0.png" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(AnbuTestResponse) response = get_tile (fx, paths[i]);

      assert_error (response, 400, "invalid_value", "z");
    }
}

static void
test_bad_column (Fixture       *fx,
                 gconstpointer  data)
{
  /* At zoom 12 columns go 0..4095. */
  const char *paths[] = { "/tiles/12/4096/0.png", "/tiles/12/-3/0.png", "/tiles/12/x/0.png",
                          "/tiles/0/1/0.png", "/tiles/12/1.5/0.png" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(AnbuTestResponse) response = get_tile (fx, paths[i]);

      assert_error (response, 400, "invalid_value", "x");
    }
}

static void
test_bad_row (Fixture       *fx,
              gconstpointer  data)
{
  const char *paths[] = { "/tiles/12/0/4096.png", "/tiles/12/0/-1.png", "/tiles/12/0/y.png",
                          "/tiles/12/0/.png", "/tiles/0/0/1.png" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(AnbuTestResponse) response = get_tile (fx, paths[i]);

      assert_error (response, 400, "invalid_value", "y");
    }
}

/* Paths that are not a tile address at all, and other methods. */
static void
test_not_a_tile_path (Fixture       *fx,
                      gconstpointer  data)
{
  const char *paths[] = { "/tiles", "/tiles/12/0", "/tiles/12/0/0.jpg", "/tiles/12/0/0/0.png" };
  g_autoptr(AnbuTestResponse) post = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(AnbuTestResponse) response = get_tile (fx, paths[i]);

      assert_error (response, 404, "not_found", NULL);
    }
  post = anbu_test_request (fx->server, "POST", "/tiles/12/0/0.png", NULL, "{}");
  assert_error (post, 405, "method_not_allowed", NULL);
  g_assert_cmpstr (soup_message_headers_get_one (post->headers, "Allow"), ==, "GET, HEAD");
}

/* Without --tiles the route does not exist; the API still works. */
static void
test_no_tiles_option (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(AnbuTestResponse) tile = get_tile (fx, "/tiles/12/3493/1587.png");
  g_autoptr(AnbuTestResponse) health = anbu_test_request (fx->server, "GET", "/healthz", NULL,
                                                          NULL);

  assert_error (tile, 404, "not_found", NULL);
  g_assert_cmpuint (health->status, ==, 200);
}

/* A --tiles file that is not MBTiles stops the start with a message. */
static void
test_not_mbtiles_refused (Fixture       *fx,
                          gconstpointer  data)
{
  g_autofree char *bogus = g_build_filename (fx->dir, "not-tiles.mbtiles", NULL);
  g_autofree char *err = NULL;
  int status;

  g_assert_true (g_file_set_contents (bogus, "hello", -1, NULL));
  status = anbu_test_server_cli (fx->server, NULL, NULL, &err, "serve", "--listen",
                                 "127.0.0.1:0", "--tiles", bogus, NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "MBTiles"));
  g_unlink (bogus);
}

/* The app's tile source against the real server */

typedef struct
{
  guint   finished;
  guint   failed;
  guint   received;
  GError *last_error;
} Fetches;

static void
on_received_data (ShumateDataSource *source,
                  int                x,
                  int                y,
                  int                zoom,
                  GBytes            *bytes,
                  Fetches           *f)
{
  f->received++;
}

static void
on_tile_data (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Fetches *f = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = shumate_data_source_get_tile_data_finish (SHUMATE_DATA_SOURCE (object), result, &error);
  f->finished++;
  if (bytes == NULL)
    {
      f->failed++;
      g_clear_error (&f->last_error);
      f->last_error = g_steal_pointer (&error);
    }
}

static guint
count_cache_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".tile"))
      n++;
  return n;
}

static void
test_tile_source_against_server (Fixture       *fx,
                                 gconstpointer  data)
{
  g_autofree char *cache = g_build_filename (fx->dir, "cache", NULL);
  g_autoptr(AnbuMapTileSource) source = anbu_map_tile_source_new (fx->server->url, cache);
  Fetches f = { 0 };
  guint x0, y0, x1, y1, n = 0;

  g_signal_connect (source, "received-data", G_CALLBACK (on_received_data), &f);
  anbu_geo_tile_range (TEST_SOUTH, TEST_WEST, TEST_NORTH, TEST_EAST, 13, &x0, &y0, &x1, &y1);
  for (guint x = x0; x <= x1; x++)
    for (guint y = y0; y <= y1; y++, n++)
      shumate_data_source_get_tile_data_async (SHUMATE_DATA_SOURCE (source), x, y, 13, NULL,
                                               on_tile_data, &f);
  g_assert_true (test_wait_until_uint (&f.finished, n, TIMEOUT_MS));

  /* The tiles arrived through the signal the map paints from, and the cache holds them. */
  g_assert_no_error (f.last_error);
  g_assert_cmpuint (f.failed, ==, 0);
  g_assert_cmpuint (f.received, ==, n);
  g_assert_cmpuint (count_cache_files (cache), ==, n);

  /* A tile the server does not have is an error the map can tell from being offline. */
  f.finished = 0;
  shumate_data_source_get_tile_data_async (SHUMATE_DATA_SOURCE (source), 0, 0, 12, NULL,
                                           on_tile_data, &f);
  g_assert_true (test_wait_until_uint (&f.finished, 1, TIMEOUT_MS));
  g_assert_error (f.last_error, ANBU_MAP_TILE_SOURCE_ERROR, ANBU_MAP_TILE_SOURCE_ERROR_NOT_FOUND);
  g_clear_error (&f.last_error);

  /* The server goes away: everything seen before is still there, from the cache. */
  g_assert_cmpint (anbu_test_server_stop (fx->server, SIGTERM), ==, 0);
  f.finished = f.failed = f.received = 0;
  for (guint x = x0; x <= x1; x++)
    for (guint y = y0; y <= y1; y++)
      shumate_data_source_get_tile_data_async (SHUMATE_DATA_SOURCE (source), x, y, 13, NULL,
                                               on_tile_data, &f);
  g_assert_true (test_wait_until_uint (&f.finished, n, TIMEOUT_MS));
  g_assert_no_error (f.last_error);
  g_assert_cmpuint (f.failed, ==, 0);
  g_assert_cmpuint (f.received, ==, n);

  /* A tile never seen cannot come from anywhere now, and says so. */
  f.finished = 0;
  shumate_data_source_get_tile_data_async (SHUMATE_DATA_SOURCE (source), x0, y0, 14, NULL,
                                           on_tile_data, &f);
  g_assert_true (test_wait_until_uint (&f.finished, 1, TIMEOUT_MS));
  g_assert_error (f.last_error, ANBU_MAP_TILE_SOURCE_ERROR,
                  ANBU_MAP_TILE_SOURCE_ERROR_UNREACHABLE);
  g_clear_error (&f.last_error);
}

#define ADD(path, from, func) \
  g_test_add (path, Fixture, GINT_TO_POINTER (from), fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  ADD ("/anbu/tiles/served", TILES_MBTILES, test_tiles_served);
  ADD ("/anbu/tiles/tilejson", TILES_MBTILES, test_tilejson);
  ADD ("/anbu/tiles/missing-tile", TILES_MBTILES, test_missing_tile);
  ADD ("/anbu/tiles/bad-zoom", TILES_MBTILES, test_bad_zoom);
  ADD ("/anbu/tiles/bad-column", TILES_MBTILES, test_bad_column);
  ADD ("/anbu/tiles/bad-row", TILES_MBTILES, test_bad_row);
  ADD ("/anbu/tiles/not-a-tile-path", TILES_MBTILES, test_not_a_tile_path);
  ADD ("/anbu/tiles/no-tiles-option", TILES_NONE, test_no_tiles_option);
  ADD ("/anbu/tiles/not-mbtiles-refused", TILES_NONE, test_not_mbtiles_refused);
  ADD ("/anbu/tiles/tile-source-against-server", TILES_MBTILES, test_tile_source_against_server);
  /* The same through --tiles-upstream: the proxy changes nothing the app sees. */
  ADD ("/anbu/tiles/proxied/served", TILES_PROXIED, test_tiles_served);
  ADD ("/anbu/tiles/proxied/tile-source-against-server", TILES_PROXIED,
       test_tile_source_against_server);
  return g_test_run ();
}
