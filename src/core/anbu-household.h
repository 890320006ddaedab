/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "anbu-enums.h"
#include "anbu-record-error.h"

G_BEGIN_DECLS

/*
 * A household under watch (DESIGN.md §3) and the people to call about it.
 *
 * JSON members (the names are the wire names):
 *   id                  required  UUID, lower case
 *   dong_code           required  10-digit 행정기관코드 of the 동 (1111051500)
 *   dong_name           optional  text ≤ 50
 *   name                required  resident's name, text ≤ 50 (any script, emoji)
 *   birth_year          optional  1900 .. this year (0 in C = unknown)
 *   sex                 optional  "female" | "male" (ANBU_SEX_UNKNOWN in C)
 *   phone               optional  Korean number, stored canonical ("010-1234-5678")
 *   address             required  도로명주소, text ≤ 200
 *   address_detail      optional  text ≤ 100
 *   lat, lon            optional, together; inside South Korea (NAN in C = unknown)
 *   risk_notes          optional  multi-line text ≤ 2000
 *   contacts            optional  list (≤ 10) of {name required ≤ 50,
 *                                 relation optional ≤ 30, phone required};
 *                                 always written, [] when empty
 *   night_consent       optional  boolean, default false (야간·공휴일 관제 동의)
 *   night_consent_date  optional  "YYYY-MM-DD" the consent was given or withdrawn
 *   threshold_hours     optional  24 .. 50, default 24
 *   status              optional  "active" | "paused" | "closed", default active
 *   planner_id          optional  UUID of the responsible planner (user)
 *   version             optional  ≥ 0, server-assigned, default 0
 *   updated_at          optional  time, server-assigned (0 in C = unset)
 *   created_at          optional  time the server first stored it, server-assigned
 *                                 (0 in C = unset: stored before it was kept, or
 *                                 not yet synced)
 * Unknown members are ignored; null counts as absent. Text is stored NFC and
 * trimmed; optional text that is empty counts as absent. Output omits unset
 * optional members and writes times in UTC with Z.
 */

#define ANBU_HOUSEHOLD_MAX_CONTACTS 10

typedef struct
{
  char *name;
  char *relation;
  char *phone;
} AnbuHouseholdContact;

typedef struct
{
  char                *id;
  char                *dong_code;
  char                *dong_name;
  char                *name;
  gint                 birth_year;
  AnbuSex              sex;
  char                *phone;
  char                *address;
  char                *address_detail;
  double               lat;
  double               lon;
  char                *risk_notes;
  GPtrArray           *contacts;        /* of AnbuHouseholdContact*, never NULL */
  gboolean             night_consent;
  char                *night_consent_date;
  gint                 threshold_hours;
  AnbuHouseholdStatus  status;
  char                *planner_id;
  gint64               version;
  gint64               updated_at;      /* µs since the epoch, UTC; 0 = unset */
  gint64               created_at;      /* µs since the epoch, UTC; 0 = unset */
} AnbuHousehold;

#define ANBU_TYPE_HOUSEHOLD_CONTACT (anbu_household_contact_get_type ())
#define ANBU_TYPE_HOUSEHOLD (anbu_household_get_type ())

GType                 anbu_household_contact_get_type  (void) G_GNUC_CONST;
AnbuHouseholdContact *anbu_household_contact_new       (void);
AnbuHouseholdContact *anbu_household_contact_copy      (const AnbuHouseholdContact *contact);
void                  anbu_household_contact_free      (AnbuHouseholdContact       *contact);
gboolean              anbu_household_contact_equal     (const AnbuHouseholdContact *a,
                                                        const AnbuHouseholdContact *b);
AnbuHouseholdContact *anbu_household_contact_from_json (JsonObject                 *object,
                                                        GError                    **error);
JsonObject           *anbu_household_contact_to_json   (const AnbuHouseholdContact *contact);

GType                 anbu_household_get_type          (void) G_GNUC_CONST;
AnbuHousehold        *anbu_household_new               (void);
AnbuHousehold        *anbu_household_copy              (const AnbuHousehold        *household);
void                  anbu_household_free              (AnbuHousehold              *household);
gboolean              anbu_household_equal             (const AnbuHousehold        *a,
                                                        const AnbuHousehold        *b);
AnbuHousehold        *anbu_household_from_json         (JsonObject                 *object,
                                                        GError                    **error);
JsonObject           *anbu_household_to_json           (const AnbuHousehold        *household);

/* Field by field, for household.update and its conflicts (DESIGN.md §5).
 * Editable fields are all members except id, version, updated_at and created_at. A null
 * value clears an optional field, resets one with a default (contacts,
 * night_consent, threshold_hours, status) to that default, and is refused for
 * a required one. */
const char * const   *anbu_household_list_editable_fields (void);
gboolean              anbu_household_is_editable_field (const char                 *name);
gboolean              anbu_household_set_field         (AnbuHousehold              *household,
                                                        const char                 *name,
                                                        JsonNode                   *value,
                                                        GError                    **error);
JsonNode             *anbu_household_dup_field         (const AnbuHousehold        *household,
                                                        const char                 *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuHouseholdContact, anbu_household_contact_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuHousehold, anbu_household_free)

G_END_DECLS
