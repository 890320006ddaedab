/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * The enums of DESIGN.md §3. Each has a GType (its value nicks are the wire
 * strings), _to_string (wire string, NULL for a value outside the enum),
 * _from_string (FALSE for an unknown string) and _to_label (a translated
 * label for people: anbu_alert_level_to_label (ANBU_ALERT_LEVEL_RISK) is
 * "위험" in Korean). Values start at 0 and are dense; the two enums used by
 * optional fields have a sentinel -1 (ANBU_SEX_UNKNOWN,
 * ANBU_ALERT_RESOLUTION_NONE) that has no string and no label (NULL).
 */

/* the kinds of record sync carries (docs/api.md, "Pull"); the client's
 * replica, the app's caseload and the server's store all count by it */
typedef enum
{
  ANBU_RECORD_KIND_HOUSEHOLD,
  ANBU_RECORD_KIND_PLUG,
  ANBU_RECORD_KIND_ALERT,
  ANBU_RECORD_KIND_CONTACT,
  ANBU_RECORD_KIND_VISIT,
  ANBU_RECORD_KIND_ABSENCE,
} AnbuRecordKind;

#define ANBU_RECORD_N_KINDS (ANBU_RECORD_KIND_ABSENCE + 1)

#define ANBU_TYPE_RECORD_KIND (anbu_record_kind_get_type ())
GType       anbu_record_kind_get_type    (void) G_GNUC_CONST;
const char *anbu_record_kind_to_string   (AnbuRecordKind value);
gboolean    anbu_record_kind_from_string (const char     *text,
                                          AnbuRecordKind *value);
const char *anbu_record_kind_to_label    (AnbuRecordKind value);

/* sex of a resident (optional in the household record) */
typedef enum
{
  ANBU_SEX_UNKNOWN = -1,  /* not recorded; never on the wire */
  ANBU_SEX_FEMALE,
  ANBU_SEX_MALE,
} AnbuSex;

#define ANBU_TYPE_SEX (anbu_sex_get_type ())
GType       anbu_sex_get_type    (void) G_GNUC_CONST;
const char *anbu_sex_to_string   (AnbuSex value);
gboolean    anbu_sex_from_string (const char *text,
                                  AnbuSex   *value);
const char *anbu_sex_to_label    (AnbuSex value);

/* appliance a plug sits under */
typedef enum
{
  ANBU_APPLIANCE_TV,
  ANBU_APPLIANCE_MICROWAVE,
  ANBU_APPLIANCE_RICE_COOKER,
  ANBU_APPLIANCE_LAMP,
  ANBU_APPLIANCE_OTHER,
} AnbuAppliance;

#define ANBU_TYPE_APPLIANCE (anbu_appliance_get_type ())
GType       anbu_appliance_get_type    (void) G_GNUC_CONST;
const char *anbu_appliance_to_string   (AnbuAppliance value);
gboolean    anbu_appliance_from_string (const char *text,
                                        AnbuAppliance   *value);
const char *anbu_appliance_to_label    (AnbuAppliance value);

/* plug life cycle */
typedef enum
{
  ANBU_PLUG_STATE_INSTALLED,
  ANBU_PLUG_STATE_REMOVED,
  ANBU_PLUG_STATE_LOST,
} AnbuPlugState;

#define ANBU_TYPE_PLUG_STATE (anbu_plug_state_get_type ())
GType       anbu_plug_state_get_type    (void) G_GNUC_CONST;
const char *anbu_plug_state_to_string   (AnbuPlugState value);
gboolean    anbu_plug_state_from_string (const char *text,
                                         AnbuPlugState   *value);
const char *anbu_plug_state_to_label    (AnbuPlugState value);

/* why a plug was taken out (plug.remove, plug.replace) */
typedef enum
{
  ANBU_PLUG_REMOVAL_REASON_MOVED,
  ANBU_PLUG_REMOVAL_REASON_RETURNED,
  ANBU_PLUG_REMOVAL_REASON_FAULTY,
  ANBU_PLUG_REMOVAL_REASON_LOST,
} AnbuPlugRemovalReason;

#define ANBU_TYPE_PLUG_REMOVAL_REASON (anbu_plug_removal_reason_get_type ())
GType       anbu_plug_removal_reason_get_type    (void) G_GNUC_CONST;
const char *anbu_plug_removal_reason_to_string   (AnbuPlugRemovalReason value);
gboolean    anbu_plug_removal_reason_from_string (const char *text,
                                                  AnbuPlugRemovalReason   *value);
const char *anbu_plug_removal_reason_to_label    (AnbuPlugRemovalReason value);

/* who makes the switching a plug's detector learned (timers, duty cycles, an
 * appliance switching itself off), as a planner marked it: auto leaves it to
 * the detector (plug.mark) */
typedef enum
{
  ANBU_ACTIVITY_MARK_AUTO,
  ANBU_ACTIVITY_MARK_PERSON,
  ANBU_ACTIVITY_MARK_MACHINE,
} AnbuActivityMark;

#define ANBU_TYPE_ACTIVITY_MARK (anbu_activity_mark_get_type ())
GType       anbu_activity_mark_get_type    (void) G_GNUC_CONST;
const char *anbu_activity_mark_to_string   (AnbuActivityMark value);
gboolean    anbu_activity_mark_from_string (const char *text,
                                            AnbuActivityMark   *value);
const char *anbu_activity_mark_to_label    (AnbuActivityMark value);

/* whether a household is monitored */
typedef enum
{
  ANBU_HOUSEHOLD_STATUS_ACTIVE,
  ANBU_HOUSEHOLD_STATUS_PAUSED,
  ANBU_HOUSEHOLD_STATUS_CLOSED,
} AnbuHouseholdStatus;

#define ANBU_TYPE_HOUSEHOLD_STATUS (anbu_household_status_get_type ())
GType       anbu_household_status_get_type    (void) G_GNUC_CONST;
const char *anbu_household_status_to_string   (AnbuHouseholdStatus value);
gboolean    anbu_household_status_from_string (const char *text,
                                               AnbuHouseholdStatus   *value);
const char *anbu_household_status_to_label    (AnbuHouseholdStatus value);

/* what raised a risk signal */
typedef enum
{
  ANBU_ALERT_KIND_INACTIVITY,
  ANBU_ALERT_KIND_ROUTINE,
  ANBU_ALERT_KIND_OFFLINE,
} AnbuAlertKind;

#define ANBU_TYPE_ALERT_KIND (anbu_alert_kind_get_type ())
GType       anbu_alert_kind_get_type    (void) G_GNUC_CONST;
const char *anbu_alert_kind_to_string   (AnbuAlertKind value);
gboolean    anbu_alert_kind_from_string (const char *text,
                                         AnbuAlertKind   *value);
const char *anbu_alert_kind_to_label    (AnbuAlertKind value);

/* how urgent a risk signal is */
typedef enum
{
  ANBU_ALERT_LEVEL_WATCH,
  ANBU_ALERT_LEVEL_RISK,
  ANBU_ALERT_LEVEL_CRITICAL,
} AnbuAlertLevel;

#define ANBU_TYPE_ALERT_LEVEL (anbu_alert_level_get_type ())
GType       anbu_alert_level_get_type    (void) G_GNUC_CONST;
const char *anbu_alert_level_to_string   (AnbuAlertLevel value);
gboolean    anbu_alert_level_from_string (const char *text,
                                          AnbuAlertLevel   *value);
const char *anbu_alert_level_to_label    (AnbuAlertLevel value);

/* where a risk signal is in its handling */
typedef enum
{
  ANBU_ALERT_STATE_OPEN,
  ANBU_ALERT_STATE_ACKNOWLEDGED,
  ANBU_ALERT_STATE_DISPATCHED,
  ANBU_ALERT_STATE_RESOLVED,
} AnbuAlertState;

#define ANBU_TYPE_ALERT_STATE (anbu_alert_state_get_type ())
GType       anbu_alert_state_get_type    (void) G_GNUC_CONST;
const char *anbu_alert_state_to_string   (AnbuAlertState value);
gboolean    anbu_alert_state_from_string (const char *text,
                                          AnbuAlertState   *value);
const char *anbu_alert_state_to_label    (AnbuAlertState value);

/* who answers a risk signal */
typedef enum
{
  ANBU_ALERT_RESPONDER_DONG,
  ANBU_ALERT_RESPONDER_CONTROL,
} AnbuAlertResponder;

#define ANBU_TYPE_ALERT_RESPONDER (anbu_alert_responder_get_type ())
GType       anbu_alert_responder_get_type    (void) G_GNUC_CONST;
const char *anbu_alert_responder_to_string   (AnbuAlertResponder value);
gboolean    anbu_alert_responder_from_string (const char *text,
                                              AnbuAlertResponder   *value);
const char *anbu_alert_responder_to_label    (AnbuAlertResponder value);

/* how a risk signal ended */
typedef enum
{
  ANBU_ALERT_RESOLUTION_NONE = -1,  /* not resolved yet; never on the wire */
  ANBU_ALERT_RESOLUTION_SAFE,
  ANBU_ALERT_RESOLUTION_HOSPITALIZED,
  ANBU_ALERT_RESOLUTION_ABSENT,
  ANBU_ALERT_RESOLUTION_DECEASED,
  ANBU_ALERT_RESOLUTION_FALSE_ALARM,
  ANBU_ALERT_RESOLUTION_DEVICE_PROBLEM,
} AnbuAlertResolution;

#define ANBU_TYPE_ALERT_RESOLUTION (anbu_alert_resolution_get_type ())
GType       anbu_alert_resolution_get_type    (void) G_GNUC_CONST;
const char *anbu_alert_resolution_to_string   (AnbuAlertResolution value);
gboolean    anbu_alert_resolution_from_string (const char *text,
                                               AnbuAlertResolution   *value);
const char *anbu_alert_resolution_to_label    (AnbuAlertResolution value);

/* what a 112/119 dispatch found (recorded when a dispatched signal is resolved) */
typedef enum
{
  ANBU_DISPATCH_OUTCOME_NONE = -1,  /* not dispatched, or not resolved yet; never on the wire */
  ANBU_DISPATCH_OUTCOME_FOUND_SAFE,
  ANBU_DISPATCH_OUTCOME_HOSPITALIZED,
  ANBU_DISPATCH_OUTCOME_FOUND_DEAD,
  ANBU_DISPATCH_OUTCOME_NO_ENTRY,
} AnbuDispatchOutcome;

#define ANBU_TYPE_DISPATCH_OUTCOME (anbu_dispatch_outcome_get_type ())
GType       anbu_dispatch_outcome_get_type    (void) G_GNUC_CONST;
const char *anbu_dispatch_outcome_to_string   (AnbuDispatchOutcome value);
gboolean    anbu_dispatch_outcome_from_string (const char *text,
                                               AnbuDispatchOutcome   *value);
const char *anbu_dispatch_outcome_to_label    (AnbuDispatchOutcome value);

/* how a 안부 확인 was attempted */
typedef enum
{
  ANBU_CONTACT_CHANNEL_PHONE,
  ANBU_CONTACT_CHANNEL_SMS,
  ANBU_CONTACT_CHANNEL_VISIT,
  ANBU_CONTACT_CHANNEL_DISPATCH_112,
  ANBU_CONTACT_CHANNEL_DISPATCH_119,
} AnbuContactChannel;

#define ANBU_TYPE_CONTACT_CHANNEL (anbu_contact_channel_get_type ())
GType       anbu_contact_channel_get_type    (void) G_GNUC_CONST;
const char *anbu_contact_channel_to_string   (AnbuContactChannel value);
gboolean    anbu_contact_channel_from_string (const char *text,
                                              AnbuContactChannel   *value);
const char *anbu_contact_channel_to_label    (AnbuContactChannel value);

/* what a 안부 확인 found */
typedef enum
{
  ANBU_CONTACT_OUTCOME_REACHED_SAFE,
  ANBU_CONTACT_OUTCOME_NO_ANSWER,
  ANBU_CONTACT_OUTCOME_WRONG_NUMBER,
  ANBU_CONTACT_OUTCOME_VISITED_SAFE,
  ANBU_CONTACT_OUTCOME_DOOR_OPENED,
  ANBU_CONTACT_OUTCOME_EMERGENCY,
  ANBU_CONTACT_OUTCOME_OTHER,
  ANBU_CONTACT_OUTCOME_NOT_IN_SERVICE,    /* 결번: the number no longer exists */
  ANBU_CONTACT_OUTCOME_NUMBER_CONFIRMED,  /* the planner checked the number is right;
                                           * not a 안부 확인, it counts in no check figure */
} AnbuContactOutcome;

#define ANBU_TYPE_CONTACT_OUTCOME (anbu_contact_outcome_get_type ())
GType       anbu_contact_outcome_get_type    (void) G_GNUC_CONST;
const char *anbu_contact_outcome_to_string   (AnbuContactOutcome value);
gboolean    anbu_contact_outcome_from_string (const char *text,
                                              AnbuContactOutcome   *value);
const char *anbu_contact_outcome_to_label    (AnbuContactOutcome value);

/* why a planner visited */
typedef enum
{
  ANBU_VISIT_PURPOSE_REGULAR,
  ANBU_VISIT_PURPOSE_ALERT,
  ANBU_VISIT_PURPOSE_INSTALL,
  ANBU_VISIT_PURPOSE_REMOVAL,
  ANBU_VISIT_PURPOSE_OTHER,
} AnbuVisitPurpose;

#define ANBU_TYPE_VISIT_PURPOSE (anbu_visit_purpose_get_type ())
GType       anbu_visit_purpose_get_type    (void) G_GNUC_CONST;
const char *anbu_visit_purpose_to_string   (AnbuVisitPurpose value);
gboolean    anbu_visit_purpose_from_string (const char *text,
                                            AnbuVisitPurpose   *value);
const char *anbu_visit_purpose_to_label    (AnbuVisitPurpose value);

/* why a resident is away */
typedef enum
{
  ANBU_ABSENCE_REASON_TRAVEL,
  ANBU_ABSENCE_REASON_HOSPITAL,
  ANBU_ABSENCE_REASON_FAMILY,
  ANBU_ABSENCE_REASON_OTHER,
} AnbuAbsenceReason;

#define ANBU_TYPE_ABSENCE_REASON (anbu_absence_reason_get_type ())
GType       anbu_absence_reason_get_type    (void) G_GNUC_CONST;
const char *anbu_absence_reason_to_string   (AnbuAbsenceReason value);
gboolean    anbu_absence_reason_from_string (const char *text,
                                             AnbuAbsenceReason   *value);
const char *anbu_absence_reason_to_label    (AnbuAbsenceReason value);

/* what a user may do */
typedef enum
{
  ANBU_USER_ROLE_PLANNER,
  ANBU_USER_ROLE_CONTROL,
  ANBU_USER_ROLE_ADMIN,
} AnbuUserRole;

#define ANBU_TYPE_USER_ROLE (anbu_user_role_get_type ())
GType       anbu_user_role_get_type    (void) G_GNUC_CONST;
const char *anbu_user_role_to_string   (AnbuUserRole value);
gboolean    anbu_user_role_from_string (const char *text,
                                        AnbuUserRole   *value);
const char *anbu_user_role_to_label    (AnbuUserRole value);

G_END_DECLS
