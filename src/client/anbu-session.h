/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "anbu-api-client.h"
#include "anbu-live-channel.h"
#include "anbu-replica.h"
#include "anbu-series-prefetcher.h"
#include "anbu-sync-engine.h"

G_BEGIN_DECLS

#define ANBU_SESSION_ERROR (anbu_session_error_quark ())

typedef enum
{
  ANBU_SESSION_ERROR_OTHER_ACCOUNT,  /* this computer holds another planner's replica: sign out first */
  ANBU_SESSION_ERROR_BUSY,           /* a sign-in, unlock or sign-out is already running */
  ANBU_SESSION_ERROR_NOT_SIGNED_IN,  /* nothing to unlock or sign out */
} AnbuSessionError;

typedef enum
{
  ANBU_SESSION_STATE_SIGNED_OUT,  /* no replica on this computer */
  ANBU_SESSION_STATE_LOCKED,      /* a replica is here; the password unlocks it, offline too */
  ANBU_SESSION_STATE_UNLOCKED,    /* signed in: replica, sync and live channel are running */
} AnbuSessionState;

GType anbu_session_state_get_type (void) G_GNUC_CONST;
#define ANBU_TYPE_SESSION_STATE (anbu_session_state_get_type ())

#define ANBU_TYPE_SESSION (anbu_session_get_type ())
G_DECLARE_FINAL_TYPE (AnbuSession, anbu_session, ANBU, SESSION, GObject)

GQuark            anbu_session_error_quark         (void);

AnbuSession      *anbu_session_new                 (const char          *data_dir);

void              anbu_session_load_async          (AnbuSession         *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean          anbu_session_load_finish         (AnbuSession         *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

void              anbu_session_sign_in_async       (AnbuSession         *self,
                                                    const char          *server_url,
                                                    const char          *ca_file,
                                                    const char          *username,
                                                    const char          *password,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean          anbu_session_sign_in_finish      (AnbuSession         *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
void              anbu_session_unlock_async        (AnbuSession         *self,
                                                    const char          *password,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean          anbu_session_unlock_finish       (AnbuSession         *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
void              anbu_session_rebuild_async       (AnbuSession         *self,
                                                    const char          *password,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean          anbu_session_rebuild_finish      (AnbuSession         *self,
                                                    GAsyncResult        *result,
                                                    guint               *n_kept,
                                                    guint               *n_lost,
                                                    GError             **error);
void              anbu_session_renew_token_async   (AnbuSession         *self,
                                                    const char          *password,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean          anbu_session_renew_token_finish  (AnbuSession         *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
void              anbu_session_change_password_async  (AnbuSession      *self,
                                                       const char       *old_password,
                                                       const char       *new_password,
                                                       GCancellable     *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer          user_data);
gboolean          anbu_session_change_password_finish (AnbuSession      *self,
                                                       GAsyncResult     *result,
                                                       GError          **error);
void              anbu_session_lock                (AnbuSession         *self);
void              anbu_session_sign_out_async      (AnbuSession         *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean          anbu_session_sign_out_finish     (AnbuSession         *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

AnbuSessionState  anbu_session_get_state           (AnbuSession         *self);
const char       *anbu_session_get_data_dir        (AnbuSession         *self);
const char       *anbu_session_get_replica_path    (AnbuSession         *self);
const char       *anbu_session_get_username        (AnbuSession         *self);
const char       *anbu_session_get_server_url      (AnbuSession         *self);
JsonObject       *anbu_session_get_user            (AnbuSession         *self);
guint             anbu_session_get_pending_count   (AnbuSession         *self);
AnbuReplica      *anbu_session_get_replica         (AnbuSession         *self);
AnbuSyncEngine   *anbu_session_get_sync_engine     (AnbuSession         *self);
/* Keeps every household's 7-day series in the replica after each sync. */
AnbuSeriesPrefetcher *anbu_session_get_series_prefetcher (AnbuSession     *self);
AnbuLiveChannel  *anbu_session_get_live_channel    (AnbuSession         *self);
AnbuApiClient    *anbu_session_get_api_client      (AnbuSession         *self);

void              anbu_session_set_kdf_cost        (AnbuSession         *self,
                                                    guint64              opslimit,
                                                    gsize                memlimit);
void              anbu_session_set_autostart       (AnbuSession         *self,
                                                    gboolean             autostart);

G_END_DECLS
