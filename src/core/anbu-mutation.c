/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-records"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "anbu-absence.h"
#include "anbu-contact.h"
#include "anbu-enums.h"
#include "anbu-household.h"
#include "anbu-mutation.h"
#include "anbu-record-json.h"
#include "anbu-visit.h"

static const GEnumValue kind_values[] = {
  { ANBU_MUTATION_KIND_HOUSEHOLD_CREATE, "ANBU_MUTATION_KIND_HOUSEHOLD_CREATE", "household.create" },
  { ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE, "ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE", "household.update" },
  { ANBU_MUTATION_KIND_HOUSEHOLD_CLOSE, "ANBU_MUTATION_KIND_HOUSEHOLD_CLOSE", "household.close" },
  { ANBU_MUTATION_KIND_PLUG_INSTALL, "ANBU_MUTATION_KIND_PLUG_INSTALL", "plug.install" },
  { ANBU_MUTATION_KIND_PLUG_REPLACE, "ANBU_MUTATION_KIND_PLUG_REPLACE", "plug.replace" },
  { ANBU_MUTATION_KIND_PLUG_REMOVE, "ANBU_MUTATION_KIND_PLUG_REMOVE", "plug.remove" },
  { ANBU_MUTATION_KIND_VISIT_CREATE, "ANBU_MUTATION_KIND_VISIT_CREATE", "visit.create" },
  { ANBU_MUTATION_KIND_CONTACT_CREATE, "ANBU_MUTATION_KIND_CONTACT_CREATE", "contact.create" },
  { ANBU_MUTATION_KIND_ABSENCE_CREATE, "ANBU_MUTATION_KIND_ABSENCE_CREATE", "absence.create" },
  { ANBU_MUTATION_KIND_ALERT_ACKNOWLEDGE, "ANBU_MUTATION_KIND_ALERT_ACKNOWLEDGE", "alert.acknowledge" },
  { ANBU_MUTATION_KIND_ALERT_RESOLVE, "ANBU_MUTATION_KIND_ALERT_RESOLVE", "alert.resolve" },
  { ANBU_MUTATION_KIND_PLUG_MARK, "ANBU_MUTATION_KIND_PLUG_MARK", "plug.mark" },
  { ANBU_MUTATION_KIND_ALERT_CLAIM, "ANBU_MUTATION_KIND_ALERT_CLAIM", "alert.claim" },
  { 0, NULL, NULL },
};

static const GEnumValue status_values[] = {
  { ANBU_MUTATION_STATUS_APPLIED, "ANBU_MUTATION_STATUS_APPLIED", "applied" },
  { ANBU_MUTATION_STATUS_DUPLICATE, "ANBU_MUTATION_STATUS_DUPLICATE", "duplicate" },
  { ANBU_MUTATION_STATUS_CONFLICT, "ANBU_MUTATION_STATUS_CONFLICT", "conflict" },
  { ANBU_MUTATION_STATUS_REJECTED, "ANBU_MUTATION_STATUS_REJECTED", "rejected" },
  { 0, NULL, NULL },
};

G_DEFINE_BOXED_TYPE (AnbuMutation, anbu_mutation, anbu_mutation_copy, anbu_mutation_free)

GType
anbu_mutation_kind_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("AnbuMutationKind", kind_values));
  return type;
}

const char *
anbu_mutation_kind_to_string (AnbuMutationKind kind)
{
  if ((guint) kind >= G_N_ELEMENTS (kind_values) - 1)
    return NULL;
  return kind_values[kind].value_nick;
}

gboolean
anbu_mutation_kind_from_string (const char       *text,
                                AnbuMutationKind *kind)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (kind_values) - 1; i++)
    if (strcmp (kind_values[i].value_nick, text) == 0)
      {
        if (kind != NULL)
          *kind = (AnbuMutationKind) kind_values[i].value;
        return TRUE;
      }
  return FALSE;
}

GType
anbu_mutation_status_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("AnbuMutationStatus", status_values));
  return type;
}

const char *
anbu_mutation_status_to_string (AnbuMutationStatus status)
{
  if ((guint) status >= G_N_ELEMENTS (status_values) - 1)
    return NULL;
  return status_values[status].value_nick;
}

gboolean
anbu_mutation_status_from_string (const char         *text,
                                  AnbuMutationStatus *status)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (status_values) - 1; i++)
    if (strcmp (status_values[i].value_nick, text) == 0)
      {
        if (status != NULL)
          *status = (AnbuMutationStatus) status_values[i].value;
        return TRUE;
      }
  return FALSE;
}

/**
 * anbu_mutation_new:
 * @id: a UUID (stored lower case)
 * @payload: the payload; the mutation takes its own reference
 *
 * Returns: (transfer full): the mutation
 */
AnbuMutation *
anbu_mutation_new (const char       *id,
                   AnbuMutationKind  kind,
                   JsonObject       *payload)
{
  AnbuMutation *mutation;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (payload != NULL, NULL);

  mutation = g_new0 (AnbuMutation, 1);
  mutation->id = g_ascii_strdown (id, -1);
  mutation->kind = kind;
  mutation->payload = json_object_ref (payload);
  return mutation;
}

AnbuMutation *
anbu_mutation_copy (const AnbuMutation *mutation)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) copy = NULL;

  g_return_val_if_fail (mutation != NULL, NULL);

  /* A deep copy: the payload may be changed by whoever holds the original. */
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, mutation->payload);
  copy = json_node_copy (node);
  return anbu_mutation_new (mutation->id, mutation->kind, json_node_get_object (copy));
}

void
anbu_mutation_free (AnbuMutation *mutation)
{
  if (mutation == NULL)
    return;
  g_free (mutation->id);
  g_clear_pointer (&mutation->payload, json_object_unref);
  g_free (mutation);
}

/**
 * anbu_mutation_from_json:
 *
 * Checks the envelope only: id (UUID), kind (one of the kinds) and payload
 * (an object). Call anbu_mutation_validate_payload() next.
 *
 * Returns: (transfer full) (nullable): the mutation, or %NULL with an
 *   %ANBU_RECORD_ERROR naming "id", "kind" or "payload"
 */
AnbuMutation *
anbu_mutation_from_json (JsonObject  *object,
                         GError     **error)
{
  g_autofree char *id = NULL;
  GError *local_error = NULL;
  JsonObject *payload;
  gint kind = 0;

  g_return_val_if_fail (object != NULL, NULL);

  if (!anbu_json_read_uuid ("id", json_object_get_member (object, "id"), TRUE, &id, error) ||
      !anbu_json_read_enum ("kind", json_object_get_member (object, "kind"), TRUE,
                            ANBU_TYPE_MUTATION_KIND, &kind, error))
    return NULL;

  payload = anbu_json_read_object ("payload", json_object_get_member (object, "payload"), TRUE,
                                   &local_error);
  if (payload == NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  return anbu_mutation_new (id, kind, payload);
}

JsonObject *
anbu_mutation_to_json (const AnbuMutation *mutation)
{
  JsonObject *object = json_object_new ();

  g_return_val_if_fail (mutation != NULL, object);

  json_object_set_string_member (object, "id", mutation->id);
  json_object_set_string_member (object, "kind", anbu_mutation_kind_to_string (mutation->kind));
  json_object_set_object_member (object, "payload", json_object_ref (mutation->payload));
  return object;
}

#define M(name) name, json_object_get_member (payload, name)

static gboolean
validate_household_update (JsonObject  *payload,
                           GError     **error)
{
  g_autoptr(AnbuHousehold) scratch = anbu_household_new ();
  g_autofree char *id = NULL;
  g_autoptr(GList) names = NULL;
  GError *local_error = NULL;
  JsonObject *fields;
  gint64 base_version = 0;
  gboolean has_lat, has_lon;

  if (!anbu_json_read_uuid (M ("id"), TRUE, &id, error) ||
      !anbu_json_read_version (M ("base_version"), TRUE, &base_version, error))
    return FALSE;

  fields = anbu_json_read_object (M ("fields"), TRUE, &local_error);
  if (fields == NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (json_object_get_size (fields) == 0)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "fields",
                             _("A change names at least one field"));
      return FALSE;
    }

  names = json_object_get_members (fields);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (!anbu_household_set_field (scratch, name, json_object_get_member (fields, name), error))
        {
          anbu_record_error_prefix_field (error, "fields");
          return FALSE;
        }
    }

  has_lat = json_object_has_member (fields, "lat");
  has_lon = json_object_has_member (fields, "lon");
  if (has_lat != has_lon || (has_lat && isnan (scratch->lat) != isnan (scratch->lon)))
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_MISSING_FIELD,
                             (!has_lat || isnan (scratch->lat)) ? "fields.lat" : "fields.lon",
                             _("Latitude and longitude go together"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
validate_household_close (JsonObject  *payload,
                          GError     **error)
{
  g_autofree char *id = NULL;
  g_autofree char *reason = NULL;

  return anbu_json_read_uuid (M ("id"), TRUE, &id, error) &&
         anbu_json_read_text (M ("reason"), TRUE, ANBU_SHORT_TEXT_MAX_CHARS,
                              ANBU_TEXT_SINGLE_LINE, &reason, error);
}

static gboolean
validate_plug_install (JsonObject  *payload,
                       GError     **error)
{
  g_autofree char *serial = NULL;
  g_autofree char *household_id = NULL;
  gint appliance;
  gint64 at;

  return anbu_json_read_serial (M ("serial"), TRUE, &serial, error) &&
         anbu_json_read_uuid (M ("household_id"), TRUE, &household_id, error) &&
         anbu_json_read_enum (M ("appliance"), TRUE, ANBU_TYPE_APPLIANCE, &appliance, error) &&
         anbu_json_read_timestamp (M ("installed_at"), TRUE, &at, error);
}

static gboolean
validate_plug_replace (JsonObject  *payload,
                       GError     **error)
{
  g_autofree char *household_id = NULL;
  g_autofree char *old_serial = NULL;
  g_autofree char *new_serial = NULL;
  gint appliance, reason;
  gint64 at;

  if (!anbu_json_read_uuid (M ("household_id"), TRUE, &household_id, error) ||
      !anbu_json_read_serial (M ("old_serial"), TRUE, &old_serial, error) ||
      !anbu_json_read_serial (M ("new_serial"), TRUE, &new_serial, error) ||
      !anbu_json_read_enum (M ("appliance"), TRUE, ANBU_TYPE_APPLIANCE, &appliance, error) ||
      !anbu_json_read_enum (M ("reason"), TRUE, ANBU_TYPE_PLUG_REMOVAL_REASON, &reason, error) ||
      !anbu_json_read_timestamp (M ("at"), TRUE, &at, error))
    return FALSE;
  if (strcmp (old_serial, new_serial) == 0)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "new_serial",
                             _("The new plug must be a different plug"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
validate_plug_remove (JsonObject  *payload,
                      GError     **error)
{
  g_autofree char *serial = NULL;
  gint reason;
  gint64 at;

  return anbu_json_read_serial (M ("serial"), TRUE, &serial, error) &&
         anbu_json_read_enum (M ("reason"), TRUE, ANBU_TYPE_PLUG_REMOVAL_REASON, &reason,
                              error) &&
         anbu_json_read_timestamp (M ("at"), TRUE, &at, error);
}

static gboolean
validate_plug_mark (JsonObject  *payload,
                    GError     **error)
{
  g_autofree char *serial = NULL;
  gint mark;

  return anbu_json_read_serial (M ("serial"), TRUE, &serial, error) &&
         anbu_json_read_enum (M ("mark"), TRUE, ANBU_TYPE_ACTIVITY_MARK, &mark, error);
}

static gboolean
validate_alert_acknowledge (JsonObject  *payload,
                            GError     **error)
{
  g_autofree char *id = NULL;
  gint64 at;

  return anbu_json_read_uuid (M ("id"), TRUE, &id, error) &&
         anbu_json_read_timestamp (M ("at"), TRUE, &at, error);
}

static gboolean
validate_alert_claim (JsonObject  *payload,
                      GError     **error)
{
  g_autofree char *id = NULL;
  gboolean release = FALSE;
  gint64 at;

  return anbu_json_read_uuid (M ("id"), TRUE, &id, error) &&
         anbu_json_read_timestamp (M ("at"), TRUE, &at, error) &&
         anbu_json_read_bool (M ("release"), FALSE, &release, error);
}

static gboolean
validate_alert_resolve (JsonObject  *payload,
                        GError     **error)
{
  g_autofree char *id = NULL;
  g_autofree char *notes = NULL;
  gint resolution;
  gint dispatch_outcome;
  gint64 at;

  return anbu_json_read_uuid (M ("id"), TRUE, &id, error) &&
         anbu_json_read_enum (M ("resolution"), TRUE, ANBU_TYPE_ALERT_RESOLUTION, &resolution,
                              error) &&
         anbu_json_read_enum (M ("dispatch_outcome"), FALSE, ANBU_TYPE_DISPATCH_OUTCOME,
                              &dispatch_outcome, error) &&
         anbu_json_read_timestamp (M ("at"), TRUE, &at, error) &&
         anbu_json_read_text (M ("notes"), FALSE, ANBU_NOTES_MAX_CHARS, ANBU_TEXT_MULTI_LINE,
                              &notes, error);
}

#undef M

/**
 * anbu_mutation_validate_payload:
 * @kind: the mutation kind
 * @payload: its payload
 *
 * Returns: whether @payload is acceptable for @kind; on failure @error
 *   names the field relative to the payload
 */
gboolean
anbu_mutation_validate_payload (AnbuMutationKind   kind,
                                JsonObject        *payload,
                                GError           **error)
{
  g_return_val_if_fail (payload != NULL, FALSE);

  switch (kind)
    {
    case ANBU_MUTATION_KIND_HOUSEHOLD_CREATE:
      {
        g_autoptr(AnbuHousehold) household = anbu_household_from_json (payload, error);
        return household != NULL;
      }
    case ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE:
      return validate_household_update (payload, error);
    case ANBU_MUTATION_KIND_HOUSEHOLD_CLOSE:
      return validate_household_close (payload, error);
    case ANBU_MUTATION_KIND_PLUG_INSTALL:
      return validate_plug_install (payload, error);
    case ANBU_MUTATION_KIND_PLUG_REPLACE:
      return validate_plug_replace (payload, error);
    case ANBU_MUTATION_KIND_PLUG_REMOVE:
      return validate_plug_remove (payload, error);
    case ANBU_MUTATION_KIND_PLUG_MARK:
      return validate_plug_mark (payload, error);
    case ANBU_MUTATION_KIND_VISIT_CREATE:
      {
        g_autoptr(AnbuVisit) visit = anbu_visit_from_json (payload, error);
        return visit != NULL;
      }
    case ANBU_MUTATION_KIND_CONTACT_CREATE:
      {
        g_autoptr(AnbuContact) contact = anbu_contact_from_json (payload, error);
        return contact != NULL;
      }
    case ANBU_MUTATION_KIND_ABSENCE_CREATE:
      {
        g_autoptr(AnbuAbsence) absence = anbu_absence_from_json (payload, error);
        return absence != NULL;
      }
    case ANBU_MUTATION_KIND_ALERT_ACKNOWLEDGE:
      return validate_alert_acknowledge (payload, error);
    case ANBU_MUTATION_KIND_ALERT_RESOLVE:
      return validate_alert_resolve (payload, error);
    case ANBU_MUTATION_KIND_ALERT_CLAIM:
      return validate_alert_claim (payload, error);
    default:
      break;
    }

  anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "kind",
                         _("Unknown kind of change"));
  return FALSE;
}
