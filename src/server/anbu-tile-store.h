/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "anbu-http-server.h"

G_BEGIN_DECLS

#define ANBU_TILE_STORE_ERROR (anbu_tile_store_error_quark ())

typedef enum
{
  ANBU_TILE_STORE_ERROR_OPEN,         /* the file cannot be opened read-only */
  ANBU_TILE_STORE_ERROR_NOT_MBTILES,  /* no "tiles" table: not an MBTiles file */
  ANBU_TILE_STORE_ERROR_NOT_FOUND,    /* the file has no such tile */
} AnbuTileStoreError;

/* Highest zoom level the route accepts (libshumate shows up to 19; MBTiles files
 * rarely go beyond 22). */
#define ANBU_TILE_STORE_MAX_ZOOM 22

#define ANBU_TYPE_TILE_STORE (anbu_tile_store_get_type ())
G_DECLARE_FINAL_TYPE (AnbuTileStore, anbu_tile_store, ANBU, TILE_STORE, GObject)

/* The map tiles of `anbu-server serve --tiles FILE`: an MBTiles file (SQLite,
 * table tiles(zoom_level, tile_column, tile_row, tile_data), rows counted from
 * the south: row = (1 << z) - 1 - y) opened read-only.
 *
 *   GET /tiles/{z}/{x}/{y}.png   the tile (XYZ numbering as libshumate and
 *                                OpenStreetMap use), no token: tiles carry no
 *                                personal data. 404 not_found for a tile the
 *                                file lacks; 400 invalid_value naming z, x or y
 *                                for coordinates that are not a tile. */
GQuark         anbu_tile_store_error_quark (void);

AnbuTileStore *anbu_tile_store_new         (const char     *path,
                                            GError        **error);

/* The stored image of tile (z, x, y) in XYZ numbering. */
GBytes        *anbu_tile_store_lookup      (AnbuTileStore  *self,
                                            guint           z,
                                            guint           x,
                                            guint           y,
                                            GError        **error);

typedef enum
{
  ANBU_TILE_PATH_OK,
  ANBU_TILE_PATH_NOT_A_TILE,   /* not of the shape /tiles/{z}/{x}/{y}.png */
  ANBU_TILE_PATH_BAD_Z,        /* not a whole number from 0 to ANBU_TILE_STORE_MAX_ZOOM */
  ANBU_TILE_PATH_BAD_X,        /* not a whole number below 2^z */
  ANBU_TILE_PATH_BAD_Y,
} AnbuTilePathResult;

/* Reads the tile of a request path "/tiles/{z}/{x}/{y}.png" (outside input:
 * any bytes may come). */
AnbuTilePathResult anbu_tile_store_parse_path (const char *path,
                                               guint      *z,
                                               guint      *x,
                                               guint      *y);

/* Where the tiles are served, for GET and HEAD (anbu-router.h). */
#define ANBU_TILE_ROUTE "/tiles/*"

/* Answers `msg` (404 not a tile route, 400 invalid_value
 * naming z, x or y) and returns FALSE unless `path` names a tile, which it
 * then stores in z, x and y. Shared by the MBTiles store and the tile proxy. */
gboolean       anbu_tile_store_check_request (SoupServerMessage *msg,
                                              const char        *path,
                                              guint             *z,
                                              guint             *x,
                                              guint             *y);

/* "image/png" or "image/jpeg", from the file's metadata (png when unsaid). */
const char    *anbu_tile_store_get_content_type (AnbuTileStore *self);

/* Registers GET /tiles/ on the listening server (counted in its metrics under
 * the route "/tiles/{z}/{x}/{y}.png"). */
void           anbu_tile_store_attach      (AnbuTileStore  *self,
                                            AnbuHttpServer *server);

G_END_DECLS
