/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "anbu-casework.h"

G_BEGIN_DECLS

/*
 * One household: identity, contacts and risk notes; the plug card; the
 * 7-day activity chart (fetched from the server, cached for offline); risk
 * signals, contacts and visits; absences; and the forms to act on it.
 * Emits "back" when the planner returns to the list.
 */
#define ANBU_TYPE_HOUSEHOLD_PAGE (anbu_household_page_get_type ())
G_DECLARE_FINAL_TYPE (AnbuHouseholdPage, anbu_household_page, ANBU, HOUSEHOLD_PAGE, AdwBin)

GtkWidget  *anbu_household_page_new             (void);
void        anbu_household_page_show            (AnbuHouseholdPage *self,
                                                 AnbuCasework      *casework,
                                                 const char        *household_id);
const char *anbu_household_page_get_household_id (AnbuHouseholdPage *self);
/* "fresh" (from the server), "cached" (offline copy) or "none". */
const char *anbu_household_page_get_chart_source (AnbuHouseholdPage *self);

G_END_DECLS
