/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-api"

#include "config.h"

#include <string.h>

#include "anbu-api-error.h"

/* What a received error carries besides its code and message. */
typedef struct
{
  char  *code;
  char  *field;
  guint  retry_after;
} AnbuApiErrorPrivate;

static void
anbu_api_error_private_init (AnbuApiErrorPrivate *priv)
{
}

static void
anbu_api_error_private_copy (const AnbuApiErrorPrivate *src,
                             AnbuApiErrorPrivate       *dest)
{
  dest->code = g_strdup (src->code);
  dest->field = g_strdup (src->field);
  dest->retry_after = src->retry_after;
}

static void
anbu_api_error_private_clear (AnbuApiErrorPrivate *priv)
{
  g_clear_pointer (&priv->code, g_free);
  g_clear_pointer (&priv->field, g_free);
}

G_DEFINE_EXTENDED_ERROR (AnbuApiError, anbu_api_error)

/* docs/api.md, "Errors": the wire string and HTTP status of each code. */
static const struct
{
  const char *code;
  guint       status;
} wire_codes[] = {
  [ANBU_API_ERROR_BAD_REQUEST] = { "bad_request", 400 },
  [ANBU_API_ERROR_INVALID_JSON] = { "invalid_json", 400 },
  [ANBU_API_ERROR_MISSING_FIELD] = { "missing_field", 400 },
  [ANBU_API_ERROR_WRONG_TYPE] = { "wrong_type", 400 },
  [ANBU_API_ERROR_INVALID_VALUE] = { "invalid_value", 400 },
  [ANBU_API_ERROR_TOO_LONG] = { "too_long", 400 },
  [ANBU_API_ERROR_UNAUTHORIZED] = { "unauthorized", 401 },
  [ANBU_API_ERROR_FORBIDDEN] = { "forbidden", 403 },
  [ANBU_API_ERROR_NOT_FOUND] = { "not_found", 404 },
  [ANBU_API_ERROR_METHOD_NOT_ALLOWED] = { "method_not_allowed", 405 },
  [ANBU_API_ERROR_TOO_LARGE] = { "too_large", 413 },
  [ANBU_API_ERROR_THROTTLED] = { "throttled", 429 },
  [ANBU_API_ERROR_INTERNAL] = { "internal", 500 },
  [ANBU_API_ERROR_DEPENDS_ON_REJECTED] = { "depends_on_rejected", 400 },
  [ANBU_API_ERROR_UNAVAILABLE] = { "unavailable", 503 },
  [ANBU_API_ERROR_MOVED] = { "moved", 409 },
  [ANBU_API_ERROR_CLAIMED] = { "claimed", 409 },
};

G_STATIC_ASSERT (G_N_ELEMENTS (wire_codes) == ANBU_API_ERROR_N_WIRE_CODES);

/* The getters accept an error of any domain (the generated one warns). */
static AnbuApiErrorPrivate *
private_of (const GError *error)
{
  if (error == NULL || error->domain != ANBU_API_ERROR)
    return NULL;
  return anbu_api_error_get_private (error);
}

/**
 * anbu_api_error_code_to_string:
 *
 * Returns: (nullable): the wire string of @code ("invalid_value", …), or
 *   %NULL for %ANBU_API_ERROR_OTHER, which has none of its own
 */
const char *
anbu_api_error_code_to_string (AnbuApiErrorCode code)
{
  if ((guint) code < G_N_ELEMENTS (wire_codes))
    return wire_codes[code].code;
  return NULL;
}

/**
 * anbu_api_error_code_from_string:
 *
 * Returns: the code whose wire string is @text; %ANBU_API_ERROR_OTHER for a
 *   code this version does not know
 */
AnbuApiErrorCode
anbu_api_error_code_from_string (const char *text)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (wire_codes); i++)
    if (strcmp (wire_codes[i].code, text) == 0)
      return (AnbuApiErrorCode) i;
  return ANBU_API_ERROR_OTHER;
}

/**
 * anbu_api_error_code_get_http_status:
 *
 * Returns: the HTTP status the server answers @code with (500 for
 *   %ANBU_API_ERROR_OTHER)
 */
guint
anbu_api_error_code_get_http_status (AnbuApiErrorCode code)
{
  if ((guint) code < G_N_ELEMENTS (wire_codes))
    return wire_codes[code].status;
  return 500;
}

/**
 * anbu_api_error_code_from_http_status:
 *
 * For an answer without a JSON error body (a proxy, an old server).
 *
 * Returns: the first code answered with @status; otherwise internal for a
 *   5xx status and bad_request for anything else
 */
AnbuApiErrorCode
anbu_api_error_code_from_http_status (guint status)
{
  for (guint i = 0; i < G_N_ELEMENTS (wire_codes); i++)
    if (wire_codes[i].status == status)
      return (AnbuApiErrorCode) i;
  return status >= 500 ? ANBU_API_ERROR_INTERNAL : ANBU_API_ERROR_BAD_REQUEST;
}

/**
 * anbu_api_set_error:
 * @field: (nullable): the dotted path of the field at fault
 *
 * Sets an error the server answers; its message reads "FIELD: reason" when
 * @field is given.
 */
void
anbu_api_set_error (GError           **error,
                    AnbuApiErrorCode   code,
                    const char        *field,
                    const char        *format,
                    ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  if (field != NULL)
    g_set_error (error, ANBU_API_ERROR, code, "%s: %s", field, reason);
  else
    g_set_error_literal (error, ANBU_API_ERROR, code, reason);
}

/**
 * anbu_api_error_new_received:
 * @code_string: (nullable): the wire code the server sent, if any
 * @http_status: the status of the answer, for an answer without a code
 * @field: (nullable): the field at fault the server named
 * @retry_after: seconds from Retry-After, or 0
 * @message: the server's message
 *
 * Returns: (transfer full): the error a client reports for an error answer
 */
GError *
anbu_api_error_new_received (const char *code_string,
                             guint       http_status,
                             const char *field,
                             guint       retry_after,
                             const char *message)
{
  AnbuApiErrorCode code = code_string != NULL
                          ? anbu_api_error_code_from_string (code_string)
                          : anbu_api_error_code_from_http_status (http_status);
  GError *error = g_error_new_literal (ANBU_API_ERROR, code, message);
  AnbuApiErrorPrivate *priv = anbu_api_error_get_private (error);

  priv->code = g_strdup (code_string ? code_string : anbu_api_error_code_to_string (code));
  priv->field = g_strdup (field);
  priv->retry_after = retry_after;
  return error;
}

/**
 * anbu_api_error_get_code_string:
 *
 * Returns: (nullable): the wire code as the server sent it (also a code this
 *   version does not know), or the wire string of the error's code; %NULL
 *   for an error of another domain
 */
const char *
anbu_api_error_get_code_string (const GError *error)
{
  AnbuApiErrorPrivate *priv = private_of (error);

  if (priv == NULL)
    return NULL;
  return priv->code ? priv->code : anbu_api_error_code_to_string (error->code);
}

/**
 * anbu_api_error_get_field:
 *
 * Returns: (nullable): the field at fault of a received error ("phone",
 *   "contacts.0.phone")
 */
const char *
anbu_api_error_get_field (const GError *error)
{
  AnbuApiErrorPrivate *priv = private_of (error);

  return priv ? priv->field : NULL;
}

/**
 * anbu_api_error_get_retry_after:
 *
 * Returns: the seconds a throttled client should wait, or 0
 */
guint
anbu_api_error_get_retry_after (const GError *error)
{
  AnbuApiErrorPrivate *priv = private_of (error);

  return priv ? priv->retry_after : 0;
}
