/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-household-row"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-household-row.h"
#include "anbu-kst.h"
#include "anbu-validate.h"

/* One line of the households list: state, name, address, last activity. */
struct _AnbuHouseholdRow
{
  GtkBox parent_instance;

  GtkLabel *state_label;
  GtkLabel *name_label;
  GtkLabel *address_label;
  GtkLabel *activity_label;
  GtkLabel *detail_label;

  AnbuHouseholdSummary *summary;
  char                 *state_class;
};

G_DEFINE_FINAL_TYPE (AnbuHouseholdRow, anbu_household_row, GTK_TYPE_BOX)

const char *
anbu_household_state_label (const AnbuHouseholdFacts  *facts,
                            const char               **css_class)
{
  const char *klass = NULL;
  const char *label;

  switch (facts->alert_level)
    {
    case ANBU_ALERT_LEVEL_CRITICAL:
      klass = "critical";
      label = anbu_alert_level_to_label (ANBU_ALERT_LEVEL_CRITICAL);
      break;
    case ANBU_ALERT_LEVEL_RISK:
      klass = "risk";
      label = anbu_alert_level_to_label (ANBU_ALERT_LEVEL_RISK);
      break;
    case ANBU_ALERT_LEVEL_WATCH:
      klass = "watch";
      label = anbu_alert_level_to_label (ANBU_ALERT_LEVEL_WATCH);
      break;
    default:
      if (facts->plug_offline)
        {
          klass = "offline";
          label = C_("household state", "Offline");
        }
      else if (facts->absent)
        {
          klass = "absent";
          label = C_("household state", "Away");
        }
      else
        label = C_("household state", "Normal");
      break;
    }
  if (css_class != NULL)
    *css_class = klass;
  return label;
}

static void
anbu_household_row_dispose (GObject *object)
{
  AnbuHouseholdRow *self = ANBU_HOUSEHOLD_ROW (object);

  g_clear_object (&self->summary);
  g_clear_pointer (&self->state_class, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), ANBU_TYPE_HOUSEHOLD_ROW);
  G_OBJECT_CLASS (anbu_household_row_parent_class)->dispose (object);
}

static void
anbu_household_row_class_init (AnbuHouseholdRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = anbu_household_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-household-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuHouseholdRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuHouseholdRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuHouseholdRow, address_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuHouseholdRow, activity_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuHouseholdRow, detail_label);
}

static void
anbu_household_row_init (AnbuHouseholdRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
anbu_household_row_new (void)
{
  return g_object_new (ANBU_TYPE_HOUSEHOLD_ROW, NULL);
}

void
anbu_household_row_set_summary (AnbuHouseholdRow     *self,
                                AnbuHouseholdSummary *summary,
                                gint64                now)
{
  const AnbuHouseholdFacts *facts;
  const char *klass = NULL;
  const char *state;
  g_autofree char *address = NULL;
  g_autofree char *activity = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *accessible = NULL;

  g_return_if_fail (ANBU_IS_HOUSEHOLD_ROW (self));

  g_set_object (&self->summary, summary);
  if (self->state_class != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), self->state_class);
  g_clear_pointer (&self->state_class, g_free);
  if (summary == NULL)
    return;

  facts = anbu_household_summary_get_facts (summary);
  state = anbu_household_state_label (facts, &klass);
  gtk_label_set_label (self->state_label, state);
  if (klass != NULL)
    {
      self->state_class = g_strdup (klass);
      gtk_widget_add_css_class (GTK_WIDGET (self->state_label), klass);
    }
  gtk_label_set_label (self->name_label, facts->name);
  address = g_strjoin (" ", facts->address != NULL ? facts->address : "",
                       facts->address_detail != NULL ? facts->address_detail : "", NULL);
  gtk_label_set_label (self->address_label, g_strstrip (address));

  /* The same hours as the signal card and the household page. */
  activity = anbu_household_facts_describe_last_activity (facts, now);
  /* Whether the plugs are reporting now (live channel) or were when last synced. */
  if (facts->serials != NULL && facts->serials[0] != NULL)
    {
      const char *link = facts->plug_offline ? C_("plug link", "Offline") : C_("plug link", "Online");
      char *with_link;

      /* Translators: first %s is 온라인 or 오프라인, second the last activity. */
      with_link = g_strdup_printf (_("%s · %s"), link, activity);
      g_free (activity);
      activity = with_link;
    }
  gtk_label_set_label (self->activity_label, activity);

  /* With an open signal, how long it has been quiet against the threshold. */
  if (facts->quiet_since != 0)
    detail = anbu_household_facts_describe_quiet (facts, now);
  else
    detail = g_strdup (facts->dong_name != NULL ? facts->dong_name : "");
  /* A number that failed twice is the planner's to confirm or correct. */
  if (facts->bad_numbers > 0)
    {
      /* Translators: shown before the row's detail, "번호 확인 필요 · 역삼1동". */
      char *flagged = g_strdup_printf (_("Check phone number · %s"), detail);

      g_free (detail);
      detail = flagged;
      gtk_widget_add_css_class (GTK_WIDGET (self->detail_label), "warning");
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->detail_label), "warning");
  gtk_label_set_label (self->detail_label, detail);

  accessible = g_strdup_printf ("%s, %s, %s, %s", facts->name, state, activity, detail);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

const char *
anbu_household_row_get_detail (AnbuHouseholdRow *self)
{
  g_return_val_if_fail (ANBU_IS_HOUSEHOLD_ROW (self), NULL);
  return gtk_label_get_label (self->detail_label);
}

AnbuHouseholdSummary *
anbu_household_row_get_summary (AnbuHouseholdRow *self)
{
  g_return_val_if_fail (ANBU_IS_HOUSEHOLD_ROW (self), NULL);
  return self->summary;
}
