/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-sign-in"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-accessibility.h"
#include "anbu-sign-in-page.h"

#define USERNAME_MAX_CHARS 64

struct _AnbuSignInPage
{
  AdwBin parent_instance;

  GtkLabel *failure_label;
  AdwEntryRow *server_row;
  AdwEntryRow *username_row;
  AdwEntryRow *password_row;
  GtkLabel *server_error;
  GtkLabel *username_error;
  GtkLabel *password_error;
  GtkButton *sign_in_button;
  GtkLabel *sign_in_label;
  GtkButton *rebuild_button;

  gboolean busy;
};

G_DEFINE_TYPE (AnbuSignInPage, anbu_sign_in_page, ADW_TYPE_BIN)

G_DEFINE_QUARK (anbu-sign-in-error-quark, anbu_sign_in_error)

enum
{
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_SIGN_IN,
  SIGNAL_REBUILD,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
is_loopback_host (const char *host)
{
  return g_ascii_strcasecmp (host, "localhost") == 0
         || g_str_has_prefix (host, "127.")
         || g_strcmp0 (host, "::1") == 0
         || g_strcmp0 (host, "[::1]") == 0;
}

/**
 * anbu_sign_in_check_server_address:
 * @text: what the planner typed
 * @error: where a translated, planner-readable reason goes
 *
 * Checks a server address. A bare host name means https. Plain http is accepted only for this
 * computer (a demo server on loopback): anywhere else the password would cross the network
 * unencrypted.
 *
 * Returns: (transfer full) (nullable): the address in canonical form ("https://host[:port]"),
 *   or %NULL with @error set.
 */
char *
anbu_sign_in_check_server_address (const char *text,
                                   GError    **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *with_scheme = NULL;
  g_autoptr (GUri) uri = NULL;
  const char *scheme;
  const char *host;
  const char *path;
  const char *canonical_scheme;
  g_autofree char *canonical_host = NULL;

  trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (*trimmed == '\0')
    {
      g_set_error_literal (error, ANBU_SIGN_IN_ERROR, ANBU_SIGN_IN_ERROR_EMPTY_ADDRESS,
                           _("Enter the address of the Anbu server."));
      return NULL;
    }

  if (strstr (trimmed, "://") == NULL)
    with_scheme = g_strconcat ("https://", trimmed, NULL);
  else
    with_scheme = g_strdup (trimmed);

  uri = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  path = uri != NULL ? g_uri_get_path (uri) : NULL;
  if (uri == NULL
      || (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0)
      || host == NULL || *host == '\0'
      || g_uri_get_userinfo (uri) != NULL
      || g_uri_get_query (uri) != NULL
      || g_uri_get_fragment (uri) != NULL
      || (path != NULL && *path != '\0' && g_strcmp0 (path, "/") != 0)
      || strpbrk (trimmed, " \t\r\n") != NULL
      || strpbrk (host, "!\"#$%&'()*+,;<=>?@[\\]^`{|}~") != NULL)
    {
      g_set_error_literal (error, ANBU_SIGN_IN_ERROR, ANBU_SIGN_IN_ERROR_INVALID_ADDRESS,
                           _("This is not a server address. It looks like https://anbu.example.go.kr"));
      return NULL;
    }

  if (g_ascii_strcasecmp (scheme, "http") == 0 && !is_loopback_host (host))
    {
      g_set_error_literal (error, ANBU_SIGN_IN_ERROR, ANBU_SIGN_IN_ERROR_INSECURE_ADDRESS,
                           _("Use an https:// address: without it the password would cross the network unprotected."));
      return NULL;
    }

  canonical_scheme = g_ascii_strcasecmp (scheme, "https") == 0 ? "https" : "http";
  canonical_host = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]", host)
                                              : g_ascii_strdown (host, -1);
  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s://%s:%d", canonical_scheme, canonical_host, g_uri_get_port (uri));
  return g_strdup_printf ("%s://%s", canonical_scheme, canonical_host);
}

/**
 * anbu_sign_in_check_username:
 * @text: what the planner typed
 * @error: where a translated reason goes
 *
 * A username is 1 to 64 letters (Hangul included), digits or `. _ - @`.
 *
 * Returns: whether @text is a username
 */
gboolean
anbu_sign_in_check_username (const char *text,
                             GError    **error)
{
  const char *p;
  glong length;

  if (text == NULL || *text == '\0')
    {
      g_set_error_literal (error, ANBU_SIGN_IN_ERROR, ANBU_SIGN_IN_ERROR_EMPTY_USERNAME,
                           _("Enter your username."));
      return FALSE;
    }

  if (!g_utf8_validate (text, -1, NULL))
    goto invalid;

  length = g_utf8_strlen (text, -1);
  if (length > USERNAME_MAX_CHARS)
    goto invalid;

  for (p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isalnum (c) && c != '.' && c != '_' && c != '-' && c != '@')
        goto invalid;
    }
  return TRUE;

invalid:
  g_set_error (error, ANBU_SIGN_IN_ERROR, ANBU_SIGN_IN_ERROR_INVALID_USERNAME,
               _("A username has at most %d letters, digits or . _ - @, without spaces."),
               USERNAME_MAX_CHARS);
  return FALSE;
}

/**
 * anbu_sign_in_check_password:
 * @text: what the planner typed
 * @error: where a translated reason goes
 *
 * Returns: whether a password was typed (its strength is the server's business)
 */
gboolean
anbu_sign_in_check_password (const char *text,
                             GError    **error)
{
  if (text == NULL || *text == '\0')
    {
      g_set_error_literal (error, ANBU_SIGN_IN_ERROR, ANBU_SIGN_IN_ERROR_EMPTY_PASSWORD,
                           _("Enter your password."));
      return FALSE;
    }
  return TRUE;
}

static void
show_field_error (GtkWidget    *row,
                  GtkLabel     *label,
                  const GError *error)
{
  gboolean invalid = error != NULL;

  gtk_label_set_label (label, invalid ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), invalid);
  if (invalid)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");

  gtk_accessible_update_state (GTK_ACCESSIBLE (row),
                               GTK_ACCESSIBLE_STATE_INVALID,
                               invalid ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
  if (invalid)
    gtk_accessible_update_relation (GTK_ACCESSIBLE (row),
                                    GTK_ACCESSIBLE_RELATION_ERROR_MESSAGE, label,
                                    -1);
  else
    gtk_accessible_reset_relation (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_RELATION_ERROR_MESSAGE);
}

static void
hide_failure (AnbuSignInPage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->failure_label), FALSE);
  gtk_label_set_label (self->failure_label, "");
}

static void
submit_for (AnbuSignInPage *self,
            guint           signal);

static void
submit (AnbuSignInPage *self)
{
  submit_for (self, signals[SIGNAL_SIGN_IN]);
}

static void
submit_for (AnbuSignInPage *self,
            guint           signal)
{
  g_autoptr (GError) server_error = NULL;
  g_autoptr (GError) username_error = NULL;
  g_autoptr (GError) password_error = NULL;
  g_autofree char *server = NULL;
  const char *username;
  const char *password;

  if (self->busy)
    return;

  hide_failure (self);

  server = anbu_sign_in_check_server_address (gtk_editable_get_text (GTK_EDITABLE (self->server_row)),
                                              &server_error);
  username = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  anbu_sign_in_check_username (username, &username_error);
  password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  anbu_sign_in_check_password (password, &password_error);

  show_field_error (GTK_WIDGET (self->server_row), self->server_error, server_error);
  show_field_error (GTK_WIDGET (self->username_row), self->username_error, username_error);
  show_field_error (GTK_WIDGET (self->password_row), self->password_error, password_error);

  /* Take the planner to the first field that needs fixing. */
  if (server_error != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->server_row));
  else if (username_error != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->username_row));
  else if (password_error != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));

  if (server_error != NULL || username_error != NULL || password_error != NULL)
    return;

  anbu_sign_in_page_set_busy (self, TRUE);
  g_signal_emit (self, signal, 0, server, username, password);
}

static void
on_entry_activated (AnbuSignInPage *self)
{
  submit (self);
}

static void
on_sign_in_button_clicked (AnbuSignInPage *self)
{
  submit (self);
}

static void
on_rebuild_button_clicked (AnbuSignInPage *self)
{
  submit_for (self, signals[SIGNAL_REBUILD]);
}

static void
on_server_row_changed (AnbuSignInPage *self)
{
  show_field_error (GTK_WIDGET (self->server_row), self->server_error, NULL);
}

static void
on_username_row_changed (AnbuSignInPage *self)
{
  show_field_error (GTK_WIDGET (self->username_row), self->username_error, NULL);
}

static void
on_password_row_changed (AnbuSignInPage *self)
{
  show_field_error (GTK_WIDGET (self->password_row), self->password_error, NULL);
}

/* Whoever signed in last is filled in: the cursor goes to the first field still empty. */
static void
anbu_sign_in_page_map (GtkWidget *widget)
{
  AnbuSignInPage *self = ANBU_SIGN_IN_PAGE (widget);
  AdwEntryRow *rows[] = { self->server_row, self->username_row, self->password_row };

  GTK_WIDGET_CLASS (anbu_sign_in_page_parent_class)->map (widget);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    if (*gtk_editable_get_text (GTK_EDITABLE (rows[i])) == '\0' || i == G_N_ELEMENTS (rows) - 1)
      {
        gtk_widget_grab_focus (GTK_WIDGET (rows[i]));
        break;
      }
}

static void
anbu_sign_in_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AnbuSignInPage *self = ANBU_SIGN_IN_PAGE (object);

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
anbu_sign_in_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AnbuSignInPage *self = ANBU_SIGN_IN_PAGE (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      anbu_sign_in_page_set_busy (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_sign_in_page_class_init (AnbuSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = anbu_sign_in_page_get_property;
  object_class->set_property = anbu_sign_in_page_set_property;
  widget_class->map = anbu_sign_in_page_map;

  /**
   * AnbuSignInPage:busy:
   *
   * Whether a sign-in is in progress: the form is insensitive and a spinner turns.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AnbuSignInPage::sign-in:
   * @self: the page
   * @server_address: the checked server address in canonical form
   * @username: the username
   * @password: the password
   *
   * Emitted when the planner asks to sign in with fields that passed the checks. The page is
   * busy until the handler calls anbu_sign_in_page_show_failure() or anbu_sign_in_page_reset().
   */
  signals[SIGNAL_SIGN_IN] =
    g_signal_new ("sign-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * AnbuSignInPage::rebuild:
   * @self: the page
   * @server_address: the checked server address in canonical form
   * @username: the username
   * @password: the password
   *
   * Emitted when the planner asks to download the caseload again after
   * anbu_sign_in_page_offer_rebuild(); the page is busy as for ::sign-in.
   */
  signals[SIGNAL_REBUILD] =
    g_signal_new ("rebuild", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuSignInPage, failure_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuSignInPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, AnbuSignInPage, username_row);
  gtk_widget_class_bind_template_child (widget_class, AnbuSignInPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, AnbuSignInPage, server_error);
  gtk_widget_class_bind_template_child (widget_class, AnbuSignInPage, username_error);
  gtk_widget_class_bind_template_child (widget_class, AnbuSignInPage, password_error);
  gtk_widget_class_bind_template_child (widget_class, AnbuSignInPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, AnbuSignInPage, sign_in_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuSignInPage, rebuild_button);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_button_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_rebuild_button_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_server_row_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_username_row_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_password_row_changed);
}

static void
anbu_sign_in_page_init (AnbuSignInPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  anbu_accessibility_name_icon_buttons (GTK_WIDGET (self->password_row), NULL);
}

GtkWidget *
anbu_sign_in_page_new (void)
{
  return g_object_new (ANBU_TYPE_SIGN_IN_PAGE, NULL);
}

void
anbu_sign_in_page_set_server (AnbuSignInPage *self,
                              const char     *server_address)
{
  g_return_if_fail (ANBU_IS_SIGN_IN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server_address != NULL ? server_address : "");
}

void
anbu_sign_in_page_set_username (AnbuSignInPage *self,
                                const char     *username)
{
  g_return_if_fail (ANBU_IS_SIGN_IN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->username_row), username != NULL ? username : "");
}

gboolean
anbu_sign_in_page_get_busy (AnbuSignInPage *self)
{
  g_return_val_if_fail (ANBU_IS_SIGN_IN_PAGE (self), FALSE);

  return self->busy;
}

/**
 * anbu_sign_in_page_set_busy:
 * @self: the page
 * @busy: whether a sign-in is in progress
 *
 * While busy the fields cannot be edited and the button says "Signing In…" beside a spinner.
 */
void
anbu_sign_in_page_set_busy (AnbuSignInPage *self,
                            gboolean        busy)
{
  g_return_if_fail (ANBU_IS_SIGN_IN_PAGE (self));

  busy = !!busy;
  if (self->busy == busy)
    return;

  self->busy = busy;
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->username_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->rebuild_button), !busy);
  gtk_label_set_text_with_mnemonic (self->sign_in_label, busy ? _("Signing In…") : _("_Sign In"));
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_BUSY, busy, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/**
 * anbu_sign_in_page_show_failure:
 * @self: the page
 * @message: a translated sentence saying what went wrong and what to do
 *
 * Ends a sign-in that failed: the page is no longer busy, the message shows above the fields
 * and the password is cleared so nothing stays unlocked.
 */
void
anbu_sign_in_page_show_failure (AnbuSignInPage *self,
                                const char     *message)
{
  g_return_if_fail (ANBU_IS_SIGN_IN_PAGE (self));
  g_return_if_fail (message != NULL);

  anbu_sign_in_page_set_busy (self, FALSE);
  gtk_label_set_label (self->failure_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->failure_label), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

/**
 * anbu_sign_in_page_reset:
 * @self: the page
 *
 * Returns the page to its resting state (after a sign-in succeeded or on sign-out): not busy,
 * no messages, password cleared. The server address and username stay.
 */
void
anbu_sign_in_page_reset (AnbuSignInPage *self)
{
  g_return_if_fail (ANBU_IS_SIGN_IN_PAGE (self));

  anbu_sign_in_page_set_busy (self, FALSE);
  hide_failure (self);
  gtk_widget_set_visible (GTK_WIDGET (self->rebuild_button), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  show_field_error (GTK_WIDGET (self->server_row), self->server_error, NULL);
  show_field_error (GTK_WIDGET (self->username_row), self->username_error, NULL);
  show_field_error (GTK_WIDGET (self->password_row), self->password_error, NULL);
}

/**
 * anbu_sign_in_page_submit_with_password:
 * @self: the page
 * @password: the password
 *
 * Types @password into the password field and presses Sign In: the fields are checked and
 * #AnbuSignInPage::sign-in is emitted exactly as for a planner at the keyboard.
 */
void
anbu_sign_in_page_submit_with_password (AnbuSignInPage *self,
                                        const char     *password)
{
  g_return_if_fail (ANBU_IS_SIGN_IN_PAGE (self));
  g_return_if_fail (password != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
  submit (self);
}

/**
 * anbu_sign_in_page_offer_rebuild:
 * @self: the page
 * @offer: whether to offer it
 *
 * Shows (or hides) the button that downloads the caseload again, for a replica that cannot
 * be read any more. It checks the fields like Sign In and emits #AnbuSignInPage::rebuild.
 */
void
anbu_sign_in_page_offer_rebuild (AnbuSignInPage *self,
                                 gboolean        offer)
{
  g_return_if_fail (ANBU_IS_SIGN_IN_PAGE (self));

  gtk_widget_set_visible (GTK_WIDGET (self->rebuild_button), offer);
}
