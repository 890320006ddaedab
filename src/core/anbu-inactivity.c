/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-inactivity"

#include "config.h"

#include <string.h>

#include "anbu-inactivity.h"
#include "anbu-validate.h"

G_DEFINE_QUARK (anbu-inactivity-error-quark, anbu_inactivity_error)

void
anbu_inactivity_params_init_default (AnbuInactivityParams *params)
{
  g_return_if_fail (params != NULL);

  params->threshold_hours = ANBU_THRESHOLD_HOURS_DEFAULT;
  params->offline_after_seconds = 6 * 3600;
}

gboolean
anbu_inactivity_params_validate (const AnbuInactivityParams  *params,
                                 GError                     **error)
{
  g_return_val_if_fail (params != NULL, FALSE);

  /* The same range a household record accepts (anbu-validate.h). */
  if (params->threshold_hours < ANBU_THRESHOLD_HOURS_MIN
      || params->threshold_hours > ANBU_THRESHOLD_HOURS_MAX)
    {
      g_set_error (error, ANBU_INACTIVITY_ERROR, ANBU_INACTIVITY_ERROR_INVALID_PARAMETER,
                   "threshold_hours must be between %d and %d", ANBU_THRESHOLD_HOURS_MIN,
                   ANBU_THRESHOLD_HOURS_MAX);
      return FALSE;
    }
  if (params->offline_after_seconds < 600 || params->offline_after_seconds > 7 * 86400)
    {
      g_set_error (error, ANBU_INACTIVITY_ERROR, ANBU_INACTIVITY_ERROR_INVALID_PARAMETER,
                   "offline_after_seconds must be between 600 and 604800");
      return FALSE;
    }
  return TRUE;
}

gboolean
anbu_time_windows_contain (const AnbuTimeWindow *windows,
                           gsize                 n_windows,
                           gint64                t)
{
  for (gsize i = 0; i < n_windows; i++)
    if (t >= windows[i].from && t < windows[i].to)
      return TRUE;
  return FALSE;
}

gint64
anbu_quiet_since (const AnbuQuietFacts *facts,
                  gint64                now)
{
  gint64 since;

  g_return_val_if_fail (facts != NULL, now);

  if (facts->online_since > facts->last_activity_at && facts->offline_from > 0
      && facts->offline_from <= facts->online_since)
    /* The gap was nobody's to observe: the quiet on both sides counts. */
    since = MIN (facts->online_since,
                 facts->last_activity_at + (facts->online_since - MAX (facts->offline_from,
                                                                        facts->last_activity_at)));
  else
    since = MAX (facts->last_activity_at, facts->online_since);
  for (gsize i = 0; i < facts->n_absences; i++)
    {
      gint64 end = facts->absences[i].to;

      if (end <= now && end > since && facts->absences[i].from < end)
        since = end;
    }
  return since;
}

void
anbu_inactivity_evaluate (const AnbuQuietFacts       *facts,
                          const AnbuInactivityParams *params,
                          gint64                      now,
                          AnbuInactivityVerdict      *verdict)
{
  gint64 seen;

  g_return_if_fail (facts != NULL);
  g_return_if_fail (params != NULL);
  g_return_if_fail (verdict != NULL);

  memset (verdict, 0, sizeof *verdict);

  seen = facts->last_seen_at > 0 ? MIN (facts->last_seen_at, now) : 0;
  verdict->quiet_since = anbu_quiet_since (facts, now);
  verdict->inactive_at = verdict->quiet_since + (gint64) params->threshold_hours * 3600;
  verdict->offline_at = seen > 0 ? seen + params->offline_after_seconds : G_MAXINT64;
  verdict->offline = seen > 0 && now >= verdict->offline_at;
  verdict->absent = anbu_time_windows_contain (facts->absences, facts->n_absences, now);
  verdict->quiet_seconds = MAX (0, seen - verdict->quiet_since);
  verdict->inactive = !verdict->absent && seen >= verdict->inactive_at;
}
