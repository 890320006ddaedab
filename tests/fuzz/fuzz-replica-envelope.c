/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the app's replica reads back from its database file, which anything
 * on the machine may have damaged: the sealed blob (anbu_keyring_decrypt()),
 * then the stored JSON as the replica parses it (_anbu_replica_parse_object())
 * and decodes it: a record of each kind, or an outbox entry's mutation
 * payload. The first byte picks the kind; the rest is the stored text. */
#include "config.h"

#include "anbu-keyring.h"
#include "anbu-mutation-apply.h"
#include "anbu-replica-private.h"

#include "fuzz-common.h"

static const char * const kinds[] = {
  "household", "plug", "alert", "visit", "contact", "absence", "outbox", "conflict",
};

/* Decodes and drops a record: what counts is that the decoder survives. */
#define DECODE(Type, prefix, object)                     \
  G_STMT_START {                                         \
    Type *record = prefix##_from_json ((object), NULL);  \
    if (record != NULL)                                  \
      prefix##_free (record);                            \
  } G_STMT_END

static void
decode (const char *kind,
        JsonObject *object,
        guint8      selector)
{
  if (strcmp (kind, "household") == 0)
    DECODE (AnbuHousehold, anbu_household, object);
  else if (strcmp (kind, "plug") == 0)
    DECODE (AnbuPlug, anbu_plug, object);
  else if (strcmp (kind, "alert") == 0)
    DECODE (AnbuAlert, anbu_alert, object);
  else if (strcmp (kind, "visit") == 0)
    DECODE (AnbuVisit, anbu_visit, object);
  else if (strcmp (kind, "contact") == 0)
    DECODE (AnbuContact, anbu_contact, object);
  else if (strcmp (kind, "absence") == 0)
    DECODE (AnbuAbsence, anbu_absence, object);
  else if (strcmp (kind, "outbox") == 0)
    {
      /* An outbox payload is checked as the kind of its entry. */
      AnbuMutationKind mutation_kind = (AnbuMutationKind) (selector / G_N_ELEMENTS (kinds)
                                                           % (ANBU_MUTATION_KIND_ALERT_RESOLVE + 1));

      anbu_mutation_validate_payload (mutation_kind, object, NULL);
    }
  else
    {
      _anbu_replica_object_get_string (object, "field");
      _anbu_replica_object_get_int (object, "version", 0);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static AnbuKeyring *keyring;
  g_autofree guint8 *blob = NULL;
  g_autofree guint8 *plain = NULL;
  g_autofree char *text = NULL;
  g_autofree char *context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  const char *kind;
  gsize blob_len = 0, plain_len = 0;

  anbu_fuzz_init ();
  if (keyring == NULL)
    keyring = anbu_keyring_new_random ();

  /* The bytes as a damaged blob: refused, whatever their length. */
  plain = anbu_keyring_decrypt (keyring, data, size, "household/x", &plain_len, &error);
  ANBU_FUZZ_ASSERT (plain == NULL && error != NULL);
  g_clear_error (&error);

  if (size == 0)
    return 0;
  kind = kinds[data[0] % G_N_ELEMENTS (kinds)];
  text = anbu_fuzz_strndup (data + 1, size - 1);
  context = g_strconcat (kind, "/", "a0000000-0000-4000-8000-000000000001", NULL);

  /* Sealed and opened again: the same text, and refused under another row. */
  blob = anbu_keyring_encrypt (keyring, text, strlen (text), context, &blob_len);
  ANBU_FUZZ_ASSERT (blob_len == strlen (text) + ANBU_KEYRING_OVERHEAD);
  plain = anbu_keyring_decrypt (keyring, blob, blob_len, context, &plain_len, NULL);
  ANBU_FUZZ_ASSERT (plain != NULL && plain_len == strlen (text));
  ANBU_FUZZ_ASSERT (memcmp (plain, text, plain_len) == 0 && plain[plain_len] == '\0');
  ANBU_FUZZ_ASSERT (anbu_keyring_decrypt (keyring, blob, blob_len, "household/y", NULL, NULL) == NULL);

  object = _anbu_replica_parse_object ((const char *) plain, &error);
  ANBU_FUZZ_ASSERT ((object == NULL) == (error != NULL));
  if (object != NULL)
    decode (kind, object, data[0]);
  return 0;
}
