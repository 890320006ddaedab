/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "anbu-context.h"
#include "anbu-sync-indicator.h"

G_BEGIN_DECLS

/* What the window needs from the signed-in planner's session: the narrow seam between the GTK
 * app and src/client. The client's session and sync engine stand behind it. */

#define ANBU_ACCOUNT_ERROR (anbu_account_error_quark ())

typedef enum
{
  ANBU_ACCOUNT_ERROR_WRONG_CREDENTIALS,
  ANBU_ACCOUNT_ERROR_SERVER_UNREACHABLE,
  ANBU_ACCOUNT_ERROR_THROTTLED,
  ANBU_ACCOUNT_ERROR_CERTIFICATE,
  ANBU_ACCOUNT_ERROR_REPLICA_DAMAGED,
  ANBU_ACCOUNT_ERROR_OTHER_ACCOUNT,
  ANBU_ACCOUNT_ERROR_SERVER_BUSY,
  ANBU_ACCOUNT_ERROR_FAILED,
} AnbuAccountError;

GQuark anbu_account_error_quark (void);

#define ANBU_TYPE_ACCOUNT (anbu_account_get_type ())

G_DECLARE_INTERFACE (AnbuAccount, anbu_account, ANBU, ACCOUNT, GObject)

struct _AnbuAccountInterface
{
  GTypeInterface parent_iface;

  void     (*sign_in_async)  (AnbuAccount        *self,
                              const char         *server_address,
                              const char         *username,
                              const char         *password,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data);
  gboolean (*sign_in_finish) (AnbuAccount        *self,
                              GAsyncResult       *result,
                              GError            **error);
  void     (*unlock_async)   (AnbuAccount        *self,
                              const char         *password,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data);
  gboolean (*unlock_finish)  (AnbuAccount        *self,
                              GAsyncResult       *result,
                              GError            **error);
  void     (*sign_out_async) (AnbuAccount        *self,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data);
  gboolean (*sign_out_finish) (AnbuAccount       *self,
                               GAsyncResult      *result,
                               GError           **error);
  void     (*sync_now)       (AnbuAccount        *self);
  void     (*lock)           (AnbuAccount        *self);
  void     (*open_casework)  (AnbuAccount        *self,
                              AnbuContext        *context);
  void     (*close_casework) (AnbuAccount        *self,
                              AnbuContext        *context);
  void     (*rebuild_async)  (AnbuAccount        *self,
                              const char         *password,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data);
  gboolean (*rebuild_finish) (AnbuAccount        *self,
                              GAsyncResult       *result,
                              guint              *n_lost,
                              GError            **error);
  void     (*renew_async)    (AnbuAccount        *self,
                              const char         *password,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data);
  gboolean (*renew_finish)   (AnbuAccount        *self,
                              GAsyncResult       *result,
                              GError            **error);

  GListModel *(*get_pending)     (AnbuAccount    *self);
  GListModel *(*get_conflicts)   (AnbuAccount    *self);
  GListModel *(*get_rejections)  (AnbuAccount    *self);
  GtkWidget  *(*create_sync_row) (AnbuAccount    *self,
                                  gpointer        item);
};

/* The lists (outbox entries waiting, conflicts, rejections) hold the implementation's own
 * items; create_sync_row() makes the popover row for any of them, with its actions (keep
 * mine / take theirs, dismiss) wired to the implementation.
 *
 * Properties every implementation has:
 *   "display-name"  (string, read)   the signed-in planner's name, %NULL when signed out
 *   "sync-state"    (AnbuSyncIndicatorState, read)
 *   "last-sync"     (GDateTime, read) when the last sync succeeded
 *   "pending-count" (uint, read)     outbox entries not yet accepted by the server
 *   "needs-sign-in" (boolean, read)  the server no longer takes the session's token (expired,
 *                                    revoked): syncing waits for anbu_account_renew_async() */

void     anbu_account_sign_in_async   (AnbuAccount        *self,
                                       const char         *server_address,
                                       const char         *username,
                                       const char         *password,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
gboolean anbu_account_sign_in_finish  (AnbuAccount        *self,
                                       GAsyncResult       *result,
                                       GError            **error);
void     anbu_account_unlock_async    (AnbuAccount        *self,
                                       const char         *password,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
gboolean anbu_account_unlock_finish   (AnbuAccount        *self,
                                       GAsyncResult       *result,
                                       GError            **error);
void     anbu_account_sign_out_async  (AnbuAccount        *self,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
gboolean anbu_account_sign_out_finish (AnbuAccount        *self,
                                       GAsyncResult       *result,
                                       GError            **error);
void     anbu_account_sync_now        (AnbuAccount        *self);
void     anbu_account_lock            (AnbuAccount        *self);
void     anbu_account_open_casework   (AnbuAccount        *self,
                                       AnbuContext        *context);
void     anbu_account_close_casework  (AnbuAccount        *self,
                                       AnbuContext        *context);
void     anbu_account_rebuild_async   (AnbuAccount        *self,
                                       const char         *password,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
gboolean anbu_account_rebuild_finish  (AnbuAccount        *self,
                                       GAsyncResult       *result,
                                       guint              *n_lost,
                                       GError            **error);
void     anbu_account_renew_async     (AnbuAccount        *self,
                                       const char         *password,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
gboolean anbu_account_renew_finish    (AnbuAccount        *self,
                                       GAsyncResult       *result,
                                       GError            **error);
GListModel *anbu_account_get_pending     (AnbuAccount    *self);
GListModel *anbu_account_get_conflicts   (AnbuAccount    *self);
GListModel *anbu_account_get_rejections  (AnbuAccount    *self);
GtkWidget  *anbu_account_create_sync_row (AnbuAccount    *self,
                                          gpointer        item);
char    *anbu_account_describe_error  (const GError       *error);

G_END_DECLS
