/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-replica"

#include "config.h"

#include "anbu-replica-private.h"

/* Reading the local copy for the UI. */

/* ---------------------------------------------------------------------- */
/* Reading for the UI                                                      */

typedef struct
{
  char *kind;
  char *id;
  char *household_id;
} QueryData;

static void
query_data_free (gpointer data)
{
  QueryData *query = data;

  g_free (query->kind);
  g_free (query->id);
  g_free (query->household_id);
  g_free (query);
}

static void
get_record_job (AnbuReplica *self,
                GTask       *task,
                gpointer     task_data)
{
  QueryData *query = task_data;
  GError *error = NULL;
  JsonObject *record = _anbu_replica_load_record (self, query->kind, query->id, NULL, NULL, &error);

  if (record == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, record, (GDestroyNotify) json_object_unref);
}

static void
list_records_job (AnbuReplica *self,
                  GTask       *task,
                  gpointer     task_data)
{
  QueryData *query = task_data;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  GError *error = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (query->household_id != NULL)
    {
      stmt = _anbu_replica_statement (self, "SELECT id, body FROM records WHERE kind = ? AND household_id = ? "
                                            "ORDER BY id", &error);
      if (stmt != NULL)
        _anbu_replica_bind_text (stmt, 2, query->household_id);
    }
  else
    stmt = _anbu_replica_statement (self, "SELECT id, body FROM records WHERE kind = ? ORDER BY id", &error);
  if (stmt == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  _anbu_replica_bind_text (stmt, 1, query->kind);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      g_autofree char *text = _anbu_replica_decrypt_column (self, stmt, 1, query->kind, id, &error);
      JsonObject *record = text ? _anbu_replica_parse_object (text, &error) : NULL;

      if (record == NULL)
        {
          sqlite3_reset (stmt);
          g_task_return_error (task, error);
          return;
        }
      g_ptr_array_add (records, record);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _anbu_replica_set_sqlite_error (self, &error, rc);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&records), (GDestroyNotify) g_ptr_array_unref);
}

static void
count_records_job (AnbuReplica *self,
                   GTask       *task,
                   gpointer     task_data)
{
  QueryData *query = task_data;
  GError *error = NULL;
  sqlite3_stmt *stmt = _anbu_replica_statement (self, "SELECT count(*) FROM records WHERE kind = ?", &error);
  gint64 count = 0;
  int rc;

  if (stmt == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  _anbu_replica_bind_text (stmt, 1, query->kind);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      _anbu_replica_set_sqlite_error (self, &error, rc);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_int (task, count);
}

static void
list_outbox_job (AnbuReplica *self,
                 GTask       *task,
                 gpointer     task_data)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);
  GError *error = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = _anbu_replica_statement (self, "SELECT seq, id, kind, household_id, state, created_at, reason_code, "
                                        "reason_field, payload, reason FROM outbox ORDER BY seq", &error);
  if (stmt == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 1);
      g_autofree char *payload = _anbu_replica_decrypt_column (self, stmt, 8, "outbox", id, &error);
      g_autofree char *reason = NULL;
      g_autoptr(JsonObject) reason_object = NULL;
      AnbuOutboxState state = ANBU_OUTBOX_STATE_PENDING;

      if (payload != NULL && sqlite3_column_type (stmt, 9) == SQLITE_BLOB)
        {
          reason = _anbu_replica_decrypt_column (self, stmt, 9, "reason", id, &error);
          reason_object = reason ? _anbu_replica_parse_object (reason, &error) : NULL;
        }
      if (error != NULL)
        {
          sqlite3_reset (stmt);
          g_task_return_error (task, error);
          return;
        }
      anbu_outbox_state_from_string ((const char *) sqlite3_column_text (stmt, 4), &state);
      g_ptr_array_add (entries,
                       anbu_outbox_entry_new (sqlite3_column_int64 (stmt, 0), id,
                                              (const char *) sqlite3_column_text (stmt, 2),
                                              (const char *) sqlite3_column_text (stmt, 3),
                                              state, sqlite3_column_int64 (stmt, 5), payload,
                                              (const char *) sqlite3_column_text (stmt, 6),
                                              (const char *) sqlite3_column_text (stmt, 7),
                                              _anbu_replica_object_get_string (reason_object, "message")));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _anbu_replica_set_sqlite_error (self, &error, rc);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&entries), (GDestroyNotify) g_ptr_array_unref);
}

static void
list_conflicts_job (AnbuReplica *self,
                    GTask       *task,
                    gpointer     task_data)
{
  g_autoptr(GPtrArray) conflicts = g_ptr_array_new_with_free_func (g_object_unref);
  GError *error = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = _anbu_replica_statement (self, "SELECT c.mutation_id, c.field, c.household_id, c.server_version, c.body "
                                        "FROM conflicts c LEFT JOIN outbox o ON o.id = c.mutation_id "
                                        "ORDER BY o.seq, c.field", &error);
  if (stmt == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *mutation_id = (const char *) sqlite3_column_text (stmt, 0);
      const char *field = (const char *) sqlite3_column_text (stmt, 1);
      g_autofree char *context = g_strconcat (mutation_id, "/", field, NULL);
      g_autofree char *text = _anbu_replica_decrypt_column (self, stmt, 4, "conflict", context, &error);
      g_autoptr(JsonObject) body = text ? _anbu_replica_parse_object (text, &error) : NULL;
      g_autofree char *mine = NULL;
      g_autofree char *theirs = NULL;

      if (body == NULL)
        {
          sqlite3_reset (stmt);
          g_task_return_error (task, error);
          return;
        }
      mine = json_to_string (json_object_get_member (body, "mine"), FALSE);
      theirs = json_to_string (json_object_get_member (body, "theirs"), FALSE);
      g_ptr_array_add (conflicts,
                       anbu_conflict_new (mutation_id, (const char *) sqlite3_column_text (stmt, 2),
                                          field, mine, theirs, sqlite3_column_int64 (stmt, 3)));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _anbu_replica_set_sqlite_error (self, &error, rc);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&conflicts), (GDestroyNotify) g_ptr_array_unref);
}

/* ---------------------------------------------------------------------- */
/* Public API                                                              */

void
anbu_replica_get_record_async (AnbuReplica         *self,
                               const char          *kind,
                               const char          *id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  QueryData *query = g_new0 (QueryData, 1);

  g_return_if_fail (ANBU_IS_REPLICA (self));

  query->kind = g_strdup (kind);
  query->id = g_strdup (id);
  task = _anbu_replica_new_task (self, cancellable, callback, user_data, anbu_replica_get_record_async,
                                 query, query_data_free);
  _anbu_replica_run_job (self, task, get_record_job);
}

/**
 * anbu_replica_get_record_finish:
 *
 * Returns: (transfer full): the record, as in docs/api.md
 */
JsonObject *
anbu_replica_get_record_finish (AnbuReplica   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * anbu_replica_list_records_async:
 * @household_id: (nullable): only the records of this household
 */
void
anbu_replica_list_records_async (AnbuReplica         *self,
                                 const char          *kind,
                                 const char          *household_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  QueryData *query = g_new0 (QueryData, 1);

  g_return_if_fail (ANBU_IS_REPLICA (self));

  query->kind = g_strdup (kind);
  query->household_id = g_strdup (household_id);
  task = _anbu_replica_new_task (self, cancellable, callback, user_data, anbu_replica_list_records_async,
                                 query, query_data_free);
  _anbu_replica_run_job (self, task, list_records_job);
}

/**
 * anbu_replica_list_records_finish:
 *
 * Returns: (transfer full) (element-type JsonObject): the records
 */
GPtrArray *
anbu_replica_list_records_finish (AnbuReplica   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
anbu_replica_count_records_async (AnbuReplica         *self,
                                  const char          *kind,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  QueryData *query = g_new0 (QueryData, 1);

  g_return_if_fail (ANBU_IS_REPLICA (self));

  query->kind = g_strdup (kind);
  task = _anbu_replica_new_task (self, cancellable, callback, user_data, anbu_replica_count_records_async,
                                 query, query_data_free);
  _anbu_replica_run_job (self, task, count_records_job);
}

gint64
anbu_replica_count_records_finish (AnbuReplica   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

void
anbu_replica_list_outbox_async (AnbuReplica         *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ANBU_IS_REPLICA (self));

  task = _anbu_replica_new_task (self, cancellable, callback, user_data, anbu_replica_list_outbox_async,
                                 NULL, NULL);
  _anbu_replica_run_job (self, task, list_outbox_job);
}

/**
 * anbu_replica_list_outbox_finish:
 *
 * Returns: (transfer full) (element-type AnbuOutboxEntry): every entry, in order
 */
GPtrArray *
anbu_replica_list_outbox_finish (AnbuReplica   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
anbu_replica_list_conflicts_async (AnbuReplica         *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ANBU_IS_REPLICA (self));

  task = _anbu_replica_new_task (self, cancellable, callback, user_data, anbu_replica_list_conflicts_async,
                                 NULL, NULL);
  _anbu_replica_run_job (self, task, list_conflicts_job);
}

/**
 * anbu_replica_list_conflicts_finish:
 *
 * Returns: (transfer full) (element-type AnbuConflict): open conflicts
 */
GPtrArray *
anbu_replica_list_conflicts_finish (AnbuReplica   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
