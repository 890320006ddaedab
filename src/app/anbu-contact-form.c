/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-case-form-dialog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-contact-form.h"
#include "anbu-case-form-dialog-private.h"
#include "anbu-phone.h"
#include "anbu-validate.h"

struct _AnbuContactForm
{
  AnbuCaseFormDialog parent_instance;
};

G_DEFINE_FINAL_TYPE (AnbuContactForm, anbu_contact_form, ANBU_TYPE_CASE_FORM_DIALOG)

static const gint all_channels[] = { ANBU_CONTACT_CHANNEL_PHONE, ANBU_CONTACT_CHANNEL_SMS,
                                     ANBU_CONTACT_CHANNEL_VISIT, ANBU_CONTACT_CHANNEL_DISPATCH_112,
                                     ANBU_CONTACT_CHANNEL_DISPATCH_119 };

static const gint all_outcomes[] = { ANBU_CONTACT_OUTCOME_REACHED_SAFE, ANBU_CONTACT_OUTCOME_NO_ANSWER,
                                     ANBU_CONTACT_OUTCOME_WRONG_NUMBER, ANBU_CONTACT_OUTCOME_VISITED_SAFE,
                                     ANBU_CONTACT_OUTCOME_DOOR_OPENED, ANBU_CONTACT_OUTCOME_EMERGENCY,
                                     ANBU_CONTACT_OUTCOME_OTHER,
                                     /* last, so that the choices above keep their places */
                                     ANBU_CONTACT_OUTCOME_NOT_IN_SERVICE };

static void
anbu_contact_form_build_fields (AnbuCaseFormDialog *self,
                                AnbuHousehold      *h,
                                AnbuPlug           *plug,
                                const GDate        *today_date)
{
  /* Attached to the signal open now, unless the caller named one. */
  anbu_case_form_dialog_find_open_signal (self);
  anbu_case_form_dialog_add_moment (self, "at", _("When"), anbu_case_form_dialog_get_now (self));
  anbu_case_form_dialog_add_choice (self, "channel", _("How"), ANBU_TYPE_CONTACT_CHANNEL,
                                    (AnbuCaseFormLabelFunc) anbu_contact_channel_to_label, all_channels, G_N_ELEMENTS (all_channels),
                                    ANBU_CONTACT_CHANNEL_PHONE);
  anbu_case_form_dialog_add_choice (self, "outcome", _("Outcome"), ANBU_TYPE_CONTACT_OUTCOME,
                                    (AnbuCaseFormLabelFunc) anbu_contact_outcome_to_label, all_outcomes, G_N_ELEMENTS (all_outcomes),
                                    ANBU_CONTACT_OUTCOME_REACHED_SAFE);
  /* Which number: a wrong or dead one is flagged after two failures
   * (anbu-bad-number.h). The resident's own phone unless changed. */
  anbu_case_form_dialog_add_text (self, "phone", _("Number called or texted"), h != NULL ? h->phone : NULL);
  anbu_case_form_dialog_add_text (self, "notes", _("Notes"), NULL);
}

static gboolean
anbu_contact_form_build_changes (AnbuCaseFormDialog *self,
                                 JsonObject         *p,
                                 const char         *now,
                                 const char         *user_id)
{
  gboolean ok = TRUE;
  gint64 at = 0;
  g_autofree char *at_text = NULL;

  anbu_case_form_set_new_id (p);
  ok = anbu_case_form_dialog_read_moment_field (self, "at", &at);
  at_text = anbu_timestamp_format (ok ? at : anbu_case_form_dialog_get_now (self));
  anbu_case_form_dialog_set_record_signal (self, p, at);
  json_object_set_string_member (p, "household_id", anbu_case_form_dialog_get_household_id (self));
  json_object_set_string_member (p, "at", at_text);
  json_object_set_string_member (p, "by", user_id);
  json_object_set_string_member (p, "channel", anbu_case_form_dialog_field_choice_string (self, "channel"));
  json_object_set_string_member (p, "outcome", anbu_case_form_dialog_field_choice_string (self, "outcome"));
  anbu_case_form_set_optional_text (p, "notes", anbu_case_form_dialog_field_text (self, "notes"));
  /* Only a call or a text dials a number. */
  if (anbu_case_form_dialog_field_choice (self, "channel") == ANBU_CONTACT_CHANNEL_PHONE
      || anbu_case_form_dialog_field_choice (self, "channel") == ANBU_CONTACT_CHANNEL_SMS)
    {
      g_autofree char *number = g_strstrip (g_strdup (anbu_case_form_dialog_field_text (self, "phone")));

      if (number[0] != '\0')
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *canonical = anbu_phone_normalize ("phone", number, NULL, &error);

          if (canonical == NULL)
            {
              anbu_case_form_dialog_set_field_error (self, "phone", anbu_record_error_get_reason (error));
              ok = FALSE;
            }
          else
            json_object_set_string_member (p, "phone", canonical);
        }
    }
  anbu_case_form_dialog_queue_change (self, "contact.create", p);
  return ok;
}

static void
anbu_contact_form_class_init (AnbuContactFormClass *klass)
{
  AnbuCaseFormDialogClass *form_class = ANBU_CASE_FORM_DIALOG_CLASS (klass);

  form_class->title = N_("Record Contact");
  form_class->saved_toast = NC_("toast", "Contact recorded");
  form_class->build_fields = anbu_contact_form_build_fields;
  form_class->build_changes = anbu_contact_form_build_changes;
}

static void
anbu_contact_form_init (AnbuContactForm *self)
{
}
