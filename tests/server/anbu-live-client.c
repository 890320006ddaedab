/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "anbu-live-client.h"

static void
on_message (SoupWebsocketConnection *connection,
            gint                     type,
            GBytes                  *message,
            gpointer                 user_data)
{
  LiveClient *client = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size;
  const char *data = g_bytes_get_data (message, &size);

  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  g_assert_true (json_parser_load_from_data (parser, data, (gssize) size, NULL));
  g_ptr_array_add (client->messages, json_object_ref (json_node_get_object (json_parser_get_root (parser))));
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  LiveClient *client = user_data;

  client->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result,
                                                              &client->error);
  if (client->connection != NULL)
    g_signal_connect (client->connection, "message", G_CALLBACK (on_message), client);
  client->done = TRUE;
}

LiveClient *
live_client_connect (AnbuTestServer *server,
                     SoupSession    *session,
                     const char     *token)
{
  LiveClient *client = g_new0 (LiveClient, 1);
  g_autofree char *url = g_strconcat (server->url, "/api/v1/live", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  client->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_connected, client);
  anbu_test_wait_for (&client->done);
  return client;
}

void
live_client_free (LiveClient *client)
{
  if (client->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (client->connection, client);
      g_object_unref (client->connection);
    }
  g_clear_error (&client->error);
  g_ptr_array_unref (client->messages);
  g_free (client);
}

JsonObject *
live_client_find (LiveClient *client,
                  const char *type,
                  const char *household)
{
  for (guint i = 0; i < client->messages->len; i++)
    {
      JsonObject *message = client->messages->pdata[i];
      JsonObject *record;

      if (g_strcmp0 (json_object_get_string_member (message, "type"), type) != 0)
        continue;
      if (household == NULL)
        return message;
      record = json_object_get_object_member (message, "record");
      if (g_strcmp0 (json_object_get_string_member (record, "household_id"), household) == 0)
        return message;
    }
  return NULL;
}

typedef struct
{
  LiveClient *client;
  const char *type;
  const char *household;
  gboolean    found;
} Wait;

static gboolean
check_wait (gpointer user_data)
{
  Wait *wait = user_data;

  wait->found = live_client_find (wait->client, wait->type, wait->household) != NULL;
  return wait->found ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

JsonObject *
live_client_wait (LiveClient *client,
                  const char *type,
                  const char *household)
{
  Wait wait = { client, type, household, FALSE };

  /* The source removes itself once the message is there. */
  if (live_client_find (client, type, household) == NULL)
    {
      g_timeout_add (5, check_wait, &wait);
      anbu_test_wait_for (&wait.found);
    }
  return live_client_find (client, type, household);
}

