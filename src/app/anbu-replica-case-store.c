/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-replica-case-store"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "anbu-replica-case-store.h"

#define CACHE_PREFIX "cache:"
#define FETCH_TIMEOUT_SECONDS 20

struct _AnbuReplicaCaseStore
{
  GObject parent_instance;

  AnbuReplica *replica;
  char        *user_id;
  char        *server_url;
  char        *token;
  SoupSession *session;
  guint        changed_idle;
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
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  guint status;

  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  status = soup_message_get_status (message);
  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                               "the session expired (HTTP %u)", status);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "the server answered HTTP %u", status);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
}

static void
fetch_async (AnbuCaseStore       *store,
             const char          *path,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  AnbuReplicaCaseStore *self = ANBU_REPLICA_CASE_STORE (store);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *authorization = NULL;

  g_task_set_source_tag (task, fetch_async);
  if (self->server_url == NULL || self->token == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, "offline");
      return;
    }
  uri = g_strconcat (self->server_url, path, NULL);
  message = soup_message_new (SOUP_METHOD_GET, uri);
  if (message == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "not a URL: %s", uri);
      return;
    }
  authorization = g_strconcat ("Bearer ", self->token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "application/json");
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT, cancellable,
                                    fetch_cb, g_steal_pointer (&task));
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
}

static void
anbu_replica_case_store_dispose (GObject *object)
{
  AnbuReplicaCaseStore *self = ANBU_REPLICA_CASE_STORE (object);

  g_clear_handle_id (&self->changed_idle, g_source_remove);
  if (self->replica != NULL)
    g_signal_handlers_disconnect_by_data (self->replica, self);
  g_clear_object (&self->replica);
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (anbu_replica_case_store_parent_class)->dispose (object);
}

static void
anbu_replica_case_store_finalize (GObject *object)
{
  AnbuReplicaCaseStore *self = ANBU_REPLICA_CASE_STORE (object);

  g_free (self->user_id);
  g_free (self->server_url);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
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
  self->session = soup_session_new_with_options ("user-agent", ANBU_USER_AGENT,
                                                 "timeout", FETCH_TIMEOUT_SECONDS,
                                                 "max-conns-per-host", 2,
                                                 NULL);
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
anbu_replica_case_store_set_session (AnbuReplicaCaseStore *self,
                                     const char           *server_url,
                                     const char           *token)
{
  g_return_if_fail (ANBU_IS_REPLICA_CASE_STORE (self));

  g_free (self->server_url);
  self->server_url = server_url != NULL ? g_strdup (server_url) : NULL;
  /* "https://host/" and "https://host" both mean the same server. */
  if (self->server_url != NULL && g_str_has_suffix (self->server_url, "/"))
    self->server_url[strlen (self->server_url) - 1] = '\0';
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  self->token = g_strdup (token);
  /* Loopback servers (tests, a server on this machine) are never proxied. */
  if (self->server_url != NULL && (g_str_has_prefix (self->server_url, "http://127.0.0.1")
                                   || g_str_has_prefix (self->server_url, "http://localhost")))
    soup_session_set_proxy_resolver (self->session, NULL);
}

AnbuReplica *
anbu_replica_case_store_get_replica (AnbuReplicaCaseStore *self)
{
  g_return_val_if_fail (ANBU_IS_REPLICA_CASE_STORE (self), NULL);
  return self->replica;
}
