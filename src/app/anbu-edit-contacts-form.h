/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-case-form-dialog.h"

G_BEGIN_DECLS

/* Edit Contacts: household.update of the household's phone and the people to call. */
#define ANBU_TYPE_EDIT_CONTACTS_FORM (anbu_edit_contacts_form_get_type ())
G_DECLARE_FINAL_TYPE (AnbuEditContactsForm, anbu_edit_contacts_form, ANBU, EDIT_CONTACTS_FORM, AnbuCaseFormDialog)

G_END_DECLS
