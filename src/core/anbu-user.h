/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "anbu-enums.h"
#include "anbu-record-error.h"

G_BEGIN_DECLS

/*
 * A person who signs in (DESIGN.md §3). No password here: the server keeps
 * credentials apart.
 *
 * JSON members:
 *   id            required  UUID
 *   username      required  1..64 of A-Z a-z 0-9 - _ . @, starting with a letter or digit
 *   display_name  required  text ≤ 50 ("김민지 주무관")
 *   role          required  "planner" | "control" | "admin"
 *   dong_codes    optional  list (≤ 500, no duplicates) of 10-digit dong codes
 *                           the user works for; always written, [] when empty
 */

#define ANBU_USER_MAX_DONG_CODES 500

typedef struct
{
  char          *id;
  char          *username;
  char          *display_name;
  AnbuUserRole   role;
  GStrv          dong_codes;  /* never NULL; empty vector for none */
} AnbuUser;

#define ANBU_TYPE_USER (anbu_user_get_type ())

GType       anbu_user_get_type      (void) G_GNUC_CONST;
AnbuUser   *anbu_user_new           (void);
AnbuUser   *anbu_user_copy          (const AnbuUser  *user);
void        anbu_user_free          (AnbuUser        *user);
gboolean    anbu_user_equal         (const AnbuUser  *a,
                                     const AnbuUser  *b);
gboolean    anbu_user_has_dong_code (const AnbuUser  *user,
                                     const char      *dong_code);
/* The server's rule for a new household that no one was assigned: a planner
 * registers only in their own 동s, the control centre only households that
 * consented to night monitoring, an administrator anywhere. On refusal sets
 * @error (ANBU_RECORD_ERROR, field dong_code or night_consent) with a
 * sentence for the planner. */
gboolean    anbu_user_may_register_household (const AnbuUser  *user,
                                              const char      *dong_code,
                                              gboolean         night_consent,
                                              GError         **error);
AnbuUser   *anbu_user_from_json     (JsonObject      *object,
                                     GError         **error);
JsonObject *anbu_user_to_json       (const AnbuUser  *user);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuUser, anbu_user_free)

G_END_DECLS
