/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-case-form-dialog.h"

G_BEGIN_DECLS

/* Register Absence: absence.create, from a day through a day. */
#define ANBU_TYPE_ABSENCE_FORM (anbu_absence_form_get_type ())
G_DECLARE_FINAL_TYPE (AnbuAbsenceForm, anbu_absence_form, ANBU, ABSENCE_FORM, AnbuCaseFormDialog)

G_END_DECLS
