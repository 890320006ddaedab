/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-session"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "anbu-keyring.h"
#include "anbu-series-prefetcher.h"
#include "anbu-session.h"

/* What the app calls: sign in (the first time against the server, later
 * offline by unlocking the replica with the same password), lock, unlock,
 * rebuild a damaged replica, sign out (which deletes the replica). While
 * unlocked it runs the sync engine and the live channel, wired so every
 * (re)connect and every change notice pulls. */

#define REPLICA_FILE "replica.db"
#define SIGN_OUT_TIMEOUT_SECONDS 5

struct _AnbuSession
{
  GObject           parent_instance;

  char             *data_dir;
  char             *replica_path;
  AnbuSessionState  state;
  gboolean          busy;
  gboolean          autostart;
  guint64           opslimit;
  gsize             memlimit;

  char             *username;
  char             *server_url;
  char             *ca_file;
  JsonObject       *user;

  AnbuApiClient    *api;
  AnbuReplica      *replica;
  AnbuSyncEngine   *engine;
  AnbuSeriesPrefetcher *series;  /* the caseload's charts, kept for offline */
  AnbuLiveChannel  *live;
};

G_DEFINE_TYPE (AnbuSession, anbu_session, G_TYPE_OBJECT)

G_DEFINE_QUARK (anbu-session-error-quark, anbu_session_error)

enum {
  PROP_0,
  PROP_STATE,
  PROP_USERNAME,
  PROP_SERVER_URL,
  PROP_USER,
  PROP_REPLICA,
  PROP_SYNC_ENGINE,
  PROP_LIVE_CHANNEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const GEnumValue state_values[] = {
  { ANBU_SESSION_STATE_SIGNED_OUT, "ANBU_SESSION_STATE_SIGNED_OUT", "signed-out" },
  { ANBU_SESSION_STATE_LOCKED, "ANBU_SESSION_STATE_LOCKED", "locked" },
  { ANBU_SESSION_STATE_UNLOCKED, "ANBU_SESSION_STATE_UNLOCKED", "unlocked" },
  { 0, NULL, NULL }
};

GType
anbu_session_state_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static ("AnbuSessionState", state_values));
  return type_id;
}

typedef struct
{
  char *server_url;
  char *ca_file;
  char *username;
  char *password;
  guint n_kept;
  guint n_lost;
} SignInData;

static void
sign_in_data_free (gpointer data)
{
  SignInData *sign_in = data;

  g_free (sign_in->server_url);
  g_free (sign_in->ca_file);
  g_free (sign_in->username);
  if (sign_in->password)
    memset (sign_in->password, 0, strlen (sign_in->password));
  g_free (sign_in->password);
  g_free (sign_in);
}

static void
set_state (AnbuSession      *self,
           AnbuSessionState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_identity (AnbuSession *self,
              const char  *username,
              const char  *server_url,
              const char  *ca_file)
{
  if (g_strcmp0 (self->username, username) != 0)
    {
      g_free (self->username);
      self->username = g_strdup (username);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
    }
  if (g_strcmp0 (self->server_url, server_url) != 0)
    {
      g_free (self->server_url);
      self->server_url = g_strdup (server_url);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_URL]);
    }
  g_free (self->ca_file);
  self->ca_file = g_strdup (ca_file);
}

static void
set_user_json (AnbuSession *self,
               const char  *user_json)
{
  g_autoptr(JsonNode) node = user_json ? json_from_string (user_json, NULL) : NULL;

  g_clear_pointer (&self->user, json_object_unref);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    self->user = json_node_dup_object (node);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
}

static void
stop_services (AnbuSession *self)
{
  if (self->live != NULL)
    {
      anbu_live_channel_stop (self->live);
      g_signal_handlers_disconnect_by_data (self->live, self);
    }
  if (self->series != NULL)
    anbu_series_prefetcher_stop (self->series);
  g_clear_object (&self->series);
  if (self->engine != NULL)
    anbu_sync_engine_stop (self->engine);
  g_clear_object (&self->live);
  g_clear_object (&self->engine);
  g_clear_object (&self->replica);
  g_clear_object (&self->api);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLICA]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_ENGINE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIVE_CHANNEL]);
}

static void
on_live_connected (AnbuSession *self)
{
  /* Nothing pushed while the channel was away may be missed. */
  if (self->engine != NULL)
    anbu_sync_engine_request_sync (self->engine);
}

/* The channel hears the server every second: losing it is the first sign
 * that the server is gone. */
static void
on_live_connected_changed (AnbuSession *self)
{
  if (self->engine != NULL && self->live != NULL && !anbu_live_channel_get_connected (self->live))
    anbu_sync_engine_report_server_lost (self->engine);
}

static void
on_live_changed (AnbuSession *self,
                 const char  *cursor)
{
  if (self->engine != NULL)
    anbu_sync_engine_request_sync (self->engine);
}

static void
start_services (AnbuSession   *self,
                AnbuApiClient *api,
                AnbuReplica   *replica)
{
  g_autofree char *token = anbu_replica_dup_secret (replica, "token");
  g_autofree char *user = anbu_replica_dup_secret (replica, "user");

  stop_services (self);
  self->api = g_object_ref (api);
  self->replica = g_object_ref (replica);
  if (anbu_api_client_get_token (api) == NULL && token != NULL)
    anbu_api_client_set_token (api, token);
  set_user_json (self, user);

  self->engine = anbu_sync_engine_new (api, replica);
  self->series = anbu_series_prefetcher_new (self->engine);
  self->live = anbu_live_channel_new (api);
  g_signal_connect_swapped (self->live, "connected", G_CALLBACK (on_live_connected), self);
  g_signal_connect_swapped (self->live, "notify::connected", G_CALLBACK (on_live_connected_changed),
                            self);
  g_signal_connect_swapped (self->live, "changed", G_CALLBACK (on_live_changed), self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLICA]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_ENGINE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIVE_CHANNEL]);
  set_state (self, ANBU_SESSION_STATE_UNLOCKED);

  if (self->autostart)
    {
      anbu_sync_engine_start (self->engine);
      anbu_live_channel_start (self->live);
    }
}

static gboolean
begin_operation (AnbuSession *self,
                 GTask       *task)
{
  if (self->busy)
    {
      g_task_return_new_error (task, ANBU_SESSION_ERROR, ANBU_SESSION_ERROR_BUSY,
                               _("Please wait: signing in or out is already in progress"));
      return FALSE;
    }
  self->busy = TRUE;
  return TRUE;
}

static void
end_with_error (GTask  *task,
                GError *error)
{
  AnbuSession *self = g_task_get_source_object (task);

  self->busy = FALSE;
  g_task_return_error (task, error);
}

static void
end_with_success (GTask *task)
{
  AnbuSession *self = g_task_get_source_object (task);

  self->busy = FALSE;
  g_task_return_boolean (task, TRUE);
}

/* ---------------------------------------------------------------------- */
/* Storing what a sign-in answered                                         */

static void
on_secret_stored (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!anbu_replica_set_secret_finish (ANBU_REPLICA (source), result, &error))
    g_warning ("Cannot store the sign-in: %s", error->message);
}

static void
store_sign_in (AnbuReplica *replica,
               JsonObject  *answer)
{
  JsonNode *user = json_object_get_member (answer, "user");
  g_autofree char *user_json = user ? json_to_string (user, FALSE) : NULL;

  anbu_replica_set_secret_async (replica, "token",
                                 json_object_get_string_member (answer, "token"), NULL,
                                 on_secret_stored, NULL);
  if (user_json != NULL)
    anbu_replica_set_secret_async (replica, "user", user_json, NULL, on_secret_stored, NULL);
}

/* After an offline unlock: a fresh token if the server is there. */
static void
on_background_sign_in (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(AnbuSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  JsonNode *user;

  answer = anbu_api_client_sign_in_finish (ANBU_API_CLIENT (source), result, &error);
  if (answer == NULL)
    {
      g_debug ("Staying with the stored token: %s", error->message);
      return;
    }
  if (self->replica == NULL || self->api != ANBU_API_CLIENT (source))
    return;
  store_sign_in (self->replica, answer);
  user = json_object_get_member (answer, "user");
  if (user != NULL && JSON_NODE_HOLDS_OBJECT (user))
    {
      g_autofree char *text = json_to_string (user, FALSE);

      set_user_json (self, text);
    }
  if (self->engine != NULL && (anbu_sync_engine_get_running (self->engine)
                               || anbu_sync_engine_get_needs_sign_in (self->engine)))
    anbu_sync_engine_sync_async (self->engine, NULL, NULL, NULL);
}

/* ---------------------------------------------------------------------- */
/* Sign in / unlock                                                        */

static void
on_token_for_unlock (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AnbuSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  JsonNode *user;

  answer = anbu_api_client_sign_in_finish (ANBU_API_CLIENT (source), result, &error);
  if (answer == NULL)
    g_debug ("No token yet: %s", error->message);
  else if (self->replica != NULL && self->api == ANBU_API_CLIENT (source))
    {
      store_sign_in (self->replica, answer);
      user = json_object_get_member (answer, "user");
      if (user != NULL && JSON_NODE_HOLDS_OBJECT (user))
        {
          g_autofree char *text = json_to_string (user, FALSE);

          set_user_json (self, text);
        }
    }
  end_with_success (task);
}

static void
on_replica_opened (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AnbuSession *self = g_task_get_source_object (task);
  SignInData *sign_in = g_task_get_task_data (task);
  g_autoptr(AnbuReplica) replica = NULL;
  g_autoptr(AnbuApiClient) api = NULL;
  g_autofree char *token = NULL;
  gboolean has_token;
  GError *error = NULL;

  replica = anbu_replica_open_finish (result, &sign_in->n_kept, &sign_in->n_lost, &error);
  if (replica == NULL)
    {
      /* Locked still: a damaged replica can be rebuilt for this planner. */
      if (self->username == NULL)
        set_identity (self, sign_in->username, sign_in->server_url, sign_in->ca_file);
      set_state (self, ANBU_SESSION_STATE_LOCKED);
      end_with_error (task, error);
      return;
    }
  api = anbu_api_client_new (sign_in->server_url, sign_in->ca_file, &error);
  if (api == NULL)
    {
      end_with_error (task, error);
      return;
    }
  set_identity (self, sign_in->username, sign_in->server_url, sign_in->ca_file);
  token = anbu_replica_dup_secret (replica, "token");
  has_token = token != NULL;
  start_services (self, api, replica);
  if (has_token)
    {
      anbu_api_client_sign_in_async (api, sign_in->username, sign_in->password, NULL,
                                     on_background_sign_in, g_object_ref (self));
      end_with_success (task);
    }
  else
    {
      /* The token was lost with a damaged replica: fetch one before saying
       * "unlocked" so the first sync has it (offline, unlocking still works). */
      anbu_api_client_sign_in_async (api, sign_in->username, sign_in->password, NULL,
                                     on_token_for_unlock, g_steal_pointer (&task));
    }
}

static void
on_replica_created (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AnbuSession *self = g_task_get_source_object (task);
  JsonObject *answer = g_object_get_data (G_OBJECT (task), "answer");
  AnbuApiClient *api = g_object_get_data (G_OBJECT (task), "api");
  SignInData *sign_in = g_task_get_task_data (task);
  g_autoptr(AnbuReplica) replica = NULL;
  JsonNode *user;
  GError *error = NULL;

  replica = anbu_replica_open_finish (result, NULL, NULL, &error);
  if (replica == NULL)
    {
      end_with_error (task, error);
      return;
    }
  store_sign_in (replica, answer);
  set_identity (self, sign_in->username, sign_in->server_url, sign_in->ca_file);
  start_services (self, api, replica);
  user = json_object_get_member (answer, "user");
  if (user != NULL && JSON_NODE_HOLDS_OBJECT (user))
    {
      g_autofree char *text = json_to_string (user, FALSE);

      set_user_json (self, text);
    }
  end_with_success (task);
}

static void
on_first_sign_in (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AnbuSession *self = g_task_get_source_object (task);
  SignInData *sign_in = g_task_get_task_data (task);
  g_autoptr(JsonObject) answer = NULL;
  GError *error = NULL;
  const char *meta[] = { "username", sign_in->username, "server_url", sign_in->server_url,
                         sign_in->ca_file ? "ca_file" : NULL, sign_in->ca_file, NULL };

  answer = anbu_api_client_sign_in_finish (ANBU_API_CLIENT (source), result, &error);
  if (answer == NULL)
    {
      if (g_error_matches (error, ANBU_NETWORK_ERROR, ANBU_NETWORK_ERROR_UNREACHABLE))
        {
          GError *first = g_error_copy (error);

          g_free (first->message);
          first->message = g_strdup_printf (_("The first sign-in on this computer needs the "
                                              "server, which cannot be reached (%s)"),
                                            error->message);
          g_error_free (error);
          error = first;
        }
      end_with_error (task, error);
      return;
    }
  g_object_set_data_full (G_OBJECT (task), "answer", json_object_ref (answer),
                          (GDestroyNotify) json_object_unref);
  g_object_set_data_full (G_OBJECT (task), "api", g_object_ref (source), g_object_unref);
  anbu_replica_create_async (self->replica_path, sign_in->password, self->opslimit,
                             self->memlimit, meta, g_task_get_cancellable (task),
                             on_replica_created, g_object_ref (task));
}

static void
on_peeked (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AnbuSession *self = g_task_get_source_object (task);
  SignInData *sign_in = g_task_get_task_data (task);
  g_autoptr(GHashTable) meta = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuApiClient) api = NULL;

  meta = anbu_replica_peek_finish (result, &error);
  if (meta == NULL && g_error_matches (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_NOT_FOUND))
    {
      GError *api_error = NULL;

      /* First sign-in on this computer: only the server can say yes. */
      api = anbu_api_client_new (sign_in->server_url, sign_in->ca_file, &api_error);
      if (api == NULL)
        {
          end_with_error (task, api_error);
          return;
        }
      anbu_api_client_sign_in_async (api, sign_in->username, sign_in->password,
                                     g_task_get_cancellable (task), on_first_sign_in,
                                     g_object_ref (task));
      return;
    }

  if (meta != NULL)
    {
      const char *owner = g_hash_table_lookup (meta, "username");

      if (owner != NULL && g_strcmp0 (owner, sign_in->username) != 0)
        {
          end_with_error (task, g_error_new (ANBU_SESSION_ERROR, ANBU_SESSION_ERROR_OTHER_ACCOUNT,
                                             _("This computer holds the caseload of %s; they "
                                               "must sign out before another planner signs in"),
                                             owner));
          return;
        }
      if (sign_in->server_url == NULL)
        sign_in->server_url = g_strdup (g_hash_table_lookup (meta, "server_url"));
      if (sign_in->ca_file == NULL)
        sign_in->ca_file = g_strdup (g_hash_table_lookup (meta, "ca_file"));
    }
  if (sign_in->server_url == NULL)
    sign_in->server_url = g_strdup (self->server_url);

  /* A replica is here: unlocking it is signing in, with or without network.
   * A damaged file is reported by the open itself. */
  anbu_replica_open_async (self->replica_path, sign_in->password, g_task_get_cancellable (task),
                           on_replica_opened, g_object_ref (task));
}

/**
 * anbu_session_sign_in_async:
 * @server_url: (nullable): the server (needed the first time; later the stored one is used)
 * @ca_file: (nullable): PEM file of a custom certificate authority
 *
 * Signs in. Without a replica on this computer, the server checks the
 * password and a new replica is made, wrapped with it. With one, the
 * password unlocks it offline (a wrong one fails with
 * %ANBU_REPLICA_ERROR_WRONG_PASSWORD, nothing unlocked) and a fresh token
 * is fetched in the background when the server is there.
 */
void
anbu_session_sign_in_async (AnbuSession         *self,
                            const char          *server_url,
                            const char          *ca_file,
                            const char          *username,
                            const char          *password,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SignInData *sign_in;

  g_return_if_fail (ANBU_IS_SESSION (self));
  g_return_if_fail (username != NULL && password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, anbu_session_sign_in_async);
  if (!begin_operation (self, task))
    return;

  sign_in = g_new0 (SignInData, 1);
  sign_in->server_url = g_strdup (server_url);
  sign_in->ca_file = g_strdup (ca_file);
  sign_in->username = g_strdup (username);
  sign_in->password = g_strdup (password);
  g_task_set_task_data (task, sign_in, sign_in_data_free);

  if (self->state == ANBU_SESSION_STATE_UNLOCKED)
    stop_services (self);
  anbu_replica_peek_async (self->replica_path, cancellable, on_peeked, g_steal_pointer (&task));
}

gboolean
anbu_session_sign_in_finish (AnbuSession   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * anbu_session_unlock_async:
 *
 * Unlocks after anbu_session_lock() (or at start-up) with the password of
 * the planner who owns the replica; works offline.
 */
void
anbu_session_unlock_async (AnbuSession         *self,
                           const char          *password,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (ANBU_IS_SESSION (self));

  if (self->username == NULL)
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, anbu_session_sign_in_async);
      g_task_return_new_error (task, ANBU_SESSION_ERROR, ANBU_SESSION_ERROR_NOT_SIGNED_IN,
                               _("Nobody has signed in on this computer yet"));
      return;
    }
  anbu_session_sign_in_async (self, self->server_url, self->ca_file, self->username, password,
                              cancellable, callback, user_data);
}

gboolean
anbu_session_unlock_finish (AnbuSession   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return anbu_session_sign_in_finish (self, result, error);
}

/**
 * anbu_session_rebuild_async:
 *
 * After %ANBU_REPLICA_ERROR_CORRUPT: replaces the damaged replica with a
 * fresh one keeping every readable outbox entry, unlocks it and syncs
 * everything again from the server.
 */
void
anbu_session_rebuild_async (AnbuSession         *self,
                            const char          *password,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SignInData *sign_in;

  g_return_if_fail (ANBU_IS_SESSION (self));
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, anbu_session_rebuild_async);
  if (self->username == NULL || self->server_url == NULL)
    {
      g_task_return_new_error (task, ANBU_SESSION_ERROR, ANBU_SESSION_ERROR_NOT_SIGNED_IN,
                               _("Nobody has signed in on this computer yet"));
      return;
    }
  if (!begin_operation (self, task))
    return;

  sign_in = g_new0 (SignInData, 1);
  sign_in->server_url = g_strdup (self->server_url);
  sign_in->ca_file = g_strdup (self->ca_file);
  sign_in->username = g_strdup (self->username);
  sign_in->password = g_strdup (password);
  g_task_set_task_data (task, sign_in, sign_in_data_free);

  stop_services (self);
  {
    const char *meta[] = { "username", self->username, "server_url", self->server_url,
                           self->ca_file ? "ca_file" : NULL, self->ca_file, NULL };

    anbu_replica_rebuild_async (self->replica_path, password, meta, cancellable,
                                on_replica_opened, g_steal_pointer (&task));
  }
}

gboolean
anbu_session_rebuild_finish (AnbuSession   *self,
                             GAsyncResult  *result,
                             guint         *n_kept,
                             guint         *n_lost,
                             GError       **error)
{
  SignInData *sign_in;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  sign_in = g_task_get_task_data (G_TASK (result));
  if (n_kept)
    *n_kept = sign_in->n_kept;
  if (n_lost)
    *n_lost = sign_in->n_lost;
  return TRUE;
}

static void
on_token_renewed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AnbuSession *self = g_task_get_source_object (task);
  g_autoptr(JsonObject) answer = NULL;
  GError *error = NULL;

  answer = anbu_api_client_sign_in_finish (ANBU_API_CLIENT (source), result, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (self->replica != NULL)
    store_sign_in (self->replica, answer);
  if (self->engine != NULL)
    anbu_sync_engine_sync_async (self->engine, NULL, NULL, NULL);
  g_task_return_boolean (task, TRUE);
}

/**
 * anbu_session_renew_token_async:
 *
 * When the sync engine says needs-sign-in (the token expired or was
 * revoked): asks the server for a new token with the password.
 */
void
anbu_session_renew_token_async (AnbuSession         *self,
                                const char          *password,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ANBU_IS_SESSION (self));
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, anbu_session_renew_token_async);
  if (self->state != ANBU_SESSION_STATE_UNLOCKED)
    {
      g_task_return_new_error (task, ANBU_SESSION_ERROR, ANBU_SESSION_ERROR_NOT_SIGNED_IN,
                               _("Unlock first"));
      return;
    }
  anbu_api_client_sign_in_async (self->api, self->username, password, cancellable,
                                 on_token_renewed, g_steal_pointer (&task));
}

gboolean
anbu_session_renew_token_finish (AnbuSession   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_password_changed (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!anbu_replica_change_password_finish (ANBU_REPLICA (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * anbu_session_change_password_async:
 *
 * Rewraps the replica's key with @new_password (the planner's password
 * changed on the server): later offline unlocks take the new one. Needs
 * the session unlocked; a wrong @old_password fails with
 * %ANBU_REPLICA_ERROR_WRONG_PASSWORD and changes nothing.
 */
void
anbu_session_change_password_async (AnbuSession         *self,
                                    const char          *old_password,
                                    const char          *new_password,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ANBU_IS_SESSION (self));
  g_return_if_fail (old_password != NULL && new_password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, anbu_session_change_password_async);
  if (self->state != ANBU_SESSION_STATE_UNLOCKED)
    {
      g_task_return_new_error (task, ANBU_SESSION_ERROR, ANBU_SESSION_ERROR_NOT_SIGNED_IN,
                               _("Unlock first"));
      return;
    }
  anbu_replica_change_password_async (self->replica, old_password, new_password, cancellable,
                                      on_password_changed, g_steal_pointer (&task));
}

gboolean
anbu_session_change_password_finish (AnbuSession   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * anbu_session_lock:
 *
 * Stops syncing and forgets the data key (idle lock); unlock with
 * anbu_session_unlock_async().
 */
void
anbu_session_lock (AnbuSession *self)
{
  g_return_if_fail (ANBU_IS_SESSION (self));

  if (self->state != ANBU_SESSION_STATE_UNLOCKED)
    return;
  stop_services (self);
  set_state (self, ANBU_SESSION_STATE_LOCKED);
}

/* ---------------------------------------------------------------------- */
/* Sign out                                                                */

static void
finish_sign_out (GTask *task)
{
  AnbuSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  stop_services (self);
  if (!anbu_replica_delete_files (self->replica_path, &error))
    {
      end_with_error (task, g_steal_pointer (&error));
      return;
    }
  set_identity (self, NULL, NULL, NULL);
  set_user_json (self, NULL);
  set_state (self, ANBU_SESSION_STATE_SIGNED_OUT);
  end_with_success (task);
}

static void
on_token_revoked (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = anbu_api_client_request_finish (ANBU_API_CLIENT (source), result, &error);
  if (body == NULL)
    g_debug ("The token could not be revoked (it expires by itself): %s", error->message);
  finish_sign_out (task);
}

/**
 * anbu_session_sign_out_async:
 *
 * Revokes the token if the server is there and deletes the replica with
 * everything in it, including changes not yet sent: ask
 * anbu_session_get_pending_count() first and warn.
 */
void
anbu_session_sign_out_async (AnbuSession         *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ANBU_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, anbu_session_sign_out_async);
  if (!begin_operation (self, task))
    return;

  if (self->api != NULL && anbu_api_client_get_token (self->api) != NULL)
    {
      if (self->live != NULL)
        anbu_live_channel_stop (self->live);
      if (self->engine != NULL)
        anbu_sync_engine_stop (self->engine);
      anbu_api_client_set_timeout (self->api, SIGN_OUT_TIMEOUT_SECONDS);
      anbu_api_client_request_async (self->api, "DELETE", "/api/v1/session", NULL, cancellable,
                                     on_token_revoked, g_steal_pointer (&task));
      return;
    }
  finish_sign_out (task);
}

gboolean
anbu_session_sign_out_finish (AnbuSession   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* Loading                                                                 */

static void
on_load_peeked (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AnbuSession *self = g_task_get_source_object (task);
  g_autoptr(GHashTable) meta = NULL;
  g_autoptr(GError) error = NULL;

  meta = anbu_replica_peek_finish (result, &error);
  if (meta != NULL)
    {
      set_identity (self, g_hash_table_lookup (meta, "username"),
                    g_hash_table_lookup (meta, "server_url"),
                    g_hash_table_lookup (meta, "ca_file"));
      set_state (self, ANBU_SESSION_STATE_LOCKED);
    }
  else if (g_error_matches (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_NOT_FOUND))
    set_state (self, ANBU_SESSION_STATE_SIGNED_OUT);
  else
    {
      /* Damaged: the sign-in reports it and offers the rebuild. */
      set_state (self, ANBU_SESSION_STATE_LOCKED);
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * anbu_session_load_async:
 *
 * Finds out whether a replica is on this computer and whose it is (state
 * locked, with username and server-url for the sign-in form) or not
 * (state signed-out). Nothing is decrypted.
 */
void
anbu_session_load_async (AnbuSession         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ANBU_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, anbu_session_load_async);
  anbu_replica_peek_async (self->replica_path, cancellable, on_load_peeked, task);
}

gboolean
anbu_session_load_finish (AnbuSession   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                 */

static void
anbu_session_dispose (GObject *object)
{
  AnbuSession *self = ANBU_SESSION (object);

  if (self->live != NULL)
    {
      anbu_live_channel_stop (self->live);
      g_signal_handlers_disconnect_by_data (self->live, self);
    }
  if (self->series != NULL)
    anbu_series_prefetcher_stop (self->series);
  g_clear_object (&self->series);
  if (self->engine != NULL)
    anbu_sync_engine_stop (self->engine);
  g_clear_object (&self->live);
  g_clear_object (&self->engine);
  g_clear_object (&self->replica);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (anbu_session_parent_class)->dispose (object);
}

static void
anbu_session_finalize (GObject *object)
{
  AnbuSession *self = ANBU_SESSION (object);

  g_free (self->data_dir);
  g_free (self->replica_path);
  g_free (self->username);
  g_free (self->server_url);
  g_free (self->ca_file);
  g_clear_pointer (&self->user, json_object_unref);

  G_OBJECT_CLASS (anbu_session_parent_class)->finalize (object);
}

static void
anbu_session_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  AnbuSession *self = ANBU_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_USER:
      g_value_set_boxed (value, self->user);
      break;
    case PROP_REPLICA:
      g_value_set_object (value, self->replica);
      break;
    case PROP_SYNC_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_LIVE_CHANNEL:
      g_value_set_object (value, self->live);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_session_class_init (AnbuSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = anbu_session_dispose;
  object_class->finalize = anbu_session_finalize;
  object_class->get_property = anbu_session_get_property;

  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, ANBU_TYPE_SESSION_STATE,
                                              ANBU_SESSION_STATE_SIGNED_OUT, flags);
  properties[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, NULL, flags);
  properties[PROP_SERVER_URL] = g_param_spec_string ("server-url", NULL, NULL, NULL, flags);
  properties[PROP_USER] = g_param_spec_boxed ("user", NULL, NULL, JSON_TYPE_OBJECT, flags);
  properties[PROP_REPLICA] = g_param_spec_object ("replica", NULL, NULL, ANBU_TYPE_REPLICA, flags);
  properties[PROP_SYNC_ENGINE] = g_param_spec_object ("sync-engine", NULL, NULL,
                                                      ANBU_TYPE_SYNC_ENGINE, flags);
  properties[PROP_LIVE_CHANNEL] = g_param_spec_object ("live-channel", NULL, NULL,
                                                       ANBU_TYPE_LIVE_CHANNEL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
anbu_session_init (AnbuSession *self)
{
  self->autostart = TRUE;
  self->opslimit = ANBU_KEYRING_DEFAULT_OPSLIMIT;
  self->memlimit = ANBU_KEYRING_DEFAULT_MEMLIMIT;
}

/**
 * anbu_session_new:
 * @data_dir: where the replica lives (the app passes
 *   g_get_user_data_dir()/anbu); created if missing
 */
AnbuSession *
anbu_session_new (const char *data_dir)
{
  AnbuSession *self;

  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (ANBU_TYPE_SESSION, NULL);
  self->data_dir = g_strdup (data_dir);
  self->replica_path = g_build_filename (data_dir, REPLICA_FILE, NULL);
  g_mkdir_with_parents (data_dir, 0700);
  return self;
}

AnbuSessionState
anbu_session_get_state (AnbuSession *self)
{
  g_return_val_if_fail (ANBU_IS_SESSION (self), ANBU_SESSION_STATE_SIGNED_OUT);
  return self->state;
}

const char *
anbu_session_get_data_dir (AnbuSession *self)
{
  g_return_val_if_fail (ANBU_IS_SESSION (self), NULL);
  return self->data_dir;
}

const char *
anbu_session_get_replica_path (AnbuSession *self)
{
  g_return_val_if_fail (ANBU_IS_SESSION (self), NULL);
  return self->replica_path;
}

const char *
anbu_session_get_username (AnbuSession *self)
{
  g_return_val_if_fail (ANBU_IS_SESSION (self), NULL);
  return self->username;
}

const char *
anbu_session_get_server_url (AnbuSession *self)
{
  g_return_val_if_fail (ANBU_IS_SESSION (self), NULL);
  return self->server_url;
}

/**
 * anbu_session_get_user:
 *
 * Returns: (nullable) (transfer none): the signed-in user record
 */
JsonObject *
anbu_session_get_user (AnbuSession *self)
{
  g_return_val_if_fail (ANBU_IS_SESSION (self), NULL);
  return self->user;
}

/**
 * anbu_session_get_pending_count:
 *
 * Changes recorded here and not yet confirmed by the server (what signing
 * out now would lose).
 */
guint
anbu_session_get_pending_count (AnbuSession *self)
{
  g_return_val_if_fail (ANBU_IS_SESSION (self), 0);
  return self->replica ? anbu_replica_get_pending_count (self->replica) : 0;
}

/**
 * anbu_session_get_replica:
 *
 * Returns: (nullable) (transfer none): the replica while unlocked
 */
AnbuReplica *
anbu_session_get_replica (AnbuSession *self)
{
  g_return_val_if_fail (ANBU_IS_SESSION (self), NULL);
  return self->replica;
}

/**
 * anbu_session_get_sync_engine:
 *
 * Returns: (nullable) (transfer none): the sync engine while unlocked
 */
AnbuSeriesPrefetcher *
anbu_session_get_series_prefetcher (AnbuSession *self)
{
  g_return_val_if_fail (ANBU_IS_SESSION (self), NULL);
  return self->series;
}

AnbuSyncEngine *
anbu_session_get_sync_engine (AnbuSession *self)
{
  g_return_val_if_fail (ANBU_IS_SESSION (self), NULL);
  return self->engine;
}

/**
 * anbu_session_get_live_channel:
 *
 * Returns: (nullable) (transfer none): the live channel while unlocked
 */
AnbuLiveChannel *
anbu_session_get_live_channel (AnbuSession *self)
{
  g_return_val_if_fail (ANBU_IS_SESSION (self), NULL);
  return self->live;
}

/**
 * anbu_session_get_api_client:
 *
 * Returns: (nullable) (transfer none): the API client while unlocked
 */
AnbuApiClient *
anbu_session_get_api_client (AnbuSession *self)
{
  g_return_val_if_fail (ANBU_IS_SESSION (self), NULL);
  return self->api;
}

/**
 * anbu_session_set_kdf_cost:
 *
 * Argon2id cost for new replicas (default: libsodium's interactive limits).
 * Tests and benchmarks lower it.
 */
void
anbu_session_set_kdf_cost (AnbuSession *self,
                           guint64      opslimit,
                           gsize        memlimit)
{
  g_return_if_fail (ANBU_IS_SESSION (self));
  self->opslimit = opslimit;
  self->memlimit = memlimit;
}

/**
 * anbu_session_set_autostart:
 *
 * Whether unlocking starts the sync engine and the live channel (default
 * %TRUE); tests drive them by hand.
 */
void
anbu_session_set_autostart (AnbuSession *self,
                            gboolean     autostart)
{
  g_return_if_fail (ANBU_IS_SESSION (self));
  self->autostart = autostart;
}
