/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Whether `address` is one of the reverse proxies the server trusts. */
typedef gboolean (*AnbuTrustedProxyFunc) (GInetAddress *address,
                                          gpointer      user_data);

/* The hops of a `Forwarded` header (RFC 7239), left to right: for each
 * element the GInetAddress of its for= parameter, or NULL when that
 * element names no address (unknown, an obfuscated identifier, no for=)
 * or is malformed. An unclosed quote makes the rest of the header one
 * malformed element: the elements a proxy appended after it cannot be
 * told apart from what the client wrote. */
GPtrArray *anbu_forwarded_parse            (const char *header);

/* The same for `X-Forwarded-For`: comma-separated bare IP addresses. */
GPtrArray *anbu_x_forwarded_for_parse      (const char *header);

/* The client address behind a trusted proxy, or NULL for the peer itself:
 * walking the hops from the right, the first address that is no trusted
 * proxy. A hop without an address ends the walk at the last address known
 * (so a client cannot name its own address by writing garbage before
 * it). When both headers are given they must name the same client, or the
 * request counts as the peer's own: a proxy that writes one of them may pass
 * the other on from the client unchanged. */
char      *anbu_forwarded_client_address   (const char           *forwarded,
                                            const char           *x_forwarded_for,
                                            AnbuTrustedProxyFunc  is_trusted,
                                            gpointer              user_data);

G_END_DECLS
