/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "anbu-activity-detector.h"
#include "anbu-holiday-calendar.h"
#include "anbu-inactivity.h"

G_BEGIN_DECLS

/* Routine-aware early warning (관심 watch signal).
 *
 * Each household gets a time-of-day profile of its own silences, learned from
 * its recent weeks of activity events: for every 10-minute slot of the local
 * day, how long this person stayed quiet after an activity event at about that
 * time (within match_minutes: smoothing over the day-to-day jitter), kept
 * apart by what the event was (a switch-on or a switch-off, see
 * AnbuRoutineContext): a TV left on since 20:00 is judged against the evenings
 * the TV went on, not against the nights after it went off. Each day
 * of the last `window_days` contributes its longest such silence; the
 * `quiet_rank`-th longest of the days (1 = the longest) is the "usual" quiet
 * for the slot, unless the spread of the days says more: the usual quiet is
 * at least exp(mean + spread_z × sd) of the days' log silences, so a person
 * whose silences vary a lot gets more room than their few longest days alone
 * would give. Silences that touch an offline gap or a registered absence are
 * left out; a slot seen on fewer than min_days days has no usual quiet, and a
 * usual quiet above max_usual_hours gives no watch (the fixed rule covers it).
 *
 * A present silence raises a watch once it lasts longer than
 * margin × usual + slack_hours (and at least min_quiet_hours): quieter than
 * on all but quiet_rank − 1 of the last weeks, by a margin (3 by default: the
 * same median latency as 1.25 with half the false alarms, docs/detection.md).
 * Someone whose TV always goes off by 22:00 and on by 07:00 (9 h) gets a
 * watch after 3 × 9 h + 2 h, hours before a 48 h threshold; someone
 * who regularly spends the afternoon out gets none for an afternoon out; a
 * person without any routine gets none before the fixed rule.
 *
 * Weekdays, weekends and holidays share one profile (the history is pooled
 * by time of day) unless params->days_off: then profiles of workdays and of
 * days off are learned apart as well (anbu_routine_profiles_learn) and a
 * silence is judged by the profile of its day's kind where that one has
 * history for the time of day, by the pooled one elsewhere.
 *
 * During warm-up (fewer than warmup_days observed days in the window) the
 * profile is not ready and only the fixed rule (anbu-inactivity.h) applies.
 *
 * The profile is a plain struct of numbers: the server can store it, or
 * recompute it once a day from the stored activity events. Evaluation is a
 * pure function of the profile and stored times, like the fixed rule. */

#define ANBU_ROUTINE_ERROR (anbu_routine_error_quark ())

typedef enum
{
  ANBU_ROUTINE_ERROR_INVALID_PARAMETER,
} AnbuRoutineError;

#define ANBU_ROUTINE_SLOTS_PER_DAY 144 /* 10-minute slots */

/* What the silence follows: a switch-on (the TV or a lamp went on: someone is
 * up and about, and something usually follows soon) or a switch-off (going to
 * bed, going out: long silences are ordinary). "Any" pools both and serves
 * quiet that began without a switch (back from an absence or offline). */
typedef enum
{
  ANBU_ROUTINE_AFTER_ANY,
  ANBU_ROUTINE_AFTER_SWITCH_ON,
  ANBU_ROUTINE_AFTER_SWITCH_OFF,
  ANBU_ROUTINE_N_CONTEXTS,
} AnbuRoutineContext;

typedef struct
{
  guint  window_days;        /* history learned from; default 56 */
  guint  warmup_days;        /* observed days needed before any watch; default 14 */
  guint  quiet_rank;         /* which longest silence of the window is "usual":
                              * 1 = the longest, 2 tolerates one odd day; default 1 */
  guint  match_minutes;      /* an event this close to a slot's time of day counts for the
                              * slot (smoothing over the day's jitter); default 60 */
  guint  min_days;           /* days with such an event needed for a slot; default 10 */
  double spread_z;           /* the usual quiet is at least exp(mean + spread_z × sd) of the
                              * log silences of the days: irregular people and short
                              * histories get more room; default 1.5 */
  double margin;             /* watch after margin × usual + slack_hours; default 3.0 */
  double slack_hours;        /* default 2.0 */
  double min_quiet_hours;    /* never watch a silence shorter than this; default 3 */
  double max_usual_hours;    /* longer usual silences give no watch (the fixed rule
                              * covers them); default 30 */
  gint   utc_offset_seconds; /* local time of the households; default +9 h (KST) */
  gboolean days_off;         /* learn days off (weekends, public holidays) apart from
                              * workdays and judge a silence by its day's kind
                              * (anbu_routine_profiles_watch_at); default FALSE */
} AnbuRoutineParams;

typedef struct
{
  /* Usual silence (hours) starting in each local 10-minute slot, per
   * context; a negative value means the slot has too little history. */
  float    usual_quiet_hours[ANBU_ROUTINE_N_CONTEXTS][ANBU_ROUTINE_SLOTS_PER_DAY];
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
  gint64   watch_at;          /* when the watch is (or was) due; G_MAXINT64 = none */
  gint64   usually_active_by; /* quiet_since + the usual silence: by then this person
                               * has usually done something; 0 = unknown */
} AnbuRoutineVerdict;

GQuark   anbu_routine_error_quark         (void);

void     anbu_routine_params_init_default (AnbuRoutineParams       *params);
gboolean anbu_routine_params_validate     (const AnbuRoutineParams *params,
                                           GError                 **error);

/* Learns the profile from the activity events (ascending times) and the
 * unobserved windows (offline gaps, registered absences and the time before
 * the plug was installed, any order) of the
 * `window_days` days before the local midnight at or before `now`. The silence
 * still open at `now` is never learned from. */
void     anbu_routine_profile_learn       (AnbuRoutineProfile      *profile,
                                           const AnbuRoutineParams *params,
                                           const AnbuActivityEvent *events,
                                           gsize                    n_events,
                                           const AnbuTimeWindow    *unobserved,
                                           gsize                    n_unobserved,
                                           gint64                   now);

/* A silence belongs to the local day this long after it began: one after
 * bedtime to the morning after (a Friday night's sleep is a Saturday's
 * lie-in). */
#define ANBU_ROUTINE_DAY_KIND_SHIFT (4 * 3600)

/* Which local days a profile learns from: `local_midnight` is the UTC time
 * of a local day's start. */
typedef gboolean (*AnbuRoutineDayFilter) (gint64   local_midnight,
                                          gpointer user_data);

/* As anbu_routine_profile_learn, from the silences that belong to the days
 * include_day accepts (NULL: every day; see ANBU_ROUTINE_DAY_KIND_SHIFT),
 * with the warm-up counted in those
 * days: a profile of days off (weekends, public holidays) apart from one of
 * workdays, for a person whose Sunday differs from their Monday. A silence
 * is measured to the next event whatever its day. */
void     anbu_routine_profile_learn_days  (AnbuRoutineProfile      *profile,
                                           const AnbuRoutineParams *params,
                                           const AnbuActivityEvent *events,
                                           gsize                    n_events,
                                           const AnbuTimeWindow    *unobserved,
                                           gsize                    n_unobserved,
                                           gint64                   now,
                                           AnbuRoutineDayFilter     include_day,
                                           gpointer                 user_data);

/* Whether a silence that began at `t` belongs to a day off: the local day
 * ANBU_ROUTINE_DAY_KIND_SHIFT after it is a Saturday, a Sunday or a public
 * holiday of `calendar` (NULL: weekends only). A local midnight gives its
 * own day. */
gboolean anbu_routine_is_day_off          (AnbuHolidayCalendar     *calendar,
                                           const AnbuRoutineParams *params,
                                           gint64                   t);

/* With profiles of workdays and of days off learned apart
 * (anbu_routine_profile_learn_days): the one of the day kind the silence
 * began on (is_day_off, see anbu_routine_is_day_off) where it is ready and
 * has a usual quiet for that time of day and context; otherwise the pooled
 * profile. */
const AnbuRoutineProfile *
         anbu_routine_profile_choose_day_kind (const AnbuRoutineProfile *pooled,
                                               const AnbuRoutineProfile *workday,
                                               const AnbuRoutineProfile *day_off,
                                               const AnbuRoutineParams  *params,
                                               gboolean                  is_day_off,
                                               gint64                    quiet_since,
                                               const AnbuActivityEvent  *last_event);

/* A household's profiles: the pooled one, and with params->days_off those
 * of workdays and of days off (not ready when days_off is off). */
typedef struct
{
  AnbuRoutineProfile pooled;
  AnbuRoutineProfile workday;
  AnbuRoutineProfile day_off;
} AnbuRoutineProfiles;

/* Learns all the profiles params asks for, as anbu_routine_profile_learn;
 * `calendar` decides the days off (NULL: weekends only). */
void     anbu_routine_profiles_learn      (AnbuRoutineProfiles     *profiles,
                                           const AnbuRoutineParams *params,
                                           AnbuHolidayCalendar     *calendar,
                                           const AnbuActivityEvent *events,
                                           gsize                    n_events,
                                           const AnbuTimeWindow    *unobserved,
                                           gsize                    n_unobserved,
                                           gint64                   now);

/* The profile a silence from quiet_since is judged by: with
 * params->days_off, the one of its day's kind where it serves
 * (anbu_routine_profile_choose_day_kind), else the pooled one. */
const AnbuRoutineProfile *
         anbu_routine_profiles_choose     (const AnbuRoutineProfiles *profiles,
                                           const AnbuRoutineParams   *params,
                                           AnbuHolidayCalendar       *calendar,
                                           gint64                     quiet_since,
                                           const AnbuActivityEvent   *last_event);

/* When a silence that started at quiet_since raises a watch if nothing
 * happens; G_MAXINT64 when the profile is not ready or has no usual silence
 * for that time of day. last_event is the household's last activity event
 * (NULL if none): when it started the quiet, its kind chooses the context. */
gint64   anbu_routine_profile_watch_at    (const AnbuRoutineProfile *profile,
                                           const AnbuRoutineParams  *params,
                                           gint64                    quiet_since,
                                           const AnbuActivityEvent  *last_event);

void     anbu_routine_evaluate            (const AnbuRoutineProfile *profile,
                                           const AnbuRoutineParams  *params,
                                           const AnbuQuietFacts     *facts,
                                           const AnbuActivityEvent  *last_event,
                                           gint64                    now,
                                           AnbuRoutineVerdict       *verdict);

/* A sentence for the planner, translated, e.g. "Usually active by 8 a.m.; no
 * change since 21:40 yesterday" (평소 오전 8시 전에 활동, 어제 21:40 이후 변화 없음). */
char    *anbu_routine_verdict_describe    (const AnbuRoutineVerdict *verdict,
                                           const AnbuRoutineParams  *params,
                                           gint64                    now);

G_END_DECLS
