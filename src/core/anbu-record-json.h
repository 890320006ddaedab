/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "anbu-validate.h"

G_BEGIN_DECLS

/*
 * Reading and writing the members of a record, with the rules of
 * anbu-validate.h. The readers take the member's node (NULL when absent);
 * a JSON null counts as absent. @field names the member in errors. An absent
 * optional member leaves the output at its "unset" value (NULL, 0, NAN, -1)
 * and returns TRUE; an absent required one is %ANBU_RECORD_ERROR_MISSING_FIELD.
 * Optional text that is empty after trimming counts as absent.
 */

JsonNode   *anbu_json_parse_document (const char     *data,
                                      gssize          length,
                                      GError        **error);
JsonObject *anbu_json_parse_object   (const char     *data,
                                      gssize          length,
                                      GError        **error);

gboolean    anbu_json_is_absent      (JsonNode       *node);

gboolean    anbu_json_read_text      (const char     *field,
                                      JsonNode       *node,
                                      gboolean        required,
                                      guint           max_chars,
                                      AnbuTextFlags   flags,
                                      char          **out,
                                      GError        **error);
gboolean    anbu_json_read_uuid      (const char     *field,
                                      JsonNode       *node,
                                      gboolean        required,
                                      char          **out,
                                      GError        **error);
gboolean    anbu_json_read_dong_code (const char     *field,
                                      JsonNode       *node,
                                      gboolean        required,
                                      char          **out,
                                      GError        **error);
gboolean    anbu_json_read_phone     (const char     *field,
                                      JsonNode       *node,
                                      gboolean        required,
                                      char          **out,
                                      GError        **error);
gboolean    anbu_json_read_serial    (const char     *field,
                                      JsonNode       *node,
                                      gboolean        required,
                                      char          **out,
                                      GError        **error);
gboolean    anbu_json_read_timestamp (const char     *field,
                                      JsonNode       *node,
                                      gboolean        required,
                                      gint64         *out,
                                      GError        **error);
gboolean    anbu_json_read_date      (const char     *field,
                                      JsonNode       *node,
                                      gboolean        required,
                                      char          **out,
                                      GError        **error);
gboolean    anbu_json_read_int       (const char     *field,
                                      JsonNode       *node,
                                      gboolean        required,
                                      gint64         *out,
                                      gboolean       *present,
                                      GError        **error);
gboolean    anbu_json_read_version   (const char     *field,
                                      JsonNode       *node,
                                      gboolean        required,
                                      gint64         *out,
                                      GError        **error);
gboolean    anbu_json_read_double    (const char     *field,
                                      JsonNode       *node,
                                      gboolean        required,
                                      double         *out,
                                      GError        **error);
gboolean    anbu_json_read_bool      (const char     *field,
                                      JsonNode       *node,
                                      gboolean        required,
                                      gboolean       *out,
                                      GError        **error);
gboolean    anbu_json_read_enum      (const char     *field,
                                      JsonNode       *node,
                                      gboolean        required,
                                      GType           enum_type,
                                      gint           *out,
                                      GError        **error);
JsonObject *anbu_json_read_object    (const char     *field,
                                      JsonNode       *node,
                                      gboolean        required,
                                      GError        **error);
JsonArray  *anbu_json_read_array     (const char     *field,
                                      JsonNode       *node,
                                      gboolean        required,
                                      GError        **error);

/* Writers skip unset values (NULL text, timestamp 0, NAN). */
void        anbu_json_write_text      (JsonObject    *object,
                                       const char    *member,
                                       const char    *value);
void        anbu_json_write_timestamp (JsonObject    *object,
                                       const char    *member,
                                       gint64         usec);
void        anbu_json_write_double    (JsonObject    *object,
                                       const char    *member,
                                       double         value);

char       *anbu_json_object_to_string (JsonObject   *object);

/* {"code": "too_long", "message": "…", "field": "contacts.0.name"} as in the
 * error bodies and rejected mutation results of docs/api.md. */
JsonObject *anbu_json_error_to_object  (const GError *error);

G_END_DECLS
