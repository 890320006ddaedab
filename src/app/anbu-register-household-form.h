/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-case-form-dialog.h"

G_BEGIN_DECLS

/* Register Household: household.create of a new household, offline, and plug.install of its first plug. */
#define ANBU_TYPE_REGISTER_HOUSEHOLD_FORM (anbu_register_household_form_get_type ())
G_DECLARE_FINAL_TYPE (AnbuRegisterHouseholdForm, anbu_register_household_form, ANBU, REGISTER_HOUSEHOLD_FORM, AnbuCaseFormDialog)

G_END_DECLS
