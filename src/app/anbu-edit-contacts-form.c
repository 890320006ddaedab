/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-case-form-dialog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-edit-contacts-form.h"
#include "anbu-case-form-dialog-private.h"
#include "anbu-phone.h"
#include "anbu-validate.h"

struct _AnbuEditContactsForm
{
  AnbuCaseFormDialog parent_instance;
};

G_DEFINE_FINAL_TYPE (AnbuEditContactsForm, anbu_edit_contacts_form, ANBU_TYPE_CASE_FORM_DIALOG)

/* The household's phone as the record rules store it: TRUE and the new
 * canonical number in @fields when it changed. */
static gboolean
read_phone_change (AnbuCaseFormDialog *self,
                   AnbuHousehold      *h,
                   JsonObject         *fields)
{
  g_autofree char *value = g_strstrip (g_strdup (anbu_case_form_dialog_field_text (self, "phone")));
  g_autoptr(GError) error = NULL;
  g_autofree char *canonical = NULL;

  if (value[0] == '\0')
    {
      if (h->phone != NULL)
        json_object_set_null_member (fields, "phone");
      return TRUE;
    }
  canonical = anbu_phone_normalize ("phone", value, NULL, &error);
  if (canonical == NULL)
    {
      anbu_case_form_dialog_set_field_error (self, "phone", anbu_record_error_get_reason (error));
      return FALSE;
    }
  if (g_strcmp0 (canonical, h->phone) != 0)
    json_object_set_string_member (fields, "phone", canonical);
  return TRUE;
}

/* The household's phone and every person to call, plus one empty slot for
 * a new one while there is room. */
static void
anbu_edit_contacts_form_build_fields (AnbuCaseFormDialog *self,
                                      AnbuHousehold      *h,
                                      AnbuPlug           *plug,
                                      const GDate        *today_date)
{
  guint n = h != NULL ? h->contacts->len : 0;

  anbu_case_form_dialog_add_text (self, "phone", _("Phone"), h != NULL ? h->phone : NULL);
  for (guint i = 0; i < n; i++)
    anbu_case_form_dialog_add_contact_fields (self, i, h->contacts->pdata[i]);
  if (n < ANBU_HOUSEHOLD_MAX_CONTACTS)
    anbu_case_form_dialog_add_contact_fields (self, n, NULL);
}

static gboolean
anbu_edit_contacts_form_build_changes (AnbuCaseFormDialog *self,
                                       JsonObject         *p,
                                       const char         *now,
                                       const char         *user_id)
{
  AnbuHousehold *h = anbu_casework_lookup_household (anbu_case_form_dialog_get_casework (self), anbu_case_form_dialog_get_household_id (self));
  g_autoptr(GPtrArray) contacts = NULL;
  gboolean ok = TRUE;
  gboolean same;
  JsonObject *fields;

  if (h == NULL)
    {
      anbu_case_form_dialog_set_field_error (self, NULL, _("This household is no longer in your caseload, so it cannot be changed. Close the form."));
      json_object_unref (p);
      return FALSE;
    }
  fields = json_object_new ();
  ok = read_phone_change (self, h, fields);
  contacts = anbu_case_form_dialog_read_contacts (self);
  if (contacts == NULL)
    ok = FALSE;
  else
    {
      same = contacts->len == h->contacts->len;
      for (guint i = 0; same && i < contacts->len; i++)
        same = anbu_household_contact_equal (contacts->pdata[i], h->contacts->pdata[i]);
      if (!same)
        json_object_set_array_member (fields, "contacts", anbu_case_form_contacts_to_json (contacts));
    }
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
anbu_edit_contacts_form_class_init (AnbuEditContactsFormClass *klass)
{
  AnbuCaseFormDialogClass *form_class = ANBU_CASE_FORM_DIALOG_CLASS (klass);

  form_class->title = N_("Edit Contacts");
  form_class->saved_toast = NC_("toast", "Contacts updated");
  form_class->build_fields = anbu_edit_contacts_form_build_fields;
  form_class->build_changes = anbu_edit_contacts_form_build_changes;
}

static void
anbu_edit_contacts_form_init (AnbuEditContactsForm *self)
{
}
