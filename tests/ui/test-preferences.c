/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "anbu-preferences-window.h"
#include "anbu-test-util.h"
#include "anbu-window.h"

typedef struct
{
  GSettings *settings;
  GtkWidget *window;
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  f->settings = g_settings_new (APP_ID);
  g_settings_reset (f->settings, "server-address");
  g_settings_reset (f->settings, "tile-address");
  g_settings_reset (f->settings, "lock-timeout");
  g_settings_reset (f->settings, "color-scheme");
  f->window = anbu_preferences_window_new (NULL);
  gtk_window_present (GTK_WINDOW (f->window));
  anbu_test_wait_drawn (f->window);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->settings);
}

static void
apply_text (GtkWidget  *row,
            const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_signal_emit_by_name (row, "apply");
}

/* The lock timeout is shown and set in minutes, stored in seconds; the default is 10 minutes. */
static void
test_lock_minutes (Fixture      *f,
                   gconstpointer data)
{
  GtkSpinButton *spin = GTK_SPIN_BUTTON (anbu_test_find_named (f->window, "preferences-lock-minutes"));

  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, 10.0);
  gtk_spin_button_set_value (spin, 3.0);
  g_assert_cmpuint (g_settings_get_uint (f->settings, "lock-timeout"), ==, 180);
  g_settings_set_uint (f->settings, "lock-timeout", 1200);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, 20.0);
}

/* A server address is checked like on the sign-in page and stored in canonical form; a bad one
 * is refused, marked, and the stored one stays. */
static void
test_server_address (Fixture      *f,
                     gconstpointer data)
{
  GtkWidget *row = anbu_test_find_named (f->window, "preferences-server");
  g_autofree char *stored = NULL;
  g_autofree char *kept = NULL;

  apply_text (row, "Anbu.Example.go.kr");
  stored = g_settings_get_string (f->settings, "server-address");
  g_assert_cmpstr (stored, ==, "https://anbu.example.go.kr");
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  apply_text (row, "ht!tp::/anbu");
  kept = g_settings_get_string (f->settings, "server-address");
  g_assert_cmpstr (kept, ==, "https://anbu.example.go.kr");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
}

/* The tile server is an address like the server's (https, or http on this computer); empty
 * means the Anbu server. */
static void
test_tile_address (Fixture      *f,
                   gconstpointer data)
{
  GtkWidget *row = anbu_test_find_named (f->window, "preferences-tiles");
  g_autofree char *good = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *empty = NULL;

  apply_text (row, "tiles.example.go.kr");
  good = g_settings_get_string (f->settings, "tile-address");
  g_assert_cmpstr (good, ==, "https://tiles.example.go.kr");

  apply_text (row, "http://tiles.example.go.kr");
  kept = g_settings_get_string (f->settings, "tile-address");
  g_assert_cmpstr (kept, ==, "https://tiles.example.go.kr");
  g_assert_true (gtk_widget_has_css_class (row, "error"));

  apply_text (row, "  ");
  empty = g_settings_get_string (f->settings, "tile-address");
  g_assert_cmpstr (empty, ==, "");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
}

/* Choosing Dark switches the whole app to the dark style at once; Follow System undoes it. */
static void
test_style (Fixture      *f,
            gconstpointer data)
{
  g_autoptr (AnbuApplication) app = anbu_test_application_new ();
  AdwComboRow *row = ADW_COMBO_ROW (anbu_test_find_named (f->window, "preferences-style"));
  g_autofree char *scheme = NULL;

  adw_combo_row_set_selected (row, 2);
  scheme = g_settings_get_string (f->settings, "color-scheme");
  g_assert_cmpstr (scheme, ==, "dark");
  g_assert_true (adw_style_manager_get_dark (adw_style_manager_get_default ()));

  adw_combo_row_set_selected (row, 0);
  g_assert_false (adw_style_manager_get_dark (adw_style_manager_get_default ()));
}

/* Closing the main window remembers its size for the next start. */
static void
test_window_size_remembered (void)
{
  g_autoptr (AnbuApplication) app = anbu_test_application_new ();
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *window = GTK_WIDGET (anbu_window_new (GTK_APPLICATION (app), NULL));
  int width, height;

  gtk_window_present (GTK_WINDOW (window));
  anbu_test_wait_drawn (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);
  anbu_test_wait_drawn (window);
  gtk_window_close (GTK_WINDOW (window));

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 900);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 640);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  window = GTK_WIDGET (anbu_window_new (GTK_APPLICATION (app), NULL));
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 640);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  anbu_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/anbu/ui/preferences/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("lock-minutes", test_lock_minutes);
  ADD ("server-address", test_server_address);
  ADD ("tile-address", test_tile_address);
  ADD ("style", test_style);
#undef ADD
  g_test_add_func ("/anbu/ui/preferences/window-size-remembered", test_window_size_remembered);

  return g_test_run ();
}
