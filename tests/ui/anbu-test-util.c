/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-test"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "anbu-clock.h"
#include "anbu-activity-chart.h"
#include "anbu-map-view.h"
#include "anbu-outbox-entry.h"
#include "anbu-stats-chart.h"
#include "anbu-test-util.h"
#include "anbu-window.h"

struct _AnbuTestAccount
{
  GObject parent_instance;

  char *username;
  char *password;
  char *display_name;
  gboolean signed_in;
  AnbuSyncIndicatorState sync_state;
  GDateTime *last_sync;
  guint pending_count;
  guint sync_requests;
  guint sign_outs;
  guint locks;
  gboolean needs_sign_in;
  gboolean damaged;
  guint rebuilds;
  GListStore *pending;
  GListStore *conflicts;
  GListStore *rejections;
};

static void anbu_test_account_iface_init (AnbuAccountInterface *iface);

G_DEFINE_TYPE_WITH_CODE (AnbuTestAccount, anbu_test_account, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (ANBU_TYPE_ACCOUNT, anbu_test_account_iface_init))

enum
{
  PROP_0,
  PROP_DISPLAY_NAME,
  PROP_SYNC_STATE,
  PROP_LAST_SYNC,
  PROP_PENDING_COUNT,
  PROP_NEEDS_SIGN_IN,
};

static void
test_sign_in_async (AnbuAccount        *account,
                    const char         *server_address,
                    const char         *username,
                    const char         *password,
                    GCancellable       *cancellable,
                    GAsyncReadyCallback callback,
                    gpointer            user_data)
{
  AnbuTestAccount *self = ANBU_TEST_ACCOUNT (account);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, test_sign_in_async);
  if (self->damaged)
    {
      g_task_return_new_error (task, ANBU_ACCOUNT_ERROR, ANBU_ACCOUNT_ERROR_REPLICA_DAMAGED,
                               "replica damaged");
      return;
    }
  if (g_strcmp0 (username, self->username) != 0 || g_strcmp0 (password, self->password) != 0)
    {
      g_task_return_new_error (task, ANBU_ACCOUNT_ERROR, ANBU_ACCOUNT_ERROR_WRONG_CREDENTIALS,
                               "wrong username or password");
      return;
    }
  self->signed_in = TRUE;
  g_object_notify (G_OBJECT (self), "display-name");
  g_task_return_boolean (task, TRUE);
}

static gboolean
test_finish (AnbuAccount  *account,
             GAsyncResult *result,
             GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, account), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
test_unlock_async (AnbuAccount        *account,
                   const char         *password,
                   GCancellable       *cancellable,
                   GAsyncReadyCallback callback,
                   gpointer            user_data)
{
  AnbuTestAccount *self = ANBU_TEST_ACCOUNT (account);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, test_unlock_async);
  if (!self->signed_in || g_strcmp0 (password, self->password) != 0)
    g_task_return_new_error (task, ANBU_ACCOUNT_ERROR, ANBU_ACCOUNT_ERROR_WRONG_CREDENTIALS,
                             "wrong password");
  else
    g_task_return_boolean (task, TRUE);
}

static void
test_sign_out_async (AnbuAccount        *account,
                     GCancellable       *cancellable,
                     GAsyncReadyCallback callback,
                     gpointer            user_data)
{
  AnbuTestAccount *self = ANBU_TEST_ACCOUNT (account);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, test_sign_out_async);
  self->signed_in = FALSE;
  self->sign_outs++;
  g_object_notify (G_OBJECT (self), "display-name");
  g_task_return_boolean (task, TRUE);
}

static void
test_sync_now (AnbuAccount *account)
{
  ANBU_TEST_ACCOUNT (account)->sync_requests++;
}

static void
test_rebuild_async (AnbuAccount        *account,
                    const char         *password,
                    GCancellable       *cancellable,
                    GAsyncReadyCallback callback,
                    gpointer            user_data)
{
  AnbuTestAccount *self = ANBU_TEST_ACCOUNT (account);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, test_rebuild_async);
  self->rebuilds++;
  if (g_strcmp0 (password, self->password) != 0)
    {
      g_task_return_new_error (task, ANBU_ACCOUNT_ERROR, ANBU_ACCOUNT_ERROR_WRONG_CREDENTIALS,
                               "wrong password");
      return;
    }
  self->damaged = FALSE;
  self->signed_in = TRUE;
  g_task_return_boolean (task, TRUE);
}

static gboolean
test_rebuild_finish (AnbuAccount  *account,
                     GAsyncResult *result,
                     guint        *n_lost,
                     GError      **error)
{
  if (n_lost != NULL)
    *n_lost = 0;
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
test_renew_async (AnbuAccount        *account,
                  const char         *password,
                  GCancellable       *cancellable,
                  GAsyncReadyCallback callback,
                  gpointer            user_data)
{
  AnbuTestAccount *self = ANBU_TEST_ACCOUNT (account);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, test_renew_async);
  if (g_strcmp0 (password, self->password) != 0)
    {
      g_task_return_new_error (task, ANBU_ACCOUNT_ERROR, ANBU_ACCOUNT_ERROR_WRONG_CREDENTIALS,
                               "wrong password");
      return;
    }
  anbu_test_account_set_needs_sign_in (self, FALSE);
  g_task_return_boolean (task, TRUE);
}

static void
test_lock (AnbuAccount *account)
{
  ANBU_TEST_ACCOUNT (account)->locks++;
}

static GListModel *
test_get_pending (AnbuAccount *account)
{
  return G_LIST_MODEL (ANBU_TEST_ACCOUNT (account)->pending);
}

static GListModel *
test_get_conflicts (AnbuAccount *account)
{
  return G_LIST_MODEL (ANBU_TEST_ACCOUNT (account)->conflicts);
}

static GListModel *
test_get_rejections (AnbuAccount *account)
{
  return G_LIST_MODEL (ANBU_TEST_ACCOUNT (account)->rejections);
}

static GtkWidget *
test_create_sync_row (AnbuAccount *account,
                      gpointer     item)
{
  GtkWidget *row = adw_action_row_new ();

  /* Outbox entries where a test gives the real ones (a refused change). */
  if (ANBU_IS_OUTBOX_ENTRY (item))
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), anbu_outbox_entry_get_kind (item));
  else
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                   gtk_string_object_get_string (GTK_STRING_OBJECT (item)));
  return row;
}

static void
anbu_test_account_iface_init (AnbuAccountInterface *iface)
{
  iface->lock = test_lock;
  iface->rebuild_async = test_rebuild_async;
  iface->rebuild_finish = test_rebuild_finish;
  iface->renew_async = test_renew_async;
  iface->renew_finish = test_finish;
  iface->get_pending = test_get_pending;
  iface->get_conflicts = test_get_conflicts;
  iface->get_rejections = test_get_rejections;
  iface->create_sync_row = test_create_sync_row;
  iface->sign_in_async = test_sign_in_async;
  iface->sign_in_finish = test_finish;
  iface->unlock_async = test_unlock_async;
  iface->unlock_finish = test_finish;
  iface->sign_out_async = test_sign_out_async;
  iface->sign_out_finish = test_finish;
  iface->sync_now = test_sync_now;
}

static void
anbu_test_account_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AnbuTestAccount *self = ANBU_TEST_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->signed_in ? self->display_name : NULL);
      break;
    case PROP_SYNC_STATE:
      g_value_set_enum (value, self->sync_state);
      break;
    case PROP_LAST_SYNC:
      g_value_set_boxed (value, self->last_sync);
      break;
    case PROP_PENDING_COUNT:
      g_value_set_uint (value, self->pending_count);
      break;
    case PROP_NEEDS_SIGN_IN:
      g_value_set_boolean (value, self->needs_sign_in);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_test_account_finalize (GObject *object)
{
  AnbuTestAccount *self = ANBU_TEST_ACCOUNT (object);

  g_free (self->username);
  g_free (self->password);
  g_free (self->display_name);
  g_clear_pointer (&self->last_sync, g_date_time_unref);
  g_clear_object (&self->pending);
  g_clear_object (&self->conflicts);
  g_clear_object (&self->rejections);

  G_OBJECT_CLASS (anbu_test_account_parent_class)->finalize (object);
}

static void
anbu_test_account_class_init (AnbuTestAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = anbu_test_account_get_property;
  object_class->finalize = anbu_test_account_finalize;

  g_object_class_override_property (object_class, PROP_DISPLAY_NAME, "display-name");
  g_object_class_override_property (object_class, PROP_SYNC_STATE, "sync-state");
  g_object_class_override_property (object_class, PROP_LAST_SYNC, "last-sync");
  g_object_class_override_property (object_class, PROP_PENDING_COUNT, "pending-count");
  g_object_class_override_property (object_class, PROP_NEEDS_SIGN_IN, "needs-sign-in");
}

static void
anbu_test_account_init (AnbuTestAccount *self)
{
  self->pending = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  self->conflicts = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  self->rejections = g_list_store_new (G_TYPE_OBJECT);
}

/* The account's refused changes: a test adds the outbox entries its push had refused. */
GListStore *
anbu_test_account_get_rejections_store (AnbuTestAccount *self)
{
  g_return_val_if_fail (ANBU_IS_TEST_ACCOUNT (self), NULL);
  return self->rejections;
}

AnbuTestAccount *
anbu_test_account_new (const char *username,
                       const char *password,
                       const char *display_name)
{
  AnbuTestAccount *self = g_object_new (ANBU_TYPE_TEST_ACCOUNT, NULL);

  self->username = g_strdup (username);
  self->password = g_strdup (password);
  self->display_name = g_strdup (display_name);
  return self;
}

void
anbu_test_account_set_sync (AnbuTestAccount       *self,
                            AnbuSyncIndicatorState state,
                            GDateTime             *last_sync,
                            guint                  pending_count)
{
  self->sync_state = state;
  g_clear_pointer (&self->last_sync, g_date_time_unref);
  self->last_sync = last_sync != NULL ? g_date_time_ref (last_sync) : NULL;
  self->pending_count = pending_count;
  g_object_notify (G_OBJECT (self), "sync-state");
  g_object_notify (G_OBJECT (self), "last-sync");
  g_object_notify (G_OBJECT (self), "pending-count");
}

guint
anbu_test_account_get_sync_requests (AnbuTestAccount *self)
{
  return self->sync_requests;
}

guint
anbu_test_account_get_sign_outs (AnbuTestAccount *self)
{
  return self->sign_outs;
}

void
anbu_test_account_set_damaged (AnbuTestAccount *self,
                               gboolean         damaged)
{
  self->damaged = damaged;
}

guint
anbu_test_account_get_rebuilds (AnbuTestAccount *self)
{
  return self->rebuilds;
}

void
anbu_test_account_set_needs_sign_in (AnbuTestAccount *self,
                                     gboolean         needs_sign_in)
{
  self->needs_sign_in = needs_sign_in;
  g_object_notify (G_OBJECT (self), "needs-sign-in");
}

guint
anbu_test_account_get_locks (AnbuTestAccount *self)
{
  return self->locks;
}

/* The account's list of waiting changes, as GtkStringObject titles. */
GListStore *
anbu_test_account_get_pending_store (AnbuTestAccount *self)
{
  return self->pending;
}

/* ---------------------------------------------------------------------------------------- */

void
anbu_test_init (int    *argc,
                char ***argv)
{
  anbu_application_init_i18n ();
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  /* Xvfb has no window manager: focus changes reach a text field's cursor-blink timer without a
   * focus-out, and GTK warns (fatal in tests). A steady cursor has no timer. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  /* Every UI test runs on a manual clock standing on a business-day morning in
   * Seoul, whatever today's date is; a test moves it with anbu_test_set_now. */
  {
    g_autoptr (GDateTime) start = g_date_time_new_from_iso8601 (ANBU_TEST_NOW_ISO, NULL);
    g_autoptr (AnbuClock) clock = anbu_clock_new_manual (g_date_time_to_unix (start) * G_USEC_PER_SEC);

    anbu_clock_set_default (clock);
  }
}

/* Moves the process's manual clock (and every casework, view and test server
 * started after it reads it). */
void
anbu_test_set_now (gint64 now_usec)
{
  anbu_clock_set_now_usec (anbu_clock_get_default (), now_usec);
}

/**
 * anbu_test_application_new:
 *
 * Returns: (transfer full): the test process's one application, registered (which runs
 *   startup: actions, accelerators, style, help overlay). One per process: a second
 *   registration on the bus would fail.
 */
static GPtrArray *notifications;

/* Xvfb has no notification daemon (GIO would warn, fatally in tests): signal notifications
 * end here, where tests read them. */
static void
on_signal_notification (AnbuApplication *app,
                        const char      *notification_id,
                        GNotification   *notification)
{
  g_ptr_array_add (notifications, g_strdup (notification_id));
  g_signal_stop_emission_by_name (app, "signal-notification");
}

/**
 * anbu_test_get_notifications:
 *
 * Returns: (transfer none): the ids of the signal notifications the application sent, oldest
 *   first
 */
GPtrArray *
anbu_test_get_notifications (void)
{
  return notifications;
}

AnbuApplication *
anbu_test_application_new (void)
{
  static AnbuApplication *app;

  if (app == NULL)
    {
      g_autoptr (GError) error = NULL;

      app = anbu_application_new (G_APPLICATION_NON_UNIQUE, NULL);
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
      g_assert_no_error (error);
      notifications = g_ptr_array_new_with_free_func (g_free);
      g_signal_connect (app, "signal-notification", G_CALLBACK (on_signal_notification), NULL);
    }
  return g_object_ref (app);
}

GtkWidget *
anbu_test_find_named (GtkWidget  *root,
                      const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = anbu_test_find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
anbu_test_find_type (GtkWidget *root,
                     GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (root), type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = anbu_test_find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
anbu_test_find_toplevel_named (const char *name)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (g_strcmp0 (gtk_widget_get_name (window), name) == 0
          || g_strcmp0 (G_OBJECT_TYPE_NAME (window), name) == 0)
        return window;
    }
  return NULL;
}

static gboolean
on_wait_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

void
anbu_test_ready_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

gboolean
anbu_test_has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/**
 * anbu_test_wait_until:
 *
 * Spins the main loop until @condition holds or @timeout_ms passes. The timeout only bounds
 * a failure: a wait that succeeds returns as soon as @condition holds, so every timeout is
 * stretched to at least 30 s: a loaded 2-core CI machine must not fail a test that would
 * pass.
 *
 * Returns: whether @condition held
 */
gboolean
anbu_test_wait_until (gboolean (*condition) (gpointer),
                      gpointer  data,
                      guint     timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (MAX (timeout_ms, 30 * 1000), on_wait_timeout, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);
  return condition (data);
}

typedef struct
{
  gboolean painted;
} DrawWait;

static void
on_after_paint (GdkFrameClock *clock,
                DrawWait      *wait)
{
  wait->painted = TRUE;
}

/* Whether any stack under `widget` is mid-transition or any revealer is still opening or
 * closing. */
static gboolean
transition_running (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) && gtk_stack_get_transition_running (GTK_STACK (widget)))
    return TRUE;
  if (GTK_IS_REVEALER (widget)
      && gtk_revealer_get_child_revealed (GTK_REVEALER (widget))
         != gtk_revealer_get_reveal_child (GTK_REVEALER (widget)))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (transition_running (child))
      return TRUE;
  return FALSE;
}

static gboolean
transitions_done (gpointer window)
{
  return !transition_running (window);
}

static gboolean
draw_wait_painted (gpointer data)
{
  return ((DrawWait *) data)->painted;
}

/**
 * anbu_test_wait_drawn:
 *
 * Waits until @window has painted a frame after a redraw request, and again after every
 * transition in it (stack cross-fades, revealers) has finished.
 */
void
anbu_test_wait_drawn (GtkWidget *window)
{
  DrawWait wait = { FALSE };
  GdkFrameClock *clock;
  gulong handler;

  g_assert_true (anbu_test_wait_until ((gboolean (*) (gpointer)) gtk_widget_get_mapped, window, 5000));
  clock = gtk_widget_get_frame_clock (window);
  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &wait);
  gtk_widget_queue_draw (window);
  g_assert_true (anbu_test_wait_until (draw_wait_painted, &wait, 5000));
  g_signal_handler_disconnect (clock, handler);

  /* Transitions (stack cross-fades, revealers) run over several frames: wait until none is
   * running, then for one more frame painted after that. */
  g_assert_true (anbu_test_wait_until (transitions_done, window, 5000));
  wait.painted = FALSE;
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &wait);
  gtk_widget_queue_draw (window);
  g_assert_true (anbu_test_wait_until (draw_wait_painted, &wait, 5000));
  g_signal_handler_disconnect (clock, handler);
}

/**
 * anbu_test_save_screenshot:
 *
 * Renders @window as it is on screen to `screenshots/NAME.png` in the build directory.
 */
void
anbu_test_save_screenshot (GtkWidget  *window,
                           const char *name)
{
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GtkSnapshot) snapshot = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  const char *build_dir = g_getenv ("ANBU_BUILD_DIR");
  GskRenderer *renderer;
  int width, height;

  anbu_test_wait_drawn (window);

  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_nonnull (texture);

  dir = g_build_filename (build_dir != NULL ? build_dir : ".", "screenshots", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* ---------------------------------------------------------------------------------------- */

static gboolean subtree_has_text (GtkWidget *widget);

/* The widget @widget is labelled by, when that is exactly one widget in the same window. */
static GtkWidget *
find_labelled_by (GtkWidget *widget,
                  GtkWidget *candidate)
{
  g_autofree char *mismatch = NULL;

  mismatch = gtk_test_accessible_check_relation (GTK_ACCESSIBLE (widget),
                                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                                 candidate, NULL);
  if (mismatch == NULL)
    return candidate;

  for (GtkWidget *child = gtk_widget_get_first_child (candidate);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_labelled_by (widget, child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
gives_text (GtkWidget *label)
{
  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL))
    return TRUE;
  if (GTK_IS_LABEL (label))
    return *gtk_label_get_text (GTK_LABEL (label)) != '\0';
  return subtree_has_text (label);
}

/* Named by its own label property, or by a labelled-by relation to something that has text
 * (GTK points a button at its child even when that child is only an icon). */
static gboolean
has_name (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);
  GtkWidget *label;

  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL))
    return TRUE;
  if (!gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return FALSE;

  label = find_labelled_by (widget, GTK_WIDGET (gtk_widget_get_root (widget)));
  /* Labelled by several widgets: GTK joins their names; count it as named. */
  if (label == NULL)
    return TRUE;
  return gives_text (label);
}

/* A visible, non-empty label below @widget that is not part of another focusable control. */
static gboolean
subtree_has_text (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_visible (child))
        continue;
      if (GTK_IS_LABEL (child) && *gtk_label_get_text (GTK_LABEL (child)) != '\0')
        return TRUE;
      if (!gtk_widget_get_focusable (child) && subtree_has_text (child))
        return TRUE;
    }
  return FALSE;
}

/* Buttons, toggles, check boxes, tabs and rows take their name from the label they contain. */
static gboolean
named_by_content (GtkWidget *widget)
{
  switch ((int) gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)))
    {
    case GTK_ACCESSIBLE_ROLE_BUTTON:
    case GTK_ACCESSIBLE_ROLE_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_RADIO:
    case GTK_ACCESSIBLE_ROLE_TAB:
    case GTK_ACCESSIBLE_ROLE_LINK:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM:
    case GTK_ACCESSIBLE_ROLE_LIST_ITEM:
    case GTK_ACCESSIBLE_ROLE_ROW:
      return subtree_has_text (widget);
    default:
      return FALSE;
    }
}

/* A text field, or the button inside a menu button, is named by the control it belongs to. */
static gboolean
named_by_control (GtkWidget *widget)
{
  GtkWidget *ancestor = gtk_widget_get_parent (widget);

  if (!GTK_IS_TEXT (widget) && !GTK_IS_MENU_BUTTON (ancestor))
    return FALSE;

  for (int depth = 0; ancestor != NULL && depth < 4; depth++)
    {
      if (has_name (ancestor))
        return TRUE;
      ancestor = gtk_widget_get_parent (ancestor);
    }
  return FALSE;
}

/* Roles of the controls a planner operates (scrolled windows and plain labels also take focus
 * but are not controls). */
static gboolean
has_control_role (GtkWidget *widget)
{
  switch ((int) gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)))
    {
    case GTK_ACCESSIBLE_ROLE_BUTTON:
    case GTK_ACCESSIBLE_ROLE_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_COMBO_BOX:
    case GTK_ACCESSIBLE_ROLE_LINK:
    case GTK_ACCESSIBLE_ROLE_LIST_ITEM:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_RADIO:
    case GTK_ACCESSIBLE_ROLE_RADIO:
    case GTK_ACCESSIBLE_ROLE_ROW:
    case GTK_ACCESSIBLE_ROLE_SEARCH_BOX:
    case GTK_ACCESSIBLE_ROLE_SLIDER:
    case GTK_ACCESSIBLE_ROLE_SPIN_BUTTON:
    case GTK_ACCESSIBLE_ROLE_SWITCH:
    case GTK_ACCESSIBLE_ROLE_TAB:
    case GTK_ACCESSIBLE_ROLE_TEXT_BOX:
    case GTK_ACCESSIBLE_ROLE_TREE_ITEM:
      return TRUE;
    default:
      return GTK_IS_TEXT (widget);
    }
}

static gboolean
is_interactive (GtkWidget *widget)
{
  return gtk_widget_get_mapped (widget)
         && gtk_widget_get_focusable (widget)
         && gtk_widget_get_can_focus (widget)
         && gtk_widget_is_sensitive (widget)
         && has_control_role (widget);
}

static void
collect_unnamed (GtkWidget *widget,
                 GString   *failures)
{
  if (!gtk_widget_get_mapped (widget))
    return;

  if (is_interactive (widget)
      && !has_name (widget) && !named_by_content (widget) && !named_by_control (widget))
    {
      g_string_append_printf (failures, "  %s (tooltip \"%s\")", G_OBJECT_TYPE_NAME (widget),
                              gtk_widget_get_tooltip_text (widget) != NULL
                                ? gtk_widget_get_tooltip_text (widget) : "");
      for (GtkWidget *ancestor = gtk_widget_get_parent (widget);
           ancestor != NULL;
           ancestor = gtk_widget_get_parent (ancestor))
        g_string_append_printf (failures, " in %s%s%s", G_OBJECT_TYPE_NAME (ancestor),
                                g_strcmp0 (gtk_widget_get_name (ancestor), G_OBJECT_TYPE_NAME (ancestor)) != 0 ? " #" : "",
                                g_strcmp0 (gtk_widget_get_name (ancestor), G_OBJECT_TYPE_NAME (ancestor)) != 0
                                  ? gtk_widget_get_name (ancestor) : "");
      g_string_append_c (failures, '\n');
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_unnamed (child, failures);
}

static gboolean
names_households_list (GtkWidget *widget)
{
  GVariant *target;

  if (GTK_IS_ACTIONABLE (widget)
      && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "win.show-view") == 0
      && (target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget))) != NULL
      && g_variant_is_of_type (target, G_VARIANT_TYPE_STRING)
      && g_str_equal (g_variant_get_string (target, NULL), "households"))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (names_households_list (child))
      return TRUE;
  return FALSE;
}

/* Pictures need words: the activity chart has a name and its summary as description, the map
 * a name, a description, and a button to the same households as a list. */
static void
collect_without_alternative (GtkWidget *root,
                             GtkWidget *widget,
                             GString   *failures)
{
  if (!gtk_widget_get_mapped (widget))
    return;

  if (ANBU_IS_ACTIVITY_CHART (widget) || ANBU_IS_MAP_VIEW (widget) || ANBU_IS_STATS_CHART (widget))
    {
      if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
        g_string_append_printf (failures, "  %s has no accessible label\n", G_OBJECT_TYPE_NAME (widget));
      if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION))
        g_string_append_printf (failures, "  %s has no accessible description\n", G_OBJECT_TYPE_NAME (widget));
    }
  if (ANBU_IS_ACTIVITY_CHART (widget))
    {
      g_autofree char *summary = anbu_activity_chart_dup_summary (ANBU_ACTIVITY_CHART (widget));
      g_autofree char *mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                                      summary);
      GtkWidget *shown = anbu_test_find_named (root, "household-chart-summary");

      /* The summary itself, or the sentence the household page shows under it (the chart as
       * last fetched, offline). */
      if (mismatch != NULL && GTK_IS_LABEL (shown))
        {
          g_free (mismatch);
          mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                         GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                         gtk_label_get_label (GTK_LABEL (shown)));
        }
      if (mismatch != NULL)
        g_string_append_printf (failures, "  AnbuActivityChart's description is not its summary: %s\n", mismatch);
    }
  /* The statistics charts in words: the figures they draw. */
  if (ANBU_IS_STATS_CHART (widget))
    {
      g_autofree char *summary = anbu_stats_chart_dup_summary (ANBU_STATS_CHART (widget));
      g_autofree char *mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                                      summary);

      if (mismatch != NULL)
        g_string_append_printf (failures, "  AnbuStatsChart's description is not its summary: %s\n", mismatch);
    }
  if (ANBU_IS_MAP_VIEW (widget) && !names_households_list (root))
    g_string_append (failures, "  AnbuMapView has no button to the households as a list\n");

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_without_alternative (root, child, failures);
}

/**
 * anbu_test_assert_accessible_names:
 *
 * Fails the test if a mapped widget under @root that takes keyboard focus has no accessible
 * name: no label property, no labelled-by relation, no text of its own (for buttons and rows),
 * and no named control around it (for text fields). Also fails if a mapped activity chart or
 * map has no text alternative (see collect_without_alternative()).
 */
void
anbu_test_assert_accessible_names (GtkWidget  *root,
                                   const char *where)
{
  g_autoptr (GString) failures = g_string_new (NULL);

  collect_unnamed (root, failures);
  if (failures->len > 0)
    g_error ("%s: interactive widgets without an accessible name:\n%s", where, failures->str);
  collect_without_alternative (root, root, failures);
  if (failures->len > 0)
    g_error ("%s: pictures without a text alternative:\n%s", where, failures->str);
}

static gboolean
page_is_main (gpointer data)
{
  return anbu_window_get_signed_in (data);
}

/**
 * anbu_test_sign_in:
 *
 * Fills the sign-in page of @window as a planner would and activates the button; waits for
 * the main views.
 */
void
anbu_test_sign_in (GtkWidget  *window,
                   const char *server,
                   const char *username,
                   const char *password)
{
  gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (window, "server-entry")), server);
  gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (window, "username-entry")), username);
  gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (window, "password-entry")), password);
  anbu_test_press (anbu_test_find_named (window, "sign-in-button"));
  g_assert_true (anbu_test_wait_until (page_is_main, window, 5000));
}

static void
on_clicked (gboolean *clicked)
{
  *clicked = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/**
 * anbu_test_press:
 *
 * Activates @button as Space or Enter does when it has the keyboard focus, and waits for the
 * click that follows.
 */
void
anbu_test_press (GtkWidget *button)
{
  gboolean clicked = FALSE;
  gulong handler;

  g_assert_true (GTK_IS_BUTTON (button));
  handler = g_signal_connect_swapped (button, "clicked", G_CALLBACK (on_clicked), &clicked);
  g_assert_true (gtk_widget_activate (button));
  g_assert_true (anbu_test_wait_until (is_true, &clicked, 3000));
  g_signal_handler_disconnect (button, handler);
}

typedef struct
{
  gboolean   clicked;
  GtkWidget *button;   /* weak: NULL once the button is gone */
} NamedPress;

static gboolean
pressed_or_gone (gpointer data)
{
  NamedPress *press = data;

  return press->clicked || press->button == NULL || gtk_widget_get_root (press->button) == NULL;
}

/**
 * anbu_test_press_named:
 *
 * Presses the button named @name inside @root as anbu_test_press() does. A page that rebuilds
 * its rows when the caseload changes (a sync, a chart's series arriving) may replace the button
 * between the key press and its click, as it would under a planner's finger: then the button is
 * looked up again and pressed again, a few times at most.
 */
void
anbu_test_press_named (GtkWidget  *root,
                       const char *name)
{
  for (guint attempt = 0; attempt < 5; attempt++)
    {
      NamedPress press = { FALSE, anbu_test_find_named (root, name) };
      gulong handler;

      g_assert_true (GTK_IS_BUTTON (press.button));
      g_object_add_weak_pointer (G_OBJECT (press.button), (gpointer *) &press.button);
      handler = g_signal_connect_swapped (press.button, "clicked", G_CALLBACK (on_clicked), &press.clicked);
      g_assert_true (gtk_widget_activate (press.button));
      g_assert_true (anbu_test_wait_until (pressed_or_gone, &press, 3000));
      if (press.button != NULL)
        {
          g_signal_handler_disconnect (press.button, handler);
          g_object_remove_weak_pointer (G_OBJECT (press.button), (gpointer *) &press.button);
        }
      if (press.clicked)
        return;
      g_test_message ("%s was replaced before its click; pressing it again", name);
    }
  g_assert_not_reached ();
}
