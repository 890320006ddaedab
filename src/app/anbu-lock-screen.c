/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-lock"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-lock-screen.h"

/* What the window shows instead of the caseload while it is locked. It asks for the password and
 * hands it to whoever can check it (the session) through ::unlock-requested. */
struct _AnbuLockScreen
{
  AdwBin parent_instance;

  AdwStatusPage *status_page;
  GtkPasswordEntry *password_entry;
  GtkLabel *error_label;
  GtkButton *unlock_button;

  gboolean busy;
  AnbuLockReason reason;
  char *display_name;
};

G_DEFINE_TYPE (AnbuLockScreen, anbu_lock_screen, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_UNLOCK_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_busy (AnbuLockScreen *self,
          gboolean        busy)
{
  if (self->busy == busy)
    return;

  self->busy = busy;
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_entry), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->unlock_button), !busy);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_BUSY, busy, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_error (AnbuLockScreen *self,
            const char     *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->password_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->password_entry), "error");
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->password_entry),
                               GTK_ACCESSIBLE_STATE_INVALID,
                               message != NULL ? GTK_ACCESSIBLE_INVALID_TRUE
                                               : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
}

static void
request_unlock (AnbuLockScreen *self)
{
  const char *password;

  if (self->busy)
    return;

  password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));
  if (*password == '\0')
    {
      show_error (self, _("Enter your password."));
      gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
      return;
    }

  show_error (self, NULL);
  set_busy (self, TRUE);
  g_signal_emit (self, signals[SIGNAL_UNLOCK_REQUESTED], 0, password);
}

static void
on_password_entry_activate (AnbuLockScreen *self)
{
  request_unlock (self);
}

static void
on_unlock_button_clicked (AnbuLockScreen *self)
{
  request_unlock (self);
}

static void
on_password_entry_changed (AnbuLockScreen *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    show_error (self, NULL);
}

static void
anbu_lock_screen_map (GtkWidget *widget)
{
  AnbuLockScreen *self = ANBU_LOCK_SCREEN (widget);

  GTK_WIDGET_CLASS (anbu_lock_screen_parent_class)->map (widget);
  gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
}

static void
update_description (AnbuLockScreen *self)
{
  g_autofree char *description = NULL;
  gboolean named = self->display_name != NULL && *self->display_name != '\0';

  if (self->reason == ANBU_LOCK_REASON_PLANNER)
    description = named
      /* Translators: %s is the name of the signed-in planner. */
      ? g_strdup_printf (_("You locked Anbu, so the caseload is hidden. Enter the password of %s to continue where you were."),
                         self->display_name)
      : g_strdup (_("You locked Anbu, so the caseload is hidden. Enter your password to continue where you were."));
  else
    description = named
      /* Translators: %s is the name of the signed-in planner. */
      ? g_strdup_printf (_("Anbu locked itself because it was not used for a while, so the caseload is hidden. Enter the password of %s to continue where you were."),
                         self->display_name)
      : g_strdup (_("Anbu locked itself because it was not used for a while, so the caseload is hidden. Enter your password to continue where you were."));
  adw_status_page_set_description (self->status_page, description);
}

static void
anbu_lock_screen_finalize (GObject *object)
{
  AnbuLockScreen *self = ANBU_LOCK_SCREEN (object);

  g_free (self->display_name);
  G_OBJECT_CLASS (anbu_lock_screen_parent_class)->finalize (object);
}

static void
anbu_lock_screen_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AnbuLockScreen *self = ANBU_LOCK_SCREEN (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_lock_screen_class_init (AnbuLockScreenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = anbu_lock_screen_get_property;
  object_class->finalize = anbu_lock_screen_finalize;
  widget_class->map = anbu_lock_screen_map;

  /**
   * AnbuLockScreen:busy:
   *
   * Whether a password is being checked.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AnbuLockScreen::unlock-requested:
   * @self: the lock screen
   * @password: what the planner typed
   *
   * The planner asks to unlock. The screen stays busy until the handler answers with
   * anbu_lock_screen_reject() (wrong password) or anbu_lock_screen_reset() (unlocked).
   */
  signals[SIGNAL_UNLOCK_REQUESTED] =
    g_signal_new ("unlock-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-lock-screen.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuLockScreen, status_page);
  gtk_widget_class_bind_template_child (widget_class, AnbuLockScreen, password_entry);
  gtk_widget_class_bind_template_child (widget_class, AnbuLockScreen, error_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuLockScreen, unlock_button);
  gtk_widget_class_bind_template_callback (widget_class, on_password_entry_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_unlock_button_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_password_entry_changed);
}

static void
anbu_lock_screen_init (AnbuLockScreen *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  anbu_lock_screen_set_username (self, NULL);
}

GtkWidget *
anbu_lock_screen_new (void)
{
  return g_object_new (ANBU_TYPE_LOCK_SCREEN, NULL);
}

/**
 * anbu_lock_screen_set_username:
 * @self: the lock screen
 * @display_name: (nullable): the name of the signed-in planner
 *
 * Says whose password unlocks the window.
 */
void
anbu_lock_screen_set_username (AnbuLockScreen *self,
                               const char     *display_name)
{
  g_return_if_fail (ANBU_IS_LOCK_SCREEN (self));

  g_free (self->display_name);
  self->display_name = g_strdup (display_name);
  update_description (self);
}

/**
 * anbu_lock_screen_set_reason:
 * @self: the lock screen
 * @reason: who or what locked the window
 *
 * Says why the caseload is hidden: the planner's own lock or idle time.
 */
void
anbu_lock_screen_set_reason (AnbuLockScreen *self,
                             AnbuLockReason  reason)
{
  g_return_if_fail (ANBU_IS_LOCK_SCREEN (self));

  self->reason = reason;
  update_description (self);
}

AnbuLockReason
anbu_lock_screen_get_reason (AnbuLockScreen *self)
{
  g_return_val_if_fail (ANBU_IS_LOCK_SCREEN (self), ANBU_LOCK_REASON_IDLE);

  return self->reason;
}

void
anbu_lock_screen_focus (AnbuLockScreen *self)
{
  g_return_if_fail (ANBU_IS_LOCK_SCREEN (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
}

gboolean
anbu_lock_screen_get_busy (AnbuLockScreen *self)
{
  g_return_val_if_fail (ANBU_IS_LOCK_SCREEN (self), FALSE);

  return self->busy;
}

/**
 * anbu_lock_screen_reject:
 * @self: the lock screen
 *
 * The password was wrong: say so, clear it and let the planner try again.
 */
void
anbu_lock_screen_reject (AnbuLockScreen *self)
{
  g_return_if_fail (ANBU_IS_LOCK_SCREEN (self));

  set_busy (self, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
  show_error (self, _("That password is not right. Try again."));
  gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
}

/**
 * anbu_lock_screen_reset:
 * @self: the lock screen
 *
 * Clears the password and any message, ready for the next lock.
 */
void
anbu_lock_screen_reset (AnbuLockScreen *self)
{
  g_return_if_fail (ANBU_IS_LOCK_SCREEN (self));

  set_busy (self, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
  show_error (self, NULL);
}
