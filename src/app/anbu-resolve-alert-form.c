/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-case-form-dialog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-resolve-alert-form.h"
#include "anbu-case-form-dialog-private.h"
#include "anbu-case-lifecycle.h"
#include "anbu-validate.h"

struct _AnbuResolveAlertForm
{
  AnbuCaseFormDialog parent_instance;
};

G_DEFINE_FINAL_TYPE (AnbuResolveAlertForm, anbu_resolve_alert_form, ANBU_TYPE_CASE_FORM_DIALOG)

static const gint all_resolutions[] = { ANBU_ALERT_RESOLUTION_SAFE, ANBU_ALERT_RESOLUTION_HOSPITALIZED,
                                        ANBU_ALERT_RESOLUTION_ABSENT, ANBU_ALERT_RESOLUTION_DECEASED,
                                        ANBU_ALERT_RESOLUTION_FALSE_ALARM,
                                        ANBU_ALERT_RESOLUTION_DEVICE_PROBLEM };

static const gint all_dispatch_outcomes[] = { ANBU_DISPATCH_OUTCOME_FOUND_SAFE,
                                              ANBU_DISPATCH_OUTCOME_HOSPITALIZED,
                                              ANBU_DISPATCH_OUTCOME_FOUND_DEAD,
                                              ANBU_DISPATCH_OUTCOME_NO_ENTRY };

/* Dispatched, as the server says, or by a 112/119 contact recorded here
 * and not yet synced (the server will have made it dispatched by the time
 * the resolution reaches it, the outbox keeping their order). */
static gboolean
signal_was_dispatched (AnbuCasework    *casework,
                       const AnbuAlert *alert)
{
  g_autoptr(GPtrArray) contacts = NULL;

  if (alert->state == ANBU_ALERT_STATE_DISPATCHED || alert->dispatched_at != 0)
    return TRUE;
  contacts = anbu_casework_list_for_household (casework, ANBU_RECORD_KIND_CONTACT, alert->household_id);
  for (guint i = 0; i < contacts->len; i++)
    {
      const AnbuContact *contact = contacts->pdata[i];

      if (g_strcmp0 (contact->alert_id, alert->id) == 0
          && anbu_case_channel_dispatches (contact->channel))
        return TRUE;
    }
  return FALSE;
}

static void
anbu_resolve_alert_form_build_fields (AnbuCaseFormDialog *self,
                                      AnbuHousehold      *h,
                                      AnbuPlug           *plug,
                                      const GDate        *today_date)
{
  AnbuAlert *alert = anbu_casework_lookup_alert (anbu_case_form_dialog_get_casework (self), anbu_case_form_dialog_get_alert_id (self));

  /* Nothing preselected: the planner says what they found (docs/casework.md). */
  anbu_case_form_dialog_add_choice (self, "resolution", _("Resolution"), ANBU_TYPE_ALERT_RESOLUTION,
                                    (AnbuCaseFormLabelFunc) anbu_alert_resolution_to_label, all_resolutions,
                                    G_N_ELEMENTS (all_resolutions), ANBU_CASE_FORM_NO_CHOICE);
  if (alert != NULL && signal_was_dispatched (anbu_case_form_dialog_get_casework (self), alert))
    anbu_case_form_dialog_add_choice (self, "dispatch_outcome", _("What the dispatch found"),
                                      ANBU_TYPE_DISPATCH_OUTCOME, (AnbuCaseFormLabelFunc) anbu_dispatch_outcome_to_label,
                                      all_dispatch_outcomes, G_N_ELEMENTS (all_dispatch_outcomes), ANBU_CASE_FORM_NO_CHOICE);
  anbu_case_form_dialog_add_moment (self, "at", _("Resolved at"), anbu_case_form_dialog_get_now (self));
  anbu_case_form_dialog_add_text (self, "notes", _("Notes"), NULL);
  /* Save waits for the outcome. */
  anbu_case_form_dialog_update_save_button (self);
}

static gboolean
anbu_resolve_alert_form_build_changes (AnbuCaseFormDialog *self,
                                       JsonObject         *p,
                                       const char         *now,
                                       const char         *user_id)
{
  gboolean ok = TRUE;
  AnbuAlert *alert = anbu_casework_lookup_alert (anbu_case_form_dialog_get_casework (self), anbu_case_form_dialog_get_alert_id (self));
  gint64 at = 0;
  g_autofree char *at_text = NULL;

  if (!anbu_case_form_dialog_read_moment_field (self, "at", &at)
      || !anbu_case_form_dialog_check_not_before (self, "at", &at, alert != NULL ? alert->raised_at : 0,
                                                  _("The risk signal was raised after this time. Check the date and time.")))
    ok = FALSE;
  at_text = at > 0 ? anbu_timestamp_format (at) : g_strdup (now);
  json_object_set_string_member (p, "id", anbu_case_form_dialog_get_alert_id (self));
  if (anbu_case_form_dialog_field_choice_string (self, "resolution") != NULL)
    json_object_set_string_member (p, "resolution", anbu_case_form_dialog_field_choice_string (self, "resolution"));
  else
    {
      anbu_case_form_dialog_set_field_error (self, "resolution", _("Choose how the risk signal ended."));
      ok = FALSE;
    }
  if (anbu_case_form_dialog_get_input (self, "dispatch_outcome") != NULL)
    {
      if (anbu_case_form_dialog_field_choice_string (self, "dispatch_outcome") != NULL)
        json_object_set_string_member (p, "dispatch_outcome",
                                       anbu_case_form_dialog_field_choice_string (self, "dispatch_outcome"));
      else
        {
          anbu_case_form_dialog_set_field_error (self, "dispatch_outcome", _("Say what the dispatch found."));
          ok = FALSE;
        }
    }
  json_object_set_string_member (p, "at", at_text);
  anbu_case_form_set_optional_text (p, "notes", anbu_case_form_dialog_field_text (self, "notes"));
  anbu_case_form_dialog_queue_change (self, "alert.resolve", p);
  return ok;
}

static void
anbu_resolve_alert_form_class_init (AnbuResolveAlertFormClass *klass)
{
  AnbuCaseFormDialogClass *form_class = ANBU_CASE_FORM_DIALOG_CLASS (klass);

  form_class->title = N_("Resolve Risk Signal");
  form_class->saved_toast = NC_("toast", "Risk signal resolved");
  form_class->build_fields = anbu_resolve_alert_form_build_fields;
  form_class->build_changes = anbu_resolve_alert_form_build_changes;
}

static void
anbu_resolve_alert_form_init (AnbuResolveAlertForm *self)
{
}
