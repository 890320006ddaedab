/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include "anbu-holiday-calendar.h"
#include "anbu-reading-log.h"
#include "anbu-routine-detector.h"
#include "anbu-store.h"
#include "anbu-telemetry.h"

G_BEGIN_DECLS

/* Risk signals (위험신호) from stored times.
 *
 * For each active household with an installed plug, the core rules
 * (anbu-inactivity.h) are evaluated on the stored facts: last activity
 * event, last reading, return from an offline gap, registered absences.
 * Nothing is kept in memory that a restart could lose: evaluate again with
 * the same facts and the same clock and the verdict is the same.
 *
 * - inactivity: quiet for the household's threshold_hours → level risk;
 * - routine (관심): a silence improbable for this household's own routine
 *   (anbu-routine-detector.h) → level watch, usually well before the
 *   threshold, with the detector's sentence in the record's "detail".
 *   Profiles are relearned once a day (after local midnight) by the timer
 *   pass from the stored activity events, readings (offline gaps),
 *   absences and install times, and kept in table routine_profile; during
 *   the warm-up only the fixed rule applies;
 * - offline: no reading for offline_after seconds → an offline signal
 *   (level watch: a device problem);
 * - an absence covering the moment suppresses inactivity and routine;
 * - two contacts answering the alert with outcome no_answer → critical;
 * - one unresolved alert per household and kind; when activity (or, for
 *   offline, readings) returns it is resolved by itself only while nobody
 *   has acted on it (still open, no contact recorded), otherwise it waits
 *   for a planner's resolution;
 * - the responder follows the core routing rule (business hours, weekends,
 *   holidays, consent); an alert for a household without night/holiday
 *   consent outside business hours waits for the 동주민센터, flagged
 *   ("waiting": true, "waiting_until": next business morning), and every
 *   unresolved alert changes hands when its window changes.
 *
 * The alert record is the core codec's, with "waiting" and "waiting_until"
 * added. */

#define ANBU_ALERT_ENGINE_DEFAULT_OFFLINE_AFTER (6 * 60 * 60)

/* Time a timer pass may spend relearning routine profiles (the rest wait
 * for the next pass), microseconds. */
#define ANBU_ALERT_ENGINE_DEFAULT_LEARN_BUDGET (250 * 1000)

/* The table the routine watch adds to the server's schema (one migration
 * step): each household's learned profile, so a restart relearns nothing. */
extern const char anbu_alert_engine_schema_sql[];
/* The next step: the offline gaps already found, so relearning reads only
 * the day's new readings. */
extern const char anbu_alert_engine_schema_gaps_sql[];
/* The next: the profiles of workdays and of days off (routine days_off). */
extern const char anbu_alert_engine_schema_days_off_sql[];
/* The next: each household's routine watch as last judged
 * (AnbuRoutineWatch), so an instance taking over keeps it. */
extern const char anbu_alert_engine_schema_watch_sql[];

#define ANBU_TYPE_ALERT_ENGINE (anbu_alert_engine_get_type ())
G_DECLARE_FINAL_TYPE (AnbuAlertEngine, anbu_alert_engine, ANBU, ALERT_ENGINE, GObject)

typedef struct
{
  guint households;   /* households evaluated */
  guint raised;
  guint escalated;
  guint rerouted;
  guint closed;
  guint judged;       /* routine watches judged (their profiles read) */
} AnbuAlertPassStats;

/* Detection on `store`'s engine (SQLite or PostgreSQL), writing in its
 * transactions; on PostgreSQL the raw readings for learning routines are
 * read from `readings` (may be NULL on SQLite, which reads them on the
 * store's connection). */
AnbuAlertEngine *anbu_alert_engine_new                (AnbuStore               *store,
                                                       AnbuReadingLog          *readings,
                                                       AnbuHolidayCalendar     *calendar,
                                                       gint64                   offline_after_seconds);

/* Whether a plug's batch may change a signal of its household: it has an
 * unresolved alert, or the plug has been quiet for at least the smallest
 * threshold. Cheap; lets ingest skip the rest. */
gboolean         anbu_alert_engine_wants_check        (AnbuAlertEngine         *self,
                                                       const AnbuTelemetryPlugStatus *status);

/* Tells the due index what a batch did to a plug (every plug of every
 * committed batch, before anbu_alert_engine_check_households()): new
 * activity or a return from offline brings its household's look forward. */
void             anbu_alert_engine_note_plug_status   (AnbuAlertEngine         *self,
                                                       const AnbuTelemetryPlugStatus *status);

/* Evaluates the households (ids) at `now` (Unix seconds). */
gboolean         anbu_alert_engine_check_households   (AnbuAlertEngine         *self,
                                                       GPtrArray               *household_ids,
                                                       gint64                   now,
                                                       AnbuAlertPassStats      *stats,
                                                       GError                 **error);

/* Evaluates the households that have (or may have) an unresolved alert:
 * cheap, for right after records changed (a contact may escalate, an
 * acknowledgement stops the automatic closing). */
gboolean         anbu_alert_engine_check_watched      (AnbuAlertEngine         *self,
                                                       gint64                   now,
                                                       AnbuAlertPassStats      *stats,
                                                       GError                 **error);

/* The timer pass: every active household whose countdowns may have run
 * out (the due index; the first pass, and any pass that finds most
 * households behind, looks at every one, without the store's write lock),
 * then escalation and routing of every unresolved alert. It writes in the
 * store's write transactions, committing and telling its signals by
 * batches; on failure those committed stay and the next pass looks at
 * every household. */
gboolean         anbu_alert_engine_run_pass           (AnbuAlertEngine         *self,
                                                       gint64                   now,
                                                       AnbuAlertPassStats      *stats,
                                                       GError                 **error);

/* Whether the next pass must look at every household first (after
 * start-up, a takeover, a failed pass): at a million households that look
 * takes seconds, which a server may make apart (below) while it answers
 * requests. */
gboolean         anbu_alert_engine_needs_look         (AnbuAlertEngine         *self);

/* A look made apart, on any thread: an engine on `store` (a connection of
 * its own to the same database) with the parameters of `self` (read only;
 * set before any look), which looks at every household at `now` and writes
 * nothing. NULL with `error` set when it could not. */
AnbuAlertEngine *anbu_alert_engine_look_apart         (AnbuAlertEngine         *self,
                                                       AnbuStore               *store,
                                                       gint64                   now,
                                                       AnbuAlertPassStats      *stats,
                                                       GError                 **error);

/* Back on the engine's own thread: takes what `look` found as if this
 * engine had looked (its due index, routine watches, watched households
 * added to its own), keeping what ingest marked meanwhile. The next pass
 * is the due pass that follows a look: it reads again, under the write
 * lock, every household changed since the look began or marked since. */
void             anbu_alert_engine_adopt_look         (AnbuAlertEngine         *self,
                                                       AnbuAlertEngine         *look);

/* Forgets the due index, so the next pass looks at every household: for
 * an instance that did not run the passes for a while (another instance
 * led), whose index missed what that one saw. */
void             anbu_alert_engine_forget_due         (AnbuAlertEngine         *self);

/* The routine detector's parameters (defaults: anbu_routine_params_init_default).
 * FALSE with an error when they are out of range. */
gboolean         anbu_alert_engine_set_routine_params (AnbuAlertEngine         *self,
                                                       const AnbuRoutineParams *params,
                                                       GError                 **error);

/* How long one timer pass may spend relearning profiles (µs); 0 = no limit
 * (every due household in the same pass, as tests on a manual clock want). */
void             anbu_alert_engine_set_learn_budget   (AnbuAlertEngine         *self,
                                                       gint64                   usec);

/* Learns (and stores) the routine profile of one household at `now`, as
 * the daily pass does. */
gboolean         anbu_alert_engine_learn_routine      (AnbuAlertEngine         *self,
                                                       const char              *household_id,
                                                       gint64                   now,
                                                       AnbuRoutineProfile      *profile,
                                                       GError                 **error);

/* Signal "alert-changed" (household_id, record JSON text), emitted after
 * the commit for every alert raised, escalated, rerouted or closed. */

G_END_DECLS
