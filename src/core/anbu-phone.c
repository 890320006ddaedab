/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-records"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "anbu-phone.h"

static const char * const regional_codes[] = {
  "031", "032", "033",
  "041", "042", "043", "044",
  "051", "052", "053", "054", "055",
  "061", "062", "063", "064",
};

static const char * const legacy_mobile_codes[] = {
  "011", "016", "017", "018", "019",
};

static gboolean
in_list (const char         *digits,
         const char * const *list,
         gsize               n)
{
  for (gsize i = 0; i < n; i++)
    if (strncmp (digits, list[i], strlen (list[i])) == 0)
      return TRUE;
  return FALSE;
}

static char *
format_groups (const char *digits,
               gsize       prefix_len)
{
  gsize n = strlen (digits);
  gsize middle_len = n - prefix_len - 4;

  return g_strdup_printf ("%.*s-%.*s-%s",
                          (int) prefix_len, digits,
                          (int) middle_len, digits + prefix_len,
                          digits + prefix_len + middle_len);
}

/* Strips separators and the country code; NULL (with @error set) when the
 * text holds anything else. */
static char *
extract_digits (const char  *field,
                const char  *text,
                GError     **error)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  gboolean plus = FALSE;
  gboolean international = FALSE;
  const char *rest;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (digits, *p);
      else if (*p == '+' && digits->len == 0 && !plus)
        plus = TRUE;
      else if (*p != ' ' && *p != '-' && *p != '.' && *p != '(' && *p != ')')
        {
          anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                                 _("A phone number contains only digits, spaces, dashes, "
                                   "dots and an optional +82 prefix"));
          return NULL;
        }
    }

  rest = digits->str;
  if (plus)
    {
      if (!g_str_has_prefix (rest, "82"))
        {
          anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                                 _("Only South Korean numbers (+82) are accepted"));
          return NULL;
        }
      rest += 2;
      international = TRUE;
    }
  else if (g_str_has_prefix (rest, "0082"))
    {
      rest += 4;
      international = TRUE;
    }
  else if (g_str_has_prefix (rest, "00"))
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("Only South Korean numbers (+82) are accepted"));
      return NULL;
    }
  else if (g_str_has_prefix (rest, "82"))
    {
      rest += 2;
      international = TRUE;
    }

  /* "+82 10-…" drops the trunk 0; "+82 010-…" is a common way to write it too. */
  if (international && *rest != '0')
    return g_strconcat ("0", rest, NULL);
  return g_strdup (rest);
}

/**
 * anbu_phone_normalize:
 * @field: (nullable): field to name in the error
 * @text: what the user typed
 * @kind: (out) (optional): which kind of number it is
 *
 * Returns: (transfer full) (nullable): the canonical form with dashes, or
 *   %NULL with @error set
 */
char *
anbu_phone_normalize (const char     *field,
                      const char     *text,
                      AnbuPhoneKind  *kind,
                      GError        **error)
{
  g_autofree char *digits = NULL;
  AnbuPhoneKind k;
  gsize prefix_len;
  gsize n;

  while (text != NULL && *text == ' ')
    text++;
  if (text == NULL || *text == '\0')
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_MISSING_FIELD, field,
                             _("Enter a phone number such as 010-1234-5678"));
      return NULL;
    }

  digits = extract_digits (field, text, error);
  if (digits == NULL)
    return NULL;
  n = strlen (digits);

  if (n == 0)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("Enter a phone number such as 010-1234-5678"));
      return NULL;
    }

  if (digits[0] == '1')
    {
      if ((g_str_has_prefix (digits, "15") || g_str_has_prefix (digits, "16") ||
           g_str_has_prefix (digits, "18")) && n == 8)
        {
          if (kind != NULL)
            *kind = ANBU_PHONE_KIND_NATIONWIDE;
          return g_strdup_printf ("%.4s-%s", digits, digits + 4);
        }
      if (n <= 4)
        anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                               _("Emergency and short service numbers (112, 119, …) cannot "
                                 "be stored as a phone number"));
      else
        anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                               _("A nationwide number has 8 digits and starts with 15, 16 "
                                 "or 18, such as 1588-1234"));
      return NULL;
    }

  if (digits[0] != '0')
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("A Korean phone number starts with an area code such as "
                               "010 or 02"));
      return NULL;
    }

  if (g_str_has_prefix (digits, "010"))
    {
      if (n != 11)
        {
          anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                                 _("A mobile number has 11 digits, such as 010-1234-5678"));
          return NULL;
        }
      k = ANBU_PHONE_KIND_MOBILE;
      prefix_len = 3;
    }
  else if (in_list (digits, legacy_mobile_codes, G_N_ELEMENTS (legacy_mobile_codes)))
    {
      if (n != 10 && n != 11)
        {
          anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                                 _("A mobile number starting with %.3s has 10 or 11 digits"),
                                 digits);
          return NULL;
        }
      k = ANBU_PHONE_KIND_MOBILE;
      prefix_len = 3;
    }
  else if (g_str_has_prefix (digits, "02"))
    {
      if (n != 9 && n != 10)
        {
          anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                                 _("A Seoul number has 9 or 10 digits, such as 02-123-4567"));
          return NULL;
        }
      k = ANBU_PHONE_KIND_SEOUL;
      prefix_len = 2;
    }
  else if (in_list (digits, regional_codes, G_N_ELEMENTS (regional_codes)))
    {
      if (n != 10 && n != 11)
        {
          anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                                 _("A number with the area code %.3s has 10 or 11 digits, "
                                   "such as %.3s-123-4567"), digits, digits);
          return NULL;
        }
      k = ANBU_PHONE_KIND_REGIONAL;
      prefix_len = 3;
    }
  else if (g_str_has_prefix (digits, "070"))
    {
      if (n != 11)
        {
          anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                                 _("An internet phone number has 11 digits, such as "
                                   "070-1234-5678"));
          return NULL;
        }
      k = ANBU_PHONE_KIND_INTERNET;
      prefix_len = 3;
    }
  else if (g_str_has_prefix (digits, "080"))
    {
      if (n != 10 && n != 11)
        {
          anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                                 _("A freephone number has 10 or 11 digits, such as "
                                   "080-123-4567"));
          return NULL;
        }
      k = ANBU_PHONE_KIND_FREEPHONE;
      prefix_len = 3;
    }
  else
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("%.3s is not a Korean area or mobile code"), digits);
      return NULL;
    }

  /* Freephone numbers are assigned in blocks such as 080-023-XXXX. */
  if (digits[prefix_len] == '0' && k != ANBU_PHONE_KIND_FREEPHONE)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                             _("The part after the area code cannot start with 0"));
      return NULL;
    }

  if (kind != NULL)
    *kind = k;
  return format_groups (digits, prefix_len);
}

/**
 * anbu_phone_is_valid:
 *
 * Returns: whether anbu_phone_normalize() accepts @text
 */
gboolean
anbu_phone_is_valid (const char *text)
{
  g_autofree char *canonical = anbu_phone_normalize (NULL, text, NULL, NULL);

  return canonical != NULL;
}

/**
 * anbu_phone_to_e164:
 *
 * Returns: (transfer full) (nullable): "+821012345678" for SMS gateways, or
 *   %NULL when @text is not valid or is a nationwide 15XX/16XX/18XX number
 *   (those cannot be dialled with a country code)
 */
char *
anbu_phone_to_e164 (const char *text)
{
  AnbuPhoneKind kind;
  g_autofree char *canonical = anbu_phone_normalize (NULL, text, &kind, NULL);
  g_autoptr(GString) out = NULL;

  if (canonical == NULL || kind == ANBU_PHONE_KIND_NATIONWIDE)
    return NULL;
  out = g_string_new ("+82");
  for (const char *p = canonical + 1; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (out, *p);
  return g_string_free (g_steal_pointer (&out), FALSE);
}
