/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-tiles"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "anbu-api-problem.h"
#include "anbu-clock.h"
#include "anbu-json-body.h"
#include "anbu-tile-proxy.h"
#include "anbu-tile-store.h"

#define PROXY_USER_AGENT "anbu-server/" PACKAGE_VERSION
/* Freshness of a tile whose upstream names no max-age. */
#define DEFAULT_MAX_AGE_USEC (G_GINT64_CONSTANT (24 * 3600) * G_USEC_PER_SEC)
/* Tile servers ask clients to keep few connections (OpenStreetMap: 2). */
#define MAX_UPSTREAM_CONNECTIONS 2
/* Lets the planner's app keep a tile for an hour; the server decides freshness. */
#define CLIENT_CACHE_CONTROL "public, max-age=3600"
#define CACHE_FILE_SUFFIX ".tile"

typedef struct
{
  char   *key;            /* "z-x-y", also the file name without suffix */
  guint64 size;
  gint64  expires_usec;   /* project clock; fresh before it */
  char   *content_type;
  GList  *link;           /* in recent: head most recently used */
} CacheEntry;

struct _AnbuTileProxy
{
  GObject         parent_instance;

  char           *url_template;
  char           *cache_dir;
  guint64         cache_limit;
  guint64         cache_size;
  GHashTable     *entries;     /* key → CacheEntry */
  GQueue          recent;      /* CacheEntry *, most recently used first */
  char           *tilejson;
  SoupSession    *session;
  GCancellable   *cancellable;
  AnbuHttpServer *server;
};

G_DEFINE_FINAL_TYPE (AnbuTileProxy, anbu_tile_proxy, G_TYPE_OBJECT)

G_DEFINE_QUARK (anbu-tile-proxy-error-quark, anbu_tile_proxy_error)

typedef struct
{
  AnbuTileProxy     *proxy;
  SoupServerMessage *msg;
  SoupMessage       *upstream;
  char              *key;
} Fetch;

/* Helpers */

static void
cache_entry_free (CacheEntry *entry)
{
  g_free (entry->key);
  g_free (entry->content_type);
  g_free (entry);
}

static void
fetch_free (Fetch *fetch)
{
  g_object_unref (fetch->proxy);
  g_object_unref (fetch->msg);
  g_clear_object (&fetch->upstream);
  g_free (fetch->key);
  g_free (fetch);
}

static char *
cache_path (AnbuTileProxy *self,
            const char    *key)
{
  g_autofree char *name = g_strconcat (key, CACHE_FILE_SUFFIX, NULL);

  return g_build_filename (self->cache_dir, name, NULL);
}

static gint64
now_usec (void)
{
  return anbu_clock_now_usec ();
}

/* The type of a cached image from its first bytes (the cache keeps no headers). */
static const char *
sniff_content_type (const guint8 *data,
                    gsize         size)
{
  if (size >= 4 && memcmp (data, "\x89PNG", 4) == 0)
    return "image/png";
  if (size >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0)
    return "image/jpeg";
  if (size >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return "image/webp";
  return "application/octet-stream";
}

static void
cache_remove (AnbuTileProxy *self,
              CacheEntry    *entry)
{
  g_autofree char *path = cache_path (self, entry->key);

  if (g_unlink (path) != 0 && errno != ENOENT)
    g_warning ("Cannot remove the cached tile %s: %s", path, g_strerror (errno));
  self->cache_size -= entry->size;
  g_queue_delete_link (&self->recent, entry->link);
  g_hash_table_remove (self->entries, entry->key);
}

static void
cache_touch (AnbuTileProxy *self,
             CacheEntry    *entry)
{
  g_queue_unlink (&self->recent, entry->link);
  g_queue_push_head_link (&self->recent, entry->link);
}

/* Adds or replaces the tile, then removes the least recently used tiles until
 * the cache fits its limit again. */
static void
cache_store (AnbuTileProxy *self,
             const char    *key,
             GBytes        *tile,
             const char    *content_type,
             gint64         expires_usec)
{
  g_autofree char *path = cache_path (self, key);
  g_autoptr(GError) error = NULL;
  CacheEntry *entry = g_hash_table_lookup (self->entries, key);
  gsize size = g_bytes_get_size (tile);

  if (entry != NULL)
    cache_remove (self, entry);
  if (size > self->cache_limit)
    return;
  if (!g_file_set_contents (path, g_bytes_get_data (tile, NULL), size, &error))
    {
      g_warning ("Cannot cache tile %s: %s", key, error->message);
      return;
    }
  entry = g_new0 (CacheEntry, 1);
  entry->key = g_strdup (key);
  entry->size = size;
  entry->expires_usec = expires_usec;
  entry->content_type = g_strdup (content_type);
  g_queue_push_head (&self->recent, entry);
  entry->link = self->recent.head;
  g_hash_table_insert (self->entries, entry->key, entry);
  self->cache_size += size;

  while (self->cache_size > self->cache_limit && self->recent.tail != NULL)
    cache_remove (self, self->recent.tail->data);
}

/* What was cached before a restart: kept, but stale until asked again. */
static gboolean
cache_load (AnbuTileProxy *self,
            GError       **error)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (g_mkdir_with_parents (self->cache_dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, ANBU_TILE_PROXY_ERROR, ANBU_TILE_PROXY_ERROR_CACHE_DIR,
                   "Cannot make the tile cache directory %s: %s", self->cache_dir,
                   g_strerror (saved));
      return FALSE;
    }
  dir = g_dir_open (self->cache_dir, 0, error);
  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *key = NULL;
      g_autofree char *path = NULL;
      g_autofree char *data = NULL;
      gsize size = 0;
      guint z, x, y;
      CacheEntry *entry;

      if (!g_str_has_suffix (name, CACHE_FILE_SUFFIX))
        continue;
      key = g_strndup (name, strlen (name) - strlen (CACHE_FILE_SUFFIX));
      path = g_build_filename (self->cache_dir, name, NULL);
      if (sscanf (key, "%u-%u-%u", &z, &x, &y) != 3
          || !g_file_get_contents (path, &data, &size, NULL))
        continue;
      entry = g_new0 (CacheEntry, 1);
      entry->key = g_steal_pointer (&key);
      entry->size = size;
      entry->expires_usec = G_MININT64;
      entry->content_type = g_strdup (sniff_content_type ((const guint8 *) data, size));
      g_queue_push_tail (&self->recent, entry);
      entry->link = self->recent.tail;
      g_hash_table_insert (self->entries, entry->key, entry);
      self->cache_size += size;
    }
  while (self->cache_size > self->cache_limit && self->recent.tail != NULL)
    cache_remove (self, self->recent.tail->data);
  return TRUE;
}

/* The upstream URL of tile (z, x, y). */
static char *
expand_template (const char *url_template,
                 guint       z,
                 guint       x,
                 guint       y)
{
  g_autoptr(GString) url = g_string_new (url_template);
  g_autofree char *z_text = g_strdup_printf ("%u", z);
  g_autofree char *x_text = g_strdup_printf ("%u", x);
  g_autofree char *y_text = g_strdup_printf ("%u", y);

  g_string_replace (url, "{z}", z_text, 0);
  g_string_replace (url, "{x}", x_text, 0);
  g_string_replace (url, "{y}", y_text, 0);
  g_string_replace (url, "{TileMatrix}", z_text, 0);
  g_string_replace (url, "{TileCol}", x_text, 0);
  g_string_replace (url, "{TileRow}", y_text, 0);
  return g_string_free (g_steal_pointer (&url), FALSE);
}

/* How long the upstream lets the tile be kept: FALSE for no-store, else the
 * moment it stops being fresh. */
static gboolean
read_cache_rules (SoupMessageHeaders *headers,
                  gint64              now,
                  gint64             *expires_usec)
{
  const char *value = soup_message_headers_get_list (headers, "Cache-Control");
  g_autoptr(GHashTable) rules = NULL;
  const char *max_age;
  guint64 seconds;

  *expires_usec = now + DEFAULT_MAX_AGE_USEC;
  if (value == NULL)
    return TRUE;
  rules = soup_header_parse_param_list (value);
  if (g_hash_table_contains (rules, "no-store"))
    return FALSE;
  if (g_hash_table_contains (rules, "no-cache"))
    *expires_usec = now;
  else if ((max_age = g_hash_table_lookup (rules, "max-age")) != NULL
           && g_ascii_string_to_unsigned (max_age, 10, 0, G_MAXINT32, &seconds, NULL))
    *expires_usec = now + (gint64) seconds * G_USEC_PER_SEC;
  return TRUE;
}

static gboolean
respond_from_cache (AnbuTileProxy     *self,
                    SoupServerMessage *msg,
                    CacheEntry        *entry,
                    gboolean           stale)
{
  g_autofree char *path = cache_path (self, entry->key);
  g_autofree char *data = NULL;
  gsize size = 0;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (!g_file_get_contents (path, &data, &size, NULL))
    {
      /* Removed behind the server's back: forget it. */
      cache_remove (self, entry);
      return FALSE;
    }
  cache_touch (self, entry);
  soup_message_headers_replace (headers, "Cache-Control",
                                stale ? "no-cache" : CLIENT_CACHE_CONTROL);
  /* Tells the app (and the tests) that the upstream could not be asked. */
  if (stale)
    soup_message_headers_replace (headers, "X-Anbu-Tile-Stale", "1");
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, entry->content_type, SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&data), size);
  return TRUE;
}

static void
respond_upstream_problem (SoupServerMessage *msg,
                          guint              status,
                          const char        *reason)
{
  AnbuApiProblem problem = { status, (char *) "unavailable", (char *) reason, NULL };

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After",
                                "30");
  anbu_json_respond (msg, status, anbu_api_problem_to_json (&problem));
}

static char *
build_tilejson (const char *attribution)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "tilejson");
  json_builder_add_string_value (builder, "2.2.0");
  json_builder_set_member_name (builder, "scheme");
  json_builder_add_string_value (builder, "xyz");
  json_builder_set_member_name (builder, "tiles");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "/tiles/{z}/{x}/{y}.png");
  json_builder_end_array (builder);
  if (attribution != NULL && *attribution != '\0')
    {
      json_builder_set_member_name (builder, "attribution");
      json_builder_add_string_value (builder, attribution);
    }
  /* What OpenStreetMap-style servers offer; the app caps its zoom by it. */
  json_builder_set_member_name (builder, "minzoom");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "maxzoom");
  json_builder_add_int_value (builder, 19);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* Callbacks */

static void
on_upstream_answered (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Fetch *fetch = user_data;
  AnbuTileProxy *self = fetch->proxy;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) tile = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              &error);
  guint status = soup_message_get_status (fetch->upstream);
  CacheEntry *entry;

  soup_server_message_unpause (fetch->msg);
  if (tile != NULL && status == SOUP_STATUS_OK)
    {
      SoupMessageHeaders *headers = soup_message_get_response_headers (fetch->upstream);
      const char *content_type = soup_message_headers_get_content_type (headers, NULL);
      gint64 expires_usec;

      if (content_type == NULL)
        content_type = sniff_content_type (g_bytes_get_data (tile, NULL),
                                           g_bytes_get_size (tile));
      if (read_cache_rules (headers, now_usec (), &expires_usec))
        cache_store (self, fetch->key, tile, content_type, expires_usec);
      else if ((entry = g_hash_table_lookup (self->entries, fetch->key)) != NULL)
        cache_remove (self, entry);
      soup_message_headers_replace (soup_server_message_get_response_headers (fetch->msg),
                                    "Cache-Control", CLIENT_CACHE_CONTROL);
      soup_server_message_set_status (fetch->msg, 200, NULL);
      soup_server_message_set_response (fetch->msg, content_type, SOUP_MEMORY_COPY,
                                        g_bytes_get_data (tile, NULL), g_bytes_get_size (tile));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    soup_server_message_set_status (fetch->msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
  else if (tile != NULL && status == SOUP_STATUS_NOT_FOUND)
    anbu_json_respond_api_error (fetch->msg, ANBU_API_ERROR_NOT_FOUND, NULL,
                                 _("The map has no tile there"));
  else if ((entry = g_hash_table_lookup (self->entries, fetch->key)) != NULL
           && respond_from_cache (self, fetch->msg, entry, TRUE))
    g_debug ("Upstream failed for %s (%s): served the cached copy", fetch->key,
             error != NULL ? error->message : soup_status_get_phrase (status));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    respond_upstream_problem (fetch->msg, SOUP_STATUS_GATEWAY_TIMEOUT,
                              _("The map tile server did not answer in time;"
                                " try again in a moment"));
  else
    {
      g_message ("Upstream failed for tile %s: %s", fetch->key,
                 error != NULL ? error->message : soup_status_get_phrase (status));
      respond_upstream_problem (fetch->msg, SOUP_STATUS_BAD_GATEWAY,
                                _("The map tile server cannot be reached or failed;"
                                  " try again in a moment"));
    }
  fetch_free (fetch);
}

static void
on_tile_request (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  AnbuTileProxy *self = user_data;
  g_autofree char *key = NULL;
  g_autofree char *url = NULL;
  CacheEntry *entry;
  Fetch *fetch;
  guint z = 0, x = 0, y = 0;

  if (strcmp (path, "/tiles/tiles.json") == 0)
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY,
                                        self->tilejson, strlen (self->tilejson));
      return;
    }
  if (!anbu_tile_store_check_request (msg, path, &z, &x, &y))
    return;

  key = g_strdup_printf ("%u-%u-%u", z, x, y);
  entry = g_hash_table_lookup (self->entries, key);
  if (entry != NULL && now_usec () < entry->expires_usec
      && respond_from_cache (self, msg, entry, FALSE))
    return;

  url = expand_template (self->url_template, z, x, y);
  fetch = g_new0 (Fetch, 1);
  fetch->proxy = g_object_ref (self);
  fetch->msg = g_object_ref (msg);
  fetch->key = g_steal_pointer (&key);
  fetch->upstream = soup_message_new ("GET", url);
  soup_server_message_pause (msg);
  soup_session_send_and_read_async (self->session, fetch->upstream, G_PRIORITY_DEFAULT,
                                    self->cancellable, on_upstream_answered, fetch);
}

/* GObject */

static void
anbu_tile_proxy_dispose (GObject *object)
{
  AnbuTileProxy *self = ANBU_TILE_PROXY (object);

  g_cancellable_cancel (self->cancellable);
  if (self->server != NULL)
    anbu_http_server_remove_routes (self->server, self);
  g_clear_object (&self->server);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (anbu_tile_proxy_parent_class)->dispose (object);
}

static void
anbu_tile_proxy_finalize (GObject *object)
{
  AnbuTileProxy *self = ANBU_TILE_PROXY (object);

  g_queue_clear (&self->recent);
  g_hash_table_unref (self->entries);
  g_object_unref (self->cancellable);
  g_free (self->url_template);
  g_free (self->cache_dir);
  g_free (self->tilejson);

  G_OBJECT_CLASS (anbu_tile_proxy_parent_class)->finalize (object);
}

static void
anbu_tile_proxy_class_init (AnbuTileProxyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = anbu_tile_proxy_dispose;
  object_class->finalize = anbu_tile_proxy_finalize;
}

static void
anbu_tile_proxy_init (AnbuTileProxy *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) cache_entry_free);
  g_queue_init (&self->recent);
  self->cancellable = g_cancellable_new ();
}

/* Public API */

AnbuTileProxy *
anbu_tile_proxy_new (const char  *url_template,
                     const char  *attribution,
                     const char  *cache_dir,
                     guint64      cache_limit_bytes,
                     guint        timeout_seconds,
                     GError     **error)
{
  g_autoptr(AnbuTileProxy) self = NULL;
  g_autofree char *sample = NULL;
  g_autoptr(GUri) uri = NULL;
  gboolean xyz, wmts;

  g_return_val_if_fail (url_template != NULL, NULL);
  g_return_val_if_fail (cache_dir != NULL, NULL);

  xyz = strstr (url_template, "{z}") && strstr (url_template, "{x}")
        && strstr (url_template, "{y}");
  wmts = strstr (url_template, "{TileMatrix}") && strstr (url_template, "{TileCol}")
         && strstr (url_template, "{TileRow}");
  sample = expand_template (url_template, 0, 0, 0);
  uri = g_uri_parse (sample, G_URI_FLAGS_NONE, NULL);
  if ((!xyz && !wmts) || uri == NULL
      || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0
          && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    {
      g_set_error (error, ANBU_TILE_PROXY_ERROR, ANBU_TILE_PROXY_ERROR_TEMPLATE,
                   "--tiles-upstream must be an http(s) URL with {z}, {x} and {y}"
                   " (or {TileMatrix}, {TileCol} and {TileRow}): %s", url_template);
      return NULL;
    }

  self = g_object_new (ANBU_TYPE_TILE_PROXY, NULL);
  self->url_template = g_strdup (url_template);
  self->cache_dir = g_strdup (cache_dir);
  self->cache_limit = cache_limit_bytes;
  self->tilejson = build_tilejson (attribution);
  if (!cache_load (self, error))
    return NULL;
  self->session = soup_session_new_with_options ("user-agent", PROXY_USER_AGENT,
                                                 "max-conns-per-host", MAX_UPSTREAM_CONNECTIONS,
                                                 "timeout", timeout_seconds,
                                                 NULL);
  /* An http_proxy in the environment would also catch a loopback upstream. */
  if (g_strcmp0 (g_uri_get_host (uri), "127.0.0.1") == 0
      || g_strcmp0 (g_uri_get_host (uri), "localhost") == 0)
    soup_session_set_proxy_resolver (self->session, NULL);
  return g_steal_pointer (&self);
}

guint64
anbu_tile_proxy_get_cache_size (AnbuTileProxy *self)
{
  g_return_val_if_fail (ANBU_IS_TILE_PROXY (self), 0);
  return self->cache_size;
}

void
anbu_tile_proxy_attach (AnbuTileProxy  *self,
                        AnbuHttpServer *server)
{
  g_return_if_fail (ANBU_IS_TILE_PROXY (self));
  g_return_if_fail (ANBU_IS_HTTP_SERVER (server));
  g_return_if_fail (self->server == NULL);
  g_return_if_fail (anbu_http_server_get_soup_server (server) != NULL);

  self->server = g_object_ref (server);
  anbu_http_server_add_route (server, "GET", ANBU_TILE_ROUTE, ANBU_ROUTE_OPEN, on_tile_request,
                              self);
  anbu_http_server_add_route (server, "HEAD", ANBU_TILE_ROUTE, ANBU_ROUTE_OPEN, on_tile_request,
                              self);
}
