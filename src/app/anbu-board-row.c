/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-wall-board"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-board-row.h"
#include "anbu-kst.h"
#include "anbu-enums.h"

struct _AnbuBoardRow
{
  GtkWidget      parent_instance;

  GtkLabel      *level_label;
  GtkLabel      *name_label;
  GtkLabel      *dong_label;
  GtkLabel      *age_label;
  GtkLabel      *holder_label;
  GtkLabel      *action_label;
  GtkButton     *claim_button;

  AnbuBoardItem *item;
  gint64         raised_at;
  char          *age_text;   /* what the age label shows: set only when it changes */
};

G_DEFINE_FINAL_TYPE (AnbuBoardRow, anbu_board_row, GTK_TYPE_WIDGET)

static const char *const level_classes[] = { "watch", "risk", "critical" };

char *
anbu_board_format_age (gint64 span_usec)
{
  gint64 seconds = MAX (span_usec, 0) / G_USEC_PER_SEC;
  int days = (int) MIN (seconds / 86400, G_MAXINT);
  int hours = (int) ((seconds % 86400) / 3600);
  int minutes = (int) ((seconds % 3600) / 60);

  if (days > 0)
    /* Translators: how long a signal has been open: days and hours ("1일 4시간"). */
    return g_strdup_printf (_("%d d %d h"), days, hours);
  if (hours > 0)
    /* Translators: how long a signal has been open: hours and minutes ("2시간 05분"). */
    return g_strdup_printf (_("%d h %02d min"), hours, minutes);
  /* Translators: how long a signal has been open: minutes and seconds ("12분 30초"). */
  return g_strdup_printf (_("%d min %02d s"), minutes, (int) (seconds % 60));
}

static GtkLabel *
add_label (AnbuBoardRow *self,
           GtkWidget    *parent,
           const char   *name,
           const char   *css_class,
           gboolean      expand)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_name (label, name);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, expand);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  if (GTK_IS_BOX (parent))
    gtk_box_append (GTK_BOX (parent), label);
  else
    gtk_widget_set_parent (label, parent);
  return GTK_LABEL (label);
}

static void
anbu_board_row_dispose (GObject *object)
{
  AnbuBoardRow *self = ANBU_BOARD_ROW (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->item);
  g_clear_pointer (&self->age_text, g_free);
  G_OBJECT_CLASS (anbu_board_row_parent_class)->dispose (object);
}

static void
anbu_board_row_class_init (AnbuBoardRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = anbu_board_row_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "anbu-board-row");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
anbu_board_row_init (AnbuBoardRow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkWidget *names;

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (widget)), 18);
  self->level_label = add_label (self, widget, "board-level", "anbu-board-level", FALSE);
  gtk_label_set_xalign (self->level_label, 0.5);
  gtk_label_set_width_chars (self->level_label, 4);
  /* Fixed columns, so that ages and holders line up down the board. */
  names = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_size_request (names, 240, -1);
  gtk_widget_set_parent (names, widget);
  self->name_label = add_label (self, names, "board-household", "anbu-board-name", FALSE);
  self->dong_label = add_label (self, names, "board-dong", "dim-label", FALSE);
  self->age_label = add_label (self, widget, "board-age", "anbu-board-age", FALSE);
  gtk_label_set_width_chars (self->age_label, 10);
  gtk_widget_add_css_class (GTK_WIDGET (self->age_label), "numeric");
  self->holder_label = add_label (self, widget, "board-holder", "anbu-board-holder", FALSE);
  gtk_label_set_width_chars (self->holder_label, 18);
  self->action_label = add_label (self, widget, "board-last-action", "anbu-board-action", TRUE);
  self->claim_button = GTK_BUTTON (gtk_button_new ());
  gtk_widget_set_name (GTK_WIDGET (self->claim_button), "board-claim");
  gtk_widget_set_valign (GTK_WIDGET (self->claim_button), GTK_ALIGN_CENTER);
  gtk_widget_set_parent (GTK_WIDGET (self->claim_button), widget);
}

GtkWidget *
anbu_board_row_new (void)
{
  return g_object_new (ANBU_TYPE_BOARD_ROW, NULL);
}

void
anbu_board_row_update_age (AnbuBoardRow *self,
                           gint64        now)
{
  g_autofree char *age = NULL;

  g_return_if_fail (ANBU_IS_BOARD_ROW (self));
  if (self->item == NULL)
    return;
  age = anbu_board_format_age (now - self->raised_at);
  /* Only a changed text relayouts the row: the tick costs nothing otherwise. */
  if (g_strcmp0 (age, self->age_text) == 0)
    return;
  gtk_label_set_label (self->age_label, age);
  g_free (self->age_text);
  self->age_text = g_steal_pointer (&age);
}

/* "09:00" today, "11/25 09:00" on another day (KST). */
static char *
format_until (gint64 until,
              gint64 now)
{
  g_autoptr(GDateTime) until_utc = g_date_time_new_from_unix_utc (until / G_USEC_PER_SEC);
  g_autoptr(GDateTime) now_utc = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC);
  g_autoptr(GDateTime) until_kst = anbu_kst_to_kst (until_utc);
  g_autoptr(GDateTime) now_kst = anbu_kst_to_kst (now_utc);
  gboolean today = g_date_time_get_day_of_year (until_kst) == g_date_time_get_day_of_year (now_kst)
                   && g_date_time_get_year (until_kst) == g_date_time_get_year (now_kst);

  return g_date_time_format (until_kst, today ? "%H:%M" : "%m/%d %H:%M");
}

void
anbu_board_row_bind (AnbuBoardRow  *self,
                     AnbuBoardItem *item,
                     gint64         now,
                     const char    *my_user_id)
{
  const AnbuAlert *alert;
  const char *dong;
  const char *district;
  const char *action;
  g_autofree char *place = NULL;
  g_autofree char *holder = NULL;
  gboolean mine;

  g_return_if_fail (ANBU_IS_BOARD_ROW (self));
  g_return_if_fail (ANBU_IS_BOARD_ITEM (item));

  g_set_object (&self->item, item);
  alert = anbu_board_item_get_alert (item);
  self->raised_at = alert->raised_at;
  g_clear_pointer (&self->age_text, g_free);

  for (guint i = 0; i < G_N_ELEMENTS (level_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->level_label), level_classes[i]);
  if (alert->level < G_N_ELEMENTS (level_classes))
    gtk_widget_add_css_class (GTK_WIDGET (self->level_label), level_classes[alert->level]);
  gtk_label_set_label (self->level_label, anbu_alert_level_to_label (alert->level));

  gtk_label_set_label (self->name_label, anbu_board_item_get_household_name (item));
  dong = anbu_board_item_get_dong_name (item);
  district = anbu_board_item_get_district_name (item);
  place = district != NULL && dong != NULL ? g_strdup_printf ("%s %s", district, dong)
                                           : g_strdup (dong != NULL ? dong : "");
  gtk_label_set_label (self->dong_label, place);
  anbu_board_row_update_age (self, now);

  /* Nobody has acknowledged it: the whole line stands out. */
  if (alert->state == ANBU_ALERT_STATE_OPEN)
    gtk_widget_add_css_class (GTK_WIDGET (self), "unacknowledged");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "unacknowledged");

  mine = alert->claimed_by != NULL && my_user_id != NULL
         && g_ascii_strcasecmp (alert->claimed_by, my_user_id) == 0;
  if (alert->claimed_by == NULL)
    holder = g_strdup (alert->state == ANBU_ALERT_STATE_OPEN ? _("Not taken — unacknowledged")
                                                             : _("Not taken"));
  else
    {
      g_autofree char *who = NULL;
      gint64 until = anbu_board_item_get_held_until (item);

      if (alert->claimed_by_name != NULL)
        /* Translators: who holds a signal now, by display name ("김민지 주무관 처리 중"). */
        who = g_strdup_printf (_("%s handling"), alert->claimed_by_name);
      else
        who = g_strdup (_("Another operator handling"));
      if (until > now)
        {
          g_autofree char *when = format_until (until, now);

          /* Translators: a holder and until when they keep the case ("… 처리 중 · 09:00까지"). */
          holder = g_strdup_printf (_("%s · until %s"), who, when);
        }
      else
        holder = g_steal_pointer (&who);
    }
  gtk_label_set_label (self->holder_label, holder);
  if (alert->claimed_by != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->holder_label), "claimed");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->holder_label), "claimed");

  action = anbu_board_item_get_last_action (item);
  gtk_label_set_label (self->action_label, action != NULL ? action : _("No action yet"));

  /* One button: take it on, give back one's own, or nothing to do while
   * someone else holds it (the server would refuse). */
  gtk_button_set_use_underline (self->claim_button, TRUE);
  /* The target first: an action name without its target would not match the action. */
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->claim_button),
                                          g_variant_new_string (alert->id));
  if (mine)
    {
      gtk_button_set_label (self->claim_button, _("_Give Back"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->claim_button), "board.release");
    }
  else
    {
      gtk_button_set_label (self->claim_button, _("I'm _Handling It"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->claim_button), "board.claim");
    }
  gtk_widget_set_visible (GTK_WIDGET (self->claim_button), alert->claimed_by == NULL || mine);
}

void
anbu_board_row_unbind (AnbuBoardRow *self)
{
  g_return_if_fail (ANBU_IS_BOARD_ROW (self));
  g_clear_object (&self->item);
}

AnbuBoardItem *
anbu_board_row_get_item (AnbuBoardRow *self)
{
  g_return_val_if_fail (ANBU_IS_BOARD_ROW (self), NULL);
  return self->item;
}
