/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "anbu-http-server.h"

G_BEGIN_DECLS

#define ANBU_TILE_PROXY_ERROR (anbu_tile_proxy_error_quark ())

typedef enum
{
  ANBU_TILE_PROXY_ERROR_TEMPLATE,   /* not an http(s) URL with {z}, {x} and {y} */
  ANBU_TILE_PROXY_ERROR_CACHE_DIR,  /* the cache directory cannot be made */
} AnbuTileProxyError;

/* 500 MiB: about a city at zooms 12–17 and some of its surroundings. */
#define ANBU_TILE_PROXY_DEFAULT_CACHE_LIMIT_MB 500
#define ANBU_TILE_PROXY_DEFAULT_TIMEOUT 15

#define ANBU_TYPE_TILE_PROXY (anbu_tile_proxy_get_type ())
G_DECLARE_FINAL_TYPE (AnbuTileProxy, anbu_tile_proxy, ANBU, TILE_PROXY, GObject)

/* The map tiles of `anbu-server serve --tiles-upstream URL-TEMPLATE`: the same
 * routes as the MBTiles store (GET /tiles/{z}/{x}/{y}.png and
 * /tiles/tiles.json with the attribution), fetched from a tile server the
 * administrator names ("{z}", "{x}", "{y}", or WMTS "{TileMatrix}",
 * "{TileCol}", "{TileRow}") with User-Agent anbu-server/VERSION, on the main
 * loop without blocking it.
 *
 * Tiles are kept in a disk cache up to `cache_limit_bytes`, the least recently
 * used removed first. The upstream's Cache-Control rules: no-store is never
 * kept, max-age says how long a tile is fresh (by the project clock; a day
 * when unsaid), no-cache asks again every time. A tile past its age is asked
 * again; while the upstream fails the stale copy is served, and without one
 * the answer is 502 (upstream error) or 504 (no answer in `timeout_seconds`). */
GQuark         anbu_tile_proxy_error_quark (void);

AnbuTileProxy *anbu_tile_proxy_new         (const char     *url_template,
                                            const char     *attribution,
                                            const char     *cache_dir,
                                            guint64         cache_limit_bytes,
                                            guint           timeout_seconds,
                                            GError        **error);

/* Bytes of tiles in the disk cache now. */
guint64        anbu_tile_proxy_get_cache_size (AnbuTileProxy *self);

/* Registers GET /tiles/ on the listening server. */
void           anbu_tile_proxy_attach      (AnbuTileProxy  *self,
                                            AnbuHttpServer *server);

G_END_DECLS
