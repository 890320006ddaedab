/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Map page against the real anbu-server: a 종로구 district seeded by
 * anbu-plugsim, tiles from an anbu-basemap file served with --tiles, the
 * planner's encrypted replica pulled from the server and shown through the
 * casework, in Korean. */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "anbu-clock.h"
#include "anbu-casework.h"
#include "anbu-household-page.h"
#include "anbu-households-view.h"
#include "anbu-map-page.h"
#include "anbu-case-store.h"
#include "anbu-test-server.h"
#include "anbu-test-util.h"
#include "anbu-window.h"

#define ADMIN_PASSWORD "admin password 1"
#define PASSWORD "district password"
#define PLANNER "sajik"
#define SAJIK_CODE "1111053000"
#define SAJIK_LAT 37.5760
#define SAJIK_LON 126.9686
#define N_HOUSEHOLDS "40"
#define TIMEOUT_MS 15000

typedef struct
{
  char                 *dir;
  AnbuTestServer       *server;
  char                 *token;
  char                 *planner_id;
  AnbuReplica          *replica;
  AnbuCaseStore *store;
  AnbuCasework         *casework;
  AnbuApplication      *app;
  AnbuTestAccount      *account;
  GtkWidget            *window;
  AnbuMapPage          *page;
  AnbuMapView          *view;
  /* The private-CA tile server of tiles-trust-the-servers-ca, kept until the program ends:
   * closing it (soup_server_disconnect or its last unref) while one of the map's last fetches
   * is still shaking hands deadlocks, as GTlsConnection's close waits for a server handshake
   * that only this main loop can finish. */
  SoupServer           *https;
} Fixture;

static Fixture fx;

static gboolean
casework_loaded (gpointer data)
{
  return anbu_casework_get_loaded (data) && !anbu_casework_is_loading (data);
}

static void
run_tool (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_assert_nonnull (argv[0]);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
}

/* What the sync engine does: pull every page into the replica. */
static void
pull (void)
{
  g_autofree char *cursor = g_strdup ("");
  gboolean has_more = TRUE;

  for (guint page = 0; has_more && page < 100; page++)
    {
      g_autofree char *escaped = g_uri_escape_string (cursor, NULL, FALSE);
      g_autofree char *path = g_strdup_printf ("/api/v1/sync?since=%s", escaped);
      g_autoptr(AnbuTestResponse) response = anbu_test_request (fx.server, "GET", path, fx.token, NULL);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_cmpuint (response->status, ==, 200);
      ANBU_TEST_AWAIT (result, anbu_replica_apply_pull_async (fx.replica, response->raw, NULL, anbu_test_ready_cb, &result));
      anbu_replica_apply_pull_finish (fx.replica, result, &has_more, NULL, &error);
      g_assert_no_error (error);
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (json_node_get_object (response->json), "cursor"));
    }
}

static void
sign_in_planner (void)
{
  g_autoptr(AnbuTestResponse) response =
    anbu_test_request (fx.server, "POST", "/api/v1/session", NULL,
                       "{\"username\": \"" PLANNER "\", \"password\": \"" PASSWORD "\"}");
  JsonObject *answer;

  g_assert_cmpuint (response->status, ==, 200);
  answer = anbu_test_response_object (response);
  fx.token = g_strdup (json_object_get_string_member (answer, "token"));
  fx.planner_id = g_strdup (json_object_get_string_member (json_object_get_object_member (answer, "user"), "id"));
}

static char *visit_due_ids[2];

/* Two of the planner's households had a visit a week ago with the next one
 * due today (Asia/Seoul). */
static void
push_visits_due_today (void)
{
  g_autoptr(GDateTime) now = anbu_clock_get_now_kst (anbu_clock_get_default ());
  g_autoptr(GDateTime) week_ago = g_date_time_add_days (now, -7);
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *at = g_date_time_format_iso8601 (week_ago);
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) changes = anbu_test_pull (fx.server, fx.token, &cursor, 0, NULL);
  g_autoptr(GString) batch = g_string_new ("[");
  g_autoptr(AnbuTestResponse) response = NULL;
  JsonArray *results;
  guint found = 0;

  for (guint i = 0; i < json_array_get_length (changes) && found < 2; i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);
      g_autofree char *entry_id = NULL;
      g_autofree char *visit_id = NULL;

      if (g_strcmp0 (json_object_get_string_member (change, "kind"), "household") != 0)
        continue;
      visit_due_ids[found] = g_strdup (json_object_get_string_member (change, "id"));
      entry_id = g_uuid_string_random ();
      visit_id = g_uuid_string_random ();
      g_string_append_printf (batch,
                              "%s{\"id\": \"%s\", \"kind\": \"visit.create\", \"payload\": {\"id\": \"%s\","
                              " \"household_id\": \"%s\", \"at\": \"%s\", \"by\": \"%s\", \"purpose\": \"regular\","
                              " \"next_visit_on\": \"%s\"}}",
                              found > 0 ? ", " : "", entry_id, visit_id, visit_due_ids[found], at,
                              fx.planner_id, today);
      found++;
    }
  g_string_append (batch, "]");
  g_assert_cmpuint (found, ==, 2);
  results = anbu_test_push (fx.server, fx.token, batch->str, &response);
  for (guint i = 0; i < json_array_get_length (results); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, i), "status"),
                     ==, "applied");
}

static void
fixture_set_up (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *basemap = NULL;
  g_autofree char *admin_pw = NULL;
  g_autofree char *users_pw = NULL;
  g_autofree char *state = NULL;
  g_autofree char *replica_path = NULL;
  const char *meta[] = { "username", PLANNER, NULL };

  fx.dir = g_dir_make_tmp ("anbu-map-page-XXXXXX", &error);
  g_assert_no_error (error);

  /* The placeholder basemap around the first two 동 of the district. */
  basemap = g_build_filename (fx.dir, "jongno.mbtiles", NULL);
  {
    const char *argv[] = { g_getenv ("ANBU_BASEMAP"), "--output", basemap,
                           "--bbox", "37.560,126.950,37.600,126.990",
                           "--min-zoom", "12", "--max-zoom", "16", NULL };

    run_tool (argv);
  }
  {
    const char *args[] = { "--tiles", basemap, NULL };

    fx.server = anbu_test_server_new (args);
  }

  /* anbu-plugsim seeds planners, households and plugs through the API. */
  g_free (anbu_test_server_add_user (fx.server, "admin", "admin", NULL, ADMIN_PASSWORD));
  admin_pw = g_build_filename (fx.dir, "admin.pw", NULL);
  users_pw = g_build_filename (fx.dir, "users.pw", NULL);
  state = g_build_filename (fx.dir, "state.json", NULL);
  g_assert_true (g_file_set_contents (admin_pw, ADMIN_PASSWORD "\n", -1, NULL));
  g_assert_true (g_file_set_contents (users_pw, PASSWORD "\n", -1, NULL));
  {
    const char *argv[] = { g_getenv ("ANBU_PLUGSIM"), "seed", "--server", fx.server->url,
                           "--admin-password-file", admin_pw, "--password-file", users_pw,
                           "--households", N_HOUSEHOLDS, "--dongs", "2", "--seed", "7",
                           "--state", state, NULL };

    run_tool (argv);
  }
  sign_in_planner ();
  push_visits_due_today ();

  /* The planner's encrypted replica, pulled from the server. */
  replica_path = g_build_filename (fx.dir, "replica.db", NULL);
  ANBU_TEST_AWAIT (result, anbu_replica_create_async (replica_path, PASSWORD, 1, 8192, meta, NULL, anbu_test_ready_cb, &result));
  fx.replica = anbu_replica_open_finish (result, NULL, NULL, &error);
  g_assert_no_error (error);
  pull ();
  fx.store = anbu_case_store_new (fx.replica, fx.planner_id);
  fx.casework = anbu_casework_new (ANBU_CASE_STORE (fx.store));
  g_assert_true (anbu_test_wait_until (casework_loaded, fx.casework, TIMEOUT_MS));

  fx.account = anbu_test_account_new (PLANNER, PASSWORD, "사직동 복지플래너");
  fx.app = anbu_test_application_new ();
  fx.window = GTK_WIDGET (anbu_window_new (GTK_APPLICATION (fx.app), ANBU_ACCOUNT (fx.account)));
  gtk_window_set_default_size (GTK_WINDOW (fx.window), 1280, 800);
  gtk_window_present (GTK_WINDOW (fx.window));
  anbu_test_wait_drawn (fx.window);
  anbu_test_sign_in (fx.window, fx.server->url, PLANNER, PASSWORD);
  anbu_context_set_casework (anbu_application_get_context (fx.app), fx.casework);

  gtk_widget_activate_action (fx.window, "win.show-view", "s", "map");
  fx.page = ANBU_MAP_PAGE (anbu_test_find_type (fx.window, ANBU_TYPE_MAP_PAGE));
  fx.view = anbu_map_page_get_map_view (fx.page);
  anbu_test_wait_drawn (fx.window);
}

static void
fixture_tear_down (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  g_autofree char *path = NULL;

  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);
      gtk_window_destroy (window);
    }
  g_clear_object (&fx.casework);
  g_clear_object (&fx.store);
  path = g_strdup (anbu_replica_get_path (fx.replica));
  g_clear_object (&fx.replica);
  anbu_replica_delete_files (path, NULL);
  anbu_test_server_free (fx.server);
  g_clear_object (&fx.account);
  g_free (fx.token);
  g_free (fx.planner_id);
  g_free (visit_due_ids[0]);
  g_free (visit_due_ids[1]);
}

static GListModel *
points (void)
{
  return anbu_map_view_get_model (fx.view);
}

static AnbuMapPoint *
point_at (guint i)
{
  g_autoptr(AnbuMapPoint) point = g_list_model_get_item (points (), i);

  return point;   /* the model keeps it */
}

static void
show_at (double latitude,
         double longitude,
         double zoom)
{
  /* A flight still under way would take the map elsewhere. */
  shumate_map_stop_go_to (shumate_simple_map_get_map (anbu_map_view_get_map (fx.view)));
  anbu_map_view_center_on (fx.view, latitude, longitude, zoom);
  anbu_test_wait_drawn (fx.window);
}

static guint
count_tiles (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".tile"))
      n++;
  return n;
}

static gboolean
tiles_cached (gpointer data)
{
  return count_tiles (data) > 0;
}

static gboolean
attribution_shown (gpointer data)
{
  ShumateMapSource *source = shumate_simple_map_get_map_source (anbu_map_view_get_map (fx.view));

  return source != NULL && g_strcmp0 (shumate_map_source_get_license (source), data) == 0;
}

static gboolean
all_households_in_view (gpointer data)
{
  ShumateViewport *viewport = anbu_map_view_get_viewport (fx.view);
  GtkWidget *map = GTK_WIDGET (anbu_map_view_get_map (fx.view));
  guint n = g_list_model_get_n_items (points ());
  int width = gtk_widget_get_width (map), height = gtk_widget_get_height (map);

  if (n == 0 || width <= 0 || shumate_viewport_get_zoom_level (viewport) > 16.001)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      AnbuMapPoint *point = point_at (i);
      double x, y;

      shumate_viewport_location_to_widget_coords (viewport, map, anbu_map_point_get_latitude (point),
                                                  anbu_map_point_get_longitude (point), &x, &y);
      if (x < 0 || y < 0 || x > width || y > height)
        return FALSE;
    }
  return TRUE;
}

/* After sign-in the map looks at the planner's households, not at the whole
 * country: every one is inside the view, at a street-level zoom. */
static void
test_fits_households (void)
{
  ShumateViewport *viewport = anbu_map_view_get_viewport (fx.view);

  g_assert_true (anbu_test_wait_until (all_households_in_view, NULL, TIMEOUT_MS));
  g_assert_cmpfloat (shumate_viewport_get_zoom_level (viewport), >=, 12.0);
  g_assert_cmpfloat (shumate_viewport_get_zoom_level (viewport), <=, 16.0);
}

/* Every household of the planner's 동 is on the map, drawn over tiles that came
 * from the server; the list's search applies to the map. */
static void
test_households_appear (void)
{
  AnbuHouseholdIndex *index = anbu_casework_get_index (fx.casework);
  AnbuMapTileSource *source;
  AnbuMapStatusLayer *layer = anbu_map_view_get_status_layer (fx.view);
  g_autofree char *expected_base = g_strdup (fx.server->url);
  guint n = g_list_model_get_n_items (points ());
  g_autofree char *name = NULL;

  g_assert_cmpuint (anbu_household_index_get_n_total (index), >, 0);
  g_assert_cmpuint (n, ==, anbu_household_index_get_n_total (index));
  for (guint i = 0; i < n; i++)
    {
      AnbuMapPoint *point = point_at (i);

      g_assert_nonnull (anbu_casework_lookup_household (fx.casework, anbu_map_point_get_id (point)));
      g_assert_cmpstr (anbu_casework_lookup_household (fx.casework, anbu_map_point_get_id (point))->dong_code,
                       ==, SAJIK_CODE);
    }

  /* The attribution is the one the server's basemap asks for. */
  g_assert_true (anbu_test_wait_until (attribution_shown, "지도 자리표시 — 실제 지도 아님", TIMEOUT_MS));
  source = anbu_map_view_get_tile_source (fx.view);
  g_assert_nonnull (source);
  g_assert_true (g_str_has_prefix (anbu_map_tile_source_get_base_url (source), expected_base));
  show_at (SAJIK_LAT, SAJIK_LON, 15);
  g_assert_true (anbu_test_wait_until (tiles_cached, (gpointer) anbu_map_tile_source_get_cache_dir (source),
                                       TIMEOUT_MS));
  g_assert_cmpuint (anbu_map_status_layer_get_n_drawn_households (layer)
                    + anbu_map_status_layer_get_n_drawn_clusters (layer), >, 0);

  /* Searching the list for one name leaves that household alone on the map. */
  name = g_strdup (anbu_map_point_get_name (point_at (0)));
  anbu_household_index_set_query (index, name);
  g_assert_cmpuint (g_list_model_get_n_items (points ()), >=, 1);
  g_assert_cmpuint (g_list_model_get_n_items (points ()), <, n);
  for (guint i = 0; i < g_list_model_get_n_items (points ()); i++)
    g_assert_nonnull (strstr (anbu_map_point_get_name (point_at (i)), name));
  anbu_household_index_set_query (index, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (points ()), ==, n);
}

static double cluster_latitude, cluster_longitude;

/* The flight has landed: two levels deeper, centred on the cluster. */
static gboolean
zoomed_to_16 (gpointer viewport)
{
  return shumate_viewport_get_zoom_level (viewport) >= 15.999
         && fabs (shumate_location_get_latitude (viewport) - cluster_latitude) < 1e-6
         && fabs (shumate_location_get_longitude (viewport) - cluster_longitude) < 1e-6;
}

/* Clicking a cluster zooms in on it. */
static void
test_cluster_click_zooms (void)
{
  AnbuMapStatusLayer *layer = anbu_map_view_get_status_layer (fx.view);
  ShumateViewport *viewport = anbu_map_view_get_viewport (fx.view);
  int width, height;
  gboolean found = FALSE;
  AnbuMapPick pick = { 0 };
  graphene_point_t at;

  show_at (SAJIK_LAT, SAJIK_LON, 14);
  g_assert_cmpuint (anbu_map_status_layer_get_n_drawn_clusters (layer), >, 0);
  width = gtk_widget_get_width (GTK_WIDGET (layer));
  height = gtk_widget_get_height (GTK_WIDGET (layer));
  for (int y = 4; y < height && !found; y += 4)
    for (int x = 4; x < width && !found; x += 4)
      found = anbu_map_status_layer_pick (layer, x, y, &pick) && pick.kind == ANBU_MAP_PICK_CLUSTER
              && pick.count > 1;
  g_assert_true (found);
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (layer), GTK_WIDGET (fx.view),
                                           &GRAPHENE_POINT_INIT (pick.x, pick.y), &at));
  cluster_latitude = pick.latitude;
  cluster_longitude = pick.longitude;
  g_assert_true (anbu_map_view_activate_at (fx.view, at.x, at.y));
  /* The map flies there (an animation): wait for it to land two levels deeper. */
  g_assert_true (anbu_test_wait_until (zoomed_to_16, viewport, TIMEOUT_MS));
  g_assert_cmpfloat_with_epsilon (shumate_viewport_get_zoom_level (viewport), 16.0, 0.01);
}

static gboolean
household_page_shown (gpointer data)
{
  GtkWidget *page = anbu_test_find_type (fx.window, ANBU_TYPE_HOUSEHOLD_PAGE);

  return page != NULL && gtk_widget_get_mapped (page);
}

/* Clicking a household opens its popover; its button opens the household's page. */
static void
test_popover_opens_household (void)
{
  AnbuMapPoint *point = point_at (0);
  GtkPopover *popover = anbu_map_view_get_popover (fx.view);
  GtkWidget *button;
  g_autofree char *id = g_strdup (anbu_map_point_get_id (point));
  GtkWidget *layer = GTK_WIDGET (anbu_map_view_get_status_layer (fx.view));
  double x, y;
  graphene_point_t at;

  show_at (anbu_map_point_get_latitude (point), anbu_map_point_get_longitude (point), 18);
  /* Where the household is drawn, as the planner sees it. */
  shumate_viewport_location_to_widget_coords (anbu_map_view_get_viewport (fx.view), layer,
                                              anbu_map_point_get_latitude (point),
                                              anbu_map_point_get_longitude (point), &x, &y);
  g_assert_true (gtk_widget_compute_point (layer, GTK_WIDGET (fx.view), &GRAPHENE_POINT_INIT (x, y), &at));
  g_assert_true (anbu_map_view_activate_at (fx.view, at.x, at.y));
  g_assert_cmpstr (anbu_map_view_get_selected_id (fx.view), ==, id);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
  g_assert_true (anbu_test_wait_until ((gboolean (*) (gpointer)) gtk_widget_get_mapped, popover, TIMEOUT_MS));

  button = anbu_test_find_type (GTK_WIDGET (popover), GTK_TYPE_BUTTON);
  g_assert_nonnull (button);
  anbu_test_press (button);
  g_assert_true (anbu_test_wait_until (household_page_shown, NULL, TIMEOUT_MS));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (anbu_test_find_type (fx.window, ADW_TYPE_VIEW_STACK))),
                   ==, "households");

  gtk_widget_activate_action (fx.window, "win.show-view", "s", "map");
  anbu_test_wait_drawn (fx.window);
}

static guint
count_named_rows (GtkWidget  *list,
                  const char *name)
{
  guint n = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (gtk_widget_get_name (row), name) == 0)
      n++;
  return n;
}

/* Five households chosen on the map become the day's route from 사직동주민센터:
 * every stop once, listed with distances, drawn, printable; then a Korean
 * screenshot of the page. */
static void
test_route_for_five (void)
{
  GtkWidget *route_button = anbu_test_find_named (fx.window, "map-route");
  GtkWidget *add = anbu_test_find_named (fx.window, "route-add-selected");
  GtkWidget *stops = anbu_test_find_named (fx.window, "route-stops");
  GtkWidget *total = anbu_test_find_named (fx.window, "route-total");
  const AnbuRoutePlan *plan;
  gboolean seen[5] = { FALSE };
  g_autofree char *pdf = g_build_filename (fx.dir, "route.pdf", NULL);
  g_autoptr(GError) error = NULL;
  double sum = 0.0;
  GStatBuf st;

  g_assert_cmpuint (g_list_model_get_n_items (points ()), >=, 5);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (route_button), TRUE);
  anbu_test_wait_drawn (fx.window);
  for (guint i = 0; i < 5; i++)
    {
      anbu_map_view_set_selected_id (fx.view, anbu_map_point_get_id (point_at (i)));
      anbu_test_press (add);
    }

  plan = anbu_map_page_get_route_plan (fx.page);
  g_assert_nonnull (plan);
  g_assert_cmpuint (plan->n_stops, ==, 5);
  for (guint k = 0; k < 5; k++)
    {
      g_assert_cmpuint (plan->order[k], <, 5);
      g_assert_false (seen[plan->order[k]]);
      seen[plan->order[k]] = TRUE;
      g_assert_cmpfloat (plan->leg_m[k], >=, 0.0);
      g_assert_cmpfloat (plan->leg_m[k], <, 5000.0);
      sum += plan->leg_m[k];
    }
  g_assert_cmpfloat_with_epsilon (sum + plan->return_leg_m, plan->total_m, 0.01);

  /* The list shows the start, five stops with their distances and the way back. */
  g_assert_cmpuint (count_named_rows (stops, "route-stop"), ==, 5);
  for (GtkWidget *row = gtk_widget_get_first_child (stops); row != NULL; row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (gtk_widget_get_name (row), "route-stop") == 0)
      {
        const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));

        g_assert_nonnull (strstr (subtitle, "m"));
        g_assert_nonnull (strstr (subtitle, "이전 방문지에서"));
      }
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (total)), "5곳"));
  g_assert_cmpstr (gtk_string_object_get_string (GTK_STRING_OBJECT (
                     gtk_drop_down_get_selected_item (GTK_DROP_DOWN (anbu_test_find_named (fx.window, "route-start"))))),
                   ==, "사직동주민센터");
  g_assert_true (gtk_widget_get_sensitive (anbu_test_find_named (fx.window, "route-export")));

  /* What Export CSV writes: the start, the stops in the planned order with
   * their legs, the way back. */
  {
    g_autofree char *csv_path = g_build_filename (fx.dir, "route.csv", NULL);
    g_autoptr(GFile) csv_file = g_file_new_for_path (csv_path);
    g_autoptr(GAsyncResult) result = NULL;
    g_autofree char *csv = NULL;
    g_auto(GStrv) lines = NULL;

    ANBU_TEST_AWAIT (result, anbu_map_page_export_route_csv_async (fx.page, csv_file, NULL, anbu_test_ready_cb, &result));
    g_assert_true (anbu_map_page_export_route_csv_finish (fx.page, result, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
    lines = g_strsplit (csv, "\r\n", -1);
    g_assert_cmpuint (g_strv_length (lines), >=, 1 + 1 + 5 + 1);
    /* Korean Excel reads it as UTF-8 only with the byte order mark. */
    g_assert_cmpmem (csv, 3, "\xEF\xBB\xBF", 3);
    g_assert_true (g_str_has_prefix (lines[0] + 3, "순서,이름,주소,전화번호,도착 예정 시각(추정),"));
    g_assert_nonnull (strstr (lines[1], "사직동주민센터"));
    g_assert_nonnull (strstr (lines[2], anbu_map_point_get_name (point_at (plan->order[0]))));
    /* The first stop: where to go, whom to call, when to be there. */
    {
      AnbuHousehold *first = anbu_casework_lookup_household (fx.casework, anbu_map_point_get_id (point_at (plan->order[0])));
      g_autoptr(GDateTime) now = anbu_clock_get_now_kst (anbu_clock_get_default ());
      g_autoptr(GDateTime) start = g_date_time_add_full (now, 0, 0, 0, 0, (10 - g_date_time_get_minute (now) % 10) % 10,
                                                         -g_date_time_get_seconds (now));
      g_autoptr(GDateTime) arrival = g_date_time_add_minutes (start, (gint) ceil (plan->leg_m[0] / 250.0));
      g_autofree char *start_text = g_date_time_format (start, ",%H:%M,");
      g_autofree char *arrival_text = g_date_time_format (arrival, ",%H:%M,");

      g_assert_nonnull (first);
      g_assert_nonnull (first->address);
      g_assert_nonnull (first->phone);
      g_assert_nonnull (strstr (lines[2], first->address));
      g_assert_nonnull (strstr (lines[2], first->phone));
      g_assert_nonnull (strstr (lines[1], start_text));
      g_assert_nonnull (strstr (lines[2], arrival_text));
    }
    g_test_message ("route CSV:\n%s", csv);
    g_unlink (csv_path);
  }

  /* What Print draws, written to a PDF. */
  g_assert_true (anbu_map_page_export_route_pdf (fx.page, pdf, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (pdf, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 1000);
  g_unlink (pdf);

  show_at (SAJIK_LAT, SAJIK_LON, 15);
  anbu_test_save_screenshot (fx.window, "map-page-ko");
}

/* "Today's visits" puts exactly the households due today on the route. */
static void
test_route_from_todays_visits (void)
{
  const char * const *stops;

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (anbu_test_find_named (fx.window, "map-route")), TRUE);
  anbu_test_press (anbu_test_find_named (fx.window, "route-clear"));
  g_assert_null (anbu_map_page_get_route_plan (fx.page));
  anbu_test_press (anbu_test_find_named (fx.window, "route-add-visits"));
  stops = anbu_map_page_get_route_stops (fx.page);
  g_assert_cmpuint (g_strv_length ((char **) stops), ==, 2);
  g_assert_true (g_strv_contains (stops, visit_due_ids[0]));
  g_assert_true (g_strv_contains (stops, visit_due_ids[1]));
  g_assert_nonnull (anbu_map_page_get_route_plan (fx.page));
  g_assert_cmpuint (anbu_map_page_get_route_plan (fx.page)->n_stops, ==, 2);
  g_assert_cmpuint (count_named_rows (anbu_test_find_named (fx.window, "route-stops"), "route-stop"), ==, 2);
}

static GtkWidget *
find_button_labelled (GtkWidget  *widget,
                      const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_labelled (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Presses a response button of a message dialog, as the planner does. */
static void
press_response (const char *dialog_name,
                const char *label)
{
  GtkWidget *dialog = anbu_test_find_toplevel_named (dialog_name);
  GtkWidget *button;

  g_assert_nonnull (dialog);
  anbu_test_wait_drawn (dialog);
  button = find_button_labelled (dialog, label);
  g_assert_nonnull (button);
  /* The dialog closes on the click: keep the button alive until the press is over. */
  g_object_ref (button);
  anbu_test_press (button);
  g_object_unref (button);
}

static gboolean
toplevel_shown (gpointer name)
{
  return anbu_test_find_toplevel_named (name) != NULL;
}

static gboolean
toplevel_gone (gpointer name)
{
  return anbu_test_find_toplevel_named (name) == NULL;
}

/* "Download this area": the planner sees how many tiles and how much first,
 * can stop it, and after a full run the area is in the cache. */
static void
test_download_area (void)
{
  GtkWidget *button = anbu_test_find_named (fx.window, "map-download");
  AnbuMapTileSource *source = anbu_map_view_get_tile_source (fx.view);
  g_autoptr(AnbuMapAreaDownloader) expected = NULL;
  g_autofree char *count = NULL;
  g_autofree char *size = NULL;
  GtkWidget *dialog;
  const char *body;
  guint before;

  show_at (SAJIK_LAT, SAJIK_LON, 15);
  expected = anbu_map_view_create_area_downloader (fx.view);
  g_assert_nonnull (expected);
  count = g_strdup_printf ("%" G_GUINT64_FORMAT, anbu_map_area_downloader_get_n_tiles (expected));
  size = g_format_size (anbu_map_area_downloader_get_estimated_bytes (expected));

  /* Stopped right away: the progress dialog goes, and a new download can start. */
  anbu_test_press (button);
  g_assert_true (anbu_test_wait_until (toplevel_shown, "map-download-confirm", TIMEOUT_MS));
  dialog = anbu_test_find_toplevel_named ("map-download-confirm");
  body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog));
  g_assert_nonnull (strstr (body, count));
  g_assert_nonnull (strstr (body, size));
  g_assert_nonnull (strstr (body, "12~17"));
  press_response ("map-download-confirm", "내려받기(_D)");
  /* The progress dialog is up as soon as the download starts; stop it before
   * the main loop runs again (the area may be cached and finish quickly). */
  dialog = anbu_test_find_toplevel_named ("map-download-progress");
  g_assert_nonnull (dialog);
  g_assert_nonnull (find_button_labelled (dialog, "멈춤(_S)"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (anbu_test_wait_until (toplevel_gone, "map-download-progress", TIMEOUT_MS));
  g_assert_true (anbu_test_wait_until (toplevel_gone, "map-download-confirm", TIMEOUT_MS));

  /* The whole way: the cache grows by the area (the basemap stops at zoom 16,
   * so zoom 17 is missing on the server and not cached). */
  before = count_tiles (anbu_map_tile_source_get_cache_dir (source));
  anbu_test_press (button);
  g_assert_true (anbu_test_wait_until (toplevel_shown, "map-download-confirm", TIMEOUT_MS));
  press_response ("map-download-confirm", "내려받기(_D)");
  g_assert_true (anbu_test_wait_until (toplevel_shown, "map-download-progress", TIMEOUT_MS));
  g_assert_true (anbu_test_wait_until (toplevel_gone, "map-download-progress", TIMEOUT_MS));
  g_assert_cmpuint (count_tiles (anbu_map_tile_source_get_cache_dir (source)), >, before);
  for (guint z = 12; z <= 16; z++)
    {
      guint x0, y0, x1, y1;
      double south, west, north, east;

      anbu_map_view_get_visible_area (fx.view, &south, &west, &north, &east);
      anbu_geo_tile_range (south, west, north, east, z, &x0, &y0, &x1, &y1);
      for (guint x = x0; x <= x1; x++)
        for (guint y = y0; y <= y1; y++)
          {
            g_autofree char *path = anbu_map_tile_source_get_cache_path (source, x, y, z);

            g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
          }
    }
}

/* Every control of the page, the route panel included, has a name for screen readers. */
static void
test_accessible_names (void)
{
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (anbu_test_find_named (fx.window, "map-route")), TRUE);
  anbu_test_wait_drawn (fx.window);
  anbu_test_assert_accessible_names (GTK_WIDGET (fx.page), "map page");
  /* The map's text alternative: a description pointing to the list, and the button to it. */
  gtk_test_accessible_assert_property (fx.view, GTK_ACCESSIBLE_PROPERTY_LABEL, "가구 지도");
  gtk_test_accessible_assert_property (fx.view, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "같은 가구를 가구 보기에서 목록으로 볼 수 있습니다. 목록으로 보기 버튼이나 Alt+2를 누르세요.");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (anbu_test_find_named (GTK_WIDGET (fx.page), "map-as-list"))),
                   ==, "win.show-view");
}

/* Selecting a household in the list highlights it on the map, and a
 * household picked on the map is the one selected in the list. */
static void
test_list_and_map_share_selection (void)
{
  GtkWidget *households = anbu_test_find_type (fx.window, ANBU_TYPE_HOUSEHOLDS_VIEW);
  GtkListView *list = GTK_LIST_VIEW (anbu_test_find_named (households, "households-list"));
  GtkSelectionModel *selection = gtk_list_view_get_model (list);
  g_autoptr(AnbuHouseholdSummary) first = NULL;
  AnbuHouseholdSummary *selected;
  g_autofree char *map_id = g_strdup (anbu_map_point_get_id (point_at (1)));

  g_assert_true (GTK_IS_SINGLE_SELECTION (selection));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), >, 1);
  first = g_list_model_get_item (G_LIST_MODEL (selection), 0);
  g_assert_true (gtk_selection_model_select_item (selection, 0, TRUE));
  g_assert_cmpstr (anbu_casework_get_selected_household_id (fx.casework), ==,
                   anbu_household_summary_get_id (first));
  g_assert_cmpstr (anbu_map_view_get_selected_id (fx.view), ==, anbu_household_summary_get_id (first));

  anbu_map_view_set_selected_id (fx.view, map_id);
  selected = gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (selection));
  g_assert_nonnull (selected);
  g_assert_cmpstr (anbu_household_summary_get_id (selected), ==, map_id);
  g_assert_cmpstr (anbu_casework_get_selected_household_id (fx.casework), ==, map_id);

  /* The selection does not get in the way of opening the household. */
  gtk_widget_activate_action (fx.window, "win.show-view", "s", "households");
  gtk_stack_set_visible_child_name (GTK_STACK (anbu_test_find_type (households, GTK_TYPE_STACK)), "list");
  anbu_test_wait_drawn (fx.window);
  g_assert_false (household_page_shown (NULL));
  g_signal_emit_by_name (list, "activate", gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (selection)));
  g_assert_true (anbu_test_wait_until (household_page_shown, NULL, TIMEOUT_MS));
  gtk_widget_activate_action (fx.window, "win.show-view", "s", "map");
  anbu_test_wait_drawn (fx.window);
}

/* Signing out detaches the views: no household and no route stays on the map. */
static void
test_detach_empties_map (void)
{
  anbu_map_page_add_route_stop (fx.page, anbu_map_point_get_id (point_at (0)));
  g_assert_nonnull (anbu_map_page_get_route_plan (fx.page));
  anbu_context_set_casework (anbu_application_get_context (fx.app), NULL);
  g_assert_null (anbu_map_page_get_model (fx.page));
  g_assert_null (anbu_map_view_get_model (fx.view));
  g_assert_null (anbu_map_page_get_route_plan (fx.page));
  g_assert_null (anbu_map_page_get_route_stops (fx.page)[0]);
  g_assert_cmpuint (count_named_rows (anbu_test_find_named (fx.window, "route-stops"), "route-stop"), ==, 0);
}

static void
on_https_tile (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  GBytes *tile = user_data;

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (tile, NULL), g_bytes_get_size (tile));
}

static gboolean
tiles_from (gpointer url)
{
  AnbuMapTileSource *source = anbu_map_view_get_tile_source (fx.view);

  return source != NULL && g_strcmp0 (anbu_map_tile_source_get_base_url (source), url) == 0;
}

static void
tile_ready_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The city's server has a certificate from its own CA, which the planner's
 * API client trusts: the map's tiles from that server load with the same
 * trust (they used to fail with an untrusted certificate). */
static void
test_tiles_trust_the_servers_ca (void)
{
  g_autofree char *cert = g_build_filename (TEST_TLS_DIR, "server.pem", NULL);
  g_autofree char *key = g_build_filename (TEST_TLS_DIR, "server-key.pem", NULL);
  g_autofree char *ca = g_build_filename (TEST_TLS_DIR, "ca.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files (cert, key, &error);
  /* One real tile of the district (zoom 12 around 사직동), served for any address. */
  g_autoptr(AnbuTestResponse) tile = anbu_test_request (fx.server, "GET", "/tiles/12/3492/1585.png",
                                                        NULL, NULL);
  SoupServer *https;
  g_autoptr(AnbuApiClient) client = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *url = NULL;
  AnbuMapTileSource *source;
  GSList *uris;

  g_assert_no_error (error);
  g_assert_cmpuint (tile->status, ==, 200);
  https = fx.https = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (https, "/tiles", on_https_tile, g_bytes_ref (tile->raw),
                           (GDestroyNotify) g_bytes_unref);
  g_assert_true (soup_server_listen_local (https, 0, SOUP_SERVER_LISTEN_IPV4_ONLY
                                                     | SOUP_SERVER_LISTEN_HTTPS, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (https);
  url = g_strdup_printf ("https://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  /* Signed in with the city's CA file; the tiles come from the TLS server. */
  client = anbu_api_client_new (fx.server->url, ca, &error);
  g_assert_no_error (error);
  anbu_case_store_set_api_client (fx.store, client);
  g_settings_set_string (settings, "tile-address", url);
  g_assert_true (anbu_test_wait_until (tiles_from, url, TIMEOUT_MS));

  source = anbu_map_view_get_tile_source (fx.view);
  ANBU_TEST_AWAIT (result, shumate_data_source_get_tile_data_async (SHUMATE_DATA_SOURCE (source), 3492, 1585, 12,
                                                          NULL, tile_ready_cb, &result));
  bytes = shumate_data_source_get_tile_data_finish (SHUMATE_DATA_SOURCE (source), result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), 4, "\x89PNG", 4);

  g_settings_reset (settings, "tile-address");
  anbu_case_store_set_api_client (fx.store, NULL);
  g_assert_true (anbu_test_wait_until (tiles_from, fx.server->url, TIMEOUT_MS));
}

int
main (int argc, char *argv[])
{
  g_autofree char *cache = g_dir_make_tmp ("anbu-map-cache-XXXXXX", NULL);
  int status;

  /* The tile cache goes to a directory of this run, not the user's. */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  anbu_test_init (&argc, &argv);

  if (g_getenv ("ANBU_SERVER") == NULL || g_getenv ("ANBU_PLUGSIM") == NULL
      || g_getenv ("ANBU_BASEMAP") == NULL)
    {
      g_print ("1..0 # SKIP ANBU_SERVER, ANBU_PLUGSIM or ANBU_BASEMAP is not set\n");
      return 0;
    }

  g_test_add_func ("/anbu/ui/map-page/fits-households", test_fits_households);
  g_test_add_func ("/anbu/ui/map-page/households-appear", test_households_appear);
  g_test_add_func ("/anbu/ui/map-page/cluster-click-zooms", test_cluster_click_zooms);
  g_test_add_func ("/anbu/ui/map-page/popover-opens-household", test_popover_opens_household);
  g_test_add_func ("/anbu/ui/map-page/route-for-five", test_route_for_five);
  g_test_add_func ("/anbu/ui/map-page/route-from-todays-visits", test_route_from_todays_visits);
  /* Before the download's toasts: libadwaita 1.2's toast close button has no name. */
  g_test_add_func ("/anbu/ui/map-page/accessible-names", test_accessible_names);
  g_test_add_func ("/anbu/ui/map-page/download-area", test_download_area);
  g_test_add_func ("/anbu/ui/map-page/list-and-map-share-selection", test_list_and_map_share_selection);
  g_test_add_func ("/anbu/ui/map-page/tiles-trust-the-servers-ca", test_tiles_trust_the_servers_ca);
  g_test_add_func ("/anbu/ui/map-page/detach-empties-map", test_detach_empties_map);

  fixture_set_up ();
  status = g_test_run ();
  fixture_tear_down ();
  return status;
}
