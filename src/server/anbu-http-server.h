/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <libsoup/soup.h>

#include "anbu-metrics.h"
#include "anbu-password-pool.h"
#include "anbu-router.h"
#include "anbu-store.h"
#include "anbu-throttle-ledger.h"

G_BEGIN_DECLS

#define ANBU_DEFAULT_TOKEN_LIFETIME (12 * 60 * 60)   /* seconds: one working day */
#define ANBU_DEFAULT_MAX_BODY       (1024 * 1024)    /* bytes */

#define ANBU_TYPE_HTTP_SERVER (anbu_http_server_get_type ())
G_DECLARE_FINAL_TYPE (AnbuHttpServer, anbu_http_server, ANBU, HTTP_SERVER, GObject)

/* The HTTP API of docs/api.md over `store`. Tokens live `token_lifetime`
 * seconds; request bodies over `max_body` bytes answer 413. */
AnbuHttpServer *anbu_http_server_new            (AnbuStore       *store,
                                                 gint64           token_lifetime,
                                                 gsize            max_body);

/* At most `checks` passwords are checked at once (0: the number of CPUs,
 * at least 2); eight times as many sign-ins may wait, others are answered
 * 503 with Retry-After. Call before listening. */
/* Peers (IP addresses) whose Forwarded or X-Forwarded-For names the client: the reverse
 * proxies in front of the server (docs/deploy.md). The client address is
 * then what sign-in throttling and the access log see, and connections
 * from a proxy are not capped per address. FALSE when one is not an IP
 * address. */
gboolean        anbu_http_server_set_trusted_proxies (AnbuHttpServer      *self,
                                                      const char * const  *addresses,
                                                      GError             **error);
/* The client of `msg`: the peer, or behind a trusted proxy the address it
 * forwarded for (never NULL). */
const char     *anbu_http_client_address             (SoupServerMessage   *msg);
/* Where sign-in throttling counts failures (before listen): a ledger
 * every instance on one database shares. Default: this process's memory. */
void            anbu_http_server_set_throttle_ledger (AnbuHttpServer     *self,
                                                      AnbuThrottleLedger *ledger);
void            anbu_http_server_set_password_checks (AnbuHttpServer *self,
                                                      guint           checks);

/* The bounded pool of Argon2id checks and hashes (anbu-password-pool.h)
 * that sign-ins and new users' passwords share, so together they never
 * take more memory than it allows. */
AnbuPasswordPool *anbu_http_server_get_password_pool (AnbuHttpServer *self);

/* Every route added to the SoupServer by another module calls this with
 * its path: libsoup runs only the early handler of the request's own
 * path, and this one refuses oversized bodies (over `max_body` bytes, 0 =
 * the server's limit) and bodies sent without valid credentials (`check`,
 * or when NULL a session for the routes that need one), before any of it
 * is kept in memory. */
/* Seconds a request's headers may take to arrive, and its body may
 * stall, before the connection is closed (0: never). */
#define ANBU_DEFAULT_REQUEST_TIMEOUT 30
void            anbu_http_server_set_request_timeout (AnbuHttpServer *self,
                                                      guint           seconds);

/* Connections one client address may hold open at once (0: no cap); a
 * new one beyond it is closed before anything of it is read, and other
 * addresses are served as usual. A community centre behind one address
 * (tens of planners, each with a live channel and a request or two in
 * flight) stays well below the default. */
#define ANBU_DEFAULT_MAX_CONNECTIONS_PER_ADDRESS 100
void            anbu_http_server_set_max_connections_per_address (AnbuHttpServer *self,
                                                                  guint           connections);

/* Connections the server holds open at once, from all addresses together
 * (0: no cap); a new one beyond it is closed before anything of it is
 * read. The default leaves room for the full load of docs/server.md
 * (about 1,500 connections) and stays below a usual descriptor limit;
 * anbu-server lowers it to fit its RLIMIT_NOFILE. */
#define ANBU_DEFAULT_MAX_CONNECTIONS 4096
void            anbu_http_server_set_max_connections (AnbuHttpServer *self,
                                                      guint           connections);

/* Checks a request's own credentials (a gateway's, for telemetry) at its
 * headers; FALSE with an error to refuse it unread. */
typedef gboolean (*AnbuHttpCredentialFunc) (SoupServerMessage  *msg,
                                            gpointer            user_data,
                                            GError            **error);

void            anbu_http_server_guard_route         (AnbuHttpServer         *self,
                                                      const char             *path,
                                                      gsize                   max_body,
                                                      AnbuHttpCredentialFunc  check,
                                                      gpointer                check_data);

/* Adds a route to the server's one router (anbu-router.h): METHOD and a
 * path pattern such as "/api/v1/households/{id}/series". The router
 * answers 404 and 405 and counts the answer in /metrics; a route whose
 * path has no guard of its own gets the server's: its body limit, and
 * for ANBU_ROUTE_SESSION a valid session before any body is read. Call
 * once listening. */
void            anbu_http_server_add_route           (AnbuHttpServer         *self,
                                                      const char             *method,
                                                      const char             *pattern,
                                                      AnbuRouteAccess         access,
                                                      SoupServerCallback      handler,
                                                      gpointer                user_data);
/* 개인정보 접속기록: who (`user`, from the request's address) read or wrote
 * what by `route` (a route, or a short description of an admin action),
 * and which households it touched (NULL-terminated, or NULL). */
void            anbu_http_access_entry_init          (AnbuAccessEntry        *entry,
                                                      SoupServerMessage      *msg,
                                                      const AnbuStoreUser    *user,
                                                      const char             *route,
                                                      AnbuAccessAction        action);
gboolean        anbu_http_server_log_access          (AnbuHttpServer         *self,
                                                      SoupServerMessage      *msg,
                                                      const AnbuStoreUser    *user,
                                                      const char             *route,
                                                      AnbuAccessAction        action,
                                                      const char * const     *household_ids,
                                                      GError                **error);

/* Removes the routes added with `user_data`: they answer 404 from now on. */
void            anbu_http_server_remove_routes       (AnbuHttpServer         *self,
                                                      gpointer                user_data);

/* `address` is HOST:PORT ("127.0.0.1:8421", "[::1]:0"); port 0 picks a free
 * one. With a certificate and key (PEM files) the server speaks HTTPS. */
gboolean        anbu_http_server_listen         (AnbuHttpServer  *self,
                                                 const char      *address,
                                                 const char      *tls_cert,
                                                 const char      *tls_key,
                                                 GError         **error);

/* The URL actually bound, e.g. "http://127.0.0.1:41234/". */
char           *anbu_http_server_dup_url        (AnbuHttpServer  *self);

/* Stops accepting connections; requests already received are answered. */
void            anbu_http_server_stop_accepting (AnbuHttpServer  *self);

/* Requests received and not yet fully answered. */
guint           anbu_http_server_get_in_flight  (AnbuHttpServer  *self);

AnbuMetrics    *anbu_http_server_get_metrics    (AnbuHttpServer  *self);

/* For routes registered by other modules (anbu-ingest-service.h): the
 * SoupServer once listening, and the signed-in user of a request (or NULL
 * with an ANBU_API_ERROR: unauthorized). */
SoupServer     *anbu_http_server_get_soup_server (AnbuHttpServer    *self);
AnbuStoreUser  *anbu_http_server_authenticate    (AnbuHttpServer    *self,
                                                  SoupServerMessage *msg,
                                                  GError           **error);

/* The signed-in administrator of a request, or NULL once `msg` is
 * answered 401 (no valid session) or 403 (another role). */
AnbuStoreUser  *anbu_http_server_authenticate_admin (AnbuHttpServer    *self,
                                                     SoupServerMessage *msg);

G_END_DECLS
