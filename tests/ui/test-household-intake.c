/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Field capture in the app (issue 14): a household registered offline, its
 * contacts edited, and the times of plug and signal forms. Each form is
 * filled through its widgets; a refused input must leave a Korean message
 * under its field and nothing in the encrypted replica's outbox; an
 * accepted one goes to the outbox, shows at once, and reaches a real
 * anbu-server (127.0.0.1, port 0) with the next push, which applies it
 * through the shared mutation applier and its scope check. */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include <gdk/x11/gdkx.h>

#include "anbu-case-form-dialog.h"
#include "anbu-case-store.h"
#include "anbu-casework.h"
#include "anbu-household-index.h"
#include "anbu-household-summary.h"
#include "anbu-map-view.h"
#include "anbu-outbox-entry.h"
#include "anbu-sync-text.h"
#include "anbu-test-desk.h"
#include "anbu-window.h"

#define PASSWORD "correct horse battery"
#define DONG "1111053000"         /* 사직동: the planner's */
#define OTHER_DONG "1111051500"   /* 청운효자동: another planner's */
#define H1 "00000000-0000-4000-8000-0000000000b1"

typedef AnbuTestDesk Fixture;

static void
push_seed (Fixture *f)
{
  g_autofree char *id1 = g_uuid_string_random ();
  g_autofree char *id2 = g_uuid_string_random ();
  g_autofree char *batch = g_strdup_printf (
    "[{\"id\": \"%s\", \"kind\": \"household.create\", \"payload\": {\"id\": \"%s\", \"dong_code\": \"%s\","
    "   \"dong_name\": \"사직동\", \"name\": \"김영수\", \"phone\": \"010-1234-5678\","
    "   \"address\": \"서울특별시 종로구 사직로 12\", \"threshold_hours\": 24,"
    "   \"contacts\": [{\"name\": \"김민지\", \"relation\": \"딸\", \"phone\": \"010-2222-3333\"}]}},"
    " {\"id\": \"%s\", \"kind\": \"plug.install\", \"payload\": {\"serial\": \"PLG-0001\", \"household_id\": \"%s\","
    "   \"appliance\": \"tv\", \"installed_at\": \"2026-10-01T01:00:00Z\"}}]",
    id1, H1, DONG, id2, H1);
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
  f->user = anbu_user_new ();
  f->user->id = g_strdup (f->user_id);
  f->user->username = g_strdup ("kim.planner");
  f->user->display_name = g_strdup ("김복지");
  f->user->role = ANBU_USER_ROLE_PLANNER;
  g_strfreev (f->user->dong_codes);
  f->user->dong_codes = g_strsplit (DONG, ",", -1);
  anbu_test_desk_open (f, "kim.planner", PASSWORD, "김복지", ANBU_TEST_DESK_OFFLINE);
  g_assert_nonnull (anbu_casework_lookup_household (f->casework, H1));
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  anbu_test_desk_close (f);
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

/* Whether @text has Hangul in it: the message is in Korean. */
static gboolean
has_hangul (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0xAC00 && c <= 0xD7A3)
        return TRUE;
    }
  return FALSE;
}

/* The form refuses: a Korean message under @key, Save still offered (the
 * form is not saving) and nothing in the outbox. */
static void
assert_refused (Fixture            *f,
                AnbuCaseFormDialog *dialog,
                const char         *key,
                const char         *expected_part)
{
  guint before = anbu_replica_get_pending_count (f->replica);
  GtkWidget *save_button = anbu_test_find_named (GTK_WIDGET (dialog), "form-save");
  const char *message;

  anbu_test_press (save_button);
  for (guint i = 0; i < 100 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
  message = anbu_case_form_dialog_get_error (dialog, key);
  g_test_message ("%s: %s", key ? key : "(form)", message ? message : "(none)");
  g_assert_nonnull (message);
  g_assert_true (has_hangul (message));
  if (expected_part != NULL)
    g_assert_nonnull (strstr (message, expected_part));
  g_assert_true (gtk_widget_get_sensitive (save_button));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_cmpuint (anbu_replica_get_pending_count (f->replica), ==, before);
  g_assert_true (anbu_test_wait_until (anbu_test_casework_loaded, f->casework, 10000));
}

static void
set_text (AnbuCaseFormDialog *dialog,
          const char         *key,
          const char         *text)
{
  GtkWidget *input = anbu_case_form_dialog_get_input (dialog, key);

  g_assert_nonnull (input);
  gtk_editable_set_text (GTK_EDITABLE (input), text);
}

/* Picks the day (Seoul) on the form's calendar for @key and types the
 * time of day, as a planner would. */
static void
pick_moment (AnbuCaseFormDialog *dialog,
             const char         *key,
             int                 year,
             int                 month,
             int                 day,
             int                 hour,
             int                 minute)
{
  g_autofree char *calendar_name = g_strconcat (key, "-calendar", NULL);
  g_autofree char *hour_name = g_strconcat (key, "-hour", NULL);
  g_autofree char *minute_name = g_strconcat (key, "-minute", NULL);
  GtkWidget *button = anbu_case_form_dialog_get_input (dialog, key);
  GtkWidget *calendar = anbu_test_find_named (GTK_WIDGET (dialog), calendar_name);
  g_autoptr(GDateTime) date = g_date_time_new_local (year, month, day, 12, 0, 0);
  g_autofree char *hour_text = g_strdup_printf ("%d", hour);
  g_autofree char *minute_text = g_strdup_printf ("%d", minute);

  g_assert_true (GTK_IS_MENU_BUTTON (button));
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  gtk_calendar_select_day (GTK_CALENDAR (calendar), date);
  gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (GTK_WIDGET (dialog), hour_name)), hour_text);
  gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (GTK_WIDGET (dialog), minute_name)), minute_text);
}

/* The households list (the index the view shows) has a row for @id. */
static gboolean
index_has (AnbuCasework *casework,
           const char   *id)
{
  GListModel *index = G_LIST_MODEL (anbu_casework_get_index (casework));

  for (guint i = 0; i < g_list_model_get_n_items (index); i++)
    {
      g_autoptr(AnbuHouseholdSummary) summary = g_list_model_get_item (index, i);

      if (g_strcmp0 (anbu_household_summary_get_id (summary), id) == 0)
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  AnbuCasework *casework;
  const char   *id;
} IndexWait;

static gboolean
index_shows (gpointer data)
{
  IndexWait *wait = data;

  return index_has (wait->casework, wait->id);
}

static void
fill_valid_household (AnbuCaseFormDialog *dialog)
{
  set_text (dialog, "name", "이순자");
  set_text (dialog, "birth_year", "1944");
  adw_combo_row_set_selected (ADW_COMBO_ROW (anbu_case_form_dialog_get_input (dialog, "sex")), 1);  /* female */
  set_text (dialog, "phone", "01098765432");
  set_text (dialog, "address", "서울특별시 종로구 사직로8길 24");
  set_text (dialog, "address_detail", "2층");
  set_text (dialog, "contacts.0.name", "이정훈");
  set_text (dialog, "contacts.0.relation", "아들");
  set_text (dialog, "contacts.0.phone", "010 4444 5555");
  gtk_switch_set_active (GTK_SWITCH (anbu_case_form_dialog_get_input (dialog, "night_consent")), TRUE);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (anbu_case_form_dialog_get_input (dialog, "threshold_hours")), 30);
  set_text (dialog, "lat", "37.5760");
  set_text (dialog, "lon", "126.9690");
}

/* Every named bad input of the register form: a Korean message under its
 * own field, nothing stored; then the corrected form goes in. */
static void
test_register_refuses_bad_input (Fixture      *f,
                                 gconstpointer data)
{
  AnbuCaseFormDialog *dialog;
  g_autofree char *new_id = NULL;
  guint n_before = g_list_model_get_n_items (G_LIST_MODEL (anbu_casework_get_index (f->casework)));
  struct
  {
    const char *key;
    const char *bad;
    const char *good;
    const char *expected_part;
  } cases[] = {
    { "name", "   ", "이순자", NULL },
    { "address", "", "서울특별시 종로구 사직로8길 24", NULL },
    { "phone", "12345", "01098765432", NULL },
    { "birth_year", "1944년생", "1944", "1948" },
    { "birth_year", "1850", "1944", "1900" },
    { "birth_year", "2031", "1944", "1900" },
    { "contacts.0.phone", "999", "010 4444 5555", NULL },
    { "contacts.0.name", "", "이정훈", NULL },
    { "lat", "40.5", "37.5760", NULL },
    { "lon", "140.1", "126.9690", NULL },
    { "lat", "북위 37도", "37.5760", NULL },
    { "lat", "", "37.5760", NULL },   /* a longitude alone */
    { "serial", "플러그 1", "", NULL },
    { "serial", "PLG-0001", "", "다른 가구" },  /* installed in H1 */
  };

  /* The button on the Households view opens the form. */
  {
    GtkWidget *button = anbu_test_find_named (f->window, "households-register");

    g_assert_nonnull (button);
    g_assert_true (gtk_widget_activate_action (f->window, "win.show-view", "s", "households"));
    anbu_test_wait_drawn (f->window);
    anbu_test_press (button);
  }
  g_assert_true (anbu_test_wait_until (dialog_open, NULL, 5000));
  dialog = find_dialog ();
  g_assert_cmpint (anbu_case_form_dialog_get_form (dialog), ==, ANBU_CASE_FORM_REGISTER_HOUSEHOLD);
  anbu_test_wait_drawn (GTK_WIDGET (dialog));
  anbu_test_assert_accessible_names (GTK_WIDGET (dialog), "register form");
  new_id = g_strdup (anbu_case_form_dialog_get_household_id (dialog));
  g_assert_nonnull (new_id);

  fill_valid_household (dialog);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("bad %s: “%s”", cases[i].key, cases[i].bad);
      set_text (dialog, cases[i].key, cases[i].bad);
      assert_refused (f, dialog, cases[i].key, cases[i].expected_part);
      g_assert_null (anbu_casework_lookup_household (f->casework, new_id));
      set_text (dialog, cases[i].key, cases[i].good);
    }

  /* The threshold stays within 24..50 hours. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (anbu_case_form_dialog_get_input (dialog, "threshold_hours")), 51);
  assert_refused (f, dialog, "threshold_hours", "24");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (anbu_case_form_dialog_get_input (dialog, "threshold_hours")), 23);
  assert_refused (f, dialog, "threshold_hours", "24");
  anbu_test_save_screenshot (GTK_WIDGET (dialog), "household-register-refused");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (anbu_case_form_dialog_get_input (dialog, "threshold_hours")), 30);

  /* Several wrong fields at once: each shows its own message on the same Save. */
  set_text (dialog, "name", "");
  set_text (dialog, "phone", "12345");
  set_text (dialog, "birth_year", "1850");
  set_text (dialog, "contacts.0.phone", "999");
  assert_refused (f, dialog, "name", NULL);
  g_assert_nonnull (anbu_case_form_dialog_get_error (dialog, "phone"));
  g_assert_nonnull (anbu_case_form_dialog_get_error (dialog, "birth_year"));
  g_assert_nonnull (anbu_case_form_dialog_get_error (dialog, "contacts.0.phone"));
  g_assert_null (anbu_case_form_dialog_get_error (dialog, "address"));
  anbu_test_save_screenshot (GTK_WIDGET (dialog), "household-register-refused-several");
  set_text (dialog, "name", "이순자");
  set_text (dialog, "phone", "01098765432");
  set_text (dialog, "birth_year", "1944");
  set_text (dialog, "contacts.0.phone", "010 4444 5555");

  g_assert_null (anbu_casework_lookup_household (f->casework, new_id));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (anbu_casework_get_index (f->casework))), ==, n_before);
  g_assert_cmpuint (anbu_replica_get_pending_count (f->replica), ==, 0);

  anbu_test_desk_save_form (f, dialog);
  {
    IndexWait wait = { f->casework, new_id };

    g_assert_true (anbu_test_wait_until (index_shows, &wait, 10000));
  }
  g_assert_nonnull (anbu_casework_lookup_household (f->casework, new_id));
  g_assert_cmpuint (anbu_replica_get_pending_count (f->replica), ==, 1);
}

static GtkWidget *
find_toplevel (const char *name)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (g_strcmp0 (gtk_widget_get_name (window), name) == 0)
        return window;
    }
  return NULL;
}

static gboolean
picker_open (gpointer data)
{
  return find_toplevel ("pick-location") != NULL;
}

/* Runs xdotool with the NULL-terminated @args and waits for it to end. */
static void
run_xdotool (const char *xdotool,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;
  int status = 0;

  g_ptr_array_add (argv, (char *) xdotool);
  va_start (ap, xdotool);
  for (arg = va_arg (ap, const char *); arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

typedef struct
{
  AnbuCaseFormDialog *dialog;
  char               *lon_before;
} FieldWait;

static gboolean
longitude_changed (gpointer data)
{
  FieldWait *wait = data;

  return g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (anbu_case_form_dialog_get_input (wait->dialog, "lon"))),
                    wait->lon_before) != 0;
}

static double
field_value (AnbuCaseFormDialog *dialog,
             const char         *key)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (anbu_case_form_dialog_get_input (dialog, key)));
  char *end;
  double value = g_ascii_strtod (text, &end);

  g_assert_cmpint (*end, ==, '\0');
  return value;
}

static gboolean
picker_closed (gpointer data)
{
  return find_toplevel ("pick-location") == NULL;
}

static gboolean
window_active (gpointer data)
{
  return gtk_window_is_active (data);
}

/* The location picker opens at street zoom on the chosen 동's community
 * centre (not a world map), and a click on the map is the location. */
static void
test_register_location_picker (Fixture      *f,
                               gconstpointer data)
{
  AnbuCaseFormDialog *dialog = anbu_test_desk_open_form (f, ANBU_CASE_FORM_REGISTER_HOUSEHOLD, NULL, NULL);
  GtkWidget *picker, *map;
  ShumateViewport *viewport;
  double lat, lon, zoom;
  char *end;

  anbu_test_press (anbu_test_find_named (GTK_WIDGET (dialog), "pick-location-button"));
  g_assert_true (anbu_test_wait_until (picker_open, NULL, 5000));
  picker = find_toplevel ("pick-location");
  anbu_test_wait_drawn (picker);
  map = anbu_test_find_type (picker, ANBU_TYPE_MAP_VIEW);
  g_assert_nonnull (map);
  viewport = anbu_map_view_get_viewport (ANBU_MAP_VIEW (map));
  g_assert_cmpfloat (shumate_viewport_get_zoom_level (viewport), >=, 16);
  /* 사직동주민센터 */
  g_assert_cmpfloat_with_epsilon (shumate_location_get_latitude (SHUMATE_LOCATION (viewport)), 37.5761, 1e-3);
  g_assert_cmpfloat_with_epsilon (shumate_location_get_longitude (SHUMATE_LOCATION (viewport)), 126.9688, 1e-3);
  anbu_test_save_screenshot (picker, "household-register-location-picker");

  /* A click a little above the centre: a place north of the centre. */
  g_assert_true (anbu_map_view_activate_at (ANBU_MAP_VIEW (map), gtk_widget_get_width (map) / 2.0,
                                            gtk_widget_get_height (map) / 2.0 - 40));
  lat = g_ascii_strtod (gtk_editable_get_text (GTK_EDITABLE (anbu_case_form_dialog_get_input (dialog, "lat"))), &end);
  g_assert_cmpint (*end, ==, '\0');
  lon = g_ascii_strtod (gtk_editable_get_text (GTK_EDITABLE (anbu_case_form_dialog_get_input (dialog, "lon"))), &end);
  g_assert_cmpint (*end, ==, '\0');
  g_assert_cmpfloat (lat, >, 37.5761);
  g_assert_cmpfloat (lat, <, 37.5761 + 0.01);
  g_assert_cmpfloat_with_epsilon (lon, 126.9688, 1e-3);

  /* The planner drags the pin 90 px east with the mouse (real X input):
   * the pin does not pan the map, it moves, and the fields follow it. */
  {
    g_autofree char *xdotool = g_find_program_in_path ("xdotool");
    GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (picker));
    double pin_lat, pin_lon, tip_x, tip_y, wx, wy, sx, sy;
    double centre_lon = shumate_location_get_longitude (SHUMATE_LOCATION (viewport));
    FieldWait wait = { dialog, NULL };
    g_autofree char *xid = NULL;

    g_assert_true (anbu_map_view_get_picked_location (ANBU_MAP_VIEW (map), &pin_lat, &pin_lon));
    g_assert_cmpfloat_with_epsilon (pin_lat, lat, 1e-5);
    if (xdotool == NULL || !GDK_IS_X11_SURFACE (surface))
      {
        g_test_skip ("dragging the pin needs xdotool and an X11 display");
        return;
      }
    xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
    shumate_viewport_location_to_widget_coords (viewport, map, pin_lat, pin_lon, &tip_x, &tip_y);
    g_assert_true (gtk_widget_translate_coordinates (map, picker, tip_x, tip_y, &wx, &wy));
    gtk_native_get_surface_transform (GTK_NATIVE (picker), &sx, &sy);
    {
      /* Take the pin by its head, 20 px above the tip. */
      g_autofree char *fx = g_strdup_printf ("%d", (int) round (wx + sx));
      g_autofree char *fy = g_strdup_printf ("%d", (int) round (wy + sy - 20));
      g_autofree char *mx = g_strdup_printf ("%d", (int) round (wx + sx + 45));
      g_autofree char *tx = g_strdup_printf ("%d", (int) round (wx + sx + 90));

      wait.lon_before = g_strdup (gtk_editable_get_text (GTK_EDITABLE (anbu_case_form_dialog_get_input (dialog, "lon"))));
      run_xdotool (xdotool, "mousemove", "--window", xid, fx, fy, "mousedown", "1",
                   "mousemove", "--window", xid, mx, fy, "mousemove", "--window", xid, tx, fy,
                   "mouseup", "1", NULL);
      g_assert_true (anbu_test_wait_until (longitude_changed, &wait, 10000));
      g_free (wait.lon_before);
    }
    /* The map stayed where it was; the place is about 90 px (≈ 110 m at z17) east. */
    g_assert_cmpfloat_with_epsilon (shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
                                    centre_lon, 1e-9);
    g_assert_true (anbu_map_view_get_picked_location (ANBU_MAP_VIEW (map), &pin_lat, &pin_lon));
    g_assert_cmpfloat (pin_lon - lon, >, 80 * 360.0 / (256 * exp2 (shumate_viewport_get_zoom_level (viewport))));
    g_assert_cmpfloat (pin_lon - lon, <, 100 * 360.0 / (256 * exp2 (shumate_viewport_get_zoom_level (viewport))));
    g_assert_cmpfloat_with_epsilon (field_value (dialog, "lon"), pin_lon, 1e-6);
    g_assert_cmpfloat_with_epsilon (field_value (dialog, "lat"), pin_lat, 1e-5);
    lon = pin_lon;

    /* Keyboard: the arrow keys move the pin too (8 px a press). */
    run_xdotool (xdotool, "windowfocus", xid, NULL);
    g_assert_true (anbu_test_wait_until (window_active, picker, 5000));
    gtk_widget_grab_focus (map);
    wait.lon_before = g_strdup (gtk_editable_get_text (GTK_EDITABLE (anbu_case_form_dialog_get_input (dialog, "lon"))));
    run_xdotool (xdotool, "key", "Left", "Left", NULL);
    g_assert_true (anbu_test_wait_until (longitude_changed, &wait, 10000));
    g_free (wait.lon_before);
    g_assert_true (anbu_map_view_get_picked_location (ANBU_MAP_VIEW (map), &pin_lat, &pin_lon));
    g_assert_cmpfloat (pin_lon, <, lon);
    g_assert_cmpfloat_with_epsilon (field_value (dialog, "lon"), pin_lon, 1e-6);
  }

  /* Done closes the map; the form keeps the location. */
  zoom = shumate_viewport_get_zoom_level (viewport);
  g_assert_true (gtk_widget_activate (anbu_test_find_named (picker, "pick-location-done")));
  g_assert_true (anbu_test_wait_until (picker_closed, NULL, 5000));
  g_assert_cmpfloat_with_epsilon (field_value (dialog, "lon"), lon - 16 * 360.0 / (256 * exp2 (zoom)), 3e-6);
}

/* Registered with the server out of reach: in the list at once, in the
 * outbox, and on the server, as entered, after the next push. */
static void
test_register_offline_then_sync (Fixture      *f,
                                 gconstpointer data)
{
  AnbuCaseFormDialog *dialog = anbu_test_desk_open_form (f, ANBU_CASE_FORM_REGISTER_HOUSEHOLD, NULL, NULL);
  g_autofree char *id = g_strdup (anbu_case_form_dialog_get_household_id (dialog));
  IndexWait wait = { f->casework, id };
  g_autoptr(JsonObject) record = NULL;
  AnbuHousehold *local;
  JsonObject *contact;

  fill_valid_household (dialog);
  set_text (dialog, "serial", "PLG-0100");
  adw_combo_row_set_selected (ADW_COMBO_ROW (anbu_case_form_dialog_get_input (dialog, "appliance")), 2);  /* rice cooker */
  anbu_test_save_screenshot (GTK_WIDGET (dialog), "household-register");
  anbu_test_desk_save_form (f, dialog);

  /* Offline: stored on this computer, shown in the list, waiting to be sent. */
  g_assert_true (anbu_test_wait_until (index_shows, &wait, 10000));
  local = anbu_casework_lookup_household (f->casework, id);
  g_assert_nonnull (local);
  g_assert_cmpstr (local->name, ==, "이순자");
  g_assert_cmpstr (local->dong_code, ==, DONG);
  g_assert_cmpuint (anbu_replica_get_pending_count (f->replica), ==, 2);
  g_assert_cmpstr (anbu_casework_plug_installed_in (f->casework, "PLG-0100"), ==, id);
  g_assert_null (anbu_test_desk_server_record (f, "household", id));

  /* Online again: the push applies it on the server as entered. */
  anbu_test_desk_push_expect_applied (f, 2);
  record = anbu_test_desk_server_record (f, "household", id);
  g_assert_nonnull (record);
  g_assert_cmpstr (json_object_get_string_member (record, "name"), ==, "이순자");
  g_assert_cmpint (json_object_get_int_member (record, "birth_year"), ==, 1944);
  g_assert_cmpstr (json_object_get_string_member (record, "sex"), ==, "female");
  g_assert_cmpstr (json_object_get_string_member (record, "phone"), ==, "010-9876-5432");
  g_assert_cmpstr (json_object_get_string_member (record, "dong_code"), ==, DONG);
  g_assert_cmpstr (json_object_get_string_member (record, "dong_name"), ==, "사직동");
  g_assert_cmpstr (json_object_get_string_member (record, "address_detail"), ==, "2층");
  g_assert_cmpint (json_object_get_int_member (record, "threshold_hours"), ==, 30);
  g_assert_true (json_object_get_boolean_member (record, "night_consent"));
  g_assert_cmpstr (json_object_get_string_member (record, "night_consent_date"), ==, "2026-11-24");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (record, "lat"), 37.576, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (record, "lon"), 126.969, 1e-6);
  g_assert_cmpstr (json_object_get_string_member (record, "planner_id"), ==, f->user_id);
  contact = json_array_get_object_element (json_object_get_array_member (record, "contacts"), 0);
  g_assert_cmpstr (json_object_get_string_member (contact, "name"), ==, "이정훈");
  g_assert_cmpstr (json_object_get_string_member (contact, "relation"), ==, "아들");
  g_assert_cmpstr (json_object_get_string_member (contact, "phone"), ==, "010-4444-5555");
  g_assert_cmpuint (anbu_replica_get_pending_count (f->replica), ==, 0);
  {
    g_autoptr(JsonObject) plug = anbu_test_desk_server_record (f, "plug", "PLG-0100");

    g_assert_nonnull (plug);
    g_assert_cmpstr (json_object_get_string_member (plug, "household_id"), ==, id);
    g_assert_cmpstr (json_object_get_string_member (plug, "appliance"), ==, "rice_cooker");
    g_assert_cmpstr (json_object_get_string_member (plug, "installed_at"), ==, "2026-11-24T01:30:00Z");
  }

  /* Sent once: another push sends nothing. */
  {
    AnbuPushSummary again = anbu_test_desk_push (f);

    g_assert_cmpuint (again.applied + again.duplicate + again.rejected + again.conflict, ==, 0);
  }
}

/* The form offers the district's other 동 too; a household in a 동 the
 * planner does not look after would only be refused by the server, so the
 * app says so in Korean under the 동 and queues nothing; in the planner's
 * own 동 it goes in. */
static void
test_register_outside_dong_refused (Fixture      *f,
                                    gconstpointer data)
{
  AnbuCaseFormDialog *dialog = anbu_test_desk_open_form (f, ANBU_CASE_FORM_REGISTER_HOUSEHOLD, NULL, NULL);
  g_autofree char *id = g_strdup (anbu_case_form_dialog_get_household_id (dialog));
  GtkWidget *dong_row = anbu_case_form_dialog_get_input (dialog, "dong_code");
  GListModel *dongs = adw_combo_row_get_model (ADW_COMBO_ROW (dong_row));
  guint other = G_MAXUINT;
  AnbuPushSummary summary;

  /* The caseload's 동 comes first and is preselected. */
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (dong_row)), ==, 0);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (dongs), 0), ==, "사직동");
  for (guint i = 0; i < g_list_model_get_n_items (dongs); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (dongs), i), "청운효자동") == 0)
      other = i;
  g_assert_cmpuint (other, !=, G_MAXUINT);

  fill_valid_household (dialog);
  adw_combo_row_set_selected (ADW_COMBO_ROW (dong_row), other);
  assert_refused (f, dialog, "dong_code", "담당하는 동");
  g_assert_cmpuint (anbu_replica_get_pending_count (f->replica), ==, 0);
  g_assert_null (anbu_casework_lookup_household (f->casework, id));

  /* Back in the planner's own 동: stored, synced and applied. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (dong_row), 0);
  anbu_test_desk_save_form (f, dialog);
  summary = anbu_test_desk_push (f);
  g_assert_cmpuint (summary.applied, ==, 1);
  g_assert_cmpuint (summary.rejected, ==, 0);
  g_assert_nonnull (anbu_test_desk_server_record (f, "household", id));
}

/* Contacts are edited from the household page, checked by the same rules,
 * stored offline and synced. */
static void
test_edit_contacts (Fixture      *f,
                    gconstpointer data)
{
  AnbuCaseFormDialog *dialog;
  g_autoptr(JsonObject) record = NULL;
  JsonArray *contacts;

  /* The household page's menu opens it. */
  g_assert_true (gtk_widget_activate_action (f->window, "win.open-household", "s", H1));
  anbu_test_wait_drawn (f->window);
  {
    GtkWidget *page = anbu_test_find_named (f->window, "household-actions");

    g_assert_nonnull (page);
    g_assert_true (gtk_widget_activate_action (page, "household.form", "s", "contacts"));
  }
  g_assert_true (anbu_test_wait_until (dialog_open, NULL, 5000));
  dialog = find_dialog ();
  g_assert_cmpint (anbu_case_form_dialog_get_form (dialog), ==, ANBU_CASE_FORM_EDIT_CONTACTS);
  anbu_test_wait_drawn (GTK_WIDGET (dialog));
  anbu_test_assert_accessible_names (GTK_WIDGET (dialog), "contacts form");

  /* The existing contact and one empty slot. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (anbu_case_form_dialog_get_input (dialog, "contacts.0.name"))), ==, "김민지");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (anbu_case_form_dialog_get_input (dialog, "contacts.1.name"))), ==, "");
  g_assert_null (anbu_case_form_dialog_get_input (dialog, "contacts.2.name"));

  assert_refused (f, dialog, NULL, NULL);  /* nothing changed */
  set_text (dialog, "phone", "0101234");
  assert_refused (f, dialog, "phone", NULL);
  set_text (dialog, "phone", "010-1234-5678");
  set_text (dialog, "contacts.1.relation", "이웃");
  set_text (dialog, "contacts.1.phone", "02-555-0101");
  assert_refused (f, dialog, "contacts.1.name", NULL);
  set_text (dialog, "contacts.1.name", "박이웃");
  set_text (dialog, "contacts.0.phone", "010-22");
  assert_refused (f, dialog, "contacts.0.phone", NULL);
  set_text (dialog, "contacts.0.phone", "01077778888");
  {
    g_autofree char *too_long = g_strnfill (60, 'x');

    set_text (dialog, "contacts.1.name", too_long);
  }
  assert_refused (f, dialog, "contacts.1.name", NULL);
  set_text (dialog, "contacts.1.name", "박이웃");
  g_assert_cmpuint (anbu_replica_get_pending_count (f->replica), ==, 0);
  anbu_test_desk_save_form (f, dialog);

  g_assert_cmpuint (anbu_casework_lookup_household (f->casework, H1)->contacts->len, ==, 2);
  anbu_test_desk_push_expect_applied (f, 1);
  record = anbu_test_desk_server_record (f, "household", H1);
  contacts = json_object_get_array_member (record, "contacts");
  g_assert_cmpuint (json_array_get_length (contacts), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (contacts, 0), "phone"), ==, "010-7777-8888");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (contacts, 1), "name"), ==, "박이웃");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (contacts, 1), "relation"), ==, "이웃");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (contacts, 1), "phone"), ==, "02-555-0101");
  g_assert_cmpstr (json_object_get_string_member (record, "phone"), ==, "010-1234-5678");

  /* Emptying a contact's fields removes that contact. */
  anbu_test_desk_pull (f);
  g_assert_true (anbu_test_wait_until (anbu_test_casework_loaded, f->casework, 10000));
  dialog = anbu_test_desk_open_form (f, ANBU_CASE_FORM_EDIT_CONTACTS, H1, NULL);
  set_text (dialog, "contacts.0.name", "");
  set_text (dialog, "contacts.0.relation", "");
  set_text (dialog, "contacts.0.phone", "");
  anbu_test_desk_save_form (f, dialog);
  anbu_test_desk_push_expect_applied (f, 1);
  g_clear_pointer (&record, json_object_unref);
  record = anbu_test_desk_server_record (f, "household", H1);
  contacts = json_object_get_array_member (record, "contacts");
  g_assert_cmpuint (json_array_get_length (contacts), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (contacts, 0), "name"), ==, "박이웃");
}

/* Plug removal and installation happen at the time the planner gives,
 * defaulting to now, never in the future nor before the plug went in. */
static void
test_plug_times (Fixture      *f,
                 gconstpointer data)
{
  AnbuCaseFormDialog *dialog = anbu_test_desk_open_form (f, ANBU_CASE_FORM_REMOVE_PLUG, H1, NULL);
  GtkWidget *button = anbu_case_form_dialog_get_input (dialog, "at");
  g_autoptr(JsonObject) removed = NULL;
  g_autoptr(JsonObject) installed = NULL;

  /* Now by the project clock: 2026-11-24 10:30 in Seoul. */
  g_assert_cmpstr (gtk_menu_button_get_label (GTK_MENU_BUTTON (button)), ==, "2026-11-24");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (anbu_test_find_named (GTK_WIDGET (dialog), "at-hour"))), ==, "10");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (anbu_test_find_named (GTK_WIDGET (dialog), "at-minute"))), ==, "30");

  pick_moment (dialog, "at", 2026, 11, 24, 18, 0);
  assert_refused (f, dialog, "at", "아직");
  /* Installed 2026-10-01 10:00 in Seoul. */
  pick_moment (dialog, "at", 2026, 9, 30, 9, 0);
  assert_refused (f, dialog, "at", "설치");
  pick_moment (dialog, "at", 2026, 11, 20, 9, 15);
  anbu_test_save_screenshot (GTK_WIDGET (dialog), "plug-remove-time");
  anbu_test_desk_save_form (f, dialog);
  anbu_test_desk_push_expect_applied (f, 1);
  removed = anbu_test_desk_server_record (f, "plug", "PLG-0001");
  g_assert_nonnull (removed);
  g_assert_cmpstr (json_object_get_string_member (removed, "removed_at"), ==, "2026-11-20T00:15:00Z");

  anbu_test_desk_pull (f);
  g_assert_true (anbu_test_wait_until (anbu_test_casework_loaded, f->casework, 10000));
  dialog = anbu_test_desk_open_form (f, ANBU_CASE_FORM_INSTALL_PLUG, H1, NULL);
  set_text (dialog, "serial", "PLG-0002");
  pick_moment (dialog, "installed_at", 2026, 11, 25, 9, 0);
  assert_refused (f, dialog, "installed_at", "아직");
  /* The server registered H1 at 10:30 today (the test's clock). */
  g_assert_cmpint (anbu_casework_lookup_household (f->casework, H1)->created_at, >, 0);
  pick_moment (dialog, "installed_at", 2026, 11, 23, 14, 5);
  assert_refused (f, dialog, "installed_at", "등록");
  pick_moment (dialog, "installed_at", 2026, 11, 24, 10, 30);
  anbu_test_desk_save_form (f, dialog);
  anbu_test_desk_push_expect_applied (f, 1);
  installed = anbu_test_desk_server_record (f, "plug", "PLG-0002");
  g_assert_nonnull (installed);
  g_assert_cmpstr (json_object_get_string_member (installed, "installed_at"), ==, "2026-11-24T01:30:00Z");
}

typedef struct
{
  AnbuCasework *casework;
  const char   *alert_id;
} AlertWait;

static gboolean
alert_loaded (gpointer data)
{
  AlertWait *wait = data;

  return anbu_casework_lookup_alert (wait->casework, wait->alert_id) != NULL;
}

/* A signal is resolved at the time the planner gives: not in the future,
 * not before it was raised. */
static void
test_resolve_time (Fixture      *f,
                   gconstpointer data)
{
  g_autofree char *alert_id = anbu_test_desk_seed_alert (f, H1);
  AnbuCaseFormDialog *dialog;
  g_autoptr(JsonObject) resolved = NULL;

  AlertWait wait = { f->casework, alert_id };

  anbu_test_desk_pull (f);
  g_assert_true (anbu_test_wait_until (alert_loaded, &wait, 10000));
  dialog = anbu_test_desk_open_form (f, ANBU_CASE_FORM_RESOLVE_ALERT, H1, alert_id);
  adw_combo_row_set_selected (ADW_COMBO_ROW (anbu_case_form_dialog_get_input (dialog, "resolution")), 0);

  pick_moment (dialog, "at", 2026, 11, 24, 11, 0);
  assert_refused (f, dialog, "at", "아직");
  /* Raised 2026-11-24 10:00 in Seoul. */
  pick_moment (dialog, "at", 2026, 11, 24, 9, 59);
  assert_refused (f, dialog, "at", "위험신호");
  pick_moment (dialog, "at", 2026, 11, 24, 10, 20);
  anbu_test_desk_save_form (f, dialog);
  anbu_test_desk_push_expect_applied (f, 1);
  resolved = anbu_test_desk_server_record (f, "alert", alert_id);
  g_assert_nonnull (resolved);
  g_assert_cmpstr (json_object_get_string_member (resolved, "state"), ==, "resolved");
  g_assert_cmpstr (json_object_get_string_member (resolved, "closed_at"), ==, "2026-11-24T01:20:00Z");
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

  g_test_add ("/anbu/ui/household-intake/register-refuses-bad-input", Fixture, NULL, fixture_set_up,
              test_register_refuses_bad_input, fixture_tear_down);
  g_test_add ("/anbu/ui/household-intake/register-offline-then-sync", Fixture, NULL, fixture_set_up,
              test_register_offline_then_sync, fixture_tear_down);
  g_test_add ("/anbu/ui/household-intake/register-location-picker", Fixture, NULL, fixture_set_up,
              test_register_location_picker, fixture_tear_down);
  g_test_add ("/anbu/ui/household-intake/register-outside-dong-refused", Fixture, NULL, fixture_set_up,
              test_register_outside_dong_refused, fixture_tear_down);
  g_test_add ("/anbu/ui/household-intake/edit-contacts", Fixture, NULL, fixture_set_up,
              test_edit_contacts, fixture_tear_down);
  g_test_add ("/anbu/ui/household-intake/plug-times", Fixture, NULL, fixture_set_up,
              test_plug_times, fixture_tear_down);
  g_test_add ("/anbu/ui/household-intake/resolve-time", Fixture, NULL, fixture_set_up,
              test_resolve_time, fixture_tear_down);

  return g_test_run ();
}
