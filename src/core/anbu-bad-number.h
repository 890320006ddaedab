/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-contact.h"
#include "anbu-household.h"

G_BEGIN_DECLS

/*
 * Contact data that stays true (issue 17): a number on the household (its
 * own phone or a person to call) that failed for a bad number — wrong
 * number or not in service — ANBU_BAD_NUMBER_FAILURES times since anyone
 * last got through on it, or since the planner last confirmed it, is
 * flagged for the planner to confirm or correct. Derived from the contact
 * records alone (their `phone`), so the app, the server and the wall board
 * agree without a counter of their own: correcting the number takes it off
 * the household (the failures were on the old one), confirming it is a
 * contact with outcome number_confirmed.
 */

#define ANBU_BAD_NUMBER_FAILURES 2

/* wrong_number or not_in_service: the number itself is at fault. */
gboolean   anbu_contact_outcome_is_bad_number    (AnbuContactOutcome outcome);
/* Someone answered on it (reached_safe, emergency), or the planner
 * confirmed it (number_confirmed). */
gboolean   anbu_contact_outcome_proves_number    (AnbuContactOutcome outcome);

/* Failures for a bad number on @number (canonical) among @household_id's
 * contacts, since the last that proved it. */
guint      anbu_bad_number_count_failures        (const char          *household_id,
                                                  const char          *number,
                                                  AnbuContact * const *contacts,
                                                  guint                n_contacts);

/* The household's numbers that are flagged, in the order the household
 * lists them (own phone first): (transfer full) strings, empty when none.
 * @contacts may hold other households' contacts too. */
GPtrArray *anbu_household_find_bad_numbers       (const AnbuHousehold *household,
                                                  AnbuContact * const *contacts,
                                                  guint                n_contacts);

G_END_DECLS
