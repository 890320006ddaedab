/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * ANBU_API_ERROR: the error codes of the HTTP API (docs/api.md, "Errors"),
 * written once for the server that answers them and the client that reads
 * them. Each code has one wire string and one HTTP status.
 *
 * An error the server makes reads "FIELD: reason" when it names a field
 * (like ANBU_RECORD_ERROR). An error the client received carries the wire
 * code as sent, the field and Retry-After (an extended error domain: see
 * anbu_api_error_new_received() and the getters below).
 *
 * What goes wrong before an answer arrives (no network, an untrusted
 * certificate, an answer that is not JSON) is not a wire code: the client
 * reports it in its own domain, ANBU_NETWORK_ERROR.
 */
#define ANBU_API_ERROR (anbu_api_error_quark ())

typedef enum
{
  ANBU_API_ERROR_BAD_REQUEST,
  ANBU_API_ERROR_INVALID_JSON,
  ANBU_API_ERROR_MISSING_FIELD,
  ANBU_API_ERROR_WRONG_TYPE,
  ANBU_API_ERROR_INVALID_VALUE,
  ANBU_API_ERROR_TOO_LONG,
  ANBU_API_ERROR_UNAUTHORIZED,        /* wrong username or password, or the token expired */
  ANBU_API_ERROR_FORBIDDEN,
  ANBU_API_ERROR_NOT_FOUND,
  ANBU_API_ERROR_METHOD_NOT_ALLOWED,
  ANBU_API_ERROR_TOO_LARGE,
  ANBU_API_ERROR_THROTTLED,           /* see anbu_api_error_get_retry_after() */
  ANBU_API_ERROR_INTERNAL,
  ANBU_API_ERROR_DEPENDS_ON_REJECTED, /* a mutation after a rejected one it needs */
  ANBU_API_ERROR_UNAVAILABLE,         /* busy: try again after Retry-After */
  ANBU_API_ERROR_MOVED,               /* the household moved to another planner before this change */
  ANBU_API_ERROR_CLAIMED,             /* another operator holds the risk signal (alert.claim) */
  ANBU_API_ERROR_OTHER,               /* received: a code this version does not know */
} AnbuApiErrorCode;

#define ANBU_API_ERROR_N_WIRE_CODES ANBU_API_ERROR_OTHER

GQuark           anbu_api_error_quark                 (void);

const char      *anbu_api_error_code_to_string        (AnbuApiErrorCode  code);
AnbuApiErrorCode anbu_api_error_code_from_string      (const char       *text);
guint            anbu_api_error_code_get_http_status  (AnbuApiErrorCode  code);
AnbuApiErrorCode anbu_api_error_code_from_http_status (guint             status);

void             anbu_api_set_error                   (GError          **error,
                                                       AnbuApiErrorCode  code,
                                                       const char       *field,
                                                       const char       *format,
                                                       ...) G_GNUC_PRINTF (4, 5);

GError          *anbu_api_error_new_received          (const char       *code_string,
                                                       guint             http_status,
                                                       const char       *field,
                                                       guint             retry_after,
                                                       const char       *message);
const char      *anbu_api_error_get_code_string       (const GError     *error);
const char      *anbu_api_error_get_field             (const GError     *error);
guint            anbu_api_error_get_retry_after       (const GError     *error);

G_END_DECLS
