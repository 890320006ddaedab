/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "anbu-enums.h"
#include "anbu-record-error.h"

G_BEGIN_DECLS

/*
 * One monitoring attempt (안부 확인 한 건, DESIGN.md §3): an append-only fact.
 *
 * JSON members:
 *   id            required  UUID made by the app
 *   alert_id      optional  UUID of the risk signal it answers
 *   household_id  required  UUID
 *   at            required  time
 *   by            required  UUID of the user who made the attempt
 *   channel       required  "phone" | "sms" | "visit" | "dispatch_112" | "dispatch_119"
 *   outcome       required  "reached_safe" | "no_answer" | "wrong_number" |
 *                           "visited_safe" | "door_opened" | "emergency" | "other" |
 *                           "not_in_service" | "number_confirmed"
 *   phone         optional  the number called or texted (canonical, anbu-phone.h);
 *                           what the bad-number flag (anbu-bad-number.h) counts on
 *   notes         optional  multi-line ≤ 2000
 * Times are µs since the epoch, UTC.
 */

typedef struct
{
  char               *id;
  char               *alert_id;
  char               *household_id;
  gint64              at;
  char               *by;
  AnbuContactChannel  channel;
  AnbuContactOutcome  outcome;
  char               *notes;
  char               *phone;
} AnbuContact;

#define ANBU_TYPE_CONTACT (anbu_contact_get_type ())

GType        anbu_contact_get_type  (void) G_GNUC_CONST;
AnbuContact *anbu_contact_new       (void);
AnbuContact *anbu_contact_copy      (const AnbuContact  *contact);
void         anbu_contact_free      (AnbuContact        *contact);
gboolean     anbu_contact_equal     (const AnbuContact  *a,
                                     const AnbuContact  *b);
AnbuContact *anbu_contact_from_json (JsonObject         *object,
                                     GError            **error);
JsonObject  *anbu_contact_to_json   (const AnbuContact  *contact);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuContact, anbu_contact_free)

G_END_DECLS
