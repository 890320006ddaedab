/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The field validators every record decoder uses (src/core/anbu-validate.c):
 * the first byte picks the validator, the rest is the text. Accepted text
 * must validate again in the form the validator returns (records store that
 * form and reread it). */
#include "config.h"

#include "anbu-enums.h"
#include "anbu-validate.h"

#include "fuzz-common.h"

static void
check_text (const char *text,
            gssize      length,
            guint       max_chars,
            guint       flags)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *again = NULL;

  if (!anbu_validate_text ("f", text, length, max_chars, flags, &normalized, &error))
    {
      ANBU_FUZZ_ASSERT (error != NULL && normalized == NULL);
      return;
    }
  ANBU_FUZZ_ASSERT (normalized != NULL && g_utf8_validate (normalized, -1, NULL));
  ANBU_FUZZ_ASSERT (g_utf8_strlen (normalized, -1) <= (glong) max_chars);
  ANBU_FUZZ_ASSERT (anbu_validate_text ("f", normalized, -1, max_chars, flags, &again, NULL));
  ANBU_FUZZ_ASSERT (strcmp (normalized, again) == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  guint8 selector;

  anbu_fuzz_init ();
  if (size == 0)
    return 0;
  selector = data[0];
  text = anbu_fuzz_strndup (data + 1, size - 1);

  switch (selector % 12)
    {
    case 0:
      {
        g_autofree char *canonical = NULL;
        g_autofree char *again = NULL;

        if (anbu_validate_uuid ("id", text, &canonical, &error))
          {
            ANBU_FUZZ_ASSERT (anbu_validate_uuid ("id", canonical, &again, NULL));
            ANBU_FUZZ_ASSERT (strcmp (canonical, again) == 0);
          }
        break;
      }
    case 1:
      anbu_validate_dong_code ("dong_code", text, &error);
      break;
    case 2:
      /* The real length: the text may hold NUL bytes, which must be refused. */
      check_text ((const char *) data + 1, (gssize) size - 1, ANBU_NAME_MAX_CHARS,
                  ANBU_TEXT_SINGLE_LINE | ANBU_TEXT_NON_EMPTY);
      break;
    case 3:
      check_text ((const char *) data + 1, (gssize) size - 1, ANBU_NOTES_MAX_CHARS,
                  ANBU_TEXT_MULTI_LINE);
      break;
    case 4:
      anbu_validate_serial ("serial", text, &error);
      break;
    case 5:
      anbu_validate_username ("username", text, &error);
      break;
    case 6:
      {
        gint64 usec = 0;

        if (anbu_validate_timestamp ("ts", text, &usec, &error))
          {
            g_autofree char *formatted = NULL;
            gint64 again = 0;

            ANBU_FUZZ_ASSERT (anbu_timestamp_is_valid (usec));
            formatted = anbu_timestamp_format (usec);
            ANBU_FUZZ_ASSERT (formatted != NULL);
            ANBU_FUZZ_ASSERT (anbu_validate_timestamp ("ts", formatted, &again, NULL));
            ANBU_FUZZ_ASSERT (again == usec);
          }
        break;
      }
    case 7:
      {
        g_autoptr(GDateTime) dt = anbu_timestamp_parse ("ts", text, NULL);

        if (dt != NULL)
          (void) anbu_timestamp_from_date_time (dt);
        break;
      }
    case 8:
      {
        GDate date;

        g_date_clear (&date, 1);
        if (anbu_validate_date ("date", text, &date, &error))
          ANBU_FUZZ_ASSERT (g_date_valid (&date));
        break;
      }
    case 9:
      {
        GDate date;

        g_date_clear (&date, 1);
        if (anbu_iso_date_parse (text, &date))
          ANBU_FUZZ_ASSERT (g_date_valid (&date));
        break;
      }
    case 10:
      {
        static GType types[4];
        gint value = -1;

        if (types[0] == 0)
          {
            types[0] = ANBU_TYPE_SEX;
            types[1] = ANBU_TYPE_APPLIANCE;
            types[2] = ANBU_TYPE_ALERT_KIND;
            types[3] = ANBU_TYPE_HOUSEHOLD_STATUS;
          }
        anbu_validate_enum ("e", types[(selector / 12) % 4], text, &value, &error);
        break;
      }
    case 11:
      anbu_text_is_blank (text);
      break;
    default:
      break;
    }
  return 0;
}
