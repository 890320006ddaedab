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

void
anbu_pg_values_array_add_text (GString    *array,
                               const char *value)
{
  g_string_append_c (array, array->len == 0 ? '{' : ',');
  if (value == NULL)
    {
      g_string_append (array, "NULL");
      return;
    }
  g_string_append_c (array, '"');
  for (const char *c = value; *c != '\0'; c++)
    {
      if (*c == '"' || *c == '\\')
        g_string_append_c (array, '\\');
      g_string_append_c (array, *c);
    }
  g_string_append_c (array, '"');
}

void
anbu_pg_values_array_add_int64 (GString *array,
                                gint64   value)
{
  g_string_append_c (array, array->len == 0 ? '{' : ',');
  g_string_append_printf (array, "%" G_GINT64_FORMAT, value);
}

void
anbu_pg_values_array_add_double (GString *array,
                                 double   value)
{
  g_autofree char *text = anbu_pg_values_from_double (value);

  anbu_pg_values_array_add_text (array, text);
}

char *
anbu_pg_values_array_finish (GString *array)
{
  if (array->len == 0)
    g_string_append_c (array, '{');
  g_string_append_c (array, '}');
  return g_string_free (array, FALSE);
}

char *
anbu_pg_values_text_array (const char * const *values,
                           guint               n)
{
  GString *array = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    anbu_pg_values_array_add_text (array, values[i]);
  return anbu_pg_values_array_finish (array);
}
