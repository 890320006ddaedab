/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-api"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "anbu-api-client.h"
#include "anbu-record-json.h"

/* The HTTP side of docs/api.md: one SoupSession with an identifying
 * User-Agent, timeouts, certificate checks (optionally against a custom CA
 * file) and the bearer token. Every error answer becomes an ANBU_API_ERROR
 * (src/core) whose code is the api.md code; the field at fault and
 * Retry-After travel with the GError. No answer at all, an untrusted
 * certificate or an answer that is not what api.md says is an
 * ANBU_NETWORK_ERROR. */

#define DEFAULT_TIMEOUT_SECONDS 30

struct _AnbuApiClient
{
  GObject      parent_instance;
  char        *base_url;
  char        *ca_file;
  GTlsDatabase *tls_database;  /* from ca_file; NULL: the system's */
  char        *token;
  SoupSession *session;
};

G_DEFINE_TYPE (AnbuApiClient, anbu_api_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_TOKEN,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---------------------------------------------------------------------- */
/* The error domains                                                       */

G_DEFINE_QUARK (anbu-network-error-quark, anbu_network_error)

/**
 * anbu_api_client_error_is_transient:
 *
 * Whether trying again later may succeed (no answer, throttled, a server
 * fault) as opposed to an answer that will not change (refused, forbidden).
 */
gboolean
anbu_api_client_error_is_transient (const GError *error)
{
  if (error == NULL)
    return FALSE;
  if (error->domain == ANBU_NETWORK_ERROR)
    return error->code == ANBU_NETWORK_ERROR_UNREACHABLE
           || error->code == ANBU_NETWORK_ERROR_BAD_RESPONSE;
  if (error->domain == ANBU_API_ERROR)
    return error->code == ANBU_API_ERROR_THROTTLED
           || error->code == ANBU_API_ERROR_UNAVAILABLE
           || error->code == ANBU_API_ERROR_INTERNAL;
  return FALSE;
}

static GError *
error_from_answer (SoupMessage *message,
                   GBytes      *body)
{
  guint status = soup_message_get_status (message);
  const char *retry = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                    "Retry-After");
  guint retry_after = retry ? (guint) g_ascii_strtoull (retry, NULL, 10) : 0;
  g_autoptr(JsonObject) root = NULL;
  const char *code = NULL, *field = NULL, *text = NULL;
  JsonNode *error_node = NULL;
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;

  if (data != NULL && len > 0 && (root = anbu_json_parse_object (data, (gssize) len, NULL)) != NULL)
    error_node = json_object_get_member (root, "error");
  if (error_node != NULL && JSON_NODE_HOLDS_OBJECT (error_node))
    {
      JsonObject *object = json_node_get_object (error_node);

      code = json_object_get_string_member_with_default (object, "code", NULL);
      field = json_object_get_string_member_with_default (object, "field", NULL);
      text = json_object_get_string_member_with_default (object, "message", NULL);
    }

  if (code != NULL)
    return anbu_api_error_new_received (code, status, field, retry_after,
                                        text ? text : soup_status_get_phrase (status));
  return anbu_api_error_new_received (NULL, status, NULL, retry_after,
                                      soup_status_get_phrase (status)
                                      ? soup_status_get_phrase (status)
                                      : _("The server answered with an error"));
}

static GError *
error_from_transport (GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  if (error->domain == G_TLS_ERROR)
    return g_error_new (ANBU_NETWORK_ERROR, ANBU_NETWORK_ERROR_TLS,
                        _("The server’s certificate is not trusted (%s)"), error->message);
  return g_error_new (ANBU_NETWORK_ERROR, ANBU_NETWORK_ERROR_UNREACHABLE,
                      _("The server cannot be reached (%s)"), error->message);
}

/* ---------------------------------------------------------------------- */

static gboolean
is_loopback (GUri *uri)
{
  const char *host = g_uri_get_host (uri);
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static gboolean
on_accept_certificate (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  /* Never: a certificate the database does not vouch for is refused. */
  return FALSE;
}

static void
on_request_ready (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, error_from_transport (error));
      return;
    }
  status = soup_message_get_status (message);
  if (status < 200 || status >= 300)
    {
      g_task_return_error (task, error_from_answer (message, body));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
}

static void
anbu_api_client_finalize (GObject *object)
{
  AnbuApiClient *self = ANBU_API_CLIENT (object);

  g_clear_object (&self->session);
  g_free (self->base_url);
  g_free (self->ca_file);
  g_clear_object (&self->tls_database);
  if (self->token)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);

  G_OBJECT_CLASS (anbu_api_client_parent_class)->finalize (object);
}

static void
anbu_api_client_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  AnbuApiClient *self = ANBU_API_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, anbu_api_client_get_timeout (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_api_client_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  AnbuApiClient *self = ANBU_API_CLIENT (object);

  switch (prop_id)
    {
    case PROP_TOKEN:
      anbu_api_client_set_token (self, g_value_get_string (value));
      break;
    case PROP_TIMEOUT:
      anbu_api_client_set_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_api_client_class_init (AnbuApiClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = anbu_api_client_finalize;
  object_class->get_property = anbu_api_client_get_property;
  object_class->set_property = anbu_api_client_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, 600, DEFAULT_TIMEOUT_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
anbu_api_client_init (AnbuApiClient *self)
{
}

/**
 * anbu_api_client_new:
 * @base_url: "https://host[:port]" (a trailing slash is ignored)
 * @ca_file: (nullable): PEM file of the authorities to trust instead of
 *   the system's (a city's own CA)
 *
 * Returns: (transfer full): a client, or %NULL if @base_url or @ca_file is unusable
 */
AnbuApiClient *
anbu_api_client_new (const char  *base_url,
                     const char  *ca_file,
                     GError     **error)
{
  g_autoptr(AnbuApiClient) self = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *scheme;

  g_return_val_if_fail (base_url != NULL, NULL);

  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, &local_error);
  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
      || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a server address (such as https://anbu.example.go.kr)"),
                   base_url);
      return NULL;
    }

  self = g_object_new (ANBU_TYPE_API_CLIENT, NULL);
  self->base_url = g_strdup (base_url);
  while (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';

  self->session = soup_session_new_with_options ("user-agent", ANBU_USER_AGENT,
                                                 "timeout", DEFAULT_TIMEOUT_SECONDS,
                                                 "idle-timeout", 60,
                                                 "max-conns-per-host", 4,
                                                 NULL);
  /* A proxy from the environment would catch loopback addresses too. */
  if (is_loopback (uri))
    soup_session_set_proxy_resolver (self->session, NULL);

  if (ca_file != NULL && *ca_file != '\0')
    {
      g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca_file, &local_error);

      if (database == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("The certificate authority file cannot be used: %s"),
                       local_error->message);
          return NULL;
        }
      soup_session_set_tls_database (self->session, database);
      self->tls_database = g_steal_pointer (&database);
      self->ca_file = g_strdup (ca_file);
    }
  return g_steal_pointer (&self);
}

/**
 * anbu_api_client_get_tls_database:
 *
 * What else talks to the same server (map tiles) trusts the same authorities.
 *
 * Returns: (transfer none) (nullable): the authorities of the CA file given
 *   to anbu_api_client_new(), or %NULL when the system's are trusted
 */
GTlsDatabase *
anbu_api_client_get_tls_database (AnbuApiClient *self)
{
  g_return_val_if_fail (ANBU_IS_API_CLIENT (self), NULL);
  return self->tls_database;
}

const char *
anbu_api_client_get_base_url (AnbuApiClient *self)
{
  g_return_val_if_fail (ANBU_IS_API_CLIENT (self), NULL);
  return self->base_url;
}

const char *
anbu_api_client_get_token (AnbuApiClient *self)
{
  g_return_val_if_fail (ANBU_IS_API_CLIENT (self), NULL);
  return self->token;
}

void
anbu_api_client_set_token (AnbuApiClient *self,
                           const char    *token)
{
  g_return_if_fail (ANBU_IS_API_CLIENT (self));

  if (g_strcmp0 (self->token, token) == 0)
    return;
  g_free (self->token);
  self->token = g_strdup (token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}

guint
anbu_api_client_get_timeout (AnbuApiClient *self)
{
  g_return_val_if_fail (ANBU_IS_API_CLIENT (self), 0);
  return soup_session_get_timeout (self->session);
}

void
anbu_api_client_set_timeout (AnbuApiClient *self,
                             guint          seconds)
{
  g_return_if_fail (ANBU_IS_API_CLIENT (self));
  g_return_if_fail (seconds > 0);

  if (soup_session_get_timeout (self->session) == seconds)
    return;
  soup_session_set_timeout (self->session, seconds);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

/**
 * anbu_api_client_get_soup_session:
 *
 * Returns: (transfer none): the session (for the live WebSocket)
 */
SoupSession *
anbu_api_client_get_soup_session (AnbuApiClient *self)
{
  g_return_val_if_fail (ANBU_IS_API_CLIENT (self), NULL);
  return self->session;
}

/**
 * anbu_api_client_new_message:
 *
 * Returns: (transfer full): a message to @path_and_query with the token and
 *   the certificate policy set
 */
SoupMessage *
anbu_api_client_new_message (AnbuApiClient *self,
                             const char    *method,
                             const char    *path_and_query)
{
  g_autofree char *url = NULL;
  SoupMessage *message;

  g_return_val_if_fail (ANBU_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (path_and_query != NULL && path_and_query[0] == '/', NULL);

  url = g_strconcat (self->base_url, path_and_query, NULL);
  message = soup_message_new (method, url);
  if (message == NULL)
    return NULL;
  if (self->token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Authorization", bearer);
    }
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept",
                                "application/json");
  g_signal_connect (message, "accept-certificate", G_CALLBACK (on_accept_certificate), NULL);
  return message;
}

/**
 * anbu_api_client_request_async:
 * @json_body: (nullable): sent as application/json
 *
 * One request. The finish function returns the body of a 2xx answer; any
 * other answer is an %ANBU_API_ERROR with the api.md code and field.
 */
void
anbu_api_client_request_async (AnbuApiClient       *self,
                               const char          *method,
                               const char          *path_and_query,
                               GBytes              *json_body,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) message = NULL;

  g_return_if_fail (ANBU_IS_API_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, anbu_api_client_request_async);

  message = anbu_api_client_new_message (self, method, path_and_query);
  if (message == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "Bad request path %s", path_and_query);
      return;
    }
  if (json_body != NULL)
    soup_message_set_request_body_from_bytes (message, "application/json", json_body);
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT, cancellable,
                                    on_request_ready, g_steal_pointer (&task));
}

GBytes *
anbu_api_client_request_finish (AnbuApiClient  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_sign_in_ready (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) object = NULL;
  const char *token;
  gsize len = 0;
  const char *data;

  body = anbu_api_client_request_finish (ANBU_API_CLIENT (source), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data = g_bytes_get_data (body, &len);
  if ((object = anbu_json_parse_object (data, (gssize) len, NULL)) == NULL
      || (token = json_object_get_string_member_with_default (object, "token", NULL)) == NULL
      || !json_object_has_member (object, "user"))
    {
      g_task_return_new_error (task, ANBU_NETWORK_ERROR, ANBU_NETWORK_ERROR_BAD_RESPONSE,
                               "%s", _("The server’s answer to the sign-in cannot be understood"));
      return;
    }
  anbu_api_client_set_token (ANBU_API_CLIENT (source), token);
  g_task_return_pointer (task, g_steal_pointer (&object), (GDestroyNotify) json_object_unref);
}

/**
 * anbu_api_client_sign_in_async:
 *
 * POST /api/v1/session. On success the client keeps the token; the finish
 * function returns the whole answer (token, expires_at, user).
 */
void
anbu_api_client_sign_in_async (AnbuApiClient       *self,
                               const char          *username,
                               const char          *password,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *text = NULL;
  GTask *task;

  g_return_if_fail (ANBU_IS_API_CLIENT (self));
  g_return_if_fail (username != NULL && password != NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  body = g_bytes_new (text, strlen (text));
  memset (text, 0, strlen (text));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, anbu_api_client_sign_in_async);
  anbu_api_client_request_async (self, "POST", "/api/v1/session", body, cancellable,
                                 on_sign_in_ready, task);
}

JsonObject *
anbu_api_client_sign_in_finish (AnbuApiClient  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_bytes_ready (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GBytes *body = anbu_api_client_request_finish (ANBU_API_CLIENT (source), result, &error);

  if (body == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, body, (GDestroyNotify) g_bytes_unref);
}

/**
 * anbu_api_client_pull_async:
 * @cursor: (nullable): where to start (%NULL: everything in scope)
 * @limit: changes per page (0: the server's default)
 *
 * GET /api/v1/sync. The finish function returns the raw page, which the
 * replica parses on its worker thread.
 */
void
anbu_api_client_pull_async (AnbuApiClient       *self,
                            const char          *cursor,
                            guint                limit,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *escaped = g_uri_escape_string (cursor ? cursor : "", NULL, FALSE);
  g_autofree char *path = NULL;
  GTask *task;

  g_return_if_fail (ANBU_IS_API_CLIENT (self));

  if (limit > 0)
    path = g_strdup_printf ("/api/v1/sync?since=%s&limit=%u", escaped, limit);
  else
    path = g_strdup_printf ("/api/v1/sync?since=%s", escaped);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, anbu_api_client_pull_async);
  anbu_api_client_request_async (self, "GET", path, NULL, cancellable, on_bytes_ready, task);
}

GBytes *
anbu_api_client_pull_finish (AnbuApiClient  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * anbu_api_client_push_async:
 * @body: {"mutations": [...]} as made by anbu_replica_prepare_push_async()
 *
 * POST /api/v1/mutations; the finish function returns the raw answer.
 */
void
anbu_api_client_push_async (AnbuApiClient       *self,
                            GBytes              *body,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ANBU_IS_API_CLIENT (self));
  g_return_if_fail (body != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, anbu_api_client_push_async);
  anbu_api_client_request_async (self, "POST", "/api/v1/mutations", body, cancellable,
                                 on_bytes_ready, task);
}

GBytes *
anbu_api_client_push_finish (AnbuApiClient  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
