/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <math.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "anbu-map-view.h"
#include "map-test-server.h"

#define TIMEOUT_MS 30000
#define WIDTH 1024
#define HEIGHT 700

static const char * const surnames[] = { "김", "이", "박", "최", "정", "강", "조", "윤", "장", "임" };
static const char * const given[] = { "영수", "순자", "정숙", "영호", "옥순", "말순", "철수", "복남" };

typedef struct
{
  TestTileServer    *server;
  char              *cache;
  AnbuMapTileSource *source;
  GListStore        *store;
  GtkWidget         *window;
  AnbuMapView       *view;
  guint              tiles_received;
} Fixture;

static GListStore *
make_households (guint n,
                 guint seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  GListStore *store = g_list_store_new (ANBU_TYPE_MAP_POINT);

  for (guint i = 0; i < n; i++)
    {
      double r = g_rand_double (rand);
      AnbuMapState state = r < 0.70 ? ANBU_MAP_STATE_NORMAL :
                           r < 0.78 ? ANBU_MAP_STATE_ABSENT :
                           r < 0.85 ? ANBU_MAP_STATE_OFFLINE :
                           r < 0.92 ? ANBU_MAP_STATE_WATCH :
                           r < 0.97 ? ANBU_MAP_STATE_RISK : ANBU_MAP_STATE_CRITICAL;
      g_autofree char *id = g_strdup_printf ("hh-%04u", i);
      g_autofree char *name = g_strdup_printf ("%s%s", surnames[i % G_N_ELEMENTS (surnames)],
                                               given[(i / 3) % G_N_ELEMENTS (given)]);
      double quiet = state >= ANBU_MAP_STATE_WATCH ? g_rand_double_range (rand, 12, 60)
                                                   : g_rand_double_range (rand, 0, 10);
      g_autoptr(AnbuMapPoint) point =
        anbu_map_point_new (id, name,
                            g_rand_double_range (rand, TEST_SOUTH + 0.002, TEST_NORTH - 0.002),
                            g_rand_double_range (rand, TEST_WEST + 0.002, TEST_EAST - 0.002),
                            state, quiet);

      g_list_store_append (store, point);
    }
  return store;
}

static void
count_tick (guint *frames)
{
  (*frames)++;
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  count_tick (user_data);
  return G_SOURCE_CONTINUE;
}

/* Lets the window lay out and draw a few frames. */
static void
wait_frames (GtkWidget *widget,
             guint      n)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (widget, on_tick, &frames, NULL);

  g_assert_true (test_wait_until_uint (&frames, n, TIMEOUT_MS));
  gtk_widget_remove_tick_callback (widget, id);
}

static void
on_tile_received (ShumateDataSource *source,
                  int                x,
                  int                y,
                  int                zoom,
                  GBytes            *bytes,
                  guint             *count)
{
  (*count)++;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint n = GPOINTER_TO_UINT (data);

  f->server = test_tile_server_new (12, 15);
  f->cache = g_dir_make_tmp ("anbu-view-XXXXXX", &error);
  g_assert_no_error (error);
  f->source = anbu_map_tile_source_new (f->server->url, f->cache);
  g_signal_connect (f->source, "received-data", G_CALLBACK (on_tile_received),
                    &f->tiles_received);
  /* What anbu-basemap writes as the attribution of its placeholder tiles. */
  anbu_map_tile_source_set_attribution (f->source, "지도 자리표시 — 실제 지도 아님");
  f->store = make_households (n, 20231109);

  f->view = anbu_map_view_new ();
  anbu_map_view_set_tile_source (f->view, f->source);
  anbu_map_view_set_model (f->view, G_LIST_MODEL (f->store));
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), WIDTH, HEIGHT);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->view));
  anbu_map_view_center_on (f->view, (TEST_SOUTH + TEST_NORTH) / 2, (TEST_WEST + TEST_EAST) / 2,
                           14);
  gtk_window_present (GTK_WINDOW (f->window));
  wait_frames (f->window, 3);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->view)), ==, WIDTH);
}

static void
on_source_finalized (gpointer  data,
                     GObject  *where_the_object_was)
{
  *(gboolean *) data = TRUE;
}

/* Drops the last reference the test holds on a tile source and waits until its
 * requests still in flight are over and it is gone: a closed map must let go of
 * its tiles, and nothing of one test may run during the next. */
static void
release_source (AnbuMapTileSource **source)
{
  gboolean gone = FALSE;

  g_object_weak_ref (G_OBJECT (*source), on_source_finalized, &gone);
  g_clear_object (source);
  g_assert_true (test_wait_for (&gone, TIMEOUT_MS));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  /* The counter lives in the fixture, which g_test frees after this. */
  g_signal_handlers_disconnect_by_data (f->source, &f->tiles_received);
  g_clear_object (&f->store);
  release_source (&f->source);
  g_clear_pointer (&f->server, test_tile_server_free);
  g_free (f->cache);
}

static AnbuMapPoint *
household (Fixture *f,
           guint    i)
{
  AnbuMapPoint *point = g_list_model_get_item (G_LIST_MODEL (f->store), i);

  g_object_unref (point);   /* the store keeps it */
  return point;
}

static void
household_in_layer (Fixture      *f,
                    AnbuMapPoint *point,
                    double       *x,
                    double       *y)
{
  shumate_viewport_location_to_widget_coords (anbu_map_view_get_viewport (f->view),
                                              GTK_WIDGET (anbu_map_view_get_status_layer (f->view)),
                                              anbu_map_point_get_latitude (point),
                                              anbu_map_point_get_longitude (point), x, y);
}

static void
test_positions_match_libshumate (Fixture       *f,
                                 gconstpointer  data)
{
  const double zooms[] = { 17.0, 17.5, 18.0, 19.0 };
  AnbuMapStatusLayer *layer = anbu_map_view_get_status_layer (f->view);

  for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
    {
      guint checked = 0;

      for (guint i = 0; i < 40; i++)
        {
          AnbuMapPoint *point = household (f, i);
          AnbuMapPick pick;
          double x, y;

          /* Centre on the household: it is in view, drawn where libshumate puts it. */
          anbu_map_view_center_on (f->view, anbu_map_point_get_latitude (point),
                                   anbu_map_point_get_longitude (point), zooms[z]);
          household_in_layer (f, point, &x, &y);
          g_assert_true (anbu_map_status_layer_pick (layer, x, y, &pick));
          g_assert_cmpint (pick.kind, ==, ANBU_MAP_PICK_HOUSEHOLD);
          g_assert_cmpfloat (fabs (pick.x - x), <, 0.5);
          g_assert_cmpfloat (fabs (pick.y - y), <, 0.5);
          g_assert_cmpstr (anbu_map_point_get_id (pick.point), ==, anbu_map_point_get_id (point));
          checked++;
        }
      g_assert_cmpuint (checked, ==, 40);
    }
}

/* Finds a cluster by clicking through the map on a grid, as a planner would. */
static gboolean
find_cluster (Fixture     *f,
              AnbuMapPick *pick)
{
  AnbuMapStatusLayer *layer = anbu_map_view_get_status_layer (f->view);

  for (int y = 40; y < HEIGHT - 40; y += 6)
    for (int x = 200; x < WIDTH - 40; x += 6)
      if (anbu_map_status_layer_pick (layer, x, y, pick) && pick->kind == ANBU_MAP_PICK_CLUSTER)
        return TRUE;
  return FALSE;
}

static void
on_zoom_changed (ShumateViewport *viewport,
                 GParamSpec      *pspec,
                 gboolean        *reached)
{
  if (shumate_viewport_get_zoom_level (viewport) >= 14.999)
    *reached = TRUE;
}

static void
test_cluster_click_zooms_in (Fixture       *f,
                             gconstpointer  data)
{
  ShumateViewport *viewport = anbu_map_view_get_viewport (f->view);
  AnbuMapStatusLayer *layer = anbu_map_view_get_status_layer (f->view);
  AnbuMapPick pick;
  gboolean reached = FALSE;
  double vx, vy;
  gulong handler;

  anbu_map_view_center_on (f->view, (TEST_SOUTH + TEST_NORTH) / 2, (TEST_WEST + TEST_EAST) / 2, 13);
  wait_frames (f->window, 2);
  g_assert_true (find_cluster (f, &pick));
  g_assert_cmpuint (pick.count, >, 1);
  /* The drawn counts add up to the households in view. */
  g_assert_cmpuint (anbu_map_status_layer_get_n_drawn_households (layer), ==, 300);
  g_assert_cmpuint (anbu_map_status_layer_get_n_drawn_clusters (layer), <, 300);

  handler = g_signal_connect (viewport, "notify::zoom-level", G_CALLBACK (on_zoom_changed),
                              &reached);
  g_assert_true (gtk_widget_translate_coordinates (GTK_WIDGET (layer), GTK_WIDGET (f->view),
                                                   pick.x, pick.y, &vx, &vy));
  g_assert_true (anbu_map_view_activate_at (f->view, vx, vy));
  g_assert_true (test_wait_for (&reached, TIMEOUT_MS));
  g_signal_handler_disconnect (viewport, handler);
  wait_frames (f->window, 2);

  /* Two levels closer, centred on the cluster. */
  g_assert_cmpfloat_with_epsilon (shumate_viewport_get_zoom_level (viewport), 15, 0.01);
  g_assert_cmpfloat_with_epsilon (shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
                                  pick.latitude, 1e-4);
  g_assert_cmpfloat_with_epsilon (shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
                                  pick.longitude, 1e-4);
  /* Clicking empty sea does nothing. */
  anbu_map_view_center_on (f->view, TEST_NORTH + 0.05, TEST_WEST, 17);
  g_assert_false (anbu_map_view_activate_at (f->view, WIDTH / 2.0, HEIGHT / 2.0));
}

static void
collect_texts (GtkWidget *widget,
               GString   *texts,
               GtkWidget **button)
{
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (texts, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  if (GTK_IS_BUTTON (widget) && *button == NULL)
    *button = widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_texts (child, texts, button);
}

static void
on_household_activated (AnbuMapView *view,
                        const char  *id,
                        char       **out)
{
  g_free (*out);
  *out = g_strdup (id);
}

static void
on_selected_notify (GObject    *object,
                    GParamSpec *pspec,
                    guint      *count)
{
  (*count)++;
}

static void
test_household_popover (Fixture       *f,
                        gconstpointer  data)
{
  AnbuMapPoint *point = NULL;
  GtkPopover *popover = anbu_map_view_get_popover (f->view);
  g_autoptr(GString) texts = g_string_new (NULL);
  g_autofree char *activated = NULL;
  g_autofree char *quiet = NULL;
  GtkWidget *button = NULL;
  guint selected_notes = 0;
  double x, y, vx, vy;

  /* A household in a 위험 state, close up. */
  for (guint i = 0; i < 300 && point == NULL; i++)
    if (anbu_map_point_get_state (household (f, i)) == ANBU_MAP_STATE_RISK)
      point = household (f, i);
  g_assert_nonnull (point);
  anbu_map_view_center_on (f->view, anbu_map_point_get_latitude (point),
                           anbu_map_point_get_longitude (point), 18);
  wait_frames (f->window, 2);

  g_signal_connect (f->view, "household-activated", G_CALLBACK (on_household_activated),
                    &activated);
  g_signal_connect (f->view, "notify::selected-id", G_CALLBACK (on_selected_notify),
                    &selected_notes);
  household_in_layer (f, point, &x, &y);
  g_assert_true (gtk_widget_translate_coordinates (
    GTK_WIDGET (anbu_map_view_get_status_layer (f->view)), GTK_WIDGET (f->view), x, y, &vx, &vy));
  g_assert_true (anbu_map_view_activate_at (f->view, vx + 3, vy - 2));
  wait_frames (f->window, 2);

  /* The click selects it (shared with the list) and opens its popover. */
  g_assert_cmpstr (anbu_map_view_get_selected_id (f->view), ==, anbu_map_point_get_id (point));
  g_assert_cmpuint (selected_notes, ==, 1);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
  collect_texts (GTK_WIDGET (popover), texts, &button);
  quiet = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Quiet for %d hour",
                                        "Quiet for %d hours",
                                        (int) floor (anbu_map_point_get_quiet_hours (point))),
                           (int) floor (anbu_map_point_get_quiet_hours (point)));
  g_test_message ("popover says: %s", texts->str);
  g_assert_nonnull (strstr (texts->str, anbu_map_point_get_name (point)));
  g_assert_nonnull (strstr (texts->str, anbu_map_state_get_label (ANBU_MAP_STATE_RISK)));
  g_assert_nonnull (strstr (texts->str, quiet));

  /* Its button asks the app to open the household's page. */
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpstr (activated, ==, anbu_map_point_get_id (point));
  wait_frames (f->window, 2);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (popover)));

  /* Selecting from the list highlights it on the map, once. */
  anbu_map_view_set_selected_id (f->view, "hh-0001");
  anbu_map_view_set_selected_id (f->view, "hh-0001");
  g_assert_cmpuint (selected_notes, ==, 2);
  g_assert_cmpstr (anbu_map_status_layer_get_selected_id (anbu_map_view_get_status_layer (f->view)),
                   ==, "hh-0001");
}

static void
on_popover_visible (GObject    *popover,
                    GParamSpec *pspec,
                    gboolean   *shown)
{
  if (gtk_widget_get_visible (GTK_WIDGET (popover)))
    *shown = TRUE;
}

/* A real click through the X server, as a planner's mouse would send it: the
 * layer's gesture must get it past libshumate's own gestures. */
static void
test_real_click_opens_popover (Fixture       *f,
                               gconstpointer  data)
{
#ifdef GDK_WINDOWING_X11
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (f->window));
  AnbuMapPoint *point = household (f, 17);
  gboolean shown = FALSE;
  double x, y, wx, wy, sx, sy;
  g_autofree char *xid = NULL;
  g_autofree char *px = NULL;
  g_autofree char *py = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (xdotool == NULL || !GDK_IS_X11_SURFACE (surface))
    {
      g_test_skip ("needs xdotool and an X11 display (build-aux/packages.sh installs xdotool)");
      return;
    }

  anbu_map_view_center_on (f->view, anbu_map_point_get_latitude (point),
                           anbu_map_point_get_longitude (point), 18);
  wait_frames (f->window, 3);
  household_in_layer (f, point, &x, &y);
  g_assert_true (gtk_widget_translate_coordinates (
    GTK_WIDGET (anbu_map_view_get_status_layer (f->view)), f->window, x, y, &wx, &wy));
  gtk_native_get_surface_transform (GTK_NATIVE (f->window), &sx, &sy);
  xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
  px = g_strdup_printf ("%d", (int) round (wx + sx));
  py = g_strdup_printf ("%d", (int) round (wy + sy));

  g_signal_connect (anbu_map_view_get_popover (f->view), "notify::visible",
                    G_CALLBACK (on_popover_visible), &shown);
  {
    const char *argv[] = { xdotool, "mousemove", "--window", xid, px, py, "click", "1", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                                 NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  g_assert_true (test_wait_for (&shown, TIMEOUT_MS));
  g_assert_cmpstr (anbu_map_view_get_selected_id (f->view), ==, anbu_map_point_get_id (point));

  /* Dragging still pans the map: the view only claims clicks that hit something. */
  gtk_popover_popdown (anbu_map_view_get_popover (f->view));
  wait_frames (f->window, 2);
  {
    ShumateViewport *viewport = anbu_map_view_get_viewport (f->view);
    double before = shumate_location_get_longitude (SHUMATE_LOCATION (viewport));
    g_autofree char *fx = g_strdup_printf ("%d", (int) round (sx + 300));
    g_autofree char *tx = g_strdup_printf ("%d", (int) round (sx + 420));
    g_autofree char *ty = g_strdup_printf ("%d", (int) round (sy + 300));
    const char *argv[] = { xdotool, "mousemove", "--window", xid, fx, ty, "mousedown", "1",
                           "mousemove", "--window", xid, tx, ty, "mouseup", "1", NULL };
    guint frames_left = 200;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                                 NULL, &status, &error));
    g_assert_no_error (error);
    while (frames_left-- > 0 &&
           shumate_location_get_longitude (SHUMATE_LOCATION (viewport)) == before)
      wait_frames (f->window, 1);
    /* Dragged 120 px to the right: the map now shows what was further west. */
    g_assert_cmpfloat (shumate_location_get_longitude (SHUMATE_LOCATION (viewport)), <, before);
  }
#else
  g_test_skip ("needs an X11 display");
#endif
}

static gboolean
is_urgent (gpointer item,
           gpointer user_data)
{
  return anbu_map_point_get_state (item) >= ANBU_MAP_STATE_RISK;
}

static void
test_filter_applies_to_map (Fixture       *f,
                            gconstpointer  data)
{
  AnbuMapStatusLayer *layer = anbu_map_view_get_status_layer (f->view);
  g_autoptr(GtkFilterListModel) filtered = NULL;
  GtkCustomFilter *urgent;
  guint expected = 0;

  anbu_map_view_center_on (f->view, (TEST_SOUTH + TEST_NORTH) / 2, (TEST_WEST + TEST_EAST) / 2, 12);
  wait_frames (f->window, 2);
  g_assert_cmpuint (anbu_map_status_layer_get_n_drawn_households (layer), ==, 300);

  for (guint i = 0; i < 300; i++)
    if (anbu_map_point_get_state (household (f, i)) >= ANBU_MAP_STATE_RISK)
      expected++;
  g_assert_cmpuint (expected, >, 0);

  /* The list's filter (here: 위험 and worse) drives the map through the same model. */
  filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (f->store)), NULL);
  anbu_map_view_set_model (f->view, G_LIST_MODEL (filtered));
  urgent = gtk_custom_filter_new (is_urgent, NULL, NULL);
  gtk_filter_list_model_set_filter (filtered, GTK_FILTER (urgent));
  g_object_unref (urgent);
  wait_frames (f->window, 2);
  g_assert_cmpuint (anbu_map_status_layer_get_n_drawn_households (layer), ==, expected);

  /* A household added to the caseload appears. */
  {
    g_autoptr(AnbuMapPoint) extra = anbu_map_point_new ("hh-new", "신규가구", 37.47, 126.93,
                                                         ANBU_MAP_STATE_CRITICAL, 30);

    g_list_store_append (f->store, extra);
    wait_frames (f->window, 2);
    g_assert_cmpuint (anbu_map_status_layer_get_n_drawn_households (layer), ==, expected + 1);
  }

  /* Clearing the filter shows everyone again. */
  gtk_filter_list_model_set_filter (filtered, NULL);
  wait_frames (f->window, 2);
  g_assert_cmpuint (anbu_map_status_layer_get_n_drawn_households (layer), ==, 301);
}

static void
test_area_of_view (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(AnbuMapAreaDownloader) downloader = NULL;
  double south, west, north, east, lat, lon;
  guint64 z17;

  anbu_map_view_center_on (f->view, 37.47, 126.93, 15);
  wait_frames (f->window, 2);
  anbu_map_view_get_visible_area (f->view, &south, &west, &north, &east);
  /* The corners of the window are the corners of the area. */
  shumate_viewport_widget_coords_to_location (anbu_map_view_get_viewport (f->view),
                                              GTK_WIDGET (anbu_map_view_get_map (f->view)),
                                              0, 0, &lat, &lon);
  g_assert_cmpfloat_with_epsilon (lat, north, 1e-9);
  g_assert_cmpfloat_with_epsilon (lon, west, 1e-9);
  g_assert_cmpfloat (south, <, 37.47);
  g_assert_cmpfloat (north, >, 37.47);

  /* Zooms 12 to 17 of that area: at 17 the window is 4 × 4 times as many tiles as
   * at 15 (1024×700 px at zoom 15 is about 5 × 4 tiles). */
  downloader = anbu_map_view_create_area_downloader (f->view);
  g_assert_nonnull (downloader);
  z17 = anbu_geo_count_tiles (south, west, north, east, 17, 17);
  g_assert_cmpuint (z17, >=, 16 * 4 * 3);
  g_assert_cmpuint (anbu_map_area_downloader_get_n_tiles (downloader), ==,
                    anbu_geo_count_tiles (south, west, north, east, 12, 17));
  g_assert_cmpuint (anbu_map_area_downloader_get_n_tiles (downloader), <, z17 * 2);
}

typedef struct
{
  guint  count;
  double latitude;
  double longitude;
} Picked;

static void
on_location_picked (AnbuMapView *view,
                    double       latitude,
                    double       longitude,
                    Picked      *picked)
{
  picked->count++;
  picked->latitude = latitude;
  picked->longitude = longitude;
}

static void
test_pick_location (Fixture       *f,
                    gconstpointer  data)
{
  AnbuMapPoint *point = household (f, 5);
  Picked picked = { 0 };
  double x, y, vx, vy, lat, lon, expect_lat, expect_lon;

  anbu_map_view_center_on (f->view, anbu_map_point_get_latitude (point),
                           anbu_map_point_get_longitude (point), 18);
  wait_frames (f->window, 2);
  g_signal_connect (f->view, "location-picked", G_CALLBACK (on_location_picked), &picked);
  g_assert_false (anbu_map_view_get_picked_location (f->view, NULL, NULL));

  /* Installing a plug: the planner clicks where the home is, even on a marker. */
  anbu_map_view_set_picking_location (f->view, TRUE);
  household_in_layer (f, point, &x, &y);
  g_assert_true (gtk_widget_translate_coordinates (
    GTK_WIDGET (anbu_map_view_get_status_layer (f->view)), GTK_WIDGET (f->view), x + 40, y + 25,
    &vx, &vy));
  g_assert_true (anbu_map_view_activate_at (f->view, vx, vy));
  g_assert_cmpuint (picked.count, ==, 1);
  shumate_viewport_widget_coords_to_location (anbu_map_view_get_viewport (f->view),
                                              GTK_WIDGET (anbu_map_view_get_status_layer (f->view)),
                                              x + 40, y + 25, &expect_lat, &expect_lon);
  g_assert_cmpfloat_with_epsilon (picked.latitude, expect_lat, 1e-9);
  g_assert_cmpfloat_with_epsilon (picked.longitude, expect_lon, 1e-9);
  /* At zoom 18 a pixel is under a metre: 40 px east is east, 25 px down is south. */
  g_assert_cmpfloat (picked.longitude, >, anbu_map_point_get_longitude (point));
  g_assert_cmpfloat (picked.latitude, <, anbu_map_point_get_latitude (point));
  g_assert_true (anbu_map_view_get_picked_location (f->view, &lat, &lon));
  g_assert_cmpfloat_with_epsilon (lat, expect_lat, 1e-9);
  /* No household was selected and no popover opened. */
  g_assert_null (anbu_map_view_get_selected_id (f->view));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (anbu_map_view_get_popover (f->view))));
  wait_frames (f->window, 2);

  /* Done picking: clicks select households again, and the pin can go. */
  anbu_map_view_set_picking_location (f->view, FALSE);
  g_assert_true (gtk_widget_translate_coordinates (
    GTK_WIDGET (anbu_map_view_get_status_layer (f->view)), GTK_WIDGET (f->view), x, y, &vx, &vy));
  g_assert_true (anbu_map_view_activate_at (f->view, vx, vy));
  g_assert_cmpuint (picked.count, ==, 1);
  g_assert_cmpstr (anbu_map_view_get_selected_id (f->view), ==, anbu_map_point_get_id (point));
  anbu_map_view_clear_picked_location (f->view);
  g_assert_false (anbu_map_view_get_picked_location (f->view, NULL, NULL));
}

static void
test_route (Fixture       *f,
            gconstpointer  data)
{
  const AnbuGeoCoord centre = { 37.4781, 126.9515 };
  const char *ids[] = { "hh-0003", "hh-0010", "hh-0042", "hh-0100", "hh-0150", "hh-0299", NULL };
  const char *unknown[] = { "hh-0003", "no-such-household", NULL };
  g_autoptr(AnbuRoutePlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  gboolean seen[6] = { FALSE };

  plan = anbu_map_view_show_route (f->view, &centre, ids, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plan->n_stops, ==, 6);
  for (guint k = 0; k < 6; k++)
    {
      g_assert_cmpuint (plan->order[k], <, 6);
      g_assert_false (seen[plan->order[k]]);
      seen[plan->order[k]] = TRUE;
    }
  g_assert_cmpfloat (plan->total_m, >, 0);
  g_assert_cmpuint (anbu_map_route_layer_get_n_places (anbu_map_view_get_route_layer (f->view)),
                    ==, 7);

  /* A stop the map does not know: an error the planner can act on, the old route stays. */
  g_assert_null (anbu_map_view_show_route (f->view, &centre, unknown, TRUE, &error));
  g_assert_error (error, ANBU_MAP_VIEW_ERROR, ANBU_MAP_VIEW_ERROR_UNKNOWN_HOUSEHOLD);
  g_assert_cmpuint (anbu_map_route_layer_get_n_places (anbu_map_view_get_route_layer (f->view)),
                    ==, 7);

  anbu_map_view_clear_route (f->view);
  g_assert_cmpuint (anbu_map_route_layer_get_n_places (anbu_map_view_get_route_layer (f->view)),
                    ==, 0);
}

static GdkTexture *
render_window (GtkWidget *window)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  int w = gtk_widget_get_width (window), h = gtk_widget_get_height (window);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  return gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                      &GRAPHENE_RECT_INIT (0, 0, w, h));
}

typedef struct
{
  guint paper;      /* the placeholder tiles' background */
  guint critical;   /* the red of 심각 */
  guint route;      /* the route's blue */
} PixelCounts;

static void
count_pixels (GdkTexture  *texture,
              PixelCounts *counts)
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_autofree guchar *data = g_malloc ((gsize) w * h * 4);

  gdk_texture_download (texture, data, (gsize) w * 4);
  memset (counts, 0, sizeof *counts);
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      int b = data[4 * i], g = data[4 * i + 1], r = data[4 * i + 2];

      if (abs (r - 242) <= 3 && abs (g - 240) <= 3 && abs (b - 232) <= 3)
        counts->paper++;
      if (r > 190 && g < 30 && b < 50)
        counts->critical++;
      if (abs (r - 26) <= 6 && abs (g - 94) <= 8 && abs (b - 181) <= 8)
        counts->route++;
    }
}

/* Critical-red pixels the window shows within 40 px of a household, and
 * their mean column. */
static guint
critical_pixels_near (Fixture      *f,
                      AnbuMapPoint *point,
                      double       *mean_x)
{
  g_autoptr(GdkTexture) texture = render_window (f->window);
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_autofree guchar *data = g_malloc ((gsize) w * h * 4);
  double lx, ly, cx, cy;
  guint count = 0;
  double sum = 0;

  household_in_layer (f, point, &lx, &ly);
  g_assert_true (gtk_widget_translate_coordinates (
    GTK_WIDGET (anbu_map_view_get_status_layer (f->view)), f->window, lx, ly, &cx, &cy));
  gdk_texture_download (texture, data, (gsize) w * 4);
  for (int y = MAX (0, (int) cy - 40); y < MIN (h, (int) cy + 40); y++)
    for (int x = MAX (0, (int) cx - 40); x < MIN (w, (int) cx + 40); x++)
      {
        const guchar *p = &data[4 * ((gsize) y * w + x)];

        if (p[2] > 190 && p[1] < 30 && p[0] < 50)
          {
            count++;
            sum += x - cx;
          }
      }
  if (mean_x != NULL)
    *mean_x = count > 0 ? sum / count : 1000;
  return count;
}

/* At street zoom the markers are drawn once per tile and reused while the map
 * pans: what the planner sees must still follow the caseload and the map. */
static void
test_street_markers_follow_changes (Fixture       *f,
                                    gconstpointer  data)
{
  const double lat = (TEST_SOUTH + TEST_NORTH) / 2, lon = (TEST_WEST + TEST_EAST) / 2;
  g_autoptr(GListStore) store = g_list_store_new (ANBU_TYPE_MAP_POINT);
  g_autoptr(AnbuMapPoint) critical = anbu_map_point_new ("hh-one", "김영수", lat, lon,
                                                         ANBU_MAP_STATE_CRITICAL, 40);
  g_autoptr(AnbuMapPoint) calm = anbu_map_point_new ("hh-one", "김영수", lat, lon,
                                                     ANBU_MAP_STATE_NORMAL, 1);
  double offset;

  g_list_store_append (store, critical);
  anbu_map_view_set_model (f->view, G_LIST_MODEL (store));
  anbu_map_view_center_on (f->view, lat, lon, 17);
  wait_frames (f->window, 3);
  g_assert_cmpuint (critical_pixels_near (f, critical, &offset), >, 20);
  g_assert_cmpfloat (fabs (offset), <, 3);

  /* The map pans 200 px: the marker goes with it, to where its place now is. */
  shumate_location_set_location (SHUMATE_LOCATION (anbu_map_view_get_viewport (f->view)), lat,
                                 lon + 200 * 360.0 / (256.0 * exp2 (17)));
  wait_frames (f->window, 3);
  g_assert_cmpuint (critical_pixels_near (f, critical, &offset), >, 20);
  g_assert_cmpfloat (fabs (offset), <, 3);

  /* The signal is resolved: the household is no longer drawn as 심각. */
  g_list_store_splice (store, 0, 1, (gpointer *) &calm, 1);
  wait_frames (f->window, 3);
  g_assert_cmpuint (critical_pixels_near (f, calm, NULL), ==, 0);
}

static void
test_screenshot (Fixture       *f,
                 gconstpointer  data)
{
  const AnbuGeoCoord centre = { 37.4781, 126.9300 };
  const char *visits[] = { "hh-0007", "hh-0021", "hh-0058", "hh-0090", "hh-0133", "hh-0170",
                           "hh-0222", NULL };
  g_autoptr(AnbuRoutePlan) plan = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (g_getenv ("ANBU_BUILD_DIR"), "tests", "map",
                                            "map-view-screenshot.png", NULL);
  PixelCounts counts;

  anbu_map_view_center_on (f->view, (TEST_SOUTH + TEST_NORTH) / 2, (TEST_WEST + TEST_EAST) / 2,
                           14.3);
  plan = anbu_map_view_show_route (f->view, &centre, visits, TRUE, NULL);
  g_assert_nonnull (plan);

  /* The district's tiles at zoom 14 come from the test server (a 1024×700 window
   * needs at least 12 of them), then the map settles. */
  g_assert_true (test_wait_until_uint (&f->tiles_received, 12, TIMEOUT_MS));
  wait_frames (f->window, 5);

  texture = render_window (f->window);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);

  count_pixels (texture, &counts);
  g_test_message ("paper %u, critical %u, route %u", counts.paper, counts.critical, counts.route);
  /* Tiles are painted, households of every kind are drawn, and so is the route. */
  g_assert_cmpuint (counts.paper, >, WIDTH * HEIGHT / 4);
  g_assert_cmpuint (counts.critical, >, 20);
  g_assert_cmpuint (counts.route, >, 200);
  g_assert_cmpuint (anbu_map_status_layer_get_n_drawn_households (
                      anbu_map_view_get_status_layer (f->view)), >, 100);

  /* Street level: every household has its own marker, the selected one ringed. */
  {
    AnbuMapPoint *point = household (f, 42);
    g_autoptr(GdkTexture) street = NULL;
    g_autofree char *street_path = g_build_filename (g_getenv ("ANBU_BUILD_DIR"), "tests", "map",
                                                     "map-view-street.png", NULL);
    guint before = f->tiles_received;

    anbu_map_view_clear_route (f->view);
    anbu_map_view_set_selected_id (f->view, anbu_map_point_get_id (point));
    /* A location being chosen for a new plug, next to it. */
    anbu_map_view_set_picked_location (f->view, anbu_map_point_get_latitude (point) - 0.0004,
                                       anbu_map_point_get_longitude (point) + 0.0008);
    anbu_map_view_center_on (f->view, anbu_map_point_get_latitude (point),
                             anbu_map_point_get_longitude (point), 17);
    /* Zoom 17 is beyond the basemap (12–15): libshumate scales up zoom-15 tiles. */
    test_wait_until_uint (&f->tiles_received, before + 1, 2000);
    wait_frames (f->window, 5);
    street = render_window (f->window);
    g_assert_true (gdk_texture_save_to_png (street, street_path));
    g_test_message ("screenshot: %s", street_path);
    count_pixels (street, &counts);
    g_assert_cmpuint (counts.route, >, 30);    /* the selection ring shares the route's blue */
    g_assert_cmpuint (anbu_map_status_layer_get_n_drawn_clusters (
                        anbu_map_view_get_status_layer (f->view)), ==,
                      anbu_map_status_layer_get_n_drawn_households (
                        anbu_map_view_get_status_layer (f->view)));
  }
}

/* Closing the map while its tiles are still being fetched: the requests are
 * cancelled, no tile is handed to the map that is gone, and the tile source is
 * released once they are over, even when the server answers afterwards. */
static void
test_close_while_tiles_load (void)
{
  g_autoptr(TestTileServer) server = test_tile_server_new (12, 15);
  g_autoptr(GError) error = NULL;
  g_autofree char *cache = g_dir_make_tmp ("anbu-view-XXXXXX", &error);
  AnbuMapTileSource *source;
  AnbuMapView *view;
  GtkWidget *window;
  guint received = 0, received_at_close;

  g_assert_no_error (error);
  server->hold = TRUE;
  source = anbu_map_tile_source_new (server->url, cache);
  g_signal_connect (source, "received-data", G_CALLBACK (on_tile_received), &received);

  view = anbu_map_view_new ();
  anbu_map_view_set_tile_source (view, source);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  anbu_map_view_center_on (view, (TEST_SOUTH + TEST_NORTH) / 2, (TEST_WEST + TEST_EAST) / 2,
                           14);
  gtk_window_present (GTK_WINDOW (window));

  /* The map asks for its tiles; the server keeps them waiting (two connections). */
  g_assert_true (test_wait_until_uint (&server->n_requests, 2, TIMEOUT_MS));
  g_assert_cmpuint (received, ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  received_at_close = received;
  /* The server answers now, after the map is gone. */
  server->hold = FALSE;
  test_tile_server_release (server);
  release_source (&source);
  g_assert_cmpuint (received, ==, received_at_close);
}

/* A tile as a tile server sends it: opaque paper and a red street, and a
 * half-transparent blue band (some servers send transparent overlays). */
static GBytes *
make_tile_png (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 256, 256);
  cairo_t *cr = cairo_create (surface);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  char *contents;
  gsize length;
  int fd;

  cairo_set_source_rgb (cr, 242 / 255.0, 240 / 255.0, 232 / 255.0);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 200 / 255.0, 30 / 255.0, 40 / 255.0);
  cairo_rectangle (cr, 0, 100, 256, 20);
  cairo_fill (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
  cairo_set_source_rgba (cr, 0, 0, 1, 0.5);
  cairo_rectangle (cr, 0, 200, 256, 20);
  cairo_fill (cr);
  cairo_destroy (cr);
  fd = g_file_open_tmp ("anbu-tile-XXXXXX.png", &path, &error);
  g_assert_no_error (error);
  g_close (fd, NULL);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_unlink (path);
  return g_bytes_new_take (contents, length);
}

/* The colour (0xRRGGBB, premultiplied, over nothing) and alpha at (x, y). */
static guint
pixel_at (GdkTexture *texture,
          int         x,
          int         y,
          guint      *alpha)
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_autofree guchar *data = g_malloc ((gsize) w * h * 4);
  const guchar *p;

  gdk_texture_download (texture, data, (gsize) w * 4);
  p = data + ((gsize) y * w + x) * 4;
  *alpha = p[3];
  return (guint) p[2] << 16 | (guint) p[1] << 8 | p[0];
}

static void
assert_colour_near (guint colour,
                    guint expected)
{
  for (int shift = 0; shift <= 16; shift += 8)
    g_assert_cmpint (abs ((int) ((colour >> shift) & 0xff) - (int) ((expected >> shift) & 0xff)),
                     <=, 2);
}

static void
on_tile_filled (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  guint *done = user_data;

  g_assert_true (shumate_map_source_fill_tile_finish (SHUMATE_MAP_SOURCE (object), result, &error));
  g_assert_no_error (error);
  (*done)++;
}

/* Tiles reach the map as they were sent, at their size and scaled up (the
 * map between zoom levels), and not as texture nodes, which GTK 4.8's cairo
 * renderer converts pixel by pixel every frame: a pan at street zoom spent
 * more time converting the 20–40 tiles in view than drawing anything. */
static void
test_tiles_drawn_as_sent (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cache = g_dir_make_tmp ("anbu-view-XXXXXX", &error);
  /* Nothing listens there: the tile comes from the cache. */
  g_autoptr(AnbuMapTileSource) source = anbu_map_tile_source_new ("http://127.0.0.1:9", cache);
  g_autoptr(ShumateMapSource) map_source = anbu_map_tile_source_create_map_source (source);
  g_autoptr(ShumateTile) tile = shumate_tile_new_full (13970, 6350, 256, 14);
  g_autofree char *path = anbu_map_tile_source_get_cache_path (source, 13970, 6350, 14);
  g_autoptr(GBytes) png = make_tile_png ();
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  GdkPaintable *paintable;
  guint done = 0;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (png, NULL), g_bytes_get_size (png),
                                      NULL));
  shumate_map_source_fill_tile_async (map_source, tile, NULL, on_tile_filled, &done);
  g_assert_true (test_wait_until_uint (&done, 1, TIMEOUT_MS));
  g_assert_cmpint (shumate_tile_get_state (tile), ==, SHUMATE_STATE_DONE);
  paintable = shumate_tile_get_paintable (tile);
  g_assert_nonnull (paintable);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, 256);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, 256);
  g_assert_true (gsk_renderer_realize (renderer, NULL, &error));

  for (int scale = 1; scale <= 2; scale++)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      g_autoptr(GdkTexture) texture = NULL;
      guint alpha;

      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), 256 * scale, 256 * scale);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      g_assert_nonnull (node);
      g_assert_cmpint (gsk_render_node_get_node_type (node), !=, GSK_TEXTURE_NODE);
      texture = gsk_renderer_render_texture (renderer, node,
                                             &GRAPHENE_RECT_INIT (0, 0, 256 * scale, 256 * scale));
      assert_colour_near (pixel_at (texture, 50 * scale, 50 * scale, &alpha), 0xf2f0e8);
      g_assert_cmpuint (alpha, ==, 255);
      assert_colour_near (pixel_at (texture, 128 * scale, 110 * scale, &alpha), 0xc81e28);
      g_assert_cmpuint (alpha, ==, 255);
      /* Half-transparent blue stays half-transparent (premultiplied: 0x80). */
      assert_colour_near (pixel_at (texture, 128 * scale, 210 * scale, &alpha), 0x000080);
      g_assert_cmpint (abs ((int) alpha - 128), <=, 2);
    }
  gsk_renderer_unrealize (renderer);
  g_unlink (path);
  g_rmdir (cache);
}

/* A white tile with a one-pixel black line down column 100 and along row 60. */
static GBytes *
make_grid_tile_png (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 256, 256);
  cairo_t *cr = cairo_create (surface);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  char *contents;
  gsize length;
  int fd;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_rectangle (cr, 100, 0, 1, 256);
  cairo_rectangle (cr, 0, 60, 256, 1);
  cairo_fill (cr);
  cairo_destroy (cr);
  fd = g_file_open_tmp ("anbu-tile-XXXXXX.png", &path, &error);
  g_assert_no_error (error);
  g_close (fd, NULL);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_unlink (path);
  return g_bytes_new_take (contents, length);
}

typedef struct
{
  int    line_x;      /* the tile's black column in the window, -1: none crisp */
  int    line_y;      /* its black row */
  double marker_x;    /* the middle of the green marker (a pixel edge) */
  double marker_y;
} GridLook;

static gboolean
is_black (const guchar *p)
{
  return p[0] < 24 && p[1] < 24 && p[2] < 24;
}

/* Looks around (x, y) of the window: the tile's lines, which must be one pixel
 * wide and fully black (a tile at a fractional offset smears them over two
 * pale columns), and the extent of the green marker. */
static void
look_at_grid (GtkWidget *window,
              int        x,
              int        y,
              GridLook  *look)
{
  g_autoptr(GdkTexture) texture = render_window (window);
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_autofree guchar *data = g_malloc ((gsize) w * h * 4);
  int x0 = G_MAXINT, x1 = G_MININT, y0 = G_MAXINT, y1 = G_MININT;
  int n_columns = 0, n_rows = 0;

  gdk_texture_download (texture, data, (gsize) w * 4);
  look->line_x = look->line_y = -1;
  /* The lines, 40 px away from the marker. */
  for (int cx = x - 30; cx <= x + 30; cx++)
    if (is_black (data + ((gsize) (y - 40) * w + cx) * 4))
      {
        look->line_x = cx;
        n_columns++;
      }
  for (int cy = y - 30; cy <= y + 30; cy++)
    if (is_black (data + ((gsize) cy * w + x - 40) * 4))
      {
        look->line_y = cy;
        n_rows++;
      }
  if (n_columns != 1)
    look->line_x = -1;
  if (n_rows != 1)
    look->line_y = -1;
  /* The normal state's green. */
  for (int cy = y - 20; cy <= y + 20; cy++)
    for (int cx = x - 20; cx <= x + 20; cx++)
      {
        const guchar *p = data + ((gsize) cy * w + cx) * 4;

        if (abs (p[2] - 41) <= 12 && abs (p[1] - 161) <= 12 && abs (p[0] - 92) <= 12)
          {
            x0 = MIN (x0, cx);
            x1 = MAX (x1, cx);
            y0 = MIN (y0, cy);
            y1 = MAX (y1, cy);
          }
      }
  look->marker_x = x0 <= x1 ? (x0 + x1 + 1) / 2.0 : -1;
  look->marker_y = y0 <= y1 ? (y0 + y1 + 1) / 2.0 : -1;
}

/* Base tiles are drawn on whole pixels while the map pans (libshumate puts
 * them at fractional ones, which the cairo renderer filters at several times
 * the cost), and they stay where the households' markers are: a household on
 * a tile's pixel corner is drawn centred on that corner, wherever the map is
 * centred, to the pixel. */
static void
test_tiles_on_whole_pixels (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cache = g_dir_make_tmp ("anbu-view-XXXXXX", &error);
  g_autoptr(AnbuMapTileSource) source = anbu_map_tile_source_new ("http://127.0.0.1:9", cache);
  g_autoptr(GListStore) store = g_list_store_new (ANBU_TYPE_MAP_POINT);
  g_autoptr(GBytes) png = make_grid_tile_png ();
  g_autoptr(ShumateMapSource) reference = anbu_map_tile_source_create_map_source (source);
  const double offsets[][2] = { { 0.37, 0.61 }, { 3.5, -2.25 }, { -7.81, 0.5 }, { 12.02, 5.97 } };
  double wx, wy, tile_x, tile_y, corner_x, corner_y;
  g_autofree char *path = NULL;
  g_autoptr(AnbuMapPoint) point = NULL;
  AnbuMapView *view;
  GtkWidget *window;

  /* The district's middle at zoom 16, and the tile there. */
  wx = shumate_map_source_get_x (reference, 16, (TEST_WEST + TEST_EAST) / 2);
  wy = shumate_map_source_get_y (reference, 16, (TEST_SOUTH + TEST_NORTH) / 2);
  tile_x = floor (wx / 256);
  tile_y = floor (wy / 256);
  path = anbu_map_tile_source_get_cache_path (source, (int) tile_x, (int) tile_y, 16);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (png, NULL), g_bytes_get_size (png),
                                      NULL));
  /* A household on the corner where the tile's lines would cross at (101, 61). */
  corner_x = tile_x * 256 + 101;
  corner_y = tile_y * 256 + 61;
  point = anbu_map_point_new ("hh-corner", "김영수",
                              shumate_map_source_get_latitude (reference, 16, corner_y),
                              shumate_map_source_get_longitude (reference, 16, corner_x),
                              ANBU_MAP_STATE_NORMAL, 1);
  g_list_store_append (store, point);

  view = anbu_map_view_new ();
  anbu_map_view_set_tile_source (view, source);
  anbu_map_view_set_model (view, G_LIST_MODEL (store));
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));
  wait_frames (window, 3);

  for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
    {
      /* The household 30 px left and 20 px up of the middle, give or take
       * a fraction of a pixel. */
      double cx = corner_x + 30 + offsets[i][0], cy = corner_y + 20 + offsets[i][1];
      double x, y;
      GridLook look;
      gint64 deadline = g_get_monotonic_time () + TIMEOUT_MS * 1000;

      anbu_map_view_center_on (view, shumate_map_source_get_latitude (reference, 16, cy),
                               shumate_map_source_get_longitude (reference, 16, cx), 16);
      shumate_viewport_location_to_widget_coords (anbu_map_view_get_viewport (view), window,
                                                  anbu_map_point_get_latitude (point),
                                                  anbu_map_point_get_longitude (point), &x, &y);
      /* The tile comes from the cache through a worker thread, and
       * libshumate moves its tiles from an idle callback after the move. */
      do
        {
          wait_frames (window, 2);
          look_at_grid (window, (int) round (x), (int) round (y), &look);
        }
      while ((look.line_x < 0 || look.line_y < 0 || look.marker_x != look.line_x + 1
              || look.marker_y != look.line_y + 1)
             && g_get_monotonic_time () < deadline);

      g_test_message ("offset %.2f,%.2f: lines at %d,%d, marker at %.1f,%.1f", offsets[i][0],
                      offsets[i][1], look.line_x, look.line_y, look.marker_x, look.marker_y);
      g_assert_cmpint (look.line_x, >=, 0);
      g_assert_cmpint (look.line_y, >=, 0);
      /* The lines' pixels end where the marker's middle is. */
      g_assert_cmpfloat (look.marker_x, ==, look.line_x + 1);
      g_assert_cmpfloat (look.marker_y, ==, look.line_y + 1);
      g_assert_cmpfloat (fabs (look.marker_x - x), <=, 0.5);
      g_assert_cmpfloat (fabs (look.marker_y - y), <=, 0.5);
    }

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (cache);
}

int
main (int   argc,
      char *argv[])
{
  /* The planners' language: Korean, from the build tree's catalogue. */
  g_setenv ("LANGUAGE", "ko", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gtk_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, GUINT_TO_POINTER (300), fixture_set_up, func, fixture_tear_down)
  ADD ("/anbu/map/view/positions-match-libshumate", test_positions_match_libshumate);
  ADD ("/anbu/map/view/cluster-click-zooms-in", test_cluster_click_zooms_in);
  ADD ("/anbu/map/view/household-popover", test_household_popover);
  ADD ("/anbu/map/view/real-click-opens-popover", test_real_click_opens_popover);
  ADD ("/anbu/map/view/filter-applies-to-map", test_filter_applies_to_map);
  ADD ("/anbu/map/view/route", test_route);
  ADD ("/anbu/map/view/area-of-view", test_area_of_view);
  ADD ("/anbu/map/view/pick-location", test_pick_location);
  ADD ("/anbu/map/view/street-markers-follow-changes", test_street_markers_follow_changes);
  ADD ("/anbu/map/view/screenshot", test_screenshot);
#undef ADD
  g_test_add_func ("/anbu/map/view/close-while-tiles-load", test_close_while_tiles_load);
  g_test_add_func ("/anbu/map/view/tiles-drawn-as-sent", test_tiles_drawn_as_sent);
  g_test_add_func ("/anbu/map/view/tiles-on-whole-pixels", test_tiles_on_whole_pixels);

  return g_test_run ();
}
