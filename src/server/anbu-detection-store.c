/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-detection-store"

#include "config.h"

#include <string.h>

#include "anbu-detection-store.h"
#include "anbu-server-time.h"
#include "anbu-sqlite-detection-store.h"
#include "anbu-sqlite-store.h"
#ifdef HAVE_POSTGRESQL
#include "anbu-pg-detection-store.h"
#include "anbu-pg-store.h"
#endif

G_DEFINE_INTERFACE (AnbuDetectionStore, anbu_detection_store, G_TYPE_OBJECT)

static void
anbu_detection_store_default_init (AnbuDetectionStoreInterface *iface)
{
}

AnbuDetectionStore *
anbu_detection_store_new_for (AnbuStore       *store,
                              AnbuReadingLog  *readings,
                              GError         **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (store), NULL);

  if (ANBU_IS_SQLITE_STORE (store))
    return anbu_sqlite_detection_store_new (anbu_sqlite_store_get_handle (ANBU_SQLITE_STORE (store)),
                                            error);
#ifdef HAVE_POSTGRESQL
  if (ANBU_IS_PG_STORE (store))
    return anbu_pg_detection_store_new (ANBU_PG_STORE (store), readings, error);
#endif
  g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
               "Detection has no engine for a store of type %s", G_OBJECT_TYPE_NAME (store));
  return NULL;
}

#define IFACE(self) ANBU_DETECTION_STORE_GET_IFACE (self)

gboolean
anbu_detection_store_read_facts (AnbuDetectionStore  *self,
                                 const char          *household_id,
                                 gint64               now,
                                 GArray              *out,
                                 GStringChunk        *ids,
                                 GError             **error)
{
  return IFACE (self)->read_facts (self, household_id, now, out, ids, error);
}

gboolean
anbu_detection_store_read_facts_of (AnbuDetectionStore  *self,
                                    const char * const  *household_ids,
                                    guint                n_households,
                                    gint64               now,
                                    GArray              *out,
                                    GStringChunk        *ids,
                                    GError             **error)
{
  if (n_households == 0)
    return TRUE;
  if (IFACE (self)->read_facts_of != NULL)
    return IFACE (self)->read_facts_of (self, household_ids, n_households, now, out, ids, error);
  /* SQLite: its prepared one-household statement, which costs no round trip. */
  for (guint i = 0; i < n_households; i++)
    if (!IFACE (self)->read_facts (self, household_ids[i], now, out, ids, error))
      return FALSE;
  return TRUE;
}

gboolean
anbu_detection_store_read_absences (AnbuDetectionStore  *self,
                                    const char          *household_id,
                                    GArray              *windows,
                                    GError             **error)
{
  return IFACE (self)->read_absences (self, household_id, windows, error);
}

gboolean
anbu_detection_store_read_unresolved_alerts (AnbuDetectionStore      *self,
                                             const char              *household_id,
                                             AnbuDetectionRecordFunc  func,
                                             gpointer                 user_data,
                                             GError                 **error)
{
  return IFACE (self)->read_unresolved_alerts (self, household_id, func, user_data, error);
}

gboolean
anbu_detection_store_read_last_resolved (AnbuDetectionStore *self,
                                         const char         *household_id,
                                         const char         *kind,
                                         gint64             *quiet_since,
                                         gint64             *closed_at)
{
  return IFACE (self)->read_last_resolved (self, household_id, kind, quiet_since, closed_at);
}

void
anbu_detection_store_count_contacts (AnbuDetectionStore *self,
                                     const char         *household_id,
                                     const char         *alert_id,
                                     guint              *all,
                                     guint              *no_answer)
{
  IFACE (self)->count_contacts (self, household_id, alert_id, all, no_answer);
}

gint64
anbu_detection_store_read_change_seq (AnbuDetectionStore *self)
{
  return IFACE (self)->read_change_seq (self);
}

gboolean
anbu_detection_store_foreach_changed (AnbuDetectionStore      *self,
                                      gint64                   since_seq,
                                      AnbuDetectionChangeFunc  func,
                                      gpointer                 user_data,
                                      GError                 **error)
{
  return IFACE (self)->foreach_changed (self, since_seq, func, user_data, error);
}

gboolean
anbu_detection_store_foreach_unresolved_household (AnbuDetectionStore  *self,
                                                   AnbuDetectionIdFunc  func,
                                                   gpointer             user_data,
                                                   GError             **error)
{
  return IFACE (self)->foreach_unresolved_household (self, func, user_data, error);
}

gboolean
anbu_detection_store_foreach_staff_time (AnbuDetectionStore     *self,
                                         const char             *household_id,
                                         AnbuDetectionStaffFunc  func,
                                         gpointer                user_data,
                                         GError                **error)
{
  return IFACE (self)->foreach_staff_time (self, household_id, func, user_data, error);
}

gboolean
anbu_detection_store_foreach_visit_since (AnbuDetectionStore     *self,
                                          gint64                  since_seq,
                                          AnbuDetectionVisitFunc  func,
                                          gpointer                user_data,
                                          GError                **error)
{
  return IFACE (self)->foreach_visit_since (self, since_seq, func, user_data, error);
}

gboolean
anbu_detection_store_foreach_event_time (AnbuDetectionStore    *self,
                                         const char            *household_id,
                                         gint64                 after,
                                         gint64                 until,
                                         AnbuDetectionTimeFunc  func,
                                         gpointer               user_data,
                                         GError               **error)
{
  return IFACE (self)->foreach_event_time (self, household_id, after, until, func, user_data,
                                           error);
}

gboolean
anbu_detection_store_read_first_install (AnbuDetectionStore *self,
                                         const char         *household_id,
                                         gint64             *installed_at)
{
  return IFACE (self)->read_first_install (self, household_id, installed_at);
}

gboolean
anbu_detection_store_read_last_event (AnbuDetectionStore *self,
                                      const char         *household_id,
                                      gint64              now,
                                      AnbuActivityEvent  *event)
{
  return IFACE (self)->read_last_event (self, household_id, now, event);
}

gboolean
anbu_detection_store_read_events (AnbuDetectionStore  *self,
                                  const char          *household_id,
                                  gint64               from,
                                  gint64               to,
                                  GArray              *events,
                                  GError             **error)
{
  return IFACE (self)->read_events (self, household_id, from, to, events, error);
}

gboolean
anbu_detection_store_foreach_covered_stretch (AnbuDetectionStore       *self,
                                              const char               *household_id,
                                              gint64                    from,
                                              gint64                    to,
                                              AnbuDetectionStretchFunc  func,
                                              gpointer                  user_data,
                                              GError                  **error)
{
  return IFACE (self)->foreach_covered_stretch (self, household_id, from, to, func, user_data,
                                                error);
}

gboolean
anbu_detection_store_load_profiles (AnbuDetectionStore  *self,
                                    const char          *household_id,
                                    AnbuRoutineProfiles *profiles)
{
  return IFACE (self)->load_profiles (self, household_id, profiles);
}

gboolean
anbu_detection_store_read_gaps (AnbuDetectionStore *self,
                                const char         *household_id,
                                GArray             *gaps,
                                gint64             *covered_until)
{
  return IFACE (self)->read_gaps (self, household_id, gaps, covered_until);
}

gboolean
anbu_detection_store_save_profiles (AnbuDetectionStore        *self,
                                    const char                *household_id,
                                    const AnbuRoutineProfiles *profiles,
                                    const char                *params_key,
                                    const GArray              *gaps,
                                    gint64                     covered_until,
                                    GError                   **error)
{
  return IFACE (self)->save_profiles (self, household_id, profiles, params_key, gaps,
                                      covered_until, error);
}

gboolean
anbu_detection_store_foreach_profile (AnbuDetectionStore       *self,
                                      AnbuDetectionProfileFunc  func,
                                      gpointer                  user_data,
                                      GError                  **error)
{
  return IFACE (self)->foreach_profile (self, func, user_data, error);
}

gboolean
anbu_detection_store_foreach_watch (AnbuDetectionStore      *self,
                                    AnbuDetectionWatchFunc   func,
                                    gpointer                 user_data,
                                    GError                 **error)
{
  return IFACE (self)->foreach_watch (self, func, user_data, error);
}

gboolean
anbu_detection_store_save_watches (AnbuDetectionStore      *self,
                                   const AnbuRoutineWatch  *watches,
                                   guint                    n_watches,
                                   GError                 **error)
{
  if (n_watches == 0)
    return TRUE;
  return IFACE (self)->save_watches (self, watches, n_watches, error);
}

gboolean
anbu_detection_store_prefetch (AnbuDetectionStore  *self,
                               gint64               now,
                               const char * const  *household_ids,
                               guint                n_households,
                               GError             **error)
{
  if (IFACE (self)->prefetch == NULL)
    return TRUE;
  return IFACE (self)->prefetch (self, now, household_ids, n_households, error);
}

void
anbu_detection_store_forget_prefetched (AnbuDetectionStore *self)
{
  if (IFACE (self)->forget_prefetched != NULL)
    IFACE (self)->forget_prefetched (self);
}

static void
day_kind_from_blob (const AnbuRoutineProfile *pooled,
                    gconstpointer             blob,
                    gsize                     size,
                    AnbuRoutineProfile       *profile)
{
  memset (profile, 0, sizeof *profile);
  profile->learned_at = pooled->learned_at;
  if (blob == NULL || size != sizeof profile->usual_quiet_hours)
    return;
  memcpy (profile->usual_quiet_hours, blob, sizeof profile->usual_quiet_hours);
  profile->ready = TRUE;
}

gboolean
anbu_detection_store_profiles_from_blobs (AnbuRoutineProfiles *profiles,
                                          gint64               learned_at,
                                          double               observed_days,
                                          gboolean             ready,
                                          gconstpointer        usual_quiet,
                                          gsize                usual_quiet_size,
                                          gconstpointer        workday_quiet,
                                          gsize                workday_quiet_size,
                                          gconstpointer        day_off_quiet,
                                          gsize                day_off_quiet_size)
{
  AnbuRoutineProfile *profile = &profiles->pooled;

  memset (profiles, 0, sizeof *profiles);
  if (usual_quiet == NULL || usual_quiet_size != sizeof profile->usual_quiet_hours)
    return FALSE;
  profile->learned_at = learned_at;
  profile->observed_days = observed_days;
  profile->ready = ready;
  memcpy (profile->usual_quiet_hours, usual_quiet, sizeof profile->usual_quiet_hours);
  day_kind_from_blob (profile, workday_quiet, workday_quiet_size, &profiles->workday);
  day_kind_from_blob (profile, day_off_quiet, day_off_quiet_size, &profiles->day_off);
  return TRUE;
}

static gint64
iso_to_unix (const char *text)
{
  gint64 seconds = 0;

  anbu_server_time_parse (text, &seconds);
  return seconds;
}

void
anbu_detection_store_add_absence (GArray     *windows,
                                  const char *from,
                                  const char *to)
{
  AnbuTimeWindow window;

  window.from = iso_to_unix (from);
  window.to = to == NULL ? G_MAXINT64 : iso_to_unix (to);
  if (window.from > 0 && window.to > window.from)
    g_array_append_val (windows, window);
}
