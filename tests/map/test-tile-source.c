/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "anbu-geo-cluster.h"
#include "anbu-map-area-downloader.h"
#include "anbu-map-tile-source.h"
#include "map-test-server.h"

#define MIN_ZOOM 12
#define MAX_ZOOM 15
#define TIMEOUT_MS 30000

static GThread *main_thread;

typedef struct
{
  guint     received;          /* received-data emissions */
  gboolean  off_main_thread;   /* any emission from another thread */
  guint     finished;
  guint     failed;
  GError   *last_error;
  GBytes   *last_bytes;
} Fetches;

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} AsyncDone;

static void
on_async_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncDone *d = user_data;

  d->result = g_object_ref (result);
  d->done = TRUE;
}

static void
count_note (guint *count)
{
  (*count)++;
}

static void
fetches_clear (Fetches *f)
{
  g_clear_error (&f->last_error);
  g_clear_pointer (&f->last_bytes, g_bytes_unref);
}

static void
on_received_data (ShumateDataSource *source,
                  int                x,
                  int                y,
                  int                zoom,
                  GBytes            *bytes,
                  Fetches           *f)
{
  f->received++;
  if (g_thread_self () != main_thread)
    f->off_main_thread = TRUE;
}

static void
on_tile_data (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Fetches *f = user_data;
  g_autoptr(GError) error = NULL;
  GBytes *bytes = shumate_data_source_get_tile_data_finish (SHUMATE_DATA_SOURCE (object), result,
                                                            &error);

  f->finished++;
  if (bytes == NULL)
    {
      f->failed++;
      g_clear_error (&f->last_error);
      f->last_error = g_steal_pointer (&error);
      return;
    }
  g_clear_pointer (&f->last_bytes, g_bytes_unref);
  f->last_bytes = bytes;
}

/* The district's tiles at one zoom, in order. */
static GArray *
district_tiles (guint zoom)
{
  GArray *tiles = g_array_new (FALSE, FALSE, sizeof (guint) * 3);
  guint x0, y0, x1, y1;

  anbu_geo_tile_range (TEST_SOUTH, TEST_WEST, TEST_NORTH, TEST_EAST, zoom, &x0, &y0, &x1, &y1);
  for (guint y = y0; y <= y1; y++)
    for (guint x = x0; x <= x1; x++)
      {
        guint t[3] = { x, y, zoom };
        g_array_append_vals (tiles, t, 1);
      }
  return tiles;
}

static guint *
tile_at (GArray *tiles,
         guint   i)
{
  return (guint *) (tiles->data + i * 3 * sizeof (guint));
}

static void
fetch_one (AnbuMapTileSource *source,
           Fetches           *f,
           guint             *t)
{
  guint before = f->finished;

  shumate_data_source_get_tile_data_async (SHUMATE_DATA_SOURCE (source), t[0], t[1], t[2], NULL,
                                           on_tile_data, f);
  g_assert_true (test_wait_until_uint (&f->finished, before + 1, TIMEOUT_MS));
}

static guint64
directory_bytes (const char *dir,
                 guint      *n_files)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint64 total = 0;

  *n_files = 0;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      struct stat st;

      if (g_str_has_suffix (name, ".tile") && stat (path, &st) == 0)
        {
          total += st.st_size;
          (*n_files)++;
        }
    }
  return total;
}

static char *
make_cache_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("anbu-cache-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
test_tiles_arrive_and_cache_fills (void)
{
  g_autoptr(TestTileServer) server = test_tile_server_new (MIN_ZOOM, MAX_ZOOM);
  g_autofree char *cache = make_cache_dir ();
  g_autoptr(AnbuMapTileSource) source = anbu_map_tile_source_new (server->url, cache);
  g_autoptr(GArray) tiles = district_tiles (14);
  Fetches f = { 0 };
  guint n_files;

  g_signal_connect (source, "received-data", G_CALLBACK (on_received_data), &f);
  for (guint i = 0; i < tiles->len; i++)
    {
      guint *t = tile_at (tiles, i);

      shumate_data_source_get_tile_data_async (SHUMATE_DATA_SOURCE (source), t[0], t[1], t[2],
                                               NULL, on_tile_data, &f);
    }
  g_assert_true (test_wait_until_uint (&f.finished, tiles->len, TIMEOUT_MS));

  /* Every tile arrived, through the signal the renderer paints from, on the main thread. */
  g_assert_cmpuint (f.failed, ==, 0);
  g_assert_cmpuint (f.received, ==, tiles->len);
  g_assert_false (f.off_main_thread);
  g_assert_nonnull (f.last_bytes);
  g_assert_cmpmem (g_bytes_get_data (f.last_bytes, NULL), 4, "\x89PNG", 4);

  /* The server was asked once per tile, by a client that says who it is. */
  g_assert_cmpuint (server->n_requests, ==, tiles->len);
  g_assert_cmpstr (server->last_user_agent, ==, ANBU_USER_AGENT);

  /* The cache holds them all. */
  g_assert_cmpuint (directory_bytes (cache, &n_files), >, 0);
  g_assert_cmpuint (n_files, ==, tiles->len);

  /* Asking again is served from the cache, without the network. */
  fetch_one (source, &f, tile_at (tiles, 0));
  g_assert_cmpuint (server->n_requests, ==, tiles->len);
  g_assert_cmpuint (f.received, ==, tiles->len + 1);
  fetches_clear (&f);
}

static void
test_offline_serves_from_cache (void)
{
  g_autoptr(TestTileServer) server = test_tile_server_new (MIN_ZOOM, MAX_ZOOM);
  g_autofree char *cache = make_cache_dir ();
  g_autoptr(GArray) tiles = district_tiles (13);
  g_autofree char *url = g_strdup (server->url);
  Fetches f = { 0 };

  {
    g_autoptr(AnbuMapTileSource) online = anbu_map_tile_source_new (url, cache);

    for (guint i = 0; i < tiles->len; i++)
      fetch_one (online, &f, tile_at (tiles, i));
    g_assert_cmpuint (f.failed, ==, 0);
  }

  /* The planner goes out into the field: no server any more. */
  test_tile_server_stop (server);
  {
    g_autoptr(AnbuMapTileSource) offline = anbu_map_tile_source_new (url, cache);
    Fetches g = { 0 };
    guint uncached[3] = { tile_at (tiles, 0)[0], tile_at (tiles, 0)[1], 18 };

    g_signal_connect (offline, "received-data", G_CALLBACK (on_received_data), &g);
    for (guint i = 0; i < tiles->len; i++)
      fetch_one (offline, &g, tile_at (tiles, i));
    g_assert_cmpuint (g.failed, ==, 0);
    g_assert_cmpuint (g.received, ==, tiles->len);

    /* A place never seen cannot be shown, and says why. */
    fetch_one (offline, &g, uncached);
    g_assert_cmpuint (g.failed, ==, 1);
    g_assert_error (g.last_error, ANBU_MAP_TILE_SOURCE_ERROR,
                    ANBU_MAP_TILE_SOURCE_ERROR_UNREACHABLE);
    fetches_clear (&g);
  }
  fetches_clear (&f);
}

static void
test_cache_size_limit (void)
{
  g_autoptr(TestTileServer) server = test_tile_server_new (MIN_ZOOM, MAX_ZOOM);
  g_autofree char *cache = make_cache_dir ();
  g_autoptr(AnbuMapTileSource) source = anbu_map_tile_source_new (server->url, cache);
  g_autoptr(GArray) tiles = district_tiles (15);
  guint64 first_four = 0, limit, measured = 0;
  AsyncDone trim = { 0 };
  g_autofree char *t1 = NULL;
  g_autofree char *t2 = NULL;
  Fetches f = { 0 };
  guint n_files;

  g_assert_cmpuint (tiles->len, >=, 12);

  /* Fill with three tiles, use the first again, then a fourth: all fit. */
  for (guint i = 0; i < 3; i++)
    fetch_one (source, &f, tile_at (tiles, i));
  fetch_one (source, &f, tile_at (tiles, 0));
  fetch_one (source, &f, tile_at (tiles, 3));
  first_four = directory_bytes (cache, &n_files);
  g_assert_cmpuint (n_files, ==, 4);

  /* A limit just above those four: every further tile forces a trim. */
  limit = first_four + first_four / 8;
  anbu_map_tile_source_set_cache_size_limit (source, limit);
  t1 = anbu_map_tile_source_get_cache_path (source, tile_at (tiles, 0)[0], tile_at (tiles, 0)[1],
                                            tile_at (tiles, 0)[2]);
  t2 = anbu_map_tile_source_get_cache_path (source, tile_at (tiles, 1)[0], tile_at (tiles, 1)[1],
                                            tile_at (tiles, 1)[2]);

  fetch_one (source, &f, tile_at (tiles, 4));
  /* Least recently used goes first: tile 2 (fetched once), not tile 1 (used again). */
  g_assert_false (g_file_test (t2, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (t1, G_FILE_TEST_EXISTS));

  for (guint i = 5; i < tiles->len; i++)
    {
      g_autofree char *latest = NULL;

      fetch_one (source, &f, tile_at (tiles, i));
      g_assert_cmpuint (f.failed, ==, 0);
      /* The limit holds after every tile, and the newest tile is kept. */
      g_assert_cmpuint (directory_bytes (cache, &n_files), <=, limit);
      latest = anbu_map_tile_source_get_cache_path (source, tile_at (tiles, i)[0],
                                                    tile_at (tiles, i)[1], tile_at (tiles, i)[2]);
      g_assert_true (g_file_test (latest, G_FILE_TEST_EXISTS));
    }

  /* Lowering the limit and trimming shrinks the cache to fit. */
  anbu_map_tile_source_set_cache_size_limit (source, limit / 2);
  anbu_map_tile_source_trim_cache_async (source, NULL, on_async_done, &trim);
  g_assert_true (test_wait_for (&trim.done, TIMEOUT_MS));
  g_assert_true (anbu_map_tile_source_trim_cache_finish (source, trim.result, &measured, NULL));
  g_assert_cmpuint (measured, <=, limit / 2);
  g_assert_cmpuint (directory_bytes (cache, &n_files), ==, measured);
  g_assert_cmpuint (n_files, >, 0);
  g_clear_object (&trim.result);
  fetches_clear (&f);
}

static void
test_at_most_two_connections (void)
{
  g_autoptr(TestTileServer) server = test_tile_server_new (MIN_ZOOM, MAX_ZOOM);
  g_autofree char *cache = make_cache_dir ();
  g_autoptr(AnbuMapTileSource) source = anbu_map_tile_source_new (server->url, cache);
  g_autoptr(GArray) tiles = district_tiles (15);
  Fetches f = { 0 };
  gboolean quiet = FALSE;

  server->hold = TRUE;
  for (guint i = 0; i < 10; i++)
    {
      guint *t = tile_at (tiles, i);

      shumate_data_source_get_tile_data_async (SHUMATE_DATA_SOURCE (source), t[0], t[1], t[2],
                                               NULL, on_tile_data, &f);
    }
  g_assert_true (test_wait_until_uint (&server->n_requests, 2, TIMEOUT_MS));

  /* With two requests unanswered, no third one may come (OSM tile policy). This
   * watches for a while that nothing more happens; it does not synchronise. */
  quiet = !test_wait_until_uint (&server->n_requests, 3, 300);
  g_assert_true (quiet);
  g_assert_cmpuint (server->in_flight, ==, 2);

  server->hold = FALSE;
  test_tile_server_release (server);
  g_assert_true (test_wait_until_uint (&f.finished, 10, TIMEOUT_MS));
  g_assert_cmpuint (f.failed, ==, 0);
  g_assert_cmpuint (server->max_in_flight, <=, 2);
  fetches_clear (&f);
}

static void
test_server_errors (void)
{
  g_autoptr(TestTileServer) server = test_tile_server_new (MIN_ZOOM, MAX_ZOOM);
  g_autofree char *cache = make_cache_dir ();
  g_autoptr(AnbuMapTileSource) source = anbu_map_tile_source_new (server->url, cache);
  g_autoptr(GArray) tiles = district_tiles (14);
  guint outside[3] = { 0, 0, 3 };   /* the basemap only covers the district */
  Fetches f = { 0 };
  guint n_files;

  fetch_one (source, &f, outside);
  g_assert_error (f.last_error, ANBU_MAP_TILE_SOURCE_ERROR, ANBU_MAP_TILE_SOURCE_ERROR_NOT_FOUND);

  /* A captive portal answering 200 with a web page: not a tile, and not cached. */
  server->serve_garbage = TRUE;
  fetch_one (source, &f, tile_at (tiles, 0));
  g_assert_error (f.last_error, ANBU_MAP_TILE_SOURCE_ERROR, ANBU_MAP_TILE_SOURCE_ERROR_BAD_TILE);
  g_assert_cmpuint (directory_bytes (cache, &n_files), ==, 0);
  g_assert_cmpuint (f.failed, ==, 2);
  fetches_clear (&f);
}

/* A city's server with a certificate from its own CA: tiles load when the
 * source trusts what the API client trusts, and never without it. */
static void
test_private_ca (void)
{
  g_autofree char *cert = g_build_filename (TEST_TLS_DIR, "server.pem", NULL);
  g_autofree char *key = g_build_filename (TEST_TLS_DIR, "server-key.pem", NULL);
  g_autofree char *ca = g_build_filename (TEST_TLS_DIR, "ca.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_autoptr(TestTileServer) server = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GArray) tiles = district_tiles (14);
  g_autofree char *untrusting_cache = make_cache_dir ();
  g_autofree char *trusting_cache = make_cache_dir ();
  Fetches f = { 0 };

  g_assert_no_error (error);
  database = g_tls_file_database_new (ca, &error);
  g_assert_no_error (error);
  server = test_tile_server_new_https (MIN_ZOOM, MAX_ZOOM, certificate);
  g_assert_true (g_str_has_prefix (server->url, "https://127.0.0.1:"));

  {
    g_autoptr(AnbuMapTileSource) untrusting = anbu_map_tile_source_new (server->url,
                                                                         untrusting_cache);

    g_assert_null (anbu_map_tile_source_get_tls_database (untrusting));
    fetch_one (untrusting, &f, tile_at (tiles, 0));
    g_assert_cmpuint (f.failed, ==, 1);
    g_assert_error (f.last_error, ANBU_MAP_TILE_SOURCE_ERROR,
                    ANBU_MAP_TILE_SOURCE_ERROR_UNREACHABLE);
    g_assert_cmpuint (server->n_served, ==, 0);
  }
  {
    g_autoptr(AnbuMapTileSource) trusting = anbu_map_tile_source_new_full (server->url,
                                                                            trusting_cache,
                                                                            database);

    g_assert_true (anbu_map_tile_source_get_tls_database (trusting) == database);
    g_signal_connect (trusting, "received-data", G_CALLBACK (on_received_data), &f);
    fetch_one (trusting, &f, tile_at (tiles, 0));
    g_assert_cmpuint (f.failed, ==, 1);
    g_assert_cmpuint (f.received, ==, 1);
    g_assert_cmpmem (g_bytes_get_data (f.last_bytes, NULL), 4, "\x89PNG", 4);
    g_assert_cmpuint (server->n_served, ==, 1);
  }
  fetches_clear (&f);
}

static void
test_unique_source_ids (void)
{
  g_autoptr(AnbuMapTileSource) a = anbu_map_tile_source_new ("http://127.0.0.1:1", NULL);
  g_autoptr(AnbuMapTileSource) b = anbu_map_tile_source_new ("http://127.0.0.1:1/", NULL);
  g_autoptr(ShumateMapSource) renderer = anbu_map_tile_source_create_map_source (a);

  /* libshumate's memory cache is keyed by the id: two sources must never share one. */
  g_assert_cmpstr (anbu_map_tile_source_get_source_id (a), !=,
                   anbu_map_tile_source_get_source_id (b));
  g_assert_cmpstr (shumate_map_source_get_id (renderer), ==,
                   anbu_map_tile_source_get_source_id (a));
  /* The same server shares one disk cache (trailing slash or not). */
  g_assert_cmpstr (anbu_map_tile_source_get_cache_dir (a), ==,
                   anbu_map_tile_source_get_cache_dir (b));
  g_assert_true (g_str_has_prefix (anbu_map_tile_source_get_cache_dir (a), g_get_user_cache_dir ()));
  /* The attribution shown on the map names the source by default. */
  g_assert_cmpstr (shumate_map_source_get_license (renderer), ==, "http://127.0.0.1:1");
}

static void
test_area_count_and_download (void)
{
  g_autoptr(TestTileServer) server = test_tile_server_new (MIN_ZOOM, MAX_ZOOM);
  g_autofree char *cache = make_cache_dir ();
  g_autoptr(AnbuMapTileSource) source = anbu_map_tile_source_new (server->url, cache);
  g_autoptr(AnbuMapAreaDownloader) downloader =
    anbu_map_area_downloader_new (source, TEST_SOUTH, TEST_WEST, TEST_NORTH, TEST_EAST,
                                  MIN_ZOOM, MAX_ZOOM);
  guint64 expected = test_count_mbtiles_rows (server->mbtiles, MIN_ZOOM, MAX_ZOOM);
  AsyncDone done = { 0 };
  g_autoptr(GError) error = NULL;
  guint n_files, progress_notes = 0;

  /* The count shown before downloading is the number of tiles of the area. */
  g_assert_cmpuint (expected, >, 20);
  g_assert_cmpuint (anbu_map_area_downloader_get_n_tiles (downloader), ==, expected);
  g_assert_cmpuint (anbu_map_area_downloader_get_estimated_bytes (downloader), >, 0);
  g_assert_cmpfloat (anbu_map_area_downloader_get_progress (downloader), ==, 0);

  g_signal_connect_swapped (downloader, "notify::progress", G_CALLBACK (count_note),
                            &progress_notes);
  anbu_map_area_downloader_download_async (downloader, NULL, on_async_done, &done);
  g_assert_true (anbu_map_area_downloader_get_running (downloader));
  g_assert_true (test_wait_for (&done.done, TIMEOUT_MS * 3));
  g_assert_true (anbu_map_area_downloader_download_finish (downloader, done.result, &error));
  g_assert_no_error (error);
  g_clear_object (&done.result);

  g_assert_false (anbu_map_area_downloader_get_running (downloader));
  g_assert_cmpfloat (anbu_map_area_downloader_get_progress (downloader), ==, 1.0);
  g_assert_cmpuint (anbu_map_area_downloader_get_n_done (downloader), ==, expected);
  g_assert_cmpuint (anbu_map_area_downloader_get_n_failed (downloader), ==, 0);
  g_assert_cmpuint (progress_notes, >=, expected);
  g_assert_cmpuint (server->n_requests, ==, expected);
  g_assert_cmpuint (server->max_in_flight, <=, 2);
  directory_bytes (cache, &n_files);
  g_assert_cmpuint (n_files, ==, expected);

  /* Now the estimate comes from real tiles: close to what the cache holds. */
  {
    guint64 on_disk = directory_bytes (cache, &n_files);
    guint64 estimate = anbu_map_area_downloader_get_estimated_bytes (downloader);

    g_assert_cmpuint (estimate, >=, on_disk * 8 / 10);
    g_assert_cmpuint (estimate, <=, on_disk * 12 / 10);
  }

  /* Downloading again asks the server for nothing: it is all there. */
  done.done = FALSE;
  anbu_map_area_downloader_download_async (downloader, NULL, on_async_done, &done);
  g_assert_true (test_wait_for (&done.done, TIMEOUT_MS));
  g_assert_true (anbu_map_area_downloader_download_finish (downloader, done.result, NULL));
  g_clear_object (&done.result);
  g_assert_cmpuint (server->n_requests, ==, expected);
}

static void
test_area_cancel (void)
{
  g_autoptr(TestTileServer) server = test_tile_server_new (MIN_ZOOM, MAX_ZOOM);
  g_autofree char *cache = make_cache_dir ();
  g_autoptr(AnbuMapTileSource) source = anbu_map_tile_source_new (server->url, cache);
  g_autoptr(AnbuMapAreaDownloader) downloader =
    anbu_map_area_downloader_new (source, TEST_SOUTH, TEST_WEST, TEST_NORTH, TEST_EAST,
                                  MIN_ZOOM, MAX_ZOOM);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncDone done = { 0 };
  g_autoptr(GError) error = NULL;

  server->hold = TRUE;
  anbu_map_area_downloader_download_async (downloader, cancellable, on_async_done, &done);
  g_assert_true (test_wait_until_uint (&server->n_requests, 2, TIMEOUT_MS));

  /* A second start while running is refused, not doubled. */
  {
    AsyncDone twice = { 0 };

    anbu_map_area_downloader_download_async (downloader, NULL, on_async_done, &twice);
    g_assert_true (test_wait_for (&twice.done, TIMEOUT_MS));
    g_assert_false (anbu_map_area_downloader_download_finish (downloader, twice.result, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
    g_clear_error (&error);
    g_clear_object (&twice.result);
  }

  g_cancellable_cancel (cancellable);
  server->hold = FALSE;
  test_tile_server_release (server);
  g_assert_true (test_wait_for (&done.done, TIMEOUT_MS));
  g_assert_false (anbu_map_area_downloader_download_finish (downloader, done.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&done.result);

  /* Nothing more was asked after the cancel, and the progress says it stopped short. */
  g_assert_cmpuint (server->n_requests, ==, 2);
  g_assert_cmpfloat (anbu_map_area_downloader_get_progress (downloader), <, 1.0);
  g_assert_false (anbu_map_area_downloader_get_running (downloader));
}

static void
test_area_unreachable (void)
{
  g_autoptr(TestTileServer) server = test_tile_server_new (MIN_ZOOM, MIN_ZOOM);
  g_autofree char *url = g_strdup (server->url);
  g_autofree char *cache = make_cache_dir ();
  g_autoptr(AnbuMapTileSource) source = NULL;
  g_autoptr(AnbuMapAreaDownloader) downloader = NULL;
  AsyncDone done = { 0 };
  g_autoptr(GError) error = NULL;

  test_tile_server_stop (server);
  source = anbu_map_tile_source_new (url, cache);
  downloader = anbu_map_area_downloader_new (source, TEST_SOUTH, TEST_WEST, TEST_NORTH, TEST_EAST,
                                             MIN_ZOOM, MAX_ZOOM);
  anbu_map_area_downloader_download_async (downloader, NULL, on_async_done, &done);
  g_assert_true (test_wait_for (&done.done, TIMEOUT_MS));
  g_assert_false (anbu_map_area_downloader_download_finish (downloader, done.result, &error));
  g_assert_error (error, ANBU_MAP_TILE_SOURCE_ERROR, ANBU_MAP_TILE_SOURCE_ERROR_UNREACHABLE);
  g_clear_object (&done.result);
  /* It stops at once instead of failing every tile of the area. */
  g_assert_cmpuint (anbu_map_area_downloader_get_n_done (downloader), ==, 0);
}

/* The map is closed while its tiles are on their way: they end as cancelled and
 * none is announced to the renderer any more, even those the server still
 * answers; what arrived is cached all the same, and later requests work. */
static void
test_cancel_tiles (void)
{
  g_autoptr(TestTileServer) server = test_tile_server_new (MIN_ZOOM, MAX_ZOOM);
  g_autofree char *cache = make_cache_dir ();
  g_autoptr(AnbuMapTileSource) source = anbu_map_tile_source_new (server->url, cache);
  g_autoptr(GArray) tiles = district_tiles (14);
  Fetches f = { 0 };

  g_signal_connect (source, "received-data", G_CALLBACK (on_received_data), &f);
  server->hold = TRUE;
  for (guint i = 0; i < tiles->len; i++)
    {
      guint *t = tile_at (tiles, i);

      shumate_data_source_get_tile_data_async (SHUMATE_DATA_SOURCE (source), t[0], t[1], t[2],
                                               NULL, on_tile_data, &f);
    }
  /* Two requests wait at the server (two connections), the rest in the queue. */
  g_assert_true (test_wait_until_uint (&server->in_flight, 2, TIMEOUT_MS));

  anbu_map_tile_source_cancel_tiles (source);
  server->hold = FALSE;
  test_tile_server_release (server);
  g_assert_true (test_wait_until_uint (&f.finished, tiles->len, TIMEOUT_MS));
  g_assert_cmpuint (f.failed, ==, tiles->len);
  g_assert_error (f.last_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (f.received, ==, 0);

  /* The source goes on serving the map that comes next. */
  fetch_one (source, &f, tile_at (tiles, 0));
  g_assert_cmpuint (f.failed, ==, tiles->len);
  g_assert_cmpuint (f.received, ==, 1);
  fetches_clear (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  main_thread = g_thread_self ();

  g_test_add_func ("/anbu/map/tile-source/tiles-arrive-and-cache-fills",
                   test_tiles_arrive_and_cache_fills);
  g_test_add_func ("/anbu/map/tile-source/offline-serves-from-cache",
                   test_offline_serves_from_cache);
  g_test_add_func ("/anbu/map/tile-source/cache-size-limit", test_cache_size_limit);
  g_test_add_func ("/anbu/map/tile-source/at-most-two-connections", test_at_most_two_connections);
  g_test_add_func ("/anbu/map/tile-source/server-errors", test_server_errors);
  g_test_add_func ("/anbu/map/tile-source/unique-ids", test_unique_source_ids);
  g_test_add_func ("/anbu/map/tile-source/private-ca", test_private_ca);
  g_test_add_func ("/anbu/map/tile-source/cancel-tiles", test_cancel_tiles);
  g_test_add_func ("/anbu/map/area/count-and-download", test_area_count_and_download);
  g_test_add_func ("/anbu/map/area/cancel", test_area_cancel);
  g_test_add_func ("/anbu/map/area/unreachable", test_area_unreachable);

  return g_test_run ();
}
