/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "anbu-test-server.h"

#define PASSWORD "correct horse battery"
#define DONG "1111051500"
#define N_BATCHES 40
#define BATCH_SIZE 50

typedef struct
{
  char       *body;
  char      **visit_ids;
  gboolean    done;
  gboolean    acknowledged;   /* 200 with every entry applied */
} Batch;

typedef struct
{
  AnbuTestServer *server;
  Batch           batches[N_BATCHES];
  guint           finished;
  gboolean        all_finished;
  gboolean        signalled;
} Run;

typedef struct
{
  Run         *run;
  Batch       *batch;
  SoupMessage *msg;
} Pending;

static void
on_batch_answered (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Pending *pending = user_data;
  Run *run = pending->run;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  if (bytes != NULL && soup_message_get_status (pending->msg) == 200)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonArray *results;
      gboolean all_applied = TRUE;

      g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                                 g_bytes_get_size (bytes), NULL));
      results = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "results");
      g_assert_cmpuint (json_array_get_length (results), ==, BATCH_SIZE);
      for (guint i = 0; i < BATCH_SIZE; i++)
        all_applied &= g_strcmp0 (json_object_get_string_member (json_array_get_object_element (results, i),
                                                                 "status"), "applied") == 0;
      g_assert_true (all_applied);
      pending->batch->acknowledged = TRUE;
    }

  /* The first acknowledged batch: stop the server while the rest are in flight. */
  if (pending->batch->acknowledged && !run->signalled)
    {
      run->signalled = TRUE;
      g_subprocess_send_signal (run->server->process, SIGTERM);
    }

  pending->batch->done = TRUE;
  if (++run->finished == N_BATCHES)
    run->all_finished = TRUE;
  g_object_unref (pending->msg);
  g_free (pending);
}

static char *
make_batch (const char  *household,
            const char  *planner,
            char      ***visit_ids)
{
  GString *body = g_string_new ("{\"mutations\": [");

  *visit_ids = g_new0 (char *, BATCH_SIZE + 1);
  for (guint i = 0; i < BATCH_SIZE; i++)
    {
      g_autofree char *entry_id = g_uuid_string_random ();
      char *visit_id = g_uuid_string_random ();

      (*visit_ids)[i] = visit_id;
      g_string_append_printf (body, "%s{\"id\": \"%s\", \"kind\": \"visit.create\", \"payload\": "
                              "{\"id\": \"%s\", \"household_id\": \"%s\", "
                              "\"at\": \"2026-11-24T15:05:00+09:00\", \"by\": \"%s\", "
                              "\"purpose\": \"regular\"}}", i > 0 ? "," : "", entry_id, visit_id,
                              household, planner);
    }
  g_string_append (body, "]}");
  return g_string_free (body, FALSE);
}

static void
test_sigterm_during_push_loses_nothing_acknowledged (void)
{
  AnbuTestServer *server = anbu_test_server_new (NULL);
  g_autofree char *planner = anbu_test_server_add_user (server, "planner", "planner", DONG, PASSWORD);
  g_autofree char *token = anbu_test_server_sign_in (server, "planner", PASSWORD);
  g_autofree char *household = g_uuid_string_random ();
  g_autofree char *entry_id = g_uuid_string_random ();
  g_autofree char *create = g_strdup_printf ("[{\"id\": \"%s\", \"kind\": \"household.create\", \"payload\": "
                                             "{\"id\": \"%s\", \"dong_code\": \"" DONG "\", \"name\": \"김영수\", "
                                             "\"address\": \"서울특별시 종로구 자하문로 1\"}}]", entry_id, household);
  g_autofree char *auth = NULL;
  g_autofree char *url = NULL;
  g_autofree char *cursor = NULL;
  g_autoptr(AnbuTestResponse) created = NULL;
  g_autoptr(JsonArray) changes = NULL;
  g_autoptr(GHashTable) stored = g_hash_table_new (g_str_hash, g_str_equal);
  Run run = { .server = server };
  guint acknowledged = 0;

  anbu_test_push (server, token, create, &created);
  auth = g_strconcat ("Bearer ", token, NULL);
  url = g_strconcat (server->url, "/api/v1/mutations", NULL);

  for (guint b = 0; b < N_BATCHES; b++)
    {
      Pending *pending = g_new0 (Pending, 1);
      g_autoptr(GBytes) bytes = NULL;

      run.batches[b].body = make_batch (household, planner, &run.batches[b].visit_ids);
      bytes = g_bytes_new_static (run.batches[b].body, strlen (run.batches[b].body));
      pending->run = &run;
      pending->batch = &run.batches[b];
      pending->msg = soup_message_new ("POST", url);
      soup_message_headers_replace (soup_message_get_request_headers (pending->msg), "Authorization", auth);
      soup_message_set_request_body_from_bytes (pending->msg, "application/json", bytes);
      soup_session_send_and_read_async (server->session, pending->msg, G_PRIORITY_DEFAULT, NULL,
                                        on_batch_answered, pending);
    }
  anbu_test_wait_for (&run.all_finished);
  g_assert_true (run.signalled);

  /* The server stopped by itself, cleanly. */
  g_assert_cmpint (anbu_test_server_stop (server, 0), ==, 0);

  anbu_test_server_restart (server, NULL);
  g_free (token);
  token = anbu_test_server_sign_in (server, "planner", PASSWORD);
  changes = anbu_test_pull (server, token, &cursor, 0, NULL);
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (g_strcmp0 (json_object_get_string_member (change, "kind"), "visit") == 0)
        g_assert_true (g_hash_table_add (stored, (gpointer) json_object_get_string_member (change, "id")));
    }

  for (guint b = 0; b < N_BATCHES; b++)
    {
      if (!run.batches[b].acknowledged)
        continue;
      acknowledged++;
      for (guint i = 0; i < BATCH_SIZE; i++)
        g_assert_true (g_hash_table_contains (stored, run.batches[b].visit_ids[i]));
    }
  g_assert_cmpuint (acknowledged, >=, 1);
  g_test_message ("%u of %d batches acknowledged before the stop; %u visits stored",
                  acknowledged, N_BATCHES, g_hash_table_size (stored));

  /* Whatever was not acknowledged is sent again: nothing doubles. */
  for (guint b = 0; b < N_BATCHES; b++)
    {
      g_autoptr(AnbuTestResponse) again = anbu_test_request (server, "POST", "/api/v1/mutations", token,
                                                             run.batches[b].body);
      JsonArray *results;

      g_assert_cmpuint (again->status, ==, 200);
      results = json_object_get_array_member (anbu_test_response_object (again), "results");
      for (guint i = 0; i < BATCH_SIZE; i++)
        {
          const char *status = json_object_get_string_member (json_array_get_object_element (results, i), "status");

          if (run.batches[b].acknowledged)
            g_assert_cmpstr (status, ==, "duplicate");
          else
            g_assert_true (g_strcmp0 (status, "applied") == 0 || g_strcmp0 (status, "duplicate") == 0);
        }
    }

  for (guint b = 0; b < N_BATCHES; b++)
    {
      g_free (run.batches[b].body);
      g_strfreev (run.batches[b].visit_ids);
    }
  anbu_test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/server/shutdown/sigterm-during-push", test_sigterm_during_push_loses_nothing_acknowledged);

  return g_test_run ();
}
