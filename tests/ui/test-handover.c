/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The morning hand-over (지난밤 관제 기록) end to end: the control centre's
 * calls and dispatch of the night reach a real anbu-server (127.0.0.1,
 * port 0); the planner's replica pulls them; at sign-in the planner sees the
 * record, in Korean, built from those records; the CSV and the PDF are
 * written; an acknowledgement is kept in the replica and hides the record at
 * the next sign-in. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "anbu-casework.h"
#include "anbu-case-store.h"
#include "anbu-handover-dialog.h"
#include "anbu-test-desk.h"
#include "anbu-window.h"

#define PASSWORD "correct horse battery"
#define DONG "1168064000"
#define H1 "00000000-0000-4000-8000-0000000000b1"
#define H2 "00000000-0000-4000-8000-0000000000b2"
#define A1 "00000000-0000-4000-8000-0000000000c1"
#define A2 "00000000-0000-4000-8000-0000000000c2"
#define OTHER_DONG "1168065000"
#define H3 "00000000-0000-4000-8000-0000000000b3"
#define A3 "00000000-0000-4000-8000-0000000000c3"

typedef struct
{
  AnbuTestServer  *server;
  char            *token;
  char            *control_token;
  char            *planner_id;
  char            *control_id;
  char            *dir;
  char            *replica_path;
  AnbuReplica     *replica;
  AnbuCaseStore   *store;
  AnbuCasework    *casework;
  GtkWidget       *window;
  AnbuApplication *app;
  AnbuTestAccount *account;
  const char      *role;          /* who signs in: "planner" or "control" */
  const char      *pull_token;
  gboolean         pull_late;
} Fixture;

static void
push_applied (Fixture    *f,
              const char *token,
              const char *batch)
{
  g_autoptr(AnbuTestResponse) response = NULL;
  JsonArray *results = anbu_test_push (f->server, token, batch, &response);

  for (guint i = 0; i < json_array_get_length (results); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (results, i), "status"), "applied") != 0)
      g_test_message ("%s", json_to_string (json_array_get_element (results, i), FALSE));
  for (guint i = 0; i < json_array_get_length (results); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, i), "status"), ==,
                     "applied");
}

/* Alerts are raised by detection on the server: the test writes them into
 * its database as detection would have during the night. */
static void
seed_alert (Fixture    *f,
            const char *id,
            const char *household_id,
            const char *raised_at,
            const char *responder)
{
  g_autofree char *record = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", "
                                             "\"kind\": \"inactivity\", \"level\": \"risk\", "
                                             "\"quiet_since\": \"2026-11-22T12:00:00Z\", "
                                             "\"raised_at\": \"%s\", \"detail\": \"30시간째 변화 없음\", "
                                             "\"responder\": \"%s\", \"state\": \"open\", \"version\": 1}",
                                             id, household_id, raised_at, responder);

  anbu_test_server_insert_alert (f->server, id, household_id, record, raised_at);
}

static void
seed_night (Fixture *f)
{
  g_autofree char *households = g_strdup_printf (
    "[{\"id\": \"%s\", \"kind\": \"household.create\", \"payload\": {\"id\": \"%s\", \"dong_code\": \"%s\","
    "   \"dong_name\": \"역삼1동\", \"name\": \"김영수\", \"phone\": \"010-1234-5678\","
    "   \"address\": \"서울특별시 강남구 역삼로 12\", \"threshold_hours\": 24,"
    "   \"night_consent\": true, \"night_consent_date\": \"2026-10-01\"}},"
    " {\"id\": \"%s\", \"kind\": \"household.create\", \"payload\": {\"id\": \"%s\", \"dong_code\": \"%s\","
    "   \"dong_name\": \"역삼1동\", \"name\": \"박정희\", \"phone\": \"02-555-1234\","
    "   \"address\": \"서울특별시 강남구 역삼로 14\", \"threshold_hours\": 24}}]",
    "00000000-0000-4000-8000-0000000000d1", H1, DONG, "00000000-0000-4000-8000-0000000000d2", H2, DONG);
  g_autofree char *contacts = NULL;

  push_applied (f, f->token, households);
  /* 김영수 (consenting) went quiet: the control centre's at 22:00 KST. 박정희
   * (no consent) at 20:00 KST: held for the community centre. */
  seed_alert (f, A1, H1, "2026-11-23T13:00:00Z", "control");
  seed_alert (f, A2, H2, "2026-11-23T11:00:00Z", "dong");

  /* The control centre called 김영수 at 22:10 (no answer) and sent 112 at 22:40. */
  contacts = g_strdup_printf (
    "[{\"id\": \"%s\", \"kind\": \"contact.create\", \"payload\": {\"id\": \"%s\", \"alert_id\": \"%s\","
    "   \"household_id\": \"%s\", \"at\": \"2026-11-23T13:10:00Z\", \"channel\": \"phone\","
    "   \"by\": \"%s\", \"outcome\": \"no_answer\", \"notes\": \"신호만 감\"}},"
    " {\"id\": \"%s\", \"kind\": \"contact.create\", \"payload\": {\"id\": \"%s\", \"alert_id\": \"%s\","
    "   \"household_id\": \"%s\", \"at\": \"2026-11-23T13:40:00Z\", \"channel\": \"dispatch_112\","
    "   \"by\": \"%s\", \"outcome\": \"other\", \"notes\": \"역삼지구대 출동 요청\"}}]",
    "00000000-0000-4000-8000-0000000000d3", "00000000-0000-4000-8000-0000000000e1", A1, H1, f->control_id,
    "00000000-0000-4000-8000-0000000000d4", "00000000-0000-4000-8000-0000000000e2", A1, H1, f->control_id);
  push_applied (f, f->control_token, contacts);

  /* Another 동, not the planner's: only the control centre sees it. */
  {
    g_autofree char *other = g_strdup_printf (
      "[{\"id\": \"00000000-0000-4000-8000-0000000000d5\", \"kind\": \"household.create\", \"payload\": {"
      "   \"id\": \"%s\", \"dong_code\": \"%s\", \"dong_name\": \"역삼2동\", \"name\": \"이순자\","
      "   \"phone\": \"010-2222-3333\", \"address\": \"서울특별시 강남구 논현로 5\", \"threshold_hours\": 24,"
      "   \"night_consent\": true, \"night_consent_date\": \"2026-10-01\"}}]", H3, OTHER_DONG);

    push_applied (f, f->control_token, other);
    seed_alert (f, A3, H3, "2026-11-23T16:00:00Z", "control");
  }
}

static void
pull (Fixture *f)
{
  g_autofree char *cursor = NULL;

  anbu_test_replica_pull (f->server, f->pull_token, f->replica, &cursor);
}

static void
open_casework (Fixture *f)
{
  f->store = anbu_case_store_new (f->replica, g_str_equal (f->role, "control") ? f->control_id : f->planner_id);
  /* What anbu_case_store_new_for_session reads from the signed-in user. */
  anbu_case_store_set_role (f->store, f->role);
  f->casework = anbu_casework_new (f->store);
  g_assert_true (anbu_test_wait_until (anbu_test_casework_loaded, f->casework, 10000));
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *meta[] = { "username", "kim.planner", NULL };

  /* "planner-late": the planner's replica has not pulled the night yet. */
  f->pull_late = g_str_equal (data, "planner-late");
  f->role = f->pull_late ? "planner" : data;
  f->server = anbu_test_server_new (NULL);
  f->planner_id = anbu_test_server_add_user (f->server, "kim.planner", "planner", DONG, PASSWORD);
  f->control_id = anbu_test_server_add_user (f->server, "control.room", "control", NULL, PASSWORD);
  f->token = anbu_test_server_sign_in (f->server, "kim.planner", PASSWORD);
  f->control_token = anbu_test_server_sign_in (f->server, "control.room", PASSWORD);
  f->pull_token = g_str_equal (f->role, "control") ? f->control_token : f->token;
  seed_night (f);

  f->dir = g_dir_make_tmp ("anbu-handover-XXXXXX", &error);
  g_assert_no_error (error);
  f->replica_path = g_build_filename (f->dir, "replica.db", NULL);
  ANBU_TEST_AWAIT (result, anbu_replica_create_async (f->replica_path, PASSWORD, 1, 8192, meta, NULL,
                                                      anbu_test_ready_cb, &result));
  f->replica = anbu_replica_open_finish (result, NULL, NULL, &error);
  g_assert_no_error (error);
  if (!f->pull_late)
    pull (f);
  open_casework (f);

  f->account = anbu_test_account_new ("kim.planner", PASSWORD, "김복지");
  f->app = anbu_test_application_new ();
  f->window = GTK_WIDGET (anbu_window_new (GTK_APPLICATION (f->app), ANBU_ACCOUNT (f->account)));
  gtk_window_present (GTK_WINDOW (f->window));
  anbu_test_wait_drawn (f->window);
  anbu_test_sign_in (f->window, f->server->url, "kim.planner", PASSWORD);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  anbu_context_set_casework (anbu_application_get_context (f->app), NULL);
  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);
      gtk_window_destroy (window);
    }
  g_clear_object (&f->casework);
  g_clear_object (&f->store);
  g_clear_object (&f->replica);
  anbu_replica_delete_files (f->replica_path, NULL);
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->replica_path);
  anbu_test_server_free (f->server);
  g_free (f->token);
  g_free (f->control_token);
  g_free (f->planner_id);
  g_free (f->control_id);
  g_clear_object (&f->app);
  g_clear_object (&f->account);
}

static AnbuHandoverDialog *
find_handover_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ANBU_IS_HANDOVER_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ANBU_HANDOVER_DIALOG (window);
    }
  return NULL;
}

static gboolean
handover_dialog_shown (gpointer data)
{
  return find_handover_dialog () != NULL;
}

static gboolean
handover_dialog_gone (gpointer data)
{
  return find_handover_dialog () == NULL;
}

typedef struct
{
  AnbuCaseStore *store;
  const char    *expected;
} CachedWait;

static gboolean
acknowledgement_stored (gpointer data)
{
  CachedWait *wait = data;
  g_autofree char *value = anbu_case_store_dup_cached (wait->store, "handover-ack/" DONG);

  return g_strcmp0 (value, wait->expected) == 0;
}

static char *
label_text_of (GtkWidget  *root,
               const char *name)
{
  GtkWidget *widget = anbu_test_find_named (root, name);

  g_assert_nonnull (widget);
  return g_strdup (gtk_label_get_label (GTK_LABEL (widget)));
}

/* Whether some label under @root shows text containing @needle. */
static gboolean
shows_text (GtkWidget  *root,
            const char *needle)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root)
      && strstr (gtk_label_get_label (GTK_LABEL (root)), needle) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, needle))
      return TRUE;
  return FALSE;
}

static void
test_planner_sees_and_acknowledges (Fixture      *f,
                                    gconstpointer data)
{
  AnbuHandoverDialog *dialog;
  const AnbuHandover *handover;
  g_autofree char *counts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv_path = g_build_filename (f->dir, "handover.csv", NULL);
  g_autofree char *shots = NULL;
  g_autofree char *pdf_path = NULL;
  g_autoptr(GFile) csv_file = g_file_new_for_path (csv_path);
  g_autofree char *csv = NULL;
  g_autofree char *pdf = NULL;
  gsize csv_len = 0, pdf_len = 0;
  g_auto(GStrv) lines = NULL;
  CachedWait wait;

  /* Signing in on Tuesday 24 November 2026 at 10:30: the caseload loads and
   * the night's record (Monday 18:00 – Tuesday 09:00) comes up. */
  anbu_context_set_casework (anbu_application_get_context (f->app), f->casework);
  g_assert_true (anbu_test_wait_until (handover_dialog_shown, NULL, 10000));
  dialog = find_handover_dialog ();
  anbu_test_wait_drawn (GTK_WIDGET (dialog));

  handover = anbu_handover_dialog_get_handover (dialog);
  g_assert_nonnull (handover);
  g_assert_cmpuint (handover->cases->len, ==, 2);
  g_assert_cmpuint (handover->contacts->len, ==, 2);
  counts = label_text_of (GTK_WIDGET (dialog), "handover-counts");
  g_assert_cmpstr (counts, ==, "발생 신호 2건 · 확인 2건 · 출동 1건 · 미종결 2건");
  /* As the records say: 112 sent for 김영수 and no outcome yet; 박정희 waited. */
  g_assert_true (shows_text (GTK_WIDGET (dialog), "김영수"));
  g_assert_true (shows_text (GTK_WIDGET (dialog), "112/119 출동, 결과가 아직 기록되지 않음"));
  g_assert_true (shows_text (GTK_WIDGET (dialog), "박정희"));
  g_assert_true (shows_text (GTK_WIDGET (dialog), "야간 관제 미동의"));
  g_assert_true (shows_text (GTK_WIDGET (dialog), "역삼지구대 출동 요청"));
  anbu_test_save_screenshot (GTK_WIDGET (dialog), "handover-ko");

  /* The CSV for Excel: BOM, the title, the signals and the checks. */
  g_assert_true (anbu_handover_dialog_write_csv (dialog, csv_file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, &csv_len, &error));
  g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBF" "지난밤 관제 기록,역삼1동,1168064000,"));
  lines = g_strsplit (csv + 3, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 1 + 2 + 1 + 1 + 2 + 1);
  g_assert_true (g_str_has_prefix (lines[2], "박정희,2026-11-23 20:00,"));
  g_assert_true (g_str_has_prefix (lines[3], "김영수,2026-11-23 22:00,"));
  g_assert_nonnull (strstr (lines[3], "2026-11-23 22:40"));
  g_assert_true (g_str_has_prefix (lines[7], "2026-11-23 22:40,김영수,"));

  /* The PDF, through the print operation's export; kept beside the screenshots. */
  shots = g_build_filename (g_getenv ("ANBU_BUILD_DIR") != NULL ? g_getenv ("ANBU_BUILD_DIR") : ".", "screenshots", NULL);
  g_assert_cmpint (g_mkdir_with_parents (shots, 0755), ==, 0);
  pdf_path = g_build_filename (shots, "handover-ko.pdf", NULL);
  g_assert_cmpint (anbu_handover_dialog_print (dialog, GTK_PRINT_OPERATION_ACTION_EXPORT, pdf_path, &error), ==,
                   GTK_PRINT_OPERATION_RESULT_APPLY);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (pdf_path, &pdf, &pdf_len, &error));
  g_assert_true (g_str_has_prefix (pdf, "%PDF-"));
  g_assert_cmpuint (pdf_len, >, 1000);
  /* The Hangul was set in a CJK font (fonts-noto-cjk), not as empty boxes. */
  g_assert_nonnull (memmem (pdf, pdf_len, "NotoSansCJK", strlen ("NotoSansCJK")));

  /* Acknowledged: kept in the planner's replica. */
  {
    /* The press closes the dialog: the button must outlive it for the helper. */
    g_autoptr(GtkWidget) button = g_object_ref (anbu_test_find_named (GTK_WIDGET (dialog), "handover-acknowledge"));

    anbu_test_press (button);
  }
  g_assert_true (anbu_test_wait_until (handover_dialog_gone, NULL, 10000));
  wait.store = f->store;
  wait.expected = "2026-11-24";
  g_assert_true (anbu_test_wait_until (acknowledgement_stored, &wait, 10000));

  /* The next sign-in, with the replica closed and opened again: no record. */
  anbu_context_set_casework (anbu_application_get_context (f->app), NULL);
  g_clear_object (&f->casework);
  g_clear_object (&f->store);
  g_clear_object (&f->replica);
  {
    g_autoptr(GAsyncResult) result = NULL;

    ANBU_TEST_AWAIT (result, anbu_replica_open_async (f->replica_path, PASSWORD, NULL, anbu_test_ready_cb, &result));
    f->replica = anbu_replica_open_finish (result, NULL, NULL, &error);
    g_assert_no_error (error);
  }
  open_casework (f);
  g_assert_null (anbu_handover_find_unacknowledged (f->casework));
  anbu_context_set_casework (anbu_application_get_context (f->app), f->casework);
  anbu_test_wait_drawn (f->window);
  g_assert_null (find_handover_dialog ());

  /* The menu still opens it on demand (the control centre prints from there). */
  gtk_widget_activate_action (f->window, "win.handover", NULL);
  g_assert_true (anbu_test_wait_until (handover_dialog_shown, NULL, 10000));
  g_assert_cmpuint (anbu_handover_dialog_get_handover (find_handover_dialog ())->cases->len, ==, 2);
}

/* The control centre is not asked at sign-in (it wrote the record); from the
 * menu it picks any 동 of its scope, exports and prints it. */
static void
test_control_centre_picks_dong (Fixture      *f,
                                gconstpointer data)
{
  AnbuHandoverDialog *dialog;
  GtkDropDown *dropdown;
  const AnbuHandover *handover;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv_path = g_build_filename (f->dir, "other.csv", NULL);
  g_autofree char *pdf_path = g_build_filename (f->dir, "other.pdf", NULL);
  g_autoptr(GFile) csv_file = g_file_new_for_path (csv_path);
  g_autofree char *csv = NULL;
  g_autofree char *pdf = NULL;
  gsize pdf_len = 0;

  anbu_context_set_casework (anbu_application_get_context (f->app), f->casework);
  anbu_test_wait_drawn (f->window);
  {
    g_autofree char *unacknowledged = anbu_handover_find_unacknowledged (f->casework);

    /* There is something to read, but not for the control centre. */
    g_assert_cmpstr (unacknowledged, ==, DONG);
    g_assert_null (find_handover_dialog ());
  }

  gtk_widget_activate_action (f->window, "win.handover", NULL);
  g_assert_true (anbu_test_wait_until (handover_dialog_shown, NULL, 10000));
  dialog = find_handover_dialog ();
  anbu_test_wait_drawn (GTK_WIDGET (dialog));
  anbu_test_assert_accessible_names (GTK_WIDGET (dialog), "hand-over dialog");

  dropdown = GTK_DROP_DOWN (anbu_test_find_named (GTK_WIDGET (dialog), "handover-dong"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dropdown)));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (dropdown)), ==, 2);
  handover = anbu_handover_dialog_get_handover (dialog);
  g_assert_cmpstr (handover->dong_code, ==, DONG);
  /* The control centre's scope is the consenting households: 박정희 is not in it. */
  g_assert_cmpuint (handover->cases->len, ==, 1);
  g_assert_cmpuint (handover->n_dispatches, ==, 1);

  gtk_drop_down_set_selected (dropdown, 1);
  handover = anbu_handover_dialog_get_handover (dialog);
  g_assert_cmpstr (handover->dong_code, ==, OTHER_DONG);
  g_assert_cmpuint (handover->cases->len, ==, 1);
  g_assert_cmpuint (handover->n_open, ==, 1);
  anbu_test_wait_drawn (GTK_WIDGET (dialog));
  g_assert_true (shows_text (GTK_WIDGET (dialog), "이순자"));
  g_assert_false (shows_text (GTK_WIDGET (dialog), "김영수"));

  g_assert_true (anbu_handover_dialog_write_csv (dialog, csv_file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, &error));
  g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBF" "지난밤 관제 기록,역삼2동,1168065000,"));
  g_assert_nonnull (strstr (csv, "\r\n이순자,2026-11-24 01:00,"));
  g_assert_null (strstr (csv, "김영수"));

  g_assert_cmpint (anbu_handover_dialog_print (dialog, GTK_PRINT_OPERATION_ACTION_EXPORT, pdf_path, &error), ==,
                   GTK_PRINT_OPERATION_RESULT_APPLY);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (pdf_path, &pdf, &pdf_len, &error));
  g_assert_true (g_str_has_prefix (pdf, "%PDF-"));
}

/* Signed in before the sync brought the night in (the first minutes of the
 * morning, or offline until then): the record comes up when it arrives. */
static void
test_record_arrives_with_sync (Fixture      *f,
                               gconstpointer data)
{
  anbu_context_set_casework (anbu_application_get_context (f->app), f->casework);
  anbu_test_wait_drawn (f->window);
  g_assert_null (find_handover_dialog ());

  pull (f);
  g_assert_true (anbu_test_wait_until (handover_dialog_shown, NULL, 10000));
  g_assert_cmpuint (anbu_handover_dialog_get_handover (find_handover_dialog ())->cases->len, ==, 2);

  /* Closed without marking it read: later syncs of this sign-in leave it closed. */
  gtk_window_close (GTK_WINDOW (find_handover_dialog ()));
  g_assert_true (anbu_test_wait_until (handover_dialog_gone, NULL, 10000));
  anbu_casework_reload (f->casework);
  g_assert_true (anbu_test_wait_until (anbu_test_casework_loaded, f->casework, 10000));
  anbu_test_wait_drawn (f->window);
  g_assert_null (find_handover_dialog ());
}

int
main (int argc, char *argv[])
{
  anbu_test_init (&argc, &argv);

  if (g_getenv ("ANBU_SERVER") == NULL)
    {
      g_print ("1..0 # SKIP ANBU_SERVER is not set\n");
      return 0;
    }

  g_test_add ("/anbu/ui/handover/planner-sees-and-acknowledges", Fixture, "planner", fixture_set_up,
              test_planner_sees_and_acknowledges, fixture_tear_down);
  g_test_add ("/anbu/ui/handover/record-arrives-with-sync", Fixture, "planner-late", fixture_set_up,
              test_record_arrives_with_sync, fixture_tear_down);
  g_test_add ("/anbu/ui/handover/control-centre-picks-dong", Fixture, "control", fixture_set_up,
              test_control_centre_picks_dong, fixture_tear_down);
  return g_test_run ();
}
