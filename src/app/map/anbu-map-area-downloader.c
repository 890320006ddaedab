/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-map"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-geo-cluster.h"
#include "anbu-map-area-downloader.h"

/* Requests in flight at once: the tile source's session allows two connections. */
#define IN_FLIGHT 2

struct _AnbuMapAreaDownloader
{
  GObject            parent_instance;

  AnbuMapTileSource *source;
  double             south, west, north, east;
  guint              min_zoom, max_zoom;
  guint64            n_tiles;

  /* While running. */
  GTask             *task;
  guint              zoom;          /* next tile to ask for */
  guint              x, y;
  guint              x0, y0, x1, y1;
  gboolean           exhausted;
  guint              in_flight;
  guint64            n_done;
  guint64            n_failed;
  GError            *error;         /* first fatal error */
};

G_DEFINE_TYPE (AnbuMapAreaDownloader, anbu_map_area_downloader, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_TILES,
  PROP_ESTIMATED_BYTES,
  PROP_N_DONE,
  PROP_N_FAILED,
  PROP_PROGRESS,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void pump (AnbuMapAreaDownloader *self);

static void
start_zoom (AnbuMapAreaDownloader *self,
            guint                  zoom)
{
  self->zoom = zoom;
  anbu_geo_tile_range (self->south, self->west, self->north, self->east, zoom,
                       &self->x0, &self->y0, &self->x1, &self->y1);
  self->x = self->x0;
  self->y = self->y0;
}

/* The next tile, zoom by zoom, row by row; FALSE when all were handed out. */
static gboolean
next_tile (AnbuMapAreaDownloader *self,
           guint                 *x,
           guint                 *y,
           guint                 *zoom)
{
  if (self->exhausted)
    return FALSE;
  *x = self->x;
  *y = self->y;
  *zoom = self->zoom;

  if (++self->x > self->x1)
    {
      self->x = self->x0;
      if (++self->y > self->y1)
        {
          if (self->zoom >= self->max_zoom)
            self->exhausted = TRUE;
          else
            start_zoom (self, self->zoom + 1);
        }
    }
  return TRUE;
}

static void
finish (AnbuMapAreaDownloader *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (self->error != NULL)
    g_task_return_error (task, g_steal_pointer (&self->error));
  else if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
on_tile_downloaded (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(AnbuMapAreaDownloader) self = user_data;
  g_autoptr(GError) error = NULL;

  self->in_flight--;
  if (anbu_map_tile_source_download_tile_finish (ANBU_MAP_TILE_SOURCE (object), result, NULL,
                                                 &error))
    self->n_done++;
  else if (g_error_matches (error, ANBU_MAP_TILE_SOURCE_ERROR,
                            ANBU_MAP_TILE_SOURCE_ERROR_NOT_FOUND) ||
           g_error_matches (error, ANBU_MAP_TILE_SOURCE_ERROR,
                            ANBU_MAP_TILE_SOURCE_ERROR_BAD_TILE))
    {
      /* The server has nothing there (e.g. outside its map): go on with the rest. */
      self->n_done++;
      self->n_failed++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FAILED]);
    }
  else
    {
      if (self->error == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        self->error = g_steal_pointer (&error);
      pump (self);
      return;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DONE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  pump (self);
}

static void
pump (AnbuMapAreaDownloader *self)
{
  GCancellable *cancellable = g_task_get_cancellable (self->task);
  gboolean stop = self->error != NULL ||
                  (cancellable != NULL && g_cancellable_is_cancelled (cancellable));
  guint x, y, zoom;

  while (!stop && self->in_flight < IN_FLIGHT && next_tile (self, &x, &y, &zoom))
    {
      self->in_flight++;
      anbu_map_tile_source_download_tile_async (self->source, x, y, zoom, cancellable,
                                                on_tile_downloaded, g_object_ref (self));
    }
  if (self->in_flight == 0 && (stop || self->exhausted))
    finish (self);
}

static void
anbu_map_area_downloader_dispose (GObject *object)
{
  AnbuMapAreaDownloader *self = ANBU_MAP_AREA_DOWNLOADER (object);

  g_clear_object (&self->source);

  G_OBJECT_CLASS (anbu_map_area_downloader_parent_class)->dispose (object);
}

static void
anbu_map_area_downloader_finalize (GObject *object)
{
  AnbuMapAreaDownloader *self = ANBU_MAP_AREA_DOWNLOADER (object);

  g_clear_error (&self->error);

  G_OBJECT_CLASS (anbu_map_area_downloader_parent_class)->finalize (object);
}

static void
anbu_map_area_downloader_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  AnbuMapAreaDownloader *self = ANBU_MAP_AREA_DOWNLOADER (object);

  switch (prop_id)
    {
    case PROP_N_TILES:
      g_value_set_uint64 (value, self->n_tiles);
      break;
    case PROP_ESTIMATED_BYTES:
      g_value_set_uint64 (value, anbu_map_area_downloader_get_estimated_bytes (self));
      break;
    case PROP_N_DONE:
      g_value_set_uint64 (value, self->n_done);
      break;
    case PROP_N_FAILED:
      g_value_set_uint64 (value, self->n_failed);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, anbu_map_area_downloader_get_progress (self));
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->task != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_map_area_downloader_class_init (AnbuMapAreaDownloaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = anbu_map_area_downloader_dispose;
  object_class->finalize = anbu_map_area_downloader_finalize;
  object_class->get_property = anbu_map_area_downloader_get_property;

  properties[PROP_N_TILES] = g_param_spec_uint64 ("n-tiles", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_ESTIMATED_BYTES] =
    g_param_spec_uint64 ("estimated-bytes", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_N_DONE] = g_param_spec_uint64 ("n-done", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_N_FAILED] =
    g_param_spec_uint64 ("n-failed", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0, 1, 0, flags);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
anbu_map_area_downloader_init (AnbuMapAreaDownloader *self)
{
}

AnbuMapAreaDownloader *
anbu_map_area_downloader_new (AnbuMapTileSource *source,
                              double             south,
                              double             west,
                              double             north,
                              double             east,
                              guint              min_zoom,
                              guint              max_zoom)
{
  AnbuMapAreaDownloader *self;

  g_return_val_if_fail (ANBU_IS_MAP_TILE_SOURCE (source), NULL);
  g_return_val_if_fail (min_zoom <= max_zoom && max_zoom <= 22, NULL);

  self = g_object_new (ANBU_TYPE_MAP_AREA_DOWNLOADER, NULL);
  self->source = g_object_ref (source);
  self->south = MIN (south, north);
  self->north = MAX (south, north);
  self->west = MIN (west, east);
  self->east = MAX (west, east);
  self->min_zoom = min_zoom;
  self->max_zoom = max_zoom;
  self->n_tiles = anbu_geo_count_tiles (self->south, self->west, self->north, self->east,
                                        min_zoom, max_zoom);
  return self;
}

guint64
anbu_map_area_downloader_get_n_tiles (AnbuMapAreaDownloader *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_AREA_DOWNLOADER (self), 0);
  return self->n_tiles;
}

guint64
anbu_map_area_downloader_get_estimated_bytes (AnbuMapAreaDownloader *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_AREA_DOWNLOADER (self), 0);
  return self->n_tiles * anbu_map_tile_source_get_mean_tile_size (self->source);
}

guint64
anbu_map_area_downloader_get_n_done (AnbuMapAreaDownloader *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_AREA_DOWNLOADER (self), 0);
  return self->n_done;
}

guint64
anbu_map_area_downloader_get_n_failed (AnbuMapAreaDownloader *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_AREA_DOWNLOADER (self), 0);
  return self->n_failed;
}

double
anbu_map_area_downloader_get_progress (AnbuMapAreaDownloader *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_AREA_DOWNLOADER (self), 0);
  if (self->n_tiles == 0)
    return 1.0;
  return MIN (1.0, (double) self->n_done / (double) self->n_tiles);
}

gboolean
anbu_map_area_downloader_get_running (AnbuMapAreaDownloader *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_AREA_DOWNLOADER (self), FALSE);
  return self->task != NULL;
}

void
anbu_map_area_downloader_download_async (AnbuMapAreaDownloader *self,
                                         GCancellable          *cancellable,
                                         GAsyncReadyCallback    callback,
                                         gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ANBU_IS_MAP_AREA_DOWNLOADER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, anbu_map_area_downloader_download_async);
  if (self->task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("This area is already being downloaded."));
      return;
    }

  self->task = g_steal_pointer (&task);
  self->n_done = 0;
  self->n_failed = 0;
  self->exhausted = FALSE;
  g_clear_error (&self->error);
  start_zoom (self, self->min_zoom);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  pump (self);
}

gboolean
anbu_map_area_downloader_download_finish (AnbuMapAreaDownloader *self,
                                          GAsyncResult          *result,
                                          GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
