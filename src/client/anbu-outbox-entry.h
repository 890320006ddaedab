/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  ANBU_OUTBOX_STATE_PENDING,   /* recorded locally, not yet sent */
  ANBU_OUTBOX_STATE_SENT,      /* sent, answer not yet stored (resent: the server answers duplicate) */
  ANBU_OUTBOX_STATE_CONFLICT,  /* the server kept other values for some fields: see AnbuConflict */
  ANBU_OUTBOX_STATE_REJECTED,  /* the server refused it, with a reason */
} AnbuOutboxState;

GType anbu_outbox_state_get_type (void) G_GNUC_CONST;
#define ANBU_TYPE_OUTBOX_STATE (anbu_outbox_state_get_type ())

const char *anbu_outbox_state_to_string   (AnbuOutboxState state);
gboolean    anbu_outbox_state_from_string (const char      *text,
                                           AnbuOutboxState *state);

#define ANBU_TYPE_OUTBOX_ENTRY (anbu_outbox_entry_get_type ())
G_DECLARE_FINAL_TYPE (AnbuOutboxEntry, anbu_outbox_entry, ANBU, OUTBOX_ENTRY, GObject)

AnbuOutboxEntry *anbu_outbox_entry_new                (gint64           seq,
                                                       const char      *id,
                                                       const char      *kind,
                                                       const char      *household_id,
                                                       AnbuOutboxState  state,
                                                       gint64           created_at_usec,
                                                       const char      *payload_json,
                                                       const char      *reason_code,
                                                       const char      *reason_field,
                                                       const char      *reason_message);

gint64           anbu_outbox_entry_get_seq            (AnbuOutboxEntry *self);
const char      *anbu_outbox_entry_get_id             (AnbuOutboxEntry *self);
const char      *anbu_outbox_entry_get_kind           (AnbuOutboxEntry *self);
const char      *anbu_outbox_entry_get_household_id   (AnbuOutboxEntry *self);
AnbuOutboxState  anbu_outbox_entry_get_state          (AnbuOutboxEntry *self);
GDateTime       *anbu_outbox_entry_get_created_at     (AnbuOutboxEntry *self);
const char      *anbu_outbox_entry_get_payload_json   (AnbuOutboxEntry *self);
JsonObject      *anbu_outbox_entry_dup_payload        (AnbuOutboxEntry *self);
const char      *anbu_outbox_entry_get_reason_code    (AnbuOutboxEntry *self);
const char      *anbu_outbox_entry_get_reason_field   (AnbuOutboxEntry *self);
const char      *anbu_outbox_entry_get_reason_message (AnbuOutboxEntry *self);

G_END_DECLS
