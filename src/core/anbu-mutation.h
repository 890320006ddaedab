/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "anbu-record-error.h"

G_BEGIN_DECLS

/*
 * One entry of POST /api/v1/mutations (docs/api.md "Push"):
 *   {"id": "uuid", "kind": "visit.create", "payload": {...}}
 *
 * anbu_mutation_from_json() checks the envelope (id, kind, payload is an
 * object); anbu_mutation_validate_payload() checks the payload of its kind
 * with the record rules, so the app's forms and the server refuse the same
 * inputs. Payload errors name fields relative to the payload
 * ("fields.phone", "contacts.0.phone", "new_serial").
 *
 * Payloads:
 *   household.create   a household record (anbu-household.h); version ignored
 *   household.update   {"id", "base_version" ≥ 0, "fields": {name: value, ...}}: at
 *                      least one editable household field (lat and lon together),
 *                      each value valid for its field, null clears optional ones
 *   household.close    {"id", "reason": one line ≤ 200}
 *   plug.install       {"serial", "household_id", "appliance", "installed_at"}
 *   plug.replace       {"household_id", "old_serial", "new_serial" (≠ old),
 *                       "appliance", "reason", "at"}
 *   plug.remove        {"serial", "reason": moved|returned|faulty|lost, "at"}
 *   visit.create       a visit record
 *   contact.create     a contact record
 *   absence.create     an absence record
 *   alert.acknowledge  {"id", "at"}
 *   alert.resolve      {"id", "resolution", "at", "notes" optional ≤ 2000}
 *   plug.mark          {"serial", "mark": auto|person|machine}: a planner's
 *                      word on the switching the plug's detector learned
 *   alert.claim        {"id", "at", "release" optional boolean}: the operator
 *                      takes the signal on ("내가 처리 중") or, with release,
 *                      gives it back; one person holds a signal at a time
 * All members listed are required unless marked optional; unknown members
 * are ignored.
 */

typedef enum
{
  ANBU_MUTATION_KIND_HOUSEHOLD_CREATE,
  ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE,
  ANBU_MUTATION_KIND_HOUSEHOLD_CLOSE,
  ANBU_MUTATION_KIND_PLUG_INSTALL,
  ANBU_MUTATION_KIND_PLUG_REPLACE,
  ANBU_MUTATION_KIND_PLUG_REMOVE,
  ANBU_MUTATION_KIND_VISIT_CREATE,
  ANBU_MUTATION_KIND_CONTACT_CREATE,
  ANBU_MUTATION_KIND_ABSENCE_CREATE,
  ANBU_MUTATION_KIND_ALERT_ACKNOWLEDGE,
  ANBU_MUTATION_KIND_ALERT_RESOLVE,
  ANBU_MUTATION_KIND_PLUG_MARK,
  ANBU_MUTATION_KIND_ALERT_CLAIM,
} AnbuMutationKind;

/* The result of one entry (docs/api.md). */
typedef enum
{
  ANBU_MUTATION_STATUS_APPLIED,
  ANBU_MUTATION_STATUS_DUPLICATE,
  ANBU_MUTATION_STATUS_CONFLICT,
  ANBU_MUTATION_STATUS_REJECTED,
} AnbuMutationStatus;

typedef struct
{
  char             *id;       /* UUID, lower case */
  AnbuMutationKind  kind;
  JsonObject       *payload;  /* owned reference */
} AnbuMutation;

#define ANBU_TYPE_MUTATION_KIND (anbu_mutation_kind_get_type ())
#define ANBU_TYPE_MUTATION_STATUS (anbu_mutation_status_get_type ())
#define ANBU_TYPE_MUTATION (anbu_mutation_get_type ())

GType         anbu_mutation_kind_get_type      (void) G_GNUC_CONST;
const char   *anbu_mutation_kind_to_string     (AnbuMutationKind     kind);
gboolean      anbu_mutation_kind_from_string   (const char          *text,
                                                AnbuMutationKind    *kind);

GType         anbu_mutation_status_get_type    (void) G_GNUC_CONST;
const char   *anbu_mutation_status_to_string   (AnbuMutationStatus   status);
gboolean      anbu_mutation_status_from_string (const char          *text,
                                                AnbuMutationStatus  *status);

GType         anbu_mutation_get_type           (void) G_GNUC_CONST;
AnbuMutation *anbu_mutation_new                (const char          *id,
                                                AnbuMutationKind     kind,
                                                JsonObject          *payload);
AnbuMutation *anbu_mutation_copy               (const AnbuMutation  *mutation);
void          anbu_mutation_free               (AnbuMutation        *mutation);
AnbuMutation *anbu_mutation_from_json          (JsonObject          *object,
                                                GError             **error);
JsonObject   *anbu_mutation_to_json            (const AnbuMutation  *mutation);

gboolean      anbu_mutation_validate_payload   (AnbuMutationKind     kind,
                                                JsonObject          *payload,
                                                GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuMutation, anbu_mutation_free)

G_END_DECLS
