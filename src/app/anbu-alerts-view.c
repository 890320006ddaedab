/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-alerts-view"

#include "config.h"

#include "anbu-alerts-view.h"

/* Risk signals: what needs a well-being check now. For now the view shows its empty state; the issue that fills it replaces this file
 * and its template. */
struct _AnbuAlertsView
{
  AdwBin parent_instance;

  AdwStatusPage *status_page;
};

G_DEFINE_TYPE (AnbuAlertsView, anbu_alerts_view, ADW_TYPE_BIN)

static void
anbu_alerts_view_class_init (AnbuAlertsViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);


  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-alerts-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuAlertsView, status_page);
}

static void
anbu_alerts_view_init (AnbuAlertsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
anbu_alerts_view_new (void)
{
  return g_object_new (ANBU_TYPE_ALERTS_VIEW, NULL);
}
