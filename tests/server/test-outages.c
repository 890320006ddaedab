/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A silence nobody observed is not a silence that ended (issue 13): the
 * server down past a due time, a gateway down, one plug unplugged, and a
 * backlog resent before and after live readings. Two households share the
 * fixture's gateway; the server runs on its manual clock. */
#include "config.h"

#include <string.h>

#include "anbu-ingest-fixture.h"

#define DONG "1111051500"
#define HOUR ((gint64) 3600)
#define MINUTE ((gint64) 60)

/* Wednesday 2026-11-25 14:00 KST. */
#define START ((gint64) 1795582800)
/* A: last act 20 h before START, so its 24 h risk signal is due at
 * START + 4 h. B: busy an hour before START. */
#define A_LAST_ACT (START - 20 * HOUR)
#define A_DUE (START + 4 * HOUR)

typedef struct
{
  IngestFixture *fixture;
  char          *household_a;
  char          *household_b;
} Outage;

/* Standby readings every minute over [from, to], the appliance on over
 * [on_from, on_to). */
static void
post (IngestFixture *fixture,
      const char    *serial,
      gint64         from,
      gint64         to,
      gint64         on_from,
      gint64         on_to)
{
  ingest_post_span (fixture, serial, from, to, MINUTE, 2.0, 85.0, on_from, on_to, NULL);
}

static void
tick (IngestFixture *fixture,
      gint64         now)
{
  anbu_test_response_free (ingest_tick (fixture, now));
}

/* Both plugs report up to START through the one gateway. */
static Outage *
outage_new (void)
{
  Outage *outage = g_new0 (Outage, 1);

  outage->fixture = ingest_fixture_new (START, NULL);
  outage->household_a = ingest_add_household (outage->fixture, DONG, TRUE, 24, "PLUG-A",
                                              A_LAST_ACT - 2 * HOUR);
  outage->household_b = ingest_add_household (outage->fixture, DONG, TRUE, 24, "PLUG-B",
                                              A_LAST_ACT - 2 * HOUR);
  post (outage->fixture, "PLUG-A", A_LAST_ACT - HOUR, START, A_LAST_ACT - 30 * MINUTE, A_LAST_ACT);
  post (outage->fixture, "PLUG-B", A_LAST_ACT - HOUR, START, START - HOUR, START - 50 * MINUTE);
  return outage;
}

static void
outage_free (Outage *outage)
{
  ingest_fixture_free (outage->fixture);
  g_free (outage->household_a);
  g_free (outage->household_b);
  g_free (outage);
}

static JsonObject *
find_alert (GPtrArray  *alerts,
            const char *kind)
{
  JsonObject *found = NULL;

  for (guint i = 0; i < alerts->len; i++)
    if (g_strcmp0 (json_object_get_string_member (alerts->pdata[i], "kind"), kind) == 0)
      {
        g_assert_null (found);
        found = alerts->pdata[i];
      }
  return found;
}

static GPtrArray *
alerts_of (Outage     *outage,
           const char *household)
{
  return ingest_alerts (outage->fixture, NULL, household);
}

/* The server stops at START and starts again 7 h later, the readings of
 * that time lost: A's signal, due 4 h into the outage, comes at once at
 * start-up, saying it is late and why; nobody gets an offline signal; the
 * readings after the restart do not restart A's quiet. */
static void
test_server_down_past_due (void)
{
  Outage *outage = outage_new ();
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;
  g_autoptr(GPtrArray) a_later = NULL;
  JsonObject *risk;
  const char *detail;

  ingest_fixture_restart (outage->fixture, START + 7 * HOUR);
  a = alerts_of (outage, outage->household_a);
  b = alerts_of (outage, outage->household_b);
  g_assert_cmpuint (a->len, ==, 1);
  risk = find_alert (a, "inactivity");
  g_assert_nonnull (risk);
  g_assert_cmpint (ingest_member_time (risk, "quiet_since"), ==, A_LAST_ACT);
  g_assert_cmpint (ingest_member_time (risk, "raised_at"), ==, START + 7 * HOUR);
  detail = json_object_get_string_member_with_default (risk, "detail", NULL);
  g_assert_nonnull (detail);
  g_test_message ("detail: %s", detail);
  g_assert_nonnull (strstr (detail, "raised late"));
  g_assert_nonnull (strstr (detail, "server or gateway outage"));
  g_assert_cmpuint (b->len, ==, 0);

  /* Live again: A stays quiet, its signal stays open with the same quiet. */
  tick (outage->fixture, START + 7 * HOUR + 10 * MINUTE);
  post (outage->fixture, "PLUG-A", START + 7 * HOUR, START + 7 * HOUR + 10 * MINUTE, 0, 0);
  post (outage->fixture, "PLUG-B", START + 7 * HOUR, START + 7 * HOUR + 10 * MINUTE, 0, 0);
  tick (outage->fixture, START + 7 * HOUR + 10 * MINUTE);
  a_later = alerts_of (outage, outage->household_a);
  g_assert_cmpuint (a_later->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (a_later->pdata[0], "state"), ==, "open");
  g_assert_cmpint (ingest_member_time (a_later->pdata[0], "quiet_since"), ==, A_LAST_ACT);
  outage_free (outage);
}

/* The gateway goes silent (both plugs at once) from START to START + 8 h
 * while the server runs: A's countdown runs on (due at START + 4 h), no
 * offline signal for either, and the gateway coming back does not restart
 * A's quiet. */
static void
test_gateway_down (void)
{
  Outage *outage = outage_new ();
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;
  JsonObject *risk;

  tick (outage->fixture, A_DUE);
  due = alerts_of (outage, outage->household_a);
  risk = find_alert (due, "inactivity");
  g_assert_nonnull (risk);
  g_assert_cmpint (ingest_member_time (risk, "raised_at"), ==, A_DUE);

  tick (outage->fixture, START + 7 * HOUR);
  tick (outage->fixture, START + 8 * HOUR + 10 * MINUTE);
  post (outage->fixture, "PLUG-A", START + 8 * HOUR, START + 8 * HOUR + 10 * MINUTE, 0, 0);
  post (outage->fixture, "PLUG-B", START + 8 * HOUR, START + 8 * HOUR + 10 * MINUTE, 0, 0);
  tick (outage->fixture, START + 8 * HOUR + 10 * MINUTE);
  a = alerts_of (outage, outage->household_a);
  b = alerts_of (outage, outage->household_b);
  g_assert_null (find_alert (a, "offline"));
  g_assert_cmpuint (b->len, ==, 0);
  risk = find_alert (a, "inactivity");
  g_assert_nonnull (risk);
  g_assert_cmpstr (json_object_get_string_member (risk, "state"), ==, "open");
  g_assert_cmpint (ingest_member_time (risk, "quiet_since"), ==, A_LAST_ACT);
  outage_free (outage);
}

/* A's plug alone goes silent while B's keeps reporting: an offline signal
 * at 6 h, no inactivity during it (nobody saw the home), and its return is
 * a person's act (plugged back in): the quiet starts again. */
static void
test_one_plug_unplugged (void)
{
  Outage *outage = outage_new ();
  g_autoptr(GPtrArray) early = NULL;
  g_autoptr(GPtrArray) offline = NULL;
  g_autoptr(GPtrArray) back = NULL;
  JsonObject *alert;

  for (gint64 hour = 1; hour <= 6; hour++)
    {
      tick (outage->fixture, START + hour * HOUR - (hour == 6 ? MINUTE : 0));
      post (outage->fixture, "PLUG-B", START + (hour - 1) * HOUR + MINUTE, START + hour * HOUR,
            0, 0);
    }
  early = alerts_of (outage, outage->household_a);
  g_assert_cmpuint (early->len, ==, 0);

  tick (outage->fixture, START + 6 * HOUR);
  offline = alerts_of (outage, outage->household_a);
  g_assert_cmpuint (offline->len, ==, 1);
  g_assert_nonnull (find_alert (offline, "offline"));

  tick (outage->fixture, START + 7 * HOUR + 10 * MINUTE);
  post (outage->fixture, "PLUG-B", START + 6 * HOUR + MINUTE, START + 7 * HOUR + 10 * MINUTE, 0, 0);
  post (outage->fixture, "PLUG-A", START + 7 * HOUR, START + 7 * HOUR + 10 * MINUTE, 0, 0);
  tick (outage->fixture, START + 7 * HOUR + 10 * MINUTE);
  back = alerts_of (outage, outage->household_a);
  g_assert_null (find_alert (back, "inactivity"));
  alert = find_alert (back, "offline");
  g_assert_cmpstr (json_object_get_string_member (alert, "state"), ==, "resolved");
  outage_free (outage);
}

/* A's plug goes out by itself after the resident's last act (a power cut,
 * the Wi-Fi) and comes back with nobody switching anything: the gap was
 * unobserved, not a restart. The 24 h of observed quiet are due 7 h late
 * (the time out), at START + 11 h, not 24 h after the return. */
static void
test_plug_back_without_activity (void)
{
  Outage *outage = outage_new ();
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GPtrArray) other = NULL;
  JsonObject *risk;

  /* B keeps reporting through the gateway: A's silence is A's own. */
  for (gint64 hour = 1; hour <= 7; hour++)
    {
      tick (outage->fixture, START + hour * HOUR);
      post (outage->fixture, "PLUG-B", START + (hour - 1) * HOUR + MINUTE, START + hour * HOUR,
            0, 0);
    }
  post (outage->fixture, "PLUG-A", START + 7 * HOUR, START + 7 * HOUR, 0, 0);
  for (gint64 hour = 8; hour <= 10; hour++)
    {
      tick (outage->fixture, START + hour * HOUR);
      post (outage->fixture, "PLUG-B", START + (hour - 1) * HOUR + MINUTE, START + hour * HOUR,
            0, 0);
      post (outage->fixture, "PLUG-A", START + (hour - 1) * HOUR + MINUTE, START + hour * HOUR,
            0, 0);
    }
  tick (outage->fixture, START + 10 * HOUR + 50 * MINUTE);
  post (outage->fixture, "PLUG-B", START + 10 * HOUR + MINUTE, START + 10 * HOUR + 50 * MINUTE, 0, 0);
  post (outage->fixture, "PLUG-A", START + 10 * HOUR + MINUTE, START + 10 * HOUR + 50 * MINUTE, 0, 0);
  tick (outage->fixture, START + 10 * HOUR + 50 * MINUTE);
  before = alerts_of (outage, outage->household_a);
  g_assert_null (find_alert (before, "inactivity"));

  tick (outage->fixture, START + 11 * HOUR + 10 * MINUTE);
  post (outage->fixture, "PLUG-B", START + 10 * HOUR + 51 * MINUTE, START + 11 * HOUR + 10 * MINUTE, 0, 0);
  post (outage->fixture, "PLUG-A", START + 10 * HOUR + 51 * MINUTE, START + 11 * HOUR + 10 * MINUTE, 0, 0);
  tick (outage->fixture, START + 11 * HOUR + 10 * MINUTE);
  due = alerts_of (outage, outage->household_a);
  risk = find_alert (due, "inactivity");
  g_assert_nonnull (risk);
  g_assert_cmpint (ingest_member_time (risk, "raised_at"), <=, START + 11 * HOUR + 10 * MINUTE);
  other = alerts_of (outage, outage->household_b);
  g_assert_null (find_alert (other, "inactivity"));
  outage_free (outage);
}

/* The gateway was down START..START + 8 h and resends its backlog: `first`
 * says whether the backlog comes before the live readings (newest chunk
 * first) or after them. A's backlog holds the resident switching the TV on
 * at START + 2 h and off at START + 2.5 h: its quiet restarts from then,
 * not from the arrival. B's backlog has no activity: B's quiet (from an
 * hour before START) is not restarted by it. */
static void
check_backlog (gboolean backlog_first)
{
  Outage *outage = outage_new ();
  gint64 back = START + 8 * HOUR;
  gint64 tv_on = START + 2 * HOUR, tv_off = START + 2 * HOUR + 30 * MINUTE;
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;
  g_autoptr(GPtrArray) a_due = NULL;
  g_autoptr(GPtrArray) b_due = NULL;

  tick (outage->fixture, back);
  if (!backlog_first)
    {
      post (outage->fixture, "PLUG-A", back, back + 5 * MINUTE, 0, 0);
      post (outage->fixture, "PLUG-B", back, back + 5 * MINUTE, 0, 0);
    }
  post (outage->fixture, "PLUG-A", START + 7 * HOUR, back - MINUTE, 0, 0);
  post (outage->fixture, "PLUG-B", START + 7 * HOUR, back - MINUTE, 0, 0);
  post (outage->fixture, "PLUG-A", START + MINUTE, START + 7 * HOUR - MINUTE, tv_on, tv_off);
  post (outage->fixture, "PLUG-B", START + MINUTE, START + 7 * HOUR - MINUTE, 0, 0);
  if (backlog_first)
    {
      post (outage->fixture, "PLUG-A", back, back + 5 * MINUTE, 0, 0);
      post (outage->fixture, "PLUG-B", back, back + 5 * MINUTE, 0, 0);
    }
  tick (outage->fixture, back + 5 * MINUTE);
  a = alerts_of (outage, outage->household_a);
  b = alerts_of (outage, outage->household_b);
  /* A's signal came when the clock passed its due time in the outage (the
   * countdown ran on); the resident's act in the backlog closed it. */
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (json_object_get_string_member (a->pdata[i], "state"), ==, "resolved");
  g_assert_cmpuint (b->len, ==, 0);

  /* A's new countdown runs from the TV going off, B's from an hour
   * before START: both fire 24 h after the act, not after the backlog. */
  tick (outage->fixture, START + 23 * HOUR + 10 * MINUTE);
  post (outage->fixture, "PLUG-A", back + 6 * MINUTE, START + 23 * HOUR + 10 * MINUTE, 0, 0);
  post (outage->fixture, "PLUG-B", back + 6 * MINUTE, START + 23 * HOUR + 10 * MINUTE, 0, 0);
  tick (outage->fixture, START + 23 * HOUR + 10 * MINUTE);
  b_due = alerts_of (outage, outage->household_b);
  g_assert_nonnull (find_alert (b_due, "inactivity"));
  g_assert_cmpint (ingest_member_time (find_alert (b_due, "inactivity"), "quiet_since"), ==,
                   START - 50 * MINUTE);

  tick (outage->fixture, tv_off + 24 * HOUR);
  post (outage->fixture, "PLUG-A", START + 23 * HOUR + 11 * MINUTE, tv_off + 24 * HOUR, 0, 0);
  a_due = alerts_of (outage, outage->household_a);
  {
    JsonObject *open = NULL;

    for (guint i = 0; i < a_due->len; i++)
      if (g_strcmp0 (json_object_get_string_member (a_due->pdata[i], "state"), "resolved") != 0)
        open = a_due->pdata[i];
    g_assert_nonnull (open);
    g_assert_cmpstr (json_object_get_string_member (open, "kind"), ==, "inactivity");
    g_assert_cmpint (ingest_member_time (open, "quiet_since"), ==, tv_off);
  }
  outage_free (outage);
}

/* Plugs installed but never heard from, most of the households at once (a
 * gateway still uploading their history, as in the demo): no offline
 * signal for any (one plug alone stopping: test_one_plug_unplugged). */
static void
test_never_reported_mass (void)
{
  IngestFixture *fixture = ingest_fixture_new (START, NULL);
  g_autoptr(GPtrArray) households = g_ptr_array_new_with_free_func (g_free);
  guint offline = 0;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *serial = g_strdup_printf ("PLUG-NEW-%u", i);

      g_ptr_array_add (households, ingest_add_household (fixture, DONG, TRUE, 24, serial,
                                                         START - 2 * HOUR));
    }
  tick (fixture, START + 8 * HOUR);
  for (guint i = 0; i < households->len; i++)
    {
      g_autoptr(GPtrArray) alerts = ingest_alerts (fixture, NULL, households->pdata[i]);

      offline += find_alert (alerts, "offline") != NULL;
    }
  g_assert_cmpuint (offline, ==, 0);
  ingest_fixture_free (fixture);
}

/* A gateway (or the demo's simulator) uploads 60 hours of history for seven
 * households while the clock runs and timer passes come and go, an hour of
 * every plug at a time. Five residents use their TV twice a day; two of
 * them were silent for longer than their threshold in that history (away,
 * unregistered), one back for a day, one only two hours ago; the seventh
 * stopped 40 hours ago. While the readings are on
 * their way, a signal waits for them: nobody of the six gets a signal (not
 * for a silence still to be filled, nor for one their later readings end),
 * and the seventh's is raised once its readings show the silence. When
 * `stall_at` is not 0 the upload stops there: what is due is then raised at
 * once, the quiet counted through the time nobody observed. */
#define REPLAY_HOUSEHOLDS 7
#define REPLAY_FROM (START - 60 * HOUR)
#define REPLAY_STOPPED_AT (START - 40 * HOUR)
/* Household 1's and 2's silences, longer than their 24-hour threshold;
 * 2 switches the TV on as it ends. */
#define REPLAY_AWAY_FROM (REPLAY_FROM + HOUR)
#define REPLAY_AWAY_TO (REPLAY_FROM + 36 * HOUR)
#define REPLAY_BACK_AT (START - 2 * HOUR)

static void
check_history_replay (gint64 stall_at)
{
  IngestFixture *fixture = ingest_fixture_new (START, NULL);
  g_autoptr(GPtrArray) households = g_ptr_array_new_with_free_func (g_free);
  gint64 now = START;
  gint64 until = stall_at != 0 ? stall_at : START;

  for (guint i = 0; i < REPLAY_HOUSEHOLDS; i++)
    {
      g_autofree char *serial = g_strdup_printf ("PLUG-H%u", i);

      g_ptr_array_add (households, ingest_add_household (fixture, DONG, TRUE, 24, serial,
                                                         REPLAY_FROM - HOUR));
    }
  tick (fixture, now);
  for (gint64 slice = REPLAY_FROM; slice < until; slice += HOUR)
    {
      for (guint i = 0; i < REPLAY_HOUSEHOLDS; i++)
        {
          g_autofree char *serial = g_strdup_printf ("PLUG-H%u", i);
          gboolean stopper = i == REPLAY_HOUSEHOLDS - 1;
          /* The TV on for half an hour at the start of every twelfth hour. */
          gboolean away = (i == 1 && slice >= REPLAY_AWAY_FROM && slice < REPLAY_AWAY_TO)
                          || (i == 2 && slice >= REPLAY_AWAY_FROM && slice < REPLAY_BACK_AT);
          gboolean watching = ((slice - REPLAY_FROM) % (12 * HOUR) == 0 && !away
                               && (!stopper || slice < REPLAY_STOPPED_AT))
                              || (i == 2 && slice == REPLAY_BACK_AT);

          post (fixture, serial, slice, MIN (slice + HOUR, until) - MINUTE,
                watching ? slice + 10 * MINUTE : 0, watching ? slice + 40 * MINUTE : 0);
        }
      now += 10;
      tick (fixture, now);
    }
  /* The upload is over (or stalled): two more passes. */
  tick (fixture, now + 60);
  tick (fixture, now + 120);

  for (guint i = 0; i < REPLAY_HOUSEHOLDS; i++)
    {
      g_autoptr(GPtrArray) alerts = ingest_alerts (fixture, NULL, households->pdata[i]);
      JsonObject *risk = find_alert (alerts, "inactivity");
      gboolean stopper = i == REPLAY_HOUSEHOLDS - 1;

      g_assert_null (find_alert (alerts, "offline"));
      if (stall_at == 0 && !stopper)
        {
          if (alerts->len != 0)
            g_error ("household %u: a signal raised while its history was still arriving: %s",
                     i, json_object_get_string_member (alerts->pdata[0], "detail"));
          continue;
        }
      /* The sixth has one open risk signal; after the stall so has
       * everyone, their last act (36 hours before START at the latest)
       * counted through the time nobody observed. */
      g_assert_nonnull (risk);
      g_assert_cmpstr (json_object_get_string_member (risk, "state"), ==, "open");
      if (stopper)
        g_assert_cmpint (ingest_member_time (risk, "quiet_since"), <=, REPLAY_STOPPED_AT);
    }
  ingest_fixture_free (fixture);
}

static void
test_history_replay (void)
{
  check_history_replay (0);
}

static void
test_history_replay_stalls (void)
{
  check_history_replay (START - 30 * HOUR);
}

/* Six households behind gateways that send an hour of readings at a time,
 * each 10 minutes after the one before: at every pass most of them have
 * readings over 15 minutes old, and the readings move on at the clock's
 * pace: no history is arriving. The resident who stopped (household 3)
 * gets the signal as soon as the batch that shows it due arrives, and
 * nobody else gets one. (When the readings moving on at all made a replay,
 * such a district seemed to begin one again and again, holding the
 * signals of its lagging households half an hour each time.) */
#define SLOW_HOUSEHOLDS 6
#define SLOW_STOPPER 3

static void
test_slow_gateways_are_not_a_replay (void)
{
  IngestFixture *fixture = ingest_fixture_new (START, NULL);
  g_autoptr(GPtrArray) households = g_ptr_array_new_with_free_func (g_free);
  gint64 sent[SLOW_HOUSEHOLDS];
  gint64 due = START + 25 * MINUTE;
  JsonObject *risk;
  g_autoptr(GPtrArray) alerts = NULL;

  for (guint i = 0; i < SLOW_HOUSEHOLDS; i++)
    {
      g_autofree char *serial = g_strdup_printf ("PLUG-S%u", i);
      gboolean stopper = i == SLOW_STOPPER;

      g_ptr_array_add (households, ingest_add_household (fixture, DONG, TRUE, 24, serial,
                                                         START - 30 * HOUR));
      /* The last act: the stopper's 24 hours before `due`, the others' an
       * hour before START. */
      sent[i] = START - (gint64) i * 10 * MINUTE;
      post (fixture, serial, START - 25 * HOUR, sent[i],
            stopper ? due - 24 * HOUR - 30 * MINUTE : START - 2 * HOUR,
            stopper ? due - 24 * HOUR : START - HOUR);
    }
  /* A pass every 10 minutes, then the batches due then. */
  for (gint64 now = START; now <= START + 2 * HOUR; now += 10 * MINUTE)
    {
      tick (fixture, now);
      for (guint i = 0; i < SLOW_HOUSEHOLDS; i++)
        if (now - sent[i] >= HOUR)
          {
            g_autofree char *serial = g_strdup_printf ("PLUG-S%u", i);

            post (fixture, serial, sent[i] + MINUTE, now, 0, 0);
            sent[i] = now;
          }
    }

  alerts = ingest_alerts (fixture, NULL, households->pdata[SLOW_STOPPER]);
  risk = find_alert (alerts, "inactivity");
  g_assert_nonnull (risk);
  g_assert_cmpint (ingest_member_time (risk, "quiet_since"), ==, due - 24 * HOUR);
  g_assert_cmpint (ingest_member_time (risk, "raised_at"), ==, START + 30 * MINUTE);
  for (guint i = 0; i < SLOW_HOUSEHOLDS; i++)
    {
      g_autoptr(GPtrArray) others = ingest_alerts (fixture, NULL, households->pdata[i]);

      g_assert_cmpuint (others->len, ==, i == SLOW_STOPPER ? 1 : 0);
    }
  ingest_fixture_free (fixture);
}

static void
test_backlog_after_live (void)
{
  check_backlog (FALSE);
}

static void
test_backlog_before_live (void)
{
  check_backlog (TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/outages/server-down-past-due", test_server_down_past_due);
  g_test_add_func ("/anbu/outages/gateway-down", test_gateway_down);
  g_test_add_func ("/anbu/outages/one-plug-unplugged", test_one_plug_unplugged);
  g_test_add_func ("/anbu/outages/plug-back-without-activity", test_plug_back_without_activity);
  g_test_add_func ("/anbu/outages/backlog-after-live", test_backlog_after_live);
  g_test_add_func ("/anbu/outages/backlog-before-live", test_backlog_before_live);
  g_test_add_func ("/anbu/outages/never-reported-mass", test_never_reported_mass);
  g_test_add_func ("/anbu/outages/history-replay", test_history_replay);
  g_test_add_func ("/anbu/outages/history-replay-stalls", test_history_replay_stalls);
  g_test_add_func ("/anbu/outages/slow-gateways-are-not-a-replay",
                   test_slow_gateways_are_not_a_replay);

  return g_test_run ();
}
