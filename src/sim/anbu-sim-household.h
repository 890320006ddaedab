/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "anbu-activity-detector.h"
#include "anbu-inactivity.h"

G_BEGIN_DECLS

/* A deterministic synthetic household with one smart plug.
 *
 * Everything a household does over the simulated span is drawn up front from
 * a GRand seeded with (seed, household index): its traits (appliance, standby
 * power, window light, wake and bed times and how regular they are), and its
 * days: TV sessions, meals, rice cooking, kettle use, room lights, night trips
 * to the bathroom, weekends and Korean public holidays (later mornings, more
 * outings; trips to family on the eve of 설날 and 추석), days out,
 * unregistered overnight trips, registered trips, hospital stays (registered or
 * not), plug outages, the weather of each day (clear, partly cloudy with cloud
 * edges, overcast) and, optionally, an incapacitation: from its onset the
 * resident does nothing more while the appliance stays on or off, or a lamp
 * stays on, and daylight keeps changing.
 *
 * Readings are then a pure function of the household and the time, so the
 * same household yields the same readings whether generated in one pass
 * (evaluation) or minute by minute (streaming to a server). */

typedef enum
{
  ANBU_SIM_APPLIANCE_TV,
  ANBU_SIM_APPLIANCE_MICROWAVE,
  ANBU_SIM_APPLIANCE_RICE_COOKER,
  ANBU_SIM_APPLIANCE_LAMP,
  ANBU_SIM_APPLIANCE_KETTLE,
} AnbuSimAppliance;

typedef enum
{
  ANBU_SIM_INCAPACITATION_NONE,
  ANBU_SIM_INCAPACITATION_APPLIANCE_LEFT_ON,
  ANBU_SIM_INCAPACITATION_APPLIANCE_LEFT_OFF,
  ANBU_SIM_INCAPACITATION_LAMP_LEFT_ON,
} AnbuSimIncapacitation;

/* Something in the home that switches by itself (issue 13), seen by the
 * plug next to the resident's own switching and going on after the onset. */
typedef enum
{
  ANBU_SIM_MACHINE_NONE,
  ANBU_SIM_MACHINE_TIMER_LAMP,   /* a lamp on a timer, 19:00–23:00, seen by the light sensor */
  ANBU_SIM_MACHINE_THERMOSTAT,   /* a compressor or keep-warm heater on the plug's strip, cycling */
  ANBU_SIM_MACHINE_TV_MODULATION,/* the TV's draw dipping to 45 % twice an hour while on */
  ANBU_SIM_MACHINE_SUNLIT,       /* the sensor in direct sun, passing clouds */
  /* Machines that keep no period or follow no clock (session 11, drawn
   * among the homes without one of the above): */
  ANBU_SIM_MACHINE_MAT,          /* an electric mat's thermostat, on 5–40 min, off 10–50 min */
  ANBU_SIM_MACHINE_PURIFIER,     /* an air purifier's fan in auto mode: sleep, low, high */
  ANBU_SIM_MACHINE_SCREEN,       /* the TV's screen lighting the sensor while the TV is on */
  ANBU_SIM_MACHINE_SHIFTED_TIMER,/* a mechanical timer lamp, stopped by one or two power cuts */
  ANBU_SIM_MACHINE_DEFROST,      /* a fridge: a compressor of no period, a defrost heater every 8–12 h */
  ANBU_SIM_MACHINE_DUSK_LAMP,    /* a night light switched by its light sensor at dusk and dawn */
  ANBU_SIM_N_MACHINES
} AnbuSimMachine;

/* How the resident lives beyond the daily habits (issue 13), drawn in the new
 * population only: the ways of life a detector must not take for a silent
 * home. */
typedef enum
{
  ANBU_SIM_LIFESTYLE_DAY,          /* up by day, asleep at night */
  ANBU_SIM_LIFESTYLE_NIGHT_SHIFT,  /* works nights on workdays (out about 21:00–07:30, asleep
                                    * until mid-afternoon); nights off at home, up late */
  ANBU_SIM_LIFESTYLE_NAPS,         /* an afternoon nap of 1–2.5 h on most days */
  ANBU_SIM_LIFESTYLE_TV_ALL_DAY,   /* the TV on from waking to bed, some nights until morning */
  ANBU_SIM_N_LIFESTYLES
} AnbuSimLifestyle;

typedef enum
{
  ANBU_SIM_AWAY_DAY_OUT,    /* a few hours out, never registered */
  ANBU_SIM_AWAY_TRIP,       /* one to three nights away */
  ANBU_SIM_AWAY_HOSPITAL,   /* days to two weeks in hospital */
} AnbuSimAwayKind;

typedef struct
{
  AnbuTimeWindow  window;
  AnbuSimAwayKind kind;
  gboolean        registered;  /* the resident told the centre: an absence record */
} AnbuSimAway;

typedef struct
{
  guint64 seed;
  guint   days;              /* simulated span */
  gint64  start;             /* UTC start, a local midnight; default 2026-09-01 00:00 KST */
  gint    utc_offset_seconds;/* +9 h */
  gint    reading_interval;  /* seconds between readings; default 60 */
  gboolean incapacitate;     /* inject an incapacitation in every household */
  gboolean machines;         /* the new population: homes with machines (default);
                              * FALSE: the population before issue 13 */
  gboolean uncaught_machines;/* with `machines`, also the machines the server's
                              * detector does not always catch (default TRUE; see
                              * anbu_sim_machine_is_caught) */
} AnbuSimConfig;

typedef struct _AnbuSimHousehold AnbuSimHousehold;

void              anbu_sim_config_init_default       (AnbuSimConfig          *config);

AnbuSimHousehold *anbu_sim_household_new             (const AnbuSimConfig    *config,
                                                      guint                   index);
void              anbu_sim_household_free            (AnbuSimHousehold       *household);

AnbuSimAppliance  anbu_sim_household_get_appliance   (const AnbuSimHousehold *household);
AnbuSimMachine    anbu_sim_household_get_machine     (const AnbuSimHousehold *household);
AnbuSimLifestyle  anbu_sim_household_get_lifestyle   (const AnbuSimHousehold *household);
const char       *anbu_sim_lifestyle_to_string       (AnbuSimLifestyle        lifestyle);
/* The plug went out (power cut, Wi-Fi) after the onset: the new population
 * keeps such outages, which must not hide the incapacitation. */
gboolean          anbu_sim_household_get_outage_after_onset (const AnbuSimHousehold *household);
/* The appliance wakes from standby by itself now and then (a TV fetching
 * its updates): a draw above the detector's step, with nobody at home. */
gboolean          anbu_sim_household_get_standby_wakes (const AnbuSimHousehold *household);
const char       *anbu_sim_machine_to_string         (AnbuSimMachine          machine);
/* FALSE for the machines the server's activity detector does not always catch
 * (docs/detection.md): a home with one may be missed. */
gboolean          anbu_sim_machine_is_caught         (AnbuSimMachine          machine);
guint             anbu_sim_household_get_threshold_hours (const AnbuSimHousehold *household);
gint64            anbu_sim_household_get_start       (const AnbuSimHousehold *household);
gint64            anbu_sim_household_get_end         (const AnbuSimHousehold *household);
/* 0 when no incapacitation was injected. */
gint64            anbu_sim_household_get_onset       (const AnbuSimHousehold *household);
AnbuSimIncapacitation anbu_sim_household_get_incapacitation (const AnbuSimHousehold *household);
const AnbuSimAway *anbu_sim_household_get_aways      (const AnbuSimHousehold *household,
                                                      gsize                  *n_aways);
const AnbuTimeWindow *anbu_sim_household_get_outages (const AnbuSimHousehold *household,
                                                      gsize                  *n_outages);

/* The reading the plug sends at `ts` (any time inside the span); FALSE when the
 * plug is out (no reading). */
gboolean          anbu_sim_household_reading_at      (AnbuSimHousehold       *household,
                                                      gint64                  ts,
                                                      AnbuReading            *reading);

/* How many times the resident switched the plugged appliance or the room
 * light in (from, to] (ground truth: what a perfect detector would count;
 * the machines and the sun are not the resident's). */
guint             anbu_sim_household_count_switches  (const AnbuSimHousehold *household,
                                                      gint64                  from,
                                                      gint64                  to);

/* Time of the first scheduled reading at or after ts (readings come every
 * reading_interval seconds, with a per-plug phase). */
gint64            anbu_sim_household_next_reading_time (const AnbuSimHousehold *household,
                                                        gint64                  ts);

const char       *anbu_sim_appliance_to_string       (AnbuSimAppliance        appliance);
const char       *anbu_sim_incapacitation_to_string  (AnbuSimIncapacitation   incapacitation);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuSimHousehold, anbu_sim_household_free)

G_END_DECLS
