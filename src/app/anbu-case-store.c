/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-case-store"

#include "config.h"

#include <string.h>

#include "anbu-case-store.h"

#define CACHE_PREFIX "cache:"

struct _AnbuCaseStore
{
  GObject parent_instance;

  AnbuReplica   *replica;
  char          *user_id;
  gboolean       is_admin;
  char          *role;
  AnbuLiveChannel *live_channel;
  AnbuApiClient *api_client;
  guint          changed_idle;
};

G_DEFINE_FINAL_TYPE (AnbuCaseStore, anbu_case_store, G_TYPE_OBJECT)

enum
{
  CHANGED,
  PLUG_LIVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
emit_changed (gpointer data)
{
  AnbuCaseStore *self = data;

  self->changed_idle = 0;
  g_signal_emit (self, signals[CHANGED], 0);
  return G_SOURCE_REMOVE;
}

/* One change touches several kinds: tell the views once. */
static void
on_records_changed (AnbuCaseStore *self,
                    const char           *kind)
{
  if (self->changed_idle == 0)
    self->changed_idle = g_idle_add (emit_changed, self);
}

/* The replica answers with itself as the source object; callers of the
 * store get the store, as GIO's async pattern promises. */
static void
list_records_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GPtrArray *records = anbu_replica_list_records_finish (ANBU_REPLICA (source), result, &error);

  if (records == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, records, (GDestroyNotify) g_ptr_array_unref);
}

void
anbu_case_store_list_records_async (AnbuCaseStore       *store,
                    const char          *kind,
                    const char          *household_id,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, anbu_case_store_list_records_async);
  anbu_replica_list_records_async (ANBU_CASE_STORE (store)->replica, kind, household_id,
                                   cancellable, list_records_cb, task);
}

GPtrArray *
anbu_case_store_list_records_finish (AnbuCaseStore  *store,
                     GAsyncResult   *result,
                     GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
record_change_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *mutation_id = anbu_replica_record_change_finish (ANBU_REPLICA (source), result, &error);

  if (mutation_id == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, mutation_id, g_free);
}

void
anbu_case_store_record_change_async (AnbuCaseStore       *store,
                     const char          *mutation_kind,
                     JsonObject          *payload,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, anbu_case_store_record_change_async);
  anbu_replica_record_change_async (ANBU_CASE_STORE (store)->replica, mutation_kind, payload,
                                    cancellable, record_change_cb, task);
}

char *
anbu_case_store_record_change_finish (AnbuCaseStore  *store,
                      GAsyncResult   *result,
                      GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
record_changes_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GStrv mutation_ids = anbu_replica_record_changes_finish (ANBU_REPLICA (source), result, &error);

  if (mutation_ids == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, mutation_ids, (GDestroyNotify) g_strfreev);
}

void
anbu_case_store_record_changes_async (AnbuCaseStore       *store,
                                      GPtrArray           *mutation_kinds,
                                      GPtrArray           *payloads,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, anbu_case_store_record_changes_async);
  anbu_replica_record_changes_async (ANBU_CASE_STORE (store)->replica, mutation_kinds, payloads,
                                     cancellable, record_changes_cb, task);
}

GStrv
anbu_case_store_record_changes_finish (AnbuCaseStore  *store,
                                       GAsyncResult   *result,
                                       GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fetch_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GBytes *body = anbu_api_client_request_finish (ANBU_API_CLIENT (source), result, &error);

  if (body == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, body, (GDestroyNotify) g_bytes_unref);
}

void
anbu_case_store_fetch_async (AnbuCaseStore       *store,
             const char          *path,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  AnbuCaseStore *self = ANBU_CASE_STORE (store);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, anbu_case_store_fetch_async);
  if (self->api_client == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, "offline");
      g_object_unref (task);
      return;
    }
  anbu_api_client_request_async (self->api_client, "GET", path, NULL, cancellable, fetch_cb, task);
}

void
anbu_case_store_send_async (AnbuCaseStore       *self,
                            const char          *method,
                            const char          *path,
                            const char          *json_body,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (ANBU_IS_CASE_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  /* Finished by anbu_case_store_fetch_finish(). */
  g_task_set_source_tag (task, anbu_case_store_fetch_async);
  if (self->api_client == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, "offline");
      g_object_unref (task);
      return;
    }
  if (json_body != NULL)
    body = g_bytes_new (json_body, strlen (json_body));
  anbu_api_client_request_async (self->api_client, method, path, body, cancellable, fetch_cb, task);
}

gboolean
anbu_case_store_get_is_admin (AnbuCaseStore *self)
{
  g_return_val_if_fail (ANBU_IS_CASE_STORE (self), FALSE);
  return self->is_admin;
}

/* Whether the signed-in user works in the control centre (관제센터): the wall board. */
void
anbu_case_store_set_is_admin (AnbuCaseStore *self,
                              gboolean       is_admin)
{
  g_return_if_fail (ANBU_IS_CASE_STORE (self));
  self->is_admin = is_admin;
}

const char *
anbu_case_store_get_role (AnbuCaseStore *self)
{
  g_return_val_if_fail (ANBU_IS_CASE_STORE (self), NULL);
  return self->role;
}

void
anbu_case_store_set_role (AnbuCaseStore *self,
                          const char    *role)
{
  g_return_if_fail (ANBU_IS_CASE_STORE (self));
  g_free (self->role);
  self->role = g_strdup (role);
}

GBytes *
anbu_case_store_fetch_finish (AnbuCaseStore  *store,
              GAsyncResult   *result,
              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
anbu_case_store_dup_cached (AnbuCaseStore *store,
            const char    *name)
{
  g_autofree char *key = g_strconcat (CACHE_PREFIX, name, NULL);

  return anbu_replica_dup_secret (ANBU_CASE_STORE (store)->replica, key);
}

static void
store_cached_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* An offline copy that could not be kept is only missed offline. */
  if (!anbu_replica_set_secret_finish (ANBU_REPLICA (source), result, &error))
    g_warning ("Could not keep an offline copy: %s", error->message);
}

void
anbu_case_store_store_cached (AnbuCaseStore *store,
              const char    *name,
              const char    *value)
{
  g_autofree char *key = g_strconcat (CACHE_PREFIX, name, NULL);

  anbu_replica_set_secret_async (ANBU_CASE_STORE (store)->replica, key, value, NULL,
                                 store_cached_cb, NULL);
}

char *
anbu_case_store_dup_user_id (AnbuCaseStore *store)
{
  return g_strdup (ANBU_CASE_STORE (store)->user_id);
}

AnbuUser *
anbu_case_store_dup_user (AnbuCaseStore *store)
{
  AnbuCaseStore *self = ANBU_CASE_STORE (store);
  g_autofree char *text = self->replica != NULL ? anbu_replica_dup_secret (self->replica, "user") : NULL;
  g_autoptr(JsonNode) node = text != NULL ? json_from_string (text, NULL) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return anbu_user_from_json (json_node_get_object (node), NULL);
}

GTlsDatabase *
anbu_case_store_dup_tls_database (AnbuCaseStore *store)
{
  AnbuApiClient *api_client = ANBU_CASE_STORE (store)->api_client;
  GTlsDatabase *database = api_client != NULL ? anbu_api_client_get_tls_database (api_client) : NULL;

  return database != NULL ? g_object_ref (database) : NULL;
}

static void
anbu_case_store_dispose (GObject *object)
{
  AnbuCaseStore *self = ANBU_CASE_STORE (object);

  g_clear_handle_id (&self->changed_idle, g_source_remove);
  if (self->replica != NULL)
    g_signal_handlers_disconnect_by_data (self->replica, self);
  g_clear_object (&self->replica);
  g_clear_object (&self->api_client);
  g_clear_object (&self->live_channel);
  G_OBJECT_CLASS (anbu_case_store_parent_class)->dispose (object);
}

static void
anbu_case_store_finalize (GObject *object)
{
  AnbuCaseStore *self = ANBU_CASE_STORE (object);

  g_free (self->user_id);
  g_free (self->role);
  G_OBJECT_CLASS (anbu_case_store_parent_class)->finalize (object);
}

static void
anbu_case_store_class_init (AnbuCaseStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = anbu_case_store_dispose;
  object_class->finalize = anbu_case_store_finalize;

  /* Records changed (a pull, a push result, a local change): views reload. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* A plug's current live fields (a JsonObject), from the live channel. */
  signals[PLUG_LIVE] = g_signal_new ("plug-live", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, JSON_TYPE_OBJECT);
}

static void
anbu_case_store_init (AnbuCaseStore *self)
{
}

AnbuCaseStore *
anbu_case_store_new (AnbuReplica *replica,
                             const char  *user_id)
{
  AnbuCaseStore *self;

  g_return_val_if_fail (ANBU_IS_REPLICA (replica), NULL);

  self = g_object_new (ANBU_TYPE_CASE_STORE, NULL);
  self->replica = g_object_ref (replica);
  self->user_id = g_strdup (user_id);
  g_signal_connect_swapped (replica, "records-changed", G_CALLBACK (on_records_changed), self);
  return self;
}

void
anbu_case_store_set_api_client (AnbuCaseStore *self,
                                        AnbuApiClient        *api_client)
{
  g_return_if_fail (ANBU_IS_CASE_STORE (self));
  g_return_if_fail (api_client == NULL || ANBU_IS_API_CLIENT (api_client));

  g_set_object (&self->api_client, api_client);
}

static void
on_plug_updated (AnbuCaseStore *self,
                 JsonObject           *record)
{
  g_signal_emit (self, signals[PLUG_LIVE], 0, record);
}

/* Live plug frames are passed on as they come; the views throttle their redraws.
 * Nothing is written to the replica per frame: the server copies the live fields
 * into the synced plug record itself (at most every 15 minutes), which is what
 * offline viewing shows. */
void
anbu_case_store_set_live_channel (AnbuCaseStore *self,
                                          AnbuLiveChannel      *live_channel)
{
  g_return_if_fail (ANBU_IS_CASE_STORE (self));
  g_return_if_fail (ANBU_IS_LIVE_CHANNEL (live_channel));

  g_signal_connect_object (live_channel, "plug-updated", G_CALLBACK (on_plug_updated), self,
                           G_CONNECT_SWAPPED);
  g_set_object (&self->live_channel, live_channel);
}

/* The live channel (NULL: none, as in tests without a server): the wall board
 * shows whether it is connected. */
AnbuLiveChannel *
anbu_case_store_get_live_channel (AnbuCaseStore *self)
{
  g_return_val_if_fail (ANBU_IS_CASE_STORE (self), NULL);
  return self->live_channel;
}

AnbuCaseStore *
anbu_case_store_new_for_session (AnbuSession *session)
{
  AnbuCaseStore *self;
  JsonObject *user;

  g_return_val_if_fail (ANBU_IS_SESSION (session), NULL);
  g_return_val_if_fail (anbu_session_get_replica (session) != NULL, NULL);

  user = anbu_session_get_user (session);
  self = anbu_case_store_new (anbu_session_get_replica (session),
                                      user != NULL ? json_object_get_string_member_with_default (user, "id", NULL)
                                                   : NULL);
  anbu_case_store_set_api_client (self, anbu_session_get_api_client (session));
  self->is_admin = user != NULL
                   && g_strcmp0 (json_object_get_string_member_with_default (user, "role", NULL), "admin") == 0;
  anbu_case_store_set_role (self, user != NULL ? json_object_get_string_member_with_default (user, "role", NULL)
                                                 : NULL);
  if (anbu_session_get_live_channel (session) != NULL)
    anbu_case_store_set_live_channel (self, anbu_session_get_live_channel (session));
  return self;
}

AnbuReplica *
anbu_case_store_get_replica (AnbuCaseStore *self)
{
  g_return_val_if_fail (ANBU_IS_CASE_STORE (self), NULL);
  return self->replica;
}
