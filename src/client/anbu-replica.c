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
#include "anbu-mutation.h"
#include "anbu-replica.h"

/* The planner's encrypted local copy of their caseload, and the outbox of
 * their changes. One SQLite connection lives on one worker thread, fed by
 * GTasks (as in Atrebas' store): no SQLite work on the GTK main thread.
 *
 * At rest, only what sync needs is plain: kinds, ids, household ids,
 * versions, the cursor, outbox order and states, rejection codes and field
 * names. Every record body, outbox payload, conflict value, rejection
 * message and secret (the token) is an XChaCha20-Poly1305 blob under the data
 * key, bound to its row ("household/ID") so blobs cannot be swapped. */

struct _AnbuReplica
{
  GObject       parent_instance;

  char         *path;
  GThreadPool  *pool;
  GMainContext *context;

  /* Worker thread only. */
  sqlite3      *db;
  GHashTable   *statements;
  AnbuKeyring  *keyring;

  /* Shared between the worker and the main thread, under @lock. */
  GMutex        lock;
  char         *cursor;
  gint64        last_sync_usec;
  guint         state_counts[4];
  GHashTable   *secrets;

  /* Main thread only: what the last notifications said. */
  guint         notified_counts[4];
  gint64        notified_last_sync;
};

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

typedef struct
{
  const char *mutation;
  const char *record_kind;
  const char *id_member;
} MutationKind;

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

typedef void (*JobFunc) (AnbuReplica *self,
                         GTask       *task,
                         gpointer     task_data);

typedef struct
{
  GTask   *task;
  JobFunc  func;
} Job;

/* ---------------------------------------------------------------------- */
/* Small helpers                                                           */

static guint
record_kind_bit (const char *kind)
{
  AnbuRecordKind record_kind;

  if (!anbu_record_kind_from_string (kind, &record_kind))
    return 0;
  return 1u << record_kind;
}

static const MutationKind *
find_mutation_kind (const char *mutation)
{
  for (guint i = 0; i < G_N_ELEMENTS (mutation_kinds); i++)
    if (g_strcmp0 (mutation, mutation_kinds[i].mutation) == 0)
      return &mutation_kinds[i];
  return NULL;
}

static void
set_sqlite_error (AnbuReplica  *self,
                  GError      **error,
                  int           rc)
{
  int primary = rc & 0xff;

  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
    g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_CORRUPT,
                 _("The local copy of the caseload is damaged (%s)"),
                 self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
  else
    g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_FAILED,
                 _("The local copy of the caseload cannot be written (%s)"),
                 self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
}

static void
set_damaged_error (GError **error)
{
  g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_CORRUPT,
               _("The local copy of the caseload is damaged and cannot be decrypted"));
}

static sqlite3_stmt *
statement (AnbuReplica  *self,
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
      set_sqlite_error (self, error, rc);
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
      set_sqlite_error (self, error, rc);
      return FALSE;
    }
  return TRUE;
}

static gboolean
step_done (AnbuReplica   *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      set_sqlite_error (self, error, rc);
      return FALSE;
    }
  return TRUE;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_blob_take (sqlite3_stmt *stmt,
                int           index,
                guint8       *blob,
                gsize         len)
{
  sqlite3_bind_blob64 (stmt, index, blob, len, g_free);
}

static guint8 *
encrypt_text (AnbuReplica *self,
              const char  *text,
              const char  *kind,
              const char  *id,
              gsize       *out_len)
{
  g_autofree char *context = g_strconcat (kind, "/", id, NULL);

  return anbu_keyring_encrypt (self->keyring, text, strlen (text), context, out_len);
}

static char *
decrypt_column (AnbuReplica   *self,
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
    set_damaged_error (error);
  return (char *) plain;
}

static JsonObject *
parse_object (const char  *text,
              GError     **error)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      set_damaged_error (error);
      return NULL;
    }
  return json_node_dup_object (node);
}

static char *
object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  return json_to_string (node, FALSE);
}

static const char *
object_get_string (JsonObject *object,
                   const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
object_get_int (JsonObject *object,
                const char *member,
                gint64      fallback)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (node);
}

static void
set_invalid (GError    **error,
             const char *what)
{
  g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_INVALID,
               _("The change is incomplete: %s is missing or wrong"), what);
}

/* ---------------------------------------------------------------------- */
/* Publishing state to the main thread                                     */

/* Always through an idle source: g_main_context_invoke() would run the
 * function right here on the worker when nobody iterates the context. */
static void
run_on_context (GMainContext   *context,
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
  sqlite3_stmt *stmt = statement (self, "SELECT state, count(*) FROM outbox GROUP BY state", error);
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
      set_sqlite_error (self, error, rc);
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  memcpy (self->state_counts, counts, sizeof counts);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

/* Worker: after a commit, tell the main thread what changed. */
static void
publish (AnbuReplica *self,
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
  run_on_context (self->context, emit_changes, emission, emission_free);
}

/* ---------------------------------------------------------------------- */
/* The worker                                                              */

static gboolean
drop_task (gpointer data)
{
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

static void
close_database (AnbuReplica *self)
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
      close_database (self);
      g_free (job);
      return;
    }

  if (!g_task_return_error_if_cancelled (task))
    job->func (self, task, g_task_get_task_data (task));

  /* The last reference to the task (and so perhaps to the replica) is
   * dropped on the caller's context, never on this thread. */
  run_on_context (g_task_get_context (task), drop_task, task, NULL);
  g_free (job);
}

static void
run_job (AnbuReplica *self,
         GTask       *task,
         JobFunc      func)
{
  Job *job = g_new0 (Job, 1);

  job->task = g_object_ref (task);
  job->func = func;
  g_thread_pool_push (self->pool, job, NULL);
}

static gboolean
begin (AnbuReplica  *self,
       GError      **error)
{
  return exec (self, "BEGIN IMMEDIATE", error);
}

static gboolean
commit (AnbuReplica  *self,
        GError      **error)
{
  if (exec (self, "COMMIT", error))
    return TRUE;
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static void
rollback (AnbuReplica *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---------------------------------------------------------------------- */
/* Meta, secrets                                                           */

static gboolean
write_meta (AnbuReplica  *self,
            const char   *key,
            const char   *value,
            GError      **error)
{
  sqlite3_stmt *stmt = statement (self, "INSERT INTO meta (key, value) VALUES (?, ?) "
                                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, key);
  bind_text (stmt, 2, value);
  return step_done (self, stmt, error);
}

static char *
read_meta (AnbuReplica  *self,
           const char   *key,
           GError      **error)
{
  sqlite3_stmt *stmt = statement (self, "SELECT value FROM meta WHERE key = ?", error);
  char *value = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    set_sqlite_error (self, error, rc);
  sqlite3_reset (stmt);
  return value;
}

static gboolean
write_secret (AnbuReplica  *self,
              const char   *name,
              const char   *value,
              GError      **error)
{
  sqlite3_stmt *stmt;
  gsize len = 0;
  guint8 *blob;

  if (value == NULL)
    {
      stmt = statement (self, "DELETE FROM secrets WHERE name = ?", error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, name);
      return step_done (self, stmt, error);
    }

  stmt = statement (self, "INSERT INTO secrets (name, value) VALUES (?, ?) "
                          "ON CONFLICT (name) DO UPDATE SET value = excluded.value", error);
  if (stmt == NULL)
    return FALSE;
  blob = encrypt_text (self, value, "secret", name, &len);
  bind_text (stmt, 1, name);
  bind_blob_take (stmt, 2, blob, len);
  return step_done (self, stmt, error);
}

static gboolean
load_state (AnbuReplica  *self,
            GError      **error)
{
  g_autoptr(GHashTable) secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *cursor = NULL;
  g_autofree char *last_sync = NULL;
  sqlite3_stmt *stmt;
  int rc;

  cursor = read_meta (self, "cursor", error);
  if (error && *error)
    return FALSE;
  last_sync = read_meta (self, "last_sync", error);
  if (error && *error)
    return FALSE;

  stmt = statement (self, "SELECT name, value FROM secrets", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      char *value = decrypt_column (self, stmt, 1, "secret", name, error);

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
      set_sqlite_error (self, error, rc);
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

typedef struct
{
  char    *password;
  char    *new_password;
  guint64  opslimit;
  gsize    memlimit;
  GStrv    plain_meta;
  guint    n_salvaged;
  guint    n_lost;
} OpenData;

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

static gboolean
open_connection (AnbuReplica  *self,
                 const char   *path,
                 int           flags,
                 GError      **error)
{
  int rc;

  close_database (self);
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
      set_sqlite_error (self, error, rc);
      close_database (self);
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
      set_sqlite_error (self, error, rc);
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
    set_sqlite_error (self, error, rc);
  sqlite3_finalize (stmt);
  return ok;
}

static gboolean
prepare_schema (AnbuReplica  *self,
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

static gboolean
unlock_with_password (AnbuReplica  *self,
                      const char   *password,
                      GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *wrapped = NULL;

  wrapped = read_meta (self, "wrapped_key", error);
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
  if (!open_connection (self, self->path, SQLITE_OPEN_READWRITE, &error)
      || !prepare_schema (self, TRUE, &error)
      || !unlock_with_password (self, open->password, &error)
      || !load_state (self, &error))
    {
      close_database (self);
      g_clear_object (&self->keyring);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static gboolean
initialise_new (AnbuReplica  *self,
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
  if (!write_meta (self, "wrapped_key", wrapped, error))
    return FALSE;
  for (guint i = 0; open->plain_meta && open->plain_meta[i] && open->plain_meta[i + 1]; i += 2)
    if (!write_meta (self, open->plain_meta[i], open->plain_meta[i + 1], error))
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
  if (!open_connection (self, self->path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &error)
      || !prepare_schema (self, TRUE, &error)
      || !begin (self, &error)
      || !initialise_new (self, open, &error)
      || !commit (self, &error)
      || !load_state (self, &error))
    {
      rollback (self);
      close_database (self);
      g_clear_object (&self->keyring);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

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

  if (!open_connection (self, self->path, SQLITE_OPEN_READONLY, NULL))
    return;

  /* How many entries there were, if even that is readable. */
  if (sqlite3_prepare_v2 (self->db, "SELECT count(*) FROM outbox", -1, &stmt, NULL) == SQLITE_OK)
    {
      if (sqlite3_step (stmt) == SQLITE_ROW)
        count = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
    }

  if (!unlock_with_password (self, open->password, &local_error))
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
            entry->payload = decrypt_column (self, stmt, 8, "outbox", entry->id, NULL);
          if (entry->id != NULL && sqlite3_column_type (stmt, 9) == SQLITE_BLOB)
            entry->reason = decrypt_column (self, stmt, 9, "reason", entry->id, NULL);
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
            conflict->body = decrypt_column (self, stmt, 4, "conflict", context, NULL);
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
          char *value = name ? decrypt_column (self, stmt, 1, "secret", name, NULL) : NULL;

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

  if (!initialise_new (self, open, error))
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

      stmt = statement (self, "INSERT INTO outbox (seq, id, kind, household_id, state, created_at, "
                              "reason_code, reason_field, payload, reason) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, entry->seq);
      bind_text (stmt, 2, entry->id);
      bind_text (stmt, 3, entry->kind);
      bind_text (stmt, 4, entry->household_id);
      bind_text (stmt, 5, state);
      sqlite3_bind_int64 (stmt, 6, entry->created_at);
      bind_text (stmt, 7, entry->reason_code);
      bind_text (stmt, 8, entry->reason_field);
      blob = encrypt_text (self, entry->payload, "outbox", entry->id, &len);
      bind_blob_take (stmt, 9, blob, len);
      if (entry->reason != NULL)
        {
          blob = encrypt_text (self, entry->reason, "reason", entry->id, &len);
          bind_blob_take (stmt, 10, blob, len);
        }
      if (!step_done (self, stmt, error))
        return FALSE;
    }

  for (guint i = 0; i < conflicts->len; i++)
    {
      SalvagedConflict *conflict = g_ptr_array_index (conflicts, i);
      g_autofree char *context = g_strconcat (conflict->mutation_id, "/", conflict->field, NULL);
      sqlite3_stmt *stmt;
      gsize len = 0;
      guint8 *blob;

      stmt = statement (self, "INSERT OR IGNORE INTO conflicts (mutation_id, field, household_id, "
                              "server_version, body) VALUES (?, ?, ?, ?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, conflict->mutation_id);
      bind_text (stmt, 2, conflict->field);
      bind_text (stmt, 3, conflict->household_id);
      sqlite3_bind_int64 (stmt, 4, conflict->server_version);
      blob = encrypt_text (self, conflict->body, "conflict", context, &len);
      bind_blob_take (stmt, 5, blob, len);
      if (!step_done (self, stmt, error))
        return FALSE;
    }

  g_hash_table_iter_init (&iter, secrets);
  while (g_hash_table_iter_next (&iter, &name, &value))
    if (!write_secret (self, name, value, error))
      return FALSE;
  return TRUE;
}

static void
remove_sidecars (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);

  g_unlink (wal);
  g_unlink (shm);
  g_unlink (journal);
}

static void
rebuild_job (AnbuReplica *self,
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
      close_database (self);
      if (error != NULL)
        {
          g_clear_object (&self->keyring);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  g_unlink (fresh);
  remove_sidecars (fresh);
  /* The fresh file is written with a rollback journal and closed, so it is
   * whole in one file before it replaces the damaged one. */
  if (!open_connection (self, fresh, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &error)
      || !prepare_schema (self, FALSE, &error)
      || !begin (self, &error)
      || !write_salvage (self, open, entries, conflicts, secrets, &error)
      || !commit (self, &error))
    {
      rollback (self);
      close_database (self);
      g_unlink (fresh);
      g_clear_object (&self->keyring);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  close_database (self);

  remove_sidecars (self->path);
  if (g_rename (fresh, self->path) != 0)
    {
      int saved_errno = errno;

      g_clear_object (&self->keyring);
      g_task_return_new_error (task, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_FAILED,
                               _("The rebuilt local copy cannot be put in place (%s)"),
                               g_strerror (saved_errno));
      return;
    }

  if (!open_connection (self, self->path, SQLITE_OPEN_READWRITE, &error)
      || !prepare_schema (self, TRUE, &error)
      || !load_state (self, &error))
    {
      close_database (self);
      g_clear_object (&self->keyring);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
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

/* ---------------------------------------------------------------------- */
/* Records                                                                 */

static JsonObject *
load_record (AnbuReplica  *self,
             const char   *kind,
             const char   *id,
             gint64       *version,
             char        **household_id,
             GError      **error)
{
  sqlite3_stmt *stmt = statement (self, "SELECT body, version, household_id FROM records "
                                        "WHERE kind = ? AND id = ?", error);
  g_autofree char *text = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, kind);
  bind_text (stmt, 2, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      text = decrypt_column (self, stmt, 0, kind, id, error);
      if (version)
        *version = sqlite3_column_int64 (stmt, 1);
      if (household_id)
        *household_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
    }
  else if (rc == SQLITE_DONE)
    g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_UNKNOWN,
                 _("The record is not in the local copy (it may have left your caseload)"));
  else
    set_sqlite_error (self, error, rc);
  sqlite3_reset (stmt);
  if (text == NULL)
    return NULL;
  return parse_object (text, error);
}

/* The fields of household edits not yet confirmed by the server stay
 * visible over what a pull brings. */
static gboolean
overlay_pending_fields (AnbuReplica  *self,
                        const char   *household_id,
                        JsonObject   *record,
                        GError      **error)
{
  sqlite3_stmt *stmt = statement (self, "SELECT id, payload FROM outbox WHERE household_id = ? "
                                        "AND state IN ('pending', 'sent') "
                                        "AND kind = 'household.update' ORDER BY seq", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, household_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      g_autofree char *text = decrypt_column (self, stmt, 1, "outbox", id, error);
      g_autoptr(JsonObject) payload = NULL;
      JsonNode *fields;

      if (text == NULL || (payload = parse_object (text, error)) == NULL)
        {
          sqlite3_reset (stmt);
          return FALSE;
        }
      fields = json_object_get_member (payload, "fields");
      if (fields != NULL && JSON_NODE_HOLDS_OBJECT (fields))
        {
          JsonObjectIter iter;
          const char *name;
          JsonNode *value;

          json_object_iter_init (&iter, json_node_get_object (fields));
          while (json_object_iter_next (&iter, &name, &value))
            json_object_set_member (record, name, json_node_copy (value));
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc);
      return FALSE;
    }
  return TRUE;
}

/* Stores a record from the server unless a newer version is already here. */
static gboolean
store_record (AnbuReplica  *self,
              const char   *kind,
              const char   *id,
              const char   *household_id,
              gint64        version,
              const char   *text,
              GError      **error)
{
  sqlite3_stmt *stmt;
  gsize len = 0;
  guint8 *blob;

  stmt = statement (self, "INSERT INTO records (kind, id, household_id, version, body) "
                          "VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET "
                          "household_id = excluded.household_id, version = excluded.version, "
                          "body = excluded.body WHERE excluded.version >= records.version",
                    error);
  if (stmt == NULL)
    return FALSE;
  blob = encrypt_text (self, text, kind, id, &len);
  bind_text (stmt, 1, kind);
  bind_text (stmt, 2, id);
  bind_text (stmt, 3, household_id);
  sqlite3_bind_int64 (stmt, 4, version);
  bind_blob_take (stmt, 5, blob, len);
  return step_done (self, stmt, error);
}

static gboolean
household_has_pending_edits (AnbuReplica  *self,
                             const char   *household_id,
                             gboolean     *pending,
                             GError      **error)
{
  sqlite3_stmt *stmt = statement (self, "SELECT 1 FROM outbox WHERE household_id = ? "
                                        "AND state IN ('pending', 'sent') "
                                        "AND kind = 'household.update' LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, household_id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc);
      return FALSE;
    }
  *pending = rc == SQLITE_ROW;
  return TRUE;
}

/* A record as the server sent it (pull or push answer). */
static gboolean
store_server_record (AnbuReplica  *self,
                     const char   *kind,
                     const char   *id,
                     JsonNode     *record_node,
                     guint        *kinds_changed,
                     GError      **error)
{
  JsonObject *record;
  const char *household_id;
  g_autofree char *text = NULL;
  gboolean pending = FALSE;

  if (record_node == NULL || !JSON_NODE_HOLDS_OBJECT (record_node))
    {
      g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_INVALID,
                   _("The server sent a %s without its record"), kind);
      return FALSE;
    }
  record = json_node_get_object (record_node);
  household_id = g_str_equal (kind, "household") ? id : object_get_string (record, "household_id");

  if (g_str_equal (kind, "household"))
    {
      if (!household_has_pending_edits (self, id, &pending, error))
        return FALSE;
      if (pending)
        {
          g_autoptr(JsonObject) copy = json_object_ref (record);

          if (!overlay_pending_fields (self, id, copy, error))
            return FALSE;
        }
    }

  text = json_to_string (record_node, FALSE);
  if (!store_record (self, kind, id, household_id, object_get_int (record, "version", 0), text,
                     error))
    return FALSE;
  *kinds_changed |= record_kind_bit (kind);
  return TRUE;
}

static gboolean
remove_record (AnbuReplica  *self,
               const char   *kind,
               const char   *id,
               guint        *kinds_changed,
               GError      **error)
{
  sqlite3_stmt *stmt;

  if (g_str_equal (kind, "household"))
    {
      /* It left this planner's scope: so did everything that belongs to it. */
      stmt = statement (self, "DELETE FROM records WHERE household_id = ?", error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, id);
      *kinds_changed |= ~0u;
    }
  else
    {
      stmt = statement (self, "DELETE FROM records WHERE kind = ? AND id = ?", error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, kind);
      bind_text (stmt, 2, id);
      *kinds_changed |= record_kind_bit (kind);
    }
  return step_done (self, stmt, error);
}

/* ---------------------------------------------------------------------- */
/* Local changes                                                           */

typedef struct
{
  char *mutation_kind;
  char *payload_json;
  char *household_id;   /* update_household: the target */
  char *mutation_id;    /* result */
} ChangeData;

static void
change_data_free (gpointer data)
{
  ChangeData *change = data;

  g_free (change->mutation_kind);
  g_free (change->payload_json);
  g_free (change->household_id);
  g_free (change->mutation_id);
  g_free (change);
}

static gboolean
write_local_record (AnbuReplica  *self,
                    const char   *kind,
                    const char   *id,
                    const char   *household_id,
                    gint64        version,
                    JsonObject   *record,
                    GError      **error)
{
  g_autofree char *text = object_to_string (record);
  sqlite3_stmt *stmt;
  gsize len = 0;
  guint8 *blob;

  stmt = statement (self, "INSERT INTO records (kind, id, household_id, version, body) "
                          "VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET "
                          "household_id = excluded.household_id, body = excluded.body", error);
  if (stmt == NULL)
    return FALSE;
  blob = encrypt_text (self, text, kind, id, &len);
  bind_text (stmt, 1, kind);
  bind_text (stmt, 2, id);
  bind_text (stmt, 3, household_id);
  sqlite3_bind_int64 (stmt, 4, version);
  bind_blob_take (stmt, 5, blob, len);
  return step_done (self, stmt, error);
}

static gboolean
record_exists (AnbuReplica  *self,
               const char   *kind,
               const char   *id,
               gboolean     *exists,
               GError      **error)
{
  sqlite3_stmt *stmt = statement (self, "SELECT 1 FROM records WHERE kind = ? AND id = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, kind);
  bind_text (stmt, 2, id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc);
      return FALSE;
    }
  *exists = rc == SQLITE_ROW;
  return TRUE;
}

static gboolean
write_outbox_entry (AnbuReplica  *self,
                    const char   *mutation_id,
                    const char   *mutation_kind,
                    const char   *household_id,
                    JsonObject   *payload,
                    GError      **error)
{
  g_autofree char *text = object_to_string (payload);
  sqlite3_stmt *stmt;
  gsize len = 0;
  guint8 *blob;

  stmt = statement (self, "INSERT INTO outbox (id, kind, household_id, state, created_at, payload) "
                          "VALUES (?, ?, ?, 'pending', ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  blob = encrypt_text (self, text, "outbox", mutation_id, &len);
  bind_text (stmt, 1, mutation_id);
  bind_text (stmt, 2, mutation_kind);
  bind_text (stmt, 3, household_id);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
  bind_blob_take (stmt, 5, blob, len);
  return step_done (self, stmt, error);
}

/* Applies @payload of @kind to the local records; sets *household_id to the
 * household it concerns. Runs inside the transaction that writes the
 * outbox entry. */
static gboolean
apply_local_change (AnbuReplica         *self,
                    const MutationKind  *kind,
                    JsonObject          *payload,
                    char               **household_id,
                    guint               *kinds_changed,
                    GError             **error)
{
  const char *mutation = kind->mutation;
  const char *id = object_get_string (payload, kind->id_member);
  g_autoptr(JsonObject) record = NULL;
  g_autofree char *owner = NULL;
  gint64 version = 0;

  if (id == NULL || *id == '\0')
    {
      set_invalid (error, kind->id_member);
      return FALSE;
    }

  *kinds_changed |= record_kind_bit (kind->record_kind);

  if (g_str_has_suffix (mutation, ".create"))
    {
      gboolean exists = FALSE;
      const char *hh = g_str_equal (kind->record_kind, "household")
                         ? id : object_get_string (payload, "household_id");

      if (hh == NULL)
        {
          set_invalid (error, "household_id");
          return FALSE;
        }
      if (!record_exists (self, kind->record_kind, id, &exists, error))
        return FALSE;
      if (exists)
        {
          g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_INVALID,
                       _("This record was already recorded"));
          return FALSE;
        }
      *household_id = g_strdup (hh);
      return write_local_record (self, kind->record_kind, id, hh, 0, payload, error);
    }

  if (g_str_equal (mutation, "plug.install"))
    {
      const char *hh = object_get_string (payload, "household_id");

      if (hh == NULL)
        {
          set_invalid (error, "household_id");
          return FALSE;
        }
      record = json_object_new ();
      json_object_set_string_member (record, "serial", id);
      json_object_set_string_member (record, "household_id", hh);
      if (object_get_string (payload, "appliance"))
        json_object_set_string_member (record, "appliance", object_get_string (payload, "appliance"));
      if (object_get_string (payload, "installed_at"))
        json_object_set_string_member (record, "installed_at",
                                       object_get_string (payload, "installed_at"));
      json_object_set_string_member (record, "state", "installed");
      *household_id = g_strdup (hh);
      return write_local_record (self, "plug", id, hh, 0, record, error);
    }

  if (g_str_equal (mutation, "plug.replace"))
    {
      const char *old_serial = object_get_string (payload, "old_serial");
      const char *hh = object_get_string (payload, "household_id");
      const char *at = object_get_string (payload, "at");
      g_autoptr(JsonObject) fresh = json_object_new ();

      if (old_serial == NULL || hh == NULL || at == NULL)
        {
          set_invalid (error, old_serial == NULL ? "old_serial" : hh == NULL ? "household_id" : "at");
          return FALSE;
        }
      record = load_record (self, "plug", old_serial, &version, NULL, error);
      if (record == NULL)
        return FALSE;
      json_object_set_string_member (record, "state", "removed");
      json_object_set_string_member (record, "removed_at", at);
      if (!write_local_record (self, "plug", old_serial, hh, version, record, error))
        return FALSE;
      json_object_set_string_member (fresh, "serial", id);
      json_object_set_string_member (fresh, "household_id", hh);
      if (object_get_string (payload, "appliance"))
        json_object_set_string_member (fresh, "appliance", object_get_string (payload, "appliance"));
      json_object_set_string_member (fresh, "installed_at", at);
      json_object_set_string_member (fresh, "state", "installed");
      *household_id = g_strdup (hh);
      return write_local_record (self, "plug", id, hh, 0, fresh, error);
    }

  /* The rest change a record that must be here already. */
  record = load_record (self, kind->record_kind, id, &version, &owner, error);
  if (record == NULL)
    return FALSE;

  if (g_str_equal (mutation, "household.update"))
    {
      JsonNode *fields = json_object_get_member (payload, "fields");
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      if (fields == NULL || !JSON_NODE_HOLDS_OBJECT (fields)
          || json_object_get_size (json_node_get_object (fields)) == 0)
        {
          set_invalid (error, "fields");
          return FALSE;
        }
      if (!json_object_has_member (payload, "base_version"))
        json_object_set_int_member (payload, "base_version", version);
      json_object_iter_init (&iter, json_node_get_object (fields));
      while (json_object_iter_next (&iter, &name, &value))
        {
          if (g_str_equal (name, "id") || g_str_equal (name, "version"))
            {
              set_invalid (error, name);
              return FALSE;
            }
          json_object_set_member (record, name, json_node_copy (value));
        }
    }
  else if (g_str_equal (mutation, "household.close"))
    json_object_set_string_member (record, "status", "closed");
  else if (g_str_equal (mutation, "plug.remove"))
    {
      const char *at = object_get_string (payload, "at");
      const char *reason = object_get_string (payload, "reason");

      if (at == NULL || reason == NULL)
        {
          set_invalid (error, at == NULL ? "at" : "reason");
          return FALSE;
        }
      json_object_set_string_member (record, "state",
                                     g_str_equal (reason, "lost") ? "lost" : "removed");
      json_object_set_string_member (record, "removed_at", at);
    }
  else if (g_str_equal (mutation, "alert.acknowledge"))
    json_object_set_string_member (record, "state", "acknowledged");
  else if (g_str_equal (mutation, "alert.resolve"))
    {
      const char *resolution = object_get_string (payload, "resolution");
      const char *at = object_get_string (payload, "at");

      if (resolution == NULL || at == NULL)
        {
          set_invalid (error, resolution == NULL ? "resolution" : "at");
          return FALSE;
        }
      json_object_set_string_member (record, "state", "resolved");
      json_object_set_string_member (record, "resolution", resolution);
      json_object_set_string_member (record, "closed_at", at);
    }

  *household_id = g_strdup (owner);
  return write_local_record (self, kind->record_kind, id, owner, version, record, error);
}

static gboolean
validate_change (const MutationKind  *kind,
                 JsonObject          *payload,
                 GError             **error)
{
  AnbuMutationKind mutation_kind;
  gboolean added_base = FALSE;
  gboolean valid;

  if (!anbu_mutation_kind_from_string (kind->mutation, &mutation_kind))
    g_return_val_if_reached (FALSE);
  if (mutation_kind == ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE
      && !json_object_has_member (payload, "base_version"))
    {
      json_object_set_int_member (payload, "base_version", 0);
      added_base = TRUE;
    }
  valid = anbu_mutation_validate_payload (mutation_kind, payload, error);
  if (added_base)
    json_object_remove_member (payload, "base_version");
  return valid;
}

static void
record_change_job (AnbuReplica *self,
                   GTask       *task,
                   gpointer     task_data)
{
  ChangeData *change = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autofree char *household_id = NULL;
  const MutationKind *kind = find_mutation_kind (change->mutation_kind);
  guint kinds_changed = 0;

  payload = parse_object (change->payload_json, NULL);
  if (payload == NULL || kind == NULL)
    {
      g_task_return_new_error (task, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_INVALID,
                               _("Unknown kind of change “%s”"), change->mutation_kind);
      return;
    }

  if (change->household_id != NULL)
    {
      /* update_household: @payload holds only the fields. */
      g_autoptr(JsonObject) wrapper = json_object_new ();

      json_object_set_string_member (wrapper, "id", change->household_id);
      json_object_set_object_member (wrapper, "fields", g_steal_pointer (&payload));
      payload = g_steal_pointer (&wrapper);
    }

  /* Facts born here get their id here, so a resend is harmless. */
  if (g_str_has_suffix (kind->mutation, ".create") && !json_object_has_member (payload, "id"))
    {
      g_autofree char *id = g_uuid_string_random ();

      json_object_set_string_member (payload, "id", id);
    }

  change->mutation_id = g_uuid_string_random ();

  /* The same rules as the server's (src/core), checked before anything is
   * written; household.update gets its base version inside the transaction. */
  if (!validate_change (kind, payload, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!begin (self, &error)
      || !apply_local_change (self, kind, payload, &household_id, &kinds_changed, &error)
      || !write_outbox_entry (self, change->mutation_id, kind->mutation, household_id, payload,
                              &error)
      || !commit (self, &error))
    {
      rollback (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  publish (self, kinds_changed, TRUE);
  g_task_return_pointer (task, g_strdup (change->mutation_id), g_free);
}

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
  JsonObject *record = load_record (self, query->kind, query->id, NULL, NULL, &error);

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
      stmt = statement (self, "SELECT id, body FROM records WHERE kind = ? AND household_id = ? "
                              "ORDER BY id", &error);
      if (stmt != NULL)
        bind_text (stmt, 2, query->household_id);
    }
  else
    stmt = statement (self, "SELECT id, body FROM records WHERE kind = ? ORDER BY id", &error);
  if (stmt == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  bind_text (stmt, 1, query->kind);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      g_autofree char *text = decrypt_column (self, stmt, 1, query->kind, id, &error);
      JsonObject *record = text ? parse_object (text, &error) : NULL;

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
      set_sqlite_error (self, &error, rc);
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
  sqlite3_stmt *stmt = statement (self, "SELECT count(*) FROM records WHERE kind = ?", &error);
  gint64 count = 0;
  int rc;

  if (stmt == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  bind_text (stmt, 1, query->kind);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (self, &error, rc);
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

  stmt = statement (self, "SELECT seq, id, kind, household_id, state, created_at, reason_code, "
                          "reason_field, payload, reason FROM outbox ORDER BY seq", &error);
  if (stmt == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 1);
      g_autofree char *payload = decrypt_column (self, stmt, 8, "outbox", id, &error);
      g_autofree char *reason = NULL;
      g_autoptr(JsonObject) reason_object = NULL;
      AnbuOutboxState state = ANBU_OUTBOX_STATE_PENDING;

      if (payload != NULL && sqlite3_column_type (stmt, 9) == SQLITE_BLOB)
        {
          reason = decrypt_column (self, stmt, 9, "reason", id, &error);
          reason_object = reason ? parse_object (reason, &error) : NULL;
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
                                              object_get_string (reason_object, "message")));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, &error, rc);
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

  stmt = statement (self, "SELECT c.mutation_id, c.field, c.household_id, c.server_version, c.body "
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
      g_autofree char *text = decrypt_column (self, stmt, 4, "conflict", context, &error);
      g_autoptr(JsonObject) body = text ? parse_object (text, &error) : NULL;
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
      set_sqlite_error (self, &error, rc);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&conflicts), (GDestroyNotify) g_ptr_array_unref);
}

/* ---------------------------------------------------------------------- */
/* Conflicts and rejections                                                */

typedef struct
{
  char                   *mutation_id;
  char                   *field;
  AnbuConflictResolution  resolution;
} ResolveData;

static void
resolve_data_free (gpointer data)
{
  ResolveData *resolve = data;

  g_free (resolve->mutation_id);
  g_free (resolve->field);
  g_free (resolve);
}

static gboolean
resolve_conflict (AnbuReplica   *self,
                  ResolveData   *resolve,
                  guint         *kinds_changed,
                  GError       **error)
{
  g_autofree char *context = g_strconcat (resolve->mutation_id, "/", resolve->field, NULL);
  g_autofree char *household_id = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) record = NULL;
  JsonNode *chosen;
  sqlite3_stmt *stmt;
  gint64 server_version = 0;
  gint64 version = 0;
  gint64 remaining = 0;
  int rc;

  stmt = statement (self, "SELECT household_id, server_version, body FROM conflicts "
                          "WHERE mutation_id = ? AND field = ?", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, resolve->mutation_id);
  bind_text (stmt, 2, resolve->field);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      household_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      server_version = sqlite3_column_int64 (stmt, 1);
      text = decrypt_column (self, stmt, 2, "conflict", context, error);
    }
  else if (rc == SQLITE_DONE)
    g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_UNKNOWN,
                 _("This conflict was already resolved"));
  else
    set_sqlite_error (self, error, rc);
  sqlite3_reset (stmt);
  if (text == NULL || (body = parse_object (text, error)) == NULL)
    return FALSE;

  chosen = json_object_get_member (body, resolve->resolution == ANBU_CONFLICT_KEEP_MINE
                                            ? "mine" : "theirs");
  if (chosen == NULL)
    {
      set_damaged_error (error);
      return FALSE;
    }

  /* The household may have left the caseload meanwhile: then only the
   * conflict goes. */
  record = load_record (self, "household", household_id, &version, NULL, NULL);
  if (record != NULL)
    {
      json_object_set_member (record, resolve->field, json_node_copy (chosen));
      if (!write_local_record (self, "household", household_id, household_id, version, record,
                               error))
        return FALSE;
      *kinds_changed |= record_kind_bit ("household");
    }

  if (resolve->resolution == ANBU_CONFLICT_KEEP_MINE)
    {
      g_autoptr(JsonObject) payload = json_object_new ();
      g_autoptr(JsonObject) fields = json_object_new ();
      g_autofree char *mutation_id = g_uuid_string_random ();

      json_object_set_member (fields, resolve->field, json_node_copy (chosen));
      json_object_set_string_member (payload, "id", household_id);
      json_object_set_int_member (payload, "base_version", MAX (server_version, version));
      json_object_set_object_member (payload, "fields", g_steal_pointer (&fields));
      if (!write_outbox_entry (self, mutation_id, "household.update", household_id, payload, error))
        return FALSE;
    }

  stmt = statement (self, "DELETE FROM conflicts WHERE mutation_id = ? AND field = ?", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, resolve->mutation_id);
  bind_text (stmt, 2, resolve->field);
  if (!step_done (self, stmt, error))
    return FALSE;

  stmt = statement (self, "SELECT count(*) FROM conflicts WHERE mutation_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, resolve->mutation_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    remaining = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (remaining == 0)
    {
      stmt = statement (self, "DELETE FROM outbox WHERE id = ? AND state = 'conflict'", error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, resolve->mutation_id);
      if (!step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static void
resolve_conflict_job (AnbuReplica *self,
                      GTask       *task,
                      gpointer     task_data)
{
  g_autoptr(GError) error = NULL;
  guint kinds_changed = 0;

  if (!begin (self, &error)
      || !resolve_conflict (self, task_data, &kinds_changed, &error)
      || !commit (self, &error))
    {
      rollback (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  publish (self, kinds_changed, TRUE);
  g_task_return_boolean (task, TRUE);
}

static void
dismiss_rejection_job (AnbuReplica *self,
                       GTask       *task,
                       gpointer     task_data)
{
  ResolveData *resolve = task_data;
  GError *error = NULL;
  sqlite3_stmt *stmt = statement (self, "DELETE FROM outbox WHERE id = ? AND state = 'rejected'",
                                  &error);

  if (stmt == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  bind_text (stmt, 1, resolve->mutation_id);
  if (!step_done (self, stmt, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (sqlite3_changes (self->db) == 0)
    {
      g_task_return_new_error (task, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_UNKNOWN,
                               _("There is no such refused change"));
      return;
    }
  publish (self, 0, TRUE);
  g_task_return_boolean (task, TRUE);
}

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
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);

  if (!json_parser_load_from_data (parser, data, (gssize) len, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      set_bad_answer (error, "JSON");
      return NULL;
    }
  return json_parser_steal_root (parser);
}

static gboolean
apply_pull (AnbuReplica  *self,
            SyncData     *sync,
            JsonObject   *root,
            guint        *kinds_changed,
            GError      **error)
{
  JsonNode *changes_node = json_object_get_member (root, "changes");
  const char *cursor = object_get_string (root, "cursor");
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
      g_autofree char *stored = read_meta (self, "cursor", &local_error);

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
      kind = object_get_string (change, "kind");
      op = object_get_string (change, "op");
      id = object_get_string (change, "id");
      if (kind == NULL || op == NULL || id == NULL)
        {
          set_bad_answer (error, "change");
          return FALSE;
        }
      if (record_kind_bit (kind) == 0)
        {
          g_debug ("Skipping a change of unknown kind %s", kind);
          continue;
        }
      if (g_str_equal (op, "upsert"))
        {
          if (!store_server_record (self, kind, id, json_object_get_member (change, "record"),
                                    kinds_changed, error))
            return FALSE;
        }
      else if (g_str_equal (op, "remove"))
        {
          if (!remove_record (self, kind, id, kinds_changed, error))
            return FALSE;
        }
      else
        {
          set_bad_answer (error, "op");
          return FALSE;
        }
    }
  sync->n_changes = n;

  if (!write_meta (self, "cursor", cursor, error))
    return FALSE;
  if (!sync->has_more)
    {
      g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time ());

      if (!write_meta (self, "last_sync", now, error))
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
      const char *cursor = object_get_string (object, "cursor");
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
          run_on_context (g_task_get_context (task), emit_page_parsed, page, page_parsed_free);
        }
    }

  if (root == NULL
      || !begin (self, &error)
      || !apply_pull (self, sync, json_node_get_object (root), &kinds_changed, &error)
      || (applied = g_get_monotonic_time ()) == 0
      || !commit (self, &error))
    {
      rollback (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_debug ("Pulled page: %u changes, parsed in %.3f s, applied in %.3f s, committed in %.3f s",
           sync->n_changes, (parsed - started) / 1e6, (applied - parsed) / 1e6,
           (g_get_monotonic_time () - applied) / 1e6);

  g_mutex_lock (&self->lock);
  g_free (self->cursor);
  self->cursor = g_strdup (object_get_string (json_node_get_object (root), "cursor"));
  if (!sync->has_more)
    self->last_sync_usec = g_get_real_time ();
  g_mutex_unlock (&self->lock);

  publish (self, kinds_changed, FALSE);
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

  if (!begin (self, &error))
    goto fail;
  stmt = statement (self, "SELECT id, kind, payload FROM outbox WHERE state IN ('pending', 'sent') "
                          "ORDER BY seq LIMIT ?", &error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int (stmt, 1, (int) sync->limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      const char *kind = (const char *) sqlite3_column_text (stmt, 1);
      g_autofree char *payload = decrypt_column (self, stmt, 2, "outbox", id, &error);

      if (payload == NULL)
        {
          sqlite3_reset (stmt);
          goto fail;
        }
      /* ids are our UUIDs and kinds our fixed names: nothing to escape. */
      g_string_append_printf (body, "%s{\"id\":\"%s\",\"kind\":\"%s\",\"payload\":%s}",
                              count > 0 ? "," : "", id, kind, payload);
      g_strv_builder_add (ids, id);
      count++;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, &error, rc);
      goto fail;
    }
  g_string_append (body, "]}");

  if (count > 0)
    {
      stmt = statement (self, "UPDATE outbox SET state = 'sent', attempts = attempts + 1 "
                              "WHERE state = 'pending' AND seq IN (SELECT seq FROM outbox "
                              "WHERE state IN ('pending', 'sent') ORDER BY seq LIMIT ?)", &error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int (stmt, 1, (int) count);
      if (!step_done (self, stmt, &error))
        goto fail;
    }
  if (!commit (self, &error))
    goto fail;

  sync->ids = g_strv_builder_end (ids);
  g_task_return_pointer (task, g_string_free_to_bytes (g_steal_pointer (&body)),
                         (GDestroyNotify) g_bytes_unref);
  return;

fail:
  rollback (self);
  g_task_return_error (task, g_steal_pointer (&error));
}

static const MutationKind *
load_outbox_entry (AnbuReplica  *self,
                   const char   *id,
                   JsonObject  **payload,
                   char        **household_id,
                   GError      **error)
{
  sqlite3_stmt *stmt = statement (self, "SELECT kind, payload, household_id FROM outbox "
                                        "WHERE id = ?", error);
  const MutationKind *kind = NULL;
  g_autofree char *text = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      kind = find_mutation_kind ((const char *) sqlite3_column_text (stmt, 0));
      text = decrypt_column (self, stmt, 1, "outbox", id, error);
      *household_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
    }
  else if (rc != SQLITE_DONE)
    set_sqlite_error (self, error, rc);
  sqlite3_reset (stmt);
  if (text == NULL || (*payload = parse_object (text, error)) == NULL)
    return NULL;
  return kind;
}

static gboolean
delete_outbox_entry (AnbuReplica  *self,
                     const char   *id,
                     GError      **error)
{
  sqlite3_stmt *stmt = statement (self, "DELETE FROM outbox WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  return step_done (self, stmt, error);
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
      const char *field = object_get_string (conflict, "field");
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
      text = object_to_string (body);
      context = g_strconcat (mutation_id, "/", field, NULL);

      stmt = statement (self, "INSERT INTO conflicts (mutation_id, field, household_id, "
                              "server_version, body) VALUES (?, ?, ?, ?, ?) "
                              "ON CONFLICT (mutation_id, field) DO UPDATE SET "
                              "server_version = excluded.server_version, body = excluded.body",
                        error);
      if (stmt == NULL)
        return FALSE;
      blob = encrypt_text (self, text, "conflict", context, &len);
      bind_text (stmt, 1, mutation_id);
      bind_text (stmt, 2, field);
      bind_text (stmt, 3, household_id);
      sqlite3_bind_int64 (stmt, 4, server_version);
      bind_blob_take (stmt, 5, blob, len);
      if (!step_done (self, stmt, error))
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
  const char *status = object_get_string (result, "status");
  g_autoptr(JsonObject) payload = NULL;
  g_autofree char *household_id = NULL;
  const MutationKind *kind;
  JsonNode *record = json_object_get_member (result, "record");
  const char *record_id;

  kind = load_outbox_entry (self, id, &payload, &household_id, error);
  if (kind == NULL)
    return error == NULL || *error == NULL;  /* gone meanwhile: nothing to do */
  record_id = object_get_string (payload, kind->id_member);

  if (g_strcmp0 (status, "applied") == 0 || g_strcmp0 (status, "duplicate") == 0)
    {
      if (g_str_equal (status, "applied"))
        sync->summary.applied++;
      else
        sync->summary.duplicate++;
      if (!delete_outbox_entry (self, id, error))
        return FALSE;
      if (record != NULL && JSON_NODE_HOLDS_OBJECT (record) && record_id != NULL)
        return store_server_record (self, kind->record_kind, record_id, record, kinds_changed,
                                    error);
      return TRUE;
    }

  if (g_strcmp0 (status, "conflict") == 0)
    {
      gint64 server_version = object_get_int (result, "version", -1);
      sqlite3_stmt *stmt;

      sync->summary.conflict++;
      if (server_version < 0 && record != NULL && JSON_NODE_HOLDS_OBJECT (record))
        server_version = object_get_int (json_node_get_object (record), "version", 0);
      if (server_version < 0)
        server_version = 0;
      /* The entry leaves the queue before the record is stored, so its
       * conflicting fields are not laid over the server's values. */
      stmt = statement (self, "UPDATE outbox SET state = 'conflict' WHERE id = ?", error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, id);
      if (!step_done (self, stmt, error)
          || !store_conflicts (self, id, household_id, server_version, result, error))
        return FALSE;
      if (record != NULL && JSON_NODE_HOLDS_OBJECT (record) && record_id != NULL)
        return store_server_record (self, kind->record_kind, record_id, record, kinds_changed,
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
                                     object_get_string (result, "message")
                                       ? object_get_string (result, "message") : "");
      reason_text = object_to_string (reason);
      stmt = statement (self, "UPDATE outbox SET state = 'rejected', reason_code = ?, "
                              "reason_field = ?, reason = ? WHERE id = ?", error);
      if (stmt == NULL)
        return FALSE;
      blob = encrypt_text (self, reason_text, "reason", id, &len);
      bind_text (stmt, 1, object_get_string (result, "code") ? object_get_string (result, "code")
                                                             : "rejected");
      bind_text (stmt, 2, object_get_string (result, "field"));
      bind_blob_take (stmt, 3, blob, len);
      bind_text (stmt, 4, id);
      if (!step_done (self, stmt, error))
        return FALSE;
      /* A record the server never accepted is not part of the caseload;
       * the refused entry keeps what the planner wrote. */
      if (g_str_has_suffix (kind->mutation, ".create") && record_id != NULL)
        return remove_record (self, kind->record_kind, record_id, kinds_changed, error);
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
          || (id = object_get_string (json_node_get_object (node), "id")) == NULL)
        {
          set_bad_answer (&error, "result");
          goto fail;
        }
      g_hash_table_insert (by_id, (gpointer) id, json_node_get_object (node));
    }

  if (!begin (self, &error))
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
  if (!commit (self, &error))
    goto fail;

  publish (self, kinds_changed, TRUE);
  g_task_return_boolean (task, TRUE);
  return;

fail:
  rollback (self);
  g_task_return_error (task, g_steal_pointer (&error));
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

  if (!write_secret (self, secret->name, secret->value, &error))
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
  g_autofree char *wrapped = read_meta (self, "wrapped_key", &error);
  g_autofree char *rewrapped = NULL;

  if (wrapped == NULL)
    {
      if (error == NULL)
        set_damaged_error (&error);
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
  if (!write_meta (self, "wrapped_key", rewrapped, &error))
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

static GTask *
new_task (AnbuReplica         *self,
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
  task = new_task (self, cancellable, callback, user_data, source_tag, open, open_data_free);
  run_job (self, task, func);
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
  start_open (path, open, rebuild_job, anbu_replica_rebuild_async, cancellable, callback,
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
  remove_sidecars (path);
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
  task = new_task (self, cancellable, callback, user_data, anbu_replica_set_secret_async,
                   secret, secret_data_free);
  run_job (self, task, set_secret_job);
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
  task = new_task (self, cancellable, callback, user_data, anbu_replica_change_password_async,
                   open, open_data_free);
  run_job (self, task, change_password_job);
}

gboolean
anbu_replica_change_password_finish (AnbuReplica   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * anbu_replica_record_change_async:
 * @mutation_kind: one of the kinds of docs/api.md ("visit.create", …)
 * @payload: its payload; for *.create an "id" is made if missing
 *
 * Applies a local change to the replica and queues it in the outbox, in one
 * transaction: either both happen or neither. The finish function returns
 * the mutation id (a new UUID).
 */
void
anbu_replica_record_change_async (AnbuReplica         *self,
                                  const char          *mutation_kind,
                                  JsonObject          *payload,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ChangeData *change = g_new0 (ChangeData, 1);

  g_return_if_fail (ANBU_IS_REPLICA (self));
  g_return_if_fail (mutation_kind != NULL);
  g_return_if_fail (payload != NULL);

  change->mutation_kind = g_strdup (mutation_kind);
  change->payload_json = object_to_string (payload);
  task = new_task (self, cancellable, callback, user_data, anbu_replica_record_change_async,
                   change, change_data_free);
  run_job (self, task, record_change_job);
}

/**
 * anbu_replica_update_household_async:
 * @fields: the household fields the planner changed, with their new values
 *
 * Edits a household in place and queues a household.update from its
 * current version (field merge, DESIGN.md §5). Finish with
 * anbu_replica_record_change_finish().
 */
void
anbu_replica_update_household_async (AnbuReplica         *self,
                                     const char          *household_id,
                                     JsonObject          *fields,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ChangeData *change = g_new0 (ChangeData, 1);

  g_return_if_fail (ANBU_IS_REPLICA (self));
  g_return_if_fail (household_id != NULL);
  g_return_if_fail (fields != NULL);

  change->mutation_kind = g_strdup ("household.update");
  change->household_id = g_strdup (household_id);
  change->payload_json = object_to_string (fields);
  task = new_task (self, cancellable, callback, user_data, anbu_replica_record_change_async,
                   change, change_data_free);
  run_job (self, task, record_change_job);
}

char *
anbu_replica_record_change_finish (AnbuReplica   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

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
  task = new_task (self, cancellable, callback, user_data, anbu_replica_get_record_async,
                   query, query_data_free);
  run_job (self, task, get_record_job);
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
  task = new_task (self, cancellable, callback, user_data, anbu_replica_list_records_async,
                   query, query_data_free);
  run_job (self, task, list_records_job);
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
  task = new_task (self, cancellable, callback, user_data, anbu_replica_count_records_async,
                   query, query_data_free);
  run_job (self, task, count_records_job);
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

  task = new_task (self, cancellable, callback, user_data, anbu_replica_list_outbox_async,
                   NULL, NULL);
  run_job (self, task, list_outbox_job);
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

  task = new_task (self, cancellable, callback, user_data, anbu_replica_list_conflicts_async,
                   NULL, NULL);
  run_job (self, task, list_conflicts_job);
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

/**
 * anbu_replica_resolve_conflict_async:
 *
 * Keep mine: the local household takes my value and a new household.update
 * based on the server's version is queued. Take theirs: the local household
 * takes the server's value. Either way the conflict goes.
 */
void
anbu_replica_resolve_conflict_async (AnbuReplica            *self,
                                     const char             *mutation_id,
                                     const char             *field,
                                     AnbuConflictResolution  resolution,
                                     GCancellable           *cancellable,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  ResolveData *resolve = g_new0 (ResolveData, 1);

  g_return_if_fail (ANBU_IS_REPLICA (self));
  g_return_if_fail (mutation_id != NULL && field != NULL);

  resolve->mutation_id = g_strdup (mutation_id);
  resolve->field = g_strdup (field);
  resolve->resolution = resolution;
  task = new_task (self, cancellable, callback, user_data, anbu_replica_resolve_conflict_async,
                   resolve, resolve_data_free);
  run_job (self, task, resolve_conflict_job);
}

gboolean
anbu_replica_resolve_conflict_finish (AnbuReplica   *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * anbu_replica_dismiss_rejection_async:
 *
 * Removes a refused entry once the planner has read why.
 */
void
anbu_replica_dismiss_rejection_async (AnbuReplica         *self,
                                      const char          *mutation_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ResolveData *resolve = g_new0 (ResolveData, 1);

  g_return_if_fail (ANBU_IS_REPLICA (self));
  g_return_if_fail (mutation_id != NULL);

  resolve->mutation_id = g_strdup (mutation_id);
  task = new_task (self, cancellable, callback, user_data, anbu_replica_dismiss_rejection_async,
                   resolve, resolve_data_free);
  run_job (self, task, dismiss_rejection_job);
}

gboolean
anbu_replica_dismiss_rejection_finish (AnbuReplica   *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

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
  task = new_task (self, cancellable, callback, user_data, anbu_replica_apply_pull_async,
                   sync, sync_data_free);
  run_job (self, task, apply_pull_job);
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
  task = new_task (self, cancellable, callback, user_data, anbu_replica_apply_pull_async,
                   sync, sync_data_free);
  run_job (self, task, apply_pull_job);
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
  task = new_task (self, cancellable, callback, user_data, anbu_replica_prepare_push_async,
                   sync, sync_data_free);
  run_job (self, task, prepare_push_job);
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
  task = new_task (self, cancellable, callback, user_data, anbu_replica_apply_push_async,
                   sync, sync_data_free);
  run_job (self, task, apply_push_job);
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
