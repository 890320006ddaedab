/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <shumate/shumate.h>

G_BEGIN_DECLS

#define ANBU_TYPE_MAP_RASTER_SOURCE (anbu_map_raster_source_get_type ())

G_DECLARE_FINAL_TYPE (AnbuMapRasterSource, anbu_map_raster_source, ANBU, MAP_RASTER_SOURCE,
                      ShumateMapSource)

/* Raster tiles of a data source, as ShumateRasterRenderer draws them, but
 * decoded on a worker thread (libshumate decodes on the main thread) into
 * AnbuMapTilePaintables, drawn from kept cairo surfaces. ShumateRasterRenderer
 * makes each tile a GdkTexture, and GTK 4.8's cairo renderer converts every
 * texture node pixel by pixel, through floats, each time it draws it: for the
 * 20–40 tiles in view, every frame of a pan. Set the map source's own
 * properties (id, name, license, zoom levels, tile size, projection) at
 * construction, as for ShumateRasterRenderer. */
AnbuMapRasterSource *anbu_map_raster_source_new         (ShumateDataSource   *data_source);

ShumateDataSource   *anbu_map_raster_source_get_data_source (AnbuMapRasterSource *self);

/* The map drawing this source's tiles (its viewport and its ShumateMap): at
 * an integral zoom, unrotated, tiles are then drawn on whole pixels, where the
 * households' layer puts its markers (x = round (world x) - round (world x of
 * the map's left edge)). libshumate places them at fractional pixels while the
 * map pans, and the cairo renderer then filters every tile (bilinear). Held
 * weakly. */
void                 anbu_map_raster_source_set_pixel_grid  (AnbuMapRasterSource *self,
                                                             ShumateViewport     *viewport,
                                                             GtkWidget           *map);
/* How far to move a tile drawn at width × height so that it lands on whole
 * pixels; FALSE (and 0, 0) when it is not drawn 1:1 on an unrotated map. */
gboolean             anbu_map_raster_source_get_pixel_offset (AnbuMapRasterSource *self,
                                                              double               width,
                                                              double               height,
                                                              double              *dx,
                                                              double              *dy);

G_END_DECLS
