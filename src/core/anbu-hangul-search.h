/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Search as a Korean planner types: 초성 (initial consonant) queries, mixed
 * queries, phone numbers without dashes and plug serials.
 *
 * Normalisation (both sides): NFC, case folded, spaces, punctuation and
 * control characters dropped ("010-1234-5678" → "01012345678",
 * "AB-0012" → "ab0012"); conjoining initial jamo (U+1100..) become the
 * compatibility consonants a keyboard types (ㄱ U+3131..).
 *
 * A query is split at white space into terms; every term must occur in the
 * text (in any order). Inside a term, a compatibility consonant matches a
 * syllable with that initial ("ㄱㅇㅅ" finds 김영수, "김ㅇ" finds 김영수),
 * and the last syllable of a term also matches while it is still being
 * composed by the input method ("김여" and "김영" both find 김영수; "김" finds
 * 기민 because its final ㅁ may become the next initial).
 *
 * A key made of several fields (anbu_hangul_key_new_for_fields()) never
 * matches across two fields, and a term made only of initial consonants
 * looks in the first field alone (the name): ㄱㅇㅅ means 김영수, not
 * 강남구 역삼로.
 */

typedef struct _AnbuHangulQuery AnbuHangulQuery;
typedef struct _AnbuHangulKey   AnbuHangulKey;

char            *anbu_hangul_normalize          (const char            *text);
char            *anbu_hangul_extract_choseong   (const char            *text);
gboolean         anbu_hangul_is_choseong        (gunichar               c);

/* A prepared text to match many queries against (one per household:
 * the fields joined with anbu_hangul_key_new_for_fields()). */
AnbuHangulKey   *anbu_hangul_key_new            (const char            *text);
AnbuHangulKey   *anbu_hangul_key_new_for_fields (const char * const    *fields,
                                                 gsize                  n_fields);
void             anbu_hangul_key_free           (AnbuHangulKey         *key);

AnbuHangulQuery *anbu_hangul_query_new          (const char            *query);
void             anbu_hangul_query_free         (AnbuHangulQuery       *query);
gboolean         anbu_hangul_query_is_empty     (const AnbuHangulQuery *query);
gboolean         anbu_hangul_query_matches_key  (const AnbuHangulQuery *query,
                                                 const AnbuHangulKey   *key);
gboolean         anbu_hangul_query_matches      (const AnbuHangulQuery *query,
                                                 const char            *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuHangulKey, anbu_hangul_key_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuHangulQuery, anbu_hangul_query_free)

G_END_DECLS
