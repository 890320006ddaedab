/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-case-form-dialog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-remove-plug-form.h"
#include "anbu-case-form-dialog-private.h"
#include "anbu-validate.h"

struct _AnbuRemovePlugForm
{
  AnbuCaseFormDialog parent_instance;
};

G_DEFINE_FINAL_TYPE (AnbuRemovePlugForm, anbu_remove_plug_form, ANBU_TYPE_CASE_FORM_DIALOG)

static void
anbu_remove_plug_form_build_fields (AnbuCaseFormDialog *self,
                                    AnbuHousehold      *h,
                                    AnbuPlug           *plug,
                                    const GDate        *today_date)
{
  anbu_case_form_dialog_add_removal_reason_choice (self, _("Reason"), ANBU_PLUG_REMOVAL_REASON_MOVED);
  anbu_case_form_dialog_add_moment (self, "at", _("Removed at"), anbu_case_form_dialog_get_now (self));
  anbu_case_form_dialog_require_plug (self, h, plug);
}

static gboolean
anbu_remove_plug_form_build_changes (AnbuCaseFormDialog *self,
                                     JsonObject         *p,
                                     const char         *now,
                                     const char         *user_id)
{
  AnbuPlug *old = anbu_casework_find_installed_plug (anbu_case_form_dialog_get_casework (self), anbu_case_form_dialog_get_household_id (self));
  gint64 at = 0;
  g_autofree char *at_text = NULL;
  gboolean ok;

  ok = anbu_case_form_dialog_read_moment_field (self, "at", &at)
       && anbu_case_form_dialog_check_not_before (self, "at", &at, old != NULL ? old->installed_at : 0,
                                                  _("The plug was installed after this time. Check the date and time."));
  at_text = at > 0 ? anbu_timestamp_format (at) : g_strdup (now);
  json_object_set_string_member (p, "serial", old != NULL ? old->serial : "");
  json_object_set_string_member (p, "reason", anbu_case_form_dialog_field_choice_string (self, "reason"));
  json_object_set_string_member (p, "at", at_text);
  anbu_case_form_dialog_queue_change (self, "plug.remove", p);
  return ok;
}

static void
anbu_remove_plug_form_class_init (AnbuRemovePlugFormClass *klass)
{
  AnbuCaseFormDialogClass *form_class = ANBU_CASE_FORM_DIALOG_CLASS (klass);

  form_class->title = N_("Remove Plug");
  form_class->saved_toast = NC_("toast", "Plug removed");
  form_class->build_fields = anbu_remove_plug_form_build_fields;
  form_class->build_changes = anbu_remove_plug_form_build_changes;
}

static void
anbu_remove_plug_form_init (AnbuRemovePlugForm *self)
{
}
