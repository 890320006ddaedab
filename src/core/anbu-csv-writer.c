/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-csv-writer"

#include "config.h"

#include <string.h>

#include "anbu-csv-writer.h"

struct _AnbuCsvWriter
{
  GString  *out;
  gboolean  row_started;
};

AnbuCsvWriter *
anbu_csv_writer_new (void)
{
  AnbuCsvWriter *writer = g_new0 (AnbuCsvWriter, 1);

  writer->out = g_string_new ("\xEF\xBB\xBF");
  return writer;
}

static void
begin_field (AnbuCsvWriter *writer)
{
  if (writer->row_started)
    g_string_append_c (writer->out, ',');
  writer->row_started = TRUE;
}

static gboolean
needs_quotes (const char *text)
{
  gsize len = strlen (text);

  if (len == 0)
    return FALSE;
  if (strpbrk (text, ",\"\r\n") != NULL)
    return TRUE;
  return text[0] == ' ' || text[0] == '\t' || text[len - 1] == ' ' || text[len - 1] == '\t';
}

void
anbu_csv_writer_add_text (AnbuCsvWriter *writer,
                          const char    *text)
{
  g_autofree char *valid = NULL;
  g_autofree char *guarded = NULL;

  g_return_if_fail (writer != NULL);

  begin_field (writer);
  if (text == NULL || text[0] == '\0')
    return;
  valid = g_utf8_make_valid (text, -1);
  if (strchr ("=+-@\t\r", valid[0]) != NULL)
    guarded = g_strconcat ("'", valid, NULL);
  else
    guarded = g_steal_pointer (&valid);

  if (!needs_quotes (guarded))
    {
      g_string_append (writer->out, guarded);
      return;
    }
  g_string_append_c (writer->out, '"');
  for (const char *p = guarded; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (writer->out, '"');
      g_string_append_c (writer->out, *p);
    }
  g_string_append_c (writer->out, '"');
}

void
anbu_csv_writer_add_int (AnbuCsvWriter *writer,
                         gint64         value)
{
  g_return_if_fail (writer != NULL);

  begin_field (writer);
  g_string_append_printf (writer->out, "%" G_GINT64_FORMAT, value);
}

void
anbu_csv_writer_end_row (AnbuCsvWriter *writer)
{
  g_return_if_fail (writer != NULL);

  g_string_append (writer->out, "\r\n");
  writer->row_started = FALSE;
}

GBytes *
anbu_csv_writer_free_to_bytes (AnbuCsvWriter *writer)
{
  GBytes *bytes;

  g_return_val_if_fail (writer != NULL, NULL);

  if (writer->row_started)
    anbu_csv_writer_end_row (writer);
  bytes = g_string_free_to_bytes (writer->out);
  g_free (writer);
  return bytes;
}

void
anbu_csv_writer_free (AnbuCsvWriter *writer)
{
  if (writer == NULL)
    return;
  g_string_free (writer->out, TRUE);
  g_free (writer);
}
