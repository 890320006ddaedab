/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-plugsim"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <stdlib.h>

#include "anbu-plugsim-commands.h"
#include "anbu-plugsim-new-signal.h"

#define DAY ((gint64) 86400)
#define READING_INTERVAL 60
/* How long after the due time the silence must hold when planning. */
#define QUIET_AFTER_DUE 3600
/* Reading times tried for the last action (the first ones at or after the
 * time the threshold must start counting). */
#define ACTION_ATTEMPTS 3
/* When the resident's day shows no switch at the last action (asleep, say),
 * they used the appliance for this long before it: switched it on and then
 * off, or off and on, as the still state after it needs. */
#define LAST_USE_SECONDS (20 * 60)

struct _AnbuPlugsimNewSignal
{
  guint             index;
  char             *household_id;
  guint             threshold_hours;
  gint64            last_action;
  gint64            due;
  gint64            frozen_shift;   /* added to t to read the frozen resident */
  gint64            last_use_from;  /* 0, or the start of the last use, until last_action */
  double            last_use_watts;
  AnbuSimHousehold *usual;          /* the household's usual days, as seed made it */
  AnbuSimHousehold *frozen;         /* the same household with an incapacitation */
};

G_DEFINE_QUARK (anbu-plugsim-new-signal-error-quark, anbu_plugsim_new_signal_error)

void
anbu_plugsim_new_signal_free (AnbuPlugsimNewSignal *self)
{
  if (self == NULL)
    return;
  g_free (self->household_id);
  g_clear_pointer (&self->usual, anbu_sim_household_free);
  g_clear_pointer (&self->frozen, anbu_sim_household_free);
  g_free (self);
}

/* The smallest k with `from` + k days at or after `to`. */
static gint64
days_to_reach (gint64 from,
               gint64 to)
{
  gint64 d = to - from;

  return d > 0 ? (d + DAY - 1) / DAY : -((-d) / DAY);
}

gboolean
anbu_plugsim_new_signal_reading_at (const AnbuPlugsimNewSignal *self,
                                    gint64                      t,
                                    AnbuReading                *reading)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (reading != NULL, FALSE);

  if (t < self->last_action)
    {
      if (!anbu_plugsim_reading_at (self->usual, FALSE, t, reading))
        return FALSE;
      if (self->last_use_from > 0 && t >= self->last_use_from)
        reading->watts = self->last_use_watts;
      return TRUE;
    }
  /* Whole days keep daylight at its hour. */
  if (!anbu_plugsim_reading_at (self->frozen, TRUE, t + self->frozen_shift, reading))
    return FALSE;
  reading->ts = t;
  return TRUE;
}

static gboolean
absence_touches (const AnbuSimHousehold *usual,
                 gint64                  from,
                 gint64                  to)
{
  const AnbuSimAway *aways;
  gsize n_aways;

  /* Seed registered these with the server (anbu-plugsim-seed.c). */
  aways = anbu_sim_household_get_aways (usual, &n_aways);
  for (gsize i = 0; i < n_aways; i++)
    if (aways[i].registered && aways[i].kind != ANBU_SIM_AWAY_DAY_OUT
        && aways[i].window.from < to && aways[i].window.to > from)
      return TRUE;
  return FALSE;
}

/* What the server's detector makes of the readings around the last action:
 * an activity event exactly at it, a reading every minute, and nothing a
 * person did from then until well after the due time. */
static gboolean
silence_holds (const AnbuPlugsimNewSignal *self)
{
  AnbuActivityParams params;
  AnbuActivityDetector detector;
  AnbuActivityEvent events[ANBU_ACTIVITY_MAX_EVENTS];
  gboolean event_at_action = FALSE;

  anbu_activity_params_init_default (&params);
  anbu_activity_detector_init (&detector);
  for (gint64 t = self->last_action - READING_INTERVAL; t <= self->due + QUIET_AFTER_DUE;
       t += READING_INTERVAL)
    {
      AnbuReading reading;
      guint n;

      if (!anbu_plugsim_new_signal_reading_at (self, t, &reading))
        return FALSE;
      n = anbu_activity_detector_feed (&detector, &params, &reading, events);
      if (n > 0 && t > self->last_action)
        return FALSE;
      if (n > 0 && t == self->last_action)
        event_at_action = TRUE;
    }
  return event_at_action;
}

/* The appliance's standby and working power over the day before `t`. */
static gboolean
usual_power_range (AnbuSimHousehold *usual,
                   gint64            t,
                   double           *low,
                   double           *high)
{
  *low = G_MAXDOUBLE;
  *high = 0;
  for (gint64 at = t - DAY; at < t; at += READING_INTERVAL)
    {
      AnbuReading reading;

      if (anbu_plugsim_reading_at (usual, FALSE, at, &reading))
        {
          *low = MIN (*low, reading.watts);
          *high = MAX (*high, reading.watts);
        }
    }
  return *high > *low;
}

/* Gives the resident a last use of the appliance ending at the last action,
 * in the power state opposite to the one they leave it in. */
static void
add_last_use (AnbuPlugsimNewSignal *self)
{
  AnbuReading still;
  double low, high;

  self->last_use_from = 0;
  if (!anbu_plugsim_new_signal_reading_at (self, self->last_action, &still)
      || !usual_power_range (self->usual, self->last_action, &low, &high))
    return;
  self->last_use_from = self->last_action - LAST_USE_SECONDS;
  self->last_use_watts = still.watts - low < high - still.watts ? high : low;
}

/* The earliest due time at or after `due` this household can give, or NULL. */
static AnbuPlugsimNewSignal *
plan_household (guint64 seed,
                gint64  sim_start,
                guint   index,
                gint64  due)
{
  g_autoptr(AnbuPlugsimNewSignal) self = g_new0 (AnbuPlugsimNewSignal, 1);
  AnbuSimConfig config;
  gint64 first_action;

  if (anbu_plugsim_is_stopper (index))
    return NULL;
  self->index = index;
  anbu_plugsim_sim_config (seed, sim_start, FALSE, &config);
  self->usual = anbu_sim_household_new (&config, index);
  anbu_plugsim_sim_config (seed, sim_start, TRUE, &config);
  self->frozen = anbu_sim_household_new (&config, index);
  if (anbu_sim_household_get_onset (self->frozen) <= 0)
    return NULL;
  self->threshold_hours = anbu_sim_household_get_threshold_hours (self->usual);

  first_action = anbu_plugsim_next_reading (self->usual,
                                            due - (gint64) self->threshold_hours * 3600);
  for (guint attempt = 0; attempt < ACTION_ATTEMPTS; attempt++)
    {
      self->last_action = first_action + attempt * READING_INTERVAL;
      self->due = self->last_action + (gint64) self->threshold_hours * 3600;
      self->frozen_shift = days_to_reach (self->last_action,
                                          anbu_sim_household_get_onset (self->frozen)) * DAY;
      if (self->last_action - DAY < anbu_sim_household_get_start (self->usual))
        return NULL;
      if (absence_touches (self->usual, self->last_action - 3600, self->due + QUIET_AFTER_DUE))
        return NULL;
      self->last_use_from = 0;
      if (silence_holds (self))
        return g_steal_pointer (&self);
      add_last_use (self);
      if (self->last_use_from > 0 && silence_holds (self))
        return g_steal_pointer (&self);
    }
  return NULL;
}

AnbuPlugsimNewSignal *
anbu_plugsim_new_signal_plan (guint64      seed,
                              gint64       sim_start,
                              const guint *candidates,
                              guint        n_candidates,
                              gint64       due,
                              GError     **error)
{
  AnbuPlugsimNewSignal *best = NULL;

  g_return_val_if_fail (candidates != NULL || n_candidates == 0, NULL);

  /* Plugs read at their own second of the minute: the candidate whose
   * signal falls closest after `due` wins. */
  for (guint i = 0; i < n_candidates; i++)
    {
      AnbuPlugsimNewSignal *plan = plan_household (seed, sim_start, candidates[i], due);

      if (plan == NULL)
        continue;
      if (best == NULL || plan->due < best->due)
        {
          anbu_plugsim_new_signal_free (best);
          best = plan;
        }
      else
        anbu_plugsim_new_signal_free (plan);
    }
  if (best == NULL)
    g_set_error (error, ANBU_PLUGSIM_NEW_SIGNAL_ERROR, ANBU_PLUGSIM_NEW_SIGNAL_ERROR_NO_HOUSEHOLD,
                 _("None of the %u households given can stop in time for a new risk signal: name more with --new-signal-households"),
                 n_candidates);
  return best;
}

static GArray *
parse_indices (const char  *text,
               GError     **error)
{
  g_autoptr(GArray) indices = g_array_new (FALSE, FALSE, sizeof (guint));
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = g_strstrip (parts[i]);
      char *end = NULL;
      guint64 value;
      guint index;

      errno = 0;
      value = g_ascii_strtoull (part, &end, 10);
      if (*part == '\0' || !g_ascii_isdigit (*part) || *end != '\0' || errno != 0
          || value > G_MAXUINT)
        {
          g_set_error (error, ANBU_PLUGSIM_NEW_SIGNAL_ERROR,
                       ANBU_PLUGSIM_NEW_SIGNAL_ERROR_INVALID_LIST,
                       _("--new-signal-households is a comma-separated list of household indices, not “%s”"),
                       text);
          return NULL;
        }
      index = (guint) value;
      g_array_append_val (indices, index);
    }
  if (indices->len == 0)
    {
      g_set_error (error, ANBU_PLUGSIM_NEW_SIGNAL_ERROR, ANBU_PLUGSIM_NEW_SIGNAL_ERROR_INVALID_LIST,
                   _("--new-signal-households is a comma-separated list of household indices, not “%s”"),
                   text);
      return NULL;
    }
  return g_steal_pointer (&indices);
}

AnbuPlugsimNewSignal *
anbu_plugsim_new_signal_plan_for_state (JsonObject  *state,
                                        const char  *at,
                                        const char  *households,
                                        GError     **error)
{
  g_autoptr(GDateTime) due = NULL;
  g_autoptr(GArray) indices = NULL;
  JsonArray *list;
  AnbuPlugsimNewSignal *plan;

  g_return_val_if_fail (state != NULL, NULL);
  g_return_val_if_fail (at != NULL, NULL);

  due = g_date_time_new_from_iso8601 (at, NULL);
  if (due == NULL)
    {
      g_set_error (error, ANBU_PLUGSIM_NEW_SIGNAL_ERROR, ANBU_PLUGSIM_NEW_SIGNAL_ERROR_INVALID_TIME,
                   _("--new-signal-at is an ISO 8601 time with an offset, not “%s”"), at);
      return NULL;
    }
  indices = parse_indices (households != NULL ? households : "0", error);
  if (indices == NULL)
    return NULL;

  list = json_object_get_array_member (state, "households");
  for (guint i = 0; i < indices->len; i++)
    if (g_array_index (indices, guint, i) >= json_array_get_length (list))
      {
        g_set_error (error, ANBU_PLUGSIM_NEW_SIGNAL_ERROR, ANBU_PLUGSIM_NEW_SIGNAL_ERROR_NOT_IN_STATE,
                     _("The state file has no household %u (it has %u)"),
                     g_array_index (indices, guint, i), json_array_get_length (list));
        return NULL;
      }

  plan = anbu_plugsim_new_signal_plan ((guint64) json_object_get_int_member (state, "seed"),
                                       json_object_get_int_member (state, "sim_start"),
                                       (const guint *) indices->data, indices->len,
                                       g_date_time_to_unix (due), error);
  if (plan == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *household = json_array_get_object_element (list, i);

      if (json_object_get_int_member (household, "index") == plan->index)
        plan->household_id = g_strdup (json_object_get_string_member (household, "id"));
    }
  return plan;
}

guint
anbu_plugsim_new_signal_get_index (const AnbuPlugsimNewSignal *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->index;
}

const char *
anbu_plugsim_new_signal_get_household_id (const AnbuPlugsimNewSignal *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->household_id;
}

guint
anbu_plugsim_new_signal_get_threshold_hours (const AnbuPlugsimNewSignal *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->threshold_hours;
}

gint64
anbu_plugsim_new_signal_get_last_action (const AnbuPlugsimNewSignal *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->last_action;
}

gint64
anbu_plugsim_new_signal_get_due (const AnbuPlugsimNewSignal *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->due;
}

static char *
format_seoul (gint64 t)
{
  g_autoptr(GTimeZone) seoul = g_time_zone_new_identifier ("Asia/Seoul");
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = NULL;

  if (seoul == NULL)
    seoul = g_time_zone_new_offset (9 * 3600);
  local = g_date_time_to_timezone (utc, seoul);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

char *
anbu_plugsim_new_signal_describe (const AnbuPlugsimNewSignal *self)
{
  g_autofree char *action = NULL;
  g_autofree char *due = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  action = format_seoul (self->last_action);
  due = format_seoul (self->due);
  /* Translators: household index, household id, the resident's last action
   * (Seoul time), the household's threshold in hours, the due time (Seoul time). */
  return g_strdup_printf (_("New risk signal planned: household %u (%s) has shown no activity since %s; its threshold of %u hours runs out at %s (Seoul time)."),
                          self->index, self->household_id != NULL ? self->household_id : "-",
                          action, self->threshold_hours, due);
}
