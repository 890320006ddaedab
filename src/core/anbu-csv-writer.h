/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * CSV that Excel in Korea opens correctly: UTF-8 with a byte order mark
 * (without it Excel reads CP949 and garbles Hangul), CRLF line ends, RFC 4180
 * quoting (a field with a comma, quote, CR, LF or leading/trailing space is
 * quoted, quotes doubled). Text cells that Excel would take for a formula
 * (starting with = + - @, tab or CR) get a leading apostrophe, so a name
 * typed as "=HYPERLINK(…)" stays text.
 */

typedef struct _AnbuCsvWriter AnbuCsvWriter;

AnbuCsvWriter *anbu_csv_writer_new            (void);
void           anbu_csv_writer_add_text       (AnbuCsvWriter *writer,
                                               const char    *text);
void           anbu_csv_writer_add_int        (AnbuCsvWriter *writer,
                                               gint64         value);
void           anbu_csv_writer_end_row        (AnbuCsvWriter *writer);
GBytes        *anbu_csv_writer_free_to_bytes  (AnbuCsvWriter *writer);
void           anbu_csv_writer_free           (AnbuCsvWriter *writer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuCsvWriter, anbu_csv_writer_free)

G_END_DECLS
