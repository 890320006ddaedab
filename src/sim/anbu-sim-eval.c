/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-sim-eval"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "anbu-inactivity.h"
#include "anbu-sim-eval.h"

G_DEFINE_QUARK (anbu-sim-eval-error-quark, anbu_sim_eval_error)

#define HOUSEHOLD_THRESHOLD G_MAXUINT
#define MONTH_SECONDS (30.0 * 86400.0)
#define SHORT_GAP_SECONDS (30 * 60)

static const guint fixed_sweep[] = { 24, 30, 36, 42, 48, 50 };

typedef struct
{
  char  *name;
  guint  fixed_hours;   /* 0 = no fixed rule; HOUSEHOLD_THRESHOLD = the household's own */
  gint   routine;       /* index into the routine configurations, -1 = none */
  guint  variant;       /* PROFILE_* flags of the routine watch */
} DetectorSpec;

/* Variants of the routine watch measured next to the default (issue 13):
 * the home's state after an event, on both channels (anything still on, the
 * TV or a lamp, or all off), as the context of a silence instead of the
 * event's own direction; and profiles of days off (weekends, public
 * holidays) learned apart from workdays. */
#define PROFILE_HOME_STATE 1u
#define PROFILE_DAYS_OFF   2u
#define N_PROFILE_VARIANTS 4u

/* The household's profiles, per variant and day of the run: [variant][day];
 * for PROFILE_DAYS_OFF the pooled profile of the same state kind serves
 * where the day kind's profile has no usual quiet. */
typedef struct
{
  AnbuRoutineProfile *pooled[2];   /* [home state] */
  AnbuRoutineProfile *workday[2];
  AnbuRoutineProfile *day_off[2];
  gboolean           *is_day_off;  /* per local day of the run (+1) */
  gint64              start;       /* the run's first local midnight */
  guint               days;
  GArray             *state_events;/* the events with the home's state as their kind */
} ProfileSet;

typedef struct
{
  double latency_hours;  /* INFINITY = not detected */
  gboolean missed;       /* not detected within the threshold + 2 h */
  AnbuSimMachine machine;
  AnbuSimLifestyle lifestyle;
  gboolean outage_after_onset;
  gboolean standby_wakes;
  guint  false_alarms;
  guint  false_alarms_by_cause[ANBU_SIM_EVAL_N_CAUSES];
  guint  away_alarms;    /* raised while away unregistered (trip, hospital) */
  double months;
  guint  offline_periods;
  guint  offline_kept_apart;
} HouseholdOutcome;

/* A per-household alarm budget (issue 13): each day the household's own
 * past decides how early its watch may be. */
static const double budget_sweep[] = { 0.1, 0.2, 0.3, 0.5, 0.75, 1.0 };
#define N_BUDGETS G_N_ELEMENTS (budget_sweep)

/* An alarm of one detector, for the budget: when, and whether it is a false
 * alarm (before the onset, after the warm-up, not away). */
typedef struct
{
  gint64   t;
  gboolean false_alarm;
} AlarmMark;

typedef struct
{
  const AnbuSimEvalConfig *config;
  GPtrArray               *specs;          /* DetectorSpec */
  HouseholdOutcome        *budget_outcomes;/* [budget * households + household] */
  AnbuRoutineParams       *routines;
  guint                    n_routines;
  guint                    base_variant;   /* the variant the server runs (routine.days_off) */
  HouseholdOutcome        *outcomes;       /* [spec * households + household] */
  guint64                 *readings;       /* per household */
  guint64                 *events;
  double                  *months;
} EvalJob;

/* What the server would know about one household. */
typedef struct
{
  gint64  start;
  gint64  end;
  gint64  onset;           /* 0 = none */
  guint   threshold_hours;
  AnbuSimMachine machine;
  AnbuSimLifestyle lifestyle;
  AnbuSimAppliance appliance;
  guint   index;
  gboolean outage_after_onset;
  gboolean standby_wakes;
  AnbuSimHousehold *household;
  GArray *events;          /* AnbuActivityEvent, ascending */
  GArray *gaps;            /* AnbuTimeWindow: [last reading, next reading) */
  GArray *absences;        /* AnbuTimeWindow: registered absences */
  GArray *unobserved;      /* gaps ≥ 30 min and absences: not learned from */
  GArray *away;            /* AnbuTimeWindow: unregistered trips and hospital stays */
  GArray *day_outs;        /* AnbuTimeWindow: hours out (and night-shift work), never registered */
  GArray *outages;         /* AnbuTimeWindow: the plug's own outages (ground truth) */
  AnbuTimeWindow ingest[3];/* ingest gaps every household shares (the new population) */
  guint   n_ingest;
} HouseholdData;

/* The new population shares three ingest gaps: the server down 7 h in the
 * night, a gateway down 4 h in the afternoon, the server down 8 h over a
 * night; the readings of that time are lost. The first and last are the
 * server's: a signal due in them comes at its restart. */
static guint
ingest_gaps (const AnbuSimEvalConfig *config,
             gint64                   start,
             AnbuTimeWindow          *gaps)
{
  guint days = config->sim.days;

  if (!config->sim.machines || days < 10)
    return 0;
  gaps[0].from = start + (gint64) (days * 22 / 100) * 86400 + 2 * 3600;
  gaps[0].to = gaps[0].from + 7 * 3600;
  gaps[1].from = start + (gint64) (days * 52 / 100) * 86400 + 13 * 3600;
  gaps[1].to = gaps[1].from + 4 * 3600;
  gaps[2].from = start + (gint64) (days * 79 / 100) * 86400 + 22 * 3600;
  gaps[2].to = gaps[2].from + 8 * 3600;
  return 3;
}

static void
detector_spec_free (gpointer data)
{
  DetectorSpec *spec = data;

  g_free (spec->name);
  g_free (spec);
}

static DetectorSpec *
add_spec (GPtrArray  *specs,
          char       *name,
          guint       fixed_hours,
          gint        routine)
{
  DetectorSpec *spec = g_new0 (DetectorSpec, 1);

  spec->name = name;
  spec->fixed_hours = fixed_hours;
  spec->routine = routine;
  g_ptr_array_add (specs, spec);
  return spec;
}

void
anbu_sim_eval_config_init_default (AnbuSimEvalConfig *config)
{
  g_return_if_fail (config != NULL);

  memset (config, 0, sizeof *config);
  anbu_sim_config_init_default (&config->sim);
  config->households = 1000;
  config->threads = g_get_num_processors ();
  config->offline_after_seconds = 6 * 3600;
  anbu_activity_params_init_default (&config->activity);
  anbu_routine_params_init_default (&config->routine);
  /* Next to the server's default (3.0); 1.25 was the default before. */
  config->routine_margins[0] = 1.0;
  config->routine_margins[1] = 1.25;
  config->routine_margins[2] = 1.5;
  config->routine_margins[3] = 2.0;
}

/* ---- phase 1: readings → activity events, gaps ---- */

static void
collect_household (const EvalJob *job,
                   guint          index,
                   HouseholdData *data)
{
  const AnbuSimEvalConfig *config = job->config;
  AnbuSimHousehold *household = anbu_sim_household_new (&config->sim, index);
  AnbuActivityDetector detector;
  const AnbuSimAway *aways;
  gsize n_aways;
  gint64 previous = 0;
  guint64 n_readings = 0;
  gint64 interval = config->sim.reading_interval;

  data->household = household;
  data->start = anbu_sim_household_get_start (household);
  data->end = anbu_sim_household_get_end (household);
  data->onset = anbu_sim_household_get_onset (household);
  data->threshold_hours = anbu_sim_household_get_threshold_hours (household);
  data->machine = anbu_sim_household_get_machine (household);
  data->lifestyle = anbu_sim_household_get_lifestyle (household);
  data->appliance = anbu_sim_household_get_appliance (household);
  data->index = index;
  data->outage_after_onset = anbu_sim_household_get_outage_after_onset (household);
  data->standby_wakes = anbu_sim_household_get_standby_wakes (household);
  data->events = g_array_new (FALSE, FALSE, sizeof (AnbuActivityEvent));
  data->gaps = g_array_new (FALSE, FALSE, sizeof (AnbuTimeWindow));
  data->absences = g_array_new (FALSE, FALSE, sizeof (AnbuTimeWindow));
  data->unobserved = g_array_new (FALSE, FALSE, sizeof (AnbuTimeWindow));
  data->away = g_array_new (FALSE, FALSE, sizeof (AnbuTimeWindow));
  data->day_outs = g_array_new (FALSE, FALSE, sizeof (AnbuTimeWindow));
  data->outages = g_array_new (FALSE, FALSE, sizeof (AnbuTimeWindow));

  data->n_ingest = ingest_gaps (config, data->start, data->ingest);
  anbu_activity_detector_init (&detector);
  for (gint64 ts = anbu_sim_household_next_reading_time (household, data->start);
       ts < data->end; ts += interval)
    {
      AnbuReading reading;
      AnbuActivityEvent events[ANBU_ACTIVITY_MAX_EVENTS];
      gboolean ingest_gap = FALSE;
      guint n;

      if (anbu_time_windows_contain (data->ingest, data->n_ingest, ts))
        continue; /* lost: nobody received it */
      if (!anbu_sim_household_reading_at (household, ts, &reading))
        continue;
      n_readings++;
      for (guint g = 0; g < data->n_ingest; g++)
        ingest_gap |= previous >= data->ingest[g].from - 2 * interval
                      && ts <= data->ingest[g].to + 2 * interval;
      if (previous > 0 && ts - previous > interval + interval / 2)
        {
          AnbuTimeWindow gap = { previous, ts };

          /* An ingest gap is unobserved, not the plug's offline time: the
           * server counts the quiet on through it. */
          if (!ingest_gap)
            g_array_append_val (data->gaps, gap);
          if (ts - previous >= SHORT_GAP_SECONDS)
            g_array_append_val (data->unobserved, gap);
        }
      previous = ts;

      n = anbu_activity_detector_feed (&detector, &config->activity, &reading, events);
      g_array_append_vals (data->events, events, n);
    }

  /* Nothing was observed before the plug was installed. */
  {
    AnbuTimeWindow before = { G_MININT64 / 2, data->start };

    g_array_append_val (data->unobserved, before);
  }

  aways = anbu_sim_household_get_aways (household, &n_aways);
  for (gsize i = 0; i < n_aways; i++)
    if (aways[i].registered)
      {
        g_array_append_val (data->absences, aways[i].window);
        g_array_append_val (data->unobserved, aways[i].window);
      }
    else if (aways[i].kind != ANBU_SIM_AWAY_DAY_OUT)
      g_array_append_val (data->away, aways[i].window);
    else
      g_array_append_val (data->day_outs, aways[i].window);
  {
    gsize n_outages;
    const AnbuTimeWindow *outages = anbu_sim_household_get_outages (household, &n_outages);

    g_array_append_vals (data->outages, outages, n_outages);
  }

  job->readings[index] = n_readings;
  job->events[index] = data->events->len;
}

static void
household_data_clear (HouseholdData *data)
{
  g_clear_pointer (&data->household, anbu_sim_household_free);
  g_clear_pointer (&data->events, g_array_unref);
  g_clear_pointer (&data->gaps, g_array_unref);
  g_clear_pointer (&data->absences, g_array_unref);
  g_clear_pointer (&data->unobserved, g_array_unref);
  g_clear_pointer (&data->away, g_array_unref);
  g_clear_pointer (&data->day_outs, g_array_unref);
  g_clear_pointer (&data->outages, g_array_unref);
}

/* ---- phase 2: detectors over the events ---- */

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Every time at which the facts can change: events, gap edges, absence edges,
 * local midnights (the routine profile is relearned then), the onset. */
static GArray *
collect_boundaries (const HouseholdData *data)
{
  GArray *times = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 t;

  for (guint i = 0; i < data->events->len; i++)
    g_array_append_val (times, g_array_index (data->events, AnbuActivityEvent, i).ts);
  for (guint i = 0; i < data->gaps->len; i++)
    {
      const AnbuTimeWindow *w = &g_array_index (data->gaps, AnbuTimeWindow, i);

      g_array_append_val (times, w->from);
      g_array_append_val (times, w->to);
    }
  for (guint i = 0; i < data->absences->len; i++)
    {
      const AnbuTimeWindow *w = &g_array_index (data->absences, AnbuTimeWindow, i);

      g_array_append_val (times, w->from);
      g_array_append_val (times, w->to);
    }
  for (t = data->start; t < data->end; t += 86400)
    g_array_append_val (times, t);
  if (data->onset > 0)
    g_array_append_val (times, data->onset);
  for (guint g = 0; g < data->n_ingest; g++)
    {
      g_array_append_val (times, data->ingest[g].from);
      g_array_append_val (times, data->ingest[g].to);
    }
  g_array_append_val (times, data->end);
  g_array_sort (times, compare_gint64);
  return times;
}

/* Seconds of [from, to) inside the windows. */
static gint64
overlap_seconds (const GArray *windows,
                 gint64        from,
                 gint64        to)
{
  gint64 sum = 0;

  for (guint i = 0; i < windows->len; i++)
    {
      const AnbuTimeWindow *w = &g_array_index (windows, AnbuTimeWindow, i);
      gint64 a = MAX (w->from, from), b = MIN (w->to, to);

      if (b > a)
        sum += b - a;
    }
  return sum;
}

/* Why a false alarm's silence [since, raised) was silent (ground truth of
 * the simulation), the first that applies: readings lost in an ingest
 * gap, the plug out, an unregistered trip or hospital stay the signal came
 * after, hours out; else the resident was at home and switched nothing the
 * plug sees. */
static AnbuSimEvalCause
classify_false_alarm (const HouseholdData *data,
                      gint64               since,
                      gint64               raised)
{
  for (guint g = 0; g < data->n_ingest; g++)
    if (data->ingest[g].from < raised && data->ingest[g].to > since)
      return ANBU_SIM_EVAL_CAUSE_INGEST_GAP;
  if (overlap_seconds (data->outages, since, raised) > 0)
    return ANBU_SIM_EVAL_CAUSE_PLUG_OUT;
  if (overlap_seconds (data->away, since, raised) > 0)
    return ANBU_SIM_EVAL_CAUSE_AFTER_AWAY;
  if (anbu_sim_household_count_switches (data->household, since, raised) > 0)
    return ANBU_SIM_EVAL_CAUSE_UNSEEN_SWITCHING;
  if (overlap_seconds (data->day_outs, since, raised) > 0)
    return ANBU_SIM_EVAL_CAUSE_DAY_OUT;
  return ANBU_SIM_EVAL_CAUSE_AT_HOME;
}

static gint64
variant_watch_at (const ProfileSet        *set,
                  guint                    variant,
                  const AnbuRoutineParams *params,
                  guint                    day,
                  gint64                   quiet_since,
                  const AnbuActivityEvent *last_event,
                  guint                    last_index)
{
  guint state = (variant & PROFILE_HOME_STATE) != 0;
  const AnbuRoutineProfile *profile = &set->pooled[state][day];

  if (state && last_event != NULL)
    last_event = &g_array_index (set->state_events, AnbuActivityEvent, last_index);
  if (variant & PROFILE_DAYS_OFF)
    {
      gint64 local_day = quiet_since >= set->start
                         ? (quiet_since + ANBU_ROUTINE_DAY_KIND_SHIFT - set->start) / 86400 : 0;
      profile = anbu_routine_profile_choose_day_kind (profile, &set->workday[state][day],
                                                      &set->day_off[state][day], params,
                                                      set->is_day_off[MIN (local_day, (gint64) set->days)],
                                                      quiet_since, last_event);
    }
  return anbu_routine_profile_watch_at (profile, params, quiet_since, last_event);
}

static void
evaluate_detector (const EvalJob       *job,
                   const DetectorSpec  *spec,
                   const HouseholdData *data,
                   const GArray        *boundaries,
                   const ProfileSet    *profiles,
                   HouseholdOutcome    *outcome,
                   GArray              *alarm_log)
{
  const AnbuSimEvalConfig *config = job->config;
  const AnbuRoutineParams *routine = spec->routine >= 0 ? &job->routines[spec->routine] : NULL;
  const AnbuTimeWindow *absences = (const AnbuTimeWindow *) data->absences->data;
  g_autoptr(GArray) alarms = g_array_new (FALSE, FALSE, sizeof (gint64));
  AnbuInactivityParams fixed;
  gboolean alarm_open = FALSE;
  gint64 last_activity = data->start, online_since = 0, offline_from = 0, monitored_end, warm_end;
  const AnbuActivityEvent *last_event = NULL;
  guint next_event = 0, gap = 0;

  memset (outcome, 0, sizeof *outcome);
  outcome->latency_hours = INFINITY;
  fixed.offline_after_seconds = config->offline_after_seconds;
  fixed.threshold_hours = spec->fixed_hours == HOUSEHOLD_THRESHOLD
                          ? data->threshold_hours : spec->fixed_hours;
  monitored_end = data->onset > 0 ? data->onset : data->end;
  /* No watch can fire while the routine warms up: false alarms count after. */
  warm_end = data->start + (gint64) config->routine.warmup_days * 86400;

  for (guint b = 0; b + 1 < boundaries->len; b++)
    {
      gint64 a = g_array_index (boundaries, gint64, b);
      gint64 z = g_array_index (boundaries, gint64, b + 1);
      const AnbuTimeWindow *current_gap = NULL;
      AnbuQuietFacts facts;
      gint64 due = G_MAXINT64;

      if (z <= a)
        continue;

      /* An alarm still open when the incapacitation begins has caught it. */
      if (data->onset > 0 && a == data->onset && alarm_open && isinf (outcome->latency_hours))
        outcome->latency_hours = 0.0;

      /* Activity returns: any open alarm closes. */
      while (next_event < data->events->len
             && g_array_index (data->events, AnbuActivityEvent, next_event).ts <= a)
        {
          const AnbuActivityEvent *event = &g_array_index (data->events, AnbuActivityEvent,
                                                            next_event);

          /* A step held back comes after later ones, with its own time. */
          if (last_event == NULL || event->ts >= last_activity)
            {
              last_event = event;
              last_activity = event->ts;
            }
          next_event++;
          alarm_open = FALSE;
        }
      while (gap < data->gaps->len && g_array_index (data->gaps, AnbuTimeWindow, gap).to <= a)
        {
          const AnbuTimeWindow *w = &g_array_index (data->gaps, AnbuTimeWindow, gap);

          if (w->to - w->from >= config->offline_after_seconds)
            {
              online_since = w->to;
              offline_from = w->from;
            }
          gap++;
        }
      if (gap < data->gaps->len && g_array_index (data->gaps, AnbuTimeWindow, gap).from <= a)
        current_gap = &g_array_index (data->gaps, AnbuTimeWindow, gap);

      if (alarm_open || current_gap != NULL)
        continue; /* no reading arrives in a gap: nothing new can be concluded */

      facts.last_activity_at = last_activity;
      facts.last_seen_at = a;
      facts.online_since = online_since;
      facts.absences = absences;
      facts.n_absences = data->absences->len;
      facts.offline_from = offline_from;

      if (spec->fixed_hours > 0)
        {
          AnbuInactivityVerdict verdict;

          anbu_inactivity_evaluate (&facts, &fixed, a, &verdict);
          if (!verdict.absent)
            due = MIN (due, verdict.inactive_at);
        }
      if (routine != NULL)
        {
          guint day = (guint) ((a - data->start) / 86400);

          if (!anbu_time_windows_contain (absences, data->absences->len, a))
            due = MIN (due, variant_watch_at (profiles, spec->variant, routine, day,
                                              anbu_quiet_since (&facts, a), last_event,
                                              last_event != NULL
                                              ? (guint) (last_event - (const AnbuActivityEvent *) data->events->data)
                                              : 0));
        }

      if (due < z)
        {
          gint64 raised = MAX (a, due);

          /* The server was down: what fell due comes at its restart. */
          if (data->n_ingest == 3)
            for (guint g = 0; g < 3; g += 2)
              if (raised >= data->ingest[g].from && raised < data->ingest[g].to)
                raised = data->ingest[g].to;

          g_array_append_val (alarms, raised);
          alarm_open = TRUE;
          if (data->onset > 0 && raised >= data->onset && isinf (outcome->latency_hours))
            outcome->latency_hours = (double) (raised - data->onset) / 3600.0;
          else if (raised < monitored_end && raised >= warm_end)
            {
              /* Away without telling the centre: a signal a planner would
               * check, but no false alarm of the detector. */
              if (anbu_time_windows_contain ((const AnbuTimeWindow *) data->away->data,
                                             data->away->len, raised))
                outcome->away_alarms++;
              else
                {
                  outcome->false_alarms++;
                  outcome->false_alarms_by_cause[classify_false_alarm (data,
                                                                       anbu_quiet_since (&facts, raised),
                                                                       raised)]++;
                  if (alarm_log != NULL)
                    {
                      AlarmMark mark = { raised, TRUE };

                      g_array_append_val (alarm_log, mark);
                    }
                }
            }
        }
    }

  outcome->months = (double) MAX (monitored_end - warm_end, 0) / MONTH_SECONDS;
  outcome->machine = data->machine;
  outcome->lifestyle = data->lifestyle;
  outcome->outage_after_onset = data->outage_after_onset;
  outcome->standby_wakes = data->standby_wakes;
  /* Missed: not caught within the threshold + 2 h, plus the time the
   * server itself was down then (nothing can be raised while it is) and
   * the time the plug was out after the onset (nothing was observed). An
   * allowance that runs past the simulated days cannot be judged: the
   * signal may still come in time (a late onset, a 48 h threshold and a
   * day's outage after it were counted missed). */
  {
    double allowance = data->threshold_hours + 2.0;

    for (guint g = 0; data->onset > 0 && g < data->gaps->len; g++)
      {
        const AnbuTimeWindow *w = &g_array_index (data->gaps, AnbuTimeWindow, g);
        gint64 from = MAX (w->from, data->onset);
        gint64 to = MIN (w->to, data->onset + (gint64) ((allowance + 24.0) * 3600.0));

        if (to > from)
          allowance += (double) (to - from) / 3600.0;
      }

    for (guint g = 0; data->onset > 0 && data->n_ingest == 3 && g < 3; g += 2)
      {
        gint64 from = MAX (data->ingest[g].from, data->onset);
        gint64 to = MIN (data->ingest[g].to,
                         data->onset + (gint64) ((allowance + 24.0) * 3600.0));

        if (to > from)
          allowance += (double) (to - from) / 3600.0;
      }
    outcome->missed = data->onset > 0 && !(outcome->latency_hours <= allowance)
                      && data->onset + (gint64) (allowance * 3600.0) <= data->end;
  }

  /* Offline periods: the offline rule fires during the gap, and no inactivity
   * or watch alarm is raised during it or in the hour after it. */
  for (guint g = 0; g < data->gaps->len; g++)
    {
      const AnbuTimeWindow *w = &g_array_index (data->gaps, AnbuTimeWindow, g);
      AnbuQuietFacts facts = { w->from, w->from, 0, NULL, 0 };
      AnbuInactivityVerdict verdict;
      gboolean alarmed = FALSE;

      if (w->to - w->from < config->offline_after_seconds || w->to > monitored_end)
        continue;
      outcome->offline_periods++;
      anbu_inactivity_evaluate (&facts, &fixed, w->from + config->offline_after_seconds, &verdict);
      for (guint i = 0; i < alarms->len; i++)
        {
          gint64 t = g_array_index (alarms, gint64, i);

          if (t > w->from && t <= w->to + 3600)
            alarmed = TRUE;
        }
      if (verdict.offline && !alarmed)
        outcome->offline_kept_apart++;
    }
}

/* The alarms of spec `s` raised in [from, to) that were false alarms. */
static guint
false_alarms_between (const GArray *log,
                      gint64        from,
                      gint64        to)
{
  guint n = 0;

  for (guint i = 0; i < log->len; i++)
    {
      const AlarmMark *mark = &g_array_index (log, AlarmMark, i);

      n += mark->false_alarm && mark->t >= from && mark->t < to;
    }
  return n;
}

/* Per-household alarm budget: the fixed rule at the household's threshold
 * always runs; each local day the routine watch next to it takes the
 * earliest margin whose alarms over the household's own past since the
 * warm-up, (n + 1) / (months + 1), stay within the budget (no history: no
 * watch). What a server could compute by replaying the watch over the
 * stored events each night; here the sweep's margins are replayed at once.
 * The choice made on the day of the onset stays for the detection. */
static void
evaluate_budgets (const EvalJob       *job,
                  const HouseholdData *data,
                  guint                index,
                  GPtrArray           *logs)
{
  const AnbuSimEvalConfig *config = job->config;
  guint n_households = config->households;
  gint64 warm_end = data->start + (gint64) config->routine.warmup_days * 86400;
  gint64 monitored_end = data->onset > 0 ? data->onset : data->end;
  /* The options, most cautious first: the fixed rule alone, then the
   * "+ fixed hh" rows by falling margin. */
  g_autoptr(GArray) options = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint s = 0; s < job->specs->len; s++)
    {
      const DetectorSpec *spec = g_ptr_array_index (job->specs, s);
      guint at;

      if (spec->fixed_hours != HOUSEHOLD_THRESHOLD
          || (spec->routine >= 0 && spec->variant != job->base_variant))
        continue;
      if (spec->routine < 0)
        {
          g_array_prepend_val (options, s);
          continue;
        }
      /* After the fixed rule, by falling margin. */
      for (at = 0; at < options->len; at++)
        {
          const DetectorSpec *other = g_ptr_array_index (job->specs, g_array_index (options, guint, at));

          if (other->routine >= 0
              && job->routines[other->routine].margin < job->routines[spec->routine].margin)
            break;
        }
      g_array_insert_val (options, at, s);
    }
  g_return_if_fail (options->len > 0
                    && ((DetectorSpec *) g_ptr_array_index (job->specs,
                                                            g_array_index (options, guint, 0)))->routine < 0);

  for (guint b = 0; b < N_BUDGETS; b++)
    {
      HouseholdOutcome *outcome = &job->budget_outcomes[b * n_households + index];
      const HouseholdOutcome *fixed = &job->outcomes[g_array_index (options, guint, 0) * n_households
                                                     + index];
      guint chosen_at_onset = 0;

      *outcome = *fixed;
      outcome->false_alarms = 0;
      memset (outcome->false_alarms_by_cause, 0, sizeof outcome->false_alarms_by_cause);
      for (gint64 day = data->start; day < data->end; day += 86400)
        {
          double months = (double) MAX (day - warm_end, 0) / MONTH_SECONDS;
          guint chosen = 0;

          for (guint o = 1; o < options->len; o++)
            {
              guint past = false_alarms_between (g_ptr_array_index (logs, g_array_index (options, guint, o)),
                                                 warm_end, day);

              if ((past + 1.0) / (months + 1.0) <= budget_sweep[b])
                chosen = o;
            }
          if (day >= warm_end && day < monitored_end)
            outcome->false_alarms += false_alarms_between (g_ptr_array_index (logs, g_array_index (options, guint, chosen)),
                                                           day, MIN (day + 86400, monitored_end));
          if (data->onset > 0 && data->onset >= day && data->onset < day + 86400)
            chosen_at_onset = chosen;
        }
      if (data->onset > 0)
        {
          const HouseholdOutcome *picked = &job->outcomes[g_array_index (options, guint, chosen_at_onset)
                                                          * n_households + index];

          outcome->latency_hours = picked->latency_hours;
          outcome->missed = picked->missed;
        }
    }
}

static gboolean
learn_day_off (gint64   local_midnight,
               gpointer user_data)
{
  const ProfileSet *set = user_data;
  gint64 d = (local_midnight - set->start) / 86400;

  return d >= 0 && d <= (gint64) set->days && set->is_day_off[d];
}

static gboolean
learn_workday (gint64   local_midnight,
               gpointer user_data)
{
  const ProfileSet *set = user_data;
  gint64 d = (local_midnight - set->start) / 86400;

  /* Before the run (no events) it does not matter. */
  return d < 0 || d > (gint64) set->days || !set->is_day_off[d];
}

static void
evaluate_household (gpointer item,
                    gpointer user_data)
{
  EvalJob *job = user_data;
  guint index = GPOINTER_TO_UINT (item) - 1;
  guint n_households = job->config->households;
  HouseholdData data = { 0 };
  g_autoptr(GArray) boundaries = NULL;
  ProfileSet profiles = { { NULL } };
  guint days = job->config->sim.days;
  guint variants = 0;

  collect_household (job, index, &data);
  boundaries = collect_boundaries (&data);
  for (guint s = 0; s < job->specs->len; s++)
    variants |= ((const DetectorSpec *) g_ptr_array_index (job->specs, s))->variant;

  /* The events with the home's state on both channels as their kind: on
   * while the appliance or a lamp is on after the event, off when both are. */
  profiles.state_events = g_array_copy (data.events);
  {
    gboolean power_on = FALSE, light_on = FALSE;

    for (guint i = 0; i < profiles.state_events->len; i++)
      {
        AnbuActivityEvent *e = &g_array_index (profiles.state_events, AnbuActivityEvent, i);

        if (e->kind == ANBU_ACTIVITY_POWER_ON || e->kind == ANBU_ACTIVITY_POWER_OFF)
          power_on = e->kind == ANBU_ACTIVITY_POWER_ON;
        else
          light_on = e->kind == ANBU_ACTIVITY_LIGHT_ON;
        e->kind = power_on || light_on ? ANBU_ACTIVITY_POWER_ON : ANBU_ACTIVITY_POWER_OFF;
      }
  }
  profiles.start = data.start;
  profiles.days = days;
  profiles.is_day_off = g_new0 (gboolean, days + 1);
  {
    g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();

    for (guint d = 0; d <= days; d++)
      profiles.is_day_off[d] = anbu_routine_is_day_off (calendar, &job->routines[0],
                                                        data.start + (gint64) d * 86400);
  }

  /* The profile depends on the window, rank and warm-up only; the margin
   * sweep shares it. Relearned at every local midnight, as the server does. */
  for (guint state = 0; state < 2; state++)
    {
      const GArray *events = state ? profiles.state_events : data.events;

      if (state && !(variants & PROFILE_HOME_STATE))
        continue;
      profiles.pooled[state] = g_new (AnbuRoutineProfile, days);
      if (variants & PROFILE_DAYS_OFF)
        {
          profiles.workday[state] = g_new (AnbuRoutineProfile, days);
          profiles.day_off[state] = g_new (AnbuRoutineProfile, days);
        }
      for (guint d = 0; d < days; d++)
        {
          gint64 now = data.start + (gint64) d * 86400;

          anbu_routine_profile_learn (&profiles.pooled[state][d], &job->routines[0],
                                      (const AnbuActivityEvent *) events->data, events->len,
                                      (const AnbuTimeWindow *) data.unobserved->data,
                                      data.unobserved->len, now);
          if (!(variants & PROFILE_DAYS_OFF))
            continue;
          anbu_routine_profile_learn_days (&profiles.workday[state][d], &job->routines[0],
                                           (const AnbuActivityEvent *) events->data, events->len,
                                           (const AnbuTimeWindow *) data.unobserved->data,
                                           data.unobserved->len, now, learn_workday, &profiles);
          anbu_routine_profile_learn_days (&profiles.day_off[state][d], &job->routines[0],
                                           (const AnbuActivityEvent *) events->data, events->len,
                                           (const AnbuTimeWindow *) data.unobserved->data,
                                           data.unobserved->len, now, learn_day_off, &profiles);
        }
    }

  {
    g_autoptr(GPtrArray) logs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

    for (guint s = 0; s < job->specs->len; s++)
      {
        const DetectorSpec *spec = g_ptr_array_index (job->specs, s);
        GArray *log = g_array_new (FALSE, FALSE, sizeof (AlarmMark));

        g_ptr_array_add (logs, log);
        evaluate_detector (job, spec, &data, boundaries, &profiles,
                           &job->outcomes[s * n_households + index], log);
      }
    evaluate_budgets (job, &data, index, logs);
  }
  job->months[index] = (double) ((data.onset > 0 ? data.onset : data.end) - data.start)
                       / MONTH_SECONDS;
  for (guint state = 0; state < 2; state++)
    {
      g_free (profiles.pooled[state]);
      g_free (profiles.workday[state]);
      g_free (profiles.day_off[state]);
    }
  g_free (profiles.is_day_off);
  g_array_unref (profiles.state_events);
  household_data_clear (&data);
}

/* ---- aggregation ---- */

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static double
percentile (const double *sorted,
            guint         n,
            double        q)
{
  guint rank;

  if (n == 0)
    return NAN;
  rank = (guint) ceil (q * n);
  return sorted[CLAMP (rank, 1, n) - 1];
}

static void
summarise_outcomes (const EvalJob          *job,
                    const HouseholdOutcome *outcomes,
                    AnbuSimEvalRow         *row)
{
  guint n = job->config->households;
  g_autofree double *latencies = g_new (double, n);
  g_autofree double *rates = g_new (double, n);
  guint n_latencies = 0, within12 = 0, within24 = 0, within48 = 0;
  double rate_sum = 0.0, away_sum = 0.0;

  for (guint h = 0; h < n; h++)
    {
      rates[h] = outcomes[h].months > 0 ? outcomes[h].false_alarms / outcomes[h].months : 0.0;
      rate_sum += rates[h];
      for (guint c = 0; c < ANBU_SIM_EVAL_N_CAUSES && outcomes[h].months > 0; c++)
        row->false_alarms_by_cause[c] += outcomes[h].false_alarms_by_cause[c] / outcomes[h].months;
      away_sum += outcomes[h].months > 0 ? outcomes[h].away_alarms / outcomes[h].months : 0.0;
      {
        guint klass[3] = { outcomes[h].lifestyle };
        guint n_classes = 1;

        if (outcomes[h].outage_after_onset)
          klass[n_classes++] = ANBU_SIM_EVAL_CLASS_OUTAGE_AFTER_ONSET;
        if (outcomes[h].standby_wakes)
          klass[n_classes++] = ANBU_SIM_EVAL_CLASS_STANDBY_WAKES;
        for (guint k = 0; k < n_classes; k++)
          {
            row->households_by_class[klass[k]]++;
            row->false_alarms_by_class[klass[k]] += rates[h];
            if (job->config->sim.incapacitate)
              {
                row->incapacitations_by_class[klass[k]]++;
                row->missed_by_class[klass[k]] += outcomes[h].missed;
              }
          }
      }
      if (job->config->sim.incapacitate)
        {
          row->incapacitations_by_machine[outcomes[h].machine]++;
          row->missed_by_machine[outcomes[h].machine] += outcomes[h].missed;
          row->missed += outcomes[h].missed;
        }
      row->offline_periods += outcomes[h].offline_periods;
      row->offline_kept_apart += outcomes[h].offline_kept_apart;
      if (job->config->sim.incapacitate)
        {
          double l = outcomes[h].latency_hours;

          latencies[n_latencies++] = l;
          within12 += l <= 12.0;
          within24 += l <= 24.0;
          within48 += l <= 48.0;
        }
    }
  qsort (latencies, n_latencies, sizeof (double), compare_double);
  qsort (rates, n, sizeof (double), compare_double);

  row->incapacitations = n_latencies;
  row->latency_median_hours = percentile (latencies, n_latencies, 0.5);
  row->latency_p90_hours = percentile (latencies, n_latencies, 0.9);
  row->detected_within_12h = n_latencies ? (double) within12 / n_latencies : 0.0;
  row->detected_within_24h = n_latencies ? (double) within24 / n_latencies : 0.0;
  row->detected_within_48h = n_latencies ? (double) within48 / n_latencies : 0.0;
  row->false_alarms_mean = n ? rate_sum / n : 0.0;
  row->away_alarms_mean = n ? away_sum / n : 0.0;
  row->false_alarms_p90 = percentile (rates, n, 0.9);
  for (guint k = 0; k < ANBU_SIM_EVAL_N_CLASSES; k++)
    if (row->households_by_class[k] > 0)
      row->false_alarms_by_class[k] /= row->households_by_class[k];
  for (guint c = 0; c < ANBU_SIM_EVAL_N_CAUSES && n > 0; c++)
    row->false_alarms_by_cause[c] /= n;
}

AnbuSimEvalResult *
anbu_sim_eval_run (const AnbuSimEvalConfig  *config,
                   GError                  **error)
{
  g_autoptr(AnbuSimEvalResult) result = NULL;
  g_autoptr(GPtrArray) specs = g_ptr_array_new_with_free_func (detector_spec_free);
  g_autofree AnbuRoutineParams *routines = NULL;
  guint n_routines = 1;
  EvalJob job = { 0 };
  GThreadPool *pool;
  guint n;

  g_return_val_if_fail (config != NULL, NULL);

  n = config->households;

  if (n == 0 || config->sim.days < 7 || config->sim.days > 3660)
    {
      g_set_error (error, ANBU_SIM_EVAL_ERROR, ANBU_SIM_EVAL_ERROR_INVALID_PARAMETER,
                   _("Give at least one household and between 7 and 3660 days"));
      return NULL;
    }
  /* Every household is built from config->sim in a worker thread, where a
   * refused configuration could not be reported. */
  if (config->sim.reading_interval < 1 || config->sim.reading_interval > 3600)
    {
      g_set_error (error, ANBU_SIM_EVAL_ERROR, ANBU_SIM_EVAL_ERROR_INVALID_PARAMETER,
                   _("The reading interval must be between 1 and 3600 seconds"));
      return NULL;
    }
  if (!anbu_activity_params_validate (&config->activity, error)
      || !anbu_routine_params_validate (&config->routine, error))
    return NULL;

  /* The detectors. */
  routines = g_new (AnbuRoutineParams, 1 + G_N_ELEMENTS (config->routine_margins));
  routines[0] = config->routine;
  /* The rows named "routine" are what the server runs, the first of them
   * (labelled with config->routine.margin) its default: with days_off, its
   * profiles of days off. */
  job.base_variant = config->routine.days_off ? PROFILE_DAYS_OFF : 0;
  for (guint i = 0; i < G_N_ELEMENTS (fixed_sweep); i++)
    add_spec (specs, g_strdup_printf ("fixed %u h", fixed_sweep[i]), fixed_sweep[i], -1);
  add_spec (specs, g_strdup ("fixed (household 24-50 h)"), HOUSEHOLD_THRESHOLD, -1);
  add_spec (specs, g_strdup ("routine watch alone"), 0, 0)->variant = job.base_variant;
  add_spec (specs, g_strdup_printf ("routine m=%.2f + fixed hh", config->routine.margin),
            HOUSEHOLD_THRESHOLD, 0)->variant = job.base_variant;
  for (guint i = 0; i < G_N_ELEMENTS (config->routine_margins); i++)
    {
      double margin = config->routine_margins[i];

      if (margin <= 0.0)
        break;
      if (fabs (margin - config->routine.margin) < 1e-9 || margin < 1.0)
        continue;
      routines[n_routines] = config->routine;
      routines[n_routines].margin = margin;
      add_spec (specs, g_strdup_printf ("routine m=%.2f + fixed hh", margin),
                HOUSEHOLD_THRESHOLD, (gint) n_routines)->variant = job.base_variant;
      n_routines++;
    }

  /* The variants of the routine watch, over the same margins. */
  for (guint v = 1; v < N_PROFILE_VARIANTS; v++)
    for (guint r = 0; r < n_routines && v != job.base_variant; r++)
      {
        static const char *prefixes[N_PROFILE_VARIANTS] = { NULL, "2ch", "dayoff", "2ch+dayoff" };

        add_spec (specs, g_strdup_printf ("%s m=%.2f + fixed hh", prefixes[v], routines[r].margin),
                  HOUSEHOLD_THRESHOLD, (gint) r)->variant = v;
      }

  job.config = config;
  job.specs = specs;
  job.routines = routines;
  job.n_routines = n_routines;
  job.outcomes = g_new0 (HouseholdOutcome, (gsize) specs->len * n);
  job.budget_outcomes = g_new0 (HouseholdOutcome, (gsize) N_BUDGETS * n);
  job.readings = g_new0 (guint64, n);
  job.events = g_new0 (guint64, n);
  job.months = g_new0 (double, n);

  pool = g_thread_pool_new (evaluate_household, &job, (gint) MAX (config->threads, 1), TRUE, NULL);
  for (guint h = 0; h < n; h++)
    g_thread_pool_push (pool, GUINT_TO_POINTER (h + 1), NULL);
  g_thread_pool_free (pool, FALSE, TRUE);

  result = g_new0 (AnbuSimEvalResult, 1);
  result->config = *config;
  result->rows = g_array_new (FALSE, TRUE, sizeof (AnbuSimEvalRow));
  result->budget_rows = g_array_new (FALSE, TRUE, sizeof (AnbuSimEvalRow));
  for (guint h = 0; h < n; h++)
    {
      result->readings += job.readings[h];
      result->activity_events += job.events[h];
      result->household_months += job.months[h];
    }
  for (guint s = 0; s < specs->len; s++)
    {
      AnbuSimEvalRow row = { 0 };

      row.name = g_strdup (((DetectorSpec *) g_ptr_array_index (specs, s))->name);
      summarise_outcomes (&job, &job.outcomes[s * n], &row);
      g_array_append_val (result->rows, row);
    }

  for (guint b = 0; b < N_BUDGETS; b++)
    {
      AnbuSimEvalRow row = { 0 };

      row.name = g_strdup_printf ("budget %.2f/mo + fixed hh", budget_sweep[b]);
      summarise_outcomes (&job, &job.budget_outcomes[b * n], &row);
      g_array_append_val (result->budget_rows, row);
    }

  g_free (job.outcomes);
  g_free (job.budget_outcomes);
  g_free (job.readings);
  g_free (job.events);
  g_free (job.months);
  return g_steal_pointer (&result);
}

void
anbu_sim_eval_result_free (AnbuSimEvalResult *result)
{
  if (result == NULL)
    return;
  for (guint i = 0; i < result->rows->len; i++)
    g_free (g_array_index (result->rows, AnbuSimEvalRow, i).name);
  g_array_unref (result->rows);
  for (guint i = 0; result->budget_rows != NULL && i < result->budget_rows->len; i++)
    g_free (g_array_index (result->budget_rows, AnbuSimEvalRow, i).name);
  g_clear_pointer (&result->budget_rows, g_array_unref);
  g_free (result);
}

static int
compare_rows_by_false_alarms (gconstpointer a,
                              gconstpointer b)
{
  const AnbuSimEvalRow *x = *(const AnbuSimEvalRow * const *) a;
  const AnbuSimEvalRow *y = *(const AnbuSimEvalRow * const *) b;

  if (x->false_alarms_mean != y->false_alarms_mean)
    return x->false_alarms_mean < y->false_alarms_mean ? -1 : 1;
  return (x->latency_median_hours > y->latency_median_hours)
         - (x->latency_median_hours < y->latency_median_hours);
}

GPtrArray *
anbu_sim_eval_result_trade_off (const AnbuSimEvalResult *result)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new ();
  GPtrArray *curve = g_ptr_array_new ();
  GArray *tables[2];
  guint fixed_missed = 0;

  g_return_val_if_fail (result != NULL, curve);

  tables[0] = result->rows;
  tables[1] = result->budget_rows;
  /* What the fixed rule at the household threshold misses (homes with a
   * machine it does not catch yet) every row with it misses too. */
  for (guint i = 0; i < result->rows->len; i++)
    {
      const AnbuSimEvalRow *row = &g_array_index (result->rows, AnbuSimEvalRow, i);

      if (g_str_has_prefix (row->name, "fixed (household"))
        fixed_missed = row->missed;
    }
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    for (guint i = 0; tables[t] != NULL && i < tables[t]->len; i++)
      {
        const AnbuSimEvalRow *row = &g_array_index (tables[t], AnbuSimEvalRow, i);

        if (row->missed <= fixed_missed && !isnan (row->latency_median_hours)
            && (g_str_has_suffix (row->name, "+ fixed hh")
                || g_str_has_prefix (row->name, "fixed (household")))
          g_ptr_array_add (candidates, (gpointer) row);
      }
  g_ptr_array_sort (candidates, compare_rows_by_false_alarms);
  for (guint i = 0; i < candidates->len; i++)
    {
      const AnbuSimEvalRow *row = g_ptr_array_index (candidates, i);
      const AnbuSimEvalRow *last = curve->len > 0 ? g_ptr_array_index (curve, curve->len - 1) : NULL;

      /* Lower by more than the rounding of the table (0.1 h). */
      if (last == NULL || row->latency_median_hours < last->latency_median_hours - 0.05)
        g_ptr_array_add (curve, (gpointer) row);
    }
  return curve;
}

static void
append_hours (GString *out,
              double   hours)
{
  if (isnan (hours))
    g_string_append_printf (out, " %7s", "-");
  else if (isinf (hours))
    g_string_append_printf (out, " %7s", _("never"));
  else
    g_string_append_printf (out, " %6.1fh", hours);
}

char *
anbu_sim_eval_result_format (const AnbuSimEvalResult *result)
{
  GString *out = g_string_new (NULL);
  const AnbuSimEvalConfig *c;

  g_return_val_if_fail (result != NULL, NULL);

  c = &result->config;
  {
    g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, c->sim.seed);
    g_autofree char *readings = g_strdup_printf ("%" G_GUINT64_FORMAT, result->readings);
    g_autofree char *events = g_strdup_printf ("%" G_GUINT64_FORMAT, result->activity_events);

    /* Translators: %1$u households, %2$u days, %3$s seed, %4$s readings, %5$s events,
     * %6$.0f household-months */
    g_string_append_printf (out, _("%1$u households × %2$u days, seed %3$s: %4$s readings, "
                                   "%5$s activity events, %6$.0f household-months before "
                                   "onset\n"),
                            c->households, c->sim.days, seed, readings, events,
                            result->household_months);
  }
  g_string_append_printf (out, "%-28s %8s %8s %6s %6s %6s %8s %8s %7s %9s %7s\n",
                          _("detector"), _("median"), _("p90"), "<=12h", "<=24h", "<=48h",
                          _("FA mean"), _("FA p90"), _("away"), _("offline"), _("missed"));
  for (guint i = 0; i < result->rows->len; i++)
    {
      const AnbuSimEvalRow *row = &g_array_index (result->rows, AnbuSimEvalRow, i);

      g_string_append_printf (out, "%-28s", row->name);
      append_hours (out, row->latency_median_hours);
      append_hours (out, row->latency_p90_hours);
      g_string_append_printf (out, " %5.1f%% %5.1f%% %5.1f%% %8.3f %8.3f %7.3f %4u/%-4u %7u\n",
                              100.0 * row->detected_within_12h,
                              100.0 * row->detected_within_24h,
                              100.0 * row->detected_within_48h,
                              row->false_alarms_mean, row->false_alarms_p90,
                              row->away_alarms_mean, row->offline_kept_apart,
                              row->offline_periods, row->missed);
    }
  /* The trade-off of a per-household alarm budget, in the same columns. */
  if (result->budget_rows != NULL && result->budget_rows->len > 0)
    {
      g_string_append (out, _("per-household alarm budget (the routine watch as early as the "
                              "household's own past false alarms allow):\n"));
      for (guint i = 0; i < result->budget_rows->len; i++)
        {
          const AnbuSimEvalRow *row = &g_array_index (result->budget_rows, AnbuSimEvalRow, i);

          g_string_append_printf (out, "%-28s", row->name);
          append_hours (out, row->latency_median_hours);
          append_hours (out, row->latency_p90_hours);
          g_string_append_printf (out, " %5.1f%% %5.1f%% %5.1f%% %8.3f %8.3f %7.3f %4u/%-4u %7u\n",
                                  100.0 * row->detected_within_12h,
                                  100.0 * row->detected_within_24h,
                                  100.0 * row->detected_within_48h,
                                  row->false_alarms_mean, row->false_alarms_p90,
                                  row->away_alarms_mean, row->offline_kept_apart,
                                  row->offline_periods, row->missed);
        }
    }
  /* The trade-off curve over every row the server could run. */
  {
    g_autoptr(GPtrArray) curve = anbu_sim_eval_result_trade_off (result);

    if (curve->len > 0)
      g_string_append (out, _("trade-off curve (the lowest median latency for the false alarms, "
                              "of the rows with the fixed rule missing nothing it catches):\n"));
    for (guint i = 0; i < curve->len; i++)
      {
        const AnbuSimEvalRow *row = g_ptr_array_index (curve, i);

        g_string_append_printf (out, "  FA %6.3f ", row->false_alarms_mean);
        append_hours (out, row->latency_median_hours);
        g_string_append_printf (out, " %5.1f%%  %s\n", 100.0 * row->detected_within_12h, row->name);
      }
  }
  /* Missed incapacitations per machine in the home, for the detectors the
   * server runs (the household's threshold, and the routine watch next to it). */
  if (c->sim.incapacitate && result->rows->len > 0)
    {
      g_string_append_printf (out, _("missed by machine in the home (incapacitations: %s / %s):\n"),
                              _("fixed (household 24-50 h)"), _("routine + fixed hh"));
      for (guint m = 0; m < ANBU_SIM_N_MACHINES; m++)
        {
          const AnbuSimEvalRow *fixed_row = NULL, *routine_row = NULL;

          for (guint i = 0; i < result->rows->len; i++)
            {
              const AnbuSimEvalRow *row = &g_array_index (result->rows, AnbuSimEvalRow, i);

              if (g_str_has_prefix (row->name, "fixed (household"))
                fixed_row = row;
              else if (routine_row == NULL && g_str_has_prefix (row->name, "routine m="))
                routine_row = row;
            }
          if (fixed_row == NULL || routine_row == NULL
              || fixed_row->incapacitations_by_machine[m] == 0)
            continue;
          g_string_append_printf (out, "  %-16s %5u: %u / %u%s\n", anbu_sim_machine_to_string (m),
                                  fixed_row->incapacitations_by_machine[m],
                                  fixed_row->missed_by_machine[m], routine_row->missed_by_machine[m],
                                  anbu_sim_machine_is_caught (m) ? "" : _(" (not always caught)"));
        }
    }
  /* The same per way of life (night shifts, naps, the TV on all day) and
   * for the homes whose plug went out after the onset, with their false
   * alarms: the classes a detector could take for a silent home. */
  if (result->rows->len > 0 && c->sim.machines)
    {
      const AnbuSimEvalRow *fixed_row = NULL, *routine_row = NULL;

      for (guint i = 0; i < result->rows->len; i++)
        {
          const AnbuSimEvalRow *row = &g_array_index (result->rows, AnbuSimEvalRow, i);

          if (g_str_has_prefix (row->name, "fixed (household"))
            fixed_row = row;
          else if (routine_row == NULL && g_str_has_prefix (row->name, "routine m="))
            routine_row = row;
        }
      if (fixed_row != NULL && routine_row != NULL)
        {
          g_string_append_printf (out, _("by way of life (households: missed %s / %s; FA mean %s / %s):\n"),
                                  _("fixed (household 24-50 h)"), _("routine + fixed hh"),
                                  _("fixed (household 24-50 h)"), _("routine + fixed hh"));
          for (guint k = 0; k < ANBU_SIM_EVAL_N_CLASSES; k++)
            {
              if (fixed_row->households_by_class[k] == 0)
                continue;
              g_string_append_printf (out, "  %-18s %5u: %u / %u; %.3f / %.3f\n",
                                      k == ANBU_SIM_EVAL_CLASS_OUTAGE_AFTER_ONSET
                                      ? "outage_after_onset"
                                      : k == ANBU_SIM_EVAL_CLASS_STANDBY_WAKES
                                      ? "standby_wakes" : anbu_sim_lifestyle_to_string (k),
                                      fixed_row->households_by_class[k],
                                      fixed_row->missed_by_class[k], routine_row->missed_by_class[k],
                                      fixed_row->false_alarms_by_class[k],
                                      routine_row->false_alarms_by_class[k]);
            }
        }
    }
  /* What the false alarms' silences were (the simulation knows): where
   * the fixed rule's false alarms come from. */
  if (result->rows->len > 0)
    {
      static const char *cause_names[ANBU_SIM_EVAL_N_CAUSES] = {
        "at_home", "day_out", "unseen_switching", "after_away", "plug_out", "ingest_gap"
      };
      const AnbuSimEvalRow *fixed_row = NULL, *routine_row = NULL;

      for (guint i = 0; i < result->rows->len; i++)
        {
          const AnbuSimEvalRow *row = &g_array_index (result->rows, AnbuSimEvalRow, i);

          if (g_str_has_prefix (row->name, "fixed (household"))
            fixed_row = row;
          else if (routine_row == NULL && g_str_has_prefix (row->name, "routine m="))
            routine_row = row;
        }
      if (fixed_row != NULL && routine_row != NULL)
        {
          g_string_append_printf (out, _("false alarms by what the silence was (per household-month: %s / %s):\n"),
                                  _("fixed (household 24-50 h)"), _("routine + fixed hh"));
          for (guint k = 0; k < ANBU_SIM_EVAL_N_CAUSES; k++)
            g_string_append_printf (out, "  %-18s %.3f / %.3f\n", cause_names[k],
                                    fixed_row->false_alarms_by_cause[k],
                                    routine_row->false_alarms_by_cause[k]);
        }
    }
  g_string_append (out, _("latency: onset of incapacitation to the first signal; FA: false "
                          "alarms per household-month after the warm-up (mean, 90th percentile "
                          "of households); away: signals while away unregistered (trip, hospital) "
                          "per household-month, not false alarms; offline: offline periods kept "
                          "apart from inactivity / all; missed: incapacitations not detected within the household's "
                          "threshold + 2 h (+ the time the server was down or the plug out then)\n"));
  return g_string_free (out, FALSE);
}
