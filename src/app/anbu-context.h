/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "anbu-casework.h"
#include "anbu-clock.h"

G_BEGIN_DECLS

/* What every view of the app reads, owned by the application (one per
 * process, as gnome-calendar's GcalContext): the clock, the settings and the
 * signed-in planner's casework (NULL while signed out or locked). Views hold
 * the context and follow notify::casework; nothing walks the widget tree to
 * hand them the caseload. */

#define ANBU_TYPE_CONTEXT (anbu_context_get_type ())
G_DECLARE_FINAL_TYPE (AnbuContext, anbu_context, ANBU, CONTEXT, GObject)

AnbuContext  *anbu_context_new           (GSettings    *settings);

AnbuClock    *anbu_context_get_clock     (AnbuContext  *self);
GSettings    *anbu_context_get_settings  (AnbuContext  *self);
AnbuCasework *anbu_context_get_casework  (AnbuContext  *self);
void          anbu_context_set_casework  (AnbuContext  *self,
                                          AnbuCasework *casework);

/* Calls `apply (follower, casework)` now and whenever the casework changes, for as long as
 * `follower` lives: how a view follows the caseload. */
typedef void (*AnbuCaseworkApply) (gpointer      follower,
                                   AnbuCasework *casework);
void          anbu_context_follow_casework (AnbuContext      *self,
                                            GObject          *follower,
                                            AnbuCaseworkApply apply);

G_END_DECLS
