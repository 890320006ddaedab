/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "anbu-context.h"

G_BEGIN_DECLS

#define ANBU_TYPE_VISITS_VIEW (anbu_visits_view_get_type ())

G_DECLARE_FINAL_TYPE (AnbuVisitsView, anbu_visits_view, ANBU, VISITS_VIEW, AdwBin)

GtkWidget *anbu_visits_view_new          (void);
/* The view follows the context's casework (anbu-context.h); none (sign-out,
 * lock) clears it. */
void anbu_visits_view_set_context (AnbuVisitsView *self,
                                  AnbuContext *context);
/* Household ids of the visits shown, today's first (for tests). */
GStrv      anbu_visits_view_dup_household_ids (AnbuVisitsView *self);

G_END_DECLS
