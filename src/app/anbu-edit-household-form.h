/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-case-form-dialog.h"

G_BEGIN_DECLS

/* Edit Household: household.update of the fields changed. */
#define ANBU_TYPE_EDIT_HOUSEHOLD_FORM (anbu_edit_household_form_get_type ())
G_DECLARE_FINAL_TYPE (AnbuEditHouseholdForm, anbu_edit_household_form, ANBU, EDIT_HOUSEHOLD_FORM, AnbuCaseFormDialog)

G_END_DECLS
