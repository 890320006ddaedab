/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "anbu-household-index.h"

#define HOUR G_GINT64_CONSTANT (3600000000)
#define NOW  G_GINT64_CONSTANT (1795000000000000)  /* 2026-11-18 */

typedef struct
{
  const char *id;
  const char *name;
  const char *dong_code;
  const char *dong_name;
  const char *phone;
  const char *serial;
  gboolean    consent;
  gint        level;
  gint        quiet_hours;      /* before NOW */
  gint        activity_hours;   /* before NOW, -1 never */
  gboolean    offline;
  gboolean    absent;
} Seed;

static const Seed seeds[] = {
  { "h1", "김영수", "1168064000", "역삼1동", "010-1234-5678", "PLG-0001", TRUE, ANBU_ALERT_LEVEL_RISK, 30, 30, FALSE, FALSE },
  { "h2", "박정희", "1168064000", "역삼1동", "02-555-1234", "PLG-0002", FALSE, ANBU_ALERT_LEVEL_CRITICAL, 52, 52, FALSE, FALSE },
  { "h3", "이민아", "1168065000", "역삼2동", "010-9876-5432", "PLG-0003", TRUE, ANBU_ALERT_LEVEL_WATCH, 14, 14, FALSE, FALSE },
  { "h4", "가나다", "1168065000", "역삼2동", NULL, "PLG-0004", FALSE, ANBU_HOUSEHOLD_NO_ALERT, 0, 2, TRUE, FALSE },
  { "h5", "하미숙", "1168064000", "역삼1동", "010-2222-3333", NULL, TRUE, ANBU_HOUSEHOLD_NO_ALERT, 0, 5, FALSE, TRUE },
  { "h6", "Anna Kim", "1168065000", "역삼2동", "010-4444-5555", "PLG-0006", FALSE, ANBU_HOUSEHOLD_NO_ALERT, 0, 1, FALSE, FALSE },
  { "h7", "김영숙", "1168064000", "역삼1동", "010-7777-8888", "PLG-0007", FALSE, ANBU_ALERT_LEVEL_RISK, 40, 40, FALSE, FALSE },
  { "h8", "최고령", "1168064000", "역삼1동", "010-1111-0000", "PLG-0008", FALSE, ANBU_HOUSEHOLD_NO_ALERT, 0, -1, FALSE, FALSE },
};

static AnbuHouseholdIndex *
seeded_index (void)
{
  AnbuHouseholdIndex *index = anbu_household_index_new ();
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      const Seed *s = &seeds[i];
      const char *serials[] = { s->serial, NULL };
      AnbuHouseholdFacts facts = {
        .id = s->id,
        .name = s->name,
        .dong_code = s->dong_code,
        .dong_name = s->dong_name,
        .address = "서울특별시 강남구 역삼로 1",
        .phone = s->phone,
        .serials = serials,
        .night_consent = s->consent,
        .threshold_hours = 24,
        .alert_level = s->level,
        .quiet_since = s->quiet_hours > 0 ? NOW - s->quiet_hours * HOUR : 0,
        .last_activity_at = s->activity_hours >= 0 ? NOW - s->activity_hours * HOUR : 0,
        .plug_offline = s->offline,
        .absent = s->absent,
      };

      g_ptr_array_add (all, anbu_household_summary_new (&facts));
    }
  anbu_household_index_set_households (index, all);
  return index;
}

static char *
visible_ids (AnbuHouseholdIndex *index)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (index)); i++)
    {
      g_autoptr(AnbuHouseholdSummary) s = g_list_model_get_item (G_LIST_MODEL (index), i);

      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, anbu_household_summary_get_id (s));
    }
  return g_string_free (out, FALSE);
}

#define assert_visible(index, expected) \
  G_STMT_START { g_autofree char *ids_ = visible_ids (index); g_assert_cmpstr (ids_, ==, expected); } G_STMT_END

static void
test_risk_order (void)
{
  g_autoptr(AnbuHouseholdIndex) index = seeded_index ();

  /* 심각, then 위험 longest quiet first, 관심, offline, absent, then the
   * rest: never seen first, then by last activity. */
  assert_visible (index, "h2 h7 h1 h3 h4 h5 h8 h6");
  g_assert_cmpuint (anbu_household_index_get_n_total (index), ==, 8);
}

static void
test_name_order (void)
{
  g_autoptr(AnbuHouseholdIndex) index = seeded_index ();

  anbu_household_index_set_sort (index, ANBU_HOUSEHOLD_SORT_NAME);
  /* 가나다 order, Hangul before Latin. */
  assert_visible (index, "h4 h1 h7 h2 h3 h8 h5 h6");
  g_assert_cmpint (anbu_korean_name_compare ("ㄱ", "가"), <, 0);
  g_assert_cmpint (anbu_korean_name_compare ("김영수", "김영숙"), <, 0);
  g_assert_cmpint (anbu_korean_name_compare ("하", "anna"), <, 0);
}

static void
test_last_activity_order (void)
{
  g_autoptr(AnbuHouseholdIndex) index = seeded_index ();

  anbu_household_index_set_sort (index, ANBU_HOUSEHOLD_SORT_LAST_ACTIVITY);
  assert_visible (index, "h8 h2 h7 h1 h3 h5 h4 h6");
}

/* A copy of the list kept only from items-changed, as a list view keeps its rows. */
typedef struct
{
  GPtrArray *ids;
  guint      signals;
} Mirror;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Mirror     *mirror)
{
  mirror->signals++;
  g_assert_cmpuint (position + removed, <=, mirror->ids->len);
  g_ptr_array_remove_range (mirror->ids, position, removed);
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(AnbuHouseholdSummary) s = g_list_model_get_item (model, position + i);

      g_ptr_array_insert (mirror->ids, position + i, g_strdup (anbu_household_summary_get_id (s)));
    }
}

static void
assert_mirror (Mirror             *mirror,
               AnbuHouseholdIndex *index)
{
  g_autofree char *ids = visible_ids (index);
  g_autofree char *copy = NULL;

  g_ptr_array_add (mirror->ids, NULL);
  copy = g_strjoinv (" ", (GStrv) mirror->ids->pdata);
  g_ptr_array_remove_index (mirror->ids, mirror->ids->len - 1);
  g_assert_cmpstr (copy, ==, ids);
}

static void
test_search (void)
{
  g_autoptr(AnbuHouseholdIndex) index = seeded_index ();
  Mirror mirror = { g_ptr_array_new_with_free_func (g_free), 0 };
  guint signals;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (index)); i++)
    {
      g_autoptr(AnbuHouseholdSummary) s = g_list_model_get_item (G_LIST_MODEL (index), i);
      g_ptr_array_add (mirror.ids, g_strdup (anbu_household_summary_get_id (s)));
    }
  g_signal_connect (index, "items-changed", G_CALLBACK (on_items_changed), &mirror);

  anbu_household_index_set_query (index, "ㄱㅇㅅ");
  assert_visible (index, "h7 h1");
  assert_mirror (&mirror, index);
  anbu_household_index_set_query (index, "김영ㅅ");
  assert_visible (index, "h7 h1");
  signals = mirror.signals;
  anbu_household_index_set_query (index, "김영수");
  assert_visible (index, "h7 h1");  /* 김영숙 while 수 may still become 숙 */
  /* Same households: the list is not told anything, its rows stay. */
  g_assert_cmpuint (mirror.signals, ==, signals);
  anbu_household_index_set_query (index, "01098765432");
  assert_visible (index, "h3");
  assert_mirror (&mirror, index);
  anbu_household_index_set_query (index, "plg0004");
  assert_visible (index, "h4");
  anbu_household_index_set_query (index, "역삼2동 kim");
  assert_visible (index, "h6");
  assert_mirror (&mirror, index);
  anbu_household_index_set_query (index, "없는사람");
  assert_visible (index, "");
  assert_mirror (&mirror, index);
  /* The same query again does not rebuild the list. */
  signals = mirror.signals;
  anbu_household_index_set_query (index, "없는사람");
  g_assert_cmpuint (mirror.signals, ==, signals);
  anbu_household_index_set_query (index, "");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (index)), ==, 8);
  assert_mirror (&mirror, index);
  /* Narrowing keeps the rows above and below what changed. */
  anbu_household_index_set_categories (index, ANBU_HOUSEHOLD_CATEGORY_ALERT | ANBU_HOUSEHOLD_CATEGORY_NORMAL);
  assert_mirror (&mirror, index);
  anbu_household_index_set_sort (index, ANBU_HOUSEHOLD_SORT_NAME);
  assert_mirror (&mirror, index);
  g_ptr_array_unref (mirror.ids);
}

/* Typing on narrows the list exactly as a fresh search would, including
 * initials that become a mixed term (ㄱㅇ looks in names, ㄱㅇ로 everywhere). */
static void
test_typing_matches_fresh_search (void)
{
  g_autoptr(AnbuHouseholdIndex) typed = seeded_index ();
  const char *steps[] = { "ㄱ", "ㄱㅇ", "ㄱㅇ삼", "0", "01", "010", "0101", "01012", "p", "pl", "plg", "plg-0",
                          "김", "김 ", "김 역", "김 역삼", "anna", "anna ", "anna k" };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(AnbuHouseholdIndex) fresh = seeded_index ();
      g_autofree char *typed_ids = NULL;
      g_autofree char *fresh_ids = NULL;

      anbu_household_index_set_query (typed, steps[i]);
      anbu_household_index_set_query (fresh, steps[i]);
      typed_ids = visible_ids (typed);
      fresh_ids = visible_ids (fresh);
      g_test_message ("%s: %s", steps[i], fresh_ids);
      g_assert_cmpstr (typed_ids, ==, fresh_ids);
    }
}

static void
test_categories (void)
{
  g_autoptr(AnbuHouseholdIndex) index = seeded_index ();

  anbu_household_index_set_categories (index, ANBU_HOUSEHOLD_CATEGORY_ALERT);
  assert_visible (index, "h2 h7 h1");
  anbu_household_index_set_categories (index, ANBU_HOUSEHOLD_CATEGORY_WATCH);
  assert_visible (index, "h3");
  anbu_household_index_set_categories (index, ANBU_HOUSEHOLD_CATEGORY_OFFLINE);
  assert_visible (index, "h4");
  anbu_household_index_set_categories (index, ANBU_HOUSEHOLD_CATEGORY_ABSENT);
  assert_visible (index, "h5");
  anbu_household_index_set_categories (index, ANBU_HOUSEHOLD_CATEGORY_NORMAL);
  assert_visible (index, "h8 h6");
  anbu_household_index_set_categories (index, ANBU_HOUSEHOLD_CATEGORY_ALERT | ANBU_HOUSEHOLD_CATEGORY_WATCH);
  assert_visible (index, "h2 h7 h1 h3");
  anbu_household_index_set_categories (index, ANBU_HOUSEHOLD_CATEGORY_ALL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (index)), ==, 8);
}

static void
test_dong_and_consent (void)
{
  g_autoptr(AnbuHouseholdIndex) index = seeded_index ();
  g_autoptr(GPtrArray) dongs = anbu_household_index_list_dongs (index);

  g_assert_cmpuint (dongs->len, ==, 2);
  g_assert_cmpstr (((AnbuDong *) dongs->pdata[0])->name, ==, "역삼1동");
  g_assert_cmpstr (((AnbuDong *) dongs->pdata[1])->code, ==, "1168065000");

  anbu_household_index_set_dong_code (index, "1168065000");
  assert_visible (index, "h3 h4 h6");
  anbu_household_index_set_consent (index, ANBU_CONSENT_FILTER_CONSENTED);
  assert_visible (index, "h3");
  anbu_household_index_set_dong_code (index, NULL);
  assert_visible (index, "h1 h3 h5");
  anbu_household_index_set_consent (index, ANBU_CONSENT_FILTER_NOT_CONSENTED);
  assert_visible (index, "h2 h7 h4 h8 h6");
  /* Search and filters combine. */
  anbu_household_index_set_query (index, "김ㅇ");
  assert_visible (index, "h7");
}

typedef struct
{
  guint signals;
  guint position;
  guint removed;
  guint added;
} Change;

static void
record_change (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               Change     *change)
{
  change->signals++;
  change->position = position;
  change->removed = removed;
  change->added = added;
}

/* A reload that changes one household tells the list about that one only. */
static void
test_reload_keeps_items (void)
{
  g_autoptr(AnbuHouseholdIndex) index = seeded_index ();
  g_autoptr(AnbuHouseholdIndex) again = seeded_index ();
  g_autoptr(AnbuHouseholdSummary) first = g_list_model_get_item (G_LIST_MODEL (index), 0);
  g_autoptr(AnbuHouseholdSummary) first_again = NULL;
  g_autoptr(GPtrArray) reloaded = g_ptr_array_new_with_free_func (g_object_unref);
  const char *serials[] = { "PLG-0006", NULL };
  Change change = { 0 };

  /* The caseload read again (new objects), with one name corrected. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (again)); i++)
    {
      g_autoptr(AnbuHouseholdSummary) s = g_list_model_get_item (G_LIST_MODEL (again), i);
      AnbuHouseholdFacts facts = *anbu_household_summary_get_facts (s);

      if (g_str_equal (facts.id, "h4"))
        {
          facts.name = "가나다라";
          facts.serials = serials;
        }
      g_ptr_array_add (reloaded, anbu_household_summary_new (&facts));
    }
  g_signal_connect (index, "items-changed", G_CALLBACK (record_change), &change);
  anbu_household_index_set_households (index, reloaded);

  /* Risk order "h2 h7 h1 h3 h4 h5 h8 h6": only h4, at position 4, changed. */
  assert_visible (index, "h2 h7 h1 h3 h4 h5 h8 h6");
  g_assert_cmpuint (change.signals, ==, 1);
  g_assert_cmpuint (change.position, ==, 4);
  g_assert_cmpuint (change.removed, ==, 1);
  g_assert_cmpuint (change.added, ==, 1);
  /* Unchanged households keep their very item. */
  first_again = g_list_model_get_item (G_LIST_MODEL (index), 0);
  g_assert_true (first_again == first);
}

static void
test_replace_households (void)
{
  g_autoptr(AnbuHouseholdIndex) index = seeded_index ();
  g_autoptr(GPtrArray) none = g_ptr_array_new ();

  anbu_household_index_set_query (index, "김");
  g_assert_nonnull (anbu_household_index_lookup (index, "h1"));
  anbu_household_index_set_households (index, none);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (index)), ==, 0);
  g_assert_null (anbu_household_index_lookup (index, "h1"));
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (index), 0));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anbu/household-index/risk-order", test_risk_order);
  g_test_add_func ("/anbu/household-index/name-order", test_name_order);
  g_test_add_func ("/anbu/household-index/last-activity-order", test_last_activity_order);
  g_test_add_func ("/anbu/household-index/search", test_search);
  g_test_add_func ("/anbu/household-index/typing-matches-fresh-search", test_typing_matches_fresh_search);
  g_test_add_func ("/anbu/household-index/categories", test_categories);
  g_test_add_func ("/anbu/household-index/dong-and-consent", test_dong_and_consent);
  g_test_add_func ("/anbu/household-index/replace-households", test_replace_households);
  g_test_add_func ("/anbu/household-index/reload-keeps-items", test_reload_keeps_items);

  return g_test_run ();
}
