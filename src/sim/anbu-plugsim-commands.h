/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "anbu-sim-household.h"

G_BEGIN_DECLS

/* `anbu-plugsim seed` and `anbu-plugsim run` (see their --help). They
 * share the state file seed writes: the server, the gateway token, the
 * simulation seed and start, and per household its id, plug serial, index
 * and scenario. */

/* Every 25th household (index % 25 == 3) is a resident who stops. */
#define ANBU_PLUGSIM_STOPPER_EVERY 25
#define ANBU_PLUGSIM_STOPPER_AT    3

int      anbu_plugsim_seed_main        (int            argc,
                                        char         **argv);
int      anbu_plugsim_run_main         (int            argc,
                                        char         **argv);

/* The simulation of household `index` around `now`: its span starts at the
 * Seoul midnight six days before `now`; a stopper's onset falls one to two
 * days before `now`. */
void     anbu_plugsim_sim_config       (guint64        seed,
                                        gint64         sim_start,
                                        gboolean       stopper,
                                        AnbuSimConfig *config);
gint64   anbu_plugsim_sim_start_for    (gint64         now);
gboolean anbu_plugsim_is_stopper       (guint          index);

/* The reading of `household` at `t`, also after its simulated span (days
 * repeat: a week back for most, a day back after a stopper's onset). */
gboolean anbu_plugsim_reading_at       (AnbuSimHousehold *household,
                                        gboolean          stopper,
                                        gint64            t,
                                        AnbuReading      *reading);
/* The first scheduled reading time at or after `t`. */
gint64   anbu_plugsim_next_reading     (AnbuSimHousehold *household,
                                        gint64            t);

G_END_DECLS
