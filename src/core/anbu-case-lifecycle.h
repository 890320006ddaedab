/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "anbu-alert.h"
#include "anbu-contact.h"
#include "anbu-inactivity.h"

G_BEGIN_DECLS

/*
 * How a risk signal lives and ends (docs/casework.md): the one statement of
 * the rules, used by the server's alert engine and mutations and by the app.
 *
 * - Only a person closes a signal that anyone acted on (acknowledged, a
 *   contact or visit attached, a dispatch), by choosing an outcome.
 * - An untouched signal closes by itself only on the resident's own activity
 *   (as safe); an untouched offline signal closes when the plug reports again
 *   (as a device problem).
 * - Activity while staff are in the home is theirs, not the resident's: the
 *   plug's first minutes around an install, replacement or removal, and the
 *   time around a visit.
 * - An absence closes nothing; it only keeps new signals from being raised
 *   while it lasts.
 * - A contact made while a signal is open belongs to it; a 112/119 contact
 *   puts the signal in the dispatched state, with its time and who asked.
 *
 * Times of AnbuTimeWindow are Unix seconds; record times are µs (as in the
 * records).
 */

/* Staff at work: this long either side of an install, replacement or removal. */
#define ANBU_CASE_PLUG_WORK_SECONDS ((gint64) 30 * 60)
/* Staff at work: this long either side of a recorded visit's time. */
#define ANBU_CASE_VISIT_SECONDS     ((gint64) 60 * 60)

/* What happened that might close a signal by itself. */
typedef enum
{
  ANBU_CASE_EVENT_RESIDENT_ACTIVITY, /* an activity event outside every staff window */
  ANBU_CASE_EVENT_STAFF_ACTIVITY,    /* activity only inside staff windows */
  ANBU_CASE_EVENT_READINGS_BACK,     /* an offline plug reports again */
  ANBU_CASE_EVENT_ABSENCE,           /* a registered absence covers now */
  ANBU_CASE_EVENT_QUIET_RESTARTED,   /* the counted quiet restarted without activity
                                      * (an absence ended, the plug came back online) */
} AnbuCaseEvent;

/* Someone acted on it: acknowledged or dispatched, or contacts attached. */
gboolean          anbu_case_is_acted_on            (const AnbuAlert       *alert,
                                                    guint                  n_contacts);

/* Whether `event` closes `alert` without a person, and as what. Never for
 * a signal anyone acted on or one already resolved. */
gboolean          anbu_case_event_closes           (const AnbuAlert       *alert,
                                                    gboolean               acted_on,
                                                    AnbuCaseEvent          event,
                                                    AnbuAlertResolution   *resolution);

/* The time around plug work or a visit (Unix seconds) when activity is the staff's. */
void              anbu_case_staff_window_for_plug_work (gint64             at,
                                                        AnbuTimeWindow    *window);
void              anbu_case_staff_window_for_visit     (gint64             at,
                                                        AnbuTimeWindow    *window);
/* A contact whose channel puts someone in the home (a visit, a dispatch). */
gboolean          anbu_case_channel_is_in_person   (AnbuContactChannel     channel);
/* An activity event at `ts` (Unix seconds) that no staff window covers. */
gboolean          anbu_case_is_resident_activity   (gint64                 ts,
                                                    const AnbuTimeWindow  *staff,
                                                    gsize                  n_staff);

/* The unresolved signal a contact or visit at `at` (µs) of the household
 * belongs to: among `alerts` (of that household), those raised by then and
 * not resolved; inactivity and routine before offline, then the most
 * urgent. NULL when none is open. */
const AnbuAlert  *anbu_case_signal_for_record      (AnbuAlert * const     *alerts,
                                                    guint                  n_alerts,
                                                    gint64                 at);

gboolean          anbu_case_channel_dispatches     (AnbuContactChannel     channel);
/* A contact attached to `alert`: a dispatch moves it to dispatched with the
 * contact's time and author (the first dispatch counts). TRUE when `alert`
 * changed. */
gboolean          anbu_case_apply_contact          (AnbuAlert             *alert,
                                                    const AnbuContact     *contact);

/* A person closes `alert` with `resolution` at `at` (µs); a dispatched one
 * also needs what the dispatch found. FALSE with an ANBU_RECORD_ERROR
 * naming the payload field at fault. */
gboolean          anbu_case_resolve                (AnbuAlert             *alert,
                                                    AnbuAlertResolution    resolution,
                                                    AnbuDispatchOutcome    dispatch_outcome,
                                                    gint64                 at,
                                                    const char            *by,
                                                    GError               **error);

G_END_DECLS
