/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "anbu-test-case-store.h"

struct _AnbuTestCaseStore
{
  GObject     parent_instance;

  char       *user_id;
  GHashTable *records;  /* kind → GPtrArray of JsonObject */
  GPtrArray  *outbox;
  GHashTable *answers;  /* path prefix → body */
  GHashTable *cache;
  gboolean    online;
  guint       n_fetches;
};

static void anbu_test_case_store_iface_init (AnbuCaseStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AnbuTestCaseStore, anbu_test_case_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ANBU_TYPE_CASE_STORE, anbu_test_case_store_iface_init))

static GPtrArray *
records_of (AnbuTestCaseStore *self,
            const char        *kind)
{
  GPtrArray *list = g_hash_table_lookup (self->records, kind);

  if (list == NULL)
    {
      list = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
      g_hash_table_insert (self->records, g_strdup (kind), list);
    }
  return list;
}

static JsonObject *
find_record (AnbuTestCaseStore *self,
             const char        *kind,
             const char        *key,
             const char        *value)
{
  GPtrArray *list = records_of (self, kind);

  for (guint i = 0; i < list->len; i++)
    if (g_strcmp0 (json_object_get_string_member_with_default (list->pdata[i], key, NULL), value) == 0)
      return list->pdata[i];
  return NULL;
}

static void
list_records_async (AnbuCaseStore       *store,
                    const char          *kind,
                    const char          *household_id,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  AnbuTestCaseStore *self = ANBU_TEST_CASE_STORE (store);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GPtrArray *list = records_of (self, kind);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint i = 0; i < list->len; i++)
    if (household_id == NULL
        || g_strcmp0 (json_object_get_string_member_with_default (list->pdata[i], "household_id", NULL),
                      household_id) == 0)
      g_ptr_array_add (out, json_object_ref (list->pdata[i]));
  g_task_return_pointer (task, out, (GDestroyNotify) g_ptr_array_unref);
}

static GPtrArray *
list_records_finish (AnbuCaseStore  *store,
                     GAsyncResult   *result,
                     GError        **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static JsonObject *
copy_object (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) copy = NULL;

  json_node_set_object (node, object);
  copy = json_node_copy (node);
  return json_object_ref (json_node_get_object (copy));
}

/* What the replica does locally with a change before the server answers. */
static void
apply_locally (AnbuTestCaseStore *self,
               const char        *kind,
               JsonObject        *payload)
{
  if (g_str_equal (kind, "visit.create"))
    g_ptr_array_add (records_of (self, "visit"), copy_object (payload));
  else if (g_str_equal (kind, "contact.create"))
    g_ptr_array_add (records_of (self, "contact"), copy_object (payload));
  else if (g_str_equal (kind, "absence.create"))
    g_ptr_array_add (records_of (self, "absence"), copy_object (payload));
  else if (g_str_equal (kind, "alert.acknowledge"))
    {
      JsonObject *alert = find_record (self, "alert", "id", json_object_get_string_member (payload, "id"));

      if (alert != NULL)
        json_object_set_string_member (alert, "state", "acknowledged");
    }
  else if (g_str_equal (kind, "alert.resolve"))
    {
      JsonObject *alert = find_record (self, "alert", "id", json_object_get_string_member (payload, "id"));

      if (alert != NULL)
        {
          json_object_set_string_member (alert, "state", "resolved");
          json_object_set_string_member (alert, "resolution", json_object_get_string_member (payload, "resolution"));
          json_object_set_string_member (alert, "closed_at", json_object_get_string_member (payload, "at"));
        }
    }
  else if (g_str_equal (kind, "plug.install"))
    {
      JsonObject *plug = json_object_new ();

      json_object_set_string_member (plug, "serial", json_object_get_string_member (payload, "serial"));
      json_object_set_string_member (plug, "household_id", json_object_get_string_member (payload, "household_id"));
      json_object_set_string_member (plug, "appliance", json_object_get_string_member (payload, "appliance"));
      json_object_set_string_member (plug, "installed_at", json_object_get_string_member (payload, "installed_at"));
      json_object_set_string_member (plug, "state", "installed");
      g_ptr_array_add (records_of (self, "plug"), plug);
    }
  else if (g_str_equal (kind, "plug.remove"))
    {
      JsonObject *plug = find_record (self, "plug", "serial", json_object_get_string_member (payload, "serial"));

      if (plug != NULL)
        {
          json_object_set_string_member (plug, "state", "removed");
          json_object_set_string_member (plug, "removed_at", json_object_get_string_member (payload, "at"));
        }
    }
  else if (g_str_equal (kind, "household.close"))
    {
      JsonObject *h = find_record (self, "household", "id", json_object_get_string_member (payload, "id"));

      if (h != NULL)
        json_object_set_string_member (h, "status", "closed");
    }
}

static void
record_change_async (AnbuCaseStore       *store,
                     const char          *mutation_kind,
                     JsonObject          *payload,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  AnbuTestCaseStore *self = ANBU_TEST_CASE_STORE (store);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  JsonObject *entry = json_object_new ();

  json_object_set_string_member (entry, "kind", mutation_kind);
  json_object_set_object_member (entry, "payload", copy_object (payload));
  g_ptr_array_add (self->outbox, entry);
  apply_locally (self, mutation_kind, payload);
  g_task_return_pointer (task, g_uuid_string_random (), g_free);
  anbu_case_store_emit_changed (store);
}

static char *
record_change_finish (AnbuCaseStore  *store,
                      GAsyncResult   *result,
                      GError        **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fetch_async (AnbuCaseStore       *store,
             const char          *path,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  AnbuTestCaseStore *self = ANBU_TEST_CASE_STORE (store);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GHashTableIter iter;
  gpointer prefix, body;

  self->n_fetches++;
  if (!self->online)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, "offline");
      return;
    }
  g_hash_table_iter_init (&iter, self->answers);
  while (g_hash_table_iter_next (&iter, &prefix, &body))
    if (g_str_has_prefix (path, prefix))
      {
        g_task_return_pointer (task, g_bytes_new (body, strlen (body)), (GDestroyNotify) g_bytes_unref);
        return;
      }
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no answer for %s", path);
}

static GBytes *
fetch_finish (AnbuCaseStore  *store,
              GAsyncResult   *result,
              GError        **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *
dup_cached (AnbuCaseStore *store,
            const char    *name)
{
  return g_strdup (g_hash_table_lookup (ANBU_TEST_CASE_STORE (store)->cache, name));
}

static void
store_cached (AnbuCaseStore *store,
              const char    *name,
              const char    *value)
{
  g_hash_table_insert (ANBU_TEST_CASE_STORE (store)->cache, g_strdup (name), g_strdup (value));
}

static char *
dup_user_id (AnbuCaseStore *store)
{
  return g_strdup (ANBU_TEST_CASE_STORE (store)->user_id);
}

static void
anbu_test_case_store_iface_init (AnbuCaseStoreInterface *iface)
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
anbu_test_case_store_finalize (GObject *object)
{
  AnbuTestCaseStore *self = ANBU_TEST_CASE_STORE (object);

  g_free (self->user_id);
  g_hash_table_unref (self->records);
  g_ptr_array_unref (self->outbox);
  g_hash_table_unref (self->answers);
  g_hash_table_unref (self->cache);
  G_OBJECT_CLASS (anbu_test_case_store_parent_class)->finalize (object);
}

static void
anbu_test_case_store_class_init (AnbuTestCaseStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = anbu_test_case_store_finalize;
}

static void
anbu_test_case_store_init (AnbuTestCaseStore *self)
{
  self->records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->outbox = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  self->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->online = TRUE;
}

AnbuTestCaseStore *
anbu_test_case_store_new (const char *user_id)
{
  AnbuTestCaseStore *self = g_object_new (ANBU_TYPE_TEST_CASE_STORE, NULL);

  self->user_id = g_strdup (user_id);
  return self;
}

void
anbu_test_case_store_add_record (AnbuTestCaseStore *self,
                                 const char        *kind,
                                 const char        *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  g_ptr_array_add (records_of (self, kind), json_object_ref (json_node_get_object (json_parser_get_root (parser))));
}

GPtrArray *
anbu_test_case_store_get_outbox (AnbuTestCaseStore *self)
{
  return self->outbox;
}

void
anbu_test_case_store_set_online (AnbuTestCaseStore *self,
                                 gboolean           online)
{
  self->online = online;
}

void
anbu_test_case_store_set_answer (AnbuTestCaseStore *self,
                                 const char        *path_prefix,
                                 const char        *body)
{
  g_hash_table_insert (self->answers, g_strdup (path_prefix), g_strdup (body));
}

guint
anbu_test_case_store_get_n_fetches (AnbuTestCaseStore *self)
{
  return self->n_fetches;
}
