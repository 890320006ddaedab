/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "anbu-test-desk.h"
#include "anbu-window.h"

gboolean
anbu_test_casework_loaded (gpointer casework)
{
  return anbu_casework_get_loaded (casework) && !anbu_casework_is_loading (casework);
}

void
anbu_test_desk_open (AnbuTestDesk      *desk,
                     const char        *username,
                     const char        *password,
                     const char        *display_name,
                     AnbuTestDeskFlags  flags)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const char *meta[] = { "username", username, NULL };

  g_assert_nonnull (desk->server);
  g_assert_nonnull (desk->token);

  desk->dir = g_dir_make_tmp ("anbu-desk-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (desk->dir, "replica.db", NULL);
  ANBU_TEST_AWAIT (result, anbu_replica_create_async (path, password, 1, 8192, meta, NULL, anbu_test_ready_cb, &result));
  desk->replica = anbu_replica_open_finish (result, NULL, NULL, &error);
  g_assert_no_error (error);
  if (desk->user != NULL)
    {
      g_autoptr(JsonObject) object = anbu_user_to_json (desk->user);
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autoptr(GAsyncResult) stored = NULL;
      g_autofree char *text = NULL;

      json_node_set_object (node, object);
      text = json_to_string (node, FALSE);
      ANBU_TEST_AWAIT (stored, anbu_replica_set_secret_async (desk->replica, "user", text, NULL,
                                                              anbu_test_ready_cb, &stored));
      g_assert_true (anbu_replica_set_secret_finish (desk->replica, stored, &error));
      g_assert_no_error (error);
    }
  if (!(flags & ANBU_TEST_DESK_NO_PULL))
    anbu_test_desk_pull (desk);

  desk->store = anbu_case_store_new (desk->replica, desk->user_id);
  if (flags & ANBU_TEST_DESK_ONLINE)
    {
      g_autoptr(AnbuApiClient) client = anbu_api_client_new (desk->server->url, NULL, &error);

      g_assert_no_error (error);
      anbu_api_client_set_token (client, desk->token);
      anbu_case_store_set_api_client (desk->store, client);
    }
  anbu_case_store_set_is_admin (desk->store, (flags & ANBU_TEST_DESK_ADMIN) != 0);
  desk->casework = anbu_casework_new (desk->store);
  g_assert_true (anbu_test_wait_until (anbu_test_casework_loaded, desk->casework, 10000));

  desk->account = anbu_test_account_new (username, password, display_name);
  desk->app = anbu_test_application_new ();
  desk->window = GTK_WIDGET (anbu_window_new (GTK_APPLICATION (desk->app), ANBU_ACCOUNT (desk->account)));
  gtk_window_present (GTK_WINDOW (desk->window));
  anbu_test_wait_drawn (desk->window);
  anbu_test_sign_in (desk->window, desk->server->url, username, password);
  anbu_context_set_casework (anbu_application_get_context (desk->app), desk->casework);
}

void
anbu_test_desk_close (AnbuTestDesk *desk)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  g_autofree char *path = NULL;

  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);
      gtk_window_destroy (window);
    }
  if (desk->app != NULL)
    anbu_context_set_casework (anbu_application_get_context (desk->app), NULL);
  g_clear_object (&desk->casework);
  g_clear_object (&desk->store);
  if (desk->replica != NULL)
    {
      path = g_strdup (anbu_replica_get_path (desk->replica));
      g_clear_object (&desk->replica);
      anbu_replica_delete_files (path, NULL);
    }
  if (desk->dir != NULL)
    g_rmdir (desk->dir);
  g_clear_pointer (&desk->dir, g_free);
  g_clear_pointer (&desk->server, anbu_test_server_free);
  g_clear_pointer (&desk->token, g_free);
  g_clear_pointer (&desk->user_id, g_free);
  g_clear_pointer (&desk->user, anbu_user_free);
  g_clear_object (&desk->app);
  g_clear_object (&desk->account);
}

void
anbu_test_replica_pull (AnbuTestServer *server,
                        const char     *token,
                        AnbuReplica    *replica,
                        char          **cursor)
{
  gboolean has_more = TRUE;

  if (*cursor == NULL)
    *cursor = g_strdup ("");
  for (guint page = 0; has_more && page < 100; page++)
    {
      g_autofree char *escaped = g_uri_escape_string (*cursor, NULL, FALSE);
      g_autofree char *path = g_strdup_printf ("/api/v1/sync?since=%s", escaped);
      g_autoptr(AnbuTestResponse) response = anbu_test_request (server, "GET", path, token, NULL);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_cmpuint (response->status, ==, 200);
      ANBU_TEST_AWAIT (result, anbu_replica_apply_pull_async (replica, response->raw, NULL,
                                                              anbu_test_ready_cb, &result));
      anbu_replica_apply_pull_finish (replica, result, &has_more, NULL, &error);
      g_assert_no_error (error);
      g_free (*cursor);
      *cursor = g_strdup (json_object_get_string_member (json_node_get_object (response->json), "cursor"));
    }
}

AnbuPushSummary
anbu_test_replica_push (AnbuTestServer *server,
                        const char     *token,
                        AnbuReplica    *replica)
{
  g_autoptr(GAsyncResult) prepared = NULL;
  g_autoptr(GAsyncResult) applied = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(AnbuTestResponse) response = NULL;
  AnbuPushSummary summary = { 0 };

  ANBU_TEST_AWAIT (prepared, anbu_replica_prepare_push_async (replica, 100, NULL, anbu_test_ready_cb, &prepared));
  body = anbu_replica_prepare_push_finish (replica, prepared, &ids, &error);
  g_assert_no_error (error);
  g_assert_nonnull (body);
  response = anbu_test_request_bytes (server, "POST", "/api/v1/mutations", token, body);
  g_assert_cmpuint (response->status, ==, 200);
  ANBU_TEST_AWAIT (applied, anbu_replica_apply_push_async (replica, (const char * const *) ids, response->raw,
                                                           NULL, anbu_test_ready_cb, &applied));
  anbu_replica_apply_push_finish (replica, applied, &summary, &error);
  g_assert_no_error (error);
  g_test_message ("push: %u applied, %u duplicate, %u conflict, %u rejected",
                  summary.applied, summary.duplicate, summary.conflict, summary.rejected);
  return summary;
}

/* The desk pulls from the start each time, as a second device would. */
void
anbu_test_desk_pull (AnbuTestDesk *desk)
{
  g_autofree char *cursor = NULL;

  anbu_test_replica_pull (desk->server, desk->token, desk->replica, &cursor);
}

AnbuPushSummary
anbu_test_desk_push (AnbuTestDesk *desk)
{
  return anbu_test_replica_push (desk->server, desk->token, desk->replica);
}

void
anbu_test_desk_push_expect_applied (AnbuTestDesk *desk,
                                    guint         expect_applied)
{
  AnbuPushSummary summary = anbu_test_desk_push (desk);

  g_assert_cmpuint (summary.rejected, ==, 0);
  g_assert_cmpuint (summary.conflict, ==, 0);
  g_assert_cmpuint (summary.applied, ==, expect_applied);
}

/* The record as the server now has it (a fresh full pull, as another device would see it). */
JsonObject *
anbu_test_desk_server_record (AnbuTestDesk *desk,
                              const char   *kind,
                              const char   *id)
{
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) changes = anbu_test_pull (desk->server, desk->token, &cursor, 0, NULL);
  JsonObject *change = anbu_test_find_change (changes, kind, id);

  if (change == NULL || !json_object_has_member (change, "record"))
    return NULL;
  return json_object_ref (json_object_get_object_member (change, "record"));
}

/* An open 위험 signal of HOUSEHOLD_ID (inactivity, raised 2026-11-24 10:00 KST), written into
 * the server's database as detection would; returns its id. */
char *
anbu_test_desk_seed_alert (AnbuTestDesk *desk,
                           const char   *household_id)
{
  char *id = g_uuid_string_random ();
  g_autofree char *record = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", "
                                             "\"kind\": \"inactivity\", \"level\": \"risk\", "
                                             "\"quiet_since\": \"2026-11-23T00:00:00Z\", "
                                             "\"raised_at\": \"2026-11-24T01:00:00Z\", \"detail\": \"30시간째 변화 없음\", "
                                             "\"responder\": \"dong\", \"state\": \"open\", \"version\": 1}",
                                             id, household_id);

  anbu_test_server_insert_alert (desk->server, id, household_id, record, "2026-11-24T01:00:00Z");
  return id;
}

AnbuCaseFormDialog *
anbu_test_desk_open_form (AnbuTestDesk *desk,
                          AnbuCaseForm  form,
                          const char   *household_id,
                          const char   *alert_id)
{
  AnbuCaseFormDialog *dialog = anbu_case_form_dialog_new (desk->casework, form, household_id, alert_id);

  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (desk->window));
  gtk_window_present (GTK_WINDOW (dialog));
  anbu_test_wait_drawn (GTK_WIDGET (dialog));
  return dialog;
}

static void
on_form_saved (AnbuCaseFormDialog *dialog,
               const char         *mutation_id,
               gboolean           *saved)
{
  *saved = TRUE;
}

static gboolean
form_saved (gpointer data)
{
  return *(gboolean *) data;
}

void
anbu_test_desk_save_form (AnbuTestDesk       *desk,
                          AnbuCaseFormDialog *dialog)
{
  gboolean saved = FALSE;

  g_signal_connect (dialog, "saved", G_CALLBACK (on_form_saved), &saved);
  anbu_test_press (anbu_test_find_named (GTK_WIDGET (dialog), "form-save"));
  g_assert_true (anbu_test_wait_until (form_saved, &saved, 10000));
  g_assert_true (anbu_test_wait_until (anbu_test_casework_loaded, desk->casework, 10000));
}
