/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-case-form-dialog"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "anbu-register-household-form.h"
#include "anbu-case-form-dialog-private.h"
#include "anbu-community-centre.h"
#include "anbu-household-index.h"
#include "anbu-validate.h"

struct _AnbuRegisterHouseholdForm
{
  AnbuCaseFormDialog parent_instance;

  GPtrArray *dongs;  /* AnbuDong offered, in row order */
};

G_DEFINE_FINAL_TYPE (AnbuRegisterHouseholdForm, anbu_register_household_form, ANBU_TYPE_CASE_FORM_DIALOG)

static const gint all_sexes[] = { ANBU_SEX_UNKNOWN, ANBU_SEX_FEMALE, ANBU_SEX_MALE };

static const char *
sex_label (gint value)
{
  return value == ANBU_SEX_UNKNOWN ? _("Not recorded") : anbu_sex_to_label (value);
}

/* The 동 a new household belongs to: the caseload's first (most
 * registrations are there), then the district's other community centres.
 * The server decides which of them the planner may register in. */
static void
add_dong_choice (AnbuCaseFormDialog *self)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  const AnbuCommunityCentre *centres;
  guint n_centres = 0;
  AnbuRegisterHouseholdForm *form = ANBU_REGISTER_HOUSEHOLD_FORM (self);

  form->dongs = anbu_household_index_list_dongs (anbu_casework_get_index (anbu_case_form_dialog_get_casework (self)));
  centres = anbu_community_centre_get_all (&n_centres);
  for (guint i = 0; i < n_centres; i++)
    {
      gboolean known = FALSE;
      AnbuDong *dong;

      for (guint j = 0; !known && j < form->dongs->len; j++)
        known = g_str_equal (((AnbuDong *) form->dongs->pdata[j])->code, centres[i].dong_code);
      if (known)
        continue;
      dong = g_new0 (AnbuDong, 1);
      dong->code = g_strdup (centres[i].dong_code);
      /* "사직동주민센터" → "사직동" */
      dong->name = g_str_has_suffix (centres[i].name, "주민센터")
                   ? g_strndup (centres[i].name, strlen (centres[i].name) - strlen ("주민센터"))
                   : g_strdup (centres[i].name);
      g_ptr_array_add (form->dongs, dong);
    }
  for (guint i = 0; i < form->dongs->len; i++)
    gtk_string_list_append (labels, ((AnbuDong *) form->dongs->pdata[i])->name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Neighbourhood (동)"));
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 0);
  anbu_case_form_dialog_add_row (self, "dong_code", row);
}

static const AnbuDong *
selected_dong (AnbuCaseFormDialog *self)
{
  AnbuRegisterHouseholdForm *form = ANBU_REGISTER_HOUSEHOLD_FORM (self);
  guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (anbu_case_form_dialog_get_input (self, "dong_code")));

  return form->dongs != NULL && selected < form->dongs->len ? form->dongs->pdata[selected] : NULL;
}

/* A new household's fields, each by its own record rule
 * (anbu_household_set_field), so that every wrong field shows its message
 * at once rather than one per Save. A field the form already refused keeps
 * the form's message. */
static gboolean
check_household_fields (AnbuCaseFormDialog *self,
                        JsonObject         *payload)
{
  g_autoptr(AnbuHousehold) scratch = anbu_household_new ();
  const char * const *names = anbu_household_list_editable_fields ();
  gboolean ok = TRUE;

  for (guint i = 0; names[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (payload, names[i]);
      g_autoptr(JsonNode) absent = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      const char *key;

      if (node == NULL)
        node = absent = json_node_new (JSON_NODE_NULL);
      if (anbu_household_set_field (scratch, names[i], node, &error))
        continue;
      ok = FALSE;
      path = anbu_record_error_dup_field (error);
      key = path != NULL ? path : names[i];
      if (anbu_case_form_dialog_get_input (self, key) == NULL)
        key = anbu_case_form_dialog_get_input (self, names[i]) != NULL ? names[i] : NULL;
      if (key != NULL && anbu_case_form_dialog_get_error (self, key) != NULL)
        continue;
      anbu_case_form_dialog_set_field_error (self, key, anbu_record_error_get_reason (error));
    }

  /* The server refuses a household outside the user's 동s: say so here,
   * before the change is queued and comes back rejected. */
  {
    g_autoptr(AnbuUser) user = anbu_case_store_dup_user (anbu_casework_get_store (anbu_case_form_dialog_get_casework (self)));
    g_autoptr(GError) error = NULL;
    const char *dong_code = json_object_get_string_member_with_default (payload, "dong_code", NULL);
    gboolean consent = json_object_get_boolean_member_with_default (payload, "night_consent", FALSE);

    if (user != NULL && !anbu_user_may_register_household (user, dong_code, consent, &error))
      {
        g_autofree char *path = anbu_record_error_dup_field (error);
        const char *key = anbu_case_form_dialog_get_input (self, path) != NULL ? path : NULL;

        anbu_case_form_dialog_set_field_error (self, key, anbu_record_error_get_reason (error));
        ok = FALSE;
      }
  }
  return ok;
}

static void
anbu_register_household_form_build_fields (AnbuCaseFormDialog *self,
                                           AnbuHousehold      *h,
                                           AnbuPlug           *plug,
                                           const GDate        *today_date)
{
  anbu_case_form_dialog_add_text (self, "name", _("Name"), NULL);
  anbu_case_form_dialog_add_text (self, "birth_year", _("Birth year"), NULL);
  anbu_case_form_dialog_add_choice (self, "sex", _("Sex"), ANBU_TYPE_SEX, sex_label, all_sexes, G_N_ELEMENTS (all_sexes),
                                    ANBU_SEX_UNKNOWN);
  anbu_case_form_dialog_add_text (self, "phone", _("Phone"), NULL);
  add_dong_choice (self);
  anbu_case_form_dialog_add_text (self, "address", _("Address"), NULL);
  anbu_case_form_dialog_add_text (self, "address_detail", _("Address details"), NULL);
  anbu_case_form_dialog_add_contact_fields (self, 0, NULL);
  anbu_case_form_dialog_add_text (self, "risk_notes", _("Health and situation"), NULL);
  anbu_case_form_dialog_add_switch (self, "night_consent", _("Night and holiday monitoring"),
                                    _("The resident agreed that the control centre answers at night and on holidays"),
                                    FALSE);
  anbu_case_form_dialog_add_threshold (self, "threshold_hours", ANBU_THRESHOLD_HOURS_DEFAULT);
  anbu_case_form_dialog_add_location (self, NULL);
  anbu_case_form_dialog_add_text (self, "serial", _("Plug serial number (when installed now)"), NULL);
  anbu_case_form_dialog_add_appliance_choice (self, ANBU_APPLIANCE_TV);
}

static gboolean
anbu_register_household_form_build_changes (AnbuCaseFormDialog *self,
                                            JsonObject         *p,
                                            const char         *now,
                                            const char         *user_id)
{
  gboolean ok = TRUE;
  const AnbuDong *dong = selected_dong (self);
  g_autofree char *birth_year = g_strstrip (g_strdup (anbu_case_form_dialog_field_text (self, "birth_year")));
  g_autofree char *serial = g_strstrip (g_strdup (anbu_case_form_dialog_field_text (self, "serial")));
  g_autoptr(GPtrArray) contacts = anbu_case_form_dialog_read_contacts (self);
  gboolean consent = anbu_case_form_dialog_field_active (self, "night_consent");
  double lat, lon;

  json_object_set_string_member (p, "id", anbu_case_form_dialog_get_household_id (self));
  anbu_case_form_set_optional_text (p, "name", anbu_case_form_dialog_field_text (self, "name"));
  if (dong != NULL)
    {
      json_object_set_string_member (p, "dong_code", dong->code);
      json_object_set_string_member (p, "dong_name", dong->name);
    }
  if (birth_year[0] != '\0')
    {
      gint64 year = 0;

      if (!g_ascii_string_to_signed (birth_year, 10, G_MININT64, G_MAXINT64, &year, NULL))
        {
          anbu_case_form_dialog_set_field_error (self, "birth_year", _("Enter the year of birth in four digits, such as 1948."));
          ok = FALSE;
        }
      else
        json_object_set_int_member (p, "birth_year", year);
    }
  if (anbu_case_form_dialog_field_choice (self, "sex") != ANBU_SEX_UNKNOWN)
    json_object_set_string_member (p, "sex", anbu_sex_to_string (anbu_case_form_dialog_field_choice (self, "sex")));
  anbu_case_form_set_optional_text (p, "phone", anbu_case_form_dialog_field_text (self, "phone"));
  anbu_case_form_set_optional_text (p, "address", anbu_case_form_dialog_field_text (self, "address"));
  anbu_case_form_set_optional_text (p, "address_detail", anbu_case_form_dialog_field_text (self, "address_detail"));
  anbu_case_form_set_optional_text (p, "risk_notes", anbu_case_form_dialog_field_text (self, "risk_notes"));
  if (contacts == NULL)
    ok = FALSE;
  else
    json_object_set_array_member (p, "contacts", anbu_case_form_contacts_to_json (contacts));
  json_object_set_boolean_member (p, "night_consent", consent);
  if (consent)
    {
      g_autofree char *date = anbu_case_form_dialog_dup_today_text (self);

      json_object_set_string_member (p, "night_consent_date", date);
    }
  json_object_set_int_member (p, "threshold_hours",
                              anbu_case_form_dialog_field_int (self, "threshold_hours"));
  if (!anbu_case_form_dialog_read_location (self, &lat, &lon))
    ok = FALSE;
  else if (!isnan (lat))
    {
      json_object_set_double_member (p, "lat", lat);
      json_object_set_double_member (p, "lon", lon);
    }
  if (user_id != NULL)
    json_object_set_string_member (p, "planner_id", user_id);
  anbu_case_form_dialog_queue_change (self, "household.create", p);

  /* The first plug, when it goes in on the same visit: after the household,
   * in the same outbox order, so the server has the household first. */
  if (serial[0] != '\0')
    {
      JsonObject *install = json_object_new ();

      if (anbu_casework_plug_installed_in (anbu_case_form_dialog_get_casework (self), serial) != NULL)
        {
          anbu_case_form_dialog_set_field_error (self, "serial", _("This plug is installed in another household. Remove it there first."));
          ok = FALSE;
        }
      json_object_set_string_member (install, "serial", serial);
      json_object_set_string_member (install, "household_id", anbu_case_form_dialog_get_household_id (self));
      json_object_set_string_member (install, "appliance", anbu_case_form_dialog_field_choice_string (self, "appliance"));
      json_object_set_string_member (install, "installed_at", now);
      anbu_case_form_dialog_queue_change (self, "plug.install", install);
    }
  /* Every field by its own record rule, after the form's own checks. */
  return check_household_fields (self, p) && ok;
}

static const char *
anbu_register_household_form_get_dong_code (AnbuCaseFormDialog *self)
{
  const AnbuDong *dong = selected_dong (self);

  return dong != NULL ? dong->code : NULL;
}

static void
anbu_register_household_form_finalize (GObject *object)
{
  AnbuRegisterHouseholdForm *self = ANBU_REGISTER_HOUSEHOLD_FORM (object);

  g_clear_pointer (&self->dongs, g_ptr_array_unref);
  G_OBJECT_CLASS (anbu_register_household_form_parent_class)->finalize (object);
}

static void
anbu_register_household_form_class_init (AnbuRegisterHouseholdFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AnbuCaseFormDialogClass *form_class = ANBU_CASE_FORM_DIALOG_CLASS (klass);

  object_class->finalize = anbu_register_household_form_finalize;
  form_class->title = N_("Register Household");
  form_class->saved_toast = NC_("toast", "Household registered");
  form_class->build_fields = anbu_register_household_form_build_fields;
  form_class->build_changes = anbu_register_household_form_build_changes;
  form_class->get_dong_code = anbu_register_household_form_get_dong_code;
}

static void
anbu_register_household_form_init (AnbuRegisterHouseholdForm *self)
{
}
