/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-window"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-accessibility.h"
#include "anbu-alerts-view.h"
#include "anbu-application.h"
#include "anbu-case-form-dialog.h"
#include "anbu-handover-dialog.h"
#include "anbu-household-page.h"
#include "anbu-households-view.h"
#include "anbu-lock-screen.h"
#include "anbu-map-page.h"
#include "anbu-sign-in-page.h"
#include "anbu-statistics-view.h"
#include "anbu-caseload-admin-view.h"
#include "anbu-sync-indicator.h"
#include "anbu-visits-view.h"
#include "anbu-outbox-entry.h"
#include "anbu-sync-text.h"
#include "anbu-wall-board.h"
#include "anbu-window.h"

/* The main window: the sign-in page, the five views under a view switcher with the sync
 * indicator beside them, and the lock page that replaces the views after idle time. */
struct _AnbuWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  GtkStack *pages;
  AnbuSignInPage *sign_in_page;
  AdwHeaderBar *header_bar;
  AdwViewSwitcherTitle *switcher_title;
  AnbuSyncIndicator *sync_indicator;
  GtkToggleButton *search_button;
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;
  AdwViewStack *view_stack;
  GtkRevealer *renew_revealer;
  AnbuLockScreen *lock_screen;
  AnbuAlertsView *alerts_view;
  AnbuHouseholdsView *households_view;
  AnbuMapPage *map_page;
  AnbuVisitsView *visits_view;
  AnbuStatisticsView *statistics_view;
  AnbuCaseloadAdminView *caseload_view;
  AdwViewStackPage   *caseload_page;
  AnbuWallBoard *wall_board;
  AdwViewStackPage   *board_page;
  /* F11 asked for the wall; the window manager may or may not make it full screen (a bare X
   * server has none), the board goes large either way. */
  gboolean wall_requested;
  gboolean was_fullscreen;
  /* Refused claims already told (the rejection list is replaced whole on each change). */
  GHashTable *told_claims;

  AnbuContext *context;
  AnbuCasework *casework;   /* the context's, followed for news */
  GSettings *settings;
  AnbuIdleMonitor *idle_monitor;
  AnbuAccount *account;
  GCancellable *cancellable;
  GBinding *state_binding;
  GBinding *last_sync_binding;
  GBinding *pending_binding;
  char *signing_in_server;
  char *signing_in_username;
  char *search_text;
  gboolean signed_in;
  gboolean locked;
  char *handover_shown;  /* the hand-over presented with this casework ("동/day") */
  /* Where the planner was when the window locked: unlocking goes back there. */
  char *view_before_lock;
  char *household_before_lock;
};

G_DEFINE_TYPE (AnbuWindow, anbu_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_ACCOUNT,
  PROP_CONTEXT,
  PROP_SIGNED_IN,
  PROP_LOCKED,
  PROP_SEARCH_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const view_names[] = {
  "alerts", "households", "map", "visits", "statistics", "board",
};

static void
update_actions (AnbuWindow *self)
{
  gboolean in_main = self->signed_in && !self->locked;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.lock", in_main);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out", in_main);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sync", in_main);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", in_main);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-view", in_main);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.renew", in_main);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.register-household", in_main);
}

static void
show_main (AnbuWindow *self)
{
  if (self->account != NULL)
    anbu_account_open_casework (self->account, self->context);
  gtk_stack_set_visible_child_name (self->pages, "main");
  anbu_idle_monitor_set_active (self->idle_monitor, TRUE);
  update_actions (self);
}

static void
set_locked (AnbuWindow *self,
            gboolean    locked)
{
  if (self->locked == locked)
    return;

  self->locked = locked;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCKED]);
}

static void
set_signed_in (AnbuWindow *self,
               gboolean    signed_in)
{
  if (self->signed_in == signed_in)
    return;

  self->signed_in = signed_in;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
}

static void
update_lock_screen_name (AnbuWindow *self)
{
  g_autofree char *display_name = NULL;

  if (self->account != NULL)
    g_object_get (self->account, "display-name", &display_name, NULL);
  anbu_lock_screen_set_username (self->lock_screen, display_name);
}

static void enter_after_sign_in (AnbuWindow *self);

static GtkWidget *
find_household_page (GtkWidget *widget)
{
  if (ANBU_IS_HOUSEHOLD_PAGE (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_household_page (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The view and the household page (shown in the Households view) open now. */
static void
remember_place (AnbuWindow *self)
{
  GtkWidget *page = find_household_page (GTK_WIDGET (self->households_view));

  g_free (self->view_before_lock);
  self->view_before_lock = g_strdup (adw_view_stack_get_visible_child_name (self->view_stack));
  g_clear_pointer (&self->household_before_lock, g_free);
  if (page != NULL && gtk_widget_get_child_visible (page))
    self->household_before_lock = g_strdup (anbu_household_page_get_household_id (ANBU_HOUSEHOLD_PAGE (page)));
}

static void
return_to_place (AnbuWindow *self)
{
  g_autofree char *view = g_steal_pointer (&self->view_before_lock);
  g_autofree char *household_id = g_steal_pointer (&self->household_before_lock);

  if (household_id != NULL)
    anbu_window_open_household (self, household_id);
  if (view != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, view);
}

static void
sign_in_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (AnbuWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!anbu_account_sign_in_finish (ANBU_ACCOUNT (source), result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = anbu_account_describe_error (error);
      anbu_sign_in_page_show_failure (self->sign_in_page, message);
      anbu_sign_in_page_offer_rebuild (self->sign_in_page,
                                       g_error_matches (error, ANBU_ACCOUNT_ERROR,
                                                        ANBU_ACCOUNT_ERROR_REPLICA_DAMAGED));
      return;
    }

  enter_after_sign_in (self);
}

static void
rebuild_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (AnbuWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  guint n_lost = 0;

  if (!anbu_account_rebuild_finish (ANBU_ACCOUNT (source), result, &n_lost, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = anbu_account_describe_error (error);
      anbu_sign_in_page_show_failure (self->sign_in_page, message);
      return;
    }

  enter_after_sign_in (self);
  if (n_lost > 0)
    {
      g_autofree char *message = g_strdup_printf (ngettext ("The caseload was downloaded again. %u change not yet sent could not be read and is lost.",
                                                            "The caseload was downloaded again. %u changes not yet sent could not be read and are lost.",
                                                            n_lost),
                                                  n_lost);

      anbu_window_add_toast (self, message);
    }
  else
    anbu_window_add_toast (self, _("The caseload was downloaded again; no change was lost."));
}

static void
on_sign_in_page_rebuild (AnbuWindow     *self,
                         const char     *server_address,
                         const char     *username,
                         const char     *password,
                         AnbuSignInPage *page)
{
  g_return_if_fail (self->account != NULL);

  g_free (self->signing_in_server);
  self->signing_in_server = g_strdup (server_address);
  g_free (self->signing_in_username);
  self->signing_in_username = g_strdup (username);
  anbu_account_rebuild_async (self->account, password, self->cancellable, rebuild_cb,
                              g_object_ref (self));
}

static void
enter_after_sign_in (AnbuWindow *self)
{
  g_settings_set_string (self->settings, "server-address", self->signing_in_server);
  g_settings_set_string (self->settings, "last-username", self->signing_in_username);
  anbu_sign_in_page_reset (self->sign_in_page);
  update_lock_screen_name (self);
  set_signed_in (self, TRUE);
  show_main (self);
}

static void
on_sign_in_page_sign_in (AnbuWindow     *self,
                         const char     *server_address,
                         const char     *username,
                         const char     *password,
                         AnbuSignInPage *page)
{
  if (self->account == NULL)
    {
      anbu_sign_in_page_show_failure (page, _("This copy of Anbu was built without the connection to the server, so it cannot sign in."));
      return;
    }

  g_free (self->signing_in_server);
  self->signing_in_server = g_strdup (server_address);
  g_free (self->signing_in_username);
  self->signing_in_username = g_strdup (username);
  anbu_account_sign_in_async (self->account, server_address, username, password,
                              self->cancellable, sign_in_cb, g_object_ref (self));
}

static void
unlock_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (AnbuWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!anbu_account_unlock_finish (ANBU_ACCOUNT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      anbu_lock_screen_reject (self->lock_screen);
      if (!g_error_matches (error, ANBU_ACCOUNT_ERROR, ANBU_ACCOUNT_ERROR_WRONG_CREDENTIALS))
        {
          g_autofree char *message = anbu_account_describe_error (error);

          anbu_window_add_toast (self, message);
        }
      return;
    }

  anbu_lock_screen_reset (self->lock_screen);
  set_locked (self, FALSE);
  show_main (self);
  return_to_place (self);
}

static void
on_lock_screen_unlock_requested (AnbuWindow     *self,
                                 const char     *password,
                                 AnbuLockScreen *lock_screen)
{
  g_return_if_fail (self->account != NULL);

  anbu_account_unlock_async (self->account, password, self->cancellable,
                             unlock_cb, g_object_ref (self));
}

static void
on_search_entry_search_changed (AnbuWindow     *self,
                                GtkSearchEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  if (g_strcmp0 (self->search_text, text) == 0)
    return;

  g_free (self->search_text);
  self->search_text = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_TEXT]);

  /* The search finds households: show them, unless the map (which follows the same search)
   * is open. */
  if (*text != '\0')
    {
      const char *view = adw_view_stack_get_visible_child_name (self->view_stack);

      if (g_strcmp0 (view, "households") != 0 && g_strcmp0 (view, "map") != 0)
        adw_view_stack_set_visible_child_name (self->view_stack, "households");
    }
}

static void lock_for (AnbuWindow     *self,
                      AnbuLockReason  reason);

static void
on_idle (AnbuWindow *self)
{
  lock_for (self, ANBU_LOCK_REASON_IDLE);
}

static void
sign_out_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (AnbuWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!anbu_account_sign_out_finish (ANBU_ACCOUNT (source), result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = anbu_account_describe_error (error);
      anbu_window_add_toast (self, message);
      return;
    }

  anbu_account_close_casework (ANBU_ACCOUNT (source), self->context);
  set_signed_in (self, FALSE);
  set_locked (self, FALSE);
  anbu_idle_monitor_set_active (self->idle_monitor, FALSE);
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  anbu_sign_in_page_reset (self->sign_in_page);
  gtk_stack_set_visible_child_name (self->pages, "sign-in");
  update_actions (self);
  anbu_window_add_toast (self, _("Signed out. The caseload was removed from this computer."));
}

static void
on_sign_out_dialog_response (AdwMessageDialog *dialog,
                             const char       *response,
                             AnbuWindow       *self)
{
  if (g_strcmp0 (response, "sign-out") != 0 || self->account == NULL)
    return;

  anbu_account_sign_out_async (self->account, self->cancellable, sign_out_cb,
                               g_object_ref (self));
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  AnbuWindow *self = ANBU_WINDOW (widget);
  guint pending = anbu_sync_indicator_get_pending_count (self->sync_indicator);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (pending > 0)
    body = g_strdup_printf (ngettext ("%u change has not reached the server yet. Signing out removes it from this computer and it will be lost.",
                                      "%u changes have not reached the server yet. Signing out removes them from this computer and they will be lost.",
                                      pending),
                            pending);
  else
    body = g_strdup (_("Signing out removes the caseload from this computer. It is downloaded again at the next sign-in."));

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Sign Out?"), body);
  gtk_widget_set_name (dialog, "sign-out-dialog");
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "sign-out", pending > 0 ? _("_Sign Out and Lose Changes")
                                                            : _("_Sign Out"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "sign-out",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_sign_out_dialog_response),
                           self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
update_renew_bar (AnbuWindow *self)
{
  gboolean needs_sign_in = FALSE;

  if (self->account != NULL)
    g_object_get (self->account, "needs-sign-in", &needs_sign_in, NULL);
  gtk_revealer_set_reveal_child (self->renew_revealer, needs_sign_in);
}

static void
renew_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (AnbuWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!anbu_account_renew_finish (ANBU_ACCOUNT (source), result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = anbu_account_describe_error (error);
      anbu_window_add_toast (self, message);
      return;
    }
  anbu_window_add_toast (self, _("Signed in again. Syncing goes on."));
}

static void
on_renew_dialog_response (AdwMessageDialog *dialog,
                          const char       *response,
                          AnbuWindow       *self)
{
  GtkEditable *entry = GTK_EDITABLE (g_object_get_data (G_OBJECT (dialog), "password-row"));

  if (g_strcmp0 (response, "sign-in") == 0 && self->account != NULL
      && *gtk_editable_get_text (entry) != '\0')
    anbu_account_renew_async (self->account, gtk_editable_get_text (entry), self->cancellable,
                              renew_cb, g_object_ref (self));
  gtk_editable_set_text (entry, "");
}

static void
on_renew_entry_activate (AdwMessageDialog *dialog)
{
  adw_message_dialog_response (dialog, "sign-in");
  gtk_window_close (GTK_WINDOW (dialog));
}

static void
renew_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  AnbuWindow *self = ANBU_WINDOW (widget);
  g_autofree char *display_name = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  GtkWidget *entry;
  GtkWidget *list;

  if (self->account != NULL)
    g_object_get (self->account, "display-name", &display_name, NULL);
  if (display_name != NULL)
    /* Translators: %s is the signed-in planner's name. */
    body = g_strdup_printf (_("Enter the password of %s so that syncing can go on."), display_name);
  else
    body = g_strdup (_("Enter your password so that syncing can go on."));

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Sign In Again"), body);
  gtk_widget_set_name (dialog, "renew-dialog");
  /* A password row, not a GtkPasswordEntry: GTK 4.8's entry leaves a handler behind when its
   * dialog is destroyed. */
  entry = adw_password_entry_row_new ();
  gtk_widget_set_name (entry, "renew-password");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (entry), _("Password"));
  g_signal_connect_object (entry, "entry-activated", G_CALLBACK (on_renew_entry_activate), dialog,
                           G_CONNECT_SWAPPED);
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), entry);
  anbu_accessibility_name_icon_buttons (entry, NULL);
  g_object_set_data (G_OBJECT (dialog), "password-row", entry);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "sign-in", _("_Sign In"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "sign-in",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "sign-in");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_renew_dialog_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static void
lock_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  anbu_window_lock (ANBU_WINDOW (widget));
}

static void
sync_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AnbuWindow *self = ANBU_WINDOW (widget);

  if (self->account != NULL)
    anbu_account_sync_now (self->account);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AnbuWindow *self = ANBU_WINDOW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* The map shows when the list's search or filters hide households, with a
 * button to show them all again. */
static void
clear_household_filters_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  AnbuWindow *self = ANBU_WINDOW (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  /* Now, not after the search entry's typing delay. */
  on_search_entry_search_changed (self, self->search_entry);
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  anbu_households_view_clear_filters (self->households_view);
}

/* The search filters the households list and the map (which follows the
 * list): its button is there only on those. Ctrl+F still opens it anywhere
 * and takes the planner to the list. */
static void
update_search_button (AnbuWindow *self)
{
  const char *view;

  if (self->search_button == NULL || self->view_stack == NULL)
    return;  /* disposing */
  view = adw_view_stack_get_visible_child_name (self->view_stack);
  gtk_widget_set_visible (GTK_WIDGET (self->search_button),
                          g_strcmp0 (view, "households") == 0 || g_strcmp0 (view, "map") == 0);
}

/* A household met on a round joins the caseload from here, offline too. */
static void
register_household_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  AnbuWindow *self = ANBU_WINDOW (widget);

  if (self->casework != NULL)
    anbu_case_form_present (widget, self->casework, ANBU_CASE_FORM_REGISTER_HOUSEHOLD, NULL, NULL);
}

/* Full screen on the wall board is the wall mode: no header, large type. */
static void
update_wall_mode (AnbuWindow *self)
{
  gboolean wall;

  if (self->view_stack == NULL || self->wall_board == NULL)
    return;  /* disposing */
  wall = self->wall_requested
         && g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "board") == 0;
  gtk_widget_set_visible (GTK_WIDGET (self->header_bar), !wall);
  anbu_wall_board_set_wall_mode (self->wall_board, wall);
}

/* Leaving full screen by other means (the window manager's own key) ends the wall too. */
static void
on_fullscreened (AnbuWindow *self)
{
  gboolean fullscreen = gtk_window_is_fullscreen (GTK_WINDOW (self));

  if (self->was_fullscreen && !fullscreen)
    self->wall_requested = FALSE;
  self->was_fullscreen = fullscreen;
  update_wall_mode (self);
}

static void
fullscreen_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AnbuWindow *self = ANBU_WINDOW (widget);

  if (self->wall_requested || gtk_window_is_fullscreen (GTK_WINDOW (self)))
    {
      self->wall_requested = FALSE;
      gtk_window_unfullscreen (GTK_WINDOW (self));
      update_wall_mode (self);
      return;
    }
  self->wall_requested = TRUE;
  if (adw_view_stack_page_get_visible (self->board_page))
    adw_view_stack_set_visible_child_name (self->view_stack, "board");
  gtk_window_fullscreen (GTK_WINDOW (self));
  update_wall_mode (self);
}

static void
show_view_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AnbuWindow *self = ANBU_WINDOW (widget);
  const char *name = g_variant_get_string (parameter, NULL);

  if (g_strv_contains ((const char *const *) view_names, name))
    adw_view_stack_set_visible_child_name (self->view_stack, name);
}

static void
open_household_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  anbu_window_open_household (ANBU_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

/* The Alerts tab counts the signals nobody has acknowledged yet. */
static void
update_alerts_badge (AnbuWindow *self)
{
  AdwViewStackPage *page = adw_view_stack_get_page (self->view_stack, GTK_WIDGET (self->alerts_view));
  GPtrArray *open = self->casework != NULL ? anbu_casework_get_open_alerts (self->casework) : NULL;
  guint unacknowledged = 0;

  for (guint i = 0; open != NULL && i < open->len; i++)
    if (((AnbuAlert *) open->pdata[i])->state == ANBU_ALERT_STATE_OPEN)
      unacknowledged++;
  adw_view_stack_page_set_badge_number (page, unacknowledged);
  adw_view_stack_page_set_needs_attention (page, unacknowledged > 0);
}

/* A new 위험/심각 signal: a toast here, and a desktop notification that opens the
 * household even when the window is not in front. */
static void
on_new_signal (AnbuWindow *self,
               AnbuAlert  *alert)
{
  AnbuHousehold *household = anbu_casework_lookup_household (self->casework, alert->household_id);
  const char *name = household != NULL && household->name != NULL ? household->name : _("A household");
  const char *dong = household != NULL && household->dong_name != NULL ? household->dong_name : "";
  const char *level = anbu_alert_level_to_label (alert->level);
  /* Translators: a toast; the first %s is the level (위험, 심각), the second the resident's name. */
  g_autofree char *title = g_strdup_printf (_("New %s signal: %s"), level, name);
  /* Translators: a notification's text: name, 동, level. */
  g_autofree char *body = g_strdup_printf (_("%s · %s · %s"), name, dong, level);
  g_autofree char *notification_id = g_strdup_printf ("signal-%s", alert->id);
  g_autoptr (GNotification) notification = g_notification_new (_("New risk signal"));
  AdwToast *toast = adw_toast_new (title);
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  adw_toast_set_button_label (toast, _("_Open"));
  adw_toast_set_action_name (toast, "win.open-household");
  adw_toast_set_action_target_value (toast, g_variant_new_string (alert->household_id));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);

  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, alert->level == ANBU_ALERT_LEVEL_CRITICAL
                                               ? G_NOTIFICATION_PRIORITY_URGENT
                                               : G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_default_action_and_target (notification, "app.open-household", "s",
                                                alert->household_id);
  if (ANBU_IS_APPLICATION (application))
    anbu_application_send_signal_notification (ANBU_APPLICATION (application), notification_id,
                                               notification);
  /* A control room hears it even when nobody looks at the screen (switchable in the
   * preferences). */
  if (ANBU_IS_APPLICATION (application) && g_settings_get_boolean (self->settings, "signal-sound"))
    anbu_alert_sound_play (anbu_application_get_alert_sound (ANBU_APPLICATION (application)),
                           alert->level);
}

/* At sign-in, once the caseload has loaded, and again when a sync brings the
 * night's records in later: the night's record, if the planner has not
 * marked it read; each record once per sign-in. */
static void
maybe_present_handover (AnbuWindow *self)
{
  if (self->casework == NULL || !anbu_casework_get_loaded (self->casework))
    return;
  anbu_handover_dialog_present_if_due (GTK_WINDOW (self), self->casework, &self->handover_shown);
}

static void
handover_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  AnbuWindow *self = ANBU_WINDOW (widget);
  AnbuHandoverDialog *dialog;

  if (self->casework == NULL)
    return;
  dialog = anbu_handover_dialog_new (self->casework, NULL);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
apply_casework (AnbuWindow   *self,
                AnbuCasework *casework)
{
  if (self->casework != NULL)
    g_signal_handlers_disconnect_by_data (self->casework, self);
  g_set_object (&self->casework, casework);
  if (casework != NULL)
    {
      g_signal_connect_swapped (casework, "new-signal", G_CALLBACK (on_new_signal), self);
      g_signal_connect_swapped (casework, "changed", G_CALLBACK (update_alerts_badge), self);
      g_signal_connect_swapped (casework, "notify::loaded", G_CALLBACK (maybe_present_handover), self);
      g_signal_connect_swapped (casework, "changed", G_CALLBACK (maybe_present_handover), self);
    }
  g_clear_pointer (&self->handover_shown, g_free);
  update_alerts_badge (self);
  maybe_present_handover (self);
  /* Moving caseloads is the administrator's work only. */
  {
    gboolean admin = casework != NULL && anbu_case_store_get_is_admin (anbu_casework_get_store (casework));

    adw_view_stack_page_set_visible (self->caseload_page, admin);
    if (!admin && g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "caseload") == 0)
      adw_view_stack_set_visible_child_name (self->view_stack, "alerts");
  }
  /* The wall board is the control centre's (an administrator may watch it too). */
  {
    AnbuCaseStore *store = casework != NULL ? anbu_casework_get_store (casework) : NULL;
    gboolean board = store != NULL && (g_strcmp0 (anbu_case_store_get_role (store), "control") == 0
                                       || anbu_case_store_get_is_admin (store));

    adw_view_stack_page_set_visible (self->board_page, board);
    if (!board && g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "board") == 0)
      adw_view_stack_set_visible_child_name (self->view_stack, "alerts");
  }
}

static GtkWidget *
create_sync_row (gpointer item,
                 gpointer user_data)
{
  return anbu_account_create_sync_row (ANBU_ACCOUNT (user_data), item);
}

/* Someone else took the signal first: the operator who pressed "내가 처리 중" hears it at
 * once, not only in the sync popover; the board shows the real holder after the pull. */
static void
on_rejections_changed (GListModel *model,
                       guint       position,
                       guint       removed,
                       guint       added,
                       AnbuWindow *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);
      AnbuOutboxEntry *entry;

      if (!ANBU_IS_OUTBOX_ENTRY (item))
        continue;
      entry = ANBU_OUTBOX_ENTRY (item);
      if (g_strcmp0 (anbu_outbox_entry_get_kind (entry), "alert.claim") == 0
          && g_strcmp0 (anbu_outbox_entry_get_reason_code (entry), "claimed") == 0
          && g_hash_table_add (self->told_claims, g_strdup (anbu_outbox_entry_get_id (entry))))
        {
          g_autofree char *text = anbu_sync_text_rejection ("claimed", NULL);
          AdwToast *toast = adw_toast_new (text);

          /* Before any toast waiting: the operator just pressed the button. */
          adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
          adw_toast_overlay_add_toast (self->toast_overlay, toast);
        }
    }
}

static void
bind_account (AnbuWindow *self)
{
  if (self->account == NULL)
    return;

  anbu_sync_indicator_bind_pending (self->sync_indicator, anbu_account_get_pending (self->account),
                                    create_sync_row, self->account, NULL);
  anbu_sync_indicator_bind_conflicts (self->sync_indicator,
                                      anbu_account_get_conflicts (self->account),
                                      create_sync_row, self->account, NULL);
  anbu_sync_indicator_bind_rejections (self->sync_indicator,
                                       anbu_account_get_rejections (self->account),
                                       create_sync_row, self->account, NULL);
  g_signal_connect_object (anbu_account_get_rejections (self->account), "items-changed",
                           G_CALLBACK (on_rejections_changed), self, 0);

  self->state_binding =
    g_object_bind_property (self->account, "sync-state",
                            self->sync_indicator, "state", G_BINDING_SYNC_CREATE);
  self->last_sync_binding =
    g_object_bind_property (self->account, "last-sync",
                            self->sync_indicator, "last-sync", G_BINDING_SYNC_CREATE);
  self->pending_binding =
    g_object_bind_property (self->account, "pending-count",
                            self->sync_indicator, "pending-count", G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->account, "notify::display-name",
                           G_CALLBACK (update_lock_screen_name), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->account, "notify::needs-sign-in",
                           G_CALLBACK (update_renew_bar), self, G_CONNECT_SWAPPED);
  update_renew_bar (self);
}

static gboolean
lock_timeout_to_ms (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  guint seconds = g_variant_get_uint32 (variant);

  g_value_set_uint (value, seconds > G_MAXUINT / 1000 ? G_MAXUINT : seconds * 1000);
  return TRUE;
}

static void
anbu_window_constructed (GObject *object)
{
  AnbuWindow *self = ANBU_WINDOW (object);
  g_autofree char *server = NULL;
  g_autofree char *username = NULL;

  G_OBJECT_CLASS (anbu_window_parent_class)->constructed (object);

  /* The views read the caseload from the application's context. */
  anbu_alerts_view_set_context (self->alerts_view, self->context);
  anbu_households_view_set_context (self->households_view, self->context);
  anbu_map_page_set_context (self->map_page, self->context);
  anbu_visits_view_set_context (self->visits_view, self->context);
  anbu_statistics_view_set_context (self->statistics_view, self->context);
  anbu_caseload_admin_view_set_context (self->caseload_view, self->context);
  anbu_wall_board_set_context (self->wall_board, self->context);
  anbu_context_follow_casework (self->context, G_OBJECT (self), (AnbuCaseworkApply) apply_casework);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  server = g_settings_get_string (self->settings, "server-address");
  username = g_settings_get_string (self->settings, "last-username");
  anbu_sign_in_page_set_server (self->sign_in_page, server);
  anbu_sign_in_page_set_username (self->sign_in_page, username);

  bind_account (self);
  update_actions (self);
}

static void
anbu_window_realize (GtkWidget *widget)
{
  GtkShortcutsWindow *help_overlay;

  GTK_WIDGET_CLASS (anbu_window_parent_class)->realize (widget);

  /* The application hands the window its shortcuts window once the window is in it. */
  help_overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (widget));
  if (help_overlay != NULL)
    anbu_accessibility_name_icon_buttons (GTK_WIDGET (help_overlay), _("Search Shortcuts"));
}

static gboolean
anbu_window_close_request (GtkWindow *window)
{
  AnbuWindow *self = ANBU_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (anbu_window_parent_class)->close_request (window);
}

static void
anbu_window_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  AnbuWindow *self = ANBU_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    case PROP_SIGNED_IN:
      g_value_set_boolean (value, self->signed_in);
      break;
    case PROP_LOCKED:
      g_value_set_boolean (value, self->locked);
      break;
    case PROP_SEARCH_TEXT:
      g_value_set_string (value, self->search_text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_window_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  AnbuWindow *self = ANBU_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      self->account = g_value_dup_object (value);
      break;
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_window_dispose (GObject *object)
{
  AnbuWindow *self = ANBU_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->state_binding, g_binding_unbind);
  g_clear_pointer (&self->last_sync_binding, g_binding_unbind);
  g_clear_pointer (&self->pending_binding, g_binding_unbind);
  if (self->sync_indicator != NULL)
    {
      anbu_sync_indicator_bind_pending (self->sync_indicator, NULL, NULL, NULL, NULL);
      anbu_sync_indicator_bind_conflicts (self->sync_indicator, NULL, NULL, NULL, NULL);
      anbu_sync_indicator_bind_rejections (self->sync_indicator, NULL, NULL, NULL, NULL);
    }
  if (self->idle_monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->idle_monitor, self);
  g_clear_object (&self->idle_monitor);
  g_clear_object (&self->account);
  if (self->casework != NULL)
    g_signal_handlers_disconnect_by_data (self->casework, self);
  g_clear_object (&self->casework);
  g_clear_object (&self->context);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (anbu_window_parent_class)->dispose (object);
}

static void
anbu_window_finalize (GObject *object)
{
  AnbuWindow *self = ANBU_WINDOW (object);

  g_free (self->signing_in_server);
  g_free (self->signing_in_username);
  g_free (self->search_text);
  g_free (self->view_before_lock);
  g_free (self->household_before_lock);
  g_free (self->handover_shown);
  g_clear_pointer (&self->told_claims, g_hash_table_unref);

  G_OBJECT_CLASS (anbu_window_parent_class)->finalize (object);
}

static void
anbu_window_class_init (AnbuWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = anbu_window_constructed;
  object_class->get_property = anbu_window_get_property;
  object_class->set_property = anbu_window_set_property;
  object_class->dispose = anbu_window_dispose;
  object_class->finalize = anbu_window_finalize;
  widget_class->realize = anbu_window_realize;
  window_class->close_request = anbu_window_close_request;

  /**
   * AnbuWindow:account:
   *
   * The planner's session (signing in, unlocking, signing out, sync state), or %NULL in a
   * build without the client library.
   */
  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL, ANBU_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, ANBU_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIGNED_IN] =
    g_param_spec_boolean ("signed-in", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOCKED] =
    g_param_spec_boolean ("locked", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * AnbuWindow:search-text:
   *
   * What the planner typed in the search bar (Ctrl+F); views filter by it.
   */
  properties[PROP_SEARCH_TEXT] =
    g_param_spec_string ("search-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ANBU_TYPE_SIGN_IN_PAGE);
  g_type_ensure (ANBU_TYPE_SYNC_INDICATOR);
  g_type_ensure (ANBU_TYPE_LOCK_SCREEN);
  g_type_ensure (ANBU_TYPE_ALERTS_VIEW);
  g_type_ensure (ANBU_TYPE_WALL_BOARD);
  g_type_ensure (ANBU_TYPE_HOUSEHOLDS_VIEW);
  g_type_ensure (ANBU_TYPE_MAP_PAGE);
  g_type_ensure (ANBU_TYPE_VISITS_VIEW);
  g_type_ensure (ANBU_TYPE_STATISTICS_VIEW);
  g_type_ensure (ANBU_TYPE_CASELOAD_ADMIN_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AnbuWindow, pages);
  gtk_widget_class_bind_template_child (widget_class, AnbuWindow, sign_in_page);
  gtk_widget_class_bind_template_child (widget_class, AnbuWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, AnbuWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, AnbuWindow, sync_indicator);
  gtk_widget_class_bind_template_child (widget_class, AnbuWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, AnbuWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, AnbuWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, AnbuWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, AnbuWindow, renew_revealer);
  gtk_widget_class_bind_template_child (widget_class, AnbuWindow, lock_screen);
  gtk_widget_class_bind_template_child (widget_class, AnbuWindow, alerts_view);
  gtk_widget_class_bind_template_child (widget_class, AnbuWindow, wall_board);
  gtk_widget_class_bind_template_child (widget_class, AnbuWindow, board_page);
  gtk_widget_class_bind_template_child (widget_class, AnbuWindow, households_view);
  gtk_widget_class_bind_template_child (widget_class, AnbuWindow, map_page);
  gtk_widget_class_bind_template_child (widget_class, AnbuWindow, visits_view);
  gtk_widget_class_bind_template_child (widget_class, AnbuWindow, statistics_view);
  gtk_widget_class_bind_template_child (widget_class, AnbuWindow, caseload_view);
  gtk_widget_class_bind_template_child (widget_class, AnbuWindow, caseload_page);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_page_sign_in);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_page_rebuild);
  gtk_widget_class_bind_template_callback (widget_class, on_lock_screen_unlock_requested);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_search_changed);

  gtk_widget_class_install_action (widget_class, "win.sync", NULL, sync_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.lock", NULL, lock_action);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_action);
  gtk_widget_class_install_action (widget_class, "win.show-view", "s", show_view_action);
  gtk_widget_class_install_action (widget_class, "win.fullscreen", NULL, fullscreen_action);
  gtk_widget_class_install_action (widget_class, "win.renew", NULL, renew_action);
  gtk_widget_class_install_action (widget_class, "win.register-household", NULL, register_household_action);
  gtk_widget_class_install_action (widget_class, "win.handover", NULL, handover_action);
  gtk_widget_class_install_action (widget_class, "win.open-household", "s", open_household_action);
  gtk_widget_class_install_action (widget_class, "win.clear-household-filters", NULL,
                                   clear_household_filters_action);
}

static void
anbu_window_init (AnbuWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->told_claims = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->settings = g_settings_new (APP_ID);
  self->idle_monitor = anbu_idle_monitor_new (GTK_WINDOW (self));
  g_signal_connect_swapped (self->idle_monitor, "idle", G_CALLBACK (on_idle), self);
  g_settings_bind_with_mapping (self->settings, "lock-timeout",
                                self->idle_monitor, "timeout",
                                G_SETTINGS_BIND_GET,
                                lock_timeout_to_ms, NULL, NULL, NULL);
  g_settings_bind (self->settings, "last-view", self->view_stack, "visible-child-name",
                   G_SETTINGS_BIND_DEFAULT);

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  g_signal_connect_swapped (self->view_stack, "notify::visible-child-name",
                            G_CALLBACK (update_search_button), self);
  g_signal_connect_swapped (self->view_stack, "notify::visible-child-name",
                            G_CALLBACK (update_wall_mode), self);
  g_signal_connect (self, "notify::fullscreened", G_CALLBACK (on_fullscreened), NULL);
  update_search_button (self);
}

/**
 * anbu_window_new:
 * @application: the application
 * @account: (nullable): the planner's session
 *
 * Returns: (transfer full): a window showing the sign-in page
 */
AnbuWindow *
anbu_window_new (GtkApplication *application,
                 AnbuAccount    *account)
{
  g_return_val_if_fail (ANBU_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (account == NULL || ANBU_IS_ACCOUNT (account), NULL);

  return g_object_new (ANBU_TYPE_WINDOW,
                       "application", application,
                       "context", anbu_application_get_context (ANBU_APPLICATION (application)),
                       "account", account,
                       NULL);
}

/**
 * anbu_window_get_account:
 *
 * Returns: (transfer none) (nullable): the planner's session
 */
AnbuAccount *
anbu_window_get_account (AnbuWindow *self)
{
  g_return_val_if_fail (ANBU_IS_WINDOW (self), NULL);

  return self->account;
}

gboolean
anbu_window_get_signed_in (AnbuWindow *self)
{
  g_return_val_if_fail (ANBU_IS_WINDOW (self), FALSE);

  return self->signed_in;
}

gboolean
anbu_window_get_locked (AnbuWindow *self)
{
  g_return_val_if_fail (ANBU_IS_WINDOW (self), FALSE);

  return self->locked;
}

/* Dialogs over the window (a sign-out confirmation, the preferences) must not outlive the
 * lock: whoever comes to the computer next could answer them. */
static void
close_transient_windows (AnbuWindow *self)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  g_autoptr (GPtrArray) doomed = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (gtk_window_get_transient_for (window) == GTK_WINDOW (self))
        g_ptr_array_add (doomed, g_object_ref (window));
    }
  for (guint i = 0; i < doomed->len; i++)
    gtk_window_destroy (g_ptr_array_index (doomed, i));
}

/**
 * anbu_window_lock:
 * @self: the window
 *
 * Hides the caseload behind the lock page until the planner's password is given again. Does
 * nothing unless signed in.
 */
void
anbu_window_lock (AnbuWindow *self)
{
  g_return_if_fail (ANBU_IS_WINDOW (self));

  lock_for (self, ANBU_LOCK_REASON_PLANNER);
}

static void
lock_for (AnbuWindow     *self,
          AnbuLockReason  reason)
{
  if (!self->signed_in || self->locked)
    return;

  remember_place (self);
  close_transient_windows (self);
  if (self->account != NULL)
    {
      anbu_account_close_casework (self->account, self->context);
      anbu_account_lock (self->account);
    }
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  anbu_idle_monitor_set_active (self->idle_monitor, FALSE);
  anbu_lock_screen_reset (self->lock_screen);
  anbu_lock_screen_set_reason (self->lock_screen, reason);
  update_lock_screen_name (self);
  set_locked (self, TRUE);
  gtk_stack_set_visible_child_name (self->pages, "lock");
  /* After the switch: hiding the views took the focus with them. */
  anbu_lock_screen_focus (self->lock_screen);
  update_actions (self);
}

const char *
anbu_window_get_search_text (AnbuWindow *self)
{
  g_return_val_if_fail (ANBU_IS_WINDOW (self), NULL);

  return self->search_text != NULL ? self->search_text : "";
}

/**
 * anbu_window_get_idle_monitor:
 *
 * Returns: (transfer none): the monitor that locks the window; its timeout follows the
 *   "lock-timeout" setting
 */
AnbuIdleMonitor *
anbu_window_get_idle_monitor (AnbuWindow *self)
{
  g_return_val_if_fail (ANBU_IS_WINDOW (self), NULL);

  return self->idle_monitor;
}

/**
 * anbu_window_fill_sign_in:
 * @self: the window
 * @server_address: (nullable): the server address to fill in
 * @username: (nullable): the username to fill in
 * @password: (nullable): with a password, sign in at once as if the planner had pressed
 *   Sign In (the same checks and messages)
 *
 * Fills the sign-in page from the command line.
 */
void
anbu_window_fill_sign_in (AnbuWindow *self,
                          const char *server_address,
                          const char *username,
                          const char *password)
{
  g_return_if_fail (ANBU_IS_WINDOW (self));

  if (server_address != NULL)
    anbu_sign_in_page_set_server (self->sign_in_page, server_address);
  if (username != NULL)
    anbu_sign_in_page_set_username (self->sign_in_page, username);
  if (password != NULL)
    anbu_sign_in_page_submit_with_password (self->sign_in_page, password);
}

void
anbu_window_add_toast (AnbuWindow *self,
                       const char *message)
{
  g_return_if_fail (ANBU_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/**
 * anbu_window_open_household:
 * @household_id: the household to show
 *
 * Shows the household's page in the Households view (a toast's or a notification's
 * "Open"). Nothing happens while signed out or locked: the caseload is not on screen then.
 */
void
anbu_window_open_household (AnbuWindow *self,
                            const char *household_id)
{
  g_return_if_fail (ANBU_IS_WINDOW (self));
  g_return_if_fail (household_id != NULL);

  if (!self->signed_in || self->locked || self->casework == NULL)
    return;
  adw_view_stack_set_visible_child_name (self->view_stack, "households");
  anbu_households_view_open_household (self->households_view, household_id);
}
