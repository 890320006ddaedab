/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-application"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "anbu-application.h"
#include "anbu-media-alert-sound.h"
#include "anbu-preferences-window.h"
#include "anbu-window.h"

struct _AnbuApplication
{
  AdwApplication parent_instance;

  AnbuAccount *account;
  GSettings *settings;
  AnbuContext *context;
  AnbuAlertSound *alert_sound;   /* made when first needed; tests put their sink here */

  /* From the command line, for the first window (the demo signs in this way). */
  char *server_address;
  char *username;
  char *password;
};

G_DEFINE_TYPE (AnbuApplication, anbu_application, ADW_TYPE_APPLICATION)

enum
{
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_NOTIFICATION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const struct
{
  const char *action;
  const char *accels[3];
} accelerators[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "app.preferences", { "<Control>comma", NULL } },
  { "win.search", { "<Control>f", NULL } },
  { "win.sync", { "<Control>r", "F5", NULL } },
  { "win.lock", { "<Control>l", NULL } },
  { "win.register-household", { "<Control>n", NULL } },
  { "win.show-help-overlay", { "<Control>question", NULL } },
  { "win.show-view::alerts", { "<Alt>1", NULL } },
  { "win.show-view::households", { "<Alt>2", NULL } },
  { "win.show-view::map", { "<Alt>3", NULL } },
  { "win.show-view::visits", { "<Alt>4", NULL } },
  { "win.show-view::statistics", { "<Alt>5", NULL } },
  { "win.fullscreen", { "F11", NULL } },
};

/**
 * anbu_application_init_i18n:
 *
 * Sets the locale from the environment and binds the "anbu" text domain: to the build tree when
 * ANBU_UNINSTALLED is set (running from the build directory and in tests), otherwise to the
 * installed locale directory.
 */
void
anbu_application_init_i18n (void)
{
  const char *localedir = g_getenv ("ANBU_UNINSTALLED") != NULL ? BUILD_LOCALEDIR : LOCALEDIR;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

static void
apply_color_scheme (AnbuApplication *self)
{
  g_autofree char *scheme = g_settings_get_string (self->settings, "color-scheme");
  AdwColorScheme color_scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_strcmp0 (scheme, "light") == 0)
    color_scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_strcmp0 (scheme, "dark") == 0)
    color_scheme = ADW_COLOR_SCHEME_FORCE_DARK;
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), color_scheme);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GApplication *app = G_APPLICATION (user_data);
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  /* Close the windows first so each saves its size. */
  for (GList *l = windows; l != NULL;)
    {
      GList *next = l->next;

      gtk_window_close (GTK_WINDOW (l->data));
      l = next;
    }
  g_application_quit (app);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GtkWidget *preferences = anbu_preferences_window_new (gtk_application_get_active_window (app));

  gtk_window_present (GTK_WINDOW (preferences));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "modal", TRUE,
                        "application-name", _("Anbu"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Anbu developers"),
                        "comments", _("Anbu helps welfare planners check on people who live alone: smart plugs raise risk signals when a household shows no activity for too long, and planners record every call and visit, online or offline."),
                        "website", "https://github.com/anbu/anbu",
                        "issue-url", "https://github.com/anbu/anbu/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: your names, one per line. */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

/* A notification's "open": the household's page in the window. */
static void
open_household_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  AnbuApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    return;
  gtk_window_present (window);
  anbu_window_open_household (ANBU_WINDOW (window), g_variant_get_string (parameter, NULL));
}

static const GActionEntry app_actions[] = {
  { .name = "open-household", .activate = open_household_action, .parameter_type = "s" },
  { .name = "quit", .activate = quit_action },
  { .name = "preferences", .activate = preferences_action },
  { .name = "about", .activate = about_action },
};

static void
anbu_application_startup (GApplication *application)
{
  AnbuApplication *self = ANBU_APPLICATION (application);

  G_APPLICATION_CLASS (anbu_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  for (guint i = 0; i < G_N_ELEMENTS (accelerators); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accelerators[i].action,
                                           accelerators[i].accels);

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (apply_color_scheme), self, G_CONNECT_SWAPPED);
  apply_color_scheme (self);
}

static char *
read_password (FILE    *stream,
               GError **error)
{
  g_autoptr (GString) password = g_string_new (NULL);
  int c;

  while ((c = fgetc (stream)) != EOF && c != '\n' && password->len < 1024)
    g_string_append_c (password, (char) c);
  if (password->len > 0 && password->str[password->len - 1] == '\r')
    g_string_truncate (password, password->len - 1);
  if (password->len == 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("No password on standard input."));
      return NULL;
    }
  return g_string_free (g_steal_pointer (&password), FALSE);
}

static int
anbu_application_handle_local_options (GApplication *application,
                                       GVariantDict *options)
{
  AnbuApplication *self = ANBU_APPLICATION (application);
  gboolean password_stdin = FALSE;

  g_variant_dict_lookup (options, "server", "s", &self->server_address);
  g_variant_dict_lookup (options, "username", "s", &self->username);
  g_variant_dict_lookup (options, "password-stdin", "b", &password_stdin);

  if (password_stdin)
    {
      g_autoptr (GError) error = NULL;

      if (self->server_address == NULL || self->username == NULL)
        {
          g_printerr ("%s\n", _("--password-stdin needs --server and --username."));
          return EXIT_FAILURE;
        }
      self->password = read_password (stdin, &error);
      if (self->password == NULL)
        {
          g_printerr ("%s\n", error->message);
          return EXIT_FAILURE;
        }
    }

  return G_APPLICATION_CLASS (anbu_application_parent_class)->handle_local_options (application, options);
}

static void
anbu_application_activate (GApplication *application)
{
  AnbuApplication *self = ANBU_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (anbu_window_new (GTK_APPLICATION (self), self->account));
      anbu_window_fill_sign_in (ANBU_WINDOW (window), self->server_address, self->username,
                                self->password);
      if (self->password != NULL)
        memset (self->password, 0, strlen (self->password));
      g_clear_pointer (&self->password, g_free);
    }
  gtk_window_present (window);
}

static void
anbu_application_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AnbuApplication *self = ANBU_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_application_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  AnbuApplication *self = ANBU_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      self->account = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_application_dispose (GObject *object)
{
  AnbuApplication *self = ANBU_APPLICATION (object);

  g_clear_object (&self->account);
  g_clear_object (&self->context);
  g_clear_object (&self->alert_sound);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->server_address, g_free);
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->password, g_free);

  G_OBJECT_CLASS (anbu_application_parent_class)->dispose (object);
}

static void
send_signal_notification (AnbuApplication *self,
                          const char      *notification_id,
                          GNotification   *notification)
{
  g_application_send_notification (G_APPLICATION (self), notification_id, notification);
}

static void
anbu_application_class_init (AnbuApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->get_property = anbu_application_get_property;
  object_class->set_property = anbu_application_set_property;
  object_class->dispose = anbu_application_dispose;
  app_class->startup = anbu_application_startup;
  app_class->activate = anbu_application_activate;
  app_class->handle_local_options = anbu_application_handle_local_options;

  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL, ANBU_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AnbuApplication::signal-notification:
   * @notification_id: the notification's id
   * @notification: the GNotification to send
   *
   * A desktop notification of a new signal is to be sent; the default handler sends it.
   */
  signals[SIGNAL_NOTIFICATION] =
    g_signal_new_class_handler ("signal-notification", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                G_CALLBACK (send_signal_notification), NULL, NULL, NULL,
                                G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_NOTIFICATION);
}

static void
anbu_application_init (AnbuApplication *self)
{
  const GOptionEntry options[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Fill in the server address on the sign-in page"), N_("ADDRESS") },
    { "username", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Fill in the username on the sign-in page"), N_("NAME") },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Read the password from the first line of standard input and sign in at once"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

/**
 * anbu_application_new:
 * @flags: application flags (tests pass %G_APPLICATION_NON_UNIQUE)
 * @account: (nullable): the planner's session the windows use
 *
 * Returns: (transfer full): the application
 */
AnbuApplication *
anbu_application_new (GApplicationFlags flags,
                      AnbuAccount      *account)
{
  return g_object_new (ANBU_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", flags,
                       "resource-base-path", "/io/github/anbu/Anbu",
                       "account", account,
                       NULL);
}

/**
 * anbu_application_get_account:
 *
 * Returns: (transfer none) (nullable): the planner's session
 */
/**
 * anbu_application_get_context:
 *
 * Returns: (transfer none): the one context every window and view reads: the clock, the
 *   settings and the signed-in planner's casework
 */
AnbuContext *
anbu_application_get_context (AnbuApplication *self)
{
  g_return_val_if_fail (ANBU_IS_APPLICATION (self), NULL);

  if (self->context == NULL)
    {
      g_autoptr (GSettings) settings = g_settings_new (APP_ID);

      self->context = anbu_context_new (settings);
    }
  return self->context;
}

/**
 * anbu_application_send_signal_notification:
 * @notification_id: one per signal, so a repeat replaces rather than piles up
 *
 * Sends a desktop notification of a signal, through ::signal-notification (whose default
 * handler sends it; under Xvfb there is no notification daemon, and tests stop the
 * emission there after reading it).
 */
void
anbu_application_send_signal_notification (AnbuApplication *self,
                                           const char      *notification_id,
                                           GNotification   *notification)
{
  g_return_if_fail (ANBU_IS_APPLICATION (self));
  g_return_if_fail (G_IS_NOTIFICATION (notification));

  g_signal_emit (self, signals[SIGNAL_NOTIFICATION], 0, notification_id, notification);
}

AnbuAccount *
anbu_application_get_account (AnbuApplication *self)
{
  g_return_val_if_fail (ANBU_IS_APPLICATION (self), NULL);

  return self->account;
}

/**
 * anbu_application_get_alert_sound:
 *
 * Returns: (transfer none): where the sound of a new 위험/심각 signal goes
 */
AnbuAlertSound *
anbu_application_get_alert_sound (AnbuApplication *self)
{
  g_return_val_if_fail (ANBU_IS_APPLICATION (self), NULL);

  if (self->alert_sound == NULL)
    self->alert_sound = anbu_media_alert_sound_new ();
  return self->alert_sound;
}

/* Another sink for the signal sound (a test's, to hear it). */
void
anbu_application_set_alert_sound (AnbuApplication *self,
                                  AnbuAlertSound  *sound)
{
  g_return_if_fail (ANBU_IS_APPLICATION (self));
  g_return_if_fail (sound == NULL || ANBU_IS_ALERT_SOUND (sound));

  g_set_object (&self->alert_sound, sound);
}
