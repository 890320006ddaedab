/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "anbu-keyring.h"
#include "anbu-replica.h"

G_BEGIN_DECLS

/* What the files of AnbuReplica share, as GNOME Text Editor splits its
 * window: anbu-replica.c (the object, opening, the worker, meta and
 * secrets), -salvage.c (rebuilding a damaged file), -records.c (records from
 * the server), -local.c (the planner's changes, conflicts and rejections),
 * -queries.c (reading for the UI) and -sync.c (pull and push). Only these
 * files include it. */

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

typedef struct
{
  const char *mutation;
  const char *record_kind;
  const char *id_member;
} MutationKind;

typedef void (*JobFunc) (AnbuReplica *self,
                         GTask       *task,
                         gpointer     task_data);

typedef struct
{
  GTask   *task;
  JobFunc  func;
} Job;

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

/* anbu-replica.c */
guint _anbu_replica_record_kind_bit (const char *kind);
const MutationKind *_anbu_replica_find_mutation_kind (const char *mutation);
void _anbu_replica_set_sqlite_error (AnbuReplica  *self,
                                     GError      **error,
                                     int           rc);
void _anbu_replica_set_damaged_error (GError **error);
sqlite3_stmt *_anbu_replica_statement (AnbuReplica  *self,
                                       const char   *sql,
                                       GError      **error);
gboolean _anbu_replica_step_done (AnbuReplica   *self,
                                  sqlite3_stmt  *stmt,
                                  GError       **error);
void _anbu_replica_bind_text (sqlite3_stmt *stmt,
                              int           index,
                              const char   *text);
void _anbu_replica_bind_blob_take (sqlite3_stmt *stmt,
                                   int           index,
                                   guint8       *blob,
                                   gsize         len);
guint8 *_anbu_replica_encrypt_text (AnbuReplica *self,
                                    const char  *text,
                                    const char  *kind,
                                    const char  *id,
                                    gsize       *out_len);
char *_anbu_replica_decrypt_column (AnbuReplica   *self,
                                    sqlite3_stmt  *stmt,
                                    int            column,
                                    const char    *kind,
                                    const char    *id,
                                    GError       **error);
JsonObject *_anbu_replica_parse_object (const char  *text,
                                        GError     **error);
char *_anbu_replica_object_to_string (JsonObject *object);
const char *_anbu_replica_object_get_string (JsonObject *object,
                                             const char *member);
gint64 _anbu_replica_object_get_int (JsonObject *object,
                                     const char *member,
                                     gint64      fallback);
void _anbu_replica_set_invalid (GError    **error,
                                const char *what);
void _anbu_replica_run_on_context (GMainContext   *context,
                                   GSourceFunc     func,
                                   gpointer        data,
                                   GDestroyNotify  notify);
void _anbu_replica_publish (AnbuReplica *self,
                            guint        kinds,
                            gboolean     outbox);
void _anbu_replica_close_database (AnbuReplica *self);
void _anbu_replica_run_job (AnbuReplica *self,
                            GTask       *task,
                            JobFunc      func);
gboolean _anbu_replica_begin (AnbuReplica  *self,
                              GError      **error);
gboolean _anbu_replica_commit (AnbuReplica  *self,
                               GError      **error);
void _anbu_replica_rollback (AnbuReplica *self);
gboolean _anbu_replica_write_meta (AnbuReplica  *self,
                                   const char   *key,
                                   const char   *value,
                                   GError      **error);
char *_anbu_replica_read_meta (AnbuReplica  *self,
                               const char   *key,
                               GError      **error);
gboolean _anbu_replica_write_secret (AnbuReplica  *self,
                                     const char   *name,
                                     const char   *value,
                                     GError      **error);
gboolean _anbu_replica_load_state (AnbuReplica  *self,
                                   GError      **error);
gboolean _anbu_replica_open_connection (AnbuReplica  *self,
                                        const char   *path,
                                        int           flags,
                                        GError      **error);
gboolean _anbu_replica_prepare_schema (AnbuReplica  *self,
                                       gboolean      durable_wal,
                                       GError      **error);
gboolean _anbu_replica_unlock_with_password (AnbuReplica  *self,
                                             const char   *password,
                                             GError      **error);
gboolean _anbu_replica_initialise_new (AnbuReplica  *self,
                                       OpenData     *open,
                                       GError      **error);
void _anbu_replica_remove_sidecars (const char *path);
GTask *_anbu_replica_new_task (AnbuReplica         *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data,
                               gpointer             source_tag,
                               gpointer             task_data,
                               GDestroyNotify       task_data_free);

/* anbu-replica-salvage.c */
void _anbu_replica_rebuild_job (AnbuReplica *self,
                                GTask       *task,
                                gpointer     task_data);

/* anbu-replica-records.c */
JsonObject *_anbu_replica_load_record (AnbuReplica  *self,
                                       const char   *kind,
                                       const char   *id,
                                       gint64       *version,
                                       char        **household_id,
                                       GError      **error);
gboolean _anbu_replica_store_server_record (AnbuReplica  *self,
                                            const char   *kind,
                                            const char   *id,
                                            JsonNode     *record_node,
                                            guint        *kinds_changed,
                                            GError      **error);
gboolean _anbu_replica_remove_record (AnbuReplica  *self,
                                      const char   *kind,
                                      const char   *id,
                                      guint        *kinds_changed,
                                      GError      **error);

G_END_DECLS
