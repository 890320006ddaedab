/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "anbu-map-raster-source.h"

G_BEGIN_DECLS

#define ANBU_TYPE_MAP_TILE_PAINTABLE (anbu_map_tile_paintable_get_type ())

G_DECLARE_FINAL_TYPE (AnbuMapTilePaintable, anbu_map_tile_paintable, ANBU, MAP_TILE_PAINTABLE,
                      GObject)

/* One decoded map tile, drawn from a cairo image surface kept for good.
 * GTK 4.8's cairo renderer converts a GdkTexture pixel by pixel (through
 * floats) each time it draws it; a cairo node of a cached surface is a copy. */
AnbuMapTilePaintable *anbu_map_tile_paintable_new          (cairo_surface_t *surface);
/* Decodes a PNG or JPEG tile (thread-safe). */
AnbuMapTilePaintable *anbu_map_tile_paintable_new_from_bytes (GBytes        *bytes,
                                                              GError       **error);
cairo_surface_t      *anbu_map_tile_paintable_get_surface  (AnbuMapTilePaintable *self);
/* Draws the tile on whole pixels where @source says how (see
 * anbu_map_raster_source_get_pixel_offset()); NULL: where it is put. */
void                  anbu_map_tile_paintable_set_pixel_grid (AnbuMapTilePaintable *self,
                                                              AnbuMapRasterSource  *source);

G_END_DECLS
