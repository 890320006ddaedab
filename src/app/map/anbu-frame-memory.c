/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-map"

#include "config.h"

#include <stdlib.h>   /* defines __GLIBC__ with glibc */
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "anbu-frame-memory.h"

#if defined (GDK_WINDOWING_X11) && defined (ANBU_HAVE_CAIRO_XLIB)
#include <cairo-xlib.h>
#include <gdk/x11/gdkx.h>
#define KEEP_X11_SEGMENT 1
#endif

/* Buffers up to this size come from the heap, not from mmap() of their own
 * (glibc's largest allowed value): a frame of a 4K window at scale 1 still
 * fits. */
#define HEAP_BUFFER_MAX (32 * 1024 * 1024)

/* Free memory at the top of the heap kept for the next frame: both of a
 * frame's buffers for a 2560×1600 window (16 MB each), with room to spare.
 * glibc's default adapts to the largest buffer freed so far, twice one
 * 4 MB buffer, and so trims after every frame that frees two. */
#define HEAP_KEEP_FREE (64 * 1024 * 1024)

#define SEGMENT_KEEPER_KEY "anbu-frame-memory-segment"

gboolean
anbu_frame_memory_keep_frame_buffers (void)
{
#ifdef __GLIBC__
  /* Setting either turns off glibc's own adjustment of both. */
  return mallopt (M_MMAP_THRESHOLD, HEAP_BUFFER_MAX) == 1
         && mallopt (M_TRIM_THRESHOLD, HEAP_KEEP_FREE) == 1;
#else
  return FALSE;
#endif
}

#ifdef KEEP_X11_SEGMENT
/* The bytes of a frame of the largest monitor (a guess when none is known). */
static void
largest_frame (GdkDisplay *display,
               int        *width,
               int        *height)
{
  GListModel *monitors = gdk_display_get_monitors (display);

  *width = 1920;
  *height = 1080;
  for (guint i = 0; i < g_list_model_get_n_items (monitors); i++)
    {
      g_autoptr(GdkMonitor) monitor = g_list_model_get_item (monitors, i);
      int scale = gdk_monitor_get_scale_factor (monitor);
      GdkRectangle geometry;

      gdk_monitor_get_geometry (monitor, &geometry);
      if ((gint64) geometry.width * geometry.height * scale * scale > (gint64) *width * *height)
        {
          *width = geometry.width * scale;
          *height = geometry.height * scale;
        }
    }
}

/* cairo (1.16) carves its shared images out of pools of shared memory and
 * unmaps a pool as soon as nothing in it is in use: a tiny image held for
 * good keeps the pool, sized by a whole frame allocated first, mapped. */
static cairo_surface_t *
hold_segment (GdkDisplay *display)
{
  Display *xdisplay = gdk_x11_display_get_xdisplay (display);
  Screen *screen = DefaultScreenOfDisplay (xdisplay);
  cairo_surface_t *root = cairo_xlib_surface_create (xdisplay, RootWindowOfScreen (screen),
                                                     DefaultVisualOfScreen (screen), 1, 1);
  cairo_surface_t *frame, *keeper;
  int width, height;

  largest_frame (display, &width, &height);
  frame = cairo_surface_create_similar_image (root, CAIRO_FORMAT_ARGB32, width, height);
  keeper = cairo_surface_create_similar_image (root, CAIRO_FORMAT_ARGB32, 16, 16);
  cairo_surface_destroy (frame);
  cairo_surface_destroy (root);
  return keeper;
}
#endif

void
anbu_frame_memory_keep_window_buffers (GtkWidget *widget)
{
#ifdef KEEP_X11_SEGMENT
  GtkNative *native;
  GskRenderer *renderer;
  GdkDisplay *display;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  native = gtk_widget_get_native (widget);
  renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;
  display = gtk_widget_get_display (widget);
  if (renderer == NULL || !GSK_IS_CAIRO_RENDERER (renderer) || !GDK_IS_X11_DISPLAY (display)
      || g_object_get_data (G_OBJECT (display), SEGMENT_KEEPER_KEY) != NULL)
    return;
  g_object_set_data_full (G_OBJECT (display), SEGMENT_KEEPER_KEY, hold_segment (display),
                          (GDestroyNotify) cairo_surface_destroy);
#endif
}
