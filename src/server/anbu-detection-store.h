/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "anbu-activity-detector.h"
#include "anbu-inactivity.h"
#include "anbu-reading-log.h"
#include "anbu-routine-detector.h"
#include "anbu-store.h"

G_BEGIN_DECLS

/* What the alert engine (anbu-alert-engine.h) reads and writes, one
 * interface for both engines: AnbuSqliteDetectionStore (the statements on
 * the SQLite store's connection) and AnbuPgDetectionStore (the PostgreSQL
 * store's tables, on its connection and in its transactions). The rules,
 * the due index and the alert records stay in the engine. Times are Unix
 * seconds; errors are in ANBU_STORE_ERROR. */

#define ANBU_TYPE_DETECTION_STORE (anbu_detection_store_get_type ())
G_DECLARE_INTERFACE (AnbuDetectionStore, anbu_detection_store, ANBU, DETECTION_STORE, GObject)

/* One active household with an installed plug, as the facts query finds it
 * (several plugs folded into one row). */
typedef struct
{
  const char *id;               /* in the GStringChunk given to the read */
  gboolean    night_consent;
  gint64      threshold_hours;  /* as stored: 0 when none (the engine applies the range) */
  gint64      last_activity_at; /* the last activity event, or the latest install */
  gint64      last_seen_at;     /* the last reading, and on through ingest gaps */
  gint64      online_since;     /* a return from offline; 0 for a new plug's first readings */
  gint64      last_reading_at;  /* the last reading itself (or the latest install) */
  gint64      last_staff_at;    /* the latest install (the engine adds visits) */
  gint64      offline_from;     /* where that plug's offline gap began; 0 = unknown */
  gint64      plugs_online_since; /* the latest of the plugs' own online_since */
} AnbuHouseholdFacts;

typedef gboolean (*AnbuDetectionTimeFunc)     (gint64      t,
                                               gpointer    user_data);
typedef void     (*AnbuDetectionIdFunc)       (const char *household_id,
                                               gpointer    user_data);
typedef void     (*AnbuDetectionRecordFunc)   (const char *record,
                                               gint64      version,
                                               gpointer    user_data);
typedef void     (*AnbuDetectionStaffFunc)    (gint64      t,
                                               gboolean    in_home,
                                               gpointer    user_data);
typedef void     (*AnbuDetectionVisitFunc)    (const char *household_id,
                                               gint64      at,
                                               gint64      seq,
                                               gpointer    user_data);
typedef void     (*AnbuDetectionStretchFunc)  (gint64      from,
                                               gint64      to,
                                               gpointer    user_data);
typedef void     (*AnbuDetectionProfileFunc)  (const char *household_id,
                                               gint64      learned_at,
                                               gboolean    ready,
                                               const char *params_key,
                                               gpointer    user_data);
typedef void     (*AnbuDetectionChangeFunc)   (const char *household_id,
                                               gint64      seq,
                                               gpointer    user_data);

/* A routine watch the alert engine judged: for the quiet that began at
 * quiet_since (before absences), on the profile learned at learned_at, it
 * is not due before watch_at. The facts it was judged on hold every record
 * change up to judged_seq; a later change may move it. Kept so that an
 * instance taking over (or restarting) need not read a million profiles
 * to judge again what another instance judged. */
typedef struct
{
  const char *household_id;
  gint64      learned_at;
  gint64      quiet_since;
  gint64      watch_at;
  gint64      judged_seq;
} AnbuRoutineWatch;

typedef void     (*AnbuDetectionWatchFunc)    (const AnbuRoutineWatch *watch,
                                               gpointer                user_data);

struct _AnbuDetectionStoreInterface
{
  GTypeInterface parent_iface;

  gboolean (*read_facts)             (AnbuDetectionStore        *self,
                                      const char                *household_id,
                                      gint64                     now,
                                      GArray                    *out,
                                      GStringChunk              *ids,
                                      GError                   **error);
  /* Optional (NULL: read_facts for each). */
  gboolean (*read_facts_of)          (AnbuDetectionStore        *self,
                                      const char * const        *household_ids,
                                      guint                      n_households,
                                      gint64                     now,
                                      GArray                    *out,
                                      GStringChunk              *ids,
                                      GError                   **error);
  gboolean (*read_absences)          (AnbuDetectionStore        *self,
                                      const char                *household_id,
                                      GArray                    *windows,
                                      GError                   **error);
  gboolean (*read_unresolved_alerts) (AnbuDetectionStore        *self,
                                      const char                *household_id,
                                      AnbuDetectionRecordFunc    func,
                                      gpointer                   user_data,
                                      GError                   **error);
  gboolean (*read_last_resolved)     (AnbuDetectionStore        *self,
                                      const char                *household_id,
                                      const char                *kind,
                                      gint64                    *quiet_since,
                                      gint64                    *closed_at);
  void     (*count_contacts)         (AnbuDetectionStore        *self,
                                      const char                *household_id,
                                      const char                *alert_id,
                                      guint                     *all,
                                      guint                     *no_answer);
  gint64   (*read_change_seq)        (AnbuDetectionStore        *self);
  gboolean (*foreach_changed)        (AnbuDetectionStore        *self,
                                      gint64                     since_seq,
                                      AnbuDetectionChangeFunc    func,
                                      gpointer                   user_data,
                                      GError                   **error);
  gboolean (*foreach_unresolved_household) (AnbuDetectionStore  *self,
                                      AnbuDetectionIdFunc        func,
                                      gpointer                   user_data,
                                      GError                   **error);
  gboolean (*foreach_staff_time)     (AnbuDetectionStore        *self,
                                      const char                *household_id,
                                      AnbuDetectionStaffFunc     func,
                                      gpointer                   user_data,
                                      GError                   **error);
  gboolean (*foreach_visit_since)    (AnbuDetectionStore        *self,
                                      gint64                     since_seq,
                                      AnbuDetectionVisitFunc     func,
                                      gpointer                   user_data,
                                      GError                   **error);
  gboolean (*foreach_event_time)     (AnbuDetectionStore        *self,
                                      const char                *household_id,
                                      gint64                     after,
                                      gint64                     until,
                                      AnbuDetectionTimeFunc      func,
                                      gpointer                   user_data,
                                      GError                   **error);
  gboolean (*read_first_install)     (AnbuDetectionStore        *self,
                                      const char                *household_id,
                                      gint64                    *installed_at);
  gboolean (*read_last_event)        (AnbuDetectionStore        *self,
                                      const char                *household_id,
                                      gint64                     now,
                                      AnbuActivityEvent         *event);
  gboolean (*read_events)            (AnbuDetectionStore        *self,
                                      const char                *household_id,
                                      gint64                     from,
                                      gint64                     to,
                                      GArray                    *events,
                                      GError                   **error);
  gboolean (*foreach_covered_stretch) (AnbuDetectionStore       *self,
                                      const char                *household_id,
                                      gint64                     from,
                                      gint64                     to,
                                      AnbuDetectionStretchFunc   func,
                                      gpointer                   user_data,
                                      GError                   **error);
  gboolean (*load_profiles)          (AnbuDetectionStore        *self,
                                      const char                *household_id,
                                      AnbuRoutineProfiles       *profiles);
  gboolean (*read_gaps)              (AnbuDetectionStore        *self,
                                      const char                *household_id,
                                      GArray                    *gaps,
                                      gint64                    *covered_until);
  gboolean (*save_profiles)          (AnbuDetectionStore        *self,
                                      const char                *household_id,
                                      const AnbuRoutineProfiles *profiles,
                                      const char                *params_key,
                                      const GArray              *gaps,
                                      gint64                     covered_until,
                                      GError                   **error);
  gboolean (*foreach_profile)        (AnbuDetectionStore        *self,
                                      AnbuDetectionProfileFunc   func,
                                      gpointer                   user_data,
                                      GError                   **error);
  gboolean (*foreach_watch)          (AnbuDetectionStore        *self,
                                      AnbuDetectionWatchFunc     func,
                                      gpointer                   user_data,
                                      GError                   **error);
  gboolean (*save_watches)           (AnbuDetectionStore        *self,
                                      const AnbuRoutineWatch    *watches,
                                      guint                      n_watches,
                                      GError                   **error);
  /* Optional (NULL: nothing to gain). */
  gboolean (*prefetch)               (AnbuDetectionStore        *self,
                                      gint64                     now,
                                      const char * const        *household_ids,
                                      guint                      n_households,
                                      GError                   **error);
  void     (*forget_prefetched)      (AnbuDetectionStore        *self);
};

/* The engine for `store`: its connection (SQLite) or its tables
 * (PostgreSQL, where raw readings are read from `readings`). NULL with
 * `error` set when the statements cannot be prepared or the store is of
 * another kind. */
AnbuDetectionStore *anbu_detection_store_new_for (AnbuStore       *store,
                                                  AnbuReadingLog  *readings,
                                                  GError         **error);

/* Appends to `out` (AnbuHouseholdFacts) every active household with an
 * installed plug (`household_id` NULL) or that one, at `now`. */
gboolean anbu_detection_store_read_facts       (AnbuDetectionStore  *self,
                                                const char          *household_id,
                                                gint64               now,
                                                GArray              *out,
                                                GStringChunk        *ids,
                                                GError             **error);
/* Appends to `out` the facts of those of `household_ids` (no repeats) that
 * are active with an installed plug, in no particular order: one statement
 * for all of them where a round trip costs (PostgreSQL). */
gboolean anbu_detection_store_read_facts_of    (AnbuDetectionStore  *self,
                                                const char * const  *household_ids,
                                                guint                n_households,
                                                gint64               now,
                                                GArray              *out,
                                                GStringChunk        *ids,
                                                GError             **error);
/* Appends the household's absences (AnbuTimeWindow; `to` G_MAXINT64 while
 * open-ended), unreadable ones left out. */
gboolean anbu_detection_store_read_absences    (AnbuDetectionStore  *self,
                                                const char          *household_id,
                                                GArray              *windows,
                                                GError             **error);
/* The household's unresolved alerts (record JSON and version) in the order
 * they were saved first. */
gboolean anbu_detection_store_read_unresolved_alerts (AnbuDetectionStore      *self,
                                                      const char              *household_id,
                                                      AnbuDetectionRecordFunc  func,
                                                      gpointer                 user_data,
                                                      GError                 **error);
/* The household's last resolved alert of `kind` ("inactivity"…): its quiet
 * start and closing time (0 when unreadable). FALSE when there is none. */
gboolean anbu_detection_store_read_last_resolved (AnbuDetectionStore *self,
                                                  const char         *household_id,
                                                  const char         *kind,
                                                  gint64             *quiet_since,
                                                  gint64             *closed_at);
/* How many contacts and visits answer the alert, and how many contacts
 * found nobody (outcome no_answer). */
void     anbu_detection_store_count_contacts   (AnbuDetectionStore  *self,
                                                const char          *household_id,
                                                const char          *alert_id,
                                                guint               *all,
                                                guint               *no_answer);
/* The store's change number now (0 when unreadable). */
gint64   anbu_detection_store_read_change_seq  (AnbuDetectionStore  *self);
/* The households whose household, plug (also the household a plug's live
 * row names), absence, alert, contact or visit records changed after
 * `since_seq`, each once with the latest change number of those. */
gboolean anbu_detection_store_foreach_changed  (AnbuDetectionStore      *self,
                                                gint64                   since_seq,
                                                AnbuDetectionChangeFunc  func,
                                                gpointer                 user_data,
                                                GError                 **error);
/* The households with an unresolved alert. */
gboolean anbu_detection_store_foreach_unresolved_household (AnbuDetectionStore  *self,
                                                            AnbuDetectionIdFunc  func,
                                                            gpointer             user_data,
                                                            GError             **error);
/* When staff were in the home: plug work (install, removal; `in_home`
 * FALSE) and visits or in-person contacts (TRUE). */
gboolean anbu_detection_store_foreach_staff_time (AnbuDetectionStore     *self,
                                                  const char             *household_id,
                                                  AnbuDetectionStaffFunc  func,
                                                  gpointer                user_data,
                                                  GError                **error);
/* Per household, the latest visit or in-person contact recorded after
 * `since_seq`, and the latest change number among them. */
gboolean anbu_detection_store_foreach_visit_since (AnbuDetectionStore     *self,
                                                   gint64                  since_seq,
                                                   AnbuDetectionVisitFunc  func,
                                                   gpointer                user_data,
                                                   GError                **error);
/* The activity event times of every plug the household had, with after <
 * ts <= until (`after` G_MININT64: no lower bound), newest first, until
 * `func` returns FALSE. */
gboolean anbu_detection_store_foreach_event_time (AnbuDetectionStore    *self,
                                                  const char            *household_id,
                                                  gint64                 after,
                                                  gint64                 until,
                                                  AnbuDetectionTimeFunc  func,
                                                  gpointer               user_data,
                                                  GError               **error);
/* The household's first plug install; FALSE when it never had a plug. */
gboolean anbu_detection_store_read_first_install (AnbuDetectionStore *self,
                                                  const char         *household_id,
                                                  gint64             *installed_at);
/* The last activity event up to `now` of its installed plugs, made while
 * installed there. */
gboolean anbu_detection_store_read_last_event  (AnbuDetectionStore  *self,
                                                const char          *household_id,
                                                gint64               now,
                                                AnbuActivityEvent   *event);
/* Appends (AnbuActivityEvent) the events of every plug the household had,
 * made while installed there, with from <= ts <= to, in time order. */
gboolean anbu_detection_store_read_events      (AnbuDetectionStore  *self,
                                                const char          *household_id,
                                                gint64               from,
                                                gint64               to,
                                                GArray              *events,
                                                GError             **error);
/* Stretches covered by readings of the household's plugs while installed
 * there, between `from` and `to`: first the raw readings', each a run of
 * readings less than a quarter hour apart, plug by plug in time order;
 * then each folded hour as a whole. */
gboolean anbu_detection_store_foreach_covered_stretch (AnbuDetectionStore       *self,
                                                       const char               *household_id,
                                                       gint64                    from,
                                                       gint64                    to,
                                                       AnbuDetectionStretchFunc  func,
                                                       gpointer                  user_data,
                                                       GError                  **error);
/* The household's stored routine profiles; FALSE (and zeroes) when there
 * is none or its pooled numbers are not of the right size. */
gboolean anbu_detection_store_load_profiles    (AnbuDetectionStore  *self,
                                                const char          *household_id,
                                                AnbuRoutineProfiles *profiles);
/* The offline gaps kept with the profile (appended to `gaps`,
 * AnbuTimeWindow) and the time they reach; FALSE when none are kept. */
gboolean anbu_detection_store_read_gaps        (AnbuDetectionStore  *self,
                                                const char          *household_id,
                                                GArray              *gaps,
                                                gint64              *covered_until);
/* Stores the household's profiles (the numbers of the ready ones), learned
 * with parameters `params_key`, and the gaps found up to `covered_until`. */
gboolean anbu_detection_store_save_profiles    (AnbuDetectionStore        *self,
                                                const char                *household_id,
                                                const AnbuRoutineProfiles *profiles,
                                                const char                *params_key,
                                                const GArray              *gaps,
                                                gint64                     covered_until,
                                                GError                   **error);
/* Every stored profile: when it was learned, whether ready, its key. */
gboolean anbu_detection_store_foreach_profile  (AnbuDetectionStore        *self,
                                                AnbuDetectionProfileFunc   func,
                                                gpointer                   user_data,
                                                GError                   **error);
/* Every stored routine watch, as last saved for its household. */
gboolean anbu_detection_store_foreach_watch    (AnbuDetectionStore        *self,
                                                AnbuDetectionWatchFunc     func,
                                                gpointer                   user_data,
                                                GError                   **error);
/* Stores `watches` (no household twice), each replacing the household's
 * watch saved before. */
gboolean anbu_detection_store_save_watches     (AnbuDetectionStore        *self,
                                                const AnbuRoutineWatch    *watches,
                                                guint                      n_watches,
                                                GError                   **error);

/* A pass is about to evaluate, at `now`, `household_ids` in that order
 * (those of the households it looks at whose evaluation reads anything
 * but their facts): an engine that pays a round trip per query may read
 * their absences, last events, profiles, alerts and contact counts for
 * many at once, and answer from them until
 * anbu_detection_store_forget_prefetched(), which the pass calls before it
 * ends or releases the write lock (what it read can change afterwards).
 * Profiles saved meanwhile are read anew; any other household still reads
 * alone. */
gboolean anbu_detection_store_prefetch         (AnbuDetectionStore  *self,
                                                gint64               now,
                                                const char * const  *household_ids,
                                                guint                n_households,
                                                GError             **error);
void     anbu_detection_store_forget_prefetched (AnbuDetectionStore *self);

/* For the engines: the profiles from the stored columns (a pooled blob of
 * another size is no profile; a day kind is ready when it holds the
 * numbers). */
gboolean anbu_detection_store_profiles_from_blobs (AnbuRoutineProfiles *profiles,
                                                   gint64               learned_at,
                                                   double               observed_days,
                                                   gboolean             ready,
                                                   gconstpointer        usual_quiet,
                                                   gsize                usual_quiet_size,
                                                   gconstpointer        workday_quiet,
                                                   gsize                workday_quiet_size,
                                                   gconstpointer        day_off_quiet,
                                                   gsize                day_off_quiet_size);
/* For the engines: an absence's stored from/to (ISO text; `to` NULL when
 * open-ended) appended to `windows` when readable. */
void     anbu_detection_store_add_absence      (GArray              *windows,
                                                const char          *from,
                                                const char          *to);

G_END_DECLS
