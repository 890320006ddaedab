/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The few HTTP calls anbu-plugsim makes to anbu-server (blocking: it is a
 * command-line tool). */

typedef struct
{
  SoupSession *session;
  char        *base;    /* "http://127.0.0.1:8421" without the trailing slash */
} AnbuPlugsimClient;

AnbuPlugsimClient *anbu_plugsim_client_new     (const char          *base_url);
void               anbu_plugsim_client_free    (AnbuPlugsimClient   *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuPlugsimClient, anbu_plugsim_client_free)

/* Sends `body` (JSON, may be NULL) and parses the answer. Fails (with the
 * server's error message) unless the status is 2xx. */
JsonNode          *anbu_plugsim_client_request (AnbuPlugsimClient   *client,
                                                const char          *method,
                                                const char          *path,
                                                const char          *token,
                                                const char          *body,
                                                GError             **error);

/* POST /api/v1/session; returns the token. */
char              *anbu_plugsim_client_sign_in (AnbuPlugsimClient   *client,
                                                const char          *username,
                                                const char          *password,
                                                GError             **error);

/* A password from the first line of a file. */
char              *anbu_plugsim_read_password  (const char          *file,
                                                GError             **error);

G_END_DECLS
