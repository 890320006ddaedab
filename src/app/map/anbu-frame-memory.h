/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Keeping the memory of a frame's large buffers between frames, so that a
 * window redrawn every frame (the map while it pans) does not map fresh
 * pages each time: in a virtual machine the page faults of a 1280×800 frame
 * cost 15–35 ms, several times the drawing itself (bench-map-layer, "faults").
 *
 * With GTK's cairo renderer each frame allocates an image of the repainted
 * area (the whole window while the map pans), cairo a second one to play back
 * a cairo node (4 MB each at 1280×800), and on X11 cairo copies the frame
 * into shared memory for the X server. */

/* glibc's default heap trimming hands both images back to the kernel after
 * every frame. Call once at start-up, before the first window; process-wide;
 * a no-op outside glibc. Returns whether the allocator took the settings. */
gboolean anbu_frame_memory_keep_frame_buffers  (void);

/* cairo maps a new shared memory segment for the X server once the last one
 * fell idle, which it does between frames as soon as frames are slow. With the
 * cairo renderer on X11, keeps one segment large enough for a frame of the
 * largest monitor mapped for the widget's display; otherwise does nothing.
 * Call when the widget is realized. */
void     anbu_frame_memory_keep_window_buffers (GtkWidget *widget);

G_END_DECLS
