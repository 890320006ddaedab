/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-records"

#include "config.h"

#include <string.h>

#include "anbu-api-error.h"
#include "anbu-record-error.h"

G_DEFINE_QUARK (anbu-record-error-quark, anbu_record_error)

/* A record error travels as the API code of the same name. */
static const AnbuApiErrorCode wire_codes[] = {
  [ANBU_RECORD_ERROR_MISSING_FIELD] = ANBU_API_ERROR_MISSING_FIELD,
  [ANBU_RECORD_ERROR_WRONG_TYPE] = ANBU_API_ERROR_WRONG_TYPE,
  [ANBU_RECORD_ERROR_INVALID_VALUE] = ANBU_API_ERROR_INVALID_VALUE,
  [ANBU_RECORD_ERROR_TOO_LONG] = ANBU_API_ERROR_TOO_LONG,
  [ANBU_RECORD_ERROR_INVALID_JSON] = ANBU_API_ERROR_INVALID_JSON,
};

static gboolean
is_field_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '.';
}

/* Length of the "FIELD" part of a message, or 0 when it has none. */
static gsize
field_prefix_length (const char *message)
{
  gsize n = 0;

  if (message == NULL)
    return 0;
  while (is_field_char (message[n]))
    n++;
  if (n == 0 || message[n] != ':' || message[n + 1] != ' ')
    return 0;
  return n;
}

/**
 * anbu_record_error_code_to_string:
 * @code: an #AnbuRecordError
 *
 * Returns: the stable code of docs/api.md ("missing_field", …); "bad_request"
 *   for a value outside the enum.
 */
const char *
anbu_record_error_code_to_string (AnbuRecordError code)
{
  if ((guint) code < G_N_ELEMENTS (wire_codes))
    return anbu_api_error_code_to_string (wire_codes[code]);
  return anbu_api_error_code_to_string (ANBU_API_ERROR_BAD_REQUEST);
}

/**
 * anbu_record_error_code_from_string:
 * @text: a code of docs/api.md
 * @code: (out) (optional): the matching #AnbuRecordError
 *
 * Returns: whether @text is one of the record error codes (the other codes
 *   of docs/api.md, such as "unauthorized", are not record errors)
 */
gboolean
anbu_record_error_code_from_string (const char      *text,
                                    AnbuRecordError *code)
{
  AnbuApiErrorCode wire_code = anbu_api_error_code_from_string (text);

  for (guint i = 0; i < G_N_ELEMENTS (wire_codes); i++)
    if (wire_codes[i] == wire_code)
      {
        if (code != NULL)
          *code = (AnbuRecordError) i;
        return TRUE;
      }
  return FALSE;
}

/**
 * anbu_record_set_error:
 * @error: return location, may be %NULL
 * @code: what kind of problem
 * @field: (nullable): dotted path of the field at fault
 * @format: printf format of the translated reason
 *
 * Sets an %ANBU_RECORD_ERROR whose message is "FIELD: reason".
 */
void
anbu_record_set_error (GError          **error,
                       AnbuRecordError   code,
                       const char       *field,
                       const char       *format,
                       ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  if (error == NULL)
    return;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  if (field != NULL && *field != '\0')
    g_set_error (error, ANBU_RECORD_ERROR, code, "%s: %s", field, reason);
  else
    g_set_error_literal (error, ANBU_RECORD_ERROR, code, reason);
}

/**
 * anbu_record_error_dup_field:
 * @error: an error
 *
 * Returns: (transfer full) (nullable): the dotted path of the field at fault
 *   (`contacts.0.phone`), or %NULL when @error is not an %ANBU_RECORD_ERROR or
 *   names no field.
 */
char *
anbu_record_error_dup_field (const GError *error)
{
  gsize n;

  if (error == NULL || error->domain != ANBU_RECORD_ERROR)
    return NULL;
  n = field_prefix_length (error->message);
  return n > 0 ? g_strndup (error->message, n) : NULL;
}

/**
 * anbu_record_error_get_reason:
 * @error: an error
 *
 * Returns: the translated reason without the field part (the whole message
 *   for errors of other domains).
 */
const char *
anbu_record_error_get_reason (const GError *error)
{
  gsize n;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != ANBU_RECORD_ERROR)
    return error->message;
  n = field_prefix_length (error->message);
  return n > 0 ? error->message + n + 2 : error->message;
}

/**
 * anbu_record_error_prefix_field:
 * @error: (inout) (optional): an error, or a location holding %NULL
 * @prefix: path to put in front, without the dot ("contacts.0", "payload")
 *
 * Turns "phone: …" into "contacts.0.phone: …" when a nested decoder failed.
 * An error without a field gets @prefix as its field.
 */
void
anbu_record_error_prefix_field (GError     **error,
                                const char  *prefix)
{
  GError *e;
  char *message;
  gsize n;

  if (error == NULL || *error == NULL || prefix == NULL || *prefix == '\0')
    return;
  e = *error;
  if (e->domain != ANBU_RECORD_ERROR)
    return;

  n = field_prefix_length (e->message);
  if (n > 0)
    message = g_strdup_printf ("%s.%s", prefix, e->message);
  else
    message = g_strdup_printf ("%s: %s", prefix, e->message);
  g_free (e->message);
  e->message = message;
}
