/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "anbu-test-server.h"

#define PASSWORD "correct horse battery"
#define DONG "1111051500"

static AnbuTestServer *server;

static char *
sign_in_body (const char *username,
              const char *password)
{
  return g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}", username, password);
}

static guint
sync_status (AnbuTestServer *on,
             const char     *token)
{
  g_autoptr(AnbuTestResponse) response = anbu_test_request (on, "GET", "/api/v1/sync", token, NULL);

  return response->status;
}

static void
test_healthz (void)
{
  g_autoptr(AnbuTestResponse) response = anbu_test_request (server, "GET", "/healthz", NULL, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (anbu_test_response_object (response), "status"), ==, "ok");
}

static void
test_sign_in_good (void)
{
  g_autofree char *id = anbu_test_server_add_user (server, "kim.planner", "planner", DONG, PASSWORD);
  g_autofree char *body = sign_in_body ("kim.planner", PASSWORD);
  g_autoptr(AnbuTestResponse) response = anbu_test_request (server, "POST", "/api/v1/session", NULL, body);
  JsonObject *object, *user;
  const char *token;

  g_assert_cmpuint (response->status, ==, 200);
  object = anbu_test_response_object (response);
  token = json_object_get_string_member (object, "token");
  g_assert_nonnull (token);
  g_assert_cmpuint (strlen (token), >=, 40);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (object, "expires_at"), "Z"));
  user = json_object_get_object_member (object, "user");
  g_assert_cmpstr (json_object_get_string_member (user, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (user, "username"), ==, "kim.planner");
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "planner");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (user, "dong_codes"), 0), ==, DONG);

  /* The token opens the other routes. */
  g_assert_cmpuint (sync_status (server, token), ==, 200);
}

static void
test_sign_in_wrong_password_and_unknown_user_look_alike (void)
{
  g_autofree char *id = anbu_test_server_add_user (server, "lee.planner", "planner", DONG, PASSWORD);
  g_autofree char *wrong = sign_in_body ("lee.planner", "not the password");
  g_autofree char *unknown = sign_in_body ("nobody.here", PASSWORD);
  g_autoptr(AnbuTestResponse) a = anbu_test_request (server, "POST", "/api/v1/session", NULL, wrong);
  g_autoptr(AnbuTestResponse) b = anbu_test_request (server, "POST", "/api/v1/session", NULL, unknown);

  g_assert_cmpuint (a->status, ==, 401);
  g_assert_cmpuint (b->status, ==, 401);
  g_assert_cmpstr (anbu_test_response_error_code (a), ==, "unauthorized");
  g_assert_true (g_bytes_equal (a->raw, b->raw));
}

static void
test_sign_in_throttled (void)
{
  g_autofree char *id = anbu_test_server_add_user (server, "park.planner", "planner", DONG, PASSWORD);
  g_autofree char *wrong = sign_in_body ("park.planner", "guess guess");
  g_autofree char *right = sign_in_body ("park.planner", PASSWORD);
  g_autoptr(AnbuTestResponse) throttled = NULL;
  const char *retry_after;

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(AnbuTestResponse) response = anbu_test_request (server, "POST", "/api/v1/session", NULL, wrong);

      g_assert_cmpuint (response->status, ==, 401);
    }
  /* Locked now: even the right password waits. */
  throttled = anbu_test_request (server, "POST", "/api/v1/session", NULL, right);
  g_assert_cmpuint (throttled->status, ==, 429);
  g_assert_cmpstr (anbu_test_response_error_code (throttled), ==, "throttled");
  retry_after = soup_message_headers_get_one (throttled->headers, "Retry-After");
  g_assert_nonnull (retry_after);
  g_assert_cmpint (atoi (retry_after), >, 0);
  g_assert_cmpint (atoi (retry_after), <=, 60);
}

static void
test_sign_in_throttled_by_address (void)
{
  /* Its own server: the lock covers every sign-in from 127.0.0.1. */
  AnbuTestServer *fresh = anbu_test_server_new (NULL);
  g_autofree char *id = anbu_test_server_add_user (fresh, "seo.planner", "planner", DONG, PASSWORD);
  g_autofree char *right = sign_in_body ("seo.planner", PASSWORD);
  g_autoptr(AnbuTestResponse) throttled = NULL;

  /* Someone tries many usernames, a few times each: no username reaches
   * its own limit, the address does. Naming another address in
   * X-Forwarded-For each time helps nothing: 127.0.0.1 is no trusted proxy. */
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *name = g_strdup_printf ("guess%u", i / 3);
      g_autofree char *body = sign_in_body (name, "guess guess");
      g_autofree char *spoofed = g_strdup_printf ("192.0.2.%u", i + 1);
      g_autoptr(AnbuTestResponse) response = NULL;

      fresh->forwarded_for = spoofed;
      response = anbu_test_request (fresh, "POST", "/api/v1/session", NULL, body);
      fresh->forwarded_for = NULL;
      g_assert_cmpuint (response->status, ==, 401);
    }
  throttled = anbu_test_request (fresh, "POST", "/api/v1/session", NULL, right);
  g_assert_cmpuint (throttled->status, ==, 429);
  g_assert_nonnull (soup_message_headers_get_one (throttled->headers, "Retry-After"));
  anbu_test_server_free (fresh);
}

/* Behind the city's reverse proxy (--trusted-proxy) every request comes
 * from the proxy: the address a guesser is locked out by is the one the
 * proxy forwarded for, so one guesser does not lock out the whole city,
 * and the access log names the staff member's own address. */
static void
test_sign_in_throttled_behind_proxy (void)
{
  const char * const args[] = { "--trusted-proxy", "127.0.0.1", NULL };
  AnbuTestServer *fresh = anbu_test_server_new (args);
  g_autofree char *id = anbu_test_server_add_user (fresh, "seo.planner", "planner", DONG, PASSWORD);
  g_autofree char *right = sign_in_body ("seo.planner", PASSWORD);
  g_autofree char *out = NULL;
  g_autoptr(AnbuTestResponse) throttled = NULL;
  g_autofree char *admin_id = anbu_test_server_add_user (fresh, "oh.admin", "admin", NULL, PASSWORD);
  g_autofree char *admin = NULL;
  g_autoptr(AnbuTestResponse) elsewhere = NULL;
  g_autoptr(AnbuTestResponse) added = NULL;

  fresh->forwarded_for = "203.0.113.5, 127.0.0.1";
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *name = g_strdup_printf ("guess%u", i / 3);
      g_autofree char *body = sign_in_body (name, "guess guess");
      g_autoptr(AnbuTestResponse) response = anbu_test_request (fresh, "POST", "/api/v1/session",
                                                                NULL, body);

      g_assert_cmpuint (response->status, ==, 401);
    }
  throttled = anbu_test_request (fresh, "POST", "/api/v1/session", NULL, right);
  g_assert_cmpuint (throttled->status, ==, 429);

  /* The planner at another address signs in. */
  fresh->forwarded_for = "198.51.100.7";
  elsewhere = anbu_test_request (fresh, "POST", "/api/v1/session", NULL, right);
  g_assert_cmpuint (elsewhere->status, ==, 200);

  /* An administrator there adds a user: logged at that address. */
  admin = anbu_test_server_sign_in (fresh, "oh.admin", PASSWORD);
  added = anbu_test_request (fresh, "POST", "/api/v1/admin/users", admin,
                             "{\"username\": \"new.planner\", \"password\": \"" PASSWORD "\","
                             " \"role\": \"planner\", \"dong_codes\": [\"" DONG "\"]}");
  g_assert_cmpuint (added->status, ==, 201);
  fresh->forwarded_for = NULL;
  g_assert_cmpint (anbu_test_server_cli (fresh, NULL, &out, NULL, "access-log", "--user", "oh.admin",
                                         NULL), ==, 0);
  g_assert_nonnull (strstr (out, "198.51.100.7"));
  g_assert_null (strstr (out, "127.0.0.1"));
  anbu_test_server_free (fresh);
}

/* The same with the standard Forwarded header (RFC 7239). A Forwarded value
 * that names no address, or one that X-Forwarded-For contradicts, counts as
 * the proxy itself, so garbage or a second header escapes nothing either. */
static void
test_sign_in_throttled_behind_proxy_forwarded (void)
{
  const char * const args[] = { "--trusted-proxy", "127.0.0.1", NULL };
  AnbuTestServer *fresh = anbu_test_server_new (args);
  g_autofree char *id = anbu_test_server_add_user (fresh, "seo.planner", "planner", DONG, PASSWORD);
  g_autofree char *right = sign_in_body ("seo.planner", PASSWORD);
  g_autofree char *out = NULL;
  g_autoptr(AnbuTestResponse) throttled = NULL;
  g_autoptr(AnbuTestResponse) still_throttled = NULL;
  g_autofree char *admin_id = anbu_test_server_add_user (fresh, "oh.admin", "admin", NULL, PASSWORD);
  g_autofree char *admin = NULL;
  g_autoptr(AnbuTestResponse) elsewhere = NULL;
  g_autoptr(AnbuTestResponse) added = NULL;
  g_autoptr(AnbuTestResponse) spoofed = NULL;

  /* One guesser at an IPv6 address, from another port each time. */
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *name = g_strdup_printf ("guess%u", i / 3);
      g_autofree char *body = sign_in_body (name, "guess guess");
      g_autofree char *value = g_strdup_printf ("for=\"[2001:db8::5]:%u\";proto=https, For=127.0.0.1",
                                                4711 + i);
      g_autoptr(AnbuTestResponse) response = NULL;

      fresh->forwarded = value;
      response = anbu_test_request (fresh, "POST", "/api/v1/session", NULL, body);
      fresh->forwarded = NULL;
      g_assert_cmpuint (response->status, ==, 401);
    }
  fresh->forwarded = "for=\"[2001:db8::5]:4711\";proto=https, For=127.0.0.1";
  throttled = anbu_test_request (fresh, "POST", "/api/v1/session", NULL, right);
  g_assert_cmpuint (throttled->status, ==, 429);

  /* The planner at another address (IPv4 with a port) signs in. */
  fresh->forwarded = "for=\"198.51.100.7:50123\"";
  elsewhere = anbu_test_request (fresh, "POST", "/api/v1/session", NULL, right);
  g_assert_cmpuint (elsewhere->status, ==, 200);

  /* An administrator behind two headers that agree adds a user: logged at
   * its address. */
  fresh->forwarded = "for=198.51.100.8";
  fresh->forwarded_for = "203.0.113.99, 198.51.100.8";
  admin = anbu_test_server_sign_in (fresh, "oh.admin", PASSWORD);
  added = anbu_test_request (fresh, "POST", "/api/v1/admin/users", admin,
                             "{\"username\": \"new.planner\", \"password\": \"" PASSWORD "\","
                             " \"role\": \"planner\", \"dong_codes\": [\"" DONG "\"]}");
  g_assert_cmpuint (added->status, ==, 201);
  fresh->forwarded_for = NULL;

  /* Someone writes malformed or unknown values, or a Forwarded header that
   * the X-Forwarded-For contradicts, another one each time: every attempt
   * counts against the proxy's own address, so the address is locked all
   * the same. */
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *name = g_strdup_printf ("spoof%u", i / 3);
      g_autofree char *body = sign_in_body (name, "guess guess");
      g_autofree char *value = NULL;
      g_autofree char *other = NULL;
      g_autoptr(AnbuTestResponse) response = NULL;

      switch (i % 4)
        {
        case 3:
          value = g_strdup_printf ("for=192.0.2.%u", i + 1);
          other = g_strdup_printf ("198.51.100.%u", i + 100);
          break;
        case 0:
          value = g_strdup_printf ("for=\"192.0.2.%u, for=127.0.0.1", i + 1);
          break;
        case 1:
          value = g_strdup_printf ("for=\"2001:db8::%u\"", i + 1);
          break;
        default:
          value = g_strdup_printf ("for=192.0.2.%u;for=_hidden%u", i + 1, i);
          break;
        }
      fresh->forwarded = value;
      fresh->forwarded_for = other;
      response = anbu_test_request (fresh, "POST", "/api/v1/session", NULL, body);
      fresh->forwarded = NULL;
      fresh->forwarded_for = NULL;
      g_assert_cmpuint (response->status, ==, 401);
    }
  fresh->forwarded = "for=\"198.51.100.9";
  spoofed = anbu_test_request (fresh, "POST", "/api/v1/session", NULL, right);
  g_assert_cmpuint (spoofed->status, ==, 429);
  fresh->forwarded = NULL;
  still_throttled = anbu_test_request (fresh, "POST", "/api/v1/session", NULL, right);
  g_assert_cmpuint (still_throttled->status, ==, 429);

  g_assert_cmpint (anbu_test_server_cli (fresh, NULL, &out, NULL, "access-log", "--user", "oh.admin",
                                         NULL), ==, 0);
  g_assert_nonnull (strstr (out, "198.51.100.8"));
  g_assert_null (strstr (out, "203.0.113.99"));
  g_assert_null (strstr (out, "127.0.0.1"));
  anbu_test_server_free (fresh);
}

static void
test_sign_out_revokes (void)
{
  g_autofree char *id = anbu_test_server_add_user (server, "choi.planner", "planner", DONG, PASSWORD);
  g_autofree char *token = anbu_test_server_sign_in (server, "choi.planner", PASSWORD);
  g_autofree char *other = anbu_test_server_sign_in (server, "choi.planner", PASSWORD);
  g_autoptr(AnbuTestResponse) out = NULL;

  out = anbu_test_request (server, "DELETE", "/api/v1/session", token, NULL);
  g_assert_cmpuint (out->status, ==, 204);
  g_assert_cmpuint (sync_status (server, token), ==, 401);
  /* Only that session ended. */
  g_assert_cmpuint (sync_status (server, other), ==, 200);
}

static void
test_missing_and_garbage_tokens (void)
{
  g_autoptr(AnbuTestResponse) none = anbu_test_request (server, "GET", "/api/v1/sync", NULL, NULL);
  g_autoptr(AnbuTestResponse) garbage = anbu_test_request (server, "GET", "/api/v1/sync",
                                                           "not-a-token-at-all", NULL);

  g_assert_cmpuint (none->status, ==, 401);
  g_assert_cmpstr (anbu_test_response_error_code (none), ==, "unauthorized");
  g_assert_cmpuint (garbage->status, ==, 401);
  g_assert_cmpuint (sync_status (server, "' OR 1=1 --"), ==, 401);
}

static void
test_disabled_user (void)
{
  g_autofree char *id = anbu_test_server_add_user (server, "jung.planner", "planner", DONG, PASSWORD);
  g_autofree char *token = anbu_test_server_sign_in (server, "jung.planner", PASSWORD);
  g_autofree char *body = sign_in_body ("jung.planner", PASSWORD);
  g_autoptr(AnbuTestResponse) again = NULL;

  g_assert_cmpint (anbu_test_server_cli (server, NULL, NULL, NULL, "user", "disable",
                                         "--username", "jung.planner", NULL), ==, 0);
  g_assert_cmpuint (sync_status (server, token), ==, 401);
  again = anbu_test_request (server, "POST", "/api/v1/session", NULL, body);
  g_assert_cmpuint (again->status, ==, 401);
}

static void
test_password_reset (void)
{
  g_autofree char *id = anbu_test_server_add_user (server, "han.planner", "planner", DONG, PASSWORD);
  g_autofree char *token = anbu_test_server_sign_in (server, "han.planner", PASSWORD);
  g_autofree char *file = g_build_filename (server->dir, "new-password", NULL);
  g_autofree char *old_body = sign_in_body ("han.planner", PASSWORD);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *fresh = NULL;
  g_autoptr(AnbuTestResponse) old_sign_in = NULL;

  g_assert_true (g_file_set_contents (file, "a brand new passphrase\n", -1, NULL));
  g_assert_cmpint (anbu_test_server_cli (server, NULL, &out, &err, "password", "reset",
                                         "--username", "han.planner", "--password-file", file, NULL), ==, 0);
  /* The password is never echoed. */
  g_assert_null (strstr (out, "brand new"));
  g_assert_null (strstr (err, "brand new"));
  g_unlink (file);

  g_assert_cmpuint (sync_status (server, token), ==, 401);
  old_sign_in = anbu_test_request (server, "POST", "/api/v1/session", NULL, old_body);
  g_assert_cmpuint (old_sign_in->status, ==, 401);
  fresh = anbu_test_server_sign_in (server, "han.planner", "a brand new passphrase");
  g_assert_cmpuint (sync_status (server, fresh), ==, 200);
}

static guint
tick_status (AnbuTestServer *manual,
             const char     *admin_token,
             const char     *now)
{
  g_autofree char *body = g_strdup_printf ("{\"now\": \"%s\"}", now);
  g_autoptr(AnbuTestResponse) response = anbu_test_request (manual, "POST", "/api/v1/admin/tick",
                                                            admin_token, body);

  return response->status;
}

/* Token lifetimes run on the server's manual clock, so how long the
 * sign-in takes on a loaded machine does not matter: a token of 60 s works
 * at 59 s and is refused at 60 s. */
static void
test_expired_token (void)
{
  const char * const args[] = { "--token-lifetime", "60",
                                "--manual-clock", "2026-11-25T05:00:00Z", NULL };
  AnbuTestServer *manual = anbu_test_server_new (args);
  g_autofree char *id = anbu_test_server_add_user (manual, "yoon.planner", "planner", DONG, PASSWORD);
  g_autofree char *admin_id = anbu_test_server_add_user (manual, "clock.admin", "admin", NULL,
                                                         PASSWORD);
  g_autofree char *token = anbu_test_server_sign_in (manual, "yoon.planner", PASSWORD);
  g_autofree char *admin = anbu_test_server_sign_in (manual, "clock.admin", PASSWORD);

  g_assert_cmpuint (sync_status (manual, token), ==, 200);
  g_assert_cmpuint (tick_status (manual, admin, "2026-11-25T05:00:59Z"), ==, 200);
  g_assert_cmpuint (sync_status (manual, token), ==, 200);
  /* The admin's token lapses at the same moment: move the clock with a
   * fresh one. */
  g_assert_cmpuint (tick_status (manual, admin, "2026-11-25T05:01:00Z"), ==, 200);
  g_assert_cmpuint (sync_status (manual, token), ==, 401);
  g_assert_cmpuint (sync_status (manual, admin), ==, 401);
  anbu_test_server_free (manual);
}

static void
test_unknown_route_and_wrong_method (void)
{
  g_autoptr(AnbuTestResponse) missing = anbu_test_request (server, "GET", "/api/v1/nothing", NULL, NULL);
  g_autoptr(AnbuTestResponse) wrong = anbu_test_request (server, "PUT", "/api/v1/sync", NULL, "{}");
  g_autoptr(AnbuTestResponse) get_session = anbu_test_request (server, "GET", "/api/v1/session", NULL, NULL);

  g_assert_cmpuint (missing->status, ==, 404);
  g_assert_cmpstr (anbu_test_response_error_code (missing), ==, "not_found");
  g_assert_cmpuint (wrong->status, ==, 405);
  g_assert_cmpstr (anbu_test_response_error_code (wrong), ==, "method_not_allowed");
  g_assert_cmpstr (soup_message_headers_get_one (wrong->headers, "Allow"), ==, "GET");
  g_assert_cmpuint (get_session->status, ==, 405);
  g_assert_cmpstr (soup_message_headers_get_one (get_session->headers, "Allow"), ==, "POST, DELETE");
}

/* One router answers every module's routes: 405 with the methods the
 * route takes, 404 past a route's pattern, and each answer counted in
 * /metrics under its route's pattern. */
static void
test_one_router (void)
{
  static const struct
  {
    const char *method;
    const char *path;
    guint       status;
    const char *allow;
    const char *label;
  } cases[] = {
    { "PUT", "/api/v1/telemetry", 405, "POST", "/api/v1/telemetry" },
    { "POST", "/api/v1/stats", 405, "GET", "/api/v1/stats" },
    { "GET", "/api/v1/admin/users", 405, "POST", "/api/v1/admin/users" },
    { "DELETE", "/api/v1/admin/caseload/moves", 405, "GET, POST", "/api/v1/admin/caseload/moves" },
    { "POST", "/api/v1/admin/caseload/orphans", 405, "GET", "/api/v1/admin/caseload/orphans" },
    { "PUT", "/api/v1/households/h-1/series", 405, "GET", "/api/v1/households/{id}/series" },
    { "GET", "/api/v1/households/h-1/series/more", 404, NULL, "unmatched" },
    { "GET", "/api/v1/households//series", 404, NULL, "unmatched" },
    { "GET", "/api/v1/admin/caseload", 404, NULL, "unmatched" },
  };
  g_autoptr(AnbuTestResponse) metrics = NULL;
  g_autofree char *text = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(AnbuTestResponse) response = anbu_test_request (server, cases[i].method,
                                                                cases[i].path, NULL, NULL);

      g_test_message ("%s %s", cases[i].method, cases[i].path);
      g_assert_cmpuint (response->status, ==, cases[i].status);
      g_assert_cmpstr (anbu_test_response_error_code (response), ==,
                       cases[i].status == 405 ? "method_not_allowed" : "not_found");
      g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Allow"), ==,
                       cases[i].allow);
    }

  metrics = anbu_test_request (server, "GET", "/metrics", NULL, NULL);
  text = g_strndup (g_bytes_get_data (metrics->raw, NULL), g_bytes_get_size (metrics->raw));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *line = g_strdup_printf ("anbu_http_requests_total{route=\"%s\",status=\"%u\"}",
                                               cases[i].label, cases[i].status);

      g_test_message ("%s", line);
      g_assert_nonnull (strstr (text, line));
    }
}

static void
test_metrics (void)
{
  g_autoptr(AnbuTestResponse) health = anbu_test_request (server, "GET", "/healthz", NULL, NULL);
  g_autoptr(AnbuTestResponse) missing = anbu_test_request (server, "GET", "/nowhere", NULL, NULL);
  g_autoptr(AnbuTestResponse) metrics = anbu_test_request (server, "GET", "/metrics", NULL, NULL);
  g_autofree char *text = NULL;

  g_assert_cmpuint (metrics->status, ==, 200);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (metrics->headers, NULL), "text/plain"));
  text = g_strndup (g_bytes_get_data (metrics->raw, NULL), g_bytes_get_size (metrics->raw));
  g_assert_nonnull (strstr (text, "# TYPE anbu_http_requests_total counter"));
  g_assert_nonnull (strstr (text, "anbu_http_requests_total{route=\"/healthz\",status=\"200\"}"));
  g_assert_nonnull (strstr (text, "anbu_http_requests_total{route=\"unmatched\",status=\"404\"}"));
  g_assert_nonnull (strstr (text, "anbu_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"}"));
  g_assert_nonnull (strstr (text, "anbu_sync_entries_served_total "));
  g_assert_nonnull (strstr (text, "# TYPE anbu_mutations_total counter"));
}

static void
test_tls (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("anbu-tls-XXXXXX", &error);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  const char *args[] = { "--tls-cert", cert, "--tls-key", key, NULL };
  AnbuTestServer *tls;
  g_autoptr(AnbuTestResponse) healthy = NULL;
  g_autoptr(AnbuTestResponse) refused = NULL;
  g_autofree char *id = NULL;
  g_autofree char *token = NULL;
  int status = -1;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed to make a test certificate");
      return;
    }
  {
    const char *argv[] = { openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                           "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                           "-keyout", key, "-out", cert, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                 NULL, NULL, NULL, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }

  tls = anbu_test_server_new (args);
  g_assert_true (g_str_has_prefix (tls->url, "https://127.0.0.1:"));

  /* An unknown certificate is refused by the client... */
  refused = NULL;
  {
    g_autofree char *url = g_strconcat (tls->url, "/healthz", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr(GBytes) bytes = soup_session_send_and_read (tls->session, msg, NULL, &error);

    g_assert_null (bytes);
    g_assert_nonnull (error);
    g_clear_error (&error);
  }
  /* ...the server's own one works, sign-in included. */
  tls->trusted = g_tls_certificate_new_from_file (cert, &error);
  g_assert_no_error (error);
  healthy = anbu_test_request (tls, "GET", "/healthz", NULL, NULL);
  g_assert_cmpuint (healthy->status, ==, 200);
  id = anbu_test_server_add_user (tls, "tls.planner", "planner", DONG, PASSWORD);
  token = anbu_test_server_sign_in (tls, "tls.planner", PASSWORD);
  g_assert_cmpuint (sync_status (tls, token), ==, 200);

  anbu_test_server_free (tls);
  g_unlink (cert);
  g_unlink (key);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/server/healthz", test_healthz);
  g_test_add_func ("/anbu/server/sign-in/good", test_sign_in_good);
  g_test_add_func ("/anbu/server/sign-in/wrong-password-or-user", test_sign_in_wrong_password_and_unknown_user_look_alike);
  g_test_add_func ("/anbu/server/sign-in/throttled", test_sign_in_throttled);
  g_test_add_func ("/anbu/server/sign-in/throttled-by-address", test_sign_in_throttled_by_address);
  g_test_add_func ("/anbu/server/sign-in/throttled-behind-proxy", test_sign_in_throttled_behind_proxy);
  g_test_add_func ("/anbu/server/sign-in/throttled-behind-proxy-forwarded",
                   test_sign_in_throttled_behind_proxy_forwarded);
  g_test_add_func ("/anbu/server/session/sign-out-revokes", test_sign_out_revokes);
  g_test_add_func ("/anbu/server/session/missing-or-garbage-token", test_missing_and_garbage_tokens);
  g_test_add_func ("/anbu/server/session/disabled-user", test_disabled_user);
  g_test_add_func ("/anbu/server/session/password-reset", test_password_reset);
  g_test_add_func ("/anbu/server/session/expired-token", test_expired_token);
  g_test_add_func ("/anbu/server/routes/unknown-and-wrong-method", test_unknown_route_and_wrong_method);
  g_test_add_func ("/anbu/server/metrics", test_metrics);
  g_test_add_func ("/anbu/server/one-router", test_one_router);
  g_test_add_func ("/anbu/server/tls", test_tls);

  server = anbu_test_server_new (NULL);
  status = g_test_run ();
  anbu_test_server_free (server);
  return status;
}
