/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "anbu-enums.h"

G_BEGIN_DECLS

/* Activity events: the human-made steps in a plug's readings.
 *
 * A plug reports power (W) and ambient light (lux) about once a minute. An
 * activity event is a change a person made: an appliance switched on or off
 * (a power step between two consecutive readings well beyond standby noise and
 * the appliance's own flicker), or a lamp switched (an abrupt light step in
 * which the lamp, not daylight, dominates). The slow rise and fall of daylight,
 * and the faster dimming when a cloud passes, never count: a cloud changes
 * light by a factor, while a lamp switched in a dim room multiplies it many
 * times over in one step.
 *
 * Machines switch too, and a home must not look lived in because of them. The
 * detector learns, per plug and channel, which steps are machine-made and does
 * not report them:
 * - timers: a switch that recurs at the same minute of the local day on
 *   timer_min_days days in a row, each within timer_max_spread_minutes (a
 *   timer keeps its minute; a person's habit strays more: a switch further
 *   off starts the run over, unless the minute itself comes later that
 *   day), or within 4 minutes on 3 days more (a mechanical timer's pin);
 *   a light step counts towards it from 15 % of the room's light, or 5 %
 *   when larger than the daylight seen at that time; once learned, a
 *   step within ±timer_tolerance_minutes of it is the timer's; after a
 *   break in the readings, also at its minute plus the break's length (a
 *   mechanical timer stops while the power is cut); the lamp a learned
 *   timer lit going off by a step of its size, nothing counted since, is
 *   the timer's too, at a minute its step down was never seen (another
 *   draw on the strip hid it while the resident lived);
 * - timers of random minutes (a "holiday" setting that imitates a person):
 *   a flat lamp's run on the power channel, from standby after noon for 1
 *   to 20 hours, one a day on 14 days in a row with none missed, lit within
 *   70 minutes and put out within 70 minutes however the days fell, each
 *   end spread over 20 minutes or more (a person who keeps their hours
 *   within minutes is a person): from then on its steps at its level
 *   within 15 minutes of those windows are the timer's, until a week
 *   without one;
 * - duty cycles (thermostats, compressors, keep-warm): on-steps to a similar
 *   level at regular intervals, and the off-steps between them; while such a
 *   learned machine draws, another appliance on the same strip switched by a
 *   person is judged on the levels without the machine's draw (a TV switched
 *   while the heater heats is a step too small beside it otherwise);
 * - modulation: a step between two levels both above the plug's standby
 *   level (a TV's draw following the picture, a rice cooker going from cooking
 *   to keep-warm); only steps across standby count;
 * - auto-off: an appliance that modulated while on (a step between two
 *   levels above standby, or its draw flickering by 8 % between readings
 *   24 times, a TV's picture) switching itself to standby auto_off_hours to
 *   12 hours after the plug's last counted change (or, when a timer's lamp
 *   lit since, which the TV went on over unseen, 12 hours after that); the
 *   screen's light going dark with it is its own; so is a screen's light
 *   alone (a TV not on the plug) going dark in those hours after flickering
 *   24 times in the dark;
 * - standby wakes: the power up from standby by a small step (up to 40 W)
 *   and back within 30 minutes, nothing else counted meanwhile (a TV
 *   fetching its updates with the screen dark): such a step up is held
 *   back 30 minutes, the device's when the power falls back within them,
 *   else a person's, counted with its own time (at once when the draw
 *   grows or anything else counts; a lamp lit and put out with its light
 *   counts). Not on a plug that draws nothing in standby until wakes are
 *   learned: seen on 3 days with no week between, one of them between
 *   midnight and 05:00 (shown; until 30 days without one); then one whose
 *   step up hid in a machine's draw or a break in the readings is one too;
 *   likewise a small device always on (up to 40 W, a set-top box) off to
 *   standby and back within 10 minutes, nothing else counted: it
 *   restarted by itself;
 * - restless steps: steps of one size (either channel) seen 12 times or
 *   more over the last day, in 8 or more of its two-hour bins, 2 of them
 *   between midnight and 05:00: a person switches a thing a few times a
 *   day, in waking hours; a machine of no regular period (a mat's or a
 *   heater's thermostat, an air purifier's fan) day and night. Such a
 *   size stays a machine's until a day with fewer than 4 of its steps;
 *   time without readings does not count towards that. A size whose runs
 *   of steps came 6 to 16 hours apart 6 times in a row, and over the last
 *   week in 8 of the day's two-hour bins, 1 of them between midnight and
 *   04:00, is a slow machine's (a fridge's defrost heater): a person who
 *   uses a thing twice a day keeps to their hours, and one who uses it at
 *   all hours does not wait hours between (a use left on past the hour,
 *   a TV's evening, neither counts nor breaks the runs). A step up of a
 *   slow machine's size is held back 45 minutes: the machine's when its
 *   step down follows (after 10 minutes or more), else a person's (their
 *   TV of the heater's draw), counted with its own time, and its step down
 *   too. A power step size seen 4 times
 *   or more between 00:00 and 04:00 on 3 nights (a night without halves
 *   the count) is a machine's too (an air purifier's fan under a TV left
 *   on all day shows only at night). Light steps 8 times or more
 *   within two to four hours are a screen lighting the sensor, and for 30
 *   days after, the plug's light steps while its appliance is on are the
 *   screen's, up to twice the size of its own (a lamp's are larger). A
 *   small light step while the appliance is on (up to 60 lux, or twice a
 *   known screen's) is held back for 90 minutes: with 2 more meanwhile, of
 *   sizes unlike (a lamp's steps are alike within 10 %), it is a screen's first
 *   flicker (in the dark, a dim screen's smaller changes between count
 *   too), else it counts then, with the time of the last of them;
 * - a lamp switched by its own light sensor (a night light): on within two
 *   hours after sunset and off within two hours before sunrise, the same
 *   size of light, at the same minutes from sunset and sunrise (within 15)
 *   4 nights in a row; from then on its steps within 20 minutes of those
 *   times are a timer's that keeps to the sun (a person who lights a lamp
 *   as it grows dark puts it out at bedtime, not at dawn), also after up to
 *   30 days unseen (a room lit from before dusk hides it);
 * - the sun: a light step counts only when its darker level is dark (near the
 *   plug's own night level), and during daylight hours a darkening that
 *   returns to the daylight level within light_dip_seconds (a passing cloud)
 *   does not count either way, also one to half the light that is no lamp's
 *   factor (the light coming back from the level the low sun sank to
 *   meanwhile is one); such a darkening is reported only once it has
 *   lasted that long (with its own time, so it may come a few readings late).
 *
 * A planner may mark what a plug's detector learned (`mark`, from the plug
 * record's activity_mark, set by the owner before feeding; it is not
 * learned): ANBU_ACTIVITY_MARK_PERSON counts the steps of learned timers,
 * duty cycles, restless steps and auto-off again (the learning goes on, so the pattern stays
 * shown); ANBU_ACTIVITY_MARK_MACHINE keeps them left out where the learner
 * would let them go (a timer unseen for a week, a cycle after a pause).
 * Modulation and the sun are physics, not a pattern: no mark changes them.
 *
 * The detector is a plain struct without pointers (the previous reading and
 * the learned state): the server stores it as a blob with the plug
 * (anbu_activity_detector_to_blob / _from_blob) and shows what it learned
 * (anbu_activity_detector_describe_json). Readings must be fed in time order
 * for each plug. */

/* At most this many events come from one reading. */
#define ANBU_ACTIVITY_MAX_EVENTS 6

#define ANBU_ACTIVITY_ERROR (anbu_activity_error_quark ())

typedef enum
{
  ANBU_ACTIVITY_ERROR_INVALID_PARAMETER, /* a detection parameter is out of its range */
} AnbuActivityError;

typedef struct
{
  gint64 ts;     /* seconds since the Unix epoch, UTC */
  double watts;
  double lux;
} AnbuReading;

typedef enum
{
  ANBU_ACTIVITY_POWER_ON,
  ANBU_ACTIVITY_POWER_OFF,
  ANBU_ACTIVITY_LIGHT_ON,
  ANBU_ACTIVITY_LIGHT_OFF,
} AnbuActivityKind;

typedef struct
{
  gint64           ts;        /* the reading after the step */
  AnbuActivityKind kind;
  double           magnitude; /* size of the step: W for power, lux for light */
} AnbuActivityEvent;

typedef struct
{
  /* Power: a step counts when it is at least power_min_step_w AND at least
   * power_min_ratio of the higher of the two levels. The ratio keeps a TV's
   * picture-dependent flicker (±10–25 %) and standby spikes out; 6 W keeps
   * standby noise (a few W) out while a 10 W LED lamp still counts. */
  double power_min_step_w;    /* default 6.0 W */
  double power_min_ratio;     /* default 0.4 */

  /* Light: a step counts when it is at least light_min_step_lux AND the
   * brighter level is at least light_min_ratio times the darker level plus
   * light_floor_lux. Clouds change indoor daylight by a factor of at most
   * about 3.5 between two readings; a lamp in a dark or dim room by far more.
   * Consequence (documented limitation): a lamp switched in a room already
   * bright with daylight is not counted; power steps still are. After dark a
   * step the size of this home's own lamp (learned from its night switching)
   * counts also in a room another lamp lights (a timer lamp's evening). */
  double light_min_step_lux;  /* default 25 lux */
  double light_min_ratio;     /* default 5.0 */
  double light_floor_lux;     /* default 2 lux: the sensor's dark noise */

  /* Readings further apart than this cannot prove an abrupt switch (the plug
   * was offline in between): no event from such a pair. */
  gint64 max_step_seconds;    /* default 300 s */

  /* Learning machine-made steps (see above). */
  gint   utc_offset_seconds;      /* local time; default +9 h (KST) */
  double timer_tolerance_minutes; /* default 15 */
  double timer_max_spread_minutes;/* a timer's times stray at most this; default 1.5 */
  guint  timer_min_days;          /* default 4 */
  guint  cycle_min_repeats;       /* regular periods before a cycle is a machine; default 2 */
  double cycle_max_period_hours;  /* default 3 */
  double auto_off_hours;          /* default 3 */
  gint64 light_dip_seconds;       /* default 20 min */
  double latitude;                /* for sunrise and sunset; default 37.57 (Seoul) */
  double longitude;               /* default 126.98 */
} AnbuActivityParams;

/* Why a step was not counted (the last one is kept per channel). */
typedef enum
{
  ANBU_ACTIVITY_MACHINE_NONE,
  ANBU_ACTIVITY_MACHINE_TIMER,
  ANBU_ACTIVITY_MACHINE_CYCLE,
  ANBU_ACTIVITY_MACHINE_MODULATION,
  ANBU_ACTIVITY_MACHINE_AUTO_OFF,
  ANBU_ACTIVITY_MACHINE_SUN,
  ANBU_ACTIVITY_MACHINE_RESTLESS, /* a step class too frequent or too regular for a person */
} AnbuActivityMachine;

#define ANBU_ACTIVITY_TIMER_SLOTS 6

#define ANBU_ACTIVITY_CYCLE_RUNNING      1u
#define ANBU_ACTIVITY_CYCLE_LEVEL_UNSURE 2u

/* A minute of the local day at which a switch recurred. */
typedef struct
{
  gint16  minute10;  /* tenths of a minute after local midnight */
  guint8  days;      /* days in a row it was seen (saturates) */
  guint8  spread10;  /* largest deviation of the run, tenths of a minute */
  gint32  last_day;  /* local day number of the last sighting */
} AnbuActivityTimerSlot;

#define ANBU_ACTIVITY_STEP_CLASSES 4
#define ANBU_ACTIVITY_STEP_BINS    12

/* Steps of about one size (within 30 %) on one channel, whatever their
 * timing: a machine that switches many times a day at all hours (a
 * thermostat of irregular period, an air purifier's fan, a screen lighting
 * the sensor) shows there, where its steps never form a timer or a duty
 * cycle; one that switches only a few times a day, at hours that wander
 * round the clock (a fridge's defrost heater), shows over a week. */
typedef struct
{
  float   magnitude;                         /* W or lux; 0: a free class */
  gint32  bin;                               /* two-hour bin of the newest count */
  guint8  counts[ANBU_ACTIVITY_STEP_BINS];   /* steps per two-hour bin of the last day */
  guint8  restless;                          /* judged a machine's, until it quietens */
  guint8  ages[ANBU_ACTIVITY_STEP_BINS];     /* per two-hour bin of the day: days since the
                                              * class last stepped in it (255: long ago) */
  guint8  slow_runs;                         /* a score of the gaps between runs: +1 for
                                              * 6-16 h after a run that ended off, -1 for
                                              * 16-32 h, -2 for one too soon (0-12) */
  guint8  night_steps;                       /* steps between 00:00 and 04:00 of `night` */
  guint8  busy_nights;                       /* nights of many such steps (halved by a
                                              * night of few) */
  guint8  run_flags;                         /* the last run's shape, and its anchor's */
  guint16 anchor_gap;                        /* minutes from the anchor (the last run not
                                              * brief before it) to the last run */
  gint32  run_minute;                        /* start of the class's last run of steps,
                                              * minutes since the epoch (breaks in the
                                              * readings left out) */
  gint32  night;                             /* local day of the newest night step */
} AnbuActivityStepClass;

/* Channels: 0 power, 1 light; directions: 0 on, 1 off. */
typedef struct
{
  AnbuActivityTimerSlot timers[2][2][ANBU_ACTIVITY_TIMER_SLOTS];

  /* Duty cycle of the power channel. */
  gint64  cycle_last_on;      /* time of the last on-step across standby */
  float   cycle_on_watts;     /* its level */
  float   cycle_period;       /* seconds between the last two on-steps */
  guint8  cycle_repeats;      /* consecutive periods alike */
  guint8  appliance_on;       /* the power level is above standby */
  guint8  modulated;          /* it modulated since it went on */
  guint8  version;            /* of this layout */
  guint8  lamp_on;            /* a lamp (not the sun) lit the sensor last */
  guint8  readings_broke;     /* a gap in the readings since the cycle's last on-step */
  guint8  cycle_flags;        /* ANBU_ACTIVITY_CYCLE_RUNNING: the learned cycle's machine
                               * draws now (its own step up seen, not yet its step
                               * down): what else switches is judged without it;
                               * ANBU_ACTIVITY_CYCLE_LEVEL_UNSURE: its on-level moved
                               * (another appliance of about its size): never */
  guint8  power_held;         /* a power step is held (power_held_ts, below): read
                               * with the fields every reading reads, in what was
                               * this layout's padding */

  /* Standby level: the lowest power seen below ANBU_ACTIVITY_STANDBY_CAP_W. */
  float   standby_watts;      /* < 0: none seen yet */
  /* The light a lamp of this home adds (switched at night), lux. */
  float   lamp_lux;
  /* Night level of the light: the least of today and yesterday. */
  float   dark_today;
  float   dark_yesterday;
  gint32  dark_day;

  gint64  last_counted;       /* the last reported event of this plug */

  /* A darkening in daylight waiting to show whether it is a cloud. */
  gint64  dip_ts;
  float   dip_base_lux;
  float   dip_magnitude;

  /* Daylight at this sensor: per half hour of the local day, the brightest
   * reading between sunrise and sunset lately (lux, fading daily). */
  guint16 daylight[48];
  gint32  daylight_day;

  /* Sunrise and sunset of sun_day, minutes after local midnight. */
  gint32  sun_day;
  gint16  sunrise_minute;
  gint16  sunset_minute;

  /* Steps by size, per channel. */
  AnbuActivityStepClass classes[2][ANBU_ACTIVITY_STEP_CLASSES];
  /* A break in the readings (the plug without power: a mechanical timer
   * stopped with it): its length, minutes, and the local day it ended. */
  gint32  break_minutes;
  gint32  break_day;
  /* The local day a screen last lit the sensor (light steps too frequent
   * for a person's), 0 never. */
  gint32  screen_day;
  /* The size of its light steps (a running mean), lux. */
  float   screen_lux;
  /* A small light step while the appliance is on, held back until it is
   * clear it was no screen's first flicker: the last step's time, kind and
   * size, and how many more came since the first (0: nothing held). */
  gint64  held_first_ts;
  gint64  held_ts;
  float   held_magnitude;
  float   held_smallest;   /* the sizes of the steps held: a lamp's are alike */
  float   held_largest;
  guint8  held_kind;
  guint8  held_more;
  guint8  held_steps;      /* the steps among them (not a dim screen's flicker) */
  guint8  previous_break_days;  /* see previous_break_minutes */

  /* A lamp switched by its own light sensor: its light's step, its times
   * (tenths of a minute after sunset, after sunrise: negative before;
   * G_MININT16 for a time never seen, the room's lamp hiding its step),
   * the nights in a row it kept them and the local day of the last; the
   * last dusk's step up (or the light the night was left lit by), waiting
   * for its dawn. */
  float   sun_lamp_lux;
  gint16  sun_lamp_dusk10;
  gint16  sun_lamp_dawn10;
  guint8  sun_lamp_nights;
  guint8  pad2[3];
  gint32  sun_lamp_day;
  float   dusk_lux;
  gint16  dusk_offset10;
  /* The break before the last one (minutes, as break_minutes), and the
   * days from it to the last: two cuts may come before a timer's next
   * switch, or a cut and an outage of the network alone. Padding, always
   * zero, in the states stored before. */
  gint16  previous_break_minutes;
  gint32  dusk_day;

  /* How many steps were not counted, per AnbuActivityMachine. */
  guint32 ignored[7];

  /* A step up of a slow machine's size (a defrost heater's, the size of
   * the resident's TV too), held back until its run shows whose it is
   * (while power_held): the time, the size and the class. Appended in
   * LEARNED_VERSION 6, so that an older layout is a prefix of this one. */
  gint64  power_held_ts;
  float   power_held_magnitude;
  guint8  power_held_class;
  guint8  pad5[3];

  /* A standby device waking by itself (a TV fetching its updates with the
   * screen dark): the power up from standby by a small step and back within
   * minutes. The step up of the wake in progress (0: none) and its size; a
   * step up held back as one while wakes are learned (0: none); the wakes
   * seen: the local day of the last, the days with one (in a run with no
   * week between), whether one came in the dead of the night. Appended in
   * LEARNED_VERSION 7, so that version 6 is a prefix of this layout. */
  gint64  wake_up_ts;
  gint64  wake_held_ts;
  float   wake_magnitude;
  gint32  wake_day;
  guint8  wake_days;
  guint8  wake_night;
  guint8  wake_seen_up;   /* the wake in progress was seen going up from standby */
  guint8  timer_lit;      /* the power's last step up from standby was a learned
                           * timer's (at cycle_last_on, to cycle_on_watts), nothing
                           * counted since (1; 2: a timer of random minutes'): in
                           * what was this layout's padding */
  float   wake_lux;       /* the light's step up with it (0: none) */
  /* A small device always on (a set-top box) restarting by itself: its
   * step down to standby (0: none watched), the step held back as one
   * (0: none), its size. */
  gint64  restart_down_ts;
  gint64  restart_held_ts;
  float   restart_magnitude;
  guint8  pad7[4];

  /* A lamp on a timer that switches at a random minute of its window each
   * day (a "holiday" setting that imitates a person): its flat runs of one
   * level, from standby for 2 to 20 hours, one a day: the level, the
   * earliest and latest minutes of the local day it went on, and off
   * (after the midnight before its on: over 1440 past midnight), the days
   * in a row (saturates), the local day of the last. Appended in
   * LEARNED_VERSION 8, so that version 7 is a prefix of this layout. */
  float   loose_watts;
  gint16  loose_on_first;
  gint16  loose_on_last;
  gint16  loose_off_first;
  gint16  loose_off_last;
  gint32  loose_day;
  guint8  loose_days;
  /* The light's changes of 8 % or more between readings in the dark since
   * its last step (saturates): a screen's picture; a lamp's light holds. */
  guint8  light_flicker;
  guint8  pad8[2];
} AnbuActivityLearned;

typedef struct
{
  gboolean            has_previous;
  AnbuActivityMark    mark;  /* the planner's word; set by the owner, not learned */
  gint64              previous_ts;
  double              previous_watts;
  double              previous_lux;
  AnbuActivityLearned learned;
} AnbuActivityDetector;

GQuark   anbu_activity_error_quark         (void);

void     anbu_activity_params_init_default (AnbuActivityParams       *params);
gboolean anbu_activity_params_validate     (const AnbuActivityParams *params,
                                            GError                  **error);

void     anbu_activity_detector_init       (AnbuActivityDetector     *detector);

/* Feeds the next reading of one plug (in time order; a reading not later than
 * the previous one is ignored and returns 0). Writes up to
 * ANBU_ACTIVITY_MAX_EVENTS events (power, light, and a darkening, a small
 * light step or a power step held back earlier, with its own time) into
 * events_out and returns how many. */
guint    anbu_activity_detector_feed       (AnbuActivityDetector     *detector,
                                            const AnbuActivityParams *params,
                                            const AnbuReading        *reading,
                                            AnbuActivityEvent        *events_out);

/* Makes `reading` the previous one without looking for steps (the last
 * stored reading of a plug whose detector was not stored). */
void     anbu_activity_detector_seed       (AnbuActivityDetector     *detector,
                                            const AnbuReading        *reading);

/* Keeps what the detector learned of the home (its timers, machines,
 * daylight, lamp) and forgets the readings it saw: the previous one, the
 * steps held back, what it took to be switched on now. For a new plug in
 * the place of the one that learned it. */
void     anbu_activity_detector_forget_readings (AnbuActivityDetector *detector);

/* Forgets the steps held back (a darkening, a small light step, a power
 * step of a slow machine's size or of a standby device's wake) without
 * reporting them: for a copy that must leave them to the detector it was
 * copied from, or one reseeded after readings it did not see. */
void     anbu_activity_detector_drop_held  (AnbuActivityDetector     *detector);

/* A darkening or a small light step still held back (when no more readings
 * will come for a while, e.g. at the end of a late batch): reports one and
 * forgets it; call until it returns FALSE. (A power step of a slow
 * machine's size or of a wake stays held: only a later reading can show
 * it a person's.) */
gboolean anbu_activity_detector_take_pending (AnbuActivityDetector   *detector,
                                              AnbuActivityEvent      *event);

/* The whole detector as bytes (host byte order, its runs of zeros packed,
 * for the plug's own storage) and back, also from the unpacked bytes of
 * this and earlier layouts; FALSE for bytes of another layout (then start
 * afresh). */
GBytes  *anbu_activity_detector_to_blob    (const AnbuActivityDetector *detector);
gboolean anbu_activity_detector_from_blob  (AnbuActivityDetector     *detector,
                                            gconstpointer             data,
                                            gsize                     size);

/* What the detector learned to leave out, for a planner: a JSON object
 * {"timers": [{"channel": "power"|"light", "switch": "on"|"off", "minute": M}],
 *  "cycle": {"period_minutes": P, "watts": W} (when one is running),
 *  "restless": [{"channel": "power"|"light", "step": W or lux, "steps_per_day": n}],
 *  "standby_wake": {"watts": W} (when wakes are learned),
 *  "random_timer": {"on_first_minute": M, "on_last_minute": M, "off_first_minute": M,
 *  "off_last_minute": M, "watts": W} (when one is learned),
 *  "standby_watts": W, "ignored": {"timer": n, "cycle": n, "modulation": n,
 *  "auto_off": n, "sun": n, "restless": n}} */
JsonObject *anbu_activity_detector_describe_json (const AnbuActivityDetector *detector,
                                                  const AnbuActivityParams   *params);

/* One sentence per learned timer, e.g. "매일 19:00 켜짐·23:00 꺼짐: 타이머로 판단,
 * 활동에서 제외" (translated); NULL when nothing was learned. */
char    *anbu_activity_detector_describe   (const AnbuActivityDetector *detector,
                                            const AnbuActivityParams   *params);

const char *anbu_activity_kind_to_string   (AnbuActivityKind          kind);

G_END_DECLS
