/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-case-form-dialog.h"

G_BEGIN_DECLS

/* Record Visit: visit.create, with when it was and the next visit date. */
#define ANBU_TYPE_VISIT_FORM (anbu_visit_form_get_type ())
G_DECLARE_FINAL_TYPE (AnbuVisitForm, anbu_visit_form, ANBU, VISIT_FORM, AnbuCaseFormDialog)

G_END_DECLS
