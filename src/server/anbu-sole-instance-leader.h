/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-timer-pass-leader.h"

G_BEGIN_DECLS

/* The timer-pass leader of a server that runs alone (one process on one
 * SQLite file): it always leads. */

#define ANBU_TYPE_SOLE_INSTANCE_LEADER (anbu_sole_instance_leader_get_type ())
G_DECLARE_FINAL_TYPE (AnbuSoleInstanceLeader, anbu_sole_instance_leader, ANBU,
                      SOLE_INSTANCE_LEADER, GObject)

AnbuTimerPassLeader *anbu_sole_instance_leader_new (void);

G_END_DECLS
