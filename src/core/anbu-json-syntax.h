/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  ANBU_JSON_SYNTAX_OK,
  ANBU_JSON_SYNTAX_MALFORMED,
  ANBU_JSON_SYNTAX_TRAILING,   /* one well-formed value, then more text */
} AnbuJsonSyntax;

/* Whether @text is exactly one JSON value as RFC 8259 writes it, in UTF-8,
 * with only JSON whitespace around it. json-glib 1.6 is laxer (comments, raw
 * control characters, lone surrogates, a second top-level value) and leaks
 * what it built of some documents it then refuses, so nothing read from
 * outside reaches json-glib without passing this first. @offset (optional)
 * receives the byte where the document stops being one value. */
AnbuJsonSyntax anbu_json_check_syntax (const char *text,
                                       gsize       length,
                                       gsize      *offset);

G_END_DECLS
