/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-households-view"

#include "config.h"

#include "anbu-households-view.h"

/* Households: the people in your caseload. For now the view shows its empty state; the issue that fills it replaces this file
 * and its template. */
struct _AnbuHouseholdsView
{
  AdwBin parent_instance;

  AdwStatusPage *status_page;
};

G_DEFINE_TYPE (AnbuHouseholdsView, anbu_households_view, ADW_TYPE_BIN)

static void
anbu_households_view_class_init (AnbuHouseholdsViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);


  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-households-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuHouseholdsView, status_page);
}

static void
anbu_households_view_init (AnbuHouseholdsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
anbu_households_view_new (void)
{
  return g_object_new (ANBU_TYPE_HOUSEHOLDS_VIEW, NULL);
}
