/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "anbu-api-client.h"
#include "anbu-replica.h"

G_BEGIN_DECLS

typedef enum
{
  ANBU_SYNC_STATE_OFFLINE,  /* the server cannot be reached (retrying with backoff) */
  ANBU_SYNC_STATE_ONLINE,   /* the last sync reached the server */
  ANBU_SYNC_STATE_SYNCING,  /* a sync is running */
} AnbuSyncState;

GType anbu_sync_state_get_type (void) G_GNUC_CONST;
#define ANBU_TYPE_SYNC_STATE (anbu_sync_state_get_type ())

#define ANBU_TYPE_SYNC_ENGINE (anbu_sync_engine_get_type ())
G_DECLARE_FINAL_TYPE (AnbuSyncEngine, anbu_sync_engine, ANBU, SYNC_ENGINE, GObject)

AnbuSyncEngine *anbu_sync_engine_new                     (AnbuApiClient          *api,
                                                          AnbuReplica            *replica);

AnbuApiClient  *anbu_sync_engine_get_api_client          (AnbuSyncEngine         *self);
AnbuReplica    *anbu_sync_engine_get_replica             (AnbuSyncEngine         *self);
AnbuSyncState   anbu_sync_engine_get_state               (AnbuSyncEngine         *self);
GDateTime      *anbu_sync_engine_dup_last_sync           (AnbuSyncEngine         *self);
guint           anbu_sync_engine_get_pending_count       (AnbuSyncEngine         *self);
guint           anbu_sync_engine_get_conflict_count      (AnbuSyncEngine         *self);
guint           anbu_sync_engine_get_rejection_count     (AnbuSyncEngine         *self);
gboolean        anbu_sync_engine_get_needs_sign_in       (AnbuSyncEngine         *self);
const GError   *anbu_sync_engine_get_last_error          (AnbuSyncEngine         *self);

void            anbu_sync_engine_set_retry_limits        (AnbuSyncEngine         *self,
                                                          guint                   initial_ms,
                                                          guint                   max_ms);
void            anbu_sync_engine_set_page_size           (AnbuSyncEngine         *self,
                                                          guint                   changes_per_page);
void            anbu_sync_engine_set_batch_size          (AnbuSyncEngine         *self,
                                                          guint                   mutations_per_push);

void            anbu_sync_engine_start                   (AnbuSyncEngine         *self);
void            anbu_sync_engine_stop                    (AnbuSyncEngine         *self);
gboolean        anbu_sync_engine_get_running             (AnbuSyncEngine         *self);
void            anbu_sync_engine_request_sync            (AnbuSyncEngine         *self);
void            anbu_sync_engine_report_server_lost      (AnbuSyncEngine         *self);

void            anbu_sync_engine_sync_async              (AnbuSyncEngine         *self,
                                                          GCancellable           *cancellable,
                                                          GAsyncReadyCallback     callback,
                                                          gpointer                user_data);
gboolean        anbu_sync_engine_sync_finish             (AnbuSyncEngine         *self,
                                                          GAsyncResult           *result,
                                                          GError                **error);

void            anbu_sync_engine_resolve_conflict_async  (AnbuSyncEngine         *self,
                                                          const char             *mutation_id,
                                                          const char             *field,
                                                          AnbuConflictResolution  resolution,
                                                          GCancellable           *cancellable,
                                                          GAsyncReadyCallback     callback,
                                                          gpointer                user_data);
gboolean        anbu_sync_engine_resolve_conflict_finish (AnbuSyncEngine         *self,
                                                          GAsyncResult           *result,
                                                          GError                **error);

G_END_DECLS
