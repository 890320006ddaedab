/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-case-form-dialog"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "anbu-install-plug-form.h"
#include "anbu-case-form-dialog-private.h"
#include "anbu-validate.h"

struct _AnbuInstallPlugForm
{
  AnbuCaseFormDialog parent_instance;
};

G_DEFINE_FINAL_TYPE (AnbuInstallPlugForm, anbu_install_plug_form, ANBU_TYPE_CASE_FORM_DIALOG)

static void
anbu_install_plug_form_build_fields (AnbuCaseFormDialog *self,
                                     AnbuHousehold      *h,
                                     AnbuPlug           *plug,
                                     const GDate        *today_date)
{
  anbu_case_form_dialog_add_text (self, "serial", _("Plug serial number"), NULL);
  anbu_case_form_dialog_add_appliance_choice (self, ANBU_APPLIANCE_TV);
  anbu_case_form_dialog_add_moment (self, "installed_at", _("Installed at"), anbu_case_form_dialog_get_now (self));
  anbu_case_form_dialog_add_switch (self, "night_consent", _("Night and holiday monitoring"),
                                    _("The resident agreed that the control centre answers at night and on holidays"),
                                    h != NULL && h->night_consent);
  anbu_case_form_dialog_add_threshold (self, "threshold_hours", h != NULL ? h->threshold_hours : ANBU_THRESHOLD_HOURS_DEFAULT);
  anbu_case_form_dialog_add_location (self, h);
}

static gboolean
anbu_install_plug_form_build_changes (AnbuCaseFormDialog *self,
                                      JsonObject         *p,
                                      const char         *now,
                                      const char         *user_id)
{
  AnbuCasework *casework = anbu_case_form_dialog_get_casework (self);
  const char *household_id = anbu_case_form_dialog_get_household_id (self);
  g_autofree char *serial = g_strstrip (g_strdup (anbu_case_form_dialog_field_text (self, "serial")));
  gboolean ok = anbu_case_form_dialog_check_plug_serial (self, serial);
  AnbuHousehold *h = anbu_casework_lookup_household (casework, household_id);
  gint64 installed_at = 0;
  g_autofree char *installed_text = NULL;
  gboolean consent = anbu_case_form_dialog_field_active (self, "night_consent");
  gint threshold = anbu_case_form_dialog_field_int (self, "threshold_hours");
  g_autoptr(GError) error = NULL;
  double lat, lon;

  json_object_set_string_member (p, "serial", serial);
  json_object_set_string_member (p, "household_id", household_id);
  json_object_set_string_member (p, "appliance", anbu_case_form_dialog_field_choice_string (self, "appliance"));
  if (!anbu_case_form_dialog_read_moment_field (self, "installed_at", &installed_at)
      || !anbu_case_form_dialog_check_not_before (self, "installed_at", &installed_at, h != NULL ? h->created_at : 0,
                                                  _("The household was registered after this time. Check the date and time.")))
    ok = FALSE;
  installed_text = installed_at > 0 ? anbu_timestamp_format (installed_at) : g_strdup (now);
  json_object_set_string_member (p, "installed_at", installed_text);
  anbu_case_form_dialog_queue_change (self, "plug.install", p);

  if (!anbu_validate_threshold_hours ("threshold_hours", threshold, &error))
    {
      anbu_case_form_dialog_set_field_error (self, "threshold_hours", anbu_record_error_get_reason (error));
      ok = FALSE;
    }
  else if (!anbu_case_form_dialog_read_location (self, &lat, &lon))
    ok = FALSE;
  else if (h != NULL && (h->night_consent != consent || h->threshold_hours != threshold
                         || (!isnan (lat) && (lat != h->lat || lon != h->lon))))
    {
      JsonObject *update = json_object_new ();
      JsonObject *fields = json_object_new ();

      json_object_set_string_member (update, "id", h->id);
      json_object_set_int_member (update, "base_version", h->version);
      if (h->night_consent != consent)
        {
          g_autofree char *date = anbu_case_form_dialog_dup_today_text (self);

          json_object_set_boolean_member (fields, "night_consent", consent);
          json_object_set_string_member (fields, "night_consent_date", date);
        }
      if (h->threshold_hours != threshold)
        json_object_set_int_member (fields, "threshold_hours", threshold);
      /* The household's location: lat and lon always go together. */
      if (!isnan (lat) && (lat != h->lat || lon != h->lon))
        {
          json_object_set_double_member (fields, "lat", lat);
          json_object_set_double_member (fields, "lon", lon);
        }
      json_object_set_object_member (update, "fields", fields);
      anbu_case_form_dialog_queue_change (self, "household.update", update);
    }
  return ok;
}

static void
anbu_install_plug_form_class_init (AnbuInstallPlugFormClass *klass)
{
  AnbuCaseFormDialogClass *form_class = ANBU_CASE_FORM_DIALOG_CLASS (klass);

  form_class->title = N_("Install Plug");
  form_class->saved_toast = NC_("toast", "Plug installed");
  form_class->build_fields = anbu_install_plug_form_build_fields;
  form_class->build_changes = anbu_install_plug_form_build_changes;
}

static void
anbu_install_plug_form_init (AnbuInstallPlugForm *self)
{
}
