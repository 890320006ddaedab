/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-alerts-view"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-alert-row.h"
#include "anbu-alerts-view.h"

/* Risk signals: what needs a well-being check now, most urgent first
 * (심각 > 위험 > 관심, then the longest quiet). */
struct _AnbuAlertsView
{
  AdwBin parent_instance;

  GtkStack      *stack;
  AdwStatusPage *status_page;
  GtkLabel      *summary_label;
  GtkListBox    *list_box;

  AnbuCasework  *casework;
  guint          n_rows;
};

G_DEFINE_TYPE (AnbuAlertsView, anbu_alerts_view, ADW_TYPE_BIN)

static void
rebuild (AnbuAlertsView *self)
{
  GPtrArray *alerts = anbu_casework_get_open_alerts (self->casework);
  guint counts[3] = { 0 };
  g_autofree char *summary = NULL;

  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  for (guint i = 0; i < alerts->len; i++)
    {
      AnbuAlert *alert = alerts->pdata[i];

      if (alert->level >= 0 && alert->level < 3)
        counts[alert->level]++;
      gtk_list_box_append (self->list_box, anbu_alert_row_new (self->casework, alert));
    }
  self->n_rows = alerts->len;
  /* Translators: counts of open risk signals by level: 심각, 위험, 관심. */
  summary = g_strdup_printf (_("%s %u · %s %u · %s %u"),
                             anbu_alert_level_to_label (ANBU_ALERT_LEVEL_CRITICAL), counts[ANBU_ALERT_LEVEL_CRITICAL],
                             anbu_alert_level_to_label (ANBU_ALERT_LEVEL_RISK), counts[ANBU_ALERT_LEVEL_RISK],
                             anbu_alert_level_to_label (ANBU_ALERT_LEVEL_WATCH), counts[ANBU_ALERT_LEVEL_WATCH]);
  gtk_label_set_label (self->summary_label, summary);
  gtk_stack_set_visible_child_name (self->stack, alerts->len > 0 ? "list" : "empty");
}

static void
anbu_alerts_view_dispose (GObject *object)
{
  AnbuAlertsView *self = ANBU_ALERTS_VIEW (object);

  if (self->casework != NULL)
    g_signal_handlers_disconnect_by_data (self->casework, self);
  g_clear_object (&self->casework);
  /* Through AdwBin first, so that it does not keep a child the template dropped. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ANBU_TYPE_ALERTS_VIEW);
  G_OBJECT_CLASS (anbu_alerts_view_parent_class)->dispose (object);
}

static void
anbu_alerts_view_class_init (AnbuAlertsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = anbu_alerts_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-alerts-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuAlertsView, stack);
  gtk_widget_class_bind_template_child (widget_class, AnbuAlertsView, status_page);
  gtk_widget_class_bind_template_child (widget_class, AnbuAlertsView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuAlertsView, list_box);
}

static void
anbu_alerts_view_init (AnbuAlertsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_stack_set_visible_child_name (self->stack, "empty");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Open risk signals"), -1);
}

GtkWidget *
anbu_alerts_view_new (void)
{
  return g_object_new (ANBU_TYPE_ALERTS_VIEW, NULL);
}

static void
apply_casework (AnbuAlertsView *self,
                AnbuCasework *casework)
{
  g_return_if_fail (ANBU_IS_ALERTS_VIEW (self));
  g_return_if_fail (casework == NULL || ANBU_IS_CASEWORK (casework));

  if (self->casework == casework)
    return;
  if (self->casework != NULL)
    g_signal_handlers_disconnect_by_data (self->casework, self);
  g_set_object (&self->casework, casework);
  if (casework == NULL)
    {
      GtkWidget *child;

      /* Signed out: nothing of the caseload stays on screen. */
      while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
        gtk_list_box_remove (self->list_box, child);
      self->n_rows = 0;
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  g_signal_connect_swapped (casework, "changed", G_CALLBACK (rebuild), self);
  if (anbu_casework_get_loaded (casework))
    rebuild (self);
}

void
anbu_alerts_view_set_context (AnbuAlertsView *self,
                              AnbuContext *context)
{
  g_return_if_fail (ANBU_IS_ALERTS_VIEW (self));
  g_return_if_fail (ANBU_IS_CONTEXT (context));

  anbu_context_follow_casework (context, G_OBJECT (self), (AnbuCaseworkApply) apply_casework);
}

GtkWidget *
anbu_alerts_view_get_row (AnbuAlertsView *self,
                          guint           index)
{
  g_return_val_if_fail (ANBU_IS_ALERTS_VIEW (self), NULL);
  return GTK_WIDGET (gtk_list_box_get_row_at_index (self->list_box, index));
}

guint
anbu_alerts_view_get_n_rows (AnbuAlertsView *self)
{
  g_return_val_if_fail (ANBU_IS_ALERTS_VIEW (self), 0);
  return self->n_rows;
}
