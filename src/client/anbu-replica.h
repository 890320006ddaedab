/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "anbu-conflict.h"
#include "anbu-outbox-entry.h"

G_BEGIN_DECLS

#define ANBU_REPLICA_ERROR (anbu_replica_error_quark ())

typedef enum
{
  ANBU_REPLICA_ERROR_NOT_FOUND,       /* no replica at this path (first sign-in needs the server) */
  ANBU_REPLICA_ERROR_EXISTS,          /* a replica is already there (sign out first) */
  ANBU_REPLICA_ERROR_WRONG_PASSWORD,  /* the password does not unlock this replica */
  ANBU_REPLICA_ERROR_CORRUPT,         /* the file is damaged: rebuild it from the server */
  ANBU_REPLICA_ERROR_TOO_NEW,         /* written by a newer Anbu */
  ANBU_REPLICA_ERROR_INVALID,         /* a change or a server answer of the wrong shape */
  ANBU_REPLICA_ERROR_UNKNOWN,         /* no such record, conflict or outbox entry */
  ANBU_REPLICA_ERROR_FAILED,          /* the disk refused (read-only, I/O error) */
  ANBU_REPLICA_ERROR_DISK_FULL,       /* the disk is full: nothing of the change was written */
} AnbuReplicaError;

typedef struct
{
  guint applied;
  guint duplicate;
  guint conflict;
  guint rejected;
  guint unanswered;
} AnbuPushSummary;

#define ANBU_TYPE_REPLICA (anbu_replica_get_type ())
G_DECLARE_FINAL_TYPE (AnbuReplica, anbu_replica, ANBU, REPLICA, GObject)

GQuark       anbu_replica_error_quark              (void);

void         anbu_replica_create_async             (const char           *path,
                                                    const char           *password,
                                                    guint64               opslimit,
                                                    gsize                 memlimit,
                                                    const char *const    *plain_meta,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
void         anbu_replica_open_async               (const char           *path,
                                                    const char           *password,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
void         anbu_replica_rebuild_async            (const char           *path,
                                                    const char           *password,
                                                    const char *const    *plain_meta,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
AnbuReplica *anbu_replica_open_finish              (GAsyncResult         *result,
                                                    guint                *n_salvaged,
                                                    guint                *n_lost,
                                                    GError              **error);

void         anbu_replica_peek_async               (const char           *path,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
GHashTable  *anbu_replica_peek_finish              (GAsyncResult         *result,
                                                    GError              **error);
gboolean     anbu_replica_delete_files             (const char           *path,
                                                    GError              **error);

const char  *anbu_replica_get_path                 (AnbuReplica          *self);
char        *anbu_replica_dup_cursor               (AnbuReplica          *self);
GDateTime   *anbu_replica_dup_last_sync            (AnbuReplica          *self);
guint        anbu_replica_get_pending_count        (AnbuReplica          *self);
guint        anbu_replica_get_conflict_count       (AnbuReplica          *self);
guint        anbu_replica_get_rejection_count      (AnbuReplica          *self);
char        *anbu_replica_dup_secret               (AnbuReplica          *self,
                                                    const char           *name);

void         anbu_replica_set_secret_async         (AnbuReplica          *self,
                                                    const char           *name,
                                                    const char           *value,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean     anbu_replica_set_secret_finish        (AnbuReplica          *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

void         anbu_replica_change_password_async    (AnbuReplica          *self,
                                                    const char           *old_password,
                                                    const char           *new_password,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean     anbu_replica_change_password_finish   (AnbuReplica          *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

void         anbu_replica_record_change_async      (AnbuReplica          *self,
                                                    const char           *mutation_kind,
                                                    JsonObject           *payload,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
void         anbu_replica_update_household_async   (AnbuReplica          *self,
                                                    const char           *household_id,
                                                    JsonObject           *fields,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
char        *anbu_replica_record_change_finish     (AnbuReplica          *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

/* Several changes in one transaction: all or none (see the .c). */
void         anbu_replica_record_changes_async     (AnbuReplica          *self,
                                                    GPtrArray            *mutation_kinds,
                                                    GPtrArray            *payloads,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
GStrv        anbu_replica_record_changes_finish    (AnbuReplica          *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

void         anbu_replica_get_record_async         (AnbuReplica          *self,
                                                    const char           *kind,
                                                    const char           *id,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
JsonObject  *anbu_replica_get_record_finish        (AnbuReplica          *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
void         anbu_replica_list_records_async       (AnbuReplica          *self,
                                                    const char           *kind,
                                                    const char           *household_id,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
GPtrArray   *anbu_replica_list_records_finish      (AnbuReplica          *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
void         anbu_replica_count_records_async      (AnbuReplica          *self,
                                                    const char           *kind,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gint64       anbu_replica_count_records_finish     (AnbuReplica          *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

void         anbu_replica_list_outbox_async        (AnbuReplica          *self,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
GPtrArray   *anbu_replica_list_outbox_finish       (AnbuReplica          *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
void         anbu_replica_list_conflicts_async     (AnbuReplica          *self,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
GPtrArray   *anbu_replica_list_conflicts_finish    (AnbuReplica          *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
void         anbu_replica_resolve_conflict_async   (AnbuReplica          *self,
                                                    const char           *mutation_id,
                                                    const char           *field,
                                                    AnbuConflictResolution resolution,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean     anbu_replica_resolve_conflict_finish  (AnbuReplica          *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
void         anbu_replica_dismiss_rejection_async  (AnbuReplica          *self,
                                                    const char           *mutation_id,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean     anbu_replica_dismiss_rejection_finish (AnbuReplica          *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

/* For the sync engine. */
typedef void (*AnbuReplicaPageParsedFunc) (const char *cursor,
                                           gboolean    has_more,
                                           gpointer    user_data);

void         anbu_replica_apply_pull_page_async    (AnbuReplica          *self,
                                                    const char           *since,
                                                    GBytes               *body,
                                                    AnbuReplicaPageParsedFunc parsed_func,
                                                    gpointer              parsed_data,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
void         anbu_replica_apply_pull_async         (AnbuReplica          *self,
                                                    GBytes               *body,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean     anbu_replica_apply_pull_finish        (AnbuReplica          *self,
                                                    GAsyncResult         *result,
                                                    gboolean             *has_more,
                                                    guint                *n_changes,
                                                    GError              **error);
void         anbu_replica_prepare_push_async       (AnbuReplica          *self,
                                                    guint                 limit,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
GBytes      *anbu_replica_prepare_push_finish      (AnbuReplica          *self,
                                                    GAsyncResult         *result,
                                                    GStrv                *mutation_ids,
                                                    GError              **error);
void         anbu_replica_apply_push_async         (AnbuReplica          *self,
                                                    const char *const    *mutation_ids,
                                                    GBytes               *response,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean     anbu_replica_apply_push_finish        (AnbuReplica          *self,
                                                    GAsyncResult         *result,
                                                    AnbuPushSummary      *summary,
                                                    GError              **error);

G_END_DECLS
