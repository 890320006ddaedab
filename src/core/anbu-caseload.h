/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "anbu-absence.h"
#include "anbu-alert.h"
#include "anbu-household.h"
#include "anbu-plug.h"
#include "anbu-visit.h"
#include "anbu-household-summary.h"

G_BEGIN_DECLS

/*
 * What the planner's casework views show, computed from the records of the
 * replica (plain functions, no I/O, so they run on a worker thread and in
 * tests alike).
 */

/* A plug counts as offline when it has sent nothing for this long. */
#define ANBU_PLUG_OFFLINE_AFTER (G_GINT64_CONSTANT (6) * G_USEC_PER_SEC * 3600)

/* One AnbuHouseholdSummary per household that is not closed. Arrays of
 * AnbuHousehold*, AnbuPlug*, AnbuAlert*, AnbuAbsence*; @now in µs UTC. */
GPtrArray *anbu_caseload_summarize          (GPtrArray       *households,
                                             GPtrArray       *plugs,
                                             GPtrArray       *alerts,
                                             GPtrArray       *absences,
                                             gint64           now);
/* The same, with the contacts (AnbuContact*) so that each summary says how
 * many of its numbers are flagged as bad (anbu-bad-number.h). */
GPtrArray *anbu_caseload_summarize_with_contacts (GPtrArray  *households,
                                                  GPtrArray  *plugs,
                                                  GPtrArray  *alerts,
                                                  GPtrArray  *absences,
                                                  GPtrArray  *contacts,
                                                  gint64      now);

gboolean   anbu_alert_is_open               (const AnbuAlert *alert);
/* Most urgent first: 심각 > 위험 > 관심, then the longest quiet, then raised first. */
int        anbu_alert_compare_urgency       (const AnbuAlert *a,
                                             const AnbuAlert *b);
/* The open alerts sorted by urgency (borrowed pointers from @alerts). */
GPtrArray *anbu_caseload_open_alerts        (GPtrArray       *alerts);

/* The plug currently installed in @household_id, NULL if none. */
AnbuPlug  *anbu_caseload_find_installed_plug (GPtrArray      *plugs,
                                              const char     *household_id);
/* The household a plug with @serial is installed in now, NULL if none. */
const char *anbu_caseload_plug_installed_in (GPtrArray       *plugs,
                                             const char      *serial);

typedef enum
{
  ANBU_VISIT_DUE_SCHEDULED,  /* a next visit date from the last visit */
  ANBU_VISIT_DUE_ALERT,      /* an open risk signal without a visit since it was raised */
} AnbuVisitDueReason;

typedef struct
{
  char               *household_id;
  GDate               due;       /* today for alerts; may be in the past (overdue) */
  AnbuVisitDueReason  reason;
  char               *alert_id;  /* for ANBU_VISIT_DUE_ALERT */
} AnbuVisitDue;

void       anbu_visit_due_free              (AnbuVisitDue    *due);
/* Visits due on or before @until (overdue ones included), earliest first,
 * one per household (an alert before a schedule). */
GPtrArray *anbu_caseload_visits_due         (GPtrArray       *households,
                                             GPtrArray       *visits,
                                             GPtrArray       *alerts,
                                             const GDate     *today,
                                             const GDate     *until);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuVisitDue, anbu_visit_due_free)

G_END_DECLS
