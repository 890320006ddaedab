/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-wall-board"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "anbu-board-item.h"
#include "anbu-board-row.h"
#include "anbu-kst.h"
#include "anbu-record-error.h"
#include "anbu-validate.h"
#include "anbu-household-index.h"
#include "anbu-routing.h"
#include "anbu-wall-board.h"
#include "anbu-window.h"

/* How many 동 each 구's line names, busiest first. */
#define DONGS_PER_DISTRICT 4

struct _AnbuWallBoard
{
  AdwBin parent_instance;

  GtkLabel      *clock_label;
  GtkLabel      *connection_label;
  GtkLabel      *level_counts_label;
  GtkLabel      *district_counts_label;
  GtkStack      *stack;
  GtkListView   *list_view;

  GListStore    *items;        /* AnbuBoardItem */
  GHashTable    *bound_rows;   /* AnbuBoardRow * set: the rows on screen, whose age counts */
  AnbuCasework  *casework;
  AnbuLiveChannel *live;
  GCancellable  *cancellable;
  char          *user_id;      /* the signed-in operator, whose claims can be given back */
  guint          tick_id;
  gboolean       wall_mode;
  AnbuHolidayCalendar *calendar; /* for the routing rules: until when a holder keeps a case */
};

G_DEFINE_FINAL_TYPE (AnbuWallBoard, anbu_wall_board, ADW_TYPE_BIN)

/* The 구 of a road address ("서울특별시 종로구 자하문로 1" → "종로구"). */
static char *
district_of_address (const char *address)
{
  g_auto(GStrv) words = NULL;

  if (address == NULL)
    return NULL;
  words = g_strsplit (address, " ", 4);
  for (guint i = 0; words[i] != NULL && i < 3; i++)
    if (g_str_has_suffix (words[i], "구") || g_str_has_suffix (words[i], "군"))
      return g_strdup (words[i]);
  return NULL;
}

static gint64
board_now (AnbuWallBoard *self)
{
  return self->casework != NULL ? anbu_casework_get_now (self->casework)
                                : anbu_clock_now_usec ();
}

static char *
format_clock_time (gint64 usec,
                   gboolean seconds)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) kst = utc != NULL ? anbu_kst_to_kst (utc) : NULL;

  return kst != NULL ? g_date_time_format (kst, seconds ? "%H:%M:%S" : "%H:%M") : g_strdup ("");
}

/* The latest of what people did about a signal: its attached contacts, the
 * acknowledgement, the claim, the dispatch. */
static char *
describe_last_action (const AnbuAlert   *alert,
                      const AnbuContact *contact)
{
  gint64 at = 0;
  const char *what = NULL;
  g_autofree char *contact_text = NULL;
  g_autofree char *time = NULL;

  if (alert->acknowledged_at > at)
    {
      at = alert->acknowledged_at;
      what = _("Acknowledged");
    }
  /* Taking it on acknowledges it at the same moment: the claim is what happened. */
  if (alert->claimed_at != 0 && alert->claimed_at >= at)
    {
      at = alert->claimed_at;
      what = _("Taken on");
    }
  if (contact != NULL && contact->at >= at)
    {
      at = contact->at;
      /* Translators: a contact as the board's last action: channel · outcome ("전화 · 응답 없음"). */
      contact_text = g_strdup_printf (_("%s · %s"), anbu_contact_channel_to_label (contact->channel),
                                      anbu_contact_outcome_to_label (contact->outcome));
      what = contact_text;
    }
  if (alert->dispatched_at > at)
    {
      at = alert->dispatched_at;
      what = _("Dispatch requested");
    }
  if (what == NULL)
    return NULL;
  time = format_clock_time (at, FALSE);
  return g_strdup_printf ("%s %s", time, what);
}

typedef struct
{
  char  *name;
  guint  count;
  GHashTable *dongs;   /* name → count */
} District;

static void
district_free (District *district)
{
  g_free (district->name);
  g_hash_table_unref (district->dongs);
  g_free (district);
}

typedef struct
{
  const char *name;
  guint       count;
} NamedCount;

static int
compare_named_counts (gconstpointer a,
                      gconstpointer b)
{
  const NamedCount *x = a, *y = b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return g_strcmp0 (x->name, y->name);
}

static int
compare_districts (gconstpointer a,
                   gconstpointer b)
{
  const District *x = *(District * const *) a, *y = *(District * const *) b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return g_strcmp0 (x->name, y->name);
}

/* "종로구 12 (청운효자동 3 · 사직동 2 · …)", one 구 per line, busiest first. */
static char *
describe_districts (GPtrArray *districts)
{
  GString *out = g_string_new (NULL);

  g_ptr_array_sort (districts, compare_districts);
  for (guint i = 0; i < districts->len; i++)
    {
      District *district = districts->pdata[i];
      g_autoptr(GArray) dongs = g_array_new (FALSE, FALSE, sizeof (NamedCount));
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, district->dongs);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          NamedCount named = { key, GPOINTER_TO_UINT (value) };

          g_array_append_val (dongs, named);
        }
      g_array_sort (dongs, compare_named_counts);
      if (out->len > 0)
        g_string_append (out, "   ");
      g_string_append_printf (out, "%s %u (", district->name, district->count);
      for (guint j = 0; j < MIN (dongs->len, DONGS_PER_DISTRICT); j++)
        {
          NamedCount *named = &g_array_index (dongs, NamedCount, j);

          g_string_append_printf (out, "%s%s %u", j > 0 ? " · " : "", named->name, named->count);
        }
      if (dongs->len > DONGS_PER_DISTRICT)
        /* Translators: after the busiest 동 of a 구, how many more have signals ("외 3개 동"). */
        g_string_append_printf (out, _(" and %u more"), dongs->len - DONGS_PER_DISTRICT);
      g_string_append (out, ")");
    }
  return g_string_free (out, FALSE);
}

static gboolean
same_item (AnbuBoardItem *a,
           AnbuBoardItem *b)
{
  return anbu_alert_equal (anbu_board_item_get_alert (a), anbu_board_item_get_alert (b))
         && g_strcmp0 (anbu_board_item_get_household_name (a), anbu_board_item_get_household_name (b)) == 0
         && g_strcmp0 (anbu_board_item_get_dong_name (a), anbu_board_item_get_dong_name (b)) == 0
         && g_strcmp0 (anbu_board_item_get_district_name (a), anbu_board_item_get_district_name (b)) == 0
         && g_strcmp0 (anbu_board_item_get_last_action (a), anbu_board_item_get_last_action (b)) == 0
         && anbu_board_item_get_held_until (a) == anbu_board_item_get_held_until (b);
}

/* Only the items that changed are replaced: the rows of the others stay bound as they are (a
 * button being pressed, the focus), so a sync that changed five signals rebinds five rows.
 * Unchanged items keep their relative order (the order is the urgency, which only changes
 * with the item), so removing the changed and gone ones, then inserting the changed and new
 * ones where they belong, turns the old list into the new one. */
static void
replace_items (AnbuWallBoard *self,
               GPtrArray     *items)
{
  GListModel *model = G_LIST_MODEL (self->items);
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = g_list_model_get_n_items (model);
  guint kept = 0;
  guint position = 0;

  for (guint i = 0; i < items->len; i++)
    g_hash_table_insert (wanted, (gpointer) anbu_board_item_get_alert (items->pdata[i])->id, items->pdata[i]);
  for (guint i = n; i-- > 0;)
    {
      g_autoptr(AnbuBoardItem) old = g_list_model_get_item (model, i);
      AnbuBoardItem *item = g_hash_table_lookup (wanted, anbu_board_item_get_alert (old)->id);

      if (item != NULL && same_item (old, item))
        kept++;
    }
  /* Most of it changed (a first load, a sign-in): one splice is cheaper. */
  if (kept < n / 2)
    {
      g_list_store_splice (self->items, 0, n, items->pdata, items->len);
      return;
    }
  for (guint i = n; i-- > 0;)
    {
      g_autoptr(AnbuBoardItem) old = g_list_model_get_item (model, i);
      AnbuBoardItem *item = g_hash_table_lookup (wanted, anbu_board_item_get_alert (old)->id);

      if (item == NULL || !same_item (old, item))
        g_list_store_remove (self->items, i);
    }
  for (guint i = 0; i < items->len; i++, position++)
    {
      g_autoptr(AnbuBoardItem) here = g_list_model_get_item (model, position);

      if (here == NULL || !same_item (here, items->pdata[i]))
        g_list_store_insert (self->items, position, items->pdata[i]);
    }
}

/* A taken case is its holder's until responsibility next changes hands by
 * the routing rules (docs/casework.md): the control centre's night ends at
 * 09:00 of the next business day, the community centre's day at 18:00. */
static gint64
held_until (AnbuWallBoard       *self,
            const AnbuAlert     *alert,
            const AnbuHousehold *household,
            gint64               now)
{
  g_autoptr(GDateTime) moment = NULL;
  g_autoptr(AnbuRoutingDecision) decision = NULL;

  if (alert->claimed_by == NULL)
    return 0;
  moment = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC);
  decision = anbu_routing_decide (self->calendar, moment,
                                  household != NULL ? household->night_consent : TRUE);
  return decision->next_change != NULL ? g_date_time_to_unix (decision->next_change) * G_USEC_PER_SEC : 0;
}

/* The flag of issue 17 (anbu-bad-number.h), as the households list has it. */
static gboolean
household_has_bad_number (AnbuWallBoard *self,
                          const char    *household_id)
{
  AnbuHouseholdSummary *summary = anbu_household_index_lookup (anbu_casework_get_index (self->casework),
                                                              household_id);

  return summary != NULL && anbu_household_summary_get_facts (summary)->bad_numbers > 0;
}

static void
rebuild (AnbuWallBoard *self)
{
  GPtrArray *alerts = anbu_casework_get_open_alerts (self->casework);
  GPtrArray *contacts = anbu_casework_get_records (self->casework, ANBU_RECORD_KIND_CONTACT);
  g_autoptr(GHashTable) last_contacts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) districts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) district_list = g_ptr_array_new_with_free_func ((GDestroyNotify) district_free);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *levels = NULL;
  g_autofree char *district_text = NULL;
  guint counts[3] = { 0 };
  guint unacknowledged = 0;
  gint64 now = board_now (self);

  /* One pass over the contacts: the latest attached to each signal. */
  for (guint i = 0; contacts != NULL && i < contacts->len; i++)
    {
      AnbuContact *contact = contacts->pdata[i];
      AnbuContact *known;

      if (contact->alert_id == NULL)
        continue;
      known = g_hash_table_lookup (last_contacts, contact->alert_id);
      if (known == NULL || contact->at > known->at)
        g_hash_table_insert (last_contacts, contact->alert_id, contact);
    }

  for (guint i = 0; i < alerts->len; i++)
    {
      AnbuAlert *alert = alerts->pdata[i];
      AnbuHousehold *household = anbu_casework_lookup_household (self->casework, alert->household_id);
      const char *name = household != NULL && household->name != NULL ? household->name : _("A household");
      const char *dong = household != NULL ? household->dong_name : NULL;
      g_autofree char *district_name = household != NULL ? district_of_address (household->address) : NULL;
      g_autofree char *action = describe_last_action (alert, g_hash_table_lookup (last_contacts, alert->id));
      g_autofree char *flagged_name = NULL;
      const char *district_key = district_name != NULL ? district_name : _("Other");
      District *district;

      if (alert->level < G_N_ELEMENTS (counts))
        counts[alert->level]++;
      if (alert->state == ANBU_ALERT_STATE_OPEN)
        unacknowledged++;
      district = g_hash_table_lookup (districts, district_key);
      if (district == NULL)
        {
          district = g_new0 (District, 1);
          district->name = g_strdup (district_key);
          district->dongs = g_hash_table_new (g_str_hash, g_str_equal);
          g_hash_table_insert (districts, district->name, district);
          g_ptr_array_add (district_list, district);
        }
      district->count++;
      if (dong != NULL)
        g_hash_table_insert (district->dongs, (gpointer) dong,
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (district->dongs, dong)) + 1));
      /* A number that failed twice: whoever calls next should know before dialling. */
      if (household_has_bad_number (self, alert->household_id))
        {
          /* Translators: a household on the wall board whose number failed twice. */
          flagged_name = g_strdup_printf (_("%s · check the number"), name);
          name = flagged_name;
        }
      g_ptr_array_add (items, anbu_board_item_new (alert, name, dong, district_name, action,
                                                   held_until (self, alert, household, now)));
    }

  /* Translators: the wall board's counts: 심각, 위험, 관심, then how many nobody acknowledged. */
  levels = g_strdup_printf (_("%s %u · %s %u · %s %u · unacknowledged %u"),
                            anbu_alert_level_to_label (ANBU_ALERT_LEVEL_CRITICAL), counts[ANBU_ALERT_LEVEL_CRITICAL],
                            anbu_alert_level_to_label (ANBU_ALERT_LEVEL_RISK), counts[ANBU_ALERT_LEVEL_RISK],
                            anbu_alert_level_to_label (ANBU_ALERT_LEVEL_WATCH), counts[ANBU_ALERT_LEVEL_WATCH],
                            unacknowledged);
  gtk_label_set_label (self->level_counts_label, levels);
  district_text = describe_districts (district_list);
  gtk_label_set_label (self->district_counts_label, district_text);
  replace_items (self, items);
  gtk_stack_set_visible_child_name (self->stack, alerts->len > 0 ? "list" : "empty");
}

static void
update_connection (AnbuWallBoard *self)
{
  gboolean connected = self->live != NULL && anbu_live_channel_get_connected (self->live);
  const char *text;

  if (self->casework == NULL)
    text = "";
  else if (self->live == NULL)
    text = _("Offline: showing this computer's copy");
  else if (connected)
    text = _("● Live");
  else
    text = _("Connection lost — reconnecting…");
  gtk_label_set_label (self->connection_label, text);
  if (self->live != NULL && !connected)
    gtk_widget_add_css_class (GTK_WIDGET (self->connection_label), "reconnecting");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->connection_label), "reconnecting");
}

/* Once a second: the clock and the ages of the rows on screen. */
static gboolean
tick (gpointer user_data)
{
  AnbuWallBoard *self = user_data;
  gint64 now = board_now (self);
  g_autofree char *clock = format_clock_time (now, TRUE);
  GHashTableIter iter;
  gpointer row;

  gtk_label_set_label (self->clock_label, clock);
  g_hash_table_iter_init (&iter, self->bound_rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    anbu_board_row_update_age (row, now);
  return G_SOURCE_CONTINUE;
}

static void
on_setup (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          AnbuWallBoard            *self)
{
  gtk_list_item_set_child (list_item, anbu_board_row_new ());
  gtk_list_item_set_activatable (list_item, TRUE);
}

static void
on_bind (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item,
         AnbuWallBoard            *self)
{
  AnbuBoardRow *row = ANBU_BOARD_ROW (gtk_list_item_get_child (list_item));

  anbu_board_row_bind (row, gtk_list_item_get_item (list_item), board_now (self), self->user_id);
  if (self->bound_rows != NULL)
    g_hash_table_add (self->bound_rows, row);
}

static void
on_unbind (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           AnbuWallBoard            *self)
{
  AnbuBoardRow *row = ANBU_BOARD_ROW (gtk_list_item_get_child (list_item));

  if (self->bound_rows != NULL)
    g_hash_table_remove (self->bound_rows, row);
  anbu_board_row_unbind (row);
}

static void
on_teardown (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             AnbuWallBoard            *self)
{
  if (self->bound_rows != NULL)
    g_hash_table_remove (self->bound_rows, gtk_list_item_get_child (list_item));
}

/* Enter or a double click on a line opens the household (its contacts, its history). */
static void
on_list_view_activate (GtkListView   *list_view,
                       guint          position,
                       AnbuWallBoard *self)
{
  g_autoptr(AnbuBoardItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), position);

  if (item != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.open-household", "s",
                                anbu_board_item_get_alert (item)->household_id);
}

typedef struct
{
  AnbuWallBoard *self;
  gboolean       release;
} ClaimData;

static void
claim_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  ClaimData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *mutation_id = anbu_casework_submit_finish (ANBU_CASEWORK (source), result, &error);
  GtkRoot *root;

  if (mutation_id == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      root = gtk_widget_get_root (GTK_WIDGET (data->self));
      /* The replica refuses what the server would: someone else holds it (the
       * sentence names who). */
      if (ANBU_IS_WINDOW (root))
        anbu_window_add_toast (ANBU_WINDOW (root), error->domain == ANBU_RECORD_ERROR
                                                   ? anbu_record_error_get_reason (error)
                                                   : _("The change could not be stored on this computer. Try again."));
    }
  g_object_unref (data->self);
  g_free (data);
}

static void
submit_claim (AnbuWallBoard *self,
              const char    *alert_id,
              gboolean       release)
{
  g_autoptr(JsonObject) payload = json_object_new ();
  g_autofree char *at = NULL;
  ClaimData *data;

  if (self->casework == NULL)
    return;
  at = anbu_timestamp_format (anbu_casework_get_now (self->casework));
  json_object_set_string_member (payload, "id", alert_id);
  json_object_set_string_member (payload, "at", at);
  if (release)
    json_object_set_boolean_member (payload, "release", TRUE);
  data = g_new0 (ClaimData, 1);
  data->self = g_object_ref (self);
  data->release = release;
  anbu_casework_submit_async (self->casework, "alert.claim", payload, self->cancellable,
                              claim_cb, data);
}

static void
claim_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  submit_claim (ANBU_WALL_BOARD (widget), g_variant_get_string (parameter, NULL),
                g_strcmp0 (action_name, "board.release") == 0);
}

static void
apply_casework (AnbuWallBoard *self,
                AnbuCasework  *casework)
{
  AnbuLiveChannel *live = NULL;

  if (self->casework == casework)
    return;
  if (self->casework != NULL)
    g_signal_handlers_disconnect_by_data (self->casework, self);
  if (self->live != NULL)
    g_signal_handlers_disconnect_by_data (self->live, self);
  g_set_object (&self->casework, casework);
  g_clear_pointer (&self->user_id, g_free);
  if (casework != NULL)
    {
      live = anbu_case_store_get_live_channel (anbu_casework_get_store (casework));
      self->user_id = anbu_case_store_dup_user_id (anbu_casework_get_store (casework));
    }
  g_set_object (&self->live, live);
  if (self->live != NULL)
    g_signal_connect_swapped (self->live, "notify::connected", G_CALLBACK (update_connection), self);
  update_connection (self);
  if (casework == NULL)
    {
      /* Signed out or locked: nothing of the caseload stays on the wall. */
      g_list_store_remove_all (self->items);
      gtk_label_set_label (self->level_counts_label, "");
      gtk_label_set_label (self->district_counts_label, "");
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  g_signal_connect_swapped (casework, "changed", G_CALLBACK (rebuild), self);
  if (anbu_casework_get_loaded (casework))
    rebuild (self);
}

static void
anbu_wall_board_map (GtkWidget *widget)
{
  AnbuWallBoard *self = ANBU_WALL_BOARD (widget);

  GTK_WIDGET_CLASS (anbu_wall_board_parent_class)->map (widget);
  /* The ages count only while someone can see them. */
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (1, tick, self);
  tick (self);
}

static void
anbu_wall_board_unmap (GtkWidget *widget)
{
  AnbuWallBoard *self = ANBU_WALL_BOARD (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (anbu_wall_board_parent_class)->unmap (widget);
}

static void
anbu_wall_board_dispose (GObject *object)
{
  AnbuWallBoard *self = ANBU_WALL_BOARD (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->casework != NULL)
    g_signal_handlers_disconnect_by_data (self->casework, self);
  if (self->live != NULL)
    g_signal_handlers_disconnect_by_data (self->live, self);
  g_clear_object (&self->casework);
  g_clear_object (&self->live);
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ANBU_TYPE_WALL_BOARD);
  /* After the list view: its rows may be unbound while it goes. */
  g_clear_pointer (&self->bound_rows, g_hash_table_unref);
  g_clear_object (&self->items);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->user_id, g_free);
  g_clear_object (&self->calendar);
  G_OBJECT_CLASS (anbu_wall_board_parent_class)->dispose (object);
}

static void
anbu_wall_board_class_init (AnbuWallBoardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = anbu_wall_board_dispose;
  widget_class->map = anbu_wall_board_map;
  widget_class->unmap = anbu_wall_board_unmap;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-wall-board.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuWallBoard, clock_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuWallBoard, connection_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuWallBoard, level_counts_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuWallBoard, district_counts_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuWallBoard, stack);
  gtk_widget_class_bind_template_child (widget_class, AnbuWallBoard, list_view);
  gtk_widget_class_install_action (widget_class, "board.claim", "s", claim_action);
  gtk_widget_class_install_action (widget_class, "board.release", "s", claim_action);
}

static void
anbu_wall_board_init (AnbuWallBoard *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->bound_rows = g_hash_table_new (NULL, NULL);
  self->items = g_list_store_new (ANBU_TYPE_BOARD_ITEM);
  self->calendar = anbu_holiday_calendar_new ();

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (on_setup), self);
  g_signal_connect (factory, "bind", G_CALLBACK (on_bind), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_unbind), self);
  g_signal_connect (factory, "teardown", G_CALLBACK (on_teardown), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  g_signal_connect (self->list_view, "activate", G_CALLBACK (on_list_view_activate), self);
  gtk_list_view_set_model (self->list_view,
                           GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->items)))));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Open risk signals, most urgent first"), -1);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

GtkWidget *
anbu_wall_board_new (void)
{
  return g_object_new (ANBU_TYPE_WALL_BOARD, NULL);
}

void
anbu_wall_board_set_context (AnbuWallBoard *self,
                             AnbuContext   *context)
{
  g_return_if_fail (ANBU_IS_WALL_BOARD (self));
  g_return_if_fail (ANBU_IS_CONTEXT (context));

  anbu_context_follow_casework (context, G_OBJECT (self), (AnbuCaseworkApply) apply_casework);
}

/* Large type for a wall screen read from across the room. */
void
anbu_wall_board_set_wall_mode (AnbuWallBoard *self,
                               gboolean       wall_mode)
{
  g_return_if_fail (ANBU_IS_WALL_BOARD (self));

  self->wall_mode = wall_mode;
  if (wall_mode)
    gtk_widget_add_css_class (GTK_WIDGET (self), "wall");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "wall");
}

gboolean
anbu_wall_board_get_wall_mode (AnbuWallBoard *self)
{
  g_return_val_if_fail (ANBU_IS_WALL_BOARD (self), FALSE);
  return self->wall_mode;
}

GListModel *
anbu_wall_board_get_model (AnbuWallBoard *self)
{
  g_return_val_if_fail (ANBU_IS_WALL_BOARD (self), NULL);
  return G_LIST_MODEL (self->items);
}

const char *
anbu_wall_board_get_level_counts (AnbuWallBoard *self)
{
  g_return_val_if_fail (ANBU_IS_WALL_BOARD (self), NULL);
  return gtk_label_get_label (self->level_counts_label);
}

const char *
anbu_wall_board_get_district_counts (AnbuWallBoard *self)
{
  g_return_val_if_fail (ANBU_IS_WALL_BOARD (self), NULL);
  return gtk_label_get_label (self->district_counts_label);
}

const char *
anbu_wall_board_get_connection_text (AnbuWallBoard *self)
{
  g_return_val_if_fail (ANBU_IS_WALL_BOARD (self), NULL);
  return gtk_label_get_label (self->connection_label);
}
