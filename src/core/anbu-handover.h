/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "anbu-alert.h"
#include "anbu-contact.h"
#include "anbu-holiday-calendar.h"
#include "anbu-household.h"
#include "anbu-visit.h"

G_BEGIN_DECLS

/*
 * The morning hand-over (지난밤 관제 기록): what happened to one 동's
 * households while the control centre answered for them, from the end of
 * the last business day (18:00 KST) to the hand-over at 09:00 KST of the
 * next business day (anbu-routing.c decides which days those are).
 *
 * It is computed from the records themselves (alerts with their dispatch
 * fields, contacts, visits), never from a separate log, so it cannot
 * disagree with them; the state of each signal is its state at the
 * hand-over moment, read from the times the records carry, so the record
 * stays the same when read later in the day.
 */

typedef struct
{
  char                *alert_id;
  char                *household_id;
  char                *household_name;
  gboolean             night_consent;     /* the control centre answered for it */
  AnbuAlertKind        kind;
  AnbuAlertLevel       level;
  gint64               raised_at;
  guint                n_contacts;        /* contacts and visits in the night */
  gint64               dispatched_at;     /* 0: no dispatch in the night */
  AnbuDispatchOutcome  dispatch_outcome;
  AnbuAlertState       state;             /* at the hand-over moment */
  AnbuAlertResolution  resolution;        /* when resolved before the hand-over */
  gint64               closed_at;         /* idem; 0 otherwise */
  char                *open_reason;       /* translated; NULL when closed */
} AnbuHandoverCase;

typedef struct
{
  char   *household_id;
  char   *household_name;
  char   *alert_id;       /* NULL: a check without a signal */
  gint64  at;
  char   *channel;        /* translated label */
  char   *outcome;        /* translated label, or the visit's own words */
  char   *notes;
} AnbuHandoverContact;

typedef struct
{
  char      *dong_code;
  char      *dong_name;
  GDate      day;              /* the business day of the hand-over */
  gint64     from;             /* 18:00 KST of the business day before, µs UTC */
  gint64     to;               /* 09:00 KST of @day, µs UTC */
  GPtrArray *cases;            /* AnbuHandoverCase, by raised_at */
  GPtrArray *contacts;         /* AnbuHandoverContact, by time */
  guint      n_raised;         /* signals raised in the night */
  guint      n_dispatches;     /* signals dispatched to 112/119 in the night */
  guint      n_open;           /* signals still open at the hand-over */
} AnbuHandover;

gboolean      anbu_handover_night_of        (AnbuHolidayCalendar *calendar,
                                             const GDate         *day,
                                             gint64              *from,
                                             gint64              *to);
gboolean      anbu_handover_latest_day      (AnbuHolidayCalendar *calendar,
                                             gint64               now,
                                             GDate               *day);

AnbuHandover *anbu_handover_build           (AnbuHolidayCalendar *calendar,
                                             const GDate         *day,
                                             const char          *dong_code,
                                             GPtrArray           *households,
                                             GPtrArray           *alerts,
                                             GPtrArray           *contacts,
                                             GPtrArray           *visits);
gboolean      anbu_handover_is_empty        (const AnbuHandover  *handover);
char         *anbu_handover_dup_day_key     (const AnbuHandover  *handover);
char         *anbu_handover_describe_night  (const AnbuHandover  *handover);
char         *anbu_handover_describe_counts (const AnbuHandover  *handover);
char         *anbu_handover_describe_case   (const AnbuHandoverCase *handover_case);
GBytes       *anbu_handover_to_csv          (const AnbuHandover  *handover);
void          anbu_handover_free            (AnbuHandover        *handover);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuHandover, anbu_handover_free)

G_END_DECLS
