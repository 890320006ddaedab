/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-case-form-dialog.h"

G_BEGIN_DECLS

/* Replace Plug: plug.replace of the plug installed in the household. */
#define ANBU_TYPE_REPLACE_PLUG_FORM (anbu_replace_plug_form_get_type ())
G_DECLARE_FINAL_TYPE (AnbuReplacePlugForm, anbu_replace_plug_form, ANBU, REPLACE_PLUG_FORM, AnbuCaseFormDialog)

G_END_DECLS
