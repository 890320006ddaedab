/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-map"

#include "config.h"

#include <math.h>

#include "anbu-map-raster-source.h"
#include "anbu-map-tile-paintable.h"

struct _AnbuMapRasterSource
{
  ShumateMapSource   parent_instance;

  ShumateDataSource *data_source;
  GWeakRef           viewport;
  GWeakRef           map;
};

G_DEFINE_TYPE (AnbuMapRasterSource, anbu_map_raster_source, SHUMATE_TYPE_MAP_SOURCE)

enum {
  PROP_0,
  PROP_DATA_SOURCE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- Decoding -------------------------------------------------------------- */

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;
  AnbuMapTilePaintable *paintable = anbu_map_tile_paintable_new_from_bytes (task_data, &error);

  if (paintable == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, paintable, g_object_unref);
}

static void
on_tile_decoded (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShumateTile *tile = g_task_get_task_data (task);
  g_autoptr(AnbuMapTilePaintable) paintable = NULL;
  GError *error = NULL;

  paintable = g_task_propagate_pointer (G_TASK (result), &error);
  if (paintable == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  anbu_map_tile_paintable_set_pixel_grid (paintable, g_task_get_source_object (task));
  shumate_tile_set_paintable (tile, GDK_PAINTABLE (paintable));
  shumate_tile_set_state (tile, SHUMATE_STATE_DONE);
  g_task_return_boolean (task, TRUE);
}

static void
on_tile_data (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GTask) decode = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  bytes = shumate_data_source_get_tile_data_finish (SHUMATE_DATA_SOURCE (object), result, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  decode = g_task_new (g_task_get_source_object (task), g_task_get_cancellable (task),
                       on_tile_decoded, g_object_ref (task));
  g_task_set_source_tag (decode, on_tile_data);
  g_task_set_task_data (decode, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (decode, decode_thread);
}

/* ---- ShumateMapSource ------------------------------------------------------ */

static void
anbu_map_raster_source_fill_tile_async (ShumateMapSource    *map_source,
                                        ShumateTile         *tile,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  AnbuMapRasterSource *self = ANBU_MAP_RASTER_SOURCE (map_source);
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, anbu_map_raster_source_fill_tile_async);
  g_task_set_task_data (task, g_object_ref (tile), g_object_unref);
  shumate_data_source_get_tile_data_async (self->data_source,
                                           shumate_tile_get_x (tile),
                                           shumate_tile_get_y (tile),
                                           shumate_tile_get_zoom_level (tile),
                                           cancellable, on_tile_data, g_steal_pointer (&task));
}

static gboolean
anbu_map_raster_source_fill_tile_finish (ShumateMapSource  *map_source,
                                         GAsyncResult      *result,
                                         GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, map_source), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- GObject --------------------------------------------------------------- */

static void
anbu_map_raster_source_finalize (GObject *object)
{
  AnbuMapRasterSource *self = ANBU_MAP_RASTER_SOURCE (object);

  g_clear_object (&self->data_source);
  g_weak_ref_clear (&self->viewport);
  g_weak_ref_clear (&self->map);
  G_OBJECT_CLASS (anbu_map_raster_source_parent_class)->finalize (object);
}

static void
anbu_map_raster_source_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  AnbuMapRasterSource *self = ANBU_MAP_RASTER_SOURCE (object);

  switch (prop_id)
    {
    case PROP_DATA_SOURCE:
      g_value_set_object (value, self->data_source);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_map_raster_source_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  AnbuMapRasterSource *self = ANBU_MAP_RASTER_SOURCE (object);

  switch (prop_id)
    {
    case PROP_DATA_SOURCE:
      g_set_object (&self->data_source, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_map_raster_source_class_init (AnbuMapRasterSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateMapSourceClass *map_source_class = SHUMATE_MAP_SOURCE_CLASS (klass);

  object_class->finalize = anbu_map_raster_source_finalize;
  object_class->get_property = anbu_map_raster_source_get_property;
  object_class->set_property = anbu_map_raster_source_set_property;

  map_source_class->fill_tile_async = anbu_map_raster_source_fill_tile_async;
  map_source_class->fill_tile_finish = anbu_map_raster_source_fill_tile_finish;

  properties[PROP_DATA_SOURCE] =
    g_param_spec_object ("data-source", NULL, NULL, SHUMATE_TYPE_DATA_SOURCE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
anbu_map_raster_source_init (AnbuMapRasterSource *self)
{
  g_weak_ref_init (&self->viewport, NULL);
  g_weak_ref_init (&self->map, NULL);
}

/* ---- Public API ------------------------------------------------------------ */

AnbuMapRasterSource *
anbu_map_raster_source_new (ShumateDataSource *data_source)
{
  g_return_val_if_fail (SHUMATE_IS_DATA_SOURCE (data_source), NULL);
  return g_object_new (ANBU_TYPE_MAP_RASTER_SOURCE, "data-source", data_source, NULL);
}

ShumateDataSource *
anbu_map_raster_source_get_data_source (AnbuMapRasterSource *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_RASTER_SOURCE (self), NULL);
  return self->data_source;
}

void
anbu_map_raster_source_set_pixel_grid (AnbuMapRasterSource *self,
                                       ShumateViewport     *viewport,
                                       GtkWidget           *map)
{
  g_return_if_fail (ANBU_IS_MAP_RASTER_SOURCE (self));
  g_return_if_fail (viewport == NULL || SHUMATE_IS_VIEWPORT (viewport));
  g_return_if_fail (map == NULL || GTK_IS_WIDGET (map));

  g_weak_ref_set (&self->viewport, viewport);
  g_weak_ref_set (&self->map, map);
}

gboolean
anbu_map_raster_source_get_pixel_offset (AnbuMapRasterSource *self,
                                         double               width,
                                         double               height,
                                         double              *dx,
                                         double              *dy)
{
  ShumateMapSource *source = SHUMATE_MAP_SOURCE (self);
  g_autoptr(ShumateViewport) viewport = NULL;
  g_autoptr(GtkWidget) map = NULL;
  double zoom, tile_size, left, top;

  g_return_val_if_fail (ANBU_IS_MAP_RASTER_SOURCE (self), FALSE);
  g_return_val_if_fail (dx != NULL && dy != NULL, FALSE);

  *dx = *dy = 0;
  viewport = g_weak_ref_get (&self->viewport);
  map = g_weak_ref_get (&self->map);
  if (viewport == NULL || map == NULL)
    return FALSE;
  zoom = shumate_viewport_get_zoom_level (viewport);
  tile_size = shumate_map_source_get_tile_size (source);
  if (fabs (zoom - round (zoom)) > 1e-9 || shumate_viewport_get_rotation (viewport) != 0
      || fabs (width - tile_size) > 1e-9 || fabs (height - tile_size) > 1e-9)
    return FALSE;

  /* The world pixel of the map's top left corner, as ShumateMapLayer places
   * tiles (at world pixel - left, the same fraction for every tile) and as
   * the households' layer rounds it. */
  left = shumate_map_source_get_x (source, zoom,
                                   shumate_location_get_longitude (SHUMATE_LOCATION (viewport)))
         - gtk_widget_get_width (map) / 2.0;
  top = shumate_map_source_get_y (source, zoom,
                                  shumate_location_get_latitude (SHUMATE_LOCATION (viewport)))
        - gtk_widget_get_height (map) / 2.0;
  *dx = left - round (left);
  *dy = top - round (top);
  return TRUE;
}
