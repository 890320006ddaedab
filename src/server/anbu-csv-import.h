/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-store.h"

G_BEGIN_DECLS

#define ANBU_CSV_ERROR (anbu_csv_error_quark ())

typedef enum
{
  ANBU_CSV_ERROR_NOT_UTF8,        /* the file is not UTF-8 text */
  ANBU_CSV_ERROR_BAD_HEADER,      /* no header, an unknown or a repeated column, a required one missing */
  ANBU_CSV_ERROR_MALFORMED,       /* an unterminated quoted field */
} AnbuCsvError;

GQuark anbu_csv_error_quark (void);

typedef struct
{
  guint  line;     /* 1-based line where the row starts (the header is line 1) */
  char  *field;    /* the household field at fault, or NULL */
  char  *reason;
} AnbuCsvRejectedRow;

typedef struct
{
  guint      imported;
  GPtrArray *rejected;   /* of AnbuCsvRejectedRow */
} AnbuCsvImportReport;

void anbu_csv_import_report_free (AnbuCsvImportReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuCsvImportReport, anbu_csv_import_report_free)

/* Imports households from CSV text (UTF-8, optional BOM, RFC 4180 quoting,
 * English or Korean headers: see anbu-csv-import.c). Everything happens in
 * one transaction, so nothing is ever half-imported: when a row is
 * rejected, nothing is imported unless `valid_only`, in which case exactly
 * the valid rows are. The report lists every rejected row either way. */
AnbuCsvImportReport *anbu_csv_import_households (AnbuStore   *store,
                                                 const char  *text,
                                                 gsize        length,
                                                 gboolean     valid_only,
                                                 GError     **error);

/* Splits CSV text into rows of fields; `lines` gets each row's first line. */
GPtrArray           *anbu_csv_parse             (const char  *text,
                                                 gsize        length,
                                                 GArray      *lines,
                                                 GError     **error);

G_END_DECLS
