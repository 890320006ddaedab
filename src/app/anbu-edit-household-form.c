/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-case-form-dialog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-edit-household-form.h"
#include "anbu-case-form-dialog-private.h"
#include "anbu-phone.h"
#include "anbu-validate.h"

struct _AnbuEditHouseholdForm
{
  AnbuCaseFormDialog parent_instance;
};

G_DEFINE_FINAL_TYPE (AnbuEditHouseholdForm, anbu_edit_household_form, ANBU_TYPE_CASE_FORM_DIALOG)

static void
anbu_edit_household_form_build_fields (AnbuCaseFormDialog *self,
                                       AnbuHousehold      *h,
                                       AnbuPlug           *plug,
                                       const GDate        *today_date)
{
  anbu_case_form_dialog_add_text (self, "name", _("Name"), h != NULL ? h->name : NULL);
  anbu_case_form_dialog_add_text (self, "phone", _("Phone"), h != NULL ? h->phone : NULL);
  anbu_case_form_dialog_add_text (self, "address", _("Address"), h != NULL ? h->address : NULL);
  anbu_case_form_dialog_add_text (self, "address_detail", _("Address details"), h != NULL ? h->address_detail : NULL);
  anbu_case_form_dialog_add_text (self, "risk_notes", _("Health and situation"), h != NULL ? h->risk_notes : NULL);
  anbu_case_form_dialog_add_switch (self, "night_consent", _("Night and holiday monitoring"),
                                    _("The resident agreed that the control centre answers at night and on holidays"),
                                    h != NULL && h->night_consent);
  anbu_case_form_dialog_add_threshold (self, "threshold_hours", h != NULL ? h->threshold_hours : ANBU_THRESHOLD_HOURS_DEFAULT);
}

static gboolean
anbu_edit_household_form_build_changes (AnbuCaseFormDialog *self,
                                        JsonObject         *p,
                                        const char         *now,
                                        const char         *user_id)
{
  gboolean ok = TRUE;
  AnbuHousehold *h = anbu_casework_lookup_household (anbu_case_form_dialog_get_casework (self), anbu_case_form_dialog_get_household_id (self));
  JsonObject *fields;
  const char *text_keys[] = { "name", "phone", "address", "address_detail", "risk_notes" };
  gint threshold = anbu_case_form_dialog_field_int (self, "threshold_hours");
  gboolean consent = anbu_case_form_dialog_field_active (self, "night_consent");

  /* A sync removed it while the form was open (it left the
   * planner's caseload): there is nothing left to edit. */
  if (h == NULL)
    {
      anbu_case_form_dialog_set_field_error (self, NULL, _("This household is no longer in your caseload, so it cannot be changed. Close the form."));
      json_object_unref (p);
      return FALSE;
    }

  fields = json_object_new ();
  for (guint i = 0; i < G_N_ELEMENTS (text_keys); i++)
    {
      const char *old_values[] = { h->name, h->phone, h->address, h->address_detail, h->risk_notes };
      g_autofree char *value = g_strstrip (g_strdup (anbu_case_form_dialog_field_text (self, text_keys[i])));

      if (g_strcmp0 (value, old_values[i] != NULL ? old_values[i] : "") == 0)
        continue;
      if (g_str_equal (text_keys[i], "phone") && value[0] != '\0')
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *canonical = anbu_phone_normalize ("phone", value, NULL, &error);

          if (canonical == NULL)
            {
              anbu_case_form_dialog_set_field_error (self, "phone", anbu_record_error_get_reason (error));
              ok = FALSE;
              continue;
            }
          if (g_strcmp0 (canonical, h->phone) == 0)
            continue;
          json_object_set_string_member (fields, "phone", canonical);
          continue;
        }
      if (value[0] == '\0')
        json_object_set_null_member (fields, text_keys[i]);
      else
        json_object_set_string_member (fields, text_keys[i], value);
    }
  if (threshold != h->threshold_hours)
    json_object_set_int_member (fields, "threshold_hours", threshold);
  if (consent != h->night_consent)
    json_object_set_boolean_member (fields, "night_consent", consent);
  if (ok && json_object_get_size (fields) == 0)
    {
      anbu_case_form_dialog_set_field_error (self, NULL, _("Nothing was changed."));
      ok = FALSE;
    }
  json_object_set_string_member (p, "id", h->id);
  json_object_set_int_member (p, "base_version", h->version);
  json_object_set_object_member (p, "fields", fields);
  anbu_case_form_dialog_queue_change (self, "household.update", p);
  return ok;
}

static void
anbu_edit_household_form_class_init (AnbuEditHouseholdFormClass *klass)
{
  AnbuCaseFormDialogClass *form_class = ANBU_CASE_FORM_DIALOG_CLASS (klass);

  form_class->title = N_("Edit Household");
  form_class->saved_toast = NC_("toast", "Household updated");
  form_class->build_fields = anbu_edit_household_form_build_fields;
  form_class->build_changes = anbu_edit_household_form_build_changes;
}

static void
anbu_edit_household_form_init (AnbuEditHouseholdForm *self)
{
}
