/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "anbu-household-summary.h"

G_BEGIN_DECLS

#define ANBU_TYPE_HOUSEHOLD_ROW (anbu_household_row_get_type ())
G_DECLARE_FINAL_TYPE (AnbuHouseholdRow, anbu_household_row, ANBU, HOUSEHOLD_ROW, GtkBox)

GtkWidget            *anbu_household_row_new         (void);
void                  anbu_household_row_set_summary (AnbuHouseholdRow     *self,
                                                      AnbuHouseholdSummary *summary,
                                                      gint64                now);
AnbuHouseholdSummary *anbu_household_row_get_summary (AnbuHouseholdRow     *self);

/* Shared by rows and the household page: "위험", "관심", "오프라인", "부재", "정상"
 * and the CSS class that colours it. */
const char           *anbu_household_state_label     (const AnbuHouseholdFacts *facts,
                                                      const char              **css_class);

/* The row's last line as shown (the quiet time or the 동, with a
 * number-check flag in front when one is flagged). */
const char *anbu_household_row_get_detail (AnbuHouseholdRow *self);

G_END_DECLS
