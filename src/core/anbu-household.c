/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-records"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "anbu-household.h"
#include "anbu-record-json.h"

typedef gboolean (*ReadField)  (AnbuHousehold  *household,
                                const char     *field,
                                JsonNode       *node,
                                GError        **error);
typedef void     (*WriteField) (const AnbuHousehold *household,
                                JsonObject          *object,
                                const char          *member);

typedef struct
{
  const char *name;
  gboolean    editable;
  ReadField   read;
  WriteField  write;
} FieldInfo;

G_DEFINE_BOXED_TYPE (AnbuHouseholdContact, anbu_household_contact,
                     anbu_household_contact_copy, anbu_household_contact_free)
G_DEFINE_BOXED_TYPE (AnbuHousehold, anbu_household, anbu_household_copy, anbu_household_free)

static gboolean
doubles_equal (double a,
               double b)
{
  return (isnan (a) && isnan (b)) || a == b;
}

static void
replace_string (char **slot,
                char  *value)
{
  g_free (*slot);
  *slot = value;
}

/* Readers: each validates into a temporary and only then replaces the field,
 * so a refused value leaves the household as it was.
 *
 * STRING_FIELD defines the reader and writer of a member kept as a string:
 * @reader is the anbu_json_read_*() function for it, followed by its
 * arguments between the node and the output (required, limits, flags). */
#define STRING_FIELD(member, reader, ...)                                      \
  static gboolean                                                              \
  read_##member (AnbuHousehold *h, const char *field, JsonNode *node,          \
                 GError **error)                                               \
  {                                                                            \
    char *value = NULL;                                                        \
    if (!reader (field, node, __VA_ARGS__, &value, error))                     \
      return FALSE;                                                            \
    replace_string (&h->member, value);                                        \
    return TRUE;                                                               \
  }                                                                            \
  static void                                                                  \
  write_##member (const AnbuHousehold *h, JsonObject *o, const char *name)     \
  {                                                                            \
    anbu_json_write_text (o, name, h->member);                                 \
  }

STRING_FIELD (id, anbu_json_read_uuid, TRUE)
STRING_FIELD (dong_code, anbu_json_read_dong_code, TRUE)
STRING_FIELD (dong_name, anbu_json_read_text, FALSE, ANBU_NAME_MAX_CHARS, ANBU_TEXT_SINGLE_LINE)
STRING_FIELD (name, anbu_json_read_text, TRUE, ANBU_NAME_MAX_CHARS, ANBU_TEXT_SINGLE_LINE)
STRING_FIELD (phone, anbu_json_read_phone, FALSE)
STRING_FIELD (address, anbu_json_read_text, TRUE, ANBU_ADDRESS_MAX_CHARS, ANBU_TEXT_SINGLE_LINE)
STRING_FIELD (address_detail, anbu_json_read_text, FALSE, ANBU_ADDRESS_DETAIL_MAX_CHARS,
              ANBU_TEXT_SINGLE_LINE)
STRING_FIELD (risk_notes, anbu_json_read_text, FALSE, ANBU_NOTES_MAX_CHARS, ANBU_TEXT_MULTI_LINE)
STRING_FIELD (night_consent_date, anbu_json_read_date, FALSE)
STRING_FIELD (planner_id, anbu_json_read_uuid, FALSE)

static gboolean
read_birth_year (AnbuHousehold *h, const char *field, JsonNode *node, GError **error)
{
  gint64 year = 0;
  gboolean present = FALSE;

  if (!anbu_json_read_int (field, node, FALSE, &year, &present, error))
    return FALSE;
  if (present && !anbu_validate_birth_year (field, year, error))
    return FALSE;
  h->birth_year = present ? (gint) year : 0;
  return TRUE;
}

static void
write_birth_year (const AnbuHousehold *h, JsonObject *o, const char *name)
{
  if (h->birth_year != 0)
    json_object_set_int_member (o, name, h->birth_year);
}

static gboolean
read_sex (AnbuHousehold *h, const char *field, JsonNode *node, GError **error)
{
  gint value = ANBU_SEX_UNKNOWN;

  if (!anbu_json_read_enum (field, node, FALSE, ANBU_TYPE_SEX, &value, error))
    return FALSE;
  h->sex = value;
  return TRUE;
}

static void
write_sex (const AnbuHousehold *h, JsonObject *o, const char *name)
{
  anbu_json_write_text (o, name, anbu_sex_to_string (h->sex));
}

static gboolean
read_lat (AnbuHousehold *h, const char *field, JsonNode *node, GError **error)
{
  double value;

  if (!anbu_json_read_double (field, node, FALSE, &value, error))
    return FALSE;
  if (!isnan (value) && !anbu_validate_latitude (field, value, error))
    return FALSE;
  h->lat = value;
  return TRUE;
}

static void
write_lat (const AnbuHousehold *h, JsonObject *o, const char *name)
{
  anbu_json_write_double (o, name, h->lat);
}

static gboolean
read_lon (AnbuHousehold *h, const char *field, JsonNode *node, GError **error)
{
  double value;

  if (!anbu_json_read_double (field, node, FALSE, &value, error))
    return FALSE;
  if (!isnan (value) && !anbu_validate_longitude (field, value, error))
    return FALSE;
  h->lon = value;
  return TRUE;
}

static void
write_lon (const AnbuHousehold *h, JsonObject *o, const char *name)
{
  anbu_json_write_double (o, name, h->lon);
}

static gboolean
read_contacts (AnbuHousehold *h, const char *field, JsonNode *node, GError **error)
{
  g_autoptr(GPtrArray) contacts = NULL;
  GError *local_error = NULL;
  JsonArray *array;
  guint n;

  array = anbu_json_read_array (field, node, FALSE, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_household_contact_free);
  n = array != NULL ? json_array_get_length (array) : 0;
  if (n > ANBU_HOUSEHOLD_MAX_CONTACTS)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_TOO_LONG, field,
                             _("A household has at most %d contacts"),
                             ANBU_HOUSEHOLD_MAX_CONTACTS);
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s.%u", field, i);
      JsonNode *element = json_array_get_element (array, i);
      AnbuHouseholdContact *contact;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          anbu_record_set_error (error, ANBU_RECORD_ERROR_WRONG_TYPE, path,
                                 _("Expected an object"));
          return FALSE;
        }
      contact = anbu_household_contact_from_json (json_node_get_object (element), error);
      if (contact == NULL)
        {
          anbu_record_error_prefix_field (error, path);
          return FALSE;
        }
      g_ptr_array_add (contacts, contact);
    }

  g_clear_pointer (&h->contacts, g_ptr_array_unref);
  h->contacts = g_steal_pointer (&contacts);
  return TRUE;
}

static void
write_contacts (const AnbuHousehold *h, JsonObject *o, const char *name)
{
  JsonArray *array = json_array_sized_new (h->contacts->len);

  for (guint i = 0; i < h->contacts->len; i++)
    json_array_add_object_element (array,
                                   anbu_household_contact_to_json (g_ptr_array_index (h->contacts, i)));
  json_object_set_array_member (o, name, array);
}

static gboolean
read_night_consent (AnbuHousehold *h, const char *field, JsonNode *node, GError **error)
{
  gboolean value = FALSE;

  if (!anbu_json_read_bool (field, node, FALSE, &value, error))
    return FALSE;
  h->night_consent = value;
  return TRUE;
}

static void
write_night_consent (const AnbuHousehold *h, JsonObject *o, const char *name)
{
  json_object_set_boolean_member (o, name, h->night_consent);
}

static gboolean
read_threshold_hours (AnbuHousehold *h, const char *field, JsonNode *node, GError **error)
{
  gint64 hours = ANBU_THRESHOLD_HOURS_DEFAULT;
  gboolean present = FALSE;

  if (!anbu_json_read_int (field, node, FALSE, &hours, &present, error))
    return FALSE;
  if (present && !anbu_validate_threshold_hours (field, hours, error))
    return FALSE;
  h->threshold_hours = present ? (gint) hours : ANBU_THRESHOLD_HOURS_DEFAULT;
  return TRUE;
}

static void
write_threshold_hours (const AnbuHousehold *h, JsonObject *o, const char *name)
{
  json_object_set_int_member (o, name, h->threshold_hours);
}

static gboolean
read_status (AnbuHousehold *h, const char *field, JsonNode *node, GError **error)
{
  gint value = ANBU_HOUSEHOLD_STATUS_ACTIVE;

  if (!anbu_json_read_enum (field, node, FALSE, ANBU_TYPE_HOUSEHOLD_STATUS, &value, error))
    return FALSE;
  h->status = value;
  return TRUE;
}

static void
write_status (const AnbuHousehold *h, JsonObject *o, const char *name)
{
  anbu_json_write_text (o, name, anbu_household_status_to_string (h->status));
}

static gboolean
read_version (AnbuHousehold *h, const char *field, JsonNode *node, GError **error)
{
  gint64 version;

  if (!anbu_json_read_version (field, node, FALSE, &version, error))
    return FALSE;
  h->version = version;
  return TRUE;
}

static void
write_version (const AnbuHousehold *h, JsonObject *o, const char *name)
{
  json_object_set_int_member (o, name, h->version);
}

static gboolean
read_updated_at (AnbuHousehold *h, const char *field, JsonNode *node, GError **error)
{
  gint64 value = 0;

  if (!anbu_json_read_timestamp (field, node, FALSE, &value, error))
    return FALSE;
  h->updated_at = value;
  return TRUE;
}

static void
write_updated_at (const AnbuHousehold *h, JsonObject *o, const char *name)
{
  anbu_json_write_timestamp (o, name, h->updated_at);
}

static gboolean
read_created_at (AnbuHousehold *h, const char *field, JsonNode *node, GError **error)
{
  gint64 value = 0;

  if (!anbu_json_read_timestamp (field, node, FALSE, &value, error))
    return FALSE;
  h->created_at = value;
  return TRUE;
}

static void
write_created_at (const AnbuHousehold *h, JsonObject *o, const char *name)
{
  anbu_json_write_timestamp (o, name, h->created_at);
}

static const FieldInfo fields[] = {
  { "id", FALSE, read_id, write_id },
  { "dong_code", TRUE, read_dong_code, write_dong_code },
  { "dong_name", TRUE, read_dong_name, write_dong_name },
  { "name", TRUE, read_name, write_name },
  { "birth_year", TRUE, read_birth_year, write_birth_year },
  { "sex", TRUE, read_sex, write_sex },
  { "phone", TRUE, read_phone, write_phone },
  { "address", TRUE, read_address, write_address },
  { "address_detail", TRUE, read_address_detail, write_address_detail },
  { "lat", TRUE, read_lat, write_lat },
  { "lon", TRUE, read_lon, write_lon },
  { "risk_notes", TRUE, read_risk_notes, write_risk_notes },
  { "contacts", TRUE, read_contacts, write_contacts },
  { "night_consent", TRUE, read_night_consent, write_night_consent },
  { "night_consent_date", TRUE, read_night_consent_date, write_night_consent_date },
  { "threshold_hours", TRUE, read_threshold_hours, write_threshold_hours },
  { "status", TRUE, read_status, write_status },
  { "planner_id", TRUE, read_planner_id, write_planner_id },
  { "version", FALSE, read_version, write_version },
  { "updated_at", FALSE, read_updated_at, write_updated_at },
  { "created_at", FALSE, read_created_at, write_created_at },
};

static gboolean
is_member_name (const char *name)
{
  if (name == NULL || *name == '\0')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

static const FieldInfo *
find_field (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_strcmp0 (fields[i].name, name) == 0)
      return &fields[i];
  return NULL;
}

/* Household contacts */

AnbuHouseholdContact *
anbu_household_contact_new (void)
{
  return g_new0 (AnbuHouseholdContact, 1);
}

AnbuHouseholdContact *
anbu_household_contact_copy (const AnbuHouseholdContact *contact)
{
  AnbuHouseholdContact *copy;

  g_return_val_if_fail (contact != NULL, NULL);

  copy = anbu_household_contact_new ();
  copy->name = g_strdup (contact->name);
  copy->relation = g_strdup (contact->relation);
  copy->phone = g_strdup (contact->phone);
  return copy;
}

void
anbu_household_contact_free (AnbuHouseholdContact *contact)
{
  if (contact == NULL)
    return;
  g_free (contact->name);
  g_free (contact->relation);
  g_free (contact->phone);
  g_free (contact);
}

gboolean
anbu_household_contact_equal (const AnbuHouseholdContact *a,
                              const AnbuHouseholdContact *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  return g_strcmp0 (a->name, b->name) == 0 &&
         g_strcmp0 (a->relation, b->relation) == 0 &&
         g_strcmp0 (a->phone, b->phone) == 0;
}

/**
 * anbu_household_contact_from_json:
 *
 * Members: name (required, ≤ 50), relation (optional, ≤ 30), phone (required).
 *
 * Returns: (transfer full) (nullable): the contact
 */
AnbuHouseholdContact *
anbu_household_contact_from_json (JsonObject  *object,
                                  GError     **error)
{
  g_autoptr(AnbuHouseholdContact) contact = anbu_household_contact_new ();

  g_return_val_if_fail (object != NULL, NULL);

  if (!anbu_json_read_text ("name", json_object_get_member (object, "name"), TRUE,
                            ANBU_NAME_MAX_CHARS, ANBU_TEXT_SINGLE_LINE, &contact->name, error) ||
      !anbu_json_read_text ("relation", json_object_get_member (object, "relation"), FALSE,
                            ANBU_RELATION_MAX_CHARS, ANBU_TEXT_SINGLE_LINE, &contact->relation,
                            error) ||
      !anbu_json_read_phone ("phone", json_object_get_member (object, "phone"), TRUE,
                             &contact->phone, error))
    return NULL;
  return g_steal_pointer (&contact);
}

JsonObject *
anbu_household_contact_to_json (const AnbuHouseholdContact *contact)
{
  JsonObject *object = json_object_new ();

  g_return_val_if_fail (contact != NULL, object);

  anbu_json_write_text (object, "name", contact->name);
  anbu_json_write_text (object, "relation", contact->relation);
  anbu_json_write_text (object, "phone", contact->phone);
  return object;
}

/* Households */

/**
 * anbu_household_new:
 *
 * Returns: (transfer full): an empty household with the defaults: unknown
 *   sex and location, no contacts, threshold 24 hours, active
 */
AnbuHousehold *
anbu_household_new (void)
{
  AnbuHousehold *h = g_new0 (AnbuHousehold, 1);

  h->sex = ANBU_SEX_UNKNOWN;
  h->lat = NAN;
  h->lon = NAN;
  h->contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_household_contact_free);
  h->threshold_hours = ANBU_THRESHOLD_HOURS_DEFAULT;
  h->status = ANBU_HOUSEHOLD_STATUS_ACTIVE;
  return h;
}

AnbuHousehold *
anbu_household_copy (const AnbuHousehold *h)
{
  AnbuHousehold *copy;

  g_return_val_if_fail (h != NULL, NULL);

  copy = anbu_household_new ();
  copy->id = g_strdup (h->id);
  copy->dong_code = g_strdup (h->dong_code);
  copy->dong_name = g_strdup (h->dong_name);
  copy->name = g_strdup (h->name);
  copy->birth_year = h->birth_year;
  copy->sex = h->sex;
  copy->phone = g_strdup (h->phone);
  copy->address = g_strdup (h->address);
  copy->address_detail = g_strdup (h->address_detail);
  copy->lat = h->lat;
  copy->lon = h->lon;
  copy->risk_notes = g_strdup (h->risk_notes);
  for (guint i = 0; i < h->contacts->len; i++)
    g_ptr_array_add (copy->contacts,
                     anbu_household_contact_copy (g_ptr_array_index (h->contacts, i)));
  copy->night_consent = h->night_consent;
  copy->night_consent_date = g_strdup (h->night_consent_date);
  copy->threshold_hours = h->threshold_hours;
  copy->status = h->status;
  copy->planner_id = g_strdup (h->planner_id);
  copy->version = h->version;
  copy->updated_at = h->updated_at;
  copy->created_at = h->created_at;
  return copy;
}

void
anbu_household_free (AnbuHousehold *h)
{
  if (h == NULL)
    return;
  g_free (h->id);
  g_free (h->dong_code);
  g_free (h->dong_name);
  g_free (h->name);
  g_free (h->phone);
  g_free (h->address);
  g_free (h->address_detail);
  g_free (h->risk_notes);
  g_clear_pointer (&h->contacts, g_ptr_array_unref);
  g_free (h->night_consent_date);
  g_free (h->planner_id);
  g_free (h);
}

gboolean
anbu_household_equal (const AnbuHousehold *a,
                      const AnbuHousehold *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  if (g_strcmp0 (a->id, b->id) != 0 ||
      g_strcmp0 (a->dong_code, b->dong_code) != 0 ||
      g_strcmp0 (a->dong_name, b->dong_name) != 0 ||
      g_strcmp0 (a->name, b->name) != 0 ||
      a->birth_year != b->birth_year ||
      a->sex != b->sex ||
      g_strcmp0 (a->phone, b->phone) != 0 ||
      g_strcmp0 (a->address, b->address) != 0 ||
      g_strcmp0 (a->address_detail, b->address_detail) != 0 ||
      !doubles_equal (a->lat, b->lat) ||
      !doubles_equal (a->lon, b->lon) ||
      g_strcmp0 (a->risk_notes, b->risk_notes) != 0 ||
      a->contacts->len != b->contacts->len ||
      a->night_consent != b->night_consent ||
      g_strcmp0 (a->night_consent_date, b->night_consent_date) != 0 ||
      a->threshold_hours != b->threshold_hours ||
      a->status != b->status ||
      g_strcmp0 (a->planner_id, b->planner_id) != 0 ||
      a->version != b->version ||
      a->updated_at != b->updated_at ||
      a->created_at != b->created_at)
    return FALSE;

  for (guint i = 0; i < a->contacts->len; i++)
    if (!anbu_household_contact_equal (g_ptr_array_index (a->contacts, i),
                                       g_ptr_array_index (b->contacts, i)))
      return FALSE;
  return TRUE;
}

/**
 * anbu_household_from_json:
 * @object: a household record (see the header for its members)
 *
 * Returns: (transfer full) (nullable): the household, or %NULL with an
 *   %ANBU_RECORD_ERROR naming the first field at fault
 */
AnbuHousehold *
anbu_household_from_json (JsonObject  *object,
                          GError     **error)
{
  g_autoptr(AnbuHousehold) h = anbu_household_new ();

  g_return_val_if_fail (object != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (!fields[i].read (h, fields[i].name, json_object_get_member (object, fields[i].name),
                         error))
      return NULL;

  if (isnan (h->lat) != isnan (h->lon))
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_MISSING_FIELD,
                             isnan (h->lat) ? "lat" : "lon",
                             _("Latitude and longitude go together"));
      return NULL;
    }

  return g_steal_pointer (&h);
}

/**
 * anbu_household_to_json:
 *
 * Returns: (transfer full): the record as JSON, members in a fixed order
 */
JsonObject *
anbu_household_to_json (const AnbuHousehold *h)
{
  JsonObject *object = json_object_new ();

  g_return_val_if_fail (h != NULL, object);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    fields[i].write (h, object, fields[i].name);
  return object;
}

/**
 * anbu_household_list_editable_fields:
 *
 * Returns: (transfer none): the NULL-terminated names of the members a
 *   household.update may change
 */
const char * const *
anbu_household_list_editable_fields (void)
{
  static const char *names[G_N_ELEMENTS (fields) + 1];
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      guint n = 0;

      for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
        if (fields[i].editable)
          names[n++] = fields[i].name;
      names[n] = NULL;
      g_once_init_leave (&initialized, 1);
    }
  return names;
}

gboolean
anbu_household_is_editable_field (const char *name)
{
  const FieldInfo *info = find_field (name);

  return info != NULL && info->editable;
}

/**
 * anbu_household_set_field:
 * @name: an editable member name
 * @value: (nullable): the new value; %NULL or JSON null clears an optional
 *   field (and is refused for a required one)
 *
 * Validates @value with the same rules as anbu_household_from_json() and
 * stores it in canonical form. The field is left unchanged on error. The
 * error names the field @name. Latitude and longitude are set one at a time
 * here: a caller changing the location sets both.
 */
gboolean
anbu_household_set_field (AnbuHousehold  *household,
                          const char     *name,
                          JsonNode       *value,
                          GError        **error)
{
  const FieldInfo *info;

  g_return_val_if_fail (household != NULL, FALSE);

  info = find_field (name);
  if (info == NULL)
    {
      /* The name comes from the request: only a plain member name may stand
       * as the field of the error, or "name: x" would blame "name". */
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE,
                             is_member_name (name) ? name : NULL,
                             _("There is no such household field"));
      return FALSE;
    }
  if (!info->editable)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, name,
                             _("This household field cannot be changed"));
      return FALSE;
    }
  return info->read (household, name, value, error);
}

/**
 * anbu_household_dup_field:
 * @name: any member name
 *
 * Returns: (transfer full) (nullable): the member's JSON value (a null node
 *   when unset), or %NULL when @name is not a household member
 */
JsonNode *
anbu_household_dup_field (const AnbuHousehold *household,
                          const char          *name)
{
  g_autoptr(JsonObject) scratch = NULL;
  const FieldInfo *info;
  JsonNode *node;

  g_return_val_if_fail (household != NULL, NULL);

  info = find_field (name);
  if (info == NULL)
    return NULL;

  scratch = json_object_new ();
  info->write (household, scratch, name);
  node = json_object_get_member (scratch, name);
  return node != NULL ? json_node_copy (node) : json_node_new (JSON_NODE_NULL);
}
