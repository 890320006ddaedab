/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-records"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "anbu-clock.h"
#include "anbu-validate.h"

#define USEC_PER_SEC G_GINT64_CONSTANT (1000000)
/* 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z */
#define TIMESTAMP_MIN G_GINT64_CONSTANT (946684800000000)
#define TIMESTAMP_END G_GINT64_CONSTANT (4102444800000000)

/* First two digits of a 행정기관코드: the 시·도. */
static const char * const sido_prefixes[] = {
  "11", /* 서울특별시 */
  "26", /* 부산광역시 */
  "27", /* 대구광역시 */
  "28", /* 인천광역시 */
  "29", /* 광주광역시 */
  "30", /* 대전광역시 */
  "31", /* 울산광역시 */
  "36", /* 세종특별자치시 */
  "41", /* 경기도 */
  "42", /* 강원도 (before 2023-06-11) */
  "43", /* 충청북도 */
  "44", /* 충청남도 */
  "45", /* 전라북도 (before 2024-01-18) */
  "46", /* 전라남도 */
  "47", /* 경상북도 */
  "48", /* 경상남도 */
  "50", /* 제주특별자치도 */
  "51", /* 강원특별자치도 */
  "52", /* 전북특별자치도 */
};

static gboolean
all_digits (const char *text,
            gsize       n)
{
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

static guint
digits_value (const char *text,
              gsize       n)
{
  guint v = 0;

  for (gsize i = 0; i < n; i++)
    v = v * 10 + (guint) (text[i] - '0');
  return v;
}

/* What trimming removes around a text: ASCII white space as before, and the
 * Unicode spaces a Korean IME or a paste brings (U+3000 ideographic space,
 * U+00A0 no-break space, …), which would otherwise make a name of only
 * spaces pass as filled in and look blank on screen. */
static gboolean
is_trimmed_space (gunichar c)
{
  return c < 0x80 ? g_ascii_isspace ((char) c) : g_unichar_isspace (c);
}

/* Removes leading and trailing spaces from valid UTF-8, in place. */
static void
strip_spaces (char *text)
{
  char *start = text;
  char *end;

  while (*start != '\0' && is_trimmed_space (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);
  end = start + strlen (start);
  while (end > start)
    {
      char *last = g_utf8_find_prev_char (start, end);

      if (!is_trimmed_space (g_utf8_get_char (last)))
        break;
      end = last;
    }
  memmove (text, start, (gsize) (end - start));
  text[end - start] = '\0';
}

/* Reads the "YYYY-MM-DD" that @text starts with (what follows is not looked
 * at). FALSE when the characters do not have that shape; the numbers may
 * still not make a real date. */
static gboolean
parse_ymd (const char *text,
           guint      *year,
           guint      *month,
           guint      *day)
{
  /* all_digits() stops at the first non-digit, so a short text is safe. */
  if (!all_digits (text, 4) || text[4] != '-' || !all_digits (text + 5, 2) || text[7] != '-'
      || !all_digits (text + 8, 2))
    return FALSE;
  *year = digits_value (text, 4);
  *month = digits_value (text + 5, 2);
  *day = digits_value (text + 8, 2);
  return TRUE;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (civil-from-days
 * inverse, valid for all years used here). */
static gint64
days_from_civil (gint64 y,
                 guint  m,
                 guint  d)
{
  gint64 era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

gboolean
anbu_validate_uuid (const char  *field,
                    const char  *text,
                    char       **canonical,
                    GError     **error)
{
  gboolean nonzero = FALSE;

  if (text == NULL || strlen (text) != 36)
    goto bad;

  for (guint i = 0; i < 36; i++)
    {
      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (text[i] != '-')
            goto bad;
        }
      else if (!g_ascii_isxdigit (text[i]))
        goto bad;
      else if (text[i] != '0')
        nonzero = TRUE;
    }

  if (!nonzero)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("The all-zero identifier is not a real record identifier"));
      return FALSE;
    }

  if (canonical != NULL)
    *canonical = g_ascii_strdown (text, -1);
  return TRUE;

bad:
  anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                         _("Not a valid identifier: expected a UUID such as "
                           "123e4567-e89b-12d3-a456-426614174000"));
  return FALSE;
}

gboolean
anbu_validate_dong_code (const char  *field,
                         const char  *text,
                         GError     **error)
{
  gboolean known_sido = FALSE;

  if (text == NULL || strlen (text) != 10 || !all_digits (text, 10))
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("A dong code is the 10-digit administrative code "
                               "(행정기관코드) such as 1111051500"));
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (sido_prefixes); i++)
    if (strncmp (text, sido_prefixes[i], 2) == 0)
      known_sido = TRUE;
  if (!known_sido)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("The dong code %s does not start with a known province or "
                               "city code"), text);
      return FALSE;
    }

  if (strncmp (text + 5, "000", 3) == 0 || strncmp (text + 8, "00", 2) != 0)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("The code %s is not the code of a dong, eup or myeon"), text);
      return FALSE;
    }

  return TRUE;
}

gboolean
anbu_validate_latitude (const char  *field,
                        double       lat,
                        GError     **error)
{
  if (!isfinite (lat))
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("The latitude is not a number"));
      return FALSE;
    }
  if (lat < ANBU_LAT_MIN || lat > ANBU_LAT_MAX)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("The latitude %.6f is outside South Korea (%.1f to %.1f)"),
                             lat, ANBU_LAT_MIN, ANBU_LAT_MAX);
      return FALSE;
    }
  return TRUE;
}

gboolean
anbu_validate_longitude (const char  *field,
                         double       lon,
                         GError     **error)
{
  if (!isfinite (lon))
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("The longitude is not a number"));
      return FALSE;
    }
  if (lon < ANBU_LON_MIN || lon > ANBU_LON_MAX)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("The longitude %.6f is outside South Korea (%.1f to %.1f)"),
                             lon, ANBU_LON_MIN, ANBU_LON_MAX);
      return FALSE;
    }
  return TRUE;
}

gboolean
anbu_validate_threshold_hours (const char  *field,
                               gint64       hours,
                               GError     **error)
{
  if (hours < ANBU_THRESHOLD_HOURS_MIN || hours > ANBU_THRESHOLD_HOURS_MAX)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("The inactivity threshold must be between %d and %d hours"),
                             ANBU_THRESHOLD_HOURS_MIN, ANBU_THRESHOLD_HOURS_MAX);
      return FALSE;
    }
  return TRUE;
}

gboolean
anbu_validate_birth_year (const char  *field,
                          gint64       year,
                          GError     **error)
{
  g_autoptr(GDateTime) now = anbu_clock_get_now_utc (anbu_clock_get_default ());

  if (year < ANBU_BIRTH_YEAR_MIN || year > g_date_time_get_year (now))
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("The birth year must be between %d and this year"),
                             ANBU_BIRTH_YEAR_MIN);
      return FALSE;
    }
  return TRUE;
}

/**
 * anbu_validate_text:
 * @field: (nullable): field to name in the error
 * @text: (nullable): the text; %NULL counts as empty
 * @length: length of @text in bytes, or -1 when NUL-terminated. Give the real
 *   length when the text comes from a buffer that may hold NUL bytes.
 * @max_chars: longest allowed, in characters after NFC normalisation
 * @flags: single or multi line, empty allowed or not
 * @normalized: (out) (optional): the text in NFC with surrounding whitespace
 *   removed; this is the form records store
 *
 * Refuses invalid UTF-8, NUL bytes (and U+FFFF, see anbu_json_parse_object()),
 * control characters (multi-line text
 * may hold line breaks and tabs) and text longer than @max_chars. Any script,
 * emoji included, is welcome.
 */
gboolean
anbu_validate_text (const char     *field,
                    const char     *text,
                    gssize          length,
                    guint           max_chars,
                    AnbuTextFlags   flags,
                    char          **normalized,
                    GError        **error)
{
  g_autofree char *nfc = NULL;
  gsize n_bytes;
  glong n_chars;

  if (text == NULL)
    text = "";
  n_bytes = length < 0 ? strlen (text) : (gsize) length;

  if (memchr (text, '\0', n_bytes) != NULL)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("The text contains a NUL character"));
      return FALSE;
    }
  if (!g_utf8_validate_len (text, n_bytes, NULL))
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("The text is not valid UTF-8"));
      return FALSE;
    }

  /* Surrounding whitespace (a pasted line break too) is dropped first. */
  nfc = g_utf8_normalize (text, n_bytes, G_NORMALIZE_NFC);
  strip_spaces (nfc);

  for (const char *p = nfc; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* anbu_json_parse_object() turns the JSON escape \u0000 into U+FFFF, a
       * noncharacter, so that the field holding it can be named here. */
      if (c == 0xFFFF)
        {
          anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                                 _("The text contains a NUL character"));
          return FALSE;
        }
      if (g_unichar_type (c) != G_UNICODE_CONTROL)
        continue;
      if ((flags & ANBU_TEXT_MULTI_LINE) && (c == '\n' || c == '\r' || c == '\t'))
        continue;
      if (flags & ANBU_TEXT_MULTI_LINE)
        anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                               _("The text contains a control character (U+%04X)"), c);
      else
        anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                               _("The text must be a single line without control "
                                 "characters (found U+%04X)"), c);
      return FALSE;
    }

  if ((flags & ANBU_TEXT_NON_EMPTY) && *nfc == '\0')
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_MISSING_FIELD, field,
                             _("This field must not be empty"));
      return FALSE;
    }

  n_chars = g_utf8_strlen (nfc, -1);
  if (n_chars > (glong) max_chars)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_TOO_LONG, field,
                             _("The text is %ld characters long; at most %u are allowed"),
                             n_chars, max_chars);
      return FALSE;
    }

  if (normalized != NULL)
    *normalized = g_steal_pointer (&nfc);
  return TRUE;
}

gboolean
anbu_text_is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!is_trimmed_space (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

gboolean
anbu_validate_serial (const char  *field,
                      const char  *text,
                      GError     **error)
{
  gsize n = text != NULL ? strlen (text) : 0;

  if (n == 0)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_MISSING_FIELD, field,
                             _("The plug serial number must not be empty"));
      return FALSE;
    }
  if (n > ANBU_SERIAL_MAX_CHARS)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_TOO_LONG, field,
                             _("A plug serial number has at most %d characters"),
                             ANBU_SERIAL_MAX_CHARS);
      return FALSE;
    }
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (text[i]) && strchr ("-_.:", text[i]) == NULL)
      {
        anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                               _("A plug serial number contains only Latin letters, digits "
                                 "and - _ . :"));
        return FALSE;
      }
  return TRUE;
}

gboolean
anbu_validate_username (const char  *field,
                        const char  *text,
                        GError     **error)
{
  gsize n = text != NULL ? strlen (text) : 0;

  if (n == 0)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_MISSING_FIELD, field,
                             _("The user name must not be empty"));
      return FALSE;
    }
  if (n > ANBU_USERNAME_MAX_CHARS)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_TOO_LONG, field,
                             _("A user name has at most %d characters"),
                             ANBU_USERNAME_MAX_CHARS);
      return FALSE;
    }
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (text[i]) && (i == 0 || strchr ("-_.@", text[i]) == NULL))
      {
        anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                               _("A user name starts with a Latin letter or digit and "
                                 "contains only letters, digits and - _ . @"));
        return FALSE;
      }
  return TRUE;
}

/**
 * anbu_validate_enum:
 * @enum_type: an enum GType of anbu-enums.h (its nicks are the wire strings)
 * @text: the wire string
 * @value: (out) (optional): the enum value
 */
gboolean
anbu_validate_enum (const char  *field,
                    GType        enum_type,
                    const char  *text,
                    gint        *value,
                    GError     **error)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
  GEnumValue *ev = text != NULL ? g_enum_get_value_by_nick (klass, text) : NULL;
  g_autoptr(GString) allowed = NULL;

  if (ev != NULL)
    {
      if (value != NULL)
        *value = ev->value;
      return TRUE;
    }

  allowed = g_string_new (NULL);
  for (guint i = 0; i < klass->n_values; i++)
    {
      if (klass->values[i].value_nick == NULL || *klass->values[i].value_nick == '\0')
        continue;
      if (allowed->len > 0)
        g_string_append (allowed, ", ");
      g_string_append (allowed, klass->values[i].value_nick);
    }
  anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                         _("“%s” is not one of the allowed values: %s"),
                         text != NULL ? text : "", allowed->str);
  return FALSE;
}

gboolean
anbu_timestamp_is_valid (gint64 usec)
{
  return usec >= TIMESTAMP_MIN && usec < TIMESTAMP_END;
}

static gboolean
set_timestamp_syntax_error (const char  *field,
                            const char  *text,
                            GError     **error)
{
  anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                         _("“%s” is not a date and time such as 2026-11-24T15:05:00+09:00"),
                         text);
  return FALSE;
}

gboolean
anbu_validate_timestamp (const char  *field,
                         const char  *text,
                         gint64      *usec,
                         GError     **error)
{
  const char *p;
  guint year, month, day, hour, minute, second = 0;
  gint64 frac_usec = 0;
  gint64 offset_sec;
  gint64 result;

  if (text == NULL)
    text = "";
  p = text;

  /* YYYY-MM-DD */
  if (!parse_ymd (p, &year, &month, &day))
    return set_timestamp_syntax_error (field, text, error);
  p += 10;

  if (*p == '\0')
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("“%s” is a date without a time of day and offset"), text);
      return FALSE;
    }

  /* Thh:mm[:ss[.fraction]] */
  if ((*p != 'T' && *p != 't') || !all_digits (p + 1, 2) || p[3] != ':' ||
      !all_digits (p + 4, 2))
    return set_timestamp_syntax_error (field, text, error);
  hour = digits_value (p + 1, 2);
  minute = digits_value (p + 4, 2);
  p += 6;
  if (*p == ':')
    {
      if (!all_digits (p + 1, 2))
        return set_timestamp_syntax_error (field, text, error);
      second = digits_value (p + 1, 2);
      p += 3;
      if (*p == '.' || *p == ',')
        {
          guint n = 0;

          p++;
          while (g_ascii_isdigit (*p) && n < 9)
            {
              if (n < 6)
                frac_usec = frac_usec * 10 + (*p - '0');
              p++;
              n++;
            }
          if (n == 0 || g_ascii_isdigit (*p))
            return set_timestamp_syntax_error (field, text, error);
          for (; n < 6; n++)
            frac_usec *= 10;
        }
    }

  /* Z | ±hh:mm | ±hhmm | ±hh */
  if (*p == '\0')
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("The time “%s” has no UTC offset; add one such as +09:00 or Z"),
                             text);
      return FALSE;
    }
  if (*p == 'Z' || *p == 'z')
    {
      offset_sec = 0;
      p++;
    }
  else if (*p == '+' || *p == '-')
    {
      gint sign = *p == '-' ? -1 : 1;
      guint oh, om = 0;

      if (!all_digits (p + 1, 2))
        return set_timestamp_syntax_error (field, text, error);
      oh = digits_value (p + 1, 2);
      p += 3;
      if (*p == ':')
        {
          if (!all_digits (p + 1, 2))
            return set_timestamp_syntax_error (field, text, error);
          om = digits_value (p + 1, 2);
          p += 3;
        }
      else if (g_ascii_isdigit (*p))
        {
          if (!all_digits (p, 2))
            return set_timestamp_syntax_error (field, text, error);
          om = digits_value (p, 2);
          p += 2;
        }
      if (oh > 14 || om > 59 || (oh == 14 && om > 0))
        {
          anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                                 _("The UTC offset of “%s” is out of range"), text);
          return FALSE;
        }
      offset_sec = sign * (gint64) (oh * 3600 + om * 60);
    }
  else
    return set_timestamp_syntax_error (field, text, error);

  if (*p != '\0')
    return set_timestamp_syntax_error (field, text, error);

  if (month < 1 || month > 12 || day < 1 || !g_date_valid_dmy (day, month, year) ||
      hour > 23 || minute > 59 || second > 59)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("“%s” is not a real date and time"), text);
      return FALSE;
    }

  result = (days_from_civil (year, month, day) * 86400 + hour * 3600 + minute * 60 + second -
            offset_sec) * USEC_PER_SEC + frac_usec;
  if (!anbu_timestamp_is_valid (result))
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("The time “%s” is not between the years 2000 and 2099"), text);
      return FALSE;
    }

  if (usec != NULL)
    *usec = result;
  return TRUE;
}

/**
 * anbu_timestamp_parse:
 *
 * Like anbu_validate_timestamp() but returns a #GDateTime in UTC.
 *
 * Returns: (transfer full) (nullable): the time, %NULL on error
 */
GDateTime *
anbu_timestamp_parse (const char  *field,
                      const char  *text,
                      GError     **error)
{
  gint64 usec;

  if (!anbu_validate_timestamp (field, text, &usec, error))
    return NULL;
  return anbu_timestamp_to_date_time (usec);
}

/**
 * anbu_timestamp_to_date_time:
 *
 * Returns: (transfer full) (nullable): @usec as a UTC #GDateTime, %NULL when
 *   @usec is not a valid timestamp (0 = unset)
 */
GDateTime *
anbu_timestamp_to_date_time (gint64 usec)
{
  g_autoptr(GDateTime) whole = NULL;

  if (!anbu_timestamp_is_valid (usec))
    return NULL;
  whole = g_date_time_new_from_unix_utc (usec / USEC_PER_SEC);
  return g_date_time_add (whole, usec % USEC_PER_SEC);
}

/**
 * anbu_timestamp_from_date_time:
 *
 * Returns: microseconds since the epoch of @dt (any time zone)
 */
gint64
anbu_timestamp_from_date_time (GDateTime *dt)
{
  g_return_val_if_fail (dt != NULL, 0);

  return g_date_time_to_unix (dt) * USEC_PER_SEC + g_date_time_get_microsecond (dt);
}

/**
 * anbu_timestamp_format:
 *
 * Returns: (transfer full) (nullable): "2026-11-24T06:05:00Z", with six
 *   fraction digits when @usec is not a whole second; %NULL when @usec is not
 *   a valid timestamp
 */
char *
anbu_timestamp_format (gint64 usec)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *base = NULL;
  gint64 frac = usec % USEC_PER_SEC;

  if (!anbu_timestamp_is_valid (usec))
    return NULL;
  dt = g_date_time_new_from_unix_utc (usec / USEC_PER_SEC);
  base = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  if (frac == 0)
    return g_strconcat (base, "Z", NULL);
  return g_strdup_printf ("%s.%06" G_GINT64_FORMAT "Z", base, frac);
}

/**
 * anbu_validate_date:
 * @text: "YYYY-MM-DD"
 * @date: (out caller-allocates) (optional): the date
 */
gboolean
anbu_validate_date (const char  *field,
                    const char  *text,
                    GDate       *date,
                    GError     **error)
{
  guint y, m, d;

  if (text == NULL || strlen (text) != 10 || !parse_ymd (text, &y, &m, &d))
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("“%s” is not a date such as 2026-11-24"), text ? text : "");
      return FALSE;
    }
  if (m < 1 || m > 12 || d < 1 || !g_date_valid_dmy (d, m, y) || y < 1900 || y > 2099)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("“%s” is not a real date between 1900 and 2099"), text);
      return FALSE;
    }
  if (date != NULL)
    g_date_set_dmy (date, d, m, y);
  return TRUE;
}

/**
 * anbu_iso_date_parse:
 * @text: (nullable): "YYYY-MM-DD", nothing before or after
 * @date: (out caller-allocates) (optional): the date
 *
 * Returns: whether @text is a real date written that way (any year from 1)
 */
gboolean
anbu_iso_date_parse (const char *text,
                     GDate      *date)
{
  guint y, m, d;

  if (text == NULL || strlen (text) != 10 || !parse_ymd (text, &y, &m, &d)
      || !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return FALSE;
  if (date != NULL)
    {
      g_date_clear (date, 1);
      g_date_set_dmy (date, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
    }
  return TRUE;
}
