/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The planner's forms end to end: filled through the widgets, stored in the
 * encrypted replica's outbox, pushed to a real anbu-server (127.0.0.1, port
 * 0), and read back from the server with the values the planner entered. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "anbu-alert-row.h"
#include "anbu-alerts-view.h"
#include "anbu-case-form-dialog.h"
#include "anbu-household-page.h"
#include "anbu-households-view.h"
#include "anbu-statistics-view.h"
#include "anbu-casework.h"
#include "anbu-case-store.h"
#include "anbu-test-desk.h"
#include "anbu-window.h"

#define PASSWORD "correct horse battery"
#define DONG "1168064000"
#define H1 "00000000-0000-4000-8000-0000000000a1"
#define H2 "00000000-0000-4000-8000-0000000000a2"

typedef AnbuTestDesk Fixture;

static char *
household_json (const char *id,
                const char *name,
                const char *phone)
{
  return g_strdup_printf ("{\"id\": \"%s\", \"dong_code\": \"%s\", \"dong_name\": \"역삼1동\", \"name\": \"%s\","
                          " \"phone\": \"%s\", \"address\": \"서울특별시 강남구 역삼로 12\", \"threshold_hours\": 24}",
                          id, DONG, name, phone);
}

static void
push_seed (Fixture *f)
{
  g_autofree char *h1 = household_json (H1, "김영수", "010-1234-5678");
  g_autofree char *h2 = household_json (H2, "박정희", "02-555-1234");
  g_autofree char *id1 = g_uuid_string_random ();
  g_autofree char *id2 = g_uuid_string_random ();
  g_autofree char *id3 = g_uuid_string_random ();
  g_autofree char *batch = g_strdup_printf (
    "[{\"id\": \"%s\", \"kind\": \"household.create\", \"payload\": %s},"
    " {\"id\": \"%s\", \"kind\": \"household.create\", \"payload\": %s},"
    " {\"id\": \"%s\", \"kind\": \"plug.install\", \"payload\": {\"serial\": \"PLG-0001\", \"household_id\": \"%s\","
    "   \"appliance\": \"tv\", \"installed_at\": \"2026-10-01T01:00:00Z\"}}]",
    id1, h1, id2, h2, id3, H1);
  g_autoptr(AnbuTestResponse) response = NULL;
  JsonArray *results = anbu_test_push (f->server, f->token, batch, &response);

  for (guint i = 0; i < json_array_get_length (results); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, i), "status"), ==, "applied");
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  f->server = anbu_test_server_new (NULL);
  f->user_id = anbu_test_server_add_user (f->server, "kim.planner", "planner", DONG, PASSWORD);
  f->token = anbu_test_server_sign_in (f->server, "kim.planner", PASSWORD);
  push_seed (f);
  anbu_test_desk_open (f, "kim.planner", PASSWORD, "김복지", ANBU_TEST_DESK_ONLINE);
  g_assert_nonnull (anbu_casework_lookup_household (f->casework, H1));
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  anbu_test_desk_close (f);
}

static void
set_text (AnbuCaseFormDialog *dialog,
          const char         *key,
          const char         *text)
{
  gtk_editable_set_text (GTK_EDITABLE (anbu_case_form_dialog_get_input (dialog, key)), text);
}

static void
choose (AnbuCaseFormDialog *dialog,
        const char         *key,
        guint               position)
{
  adw_combo_row_set_selected (ADW_COMBO_ROW (anbu_case_form_dialog_get_input (dialog, key)), position);
}

static JsonObject *
first_record_of (Fixture    *f,
                 const char *kind,
                 const char *household_id)
{
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) changes = anbu_test_pull (f->server, f->token, &cursor, 0, NULL);

  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);
      JsonObject *record;

      if (g_strcmp0 (json_object_get_string_member (change, "kind"), kind) != 0
          || !json_object_has_member (change, "record"))
        continue;
      record = json_object_get_object_member (change, "record");
      if (g_strcmp0 (json_object_get_string_member_with_default (record, "household_id", NULL), household_id) == 0)
        return json_object_ref (record);
    }
  return NULL;
}

static void
test_visit_contact_absence_reach_server (Fixture      *f,
                                         gconstpointer data)
{
  AnbuCaseFormDialog *dialog;
  g_autoptr(JsonObject) visit = NULL;
  g_autoptr(JsonObject) contact = NULL;
  g_autoptr(JsonObject) absence = NULL;

  dialog = anbu_test_desk_open_form (f, ANBU_CASE_FORM_VISIT, H1, NULL);
  choose (dialog, "purpose", 0);
  set_text (dialog, "outcome", "건강 양호");
  set_text (dialog, "notes", "약 복용 확인");
  set_text (dialog, "next_visit_on", "2099-01-15");
  anbu_test_desk_save_form (f, dialog);

  dialog = anbu_test_desk_open_form (f, ANBU_CASE_FORM_CONTACT, H1, NULL);
  choose (dialog, "channel", 1);   /* SMS */
  choose (dialog, "outcome", 1);   /* no answer */
  set_text (dialog, "notes", "문자 답 없음");
  anbu_test_desk_save_form (f, dialog);

  dialog = anbu_test_desk_open_form (f, ANBU_CASE_FORM_ABSENCE, H1, NULL);
  set_text (dialog, "from", "2099-02-01");
  set_text (dialog, "to", "2099-02-03");
  choose (dialog, "reason", 0);   /* travel */
  anbu_test_desk_save_form (f, dialog);

  anbu_test_desk_push_expect_applied (f, 3);

  visit = first_record_of (f, "visit", H1);
  g_assert_nonnull (visit);
  g_assert_cmpstr (json_object_get_string_member (visit, "outcome"), ==, "건강 양호");
  g_assert_cmpstr (json_object_get_string_member (visit, "notes"), ==, "약 복용 확인");
  g_assert_cmpstr (json_object_get_string_member (visit, "next_visit_on"), ==, "2099-01-15");
  g_assert_cmpstr (json_object_get_string_member (visit, "by"), ==, f->user_id);

  contact = first_record_of (f, "contact", H1);
  g_assert_nonnull (contact);
  g_assert_cmpstr (json_object_get_string_member (contact, "channel"), ==, "sms");
  g_assert_cmpstr (json_object_get_string_member (contact, "outcome"), ==, "no_answer");
  g_assert_cmpstr (json_object_get_string_member (contact, "notes"), ==, "문자 답 없음");

  absence = first_record_of (f, "absence", H1);
  g_assert_nonnull (absence);
  g_assert_cmpstr (json_object_get_string_member (absence, "from"), ==, "2099-01-31T15:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (absence, "to"), ==, "2099-02-03T15:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (absence, "reason"), ==, "travel");

  /* Pushing again sends nothing twice. */
  {
    g_autoptr(GAsyncResult) prepared = NULL;
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) ids = NULL;
    g_autoptr(GBytes) body = NULL;

    ANBU_TEST_AWAIT (prepared, anbu_replica_prepare_push_async (f->replica, 100, NULL, anbu_test_ready_cb, &prepared));
    body = anbu_replica_prepare_push_finish (f->replica, prepared, &ids, &error);
    g_assert_no_error (error);
    g_assert_true (body == NULL || ids == NULL || ids[0] == NULL);
  }
}

static void
test_plug_forms_reach_server (Fixture      *f,
                              gconstpointer data)
{
  AnbuCaseFormDialog *dialog;
  g_autoptr(JsonObject) installed = NULL;
  g_autoptr(JsonObject) old_plug = NULL;
  g_autoptr(JsonObject) new_plug = NULL;
  g_autoptr(JsonObject) removed = NULL;
  g_autoptr(JsonObject) household = NULL;

  /* Install in 박정희's home, with her consent and a 36-hour threshold. */
  dialog = anbu_test_desk_open_form (f, ANBU_CASE_FORM_INSTALL_PLUG, H2, NULL);
  set_text (dialog, "serial", "PLG-0002");
  choose (dialog, "appliance", 1);  /* microwave */
  gtk_switch_set_active (GTK_SWITCH (anbu_case_form_dialog_get_input (dialog, "night_consent")), TRUE);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (anbu_case_form_dialog_get_input (dialog, "threshold_hours")), 36);
  anbu_test_desk_save_form (f, dialog);
  anbu_test_desk_push_expect_applied (f, 2);

  installed = anbu_test_desk_server_record (f, "plug", "PLG-0002");
  g_assert_nonnull (installed);
  g_assert_cmpstr (json_object_get_string_member (installed, "household_id"), ==, H2);
  g_assert_cmpstr (json_object_get_string_member (installed, "appliance"), ==, "microwave");
  g_assert_cmpstr (json_object_get_string_member (installed, "state"), ==, "installed");
  household = anbu_test_desk_server_record (f, "household", H2);
  g_assert_true (json_object_get_boolean_member (household, "night_consent"));
  g_assert_cmpint (json_object_get_int_member (household, "threshold_hours"), ==, 36);

  /* Replace 김영수's faulty plug. */
  dialog = anbu_test_desk_open_form (f, ANBU_CASE_FORM_REPLACE_PLUG, H1, NULL);
  set_text (dialog, "serial", "PLG-0101");
  choose (dialog, "reason", 2);  /* faulty */
  anbu_test_desk_save_form (f, dialog);
  anbu_test_desk_push_expect_applied (f, 1);
  old_plug = anbu_test_desk_server_record (f, "plug", "PLG-0001");
  new_plug = anbu_test_desk_server_record (f, "plug", "PLG-0101");
  g_assert_nonnull (old_plug);
  g_assert_nonnull (new_plug);
  g_assert_cmpstr (json_object_get_string_member (old_plug, "state"), ==, "removed");
  g_assert_cmpstr (json_object_get_string_member (new_plug, "state"), ==, "installed");
  g_assert_cmpstr (json_object_get_string_member (new_plug, "household_id"), ==, H1);

  /* Take 박정희's plug back: she moved. */
  anbu_test_desk_pull (f);
  g_assert_true (anbu_test_wait_until (anbu_test_casework_loaded, f->casework, 10000));
  dialog = anbu_test_desk_open_form (f, ANBU_CASE_FORM_REMOVE_PLUG, H2, NULL);
  choose (dialog, "reason", 0);  /* moved */
  anbu_test_desk_save_form (f, dialog);
  anbu_test_desk_push_expect_applied (f, 1);
  removed = anbu_test_desk_server_record (f, "plug", "PLG-0002");
  g_assert_nonnull (removed);
  g_assert_cmpstr (json_object_get_string_member (removed, "state"), ==, "removed");
}

static void
test_edit_and_close_reach_server (Fixture      *f,
                                  gconstpointer data)
{
  AnbuCaseFormDialog *dialog;
  g_autoptr(JsonObject) household = NULL;
  g_autoptr(JsonObject) closed = NULL;

  dialog = anbu_test_desk_open_form (f, ANBU_CASE_FORM_EDIT_HOUSEHOLD, H1, NULL);
  set_text (dialog, "phone", "01055556666");
  set_text (dialog, "risk_notes", "고혈압, 계단 이용 어려움");
  anbu_test_desk_save_form (f, dialog);
  anbu_test_desk_push_expect_applied (f, 1);
  household = anbu_test_desk_server_record (f, "household", H1);
  g_assert_cmpstr (json_object_get_string_member (household, "phone"), ==, "010-5555-6666");
  g_assert_cmpstr (json_object_get_string_member (household, "risk_notes"), ==, "고혈압, 계단 이용 어려움");
  g_assert_cmpstr (json_object_get_string_member (household, "name"), ==, "김영수");

  dialog = anbu_test_desk_open_form (f, ANBU_CASE_FORM_CLOSE_CASE, H2, NULL);
  set_text (dialog, "reason", "요양원 입소");
  anbu_test_desk_save_form (f, dialog);
  anbu_test_desk_push_expect_applied (f, 1);
  /* A closed case leaves the planner's scope: the server now sends its removal. */
  closed = anbu_test_desk_server_record (f, "household", H2);
  g_assert_null (closed);
}

/* Lets the replica's change notices reach the casework and its reload end. */
static void
settle (Fixture *f)
{
  for (guint round = 0; round < 3; round++)
    {
      for (guint i = 0; i < 100 && g_main_context_pending (NULL); i++)
        g_main_context_iteration (NULL, FALSE);
      g_assert_true (anbu_test_wait_until (anbu_test_casework_loaded, f->casework, 10000));
    }
  anbu_test_wait_drawn (f->window);
}

static gboolean
alert_row_shown (gpointer data)
{
  return anbu_alerts_view_get_n_rows (data) == 1;
}

static AnbuCaseFormDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ANBU_IS_CASE_FORM_DIALOG (window))
        return ANBU_CASE_FORM_DIALOG (window);
    }
  return NULL;
}

static gboolean
dialog_open (gpointer data)
{
  return find_dialog () != NULL;
}

static gboolean
stats_fetched (gpointer data)
{
  return anbu_statistics_view_get_table (data) != NULL;
}

static gboolean
chart_fresh (gpointer data)
{
  return g_strcmp0 (anbu_household_page_get_chart_source (data), "fresh") == 0;
}

static void
test_alert_actions_reach_server (Fixture      *f,
                                 gconstpointer data)
{
  g_autofree char *alert_id = anbu_test_desk_seed_alert (f, H1);
  AnbuAlertsView *view = ANBU_ALERTS_VIEW (anbu_test_find_type (f->window, ANBU_TYPE_ALERTS_VIEW));
  GtkWidget *row;
  AnbuCaseFormDialog *dialog;
  g_autoptr(JsonObject) acknowledged = NULL;
  g_autoptr(JsonObject) resolved = NULL;
  g_autoptr(JsonObject) contact = NULL;

  anbu_test_desk_pull (f);
  g_assert_true (anbu_test_wait_until (alert_row_shown, view, 10000));
  settle (f);
  row = anbu_alerts_view_get_row (view, 0);
  g_assert_cmpstr (anbu_alert_row_get_alert_id (ANBU_ALERT_ROW (row)), ==, alert_id);

  /* Acknowledge from the row. */
  anbu_test_press (anbu_test_find_named (row, "alert-acknowledge"));
  g_assert_true (anbu_test_wait_until (anbu_test_casework_loaded, f->casework, 10000));
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (anbu_replica_get_pending_count (f->replica) == 0 && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  anbu_test_desk_push_expect_applied (f, 1);
  acknowledged = anbu_test_desk_server_record (f, "alert", alert_id);
  g_assert_cmpstr (json_object_get_string_member (acknowledged, "state"), ==, "acknowledged");

  /* Record a call from the row: the form opens with the alert attached. */
  settle (f);
  row = anbu_alerts_view_get_row (view, 0);
  anbu_test_press (anbu_test_find_named (row, "alert-record-contact"));
  g_assert_true (anbu_test_wait_until (dialog_open, NULL, 5000));
  dialog = find_dialog ();
  choose (dialog, "channel", 0);  /* phone */
  choose (dialog, "outcome", 0);  /* reached, safe */
  set_text (dialog, "notes", "통화 완료, 감기로 누워 계심");
  anbu_test_desk_save_form (f, dialog);

  /* Resolve from the row. */
  settle (f);
  row = anbu_alerts_view_get_row (view, 0);
  anbu_test_press (anbu_test_find_named (row, "alert-resolve"));
  g_assert_true (anbu_test_wait_until (dialog_open, NULL, 5000));
  dialog = find_dialog ();
  choose (dialog, "resolution", 0);  /* safe */
  set_text (dialog, "notes", "안전 확인");
  anbu_test_desk_save_form (f, dialog);
  anbu_test_desk_push_expect_applied (f, 2);

  contact = first_record_of (f, "contact", H1);
  g_assert_cmpstr (json_object_get_string_member (contact, "alert_id"), ==, alert_id);
  g_assert_cmpstr (json_object_get_string_member (contact, "outcome"), ==, "reached_safe");
  resolved = anbu_test_desk_server_record (f, "alert", alert_id);
  g_assert_cmpstr (json_object_get_string_member (resolved, "state"), ==, "resolved");
  g_assert_cmpstr (json_object_get_string_member (resolved, "resolution"), ==, "safe");
  /* Resolved: it leaves the alerts view. */
  settle (f);
  g_assert_cmpuint (anbu_alerts_view_get_n_rows (view), ==, 0);

  /* The month's figures from the server count what was just done. */
  {
    AnbuStatisticsView *stats = ANBU_STATISTICS_VIEW (anbu_test_find_type (f->window, ANBU_TYPE_STATISTICS_VIEW));
    const AnbuStatsRow *total;

    gtk_drop_down_set_selected (GTK_DROP_DOWN (anbu_test_find_named (f->window, "stats-group")), ANBU_STATS_GROUP_MONTH);
    anbu_statistics_view_fetch (stats);
    g_assert_true (anbu_test_wait_until (stats_fetched, stats, 10000));
    total = anbu_stats_table_get_totals (anbu_statistics_view_get_table (stats));
    g_assert_cmpint (total->values[ANBU_STATS_COLUMN_SIGNAL_HOUSEHOLDS], ==, 1);
    g_assert_cmpint (total->values[ANBU_STATS_COLUMN_SIGNALS], ==, 1);
    g_assert_cmpint (total->values[ANBU_STATS_COLUMN_PHONE_CHECKS], ==, 1);
    g_assert_cmpint (total->values[ANBU_STATS_COLUMN_SMS_CHECKS], ==, 0);
    g_assert_cmpint (total->values[ANBU_STATS_COLUMN_RESOLVED_SAFE], ==, 1);
    g_assert_cmpuint (anbu_stats_table_get_n_rows (anbu_statistics_view_get_table (stats)), ==, 1);
  }

  /* The household page asks the server for its 7-day series. */
  {
    AnbuHouseholdsView *households = ANBU_HOUSEHOLDS_VIEW (anbu_test_find_type (f->window, ANBU_TYPE_HOUSEHOLDS_VIEW));
    AnbuHouseholdPage *page = ANBU_HOUSEHOLD_PAGE (anbu_test_find_type (f->window, ANBU_TYPE_HOUSEHOLD_PAGE));

    anbu_households_view_open_household (households, H1);
    g_assert_true (anbu_test_wait_until (chart_fresh, page, 10000));
  }
}

/* A police dispatch recorded from the household page (⋮ → 안부 확인 기록,
 * which names no signal) belongs to the open signal, makes it dispatched on
 * the server, and resolving it from its card records what the police found. */
static void
test_household_page_dispatch (Fixture      *f,
                              gconstpointer data)
{
  g_autofree char *alert_id = anbu_test_desk_seed_alert (f, H1);
  AnbuAlertsView *view = ANBU_ALERTS_VIEW (anbu_test_find_type (f->window, ANBU_TYPE_ALERTS_VIEW));
  AnbuHouseholdsView *households = ANBU_HOUSEHOLDS_VIEW (anbu_test_find_type (f->window, ANBU_TYPE_HOUSEHOLDS_VIEW));
  AnbuHouseholdPage *page = ANBU_HOUSEHOLD_PAGE (anbu_test_find_type (f->window, ANBU_TYPE_HOUSEHOLD_PAGE));
  AnbuCaseFormDialog *dialog;
  GtkWidget *row;
  g_autoptr(JsonObject) contact = NULL;
  g_autoptr(JsonObject) dispatched = NULL;
  g_autoptr(JsonObject) resolved = NULL;

  anbu_test_desk_pull (f);
  g_assert_true (anbu_test_wait_until (alert_row_shown, view, 10000));
  settle (f);

  anbu_households_view_open_household (households, H1);
  settle (f);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "household.form", "s", "contact"));
  g_assert_true (anbu_test_wait_until (dialog_open, NULL, 5000));
  dialog = find_dialog ();
  choose (dialog, "channel", 3);  /* police (112) */
  choose (dialog, "outcome", 5);  /* emergency */
  anbu_test_desk_save_form (f, dialog);
  anbu_test_desk_push_expect_applied (f, 1);

  contact = first_record_of (f, "contact", H1);
  g_assert_cmpstr (json_object_get_string_member_with_default (contact, "alert_id", NULL), ==, alert_id);
  dispatched = anbu_test_desk_server_record (f, "alert", alert_id);
  g_assert_cmpstr (json_object_get_string_member (dispatched, "state"), ==, "dispatched");
  g_assert_cmpstr (json_object_get_string_member (dispatched, "dispatched_by"), ==, f->user_id);

  anbu_test_desk_pull (f);
  settle (f);
  row = anbu_alerts_view_get_row (view, 0);
  anbu_test_press (anbu_test_find_named (row, "alert-resolve"));
  g_assert_true (anbu_test_wait_until (dialog_open, NULL, 5000));
  dialog = find_dialog ();
  g_assert_nonnull (anbu_case_form_dialog_get_input (dialog, "dispatch_outcome"));
  choose (dialog, "resolution", 1);        /* hospitalized */
  choose (dialog, "dispatch_outcome", 1);  /* taken to hospital */
  anbu_test_desk_save_form (f, dialog);
  anbu_test_desk_push_expect_applied (f, 1);

  resolved = anbu_test_desk_server_record (f, "alert", alert_id);
  g_assert_cmpstr (json_object_get_string_member (resolved, "state"), ==, "resolved");
  g_assert_cmpstr (json_object_get_string_member (resolved, "resolution"), ==, "hospitalized");
  g_assert_cmpstr (json_object_get_string_member (resolved, "dispatch_outcome"), ==, "hospitalized");
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

  g_test_add ("/anbu/ui/casework-server/visit-contact-absence", Fixture, NULL, fixture_set_up,
              test_visit_contact_absence_reach_server, fixture_tear_down);
  g_test_add ("/anbu/ui/casework-server/plug-forms", Fixture, NULL, fixture_set_up,
              test_plug_forms_reach_server, fixture_tear_down);
  g_test_add ("/anbu/ui/casework-server/alert-actions", Fixture, NULL, fixture_set_up,
              test_alert_actions_reach_server, fixture_tear_down);
  g_test_add ("/anbu/ui/casework-server/household-page-dispatch", Fixture, NULL, fixture_set_up,
              test_household_page_dispatch, fixture_tear_down);
  g_test_add ("/anbu/ui/casework-server/edit-and-close", Fixture, NULL, fixture_set_up,
              test_edit_and_close_reach_server, fixture_tear_down);

  return g_test_run ();
}
