/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * ANBU_RECORD_ERROR: what is wrong with a record, a form field or a mutation.
 *
 * Every error of this domain names the field at fault. The message is
 * "FIELD: reason", where FIELD is a dotted path (`phone`, `contacts.0.phone`,
 * `payload.fields.name`) made of ASCII letters, digits, `_` and `.`, and the
 * reason is a translated sentence. Read them apart with
 * anbu_record_error_dup_field() and anbu_record_error_get_reason(); never
 * g_prefix_error() such an error, use anbu_record_error_prefix_field().
 * An error without a field (rare: a whole document that is not JSON) has no
 * "FIELD: " part.
 */
#define ANBU_RECORD_ERROR (anbu_record_error_quark ())

typedef enum
{
  ANBU_RECORD_ERROR_MISSING_FIELD,  /* "missing_field": a required field is absent or null */
  ANBU_RECORD_ERROR_WRONG_TYPE,     /* "wrong_type": a string where a number belongs, … */
  ANBU_RECORD_ERROR_INVALID_VALUE,  /* "invalid_value": right type, value not acceptable */
  ANBU_RECORD_ERROR_TOO_LONG,       /* "too_long": text longer than the field allows */
  ANBU_RECORD_ERROR_INVALID_JSON,   /* "invalid_json": the text is not JSON at all */
} AnbuRecordError;

GQuark      anbu_record_error_quark        (void);

const char *anbu_record_error_code_to_string   (AnbuRecordError  code);
gboolean    anbu_record_error_code_from_string (const char      *text,
                                                AnbuRecordError *code);

void        anbu_record_set_error          (GError          **error,
                                            AnbuRecordError   code,
                                            const char       *field,
                                            const char       *format,
                                            ...) G_GNUC_PRINTF (4, 5);

char       *anbu_record_error_dup_field    (const GError     *error);
const char *anbu_record_error_get_reason   (const GError     *error);
void        anbu_record_error_prefix_field (GError          **error,
                                            const char       *prefix);

G_END_DECLS
