/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-map-page"

#include "config.h"

#include "anbu-map-page.h"

/* The window's Map page: where the households live. It is a page of its own (not the map
 * widget) so the map from src/app/map can be placed in it beside the empty state. */
struct _AnbuMapPage
{
  AdwBin parent_instance;

  AdwStatusPage *status_page;
};

G_DEFINE_TYPE (AnbuMapPage, anbu_map_page, ADW_TYPE_BIN)

static void
anbu_map_page_class_init (AnbuMapPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);


  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-map-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuMapPage, status_page);
}

static void
anbu_map_page_init (AnbuMapPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
anbu_map_page_new (void)
{
  return g_object_new (ANBU_TYPE_MAP_PAGE, NULL);
}
