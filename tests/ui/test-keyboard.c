/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <string.h>

#include "anbu-alert-row.h"
#include "anbu-alerts-view.h"
#include "anbu-case-form-dialog.h"
#include "anbu-casework.h"
#include "anbu-household-page.h"
#include "anbu-case-store.h"
#include "anbu-test-util.h"
#include "anbu-validate.h"
#include "anbu-window.h"

/* All work can be done by keyboard: a planner records a contact for a risk signal with keys
 * only. Real key presses reach the X server through XTEST (xdotool), as a keyboard would send
 * them; the pointer is never moved nor clicked. The contact must land in the outbox of a real
 * encrypted replica with what was typed. */

/* Wednesday 2026-11-25, 11:00 in Seoul. */
#define NOW_ISO "2026-11-25T02:00:00Z"
#define PLANNER "0b1e5a1c-0000-4000-8000-000000000001"
#define H1 "00000000-0000-4000-8000-000000000001"
#define H2 "00000000-0000-4000-8000-000000000002"
#define A1 "a0000000-0000-4000-8000-000000000001"
#define A2 "a0000000-0000-4000-8000-000000000002"

typedef struct
{
  AnbuApplication      *app;
  AnbuTestAccount      *account;
  char                 *dir;
  AnbuReplica          *replica;
  AnbuCaseStore *store;
  AnbuCasework         *casework;
  GtkWidget            *window;
  char                 *xdotool;
} Fixture;

static gboolean
casework_loaded (gpointer data)
{
  return anbu_casework_get_loaded (data) && !anbu_casework_is_loading (data);
}

static char *
household_json (const char *id,
                const char *name,
                const char *phone)
{
  return g_strdup_printf (
    "{\"kind\": \"household\", \"op\": \"upsert\", \"id\": \"%s\", \"record\": {\"id\": \"%s\","
    " \"dong_code\": \"1168064000\", \"dong_name\": \"역삼1동\", \"name\": \"%s\", \"birth_year\": 1942,"
    " \"sex\": \"female\", \"phone\": \"%s\", \"address\": \"서울특별시 강남구 역삼로 12\","
    " \"contacts\": [], \"night_consent\": true, \"threshold_hours\": 24, \"status\": \"active\","
    " \"version\": 1}}", id, id, name, phone);
}

static char *
alert_json (const char *id,
            const char *household_id,
            const char *level,
            gint64      quiet_hours)
{
  g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 (NOW_ISO, NULL);
  gint64 now = g_date_time_to_unix (at) * G_USEC_PER_SEC;
  g_autofree char *quiet = anbu_timestamp_format (now - quiet_hours * G_TIME_SPAN_HOUR);
  g_autofree char *raised = anbu_timestamp_format (now - 2 * G_TIME_SPAN_HOUR);

  return g_strdup_printf (
    "{\"kind\": \"alert\", \"op\": \"upsert\", \"id\": \"%s\", \"record\": {\"id\": \"%s\","
    " \"household_id\": \"%s\", \"kind\": \"inactivity\", \"level\": \"%s\", \"quiet_since\": \"%s\","
    " \"raised_at\": \"%s\", \"responder\": \"dong\", \"state\": \"open\", \"detail\": \"\", \"version\": 1}}",
    id, id, household_id, level, quiet, raised);
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) pulled = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 (NOW_ISO, NULL);
  g_autofree char *path = NULL;
  g_autofree char *h1 = household_json (H1, "김영수", "010-1234-5678");
  g_autofree char *h2 = household_json (H2, "박정희", "02-555-1234");
  g_autofree char *a1 = alert_json (A1, H1, "risk", 30);
  g_autofree char *a2 = alert_json (A2, H2, "critical", 52);
  g_autofree char *body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *meta[] = { "username", "kim.planner", NULL };

  f->xdotool = g_find_program_in_path ("xdotool");
  if (f->xdotool == NULL)
    return;
  f->dir = g_dir_make_tmp ("anbu-keyboard-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "replica.db", NULL);
  ANBU_TEST_AWAIT (result, anbu_replica_create_async (path, "한강 2026 bridge", 1, 8192, meta, NULL, anbu_test_ready_cb, &result));
  f->replica = anbu_replica_open_finish (result, NULL, NULL, &error);
  g_assert_no_error (error);

  body = g_strdup_printf ("{\"changes\": [%s, %s, %s, %s], \"cursor\": \"c1\", \"has_more\": false}",
                          h1, h2, a1, a2);
  bytes = g_bytes_new (body, strlen (body));
  ANBU_TEST_AWAIT (pulled, anbu_replica_apply_pull_async (f->replica, bytes, NULL, anbu_test_ready_cb, &pulled));
  anbu_replica_apply_pull_finish (f->replica, pulled, NULL, NULL, &error);
  g_assert_no_error (error);

  f->store = anbu_case_store_new (f->replica, PLANNER);
  f->casework = anbu_casework_new (ANBU_CASE_STORE (f->store));
  anbu_test_set_now (g_date_time_to_unix (now) * G_USEC_PER_SEC);
  g_assert_true (anbu_test_wait_until (casework_loaded, f->casework, 5000));

  f->account = anbu_test_account_new ("kim.planner", "correct horse", "김복지");
  f->app = anbu_test_application_new ();
  f->window = GTK_WIDGET (anbu_window_new (GTK_APPLICATION (f->app), ANBU_ACCOUNT (f->account)));
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
  g_clear_object (&f->casework);
  g_clear_object (&f->store);
  if (f->replica != NULL)
    {
      g_autofree char *path = g_strdup (anbu_replica_get_path (f->replica));

      g_clear_object (&f->replica);
      anbu_replica_delete_files (path, NULL);
    }
  if (f->dir != NULL)
    g_rmdir (f->dir);
  g_free (f->dir);
  anbu_context_set_casework (anbu_application_get_context (f->app), NULL);
  g_clear_object (&f->app);
  g_clear_object (&f->account);
  g_free (f->xdotool);
}

/* Runs xdotool with @args (NULL-terminated) and waits for it to end. */
static void
xdotool (Fixture    *f,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;
  int status = 0;

  g_ptr_array_add (argv, f->xdotool);
  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                               NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static gboolean
window_is_active (gpointer data)
{
  return gtk_window_is_active (data);
}

/* Gives @window the X keyboard focus (no window manager runs under Xvfb) and waits until GTK
 * knows it. */
static void
focus_window (Fixture   *f,
              GtkWidget *window)
{
  g_autofree char *xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window))));

  xdotool (f, "windowfocus", xid, NULL);
  g_assert_true (anbu_test_wait_until (window_is_active, window, 5000));
}

typedef struct
{
  GtkWindow *window;
  GtkWidget *before;
} FocusWait;

static gboolean
focus_moved (gpointer data)
{
  FocusWait *wait = data;

  return gtk_window_get_focus (wait->window) != wait->before;
}

/* Presses @keys and waits until the keyboard focus of @window has moved. */
static void
press_moving_focus (Fixture    *f,
                    GtkWidget  *window,
                    const char *keys)
{
  FocusWait wait = { GTK_WINDOW (window), gtk_window_get_focus (GTK_WINDOW (window)) };

  xdotool (f, "key", keys, NULL);
  g_assert_true (anbu_test_wait_until (focus_moved, &wait, 5000));
}

static GtkWidget *
focused_ancestor (GtkWidget *window,
                  GType      type)
{
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (window));

  return focus != NULL ? gtk_widget_get_ancestor (focus, type) : NULL;
}

/* Tab until the focus is inside a widget of @type (at most @max_presses). */
static GtkWidget *
tab_to (Fixture    *f,
        GtkWidget  *window,
        GType       type,
        GtkWidget  *inside,
        guint       max_presses)
{
  for (guint i = 0; i < max_presses; i++)
    {
      GtkWidget *found = focused_ancestor (window, type);

      if (found != NULL && (inside == NULL || found == inside))
        return found;
      press_moving_focus (f, window, "Tab");
    }
  return NULL;
}

static gboolean
form_shown (gpointer data)
{
  GtkWidget *dialog = anbu_test_find_toplevel_named ("AnbuCaseFormDialog");

  return dialog != NULL && gtk_widget_get_mapped (dialog);
}

static gboolean
form_gone (gpointer data)
{
  return anbu_test_find_toplevel_named ("AnbuCaseFormDialog") == NULL;
}

typedef struct
{
  GtkWidget  *window;
  const char *view;
} ViewWait;

static gboolean
stack_shows (gpointer data)
{
  ViewWait *wait = data;
  AdwViewStack *stack = ADW_VIEW_STACK (anbu_test_find_type (wait->window, ADW_TYPE_VIEW_STACK));

  return g_strcmp0 (adw_view_stack_get_visible_child_name (stack), wait->view) == 0;
}

static gboolean
page_open (gpointer data)
{
  AnbuHouseholdPage *page = ANBU_HOUSEHOLD_PAGE (anbu_test_find_type (data, ANBU_TYPE_HOUSEHOLD_PAGE));

  return gtk_widget_get_mapped (GTK_WIDGET (page)) && anbu_household_page_get_household_id (page) != NULL;
}

typedef struct
{
  GtkWidget *combo;
  guint      selected;
} ComboWait;

static gboolean
combo_selected (gpointer data)
{
  ComboWait *wait = data;

  return adw_combo_row_get_selected (ADW_COMBO_ROW (wait->combo)) == wait->selected;
}

static gboolean
text_is (gpointer data)
{
  GtkWidget *row = data;

  return g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), g_object_get_data (G_OBJECT (row), "expected")) == 0;
}

static GPtrArray *
read_outbox (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *entries;

  ANBU_TEST_AWAIT (result, anbu_replica_list_outbox_async (f->replica, NULL, anbu_test_ready_cb, &result));
  entries = anbu_replica_list_outbox_finish (f->replica, result, &error);
  g_assert_no_error (error);
  return entries;
}

/* The outbox once it has @n entries (fails after 10 s). */
static GPtrArray *
wait_for_outbox (Fixture *f,
                 guint    n)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  GPtrArray *entries = NULL;

  for (;;)
    {
      g_clear_pointer (&entries, g_ptr_array_unref);
      entries = read_outbox (f);
      if (entries->len >= n)
        return entries;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
    }
}

static void
test_record_contact_by_keyboard (Fixture      *f,
                                 gconstpointer data)
{
  AnbuAlertsView *view;
  AnbuAlertRow *row;
  AnbuCaseFormDialog *dialog;
  GtkWidget *channel, *notes;
  ComboWait combo_wait;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonObject) payload = NULL;

  if (f->xdotool == NULL)
    {
      g_test_skip ("xdotool is not installed (build-aux/packages.sh installs it)");
      return;
    }

  focus_window (f, f->window);
  /* Alt+1: the alerts view. */
  xdotool (f, "key", "alt+1", NULL);
  g_assert_true (anbu_test_wait_until (stack_shows, &(ViewWait) { f->window, "alerts" }, 5000));
  anbu_test_wait_drawn (f->window);
  view = ANBU_ALERTS_VIEW (anbu_test_find_type (f->window, ANBU_TYPE_ALERTS_VIEW));
  g_assert_cmpuint (anbu_alerts_view_get_n_rows (view), ==, 2);

  /* Tab into the list: the most urgent risk signal (심각, 박정희) comes first. */
  row = ANBU_ALERT_ROW (tab_to (f, f->window, ANBU_TYPE_ALERT_ROW, NULL, 40));
  g_assert_nonnull (row);
  g_assert_cmpstr (anbu_alert_row_get_alert_id (row), ==, A2);
  /* Down moves to the next one (김영수). */
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (f->window)) == GTK_WIDGET (row));
  press_moving_focus (f, f->window, "Down");
  row = ANBU_ALERT_ROW (focused_ancestor (f->window, ANBU_TYPE_ALERT_ROW));
  g_assert_nonnull (row);
  g_assert_cmpstr (anbu_alert_row_get_alert_id (row), ==, A1);

  /* Ctrl+Shift+V: a visit to that household; Escape closes the form again, storing nothing. */
  xdotool (f, "key", "ctrl+shift+v", NULL);
  g_assert_true (anbu_test_wait_until (form_shown, NULL, 5000));
  dialog = ANBU_CASE_FORM_DIALOG (anbu_test_find_toplevel_named ("AnbuCaseFormDialog"));
  g_assert_cmpint (anbu_case_form_dialog_get_form (dialog), ==, ANBU_CASE_FORM_VISIT);
  anbu_test_wait_drawn (GTK_WIDGET (dialog));
  focus_window (f, GTK_WIDGET (dialog));
  xdotool (f, "key", "Escape", NULL);
  g_assert_true (anbu_test_wait_until (form_gone, NULL, 5000));
  focus_window (f, f->window);
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (f->window)) == GTK_WIDGET (row));

  /* Ctrl+Shift+C: the contact form for that risk signal. */
  xdotool (f, "key", "ctrl+shift+c", NULL);
  g_assert_true (anbu_test_wait_until (form_shown, NULL, 5000));
  dialog = ANBU_CASE_FORM_DIALOG (anbu_test_find_toplevel_named ("AnbuCaseFormDialog"));
  g_assert_cmpint (anbu_case_form_dialog_get_form (dialog), ==, ANBU_CASE_FORM_CONTACT);
  anbu_test_wait_drawn (GTK_WIDGET (dialog));
  focus_window (f, GTK_WIDGET (dialog));

  /* How: SMS, the second choice, from the list the combo row opens on Enter. */
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  channel = anbu_case_form_dialog_get_input (dialog, "channel");
  g_assert_nonnull (tab_to (f, GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, channel, 20));
  xdotool (f, "key", "space", NULL);
  anbu_test_wait_drawn (GTK_WIDGET (dialog));
  xdotool (f, "key", "Down", NULL);
  xdotool (f, "key", "Return", NULL);
  g_assert_nonnull (dialog);
  combo_wait = (ComboWait) { channel, 1 };
  g_assert_true (anbu_test_wait_until (combo_selected, &combo_wait, 5000));

  /* Notes: typed, then Enter saves the form. */
  notes = anbu_case_form_dialog_get_input (dialog, "notes");
  g_assert_nonnull (tab_to (f, GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, notes, 20));
  xdotool (f, "type", "--delay", "15", "SMS sent, daughter visits today", NULL);
  g_object_set_data (G_OBJECT (notes), "expected", (gpointer) "SMS sent, daughter visits today");
  g_assert_true (anbu_test_wait_until (text_is, notes, 5000));
  xdotool (f, "key", "Return", NULL);
  g_assert_true (anbu_test_wait_until (form_gone, NULL, 5000));

  entries = wait_for_outbox (f, 1);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (anbu_outbox_entry_get_kind (entries->pdata[0]), ==, "contact.create");
  payload = anbu_outbox_entry_dup_payload (entries->pdata[0]);
  g_assert_cmpstr (json_object_get_string_member (payload, "alert_id"), ==, A1);
  g_assert_cmpstr (json_object_get_string_member (payload, "household_id"), ==, H1);
  g_assert_cmpstr (json_object_get_string_member (payload, "channel"), ==, "sms");
  g_assert_cmpstr (json_object_get_string_member (payload, "outcome"), ==, "reached_safe");
  g_assert_cmpstr (json_object_get_string_member (payload, "notes"), ==, "SMS sent, daughter visits today");
  g_assert_cmpstr (json_object_get_string_member (payload, "at"), ==, NOW_ISO);
}

/* From the households list to the household page and its visit form, by keyboard: Alt+2,
 * Tab, Enter opens the household, Ctrl+Shift+V the visit form, typed outcome, Enter saves. */
static void
test_record_visit_by_keyboard (Fixture      *f,
                               gconstpointer data)
{
  AnbuHouseholdPage *page;
  AnbuCaseFormDialog *dialog;
  GtkWidget *outcome;
  const char *household_id;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonObject) payload = NULL;

  if (f->xdotool == NULL)
    {
      g_test_skip ("xdotool is not installed (build-aux/packages.sh installs it)");
      return;
    }

  focus_window (f, f->window);
  xdotool (f, "key", "alt+2", NULL);
  g_assert_true (anbu_test_wait_until (stack_shows, &(ViewWait) { f->window, "households" }, 5000));
  anbu_test_wait_drawn (f->window);
  g_assert_nonnull (tab_to (f, f->window, GTK_TYPE_LIST_VIEW, NULL, 40));
  xdotool (f, "key", "Return", NULL);
  g_assert_true (anbu_test_wait_until (page_open, f->window, 5000));
  anbu_test_wait_drawn (f->window);
  page = ANBU_HOUSEHOLD_PAGE (anbu_test_find_type (f->window, ANBU_TYPE_HOUSEHOLD_PAGE));
  household_id = anbu_household_page_get_household_id (page);
  g_assert_true (g_str_equal (household_id, H1) || g_str_equal (household_id, H2));
  /* The keys act on the page that has the focus. */
  g_assert_nonnull (tab_to (f, f->window, ANBU_TYPE_HOUSEHOLD_PAGE, GTK_WIDGET (page), 40));

  xdotool (f, "key", "ctrl+shift+v", NULL);
  g_assert_true (anbu_test_wait_until (form_shown, NULL, 5000));
  dialog = ANBU_CASE_FORM_DIALOG (anbu_test_find_toplevel_named ("AnbuCaseFormDialog"));
  g_assert_cmpint (anbu_case_form_dialog_get_form (dialog), ==, ANBU_CASE_FORM_VISIT);
  anbu_test_wait_drawn (GTK_WIDGET (dialog));
  focus_window (f, GTK_WIDGET (dialog));

  outcome = anbu_case_form_dialog_get_input (dialog, "outcome");
  g_assert_nonnull (tab_to (f, GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, outcome, 20));
  xdotool (f, "type", "--delay", "15", "Resident well, ate lunch", NULL);
  g_object_set_data (G_OBJECT (outcome), "expected", (gpointer) "Resident well, ate lunch");
  g_assert_true (anbu_test_wait_until (text_is, outcome, 5000));
  xdotool (f, "key", "Return", NULL);
  g_assert_true (anbu_test_wait_until (form_gone, NULL, 5000));

  entries = wait_for_outbox (f, 1);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (anbu_outbox_entry_get_kind (entries->pdata[0]), ==, "visit.create");
  payload = anbu_outbox_entry_dup_payload (entries->pdata[0]);
  g_assert_cmpstr (json_object_get_string_member (payload, "household_id"), ==, household_id);
  g_assert_cmpstr (json_object_get_string_member (payload, "outcome"), ==, "Resident well, ate lunch");
  g_assert_cmpstr (json_object_get_string_member (payload, "at"), ==, NOW_ISO);
}

int
main (int   argc,
      char *argv[])
{
  anbu_test_init (&argc, &argv);
  g_test_add ("/anbu/ui/keyboard/record-contact", Fixture, NULL, fixture_set_up,
              test_record_contact_by_keyboard, fixture_tear_down);
  g_test_add ("/anbu/ui/keyboard/record-visit", Fixture, NULL, fixture_set_up,
              test_record_visit_by_keyboard, fixture_tear_down);
  return g_test_run ();
}
