/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-map"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "anbu-map-route-layer.h"

struct _AnbuMapRouteLayer
{
  ShumateLayer  parent_instance;

  GArray       *places;      /* AnbuGeoCoord; 0 is the start */
  gboolean      round_trip;
};

G_DEFINE_TYPE (AnbuMapRouteLayer, anbu_map_route_layer, SHUMATE_TYPE_LAYER)

static void
draw_label (cairo_t    *cr,
            GtkWidget  *widget,
            const char *text,
            double      x,
            double      y)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();
  int w, h;

  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_attr_list_insert (attrs, pango_attr_scale_new (0.85));
  pango_layout_set_attributes (layout, attrs);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - w / 2.0, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
}

static void
anbu_map_route_layer_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  AnbuMapRouteLayer *self = ANBU_MAP_ROUTE_LAYER (widget);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autofree double *xs = NULL;
  g_autofree double *ys = NULL;
  guint n = self->places->len;
  cairo_t *cr;

  if (n < 2 || width <= 0 || height <= 0)
    return;

  xs = g_new (double, n);
  ys = g_new (double, n);
  for (guint i = 0; i < n; i++)
    {
      const AnbuGeoCoord *p = &g_array_index (self->places, AnbuGeoCoord, i);

      shumate_viewport_location_to_widget_coords (viewport, widget, p->latitude, p->longitude,
                                                  &xs[i], &ys[i]);
    }

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  /* The path: a white casing under a blue line, readable on any map. */
  for (int pass = 0; pass < 2; pass++)
    {
      cairo_move_to (cr, xs[0], ys[0]);
      for (guint i = 1; i < n; i++)
        cairo_line_to (cr, xs[i], ys[i]);
      if (self->round_trip)
        cairo_line_to (cr, xs[0], ys[0]);
      if (pass == 0)
        {
          cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
          cairo_set_line_width (cr, 8);
        }
      else
        {
          cairo_set_source_rgba (cr, 0.10, 0.37, 0.71, 0.95);
          cairo_set_line_width (cr, 4);
        }
      cairo_stroke (cr);
    }

  /* Stops, numbered in visiting order. */
  for (guint i = n - 1; i >= 1; i--)
    {
      g_autofree char *number = g_strdup_printf ("%u", i);

      cairo_arc (cr, xs[i], ys[i], 11, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, 0.10, 0.37, 0.71);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, 2);
      cairo_stroke (cr);
      draw_label (cr, widget, number, xs[i], ys[i]);
    }

  /* The start: a dark box labelled as the community centre, as wide as its label. */
  {
    /* Translators: the route's starting point on the map, the community centre (동주민센터); keep it to one or two characters */
    g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, C_("route start", "C"));
    int w, h;

    pango_layout_get_pixel_size (layout, &w, &h);
    w = MAX (w + 10, 24);
    cairo_rectangle (cr, xs[0] - w / 2.0, ys[0] - 12, w, 24);
    cairo_set_source_rgb (cr, 0.14, 0.12, 0.19);
    cairo_fill_preserve (cr);
    cairo_set_source_rgb (cr, 1, 1, 1);
    cairo_set_line_width (cr, 2);
    cairo_stroke (cr);
    draw_label (cr, widget, C_("route start", "C"), xs[0], ys[0]);
  }

  cairo_destroy (cr);
}

static void
on_viewport_changed (AnbuMapRouteLayer *self)
{
  if (self->places->len > 1)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
anbu_map_route_layer_constructed (GObject *object)
{
  AnbuMapRouteLayer *self = ANBU_MAP_ROUTE_LAYER (object);
  ShumateViewport *viewport;

  G_OBJECT_CLASS (anbu_map_route_layer_parent_class)->constructed (object);

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
anbu_map_route_layer_finalize (GObject *object)
{
  AnbuMapRouteLayer *self = ANBU_MAP_ROUTE_LAYER (object);

  g_array_unref (self->places);

  G_OBJECT_CLASS (anbu_map_route_layer_parent_class)->finalize (object);
}

static void
anbu_map_route_layer_class_init (AnbuMapRouteLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = anbu_map_route_layer_constructed;
  object_class->finalize = anbu_map_route_layer_finalize;
  widget_class->snapshot = anbu_map_route_layer_snapshot;
}

static void
anbu_map_route_layer_init (AnbuMapRouteLayer *self)
{
  self->places = g_array_new (FALSE, FALSE, sizeof (AnbuGeoCoord));
  /* The route is a picture: clicks go through to the households under it. */
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

AnbuMapRouteLayer *
anbu_map_route_layer_new (ShumateViewport *viewport)
{
  g_return_val_if_fail (SHUMATE_IS_VIEWPORT (viewport), NULL);
  return g_object_new (ANBU_TYPE_MAP_ROUTE_LAYER, "viewport", viewport, NULL);
}

void
anbu_map_route_layer_set_path (AnbuMapRouteLayer  *self,
                               const AnbuGeoCoord *places,
                               guint               n_places,
                               gboolean            round_trip)
{
  g_return_if_fail (ANBU_IS_MAP_ROUTE_LAYER (self));
  g_return_if_fail (places != NULL || n_places == 0);

  g_array_set_size (self->places, 0);
  g_array_append_vals (self->places, places, n_places);
  self->round_trip = round_trip;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
anbu_map_route_layer_clear (AnbuMapRouteLayer *self)
{
  g_return_if_fail (ANBU_IS_MAP_ROUTE_LAYER (self));
  g_array_set_size (self->places, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
anbu_map_route_layer_get_n_places (AnbuMapRouteLayer *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_ROUTE_LAYER (self), 0);
  return self->places->len;
}
