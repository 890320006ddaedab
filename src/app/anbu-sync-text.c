/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-sync-text"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "anbu-sync-text.h"

static const struct
{
  const char *kind;
  const char *text;
} mutation_kinds[] = {
  { "household.create", N_("New household") },
  { "household.update", N_("Household details changed") },
  { "household.close", N_("Household case closed") },
  { "plug.install", N_("Plug installed") },
  { "plug.replace", N_("Plug replaced") },
  { "plug.remove", N_("Plug removed") },
  { "visit.create", N_("Visit recorded") },
  { "contact.create", N_("Well-being check recorded") },
  { "absence.create", N_("Absence registered") },
  { "alert.acknowledge", N_("Risk signal acknowledged") },
  { "alert.claim", N_("Risk signal taken on") },
  { "alert.resolve", N_("Risk signal resolved") },
  { "plug.mark", N_("Plug's learned switching marked") },
};

static const struct
{
  const char *field;
  const char *text;
} household_fields[] = {
  { "dong_code", N_("Administrative dong code") },
  { "dong_name", N_("Dong") },
  { "name", N_("Name") },
  { "birth_year", N_("Year of birth") },
  { "sex", N_("Sex") },
  { "phone", N_("Phone") },
  { "address", N_("Address") },
  { "address_detail", N_("Address detail") },
  { "lat", N_("Location on the map") },
  { "lon", N_("Location on the map") },
  { "risk_notes", N_("Health and living situation") },
  { "contacts", N_("Emergency contacts") },
  { "night_consent", N_("Consent to night and holiday monitoring") },
  { "night_consent_date", N_("Date of consent to night and holiday monitoring") },
  { "threshold_hours", N_("Hours without activity before a risk signal") },
  { "status", N_("Case status") },
  { "planner_id", N_("Welfare planner in charge") },
};

/**
 * anbu_sync_text_mutation_kind:
 * @kind: a mutation kind of docs/api.md ("visit.create")
 *
 * Returns: (transfer none): what the change is, translated ("방문 기록")
 */
const char *
anbu_sync_text_mutation_kind (const char *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (mutation_kinds); i++)
    if (g_strcmp0 (kind, mutation_kinds[i].kind) == 0)
      return _(mutation_kinds[i].text);
  return _("Change");
}

/**
 * anbu_sync_text_household_field:
 * @field: a household member name, or a dotted path into one ("contacts.0.phone")
 *
 * Returns: (transfer none): the field's name for planners, translated; @field itself when
 *   it is not a household field
 */
const char *
anbu_sync_text_household_field (const char *field)
{
  gsize length;

  if (field == NULL)
    return "";

  length = strcspn (field, ".");
  if (g_str_has_prefix (field, "fields."))
    {
      field += strlen ("fields.");
      length = strcspn (field, ".");
    }

  for (guint i = 0; i < G_N_ELEMENTS (household_fields); i++)
    if (strlen (household_fields[i].field) == length
        && strncmp (field, household_fields[i].field, length) == 0)
      return _(household_fields[i].text);
  return field;
}

/**
 * anbu_sync_text_rejection:
 * @code: the error code the server answered (docs/api.md)
 * @field: (nullable): the field at fault
 *
 * Returns: (transfer full): why the server refused a change and, where it helps, what to do
 */
char *
anbu_sync_text_rejection (const char *code,
                          const char *field)
{
  const char *name = field != NULL && *field != '\0' ? anbu_sync_text_household_field (field)
                                                     : NULL;

  if (name != NULL && g_strcmp0 (code, "missing_field") == 0)
    /* Translators: %s names a field. */
    return g_strdup_printf (_("%s is missing."), name);
  if (name != NULL && g_strcmp0 (code, "too_long") == 0)
    /* Translators: %s names a field. */
    return g_strdup_printf (_("%s is too long."), name);
  if (name != NULL && (g_strcmp0 (code, "invalid_value") == 0
                       || g_strcmp0 (code, "wrong_type") == 0))
    /* Translators: %s names a field. */
    return g_strdup_printf (_("%s is not valid."), name);
  if (g_strcmp0 (code, "forbidden") == 0 && g_strcmp0 (field, "dong_code") == 0)
    return g_strdup (_("This household is in a 동 you do not serve, so the server did not register it. "
                       "Ask that 동's community centre to register it."));
  if (g_strcmp0 (code, "forbidden") == 0)
    return g_strdup (_("You may not change this household: it is not in your caseload."));
  if (g_strcmp0 (code, "not_found") == 0)
    return g_strdup (_("The server no longer has this record."));
  if (g_strcmp0 (code, "moved") == 0)
    return g_strdup (_("This household was moved to another planner; changes made after the move are not accepted."));
  if (g_strcmp0 (code, "claimed") == 0)
    return g_strdup (_("Another operator took this risk signal on first; the board shows who is handling it."));
  if (g_strcmp0 (code, "depends_on_rejected") == 0)
    return g_strdup (_("An earlier change it depends on was not accepted."));
  return g_strdup (_("The server did not accept this change."));
}

static void
append_contact (GString    *text,
                JsonObject *contact)
{
  const char *name = json_object_get_string_member_with_default (contact, "name", "");
  const char *relation = json_object_get_string_member_with_default (contact, "relation", "");
  const char *phone = json_object_get_string_member_with_default (contact, "phone", "");

  if (text->len > 0)
    g_string_append (text, ", ");
  g_string_append (text, name);
  if (*relation != '\0')
    g_string_append_printf (text, " (%s)", relation);
  if (*phone != '\0')
    g_string_append_printf (text, " %s", phone);
}

/**
 * anbu_sync_text_json_value:
 * @json: (nullable): one field's value as JSON, from a conflict
 *
 * Returns: (transfer full): the value as a planner reads it: text as is, yes/no, numbers,
 *   contacts as "name (relation) phone", "(empty)" for nothing
 */
char *
anbu_sync_text_json_value (const char *json)
{
  g_autoptr (JsonNode) node = NULL;

  if (json == NULL || *json == '\0')
    return g_strdup (_("(empty)"));

  node = json_from_string (json, NULL);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup (_("(empty)"));

  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_BOOLEAN)
        return g_strdup (json_node_get_boolean (node) ? _("Yes") : _("No"));
      if (type == G_TYPE_STRING)
        return *json_node_get_string (node) != '\0' ? json_node_dup_string (node)
                                                    : g_strdup (_("(empty)"));
      if (type == G_TYPE_INT64)
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      return g_strdup_printf ("%g", json_node_get_double (node));
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr (GString) text = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_OBJECT (element))
            append_contact (text, json_node_get_object (element));
        }
      if (text->len == 0)
        return g_strdup (_("(empty)"));
      return g_string_free (g_steal_pointer (&text), FALSE);
    }

  return json_to_string (node, FALSE);
}
