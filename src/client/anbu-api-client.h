/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "anbu-api-error.h"

G_BEGIN_DECLS

/* What goes wrong before an error answer: the wire codes of an answer are
 * ANBU_API_ERROR (src/core/anbu-api-error.h). */
#define ANBU_NETWORK_ERROR (anbu_network_error_quark ())

typedef enum
{
  ANBU_NETWORK_ERROR_UNREACHABLE,   /* no answer: offline, refused, timed out */
  ANBU_NETWORK_ERROR_TLS,           /* the server's certificate is not trusted */
  ANBU_NETWORK_ERROR_BAD_RESPONSE,  /* an answer that is not what docs/api.md says */
} AnbuNetworkError;

GQuark      anbu_network_error_quark           (void);
gboolean    anbu_api_client_error_is_transient (const GError *error);

#define ANBU_TYPE_API_CLIENT (anbu_api_client_get_type ())
G_DECLARE_FINAL_TYPE (AnbuApiClient, anbu_api_client, ANBU, API_CLIENT, GObject)

AnbuApiClient *anbu_api_client_new              (const char           *base_url,
                                                 const char           *ca_file,
                                                 GError              **error);

const char    *anbu_api_client_get_base_url     (AnbuApiClient        *self);
GTlsDatabase  *anbu_api_client_get_tls_database (AnbuApiClient        *self);
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
