/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include <sqlite3.h>

#include "anbu-activity-chart.h"
#include "anbu-alert-row.h"
#include "anbu-alerts-view.h"
#include "anbu-case-form-dialog.h"
#include "anbu-casework.h"
#include "anbu-clock.h"
#include "anbu-map-view.h"
#include "anbu-household-page.h"
#include "anbu-household-row.h"
#include "anbu-households-view.h"
#include "anbu-idle-monitor.h"
#include "anbu-lock-screen.h"
#include "anbu-statistics-view.h"
#include "anbu-case-store.h"
#include "anbu-test-util.h"
#include "anbu-validate.h"
#include "anbu-visits-view.h"
#include "anbu-window.h"

/* Wednesday 2026-11-25, 11:00 in Seoul: business hours. */
#define NOW_ISO "2026-11-25T02:00:00Z"
#define HOUR G_TIME_SPAN_HOUR

#define PLANNER "0b1e5a1c-0000-4000-8000-000000000001"
#define H1 "00000000-0000-4000-8000-000000000001"
#define H2 "00000000-0000-4000-8000-000000000002"
#define H3 "00000000-0000-4000-8000-000000000003"
#define H4 "00000000-0000-4000-8000-000000000004"
#define H5 "00000000-0000-4000-8000-000000000005"
#define H6 "00000000-0000-4000-8000-000000000006"
#define H7 "00000000-0000-4000-8000-000000000007"
#define A1 "a0000000-0000-4000-8000-000000000001"
#define A2 "a0000000-0000-4000-8000-000000000002"
#define A3 "a0000000-0000-4000-8000-000000000003"
#define A4 "a0000000-0000-4000-8000-000000000004"

static gint64 now_usec;

#define TOKEN "casework-test-token"

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
  SoupServer           *server;    /* what only the server computes: series, statistics */
  char                 *server_url;
  GHashTable           *answers;   /* path prefix → body */
  guint                 n_fetches;
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

static void
on_server_request (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  Fixture *f = user_data;
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *full = g_strconcat (path, g_uri_get_query (uri) ? "?" : "", g_uri_get_query (uri) ? g_uri_get_query (uri) : "", NULL);
  GHashTableIter iter;
  gpointer prefix, body;

  f->n_fetches++;
  if (g_strcmp0 (auth, "Bearer " TOKEN) != 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
      return;
    }
  g_hash_table_iter_init (&iter, f->answers);
  while (g_hash_table_iter_next (&iter, &prefix, &body))
    if (g_str_has_prefix (full, prefix))
      {
        soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
        return;
      }
  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static void
set_answer (Fixture    *f,
            const char *prefix,
            const char *body)
{
  g_hash_table_insert (f->answers, g_strdup (prefix), g_strdup (body));
}

/* Online: the API client of the test server. Offline: a client whose
 * server does not answer (nothing listens on port 1). */
static void
set_online (Fixture  *f,
            gboolean  online)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuApiClient) client = anbu_api_client_new (online ? f->server_url : "http://127.0.0.1:1", NULL, &error);

  g_assert_no_error (error);
  anbu_api_client_set_token (client, TOKEN);
  anbu_case_store_set_api_client (f->store, client);
}

/* The outbox as the replica holds it: kind + payload, oldest first. */
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
               const char *phone,
               gboolean    consent,
               const char *address)
{
  g_autofree char *json = g_strdup_printf (
    "{\"id\": \"%s\", \"dong_code\": \"%s\", \"dong_name\": \"%s\", \"name\": \"%s\","
    " \"birth_year\": 1942, \"sex\": \"female\", %s%s%s \"address\": \"%s\", \"address_detail\": \"101동 1203호\","
    " \"risk_notes\": \"당뇨, 혼자 거주\", \"contacts\": [{\"name\": \"김딸\", \"relation\": \"딸\", \"phone\": \"010-9999-0000\"}],"
    " \"night_consent\": %s, \"threshold_hours\": 24, \"status\": \"active\", \"version\": 3}",
    id, dong_code, dong_name, name, phone ? "\"phone\": \"" : "", phone ? phone : "", phone ? "\"," : "",
    address, consent ? "true" : "false");

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
           double      quiet_hours,
           const char *detail)
{
  g_autofree char *quiet = ago (quiet_hours);
  g_autofree char *raised = ago (2);
  g_autofree char *json = g_strdup_printf (
    "{\"id\": \"%s\", \"household_id\": \"%s\", \"kind\": \"%s\", \"level\": \"%s\","
    " \"quiet_since\": \"%s\", \"raised_at\": \"%s\", \"responder\": \"dong\", \"state\": \"open\","
    " \"detail\": \"%s\", \"version\": 1}", id, household_id, kind, level, quiet, raised, detail);

  seed_record (f, "alert", id, json);
}

static gboolean
casework_loaded (gpointer data)
{
  return anbu_casework_get_loaded (data) && !anbu_casework_is_loading (data);
}

static void
seed (Fixture *f)
{
  g_autofree char *visit_at = ago (24 * 30);
  g_autofree char *visit = NULL;
  g_autofree char *away_from = ago (24);
  g_autofree char *away_to = ago (-48);
  g_autofree char *absence = NULL;

  add_household (f, H1, "김영수", "1168064000", "역삼1동", "010-1234-5678", TRUE, "서울특별시 강남구 역삼로 12");
  add_household (f, H2, "박정희", "1168064000", "역삼1동", "02-555-1234", FALSE, "서울특별시 강남구 논현로 300");
  add_household (f, H3, "이민아", "1168065000", "역삼2동", "010-9876-5432", TRUE, "서울특별시 강남구 도곡로 55");
  add_household (f, H4, "김영숙", "1168065000", "역삼2동", "010-7777-8888", FALSE, "서울특별시 강남구 선릉로 8");
  add_household (f, H5, "최고령", "1168064000", "역삼1동", "010-2222-3333", FALSE, "서울특별시 강남구 봉은사로 1");
  add_household (f, H6, "한가람", "1168064000", "역삼1동", NULL, FALSE, "서울특별시 강남구 언주로 77");
  add_household (f, H7, "Anna Kim", "1168065000", "역삼2동", "010-4444-5555", TRUE, "서울특별시 강남구 삼성로 9");

  add_plug (f, "PLG-0001", H1, 0.1, 30);
  add_plug (f, "PLG-0002", H2, 10, 52);  /* silent for 10 h: offline */
  add_plug (f, "PLG-0003", H3, 0.1, 14);
  add_plug (f, "PLG-0004", H4, 0.1, 1);
  add_plug (f, "PLG-0005", H5, 0.1, 20);
  add_plug (f, "PLG-0007", H7, 0.1, 3);

  add_alert (f, A1, H1, "inactivity", "risk", 30, "30시간째 전력·조도 변화 없음");
  add_alert (f, A2, H2, "inactivity", "critical", 52, "전화 2회 응답 없음");
  add_alert (f, A3, H3, "routine", "watch", 14, "평소 08:00 전에 활동; 어제 21:40 이후 조용함");

  visit = g_strdup_printf ("{\"id\": \"b0000000-0000-4000-8000-000000000001\", \"household_id\": \"%s\","
                           " \"at\": \"%s\", \"by\": \"%s\", \"purpose\": \"regular\", \"outcome\": \"건강 양호\","
                           " \"next_visit_on\": \"2026-11-25\"}", H4, visit_at, PLANNER);
  seed_record (f, "visit", "b0000000-0000-4000-8000-000000000001", visit);
  absence = g_strdup_printf ("{\"id\": \"c0000000-0000-4000-8000-000000000001\", \"household_id\": \"%s\","
                             " \"from\": \"%s\", \"to\": \"%s\", \"reason\": \"hospital\"}", H5, away_from, away_to);
  seed_record (f, "absence", "c0000000-0000-4000-8000-000000000001", absence);
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
  g_autoptr(GSList) uris = NULL;
  const char *meta[] = { "username", "kim.planner", NULL };

  f->seed = g_ptr_array_new_with_free_func (g_free);
  f->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  f->dir = g_dir_make_tmp ("anbu-casework-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "replica.db", NULL);
  ANBU_TEST_AWAIT (result, anbu_replica_create_async (path, "한강 2026 bridge", 1, 8192, meta, NULL, anbu_test_ready_cb, &result));
  f->replica = anbu_replica_open_finish (result, NULL, NULL, &error);
  g_assert_no_error (error);

  /* The caseload arrives as the server sends it: one pull. */
  seed (f);
  g_ptr_array_add (f->seed, NULL);
  joined = g_strjoinv (",", (GStrv) f->seed->pdata);
  body = g_strdup_printf ("{\"changes\": [%s], \"cursor\": \"c1\", \"has_more\": false}", joined);
  bytes = g_bytes_new (body, strlen (body));
  ANBU_TEST_AWAIT (pulled, anbu_replica_apply_pull_async (f->replica, bytes, NULL, anbu_test_ready_cb, &pulled));
  anbu_replica_apply_pull_finish (f->replica, pulled, NULL, NULL, &error);
  g_assert_no_error (error);

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, "/api/v1", on_server_request, f, NULL);
  soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->server_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  f->store = anbu_case_store_new (f->replica, PLANNER);
  set_online (f, TRUE);
  f->casework = anbu_casework_new (ANBU_CASE_STORE (f->store));
  anbu_test_set_now (now_usec);
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
  g_clear_object (&f->server);
  g_free (f->server_url);
  g_clear_pointer (&f->answers, g_hash_table_unref);
  g_clear_pointer (&f->seed, g_ptr_array_unref);
  anbu_context_set_casework (anbu_application_get_context (f->app), NULL);
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

static guint
n_items (GListModel *model)
{
  return g_list_model_get_n_items (model);
}

static char *
visible_names (GListModel *model)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n_items (model); i++)
    {
      g_autoptr(AnbuHouseholdSummary) s = g_list_model_get_item (model, i);

      if (g_getenv ("ANBU_DEBUG_NAMES"))
        g_printerr ("%s last=%" G_GINT64_FORMAT " quiet=%" G_GINT64_FORMAT " level=%d cat=%d\n", anbu_household_summary_get_name (s),
                    anbu_household_summary_get_facts (s)->last_activity_at, anbu_household_summary_get_facts (s)->quiet_since,
                    anbu_household_summary_get_facts (s)->alert_level, anbu_household_summary_get_categories (s));
      if (out->len > 0)
        g_string_append_c (out, ',');
      g_string_append (out, anbu_household_summary_get_name (s));
    }
  return g_string_free (out, FALSE);
}

#define assert_names(model, expected) \
  G_STMT_START { g_autofree char *names_ = visible_names (model); g_assert_cmpstr (names_, ==, expected); } G_STMT_END

typedef struct
{
  GListModel *model;
  const char *expected;
} NamesWait;

static gboolean
names_are (gpointer data)
{
  NamesWait *w = data;
  g_autofree char *names = visible_names (w->model);

  return g_strcmp0 (names, w->expected) == 0;
}

/* Types into the window's search bar (Ctrl+F), which reports after its
 * typing delay, and waits for the list to follow. */
static void
search_for (GtkWidget  *search,
            GListModel *model,
            const char *text,
            const char *expected)
{
  NamesWait w = { model, expected };

  gtk_editable_set_text (GTK_EDITABLE (search), text);
  anbu_test_wait_until (names_are, &w, 3000);
  assert_names (model, expected);
}

static void
test_households_search_and_filters (Fixture      *f,
                                    gconstpointer data)
{
  AnbuHouseholdsView *view = ANBU_HOUSEHOLDS_VIEW (anbu_test_find_type (f->window, ANBU_TYPE_HOUSEHOLDS_VIEW));
  GListModel *model = anbu_households_view_get_model (view);
  GtkWidget *search = anbu_test_find_named (f->window, "search-entry");

  show_view (f, "households");
  /* Most at risk first: 심각, 위험, 관심, offline, away, then the rest. */
  assert_names (model, "박정희,김영수,이민아,최고령,한가람,Anna Kim,김영숙");
  anbu_test_save_screenshot (f->window, "casework-households");
  anbu_test_assert_accessible_names (f->window, "households view");

  /* Typed into the window's search bar, as a planner does with Ctrl+F. */
  search_for (search, model, "ㄱㅇㅅ", "김영수,김영숙");
  search_for (search, model, "김ㅇ", "김영수,김영숙");
  search_for (search, model, "01098765432", "이민아");
  search_for (search, model, "plg-0007", "Anna Kim");
  search_for (search, model, "논현로", "박정희");
  search_for (search, model, "없는 사람", "");
  anbu_test_wait_drawn (f->window);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (anbu_test_find_named (f->window, "households-count"))), ==,
                   "7가구 중 0가구");
  search_for (search, model, "", "박정희,김영수,이민아,최고령,한가람,Anna Kim,김영숙");

  /* Filters through the drop-downs. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (anbu_test_find_named (f->window, "households-category")), 1);
  assert_names (model, "박정희,김영수");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (anbu_test_find_named (f->window, "households-category")), 3);
  assert_names (model, "박정희");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (anbu_test_find_named (f->window, "households-category")), 4);
  assert_names (model, "최고령");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (anbu_test_find_named (f->window, "households-category")), 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (anbu_test_find_named (f->window, "households-dong")), 2);  /* 역삼2동 */
  assert_names (model, "이민아,Anna Kim,김영숙");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (anbu_test_find_named (f->window, "households-consent")), 1);
  assert_names (model, "이민아,Anna Kim");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (anbu_test_find_named (f->window, "households-sort")), 1);
  assert_names (model, "이민아,Anna Kim");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (anbu_test_find_named (f->window, "households-consent")), 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (anbu_test_find_named (f->window, "households-dong")), 0);
  assert_names (model, "김영수,김영숙,박정희,이민아,최고령,한가람,Anna Kim");
}

static guint
outbox_length (Fixture *f)
{
  g_autoptr(GPtrArray) entries = read_outbox (f);

  return entries->len;
}

/* Waits for outbox entry number @before to appear; its payload (kept alive
 * with the fixture's store). */
static JsonObject *
wait_for_change (Fixture    *f,
                 guint       before,
                 const char *kind)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  g_autoptr(GPtrArray) entries = NULL;
  JsonObject *payload;

  for (;;)
    {
      g_clear_pointer (&entries, g_ptr_array_unref);
      entries = read_outbox (f);
      if (entries->len > before)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
    }
  g_assert_cmpstr (anbu_outbox_entry_get_kind (entries->pdata[before]), ==, kind);
  payload = anbu_outbox_entry_dup_payload (entries->pdata[before]);
  g_object_set_data_full (G_OBJECT (f->store), kind, payload, (GDestroyNotify) json_object_unref);
  return payload;
}

static void
test_alerts_order_and_acknowledge (Fixture      *f,
                                   gconstpointer data)
{
  AnbuAlertsView *view = ANBU_ALERTS_VIEW (anbu_test_find_type (f->window, ANBU_TYPE_ALERTS_VIEW));
  AnbuAlertRow *first;
  JsonObject *payload;

  show_view (f, "alerts");
  g_assert_cmpuint (anbu_alerts_view_get_n_rows (view), ==, 3);
  first = ANBU_ALERT_ROW (anbu_alerts_view_get_row (view, 0));
  g_assert_cmpstr (anbu_alert_row_get_alert_id (first), ==, A2);  /* 심각 */
  g_assert_cmpstr (anbu_alert_row_get_alert_id (ANBU_ALERT_ROW (anbu_alerts_view_get_row (view, 1))), ==, A1);
  g_assert_cmpstr (anbu_alert_row_get_alert_id (ANBU_ALERT_ROW (anbu_alerts_view_get_row (view, 2))), ==, A3);
  /* Wednesday 11:00: the community centre answers until 18:00. */
  g_assert_nonnull (strstr (anbu_alert_row_get_responder_text (first), "동주민센터"));
  anbu_test_save_screenshot (f->window, "casework-alerts");
  anbu_test_assert_accessible_names (f->window, "alerts view");

  /* The name opens the household page in the households view. */
  anbu_test_press (anbu_test_find_named (GTK_WIDGET (first), "alert-open-household"));
  anbu_test_wait_drawn (f->window);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (anbu_test_find_type (f->window, ADW_TYPE_VIEW_STACK))),
                   ==, "households");
  g_assert_cmpstr (anbu_household_page_get_household_id (ANBU_HOUSEHOLD_PAGE (anbu_test_find_type (f->window, ANBU_TYPE_HOUSEHOLD_PAGE))),
                   ==, H2);
  show_view (f, "alerts");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (first), "alert.acknowledge", NULL));
  payload = wait_for_change (f, 0, "alert.acknowledge");
  g_assert_cmpstr (json_object_get_string_member (payload, "id"), ==, A2);
  g_assert_cmpstr (json_object_get_string_member (payload, "at"), ==, NOW_ISO);
}

static gboolean
responder_changed (gpointer data)
{
  GtkWidget *row = anbu_alerts_view_get_row (data, 0);

  return row != NULL && strstr (anbu_alert_row_get_responder_text (ANBU_ALERT_ROW (row)), "대기") != NULL;
}

static void
test_alert_at_night_waits (Fixture      *f,
                           gconstpointer data)
{
  AnbuAlertsView *view = ANBU_ALERTS_VIEW (anbu_test_find_type (f->window, ANBU_TYPE_ALERTS_VIEW));
  gint64 night = now_usec + 12 * HOUR;  /* 23:00 KST */

  anbu_test_set_now (night);
  g_assert_true (anbu_test_wait_until (responder_changed, view, 5000));
  /* 박정희 has no night consent: her signal waits for the community centre. */
  {
    AnbuAlertRow *row = ANBU_ALERT_ROW (anbu_alerts_view_get_row (view, 0));

    g_assert_cmpstr (anbu_alert_row_get_alert_id (row), ==, A2);
    g_assert_nonnull (strstr (anbu_alert_row_get_responder_text (row), "대기"));
    /* 김영수 consented: the control centre answers. */
    row = ANBU_ALERT_ROW (anbu_alerts_view_get_row (view, 1));
    g_assert_nonnull (strstr (anbu_alert_row_get_responder_text (row), "관제센터"));
  }
}

static AnbuCaseFormDialog *
open_form (Fixture      *f,
           AnbuCaseForm  form,
           const char   *household_id,
           const char   *alert_id)
{
  AnbuCaseFormDialog *dialog = anbu_case_form_dialog_new (f->casework, form, household_id, alert_id);

  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (f->window));
  gtk_window_present (GTK_WINDOW (dialog));
  anbu_test_wait_drawn (GTK_WIDGET (dialog));
  return dialog;
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

static void
press_save (AnbuCaseFormDialog *dialog)
{
  anbu_test_press (anbu_test_find_named (GTK_WIDGET (dialog), "form-save"));
}

/* The form refuses: the message is under the field, nothing is stored. */
static void
assert_refused (Fixture            *f,
                AnbuCaseFormDialog *dialog,
                const char         *key,
                const char         *expected_part)
{
  guint before = outbox_length (f);
  const char *message;

  press_save (dialog);
  message = anbu_case_form_dialog_get_error (dialog, key);
  g_test_message ("%s: %s", key ? key : "(form)", message ? message : "(none)");
  g_assert_nonnull (message);
  if (expected_part != NULL)
    g_assert_nonnull (strstr (message, expected_part));
  g_assert_true (g_utf8_validate (message, -1, NULL));
  g_assert_cmpuint (outbox_length (f), ==, before);
}

static void
test_form_visit (Fixture      *f,
                 gconstpointer data)
{
  AnbuCaseFormDialog *dialog = open_form (f, ANBU_CASE_FORM_VISIT, H4, NULL);
  JsonObject *p;

  anbu_test_save_screenshot (GTK_WIDGET (dialog), "casework-form-visit");
  anbu_test_assert_accessible_names (GTK_WIDGET (dialog), "visit form");
  set_text (dialog, "next_visit_on", "2026-13-40");
  assert_refused (f, dialog, "next_visit_on", "2026-11-30");
  set_text (dialog, "next_visit_on", "2026-11-20");
  assert_refused (f, dialog, "next_visit_on", "오늘");
  anbu_test_save_screenshot (GTK_WIDGET (dialog), "casework-form-visit-refused");
  set_text (dialog, "outcome", g_strnfill (300, 'x'));
  set_text (dialog, "next_visit_on", "2026-12-24");
  assert_refused (f, dialog, "outcome", NULL);

  choose (dialog, "purpose", 0);
  set_text (dialog, "outcome", "건강 양호, 식사 잘 하심");
  set_text (dialog, "notes", "다음 방문 때 약 확인");
  press_save (dialog);
  p = wait_for_change (f, 0, "visit.create");
  g_assert_cmpstr (json_object_get_string_member (p, "household_id"), ==, H4);
  g_assert_false (json_object_has_member (p, "alert_id"));  /* H4 has no open signal */
  g_assert_cmpstr (json_object_get_string_member (p, "by"), ==, PLANNER);
  g_assert_cmpstr (json_object_get_string_member (p, "purpose"), ==, "regular");
  g_assert_cmpstr (json_object_get_string_member (p, "outcome"), ==, "건강 양호, 식사 잘 하심");
  g_assert_cmpstr (json_object_get_string_member (p, "notes"), ==, "다음 방문 때 약 확인");
  g_assert_cmpstr (json_object_get_string_member (p, "next_visit_on"), ==, "2026-12-24");
  g_assert_cmpstr (json_object_get_string_member (p, "at"), ==, NOW_ISO);
  g_assert_true (anbu_validate_uuid ("id", json_object_get_string_member (p, "id"), NULL, NULL));
}

/* Picks @day (KST) on the form's calendar and types @hour:@minute, as a
 * planner would: open the date button, click the day, set the clock. */
static void
pick_moment (AnbuCaseFormDialog *dialog,
             int                 year,
             int                 month,
             int                 day,
             int                 hour,
             int                 minute)
{
  GtkWidget *button = anbu_case_form_dialog_get_input (dialog, "at");
  GtkWidget *calendar = anbu_test_find_named (GTK_WIDGET (dialog), "at-calendar");
  GtkWidget *hour_spin = anbu_test_find_named (GTK_WIDGET (dialog), "at-hour");
  GtkWidget *minute_spin = anbu_test_find_named (GTK_WIDGET (dialog), "at-minute");
  g_autoptr(GDateTime) date = g_date_time_new_local (year, month, day, 0, 0, 0);
  g_autofree char *hour_text = g_strdup_printf ("%d", hour);
  g_autofree char *minute_text = g_strdup_printf ("%d", minute);

  g_assert_true (GTK_IS_MENU_BUTTON (button));
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  g_assert_true (gtk_widget_get_mapped (calendar));
  gtk_calendar_select_day (GTK_CALENDAR (calendar), date);
  gtk_editable_set_text (GTK_EDITABLE (hour_spin), hour_text);
  gtk_editable_set_text (GTK_EDITABLE (minute_spin), minute_text);
}

/* Contacts and visits happen when they happened: the date and time of day
 * the planner picks (Seoul) travel as `at`, and the record joins the signal
 * open at that time. */
static void
test_form_time_of_record (Fixture      *f,
                          gconstpointer data)
{
  AnbuCaseFormDialog *dialog = open_form (f, ANBU_CASE_FORM_VISIT, H1, NULL);
  GtkWidget *button = anbu_case_form_dialog_get_input (dialog, "at");
  JsonObject *p;

  /* It starts at now: today, 11:00. */
  g_assert_cmpstr (gtk_menu_button_get_label (GTK_MENU_BUTTON (button)), ==, "2026-11-25");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (anbu_test_find_named (GTK_WIDGET (dialog), "at-hour"))), ==, "11");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (anbu_test_find_named (GTK_WIDGET (dialog), "at-minute"))), ==, "00");

  /* Later today has not happened yet. */
  pick_moment (dialog, 2026, 11, 25, 23, 0);
  assert_refused (f, dialog, "at", "아직");

  pick_moment (dialog, 2026, 11, 23, 14, 30);
  g_assert_cmpstr (gtk_menu_button_get_label (GTK_MENU_BUTTON (button)), ==, "2026-11-23");
  g_assert_null (anbu_case_form_dialog_get_error (dialog, "at"));
  anbu_test_save_screenshot (GTK_WIDGET (dialog), "casework-form-visit-time");
  press_save (dialog);
  p = wait_for_change (f, 0, "visit.create");
  g_assert_cmpstr (json_object_get_string_member (p, "at"), ==, "2026-11-23T05:30:00Z");
  /* Two days before 김영수's signal was raised: not part of it. */
  g_assert_false (json_object_has_member (p, "alert_id"));

  /* A call this morning at 08:30 came before the signal (raised 09:00);
   * the one at 10:15 answers it. */
  dialog = open_form (f, ANBU_CASE_FORM_CONTACT, H1, NULL);
  pick_moment (dialog, 2026, 11, 25, 8, 30);
  press_save (dialog);
  p = wait_for_change (f, 1, "contact.create");
  g_assert_cmpstr (json_object_get_string_member (p, "at"), ==, "2026-11-24T23:30:00Z");
  g_assert_false (json_object_has_member (p, "alert_id"));

  dialog = open_form (f, ANBU_CASE_FORM_CONTACT, H1, NULL);
  pick_moment (dialog, 2026, 11, 25, 10, 15);
  choose (dialog, "outcome", 1);  /* no answer */
  press_save (dialog);
  p = wait_for_change (f, 2, "contact.create");
  g_assert_cmpstr (json_object_get_string_member (p, "at"), ==, "2026-11-25T01:15:00Z");
  g_assert_cmpstr (json_object_get_string_member (p, "alert_id"), ==, A1);
}

/* The text under A1's card that lists its contacts, or NULL. */
static const char *
a1_checks (Fixture *f)
{
  AnbuAlertsView *view = ANBU_ALERTS_VIEW (anbu_test_find_type (f->window, ANBU_TYPE_ALERTS_VIEW));

  for (guint i = 0; i < anbu_alerts_view_get_n_rows (view); i++)
    {
      GtkWidget *row = anbu_alerts_view_get_row (view, i);
      GtkWidget *label;

      if (g_strcmp0 (anbu_alert_row_get_alert_id (ANBU_ALERT_ROW (row)), A1) != 0)
        continue;
      label = anbu_test_find_named (row, "alert-checks");
      return gtk_widget_get_visible (label) ? gtk_label_get_label (GTK_LABEL (label)) : NULL;
    }
  return NULL;
}

static gboolean
a1_shows_two_checks (gpointer data)
{
  const char *text = a1_checks (data);

  return text != NULL && strstr (text, "안부 확인 2건") != NULL;
}

static void
test_form_contact (Fixture      *f,
                   gconstpointer data)
{
  AnbuCaseFormDialog *dialog = open_form (f, ANBU_CASE_FORM_CONTACT, H1, A1);
  g_autofree char *long_notes = g_strnfill (2100, 'a');
  JsonObject *p;

  set_text (dialog, "notes", long_notes);
  assert_refused (f, dialog, "notes", NULL);
  choose (dialog, "channel", 4);  /* 119 */
  choose (dialog, "outcome", 4);  /* door opened */
  set_text (dialog, "notes", "119 출동, 문 개방 후 안전 확인");
  press_save (dialog);
  p = wait_for_change (f, 0, "contact.create");
  g_assert_cmpstr (json_object_get_string_member (p, "alert_id"), ==, A1);
  g_assert_cmpstr (json_object_get_string_member (p, "household_id"), ==, H1);
  g_assert_cmpstr (json_object_get_string_member (p, "channel"), ==, "dispatch_119");
  g_assert_cmpstr (json_object_get_string_member (p, "outcome"), ==, "door_opened");
  g_assert_cmpstr (json_object_get_string_member (p, "notes"), ==, "119 출동, 문 개방 후 안전 확인");

  /* From the household page (⋮ → 안부 확인 기록) no signal is named: the
   * call still belongs to the household's open signal. */
  dialog = open_form (f, ANBU_CASE_FORM_CONTACT, H1, NULL);
  choose (dialog, "outcome", 1);  /* no answer */
  press_save (dialog);
  p = wait_for_change (f, 1, "contact.create");
  g_assert_cmpstr (json_object_get_string_member (p, "alert_id"), ==, A1);
  g_assert_cmpstr (json_object_get_string_member (p, "outcome"), ==, "no_answer");

  /* Both show on the signal's card, whichever view recorded them. */
  g_assert_true (anbu_test_wait_until (a1_shows_two_checks, f, 10000));
  g_test_message ("A1: %s", a1_checks (f));

  /* The 119 call has not reached the server yet: resolving already asks
   * what the dispatch found. */
  dialog = open_form (f, ANBU_CASE_FORM_RESOLVE_ALERT, H1, A1);
  g_assert_nonnull (anbu_case_form_dialog_get_input (dialog, "dispatch_outcome"));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_form_absence (Fixture      *f,
                   gconstpointer data)
{
  AnbuCaseFormDialog *dialog = open_form (f, ANBU_CASE_FORM_ABSENCE, H3, NULL);
  JsonObject *p;

  set_text (dialog, "to", "");
  assert_refused (f, dialog, "to", NULL);
  set_text (dialog, "from", "2026-11-28");
  set_text (dialog, "to", "2026-11-27");
  assert_refused (f, dialog, "to", "시작");
  set_text (dialog, "from", "내일");
  set_text (dialog, "to", "2026-12-02");
  assert_refused (f, dialog, "from", NULL);

  set_text (dialog, "from", "2026-11-28");
  /* The last day picked on the calendar instead of typed: it opens at
   * the date typed and fills the field. */
  set_text (dialog, "to", "");
  {
    GtkWidget *calendar = anbu_test_find_named (GTK_WIDGET (dialog), "to-calendar");
    GtkWidget *button = gtk_widget_get_ancestor (calendar, GTK_TYPE_MENU_BUTTON);
    g_autoptr(GDateTime) opened = NULL;
    g_autoptr(GDateTime) day = g_date_time_new_local (2026, 12, 2, 0, 0, 0);

    opened = gtk_calendar_get_date (GTK_CALENDAR (calendar));
    g_assert_cmpint (g_date_time_get_day_of_month (opened), ==, 25);  /* today, the field being empty */
    gtk_menu_button_popup (GTK_MENU_BUTTON (button));
    g_assert_true (gtk_widget_get_mapped (calendar));
    gtk_calendar_select_day (GTK_CALENDAR (calendar), day);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (anbu_case_form_dialog_get_input (dialog, "to"))), ==, "2026-12-02");
    g_assert_false (gtk_widget_get_mapped (calendar));
  }
  choose (dialog, "reason", 1);  /* hospital */
  press_save (dialog);
  p = wait_for_change (f, 0, "absence.create");
  g_assert_cmpstr (json_object_get_string_member (p, "household_id"), ==, H3);
  /* Midnight in Seoul, through the whole last day. */
  g_assert_cmpstr (json_object_get_string_member (p, "from"), ==, "2026-11-27T15:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (p, "to"), ==, "2026-12-02T15:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (p, "reason"), ==, "hospital");
}

static void
test_form_install_plug (Fixture      *f,
                        gconstpointer data)
{
  AnbuCaseFormDialog *dialog = open_form (f, ANBU_CASE_FORM_INSTALL_PLUG, H6, NULL);
  JsonObject *p;

  set_text (dialog, "serial", "PLG-0001");
  assert_refused (f, dialog, "serial", "다른 가구");
  set_text (dialog, "serial", "PLG 0099!");
  assert_refused (f, dialog, "serial", NULL);
  set_text (dialog, "serial", "");
  assert_refused (f, dialog, "serial", NULL);
  set_text (dialog, "serial", "PLG-0099");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (anbu_case_form_dialog_get_input (dialog, "threshold_hours")), 60);
  assert_refused (f, dialog, "threshold_hours", "50");

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (anbu_case_form_dialog_get_input (dialog, "threshold_hours")), 36);
  gtk_switch_set_active (GTK_SWITCH (anbu_case_form_dialog_get_input (dialog, "night_consent")), TRUE);
  choose (dialog, "appliance", 2);  /* rice cooker */

  /* A latitude without a longitude, or a place outside Korea, is refused. */
  set_text (dialog, "lat", "37.5");
  set_text (dialog, "lon", "");
  assert_refused (f, dialog, "lon", NULL);
  set_text (dialog, "lon", "2.35");
  assert_refused (f, dialog, "lon", NULL);
  /* The location picked on the map fills both fields. */
  {
    GtkWidget *picker, *map;

    anbu_test_press (anbu_test_find_named (GTK_WIDGET (dialog), "pick-location-button"));
    picker = NULL;
    for (guint i = 0; picker == NULL && i < g_list_model_get_n_items (gtk_window_get_toplevels ()); i++)
      {
        g_autoptr(GtkWidget) w = g_list_model_get_item (gtk_window_get_toplevels (), i);

        if (g_strcmp0 (gtk_widget_get_name (w), "pick-location") == 0)
          picker = w;
      }
    g_assert_nonnull (picker);
    map = anbu_test_find_type (picker, ANBU_TYPE_MAP_VIEW);
    g_assert_nonnull (map);
    g_assert_true (anbu_map_view_get_picking_location (ANBU_MAP_VIEW (map)));
    g_signal_emit_by_name (map, "location-picked", 37.566512, 126.978006);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (anbu_case_form_dialog_get_input (dialog, "lat"))), ==, "37.566512");
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (anbu_case_form_dialog_get_input (dialog, "lon"))), ==, "126.978006");
  }
  press_save (dialog);
  p = wait_for_change (f, 0, "plug.install");
  g_assert_cmpstr (json_object_get_string_member (p, "serial"), ==, "PLG-0099");
  g_assert_cmpstr (json_object_get_string_member (p, "household_id"), ==, H6);
  g_assert_cmpstr (json_object_get_string_member (p, "appliance"), ==, "rice_cooker");
  p = wait_for_change (f, 1, "household.update");
  g_assert_cmpstr (json_object_get_string_member (p, "id"), ==, H6);
  g_assert_cmpint (json_object_get_int_member (p, "base_version"), ==, 3);
  p = json_object_get_object_member (p, "fields");
  g_assert_true (json_object_get_boolean_member (p, "night_consent"));
  g_assert_cmpstr (json_object_get_string_member (p, "night_consent_date"), ==, "2026-11-25");
  g_assert_cmpint (json_object_get_int_member (p, "threshold_hours"), ==, 36);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (p, "lat"), 37.566512, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (p, "lon"), 126.978006, 1e-9);
}

/* A full disk, as SQLite sees it: every write of every database file
 * answers SQLITE_FULL while `disk_full` is set. Registered as the default
 * VFS before any replica is opened; with the flag down it only forwards. */
static gint disk_full;
static sqlite3_vfs *real_vfs;

typedef struct
{
  sqlite3_file  base;
  sqlite3_file *real;
} FullFile;

#define REAL(file) (((FullFile *) (file))->real)

static int full_close (sqlite3_file *f) { return REAL (f)->pMethods->xClose (REAL (f)); }
static int full_read (sqlite3_file *f, void *b, int n, sqlite3_int64 o) { return REAL (f)->pMethods->xRead (REAL (f), b, n, o); }
static int
full_write (sqlite3_file  *f,
            const void    *b,
            int            n,
            sqlite3_int64  o)
{
  if (g_atomic_int_get (&disk_full))
    return SQLITE_FULL;
  return REAL (f)->pMethods->xWrite (REAL (f), b, n, o);
}
static int full_truncate (sqlite3_file *f, sqlite3_int64 size) { return REAL (f)->pMethods->xTruncate (REAL (f), size); }
static int full_sync (sqlite3_file *f, int flags) { return REAL (f)->pMethods->xSync (REAL (f), flags); }
static int full_file_size (sqlite3_file *f, sqlite3_int64 *size) { return REAL (f)->pMethods->xFileSize (REAL (f), size); }
static int full_lock (sqlite3_file *f, int l) { return REAL (f)->pMethods->xLock (REAL (f), l); }
static int full_unlock (sqlite3_file *f, int l) { return REAL (f)->pMethods->xUnlock (REAL (f), l); }
static int full_check_lock (sqlite3_file *f, int *out) { return REAL (f)->pMethods->xCheckReservedLock (REAL (f), out); }
static int full_file_control (sqlite3_file *f, int op, void *arg) { return REAL (f)->pMethods->xFileControl (REAL (f), op, arg); }
static int full_sector_size (sqlite3_file *f) { return REAL (f)->pMethods->xSectorSize (REAL (f)); }
static int full_device (sqlite3_file *f) { return REAL (f)->pMethods->xDeviceCharacteristics (REAL (f)); }
static int full_shm_map (sqlite3_file *f, int i, int size, int extend, void volatile **p) { return REAL (f)->pMethods->xShmMap (REAL (f), i, size, extend, p); }
static int full_shm_lock (sqlite3_file *f, int offset, int n, int flags) { return REAL (f)->pMethods->xShmLock (REAL (f), offset, n, flags); }
static void full_shm_barrier (sqlite3_file *f) { REAL (f)->pMethods->xShmBarrier (REAL (f)); }
static int full_shm_unmap (sqlite3_file *f, int del) { return REAL (f)->pMethods->xShmUnmap (REAL (f), del); }
static int full_fetch (sqlite3_file *f, sqlite3_int64 o, int n, void **p) { return REAL (f)->pMethods->xFetch (REAL (f), o, n, p); }
static int full_unfetch (sqlite3_file *f, sqlite3_int64 o, void *p) { return REAL (f)->pMethods->xUnfetch (REAL (f), o, p); }

static const sqlite3_io_methods full_methods = {
  3, full_close, full_read, full_write, full_truncate, full_sync, full_file_size, full_lock, full_unlock,
  full_check_lock, full_file_control, full_sector_size, full_device, full_shm_map, full_shm_lock,
  full_shm_barrier, full_shm_unmap, full_fetch, full_unfetch,
};

static int
full_open (sqlite3_vfs  *vfs,
           const char   *name,
           sqlite3_file *file,
           int           flags,
           int          *out_flags)
{
  FullFile *full = (FullFile *) file;
  int rc;

  full->real = (sqlite3_file *) &full[1];
  rc = real_vfs->xOpen (real_vfs, name, full->real, flags, out_flags);
  /* SQLite calls xClose only when pMethods is set. */
  file->pMethods = full->real->pMethods != NULL ? &full_methods : NULL;
  return rc;
}

static void
install_full_disk_vfs (void)
{
  static sqlite3_vfs vfs;

  real_vfs = sqlite3_vfs_find (NULL);
  vfs = *real_vfs;
  vfs.zName = "anbu-test-full-disk";
  vfs.szOsFile = sizeof (FullFile) + real_vfs->szOsFile;
  vfs.xOpen = full_open;
  vfs.pNext = NULL;
  g_assert_cmpint (sqlite3_vfs_register (&vfs, 1), ==, SQLITE_OK);
}

static gboolean
form_shows_error (gpointer data)
{
  return anbu_case_form_dialog_get_error (data, NULL) != NULL;
}

static void
on_outbox_changed_fill_disk (AnbuReplica *replica,
                             gpointer     user_data)
{
  g_atomic_int_set (&disk_full, TRUE);
}

/* The disk fills up while a form is saved: a clear message, the form
 * keeps what was typed, and nothing of it is half-written (the plug
 * install and the household edit it makes are stored together or not at
 * all); with space back, saving again stores it exactly once. */
static void
test_form_disk_full (Fixture      *f,
                     gconstpointer data)
{
  AnbuCaseFormDialog *dialog = open_form (f, ANBU_CASE_FORM_INSTALL_PLUG, H6, NULL);
  g_autoptr(GPtrArray) outbox = NULL;
  const char *message;
  gulong handler;

  set_text (dialog, "serial", "PLG-0099");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (anbu_case_form_dialog_get_input (dialog, "threshold_hours")), 36);

  g_atomic_int_set (&disk_full, TRUE);
  press_save (dialog);
  g_assert_true (anbu_test_wait_until (form_shows_error, dialog, 5000));
  message = anbu_case_form_dialog_get_error (dialog, NULL);
  g_test_message ("disk full: %s", message);
  g_assert_nonnull (strstr (message, "디스크가 가득"));
  /* Still open, still holding what was typed, ready to save again. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (anbu_case_form_dialog_get_input (dialog, "serial"))),
                   ==, "PLG-0099");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (anbu_case_form_dialog_get_input (dialog, "threshold_hours"))),
                   ==, 36);
  g_assert_true (gtk_widget_get_sensitive (anbu_test_find_named (GTK_WIDGET (dialog), "form-save")));
  outbox = read_outbox (f);
  g_assert_cmpuint (outbox->len, ==, 0);
  g_clear_pointer (&outbox, g_ptr_array_unref);

  /* Space is back, and the disk fills again the moment anything of the
   * form is committed: either all of it got in, or none. */
  g_atomic_int_set (&disk_full, FALSE);
  handler = g_signal_connect (f->replica, "outbox-changed", G_CALLBACK (on_outbox_changed_fill_disk), NULL);
  press_save (dialog);
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (!g_atomic_int_get (&disk_full) && !form_shows_error (dialog) && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_signal_handler_disconnect (f->replica, handler);
  g_atomic_int_set (&disk_full, FALSE);
  outbox = read_outbox (f);
  g_test_message ("outbox after the save: %u entries", outbox->len);
  g_assert_cmpuint (outbox->len, ==, 2);
  g_assert_nonnull (wait_for_change (f, 0, "plug.install"));
  g_assert_nonnull (wait_for_change (f, 1, "household.update"));
}

static void
test_form_replace_and_remove_plug (Fixture      *f,
                                   gconstpointer data)
{
  AnbuCaseFormDialog *dialog = open_form (f, ANBU_CASE_FORM_REPLACE_PLUG, H2, NULL);
  JsonObject *p;

  set_text (dialog, "serial", "PLG-0003");
  assert_refused (f, dialog, "serial", "다른 가구");
  set_text (dialog, "serial", "PLG-0200");
  choose (dialog, "reason", 2);  /* faulty */
  press_save (dialog);
  p = wait_for_change (f, 0, "plug.replace");
  g_assert_cmpstr (json_object_get_string_member (p, "old_serial"), ==, "PLG-0002");
  g_assert_cmpstr (json_object_get_string_member (p, "new_serial"), ==, "PLG-0200");
  g_assert_cmpstr (json_object_get_string_member (p, "reason"), ==, "faulty");

  dialog = open_form (f, ANBU_CASE_FORM_REMOVE_PLUG, H7, NULL);
  choose (dialog, "reason", 0);  /* moved */
  press_save (dialog);
  p = wait_for_change (f, 1, "plug.remove");
  g_assert_cmpstr (json_object_get_string_member (p, "serial"), ==, "PLG-0007");
  g_assert_cmpstr (json_object_get_string_member (p, "reason"), ==, "moved");

  /* After the removal the household has no plug: the form says so and cannot save. */
  g_assert_true (anbu_test_wait_until (casework_loaded, f->casework, 1000));
  {
    AnbuCaseFormDialog *again = NULL;
    gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

    while (anbu_casework_find_installed_plug (f->casework, H7) != NULL && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    again = open_form (f, ANBU_CASE_FORM_REMOVE_PLUG, H7, NULL);
    g_assert_nonnull (anbu_case_form_dialog_get_error (again, NULL));
    g_assert_false (gtk_widget_get_sensitive (anbu_test_find_named (GTK_WIDGET (again), "form-save")));
  }
}

static void
test_form_edit_household (Fixture      *f,
                          gconstpointer data)
{
  AnbuCaseFormDialog *dialog = open_form (f, ANBU_CASE_FORM_EDIT_HOUSEHOLD, H1, NULL);
  JsonObject *p;

  assert_refused (f, dialog, NULL, "바뀐");
  set_text (dialog, "phone", "12345");
  assert_refused (f, dialog, "phone", NULL);
  set_text (dialog, "phone", "112");
  assert_refused (f, dialog, "phone", NULL);
  set_text (dialog, "name", "");
  set_text (dialog, "phone", "010-1234-5678");
  assert_refused (f, dialog, "name", NULL);

  set_text (dialog, "name", "김영수");
  set_text (dialog, "phone", "01055556666");
  set_text (dialog, "address_detail", "102동 304호");
  press_save (dialog);
  p = wait_for_change (f, 0, "household.update");
  g_assert_cmpstr (json_object_get_string_member (p, "id"), ==, H1);
  g_assert_cmpint (json_object_get_int_member (p, "base_version"), ==, 3);
  p = json_object_get_object_member (p, "fields");
  g_assert_cmpuint (json_object_get_size (p), ==, 2);  /* only what changed */
  g_assert_cmpstr (json_object_get_string_member (p, "phone"), ==, "010-5555-6666");
  g_assert_cmpstr (json_object_get_string_member (p, "address_detail"), ==, "102동 304호");
}

/* What a later pull brings, as the sync engine hands it to the replica. */
static void
apply_pull (Fixture    *f,
            const char *changes)
{
  g_autoptr(GAsyncResult) pulled = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = g_strdup_printf ("{\"changes\": [%s], \"cursor\": \"c2\", \"has_more\": false}",
                                           changes);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  ANBU_TEST_AWAIT (pulled, anbu_replica_apply_pull_async (f->replica, bytes, NULL, anbu_test_ready_cb, &pulled));
  anbu_replica_apply_pull_finish (f->replica, pulled, NULL, NULL, &error);
  g_assert_no_error (error);
}

static gboolean
h1_gone (gpointer data)
{
  Fixture *f = data;

  return casework_loaded (f->casework) && anbu_casework_lookup_household (f->casework, H1) == NULL;
}

/* A sync takes the household out of the planner's caseload (moved to
 * another 동) while its edit form is open: Save explains, stores nothing. */
static void
test_form_household_removed_by_sync (Fixture      *f,
                                     gconstpointer data)
{
  AnbuCaseFormDialog *dialog = open_form (f, ANBU_CASE_FORM_EDIT_HOUSEHOLD, H1, NULL);

  set_text (dialog, "phone", "01055556666");
  apply_pull (f, "{\"kind\": \"household\", \"op\": \"remove\", \"id\": \"" H1 "\"}");
  g_assert_true (anbu_test_wait_until (h1_gone, f, 5000));

  assert_refused (f, dialog, NULL, "더 이상");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
}

static void
test_form_close_and_resolve (Fixture      *f,
                             gconstpointer data)
{
  AnbuCaseFormDialog *dialog = open_form (f, ANBU_CASE_FORM_CLOSE_CASE, H6, NULL);
  JsonObject *p;

  set_text (dialog, "reason", "   ");
  assert_refused (f, dialog, "reason", NULL);
  set_text (dialog, "reason", "요양원 입소");
  press_save (dialog);
  p = wait_for_change (f, 0, "household.close");
  g_assert_cmpstr (json_object_get_string_member (p, "id"), ==, H6);
  g_assert_cmpstr (json_object_get_string_member (p, "reason"), ==, "요양원 입소");

  /* No outcome is preselected: Save waits for the planner's choice. */
  dialog = open_form (f, ANBU_CASE_FORM_RESOLVE_ALERT, H1, A1);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (anbu_case_form_dialog_get_input (dialog, "resolution"))),
                    ==, GTK_INVALID_LIST_POSITION);
  g_assert_false (gtk_widget_get_sensitive (anbu_test_find_named (GTK_WIDGET (dialog), "form-save")));
  g_assert_null (anbu_case_form_dialog_get_input (dialog, "dispatch_outcome"));
  choose (dialog, "resolution", 1);  /* hospitalized */
  g_assert_true (gtk_widget_get_sensitive (anbu_test_find_named (GTK_WIDGET (dialog), "form-save")));
  set_text (dialog, "notes", g_strnfill (2100, 'n'));
  assert_refused (f, dialog, "notes", NULL);
  set_text (dialog, "notes", "병원 입원 확인");
  press_save (dialog);
  p = wait_for_change (f, 1, "alert.resolve");
  g_assert_cmpstr (json_object_get_string_member (p, "id"), ==, A1);
  g_assert_cmpstr (json_object_get_string_member (p, "resolution"), ==, "hospitalized");
  g_assert_cmpstr (json_object_get_string_member (p, "notes"), ==, "병원 입원 확인");
}

static gboolean
dispatched_alert_loaded (gpointer data)
{
  AnbuAlert *alert = anbu_casework_lookup_alert (data, A4);

  return alert != NULL && alert->state == ANBU_ALERT_STATE_DISPATCHED;
}

/* The police went (the server made the signal dispatched): the card says
 * so, and resolving asks what they found, with nothing preselected. */
static void
test_form_resolve_dispatched (Fixture      *f,
                              gconstpointer data)
{
  g_autofree char *raised = ago (3);
  g_autofree char *dispatched = ago (1);
  g_autofree char *body = g_strdup_printf (
    "{\"changes\": [{\"kind\": \"alert\", \"op\": \"upsert\", \"id\": \"%s\", \"record\":"
    " {\"id\": \"%s\", \"household_id\": \"%s\", \"kind\": \"inactivity\", \"level\": \"critical\","
    " \"quiet_since\": \"%s\", \"raised_at\": \"%s\", \"responder\": \"dong\", \"state\": \"dispatched\","
    " \"dispatched_at\": \"%s\", \"dispatched_by\": \"%s\", \"version\": 2}}],"
    " \"cursor\": \"c2\", \"has_more\": false}", A4, A4, H7, raised, raised, dispatched, PLANNER);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GAsyncResult) pulled = NULL;
  g_autoptr(GError) error = NULL;
  AnbuCaseFormDialog *dialog;
  GtkWidget *save;
  JsonObject *p;

  ANBU_TEST_AWAIT (pulled, anbu_replica_apply_pull_async (f->replica, bytes, NULL, anbu_test_ready_cb, &pulled));
  anbu_replica_apply_pull_finish (f->replica, pulled, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (anbu_test_wait_until (dispatched_alert_loaded, f->casework, 10000));

  dialog = open_form (f, ANBU_CASE_FORM_RESOLVE_ALERT, H7, A4);
  save = anbu_test_find_named (GTK_WIDGET (dialog), "form-save");
  g_assert_nonnull (anbu_case_form_dialog_get_input (dialog, "dispatch_outcome"));
  g_assert_false (gtk_widget_get_sensitive (save));
  choose (dialog, "resolution", 1);  /* hospitalized */
  g_assert_false (gtk_widget_get_sensitive (save));
  choose (dialog, "dispatch_outcome", 1);  /* taken to hospital */
  g_assert_true (gtk_widget_get_sensitive (save));
  press_save (dialog);
  p = wait_for_change (f, 0, "alert.resolve");
  g_assert_cmpstr (json_object_get_string_member (p, "id"), ==, A4);
  g_assert_cmpstr (json_object_get_string_member (p, "resolution"), ==, "hospitalized");
  g_assert_cmpstr (json_object_get_string_member (p, "dispatch_outcome"), ==, "hospitalized");
}

static gboolean
visits_without_h4 (gpointer data)
{
  g_auto(GStrv) ids = anbu_visits_view_dup_household_ids (data);
  return !g_strv_contains ((const char * const *) ids, H4);
}

static void
test_visits_due (Fixture      *f,
                 gconstpointer data)
{
  AnbuVisitsView *view = ANBU_VISITS_VIEW (anbu_test_find_type (f->window, ANBU_TYPE_VISITS_VIEW));
  g_auto(GStrv) ids = anbu_visits_view_dup_household_ids (view);
  AnbuCaseFormDialog *dialog;

  show_view (f, "visits");
  /* Open signals first (today), the scheduled visit of 김영숙 today too. */
  g_assert_cmpuint (g_strv_length (ids), ==, 4);
  g_assert_true (g_strv_contains ((const char * const *) ids, H1));
  g_assert_true (g_strv_contains ((const char * const *) ids, H2));
  g_assert_true (g_strv_contains ((const char * const *) ids, H3));
  g_assert_true (g_strv_contains ((const char * const *) ids, H4));
  anbu_test_save_screenshot (f->window, "casework-visits");
  anbu_test_assert_accessible_names (f->window, "visits view");

  /* A row opens the household. */
  {
    GtkWidget *group = anbu_test_find_named (f->window, "visits-today");
    GtkWidget *row = anbu_test_find_type (group, ADW_TYPE_ACTION_ROW);

    g_signal_emit_by_name (row, "activate");
    anbu_test_wait_drawn (f->window);
    g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (anbu_test_find_type (f->window, ADW_TYPE_VIEW_STACK))),
                     ==, "households");
    show_view (f, "visits");
  }

  /* Recording the visit takes it off the list. */
  dialog = open_form (f, ANBU_CASE_FORM_VISIT, H4, NULL);
  press_save (dialog);
  wait_for_change (f, 0, "visit.create");
  g_assert_true (anbu_test_wait_until (visits_without_h4, view, 5000));
}

#define P(start, end) "\"start\": \"2026-11-" start "T00:00:00+09:00\", \"end\": \"2026-11-" end "T00:00:00+09:00\""
static const char stats_json[] =
  "{\"from\": \"2026-11-01T00:00:00+09:00\", \"to\": \"2026-11-26T00:00:00+09:00\", \"group\": \"week\","
  " \"periods\": ["
  "  {" P ("01", "02") ", \"households_with_signals\": 1, \"signals\": 1, \"checks\": {\"phone\": 2}},"
  "  {" P ("02", "09") ", \"households_with_signals\": 3, \"signals\": 4, \"checks\": {\"phone\": 6, \"sms\": 1, \"bad_number\": 2},"
  "   \"dispatches\": {\"dispatch_119\": 1}, \"resolutions\": {\"safe\": 3}},"
  "  {" P ("09", "16") ", \"households_with_signals\": 2, \"signals\": 2, \"checks\": {\"phone\": 2},"
  "   \"dispatches\": {\"dispatch_112\": 1}, \"resolutions\": {\"hospitalized\": 1}},"
  "  {" P ("16", "23") ", \"households_with_signals\": 2, \"signals\": 3, \"checks\": {\"phone\": 5, \"visit\": 1}},"
  "  {" P ("23", "26") ", \"households_with_signals\": 3, \"signals\": 3, \"checks\": {\"phone\": 4}}],"
  " \"total\": {\"households_with_signals\": 6, \"signals\": 13, \"checks\": {\"phone\": 19, \"sms\": 1, \"visit\": 1, \"bad_number\": 2},"
  "   \"dispatches\": {\"dispatch_112\": 1, \"dispatch_119\": 1}, \"resolutions\": {\"safe\": 3, \"hospitalized\": 1}},"
  " \"by_dong\": ["
  "  {\"dong_code\": \"1168064000\", \"dong_name\": \"역삼1동\", \"signals\": 8, \"checks\": {\"phone\": 12, \"sms\": 1},"
  "   \"dispatches\": {\"dispatch_119\": 1}},"
  "  {\"dong_code\": \"1168065000\", \"dong_name\": \"역삼2동\", \"signals\": 5, \"checks\": {\"phone\": 7, \"visit\": 1},"
  "   \"dispatches\": {\"dispatch_112\": 1}}]}";

static gboolean
has_table (gpointer data)
{
  return anbu_statistics_view_get_table (data) != NULL;
}

static gboolean
is_offline (gpointer data)
{
  return anbu_statistics_view_get_offline (data);
}

static void
export_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (anbu_statistics_view_export_finish (ANBU_STATISTICS_VIEW (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
chart_exported (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (anbu_statistics_view_export_chart_finish (ANBU_STATISTICS_VIEW (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
export_chart (AnbuStatisticsView   *view,
              const char           *path,
              AnbuStatsChartFormat  format)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  gboolean exported = FALSE;

  anbu_statistics_view_export_chart_async (view, file, format, NULL, chart_exported, &exported);
  g_assert_true (anbu_test_wait_until (is_true, &exported, 10000));
}

/* The table drawn (issue 17): on screen with its figures in words for a
 * screen reader, and as the PNG and PDF of the monthly report. */
static void
assert_charts (Fixture            *f,
               AnbuStatisticsView *view,
               const char         *dir)
{
  AnbuStatsChart *chart = anbu_statistics_view_get_chart (view);
  GtkWidget *shown = anbu_test_find_named (f->window, "stats-chart-summary");
  g_autofree char *summary = anbu_stats_chart_dup_summary (chart);
  g_autofree char *png_path = g_build_filename (dir, "charts.png", NULL);
  g_autofree char *pdf_path = g_build_filename (dir, "charts.pdf", NULL);
  g_autofree char *pdf = NULL;
  g_autofree char *copy = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  gsize pdf_length = 0;

  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (chart)));
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (chart)), >=, 400);
  g_assert_cmpuint (anbu_stats_chart_get_n_periods (chart), ==, 5);
  /* The figures in Korean words: totals and the failed checks on a bad number. */
  g_test_message ("chart summary: %s", summary);
  g_assert_nonnull (strstr (summary, "위험신호 13건"));
  g_assert_nonnull (strstr (summary, "안부 확인 21건"));
  g_assert_nonnull (strstr (summary, "2건은 결번"));
  g_assert_nonnull (strstr (summary, "112 1건"));
  /* The control centre's and a team lead's view: each 동 side by side. */
  g_assert_cmpuint (anbu_stats_chart_get_n_dongs_drawn (chart), ==, 2);
  g_assert_nonnull (strstr (summary, "동별 위험신호: 역삼1동 8건, 역삼2동 5건"));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (shown)), ==, summary);
  gtk_test_accessible_assert_property (chart, GTK_ACCESSIBLE_PROPERTY_LABEL, "통계 차트");
  gtk_test_accessible_assert_property (chart, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, summary);

  export_chart (view, png_path, ANBU_STATS_CHART_FORMAT_PNG);
  texture = gdk_texture_new_from_filename (png_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, ANBU_STATS_CHART_EXPORT_WIDTH);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, ANBU_STATS_CHART_EXPORT_HEIGHT);
  /* The exported PNG beside the screenshots, for the report's readers. */
  {
    const char *build_dir = g_getenv ("ANBU_BUILD_DIR");
    g_autofree char *shots = g_build_filename (build_dir != NULL ? build_dir : ".", "screenshots", NULL);

    g_assert_cmpint (g_mkdir_with_parents (shots, 0755), ==, 0);
    copy = g_build_filename (shots, "statistics-charts-export-ko.png", NULL);
    g_assert_true (gdk_texture_save_to_png (texture, copy));
  }

  export_chart (view, pdf_path, ANBU_STATS_CHART_FORMAT_PDF);
  g_assert_true (g_file_get_contents (pdf_path, &pdf, &pdf_length, NULL));
  g_assert_cmpuint (pdf_length, >, 1000);
  g_assert_true (g_str_has_prefix (pdf, "%PDF-"));
  g_unlink (png_path);
  g_unlink (pdf_path);

  /* The charts alone, as a planner sees them. */
  anbu_test_save_screenshot (f->window, "statistics-charts-ko");
}

static void
test_statistics (Fixture      *f,
                 gconstpointer data)
{
  AnbuStatisticsView *view = ANBU_STATISTICS_VIEW (anbu_test_find_type (f->window, ANBU_TYPE_STATISTICS_VIEW));
  g_autofree char *dir = g_dir_make_tmp ("anbu-stats-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "figures.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *contents = NULL;
  gboolean exported = FALSE;
  const char *status;

  show_view (f, "statistics");
  set_answer (f, "/api/v1/stats?", stats_json);
  gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (f->window, "stats-from")), "2026-11-01");
  gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (f->window, "stats-to")), "2026-11-25");
  anbu_test_press (anbu_test_find_named (f->window, "stats-fetch"));
  g_assert_true (anbu_test_wait_until (has_table, view, 5000));
  g_assert_cmpuint (anbu_stats_table_get_n_rows (anbu_statistics_view_get_table (view)), ==, 5);
  g_assert_cmpint (anbu_stats_table_get_totals (anbu_statistics_view_get_table (view))->values[ANBU_STATS_COLUMN_PHONE_CHECKS], ==, 19);
  anbu_test_save_screenshot (f->window, "casework-statistics");
  anbu_test_assert_accessible_names (f->window, "statistics view");
  assert_charts (f, view, dir);

  anbu_statistics_view_export_async (view, file, NULL, export_done, &exported);
  g_assert_true (anbu_test_wait_until (is_true, &exported, 5000));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "\xEF\xBB\xBF기간,위험신호 가구,"));
  g_assert_nonnull (strstr (contents, "\r\n합계,6,13,19,1,1,2,1,1,3,1,0,0,0,0\r\n"));

  /* Offline: the last fetched figures, with their date. */
  set_online (f, FALSE);
  anbu_test_press (anbu_test_find_named (f->window, "stats-fetch"));
  g_assert_true (anbu_test_wait_until (is_offline, view, 5000));
  status = gtk_label_get_label (GTK_LABEL (anbu_test_find_named (f->window, "stats-status")));
  g_assert_nonnull (strstr (status, "오프라인"));
  g_assert_nonnull (strstr (status, "2026년 11월 25일"));
  g_assert_cmpuint (anbu_stats_table_get_n_rows (anbu_statistics_view_get_table (view)), ==, 5);

  /* A range that ends before it starts is refused before asking anyone. */
  {
    guint fetches = f->n_fetches;

    gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (f->window, "stats-to")), "2026-10-01");
    anbu_test_press (anbu_test_find_named (f->window, "stats-fetch"));
    g_assert_cmpuint (f->n_fetches, ==, fetches);
  }

  g_unlink (path);
  g_rmdir (dir);
}

/* As anbu-server answers GET /api/v1/households/{id}/series: hourly
 * buckets, a daily routine until 30 hours ago, then silence. */
static char *
series_json (void)
{
  GString *out = g_string_new (NULL);
  g_autofree char *from = ago (24 * 7);
  g_autofree char *to = ago (0);

  g_string_append_printf (out, "{\"household_id\": \"%s\", \"from\": \"%s\", \"to\": \"%s\", \"bucket\": 3600,"
                          " \"plugs\": [{\"serial\": \"PLG-0001\", \"appliance\": \"tv\", \"buckets\": [", H1, from, to);
  for (int h = 24 * 7; h >= 1; h--)
    {
      g_autofree char *ts = ago (h);
      int kst_hour = (((int) (now_usec / HOUR) - h) + 9) % 24;
      double watts = h > 30 ? ((kst_hour >= 7 && kst_hour <= 22) ? 60 + (h % 5) * 20 : 3) : 3;
      double lux = (kst_hour >= 7 && kst_hour <= 18) ? 300 - (kst_hour - 12) * (kst_hour - 12) * 6 : 5;

      if (h % 29 == 0)
        continue;  /* an hour without readings: left out, as the server does */
      g_string_append_printf (out, "%s{\"start\": \"%s\", \"count\": 60, \"watts\": {\"min\": 2, \"max\": %.1f, \"mean\": %.1f},"
                              " \"lux\": {\"min\": 1, \"max\": %.1f, \"mean\": %.1f}}", h == 24 * 7 ? "" : ",",
                              ts, watts, watts / 2, lux, lux);
    }
  g_string_append (out, "], \"events\": [");
  for (int h = 24 * 7, first = 1; h > 30; h -= 7, first = 0)
    {
      g_autofree char *ts = ago (h);
      g_string_append_printf (out, "%s{\"at\": \"%s\", \"kind\": \"power_on\", \"magnitude\": 55}", first ? "" : ",", ts);
    }
  g_string_append (out, "]}]}");
  return g_string_free (out, FALSE);
}

static gboolean
chart_from (gpointer data)
{
  gpointer *args = data;
  return g_strcmp0 (anbu_household_page_get_chart_source (args[0]), args[1]) == 0;
}

static void
test_household_page (Fixture      *f,
                     gconstpointer data)
{
  AnbuHouseholdsView *view = ANBU_HOUSEHOLDS_VIEW (anbu_test_find_type (f->window, ANBU_TYPE_HOUSEHOLDS_VIEW));
  AnbuHouseholdPage *page = ANBU_HOUSEHOLD_PAGE (anbu_test_find_type (f->window, ANBU_TYPE_HOUSEHOLD_PAGE));
  g_autofree char *series = series_json ();
  gpointer fresh[] = { page, (gpointer) "fresh" };
  gpointer cached[] = { page, (gpointer) "cached" };
  AnbuActivityChart *chart;
  g_autofree char *summary = NULL;
  gint64 t0;

  set_answer (f, "/api/v1/households/", series);
  show_view (f, "households");
  t0 = g_get_monotonic_time ();
  anbu_households_view_open_household (view, H1);
  g_assert_true (anbu_test_wait_until (chart_from, fresh, 5000));
  g_test_message ("household page with its chart: %.1f ms", (g_get_monotonic_time () - t0) / 1000.0);
  chart = ANBU_ACTIVITY_CHART (anbu_test_find_named (GTK_WIDGET (page), "household-chart"));
  g_assert_cmpuint (anbu_activity_chart_get_n_points (chart), ==, 24 * 7 - 5);  /* 5 empty hours left out */
  g_assert_cmpuint (anbu_activity_chart_get_n_events (chart), >, 10);
  summary = anbu_activity_chart_dup_summary (chart);
  g_assert_nonnull (strstr (summary, "7일"));
  anbu_test_save_screenshot (f->window, "casework-household");
  anbu_test_assert_accessible_names (f->window, "household page");
  /* A screen reader hears the chart's name and its summary. */
  gtk_test_accessible_assert_property (chart, GTK_ACCESSIBLE_PROPERTY_LABEL, "활동 차트");
  gtk_test_accessible_assert_property (chart, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, summary);

  /* Offline: the cached chart, said so. */
  set_online (f, FALSE);
  anbu_households_view_open_household (view, H1);
  g_assert_true (anbu_test_wait_until (chart_from, cached, 5000));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (anbu_test_find_named (GTK_WIDGET (page), "household-chart-summary"))),
                            "오프라인"));
  /* ... and so does the chart's description (the page built a new chart). */
  chart = ANBU_ACTIVITY_CHART (anbu_test_find_named (GTK_WIDGET (page), "household-chart"));
  gtk_test_accessible_assert_property (chart, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       gtk_label_get_label (GTK_LABEL (anbu_test_find_named (GTK_WIDGET (page), "household-chart-summary"))));
  anbu_test_assert_accessible_names (f->window, "household page offline");
}

static gboolean label_with_text (GtkWidget  *root,
                                 const char *text);

static AnbuHouseholdRow *
find_household_row (GtkWidget  *root,
                    const char *household_id)
{
  if (ANBU_IS_HOUSEHOLD_ROW (root) && gtk_widget_get_mapped (root))
    {
      AnbuHouseholdSummary *summary = anbu_household_row_get_summary (ANBU_HOUSEHOLD_ROW (root));

      if (summary != NULL && g_strcmp0 (anbu_household_summary_get_id (summary), household_id) == 0)
        return ANBU_HOUSEHOLD_ROW (root);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AnbuHouseholdRow *row = find_household_row (child, household_id);

      if (row != NULL)
        return row;
    }
  return NULL;
}

static gboolean
h7_row_flagged (gpointer data)
{
  AnbuHouseholdRow *row = find_household_row (data, H7);

  return row != NULL && g_str_has_prefix (anbu_household_row_get_detail (row), "번호 확인 필요");
}

static gboolean
h7_row_not_flagged (gpointer data)
{
  AnbuHouseholdRow *row = find_household_row (data, H7);

  return row != NULL && !g_str_has_prefix (anbu_household_row_get_detail (row), "번호 확인 필요");
}

static gboolean
page_asks_about_numbers (gpointer data)
{
  GtkWidget *group = anbu_test_find_named (data, "household-bad-numbers");

  return group != NULL && gtk_widget_get_mapped (group);
}

static gboolean
page_does_not_ask (gpointer data)
{
  return anbu_test_find_named (data, "household-bad-numbers") == NULL
         && anbu_test_find_named (data, "household-chart") != NULL;
}

static AnbuCaseFormDialog *
contacts_form (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ANBU_IS_CASE_FORM_DIALOG (window)
          && anbu_case_form_dialog_get_form (ANBU_CASE_FORM_DIALOG (window)) == ANBU_CASE_FORM_EDIT_CONTACTS
          && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return ANBU_CASE_FORM_DIALOG (window);
    }
  return NULL;
}

static gboolean
contacts_form_open (gpointer data)
{
  return contacts_form () != NULL;
}

/* A number that failed twice (wrong, then not in service) is flagged on the
 * households list and the household page, which asks the planner to
 * confirm or correct it; confirming clears the flag (issue 17). */
static void
test_bad_number_flag (Fixture      *f,
                      gconstpointer data)
{
  AnbuHouseholdsView *view = ANBU_HOUSEHOLDS_VIEW (anbu_test_find_type (f->window, ANBU_TYPE_HOUSEHOLDS_VIEW));
  AnbuHouseholdPage *page = ANBU_HOUSEHOLD_PAGE (anbu_test_find_type (f->window, ANBU_TYPE_HOUSEHOLD_PAGE));
  GtkWidget *group;
  JsonObject *p;

  show_view (f, "households");
  g_assert_true (anbu_test_wait_until (h7_row_not_flagged, f->window, 5000));
  for (guint i = 0; i < 2; i++)
    {
      AnbuCaseFormDialog *dialog = open_form (f, ANBU_CASE_FORM_CONTACT, H7, NULL);

      /* The number called starts as the resident's own. */
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (anbu_case_form_dialog_get_input (dialog, "phone"))),
                       ==, "010-4444-5555");
      choose (dialog, "outcome", i == 0 ? 2 : 7);  /* wrong number, then not in service */
      press_save (dialog);
      p = wait_for_change (f, i, "contact.create");
      g_assert_cmpstr (json_object_get_string_member (p, "phone"), ==, "010-4444-5555");
      g_assert_cmpstr (json_object_get_string_member (p, "outcome"), ==, i == 0 ? "wrong_number" : "not_in_service");
      /* Once is not yet a pattern. */
      if (i == 0)
        g_assert_true (anbu_test_wait_until (h7_row_not_flagged, f->window, 5000));
    }
  g_assert_true (anbu_test_wait_until (h7_row_flagged, f->window, 10000));
  g_test_message ("row: %s", anbu_household_row_get_detail (find_household_row (f->window, H7)));

  anbu_households_view_open_household (view, H7);
  g_assert_true (anbu_test_wait_until (page_asks_about_numbers, page, 5000));
  group = anbu_test_find_named (GTK_WIDGET (page), "household-bad-numbers");
  g_assert_true (label_with_text (group, "010-4444-5555 (본인)"));
  g_assert_true (label_with_text (group, "2번 연결 실패: 잘못된 번호·결번"));
  anbu_test_save_screenshot (f->window, "casework-household-bad-number-ko");
  /* The page itself: the forms' toasts have their own close buttons. */
  anbu_test_assert_accessible_names (GTK_WIDGET (page), "household page with a bad number");

  /* "고치기…" opens the contacts form for this household. */
  anbu_test_press_named (GTK_WIDGET (page), "bad-number-correct");
  g_assert_true (anbu_test_wait_until (contacts_form_open, NULL, 5000));
  {
    AnbuCaseFormDialog *form = contacts_form ();

    g_assert_cmpstr (anbu_case_form_dialog_get_household_id (form), ==, H7);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (anbu_case_form_dialog_get_input (form, "phone"))),
                     ==, "010-4444-5555");
    gtk_window_destroy (GTK_WINDOW (form));
  }

  /* The planner checked: the number is right. (The page may have been
   * rebuilt since, by a sync or the chart: look the button up again.) */
  anbu_test_press_named (GTK_WIDGET (page), "bad-number-confirm");
  p = wait_for_change (f, 2, "contact.create");
  g_assert_cmpstr (json_object_get_string_member (p, "outcome"), ==, "number_confirmed");
  g_assert_cmpstr (json_object_get_string_member (p, "phone"), ==, "010-4444-5555");
  g_assert_cmpstr (json_object_get_string_member (p, "household_id"), ==, H7);
  g_assert_true (anbu_test_wait_until (page_does_not_ask, page, 10000));
  /* Back on the list, the row no longer asks either. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "household.back", NULL));
  anbu_test_wait_drawn (f->window);
  g_assert_true (anbu_test_wait_until (h7_row_not_flagged, f->window, 10000));
}

static gboolean
label_with_text (GtkWidget  *root,
                 const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (label_with_text (child, text))
      return TRUE;
  return FALSE;
}

static guint
alerts_badge (Fixture *f)
{
  AdwViewStack *stack = ADW_VIEW_STACK (anbu_test_find_type (f->window, ADW_TYPE_VIEW_STACK));

  return adw_view_stack_page_get_badge_number (adw_view_stack_get_page (stack, adw_view_stack_get_child_by_name (stack, "alerts")));
}

static gboolean
has_items (gpointer array)
{
  return ((GPtrArray *) array)->len > 0;
}

static gboolean
page_shows (gpointer data)
{
  gpointer *pair = data;

  return g_strcmp0 (anbu_household_page_get_household_id (pair[0]), pair[1]) == 0
         && gtk_widget_get_mapped (pair[0]);
}

/* A new 위험 signal arriving by sync: a toast in the window, a desktop notification whose
 * action opens the household, and the Alerts tab counts what nobody acknowledged yet. The
 * signals already there at sign-in are not announced again; a 관심 signal is not news. */
static void
test_new_signal_announced (Fixture      *f,
                           gconstpointer data)
{
  GPtrArray *notified = anbu_test_get_notifications ();
  g_autoptr(GAsyncResult) pulled = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *quiet = ago (26);
  g_autofree char *raised = ago (0.1);
  g_autofree char *body = NULL;
  AnbuHouseholdPage *page = ANBU_HOUSEHOLD_PAGE (anbu_test_find_type (f->window, ANBU_TYPE_HOUSEHOLD_PAGE));
  gpointer shows[2] = { page, H7 };

  /* A1 (위험) and A2 (심각) are open and unacknowledged; A3 is 관심. Nothing was announced
   * at sign-in. */
  g_assert_cmpuint (alerts_badge (f), ==, 3);
  g_ptr_array_set_size (notified, 0);

  body = g_strdup_printf ("{\"changes\": [{\"kind\": \"alert\", \"op\": \"upsert\", \"id\": \"%s\", \"record\":"
                          " {\"id\": \"%s\", \"household_id\": \"%s\", \"kind\": \"inactivity\", \"level\": \"risk\","
                          " \"quiet_since\": \"%s\", \"raised_at\": \"%s\", \"responder\": \"dong\", \"state\": \"open\","
                          " \"detail\": \"26시간째 변화 없음\", \"version\": 1}}], \"cursor\": \"c2\", \"has_more\": false}",
                          "a0000000-0000-4000-8000-000000000007", "a0000000-0000-4000-8000-000000000007", H7,
                          quiet, raised);
  bytes = g_bytes_new (body, strlen (body));
  ANBU_TEST_AWAIT (pulled, anbu_replica_apply_pull_async (f->replica, bytes, NULL, anbu_test_ready_cb, &pulled));
  anbu_replica_apply_pull_finish (f->replica, pulled, NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (anbu_test_wait_until (has_items, notified, 10000));
  g_assert_true (anbu_test_wait_until (casework_loaded, f->casework, 5000));
  g_assert_cmpuint (notified->len, ==, 1);
  g_assert_cmpstr (notified->pdata[0], ==, "signal-a0000000-0000-4000-8000-000000000007");
  anbu_test_wait_drawn (f->window);
  g_assert_true (label_with_text (f->window, "새 위험 신호: Anna Kim"));
  g_assert_cmpuint (alerts_badge (f), ==, 4);

  /* The notification's action opens the household's page. */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "open-household", g_variant_new_string (H7));
  g_assert_true (anbu_test_wait_until (page_shows, shows, 5000));
}

static gboolean
plug_learned (gpointer casework)
{
  AnbuPlug *plug = anbu_casework_find_installed_plug (casework, H7);

  return casework_loaded (casework) && plug != NULL && plug->activity_learned_text != NULL;
}

/* The plug of H7 as the server publishes it once its detector learned a timer lamp. */
static void
pull_learned_plug (Fixture    *f,
                   const char *learned)
{
  g_autoptr(GAsyncResult) pulled = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *installed = ago (2000);
  g_autofree char *seen = ago (0.1);
  g_autofree char *activity = ago (3);
  g_autofree char *body = NULL;

  body = g_strdup_printf ("{\"changes\": [{\"kind\": \"plug\", \"op\": \"upsert\", \"id\": \"PLG-0007\", \"record\":"
                          " {\"serial\": \"PLG-0007\", \"household_id\": \"%s\", \"appliance\": \"lamp\","
                          " \"installed_at\": \"%s\", \"state\": \"installed\", \"last_seen_at\": \"%s\","
                          " \"last_watts\": 3.5, \"last_lux\": 40, \"last_activity_at\": \"%s\","
                          " \"activity_learned_text\": \"%s\", \"version\": 2}}],"
                          " \"cursor\": \"c2\", \"has_more\": false}", H7, installed, seen, activity, learned);
  bytes = g_bytes_new (body, strlen (body));
  ANBU_TEST_AWAIT (pulled, anbu_replica_apply_pull_async (f->replica, bytes, NULL, anbu_test_ready_cb, &pulled));
  anbu_replica_apply_pull_finish (f->replica, pulled, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (anbu_test_wait_until (plug_learned, f->casework, 5000));
}

/* What the server's detector learned to leave out of activity (a timer lamp here) is on the
 * household page, in the planner's words. */
static void
test_household_page_shows_machine_patterns (Fixture      *f,
                                            gconstpointer data)
{
  AnbuHouseholdPage *page = ANBU_HOUSEHOLD_PAGE (anbu_test_find_type (f->window, ANBU_TYPE_HOUSEHOLD_PAGE));
  gpointer shows[2] = { page, H7 };
  const char *learned = "매일 19:00 켜짐·23:00 꺼짐: 타이머로 판단, 활동에서 제외";

  pull_learned_plug (f, learned);
  anbu_window_open_household (ANBU_WINDOW (f->window), H7);
  g_assert_true (anbu_test_wait_until (page_shows, shows, 5000));
  anbu_test_wait_drawn (f->window);
  g_assert_true (label_with_text (GTK_WIDGET (page), "활동에서 제외"));
  g_assert_true (label_with_text (GTK_WIDGET (page), learned));
}

static gboolean
plug_marked_person (gpointer casework)
{
  AnbuPlug *plug = anbu_casework_find_installed_plug (casework, H7);

  return casework_loaded (casework) && plug != NULL && plug->activity_mark == ANBU_ACTIVITY_MARK_PERSON;
}

/* The planner says the learned timer is the resident's own habit: the choice on the household
 * page is a plug.mark change in the outbox (it reaches the server with the next sync), the page
 * shows the mark from the planner's copy at once, and the keyboard focus stays on the control. */
static void
test_household_page_marks_pattern (Fixture      *f,
                                   gconstpointer data)
{
  AnbuHouseholdPage *page = ANBU_HOUSEHOLD_PAGE (anbu_test_find_type (f->window, ANBU_TYPE_HOUSEHOLD_PAGE));
  gpointer shows[2] = { page, H7 };
  GtkWidget *row;
  JsonObject *p;

  pull_learned_plug (f, "매일 19:00 켜짐·23:00 꺼짐: 타이머로 판단, 활동에서 제외");
  anbu_window_open_household (ANBU_WINDOW (f->window), H7);
  g_assert_true (anbu_test_wait_until (page_shows, shows, 5000));
  anbu_test_wait_drawn (f->window);

  row = anbu_test_find_named (GTK_WIDGET (page), "plug-activity-mark");
  g_assert_nonnull (row);
  g_assert_true (label_with_text (row, "학습된 켜짐·꺼짐의 주체"));
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, ANBU_ACTIVITY_MARK_AUTO);
  g_assert_true (label_with_text (row, "감지기가 판단"));
  /* Reachable by keyboard. */
  g_assert_true (gtk_widget_get_focusable (row));
  g_assert_true (gtk_widget_grab_focus (row));

  adw_combo_row_set_selected (ADW_COMBO_ROW (row), ANBU_ACTIVITY_MARK_PERSON);
  p = wait_for_change (f, 0, "plug.mark");
  g_assert_cmpstr (json_object_get_string_member (p, "serial"), ==, "PLG-0007");
  g_assert_cmpstr (json_object_get_string_member (p, "mark"), ==, "person");

  g_assert_true (anbu_test_wait_until (plug_marked_person, f->casework, 5000));
  g_assert_true (anbu_test_wait_until (casework_loaded, f->casework, 5000));
  anbu_test_wait_drawn (f->window);
  row = anbu_test_find_named (GTK_WIDGET (page), "plug-activity-mark");
  g_assert_nonnull (row);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, ANBU_ACTIVITY_MARK_PERSON);
  g_assert_true (label_with_text (row, "사람"));
  {
    GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (row));

    g_assert_true (focus == row || (focus != NULL && gtk_widget_is_ancestor (focus, row)));
  }
  /* Choosing the same again is no new change. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), ANBU_ACTIVITY_MARK_PERSON);
  {
    g_autoptr(GPtrArray) entries = read_outbox (f);

    g_assert_cmpuint (entries->len, ==, 1);
  }
}

/* After sign-out nothing of the caseload stays on screen. */
static gboolean
window_locked (gpointer window)
{
  return anbu_window_get_locked (window);
}

static gboolean
window_unlocked (gpointer window)
{
  return !anbu_window_get_locked (window);
}

/* As the real account does: the caseload leaves the views while locked. */
static void
on_locked_changed (GtkWidget *window,
                   GParamSpec *pspec,
                   Fixture    *f)
{
  anbu_context_set_casework (anbu_application_get_context (f->app),
                             anbu_window_get_locked (ANBU_WINDOW (window)) ? NULL : f->casework);
}

static void
unlock (Fixture *f)
{
  gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (f->window, "unlock-password")), "correct horse");
  anbu_test_press (anbu_test_find_named (f->window, "unlock-button"));
  g_assert_true (anbu_test_wait_until (window_unlocked, f->window, 5000));
  anbu_test_wait_drawn (f->window);
}

static const char *
lock_description (Fixture *f)
{
  GtkWidget *lock_screen = anbu_test_find_type (f->window, ANBU_TYPE_LOCK_SCREEN);
  AdwStatusPage *page = ADW_STATUS_PAGE (anbu_test_find_type (lock_screen, ADW_TYPE_STATUS_PAGE));

  return adw_status_page_get_description (page);
}

/* The lock screen says who locked it, takes the password at once, and
 * unlocking goes back to where the planner was. */
static void
test_lock_returns_to_place (Fixture      *f,
                            gconstpointer data)
{
  AdwViewStack *views = ADW_VIEW_STACK (anbu_test_find_type (f->window, ADW_TYPE_VIEW_STACK));
  GtkWidget *password = anbu_test_find_named (f->window, "unlock-password");
  GtkWidget *page;
  GtkWidget *focus;

  g_signal_connect (f->window, "notify::locked", G_CALLBACK (on_locked_changed), f);

  /* 박정희's page is open; Ctrl+L. */
  anbu_window_open_household (ANBU_WINDOW (f->window), H2);
  anbu_test_wait_drawn (f->window);
  gtk_widget_grab_focus (anbu_test_find_named (f->window, "search-button"));
  g_assert_false (anbu_window_get_locked (ANBU_WINDOW (f->window)));
  g_assert_true (gtk_widget_activate_action (f->window, "win.lock", NULL));
  g_assert_true (anbu_window_get_locked (ANBU_WINDOW (f->window)));
  anbu_test_wait_drawn (f->window);
  g_test_message ("%s (reason %d)", lock_description (f),
                  anbu_lock_screen_get_reason (ANBU_LOCK_SCREEN (anbu_test_find_type (f->window, ANBU_TYPE_LOCK_SCREEN))));
  g_assert_nonnull (strstr (lock_description (f), "직접 잠가서"));
  g_assert_null (strstr (lock_description (f), "한동안"));
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_nonnull (focus);
  g_assert_true (focus == password || gtk_widget_is_ancestor (focus, password));
  anbu_test_save_screenshot (f->window, "locked-by-planner");

  unlock (f);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (views), ==, "households");
  page = anbu_test_find_type (f->window, ANBU_TYPE_HOUSEHOLD_PAGE);
  g_assert_true (gtk_widget_get_mapped (page));
  g_assert_cmpstr (anbu_household_page_get_household_id (ANBU_HOUSEHOLD_PAGE (page)), ==, H2);

  /* On the Visits view, left alone until the idle time locks it. */
  adw_view_stack_set_visible_child_name (views, "visits");
  anbu_idle_monitor_set_timeout (anbu_window_get_idle_monitor (ANBU_WINDOW (f->window)), 300);
  anbu_clock_advance (anbu_clock_get_default (), 300 * 1000);
  g_assert_true (anbu_test_wait_until (window_locked, f->window, 5000));
  anbu_test_wait_drawn (f->window);
  g_test_message ("%s", lock_description (f));
  g_assert_nonnull (strstr (lock_description (f), "한동안 쓰지 않아"));
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_true (focus == password || gtk_widget_is_ancestor (focus, password));
  anbu_idle_monitor_set_timeout (anbu_window_get_idle_monitor (ANBU_WINDOW (f->window)), 600 * 1000);
  unlock (f);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (views), ==, "visits");
}

static void
test_detach (Fixture      *f,
             gconstpointer data)
{
  AnbuAlertsView *alerts = ANBU_ALERTS_VIEW (anbu_test_find_type (f->window, ANBU_TYPE_ALERTS_VIEW));
  AnbuHouseholdsView *households = ANBU_HOUSEHOLDS_VIEW (anbu_test_find_type (f->window, ANBU_TYPE_HOUSEHOLDS_VIEW));
  AnbuVisitsView *visits = ANBU_VISITS_VIEW (anbu_test_find_type (f->window, ANBU_TYPE_VISITS_VIEW));
  g_auto(GStrv) ids = NULL;

  g_assert_cmpuint (anbu_alerts_view_get_n_rows (alerts), ==, 3);
  anbu_context_set_casework (anbu_application_get_context (f->app), NULL);
  anbu_test_wait_drawn (f->window);
  g_assert_cmpuint (anbu_alerts_view_get_n_rows (alerts), ==, 0);
  g_assert_null (anbu_households_view_get_model (households));
  ids = anbu_visits_view_dup_household_ids (visits);
  g_assert_cmpuint (g_strv_length (ids), ==, 0);
  /* And attaching again brings it back. */
  anbu_context_set_casework (anbu_application_get_context (f->app), f->casework);
  g_assert_cmpuint (anbu_alerts_view_get_n_rows (alerts), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (anbu_households_view_get_model (households)), ==, 7);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GDateTime) now = NULL;

  anbu_test_init (&argc, &argv);
  install_full_disk_vfs ();
  now = anbu_timestamp_parse (NULL, NOW_ISO, NULL);
  now_usec = anbu_timestamp_from_date_time (now);

#define ADD(path, func) g_test_add ("/anbu/ui/casework/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("households-search-and-filters", test_households_search_and_filters);
  ADD ("alerts-order-and-acknowledge", test_alerts_order_and_acknowledge);
  ADD ("alert-at-night-waits", test_alert_at_night_waits);
  ADD ("form-visit", test_form_visit);
  ADD ("form-contact", test_form_contact);
  ADD ("form-time-of-record", test_form_time_of_record);
  ADD ("form-absence", test_form_absence);
  ADD ("form-install-plug", test_form_install_plug);
  ADD ("form-disk-full", test_form_disk_full);
  ADD ("form-replace-and-remove-plug", test_form_replace_and_remove_plug);
  ADD ("form-edit-household", test_form_edit_household);
  ADD ("form-household-removed-by-sync", test_form_household_removed_by_sync);
  ADD ("form-close-and-resolve", test_form_close_and_resolve);
  ADD ("form-resolve-dispatched", test_form_resolve_dispatched);
  ADD ("visits-due", test_visits_due);
  ADD ("statistics", test_statistics);
  ADD ("household-page", test_household_page);
  ADD ("bad-number-flag", test_bad_number_flag);
  ADD ("detach-on-sign-out", test_detach);
  ADD ("lock-returns-to-place", test_lock_returns_to_place);
  ADD ("new-signal-announced", test_new_signal_announced);
  ADD ("household-page-shows-machine-patterns", test_household_page_shows_machine_patterns);
  ADD ("household-page-marks-pattern", test_household_page_marks_pattern);

  return g_test_run ();
}
