/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "anbu-alert-row.h"
#include "anbu-alerts-view.h"
#include "anbu-casework.h"
#include "anbu-household-page.h"
#include "anbu-household-row.h"
#include "anbu-households-view.h"
#include "anbu-idle-monitor.h"
#include "anbu-map-page.h"
#include "anbu-case-store.h"
#include "anbu-test-util.h"
#include "anbu-validate.h"
#include "anbu-window.h"

#include <glib/gstdio.h>

/* Views that scale and agree with each other: the Alerts view's filters and
 * orders, the map's note about the list's filters, one count of hours. */

/* Wednesday 2026-11-25, 11:00 in Seoul: business hours. */
#define NOW_ISO "2026-11-25T02:00:00Z"
#define HOUR G_TIME_SPAN_HOUR

#define PLANNER "0b1e5a1c-0000-4000-8000-000000000001"
#define H1 "00000000-0000-4000-8000-000000000001"
#define H2 "00000000-0000-4000-8000-000000000002"
#define H3 "00000000-0000-4000-8000-000000000003"
#define H4 "00000000-0000-4000-8000-000000000004"
#define H5 "00000000-0000-4000-8000-000000000005"
#define A1 "a0000000-0000-4000-8000-000000000001"
#define A2 "a0000000-0000-4000-8000-000000000002"
#define A3 "a0000000-0000-4000-8000-000000000003"
#define A4 "a0000000-0000-4000-8000-000000000004"

static gint64 now_usec;

typedef struct
{
  AnbuApplication      *app;
  AnbuTestAccount      *account;
  char                 *dir;
  AnbuReplica          *replica;
  AnbuCaseStore *store;
  AnbuCasework         *casework;
  GtkWidget            *window;
  GPtrArray            *seed;      /* pull changes (JSON text) */
} Fixture;

static void
seed_record (Fixture    *f,
             const char *kind,
             const char *id,
             const char *record)
{
  g_ptr_array_add (f->seed, g_strdup_printf ("{\"kind\": \"%s\", \"op\": \"upsert\", \"id\": \"%s\", \"record\": %s}",
                                             kind, id, record));
}

static char *
ago (double hours)
{
  return anbu_timestamp_format (now_usec - (gint64) (hours * HOUR));
}

static void
add_household (Fixture    *f,
               const char *id,
               const char *name,
               const char *dong_code,
               const char *dong_name,
               gboolean    consent)
{
  g_autofree char *json = g_strdup_printf (
    "{\"id\": \"%s\", \"dong_code\": \"%s\", \"dong_name\": \"%s\", \"name\": \"%s\","
    " \"birth_year\": 1942, \"sex\": \"female\", \"phone\": \"010-1234-5678\", \"address\": \"서울특별시 강남구 역삼로 12\","
    " \"lat\": 37.5, \"lon\": 127.03,"
    " \"night_consent\": %s, \"threshold_hours\": 24, \"status\": \"active\", \"version\": 3}",
    id, dong_code, dong_name, name, consent ? "true" : "false");

  seed_record (f, "household", id, json);
}

static void
add_plug (Fixture    *f,
          const char *serial,
          const char *household_id,
          double      seen_hours_ago,
          double      activity_hours_ago)
{
  g_autofree char *installed = ago (2000);
  g_autofree char *seen = ago (seen_hours_ago);
  g_autofree char *activity = ago (activity_hours_ago);
  g_autofree char *json = g_strdup_printf (
    "{\"serial\": \"%s\", \"household_id\": \"%s\", \"appliance\": \"tv\", \"installed_at\": \"%s\","
    " \"state\": \"installed\", \"last_seen_at\": \"%s\", \"last_watts\": 3.5, \"last_lux\": 40,"
    " \"last_activity_at\": \"%s\"}", serial, household_id, installed, seen, activity);

  seed_record (f, "plug", serial, json);
}

static void
add_alert (Fixture    *f,
           const char *id,
           const char *household_id,
           const char *kind,
           const char *level,
           const char *state,
           double      quiet_hours,
           double      raised_hours)
{
  g_autofree char *quiet = ago (quiet_hours);
  g_autofree char *raised = ago (raised_hours);
  g_autofree char *json = g_strdup_printf (
    "{\"id\": \"%s\", \"household_id\": \"%s\", \"kind\": \"%s\", \"level\": \"%s\","
    " \"quiet_since\": \"%s\", \"raised_at\": \"%s\", \"responder\": \"dong\", \"state\": \"%s\","
    " \"version\": 1}", id, household_id, kind, level, quiet, raised, state);

  seed_record (f, "alert", id, json);
}

static gboolean
casework_loaded (gpointer data)
{
  return anbu_casework_get_loaded (data) && !anbu_casework_is_loading (data);
}

/* Two 동; two households consent to night monitoring; one signal is
 * acknowledged; H4's plug has said nothing for 55 hours (offline). */
static void
seed (Fixture *f)
{
  add_household (f, H1, "김영수", "1168064000", "역삼1동", TRUE);
  add_household (f, H2, "박정희", "1168064000", "역삼1동", FALSE);
  add_household (f, H3, "이민아", "1168065000", "역삼2동", TRUE);
  add_household (f, H4, "김영숙", "1168065000", "역삼2동", FALSE);
  add_household (f, H5, "최고령", "1168065000", "역삼2동", FALSE);

  add_plug (f, "PLG-0001", H1, 0.1, 28);  /* the planner's visit 28 hours ago: staff, not the resident */
  add_plug (f, "PLG-0002", H2, 0.1, 52);
  add_plug (f, "PLG-0003", H3, 0.1, 14);
  add_plug (f, "PLG-0004", H4, 55, 55);
  add_plug (f, "PLG-0005", H5, 0.1, 1);

  add_alert (f, A1, H1, "inactivity", "risk", "open", 30, 6);
  add_alert (f, A2, H2, "inactivity", "critical", "acknowledged", 52, 3);
  add_alert (f, A3, H3, "routine", "watch", "open", 14, 10);
  add_alert (f, A4, H4, "offline", "watch", "open", 55, 31);
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) pulled = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *meta[] = { "username", "kim.planner", NULL };

  anbu_test_set_now (now_usec);
  f->seed = g_ptr_array_new_with_free_func (g_free);
  f->dir = g_dir_make_tmp ("anbu-views-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "replica.db", NULL);
  ANBU_TEST_AWAIT (result, anbu_replica_create_async (path, "한강 2026 bridge", 1, 8192, meta, NULL, anbu_test_ready_cb, &result));
  f->replica = anbu_replica_open_finish (result, NULL, NULL, &error);
  g_assert_no_error (error);

  seed (f);
  g_ptr_array_add (f->seed, NULL);
  joined = g_strjoinv (",", (GStrv) f->seed->pdata);
  body = g_strdup_printf ("{\"changes\": [%s], \"cursor\": \"c1\", \"has_more\": false}", joined);
  bytes = g_bytes_new (body, strlen (body));
  ANBU_TEST_AWAIT (pulled, anbu_replica_apply_pull_async (f->replica, bytes, NULL, anbu_test_ready_cb, &pulled));
  anbu_replica_apply_pull_finish (f->replica, pulled, NULL, NULL, &error);
  g_assert_no_error (error);

  f->store = anbu_case_store_new (f->replica, PLANNER);
  f->casework = anbu_casework_new (ANBU_CASE_STORE (f->store));
  g_assert_true (anbu_test_wait_until (casework_loaded, f->casework, 5000));

  f->account = anbu_test_account_new ("kim.planner", "correct horse", "김복지");
  f->app = anbu_test_application_new ();
  f->window = GTK_WIDGET (anbu_window_new (GTK_APPLICATION (f->app), ANBU_ACCOUNT (f->account)));
  /* These tests move the clock by hours, time a real planner would be away: the idle lock
   * (tested in test-lock.c) would hide the views. */
  anbu_idle_monitor_set_timeout (anbu_window_get_idle_monitor (ANBU_WINDOW (f->window)), 0);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 760);
  gtk_window_present (GTK_WINDOW (f->window));
  anbu_test_wait_drawn (f->window);
  anbu_test_sign_in (f->window, "https://anbu.example.go.kr", "kim.planner", "correct horse");
  anbu_context_set_casework (anbu_application_get_context (f->app), f->casework);
  anbu_test_wait_drawn (f->window);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);
      gtk_window_destroy (window);
    }
  anbu_context_set_casework (anbu_application_get_context (f->app), NULL);
  g_clear_object (&f->casework);
  g_clear_object (&f->store);
  if (f->replica != NULL)
    {
      g_autofree char *path = g_strdup (anbu_replica_get_path (f->replica));

      g_clear_object (&f->replica);
      anbu_replica_delete_files (path, NULL);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_clear_pointer (&f->seed, g_ptr_array_unref);
  g_clear_object (&f->app);
  g_clear_object (&f->account);
}

static void
show_view (Fixture    *f,
           const char *name)
{
  g_assert_true (gtk_widget_activate_action (f->window, "win.show-view", "s", name));
  anbu_test_wait_drawn (f->window);
}

static const char *
row_alert_id (AnbuAlertsView *view,
              guint           index)
{
  GtkWidget *row = anbu_alerts_view_get_row (view, index);

  g_assert_nonnull (row);
  return anbu_alert_row_get_alert_id (ANBU_ALERT_ROW (row));
}

static void
choose (GtkWidget  *root,
        const char *name,
        guint       position)
{
  GtkWidget *dropdown = anbu_test_find_named (root, name);

  g_assert_true (GTK_IS_DROP_DOWN (dropdown));
  g_assert_true (gtk_widget_get_focusable (dropdown) || gtk_widget_get_first_child (dropdown) != NULL);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), position);
}

static gboolean
control_centre_answers (gpointer data)
{
  GtkWidget *row = anbu_alerts_view_get_row (data, 0);

  return row != NULL && anbu_alert_row_get_responder (ANBU_ALERT_ROW (row)) == ANBU_ALERT_RESPONDER_CONTROL;
}

static void
test_alerts_filter_and_sort (Fixture      *f,
                             gconstpointer data)
{
  AnbuAlertsView *view = ANBU_ALERTS_VIEW (anbu_test_find_type (f->window, ANBU_TYPE_ALERTS_VIEW));
  GtkWidget *root = GTK_WIDGET (view);
  GtkLabel *summary = GTK_LABEL (anbu_test_find_named (root, "alerts-summary"));

  show_view (f, "alerts");
  /* Urgency first: 심각 on top, the 관심 signals below the 위험. */
  g_assert_cmpuint (anbu_alerts_view_get_n_rows (view), ==, 4);
  g_assert_cmpstr (row_alert_id (view, 0), ==, A2);
  g_assert_cmpstr (row_alert_id (view, 1), ==, A1);
  g_assert_null (strstr (gtk_label_get_label (summary), "표시"));
  g_assert_false (gtk_widget_get_sensitive (anbu_test_find_named (root, "alerts-clear-filters")));

  /* Level: 관심 only. */
  choose (root, "alerts-filter-level", 3);
  g_assert_cmpuint (anbu_alerts_view_get_n_rows (view), ==, 2);
  g_assert_cmpstr (row_alert_id (view, 0), ==, A4);
  g_assert_nonnull (strstr (gtk_label_get_label (summary), "4건 중 2건 표시"));
  /* ... in 역삼2동, not yet acknowledged: still both. Acknowledged: none, and the list says so. */
  choose (root, "alerts-filter-dong", 2);
  g_assert_cmpstr (gtk_string_object_get_string (gtk_drop_down_get_selected_item (GTK_DROP_DOWN (anbu_test_find_named (root, "alerts-filter-dong")))),
                   ==, "역삼2동");
  choose (root, "alerts-filter-state", 1);
  g_assert_cmpuint (anbu_alerts_view_get_n_rows (view), ==, 2);
  choose (root, "alerts-filter-state", 2);
  g_assert_cmpuint (anbu_alerts_view_get_n_rows (view), ==, 0);
  anbu_test_wait_drawn (f->window);
  g_assert_true (gtk_widget_get_mapped (anbu_test_find_named (root, "alerts-no-match")));

  /* One click clears every filter. */
  g_assert_true (gtk_widget_get_sensitive (anbu_test_find_named (root, "alerts-clear-filters")));
  anbu_test_press (anbu_test_find_named (root, "alerts-clear-filters"));
  g_assert_cmpuint (anbu_alerts_view_get_n_rows (view), ==, 4);

  /* Acknowledged only: 박정희's. */
  choose (root, "alerts-filter-state", 2);
  g_assert_cmpuint (anbu_alerts_view_get_n_rows (view), ==, 1);
  g_assert_cmpstr (row_alert_id (view, 0), ==, A2);
  anbu_alerts_view_clear_filters (view);

  /* Longest open first: the offline signal raised 31 hours ago, then 10, 6, 3. */
  choose (root, "alerts-sort", 1);
  g_assert_cmpstr (row_alert_id (view, 0), ==, A4);
  g_assert_cmpstr (row_alert_id (view, 1), ==, A3);
  g_assert_cmpstr (row_alert_id (view, 2), ==, A1);
  g_assert_cmpstr (row_alert_id (view, 3), ==, A2);
  /* By 동: 역삼1동 (most urgent first), then 역삼2동. */
  choose (root, "alerts-sort", 2);
  g_assert_cmpstr (row_alert_id (view, 0), ==, A2);
  g_assert_cmpstr (row_alert_id (view, 1), ==, A1);
  g_assert_cmpstr (anbu_alert_row_get_dong_name (ANBU_ALERT_ROW (anbu_alerts_view_get_row (view, 2))), ==, "역삼2동");
  g_assert_cmpstr (anbu_alert_row_get_dong_name (ANBU_ALERT_ROW (anbu_alerts_view_get_row (view, 3))), ==, "역삼2동");

  /* Every control is named for screen readers. */
  anbu_test_assert_accessible_names (f->window, "alerts view with filters");
  anbu_test_save_screenshot (f->window, "alerts-filters");

  /* Responder: at 23:00 the control centre answers for those who consented
   * (김영수, 이민아); the others wait for the community centre. */
  choose (root, "alerts-sort", 0);
  anbu_test_set_now (now_usec + 12 * HOUR);
  choose (root, "alerts-filter-responder", 2);
  g_assert_true (anbu_test_wait_until (control_centre_answers, view, 5000));
  g_assert_cmpuint (anbu_alerts_view_get_n_rows (view), ==, 2);
  g_assert_cmpstr (row_alert_id (view, 0), ==, A1);
  g_assert_cmpstr (row_alert_id (view, 1), ==, A3);
  choose (root, "alerts-filter-responder", 1);
  g_assert_cmpuint (anbu_alerts_view_get_n_rows (view), ==, 2);
  g_assert_cmpstr (row_alert_id (view, 0), ==, A2);
  g_assert_cmpstr (row_alert_id (view, 1), ==, A4);
}

static gboolean
filter_bar_says (gpointer data)
{
  void **args = data;
  GtkWidget *bar = anbu_test_find_named (args[0], "map-filter-bar");
  GtkLabel *label = GTK_LABEL (anbu_test_find_named (args[0], "map-filter-label"));

  return gtk_widget_get_visible (bar) && strstr (gtk_label_get_label (label), args[1]) != NULL;
}

static gboolean
filter_bar_hidden (gpointer data)
{
  return !gtk_widget_get_visible (anbu_test_find_named (data, "map-filter-bar"));
}

static void
test_map_says_list_filters (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *map_page, *search_button, *search_entry;
  GtkDropDown *dong;

  /* Nothing listens there: no tiles, no traffic off this machine. */
  g_settings_set_string (settings, "tile-address", "http://127.0.0.1:9");
  search_button = anbu_test_find_named (f->window, "search-button");
  search_entry = anbu_test_find_type (f->window, GTK_TYPE_SEARCH_ENTRY);

  /* The search button is there only where the search filters. */
  show_view (f, "alerts");
  g_assert_false (gtk_widget_get_visible (search_button));
  show_view (f, "visits");
  g_assert_false (gtk_widget_get_visible (search_button));
  show_view (f, "statistics");
  g_assert_false (gtk_widget_get_visible (search_button));
  show_view (f, "households");
  g_assert_true (gtk_widget_get_visible (search_button));

  /* The list shows 역삼1동 only: the map says that three households are hidden. */
  dong = GTK_DROP_DOWN (anbu_test_find_named (f->window, "households-dong"));
  gtk_drop_down_set_selected (dong, 1);
  show_view (f, "map");
  g_assert_true (gtk_widget_get_visible (search_button));
  map_page = anbu_test_find_type (f->window, ANBU_TYPE_MAP_PAGE);
  g_assert_true (anbu_test_wait_until (filter_bar_says, (void *[]) { map_page, "3가구 숨김" }, 5000));
  g_assert_true (gtk_widget_get_mapped (anbu_test_find_named (map_page, "map-filter-bar")));
  g_assert_cmpuint (g_list_model_get_n_items (anbu_map_page_get_model (ANBU_MAP_PAGE (map_page))), ==, 2);
  anbu_test_assert_accessible_names (f->window, "map with the list's filters");
  anbu_test_save_screenshot (f->window, "map-filter-bar");

  /* One click shows every household again, and the list's filter says 모든 동. */
  anbu_test_press (anbu_test_find_named (map_page, "map-filter-clear"));
  g_assert_true (anbu_test_wait_until (filter_bar_hidden, map_page, 5000));
  g_assert_cmpuint (gtk_drop_down_get_selected (dong), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (anbu_map_page_get_model (ANBU_MAP_PAGE (map_page))), ==, 5);

  /* The search hides households too; the same click clears it. */
  gtk_editable_set_text (GTK_EDITABLE (search_entry), "최고령");
  g_assert_true (anbu_test_wait_until (filter_bar_says, (void *[]) { map_page, "4가구 숨김" }, 5000));
  anbu_test_press (anbu_test_find_named (map_page, "map-filter-clear"));
  g_assert_true (anbu_test_wait_until (filter_bar_hidden, map_page, 5000));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (search_entry)), ==, "");
  g_assert_cmpstr (anbu_window_get_search_text (ANBU_WINDOW (f->window)), ==, "");
  g_settings_reset (settings, "tile-address");
}

/* Every label's text under @widget, one per line. */
static void
collect_text (GtkWidget *widget,
              GString   *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    g_string_append_printf (text, "%s\n", gtk_label_get_label (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_text (child, text);
}

/* The number written just before @unit ("30시간째" → 30), or -1. */
static int
number_before (const char *text,
               const char *unit)
{
  const char *at = strstr (text, unit);
  const char *start;

  if (at == NULL)
    return -1;
  for (start = at; start > text && g_ascii_isdigit (start[-1]); start--)
    ;
  return start < at ? atoi (start) : -1;
}

static GtkWidget *
find_alert_row (AnbuAlertsView *view,
                const char     *alert_id)
{
  for (guint i = 0; i < anbu_alerts_view_get_n_rows (view); i++)
    {
      GtkWidget *row = anbu_alerts_view_get_row (view, i);

      if (g_strcmp0 (anbu_alert_row_get_alert_id (ANBU_ALERT_ROW (row)), alert_id) == 0)
        return row;
    }
  return NULL;
}

static GtkWidget *
find_household_row (GtkWidget  *root,
                    const char *household_id)
{
  if (ANBU_IS_HOUSEHOLD_ROW (root)
      && g_strcmp0 (anbu_household_summary_get_id (anbu_household_row_get_summary (ANBU_HOUSEHOLD_ROW (root))),
                    household_id) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_household_row (child, household_id);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
page_shows (gpointer data)
{
  void **args = data;
  GtkWidget *page = anbu_test_find_type (args[0], ANBU_TYPE_HOUSEHOLD_PAGE);

  return page != NULL && gtk_widget_get_mapped (page)
         && g_strcmp0 (anbu_household_page_get_household_id (ANBU_HOUSEHOLD_PAGE (page)), args[1]) == 0;
}

/* The signal card, the list row and the household page count the same hours
 * of silence for the same household. 김영수's plug saw the planner's visit 28
 * hours ago, but his signal has been quiet for 30 hours: staff activity is not
 * his, and every view says 30. 김영숙's plug has been offline for 55 hours. */
static void
check_same_hours (Fixture    *f,
                  const char *household_id,
                  const char *alert_id,
                  int         hours)
{
  AnbuAlertsView *view = ANBU_ALERTS_VIEW (anbu_test_find_type (f->window, ANBU_TYPE_ALERTS_VIEW));
  g_autoptr(GString) card = g_string_new (NULL);
  g_autoptr(GString) row = g_string_new (NULL);
  g_autoptr(GString) page = g_string_new (NULL);
  GtkWidget *widget;

  show_view (f, "alerts");
  widget = find_alert_row (view, alert_id);
  g_assert_nonnull (widget);
  collect_text (widget, card);

  show_view (f, "households");
  widget = find_household_row (f->window, household_id);
  g_assert_nonnull (widget);
  collect_text (widget, row);

  g_assert_true (anbu_households_view_open_in_window (f->window, household_id));
  g_assert_true (anbu_test_wait_until (page_shows, (void *[]) { f->window, (gpointer) household_id }, 5000));
  collect_text (anbu_test_find_type (f->window, ANBU_TYPE_HOUSEHOLD_PAGE), page);
  g_test_message ("card:\n%s\nrow:\n%s\npage:\n%s", card->str, row->str, page->str);

  g_assert_cmpint (number_before (card->str, "시간째"), ==, hours);
  g_assert_cmpint (number_before (page->str, "시간째"), ==, hours);
  /* "마지막 활동 N시간 전": hours, never "1일 전" beside them. */
  g_assert_cmpint (number_before (page->str, "시간 전"), ==, hours);
  g_assert_cmpint (number_before (row->str, "시간 전"), ==, hours);
  g_assert_null (strstr (row->str, "일 전"));
  g_assert_null (strstr (page->str, "일 전"));
}

static void
test_same_hours_everywhere (Fixture      *f,
                            gconstpointer data)
{
  check_same_hours (f, H1, A1, 30);
  check_same_hours (f, H4, A4, 55);
}

static gboolean
card_says (gpointer data)
{
  void **args = data;
  g_autoptr(GString) text = g_string_new (NULL);

  collect_text (args[0], text);
  return strstr (text->str, args[1]) != NULL;
}

/* A caseload change (here: an hour passes) updates the cards in place: the
 * planner's keyboard focus stays on the card it was on, and the card shows
 * the new hours. */
static void
test_alerts_update_in_place (Fixture      *f,
                             gconstpointer data)
{
  AnbuAlertsView *view = ANBU_ALERTS_VIEW (anbu_test_find_type (f->window, ANBU_TYPE_ALERTS_VIEW));
  GtkWidget *card;

  show_view (f, "alerts");
  card = find_alert_row (view, A1);
  g_assert_nonnull (card);
  g_assert_true (gtk_widget_grab_focus (card));
  g_assert_true (card_says ((void *[]) { card, "30시간째" }));

  anbu_test_set_now (now_usec + HOUR);
  g_assert_true (anbu_test_wait_until (card_says, (void *[]) { find_alert_row (view, A1), "31시간째" }, 5000));
  g_assert_true (find_alert_row (view, A1) == card);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window)) == card);
  g_assert_cmpuint (anbu_alerts_view_get_n_alerts (view), ==, 4);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GDateTime) now = NULL;

  anbu_test_init (&argc, &argv);
  now = anbu_timestamp_parse (NULL, NOW_ISO, NULL);
  now_usec = anbu_timestamp_from_date_time (now);

#define ADD(path, func) g_test_add ("/anbu/ui/views/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("alerts-filter-and-sort", test_alerts_filter_and_sort);
  ADD ("map-says-list-filters", test_map_says_list_filters);
  ADD ("same-hours-everywhere", test_same_hours_everywhere);
  ADD ("alerts-update-in-place", test_alerts_update_in_place);

  return g_test_run ();
}
