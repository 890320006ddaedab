/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-activity"

#include "config.h"

#include <float.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "anbu-activity-detector.h"

/* Layout of AnbuActivityLearned: a stored blob of another one starts afresh. */
#define LEARNED_VERSION 8
/* The first byte of a packed detector; a whole one begins with
 * has_previous, 0 or 1. */
#define BLOB_PACKED_MAGIC 0xA5
/* The step class's layout, stored within it (its padding became
 * run_flags and anchor_gap without a new version). */
G_STATIC_ASSERT (sizeof (AnbuActivityStepClass) == 48);
/* Below this a plug's power is standby (a clock, a network chip, a TV's
 * standby); an appliance switched on draws more. */
#define STANDBY_CAP_W 15.0
/* A timer's run of days may skip this many days (its step hidden by other
 * light, the plug out); a learned timer is kept this long unseen. */
#define TIMER_GAP_DAYS 6
#define TIMER_KEEP_DAYS 7
/* A mechanical timer's pin trips a minute or two either side of its mark
 * from one day to the next. Switching that spreads wider than
 * timer_max_spread_minutes, up to this, is a timer's after this many days
 * more: a person keeping to their minute that loosely for a week or more,
 * without a break of a week, is rarer than for four days. */
#define TIMER_LOOSE_SPREAD_MINUTES 4.0
#define TIMER_LOOSE_EXTRA_DAYS     3
/* A slot's spread10 is at most TIMER_LOOSE_SPREAD_MINUTES * 10; its top bit
 * says a step off its minute came the day after its last sighting. */
#define TIMER_STRAY_PENDING        0x80

G_DEFINE_QUARK (anbu-activity-error-quark, anbu_activity_error)

void
anbu_activity_params_init_default (AnbuActivityParams *params)
{
  g_return_if_fail (params != NULL);

  params->power_min_step_w = 6.0;
  params->power_min_ratio = 0.4;
  params->light_min_step_lux = 25.0;
  params->light_min_ratio = 5.0;
  params->light_floor_lux = 2.0;
  params->max_step_seconds = 300;
  params->utc_offset_seconds = 9 * 3600;
  params->timer_tolerance_minutes = 15.0;
  params->timer_max_spread_minutes = 1.5;
  params->timer_min_days = 4;
  params->cycle_min_repeats = 2;
  params->cycle_max_period_hours = 3.0;
  params->auto_off_hours = 3.0;
  params->light_dip_seconds = 20 * 60;
  params->latitude = 37.57;
  params->longitude = 126.98;
}

static gboolean
check_range (double       value,
             double       low,
             double       high,
             const char  *name,
             GError     **error)
{
  if (isfinite (value) && value >= low && value <= high)
    return TRUE;
  g_set_error (error, ANBU_ACTIVITY_ERROR, ANBU_ACTIVITY_ERROR_INVALID_PARAMETER,
               "%s must be between %g and %g", name, low, high);
  return FALSE;
}

gboolean
anbu_activity_params_validate (const AnbuActivityParams  *params,
                               GError                   **error)
{
  g_return_val_if_fail (params != NULL, FALSE);

  return check_range (params->power_min_step_w, 0.1, 10000.0, "power_min_step_w", error)
         && check_range (params->power_min_ratio, 0.0, 1.0, "power_min_ratio", error)
         && check_range (params->light_min_step_lux, 0.1, 100000.0, "light_min_step_lux", error)
         && check_range (params->light_min_ratio, 1.0, 1000.0, "light_min_ratio", error)
         && check_range (params->light_floor_lux, 0.0, 1000.0, "light_floor_lux", error)
         && check_range ((double) params->max_step_seconds, 1.0, 86400.0, "max_step_seconds",
                         error)
         && check_range ((double) params->utc_offset_seconds, -14 * 3600.0, 14 * 3600.0,
                         "utc_offset_seconds", error)
         && check_range (params->timer_tolerance_minutes, 1.0, 120.0, "timer_tolerance_minutes",
                         error)
         && check_range (params->timer_max_spread_minutes, 0.0, 25.0, "timer_max_spread_minutes",
                         error)
         && check_range ((double) params->timer_min_days, 2.0, 30.0, "timer_min_days", error)
         && check_range ((double) params->cycle_min_repeats, 1.0, 50.0, "cycle_min_repeats", error)
         && check_range (params->cycle_max_period_hours, 0.1, 24.0, "cycle_max_period_hours",
                         error)
         && check_range (params->auto_off_hours, 0.5, 48.0, "auto_off_hours", error)
         && check_range ((double) params->light_dip_seconds, 0.0, 7200.0, "light_dip_seconds",
                         error)
         && check_range (params->latitude, -66.0, 66.0, "latitude", error)
         && check_range (params->longitude, -180.0, 180.0, "longitude", error);
}

static void
learned_init (AnbuActivityLearned *learned)
{
  memset (learned, 0, sizeof *learned);
  learned->version = LEARNED_VERSION;
  learned->standby_watts = -1.0f;
  learned->dark_today = FLT_MAX;
  learned->dark_yesterday = FLT_MAX;
  learned->sun_day = G_MININT32;
}

void
anbu_activity_detector_init (AnbuActivityDetector *detector)
{
  g_return_if_fail (detector != NULL);

  memset (detector, 0, sizeof *detector);
  learned_init (&detector->learned);
}

void
anbu_activity_detector_seed (AnbuActivityDetector *detector,
                             const AnbuReading    *reading)
{
  g_return_if_fail (detector != NULL);
  g_return_if_fail (reading != NULL);

  if (detector->learned.version != LEARNED_VERSION)
    learned_init (&detector->learned);
  detector->has_previous = TRUE;
  detector->previous_ts = reading->ts;
  detector->previous_watts = isfinite (reading->watts) && reading->watts > 0 ? reading->watts : 0.0;
  detector->previous_lux = isfinite (reading->lux) && reading->lux > 0 ? reading->lux : 0.0;
}

void
anbu_activity_detector_forget_readings (AnbuActivityDetector *detector)
{
  AnbuActivityLearned *learned;

  g_return_if_fail (detector != NULL);

  learned = &detector->learned;
  if (learned->version != LEARNED_VERSION)
    learned_init (learned);
  detector->has_previous = FALSE;
  anbu_activity_detector_drop_held (detector);
  learned->appliance_on = FALSE;
  learned->modulated = 0;
  learned->lamp_on = FALSE;
  learned->cycle_flags &= ~ANBU_ACTIVITY_CYCLE_RUNNING;
}

static gboolean
is_power_step (const AnbuActivityParams *params,
               double                    before,
               double                    after)
{
  double step = fabs (after - before);
  double high = MAX (before, after);

  return step >= params->power_min_step_w && step >= params->power_min_ratio * high;
}

/* A change of the light by at least `least` lux to `ratio` times the
 * darker level (with the sensor's floor). */
static gboolean
is_light_change (const AnbuActivityParams *params,
                 double                    before,
                 double                    after,
                 double                    least,
                 double                    ratio)
{
  double low = MIN (before, after);
  double high = MAX (before, after);

  return high - low >= least && high >= ratio * (low + params->light_floor_lux);
}

static gboolean
is_light_step (const AnbuActivityParams *params,
               double                    before,
               double                    after)
{
  return is_light_change (params, before, after, params->light_min_step_lux,
                          params->light_min_ratio);
}

static void
set_step_event (AnbuActivityEvent *event,
                gint64             ts,
                double             before,
                double             after,
                AnbuActivityKind   up,
                AnbuActivityKind   down)
{
  event->ts = ts;
  event->kind = after > before ? up : down;
  event->magnitude = fabs (after - before);
}

/* Local day number and minute of the day. */
static void
local_time (const AnbuActivityParams *params,
            gint64                    ts,
            gint32                   *day,
            double                   *minute)
{
  gint64 local = ts + params->utc_offset_seconds;
  gint64 d = local / 86400 - (local % 86400 < 0 ? 1 : 0);

  *day = (gint32) d;
  *minute = (double) (local - d * 86400) / 60.0;
}

/* Sunrise and sunset (NOAA's approximation, good to a few minutes) of a
 * local day, in minutes after local midnight. */
static void
compute_sun (AnbuActivityLearned      *learned,
             const AnbuActivityParams *params,
             gint32                    day)
{
  double gamma = 2.0 * G_PI / 365.0 * fmod ((double) day + 0.5, 365.2425);
  double decl = 0.006918 - 0.399912 * cos (gamma) + 0.070257 * sin (gamma)
                - 0.006758 * cos (2 * gamma) + 0.000907 * sin (2 * gamma)
                - 0.002697 * cos (3 * gamma) + 0.00148 * sin (3 * gamma);
  double eqtime = 229.18 * (0.000075 + 0.001868 * cos (gamma) - 0.032077 * sin (gamma)
                            - 0.014615 * cos (2 * gamma) - 0.040849 * sin (2 * gamma));
  double lat = params->latitude * G_PI / 180.0;
  double cos_ha = cos (90.833 * G_PI / 180.0) / (cos (lat) * cos (decl)) - tan (lat) * tan (decl);
  double ha = acos (CLAMP (cos_ha, -1.0, 1.0)) * 180.0 / G_PI;
  double offset = params->utc_offset_seconds / 60.0;

  learned->sun_day = day;
  learned->sunrise_minute = (gint16) (720.0 - 4.0 * (params->longitude + ha) - eqtime + offset);
  learned->sunset_minute = (gint16) (720.0 - 4.0 * (params->longitude - ha) - eqtime + offset);
}

/* Sunrise and sunset of `day`, computed once a day. */
static void
update_sun (AnbuActivityLearned      *learned,
            const AnbuActivityParams *params,
            gint32                    day)
{
  if (learned->sun_day != day)
    compute_sun (learned, params, day);
}

static gboolean
in_daylight (AnbuActivityLearned      *learned,
             const AnbuActivityParams *params,
             gint32                    day,
             double                    minute)
{
  update_sun (learned, params, day);
  /* Twilight on either side: a sunlit sensor still sees clouds then. */
  return minute >= learned->sunrise_minute - 45 && minute <= learned->sunset_minute + 45;
}

/* Learns how bright the sun makes this sensor at this time of day. */
static void
learn_daylight (AnbuActivityLearned      *learned,
                const AnbuActivityParams *params,
                gint32                    day,
                double                    minute,
                double                    lux)
{
  guint slot = (guint) (minute / 30.0) % 48;

  if (learned->daylight_day != day)
    {
      /* Fade by a tenth a day: a week of overcast days does not erase a
       * sunny window, a moved plug learns its new place in a few weeks. */
      for (guint i = 0; i < 48; i++)
        learned->daylight[i] = (guint16) (learned->daylight[i] * 0.9);
      learned->daylight_day = day;
    }
  update_sun (learned, params, day);
  /* A lamp's light is not daylight (a windowless room lit in the day). */
  if (minute >= learned->sunrise_minute && minute <= learned->sunset_minute
      && !learned->lamp_on && lux > learned->daylight[slot])
    learned->daylight[slot] = (guint16) MIN (lux, 65535.0);
}

/* The sun shines on the sensor: daylight far brighter than a lamp. */
static gboolean
sunlit (const AnbuActivityLearned *learned)
{
  guint brightest = 0;

  for (guint i = 0; i < 48; i++)
    brightest = MAX (brightest, learned->daylight[i]);
  return brightest >= MAX (2000.0, 10.0 * learned->lamp_lux);
}

/* The daylight this sensor has seen around this time of day. */
static double
daylight_near (const AnbuActivityLearned *learned,
               double                     minute)
{
  guint slot = (guint) (minute / 30.0) % 48;

  return MAX (learned->daylight[slot],
              MAX (learned->daylight[(slot + 47) % 48], learned->daylight[(slot + 1) % 48]));
}

static double
timer_loose_spread (const AnbuActivityParams *params)
{
  return MAX (params->timer_max_spread_minutes, TIMER_LOOSE_SPREAD_MINUTES);
}

/* The largest deviation of a slot's run, tenths of a minute (without the
 * flag of a stray pending). */
static guint
timer_slot_spread10 (const AnbuActivityTimerSlot *slot)
{
  return slot->spread10 & ~TIMER_STRAY_PENDING;
}

/* `kept`: a planner marked this plug's pattern a machine's, so a learned
 * timer stays learned however long it goes unseen. */
static gboolean
timer_is_established (const AnbuActivityTimerSlot *slot,
                      const AnbuActivityParams    *params,
                      gint32                       day,
                      gboolean                     kept)
{
  guint spread10 = timer_slot_spread10 (slot);

  if (!kept && day - slot->last_day > TIMER_KEEP_DAYS)
    return FALSE;
  if (spread10 <= params->timer_max_spread_minutes * 10.0)
    return slot->days >= params->timer_min_days;
  return spread10 <= timer_loose_spread (params) * 10.0
         && slot->days >= params->timer_min_days + TIMER_LOOSE_EXTRA_DAYS;
}

/* How far from a slot's minute its timer switches, as learned. */
static double
timer_slot_spread (const AnbuActivityTimerSlot *slot,
                   const AnbuActivityParams    *params)
{
  return MAX (params->timer_max_spread_minutes, timer_slot_spread10 (slot) / 10.0);
}

/* Whether a timer of these slots, learned, switches at this very minute
 * (within its spread), not only near it. */
static gboolean
timer_switches_at (const AnbuActivityTimerSlot *slots,
                   const AnbuActivityParams    *params,
                   gint32                       day,
                   double                       minute,
                   gboolean                     kept)
{
  for (guint i = 0; i < ANBU_ACTIVITY_TIMER_SLOTS; i++)
    {
      double d = fabs (minute - slots[i].minute10 / 10.0);

      d = MIN (d, 1440.0 - d);
      if (slots[i].days > 0 && timer_is_established (&slots[i], params, day, kept)
          && d <= timer_slot_spread (&slots[i], params))
        return TRUE;
    }
  return FALSE;
}

/* A timer slot seen again today, this far from its minute: the running
 * mean of its minute, and its run of days. */
static void
timer_slot_follow (AnbuActivityTimerSlot *slot,
                   gint32                 day,
                   double                 deviation)
{
  guint k = MIN (slot->days, 7);
  double center = slot->minute10 / 10.0 + deviation / (k + 1);

  if (center < 0)
    center += 1440.0;
  else if (center >= 1440.0)
    center -= 1440.0;
  slot->minute10 = (gint16) (center * 10.0);
  slot->days = (guint8) MIN (slot->days + 1, 255);
  slot->last_day = day;
}

/* Notes a step at this minute of the day; TRUE when the same step has
 * recurred at this minute like a timer's. */
static gboolean
timer_observe (AnbuActivityTimerSlot    *slots,
               const AnbuActivityParams *params,
               gint32                    day,
               double                    minute,
               gboolean                  kept)
{
  AnbuActivityTimerSlot *slot = NULL, *victim = NULL;
  double best = params->timer_tolerance_minutes;
  double deviation = 0.0;

  for (guint i = 0; i < ANBU_ACTIVITY_TIMER_SLOTS; i++)
    {
      double d;

      if (slots[i].days == 0)
        continue;
      d = minute - slots[i].minute10 / 10.0;
      if (d > 720.0)
        d -= 1440.0;
      else if (d < -720.0)
        d += 1440.0;
      if (fabs (d) <= best)
        {
          best = fabs (d);
          slot = &slots[i];
          deviation = d;
        }
    }

  if (slot != NULL)
    {
      if (slot->last_day == day)
        return timer_is_established (slot, params, day, kept);
      /* Near a learned timer's minute but off it: still taken for the
       * timer (a person's switch this close cannot be told apart), and
       * the timer stays learned. Within a mechanical pin's play it is the
       * timer's own step: it keeps the timer from being forgotten (a timer
       * learned at once after a power cut, from its first step, switched
       * 2-3 min from that minute every day after and was given up a week
       * later), and its minute follows. */
      if (timer_is_established (slot, params, day, kept)
          && fabs (deviation) > timer_slot_spread (slot, params))
        {
          if (fabs (deviation) <= timer_loose_spread (params))
            timer_slot_follow (slot, day, deviation);
          return TRUE;
        }
      /* A timer switches at its minute; its step is not seen every day (a
       * lamp of the resident's already lit the room, the plug was out), but
       * a long break or a step off the minute (a person's habit strays)
       * starts over. Not a step off the minute the day after the last
       * sighting when the minute itself comes later that day: a timer's,
       * beside a person's switch (the resident whose lamp went on just
       * before the timer's on some evenings kept it from being learned). A
       * person's habit that strayed has no sighting that day. */
      if (fabs (deviation) > timer_loose_spread (params) && day - slot->last_day == 1)
        {
          slot->spread10 |= TIMER_STRAY_PENDING;
          return FALSE;
        }
      if ((day - slot->last_day > TIMER_GAP_DAYS
           && !(kept && timer_is_established (slot, params, day, kept)))
          || fabs (deviation) > timer_loose_spread (params)
          || ((slot->spread10 & TIMER_STRAY_PENDING) && day - slot->last_day > 1))
        {
          slot->days = 1;
          slot->spread10 = 0;
          slot->minute10 = (gint16) (minute * 10.0);
          slot->last_day = day;
          return FALSE;
        }
      timer_slot_follow (slot, day, deviation);
      slot->spread10 = (guint8) MAX (fabs (deviation) * 10.0, timer_slot_spread10 (slot));
      return timer_is_established (slot, params, day, kept);
    }

  /* A new minute. Give up, in this order: a free slot, one that can no
   * longer continue its run, one seen once that did not come back a day
   * later (a timer's would have), the newest of those seen once (people's
   * one-off switching churns there; the older ones still wait for their
   * day: a timer's first switch at 01:30 was given up to the resident's
   * first switch that morning and never learned), the shortest run. */
  for (guint i = 0; i < ANBU_ACTIVITY_TIMER_SLOTS && victim == NULL; i++)
    if (slots[i].days == 0
        || (day - slots[i].last_day > (slots[i].days >= params->timer_min_days ? TIMER_KEEP_DAYS
                                                                              : TIMER_GAP_DAYS)
            && !(kept && timer_is_established (&slots[i], params, day, kept))))
      victim = &slots[i];
  for (guint i = 0; i < ANBU_ACTIVITY_TIMER_SLOTS && victim == NULL; i++)
    if (slots[i].days == 1
        && (day - slots[i].last_day) * 1440.0 + minute - slots[i].minute10 / 10.0
           > 1440.0 + params->timer_tolerance_minutes)
      victim = &slots[i];
  if (victim == NULL)
    for (guint i = 0; i < ANBU_ACTIVITY_TIMER_SLOTS; i++)
      if (slots[i].days == 1
          && (victim == NULL || slots[i].last_day > victim->last_day
              || (slots[i].last_day == victim->last_day && slots[i].minute10 > victim->minute10)))
        victim = &slots[i];
  if (victim == NULL)
    {
      victim = &slots[0];
      for (guint i = 1; i < ANBU_ACTIVITY_TIMER_SLOTS; i++)
        if (slots[i].days < victim->days
            || (slots[i].days == victim->days && slots[i].last_day < victim->last_day))
          victim = &slots[i];
    }
  victim->minute10 = (gint16) (minute * 10.0);
  victim->days = 1;
  victim->spread10 = 0;
  victim->last_day = day;
  return FALSE;
}

/* Minutes from b to a on the clock, -720..720. */
static double
clock_difference (double a,
                  double b)
{
  double d = fmod (a - b, 1440.0);

  if (d > 720.0)
    d -= 1440.0;
  else if (d < -720.0)
    d += 1440.0;
  return d;
}

/* timer_lit: the lamp lit by a timer of one minute, or of random minutes. */
#define TIMER_LIT_AT_MINUTE     1
#define TIMER_LIT_LOOSE         2

/* A timer of random minutes (a "holiday" setting) lights a lamp once a day
 * at a minute of its window, for hours; one day's run and the next may be
 * an hour apart at either end. A person's evening lamp can keep to as
 * loose a window: only this many days in a row, none missed, make one
 * (with 10, a simulated resident's lamp lit within an hour of sunset was
 * taken for one). Only a flat lamp's runs count (a TV's draw follows its
 * picture), lit from standby for 1 to 20 hours (a meal's cooking is
 * shorter), one a day. */
#define LOOSE_TIMER_DAYS        14
#define LOOSE_TIMER_WINDOW      70
#define LOOSE_TIMER_SLACK       15
#define LOOSE_TIMER_MIN_MINUTES 60
/* Its minutes spread over its window, at both ends: a person's lamp, TV or
 * cooker used at their hours within a few minutes every day keeps to them
 * more closely than a timer set to random minutes does. */
#define LOOSE_TIMER_MIN_SPREAD  20
/* Such timers keep a home looking lived in at evening: lit from noon. A
 * person lights a lamp on waking on dark mornings every day, at minutes
 * as loose (2 homes of 11,000 in the evaluation, seeds 2-12). */
#define LOOSE_TIMER_FIRST_MINUTE (12 * 60)
#define LOOSE_TIMER_MAX_MINUTES (20 * 60)

/* Whether `value` lies within `share` of the larger of it and `known`. */
static gboolean
is_alike (double known,
          double value,
          double share)
{
  return known > 0 && fabs (value - known) <= share * MAX (known, value);
}

/* A lamp's level from one day to the next (a lamp's draw holds). */
static gboolean
loose_level_alike (double known,
                   double level)
{
  return is_alike (known, level, 0.15);
}

static gboolean
loose_timer_is_established (const AnbuActivityLearned *learned,
                            gint32                     day,
                            gboolean                   kept)
{
  return learned->loose_days >= LOOSE_TIMER_DAYS
         && learned->loose_on_last - learned->loose_on_first >= LOOSE_TIMER_MIN_SPREAD
         && learned->loose_off_last - learned->loose_off_first >= LOOSE_TIMER_MIN_SPREAD
         && (kept || day - learned->loose_day <= TIMER_KEEP_DAYS);
}

/* Whether [first, last] widened by `minute` still fits the window. */
static gboolean
loose_window_fits (gint16 first,
                   gint16 last,
                   gint   minute)
{
  return MAX (last, minute) - MIN (first, minute) <= LOOSE_TIMER_WINDOW;
}

static gboolean
loose_window_holds (gint16 first,
                    gint16 last,
                    double minute)
{
  return minute >= first - LOOSE_TIMER_SLACK && minute <= last + LOOSE_TIMER_SLACK + 1;
}

/* A step across standby at `minute` of `day`, between standby and `level`:
 * the learned timer of random minutes lighting its lamp (`on`), or putting
 * it out (its off may come after midnight). */
static gboolean
loose_timer_switches (const AnbuActivityLearned *learned,
                      gint32                     day,
                      double                     minute,
                      double                     level,
                      gboolean                   on,
                      gboolean                   kept)
{
  if (!loose_timer_is_established (learned, day, kept)
      || !loose_level_alike (learned->loose_watts, level))
    return FALSE;
  if (on)
    return loose_window_holds (learned->loose_on_first, learned->loose_on_last, minute);
  return loose_window_holds (learned->loose_off_first, learned->loose_off_last, minute)
         || loose_window_holds (learned->loose_off_first, learned->loose_off_last, minute + 1440);
}

/* A step down to standby from `before` at `ts`, ending a run from the last
 * step up from standby: one of a timer of random minutes when it is flat,
 * of its level, as long as a lamp's evening, and at the minutes of the
 * days before. */
static void
loose_timer_observe (AnbuActivityLearned      *learned,
                     const AnbuActivityParams *params,
                     gint64                    ts,
                     double                    before,
                     gboolean                  kept)
{
  gint64 minutes = (ts - learned->cycle_last_on) / 60;
  gint32 day, gap;
  double on_minute;
  gint on, off;
  gboolean learned_now;

  if (learned->cycle_last_on <= 0 || learned->modulated > 0 || learned->readings_broke
      || learned->cycle_repeats >= params->cycle_min_repeats
      || minutes < LOOSE_TIMER_MIN_MINUTES || minutes > LOOSE_TIMER_MAX_MINUTES
      || !loose_level_alike (learned->cycle_on_watts, before))
    return;
  local_time (params, learned->cycle_last_on, &day, &on_minute);
  on = (gint) on_minute;
  off = on + (gint) minutes;
  if (on < LOOSE_TIMER_FIRST_MINUTE)
    return; /* a dark morning's lamp, lit on waking */
  gap = day - learned->loose_day;
  learned_now = loose_timer_is_established (learned, day, kept);
  if (loose_level_alike (learned->loose_watts, before))
    {
      if (gap == 0)
        return; /* one run a day */
      if (gap == 1 || (learned_now && gap > 0))
        {
          if (loose_window_fits (learned->loose_on_first, learned->loose_on_last, on)
              && loose_window_fits (learned->loose_off_first, learned->loose_off_last, off))
            {
              learned->loose_on_first = (gint16) MIN (learned->loose_on_first, on);
              learned->loose_on_last = (gint16) MAX (learned->loose_on_last, on);
              learned->loose_off_first = (gint16) MIN (learned->loose_off_first, off);
              learned->loose_off_last = (gint16) MAX (learned->loose_off_last, off);
              learned->loose_days = (guint8) MIN (learned->loose_days + (gap == 1 ? 1 : 0), 255);
              learned->loose_day = day;
            }
          /* Else another run of the lamp (a person's): the window's may
           * still come today. */
          return;
        }
    }
  else if (learned_now)
    return; /* another appliance's run beside the learned timer */
  learned->loose_watts = (float) before;
  learned->loose_on_first = learned->loose_on_last = (gint16) on;
  learned->loose_off_first = learned->loose_off_last = (gint16) off;
  learned->loose_days = 1;
  learned->loose_day = day;
}

/* A mechanical timer stops while the power is cut, and switches that much
 * later every day after. The readings' break (the plug cut off with it)
 * tells by how much: a step at a learned timer's minute plus the break is
 * that timer's, learned at its new minute at once, within a week of the
 * break. Its old minute stays learned (a timer with a battery keeps it). */
#define TIMER_SHIFT_TOLERANCE_MINUTES 3.0

/* What the breaks of this week may have shifted a timer by, minutes: the
 * last, the one before (the last was the network's alone: the timer ran
 * on), both (two cuts before its next switch). */
static guint
timer_break_shifts (const AnbuActivityLearned *learned,
                    gint32                     day,
                    double                    *shifts)
{
  guint n = 0;

  if (learned->break_minutes <= 0 || day - learned->break_day > TIMER_KEEP_DAYS)
    return 0;
  shifts[n++] = learned->break_minutes;
  if (learned->previous_break_minutes > 0
      && day - (learned->break_day - learned->previous_break_days) <= TIMER_KEEP_DAYS)
    {
      shifts[n++] = learned->previous_break_minutes;
      shifts[n++] = fmod (learned->break_minutes + learned->previous_break_minutes, 1440.0);
    }
  return n;
}

static gboolean
timer_observe_after_break (AnbuActivityLearned      *learned,
                           AnbuActivityTimerSlot    *slots,
                           const AnbuActivityParams *params,
                           gint32                    day,
                           double                    minute,
                           gboolean                  kept)
{
  gboolean shifted = FALSE;
  double shifts[3];
  guint n_shifts;

  if (timer_observe (slots, params, day, minute, kept))
    return TRUE;
  n_shifts = timer_break_shifts (learned, day, shifts);
  for (guint i = 0; i < ANBU_ACTIVITY_TIMER_SLOTS && !shifted; i++)
    for (guint k = 0; k < n_shifts && !shifted; k++)
      shifted = slots[i].days > 0 && slots[i].last_day < day
                && timer_is_established (&slots[i], params, day, kept)
                && fabs (clock_difference (minute - shifts[k], slots[i].minute10 / 10.0))
                   <= TIMER_SHIFT_TOLERANCE_MINUTES;
  if (!shifted)
    return FALSE;
  /* The slot timer_observe just noted this step in. */
  for (guint i = 0; i < ANBU_ACTIVITY_TIMER_SLOTS; i++)
    if (slots[i].last_day == day
        && fabs (clock_difference (minute, slots[i].minute10 / 10.0))
           <= timer_loose_spread (params))
      {
        slots[i].days = (guint8) MAX (slots[i].days, params->timer_min_days);
        return TRUE;
      }
  return FALSE;
}

/* A lamp switched by its own light sensor (above): the windows around
 * sunset and sunrise its steps are looked for in, how far its times may
 * stray while it is learned and once it is, minutes. */
#define SUN_LAMP_DUSK_FROM  (-20)
#define SUN_LAMP_DUSK_TO    120
#define SUN_LAMP_DAWN_FROM  (-120)
#define SUN_LAMP_DAWN_TO    20
#define SUN_LAMP_SPREAD     15.0
#define SUN_LAMP_TOLERANCE  20.0
#define SUN_LAMP_NIGHTS     4
/* A night light never seen switching (the room's lamp, lit before dusk or
 * put out after dawn every day, hides its step): its minutes from sunset
 * or sunrise, unknown. */
#define SUN_LAMP_UNSEEN G_MININT16
/* A night light is hidden for weeks on end by a room lit from dusk (the
 * resident's lamp, lit earlier as the days shorten): learned, it is kept
 * this long unseen, so that it is known when the room stays dark. */
#define SUN_LAMP_KEEP_DAYS  30

/* Steps of one thing (a step class, a duty cycle, a sun lamp): within 30 %
 * of a known size (0: none known). */
static gboolean
is_same_size (double known,
              double magnitude)
{
  return is_alike (known, magnitude, 0.3);
}

static gboolean
sun_lamp_is_established (const AnbuActivityLearned *learned,
                         gint32                     day,
                         gboolean                   kept)
{
  return learned->sun_lamp_nights >= SUN_LAMP_NIGHTS
         && (kept || day - learned->sun_lamp_day <= SUN_LAMP_KEEP_DAYS);
}

/* Whether a step this many minutes from sunset or sunrise is at the sun
 * lamp's time there (tenths of a minute; any time when never seen). */
static gboolean
sun_lamp_time_near (gint16 learned10,
                    double offset,
                    double tolerance)
{
  return learned10 == SUN_LAMP_UNSEEN || fabs (offset - learned10 / 10.0) <= tolerance;
}

/* Whether a night's time of the sun lamp (tenths of a minute) agrees with
 * its learned time; a time not seen that night agrees with any. */
static gboolean
sun_lamp_night_agrees (gint16 learned10,
                       gint16 night10)
{
  return night10 == SUN_LAMP_UNSEEN
         || sun_lamp_time_near (learned10, night10 / 10.0, SUN_LAMP_SPREAD);
}

/* A night's time of the sun lamp (tenths of a minute, or unseen) into its
 * learned time, the running mean of the k nights before. */
static void
sun_lamp_time_follow (gint16 *learned10,
                      gint16  night10,
                      guint   k)
{
  if (night10 == SUN_LAMP_UNSEEN)
    return;
  if (*learned10 == SUN_LAMP_UNSEEN)
    *learned10 = night10;
  else
    *learned10 += (gint16) lround ((night10 - *learned10) / (double) (k + 1));
}

/* Notes a light step (any abrupt change: the lamp's step is learned also
 * where the room's other light hides it); TRUE when it is the learned sun
 * lamp's. A night's pair is its step up after one sunset and its step down
 * before the next sunrise, of one size. Where the room's lamp hides its
 * step up, the room left lit by it in the night, when the lamp is put out,
 * stands for it; where it hides its step down, the room's lamp put out at
 * dawn leaving the room darker than it does. */
static gboolean
sun_lamp_observe (AnbuActivityLearned      *learned,
                  const AnbuActivityParams *params,
                  gint32                    day,
                  double                    minute,
                  gboolean                  up,
                  double                    magnitude,
                  double                    after,
                  gboolean                  kept)
{
  gboolean established = sun_lamp_is_established (learned, day, kept);
  gboolean own_step;
  double offset;
  guint k;

  update_sun (learned, params, day);
  if (up)
    {
      offset = minute - learned->sunset_minute;
      if (offset < SUN_LAMP_DUSK_FROM || offset > SUN_LAMP_DUSK_TO)
        return FALSE;
      /* The evening's first light, or one nearer the learned lamp's size
       * after it (the night light after the room's lamp, not the room's
       * lamp after the night light). */
      if (learned->dusk_day != day
          || (learned->sun_lamp_nights > 0 && is_same_size (learned->sun_lamp_lux, magnitude)
              && fabs (magnitude - learned->sun_lamp_lux)
                 < fabs (learned->dusk_lux - learned->sun_lamp_lux)))
        {
          learned->dusk_day = day;
          learned->dusk_offset10 = (gint16) lround (offset * 10.0);
          learned->dusk_lux = (float) magnitude;
        }
      return established && is_same_size (learned->sun_lamp_lux, magnitude)
             && sun_lamp_time_near (learned->sun_lamp_dusk10, offset, SUN_LAMP_TOLERANCE);
    }
  offset = minute - learned->sunrise_minute;
  if (offset < SUN_LAMP_DAWN_FROM || offset > SUN_LAMP_DAWN_TO)
    {
      gint32 evening = minute >= 720.0 ? day : day - 1;
      gboolean night = minute >= learned->sunset_minute + SUN_LAMP_DUSK_TO
                       || minute < learned->sunrise_minute + SUN_LAMP_DAWN_FROM;

      /* The room left lit in the dark of the night when a lamp is put
       * out, by a light other than the one seen at dusk: lit unseen this
       * evening (under the room's lamp), it stands for the dusk's light. */
      if (night && after >= params->light_min_step_lux
          && !(learned->dusk_day == evening && is_same_size (learned->dusk_lux, after)))
        {
          learned->dusk_day = evening;
          learned->dusk_lux = (float) after;
          learned->dusk_offset10 = SUN_LAMP_UNSEEN;
        }
      /* The room left darker in the night (at bedtime) than the lamp lit
       * at dusk would leave it: that lamp is not on, a person's. (Another
       * lamp put out beside it, of any size, the room still lit as by it,
       * leaves it on.) */
      else if (learned->dusk_lux > 0 && after < 0.5 * learned->dusk_lux)
        learned->dusk_day = 0;
      return FALSE;
    }
  /* The dusk's light out at dawn: its own step, or with the room's lamp
   * put out, the room left darker than that light alone makes it. */
  own_step = is_same_size (learned->dusk_lux, magnitude);
  if (learned->dusk_day == day - 1 && learned->sun_lamp_day != day
      && (own_step || (magnitude > learned->dusk_lux && after < 0.5 * learned->dusk_lux)))
    {
      double size = own_step ? magnitude : learned->dusk_lux;
      gint16 dusk10 = learned->dusk_offset10;
      gint16 dawn10 = own_step ? (gint16) lround (offset * 10.0) : SUN_LAMP_UNSEEN;

      if (learned->sun_lamp_nights > 0
          && (established || day - learned->sun_lamp_day <= TIMER_GAP_DAYS)
          && is_same_size (learned->sun_lamp_lux, size)
          && sun_lamp_night_agrees (learned->sun_lamp_dusk10, dusk10)
          && sun_lamp_night_agrees (learned->sun_lamp_dawn10, dawn10))
        {
          /* Running means: the lamp's sensor and the seasons move them. */
          k = MIN (learned->sun_lamp_nights, 7);
          sun_lamp_time_follow (&learned->sun_lamp_dusk10, dusk10, k);
          sun_lamp_time_follow (&learned->sun_lamp_dawn10, dawn10, k);
          learned->sun_lamp_lux += (float) ((size - learned->sun_lamp_lux) / (k + 1));
          learned->sun_lamp_nights = (guint8) MIN (learned->sun_lamp_nights + 1, 255);
          learned->sun_lamp_day = day;
        }
      else if (!established)
        {
          /* A learned lamp outlives a night that strays (a person's own
           * switching then); one not yet learned starts over. */
          learned->sun_lamp_dusk10 = dusk10;
          learned->sun_lamp_dawn10 = dawn10;
          learned->sun_lamp_lux = (float) size;
          learned->sun_lamp_nights = 1;
          learned->sun_lamp_day = day;
        }
    }
  return established && is_same_size (learned->sun_lamp_lux, magnitude)
         && sun_lamp_time_near (learned->sun_lamp_dawn10, offset, SUN_LAMP_TOLERANCE);
}

/* Step classes (AnbuActivityStepClass): a day of two-hour bins. */
#define STEP_BIN_SECONDS 7200
/* A standby device's wake-up in the minute of a small machine's step (an
 * air purifier's 11 W) moves it by a few watts, a third of its size: power
 * steps this close are one size whatever their ratio. */
#define STEP_NOISE_W 4.0
/* A person switches a thing a few times a day, in waking hours: a class
 * with this many steps over the last day, in this many of its two-hour
 * bins (16 hours), this many of them in the dead of the night, is a
 * machine's (a thermostat or a fridge of irregular period, an air
 * purifier's fan, a mat's heating). A kettle boiled eight times a day
 * from waking to bed is a person's: the night tells. A regular duty cycle
 * is learned as one before (classify_power); this takes the machines whose
 * steps keep no period. Once judged, a power size stays a machine's while it
 * steps at all (a fan's quiet day, a mat's steps hidden on top of a TV
 * left on): it goes back to a person's only after a day of fewer steps
 * than these, and once the week no longer saw it round the clock (in
 * WEEK_STAY_BINS of the day's bins, below): a fan unseen for days under a
 * TV left on, or a mat its thermostat rested on a warm day, is the same
 * machine when it shows again. */
#define RESTLESS_DAY_STEPS  12
#define RESTLESS_DAY_BINS   8
#define RESTLESS_NIGHT_BINS 2
#define RESTLESS_STAY_STEPS 4
#define RESTLESS_STAY_BINS  2
/* A machine that switches only a few times a day (a fridge's defrost heater
 * every 8-12 hours) never fills a day. Its runs of steps (those within an
 * hour of the run's first) come SLOW_GAP_MIN to SLOW_GAP_MAX hours apart time
 * after time, so their hours wander round the clock: a class with SLOW_RUNS
 * such gaps more than it had runs too soon (each costs SLOW_EXTRA_COST),
 * seen over the last WEEK_DAYS days in WEEK_BINS of the day's two-hour
 * bins, WEEK_NIGHT_BINS of them in the dead of the night, is a machine's.
 * A person who uses a thing at all hours does so at uneven gaps; one who
 * keeps to a morning and an evening keeps to their hours. A gap counts
 * only after a run that ended switched off: a TV on from 19:00 to 01:00 is
 * one use, not two runs. A gap up to twice the longest takes 1 off
 * rather than starting again: a run the load beside it hid (a heater's
 * step under a TV is too small a part to show) is not proof the machine
 * stopped, but a person's day of long and short gaps does not add up. The
 * count stops at SLOW_RUNS_KEPT, so that a few runs too soon undo it.
 * Once judged, it stays a machine's by the restless rule's week (above),
 * over WEEK_STAY_BINS bins: a heater whose period comes near half a day
 * wanders round the clock more slowly. */
#define SLOW_RUN_MINUTES 60
/* A run switched on and off within this many minutes is a boil or a
 * reheat, a person's, and left out of the gaps: a defrost heater heats 20
 * minutes and more. (A run seen only switching off, from the compressor's
 * step, may be either.) AnbuActivityStepClass.run_flags: */
#define SLOW_RUN_BRIEF_MINUTES 10
#define RUN_ENDED_OFF    1
#define RUN_STARTED_ON   2
#define RUN_BRIEF        4
#define ANCHOR_SET       8
#define ANCHOR_ENDED_OFF 16
/* A run switched on and left on past the hour (a TV watched all evening)
 * is a use, not a run: it and the run that switches it off are left out of
 * the gaps, so that a person's sessions beside a defrost heater of their
 * TV's size neither count nor break its runs. */
#define SESSION_OPEN     32
/* A step up of the class's size held back (power_held_ts) went on past
 * a run of the machine: a person's appliance of its size is on, and its
 * step down is theirs too. */
#define PERSON_ON        64
/* How long a step up of a slow machine's size is held back: a defrost
 * heater's run ends within it (its thermostat or its timer stops it within
 * half an hour or so). */
#define POWER_HOLD_MINUTES 45
#define SLOW_GAP_MIN     (6 * 60)
#define SLOW_GAP_MAX     (16 * 60)
#define SLOW_RUNS        6
#define SLOW_RUNS_KEPT   12
#define SLOW_EXTRA_COST  2
#define WEEK_DAYS        7
#define WEEK_BINS        8
#define WEEK_STAY_BINS   6
#define WEEK_NIGHT_BINS  1
/* A machine whose steps show only at night (an air purifier's fan under a
 * TV left on all day) never fills a day either: a size stepping this many
 * times between 00:00 and 04:00 on this many nights is a machine's; a
 * night of fewer steps halves the nights counted. A person asleep does
 * not switch one thing four times in the dead of the night, night after
 * night. Power steps only: a lamp lit for the toilet is a person's. */
#define BUSY_NIGHT_STEPS 4
#define BUSY_NIGHTS      3
/* Nobody switches lamps this often within two to four hours: a screen
 * lighting the sensor does, from the moment it is left on in the dark. */
#define FLICKER_STEPS 8
/* A screen seen within this many days is taken for one again, in light
 * steps up to this many times the size of its own (not a lamp's). */
#define SCREEN_DAYS       30
#define SCREEN_STEP_RATIO 2.0
/* A screen the plug has not seen (or not this month) lights the sensor
 * from dusk while its appliance is on, and its first steps would count
 * until there are FLICKER_STEPS of them: a small light step while the
 * appliance is on is held back this long, and dropped as the screen's when
 * HOLD_MORE_STEPS more come meanwhile; else it counts, with the time of the
 * last of them (a dim lamp switched beside the TV, reported up to an hour
 * and a half late). Small: up to SCREEN_STEP_RATIO times a known screen's
 * steps, else HOLD_MAX_LUX. */
#define HOLD_SECONDS    (90 * 60)
#define HOLD_MORE_STEPS 2
#define HOLD_MAX_LUX    60.0
/* A lamp's steps are alike within this ratio, a screen's are seldom. */
#define HOLD_ALIKE      1.1
/* A dim screen's picture crosses the step rule only now and then, while
 * its light keeps changing below it: in the dark, a change of at least
 * this share of a step and this ratio counts towards a hold as the
 * flicker it is. A lamp between its switches holds its level. */
#define FLICKER_STEP_SHARE 0.25
#define FLICKER_RATIO      2.0

/* Nobody knows any more what a person has on (PERSON_ON): a break
 * in the readings, a reseeded or replaced detector. Losing a person's step
 * down is the safe side; a machine's counted would hide a silence. */
static void
forget_person_on (AnbuActivityLearned *learned)
{
  for (guint i = 0; i < ANBU_ACTIVITY_STEP_CLASSES; i++)
    learned->classes[0][i].run_flags &= (guint8) ~PERSON_ON;
}

void
anbu_activity_detector_drop_held (AnbuActivityDetector *detector)
{
  g_return_if_fail (detector != NULL);

  detector->learned.dip_ts = 0;
  detector->learned.held_first_ts = 0;
  detector->learned.power_held = FALSE;
  detector->learned.wake_up_ts = 0;
  detector->learned.wake_held_ts = 0;
  detector->learned.restart_down_ts = 0;
  detector->learned.restart_held_ts = 0;
  forget_person_on (&detector->learned);
}

/* A screen lit the sensor today: remembered, with the size of its steps
 * (a running mean). */
static void
note_screen (AnbuActivityLearned *learned,
             gint32               day,
             double               magnitude)
{
  learned->screen_day = day;
  learned->screen_lux = learned->screen_lux > 0
                        ? (float) (learned->screen_lux + 0.1 * (magnitude - learned->screen_lux))
                        : (float) magnitude;
}

static guint
step_class_day_count (const AnbuActivityStepClass *klass,
                      guint                       *bins)
{
  guint n = 0;

  *bins = 0;
  for (guint i = 0; i < ANBU_ACTIVITY_STEP_BINS; i++)
    {
      n += klass->counts[i];
      *bins += klass->counts[i] > 0;
    }
  return n;
}

/* Moves the class's day on to `bin`, forgetting the bins that fell out, and
 * its week by the days that passed. */
static void
step_class_roll (AnbuActivityStepClass *klass,
                 gint32                 bin)
{
  gint32 elapsed = bin - klass->bin;
  gint32 days = bin / ANBU_ACTIVITY_STEP_BINS - klass->bin / ANBU_ACTIVITY_STEP_BINS;

  for (gint32 b = 1; b <= MIN (elapsed, ANBU_ACTIVITY_STEP_BINS); b++)
    klass->counts[(klass->bin + b) % ANBU_ACTIVITY_STEP_BINS] = 0;
  for (guint b = 0; days > 0 && b < ANBU_ACTIVITY_STEP_BINS; b++)
    klass->ages[b] = (guint8) MIN ((gint32) klass->ages[b] + days, 255);
  if (elapsed > 0)
    klass->bin = bin;
}

/* Whether the two-hour bin `b` of the UTC day (0-11) lies in the dead of
 * the night: its middle between 00:00 and 05:00 local time. */
static gboolean
is_night_bin (gint32 b,
              gint   utc_offset_seconds)
{
  gint64 middle = (gint64) b * STEP_BIN_SECONDS + STEP_BIN_SECONDS / 2 + utc_offset_seconds;

  /* Seconds into the local day, also west of Greenwich. */
  return ((middle % 86400) + 86400) % 86400 / 3600 < 5;
}

/* Whether the class stepped over the last week round the clock: in
 * `week_bins` of the day's two-hour bins, WEEK_NIGHT_BINS of them in the
 * dead of the night. */
static gboolean
steps_round_the_week (const AnbuActivityStepClass *klass,
                      gint                         utc_offset_seconds,
                      guint                        week_bins)
{
  guint bins = 0, night = 0;

  for (gint32 b = 0; b < ANBU_ACTIVITY_STEP_BINS; b++)
    if (klass->ages[b] < WEEK_DAYS)
      {
        bins++;
        night += is_night_bin (b, utc_offset_seconds);
      }
  return bins >= week_bins && night >= WEEK_NIGHT_BINS;
}

/* The slow machine's rule (above), over `week_bins` of the week's bins. */
static gboolean
is_slow_machine (const AnbuActivityStepClass *klass,
                 gint                         utc_offset_seconds,
                 guint                        week_bins)
{
  return klass->slow_runs >= SLOW_RUNS
         && steps_round_the_week (klass, utc_offset_seconds, week_bins);
}

static AnbuActivityStepClass *
step_class_for (AnbuActivityStepClass *classes,
                double                 magnitude,
                double                 slack,
                gint32                 bin)
{
  AnbuActivityStepClass *victim = NULL;
  guint victim_count = G_MAXUINT;

  for (guint i = 0; i < ANBU_ACTIVITY_STEP_CLASSES; i++)
    if (classes[i].magnitude > 0)
      step_class_roll (&classes[i], bin);
  /* Power: a machine's size first, the nearest: a step of about its size,
   * moved by a standby device's few watts, is the machine's, not a size of
   * its own. */
  if (slack > 0)
    {
      AnbuActivityStepClass *nearest = NULL;

      for (guint i = 0; i < ANBU_ACTIVITY_STEP_CLASSES; i++)
        if (classes[i].restless && classes[i].magnitude > 0
            && (is_same_size (classes[i].magnitude, magnitude)
                || fabs (classes[i].magnitude - magnitude) <= slack)
            && (nearest == NULL
                || fabs (classes[i].magnitude - magnitude) < fabs (nearest->magnitude - magnitude)))
          nearest = &classes[i];
      if (nearest != NULL)
        return nearest;
    }
  for (guint i = 0; i < ANBU_ACTIVITY_STEP_CLASSES; i++)
    {
      AnbuActivityStepClass *klass = &classes[i];
      guint count, bins;

      if (is_same_size (klass->magnitude, magnitude))
        return klass;
      count = klass->magnitude > 0 ? step_class_day_count (klass, &bins) : 0;
      /* A machine's class outlives a person's: a defrost heater steps
       * seldom, and forgotten it would count again. */
      if (klass->restless)
        count += 256;
      if (count < victim_count)
        {
          victim = klass;
          victim_count = count;
        }
    }
  memset (victim, 0, sizeof *victim);
  memset (victim->ages, 255, sizeof victim->ages);
  victim->magnitude = (float) magnitude;
  victim->bin = bin;
  return victim;
}

/* Two-hour bins of the class's last day with a step in the dead of the
 * night (the bin's middle between 00:00 and 05:00 local time). */
static guint
step_class_night_bins (const AnbuActivityStepClass *klass,
                       gint                         utc_offset_seconds)
{
  guint n = 0;

  for (gint32 b = 0; b < ANBU_ACTIVITY_STEP_BINS; b++)
    n += klass->counts[b] > 0 && is_night_bin (b, utc_offset_seconds);
  return n;
}

/* For the planner: the class's steps in the day before `now`, 0 when it
 * is not (or no longer) judged a machine's. Its flag and counts change only
 * with its own steps: a machine unplugged a week ago is still flagged. */
static guint
restless_steps_now (const AnbuActivityStepClass *klass,
                    gint64                       now)
{
  gint32 now_bin = (gint32) (now / STEP_BIN_SECONDS);
  guint n = 0;

  if (!klass->restless)
    return 0;
  for (gint32 k = 0; k < ANBU_ACTIVITY_STEP_BINS; k++)
    {
      gint32 bin = klass->bin - k;

      if (bin > now_bin - ANBU_ACTIVITY_STEP_BINS)
        n += klass->counts[bin % ANBU_ACTIVITY_STEP_BINS];
    }
  return n >= RESTLESS_STAY_STEPS ? n : 0;
}

/* For the planner: whether the class is a slow machine's (the week rule)
 * that stepped within its longest gap before `now`. */
static gboolean
slow_machine_now (const AnbuActivityStepClass *klass,
                  const AnbuActivityParams    *params,
                  gint64                       now)
{
  return klass->restless && is_slow_machine (klass, params->utc_offset_seconds, WEEK_STAY_BINS)
         && now / 60 - klass->run_minute <= SLOW_GAP_MAX;
}

/* The busy nights as of `minute` of local `day`: the nights whose dead
 * hours passed without any of the class's steps since its newest count
 * each halve them (a mat paused over a night and switched on again is
 * a person's act). */
static guint
busy_nights_now (const AnbuActivityStepClass *klass,
                 gint32                       day,
                 gint64                       minute)
{
  gint32 quiet = day - klass->night - (minute >= 240 ? 0 : 1);
  guint busy = klass->busy_nights;

  if (klass->night == day)
    return busy + (klass->night_steps >= BUSY_NIGHT_STEPS);
  if (klass->night_steps >= BUSY_NIGHT_STEPS)
    busy = MIN (busy + 1, BUSY_NIGHTS + 1);
  else
    busy /= 2;
  return busy >> MIN (MAX (quiet, 0), 8);
}

/* Many steps a day round the clock, or night after night: a machine's
 * by the day's and the nights' rules (above), whatever it was judged by. */
static gboolean
is_busy_machine (const AnbuActivityStepClass *klass,
                 const AnbuActivityParams    *params,
                 gint32                       local_day,
                 gint64                       local_minute)
{
  guint bins, day = step_class_day_count (klass, &bins);

  return busy_nights_now (klass, local_day, local_minute) >= BUSY_NIGHTS
         || (day >= RESTLESS_DAY_STEPS && bins >= RESTLESS_DAY_BINS
             && step_class_night_bins (klass, params->utc_offset_seconds) >= RESTLESS_NIGHT_BINS);
}

/* A machine of three levels or more (an air purifier's fan: sleep, low,
 * high) steps between each two: the step from the lowest to the highest,
 * seldom, is the sum of two of its steps, judged a machine's by their
 * number. TRUE when a power step of this size is such a sum of two other
 * sizes (not a slow machine's: a fridge's compressor and its defrost
 * heater are two machines, and their sum may be a TV's). */
static gboolean
is_sum_of_restless (const AnbuActivityLearned   *learned,
                    const AnbuActivityParams    *params,
                    const AnbuActivityStepClass *klass,
                    double                       magnitude)
{
  const AnbuActivityStepClass *classes = learned->classes[0];

  for (guint i = 0; i < ANBU_ACTIVITY_STEP_CLASSES; i++)
    for (guint j = i + 1; j < ANBU_ACTIVITY_STEP_CLASSES; j++)
      if (&classes[i] != klass && &classes[j] != klass && classes[i].restless
          && classes[j].restless && classes[i].magnitude > 0 && classes[j].magnitude > 0
          && fabs (classes[i].magnitude + classes[j].magnitude - magnitude)
             <= MAX (STEP_NOISE_W, 0.1 * magnitude)
          && !is_slow_machine (&classes[i], params->utc_offset_seconds, WEEK_STAY_BINS)
          && !is_slow_machine (&classes[j], params->utc_offset_seconds, WEEK_STAY_BINS))
        return TRUE;
  return FALSE;
}

/* Whether the class's steps are a machine's (above), by its counts as of
 * its last step, at `minute` of local `day`. */
static gboolean
is_restless (const AnbuActivityStepClass *klass,
             const AnbuActivityParams    *params,
             guint                        channel,
             gint32                       local_day,
             gint64                       local_minute)
{
  guint bins, day = step_class_day_count (klass, &bins);

  if (klass->magnitude <= 0)
    return FALSE;
  if (channel == 0 && is_slow_machine (klass, params->utc_offset_seconds, WEEK_BINS))
    return TRUE;
  if (is_busy_machine (klass, params, local_day, local_minute))
    return TRUE;
  /* Power: once judged, a size stays a machine's (above). Light: a screen
   * is remembered apart (screen_day), and a lamp switched 4-6 times a day
   * the days after the TV lit the sensor is the resident's. */
  return klass->restless && channel == 0
         && ((day >= RESTLESS_STAY_STEPS && bins >= RESTLESS_STAY_BINS)
             || steps_round_the_week (klass, params->utc_offset_seconds, WEEK_STAY_BINS));
}

/* Steps of a channel, of any size, in the current and the previous
 * two-hour bin (the classes rolled on to `bin`). */
static guint
recent_steps (const AnbuActivityStepClass *classes,
              gint32                       bin)
{
  guint n = 0;

  for (guint i = 0; i < ANBU_ACTIVITY_STEP_CLASSES; i++)
    if (classes[i].magnitude > 0)
      n += classes[i].counts[bin % ANBU_ACTIVITY_STEP_BINS]
           + classes[i].counts[(bin + ANBU_ACTIVITY_STEP_BINS - 1) % ANBU_ACTIVITY_STEP_BINS];
  return n;
}

/* The readings broke off from `from` to `to`: time nobody observed is no
 * evidence that a machine went quiet, so the classes' days skip it (after a
 * day's power cut the mat is still a machine). */
static void
step_classes_skip (AnbuActivityLearned *learned,
                   gint64               from,
                   gint64               to)
{
  gint32 skipped = (gint32) (to / STEP_BIN_SECONDS - from / STEP_BIN_SECONDS);

  for (guint c = 0; c < 2; c++)
    for (guint i = 0; i < ANBU_ACTIVITY_STEP_CLASSES; i++)
      {
        AnbuActivityStepClass *klass = &learned->classes[c][i];
        guint8 counts[ANBU_ACTIVITY_STEP_BINS];

        if (klass->magnitude <= 0)
          continue;
        if (klass->run_minute != 0)
          klass->run_minute += (gint32) ((to - from) / 60);
        if (skipped <= 0)
          continue;
        /* Move the day on without emptying it: each count to its bin's new
         * slot. */
        for (guint b = 0; b < ANBU_ACTIVITY_STEP_BINS; b++)
          counts[(b + (guint) skipped) % ANBU_ACTIVITY_STEP_BINS] = klass->counts[b];
        memcpy (klass->counts, counts, sizeof counts);
        klass->bin += skipped;
      }
}

/* The slow machine's score after a gap of `gap` minutes from a run that
 * ended switched off or not (above). */
static guint8
slow_score_after_gap (guint8   score,
                      gint64   gap,
                      gboolean anchor_ended_off)
{
  if (gap > 2 * SLOW_GAP_MAX)
    return 0;
  if (gap > SLOW_GAP_MAX)
    /* A run hidden (a heater's step under the TV) is not proof the
     * machine stopped; a person's long gaps among short ones take off. */
    return (guint8) MAX ((gint) score - 1, 0);
  if (gap >= SLOW_GAP_MIN)
    return anchor_ended_off ? (guint8) MIN (score + 1, SLOW_RUNS_KEPT) : score;
  return (guint8) MAX ((gint) score - SLOW_EXTRA_COST, 0);
}

/* Scores the gap from the anchor (the last run not brief) to the run
 * that just closed, and makes that run the anchor unless it was brief.
 * With no anchor (the class's first run, or a detector stored before
 * there were anchors) the score stays as it is. */
static void
slow_run_close (AnbuActivityStepClass *klass)
{
  if (klass->run_flags & RUN_BRIEF)
    return;
  if ((klass->run_flags & RUN_STARTED_ON) && !(klass->run_flags & RUN_ENDED_OFF))
    {
      klass->run_flags |= SESSION_OPEN;
      return;
    }
  if (klass->run_flags & SESSION_OPEN)
    {
      klass->run_flags &= (guint8) ~SESSION_OPEN;
      if (!(klass->run_flags & RUN_STARTED_ON))
        return;
    }
  if (klass->run_flags & ANCHOR_SET)
    klass->slow_runs = slow_score_after_gap (klass->slow_runs, klass->anchor_gap,
                                             (klass->run_flags & ANCHOR_ENDED_OFF) != 0);
  klass->run_flags = (guint8) ((klass->run_flags & ~ANCHOR_ENDED_OFF) | ANCHOR_SET
                               | ((klass->run_flags & RUN_ENDED_OFF) ? ANCHOR_ENDED_OFF : 0));
  klass->anchor_gap = 0;
}

/* The slow machine's runs (above): a step within the hour of its run's
 * first belongs to that run; one later closes it and starts the next. */
static void
slow_runs_observe (AnbuActivityStepClass *klass,
                   gint64                 minutes,
                   double                 step)
{
  gint64 since = minutes - klass->run_minute;

  if (klass->run_minute != 0 && since < SLOW_RUN_MINUTES)
    {
      if (step < 0 && (klass->run_flags & RUN_STARTED_ON) && since < SLOW_RUN_BRIEF_MINUTES)
        klass->run_flags |= RUN_BRIEF;
    }
  else
    {
      if (klass->run_minute != 0)
        {
          slow_run_close (klass);
          klass->anchor_gap = (guint16) MIN ((gint64) klass->anchor_gap + since, G_MAXUINT16);
        }
      klass->run_minute = (gint32) minutes;
      klass->run_flags &= (guint8) (ANCHOR_SET | ANCHOR_ENDED_OFF | SESSION_OPEN | PERSON_ON);
      if (step > 0)
        klass->run_flags |= RUN_STARTED_ON;
    }
  klass->run_flags = (guint8) ((klass->run_flags & ~RUN_ENDED_OFF) | (step < 0 ? RUN_ENDED_OFF : 0));
}

/* Records a step of this size on this channel; TRUE when its class is a
 * machine's. */
static gboolean
step_class_observe (AnbuActivityLearned      *learned,
                    const AnbuActivityParams *params,
                    guint                     channel,
                    gint64                    ts,
                    gint32                    day,
                    double                    step,
                    AnbuActivityStepClass   **klass_out)
{
  double magnitude = fabs (step);
  gint32 bin = (gint32) (ts / STEP_BIN_SECONDS);
  gint64 minutes = ts / 60;
  gint64 night_minute = (ts + params->utc_offset_seconds - (gint64) day * 86400) / 60;
  AnbuActivityStepClass *klass = step_class_for (learned->classes[channel], magnitude,
                                                 channel == 0 ? STEP_NOISE_W : 0.0, bin);

  if (klass->counts[bin % ANBU_ACTIVITY_STEP_BINS] < 255)
    klass->counts[bin % ANBU_ACTIVITY_STEP_BINS]++;
  klass->ages[bin % ANBU_ACTIVITY_STEP_BINS] = 0;
  if (channel == 0 && night_minute < 240)
    {
      if (klass->night != day)
        {
          /* The last night with steps is over: busy or not; a night
           * without any since was not. */
          klass->busy_nights = (guint8) busy_nights_now (klass, day, 0);
          klass->night = day;
          klass->night_steps = 0;
        }
      klass->night_steps = (guint8) MIN (klass->night_steps + 1, 255);
    }
  /* Power only: nothing lights a room every 6-16 hours but the sun and
   * the night light (sun_lamp_observe), and a person's lamp keeps such
   * hours. */
  if (channel == 0)
    slow_runs_observe (klass, minutes, step);
  /* The size is learned slowly: a machine's steps stray a little. */
  klass->magnitude += (float) (0.1 * (magnitude - klass->magnitude));
  klass->restless = is_restless (klass, params, channel, day, night_minute);
  if (klass_out != NULL)
    *klass_out = klass;
  /* A screen's light steps differ in size with the picture: counted
   * together, and remembered by the local day. */
  if (channel == 1 && recent_steps (learned->classes[1], bin) >= FLICKER_STEPS)
    {
      klass->restless = TRUE;
      note_screen (learned, day, magnitude);
    }
  return klass->restless;
}

static double
night_lux (const AnbuActivityLearned *learned)
{
  return MIN (learned->dark_today, learned->dark_yesterday);
}

/* A duty cycle is learned: its machine's draw above standby, else 0. */
static double
cycle_step_watts (const AnbuActivityLearned *learned,
                  const AnbuActivityParams  *params)
{
  double step;

  if (learned->cycle_repeats < params->cycle_min_repeats || learned->cycle_period <= 0)
    return 0.0;
  step = learned->cycle_on_watts - MAX (learned->standby_watts, 0.0);
  return step >= params->power_min_step_w ? step : 0.0;
}

/* Whether a power step is the learned cycle's own (its size). */
static gboolean
is_cycle_sized (double cycle,
                double step)
{
  return is_same_size (cycle, fabs (step));
}

/* An appliance that switches itself off changed its draw while on (a TV's
 * picture, or its screen dimmed once to save energy): one step of the
 * modulation's size, or its draw flickering by 8 % or more between
 * readings 24 times (a TV whose picture never dims it by 40 % switched
 * itself off hours after the onset, and counted; a lamp's or a heater's
 * draw holds within a few per cent). A step down to a quarter or less
 * (cooking to keep-warm) starts the count over: a rice cooker's keep-warm
 * switched off hours later is a person's. */
#define AUTO_OFF_SCORE       24
#define AUTO_OFF_FLICKER     0.08
/* TVs switch themselves off 2-8 hours after the last press of a button;
 * the last change the plug saw may come hours before that press. Longer
 * than this, it is the resident who switched off the TV left on all day
 * (with any flickering TV taken for one that switches itself off, such a
 * resident's only sign of the evening went uncounted: 0.35 false alarms
 * more a month in those homes). */
#define AUTO_OFF_MAX_HOURS   12

static void
note_modulation (AnbuActivityLearned *learned,
                 guint                score)
{
  learned->modulated = (guint8) MIN (255u, learned->modulated + score);
}

/* How far an on-step's level may lie from the cycle's to be its: once
 * learned, a machine whose draw never moved (a heater's element) is told
 * from an appliance of about its size; one whose draw moves (a compressor),
 * or one still being learned, is not. */
static double
cycle_level_slack (const AnbuActivityLearned *learned,
                   const AnbuActivityParams  *params)
{
  return learned->cycle_repeats >= params->cycle_min_repeats
         && !(learned->cycle_flags & ANBU_ACTIVITY_CYCLE_LEVEL_UNSURE) ? 0.15 : 0.3;
}

/* A power step across or within the appliance's levels: who made it. */
static AnbuActivityMachine
classify_power (AnbuActivityLearned      *learned,
                const AnbuActivityParams *params,
                AnbuActivityMark          mark,
                gint64                    ts,
                gint32                    day,
                double                    minute,
                double                    before,
                double                    after)
{
  double off_watts = MAX (learned->standby_watts, 0.0) + params->power_min_step_w;
  gboolean before_on = before > off_watts, after_on = after > off_watts;
  AnbuActivityMachine machine = ANBU_ACTIVITY_MACHINE_NONE;
  gboolean timer, loose;

  if (before_on == after_on)
    {
      /* Between two levels above standby. Up by a factor of 4 or more (a
       * rice cooker's keep-warm to cooking) is someone pressing a switch;
       * not on a plug with a learned duty cycle, whose machine steps on top
       * of an appliance left on make the same jump. The appliance's own
       * modulation (a TV's picture, heater low/high, cooking to keep-warm)
       * stays out. */
      if (before_on && after >= 4.0 * before
          && learned->cycle_repeats < params->cycle_min_repeats && learned->cycle_period <= 0)
        {
          timer = timer_observe (learned->timers[0][0], params, day, minute,
                                 mark == ANBU_ACTIVITY_MARK_MACHINE);
          if (timer && mark != ANBU_ACTIVITY_MARK_PERSON)
            return ANBU_ACTIVITY_MACHINE_TIMER;
          learned->modulated = 0;
          return ANBU_ACTIVITY_MACHINE_NONE;
        }
      /* Cooking to keep-warm starts the count over. The learned cycle's
       * steps on top of the appliance are the machine's, not the
       * appliance's own: a TV left on beside a thermostat is no TV that
       * switches itself off. */
      if (before_on && before >= 4.0 * after)
        learned->modulated = 0;
      else if (before_on && !is_cycle_sized (cycle_step_watts (learned, params), after - before))
        note_modulation (learned, AUTO_OFF_SCORE);
      return ANBU_ACTIVITY_MACHINE_MODULATION;
    }

  timer = timer_observe_after_break (learned, learned->timers[0][after_on ? 0 : 1], params, day,
                                     minute, mark == ANBU_ACTIVITY_MARK_MACHINE);
  loose = loose_timer_switches (learned, day, minute, after_on ? after : before, after_on,
                                mark == ANBU_ACTIVITY_MARK_MACHINE);
  timer |= loose;
  if (after_on && learned->cycle_repeats >= params->cycle_min_repeats
      && fabs (after - learned->cycle_on_watts)
         > cycle_level_slack (learned, params) * MAX (after, learned->cycle_on_watts))
    {
      /* Another appliance on the strip, next to a running cycle: a
       * person's, and the cycle's own times stay as they were. */
      learned->appliance_on = TRUE;
      learned->modulated = FALSE;
    }
  else if (after_on)
    {
      if (learned->cycle_last_on > 0)
        {
          double period = (double) (ts - learned->cycle_last_on);
          gboolean level_alike = fabs (after - learned->cycle_on_watts)
                                 <= cycle_level_slack (learned, params)
                                    * MAX (after, learned->cycle_on_watts);

          if (level_alike && period <= params->cycle_max_period_hours * 3600.0)
            {
              gboolean regular = learned->cycle_period > 0
                                 && fabs (period - learned->cycle_period)
                                    <= 0.35 * MAX (period, learned->cycle_period);

              /* Once a cycle runs, an irregular period at the same level
               * (a door opened, the phase shifted) is still the machine,
               * and the learned period stays. */
              if (learned->cycle_repeats >= params->cycle_min_repeats)
                machine = ANBU_ACTIVITY_MACHINE_CYCLE;
              if (regular)
                {
                  learned->cycle_repeats = (guint8) MIN (learned->cycle_repeats + 1, 255);
                  learned->cycle_period = (float) period;
                }
              else if (learned->cycle_repeats < params->cycle_min_repeats)
                {
                  learned->cycle_repeats = 0;
                  learned->cycle_period = (float) period;
                }
              if (learned->cycle_repeats >= params->cycle_min_repeats)
                machine = ANBU_ACTIVITY_MACHINE_CYCLE;
            }
          else if (learned->cycle_repeats >= params->cycle_min_repeats)
            {
              /* A pause: the cycle stays learned; the first regular period
               * after it is the machine again. When the readings broke off
               * meanwhile, nobody saw it pause: at its level it is the
               * machine going on. */
              if (learned->readings_broke || mark == ANBU_ACTIVITY_MARK_MACHINE)
                /* Marked a machine by the planner: its pause does not
                 * unlearn it either. */
                machine = ANBU_ACTIVITY_MACHINE_CYCLE;
              else
                learned->cycle_repeats = (guint8) (params->cycle_min_repeats - 1);
            }
          else
            {
              learned->cycle_repeats = 0;
              learned->cycle_period = 0;
            }
        }
      /* A learned cycle's level that moves was another appliance's: the
       * machine's draw is not known well enough to look beside it. */
      if (learned->cycle_repeats >= params->cycle_min_repeats && learned->cycle_on_watts > 0
          && fabs (after - learned->cycle_on_watts) > 0.1 * learned->cycle_on_watts)
        learned->cycle_flags |= ANBU_ACTIVITY_CYCLE_LEVEL_UNSURE;
      learned->cycle_last_on = ts;
      learned->cycle_on_watts = (float) after;
      learned->readings_broke = FALSE;
      learned->appliance_on = TRUE;
      learned->modulated = FALSE;
    }
  else
    {
      loose_timer_observe (learned, params, ts, before, mark == ANBU_ACTIVITY_MARK_MACHINE);
      if (learned->cycle_repeats >= params->cycle_min_repeats && learned->cycle_period > 0
          && (ts - learned->cycle_last_on <= learned->cycle_period || learned->readings_broke)
          && fabs (before - learned->cycle_on_watts) <= 0.3 * MAX (before, learned->cycle_on_watts))
        /* Off from the cycle's level, within its period (or after a gap
         * in the readings, its on-step unseen). */
        machine = ANBU_ACTIVITY_MACHINE_CYCLE;
      else if (learned->appliance_on && learned->modulated >= AUTO_OFF_SCORE
               && learned->last_counted > 0
               && ts - learned->last_counted >= params->auto_off_hours * 3600.0
               && ts - (learned->timer_lit ? MAX (learned->last_counted, learned->cycle_last_on)
                                           : learned->last_counted)
                  <= AUTO_OFF_MAX_HOURS * 3600.0)
        /* Hours count from a timer's lamp lit, too: a TV switched on over
         * it went unseen, and the last act counted may be the morning's. */
        machine = ANBU_ACTIVITY_MACHINE_AUTO_OFF;
      else if (learned->timer_lit && learned->last_counted < learned->cycle_last_on
               && learned->modulated == 0
               && fabs (before - learned->cycle_on_watts)
                  <= 0.15 * MAX (before, learned->cycle_on_watts))
        /* The lamp a learned timer lit going off, its draw flat (a lamp's)
         * and nothing else counted since: the timer's, also at a minute its
         * step down was never seen at (other draws hid it while the
         * resident lived). */
        timer = TRUE;
      learned->appliance_on = FALSE;
      learned->modulated = FALSE;
    }
  if (machine == ANBU_ACTIVITY_MACHINE_NONE && timer)
    machine = ANBU_ACTIVITY_MACHINE_TIMER;
  learned->timer_lit = after_on && machine == ANBU_ACTIVITY_MACHINE_TIMER
                       ? (loose ? TIMER_LIT_LOOSE : TIMER_LIT_AT_MINUTE) : 0;
  /* Marked a person by the planner: what was learned is theirs. */
  if (mark == ANBU_ACTIVITY_MARK_PERSON
      && (machine == ANBU_ACTIVITY_MACHINE_TIMER || machine == ANBU_ACTIVITY_MACHINE_CYCLE
          || machine == ANBU_ACTIVITY_MACHINE_AUTO_OFF))
    machine = ANBU_ACTIVITY_MACHINE_NONE;
  return machine;
}

/* A darkening at `ts` from `base_lux` is held back as a dip: a cloud's if
 * the light comes back within light_dip_seconds. `magnitude` is the step
 * to report if it does not (0: the sun's either way). */
static void
open_dip (AnbuActivityLearned *learned,
          gint64               ts,
          double               base_lux,
          double               magnitude)
{
  learned->dip_ts = ts;
  learned->dip_base_lux = (float) base_lux;
  learned->dip_magnitude = (float) magnitude;
}

/* The power step counted at this reading was not a person's after all (a
 * timer's; a step up held back as a standby device's wake): its event
 * goes, and the plug's last counted change is what it was before. */
static void
drop_power_event (AnbuActivityLearned *learned,
                  AnbuActivityEvent   *events_out,
                  guint               *n,
                  gint                *power_event,
                  gint64               counted_before)
{
  memmove (&events_out[*power_event], &events_out[*power_event + 1],
           (*n - (guint) *power_event - 1) * sizeof *events_out);
  (*n)--;
  learned->last_counted = counted_before;
  *power_event = -1;
}

/* The power step counted at this reading was a timer's, as its light's
 * learned minute shows: a step up lit the timer's lamp. */
static void
drop_timer_power_event (AnbuActivityLearned *learned,
                        gint64               ts,
                        AnbuActivityEvent   *events_out,
                        guint               *n,
                        gint                *power_event,
                        gint64               counted_before)
{
  learned->timer_lit = events_out[*power_event].kind == ANBU_ACTIVITY_POWER_ON
                       && learned->cycle_last_on == ts;
  drop_power_event (learned, events_out, n, power_event, counted_before);
  learned->ignored[ANBU_ACTIVITY_MACHINE_TIMER]++;
}

/* After dark, a light step the size of this home's own lamp (learned from
 * its switching at night) is that lamp, also in a room another lamp already
 * lights (a timer lamp's evening), where it is too small a factor for
 * is_light_step. Not at a sunlit sensor, not in daylight. */
static gboolean
is_lamp_beside_light (AnbuActivityLearned      *learned,
                      const AnbuActivityParams *params,
                      gint32                    day,
                      double                    minute,
                      double                    before,
                      double                    after)
{
  double magnitude = fabs (after - before);

  return learned->lamp_lux >= params->light_min_step_lux
         && magnitude >= params->light_min_step_lux
         && fabs (magnitude - learned->lamp_lux) <= 0.25 * learned->lamp_lux
         && !sunlit (learned) && !in_daylight (learned, params, day, minute);
}

/* A step clearly not the learned machine's: under half or over twice its
 * draw. Nearer its size it may be the machine itself (its level is learned
 * from steps that an appliance of a similar size can take for its own), and
 * far below it, the appliance's flicker beside the machine's noise. */
static gboolean
is_beside_cycle (double cycle,
                 double step)
{
  step = fabs (step);
  return cycle > 0 && (step >= 2.0 * cycle || (step <= 0.5 * cycle && step >= 0.2 * cycle));
}

/* A step made while the learned cycle's machine draws, not the machine's
 * own: a person's when it crosses the standby level of what is left
 * without the machine (a TV switched on or off while the heater heats);
 * modulation of the appliance otherwise. */
static AnbuActivityMachine
classify_beside_cycle (AnbuActivityLearned      *learned,
                       const AnbuActivityParams *params,
                       double                    cycle,
                       double                    before,
                       double                    after)
{
  double off_watts = MAX (learned->standby_watts, 0.0) + params->power_min_step_w;
  gboolean before_on = before - cycle > off_watts, after_on = after - cycle > off_watts;

  if (before_on == after_on)
    {
      if (before_on)
        note_modulation (learned, AUTO_OFF_SCORE);
      return ANBU_ACTIVITY_MACHINE_MODULATION;
    }
  learned->modulated = 0;
  learned->appliance_on = after_on;
  return ANBU_ACTIVITY_MACHINE_NONE;
}

/* The power step held back (slow_machine_step) counts: the person's
 * appliance of the machine's size went on then. */
static gboolean
release_power_step (AnbuActivityLearned *learned,
                    AnbuActivityEvent   *event)
{
  if (!learned->power_held)
    return FALSE;
  event->ts = learned->power_held_ts;
  event->kind = ANBU_ACTIVITY_POWER_ON;
  event->magnitude = learned->power_held_magnitude;
  learned->last_counted = MAX (learned->last_counted, learned->power_held_ts);
  learned->classes[0][learned->power_held_class % ANBU_ACTIVITY_STEP_CLASSES].run_flags |= PERSON_ON;
  learned->power_held = FALSE;
  return TRUE;
}

static gboolean
is_power_held_in (const AnbuActivityLearned   *learned,
                  const AnbuActivityStepClass *klass)
{
  return learned->power_held
         && &learned->classes[0][learned->power_held_class % ANBU_ACTIVITY_STEP_CLASSES] == klass;
}

/* A step of a slow machine's size (a defrost heater's 20-30 minutes, every
 * 8-16 hours), which the resident's own appliance may have too (a TV of the
 * heater's draw): a step up is held back for the length of a run
 * (POWER_HOLD_MINUTES); a step down of its size within it makes it the
 * machine's, a brief one
 * (a pad warmed a few minutes) a person's, and a step up that outlasts the
 * run is a person's (released at the next reading), whose step down counts
 * too. TRUE when the step is held back; else `machine` says whose it is
 * (NONE: a person's, it counts), and a held step that counts now is
 * written to events_out. */
static gboolean
slow_machine_step (AnbuActivityLearned   *learned,
                   AnbuActivityStepClass *klass,
                   gint64                 ts,
                   gboolean               up,
                   double                 magnitude,
                   AnbuActivityMachine   *machine,
                   AnbuActivityEvent     *events_out,
                   guint                 *n)
{
  gboolean held_here = is_power_held_in (learned, klass);

  if (up)
    {
      /* Two steps up: the first was no run of the machine's. */
      *n += release_power_step (learned, &events_out[*n]);
      learned->power_held = TRUE;
      learned->power_held_ts = ts;
      learned->power_held_magnitude = (float) magnitude;
      learned->power_held_class = (guint8) (klass - learned->classes[0]);
      return TRUE;
    }
  if (held_here && ts - learned->power_held_ts < SLOW_RUN_BRIEF_MINUTES * 60)
    {
      *n += release_power_step (learned, &events_out[*n]);
      klass->run_flags &= (guint8) ~PERSON_ON;
      *machine = ANBU_ACTIVITY_MACHINE_NONE;
    }
  else if (held_here)
    {
      learned->power_held = FALSE;
      learned->ignored[ANBU_ACTIVITY_MACHINE_RESTLESS]++;
    }
  else if (klass->run_flags & PERSON_ON)
    {
      klass->run_flags &= (guint8) ~PERSON_ON;
      *machine = ANBU_ACTIVITY_MACHINE_NONE;
    }
  return FALSE;
}

/* A standby device waking by itself (a TV fetching its updates, the
 * screen dark) lifts the plug's power from standby by a small step, up to
 * WAKE_MAX_W, and drops it back within WAKE_MINUTES, at any hour, with
 * nothing else counted meanwhile: such a wake is no person's act. A step
 * up from standby into that range is held back; the power falling back
 * within WAKE_MINUTES makes it a wake, else it was a person's (counted
 * with its own time, at once when the draw grows to an appliance's or
 * anything else counts). A person switches a thing that small on and off
 * again within minutes, with nothing else, seldom, and not as the only
 * sign of a day; a TV switched on draws more (through its start-up's
 * small draw, it is held back a minute); a lamp lit and put out in
 * daylight shows by its light. Only something in standby wakes: a plug
 * that draws nothing between uses (a lamp's) holds nothing back until
 * wakes are learned. Wakes seen on WAKE_DAYS days with no week between,
 * one of them before WAKE_NIGHT_MINUTE, are learned: shown to the
 * planner, and from then on what a machine leaves on as it goes off (a
 * compressor, the wake's step up hidden in its draw), or what the plug
 * comes back to after a break, and falls back within WAKE_MINUTES is a
 * wake too. Before, that could be a person's lamp left on beside the
 * compressor, switched off at bedtime. */
#define WAKE_MAX_W         40.0
#define WAKE_STANDBY_MIN_W 0.2
#define WAKE_MINUTES       30
#define WAKE_DAYS          3
#define WAKE_NIGHT_MINUTE  (5 * 60)
/* Learned, wakes are kept this long unseen (one hidden in a compressor's
 * draw is seen only as it goes off). */
#define WAKE_KEEP_DAYS     30

/* Wakes seen often enough, lately enough (kept: marked a machine's, it
 * stays learned however long unseen). */
static gboolean
wake_is_learned (const AnbuActivityLearned *learned,
                 gint32                     day,
                 gboolean                   kept)
{
  return learned->wake_days >= WAKE_DAYS && learned->wake_night
         && (kept || day - learned->wake_day <= WAKE_KEEP_DAYS);
}

/* A wake ended at `day`, `minute` (also one whose step up hid in a
 * machine's draw: in a home whose compressor runs most of the time, the
 * wakes show no other way). */
static void
wake_learn (AnbuActivityLearned *learned,
            gint32               day,
            double               minute)
{
  gboolean learned_before = wake_is_learned (learned, day, FALSE);

  if (learned->wake_days == 0
      || day - learned->wake_day > (learned_before ? WAKE_KEEP_DAYS : WEEK_DAYS))
    {
      learned->wake_days = 0;
      learned->wake_night = FALSE;
    }
  if (learned->wake_days == 0 || day != learned->wake_day)
    learned->wake_days = (guint8) MIN (learned->wake_days + 1, 255);
  learned->wake_day = day;
  if (minute < WAKE_NIGHT_MINUTE)
    learned->wake_night = TRUE;
}

/* The learned cycle's machine draws now, by a draw known well enough to
 * look beside it. */
static gboolean
cycle_draws (const AnbuActivityLearned *learned)
{
  return (learned->cycle_flags & ANBU_ACTIVITY_CYCLE_RUNNING)
         && !(learned->cycle_flags & ANBU_ACTIVITY_CYCLE_LEVEL_UNSURE);
}

/* A step held back (a wake's up, a restart's down) was a person's:
 * counted with its own time, before the events of this reading (from index
 * `first`), and no longer held. */
static void
release_held_step (AnbuActivityLearned *learned,
                   gint64              *held_ts,
                   AnbuActivityKind     kind,
                   double               magnitude,
                   AnbuActivityEvent   *events_out,
                   guint               *n,
                   guint                first)
{
  memmove (&events_out[first + 1], &events_out[first], (*n - first) * sizeof *events_out);
  events_out[first].ts = *held_ts;
  events_out[first].kind = kind;
  events_out[first].magnitude = magnitude;
  (*n)++;
  learned->last_counted = MAX (learned->last_counted, *held_ts);
  *held_ts = 0;
}

static void
wake_release (AnbuActivityLearned *learned,
              AnbuActivityEvent   *events_out,
              guint               *n,
              guint                first)
{
  release_held_step (learned, &learned->wake_held_ts, ANBU_ACTIVITY_POWER_ON,
                     learned->wake_magnitude, events_out, n, first);
}

/* A small device always on (a set-top box, a router: up to WAKE_MAX_W
 * above standby) that restarts by itself drops to standby and comes back
 * to its level within RESTART_MINUTES, with nothing else counted: neither
 * step is a person's. Its step down is held back meanwhile; a person's
 * (the level not back, or anything else counted) is counted with its own
 * time. A person switches a small thing off and on again within minutes
 * seldom, and not as the only sign of a day. */
#define RESTART_MINUTES 10

static void
restart_release (AnbuActivityLearned *learned,
                 AnbuActivityEvent   *events_out,
                 guint               *n,
                 guint                first)
{
  release_held_step (learned, &learned->restart_held_ts, ANBU_ACTIVITY_POWER_OFF,
                     learned->restart_magnitude, events_out, n, first);
}

/* Watches the power for a small device's restart (above), after the steps
 * of this reading were judged and before a wake is (the arguments as
 * wake_observe's). */
static void
restart_observe (AnbuActivityLearned      *learned,
                 const AnbuActivityParams *params,
                 AnbuActivityMark          mark,
                 gint64                    ts,
                 double                    before,
                 double                    after,
                 AnbuActivityEvent        *events_out,
                 guint                    *n,
                 guint                     first,
                 gint                     *power_event,
                 gint64                    counted_before)
{
  double standby = MAX (learned->standby_watts, 0.0);
  double off_watts = standby + params->power_min_step_w;
  gboolean others = *n - first > (*power_event >= 0 ? 1u : 0u);
  gboolean back;

  if (learned->restart_down_ts == 0)
    {
      /* Off to standby from a small level by a step that would count,
       * not a wake's end. */
      if (others || learned->wake_up_ts != 0 || *power_event < 0 || before <= off_watts
          || before > standby + WAKE_MAX_W || after > off_watts)
        return;
      learned->restart_down_ts = ts;
      learned->restart_magnitude = (float) (before - after);
      if (mark != ANBU_ACTIVITY_MARK_PERSON)
        {
          drop_power_event (learned, events_out, n, power_event, counted_before);
          learned->restart_held_ts = ts;
        }
      return;
    }
  back = is_same_size (learned->restart_magnitude, after - before) && after <= standby + WAKE_MAX_W;
  if (back && !others && ts - learned->restart_down_ts <= RESTART_MINUTES * 60)
    {
      if (learned->restart_held_ts != 0)
        {
          learned->restart_held_ts = 0;
          learned->ignored[ANBU_ACTIVITY_MACHINE_RESTLESS]++;
        }
      if (*power_event >= 0 && mark != ANBU_ACTIVITY_MARK_PERSON)
        {
          drop_power_event (learned, events_out, n, power_event, counted_before);
          learned->ignored[ANBU_ACTIVITY_MACHINE_RESTLESS]++;
        }
      learned->restart_down_ts = 0;
    }
  else if (back || others || *power_event >= 0 || ts - learned->restart_down_ts > RESTART_MINUTES * 60)
    {
      /* A person switched it off (and on again, or something else). */
      if (learned->restart_held_ts != 0)
        restart_release (learned, events_out, n, first);
      learned->restart_down_ts = 0;
    }
}

/* The readings broke off. Nobody saw how a wake ended: a step up held
 * back as one stays the device's (a person's lost is the safe side). Back
 * in a wake's range, they show a wake whose step up they missed (a wake
 * only once wakes are learned, as one hidden in a machine's draw). */
static void
wake_after_break (AnbuActivityLearned      *learned,
                  const AnbuActivityParams *params,
                  gint64                    ts,
                  double                    watts)
{
  double standby = MAX (learned->standby_watts, 0.0);

  if (learned->wake_held_ts != 0 || learned->restart_held_ts != 0)
    learned->ignored[ANBU_ACTIVITY_MACHINE_RESTLESS]++;
  learned->wake_held_ts = 0;
  learned->wake_up_ts = 0;
  learned->restart_held_ts = 0;
  learned->restart_down_ts = 0;
  if (watts <= standby + params->power_min_step_w || watts > standby + WAKE_MAX_W)
    return;
  learned->wake_up_ts = ts;
  learned->wake_seen_up = FALSE;
  learned->wake_magnitude = (float) (watts - standby);
  learned->wake_lux = 0.0f;
}

/* Watches the power for a standby device's wake (above), after the steps
 * of this reading were judged. `before` and `after` are the levels without
 * a learned cycle's machine where it drew (a wake beside a running
 * compressor); `step_machine` is whose this reading's power step was
 * (NONE: a person's or no step; a cycle's size is CYCLE); `light_step` is
 * the light's change at it (`large_light_share`: 15 % of the light or more,
 * no daylight's flicker); `first` is the index of this reading's first
 * event, `power_event` that of its power step (-1: none counted). Other
 * machines' steps during a wake leave it be; a person's (anything counted
 * but its own step down) ends it. */
static void
wake_observe (AnbuActivityLearned      *learned,
              const AnbuActivityParams *params,
              AnbuActivityMark          mark,
              gint64                    ts,
              gint32                    day,
              double                    minute,
              double                    before,
              double                    after,
              AnbuActivityMachine       step_machine,
              double                    light_step,
              gboolean                  large_light_share,
              AnbuActivityEvent        *events_out,
              guint                    *n,
              guint                     first,
              gint                     *power_event,
              gint64                    counted_before)
{
  double standby = MAX (learned->standby_watts, 0.0);
  double off_watts = standby + params->power_min_step_w;
  gboolean learned_now = mark != ANBU_ACTIVITY_MARK_PERSON
                         && wake_is_learned (learned, day, mark == ANBU_ACTIVITY_MARK_MACHINE);
  /* Only something in standby wakes: a plug that draws nothing between
   * uses (a lamp's) has no wakes until they are learned. */
  gboolean judged = learned_now
                    || (mark != ANBU_ACTIVITY_MARK_PERSON && standby >= WAKE_STANDBY_MIN_W);
  /* Counted at this reading, besides its power step. */
  gboolean others = *n - first > (*power_event >= 0 ? 1u : 0u);
  gboolean machine_step = step_machine == ANBU_ACTIVITY_MACHINE_CYCLE
                          || step_machine == ANBU_ACTIVITY_MACHINE_RESTLESS;
  gboolean falls_back;

  if (learned->wake_up_ts == 0)
    {
      /* Up from standby by a step that would count (or one at a timer's
       * minute: a wake may come near it; another machine's step is that
       * machine's); or left by a machine going off, the wake's own step up
       * hidden in its draw. */
      gboolean counts_up = *power_event >= 0 || step_machine == ANBU_ACTIVITY_MACHINE_TIMER;
      gboolean machine_went_off = *power_event < 0 && machine_step;

      if (others || after <= off_watts || after > standby + WAKE_MAX_W
          || !(before <= off_watts ? counts_up : machine_went_off))
        return;
      learned->wake_up_ts = ts;
      learned->wake_seen_up = before <= off_watts;
      learned->wake_lux = light_step >= params->light_min_step_lux && large_light_share
                          ? (float) light_step : 0.0f;
      learned->wake_magnitude = (float) (after - MIN (before, standby));
      if (judged && *power_event >= 0)
        {
          drop_power_event (learned, events_out, n, power_event, counted_before);
          learned->wake_held_ts = ts;
        }
      return;
    }
  /* Its own step down (not one with another load's). */
  falls_back = before - after <= 1.5 * learned->wake_magnitude
               && (after <= off_watts || is_same_size (learned->wake_magnitude, before - after));
  /* The light went on and off with it by one size: a lamp on the plug,
   * switched in daylight (no lamp's step then, but a step all the same). */
  others |= falls_back && large_light_share && is_same_size (learned->wake_lux, -light_step);
  if (others || (*power_event >= 0 && !falls_back)
      || (before <= standby + WAKE_MAX_W && after > standby + WAKE_MAX_W && !machine_step)
      || (!falls_back && ts - learned->wake_up_ts > WAKE_MINUTES * 60))
    {
      /* A person is here, what went on grew to an appliance's draw (a TV
       * through its start-up), or it stays on: no wake. */
      if (learned->wake_held_ts != 0)
        wake_release (learned, events_out, n, first);
      learned->wake_up_ts = 0;
      return;
    }
  if (!falls_back)
    return;
  if (ts - learned->wake_up_ts <= WAKE_MINUTES * 60)
    {
      wake_learn (learned, day, minute);
      if (learned->wake_held_ts != 0)
        {
          learned->wake_held_ts = 0;
          learned->ignored[ANBU_ACTIVITY_MACHINE_RESTLESS]++;
        }
      if (*power_event >= 0 && (learned->wake_seen_up ? judged : learned_now))
        {
          drop_power_event (learned, events_out, n, power_event, counted_before);
          learned->ignored[ANBU_ACTIVITY_MACHINE_RESTLESS]++;
        }
    }
  else if (learned->wake_held_ts != 0)
    wake_release (learned, events_out, n, first);
  learned->wake_up_ts = 0;
}

gboolean
anbu_activity_detector_take_pending (AnbuActivityDetector *detector,
                                     AnbuActivityEvent    *event)
{
  AnbuActivityLearned *learned;

  g_return_val_if_fail (detector != NULL, FALSE);
  g_return_val_if_fail (event != NULL, FALSE);

  learned = &detector->learned;
  if (learned->version != LEARNED_VERSION)
    return FALSE;
  /* A dip of no size was the sun's already: it ends reporting nothing. */
  if (learned->dip_ts != 0 && learned->dip_magnitude == 0)
    learned->dip_ts = 0;
  if (learned->dip_ts != 0)
    {
      event->ts = learned->dip_ts;
      event->kind = ANBU_ACTIVITY_LIGHT_OFF;
      event->magnitude = learned->dip_magnitude;
      learned->last_counted = MAX (learned->last_counted, learned->dip_ts);
      learned->dip_ts = 0;
      return TRUE;
    }
  if (learned->held_first_ts != 0)
    {
      event->ts = learned->held_ts;
      event->kind = learned->held_kind;
      event->magnitude = learned->held_magnitude;
      learned->last_counted = MAX (learned->last_counted, learned->held_ts);
      learned->held_first_ts = 0;
      return TRUE;
    }
  return FALSE;
}

/* The steps held, and the flicker among them: a screen's when they are
 * many and unlike. */
static void
hold_judge (AnbuActivityLearned *learned,
            gint32               day,
            double               magnitude)
{
  learned->held_smallest = (float) MIN (learned->held_smallest, magnitude);
  learned->held_largest = (float) MAX (learned->held_largest, magnitude);
  /* A lamp switched on and off and on again steps by one size (within
   * HOLD_ALIKE); a screen's light follows the picture. */
  if (learned->held_more < HOLD_MORE_STEPS
      || learned->held_largest <= HOLD_ALIKE * learned->held_smallest)
    return;
  /* Flicker: a screen lights the sensor, remembered as one seen today,
   * with the largest of its changes (the flicker's are smaller than its
   * steps). */
  learned->ignored[ANBU_ACTIVITY_MACHINE_RESTLESS] += MAX (learned->held_steps, 1u);
  learned->held_first_ts = 0;
  note_screen (learned, day, learned->held_largest);
}

/* A small light step while the appliance is on (above): held, or with the
 * ones held before it the screen's. */
static void
hold_light_step (AnbuActivityLearned *learned,
                 gint64               ts,
                 gint32               day,
                 AnbuActivityKind     kind,
                 double               magnitude)
{
  if (learned->held_first_ts == 0)
    {
      learned->held_first_ts = ts;
      learned->held_more = 0;
      learned->held_steps = 1;
      learned->held_smallest = learned->held_largest = (float) magnitude;
    }
  else
    {
      learned->held_more = (guint8) MIN (learned->held_more + 1, 255);
      learned->held_steps = (guint8) MIN (learned->held_steps + 1, 255);
    }
  learned->held_ts = ts;
  learned->held_kind = (guint8) kind;
  learned->held_magnitude = (float) magnitude;
  hold_judge (learned, day, magnitude);
}

static gboolean
is_flicker (const AnbuActivityParams *params,
            double                    before,
            double                    after)
{
  return is_light_change (params, before, after, FLICKER_STEP_SHARE * params->light_min_step_lux,
                          FLICKER_RATIO);
}

static void
update_levels (AnbuActivityLearned *learned,
               gint32               day,
               double               watts,
               double               lux)
{
  if (watts <= STANDBY_CAP_W)
    {
      if (learned->standby_watts < 0 || watts < learned->standby_watts)
        learned->standby_watts = (float) watts;
      else if (watts < learned->standby_watts + 3.0)
        /* Drift up slowly within standby noise: one odd low reading does
         * not stay the level, and a small appliance's own draw (a 10 W
         * lamp) never becomes it. */
        learned->standby_watts += (float) ((watts - learned->standby_watts) * 0.002);
    }
  if (day != learned->dark_day)
    {
      learned->dark_yesterday = day == learned->dark_day + 1 ? learned->dark_today : FLT_MAX;
      learned->dark_today = (float) lux;
      learned->dark_day = day;
    }
  else if (lux < learned->dark_today)
    learned->dark_today = (float) lux;
}

guint
anbu_activity_detector_feed (AnbuActivityDetector     *detector,
                             const AnbuActivityParams *params,
                             const AnbuReading        *reading,
                             AnbuActivityEvent        *events_out)
{
  AnbuActivityLearned *learned;
  guint n = 0;
  double watts, lux, minute;
  gint32 day;
  gboolean adjacent, dip_returned = FALSE, timer = FALSE;
  double light_change, brighter;
  gboolean large_share;
  /* This reading's power step: its event's index (-1: none), whether a
   * timer's, its direction, and the last counted time before it. */
  gint power_event = -1;
  gboolean power_timer = FALSE, power_up = FALSE;
  gint64 counted_before_power = 0;
  guint first_event = 0;
  gboolean timer_lit_before = FALSE;
  gboolean light_stepped = FALSE;
  gboolean cycle_drew;
  /* Whose this reading's power step was (NONE: a person's, or no step). */
  AnbuActivityMachine power_machine = ANBU_ACTIVITY_MACHINE_NONE;

  g_return_val_if_fail (detector != NULL, 0);
  g_return_val_if_fail (params != NULL, 0);
  g_return_val_if_fail (reading != NULL, 0);

  if (detector->has_previous && reading->ts <= detector->previous_ts)
    return 0;
  learned = &detector->learned;
  if (learned->version != LEARNED_VERSION)
    learned_init (learned);

  /* A negative or non-finite value is a sensor fault: treat it as zero so a
   * fault cannot be mistaken for a person. */
  watts = isfinite (reading->watts) && reading->watts > 0 ? reading->watts : 0.0;
  lux = isfinite (reading->lux) && reading->lux > 0 ? reading->lux : 0.0;
  local_time (params, reading->ts, &day, &minute);
  adjacent = detector->has_previous
             && reading->ts - detector->previous_ts <= params->max_step_seconds;
  if (detector->has_previous && !adjacent)
    {
      step_classes_skip (learned, detector->previous_ts, reading->ts);
      learned->previous_break_minutes = (gint16) learned->break_minutes;
      learned->previous_break_days = (guint8) CLAMP (day - learned->break_day, 0, 255);
      learned->break_minutes = (gint32) ((reading->ts - detector->previous_ts) / 60 % 1440);
      learned->break_day = day;
      learned->readings_broke = TRUE;
      learned->cycle_flags &= ~ANBU_ACTIVITY_CYCLE_RUNNING; /* unseen meanwhile */
      forget_person_on (learned);
      wake_after_break (learned, params, reading->ts, watts);
    }

  /* A darkening held back: a cloud when the light came back, a person
   * when it lasted (or when the readings broke off and nobody can tell). */
  if (learned->dip_ts != 0)
    {
      if (adjacent && lux >= 0.5 * learned->dip_base_lux)
        {
          learned->dip_ts = 0;
          learned->ignored[ANBU_ACTIVITY_MACHINE_SUN]++;
          dip_returned = TRUE;
        }
      else if (learned->dip_magnitude == 0
               && (!adjacent || reading->ts - learned->dip_ts > params->light_dip_seconds))
        /* The sun's already: over, and a small step held meanwhile waits on. */
        learned->dip_ts = 0;
      else if (!adjacent || reading->ts - learned->dip_ts > params->light_dip_seconds)
        n += anbu_activity_detector_take_pending (detector, &events_out[n]);
    }
  /* A power step of a slow machine's size held back: no run of the
   * machine followed, so it was a person's. When the readings broke off
   * nobody can tell, and it stays the machine's size's (as unheld). */
  if (learned->power_held && !adjacent)
    {
      learned->power_held = FALSE;
      learned->ignored[ANBU_ACTIVITY_MACHINE_RESTLESS]++;
    }
  else if (learned->power_held
           && reading->ts - learned->power_held_ts >= POWER_HOLD_MINUTES * 60)
    {
      if (detector->mark == ANBU_ACTIVITY_MARK_MACHINE)
        {
          /* Marked a machine's since it was held: it stays one. */
          learned->power_held = FALSE;
          learned->ignored[ANBU_ACTIVITY_MACHINE_RESTLESS]++;
        }
      else
        n += release_power_step (learned, &events_out[n]);
    }
  /* A small light step held back: no screen's flicker followed in time (or
   * the readings broke off and nobody can tell), so it counts. */
  if (learned->held_first_ts != 0 && learned->dip_ts == 0
      && (!adjacent || reading->ts - learned->held_first_ts > HOLD_SECONDS))
    n += anbu_activity_detector_take_pending (detector, &events_out[n]);

  if (adjacent)
    {
      AnbuActivityMachine machine;
      double cycle = cycle_step_watts (learned, params);
      double standby = MAX (learned->standby_watts, 0.0);

      counted_before_power = learned->last_counted;
      first_event = n;

      /* The cycle's machine cannot draw beneath a level below its own. */
      if ((learned->cycle_flags & ANBU_ACTIVITY_CYCLE_RUNNING)
          && (cycle <= 0 || MIN (detector->previous_watts, watts) < standby + 0.7 * cycle))
        learned->cycle_flags &= ~ANBU_ACTIVITY_CYCLE_RUNNING;
      cycle_drew = cycle_draws (learned);
      if (cycle_drew
          && is_beside_cycle (cycle, watts - detector->previous_watts)
          && is_power_step (params, detector->previous_watts - cycle, watts - cycle))
        {
          AnbuActivityStepClass *klass;

          machine = classify_beside_cycle (learned, params, cycle, detector->previous_watts, watts);
          if (step_class_observe (learned, params, 0, reading->ts, day,
                                  watts - detector->previous_watts, &klass)
              && machine == ANBU_ACTIVITY_MACHINE_NONE
              && detector->mark != ANBU_ACTIVITY_MARK_PERSON)
            machine = ANBU_ACTIVITY_MACHINE_RESTLESS;
          /* The held step's step down beside the cycle: whose the run was. */
          if (watts < detector->previous_watts && is_power_held_in (learned, klass))
            slow_machine_step (learned, klass, reading->ts, FALSE,
                               detector->previous_watts - watts, &machine, events_out, &n);
          if (machine == ANBU_ACTIVITY_MACHINE_NONE)
            {
              power_event = (gint) n;
              set_step_event (&events_out[n++], reading->ts, detector->previous_watts, watts,
                              ANBU_ACTIVITY_POWER_ON, ANBU_ACTIVITY_POWER_OFF);
              learned->last_counted = reading->ts;
            }
          else
            learned->ignored[machine]++;
          power_machine = machine;
        }
      else if (is_power_step (params, detector->previous_watts, watts))
        {
          AnbuActivityStepClass *klass;

          timer_lit_before = learned->timer_lit;
          machine = classify_power (learned, params, detector->mark, reading->ts, day, minute,
                                    detector->previous_watts, watts);
          /* Every step counts towards its size's class, also a machine's
           * on top of an appliance left on (modulation to the plug). */
          if ((step_class_observe (learned, params, 0, reading->ts, day,
                                   watts - detector->previous_watts, &klass)
               || is_sum_of_restless (learned, params, klass,
                                      fabs (watts - detector->previous_watts)))
              && machine == ANBU_ACTIVITY_MACHINE_NONE && detector->mark != ANBU_ACTIVITY_MARK_PERSON)
            machine = ANBU_ACTIVITY_MACHINE_RESTLESS;
          /* A slow machine's size, or the step down of the one held (also
           * when it looks like modulation: the heater went on top of a
           * rice cooker keeping warm). */
          if (((detector->mark == ANBU_ACTIVITY_MARK_AUTO && machine == ANBU_ACTIVITY_MACHINE_RESTLESS
                && is_slow_machine (klass, params->utc_offset_seconds, WEEK_STAY_BINS)
                && !is_busy_machine (klass, params, day, (gint64) minute))
               || (watts < detector->previous_watts && is_power_held_in (learned, klass)))
              && slow_machine_step (learned, klass, reading->ts, watts > detector->previous_watts,
                                    fabs (watts - detector->previous_watts), &machine,
                                    events_out, &n))
            ; /* held back */
          else if (machine == ANBU_ACTIVITY_MACHINE_NONE)
            {
              power_event = (gint) n;
              set_step_event (&events_out[n++], reading->ts, detector->previous_watts, watts,
                              ANBU_ACTIVITY_POWER_ON, ANBU_ACTIVITY_POWER_OFF);
              learned->last_counted = reading->ts;
            }
          else
            learned->ignored[machine]++;
          power_timer = machine == ANBU_ACTIVITY_MACHINE_TIMER;
          /* A restless machine's size stepping on top of another draw is
           * modulation to the plug, and still that machine. */
          power_machine = machine == ANBU_ACTIVITY_MACHINE_MODULATION && klass->restless
                          ? ANBU_ACTIVITY_MACHINE_RESTLESS : machine;
        }
      else if (learned->appliance_on
               && MIN (detector->previous_watts, watts) > standby + params->power_min_step_w
               && fabs (watts - detector->previous_watts)
                  >= MAX (1.0, AUTO_OFF_FLICKER * MAX (watts, detector->previous_watts)))
        note_modulation (learned, 1);
      power_up = watts > detector->previous_watts;
      /* Everything off now: a person's appliance of a slow machine's size
       * is off too, though its step down hid in another's. (Only as it
       * goes off: the classes are not touched by a reading without.) */
      if (watts <= standby + params->power_min_step_w
          && detector->previous_watts > standby + params->power_min_step_w)
        forget_person_on (learned);

      /* The learned machine's own steps tell when it draws. */
      if (is_cycle_sized (cycle_step_watts (learned, params), watts - detector->previous_watts))
        {
          if (watts > detector->previous_watts)
            learned->cycle_flags |= ANBU_ACTIVITY_CYCLE_RUNNING;
          else
            learned->cycle_flags &= ~ANBU_ACTIVITY_CYCLE_RUNNING;
        }

      /* Any abrupt change of the light counts towards a timer's days, also
       * on days when a lit room or twilight makes it no lamp switch: a
       * timer lamp is learned though the resident's own light hides it on
       * most evenings. A smaller share of the room's light will do for a
       * step larger than the daylight this sensor sees at this time (no
       * cloud makes it): a timer lamp of 30 lux in a room a lamp of 300
       * lights every evening was never learned, and lit the dark room
       * after the onset (a person's habit still strays from the minute). */
      light_change = fabs (lux - detector->previous_lux);
      brighter = MAX (lux, detector->previous_lux);
      large_share = light_change >= 0.15 * brighter;
      if (!dip_returned && light_change >= params->light_min_step_lux
          && (large_share
              || (light_change >= 0.05 * brighter
                  && light_change > daylight_near (learned, minute))))
        {
          gboolean kept = detector->mark == ANBU_ACTIVITY_MARK_MACHINE;
          gboolean up = lux > detector->previous_lux;

          timer = timer_observe_after_break (learned, learned->timers[1][up ? 0 : 1], params, day,
                                             minute, kept);
          if (large_share)
            timer |= sun_lamp_observe (learned, params, day, minute, up, light_change, lux, kept);
          /* Marked a person: the lamp's times are theirs. */
          timer &= detector->mark != ANBU_ACTIVITY_MARK_PERSON;
          /* A timer lamp on the plug whose light step is too small a factor
           * for a lamp's switch in the room the resident lit: the power
           * step at its learned light's very minute is the timer's too
           * (its steps on top of the resident's TV went unlearned). */
          if (timer && power_event >= 0 && power_up == up
              && timer_switches_at (learned->timers[1][up ? 0 : 1], params, day, minute, kept))
            drop_timer_power_event (learned, reading->ts, events_out, &n, &power_event,
                                    counted_before_power);
        }

      /* A room darker than its lamp alone makes it has no lamp lit (one
       * switched off in daylight passes for the sun's step). */
      if (detector->previous_lux < 0.5 * learned->lamp_lux)
        learned->lamp_on = FALSE;

      if (!dip_returned && (is_light_step (params, detector->previous_lux, lux)
                            || is_lamp_beside_light (learned, params, day, minute,
                                                     detector->previous_lux, lux)))
        {
          double low = MIN (detector->previous_lux, lux);
          double night = night_lux (learned);
          gboolean up = lux > detector->previous_lux;

          machine = ANBU_ACTIVITY_MACHINE_NONE;
          double magnitude = fabs (lux - detector->previous_lux);
          gboolean daylight = in_daylight (learned, params, day, minute);
          /* A step the size of this home's lamp (learned at night) is the
           * lamp, also at dusk in a dim room; not where the sun shines on
           * the sensor (clouds there make steps of any size at dusk), and
           * not a darkening while no lamp is lit (a cloud at sunrise, the
           * light having come up with the sun, not at a switch). */
          gboolean lamp_like = learned->lamp_lux > 0
                               && fabs (magnitude - learned->lamp_lux) <= 0.4 * learned->lamp_lux
                               && !sunlit (learned) && (up || learned->lamp_on);
          double lamp_max = 2.0 * MAX (learned->lamp_lux, 200.0);

          if (daylight && !lamp_like && magnitude > lamp_max
              && low > night * 1.5 + params->light_min_step_lux)
            /* Between two daylight levels, brighter than a lamp: the sun. */
            machine = ANBU_ACTIVITY_MACHINE_SUN;
          else if (learned->dip_ts != 0)
            /* Still inside a darkening that may be a cloud: part of it. */
            machine = ANBU_ACTIVITY_MACHINE_SUN;
          else if (daylight && !lamp_like
                   && MAX (detector->previous_lux, lux) <= 2.0 * daylight_near (learned, minute))
            {
              /* No brighter than the sun makes it here at this hour. A
               * darkening is watched as a dip that reports nothing: the
               * light coming back (a step the size of a lamp too) is the
               * same cloud passing. */
              machine = ANBU_ACTIVITY_MACHINE_SUN;
              if (!up && params->light_dip_seconds > 0)
                open_dip (learned, reading->ts, detector->previous_lux, 0);
            }
          else if (timer)
            machine = ANBU_ACTIVITY_MACHINE_TIMER;
          else if (!up && params->light_dip_seconds > 0 && daylight && !lamp_like)
            {
              learned->lamp_on = FALSE;
              open_dip (learned, reading->ts, detector->previous_lux, detector->previous_lux - lux);
              machine = ANBU_ACTIVITY_MACHINE_NONE;
              goto light_done;
            }

          /* A TV the sensor sees but the plug does not power, switching
           * itself off: its screen flickered with the picture, and goes
           * dark hours after the last act counted, as auto-off above. */
          if (machine == ANBU_ACTIVITY_MACHINE_NONE && !up && !daylight
              && detector->mark != ANBU_ACTIVITY_MARK_PERSON
              && learned->light_flicker >= AUTO_OFF_SCORE
              && magnitude <= (learned->screen_lux > 0 ? SCREEN_STEP_RATIO * learned->screen_lux
                                                       : HOLD_MAX_LUX)
              && learned->last_counted > 0
              && reading->ts - learned->last_counted >= params->auto_off_hours * 3600.0
              && reading->ts - learned->last_counted <= AUTO_OFF_MAX_HOURS * 3600.0)
            machine = ANBU_ACTIVITY_MACHINE_AUTO_OFF;
          light_stepped = TRUE;

          if (machine == ANBU_ACTIVITY_MACHINE_NONE || machine == ANBU_ACTIVITY_MACHINE_TIMER)
            {
              gboolean restless = step_class_observe (learned, params, 1, reading->ts, day,
                                                      up ? magnitude : -magnitude, NULL);

              /* A plug whose screen lit the sensor this month: while the
               * appliance is on, light steps of the screen's size are its
               * (from the first one each evening, before they are many
               * again; the resident may have watched with the lamp lit,
               * hiding the flicker, for days). */
              restless |= learned->screen_day != 0 && day - learned->screen_day <= SCREEN_DAYS
                          && learned->appliance_on
                          && magnitude <= SCREEN_STEP_RATIO * learned->screen_lux;
              if (restless && machine == ANBU_ACTIVITY_MACHINE_NONE
                  && detector->mark != ANBU_ACTIVITY_MARK_PERSON)
                machine = ANBU_ACTIVITY_MACHINE_RESTLESS;
            }
          /* One switch seen on both channels (a timer lamp on the plug,
           * whose power step another appliance hid while the resident
           * lived): a step at the very minute the other channel's learned
           * timer switches is that timer's too. (Near its minute, a
           * person's switch on the other channel still counts.) */
          if (power_up == up)
            {
              gboolean kept = detector->mark == ANBU_ACTIVITY_MARK_MACHINE;

              if (machine == ANBU_ACTIVITY_MACHINE_NONE && power_timer
                  && (timer_switches_at (learned->timers[0][up ? 0 : 1], params, day, minute, kept)
                      || (up ? learned->timer_lit == TIMER_LIT_LOOSE
                             : timer_lit_before
                               || loose_timer_switches (learned, day, minute,
                                                        detector->previous_watts, FALSE, kept))))
                machine = ANBU_ACTIVITY_MACHINE_TIMER;
              else if (machine == ANBU_ACTIVITY_MACHINE_TIMER && power_event >= 0
                       && timer_switches_at (learned->timers[1][up ? 0 : 1], params, day, minute,
                                             kept))
                drop_timer_power_event (learned, reading->ts, events_out, &n, &power_event,
                                        counted_before_power);
              /* The screen going dark with its TV switching itself off. */
              if (machine == ANBU_ACTIVITY_MACHINE_NONE && !up
                  && power_machine == ANBU_ACTIVITY_MACHINE_AUTO_OFF
                  && magnitude <= (learned->screen_lux > 0
                                   ? SCREEN_STEP_RATIO * learned->screen_lux : HOLD_MAX_LUX))
                machine = ANBU_ACTIVITY_MACHINE_AUTO_OFF;
            }
          if (machine != ANBU_ACTIVITY_MACHINE_SUN)
            learned->lamp_on = up;
          if (machine == ANBU_ACTIVITY_MACHINE_NONE && learned->appliance_on
              && detector->mark != ANBU_ACTIVITY_MARK_PERSON
              && magnitude <= (learned->screen_lux > 0 ? SCREEN_STEP_RATIO * learned->screen_lux
                                                       : HOLD_MAX_LUX))
            {
              hold_light_step (learned, reading->ts, day,
                               up ? ANBU_ACTIVITY_LIGHT_ON : ANBU_ACTIVITY_LIGHT_OFF, magnitude);
              goto light_done;
            }
          if (machine == ANBU_ACTIVITY_MACHINE_NONE && !daylight)
            /* The size of this home's lamp, from its switching at night. */
            learned->lamp_lux = learned->lamp_lux > 0
                                ? (float) (learned->lamp_lux + 0.2 * (magnitude - learned->lamp_lux))
                                : (float) magnitude;
          if (machine == ANBU_ACTIVITY_MACHINE_NONE)
            {
              set_step_event (&events_out[n++], reading->ts, detector->previous_lux, lux,
                              ANBU_ACTIVITY_LIGHT_ON, ANBU_ACTIVITY_LIGHT_OFF);
              learned->last_counted = reading->ts;
            }
          else
            learned->ignored[machine]++;
        }
      else if (learned->held_first_ts != 0 && learned->appliance_on
               && detector->mark != ANBU_ACTIVITY_MARK_PERSON
               && is_flicker (params, detector->previous_lux, lux)
               && !in_daylight (learned, params, day, minute))
        {
          /* Between the held step and the next: a dim screen's picture. */
          learned->held_more = (guint8) MIN (learned->held_more + 1, 255);
          hold_judge (learned, day, fabs (lux - detector->previous_lux));
        }
    light_done:
      if (light_stepped)
        learned->light_flicker = 0;
      else if (fabs (lux - detector->previous_lux)
                 >= MAX (1.0, AUTO_OFF_FLICKER * MAX (lux, detector->previous_lux))
               && MIN (lux, detector->previous_lux) > night_lux (learned) + params->light_floor_lux
               && !in_daylight (learned, params, day, minute))
        learned->light_flicker = (guint8) MIN (learned->light_flicker + 1, 255);
      /* A darkening by daylight too small a factor for a lamp's switch (a
       * cloud cutting the light to a quarter) is watched as the sun's dip
       * too: the light coming back as the cloud passes, from the lower
       * level the sun sank to meanwhile, made a step of a lamp's factor
       * and size every sunny morning. */
      if (!dip_returned && learned->dip_ts == 0 && params->light_dip_seconds > 0
          && lux <= 0.5 * detector->previous_lux
          && detector->previous_lux - lux >= params->light_min_step_lux
          && !is_light_step (params, detector->previous_lux, lux)
          && in_daylight (learned, params, day, minute)
          && detector->previous_lux <= 2.0 * daylight_near (learned, minute))
        open_dip (learned, reading->ts, detector->previous_lux, 0);

      restart_observe (learned, params, detector->mark, reading->ts, detector->previous_watts,
                       watts, events_out, &n, first_event, &power_event, counted_before_power);
      wake_observe (learned, params, detector->mark, reading->ts, day, minute,
                    detector->previous_watts - (cycle_drew ? cycle : 0.0),
                    watts - (cycle_draws (learned) ? cycle : 0.0),
                    power_machine != ANBU_ACTIVITY_MACHINE_TIMER && power_event < 0
                    && is_cycle_sized (cycle, watts - detector->previous_watts)
                    ? ANBU_ACTIVITY_MACHINE_CYCLE : power_machine,
                    lux - detector->previous_lux, large_share, events_out, &n, first_event,
                    &power_event, counted_before_power);
    }
  else if (learned->dip_ts != 0)
    n += anbu_activity_detector_take_pending (detector, &events_out[n]);

  update_levels (learned, day, watts, lux);
  learn_daylight (learned, params, day, minute, lux);
  detector->has_previous = TRUE;
  detector->previous_ts = reading->ts;
  detector->previous_watts = watts;
  detector->previous_lux = lux;
  return n;
}

GBytes *
anbu_activity_detector_to_blob (const AnbuActivityDetector *detector)
{
  const guint8 *bytes = (const guint8 *) detector;
  GByteArray *packed;

  g_return_val_if_fail (detector != NULL, NULL);

  /* Most of the layout is zeros (timer slots, step classes, what was
   * never learned): runs of them go as a zero and their length. Stored
   * whole, the detector of about 1000 bytes no longer fit on SQLite's
   * page beside its key and spilled onto a page of its own (telemetry
   * ingest 25 % slower per reading). */
  packed = g_byte_array_sized_new (sizeof *detector / 2);
  g_byte_array_append (packed, (const guint8[]) { BLOB_PACKED_MAGIC }, 1);
  for (gsize i = 0; i < sizeof *detector;)
    {
      guint8 run = 0;

      if (bytes[i] != 0)
        {
          g_byte_array_append (packed, &bytes[i++], 1);
          continue;
        }
      while (i < sizeof *detector && bytes[i] == 0 && run < G_MAXUINT8)
        {
          i++;
          run++;
        }
      g_byte_array_append (packed, (const guint8[]) { 0, run }, 2);
    }
  return g_byte_array_free_to_bytes (packed);
}

/* Unpacks what anbu_activity_detector_to_blob packed into `out` (of
 * `capacity` bytes); FALSE for bytes that do not unpack into it. */
static gboolean
blob_unpack (const guint8 *data,
             gsize         size,
             guint8       *out,
             gsize         capacity,
             gsize        *unpacked)
{
  gsize n = 0;

  for (gsize i = 1; i < size; i++)
    {
      if (data[i] != 0)
        {
          if (n == capacity)
            return FALSE;
          out[n++] = data[i];
          continue;
        }
      if (i + 1 == size || data[i + 1] == 0 || data[i + 1] > capacity - n)
        return FALSE;
      memset (out + n, 0, data[i + 1]);
      n += data[++i];
    }
  *unpacked = n;
  return TRUE;
}

/* The layout before LEARNED_VERSION 5 (session 11's): the same up to the
 * step classes, which had no week, and after them only the break, the
 * screen's day and the counts. A server upgraded keeps what its plugs
 * learned; starting afresh, every timer lamp and thermostat would count as
 * a person for the days it takes to learn them again. */
typedef struct
{
  float   magnitude;
  gint32  bin;
  guint8  counts[ANBU_ACTIVITY_STEP_BINS];
  guint8  restless;
  guint8  pad[3];
} StepClassV4;

typedef struct
{
  StepClassV4 classes[2][ANBU_ACTIVITY_STEP_CLASSES];
  gint32      break_minutes;
  gint32      break_day;
  gint32      screen_day;
  guint32     ignored[7];
} LearnedTailV4;

#define LEARNED_HEAD_SIZE (G_STRUCT_OFFSET (AnbuActivityDetector, learned) \
                           + G_STRUCT_OFFSET (AnbuActivityLearned, classes))
/* Rounded up to the detector's alignment, as the compiler laid it out. */
#define BLOB_V4_SIZE (((LEARNED_HEAD_SIZE + sizeof (LearnedTailV4)) + 7) / 8 * 8)
#define BLOB_V5_SIZE (G_STRUCT_OFFSET (AnbuActivityDetector, learned) \
                      + G_STRUCT_OFFSET (AnbuActivityLearned, power_held_ts))
#define BLOB_V6_SIZE (G_STRUCT_OFFSET (AnbuActivityDetector, learned) \
                      + G_STRUCT_OFFSET (AnbuActivityLearned, wake_up_ts))
#define BLOB_V7_SIZE (G_STRUCT_OFFSET (AnbuActivityDetector, learned) \
                      + G_STRUCT_OFFSET (AnbuActivityLearned, loose_watts))

static gboolean
detector_from_blob_v4 (AnbuActivityDetector *detector,
                       const guint8         *data)
{
  AnbuActivityLearned *learned = &detector->learned;
  LearnedTailV4 tail;

  memcpy (detector, data, LEARNED_HEAD_SIZE);
  if (learned->version != 4)
    return FALSE;
  memcpy (&tail, data + LEARNED_HEAD_SIZE, sizeof tail);
  for (guint c = 0; c < 2; c++)
    for (guint i = 0; i < ANBU_ACTIVITY_STEP_CLASSES; i++)
      {
        AnbuActivityStepClass *klass = &learned->classes[c][i];

        memset (klass, 0, sizeof *klass);
        memset (klass->ages, 255, sizeof klass->ages);
        klass->magnitude = tail.classes[c][i].magnitude;
        klass->bin = tail.classes[c][i].bin;
        memcpy (klass->counts, tail.classes[c][i].counts, sizeof klass->counts);
        klass->restless = tail.classes[c][i].restless;
      }
  learned->break_minutes = tail.break_minutes;
  learned->break_day = tail.break_day;
  learned->screen_day = tail.screen_day;
  memcpy (learned->ignored, tail.ignored, sizeof learned->ignored);
  /* Learned anew: the sun lamp; the screen's size, taken meanwhile as
   * the largest a held light step may have. */
  learned->screen_lux = learned->screen_day != 0 ? (float) (HOLD_MAX_LUX / SCREEN_STEP_RATIO) : 0.0f;
  learned->sun_lamp_lux = 0.0f;
  learned->sun_lamp_dusk10 = learned->sun_lamp_dawn10 = 0;
  learned->sun_lamp_nights = 0;
  learned->sun_lamp_day = learned->dusk_day = 0;
  learned->dusk_lux = 0.0f;
  learned->dusk_offset10 = 0;
  /* Padding in version 4's head, whatever it held. */
  learned->power_held = FALSE;
  learned->version = LEARNED_VERSION;
  return TRUE;
}

gboolean
anbu_activity_detector_from_blob (AnbuActivityDetector *detector,
                                  gconstpointer         data,
                                  gsize                 size)
{
  AnbuActivityDetector stored;
  guint8 unpacked[sizeof stored];

  g_return_val_if_fail (detector != NULL, FALSE);

  if (data != NULL && size > 0 && *(const guint8 *) data == BLOB_PACKED_MAGIC)
    {
      if (!blob_unpack (data, size, unpacked, sizeof unpacked, &size))
        return FALSE;
      data = unpacked;
    }
  if (data != NULL && size == BLOB_V4_SIZE && size != sizeof stored)
    {
      memset (&stored, 0, sizeof stored);
      if (!detector_from_blob_v4 (&stored, data))
        return FALSE;
    }
  else if (data != NULL && size == BLOB_V5_SIZE)
    {
      /* Version 5 is this layout without the held power step at its end. */
      memset (&stored, 0, sizeof stored);
      memcpy (&stored, data, size);
      if (stored.learned.version != 5)
        return FALSE;
      stored.learned.version = LEARNED_VERSION;
      stored.learned.power_held = FALSE;
    }
  else if (data != NULL && (size == BLOB_V6_SIZE || size == BLOB_V7_SIZE))
    {
      /* Versions 6 and 7 are this layout without the wakes, or the timer
       * of random minutes, at its end. */
      memset (&stored, 0, sizeof stored);
      memcpy (&stored, data, size);
      if (stored.learned.version != (size == BLOB_V6_SIZE ? 6 : 7))
        return FALSE;
      stored.learned.version = LEARNED_VERSION;
    }
  else if (data == NULL || size != sizeof stored)
    return FALSE;
  else
    memcpy (&stored, data, sizeof stored);
  if (stored.learned.version != LEARNED_VERSION)
    return FALSE;
  for (guint c = 0; c < 2; c++)
    for (guint i = 0; i < ANBU_ACTIVITY_STEP_CLASSES; i++)
      {
        AnbuActivityStepClass *klass = &stored.learned.classes[c][i];

        /* Stored before the slow count became a score kept at most this. */
        klass->slow_runs = MIN (klass->slow_runs, SLOW_RUNS_KEPT);
        /* A class's bin indexes its counts: one no reading could have set
         * (bytes the database corrupted) would index past them. */
        if (klass->bin < ANBU_ACTIVITY_STEP_BINS || klass->bin > G_MAXINT32 / 2)
          memset (klass, 0, sizeof *klass);
      }
  *detector = stored;
  return TRUE;
}

/* The day of the newest sighting of any timer: "now" as far as the
 * detector knows. */
static gint32
newest_day (const AnbuActivityLearned *learned)
{
  gint32 newest = G_MININT32;

  for (guint c = 0; c < 2; c++)
    for (guint d = 0; d < 2; d++)
      for (guint i = 0; i < ANBU_ACTIVITY_TIMER_SLOTS; i++)
        if (learned->timers[c][d][i].days > 0)
          newest = MAX (newest, learned->timers[c][d][i].last_day);
  return newest;
}

/* The local day of the last reading: "today" for the planner (FALSE
 * before any reading). */
static gboolean
last_reading_day (const AnbuActivityDetector *detector,
                  const AnbuActivityParams   *params,
                  gint32                     *day)
{
  double minute;

  if (!detector->has_previous)
    return FALSE;
  local_time (params, detector->previous_ts, day, &minute);
  return TRUE;
}

/* Whether a learned pattern (a sun lamp, standby wakes, a timer of random
 * minutes) holds on `day`; `kept`: marked a machine by the planner. */
typedef gboolean (*LearnedCheck) (const AnbuActivityLearned *learned,
                                  gint32                     day,
                                  gboolean                   kept);

/* For the planner: whether `check`'s pattern is learned as of the plug's
 * last reading. */
static gboolean
learned_now (const AnbuActivityDetector *detector,
             const AnbuActivityParams   *params,
             LearnedCheck                check)
{
  gint32 day;

  return last_reading_day (detector, params, &day)
         && check (&detector->learned, day, detector->mark == ANBU_ACTIVITY_MARK_MACHINE);
}

/* "18:40–19:40": minutes after a midnight (over 1440: the next day's). */
static char *
clock_span (gint first,
            gint last)
{
  return g_strdup_printf ("%02d:%02d–%02d:%02d", first / 60 % 24, first % 60, last / 60 % 24,
                          last % 60);
}

static const char *const machine_names[] = {
  NULL, "timer", "cycle", "modulation", "auto_off", "sun", "restless",
};

JsonObject *
anbu_activity_detector_describe_json (const AnbuActivityDetector *detector,
                                      const AnbuActivityParams   *params)
{
  const AnbuActivityLearned *learned;
  JsonObject *object = json_object_new ();
  JsonObject *ignored = json_object_new ();
  JsonArray *timers = json_array_new ();
  JsonArray *restless_classes = json_array_new ();
  gint32 today;
  gboolean kept;

  g_return_val_if_fail (detector != NULL, object);
  g_return_val_if_fail (params != NULL, object);

  learned = &detector->learned;
  kept = detector->mark == ANBU_ACTIVITY_MARK_MACHINE;
  if (learned->version == LEARNED_VERSION)
    {
      today = newest_day (learned);
      for (guint c = 0; c < 2; c++)
        for (guint d = 0; d < 2; d++)
          for (guint i = 0; i < ANBU_ACTIVITY_TIMER_SLOTS; i++)
            {
              const AnbuActivityTimerSlot *slot = &learned->timers[c][d][i];
              JsonObject *timer;

              if (slot->days == 0 || !timer_is_established (slot, params, today, kept))
                continue;
              timer = json_object_new ();
              json_object_set_string_member (timer, "channel", c == 0 ? "power" : "light");
              json_object_set_string_member (timer, "switch", d == 0 ? "on" : "off");
              json_object_set_int_member (timer, "minute", (gint64) lround (slot->minute10 / 10.0)
                                                           % 1440);
              json_object_set_int_member (timer, "days", slot->days);
              json_array_add_object_element (timers, timer);
            }
      if (learned->cycle_repeats >= params->cycle_min_repeats && learned->cycle_period > 0)
        {
          JsonObject *cycle = json_object_new ();

          json_object_set_int_member (cycle, "period_minutes",
                                      (gint64) lround (learned->cycle_period / 60.0));
          json_object_set_double_member (cycle, "watts", round (learned->cycle_on_watts));
          json_object_set_object_member (object, "cycle", cycle);
        }
      for (guint c = 0; c < 2; c++)
        for (guint i = 0; i < ANBU_ACTIVITY_STEP_CLASSES; i++)
          {
            const AnbuActivityStepClass *klass = &learned->classes[c][i];
            guint steps = restless_steps_now (klass, detector->previous_ts);
            gboolean slow = slow_machine_now (klass, params, detector->previous_ts);
            JsonObject *restless;

            if (steps == 0 && !slow)
              continue;
            restless = json_object_new ();
            json_object_set_string_member (restless, "channel", c == 0 ? "power" : "light");
            json_object_set_double_member (restless, "step", round (klass->magnitude));
            json_object_set_int_member (restless, "steps_per_day", steps);
            json_object_set_boolean_member (restless, "slow", slow);
            json_array_add_object_element (restless_classes, restless);
          }
      if (learned_now (detector, params, sun_lamp_is_established))
        {
          JsonObject *lamp = json_object_new ();

          /* A time never seen (hidden by the room's lamp) is left out. */
          if (learned->sun_lamp_dusk10 != SUN_LAMP_UNSEEN)
            json_object_set_int_member (lamp, "on_after_sunset_minutes",
                                        lround (learned->sun_lamp_dusk10 / 10.0));
          if (learned->sun_lamp_dawn10 != SUN_LAMP_UNSEEN)
            json_object_set_int_member (lamp, "off_after_sunrise_minutes",
                                        lround (learned->sun_lamp_dawn10 / 10.0));
          json_object_set_double_member (lamp, "lux", round (learned->sun_lamp_lux));
          json_object_set_object_member (object, "sun_lamp", lamp);
        }
      if (learned_now (detector, params, loose_timer_is_established))
        {
          JsonObject *loose = json_object_new ();

          json_object_set_int_member (loose, "on_first_minute", learned->loose_on_first % 1440);
          json_object_set_int_member (loose, "on_last_minute", learned->loose_on_last % 1440);
          json_object_set_int_member (loose, "off_first_minute", learned->loose_off_first % 1440);
          json_object_set_int_member (loose, "off_last_minute", learned->loose_off_last % 1440);
          json_object_set_double_member (loose, "watts", round (learned->loose_watts));
          json_object_set_object_member (object, "random_timer", loose);
        }
      if (learned_now (detector, params, wake_is_learned))
        {
          JsonObject *wake = json_object_new ();

          json_object_set_double_member (wake, "watts", round (learned->wake_magnitude));
          json_object_set_object_member (object, "standby_wake", wake);
        }
      if (learned->standby_watts >= 0)
        json_object_set_double_member (object, "standby_watts",
                                       round (learned->standby_watts * 10.0) / 10.0);
      for (guint m = 1; m < G_N_ELEMENTS (machine_names); m++)
        json_object_set_int_member (ignored, machine_names[m], learned->ignored[m]);
    }
  json_object_set_array_member (object, "timers", timers);
  json_object_set_array_member (object, "restless", restless_classes);
  json_object_set_object_member (object, "ignored", ignored);
  return object;
}

static int
compare_minutes (gconstpointer a,
                 gconstpointer b)
{
  const AnbuActivityTimerSlot *sa = *(AnbuActivityTimerSlot *const *) a;
  const AnbuActivityTimerSlot *sb = *(AnbuActivityTimerSlot *const *) b;

  return (sa->minute10 > sb->minute10) - (sa->minute10 < sb->minute10);
}

char *
anbu_activity_detector_describe (const AnbuActivityDetector *detector,
                                 const AnbuActivityParams   *params)
{
  const AnbuActivityLearned *learned;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  gint32 today;
  gboolean kept, person;

  g_return_val_if_fail (detector != NULL, NULL);
  g_return_val_if_fail (params != NULL, NULL);

  learned = &detector->learned;
  if (learned->version != LEARNED_VERSION)
    return NULL;
  today = newest_day (learned);
  kept = detector->mark == ANBU_ACTIVITY_MARK_MACHINE;
  person = detector->mark == ANBU_ACTIVITY_MARK_PERSON;
  for (guint c = 0; c < 2; c++)
    {
      g_autoptr(GPtrArray) slots = g_ptr_array_new ();
      g_autoptr(GString) times = g_string_new (NULL);

      for (guint d = 0; d < 2; d++)
        for (guint i = 0; i < ANBU_ACTIVITY_TIMER_SLOTS; i++)
          if (learned->timers[c][d][i].days > 0
              && timer_is_established (&learned->timers[c][d][i], params, today, kept))
            g_ptr_array_add (slots, (gpointer) &learned->timers[c][d][i]);
      if (slots->len == 0)
        continue;
      g_ptr_array_sort (slots, compare_minutes);
      for (guint i = 0; i < slots->len; i++)
        {
          const AnbuActivityTimerSlot *slot = g_ptr_array_index (slots, i);
          gint minute = (gint) (lround (slot->minute10 / 10.0) % 1440);
          g_autofree char *clock = g_strdup_printf ("%02d:%02d", minute / 60, minute % 60);
          gboolean on = slot >= learned->timers[c][0]
                        && slot < learned->timers[c][0] + ANBU_ACTIVITY_TIMER_SLOTS;

          if (i > 0)
            g_string_append (times, "·");
          /* Translators: a time of day a plug switched by itself, e.g. "19:00 on". */
          g_string_append_printf (times, on ? _("%s on") : _("%s off"), clock);
        }
      if (person)
        g_ptr_array_add (lines, g_strdup_printf (c == 0
                                                 ? _("Every day %s: marked a person's, counted as activity")
                                                 : _("Light every day %s: marked a person's, counted as activity"),
                                                 times->str));
      else
        g_ptr_array_add (lines, g_strdup_printf (c == 0
                                                 ? _("Every day %s: judged a timer, not counted as activity")
                                                 : _("Light every day %s: judged a timer, not counted as activity"),
                                                 times->str));
    }
  if (learned_now (detector, params, loose_timer_is_established))
    {
      g_autofree char *on = clock_span (learned->loose_on_first, learned->loose_on_last);
      g_autofree char *off = clock_span (learned->loose_off_first, learned->loose_off_last);

      /* Translators: each %s is a span of the day, e.g. "18:40–19:40". */
      g_ptr_array_add (lines, g_strdup_printf (person
                                               ? _("Every day on at %s, off at %s: marked a "
                                                   "person's, counted as activity")
                                               : _("Every day on at %s, off at %s (a random "
                                                   "minute each day): judged a timer, not "
                                                   "counted as activity"),
                                               on, off));
    }
  if (learned_now (detector, params, sun_lamp_is_established))
    {
      /* Its times, where its steps were seen (the room's lamp may hide them
       * every day: it is known by the room it leaves lit). */
      g_autofree char *lit = learned->sun_lamp_dusk10 == SUN_LAMP_UNSEEN
                             ? g_strdup (_("on after sunset (hidden by the room's lamp)"))
                             : g_strdup_printf (_("on at sunset %+d min"),
                                                (int) lround (learned->sun_lamp_dusk10 / 10.0));
      g_autofree char *out = learned->sun_lamp_dawn10 == SUN_LAMP_UNSEEN
                             ? g_strdup (_("off before sunrise (hidden by the room's lamp)"))
                             : g_strdup_printf (_("off at sunrise %+d min"),
                                                (int) lround (learned->sun_lamp_dawn10 / 10.0));

      /* Translators: the first %s tells when the lamp goes on ("on at
       * sunset +12 min"), the second when it goes off. */
      g_ptr_array_add (lines, g_strdup_printf (person
                                               ? _("Light %s, %s: marked a person's, counted as activity")
                                               : _("Light %s, %s: judged a lamp with a light sensor, "
                                                   "not counted as activity"),
                                               lit, out));
    }
  if (learned_now (detector, params, wake_is_learned))
    g_ptr_array_add (lines, g_strdup_printf (person
                                             ? _("Wakes from standby by itself for minutes, "
                                                 "day and night (%.0f W): marked a person's, "
                                                 "counted as activity")
                                             : _("Wakes from standby by itself for minutes, "
                                                 "day and night (%.0f W): judged a device "
                                                 "fetching updates, not counted as activity"),
                                             learned->wake_magnitude));
  if (learned->cycle_repeats >= params->cycle_min_repeats && learned->cycle_period > 0)
    g_ptr_array_add (lines, g_strdup_printf (person
                                             ? _("Switches on about every %d minutes (%.0f W): "
                                                 "marked a person's, counted as activity")
                                             : _("Switches itself on about every %d minutes (%.0f W): "
                                                 "judged a thermostat or keep-warm cycle, not counted as activity"),
                                             (int) lround (learned->cycle_period / 60.0),
                                             learned->cycle_on_watts));
  for (guint c = 0; c < 2; c++)
    for (guint i = 0; i < ANBU_ACTIVITY_STEP_CLASSES; i++)
      {
        const AnbuActivityStepClass *klass = &learned->classes[c][i];
        guint steps = restless_steps_now (klass, detector->previous_ts);
        gboolean slow = slow_machine_now (klass, params, detector->previous_ts);

        /* A learned duty cycle's own steps are said above. */
        if (c == 0 && is_cycle_sized (cycle_step_watts (learned, params), klass->magnitude))
          continue;
        if (slow)
          g_ptr_array_add (lines, g_strdup_printf (
              person ? (c == 0 ? _("Switches every 6 to 16 hours (%.0f W steps): "
                                   "marked a person's, counted as activity")
                               : _("Light changes every 6 to 16 hours (%.0f lux steps): "
                                   "marked a person's, counted as activity"))
                     : (c == 0 ? _("Switches every 6 to 16 hours, round the clock (%.0f W steps): "
                                   "judged a machine such as a fridge's defrost, not counted as activity")
                               : _("Light changes every 6 to 16 hours, round the clock (%.0f lux steps): "
                                   "judged a machine, not counted as activity")),
              klass->magnitude));
        if (steps == 0 || slow)
          continue;
        g_ptr_array_add (lines, g_strdup_printf (
            person ? (c == 0 ? _("Switches about %u times a day (%.0f W steps): "
                                 "marked a person's, counted as activity")
                             : _("Light changes about %u times a day (%.0f lux steps): "
                                 "marked a person's, counted as activity"))
                   : (c == 0 ? _("Switches about %u times a day, at all hours (%.0f W steps): "
                                 "judged a machine, not counted as activity")
                             : _("Light changes about %u times a day, at all hours (%.0f lux steps): "
                                 "judged a machine or a screen, not counted as activity")),
            steps, klass->magnitude));
      }
  if (lines->len == 0)
    return NULL;
  g_ptr_array_add (lines, NULL);
  return g_strjoinv ("\n", (char **) lines->pdata);
}

const char *
anbu_activity_kind_to_string (AnbuActivityKind kind)
{
  switch (kind)
    {
    case ANBU_ACTIVITY_POWER_ON:
      return "power_on";
    case ANBU_ACTIVITY_POWER_OFF:
      return "power_off";
    case ANBU_ACTIVITY_LIGHT_ON:
      return "light_on";
    case ANBU_ACTIVITY_LIGHT_OFF:
      return "light_off";
    default:
      g_return_val_if_reached (NULL);
    }
}
