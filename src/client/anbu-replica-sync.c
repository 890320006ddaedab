/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-replica"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-clock.h"
#include "anbu-validate.h"
#include "anbu-record-json.h"
#include "anbu-replica-private.h"

/* Sync: applying pulled pages, preparing a push from the outbox and
 * applying the server's answers to it. */

/* ---------------------------------------------------------------------- */
/* Sync                                                                    */

typedef struct
{
  GBytes                    *body;
  GStrv                      ids;
  guint                      limit;
  gboolean                   has_more;
  guint                      n_changes;
  AnbuPushSummary            summary;
  gboolean                   check_since;
  char                      *since;
  AnbuReplicaPageParsedFunc  parsed_func;
  gpointer                   parsed_data;
} SyncData;

static void
sync_data_free (gpointer data)
{
  SyncData *sync = data;

  g_clear_pointer (&sync->body, g_bytes_unref);
  g_strfreev (sync->ids);
  g_free (sync->since);
  g_free (sync);
}

typedef struct
{
  AnbuReplicaPageParsedFunc  func;
  gpointer                   data;
  char                      *cursor;
  gboolean                   has_more;
} PageParsed;

static void
page_parsed_free (gpointer data)
{
  PageParsed *parsed = data;

  g_free (parsed->cursor);
  g_free (parsed);
}

static gboolean
emit_page_parsed (gpointer data)
{
  PageParsed *parsed = data;

  parsed->func (parsed->cursor, parsed->has_more, parsed->data);
  return G_SOURCE_REMOVE;
}

static void
set_bad_answer (GError    **error,
                const char *what)
{
  g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_INVALID,
               _("The server sent an answer that cannot be understood (%s)"), what);
}

static JsonNode *
parse_body (GBytes  *body,
            GError **error)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);
  g_autoptr(JsonNode) root = anbu_json_parse_document (data, (gssize) len, NULL);

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_bad_answer (error, "JSON");
      return NULL;
    }
  return g_steal_pointer (&root);
}

static gboolean
apply_pull (AnbuReplica  *self,
            SyncData     *sync,
            JsonObject   *root,
            guint        *kinds_changed,
            GError      **error)
{
  JsonNode *changes_node = json_object_get_member (root, "changes");
  const char *cursor = _anbu_replica_object_get_string (root, "cursor");
  JsonNode *has_more = json_object_get_member (root, "has_more");
  JsonArray *changes;
  guint n;

  if (changes_node == NULL || !JSON_NODE_HOLDS_ARRAY (changes_node) || cursor == NULL)
    {
      set_bad_answer (error, "changes");
      return FALSE;
    }

  /* A page applies only on top of the page it follows: pages fetched ahead
   * can never skip one that failed. */
  if (sync->check_since)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *stored = _anbu_replica_read_meta (self, "cursor", &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (g_strcmp0 (stored ? stored : "", sync->since ? sync->since : "") != 0)
        {
          g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_INVALID,
                       "A sync page does not follow the stored cursor");
          return FALSE;
        }
    }
  sync->has_more = has_more != NULL && JSON_NODE_HOLDS_VALUE (has_more)
                   && json_node_get_boolean (has_more);
  changes = json_node_get_array (changes_node);
  n = json_array_get_length (changes);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *change_node = json_array_get_element (changes, i);
      JsonObject *change;
      const char *kind, *op, *id;

      if (!JSON_NODE_HOLDS_OBJECT (change_node))
        {
          set_bad_answer (error, "change");
          return FALSE;
        }
      change = json_node_get_object (change_node);
      kind = _anbu_replica_object_get_string (change, "kind");
      op = _anbu_replica_object_get_string (change, "op");
      id = _anbu_replica_object_get_string (change, "id");
      if (kind == NULL || op == NULL || id == NULL)
        {
          set_bad_answer (error, "change");
          return FALSE;
        }
      if (_anbu_replica_record_kind_bit (kind) == 0)
        {
          g_debug ("Skipping a change of unknown kind %s", kind);
          continue;
        }
      if (g_str_equal (op, "upsert"))
        {
          if (!_anbu_replica_store_server_record (self, kind, id, json_object_get_member (change, "record"),
                                                  kinds_changed, error))
            return FALSE;
        }
      else if (g_str_equal (op, "remove"))
        {
          if (!_anbu_replica_remove_record (self, kind, id, kinds_changed, error))
            return FALSE;
        }
      else
        {
          set_bad_answer (error, "op");
          return FALSE;
        }
    }
  sync->n_changes = n;

  if (!_anbu_replica_write_meta (self, "cursor", cursor, error))
    return FALSE;
  if (!sync->has_more)
    {
      g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, anbu_clock_now_usec ());

      if (!_anbu_replica_write_meta (self, "last_sync", now, error))
        return FALSE;
    }
  return TRUE;
}

static void
apply_pull_job (AnbuReplica *self,
                GTask       *task,
                gpointer     task_data)
{
  SyncData *sync = task_data;
  g_autoptr(GError) error = NULL;
  gint64 started = g_get_monotonic_time ();
  g_autoptr(JsonNode) root = parse_body (sync->body, &error);
  gint64 parsed = g_get_monotonic_time ();
  gint64 applied = 0;
  guint kinds_changed = 0;

  /* Tell the engine where the next page starts before applying this one,
   * so it can fetch while this thread writes. */
  if (root != NULL && sync->parsed_func != NULL)
    {
      JsonObject *object = json_node_get_object (root);
      const char *cursor = _anbu_replica_object_get_string (object, "cursor");
      JsonNode *more = json_object_get_member (object, "has_more");

      if (cursor != NULL)
        {
          PageParsed *page = g_new0 (PageParsed, 1);

          page->func = sync->parsed_func;
          page->data = sync->parsed_data;
          page->cursor = g_strdup (cursor);
          page->has_more = more != NULL && JSON_NODE_HOLDS_VALUE (more)
                           && json_node_get_value_type (more) == G_TYPE_BOOLEAN
                           && json_node_get_boolean (more);
          _anbu_replica_run_on_context (g_task_get_context (task), emit_page_parsed, page, page_parsed_free);
        }
    }

  if (root == NULL
      || !_anbu_replica_begin (self, &error)
      || !apply_pull (self, sync, json_node_get_object (root), &kinds_changed, &error)
      || (applied = g_get_monotonic_time ()) == 0
      || !_anbu_replica_commit (self, &error))
    {
      _anbu_replica_rollback (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_debug ("Pulled page: %u changes, parsed in %.3f s, applied in %.3f s, committed in %.3f s",
           sync->n_changes, (parsed - started) / 1e6, (applied - parsed) / 1e6,
           (g_get_monotonic_time () - applied) / 1e6);

  g_mutex_lock (&self->lock);
  g_free (self->cursor);
  self->cursor = g_strdup (_anbu_replica_object_get_string (json_node_get_object (root), "cursor"));
  if (!sync->has_more)
    self->last_sync_usec = anbu_clock_now_usec ();
  g_mutex_unlock (&self->lock);

  _anbu_replica_publish (self, kinds_changed, FALSE);
  g_task_return_boolean (task, TRUE);
}

static void
prepare_push_job (AnbuReplica *self,
                  GTask       *task,
                  gpointer     task_data)
{
  SyncData *sync = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr(GString) body = g_string_new ("{\"mutations\":[");
  sqlite3_stmt *stmt;
  guint count = 0;
  int rc;

  if (!_anbu_replica_begin (self, &error))
    goto fail;
  stmt = _anbu_replica_statement (self, "SELECT id, kind, payload, created_at FROM outbox WHERE state IN ('pending', 'sent') "
                                        "ORDER BY seq LIMIT ?", &error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int (stmt, 1, (int) sync->limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      const char *kind = (const char *) sqlite3_column_text (stmt, 1);
      g_autofree char *payload = _anbu_replica_decrypt_column (self, stmt, 2, "outbox", id, &error);
      /* When the change was made: the server judges by it whether a planner
       * who lost the household to a caseload move was still responsible. */
      g_autofree char *created_at = anbu_timestamp_format (sqlite3_column_int64 (stmt, 3));
      g_autofree char *created_member = created_at != NULL
        ? g_strdup_printf ("\"created_at\":\"%s\",", created_at) : g_strdup ("");

      if (payload == NULL)
        {
          sqlite3_reset (stmt);
          goto fail;
        }
      /* ids are our UUIDs and kinds our fixed names: nothing to escape. */
      g_string_append_printf (body, "%s{\"id\":\"%s\",\"kind\":\"%s\",%s\"payload\":%s}",
                              count > 0 ? "," : "", id, kind, created_member, payload);
      g_strv_builder_add (ids, id);
      count++;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _anbu_replica_set_sqlite_error (self, &error, rc);
      goto fail;
    }
  g_string_append (body, "]}");

  if (count > 0)
    {
      stmt = _anbu_replica_statement (self, "UPDATE outbox SET state = 'sent', attempts = attempts + 1 "
                                            "WHERE state = 'pending' AND seq IN (SELECT seq FROM outbox "
                                            "WHERE state IN ('pending', 'sent') ORDER BY seq LIMIT ?)", &error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int (stmt, 1, (int) count);
      if (!_anbu_replica_step_done (self, stmt, &error))
        goto fail;
    }
  if (!_anbu_replica_commit (self, &error))
    goto fail;

  sync->ids = g_strv_builder_end (ids);
  g_task_return_pointer (task, g_string_free_to_bytes (g_steal_pointer (&body)),
                         (GDestroyNotify) g_bytes_unref);
  return;

fail:
  _anbu_replica_rollback (self);
  g_task_return_error (task, g_steal_pointer (&error));
}

/* Whether the household is in this replica: one a caseload move took away
 * (removed by a pull before the answer to a change about it came) gets no
 * records back from that answer. */
static gboolean
household_is_local (AnbuReplica  *self,
                    const char   *household_id,
                    gboolean     *local,
                    GError      **error)
{
  sqlite3_stmt *stmt = _anbu_replica_statement (self, "SELECT 1 FROM records WHERE kind = 'household' AND id = ?",
                                                error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  _anbu_replica_bind_text (stmt, 1, household_id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _anbu_replica_set_sqlite_error (self, error, rc);
      return FALSE;
    }
  *local = rc == SQLITE_ROW;
  return TRUE;
}

static const MutationKind *
load_outbox_entry (AnbuReplica  *self,
                   const char   *id,
                   JsonObject  **payload,
                   char        **household_id,
                   GError      **error)
{
  sqlite3_stmt *stmt = _anbu_replica_statement (self, "SELECT kind, payload, household_id FROM outbox "
                                                      "WHERE id = ?", error);
  const MutationKind *kind = NULL;
  g_autofree char *text = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  _anbu_replica_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      kind = _anbu_replica_find_mutation_kind ((const char *) sqlite3_column_text (stmt, 0));
      text = _anbu_replica_decrypt_column (self, stmt, 1, "outbox", id, error);
      *household_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
    }
  else if (rc != SQLITE_DONE)
    _anbu_replica_set_sqlite_error (self, error, rc);
  sqlite3_reset (stmt);
  if (text == NULL || (*payload = _anbu_replica_parse_object (text, error)) == NULL)
    return NULL;
  return kind;
}

static gboolean
delete_outbox_entry (AnbuReplica  *self,
                     const char   *id,
                     GError      **error)
{
  sqlite3_stmt *stmt = _anbu_replica_statement (self, "DELETE FROM outbox WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  _anbu_replica_bind_text (stmt, 1, id);
  return _anbu_replica_step_done (self, stmt, error);
}

static gboolean
store_conflicts (AnbuReplica  *self,
                 const char   *mutation_id,
                 const char   *household_id,
                 gint64        server_version,
                 JsonObject   *result,
                 GError      **error)
{
  JsonNode *conflicts_node = json_object_get_member (result, "conflicts");
  JsonArray *conflicts;

  if (conflicts_node == NULL || !JSON_NODE_HOLDS_ARRAY (conflicts_node))
    {
      set_bad_answer (error, "conflicts");
      return FALSE;
    }
  conflicts = json_node_get_array (conflicts_node);
  for (guint i = 0; i < json_array_get_length (conflicts); i++)
    {
      JsonNode *node = json_array_get_element (conflicts, i);
      JsonObject *conflict = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *field = _anbu_replica_object_get_string (conflict, "field");
      g_autoptr(JsonObject) body = json_object_new ();
      g_autofree char *context = NULL;
      g_autofree char *text = NULL;
      sqlite3_stmt *stmt;
      JsonNode *mine, *theirs;
      gsize len = 0;
      guint8 *blob;

      mine = conflict ? json_object_get_member (conflict, "mine") : NULL;
      theirs = conflict ? json_object_get_member (conflict, "theirs") : NULL;
      if (field == NULL || mine == NULL || theirs == NULL)
        {
          set_bad_answer (error, "conflicts");
          return FALSE;
        }
      json_object_set_member (body, "mine", json_node_copy (mine));
      json_object_set_member (body, "theirs", json_node_copy (theirs));
      text = _anbu_replica_object_to_string (body);
      context = g_strconcat (mutation_id, "/", field, NULL);

      stmt = _anbu_replica_statement (self, "INSERT INTO conflicts (mutation_id, field, household_id, "
                                            "server_version, body) VALUES (?, ?, ?, ?, ?) "
                                            "ON CONFLICT (mutation_id, field) DO UPDATE SET "
                                            "server_version = excluded.server_version, body = excluded.body",
                                      error);
      if (stmt == NULL)
        return FALSE;
      blob = _anbu_replica_encrypt_text (self, text, "conflict", context, &len);
      _anbu_replica_bind_text (stmt, 1, mutation_id);
      _anbu_replica_bind_text (stmt, 2, field);
      _anbu_replica_bind_text (stmt, 3, household_id);
      sqlite3_bind_int64 (stmt, 4, server_version);
      _anbu_replica_bind_blob_take (stmt, 5, blob, len);
      if (!_anbu_replica_step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
apply_one_result (AnbuReplica   *self,
                  const char    *id,
                  JsonObject    *result,
                  SyncData      *sync,
                  guint         *kinds_changed,
                  GError       **error)
{
  const char *status = _anbu_replica_object_get_string (result, "status");
  g_autoptr(JsonObject) payload = NULL;
  g_autofree char *household_id = NULL;
  const MutationKind *kind;
  JsonNode *record = json_object_get_member (result, "record");
  const char *record_id;

  kind = load_outbox_entry (self, id, &payload, &household_id, error);
  if (kind == NULL)
    return error == NULL || *error == NULL;  /* gone meanwhile: nothing to do */
  record_id = _anbu_replica_object_get_string (payload, kind->id_member);

  if (g_strcmp0 (status, "applied") == 0 || g_strcmp0 (status, "duplicate") == 0)
    {
      if (g_str_equal (status, "applied"))
        sync->summary.applied++;
      else
        sync->summary.duplicate++;
      if (!delete_outbox_entry (self, id, error))
        return FALSE;
      if (household_id != NULL && !g_str_equal (kind->record_kind, "household"))
        {
          gboolean local = TRUE;

          if (!household_is_local (self, household_id, &local, error))
            return FALSE;
          if (!local)
            return TRUE;
        }
      if (record != NULL && JSON_NODE_HOLDS_OBJECT (record) && record_id != NULL)
        return _anbu_replica_store_server_record (self, kind->record_kind, record_id, record, kinds_changed,
                                                  error);
      return TRUE;
    }

  if (g_strcmp0 (status, "conflict") == 0)
    {
      gint64 server_version = _anbu_replica_object_get_int (result, "version", -1);
      sqlite3_stmt *stmt;

      sync->summary.conflict++;
      if (server_version < 0 && record != NULL && JSON_NODE_HOLDS_OBJECT (record))
        server_version = _anbu_replica_object_get_int (json_node_get_object (record), "version", 0);
      if (server_version < 0)
        server_version = 0;
      /* The entry leaves the queue before the record is stored, so its
       * conflicting fields are not laid over the server's values. */
      stmt = _anbu_replica_statement (self, "UPDATE outbox SET state = 'conflict' WHERE id = ?", error);
      if (stmt == NULL)
        return FALSE;
      _anbu_replica_bind_text (stmt, 1, id);
      if (!_anbu_replica_step_done (self, stmt, error)
          || !store_conflicts (self, id, household_id, server_version, result, error))
        return FALSE;
      if (record != NULL && JSON_NODE_HOLDS_OBJECT (record) && record_id != NULL)
        return _anbu_replica_store_server_record (self, kind->record_kind, record_id, record, kinds_changed,
                                                  error);
      return TRUE;
    }

  if (g_strcmp0 (status, "rejected") == 0)
    {
      g_autoptr(JsonObject) reason = json_object_new ();
      g_autofree char *reason_text = NULL;
      sqlite3_stmt *stmt;
      gsize len = 0;
      guint8 *blob;

      sync->summary.rejected++;
      json_object_set_string_member (reason, "message",
                                     _anbu_replica_object_get_string (result, "message")
                                       ? _anbu_replica_object_get_string (result, "message") : "");
      reason_text = _anbu_replica_object_to_string (reason);
      stmt = _anbu_replica_statement (self, "UPDATE outbox SET state = 'rejected', reason_code = ?, "
                                            "reason_field = ?, reason = ? WHERE id = ?", error);
      if (stmt == NULL)
        return FALSE;
      blob = _anbu_replica_encrypt_text (self, reason_text, "reason", id, &len);
      _anbu_replica_bind_text (stmt, 1, _anbu_replica_object_get_string (result, "code") ? _anbu_replica_object_get_string (result, "code")
                                                                           : "rejected");
      _anbu_replica_bind_text (stmt, 2, _anbu_replica_object_get_string (result, "field"));
      _anbu_replica_bind_blob_take (stmt, 3, blob, len);
      _anbu_replica_bind_text (stmt, 4, id);
      if (!_anbu_replica_step_done (self, stmt, error))
        return FALSE;
      /* A record the server never accepted is not part of the caseload;
       * the refused entry keeps what the planner wrote. */
      if (g_str_has_suffix (kind->mutation, ".create") && record_id != NULL)
        return _anbu_replica_remove_record (self, kind->record_kind, record_id, kinds_changed, error);
      return TRUE;
    }

  set_bad_answer (error, "status");
  return FALSE;
}

static void
apply_push_job (AnbuReplica *self,
                GTask       *task,
                gpointer     task_data)
{
  SyncData *sync = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = parse_body (sync->body, &error);
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  JsonNode *results_node = NULL;
  JsonArray *results;
  guint kinds_changed = 0;

  if (root == NULL)
    goto fail;
  results_node = json_object_get_member (json_node_get_object (root), "results");
  if (results_node == NULL || !JSON_NODE_HOLDS_ARRAY (results_node))
    {
      set_bad_answer (&error, "results");
      goto fail;
    }
  results = json_node_get_array (results_node);
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonNode *node = json_array_get_element (results, i);
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (node)
          || (id = _anbu_replica_object_get_string (json_node_get_object (node), "id")) == NULL)
        {
          set_bad_answer (&error, "result");
          goto fail;
        }
      g_hash_table_insert (by_id, (gpointer) id, json_node_get_object (node));
    }

  if (!_anbu_replica_begin (self, &error))
    goto fail;
  for (guint i = 0; sync->ids && sync->ids[i]; i++)
    {
      JsonObject *result = g_hash_table_lookup (by_id, sync->ids[i]);

      if (result == NULL)
        {
          sync->summary.unanswered++;
          continue;
        }
      if (!apply_one_result (self, sync->ids[i], result, sync, &kinds_changed, &error))
        goto fail;
    }
  if (!_anbu_replica_commit (self, &error))
    goto fail;

  _anbu_replica_publish (self, kinds_changed, TRUE);
  g_task_return_boolean (task, TRUE);
  return;

fail:
  _anbu_replica_rollback (self);
  g_task_return_error (task, g_steal_pointer (&error));
}

/* ---------------------------------------------------------------------- */
/* Public API                                                              */

/**
 * anbu_replica_apply_pull_async:
 * @body: one page of GET /api/v1/sync, as received
 *
 * Parses and applies the page and stores its cursor, in one transaction.
 */
void
anbu_replica_apply_pull_async (AnbuReplica         *self,
                               GBytes              *body,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SyncData *sync = g_new0 (SyncData, 1);

  g_return_if_fail (ANBU_IS_REPLICA (self));
  g_return_if_fail (body != NULL);

  sync->body = g_bytes_ref (body);
  task = _anbu_replica_new_task (self, cancellable, callback, user_data, anbu_replica_apply_pull_async,
                                 sync, sync_data_free);
  _anbu_replica_run_job (self, task, apply_pull_job);
}

/**
 * anbu_replica_apply_pull_page_async:
 * @since: (nullable): the cursor the page was requested with; the page is
 *   refused unless it is still the stored cursor
 * @parsed_func: (nullable): called on the caller's context as soon as the
 *   page is parsed, with its cursor and has_more, before it is applied
 *   (and before @callback); @parsed_data must live until @callback
 *
 * As anbu_replica_apply_pull_async(), for fetching the next page while
 * this one is written.
 */
void
anbu_replica_apply_pull_page_async (AnbuReplica               *self,
                                    const char                *since,
                                    GBytes                    *body,
                                    AnbuReplicaPageParsedFunc  parsed_func,
                                    gpointer                   parsed_data,
                                    GCancellable              *cancellable,
                                    GAsyncReadyCallback        callback,
                                    gpointer                   user_data)
{
  g_autoptr(GTask) task = NULL;
  SyncData *sync = g_new0 (SyncData, 1);

  g_return_if_fail (ANBU_IS_REPLICA (self));
  g_return_if_fail (body != NULL);

  sync->body = g_bytes_ref (body);
  sync->check_since = TRUE;
  sync->since = g_strdup (since);
  sync->parsed_func = parsed_func;
  sync->parsed_data = parsed_data;
  task = _anbu_replica_new_task (self, cancellable, callback, user_data, anbu_replica_apply_pull_async,
                                 sync, sync_data_free);
  _anbu_replica_run_job (self, task, apply_pull_job);
}

gboolean
anbu_replica_apply_pull_finish (AnbuReplica   *self,
                                GAsyncResult  *result,
                                gboolean      *has_more,
                                guint         *n_changes,
                                GError       **error)
{
  SyncData *sync;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  sync = g_task_get_task_data (G_TASK (result));
  if (has_more)
    *has_more = sync->has_more;
  if (n_changes)
    *n_changes = sync->n_changes;
  return TRUE;
}

/**
 * anbu_replica_prepare_push_async:
 *
 * Takes up to @limit unconfirmed outbox entries, oldest first, marks them
 * sent and returns the body of POST /api/v1/mutations (empty list if none).
 */
void
anbu_replica_prepare_push_async (AnbuReplica         *self,
                                 guint                limit,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SyncData *sync = g_new0 (SyncData, 1);

  g_return_if_fail (ANBU_IS_REPLICA (self));
  g_return_if_fail (limit > 0);

  sync->limit = limit;
  task = _anbu_replica_new_task (self, cancellable, callback, user_data, anbu_replica_prepare_push_async,
                                 sync, sync_data_free);
  _anbu_replica_run_job (self, task, prepare_push_job);
}

/**
 * anbu_replica_prepare_push_finish:
 * @mutation_ids: (out) (transfer full): the ids in the body, in order
 *
 * Returns: (transfer full): the request body
 */
GBytes *
anbu_replica_prepare_push_finish (AnbuReplica   *self,
                                  GAsyncResult  *result,
                                  GStrv         *mutation_ids,
                                  GError       **error)
{
  SyncData *sync;
  GBytes *body;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  body = g_task_propagate_pointer (G_TASK (result), error);
  if (body == NULL)
    return NULL;
  sync = g_task_get_task_data (G_TASK (result));
  if (mutation_ids)
    *mutation_ids = g_steal_pointer (&sync->ids);
  return body;
}

/**
 * anbu_replica_apply_push_async:
 * @mutation_ids: the ids that were sent
 * @response: the body of the 200 answer
 *
 * Stores the answer: applied and duplicate entries leave the outbox (with
 * the server's record), conflicts are kept with both values, rejections
 * with their reason. Entries without an answer stay queued.
 */
void
anbu_replica_apply_push_async (AnbuReplica         *self,
                               const char *const   *mutation_ids,
                               GBytes              *response,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SyncData *sync = g_new0 (SyncData, 1);

  g_return_if_fail (ANBU_IS_REPLICA (self));
  g_return_if_fail (response != NULL);

  sync->ids = g_strdupv ((GStrv) mutation_ids);
  sync->body = g_bytes_ref (response);
  task = _anbu_replica_new_task (self, cancellable, callback, user_data, anbu_replica_apply_push_async,
                                 sync, sync_data_free);
  _anbu_replica_run_job (self, task, apply_push_job);
}

gboolean
anbu_replica_apply_push_finish (AnbuReplica      *self,
                                GAsyncResult     *result,
                                AnbuPushSummary  *summary,
                                GError          **error)
{
  SyncData *sync;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  sync = g_task_get_task_data (G_TASK (result));
  if (summary)
    *summary = sync->summary;
  return TRUE;
}
