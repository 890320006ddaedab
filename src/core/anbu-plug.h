/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "anbu-enums.h"
#include "anbu-record-error.h"

G_BEGIN_DECLS

/*
 * A smart plug (DESIGN.md §3). Its id is its serial.
 *
 * JSON members:
 *   serial            required  1..64 of A-Z a-z 0-9 - _ . :
 *   household_id      required  UUID of the household it is (or was) installed in
 *   appliance         required  "tv" | "microwave" | "rice_cooker" | "lamp" | "other"
 *   installed_at      required  time
 *   removed_at        optional  time, not before installed_at
 *   state             optional  "installed" | "removed" | "lost", default installed
 *   last_seen_at      optional  time of the last reading (live)
 *   last_watts        optional  0 .. 10000 W (live; NAN in C = unknown)
 *   last_lux          optional  0 .. 200000 lx (live; NAN in C = unknown)
 *   last_activity_at  optional  time of the last activity event (live)
 *   activity_learned_text optional  what the server's detector learned to
 *                     ignore as machine-made (timers, cycles, sun), a sentence
 *                     for the planner (live; set by the server only)
 *   activity_mark     optional  "auto" | "person" | "machine", default auto:
 *                     a planner's word on the switching the detector learned
 *                     (plug.mark; written only when not auto)
 *   version           optional  ≥ 0, server-assigned, default 0
 * Times are µs since the epoch, UTC, 0 = unset.
 */

#define ANBU_PLUG_MAX_WATTS 10000.0
#define ANBU_PLUG_MAX_LUX  200000.0
#define ANBU_PLUG_LEARNED_TEXT_MAX_CHARS 4000

typedef struct
{
  char          *serial;
  char          *household_id;
  AnbuAppliance  appliance;
  gint64         installed_at;
  gint64         removed_at;
  AnbuPlugState  state;
  gint64         last_seen_at;
  double         last_watts;
  double         last_lux;
  gint64         last_activity_at;
  char          *activity_learned_text;
  AnbuActivityMark activity_mark;
  gint64         version;
} AnbuPlug;

#define ANBU_TYPE_PLUG (anbu_plug_get_type ())

GType       anbu_plug_get_type  (void) G_GNUC_CONST;
AnbuPlug   *anbu_plug_new       (void);
AnbuPlug   *anbu_plug_copy      (const AnbuPlug  *plug);
void        anbu_plug_free      (AnbuPlug        *plug);
gboolean    anbu_plug_equal     (const AnbuPlug  *a,
                                 const AnbuPlug  *b);
AnbuPlug   *anbu_plug_from_json (JsonObject      *object,
                                 GError         **error);
JsonObject *anbu_plug_to_json   (const AnbuPlug  *plug);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuPlug, anbu_plug_free)

G_END_DECLS
