/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "anbu-enums.h"
#include "anbu-validate.h"

static void
assert_field_error (GError          *error,
                    gint             code,
                    const char      *field)
{
  g_autofree char *got = NULL;

  g_assert_error (error, ANBU_RECORD_ERROR, code);
  got = anbu_record_error_dup_field (error);
  g_assert_cmpstr (got, ==, field);
  g_assert_cmpstr (anbu_record_error_get_reason (error), !=, "");
}

static void
test_error_field_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) plain = NULL;
  g_autofree char *field = NULL;

  anbu_record_set_error (&error, ANBU_RECORD_ERROR_INVALID_VALUE, "phone", "Bad %s", "number");
  anbu_record_error_prefix_field (&error, "0");
  anbu_record_error_prefix_field (&error, "contacts");
  field = anbu_record_error_dup_field (error);
  g_assert_cmpstr (field, ==, "contacts.0.phone");
  g_assert_cmpstr (anbu_record_error_get_reason (error), ==, "Bad number");

  anbu_record_set_error (&plain, ANBU_RECORD_ERROR_INVALID_JSON, NULL, "Not JSON: line 1");
  g_assert_null (anbu_record_error_dup_field (plain));
  g_assert_cmpstr (anbu_record_error_get_reason (plain), ==, "Not JSON: line 1");

  g_assert_cmpstr (anbu_record_error_code_to_string (ANBU_RECORD_ERROR_MISSING_FIELD), ==,
                   "missing_field");
  g_assert_cmpstr (anbu_record_error_code_to_string (ANBU_RECORD_ERROR_WRONG_TYPE), ==,
                   "wrong_type");
  g_assert_cmpstr (anbu_record_error_code_to_string (ANBU_RECORD_ERROR_INVALID_VALUE), ==,
                   "invalid_value");
  g_assert_cmpstr (anbu_record_error_code_to_string (ANBU_RECORD_ERROR_TOO_LONG), ==,
                   "too_long");
  g_assert_cmpstr (anbu_record_error_code_to_string (ANBU_RECORD_ERROR_INVALID_JSON), ==,
                   "invalid_json");

  for (gint code = ANBU_RECORD_ERROR_MISSING_FIELD; code <= ANBU_RECORD_ERROR_INVALID_JSON; code++)
    {
      AnbuRecordError back = -1;

      g_assert_true (anbu_record_error_code_from_string (anbu_record_error_code_to_string (code),
                                                         &back));
      g_assert_cmpint (back, ==, code);
    }
  g_assert_false (anbu_record_error_code_from_string ("unauthorized", NULL));
}

static void
test_uuid_good (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *upper = NULL;

  g_assert_true (anbu_validate_uuid ("id", "123e4567-e89b-12d3-a456-426614174000", &lower,
                                     &error));
  g_assert_no_error (error);
  g_assert_cmpstr (lower, ==, "123e4567-e89b-12d3-a456-426614174000");

  g_assert_true (anbu_validate_uuid ("id", "123E4567-E89B-12D3-A456-426614174000", &upper,
                                     &error));
  g_assert_cmpstr (upper, ==, "123e4567-e89b-12d3-a456-426614174000");
}

static void
test_uuid_bad (void)
{
  static const char * const inputs[] = {
    "",
    "123e4567e89b12d3a456426614174000",          /* no dashes */
    "{123e4567-e89b-12d3-a456-426614174000}",    /* braces */
    "123e4567-e89b-12d3-a456-42661417400",       /* short */
    "123e4567-e89b-12d3-a456-4266141740000",     /* long */
    "123e4567-e89b-12d3-a456_426614174000",      /* wrong separator */
    "g23e4567-e89b-12d3-a456-426614174000",      /* not hex */
    "00000000-0000-0000-0000-000000000000",      /* nil */
    "123e4567-e89b-12d3-a456-42661417400가",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;

      g_assert_false (anbu_validate_uuid ("household_id", inputs[i], &out, &error));
      g_assert_null (out);
      assert_field_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "household_id");
    }
}

static void
test_dong_code_good (void)
{
  static const char * const inputs[] = {
    "1111051500",  /* 서울 종로구 청운효자동 */
    "1168064000",  /* 서울 강남구 역삼1동 */
    "2611053000",  /* 부산 중구 중앙동 */
    "3611055000",  /* 세종 */
    "5011025000",  /* 제주 */
    "5113025300",  /* 강원특별자치도 */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (anbu_validate_dong_code ("dong_code", inputs[i], &error));
      g_assert_no_error (error);
    }
}

static void
test_dong_code_bad (void)
{
  static const char * const inputs[] = {
    "",
    "111105150",    /* 9 digits */
    "11110515000",  /* 11 digits */
    "11110515OO",   /* letters */
    "1111-05150",
    "9911051500",   /* no such province */
    "1111000000",   /* a 구, not a 동 */
    "1111051501",   /* a 리-level code */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("input: %s", inputs[i]);
      g_assert_false (anbu_validate_dong_code ("dong_code", inputs[i], &error));
      assert_field_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "dong_code");
    }
}

static void
test_coordinates_good (void)
{
  g_autoptr(GError) error = NULL;

  /* Seoul city hall, Jeju, Dokdo, the northern edge. */
  g_assert_true (anbu_validate_latitude ("lat", 37.5663, &error));
  g_assert_true (anbu_validate_longitude ("lon", 126.9779, &error));
  g_assert_true (anbu_validate_latitude ("lat", 33.4996, &error));
  g_assert_true (anbu_validate_longitude ("lon", 131.8644, &error));
  g_assert_true (anbu_validate_latitude ("lat", 38.7, &error));
  g_assert_no_error (error);
}

static void
test_coordinates_tokyo (void)
{
  g_autoptr(GError) lat_error = NULL;
  g_autoptr(GError) lon_error = NULL;

  /* Tokyo's latitude is inside Korea's band; its longitude is not. */
  g_assert_true (anbu_validate_latitude ("lat", 35.6812, &lat_error));
  g_assert_false (anbu_validate_longitude ("lon", 139.7671, &lon_error));
  assert_field_error (lon_error, ANBU_RECORD_ERROR_INVALID_VALUE, "lon");
}

static void
test_coordinates_out_of_range (void)
{
  const double lats[] = { 32.9, 38.8, 0.0, -37.5, 90.0 };
  const double lons[] = { 124.4, 132.1, 0.0, -126.9, 180.0 };

  for (gsize i = 0; i < G_N_ELEMENTS (lats); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (anbu_validate_latitude ("lat", lats[i], &error));
      assert_field_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "lat");
    }
  for (gsize i = 0; i < G_N_ELEMENTS (lons); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (anbu_validate_longitude ("lon", lons[i], &error));
      assert_field_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "lon");
    }
}

static void
test_coordinates_nan (void)
{
  g_autoptr(GError) lat_error = NULL;
  g_autoptr(GError) lon_error = NULL;

  g_assert_false (anbu_validate_latitude ("lat", NAN, &lat_error));
  assert_field_error (lat_error, ANBU_RECORD_ERROR_INVALID_VALUE, "lat");
  g_assert_false (anbu_validate_longitude ("lon", INFINITY, &lon_error));
  assert_field_error (lon_error, ANBU_RECORD_ERROR_INVALID_VALUE, "lon");
}

static void
test_threshold_hours (void)
{
  for (gint64 h = 20; h <= 55; h++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = anbu_validate_threshold_hours ("threshold_hours", h, &error);

      g_assert_cmpint (ok, ==, h >= 24 && h <= 50);
      if (!ok)
        assert_field_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "threshold_hours");
    }
}

static void
test_threshold_hours_edges (void)
{
  g_autoptr(GError) low = NULL;
  g_autoptr(GError) high = NULL;

  g_assert_true (anbu_validate_threshold_hours ("threshold_hours", 24, NULL));
  g_assert_true (anbu_validate_threshold_hours ("threshold_hours", 50, NULL));
  g_assert_false (anbu_validate_threshold_hours ("threshold_hours", 23, &low));
  assert_field_error (low, ANBU_RECORD_ERROR_INVALID_VALUE, "threshold_hours");
  g_assert_false (anbu_validate_threshold_hours ("threshold_hours", 51, &high));
  assert_field_error (high, ANBU_RECORD_ERROR_INVALID_VALUE, "threshold_hours");
}

static void
test_timestamp_good (void)
{
  static const struct { const char *text; const char *utc; } cases[] = {
    { "2026-11-24T15:05:00+09:00", "2026-11-24T06:05:00Z" },
    { "2026-11-24T06:05:00Z", "2026-11-24T06:05:00Z" },
    { "2026-11-24T06:05:00z", "2026-11-24T06:05:00Z" },
    { "2026-11-24T06:05Z", "2026-11-24T06:05:00Z" },
    { "2026-11-24T00:30:00+0900", "2026-11-23T15:30:00Z" },
    { "2026-11-24T00:30:00+09", "2026-11-23T15:30:00Z" },
    { "2026-11-23T20:00:00-05:00", "2026-11-24T01:00:00Z" },
    { "2026-11-24T15:05:00.5+09:00", "2026-11-24T06:05:00.500000Z" },
    { "2026-11-24T15:05:00.123456789+09:00", "2026-11-24T06:05:00.123456Z" },
    { "2024-02-29T12:00:00+09:00", "2024-02-29T03:00:00Z" },
    { "2027-01-01T08:59:59+09:00", "2026-12-31T23:59:59Z" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *formatted = NULL;
      g_autoptr(GDateTime) dt = NULL;
      gint64 usec = 0;
      gint64 again = 0;

      g_test_message ("input: %s", cases[i].text);
      g_assert_true (anbu_validate_timestamp ("at", cases[i].text, &usec, &error));
      g_assert_no_error (error);
      formatted = anbu_timestamp_format (usec);
      g_assert_cmpstr (formatted, ==, cases[i].utc);

      /* Output parses back to the same instant. */
      g_assert_true (anbu_validate_timestamp ("at", formatted, &again, &error));
      g_assert_cmpint (again, ==, usec);

      dt = anbu_timestamp_parse ("at", cases[i].text, &error);
      g_assert_nonnull (dt);
      g_assert_cmpint (anbu_timestamp_from_date_time (dt), ==, usec);
      g_assert_cmpint (g_date_time_get_utc_offset (dt), ==, 0);
    }
}

static void
test_timestamp_agrees_with_glib (void)
{
  g_autoptr(GTimeZone) seoul = g_time_zone_new_identifier ("+09:00");
  g_autoptr(GDateTime) dt = g_date_time_new (seoul, 2026, 9, 25, 18, 0, 0);
  gint64 usec = 0;

  g_assert_true (anbu_validate_timestamp ("at", "2026-09-25T18:00:00+09:00", &usec, NULL));
  g_assert_cmpint (usec, ==, g_date_time_to_unix (dt) * G_USEC_PER_SEC);
}

static void
test_timestamp_without_offset (void)
{
  static const char * const inputs[] = {
    "2026-11-24T15:05:00",
    "2026-11-24T15:05",
    "2026-11-24T15:05:00.250",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (anbu_validate_timestamp ("at", inputs[i], NULL, &error));
      assert_field_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "at");
      g_assert_nonnull (strstr (error->message, "offset"));
    }
}

static void
test_timestamp_bad (void)
{
  static const char * const inputs[] = {
    "",
    "2026-11-24",                    /* date only */
    "2026-11-24 15:05:00+09:00",     /* space instead of T */
    "20261124T150500Z",              /* basic format */
    "2026-W48-2T15:05:00Z",          /* week date */
    "2026-02-30T12:00:00Z",          /* no such day */
    "2026-13-01T12:00:00Z",
    "2026-11-24T24:00:00Z",
    "2026-11-24T23:60:00Z",
    "2026-11-24T23:59:60Z",          /* leap second */
    "2026-11-24T15:05:00+15:00",     /* offset out of range */
    "2026-11-24T15:05:00+09:00 ",    /* trailing space */
    "2026-11-24T15:05:00.+09:00",
    "1970-01-01T00:00:00Z",          /* default value, not a real time */
    "2100-01-01T00:00:00Z",
    "tomorrow",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("input: %s", inputs[i]);
      g_assert_false (anbu_validate_timestamp ("raised_at", inputs[i], NULL, &error));
      assert_field_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "raised_at");
    }
  g_assert_null (anbu_timestamp_format (0));
}

static void
test_date (void)
{
  static const char * const bad[] = {
    "2026-2-3", "2026-02-30", "26-02-03", "2026-02-03T00:00:00Z", "", "1899-12-31",
  };
  GDate date;

  g_assert_true (anbu_validate_date ("next_visit_on", "2026-12-03", &date, NULL));
  g_assert_cmpint (g_date_get_year (&date), ==, 2026);
  g_assert_cmpint (g_date_get_month (&date), ==, 12);
  g_assert_cmpint (g_date_get_day (&date), ==, 3);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (anbu_validate_date ("next_visit_on", bad[i], NULL, &error));
      assert_field_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "next_visit_on");
    }
}

/* The shape without the record range, for files such as the declared
 * holidays: any real year, nothing around the date. */
static void
test_iso_date_any_year (void)
{
  static const char * const bad[] = {
    "2026-2-3", "2026-02-30", "2025-02-29", "0000-01-01", "2026-13-01", " 2026-02-03",
    "2026-02-03 ", "2026-02-03T00:00:00Z", "", "2026/02/03",
  };
  GDate date;

  g_assert_true (anbu_iso_date_parse ("2028-02-29", &date));
  g_assert_cmpint (g_date_get_day (&date), ==, 29);
  g_assert_true (anbu_iso_date_parse ("1899-12-31", NULL));
  g_assert_true (anbu_iso_date_parse ("2150-06-01", NULL));
  g_assert_false (anbu_iso_date_parse (NULL, &date));
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (anbu_iso_date_parse (bad[i], NULL));
}

static void
test_text_too_long (void)
{
  g_autoptr(GString) name = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  /* 50 Hangul syllables (150 bytes) fit: the limit counts characters. */
  for (guint i = 0; i < 50; i++)
    g_string_append (name, "가");
  g_assert_true (anbu_validate_text ("name", name->str, -1, ANBU_NAME_MAX_CHARS,
                                     ANBU_TEXT_NON_EMPTY, &out, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, name->str);

  g_string_append (name, "가");
  g_assert_false (anbu_validate_text ("name", name->str, -1, ANBU_NAME_MAX_CHARS,
                                      ANBU_TEXT_NON_EMPTY, NULL, &error));
  assert_field_error (error, ANBU_RECORD_ERROR_TOO_LONG, "name");
}

static void
test_text_nul_byte (void)
{
  static const char with_nul[] = "김영\0수";
  g_autoptr(GError) error = NULL;

  g_assert_false (anbu_validate_text ("name", with_nul, sizeof with_nul - 1, 50,
                                      ANBU_TEXT_NON_EMPTY, NULL, &error));
  assert_field_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "name");
}

static void
test_text_control_characters (void)
{
  static const char * const single_bad[] = {
    "김영\n수", "김영\t수", "\x1b[31m김영수", "김영수\x7f", "김영수\xc2\x85",
  };
  g_autoptr(GError) multi_error = NULL;
  g_autofree char *notes = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (single_bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (anbu_validate_text ("name", single_bad[i], -1, 50, ANBU_TEXT_NON_EMPTY,
                                          NULL, &error));
      assert_field_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "name");
    }

  /* Notes may span lines, but not carry terminal escapes. */
  g_assert_true (anbu_validate_text ("notes", "당뇨.\n\t인슐린 복용.\r\n", -1, 2000,
                                     ANBU_TEXT_MULTI_LINE, &notes, NULL));
  g_assert_cmpstr (notes, ==, "당뇨.\n\t인슐린 복용.");
  g_assert_false (anbu_validate_text ("notes", "a\x1b" "b", -1, 2000, ANBU_TEXT_MULTI_LINE,
                                      NULL, &multi_error));
  assert_field_error (multi_error, ANBU_RECORD_ERROR_INVALID_VALUE, "notes");
}

static void
test_text_invalid_utf8 (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (anbu_validate_text ("name", "\xea\xb9", -1, 50, 0, NULL, &error));
  assert_field_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "name");
}

static void
test_text_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *optional = NULL;

  g_assert_false (anbu_validate_text ("name", "   ", -1, 50, ANBU_TEXT_NON_EMPTY, NULL,
                                      &error));
  assert_field_error (error, ANBU_RECORD_ERROR_MISSING_FIELD, "name");
  g_assert_true (anbu_validate_text ("address_detail", "", -1, 100, 0, &optional, NULL));
  g_assert_cmpstr (optional, ==, "");
}

static void
test_text_scripts_and_emoji (void)
{
  static const char * const names[] = {
    "김영수", "Kim Young-soo", "金英洙", "박 Maria 🌸", "👩‍👧 엄마", "Nguyễn Thị Lan",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;

      g_assert_true (anbu_validate_text ("name", names[i], -1, ANBU_NAME_MAX_CHARS,
                                         ANBU_TEXT_NON_EMPTY, &out, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, names[i]);
    }
}

static void
test_text_normalised (void)
{
  /* "한" typed as conjoining jamo (as macOS file names do) becomes one syllable. */
  g_autofree char *out = NULL;

  g_assert_true (anbu_validate_text ("name", "  \xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab  ", -1, 1,
                                     ANBU_TEXT_NON_EMPTY, &out, NULL));
  g_assert_cmpstr (out, ==, "한");
}

/* A Korean IME types U+3000 for a space, and text pasted from the web
 * brings U+00A0: around a name they are trimmed like ASCII spaces, so a name
 * of only such spaces is refused as empty instead of stored blank. Inside
 * the text they stay. */
static void
test_text_unicode_spaces_trimmed (void)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (anbu_validate_text ("name", "\xe3\x80\x80김영수\xc2\xa0 \xe3\x80\x80", -1, 50,
                                     ANBU_TEXT_NON_EMPTY, &out, NULL));
  g_assert_cmpstr (out, ==, "김영수");
  g_clear_pointer (&out, g_free);

  g_assert_true (anbu_validate_text ("address_detail", "101동\xe3\x80\x80" "1203호", -1, 100,
                                     ANBU_TEXT_SINGLE_LINE, &out, NULL));
  g_assert_cmpstr (out, ==, "101동\xe3\x80\x80" "1203호");

  g_assert_false (anbu_validate_text ("name", "\xe3\x80\x80\xc2\xa0\xe3\x80\x80", -1, 50,
                                      ANBU_TEXT_NON_EMPTY, NULL, &error));
  assert_field_error (error, ANBU_RECORD_ERROR_MISSING_FIELD, "name");
}

static void
test_enum_membership (void)
{
  g_autoptr(GError) error = NULL;
  gint value = -1;

  g_assert_true (anbu_validate_enum ("appliance", ANBU_TYPE_APPLIANCE, "rice_cooker", &value,
                                     &error));
  g_assert_cmpint (value, ==, ANBU_APPLIANCE_RICE_COOKER);

  g_assert_false (anbu_validate_enum ("appliance", ANBU_TYPE_APPLIANCE, "fridge", &value,
                                      &error));
  assert_field_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "appliance");
  /* The reason lists what would have been accepted. */
  g_assert_nonnull (strstr (error->message, "rice_cooker"));
  g_clear_error (&error);

  /* Wire strings are case-sensitive and exact. */
  g_assert_false (anbu_validate_enum ("level", ANBU_TYPE_ALERT_LEVEL, "Risk", NULL, &error));
  assert_field_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "level");
}

static void
test_serial_and_username (void)
{
  static const char * const bad_serials[] = { "ab cd", "플러그-1", "a/b" };
  static const char * const bad_usernames[] = { ".kim", "kim young", "김영수" };
  g_autofree char *long_serial = g_strnfill (65, 'A');
  g_autoptr(GError) error = NULL;

  g_assert_true (anbu_validate_serial ("serial", "ANBU-P1-000123", NULL));
  g_assert_true (anbu_validate_serial ("serial", "a4:cf:12:00:01:ff", NULL));
  for (gsize i = 0; i < G_N_ELEMENTS (bad_serials); i++)
    {
      g_autoptr(GError) e = NULL;

      g_assert_false (anbu_validate_serial ("serial", bad_serials[i], &e));
      assert_field_error (e, ANBU_RECORD_ERROR_INVALID_VALUE, "serial");
    }
  g_assert_false (anbu_validate_serial ("serial", long_serial, &error));
  assert_field_error (error, ANBU_RECORD_ERROR_TOO_LONG, "serial");

  g_assert_true (anbu_validate_username ("username", "planner.kim", NULL));
  g_assert_true (anbu_validate_username ("username", "kim@jongno.go.kr", NULL));
  for (gsize i = 0; i < G_N_ELEMENTS (bad_usernames); i++)
    {
      g_autoptr(GError) e = NULL;

      g_assert_false (anbu_validate_username ("username", bad_usernames[i], &e));
      assert_field_error (e, ANBU_RECORD_ERROR_INVALID_VALUE, "username");
    }
}

static void
test_birth_year (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (anbu_validate_birth_year ("birth_year", 1942, NULL));
  g_assert_false (anbu_validate_birth_year ("birth_year", 1899, NULL));
  g_assert_false (anbu_validate_birth_year ("birth_year", 3000, &error));
  assert_field_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "birth_year");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anbu/validate/error-field-path", test_error_field_path);
  g_test_add_func ("/anbu/validate/uuid-good", test_uuid_good);
  g_test_add_func ("/anbu/validate/uuid-bad", test_uuid_bad);
  g_test_add_func ("/anbu/validate/dong-code-good", test_dong_code_good);
  g_test_add_func ("/anbu/validate/dong-code-bad", test_dong_code_bad);
  g_test_add_func ("/anbu/validate/coordinates-good", test_coordinates_good);
  g_test_add_func ("/anbu/validate/coordinates-tokyo", test_coordinates_tokyo);
  g_test_add_func ("/anbu/validate/coordinates-out-of-range", test_coordinates_out_of_range);
  g_test_add_func ("/anbu/validate/coordinates-nan", test_coordinates_nan);
  g_test_add_func ("/anbu/validate/threshold-hours", test_threshold_hours);
  g_test_add_func ("/anbu/validate/threshold-hours-23-51", test_threshold_hours_edges);
  g_test_add_func ("/anbu/validate/timestamp-good", test_timestamp_good);
  g_test_add_func ("/anbu/validate/timestamp-agrees-with-glib", test_timestamp_agrees_with_glib);
  g_test_add_func ("/anbu/validate/timestamp-without-offset", test_timestamp_without_offset);
  g_test_add_func ("/anbu/validate/timestamp-bad", test_timestamp_bad);
  g_test_add_func ("/anbu/validate/date", test_date);
  g_test_add_func ("/anbu/validate/text-too-long", test_text_too_long);
  g_test_add_func ("/anbu/validate/text-nul-byte", test_text_nul_byte);
  g_test_add_func ("/anbu/validate/text-control-characters", test_text_control_characters);
  g_test_add_func ("/anbu/validate/text-invalid-utf8", test_text_invalid_utf8);
  g_test_add_func ("/anbu/validate/text-empty", test_text_empty);
  g_test_add_func ("/anbu/validate/text-scripts-and-emoji", test_text_scripts_and_emoji);
  g_test_add_func ("/anbu/validate/text-normalised", test_text_normalised);
  g_test_add_func ("/anbu/validate/text-unicode-spaces-trimmed",
                   test_text_unicode_spaces_trimmed);
  g_test_add_func ("/anbu/validate/enum-membership", test_enum_membership);
  g_test_add_func ("/anbu/validate/serial-and-username", test_serial_and_username);
  g_test_add_func ("/anbu/validate/birth-year", test_birth_year);
  g_test_add_func ("/anbu/validate/iso-date-any-year", test_iso_date_any_year);

  return g_test_run ();
}
