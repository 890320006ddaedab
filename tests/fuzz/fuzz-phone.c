/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Korean phone numbers as typed into forms and CSV files
 * (src/core/anbu-phone.c). A normalised number normalises to itself, of the
 * same kind; validity and the E.164 form agree with normalisation. */
#include "config.h"

#include "anbu-phone.h"

#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *e164 = NULL;
  g_autoptr(GError) error = NULL;
  AnbuPhoneKind kind = 0;

  anbu_fuzz_init ();
  text = anbu_fuzz_strndup (data, size);
  normalized = anbu_phone_normalize ("phone", text, &kind, &error);
  ANBU_FUZZ_ASSERT ((normalized == NULL) == (error != NULL));
  ANBU_FUZZ_ASSERT (anbu_phone_is_valid (text) == (normalized != NULL));
  e164 = anbu_phone_to_e164 (text);
  if (normalized != NULL)
    {
      g_autofree char *again = NULL;
      AnbuPhoneKind again_kind = 0;

      again = anbu_phone_normalize ("phone", normalized, &again_kind, NULL);
      ANBU_FUZZ_ASSERT (again != NULL && strcmp (again, normalized) == 0);
      ANBU_FUZZ_ASSERT (again_kind == kind);
      ANBU_FUZZ_ASSERT (e164 == NULL || g_str_has_prefix (e164, "+82"));
    }
  else
    ANBU_FUZZ_ASSERT (e164 == NULL);
  return 0;
}
