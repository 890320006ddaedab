/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-preferences"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-preferences-window.h"
#include "anbu-sign-in-page.h"

struct _AnbuPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  AdwEntryRow *server_row;
  AdwEntryRow *tile_row;
  GtkSpinButton *lock_spin;
  AdwComboRow *style_row;
  GtkSwitch *sound_switch;

  GSettings *settings;
};

G_DEFINE_TYPE (AnbuPreferencesWindow, anbu_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static const char *const color_schemes[] = { "default", "light", "dark" };

static void
mark_row (AdwEntryRow *row,
          gboolean     valid)
{
  if (valid)
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID,
                               valid ? GTK_ACCESSIBLE_INVALID_FALSE : GTK_ACCESSIBLE_INVALID_TRUE,
                               -1);
}

static void
on_server_row_apply (AnbuPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = NULL;

  address = anbu_sign_in_check_server_address (gtk_editable_get_text (GTK_EDITABLE (self->server_row)),
                                               &error);
  mark_row (self->server_row, address != NULL);
  if (address == NULL)
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->server_row), address);
  g_settings_set_string (self->settings, "server-address", address);
}

/* Tiles come from a server with anbu-server's /tiles route: checked like the server address,
 * empty for the Anbu server itself. */
static void
on_tile_row_apply (AnbuPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->tile_row));
  g_autofree char *trimmed = g_strstrip (g_strdup (text));

  if (*trimmed == '\0')
    {
      mark_row (self->tile_row, TRUE);
      gtk_editable_set_text (GTK_EDITABLE (self->tile_row), "");
      g_settings_set_string (self->settings, "tile-address", "");
      return;
    }

  address = anbu_sign_in_check_server_address (text, &error);
  mark_row (self->tile_row, address != NULL);
  if (address == NULL)
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->tile_row), address);
  g_settings_set_string (self->settings, "tile-address", address);
}

static gboolean
seconds_to_minutes (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  g_value_set_double (value, (double) (g_variant_get_uint32 (variant) / 60));
  return TRUE;
}

static GVariant *
minutes_to_seconds (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  return g_variant_new_uint32 ((guint32) (g_value_get_double (value) * 60.0));
}

static gboolean
scheme_to_position (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  const char *scheme = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (color_schemes); i++)
    if (g_strcmp0 (scheme, color_schemes[i]) == 0)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
position_to_scheme (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  guint position = g_value_get_uint (value);

  return g_variant_new_string (color_schemes[position < G_N_ELEMENTS (color_schemes) ? position : 0]);
}

static void
anbu_preferences_window_dispose (GObject *object)
{
  AnbuPreferencesWindow *self = ANBU_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (anbu_preferences_window_parent_class)->dispose (object);
}

static void
anbu_preferences_window_class_init (AnbuPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = anbu_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, AnbuPreferencesWindow, tile_row);
  gtk_widget_class_bind_template_child (widget_class, AnbuPreferencesWindow, lock_spin);
  gtk_widget_class_bind_template_child (widget_class, AnbuPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, AnbuPreferencesWindow, sound_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_server_row_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_tile_row_apply);
}

static void
anbu_preferences_window_init (AnbuPreferencesWindow *self)
{
  g_autofree char *server = NULL;
  g_autofree char *tiles = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  server = g_settings_get_string (self->settings, "server-address");
  tiles = g_settings_get_string (self->settings, "tile-address");
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server);
  gtk_editable_set_text (GTK_EDITABLE (self->tile_row), tiles);

  g_settings_bind_with_mapping (self->settings, "lock-timeout", self->lock_spin, "value",
                                G_SETTINGS_BIND_DEFAULT,
                                seconds_to_minutes, minutes_to_seconds, NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "color-scheme", self->style_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                scheme_to_position, position_to_scheme, NULL, NULL);
  g_settings_bind (self->settings, "signal-sound", self->sound_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
}

/**
 * anbu_preferences_window_new:
 * @parent: (nullable): the main window
 *
 * Returns: a preferences window bound to the app's settings
 */
GtkWidget *
anbu_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (ANBU_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
}
