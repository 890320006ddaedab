/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "anbu-json-syntax.h"

typedef struct {
  const guchar *p;
  const guchar *end;
} Cursor;

static void
skip_whitespace (Cursor *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

static gboolean
scan_hex4 (Cursor   *c,
           gunichar *out)
{
  gunichar value = 0;

  if (c->end - c->p < 4)
    return FALSE;
  for (int i = 0; i < 4; i++, c->p++)
    {
      int digit = g_ascii_xdigit_value ((char) *c->p);

      if (digit < 0)
        return FALSE;
      value = value * 16 + (gunichar) digit;
    }
  *out = value;
  return TRUE;
}

/* A \u escape, the "\u" already read. A surrogate must come as a pair:
 * json-glib turns a lone one into text that is not UTF-8. */
static gboolean
scan_unicode_escape (Cursor *c)
{
  gunichar unit, low;

  if (!scan_hex4 (c, &unit))
    return FALSE;
  if (unit >= 0xDC00 && unit <= 0xDFFF)
    return FALSE;
  if (unit < 0xD800 || unit > 0xDBFF)
    return TRUE;
  if (c->end - c->p < 2 || c->p[0] != '\\' || c->p[1] != 'u')
    return FALSE;
  c->p += 2;
  return scan_hex4 (c, &low) && low >= 0xDC00 && low <= 0xDFFF;
}

/* On a fault the cursor is left where the string goes wrong. */
static gboolean
scan_string (Cursor *c)
{
  c->p++;   /* the opening quote */
  while (c->p < c->end)
    {
      guchar ch = *c->p;

      if (ch == '"')
        {
          c->p++;
          return TRUE;
        }
      if (ch < 0x20)
        return FALSE;
      c->p++;
      if (ch != '\\')
        continue;
      if (c->p == c->end)
        return FALSE;
      ch = *c->p;
      if (ch == 'u')
        {
          c->p++;
          if (!scan_unicode_escape (c))
            return FALSE;
        }
      else if (ch != '\0' && strchr ("\"\\/bfnrt", ch) != NULL)
        c->p++;
      else
        return FALSE;
    }
  return FALSE;
}

static gboolean
scan_digits (Cursor *c)
{
  const guchar *start = c->p;

  while (c->p < c->end && g_ascii_isdigit (*c->p))
    c->p++;
  return c->p > start;
}

static gboolean
scan_number (Cursor *c)
{
  if (*c->p == '-')
    c->p++;
  if (c->p < c->end && *c->p == '0')
    c->p++;   /* no leading zeros: "01" is 0, then a stray 1 */
  else if (!scan_digits (c))
    return FALSE;
  if (c->p < c->end && *c->p == '.')
    {
      c->p++;
      if (!scan_digits (c))
        return FALSE;
    }
  if (c->p < c->end && (*c->p == 'e' || *c->p == 'E'))
    {
      c->p++;
      if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
        c->p++;
      if (!scan_digits (c))
        return FALSE;
    }
  return TRUE;
}

static gboolean
scan_literal (Cursor *c)
{
  static const char * const literals[] = { "true", "false", "null" };

  for (gsize i = 0; i < G_N_ELEMENTS (literals); i++)
    {
      gsize n = strlen (literals[i]);

      if ((gsize) (c->end - c->p) >= n && memcmp (c->p, literals[i], n) == 0)
        {
          c->p += n;
          return TRUE;
        }
    }
  return FALSE;
}

/* A member name and its colon, at the name's opening quote. */
static gboolean
scan_member_name (Cursor *c)
{
  if (c->p == c->end || *c->p != '"' || !scan_string (c))
    return FALSE;
  skip_whitespace (c);
  if (c->p == c->end || *c->p != ':')
    return FALSE;
  c->p++;
  return TRUE;
}

/* Iterative, with the open containers on a stack of '{' and '[': the
 * document may nest deeper than a thread's stack allows recursion. */
static gboolean
scan_value (Cursor  *c,
            GString *open)
{
  gboolean want_value = TRUE;

  for (;;)
    {
      skip_whitespace (c);
      if (want_value)
        {
          if (c->p == c->end)
            return FALSE;
          switch (*c->p)
            {
            case '{':
            case '[':
              g_string_append_c (open, (char) *c->p++);
              skip_whitespace (c);
              if (c->p < c->end && *c->p == (open->str[open->len - 1] == '{' ? '}' : ']'))
                {
                  c->p++;
                  g_string_truncate (open, open->len - 1);
                  want_value = FALSE;
                }
              else if (open->str[open->len - 1] == '{' && !scan_member_name (c))
                return FALSE;
              continue;
            case '"':
              if (!scan_string (c))
                return FALSE;
              break;
            case 't':
            case 'f':
            case 'n':
              if (!scan_literal (c))
                return FALSE;
              break;
            default:
              if (*c->p != '-' && !g_ascii_isdigit (*c->p))
                return FALSE;
              if (!scan_number (c))
                return FALSE;
              break;
            }
          want_value = FALSE;
          continue;
        }
      if (open->len == 0)
        return TRUE;
      if (c->p == c->end)
        return FALSE;
      if (*c->p == ',')
        {
          c->p++;
          if (open->str[open->len - 1] == '{')
            {
              skip_whitespace (c);
              if (!scan_member_name (c))
                return FALSE;
            }
          want_value = TRUE;
          continue;
        }
      if (*c->p != (open->str[open->len - 1] == '{' ? '}' : ']'))
        return FALSE;
      c->p++;
      g_string_truncate (open, open->len - 1);
    }
}

AnbuJsonSyntax
anbu_json_check_syntax (const char *text,
                        gsize       length,
                        gsize      *offset)
{
  g_autoptr(GString) open = g_string_sized_new (32);
  const char *invalid = NULL;
  Cursor c = { (const guchar *) text, (const guchar *) text + length };
  AnbuJsonSyntax result;

  g_return_val_if_fail (text != NULL || length == 0, ANBU_JSON_SYNTAX_MALFORMED);

  if (!g_utf8_validate_len (text, length, &invalid))
    {
      /* Where the text stops being UTF-8, unless it stops being JSON before. */
      c.end = (const guchar *) invalid;
      if (scan_value (&c, open))
        c.p = c.end;
      result = ANBU_JSON_SYNTAX_MALFORMED;
    }
  else if (!scan_value (&c, open))
    result = ANBU_JSON_SYNTAX_MALFORMED;
  else
    {
      skip_whitespace (&c);
      result = c.p == c.end ? ANBU_JSON_SYNTAX_OK : ANBU_JSON_SYNTAX_TRAILING;
    }
  if (offset != NULL)
    *offset = (gsize) (c.p - (const guchar *) text);
  return result;
}
