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

/* The four functions each enum of anbu-enums.h has, over its table of
 * entries: values are the entries' indexes, nicks the wire strings. */
#define DEFINE_RECORD_ENUM(TypeName, type_name, VALUE_PREFIX)                          \
  GType                                                                                \
  type_name##_get_type (void)                                                          \
  {                                                                                    \
    static gsize type = 0;                                                             \
                                                                                       \
    if (g_once_init_enter (&type))                                                     \
      g_once_init_leave (&type, register_enum (#TypeName, VALUE_PREFIX,                \
                                               type_name##_entries,                    \
                                               G_N_ELEMENTS (type_name##_entries)));   \
    return type;                                                                       \
  }                                                                                    \
                                                                                       \
  const char *                                                                         \
  type_name##_to_string (TypeName value)                                               \
  {                                                                                    \
    if ((guint) value >= G_N_ELEMENTS (type_name##_entries))                           \
      return NULL;                                                                     \
    return type_name##_entries[value].nick;                                            \
  }                                                                                    \
                                                                                       \
  gboolean                                                                             \
  type_name##_from_string (const char *text,                                           \
                           TypeName   *value)                                          \
  {                                                                                    \
    guint index;                                                                       \
                                                                                       \
    if (!lookup_nick (type_name##_entries, G_N_ELEMENTS (type_name##_entries), text,   \
                      &index))                                                         \
      return FALSE;                                                                    \
    if (value != NULL)                                                                 \
      *value = (TypeName) index;                                                       \
    return TRUE;                                                                       \
  }                                                                                    \
                                                                                       \
  const char *                                                                         \
  type_name##_to_label (TypeName value)                                                \
  {                                                                                    \
    if ((guint) value >= G_N_ELEMENTS (type_name##_entries))                           \
      return NULL;                                                                     \
    return _(type_name##_entries[value].label);                                        \
  }

static const EnumEntry anbu_record_kind_entries[] = {
  { "household", N_("Household") },
  { "plug", N_("Plug") },
  { "alert", N_("Risk signal") },
  { "contact", N_("Contact") },
  { "visit", N_("Visit") },
  { "absence", N_("Absence") },
};

DEFINE_RECORD_ENUM (AnbuRecordKind, anbu_record_kind, "ANBU_RECORD_KIND_")
G_STATIC_ASSERT (G_N_ELEMENTS (anbu_record_kind_entries) == ANBU_RECORD_N_KINDS);

static const EnumEntry anbu_sex_entries[] = {
  { "female", N_("Female") },
  { "male", N_("Male") },
};

DEFINE_RECORD_ENUM (AnbuSex, anbu_sex, "ANBU_SEX_")

static const EnumEntry anbu_appliance_entries[] = {
  { "tv", N_("TV") },
  { "microwave", N_("Microwave") },
  { "rice_cooker", N_("Rice cooker") },
  { "lamp", N_("Lamp") },
  { "other", N_("Other") },
};

DEFINE_RECORD_ENUM (AnbuAppliance, anbu_appliance, "ANBU_APPLIANCE_")

static const EnumEntry anbu_plug_state_entries[] = {
  { "installed", N_("Installed") },
  { "removed", N_("Removed") },
  { "lost", N_("Lost") },
};

DEFINE_RECORD_ENUM (AnbuPlugState, anbu_plug_state, "ANBU_PLUG_STATE_")

static const EnumEntry anbu_plug_removal_reason_entries[] = {
  { "moved", N_("Resident moved") },
  { "returned", N_("Returned by the resident") },
  { "faulty", N_("Faulty") },
  { "lost", N_("Lost") },
};

DEFINE_RECORD_ENUM (AnbuPlugRemovalReason, anbu_plug_removal_reason, "ANBU_PLUG_REMOVAL_REASON_")

static const EnumEntry anbu_activity_mark_entries[] = {
  { "auto", N_("Decided by the detector") },
  { "person", N_("A person") },
  { "machine", N_("A machine") },
};

DEFINE_RECORD_ENUM (AnbuActivityMark, anbu_activity_mark, "ANBU_ACTIVITY_MARK_")

static const EnumEntry anbu_household_status_entries[] = {
  { "active", N_("Monitored") },
  { "paused", N_("Paused") },
  { "closed", N_("Closed") },
};

DEFINE_RECORD_ENUM (AnbuHouseholdStatus, anbu_household_status, "ANBU_HOUSEHOLD_STATUS_")

static const EnumEntry anbu_alert_kind_entries[] = {
  { "inactivity", N_("No activity") },
  { "routine", N_("Unusual quiet") },
  { "offline", N_("Plug offline") },
};

DEFINE_RECORD_ENUM (AnbuAlertKind, anbu_alert_kind, "ANBU_ALERT_KIND_")

static const EnumEntry anbu_alert_level_entries[] = {
  { "watch", N_("Watch") },
  { "risk", N_("Risk") },
  { "critical", N_("Critical") },
};

DEFINE_RECORD_ENUM (AnbuAlertLevel, anbu_alert_level, "ANBU_ALERT_LEVEL_")

static const EnumEntry anbu_alert_state_entries[] = {
  { "open", N_("Open") },
  { "acknowledged", N_("Acknowledged") },
  { "dispatched", N_("Dispatched") },
  { "resolved", N_("Resolved") },
};

DEFINE_RECORD_ENUM (AnbuAlertState, anbu_alert_state, "ANBU_ALERT_STATE_")

static const EnumEntry anbu_alert_responder_entries[] = {
  { "dong", N_("Community centre") },
  { "control", N_("Control centre") },
};

DEFINE_RECORD_ENUM (AnbuAlertResponder, anbu_alert_responder, "ANBU_ALERT_RESPONDER_")

static const EnumEntry anbu_alert_resolution_entries[] = {
  { "safe", N_("Safe") },
  { "hospitalized", N_("Hospitalised") },
  { "absent", N_("Away from home") },
  { "deceased", N_("Deceased") },
  { "false_alarm", N_("False alarm") },
  { "device_problem", N_("Device problem") },
};

DEFINE_RECORD_ENUM (AnbuAlertResolution, anbu_alert_resolution, "ANBU_ALERT_RESOLUTION_")

static const EnumEntry anbu_dispatch_outcome_entries[] = {
  { "found_safe", N_("Found safe") },
  { "hospitalized", N_("Taken to hospital") },
  { "found_dead", N_("Found dead") },
  { "no_entry", N_("Could not enter") },
};

DEFINE_RECORD_ENUM (AnbuDispatchOutcome, anbu_dispatch_outcome, "ANBU_DISPATCH_OUTCOME_")

static const EnumEntry anbu_contact_channel_entries[] = {
  { "phone", N_("Phone call") },
  { "sms", N_("Text message") },
  { "visit", N_("Home visit") },
  { "dispatch_112", N_("Police dispatch (112)") },
  { "dispatch_119", N_("Fire service dispatch (119)") },
};

DEFINE_RECORD_ENUM (AnbuContactChannel, anbu_contact_channel, "ANBU_CONTACT_CHANNEL_")

static const EnumEntry anbu_contact_outcome_entries[] = {
  { "reached_safe", N_("Reached, safe") },
  { "no_answer", N_("No answer") },
  { "wrong_number", N_("Wrong number") },
  { "visited_safe", N_("Visited, safe") },
  { "door_opened", N_("Door opened") },
  { "emergency", N_("Emergency") },
  { "other", N_("Other") },
  { "not_in_service", N_("Number not in service") },
  { "number_confirmed", N_("Number confirmed") },
};

DEFINE_RECORD_ENUM (AnbuContactOutcome, anbu_contact_outcome, "ANBU_CONTACT_OUTCOME_")

static const EnumEntry anbu_visit_purpose_entries[] = {
  { "regular", N_("Regular visit") },
  { "alert", N_("Risk signal check") },
  { "install", N_("Plug installation") },
  { "removal", N_("Plug removal") },
  { "other", N_("Other") },
};

DEFINE_RECORD_ENUM (AnbuVisitPurpose, anbu_visit_purpose, "ANBU_VISIT_PURPOSE_")

static const EnumEntry anbu_absence_reason_entries[] = {
  { "travel", N_("Travel") },
  { "hospital", N_("Hospital stay") },
  { "family", N_("Staying with family") },
  { "other", N_("Other") },
};

DEFINE_RECORD_ENUM (AnbuAbsenceReason, anbu_absence_reason, "ANBU_ABSENCE_REASON_")

static const EnumEntry anbu_user_role_entries[] = {
  { "planner", N_("Welfare planner") },
  { "control", N_("Control centre operator") },
  { "admin", N_("Administrator") },
};

DEFINE_RECORD_ENUM (AnbuUserRole, anbu_user_role, "ANBU_USER_ROLE_")
