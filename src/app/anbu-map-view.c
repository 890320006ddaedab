/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-map-view"

#include "config.h"

#include "anbu-map-view.h"

/* Map: where your households live. For now the view shows its empty state; the issue that fills it replaces this file
 * and its template. */
struct _AnbuMapView
{
  AdwBin parent_instance;

  AdwStatusPage *status_page;
};

G_DEFINE_TYPE (AnbuMapView, anbu_map_view, ADW_TYPE_BIN)

static void
anbu_map_view_class_init (AnbuMapViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);


  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-map-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuMapView, status_page);
}

static void
anbu_map_view_init (AnbuMapView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
anbu_map_view_new (void)
{
  return g_object_new (ANBU_TYPE_MAP_VIEW, NULL);
}
