/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-records"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "anbu-enums.h"

typedef struct
{
  const char *nick;
  const char *label;  /* N_() marked, translated on use */
} EnumEntry;

static GType
register_enum (const char      *type_name,
               const char      *value_prefix,
               const EnumEntry *entries,
               guint            n_entries)
{
  GEnumValue *values = g_new0 (GEnumValue, n_entries + 1);

  for (guint i = 0; i < n_entries; i++)
    {
      values[i].value = (gint) i;
      g_autofree char *upper = g_ascii_strup (entries[i].nick, -1);

      values[i].value_name = g_strconcat (value_prefix, upper, NULL);
      values[i].value_nick = entries[i].nick;
    }
  /* GLib keeps the table for the life of the process. */
  return g_enum_register_static (type_name, values);
}

static gboolean
lookup_nick (const EnumEntry *entries,
             guint            n_entries,
             const char      *text,
             guint           *index)
{
  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < n_entries; i++)
    if (strcmp (entries[i].nick, text) == 0)
      {
        *index = i;
        return TRUE;
      }
  return FALSE;
}

static const EnumEntry anbu_sex_entries[] = {
  { "female", N_("Female") },
  { "male", N_("Male") },
};

GType
anbu_sex_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, register_enum ("AnbuSex", "ANBU_SEX_",
                                             anbu_sex_entries,
                                             G_N_ELEMENTS (anbu_sex_entries)));
  return type;
}

const char *
anbu_sex_to_string (AnbuSex value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_sex_entries))
    return NULL;
  return anbu_sex_entries[value].nick;
}

gboolean
anbu_sex_from_string (const char *text,
                     AnbuSex *value)
{
  guint index;

  if (!lookup_nick (anbu_sex_entries, G_N_ELEMENTS (anbu_sex_entries), text, &index))
    return FALSE;
  if (value != NULL)
    *value = (AnbuSex) index;
  return TRUE;
}

const char *
anbu_sex_to_label (AnbuSex value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_sex_entries))
    return NULL;
  return _(anbu_sex_entries[value].label);
}

static const EnumEntry anbu_appliance_entries[] = {
  { "tv", N_("TV") },
  { "microwave", N_("Microwave") },
  { "rice_cooker", N_("Rice cooker") },
  { "lamp", N_("Lamp") },
  { "other", N_("Other") },
};

GType
anbu_appliance_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, register_enum ("AnbuAppliance", "ANBU_APPLIANCE_",
                                             anbu_appliance_entries,
                                             G_N_ELEMENTS (anbu_appliance_entries)));
  return type;
}

const char *
anbu_appliance_to_string (AnbuAppliance value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_appliance_entries))
    return NULL;
  return anbu_appliance_entries[value].nick;
}

gboolean
anbu_appliance_from_string (const char *text,
                           AnbuAppliance *value)
{
  guint index;

  if (!lookup_nick (anbu_appliance_entries, G_N_ELEMENTS (anbu_appliance_entries), text, &index))
    return FALSE;
  if (value != NULL)
    *value = (AnbuAppliance) index;
  return TRUE;
}

const char *
anbu_appliance_to_label (AnbuAppliance value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_appliance_entries))
    return NULL;
  return _(anbu_appliance_entries[value].label);
}

static const EnumEntry anbu_plug_state_entries[] = {
  { "installed", N_("Installed") },
  { "removed", N_("Removed") },
  { "lost", N_("Lost") },
};

GType
anbu_plug_state_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, register_enum ("AnbuPlugState", "ANBU_PLUG_STATE_",
                                             anbu_plug_state_entries,
                                             G_N_ELEMENTS (anbu_plug_state_entries)));
  return type;
}

const char *
anbu_plug_state_to_string (AnbuPlugState value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_plug_state_entries))
    return NULL;
  return anbu_plug_state_entries[value].nick;
}

gboolean
anbu_plug_state_from_string (const char *text,
                            AnbuPlugState *value)
{
  guint index;

  if (!lookup_nick (anbu_plug_state_entries, G_N_ELEMENTS (anbu_plug_state_entries), text, &index))
    return FALSE;
  if (value != NULL)
    *value = (AnbuPlugState) index;
  return TRUE;
}

const char *
anbu_plug_state_to_label (AnbuPlugState value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_plug_state_entries))
    return NULL;
  return _(anbu_plug_state_entries[value].label);
}

static const EnumEntry anbu_plug_removal_reason_entries[] = {
  { "moved", N_("Resident moved") },
  { "returned", N_("Returned by the resident") },
  { "faulty", N_("Faulty") },
  { "lost", N_("Lost") },
};

GType
anbu_plug_removal_reason_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, register_enum ("AnbuPlugRemovalReason", "ANBU_PLUG_REMOVAL_REASON_",
                                             anbu_plug_removal_reason_entries,
                                             G_N_ELEMENTS (anbu_plug_removal_reason_entries)));
  return type;
}

const char *
anbu_plug_removal_reason_to_string (AnbuPlugRemovalReason value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_plug_removal_reason_entries))
    return NULL;
  return anbu_plug_removal_reason_entries[value].nick;
}

gboolean
anbu_plug_removal_reason_from_string (const char *text,
                                     AnbuPlugRemovalReason *value)
{
  guint index;

  if (!lookup_nick (anbu_plug_removal_reason_entries, G_N_ELEMENTS (anbu_plug_removal_reason_entries), text, &index))
    return FALSE;
  if (value != NULL)
    *value = (AnbuPlugRemovalReason) index;
  return TRUE;
}

const char *
anbu_plug_removal_reason_to_label (AnbuPlugRemovalReason value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_plug_removal_reason_entries))
    return NULL;
  return _(anbu_plug_removal_reason_entries[value].label);
}

static const EnumEntry anbu_household_status_entries[] = {
  { "active", N_("Monitored") },
  { "paused", N_("Paused") },
  { "closed", N_("Closed") },
};

GType
anbu_household_status_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, register_enum ("AnbuHouseholdStatus", "ANBU_HOUSEHOLD_STATUS_",
                                             anbu_household_status_entries,
                                             G_N_ELEMENTS (anbu_household_status_entries)));
  return type;
}

const char *
anbu_household_status_to_string (AnbuHouseholdStatus value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_household_status_entries))
    return NULL;
  return anbu_household_status_entries[value].nick;
}

gboolean
anbu_household_status_from_string (const char *text,
                                  AnbuHouseholdStatus *value)
{
  guint index;

  if (!lookup_nick (anbu_household_status_entries, G_N_ELEMENTS (anbu_household_status_entries), text, &index))
    return FALSE;
  if (value != NULL)
    *value = (AnbuHouseholdStatus) index;
  return TRUE;
}

const char *
anbu_household_status_to_label (AnbuHouseholdStatus value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_household_status_entries))
    return NULL;
  return _(anbu_household_status_entries[value].label);
}

static const EnumEntry anbu_alert_kind_entries[] = {
  { "inactivity", N_("No activity") },
  { "routine", N_("Unusual quiet") },
  { "offline", N_("Plug offline") },
};

GType
anbu_alert_kind_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, register_enum ("AnbuAlertKind", "ANBU_ALERT_KIND_",
                                             anbu_alert_kind_entries,
                                             G_N_ELEMENTS (anbu_alert_kind_entries)));
  return type;
}

const char *
anbu_alert_kind_to_string (AnbuAlertKind value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_alert_kind_entries))
    return NULL;
  return anbu_alert_kind_entries[value].nick;
}

gboolean
anbu_alert_kind_from_string (const char *text,
                            AnbuAlertKind *value)
{
  guint index;

  if (!lookup_nick (anbu_alert_kind_entries, G_N_ELEMENTS (anbu_alert_kind_entries), text, &index))
    return FALSE;
  if (value != NULL)
    *value = (AnbuAlertKind) index;
  return TRUE;
}

const char *
anbu_alert_kind_to_label (AnbuAlertKind value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_alert_kind_entries))
    return NULL;
  return _(anbu_alert_kind_entries[value].label);
}

static const EnumEntry anbu_alert_level_entries[] = {
  { "watch", N_("Watch") },
  { "risk", N_("Risk") },
  { "critical", N_("Critical") },
};

GType
anbu_alert_level_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, register_enum ("AnbuAlertLevel", "ANBU_ALERT_LEVEL_",
                                             anbu_alert_level_entries,
                                             G_N_ELEMENTS (anbu_alert_level_entries)));
  return type;
}

const char *
anbu_alert_level_to_string (AnbuAlertLevel value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_alert_level_entries))
    return NULL;
  return anbu_alert_level_entries[value].nick;
}

gboolean
anbu_alert_level_from_string (const char *text,
                             AnbuAlertLevel *value)
{
  guint index;

  if (!lookup_nick (anbu_alert_level_entries, G_N_ELEMENTS (anbu_alert_level_entries), text, &index))
    return FALSE;
  if (value != NULL)
    *value = (AnbuAlertLevel) index;
  return TRUE;
}

const char *
anbu_alert_level_to_label (AnbuAlertLevel value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_alert_level_entries))
    return NULL;
  return _(anbu_alert_level_entries[value].label);
}

static const EnumEntry anbu_alert_state_entries[] = {
  { "open", N_("Open") },
  { "acknowledged", N_("Acknowledged") },
  { "dispatched", N_("Dispatched") },
  { "resolved", N_("Resolved") },
};

GType
anbu_alert_state_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, register_enum ("AnbuAlertState", "ANBU_ALERT_STATE_",
                                             anbu_alert_state_entries,
                                             G_N_ELEMENTS (anbu_alert_state_entries)));
  return type;
}

const char *
anbu_alert_state_to_string (AnbuAlertState value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_alert_state_entries))
    return NULL;
  return anbu_alert_state_entries[value].nick;
}

gboolean
anbu_alert_state_from_string (const char *text,
                             AnbuAlertState *value)
{
  guint index;

  if (!lookup_nick (anbu_alert_state_entries, G_N_ELEMENTS (anbu_alert_state_entries), text, &index))
    return FALSE;
  if (value != NULL)
    *value = (AnbuAlertState) index;
  return TRUE;
}

const char *
anbu_alert_state_to_label (AnbuAlertState value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_alert_state_entries))
    return NULL;
  return _(anbu_alert_state_entries[value].label);
}

static const EnumEntry anbu_alert_responder_entries[] = {
  { "dong", N_("Community centre") },
  { "control", N_("Control centre") },
};

GType
anbu_alert_responder_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, register_enum ("AnbuAlertResponder", "ANBU_ALERT_RESPONDER_",
                                             anbu_alert_responder_entries,
                                             G_N_ELEMENTS (anbu_alert_responder_entries)));
  return type;
}

const char *
anbu_alert_responder_to_string (AnbuAlertResponder value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_alert_responder_entries))
    return NULL;
  return anbu_alert_responder_entries[value].nick;
}

gboolean
anbu_alert_responder_from_string (const char *text,
                                 AnbuAlertResponder *value)
{
  guint index;

  if (!lookup_nick (anbu_alert_responder_entries, G_N_ELEMENTS (anbu_alert_responder_entries), text, &index))
    return FALSE;
  if (value != NULL)
    *value = (AnbuAlertResponder) index;
  return TRUE;
}

const char *
anbu_alert_responder_to_label (AnbuAlertResponder value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_alert_responder_entries))
    return NULL;
  return _(anbu_alert_responder_entries[value].label);
}

static const EnumEntry anbu_alert_resolution_entries[] = {
  { "safe", N_("Safe") },
  { "hospitalized", N_("Hospitalised") },
  { "absent", N_("Away from home") },
  { "deceased", N_("Deceased") },
  { "false_alarm", N_("False alarm") },
  { "device_problem", N_("Device problem") },
};

GType
anbu_alert_resolution_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, register_enum ("AnbuAlertResolution", "ANBU_ALERT_RESOLUTION_",
                                             anbu_alert_resolution_entries,
                                             G_N_ELEMENTS (anbu_alert_resolution_entries)));
  return type;
}

const char *
anbu_alert_resolution_to_string (AnbuAlertResolution value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_alert_resolution_entries))
    return NULL;
  return anbu_alert_resolution_entries[value].nick;
}

gboolean
anbu_alert_resolution_from_string (const char *text,
                                  AnbuAlertResolution *value)
{
  guint index;

  if (!lookup_nick (anbu_alert_resolution_entries, G_N_ELEMENTS (anbu_alert_resolution_entries), text, &index))
    return FALSE;
  if (value != NULL)
    *value = (AnbuAlertResolution) index;
  return TRUE;
}

const char *
anbu_alert_resolution_to_label (AnbuAlertResolution value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_alert_resolution_entries))
    return NULL;
  return _(anbu_alert_resolution_entries[value].label);
}

static const EnumEntry anbu_contact_channel_entries[] = {
  { "phone", N_("Phone call") },
  { "sms", N_("Text message") },
  { "visit", N_("Home visit") },
  { "dispatch_112", N_("Police dispatch (112)") },
  { "dispatch_119", N_("Fire service dispatch (119)") },
};

GType
anbu_contact_channel_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, register_enum ("AnbuContactChannel", "ANBU_CONTACT_CHANNEL_",
                                             anbu_contact_channel_entries,
                                             G_N_ELEMENTS (anbu_contact_channel_entries)));
  return type;
}

const char *
anbu_contact_channel_to_string (AnbuContactChannel value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_contact_channel_entries))
    return NULL;
  return anbu_contact_channel_entries[value].nick;
}

gboolean
anbu_contact_channel_from_string (const char *text,
                                 AnbuContactChannel *value)
{
  guint index;

  if (!lookup_nick (anbu_contact_channel_entries, G_N_ELEMENTS (anbu_contact_channel_entries), text, &index))
    return FALSE;
  if (value != NULL)
    *value = (AnbuContactChannel) index;
  return TRUE;
}

const char *
anbu_contact_channel_to_label (AnbuContactChannel value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_contact_channel_entries))
    return NULL;
  return _(anbu_contact_channel_entries[value].label);
}

static const EnumEntry anbu_contact_outcome_entries[] = {
  { "reached_safe", N_("Reached, safe") },
  { "no_answer", N_("No answer") },
  { "wrong_number", N_("Wrong number") },
  { "visited_safe", N_("Visited, safe") },
  { "door_opened", N_("Door opened") },
  { "emergency", N_("Emergency") },
  { "other", N_("Other") },
};

GType
anbu_contact_outcome_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, register_enum ("AnbuContactOutcome", "ANBU_CONTACT_OUTCOME_",
                                             anbu_contact_outcome_entries,
                                             G_N_ELEMENTS (anbu_contact_outcome_entries)));
  return type;
}

const char *
anbu_contact_outcome_to_string (AnbuContactOutcome value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_contact_outcome_entries))
    return NULL;
  return anbu_contact_outcome_entries[value].nick;
}

gboolean
anbu_contact_outcome_from_string (const char *text,
                                 AnbuContactOutcome *value)
{
  guint index;

  if (!lookup_nick (anbu_contact_outcome_entries, G_N_ELEMENTS (anbu_contact_outcome_entries), text, &index))
    return FALSE;
  if (value != NULL)
    *value = (AnbuContactOutcome) index;
  return TRUE;
}

const char *
anbu_contact_outcome_to_label (AnbuContactOutcome value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_contact_outcome_entries))
    return NULL;
  return _(anbu_contact_outcome_entries[value].label);
}

static const EnumEntry anbu_visit_purpose_entries[] = {
  { "regular", N_("Regular visit") },
  { "alert", N_("Risk signal check") },
  { "install", N_("Plug installation") },
  { "removal", N_("Plug removal") },
  { "other", N_("Other") },
};

GType
anbu_visit_purpose_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, register_enum ("AnbuVisitPurpose", "ANBU_VISIT_PURPOSE_",
                                             anbu_visit_purpose_entries,
                                             G_N_ELEMENTS (anbu_visit_purpose_entries)));
  return type;
}

const char *
anbu_visit_purpose_to_string (AnbuVisitPurpose value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_visit_purpose_entries))
    return NULL;
  return anbu_visit_purpose_entries[value].nick;
}

gboolean
anbu_visit_purpose_from_string (const char *text,
                               AnbuVisitPurpose *value)
{
  guint index;

  if (!lookup_nick (anbu_visit_purpose_entries, G_N_ELEMENTS (anbu_visit_purpose_entries), text, &index))
    return FALSE;
  if (value != NULL)
    *value = (AnbuVisitPurpose) index;
  return TRUE;
}

const char *
anbu_visit_purpose_to_label (AnbuVisitPurpose value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_visit_purpose_entries))
    return NULL;
  return _(anbu_visit_purpose_entries[value].label);
}

static const EnumEntry anbu_absence_reason_entries[] = {
  { "travel", N_("Travel") },
  { "hospital", N_("Hospital stay") },
  { "family", N_("Staying with family") },
  { "other", N_("Other") },
};

GType
anbu_absence_reason_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, register_enum ("AnbuAbsenceReason", "ANBU_ABSENCE_REASON_",
                                             anbu_absence_reason_entries,
                                             G_N_ELEMENTS (anbu_absence_reason_entries)));
  return type;
}

const char *
anbu_absence_reason_to_string (AnbuAbsenceReason value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_absence_reason_entries))
    return NULL;
  return anbu_absence_reason_entries[value].nick;
}

gboolean
anbu_absence_reason_from_string (const char *text,
                                AnbuAbsenceReason *value)
{
  guint index;

  if (!lookup_nick (anbu_absence_reason_entries, G_N_ELEMENTS (anbu_absence_reason_entries), text, &index))
    return FALSE;
  if (value != NULL)
    *value = (AnbuAbsenceReason) index;
  return TRUE;
}

const char *
anbu_absence_reason_to_label (AnbuAbsenceReason value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_absence_reason_entries))
    return NULL;
  return _(anbu_absence_reason_entries[value].label);
}

static const EnumEntry anbu_user_role_entries[] = {
  { "planner", N_("Welfare planner") },
  { "control", N_("Control centre operator") },
  { "admin", N_("Administrator") },
};

GType
anbu_user_role_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, register_enum ("AnbuUserRole", "ANBU_USER_ROLE_",
                                             anbu_user_role_entries,
                                             G_N_ELEMENTS (anbu_user_role_entries)));
  return type;
}

const char *
anbu_user_role_to_string (AnbuUserRole value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_user_role_entries))
    return NULL;
  return anbu_user_role_entries[value].nick;
}

gboolean
anbu_user_role_from_string (const char *text,
                           AnbuUserRole *value)
{
  guint index;

  if (!lookup_nick (anbu_user_role_entries, G_N_ELEMENTS (anbu_user_role_entries), text, &index))
    return FALSE;
  if (value != NULL)
    *value = (AnbuUserRole) index;
  return TRUE;
}

const char *
anbu_user_role_to_label (AnbuUserRole value)
{
  if ((guint) value >= G_N_ELEMENTS (anbu_user_role_entries))
    return NULL;
  return _(anbu_user_role_entries[value].label);
}
