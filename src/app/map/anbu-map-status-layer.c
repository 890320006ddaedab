/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-map"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "anbu-map-status-layer.h"

#define ICON_SIZE 24           /* logical pixels of a marker sprite */
#define HOUSEHOLD_HIT_RADIUS 11.0
#define BADGE_SIZE 16.0
#define TILE_PX 256            /* world pixels per side of a cached tile of markers */
#define MARKER_REACH 28.0      /* how far a marker (disc and badge) reaches from its place */
#define MAX_CACHED_TILES 160

typedef struct
{
  double zoom;
  double world;        /* world size in pixels at this zoom */
  double origin_x;     /* world pixel of the layer's (0, 0), before rotation */
  double origin_y;
  double width;
  double height;
  double rotation;
} Frame;

typedef struct
{
  gint64 x;
  gint64 y;
} TileKey;

typedef struct
{
  cairo_surface_t *surface;   /* NULL: nothing in this tile */
  guint64          last_used;
} Tile;

struct _AnbuMapStatusLayer
{
  ShumateLayer       parent_instance;

  GListModel        *model;
  GPtrArray         *points;      /* AnbuMapPoint, aligned with the index */
  AnbuGeoIndex      *index;
  guint              cluster_below_zoom;
  char              *selected_id;
  int                selected;    /* index in points, or -1 */

  cairo_surface_t   *sprites[ANBU_MAP_N_STATES];
  int                sprite_scale;
  GHashTable        *discs;       /* radius × states + worst → cairo_surface_t */
  GHashTable        *labels;      /* count → cairo_surface_t */

  /* Markers drawn once per world tile at the current integral zoom and
   * blitted while the map pans: at street zoom a window shows thousands of
   * markers, and drawing each one every frame cost more than a frame. */
  GHashTable        *tiles;       /* TileKey → Tile */
  double             tiles_world; /* the world size the tiles were drawn at */
  double             tiles_cell;
  int                tiles_scale;
  guint64            frame_count;

  /* The last frame drawn, for the counts below (asked by tests and benches). */
  gboolean           have_frame;
  Frame              last_frame;
};

G_DEFINE_TYPE (AnbuMapStatusLayer, anbu_map_status_layer, SHUMATE_TYPE_LAYER)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_CLUSTER_BELOW_ZOOM,
  PROP_SELECTED_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Colours picked to stay apart for the common colour-vision deficiencies, and
 * each state also has its own shape. */
static const GdkRGBA state_colours[ANBU_MAP_N_STATES] = {
  [ANBU_MAP_STATE_NORMAL]   = { 0.16, 0.63, 0.36, 1 },  /* green circle */
  [ANBU_MAP_STATE_ABSENT]   = { 0.21, 0.52, 0.89, 1 },  /* blue ring */
  [ANBU_MAP_STATE_OFFLINE]  = { 0.47, 0.46, 0.48, 1 },  /* grey crossed circle */
  [ANBU_MAP_STATE_WATCH]    = { 0.96, 0.78, 0.07, 1 },  /* yellow square */
  [ANBU_MAP_STATE_RISK]     = { 0.90, 0.38, 0.00, 1 },  /* orange diamond */
  [ANBU_MAP_STATE_CRITICAL] = { 0.80, 0.00, 0.10, 1 },  /* red triangle with "!" */
};

static const GdkRGBA outline_colour = { 0.14, 0.12, 0.19, 1 };

/* ---- Drawing a state's shape --------------------------------------------- */

static void
set_source (cairo_t       *cr,
            const GdkRGBA *c)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha);
}

/* Draws the marker of a state centred on (cx, cy), scaled so it fits in size × size. */
static void
draw_state_shape (cairo_t      *cr,
                  AnbuMapState  state,
                  double        cx,
                  double        cy,
                  double        size)
{
  double s = size / ICON_SIZE;   /* shapes are designed on a 24 px grid */
  const GdkRGBA *fill = &state_colours[state];

  cairo_save (cr);
  cairo_translate (cr, cx, cy);
  cairo_scale (cr, s, s);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width (cr, 1.6);

  switch (state)
    {
    case ANBU_MAP_STATE_CRITICAL:
      cairo_move_to (cr, 0, -10.5);
      cairo_line_to (cr, 10.5, 8.5);
      cairo_line_to (cr, -10.5, 8.5);
      cairo_close_path (cr);
      set_source (cr, fill);
      cairo_fill_preserve (cr);
      set_source (cr, &outline_colour);
      cairo_stroke (cr);
      /* "!" */
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_rectangle (cr, -1.3, -4.5, 2.6, 7);
      cairo_fill (cr);
      cairo_arc (cr, 0, 5.3, 1.5, 0, 2 * G_PI);
      cairo_fill (cr);
      break;

    case ANBU_MAP_STATE_RISK:
      cairo_move_to (cr, 0, -9.5);
      cairo_line_to (cr, 9.5, 0);
      cairo_line_to (cr, 0, 9.5);
      cairo_line_to (cr, -9.5, 0);
      cairo_close_path (cr);
      set_source (cr, fill);
      cairo_fill_preserve (cr);
      set_source (cr, &outline_colour);
      cairo_stroke (cr);
      break;

    case ANBU_MAP_STATE_WATCH:
      cairo_rectangle (cr, -6.5, -6.5, 13, 13);
      set_source (cr, fill);
      cairo_fill_preserve (cr);
      set_source (cr, &outline_colour);
      cairo_stroke (cr);
      break;

    case ANBU_MAP_STATE_OFFLINE:
      cairo_arc (cr, 0, 0, 7, 0, 2 * G_PI);
      set_source (cr, fill);
      cairo_fill_preserve (cr);
      set_source (cr, &outline_colour);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, 2);
      cairo_move_to (cr, -3.5, -3.5);
      cairo_line_to (cr, 3.5, 3.5);
      cairo_move_to (cr, 3.5, -3.5);
      cairo_line_to (cr, -3.5, 3.5);
      cairo_stroke (cr);
      break;

    case ANBU_MAP_STATE_ABSENT:
      cairo_arc (cr, 0, 0, 7, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_fill_preserve (cr);
      set_source (cr, &outline_colour);
      cairo_stroke (cr);
      cairo_arc (cr, 0, 0, 4.8, 0, 2 * G_PI);
      set_source (cr, fill);
      cairo_set_line_width (cr, 3);
      cairo_stroke (cr);
      break;

    case ANBU_MAP_STATE_NORMAL:
    default:
      cairo_arc (cr, 0, 0, 5, 0, 2 * G_PI);
      set_source (cr, fill);
      cairo_fill_preserve (cr);
      set_source (cr, &outline_colour);
      cairo_stroke (cr);
      break;
    }
  cairo_restore (cr);
}

GdkTexture *
anbu_map_status_layer_create_state_icon (AnbuMapState state,
                                         int          scale)
{
  int px = ICON_SIZE * MAX (scale, 1);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, px, px);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GBytes) bytes = NULL;
  GdkTexture *texture;

  g_return_val_if_fail ((guint) state < ANBU_MAP_N_STATES, NULL);

  cairo_scale (cr, MAX (scale, 1), MAX (scale, 1));
  draw_state_shape (cr, state, ICON_SIZE / 2.0, ICON_SIZE / 2.0, ICON_SIZE);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  bytes = g_bytes_new (cairo_image_surface_get_data (surface),
                       (gsize) cairo_image_surface_get_stride (surface) * px);
  texture = gdk_memory_texture_new (px, px, GDK_MEMORY_DEFAULT, bytes,
                                    cairo_image_surface_get_stride (surface));
  cairo_surface_destroy (surface);
  return texture;
}

/* ---- Tile cache ---------------------------------------------------------- */

static guint
tile_key_hash (gconstpointer key)
{
  const TileKey *k = key;

  return (guint) (k->x * 73856093) ^ (guint) (k->y * 19349663);
}

static gboolean
tile_key_equal (gconstpointer a,
                gconstpointer b)
{
  const TileKey *ka = a, *kb = b;

  return ka->x == kb->x && ka->y == kb->y;
}

static void
tile_free (gpointer data)
{
  Tile *tile = data;

  g_clear_pointer (&tile->surface, cairo_surface_destroy);
  g_free (tile);
}

static void
forget_tiles (AnbuMapStatusLayer *self)
{
  g_hash_table_remove_all (self->tiles);
}

/* ---- Model --------------------------------------------------------------- */

static void
rebuild_index (AnbuMapStatusLayer *self)
{
  guint n = self->model != NULL ? g_list_model_get_n_items (self->model) : 0;
  g_autofree AnbuGeoPoint *geo = g_new (AnbuGeoPoint, n + 1);

  g_ptr_array_set_size (self->points, 0);
  self->selected = -1;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AnbuMapPoint) point = g_list_model_get_item (self->model, i);

      geo[i].latitude = anbu_map_point_get_latitude (point);
      geo[i].longitude = anbu_map_point_get_longitude (point);
      geo[i].state = anbu_map_point_get_state (point);
      if (self->selected_id != NULL &&
          g_strcmp0 (anbu_map_point_get_id (point), self->selected_id) == 0)
        self->selected = (int) i;
      g_ptr_array_add (self->points, g_steal_pointer (&point));
    }
  g_clear_pointer (&self->index, anbu_geo_index_free);
  self->index = anbu_geo_index_new (geo, n);
  forget_tiles (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_items_changed (AnbuMapStatusLayer *self,
                  guint               position,
                  guint               removed,
                  guint               added,
                  GListModel         *model)
{
  rebuild_index (self);
}

/* ---- Frame geometry ------------------------------------------------------ */

static void
compute_frame (AnbuMapStatusLayer *self,
               Frame              *frame)
{
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  ShumateMapSource *source = shumate_viewport_get_reference_map_source (viewport);
  double lat = shumate_location_get_latitude (SHUMATE_LOCATION (viewport));
  double lon = shumate_location_get_longitude (SHUMATE_LOCATION (viewport));
  double cx, cy;

  frame->zoom = shumate_viewport_get_zoom_level (viewport);
  frame->rotation = shumate_viewport_get_rotation (viewport);
  frame->width = gtk_widget_get_width (GTK_WIDGET (self));
  frame->height = gtk_widget_get_height (GTK_WIDGET (self));

  if (source != NULL)
    {
      /* Ask libshumate, so markers sit exactly where its tiles put the place. */
      frame->world = 2.0 * (shumate_map_source_get_x (source, frame->zoom, 0) -
                            shumate_map_source_get_x (source, frame->zoom, -180));
      cx = shumate_map_source_get_x (source, frame->zoom, lon);
      cy = shumate_map_source_get_y (source, frame->zoom, lat);
    }
  else
    {
      frame->world = anbu_geo_world_size (frame->zoom, 256);
      anbu_geo_to_world_pixels (lat, lon, frame->zoom, 256, &cx, &cy);
    }
  frame->origin_x = cx - frame->width / 2;
  frame->origin_y = cy - frame->height / 2;
}

static AnbuGeoClustering *
cluster_frame (AnbuMapStatusLayer *self,
               const Frame        *frame)
{
  double margin = MAX (ANBU_MAP_STATUS_LAYER_CELL_PX, ICON_SIZE);
  double extent = frame->rotation != 0 ? hypot (frame->width, frame->height) : 0;
  AnbuGeoRect region;
  double cell;

  /* Rotated, the window shows a disc around its centre: cover that. */
  if (extent > 0)
    region = (AnbuGeoRect) { frame->origin_x + frame->width / 2 - extent / 2 - margin,
                             frame->origin_y + frame->height / 2 - extent / 2 - margin,
                             extent + 2 * margin, extent + 2 * margin };
  else
    region = (AnbuGeoRect) { frame->origin_x - margin, frame->origin_y - margin,
                             frame->width + 2 * margin, frame->height + 2 * margin };
  cell = frame->zoom < self->cluster_below_zoom ? ANBU_MAP_STATUS_LAYER_CELL_PX : 0;

  /* anbu_geo_clustering_new works in world pixels of a 1-pixel "tile" × world. */
  return anbu_geo_clustering_new (self->index, log2 (frame->world), 1.0, &region, cell);
}

static double
frame_cell (AnbuMapStatusLayer *self,
            const Frame        *frame)
{
  return frame->zoom < self->cluster_below_zoom ? ANBU_MAP_STATUS_LAYER_CELL_PX : 0;
}

/* The clusters of a region (world pixels) at the frame's zoom. Cells are
 * anchored at the world origin, so a cluster is the same whichever region
 * it is found from. */
static AnbuGeoClustering *
cluster_region (AnbuMapStatusLayer *self,
                const Frame        *frame,
                const AnbuGeoRect  *region)
{
  return anbu_geo_clustering_new (self->index, log2 (frame->world), 1.0, region,
                                  frame_cell (self, frame));
}

static double
cluster_radius (guint    count,
                gpointer user_data)
{
  if (count <= 1)
    return HOUSEHOLD_HIT_RADIUS;
  return MIN (13.0 + 4.0 * log10 (count), 26.0);
}

/* ---- Snapshot ------------------------------------------------------------ */

/* Everything the layer draws is blitted from cached cairo surfaces (a sprite
 * per state, a disc per state and size, a label per count) into one cairo node
 * bounded to what is drawn. Sources that stay the same surface from frame to
 * frame are uploaded once by the cairo renderer; thousands of texture or
 * rounded-border nodes would each cost it a conversion or a tessellation. */
static cairo_surface_t *
new_sprite_surface (AnbuMapStatusLayer *self,
                    int                 width,
                    int                 height,
                    cairo_t           **cr)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                         width * self->sprite_scale,
                                                         height * self->sprite_scale);

  cairo_surface_set_device_scale (surface, self->sprite_scale, self->sprite_scale);
  *cr = cairo_create (surface);
  return surface;
}

static void
clear_sprite_caches (AnbuMapStatusLayer *self)
{
  for (guint s = 0; s < ANBU_MAP_N_STATES; s++)
    g_clear_pointer (&self->sprites[s], cairo_surface_destroy);
  g_hash_table_remove_all (self->discs);
  g_hash_table_remove_all (self->labels);
  if (self->tiles != NULL)
    forget_tiles (self);
}

static void
ensure_sprites (AnbuMapStatusLayer *self)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));

  if (self->sprites[0] != NULL && scale == self->sprite_scale)
    return;
  clear_sprite_caches (self);
  self->sprite_scale = scale;
  for (guint s = 0; s < ANBU_MAP_N_STATES; s++)
    {
      cairo_t *cr;

      self->sprites[s] = new_sprite_surface (self, ICON_SIZE, ICON_SIZE, &cr);
      draw_state_shape (cr, s, ICON_SIZE / 2.0, ICON_SIZE / 2.0, ICON_SIZE);
      cairo_destroy (cr);
      cairo_surface_flush (self->sprites[s]);
    }
}

/* A cluster's disc: white, ringed in the worst state's colour. */
static cairo_surface_t *
cluster_disc (AnbuMapStatusLayer *self,
              AnbuMapState        worst,
              int                 radius)
{
  gpointer key = GUINT_TO_POINTER ((guint) radius * ANBU_MAP_N_STATES + worst);
  cairo_surface_t *surface = g_hash_table_lookup (self->discs, key);

  if (surface == NULL)
    {
      cairo_t *cr;

      surface = new_sprite_surface (self, 2 * radius, 2 * radius, &cr);
      cairo_arc (cr, radius, radius, radius - 1.75, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.95);
      cairo_fill_preserve (cr);
      set_source (cr, &state_colours[worst]);
      cairo_set_line_width (cr, 3.5);
      cairo_stroke (cr);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      g_hash_table_insert (self->discs, key, surface);
    }
  return surface;
}

/* A cluster's count, rendered once per number. */
static cairo_surface_t *
count_label (AnbuMapStatusLayer *self,
             guint               count)
{
  cairo_surface_t *surface = g_hash_table_lookup (self->labels, GUINT_TO_POINTER (count));

  if (surface == NULL)
    {
      g_autofree char *text = count >= 10000 ? g_strdup_printf ("%uk", count / 1000)
                                             : g_strdup_printf ("%u", count);
      g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
      cairo_t *cr;
      int w, h;

      /* Counts seen in one session are few; start over if a huge caseload churns. */
      if (g_hash_table_size (self->labels) > 4096)
        g_hash_table_remove_all (self->labels);

      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      pango_attr_list_insert (attrs, pango_attr_scale_new (count >= 1000 ? 0.8 : 0.9));
      pango_layout_set_attributes (layout, attrs);
      pango_layout_get_pixel_size (layout, &w, &h);
      surface = new_sprite_surface (self, MAX (w, 1), MAX (h, 1), &cr);
      set_source (cr, &outline_colour);
      pango_cairo_show_layout (cr, layout);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      g_hash_table_insert (self->labels, GUINT_TO_POINTER (count), surface);
    }
  return surface;
}

static void
blit (cairo_t         *cr,
      cairo_surface_t *surface,
      double           left,
      double           top)
{
  double sx, sy;
  int w, h;

  cairo_surface_get_device_scale (surface, &sx, &sy);
  w = (int) (cairo_image_surface_get_width (surface) / sx);
  h = (int) (cairo_image_surface_get_height (surface) / sy);
  cairo_set_source_surface (cr, surface, left, top);
  cairo_rectangle (cr, left, top, w, h);
  cairo_fill (cr);
}

static void
draw_household (AnbuMapStatusLayer *self,
                cairo_t            *cr,
                AnbuMapState        state,
                double              x,
                double              y)
{
  /* Whole pixels: an aligned blit is pixman's fast path. */
  blit (cr, self->sprites[state], round (x) - ICON_SIZE / 2, round (y) - ICON_SIZE / 2);
}

static void
draw_cluster (AnbuMapStatusLayer   *self,
              cairo_t              *cr,
              const AnbuGeoCluster *cluster,
              double                x,
              double                y)
{
  int r = (int) round (cluster_radius (cluster->count, NULL));
  cairo_surface_t *label = count_label (self, cluster->count);
  double sx, sy;
  int w, h;

  x = round (x);
  y = round (y);
  blit (cr, cluster_disc (self, cluster->worst, r), x - r, y - r);
  cairo_surface_get_device_scale (label, &sx, &sy);
  w = (int) (cairo_image_surface_get_width (label) / sx);
  h = (int) (cairo_image_surface_get_height (label) / sy);
  blit (cr, label, round (x - w / 2.0), round (y - h / 2.0));

  /* The worst state's shape on the rim, so the colour is never the only cue. */
  cairo_save (cr);
  cairo_translate (cr, round (x + r * 0.72 - BADGE_SIZE / 2), round (y - r * 0.72 - BADGE_SIZE / 2));
  cairo_scale (cr, BADGE_SIZE / ICON_SIZE, BADGE_SIZE / ICON_SIZE);
  blit (cr, self->sprites[cluster->worst], 0, 0);
  cairo_restore (cr);
}

static void
draw_selection (cairo_t *cr,
                double   x,
                double   y)
{
  cairo_arc (cr, round (x), round (y), 14, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_width (cr, 5);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgb (cr, 0.10, 0.37, 0.71);
  cairo_set_line_width (cr, 3);
  cairo_stroke (cr);
}

/* Where the selected household's marker is, in world pixels, when it is
 * drawn on its own (not inside a cluster). */
static gboolean
selected_position (AnbuMapStatusLayer *self,
                   const Frame        *frame,
                   double             *x,
                   double             *y)
{
  g_autoptr(AnbuGeoClustering) clustering = NULL;
  double nx, ny;

  if (self->selected < 0 || (guint) self->selected >= anbu_geo_index_get_size (self->index))
    return FALSE;
  anbu_geo_index_get_normalised (self->index, self->selected, &nx, &ny);
  *x = nx * frame->world;
  *y = ny * frame->world;
  if (frame_cell (self, frame) <= 0)
    return TRUE;

  /* Clustered zoom: only a cell of its own shows the household itself. */
  clustering = cluster_region (self, frame, &(AnbuGeoRect) { *x - 0.5, *y - 0.5, 1, 1 });
  for (guint k = 0; k < anbu_geo_clustering_get_n_clusters (clustering); k++)
    {
      const AnbuGeoCluster *cluster = anbu_geo_clustering_get_cluster (clustering, k);

      if (cluster->count == 1
          && (int) anbu_geo_clustering_get_members (clustering, k, NULL)[0] == self->selected)
        {
          *x = cluster->x;
          *y = cluster->y;
          return TRUE;
        }
    }
  return FALSE;
}

/* Draws the markers that reach into one tile; NULL when none do. */
static cairo_surface_t *
render_tile (AnbuMapStatusLayer *self,
             const Frame        *frame,
             gint64              tx,
             gint64              ty)
{
  double left = (double) tx * TILE_PX, top = (double) ty * TILE_PX;
  AnbuGeoRect region = { left - MARKER_REACH, top - MARKER_REACH,
                         TILE_PX + 2 * MARKER_REACH, TILE_PX + 2 * MARKER_REACH };
  g_autoptr(AnbuGeoClustering) clustering = cluster_region (self, frame, &region);
  guint n = anbu_geo_clustering_get_n_clusters (clustering);
  cairo_surface_t *surface;
  cairo_t *cr;

  if (n == 0)
    return NULL;
  surface = new_sprite_surface (self, TILE_PX, TILE_PX, &cr);
  /* Least severe first, so the worst end up on top (in every tile alike). */
  for (guint k = 0; k < n; k++)
    {
      const AnbuGeoCluster *cluster = anbu_geo_clustering_get_cluster (clustering, k);
      double x = round (cluster->x) - left;
      double y = round (cluster->y) - top;

      if (cluster->count == 1)
        draw_household (self, cr, cluster->worst, x, y);
      else
        draw_cluster (self, cr, cluster, x, y);
    }
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static void
evict_tiles (AnbuMapStatusLayer *self)
{
  GHashTableIter iter;
  Tile *tile;

  if (g_hash_table_size (self->tiles) <= MAX_CACHED_TILES)
    return;
  g_hash_table_iter_init (&iter, self->tiles);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &tile))
    if (tile->last_used != self->frame_count)
      g_hash_table_iter_remove (&iter);
}

/* At an integral zoom, the markers come from tiles drawn once: panning only
 * blits the visible tiles. */
static void
snapshot_tiled (AnbuMapStatusLayer *self,
                GtkSnapshot        *snapshot,
                const Frame        *frame)
{
  double extent = frame->rotation != 0 ? hypot (frame->width, frame->height) : 0;
  double ox = round (frame->origin_x), oy = round (frame->origin_y);
  double rx0, ry0, rx1, ry1;
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  double sel_x = 0, sel_y = 0;
  gboolean selected_shown;
  g_autoptr(GPtrArray) visible = g_ptr_array_new ();
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (double));
  cairo_t *cr;

  if (frame->world != self->tiles_world || frame_cell (self, frame) != self->tiles_cell
      || self->sprite_scale != self->tiles_scale)
    {
      forget_tiles (self);
      self->tiles_world = frame->world;
      self->tiles_cell = frame_cell (self, frame);
      self->tiles_scale = self->sprite_scale;
    }
  self->frame_count++;

  /* Rotated, the window shows a disc around its centre: cover that. */
  if (extent > 0)
    {
      rx0 = frame->origin_x + frame->width / 2 - extent / 2;
      ry0 = frame->origin_y + frame->height / 2 - extent / 2;
      rx1 = rx0 + extent;
      ry1 = ry0 + extent;
    }
  else
    {
      rx0 = frame->origin_x;
      ry0 = frame->origin_y;
      rx1 = rx0 + frame->width;
      ry1 = ry0 + frame->height;
    }

  for (gint64 ty = (gint64) floor (ry0 / TILE_PX); ty <= (gint64) floor (ry1 / TILE_PX); ty++)
    for (gint64 tx = (gint64) floor (rx0 / TILE_PX); tx <= (gint64) floor (rx1 / TILE_PX); tx++)
      {
        TileKey key = { tx, ty };
        Tile *tile = g_hash_table_lookup (self->tiles, &key);
        double left = (double) tx * TILE_PX - ox, top = (double) ty * TILE_PX - oy;

        if (tile == NULL)
          {
            tile = g_new0 (Tile, 1);
            tile->surface = render_tile (self, frame, tx, ty);
            g_hash_table_insert (self->tiles, g_memdup2 (&key, sizeof key), tile);
          }
        tile->last_used = self->frame_count;
        if (tile->surface == NULL)
          continue;
        g_ptr_array_add (visible, tile->surface);
        g_array_append_val (offsets, left);
        g_array_append_val (offsets, top);
        x0 = MIN (x0, left);
        y0 = MIN (y0, top);
        x1 = MAX (x1, left + TILE_PX);
        y1 = MAX (y1, top + TILE_PX);
      }

  selected_shown = selected_position (self, frame, &sel_x, &sel_y);
  if (selected_shown)
    {
      sel_x = round (sel_x) - ox;
      sel_y = round (sel_y) - oy;
      x0 = MIN (x0, sel_x - MARKER_REACH);
      y0 = MIN (y0, sel_y - MARKER_REACH);
      x1 = MAX (x1, sel_x + MARKER_REACH);
      y1 = MAX (y1, sel_y + MARKER_REACH);
    }
  evict_tiles (self);

  /* Bound the node to what is drawn: a large cairo node is costly to composite. */
  if (extent <= 0)
    {
      x0 = MAX (x0, 0);
      y0 = MAX (y0, 0);
      x1 = MIN (x1, frame->width);
      y1 = MIN (y1, frame->height);
    }
  if (x1 <= x0 || y1 <= y0)
    return;

  gtk_snapshot_save (snapshot);
  if (frame->rotation != 0)
    {
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (frame->width / 2, frame->height / 2));
      gtk_snapshot_rotate (snapshot, frame->rotation * 180 / G_PI);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-frame->width / 2, -frame->height / 2));
    }
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0));
  for (guint i = 0; i < visible->len; i++)
    blit (cr, visible->pdata[i], g_array_index (offsets, double, 2 * i),
          g_array_index (offsets, double, 2 * i + 1));
  if (selected_shown)
    draw_selection (cr, sel_x, sel_y);
  cairo_destroy (cr);
  gtk_snapshot_restore (snapshot);
}

static void
anbu_map_status_layer_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  AnbuMapStatusLayer *self = ANBU_MAP_STATUS_LAYER (widget);
  g_autoptr(AnbuGeoClustering) clustering = NULL;
  Frame frame;
  double selected_x = 0, selected_y = 0;
  gboolean selected_shown = FALSE;
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  double margin = 2 * 26.0 + BADGE_SIZE;   /* the largest disc and its badge */
  cairo_t *cr;
  guint n;

  if (self->index == NULL || anbu_geo_index_get_size (self->index) == 0)
    {
      self->have_frame = FALSE;
      return;
    }

  compute_frame (self, &frame);
  if (frame.width <= 0 || frame.height <= 0)
    return;
  self->have_frame = TRUE;
  self->last_frame = frame;
  ensure_sprites (self);
  /* Between integral zooms (a zoom animation) the world changes size every
   * frame, and tiles would be drawn only to be dropped: draw directly. */
  if (fabs (frame.zoom - round (frame.zoom)) < 1e-6)
    {
      snapshot_tiled (self, snapshot, &frame);
      return;
    }
  clustering = cluster_frame (self, &frame);
  n = anbu_geo_clustering_get_n_clusters (clustering);
  if (n == 0)
    return;

  /* Bound the node to what is drawn: a large cairo node is costly to composite. */
  for (guint k = 0; k < n; k++)
    {
      const AnbuGeoCluster *cluster = anbu_geo_clustering_get_cluster (clustering, k);

      x0 = MIN (x0, cluster->x);
      y0 = MIN (y0, cluster->y);
      x1 = MAX (x1, cluster->x);
      y1 = MAX (y1, cluster->y);
    }
  x0 = MAX (floor (x0 - frame.origin_x - margin), -margin);
  y0 = MAX (floor (y0 - frame.origin_y - margin), -margin);
  x1 = MIN (ceil (x1 - frame.origin_x + margin), frame.width + margin);
  y1 = MIN (ceil (y1 - frame.origin_y + margin), frame.height + margin);
  if (x1 <= x0 || y1 <= y0)
    return;

  gtk_snapshot_save (snapshot);
  if (frame.rotation != 0)
    {
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (frame.width / 2, frame.height / 2));
      gtk_snapshot_rotate (snapshot, frame.rotation * 180 / G_PI);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-frame.width / 2, -frame.height / 2));
    }
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0));

  /* Least severe first, so the worst end up on top. */
  for (guint k = 0; k < n; k++)
    {
      const AnbuGeoCluster *cluster = anbu_geo_clustering_get_cluster (clustering, k);
      double x = cluster->x - frame.origin_x;
      double y = cluster->y - frame.origin_y;

      if (cluster->count == 1)
        {
          guint member = anbu_geo_clustering_get_members (clustering, k, NULL)[0];

          draw_household (self, cr, cluster->worst, x, y);
          if ((int) member == self->selected)
            {
              selected_shown = TRUE;
              selected_x = x;
              selected_y = y;
            }
        }
      else
        draw_cluster (self, cr, cluster, x, y);
    }
  if (selected_shown)
    draw_selection (cr, selected_x, selected_y);
  cairo_destroy (cr);
  gtk_snapshot_restore (snapshot);
}

/* ---- GObject ------------------------------------------------------------- */

static void
on_viewport_changed (AnbuMapStatusLayer *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
anbu_map_status_layer_constructed (GObject *object)
{
  AnbuMapStatusLayer *self = ANBU_MAP_STATUS_LAYER (object);
  ShumateViewport *viewport;

  G_OBJECT_CLASS (anbu_map_status_layer_parent_class)->constructed (object);

  viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  g_signal_connect_object (viewport, "notify::latitude", G_CALLBACK (on_viewport_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (viewport, "notify::longitude", G_CALLBACK (on_viewport_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (viewport, "notify::zoom-level", G_CALLBACK (on_viewport_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (viewport, "notify::rotation", G_CALLBACK (on_viewport_changed), self,
                           G_CONNECT_SWAPPED);
}

static void
anbu_map_status_layer_dispose (GObject *object)
{
  AnbuMapStatusLayer *self = ANBU_MAP_STATUS_LAYER (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_items_changed, self);
  g_clear_object (&self->model);
  g_ptr_array_set_size (self->points, 0);
  clear_sprite_caches (self);

  G_OBJECT_CLASS (anbu_map_status_layer_parent_class)->dispose (object);
}

static void
anbu_map_status_layer_finalize (GObject *object)
{
  AnbuMapStatusLayer *self = ANBU_MAP_STATUS_LAYER (object);

  g_clear_pointer (&self->index, anbu_geo_index_free);
  g_ptr_array_unref (self->points);
  g_hash_table_unref (self->discs);
  g_hash_table_unref (self->labels);
  g_hash_table_unref (self->tiles);
  g_free (self->selected_id);

  G_OBJECT_CLASS (anbu_map_status_layer_parent_class)->finalize (object);
}

static void
anbu_map_status_layer_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  AnbuMapStatusLayer *self = ANBU_MAP_STATUS_LAYER (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_CLUSTER_BELOW_ZOOM:
      g_value_set_uint (value, self->cluster_below_zoom);
      break;
    case PROP_SELECTED_ID:
      g_value_set_string (value, self->selected_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_map_status_layer_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  AnbuMapStatusLayer *self = ANBU_MAP_STATUS_LAYER (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      anbu_map_status_layer_set_model (self, g_value_get_object (value));
      break;
    case PROP_CLUSTER_BELOW_ZOOM:
      anbu_map_status_layer_set_cluster_below_zoom (self, g_value_get_uint (value));
      break;
    case PROP_SELECTED_ID:
      anbu_map_status_layer_set_selected_id (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_map_status_layer_class_init (AnbuMapStatusLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = anbu_map_status_layer_constructed;
  object_class->dispose = anbu_map_status_layer_dispose;
  object_class->finalize = anbu_map_status_layer_finalize;
  object_class->get_property = anbu_map_status_layer_get_property;
  object_class->set_property = anbu_map_status_layer_set_property;

  widget_class->snapshot = anbu_map_status_layer_snapshot;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLUSTER_BELOW_ZOOM] =
    g_param_spec_uint ("cluster-below-zoom", NULL, NULL, 0, 30, 17,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_ID] =
    g_param_spec_string ("selected-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
anbu_map_status_layer_init (AnbuMapStatusLayer *self)
{
  self->points = g_ptr_array_new_with_free_func (g_object_unref);
  self->discs = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) cairo_surface_destroy);
  self->labels = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) cairo_surface_destroy);
  self->tiles = g_hash_table_new_full (tile_key_hash, tile_key_equal, g_free, tile_free);
  self->cluster_below_zoom = 17;
  self->selected = -1;
  self->index = anbu_geo_index_new (NULL, 0);
}

/* ---- Public API ---------------------------------------------------------- */

AnbuMapStatusLayer *
anbu_map_status_layer_new (ShumateViewport *viewport)
{
  g_return_val_if_fail (SHUMATE_IS_VIEWPORT (viewport), NULL);
  return g_object_new (ANBU_TYPE_MAP_STATUS_LAYER, "viewport", viewport, NULL);
}

GListModel *
anbu_map_status_layer_get_model (AnbuMapStatusLayer *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_STATUS_LAYER (self), NULL);
  return self->model;
}

void
anbu_map_status_layer_set_model (AnbuMapStatusLayer *self,
                                 GListModel         *model)
{
  g_return_if_fail (ANBU_IS_MAP_STATUS_LAYER (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_items_changed, self);
  g_set_object (&self->model, model);
  if (model != NULL)
    g_signal_connect_object (model, "items-changed", G_CALLBACK (on_items_changed), self,
                             G_CONNECT_SWAPPED);
  rebuild_index (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

void
anbu_map_status_layer_reload (AnbuMapStatusLayer *self)
{
  g_return_if_fail (ANBU_IS_MAP_STATUS_LAYER (self));
  rebuild_index (self);
}

guint
anbu_map_status_layer_get_cluster_below_zoom (AnbuMapStatusLayer *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_STATUS_LAYER (self), 0);
  return self->cluster_below_zoom;
}

void
anbu_map_status_layer_set_cluster_below_zoom (AnbuMapStatusLayer *self,
                                              guint               zoom)
{
  g_return_if_fail (ANBU_IS_MAP_STATUS_LAYER (self));
  if (self->cluster_below_zoom == zoom)
    return;
  self->cluster_below_zoom = zoom;
  forget_tiles (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLUSTER_BELOW_ZOOM]);
}

const char *
anbu_map_status_layer_get_selected_id (AnbuMapStatusLayer *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_STATUS_LAYER (self), NULL);
  return self->selected_id;
}

void
anbu_map_status_layer_set_selected_id (AnbuMapStatusLayer *self,
                                       const char         *id)
{
  g_return_if_fail (ANBU_IS_MAP_STATUS_LAYER (self));

  if (g_strcmp0 (self->selected_id, id) == 0)
    return;
  g_free (self->selected_id);
  self->selected_id = g_strdup (id);
  self->selected = -1;
  for (guint i = 0; id != NULL && i < self->points->len; i++)
    if (g_strcmp0 (anbu_map_point_get_id (g_ptr_array_index (self->points, i)), id) == 0)
      {
        self->selected = (int) i;
        break;
      }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ID]);
}

gboolean
anbu_map_status_layer_pick (AnbuMapStatusLayer *self,
                            double              x,
                            double              y,
                            AnbuMapPick        *pick)
{
  g_autoptr(AnbuGeoClustering) clustering = NULL;
  const AnbuGeoCluster *cluster;
  Frame frame;
  guint hit;
  double wx, wy;

  g_return_val_if_fail (ANBU_IS_MAP_STATUS_LAYER (self), FALSE);
  g_return_val_if_fail (pick != NULL, FALSE);

  memset (pick, 0, sizeof *pick);
  pick->kind = ANBU_MAP_PICK_NOTHING;
  if (self->index == NULL || anbu_geo_index_get_size (self->index) == 0)
    return FALSE;

  compute_frame (self, &frame);
  if (frame.rotation != 0)
    {
      /* Undo the rotation the snapshot applies about the centre. */
      double dx = x - frame.width / 2, dy = y - frame.height / 2;
      double c = cos (-frame.rotation), s = sin (-frame.rotation);

      x = frame.width / 2 + dx * c - dy * s;
      y = frame.height / 2 + dx * s + dy * c;
    }
  clustering = cluster_frame (self, &frame);
  wx = x + frame.origin_x;
  wy = y + frame.origin_y;
  if (!anbu_geo_clustering_hit_test (clustering, wx, wy, 0, cluster_radius, NULL, &hit))
    return FALSE;

  cluster = anbu_geo_clustering_get_cluster (clustering, hit);
  pick->count = cluster->count;
  pick->worst = cluster->worst;
  pick->x = cluster->x - frame.origin_x;
  pick->y = cluster->y - frame.origin_y;
  pick->radius = cluster_radius (cluster->count, NULL);
  anbu_geo_from_normalised (cluster->x / frame.world, cluster->y / frame.world,
                            &pick->latitude, &pick->longitude);
  if (cluster->count == 1)
    {
      guint member = anbu_geo_clustering_get_members (clustering, hit, NULL)[0];

      pick->kind = ANBU_MAP_PICK_HOUSEHOLD;
      pick->point = g_ptr_array_index (self->points, member);
    }
  else
    pick->kind = ANBU_MAP_PICK_CLUSTER;
  return TRUE;
}

/* What the last frame showed: counted when asked, so that drawing from
 * tiles need not cluster the whole window every frame. */
static void
count_drawn (AnbuMapStatusLayer *self,
             guint              *clusters,
             guint              *households)
{
  g_autoptr(AnbuGeoClustering) clustering = NULL;

  *clusters = *households = 0;
  if (!self->have_frame || self->index == NULL || anbu_geo_index_get_size (self->index) == 0)
    return;
  clustering = cluster_frame (self, &self->last_frame);
  *clusters = anbu_geo_clustering_get_n_clusters (clustering);
  *households = anbu_geo_clustering_get_n_points (clustering);
}

guint
anbu_map_status_layer_get_n_drawn_clusters (AnbuMapStatusLayer *self)
{
  guint clusters, households;

  g_return_val_if_fail (ANBU_IS_MAP_STATUS_LAYER (self), 0);
  count_drawn (self, &clusters, &households);
  return clusters;
}

guint
anbu_map_status_layer_get_n_drawn_households (AnbuMapStatusLayer *self)
{
  guint clusters, households;

  g_return_val_if_fail (ANBU_IS_MAP_STATUS_LAYER (self), 0);
  count_drawn (self, &clusters, &households);
  return households;
}
