/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-case-store.h"
#include "anbu-replica.h"

G_BEGIN_DECLS

/*
 * AnbuCaseStore over the signed-in planner's encrypted replica: records and
 * local changes (with their outbox entry, one transaction) from AnbuReplica,
 * offline copies of figures and charts kept as replica secrets (encrypted
 * with the rest), and GET requests to the server with the session's bearer
 * token for what only the server computes (series, statistics).
 */
#define ANBU_TYPE_REPLICA_CASE_STORE (anbu_replica_case_store_get_type ())
G_DECLARE_FINAL_TYPE (AnbuReplicaCaseStore, anbu_replica_case_store, ANBU, REPLICA_CASE_STORE, GObject)

AnbuReplicaCaseStore *anbu_replica_case_store_new         (AnbuReplica          *replica,
                                                           const char           *user_id);
/* Where and as whom to fetch; NULL @token: offline (fetches fail at once). */
void                  anbu_replica_case_store_set_session (AnbuReplicaCaseStore *self,
                                                           const char           *server_url,
                                                           const char           *token);
AnbuReplica          *anbu_replica_case_store_get_replica (AnbuReplicaCaseStore *self);

G_END_DECLS
