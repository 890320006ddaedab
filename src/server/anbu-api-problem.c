/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-api"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "anbu-api-problem.h"
#include "anbu-record-error.h"
#include "anbu-store.h"

/* "FIELD: reason" → FIELD, when FIELD is a dotted path. */
static char *
split_field (const char  *message,
             const char **reason)
{
  const char *p = message;

  *reason = message;
  while (g_ascii_isalnum (*p) || *p == '_' || *p == '.')
    p++;
  if (p == message || p[0] != ':' || p[1] != ' ')
    return NULL;
  *reason = p + 2;
  return g_strndup (message, p - message);
}

AnbuApiProblem *
anbu_api_problem_from_error (const GError *error)
{
  AnbuApiProblem *problem = g_new0 (AnbuApiProblem, 1);
  const char *reason = error->message;

  if (error->domain == ANBU_API_ERROR
      && anbu_api_error_code_to_string ((AnbuApiErrorCode) error->code) != NULL)
    {
      problem->status = anbu_api_error_code_get_http_status ((AnbuApiErrorCode) error->code);
      problem->code = g_strdup (anbu_api_error_code_to_string ((AnbuApiErrorCode) error->code));
      problem->field = split_field (error->message, &reason);
    }
  else if (error->domain == ANBU_RECORD_ERROR)
    {
      problem->status = 400;
      problem->code = g_strdup (anbu_record_error_code_to_string (error->code));
      problem->field = anbu_record_error_dup_field (error);
      reason = anbu_record_error_get_reason (error);
    }
  else if (g_error_matches (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FULL))
    {
      /* The transaction was rolled back whole: a resend is safe. */
      problem->status = anbu_api_error_code_get_http_status (ANBU_API_ERROR_UNAVAILABLE);
      problem->code = g_strdup (anbu_api_error_code_to_string (ANBU_API_ERROR_UNAVAILABLE));
      reason = _("The server's disk is full, so nothing was stored; send it again later");
    }
  else
    {
      problem->status = 500;
      problem->code = g_strdup ("internal");
      reason = "The server could not complete the request";
    }
  problem->message = g_strdup (reason);
  return problem;
}

void
anbu_api_problem_free (AnbuApiProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->code);
  g_free (problem->message);
  g_free (problem->field);
  g_free (problem);
}

char *
anbu_api_problem_to_json (const AnbuApiProblem *problem)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, problem->code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, problem->message);
  if (problem->field != NULL)
    {
      json_builder_set_member_name (builder, "field");
      json_builder_add_string_value (builder, problem->field);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}
