/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-session"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <json-glib/json-glib.h>

#include "anbu-api-error.h"
#include "anbu-auth.h"
#include "anbu-clock.h"
#include "anbu-json-body.h"
#include "anbu-password-pool.h"
#include "anbu-server-time.h"
#include "anbu-session-routes.h"
#include "anbu-throttle.h"
#include "anbu-user.h"

#define USERNAME_MAX_BYTES 256

struct _AnbuSessionRoutes
{
  GObject         parent_instance;

  AnbuHttpServer *server;   /* not a reference: the server owns this object */
  AnbuStore      *store;
  AnbuThrottle   *user_throttle;
  AnbuThrottle   *address_throttle;
  gint64          token_lifetime;
  gsize           max_body;
};

G_DEFINE_FINAL_TYPE (AnbuSessionRoutes, anbu_session_routes, G_TYPE_OBJECT)

/* Sessions and sign-in throttling follow the process's clock: on a manual
 * clock (tests) token lifetimes do not depend on how loaded the machine is. */

/* Answers */

/* The user record of DESIGN.md §3, written by the core codec. */
static JsonNode *
user_to_json (const AnbuStoreUser *stored)
{
  g_autoptr(AnbuUser) user = anbu_user_new ();
  g_autoptr(JsonObject) object = NULL;

  user->id = g_strdup (stored->id);
  user->username = g_strdup (stored->username);
  user->display_name = g_strdup (stored->display_name);
  anbu_user_role_from_string (anbu_user_role_to_string (stored->role), &user->role);
  g_strfreev (user->dong_codes);
  user->dong_codes = g_strdupv (stored->dong_codes);
  object = anbu_user_to_json (user);
  return json_node_init_object (json_node_alloc (), object);
}

/* A sign-in waiting for its password check on a worker thread. */
typedef struct
{
  AnbuSessionRoutes *self;
  SoupServerMessage *msg;
  AnbuStoreUser     *user;       /* NULL for an unknown username */
  char              *password;
  char              *user_key;
  char              *address_key;
  char              *address;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_clear_object (&sign_in->self);
  g_clear_object (&sign_in->msg);
  g_clear_pointer (&sign_in->user, anbu_store_user_free);
  if (sign_in->password != NULL)
    memset (sign_in->password, 0, strlen (sign_in->password));
  g_free (sign_in->password);
  g_free (sign_in->user_key);
  g_free (sign_in->address_key);
  g_free (sign_in->address);
  g_free (sign_in);
}

static void
finish_sign_in (SignIn   *sign_in,
                gboolean  good)
{
  AnbuSessionRoutes *self = sign_in->self;
  SoupServerMessage *msg = sign_in->msg;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token_hash = NULL;
  g_autofree char *expires_text = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) answer = NULL;
  gint64 now = anbu_clock_now_seconds ();

  /* The attempt was counted as failed before the check (handle_sign_in). */
  if (!good || sign_in->user == NULL || sign_in->user->disabled)
    {
      anbu_json_respond_api_error (msg, ANBU_API_ERROR_UNAUTHORIZED, NULL,
                                   _("The username or password is wrong"));
      return;
    }
  anbu_throttle_succeeded (self->user_throttle, sign_in->user_key);
  anbu_throttle_forgive (self->address_throttle, sign_in->address_key);

  token = anbu_token_new ();
  token_hash = anbu_token_hash (token);
  if (!anbu_store_add_session (self->store, token_hash, sign_in->user->id, now,
                               now + self->token_lifetime, sign_in->address, &error))
    {
      anbu_json_respond_error (msg, error);
      return;
    }

  expires_text = anbu_server_time_format (now + self->token_lifetime);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, token);
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_string_value (builder, expires_text);
  json_builder_set_member_name (builder, "user");
  json_builder_add_value (builder, user_to_json (sign_in->user));
  json_builder_end_object (builder);
  answer = json_builder_get_root (builder);
  anbu_json_respond (msg, 200, json_to_string (answer, FALSE));
}

static void
on_password_verified (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  SignIn *sign_in = user_data;

  finish_sign_in (sign_in, anbu_password_pool_verify_finish (ANBU_PASSWORD_POOL (source), result));
  soup_server_message_unpause (sign_in->msg);
  sign_in_free (sign_in);
}

static void
handle_sign_in (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  AnbuSessionRoutes *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(AnbuStoreUser) user = NULL;
  AnbuPasswordPool *passwords;
  g_autofree char *user_key = NULL;
  g_autofree char *address_key = NULL;
  SignIn *sign_in;
  const char *username;
  const char *password;
  guint wait;

  root = anbu_json_body_parse (soup_server_message_get_request_body (msg), self->max_body, &error);
  if (root == NULL
      || (username = anbu_json_body_require_string (root, "username", USERNAME_MAX_BYTES,
                                                    &error)) == NULL
      || (password = anbu_json_body_require_string (root, "password", ANBU_PASSWORD_MAX_BYTES,
                                                    &error)) == NULL)
    {
      anbu_json_respond_error (msg, error);
      return;
    }

  user_key = g_strconcat ("user:", username, NULL);
  address_key = g_strconcat ("address:", anbu_http_client_address (msg), NULL);
  wait = MAX (anbu_throttle_retry_after (self->user_throttle, user_key, anbu_clock_now_seconds ()),
              anbu_throttle_retry_after (self->address_throttle, address_key, anbu_clock_now_seconds ()));
  if (wait > 0)
    {
      g_autofree char *seconds = g_strdup_printf ("%u", wait);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", seconds);
      anbu_json_respond_api_error (msg, ANBU_API_ERROR_THROTTLED, NULL,
                                   _("Too many failed sign-ins; wait before trying again"));
      return;
    }

  passwords = anbu_http_server_get_password_pool (self->server);
  if (anbu_password_pool_is_full (passwords))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", "1");
      anbu_json_respond_api_error (msg, ANBU_API_ERROR_UNAVAILABLE, NULL,
                                   _("The server is busy signing others in; try again in a moment"));
      return;
    }

  user = anbu_store_find_user (self->store, username, NULL, &error);
  if (user == NULL && !g_error_matches (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND))
    {
      anbu_json_respond_error (msg, error);
      return;
    }

  /* Counted before the password is checked: guesses sent in parallel all
   * see the count of those before them, so no more than the limit are
   * ever checked. A good password takes its count back. */
  anbu_throttle_failed (self->user_throttle, user_key, anbu_clock_now_seconds ());
  anbu_throttle_failed (self->address_throttle, address_key, anbu_clock_now_seconds ());

  sign_in = g_new0 (SignIn, 1);
  sign_in->self = g_object_ref (self);
  sign_in->msg = g_object_ref (msg);
  sign_in->user = g_steal_pointer (&user);
  sign_in->password = g_strdup (password);
  sign_in->user_key = g_steal_pointer (&user_key);
  sign_in->address_key = g_steal_pointer (&address_key);
  sign_in->address = g_strdup (anbu_http_client_address (msg));

  /* Not full (above), and nothing on the main loop ran since. */
  soup_server_message_pause (msg);
  anbu_password_pool_verify_async (passwords, sign_in->user != NULL ? sign_in->user->password_hash
                                                                     : NULL,
                                   sign_in->password, on_password_verified, sign_in);
}

static void
handle_sign_out (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  AnbuSessionRoutes *self = user_data;
  g_autoptr(AnbuStoreUser) user = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;

  if ((user = anbu_http_server_authenticate (self->server, msg, &error)) == NULL)
    {
      anbu_json_respond_error (msg, error);
      return;
    }
  hash = anbu_token_hash (anbu_auth_bearer_token (msg));
  if (!anbu_store_revoke_sessions (self->store, hash, NULL, anbu_clock_now_seconds (), &error))
    {
      anbu_json_respond_error (msg, error);
      return;
    }
  soup_server_message_set_status (msg, 204, NULL);
}

/* GObject */

static void
anbu_session_routes_dispose (GObject *object)
{
  AnbuSessionRoutes *self = ANBU_SESSION_ROUTES (object);

  self->server = NULL;
  g_clear_object (&self->store);
  g_clear_object (&self->user_throttle);
  g_clear_object (&self->address_throttle);

  G_OBJECT_CLASS (anbu_session_routes_parent_class)->dispose (object);
}

static void
anbu_session_routes_class_init (AnbuSessionRoutesClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = anbu_session_routes_dispose;
}

static void
anbu_session_routes_init (AnbuSessionRoutes *self)
{
}

AnbuSessionRoutes *
anbu_session_routes_new (AnbuHttpServer     *server,
                         AnbuStore          *store,
                         AnbuThrottleLedger *ledger,
                         gint64              token_lifetime,
                         gsize               max_body)
{
  AnbuSessionRoutes *self;

  g_return_val_if_fail (ANBU_IS_HTTP_SERVER (server), NULL);
  g_return_val_if_fail (ANBU_IS_STORE (store), NULL);

  self = g_object_new (ANBU_TYPE_SESSION_ROUTES, NULL);
  self->server = server;
  self->store = g_object_ref (store);
  self->token_lifetime = token_lifetime;
  self->max_body = max_body;
  /* Five wrong passwords for one username lock it for a minute (doubling
   * after that); one address gets more tries, as an office shares it. In a
   * shared ledger the counts hold across every instance. */
  if (ledger != NULL)
    {
      self->user_throttle = anbu_throttle_new_shared (ledger, "user", 5, 15 * 60, 60);
      self->address_throttle = anbu_throttle_new_shared (ledger, "address", 30, 15 * 60, 60);
    }
  else
    {
      self->user_throttle = anbu_throttle_new (5, 15 * 60, 60);
      self->address_throttle = anbu_throttle_new (30, 15 * 60, 60);
    }
  return self;
}

void
anbu_session_routes_attach (AnbuSessionRoutes *self)
{
  g_return_if_fail (ANBU_IS_SESSION_ROUTES (self));

  anbu_http_server_add_route (self->server, "POST", "/api/v1/session", ANBU_ROUTE_OPEN,
                              handle_sign_in, self);
  anbu_http_server_add_route (self->server, "DELETE", "/api/v1/session", ANBU_ROUTE_SESSION,
                              handle_sign_out, self);
}
