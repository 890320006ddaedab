/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-case-form-dialog.h"

G_BEGIN_DECLS

/* Record Contact: contact.create (phone, SMS, visit, 112, 119), with when it was. */
#define ANBU_TYPE_CONTACT_FORM (anbu_contact_form_get_type ())
G_DECLARE_FINAL_TYPE (AnbuContactForm, anbu_contact_form, ANBU, CONTACT_FORM, AnbuCaseFormDialog)

G_END_DECLS
