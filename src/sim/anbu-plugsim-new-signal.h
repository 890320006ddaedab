/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "anbu-sim-household.h"

G_BEGIN_DECLS

/* A new risk signal (위험신호) at a chosen time, made the real way.
 *
 * `anbu-plugsim run --new-signal-at TIME` picks one household of the state
 * (the first suitable of --new-signal-households, by index) whose resident
 * stops: up to the moment of the last action the plug reports the household's
 * usual day, from then on what the simulator reports for an incapacitated
 * resident (the appliance or lamp stays as it was, daylight goes on). The
 * moment is chosen so that the household's own threshold (its threshold_hours
 * on the server) runs out at TIME, or at most a minute later: the server's
 * inactivity rule then raises the signal from the readings alone. History sent
 * with --backfill and the stream after it agree, so two runs with the same TIME
 * (history first, then streaming) tell the server one consistent story.
 *
 * When the household's usual day shows no switch at that moment (the resident
 * was asleep, say), their last action is a last use of the appliance: twenty
 * minutes in the power state opposite to the one they leave it in.
 *
 * A household is suitable when it is not one of the district's stoppers, no
 * registered absence touches the silence, and its readings show an activity
 * event at the last action, a reading every minute and no event after it up to
 * an hour past TIME (checked with the server's activity detector). Among the
 * suitable ones the signal falling soonest after TIME wins (plugs read at their
 * own second of the minute). */

#define ANBU_PLUGSIM_NEW_SIGNAL_ERROR (anbu_plugsim_new_signal_error_quark ())

typedef enum
{
  ANBU_PLUGSIM_NEW_SIGNAL_ERROR_INVALID_LIST,   /* --new-signal-households is not a list of indices */
  ANBU_PLUGSIM_NEW_SIGNAL_ERROR_INVALID_TIME,   /* --new-signal-at is not an ISO 8601 time */
  ANBU_PLUGSIM_NEW_SIGNAL_ERROR_NOT_IN_STATE,   /* an index the state file does not have */
  ANBU_PLUGSIM_NEW_SIGNAL_ERROR_NO_HOUSEHOLD,   /* none of the candidates can stop in time */
} AnbuPlugsimNewSignalError;

typedef struct _AnbuPlugsimNewSignal AnbuPlugsimNewSignal;

GQuark                anbu_plugsim_new_signal_error_quark   (void);

/* Plans the signal due at `due` (seconds since the epoch) for the first
 * suitable household among `candidates` (indices as in the state file). */
AnbuPlugsimNewSignal *anbu_plugsim_new_signal_plan          (guint64              seed,
                                                             gint64               sim_start,
                                                             const guint         *candidates,
                                                             guint                n_candidates,
                                                             gint64               due,
                                                             GError             **error);

/* The same from run's options: `state` is the seed's state file (households
 * with id and index), `at` an ISO 8601 time with offset, `households` a
 * comma-separated list of indices (NULL: household 0). */
AnbuPlugsimNewSignal *anbu_plugsim_new_signal_plan_for_state (JsonObject         *state,
                                                              const char         *at,
                                                              const char         *households,
                                                              GError            **error);

void                  anbu_plugsim_new_signal_free          (AnbuPlugsimNewSignal *self);

guint                 anbu_plugsim_new_signal_get_index     (const AnbuPlugsimNewSignal *self);
/* The household's id (only when planned from a state). */
const char           *anbu_plugsim_new_signal_get_household_id (const AnbuPlugsimNewSignal *self);
guint                 anbu_plugsim_new_signal_get_threshold_hours (const AnbuPlugsimNewSignal *self);
/* The resident's last action: the activity event the silence counts from. */
gint64                anbu_plugsim_new_signal_get_last_action (const AnbuPlugsimNewSignal *self);
/* last action + threshold: the reading at this time raises the signal. */
gint64                anbu_plugsim_new_signal_get_due       (const AnbuPlugsimNewSignal *self);

/* The household's reading at `t` (a reading time of its plug). */
gboolean              anbu_plugsim_new_signal_reading_at    (const AnbuPlugsimNewSignal *self,
                                                             gint64               t,
                                                             AnbuReading         *reading);

/* One translated sentence for the log: which household, since when, due when. */
char                 *anbu_plugsim_new_signal_describe      (const AnbuPlugsimNewSignal *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuPlugsimNewSignal, anbu_plugsim_new_signal_free)

G_END_DECLS
