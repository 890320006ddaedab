/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-records"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "anbu-json-syntax.h"
#include "anbu-phone.h"
#include "anbu-record-json.h"

static gboolean
check_present (const char  *field,
               JsonNode    *node,
               gboolean     required,
               GError     **error)
{
  if (!anbu_json_is_absent (node))
    return TRUE;
  if (required)
    anbu_record_set_error (error, ANBU_RECORD_ERROR_MISSING_FIELD, field,
                           _("This field is required"));
  return FALSE;
}

static const char *
get_string (const char  *field,
            JsonNode    *node,
            GError     **error)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  anbu_record_set_error (error, ANBU_RECORD_ERROR_WRONG_TYPE, field, _("Expected text"));
  return NULL;
}

/* The first step of every reader of a text member: sets @raw and returns
 * TRUE when the member holds text; otherwise returns FALSE and sets @result
 * to what the reader returns (TRUE for an absent optional member, FALSE with
 * @error set for a missing required one or a member that is not text). */
static gboolean
get_text_member (const char  *field,
                 JsonNode    *node,
                 gboolean     required,
                 const char **raw,
                 gboolean    *result,
                 GError     **error)
{
  *raw = NULL;
  if (!check_present (field, node, required, error))
    *result = !required;
  else if ((*raw = get_string (field, node, error)) == NULL)
    *result = FALSE;
  return *raw != NULL;
}

typedef gboolean (*CheckText) (const char  *field,
                               const char  *text,
                               GError     **error);

/* Readers of members stored as written once they pass @check. */
static gboolean
read_checked_text (const char  *field,
                   JsonNode    *node,
                   gboolean     required,
                   CheckText    check,
                   char       **out,
                   GError     **error)
{
  const char *raw;
  gboolean result;

  *out = NULL;
  if (!get_text_member (field, node, required, &raw, &result, error))
    return result;
  if (!check (field, raw, error))
    return FALSE;
  *out = g_strdup (raw);
  return TRUE;
}

static gboolean
check_date (const char  *field,
            const char  *text,
            GError     **error)
{
  return anbu_validate_date (field, text, NULL, error);
}

/**
 * anbu_json_parse_document:
 * @data: a JSON document read from outside (a body, an answer, a file)
 * @length: its length in bytes, or -1
 *
 * Parses a document that must be exactly one JSON value (RFC 8259); json-glib
 * sees only documents that are. json-glib silently cuts strings at an escaped
 * NUL (\u0000); this parser maps that escape to U+FFFF first, so that the
 * text rules refuse it naming the field.
 *
 * Returns: (transfer full) (nullable): the root node
 */
JsonNode *
anbu_json_parse_document (const char  *data,
                          gssize       length,
                          GError     **error)
{
  /* Mutable: the app changes what it reads (a sign-in answer, a record). */
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *copy = NULL;
  gsize n, offset = 0;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  n = length < 0 ? strlen (data) : (gsize) length;
  if (memchr (data, '\0', n) != NULL)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_JSON, NULL,
                             _("The document contains a NUL byte"));
      return NULL;
    }

  switch (anbu_json_check_syntax (data, n, &offset))
    {
    case ANBU_JSON_SYNTAX_OK:
      break;
    case ANBU_JSON_SYNTAX_TRAILING:
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_JSON, NULL,
                             _("The document is not valid JSON: it holds more than one value"));
      return NULL;
    case ANBU_JSON_SYNTAX_MALFORMED:
    default:
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_JSON, NULL,
                             _("The document is not valid JSON: it goes wrong at byte %lu"),
                             (unsigned long) offset + 1);
      return NULL;
    }

  copy = g_strndup (data, n);
  for (gsize i = 0; i + 1 < n; i++)
    {
      if (copy[i] != '\\')
        continue;
      if (copy[i + 1] == 'u' && i + 5 < n && strncmp (copy + i + 2, "0000", 4) == 0)
        memcpy (copy + i + 2, "FFFF", 4);
      i++;  /* skip the escaped character */
    }

  if (!json_parser_load_from_data (parser, copy, (gssize) n, &parse_error))
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_JSON, NULL,
                             _("The document is not valid JSON: %s"), parse_error->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_JSON, NULL,
                             _("The document is empty"));
      return NULL;
    }
  return json_parser_steal_root (parser);
}

/**
 * anbu_json_parse_object:
 * @data: a JSON document (a request or response body)
 * @length: its length in bytes, or -1
 *
 * anbu_json_parse_document() for a document whose root must be an object.
 *
 * Returns: (transfer full) (nullable): the root object
 */
JsonObject *
anbu_json_parse_object (const char  *data,
                        gssize       length,
                        GError     **error)
{
  g_autoptr(JsonNode) root = anbu_json_parse_document (data, length, error);

  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_JSON, NULL,
                             _("The document must be a JSON object"));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

gboolean
anbu_json_is_absent (JsonNode *node)
{
  return node == NULL || JSON_NODE_HOLDS_NULL (node);
}

gboolean
anbu_json_read_text (const char     *field,
                     JsonNode       *node,
                     gboolean        required,
                     guint           max_chars,
                     AnbuTextFlags   flags,
                     char          **out,
                     GError        **error)
{
  g_autofree char *text = NULL;
  const char *raw;
  gboolean result;

  *out = NULL;
  if (!get_text_member (field, node, required, &raw, &result, error))
    return result;
  if (required)
    flags |= ANBU_TEXT_NON_EMPTY;
  if (!anbu_validate_text (field, raw, -1, max_chars, flags, &text, error))
    return FALSE;
  if (*text != '\0')
    *out = g_steal_pointer (&text);
  return TRUE;
}

gboolean
anbu_json_read_uuid (const char  *field,
                     JsonNode    *node,
                     gboolean     required,
                     char       **out,
                     GError     **error)
{
  const char *raw;
  gboolean result;

  *out = NULL;
  if (!get_text_member (field, node, required, &raw, &result, error))
    return result;
  return anbu_validate_uuid (field, raw, out, error);
}

gboolean
anbu_json_read_dong_code (const char  *field,
                          JsonNode    *node,
                          gboolean     required,
                          char       **out,
                          GError     **error)
{
  return read_checked_text (field, node, required, anbu_validate_dong_code, out, error);
}

gboolean
anbu_json_read_phone (const char  *field,
                       JsonNode    *node,
                       gboolean     required,
                       char       **out,
                       GError     **error)
{
  const char *raw;
  gboolean result;

  *out = NULL;
  if (!get_text_member (field, node, required, &raw, &result, error))
    return result;
  /* An optional phone left blank in a form means "no phone". */
  if (!required && anbu_text_is_blank (raw))
    return TRUE;
  *out = anbu_phone_normalize (field, raw, NULL, error);
  return *out != NULL;
}

gboolean
anbu_json_read_serial (const char  *field,
                       JsonNode    *node,
                       gboolean     required,
                       char       **out,
                       GError     **error)
{
  return read_checked_text (field, node, required, anbu_validate_serial, out, error);
}

gboolean
anbu_json_read_timestamp (const char  *field,
                          JsonNode    *node,
                          gboolean     required,
                          gint64      *out,
                          GError     **error)
{
  const char *raw;
  gboolean result;

  *out = 0;
  if (!get_text_member (field, node, required, &raw, &result, error))
    return result;
  return anbu_validate_timestamp (field, raw, out, error);
}

gboolean
anbu_json_read_date (const char  *field,
                     JsonNode    *node,
                     gboolean     required,
                     char       **out,
                     GError     **error)
{
  return read_checked_text (field, node, required, check_date, out, error);
}

/**
 * anbu_json_read_int:
 * @present: (out) (optional): whether the member was there
 *
 * Reads a whole number; 24.0 counts as 24, 24.5 and "24" do not.
 */
gboolean
anbu_json_read_int (const char  *field,
                     JsonNode    *node,
                     gboolean     required,
                    gint64      *out,
                    gboolean    *present,
                     GError     **error)
{
  GType type;

  if (present != NULL)
    *present = FALSE;
  if (!check_present (field, node, required, error))
    return !required;

  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type == G_TYPE_INT64)
    *out = json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE && isfinite (json_node_get_double (node)) &&
           json_node_get_double (node) == floor (json_node_get_double (node)) &&
           fabs (json_node_get_double (node)) < 9.0e15)
    *out = (gint64) json_node_get_double (node);
  else
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_WRONG_TYPE, field,
                             _("Expected a whole number"));
      return FALSE;
    }
  if (present != NULL)
    *present = TRUE;
  return TRUE;
}

/**
 * anbu_json_read_version:
 * @out: (out): the version; 0 when absent
 *
 * Reads a record version (or the base version of an edit): a whole number,
 * never negative.
 */
gboolean
anbu_json_read_version (const char  *field,
                        JsonNode    *node,
                        gboolean     required,
                        gint64      *out,
                        GError     **error)
{
  gint64 version = 0;

  *out = 0;
  if (!anbu_json_read_int (field, node, required, &version, NULL, error))
    return FALSE;
  if (version < 0)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("A version is never negative"));
      return FALSE;
    }
  *out = version;
  return TRUE;
}

/**
 * anbu_json_read_double:
 *
 * Reads a number; absent leaves NAN.
 */
gboolean
anbu_json_read_double (const char  *field,
                       JsonNode    *node,
                       gboolean     required,
                       double      *out,
                       GError     **error)
{
  GType type;

  *out = NAN;
  if (!check_present (field, node, required, error))
    return !required;

  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_WRONG_TYPE, field,
                             _("Expected a number"));
      return FALSE;
    }
  if (!isfinite (*out))
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("The number is out of range"));
      *out = NAN;
      return FALSE;
    }
  return TRUE;
}

gboolean
anbu_json_read_bool (const char  *field,
                     JsonNode    *node,
                     gboolean     required,
                     gboolean    *out,
                     GError     **error)
{
  if (!check_present (field, node, required, error))
    return !required;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_WRONG_TYPE, field,
                             _("Expected true or false"));
      return FALSE;
    }
  *out = json_node_get_boolean (node);
  return TRUE;
}

/**
 * anbu_json_read_enum:
 * @out: (out): the value; left unchanged when the member is absent
 */
gboolean
anbu_json_read_enum (const char  *field,
                     JsonNode    *node,
                     gboolean     required,
                     GType        enum_type,
                     gint        *out,
                     GError     **error)
{
  const char *raw;
  gboolean result;

  if (!get_text_member (field, node, required, &raw, &result, error))
    return result;
  return anbu_validate_enum (field, enum_type, raw, out, error);
}

/**
 * anbu_json_read_object:
 *
 * Returns: (transfer none) (nullable): the object; %NULL when absent (check
 *   @error to tell absent-and-optional from wrong)
 */
JsonObject *
anbu_json_read_object (const char  *field,
                       JsonNode    *node,
                       gboolean     required,
                       GError     **error)
{
  if (!check_present (field, node, required, error))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_WRONG_TYPE, field,
                             _("Expected an object"));
      return NULL;
    }
  return json_node_get_object (node);
}

/**
 * anbu_json_read_array:
 *
 * Returns: (transfer none) (nullable): the array; %NULL when absent (check
 *   @error to tell absent-and-optional from wrong)
 */
JsonArray *
anbu_json_read_array (const char  *field,
                       JsonNode    *node,
                       gboolean     required,
                       GError     **error)
{
  if (!check_present (field, node, required, error))
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_WRONG_TYPE, field,
                             _("Expected a list"));
      return NULL;
    }
  return json_node_get_array (node);
}

void
anbu_json_write_text (JsonObject *object,
                      const char *member,
                      const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
}

void
anbu_json_write_timestamp (JsonObject *object,
                           const char *member,
                           gint64      usec)
{
  g_autofree char *text = anbu_timestamp_format (usec);

  if (text != NULL)
    json_object_set_string_member (object, member, text);
}

void
anbu_json_write_double (JsonObject *object,
                        const char *member,
                        double      value)
{
  if (isfinite (value))
    json_object_set_double_member (object, member, value);
}

/**
 * anbu_json_object_to_string:
 *
 * Returns: (transfer full): @object as compact JSON text
 */
char *
anbu_json_object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  return json_to_string (node, FALSE);
}

/**
 * anbu_json_error_to_object:
 * @error: an error, normally of %ANBU_RECORD_ERROR
 *
 * An %ANBU_RECORD_ERROR gives its code ("missing_field", …), its reason as
 * the message and its field; any other error is a "bad_request" with its
 * message and no field.
 *
 * Returns: (transfer full): the object
 */
JsonObject *
anbu_json_error_to_object (const GError *error)
{
  JsonObject *object = json_object_new ();
  g_autofree char *field = NULL;

  g_return_val_if_fail (error != NULL, object);

  if (error->domain == ANBU_RECORD_ERROR)
    {
      json_object_set_string_member (object, "code",
                                     anbu_record_error_code_to_string (error->code));
      json_object_set_string_member (object, "message", anbu_record_error_get_reason (error));
      field = anbu_record_error_dup_field (error);
      if (field != NULL)
        json_object_set_string_member (object, "field", field);
    }
  else
    {
      json_object_set_string_member (object, "code", "bad_request");
      json_object_set_string_member (object, "message", error->message);
    }
  return object;
}
