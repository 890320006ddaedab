/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "anbu-enums.h"
#include "anbu-record-error.h"

G_BEGIN_DECLS

/*
 * A registered absence (DESIGN.md §3): inactivity and routine signals are
 * suppressed from @from to @to. An append-only fact.
 *
 * JSON members:
 *   id            required  UUID made by the app
 *   household_id  required  UUID
 *   from          required  time
 *   to            optional  time after from; absent = until further notice
 *                           (a hospital stay of unknown length)
 *   reason        required  "travel" | "hospital" | "family" | "other"
 *   notes         optional  multi-line ≤ 2000
 * Times are µs since the epoch, UTC; to = 0 is open-ended.
 */

typedef struct
{
  char              *id;
  char              *household_id;
  gint64             from;
  gint64             to;
  AnbuAbsenceReason  reason;
  char              *notes;
} AnbuAbsence;

#define ANBU_TYPE_ABSENCE (anbu_absence_get_type ())

GType        anbu_absence_get_type  (void) G_GNUC_CONST;
AnbuAbsence *anbu_absence_new       (void);
AnbuAbsence *anbu_absence_copy      (const AnbuAbsence  *absence);
void         anbu_absence_free      (AnbuAbsence        *absence);
gboolean     anbu_absence_equal     (const AnbuAbsence  *a,
                                     const AnbuAbsence  *b);
gboolean     anbu_absence_covers    (const AnbuAbsence  *absence,
                                     gint64              usec);
AnbuAbsence *anbu_absence_from_json (JsonObject         *object,
                                     GError            **error);
JsonObject  *anbu_absence_to_json   (const AnbuAbsence  *absence);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuAbsence, anbu_absence_free)

G_END_DECLS
