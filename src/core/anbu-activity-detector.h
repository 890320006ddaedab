/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

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
 * The detector is a small plain struct (the previous reading), so the server
 * can persist it next to the plug or rebuild it from the last stored reading;
 * readings must be fed in time order for each plug. */

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
   * bright with daylight is not counted; power steps still are. */
  double light_min_step_lux;  /* default 25 lux */
  double light_min_ratio;     /* default 5.0 */
  double light_floor_lux;     /* default 2 lux: the sensor's dark noise */

  /* Readings further apart than this cannot prove an abrupt switch (the plug
   * was offline in between): no event from such a pair. */
  gint64 max_step_seconds;    /* default 300 s */
} AnbuActivityParams;

typedef struct
{
  gboolean has_previous;
  gint64   previous_ts;
  double   previous_watts;
  double   previous_lux;
} AnbuActivityDetector;

GQuark   anbu_activity_error_quark         (void);

void     anbu_activity_params_init_default (AnbuActivityParams       *params);
gboolean anbu_activity_params_validate     (const AnbuActivityParams *params,
                                            GError                  **error);

void     anbu_activity_detector_init       (AnbuActivityDetector     *detector);

/* Feeds the next reading of one plug (in time order; a reading not later than
 * the previous one is ignored and returns 0). Writes up to 2 events (one for
 * power, one for light) into events_out and returns how many. */
guint    anbu_activity_detector_feed       (AnbuActivityDetector     *detector,
                                            const AnbuActivityParams *params,
                                            const AnbuReading        *reading,
                                            AnbuActivityEvent         events_out[2]);

const char *anbu_activity_kind_to_string   (AnbuActivityKind          kind);

G_END_DECLS
