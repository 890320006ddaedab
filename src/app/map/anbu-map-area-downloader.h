/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "anbu-map-tile-source.h"

G_BEGIN_DECLS

/* Zoom levels "Download this area for offline use" fetches. */
#define ANBU_MAP_AREA_MIN_ZOOM 12
#define ANBU_MAP_AREA_MAX_ZOOM 17

#define ANBU_TYPE_MAP_AREA_DOWNLOADER (anbu_map_area_downloader_get_type ())

G_DECLARE_FINAL_TYPE (AnbuMapAreaDownloader, anbu_map_area_downloader, ANBU,
                      MAP_AREA_DOWNLOADER, GObject)

/* Puts every tile of an area, at zooms min_zoom..max_zoom, into the tile
 * source's disk cache, so the map works there offline. Before starting, show
 * n-tiles and estimated-bytes to the planner; while it runs, "progress" goes
 * from 0 to 1 (n-done tiles, of which n-failed the server did not have).
 * Cancel with the GCancellable given to download_async; tiles already
 * fetched stay cached. */
AnbuMapAreaDownloader *anbu_map_area_downloader_new (AnbuMapTileSource *source,
                                                     double             south,
                                                     double             west,
                                                     double             north,
                                                     double             east,
                                                     guint              min_zoom,
                                                     guint              max_zoom);

guint64  anbu_map_area_downloader_get_n_tiles         (AnbuMapAreaDownloader *self);
guint64  anbu_map_area_downloader_get_estimated_bytes (AnbuMapAreaDownloader *self);
guint64  anbu_map_area_downloader_get_n_done          (AnbuMapAreaDownloader *self);
guint64  anbu_map_area_downloader_get_n_failed        (AnbuMapAreaDownloader *self);
double   anbu_map_area_downloader_get_progress        (AnbuMapAreaDownloader *self);
gboolean anbu_map_area_downloader_get_running         (AnbuMapAreaDownloader *self);

/* Fails with G_IO_ERROR_CANCELLED when cancelled, with the tile source's
 * ANBU_MAP_TILE_SOURCE_ERROR_UNREACHABLE when the server cannot be reached, and
 * G_IO_ERROR_PENDING when a download is already running. */
void     anbu_map_area_downloader_download_async  (AnbuMapAreaDownloader *self,
                                                   GCancellable          *cancellable,
                                                   GAsyncReadyCallback    callback,
                                                   gpointer               user_data);
gboolean anbu_map_area_downloader_download_finish (AnbuMapAreaDownloader *self,
                                                   GAsyncResult          *result,
                                                   GError               **error);

G_END_DECLS
