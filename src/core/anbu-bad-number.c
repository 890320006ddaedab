/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-bad-number"

#include "config.h"

#include "anbu-bad-number.h"

gboolean
anbu_contact_outcome_is_bad_number (AnbuContactOutcome outcome)
{
  return outcome == ANBU_CONTACT_OUTCOME_WRONG_NUMBER
         || outcome == ANBU_CONTACT_OUTCOME_NOT_IN_SERVICE;
}

gboolean
anbu_contact_outcome_proves_number (AnbuContactOutcome outcome)
{
  return outcome == ANBU_CONTACT_OUTCOME_REACHED_SAFE
         || outcome == ANBU_CONTACT_OUTCOME_EMERGENCY
         || outcome == ANBU_CONTACT_OUTCOME_NUMBER_CONFIRMED;
}

guint
anbu_bad_number_count_failures (const char          *household_id,
                                const char          *number,
                                AnbuContact * const *contacts,
                                guint                n_contacts)
{
  gint64 proved_at = G_MININT64;
  guint failures = 0;

  if (number == NULL)
    return 0;
  /* Contacts arrive in any order (newest first in the app): find the last
   * proof first, then count the failures after it. */
  for (guint i = 0; i < n_contacts; i++)
    {
      const AnbuContact *c = contacts[i];

      if (g_strcmp0 (c->household_id, household_id) == 0 && g_strcmp0 (c->phone, number) == 0
          && anbu_contact_outcome_proves_number (c->outcome))
        proved_at = MAX (proved_at, c->at);
    }
  for (guint i = 0; i < n_contacts; i++)
    {
      const AnbuContact *c = contacts[i];

      if (g_strcmp0 (c->household_id, household_id) == 0 && g_strcmp0 (c->phone, number) == 0
          && anbu_contact_outcome_is_bad_number (c->outcome) && c->at > proved_at)
        failures++;
    }
  return failures;
}

static void
consider (GPtrArray           *flagged,
          const AnbuHousehold *household,
          const char          *number,
          AnbuContact * const *contacts,
          guint                n_contacts)
{
  if (number == NULL || g_ptr_array_find_with_equal_func (flagged, number, g_str_equal, NULL))
    return;
  if (anbu_bad_number_count_failures (household->id, number, contacts, n_contacts) >= ANBU_BAD_NUMBER_FAILURES)
    g_ptr_array_add (flagged, g_strdup (number));
}

GPtrArray *
anbu_household_find_bad_numbers (const AnbuHousehold *household,
                                 AnbuContact * const *contacts,
                                 guint                n_contacts)
{
  GPtrArray *flagged = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (household != NULL, flagged);

  consider (flagged, household, household->phone, contacts, n_contacts);
  for (guint i = 0; household->contacts != NULL && i < household->contacts->len; i++)
    consider (flagged, household, ((AnbuHouseholdContact *) household->contacts->pdata[i])->phone,
              contacts, n_contacts);
  return flagged;
}
