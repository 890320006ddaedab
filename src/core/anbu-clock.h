/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The one clock of Anbu. The app, the client, the server and the simulator
 * read "now" only from here, never from the wall clock directly, so that a
 * test (or the server's --manual-clock) can stand time still and move it.
 *
 * A real clock follows the system's wall clock. A manual clock stands where
 * it was set and moves only when told (anbu_clock_set_now, anbu_clock_advance),
 * emitting ::changed each time. Reading is thread-safe: the server's workers
 * and the replica's worker thread read the same clock as the main loop. */

#define ANBU_TYPE_CLOCK (anbu_clock_get_type ())
G_DECLARE_FINAL_TYPE (AnbuClock, anbu_clock, ANBU, CLOCK, GObject)

AnbuClock *anbu_clock_new_real          (void);
AnbuClock *anbu_clock_new_manual        (gint64     now_usec);

gboolean   anbu_clock_is_manual         (AnbuClock *self);
/* µs since the Unix epoch, UTC. */
gint64     anbu_clock_get_now_usec      (AnbuClock *self);
/* Whole seconds since the Unix epoch. */
gint64     anbu_clock_get_now_seconds   (AnbuClock *self);
/* Returns: (transfer full): now, in UTC. */
GDateTime *anbu_clock_get_now_utc       (AnbuClock *self);
/* Returns: (transfer full): now, in Asia/Seoul. */
GDateTime *anbu_clock_get_now_kst       (AnbuClock *self);

/* Manual clocks only. */
void       anbu_clock_set_now_usec      (AnbuClock *self,
                                         gint64     now_usec);
void       anbu_clock_advance           (AnbuClock *self,
                                         GTimeSpan  span);

/* The process's clock: a real clock unless a test, the server's
 * --manual-clock or $ANBU_CLOCK (an ISO 8601 time: a manual clock standing
 * there) set another. Returns: (transfer none). */
AnbuClock *anbu_clock_get_default       (void);
void       anbu_clock_set_default       (AnbuClock *clock);

/* Shorthands for the process's clock. */
gint64     anbu_clock_now_usec          (void);
gint64     anbu_clock_now_seconds       (void);

G_END_DECLS
