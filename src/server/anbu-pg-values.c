/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "anbu-pg-values.h"

gint64
anbu_pg_values_int64 (const PGresult *result,
                      int             row,
                      int             column)
{
  if (PQgetisnull (result, row, column))
    return 0;
  return g_ascii_strtoll (PQgetvalue (result, row, column), NULL, 10);
}

double
anbu_pg_values_double (const PGresult *result,
                       int             row,
                       int             column)
{
  if (PQgetisnull (result, row, column))
    return 0.0;
  return g_ascii_strtod (PQgetvalue (result, row, column), NULL);
}

const char *
anbu_pg_values_text (const PGresult *result,
                     int             row,
                     int             column)
{
  if (PQgetisnull (result, row, column))
    return NULL;
  return PQgetvalue (result, row, column);
}

GBytes *
anbu_pg_values_bytes (const PGresult *result,
                      int             row,
                      int             column)
{
  unsigned char *data;
  size_t size = 0;
  GBytes *bytes;

  if (PQgetisnull (result, row, column))
    return NULL;
  data = PQunescapeBytea ((const unsigned char *) PQgetvalue (result, row, column), &size);
  if (data == NULL)
    return NULL;
  bytes = g_bytes_new (data, size);
  PQfreemem (data);
  return bytes;
}

char *
anbu_pg_values_from_int64 (gint64 value)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

char *
anbu_pg_values_from_double (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  /* Shortest text that reads back exactly, in the C locale. */
  return g_strdup (g_ascii_dtostr (buffer, sizeof buffer, value));
}

char *
anbu_pg_values_from_bytes (gconstpointer data,
                           gsize         size)
{
  static const char digits[] = "0123456789abcdef";
  const guint8 *bytes = data;
  char *text = g_malloc (2 + 2 * size + 1);

  text[0] = '\\';
  text[1] = 'x';
  for (gsize i = 0; i < size; i++)
    {
      text[2 + 2 * i] = digits[bytes[i] >> 4];
      text[2 + 2 * i + 1] = digits[bytes[i] & 0xf];
    }
  text[2 + 2 * size] = '\0';
  return text;
}

char *
anbu_pg_values_text_array (const char * const *values,
                           guint               n)
{
  GString *text = g_string_new ("{");

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (text, ',');
      if (values[i] == NULL)
        {
          g_string_append (text, "NULL");
          continue;
        }
      g_string_append_c (text, '"');
      for (const char *c = values[i]; *c != '\0'; c++)
        {
          if (*c == '"' || *c == '\\')
            g_string_append_c (text, '\\');
          g_string_append_c (text, *c);
        }
      g_string_append_c (text, '"');
    }
  g_string_append_c (text, '}');
  return g_string_free (text, FALSE);
}
