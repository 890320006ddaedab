/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-case-form-dialog.h"

G_BEGIN_DECLS

/* Install Plug: plug.install, and household.update of the consent, threshold and location when they change. */
#define ANBU_TYPE_INSTALL_PLUG_FORM (anbu_install_plug_form_get_type ())
G_DECLARE_FINAL_TYPE (AnbuInstallPlugForm, anbu_install_plug_form, ANBU, INSTALL_PLUG_FORM, AnbuCaseFormDialog)

G_END_DECLS
