/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "anbu-phone.h"

typedef struct
{
  const char    *input;
  const char    *canonical;
  AnbuPhoneKind  kind;
} GoodNumber;

static void
assert_good (const GoodNumber *cases,
             gsize             n)
{
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      AnbuPhoneKind kind = -1;
      g_autofree char *out = anbu_phone_normalize ("phone", cases[i].input, &kind, &error);
      g_autofree char *again = NULL;

      g_test_message ("input: %s", cases[i].input);
      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, cases[i].canonical);
      g_assert_cmpint (kind, ==, cases[i].kind);

      /* The canonical form is a fixed point. */
      again = anbu_phone_normalize ("phone", out, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (again, ==, out);
    }
}

static void
assert_bad (const char * const *inputs,
            gsize               n,
            gint                code)
{
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = anbu_phone_normalize ("contacts.0.phone", inputs[i], NULL, &error);
      g_autofree char *field = NULL;

      g_test_message ("input: %s", inputs[i] ? inputs[i] : "(null)");
      g_assert_null (out);
      g_assert_error (error, ANBU_RECORD_ERROR, code);
      field = anbu_record_error_dup_field (error);
      g_assert_cmpstr (field, ==, "contacts.0.phone");
      /* A sentence for people, not an empty string. */
      g_assert_cmpuint (strlen (anbu_record_error_get_reason (error)), >, 10);
      g_assert_false (anbu_phone_is_valid (inputs[i]));
    }
}

static void
test_mobile (void)
{
  static const GoodNumber cases[] = {
    { "010-1234-5678", "010-1234-5678", ANBU_PHONE_KIND_MOBILE },
    { "01012345678", "010-1234-5678", ANBU_PHONE_KIND_MOBILE },
    { "010 1234 5678", "010-1234-5678", ANBU_PHONE_KIND_MOBILE },
    { "010.1234.5678", "010-1234-5678", ANBU_PHONE_KIND_MOBILE },
    { "  010-9876-5432  ", "010-9876-5432", ANBU_PHONE_KIND_MOBILE },
    { "011-234-5678", "011-234-5678", ANBU_PHONE_KIND_MOBILE },
    { "016-2345-6789", "016-2345-6789", ANBU_PHONE_KIND_MOBILE },
    { "0192345678", "019-234-5678", ANBU_PHONE_KIND_MOBILE },
  };

  assert_good (cases, G_N_ELEMENTS (cases));
}

static void
test_country_code (void)
{
  static const GoodNumber cases[] = {
    { "+82 10-1234-5678", "010-1234-5678", ANBU_PHONE_KIND_MOBILE },
    { "+821012345678", "010-1234-5678", ANBU_PHONE_KIND_MOBILE },
    { "+82 (0)10 1234 5678", "010-1234-5678", ANBU_PHONE_KIND_MOBILE },
    { "+82 010-1234-5678", "010-1234-5678", ANBU_PHONE_KIND_MOBILE },
    { "0082-10-1234-5678", "010-1234-5678", ANBU_PHONE_KIND_MOBILE },
    { "82-10-1234-5678", "010-1234-5678", ANBU_PHONE_KIND_MOBILE },
    { "+82 2 123 4567", "02-123-4567", ANBU_PHONE_KIND_SEOUL },
    { "+82-51-234-5678", "051-234-5678", ANBU_PHONE_KIND_REGIONAL },
  };

  assert_good (cases, G_N_ELEMENTS (cases));
}

static void
test_landline (void)
{
  static const GoodNumber cases[] = {
    { "02-123-4567", "02-123-4567", ANBU_PHONE_KIND_SEOUL },
    { "02-2123-4567", "02-2123-4567", ANBU_PHONE_KIND_SEOUL },
    { "0221234567", "02-2123-4567", ANBU_PHONE_KIND_SEOUL },
    { "(02) 123-4567", "02-123-4567", ANBU_PHONE_KIND_SEOUL },
    { "031-123-4567", "031-123-4567", ANBU_PHONE_KIND_REGIONAL },
    { "031-8123-4567", "031-8123-4567", ANBU_PHONE_KIND_REGIONAL },
    { "0331234567", "033-123-4567", ANBU_PHONE_KIND_REGIONAL },
    { "041-550-1234", "041-550-1234", ANBU_PHONE_KIND_REGIONAL },
    { "044-300-1234", "044-300-1234", ANBU_PHONE_KIND_REGIONAL },
    { "051-888-1234", "051-888-1234", ANBU_PHONE_KIND_REGIONAL },
    { "055-123-4567", "055-123-4567", ANBU_PHONE_KIND_REGIONAL },
    { "061-123-4567", "061-123-4567", ANBU_PHONE_KIND_REGIONAL },
    { "064-710-1234", "064-710-1234", ANBU_PHONE_KIND_REGIONAL },
  };

  assert_good (cases, G_N_ELEMENTS (cases));
}

static void
test_service_numbers (void)
{
  static const GoodNumber cases[] = {
    { "070-1234-5678", "070-1234-5678", ANBU_PHONE_KIND_INTERNET },
    { "07012345678", "070-1234-5678", ANBU_PHONE_KIND_INTERNET },
    { "080-123-4567", "080-123-4567", ANBU_PHONE_KIND_FREEPHONE },
    { "080-2123-4567", "080-2123-4567", ANBU_PHONE_KIND_FREEPHONE },
    { "080-023-4567", "080-023-4567", ANBU_PHONE_KIND_FREEPHONE },
    { "1588-1234", "1588-1234", ANBU_PHONE_KIND_NATIONWIDE },
    { "15881234", "1588-1234", ANBU_PHONE_KIND_NATIONWIDE },
    { "1644 1234", "1644-1234", ANBU_PHONE_KIND_NATIONWIDE },
    { "1899-0000", "1899-0000", ANBU_PHONE_KIND_NATIONWIDE },
  };

  assert_good (cases, G_N_ELEMENTS (cases));
}

static void
test_bad_length (void)
{
  static const char * const inputs[] = {
    "010-123-4567",     /* mobile with 10 digits */
    "010-1234-56789",   /* mobile with 12 digits */
    "02-12-3456",       /* Seoul too short */
    "02-12345-67890",   /* Seoul too long */
    "031-12-3456",      /* regional too short */
    "070-123-4567",     /* internet phone with 10 digits */
    "1588-123",         /* nationwide with 7 digits */
    "1588-12345",
    "011-23-4567",
  };

  assert_bad (inputs, G_N_ELEMENTS (inputs), ANBU_RECORD_ERROR_INVALID_VALUE);
}

static void
test_bad_prefix (void)
{
  static const char * const inputs[] = {
    "012-3456-7890",    /* no such mobile code */
    "034-123-4567",     /* no such area code */
    "059-123-4567",
    "065-123-4567",
    "090-1234-5678",
    "1234-5678",        /* 12XX is not a nationwide prefix */
    "1700-1234",
    "2123-4567",        /* local number without area code */
    "+1 202 555 0143",  /* foreign */
    "001-1-202-555-0143",
    "02-012-3456",      /* exchange part starts with 0 */
    "010-0123-4567",
  };

  assert_bad (inputs, G_N_ELEMENTS (inputs), ANBU_RECORD_ERROR_INVALID_VALUE);
}

static void
test_emergency_numbers (void)
{
  static const char * const inputs[] = { "112", "119", "114", "1330" };

  assert_bad (inputs, G_N_ELEMENTS (inputs), ANBU_RECORD_ERROR_INVALID_VALUE);
}

static void
test_bad_characters (void)
{
  static const char * const inputs[] = {
    "010-1234-567O",    /* letter O for zero */
    "010/1234/5678",
    "전화 010-1234-5678",
    "010-1234-5678 ext 12",
    "+82+10-1234-5678",
    "01012345678\n",
  };

  assert_bad (inputs, G_N_ELEMENTS (inputs), ANBU_RECORD_ERROR_INVALID_VALUE);
}

static void
test_empty (void)
{
  static const char * const inputs[] = { "", "   ", NULL };

  assert_bad (inputs, G_N_ELEMENTS (inputs), ANBU_RECORD_ERROR_MISSING_FIELD);
}

static void
test_e164 (void)
{
  g_autofree char *mobile = anbu_phone_to_e164 ("010-1234-5678");
  g_autofree char *seoul = anbu_phone_to_e164 ("02 123 4567");
  g_autofree char *nationwide = anbu_phone_to_e164 ("1588-1234");
  g_autofree char *bad = anbu_phone_to_e164 ("119");

  g_assert_cmpstr (mobile, ==, "+821012345678");
  g_assert_cmpstr (seoul, ==, "+8221234567");
  g_assert_null (nationwide);
  g_assert_null (bad);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anbu/phone/mobile", test_mobile);
  g_test_add_func ("/anbu/phone/country-code", test_country_code);
  g_test_add_func ("/anbu/phone/landline", test_landline);
  g_test_add_func ("/anbu/phone/service-numbers", test_service_numbers);
  g_test_add_func ("/anbu/phone/bad-length", test_bad_length);
  g_test_add_func ("/anbu/phone/bad-prefix", test_bad_prefix);
  g_test_add_func ("/anbu/phone/emergency-numbers", test_emergency_numbers);
  g_test_add_func ("/anbu/phone/bad-characters", test_bad_characters);
  g_test_add_func ("/anbu/phone/empty", test_empty);
  g_test_add_func ("/anbu/phone/e164", test_e164);

  return g_test_run ();
}
