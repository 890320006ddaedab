/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-households-view"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-clock.h"
#include "anbu-household-page.h"
#include "anbu-household-row.h"
#include "anbu-households-view.h"

/* Households: the people in your caseload, searched (초성 too), filtered and
 * sorted over the replica; a click opens the household page. */
struct _AnbuHouseholdsView
{
  AdwBin parent_instance;

  GtkStack          *stack;
  GtkStack          *list_stack;
  AdwStatusPage     *status_page;
  GtkDropDown       *category_dropdown;
  GtkDropDown       *dong_dropdown;
  GtkDropDown       *consent_dropdown;
  GtkDropDown       *sort_dropdown;
  GtkLabel          *count_label;
  GtkListView       *list_view;
  AnbuHouseholdPage *household_page;

  AnbuCasework      *casework;
  GPtrArray         *dongs;      /* AnbuDong, index + 1 = dropdown position */
  GtkWidget         *window;     /* whose search-text we follow (weak) */
  gboolean           updating_dongs;
  gboolean           syncing_selection;
};

G_DEFINE_TYPE (AnbuHouseholdsView, anbu_households_view, ADW_TYPE_BIN)

static const AnbuHouseholdCategory category_values[] = {
  0,
  ANBU_HOUSEHOLD_CATEGORY_ALERT,
  ANBU_HOUSEHOLD_CATEGORY_WATCH,
  ANBU_HOUSEHOLD_CATEGORY_OFFLINE,
  ANBU_HOUSEHOLD_CATEGORY_ABSENT,
  ANBU_HOUSEHOLD_CATEGORY_NORMAL,
};

static void
update_count (AnbuHouseholdsView *self)
{
  AnbuHouseholdIndex *index;
  guint shown, total;
  g_autofree char *text = NULL;

  if (self->casework == NULL)
    return;
  index = anbu_casework_get_index (self->casework);
  shown = g_list_model_get_n_items (G_LIST_MODEL (index));
  total = anbu_household_index_get_n_total (index);
  /* Translators: households shown by the search and filters, of all in the caseload. */
  text = g_strdup_printf (_("%u of %u households"), shown, total);
  gtk_label_set_label (self->count_label, text);

  if (total == 0)
    {
      adw_status_page_set_title (self->status_page, _("No Households"));
      adw_status_page_set_description (self->status_page,
                                       _("The households of your caseload appear here after the first sync with the server."));
    }
  else
    {
      adw_status_page_set_title (self->status_page, _("No Matching Households"));
      adw_status_page_set_description (self->status_page,
                                       _("Try initial consonants such as ㄱㅇㅅ, a phone number without dashes, a plug serial, or other filters."));
    }
  gtk_stack_set_visible_child_name (self->list_stack, shown > 0 ? "list" : "empty");
}

static void
update_dongs (AnbuHouseholdsView *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autofree char *selected_code = NULL;
  guint selected = 0, position;

  position = gtk_drop_down_get_selected (self->dong_dropdown);
  if (self->dongs != NULL && position > 0 && position - 1 < self->dongs->len)
    selected_code = g_strdup (((AnbuDong *) self->dongs->pdata[position - 1])->code);

  g_clear_pointer (&self->dongs, g_ptr_array_unref);
  self->dongs = anbu_household_index_list_dongs (anbu_casework_get_index (self->casework));
  gtk_string_list_append (labels, _("All community centres"));
  for (guint i = 0; i < self->dongs->len; i++)
    {
      AnbuDong *dong = self->dongs->pdata[i];

      gtk_string_list_append (labels, dong->name);
      if (g_strcmp0 (dong->code, selected_code) == 0)
        selected = i + 1;
    }
  self->updating_dongs = TRUE;
  gtk_drop_down_set_model (self->dong_dropdown, G_LIST_MODEL (labels));
  gtk_drop_down_set_selected (self->dong_dropdown, selected);
  self->updating_dongs = FALSE;
}

static void
on_filters_changed (AnbuHouseholdsView *self)
{
  AnbuHouseholdIndex *index;
  guint category, dong, consent, sort;

  if (self->casework == NULL || self->updating_dongs)
    return;
  index = anbu_casework_get_index (self->casework);
  category = gtk_drop_down_get_selected (self->category_dropdown);
  dong = gtk_drop_down_get_selected (self->dong_dropdown);
  consent = gtk_drop_down_get_selected (self->consent_dropdown);
  sort = gtk_drop_down_get_selected (self->sort_dropdown);

  anbu_household_index_set_categories (index, category < G_N_ELEMENTS (category_values)
                                              ? category_values[category] : 0);
  anbu_household_index_set_dong_code (index, self->dongs != NULL && dong > 0 && dong - 1 < self->dongs->len
                                             ? ((AnbuDong *) self->dongs->pdata[dong - 1])->code : NULL);
  anbu_household_index_set_consent (index, consent <= ANBU_CONSENT_FILTER_NOT_CONSENTED ? consent : 0);
  anbu_household_index_set_sort (index, sort <= ANBU_HOUSEHOLD_SORT_LAST_ACTIVITY ? sort : 0);
}

static void
on_casework_changed (AnbuHouseholdsView *self)
{
  update_dongs (self);
  update_count (self);
}

static void
on_items_changed (AnbuHouseholdsView *self)
{
  update_count (self);
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  gtk_list_item_set_child (item, anbu_household_row_new ());
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          AnbuHouseholdsView       *self)
{
  AnbuHouseholdRow *row = ANBU_HOUSEHOLD_ROW (gtk_list_item_get_child (item));

  anbu_household_row_set_summary (row, gtk_list_item_get_item (item),
                                  self->casework != NULL ? anbu_casework_get_now (self->casework)
                                                         : anbu_clock_now_usec ());
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  anbu_household_row_set_summary (ANBU_HOUSEHOLD_ROW (gtk_list_item_get_child (item)), NULL, 0);
}

static void
on_list_view_activate (AnbuHouseholdsView *self,
                       guint               position)
{
  g_autoptr(AnbuHouseholdSummary) summary = NULL;

  if (self->casework == NULL)
    return;
  summary = g_list_model_get_item (G_LIST_MODEL (anbu_casework_get_index (self->casework)), position);
  if (summary != NULL)
    anbu_households_view_open_household (self, anbu_household_summary_get_id (summary));
}

static GtkSingleSelection *
list_selection (AnbuHouseholdsView *self)
{
  GtkSelectionModel *model = gtk_list_view_get_model (self->list_view);

  return GTK_IS_SINGLE_SELECTION (model) ? GTK_SINGLE_SELECTION (model) : NULL;
}

/* The list's selection goes to the casework, which the map follows. */
static void
on_list_selected_item (AnbuHouseholdsView *self)
{
  GtkSingleSelection *selection = list_selection (self);
  AnbuHouseholdSummary *summary;

  if (self->casework == NULL || selection == NULL || self->syncing_selection)
    return;
  summary = gtk_single_selection_get_selected_item (selection);
  if (summary == NULL)
    return;
  self->syncing_selection = TRUE;
  anbu_casework_set_selected_household_id (self->casework, anbu_household_summary_get_id (summary));
  self->syncing_selection = FALSE;
}

/* A household selected elsewhere (the map) is selected in the list too. */
static void
on_casework_selected_household (AnbuHouseholdsView *self)
{
  GtkSingleSelection *selection = list_selection (self);
  const char *id;
  GListModel *model;
  guint position = GTK_INVALID_LIST_POSITION;
  guint n;

  if (self->casework == NULL || selection == NULL || self->syncing_selection)
    return;
  id = anbu_casework_get_selected_household_id (self->casework);
  model = G_LIST_MODEL (anbu_casework_get_index (self->casework));
  n = g_list_model_get_n_items (model);
  for (guint i = 0; id != NULL && i < n && position == GTK_INVALID_LIST_POSITION; i++)
    {
      g_autoptr(AnbuHouseholdSummary) summary = g_list_model_get_item (model, i);

      if (g_strcmp0 (anbu_household_summary_get_id (summary), id) == 0)
        position = i;
    }
  self->syncing_selection = TRUE;
  gtk_single_selection_set_selected (selection, position);
  self->syncing_selection = FALSE;
}

static void
on_household_page_back (AnbuHouseholdsView *self)
{
  gtk_stack_set_visible_child_name (self->stack, "list");
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static void
on_window_search_text (AnbuHouseholdsView *self,
                       GParamSpec         *pspec,
                       GObject            *window)
{
  g_autofree char *text = NULL;

  g_object_get (window, "search-text", &text, NULL);
  anbu_households_view_set_query (self, text);
}

static void
on_root_changed (AnbuHouseholdsView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->window == GTK_WIDGET (root))
    return;
  if (self->window != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->window, self);
      g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      self->window = NULL;
    }
  if (root != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (root), "search-text") != NULL)
    {
      self->window = GTK_WIDGET (root);
      g_object_add_weak_pointer (G_OBJECT (root), (gpointer *) &self->window);
      g_signal_connect_object (root, "notify::search-text", G_CALLBACK (on_window_search_text), self,
                               G_CONNECT_SWAPPED);
    }
}

static GListModel *
string_model (const char *const *labels,
              guint              n)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint i = 0; i < n; i++)
    gtk_string_list_append (list, labels[i]);
  return G_LIST_MODEL (list);
}

static void
anbu_households_view_dispose (GObject *object)
{
  AnbuHouseholdsView *self = ANBU_HOUSEHOLDS_VIEW (object);

  if (self->window != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->window, self);
      g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      self->window = NULL;
    }
  if (self->casework != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->casework, self);
      g_signal_handlers_disconnect_by_data (anbu_casework_get_index (self->casework), self);
    }
  g_clear_object (&self->casework);
  g_clear_pointer (&self->dongs, g_ptr_array_unref);
  /* Through AdwBin first, so that it does not keep a child the template dropped. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ANBU_TYPE_HOUSEHOLDS_VIEW);
  G_OBJECT_CLASS (anbu_households_view_parent_class)->dispose (object);
}

static void
anbu_households_view_class_init (AnbuHouseholdsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = anbu_households_view_dispose;

  g_type_ensure (ANBU_TYPE_HOUSEHOLD_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-households-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuHouseholdsView, stack);
  gtk_widget_class_bind_template_child (widget_class, AnbuHouseholdsView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, AnbuHouseholdsView, status_page);
  gtk_widget_class_bind_template_child (widget_class, AnbuHouseholdsView, category_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AnbuHouseholdsView, dong_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AnbuHouseholdsView, consent_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AnbuHouseholdsView, sort_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AnbuHouseholdsView, count_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuHouseholdsView, list_view);
  gtk_widget_class_bind_template_child (widget_class, AnbuHouseholdsView, household_page);
}

static void
anbu_households_view_init (AnbuHouseholdsView *self)
{
  const char *categories[] = { _("All households"), _("Risk signals"), _("Watch"), _("Offline plugs"),
                               _("Away"), _("Normal") };
  const char *consents[] = { _("Any consent"), _("Night monitoring consented"), _("Not consented") };
  const char *sorts[] = { _("Most at risk first"), _("By name"), _("Longest without activity") };
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_drop_down_set_model (self->category_dropdown, string_model (categories, G_N_ELEMENTS (categories)));
  gtk_drop_down_set_model (self->consent_dropdown, string_model (consents, G_N_ELEMENTS (consents)));
  gtk_drop_down_set_model (self->sort_dropdown, string_model (sorts, G_N_ELEMENTS (sorts)));
  {
    const char *all[] = { _("All community centres") };
    gtk_drop_down_set_model (self->dong_dropdown, string_model (all, 1));
  }
  g_object_unref (gtk_drop_down_get_model (self->category_dropdown));
  g_object_unref (gtk_drop_down_get_model (self->consent_dropdown));
  g_object_unref (gtk_drop_down_get_model (self->sort_dropdown));
  g_object_unref (gtk_drop_down_get_model (self->dong_dropdown));

  g_signal_connect_swapped (self->category_dropdown, "notify::selected", G_CALLBACK (on_filters_changed), self);
  g_signal_connect_swapped (self->dong_dropdown, "notify::selected", G_CALLBACK (on_filters_changed), self);
  g_signal_connect_swapped (self->consent_dropdown, "notify::selected", G_CALLBACK (on_filters_changed), self);
  g_signal_connect_swapped (self->sort_dropdown, "notify::selected", G_CALLBACK (on_filters_changed), self);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  g_signal_connect_swapped (self->list_view, "activate", G_CALLBACK (on_list_view_activate), self);
  g_signal_connect_swapped (self->household_page, "back", G_CALLBACK (on_household_page_back), self);
  g_signal_connect (self, "notify::root", G_CALLBACK (on_root_changed), NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Households"), -1);
  gtk_stack_set_visible_child_name (self->list_stack, "empty");
}

GtkWidget *
anbu_households_view_new (void)
{
  return g_object_new (ANBU_TYPE_HOUSEHOLDS_VIEW, NULL);
}

static void
apply_casework (AnbuHouseholdsView *self,
                AnbuCasework *casework)
{
  AnbuHouseholdIndex *index;
  g_autoptr(GtkSingleSelection) selection = NULL;

  g_return_if_fail (ANBU_IS_HOUSEHOLDS_VIEW (self));
  g_return_if_fail (casework == NULL || ANBU_IS_CASEWORK (casework));

  if (self->casework == casework)
    return;
  if (self->casework != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->casework, self);
      g_signal_handlers_disconnect_by_data (anbu_casework_get_index (self->casework), self);
    }
  g_set_object (&self->casework, casework);
  gtk_stack_set_visible_child_name (self->stack, "list");
  if (casework == NULL)
    {
      gtk_list_view_set_model (self->list_view, NULL);
      g_clear_pointer (&self->dongs, g_ptr_array_unref);
      gtk_label_set_label (self->count_label, "");
      gtk_stack_set_visible_child_name (self->list_stack, "empty");
      return;
    }
  index = anbu_casework_get_index (casework);
  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (index)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_single_selection_set_selected (selection, GTK_INVALID_LIST_POSITION);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_signal_connect_object (selection, "notify::selected-item", G_CALLBACK (on_list_selected_item),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_swapped (casework, "notify::selected-household-id",
                            G_CALLBACK (on_casework_selected_household), self);
  on_casework_selected_household (self);
  g_signal_connect_swapped (casework, "changed", G_CALLBACK (on_casework_changed), self);
  g_signal_connect_swapped (index, "items-changed", G_CALLBACK (on_items_changed), self);
  on_filters_changed (self);
  if (anbu_casework_get_loaded (casework))
    on_casework_changed (self);
}

void
anbu_households_view_set_context (AnbuHouseholdsView *self,
                                  AnbuContext *context)
{
  g_return_if_fail (ANBU_IS_HOUSEHOLDS_VIEW (self));
  g_return_if_fail (ANBU_IS_CONTEXT (context));

  anbu_context_follow_casework (context, G_OBJECT (self), (AnbuCaseworkApply) apply_casework);
}

void
anbu_households_view_set_query (AnbuHouseholdsView *self,
                                const char         *query)
{
  g_return_if_fail (ANBU_IS_HOUSEHOLDS_VIEW (self));

  if (self->casework != NULL)
    anbu_household_index_set_query (anbu_casework_get_index (self->casework), query);
}

/* Every household again: all categories, every 동, any consent (the order stays). */
void
anbu_households_view_clear_filters (AnbuHouseholdsView *self)
{
  g_return_if_fail (ANBU_IS_HOUSEHOLDS_VIEW (self));

  gtk_drop_down_set_selected (self->category_dropdown, 0);
  gtk_drop_down_set_selected (self->dong_dropdown, 0);
  gtk_drop_down_set_selected (self->consent_dropdown, 0);
}

void
anbu_households_view_open_household (AnbuHouseholdsView *self,
                                     const char         *household_id)
{
  g_return_if_fail (ANBU_IS_HOUSEHOLDS_VIEW (self));
  g_return_if_fail (self->casework != NULL);

  anbu_household_page_show (self->household_page, self->casework, household_id);
  gtk_stack_set_visible_child_name (self->stack, "household");
}

GListModel *
anbu_households_view_get_model (AnbuHouseholdsView *self)
{
  g_return_val_if_fail (ANBU_IS_HOUSEHOLDS_VIEW (self), NULL);
  return self->casework != NULL ? G_LIST_MODEL (anbu_casework_get_index (self->casework)) : NULL;
}

static GtkWidget *
find_households_view (GtkWidget *widget)
{
  if (ANBU_IS_HOUSEHOLDS_VIEW (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_households_view (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

gboolean
anbu_households_view_open_in_window (GtkWidget  *widget,
                                     const char *household_id)
{
  GtkRoot *root;
  GtkWidget *view;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);

  root = gtk_widget_get_root (widget);
  view = root != NULL ? find_households_view (GTK_WIDGET (root)) : NULL;
  if (view == NULL || ANBU_HOUSEHOLDS_VIEW (view)->casework == NULL)
    return FALSE;
  gtk_widget_activate_action (GTK_WIDGET (root), "win.show-view", "s", "households");
  anbu_households_view_open_household (ANBU_HOUSEHOLDS_VIEW (view), household_id);
  return TRUE;
}
