/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "anbu-clock.h"
#include "anbu-idle-monitor.h"
#include "anbu-lock-screen.h"
#include "anbu-test-util.h"
#include "anbu-window.h"

typedef struct
{
  AnbuApplication *app;
  AnbuTestAccount *account;
  GtkWidget *window;
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  f->account = anbu_test_account_new ("kim.planner", "correct horse", "김복지");
  f->app = anbu_test_application_new ();
  f->window = GTK_WIDGET (anbu_window_new (GTK_APPLICATION (f->app), ANBU_ACCOUNT (f->account)));
  gtk_window_present (GTK_WINDOW (f->window));
  anbu_test_wait_drawn (f->window);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->app);
  g_clear_object (&f->account);
}

static void
on_idle (AnbuIdleMonitor *monitor,
         guint           *count)
{
  (*count)++;
}

static gboolean
count_positive (gpointer data)
{
  return *(guint *) data > 0;
}

/* Moves the project's clock (a manual clock in the UI tests): idle time is measured on it. */
static void
advance_ms (guint ms)
{
  anbu_clock_advance (anbu_clock_get_default (), (GTimeSpan) ms * 1000);
}

/* The monitor fires once after its timeout, not while inactive, and again only when
 * reactivated; time is the project's clock, so moving it is enough. */
static void
test_idle_monitor (void)
{
  GtkWidget *window = gtk_window_new ();
  g_autoptr (AnbuIdleMonitor) monitor = anbu_idle_monitor_new (GTK_WINDOW (window));
  guint count = 0;

  g_signal_connect (monitor, "idle", G_CALLBACK (on_idle), &count);
  gtk_window_present (GTK_WINDOW (window));
  anbu_idle_monitor_set_timeout (monitor, 100);

  /* Inactive: nothing happens, however far the clock moves. */
  advance_ms (60 * 1000);
  g_assert_cmpuint (count, ==, 0);

  anbu_idle_monitor_set_active (monitor, TRUE);
  advance_ms (99);
  g_assert_cmpuint (count, ==, 0);
  advance_ms (1);
  g_assert_cmpuint (count, ==, 1);
  advance_ms (60 * 1000);
  g_assert_cmpuint (count, ==, 1);

  anbu_idle_monitor_set_active (monitor, TRUE);
  anbu_idle_monitor_set_active (monitor, FALSE);
  advance_ms (60 * 1000);
  g_assert_cmpuint (count, ==, 1);

  /* The wall clock set back an hour does not make the planner wait an hour more. */
  anbu_idle_monitor_set_active (monitor, TRUE);
  advance_ms (50);
  anbu_clock_advance (anbu_clock_get_default (), -G_TIME_SPAN_HOUR);
  advance_ms (99);
  g_assert_cmpuint (count, ==, 1);
  advance_ms (1);
  g_assert_cmpuint (count, ==, 2);

  /* A timeout of 0 never fires; a real timeout set later starts counting then. */
  anbu_idle_monitor_set_timeout (monitor, 0);
  anbu_idle_monitor_set_active (monitor, TRUE);
  advance_ms (60 * 60 * 1000);
  g_assert_cmpuint (count, ==, 2);
  anbu_idle_monitor_set_timeout (monitor, 100);
  advance_ms (99);
  g_assert_cmpuint (count, ==, 2);
  advance_ms (1);
  g_assert_cmpuint (count, ==, 3);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* On the real clock (the app outside tests) the monitor wakes by itself. */
static void
test_idle_monitor_real_clock (void)
{
  g_autoptr (AnbuClock) manual = g_object_ref (anbu_clock_get_default ());
  g_autoptr (AnbuClock) real = anbu_clock_new_real ();
  GtkWidget *window = gtk_window_new ();
  g_autoptr (AnbuIdleMonitor) monitor = NULL;
  guint count = 0;

  anbu_clock_set_default (real);
  monitor = anbu_idle_monitor_new (GTK_WINDOW (window));
  anbu_clock_set_default (manual);
  g_signal_connect (monitor, "idle", G_CALLBACK (on_idle), &count);
  gtk_window_present (GTK_WINDOW (window));
  anbu_idle_monitor_set_timeout (monitor, 100);
  anbu_idle_monitor_set_active (monitor, TRUE);
  g_assert_true (anbu_test_wait_until (count_positive, &count, 30000));
  g_assert_cmpuint (count, ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
on_unlock_requested (AnbuLockScreen *lock_screen,
                     const char     *password,
                     char          **received)
{
  g_free (*received);
  *received = g_strdup (password);
}

/* The lock screen asks for a password, says in Korean when it is empty or wrong, and hands
 * the typed password over without keeping it. */
static void
test_lock_screen_widget (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *lock_screen = anbu_lock_screen_new ();
  GtkWidget *entry, *button, *error;
  g_autofree char *received = NULL;

  gtk_window_set_child (GTK_WINDOW (window), lock_screen);
  gtk_window_present (GTK_WINDOW (window));
  anbu_test_wait_drawn (window);
  g_signal_connect (lock_screen, "unlock-requested", G_CALLBACK (on_unlock_requested), &received);
  anbu_lock_screen_set_username (ANBU_LOCK_SCREEN (lock_screen), "김복지");

  entry = anbu_test_find_named (lock_screen, "unlock-password");
  button = anbu_test_find_named (lock_screen, "unlock-button");
  error = anbu_test_find_named (lock_screen, "unlock-error");

  anbu_test_press (button);
  g_assert_null (received);
  g_assert_true (gtk_widget_get_visible (error));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error)), ==, "비밀번호를 입력하세요.");

  gtk_editable_set_text (GTK_EDITABLE (entry), "guess");
  g_assert_false (gtk_widget_get_visible (error));
  anbu_test_press (button);
  g_assert_cmpstr (received, ==, "guess");
  g_assert_true (anbu_lock_screen_get_busy (ANBU_LOCK_SCREEN (lock_screen)));
  g_assert_false (gtk_widget_is_sensitive (button));

  anbu_lock_screen_reject (ANBU_LOCK_SCREEN (lock_screen));
  g_assert_false (anbu_lock_screen_get_busy (ANBU_LOCK_SCREEN (lock_screen)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error)), ==, "비밀번호가 맞지 않습니다. 다시 입력하세요.");
  g_assert_true (gtk_widget_get_visible (error));

  anbu_test_assert_accessible_names (window, "lock screen");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
window_unlocked (gpointer window)
{
  return !anbu_window_get_locked (window);
}

static gboolean
unlock_error_shown (gpointer window)
{
  GtkWidget *error = anbu_test_find_named (window, "unlock-error");

  return gtk_widget_get_visible (error);
}

static void
type_unlock (GtkWidget  *window,
             const char *password)
{
  gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (window, "unlock-password")), password);
  anbu_test_press (anbu_test_find_named (window, "unlock-button"));
}

/* After the idle time the window hides the views and asks for the password; a wrong
 * password keeps it locked, the right one brings the views back. */
static void
test_window_idle_lock (Fixture      *f,
                       gconstpointer data)
{
  AnbuIdleMonitor *monitor = anbu_window_get_idle_monitor (ANBU_WINDOW (f->window));
  GtkWidget *views;

  g_assert_cmpuint (anbu_idle_monitor_get_timeout (monitor), ==, 600 * 1000);

  /* Not signed in: no lock, however long the wait. */
  advance_ms (60 * 60 * 1000);
  g_assert_false (anbu_window_get_locked (ANBU_WINDOW (f->window)));

  anbu_test_sign_in (f->window, "https://anbu.example.go.kr", "kim.planner", "correct horse");
  views = anbu_test_find_type (f->window, ADW_TYPE_VIEW_STACK);
  g_assert_true (gtk_widget_get_mapped (views));

  /* Ten minutes (the default) without input: locked, not a moment before. */
  advance_ms (600 * 1000 - 1);
  g_assert_false (anbu_window_get_locked (ANBU_WINDOW (f->window)));
  advance_ms (1);
  g_assert_true (anbu_window_get_locked (ANBU_WINDOW (f->window)));
  g_assert_cmpuint (anbu_test_account_get_locks (f->account), ==, 1);
  anbu_test_wait_drawn (f->window);
  g_assert_false (gtk_widget_get_mapped (views));
  g_assert_true (gtk_widget_get_mapped (anbu_test_find_named (f->window, "unlock-password")));
  anbu_test_save_screenshot (f->window, "locked");

  type_unlock (f->window, "correct horse?");
  g_assert_true (anbu_test_wait_until (unlock_error_shown, f->window, 30000));
  g_assert_true (anbu_window_get_locked (ANBU_WINDOW (f->window)));
  g_assert_false (gtk_widget_get_mapped (views));

  type_unlock (f->window, "correct horse");
  g_assert_true (anbu_test_wait_until (window_unlocked, f->window, 30000));
  anbu_test_wait_drawn (f->window);
  g_assert_true (gtk_widget_get_mapped (views));

  /* The idle clock starts again after unlocking. */
  advance_ms (600 * 1000);
  g_assert_true (anbu_window_get_locked (ANBU_WINDOW (f->window)));
}

typedef struct
{
  const char *xdotool;
  guint moves;
  guint motions;               /* motion events the watched window received */
} Mover;

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           Mover                    *mover)
{
  mover->motions++;
}

static gboolean
motion_arrived (gpointer user_data)
{
  Mover *mover = user_data;

  return mover->motions >= mover->moves;
}

/* Moves the real pointer (xdotool sends it to the X server) and waits until @watched has
 * received the motion: the idle monitor, capturing before any other controller, saw it. */
static void
move_pointer (Mover *mover)
{
  /* Across tests too: the pointer must really move, or X sends no motion. */
  static guint moves_in_process;
  g_autofree char *x = g_strdup_printf ("%u", 200 + (moves_in_process++ % 2) * 40);
  const char *argv[] = { mover->xdotool, "mousemove", x, "200", NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                               NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  mover->moves++;
  g_assert_true (anbu_test_wait_until (motion_arrived, mover, 30000));
  mover->motions = mover->moves;
}

static gboolean
have_xdotool (void)
{
  g_autofree char *path = g_find_program_in_path ("xdotool");

  return path != NULL;
}

/* Input over @watched keeps the window unlocked for three times the idle time; when it stops,
 * the lock follows after the idle time. */
static void
assert_input_defers_lock (Fixture   *f,
                          GtkWidget *watched)
{
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  AnbuIdleMonitor *monitor = anbu_window_get_idle_monitor (ANBU_WINDOW (f->window));
  g_autoptr (GtkEventController) motion = g_object_ref (gtk_event_controller_motion_new ());
  Mover mover = { NULL, 0, 0 };

  mover.xdotool = xdotool;
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), &mover);
  gtk_widget_add_controller (watched, motion);
  anbu_idle_monitor_set_timeout (monitor, 2500);
  anbu_idle_monitor_set_active (monitor, TRUE);

  for (guint i = 0; i < 4; i++)
    {
      advance_ms (2000);
      move_pointer (&mover);
    }
  advance_ms (2000);
  g_assert_false (anbu_window_get_locked (ANBU_WINDOW (f->window)));

  advance_ms (500);
  g_assert_true (anbu_window_get_locked (ANBU_WINDOW (f->window)));
  /* Locking closed a dialog (and dropped its controllers); @mover is about to go. */
  g_signal_handlers_disconnect_by_data (motion, &mover);
  if (gtk_event_controller_get_widget (motion) != NULL)
    gtk_widget_remove_controller (gtk_event_controller_get_widget (motion), motion);
}

/* A planner who keeps using the window is never locked out: real pointer motion restarts the
 * idle time; when it stops, the lock follows. */
static void
test_window_input_defers_lock (Fixture      *f,
                               gconstpointer data)
{
  if (!have_xdotool ())
    {
      g_test_skip ("xdotool is not installed (build-aux/packages.sh installs it)");
      return;
    }

  anbu_test_sign_in (f->window, "https://anbu.example.go.kr", "kim.planner", "correct horse");
  assert_input_defers_lock (f, f->window);
}

/* Working in a dialog over the window (here: the preferences) is not idleness: pointer motion
 * in it defers the lock too. */
static void
test_dialog_input_defers_lock (Fixture      *f,
                               gconstpointer data)
{
  GtkWidget *preferences;

  if (!have_xdotool ())
    {
      g_test_skip ("xdotool is not installed (build-aux/packages.sh installs it)");
      return;
    }

  anbu_test_sign_in (f->window, "https://anbu.example.go.kr", "kim.planner", "correct horse");
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "preferences", NULL);
  preferences = anbu_test_find_toplevel_named ("AnbuPreferencesWindow");
  g_assert_nonnull (preferences);
  anbu_test_wait_drawn (preferences);

  /* No window manager: the dialog sits at the top left, over the main window. */
  assert_input_defers_lock (f, preferences);
}

/* Ctrl+L locks at once; the lock action is off while locked or signed out. */
static void
test_window_lock_action (Fixture      *f,
                         gconstpointer data)
{
  g_auto (GStrv) accels = NULL;

  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (f->app), "win.lock");
  g_assert_cmpstr (accels[0], ==, "<Control>l");

  g_assert_false (gtk_widget_activate_action (f->window, "win.lock", NULL) &&
                  anbu_window_get_locked (ANBU_WINDOW (f->window)));
  anbu_test_sign_in (f->window, "https://anbu.example.go.kr", "kim.planner", "correct horse");
  g_assert_true (gtk_widget_activate_action (f->window, "win.lock", NULL));
  g_assert_true (anbu_window_get_locked (ANBU_WINDOW (f->window)));
}

/* A dialog left open (here: the sign-out confirmation) closes when the window locks, so
 * nobody can answer it without the password. */
static void
test_lock_closes_dialogs (Fixture      *f,
                          gconstpointer data)
{
  anbu_test_sign_in (f->window, "https://anbu.example.go.kr", "kim.planner", "correct horse");
  g_assert_true (gtk_widget_activate_action (f->window, "win.sign-out", NULL));
  g_assert_nonnull (anbu_test_find_toplevel_named ("sign-out-dialog"));
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "preferences", NULL);
  g_assert_nonnull (anbu_test_find_toplevel_named ("AnbuPreferencesWindow"));

  anbu_window_lock (ANBU_WINDOW (f->window));
  g_assert_null (anbu_test_find_toplevel_named ("sign-out-dialog"));
  g_assert_null (anbu_test_find_toplevel_named ("AnbuPreferencesWindow"));
  g_assert_true (anbu_window_get_signed_in (ANBU_WINDOW (f->window)));
}

int
main (int   argc,
      char *argv[])
{
  anbu_test_init (&argc, &argv);

  g_test_add_func ("/anbu/ui/lock/idle-monitor", test_idle_monitor);
  g_test_add_func ("/anbu/ui/lock/idle-monitor-real-clock", test_idle_monitor_real_clock);
  g_test_add_func ("/anbu/ui/lock/lock-screen-widget", test_lock_screen_widget);
  g_test_add ("/anbu/ui/lock/window-idle-lock", Fixture, NULL,
              fixture_set_up, test_window_idle_lock, fixture_tear_down);
  g_test_add ("/anbu/ui/lock/window-input-defers-lock", Fixture, NULL,
              fixture_set_up, test_window_input_defers_lock, fixture_tear_down);
  g_test_add ("/anbu/ui/lock/dialog-input-defers-lock", Fixture, NULL,
              fixture_set_up, test_dialog_input_defers_lock, fixture_tear_down);
  g_test_add ("/anbu/ui/lock/window-lock-action", Fixture, NULL,
              fixture_set_up, test_window_lock_action, fixture_tear_down);
  g_test_add ("/anbu/ui/lock/lock-closes-dialogs", Fixture, NULL,
              fixture_set_up, test_lock_closes_dialogs, fixture_tear_down);

  return g_test_run ();
}
