/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sodium.h>
#include <string.h>

#include "anbu-keyring.h"

#define FAST_OPS 1
#define FAST_MEM ((gsize) 8192)

static const char secret[] = "{\"name\":\"김영희\",\"phone\":\"010-1234-5678\"}";

static void
test_roundtrip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuKeyring) keyring = anbu_keyring_new_random ();
  g_autoptr(AnbuKeyring) reopened = NULL;
  g_autofree char *wrapped = NULL;
  g_autofree guint8 *blob = NULL;
  g_autofree guint8 *plain = NULL;
  gsize blob_len = 0, plain_len = 0;

  wrapped = anbu_keyring_wrap (keyring, "correct horse", FAST_OPS, FAST_MEM, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (wrapped, "argon2id13$1$8192$"));

  blob = anbu_keyring_encrypt (keyring, secret, strlen (secret), "household/h1", &blob_len);
  g_assert_cmpuint (blob_len, ==, strlen (secret) + ANBU_KEYRING_OVERHEAD);
  g_assert_null (memmem (blob, blob_len, "010-1234", 8));

  reopened = anbu_keyring_unwrap (wrapped, "correct horse", &error);
  g_assert_no_error (error);
  plain = anbu_keyring_decrypt (reopened, blob, blob_len, "household/h1", &plain_len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr ((char *) plain, ==, secret);
  g_assert_cmpuint (plain_len, ==, strlen (secret));
}

static void
test_wrong_password (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuKeyring) keyring = anbu_keyring_new_random ();
  g_autofree char *wrapped = anbu_keyring_wrap (keyring, "correct horse", FAST_OPS, FAST_MEM, NULL);
  AnbuKeyring *opened;

  opened = anbu_keyring_unwrap (wrapped, "correct hors", &error);
  g_assert_error (error, ANBU_KEYRING_ERROR, ANBU_KEYRING_ERROR_WRONG_PASSWORD);
  g_assert_null (opened);
  g_clear_error (&error);

  opened = anbu_keyring_unwrap (wrapped, "", &error);
  g_assert_error (error, ANBU_KEYRING_ERROR, ANBU_KEYRING_ERROR_WRONG_PASSWORD);
  g_assert_null (opened);
}

static void
test_default_cost (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuKeyring) keyring = anbu_keyring_new_random ();
  g_autoptr(AnbuKeyring) opened = NULL;
  g_autofree char *wrapped = NULL;
  g_autofree char *expected = g_strdup_printf ("$%d$%" G_GSIZE_FORMAT "$", ANBU_KEYRING_DEFAULT_OPSLIMIT,
                                               ANBU_KEYRING_DEFAULT_MEMLIMIT);

  wrapped = anbu_keyring_wrap (keyring, "pw", ANBU_KEYRING_DEFAULT_OPSLIMIT,
                               ANBU_KEYRING_DEFAULT_MEMLIMIT, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (wrapped, expected));
  opened = anbu_keyring_unwrap (wrapped, "pw", &error);
  g_assert_no_error (error);
  g_assert_nonnull (opened);
}

/* Lowering the stored cost (to brute-force faster) must not yield a key. */
static void
test_tampered_parameters (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuKeyring) keyring = anbu_keyring_new_random ();
  g_autofree char *wrapped = anbu_keyring_wrap (keyring, "pw", 2, FAST_MEM, NULL);
  g_auto(GStrv) parts = g_strsplit (wrapped, "$", 0);
  g_autofree char *tampered = NULL;
  AnbuKeyring *opened;

  g_free (parts[2]);
  parts[2] = g_strdup ("1");
  tampered = g_strjoinv ("$", parts);
  opened = anbu_keyring_unwrap (tampered, "pw", &error);
  g_assert_null (opened);
  g_assert_error (error, ANBU_KEYRING_ERROR, ANBU_KEYRING_ERROR_WRONG_PASSWORD);
}

static void
test_invalid_wrapped (void)
{
  const char *bad[] = {
    "",
    "garbage",
    "anbu-key-9$argon2id13$1$8192$AAAA$AAAA$AAAA",
    "anbu-key-1$scrypt$1$8192$AAAA$AAAA$AAAA",
    "anbu-key-1$argon2id13$x$8192$AAAA$AAAA$AAAA",
    "anbu-key-1$argon2id13$1$99999999999999$AAAA$AAAA$AAAA",
    "anbu-key-1$argon2id13$1$8192$!!!!$AAAA$AAAA",
    "anbu-key-1$argon2id13$1$8192$AAAA$AAAA$AAAA",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      AnbuKeyring *opened = anbu_keyring_unwrap (bad[i], "pw", &error);

      g_assert_null (opened);
      g_assert_error (error, ANBU_KEYRING_ERROR, ANBU_KEYRING_ERROR_INVALID);
    }
}

static void
test_rewrap (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuKeyring) keyring = anbu_keyring_new_random ();
  g_autoptr(AnbuKeyring) opened = NULL;
  g_autofree char *wrapped = anbu_keyring_wrap (keyring, "old", FAST_OPS, FAST_MEM, NULL);
  g_autofree char *rewrapped = NULL;
  g_autofree guint8 *blob = NULL;
  g_autofree guint8 *plain = NULL;
  gsize blob_len = 0;

  blob = anbu_keyring_encrypt (keyring, secret, strlen (secret), "c", &blob_len);

  g_assert_null (anbu_keyring_rewrap (wrapped, "wrong", "new", &error));
  g_assert_error (error, ANBU_KEYRING_ERROR, ANBU_KEYRING_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);

  rewrapped = anbu_keyring_rewrap (wrapped, "old", "new", &error);
  g_assert_no_error (error);
  g_assert_null (anbu_keyring_unwrap (rewrapped, "old", &error));
  g_assert_error (error, ANBU_KEYRING_ERROR, ANBU_KEYRING_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);

  opened = anbu_keyring_unwrap (rewrapped, "new", &error);
  g_assert_no_error (error);
  plain = anbu_keyring_decrypt (opened, blob, blob_len, "c", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr ((char *) plain, ==, secret);
}

static void
test_damaged_blob (void)
{
  g_autoptr(AnbuKeyring) keyring = anbu_keyring_new_random ();
  g_autoptr(AnbuKeyring) other = anbu_keyring_new_random ();
  g_autofree guint8 *blob = NULL;
  gsize blob_len = 0;
  GError *error = NULL;

  blob = anbu_keyring_encrypt (keyring, secret, strlen (secret), "household/h1", &blob_len);

  /* wrong context: a blob copied to another row */
  g_assert_null (anbu_keyring_decrypt (keyring, blob, blob_len, "household/h2", NULL, &error));
  g_assert_error (error, ANBU_KEYRING_ERROR, ANBU_KEYRING_ERROR_DAMAGED);
  g_clear_error (&error);

  /* another key */
  g_assert_null (anbu_keyring_decrypt (other, blob, blob_len, "household/h1", NULL, &error));
  g_assert_error (error, ANBU_KEYRING_ERROR, ANBU_KEYRING_ERROR_DAMAGED);
  g_clear_error (&error);

  /* truncated */
  g_assert_null (anbu_keyring_decrypt (keyring, blob, 10, "household/h1", NULL, &error));
  g_assert_error (error, ANBU_KEYRING_ERROR, ANBU_KEYRING_ERROR_DAMAGED);
  g_clear_error (&error);

  /* one flipped bit */
  blob[blob_len / 2] ^= 1;
  g_assert_null (anbu_keyring_decrypt (keyring, blob, blob_len, "household/h1", NULL, &error));
  g_assert_error (error, ANBU_KEYRING_ERROR, ANBU_KEYRING_ERROR_DAMAGED);
  g_clear_error (&error);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/keyring/roundtrip", test_roundtrip);
  g_test_add_func ("/anbu/keyring/wrong-password", test_wrong_password);
  g_test_add_func ("/anbu/keyring/default-cost", test_default_cost);
  g_test_add_func ("/anbu/keyring/tampered-parameters", test_tampered_parameters);
  g_test_add_func ("/anbu/keyring/invalid-wrapped-key", test_invalid_wrapped);
  g_test_add_func ("/anbu/keyring/rewrap", test_rewrap);
  g_test_add_func ("/anbu/keyring/damaged-blob", test_damaged_blob);

  return g_test_run ();
}
