/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The bad-number flag (issue 17): derived from the contact records alone. */
#include "config.h"

#include "anbu-bad-number.h"
#include "anbu-caseload.h"

#define HOUR  G_GINT64_CONSTANT (3600000000)
#define NOW   G_GINT64_CONSTANT (1795000000000000)
#define H1    "00000000-0000-4000-8000-000000000001"
#define H2    "00000000-0000-4000-8000-000000000002"
#define OWN   "010-1234-5678"
#define DAUGHTER "010-9999-0000"
#define NEW   "010-2222-3333"

static AnbuHousehold *
household (const char *id,
           const char *phone)
{
  AnbuHousehold *h = anbu_household_new ();
  AnbuHouseholdContact *daughter = anbu_household_contact_new ();

  h->id = g_strdup (id);
  h->name = g_strdup ("김영수");
  h->dong_code = g_strdup ("1168064000");
  h->address = g_strdup ("서울특별시 강남구 역삼로 1");
  h->threshold_hours = 24;
  h->phone = g_strdup (phone);
  daughter->name = g_strdup ("김딸");
  daughter->phone = g_strdup (DAUGHTER);
  g_ptr_array_add (h->contacts, daughter);
  return h;
}

static void
add_contact (GPtrArray          *contacts,
             const char         *household_id,
             const char         *phone,
             AnbuContactOutcome  outcome,
             gint                hours_ago)
{
  AnbuContact *c = anbu_contact_new ();

  c->id = g_uuid_string_random ();
  c->household_id = g_strdup (household_id);
  c->at = NOW - hours_ago * HOUR;
  c->channel = ANBU_CONTACT_CHANNEL_PHONE;
  c->outcome = outcome;
  c->phone = g_strdup (phone);
  g_ptr_array_add (contacts, c);
}

static guint
n_flagged (const AnbuHousehold *h,
           GPtrArray           *contacts)
{
  g_autoptr(GPtrArray) bad = anbu_household_find_bad_numbers (h, (AnbuContact * const *) contacts->pdata,
                                                              contacts->len);
  return bad->len;
}

static void
test_twice_flags (void)
{
  g_autoptr(AnbuHousehold) h = household (H1, OWN);
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_contact_free);
  g_autoptr(GPtrArray) bad = NULL;

  add_contact (contacts, H1, OWN, ANBU_CONTACT_OUTCOME_WRONG_NUMBER, 30);
  g_assert_cmpuint (n_flagged (h, contacts), ==, 0);
  /* No answer says nothing about the number. */
  add_contact (contacts, H1, OWN, ANBU_CONTACT_OUTCOME_NO_ANSWER, 20);
  g_assert_cmpuint (n_flagged (h, contacts), ==, 0);
  add_contact (contacts, H1, OWN, ANBU_CONTACT_OUTCOME_NOT_IN_SERVICE, 10);
  bad = anbu_household_find_bad_numbers (h, (AnbuContact * const *) contacts->pdata, contacts->len);
  g_assert_cmpuint (bad->len, ==, 1);
  g_assert_cmpstr (bad->pdata[0], ==, OWN);
  g_assert_cmpuint (anbu_bad_number_count_failures (H1, OWN, (AnbuContact * const *) contacts->pdata,
                                                    contacts->len), ==, 2);
}

static void
test_success_clears (void)
{
  g_autoptr(AnbuHousehold) h = household (H1, OWN);
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_contact_free);

  add_contact (contacts, H1, OWN, ANBU_CONTACT_OUTCOME_WRONG_NUMBER, 30);
  add_contact (contacts, H1, OWN, ANBU_CONTACT_OUTCOME_WRONG_NUMBER, 20);
  g_assert_cmpuint (n_flagged (h, contacts), ==, 1);
  add_contact (contacts, H1, OWN, ANBU_CONTACT_OUTCOME_REACHED_SAFE, 5);
  g_assert_cmpuint (n_flagged (h, contacts), ==, 0);
  /* One more failure after the success is one, not three. */
  add_contact (contacts, H1, OWN, ANBU_CONTACT_OUTCOME_WRONG_NUMBER, 2);
  g_assert_cmpuint (n_flagged (h, contacts), ==, 0);
  add_contact (contacts, H1, OWN, ANBU_CONTACT_OUTCOME_WRONG_NUMBER, 1);
  g_assert_cmpuint (n_flagged (h, contacts), ==, 1);
}

static void
test_confirmation_clears (void)
{
  g_autoptr(AnbuHousehold) h = household (H1, OWN);
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_contact_free);

  add_contact (contacts, H1, OWN, ANBU_CONTACT_OUTCOME_WRONG_NUMBER, 30);
  add_contact (contacts, H1, OWN, ANBU_CONTACT_OUTCOME_WRONG_NUMBER, 20);
  /* Listed newest first, as the app lists them: order does not matter. */
  add_contact (contacts, H1, OWN, ANBU_CONTACT_OUTCOME_NUMBER_CONFIRMED, 1);
  g_ptr_array_insert (contacts, 0, g_ptr_array_steal_index (contacts, contacts->len - 1));
  g_assert_cmpuint (n_flagged (h, contacts), ==, 0);
}

static void
test_correction_clears (void)
{
  g_autoptr(AnbuHousehold) h = household (H1, OWN);
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_contact_free);

  add_contact (contacts, H1, OWN, ANBU_CONTACT_OUTCOME_WRONG_NUMBER, 30);
  add_contact (contacts, H1, OWN, ANBU_CONTACT_OUTCOME_NOT_IN_SERVICE, 20);
  g_assert_cmpuint (n_flagged (h, contacts), ==, 1);
  /* The planner corrects the number: the failures were on the old one. */
  g_free (h->phone);
  h->phone = g_strdup (NEW);
  g_assert_cmpuint (n_flagged (h, contacts), ==, 0);
}

static void
test_other_number_not_flagged (void)
{
  g_autoptr(AnbuHousehold) h = household (H1, OWN);
  g_autoptr(AnbuHousehold) other = household (H2, OWN);
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_contact_free);
  g_autoptr(GPtrArray) bad = NULL;

  /* One failure on the resident's phone, one on the daughter's: no number failed twice. */
  add_contact (contacts, H1, OWN, ANBU_CONTACT_OUTCOME_WRONG_NUMBER, 30);
  add_contact (contacts, H1, DAUGHTER, ANBU_CONTACT_OUTCOME_WRONG_NUMBER, 20);
  /* Nor do failures with no number recorded count against any. */
  add_contact (contacts, H1, NULL, ANBU_CONTACT_OUTCOME_WRONG_NUMBER, 10);
  g_assert_cmpuint (n_flagged (h, contacts), ==, 0);
  /* The daughter's number fails again: only hers is flagged. */
  add_contact (contacts, H1, DAUGHTER, ANBU_CONTACT_OUTCOME_NOT_IN_SERVICE, 5);
  bad = anbu_household_find_bad_numbers (h, (AnbuContact * const *) contacts->pdata, contacts->len);
  g_assert_cmpuint (bad->len, ==, 1);
  g_assert_cmpstr (bad->pdata[0], ==, DAUGHTER);
  /* Another household with the same number is not flagged by these. */
  g_assert_cmpuint (n_flagged (other, contacts), ==, 0);
}

/* The summaries the households list shows carry the flag. */
static void
test_summaries_carry_flag (void)
{
  g_autoptr(GPtrArray) households = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_household_free);
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_contact_free);
  g_autoptr(GPtrArray) summaries = NULL;

  g_ptr_array_add (households, household (H1, OWN));
  g_ptr_array_add (households, household (H2, NEW));
  add_contact (contacts, H1, OWN, ANBU_CONTACT_OUTCOME_WRONG_NUMBER, 30);
  add_contact (contacts, H1, OWN, ANBU_CONTACT_OUTCOME_WRONG_NUMBER, 20);
  add_contact (contacts, H2, NEW, ANBU_CONTACT_OUTCOME_WRONG_NUMBER, 20);
  summaries = anbu_caseload_summarize_with_contacts (households, NULL, NULL, NULL, contacts, NOW);
  g_assert_cmpuint (summaries->len, ==, 2);
  for (guint i = 0; i < summaries->len; i++)
    {
      const AnbuHouseholdFacts *facts = anbu_household_summary_get_facts (summaries->pdata[i]);

      g_assert_cmpuint (facts->bad_numbers, ==, g_str_equal (facts->id, H1) ? 1 : 0);
    }
}

/* The number travels with the contact record. */
static void
test_contact_phone_json (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(AnbuContact) contact = NULL;
  g_autoptr(JsonObject) back = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser,
    "{\"id\": \"c0000000-0000-4000-8000-000000000001\", \"household_id\": \"" H1 "\","
    " \"at\": \"2026-11-24T10:00:00+09:00\", \"by\": \"0b1e5a1c-0000-4000-8000-000000000001\","
    " \"channel\": \"phone\", \"outcome\": \"not_in_service\", \"phone\": \"01012345678\"}", -1, NULL));
  contact = anbu_contact_from_json (json_node_get_object (json_parser_get_root (parser)), &error);
  g_assert_no_error (error);
  g_assert_cmpint (contact->outcome, ==, ANBU_CONTACT_OUTCOME_NOT_IN_SERVICE);
  g_assert_cmpstr (contact->phone, ==, OWN);
  back = anbu_contact_to_json (contact);
  g_assert_cmpstr (json_object_get_string_member (back, "phone"), ==, OWN);
  g_assert_cmpstr (json_object_get_string_member (back, "outcome"), ==, "not_in_service");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/anbu/bad-number/twice-flags", test_twice_flags);
  g_test_add_func ("/anbu/bad-number/success-clears", test_success_clears);
  g_test_add_func ("/anbu/bad-number/confirmation-clears", test_confirmation_clears);
  g_test_add_func ("/anbu/bad-number/correction-clears", test_correction_clears);
  g_test_add_func ("/anbu/bad-number/other-number-not-flagged", test_other_number_not_flagged);
  g_test_add_func ("/anbu/bad-number/summaries", test_summaries_carry_flag);
  g_test_add_func ("/anbu/bad-number/contact-json", test_contact_phone_json);
  return g_test_run ();
}
