/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-admin"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "anbu-admin-routes.h"
#include "anbu-api-error.h"
#include "anbu-auth.h"
#include "anbu-caseload-routes.h"
#include "anbu-ingest-service.h"
#include "anbu-json-body.h"
#include "anbu-record-json.h"
#include "anbu-validate.h"

struct _AnbuAdminRoutes
{
  GObject         parent_instance;

  AnbuStore      *store;
  AnbuHttpServer *server;
};

G_DEFINE_FINAL_TYPE (AnbuAdminRoutes, anbu_admin_routes, G_TYPE_OBJECT)

enum
{
  SIGNAL_CASELOAD_MOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Answers */

/* Administrators' changes to users and gateways are in the access log
 * like every read and write of a household: the route names what was
 * done to whom ("/api/v1/admin/users: add kim.planner"). */
static void
log_admin_action (AnbuAdminRoutes     *self,
                  SoupServerMessage   *msg,
                  const AnbuStoreUser *admin,
                  const char          *route,
                  const char          *action,
                  const char          *target)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *what = g_strdup_printf ("%s: %s %s", route, action, target);

  if (!anbu_http_server_log_access (self->server, msg, admin, what, ANBU_ACCESS_WRITE, NULL, &error))
    g_warning ("Cannot write the access log: %s", error->message);
}

static void
handle_admin_gateways (SoupServer        *server,
                       SoupServerMessage *msg,
                       const char        *path,
                       GHashTable        *query,
                       gpointer           user_data)
{
  AnbuAdminRoutes *self = user_data;
  g_autoptr(AnbuStoreUser) admin = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *token = NULL;
  const char *name;

  if ((admin = anbu_http_server_authenticate_admin (self->server, msg)) == NULL)
    return;
  if ((root = anbu_json_body_parse (soup_server_message_get_request_body (msg), 64 * 1024,
                                    &error)) == NULL
      || (name = anbu_json_body_require_string (root, "name", 200, &error)) == NULL)
    {
      anbu_json_respond_error (msg, error);
      return;
    }
  token = anbu_ingest_service_add_gateway (self->store, name, &error);
  if (token == NULL)
    {
      if (g_error_matches (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_EXISTS))
        anbu_json_respond_api_error (msg, ANBU_API_ERROR_INVALID_VALUE, "name", error->message);
      else
        anbu_json_respond_error (msg, error);
      return;
    }
  log_admin_action (self, msg, admin, "/api/v1/admin/gateways", "add", name);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, token);
  json_builder_end_object (builder);
  answer = json_builder_get_root (builder);
  anbu_json_respond (msg, 201, json_to_string (answer, FALSE));
}

/* A user being added while its password is hashed on the server's
 * password pool (Argon2id takes 64 MiB and tens of milliseconds: never
 * on the main loop, which keeps answering everyone else meanwhile). */
typedef struct
{
  AnbuAdminRoutes *self;
  SoupServerMessage *msg;
  AnbuStoreUser     *admin;
  char              *username;
  char              *display_name;
  AnbuUserRole       role;
  GStrv              dong_codes;
} UserAddition;

static void
user_addition_free (UserAddition *addition)
{
  g_object_unref (addition->self);
  g_object_unref (addition->msg);
  g_clear_pointer (&addition->admin, anbu_store_user_free);
  g_free (addition->username);
  g_free (addition->display_name);
  g_strfreev (addition->dong_codes);
  g_free (addition);
}

static void
finish_user_addition (UserAddition *addition,
                      const char   *hash,
                      GError       *hash_error)
{
  AnbuAdminRoutes *self = addition->self;
  SoupServerMessage *msg = addition->msg;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  AnbuStoreUser user = { 0 };

  if (hash == NULL)
    {
      g_warning ("Cannot hash a new user's password: %s", hash_error->message);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", "1");
      anbu_json_respond_api_error (msg, ANBU_API_ERROR_UNAVAILABLE, NULL,
                                   _("The server is busy checking passwords; try again in a moment"));
      return;
    }
  id = g_uuid_string_random ();
  user.id = id;
  user.username = addition->username;
  user.display_name = addition->display_name != NULL ? addition->display_name : addition->username;
  user.role = addition->role;
  user.dong_codes = addition->dong_codes;
  user.password_hash = (char *) hash;
  if (!anbu_store_add_user (self->store, &user, &error))
    {
      if (g_error_matches (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_EXISTS))
        anbu_json_respond_api_error (msg, ANBU_API_ERROR_INVALID_VALUE, "username",
                                     _("This username is taken"));
      else
        anbu_json_respond_error (msg, error);
      return;
    }
  log_admin_action (self, msg, addition->admin, "/api/v1/admin/users", "add", addition->username);
  anbu_json_respond (msg, 201, g_strdup_printf ("{\"id\":\"%s\"}", id));
}

static void
on_user_password_hashed (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  UserAddition *addition = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = anbu_password_pool_hash_finish (ANBU_PASSWORD_POOL (source), result,
                                                                 &error);

  finish_user_addition (addition, hash, error);
  if (hash != NULL)
    memset (hash, 0, strlen (hash));
  soup_server_message_unpause (addition->msg);
  user_addition_free (addition);
}

static void
handle_admin_users (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  AnbuAdminRoutes *self = user_data;
  g_autoptr(AnbuStoreUser) admin = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GStrvBuilder) codes_builder = g_strv_builder_new ();
  g_auto(GStrv) codes = NULL;
  g_autofree char *display_name = NULL;
  const char *username, *password, *role_text;
  UserAddition *addition;
  JsonObject *object;
  JsonNode *dongs_node;
  JsonArray *dongs = NULL;
  AnbuUserRole role;
  gsize password_length;

  if ((admin = anbu_http_server_authenticate_admin (self->server, msg)) == NULL)
    return;
  if ((root = anbu_json_body_parse (soup_server_message_get_request_body (msg), 64 * 1024,
                                    &error)) == NULL
      || (username = anbu_json_body_require_string (root, "username", 256, &error)) == NULL
      || (password = anbu_json_body_require_string (root, "password", ANBU_PASSWORD_MAX_BYTES,
                                                    &error)) == NULL
      || (role_text = anbu_json_body_require_string (root, "role", 32, &error)) == NULL
      || !anbu_validate_username ("username", username, &error))
    {
      anbu_json_respond_error (msg, error);
      return;
    }
  if (!anbu_user_role_from_string (role_text, &role))
    {
      anbu_json_respond_api_error (msg, ANBU_API_ERROR_INVALID_VALUE, "role",
                                   _("role is planner, control or admin"));
      return;
    }
  /* Every member is checked for its JSON type before it is read: a
   * number or a list where text belongs is a 400 naming it, never a
   * wrong value stored. */
  object = json_node_get_object (root);
  if (!anbu_json_read_text ("display_name", json_object_get_member (object, "display_name"), FALSE,
                            ANBU_NAME_MAX_CHARS, ANBU_TEXT_SINGLE_LINE, &display_name, &error))
    {
      anbu_json_respond_error (msg, error);
      return;
    }
  dongs_node = json_object_get_member (object, "dong_codes");
  if (dongs_node != NULL && !JSON_NODE_HOLDS_NULL (dongs_node))
    {
      if (!JSON_NODE_HOLDS_ARRAY (dongs_node))
        {
          anbu_json_respond_api_error (msg, ANBU_API_ERROR_WRONG_TYPE, "dong_codes",
                                       _("This must be a list"));
          return;
        }
      dongs = json_node_get_array (dongs_node);
      if (json_array_get_length (dongs) > 100)
        {
          anbu_json_respond_api_error (msg, ANBU_API_ERROR_INVALID_VALUE, "dong_codes",
                                       _("A user has at most 100 동 codes"));
          return;
        }
    }
  for (guint i = 0; dongs != NULL && i < json_array_get_length (dongs); i++)
    {
      g_autofree char *field = g_strdup_printf ("dong_codes.%u", i);
      g_autofree char *code = NULL;

      if (!anbu_json_read_dong_code (field, json_array_get_element (dongs, i), TRUE, &code, &error))
        {
          anbu_json_respond_error (msg, error);
          return;
        }
      g_strv_builder_add (codes_builder, code);
    }
  codes = g_strv_builder_end (codes_builder);
  if (role == ANBU_USER_ROLE_PLANNER && codes[0] == NULL)
    {
      anbu_json_respond_api_error (msg, ANBU_API_ERROR_MISSING_FIELD, "dong_codes",
                                   _("A planner needs the codes of their 동"));
      return;
    }
  password_length = strlen (password);
  if (password_length < ANBU_PASSWORD_MIN_BYTES || password_length > ANBU_PASSWORD_MAX_BYTES)
    {
      g_autofree char *reason = g_strdup_printf (_("A password must be %d to %d bytes long"),
                                                 ANBU_PASSWORD_MIN_BYTES, ANBU_PASSWORD_MAX_BYTES);

      anbu_json_respond_api_error (msg, ANBU_API_ERROR_INVALID_VALUE, "password", reason);
      return;
    }

  addition = g_new0 (UserAddition, 1);
  addition->self = g_object_ref (self);
  addition->msg = g_object_ref (msg);
  addition->admin = g_steal_pointer (&admin);
  addition->username = g_strdup (username);
  addition->display_name = g_steal_pointer (&display_name);
  addition->role = role;
  addition->dong_codes = g_steal_pointer (&codes);
  if (!anbu_password_pool_hash_async (anbu_http_server_get_password_pool (self->server),
                                      password, on_user_password_hashed, addition))
    {
      user_addition_free (addition);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", "1");
      anbu_json_respond_api_error (msg, ANBU_API_ERROR_UNAVAILABLE, NULL,
                                   _("The server is busy checking passwords; try again in a moment"));
      return;
    }
  soup_server_message_pause (msg);
}

static void
handle_caseload (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  AnbuAdminRoutes *self = user_data;

  if (anbu_caseload_routes_handle (self->server, self->store, msg, path))
    g_signal_emit (self, signals[SIGNAL_CASELOAD_MOVED], 0);
}

static const struct
{
  const char         *method;
  const char         *pattern;
  SoupServerCallback  handler;
} routes[] = {
  { "POST", "/api/v1/admin/gateways", handle_admin_gateways },
  { "POST", "/api/v1/admin/users", handle_admin_users },
  { "GET", "/api/v1/admin/caseload/moves", handle_caseload },
  { "POST", "/api/v1/admin/caseload/moves", handle_caseload },
  { "GET", "/api/v1/admin/caseload/orphans", handle_caseload },
};

/* GObject */

static void
anbu_admin_routes_dispose (GObject *object)
{
  AnbuAdminRoutes *self = ANBU_ADMIN_ROUTES (object);

  if (self->server != NULL)
    anbu_http_server_remove_routes (self->server, self);
  g_clear_object (&self->server);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (anbu_admin_routes_parent_class)->dispose (object);
}

static void
anbu_admin_routes_class_init (AnbuAdminRoutesClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = anbu_admin_routes_dispose;

  /* A caseload move was applied: who sees which household changed. */
  signals[SIGNAL_CASELOAD_MOVED] = g_signal_new ("caseload-moved", G_TYPE_FROM_CLASS (klass),
                                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                 G_TYPE_NONE, 0);
}

static void
anbu_admin_routes_init (AnbuAdminRoutes *self)
{
}

AnbuAdminRoutes *
anbu_admin_routes_new (AnbuStore *store)
{
  AnbuAdminRoutes *self;

  g_return_val_if_fail (ANBU_IS_STORE (store), NULL);

  self = g_object_new (ANBU_TYPE_ADMIN_ROUTES, NULL);
  self->store = g_object_ref (store);
  return self;
}

void
anbu_admin_routes_attach (AnbuAdminRoutes *self,
                          AnbuHttpServer  *server)
{
  g_return_if_fail (ANBU_IS_ADMIN_ROUTES (self));
  g_return_if_fail (ANBU_IS_HTTP_SERVER (server));
  g_return_if_fail (self->server == NULL);

  self->server = g_object_ref (server);
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    anbu_http_server_add_route (server, routes[i].method, routes[i].pattern, ANBU_ROUTE_SESSION,
                                routes[i].handler, self);
}
