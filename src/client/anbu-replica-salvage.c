/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-replica"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "anbu-replica-private.h"

/* Rebuild: read what can be read from the damaged file (the key, the
 * outbox, its conflicts, the secrets), write it into a fresh file beside
 * it, and swap the files. The records come back with the next pull. */

typedef struct
{
  gint64  seq;
  char   *id;
  char   *kind;
  char   *household_id;
  char   *state;
  gint64  created_at;
  char   *reason_code;
  char   *reason_field;
  char   *payload;
  char   *reason;
} SalvagedEntry;

static void
salvaged_entry_free (gpointer data)
{
  SalvagedEntry *entry = data;

  g_free (entry->id);
  g_free (entry->kind);
  g_free (entry->household_id);
  g_free (entry->state);
  g_free (entry->reason_code);
  g_free (entry->reason_field);
  g_free (entry->payload);
  g_free (entry->reason);
  g_free (entry);
}

typedef struct
{
  char   *mutation_id;
  char   *field;
  char   *household_id;
  gint64  server_version;
  char   *body;
} SalvagedConflict;

static void
salvaged_conflict_free (gpointer data)
{
  SalvagedConflict *conflict = data;

  g_free (conflict->mutation_id);
  g_free (conflict->field);
  g_free (conflict->household_id);
  g_free (conflict->body);
  g_free (conflict);
}

static void
salvage (AnbuReplica *self,
         OpenData    *open,
         GPtrArray   *entries,
         GPtrArray   *conflicts,
         GHashTable  *secrets,
         GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt;
  gint64 count = 0;
  int rc;

  if (!_anbu_replica_open_connection (self, self->path, SQLITE_OPEN_READONLY, NULL))
    return;

  /* How many entries there were, if even that is readable. */
  if (sqlite3_prepare_v2 (self->db, "SELECT count(*) FROM outbox", -1, &stmt, NULL) == SQLITE_OK)
    {
      if (sqlite3_step (stmt) == SQLITE_ROW)
        count = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
    }

  if (!_anbu_replica_unlock_with_password (self, open->password, &local_error))
    {
      if (g_error_matches (local_error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_WRONG_PASSWORD))
        g_propagate_error (error, g_steal_pointer (&local_error));
      open->n_lost = (guint) count;
      return;
    }

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT seq, id, kind, household_id, state, created_at, reason_code, "
                          "reason_field, payload, reason FROM outbox ORDER BY seq",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          SalvagedEntry *entry = g_new0 (SalvagedEntry, 1);

          entry->seq = sqlite3_column_int64 (stmt, 0);
          entry->id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          entry->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
          entry->household_id = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
          entry->state = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
          entry->created_at = sqlite3_column_int64 (stmt, 5);
          entry->reason_code = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
          entry->reason_field = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
          if (entry->id != NULL)
            entry->payload = _anbu_replica_decrypt_column (self, stmt, 8, "outbox", entry->id, NULL);
          if (entry->id != NULL && sqlite3_column_type (stmt, 9) == SQLITE_BLOB)
            entry->reason = _anbu_replica_decrypt_column (self, stmt, 9, "reason", entry->id, NULL);
          if (entry->payload == NULL || entry->kind == NULL || entry->state == NULL)
            salvaged_entry_free (entry);
          else
            g_ptr_array_add (entries, entry);
        }
      sqlite3_finalize (stmt);
    }
  open->n_salvaged = entries->len;
  open->n_lost = count > entries->len ? (guint) (count - entries->len) : 0;

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT mutation_id, field, household_id, server_version, body "
                          "FROM conflicts", -1, &stmt, NULL) == SQLITE_OK)
    {
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          SalvagedConflict *conflict = g_new0 (SalvagedConflict, 1);
          g_autofree char *context = NULL;

          conflict->mutation_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          conflict->field = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          conflict->household_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
          conflict->server_version = sqlite3_column_int64 (stmt, 3);
          context = g_strconcat (conflict->mutation_id, "/", conflict->field, NULL);
          if (conflict->mutation_id && conflict->field && conflict->household_id)
            conflict->body = _anbu_replica_decrypt_column (self, stmt, 4, "conflict", context, NULL);
          if (conflict->body == NULL)
            salvaged_conflict_free (conflict);
          else
            g_ptr_array_add (conflicts, conflict);
        }
      sqlite3_finalize (stmt);
    }

  if (sqlite3_prepare_v2 (self->db, "SELECT name, value FROM secrets", -1, &stmt, NULL) == SQLITE_OK)
    {
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          const char *name = (const char *) sqlite3_column_text (stmt, 0);
          char *value = name ? _anbu_replica_decrypt_column (self, stmt, 1, "secret", name, NULL) : NULL;

          if (value != NULL)
            g_hash_table_insert (secrets, g_strdup (name), value);
        }
      sqlite3_finalize (stmt);
    }

  if (sqlite3_prepare_v2 (self->db, "SELECT key, value FROM meta WHERE key NOT IN "
                          "('wrapped_key', 'cursor', 'last_sync')", -1, &stmt, NULL) == SQLITE_OK)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      GStrv salvaged_meta;

      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
          g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 1));
        }
      sqlite3_finalize (stmt);
      salvaged_meta = g_strv_builder_end (builder);
      /* What the caller knows stays when the file no longer says it. */
      if (salvaged_meta[0] != NULL)
        {
          g_strfreev (open->plain_meta);
          open->plain_meta = salvaged_meta;
        }
      else
        g_strfreev (salvaged_meta);
    }
}

static gboolean
write_salvage (AnbuReplica  *self,
               OpenData     *open,
               GPtrArray    *entries,
               GPtrArray    *conflicts,
               GHashTable   *secrets,
               GError      **error)
{
  GHashTableIter iter;
  gpointer name, value;

  if (!_anbu_replica_initialise_new (self, open, error))
    return FALSE;

  for (guint i = 0; i < entries->len; i++)
    {
      SalvagedEntry *entry = g_ptr_array_index (entries, i);
      sqlite3_stmt *stmt;
      const char *state = entry->state;
      gsize len = 0;
      guint8 *blob;

      /* Whether a "sent" entry arrived is unknown: resending is harmless. */
      if (g_strcmp0 (state, "sent") == 0)
        state = "pending";

      stmt = _anbu_replica_statement (self, "INSERT INTO outbox (seq, id, kind, household_id, state, created_at, "
                                            "reason_code, reason_field, payload, reason) "
                                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, entry->seq);
      _anbu_replica_bind_text (stmt, 2, entry->id);
      _anbu_replica_bind_text (stmt, 3, entry->kind);
      _anbu_replica_bind_text (stmt, 4, entry->household_id);
      _anbu_replica_bind_text (stmt, 5, state);
      sqlite3_bind_int64 (stmt, 6, entry->created_at);
      _anbu_replica_bind_text (stmt, 7, entry->reason_code);
      _anbu_replica_bind_text (stmt, 8, entry->reason_field);
      blob = _anbu_replica_encrypt_text (self, entry->payload, "outbox", entry->id, &len);
      _anbu_replica_bind_blob_take (stmt, 9, blob, len);
      if (entry->reason != NULL)
        {
          blob = _anbu_replica_encrypt_text (self, entry->reason, "reason", entry->id, &len);
          _anbu_replica_bind_blob_take (stmt, 10, blob, len);
        }
      if (!_anbu_replica_step_done (self, stmt, error))
        return FALSE;
    }

  for (guint i = 0; i < conflicts->len; i++)
    {
      SalvagedConflict *conflict = g_ptr_array_index (conflicts, i);
      g_autofree char *context = g_strconcat (conflict->mutation_id, "/", conflict->field, NULL);
      sqlite3_stmt *stmt;
      gsize len = 0;
      guint8 *blob;

      stmt = _anbu_replica_statement (self, "INSERT OR IGNORE INTO conflicts (mutation_id, field, household_id, "
                                            "server_version, body) VALUES (?, ?, ?, ?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      _anbu_replica_bind_text (stmt, 1, conflict->mutation_id);
      _anbu_replica_bind_text (stmt, 2, conflict->field);
      _anbu_replica_bind_text (stmt, 3, conflict->household_id);
      sqlite3_bind_int64 (stmt, 4, conflict->server_version);
      blob = _anbu_replica_encrypt_text (self, conflict->body, "conflict", context, &len);
      _anbu_replica_bind_blob_take (stmt, 5, blob, len);
      if (!_anbu_replica_step_done (self, stmt, error))
        return FALSE;
    }

  g_hash_table_iter_init (&iter, secrets);
  while (g_hash_table_iter_next (&iter, &name, &value))
    if (!_anbu_replica_write_secret (self, name, value, error))
      return FALSE;
  return TRUE;
}

void
_anbu_replica_rebuild_job (AnbuReplica *self,
                           GTask       *task,
                           gpointer     task_data)
{
  OpenData *open = task_data;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (salvaged_entry_free);
  g_autoptr(GPtrArray) conflicts = g_ptr_array_new_with_free_func (salvaged_conflict_free);
  g_autoptr(GHashTable) secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *fresh = g_strconcat (self->path, ".rebuild", NULL);

  if (g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      salvage (self, open, entries, conflicts, secrets, &error);
      _anbu_replica_close_database (self);
      if (error != NULL)
        {
          g_clear_object (&self->keyring);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  g_unlink (fresh);
  _anbu_replica_remove_sidecars (fresh);
  /* The fresh file is written with a rollback journal and closed, so it is
   * whole in one file before it replaces the damaged one. */
  if (!_anbu_replica_open_connection (self, fresh, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &error)
      || !_anbu_replica_prepare_schema (self, FALSE, &error)
      || !_anbu_replica_begin (self, &error)
      || !write_salvage (self, open, entries, conflicts, secrets, &error)
      || !_anbu_replica_commit (self, &error))
    {
      _anbu_replica_rollback (self);
      _anbu_replica_close_database (self);
      g_unlink (fresh);
      g_clear_object (&self->keyring);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  _anbu_replica_close_database (self);

  _anbu_replica_remove_sidecars (self->path);
  if (g_rename (fresh, self->path) != 0)
    {
      int saved_errno = errno;

      g_clear_object (&self->keyring);
      g_task_return_new_error (task, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_FAILED,
                               _("The rebuilt local copy cannot be put in place (%s)"),
                               g_strerror (saved_errno));
      return;
    }

  if (!_anbu_replica_open_connection (self, self->path, SQLITE_OPEN_READWRITE, &error)
      || !_anbu_replica_prepare_schema (self, TRUE, &error)
      || !_anbu_replica_load_state (self, &error))
    {
      _anbu_replica_close_database (self);
      g_clear_object (&self->keyring);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}
