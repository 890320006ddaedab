/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define ANBU_API_ERROR (anbu_api_error_quark ())

/* The codes of docs/api.md, and what can go wrong before an answer. */
typedef enum
{
  ANBU_API_ERROR_BAD_REQUEST,
  ANBU_API_ERROR_INVALID_JSON,
  ANBU_API_ERROR_MISSING_FIELD,
  ANBU_API_ERROR_WRONG_TYPE,
  ANBU_API_ERROR_INVALID_VALUE,
  ANBU_API_ERROR_TOO_LONG,
  ANBU_API_ERROR_UNAUTHORIZED,        /* wrong username or password, or the token expired */
  ANBU_API_ERROR_FORBIDDEN,
  ANBU_API_ERROR_NOT_FOUND,
  ANBU_API_ERROR_METHOD_NOT_ALLOWED,
  ANBU_API_ERROR_TOO_LARGE,
  ANBU_API_ERROR_THROTTLED,           /* see anbu_api_error_get_retry_after() */
  ANBU_API_ERROR_INTERNAL,
  ANBU_API_ERROR_OTHER,               /* a code this version does not know */
  ANBU_API_ERROR_UNREACHABLE,         /* no answer: offline, refused, timed out */
  ANBU_API_ERROR_TLS,                 /* the server's certificate is not trusted */
  ANBU_API_ERROR_BAD_RESPONSE,        /* an answer that is not what docs/api.md says */
} AnbuApiError;

GQuark      anbu_api_error_quark            (void);
const char *anbu_api_error_get_code_string  (const GError *error);
const char *anbu_api_error_get_field        (const GError *error);
guint       anbu_api_error_get_retry_after  (const GError *error);
gboolean    anbu_api_error_is_transient     (const GError *error);

#define ANBU_TYPE_API_CLIENT (anbu_api_client_get_type ())
G_DECLARE_FINAL_TYPE (AnbuApiClient, anbu_api_client, ANBU, API_CLIENT, GObject)

AnbuApiClient *anbu_api_client_new              (const char           *base_url,
                                                 const char           *ca_file,
                                                 GError              **error);

const char    *anbu_api_client_get_base_url     (AnbuApiClient        *self);
const char    *anbu_api_client_get_token        (AnbuApiClient        *self);
void           anbu_api_client_set_token        (AnbuApiClient        *self,
                                                 const char           *token);
guint          anbu_api_client_get_timeout      (AnbuApiClient        *self);
void           anbu_api_client_set_timeout      (AnbuApiClient        *self,
                                                 guint                 seconds);
SoupSession   *anbu_api_client_get_soup_session (AnbuApiClient        *self);
SoupMessage   *anbu_api_client_new_message      (AnbuApiClient        *self,
                                                 const char           *method,
                                                 const char           *path_and_query);

void           anbu_api_client_request_async    (AnbuApiClient        *self,
                                                 const char           *method,
                                                 const char           *path_and_query,
                                                 GBytes               *json_body,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GBytes        *anbu_api_client_request_finish   (AnbuApiClient        *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

void           anbu_api_client_sign_in_async    (AnbuApiClient        *self,
                                                 const char           *username,
                                                 const char           *password,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
JsonObject    *anbu_api_client_sign_in_finish   (AnbuApiClient        *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

void           anbu_api_client_pull_async       (AnbuApiClient        *self,
                                                 const char           *cursor,
                                                 guint                 limit,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GBytes        *anbu_api_client_pull_finish      (AnbuApiClient        *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

void           anbu_api_client_push_async       (AnbuApiClient        *self,
                                                 GBytes               *body,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GBytes        *anbu_api_client_push_finish      (AnbuApiClient        *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

G_END_DECLS
