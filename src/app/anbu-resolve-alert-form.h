/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-case-form-dialog.h"

G_BEGIN_DECLS

/* Resolve Risk Signal: alert.resolve, with the outcome the planner chooses (none preselected). */
#define ANBU_TYPE_RESOLVE_ALERT_FORM (anbu_resolve_alert_form_get_type ())
G_DECLARE_FINAL_TYPE (AnbuResolveAlertForm, anbu_resolve_alert_form, ANBU, RESOLVE_ALERT_FORM, AnbuCaseFormDialog)

G_END_DECLS
