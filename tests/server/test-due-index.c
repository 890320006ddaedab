/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The timer pass looks only at the households whose countdown can be due
 * (issue 16): when a household's due time moves after the pass has put it
 * in its index, the signal still comes exactly at the new due time, once.
 * Three households share the fixture's gateway, which falls silent at
 * START: the countdowns run on through the silence (issue 13), so only the
 * timer raises their signals. The server runs on its manual clock; offline
 * signals are a week away. */
#include "config.h"

#include <string.h>

#include "anbu-ingest-fixture.h"

#define DONG "1111051500"
#define HOUR ((gint64) 3600)
#define MINUTE ((gint64) 60)
#define WEEK_SECONDS "604800"

/* Wednesday 2026-11-25 14:00 KST. */
#define START ((gint64) 1795582800)

/* The due times that move earlier come before the next local midnight
 * (START + 10 h), when the day's relearning of routines would look at
 * every household anyway. */
/* A: threshold 48 h, lowered to 24 h after the first pass. */
#define A_ACT (START - 16 * HOUR)
#define A_DUE (A_ACT + 24 * HOUR)
/* B: the resident's last act, then a planner's switching during a visit
 * recorded after the first pass: that was staff time. */
#define B_RESIDENT (START - 18 * HOUR)
#define B_VISIT (START - 2 * HOUR)
#define B_DUE (B_RESIDENT + 24 * HOUR)
/* C: due at START + 4 h, but in hospital until START + 3 h, registered
 * after the first pass: the quiet counts from its end. */
#define C_ACT (START - 20 * HOUR)
#define C_BACK (START + 3 * HOUR)
#define C_DUE (C_BACK + 24 * HOUR)
/* D (add_two_plug_household): threshold 24 h; its first plug last saw the
 * resident at D_ACT, its second, later, at D2_ACT. */
#define D_ACT (START - 20 * HOUR)
#define D2_ACT (START - 2 * HOUR)

static const char * const long_offline[] = { "--offline-after", WEEK_SECONDS, NULL };

typedef struct
{
  IngestFixture *fixture;
  char          *a;
  char          *b;
  char          *c;
} Homes;

static void
tick (IngestFixture *fixture,
      gint64         now)
{
  anbu_test_response_free (ingest_tick (fixture, now));
}

/* The household's inactivity signals. */
static GPtrArray *
risks (IngestFixture *fixture,
       const char    *household)
{
  g_autoptr(GPtrArray) alerts = ingest_alerts (fixture, NULL, household);
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint i = 0; i < alerts->len; i++)
    if (g_strcmp0 (json_object_get_string_member (alerts->pdata[i], "kind"), "inactivity") == 0)
      g_ptr_array_add (found, json_object_ref (alerts->pdata[i]));
  return found;
}

static void
assert_quiet (IngestFixture *fixture,
              const char    *household)
{
  g_autoptr(GPtrArray) found = risks (fixture, household);

  g_assert_cmpuint (found->len, ==, 0);
}

/* Exactly one risk signal, raised at `raised_at` for the quiet since `since`. */
static void
assert_raised (IngestFixture *fixture,
               const char    *household,
               gint64         raised_at,
               gint64         since)
{
  g_autoptr(GPtrArray) found = risks (fixture, household);

  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (ingest_member_time (found->pdata[0], "raised_at"), ==, raised_at);
  g_assert_cmpint (ingest_member_time (found->pdata[0], "quiet_since"), ==, since);
  g_assert_cmpstr (json_object_get_string_member (found->pdata[0], "state"), ==, "open");
}

static void
homes_free (Homes *homes)
{
  ingest_fixture_free (homes->fixture);
  g_free (homes->a);
  g_free (homes->b);
  g_free (homes->c);
  g_free (homes);
}

/* The three report up to START, and a pass puts them in the index. */
static Homes *
homes_new (void)
{
  Homes *homes = g_new0 (Homes, 1);
  IngestFixture *fixture = ingest_fixture_new (START, long_offline);

  homes->fixture = fixture;
  homes->a = ingest_add_household (fixture, DONG, TRUE, 48, "PLUG-A", START - 40 * HOUR);
  homes->b = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-B", START - 40 * HOUR);
  homes->c = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-C", START - 40 * HOUR);
  ingest_post_span (fixture, "PLUG-A", START - 39 * HOUR, START, MINUTE, 2.0, 85.0,
                    A_ACT - 20 * MINUTE, A_ACT, NULL);
  /* B's resident switched at B_RESIDENT; the planner tried the TV at the visit. */
  ingest_post_span (fixture, "PLUG-B", START - 39 * HOUR, START - 6 * HOUR, MINUTE, 2.0, 85.0,
                    B_RESIDENT - 20 * MINUTE, B_RESIDENT, NULL);
  ingest_post_span (fixture, "PLUG-B", START - 6 * HOUR + MINUTE, START, MINUTE, 2.0, 85.0,
                    B_VISIT - 5 * MINUTE, B_VISIT, NULL);
  ingest_post_span (fixture, "PLUG-C", START - 39 * HOUR, START, MINUTE, 2.0, 85.0,
                    C_ACT - 20 * MINUTE, C_ACT, NULL);
  tick (fixture, START);
  assert_quiet (fixture, homes->a);
  assert_quiet (fixture, homes->b);
  assert_quiet (fixture, homes->c);
  return homes;
}

/* A threshold lowered, a visit recorded late, an absence registered late:
 * each signal at its new due time, none early, none twice. */
static void
test_due_moves (void)
{
  Homes *homes = homes_new ();
  IngestFixture *fixture = homes->fixture;
  g_autofree char *a_update = g_strdup_printf ("{\"id\": \"%s\", \"base_version\": 1,"
                                               " \"fields\": {\"threshold_hours\": 24}}", homes->a);
  g_autofree char *visit_id = g_uuid_string_random ();
  g_autofree char *visit_at = ingest_time (B_VISIT);
  g_autofree char *visit = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", \"at\": \"%s\","
                                            " \"by\": \"%s\", \"purpose\": \"regular\"}", visit_id,
                                            homes->b, visit_at, fixture->admin_id);
  g_autofree char *absence_id = g_uuid_string_random ();
  g_autofree char *away_from = ingest_time (C_ACT + HOUR);
  g_autofree char *away_to = ingest_time (C_BACK);
  g_autofree char *absence = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\","
                                              " \"from\": \"%s\", \"to\": \"%s\","
                                              " \"reason\": \"hospital\"}", absence_id, homes->c,
                                              away_from, away_to);

  json_object_unref (ingest_push (fixture, "household.update", a_update));
  json_object_unref (ingest_push (fixture, "visit.create", visit));
  json_object_unref (ingest_push (fixture, "absence.create", absence));

  /* C's old due time passes in hospital and after. */
  tick (fixture, START + 2 * HOUR);
  tick (fixture, START + 4 * HOUR);
  assert_quiet (fixture, homes->c);

  /* B: counted from the resident's act, not the planner's. */
  tick (fixture, B_DUE - MINUTE);
  assert_quiet (fixture, homes->b);
  tick (fixture, B_DUE);
  assert_raised (fixture, homes->b, B_DUE, B_RESIDENT);

  /* A: 24 h, not the 48 h the index was built with. */
  tick (fixture, A_DUE - MINUTE);
  assert_quiet (fixture, homes->a);
  tick (fixture, A_DUE);
  assert_raised (fixture, homes->a, A_DUE, A_ACT);

  tick (fixture, C_DUE - MINUTE);
  assert_quiet (fixture, homes->c);
  tick (fixture, C_DUE);
  assert_raised (fixture, homes->c, C_DUE, C_BACK);

  /* Later passes raise nothing again. */
  tick (fixture, C_DUE + HOUR);
  tick (fixture, C_DUE + 30 * HOUR);
  assert_raised (fixture, homes->a, A_DUE, A_ACT);
  assert_raised (fixture, homes->b, B_DUE, B_RESIDENT);
  assert_raised (fixture, homes->c, C_DUE, C_BACK);
  homes_free (homes);
}

/* A threshold raised after the first pass: nothing at the old due time,
 * the signal at the new one. */
static void
test_due_moves_later (void)
{
  Homes *homes = homes_new ();
  IngestFixture *fixture = homes->fixture;
  g_autofree char *b_update = g_strdup_printf ("{\"id\": \"%s\", \"base_version\": 1,"
                                               " \"fields\": {\"threshold_hours\": 40}}", homes->b);
  gint64 b_due = B_VISIT + 40 * HOUR;

  json_object_unref (ingest_push (fixture, "household.update", b_update));
  tick (fixture, B_VISIT + 24 * HOUR);
  assert_quiet (fixture, homes->b);
  tick (fixture, b_due - MINUTE);
  assert_quiet (fixture, homes->b);
  tick (fixture, b_due);
  assert_raised (fixture, homes->b, b_due, B_VISIT);
  homes_free (homes);
}

/* New activity, live and resent late, moves the due times on: nothing at
 * the old ones, each signal at its new one. */
static void
test_due_follows_activity (void)
{
  Homes *homes = homes_new ();
  IngestFixture *fixture = homes->fixture;
  gint64 b_act = START + HOUR + 40 * MINUTE;
  gint64 a_act = START + 4 * HOUR;

  /* Two hours of readings: B's resident switches; C shows nothing. */
  tick (fixture, START + 2 * HOUR);
  ingest_post_span (fixture, "PLUG-A", START + MINUTE, START + 2 * HOUR, MINUTE, 2.0, 85.0, 0, 0,
                    NULL);
  ingest_post_span (fixture, "PLUG-B", START + MINUTE, START + 2 * HOUR, MINUTE, 2.0, 85.0,
                    b_act - 10 * MINUTE, b_act, NULL);
  ingest_post_span (fixture, "PLUG-C", START + MINUTE, START + 2 * HOUR, MINUTE, 2.0, 85.0, 0, 0,
                    NULL);
  tick (fixture, START + 2 * HOUR + MINUTE);
  tick (fixture, START + 4 * HOUR - MINUTE);
  assert_quiet (fixture, homes->c);
  tick (fixture, START + 4 * HOUR);
  assert_raised (fixture, homes->c, START + 4 * HOUR, C_ACT);

  /* The gateway resends the three hours after that late: A's resident
   * switched at a_act. */
  tick (fixture, START + 5 * HOUR);
  ingest_post_span (fixture, "PLUG-A", START + 2 * HOUR + MINUTE, START + 5 * HOUR, MINUTE, 2.0,
                    85.0, a_act - 10 * MINUTE, a_act, NULL);
  ingest_post_span (fixture, "PLUG-B", START + 2 * HOUR + MINUTE, START + 5 * HOUR, MINUTE, 2.0,
                    85.0, 0, 0, NULL);
  ingest_post_span (fixture, "PLUG-C", START + 2 * HOUR + MINUTE, START + 5 * HOUR, MINUTE, 2.0,
                    85.0, 0, 0, NULL);
  tick (fixture, START + 5 * HOUR + MINUTE);

  tick (fixture, B_VISIT + 24 * HOUR);
  assert_quiet (fixture, homes->b);
  tick (fixture, b_act + 24 * HOUR - MINUTE);
  assert_quiet (fixture, homes->b);
  tick (fixture, b_act + 24 * HOUR);
  assert_raised (fixture, homes->b, b_act + 24 * HOUR, b_act);

  tick (fixture, A_ACT + 48 * HOUR);
  assert_quiet (fixture, homes->a);
  tick (fixture, a_act + 48 * HOUR - MINUTE);
  assert_quiet (fixture, homes->a);
  tick (fixture, a_act + 48 * HOUR);
  assert_raised (fixture, homes->a, a_act + 48 * HOUR, a_act);
  assert_raised (fixture, homes->c, START + 4 * HOUR, C_ACT);
  homes_free (homes);
}

/* Household D with two plugs, after the first pass (quiet); its id. */
static char *
add_two_plug_household (IngestFixture *fixture)
{
  g_autofree char *installed = ingest_time (START - 40 * HOUR);
  char *household = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-D1", START - 40 * HOUR);
  g_autofree char *second = g_strdup_printf ("{\"serial\": \"PLUG-D2\", \"household_id\": \"%s\","
                                             " \"appliance\": \"lamp\", \"installed_at\": \"%s\"}",
                                             household, installed);

  json_object_unref (ingest_push (fixture, "plug.install", second));
  ingest_post_span (fixture, "PLUG-D1", START - 39 * HOUR, START, MINUTE, 2.0, 85.0,
                    D_ACT - 20 * MINUTE, D_ACT, NULL);
  ingest_post_span (fixture, "PLUG-D2", START - 39 * HOUR, START, MINUTE, 2.0, 85.0,
                    D2_ACT - 20 * MINUTE, D2_ACT, NULL);
  tick (fixture, START);
  assert_quiet (fixture, household);
  return household;
}

/* A second plug, where the resident was last active, taken out faulty
 * after the first pass: only the first plug's activity counts, and the
 * signal comes at its due time. */
static void
test_due_plug_removed (void)
{
  Homes *homes = homes_new ();
  IngestFixture *fixture = homes->fixture;
  g_autofree char *household = add_two_plug_household (fixture);
  g_autofree char *removed_at = ingest_time (START);
  g_autofree char *removal = g_strdup_printf ("{\"serial\": \"PLUG-D2\", \"reason\": \"faulty\","
                                              " \"at\": \"%s\"}", removed_at);

  json_object_unref (ingest_push (fixture, "plug.remove", removal));
  tick (fixture, START + 2 * HOUR);
  tick (fixture, D_ACT + 24 * HOUR - MINUTE);
  assert_quiet (fixture, household);
  tick (fixture, D_ACT + 24 * HOUR);
  assert_raised (fixture, household, D_ACT + 24 * HOUR, D_ACT);
  homes_free (homes);
}

/* A second plug, where the resident was last active, taken out and
 * installed in another household after the first pass, reporting there
 * before the next pass: the first household's signal still comes at its
 * first plug's due time, counted through the gateway's silence after it
 * (fails when the index misses the household a plug left once the plug's
 * readings come from its new one). The first plug reports nothing new, so
 * its record does not change either. */
static void
test_due_plug_moved (void)
{
  Homes *homes = homes_new ();
  IngestFixture *fixture = homes->fixture;
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *household = add_two_plug_household (fixture);
  g_autofree char *removed_at = ingest_time (START + 5 * MINUTE);
  g_autofree char *removal = g_strdup_printf ("{\"serial\": \"PLUG-D2\", \"reason\": \"returned\","
                                              " \"at\": \"%s\"}", removed_at);
  g_autofree char *moved_at = ingest_time (START + 6 * MINUTE);
  g_autofree char *move = g_strdup_printf ("{\"serial\": \"PLUG-D2\", \"household_id\": \"%s\","
                                           " \"appliance\": \"tv\", \"installed_at\": \"%s\"}",
                                           homes->a, moved_at);

  /* Moved to A, where its readings arrive before the next pass. */
  tick (fixture, START + 10 * MINUTE);
  json_object_unref (ingest_push (fixture, "plug.remove", removal));
  json_object_unref (ingest_push (fixture, "plug.install", move));
  ingest_post_span (fixture, "PLUG-D2", START + 7 * MINUTE, START + 10 * MINUTE, MINUTE, 2.0,
                    85.0, 0, 0, NULL);
  tick (fixture, START + 11 * MINUTE);
  tick (fixture, D_ACT + 24 * HOUR - MINUTE);
  assert_quiet (fixture, household);
  tick (fixture, D_ACT + 24 * HOUR + 30 * MINUTE);
  found = risks (fixture, household);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (ingest_member_time (found->pdata[0], "quiet_since"), ==, D_ACT);
  g_assert_cmpint (ingest_member_time (found->pdata[0], "raised_at"), >=, D_ACT + 24 * HOUR);
  homes_free (homes);
}

/* The household's offline signals. */
static GPtrArray *
offline_signals (IngestFixture *fixture,
                 const char    *household)
{
  g_autoptr(GPtrArray) alerts = ingest_alerts (fixture, NULL, household);
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint i = 0; i < alerts->len; i++)
    if (g_strcmp0 (json_object_get_string_member (alerts->pdata[i], "kind"), "offline") == 0)
      g_ptr_array_add (found, json_object_ref (alerts->pdata[i]));
  return found;
}

/* A second plug installed in F after its first plug fell silent, which
 * never reports and is taken back and installed in G before the next pass:
 * F is offline from its first plug's last reading, and the signal comes
 * then, not the offline time after the second plug's install (fails when
 * the index misses the household a plug left that never reported: no live
 * row names it). G's plug reports on, so the gateway is no silent witness. */
static void
test_due_silent_plug_moved (void)
{
  const char * const six_hours[] = { "--offline-after", "21600", NULL };
  IngestFixture *fixture = ingest_fixture_new (START, six_hours);
  g_autofree char *f = ingest_add_household (fixture, DONG, TRUE, 48, "PLUG-F1",
                                             START - 40 * HOUR);
  g_autofree char *g = ingest_add_household (fixture, DONG, TRUE, 48, "PLUG-G1",
                                             START - 40 * HOUR);
  g_autofree char *installed_at = ingest_time (START + HOUR);
  g_autofree char *install = g_strdup_printf ("{\"serial\": \"PLUG-F2\", \"household_id\": \"%s\","
                                              " \"appliance\": \"lamp\", \"installed_at\": \"%s\"}",
                                              f, installed_at);
  g_autofree char *removed_at = ingest_time (START + 2 * HOUR);
  g_autofree char *removal = g_strdup_printf ("{\"serial\": \"PLUG-F2\", \"reason\": \"returned\","
                                              " \"at\": \"%s\"}", removed_at);
  g_autofree char *move = g_strdup_printf ("{\"serial\": \"PLUG-F2\", \"household_id\": \"%s\","
                                           " \"appliance\": \"tv\", \"installed_at\": \"%s\"}",
                                           g, removed_at);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) found = NULL;

  ingest_post_span (fixture, "PLUG-F1", START - 39 * HOUR, START, MINUTE, 2.0, 85.0,
                    START - 3 * HOUR, START - 2 * HOUR, NULL);
  ingest_post_span (fixture, "PLUG-G1", START - 39 * HOUR, START, MINUTE, 2.0, 85.0,
                    START - 3 * HOUR, START - 2 * HOUR, NULL);
  tick (fixture, START);

  /* Installed in F, seen by a pass; moved to G before the next one. */
  tick (fixture, START + HOUR);
  json_object_unref (ingest_push (fixture, "plug.install", install));
  ingest_post_span (fixture, "PLUG-G1", START + MINUTE, START + HOUR, MINUTE, 2.0, 85.0, 0, 0,
                    NULL);
  tick (fixture, START + HOUR + MINUTE);
  tick (fixture, START + 2 * HOUR);
  json_object_unref (ingest_push (fixture, "plug.remove", removal));
  json_object_unref (ingest_push (fixture, "plug.install", move));
  ingest_post_span (fixture, "PLUG-G1", START + HOUR + MINUTE, START + 2 * HOUR, MINUTE, 2.0,
                    85.0, 0, 0, NULL);
  tick (fixture, START + 2 * HOUR + MINUTE);

  /* G's readings come on, hour by hour, up to the moment. */
  for (gint64 t = START + 2 * HOUR + 59 * MINUTE; t <= START + 6 * HOUR; t += HOUR)
    {
      tick (fixture, t);
      ingest_post_span (fixture, "PLUG-G1", t - 59 * MINUTE, t, MINUTE, 2.0, 85.0, 0, 0, NULL);
    }
  /* Its reading of the next minute (at most 5 minutes ahead is taken). */
  ingest_post_span (fixture, "PLUG-G1", START + 6 * HOUR, START + 6 * HOUR, MINUTE, 2.0, 85.0, 0,
                    0, NULL);
  tick (fixture, START + 6 * HOUR - MINUTE);
  before = offline_signals (fixture, f);
  g_assert_cmpuint (before->len, ==, 0);
  tick (fixture, START + 6 * HOUR);
  found = offline_signals (fixture, f);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (ingest_member_time (found->pdata[0], "raised_at"), ==, START + 6 * HOUR);
  ingest_fixture_free (fixture);
}

/* A planner closes C's signal while the resident is still silent: the
 * countdown starts again from the resolution, and the next signal comes
 * exactly a threshold later (fails when the index drops a household whose
 * countdown ran out without a signal). */
static void
test_due_after_resolution (void)
{
  Homes *homes = homes_new ();
  IngestFixture *fixture = homes->fixture;
  gint64 c_due = C_ACT + 24 * HOUR;
  gint64 resolved_at = c_due + HOUR;
  g_autoptr(GPtrArray) raised = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *at = ingest_time (resolved_at);
  g_autofree char *resolve = NULL;
  guint open = 0;

  tick (fixture, c_due);
  raised = risks (fixture, homes->c);
  g_assert_cmpuint (raised->len, ==, 1);
  resolve = g_strdup_printf ("{\"id\": \"%s\", \"resolution\": \"safe\", \"at\": \"%s\","
                             " \"notes\": \"phoned\"}",
                             json_object_get_string_member (raised->pdata[0], "id"), at);
  tick (fixture, resolved_at);
  json_object_unref (ingest_push (fixture, "alert.resolve", resolve));
  tick (fixture, resolved_at + MINUTE);
  tick (fixture, resolved_at + 24 * HOUR - MINUTE);
  before = risks (fixture, homes->c);
  g_assert_cmpuint (before->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (before->pdata[0], "state"), ==, "resolved");

  tick (fixture, resolved_at + 24 * HOUR);
  after = risks (fixture, homes->c);
  g_assert_cmpuint (after->len, ==, 2);
  for (guint i = 0; i < after->len; i++)
    if (g_strcmp0 (json_object_get_string_member (after->pdata[i], "state"), "open") == 0)
      {
        open++;
        g_assert_cmpint (ingest_member_time (after->pdata[i], "raised_at"), ==, resolved_at + 24 * HOUR);
      }
  g_assert_cmpuint (open, ==, 1);
  homes_free (homes);
}

/* Thursday 09:00 KST: the night's signals go to the 동. */
#define THU_MORNING (START + 19 * HOUR)

/* A signal another instance raised for A at night (written as detection
 * writes it) and acknowledged there, while A's own countdown is far from
 * due; then this instance's pass fails (as after another instance led), so
 * the next pass looks at every household: the signal still goes to the 동
 * in the morning (fails when a pass over every household does not watch
 * the signals it did not raise itself). */
static void
test_watched_after_full_pass (void)
{
  Homes *homes = homes_new ();
  IngestFixture *fixture = homes->fixture;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *raised_at = ingest_time (START + 8 * HOUR);
  g_autofree char *acknowledged_at = ingest_time (START + 8 * HOUR + 5 * MINUTE);
  g_autofree char *quiet_since = ingest_time (A_ACT);
  g_autofree char *record = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\","
                                             " \"kind\": \"inactivity\", \"level\": \"risk\","
                                             " \"quiet_since\": \"%s\", \"raised_at\": \"%s\","
                                             " \"responder\": \"control\", \"state\": \"acknowledged\","
                                             " \"acknowledged_at\": \"%s\", \"version\": 1}",
                                             id, homes->a, quiet_since, raised_at,
                                             acknowledged_at);
  g_autoptr(GPtrArray) found = NULL;

  tick (fixture, START + 8 * HOUR);
  anbu_test_server_insert_alert (fixture->server, id, homes->a, record, acknowledged_at);
  ingest_tick_failing (fixture, START + 8 * HOUR + 10 * MINUTE);
  tick (fixture, START + 8 * HOUR + 11 * MINUTE);
  tick (fixture, THU_MORNING - MINUTE);
  tick (fixture, THU_MORNING);
  found = risks (fixture, homes->a);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (found->pdata[0], "state"), ==, "acknowledged");
  g_assert_cmpstr (json_object_get_string_member (found->pdata[0], "responder"), ==, "dong");
  homes_free (homes);
}

/* How many households a pass at `now` looked at (the tick's answer). */
static gint64
looked_at (IngestFixture *fixture,
           gint64         now)
{
  g_autoptr(AnbuTestResponse) response = ingest_tick (fixture, now);

  return json_object_get_int_member (anbu_test_response_object (response), "households");
}

/* A plug that reported right after it was installed, as plugs do, then
 * only reports on: the pass does not look at its household (nothing can
 * be due). Fails when ingest marks every batch of such a plug as a return
 * from offline, which puts every household in every pass. */
static void
test_due_quiet_readings_not_looked_at (void)
{
  Homes *homes = homes_new ();
  IngestFixture *fixture = homes->fixture;
  g_autofree char *household = ingest_add_household (fixture, DONG, TRUE, 24, "PLUG-E",
                                                     START - 40 * HOUR);

  ingest_post_span (fixture, "PLUG-E", START - 40 * HOUR + MINUTE, START, MINUTE, 2.0, 85.0,
                    START - 20 * HOUR, START - 19 * HOUR, NULL);
  tick (fixture, START);
  tick (fixture, START + 10 * MINUTE);
  ingest_post_span (fixture, "PLUG-E", START + MINUTE, START + 10 * MINUTE, MINUTE, 2.0, 85.0,
                    0, 0, NULL);
  g_assert_cmpint (looked_at (fixture, START + 11 * MINUTE), ==, 0);
  assert_quiet (fixture, household);
  homes_free (homes);
}

/* The server restarts with the index built: a signal due while it was
 * down comes at start-up, one due later at its time. */
static void
test_due_after_restart (void)
{
  Homes *homes = homes_new ();
  IngestFixture *fixture = homes->fixture;
  g_autoptr(GPtrArray) c_risks = NULL;
  const char *detail;

  ingest_fixture_restart (fixture, START + 5 * HOUR);
  c_risks = risks (fixture, homes->c);
  g_assert_cmpuint (c_risks->len, ==, 1);
  g_assert_cmpint (ingest_member_time (c_risks->pdata[0], "raised_at"), ==, START + 5 * HOUR);
  detail = json_object_get_string_member_with_default (c_risks->pdata[0], "detail", NULL);
  g_assert_nonnull (detail);
  g_assert_nonnull (strstr (detail, "raised late"));
  assert_quiet (fixture, homes->b);

  tick (fixture, B_VISIT + 24 * HOUR - MINUTE);
  assert_quiet (fixture, homes->b);
  tick (fixture, B_VISIT + 24 * HOUR);
  assert_raised (fixture, homes->b, B_VISIT + 24 * HOUR, B_VISIT);
  homes_free (homes);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/due-index/due-moves", test_due_moves);
  g_test_add_func ("/anbu/due-index/due-moves-later", test_due_moves_later);
  g_test_add_func ("/anbu/due-index/due-follows-activity", test_due_follows_activity);
  g_test_add_func ("/anbu/due-index/due-plug-removed", test_due_plug_removed);
  g_test_add_func ("/anbu/due-index/due-plug-moved", test_due_plug_moved);
  g_test_add_func ("/anbu/due-index/due-silent-plug-moved", test_due_silent_plug_moved);
  g_test_add_func ("/anbu/due-index/due-after-resolution", test_due_after_resolution);
  g_test_add_func ("/anbu/due-index/watched-after-full-pass", test_watched_after_full_pass);
  g_test_add_func ("/anbu/due-index/quiet-readings-not-looked-at",
                   test_due_quiet_readings_not_looked_at);
  g_test_add_func ("/anbu/due-index/due-after-restart", test_due_after_restart);
  return g_test_run ();
}
