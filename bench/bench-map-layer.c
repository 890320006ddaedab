/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-bench"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "anbu-bench-util.h"
#include "anbu-frame-memory.h"
#include "anbu-map-raster-source.h"
#include "anbu-map-status-layer.h"
#include "anbu-map-tile-source.h"

/* bench-map-layer: how long the households' layer takes to build its snapshot
 * and to render it with the cairo renderer, for 10,000 and 50,000 households
 * at zoom 11 (clustered) and 16 (one marker each), and how many frames per
 * second the map keeps while it pans. Run it under Xvfb:
 *
 *   xvfb-run -a -s '-screen 0 1280x800x24' _build/bench/bench-map-layer
 *
 * The map pans over base tiles put in the tile cache beforehand (opaque
 * 256 px PNGs, as a tile server sends; BENCH_NO_TILES=1: none, as before
 * 2026-12-05, when only the households were drawn).
 *
 * GSK_RENDERER picks another renderer (default here: cairo); BENCH_PAN_ONLY=1
 * runs only the panning part (e.g. under perf); BENCH_PAN_HOUSES and
 * BENCH_PAN_ZOOM pan only that many households / at that zoom;
 * BENCH_SNAP_START=1 starts each pan on a whole pixel, so that the base tiles
 * stay on whole pixels (4 px steps); BENCH_DEFAULT_MALLOC=1 leaves glibc's
 * allocator and cairo's shared memory as they were (see anbu-frame-memory.h).
 *
 * Besides the time, each panning row counts the page faults per frame: a
 * frame that writes into freshly mapped memory pays a fault per 4 KiB page,
 * which cost more than the drawing itself in a virtual machine, and unlike
 * the time the count does not depend on how loaded the machine is.
 */

#define WIDTH 1280
#define HEIGHT 800
#define ITERATIONS 60
#define PAN_SECONDS 3.0

typedef struct
{
  const char *name;
  double      south, west, north, east;
} Area;

/* One district (구), and the whole of Seoul. */
static const Area areas[] = {
  { "district", 37.455, 126.900, 37.490, 126.960 },
  { "seoul",    37.430, 126.760, 37.700, 127.180 },
};

static GListStore *
make_points (guint       n,
             const Area *area)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (n);
  GListStore *store = g_list_store_new (ANBU_TYPE_MAP_POINT);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      double r = g_rand_double (rand);
      AnbuMapState state = r < 0.80 ? ANBU_MAP_STATE_NORMAL :
                           r < 0.85 ? ANBU_MAP_STATE_ABSENT :
                           r < 0.90 ? ANBU_MAP_STATE_OFFLINE :
                           r < 0.95 ? ANBU_MAP_STATE_WATCH :
                           r < 0.99 ? ANBU_MAP_STATE_RISK : ANBU_MAP_STATE_CRITICAL;
      g_autofree char *id = g_strdup_printf ("hh-%06u", i);

      g_ptr_array_add (items, anbu_map_point_new (id, id,
                                                  g_rand_double_range (rand, area->south, area->north),
                                                  g_rand_double_range (rand, area->west, area->east),
                                                  state, 5));
    }
  g_list_store_splice (store, 0, 0, items->pdata, items->len);
  return store;
}

/* An opaque tile that looks a little like a street map: blocks, streets and
 * a label, so that it is not one colour a renderer could fill. */
static void
write_tile (AnbuMapTileSource *source,
            int                x,
            int                y,
            int                zoom)
{
  g_autofree char *path = anbu_map_tile_source_get_cache_path (source, x, y, zoom);
  g_autofree char *label = g_strdup_printf ("%d/%d/%d", zoom, x, y);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 256, 256);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 0.95, 0.94, 0.91);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.85, 0.83, 0.80);
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++)
      cairo_rectangle (cr, 8 + 64 * i, 8 + 64 * j, 48 + (x + i) % 3 * 4, 48 - (y + j) % 3 * 4);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_width (cr, 6);
  cairo_move_to (cr, 0, 128 + (x % 5) * 10);
  cairo_line_to (cr, 256, 100 + (y % 7) * 10);
  cairo_stroke (cr);
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  cairo_move_to (cr, 20, 40);
  cairo_show_text (cr, label);
  cairo_destroy (cr);
  if (cairo_surface_write_to_png (surface, path) != CAIRO_STATUS_SUCCESS)
    g_error ("could not write %s", path);
  cairo_surface_destroy (surface);
}

/* Tiles around an area's centre, as far as the panning below goes. */
static void
write_tiles (AnbuMapTileSource *source,
             const Area        *area,
             const double      *zooms,
             guint              n_zooms)
{
  for (guint z = 0; z < n_zooms; z++)
    {
      double cx, cy;

      anbu_geo_to_world_pixels ((area->south + area->north) / 2, (area->west + area->east) / 2,
                                zooms[z], 256, &cx, &cy);
      for (int dy = -4; dy <= 4; dy++)
        for (int dx = -7; dx <= 7; dx++)
          write_tile (source, (int) (cx / 256) + dx, (int) (cy / 256) + dy, (int) zooms[z]);
    }
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);

      g_unlink (file);
    }
  g_rmdir (path);
}

/* This thread's minor page faults so far. */
static long
minor_faults (void)
{
  struct rusage usage;

  getrusage (RUSAGE_THREAD, &usage);
  return usage.ru_minflt;
}

/* This thread's CPU time: on a loaded machine the wall clock also counts
 * other processes (the X server included), the CPU time only the app's work. */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static gboolean
count_frame (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

/* Lets the window draw n frames (a tick callback keeps the frame clock running). */
static void
spin_frames (GtkWidget *widget,
             guint      n)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (widget, count_frame, &frames, NULL);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (frames < n && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_remove_tick_callback (widget, id);
}

typedef struct
{
  ShumateViewport *viewport;
  double           lat;
  double           lon;
  double           step;      /* degrees of longitude per frame */
  gint64           first;
  gint64           last;
  guint            frames;
  gint64           paint_start;
  double           cpu_start;
  long             faults_start;
  long             faults;    /* minor page faults during the frames */
  GArray          *frame_ms;  /* layout-to-after-paint wall time per frame */
  GArray          *cpu_ms;    /* the same, this thread's CPU time */
} Pan;

static gboolean
pan_tick (GtkWidget     *widget,
          GdkFrameClock *clock,
          gpointer       user_data)
{
  Pan *pan = user_data;
  gint64 now = gdk_frame_clock_get_frame_time (clock);

  if (pan->frames == 0)
    pan->first = now;
  pan->last = now;
  pan->frames++;
  /* Swing back and forth across the area. */
  pan->lon += pan->step * (((pan->frames / 120) % 2) ? -1 : 1);
  shumate_location_set_location (SHUMATE_LOCATION (pan->viewport), pan->lat, pan->lon);
  return G_SOURCE_CONTINUE;
}

static void
on_before_layout (GdkFrameClock *clock,
                  Pan           *pan)
{
  pan->paint_start = g_get_monotonic_time ();
  pan->cpu_start = cpu_ms ();
  pan->faults_start = minor_faults ();
}

static void
on_after_paint (GdkFrameClock *clock,
                Pan           *pan)
{
  double ms = (g_get_monotonic_time () - pan->paint_start) / 1000.0;
  double cpu = cpu_ms () - pan->cpu_start;

  if (pan->paint_start > 0)
    {
      g_array_append_val (pan->frame_ms, ms);
      g_array_append_val (pan->cpu_ms, cpu);
      pan->faults += minor_faults () - pan->faults_start;
    }
}

int
main (int   argc,
      char *argv[])
{
  const guint sizes[] = { 10000, 50000 };
  const double zooms[] = { 11, 16, 17 };
  g_autoptr(GError) error = NULL;
  g_autofree char *cache = NULL;
  g_autoptr(AnbuMapTileSource) source = NULL;
  g_autoptr(ShumateMapSource) map_source = NULL;
  g_autoptr(GskRenderer) renderer = NULL;
  ShumateSimpleMap *map;
  ShumateViewport *viewport;
  AnbuMapStatusLayer *layer;
  GtkWidget *window;
  guint only_houses = g_getenv ("BENCH_PAN_HOUSES") ? atoi (g_getenv ("BENCH_PAN_HOUSES")) : 0;
  double only_zoom = g_getenv ("BENCH_PAN_ZOOM") ? atof (g_getenv ("BENCH_PAN_ZOOM")) : 0;

  /* As the app does at start-up (BENCH_DEFAULT_MALLOC=1: glibc's defaults). */
  if (g_getenv ("BENCH_DEFAULT_MALLOC") == NULL)
    anbu_frame_memory_keep_frame_buffers ();
  if (g_getenv ("GSK_RENDERER") == NULL)
    g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_setenv ("GTK_A11Y", "none", FALSE);
  gtk_init ();
  setvbuf (stdout, NULL, _IOLBF, 0);

  /* The source points at a closed local port: only cached tiles show. */
  cache = g_dir_make_tmp ("anbu-bench-XXXXXX", &error);
  g_assert_no_error (error);
  source = anbu_map_tile_source_new ("http://127.0.0.1:9", cache);
  if (g_getenv ("BENCH_NO_TILES") == NULL)
    write_tiles (source, &areas[0], zooms, G_N_ELEMENTS (zooms));
  map_source = anbu_map_tile_source_create_map_source (source);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  map = shumate_simple_map_new ();
  shumate_simple_map_set_map_source (map, map_source);
  viewport = shumate_simple_map_get_viewport (map);
  /* As AnbuMapView does. */
  anbu_map_raster_source_set_pixel_grid (ANBU_MAP_RASTER_SOURCE (map_source), viewport,
                                         GTK_WIDGET (shumate_simple_map_get_map (map)));
  layer = anbu_map_status_layer_new (viewport);
  shumate_simple_map_add_overlay_layer (map, SHUMATE_LAYER (layer));
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (map));
  gtk_window_present (GTK_WINDOW (window));
  /* As AnbuMapView does when realized (BENCH_DEFAULT_MALLOC=1: not). */
  if (g_getenv ("BENCH_DEFAULT_MALLOC") == NULL)
    anbu_frame_memory_keep_window_buffers (window);
  spin_frames (window, 3);

  renderer = gsk_cairo_renderer_new ();
  if (!gsk_renderer_realize (renderer, NULL, &error))
    g_error ("cairo renderer: %s", error->message);

  printf ("# Status layer, %dx%d, renderer %s, %d iterations per row\n", WIDTH, HEIGHT,
          g_getenv ("GSK_RENDERER"), ITERATIONS);
  printf ("%-9s %7s %5s %9s %11s %11s %11s %11s %9s\n", "area", "houses", "zoom", "drawn",
          "snap_med", "snap_p95", "render_med", "render_p95", "nodes_ms");

  for (guint a = 0; a < (g_getenv ("BENCH_PAN_ONLY") ? 0 : G_N_ELEMENTS (areas)); a++)
    for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
      {
        g_autoptr(GListStore) store = make_points (sizes[s], &areas[a]);
        double clat = (areas[a].south + areas[a].north) / 2;
        double clon = (areas[a].west + areas[a].east) / 2;

        anbu_map_status_layer_set_model (layer, G_LIST_MODEL (store));

        for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
          {
            double snap[ITERATIONS], render[ITERATIONS];
            guint drawn = 0;

            shumate_viewport_set_zoom_level (viewport, zooms[z]);
            shumate_location_set_location (SHUMATE_LOCATION (viewport), clat, clon);
            spin_frames (window, 2);

            for (int i = -5; i < ITERATIONS; i++)
              {
                g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
                g_autoptr(GskRenderNode) node = NULL;
                g_autoptr(GdkTexture) texture = NULL;
                gint64 t0, t1, t2;

                /* A small pan each time, as while dragging. */
                shumate_location_set_location (SHUMATE_LOCATION (viewport), clat,
                                               clon + 0.00002 * i * exp2 (16 - zooms[z]));
                t0 = g_get_monotonic_time ();
                GTK_WIDGET_GET_CLASS (layer)->snapshot (GTK_WIDGET (layer), snapshot);
                node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
                t1 = g_get_monotonic_time ();
                if (node != NULL)
                  texture = gsk_renderer_render_texture (renderer, node,
                                                         &GRAPHENE_RECT_INIT (0, 0, WIDTH, HEIGHT));
                t2 = g_get_monotonic_time ();
                if (i >= 0)
                  {
                    snap[i] = (t1 - t0) / 1000.0;
                    render[i] = (t2 - t1) / 1000.0;
                  }
                drawn = anbu_map_status_layer_get_n_drawn_clusters (layer);
              }
            {
              double snap_copy[ITERATIONS], render_copy[ITERATIONS];

              memcpy (snap_copy, snap, sizeof snap);
              memcpy (render_copy, render, sizeof render);
              printf ("%-9s %7u %5.0f %9u %8.2f ms %8.2f ms %8.2f ms %8.2f ms %6.2f ms\n",
                      areas[a].name, sizes[s], zooms[z], drawn,
                      anbu_bench_percentile (snap, ITERATIONS, 0.5), anbu_bench_percentile (snap_copy, ITERATIONS, 0.95),
                      anbu_bench_percentile (render, ITERATIONS, 0.5),
                      anbu_bench_percentile (render_copy, ITERATIONS, 0.95),
                      anbu_bench_percentile (snap, ITERATIONS, 0.5) + anbu_bench_percentile (render, ITERATIONS, 0.5));
            }
          }
        anbu_map_status_layer_set_model (layer, NULL);
      }

  /* Panning the real window: frames per second and the time each frame takes. */
  printf ("\n# Panning the map window programmatically for %.0f s per row (frame clock paced)\n",
          PAN_SECONDS);
  printf ("%-9s %7s %5s %7s %12s %12s %12s %12s %8s\n", "area", "houses", "zoom", "fps", "frame_med",
          "frame_p95", "cpu_med", "cpu_p95", "faults");
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autoptr(GListStore) store = NULL;

      if (only_houses > 0 && sizes[s] != only_houses)
        continue;
      store = make_points (sizes[s], &areas[0]);

      anbu_map_status_layer_set_model (layer, G_LIST_MODEL (store));
      for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
        {
          GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
          Pan pan = { .viewport = viewport,
                      .lat = (areas[0].south + areas[0].north) / 2,
                      .lon = (areas[0].west + areas[0].east) / 2,
                      /* about 4 px per frame */
                      .step = 4.0 * 360.0 / (256.0 * exp2 (zooms[z])),
                      .frame_ms = g_array_new (FALSE, FALSE, sizeof (double)),
                      .cpu_ms = g_array_new (FALSE, FALSE, sizeof (double)) };
          gulong h1, h2;
          guint id;
          gint64 end;

          if (only_zoom > 0 && zooms[z] != only_zoom)
            continue;
          shumate_viewport_set_zoom_level (viewport, zooms[z]);
          if (g_getenv ("BENCH_SNAP_START"))
            {
              ShumateMapSource *ms = shumate_viewport_get_reference_map_source (viewport);
              double px = round (shumate_map_source_get_x (ms, zooms[z], pan.lon));
              double py = round (shumate_map_source_get_y (ms, zooms[z], pan.lat));
              pan.lon = shumate_map_source_get_longitude (ms, zooms[z], px);
              pan.lat = shumate_map_source_get_latitude (ms, zooms[z], py);
            }
          shumate_location_set_location (SHUMATE_LOCATION (viewport), pan.lat, pan.lon);
          spin_frames (window, 2);
          h1 = g_signal_connect (clock, "layout", G_CALLBACK (on_before_layout), &pan);
          h2 = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &pan);
          id = gtk_widget_add_tick_callback (window, pan_tick, &pan, NULL);
          end = g_get_monotonic_time () + (gint64) (PAN_SECONDS * G_USEC_PER_SEC);
          while (g_get_monotonic_time () < end)
            g_main_context_iteration (NULL, TRUE);
          gtk_widget_remove_tick_callback (window, id);
          g_signal_handler_disconnect (clock, h1);
          g_signal_handler_disconnect (clock, h2);

          printf ("%-9s %7u %5.0f %7.1f %9.2f ms %9.2f ms %9.2f ms %9.2f ms %8.0f\n", areas[0].name, sizes[s], zooms[z],
                  pan.frames > 1 ? (pan.frames - 1) * 1e6 / (double) (pan.last - pan.first) : 0,
                  anbu_bench_percentile ((double *) pan.frame_ms->data, pan.frame_ms->len, 0.5),
                  anbu_bench_percentile ((double *) pan.frame_ms->data, pan.frame_ms->len, 0.95),
                  anbu_bench_percentile ((double *) pan.cpu_ms->data, pan.cpu_ms->len, 0.5),
                  anbu_bench_percentile ((double *) pan.cpu_ms->data, pan.cpu_ms->len, 0.95),
                  pan.frame_ms->len > 0 ? pan.faults / (double) pan.frame_ms->len : 0);
          g_array_unref (pan.frame_ms);
          g_array_unref (pan.cpu_ms);
        }
      anbu_map_status_layer_set_model (layer, NULL);
    }

  gsk_renderer_unrealize (renderer);
  gtk_window_destroy (GTK_WINDOW (window));
  remove_dir (cache);
  return 0;
}
