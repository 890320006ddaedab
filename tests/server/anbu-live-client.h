/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Test helper: a client of GET /api/v1/live that keeps every message. */

#include "anbu-test-server.h"

G_BEGIN_DECLS

typedef struct
{
  SoupWebsocketConnection *connection;
  GError                  *error;
  gboolean                 done;
  GPtrArray               *messages;   /* JsonObject * */
} LiveClient;

/* Connects to `server` with `token` (NULL: none) and waits for the answer:
 * `connection` or `error` is set. */
LiveClient *live_client_connect (AnbuTestServer *server,
                                 SoupSession    *session,
                                 const char     *token);
void        live_client_free    (LiveClient     *client);
/* The first message of `type` about `household` (NULL: any), or NULL. */
JsonObject *live_client_find    (LiveClient     *client,
                                 const char     *type,
                                 const char     *household);
/* The same, waiting (bounded) until it comes. */
JsonObject *live_client_wait    (LiveClient     *client,
                                 const char     *type,
                                 const char     *household);

G_END_DECLS
