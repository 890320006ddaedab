/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  ANBU_CONFLICT_KEEP_MINE,    /* send my value again, on top of the server's version */
  ANBU_CONFLICT_TAKE_THEIRS,  /* keep the server's value; my edit of this field is dropped */
} AnbuConflictResolution;

#define ANBU_TYPE_CONFLICT (anbu_conflict_get_type ())
G_DECLARE_FINAL_TYPE (AnbuConflict, anbu_conflict, ANBU, CONFLICT, GObject)

AnbuConflict *anbu_conflict_new                (const char   *mutation_id,
                                                const char   *household_id,
                                                const char   *field,
                                                const char   *mine_json,
                                                const char   *theirs_json,
                                                gint64        server_version);

const char   *anbu_conflict_get_mutation_id    (AnbuConflict *self);
const char   *anbu_conflict_get_household_id   (AnbuConflict *self);
const char   *anbu_conflict_get_field          (AnbuConflict *self);
const char   *anbu_conflict_get_mine_json      (AnbuConflict *self);
const char   *anbu_conflict_get_theirs_json    (AnbuConflict *self);
JsonNode     *anbu_conflict_dup_mine           (AnbuConflict *self);
JsonNode     *anbu_conflict_dup_theirs         (AnbuConflict *self);
gint64        anbu_conflict_get_server_version (AnbuConflict *self);

G_END_DECLS
