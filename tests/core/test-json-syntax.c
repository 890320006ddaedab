/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The strict JSON check that stands before json-glib (anbu-json-syntax.h).
 * json-glib 1.6 takes comments, raw control characters, lone surrogates and
 * a second value, and leaks what it built of some documents it then refuses:
 * the fuzzer found one (tests/fuzz/corpus/telemetry/leak-comment-slash), and
 * run-tests --sanitize shows a leak if such a document reaches it again. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "anbu-json-syntax.h"
#include "anbu-record-json.h"

static AnbuJsonSyntax
check (const char *text,
       gsize      *offset)
{
  return anbu_json_check_syntax (text, strlen (text), offset);
}

static void
test_accepts_rfc_8259 (void)
{
  static const char * const documents[] = {
    "{}", "[]", " \t\r\n{ } \n", "0", "-0", "12", "-1.5e+10", "2E-3", "0.25",
    "true", "false", "null", "\"\"", "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"",
    "\"\\u00e9\\uD83D\\uDE00\"", "\"김영수 🌸\"",
    "{\"a\":[1,{\"b\":null},[[]],\"]\"],\"c\":{\"d\":true}}",
    "[ 1 , 2 ]", "{ \"a\" : 1 , \"b\" : 2 }", "{\"\":0,\"a\":1,\"a\":2}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = NULL;

      g_test_message ("%s", documents[i]);
      g_assert_cmpint (check (documents[i], NULL), ==, ANBU_JSON_SYNTAX_OK);
      root = anbu_json_parse_document (documents[i], -1, &error);
      g_assert_no_error (error);
      g_assert_nonnull (root);
    }
}

static void
test_refuses_what_json_glib_would_take (void)
{
  static const struct {
    const char *text;
    gsize offset;   /* where it goes wrong */
  } documents[] = {
    { "", 0 },
    { "   ", 3 },
    { "{\"a\":1,/\"b\":2}", 7 },              /* a stray slash */
    { "{\"a\":1 /* note */}", 7 },            /* a comment */
    { "[1, // note\n2]", 4 },
    { "[1,]", 3 },                            /* a trailing comma */
    { "{\"a\":1,}", 7 },
    { "{a:1}", 1 },                           /* an unquoted name */
    { "{'a':1}", 1 },
    { "[\"a\tb\"]", 3 },                      /* a raw control character */
    { "[\"a\nb\"]", 3 },
    { "[\"\\ud800\"]", 8 },                   /* a lone high surrogate */
    { "[\"\\ud800x\"]", 8 },
    { "[\"\\udc00\"]", 8 },                   /* a lone low surrogate */
    { "[\"\\ud800\\u0041\"]", 14 },
    { "[\"\\x41\"]", 3 },                     /* an unknown escape */
    { "[\"\\u12g4\"]", 6 },
    { "[01]", 2 },                            /* a leading zero */
    { "[-]", 2 },
    { "[.5]", 1 },
    { "[1.]", 3 },
    { "[1e]", 3 },
    { "[+1]", 1 },
    { "[NaN]", 1 },
    { "[tru]", 1 },
    { "[True]", 1 },
    { "[1 2]", 3 },
    { "{\"a\" 1}", 5 },
    { "{\"a\":1", 6 },                        /* unterminated */
    { "[\"abc", 5 },
    { "[1}", 2 },                             /* brackets that do not match */
    { "{\"a\":[1}", 7 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = NULL;
      gsize offset = G_MAXSIZE;

      g_test_message ("%s", documents[i].text);
      g_assert_cmpint (check (documents[i].text, &offset), ==, ANBU_JSON_SYNTAX_MALFORMED);
      g_assert_cmpuint (offset, ==, documents[i].offset);
      root = anbu_json_parse_document (documents[i].text, -1, &error);
      g_assert_null (root);
      g_assert_error (error, ANBU_RECORD_ERROR, ANBU_RECORD_ERROR_INVALID_JSON);
      /* The message says where, counting from 1, as an editor would. */
      {
        g_autofree char *where = g_strdup_printf ("byte %" G_GSIZE_FORMAT, documents[i].offset + 1);

        g_assert_nonnull (strstr (error->message, where));
      }
    }
}

static void
test_refuses_a_second_value (void)
{
  static const char * const documents[] = {
    "{\"a\":1}{\"b\":2}", "{\"a\":1} [2]", "11{\"id\":\"x\"}", "\"x\"{\"a\":1}",
    "[1]{\"a\":1}", "{\"a\":{\"b\":[[1]]}}[1]", "1 2", "{} x", "null null",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = NULL;

      g_test_message ("%s", documents[i]);
      g_assert_cmpint (check (documents[i], NULL), ==, ANBU_JSON_SYNTAX_TRAILING);
      root = anbu_json_parse_document (documents[i], -1, &error);
      g_assert_null (root);
      g_assert_error (error, ANBU_RECORD_ERROR, ANBU_RECORD_ERROR_INVALID_JSON);
      g_assert_nonnull (strstr (error->message, "more than one value"));
    }
}

static void
test_refuses_bad_utf8 (void)
{
  static const char latin1[] = "{\"name\":\"Jos\xe9\"}";
  static const char cut[] = "[\"\xea\xb9\"]";   /* 김 cut short */
  gsize offset = 0;

  g_assert_cmpint (anbu_json_check_syntax (latin1, sizeof latin1 - 1, &offset), ==,
                   ANBU_JSON_SYNTAX_MALFORMED);
  g_assert_cmpuint (offset, ==, 12);
  g_assert_cmpint (anbu_json_check_syntax (cut, sizeof cut - 1, &offset), ==,
                   ANBU_JSON_SYNTAX_MALFORMED);
  g_assert_cmpuint (offset, ==, 2);
}

/* Deep nesting is checked without recursion; the server refuses it earlier
 * (anbu-json-body.c), the replica's own files may nest as they like. */
static void
test_deep_nesting (void)
{
  const gsize depth = 200000;
  g_autoptr(GString) text = g_string_new (NULL);

  for (gsize i = 0; i < depth; i++)
    g_string_append (text, i % 2 ? "{\"a\":" : "[");
  g_string_append (text, "1");
  for (gsize i = depth; i-- > 0;)
    g_string_append_c (text, i % 2 ? '}' : ']');
  g_assert_cmpint (anbu_json_check_syntax (text->str, text->len, NULL), ==, ANBU_JSON_SYNTAX_OK);
  g_string_truncate (text, text->len - 1);
  g_assert_cmpint (anbu_json_check_syntax (text->str, text->len, NULL), ==,
                   ANBU_JSON_SYNTAX_MALFORMED);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json-syntax/accepts-rfc-8259", test_accepts_rfc_8259);
  g_test_add_func ("/json-syntax/refuses-what-json-glib-would-take",
                   test_refuses_what_json_glib_would_take);
  g_test_add_func ("/json-syntax/refuses-a-second-value", test_refuses_a_second_value);
  g_test_add_func ("/json-syntax/refuses-bad-utf8", test_refuses_bad_utf8);
  g_test_add_func ("/json-syntax/deep-nesting", test_deep_nesting);
  return g_test_run ();
}
