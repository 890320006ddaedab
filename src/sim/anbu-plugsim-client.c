/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-plugsim"

#include "config.h"

#include <string.h>

#include "anbu-plugsim-client.h"
#include "anbu-record-json.h"

AnbuPlugsimClient *
anbu_plugsim_client_new (const char *base_url)
{
  AnbuPlugsimClient *client = g_new0 (AnbuPlugsimClient, 1);
  gsize n = strlen (base_url);

  while (n > 0 && base_url[n - 1] == '/')
    n--;
  client->base = g_strndup (base_url, n);
  client->session = soup_session_new_with_options ("user-agent", "anbu-plugsim/" PACKAGE_VERSION,
                                                   "timeout", 120, NULL);
  /* Loopback and LAN servers are reached directly. */
  soup_session_set_proxy_resolver (client->session, NULL);
  return client;
}

void
anbu_plugsim_client_free (AnbuPlugsimClient *client)
{
  if (client == NULL)
    return;
  g_clear_object (&client->session);
  g_free (client->base);
  g_free (client);
}

JsonNode *
anbu_plugsim_client_request (AnbuPlugsimClient  *client,
                             const char         *method,
                             const char         *path,
                             const char         *token,
                             const char         *body,
                             GError            **error)
{
  g_autofree char *url = g_strconcat (client->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonNode) root = NULL;
  guint status;

  if (msg == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Not a URL: %s", url);
      return NULL;
    }
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  answer = soup_session_send_and_read (client->session, msg, NULL, error);
  if (answer == NULL)
    return NULL;
  status = soup_message_get_status (msg);
  if (g_bytes_get_size (answer) > 0
      && (root = anbu_json_parse_document (g_bytes_get_data (answer, NULL),
                                           (gssize) g_bytes_get_size (answer), NULL)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s %s answered %u without JSON",
                   method, path, status);
      return NULL;
    }
  if (status < 200 || status >= 300)
    {
      const char *message = NULL;

      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
        {
          JsonObject *problem = json_object_get_object_member (json_node_get_object (root), "error");

          if (problem != NULL)
            message = json_object_get_string_member_with_default (problem, "message", NULL);
        }
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s %s answered %u: %s", method, path,
                   status, message ? message : "no reason given");
      return NULL;
    }
  return g_steal_pointer (&root);
}

char *
anbu_plugsim_client_sign_in (AnbuPlugsimClient  *client,
                             const char         *username,
                             const char         *password,
                             GError            **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  text = json_to_string (body, FALSE);
  answer = anbu_plugsim_client_request (client, "POST", "/api/v1/session", NULL, text, error);
  if (answer == NULL)
    return NULL;
  return g_strdup (json_object_get_string_member (json_node_get_object (answer), "token"));
}

char *
anbu_plugsim_read_password (const char  *file,
                            GError     **error)
{
  g_autofree char *text = NULL;
  char *newline;

  if (!g_file_get_contents (file, &text, NULL, error))
    return NULL;
  newline = strpbrk (text, "\r\n");
  if (newline != NULL)
    *newline = '\0';
  return g_steal_pointer (&text);
}
