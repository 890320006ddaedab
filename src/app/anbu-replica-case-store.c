/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-replica-case-store"

#include "config.h"


#include "anbu-replica-case-store.h"

#define CACHE_PREFIX "cache:"

struct _AnbuReplicaCaseStore
{
  GObject parent_instance;

  AnbuReplica   *replica;
  char          *user_id;
  AnbuApiClient *api_client;
  guint          changed_idle;
};

static void anbu_replica_case_store_iface_init (AnbuCaseStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AnbuReplicaCaseStore, anbu_replica_case_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ANBU_TYPE_CASE_STORE,
                                                      anbu_replica_case_store_iface_init))

static gboolean
emit_changed (gpointer data)
{
  AnbuReplicaCaseStore *self = data;

  self->changed_idle = 0;
  anbu_case_store_emit_changed (ANBU_CASE_STORE (self));
  return G_SOURCE_REMOVE;
}

/* One change touches several kinds: tell the views once. */
static void
on_records_changed (AnbuReplicaCaseStore *self,
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

static void
list_records_async (AnbuCaseStore       *store,
                    const char          *kind,
                    const char          *household_id,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, list_records_async);
  anbu_replica_list_records_async (ANBU_REPLICA_CASE_STORE (store)->replica, kind, household_id,
                                   cancellable, list_records_cb, task);
}

static GPtrArray *
list_records_finish (AnbuCaseStore  *store,
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

static void
record_change_async (AnbuCaseStore       *store,
                     const char          *mutation_kind,
                     JsonObject          *payload,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, record_change_async);
  anbu_replica_record_change_async (ANBU_REPLICA_CASE_STORE (store)->replica, mutation_kind, payload,
                                    cancellable, record_change_cb, task);
}

static char *
record_change_finish (AnbuCaseStore  *store,
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

static void
fetch_async (AnbuCaseStore       *store,
             const char          *path,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  AnbuReplicaCaseStore *self = ANBU_REPLICA_CASE_STORE (store);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, fetch_async);
  if (self->api_client == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, "offline");
      g_object_unref (task);
      return;
    }
  anbu_api_client_request_async (self->api_client, "GET", path, NULL, cancellable, fetch_cb, task);
}

static GBytes *
fetch_finish (AnbuCaseStore  *store,
              GAsyncResult   *result,
              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *
dup_cached (AnbuCaseStore *store,
            const char    *name)
{
  g_autofree char *key = g_strconcat (CACHE_PREFIX, name, NULL);

  return anbu_replica_dup_secret (ANBU_REPLICA_CASE_STORE (store)->replica, key);
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

static void
store_cached (AnbuCaseStore *store,
              const char    *name,
              const char    *value)
{
  g_autofree char *key = g_strconcat (CACHE_PREFIX, name, NULL);

  anbu_replica_set_secret_async (ANBU_REPLICA_CASE_STORE (store)->replica, key, value, NULL,
                                 store_cached_cb, NULL);
}

static char *
dup_user_id (AnbuCaseStore *store)
{
  return g_strdup (ANBU_REPLICA_CASE_STORE (store)->user_id);
}

static GTlsDatabase *
dup_tls_database (AnbuCaseStore *store)
{
  AnbuApiClient *api_client = ANBU_REPLICA_CASE_STORE (store)->api_client;
  GTlsDatabase *database = api_client != NULL ? anbu_api_client_get_tls_database (api_client) : NULL;

  return database != NULL ? g_object_ref (database) : NULL;
}

static void
anbu_replica_case_store_iface_init (AnbuCaseStoreInterface *iface)
{
  iface->list_records_async = list_records_async;
  iface->list_records_finish = list_records_finish;
  iface->record_change_async = record_change_async;
  iface->record_change_finish = record_change_finish;
  iface->fetch_async = fetch_async;
  iface->fetch_finish = fetch_finish;
  iface->dup_cached = dup_cached;
  iface->store_cached = store_cached;
  iface->dup_user_id = dup_user_id;
  iface->dup_tls_database = dup_tls_database;
}

static void
anbu_replica_case_store_dispose (GObject *object)
{
  AnbuReplicaCaseStore *self = ANBU_REPLICA_CASE_STORE (object);

  g_clear_handle_id (&self->changed_idle, g_source_remove);
  if (self->replica != NULL)
    g_signal_handlers_disconnect_by_data (self->replica, self);
  g_clear_object (&self->replica);
  g_clear_object (&self->api_client);
  G_OBJECT_CLASS (anbu_replica_case_store_parent_class)->dispose (object);
}

static void
anbu_replica_case_store_finalize (GObject *object)
{
  AnbuReplicaCaseStore *self = ANBU_REPLICA_CASE_STORE (object);

  g_free (self->user_id);
  G_OBJECT_CLASS (anbu_replica_case_store_parent_class)->finalize (object);
}

static void
anbu_replica_case_store_class_init (AnbuReplicaCaseStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = anbu_replica_case_store_dispose;
  object_class->finalize = anbu_replica_case_store_finalize;
}

static void
anbu_replica_case_store_init (AnbuReplicaCaseStore *self)
{
}

AnbuReplicaCaseStore *
anbu_replica_case_store_new (AnbuReplica *replica,
                             const char  *user_id)
{
  AnbuReplicaCaseStore *self;

  g_return_val_if_fail (ANBU_IS_REPLICA (replica), NULL);

  self = g_object_new (ANBU_TYPE_REPLICA_CASE_STORE, NULL);
  self->replica = g_object_ref (replica);
  self->user_id = g_strdup (user_id);
  g_signal_connect_swapped (replica, "records-changed", G_CALLBACK (on_records_changed), self);
  return self;
}

void
anbu_replica_case_store_set_api_client (AnbuReplicaCaseStore *self,
                                        AnbuApiClient        *api_client)
{
  g_return_if_fail (ANBU_IS_REPLICA_CASE_STORE (self));
  g_return_if_fail (api_client == NULL || ANBU_IS_API_CLIENT (api_client));

  g_set_object (&self->api_client, api_client);
}

static void
on_plug_updated (AnbuReplicaCaseStore *self,
                 JsonObject           *record)
{
  anbu_case_store_emit_plug_live (ANBU_CASE_STORE (self), record);
}

/* Live plug frames are passed on as they come; the views throttle their redraws.
 * Nothing is written to the replica per frame: the server copies the live fields
 * into the synced plug record itself (at most every 15 minutes), which is what
 * offline viewing shows. */
void
anbu_replica_case_store_set_live_channel (AnbuReplicaCaseStore *self,
                                          AnbuLiveChannel      *live_channel)
{
  g_return_if_fail (ANBU_IS_REPLICA_CASE_STORE (self));
  g_return_if_fail (ANBU_IS_LIVE_CHANNEL (live_channel));

  g_signal_connect_object (live_channel, "plug-updated", G_CALLBACK (on_plug_updated), self,
                           G_CONNECT_SWAPPED);
}

AnbuReplicaCaseStore *
anbu_replica_case_store_new_for_session (AnbuSession *session)
{
  AnbuReplicaCaseStore *self;
  JsonObject *user;

  g_return_val_if_fail (ANBU_IS_SESSION (session), NULL);
  g_return_val_if_fail (anbu_session_get_replica (session) != NULL, NULL);

  user = anbu_session_get_user (session);
  self = anbu_replica_case_store_new (anbu_session_get_replica (session),
                                      user != NULL ? json_object_get_string_member_with_default (user, "id", NULL)
                                                   : NULL);
  anbu_replica_case_store_set_api_client (self, anbu_session_get_api_client (session));
  if (anbu_session_get_live_channel (session) != NULL)
    anbu_replica_case_store_set_live_channel (self, anbu_session_get_live_channel (session));
  return self;
}

AnbuReplica *
anbu_replica_case_store_get_replica (AnbuReplicaCaseStore *self)
{
  g_return_val_if_fail (ANBU_IS_REPLICA_CASE_STORE (self), NULL);
  return self->replica;
}
