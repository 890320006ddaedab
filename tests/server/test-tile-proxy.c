/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `anbu-server serve --tiles-upstream`: the server fetches tiles from a tile
 * server (here a SoupServer in this process on 127.0.0.1), caches them on disk
 * within a limit, follows the upstream's Cache-Control by the project clock and
 * serves its copy while the upstream is down. */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "anbu-test-server.h"

#define PASSWORD "correct horse battery"
#define ATTRIBUTION "© OpenStreetMap contributors"
#define START_TIME "2026-11-24T10:30:00+09:00"

typedef enum
{
  UPSTREAM_OK,
  UPSTREAM_FAILING,   /* answers 503 */
} UpstreamMode;

typedef struct
{
  SoupServer     *upstream;
  char           *upstream_url;    /* "http://127.0.0.1:PORT" */
  GHashTable     *requests;        /* "/z/x/y.png" → count */
  char           *user_agent;      /* of the last request */
  UpstreamMode    mode;
  const char     *cache_control;   /* sent with each tile, or NULL */
  gsize           tile_size;
  char           *dir;
  char           *cache_dir;
  AnbuTestServer *server;
  char           *admin_token;
  GSocket        *silent;          /* a tile server that never answers */
  char          **server_args;     /* for a restart */
} Fixture;

/* Upstream */

static void
on_upstream_request (SoupServer        *server,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  Fixture *fx = user_data;
  const char *agent = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "User-Agent");
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (fx->requests, path));
  char *tile;

  g_hash_table_replace (fx->requests, g_strdup (path), GUINT_TO_POINTER (count + 1));
  g_free (fx->user_agent);
  fx->user_agent = g_strdup (agent);
  if (fx->mode == UPSTREAM_FAILING)
    {
      soup_server_message_set_status (msg, 503, NULL);
      return;
    }
  /* A PNG signature, then the path, so each tile has its own bytes. */
  tile = g_malloc0 (fx->tile_size);
  memcpy (tile, "\x89PNG\r\n\x1a\n", 8);
  memcpy (tile + 8, path, MIN (strlen (path), fx->tile_size - 8));
  if (fx->cache_control != NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Cache-Control", fx->cache_control);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_TAKE, tile, fx->tile_size);
}

static guint
upstream_count (Fixture    *fx,
                const char *path)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (fx->requests, path));
}

/* Fixture */

static void
start_server (Fixture    *fx,
              const char *upstream_url,
              const char *timeout)
{
  g_autofree char *url_template = g_strconcat (upstream_url, "/{z}/{x}/{y}.png", NULL);
  const char *args[] = { "--tiles-upstream", url_template, "--tiles-attribution", ATTRIBUTION,
                         "--tiles-cache-dir", fx->cache_dir, "--tiles-cache-limit", "1",
                         "--tiles-upstream-timeout", timeout, "--manual-clock", START_TIME,
                         NULL };

  g_strfreev (fx->server_args);
  fx->server_args = g_strdupv ((char **) args);
  fx->server = anbu_test_server_new (args);
}

/* Takes connections (the kernel's backlog) and never reads or answers them. */
static char *
start_silent_upstream (Fixture *fx)
{
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GError) error = NULL;

  fx->silent = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                             &error);
  g_assert_no_error (error);
  address = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (fx->silent, address, TRUE, &error));
  g_assert_true (g_socket_listen (fx->silent, &error));
  bound = g_socket_get_local_address (fx->silent, &error);
  g_assert_no_error (error);
  return g_strdup_printf ("http://127.0.0.1:%u",
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  fx->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fx->tile_size = 200;
  fx->upstream = soup_server_new (NULL, NULL);
  soup_server_add_handler (fx->upstream, NULL, on_upstream_request, fx, NULL);
  g_assert_true (soup_server_listen_local (fx->upstream, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (fx->upstream);
  fx->upstream_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  fx->dir = g_dir_make_tmp ("anbu-tile-proxy-XXXXXX", &error);
  g_assert_no_error (error);
  fx->cache_dir = g_build_filename (fx->dir, "cache", NULL);
  if (GPOINTER_TO_INT (data))
    {
      g_autofree char *silent_url = start_silent_upstream (fx);

      start_server (fx, silent_url, "1");
    }
  else
    start_server (fx, fx->upstream_url, "15");
}

/* Removes a directory of plain files. */
static void
remove_cache (const char *cache_dir)
{
  g_autoptr(GDir) dir = g_dir_open (cache_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (cache_dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (cache_dir);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_clear_pointer (&fx->server, anbu_test_server_free);
  soup_server_disconnect (fx->upstream);
  g_clear_object (&fx->upstream);
  g_clear_object (&fx->silent);
  remove_cache (fx->cache_dir);
  g_rmdir (fx->dir);
  g_free (fx->cache_dir);
  g_free (fx->dir);
  g_free (fx->upstream_url);
  g_free (fx->user_agent);
  g_free (fx->admin_token);
  g_strfreev (fx->server_args);
  g_hash_table_unref (fx->requests);
}

/* GET /tiles/{path}; asserts a tile came back with the upstream's bytes for it. */
static void
assert_tile (Fixture    *fx,
             const char *path)
{
  g_autofree char *route = g_strconcat ("/tiles", path, NULL);
  g_autoptr(AnbuTestResponse) response = anbu_test_request (fx->server, "GET", route, NULL, NULL);
  gsize size = 0;
  const char *data = g_bytes_get_data (response->raw, &size);

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==,
                   "image/png");
  g_assert_cmpuint (size, ==, fx->tile_size);
  g_assert_cmpmem (data + 8, strlen (path), path, strlen (path));
}

static void
tick (Fixture    *fx,
      const char *now)
{
  g_autofree char *body = g_strdup_printf ("{\"now\": \"%s\"}", now);
  g_autoptr(AnbuTestResponse) response = NULL;

  if (fx->admin_token == NULL)
    {
      g_autofree char *id = anbu_test_server_add_user (fx->server, "admin", "admin", NULL,
                                                       PASSWORD);

      fx->admin_token = anbu_test_server_sign_in (fx->server, "admin", PASSWORD);
    }
  response = anbu_test_request (fx->server, "POST", "/api/v1/admin/tick", fx->admin_token, body);

  g_assert_cmpuint (response->status, ==, 200);
}

static guint64
cache_dir_bytes (const char *cache_dir)
{
  g_autoptr(GDir) dir = g_dir_open (cache_dir, 0, NULL);
  guint64 total = 0;
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (cache_dir, name, NULL);
      GStatBuf st;

      g_assert_cmpint (g_stat (path, &st), ==, 0);
      total += st.st_size;
    }
  return total;
}

/* Tests */

static void
test_first_fetch_is_cached (Fixture       *fx,
                            gconstpointer  data)
{
  g_autofree char *agent = g_strconcat ("anbu-server/", PACKAGE_VERSION, NULL);

  assert_tile (fx, "/14/13970/6344.png");
  g_assert_cmpuint (upstream_count (fx, "/14/13970/6344.png"), ==, 1);
  g_assert_cmpstr (fx->user_agent, ==, agent);

  /* The second planner gets the server's copy. */
  assert_tile (fx, "/14/13970/6344.png");
  g_assert_cmpuint (upstream_count (fx, "/14/13970/6344.png"), ==, 1);
}

static void
test_attribution_in_tilejson (Fixture       *fx,
                              gconstpointer  data)
{
  g_autoptr(AnbuTestResponse) response = anbu_test_request (fx->server, "GET",
                                                            "/tiles/tiles.json", NULL, NULL);
  JsonObject *object;

  g_assert_cmpuint (response->status, ==, 200);
  object = anbu_test_response_object (response);
  g_assert_cmpstr (json_object_get_string_member (object, "attribution"), ==, ATTRIBUTION);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (object, "tiles"),
                                                  0), ==, "/tiles/{z}/{x}/{y}.png");
}

static void
test_no_store_is_not_cached (Fixture       *fx,
                             gconstpointer  data)
{
  fx->cache_control = "private, no-store";
  assert_tile (fx, "/15/27940/12689.png");
  assert_tile (fx, "/15/27940/12689.png");
  g_assert_cmpuint (upstream_count (fx, "/15/27940/12689.png"), ==, 2);
  g_assert_cmpuint (cache_dir_bytes (fx->cache_dir), ==, 0);
}

static void
test_max_age_expires_by_project_clock (Fixture       *fx,
                                       gconstpointer  data)
{
  fx->cache_control = "public, max-age=600";
  assert_tile (fx, "/16/55880/25378.png");
  tick (fx, "2026-11-24T10:39:00+09:00");
  assert_tile (fx, "/16/55880/25378.png");
  g_assert_cmpuint (upstream_count (fx, "/16/55880/25378.png"), ==, 1);

  /* Ten minutes later by the server's clock (no wall time passes): asked again. */
  tick (fx, "2026-11-24T10:41:00+09:00");
  assert_tile (fx, "/16/55880/25378.png");
  g_assert_cmpuint (upstream_count (fx, "/16/55880/25378.png"), ==, 2);
}

static void
test_cache_limit_evicts_least_recently_used (Fixture       *fx,
                                             gconstpointer  data)
{
  /* Three fit in 1 MiB, four do not. */
  fx->tile_size = 300000;
  assert_tile (fx, "/17/1/1.png");
  assert_tile (fx, "/17/1/2.png");
  assert_tile (fx, "/17/1/3.png");
  assert_tile (fx, "/17/1/1.png");   /* now /17/1/2 is the least recently used */
  assert_tile (fx, "/17/1/4.png");
  g_assert_cmpuint (cache_dir_bytes (fx->cache_dir), <=, 1024 * 1024);

  assert_tile (fx, "/17/1/1.png");
  g_assert_cmpuint (upstream_count (fx, "/17/1/1.png"), ==, 1);
  assert_tile (fx, "/17/1/2.png");
  g_assert_cmpuint (upstream_count (fx, "/17/1/2.png"), ==, 2);
}

static void
test_upstream_down_serves_cache_or_502 (Fixture       *fx,
                                        gconstpointer  data)
{
  g_autoptr(AnbuTestResponse) response = NULL;

  /* Cached, but to be asked again every time. */
  fx->cache_control = "no-cache";
  assert_tile (fx, "/14/100/200.png");
  fx->mode = UPSTREAM_FAILING;
  assert_tile (fx, "/14/100/200.png");
  g_assert_cmpuint (upstream_count (fx, "/14/100/200.png"), ==, 2);

  response = anbu_test_request (fx->server, "GET", "/tiles/14/100/201.png", NULL, NULL);
  g_assert_cmpuint (response->status, ==, 502);
  g_assert_cmpstr (anbu_test_response_error_code (response), ==, "unavailable");
  g_assert_cmpuint (upstream_count (fx, "/14/100/201.png"), ==, 1);
}

static void
test_cache_survives_restart (Fixture       *fx,
                             gconstpointer  data)
{
  assert_tile (fx, "/14/100/300.png");
  g_assert_cmpint (anbu_test_server_stop (fx->server, SIGTERM), ==, 0);
  anbu_test_server_restart (fx->server, (const char * const *) fx->server_args);

  /* The copy from before the restart is asked again once, and served when the
   * upstream fails. */
  fx->mode = UPSTREAM_FAILING;
  assert_tile (fx, "/14/100/300.png");
  g_assert_cmpuint (upstream_count (fx, "/14/100/300.png"), ==, 2);
}

static void
test_upstream_silent_is_504 (Fixture       *fx,
                             gconstpointer  data)
{
  g_autoptr(AnbuTestResponse) response = NULL;

  /* The fixture's server was started with a 1 s upstream timeout. */
  response = anbu_test_request (fx->server, "GET", "/tiles/14/100/202.png", NULL, NULL);
  g_assert_cmpuint (response->status, ==, 504);
  g_assert_cmpstr (anbu_test_response_error_code (response), ==, "unavailable");
}

static void
test_bad_coordinates_are_400 (Fixture       *fx,
                              gconstpointer  data)
{
  const struct { const char *path; const char *field; } cases[] = {
    { "/tiles/23/0/0.png", "z" },
    { "/tiles/2/4/0.png", "x" },
    { "/tiles/2/0/-1.png", "y" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(AnbuTestResponse) response = anbu_test_request (fx->server, "GET", cases[i].path,
                                                                NULL, NULL);

      g_assert_cmpuint (response->status, ==, 400);
      g_assert_cmpstr (anbu_test_response_error_code (response), ==, "invalid_value");
      g_assert_cmpstr (anbu_test_response_error_field (response), ==, cases[i].field);
    }
  g_assert_cmpuint (g_hash_table_size (fx->requests), ==, 0);
}

/* A template the server cannot use stops it at start, saying what it needs. */
static void
test_bad_template_refused (Fixture       *fx,
                           gconstpointer  data)
{
  const char *templates[] = {
    "ftp://127.0.0.1/{z}/{x}/{y}.png",
    "http://127.0.0.1/{z}/{x}.png",
  };

  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    {
      g_autofree char *db_dir = g_dir_make_tmp ("anbu-tile-proxy-db-XXXXXX", NULL);
      g_autofree char *db = g_build_filename (db_dir, "refused.db", NULL);
      g_autoptr(GSubprocess) process = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *err = NULL;

      process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                  | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                                  g_getenv ("ANBU_SERVER"), "serve", "--db", db,
                                  "--listen", "127.0.0.1:0", "--tiles-upstream", templates[i],
                                  NULL);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error));
      g_assert_no_error (error);
      g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
      g_assert_nonnull (strstr (err, "--tiles-upstream must be an http(s) URL with {z}, {x}"));
      remove_cache (db_dir);   /* the files of the database it opened */
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD_WITH(path, func, silent) \
  g_test_add (path, Fixture, GINT_TO_POINTER (silent), fixture_set_up, func, fixture_tear_down)
#define ADD(path, func) ADD_WITH (path, func, FALSE)
  ADD ("/anbu/server/tile-proxy/first-fetch-is-cached", test_first_fetch_is_cached);
  ADD ("/anbu/server/tile-proxy/attribution", test_attribution_in_tilejson);
  ADD ("/anbu/server/tile-proxy/no-store", test_no_store_is_not_cached);
  ADD ("/anbu/server/tile-proxy/max-age-project-clock", test_max_age_expires_by_project_clock);
  ADD ("/anbu/server/tile-proxy/cache-limit-lru", test_cache_limit_evicts_least_recently_used);
  ADD ("/anbu/server/tile-proxy/upstream-down", test_upstream_down_serves_cache_or_502);
  ADD ("/anbu/server/tile-proxy/cache-survives-restart", test_cache_survives_restart);
  ADD_WITH ("/anbu/server/tile-proxy/upstream-silent", test_upstream_silent_is_504, TRUE);
  ADD ("/anbu/server/tile-proxy/bad-coordinates", test_bad_coordinates_are_400);
  ADD ("/anbu/server/tile-proxy/bad-template-refused", test_bad_template_refused);
#undef ADD
#undef ADD_WITH

  return g_test_run ();
}
