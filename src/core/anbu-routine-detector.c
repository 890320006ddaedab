/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-routine"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "anbu-routine-detector.h"

G_DEFINE_QUARK (anbu-routine-error-quark, anbu_routine_error)

#define HOURS ANBU_ROUTINE_HOURS_PER_WEEK
#define WATCH_HORIZON_SECONDS (7 * 86400)

static gint64
floor_div (gint64 a,
           gint64 b)
{
  gint64 q = a / b;

  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Start (UTC) of the local hour containing ts. */
static gint64
local_hour_start (const AnbuRoutineParams *params,
                  gint64                   ts)
{
  gint64 local = ts + params->utc_offset_seconds;

  return floor_div (local, 3600) * 3600 - params->utc_offset_seconds;
}

static gint64
local_day_index (const AnbuRoutineParams *params,
                 gint64                   ts)
{
  return floor_div (ts + params->utc_offset_seconds, 86400);
}

void
anbu_routine_params_init_default (AnbuRoutineParams *params)
{
  g_return_if_fail (params != NULL);

  params->window_days = 28;
  params->warmup_days = 14;
  params->half_life_days = 14.0;
  params->prior_weeks = 2.0;
  params->neighbour_share = 0.2;
  params->p_min = 0.002;
  params->p_max = 0.95;
  params->quiet_rank = 2;
  params->margin = 1.2;
  params->min_score = 3.0;
  params->min_quiet_hours = 3.0;
  params->utc_offset_seconds = 9 * 3600;
}

static gboolean
invalid (GError     **error,
         const char  *what)
{
  g_set_error (error, ANBU_ROUTINE_ERROR, ANBU_ROUTINE_ERROR_INVALID_PARAMETER, "%s", what);
  return FALSE;
}

gboolean
anbu_routine_params_validate (const AnbuRoutineParams  *params,
                              GError                  **error)
{
  g_return_val_if_fail (params != NULL, FALSE);

  if (params->window_days < 7 || params->window_days > 365)
    return invalid (error, "window_days must be between 7 and 365");
  if (params->warmup_days < 1 || params->warmup_days > params->window_days)
    return invalid (error, "warmup_days must be between 1 and window_days");
  if (!(params->half_life_days > 0.0))
    return invalid (error, "half_life_days must be positive");
  if (!(params->prior_weeks >= 0.0))
    return invalid (error, "prior_weeks must not be negative");
  if (!(params->neighbour_share >= 0.0 && params->neighbour_share <= 0.5))
    return invalid (error, "neighbour_share must be between 0 and 0.5");
  if (!(params->p_min > 0.0 && params->p_min < params->p_max && params->p_max < 1.0))
    return invalid (error, "0 < p_min < p_max < 1 is required");
  if (params->quiet_rank < 1 || params->quiet_rank > params->window_days)
    return invalid (error, "quiet_rank must be between 1 and window_days");
  if (!(params->margin >= 1.0))
    return invalid (error, "margin must be at least 1");
  if (!(params->min_score > 0.0))
    return invalid (error, "min_score must be positive");
  if (!(params->min_quiet_hours >= 0.0 && params->min_quiet_hours <= 48.0))
    return invalid (error, "min_quiet_hours must be between 0 and 48");
  if (params->utc_offset_seconds < -14 * 3600 || params->utc_offset_seconds > 14 * 3600)
    return invalid (error, "utc_offset_seconds must be within ±14 h");
  return TRUE;
}

guint
anbu_routine_hour_of_week (const AnbuRoutineParams *params,
                           gint64                   ts)
{
  gint64 local = ts + params->utc_offset_seconds;
  gint64 day = floor_div (local, 86400);
  gint64 hour = floor_div (local, 3600) - day * 24;
  /* 1970-01-01 was a Thursday: day 0 is weekday 3 counted from Monday. */
  gint64 weekday = ((day + 3) % 7 + 7) % 7;

  return (guint) (weekday * 24 + hour);
}

double
anbu_routine_profile_score (const AnbuRoutineProfile *profile,
                            const AnbuRoutineParams  *params,
                            gint64                    from,
                            gint64                    to)
{
  double score = 0.0;
  gint64 t = from;

  g_return_val_if_fail (profile != NULL && params != NULL, 0.0);

  while (t < to)
    {
      gint64 next = MIN (local_hour_start (params, t) + 3600, to);

      score += profile->rate[anbu_routine_hour_of_week (params, t)] * (double) (next - t) / 3600.0;
      t = next;
    }
  return score;
}

gint64
anbu_routine_profile_watch_at (const AnbuRoutineProfile *profile,
                               const AnbuRoutineParams  *params,
                               gint64                    quiet_since)
{
  gint64 earliest, t = quiet_since;
  double remaining;

  g_return_val_if_fail (profile != NULL && params != NULL, G_MAXINT64);

  if (!profile->ready)
    return G_MAXINT64;

  earliest = quiet_since + (gint64) (params->min_quiet_hours * 3600.0);
  remaining = profile->threshold;
  while (t < quiet_since + WATCH_HORIZON_SECONDS)
    {
      gint64 next = local_hour_start (params, t) + 3600;
      double rate = profile->rate[anbu_routine_hour_of_week (params, t)];
      double gain = rate * (double) (next - t) / 3600.0;

      if (gain > remaining)
        {
          gint64 due = t + (gint64) ceil (remaining / rate * 3600.0);

          return MAX (due, earliest);
        }
      remaining -= gain;
      t = next;
    }
  return G_MAXINT64;
}

/* Seconds of [a, b) covered by the windows (which may overlap each other;
 * an overlap is counted once per window, which only errs toward "unobserved"). */
static gint64
covered_seconds (const AnbuTimeWindow *windows,
                 gsize                 n_windows,
                 gint64                a,
                 gint64                b)
{
  gint64 covered = 0;

  for (gsize i = 0; i < n_windows; i++)
    {
      gint64 lo = MAX (a, windows[i].from);
      gint64 hi = MIN (b, windows[i].to);

      if (hi > lo)
        covered += hi - lo;
    }
  return MIN (covered, b - a);
}

static int
compare_double_desc (gconstpointer a,
                     gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x < y) - (x > y);
}

/* Scores the observed quiet stretches inside (a, b): the gap between two
 * consecutive events, cut where unobserved windows interrupt it. Each
 * stretch's score goes to the daily maximum of the day it ended on. */
static void
score_gap (const AnbuRoutineProfile *profile,
           const AnbuRoutineParams  *params,
           gint64                    a,
           gint64                    b,
           const AnbuTimeWindow     *unobserved,
           gsize                     n_unobserved,
           gint64                    first_day,
           double                   *daily_max,
           guint                     n_days)
{
  gint64 start = a;

  while (start < b)
    {
      gint64 end = b, resume = b;
      gint64 day;
      double score;

      /* The earliest unobserved window cutting [start, b), and where
       * observation resumes after it (windows may chain or overlap). */
      for (gsize i = 0; i < n_unobserved; i++)
        if (unobserved[i].to > start && unobserved[i].from < end)
          end = MAX (start, unobserved[i].from);
      if (end < b)
        {
          gboolean extended = TRUE;

          resume = end;
          for (gsize pass = 0; extended && pass <= n_unobserved; pass++)
            {
              extended = FALSE;
              for (gsize i = 0; i < n_unobserved; i++)
                if (unobserved[i].from <= resume && unobserved[i].to > resume)
                  {
                    resume = unobserved[i].to;
                    extended = TRUE;
                  }
            }
        }

      score = anbu_routine_profile_score (profile, params, start, end);
      day = local_day_index (params, end) - first_day;
      if (end > start && day >= 0 && day < (gint64) n_days)
        daily_max[day] = MAX (daily_max[day], score);
      if (end >= b)
        break;
      start = resume;
    }
}

void
anbu_routine_profile_learn (AnbuRoutineProfile      *profile,
                            const AnbuRoutineParams *params,
                            const gint64            *event_ts,
                            gsize                    n_events,
                            const AnbuTimeWindow    *unobserved,
                            gsize                    n_unobserved,
                            gint64                   now)
{
  double active_how[HOURS] = { 0 }, seen_how[HOURS] = { 0 };
  double active_hod[24] = { 0 }, seen_hod[24] = { 0 };
  double p[HOURS];
  guint n_hours = params->window_days * 24;
  gint64 end = local_hour_start (params, now);
  gint64 start = end - (gint64) n_hours * 3600;
  gsize e = 0, first_event;
  guint observed_hours = 0;
  g_autofree double *daily_max = NULL;
  gint64 first_day;

  g_return_if_fail (profile != NULL && params != NULL);
  g_return_if_fail (event_ts != NULL || n_events == 0);

  memset (profile, 0, sizeof *profile);
  profile->learned_at = end;

  while (e < n_events && event_ts[e] < start)
    e++;
  first_event = e;

  for (guint h = 0; h < n_hours; h++)
    {
      gint64 a = start + (gint64) h * 3600;
      gint64 b = a + 3600;
      gboolean active = FALSE;
      double age_days = (double) (end - b) / 86400.0;
      double weight = exp2 (-age_days / params->half_life_days);
      guint how = anbu_routine_hour_of_week (params, a);

      while (e < n_events && event_ts[e] < b)
        {
          active = TRUE;
          e++;
        }
      if (covered_seconds (unobserved, n_unobserved, a, b) >= 1800)
        continue;

      observed_hours++;
      seen_how[how] += weight;
      seen_hod[how % 24] += weight;
      if (active)
        {
          active_how[how] += weight;
          active_hod[how % 24] += weight;
        }
    }

  profile->observed_days = observed_hours / 24.0;
  profile->ready = profile->observed_days >= params->warmup_days;

  /* Shrink each hour-of-week toward the same hour of all days, then mix in
   * the neighbouring hours. */
  for (guint h = 0; h < HOURS; h++)
    {
      guint hod = h % 24;
      double p_hod = (active_hod[hod] + 0.5) / (seen_hod[hod] + 1.0);

      p[h] = (active_how[h] + params->prior_weeks * p_hod) / (seen_how[h] + params->prior_weeks);
    }
  for (guint h = 0; h < HOURS; h++)
    {
      double s = params->neighbour_share;
      double mixed = (1.0 - 2.0 * s) * p[h]
                     + s * p[(h + HOURS - 1) % HOURS] + s * p[(h + 1) % HOURS];

      mixed = CLAMP (mixed, params->p_min, params->p_max);
      profile->p_active[h] = (float) mixed;
      profile->rate[h] = (float) -log1p (-mixed);
    }

  /* The bar: this household's own loudest ordinary silences. */
  first_day = local_day_index (params, start);
  daily_max = g_new0 (double, params->window_days + 1);
  for (gsize i = first_event; i + 1 < n_events && event_ts[i + 1] < end; i++)
    score_gap (profile, params, event_ts[i], event_ts[i + 1], unobserved, n_unobserved,
               first_day, daily_max, params->window_days + 1);
  qsort (daily_max, params->window_days + 1, sizeof (double), compare_double_desc);
  profile->threshold = MAX (params->min_score,
                            params->margin * daily_max[params->quiet_rank - 1]);
}

void
anbu_routine_evaluate (const AnbuRoutineProfile *profile,
                       const AnbuRoutineParams  *params,
                       const AnbuQuietFacts     *facts,
                       gint64                    now,
                       AnbuRoutineVerdict       *verdict)
{
  gint64 seen;
  double cumulative = 0.0;

  g_return_if_fail (profile != NULL && params != NULL && facts != NULL && verdict != NULL);

  memset (verdict, 0, sizeof *verdict);
  seen = facts->last_seen_at > 0 ? MIN (facts->last_seen_at, now) : 0;
  verdict->ready = profile->ready;
  verdict->absent = anbu_time_windows_contain (facts->absences, facts->n_absences, now);
  verdict->quiet_since = anbu_quiet_since (facts, now);
  verdict->threshold = profile->threshold;
  verdict->score = seen > verdict->quiet_since
                   ? anbu_routine_profile_score (profile, params, verdict->quiet_since, seen)
                   : 0.0;
  verdict->watch_at = anbu_routine_profile_watch_at (profile, params, verdict->quiet_since);
  verdict->watch = verdict->ready && !verdict->absent && seen >= verdict->watch_at;

  /* "Usually active by": the end of the first hour by which this person has,
   * more likely than not, done something after quiet_since. */
  for (gint64 t = verdict->quiet_since; t < verdict->quiet_since + 2 * 86400;)
    {
      gint64 next = local_hour_start (params, t) + 3600;

      cumulative += profile->rate[anbu_routine_hour_of_week (params, t)]
                    * (double) (next - t) / 3600.0;
      if (cumulative >= G_LN2)
        {
          verdict->usually_active_by = next;
          break;
        }
      t = next;
    }
}

static char *
format_usual_hour (gint hour)
{
  if (hour == 0)
    return g_strdup (_("midnight"));
  if (hour == 12)
    return g_strdup (_("noon"));
  if (hour < 12)
    return g_strdup_printf (_("%d a.m."), hour);
  return g_strdup_printf (_("%d p.m."), hour - 12);
}

static char *
format_since (gint64 since_local,
              gint64 now_local)
{
  gint64 days = floor_div (now_local, 86400) - floor_div (since_local, 86400);
  gint64 minute_of_day = floor_div (since_local, 60) - floor_div (since_local, 86400) * 1440;
  g_autofree char *clock = g_strdup_printf ("%02d:%02d", (int) (minute_of_day / 60),
                                            (int) (minute_of_day % 60));

  if (days <= 0)
    /* Translators: %s is a time of day such as 21:40 */
    return g_strdup_printf (_("%s today"), clock);
  if (days == 1)
    /* Translators: %s is a time of day such as 21:40 */
    return g_strdup_printf (_("%s yesterday"), clock);
  /* Translators: %1$s is a time of day such as 21:40, %2$d a number of days */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%1$s, %2$d day ago",
                                       "%1$s, %2$d days ago", (gulong) days),
                          clock, (int) days);
}

char *
anbu_routine_verdict_describe (const AnbuRoutineVerdict *verdict,
                               const AnbuRoutineParams  *params,
                               gint64                    now)
{
  g_autofree char *since = NULL;

  g_return_val_if_fail (verdict != NULL && params != NULL, NULL);

  since = format_since (verdict->quiet_since + params->utc_offset_seconds,
                        now + params->utc_offset_seconds);
  if (verdict->usually_active_by > 0)
    {
      gint64 local = verdict->usually_active_by + params->utc_offset_seconds;
      gint hour = (gint) (floor_div (local, 3600) - floor_div (local, 86400) * 24);
      g_autofree char *usual = format_usual_hour (hour);

      /* Translators: first %s is an hour such as "8 a.m.", second a time such as
       * "21:40 yesterday" */
      return g_strdup_printf (_("Usually active by %s; no change since %s"), usual, since);
    }
  /* Translators: %s is a time such as "21:40 yesterday" */
  return g_strdup_printf (_("No change since %s, unusual for this person"), since);
}
