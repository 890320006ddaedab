/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

/* Values to and from libpq's text format, for the PostgreSQL backends of
 * the server's parts: parameters are sent as text and cast in the
 * statement ($1::bigint, $2::double precision, $3::bytea), columns read
 * as text (a NULL column reads as 0, 0.0, NULL). */

gint64   anbu_pg_values_int64  (const PGresult *result,
                                int             row,
                                int             column);
double   anbu_pg_values_double (const PGresult *result,
                                int             row,
                                int             column);
/* The text, or NULL for a NULL column; owned by `result`. */
const char *anbu_pg_values_text (const PGresult *result,
                                 int             row,
                                 int             column);
/* A bytea column's bytes (NULL for a NULL column). */
GBytes  *anbu_pg_values_bytes  (const PGresult *result,
                                int             row,
                                int             column);

/* Parameters: newly allocated text for one value. A double is written so
 * it reads back as the same double. */
char    *anbu_pg_values_from_int64  (gint64        value);
char    *anbu_pg_values_from_double (double        value);
/* A bytea parameter in hex ("\\x0a1b…"), for $n::bytea. */
char    *anbu_pg_values_from_bytes  (gconstpointer data,
                                     gsize         size);
/* A text[] parameter for $n::text[]: {"…","…"} with quotes and backslashes
 * escaped; a NULL element is SQL NULL. A batch travels as one parameter per
 * column. */
char    *anbu_pg_values_text_array  (const char * const *values,
                                     guint               n);
/* The same built element by element, for columns of a batch's rows
 * ($n::text[], $n::bigint[], $n::double precision[]): start with an empty
 * GString, add, then finish (it frees the GString). */
void     anbu_pg_values_array_add_text   (GString    *array,
                                          const char *value);
void     anbu_pg_values_array_add_int64  (GString    *array,
                                          gint64      value);
void     anbu_pg_values_array_add_double (GString    *array,
                                          double      value);
char    *anbu_pg_values_array_finish     (GString    *array);

G_END_DECLS
