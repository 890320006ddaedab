/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "anbu-clock.h"
#include "anbu-conflict-row.h"
#include "anbu-map-page.h"
#include "anbu-preferences-window.h"
#include "anbu-sync-indicator.h"
#include "anbu-test-util.h"
#include "anbu-window.h"

static const char *const views[] = { "alerts", "households", "map", "visits", "statistics" };
static const char *const view_titles[] = { "위험신호", "가구", "지도", "방문", "통계" };

typedef struct
{
  AnbuApplication *app;
  AnbuTestAccount *account;
  GtkWidget *window;
  AdwViewStack *stack;
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  f->account = anbu_test_account_new ("kim.planner", "correct horse", "김복지");
  f->app = anbu_test_application_new ();
  f->window = GTK_WIDGET (anbu_window_new (GTK_APPLICATION (f->app), ANBU_ACCOUNT (f->account)));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 720);
  gtk_window_present (GTK_WINDOW (f->window));
  anbu_test_wait_drawn (f->window);
  f->stack = ADW_VIEW_STACK (anbu_test_find_type (f->window, ADW_TYPE_VIEW_STACK));
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  /* Close dialogs a test left open, then the window. */
  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, 0);

      gtk_window_destroy (window);
    }
  g_clear_object (&f->app);
  g_clear_object (&f->account);
}

static void
sign_in (Fixture *f)
{
  anbu_test_sign_in (f->window, "https://anbu.example.go.kr", "kim.planner", "correct horse");
  anbu_test_wait_drawn (f->window);
}

static void
show_view (Fixture    *f,
           const char *name)
{
  g_assert_true (gtk_widget_activate_action (f->window, "win.show-view", "s", name));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (f->stack), ==, name);
  anbu_test_wait_drawn (f->window);
}

/* Tab moves through the window as the keyboard does; each view-switcher button it reaches is
 * activated as Space would. Every view must be reached that way. */
static void
test_views_by_tab (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr (GHashTable) reached = g_hash_table_new (g_str_hash, g_str_equal);
  const char *const controls[] = { "sync-indicator", "primary-menu" };
  gboolean control_reached[G_N_ELEMENTS (controls)] = { FALSE, };
  GtkWidget *first = NULL;

  sign_in (f);
  show_view (f, "statistics");

  for (int step = 0; step < 200; step++)
    {
      GtkWidget *focus;

      if (!gtk_widget_child_focus (f->window, GTK_DIR_TAB_FORWARD))
        gtk_root_set_focus (GTK_ROOT (f->window), NULL);
      focus = gtk_root_get_focus (GTK_ROOT (f->window));
      if (focus == NULL)
        continue;
      if (focus == first)
        break;
      if (first == NULL)
        first = focus;

      for (guint i = 0; i < G_N_ELEMENTS (controls); i++)
        {
          GtkWidget *control = anbu_test_find_named (f->window, controls[i]);

          if (focus == control || gtk_widget_is_ancestor (focus, control))
            control_reached[i] = TRUE;
        }

      if (GTK_IS_TOGGLE_BUTTON (focus)
          && gtk_widget_get_ancestor (focus, ADW_TYPE_VIEW_SWITCHER) != NULL)
        {
          anbu_test_press (focus);
          g_hash_table_add (reached, (gpointer) adw_view_stack_get_visible_child_name (f->stack));
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    if (!g_hash_table_contains (reached, views[i]))
      g_error ("view %s cannot be reached with Tab", views[i]);
  for (guint i = 0; i < G_N_ELEMENTS (controls); i++)
    if (!control_reached[i])
      g_error ("%s cannot be reached with Tab", controls[i]);

  /* The search button is shown only on the views it filters, and Tab reaches it there. */
  g_assert_false (gtk_widget_get_visible (anbu_test_find_named (f->window, "search-button")));
  show_view (f, "households");
  for (int step = 0; step < 200; step++)
    {
      GtkWidget *focus;

      if (!gtk_widget_child_focus (f->window, GTK_DIR_TAB_FORWARD))
        gtk_root_set_focus (GTK_ROOT (f->window), NULL);
      focus = gtk_root_get_focus (GTK_ROOT (f->window));
      if (focus != NULL && (focus == anbu_test_find_named (f->window, "search-button")
                            || gtk_widget_is_ancestor (focus, anbu_test_find_named (f->window, "search-button"))))
        return;
    }
  g_error ("search-button cannot be reached with Tab");
}

/* Alt+1 … Alt+5 show the views in order; the view switcher shows their Korean titles. */
static void
test_views_by_accelerator (Fixture      *f,
                           gconstpointer data)
{
  sign_in (f);

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      g_autofree char *action = g_strdup_printf ("win.show-view::%s", views[i]);
      g_autofree char *expected = g_strdup_printf ("<Alt>%u", i + 1);
      g_auto (GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (f->app), action);
      AdwViewStackPage *page;

      g_assert_cmpstr (accels[0], ==, expected);
      show_view (f, views[i]);
      page = adw_view_stack_get_page (f->stack, adw_view_stack_get_visible_child (f->stack));
      g_assert_cmpstr (adw_view_stack_page_get_title (page), ==, view_titles[i]);
    }
}

/* Walks every view (and the sign-in page, the sync popover and the preferences) and fails on
 * an interactive widget without an accessible name. */
static void
test_accessible_names (Fixture      *f,
                       gconstpointer data)
{
  GtkWidget *indicator;
  GtkWidget *menu_button;
  GtkWidget *preferences;
  GtkWidget *dialog;

  anbu_test_assert_accessible_names (f->window, "sign-in page");

  sign_in (f);
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      show_view (f, views[i]);
      anbu_test_assert_accessible_names (f->window, views[i]);
    }

  gtk_widget_activate_action (f->window, "win.search", NULL);
  anbu_test_wait_drawn (f->window);
  anbu_test_assert_accessible_names (f->window, "search bar");

  indicator = anbu_test_find_type (f->window, ANBU_TYPE_SYNC_INDICATOR);
  menu_button = anbu_test_find_named (indicator, "sync-indicator");
  gtk_menu_button_popup (GTK_MENU_BUTTON (menu_button));
  anbu_test_wait_drawn (f->window);
  anbu_test_assert_accessible_names (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu_button))),
                                     "sync popover");
  gtk_menu_button_popdown (GTK_MENU_BUTTON (menu_button));

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "preferences", NULL);
  preferences = anbu_test_find_toplevel_named ("AnbuPreferencesWindow");
  g_assert_nonnull (preferences);
  anbu_test_wait_drawn (preferences);
  anbu_test_assert_accessible_names (preferences, "preferences");
  anbu_test_save_screenshot (preferences, "preferences");
  gtk_window_destroy (GTK_WINDOW (preferences));

  g_assert_true (gtk_widget_activate_action (f->window, "win.sign-out", NULL));
  dialog = anbu_test_find_toplevel_named ("sign-out-dialog");
  anbu_test_wait_drawn (dialog);
  anbu_test_assert_accessible_names (dialog, "sign-out dialog");
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_assert_true (gtk_widget_activate_action (f->window, "win.show-help-overlay", NULL));
  dialog = anbu_test_find_toplevel_named ("GtkShortcutsWindow");
  anbu_test_wait_drawn (dialog);
  anbu_test_assert_accessible_names (dialog, "shortcuts window");
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "about", NULL);
  dialog = anbu_test_find_toplevel_named ("AdwAboutWindow");
  anbu_test_wait_drawn (dialog);
  anbu_test_assert_accessible_names (dialog, "about window");
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_assert_true (gtk_widget_activate_action (f->window, "win.lock", NULL));
  anbu_test_wait_drawn (f->window);
  anbu_test_assert_accessible_names (f->window, "lock page");
}

/* A screenshot of each view in Korean, in the build directory, plus the dark style. */
static void
test_screenshots (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr (GDateTime) now = anbu_clock_get_now_utc (anbu_clock_get_default ());
  g_autoptr (GDateTime) earlier = g_date_time_add_minutes (now, -3);
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);

  anbu_test_save_screenshot (f->window, "sign-in");

  anbu_test_account_set_sync (f->account, ANBU_SYNC_INDICATOR_ONLINE, earlier, 2);
  sign_in (f);
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      g_autofree char *name = g_strdup_printf ("view-%s", views[i]);

      show_view (f, views[i]);
      anbu_test_save_screenshot (f->window, name);
    }

  g_settings_set_string (settings, "color-scheme", "dark");
  g_assert_true (adw_style_manager_get_dark (adw_style_manager_get_default ()));
  show_view (f, "alerts");
  anbu_test_save_screenshot (f->window, "view-alerts-dark");
  g_settings_set_string (settings, "color-scheme", "default");

  /* Narrow: the switcher moves to the bottom bar. */
  gtk_window_set_default_size (GTK_WINDOW (f->window), 400, 700);
  anbu_test_wait_drawn (f->window);
  anbu_test_save_screenshot (f->window, "view-alerts-narrow");
}

static gboolean
status_is (gpointer data)
{
  gpointer *pair = data;
  GtkWidget *label = pair[0];

  return g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), pair[1]) == 0;
}

/* The indicator follows the account: state, last sync in relative Korean time, pending count;
 * Ctrl+R asks for a sync. */
static void
test_sync_indicator (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (GDateTime) now = anbu_clock_get_now_utc (anbu_clock_get_default ());
  g_autoptr (GDateTime) earlier = g_date_time_add_hours (now, -3);
  g_autofree char *description = NULL;
  g_auto (GStrv) accels = NULL;
  AnbuSyncIndicator *indicator;
  GtkWidget *badge;
  GtkWidget *detail;

  sign_in (f);
  indicator = ANBU_SYNC_INDICATOR (anbu_test_find_type (f->window, ANBU_TYPE_SYNC_INDICATOR));
  badge = anbu_test_find_named (GTK_WIDGET (indicator), "sync-pending-badge");
  g_assert_cmpint (anbu_sync_indicator_get_state (indicator), ==, ANBU_SYNC_INDICATOR_OFFLINE);
  g_assert_false (gtk_widget_get_visible (badge));
  description = anbu_sync_indicator_describe (indicator);
  g_assert_cmpstr (description, ==, "오프라인. 아직 동기화하지 않음. 모든 변경 사항을 보냈습니다.");
  g_clear_pointer (&description, g_free);

  anbu_test_account_set_sync (f->account, ANBU_SYNC_INDICATOR_ONLINE, earlier, 2);
  g_assert_cmpint (anbu_sync_indicator_get_state (indicator), ==, ANBU_SYNC_INDICATOR_ONLINE);
  g_assert_true (gtk_widget_get_visible (badge));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (badge)), ==, "2");
  description = anbu_sync_indicator_describe (indicator);
  g_assert_cmpstr (description, ==, "온라인. 마지막 동기화 3시간 전. 보낼 변경 사항 2건이 기다리고 있습니다.");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (anbu_test_find_named (GTK_WIDGET (indicator), "sync-indicator")),
                   ==, description);

  anbu_test_account_set_sync (f->account, ANBU_SYNC_INDICATOR_SYNCING, earlier, 0);
  g_assert_false (gtk_widget_get_visible (badge));
  detail = anbu_test_find_named (GTK_WIDGET (gtk_menu_button_get_popover (
                                   GTK_MENU_BUTTON (anbu_test_find_named (GTK_WIDGET (indicator), "sync-indicator")))),
                                 "sync-status-title");
  g_assert_true (status_is ((gpointer[]) { detail, "동기화 중…" }));

  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (f->app), "win.sync");
  g_assert_cmpstr (accels[0], ==, "<Control>r");
  g_assert_true (gtk_widget_activate_action (f->window, "win.sync", NULL));
  g_assert_cmpuint (anbu_test_account_get_sync_requests (f->account), ==, 1);
}

static GtkWidget *
create_pending_row (gpointer item,
                    gpointer user_data)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 gtk_string_object_get_string (GTK_STRING_OBJECT (item)));
  return row;
}

static void
on_resolve (AnbuConflictRow *row,
            gboolean         keep_mine,
            int             *choice)
{
  *choice = keep_mine ? 1 : 2;
}

static GtkWidget *
create_conflict_row (gpointer item,
                     gpointer user_data)
{
  GtkWidget *row = anbu_conflict_row_new (gtk_string_object_get_string (GTK_STRING_OBJECT (item)),
                                          "010-1234-5678", "010-8765-4321");

  g_signal_connect (row, "resolve", G_CALLBACK (on_resolve), user_data);
  return row;
}

static guint
count_rows (GtkWidget *list)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (list);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child))
      n++;
  return n;
}

/* The window binds the popover to the account's lists: a change the account queues shows up. */
static void
test_sync_popover_follows_account (Fixture      *f,
                                   gconstpointer data)
{
  GListStore *pending = anbu_test_account_get_pending_store (f->account);
  GtkWidget *indicator, *popover, *pending_list;

  sign_in (f);
  indicator = anbu_test_find_named (f->window, "sync-indicator");
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (indicator)));
  pending_list = anbu_test_find_named (popover, "sync-pending-list");
  g_assert_cmpuint (count_rows (pending_list), ==, 0);

  g_list_store_append (pending, gtk_string_object_new ("방문 기록 · 김영희"));
  g_assert_cmpuint (count_rows (pending_list), ==, 1);
  g_list_store_remove_all (pending);
  g_assert_cmpuint (count_rows (pending_list), ==, 0);
}

/* The popover lists what the models hold, shows an empty message otherwise, and a conflict
 * row's buttons resolve it either way. */
static void
test_sync_popover_lists (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr (GListStore) pending = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  g_autoptr (GtkStringList) conflicts = gtk_string_list_new ((const char *[]) { "김영희 · 전화번호", NULL });
  AnbuSyncIndicator *indicator;
  GtkWidget *menu_button, *popover, *pending_list, *conflicts_list, *row;
  int choice = 0;

  sign_in (f);
  indicator = ANBU_SYNC_INDICATOR (anbu_test_find_type (f->window, ANBU_TYPE_SYNC_INDICATOR));
  menu_button = anbu_test_find_named (GTK_WIDGET (indicator), "sync-indicator");
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu_button)));
  pending_list = anbu_test_find_named (popover, "sync-pending-list");
  conflicts_list = anbu_test_find_named (popover, "sync-conflicts-list");

  anbu_sync_indicator_bind_pending (indicator, G_LIST_MODEL (pending), create_pending_row, NULL, NULL);
  anbu_sync_indicator_bind_conflicts (indicator, G_LIST_MODEL (conflicts), create_conflict_row,
                                      &choice, NULL);
  g_assert_cmpuint (count_rows (pending_list), ==, 0);
  g_list_store_append (pending, gtk_string_object_new ("방문 기록 · 김영희"));
  g_list_store_append (pending, gtk_string_object_new ("안부 확인 · 박철수"));
  g_assert_cmpuint (count_rows (pending_list), ==, 2);
  g_assert_cmpuint (count_rows (conflicts_list), ==, 1);

  /* The summary above the list counts what the list holds, though the
   * account has not reported its count yet; the header shows both counts
   * without opening the popover. */
  {
    const char *detail = gtk_label_get_text (GTK_LABEL (anbu_test_find_named (popover, "sync-status-detail")));
    GtkWidget *pending_badge = anbu_test_find_named (GTK_WIDGET (indicator), "sync-pending-badge");
    GtkWidget *conflict_badge = anbu_test_find_named (GTK_WIDGET (indicator), "sync-conflict-badge");
    g_autofree char *description = anbu_sync_indicator_describe (indicator);

    g_test_message ("%s", detail);
    g_assert_null (strstr (detail, "모든 변경 사항을 보냈습니다"));
    g_assert_nonnull (strstr (detail, "보낼 변경 사항 2건"));
    g_assert_nonnull (strstr (detail, "해결할 충돌 1건"));
    g_assert_true (gtk_widget_get_visible (pending_badge));
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (pending_badge)), ==, "2");
    g_assert_true (gtk_widget_get_visible (conflict_badge));
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (anbu_test_find_named (conflict_badge, "sync-conflict-count"))), ==, "1");
    g_assert_nonnull (strstr (description, "해결할 충돌 1건"));
    anbu_test_save_screenshot (f->window, "sync-header-counts");
  }

  gtk_menu_button_popup (GTK_MENU_BUTTON (menu_button));
  anbu_test_wait_drawn (popover);
  anbu_test_save_screenshot (popover, "sync-popover");

  row = anbu_test_find_type (conflicts_list, ANBU_TYPE_CONFLICT_ROW);
  anbu_test_press (anbu_test_find_named (row, "keep-mine-button"));
  g_assert_cmpint (choice, ==, 1);
  anbu_test_press (anbu_test_find_named (row, "take-theirs-button"));
  g_assert_cmpint (choice, ==, 2);

  anbu_sync_indicator_bind_pending (indicator, NULL, NULL, NULL, NULL);
  g_assert_cmpuint (count_rows (pending_list), ==, 0);
  g_assert_false (gtk_widget_get_visible (anbu_test_find_named (GTK_WIDGET (indicator), "sync-pending-badge")));
  anbu_sync_indicator_bind_conflicts (indicator, NULL, NULL, NULL, NULL);
  g_assert_false (gtk_widget_get_visible (anbu_test_find_named (GTK_WIDGET (indicator), "sync-conflict-badge")));
}

static gboolean
signed_out (gpointer window)
{
  return !anbu_window_get_signed_in (window);
}

/* Sign-out asks first; with changes pending it says how many will be lost. Cancel keeps the
 * session; confirming signs out and returns to the sign-in page. */
static void
test_sign_out (Fixture      *f,
               gconstpointer data)
{
  AdwMessageDialog *dialog;

  sign_in (f);
  anbu_test_account_set_sync (f->account, ANBU_SYNC_INDICATOR_OFFLINE, NULL, 3);

  g_assert_true (gtk_widget_activate_action (f->window, "win.sign-out", NULL));
  dialog = ADW_MESSAGE_DIALOG (anbu_test_find_toplevel_named ("sign-out-dialog"));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "로그아웃할까요?");
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==,
                   "변경 사항 3건이 아직 서버에 가지 않았습니다. 로그아웃하면 이 컴퓨터에서 지워져 잃게 됩니다.");
  anbu_test_save_screenshot (GTK_WIDGET (dialog), "sign-out-pending");
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (anbu_window_get_signed_in (ANBU_WINDOW (f->window)));
  g_assert_cmpuint (anbu_test_account_get_sign_outs (f->account), ==, 0);

  anbu_test_account_set_sync (f->account, ANBU_SYNC_INDICATOR_ONLINE, NULL, 0);
  g_assert_true (gtk_widget_activate_action (f->window, "win.sign-out", NULL));
  dialog = ADW_MESSAGE_DIALOG (anbu_test_find_toplevel_named ("sign-out-dialog"));
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==,
                   "로그아웃하면 이 컴퓨터에서 담당 가구 자료를 지웁니다. 다음에 로그인할 때 다시 내려받습니다.");
  adw_message_dialog_response (dialog, "sign-out");
  g_assert_true (anbu_test_wait_until (signed_out, f->window, 5000));
  g_assert_cmpuint (anbu_test_account_get_sign_outs (f->account), ==, 1);
  anbu_test_wait_drawn (f->window);
  g_assert_true (gtk_widget_get_mapped (anbu_test_find_named (f->window, "sign-in-button")));
  g_assert_false (gtk_widget_activate_action (f->window, "win.lock", NULL)
                  && anbu_window_get_locked (ANBU_WINDOW (f->window)));
}

/* Ctrl+F opens the search bar with the cursor in it; what is typed becomes the search text. */
static void
test_search (Fixture      *f,
             gconstpointer data)
{
  g_auto (GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (f->app), "win.search");
  GtkWidget *entry;

  g_assert_cmpstr (accels[0], ==, "<Control>f");
  sign_in (f);
  show_view (f, "visits");
  g_assert_true (gtk_widget_activate_action (f->window, "win.search", NULL));
  anbu_test_wait_drawn (f->window);
  entry = anbu_test_find_named (f->window, "search-entry");
  g_assert_true (gtk_widget_get_mapped (entry));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)), entry));
  gtk_editable_set_text (GTK_EDITABLE (entry), "김영희");
  g_signal_emit_by_name (entry, "search-changed");
  g_assert_cmpstr (anbu_window_get_search_text (ANBU_WINDOW (f->window)), ==, "김영희");
  /* Searching from another view brings up the households it searches. */
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (f->stack), ==, "households");
}

/* The shortcuts window (Ctrl+?) and the about window open, in Korean. */
static void
test_shortcuts_and_about (Fixture      *f,
                          gconstpointer data)
{
  g_auto (GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (f->app),
                                                                  "win.show-help-overlay");
  g_auto (GStrv) quit = gtk_application_get_accels_for_action (GTK_APPLICATION (f->app), "app.quit");
  GtkWidget *shortcuts;
  GtkWidget *about;

  g_assert_cmpstr (accels[0], ==, "<Control>question");
  g_assert_cmpstr (quit[0], ==, "<Control>q");
  sign_in (f);

  g_assert_true (gtk_widget_activate_action (f->window, "win.show-help-overlay", NULL));
  shortcuts = anbu_test_find_toplevel_named ("GtkShortcutsWindow");
  g_assert_nonnull (shortcuts);
  anbu_test_save_screenshot (shortcuts, "shortcuts");
  gtk_window_destroy (GTK_WINDOW (shortcuts));

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "about", NULL);
  about = anbu_test_find_toplevel_named ("AdwAboutWindow");
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==, "안부");
  anbu_test_save_screenshot (about, "about");
}

/* The Map page shows the households it is given on the real map, with every control named,
 * and its empty state again when they go. */
static void
test_map_page (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (GListStore) points = g_list_store_new (ANBU_TYPE_MAP_POINT);
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *base_url = NULL;
  AnbuMapPage *page;
  GtkWidget *map_view;

  /* Nothing listens there: tiles stay blank, the households still show. */
  g_settings_set_string (settings, "tile-address", "http://127.0.0.1:9");
  sign_in (f);
  show_view (f, "map");
  page = ANBU_MAP_PAGE (anbu_test_find_type (f->window, ANBU_TYPE_MAP_PAGE));
  map_view = anbu_test_find_named (GTK_WIDGET (page), "map-view");
  base_url = anbu_map_page_dup_tile_base_url (page);
  g_assert_cmpstr (base_url, ==, "http://127.0.0.1:9");
  g_assert_true (gtk_widget_get_mapped (anbu_test_find_named (GTK_WIDGET (page), "map-empty")));

  g_list_store_append (points, anbu_map_point_new ("7f1c0a52-8d64-4c52-9a40-2a5b8fd1e001", "김영희",
                                                   37.5663, 126.9019, ANBU_MAP_STATE_RISK, 30));
  g_list_store_append (points, anbu_map_point_new ("7f1c0a52-8d64-4c52-9a40-2a5b8fd1e002", "박철수",
                                                   37.5610, 126.9100, ANBU_MAP_STATE_NORMAL, 2));
  g_list_store_append (points, anbu_map_point_new ("7f1c0a52-8d64-4c52-9a40-2a5b8fd1e003", "이순자",
                                                   37.5580, 126.8990, ANBU_MAP_STATE_WATCH, 20));
  anbu_map_page_set_model (page, G_LIST_MODEL (points));
  anbu_map_view_center_on (ANBU_MAP_VIEW (map_view), 37.562, 126.905, 14);
  anbu_test_wait_drawn (f->window);
  g_assert_true (gtk_widget_get_mapped (map_view));
  anbu_test_assert_accessible_names (f->window, "map with households");
  anbu_test_save_screenshot (f->window, "view-map-households");
  /* The map's text alternative: its description points to the list, and the button opens it. */
  gtk_test_accessible_assert_property (map_view, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "같은 가구를 가구 보기에서 목록으로 볼 수 있습니다. 목록으로 보기 버튼이나 Alt+2를 누르세요.");
  anbu_test_press (anbu_test_find_named (GTK_WIDGET (page), "map-as-list"));
  anbu_test_wait_drawn (f->window);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (f->stack), ==, "households");
  show_view (f, "map");

  g_list_store_remove_all (points);
  anbu_test_wait_drawn (f->window);
  g_assert_true (gtk_widget_get_mapped (anbu_test_find_named (GTK_WIDGET (page), "map-empty")));
  g_settings_reset (settings, "tile-address");
}

static gboolean
renew_bar_hidden (gpointer window)
{
  return !gtk_revealer_get_reveal_child (GTK_REVEALER (anbu_test_find_named (window, "renew-bar")));
}

static void
answer_renew_dialog (const char *password)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (anbu_test_find_toplevel_named ("renew-dialog"));

  g_assert_nonnull (dialog);
  anbu_test_wait_drawn (GTK_WIDGET (dialog));
  gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (GTK_WIDGET (dialog), "renew-password")),
                         password);
  adw_message_dialog_response (dialog, "sign-in");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* When the server no longer takes the session, a bar says so and asks for the password; a
 * wrong one leaves the bar, the right one clears it. */
static void
test_renew_sign_in (Fixture      *f,
                    gconstpointer data)
{
  GtkWidget *bar;

  sign_in (f);
  bar = anbu_test_find_named (f->window, "renew-bar");
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (bar)));

  anbu_test_account_set_needs_sign_in (f->account, TRUE);
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (bar)));
  anbu_test_wait_drawn (f->window);
  anbu_test_assert_accessible_names (f->window, "renew bar");
  anbu_test_save_screenshot (f->window, "renew-bar");

  anbu_test_press (anbu_test_find_named (f->window, "renew-button"));
  anbu_test_assert_accessible_names (anbu_test_find_toplevel_named ("renew-dialog"), "renew dialog");
  answer_renew_dialog ("guess");
  anbu_test_wait_drawn (f->window);
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (bar)));

  g_assert_true (gtk_widget_activate_action (f->window, "win.renew", NULL));
  answer_renew_dialog ("correct horse");
  g_assert_true (anbu_test_wait_until (renew_bar_hidden, f->window, 5000));
}

/* The app icon is an SVG: GTK loads it through gdk-pixbuf's SVG loader (librsvg2-common),
 * which GTK only recommends. Without it every picture of the app icon (sign-in, About)
 * silently shows a broken-image placeholder, so fail here instead. */
static void
test_app_icon_loads (void)
{
  g_autofree char *svg = g_build_filename (g_getenv ("ANBU_SOURCE_DIR"), "data", "icons", "hicolor",
                                           "scalable", "apps", APP_ID ".svg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_filename (svg, &error);

  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), >, 0);
}

int
main (int   argc,
      char *argv[])
{
  anbu_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/anbu/ui/window/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("views-by-tab", test_views_by_tab);
  ADD ("views-by-accelerator", test_views_by_accelerator);
  ADD ("accessible-names", test_accessible_names);
  ADD ("screenshots", test_screenshots);
  ADD ("sync-indicator", test_sync_indicator);
  ADD ("sync-popover-lists", test_sync_popover_lists);
  ADD ("sync-popover-follows-account", test_sync_popover_follows_account);
  ADD ("sign-out", test_sign_out);
  ADD ("search", test_search);
  ADD ("renew-sign-in", test_renew_sign_in);
  ADD ("map-page", test_map_page);
  ADD ("shortcuts-and-about", test_shortcuts_and_about);
#undef ADD
  g_test_add_func ("/anbu/ui/window/app-icon-loads", test_app_icon_loads);

  return g_test_run ();
}
