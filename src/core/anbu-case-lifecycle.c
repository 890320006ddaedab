/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-case-lifecycle"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-case-lifecycle.h"
#include "anbu-caseload.h"
#include "anbu-record-error.h"

gboolean
anbu_case_is_acted_on (const AnbuAlert *alert,
                       guint            n_contacts)
{
  g_return_val_if_fail (alert != NULL, TRUE);

  return alert->state != ANBU_ALERT_STATE_OPEN || alert->acknowledged_at != 0
         || alert->dispatched_at != 0 || n_contacts > 0;
}

gboolean
anbu_case_event_closes (const AnbuAlert     *alert,
                        gboolean             acted_on,
                        AnbuCaseEvent        event,
                        AnbuAlertResolution *resolution)
{
  g_return_val_if_fail (alert != NULL, FALSE);

  /* Once anyone acted, only the person's chosen outcome ends it. */
  if (acted_on || alert->state != ANBU_ALERT_STATE_OPEN)
    return FALSE;

  switch (event)
    {
    case ANBU_CASE_EVENT_RESIDENT_ACTIVITY:
      /* The offline signal is about the device: activity needs readings, and
       * readings close it as such. */
      if (resolution != NULL)
        *resolution = alert->kind == ANBU_ALERT_KIND_OFFLINE ? ANBU_ALERT_RESOLUTION_DEVICE_PROBLEM
                                                             : ANBU_ALERT_RESOLUTION_SAFE;
      return TRUE;
    case ANBU_CASE_EVENT_READINGS_BACK:
      if (alert->kind != ANBU_ALERT_KIND_OFFLINE)
        return FALSE;
      if (resolution != NULL)
        *resolution = ANBU_ALERT_RESOLUTION_DEVICE_PROBLEM;
      return TRUE;
    case ANBU_CASE_EVENT_STAFF_ACTIVITY:
    case ANBU_CASE_EVENT_ABSENCE:
    case ANBU_CASE_EVENT_QUIET_RESTARTED:
    default:
      /* Nobody has seen the resident: the silence that was signalled stands. */
      return FALSE;
    }
}

void
anbu_case_staff_window_for_plug_work (gint64          at,
                                      AnbuTimeWindow *window)
{
  g_return_if_fail (window != NULL);

  window->from = at - ANBU_CASE_PLUG_WORK_SECONDS;
  window->to = at + ANBU_CASE_PLUG_WORK_SECONDS;
}

void
anbu_case_staff_window_for_visit (gint64          at,
                                  AnbuTimeWindow *window)
{
  g_return_if_fail (window != NULL);

  window->from = at - ANBU_CASE_VISIT_SECONDS;
  window->to = at + ANBU_CASE_VISIT_SECONDS;
}

gboolean
anbu_case_channel_is_in_person (AnbuContactChannel channel)
{
  return channel == ANBU_CONTACT_CHANNEL_VISIT || anbu_case_channel_dispatches (channel);
}

gboolean
anbu_case_is_resident_activity (gint64                ts,
                                const AnbuTimeWindow *staff,
                                gsize                 n_staff)
{
  return !anbu_time_windows_contain (staff, n_staff, ts);
}

static gboolean
signal_is_about_the_resident (const AnbuAlert *alert)
{
  return alert->kind != ANBU_ALERT_KIND_OFFLINE;
}

const AnbuAlert *
anbu_case_signal_for_record (AnbuAlert * const *alerts,
                             guint              n_alerts,
                             gint64             at)
{
  const AnbuAlert *best = NULL;

  g_return_val_if_fail (alerts != NULL || n_alerts == 0, NULL);

  for (guint i = 0; i < n_alerts; i++)
    {
      const AnbuAlert *alert = alerts[i];

      if (!anbu_alert_is_open (alert) || alert->raised_at > at)
        continue;
      if (best == NULL
          || signal_is_about_the_resident (alert) > signal_is_about_the_resident (best)
          || (signal_is_about_the_resident (alert) == signal_is_about_the_resident (best)
              && anbu_alert_compare_urgency (alert, best) < 0))
        best = alert;
    }
  return best;
}

gboolean
anbu_case_channel_dispatches (AnbuContactChannel channel)
{
  return channel == ANBU_CONTACT_CHANNEL_DISPATCH_112
         || channel == ANBU_CONTACT_CHANNEL_DISPATCH_119;
}

gboolean
anbu_case_apply_contact (AnbuAlert         *alert,
                         const AnbuContact *contact)
{
  g_return_val_if_fail (alert != NULL, FALSE);
  g_return_val_if_fail (contact != NULL, FALSE);

  if (!anbu_alert_is_open (alert) || !anbu_case_channel_dispatches (contact->channel)
      || alert->state == ANBU_ALERT_STATE_DISPATCHED)
    return FALSE;
  alert->state = ANBU_ALERT_STATE_DISPATCHED;
  alert->dispatched_at = MAX (contact->at, alert->raised_at);
  g_free (alert->dispatched_by);
  alert->dispatched_by = g_strdup (contact->by);
  return TRUE;
}

gboolean
anbu_case_resolve (AnbuAlert            *alert,
                   AnbuAlertResolution   resolution,
                   AnbuDispatchOutcome   dispatch_outcome,
                   gint64                at,
                   const char           *by,
                   GError              **error)
{
  g_return_val_if_fail (alert != NULL, FALSE);

  if (resolution == ANBU_ALERT_RESOLUTION_NONE)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_MISSING_FIELD, "resolution",
                             _("Choose how the risk signal ended"));
      return FALSE;
    }
  if (alert->state == ANBU_ALERT_STATE_DISPATCHED && dispatch_outcome == ANBU_DISPATCH_OUTCOME_NONE)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_MISSING_FIELD, "dispatch_outcome",
                             _("Say what the dispatch found"));
      return FALSE;
    }
  if (alert->dispatched_at == 0 && dispatch_outcome != ANBU_DISPATCH_OUTCOME_NONE)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "dispatch_outcome",
                             _("Only a dispatch has a dispatch outcome"));
      return FALSE;
    }
  if (at < alert->raised_at)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "at",
                             _("An alert cannot be resolved before it was raised"));
      return FALSE;
    }
  alert->state = ANBU_ALERT_STATE_RESOLVED;
  alert->resolution = resolution;
  alert->dispatch_outcome = dispatch_outcome;
  alert->closed_at = at;
  g_free (alert->closed_by);
  alert->closed_by = g_strdup (by);
  return TRUE;
}
