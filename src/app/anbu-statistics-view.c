/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-statistics-view"

#include "config.h"

#include "anbu-statistics-view.h"

/* Statistics: the figures of a period. For now the view shows its empty state; the issue that fills it replaces this file
 * and its template. */
struct _AnbuStatisticsView
{
  AdwBin parent_instance;

  AdwStatusPage *status_page;
};

G_DEFINE_TYPE (AnbuStatisticsView, anbu_statistics_view, ADW_TYPE_BIN)

static void
anbu_statistics_view_class_init (AnbuStatisticsViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);


  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-statistics-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuStatisticsView, status_page);
}

static void
anbu_statistics_view_init (AnbuStatisticsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
anbu_statistics_view_new (void)
{
  return g_object_new (ANBU_TYPE_STATISTICS_VIEW, NULL);
}
