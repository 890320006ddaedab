/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "anbu-api-error.h"
#include "anbu-record-error.h"

/* The server answers by these strings and the client reads them back: each
 * code must survive the trip, keep one status, and be documented. */
static void
test_wire_codes_round_trip (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint code = 0; code < ANBU_API_ERROR_N_WIRE_CODES; code++)
    {
      const char *text = anbu_api_error_code_to_string (code);
      guint status = anbu_api_error_code_get_http_status (code);

      g_assert_nonnull (text);
      g_assert_true (g_hash_table_add (seen, (gpointer) text));
      g_assert_cmpint (anbu_api_error_code_from_string (text), ==, code);
      g_assert_cmpuint (status, >=, 400);
      g_assert_cmpuint (status, <, 600);
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, ANBU_API_ERROR_N_WIRE_CODES);
}

static void
test_wire_codes_as_documented (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("ANBU_SOURCE_DIR"), "docs", "api.md", NULL);
  g_autofree char *api_md = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &api_md, NULL, &error);
  g_assert_no_error (error);
  for (guint code = 0; code < ANBU_API_ERROR_N_WIRE_CODES; code++)
    {
      g_autofree char *quoted = g_strdup_printf ("`%s`", anbu_api_error_code_to_string (code));

      if (strstr (api_md, quoted) == NULL)
        g_error ("docs/api.md does not list the error code %s", quoted);
    }
  g_assert_cmpint (anbu_api_error_code_get_http_status (ANBU_API_ERROR_TOO_LARGE), ==, 413);
  g_assert_cmpint (anbu_api_error_code_get_http_status (ANBU_API_ERROR_THROTTLED), ==, 429);
}

static void
test_unknown_code (void)
{
  g_assert_cmpint (anbu_api_error_code_from_string ("brand_new_code"), ==, ANBU_API_ERROR_OTHER);
  g_assert_cmpint (anbu_api_error_code_from_string (NULL), ==, ANBU_API_ERROR_OTHER);
  g_assert_null (anbu_api_error_code_to_string (ANBU_API_ERROR_OTHER));
}

static void
test_status_without_code (void)
{
  g_assert_cmpint (anbu_api_error_code_from_http_status (400), ==, ANBU_API_ERROR_BAD_REQUEST);
  g_assert_cmpint (anbu_api_error_code_from_http_status (401), ==, ANBU_API_ERROR_UNAUTHORIZED);
  g_assert_cmpint (anbu_api_error_code_from_http_status (404), ==, ANBU_API_ERROR_NOT_FOUND);
  g_assert_cmpint (anbu_api_error_code_from_http_status (429), ==, ANBU_API_ERROR_THROTTLED);
  g_assert_cmpint (anbu_api_error_code_from_http_status (502), ==, ANBU_API_ERROR_INTERNAL);
  g_assert_cmpint (anbu_api_error_code_from_http_status (418), ==, ANBU_API_ERROR_BAD_REQUEST);
}

/* A record error travels under the API code of the same name. */
static void
test_record_errors_are_wire_codes (void)
{
  AnbuRecordError codes[] = {
    ANBU_RECORD_ERROR_MISSING_FIELD, ANBU_RECORD_ERROR_WRONG_TYPE,
    ANBU_RECORD_ERROR_INVALID_VALUE, ANBU_RECORD_ERROR_TOO_LONG,
    ANBU_RECORD_ERROR_INVALID_JSON,
  };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      const char *text = anbu_record_error_code_to_string (codes[i]);
      AnbuRecordError back;

      g_assert_cmpint (anbu_api_error_code_from_string (text), !=, ANBU_API_ERROR_OTHER);
      g_assert_true (anbu_record_error_code_from_string (text, &back));
      g_assert_cmpint (back, ==, codes[i]);
    }
  g_assert_false (anbu_record_error_code_from_string ("unauthorized", NULL));
  g_assert_false (anbu_record_error_code_from_string ("brand_new_code", NULL));
}

static void
test_received_error (void)
{
  g_autoptr(GError) coded = anbu_api_error_new_received ("invalid_value", 400, "contacts.0.phone",
                                                          0, "Not a phone number");
  g_autoptr(GError) unknown = anbu_api_error_new_received ("brand_new_code", 400, NULL, 0, "?");
  g_autoptr(GError) bare = anbu_api_error_new_received (NULL, 429, NULL, 17, "Too Many Requests");
  g_autoptr(GError) copy = g_error_copy (coded);
  g_autoptr(GError) made = NULL;
  g_autoptr(GError) other = g_error_new_literal (G_FILE_ERROR, G_FILE_ERROR_FAILED, "x");

  g_assert_error (coded, ANBU_API_ERROR, ANBU_API_ERROR_INVALID_VALUE);
  g_assert_cmpstr (anbu_api_error_get_field (coded), ==, "contacts.0.phone");
  g_assert_cmpstr (anbu_api_error_get_code_string (copy), ==, "invalid_value");
  g_assert_cmpstr (anbu_api_error_get_field (copy), ==, "contacts.0.phone");

  g_assert_error (unknown, ANBU_API_ERROR, ANBU_API_ERROR_OTHER);
  g_assert_cmpstr (anbu_api_error_get_code_string (unknown), ==, "brand_new_code");

  g_assert_error (bare, ANBU_API_ERROR, ANBU_API_ERROR_THROTTLED);
  g_assert_cmpstr (anbu_api_error_get_code_string (bare), ==, "throttled");
  g_assert_cmpuint (anbu_api_error_get_retry_after (bare), ==, 17);

  anbu_api_set_error (&made, ANBU_API_ERROR_DEPENDS_ON_REJECTED, "id", "Needs %s", "x");
  g_assert_cmpstr (made->message, ==, "id: Needs x");
  g_assert_cmpstr (anbu_api_error_get_code_string (made), ==, "depends_on_rejected");

  /* Any error may be asked, without a warning. */
  g_assert_null (anbu_api_error_get_code_string (other));
  g_assert_null (anbu_api_error_get_field (other));
  g_assert_cmpuint (anbu_api_error_get_retry_after (other), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anbu/api-error/wire-codes-round-trip", test_wire_codes_round_trip);
  g_test_add_func ("/anbu/api-error/wire-codes-as-documented", test_wire_codes_as_documented);
  g_test_add_func ("/anbu/api-error/unknown-code", test_unknown_code);
  g_test_add_func ("/anbu/api-error/status-without-code", test_status_without_code);
  g_test_add_func ("/anbu/api-error/record-errors-are-wire-codes",
                   test_record_errors_are_wire_codes);
  g_test_add_func ("/anbu/api-error/received-error", test_received_error);

  return g_test_run ();
}
