/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "anbu-caseload.h"

#define HOUR G_GINT64_CONSTANT (3600000000)
#define NOW  G_GINT64_CONSTANT (1795000000000000)

static AnbuHousehold *
household (const char *id, const char *name)
{
  AnbuHousehold *h = anbu_household_new ();

  h->id = g_strdup (id);
  h->name = g_strdup (name);
  h->dong_code = g_strdup ("1168064000");
  h->address = g_strdup ("서울특별시 강남구 역삼로 1");
  h->threshold_hours = 24;
  return h;
}

static AnbuAlert *
alert (const char *id, const char *household_id, AnbuAlertKind kind, AnbuAlertLevel level,
       gint quiet_hours, AnbuAlertState state)
{
  AnbuAlert *a = anbu_alert_new ();

  a->id = g_strdup (id);
  a->household_id = g_strdup (household_id);
  a->kind = kind;
  a->level = level;
  a->quiet_since = NOW - quiet_hours * HOUR;
  a->raised_at = NOW - HOUR;
  a->state = state;
  return a;
}

static AnbuPlug *
plug (const char *serial, const char *household_id, gint seen_hours_ago, gint activity_hours_ago)
{
  AnbuPlug *p = anbu_plug_new ();

  p->serial = g_strdup (serial);
  p->household_id = g_strdup (household_id);
  p->state = ANBU_PLUG_STATE_INSTALLED;
  p->installed_at = NOW - 1000 * HOUR;
  p->last_seen_at = NOW - seen_hours_ago * HOUR;
  p->last_activity_at = NOW - activity_hours_ago * HOUR;
  return p;
}

static void
test_alert_urgency (void)
{
  g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_alert_free);
  g_autoptr(GPtrArray) open = NULL;

  g_ptr_array_add (alerts, alert ("a1", "h1", ANBU_ALERT_KIND_ROUTINE, ANBU_ALERT_LEVEL_WATCH, 60, ANBU_ALERT_STATE_OPEN));
  g_ptr_array_add (alerts, alert ("a2", "h2", ANBU_ALERT_KIND_INACTIVITY, ANBU_ALERT_LEVEL_RISK, 30, ANBU_ALERT_STATE_OPEN));
  g_ptr_array_add (alerts, alert ("a3", "h3", ANBU_ALERT_KIND_INACTIVITY, ANBU_ALERT_LEVEL_CRITICAL, 26, ANBU_ALERT_STATE_ACKNOWLEDGED));
  g_ptr_array_add (alerts, alert ("a4", "h4", ANBU_ALERT_KIND_INACTIVITY, ANBU_ALERT_LEVEL_RISK, 40, ANBU_ALERT_STATE_OPEN));
  g_ptr_array_add (alerts, alert ("a5", "h5", ANBU_ALERT_KIND_INACTIVITY, ANBU_ALERT_LEVEL_CRITICAL, 50, ANBU_ALERT_STATE_RESOLVED));

  open = anbu_caseload_open_alerts (alerts);
  g_assert_cmpuint (open->len, ==, 4);
  g_assert_cmpstr (((AnbuAlert *) open->pdata[0])->id, ==, "a3");  /* 심각 */
  g_assert_cmpstr (((AnbuAlert *) open->pdata[1])->id, ==, "a4");  /* 위험, quiet 40 h */
  g_assert_cmpstr (((AnbuAlert *) open->pdata[2])->id, ==, "a2");  /* 위험, quiet 30 h */
  g_assert_cmpstr (((AnbuAlert *) open->pdata[3])->id, ==, "a1");  /* 관심 */
}

static void
test_summaries (void)
{
  g_autoptr(GPtrArray) households = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_household_free);
  g_autoptr(GPtrArray) plugs = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_plug_free);
  g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_alert_free);
  g_autoptr(GPtrArray) absences = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_absence_free);
  g_autoptr(GPtrArray) summaries = NULL;
  AnbuHousehold *closed;
  AnbuAbsence *away = anbu_absence_new ();
  AnbuPlug *removed;
  const AnbuHouseholdFacts *f;

  g_ptr_array_add (households, household ("h1", "김영수"));
  g_ptr_array_add (households, household ("h2", "박정희"));
  g_ptr_array_add (households, household ("h3", "이민아"));
  closed = household ("h4", "최종결");
  closed->status = ANBU_HOUSEHOLD_STATUS_CLOSED;
  g_ptr_array_add (households, closed);

  g_ptr_array_add (plugs, plug ("PLG-1", "h1", 0, 30));
  g_ptr_array_add (plugs, plug ("PLG-2", "h2", 10, 12));  /* silent for 10 h: offline */
  removed = plug ("PLG-OLD", "h1", 0, 0);
  removed->state = ANBU_PLUG_STATE_REMOVED;
  g_ptr_array_add (plugs, removed);
  g_ptr_array_add (alerts, alert ("a1", "h1", ANBU_ALERT_KIND_ROUTINE, ANBU_ALERT_LEVEL_WATCH, 20, ANBU_ALERT_STATE_OPEN));
  g_ptr_array_add (alerts, alert ("a2", "h1", ANBU_ALERT_KIND_INACTIVITY, ANBU_ALERT_LEVEL_RISK, 30, ANBU_ALERT_STATE_OPEN));
  g_ptr_array_add (alerts, alert ("a3", "h3", ANBU_ALERT_KIND_INACTIVITY, ANBU_ALERT_LEVEL_CRITICAL, 30, ANBU_ALERT_STATE_RESOLVED));
  away->id = g_strdup ("b1");
  away->household_id = g_strdup ("h3");
  away->from = NOW - 24 * HOUR;
  away->to = NOW + 24 * HOUR;
  g_ptr_array_add (absences, away);

  summaries = anbu_caseload_summarize (households, plugs, alerts, absences, NOW);
  g_assert_cmpuint (summaries->len, ==, 3);  /* the closed case is not in the list */

  f = anbu_household_summary_get_facts (summaries->pdata[0]);
  g_assert_cmpint (f->alert_level, ==, ANBU_ALERT_LEVEL_RISK);  /* the worse of two */
  g_assert_cmpint (f->quiet_since, ==, NOW - 30 * HOUR);
  g_assert_cmpint (f->last_activity_at, ==, NOW - 30 * HOUR);
  g_assert_cmpstr (f->serials[0], ==, "PLG-1");
  g_assert_null (f->serials[1]);  /* the removed plug is not searchable any more */
  g_assert_false (f->plug_offline);

  f = anbu_household_summary_get_facts (summaries->pdata[1]);
  g_assert_true (f->plug_offline);
  g_assert_cmpint (anbu_household_summary_get_categories (summaries->pdata[1]), ==, ANBU_HOUSEHOLD_CATEGORY_OFFLINE);

  f = anbu_household_summary_get_facts (summaries->pdata[2]);
  g_assert_cmpint (f->alert_level, ==, ANBU_HOUSEHOLD_NO_ALERT);  /* resolved does not count */
  g_assert_true (f->absent);
  g_assert_null (f->serials[0]);
  g_assert_false (f->plug_offline);  /* no plug at all is not an offline plug */
}

static void
test_installed_plugs (void)
{
  g_autoptr(GPtrArray) plugs = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_plug_free);
  AnbuPlug *removed = plug ("PLG-9", "h2", 0, 0);

  removed->state = ANBU_PLUG_STATE_REMOVED;
  g_ptr_array_add (plugs, plug ("PLG-1", "h1", 0, 0));
  g_ptr_array_add (plugs, removed);
  g_assert_cmpstr (anbu_caseload_plug_installed_in (plugs, "plg-1"), ==, "h1");
  g_assert_null (anbu_caseload_plug_installed_in (plugs, "PLG-9"));
  g_assert_nonnull (anbu_caseload_find_installed_plug (plugs, "h1"));
  g_assert_null (anbu_caseload_find_installed_plug (plugs, "h2"));
}

static void
test_visits_due (void)
{
  g_autoptr(GPtrArray) households = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_household_free);
  g_autoptr(GPtrArray) visits = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_visit_free);
  g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_alert_free);
  g_autoptr(GPtrArray) due = NULL;
  GDate today, until;
  const char *next[] = { "2026-11-20", "2026-11-24", "2026-12-20", NULL };

  g_date_set_dmy (&today, 18, 11, 2026);
  until = today;
  g_date_add_days (&until, 6);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("h%u", i + 1);
      g_ptr_array_add (households, household (id, "가"));
    }
  for (guint i = 0; i < 3; i++)
    {
      AnbuVisit *v = anbu_visit_new ();

      v->id = g_strdup_printf ("v%u", i + 1);
      v->household_id = g_strdup_printf ("h%u", i + 1);
      v->at = NOW - 100 * HOUR;
      v->next_visit_on = g_strdup (next[i]);
      g_ptr_array_add (visits, v);
    }
  /* A later visit to h2 without a next date ends its schedule. */
  {
    AnbuVisit *v = anbu_visit_new ();
    v->id = g_strdup ("v4");
    v->household_id = g_strdup ("h2");
    v->at = NOW - 10 * HOUR;
    g_ptr_array_add (visits, v);
  }
  /* h4 has an open risk signal and no visit since: due today. h5's signal
   * had a visit after it was raised: done. */
  g_ptr_array_add (alerts, alert ("a4", "h4", ANBU_ALERT_KIND_INACTIVITY, ANBU_ALERT_LEVEL_RISK, 30, ANBU_ALERT_STATE_OPEN));
  g_ptr_array_add (alerts, alert ("a5", "h5", ANBU_ALERT_KIND_INACTIVITY, ANBU_ALERT_LEVEL_RISK, 30, ANBU_ALERT_STATE_OPEN));
  {
    AnbuVisit *v = anbu_visit_new ();
    v->id = g_strdup ("v5");
    v->household_id = g_strdup ("h5");
    v->at = NOW;
    g_ptr_array_add (visits, v);
  }

  due = anbu_caseload_visits_due (households, visits, alerts, &today, &until);
  g_assert_cmpuint (due->len, ==, 2);
  g_assert_cmpstr (((AnbuVisitDue *) due->pdata[0])->household_id, ==, "h4");
  g_assert_cmpint (((AnbuVisitDue *) due->pdata[0])->reason, ==, ANBU_VISIT_DUE_ALERT);
  g_assert_cmpstr (((AnbuVisitDue *) due->pdata[0])->alert_id, ==, "a4");
  g_assert_cmpstr (((AnbuVisitDue *) due->pdata[1])->household_id, ==, "h1");
  g_assert_cmpint (g_date_get_day (&((AnbuVisitDue *) due->pdata[1])->due), ==, 20);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anbu/caseload/alert-urgency", test_alert_urgency);
  g_test_add_func ("/anbu/caseload/summaries", test_summaries);
  g_test_add_func ("/anbu/caseload/installed-plugs", test_installed_plugs);
  g_test_add_func ("/anbu/caseload/visits-due", test_visits_due);

  return g_test_run ();
}
