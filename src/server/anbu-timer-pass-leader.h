/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Who runs the timer pass (detection, routing hand-overs, retention,
 * routine relearning): exactly one server instance at a time. The pass
 * asks before each run. AnbuSoleInstanceLeader says yes always (one server
 * on SQLite); AnbuPgAdvisoryLeader holds a PostgreSQL session advisory
 * lock on a connection of its own, which PostgreSQL releases when that
 * connection ends, so when the leading instance dies (even by kill -9)
 * another one wins the lock the next time it asks. */

#define ANBU_TYPE_TIMER_PASS_LEADER (anbu_timer_pass_leader_get_type ())
G_DECLARE_INTERFACE (AnbuTimerPassLeader, anbu_timer_pass_leader, ANBU, TIMER_PASS_LEADER, GObject)

struct _AnbuTimerPassLeaderInterface
{
  GTypeInterface parent_iface;

  gboolean (*try_lead) (AnbuTimerPassLeader  *self,
                        GError              **error);
};

/* Whether this instance leads now, taking the lead when nobody holds it.
 * FALSE with `error` set when the database cannot be asked (then this
 * instance does not lead). */
gboolean anbu_timer_pass_leader_try_lead (AnbuTimerPassLeader  *self,
                                          GError              **error);

/* The "leading" property: what the last ask found. A leader also asks by
 * itself, every ANBU_TIMER_PASS_LEADER_RETRY_SECONDS on the main context
 * it was made in, so a standby takes over within 30 s of the leader's
 * death and notifies "leading" then, without waiting for its next pass. */
gboolean anbu_timer_pass_leader_get_leading (AnbuTimerPassLeader *self);

/* A round trip every 2 s per instance costs nothing next to its requests,
 * and a standby's first pass (a look at every household: about 10 s at a
 * million) has to fit in the 30 s after a kill -9 too. */
#define ANBU_TIMER_PASS_LEADER_RETRY_SECONDS 2

/* The leader for the server's --db value: an advisory lock for a
 * postgresql:// URI, else the one process. */
AnbuTimerPassLeader *anbu_timer_pass_leader_new_for_location (const char  *location,
                                                              GError     **error);

G_END_DECLS
