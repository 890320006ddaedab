/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Households view shows what the plugs report now: the app signed in to the real
 * anbu-server, a gateway sends readings for the household's plug, and the row turns
 * 온라인 with a recent last activity through the live channel. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "anbu-clock.h"
#include "anbu-casework.h"
#include "anbu-client-account.h"
#include "anbu-household-row.h"
#include "anbu-households-view.h"
#include "anbu-case-store.h"
#include "anbu-test-server.h"
#include "anbu-test-util.h"
#include "anbu-window.h"

#define PASSWORD "correct horse battery"
#define ADMIN_PASSWORD "admin password 1234"
#define DONG "1111051500"
#define SERIAL "PLG-0001"
#define WAIT_MS (20 * 1000)
/* Live frames come at most every 10 s per plug; the row follows within about a second. */
#define LIVE_WAIT_MS (15 * 1000)

typedef struct
{
  AnbuTestServer *server;
  char *household_id;
  char *gateway_token;
  char *admin_token;
  gint64 clock_s;      /* the server's manual clock, unix seconds */
  gint64 sent_from;    /* µs UTC: the first reading's time */
  char *data_dir;
  AnbuApplication *app;
  AnbuClientAccount *account;
  GtkWidget *window;
} Fixture;

static Fixture fx;

static char *
iso_time (gint64 unix_seconds)
{
  g_autoptr (GDateTime) t = g_date_time_new_from_unix_utc (unix_seconds);

  return g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ");
}

static void
fixture_set_up (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AnbuTestResponse) response = NULL;
  g_autoptr (AnbuTestResponse) push_response = NULL;
  g_autofree char *csv_path = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *admin_id = NULL;
  g_autofree char *clock = NULL;
  g_autofree char *planner_id = NULL;
  g_autofree char *planner_token = NULL;
  g_autofree char *mutation_id = g_uuid_string_random ();
  g_autofree char *installed_at = iso_time (anbu_clock_now_seconds () - 86400);
  g_autofree char *batch = NULL;
  JsonArray *results;

  /* The test's manual clock: readings are current, and a tick runs the
   * server's pass that copies the live fields into the plug record. */
  fx.clock_s = anbu_clock_now_seconds ();
  clock = iso_time (fx.clock_s);
  {
    const char *args[] = { "--manual-clock", clock, "--token-lifetime", "31536000", NULL };

    fx.server = anbu_test_server_new (args);
  }
  planner_id = anbu_test_server_add_user (fx.server, "planner", "planner", DONG, PASSWORD);
  admin_id = anbu_test_server_add_user (fx.server, "admin", "admin", NULL, ADMIN_PASSWORD);
  fx.household_id = g_uuid_string_random ();
  csv = g_strdup_printf ("id,dong_code,name,phone,address,lat,lon\n"
                         "%s,%s,김영희,010-1234-5678,서울특별시 종로구 자하문로 12,37.5800,126.9690\n",
                         fx.household_id, DONG);
  csv_path = g_build_filename (fx.server->dir, "seed.csv", NULL);
  g_assert_true (g_file_set_contents (csv_path, csv, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (anbu_test_server_cli (fx.server, NULL, &out, &err, "import", "households",
                                         "--csv", csv_path, NULL), ==, 0);

  planner_token = anbu_test_server_sign_in (fx.server, "planner", PASSWORD);
  batch = g_strdup_printf ("[{\"id\": \"%s\", \"kind\": \"plug.install\", \"payload\": {\"serial\": \"%s\","
                           " \"household_id\": \"%s\", \"appliance\": \"tv\", \"installed_at\": \"%s\"}}]",
                           mutation_id, SERIAL, fx.household_id, installed_at);
  results = anbu_test_push (fx.server, planner_token, batch, &push_response);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "status"),
                   ==, "applied");

  fx.admin_token = anbu_test_server_sign_in (fx.server, "admin", ADMIN_PASSWORD);
  response = anbu_test_request (fx.server, "POST", "/api/v1/admin/gateways", fx.admin_token,
                                "{\"name\": \"test gateway\"}");
  g_assert_cmpuint (response->status, ==, 201);
  fx.gateway_token = g_strdup (json_object_get_string_member (anbu_test_response_object (response), "token"));

  fx.data_dir = g_dir_make_tmp ("anbu-ui-live-XXXXXX", &error);
  g_assert_no_error (error);
  fx.app = anbu_test_application_new ();
  fx.account = anbu_client_account_new (fx.data_dir);
  anbu_session_set_kdf_cost (anbu_client_account_get_session (fx.account), 1, 8192);
  fx.window = GTK_WIDGET (anbu_window_new (GTK_APPLICATION (fx.app), ANBU_ACCOUNT (fx.account)));
  gtk_window_set_default_size (GTK_WINDOW (fx.window), 1100, 720);
  gtk_window_present (GTK_WINDOW (fx.window));
  anbu_test_wait_drawn (fx.window);
}

static void
remove_tree (const char *dir)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
fixture_tear_down (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, 0);

      gtk_window_destroy (window);
    }
  g_clear_object (&fx.account);
  g_clear_object (&fx.app);
  remove_tree (fx.data_dir);
  g_free (fx.data_dir);
  g_free (fx.household_id);
  g_free (fx.gateway_token);
  g_free (fx.admin_token);
  anbu_test_server_free (fx.server);
}

static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget)
      && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text))
      return TRUE;
  return FALSE;
}

static AnbuHouseholdRow *
household_row (void)
{
  GtkWidget *view = anbu_test_find_type (fx.window, ANBU_TYPE_HOUSEHOLDS_VIEW);

  return view != NULL ? ANBU_HOUSEHOLD_ROW (anbu_test_find_type (view, ANBU_TYPE_HOUSEHOLD_ROW)) : NULL;
}

static gboolean
row_shows (gpointer text)
{
  AnbuHouseholdRow *row = household_row ();

  return row != NULL && anbu_household_row_get_summary (row) != NULL
         && shows_text (GTK_WIDGET (row), "김영희") && shows_text (GTK_WIDGET (row), text);
}

static gboolean
row_online_with_recent_activity (gpointer data)
{
  gint64 sent_from = *(gint64 *) data;
  AnbuHouseholdRow *row = household_row ();
  const AnbuHouseholdFacts *facts;

  if (row == NULL || anbu_household_row_get_summary (row) == NULL)
    return FALSE;
  facts = anbu_household_summary_get_facts (anbu_household_row_get_summary (row));
  return !facts->plug_offline && facts->last_activity_at >= sent_from
         && shows_text (GTK_WIDGET (row), "온라인") && shows_text (GTK_WIDGET (row), "마지막 활동");
}

/* Ten minutes of readings up to now: standby, then the TV on (activity). */
static void
send_readings (gint64 now_s)
{
  g_autoptr (GString) body = g_string_new ("{\"readings\": [");
  g_autoptr (AnbuTestResponse) response = NULL;

  for (int i = 10; i >= 0; i--)
    {
      g_autofree char *ts = iso_time (now_s - i * 60);

      g_string_append_printf (body, "%s{\"serial\": \"%s\", \"ts\": \"%s\", \"watts\": %.1f, \"lux\": %.1f}",
                              i == 10 ? "" : ",", SERIAL, ts, i > 5 ? 1.5 : 85.0, i > 5 ? 5.0 : 180.0);
    }
  g_string_append (body, "]}");
  response = anbu_test_request (fx.server, "POST", "/api/v1/telemetry", fx.gateway_token, body->str);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (anbu_test_response_object (response), "accepted"), ==, 11);
}

static void
test_row_goes_online (void)
{
  gint64 now_s = fx.clock_s;
  gint64 *sent_from = &fx.sent_from;

  fx.sent_from = (now_s - 10 * 60) * G_USEC_PER_SEC;

  gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (fx.window, "server-entry")), fx.server->url);
  gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (fx.window, "username-entry")), "planner");
  gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (fx.window, "password-entry")), PASSWORD);
  anbu_test_press (anbu_test_find_named (fx.window, "sign-in-button"));
  g_assert_true (anbu_test_wait_until ((gboolean (*) (gpointer)) anbu_window_get_signed_in, fx.window, WAIT_MS));
  g_assert_true (gtk_widget_activate_action (fx.window, "win.show-view", "s", "households"));

  /* A plug that never reported: its link is 연결 끊김 (po/glossary.tsv), nothing recorded. */
  g_assert_true (anbu_test_wait_until (row_shows, (gpointer) "연결 끊김", WAIT_MS));
  g_assert_true (shows_text (GTK_WIDGET (household_row ()), "활동 기록 없음"));

  send_readings (now_s);
  g_assert_true (anbu_test_wait_until (row_online_with_recent_activity, sent_from, LIVE_WAIT_MS));
  anbu_test_wait_drawn (fx.window);
  anbu_test_save_screenshot (fx.window, "households-live");
}

static gboolean
summary_online (gpointer data)
{
  AnbuCasework *casework = data;
  AnbuHouseholdSummary *summary = anbu_household_index_lookup (anbu_casework_get_index (casework),
                                                               fx.household_id);
  const AnbuHouseholdFacts *facts = summary != NULL ? anbu_household_summary_get_facts (summary) : NULL;

  return facts != NULL && !facts->plug_offline && facts->last_activity_at >= fx.sent_from;
}

/* Offline viewing: once the server has copied the plug's live fields into its record
 * (its pass, here a tick), the pulled record alone, without any live frame, shows the
 * household online with its last activity. */
static void
test_synced_fields_without_live (void)
{
  AnbuSession *session = anbu_client_account_get_session (fx.account);
  g_autofree char *tick_at = iso_time (fx.clock_s + 60);
  g_autofree char *body = g_strdup_printf ("{\"now\": \"%s\"}", tick_at);
  g_autoptr (AnbuTestResponse) response = NULL;
  g_autoptr (AnbuCaseStore) store = NULL;
  g_autoptr (AnbuCasework) casework = NULL;

  g_assert_cmpint (fx.sent_from, >, 0);
  response = anbu_test_request (fx.server, "POST", "/api/v1/admin/tick", fx.admin_token, body);
  g_assert_cmpuint (response->status, ==, 200);

  /* A casework over the same replica that hears no live frames. */
  g_assert_nonnull (anbu_session_get_replica (session));
  store = anbu_case_store_new (anbu_session_get_replica (session), NULL);
  casework = anbu_casework_new (ANBU_CASE_STORE (store));
  anbu_test_set_now ((fx.clock_s + 60) * G_USEC_PER_SEC);
  g_assert_true (anbu_test_wait_until (summary_online, casework, WAIT_MS));
}

int
main (int argc, char *argv[])
{
  int status;

  anbu_test_init (&argc, &argv);
  if (g_getenv ("ANBU_SERVER") == NULL)
    {
      g_print ("1..0 # SKIP ANBU_SERVER is not set\n");
      return 0;
    }
  g_test_add_func ("/anbu/ui/households-live/row-goes-online", test_row_goes_online);
  g_test_add_func ("/anbu/ui/households-live/synced-fields-without-live", test_synced_fields_without_live);

  fixture_set_up ();
  status = g_test_run ();
  fixture_tear_down ();
  return status;
}
