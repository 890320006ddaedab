/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Where the casework views read records and write changes: the signed-in
 * planner's encrypted replica (src/client AnbuReplica, whose calls these
 * mirror) and, for the figures that only the server computes, its API.
 *
 * - list_records: the records of one kind ("household", "plug", "alert",
 *   "contact", "visit", "absence"), optionally of one household, as the
 *   JSON objects of docs/records.md. Runs off the main thread.
 * - record_change: one local change (a mutation kind of docs/api.md and its
 *   payload), written with its outbox entry in one transaction so that it
 *   survives a crash and reaches the server exactly once. Answers the
 *   mutation id.
 * - fetch: GET a server path ("/api/v1/stats?…") and answer the JSON body;
 *   fails with G_IO_ERROR_NETWORK_UNREACHABLE (or another G_IO_ERROR) offline.
 * - dup_tls_database (optional): the certificate authorities the server
 *   connection trusts, for whatever else talks to that server (map tiles);
 *   NULL: the system's.
 * - dup_cached / store_cached: small named texts kept with the replica (the
 *   last fetched figures and chart series, for offline viewing).
 * - "changed" signal: records changed (a pull, a push result, a local change).
 * - "plug-live" signal (JsonObject record): a plug's current live fields
 *   (serial, household_id, last_seen_at, last_watts, last_lux,
 *   last_activity_at) from the live channel, seconds old; not written to the
 *   replica (the synced plug record brings them, at most ~15 minutes behind).
 */

#define ANBU_TYPE_CASE_STORE (anbu_case_store_get_type ())
G_DECLARE_INTERFACE (AnbuCaseStore, anbu_case_store, ANBU, CASE_STORE, GObject)

struct _AnbuCaseStoreInterface
{
  GTypeInterface parent_iface;

  void       (*list_records_async)  (AnbuCaseStore       *self,
                                     const char          *kind,
                                     const char          *household_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
  GPtrArray *(*list_records_finish) (AnbuCaseStore       *self,
                                     GAsyncResult        *result,
                                     GError             **error);
  void       (*record_change_async) (AnbuCaseStore       *self,
                                     const char          *mutation_kind,
                                     JsonObject          *payload,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
  char      *(*record_change_finish) (AnbuCaseStore      *self,
                                      GAsyncResult       *result,
                                      GError            **error);
  void       (*fetch_async)         (AnbuCaseStore       *self,
                                     const char          *path,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
  GBytes    *(*fetch_finish)        (AnbuCaseStore       *self,
                                     GAsyncResult        *result,
                                     GError             **error);
  char      *(*dup_cached)          (AnbuCaseStore       *self,
                                     const char          *name);
  void       (*store_cached)        (AnbuCaseStore       *self,
                                     const char          *name,
                                     const char          *value);
  char      *(*dup_user_id)         (AnbuCaseStore       *self);
  GTlsDatabase *(*dup_tls_database) (AnbuCaseStore       *self);
};

void       anbu_case_store_list_records_async   (AnbuCaseStore       *self,
                                                 const char          *kind,
                                                 const char          *household_id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
GPtrArray *anbu_case_store_list_records_finish  (AnbuCaseStore       *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
void       anbu_case_store_record_change_async  (AnbuCaseStore       *self,
                                                 const char          *mutation_kind,
                                                 JsonObject          *payload,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
char      *anbu_case_store_record_change_finish (AnbuCaseStore       *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
void       anbu_case_store_fetch_async          (AnbuCaseStore       *self,
                                                 const char          *path,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
GBytes    *anbu_case_store_fetch_finish         (AnbuCaseStore       *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
char      *anbu_case_store_dup_cached           (AnbuCaseStore       *self,
                                                 const char          *name);
void       anbu_case_store_store_cached         (AnbuCaseStore       *self,
                                                 const char          *name,
                                                 const char          *value);
/* The signed-in planner's user id (visits and contacts name who made them). */
char      *anbu_case_store_dup_user_id          (AnbuCaseStore       *self);
GTlsDatabase *anbu_case_store_dup_tls_database  (AnbuCaseStore       *self);
void       anbu_case_store_emit_changed         (AnbuCaseStore       *self);
void       anbu_case_store_emit_plug_live       (AnbuCaseStore       *self,
                                                 JsonObject          *record);

G_END_DECLS
