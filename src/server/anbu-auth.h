/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define ANBU_AUTH_ERROR (anbu_auth_error_quark ())

typedef enum
{
  ANBU_AUTH_ERROR_FAILED,         /* libsodium could not start or hash */
  ANBU_AUTH_ERROR_WEAK_PASSWORD,  /* too short or too long to accept */
} AnbuAuthError;

#define ANBU_PASSWORD_MIN_BYTES 8
#define ANBU_PASSWORD_MAX_BYTES 1024

GQuark    anbu_auth_error_quark   (void);

gboolean  anbu_auth_init          (GError     **error);

/* Argon2id (libsodium crypto_pwhash_str_alg), an encoded string with salt
 * and parameters. */
char     *anbu_password_hash      (const char  *password,
                                   GError     **error);

/* Constant work whether or not `hash` is NULL (unknown user), so timing
 * does not tell which usernames exist. */
gboolean  anbu_password_verify    (const char  *hash,
                                   const char  *password);

/* 32 random bytes, URL-safe base64 without padding. */
char     *anbu_token_new          (void);

/* What the database keeps instead of the token: BLAKE2b-256, hex. */
char     *anbu_token_hash         (const char  *token);

/* A bearer token longer than this is refused unread. */
#define ANBU_TOKEN_MAX_BYTES 256

/* The token of the request's "Authorization: Bearer TOKEN" header (spaces
 * after "Bearer" skipped), or NULL when there is none, it is empty or it is
 * longer than ANBU_TOKEN_MAX_BYTES. Points into the request headers. */
const char *anbu_auth_bearer_token (SoupServerMessage *msg);

G_END_DECLS
