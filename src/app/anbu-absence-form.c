/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-case-form-dialog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-absence-form.h"
#include "anbu-case-form-dialog-private.h"
#include "anbu-kst.h"
#include "anbu-validate.h"

struct _AnbuAbsenceForm
{
  AnbuCaseFormDialog parent_instance;
};

G_DEFINE_FINAL_TYPE (AnbuAbsenceForm, anbu_absence_form, ANBU_TYPE_CASE_FORM_DIALOG)

/* "2026-11-25" → midnight KST that day (+ @days), as an ISO time. */
static char *
date_to_timestamp (const GDate *date,
                   guint        days)
{
  GDate day = *date;
  g_autoptr(GDateTime) moment = NULL;

  g_date_add_days (&day, days);
  moment = anbu_kst_new_from_date (&day, 0, 0);
  return anbu_timestamp_format (anbu_timestamp_from_date_time (moment));
}

static const gint all_absence_reasons[] = { ANBU_ABSENCE_REASON_TRAVEL, ANBU_ABSENCE_REASON_HOSPITAL,
                                            ANBU_ABSENCE_REASON_FAMILY, ANBU_ABSENCE_REASON_OTHER };

static void
anbu_absence_form_build_fields (AnbuCaseFormDialog *self,
                                AnbuHousehold      *h,
                                AnbuPlug           *plug,
                                const GDate        *today_date)
{
  GDate today = *today_date;

  anbu_case_form_dialog_add_date (self, "from", _("Away from"), &today, &today);
  anbu_case_form_dialog_add_date (self, "to", _("Back on"), NULL, &today);
  anbu_case_form_dialog_add_choice (self, "reason", _("Reason"), ANBU_TYPE_ABSENCE_REASON,
                                    (AnbuCaseFormLabelFunc) anbu_absence_reason_to_label, all_absence_reasons,
                                    G_N_ELEMENTS (all_absence_reasons), ANBU_ABSENCE_REASON_TRAVEL);
  anbu_case_form_dialog_add_text (self, "notes", _("Notes"), NULL);
}

static gboolean
anbu_absence_form_build_changes (AnbuCaseFormDialog *self,
                                 JsonObject         *p,
                                 const char         *now,
                                 const char         *user_id)
{
  gboolean ok = TRUE;
  GDate from, to;
  gboolean has_from = FALSE, has_to = FALSE;

  anbu_case_form_set_new_id (p);
  json_object_set_string_member (p, "household_id", anbu_case_form_dialog_get_household_id (self));
  ok = anbu_case_form_dialog_read_date_field (self, "from", TRUE, &from, &has_from);
  ok = anbu_case_form_dialog_read_date_field (self, "to", TRUE, &to, &has_to) && ok;
  if (ok && g_date_compare (&to, &from) < 0)
    {
      anbu_case_form_dialog_set_field_error (self, "to", _("The absence must end on or after the day it starts."));
      ok = FALSE;
    }
  if (ok)
    {
      g_autofree char *from_ts = date_to_timestamp (&from, 0);
      g_autofree char *to_ts = date_to_timestamp (&to, 1);  /* through the whole last day */

      json_object_set_string_member (p, "from", from_ts);
      json_object_set_string_member (p, "to", to_ts);
    }
  json_object_set_string_member (p, "reason", anbu_case_form_dialog_field_choice_string (self, "reason"));
  anbu_case_form_set_optional_text (p, "notes", anbu_case_form_dialog_field_text (self, "notes"));
  anbu_case_form_dialog_queue_change (self, "absence.create", p);
  return ok;
}

static void
anbu_absence_form_class_init (AnbuAbsenceFormClass *klass)
{
  AnbuCaseFormDialogClass *form_class = ANBU_CASE_FORM_DIALOG_CLASS (klass);

  form_class->title = N_("Register Absence");
  form_class->saved_toast = NC_("toast", "Absence registered: no risk signals while away");
  form_class->build_fields = anbu_absence_form_build_fields;
  form_class->build_changes = anbu_absence_form_build_changes;
}

static void
anbu_absence_form_init (AnbuAbsenceForm *self)
{
}
