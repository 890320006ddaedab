/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-account"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-account.h"

G_DEFINE_QUARK (anbu-account-error-quark, anbu_account_error)

G_DEFINE_INTERFACE (AnbuAccount, anbu_account, G_TYPE_OBJECT)

static void
anbu_account_default_init (AnbuAccountInterface *iface)
{
  g_object_interface_install_property (iface,
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_interface_install_property (iface,
    g_param_spec_enum ("sync-state", NULL, NULL,
                       ANBU_TYPE_SYNC_INDICATOR_STATE, ANBU_SYNC_INDICATOR_OFFLINE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_interface_install_property (iface,
    g_param_spec_boxed ("last-sync", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_interface_install_property (iface,
    g_param_spec_uint ("pending-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_interface_install_property (iface,
    g_param_spec_boolean ("needs-sign-in", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

void
anbu_account_sign_in_async (AnbuAccount        *self,
                            const char         *server_address,
                            const char         *username,
                            const char         *password,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_return_if_fail (ANBU_IS_ACCOUNT (self));

  ANBU_ACCOUNT_GET_IFACE (self)->sign_in_async (self, server_address, username, password,
                                                cancellable, callback, user_data);
}

gboolean
anbu_account_sign_in_finish (AnbuAccount  *self,
                             GAsyncResult *result,
                             GError      **error)
{
  g_return_val_if_fail (ANBU_IS_ACCOUNT (self), FALSE);

  return ANBU_ACCOUNT_GET_IFACE (self)->sign_in_finish (self, result, error);
}

void
anbu_account_unlock_async (AnbuAccount        *self,
                           const char         *password,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  g_return_if_fail (ANBU_IS_ACCOUNT (self));

  ANBU_ACCOUNT_GET_IFACE (self)->unlock_async (self, password, cancellable, callback, user_data);
}

gboolean
anbu_account_unlock_finish (AnbuAccount  *self,
                            GAsyncResult *result,
                            GError      **error)
{
  g_return_val_if_fail (ANBU_IS_ACCOUNT (self), FALSE);

  return ANBU_ACCOUNT_GET_IFACE (self)->unlock_finish (self, result, error);
}

void
anbu_account_sign_out_async (AnbuAccount        *self,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_return_if_fail (ANBU_IS_ACCOUNT (self));

  ANBU_ACCOUNT_GET_IFACE (self)->sign_out_async (self, cancellable, callback, user_data);
}

gboolean
anbu_account_sign_out_finish (AnbuAccount  *self,
                              GAsyncResult *result,
                              GError      **error)
{
  g_return_val_if_fail (ANBU_IS_ACCOUNT (self), FALSE);

  return ANBU_ACCOUNT_GET_IFACE (self)->sign_out_finish (self, result, error);
}

void
anbu_account_sync_now (AnbuAccount *self)
{
  g_return_if_fail (ANBU_IS_ACCOUNT (self));

  ANBU_ACCOUNT_GET_IFACE (self)->sync_now (self);
}

/**
 * anbu_account_lock:
 *
 * The window locked: the session forgets what it must not keep while nobody is there (the
 * replica's key). Unlocking goes through anbu_account_unlock_async().
 */
void
anbu_account_lock (AnbuAccount *self)
{
  g_return_if_fail (ANBU_IS_ACCOUNT (self));

  if (ANBU_ACCOUNT_GET_IFACE (self)->lock != NULL)
    ANBU_ACCOUNT_GET_IFACE (self)->lock (self);
}

/**
 * anbu_account_open_casework:
 * @context: the application's context
 *
 * After a sign-in or unlock: puts the planner's casework in @context, which every view follows.
 */
void
anbu_account_open_casework (AnbuAccount *self,
                            AnbuContext *context)
{
  g_return_if_fail (ANBU_IS_ACCOUNT (self));
  g_return_if_fail (ANBU_IS_CONTEXT (context));

  if (ANBU_ACCOUNT_GET_IFACE (self)->open_casework != NULL)
    ANBU_ACCOUNT_GET_IFACE (self)->open_casework (self, context);
}

/**
 * anbu_account_close_casework:
 * @context: the application's context
 *
 * On lock and sign-out: the casework leaves @context and the views let go of it, so the
 * caseload is not kept in memory while nobody may see it.
 */
void
anbu_account_close_casework (AnbuAccount *self,
                             AnbuContext *context)
{
  g_return_if_fail (ANBU_IS_ACCOUNT (self));
  g_return_if_fail (ANBU_IS_CONTEXT (context));

  if (ANBU_ACCOUNT_GET_IFACE (self)->close_casework != NULL)
    ANBU_ACCOUNT_GET_IFACE (self)->close_casework (self, context);
}

/**
 * anbu_account_rebuild_async:
 * @password: the planner's password
 *
 * After %ANBU_ACCOUNT_ERROR_REPLICA_DAMAGED: replaces the damaged caseload with a fresh copy
 * from the server, keeping the changes not yet sent that can still be read, and signs in.
 */
void
anbu_account_rebuild_async (AnbuAccount        *self,
                            const char         *password,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_return_if_fail (ANBU_IS_ACCOUNT (self));

  ANBU_ACCOUNT_GET_IFACE (self)->rebuild_async (self, password, cancellable, callback, user_data);
}

/**
 * anbu_account_rebuild_finish:
 * @n_lost: (out) (optional): changes not yet sent that could not be read back
 */
gboolean
anbu_account_rebuild_finish (AnbuAccount  *self,
                             GAsyncResult *result,
                             guint        *n_lost,
                             GError      **error)
{
  g_return_val_if_fail (ANBU_IS_ACCOUNT (self), FALSE);

  return ANBU_ACCOUNT_GET_IFACE (self)->rebuild_finish (self, result, n_lost, error);
}

/**
 * anbu_account_renew_async:
 * @password: the planner's password
 *
 * Asks the server for a new session with the password after #AnbuAccount:needs-sign-in; the
 * sync carries on when it succeeds.
 */
void
anbu_account_renew_async (AnbuAccount        *self,
                          const char         *password,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  g_return_if_fail (ANBU_IS_ACCOUNT (self));

  ANBU_ACCOUNT_GET_IFACE (self)->renew_async (self, password, cancellable, callback, user_data);
}

gboolean
anbu_account_renew_finish (AnbuAccount  *self,
                           GAsyncResult *result,
                           GError      **error)
{
  g_return_val_if_fail (ANBU_IS_ACCOUNT (self), FALSE);

  return ANBU_ACCOUNT_GET_IFACE (self)->renew_finish (self, result, error);
}

/**
 * anbu_account_get_pending:
 *
 * Returns: (transfer none): the changes waiting to be sent
 */
GListModel *
anbu_account_get_pending (AnbuAccount *self)
{
  g_return_val_if_fail (ANBU_IS_ACCOUNT (self), NULL);

  return ANBU_ACCOUNT_GET_IFACE (self)->get_pending (self);
}

/**
 * anbu_account_get_conflicts:
 *
 * Returns: (transfer none): the fields changed here and on the server at once
 */
GListModel *
anbu_account_get_conflicts (AnbuAccount *self)
{
  g_return_val_if_fail (ANBU_IS_ACCOUNT (self), NULL);

  return ANBU_ACCOUNT_GET_IFACE (self)->get_conflicts (self);
}

/**
 * anbu_account_get_rejections:
 *
 * Returns: (transfer none): the changes the server refused
 */
GListModel *
anbu_account_get_rejections (AnbuAccount *self)
{
  g_return_val_if_fail (ANBU_IS_ACCOUNT (self), NULL);

  return ANBU_ACCOUNT_GET_IFACE (self)->get_rejections (self);
}

/**
 * anbu_account_create_sync_row:
 * @item: an item of one of the account's lists
 *
 * Returns: (transfer floating): the popover row for @item
 */
GtkWidget *
anbu_account_create_sync_row (AnbuAccount *self,
                              gpointer     item)
{
  g_return_val_if_fail (ANBU_IS_ACCOUNT (self), NULL);

  return ANBU_ACCOUNT_GET_IFACE (self)->create_sync_row (self, item);
}

/**
 * anbu_account_describe_error:
 * @error: an error from a sign-in, unlock or sign-out
 *
 * Returns: (transfer full): a translated sentence for the planner: what happened and what to do
 */
char *
anbu_account_describe_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == ANBU_ACCOUNT_ERROR)
    {
      switch ((AnbuAccountError) error->code)
        {
        case ANBU_ACCOUNT_ERROR_WRONG_CREDENTIALS:
          return g_strdup (_("The username or password is not right. Check them and try again."));
        case ANBU_ACCOUNT_ERROR_SERVER_UNREACHABLE:
          return g_strdup (_("The server cannot be reached. The first sign-in on this computer needs the network: check the server address and the connection."));
        case ANBU_ACCOUNT_ERROR_THROTTLED:
          return g_strdup (_("Too many attempts. Wait a few minutes before you try again."));
        case ANBU_ACCOUNT_ERROR_CERTIFICATE:
          return g_strdup (_("The server's certificate could not be verified, so the connection is not safe. Ask your administrator."));
        case ANBU_ACCOUNT_ERROR_REPLICA_DAMAGED:
          return g_strdup (_("The caseload stored on this computer is damaged. Connect to the network, enter your password and choose Download the Caseload Again."));
        case ANBU_ACCOUNT_ERROR_OTHER_ACCOUNT:
          return g_strdup (_("This computer holds the caseload of another planner. They must sign out before you can sign in."));
        case ANBU_ACCOUNT_ERROR_SERVER_BUSY:
          return g_strdup (_("The server is busy signing other planners in. Try again in a moment."));
        case ANBU_ACCOUNT_ERROR_FAILED:
        default:
          break;
        }
    }
  return g_strdup (_("Something went wrong. Try again; if it keeps happening, ask your administrator."));
}
