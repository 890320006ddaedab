/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-hangul-search"

#include "config.h"

#include <string.h>

#include "anbu-hangul-search.h"

/* Hangul syllables: U+AC00 + (initial * 21 + medial) * 28 + final. */
#define SYLLABLE_FIRST 0xAC00
#define SYLLABLE_LAST  0xD7A3
#define N_MEDIALS      21
#define N_FINALS       28
#define FIELD_SEPARATOR 0x1  /* never in a normalised query: control characters are dropped */

/* The 19 initials as compatibility jamo (what a keyboard types alone). */
static const gunichar choseong_compat[19] = {
  0x3131, 0x3132, 0x3134, 0x3137, 0x3138, 0x3139, 0x3141, 0x3142, 0x3143, 0x3145,
  0x3146, 0x3147, 0x3148, 0x3149, 0x314A, 0x314B, 0x314C, 0x314D, 0x314E,
};

/* For each final (index 1..27), the initial it becomes when the next
 * syllable takes it over, -1 for clusters (ㄳ, ㄵ …) which split instead. */
static const gint8 final_to_initial[N_FINALS] = {
  -1, /* none */
  0,  /* ㄱ */ 1, /* ㄲ */ -1, /* ㄳ */ 2, /* ㄴ */ -1, /* ㄵ */ -1, /* ㄶ */ 3, /* ㄷ */
  5,  /* ㄹ */ -1, -1, -1, -1, -1, -1, -1, /* ㄺ ㄻ ㄼ ㄽ ㄾ ㄿ ㅀ */
  6,  /* ㅁ */ 7, /* ㅂ */ -1, /* ㅄ */ 9, /* ㅅ */ 10, /* ㅆ */ 11, /* ㅇ */ 12, /* ㅈ */
  14, /* ㅊ */ 15, /* ㅋ */ 16, /* ㅌ */ 17, /* ㅍ */ 18, /* ㅎ */
};

struct _AnbuHangulKey
{
  gunichar *chars;     /* normalised text */
  gunichar *initials;  /* per position: the compatibility initial of a syllable, else 0 */
  gsize     len;
  gsize     primary_len; /* length of the first field: where 초성-only terms look */
};

typedef struct
{
  gunichar *chars;
  gsize     len;
  gboolean  initials_only;
} Term;

struct _AnbuHangulQuery
{
  GArray *terms;  /* of Term */
};

static inline gboolean
is_syllable (gunichar c)
{
  return c >= SYLLABLE_FIRST && c <= SYLLABLE_LAST;
}

static inline guint
syllable_initial (gunichar c)
{
  return (c - SYLLABLE_FIRST) / (N_MEDIALS * N_FINALS);
}

static inline guint
syllable_final (gunichar c)
{
  return (c - SYLLABLE_FIRST) % N_FINALS;
}

static inline gunichar
syllable_without_final (gunichar c)
{
  return c - syllable_final (c);
}

gboolean
anbu_hangul_is_choseong (gunichar c)
{
  for (guint i = 0; i < G_N_ELEMENTS (choseong_compat); i++)
    if (choseong_compat[i] == c)
      return TRUE;
  return FALSE;
}

static gboolean
is_dropped (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_PRIVATE_USE:
    case G_UNICODE_SURROGATE:
    case G_UNICODE_SPACE_SEPARATOR:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
    case G_UNICODE_CONNECT_PUNCTUATION:
    case G_UNICODE_DASH_PUNCTUATION:
    case G_UNICODE_CLOSE_PUNCTUATION:
    case G_UNICODE_FINAL_PUNCTUATION:
    case G_UNICODE_INITIAL_PUNCTUATION:
    case G_UNICODE_OTHER_PUNCTUATION:
    case G_UNICODE_OPEN_PUNCTUATION:
      return TRUE;
    default:
      return g_unichar_isspace (c);
    }
}

/* NFC and case folded, as UCS-4; NULL text is empty. */
static gunichar *
fold_to_ucs4 (const char *text,
              glong      *len)
{
  g_autofree char *valid = NULL;
  g_autofree char *nfc = NULL;
  g_autofree char *folded = NULL;
  gunichar *out;

  if (text == NULL)
    text = "";
  valid = g_utf8_make_valid (text, -1);
  nfc = g_utf8_normalize (valid, -1, G_NORMALIZE_NFC);
  folded = g_utf8_casefold (nfc != NULL ? nfc : valid, -1);
  out = g_utf8_to_ucs4_fast (folded, -1, len);
  return out;
}

/* Keeps the characters that take part in matching, in place; returns the new length. */
static gsize
strip_ucs4 (gunichar *chars,
            gsize     len)
{
  gsize kept = 0;

  for (gsize i = 0; i < len; i++)
    {
      gunichar c = chars[i];

      /* A lone conjoining initial (U+1100..U+1112) is what some input
       * methods leave: read it as the consonant typed. */
      if (c >= 0x1100 && c <= 0x1112)
        c = choseong_compat[c - 0x1100];
      if (is_dropped (c))
        continue;
      chars[kept++] = c;
    }
  chars[kept] = 0;
  return kept;
}

char *
anbu_hangul_normalize (const char *text)
{
  glong len = 0;
  g_autofree gunichar *chars = fold_to_ucs4 (text, &len);
  gsize kept = strip_ucs4 (chars, len);

  return g_ucs4_to_utf8 (chars, kept, NULL, NULL, NULL);
}

char *
anbu_hangul_extract_choseong (const char *text)
{
  glong len = 0;
  g_autofree gunichar *chars = fold_to_ucs4 (text, &len);
  gsize kept = strip_ucs4 (chars, len);

  for (gsize i = 0; i < kept; i++)
    if (is_syllable (chars[i]))
      chars[i] = choseong_compat[syllable_initial (chars[i])];
  return g_ucs4_to_utf8 (chars, kept, NULL, NULL, NULL);
}

static AnbuHangulKey *
key_new_from_ucs4 (gunichar *chars,
                   gsize     len)
{
  /* One block for the key, its text and its initials: a filter reads
   * thousands of keys per keystroke, and each separate block is one more
   * cache miss. */
  AnbuHangulKey *key = g_malloc0 (sizeof (AnbuHangulKey) + 2 * (len + 1) * sizeof (gunichar));

  key->chars = (gunichar *) (key + 1);
  key->initials = key->chars + len + 1;
  memcpy (key->chars, chars, len * sizeof (gunichar));
  g_free (chars);
  key->len = len;
  key->primary_len = len;
  for (gsize i = 0; i < len; i++)
    if (is_syllable (key->chars[i]))
      key->initials[i] = choseong_compat[syllable_initial (key->chars[i])];
  return key;
}

AnbuHangulKey *
anbu_hangul_key_new (const char *text)
{
  glong len = 0;
  gunichar *chars = fold_to_ucs4 (text, &len);

  return key_new_from_ucs4 (chars, strip_ucs4 (chars, len));
}

AnbuHangulKey *
anbu_hangul_key_new_for_fields (const char * const *fields,
                                gsize               n_fields)
{
  GArray *all = g_array_new (TRUE, FALSE, sizeof (gunichar));
  gsize len, primary_len = 0;
  AnbuHangulKey *key;

  for (gsize f = 0; f < n_fields; f++)
    {
      glong n = 0;
      g_autofree gunichar *chars = NULL;
      gsize kept;

      if (fields[f] == NULL || fields[f][0] == '\0')
        continue;
      chars = fold_to_ucs4 (fields[f], &n);
      kept = strip_ucs4 (chars, n);
      if (kept == 0)
        continue;
      if (all->len > 0)
        {
          gunichar sep = FIELD_SEPARATOR;
          g_array_append_val (all, sep);
        }
      g_array_append_vals (all, chars, kept);
      if (f == 0)
        primary_len = all->len;
    }
  len = all->len;
  key = key_new_from_ucs4 ((gunichar *) g_array_free (all, FALSE), len);
  key->primary_len = primary_len;
  return key;
}

void
anbu_hangul_key_free (AnbuHangulKey *key)
{
  if (key == NULL)
    return;
  g_free (key);
}

static void
clear_term (gpointer data)
{
  Term *term = data;

  g_free (term->chars);
}

AnbuHangulQuery *
anbu_hangul_query_new (const char *query)
{
  AnbuHangulQuery *self = g_new0 (AnbuHangulQuery, 1);
  glong len = 0;
  g_autofree gunichar *chars = fold_to_ucs4 (query, &len);
  glong start = 0;

  self->terms = g_array_new (FALSE, FALSE, sizeof (Term));
  g_array_set_clear_func (self->terms, clear_term);

  for (glong i = 0; i <= len; i++)
    {
      if (i < len && !g_unichar_isspace (chars[i]))
        continue;
      if (i > start)
        {
          Term term;

          term.chars = g_new (gunichar, i - start + 1);
          memcpy (term.chars, chars + start, (i - start) * sizeof (gunichar));
          term.len = strip_ucs4 (term.chars, i - start);
          term.initials_only = TRUE;
          for (gsize k = 0; k < term.len; k++)
            if (!anbu_hangul_is_choseong (term.chars[k]))
              term.initials_only = FALSE;
          if (term.len > 0)
            g_array_append_val (self->terms, term);
          else
            g_free (term.chars);
        }
      start = i + 1;
    }
  return self;
}

void
anbu_hangul_query_free (AnbuHangulQuery *query)
{
  if (query == NULL)
    return;
  g_array_unref (query->terms);
  g_free (query);
}

gboolean
anbu_hangul_query_is_empty (const AnbuHangulQuery *query)
{
  return query == NULL || query->terms->len == 0;
}

/* Whether query character @q (at the end of its term when @last) matches
 * the key at @pos. */
static inline gboolean
char_matches (gunichar             q,
              gboolean             last,
              const AnbuHangulKey *key,
              gsize                pos)
{
  gunichar t = key->chars[pos];

  if (q == t)
    return TRUE;
  if (key->initials[pos] != 0 && key->initials[pos] == q)
    return TRUE;
  if (last && is_syllable (q) && is_syllable (t))
    {
      guint q_final = syllable_final (q);

      /* Still composing: 여 → 영, and 김 → 기민 (the final moves on). */
      if (q_final == 0)
        return syllable_without_final (t) == q;
      if (syllable_final (t) == 0 && syllable_without_final (q) == t
          && final_to_initial[q_final] >= 0 && pos + 1 < key->len
          && key->initials[pos + 1] == choseong_compat[final_to_initial[q_final]])
        return TRUE;
    }
  return FALSE;
}

static gboolean
term_matches (const Term          *term,
              const AnbuHangulKey *key)
{
  /* Initials alone are a name search: ㄱㅇㅅ is 김영수, not 강남구 역삼로. */
  gsize len = term->initials_only ? key->primary_len : key->len;

  gunichar first = term->chars[0];
  gunichar base = 0;
  enum { EXACT, EXACT_OR_INITIAL, SAME_BASE } kind = EXACT;

  if (term->len > len)
    return FALSE;

  /* Most positions fail on the term's first character: rule them out with
   * one comparison suited to it, and let char_matches look at the rest. A
   * consonant alone matches itself or a syllable's initial; a syllable still
   * being composed (the term's last) matches syllables of the same initial
   * and medial; anything else matches only itself. */
  if (anbu_hangul_is_choseong (first))
    kind = EXACT_OR_INITIAL;
  else if (term->len == 1 && is_syllable (first))
    {
      kind = SAME_BASE;
      base = syllable_without_final (first);
    }

  for (gsize start = 0; start + term->len <= len; start++)
    {
      gsize j = 1;
      gunichar t = key->chars[start];

      switch (kind)
        {
        case EXACT:
          if (t != first)
            continue;
          break;
        case EXACT_OR_INITIAL:
          if (t != first && key->initials[start] != first)
            continue;
          break;
        case SAME_BASE:
        default:
          if (t - base >= N_FINALS || !char_matches (first, TRUE, key, start))
            continue;
          break;
        }
      while (j < term->len && char_matches (term->chars[j], j + 1 == term->len, key, start + j))
        j++;
      if (j == term->len)
        return TRUE;
    }
  return FALSE;
}

gboolean
anbu_hangul_query_matches_key (const AnbuHangulQuery *query,
                               const AnbuHangulKey   *key)
{
  g_return_val_if_fail (key != NULL, FALSE);

  if (query == NULL)
    return TRUE;
  for (guint i = 0; i < query->terms->len; i++)
    if (!term_matches (&g_array_index (query->terms, Term, i), key))
      return FALSE;
  return TRUE;
}

gboolean
anbu_hangul_query_matches (const AnbuHangulQuery *query,
                           const char            *text)
{
  g_autoptr(AnbuHangulKey) key = anbu_hangul_key_new (text);

  return anbu_hangul_query_matches_key (query, key);
}
