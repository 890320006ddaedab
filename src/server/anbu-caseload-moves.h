/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "anbu-store.h"

G_BEGIN_DECLS

/*
 * Caseload moves (docs/server.md, "Caseload moves"): an administrator gives
 * a whole 동, or one household, from one planner to another from an
 * effective time on. Every move is kept (caseload_move), so who answered
 * for a household at any time can be told afterwards.
 *
 * Errors are ANBU_API_ERROR with the request member at fault as field
 * ("dong_code", "household_id", "from", "to", "effective_at") and a
 * translated message, or ANBU_STORE_ERROR when storage failed.
 */

/* Checks and records a move by `created_by`; applies it at once when
 * `effective_at` (µs UTC) is not after now. Runs its own transaction.
 * Exactly one of `dong_code` and `household_id` is set. */
AnbuCaseloadMove *anbu_caseload_moves_request       (AnbuStore            *store,
                                                     const char           *dong_code,
                                                     const char           *household_id,
                                                     const char           *from_username,
                                                     const char           *to_username,
                                                     gint64                effective_at,
                                                     const char           *created_by,
                                                     GError              **error);

/* Applies the moves whose time has come (own transaction); the number
 * applied. A move whose new planner was disabled meanwhile waits. */
gint              anbu_caseload_moves_apply_due     (AnbuStore            *store,
                                                     gint64                now,
                                                     GError              **error);

/* For a push from `user` about a household outside their scope now:
 * TRUE when a move took it from them after `at` (the change's own time,
 * µs UTC, 0 when unknown), so the change was made while they were still
 * responsible; FALSE with ANBU_API_ERROR_MOVED (naming when) when a move
 * took it from them before `at`; FALSE without error when no move concerns
 * them (the household is simply not theirs). Inside the push's
 * transaction. */
gboolean          anbu_caseload_moves_was_responsible (AnbuStore             *store,
                                                       const AnbuStoreUser   *user,
                                                       const AnbuStoreEntity *household,
                                                       gint64                 at,
                                                       GError               **error);

/* {"id", "dong_code" | "household_id", "from", "to" (usernames),
 *  "effective_at", "created_at", "created_by", "applied_at" (absent while
 *  waiting)} */
JsonObject       *anbu_caseload_move_to_json        (AnbuStore              *store,
                                                     const AnbuCaseloadMove *move);
/* {"household_id", "dong_code", "dong_name", "name", "reason": "disabled" |
 *  "missing", "planners": [usernames]} */
JsonObject       *anbu_orphan_household_to_json     (const AnbuOrphanHousehold *orphan);

G_END_DECLS
