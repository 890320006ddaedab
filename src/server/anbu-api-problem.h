/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "anbu-api-error.h"

G_BEGIN_DECLS

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
