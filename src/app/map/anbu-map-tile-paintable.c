/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-map"

#include "config.h"

#include "anbu-map-tile-paintable.h"

struct _AnbuMapTilePaintable
{
  GObject              parent_instance;

  cairo_surface_t     *surface;   /* an image surface, never changed */
  AnbuMapRasterSource *grid;      /* says where whole pixels are, or NULL */
};

static void anbu_map_tile_paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_TYPE_WITH_CODE (AnbuMapTilePaintable, anbu_map_tile_paintable, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                anbu_map_tile_paintable_iface_init))

static void
anbu_map_tile_paintable_snapshot (GdkPaintable *paintable,
                                  GdkSnapshot  *snapshot,
                                  double        width,
                                  double        height)
{
  AnbuMapTilePaintable *self = ANBU_MAP_TILE_PAINTABLE (paintable);
  int surface_width = cairo_image_surface_get_width (self->surface);
  int surface_height = cairo_image_surface_get_height (self->surface);
  double dx = 0, dy = 0;
  cairo_t *cr;

  if (width <= 0 || height <= 0 || surface_width <= 0 || surface_height <= 0)
    return;
  if (self->grid != NULL)
    anbu_map_raster_source_get_pixel_offset (self->grid, width, height, &dx, &dy);
  cr = gtk_snapshot_append_cairo (GTK_SNAPSHOT (snapshot),
                                  &GRAPHENE_RECT_INIT (dx, dy, width, height));
  cairo_translate (cr, dx, dy);
  cairo_scale (cr, width / surface_width, height / surface_height);
  cairo_set_source_surface (cr, self->surface, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
}

static int
anbu_map_tile_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  return cairo_image_surface_get_width (ANBU_MAP_TILE_PAINTABLE (paintable)->surface);
}

static int
anbu_map_tile_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  return cairo_image_surface_get_height (ANBU_MAP_TILE_PAINTABLE (paintable)->surface);
}

static GdkPaintableFlags
anbu_map_tile_paintable_get_flags (GdkPaintable *paintable)
{
  return GDK_PAINTABLE_STATIC_SIZE | GDK_PAINTABLE_STATIC_CONTENTS;
}

static void
anbu_map_tile_paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = anbu_map_tile_paintable_snapshot;
  iface->get_intrinsic_width = anbu_map_tile_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = anbu_map_tile_paintable_get_intrinsic_height;
  iface->get_flags = anbu_map_tile_paintable_get_flags;
}

static void
anbu_map_tile_paintable_finalize (GObject *object)
{
  AnbuMapTilePaintable *self = ANBU_MAP_TILE_PAINTABLE (object);

  g_clear_pointer (&self->surface, cairo_surface_destroy);
  g_clear_object (&self->grid);
  G_OBJECT_CLASS (anbu_map_tile_paintable_parent_class)->finalize (object);
}

static void
anbu_map_tile_paintable_class_init (AnbuMapTilePaintableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = anbu_map_tile_paintable_finalize;
}

static void
anbu_map_tile_paintable_init (AnbuMapTilePaintable *self)
{
}

AnbuMapTilePaintable *
anbu_map_tile_paintable_new (cairo_surface_t *surface)
{
  AnbuMapTilePaintable *self;

  g_return_val_if_fail (surface != NULL, NULL);
  g_return_val_if_fail (cairo_surface_get_type (surface) == CAIRO_SURFACE_TYPE_IMAGE, NULL);

  self = g_object_new (ANBU_TYPE_MAP_TILE_PAINTABLE, NULL);
  self->surface = cairo_surface_reference (surface);
  return self;
}

AnbuMapTilePaintable *
anbu_map_tile_paintable_new_from_bytes (GBytes  *bytes,
                                        GError **error)
{
  g_autoptr(GdkTexture) texture = NULL;
  cairo_surface_t *surface;
  AnbuMapTilePaintable *self;

  g_return_val_if_fail (bytes != NULL, NULL);

  texture = gdk_texture_new_from_bytes (bytes, error);
  if (texture == NULL)
    return NULL;
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, gdk_texture_get_width (texture),
                                        gdk_texture_get_height (texture));
  /* GDK_MEMORY_DEFAULT is cairo's ARGB32. */
  gdk_texture_download (texture, cairo_image_surface_get_data (surface),
                        cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);
  self = anbu_map_tile_paintable_new (surface);
  cairo_surface_destroy (surface);
  return self;
}

cairo_surface_t *
anbu_map_tile_paintable_get_surface (AnbuMapTilePaintable *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_TILE_PAINTABLE (self), NULL);
  return self->surface;
}

void
anbu_map_tile_paintable_set_pixel_grid (AnbuMapTilePaintable *self,
                                        AnbuMapRasterSource  *source)
{
  g_return_if_fail (ANBU_IS_MAP_TILE_PAINTABLE (self));
  g_return_if_fail (source == NULL || ANBU_IS_MAP_RASTER_SOURCE (source));

  g_set_object (&self->grid, source);
}
