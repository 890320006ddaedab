/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-case-form-dialog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-visit-form.h"
#include "anbu-case-form-dialog-private.h"
#include "anbu-kst.h"
#include "anbu-validate.h"

struct _AnbuVisitForm
{
  AnbuCaseFormDialog parent_instance;
};

G_DEFINE_FINAL_TYPE (AnbuVisitForm, anbu_visit_form, ANBU_TYPE_CASE_FORM_DIALOG)

static const gint all_purposes[] = { ANBU_VISIT_PURPOSE_REGULAR, ANBU_VISIT_PURPOSE_ALERT,
                                     ANBU_VISIT_PURPOSE_INSTALL, ANBU_VISIT_PURPOSE_REMOVAL,
                                     ANBU_VISIT_PURPOSE_OTHER };

static void
anbu_visit_form_build_fields (AnbuCaseFormDialog *self,
                              AnbuHousehold      *h,
                              AnbuPlug           *plug,
                              const GDate        *today_date)
{
  GDate today = *today_date;
  GDate next = today;

  /* Attached to the signal open now, unless the caller named one. */
  anbu_case_form_dialog_find_open_signal (self);
  g_date_add_months (&next, 1);
  anbu_case_form_dialog_add_moment (self, "at", _("When"), anbu_case_form_dialog_get_now (self));
  anbu_case_form_dialog_add_choice (self, "purpose", _("Purpose"), ANBU_TYPE_VISIT_PURPOSE,
                                    (AnbuCaseFormLabelFunc) anbu_visit_purpose_to_label, all_purposes, G_N_ELEMENTS (all_purposes),
                                    ANBU_VISIT_PURPOSE_REGULAR);
  anbu_case_form_dialog_add_text (self, "outcome", _("What you found"), NULL);
  anbu_case_form_dialog_add_text (self, "notes", _("Notes"), NULL);
  anbu_case_form_dialog_add_date (self, "next_visit_on", _("Next visit"), &next, &today);
}

static gboolean
anbu_visit_form_build_changes (AnbuCaseFormDialog *self,
                               JsonObject         *p,
                               const char         *now,
                               const char         *user_id)
{
  gboolean ok = TRUE;
  GDate next;
  gboolean has_next = FALSE;
  gint64 at = 0;
  g_autofree char *at_text = NULL;

  anbu_case_form_set_new_id (p);
  ok = anbu_case_form_dialog_read_moment_field (self, "at", &at);
  at_text = anbu_timestamp_format (ok ? at : anbu_case_form_dialog_get_now (self));
  anbu_case_form_dialog_set_record_signal (self, p, at);
  json_object_set_string_member (p, "household_id", anbu_case_form_dialog_get_household_id (self));
  json_object_set_string_member (p, "at", at_text);
  json_object_set_string_member (p, "by", user_id);
  json_object_set_string_member (p, "purpose", anbu_case_form_dialog_field_choice_string (self, "purpose"));
  anbu_case_form_set_optional_text (p, "outcome", anbu_case_form_dialog_field_text (self, "outcome"));
  anbu_case_form_set_optional_text (p, "notes", anbu_case_form_dialog_field_text (self, "notes"));
  ok = anbu_case_form_dialog_read_date_field (self, "next_visit_on", FALSE, &next, &has_next) && ok;
  if (ok && has_next)
    {
      GDate today;
      g_autoptr(GDateTime) kst_now = anbu_timestamp_to_date_time (anbu_case_form_dialog_get_now (self));

      anbu_kst_get_date (kst_now, &today);
      if (g_date_compare (&next, &today) <= 0)
        {
          anbu_case_form_dialog_set_field_error (self, "next_visit_on", _("The next visit must be after today."));
          ok = FALSE;
        }
      else
        {
          g_autofree char *text = g_strstrip (g_strdup (anbu_case_form_dialog_field_text (self, "next_visit_on")));
          json_object_set_string_member (p, "next_visit_on", text);
        }
    }
  anbu_case_form_dialog_queue_change (self, "visit.create", p);
  return ok;
}

static void
anbu_visit_form_class_init (AnbuVisitFormClass *klass)
{
  AnbuCaseFormDialogClass *form_class = ANBU_CASE_FORM_DIALOG_CLASS (klass);

  form_class->title = N_("Record Visit");
  form_class->saved_toast = NC_("toast", "Visit recorded");
  form_class->build_fields = anbu_visit_form_build_fields;
  form_class->build_changes = anbu_visit_form_build_changes;
}

static void
anbu_visit_form_init (AnbuVisitForm *self)
{
}
