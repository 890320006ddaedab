/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-auth"

#include "config.h"

#include <string.h>

#include <sodium.h>

#include "anbu-auth.h"

G_DEFINE_QUARK (anbu-auth-error-quark, anbu_auth_error)

gboolean
anbu_auth_init (GError **error)
{
  if (sodium_init () < 0)
    {
      g_set_error_literal (error, ANBU_AUTH_ERROR, ANBU_AUTH_ERROR_FAILED,
                           "Cannot initialise libsodium");
      return FALSE;
    }
  return TRUE;
}

char *
anbu_password_hash (const char  *password,
                    GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];
  gsize length;

  g_return_val_if_fail (password != NULL, NULL);

  length = strlen (password);
  if (length < ANBU_PASSWORD_MIN_BYTES || length > ANBU_PASSWORD_MAX_BYTES)
    {
      g_set_error (error, ANBU_AUTH_ERROR, ANBU_AUTH_ERROR_WEAK_PASSWORD,
                   "A password must be %d to %d bytes long",
                   ANBU_PASSWORD_MIN_BYTES, ANBU_PASSWORD_MAX_BYTES);
      return NULL;
    }
  if (crypto_pwhash_str_alg (hash, password, length,
                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE,
                             crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error_literal (error, ANBU_AUTH_ERROR, ANBU_AUTH_ERROR_FAILED,
                           "Cannot hash the password (out of memory)");
      return NULL;
    }
  return g_strdup (hash);
}

static const char *
dummy_hash (void)
{
  static char *hash;
  static gsize initialised;

  if (g_once_init_enter (&initialised))
    {
      hash = anbu_password_hash ("anbu-no-such-user-password", NULL);
      g_once_init_leave (&initialised, 1);
    }
  return hash;
}

gboolean
anbu_password_verify (const char *hash,
                      const char *password)
{
  gboolean known = hash != NULL;
  gsize length;

  g_return_val_if_fail (password != NULL, FALSE);

  length = strlen (password);
  if (!known)
    hash = dummy_hash ();
  if (hash == NULL || length > ANBU_PASSWORD_MAX_BYTES)
    return FALSE;
  return crypto_pwhash_str_verify (hash, password, length) == 0 && known;
}

char *
anbu_token_new (void)
{
  guchar bytes[32];
  char text[sodium_base64_ENCODED_LEN (32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (text, sizeof text, bytes, sizeof bytes,
                     sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (bytes, sizeof bytes);
  return g_strdup (text);
}

char *
anbu_token_hash (const char *token)
{
  guchar digest[crypto_generichash_BYTES];
  char hex[crypto_generichash_BYTES * 2 + 1];

  g_return_val_if_fail (token != NULL, NULL);

  crypto_generichash (digest, sizeof digest, (const guchar *) token, strlen (token), NULL, 0);
  sodium_bin2hex (hex, sizeof hex, digest, sizeof digest);
  return g_strdup (hex);
}

const char *
anbu_auth_bearer_token (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *value = NULL;
  SoupMessageHeadersIter iter;
  const char *name, *header_value;
  guint n = 0;

  /* Two Authorization headers are ambiguous (which one is checked depends
   * on who reads them): such a request has no credentials at all. */
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &header_value))
    if (g_ascii_strcasecmp (name, "Authorization") == 0)
      {
        value = header_value;
        n++;
      }
  if (n != 1)
    return NULL;
  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return NULL;
  value += 7;
  while (*value == ' ')
    value++;
  if (*value == '\0' || strlen (value) > ANBU_TOKEN_MAX_BYTES)
    return NULL;
  return value;
}
