/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-records"

#include "config.h"

#include "anbu-contact.h"
#include "anbu-record-json.h"

G_DEFINE_BOXED_TYPE (AnbuContact, anbu_contact, anbu_contact_copy, anbu_contact_free)

AnbuContact *
anbu_contact_new (void)
{
  AnbuContact *contact = g_new0 (AnbuContact, 1);

  contact->channel = ANBU_CONTACT_CHANNEL_PHONE;
  contact->outcome = ANBU_CONTACT_OUTCOME_OTHER;
  return contact;
}

AnbuContact *
anbu_contact_copy (const AnbuContact *contact)
{
  AnbuContact *copy;

  g_return_val_if_fail (contact != NULL, NULL);

  copy = g_memdup2 (contact, sizeof *contact);
  copy->id = g_strdup (contact->id);
  copy->alert_id = g_strdup (contact->alert_id);
  copy->household_id = g_strdup (contact->household_id);
  copy->by = g_strdup (contact->by);
  copy->notes = g_strdup (contact->notes);
  copy->phone = g_strdup (contact->phone);
  return copy;
}

void
anbu_contact_free (AnbuContact *contact)
{
  if (contact == NULL)
    return;
  g_free (contact->id);
  g_free (contact->alert_id);
  g_free (contact->household_id);
  g_free (contact->by);
  g_free (contact->notes);
  g_free (contact->phone);
  g_free (contact);
}

gboolean
anbu_contact_equal (const AnbuContact *a,
                    const AnbuContact *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  return g_strcmp0 (a->id, b->id) == 0 &&
         g_strcmp0 (a->alert_id, b->alert_id) == 0 &&
         g_strcmp0 (a->household_id, b->household_id) == 0 &&
         a->at == b->at &&
         g_strcmp0 (a->by, b->by) == 0 &&
         a->channel == b->channel &&
         a->outcome == b->outcome &&
         g_strcmp0 (a->notes, b->notes) == 0 &&
         g_strcmp0 (a->phone, b->phone) == 0;
}

/**
 * anbu_contact_from_json:
 *
 * Returns: (transfer full) (nullable): the contact, or %NULL with an
 *   %ANBU_RECORD_ERROR naming the field at fault
 */
AnbuContact *
anbu_contact_from_json (JsonObject  *object,
                        GError     **error)
{
  g_autoptr(AnbuContact) contact = anbu_contact_new ();
  gint channel = 0, outcome = 0;

  g_return_val_if_fail (object != NULL, NULL);

#define M(name) name, json_object_get_member (object, name)
  if (!anbu_json_read_uuid (M ("id"), TRUE, &contact->id, error) ||
      !anbu_json_read_uuid (M ("alert_id"), FALSE, &contact->alert_id, error) ||
      !anbu_json_read_uuid (M ("household_id"), TRUE, &contact->household_id, error) ||
      !anbu_json_read_timestamp (M ("at"), TRUE, &contact->at, error) ||
      !anbu_json_read_uuid (M ("by"), TRUE, &contact->by, error) ||
      !anbu_json_read_enum (M ("channel"), TRUE, ANBU_TYPE_CONTACT_CHANNEL, &channel, error) ||
      !anbu_json_read_enum (M ("outcome"), TRUE, ANBU_TYPE_CONTACT_OUTCOME, &outcome, error) ||
      !anbu_json_read_text (M ("notes"), FALSE, ANBU_NOTES_MAX_CHARS, ANBU_TEXT_MULTI_LINE,
                            &contact->notes, error) ||
      !anbu_json_read_phone (M ("phone"), FALSE, &contact->phone, error))
    return NULL;
#undef M

  contact->channel = channel;
  contact->outcome = outcome;
  return g_steal_pointer (&contact);
}

JsonObject *
anbu_contact_to_json (const AnbuContact *contact)
{
  JsonObject *object = json_object_new ();

  g_return_val_if_fail (contact != NULL, object);

  anbu_json_write_text (object, "id", contact->id);
  anbu_json_write_text (object, "alert_id", contact->alert_id);
  anbu_json_write_text (object, "household_id", contact->household_id);
  anbu_json_write_timestamp (object, "at", contact->at);
  anbu_json_write_text (object, "by", contact->by);
  anbu_json_write_text (object, "channel", anbu_contact_channel_to_string (contact->channel));
  anbu_json_write_text (object, "outcome", anbu_contact_outcome_to_string (contact->outcome));
  anbu_json_write_text (object, "notes", contact->notes);
  anbu_json_write_text (object, "phone", contact->phone);
  return object;
}
