/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-visits-view"

#include "config.h"

#include "anbu-visits-view.h"

/* Visits: recorded and due. For now the view shows its empty state; the issue that fills it replaces this file
 * and its template. */
struct _AnbuVisitsView
{
  AdwBin parent_instance;

  AdwStatusPage *status_page;
};

G_DEFINE_TYPE (AnbuVisitsView, anbu_visits_view, ADW_TYPE_BIN)

static void
anbu_visits_view_class_init (AnbuVisitsViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);


  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-visits-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuVisitsView, status_page);
}

static void
anbu_visits_view_init (AnbuVisitsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
anbu_visits_view_new (void)
{
  return g_object_new (ANBU_TYPE_VISITS_VIEW, NULL);
}
