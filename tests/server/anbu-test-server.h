/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Test helper: runs the real anbu-server binary (path in $ANBU_SERVER) on
 * 127.0.0.1 port 0 with a temporary database and talks to it with libsoup.
 * Client tests can copy the pattern: start, add users with the admin CLI,
 * sign in, request. */

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Longest a test waits for one step. run-tests --sanitize sets
 * ANBU_TEST_TIMEOUT_MULTIPLIER: under AddressSanitizer everything runs slower. */
#define ANBU_TEST_TIMEOUT_SECONDS (20 * anbu_test_timeout_multiplier ())

guint             anbu_test_timeout_multiplier  (void);

typedef struct
{
  char        *dir;       /* temporary directory, removed at the end */
  char        *db;        /* its --db: the file anbu.db in `dir`, or a postgresql:// URI */
  char        *url;       /* "http(s)://127.0.0.1:PORT" without a trailing slash */
  GSubprocess *process;
  SoupSession *session;
  GTlsCertificate *trusted;   /* for HTTPS: the server's self-signed certificate */
  const char  *forwarded_for; /* X-Forwarded-For of the requests, as a proxy sends it (NULL: none) */
  const char  *forwarded;     /* Forwarded (RFC 7239) of the requests (NULL: none) */
} AnbuTestServer;

typedef struct
{
  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *raw;
  JsonNode           *json;   /* NULL when the body is not JSON */
} AnbuTestResponse;

/* Whether the servers of this test program run on PostgreSQL
 * (ANBU_TEST_ENGINE=postgresql: the server suites' "-pg" runs). */
gboolean          anbu_test_server_on_postgresql (void);
/* Starts a server on a fresh database. `extra_args` (NULL-terminated, may be
 * NULL) go after "serve --db … --listen 127.0.0.1:0". */
AnbuTestServer   *anbu_test_server_new          (const char * const *extra_args);
/* Another instance on `other`'s database (on PostgreSQL only): instances
 * on one database act as one server. */
AnbuTestServer   *anbu_test_server_new_instance (AnbuTestServer     *other,
                                                 const char * const *extra_args);
/* Sends `signum` (none when 0) and waits for the process to exit; returns
 * its exit status (or 128 + signal when it died of one). Keeps the
 * directory. */
int               anbu_test_server_stop         (AnbuTestServer     *server,
                                                 int                 signum);
/* Starts the server again on the same database after a stop. */
void              anbu_test_server_restart      (AnbuTestServer     *server,
                                                 const char * const *extra_args);
/* Stops if running, removes the directory. */
void              anbu_test_server_free         (AnbuTestServer     *server);

/* Runs `anbu-server ARGS… --db DB` and returns its exit status; `input` is
 * written to its standard input; stdout/stderr are returned when asked. */
int               anbu_test_server_cli          (AnbuTestServer     *server,
                                                 const char         *input,
                                                 char              **out,
                                                 char              **err,
                                                 ...) G_GNUC_NULL_TERMINATED;

/* Alerts are raised by detection on the server, not pushed by apps: writes
 * `record` (an alert's JSON, open) into the server's database as detection
 * would, as the newest change, last changed at `updated_at` (ISO 8601). */
void              anbu_test_server_insert_alert (AnbuTestServer     *server,
                                                 const char         *id,
                                                 const char         *household_id,
                                                 const char         *record,
                                                 const char         *updated_at);

/* `user add` with the password on stdin; returns the new user's id. */
char             *anbu_test_server_add_user     (AnbuTestServer     *server,
                                                 const char         *username,
                                                 const char         *role,
                                                 const char         *dong_codes,
                                                 const char         *password);

/* Straight into the server's database, on either engine (SQL both
 * understand): whether `sql` ran, and the first value `sql` selects (NULL
 * when none). */
gboolean          anbu_test_server_try_sql      (AnbuTestServer     *server,
                                                 const char         *sql);
char             *anbu_test_server_query_value  (AnbuTestServer     *server,
                                                 const char         *sql);
/* POST /api/v1/session; returns the token (asserts success). */
char             *anbu_test_server_sign_in      (AnbuTestServer     *server,
                                                 const char         *username,
                                                 const char         *password);

/* One request; `body` is sent as application/json when not NULL. */
AnbuTestResponse *anbu_test_request             (AnbuTestServer     *server,
                                                 const char         *method,
                                                 const char         *path,
                                                 const char         *token,
                                                 const char         *body);
AnbuTestResponse *anbu_test_request_bytes       (AnbuTestServer     *server,
                                                 const char         *method,
                                                 const char         *path,
                                                 const char         *token,
                                                 GBytes             *body);
/* A request sent without waiting for its answer: other requests go on
 * meanwhile; _finish waits for the answer (bounded, as any request). */
typedef struct _AnbuTestPending AnbuTestPending;
AnbuTestPending  *anbu_test_request_start       (AnbuTestServer     *server,
                                                 const char         *method,
                                                 const char         *path,
                                                 const char         *token,
                                                 GBytes             *body);
gboolean          anbu_test_request_answered    (AnbuTestPending    *pending);
AnbuTestResponse *anbu_test_request_finish      (AnbuTestPending    *pending);
void              anbu_test_response_free       (AnbuTestResponse   *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuTestResponse, anbu_test_response_free)

/* The error object's members of an error answer. */
const char       *anbu_test_response_error_code  (AnbuTestResponse  *response);
const char       *anbu_test_response_error_field (AnbuTestResponse  *response);
const char       *anbu_test_response_error_message (AnbuTestResponse *response);
JsonObject       *anbu_test_response_object      (AnbuTestResponse  *response);

/* POST /api/v1/mutations with `entries` (the JSON text of the array);
 * asserts 200 and returns the "results" array (owned by the response). */
JsonArray        *anbu_test_push                (AnbuTestServer     *server,
                                                 const char         *token,
                                                 const char         *entries,
                                                 AnbuTestResponse  **response);

/* Pulls from `*cursor` (NULL or "" = everything) until has_more is false,
 * `limit` per page (0 = server default); returns all changes in order and
 * leaves the last cursor in `*cursor`. `pages` counts the requests. */
JsonArray        *anbu_test_pull                (AnbuTestServer     *server,
                                                 const char         *token,
                                                 char              **cursor,
                                                 guint               limit,
                                                 guint              *pages);

/* The first change of `kind` and `id` in `changes`, or NULL. */
JsonObject       *anbu_test_find_change         (JsonArray          *changes,
                                                 const char         *kind,
                                                 const char         *id);

/* Spins the default main context until *flag is TRUE; fails the test after
 * ANBU_TEST_TIMEOUT_SECONDS. */
void              anbu_test_wait_for            (gboolean           *flag);

G_END_DECLS
