/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-sync-indicator"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-clock.h"
#include "anbu-kst.h"
#include "anbu-sync-indicator.h"

/* The header-bar button that always says whether the app reaches the server, when it last synced
 * and how many changes wait to be sent (DESIGN.md §5). Its popover lists the waiting entries,
 * the conflicts to resolve and the changes the server refused, each from a list model the window
 * binds from the sync engine. */
struct _AnbuSyncIndicator
{
  AdwBin parent_instance;

  GtkMenuButton *menu_button;
  GtkImage *state_image;
  GtkLabel *state_label;
  GtkLabel *pending_badge;
  GtkWidget *conflict_badge;
  GtkLabel *conflict_count;
  GtkPopover *popover;
  GtkLabel *status_title;
  GtkLabel *status_detail;
  GtkListBox *pending_list;
  GtkListBox *conflicts_list;
  GtkListBox *rejections_list;

  AnbuSyncIndicatorState state;
  GDateTime *last_sync;
  guint pending_count;
  guint refresh_id;

  /* The lists the popover shows: the header and the summary count what
   * they hold, so the summary never contradicts the list below it. */
  GListModel *pending_model;
  GListModel *conflicts_model;
};

G_DEFINE_TYPE (AnbuSyncIndicator, anbu_sync_indicator, ADW_TYPE_BIN)

G_DEFINE_ENUM_TYPE (AnbuSyncIndicatorState, anbu_sync_indicator_state,
                    G_DEFINE_ENUM_VALUE (ANBU_SYNC_INDICATOR_OFFLINE, "offline"),
                    G_DEFINE_ENUM_VALUE (ANBU_SYNC_INDICATOR_ONLINE, "online"),
                    G_DEFINE_ENUM_VALUE (ANBU_SYNC_INDICATOR_SYNCING, "syncing"))

enum
{
  PROP_0,
  PROP_STATE,
  PROP_LAST_SYNC,
  PROP_PENDING_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The relative time ("3분 전") has to move on while the window stays open. */
#define REFRESH_SECONDS 30

static const char *
state_title (AnbuSyncIndicatorState state)
{
  switch (state)
    {
    case ANBU_SYNC_INDICATOR_ONLINE:
      return _("Online");
    case ANBU_SYNC_INDICATOR_SYNCING:
      return _("Syncing…");
    case ANBU_SYNC_INDICATOR_OFFLINE:
    default:
      return _("Offline");
    }
}

static const char *
state_icon (AnbuSyncIndicatorState state)
{
  switch (state)
    {
    case ANBU_SYNC_INDICATOR_ONLINE:
      return "network-transmit-receive-symbolic";
    case ANBU_SYNC_INDICATOR_SYNCING:
      return "emblem-synchronizing-symbolic";
    case ANBU_SYNC_INDICATOR_OFFLINE:
    default:
      return "network-offline-symbolic";
    }
}

static char *
describe_last_sync (AnbuSyncIndicator *self)
{
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *ago = NULL;

  if (self->last_sync == NULL)
    return g_strdup (_("Not synced yet"));

  now = anbu_clock_get_now_utc (anbu_clock_get_default ());
  ago = anbu_kst_format_relative (self->last_sync, now);
  /* Translators: %s is a relative time such as "3 minutes ago". */
  return g_strdup_printf (_("Last synced %s"), ago);
}

/* What waits to be sent: the account's count, or the list's when that
 * already holds more (the two are updated by different signals). */
static guint
shown_pending_count (AnbuSyncIndicator *self)
{
  guint listed = self->pending_model != NULL ? g_list_model_get_n_items (self->pending_model) : 0;

  return MAX (self->pending_count, listed);
}

static guint
shown_conflict_count (AnbuSyncIndicator *self)
{
  return self->conflicts_model != NULL ? g_list_model_get_n_items (self->conflicts_model) : 0;
}

static char *
describe_conflicts (guint conflict_count)
{
  return g_strdup_printf (ngettext ("%u conflict to resolve", "%u conflicts to resolve",
                                    conflict_count), conflict_count);
}

static char *
describe_pending (guint pending_count)
{
  if (pending_count == 0)
    return g_strdup (_("All changes sent"));
  return g_strdup_printf (ngettext ("%u change waiting to be sent",
                                    "%u changes waiting to be sent", pending_count),
                          pending_count);
}

static void
update (AnbuSyncIndicator *self)
{
  guint pending_count = shown_pending_count (self);
  guint conflict_count = shown_conflict_count (self);
  g_autofree char *last = describe_last_sync (self);
  g_autofree char *pending = describe_pending (pending_count);
  g_autofree char *conflicts = describe_conflicts (conflict_count);
  g_autofree char *detail = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *badge = NULL;
  g_autofree char *conflict_badge = NULL;

  gtk_image_set_from_icon_name (self->state_image, state_icon (self->state));
  gtk_label_set_label (self->state_label, state_title (self->state));
  gtk_label_set_label (self->status_title, state_title (self->state));

  if (conflict_count > 0)
    detail = g_strdup_printf ("%s\n%s\n%s", last, pending, conflicts);
  else
    detail = g_strdup_printf ("%s\n%s", last, pending);
  gtk_label_set_label (self->status_detail, detail);
  badge = g_strdup_printf ("%u", pending_count);
  gtk_label_set_label (self->pending_badge, badge);
  gtk_widget_set_visible (GTK_WIDGET (self->pending_badge), pending_count > 0);
  conflict_badge = g_strdup_printf ("%u", conflict_count);
  gtk_label_set_label (self->conflict_count, conflict_badge);
  gtk_widget_set_visible (self->conflict_badge, conflict_count > 0);

  summary = anbu_sync_indicator_describe (self);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->menu_button), summary);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, summary, -1);

  gtk_widget_remove_css_class (GTK_WIDGET (self), "offline");
  gtk_widget_remove_css_class (GTK_WIDGET (self), "online");
  gtk_widget_remove_css_class (GTK_WIDGET (self), "syncing");
  gtk_widget_add_css_class (GTK_WIDGET (self),
                            g_enum_get_value (g_type_class_peek (ANBU_TYPE_SYNC_INDICATOR_STATE),
                                              self->state)->value_nick);
}

static gboolean
on_refresh (gpointer user_data)
{
  update (ANBU_SYNC_INDICATOR (user_data));
  return G_SOURCE_CONTINUE;
}

static GtkWidget *
make_placeholder (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static void
on_counted_items_changed (AnbuSyncIndicator *self)
{
  update (self);
}

/* Follows @model's length in @slot (NULL stops). */
static void
count_model (AnbuSyncIndicator  *self,
             GListModel        **slot,
             GListModel         *model)
{
  if (*slot == model)
    return;
  if (*slot != NULL)
    g_signal_handlers_disconnect_by_func (*slot, on_counted_items_changed, self);
  g_set_object (slot, model);
  if (model != NULL)
    g_signal_connect_object (model, "items-changed", G_CALLBACK (on_counted_items_changed), self,
                             G_CONNECT_SWAPPED);
  update (self);
}

static void
bind_list (GtkListBox                *list,
           GListModel                *model,
           GtkListBoxCreateWidgetFunc create_row,
           gpointer                   user_data,
           GDestroyNotify             user_data_free)
{
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));
  g_return_if_fail (model == NULL || create_row != NULL);

  gtk_list_box_bind_model (list, model, create_row, user_data, user_data_free);
}

static void
anbu_sync_indicator_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  AnbuSyncIndicator *self = ANBU_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_LAST_SYNC:
      g_value_set_boxed (value, self->last_sync);
      break;
    case PROP_PENDING_COUNT:
      g_value_set_uint (value, self->pending_count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_sync_indicator_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  AnbuSyncIndicator *self = ANBU_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_STATE:
      anbu_sync_indicator_set_state (self, g_value_get_enum (value));
      break;
    case PROP_LAST_SYNC:
      anbu_sync_indicator_set_last_sync (self, g_value_get_boxed (value));
      break;
    case PROP_PENDING_COUNT:
      anbu_sync_indicator_set_pending_count (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_sync_indicator_dispose (GObject *object)
{
  AnbuSyncIndicator *self = ANBU_SYNC_INDICATOR (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->pending_list != NULL)
    {
      gtk_list_box_bind_model (self->pending_list, NULL, NULL, NULL, NULL);
      gtk_list_box_bind_model (self->conflicts_list, NULL, NULL, NULL, NULL);
      gtk_list_box_bind_model (self->rejections_list, NULL, NULL, NULL, NULL);
      count_model (self, &self->pending_model, NULL);
      count_model (self, &self->conflicts_model, NULL);
    }

  G_OBJECT_CLASS (anbu_sync_indicator_parent_class)->dispose (object);
}

static void
anbu_sync_indicator_finalize (GObject *object)
{
  AnbuSyncIndicator *self = ANBU_SYNC_INDICATOR (object);

  g_clear_pointer (&self->last_sync, g_date_time_unref);

  G_OBJECT_CLASS (anbu_sync_indicator_parent_class)->finalize (object);
}

static void
anbu_sync_indicator_class_init (AnbuSyncIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = anbu_sync_indicator_get_property;
  object_class->set_property = anbu_sync_indicator_set_property;
  object_class->dispose = anbu_sync_indicator_dispose;
  object_class->finalize = anbu_sync_indicator_finalize;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       ANBU_TYPE_SYNC_INDICATOR_STATE, ANBU_SYNC_INDICATOR_OFFLINE,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * AnbuSyncIndicator:last-sync:
   *
   * When the last sync succeeded, or %NULL before the first.
   */
  properties[PROP_LAST_SYNC] =
    g_param_spec_boxed ("last-sync", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PENDING_COUNT] =
    g_param_spec_uint ("pending-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-sync-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuSyncIndicator, menu_button);
  gtk_widget_class_bind_template_child (widget_class, AnbuSyncIndicator, state_image);
  gtk_widget_class_bind_template_child (widget_class, AnbuSyncIndicator, state_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuSyncIndicator, pending_badge);
  gtk_widget_class_bind_template_child (widget_class, AnbuSyncIndicator, conflict_badge);
  gtk_widget_class_bind_template_child (widget_class, AnbuSyncIndicator, conflict_count);
  gtk_widget_class_bind_template_child (widget_class, AnbuSyncIndicator, popover);
  gtk_widget_class_bind_template_child (widget_class, AnbuSyncIndicator, status_title);
  gtk_widget_class_bind_template_child (widget_class, AnbuSyncIndicator, status_detail);
  gtk_widget_class_bind_template_child (widget_class, AnbuSyncIndicator, pending_list);
  gtk_widget_class_bind_template_child (widget_class, AnbuSyncIndicator, conflicts_list);
  gtk_widget_class_bind_template_child (widget_class, AnbuSyncIndicator, rejections_list);
}

static void
anbu_sync_indicator_init (AnbuSyncIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_list_box_set_placeholder (self->pending_list,
                                make_placeholder (_("Nothing is waiting to be sent.")));
  gtk_list_box_set_placeholder (self->conflicts_list,
                                make_placeholder (_("No conflicts.")));
  gtk_list_box_set_placeholder (self->rejections_list,
                                make_placeholder (_("The server accepted every change.")));

  self->refresh_id = g_timeout_add_seconds (REFRESH_SECONDS, on_refresh, self);
  g_source_set_name_by_id (self->refresh_id, "[anbu] sync indicator refresh");
  update (self);
}

GtkWidget *
anbu_sync_indicator_new (void)
{
  return g_object_new (ANBU_TYPE_SYNC_INDICATOR, NULL);
}

AnbuSyncIndicatorState
anbu_sync_indicator_get_state (AnbuSyncIndicator *self)
{
  g_return_val_if_fail (ANBU_IS_SYNC_INDICATOR (self), ANBU_SYNC_INDICATOR_OFFLINE);

  return self->state;
}

void
anbu_sync_indicator_set_state (AnbuSyncIndicator     *self,
                               AnbuSyncIndicatorState state)
{
  g_return_if_fail (ANBU_IS_SYNC_INDICATOR (self));

  if (self->state == state)
    return;

  self->state = state;
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/**
 * anbu_sync_indicator_get_last_sync:
 *
 * Returns: (transfer none) (nullable): when the last sync succeeded
 */
GDateTime *
anbu_sync_indicator_get_last_sync (AnbuSyncIndicator *self)
{
  g_return_val_if_fail (ANBU_IS_SYNC_INDICATOR (self), NULL);

  return self->last_sync;
}

void
anbu_sync_indicator_set_last_sync (AnbuSyncIndicator *self,
                                   GDateTime         *last_sync)
{
  g_return_if_fail (ANBU_IS_SYNC_INDICATOR (self));

  if (self->last_sync == last_sync
      || (self->last_sync != NULL && last_sync != NULL
          && g_date_time_equal (self->last_sync, last_sync)))
    return;

  g_clear_pointer (&self->last_sync, g_date_time_unref);
  if (last_sync != NULL)
    self->last_sync = g_date_time_ref (last_sync);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
}

guint
anbu_sync_indicator_get_pending_count (AnbuSyncIndicator *self)
{
  g_return_val_if_fail (ANBU_IS_SYNC_INDICATOR (self), 0);

  return self->pending_count;
}

void
anbu_sync_indicator_set_pending_count (AnbuSyncIndicator *self,
                                       guint              pending_count)
{
  g_return_if_fail (ANBU_IS_SYNC_INDICATOR (self));

  if (self->pending_count == pending_count)
    return;

  self->pending_count = pending_count;
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING_COUNT]);
}

/**
 * anbu_sync_indicator_describe:
 * @self: the indicator
 *
 * Returns: (transfer full): one translated sentence with the state, the last sync and the
 *   pending count, as the tooltip and screen readers give it
 */
char *
anbu_sync_indicator_describe (AnbuSyncIndicator *self)
{
  g_autofree char *last = NULL;
  g_autofree char *pending = NULL;

  g_return_val_if_fail (ANBU_IS_SYNC_INDICATOR (self), NULL);

  last = describe_last_sync (self);
  pending = describe_pending (shown_pending_count (self));
  if (shown_conflict_count (self) > 0)
    {
      g_autofree char *conflicts = describe_conflicts (shown_conflict_count (self));

      /* Translators: sync state, last sync, pending changes, conflicts: "Online. Last synced
       * 3 minutes ago. 2 changes waiting to be sent. 1 conflict to resolve." */
      return g_strdup_printf (_("%s. %s. %s. %s."), state_title (self->state), last, pending, conflicts);
    }
  /* Translators: sync state, last sync, pending changes: "Online. Last synced 3 minutes ago.
   * 2 changes waiting to be sent." */
  return g_strdup_printf (_("%s. %s. %s."), state_title (self->state), last, pending);
}

/**
 * anbu_sync_indicator_bind_pending:
 * @self: the indicator
 * @model: (nullable): the outbox entries waiting to be sent
 * @create_row: makes a #GtkListBoxRow (or widget) for one entry
 * @user_data: data for @create_row
 * @user_data_free: frees @user_data when the binding ends
 *
 * Lists the waiting entries in the popover. %NULL unbinds and shows the empty message.
 */
void
anbu_sync_indicator_bind_pending (AnbuSyncIndicator         *self,
                                  GListModel                *model,
                                  GtkListBoxCreateWidgetFunc create_row,
                                  gpointer                   user_data,
                                  GDestroyNotify             user_data_free)
{
  g_return_if_fail (ANBU_IS_SYNC_INDICATOR (self));

  bind_list (self->pending_list, model, create_row, user_data, user_data_free);
  count_model (self, &self->pending_model, model);
}

/**
 * anbu_sync_indicator_bind_conflicts:
 *
 * Like anbu_sync_indicator_bind_pending() for the conflicts; @create_row usually returns an
 * #AnbuConflictRow.
 */
void
anbu_sync_indicator_bind_conflicts (AnbuSyncIndicator         *self,
                                    GListModel                *model,
                                    GtkListBoxCreateWidgetFunc create_row,
                                    gpointer                   user_data,
                                    GDestroyNotify             user_data_free)
{
  g_return_if_fail (ANBU_IS_SYNC_INDICATOR (self));

  bind_list (self->conflicts_list, model, create_row, user_data, user_data_free);
  count_model (self, &self->conflicts_model, model);
}

/**
 * anbu_sync_indicator_bind_rejections:
 *
 * Like anbu_sync_indicator_bind_pending() for the changes the server rejected.
 */
void
anbu_sync_indicator_bind_rejections (AnbuSyncIndicator         *self,
                                     GListModel                *model,
                                     GtkListBoxCreateWidgetFunc create_row,
                                     gpointer                   user_data,
                                     GDestroyNotify             user_data_free)
{
  g_return_if_fail (ANBU_IS_SYNC_INDICATOR (self));

  bind_list (self->rejections_list, model, create_row, user_data, user_data_free);
}
