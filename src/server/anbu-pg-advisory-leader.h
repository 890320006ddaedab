/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-timer-pass-leader.h"

G_BEGIN_DECLS

/* The timer-pass leader among instances on one PostgreSQL database
 * (anbu-timer-pass-leader.h): whoever holds the session advisory lock
 * ANBU_PG_LOCK_TIMER_PASS (anbu-pg-lock-keys.h) on its own connection leads. The
 * connection asks PostgreSQL to drop it (and so the lock) within about
 * 30 s when its peer vanishes without closing it (a machine that lost
 * power or network): TCP keepalives on both sides. */


#define ANBU_TYPE_PG_ADVISORY_LEADER (anbu_pg_advisory_leader_get_type ())
G_DECLARE_FINAL_TYPE (AnbuPgAdvisoryLeader, anbu_pg_advisory_leader, ANBU, PG_ADVISORY_LEADER,
                      GObject)

/* Connects; leads from the first anbu_timer_pass_leader_try_lead() that
 * wins the lock. */
AnbuTimerPassLeader *anbu_pg_advisory_leader_new (const char  *conninfo,
                                                  GError     **error);

/* How often it asks by itself (ANBU_TIMER_PASS_LEADER_RETRY_SECONDS by
 * default); tests take less. */
void                 anbu_pg_advisory_leader_set_retry_interval (AnbuPgAdvisoryLeader *self,
                                                                 guint                 milliseconds);

G_END_DECLS
