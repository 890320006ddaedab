/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-test-postgres"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>

#include "anbu-test-postgres.h"

#define DEFAULT_BINDIR "/usr/lib/postgresql/15/bin"
/* A port another program took between our check and PostgreSQL's bind. */
#define MAX_PORT_TRIES 5

struct _AnbuTestPostgres
{
  char            *dir;
  guint16          port;
  GSubprocess     *guard;    /* anbu-test-postgres.sh; its stdin is our lifeline */
  GDataInputStream *output;
  guint            databases;
};

/* The server of anbu_test_postgres_run_tests(), or why there is none. */
static AnbuTestPostgres *shared_postgres;
static char *shared_skip_reason;

/* A port nothing listens on now. */
static guint16
free_loopback_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (socket);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* One attempt on one port: the guard's first line, "ready" on success. */
static char *
launch_guard (AnbuTestPostgres *self,
              const char       *script,
              const char       *bindir)
{
  g_autofree char *port = NULL;
  g_autoptr(GError) error = NULL;
  char *line;

  /* In /tmp, not $TMPDIR: the cluster's user (nobody, under root) must be
   * able to reach it. */
  self->dir = g_mkdtemp (g_strdup ("/tmp/anbu-pg-XXXXXX"));
  g_assert_nonnull (self->dir);
  self->port = free_loopback_port ();
  port = g_strdup_printf ("%u", self->port);
  /* setsid: the guard outlives a meson timeout that kills our process
   * group, and then cleans up. */
  self->guard = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                  &error, "setsid", "sh", script, bindir, self->dir, port, NULL);
  g_assert_no_error (error);
  self->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->guard));
  /* Bounded by the script: pg_ctl -w -t 120. */
  line = g_data_input_stream_read_line_utf8 (self->output, NULL, NULL, &error);
  g_assert_no_error (error);
  return line != NULL ? line : g_strdup ("the script ended without a word");
}

/* Closing the guard's stdin is what stops the server: then wait for it. */
static void
stop_guard (AnbuTestPostgres *self)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_close (g_subprocess_get_stdin_pipe (self->guard), NULL, NULL);
  g_subprocess_wait (self->guard, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&self->output);
  g_clear_object (&self->guard);
}

AnbuTestPostgres *
anbu_test_postgres_start (char **skip_reason)
{
  const char *bindir = g_getenv ("ANBU_POSTGRES_BINDIR");
  const char *script = g_getenv ("ANBU_TEST_POSTGRES_SCRIPT");
  g_autofree char *initdb = NULL;
  g_autofree char *postgres = NULL;
  AnbuTestPostgres *self;

  if (bindir == NULL)
    bindir = DEFAULT_BINDIR;
  initdb = g_build_filename (bindir, "initdb", NULL);
  postgres = g_build_filename (bindir, "postgres", NULL);
  if (!g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE) || !g_file_test (postgres, G_FILE_TEST_IS_EXECUTABLE))
    {
      *skip_reason = g_strdup_printf ("PostgreSQL 15 is not installed (no %s; apt-get install postgresql-15)",
                                      initdb);
      return NULL;
    }
  if (script == NULL)
    g_error ("ANBU_TEST_POSTGRES_SCRIPT is not set: run the test with meson test");

  self = g_new0 (AnbuTestPostgres, 1);
  for (guint attempt = 1; ; attempt++)
    {
      g_autofree char *line = launch_guard (self, script, bindir);

      if (g_strcmp0 (line, "ready") == 0)
        break;
      stop_guard (self);
      g_assert_false (g_file_test (self->dir, G_FILE_TEST_EXISTS));
      g_clear_pointer (&self->dir, g_free);
      if (g_strcmp0 (line, "busy") != 0 || attempt == MAX_PORT_TRIES)
        g_error ("Cannot start PostgreSQL: %s", line);
    }
  return self;
}

static PGconn *
connect_or_fail (const char *uri)
{
  PGconn *conn = PQconnectdb (uri);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Cannot connect to %s: %s", uri, PQerrorMessage (conn));
  return conn;
}

void
anbu_test_postgres_exec (const char *uri,
                         const char *sql)
{
  PGconn *conn = connect_or_fail (uri);
  PGresult *result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s failed: %s", sql, PQerrorMessage (conn));
  PQclear (result);
  PQfinish (conn);
}

struct _AnbuTestPostgresSession
{
  PGconn *conn;
};

AnbuTestPostgresSession *
anbu_test_postgres_session_open (const char *uri,
                                 const char *sql)
{
  AnbuTestPostgresSession *session = g_new0 (AnbuTestPostgresSession, 1);
  PGresult *result;

  session->conn = connect_or_fail (uri);
  result = PQexec (session->conn, sql);
  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s failed: %s", sql, PQerrorMessage (session->conn));
  PQclear (result);
  return session;
}

void
anbu_test_postgres_session_close (AnbuTestPostgresSession *session)
{
  PQfinish (session->conn);
  g_free (session);
}

gboolean
anbu_test_postgres_try_exec (const char *uri,
                             const char *sql)
{
  PGconn *conn = connect_or_fail (uri);
  PGresult *result = PQexec (conn, sql);
  gboolean ok = PQresultStatus (result) == PGRES_COMMAND_OK
                || PQresultStatus (result) == PGRES_TUPLES_OK;

  PQclear (result);
  PQfinish (conn);
  return ok;
}

char *
anbu_test_postgres_query_value (const char *uri,
                                const char *sql)
{
  PGconn *conn = connect_or_fail (uri);
  PGresult *result = PQexec (conn, sql);
  char *value = NULL;

  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s failed: %s", sql, PQerrorMessage (conn));
  if (PQntuples (result) > 0 && !PQgetisnull (result, 0, 0))
    value = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  PQfinish (conn);
  return value;
}

char *
anbu_test_postgres_create_database (AnbuTestPostgres *self)
{
  g_autofree char *admin = g_strdup_printf ("postgresql://anbu@127.0.0.1:%u/postgres", self->port);
  g_autofree char *name = g_strdup_printf ("anbu_test_%u", ++self->databases);
  g_autofree char *create = g_strdup_printf ("CREATE DATABASE %s", name);

  anbu_test_postgres_exec (admin, create);
  return g_strdup_printf ("postgresql://anbu@127.0.0.1:%u/%s", self->port, name);
}

void
anbu_test_postgres_stop (AnbuTestPostgres *self)
{
  if (self == NULL)
    return;
  stop_guard (self);
  g_assert_false (g_file_test (self->dir, G_FILE_TEST_EXISTS));
  g_free (self->dir);
  g_free (self);
}

int
anbu_test_postgres_run_tests (void)
{
  int status;

  shared_postgres = anbu_test_postgres_start (&shared_skip_reason);
  status = g_test_run ();
  g_clear_pointer (&shared_postgres, anbu_test_postgres_stop);
  g_clear_pointer (&shared_skip_reason, g_free);
  return status;
}

char *
anbu_test_database_new (gboolean     on_postgresql,
                        const char  *dir_template,
                        char       **dir)
{
  g_autoptr(GError) error = NULL;

  if (on_postgresql)
    {
      if (shared_postgres == NULL)
        {
          g_test_skip (shared_skip_reason);
          return NULL;
        }
      return anbu_test_postgres_create_database (shared_postgres);
    }
  *dir = g_dir_make_tmp (dir_template, &error);
  g_assert_no_error (error);
  return g_build_filename (*dir, "anbu.db", NULL);
}

void
anbu_test_database_remove_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}
