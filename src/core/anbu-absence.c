/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-records"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-absence.h"
#include "anbu-record-json.h"

G_DEFINE_BOXED_TYPE (AnbuAbsence, anbu_absence, anbu_absence_copy, anbu_absence_free)

AnbuAbsence *
anbu_absence_new (void)
{
  AnbuAbsence *absence = g_new0 (AnbuAbsence, 1);

  absence->reason = ANBU_ABSENCE_REASON_OTHER;
  return absence;
}

AnbuAbsence *
anbu_absence_copy (const AnbuAbsence *absence)
{
  AnbuAbsence *copy;

  g_return_val_if_fail (absence != NULL, NULL);

  copy = g_memdup2 (absence, sizeof *absence);
  copy->id = g_strdup (absence->id);
  copy->household_id = g_strdup (absence->household_id);
  copy->notes = g_strdup (absence->notes);
  return copy;
}

void
anbu_absence_free (AnbuAbsence *absence)
{
  if (absence == NULL)
    return;
  g_free (absence->id);
  g_free (absence->household_id);
  g_free (absence->notes);
  g_free (absence);
}

gboolean
anbu_absence_equal (const AnbuAbsence *a,
                    const AnbuAbsence *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  return g_strcmp0 (a->id, b->id) == 0 &&
         g_strcmp0 (a->household_id, b->household_id) == 0 &&
         a->from == b->from &&
         a->to == b->to &&
         a->reason == b->reason &&
         g_strcmp0 (a->notes, b->notes) == 0;
}

/**
 * anbu_absence_covers:
 * @usec: a time, µs since the epoch
 *
 * Returns: whether @usec lies in [from, to) (or after from when open-ended)
 */
gboolean
anbu_absence_covers (const AnbuAbsence *absence,
                     gint64             usec)
{
  g_return_val_if_fail (absence != NULL, FALSE);

  return usec >= absence->from && (absence->to == 0 || usec < absence->to);
}

/**
 * anbu_absence_from_json:
 *
 * Returns: (transfer full) (nullable): the absence, or %NULL with an
 *   %ANBU_RECORD_ERROR naming the field at fault
 */
AnbuAbsence *
anbu_absence_from_json (JsonObject  *object,
                        GError     **error)
{
  g_autoptr(AnbuAbsence) absence = anbu_absence_new ();
  gint reason = 0;

  g_return_val_if_fail (object != NULL, NULL);

#define M(name) name, json_object_get_member (object, name)
  if (!anbu_json_read_uuid (M ("id"), TRUE, &absence->id, error) ||
      !anbu_json_read_uuid (M ("household_id"), TRUE, &absence->household_id, error) ||
      !anbu_json_read_timestamp (M ("from"), TRUE, &absence->from, error) ||
      !anbu_json_read_timestamp (M ("to"), FALSE, &absence->to, error) ||
      !anbu_json_read_enum (M ("reason"), TRUE, ANBU_TYPE_ABSENCE_REASON, &reason, error) ||
      !anbu_json_read_text (M ("notes"), FALSE, ANBU_NOTES_MAX_CHARS, ANBU_TEXT_MULTI_LINE,
                            &absence->notes, error))
    return NULL;
#undef M

  absence->reason = reason;
  if (absence->to != 0 && absence->to <= absence->from)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "to",
                             _("An absence ends after it begins"));
      return NULL;
    }
  return g_steal_pointer (&absence);
}

JsonObject *
anbu_absence_to_json (const AnbuAbsence *absence)
{
  JsonObject *object = json_object_new ();

  g_return_val_if_fail (absence != NULL, object);

  anbu_json_write_text (object, "id", absence->id);
  anbu_json_write_text (object, "household_id", absence->household_id);
  anbu_json_write_timestamp (object, "from", absence->from);
  anbu_json_write_timestamp (object, "to", absence->to);
  anbu_json_write_text (object, "reason", anbu_absence_reason_to_string (absence->reason));
  anbu_json_write_text (object, "notes", absence->notes);
  return object;
}
