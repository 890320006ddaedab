/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "anbu-enums.h"
#include "anbu-record-error.h"

G_BEGIN_DECLS

/*
 * A planner's home visit (DESIGN.md §3): an append-only fact.
 *
 * JSON members:
 *   id             required  UUID made by the app
 *   alert_id       optional  UUID of the risk signal open at the visit
 *                            (docs/casework.md)
 *   household_id   required  UUID
 *   at             required  time
 *   by             required  UUID of the visiting user
 *   purpose        required  "regular" | "alert" | "install" | "removal" | "other"
 *   outcome        optional  what was found, one line ≤ 200
 *   notes          optional  multi-line ≤ 2000
 *   next_visit_on  optional  "YYYY-MM-DD"
 * Times are µs since the epoch, UTC.
 */

typedef struct
{
  char             *id;
  char             *alert_id;
  char             *household_id;
  gint64            at;
  char             *by;
  AnbuVisitPurpose  purpose;
  char             *outcome;
  char             *notes;
  char             *next_visit_on;
} AnbuVisit;

#define ANBU_TYPE_VISIT (anbu_visit_get_type ())

GType       anbu_visit_get_type  (void) G_GNUC_CONST;
AnbuVisit  *anbu_visit_new       (void);
AnbuVisit  *anbu_visit_copy      (const AnbuVisit  *visit);
void        anbu_visit_free      (AnbuVisit        *visit);
gboolean    anbu_visit_equal     (const AnbuVisit  *a,
                                  const AnbuVisit  *b);
AnbuVisit  *anbu_visit_from_json (JsonObject       *object,
                                  GError          **error);
JsonObject *anbu_visit_to_json   (const AnbuVisit  *visit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuVisit, anbu_visit_free)

G_END_DECLS
