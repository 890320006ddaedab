/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "anbu-context.h"

G_BEGIN_DECLS

#define ANBU_TYPE_HOUSEHOLDS_VIEW (anbu_households_view_get_type ())

G_DECLARE_FINAL_TYPE (AnbuHouseholdsView, anbu_households_view, ANBU, HOUSEHOLDS_VIEW, AdwBin)

GtkWidget *anbu_households_view_new           (void);
/* The view follows the context's casework (anbu-context.h); none (sign-out,
 * lock) clears it. */
void anbu_households_view_set_context (AnbuHouseholdsView *self,
                                      AnbuContext *context);
/* What the window's search bar holds; the view follows it by itself. */
void       anbu_households_view_set_query     (AnbuHouseholdsView *self,
                                               const char         *query);
/* The list's category, 동 and consent filters back to "all" (the search is the window's). */
void       anbu_households_view_clear_filters (AnbuHouseholdsView *self);
void       anbu_households_view_open_household (AnbuHouseholdsView *self,
                                                const char         *household_id);
GListModel *anbu_households_view_get_model    (AnbuHouseholdsView *self);
/* From any widget of a window: shows the households view of that window
 * with the page of @household_id. */
gboolean   anbu_households_view_open_in_window (GtkWidget         *widget,
                                                const char        *household_id);

G_END_DECLS
