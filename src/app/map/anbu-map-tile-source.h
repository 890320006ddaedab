/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <shumate/shumate.h>

G_BEGIN_DECLS

#define ANBU_MAP_TILE_SOURCE_ERROR (anbu_map_tile_source_error_quark ())

typedef enum
{
  ANBU_MAP_TILE_SOURCE_ERROR_NOT_FOUND,    /* the tile server has no such tile (404) */
  ANBU_MAP_TILE_SOURCE_ERROR_SERVER,       /* the tile server answered with another error */
  ANBU_MAP_TILE_SOURCE_ERROR_UNREACHABLE,  /* no connection, and the tile is not cached */
  ANBU_MAP_TILE_SOURCE_ERROR_BAD_TILE,     /* the answer is not a PNG or JPEG image */
} AnbuMapTileSourceError;

/* Default cap on the disk cache: 200 MiB, a district at zooms 12–17 several times over. */
#define ANBU_MAP_TILE_SOURCE_DEFAULT_CACHE_LIMIT (200u * 1024 * 1024)

#define ANBU_TYPE_MAP_TILE_SOURCE (anbu_map_tile_source_get_type ())

G_DECLARE_FINAL_TYPE (AnbuMapTileSource, anbu_map_tile_source, ANBU, MAP_TILE_SOURCE,
                      ShumateDataSource)

/* Raster tiles from {base_url}/tiles/{z}/{x}/{y}.png (the anbu-server route),
 * fetched with the source's own SoupSession (User-Agent ANBU_USER_AGENT, at most
 * two connections), kept in a disk cache under cache_dir (NULL: the user cache
 * directory, per base URL) capped at cache-size-limit bytes, least recently used
 * tiles removed first. A cached tile is served without asking the network, so
 * the map works offline wherever it was seen or downloaded before. Each instance
 * has a unique source id (libshumate's memory cache is keyed by it): make a new
 * source when the tile address changes. */
GQuark             anbu_map_tile_source_error_quark     (void);

AnbuMapTileSource *anbu_map_tile_source_new             (const char        *base_url,
                                                         const char        *cache_dir);
/* With a TLS trust of its own: the API client's, so that tiles from a server
 * with a private CA load too (NULL: the system's authorities). */
AnbuMapTileSource *anbu_map_tile_source_new_full        (const char        *base_url,
                                                         const char        *cache_dir,
                                                         GTlsDatabase      *tls_database);
GTlsDatabase      *anbu_map_tile_source_get_tls_database (AnbuMapTileSource *self);

const char        *anbu_map_tile_source_get_base_url    (AnbuMapTileSource *self);
const char        *anbu_map_tile_source_get_cache_dir   (AnbuMapTileSource *self);
const char        *anbu_map_tile_source_get_source_id   (AnbuMapTileSource *self);
guint64            anbu_map_tile_source_get_cache_size_limit (AnbuMapTileSource *self);
void               anbu_map_tile_source_set_cache_size_limit (AnbuMapTileSource *self,
                                                              guint64            limit);
/* What the map shows in its corner; defaults to the tile server's address. */
const char        *anbu_map_tile_source_get_attribution (AnbuMapTileSource *self);
void               anbu_map_tile_source_set_attribution (AnbuMapTileSource *self,
                                                         const char        *attribution);

/* A ShumateMapSource drawing this source's tiles (zooms 0..19, 256 px), with the
 * attribution as its licence text, ready for shumate_simple_map_set_map_source(). */
ShumateMapSource  *anbu_map_tile_source_create_map_source (AnbuMapTileSource *self);

/* Cancels the requests made so far by the maps drawing this source: they finish
 * with G_IO_ERROR_CANCELLED and their tiles are not announced (received-data),
 * though a tile already on its way is still cached. Downloads for offline use
 * (below) are not affected. AnbuMapView calls it when it closes or changes
 * source, so a closed map stops fetching tiles nobody will see. */
void               anbu_map_tile_source_cancel_tiles    (AnbuMapTileSource *self);

/* The cache file of a tile (it may not exist). */
char              *anbu_map_tile_source_get_cache_path  (AnbuMapTileSource *self,
                                                         int                x,
                                                         int                y,
                                                         int                zoom);

/* Puts one tile in the disk cache for offline use without showing it: does
 * nothing when it is already cached. Finishes with the tile's size in bytes. */
void               anbu_map_tile_source_download_tile_async  (AnbuMapTileSource   *self,
                                                              int                  x,
                                                              int                  y,
                                                              int                  zoom,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean           anbu_map_tile_source_download_tile_finish (AnbuMapTileSource   *self,
                                                              GAsyncResult        *result,
                                                              gsize               *size,
                                                              GError             **error);

/* Measures the cache and removes least recently used tiles until it fits the
 * limit. Runs by itself after writes; call it after lowering the limit. */
void               anbu_map_tile_source_trim_cache_async  (AnbuMapTileSource   *self,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
gboolean           anbu_map_tile_source_trim_cache_finish (AnbuMapTileSource   *self,
                                                           GAsyncResult        *result,
                                                           guint64             *cache_bytes,
                                                           GError             **error);

/* Mean size of the tiles seen so far (cached or fetched), for estimates;
 * 16 KiB before any tile was seen. */
gsize              anbu_map_tile_source_get_mean_tile_size (AnbuMapTileSource *self);

G_END_DECLS
