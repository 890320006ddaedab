/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-alerts-view"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-alert-row.h"
#include "anbu-alerts-view.h"
#include "anbu-household-summary.h"

/* Risk signals: what needs a well-being check now, most urgent first
 * (심각 > 위험 > 관심, then the longest quiet), or longest open, or by 동;
 * filtered by level, 동, who answers now and whether anyone acknowledged.
 *
 * The rows are the open signals, not the households: a district of 2,000
 * households has a few dozen. Filtering and sorting only hide and reorder the
 * rows (GtkListBox filter and sort functions); the rows are made again only
 * when the caseload changes. */

/* Positions in the dropdowns of the template. */
enum { LEVEL_ALL, LEVEL_CRITICAL, LEVEL_RISK, LEVEL_WATCH };
enum { RESPONDER_ALL, RESPONDER_DONG, RESPONDER_CONTROL };
enum { STATE_ALL, STATE_NOT_ACKNOWLEDGED, STATE_ACKNOWLEDGED };
enum { SORT_URGENCY, SORT_LONGEST_OPEN, SORT_DONG };

struct _AnbuAlertsView
{
  AdwBin parent_instance;

  GtkStack      *stack;
  AdwStatusPage *status_page;
  GtkLabel      *summary_label;
  GtkListBox    *list_box;
  GtkDropDown   *level_dropdown;
  GtkDropDown   *dong_dropdown;
  GtkDropDown   *responder_dropdown;
  GtkDropDown   *state_dropdown;
  GtkDropDown   *sort_dropdown;
  GtkButton     *clear_button;

  GtkStringList *dong_names;   /* "모든 동", then the 동 of the open signals */
  AnbuCasework  *casework;
  guint          n_rows;       /* all rows, shown or not */
  guint          n_shown;
  gboolean       updating_dongs;
};

G_DEFINE_TYPE (AnbuAlertsView, anbu_alerts_view, ADW_TYPE_BIN)

/* The 동 chosen in the dropdown, or NULL for all. */
static const char *
selected_dong (AnbuAlertsView *self)
{
  guint position = gtk_drop_down_get_selected (self->dong_dropdown);

  if (position == 0 || position == GTK_INVALID_LIST_POSITION)
    return NULL;
  return gtk_string_list_get_string (self->dong_names, position);
}

static gboolean
row_matches (GtkListBoxRow *list_row,
             gpointer       user_data)
{
  AnbuAlertsView *self = user_data;
  AnbuAlertRow *row = ANBU_ALERT_ROW (list_row);
  const AnbuAlert *alert = anbu_alert_row_get_alert (row);
  const char *dong = selected_dong (self);
  gboolean acknowledged = alert->state != ANBU_ALERT_STATE_OPEN;

  switch (gtk_drop_down_get_selected (self->level_dropdown))
    {
    case LEVEL_CRITICAL: if (alert->level != ANBU_ALERT_LEVEL_CRITICAL) return FALSE; break;
    case LEVEL_RISK: if (alert->level != ANBU_ALERT_LEVEL_RISK) return FALSE; break;
    case LEVEL_WATCH: if (alert->level != ANBU_ALERT_LEVEL_WATCH) return FALSE; break;
    default: break;
    }
  if (dong != NULL && g_strcmp0 (anbu_alert_row_get_dong_name (row), dong) != 0)
    return FALSE;
  switch (gtk_drop_down_get_selected (self->responder_dropdown))
    {
    case RESPONDER_DONG: if (anbu_alert_row_get_responder (row) != ANBU_ALERT_RESPONDER_DONG) return FALSE; break;
    case RESPONDER_CONTROL: if (anbu_alert_row_get_responder (row) != ANBU_ALERT_RESPONDER_CONTROL) return FALSE; break;
    default: break;
    }
  switch (gtk_drop_down_get_selected (self->state_dropdown))
    {
    case STATE_NOT_ACKNOWLEDGED: return !acknowledged;
    case STATE_ACKNOWLEDGED: return acknowledged;
    default: return TRUE;
    }
}

/* Urgency is the casework's order, kept in the row's "urgency" data. */
static int
urgency_compare (GtkListBoxRow *a,
                 GtkListBoxRow *b)
{
  guint ua = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (a), "urgency"));
  guint ub = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (b), "urgency"));

  return ua < ub ? -1 : ua > ub;
}

static int
row_compare (GtkListBoxRow *a,
             GtkListBoxRow *b,
             gpointer       user_data)
{
  AnbuAlertsView *self = user_data;
  const AnbuAlert *alert_a = anbu_alert_row_get_alert (ANBU_ALERT_ROW (a));
  const AnbuAlert *alert_b = anbu_alert_row_get_alert (ANBU_ALERT_ROW (b));
  int order;

  switch (gtk_drop_down_get_selected (self->sort_dropdown))
    {
    case SORT_LONGEST_OPEN:
      /* Raised earliest first. */
      if (alert_a->raised_at != alert_b->raised_at)
        return alert_a->raised_at < alert_b->raised_at ? -1 : 1;
      break;
    case SORT_DONG:
      {
        const char *dong_a = anbu_alert_row_get_dong_name (ANBU_ALERT_ROW (a));
        const char *dong_b = anbu_alert_row_get_dong_name (ANBU_ALERT_ROW (b));

        /* A household without a 동 goes last. */
        if ((dong_a == NULL) != (dong_b == NULL))
          return dong_a == NULL ? 1 : -1;
        order = dong_a != NULL ? anbu_korean_name_compare (dong_a, dong_b) : 0;
        if (order != 0)
          return order;
      }
      break;
    default:
      break;
    }
  return urgency_compare (a, b);
}

static gboolean
filters_active (AnbuAlertsView *self)
{
  return gtk_drop_down_get_selected (self->level_dropdown) != LEVEL_ALL
         || selected_dong (self) != NULL
         || gtk_drop_down_get_selected (self->responder_dropdown) != RESPONDER_ALL
         || gtk_drop_down_get_selected (self->state_dropdown) != STATE_ALL;
}

/* The summary counts every open signal by level, and says how many the
 * filters show. */
static void
update_summary (AnbuAlertsView *self)
{
  GPtrArray *alerts = self->casework != NULL ? anbu_casework_get_open_alerts (self->casework) : NULL;
  guint counts[3] = { 0 };
  g_autofree char *levels = NULL;
  g_autofree char *summary = NULL;

  self->n_shown = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (ANBU_IS_ALERT_ROW (child) && gtk_widget_get_child_visible (child))
      self->n_shown++;
  if (alerts == NULL)
    return;
  for (guint i = 0; i < alerts->len; i++)
    {
      AnbuAlert *alert = alerts->pdata[i];

      if (alert->level >= 0 && alert->level < 3)
        counts[alert->level]++;
    }
  /* Translators: counts of open risk signals by level: 심각, 위험, 관심. */
  levels = g_strdup_printf (_("%s %u · %s %u · %s %u"),
                            anbu_alert_level_to_label (ANBU_ALERT_LEVEL_CRITICAL), counts[ANBU_ALERT_LEVEL_CRITICAL],
                            anbu_alert_level_to_label (ANBU_ALERT_LEVEL_RISK), counts[ANBU_ALERT_LEVEL_RISK],
                            anbu_alert_level_to_label (ANBU_ALERT_LEVEL_WATCH), counts[ANBU_ALERT_LEVEL_WATCH]);
  if (filters_active (self))
    /* Translators: the counts by level, then how many the filters show:
     * "심각 1 · 위험 1 · 관심 1 — 3건 중 1건 표시". */
    summary = g_strdup_printf (_("%s — %u of %u shown"), levels, self->n_shown, alerts->len);
  else
    summary = g_steal_pointer (&levels);
  gtk_label_set_label (self->summary_label, summary);
  gtk_widget_set_sensitive (GTK_WIDGET (self->clear_button), filters_active (self));
}

static void
filters_changed (AnbuAlertsView *self)
{
  if (self->updating_dongs)
    return;
  gtk_list_box_invalidate_filter (self->list_box);
  update_summary (self);
}

static void
sort_changed (AnbuAlertsView *self)
{
  gtk_list_box_invalidate_sort (self->list_box);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return anbu_korean_name_compare (*(const char * const *) a, *(const char * const *) b);
}

/* The 동 of the open signals, keeping the one chosen if it still has any. */
static void
update_dong_names (AnbuAlertsView *self,
                   GPtrArray      *alerts)
{
  g_autofree char *chosen = g_strdup (selected_dong (self));
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint position = 0;

  for (guint i = 0; i < alerts->len; i++)
    {
      AnbuAlert *alert = alerts->pdata[i];
      AnbuHousehold *h = anbu_casework_lookup_household (self->casework, alert->household_id);

      if (h != NULL && h->dong_name != NULL && g_hash_table_add (seen, h->dong_name))
        g_ptr_array_add (names, h->dong_name);
    }
  g_ptr_array_sort (names, compare_names);
  self->updating_dongs = TRUE;
  gtk_string_list_splice (self->dong_names, 1, g_list_model_get_n_items (G_LIST_MODEL (self->dong_names)) - 1,
                          NULL);
  for (guint i = 0; i < names->len; i++)
    {
      gtk_string_list_append (self->dong_names, names->pdata[i]);
      if (g_strcmp0 (names->pdata[i], chosen) == 0)
        position = i + 1;
    }
  gtk_drop_down_set_selected (self->dong_dropdown, position);
  self->updating_dongs = FALSE;
}

/* The rows only: the list's placeholder stays. */
static void
remove_rows (AnbuAlertsView *self)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (self->list_box, 0)) != NULL)
    gtk_list_box_remove (self->list_box, GTK_WIDGET (row));
}

static void
rebuild (AnbuAlertsView *self)
{
  GPtrArray *alerts = anbu_casework_get_open_alerts (self->casework);
  g_autoptr(GHashTable) rows = g_hash_table_new (g_str_hash, g_str_equal);
  GtkListBoxRow *row;

  /* The rows of signals still open are updated in place (their focus and
   * scroll position stay; unchanged labels cost nothing); the others go. */
  for (guint i = 0; (row = gtk_list_box_get_row_at_index (self->list_box, i)) != NULL; i++)
    g_hash_table_insert (rows, (gpointer) anbu_alert_row_get_alert_id (ANBU_ALERT_ROW (row)), row);
  update_dong_names (self, alerts);
  for (guint i = 0; i < alerts->len; i++)
    {
      AnbuAlert *alert = alerts->pdata[i];
      GtkWidget *widget = g_hash_table_lookup (rows, alert->id);

      if (widget != NULL)
        {
          g_hash_table_remove (rows, alert->id);
          anbu_alert_row_update (ANBU_ALERT_ROW (widget), alert);
        }
      else
        {
          widget = anbu_alert_row_new (self->casework, alert);
          gtk_list_box_append (self->list_box, widget);
        }
      g_object_set_data (G_OBJECT (widget), "urgency", GUINT_TO_POINTER (i));
    }
  {
    GHashTableIter iter;
    gpointer gone;

    g_hash_table_iter_init (&iter, rows);
    while (g_hash_table_iter_next (&iter, NULL, &gone))
      gtk_list_box_remove (self->list_box, gone);
  }
  gtk_list_box_invalidate_sort (self->list_box);
  gtk_list_box_invalidate_filter (self->list_box);
  self->n_rows = alerts->len;
  update_summary (self);
  gtk_stack_set_visible_child_name (self->stack, alerts->len > 0 ? "list" : "empty");
}

static void
anbu_alerts_view_dispose (GObject *object)
{
  AnbuAlertsView *self = ANBU_ALERTS_VIEW (object);

  if (self->casework != NULL)
    g_signal_handlers_disconnect_by_data (self->casework, self);
  g_clear_object (&self->casework);
  g_clear_object (&self->dong_names);
  /* Through AdwBin first, so that it does not keep a child the template dropped. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ANBU_TYPE_ALERTS_VIEW);
  G_OBJECT_CLASS (anbu_alerts_view_parent_class)->dispose (object);
}

static void
clear_filters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  anbu_alerts_view_clear_filters (ANBU_ALERTS_VIEW (widget));
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
  gtk_widget_class_bind_template_child (widget_class, AnbuAlertsView, level_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AnbuAlertsView, dong_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AnbuAlertsView, responder_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AnbuAlertsView, state_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AnbuAlertsView, sort_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AnbuAlertsView, clear_button);
  gtk_widget_class_install_action (widget_class, "alerts.clear-filters", NULL, clear_filters_action);
}

static void
anbu_alerts_view_init (AnbuAlertsView *self)
{
  GtkWidget *placeholder;
  const char *all_dongs[] = { _("All neighbourhoods"), NULL };
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_stack_set_visible_child_name (self->stack, "empty");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Open risk signals"), -1);

  self->dong_names = gtk_string_list_new (all_dongs);
  gtk_drop_down_set_model (self->dong_dropdown, G_LIST_MODEL (self->dong_names));
  /* Screen readers name each filter by what it chooses. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->level_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Filter by level"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->dong_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Filter by neighbourhood (동)"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->responder_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Filter by responder"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->state_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Filter by acknowledgement"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->sort_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Sort by"), -1);
  g_signal_connect_swapped (self->level_dropdown, "notify::selected", G_CALLBACK (filters_changed), self);
  g_signal_connect_swapped (self->dong_dropdown, "notify::selected", G_CALLBACK (filters_changed), self);
  g_signal_connect_swapped (self->responder_dropdown, "notify::selected", G_CALLBACK (filters_changed), self);
  g_signal_connect_swapped (self->state_dropdown, "notify::selected", G_CALLBACK (filters_changed), self);
  g_signal_connect_swapped (self->sort_dropdown, "notify::selected", G_CALLBACK (sort_changed), self);
  gtk_list_box_set_filter_func (self->list_box, row_matches, self, NULL);
  gtk_list_box_set_sort_func (self->list_box, row_compare, self, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->clear_button), FALSE);

  placeholder = gtk_label_new (_("No risk signal matches the filters."));
  gtk_widget_set_name (placeholder, "alerts-no-match");
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 24);
  gtk_widget_set_margin_bottom (placeholder, 24);
  gtk_list_box_set_placeholder (self->list_box, placeholder);
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
      /* Signed out: nothing of the caseload stays on screen. */
      remove_rows (self);
      self->n_rows = 0;
      self->n_shown = 0;
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

/* The index-th row shown, in the order shown. */
GtkWidget *
anbu_alerts_view_get_row (AnbuAlertsView *self,
                          guint           index)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (ANBU_IS_ALERTS_VIEW (self), NULL);
  for (guint i = 0; (row = gtk_list_box_get_row_at_index (self->list_box, i)) != NULL; i++)
    if (gtk_widget_get_child_visible (GTK_WIDGET (row)) && index-- == 0)
      return GTK_WIDGET (row);
  return NULL;
}

guint
anbu_alerts_view_get_n_rows (AnbuAlertsView *self)
{
  g_return_val_if_fail (ANBU_IS_ALERTS_VIEW (self), 0);
  return self->n_shown;
}

guint
anbu_alerts_view_get_n_alerts (AnbuAlertsView *self)
{
  g_return_val_if_fail (ANBU_IS_ALERTS_VIEW (self), 0);
  return self->n_rows;
}

void
anbu_alerts_view_clear_filters (AnbuAlertsView *self)
{
  g_return_if_fail (ANBU_IS_ALERTS_VIEW (self));
  gtk_drop_down_set_selected (self->level_dropdown, LEVEL_ALL);
  gtk_drop_down_set_selected (self->dong_dropdown, 0);
  gtk_drop_down_set_selected (self->responder_dropdown, RESPONDER_ALL);
  gtk_drop_down_set_selected (self->state_dropdown, STATE_ALL);
}
