/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-caseload"

#include "config.h"

#include <string.h>

#include "anbu-bad-number.h"
#include "anbu-caseload.h"
#include "anbu-validate.h"

gboolean
anbu_alert_is_open (const AnbuAlert *alert)
{
  return alert != NULL && alert->state != ANBU_ALERT_STATE_RESOLVED;
}

static gint64
quiet_or_raised (const AnbuAlert *alert)
{
  return alert->quiet_since != 0 ? alert->quiet_since : alert->raised_at;
}

int
anbu_alert_compare_urgency (const AnbuAlert *a,
                            const AnbuAlert *b)
{
  gint64 qa, qb;

  if (a->level != b->level)
    return a->level > b->level ? -1 : 1;
  qa = quiet_or_raised (a);
  qb = quiet_or_raised (b);
  if (qa != qb)
    return qa < qb ? -1 : 1;
  if (a->raised_at != b->raised_at)
    return a->raised_at < b->raised_at ? -1 : 1;
  return g_strcmp0 (a->id, b->id);
}

static int
compare_alert_pointers (gconstpointer a,
                        gconstpointer b)
{
  return anbu_alert_compare_urgency (*(AnbuAlert **) a, *(AnbuAlert **) b);
}

GPtrArray *
anbu_caseload_open_alerts (GPtrArray *alerts)
{
  GPtrArray *open = g_ptr_array_new ();

  for (guint i = 0; alerts != NULL && i < alerts->len; i++)
    if (anbu_alert_is_open (alerts->pdata[i]))
      g_ptr_array_add (open, alerts->pdata[i]);
  g_ptr_array_sort (open, compare_alert_pointers);
  return open;
}

AnbuPlug *
anbu_caseload_find_installed_plug (GPtrArray  *plugs,
                                   const char *household_id)
{
  AnbuPlug *found = NULL;

  for (guint i = 0; plugs != NULL && i < plugs->len; i++)
    {
      AnbuPlug *plug = plugs->pdata[i];

      if (plug->state != ANBU_PLUG_STATE_INSTALLED || g_strcmp0 (plug->household_id, household_id) != 0)
        continue;
      if (found == NULL || plug->installed_at > found->installed_at)
        found = plug;
    }
  return found;
}

const char *
anbu_caseload_plug_installed_in (GPtrArray  *plugs,
                                 const char *serial)
{
  for (guint i = 0; plugs != NULL && serial != NULL && i < plugs->len; i++)
    {
      AnbuPlug *plug = plugs->pdata[i];

      if (plug->state == ANBU_PLUG_STATE_INSTALLED && g_ascii_strcasecmp (plug->serial, serial) == 0)
        return plug->household_id;
    }
  return NULL;
}

GPtrArray *
anbu_caseload_summarize (GPtrArray *households,
                         GPtrArray *plugs,
                         GPtrArray *alerts,
                         GPtrArray *absences,
                         gint64     now)
{
  return anbu_caseload_summarize_with_contacts (households, plugs, alerts, absences, NULL, now);
}

GPtrArray *
anbu_caseload_summarize_with_contacts (GPtrArray *households,
                                       GPtrArray *plugs,
                                       GPtrArray *alerts,
                                       GPtrArray *absences,
                                       GPtrArray *contacts,
                                       gint64     now)
{
  /* household id → GPtrArray of its contacts that name a number */
  g_autoptr(GHashTable) dialled = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) serials = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                          (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) last_activity = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GHashTable) offline = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) worst_alert = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) absent = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *summaries = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; plugs != NULL && i < plugs->len; i++)
    {
      AnbuPlug *plug = plugs->pdata[i];
      GPtrArray *list;
      gint64 *activity;

      if (plug->state != ANBU_PLUG_STATE_INSTALLED || plug->household_id == NULL)
        continue;
      list = g_hash_table_lookup (serials, plug->household_id);
      if (list == NULL)
        {
          list = g_ptr_array_new_null_terminated (1, NULL, TRUE);
          g_hash_table_insert (serials, plug->household_id, list);
        }
      g_ptr_array_add (list, plug->serial);
      activity = g_hash_table_lookup (last_activity, plug->household_id);
      if (activity == NULL)
        {
          activity = g_new0 (gint64, 1);
          g_hash_table_insert (last_activity, plug->household_id, activity);
        }
      *activity = MAX (*activity, plug->last_activity_at);
      if (plug->last_seen_at == 0 || now - plug->last_seen_at > ANBU_PLUG_OFFLINE_AFTER)
        g_hash_table_add (offline, plug->household_id);
    }

  for (guint i = 0; alerts != NULL && i < alerts->len; i++)
    {
      AnbuAlert *alert = alerts->pdata[i];
      AnbuAlert *worst;

      if (!anbu_alert_is_open (alert) || alert->household_id == NULL)
        continue;
      if (alert->kind == ANBU_ALERT_KIND_OFFLINE)
        {
          g_hash_table_add (offline, alert->household_id);
          continue;
        }
      worst = g_hash_table_lookup (worst_alert, alert->household_id);
      if (worst == NULL || anbu_alert_compare_urgency (alert, worst) < 0)
        g_hash_table_insert (worst_alert, alert->household_id, alert);
    }

  for (guint i = 0; absences != NULL && i < absences->len; i++)
    {
      AnbuAbsence *absence = absences->pdata[i];

      if (absence->household_id != NULL && anbu_absence_covers (absence, now))
        g_hash_table_add (absent, absence->household_id);
    }

  for (guint i = 0; contacts != NULL && i < contacts->len; i++)
    {
      AnbuContact *contact = contacts->pdata[i];
      GPtrArray *list;

      if (contact->phone == NULL || contact->household_id == NULL)
        continue;
      list = g_hash_table_lookup (dialled, contact->household_id);
      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (dialled, contact->household_id, list);
        }
      g_ptr_array_add (list, contact);
    }

  for (guint i = 0; households != NULL && i < households->len; i++)
    {
      AnbuHousehold *h = households->pdata[i];
      GPtrArray *list = g_hash_table_lookup (serials, h->id);
      GPtrArray *calls = g_hash_table_lookup (dialled, h->id);
      g_autoptr(GPtrArray) bad = calls != NULL ? anbu_household_find_bad_numbers (h, (AnbuContact * const *) calls->pdata,
                                                                                  calls->len)
                                               : NULL;
      AnbuAlert *worst = g_hash_table_lookup (worst_alert, h->id);
      gint64 *activity = g_hash_table_lookup (last_activity, h->id);
      AnbuHouseholdFacts facts = {
        .id = h->id,
        .name = h->name,
        .dong_code = h->dong_code,
        .dong_name = h->dong_name,
        .address = h->address,
        .address_detail = h->address_detail,
        .phone = h->phone,
        .serials = list != NULL ? (const char * const *) list->pdata : NULL,
        .night_consent = h->night_consent,
        .threshold_hours = h->threshold_hours,
        .status = h->status,
        .alert_level = worst != NULL ? (gint) worst->level : ANBU_HOUSEHOLD_NO_ALERT,
        .quiet_since = worst != NULL ? quiet_or_raised (worst) : 0,
        .last_activity_at = activity != NULL ? *activity : 0,
        .plug_offline = g_hash_table_contains (offline, h->id),
        .absent = g_hash_table_contains (absent, h->id),
        .bad_numbers = bad != NULL ? bad->len : 0,
      };

      if (h->status == ANBU_HOUSEHOLD_STATUS_CLOSED)
        continue;
      g_ptr_array_add (summaries, anbu_household_summary_new (&facts));
    }
  return summaries;
}

void
anbu_visit_due_free (AnbuVisitDue *due)
{
  if (due == NULL)
    return;
  g_free (due->household_id);
  g_free (due->alert_id);
  g_free (due);
}

static int
compare_due (gconstpointer a,
             gconstpointer b)
{
  const AnbuVisitDue *da = *(AnbuVisitDue **) a;
  const AnbuVisitDue *db = *(AnbuVisitDue **) b;
  int c = g_date_compare (&da->due, &db->due);

  if (c != 0)
    return c;
  if (da->reason != db->reason)
    return da->reason == ANBU_VISIT_DUE_ALERT ? -1 : 1;
  return g_strcmp0 (da->household_id, db->household_id);
}

GPtrArray *
anbu_caseload_visits_due (GPtrArray   *households,
                          GPtrArray   *visits,
                          GPtrArray   *alerts,
                          const GDate *today,
                          const GDate *until)
{
  g_autoptr(GHashTable) last_visit = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *due = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_visit_due_free);

  for (guint i = 0; visits != NULL && i < visits->len; i++)
    {
      AnbuVisit *visit = visits->pdata[i];
      AnbuVisit *last = g_hash_table_lookup (last_visit, visit->household_id);

      if (last == NULL || visit->at > last->at)
        g_hash_table_insert (last_visit, visit->household_id, visit);
    }

  for (guint i = 0; households != NULL && i < households->len; i++)
    {
      AnbuHousehold *h = households->pdata[i];
      AnbuVisit *last = g_hash_table_lookup (last_visit, h->id);
      AnbuVisitDue *item = NULL;
      GDate next;

      if (h->status == ANBU_HOUSEHOLD_STATUS_CLOSED)
        continue;

      for (guint j = 0; alerts != NULL && j < alerts->len; j++)
        {
          AnbuAlert *alert = alerts->pdata[j];

          if (!anbu_alert_is_open (alert) || g_strcmp0 (alert->household_id, h->id) != 0
              || alert->kind == ANBU_ALERT_KIND_OFFLINE)
            continue;
          if (last != NULL && last->at >= alert->raised_at)
            continue;
          item = g_new0 (AnbuVisitDue, 1);
          item->household_id = g_strdup (h->id);
          item->due = *today;
          item->reason = ANBU_VISIT_DUE_ALERT;
          item->alert_id = g_strdup (alert->id);
          break;
        }

      if (item == NULL && last != NULL && last->next_visit_on != NULL
          && anbu_validate_date (NULL, last->next_visit_on, &next, NULL)
          && g_date_compare (&next, until) <= 0)
        {
          item = g_new0 (AnbuVisitDue, 1);
          item->household_id = g_strdup (h->id);
          item->due = next;
          item->reason = ANBU_VISIT_DUE_SCHEDULED;
        }
      if (item != NULL)
        g_ptr_array_add (due, item);
    }
  g_ptr_array_sort (due, compare_due);
  return due;
}
