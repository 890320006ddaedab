/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-http"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "anbu-api-problem.h"
#include "anbu-json-body.h"
#include "anbu-record-json.h"
#include "anbu-store.h"

/* anbu_json_parse_object() turns a "\u0000" escape into this noncharacter,
 * so the tree walk can name the field that had one. */
#define NUL_MARKER_UTF8 "\xEF\xBF\xBF"

/* json-glib parses recursively: refuse deep nesting before it does. */
static gboolean
check_depth (const char  *data,
             gsize        length,
             GError     **error)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > ANBU_JSON_MAX_DEPTH)
            {
              anbu_api_set_error (error, ANBU_API_ERROR_INVALID_JSON, NULL,
                                  _("The JSON nests deeper than %d levels"), ANBU_JSON_MAX_DEPTH);
              return FALSE;
            }
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }
  return TRUE;
}

static gboolean
check_string (const char  *text,
              const char  *path,
              GError     **error)
{
  if (strstr (text, NUL_MARKER_UTF8) != NULL)
    {
      anbu_api_set_error (error, ANBU_API_ERROR_INVALID_VALUE, path[0] ? path : NULL,
                          _("Text must not contain NUL characters"));
      return FALSE;
    }
  if (strlen (text) > ANBU_JSON_MAX_STRING_BYTES)
    {
      anbu_api_set_error (error, ANBU_API_ERROR_TOO_LONG, path[0] ? path : NULL,
                          _("The text is longer than %d bytes"), ANBU_JSON_MAX_STRING_BYTES);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_tree (JsonNode    *node,
            GString     *path,
            GError     **error)
{
  gsize mark = path->len;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *child;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &child))
          {
            if (mark > 0)
              g_string_append_c (path, '.');
            /* A bad member name is reported at its parent. */
            if (!check_string (name, path->len > 0 ? path->str : "", error))
              return FALSE;
            g_string_append (path, name);
            if (!check_tree (child, path, error))
              return FALSE;
            g_string_truncate (path, mark);
          }
        return TRUE;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            g_string_append_printf (path, "%s%u", mark > 0 ? "." : "", i);
            if (!check_tree (json_array_get_element (array, i), path, error))
              return FALSE;
            g_string_truncate (path, mark);
          }
        return TRUE;
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        return check_string (json_node_get_string (node), path->str, error);
      return TRUE;
    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

JsonNode *
anbu_json_parse_text (const char  *data,
                      gsize        length,
                      GError     **error)
{
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GString) path = NULL;
  JsonNode *root;

  if (length == 0)
    {
      anbu_api_set_error (error, ANBU_API_ERROR_INVALID_JSON, NULL, _("The request has no body"));
      return NULL;
    }
  if (!g_utf8_validate (data, length, NULL))
    {
      anbu_api_set_error (error, ANBU_API_ERROR_INVALID_JSON, NULL, _("The body is not UTF-8 text"));
      return NULL;
    }
  if (!check_depth (data, length, error))
    return NULL;
  object = anbu_json_parse_object (data, (gssize) length, error);
  if (object == NULL)
    return NULL;
  root = json_node_init_object (json_node_alloc (), object);
  path = g_string_new (NULL);
  if (!check_tree (root, path, error))
    {
      json_node_unref (root);
      return NULL;
    }
  return root;
}

JsonNode *
anbu_json_body_parse (SoupMessageBody  *body,
                      gsize             max_body,
                      GError          **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize length;
  const char *data;

  if (body == NULL)
    {
      anbu_api_set_error (error, ANBU_API_ERROR_INVALID_JSON, NULL, _("The request has no body"));
      return NULL;
    }
  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &length);
  if (length > max_body)
    {
      anbu_api_set_error (error, ANBU_API_ERROR_TOO_LARGE, NULL, _("The request body is too large"));
      return NULL;
    }
  return anbu_json_parse_text (data, length, error);
}

const char *
anbu_json_body_require_string (JsonNode    *root,
                               const char  *member,
                               gsize        max_bytes,
                               GError     **error)
{
  JsonObject *object = json_node_get_object (root);
  JsonNode *node = json_object_get_member (object, member);
  const char *value;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      anbu_api_set_error (error, ANBU_API_ERROR_MISSING_FIELD, member, _("This field is required"));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      anbu_api_set_error (error, ANBU_API_ERROR_WRONG_TYPE, member, _("This field must be text"));
      return NULL;
    }
  value = json_node_get_string (node);
  if (strlen (value) > max_bytes)
    {
      anbu_api_set_error (error, ANBU_API_ERROR_TOO_LONG, member,
                          _("This field is longer than %u bytes"), (guint) max_bytes);
      return NULL;
    }
  if (*value == '\0')
    {
      anbu_api_set_error (error, ANBU_API_ERROR_MISSING_FIELD, member, _("This field is required"));
      return NULL;
    }
  return value;
}

void
anbu_json_respond (SoupServerMessage *msg,
                   guint              status,
                   char              *json)
{
  gsize length = json != NULL ? strlen (json) : 0;

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_TAKE,
                                    json, length);
}

void
anbu_json_respond_error (SoupServerMessage *msg,
                         const GError      *error)
{
  g_autoptr(AnbuApiProblem) problem = anbu_api_problem_from_error (error);

  if (problem->status >= 500)
    g_warning ("Request failed: %s", error->message);
  if (g_error_matches (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FULL))
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After",
                                  "30");
  anbu_json_respond (msg, problem->status, anbu_api_problem_to_json (problem));
}

void
anbu_json_respond_api_error (SoupServerMessage *msg,
                             AnbuApiErrorCode   code,
                             const char        *field,
                             const char        *reason)
{
  g_autoptr(GError) error = NULL;

  anbu_api_set_error (&error, code, field, "%s", reason);
  anbu_json_respond_error (msg, error);
}
