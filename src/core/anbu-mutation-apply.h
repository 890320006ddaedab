/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "anbu-absence.h"
#include "anbu-alert.h"
#include "anbu-contact.h"
#include "anbu-enums.h"
#include "anbu-household.h"
#include "anbu-mutation.h"
#include "anbu-plug.h"
#include "anbu-visit.h"

G_BEGIN_DECLS

/*
 * What a mutation does to the records, written once: the server applies it
 * to store a change, the replica applies it to show the planner offline
 * exactly what the server will store.
 *
 * The caller loads the records the mutation names (the server from its
 * store, inside the caller's scope; the replica from its local copy) into
 * an AnbuMutationRecords, and anbu_mutation_apply() changes them in place
 * or fills in the ones the mutation creates. What only the server knows
 * stays with the server: the versions it assigns, updated_at, scope checks,
 * whether an id exists elsewhere in its database.
 *
 * Per kind (in = given by the caller, out = left by the applier):
 *   household.create   out household (planner_id defaults to a planner actor)
 *   household.update   in/out household; in field_versions (NULL: no other
 *                      edit known); out changed_fields, conflicts
 *   household.close    in/out household; out changed_fields
 *   plug.install       in plug (the plug with this serial, if any);
 *                      in household (optional: refused when closed); out plug
 *   plug.replace       in old_plug (NULL: refused), in plug (the plug with the
 *                      new serial, if any), in household (optional);
 *                      out old_plug (taken out), plug (the new one)
 *   plug.remove        in/out plug (required)
 *   plug.mark          in/out plug (required, installed)
 *   visit.create       in household (optional); out visit
 *   contact.create     in household (optional); out contact
 *   absence.create     in household (optional); out absence
 *   alert.acknowledge  in/out alert (required)
 *   alert.resolve      in/out alert (required)
 *   alert.claim        in/out alert (required, not resolved): held by the
 *                      actor (an open one is acknowledged too), or released;
 *                      refused while someone else holds it
 *
 * The payload must have passed anbu_mutation_validate_payload(). A
 * rejection is an %ANBU_RECORD_ERROR naming the payload member at fault.
 */

typedef struct
{
  const char   *user_id;   /* who makes the change; NULL if unknown */
  AnbuUserRole  role;
  const char   *display_name;  /* shown as who holds a claimed signal; NULL if unknown */
} AnbuMutationActor;

/* The sentence that tells an operator someone else holds the signal
 * (the server answers it too, as a "claimed" refusal). */
char    *anbu_mutation_claimed_message      (const char               *holder_name);

typedef struct
{
  AnbuHousehold *household;
  AnbuPlug      *plug;
  AnbuPlug      *old_plug;
  AnbuAlert     *alert;
  AnbuVisit     *visit;
  AnbuContact   *contact;
  AnbuAbsence   *absence;

  JsonObject    *field_versions;  /* in, household.update; not owned */

  gboolean       changed;         /* out: FALSE when everything already was so */
  GPtrArray     *changed_fields;  /* out: household fields (char *) the change set */
  JsonArray     *conflicts;       /* out, household.update: {"field", "mine", "theirs"} */
} AnbuMutationRecords;

void     anbu_mutation_records_clear        (AnbuMutationRecords      *records);

gboolean anbu_mutation_apply                (AnbuMutationKind          kind,
                                             JsonObject               *payload,
                                             const AnbuMutationActor  *actor,
                                             AnbuMutationRecords      *records,
                                             GError                  **error);

gboolean anbu_mutation_check_household_open (AnbuHouseholdStatus       status,
                                             const char               *field,
                                             GError                  **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AnbuMutationRecords, anbu_mutation_records_clear)

G_END_DECLS
