/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-records"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-case-lifecycle.h"
#include "anbu-mutation-apply.h"
#include "anbu-record-json.h"

/* Payload members were checked by anbu_mutation_validate_payload(): these
 * readers only fetch them. */
#define M(name) name, json_object_get_member (payload, name)

void
anbu_mutation_records_clear (AnbuMutationRecords *records)
{
  g_clear_pointer (&records->household, anbu_household_free);
  g_clear_pointer (&records->plug, anbu_plug_free);
  g_clear_pointer (&records->old_plug, anbu_plug_free);
  g_clear_pointer (&records->alert, anbu_alert_free);
  g_clear_pointer (&records->visit, anbu_visit_free);
  g_clear_pointer (&records->contact, anbu_contact_free);
  g_clear_pointer (&records->absence, anbu_absence_free);
  g_clear_pointer (&records->changed_fields, g_ptr_array_unref);
  g_clear_pointer (&records->conflicts, json_array_unref);
  records->field_versions = NULL;
  records->changed = FALSE;
}

/**
 * anbu_mutation_check_household_open:
 * @status: the household's status
 * @field: the payload member naming the household
 *
 * A closed case takes no new plugs and no new facts.
 */
gboolean
anbu_mutation_check_household_open (AnbuHouseholdStatus   status,
                                    const char           *field,
                                    GError              **error)
{
  if (status == ANBU_HOUSEHOLD_STATUS_CLOSED)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("The case of this household is closed"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_given_household_open (AnbuMutationRecords  *records,
                            GError              **error)
{
  return records->household == NULL
         || anbu_mutation_check_household_open (records->household->status, "household_id", error);
}

static void
add_changed_field (AnbuMutationRecords *records,
                   const char          *name)
{
  if (records->changed_fields == NULL)
    records->changed_fields = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (records->changed_fields, g_strdup (name));
  records->changed = TRUE;
}

static gboolean
apply_household_create (JsonObject               *payload,
                        const AnbuMutationActor  *actor,
                        AnbuMutationRecords      *records,
                        GError                  **error)
{
  g_autoptr(AnbuHousehold) household = anbu_household_from_json (payload, error);

  if (household == NULL)
    return FALSE;
  /* A planner's new household is theirs unless it names its planner. */
  if (household->planner_id == NULL && actor->role == ANBU_USER_ROLE_PLANNER
      && actor->user_id != NULL)
    household->planner_id = g_strdup (actor->user_id);
  g_clear_pointer (&records->household, anbu_household_free);
  records->household = g_steal_pointer (&household);
  records->changed = TRUE;
  return TRUE;
}

static gint64
field_version (JsonObject *versions,
               const char *name)
{
  JsonNode *node = versions != NULL ? json_object_get_member (versions, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_int (node) : 0;
}

/* household.update: field merge against base_version (DESIGN.md §5). */
static gboolean
apply_household_update (JsonObject           *payload,
                        AnbuMutationRecords  *records,
                        GError              **error)
{
  AnbuHousehold *household = records->household;
  g_autoptr(JsonArray) conflicts = json_array_new ();
  JsonObject *fields;
  JsonObjectIter iter;
  const char *name;
  JsonNode *mine;
  gint64 base_version = 0;

  g_return_val_if_fail (household != NULL, FALSE);

  if (!anbu_json_read_version (M ("base_version"), TRUE, &base_version, error))
    return FALSE;
  if (base_version > household->version)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "base_version",
                             _("The base version is newer than the household"));
      return FALSE;
    }
  fields = json_object_get_object_member (payload, "fields");

  json_object_iter_init (&iter, fields);
  while (json_object_iter_next (&iter, &name, &mine))
    {
      g_autoptr(AnbuHousehold) proposed = anbu_household_copy (household);
      g_autoptr(JsonNode) theirs = anbu_household_dup_field (household, name);
      g_autoptr(JsonNode) wanted = NULL;

      /* Compare values as the codec stores them ("01012345678" is
       * "010-1234-5678"; clearing an unset field changes nothing). */
      if (!anbu_household_set_field (proposed, name, mine, error))
        {
          anbu_record_error_prefix_field (error, "fields");
          return FALSE;
        }
      wanted = anbu_household_dup_field (proposed, name);
      if (theirs == NULL ? wanted == NULL : wanted != NULL && json_node_equal (theirs, wanted))
        continue;
      /* Someone else changed this field after the caller's base: both
       * values go back, nothing is overwritten. */
      if (field_version (records->field_versions, name) > base_version)
        {
          JsonObject *conflict = json_object_new ();

          json_object_set_string_member (conflict, "field", name);
          json_object_set_member (conflict, "mine",
                                  wanted ? g_steal_pointer (&wanted) : json_node_new (JSON_NODE_NULL));
          json_object_set_member (conflict, "theirs",
                                  theirs ? g_steal_pointer (&theirs) : json_node_new (JSON_NODE_NULL));
          json_array_add_object_element (conflicts, conflict);
          continue;
        }
      if (!anbu_household_set_field (household, name, mine, error))
        {
          anbu_record_error_prefix_field (error, "fields");
          return FALSE;
        }
      add_changed_field (records, name);
    }

  if (records->changed)
    {
      /* The merged record must still be a valid household (lat with lon, …). */
      g_autoptr(JsonObject) merged = anbu_household_to_json (household);
      g_autoptr(AnbuHousehold) check = anbu_household_from_json (merged, error);

      if (check == NULL)
        {
          anbu_record_error_prefix_field (error, "fields");
          return FALSE;
        }
    }
  if (json_array_get_length (conflicts) > 0)
    records->conflicts = g_steal_pointer (&conflicts);
  return TRUE;
}

/* household.close: the case leaves planner and control scope. */
static gboolean
apply_household_close (AnbuMutationRecords  *records,
                       GError              **error)
{
  g_return_val_if_fail (records->household != NULL, FALSE);

  if (records->household->status != ANBU_HOUSEHOLD_STATUS_CLOSED)
    {
      records->household->status = ANBU_HOUSEHOLD_STATUS_CLOSED;
      add_changed_field (records, "status");
    }
  return TRUE;
}

/* @plug is the plug with this serial, if any; it becomes the installed one. */
static gboolean
install_plug (AnbuPlug      **plug,
              const char     *serial,
              const char     *serial_field,
              const char     *household_id,
              AnbuAppliance   appliance,
              gint64          at,
              GError        **error)
{
  if (*plug != NULL && (*plug)->state == ANBU_PLUG_STATE_INSTALLED)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, serial_field,
                             _("This plug is already installed in a household"));
      return FALSE;
    }
  /* A plug taken back from one household can go to another: it starts over. */
  g_clear_pointer (plug, anbu_plug_free);
  *plug = anbu_plug_new ();
  (*plug)->serial = g_strdup (serial);
  (*plug)->household_id = g_strdup (household_id);
  (*plug)->appliance = appliance;
  (*plug)->installed_at = at;
  (*plug)->state = ANBU_PLUG_STATE_INSTALLED;
  return TRUE;
}

static gboolean
take_out_plug (AnbuPlug               *plug,
               AnbuPlugRemovalReason   reason,
               gint64                  at,
               const char             *at_field,
               GError                **error)
{
  if (at < plug->installed_at)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, at_field,
                             _("The plug cannot come out before it was installed"));
      return FALSE;
    }
  plug->state = reason == ANBU_PLUG_REMOVAL_REASON_LOST ? ANBU_PLUG_STATE_LOST : ANBU_PLUG_STATE_REMOVED;
  plug->removed_at = at;
  return TRUE;
}

/* plug.install */
static gboolean
apply_plug_install (JsonObject           *payload,
                    AnbuMutationRecords  *records,
                    GError              **error)
{
  g_autofree char *serial = NULL;
  g_autofree char *household_id = NULL;
  gint appliance;
  gint64 at;

  if (!anbu_json_read_serial (M ("serial"), TRUE, &serial, error)
      || !anbu_json_read_uuid (M ("household_id"), TRUE, &household_id, error)
      || !anbu_json_read_enum (M ("appliance"), TRUE, ANBU_TYPE_APPLIANCE, &appliance, error)
      || !anbu_json_read_timestamp (M ("installed_at"), TRUE, &at, error))
    return FALSE;
  if (!check_given_household_open (records, error)
      || !install_plug (&records->plug, serial, "serial", household_id, appliance, at, error))
    return FALSE;
  records->changed = TRUE;
  return TRUE;
}

/* plug.replace: the old plug comes out and the new one goes in at once. */
static gboolean
apply_plug_replace (JsonObject           *payload,
                    AnbuMutationRecords  *records,
                    GError              **error)
{
  g_autofree char *household_id = NULL;
  g_autofree char *old_serial = NULL;
  g_autofree char *new_serial = NULL;
  AnbuPlug *old_plug = records->old_plug;
  gint appliance, reason;
  gint64 at;

  if (!anbu_json_read_uuid (M ("household_id"), TRUE, &household_id, error)
      || !anbu_json_read_serial (M ("old_serial"), TRUE, &old_serial, error)
      || !anbu_json_read_serial (M ("new_serial"), TRUE, &new_serial, error)
      || !anbu_json_read_enum (M ("appliance"), TRUE, ANBU_TYPE_APPLIANCE, &appliance, error)
      || !anbu_json_read_enum (M ("reason"), TRUE, ANBU_TYPE_PLUG_REMOVAL_REASON, &reason, error)
      || !anbu_json_read_timestamp (M ("at"), TRUE, &at, error))
    return FALSE;
  if (!check_given_household_open (records, error))
    return FALSE;
  if (old_plug == NULL || g_strcmp0 (old_plug->household_id, household_id) != 0
      || old_plug->state != ANBU_PLUG_STATE_INSTALLED)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "old_serial",
                             _("This plug is not installed in this household"));
      return FALSE;
    }
  if (!take_out_plug (old_plug, reason, at, "at", error)
      || !install_plug (&records->plug, new_serial, "new_serial", household_id, appliance, at, error))
    return FALSE;
  records->changed = TRUE;
  return TRUE;
}

/* plug.remove */
static gboolean
apply_plug_remove (JsonObject           *payload,
                   AnbuMutationRecords  *records,
                   GError              **error)
{
  g_autofree char *serial = NULL;
  gint reason;
  gint64 at;

  g_return_val_if_fail (records->plug != NULL, FALSE);

  if (!anbu_json_read_serial (M ("serial"), TRUE, &serial, error)
      || !anbu_json_read_enum (M ("reason"), TRUE, ANBU_TYPE_PLUG_REMOVAL_REASON, &reason, error)
      || !anbu_json_read_timestamp (M ("at"), TRUE, &at, error))
    return FALSE;
  if (records->plug->state != ANBU_PLUG_STATE_INSTALLED)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "serial",
                             _("This plug is not installed"));
      return FALSE;
    }
  if (!take_out_plug (records->plug, reason, at, "at", error))
    return FALSE;
  records->changed = TRUE;
  return TRUE;
}

/* plug.mark: the planner's word on what the plug's detector learned. */
static gboolean
apply_plug_mark (JsonObject           *payload,
                 AnbuMutationRecords  *records,
                 GError              **error)
{
  g_autofree char *serial = NULL;
  gint mark;

  g_return_val_if_fail (records->plug != NULL, FALSE);

  if (!anbu_json_read_serial (M ("serial"), TRUE, &serial, error)
      || !anbu_json_read_enum (M ("mark"), TRUE, ANBU_TYPE_ACTIVITY_MARK, &mark, error))
    return FALSE;
  if (records->plug->state != ANBU_PLUG_STATE_INSTALLED)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "serial",
                             _("This plug is not installed"));
      return FALSE;
    }
  records->changed = records->plug->activity_mark != (AnbuActivityMark) mark;
  records->plug->activity_mark = mark;
  return TRUE;
}

/* Visits, contacts and absences are append-only facts, stored as the codec
 * reads them. */
static gboolean
apply_fact (AnbuMutationKind      kind,
            JsonObject           *payload,
            AnbuMutationRecords  *records,
            GError              **error)
{
  if (!check_given_household_open (records, error))
    return FALSE;
  switch (kind)
    {
    case ANBU_MUTATION_KIND_VISIT_CREATE:
      g_clear_pointer (&records->visit, anbu_visit_free);
      records->visit = anbu_visit_from_json (payload, error);
      records->changed = records->visit != NULL;
      break;
    case ANBU_MUTATION_KIND_CONTACT_CREATE:
      g_clear_pointer (&records->contact, anbu_contact_free);
      records->contact = anbu_contact_from_json (payload, error);
      records->changed = records->contact != NULL;
      break;
    case ANBU_MUTATION_KIND_ABSENCE_CREATE:
      g_clear_pointer (&records->absence, anbu_absence_free);
      records->absence = anbu_absence_from_json (payload, error);
      records->changed = records->absence != NULL;
      break;
    default:
      g_return_val_if_reached (FALSE);
    }
  return records->changed;
}

/* alert.acknowledge: someone has taken it on. */
static gboolean
apply_alert_acknowledge (JsonObject           *payload,
                         AnbuMutationRecords  *records,
                         GError              **error)
{
  AnbuAlert *alert = records->alert;
  gint64 at;

  g_return_val_if_fail (alert != NULL, FALSE);

  if (!anbu_json_read_timestamp (M ("at"), TRUE, &at, error))
    return FALSE;
  switch (alert->state)
    {
    case ANBU_ALERT_STATE_OPEN:
      alert->state = ANBU_ALERT_STATE_ACKNOWLEDGED;
      alert->acknowledged_at = at;
      records->changed = TRUE;
      return TRUE;
    case ANBU_ALERT_STATE_ACKNOWLEDGED:
    case ANBU_ALERT_STATE_DISPATCHED:
      return TRUE;
    case ANBU_ALERT_STATE_RESOLVED:
    default:
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "id",
                             _("This alert is already resolved"));
      return FALSE;
    }
}

/**
 * anbu_mutation_claimed_message:
 * @holder_name: (nullable): who holds the signal
 *
 * Returns: (transfer full): the translated refusal of a second claim
 */
char *
anbu_mutation_claimed_message (const char *holder_name)
{
  if (holder_name == NULL || *holder_name == '\0')
    return g_strdup (_("Another operator is already handling this risk signal"));
  /* Translators: %s is a person's display name ("김민지 주무관") */
  return g_strdup_printf (_("%s is already handling this risk signal"), holder_name);
}

/* alert.claim: one operator takes the signal on, or gives it back. */
static gboolean
apply_alert_claim (JsonObject               *payload,
                   const AnbuMutationActor  *actor,
                   AnbuMutationRecords      *records,
                   GError                  **error)
{
  AnbuAlert *alert = records->alert;
  gboolean release = FALSE;
  gboolean held_by_actor;
  gint64 at;

  g_return_val_if_fail (alert != NULL, FALSE);

  if (!anbu_json_read_timestamp (M ("at"), TRUE, &at, error)
      || !anbu_json_read_bool (M ("release"), FALSE, &release, error))
    return FALSE;
  if (alert->state == ANBU_ALERT_STATE_RESOLVED)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "id",
                             _("This alert is already resolved"));
      return FALSE;
    }
  held_by_actor = alert->claimed_by != NULL && actor->user_id != NULL
                  && g_ascii_strcasecmp (alert->claimed_by, actor->user_id) == 0;
  if (alert->claimed_by != NULL && !held_by_actor)
    {
      g_autofree char *message = anbu_mutation_claimed_message (alert->claimed_by_name);

      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "id", "%s", message);
      return FALSE;
    }
  if (release)
    {
      if (alert->claimed_by == NULL)
        return TRUE;
      g_clear_pointer (&alert->claimed_by, g_free);
      g_clear_pointer (&alert->claimed_by_name, g_free);
      alert->claimed_at = 0;
      records->changed = TRUE;
      return TRUE;
    }
  if (held_by_actor)
    return TRUE;
  if (actor->user_id == NULL)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_MISSING_FIELD, "id",
                             _("Sign in to take on a risk signal"));
      return FALSE;
    }
  alert->claimed_by = g_ascii_strdown (actor->user_id, -1);
  alert->claimed_by_name = g_strdup (actor->display_name);
  alert->claimed_at = at;
  /* Taking a case on is acknowledging it. */
  if (alert->state == ANBU_ALERT_STATE_OPEN)
    {
      alert->state = ANBU_ALERT_STATE_ACKNOWLEDGED;
      alert->acknowledged_at = at;
    }
  records->changed = TRUE;
  return TRUE;
}

/* alert.resolve: closes the risk signal with what was found. */
static gboolean
apply_alert_resolve (JsonObject               *payload,
                     const AnbuMutationActor  *actor,
                     AnbuMutationRecords      *records,
                     GError                  **error)
{
  AnbuAlert *alert = records->alert;
  g_autofree char *notes = NULL;
  gint resolution;
  gint dispatch_outcome = ANBU_DISPATCH_OUTCOME_NONE;
  gint64 at;

  g_return_val_if_fail (alert != NULL, FALSE);

  if (!anbu_json_read_enum (M ("resolution"), TRUE, ANBU_TYPE_ALERT_RESOLUTION, &resolution, error)
      || !anbu_json_read_enum (M ("dispatch_outcome"), FALSE, ANBU_TYPE_DISPATCH_OUTCOME,
                               &dispatch_outcome, error)
      || !anbu_json_read_timestamp (M ("at"), TRUE, &at, error)
      || !anbu_json_read_text (M ("notes"), FALSE, ANBU_NOTES_MAX_CHARS, ANBU_TEXT_MULTI_LINE,
                               &notes, error))
    return FALSE;
  if (alert->state == ANBU_ALERT_STATE_RESOLVED)
    {
      if ((gint) alert->resolution == resolution)
        return TRUE;
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "id",
                             _("This alert was already resolved differently"));
      return FALSE;
    }
  /* Who may close it and with what (a dispatched one also says what the dispatch found):
   * docs/casework.md. */
  if (!anbu_case_resolve (alert, resolution, dispatch_outcome, at, actor->user_id, error))
    return FALSE;
  if (notes != NULL)
    {
      g_free (alert->notes);
      alert->notes = g_steal_pointer (&notes);
    }
  records->changed = TRUE;
  return TRUE;
}

/**
 * anbu_mutation_apply:
 * @kind: the mutation kind
 * @payload: its payload, valid for @kind
 * @actor: who makes the change
 * @records: (inout): the records the mutation is about (see the header)
 *
 * Applies one mutation to typed records; the caller stores the result.
 *
 * Returns: %FALSE with an %ANBU_RECORD_ERROR when the change is refused
 */
gboolean
anbu_mutation_apply (AnbuMutationKind          kind,
                     JsonObject               *payload,
                     const AnbuMutationActor  *actor,
                     AnbuMutationRecords      *records,
                     GError                  **error)
{
  g_return_val_if_fail (payload != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (records != NULL, FALSE);

  records->changed = FALSE;
  g_clear_pointer (&records->changed_fields, g_ptr_array_unref);
  g_clear_pointer (&records->conflicts, json_array_unref);

  switch (kind)
    {
    case ANBU_MUTATION_KIND_HOUSEHOLD_CREATE:
      return apply_household_create (payload, actor, records, error);
    case ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE:
      return apply_household_update (payload, records, error);
    case ANBU_MUTATION_KIND_HOUSEHOLD_CLOSE:
      return apply_household_close (records, error);
    case ANBU_MUTATION_KIND_PLUG_INSTALL:
      return apply_plug_install (payload, records, error);
    case ANBU_MUTATION_KIND_PLUG_REPLACE:
      return apply_plug_replace (payload, records, error);
    case ANBU_MUTATION_KIND_PLUG_REMOVE:
      return apply_plug_remove (payload, records, error);
    case ANBU_MUTATION_KIND_PLUG_MARK:
      return apply_plug_mark (payload, records, error);
    case ANBU_MUTATION_KIND_VISIT_CREATE:
    case ANBU_MUTATION_KIND_CONTACT_CREATE:
    case ANBU_MUTATION_KIND_ABSENCE_CREATE:
      return apply_fact (kind, payload, records, error);
    case ANBU_MUTATION_KIND_ALERT_ACKNOWLEDGE:
      return apply_alert_acknowledge (payload, records, error);
    case ANBU_MUTATION_KIND_ALERT_RESOLVE:
      return apply_alert_resolve (payload, actor, records, error);
    case ANBU_MUTATION_KIND_ALERT_CLAIM:
      return apply_alert_claim (payload, actor, records, error);
    default:
      break;
    }

  anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "kind",
                         _("Unknown kind of change"));
  return FALSE;
}

#undef M
