/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "anbu-hangul-search.h"

static gboolean
finds (const char *query,
       const char *text)
{
  g_autoptr(AnbuHangulQuery) q = anbu_hangul_query_new (query);

  return anbu_hangul_query_matches (q, text);
}

static void
test_normalize (void)
{
  g_autofree char *phone = anbu_hangul_normalize ("010-1234-5678");
  g_autofree char *serial = anbu_hangul_normalize (" AB-0012.X ");
  g_autofree char *address = anbu_hangul_normalize ("서울특별시 강남구 역삼로 12 (역삼동)");
  /* Decomposed Hangul (as some file systems and Macs send it) composes. */
  g_autofree char *nfd = anbu_hangul_normalize ("\xe1\x84\x80\xe1\x85\xb5\xe1\x86\xb7");

  g_assert_cmpstr (phone, ==, "01012345678");
  g_assert_cmpstr (serial, ==, "ab0012x");
  g_assert_cmpstr (address, ==, "서울특별시강남구역삼로12역삼동");
  g_assert_cmpstr (nfd, ==, "김");
}

static void
test_extract_choseong (void)
{
  g_autofree char *name = anbu_hangul_extract_choseong ("김영수");
  g_autofree char *mixed = anbu_hangul_extract_choseong ("이 Anna 쌍둥이");
  g_autofree char *empty = anbu_hangul_extract_choseong (NULL);

  g_assert_cmpstr (name, ==, "ㄱㅇㅅ");
  g_assert_cmpstr (mixed, ==, "ㅇannaㅆㄷㅇ");
  g_assert_cmpstr (empty, ==, "");
  g_assert_true (anbu_hangul_is_choseong (0x3131));
  g_assert_false (anbu_hangul_is_choseong (0x314F)); /* ㅏ is a vowel */
}

static void
test_choseong_query (void)
{
  g_assert_true (finds ("ㄱㅇㅅ", "김영수"));
  g_assert_true (finds ("ㅇㅅ", "김영수"));
  g_assert_true (finds ("ㄱㅇ", "김영수"));
  g_assert_false (finds ("ㄱㅅㅇ", "김영수"));
  g_assert_false (finds ("ㄴㅇㅅ", "김영수"));
  /* Double consonants are their own initials. */
  g_assert_true (finds ("ㄲㅊ", "꽃님이 까치"));
  g_assert_false (finds ("ㄱㅊ", "꽃님이 까치"));
}

static void
test_mixed_query (void)
{
  g_assert_true (finds ("김ㅇ", "김영수"));
  g_assert_true (finds ("김ㅇㅅ", "김영수"));
  g_assert_true (finds ("ㄱ영ㅅ", "김영수"));
  g_assert_false (finds ("이ㅇ", "김영수"));
  g_assert_false (finds ("김ㅅ", "김영수"));
}

static void
test_while_composing (void)
{
  /* Every step the input method shows on the way to 김영수 finds it. */
  const char *steps[] = { "ㄱ", "기", "김", "김ㅇ", "김여", "김영", "김영ㅅ", "김영수" };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_test_message ("step %s", steps[i]);
      g_assert_true (finds (steps[i], "김영수"));
    }
  /* The final of the last syllable may still move to the next one: 김 → 기민. */
  g_assert_true (finds ("김", "기민"));
  g_assert_true (finds ("이민", "이미나"));
  /* Only the last syllable is open; earlier ones are finished. */
  g_assert_false (finds ("여수", "영수"));
  g_assert_false (finds ("김", "기수"));
}

static void
test_phone_and_serial (void)
{
  g_assert_true (finds ("01012345678", "010-1234-5678"));
  g_assert_true (finds ("1234-5678", "010-1234-5678"));
  g_assert_true (finds ("5678", "010-1234-5678"));
  g_assert_false (finds ("01056781234", "010-1234-5678"));
  g_assert_true (finds ("ab-0012", "AB0012X"));
  g_assert_true (finds ("0012x", "AB-0012-X"));
}

static void
test_terms_and_fields (void)
{
  const char *fields[] = { "김영수", "서울 강남구 역삼로 12", NULL, "010-1234-5678", "PLG-7731" };
  g_autoptr(AnbuHangulKey) key = anbu_hangul_key_new_for_fields (fields, G_N_ELEMENTS (fields));
  g_autoptr(AnbuHangulQuery) both = anbu_hangul_query_new ("김영수 역삼");
  g_autoptr(AnbuHangulQuery) serial = anbu_hangul_query_new ("plg7731");
  g_autoptr(AnbuHangulQuery) wrong = anbu_hangul_query_new ("김영수 서초");
  /* A match never spans two fields: 수 at the end of the name and 서 at the
   * start of the address are not "수서". */
  g_autoptr(AnbuHangulQuery) across = anbu_hangul_query_new ("수서");
  g_autoptr(AnbuHangulQuery) empty = anbu_hangul_query_new ("  - ");
  g_autoptr(AnbuHangulQuery) initials_in_address = anbu_hangul_query_new ("ㄱㅇㅅ ㅇㅅㄹ");
  g_autoptr(AnbuHangulQuery) mixed_in_address = anbu_hangul_query_new ("역ㅅ");

  g_assert_true (anbu_hangul_query_matches_key (both, key));
  g_assert_true (anbu_hangul_query_matches_key (serial, key));
  g_assert_false (anbu_hangul_query_matches_key (wrong, key));
  g_assert_false (anbu_hangul_query_matches_key (across, key));
  g_assert_false (anbu_hangul_query_matches_key (initials_in_address, key));
  g_assert_true (anbu_hangul_query_matches_key (mixed_in_address, key));
  g_assert_true (anbu_hangul_query_is_empty (empty));
  g_assert_true (anbu_hangul_query_matches_key (empty, key));
}

static void
test_case_and_latin (void)
{
  g_assert_true (finds ("anna", "ANNA Kim"));
  g_assert_true (finds ("KIM", "anna kim"));
  g_assert_false (finds ("kin", "anna kim"));
}

static void
test_bad_input (void)
{
  /* Invalid UTF-8 from a paste must neither crash nor match everything. */
  g_assert_false (finds ("\xff\xfe", "김영수"));
  g_assert_true (finds ("김", "\xff김영수"));
  g_assert_false (finds ("김영수", NULL));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anbu/hangul-search/normalize", test_normalize);
  g_test_add_func ("/anbu/hangul-search/extract-choseong", test_extract_choseong);
  g_test_add_func ("/anbu/hangul-search/choseong-query", test_choseong_query);
  g_test_add_func ("/anbu/hangul-search/mixed-query", test_mixed_query);
  g_test_add_func ("/anbu/hangul-search/while-composing", test_while_composing);
  g_test_add_func ("/anbu/hangul-search/phone-and-serial", test_phone_and_serial);
  g_test_add_func ("/anbu/hangul-search/terms-and-fields", test_terms_and_fields);
  g_test_add_func ("/anbu/hangul-search/case-and-latin", test_case_and_latin);
  g_test_add_func ("/anbu/hangul-search/bad-input", test_bad_input);

  return g_test_run ();
}
