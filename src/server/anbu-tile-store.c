/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-tiles"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "anbu-api-problem.h"
#include "anbu-json-body.h"
#include "anbu-tile-store.h"

/* Tiles of a basemap change only when the file is replaced (a restart): a day
 * in the planner's cache is safe, and the app keeps its own disk cache anyway. */
#define TILE_CACHE_CONTROL "public, max-age=86400"

struct _AnbuTileStore
{
  GObject         parent_instance;

  sqlite3        *db;
  sqlite3_stmt   *lookup;
  char           *content_type;
  char           *tilejson;     /* GET /tiles/tiles.json */
  AnbuHttpServer *server;
};

G_DEFINE_FINAL_TYPE (AnbuTileStore, anbu_tile_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (anbu-tile-store-error-quark, anbu_tile_store_error)

/* Helpers */

static void
respond_problem (SoupServerMessage *msg,
                 const GError      *error)
{
  g_autoptr(AnbuApiProblem) problem = anbu_api_problem_from_error (error);
  char *json = anbu_api_problem_to_json (problem);

  soup_server_message_set_status (msg, problem->status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_TAKE,
                                    json, strlen (json));
}

/* One path segment as a tile coordinate below `limit`; FALSE when it is not a
 * plain decimal number in range. */
static gboolean
parse_coordinate (const char *text,
                  guint64     limit,
                  guint      *value)
{
  guint64 parsed;

  if (limit == 0 || !g_ascii_string_to_unsigned (text, 10, 0, limit - 1, &parsed, NULL))
    return FALSE;
  *value = (guint) parsed;
  return TRUE;
}

AnbuTilePathResult
anbu_tile_store_parse_path (const char *path,
                            guint      *z,
                            guint      *x,
                            guint      *y)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *y_text = NULL;

  /* "/tiles/Z/X/Y.png" splits into "", "tiles", Z, X, "Y.png". */
  parts = g_strsplit (path, "/", -1);
  if (g_strv_length (parts) != 5 || strcmp (parts[0], "") != 0 || strcmp (parts[1], "tiles") != 0
      || !g_str_has_suffix (parts[4], ".png"))
    return ANBU_TILE_PATH_NOT_A_TILE;
  y_text = g_strndup (parts[4], strlen (parts[4]) - strlen (".png"));
  if (!parse_coordinate (parts[2], ANBU_TILE_STORE_MAX_ZOOM + 1, z))
    return ANBU_TILE_PATH_BAD_Z;
  if (!parse_coordinate (parts[3], G_GUINT64_CONSTANT (1) << *z, x))
    return ANBU_TILE_PATH_BAD_X;
  if (!parse_coordinate (y_text, G_GUINT64_CONSTANT (1) << *z, y))
    return ANBU_TILE_PATH_BAD_Y;
  return ANBU_TILE_PATH_OK;
}

static void
handle_tile (AnbuTileStore     *self,
             SoupServerMessage *msg,
             const char        *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) tile = NULL;
  SoupMessageHeaders *headers;
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

  tile = anbu_tile_store_lookup (self, z, x, y, &error);
  if (tile == NULL)
    {
      if (g_error_matches (error, ANBU_TILE_STORE_ERROR, ANBU_TILE_STORE_ERROR_NOT_FOUND))
        anbu_json_respond_api_error (msg, ANBU_API_ERROR_NOT_FOUND, NULL,
                                     _("The map has no tile there"));
      else
        respond_problem (msg, error);
      return;
    }

  headers = soup_server_message_get_response_headers (msg);
  soup_message_headers_replace (headers, "Cache-Control", TILE_CACHE_CONTROL);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, self->content_type, SOUP_MEMORY_COPY,
                                    g_bytes_get_data (tile, NULL), g_bytes_get_size (tile));
}

/* Numbers of a comma-separated metadata value ("w,s,e,n"), or NULL when it
 * does not have `count` of them. */
static JsonArray *
parse_numbers (const char *text,
               guint       count)
{
  g_auto(GStrv) parts = text != NULL ? g_strsplit (text, ",", -1) : NULL;
  g_autoptr(JsonArray) numbers = json_array_new ();

  if (parts == NULL || g_strv_length (parts) != count)
    return NULL;
  for (guint i = 0; i < count; i++)
    {
      char *end = NULL;
      double value = g_ascii_strtod (g_strstrip (parts[i]), &end);

      if (end == parts[i] || *end != '\0')
        return NULL;
      json_array_add_double_element (numbers, value);
    }
  return g_steal_pointer (&numbers);
}

/* What the file says about itself, as TileJSON 2.2.0: the attribution the map
 * must show (a licence requirement for OpenStreetMap data), zooms and bounds. */
static char *
build_tilejson (GHashTable *metadata,
                const char *content_type)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *text_keys[] = { "name", "description", "attribution", "version" };
  const char *zoom_keys[] = { "minzoom", "maxzoom" };
  JsonArray *bounds = parse_numbers (g_hash_table_lookup (metadata, "bounds"), 4);
  JsonArray *center = parse_numbers (g_hash_table_lookup (metadata, "center"), 3);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "tilejson");
  json_builder_add_string_value (builder, "2.2.0");
  json_builder_set_member_name (builder, "scheme");
  json_builder_add_string_value (builder, "xyz");
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, content_type);
  json_builder_set_member_name (builder, "tiles");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "/tiles/{z}/{x}/{y}.png");
  json_builder_end_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (text_keys); i++)
    if (g_hash_table_lookup (metadata, text_keys[i]) != NULL)
      {
        json_builder_set_member_name (builder, text_keys[i]);
        json_builder_add_string_value (builder, g_hash_table_lookup (metadata, text_keys[i]));
      }
  for (guint i = 0; i < G_N_ELEMENTS (zoom_keys); i++)
    {
      const char *text = g_hash_table_lookup (metadata, zoom_keys[i]);
      guint64 zoom;

      if (text != NULL && g_ascii_string_to_unsigned (text, 10, 0,
                                      ANBU_TILE_STORE_MAX_ZOOM, &zoom, NULL))
        {
          json_builder_set_member_name (builder, zoom_keys[i]);
          json_builder_add_int_value (builder, (gint64) zoom);
        }
    }
  if (bounds != NULL)
    {
      JsonNode *node = json_node_new (JSON_NODE_ARRAY);

      json_node_take_array (node, bounds);
      json_builder_set_member_name (builder, "bounds");
      json_builder_add_value (builder, node);
    }
  if (center != NULL)
    {
      JsonNode *node = json_node_new (JSON_NODE_ARRAY);

      json_node_take_array (node, center);
      json_builder_set_member_name (builder, "center");
      json_builder_add_value (builder, node);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* Callbacks */

static void
on_tile_request (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  AnbuTileStore *self = user_data;

  handle_tile (self, msg, path);
}

/* GObject */

static void
anbu_tile_store_dispose (GObject *object)
{
  AnbuTileStore *self = ANBU_TILE_STORE (object);

  if (self->server != NULL)
    anbu_http_server_remove_routes (self->server, self);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (anbu_tile_store_parent_class)->dispose (object);
}

static void
anbu_tile_store_finalize (GObject *object)
{
  AnbuTileStore *self = ANBU_TILE_STORE (object);

  g_clear_pointer (&self->lookup, sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);
  g_free (self->content_type);
  g_free (self->tilejson);

  G_OBJECT_CLASS (anbu_tile_store_parent_class)->finalize (object);
}

static void
anbu_tile_store_class_init (AnbuTileStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = anbu_tile_store_dispose;
  object_class->finalize = anbu_tile_store_finalize;
}

static void
anbu_tile_store_init (AnbuTileStore *self)
{
}

/* Public API */

AnbuTileStore *
anbu_tile_store_new (const char  *path,
                     GError     **error)
{
  g_autoptr(AnbuTileStore) self = NULL;
  g_autoptr(GHashTable) metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_stmt *rows = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (ANBU_TYPE_TILE_STORE, NULL);
  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, ANBU_TILE_STORE_ERROR, ANBU_TILE_STORE_ERROR_OPEN,
                   "Cannot open the tiles file %s: %s", path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : "out of memory");
      return NULL;
    }
  if (sqlite3_prepare_v3 (self->db,
                          "SELECT tile_data FROM tiles"
                          " WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
                          -1, SQLITE_PREPARE_PERSISTENT, &self->lookup, NULL) != SQLITE_OK)
    {
      g_set_error (error, ANBU_TILE_STORE_ERROR, ANBU_TILE_STORE_ERROR_NOT_MBTILES,
                   "%s is not an MBTiles file (no tiles table): %s", path,
                   sqlite3_errmsg (self->db));
      return NULL;
    }

  /* The metadata table is optional in practice; without it the file still serves tiles. */
  if (sqlite3_prepare_v2 (self->db, "SELECT name, value FROM metadata", -1, &rows, NULL) == SQLITE_OK)
    while (sqlite3_step (rows) == SQLITE_ROW)
      if (sqlite3_column_text (rows, 0) != NULL && sqlite3_column_text (rows, 1) != NULL)
        g_hash_table_replace (metadata, g_strdup ((const char *) sqlite3_column_text (rows, 0)),
                              g_strdup ((const char *) sqlite3_column_text (rows, 1)));
  sqlite3_finalize (rows);

  self->content_type = g_strdup ("image/png");
  if (g_strcmp0 (g_hash_table_lookup (metadata, "format"), "jpg") == 0
      || g_strcmp0 (g_hash_table_lookup (metadata, "format"), "jpeg") == 0)
    {
      g_free (self->content_type);
      self->content_type = g_strdup ("image/jpeg");
    }
  self->tilejson = build_tilejson (metadata, self->content_type);
  return g_steal_pointer (&self);
}

GBytes *
anbu_tile_store_lookup (AnbuTileStore  *self,
                        guint           z,
                        guint           x,
                        guint           y,
                        GError        **error)
{
  GBytes *tile = NULL;
  int rc;

  g_return_val_if_fail (ANBU_IS_TILE_STORE (self), NULL);
  g_return_val_if_fail (z <= ANBU_TILE_STORE_MAX_ZOOM, NULL);

  sqlite3_bind_int (self->lookup, 1, (int) z);
  sqlite3_bind_int64 (self->lookup, 2, x);
  /* MBTiles counts rows from the south (TMS). */
  sqlite3_bind_int64 (self->lookup, 3, (G_GINT64_CONSTANT (1) << z) - 1 - y);
  rc = sqlite3_step (self->lookup);
  if (rc == SQLITE_ROW)
    tile = g_bytes_new (sqlite3_column_blob (self->lookup, 0),
                        sqlite3_column_bytes (self->lookup, 0));
  else if (rc == SQLITE_DONE)
    g_set_error (error, ANBU_TILE_STORE_ERROR, ANBU_TILE_STORE_ERROR_NOT_FOUND,
                 "No tile %u/%u/%u", z, x, y);
  else
    g_set_error (error, ANBU_TILE_STORE_ERROR, ANBU_TILE_STORE_ERROR_OPEN,
                 "Cannot read tile %u/%u/%u: %s", z, x, y, sqlite3_errmsg (self->db));
  sqlite3_reset (self->lookup);
  sqlite3_clear_bindings (self->lookup);
  return tile;
}

gboolean
anbu_tile_store_check_request (SoupServerMessage *msg,
                               const char        *path,
                               guint             *z,
                               guint             *x,
                               guint             *y)
{
  AnbuTilePathResult parsed = anbu_tile_store_parse_path (path, z, x, y);

  if (parsed == ANBU_TILE_PATH_NOT_A_TILE)
    {
      anbu_json_respond_api_error (msg, ANBU_API_ERROR_NOT_FOUND, NULL,
                                   _("There is no such route;"
                                     " tiles are at /tiles/{z}/{x}/{y}.png"));
      return FALSE;
    }

  switch (parsed)
    {
    case ANBU_TILE_PATH_BAD_Z:
      anbu_json_respond_api_error (msg, ANBU_API_ERROR_INVALID_VALUE, "z",
                                   _("The zoom level must be a whole number from 0 to 22"));
      return FALSE;
    case ANBU_TILE_PATH_BAD_X:
      anbu_json_respond_api_error (msg, ANBU_API_ERROR_INVALID_VALUE, "x",
                                   _("The tile column must be a whole number below 2 to the power"
                                     " of the zoom level"));
      return FALSE;
    case ANBU_TILE_PATH_BAD_Y:
      anbu_json_respond_api_error (msg, ANBU_API_ERROR_INVALID_VALUE, "y",
                                   _("The tile row must be a whole number below 2 to the power"
                                     " of the zoom level"));
      return FALSE;
    case ANBU_TILE_PATH_OK:
    case ANBU_TILE_PATH_NOT_A_TILE:
    default:
      return TRUE;
    }
}

const char *
anbu_tile_store_get_content_type (AnbuTileStore *self)
{
  g_return_val_if_fail (ANBU_IS_TILE_STORE (self), NULL);
  return self->content_type;
}

void
anbu_tile_store_attach (AnbuTileStore  *self,
                        AnbuHttpServer *server)
{
  g_return_if_fail (ANBU_IS_TILE_STORE (self));
  g_return_if_fail (ANBU_IS_HTTP_SERVER (server));
  g_return_if_fail (self->server == NULL);
  g_return_if_fail (anbu_http_server_get_soup_server (server) != NULL);

  self->server = g_object_ref (server);
  anbu_http_server_add_route (server, "GET", ANBU_TILE_ROUTE, ANBU_ROUTE_OPEN, on_tile_request,
                              self);
  anbu_http_server_add_route (server, "HEAD", ANBU_TILE_ROUTE, ANBU_ROUTE_OPEN, on_tile_request,
                              self);
}
