/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "anbu-api-client.h"
#include "anbu-replica.h"
#include "anbu-session.h"
#include "anbu-user.h"

G_BEGIN_DECLS

/*
 * Where the casework views read records and write changes: the signed-in
 * planner's encrypted replica (src/client AnbuReplica, whose calls these
 * mirror; offline copies of figures and charts are kept as replica secrets,
 * encrypted with the rest) and, for the figures that only the server
 * computes, its API (the session's AnbuApiClient).
 *
 * The app's hook after sign-in or unlock:
 *   store = anbu_case_store_new_for_session (session);
 *   casework = anbu_casework_new (store);
 *   anbu_context_set_casework (anbu_application_get_context (app), casework);
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
 * - dup_tls_database: the certificate authorities the server
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
G_DECLARE_FINAL_TYPE (AnbuCaseStore, anbu_case_store, ANBU, CASE_STORE, GObject)

AnbuCaseStore *anbu_case_store_new         (AnbuReplica          *replica,
                                                           const char           *user_id);
/* The replica, the user id and the API client of an unlocked session. */
AnbuCaseStore *anbu_case_store_new_for_session (AnbuSession      *session);
/* NULL: no server (fetches fail at once with G_IO_ERROR_NETWORK_UNREACHABLE). */
void                  anbu_case_store_set_api_client (AnbuCaseStore *self,
                                                              AnbuApiClient        *api_client);
/* Passes the channel's plug frames on as the store's "plug-live" signal. */
void                  anbu_case_store_set_live_channel (AnbuCaseStore *self,
                                                                AnbuLiveChannel      *live_channel);
AnbuReplica          *anbu_case_store_get_replica (AnbuCaseStore *self);

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
/* Several changes (one form's) in one transaction: all or none. */
void       anbu_case_store_record_changes_async  (AnbuCaseStore       *self,
                                                  GPtrArray           *mutation_kinds,
                                                  GPtrArray           *payloads,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GStrv      anbu_case_store_record_changes_finish (AnbuCaseStore       *self,
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
/* Sends `json_body` (may be NULL) with `method` to the server; finish as fetch. */
void       anbu_case_store_send_async           (AnbuCaseStore       *self,
                                                 const char          *method,
                                                 const char          *path,
                                                 const char          *json_body,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
char      *anbu_case_store_dup_cached           (AnbuCaseStore       *self,
                                                 const char          *name);
void       anbu_case_store_store_cached         (AnbuCaseStore       *self,
                                                 const char          *name,
                                                 const char          *value);
/* The signed-in planner's user id (visits and contacts name who made them). */
char      *anbu_case_store_dup_user_id          (AnbuCaseStore       *self);
/* The signed-in user as the server described them (role, 동 codes); NULL
 * before a sign-in stored it. */
AnbuUser  *anbu_case_store_dup_user             (AnbuCaseStore       *self);
/* Whether the signed-in user is an administrator (the caseload view). */
gboolean   anbu_case_store_get_is_admin         (AnbuCaseStore       *self);
void       anbu_case_store_set_is_admin         (AnbuCaseStore       *self,
                                                 gboolean             is_admin);
/* The signed-in user's role ("planner", "control", "admin"); NULL: unknown. */
const char *anbu_case_store_get_role            (AnbuCaseStore       *self);
void       anbu_case_store_set_role             (AnbuCaseStore       *self,
                                                 const char          *role);
AnbuLiveChannel *anbu_case_store_get_live_channel (AnbuCaseStore     *self);
GTlsDatabase *anbu_case_store_dup_tls_database  (AnbuCaseStore       *self);

G_END_DECLS
