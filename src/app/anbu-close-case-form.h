/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-case-form-dialog.h"

G_BEGIN_DECLS

/* Close Case: household.close, with why. */
#define ANBU_TYPE_CLOSE_CASE_FORM (anbu_close_case_form_get_type ())
G_DECLARE_FINAL_TYPE (AnbuCloseCaseForm, anbu_close_case_form, ANBU, CLOSE_CASE_FORM, AnbuCaseFormDialog)

G_END_DECLS
