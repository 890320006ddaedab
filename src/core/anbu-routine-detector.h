/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "anbu-inactivity.h"

G_BEGIN_DECLS

/* Routine-aware early warning (관심 watch signal).
 *
 * Each household gets an hour-of-week profile learned from its own recent
 * weeks of activity events: for every local hour of the week (Monday 00:00 is
 * hour 0), the probability that at least one activity event happens in it.
 * Weeks are weighted by age (half-life), each hour-of-week is pulled toward
 * the same hour of all days (few weeks of data are noisy) and toward its
 * neighbouring hours.
 *
 * A silence is scored by how improbable it is for this person: the sum over
 * its hours of -ln(1 - p), i.e. the expected number of "hours in which this
 * person would have done something". Sleeping hours add almost nothing, the
 * hour in which the TV always goes on adds a lot. The bar a silence must clear
 * is set from the household's own history: the `quiet_rank`-th largest daily
 * silence score of the learning window, times `margin`, and never below
 * `min_score`. A day out that this person takes every week therefore does not
 * raise a watch; a morning without the usual activity does.
 *
 * During warm-up (fewer than `warmup_days` observed days) the profile is not
 * ready and only the fixed rule (anbu-inactivity.h) applies.
 *
 * The profile is a plain struct of numbers: the server can store it, or
 * recompute it once a day from the stored activity events; evaluation is a
 * pure function of the profile and stored times, like the fixed rule. */

#define ANBU_ROUTINE_ERROR (anbu_routine_error_quark ())

typedef enum
{
  ANBU_ROUTINE_ERROR_INVALID_PARAMETER,
} AnbuRoutineError;

#define ANBU_ROUTINE_HOURS_PER_WEEK 168

typedef struct
{
  guint  window_days;        /* history learned from; default 28 */
  guint  warmup_days;        /* observed days needed before any watch; default 14 */
  double half_life_days;     /* weight of a day halves with this age; default 14 */
  double prior_weeks;        /* pseudo-weeks pulling an hour-of-week toward that hour of
                              * every day; default 2 */
  double neighbour_share;    /* share of each neighbouring hour mixed in; default 0.2 */
  double p_min;              /* probability floor per hour; default 0.002 */
  double p_max;              /* probability cap per hour (nobody is certain); default 0.95 */
  guint  quiet_rank;         /* which largest daily silence of the window sets the bar:
                              * 1 = the largest; 2 tolerates one odd day; default 2 */
  double margin;             /* bar = margin × that silence's score; default 1.2 */
  double min_score;          /* the bar is never below this; default 3.0 */
  double min_quiet_hours;    /* never watch a silence shorter than this; default 3 */
  gint   utc_offset_seconds; /* local time of the households; default +9 h (KST) */
} AnbuRoutineParams;

typedef struct
{
  float    p_active[ANBU_ROUTINE_HOURS_PER_WEEK]; /* P(≥ 1 activity event in the hour) */
  float    rate[ANBU_ROUTINE_HOURS_PER_WEEK];     /* -ln(1 - p): score per hour of silence */
  double   threshold;      /* a silence scoring above this raises a watch */
  double   observed_days;  /* observed (online, not absent) days in the window */
  gint64   learned_at;     /* end of the learning window */
  gboolean ready;          /* warm-up done */
} AnbuRoutineProfile;

typedef struct
{
  gboolean ready;             /* the profile finished its warm-up */
  gboolean absent;            /* inside a registered absence: suppressed */
  gboolean watch;             /* raise a watch signal (관심) */
  gint64   quiet_since;
  double   score;             /* score of the silence up to the last reading */
  double   threshold;
  gint64   watch_at;          /* when the watch is (or was) due; G_MAXINT64 = not within a week */
  gint64   usually_active_by; /* end of the local hour by which this person has usually done
                               * something after quiet_since; 0 = no such hour */
} AnbuRoutineVerdict;

GQuark   anbu_routine_error_quark         (void);

void     anbu_routine_params_init_default (AnbuRoutineParams       *params);
gboolean anbu_routine_params_validate     (const AnbuRoutineParams *params,
                                           GError                 **error);

/* Local hour of the week (0 = Monday 00:00–01:00) of a UTC time. */
guint    anbu_routine_hour_of_week        (const AnbuRoutineParams *params,
                                           gint64                   ts);

/* Learns the profile from the activity events (ascending times) and the
 * unobserved windows (offline gaps and registered absences, any order) of the
 * `window_days` before `now`. The silence still open at `now` is never learned
 * from. */
void     anbu_routine_profile_learn       (AnbuRoutineProfile      *profile,
                                           const AnbuRoutineParams *params,
                                           const gint64            *event_ts,
                                           gsize                    n_events,
                                           const AnbuTimeWindow    *unobserved,
                                           gsize                    n_unobserved,
                                           gint64                   now);

/* Score of the silence [from, to) under the profile. */
double   anbu_routine_profile_score       (const AnbuRoutineProfile *profile,
                                           const AnbuRoutineParams  *params,
                                           gint64                    from,
                                           gint64                    to);

/* When a silence that started at quiet_since raises a watch if nothing
 * happens; G_MAXINT64 when the profile is not ready or not within 7 days. */
gint64   anbu_routine_profile_watch_at    (const AnbuRoutineProfile *profile,
                                           const AnbuRoutineParams  *params,
                                           gint64                    quiet_since);

void     anbu_routine_evaluate            (const AnbuRoutineProfile *profile,
                                           const AnbuRoutineParams  *params,
                                           const AnbuQuietFacts     *facts,
                                           gint64                    now,
                                           AnbuRoutineVerdict       *verdict);

/* A sentence for the planner, translated, e.g. "Usually active by 8 a.m.; no
 * change since 21:40 yesterday" (평소 오전 8시 전에 활동, 어제 21:40 이후 변화 없음). */
char    *anbu_routine_verdict_describe    (const AnbuRoutineVerdict *verdict,
                                           const AnbuRoutineParams  *params,
                                           gint64                    now);

G_END_DECLS
