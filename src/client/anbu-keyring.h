/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define ANBU_KEYRING_ERROR (anbu_keyring_error_quark ())

typedef enum
{
  ANBU_KEYRING_ERROR_WRONG_PASSWORD,  /* the password does not open this wrapped key */
  ANBU_KEYRING_ERROR_INVALID,         /* the wrapped key is damaged or of an unknown format */
  ANBU_KEYRING_ERROR_DAMAGED,         /* an encrypted blob does not authenticate */
  ANBU_KEYRING_ERROR_FAILED,          /* the key derivation could not run (out of memory) */
} AnbuKeyringError;

/* Bytes an encrypted blob has beyond its plaintext (nonce and tag). */
#define ANBU_KEYRING_OVERHEAD 40

/* Argon2id cost of a new wrapping: libsodium's "interactive" limits. */
#define ANBU_KEYRING_DEFAULT_OPSLIMIT 2
#define ANBU_KEYRING_DEFAULT_MEMLIMIT ((gsize) 64 * 1024 * 1024)

#define ANBU_TYPE_KEYRING (anbu_keyring_get_type ())
G_DECLARE_FINAL_TYPE (AnbuKeyring, anbu_keyring, ANBU, KEYRING, GObject)

GQuark       anbu_keyring_error_quark (void);

AnbuKeyring *anbu_keyring_new_random  (void);
AnbuKeyring *anbu_keyring_unwrap      (const char   *wrapped,
                                       const char   *password,
                                       GError      **error);
char        *anbu_keyring_wrap        (AnbuKeyring  *self,
                                       const char   *password,
                                       guint64       opslimit,
                                       gsize         memlimit,
                                       GError      **error);
char        *anbu_keyring_rewrap      (const char   *wrapped,
                                       const char   *old_password,
                                       const char   *new_password,
                                       GError      **error);

guint8      *anbu_keyring_encrypt     (AnbuKeyring  *self,
                                       const void   *plain,
                                       gsize         plain_len,
                                       const char   *context,
                                       gsize        *out_len);
guint8      *anbu_keyring_decrypt     (AnbuKeyring  *self,
                                       const void   *blob,
                                       gsize         blob_len,
                                       const char   *context,
                                       gsize        *out_len,
                                       GError      **error);

G_END_DECLS
