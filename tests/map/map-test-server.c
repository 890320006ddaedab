/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "map-test-server.h"

char *
test_make_basemap (const char *dir,
                   int         min_zoom,
                   int         max_zoom)
{
  const char *tool = g_getenv ("ANBU_BASEMAP");
  g_autofree char *path = g_build_filename (dir, "basemap.mbtiles", NULL);
  g_autofree char *minz = g_strdup_printf ("%d", min_zoom);
  g_autofree char *maxz = g_strdup_printf ("%d", max_zoom);
  g_autofree char *bbox = g_strdup_printf ("%.3f,%.3f,%.3f,%.3f", TEST_SOUTH, TEST_WEST,
                                           TEST_NORTH, TEST_EAST);
  const char *argv[] = { tool, "--output", path, "--bbox", bbox, "--min-zoom", minz,
                         "--max-zoom", maxz, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_nonnull (tool);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                               NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&path);
}

guint64
test_count_mbtiles_rows (const char *mbtiles,
                         int         min_zoom,
                         int         max_zoom)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint64 n;

  g_assert_cmpint (sqlite3_open_v2 (mbtiles, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM tiles WHERE zoom_level BETWEEN ? AND ?",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int (stmt, 1, min_zoom);
  sqlite3_bind_int (stmt, 2, max_zoom);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = (guint64) sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static GBytes *
lookup_tile (TestTileServer *self,
             int             z,
             int             x,
             int             y)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GBytes *bytes = NULL;

  if (sqlite3_open_v2 (self->mbtiles, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      sqlite3_close (db);
      return NULL;
    }
  if (sqlite3_prepare_v2 (db, "SELECT tile_data FROM tiles WHERE zoom_level = ? AND "
                              "tile_column = ? AND tile_row = ?", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int (stmt, 1, z);
      sqlite3_bind_int (stmt, 2, x);
      sqlite3_bind_int (stmt, 3, (1 << z) - 1 - y);   /* MBTiles rows run from the south */
      if (sqlite3_step (stmt) == SQLITE_ROW)
        bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return bytes;
}

static void
respond (TestTileServer    *self,
         SoupServerMessage *msg)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  int z, x, y;
  char tail[8];
  g_autoptr(GBytes) tile = NULL;

  if (sscanf (path, "/tiles/%d/%d/%d.%4s", &z, &x, &y, tail) == 4 && g_str_equal (tail, "png") &&
      z >= 0 && z < 24)
    tile = lookup_tile (self, z, x, y);

  if (self->serve_garbage)
    {
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC,
                                        "<html>captive portal</html>", 26);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      return;
    }
  if (tile == NULL)
    {
      self->n_not_found++;
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (tile, NULL), g_bytes_get_size (tile));
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  self->n_served++;
}

static void
on_finished (SoupServerMessage *msg,
             TestTileServer    *self)
{
  self->in_flight--;
}

static void
handle_tile (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  TestTileServer *self = user_data;
  const char *agent = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "User-Agent");

  self->n_requests++;
  self->in_flight++;
  self->max_in_flight = MAX (self->max_in_flight, self->in_flight);
  g_free (self->last_user_agent);
  self->last_user_agent = g_strdup (agent);
  g_signal_connect (msg, "finished", G_CALLBACK (on_finished), self);

  if (self->hold)
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (self->held, g_object_ref (msg));
      return;
    }
  respond (self, msg);
}

TestTileServer *
test_tile_server_new_https (int              min_zoom,
                            int              max_zoom,
                            GTlsCertificate *certificate)
{
  TestTileServer *self = g_new0 (TestTileServer, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  self->dir = g_dir_make_tmp ("anbu-tiles-XXXXXX", &error);
  g_assert_no_error (error);
  self->mbtiles = test_make_basemap (self->dir, min_zoom, max_zoom);
  self->held = g_ptr_array_new_with_free_func (g_object_unref);

  self->server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (self->server, "/tiles", handle_tile, self, NULL);
  g_assert_true (soup_server_listen_local (self->server, 0,
                                           SOUP_SERVER_LISTEN_IPV4_ONLY
                                           | (certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0),
                                           &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (self->server);
  g_assert_nonnull (uris);
  self->url = g_strdup_printf ("%s://127.0.0.1:%d", certificate != NULL ? "https" : "http",
                               g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return self;
}

TestTileServer *
test_tile_server_new (int min_zoom,
                      int max_zoom)
{
  return test_tile_server_new_https (min_zoom, max_zoom, NULL);
}

void
test_tile_server_release (TestTileServer *self)
{
  g_autoptr(GPtrArray) held = g_steal_pointer (&self->held);

  self->held = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < held->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (held, i);

      respond (self, msg);
      soup_server_message_unpause (msg);
    }
}

void
test_tile_server_stop (TestTileServer *self)
{
  if (self->server == NULL)
    return;
  test_tile_server_release (self);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);
      else
        g_remove (path);
    }
  g_rmdir (dir);
}

void
test_tile_server_free (TestTileServer *self)
{
  test_tile_server_stop (self);
  remove_tree (self->dir);
  g_ptr_array_unref (self->held);
  g_free (self->url);
  g_free (self->mbtiles);
  g_free (self->dir);
  g_free (self->last_user_agent);
  g_free (self);
}

static gboolean
on_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
test_wait_for (gboolean *flag,
               guint     timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, on_timeout, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return *flag;
}

gboolean
test_wait_until_uint (guint *value,
                      guint  at_least,
                      guint  timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, on_timeout, &timed_out);

  while (*value < at_least && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return *value >= at_least;
}
