/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-activity"

#include "config.h"

#include <math.h>
#include <string.h>

#include "anbu-activity-detector.h"

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
                         error);
}

void
anbu_activity_detector_init (AnbuActivityDetector *detector)
{
  g_return_if_fail (detector != NULL);

  memset (detector, 0, sizeof *detector);
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

static gboolean
is_light_step (const AnbuActivityParams *params,
               double                    before,
               double                    after)
{
  double low = MIN (before, after);
  double high = MAX (before, after);

  return high - low >= params->light_min_step_lux
         && high >= params->light_min_ratio * (low + params->light_floor_lux);
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

guint
anbu_activity_detector_feed (AnbuActivityDetector     *detector,
                             const AnbuActivityParams *params,
                             const AnbuReading        *reading,
                             AnbuActivityEvent         events_out[2])
{
  guint n = 0;
  double watts, lux;

  g_return_val_if_fail (detector != NULL, 0);
  g_return_val_if_fail (params != NULL, 0);
  g_return_val_if_fail (reading != NULL, 0);

  if (detector->has_previous && reading->ts <= detector->previous_ts)
    return 0;

  /* A negative or non-finite value is a sensor fault: treat it as zero so a
   * fault cannot be mistaken for a person. */
  watts = isfinite (reading->watts) && reading->watts > 0 ? reading->watts : 0.0;
  lux = isfinite (reading->lux) && reading->lux > 0 ? reading->lux : 0.0;

  if (detector->has_previous
      && reading->ts - detector->previous_ts <= params->max_step_seconds)
    {
      if (is_power_step (params, detector->previous_watts, watts))
        set_step_event (&events_out[n++], reading->ts, detector->previous_watts, watts,
                        ANBU_ACTIVITY_POWER_ON, ANBU_ACTIVITY_POWER_OFF);
      if (is_light_step (params, detector->previous_lux, lux))
        set_step_event (&events_out[n++], reading->ts, detector->previous_lux, lux,
                        ANBU_ACTIVITY_LIGHT_ON, ANBU_ACTIVITY_LIGHT_OFF);
    }

  detector->has_previous = TRUE;
  detector->previous_ts = reading->ts;
  detector->previous_watts = watts;
  detector->previous_lux = lux;
  return n;
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
