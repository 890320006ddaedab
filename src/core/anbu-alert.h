/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "anbu-enums.h"
#include "anbu-record-error.h"

G_BEGIN_DECLS

/*
 * A risk signal (위험신호, DESIGN.md §3).
 *
 * JSON members:
 *   id               required  UUID
 *   household_id     required  UUID
 *   kind             required  "inactivity" | "routine" | "offline"
 *   level            required  "watch" (관심) | "risk" (위험) | "critical" (심각)
 *   quiet_since      optional  time of the last activity (or reading, for offline)
 *   raised_at        required  time
 *   responder        required  "dong" (동주민센터) | "control" (관제센터)
 *   state            optional  "open" | "acknowledged" | "dispatched" | "resolved",
 *                              default open
 *   resolution       optional  "safe" | "hospitalized" | "absent" | "deceased" |
 *                              "false_alarm" | "device_problem"; required when resolved
 *   closed_at        optional  time; required when resolved, not before raised_at
 *   closed_by        optional  UUID of the user who closed it
 *   acknowledged_at  optional  time of alert.acknowledge (addition to DESIGN §3)
 *   detail           optional  the sentence that explains it ("usually active by
 *                              08:00; quiet since 21:40 yesterday"), ≤ 500
 *                              (addition to DESIGN §3)
 *   notes            optional  multi-line ≤ 2000, from alert.resolve (addition)
 *   dispatched_at    optional  time of the 112/119 dispatch; required when dispatched
 *                              (docs/casework.md)
 *   dispatched_by    optional  UUID of the user who asked for it
 *   dispatch_outcome optional  "found_safe" | "hospitalized" | "found_dead" |
 *                              "no_entry": what the dispatch found, given when a
 *                              dispatched signal is resolved; only after a dispatch
 *   claimed_by       optional  UUID of the operator who holds it now ("내가 처리 중",
 *                              alert.claim; docs/casework.md "Taking a case")
 *   claimed_by_name  optional  that operator's display name ≤ 50, so every
 *                              screen can say who holds it
 *   claimed_at       optional  time of the claim; set exactly when claimed_by is
 *   version          optional  ≥ 0, server-assigned, default 0
 * Times are µs since the epoch, UTC, 0 = unset.
 */

typedef struct
{
  char                *id;
  char                *household_id;
  AnbuAlertKind        kind;
  AnbuAlertLevel       level;
  gint64               quiet_since;
  gint64               raised_at;
  AnbuAlertResponder   responder;
  AnbuAlertState       state;
  AnbuAlertResolution  resolution;   /* ANBU_ALERT_RESOLUTION_NONE until resolved */
  gint64               closed_at;
  char                *closed_by;
  gint64               acknowledged_at;
  char                *detail;
  char                *notes;
  gint64               dispatched_at;
  char                *dispatched_by;
  AnbuDispatchOutcome  dispatch_outcome; /* ANBU_DISPATCH_OUTCOME_NONE until known */
  char                *claimed_by;
  char                *claimed_by_name;
  gint64               claimed_at;
  gint64               version;
} AnbuAlert;

/* A display name as anbu-user.h allows it. */
#define ANBU_ALERT_CLAIMANT_NAME_MAX_CHARS 50

#define ANBU_TYPE_ALERT (anbu_alert_get_type ())

GType       anbu_alert_get_type  (void) G_GNUC_CONST;
AnbuAlert  *anbu_alert_new       (void);
AnbuAlert  *anbu_alert_copy      (const AnbuAlert  *alert);
void        anbu_alert_free      (AnbuAlert        *alert);
gboolean    anbu_alert_equal     (const AnbuAlert  *a,
                                  const AnbuAlert  *b);
AnbuAlert  *anbu_alert_from_json (JsonObject       *object,
                                  GError          **error);
JsonObject *anbu_alert_to_json   (const AnbuAlert  *alert);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuAlert, anbu_alert_free)

G_END_DECLS
