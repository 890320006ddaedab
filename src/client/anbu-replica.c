/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-replica"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "anbu-enums.h"
#include "anbu-keyring.h"
#include "anbu-migrations.h"
#include "anbu-record-json.h"
#include "anbu-replica-private.h"

/* The planner's encrypted local copy of their caseload, and the outbox of
 * their changes. One SQLite connection lives on one worker thread, fed by
 * GTasks (as in Atrebas' store): no SQLite work on the GTK main thread.
 * This file holds the object, opening, the worker, meta and secrets; the
 * rest is in anbu-replica-*.c behind anbu-replica-private.h.
 *
 * At rest, only what sync needs is plain: kinds, ids, household ids,
 * versions, the cursor, outbox order and states, rejection codes and field
 * names. Every record body, outbox payload, conflict value, rejection
 * message and secret (the token) is an XChaCha20-Poly1305 blob under the data
 * key, bound to its row ("household/ID") so blobs cannot be swapped. */

G_DEFINE_TYPE (AnbuReplica, anbu_replica, G_TYPE_OBJECT)

G_DEFINE_QUARK (anbu-replica-error-quark, anbu_replica_error)

enum {
  PROP_0,
  PROP_PATH,
  PROP_PENDING_COUNT,
  PROP_CONFLICT_COUNT,
  PROP_REJECTION_COUNT,
  PROP_LAST_SYNC,
  N_PROPS
};

enum {
  RECORDS_CHANGED,
  OUTBOX_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const MutationKind mutation_kinds[] = {
  { "household.create", "household", "id" },
  { "household.update", "household", "id" },
  { "household.close", "household", "id" },
  { "plug.install", "plug", "serial" },
  { "plug.replace", "plug", "new_serial" },
  { "plug.remove", "plug", "serial" },
  { "visit.create", "visit", "id" },
  { "contact.create", "contact", "id" },
  { "absence.create", "absence", "id" },
  { "alert.acknowledge", "alert", "id" },
  { "alert.resolve", "alert", "id" },
  { "plug.mark", "plug", "serial" },
  { "alert.claim", "alert", "id" },
};

static const AnbuMigration migrations[] = {
  { 1,
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE records ("
    "  kind TEXT NOT NULL,"
    "  id TEXT NOT NULL,"
    "  household_id TEXT,"
    "  version INTEGER NOT NULL DEFAULT 0,"
    "  body BLOB NOT NULL,"
    "  UNIQUE (kind, id));"
    "CREATE INDEX records_by_household ON records (household_id);"
    "CREATE TABLE outbox ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  id TEXT NOT NULL UNIQUE,"
    "  kind TEXT NOT NULL,"
    "  household_id TEXT,"
    "  state TEXT NOT NULL DEFAULT 'pending',"
    "  created_at INTEGER NOT NULL,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  reason_code TEXT,"
    "  reason_field TEXT,"
    "  payload BLOB NOT NULL,"
    "  reason BLOB);"
    "CREATE INDEX outbox_by_household ON outbox (household_id, state);"
    "CREATE TABLE conflicts ("
    "  mutation_id TEXT NOT NULL,"
    "  field TEXT NOT NULL,"
    "  household_id TEXT NOT NULL,"
    "  server_version INTEGER NOT NULL,"
    "  body BLOB NOT NULL,"
    "  PRIMARY KEY (mutation_id, field)) WITHOUT ROWID;" },
};

/* ---------------------------------------------------------------------- */
/* Small helpers                                                           */

guint
_anbu_replica_record_kind_bit (const char *kind)
{
  AnbuRecordKind record_kind;

  if (!anbu_record_kind_from_string (kind, &record_kind))
    return 0;
  return 1u << record_kind;
}

const MutationKind *
_anbu_replica_find_mutation_kind (const char *mutation)
{
  for (guint i = 0; i < G_N_ELEMENTS (mutation_kinds); i++)
    if (g_strcmp0 (mutation, mutation_kinds[i].mutation) == 0)
      return &mutation_kinds[i];
  return NULL;
}

void
_anbu_replica_set_sqlite_error (AnbuReplica  *self,
                                GError      **error,
                                int           rc)
{
  int primary = rc & 0xff;

  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
    g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_CORRUPT,
                 _("The local copy of the caseload is damaged (%s)"),
                 self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
  else if (primary == SQLITE_FULL)
    g_set_error_literal (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_DISK_FULL,
                         _("This computer's disk is full, so nothing was saved"));
  else
    g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_FAILED,
                 _("The local copy of the caseload cannot be written (%s)"),
                 self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
}

void
_anbu_replica_set_damaged_error (GError **error)
{
  g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_CORRUPT,
               _("The local copy of the caseload is damaged and cannot be decrypted"));
}

sqlite3_stmt *
_anbu_replica_statement (AnbuReplica  *self,
                         const char   *sql,
                         GError      **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _anbu_replica_set_sqlite_error (self, error, rc);
      return NULL;
    }
  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

static gboolean
exec (AnbuReplica  *self,
      const char   *sql,
      GError      **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _anbu_replica_set_sqlite_error (self, error, rc);
      return FALSE;
    }
  return TRUE;
}

gboolean
_anbu_replica_step_done (AnbuReplica   *self,
                         sqlite3_stmt  *stmt,
                         GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      _anbu_replica_set_sqlite_error (self, error, rc);
      return FALSE;
    }
  return TRUE;
}

void
_anbu_replica_bind_text (sqlite3_stmt *stmt,
                         int           index,
                         const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

void
_anbu_replica_bind_blob_take (sqlite3_stmt *stmt,
                              int           index,
                              guint8       *blob,
                              gsize         len)
{
  sqlite3_bind_blob64 (stmt, index, blob, len, g_free);
}

guint8 *
_anbu_replica_encrypt_text (AnbuReplica *self,
                            const char  *text,
                            const char  *kind,
                            const char  *id,
                            gsize       *out_len)
{
  g_autofree char *context = g_strconcat (kind, "/", id, NULL);

  return anbu_keyring_encrypt (self->keyring, text, strlen (text), context, out_len);
}

char *
_anbu_replica_decrypt_column (AnbuReplica   *self,
                              sqlite3_stmt  *stmt,
                              int            column,
                              const char    *kind,
                              const char    *id,
                              GError       **error)
{
  g_autofree char *context = g_strconcat (kind, "/", id, NULL);
  const void *blob = sqlite3_column_blob (stmt, column);
  gsize len = (gsize) sqlite3_column_bytes (stmt, column);
  guint8 *plain;

  plain = anbu_keyring_decrypt (self->keyring, blob, len, context, NULL, NULL);
  if (plain == NULL)
    _anbu_replica_set_damaged_error (error);
  return (char *) plain;
}

JsonObject *
_anbu_replica_parse_object (const char  *text,
                            GError     **error)
{
  /* A damaged file may hold anything. */
  JsonObject *object = anbu_json_parse_object (text, -1, NULL);

  if (object == NULL)
    _anbu_replica_set_damaged_error (error);
  return object;
}

char *
_anbu_replica_object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  return json_to_string (node, FALSE);
}

const char *
_anbu_replica_object_get_string (JsonObject *object,
                                 const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
_anbu_replica_object_get_int (JsonObject *object,
                              const char *member,
                              gint64      fallback)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (node);
}

void
_anbu_replica_set_invalid (GError    **error,
                           const char *what)
{
  g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_INVALID,
               _("The change is incomplete: %s is missing or wrong"), what);
}

/* ---------------------------------------------------------------------- */
/* Publishing state to the main thread                                     */

/* Always through an idle source: g_main_context_invoke() would run the
 * function right here on the worker when nobody iterates the context. */
void
_anbu_replica_run_on_context (GMainContext   *context,
                              GSourceFunc     func,
                              gpointer        data,
                              GDestroyNotify  notify)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, notify);
  g_source_set_static_name (source, "[anbu-replica] main thread");
  g_source_attach (source, context);
}

typedef struct
{
  AnbuReplica *self;
  guint        kinds;
  gboolean     outbox;
} Emission;

static void
emission_free (gpointer data)
{
  Emission *emission = data;

  g_object_unref (emission->self);
  g_free (emission);
}

static gboolean
emit_changes (gpointer data)
{
  Emission *emission = data;
  AnbuReplica *self = emission->self;
  guint counts[4];
  gint64 last_sync;

  g_mutex_lock (&self->lock);
  memcpy (counts, self->state_counts, sizeof counts);
  last_sync = self->last_sync_usec;
  g_mutex_unlock (&self->lock);

  g_object_freeze_notify (G_OBJECT (self));
  if (counts[ANBU_OUTBOX_STATE_PENDING] + counts[ANBU_OUTBOX_STATE_SENT]
      != self->notified_counts[ANBU_OUTBOX_STATE_PENDING]
         + self->notified_counts[ANBU_OUTBOX_STATE_SENT])
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING_COUNT]);
  if (counts[ANBU_OUTBOX_STATE_CONFLICT] != self->notified_counts[ANBU_OUTBOX_STATE_CONFLICT])
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFLICT_COUNT]);
  if (counts[ANBU_OUTBOX_STATE_REJECTED] != self->notified_counts[ANBU_OUTBOX_STATE_REJECTED])
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REJECTION_COUNT]);
  if (last_sync != self->notified_last_sync)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
  memcpy (self->notified_counts, counts, sizeof counts);
  self->notified_last_sync = last_sync;
  g_object_thaw_notify (G_OBJECT (self));

  for (guint i = 0; i < ANBU_RECORD_N_KINDS; i++)
    if (emission->kinds & (1u << i))
      g_signal_emit (self, signals[RECORDS_CHANGED], 0, anbu_record_kind_to_string (i));
  if (emission->outbox)
    g_signal_emit (self, signals[OUTBOX_CHANGED], 0);

  return G_SOURCE_REMOVE;
}

static gboolean
refresh_counts (AnbuReplica  *self,
                GError      **error)
{
  sqlite3_stmt *stmt = _anbu_replica_statement (self, "SELECT state, count(*) FROM outbox GROUP BY state", error);
  guint counts[4] = { 0, };
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AnbuOutboxState state;

      if (anbu_outbox_state_from_string ((const char *) sqlite3_column_text (stmt, 0), &state))
        counts[state] = (guint) sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _anbu_replica_set_sqlite_error (self, error, rc);
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  memcpy (self->state_counts, counts, sizeof counts);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

/* Worker: after a commit, tell the main thread what changed. */
void
_anbu_replica_publish (AnbuReplica *self,
                       guint        kinds,
                       gboolean     outbox)
{
  Emission *emission;

  if (outbox)
    refresh_counts (self, NULL);
  emission = g_new0 (Emission, 1);
  emission->self = g_object_ref (self);
  emission->kinds = kinds;
  emission->outbox = outbox;
  _anbu_replica_run_on_context (self->context, emit_changes, emission, emission_free);
}

/* ---------------------------------------------------------------------- */
/* The worker                                                              */

static gboolean
drop_task (gpointer data)
{
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

void
_anbu_replica_close_database (AnbuReplica *self)
{
  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    {
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }
}

static void
worker_run (gpointer data,
            gpointer user_data)
{
  AnbuReplica *self = user_data;
  Job *job = data;
  GTask *task = job->task;

  if (job->func == NULL)
    {
      _anbu_replica_close_database (self);
      g_free (job);
      return;
    }

  if (!g_task_return_error_if_cancelled (task))
    job->func (self, task, g_task_get_task_data (task));

  /* The last reference to the task (and so perhaps to the replica) is
   * dropped on the caller's context, never on this thread. */
  _anbu_replica_run_on_context (g_task_get_context (task), drop_task, task, NULL);
  g_free (job);
}

void
_anbu_replica_run_job (AnbuReplica *self,
                       GTask       *task,
                       JobFunc      func)
{
  Job *job = g_new0 (Job, 1);

  job->task = g_object_ref (task);
  job->func = func;
  g_thread_pool_push (self->pool, job, NULL);
}

gboolean
_anbu_replica_begin (AnbuReplica  *self,
                     GError      **error)
{
  return exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
_anbu_replica_commit (AnbuReplica  *self,
                      GError      **error)
{
  if (exec (self, "COMMIT", error))
    return TRUE;
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

void
_anbu_replica_rollback (AnbuReplica *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---------------------------------------------------------------------- */
/* Meta, secrets                                                           */

gboolean
_anbu_replica_write_meta (AnbuReplica  *self,
                          const char   *key,
                          const char   *value,
                          GError      **error)
{
  sqlite3_stmt *stmt = _anbu_replica_statement (self, "INSERT INTO meta (key, value) VALUES (?, ?) "
                                                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                                error);
  if (stmt == NULL)
    return FALSE;
  _anbu_replica_bind_text (stmt, 1, key);
  _anbu_replica_bind_text (stmt, 2, value);
  return _anbu_replica_step_done (self, stmt, error);
}

char *
_anbu_replica_read_meta (AnbuReplica  *self,
                         const char   *key,
                         GError      **error)
{
  sqlite3_stmt *stmt = _anbu_replica_statement (self, "SELECT value FROM meta WHERE key = ?", error);
  char *value = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  _anbu_replica_bind_text (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    _anbu_replica_set_sqlite_error (self, error, rc);
  sqlite3_reset (stmt);
  return value;
}

gboolean
_anbu_replica_write_secret (AnbuReplica  *self,
                            const char   *name,
                            const char   *value,
                            GError      **error)
{
  sqlite3_stmt *stmt;
  gsize len = 0;
  guint8 *blob;

  if (value == NULL)
    {
      stmt = _anbu_replica_statement (self, "DELETE FROM secrets WHERE name = ?", error);
      if (stmt == NULL)
        return FALSE;
      _anbu_replica_bind_text (stmt, 1, name);
      return _anbu_replica_step_done (self, stmt, error);
    }

  stmt = _anbu_replica_statement (self, "INSERT INTO secrets (name, value) VALUES (?, ?) "
                                        "ON CONFLICT (name) DO UPDATE SET value = excluded.value", error);
  if (stmt == NULL)
    return FALSE;
  blob = _anbu_replica_encrypt_text (self, value, "secret", name, &len);
  _anbu_replica_bind_text (stmt, 1, name);
  _anbu_replica_bind_blob_take (stmt, 2, blob, len);
  return _anbu_replica_step_done (self, stmt, error);
}

gboolean
_anbu_replica_load_state (AnbuReplica  *self,
                          GError      **error)
{
  g_autoptr(GHashTable) secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *cursor = NULL;
  g_autofree char *last_sync = NULL;
  sqlite3_stmt *stmt;
  int rc;

  cursor = _anbu_replica_read_meta (self, "cursor", error);
  if (error && *error)
    return FALSE;
  last_sync = _anbu_replica_read_meta (self, "last_sync", error);
  if (error && *error)
    return FALSE;

  stmt = _anbu_replica_statement (self, "SELECT name, value FROM secrets", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      char *value = _anbu_replica_decrypt_column (self, stmt, 1, "secret", name, error);

      if (value == NULL)
        {
          sqlite3_reset (stmt);
          return FALSE;
        }
      g_hash_table_insert (secrets, g_strdup (name), value);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _anbu_replica_set_sqlite_error (self, error, rc);
      return FALSE;
    }

  if (!refresh_counts (self, error))
    return FALSE;

  g_mutex_lock (&self->lock);
  g_free (self->cursor);
  self->cursor = g_steal_pointer (&cursor);
  self->last_sync_usec = last_sync ? g_ascii_strtoll (last_sync, NULL, 10) : 0;
  g_clear_pointer (&self->secrets, g_hash_table_unref);
  self->secrets = g_steal_pointer (&secrets);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Opening                                                                 */

static void
open_data_free (gpointer data)
{
  OpenData *open = data;

  if (open->password)
    memset (open->password, 0, strlen (open->password));
  if (open->new_password)
    memset (open->new_password, 0, strlen (open->new_password));
  g_free (open->password);
  g_free (open->new_password);
  g_strfreev (open->plain_meta);
  g_free (open);
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

gboolean
_anbu_replica_open_connection (AnbuReplica  *self,
                               const char   *path,
                               int           flags,
                               GError      **error)
{
  int rc;

  _anbu_replica_close_database (self);
  self->statements = g_hash_table_new_full (NULL, NULL, NULL, finalize_statement);

  /* SQLite would create the file as 0644 and give its -wal and -shm files the
   * same mode: create it private first, so no other account on the laptop can
   * read even the plaintext bookkeeping. */
  if ((flags & SQLITE_OPEN_CREATE) != 0)
    {
      int fd = g_open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

      if (fd >= 0)
        g_close (fd, NULL);
    }

  rc = sqlite3_open_v2 (path, &self->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      _anbu_replica_set_sqlite_error (self, error, rc);
      _anbu_replica_close_database (self);
      return FALSE;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 5000);
  return TRUE;
}

static gboolean
check_integrity (AnbuReplica  *self,
                 GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA quick_check(1)", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _anbu_replica_set_sqlite_error (self, error, rc);
      return FALSE;
    }
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      ok = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0;
      if (!ok)
        g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_CORRUPT,
                     _("The local copy of the caseload is damaged (%s)"),
                     (const char *) sqlite3_column_text (stmt, 0));
    }
  else
    _anbu_replica_set_sqlite_error (self, error, rc);
  sqlite3_finalize (stmt);
  return ok;
}

gboolean
_anbu_replica_prepare_schema (AnbuReplica  *self,
                              gboolean      durable_wal,
                              GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  /* WAL: readers never block the writer; FULL: a recorded change survives
   * a power cut, not only a crash. */
  if (durable_wal
      && (!exec (self, "PRAGMA journal_mode = WAL", error)
          || !exec (self, "PRAGMA synchronous = FULL", error)))
    return FALSE;
  if (!check_integrity (self, error))
    return FALSE;
  if (!anbu_migrations_apply (self->db, migrations, G_N_ELEMENTS (migrations), &local_error))
    {
      if (g_error_matches (local_error, ANBU_MIGRATIONS_ERROR, ANBU_MIGRATIONS_ERROR_TOO_NEW))
        g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_TOO_NEW,
                     _("The local copy was written by a newer version of Anbu"));
      else
        g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_CORRUPT,
                     _("The local copy of the caseload is damaged (%s)"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
_anbu_replica_unlock_with_password (AnbuReplica  *self,
                                    const char   *password,
                                    GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *wrapped = NULL;

  wrapped = _anbu_replica_read_meta (self, "wrapped_key", error);
  if (wrapped == NULL)
    {
      if (error && *error == NULL)
        g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_CORRUPT,
                     _("The local copy of the caseload is damaged (its key is missing)"));
      return FALSE;
    }
  self->keyring = anbu_keyring_unwrap (wrapped, password, &local_error);
  if (self->keyring == NULL)
    {
      if (g_error_matches (local_error, ANBU_KEYRING_ERROR, ANBU_KEYRING_ERROR_WRONG_PASSWORD))
        g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_WRONG_PASSWORD,
                     _("The password is not correct"));
      else if (g_error_matches (local_error, ANBU_KEYRING_ERROR, ANBU_KEYRING_ERROR_INVALID))
        g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_CORRUPT,
                     _("The local copy of the caseload is damaged (its key is unreadable)"));
      else
        g_set_error_literal (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_FAILED,
                             local_error->message);
      return FALSE;
    }
  return TRUE;
}

static void
open_job (AnbuReplica *self,
          GTask       *task,
          gpointer     task_data)
{
  OpenData *open = task_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      g_task_return_new_error (task, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_NOT_FOUND,
                               _("There is no local copy of the caseload on this computer"));
      return;
    }
  if (!_anbu_replica_open_connection (self, self->path, SQLITE_OPEN_READWRITE, &error)
      || !_anbu_replica_prepare_schema (self, TRUE, &error)
      || !_anbu_replica_unlock_with_password (self, open->password, &error)
      || !_anbu_replica_load_state (self, &error))
    {
      _anbu_replica_close_database (self);
      g_clear_object (&self->keyring);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

gboolean
_anbu_replica_initialise_new (AnbuReplica  *self,
                              OpenData     *open,
                              GError      **error)
{
  g_autofree char *wrapped = NULL;

  if (self->keyring == NULL)
    self->keyring = anbu_keyring_new_random ();
  wrapped = anbu_keyring_wrap (self->keyring, open->password, open->opslimit, open->memlimit,
                               error);
  if (wrapped == NULL)
    return FALSE;
  if (!_anbu_replica_write_meta (self, "wrapped_key", wrapped, error))
    return FALSE;
  for (guint i = 0; open->plain_meta && open->plain_meta[i] && open->plain_meta[i + 1]; i += 2)
    if (!_anbu_replica_write_meta (self, open->plain_meta[i], open->plain_meta[i + 1], error))
      return FALSE;
  return TRUE;
}

static void
create_job (AnbuReplica *self,
            GTask       *task,
            gpointer     task_data)
{
  OpenData *open = task_data;
  g_autoptr(GError) error = NULL;

  if (g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      g_task_return_new_error (task, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_EXISTS,
                               _("A local copy of a caseload already exists; sign out first"));
      return;
    }
  if (!_anbu_replica_open_connection (self, self->path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &error)
      || !_anbu_replica_prepare_schema (self, TRUE, &error)
      || !_anbu_replica_begin (self, &error)
      || !_anbu_replica_initialise_new (self, open, &error)
      || !_anbu_replica_commit (self, &error)
      || !_anbu_replica_load_state (self, &error))
    {
      _anbu_replica_rollback (self);
      _anbu_replica_close_database (self);
      g_clear_object (&self->keyring);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
_anbu_replica_remove_sidecars (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);

  g_unlink (wal);
  g_unlink (shm);
  g_unlink (journal);
}

static void
peek_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(GHashTable) meta = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *uri = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_task_return_new_error (task, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_NOT_FOUND,
                               _("There is no local copy of the caseload on this computer"));
      return;
    }
  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "SELECT key, value FROM meta WHERE key NOT IN "
                             "('wrapped_key', 'cursor')", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_hash_table_insert (meta, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                             g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
      if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  if (rc != SQLITE_OK)
    g_task_return_new_error (task, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_CORRUPT,
                             _("The local copy of the caseload is damaged (%s)"),
                             db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  else
    g_task_return_pointer (task, g_steal_pointer (&meta), (GDestroyNotify) g_hash_table_unref);
  sqlite3_finalize (stmt);
  sqlite3_close_v2 (db);
}

typedef struct
{
  char *name;
  char *value;
} SecretData;

static void
secret_data_free (gpointer data)
{
  SecretData *secret = data;

  g_free (secret->name);
  if (secret->value)
    memset (secret->value, 0, strlen (secret->value));
  g_free (secret->value);
  g_free (secret);
}

static void
set_secret_job (AnbuReplica *self,
                GTask       *task,
                gpointer     task_data)
{
  SecretData *secret = task_data;
  GError *error = NULL;

  if (!_anbu_replica_write_secret (self, secret->name, secret->value, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_mutex_lock (&self->lock);
  if (secret->value)
    g_hash_table_insert (self->secrets, g_strdup (secret->name), g_strdup (secret->value));
  else
    g_hash_table_remove (self->secrets, secret->name);
  g_mutex_unlock (&self->lock);
  g_task_return_boolean (task, TRUE);
}

static void
change_password_job (AnbuReplica *self,
                     GTask       *task,
                     gpointer     task_data)
{
  OpenData *open = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) keyring_error = NULL;
  g_autofree char *wrapped = _anbu_replica_read_meta (self, "wrapped_key", &error);
  g_autofree char *rewrapped = NULL;

  if (wrapped == NULL)
    {
      if (error == NULL)
        _anbu_replica_set_damaged_error (&error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  rewrapped = anbu_keyring_rewrap (wrapped, open->password, open->new_password, &keyring_error);
  if (rewrapped == NULL)
    {
      if (g_error_matches (keyring_error, ANBU_KEYRING_ERROR, ANBU_KEYRING_ERROR_WRONG_PASSWORD))
        g_task_return_new_error (task, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_WRONG_PASSWORD,
                                 _("The password is not correct"));
      else
        g_task_return_new_error (task, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_FAILED, "%s",
                                 keyring_error->message);
      return;
    }
  if (!_anbu_replica_write_meta (self, "wrapped_key", rewrapped, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                 */

static void
anbu_replica_finalize (GObject *object)
{
  AnbuReplica *self = ANBU_REPLICA (object);
  Job *close_job = g_new0 (Job, 1);

  /* Close the connection on the worker, then let the worker go. */
  g_thread_pool_push (self->pool, close_job, NULL);
  g_thread_pool_free (self->pool, FALSE, TRUE);

  g_clear_object (&self->keyring);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->secrets, g_hash_table_unref);
  g_free (self->cursor);
  g_free (self->path);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (anbu_replica_parent_class)->finalize (object);
}

static void
anbu_replica_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  AnbuReplica *self = ANBU_REPLICA (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_PENDING_COUNT:
      g_value_set_uint (value, anbu_replica_get_pending_count (self));
      break;
    case PROP_CONFLICT_COUNT:
      g_value_set_uint (value, anbu_replica_get_conflict_count (self));
      break;
    case PROP_REJECTION_COUNT:
      g_value_set_uint (value, anbu_replica_get_rejection_count (self));
      break;
    case PROP_LAST_SYNC:
      g_value_take_boxed (value, anbu_replica_dup_last_sync (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_replica_class_init (AnbuReplicaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = anbu_replica_finalize;
  object_class->get_property = anbu_replica_get_property;

  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, flags);
  properties[PROP_PENDING_COUNT] = g_param_spec_uint ("pending-count", NULL, NULL,
                                                      0, G_MAXUINT, 0, flags);
  properties[PROP_CONFLICT_COUNT] = g_param_spec_uint ("conflict-count", NULL, NULL,
                                                       0, G_MAXUINT, 0, flags);
  properties[PROP_REJECTION_COUNT] = g_param_spec_uint ("rejection-count", NULL, NULL,
                                                        0, G_MAXUINT, 0, flags);
  properties[PROP_LAST_SYNC] = g_param_spec_boxed ("last-sync", NULL, NULL, G_TYPE_DATE_TIME,
                                                   flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AnbuReplica::records-changed:
   * @kind: "household", "plug", "alert", "contact", "visit" or "absence"
   *
   * Records of @kind changed (by a pull, a push answer or a local change).
   */
  signals[RECORDS_CHANGED] = g_signal_new ("records-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * AnbuReplica::outbox-changed:
   *
   * Entries were added, sent, answered, resolved or dismissed.
   */
  signals[OUTBOX_CHANGED] = g_signal_new ("outbox-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
anbu_replica_init (AnbuReplica *self)
{
  g_mutex_init (&self->lock);
  self->context = g_main_context_ref_thread_default ();
  self->secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->pool = g_thread_pool_new (worker_run, self, 1, TRUE, NULL);
}

/* ---------------------------------------------------------------------- */
/* Public API                                                              */

GTask *
_anbu_replica_new_task (AnbuReplica         *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data,
                        gpointer             source_tag,
                        gpointer             task_data,
                        GDestroyNotify       task_data_free)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (task_data)
    g_task_set_task_data (task, task_data, task_data_free);
  return task;
}

static void
start_open (const char          *path,
            OpenData            *open,
            JobFunc              func,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(AnbuReplica) self = g_object_new (ANBU_TYPE_REPLICA, NULL);
  g_autoptr(GTask) task = NULL;

  self->path = g_strdup (path);
  task = _anbu_replica_new_task (self, cancellable, callback, user_data, source_tag, open, open_data_free);
  _anbu_replica_run_job (self, task, func);
}

/**
 * anbu_replica_create_async:
 * @plain_meta: (nullable): key, value, key, value, …, %NULL stored in plain
 *   text (who owns the replica and where its server is, for the sign-in form)
 *
 * Creates a new, empty replica with a random data key wrapped by @password.
 * Fails with %ANBU_REPLICA_ERROR_EXISTS if one is already there.
 */
void
anbu_replica_create_async (const char          *path,
                           const char          *password,
                           guint64              opslimit,
                           gsize                memlimit,
                           const char *const   *plain_meta,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  OpenData *open = g_new0 (OpenData, 1);

  g_return_if_fail (path != NULL);
  g_return_if_fail (password != NULL);

  open->password = g_strdup (password);
  open->opslimit = opslimit;
  open->memlimit = memlimit;
  open->plain_meta = g_strdupv ((GStrv) plain_meta);
  start_open (path, open, create_job, anbu_replica_create_async, cancellable, callback, user_data);
}

/**
 * anbu_replica_open_async:
 *
 * Opens and unlocks an existing replica. A wrong password fails with
 * %ANBU_REPLICA_ERROR_WRONG_PASSWORD and nothing is decrypted; a damaged
 * file fails with %ANBU_REPLICA_ERROR_CORRUPT (see anbu_replica_rebuild_async()).
 */
void
anbu_replica_open_async (const char          *path,
                         const char          *password,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  OpenData *open = g_new0 (OpenData, 1);

  g_return_if_fail (path != NULL);
  g_return_if_fail (password != NULL);

  open->password = g_strdup (password);
  start_open (path, open, open_job, anbu_replica_open_async, cancellable, callback, user_data);
}

/**
 * anbu_replica_rebuild_async:
 *
 * Replaces a damaged replica with an empty one that keeps every outbox
 * entry (and open conflict) still readable in the old file, so nothing the
 * planner recorded is lost; the records come back with the next sync. The
 * finish function says how many entries were kept and how many were lost.
 * @plain_meta (as for create) is used when the old file's is unreadable.
 */
void
anbu_replica_rebuild_async (const char          *path,
                            const char          *password,
                            const char *const   *plain_meta,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  OpenData *open = g_new0 (OpenData, 1);

  g_return_if_fail (path != NULL);
  g_return_if_fail (password != NULL);

  open->password = g_strdup (password);
  open->plain_meta = g_strdupv ((GStrv) plain_meta);
  open->opslimit = ANBU_KEYRING_DEFAULT_OPSLIMIT;
  open->memlimit = ANBU_KEYRING_DEFAULT_MEMLIMIT;
  start_open (path, open, _anbu_replica_rebuild_job, anbu_replica_rebuild_async, cancellable, callback,
              user_data);
}

/**
 * anbu_replica_open_finish:
 * @n_salvaged: (out) (optional): after a rebuild, outbox entries kept
 * @n_lost: (out) (optional): after a rebuild, outbox entries that were unreadable
 *
 * Returns: (transfer full): the open replica
 */
AnbuReplica *
anbu_replica_open_finish (GAsyncResult  *result,
                          guint         *n_salvaged,
                          guint         *n_lost,
                          GError       **error)
{
  GTask *task = G_TASK (result);
  OpenData *open = g_task_get_task_data (task);

  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_is_valid (result, g_task_get_source_object (task)), NULL);

  if (!g_task_propagate_boolean (task, error))
    return NULL;
  if (n_salvaged)
    *n_salvaged = open->n_salvaged;
  if (n_lost)
    *n_lost = open->n_lost;
  return g_object_ref (g_task_get_source_object (task));
}

/**
 * anbu_replica_peek_async:
 *
 * Reads the plain-text facts of a replica (as given to create) without
 * unlocking it, for the sign-in form.
 */
void
anbu_replica_peek_async (const char          *path,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, anbu_replica_peek_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, peek_thread);
}

/**
 * anbu_replica_peek_finish:
 *
 * Returns: (transfer full) (element-type utf8 utf8): the plain-text facts
 */
GHashTable *
anbu_replica_peek_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * anbu_replica_delete_files:
 *
 * Deletes a replica and its journal files. The replica must be closed
 * (every reference dropped).
 */
gboolean
anbu_replica_delete_files (const char  *path,
                           GError     **error)
{
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("The local copy cannot be deleted: %s"), g_strerror (saved_errno));
      return FALSE;
    }
  _anbu_replica_remove_sidecars (path);
  return TRUE;
}

const char *
anbu_replica_get_path (AnbuReplica *self)
{
  g_return_val_if_fail (ANBU_IS_REPLICA (self), NULL);
  return self->path;
}

/**
 * anbu_replica_dup_cursor:
 *
 * Returns: (nullable): where the next pull starts (%NULL: from the start)
 */
char *
anbu_replica_dup_cursor (AnbuReplica *self)
{
  char *cursor;

  g_return_val_if_fail (ANBU_IS_REPLICA (self), NULL);
  g_mutex_lock (&self->lock);
  cursor = g_strdup (self->cursor);
  g_mutex_unlock (&self->lock);
  return cursor;
}

/**
 * anbu_replica_dup_last_sync:
 *
 * Returns: (nullable) (transfer full): when a pull last reached the end
 */
GDateTime *
anbu_replica_dup_last_sync (AnbuReplica *self)
{
  gint64 usec;

  g_return_val_if_fail (ANBU_IS_REPLICA (self), NULL);
  g_mutex_lock (&self->lock);
  usec = self->last_sync_usec;
  g_mutex_unlock (&self->lock);
  if (usec == 0)
    return NULL;
  return g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
}

guint
anbu_replica_get_pending_count (AnbuReplica *self)
{
  guint count;

  g_return_val_if_fail (ANBU_IS_REPLICA (self), 0);
  g_mutex_lock (&self->lock);
  count = self->state_counts[ANBU_OUTBOX_STATE_PENDING] + self->state_counts[ANBU_OUTBOX_STATE_SENT];
  g_mutex_unlock (&self->lock);
  return count;
}

guint
anbu_replica_get_conflict_count (AnbuReplica *self)
{
  guint count;

  g_return_val_if_fail (ANBU_IS_REPLICA (self), 0);
  g_mutex_lock (&self->lock);
  count = self->state_counts[ANBU_OUTBOX_STATE_CONFLICT];
  g_mutex_unlock (&self->lock);
  return count;
}

guint
anbu_replica_get_rejection_count (AnbuReplica *self)
{
  guint count;

  g_return_val_if_fail (ANBU_IS_REPLICA (self), 0);
  g_mutex_lock (&self->lock);
  count = self->state_counts[ANBU_OUTBOX_STATE_REJECTED];
  g_mutex_unlock (&self->lock);
  return count;
}

/**
 * anbu_replica_dup_secret:
 *
 * Returns: (nullable): a value stored encrypted with anbu_replica_set_secret_async()
 */
char *
anbu_replica_dup_secret (AnbuReplica *self,
                         const char  *name)
{
  char *value;

  g_return_val_if_fail (ANBU_IS_REPLICA (self), NULL);
  g_mutex_lock (&self->lock);
  value = g_strdup (g_hash_table_lookup (self->secrets, name));
  g_mutex_unlock (&self->lock);
  return value;
}

void
anbu_replica_set_secret_async (AnbuReplica         *self,
                               const char          *name,
                               const char          *value,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SecretData *secret = g_new0 (SecretData, 1);

  g_return_if_fail (ANBU_IS_REPLICA (self));
  g_return_if_fail (name != NULL);

  secret->name = g_strdup (name);
  secret->value = g_strdup (value);
  task = _anbu_replica_new_task (self, cancellable, callback, user_data, anbu_replica_set_secret_async,
                                 secret, secret_data_free);
  _anbu_replica_run_job (self, task, set_secret_job);
}

gboolean
anbu_replica_set_secret_finish (AnbuReplica   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * anbu_replica_change_password_async:
 *
 * Rewraps the data key with @new_password; nothing else is rewritten.
 */
void
anbu_replica_change_password_async (AnbuReplica         *self,
                                    const char          *old_password,
                                    const char          *new_password,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OpenData *open = g_new0 (OpenData, 1);

  g_return_if_fail (ANBU_IS_REPLICA (self));
  g_return_if_fail (old_password != NULL && new_password != NULL);

  open->password = g_strdup (old_password);
  open->new_password = g_strdup (new_password);
  task = _anbu_replica_new_task (self, cancellable, callback, user_data, anbu_replica_change_password_async,
                                 open, open_data_free);
  _anbu_replica_run_job (self, task, change_password_job);
}

gboolean
anbu_replica_change_password_finish (AnbuReplica   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
