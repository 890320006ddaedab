/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-api-client.h"
#include "anbu-case-store.h"
#include "anbu-replica.h"
#include "anbu-session.h"

G_BEGIN_DECLS

/*
 * AnbuCaseStore over the signed-in planner's encrypted replica: records and
 * local changes (with their outbox entry, one transaction) from AnbuReplica,
 * offline copies of figures and charts kept as replica secrets (encrypted
 * with the rest), and GET requests through the session's AnbuApiClient for
 * what only the server computes (series, statistics).
 *
 * The app's hook after sign-in or unlock:
 *   store = anbu_replica_case_store_new_for_session (session);
 *   casework = anbu_casework_new (ANBU_CASE_STORE (store));
 *   anbu_context_set_casework (anbu_application_get_context (app), casework);
 */
#define ANBU_TYPE_REPLICA_CASE_STORE (anbu_replica_case_store_get_type ())
G_DECLARE_FINAL_TYPE (AnbuReplicaCaseStore, anbu_replica_case_store, ANBU, REPLICA_CASE_STORE, GObject)

AnbuReplicaCaseStore *anbu_replica_case_store_new         (AnbuReplica          *replica,
                                                           const char           *user_id);
/* The replica, the user id and the API client of an unlocked session. */
AnbuReplicaCaseStore *anbu_replica_case_store_new_for_session (AnbuSession      *session);
/* NULL: no server (fetches fail at once with G_IO_ERROR_NETWORK_UNREACHABLE). */
void                  anbu_replica_case_store_set_api_client (AnbuReplicaCaseStore *self,
                                                              AnbuApiClient        *api_client);
/* Passes the channel's plug frames on as the store's "plug-live" signal. */
void                  anbu_replica_case_store_set_live_channel (AnbuReplicaCaseStore *self,
                                                                AnbuLiveChannel      *live_channel);
AnbuReplica          *anbu_replica_case_store_get_replica (AnbuReplicaCaseStore *self);

G_END_DECLS
