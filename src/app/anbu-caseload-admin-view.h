/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "anbu-context.h"

G_BEGIN_DECLS

/* The administrator's caseload view (docs/api.md, "Caseload moves"): moves
 * a 동 or one household from one planner to another from a time on, lists
 * the moves made, and the households left without an active planner. */

#define ANBU_TYPE_CASELOAD_ADMIN_VIEW (anbu_caseload_admin_view_get_type ())

G_DECLARE_FINAL_TYPE (AnbuCaseloadAdminView, anbu_caseload_admin_view, ANBU, CASELOAD_ADMIN_VIEW, AdwBin)

GtkWidget *anbu_caseload_admin_view_new          (void);
/* Follows the context's casework; the view fills only for an administrator. */
void       anbu_caseload_admin_view_set_context  (AnbuCaseloadAdminView *self,
                                                  AnbuContext           *context);
/* Asks the server for the moves and the report again. */
void       anbu_caseload_admin_view_refresh      (AnbuCaseloadAdminView *self);
guint      anbu_caseload_admin_view_get_n_moves  (AnbuCaseloadAdminView *self);
guint      anbu_caseload_admin_view_get_n_orphans (AnbuCaseloadAdminView *self);
/* The sentence under the form (the last result or refusal). */
const char *anbu_caseload_admin_view_get_status  (AnbuCaseloadAdminView *self);

G_END_DECLS
