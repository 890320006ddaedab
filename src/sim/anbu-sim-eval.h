/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "anbu-activity-detector.h"
#include "anbu-routine-detector.h"
#include "anbu-sim-household.h"

G_BEGIN_DECLS

/* The offline evaluation harness behind `anbu-plugsim eval`.
 *
 * Generates households (anbu-sim-household.h) with ground truth, turns each
 * one's readings into activity events with the core activity detector, and runs
 * every detector over the same events, offline gaps and registered absences,
 * exactly as the server would evaluate them at any moment:
 *  - the fixed rule at 24, 30, 36, 42, 48 and 50 h, and at each household's own
 *    threshold;
 *  - the routine watch alone, and next to the fixed rule at the household's
 *    threshold (how it runs in the server), with a sweep of its margin.
 * An alarm is counted once per silence (it closes when activity returns).
 * Alarms raised before the onset of the incapacitation are false alarms; the
 * first one from the onset on is the detection. */

#define ANBU_SIM_EVAL_ERROR (anbu_sim_eval_error_quark ())

typedef enum
{
  ANBU_SIM_EVAL_ERROR_INVALID_PARAMETER,
} AnbuSimEvalError;

typedef struct
{
  AnbuSimConfig      sim;
  guint              households;        /* default 1000 */
  guint              threads;           /* default: the number of processors */
  gint64             offline_after_seconds; /* default 6 h */
  AnbuActivityParams activity;
  AnbuRoutineParams  routine;
  double             routine_margins[8];/* sweep of the routine margin; 0 ends the list */
} AnbuSimEvalConfig;

/* Scenario classes for the missed and false-alarm columns: each way of
 * life, the homes whose plug went out after the onset, and those whose
 * appliance wakes from standby by itself. */
#define ANBU_SIM_EVAL_CLASS_OUTAGE_AFTER_ONSET ANBU_SIM_N_LIFESTYLES
#define ANBU_SIM_EVAL_CLASS_STANDBY_WAKES      (ANBU_SIM_N_LIFESTYLES + 1)
#define ANBU_SIM_EVAL_N_CLASSES (ANBU_SIM_N_LIFESTYLES + 2)

/* Why a false alarm's silence was silent (the simulation's ground truth). */
typedef enum
{
  ANBU_SIM_EVAL_CAUSE_AT_HOME,     /* at home, the resident switched nothing */
  ANBU_SIM_EVAL_CAUSE_DAY_OUT,     /* hours out (or at night-shift work) in the silence */
  ANBU_SIM_EVAL_CAUSE_UNSEEN_SWITCHING, /* the resident switched the appliance or the light
                                    * in the silence, the detector did not count it */
  ANBU_SIM_EVAL_CAUSE_AFTER_AWAY,  /* an unregistered trip or hospital stay in the silence,
                                    * the signal raised after the return */
  ANBU_SIM_EVAL_CAUSE_PLUG_OUT,    /* the plug was out in the silence */
  ANBU_SIM_EVAL_CAUSE_INGEST_GAP,  /* the server or a gateway down in the silence */
  ANBU_SIM_EVAL_N_CAUSES
} AnbuSimEvalCause;

typedef struct
{
  char   *name;
  guint   incapacitations;
  double  latency_median_hours;     /* INFINITY: not detected before the run ended */
  double  latency_p90_hours;
  double  detected_within_12h;      /* shares of incapacitations, 0..1 */
  double  detected_within_24h;
  double  detected_within_48h;
  double  false_alarms_mean;        /* per household-month before the onset, after the
                                     * household's warm-up (routine warmup_days) */
  double  false_alarms_p90;
  double  away_alarms_mean;         /* signals while away unregistered (trip, hospital) per
                                     * household-month after the warm-up: not false alarms */
  guint   missed;                   /* incapacitations not detected within the household's
                                     * threshold + 2 h, plus the time nothing was observed
                                     * then (the server down, the plug out) */
  guint   incapacitations_by_machine[ANBU_SIM_N_MACHINES];
  guint   missed_by_machine[ANBU_SIM_N_MACHINES];
  guint   incapacitations_by_class[ANBU_SIM_EVAL_N_CLASSES];
  guint   missed_by_class[ANBU_SIM_EVAL_N_CLASSES];
  guint   households_by_class[ANBU_SIM_EVAL_N_CLASSES];
  double  false_alarms_by_class[ANBU_SIM_EVAL_N_CLASSES]; /* mean per household-month */
  double  false_alarms_by_cause[ANBU_SIM_EVAL_N_CAUSES];  /* per household-month, summing
                                                           * to false_alarms_mean */
  guint   offline_periods;          /* gaps of at least offline_after */
  guint   offline_kept_apart;       /* raised offline and no inactivity/watch alarm */
} AnbuSimEvalRow;

typedef struct
{
  AnbuSimEvalConfig config;
  GArray           *rows;           /* AnbuSimEvalRow */
  GArray           *budget_rows;    /* AnbuSimEvalRow: the per-household alarm budget sweep */
  guint64           readings;
  guint64           activity_events;
  double            household_months;
} AnbuSimEvalResult;

GQuark             anbu_sim_eval_error_quark     (void);

void               anbu_sim_eval_config_init_default (AnbuSimEvalConfig       *config);

AnbuSimEvalResult *anbu_sim_eval_run             (const AnbuSimEvalConfig *config,
                                                  GError                 **error);
void               anbu_sim_eval_result_free     (AnbuSimEvalResult       *result);

/* The trade-off curve (issue 13): of the rows that run the fixed rule at
 * the household's threshold (alone, with a routine watch, or with a
 * per-household budget) and miss nothing the fixed rule alone catches (a
 * home with a machine it does not catch yet is missed by every such row),
 * by rising false alarms, each one
 * with a median latency lower than all before it by more than 0.05 h
 * (const AnbuSimEvalRow *,
 * owned by the result). */
GPtrArray         *anbu_sim_eval_result_trade_off (const AnbuSimEvalResult *result);

/* The table `anbu-plugsim eval` prints (deterministic for a configuration). */
char              *anbu_sim_eval_result_format   (const AnbuSimEvalResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuSimEvalResult, anbu_sim_eval_result_free)

G_END_DECLS
