/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-records"

#include "config.h"

#include "anbu-record-json.h"
#include "anbu-visit.h"

G_DEFINE_BOXED_TYPE (AnbuVisit, anbu_visit, anbu_visit_copy, anbu_visit_free)

AnbuVisit *
anbu_visit_new (void)
{
  AnbuVisit *visit = g_new0 (AnbuVisit, 1);

  visit->purpose = ANBU_VISIT_PURPOSE_REGULAR;
  return visit;
}

AnbuVisit *
anbu_visit_copy (const AnbuVisit *visit)
{
  AnbuVisit *copy;

  g_return_val_if_fail (visit != NULL, NULL);

  copy = g_memdup2 (visit, sizeof *visit);
  copy->id = g_strdup (visit->id);
  copy->household_id = g_strdup (visit->household_id);
  copy->alert_id = g_strdup (visit->alert_id);
  copy->by = g_strdup (visit->by);
  copy->outcome = g_strdup (visit->outcome);
  copy->notes = g_strdup (visit->notes);
  copy->next_visit_on = g_strdup (visit->next_visit_on);
  return copy;
}

void
anbu_visit_free (AnbuVisit *visit)
{
  if (visit == NULL)
    return;
  g_free (visit->id);
  g_free (visit->household_id);
  g_free (visit->alert_id);
  g_free (visit->by);
  g_free (visit->outcome);
  g_free (visit->notes);
  g_free (visit->next_visit_on);
  g_free (visit);
}

gboolean
anbu_visit_equal (const AnbuVisit *a,
                  const AnbuVisit *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  return g_strcmp0 (a->id, b->id) == 0 &&
         g_strcmp0 (a->household_id, b->household_id) == 0 &&
         g_strcmp0 (a->alert_id, b->alert_id) == 0 &&
         a->at == b->at &&
         g_strcmp0 (a->by, b->by) == 0 &&
         a->purpose == b->purpose &&
         g_strcmp0 (a->outcome, b->outcome) == 0 &&
         g_strcmp0 (a->notes, b->notes) == 0 &&
         g_strcmp0 (a->next_visit_on, b->next_visit_on) == 0;
}

/**
 * anbu_visit_from_json:
 *
 * Returns: (transfer full) (nullable): the visit, or %NULL with an
 *   %ANBU_RECORD_ERROR naming the field at fault
 */
AnbuVisit *
anbu_visit_from_json (JsonObject  *object,
                      GError     **error)
{
  g_autoptr(AnbuVisit) visit = anbu_visit_new ();
  gint purpose = 0;

  g_return_val_if_fail (object != NULL, NULL);

#define M(name) name, json_object_get_member (object, name)
  if (!anbu_json_read_uuid (M ("id"), TRUE, &visit->id, error) ||
      !anbu_json_read_uuid (M ("household_id"), TRUE, &visit->household_id, error) ||
      !anbu_json_read_uuid (M ("alert_id"), FALSE, &visit->alert_id, error) ||
      !anbu_json_read_timestamp (M ("at"), TRUE, &visit->at, error) ||
      !anbu_json_read_uuid (M ("by"), TRUE, &visit->by, error) ||
      !anbu_json_read_enum (M ("purpose"), TRUE, ANBU_TYPE_VISIT_PURPOSE, &purpose, error) ||
      !anbu_json_read_text (M ("outcome"), FALSE, ANBU_SHORT_TEXT_MAX_CHARS,
                            ANBU_TEXT_SINGLE_LINE, &visit->outcome, error) ||
      !anbu_json_read_text (M ("notes"), FALSE, ANBU_NOTES_MAX_CHARS, ANBU_TEXT_MULTI_LINE,
                            &visit->notes, error) ||
      !anbu_json_read_date (M ("next_visit_on"), FALSE, &visit->next_visit_on, error))
    return NULL;
#undef M

  visit->purpose = purpose;
  return g_steal_pointer (&visit);
}

JsonObject *
anbu_visit_to_json (const AnbuVisit *visit)
{
  JsonObject *object = json_object_new ();

  g_return_val_if_fail (visit != NULL, object);

  anbu_json_write_text (object, "id", visit->id);
  anbu_json_write_text (object, "alert_id", visit->alert_id);
  anbu_json_write_text (object, "household_id", visit->household_id);
  anbu_json_write_timestamp (object, "at", visit->at);
  anbu_json_write_text (object, "by", visit->by);
  anbu_json_write_text (object, "purpose", anbu_visit_purpose_to_string (visit->purpose));
  anbu_json_write_text (object, "outcome", visit->outcome);
  anbu_json_write_text (object, "notes", visit->notes);
  anbu_json_write_text (object, "next_visit_on", visit->next_visit_on);
  return object;
}
