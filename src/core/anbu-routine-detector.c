/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-routine"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "anbu-routine-detector.h"

G_DEFINE_QUARK (anbu-routine-error-quark, anbu_routine_error)

#define SLOTS ANBU_ROUTINE_SLOTS_PER_DAY
#define SLOT_SECONDS (86400 / SLOTS)
#define MAX_RANK 8

static gint64
floor_div (gint64 a,
           gint64 b)
{
  gint64 q = a / b;

  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Start (UTC) of the local day containing ts. */
static gint64
local_midnight (const AnbuRoutineParams *params,
                gint64                   ts)
{
  gint64 local = ts + params->utc_offset_seconds;

  return floor_div (local, 86400) * 86400 - params->utc_offset_seconds;
}

static guint
local_slot (const AnbuRoutineParams *params,
            gint64                   ts)
{
  return (guint) ((ts - local_midnight (params, ts)) / SLOT_SECONDS);
}

void
anbu_routine_params_init_default (AnbuRoutineParams *params)
{
  g_return_if_fail (params != NULL);

  params->window_days = 56;
  params->warmup_days = 14;
  params->quiet_rank = 1;
  params->match_minutes = 60;
  params->min_days = 10;
  params->spread_z = 1.5;
  /* Not 1.25: the same median latency at half the false alarms (issue 13). */
  params->margin = 3.0;
  params->slack_hours = 2.0;
  params->min_quiet_hours = 3.0;
  params->max_usual_hours = 30.0;
  params->utc_offset_seconds = 9 * 3600;
  params->days_off = FALSE;
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
  if (params->quiet_rank < 1 || params->quiet_rank > MAX_RANK
      || params->quiet_rank > params->warmup_days)
    return invalid (error, "quiet_rank must be between 1 and 8, and not above warmup_days");
  if (params->match_minutes > 720)
    return invalid (error, "match_minutes must be at most 720");
  if (params->min_days < 1 || params->min_days > params->window_days)
    return invalid (error, "min_days must be between 1 and window_days");
  if (!(params->spread_z >= 0.0 && params->spread_z <= 10.0))
    return invalid (error, "spread_z must be between 0 and 10");
  if (!(params->margin >= 1.0 && params->margin <= 10.0))
    return invalid (error, "margin must be between 1 and 10");
  if (!(params->slack_hours >= 0.0 && params->slack_hours <= 48.0))
    return invalid (error, "slack_hours must be between 0 and 48");
  if (!(params->min_quiet_hours >= 0.0 && params->min_quiet_hours <= 48.0))
    return invalid (error, "min_quiet_hours must be between 0 and 48");
  if (!(params->max_usual_hours > 0.0 && params->max_usual_hours <= 168.0))
    return invalid (error, "max_usual_hours must be between 0 and 168");
  if (params->utc_offset_seconds < -14 * 3600 || params->utc_offset_seconds > 14 * 3600)
    return invalid (error, "utc_offset_seconds must be within ±14 h");
  return TRUE;
}

static gboolean
overlaps_any (const AnbuTimeWindow *windows,
              gsize                 n_windows,
              gint64                a,
              gint64                b)
{
  for (gsize i = 0; i < n_windows; i++)
    if (windows[i].from < b && windows[i].to > a)
      return TRUE;
  return FALSE;
}

/* Keeps the `rank` largest values, largest first. */
static void
keep_largest (float  *top,
              guint   rank,
              float   value)
{
  guint i = rank;

  while (i > 0 && top[i - 1] < value)
    i--;
  if (i >= rank)
    return;
  memmove (&top[i + 1], &top[i], (rank - i - 1) * sizeof (float));
  top[i] = value;
}

static AnbuRoutineContext
context_of (const AnbuActivityEvent *event)
{
  switch (event->kind)
    {
    case ANBU_ACTIVITY_POWER_ON:
    case ANBU_ACTIVITY_LIGHT_ON:
      return ANBU_ROUTINE_AFTER_SWITCH_ON;
    case ANBU_ACTIVITY_POWER_OFF:
    case ANBU_ACTIVITY_LIGHT_OFF:
    default:
      return ANBU_ROUTINE_AFTER_SWITCH_OFF;
    }
}

void
anbu_routine_profile_learn (AnbuRoutineProfile      *profile,
                            const AnbuRoutineParams *params,
                            const AnbuActivityEvent *events,
                            gsize                    n_events,
                            const AnbuTimeWindow    *unobserved,
                            gsize                    n_unobserved,
                            gint64                   now)
{
  anbu_routine_profile_learn_days (profile, params, events, n_events, unobserved, n_unobserved,
                                   now, NULL, NULL);
}

gboolean
anbu_routine_is_day_off (AnbuHolidayCalendar     *calendar,
                         const AnbuRoutineParams *params,
                         gint64                   t)
{
  gint64 local_day = floor_div (t + ANBU_ROUTINE_DAY_KIND_SHIFT + params->utc_offset_seconds, 86400);
  gint64 weekday = ((local_day + 3) % 7 + 7) % 7; /* 1970-01-01 was a Thursday; 0 = Monday */
  GDate date;

  g_return_val_if_fail (params != NULL, FALSE);

  if (weekday >= 5)
    return TRUE;
  if (calendar == NULL)
    return FALSE;
  g_date_clear (&date, 1);
  g_date_set_julian (&date, (guint32) (local_day + 719163)); /* Julian day of 1970-01-01 */
  return anbu_holiday_calendar_is_holiday (calendar, &date);
}

void
anbu_routine_profile_learn_days (AnbuRoutineProfile      *profile,
                                 const AnbuRoutineParams *params,
                                 const AnbuActivityEvent *events,
                                 gsize                    n_events,
                                 const AnbuTimeWindow    *unobserved,
                                 gsize                    n_unobserved,
                                 gint64                   now,
                                 AnbuRoutineDayFilter     include_day,
                                 gpointer                 user_data)
{
  float top[ANBU_ROUTINE_N_CONTEXTS][SLOTS][MAX_RANK];
  guint count[ANBU_ROUTINE_N_CONTEXTS][SLOTS] = { { 0 } };
  double sum_log[ANBU_ROUTINE_N_CONTEXTS][SLOTS] = { { 0 } };
  double sum_log2[ANBU_ROUTINE_N_CONTEXTS][SLOTS] = { { 0 } };
  float day_max[ANBU_ROUTINE_N_CONTEXTS][SLOTS];
  guint touched[ANBU_ROUTINE_N_CONTEXTS * SLOTS];
  guint n_touched = 0;
  gint64 day0, window_start;
  g_autofree AnbuTimeWindow *windows = NULL;
  gsize n_windows = 0, j = 0, next = 0;
  gint64 covered = 0, current_day = G_MININT64;
  guint rank, min_count;
  gint reach;

  g_return_if_fail (profile != NULL && params != NULL);
  g_return_if_fail (events != NULL || n_events == 0);
  g_return_if_fail (unobserved != NULL || n_unobserved == 0);

  day0 = local_midnight (params, now);
  window_start = day0 - (gint64) params->window_days * 86400;
  windows = g_new (AnbuTimeWindow, n_unobserved + 1);
  rank = params->quiet_rank;
  min_count = MAX (rank, params->min_days);
  reach = (gint) (params->match_minutes * 60 / SLOT_SECONDS);

  memset (profile, 0, sizeof *profile);
  profile->learned_at = day0;
  for (guint c = 0; c < ANBU_ROUTINE_N_CONTEXTS; c++)
    for (guint i = 0; i < SLOTS; i++)
      {
        day_max[c][i] = -1.0f;
        for (guint r = 0; r < MAX_RANK; r++)
          top[c][i][r] = -1.0f;
      }

  /* Only the windows that matter here. */
  for (gsize i = 0; i < n_unobserved; i++)
    if (unobserved[i].to > window_start && unobserved[i].from < now
        && unobserved[i].to > unobserved[i].from)
      {
        windows[n_windows++] = unobserved[i];
        covered += MIN (unobserved[i].to, day0) - MAX (unobserved[i].from, window_start);
      }
  profile->observed_days = MAX (0.0, (double) (day0 - window_start - MAX (covered, 0)) / 86400.0);
  if (include_day != NULL)
    {
      /* Only the chosen days count towards the warm-up. */
      double observed = 0.0;

      for (gint64 d = window_start; d < day0; d += 86400)
        {
          gint64 seen = 86400;

          if (!include_day (d, user_data))
            continue;
          for (gsize i = 0; i < n_windows; i++)
            seen -= MAX (0, MIN (windows[i].to, d + 86400) - MAX (windows[i].from, d));
          observed += (double) MAX (seen, 0) / 86400.0;
        }
      profile->observed_days = observed;
    }
  profile->ready = profile->observed_days >= params->warmup_days;

  /* Every silence that followed an activity event of the window counts for
   * the slots within match_minutes of the event's time of day, once per day
   * (the longest of that day), for the event's context and for "any". */
  while (j < n_events && events[j].ts < window_start)
    j++;
  for (;; j++)
    {
      gboolean done;
      gint64 day;

      if (next <= j)
        next = j + 1;
      while (next < n_events && events[next].ts <= events[j].ts)
        next++;
      done = j >= n_events || next >= n_events || events[j].ts >= day0 || events[next].ts > now;
      day = done ? G_MAXINT64 : local_midnight (params, events[j].ts);

      if (day != current_day)
        {
          /* The day is over: its longest silences join the history. */
          for (guint k = 0; k < n_touched; k++)
            {
              guint c = touched[k] / SLOTS, i = touched[k] % SLOTS;
              double l = log (MAX (day_max[c][i], 0.05f));

              keep_largest (top[c][i], rank, day_max[c][i]);
              count[c][i]++;
              sum_log[c][i] += l;
              sum_log2[c][i] += l * l;
              day_max[c][i] = -1.0f;
            }
          n_touched = 0;
          current_day = day;
        }
      if (done)
        break;
      if (overlaps_any (windows, n_windows, events[j].ts, events[next].ts))
        continue;
      if (include_day != NULL
          && !include_day (local_midnight (params, events[j].ts + ANBU_ROUTINE_DAY_KIND_SHIFT), user_data))
        continue; /* a silence that began on a day of the other kind */
      {
        float quiet = (float) (events[next].ts - events[j].ts) / 3600.0f;
        gint slot = (gint) local_slot (params, events[j].ts);
        AnbuRoutineContext context = context_of (&events[j]);

        for (gint d = -reach; d <= reach; d++)
          {
            guint i = (guint) ((slot + d + SLOTS) % SLOTS);
            guint cs[2] = { context, ANBU_ROUTINE_AFTER_ANY };

            for (guint k = 0; k < 2; k++)
              {
                if (day_max[cs[k]][i] < 0.0f)
                  touched[n_touched++] = cs[k] * SLOTS + i;
                day_max[cs[k]][i] = MAX (day_max[cs[k]][i], quiet);
              }
          }
      }
    }

  /* The usual quiet is the rank-th longest day, but never below what the
   * spread of the days implies (log-normal, spread_z deviations above the
   * mean): a person whose silences vary a lot, or who has few days yet, gets
   * a longer usual quiet than the few longest days alone would say. */
  for (guint c = 0; c < ANBU_ROUTINE_N_CONTEXTS; c++)
    for (guint i = 0; i < SLOTS; i++)
      {
        guint n = count[c][i];
        double mean, variance, usual;

        if (n < min_count)
          {
            profile->usual_quiet_hours[c][i] = -1.0f;
            continue;
          }
        mean = sum_log[c][i] / n;
        /* One day has no spread (and n - 1 would divide by zero). */
        variance = n > 1 ? MAX (0.0, (sum_log2[c][i] - n * mean * mean) / (n - 1)) : 0.0;
        usual = MAX (top[c][i][rank - 1], exp (mean + params->spread_z * sqrt (variance)));
        profile->usual_quiet_hours[c][i] = (float) MIN (usual, 1000.0);
      }
}

/* The usual silence for a quiet that started at quiet_since, right after
 * last_event (when it is the event that started it). */
static double
usual_quiet (const AnbuRoutineProfile *profile,
             const AnbuRoutineParams  *params,
             gint64                    quiet_since,
             const AnbuActivityEvent  *last_event)
{
  guint slot = local_slot (params, quiet_since);
  double usual = -1.0;

  if (last_event != NULL && last_event->ts == quiet_since)
    usual = profile->usual_quiet_hours[context_of (last_event)][slot];
  if (usual < 0.0)
    usual = profile->usual_quiet_hours[ANBU_ROUTINE_AFTER_ANY][slot];
  return usual;
}

const AnbuRoutineProfile *
anbu_routine_profile_choose_day_kind (const AnbuRoutineProfile *pooled,
                                      const AnbuRoutineProfile *workday,
                                      const AnbuRoutineProfile *day_off,
                                      const AnbuRoutineParams  *params,
                                      gboolean                  is_day_off,
                                      gint64                    quiet_since,
                                      const AnbuActivityEvent  *last_event)
{
  const AnbuRoutineProfile *kind = is_day_off ? day_off : workday;

  g_return_val_if_fail (pooled != NULL && params != NULL, pooled);

  if (kind != NULL && kind->ready && usual_quiet (kind, params, quiet_since, last_event) >= 0.0)
    return kind;
  return pooled;
}

typedef struct
{
  AnbuHolidayCalendar     *calendar;
  const AnbuRoutineParams *params;
  gboolean                 day_off;
} DayKindFilter;

static gboolean
day_kind_filter (gint64   local_midnight,
                 gpointer user_data)
{
  const DayKindFilter *filter = user_data;

  return anbu_routine_is_day_off (filter->calendar, filter->params, local_midnight)
         == filter->day_off;
}

void
anbu_routine_profiles_learn (AnbuRoutineProfiles     *profiles,
                             const AnbuRoutineParams *params,
                             AnbuHolidayCalendar     *calendar,
                             const AnbuActivityEvent *events,
                             gsize                    n_events,
                             const AnbuTimeWindow    *unobserved,
                             gsize                    n_unobserved,
                             gint64                   now)
{
  g_return_if_fail (profiles != NULL && params != NULL);

  anbu_routine_profile_learn (&profiles->pooled, params, events, n_events, unobserved,
                              n_unobserved, now);
  memset (&profiles->workday, 0, sizeof profiles->workday);
  memset (&profiles->day_off, 0, sizeof profiles->day_off);
  if (params->days_off)
    {
      DayKindFilter workday = { calendar, params, FALSE };
      DayKindFilter day_off = { calendar, params, TRUE };

      anbu_routine_profile_learn_days (&profiles->workday, params, events, n_events, unobserved,
                                       n_unobserved, now, day_kind_filter, &workday);
      anbu_routine_profile_learn_days (&profiles->day_off, params, events, n_events, unobserved,
                                       n_unobserved, now, day_kind_filter, &day_off);
    }
}

const AnbuRoutineProfile *
anbu_routine_profiles_choose (const AnbuRoutineProfiles *profiles,
                              const AnbuRoutineParams   *params,
                              AnbuHolidayCalendar       *calendar,
                              gint64                     quiet_since,
                              const AnbuActivityEvent   *last_event)
{
  g_return_val_if_fail (profiles != NULL && params != NULL, NULL);

  if (!params->days_off)
    return &profiles->pooled;
  return anbu_routine_profile_choose_day_kind (&profiles->pooled, &profiles->workday,
                                               &profiles->day_off, params,
                                               anbu_routine_is_day_off (calendar, params,
                                                                        quiet_since),
                                               quiet_since, last_event);
}

gint64
anbu_routine_profile_watch_at (const AnbuRoutineProfile *profile,
                               const AnbuRoutineParams  *params,
                               gint64                    quiet_since,
                               const AnbuActivityEvent  *last_event)
{
  double usual, limit;

  g_return_val_if_fail (profile != NULL && params != NULL, G_MAXINT64);

  if (!profile->ready)
    return G_MAXINT64;
  usual = usual_quiet (profile, params, quiet_since, last_event);
  if (usual < 0.0 || usual > params->max_usual_hours)
    return G_MAXINT64;
  limit = MAX (params->min_quiet_hours, params->margin * usual + params->slack_hours);
  return quiet_since + (gint64) ceil (limit * 3600.0);
}

void
anbu_routine_evaluate (const AnbuRoutineProfile *profile,
                       const AnbuRoutineParams  *params,
                       const AnbuQuietFacts     *facts,
                       const AnbuActivityEvent  *last_event,
                       gint64                    now,
                       AnbuRoutineVerdict       *verdict)
{
  gint64 seen;
  double usual;

  g_return_if_fail (profile != NULL && params != NULL && facts != NULL && verdict != NULL);

  memset (verdict, 0, sizeof *verdict);
  seen = facts->last_seen_at > 0 ? MIN (facts->last_seen_at, now) : 0;
  verdict->ready = profile->ready;
  verdict->absent = anbu_time_windows_contain (facts->absences, facts->n_absences, now);
  verdict->quiet_since = anbu_quiet_since (facts, now);
  verdict->watch_at = anbu_routine_profile_watch_at (profile, params, verdict->quiet_since,
                                                     last_event);
  verdict->watch = verdict->ready && !verdict->absent && seen >= verdict->watch_at;
  usual = usual_quiet (profile, params, verdict->quiet_since, last_event);
  if (usual >= 0.0)
    verdict->usually_active_by = verdict->quiet_since + (gint64) ceil (usual * 3600.0);
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
      /* Rounded up to the hour: "usually active by 8 a.m." */
      gint64 local = verdict->usually_active_by + params->utc_offset_seconds + 3599;
      gint hour = (gint) (floor_div (local, 3600) - floor_div (local, 86400) * 24);
      g_autofree char *usual = format_usual_hour (hour);

      /* Translators: first %s is an hour such as "8 a.m.", second a time such as
       * "21:40 yesterday" */
      return g_strdup_printf (_("Usually active by %s; no change since %s"), usual, since);
    }
  /* Translators: %s is a time such as "21:40 yesterday" */
  return g_strdup_printf (_("No change since %s, unusual for this person"), since);
}
