/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-keyring"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "anbu-keyring.h"

/* The data key encrypts every record and outbox entry of the replica with
 * XChaCha20-Poly1305; it is random and never leaves memory unwrapped. It is
 * stored wrapped: encrypted with a key derived by Argon2id from the planner's
 * password, with the derivation parameters beside it:
 *
 *   anbu-key-1$argon2id13$OPSLIMIT$MEMLIMIT$SALT$NONCE$CIPHERTEXT   (base64)
 *
 * The text before the nonce is the associated data of the wrapping, so the
 * parameters cannot be weakened without the unwrap failing. */

#define WRAP_FORMAT "anbu-key-1"
#define WRAP_ALG "argon2id13"
#define KEY_BYTES crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES

/* A tampered file must not make us allocate the machine away. */
#define MAX_MEMLIMIT ((gsize) 1024 * 1024 * 1024)
#define MAX_OPSLIMIT 64

G_STATIC_ASSERT (ANBU_KEYRING_OVERHEAD == NONCE_BYTES + TAG_BYTES);

struct _AnbuKeyring
{
  GObject  parent_instance;
  guint8  *key;   /* sodium_malloc'd, KEY_BYTES */
};

G_DEFINE_TYPE (AnbuKeyring, anbu_keyring, G_TYPE_OBJECT)

G_DEFINE_QUARK (anbu-keyring-error-quark, anbu_keyring_error)

/* libsodium must be initialised before its first use, whichever public
 * function comes first in a process. */
static void
ensure_sodium (void)
{
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      if (sodium_init () < 0)
        g_error ("libsodium cannot be initialised");
      g_once_init_leave (&initialised, 1);
    }
}

static gboolean
derive_key (const char  *password,
            const guint8 *salt,
            guint64      opslimit,
            gsize        memlimit,
            guint8      *out_key,
            GError     **error)
{
  if (crypto_pwhash (out_key, KEY_BYTES, password, strlen (password), salt,
                     opslimit, memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error (error, ANBU_KEYRING_ERROR, ANBU_KEYRING_ERROR_FAILED,
                   _("Not enough memory to derive the key from the password"));
      return FALSE;
    }
  return TRUE;
}

static guint8 *
decode_part (const char *text,
             gsize       expected_len,
             gsize      *out_len)
{
  g_autofree guint8 *data = NULL;
  gsize len = 0;

  if (text == NULL || *text == '\0')
    return NULL;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=')
      return NULL;
  data = g_base64_decode (text, &len);
  if (data == NULL || (expected_len > 0 && len != expected_len))
    return NULL;
  if (out_len)
    *out_len = len;
  return g_steal_pointer (&data);
}

static void
anbu_keyring_finalize (GObject *object)
{
  AnbuKeyring *self = ANBU_KEYRING (object);

  g_clear_pointer (&self->key, sodium_free);

  G_OBJECT_CLASS (anbu_keyring_parent_class)->finalize (object);
}

static void
anbu_keyring_class_init (AnbuKeyringClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = anbu_keyring_finalize;

  ensure_sodium ();
}

static void
anbu_keyring_init (AnbuKeyring *self)
{
  self->key = sodium_malloc (KEY_BYTES);
  if (self->key == NULL)
    g_error ("Cannot allocate protected memory for the data key");
}

/**
 * anbu_keyring_new_random:
 *
 * Makes a new random data key (for a new replica).
 */
AnbuKeyring *
anbu_keyring_new_random (void)
{
  AnbuKeyring *self = g_object_new (ANBU_TYPE_KEYRING, NULL);

  crypto_aead_xchacha20poly1305_ietf_keygen (self->key);
  return self;
}

/**
 * anbu_keyring_wrap:
 *
 * Returns the data key encrypted with a key derived from @password, as one
 * line of text to store beside the data it protects.
 */
char *
anbu_keyring_wrap (AnbuKeyring  *self,
                   const char   *password,
                   guint64       opslimit,
                   gsize         memlimit,
                   GError      **error)
{
  guint8 salt[crypto_pwhash_SALTBYTES];
  guint8 nonce[NONCE_BYTES];
  guint8 sealed[KEY_BYTES + TAG_BYTES];
  guint8 *wrapping_key;
  unsigned long long sealed_len = 0;
  g_autofree char *salt64 = NULL;
  g_autofree char *nonce64 = NULL;
  g_autofree char *sealed64 = NULL;
  g_autofree char *header = NULL;

  g_return_val_if_fail (ANBU_IS_KEYRING (self), NULL);
  g_return_val_if_fail (password != NULL, NULL);
  g_return_val_if_fail (opslimit >= crypto_pwhash_OPSLIMIT_MIN && opslimit <= MAX_OPSLIMIT, NULL);
  g_return_val_if_fail (memlimit >= crypto_pwhash_MEMLIMIT_MIN && memlimit <= MAX_MEMLIMIT, NULL);

  randombytes_buf (salt, sizeof salt);
  randombytes_buf (nonce, sizeof nonce);
  salt64 = g_base64_encode (salt, sizeof salt);
  header = g_strdup_printf (WRAP_FORMAT "$" WRAP_ALG "$%" G_GUINT64_FORMAT "$%" G_GSIZE_FORMAT "$%s",
                            opslimit, memlimit, salt64);

  wrapping_key = sodium_malloc (KEY_BYTES);
  if (wrapping_key == NULL || !derive_key (password, salt, opslimit, memlimit, wrapping_key, error))
    {
      if (wrapping_key == NULL)
        g_set_error (error, ANBU_KEYRING_ERROR, ANBU_KEYRING_ERROR_FAILED,
                     _("Not enough memory to derive the key from the password"));
      g_clear_pointer (&wrapping_key, sodium_free);
      return NULL;
    }

  crypto_aead_xchacha20poly1305_ietf_encrypt (sealed, &sealed_len, self->key, KEY_BYTES,
                                              (const guint8 *) header, strlen (header),
                                              NULL, nonce, wrapping_key);
  sodium_free (wrapping_key);

  nonce64 = g_base64_encode (nonce, sizeof nonce);
  sealed64 = g_base64_encode (sealed, (gsize) sealed_len);
  return g_strdup_printf ("%s$%s$%s", header, nonce64, sealed64);
}

/**
 * anbu_keyring_unwrap:
 *
 * Opens a wrapped key with @password. A wrong password fails with
 * %ANBU_KEYRING_ERROR_WRONG_PASSWORD and yields no key.
 */
AnbuKeyring *
anbu_keyring_unwrap (const char  *wrapped,
                     const char  *password,
                     GError     **error)
{
  g_auto(GStrv) parts = NULL;
  g_autofree guint8 *salt = NULL;
  g_autofree guint8 *nonce = NULL;
  g_autofree guint8 *sealed = NULL;
  g_autoptr(AnbuKeyring) self = NULL;
  g_autofree char *header = NULL;
  guint8 *wrapping_key;
  gsize sealed_len = 0;
  guint64 opslimit;
  guint64 memlimit;
  unsigned long long key_len = 0;
  char *end = NULL;
  int rc;

  g_return_val_if_fail (wrapped != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);

  ensure_sodium ();
  parts = g_strsplit (wrapped, "$", 0);
  if (g_strv_length (parts) != 7 || g_strcmp0 (parts[0], WRAP_FORMAT) != 0
      || g_strcmp0 (parts[1], WRAP_ALG) != 0)
    goto invalid;

  opslimit = g_ascii_strtoull (parts[2], &end, 10);
  if (end == parts[2] || *end != '\0' || opslimit < crypto_pwhash_OPSLIMIT_MIN
      || opslimit > MAX_OPSLIMIT)
    goto invalid;
  memlimit = g_ascii_strtoull (parts[3], &end, 10);
  if (end == parts[3] || *end != '\0' || memlimit < crypto_pwhash_MEMLIMIT_MIN
      || memlimit > MAX_MEMLIMIT)
    goto invalid;

  salt = decode_part (parts[4], crypto_pwhash_SALTBYTES, NULL);
  nonce = decode_part (parts[5], NONCE_BYTES, NULL);
  sealed = decode_part (parts[6], KEY_BYTES + TAG_BYTES, &sealed_len);
  if (salt == NULL || nonce == NULL || sealed == NULL)
    goto invalid;

  header = g_strjoin ("$", parts[0], parts[1], parts[2], parts[3], parts[4], NULL);

  wrapping_key = sodium_malloc (KEY_BYTES);
  if (wrapping_key == NULL
      || !derive_key (password, salt, opslimit, (gsize) memlimit, wrapping_key, error))
    {
      if (wrapping_key == NULL)
        g_set_error (error, ANBU_KEYRING_ERROR, ANBU_KEYRING_ERROR_FAILED,
                     _("Not enough memory to derive the key from the password"));
      g_clear_pointer (&wrapping_key, sodium_free);
      return NULL;
    }

  self = g_object_new (ANBU_TYPE_KEYRING, NULL);
  rc = crypto_aead_xchacha20poly1305_ietf_decrypt (self->key, &key_len, NULL,
                                                   sealed, sealed_len,
                                                   (const guint8 *) header, strlen (header),
                                                   nonce, wrapping_key);
  sodium_free (wrapping_key);
  if (rc != 0 || key_len != KEY_BYTES)
    {
      g_set_error (error, ANBU_KEYRING_ERROR, ANBU_KEYRING_ERROR_WRONG_PASSWORD,
                   _("The password is not correct"));
      return NULL;
    }
  return g_steal_pointer (&self);

invalid:
  g_set_error (error, ANBU_KEYRING_ERROR, ANBU_KEYRING_ERROR_INVALID,
               _("The stored key is damaged or was written by an unknown version"));
  return NULL;
}

/**
 * anbu_keyring_rewrap:
 *
 * Changes the password of a wrapped key: the data key stays the same, so
 * nothing it encrypted needs rewriting. The new wrapping keeps the cost
 * parameters of the old one (or the defaults if those were lower).
 */
char *
anbu_keyring_rewrap (const char  *wrapped,
                     const char  *old_password,
                     const char  *new_password,
                     GError     **error)
{
  g_autoptr(AnbuKeyring) keyring = NULL;
  g_auto(GStrv) parts = NULL;
  guint64 opslimit;
  guint64 memlimit;

  keyring = anbu_keyring_unwrap (wrapped, old_password, error);
  if (keyring == NULL)
    return NULL;

  parts = g_strsplit (wrapped, "$", 0);
  opslimit = g_ascii_strtoull (parts[2], NULL, 10);
  memlimit = g_ascii_strtoull (parts[3], NULL, 10);
  return anbu_keyring_wrap (keyring, new_password, opslimit, (gsize) memlimit, error);
}

/**
 * anbu_keyring_encrypt:
 * @context: what the blob is (for example "household/ID"); the same context
 *   must be given to decrypt it, so a blob moved to another row fails.
 *
 * Returns: nonce, ciphertext and tag, @plain_len + %ANBU_KEYRING_OVERHEAD bytes.
 */
guint8 *
anbu_keyring_encrypt (AnbuKeyring *self,
                      const void  *plain,
                      gsize        plain_len,
                      const char  *context,
                      gsize       *out_len)
{
  guint8 *blob;
  unsigned long long sealed_len = 0;

  g_return_val_if_fail (ANBU_IS_KEYRING (self), NULL);
  g_return_val_if_fail (plain != NULL || plain_len == 0, NULL);
  g_return_val_if_fail (context != NULL, NULL);

  blob = g_malloc (plain_len + ANBU_KEYRING_OVERHEAD);
  randombytes_buf (blob, NONCE_BYTES);
  crypto_aead_xchacha20poly1305_ietf_encrypt (blob + NONCE_BYTES, &sealed_len, plain, plain_len,
                                              (const guint8 *) context, strlen (context),
                                              NULL, blob, self->key);
  if (out_len)
    *out_len = NONCE_BYTES + (gsize) sealed_len;
  return blob;
}

/**
 * anbu_keyring_decrypt:
 *
 * Returns: the plaintext, followed by a NUL byte not counted in @out_len
 *   (so JSON text can be parsed directly), or %NULL with
 *   %ANBU_KEYRING_ERROR_DAMAGED if the blob does not authenticate.
 */
guint8 *
anbu_keyring_decrypt (AnbuKeyring  *self,
                      const void   *blob,
                      gsize         blob_len,
                      const char   *context,
                      gsize        *out_len,
                      GError      **error)
{
  g_autofree guint8 *plain = NULL;
  unsigned long long plain_len = 0;
  const guint8 *bytes = blob;

  g_return_val_if_fail (ANBU_IS_KEYRING (self), NULL);
  g_return_val_if_fail (context != NULL, NULL);

  if (bytes == NULL || blob_len < ANBU_KEYRING_OVERHEAD)
    goto damaged;

  plain = g_malloc (blob_len - ANBU_KEYRING_OVERHEAD + 1);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt (plain, &plain_len, NULL,
                                                  bytes + NONCE_BYTES, blob_len - NONCE_BYTES,
                                                  (const guint8 *) context, strlen (context),
                                                  bytes, self->key) != 0)
    goto damaged;

  plain[plain_len] = '\0';
  if (out_len)
    *out_len = (gsize) plain_len;
  return g_steal_pointer (&plain);

damaged:
  g_set_error (error, ANBU_KEYRING_ERROR, ANBU_KEYRING_ERROR_DAMAGED,
               _("Stored data is damaged and cannot be decrypted"));
  return NULL;
}
