/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The control centre's wall board (상황판) against a real anbu-server
 * (127.0.0.1, port 0): a new signal appears with its notification and its
 * sound (heard through a test sink), the sound switch, counts per level and
 * per 구/동, taking a case ("내가 처리 중") while another operator takes
 * another, the refusal when both want the same one, full screen (F11), the
 * live channel's state when the server goes away and comes back, and
 * screenshots of the board in Korean. */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "anbu-board-item.h"
#include "anbu-board-row.h"
#include "anbu-case-store.h"
#include "anbu-casework.h"
#include "anbu-clock.h"
#include "anbu-live-channel.h"
#include "anbu-test-desk.h"
#include "anbu-wall-board.h"
#include "anbu-window.h"

#define PASSWORD "correct horse battery"
#define DONG "1168064000"
#define H1 "00000000-0000-4000-8000-0000000000b1"
#define H2 "00000000-0000-4000-8000-0000000000b2"
#define H3 "00000000-0000-4000-8000-0000000000b3"
#define A1 "00000000-0000-4000-8000-0000000000c1"
#define A2 "00000000-0000-4000-8000-0000000000c2"
#define A3 "00000000-0000-4000-8000-0000000000c3"
#define A4 "00000000-0000-4000-8000-0000000000c4"

/* The test's sound sink: counts what the app asked to play. */
#define TEST_TYPE_SOUND_SINK (test_sound_sink_get_type ())
G_DECLARE_FINAL_TYPE (TestSoundSink, test_sound_sink, TEST, SOUND_SINK, GObject)

struct _TestSoundSink
{
  GObject  parent_instance;
  GArray  *levels;   /* AnbuAlertLevel, in order played */
};

static void test_sound_sink_iface_init (AnbuAlertSoundInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestSoundSink, test_sound_sink, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ANBU_TYPE_ALERT_SOUND, test_sound_sink_iface_init))

static void
test_sound_sink_play (AnbuAlertSound *sound,
                      AnbuAlertLevel  level)
{
  g_array_append_val (TEST_SOUND_SINK (sound)->levels, level);
}

static void
test_sound_sink_iface_init (AnbuAlertSoundInterface *iface)
{
  iface->play = test_sound_sink_play;
}

static void
test_sound_sink_finalize (GObject *object)
{
  g_array_unref (TEST_SOUND_SINK (object)->levels);
  G_OBJECT_CLASS (test_sound_sink_parent_class)->finalize (object);
}

static void
test_sound_sink_class_init (TestSoundSinkClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_sound_sink_finalize;
}

static void
test_sound_sink_init (TestSoundSink *self)
{
  self->levels = g_array_new (FALSE, FALSE, sizeof (AnbuAlertLevel));
}

typedef struct
{
  AnbuTestServer  *server;
  char            *token;        /* control-a: the operator at this screen */
  char            *operator_id;
  char            *token_b;      /* control-b: another operator elsewhere */
  char            *dir;
  AnbuReplica     *replica;
  AnbuCaseStore   *store;
  AnbuCasework    *casework;
  AnbuApiClient   *api;
  AnbuLiveChannel *live;
  GtkWidget       *window;
  AnbuWallBoard   *board;
  AnbuApplication *app;
  AnbuTestAccount *account;
  TestSoundSink   *sink;
} Fixture;

static char *
household_json (const char *id,
                const char *name,
                const char *dong_code,
                const char *dong_name,
                const char *address)
{
  return g_strdup_printf ("{\"id\": \"%s\", \"dong_code\": \"%s\", \"dong_name\": \"%s\", \"name\": \"%s\","
                          " \"phone\": \"010-1234-5678\", \"address\": \"%s\", \"threshold_hours\": 24,"
                          " \"night_consent\": true, \"night_consent_date\": \"2026-10-01\"}",
                          id, dong_code, dong_name, name, address);
}

static char *
add_user (AnbuTestServer *server,
          const char     *admin_token,
          const char     *username,
          const char     *display_name,
          const char     *role,
          const char     *dong)
{
  g_autofree char *body = g_strdup_printf (
    "{\"username\": \"%s\", \"display_name\": \"%s\", \"password\": \"%s\", \"role\": \"%s\","
    " \"dong_codes\": [%s%s%s]}", username, display_name, PASSWORD, role,
    dong ? "\"" : "", dong ? dong : "", dong ? "\"" : "");
  g_autoptr(AnbuTestResponse) response = anbu_test_request (server, "POST", "/api/v1/admin/users",
                                                            admin_token, body);

  g_assert_cmpuint (response->status, ==, 201);
  return g_strdup (json_object_get_string_member (anbu_test_response_object (response), "id"));
}

static void
push_households (Fixture    *f,
                 const char *token)
{
  g_autofree char *h1 = household_json (H1, "김영수", DONG, "역삼1동", "서울특별시 강남구 역삼로 12");
  g_autofree char *h2 = household_json (H2, "박정희", DONG, "역삼1동", "서울특별시 강남구 역삼로 40");
  g_autofree char *h3 = household_json (H3, "최순자", "1111051500", "청운효자동",
                                        "서울특별시 종로구 자하문로 1");
  g_autofree char *batch = NULL;
  g_autofree char *id1 = g_uuid_string_random ();
  g_autofree char *id2 = g_uuid_string_random ();
  g_autofree char *id3 = g_uuid_string_random ();
  g_autoptr(AnbuTestResponse) response = NULL;
  JsonArray *results;

  batch = g_strdup_printf ("[{\"id\": \"%s\", \"kind\": \"household.create\", \"payload\": %s},"
                           " {\"id\": \"%s\", \"kind\": \"household.create\", \"payload\": %s},"
                           " {\"id\": \"%s\", \"kind\": \"household.create\", \"payload\": %s}]",
                           id1, h1, id2, h2, id3, h3);
  results = anbu_test_push (f->server, token, batch, &response);
  for (guint i = 0; i < json_array_get_length (results); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, i), "status"),
                     ==, "applied");
}

/* Signals are raised by detection on the server: the test writes one into
 * its database as detection would. */
static void
seed_alert (Fixture    *f,
            const char *id,
            const char *household_id,
            const char *level,
            const char *raised_at)
{
  g_autofree char *record = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", "
                                             "\"kind\": \"inactivity\", \"level\": \"%s\", "
                                             "\"raised_at\": \"%s\", \"responder\": \"control\", "
                                             "\"state\": \"open\", \"version\": 1}",
                                             id, household_id, level, raised_at);

  anbu_test_server_insert_alert (f->server, id, household_id, record, raised_at);
}

static char *pull_cursor;

/* The replica follows the server incrementally, as the sync engine does. */
static void
pull (Fixture *f)
{
  anbu_test_replica_pull (f->server, f->token, f->replica, &pull_cursor);
}

static AnbuPushSummary
push (Fixture *f)
{
  return anbu_test_replica_push (f->server, f->token, f->replica);
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) secret = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *admin_token = NULL;
  g_autofree char *planner_token = NULL;
  g_autofree char *user_json = NULL;
  const char *meta[] = { "username", "control-a", NULL };

  f->server = anbu_test_server_new (NULL);
  g_free (anbu_test_server_add_user (f->server, "admin", "admin", NULL, PASSWORD));
  admin_token = anbu_test_server_sign_in (f->server, "admin", PASSWORD);
  f->operator_id = add_user (f->server, admin_token, "control-a", "이관제 주무관", "control", NULL);
  g_free (add_user (f->server, admin_token, "control-b", "박상황 주무관", "control", NULL));
  f->token = anbu_test_server_sign_in (f->server, "control-a", PASSWORD);
  f->token_b = anbu_test_server_sign_in (f->server, "control-b", PASSWORD);
  push_households (f, admin_token);
  /* Open for 30 minutes at 10:30 KST, the UI tests' clock. */
  seed_alert (f, A1, H1, "risk", "2026-11-24T01:00:00Z");

  f->dir = g_dir_make_tmp ("anbu-wall-board-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "replica.db", NULL);
  ANBU_TEST_AWAIT (result, anbu_replica_create_async (path, PASSWORD, 1, 8192, meta, NULL, anbu_test_ready_cb, &result));
  f->replica = anbu_replica_open_finish (result, NULL, NULL, &error);
  g_assert_no_error (error);
  /* Who signed in, as the session keeps it: claims carry this name. */
  user_json = g_strdup_printf ("{\"id\": \"%s\", \"username\": \"control-a\", \"display_name\": \"이관제 주무관\","
                               " \"role\": \"control\", \"dong_codes\": []}", f->operator_id);
  ANBU_TEST_AWAIT (secret, anbu_replica_set_secret_async (f->replica, "user", user_json, NULL,
                                                          anbu_test_ready_cb, &secret));
  g_assert_true (anbu_replica_set_secret_finish (f->replica, secret, &error));
  g_assert_no_error (error);
  g_clear_pointer (&pull_cursor, g_free);
  pull (f);

  f->store = anbu_case_store_new (f->replica, f->operator_id);
  anbu_case_store_set_role (f->store, "control");
  f->api = anbu_api_client_new (f->server->url, NULL, &error);
  g_assert_no_error (error);
  anbu_api_client_set_token (f->api, f->token);
  anbu_case_store_set_api_client (f->store, f->api);
  f->live = anbu_live_channel_new (f->api);
  anbu_live_channel_set_retry_limits (f->live, 50, 200);
  anbu_case_store_set_live_channel (f->store, f->live);
  anbu_live_channel_start (f->live);
  f->casework = anbu_casework_new (f->store);
  g_assert_true (anbu_test_wait_until (anbu_test_casework_loaded, f->casework, 10000));

  f->account = anbu_test_account_new ("control-a", PASSWORD, "이관제 주무관");
  f->app = anbu_test_application_new ();
  f->sink = g_object_new (TEST_TYPE_SOUND_SINK, NULL);
  anbu_application_set_alert_sound (f->app, ANBU_ALERT_SOUND (f->sink));
  f->window = GTK_WIDGET (anbu_window_new (GTK_APPLICATION (f->app), ANBU_ACCOUNT (f->account)));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  anbu_test_wait_drawn (f->window);
  anbu_test_sign_in (f->window, f->server->url, "control-a", PASSWORD);
  anbu_context_set_casework (anbu_application_get_context (f->app), f->casework);
  f->board = ANBU_WALL_BOARD (anbu_test_find_type (f->window, ANBU_TYPE_WALL_BOARD));
  g_assert_nonnull (f->board);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  g_autofree char *path = NULL;

  anbu_context_set_casework (anbu_application_get_context (f->app), NULL);
  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);
      gtk_window_destroy (window);
    }
  anbu_live_channel_stop (f->live);
  g_clear_object (&f->live);
  g_clear_object (&f->casework);
  g_clear_object (&f->store);
  g_clear_object (&f->api);
  path = g_strdup (anbu_replica_get_path (f->replica));
  g_clear_object (&f->replica);
  anbu_replica_delete_files (path, NULL);
  g_rmdir (f->dir);
  g_free (f->dir);
  anbu_test_server_free (f->server);
  g_free (f->token);
  g_free (f->token_b);
  g_free (f->operator_id);
  anbu_application_set_alert_sound (f->app, NULL);
  g_clear_object (&f->sink);
  g_clear_object (&f->app);
  g_clear_object (&f->account);
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
n_items (Fixture *f)
{
  return g_list_model_get_n_items (anbu_wall_board_get_model (f->board));
}

static const AnbuAlert *
item_alert (Fixture *f,
            guint    position)
{
  g_autoptr(AnbuBoardItem) item = g_list_model_get_item (anbu_wall_board_get_model (f->board), position);

  /* The model keeps its own reference. */
  return item != NULL ? anbu_board_item_get_alert (item) : NULL;
}

/* The row on screen showing `alert_id`, or NULL. */
static AnbuBoardRow *
find_row (GtkWidget  *root,
          const char *alert_id)
{
  if (ANBU_IS_BOARD_ROW (root))
    {
      AnbuBoardItem *item = anbu_board_row_get_item (ANBU_BOARD_ROW (root));

      if (item != NULL && g_strcmp0 (anbu_board_item_get_alert (item)->id, alert_id) == 0
          && gtk_widget_get_mapped (root))
        return ANBU_BOARD_ROW (root);
      return NULL;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AnbuBoardRow *row = find_row (child, alert_id);

      if (row != NULL)
        return row;
    }
  return NULL;
}

static const char *
row_text (AnbuBoardRow *row,
          const char   *name)
{
  return gtk_label_get_label (GTK_LABEL (anbu_test_find_named (GTK_WIDGET (row), name)));
}

typedef struct
{
  Fixture    *f;
  const char *alert_id;
  const char *name;
  const char *text;
} RowWait;

static gboolean
row_says (gpointer data)
{
  RowWait *wait = data;
  AnbuBoardRow *row = find_row (GTK_WIDGET (wait->f->board), wait->alert_id);

  return row != NULL && g_strcmp0 (row_text (row, wait->name), wait->text) == 0;
}

static void
assert_row_says (Fixture    *f,
                 const char *alert_id,
                 const char *name,
                 const char *text)
{
  RowWait wait = { f, alert_id, name, text };

  if (!anbu_test_wait_until (row_says, &wait, 10000))
    {
      AnbuBoardRow *row = find_row (GTK_WIDGET (f->board), alert_id);

      g_test_message ("row %s %s: %s", alert_id, name, row != NULL ? row_text (row, name) : "(no row)");
      g_assert_not_reached ();
    }
}

typedef struct
{
  Fixture *f;
  guint    items;
  guint    notifications;
  guint    sounds;
} NewsWait;

static gboolean
news_arrived (gpointer data)
{
  NewsWait *wait = data;

  return n_items (wait->f) == wait->items
         && anbu_test_get_notifications ()->len >= wait->notifications
         && wait->f->sink->levels->len >= wait->sounds;
}

static gboolean
wall_mode_on (gpointer data)
{
  return anbu_wall_board_get_wall_mode (data);
}

static gboolean
wall_mode_off (gpointer data)
{
  return !anbu_wall_board_get_wall_mode (data);
}

static gboolean
live_connected (gpointer data)
{
  return anbu_live_channel_get_connected (data);
}

static gboolean
live_disconnected (gpointer data)
{
  return !anbu_live_channel_get_connected (data);
}

/* Presses the claim button of `alert_id`'s row and waits until the change is in the outbox and
 * shown. */
static void
press_claim (Fixture    *f,
             const char *alert_id)
{
  AnbuBoardRow *row;
  GtkWidget *button;

  g_assert_true (anbu_test_wait_until (anbu_test_casework_loaded, f->casework, 10000));
  row = find_row (GTK_WIDGET (f->board), alert_id);
  g_assert_nonnull (row);
  button = anbu_test_find_named (GTK_WIDGET (row), "board-claim");
  g_assert_true (gtk_widget_get_visible (button));
  anbu_test_press (button);
}

static void
test_board (Fixture      *f,
            gconstpointer data)
{
  guint notifications_before = anbu_test_get_notifications ()->len;
  NewsWait news = { f, 2, notifications_before + 1, 1 };
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  AnbuPushSummary summary;
  const char *counts;

  g_settings_set_boolean (settings, "signal-sound", TRUE);

  /* The control role sees the board; it opens on it. */
  g_assert_true (gtk_widget_activate_action (f->window, "win.show-view", "s", "board"));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (f->board)));
  g_assert_true (anbu_test_wait_until (live_connected, f->live, 20000));
  g_assert_cmpstr (anbu_wall_board_get_connection_text (f->board), ==, "● 실시간");
  g_assert_cmpuint (n_items (f), ==, 1);
  counts = anbu_wall_board_get_level_counts (f->board);
  g_test_message ("counts: %s", counts);
  g_assert_nonnull (strstr (counts, "위험 1"));
  g_assert_nonnull (strstr (counts, "미접수 1"));
  g_assert_cmpstr (anbu_wall_board_get_district_counts (f->board), ==, "강남구 1 (역삼1동 1)");
  /* Open for 30 minutes on the project clock, nobody holds it, and it stands out. */
  assert_row_says (f, A1, "board-age", "30분 00초");
  assert_row_says (f, A1, "board-holder", "담당자 없음 — 미접수");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (find_row (GTK_WIDGET (f->board), A1)), "unacknowledged"));
  /* The age keeps counting on the project clock, and the board's clock with it. */
  anbu_test_set_now (anbu_clock_now_usec () + 65 * G_USEC_PER_SEC);
  assert_row_says (f, A1, "board-age", "31분 05초");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (anbu_test_find_named (GTK_WIDGET (f->board), "board-clock"))),
                   ==, "10:31:05");

  /* A new 심각 signal arrives: on the board, first, with its notification and its sound. */
  seed_alert (f, A2, H2, "critical", "2026-11-24T01:20:00Z");
  pull (f);
  g_assert_true (anbu_test_wait_until (news_arrived, &news, 10000));
  g_assert_cmpstr (item_alert (f, 0)->id, ==, A2);
  g_assert_cmpuint (f->sink->levels->len, ==, 1);
  g_assert_cmpint (g_array_index (f->sink->levels, AnbuAlertLevel, 0), ==, ANBU_ALERT_LEVEL_CRITICAL);
  g_assert_nonnull (strstr (anbu_wall_board_get_level_counts (f->board), "심각 1"));

  /* With the sound switched off, the next one only notifies. */
  g_settings_set_boolean (settings, "signal-sound", FALSE);
  seed_alert (f, A3, H3, "risk", "2026-11-24T01:25:00Z");
  pull (f);
  news.items = 3;
  news.notifications = notifications_before + 2;
  g_assert_true (anbu_test_wait_until (news_arrived, &news, 10000));
  g_assert_cmpuint (f->sink->levels->len, ==, 1);
  g_settings_set_boolean (settings, "signal-sound", TRUE);
  g_assert_cmpstr (anbu_wall_board_get_district_counts (f->board), ==,
                   "강남구 2 (역삼1동 2)   종로구 1 (청운효자동 1)");

  /* Taking a case: the board shows who holds it at once, offline first, and until when: at
   * 10:31 on a Tuesday, the community centre's day ends at 18:00… */
  press_claim (f, A1);
  assert_row_says (f, A1, "board-holder", "이관제 주무관 처리 중 · 18:00까지");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (find_row (GTK_WIDGET (f->board), A1)), "unacknowledged"));
  summary = push (f);
  g_assert_cmpuint (summary.applied, ==, 1);
  g_assert_cmpuint (summary.rejected, ==, 0);

  /* …while another operator, elsewhere, takes the 심각 one first. */
  {
    g_autofree char *entry = g_uuid_string_random ();
    g_autofree char *batch = g_strdup_printf ("[{\"id\": \"%s\", \"kind\": \"alert.claim\", \"payload\":"
                                              " {\"id\": \"%s\", \"at\": \"2026-11-24T01:31:00Z\"}}]",
                                              entry, A2);
    g_autoptr(AnbuTestResponse) response = NULL;
    JsonArray *results = anbu_test_push (f->server, f->token_b, batch, &response);

    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "status"),
                     ==, "applied");
  }
  /* This screen had not heard yet and claims it too: the server refuses, naming the holder. */
  press_claim (f, A2);
  summary = push (f);
  g_assert_cmpuint (summary.rejected, ==, 1);
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GPtrArray) entries = NULL;
    g_autoptr(GError) error = NULL;
    gboolean told = FALSE;

    ANBU_TEST_AWAIT (result, anbu_replica_list_outbox_async (f->replica, NULL, anbu_test_ready_cb, &result));
    entries = anbu_replica_list_outbox_finish (f->replica, result, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < entries->len; i++)
      {
        const char *message = anbu_outbox_entry_get_reason_message (entries->pdata[i]);

        if (message != NULL && strstr (message, "박상황 주무관 님이 이미 처리 중") != NULL)
          {
            told = TRUE;
            /* The account lists it as the sync engine would: the operator is told at once. */
            g_list_store_append (anbu_test_account_get_rejections_store (f->account), entries->pdata[i]);
          }
      }
    g_assert_true (told);
    g_assert_true (label_with_text (f->window, "다른 담당자가 이 위험신호를 먼저 맡았습니다. "
                                               "누가 처리 중인지는 상황판에서 볼 수 있습니다."));
  }
  /* The next pull shows the real holder, and no button to take it. */
  pull (f);
  assert_row_says (f, A2, "board-holder", "박상황 주무관 처리 중 · 18:00까지");
  g_assert_false (gtk_widget_get_visible (anbu_test_find_named (GTK_WIDGET (find_row (GTK_WIDGET (f->board), A2)),
                                                                "board-claim")));
  g_assert_nonnull (strstr (anbu_wall_board_get_level_counts (f->board), "미접수 1"));

  /* 박정희's number fails twice (wrong number, not in service): the board says so. */
  {
    g_autofree char *batch = NULL;
    g_autofree char *e1 = g_uuid_string_random ();
    g_autofree char *e2 = g_uuid_string_random ();
    g_autofree char *c1 = g_uuid_string_random ();
    g_autofree char *c2 = g_uuid_string_random ();
    g_autoptr(AnbuTestResponse) response = NULL;
    JsonArray *results;

    batch = g_strdup_printf ("[{\"id\": \"%s\", \"kind\": \"contact.create\", \"payload\": {\"id\": \"%s\","
                             " \"alert_id\": \"%s\", \"household_id\": \"%s\", \"at\": \"2026-11-24T01:32:00Z\","
                             " \"by\": \"%s\", \"channel\": \"phone\", \"outcome\": \"wrong_number\","
                             " \"phone\": \"010-1234-5678\"}},"
                             " {\"id\": \"%s\", \"kind\": \"contact.create\", \"payload\": {\"id\": \"%s\","
                             " \"alert_id\": \"%s\", \"household_id\": \"%s\", \"at\": \"2026-11-24T01:33:00Z\","
                             " \"by\": \"%s\", \"channel\": \"phone\", \"outcome\": \"not_in_service\","
                             " \"phone\": \"010-1234-5678\"}}]",
                             e1, c1, A2, H2, f->operator_id, e2, c2, A2, H2, f->operator_id);
    results = anbu_test_push (f->server, f->token, batch, &response);
    for (guint i = 0; i < json_array_get_length (results); i++)
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, i), "status"),
                       ==, "applied");
    pull (f);
    assert_row_says (f, A2, "board-household", "박정희 · 번호 확인 필요");
    assert_row_says (f, A1, "board-household", "김영수");
  }

  anbu_test_save_screenshot (f->window, "wall-board");

  /* F11: full screen, the wall mode without the header bar. */
  g_assert_true (gtk_widget_activate_action (f->window, "win.fullscreen", NULL));
  g_assert_true (anbu_test_wait_until (wall_mode_on, f->board, 10000));
  anbu_test_save_screenshot (f->window, "wall-board-fullscreen");
  g_assert_true (gtk_widget_activate_action (f->window, "win.fullscreen", NULL));
  g_assert_true (anbu_test_wait_until (wall_mode_off, f->board, 10000));

  /* Activating a line opens its household. */
  g_signal_emit_by_name (anbu_test_find_named (GTK_WIDGET (f->board), "board-list"), "activate", 0);
  {
    AdwViewStack *stack = ADW_VIEW_STACK (anbu_test_find_type (f->window, ADW_TYPE_VIEW_STACK));

    g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "households");
    g_assert_true (gtk_widget_activate_action (f->window, "win.show-view", "s", "board"));
  }

  /* The server goes away: the board says it is reconnecting. */
  anbu_test_server_stop (f->server, SIGTERM);
  g_assert_true (anbu_test_wait_until (live_disconnected, f->live, 20000));
  g_assert_cmpstr (anbu_wall_board_get_connection_text (f->board), ==, "연결 끊김 — 다시 연결하는 중…");

  /* It comes back on its address with a signal raised meanwhile: the board is live again, and
   * the pull after the reconnect brings the signal. */
  seed_alert (f, A4, H1, "watch", "2026-11-24T01:28:00Z");
  {
    g_autoptr(GUri) uri = g_uri_parse (f->server->url, G_URI_FLAGS_NONE, NULL);
    g_autofree char *listen = g_strdup_printf ("127.0.0.1:%d", g_uri_get_port (uri));
    const char *args[] = { "--listen", listen, NULL };

    anbu_test_server_restart (f->server, args);
  }
  g_assert_true (anbu_test_wait_until (live_connected, f->live, 30000));
  g_assert_cmpstr (anbu_wall_board_get_connection_text (f->board), ==, "● 실시간");
  pull (f);
  news.items = 4;
  g_assert_true (anbu_test_wait_until (news_arrived, &news, 10000));
  g_assert_nonnull (strstr (anbu_wall_board_get_level_counts (f->board), "관심 1"));
}

int
main (int   argc,
      char *argv[])
{
  anbu_test_init (&argc, &argv);

  g_test_add ("/ui/wall-board/signals-claims-full-screen", Fixture, NULL, fixture_set_up, test_board,
              fixture_tear_down);

  return g_test_run ();
}
