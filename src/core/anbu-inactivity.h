/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The fixed inactivity rule (the city's seed rule) and the offline rule.
 *
 * Everything here is a pure function of stored times, so a server restart
 * neither loses nor resets a countdown: evaluate with the same facts and the
 * same clock and you get the same verdict.
 *
 * Quiet is counted from the last activity event, but restarts when a
 * registered absence ends (the resident just came back). A plug's offline gap
 * is unobserved, neither activity nor quiet: when its start is known
 * (offline_from) and no activity followed the return, the quiet before the gap
 * and the quiet after it add up (a plug that went out by itself after an
 * incapacitation — a power cut, the Wi-Fi — does not hide it); without
 * offline_from the return restarts the quiet (the offline signal covers that
 * time, not the inactivity one). Quiet is measured
 * only up to the last reading actually received, so a plug that stops
 * reporting raises an offline signal, never an inactivity one. */

#define ANBU_INACTIVITY_ERROR (anbu_inactivity_error_quark ())

typedef enum
{
  ANBU_INACTIVITY_ERROR_INVALID_PARAMETER,
} AnbuInactivityError;

/* Half-open window [from, to), seconds since the Unix epoch, UTC. */
typedef struct
{
  gint64 from;
  gint64 to;
} AnbuTimeWindow;

typedef struct
{
  gint64                last_activity_at; /* last activity event; the install time if none yet */
  gint64                last_seen_at;     /* last reading received; 0 = none yet */
  gint64                online_since;     /* first reading after the last offline gap; 0 = none */
  const AnbuTimeWindow *absences;         /* registered absences, any order */
  gsize                 n_absences;
  gint64                offline_from;     /* last reading before that gap; 0 = unknown */
} AnbuQuietFacts;

typedef struct
{
  guint  threshold_hours;       /* the household's threshold: 24..50 */
  gint64 offline_after_seconds; /* no reading for this long → offline; default 6 h */
} AnbuInactivityParams;

typedef struct
{
  gboolean offline;      /* no reading for offline_after_seconds (device problem) */
  gboolean absent;       /* now is inside a registered absence: inactivity suppressed */
  gboolean inactive;     /* risk signal (위험신호): quiet ≥ threshold, not absent */
  gint64   quiet_since;  /* start of the counted quiet */
  gint64   quiet_seconds;/* counted quiet, up to the last reading */
  gint64   inactive_at;  /* when the risk signal is (or was) due: quiet_since + threshold */
  gint64   offline_at;   /* when the plug is (or was) offline: last_seen_at + offline_after */
} AnbuInactivityVerdict;

GQuark   anbu_inactivity_error_quark         (void);

void     anbu_inactivity_params_init_default (AnbuInactivityParams       *params);
gboolean anbu_inactivity_params_validate     (const AnbuInactivityParams *params,
                                              GError                    **error);

/* TRUE when t lies in one of the windows. */
gboolean anbu_time_windows_contain           (const AnbuTimeWindow       *windows,
                                              gsize                       n_windows,
                                              gint64                      t);

/* Start of the quiet that counts at `now`: the latest of the last activity
 * (moved on by the offline gap when no activity followed it, or the return
 * from offline when the gap's start is unknown) and the end of an absence
 * that ended by `now`. */
gint64   anbu_quiet_since                    (const AnbuQuietFacts       *facts,
                                              gint64                      now);

void     anbu_inactivity_evaluate            (const AnbuQuietFacts       *facts,
                                              const AnbuInactivityParams *params,
                                              gint64                      now,
                                              AnbuInactivityVerdict      *verdict);

G_END_DECLS
