/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-case-form-dialog.h"

G_BEGIN_DECLS

/* Remove Plug: plug.remove of the plug installed in the household. */
#define ANBU_TYPE_REMOVE_PLUG_FORM (anbu_remove_plug_form_get_type ())
G_DECLARE_FINAL_TYPE (AnbuRemovePlugForm, anbu_remove_plug_form, ANBU, REMOVE_PLUG_FORM, AnbuCaseFormDialog)

G_END_DECLS
