/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "anbu-record-error.h"

G_BEGIN_DECLS

/*
 * Validation rules shared by the record codecs, the server and the app's
 * forms, so that all of them accept and refuse the same inputs. Every
 * function takes the @field to name in the error (dotted path, may be NULL)
 * and sets an %ANBU_RECORD_ERROR (see anbu-record-error.h).
 *
 * Times are gint64 microseconds since the Unix epoch, UTC ("timestamps").
 * 0 means "not set" in records; valid timestamps lie in 2000-01-01 ..
 * 2099-12-31 UTC, so a zero or default value never passes for a real time.
 */

/* Length limits, in characters (Unicode code points after NFC). */
#define ANBU_NAME_MAX_CHARS          50    /* person names, display names, dong names */
#define ANBU_RELATION_MAX_CHARS      30    /* "딸", "이웃", "요양보호사" */
#define ANBU_ADDRESS_MAX_CHARS      200    /* 도로명주소 */
#define ANBU_ADDRESS_DETAIL_MAX_CHARS 100  /* "101동 1203호" */
#define ANBU_SHORT_TEXT_MAX_CHARS   200    /* visit outcome, close reason */
#define ANBU_DETAIL_MAX_CHARS       500    /* alert explanation sentence */
#define ANBU_NOTES_MAX_CHARS       2000    /* notes, risk notes */
#define ANBU_USERNAME_MAX_CHARS      64
#define ANBU_SERIAL_MAX_CHARS        64

/* Coordinates inside South Korea (mainland, Jeju, Ulleungdo and Dokdo). */
#define ANBU_LAT_MIN  33.0
#define ANBU_LAT_MAX  38.7
#define ANBU_LON_MIN 124.5
#define ANBU_LON_MAX 132.0

#define ANBU_THRESHOLD_HOURS_MIN 24
#define ANBU_THRESHOLD_HOURS_MAX 50
#define ANBU_THRESHOLD_HOURS_DEFAULT 24

#define ANBU_BIRTH_YEAR_MIN 1900

typedef enum
{
  ANBU_TEXT_SINGLE_LINE = 0,       /* no control characters at all */
  ANBU_TEXT_MULTI_LINE  = 1 << 0,  /* allows \n, \r and \t */
  ANBU_TEXT_NON_EMPTY   = 1 << 1,  /* empty or only whitespace is refused */
} AnbuTextFlags;

gboolean   anbu_validate_uuid            (const char     *field,
                                          const char     *text,
                                          char          **canonical,
                                          GError        **error);

gboolean   anbu_validate_dong_code       (const char     *field,
                                          const char     *text,
                                          GError        **error);

gboolean   anbu_validate_latitude        (const char     *field,
                                          double          lat,
                                          GError        **error);
gboolean   anbu_validate_longitude       (const char     *field,
                                          double          lon,
                                          GError        **error);

gboolean   anbu_validate_threshold_hours (const char     *field,
                                          gint64          hours,
                                          GError        **error);

gboolean   anbu_validate_birth_year      (const char     *field,
                                          gint64          year,
                                          GError        **error);

gboolean   anbu_validate_text            (const char     *field,
                                          const char     *text,
                                          gssize          length,
                                          guint           max_chars,
                                          AnbuTextFlags   flags,
                                          char          **normalized,
                                          GError        **error);

/* Whether @text holds nothing but the spaces anbu_validate_text() trims
 * (invalid UTF-8 is not blank). */
gboolean   anbu_text_is_blank            (const char     *text);

gboolean   anbu_validate_serial          (const char     *field,
                                          const char     *text,
                                          GError        **error);

gboolean   anbu_validate_username        (const char     *field,
                                          const char     *text,
                                          GError        **error);

gboolean   anbu_validate_enum            (const char     *field,
                                          GType           enum_type,
                                          const char     *text,
                                          gint           *value,
                                          GError        **error);

/* ISO 8601 / RFC 3339 date-time with an offset ("2026-11-24T15:05:00+09:00",
 * "…Z", optional fraction up to 9 digits, kept to the microsecond). */
gboolean   anbu_validate_timestamp       (const char     *field,
                                          const char     *text,
                                          gint64         *usec,
                                          GError        **error);
GDateTime *anbu_timestamp_parse          (const char     *field,
                                          const char     *text,
                                          GError        **error);
char      *anbu_timestamp_format         (gint64          usec);
GDateTime *anbu_timestamp_to_date_time   (gint64          usec);
gint64     anbu_timestamp_from_date_time (GDateTime      *dt);
gboolean   anbu_timestamp_is_valid       (gint64          usec);

/* Calendar date "YYYY-MM-DD" (consent date, next visit). */
gboolean   anbu_validate_date            (const char     *field,
                                          const char     *text,
                                          GDate          *date,
                                          GError        **error);
/* The same shape, any year, no error: for files and settings. */
gboolean   anbu_iso_date_parse           (const char     *text,
                                          GDate          *date);

G_END_DECLS
