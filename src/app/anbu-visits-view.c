/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-visits-view"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-case-form-dialog.h"
#include "anbu-households-view.h"
#include "anbu-kst.h"
#include "anbu-validate.h"
#include "anbu-visits-view.h"

/* Visits due today and this week, from next visit dates and open risk
 * signals; recording the visit takes it off the list. */
struct _AnbuVisitsView
{
  AdwBin parent_instance;

  GtkStack      *stack;
  AdwStatusPage *status_page;
  GtkBox        *groups_box;

  AnbuCasework  *casework;
  GPtrArray     *shown;  /* household ids */
};

G_DEFINE_TYPE (AnbuVisitsView, anbu_visits_view, ADW_TYPE_BIN)

static void
on_record_clicked (GtkButton      *button,
                   AnbuVisitsView *self)
{
  const char *household_id = g_object_get_data (G_OBJECT (button), "anbu-household-id");

  anbu_case_form_present (GTK_WIDGET (self), self->casework, ANBU_CASE_FORM_VISIT, household_id, NULL);
}

static void
on_row_activated (AdwActionRow   *row,
                  AnbuVisitsView *self)
{
  anbu_households_view_open_in_window (GTK_WIDGET (self), g_object_get_data (G_OBJECT (row), "anbu-household-id"));
}

static GtkWidget *
make_row (AnbuVisitsView     *self,
          const AnbuVisitDue *due,
          const GDate        *today)
{
  AnbuHousehold *h = anbu_casework_lookup_household (self->casework, due->household_id);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("Record _Visit"));
  g_autofree char *when = NULL;
  g_autofree char *subtitle = NULL;
  const char *why;

  if (g_date_compare (&due->due, today) < 0)
    {
      g_autoptr(GDateTime) moment = anbu_kst_new_from_date (&due->due, 0, 0);
      g_autofree char *date = anbu_kst_format_date (moment);
      /* Translators: %s is the date the visit was due. */
      when = g_strdup_printf (_("Overdue since %s"), date);
    }
  else if (g_date_compare (&due->due, today) == 0)
    when = g_strdup (_("Today"));
  else
    {
      g_autoptr(GDateTime) moment = anbu_kst_new_from_date (&due->due, 0, 0);
      when = anbu_kst_format_date (moment);
    }
  why = due->reason == ANBU_VISIT_DUE_ALERT ? _("Open risk signal") : _("Scheduled visit");
  subtitle = g_strdup_printf ("%s · %s · %s", when, why, h != NULL ? h->address : "");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), h != NULL ? h->name : due->household_id);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (button), "anbu-household-id", g_strdup (due->household_id), g_free);
  gtk_widget_set_name (button, "visit-record");
  g_signal_connect (button, "clicked", G_CALLBACK (on_record_clicked), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  if (due->reason == ANBU_VISIT_DUE_ALERT)
    gtk_widget_add_css_class (row, "error");
  /* The row opens the household; the button records the visit. */
  g_object_set_data_full (G_OBJECT (row), "anbu-household-id", g_strdup (due->household_id), g_free);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_signal_connect (row, "activated", G_CALLBACK (on_row_activated), self);
  return row;
}

static void
rebuild (AnbuVisitsView *self)
{
  g_autoptr(GDateTime) now = anbu_timestamp_to_date_time (anbu_casework_get_now (self->casework));
  g_autoptr(GPtrArray) due = NULL;
  GtkWidget *today_group = adw_preferences_group_new ();
  GtkWidget *week_group = adw_preferences_group_new ();
  GtkWidget *child;
  GDate today, until;
  guint n_today = 0, n_week = 0;

  anbu_kst_get_date (now, &today);
  until = today;
  g_date_add_days (&until, 7 - g_date_get_weekday (&today));  /* through Sunday */
  due = anbu_casework_list_visits_due (self->casework, &today, &until);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_box))) != NULL)
    gtk_box_remove (self->groups_box, child);
  g_ptr_array_set_size (self->shown, 0);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (today_group), _("Today"));
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (week_group), _("Later This Week"));
  gtk_widget_set_name (today_group, "visits-today");
  gtk_widget_set_name (week_group, "visits-week");
  for (guint i = 0; i < due->len; i++)
    {
      AnbuVisitDue *item = due->pdata[i];
      gboolean is_today = g_date_compare (&item->due, &today) <= 0;

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (is_today ? today_group : week_group),
                                 make_row (self, item, &today));
      g_ptr_array_add (self->shown, g_strdup (item->household_id));
      if (is_today)
        n_today++;
      else
        n_week++;
    }
  gtk_box_append (self->groups_box, today_group);
  gtk_box_append (self->groups_box, week_group);
  gtk_widget_set_visible (today_group, n_today > 0);
  gtk_widget_set_visible (week_group, n_week > 0);
  gtk_stack_set_visible_child_name (self->stack, due->len > 0 ? "list" : "empty");
}

static void
anbu_visits_view_dispose (GObject *object)
{
  AnbuVisitsView *self = ANBU_VISITS_VIEW (object);

  if (self->casework != NULL)
    g_signal_handlers_disconnect_by_data (self->casework, self);
  g_clear_object (&self->casework);
  g_clear_pointer (&self->shown, g_ptr_array_unref);
  /* Through AdwBin first, so that it does not keep a child the template dropped. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ANBU_TYPE_VISITS_VIEW);
  G_OBJECT_CLASS (anbu_visits_view_parent_class)->dispose (object);
}

static void
anbu_visits_view_class_init (AnbuVisitsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = anbu_visits_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-visits-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuVisitsView, stack);
  gtk_widget_class_bind_template_child (widget_class, AnbuVisitsView, status_page);
  gtk_widget_class_bind_template_child (widget_class, AnbuVisitsView, groups_box);
}

static void
anbu_visits_view_init (AnbuVisitsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->shown = g_ptr_array_new_with_free_func (g_free);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

GtkWidget *
anbu_visits_view_new (void)
{
  return g_object_new (ANBU_TYPE_VISITS_VIEW, NULL);
}

static void
apply_casework (AnbuVisitsView *self,
                AnbuCasework *casework)
{
  g_return_if_fail (ANBU_IS_VISITS_VIEW (self));
  g_return_if_fail (casework == NULL || ANBU_IS_CASEWORK (casework));

  if (self->casework == casework)
    return;
  if (self->casework != NULL)
    g_signal_handlers_disconnect_by_data (self->casework, self);
  g_set_object (&self->casework, casework);
  if (casework == NULL)
    {
      GtkWidget *child;

      while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_box))) != NULL)
        gtk_box_remove (self->groups_box, child);
      g_ptr_array_set_size (self->shown, 0);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  g_signal_connect_swapped (casework, "changed", G_CALLBACK (rebuild), self);
  if (anbu_casework_get_loaded (casework))
    rebuild (self);
}

void
anbu_visits_view_set_context (AnbuVisitsView *self,
                              AnbuContext *context)
{
  g_return_if_fail (ANBU_IS_VISITS_VIEW (self));
  g_return_if_fail (ANBU_IS_CONTEXT (context));

  anbu_context_follow_casework (context, G_OBJECT (self), (AnbuCaseworkApply) apply_casework);
}

GStrv
anbu_visits_view_dup_household_ids (AnbuVisitsView *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv out;

  for (guint i = 0; i < self->shown->len; i++)
    g_strv_builder_add (builder, self->shown->pdata[i]);
  out = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return out;
}
