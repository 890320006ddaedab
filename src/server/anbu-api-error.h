/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Errors answered by the HTTP API (docs/api.md, "Errors"). Like
 * ANBU_RECORD_ERROR, a message that names a field reads "FIELD: reason". */
#define ANBU_API_ERROR (anbu_api_error_quark ())

typedef enum
{
  ANBU_API_ERROR_BAD_REQUEST,
  ANBU_API_ERROR_INVALID_JSON,
  ANBU_API_ERROR_MISSING_FIELD,
  ANBU_API_ERROR_WRONG_TYPE,
  ANBU_API_ERROR_INVALID_VALUE,
  ANBU_API_ERROR_TOO_LONG,
  ANBU_API_ERROR_UNAUTHORIZED,
  ANBU_API_ERROR_FORBIDDEN,
  ANBU_API_ERROR_NOT_FOUND,
  ANBU_API_ERROR_METHOD_NOT_ALLOWED,
  ANBU_API_ERROR_TOO_LARGE,
  ANBU_API_ERROR_THROTTLED,
  ANBU_API_ERROR_INTERNAL,
  ANBU_API_ERROR_DEPENDS_ON_REJECTED,
} AnbuApiErrorCode;

GQuark      anbu_api_error_quark  (void);

void        anbu_api_set_error    (GError           **error,
                                   AnbuApiErrorCode   code,
                                   const char        *field,
                                   const char        *format,
                                   ...) G_GNUC_PRINTF (4, 5);

/* The wire form of any error (ANBU_API_ERROR, ANBU_RECORD_ERROR, or
 * anything else, which becomes `internal`). */
typedef struct
{
  guint  status;
  char  *code;
  char  *message;
  char  *field;
} AnbuApiProblem;

AnbuApiProblem *anbu_api_problem_from_error (const GError   *error);
void            anbu_api_problem_free       (AnbuApiProblem *problem);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuApiProblem, anbu_api_problem_free)

/* {"error": {"code", "message", "field"}} */
char           *anbu_api_problem_to_json    (const AnbuApiProblem *problem);

G_END_DECLS
