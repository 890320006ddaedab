/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-case-form-dialog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-close-case-form.h"
#include "anbu-case-form-dialog-private.h"

struct _AnbuCloseCaseForm
{
  AnbuCaseFormDialog parent_instance;
};

G_DEFINE_FINAL_TYPE (AnbuCloseCaseForm, anbu_close_case_form, ANBU_TYPE_CASE_FORM_DIALOG)

static void
anbu_close_case_form_build_fields (AnbuCaseFormDialog *self,
                                   AnbuHousehold      *h,
                                   AnbuPlug           *plug,
                                   const GDate        *today_date)
{
  anbu_case_form_dialog_add_text (self, "reason", _("Why the case is closed"), NULL);
}

static gboolean
anbu_close_case_form_build_changes (AnbuCaseFormDialog *self,
                                    JsonObject         *p,
                                    const char         *now,
                                    const char         *user_id)
{
  gboolean ok = TRUE;

  json_object_set_string_member (p, "id", anbu_case_form_dialog_get_household_id (self));
  anbu_case_form_set_optional_text (p, "reason", anbu_case_form_dialog_field_text (self, "reason"));
  if (!json_object_has_member (p, "reason"))
    {
      anbu_case_form_dialog_set_field_error (self, "reason", _("Say why the case is closed."));
      ok = FALSE;
    }
  anbu_case_form_dialog_queue_change (self, "household.close", p);
  return ok;
}

static void
anbu_close_case_form_class_init (AnbuCloseCaseFormClass *klass)
{
  AnbuCaseFormDialogClass *form_class = ANBU_CASE_FORM_DIALOG_CLASS (klass);

  form_class->title = N_("Close Case");
  form_class->saved_toast = NC_("toast", "Case closed");
  form_class->build_fields = anbu_close_case_form_build_fields;
  form_class->build_changes = anbu_close_case_form_build_changes;
}

static void
anbu_close_case_form_init (AnbuCloseCaseForm *self)
{
}
