/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-server"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>

#include "anbu-clock.h"
#include "anbu-auth.h"
#include "anbu-backup.h"
#ifdef HAVE_POSTGRESQL
#include "anbu-migration.h"
#endif
#include "anbu-api-error.h"
#include "anbu-caseload-moves.h"
#include "anbu-csv-import.h"
#include "anbu-http-server.h"
#include "anbu-ingest-cli.h"
#include "anbu-query-pool.h"
#include "anbu-sqlite-store.h"
#include "anbu-tile-proxy.h"
#include "anbu-tile-store.h"
#include "anbu-validate.h"
#include "anbu-server-time.h"

#define SHUTDOWN_GRACE_USEC (10 * G_USEC_PER_SEC)

static const char usage_text[] =
  "Usage:\n"
  "  anbu-server serve --db FILE --listen HOST:PORT [--tls-cert FILE --tls-key FILE]\n"
  "                    [--token-lifetime SECONDS] [--max-body BYTES] [--password-checks N]\n"
  "                    [--request-timeout SECONDS] [--query-deadline SECONDS]\n"
  "                    [--max-connections N] [--max-connections-per-address N]\n"
  "                    [--trusted-proxy ADDRESS]...\n"
  "                    [--offline-after SECONDS] [--retention-days DAYS] [--manual-clock TIME]\n"
  "                    [--live-plug-interval SECONDS] [--live-queue-limit BYTES]\n"
  "                    [--tiles FILE.mbtiles]\n"
  "                    [--tiles-upstream URL-TEMPLATE [--tiles-attribution TEXT]\n"
  "                     [--tiles-cache-dir DIR] [--tiles-cache-limit MB]\n"
  "                     [--tiles-upstream-timeout SECONDS]]\n"
  "  anbu-server user add --db FILE --username NAME --role planner|control|admin\n"
  "                    [--display-name TEXT] [--dong-codes CODE,CODE] [--password-file FILE]\n"
  "  anbu-server user disable --db FILE --username NAME [--force]\n"
  "  anbu-server password reset --db FILE --username NAME [--password-file FILE]\n"
  "  anbu-server import households --db FILE --csv FILE [--valid-only]\n"
  "  anbu-server gateway add --db FILE --name NAME   (prints the gateway's telemetry token)\n"
  "  anbu-server access-log --db FILE (--household ID | --user NAME | --cli)\n"
  "  anbu-server backup --db FILE --to FILE   (while serving; never overwrites)\n"
  "  anbu-server caseload move --db FILE (--dong CODE | --household ID) --from NAME --to NAME\n"
  "                    [--effective TIME]   (default: now)\n"
  "  anbu-server caseload moves --db FILE      (every move, waiting and applied)\n"
  "  anbu-server caseload orphans --db FILE    (households without an active planner)\n"
  "  anbu-server migrate --from FILE --to postgresql://USER@HOST:PORT/NAME\n"
  "                    (copies a SQLite database, also while serving, into an empty\n"
  "                     PostgreSQL database and verifies every table)\n"
  "\n"
  "--db FILE is a SQLite database; --db postgresql://USER@HOST:PORT/NAME a PostgreSQL one\n"
  "(every command but backup; several serve instances may share it).\n"
  "Passwords are read from --password-file or from standard input (not echoed).\n"
  "ANBU_SERVER_TOKEN_LIFETIME (seconds) sets the token lifetime when the flag is absent.\n";

static int
usage_error (const char *message)
{
  if (message != NULL)
    g_printerr ("anbu-server: %s\n\n", message);
  g_printerr ("%s", usage_text);
  return 2;
}

/* A command failed: say why, the exit status of failure. */
static int
command_failed (const GError *error)
{
  g_printerr ("anbu-server: %s\n", error->message);
  return 1;
}

static gboolean
parse_options (GOptionEntry   *entries,
               int            *argc,
               char         ***argv,
               GError        **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);

  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return g_option_context_parse (context, argc, argv, error);
}

static AnbuStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  AnbuStore *store;

  if (path == NULL)
    {
      usage_error ("--db FILE is required");
      return NULL;
    }
  store = anbu_store_open (path, &error);
  if (store == NULL)
    g_printerr (_("anbu-server: %s\n"), error->message);
  return store;
}

/* The store of a command whose only option is --db FILE, or NULL with STATUS
 * its exit status after saying why. */
static AnbuStore *
open_store_from_db_option (int    argc,
                           char **argv,
                           int   *status)
{
  g_autofree char *db = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  AnbuStore *store;

  if (!parse_options (entries, &argc, &argv, &error))
    {
      *status = usage_error (error->message);
      return NULL;
    }
  store = open_store (db);
  *status = store != NULL ? 0 : 1;
  return store;
}

/* A password from a file (its first line) or from standard input, with
 * the terminal's echo turned off while typing. */
static char *
read_password (const char  *file,
               GError     **error)
{
  g_autofree char *text = NULL;
  char *newline;

  if (file != NULL)
    {
      if (!g_file_get_contents (file, &text, NULL, error))
        return NULL;
    }
  else
    {
      struct termios saved, quiet;
      gboolean terminal = isatty (STDIN_FILENO) && tcgetattr (STDIN_FILENO, &saved) == 0;
      char buffer[2048];

      if (terminal)
        {
          quiet = saved;
          quiet.c_lflag &= ~(tcflag_t) ECHO;
          tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
          g_printerr ("%s", _("Password: "));
        }
      if (fgets (buffer, sizeof buffer, stdin) == NULL)
        buffer[0] = '\0';
      if (terminal)
        {
          tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
          g_printerr ("\n");
        }
      text = g_strdup (buffer);
      memset (buffer, 0, sizeof buffer);
    }
  newline = strpbrk (text, "\r\n");
  if (newline != NULL)
    *newline = '\0';
  if (*text == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("No password was given"));
      return NULL;
    }
  return g_steal_pointer (&text);
}

static void
forget_password (char *password)
{
  if (password != NULL)
    memset (password, 0, strlen (password));
  g_free (password);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (char, forget_password)

/* serve */

typedef struct
{
  GMainLoop      *loop;
  AnbuHttpServer *server;
  gint64          deadline;
  guint           drain_id;
} Shutdown;

static gboolean
drain (gpointer user_data)
{
  Shutdown *shutdown = user_data;

  if (anbu_http_server_get_in_flight (shutdown->server) > 0
      && g_get_monotonic_time () < shutdown->deadline)
    return G_SOURCE_CONTINUE;
  shutdown->drain_id = 0;
  g_main_loop_quit (shutdown->loop);
  return G_SOURCE_REMOVE;
}

/* SIGINT/SIGTERM: take no new connections, let answers being sent finish
 * (every write they acknowledge is already committed), then close. */
static gboolean
on_signal (gpointer user_data)
{
  Shutdown *shutdown = user_data;

  if (shutdown->drain_id != 0)
    return G_SOURCE_CONTINUE;
  g_message ("Shutting down");
  anbu_http_server_stop_accepting (shutdown->server);
  shutdown->deadline = g_get_monotonic_time () + SHUTDOWN_GRACE_USEC;
  shutdown->drain_id = g_timeout_add (10, drain, shutdown);
  return G_SOURCE_CONTINUE;
}

/* Descriptors kept apart from client connections: the database and its
 * WAL, the query threads' connections, the log, tiles, backups. */
#define DESCRIPTOR_RESERVE 64

/* The server-wide connection cap, lowered to fit the process's descriptor
 * limit (libsoup 3.2 stops accepting for good when accept fails). */
static guint
fit_descriptor_limit (guint max_connections)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
    return max_connections;
  /* Take what the hard limit allows before cutting the cap. */
  if (max_connections == 0 || limit.rlim_cur < (rlim_t) max_connections + DESCRIPTOR_RESERVE)
    {
      rlim_t wanted = max_connections == 0 ? limit.rlim_max
                                           : (rlim_t) max_connections + DESCRIPTOR_RESERVE;

      limit.rlim_cur = MIN (wanted, limit.rlim_max);
      setrlimit (RLIMIT_NOFILE, &limit);
      getrlimit (RLIMIT_NOFILE, &limit);
    }
  if (max_connections == 0 || limit.rlim_cur == RLIM_INFINITY
      || limit.rlim_cur >= (rlim_t) max_connections + DESCRIPTOR_RESERVE)
    return max_connections;
  g_message ("At most %u connections at once: the descriptor limit is %lu",
             (guint) MAX (limit.rlim_cur, 2 * DESCRIPTOR_RESERVE) - DESCRIPTOR_RESERVE,
             (unsigned long) limit.rlim_cur);
  return (guint) MAX (limit.rlim_cur, 2 * DESCRIPTOR_RESERVE) - DESCRIPTOR_RESERVE;
}

/* SQLite's page caches live on several threads (the main connection, the
 * telemetry worker, the query pool), each allocating from its own malloc
 * arena, and in WAL mode a commit on one connection empties the others'
 * caches: pages are freed and allocated again all the time, and every
 * arena keeps its high-water mark as free memory that the RSS counts.
 * Handing free pages back every 20 s keeps the RSS near what is in use
 * (anbu_heap_in_use_bytes and anbu_heap_free_bytes in /metrics show both). */
#define TRIM_INTERVAL_SECONDS 20

static gboolean
on_trim_memory (gpointer user_data)
{
  gint64 started = g_get_monotonic_time ();

  malloc_trim (0);
  g_debug ("Free heap memory returned in %" G_GINT64_FORMAT " µs", g_get_monotonic_time () - started);
  return G_SOURCE_CONTINUE;
}

static int
run_serve (int    argc,
           char **argv)
{
  AnbuIngestServeArgs ingest_args = { 0 };
  g_autofree char *db = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_autofree char *tiles = NULL;
  g_autofree char *tiles_upstream = NULL;
  g_autofree char *tiles_attribution = NULL;
  g_autofree char *tiles_cache_dir = NULL;
  gint64 tiles_cache_limit = ANBU_TILE_PROXY_DEFAULT_CACHE_LIMIT_MB;
  gint tiles_upstream_timeout = ANBU_TILE_PROXY_DEFAULT_TIMEOUT;
  g_autofree char *url = NULL;
  gint64 token_lifetime = 0;
  gint64 max_body = ANBU_DEFAULT_MAX_BODY;
  gint password_checks = 0;
  gint request_timeout = ANBU_DEFAULT_REQUEST_TIMEOUT;
  gint query_deadline = ANBU_QUERY_POOL_DEFAULT_DEADLINE;
  gint max_connections = ANBU_DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
  gint max_connections_total = ANBU_DEFAULT_MAX_CONNECTIONS;
  g_auto(GStrv) trusted_proxies = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, NULL, NULL },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, NULL, NULL },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, NULL, NULL },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, NULL, NULL },
    { "token-lifetime", 0, 0, G_OPTION_ARG_INT64, &token_lifetime, NULL, NULL },
    { "max-body", 0, 0, G_OPTION_ARG_INT64, &max_body, NULL, NULL },
    { "password-checks", 0, 0, G_OPTION_ARG_INT, &password_checks, NULL, NULL },
    { "request-timeout", 0, 0, G_OPTION_ARG_INT, &request_timeout, NULL, NULL },
    { "query-deadline", 0, 0, G_OPTION_ARG_INT, &query_deadline, NULL, NULL },
    { "max-connections-per-address", 0, 0, G_OPTION_ARG_INT, &max_connections, NULL, NULL },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &max_connections_total, NULL, NULL },
    { "trusted-proxy", 0, 0, G_OPTION_ARG_STRING_ARRAY, &trusted_proxies, NULL, NULL },
    ANBU_INGEST_SERVE_OPTIONS (ingest_args),
    { "tiles", 0, 0, G_OPTION_ARG_FILENAME, &tiles, NULL, NULL },
    { "tiles-upstream", 0, 0, G_OPTION_ARG_STRING, &tiles_upstream, NULL, NULL },
    { "tiles-attribution", 0, 0, G_OPTION_ARG_STRING, &tiles_attribution, NULL, NULL },
    { "tiles-cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &tiles_cache_dir, NULL, NULL },
    { "tiles-cache-limit", 0, 0, G_OPTION_ARG_INT64, &tiles_cache_limit, NULL, NULL },
    { "tiles-upstream-timeout", 0, 0, G_OPTION_ARG_INT, &tiles_upstream_timeout, NULL, NULL },
    { NULL }
  };
  g_autoptr(AnbuIngestService) ingest = NULL;
  g_autoptr(AnbuTileStore) tile_store = NULL;
  g_autoptr(AnbuTileProxy) tile_proxy = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStore) store = NULL;
  g_autoptr(AnbuHttpServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  Shutdown shutdown = { 0 };
  guint sigint_id, sigterm_id, trim_id;

  if (!parse_options (entries, &argc, &argv, &error))
    return usage_error (error->message);
  if (listen == NULL)
    return usage_error ("--listen HOST:PORT is required");
  if (token_lifetime == 0 && g_getenv ("ANBU_SERVER_TOKEN_LIFETIME") != NULL)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (g_getenv ("ANBU_SERVER_TOKEN_LIFETIME"), 10, 1,
                                       G_MAXINT32, &value, NULL))
        return usage_error ("ANBU_SERVER_TOKEN_LIFETIME must be a number of seconds");
      token_lifetime = (gint64) value;
    }
  if (token_lifetime < 0 || max_body <= 0)
    return usage_error ("--token-lifetime and --max-body must be positive");
  if (password_checks < 0 || password_checks > 64)
    return usage_error ("--password-checks must be a number from 1 to 64");
  if (request_timeout < 0 || request_timeout > 3600)
    return usage_error ("--request-timeout must be a number of seconds from 0 to 3600");
  if (query_deadline < 1 || query_deadline > 600)
    return usage_error ("--query-deadline must be a number of seconds from 1 to 600");
  if (max_connections < 0 || max_connections > 65535)
    return usage_error ("--max-connections-per-address must be a number from 0 to 65535");
  if (max_connections_total < 0 || max_connections_total > 1000000)
    return usage_error ("--max-connections must be a number from 0 to 1000000");
  if (tiles != NULL && tiles_upstream != NULL)
    return usage_error ("--tiles and --tiles-upstream cannot be used together");
  if (tiles_cache_limit < 1 || tiles_cache_limit > 1024 * 1024)
    return usage_error ("--tiles-cache-limit must be a number of MiB from 1 to 1048576");
  if (tiles_upstream_timeout < 1 || tiles_upstream_timeout > 600)
    return usage_error ("--tiles-upstream-timeout must be a number of seconds from 1 to 600");
  if (!anbu_auth_init (&error))
    return command_failed (error);

  store = open_store (db);
  if (store == NULL)
    return 1;
  server = anbu_http_server_new (store, token_lifetime, (gsize) max_body);
  {
    /* Sign-in throttling holds across the instances on one PostgreSQL. */
    g_autoptr(AnbuThrottleLedger) ledger = NULL;

    if (anbu_store_location_is_postgresql (db))
      {
        ledger = anbu_throttle_ledger_new_for_location (db, &error);
        if (ledger == NULL)
          return command_failed (error);
      }
    anbu_http_server_set_throttle_ledger (server, ledger);
  }
  anbu_http_server_set_password_checks (server, (guint) password_checks);
  anbu_http_server_set_request_timeout (server, (guint) request_timeout);
  anbu_http_server_set_max_connections_per_address (server, (guint) max_connections);
  anbu_http_server_set_max_connections (server, fit_descriptor_limit ((guint) max_connections_total));
  if (!anbu_http_server_set_trusted_proxies (server, (const char * const *) trusted_proxies, &error))
    return usage_error (error->message);
  if (!anbu_http_server_listen (server, listen, tls_cert, tls_key, &error))
    {
      g_printerr (_("anbu-server: cannot listen on %s: %s\n"), listen, error->message);
      return 1;
    }

  ingest = anbu_ingest_serve_start (store, db, server, &ingest_args, &error);
  if (ingest == NULL)
    return command_failed (error);
  anbu_ingest_service_set_query_deadline (ingest, (guint) query_deadline);

  /* GET /tiles/{z}/{x}/{y}.png from an MBTiles file (docs/api.md). */
  if (tiles != NULL)
    {
      tile_store = anbu_tile_store_new (tiles, &error);
      if (tile_store == NULL)
        return command_failed (error);
      anbu_tile_store_attach (tile_store, server);
    }
  /* The same routes from a tile server, cached on disk (docs/map.md). */
  if (tiles_upstream != NULL)
    {
      g_autofree char *cache_dir = tiles_cache_dir != NULL
        ? g_strdup (tiles_cache_dir)
        : g_build_filename (g_get_user_cache_dir (), "anbu-server", "tiles", NULL);

      tile_proxy = anbu_tile_proxy_new (tiles_upstream, tiles_attribution, cache_dir,
                                        (guint64) tiles_cache_limit * 1024 * 1024,
                                        (guint) tiles_upstream_timeout, &error);
      if (tile_proxy == NULL)
        return command_failed (error);
      anbu_tile_proxy_attach (tile_proxy, server);
    }

  /* Handlers before the URL: whoever read it may stop the server at once, and
   * SIGTERM without them kills it uncleanly (exit 143). */
  loop = g_main_loop_new (NULL, FALSE);
  shutdown.loop = loop;
  shutdown.server = server;
  sigint_id = g_unix_signal_add (SIGINT, on_signal, &shutdown);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, &shutdown);

  /* The first line of standard output is the URL (tests read it). */
  url = anbu_http_server_dup_url (server);
  g_print ("%s\n", url);
  fflush (stdout);

  trim_id = g_timeout_add_seconds (TRIM_INTERVAL_SECONDS, on_trim_memory, NULL);
  g_main_loop_run (loop);
  g_source_remove (trim_id);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_clear_handle_id (&shutdown.drain_id, g_source_remove);

  g_clear_object (&ingest);
  g_clear_object (&tile_store);
  g_clear_object (&tile_proxy);
  g_clear_object (&server);
  g_clear_object (&store);
  g_message ("Stopped");
  return 0;
}

/* Administration from the command line is in the access log like the
 * HTTP routes: who (the system account, as user "cli"), and what was done
 * to whom in the route ("user disable kim.planner"). A failure to log is
 * reported but does not undo what was done. */
#define CLI_ACTOR_ID "cli"

static void
log_cli_action (AnbuStore  *store,
                const char *what)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *username = g_strconcat ("cli:", g_get_user_name (), NULL);
  AnbuAccessEntry entry = { 0 };

  entry.user_id = (char *) CLI_ACTOR_ID;
  entry.username = username;
  entry.address = (char *) "localhost";
  entry.method = (char *) "CLI";
  entry.route = (char *) what;
  entry.action = ANBU_ACCESS_WRITE;
  if (!anbu_store_log_access (store, &entry, NULL, &error))
    g_printerr ("anbu-server: cannot write the access log: %s\n", error->message);
}

/* user add / user disable / password reset */

static int
run_user_add (int    argc,
              char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *username = NULL;
  g_autofree char *role_text = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *dong_codes = NULL;
  g_autofree char *password_file = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, NULL, NULL },
    { "username", 0, 0, G_OPTION_ARG_STRING, &username, NULL, NULL },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_text, NULL, NULL },
    { "display-name", 0, 0, G_OPTION_ARG_STRING, &display_name, NULL, NULL },
    { "dong-codes", 0, 0, G_OPTION_ARG_STRING, &dong_codes, NULL, NULL },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStore) store = NULL;
  g_autoptr(char) password = NULL;
  g_autofree char *id = NULL;
  g_auto(GStrv) codes = NULL;
  AnbuStoreUser user = { 0 };
  AnbuUserRole role;

  if (!parse_options (entries, &argc, &argv, &error))
    return usage_error (error->message);
  if (username == NULL || role_text == NULL)
    return usage_error ("--username and --role are required");
  if (!anbu_validate_username ("username", username, &error))
    return usage_error (error->message);
  if (!anbu_user_role_from_string (role_text, &role))
    return usage_error ("--role must be planner, control or admin");
  codes = dong_codes != NULL ? g_strsplit (dong_codes, ",", -1) : g_new0 (char *, 1);
  for (guint i = 0; codes[i] != NULL; i++)
    {
      g_strstrip (codes[i]);
      if (!anbu_validate_dong_code ("dong-codes", codes[i], &error))
        return usage_error (error->message);
    }
  if (role == ANBU_USER_ROLE_PLANNER && codes[0] == NULL)
    return usage_error ("A planner needs --dong-codes (the 10-digit codes of their 동)");
  if (display_name != NULL
      && !anbu_validate_text ("display-name", display_name, -1, ANBU_NAME_MAX_CHARS,
                              ANBU_TEXT_NON_EMPTY, NULL, &error))
    return usage_error (error->message);

  if (!anbu_auth_init (&error)
      || (password = read_password (password_file, &error)) == NULL
      || (user.password_hash = anbu_password_hash (password, &error)) == NULL)
    return command_failed (error);
  store = open_store (db);
  if (store == NULL)
    {
      g_free (user.password_hash);
      return 1;
    }

  id = g_uuid_string_random ();
  user.id = id;
  user.username = username;
  user.display_name = display_name != NULL ? display_name : username;
  user.role = role;
  user.dong_codes = codes;
  if (!anbu_store_add_user (store, &user, &error))
    {
      g_free (user.password_hash);
      if (g_error_matches (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_EXISTS))
        g_printerr (_("anbu-server: the user %s already exists\n"), username);
      else
        g_printerr ("anbu-server: %s\n", error->message);
      return 1;
    }
  g_free (user.password_hash);
  {
    g_autofree char *what = g_strdup_printf ("user add %s", username);

    log_cli_action (store, what);
  }
  g_print ("%s\n", id);
  return 0;
}

/* The households that disabling `username` would leave without any active
 * planner (checked inside the transaction that disables them). */
static guint
count_orphaned_by (AnbuStore   *store,
                   const char  *username,
                   GError     **error)
{
  g_autoptr(GPtrArray) orphans = anbu_store_list_orphan_households (store, error);
  guint count = 0;

  if (orphans == NULL)
    return G_MAXUINT;
  for (guint i = 0; i < orphans->len; i++)
    {
      AnbuOrphanHousehold *orphan = g_ptr_array_index (orphans, i);
      g_auto(GStrv) names = orphan->planners != NULL ? g_strsplit (orphan->planners, ",", -1) : NULL;

      if (names != NULL && g_strv_contains ((const char * const *) names, username))
        count++;
    }
  return count;
}

static int
run_user_disable (int    argc,
                  char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *username = NULL;
  gboolean force = FALSE;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, NULL, NULL },
    { "username", 0, 0, G_OPTION_ARG_STRING, &username, NULL, NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStore) store = NULL;
  g_autoptr(AnbuStoreUser) user = NULL;
  guint orphaned = 0;

  if (!parse_options (entries, &argc, &argv, &error))
    return usage_error (error->message);
  if (username == NULL)
    return usage_error ("--username is required");
  store = open_store (db);
  if (store == NULL)
    return 1;
  /* Disabling also ends every session the user has open. */
  if ((user = anbu_store_find_user (store, username, NULL, &error)) == NULL
      || !anbu_store_begin (store, &error)
      || !anbu_store_set_user_disabled (store, user->id, TRUE, &error)
      || (!force && user->role == ANBU_USER_ROLE_PLANNER
          && (orphaned = count_orphaned_by (store, user->username, &error)) == G_MAXUINT)
      || !anbu_store_revoke_sessions (store, NULL, user->id, anbu_clock_now_seconds (), &error))
    {
      anbu_store_rollback (store);
      g_printerr ("anbu-server: %s: %s\n", username, error->message);
      return 1;
    }
  /* No household may be left without a planner who can answer for it. */
  if (orphaned > 0)
    {
      anbu_store_rollback (store);
      g_printerr ("anbu-server: %s: ", username);
      g_printerr (g_dngettext (GETTEXT_PACKAGE,
                               "%u household would have no active planner; move the caseload first "
                               "(anbu-server caseload move) or give --force\n",
                               "%u households would have no active planner; move the caseload first "
                               "(anbu-server caseload move) or give --force\n", orphaned), orphaned);
      return 1;
    }
  if (!anbu_store_commit (store, &error))
    {
      g_printerr ("anbu-server: %s: %s\n", username, error->message);
      return 1;
    }
  {
    g_autofree char *what = g_strdup_printf ("user disable %s", username);

    log_cli_action (store, what);
  }
  return 0;
}

static int
run_password_reset (int    argc,
                    char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *username = NULL;
  g_autofree char *password_file = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, NULL, NULL },
    { "username", 0, 0, G_OPTION_ARG_STRING, &username, NULL, NULL },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStore) store = NULL;
  g_autoptr(AnbuStoreUser) user = NULL;
  g_autoptr(char) password = NULL;
  g_autoptr(char) hash = NULL;

  if (!parse_options (entries, &argc, &argv, &error))
    return usage_error (error->message);
  if (username == NULL)
    return usage_error ("--username is required");
  store = open_store (db);
  if (store == NULL)
    return 1;
  if ((user = anbu_store_find_user (store, username, NULL, &error)) == NULL)
    {
      g_printerr ("anbu-server: %s: %s\n", username, error->message);
      return 1;
    }
  /* A new password ends the sessions opened with the old one. */
  if (!anbu_auth_init (&error)
      || (password = read_password (password_file, &error)) == NULL
      || (hash = anbu_password_hash (password, &error)) == NULL
      || !anbu_store_begin (store, &error)
      || !anbu_store_set_user_password (store, user->id, hash, &error)
      || !anbu_store_revoke_sessions (store, NULL, user->id, anbu_clock_now_seconds (), &error)
      || !anbu_store_commit (store, &error))
    {
      anbu_store_rollback (store);
      g_printerr ("anbu-server: %s\n", error->message);
      return 1;
    }
  {
    g_autofree char *what = g_strdup_printf ("password reset %s", username);

    log_cli_action (store, what);
  }
  return 0;
}

/* import households */

static int
run_import (int    argc,
            char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *csv = NULL;
  gboolean valid_only = FALSE;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, NULL, NULL },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, NULL, NULL },
    { "valid-only", 0, 0, G_OPTION_ARG_NONE, &valid_only, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStore) store = NULL;
  g_autoptr(AnbuCsvImportReport) report = NULL;
  g_autofree char *text = NULL;
  gsize length;

  if (!parse_options (entries, &argc, &argv, &error))
    return usage_error (error->message);
  if (csv == NULL)
    return usage_error ("--csv FILE is required");
  if (!g_file_get_contents (csv, &text, &length, &error))
    return command_failed (error);
  store = open_store (db);
  if (store == NULL)
    return 1;

  report = anbu_csv_import_households (store, text, length, valid_only, &error);
  if (report == NULL)
    {
      g_printerr ("anbu-server: %s: %s\n", csv, error->message);
      return 1;
    }
  {
    g_autofree char *what = g_strdup_printf ("import households %s: %u imported, %u rejected", csv,
                                             report->imported, report->rejected->len);

    log_cli_action (store, what);
  }
  for (guint i = 0; i < report->rejected->len; i++)
    {
      AnbuCsvRejectedRow *row = g_ptr_array_index (report->rejected, i);

      g_printerr (_("%s:%u: rejected (%s): %s\n"), csv, row->line,
                  row->field != NULL ? row->field : "-", row->reason);
    }
  if (report->imported > 0 || report->rejected->len == 0)
    g_print (_("Imported %u households.\n"), report->imported);
  else
    g_print (_("Imported nothing: %u rows were rejected (use --valid-only to import the others).\n"),
             report->rejected->len);
  return report->rejected->len == 0 ? 0 : 1;
}

/* access-log */

static int
run_access_log (int    argc,
                char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *household = NULL;
  g_autofree char *username = NULL;
  gboolean cli = FALSE;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, NULL, NULL },
    { "household", 0, 0, G_OPTION_ARG_STRING, &household, NULL, NULL },
    { "user", 0, 0, G_OPTION_ARG_STRING, &username, NULL, NULL },
    { "cli", 0, 0, G_OPTION_ARG_NONE, &cli, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStore) store = NULL;
  g_autoptr(AnbuStoreUser) user = NULL;
  g_autoptr(GPtrArray) entries_found = NULL;

  if (!parse_options (entries, &argc, &argv, &error))
    return usage_error (error->message);
  if ((household != NULL) + (username != NULL) + (cli != FALSE) != 1)
    return usage_error ("Give one of --household ID, --user NAME or --cli");
  store = open_store (db);
  if (store == NULL)
    return 1;
  if (username != NULL && (user = anbu_store_find_user (store, username, NULL, &error)) == NULL)
    {
      g_printerr ("anbu-server: %s: %s\n", username, error->message);
      return 1;
    }
  entries_found = anbu_store_list_access (store, household,
                                          cli ? CLI_ACTOR_ID : user ? user->id : NULL, &error);
  if (entries_found == NULL)
    return command_failed (error);
  /* One line per entry, tab-separated: when, who, from where, how, which
   * household, read or write. */
  for (guint i = 0; i < entries_found->len; i++)
    {
      AnbuAccessEntry *entry = g_ptr_array_index (entries_found, i);

      g_print ("%s\t%s\t%s\t%s %s\t%s\t%s\n", entry->at, entry->username, entry->address,
               entry->method, entry->route, entry->household_id ? entry->household_id : "-",
               entry->action == ANBU_ACCESS_WRITE ? "write" : "read");
    }
  return 0;
}

/* backup */

static int
run_backup (int    argc,
            char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *to = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, NULL, NULL },
    { "to", 0, 0, G_OPTION_ARG_FILENAME, &to, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  gint64 size;

  if (!parse_options (entries, &argc, &argv, &error))
    return usage_error (error->message);
  if (db == NULL || to == NULL)
    return usage_error ("--db FILE and --to FILE are required");
  size = anbu_backup_database (db, to, &error);
  if (size < 0)
    {
      g_printerr (_("anbu-server: backup failed: %s\n"), error->message);
      return 1;
    }
  {
    g_autofree char *size_text = g_format_size ((guint64) size);

    g_print (_("Backed up %s to %s (%s).\n"), db, to, size_text);
  }
  return 0;
}

/* caseload move / moves / orphans (docs/server.md, "Caseload moves") */

static int
run_caseload_move (int    argc,
                   char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *dong = NULL;
  g_autofree char *household = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *effective = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, NULL, NULL },
    { "dong", 0, 0, G_OPTION_ARG_STRING, &dong, NULL, NULL },
    { "household", 0, 0, G_OPTION_ARG_STRING, &household, NULL, NULL },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, NULL, NULL },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, NULL, NULL },
    { "effective", 0, 0, G_OPTION_ARG_STRING, &effective, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStore) store = NULL;
  g_autoptr(AnbuCaseloadMove) move = NULL;
  g_autofree char *household_id = NULL;
  g_autofree char *by = g_strconcat ("cli:", g_get_user_name (), NULL);
  g_autofree char *what = NULL;
  g_autofree char *when = NULL;
  gint64 effective_at = anbu_clock_now_usec ();
  gint64 seconds;

  if (!parse_options (entries, &argc, &argv, &error))
    return usage_error (error->message);
  if ((dong == NULL) == (household == NULL))
    return usage_error ("give either --dong CODE or --household ID");
  if (from == NULL || to == NULL)
    return usage_error ("--from and --to are required");
  if (effective != NULL)
    {
      if (!anbu_server_time_parse (effective, &seconds))
        return usage_error ("--effective is an ISO 8601 time with an offset");
      effective_at = seconds * G_USEC_PER_SEC;
    }
  if (household != NULL && !anbu_validate_uuid ("household", household, &household_id, &error))
    return command_failed (error);
  store = open_store (db);
  if (store == NULL)
    return 1;
  move = anbu_caseload_moves_request (store, dong, household_id, from, to, effective_at, by, &error);
  if (move == NULL)
    {
      const char *field = anbu_api_error_get_field (error);

      if (field != NULL)
        g_printerr ("anbu-server: %s: %s\n", field, error->message);
      else
        g_printerr ("anbu-server: %s\n", error->message);
      return 1;
    }
  what = g_strdup_printf ("caseload move %s from %s to %s", dong != NULL ? dong : household_id,
                          from, to);
  log_cli_action (store, what);
  when = anbu_server_time_format (move->effective_at / G_USEC_PER_SEC);
  if (move->applied_at != 0)
    g_print (_("Moved %s from %s to %s, effective %s\n"), dong != NULL ? dong : household_id,
             from, to, when);
  else
    g_print (_("Recorded: %s moves from %s to %s at %s\n"), dong != NULL ? dong : household_id,
             from, to, when);
  g_print ("%s\n", move->id);
  return 0;
}

static int
run_caseload_moves (int    argc,
                    char **argv)
{
  g_autoptr(GError) error = NULL;
  int status = 0;
  g_autoptr(AnbuStore) store = open_store_from_db_option (argc, argv, &status);
  g_autoptr(GPtrArray) moves = NULL;

  if (store == NULL)
    return status;
  moves = anbu_store_list_caseload_moves (store, FALSE, &error);
  if (moves == NULL)
    return command_failed (error);
  /* effective, what, from, to, by, recorded, applied (or "waiting") */
  for (guint i = 0; i < moves->len; i++)
    {
      AnbuCaseloadMove *move = g_ptr_array_index (moves, i);
      g_autoptr(JsonObject) object = anbu_caseload_move_to_json (store, move);

      g_print ("%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
               json_object_get_string_member (object, "effective_at"),
               move->dong_code != NULL ? move->dong_code : move->household_id,
               json_object_get_string_member (object, "from"),
               json_object_get_string_member (object, "to"),
               move->created_by,
               json_object_get_string_member (object, "created_at"),
               json_object_get_string_member_with_default (object, "applied_at", "waiting"));
    }
  return 0;
}

static int
run_caseload_orphans (int    argc,
                      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status = 0;
  g_autoptr(AnbuStore) store = open_store_from_db_option (argc, argv, &status);
  g_autoptr(GPtrArray) orphans = NULL;

  if (store == NULL)
    return status;
  orphans = anbu_store_list_orphan_households (store, &error);
  if (orphans == NULL)
    return command_failed (error);
  /* household, 동 code, 동 name, name, why */
  for (guint i = 0; i < orphans->len; i++)
    {
      AnbuOrphanHousehold *orphan = g_ptr_array_index (orphans, i);
      g_autofree char *why = orphan->planners != NULL
        ? g_strdup_printf (_("planner disabled: %s"), orphan->planners)
        : g_strdup (_("no planner for this 동"));

      g_print ("%s\t%s\t%s\t%s\t%s\n", orphan->household_id, orphan->dong_code,
               orphan->dong_name != NULL ? orphan->dong_name : "",
               orphan->name != NULL ? orphan->name : "", why);
    }
  if (orphans->len > 0)
    g_printerr (g_dngettext (GETTEXT_PACKAGE, "%u household has no active planner\n",
                             "%u households have no active planner\n", orphans->len), orphans->len);
  return 0;
}

/* migrate */

static int
run_migrate (int    argc,
             char **argv)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &from, NULL, NULL },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;

  if (!parse_options (entries, &argc, &argv, &error))
    return usage_error (error->message);
  if (from == NULL || to == NULL)
    return usage_error ("--from FILE and --to postgresql://… are required");
#ifdef HAVE_POSTGRESQL
  if (!anbu_migration_run (from, to, stdout, &error))
    {
      g_printerr (_("anbu-server: migrate failed: %s\n"), error->message);
      return 1;
    }
  g_printerr (_("Copied %s into PostgreSQL; every table verified.\n"), from);
  return 0;
#else
  g_printerr ("%s", _("anbu-server: this anbu-server was built without PostgreSQL "
                      "(meson -Dpostgresql=enabled, libpq), so it cannot migrate.\n"));
  return 1;
#endif
}

/* The --db value of a command line ("--db X" or "--db=X"), or NULL. */
static const char *
find_db_argument (int    argc,
                  char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--db") == 0 && i + 1 < argc)
        return argv[i + 1];
      if (g_str_has_prefix (argv[i], "--db="))
        return argv[i] + strlen ("--db=");
    }
  return NULL;
}

/* Why a command does not run on PostgreSQL (docs/server.md, "PostgreSQL:
 * everything, and several instances on one database"): said plainly. */
static const char *const backup_needs_sqlite =
  N_("anbu-server: backup copies a SQLite database. Back up PostgreSQL with its own tools "
     "(pg_dump, or continuous archiving).\n");

/* The commands, by their one or two words (docs/server.md). `needs_sqlite`:
 * what to say when --db names a PostgreSQL database. */
static const struct
{
  const char *words[2];
  int       (*run) (int argc, char **argv);
  const char *const *needs_sqlite;
} commands[] = {
  { { "serve", NULL }, run_serve },
  { { "backup", NULL }, run_backup, &backup_needs_sqlite },
  { { "access-log", NULL }, run_access_log },
  { { "gateway", "add" }, anbu_ingest_cli_gateway_add },
  { { "user", "add" }, run_user_add },
  { { "user", "disable" }, run_user_disable },
  { { "password", "reset" }, run_password_reset },
  { { "import", "households" }, run_import },
  { { "caseload", "move" }, run_caseload_move },
  { { "caseload", "moves" }, run_caseload_moves },
  { { "caseload", "orphans" }, run_caseload_orphans },
  { { "migrate", NULL }, run_migrate },
};

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  /* ANBU_UNINSTALLED: translations from the build tree (tests). */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("ANBU_UNINSTALLED") != NULL ? BUILD_LOCALEDIR
                                                                         : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  if (argc < 2)
    return usage_error (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const char *second = commands[i].words[1];
      int words = second != NULL ? 2 : 1;

      if (argc > words && strcmp (argv[1], commands[i].words[0]) == 0
          && (second == NULL || strcmp (argv[2], second) == 0))
        {
          if (commands[i].needs_sqlite != NULL
              && anbu_store_location_is_postgresql (find_db_argument (argc, argv)))
            {
              g_printerr ("%s", _(*commands[i].needs_sqlite));
              return 1;
            }
          return commands[i].run (argc - words, argv + words);
        }
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "help") == 0)
    {
      g_print ("%s", usage_text);
      return 0;
    }
  return usage_error ("Unknown command");
}
