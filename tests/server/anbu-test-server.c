/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "anbu-clock.h"
#include "anbu-test-server.h"
#ifdef HAVE_POSTGRESQL
#include "anbu-pg-lock-keys.h"
#include "anbu-test-postgres.h"
#endif

static const char *
server_binary (void)
{
  const char *path = g_getenv ("ANBU_SERVER");

  g_assert_nonnull (path);
  return path;
}

static gboolean
on_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

guint
anbu_test_timeout_multiplier (void)
{
  const char *text = g_getenv ("ANBU_TEST_TIMEOUT_MULTIPLIER");
  guint64 multiplier = 1;

  if (text != NULL && !g_ascii_string_to_unsigned (text, 10, 1, 100, &multiplier, NULL))
    multiplier = 1;
  return (guint) multiplier;
}

void
anbu_test_wait_for (gboolean *flag)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (ANBU_TEST_TIMEOUT_SECONDS, on_timeout, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_false (timed_out);
}

typedef struct
{
  gboolean  done;
  char     *line;
} LineRead;

static void
on_line_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  LineRead *read = user_data;

  read->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                         NULL, NULL);
  read->done = TRUE;
}

/* In the child before exec: a server outlives no failed test. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

gboolean
anbu_test_server_on_postgresql (void)
{
  return g_strcmp0 (g_getenv ("ANBU_TEST_ENGINE"), "postgresql") == 0;
}

/* A fresh database for a new server: the file anbu.db in `dir`, or with
 * ANBU_TEST_ENGINE=postgresql a new database of one throwaway PostgreSQL
 * for the whole test program (stopped and removed when the program ends,
 * however it ends). Without PostgreSQL 15 the program is skipped (77). */
static char *
new_database (const char *dir)
{
  if (!anbu_test_server_on_postgresql ())
    return g_build_filename (dir, "anbu.db", NULL);
#ifdef HAVE_POSTGRESQL
  {
    static AnbuTestPostgres *postgres;

    if (postgres == NULL)
      {
        g_autofree char *skip_reason = NULL;

        postgres = anbu_test_postgres_start (&skip_reason);
        if (postgres == NULL)
          {
            g_print ("1..0 # SKIP %s\n", skip_reason);
            exit (77);
          }
      }
    return anbu_test_postgres_create_database (postgres);
  }
#else
  g_print ("1..0 # SKIP built without PostgreSQL\n");
  exit (77);
#endif
}

static AnbuTestServer *
start (char               *dir,
       char               *db,
       const char * const *extra_args)
{
  AnbuTestServer *server = g_new0 (AnbuTestServer, 1);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  LineRead read = { 0 };
  g_autofree char *clock_text = NULL;
  gboolean has_manual_clock = FALSE;

  server->dir = dir;
  server->db = db;

  g_ptr_array_add (argv, (char *) server_binary ());
  g_ptr_array_add (argv, "serve");
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, server->db);
  g_ptr_array_add (argv, "--listen");
  g_ptr_array_add (argv, "127.0.0.1:0");
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    {
      g_ptr_array_add (argv, (char *) extra_args[i]);
      if (g_str_equal (extra_args[i], "--manual-clock"))
        has_manual_clock = TRUE;
    }
  /* A test on a manual clock (anbu-clock.h) gets a server on the same time:
   * nothing it stores or raises depends on today's date. */
  if (!has_manual_clock && anbu_clock_is_manual (anbu_clock_get_default ()))
    {
      g_autoptr(GDateTime) now = anbu_clock_get_now_utc (anbu_clock_get_default ());

      clock_text = g_date_time_format_iso8601 (now);
      g_ptr_array_add (argv, "--manual-clock");
      g_ptr_array_add (argv, clock_text);
    }
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  /* The first line the server prints is the URL it listens on. */
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, on_line_read, &read);
  anbu_test_wait_for (&read.done);
  g_assert_nonnull (read.line);
  g_assert_true (g_str_has_prefix (read.line, "http://127.0.0.1:")
                 || g_str_has_prefix (read.line, "https://127.0.0.1:"));
  if (g_str_has_suffix (read.line, "/"))
    read.line[strlen (read.line) - 1] = '\0';
  server->url = read.line;

  server->session = soup_session_new ();
  soup_session_set_proxy_resolver (server->session, NULL);
  soup_session_set_timeout (server->session, ANBU_TEST_TIMEOUT_SECONDS);
  return server;
}

AnbuTestServer *
anbu_test_server_new (const char * const *extra_args)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("anbu-server-test-XXXXXX", &error);

  g_assert_no_error (error);
  return start (dir, new_database (dir), extra_args);
}

AnbuTestServer *
anbu_test_server_new_instance (AnbuTestServer     *other,
                               const char * const *extra_args)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("anbu-server-test-XXXXXX", &error);

  g_assert_no_error (error);
  g_assert_true (anbu_test_server_on_postgresql ());
  return start (dir, g_strdup (other->db), extra_args);
}

void
anbu_test_server_restart (AnbuTestServer     *server,
                          const char * const *extra_args)
{
  AnbuTestServer *fresh;

  g_assert_null (server->process);
  fresh = start (g_strdup (server->dir), g_strdup (server->db), extra_args);
  g_free (server->url);
  server->url = g_steal_pointer (&fresh->url);
  server->process = g_steal_pointer (&fresh->process);
  g_clear_object (&server->session);
  server->session = g_steal_pointer (&fresh->session);
  g_free (fresh->dir);
  g_free (fresh->db);
  g_free (fresh);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *exited = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *exited = TRUE;
}

int
anbu_test_server_stop (AnbuTestServer *server,
                       int             signum)
{
  gboolean exited = FALSE;
  int status;

  if (server->process == NULL)
    return -1;
  if (signum != 0)
    g_subprocess_send_signal (server->process, signum);
  g_subprocess_wait_async (server->process, NULL, on_exited, &exited);
  anbu_test_wait_for (&exited);
  if (g_subprocess_get_if_signaled (server->process))
    status = 128 + g_subprocess_get_term_sig (server->process);
  else
    status = g_subprocess_get_exit_status (server->process);
  g_clear_object (&server->process);
  g_clear_object (&server->session);
  return status;
}

void
anbu_test_server_free (AnbuTestServer *server)
{
  GDir *dir;
  const char *name;

  if (server == NULL)
    return;
  if (server->process != NULL)
    g_assert_cmpint (anbu_test_server_stop (server, SIGTERM), ==, 0);
  dir = g_dir_open (server->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (server->dir, name, NULL);

      g_unlink (path);
    }
  g_clear_pointer (&dir, g_dir_close);
  g_rmdir (server->dir);
  g_free (server->dir);
  g_free (server->db);
  g_free (server->url);
  g_clear_object (&server->session);
  g_clear_object (&server->trusted);
  g_free (server);
}

int
anbu_test_server_cli (AnbuTestServer  *server,
                      const char      *input,
                      char           **out,
                      char           **err,
                      ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *input_path = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) server_binary ());
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, server->db);
  g_ptr_array_add (argv, NULL);

  /* Input comes from a file: a command that refuses its arguments exits
   * without reading it, and a pipe would then break. */
  input_path = g_build_filename (server->dir, "cli-input", NULL);
  g_assert_true (g_file_set_contents (input_path, input != NULL ? input : "", -1, NULL));
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_stdin_file_path (launcher, input_path);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);
  g_unlink (input_path);
  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  if (err != NULL)
    *err = g_steal_pointer (&stderr_text);
  else if (stderr_text != NULL && *stderr_text != '\0')
    g_test_message ("anbu-server said: %s", stderr_text);
  return g_subprocess_get_exit_status (process);
}

char *
anbu_test_server_add_user (AnbuTestServer *server,
                           const char     *username,
                           const char     *role,
                           const char     *dong_codes,
                           const char     *password)
{
  g_autofree char *input = g_strconcat (password, "\n", NULL);
  g_autofree char *out = NULL;
  int status;

  if (dong_codes != NULL)
    status = anbu_test_server_cli (server, input, &out, NULL, "user", "add", "--username", username,
                                   "--role", role, "--dong-codes", dong_codes, NULL);
  else
    status = anbu_test_server_cli (server, input, &out, NULL, "user", "add", "--username", username,
                                   "--role", role, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (out);
  g_strstrip (out);
  g_assert_true (g_uuid_string_is_valid (out));
  return g_steal_pointer (&out);
}

char *
anbu_test_server_sign_in (AnbuTestServer *server,
                          const char     *username,
                          const char     *password)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;
  g_autoptr(AnbuTestResponse) response = NULL;
  JsonObject *object;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);

  response = anbu_test_request (server, "POST", "/api/v1/session", NULL, body);
  g_assert_cmpuint (response->status, ==, 200);
  object = anbu_test_response_object (response);
  g_assert_true (json_object_has_member (object, "token"));
  return g_strdup (json_object_get_string_member (object, "token"));
}

typedef struct
{
  gboolean     done;
  GBytes      *bytes;
  GError      *error;
} Exchange;

/* Only the certificate the test made for the server is accepted. */
static gboolean
on_accept_certificate (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  AnbuTestServer *server = user_data;

  return server->trusted != NULL && g_tls_certificate_is_same (certificate, server->trusted);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Exchange *exchange = user_data;

  exchange->bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                       &exchange->error);
  exchange->done = TRUE;
}

struct _AnbuTestPending
{
  SoupMessage *msg;
  Exchange     exchange;
};

AnbuTestPending *
anbu_test_request_start (AnbuTestServer *server,
                         const char     *method,
                         const char     *path,
                         const char     *token,
                         GBytes         *body)
{
  g_autofree char *url = g_strconcat (server->url, path, NULL);
  AnbuTestPending *pending = g_new0 (AnbuTestPending, 1);

  pending->msg = soup_message_new (method, url);
  g_assert_nonnull (pending->msg);
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (pending->msg),
                                    "Authorization", value);
    }
  if (server->forwarded_for != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (pending->msg),
                                  "X-Forwarded-For", server->forwarded_for);
  if (server->forwarded != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (pending->msg), "Forwarded",
                                  server->forwarded);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (pending->msg, "application/json", body);
  g_signal_connect (pending->msg, "accept-certificate", G_CALLBACK (on_accept_certificate), server);

  soup_session_send_and_read_async (server->session, pending->msg, G_PRIORITY_DEFAULT, NULL,
                                    on_sent, &pending->exchange);
  return pending;
}

gboolean
anbu_test_request_answered (AnbuTestPending *pending)
{
  return pending->exchange.done;
}

AnbuTestResponse *
anbu_test_request_finish (AnbuTestPending *pending)
{
  AnbuTestResponse *response = g_new0 (AnbuTestResponse, 1);
  gsize length;
  const char *data;

  anbu_test_wait_for (&pending->exchange.done);
  g_assert_no_error (pending->exchange.error);

  response->status = soup_message_get_status (pending->msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (pending->msg));
  response->raw = pending->exchange.bytes;
  data = g_bytes_get_data (response->raw, &length);
  if (length > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (json_parser_load_from_data (parser, data, length, NULL) && json_parser_get_root (parser))
        response->json = json_node_copy (json_parser_get_root (parser));
    }
  g_object_unref (pending->msg);
  g_free (pending);
  return response;
}

AnbuTestResponse *
anbu_test_request_bytes (AnbuTestServer *server,
                         const char     *method,
                         const char     *path,
                         const char     *token,
                         GBytes         *body)
{
  return anbu_test_request_finish (anbu_test_request_start (server, method, path, token, body));
}

AnbuTestResponse *
anbu_test_request (AnbuTestServer *server,
                   const char     *method,
                   const char     *path,
                   const char     *token,
                   const char     *body)
{
  g_autoptr(GBytes) bytes = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;

  return anbu_test_request_bytes (server, method, path, token, bytes);
}

void
anbu_test_response_free (AnbuTestResponse *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->raw, g_bytes_unref);
  g_clear_pointer (&response->json, json_node_unref);
  g_free (response);
}

JsonObject *
anbu_test_response_object (AnbuTestResponse *response)
{
  g_assert_nonnull (response->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (response->json));
  return json_node_get_object (response->json);
}

const char *
anbu_test_response_error_code (AnbuTestResponse *response)
{
  JsonObject *error = json_object_get_object_member (anbu_test_response_object (response), "error");

  g_assert_nonnull (error);
  return json_object_get_string_member (error, "code");
}

const char *
anbu_test_response_error_field (AnbuTestResponse *response)
{
  JsonObject *error = json_object_get_object_member (anbu_test_response_object (response), "error");

  g_assert_nonnull (error);
  return json_object_has_member (error, "field") ? json_object_get_string_member (error, "field") : NULL;
}

const char *
anbu_test_response_error_message (AnbuTestResponse *response)
{
  JsonObject *error = json_object_get_object_member (anbu_test_response_object (response), "error");

  g_assert_nonnull (error);
  return json_object_get_string_member (error, "message");
}

JsonArray *
anbu_test_push (AnbuTestServer    *server,
                const char        *token,
                const char        *entries,
                AnbuTestResponse **response_out)
{
  g_autofree char *body = g_strdup_printf ("{\"mutations\": %s}", entries);
  AnbuTestResponse *response = anbu_test_request (server, "POST", "/api/v1/mutations", token, body);
  JsonArray *results;

  if (response->status != 200)
    g_test_message ("push answered %u: %.*s", response->status,
                    (int) g_bytes_get_size (response->raw), (const char *) g_bytes_get_data (response->raw, NULL));
  g_assert_cmpuint (response->status, ==, 200);
  results = json_object_get_array_member (anbu_test_response_object (response), "results");
  g_assert_nonnull (results);
  *response_out = response;
  return results;
}

JsonArray *
anbu_test_pull (AnbuTestServer  *server,
                const char      *token,
                char           **cursor,
                guint            limit,
                guint           *pages)
{
  JsonArray *all = json_array_new ();
  gboolean has_more = TRUE;
  guint count = 0;

  while (has_more)
    {
      g_autoptr(GString) path = g_string_new ("/api/v1/sync?since=");
      g_autoptr(AnbuTestResponse) response = NULL;
      JsonObject *object;
      JsonArray *changes;

      if (*cursor != NULL)
        g_string_append_uri_escaped (path, *cursor, NULL, FALSE);
      if (limit > 0)
        g_string_append_printf (path, "&limit=%u", limit);
      response = anbu_test_request (server, "GET", path->str, token, NULL);
      g_assert_cmpuint (response->status, ==, 200);
      object = anbu_test_response_object (response);
      changes = json_object_get_array_member (object, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        json_array_add_element (all, json_node_copy (json_array_get_element (changes, i)));
      g_free (*cursor);
      *cursor = g_strdup (json_object_get_string_member (object, "cursor"));
      has_more = json_object_get_boolean_member (object, "has_more");
      g_assert_cmpuint (++count, <, 10000);
    }
  if (pages != NULL)
    *pages = count;
  return all;
}

JsonObject *
anbu_test_find_change (JsonArray  *changes,
                       const char *kind,
                       const char *id)
{
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (g_strcmp0 (json_object_get_string_member (change, "kind"), kind) == 0
          && g_strcmp0 (json_object_get_string_member (change, "id"), id) == 0)
        return change;
    }
  return NULL;
}

gboolean
anbu_test_server_try_sql (AnbuTestServer *server,
                          const char     *sql)
{
  sqlite3 *db = NULL;
  int rc;

#ifdef HAVE_POSTGRESQL
  if (anbu_test_server_on_postgresql ())
    return anbu_test_postgres_try_exec (server->db, sql);
#endif
  g_assert_cmpint (sqlite3_open (server->db, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  rc = sqlite3_exec (db, sql, NULL, NULL, NULL);
  sqlite3_close (db);
  return rc == SQLITE_OK;
}

char *
anbu_test_server_query_value (AnbuTestServer *server,
                              const char     *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

#ifdef HAVE_POSTGRESQL
  if (anbu_test_server_on_postgresql ())
    return anbu_test_postgres_query_value (server->db, sql);
#endif
  g_assert_cmpint (sqlite3_open (server->db, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

void
anbu_test_server_insert_alert (AnbuTestServer *server,
                               const char     *id,
                               const char     *household_id,
                               const char     *record,
                               const char     *updated_at)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

#ifdef HAVE_POSTGRESQL
  if (anbu_test_server_on_postgresql ())
    {
      g_autofree char *sql = NULL;
      char *quoted[4];
      const char *values[] = { id, household_id, record, updated_at };

      for (guint i = 0; i < G_N_ELEMENTS (values); i++)
        {
          g_auto(GStrv) parts = g_strsplit (values[i], "'", -1);
          g_autofree char *doubled = g_strjoinv ("''", parts);

          quoted[i] = g_strdup_printf ("'%s'", doubled);
        }
      /* The store's write lock (anbu-pg-lock-keys.h), as a writer takes it. */
      sql = g_strdup_printf ("BEGIN; SELECT pg_advisory_xact_lock (" ANBU_PG_LOCK_STORE_WRITE ");"
                             "UPDATE counter SET value = value + 1 WHERE name = 'seq';"
                             "INSERT INTO alert (id, household_id, state, record, version, seq, updated_at)"
                             " VALUES (%s, %s, 'open', %s, 1, (SELECT value FROM counter WHERE name = 'seq'),"
                             " %s::timestamptz); COMMIT",
                             quoted[0], quoted[1], quoted[2], quoted[3]);
      for (guint i = 0; i < G_N_ELEMENTS (quoted); i++)
        g_free (quoted[i]);
      anbu_test_postgres_exec (server->db, sql);
      return;
    }
#endif
  g_assert_cmpint (sqlite3_open (server->db, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO alert (id, household_id, state, record, version, seq, updated_at)"
                                       " VALUES (?1, ?2, 'open', ?3, 1,"
                                       " (SELECT value + 1 FROM counter WHERE name = 'seq'), ?4)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, household_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, record, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, updated_at, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE counter SET value = value + 1 WHERE name = 'seq'; COMMIT",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}
