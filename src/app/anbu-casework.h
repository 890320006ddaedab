/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "anbu-case-store.h"
#include "anbu-caseload.h"
#include "anbu-contact.h"
#include "anbu-enums.h"
#include "anbu-household-index.h"

G_BEGIN_DECLS

/*
 * The planner's caseload as the casework views see it: every household,
 * plug, alert, contact, visit and absence of the replica, parsed on a worker
 * thread, with the searchable household index, the open alerts in order of
 * urgency and the visits due. Reloads when the store says it changed.
 * Changes go through anbu_casework_submit_async() (the store's outbox).
 */

#define ANBU_TYPE_CASEWORK (anbu_casework_get_type ())
G_DECLARE_FINAL_TYPE (AnbuCasework, anbu_casework, ANBU, CASEWORK, GObject)

AnbuCasework       *anbu_casework_new                  (AnbuCaseStore  *store);
AnbuCaseStore      *anbu_casework_get_store            (AnbuCasework   *self);
gboolean            anbu_casework_get_loaded           (AnbuCasework   *self);
void                anbu_casework_reload               (AnbuCasework   *self);
/* A (re)load is under way: what the views show may change when it ends. */
gboolean            anbu_casework_is_loading           (AnbuCasework   *self);
/* Now, by the process's clock (anbu-clock.h). µs UTC. */
gint64              anbu_casework_get_now              (AnbuCasework   *self);

AnbuHouseholdIndex *anbu_casework_get_index            (AnbuCasework   *self);
/* The household selected in the list and on the map (NULL: none). */
const char         *anbu_casework_get_selected_household_id (AnbuCasework *self);
void                anbu_casework_set_selected_household_id (AnbuCasework *self,
                                                             const char   *household_id);
GPtrArray          *anbu_casework_get_open_alerts      (AnbuCasework   *self);
GPtrArray          *anbu_casework_list_visits_due      (AnbuCasework   *self,
                                                        const GDate    *today,
                                                        const GDate    *until);
AnbuHousehold      *anbu_casework_lookup_household     (AnbuCasework   *self,
                                                        const char     *household_id);
AnbuAlert          *anbu_casework_lookup_alert         (AnbuCasework   *self,
                                                        const char     *alert_id);
AnbuPlug           *anbu_casework_find_installed_plug  (AnbuCasework   *self,
                                                        const char     *household_id);
const char         *anbu_casework_plug_installed_in    (AnbuCasework   *self,
                                                        const char     *serial);
/* Every record of one kind (alert, contact, visit, absence), borrowed
 * until the next load: one pass for views that summarise all households. */
GPtrArray          *anbu_casework_get_records          (AnbuCasework   *self,
                                                        AnbuRecordKind  kind);
/* Borrowed records of one household, newest first: kind is an alert,
 * contact, visit or absence. */
GPtrArray          *anbu_casework_list_for_household   (AnbuCasework   *self,
                                                        AnbuRecordKind  kind,
                                                        const char     *household_id);

void                anbu_casework_submit_async         (AnbuCasework        *self,
                                                        const char          *mutation_kind,
                                                        JsonObject          *payload,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
char               *anbu_casework_submit_finish        (AnbuCasework   *self,
                                                        GAsyncResult   *result,
                                                        GError        **error);
/* One form's changes, stored together or not at all (a full disk leaves
 * nothing half-written); answers their mutation ids in order. */
void                anbu_casework_submit_changes_async  (AnbuCasework        *self,
                                                         GPtrArray           *mutation_kinds,
                                                         GPtrArray           *payloads,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
GStrv               anbu_casework_submit_changes_finish (AnbuCasework   *self,
                                                         GAsyncResult   *result,
                                                         GError        **error);

G_END_DECLS
