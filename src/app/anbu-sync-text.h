/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the sync popover says about outbox entries, conflicts and rejections, in the planner's
 * words: mutation kinds and error codes of docs/api.md, household fields of docs/records.md. */

const char *anbu_sync_text_mutation_kind   (const char *kind);
const char *anbu_sync_text_household_field (const char *field);
char       *anbu_sync_text_rejection       (const char *code,
                                            const char *field);
char       *anbu_sync_text_json_value      (const char *json);

G_END_DECLS
