/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-alert-engine"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "anbu-alert-engine.h"
#include "anbu-alert.h"
#include "anbu-case-lifecycle.h"
#include "anbu-detection-store.h"
#include "anbu-inactivity.h"
#include "anbu-record-json.h"
#include "anbu-routine-detector.h"
#include "anbu-routing.h"
#include "anbu-server-time.h"
#include "anbu-validate.h"

struct _AnbuAlertEngine
{
  GObject              parent_instance;

  AnbuStore           *store;
  AnbuDetectionStore  *data;      /* what detection reads and writes, in the store's engine */
  AnbuHolidayCalendar *calendar;
  gint64               offline_after;

  GHashTable          *visited_at;      /* household id → latest in-person visit (gint64 *) */
  gint64               visits_seq;      /* visits and contacts read up to this change number */

  GHashTable          *watched;   /* household ids that may have an unresolved alert */

  /* The due index (issue 16): household id → DueEntry of every active
   * household with an installed plug, built by the first timer pass (which
   * looks at every household) and kept by every later look. A timer pass
   * looks only at the households whose look_at has come, those whose
   * records changed since seen_seq (household, plug, absence, alert,
   * contact, visit), those that ingest marked (new activity, a return from
   * offline: dirty when not indexed) and the watched ones. */
  GHashTable          *due;
  gboolean             due_ready;
  /* The look at every household that builds the index runs outside the
   * store's write lock and writes nothing: a household it finds with
   * something to raise, close or route is only marked for the due pass
   * that follows, which reads its facts again under the lock. */
  gboolean             scanning;
  /* The index was taken from a look made apart (adopt_look): the next
   * pass is the due pass after it. */
  gboolean             looked_apart;
  gint64               all_learned_at;  /* every indexed profile learned after this midnight */
  GHashTable          *dirty;
  gint64               seen_seq;

  /* Routine watch: household id → RoutineIndex of its stored profile. */
  AnbuRoutineParams    routine_params;
  char                *routine_params_key; /* profiles learned with other ones are due */
  GHashTable          *routines;
  gint64               learn_budget;
  /* Watches judged since last saved (household ids), and the change
   * number the facts being evaluated hold every change up to. */
  GHashTable          *watches_unsaved;
  gint64               judging_seq;

  /* Most households silent at once in this pass: an ingest gap nobody
   * recorded (plugs that never reported while a gateway uploads its
   * history, a network cut the server could not see): no offline signals. */
  gboolean             mass_silence;

  /* A backlog being replayed (docs/detection.md, "Backlogs"): most
   * households' readings lag, and their mean moved on since the last timer
   * pass faster than the clock, so the missing readings are arriving.
   * mean_reading: that mean at the last timer pass (-1 before the first),
   * replay_looked_at: that pass's time; catching_up_since: when the replay
   * was first seen, 0 when none is. */
  double               mean_reading;
  gint64               replay_looked_at;
  gint64               catching_up_since;

  /* The routing decision depends only on the moment and the consent: one
   * per pass and consent value, not one per alert. */
  gint64               decided_at;
  AnbuRoutingDecision *decisions[2];
};

G_DEFINE_FINAL_TYPE (AnbuAlertEngine, anbu_alert_engine, G_TYPE_OBJECT)

enum
{
  SIGNAL_ALERT_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

const char anbu_alert_engine_schema_sql[] =
  /* usual_quiet: the profile's 3 × 144 floats (host byte order; empty
   * while warming up; a blob of another size counts as no profile). */
  "CREATE TABLE routine_profile ("
  "  household_id TEXT PRIMARY KEY,"
  "  learned_at INTEGER NOT NULL,"
  "  observed_days REAL NOT NULL,"
  "  ready INTEGER NOT NULL,"
  "  usual_quiet BLOB NOT NULL,"
  "  params TEXT NOT NULL);";

const char anbu_alert_engine_schema_gaps_sql[] =
  /* The offline gaps found so far (pairs of Unix seconds, host byte order)
   * and the last reading time they were found up to: the next day's
   * learning reads only the readings after it. */
  "ALTER TABLE routine_profile ADD COLUMN gaps BLOB;"
  "ALTER TABLE routine_profile ADD COLUMN covered_until INTEGER;";

const char anbu_alert_engine_schema_days_off_sql[] =
  /* With the routine's days_off: the profiles of workdays and of days off,
   * learned apart (as usual_quiet; NULL or empty while warming up). */
  "ALTER TABLE routine_profile ADD COLUMN workday_quiet BLOB;"
  "ALTER TABLE routine_profile ADD COLUMN day_off_quiet BLOB;";

const char anbu_alert_engine_schema_watch_sql[] =
  /* Apart from the wide profile rows: a watch is saved far more often
   * than a profile is learned. */
  "CREATE TABLE routine_watch ("
  "  household_id TEXT PRIMARY KEY,"
  "  learned_at INTEGER NOT NULL,"
  "  quiet_since INTEGER NOT NULL,"
  "  watch_at INTEGER NOT NULL,"
  "  judged_seq INTEGER NOT NULL);";

/* A silence of the readings this long is unobserved time for learning
 * (docs/detection.md). */
#define ROUTINE_GAP_SECONDS (30 * 60)

/* What is known about a household's stored profile without reading it. */
typedef struct
{
  gint64   learned_at;
  gboolean ready;
  /* The last evaluation: for a quiet that began at quiet_since (before
   * absences) the watch is not due before watch_at. Absences only delay
   * it, a new event or a relearned profile changes the key: until then a
   * pass need not read anything for this household. */
  gint64   quiet_since;
  gint64   watch_at;
  gint64   judged_seq;   /* the facts held every record change up to it */
} RoutineIndex;

/* What the due index knows of a household. Nothing in its evaluation can
 * change before look_at unless its facts change, and the facts that could
 * bring it earlier mark it (look_at 0): records by their change number,
 * activity and returns from offline by ingest. Readings alone only move
 * its countdowns on. */
typedef struct
{
  gint64 look_at;
  gint64 last_reading_at;   /* a lower bound of its newest reading (ingest raises it) */
  gint64 last_activity_at;
  gint64 online_since;      /* as the plugs report it (a new plug's first readings too) */
} DueEntry;

/* One household's stored facts (anbu-detection-store.h), its threshold
 * in range and its last staff time raised to the latest visit. */
typedef AnbuHouseholdFacts HouseholdFacts;

/* An unresolved alert as stored. */
typedef struct
{
  AnbuAlert *alert;
  gint64     version;
  gboolean   waiting;
  gint64     waiting_until;
} StoredAlert;

static void
stored_alert_free (StoredAlert *stored)
{
  g_clear_pointer (&stored->alert, anbu_alert_free);
  g_free (stored);
}

typedef struct
{
  char *household_id;
  char *record;
} Change;

static void
change_free (Change *change)
{
  g_free (change->household_id);
  g_free (change->record);
  g_free (change);
}

static void
add_id (GHashTable *set,
        const char *household_id)
{
  if (!g_hash_table_contains (set, household_id))
    g_hash_table_add (set, g_strdup (household_id));
}

static gint64
iso_to_unix (const char *text)
{
  gint64 seconds = 0;

  anbu_server_time_parse (text, &seconds);
  return seconds;
}

static gboolean
load_absences (AnbuAlertEngine  *self,
               const char       *household_id,
               GArray           *windows,
               GError          **error)
{
  return anbu_detection_store_read_absences (self->data, household_id, windows, error);
}

static void
add_stored_alert (const char *text,
                  gint64      version,
                  gpointer    user_data)
{
  GPtrArray *alerts = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  StoredAlert *stored;
  JsonObject *object;
  AnbuAlert *alert;

  if (!json_parser_load_from_data (parser, text, -1, &local_error)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_warning ("Skipping an unreadable stored alert: %s",
                 local_error ? local_error->message : "not an object");
      return;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  alert = anbu_alert_from_json (object, &local_error);
  if (alert == NULL)
    {
      g_warning ("Skipping an invalid stored alert: %s", local_error->message);
      return;
    }
  stored = g_new0 (StoredAlert, 1);
  stored->alert = alert;
  stored->version = version;
  stored->waiting = json_object_get_boolean_member_with_default (object, "waiting", FALSE);
  stored->waiting_until = iso_to_unix (json_object_get_string_member_with_default (object,
                                                                                   "waiting_until",
                                                                                   NULL));
  g_ptr_array_add (alerts, stored);
}

static GPtrArray *
load_unresolved (AnbuAlertEngine  *self,
                 const char       *household_id,
                 GError          **error)
{
  g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) stored_alert_free);

  if (!anbu_detection_store_read_unresolved_alerts (self->data, household_id, add_stored_alert,
                                                    alerts, error))
    return NULL;
  return g_steal_pointer (&alerts);
}

/* How many contacts and visits answer the alert, and how many contacts found nobody. */
static void
count_contacts (AnbuAlertEngine *self,
                const AnbuAlert *alert,
                guint           *all,
                guint           *no_answer)
{
  anbu_detection_store_count_contacts (self->data, alert->household_id, alert->id, all, no_answer);
}

static void
apply_routing (AnbuAlertEngine *self,
               StoredAlert     *stored,
               gboolean         night_consent,
               gint64           now)
{
  AnbuRoutingDecision *decision;

  if (self->decided_at != now)
    {
      g_clear_pointer (&self->decisions[0], anbu_routing_decision_free);
      g_clear_pointer (&self->decisions[1], anbu_routing_decision_free);
      self->decided_at = now;
    }
  if (self->decisions[night_consent ? 1 : 0] == NULL)
    {
      g_autoptr(GDateTime) moment = g_date_time_new_from_unix_utc (now);

      self->decisions[night_consent ? 1 : 0] = anbu_routing_decide (self->calendar, moment,
                                                                    night_consent);
    }
  decision = self->decisions[night_consent ? 1 : 0];

  stored->alert->responder = decision->responder;
  stored->waiting = decision->waits;
  stored->waiting_until = decision->waits && decision->next_change != NULL
                          ? g_date_time_to_unix (decision->next_change) : 0;
}

static gboolean
save_alert (AnbuAlertEngine  *self,
            StoredAlert      *stored,
            GPtrArray        *changes,
            GError          **error)
{
  g_autoptr(AnbuStoreEntity) entity = anbu_store_entity_new (ANBU_RECORD_KIND_ALERT);
  g_autoptr(JsonObject) object = NULL;
  Change *change;

  stored->version++;
  stored->alert->version = stored->version;
  object = anbu_alert_to_json (stored->alert);
  json_object_set_boolean_member (object, "waiting", stored->waiting);
  if (stored->waiting && stored->waiting_until > 0)
    anbu_json_write_timestamp (object, "waiting_until", stored->waiting_until * G_USEC_PER_SEC);

  entity->id = g_strdup (stored->alert->id);
  entity->household_id = g_strdup (stored->alert->household_id);
  entity->record = anbu_json_object_to_string (object);
  entity->version = stored->version;
  entity->state = g_strdup (anbu_alert_state_to_string (stored->alert->state));
  if (!anbu_store_save (self->store, entity, error))
    return FALSE;

  change = g_new0 (Change, 1);
  change->household_id = g_strdup (stored->alert->household_id);
  change->record = g_strdup (entity->record);
  g_ptr_array_add (changes, change);
  return TRUE;
}

static void
routine_index_set (AnbuAlertEngine *self,
                   const char      *household_id,
                   gint64           learned_at,
                   gboolean         ready)
{
  RoutineIndex *index = g_new0 (RoutineIndex, 1);
  DueEntry *entry = g_hash_table_lookup (self->due, household_id);

  index->learned_at = learned_at;
  index->ready = ready;
  index->quiet_since = G_MININT64;   /* no watch judged on it yet */
  g_hash_table_replace (self->routines, g_strdup (household_id), index);
  /* Its watch time is to be found again. */
  if (entry != NULL)
    entry->look_at = 0;
}

static char *
routine_params_key (const AnbuRoutineParams *params)
{
  /* Profiles learned without days off keep their key. */
  return g_strdup_printf ("w%u u%u r%u m%u d%u z%.6g g%.6g s%.6g q%.6g x%.6g o%d%s",
                          params->window_days, params->warmup_days, params->quiet_rank,
                          params->match_minutes, params->min_days, params->spread_z,
                          params->margin, params->slack_hours, params->min_quiet_hours,
                          params->max_usual_hours, params->utc_offset_seconds,
                          params->days_off ? " k1" : "");
}

/* What the stored profiles are; one learned with other parameters counts
 * as never learned (it is used until relearned, which the next pass does). */
static void
add_routine_index (const char *household_id,
                   gint64      learned_at,
                   gboolean    ready,
                   const char *params_key,
                   gpointer    user_data)
{
  AnbuAlertEngine *self = user_data;
  gboolean same = g_strcmp0 (params_key, self->routine_params_key) == 0;

  routine_index_set (self, household_id, same ? learned_at : 0, ready);
}

static void
load_routine_index (AnbuAlertEngine *self)
{
  g_autoptr(GError) error = NULL;

  g_hash_table_remove_all (self->routines);
  if (!anbu_detection_store_foreach_profile (self->data, add_routine_index, self, &error))
    g_warning ("%s", error->message);
}

static int
compare_windows (gconstpointer a,
                 gconstpointer b)
{
  const AnbuTimeWindow *wa = a, *wb = b;

  return (wa->from > wb->from) - (wa->from < wb->from);
}

static gint64
local_midnight (const AnbuRoutineParams *params,
                gint64                   t)
{
  gint64 local = t + params->utc_offset_seconds;
  gint64 day = local / 86400 - (local % 86400 < 0 ? 1 : 0);

  return day * 86400 - params->utc_offset_seconds;
}

static gboolean
load_profile (AnbuAlertEngine     *self,
              const char          *household_id,
              AnbuRoutineProfiles *profiles)
{
  return anbu_detection_store_load_profiles (self->data, household_id, profiles);
}

static gboolean
last_activity_event (AnbuAlertEngine   *self,
                     const char        *household_id,
                     gint64             now,
                     AnbuActivityEvent *event)
{
  return anbu_detection_store_read_last_event (self->data, household_id, now, event);
}

/* Covered stretches as they come, plug by plug in time order: each run of
 * them less than the gap apart is one. */
typedef struct
{
  GArray         *runs;
  AnbuTimeWindow  run;
} CoverageRuns;

static void
add_covered_stretch (gint64   from,
                     gint64   to,
                     gpointer user_data)
{
  CoverageRuns *coverage = user_data;
  AnbuTimeWindow *run = &coverage->run;

  if (run->to != G_MININT64 && from >= run->from && from - run->to < ROUTINE_GAP_SECONDS)
    run->to = MAX (run->to, to);
  else
    {
      if (run->to != G_MININT64)
        g_array_append_val (coverage->runs, *run);
      run->from = from;
      run->to = to;
    }
}

/* Learns from the stored times: the events, the readings' gaps (and the
 * hours folded by retention), absences and the time before the first
 * install, over the window before `now`. */
static gboolean
learn_profile (AnbuAlertEngine     *self,
               const char          *household_id,
               gint64               now,
               AnbuRoutineProfiles *profiles,
               GError             **error)
{
  const AnbuRoutineProfile *profile = &profiles->pooled;
  const AnbuRoutineParams *params = &self->routine_params;
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (AnbuActivityEvent));
  g_autoptr(GArray) unobserved = g_array_new (FALSE, FALSE, sizeof (AnbuTimeWindow));
  g_autoptr(GArray) gaps = g_array_new (FALSE, FALSE, sizeof (AnbuTimeWindow));
  gint64 window_start = local_midnight (params, now) - (gint64) params->window_days * 86400;
  gint64 installed_at = 0, covered_until, stored_until = 0;

  if (!anbu_detection_store_read_first_install (self->data, household_id, &installed_at))
    installed_at = 0;
  if (installed_at <= 0)
    installed_at = now;
  {
    AnbuTimeWindow before = { G_MININT64 / 2, installed_at };

    g_array_append_val (unobserved, before);
  }

  if (!anbu_detection_store_read_events (self->data, household_id, window_start, now, events,
                                         error))
    return FALSE;

  /* Offline gaps: stretches without readings from any plug of the
   * household (an hourly aggregate covers its hour). The gaps found by the
   * last learning are kept with the time they reach (the last reading then
   * seen): only later readings are read again. The rows come plug by
   * plug in time order: each run of rows less than the gap apart is one
   * covered stretch; the few stretches are then merged across plugs. */
  covered_until = MAX (window_start, installed_at);
  {
    g_autoptr(GArray) stored = g_array_new (FALSE, FALSE, sizeof (AnbuTimeWindow));

    if (anbu_detection_store_read_gaps (self->data, household_id, stored, &stored_until)
        && stored_until >= covered_until && stored_until <= now)
      {
        for (guint i = 0; i < stored->len; i++)
          if (g_array_index (stored, AnbuTimeWindow, i).to > window_start)
            g_array_append_val (gaps, g_array_index (stored, AnbuTimeWindow, i));
        covered_until = stored_until;
      }
  }

  {
    g_autoptr(GArray) runs = g_array_new (FALSE, FALSE, sizeof (AnbuTimeWindow));
    CoverageRuns coverage = { runs, { 0, G_MININT64 } };

    if (!anbu_detection_store_foreach_covered_stretch (self->data, household_id, covered_until,
                                                       now, add_covered_stretch, &coverage,
                                                       error))
      return FALSE;
    if (coverage.run.to != G_MININT64)
      g_array_append_val (runs, coverage.run);

    g_array_sort (runs, compare_windows);
    for (guint i = 0; i < runs->len; i++)
      {
        const AnbuTimeWindow *covered = &g_array_index (runs, AnbuTimeWindow, i);

        if (covered->from - covered_until >= ROUTINE_GAP_SECONDS)
          {
            AnbuTimeWindow gap = { covered_until, covered->from };

            g_array_append_val (gaps, gap);
          }
        covered_until = MAX (covered_until, covered->to);
      }
  }
  g_array_append_vals (unobserved, gaps->data, gaps->len);
  /* The silence since the last reading is unobserved for now, and not
   * kept: it may still be filled. */
  if (now - covered_until >= ROUTINE_GAP_SECONDS)
    {
      AnbuTimeWindow gap = { covered_until, now };

      g_array_append_val (unobserved, gap);
    }

  if (!load_absences (self, household_id, unobserved, error))
    return FALSE;

  anbu_routine_profiles_learn (profiles, params, self->calendar,
                               (const AnbuActivityEvent *) events->data, events->len,
                               (const AnbuTimeWindow *) unobserved->data, unobserved->len, now);

  if (!anbu_detection_store_save_profiles (self->data, household_id, profiles,
                                           self->routine_params_key, gaps, covered_until, error))
    return FALSE;
  routine_index_set (self, household_id, profile->learned_at, profile->ready);
  return TRUE;
}

/* A planner who resolved the alert of this very silence has seen it: the
 * same kind is not raised again at once for it. Returns the resolution time
 * (unix seconds) of such an alert, or 0. */
static gint64
resolved_in_this_silence (AnbuAlertEngine *self,
                          const char      *household_id,
                          AnbuAlertKind    kind,
                          gint64           quiet_since)
{
  gint64 resolved_quiet_since = 0, closed_at = 0;

  if (anbu_detection_store_read_last_resolved (self->data, household_id,
                                               anbu_alert_kind_to_string (kind),
                                               &resolved_quiet_since, &closed_at)
      && resolved_quiet_since >= quiet_since)
    return closed_at;
  return 0;
}

static StoredAlert *
find_kind (GPtrArray     *alerts,
           AnbuAlertKind  kind)
{
  for (guint i = 0; i < alerts->len; i++)
    {
      StoredAlert *stored = g_ptr_array_index (alerts, i);

      if (stored->alert->kind == kind && stored->alert->state != ANBU_ALERT_STATE_RESOLVED)
        return stored;
    }
  return NULL;
}

static gboolean
raise_alert (AnbuAlertEngine    *self,
             const HouseholdFacts *facts,
             AnbuAlertKind       kind,
             const char         *detail,
             gint64              quiet_since,
             gint64              now,
             GPtrArray          *alerts,
             GPtrArray          *changes,
             AnbuAlertPassStats *stats,
             GError            **error)
{
  StoredAlert *stored = g_new0 (StoredAlert, 1);

  stored->alert = anbu_alert_new ();
  stored->alert->id = g_uuid_string_random ();
  stored->alert->household_id = g_strdup (facts->id);
  stored->alert->kind = kind;
  stored->alert->level = kind == ANBU_ALERT_KIND_INACTIVITY ? ANBU_ALERT_LEVEL_RISK
                                                            : ANBU_ALERT_LEVEL_WATCH;
  stored->alert->detail = g_strdup (detail);
  stored->alert->quiet_since = quiet_since * G_USEC_PER_SEC;
  stored->alert->raised_at = now * G_USEC_PER_SEC;
  stored->alert->state = ANBU_ALERT_STATE_OPEN;
  stored->version = 0;
  apply_routing (self, stored, facts->night_consent, now);
  g_ptr_array_add (alerts, stored);
  g_hash_table_add (self->watched, g_strdup (facts->id));
  if (stats != NULL)
    stats->raised++;
  return save_alert (self, stored, changes, error);
}

static gboolean
close_alert (AnbuAlertEngine     *self,
             StoredAlert         *stored,
             AnbuAlertResolution  resolution,
             gint64               now,
             GPtrArray           *changes,
             AnbuAlertPassStats  *stats,
             GError             **error)
{
  stored->alert->state = ANBU_ALERT_STATE_RESOLVED;
  stored->alert->resolution = resolution;
  stored->alert->closed_at = MAX (now * G_USEC_PER_SEC, stored->alert->raised_at);
  stored->waiting = FALSE;
  stored->waiting_until = 0;
  if (stats != NULL)
    stats->closed++;
  return save_alert (self, stored, changes, error);
}

static void
add_staff_window (gint64   t,
                  gboolean in_home,
                  gpointer user_data)
{
  GArray *staff = user_data;
  AnbuTimeWindow window;

  if (!in_home)
    anbu_case_staff_window_for_plug_work (t, &window);
  else
    anbu_case_staff_window_for_visit (t, &window);
  g_array_append_val (staff, window);
}

static gboolean
load_staff_windows (AnbuAlertEngine  *self,
                    const char       *household_id,
                    GArray           *staff,
                    GError          **error)
{
  return anbu_detection_store_foreach_staff_time (self->data, household_id, add_staff_window,
                                                  staff, error);
}

/* Looks for the newest event outside staff time. */
typedef struct
{
  GArray   *staff;
  gint64    ts;
  gboolean  found;
} ResidentSearch;

static gboolean
check_resident_event (gint64   ts,
                      gpointer user_data)
{
  ResidentSearch *search = user_data;

  if (anbu_case_is_resident_activity (ts, (const AnbuTimeWindow *) search->staff->data,
                                      search->staff->len))
    {
      search->ts = ts;
      search->found = TRUE;
    }
  return !search->found;
}

/* The resident's last activity event up to `now`, staff time left out; the
 * first install when there is none (the countdown starts there). */
static gboolean
resident_last_activity (AnbuAlertEngine  *self,
                        const char       *household_id,
                        gint64            now,
                        gint64           *last_activity,
                        GError          **error)
{
  g_autoptr(GArray) staff = g_array_new (FALSE, FALSE, sizeof (AnbuTimeWindow));
  ResidentSearch search = { staff, 0, FALSE };
  gint64 installed_at;

  if (!load_staff_windows (self, household_id, staff, error)
      || !anbu_detection_store_foreach_event_time (self->data, household_id, G_MININT64, now,
                                                   check_resident_event, &search, error))
    return FALSE;
  if (search.found)
    {
      *last_activity = search.ts;
      return TRUE;
    }
  if (anbu_detection_store_read_first_install (self->data, household_id, &installed_at))
    *last_activity = MIN (*last_activity, installed_at);
  return TRUE;
}

/* Whether the resident, not staff, made an activity event in (since, now]
 * (docs/casework.md: plug work and visits are staff time). */
static gboolean
resident_active_since (AnbuAlertEngine  *self,
                       const char       *household_id,
                       gint64            since,
                       gint64            now,
                       gboolean         *active,
                       GError          **error)
{
  g_autoptr(GArray) staff = g_array_new (FALSE, FALSE, sizeof (AnbuTimeWindow));
  ResidentSearch search = { staff, 0, FALSE };

  *active = FALSE;
  if (!load_staff_windows (self, household_id, staff, error)
      || !anbu_detection_store_foreach_event_time (self->data, household_id, since, now,
                                                   check_resident_event, &search, error))
    return FALSE;
  *active = search.found;
  return TRUE;
}

/* An unresolved alert whose silence is no longer signalled (activity came
 * back, an absence covers now, the quiet restarted): closed as the case
 * rules say (anbu-case-lifecycle.h), which is only when nobody acted on it
 * and the resident was active. */
static gboolean
close_if_unattended (AnbuAlertEngine             *self,
                     StoredAlert                 *stored,
                     const AnbuInactivityVerdict *verdict,
                     gint64                       now,
                     GPtrArray                   *changes,
                     AnbuAlertPassStats          *stats,
                     GError                     **error)
{
  AnbuAlertResolution resolution;
  AnbuCaseEvent event;
  guint all, no_answer;
  gboolean resident;

  if (stored->alert->state == ANBU_ALERT_STATE_RESOLVED)
    return TRUE;
  count_contacts (self, stored->alert, &all, &no_answer);
  if (anbu_case_is_acted_on (stored->alert, all))
    return TRUE;
  if (!resident_active_since (self, stored->alert->household_id,
                              stored->alert->quiet_since / G_USEC_PER_SEC, now, &resident, error))
    return FALSE;
  if (resident)
    event = ANBU_CASE_EVENT_RESIDENT_ACTIVITY;
  else if (verdict->absent)
    event = ANBU_CASE_EVENT_ABSENCE;
  else if (verdict->quiet_since * G_USEC_PER_SEC > stored->alert->quiet_since)
    event = ANBU_CASE_EVENT_STAFF_ACTIVITY;
  else
    event = ANBU_CASE_EVENT_QUIET_RESTARTED;
  if (!anbu_case_event_closes (stored->alert, FALSE, event, &resolution))
    return TRUE;
  return close_alert (self, stored, resolution, now, changes, stats, error);
}

/* Fewer households than this cannot tell a mass silence from their own. */
#define MASS_SILENCE_MIN 4

/* A signal raised this long after it was due says why. */
#define LATE_SECONDS (5 * 60)

static char *
local_clock (gint64 t)
{
  /* KST has no daylight saving: a fixed +9 h (docs/detection.md). */
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t + 9 * 3600);

  return g_date_time_format (utc, "%Y-%m-%d %H:%M");
}

/* The detail of a risk signal raised after its due time: when it was due
 * and why it comes late. NULL when it is on time. */
static char *
late_detail (const HouseholdFacts        *facts,
             const AnbuInactivityVerdict *verdict,
             gint64                       now)
{
  g_autofree char *due = NULL;
  g_autofree char *since = NULL;

  if (now - verdict->inactive_at < LATE_SECONDS)
    return NULL;
  due = local_clock (verdict->inactive_at);
  if (facts->last_seen_at > facts->last_reading_at + 60)
    {
      since = local_clock (facts->last_reading_at);
      return g_strdup_printf (_("Due %s, raised late: no readings reached the server after %s "
                                "(server or gateway outage); the quiet was counted through it"),
                              due, since);
    }
  return g_strdup_printf (_("Due %s, raised late: the readings that showed it arrived late"), due);
}

/* A replay may hold a signal this long at most, then it is raised whatever
 * is still on its way. */
#define CATCH_UP_HOLD_SECONDS (30 * 60)

/* Readings this much older than now are on their way rather than live:
 * gateways send every minute or every few. Far under the offline time, so
 * that a replay's last hours (the plugs not offline any more) are waited
 * for too. */
#define REPLAY_LAG_SECONDS (15 * 60)

static gboolean
readings_lag (gint64 last_reading_at,
              gint64 now)
{
  return last_reading_at + REPLAY_LAG_SECONDS <= now;
}

/* Whether this household's readings are on their way: they lag
 * (REPLAY_LAG_SECONDS), and a batch of its old readings just arrived (not
 * a timer pass) or the timer sees a backlog being replayed. A signal that
 * rests on its readings so far waits for the rest, even one they already
 * show due: raised now, the readings still coming would close it a minute
 * later as safe, for a silence long over. It is raised as soon as its
 * readings catch up in silence or the replay stops (or after
 * CATCH_UP_HOLD_SECONDS). */
static gboolean
readings_on_their_way (AnbuAlertEngine      *self,
                       const HouseholdFacts *facts,
                       gint64                now,
                       gboolean              from_timer)
{
  if (!readings_lag (facts->last_reading_at, now))
    return FALSE;
  if (!from_timer)
    return TRUE;
  return self->catching_up_since != 0 && now - self->catching_up_since < CATCH_UP_HOLD_SECONDS;
}

/* The earliest time a look at this household could find something to do,
 * given the facts just evaluated (DueEntry): a lower bound of every
 * countdown. A countdown already run out without its signal (the plug's
 * readings behind, a signal held for its readings, resolved in this
 * silence, an ingest gap) is looked at on every pass, as before. */
static gint64
next_look (AnbuAlertEngine             *self,
           const HouseholdFacts        *facts,
           const AnbuInactivityVerdict *verdict,
           GArray                      *absences,
           const RoutineIndex          *index,
           gint64                       bare_quiet_since,
           gint64                       now)
{
  gint64 look_at, t;

  /* Inactivity: absences ending and new activity only move it on. A
   * time already passed stays: looked at on every pass (and a clock set
   * back, as tests do, finds it too). */
  look_at = verdict->inactive_at;
  if (look_at <= now)
    {
      if (verdict->absent && absences != NULL)
        {
          /* Suppressed until the absence ends (the quiet restarts there). */
          look_at = G_MAXINT64;
          for (guint i = 0; i < absences->len; i++)
            {
              const AnbuTimeWindow *window = &g_array_index (absences, AnbuTimeWindow, i);

              if (window->from <= now && now < window->to)
                look_at = MIN (look_at, window->to);
            }
        }
    }

  /* Offline: from the last reading itself, which is never later than the
   * time seen through ingest gaps. */
  t = facts->last_reading_at + self->offline_after;
  look_at = MIN (look_at, t);

  /* Routine watch: not before min_quiet_hours of this quiet, and for the
   * quiet already evaluated not before its watch time. */
  if (index != NULL && index->ready)
    {
      t = bare_quiet_since + (gint64) (self->routine_params.min_quiet_hours * 3600.0);
      if (index->quiet_since == bare_quiet_since)
        t = MAX (t, index->watch_at);
      look_at = MIN (look_at, t);
    }
  return look_at;
}

static DueEntry *
due_entry_for (AnbuAlertEngine *self,
               const char      *household_id)
{
  DueEntry *entry = g_hash_table_lookup (self->due, household_id);

  if (entry == NULL)
    {
      entry = g_new0 (DueEntry, 1);
      g_hash_table_insert (self->due, g_strdup (household_id), entry);
      self->all_learned_at = 0;
    }
  return entry;
}

static void
due_entry_update (AnbuAlertEngine      *self,
                  const HouseholdFacts *facts,
                  gint64                look_at)
{
  DueEntry *entry = due_entry_for (self, facts->id);

  entry->look_at = look_at;
  entry->last_reading_at = facts->last_reading_at;
  entry->last_activity_at = facts->last_activity_at;
  entry->online_since = facts->plugs_online_since;
}

static AnbuQuietFacts
quiet_facts_of (const HouseholdFacts *facts)
{
  AnbuQuietFacts quiet = { facts->last_activity_at, facts->last_seen_at, facts->online_since,
                           NULL, 0, facts->offline_from };

  return quiet;
}

/* Staff came after the last counted activity: their switching and a new
 * plug's first readings do not end the resident's quiet, which its events
 * tell. */
static gboolean
staff_after_activity (const HouseholdFacts *facts)
{
  return facts->last_staff_at > 0
         && facts->last_staff_at >= facts->last_activity_at - ANBU_CASE_VISIT_SECONDS;
}

/* A routine watch needs a ready profile and at least min_quiet_hours of
 * quiet (since QUIET_SINCE, before absences) up to the last reading; a
 * quiet judged before is not judged again before its watch time. */
static gboolean
routine_candidate (AnbuAlertEngine      *self,
                   const RoutineIndex   *index,
                   const HouseholdFacts *facts,
                   gint64                quiet_since,
                   gint64                now)
{
  return index != NULL && index->ready
         && MIN (facts->last_seen_at, now) - quiet_since
            >= (gint64) (self->routine_params.min_quiet_hours * 3600.0)
         && !(index->quiet_since == quiet_since && now < index->watch_at);
}

/* Whether evaluating the household reads anything but its facts (staff
 * times, absences, its last event, its profile, its alerts), as
 * evaluate_household decides: the households a pass prefetches. */
static gboolean
evaluation_reads (AnbuAlertEngine      *self,
                  const HouseholdFacts *facts,
                  gint64                now)
{
  AnbuInactivityParams params = { facts->threshold_hours, self->offline_after };
  AnbuQuietFacts quiet = quiet_facts_of (facts);
  AnbuInactivityVerdict verdict;

  if (staff_after_activity (facts) || g_hash_table_contains (self->watched, facts->id))
    return TRUE;
  anbu_inactivity_evaluate (&quiet, &params, now, &verdict);
  return verdict.inactive || verdict.offline
         || routine_candidate (self, g_hash_table_lookup (self->routines, facts->id), facts,
                               verdict.quiet_since, now);
}

/* Before a pass evaluates `all` in its order: what those that read
 * anything will read is read for many at once. */
static gboolean
prefetch_reads (AnbuAlertEngine  *self,
                GArray           *all,
                gint64            now,
                GError          **error)
{
  g_autoptr(GPtrArray) asking = g_ptr_array_new ();

  for (guint i = 0; i < all->len; i++)
    {
      const HouseholdFacts *facts = &g_array_index (all, HouseholdFacts, i);

      if (evaluation_reads (self, facts, now))
        g_ptr_array_add (asking, (gpointer) facts->id);
    }
  return anbu_detection_store_prefetch (self->data, now, (const char * const *) asking->pdata,
                                        asking->len, error);
}

/* Everything for one household at `now`. */
static gboolean
evaluate_household (AnbuAlertEngine      *self,
                    const HouseholdFacts *facts,
                    gint64                now,
                    gboolean              from_timer,
                    GPtrArray            *changes,
                    AnbuAlertPassStats   *stats,
                    GError              **error)
{
  AnbuInactivityParams params = { facts->threshold_hours, self->offline_after };
  AnbuQuietFacts quiet = quiet_facts_of (facts);
  g_autoptr(GArray) windows = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  AnbuInactivityVerdict verdict;
  AnbuRoutineVerdict routine = { 0 };
  g_autofree char *routine_detail = NULL;
  RoutineIndex *index = g_hash_table_lookup (self->routines, facts->id);
  gboolean judge_routine, on_their_way;
  gint64 bare_quiet_since;
  StoredAlert *stored;

  if (stats != NULL)
    stats->households++;

  if (staff_after_activity (facts)
      && !resident_last_activity (self, facts->id, now, &quiet.last_activity_at, error))
    return FALSE;

  /* Absences only shorten the quiet: look them up only when it matters. */
  anbu_inactivity_evaluate (&quiet, &params, now, &verdict);
  bare_quiet_since = verdict.quiet_since;
  judge_routine = routine_candidate (self, index, facts, bare_quiet_since, now);
  if (verdict.inactive || judge_routine || g_hash_table_contains (self->watched, facts->id))
    {
      windows = g_array_new (FALSE, FALSE, sizeof (AnbuTimeWindow));
      if (!load_absences (self, facts->id, windows, error))
        return FALSE;
      quiet.absences = (const AnbuTimeWindow *) windows->data;
      quiet.n_absences = windows->len;
      anbu_inactivity_evaluate (&quiet, &params, now, &verdict);
    }
  if (judge_routine)
    {
      AnbuRoutineProfiles profiles;
      AnbuActivityEvent last_event;
      gboolean has_event = last_activity_event (self, facts->id, now, &last_event);

      index->quiet_since = bare_quiet_since;
      index->watch_at = G_MAXINT64;
      index->judged_seq = self->judging_seq;
      add_id (self->watches_unsaved, facts->id);
      if (stats != NULL)
        stats->judged++;
      if (load_profile (self, facts->id, &profiles))
        {
          /* With days off, the profile of the kind of day the silence
           * belongs to (the one the evaluation measures). */
          const AnbuRoutineProfile *profile
            = anbu_routine_profiles_choose (&profiles, &self->routine_params, self->calendar,
                                            anbu_quiet_since (&quiet, now),
                                            has_event ? &last_event : NULL);

          anbu_routine_evaluate (profile, &self->routine_params, &quiet,
                                 has_event ? &last_event : NULL, now, &routine);
          index->watch_at = routine.watch_at;
          if (routine.watch)
            routine_detail = anbu_routine_verdict_describe (&routine, &self->routine_params, now);
        }
      /* An absence still to end moves the quiet's start to its end then
       * (anbu_quiet_since), and the watch may come earlier than judged
       * now: judged again at that end. */
      for (guint i = 0; i < windows->len; i++)
        {
          gint64 end = g_array_index (windows, AnbuTimeWindow, i).to;

          if (end > now && end > bare_quiet_since)
            index->watch_at = MIN (index->watch_at, end);
        }
    }
  due_entry_update (self, facts, next_look (self, facts, &verdict, windows, index,
                                            bare_quiet_since, now));
  on_their_way = readings_on_their_way (self, facts, now, from_timer);
  if (!verdict.inactive && !verdict.offline && !routine.watch
      && !g_hash_table_contains (self->watched, facts->id))
    return TRUE;
  if (self->scanning)
    {
      due_entry_for (self, facts->id)->look_at = 0;
      return TRUE;
    }

  alerts = load_unresolved (self, facts->id, error);
  if (alerts == NULL)
    return FALSE;

  /* Inactivity. */
  stored = find_kind (alerts, ANBU_ALERT_KIND_INACTIVITY);
  if (verdict.inactive && stored == NULL)
    {
      gint64 resolved_at = resolved_in_this_silence (self, facts->id, ANBU_ALERT_KIND_INACTIVITY,
                                                     verdict.quiet_since);

      g_autofree char *detail = late_detail (facts, &verdict, now);

      /* After a resolution in this silence the countdown starts again from it. */
      if ((resolved_at == 0 || now - resolved_at >= (gint64) facts->threshold_hours * 3600)
          && !on_their_way
          && !raise_alert (self, facts, ANBU_ALERT_KIND_INACTIVITY, detail, verdict.quiet_since,
                           now, alerts, changes, stats, error))
        return FALSE;
    }
  else if (!verdict.inactive && stored != NULL
           && !close_if_unattended (self, stored, &verdict, now, changes, stats, error))
    return FALSE;

  /* Routine watch: the same lifecycle as inactivity, but an early warning
   * resolved for this silence is not repeated; the fixed rule takes over. */
  stored = find_kind (alerts, ANBU_ALERT_KIND_ROUTINE);
  if (routine.watch && stored == NULL
      && resolved_in_this_silence (self, facts->id, ANBU_ALERT_KIND_ROUTINE, routine.quiet_since) == 0
      && !on_their_way)
    {
      if (!raise_alert (self, facts, ANBU_ALERT_KIND_ROUTINE, routine_detail, routine.quiet_since,
                        now, alerts, changes, stats, error))
        return FALSE;
    }
  else if (!routine.watch && stored != NULL
           && !close_if_unattended (self, stored, &verdict, now, changes, stats, error))
    return FALSE;

  /* Offline. A batch that just arrived proves the plug reports (history
   * sent late only looks old): only the timer raises offline signals. */
  stored = find_kind (alerts, ANBU_ALERT_KIND_OFFLINE);
  if (verdict.offline && stored == NULL && from_timer && !self->mass_silence)
    {
      if (!raise_alert (self, facts, ANBU_ALERT_KIND_OFFLINE, NULL, facts->last_seen_at, now,
                        alerts, changes, stats, error))
        return FALSE;
    }
  else if (!verdict.offline && stored != NULL && stored->alert->state == ANBU_ALERT_STATE_OPEN)
    {
      AnbuAlertResolution resolution;
      guint all, no_answer;

      count_contacts (self, stored->alert, &all, &no_answer);
      if (anbu_case_event_closes (stored->alert, anbu_case_is_acted_on (stored->alert, all),
                                  ANBU_CASE_EVENT_READINGS_BACK, &resolution)
          && !close_alert (self, stored, resolution, now, changes, stats, error))
        return FALSE;
    }

  /* Escalation and routing of what is still unresolved. */
  {
    gboolean any_unresolved = FALSE;

    for (guint i = 0; i < alerts->len; i++)
      {
        AnbuAlertResponder responder;
        gboolean waiting, changed = FALSE;
        gint64 waiting_until;
        guint all, no_answer;

        stored = g_ptr_array_index (alerts, i);
        if (stored->alert->state == ANBU_ALERT_STATE_RESOLVED)
          continue;
        any_unresolved = TRUE;

        count_contacts (self, stored->alert, &all, &no_answer);
        if (no_answer >= 2 && stored->alert->level != ANBU_ALERT_LEVEL_CRITICAL)
          {
            stored->alert->level = ANBU_ALERT_LEVEL_CRITICAL;
            changed = TRUE;
            if (stats != NULL)
              stats->escalated++;
          }

        responder = stored->alert->responder;
        waiting = stored->waiting;
        waiting_until = stored->waiting_until;
        apply_routing (self, stored, facts->night_consent, now);
        if (responder != stored->alert->responder || !waiting != !stored->waiting
            || waiting_until != stored->waiting_until)
          {
            changed = TRUE;
            if (stats != NULL)
              stats->rerouted++;
          }
        if (changed && !save_alert (self, stored, changes, error))
          return FALSE;
      }
    if (!any_unresolved)
      g_hash_table_remove (self->watched, facts->id);
  }
  return TRUE;
}

static void
emit_changes (AnbuAlertEngine *self,
              GPtrArray       *changes)
{
  for (guint i = 0; i < changes->len; i++)
    {
      Change *change = g_ptr_array_index (changes, i);

      g_signal_emit (self, signals[SIGNAL_ALERT_CHANGED], 0, change->household_id, change->record);
    }
}

/* Visits and in-person contacts recorded since the last look (by change
 * number): when each household last had staff in the home. */
static void
note_visit (const char *household_id,
            gint64      at,
            gint64      seq,
            gpointer    user_data)
{
  AnbuAlertEngine *self = user_data;
  gint64 *known = g_hash_table_lookup (self->visited_at, household_id);

  self->visits_seq = MAX (self->visits_seq, seq);
  if (known == NULL)
    {
      known = g_new (gint64, 1);
      *known = at;
      g_hash_table_insert (self->visited_at, g_strdup (household_id), known);
    }
  else
    *known = MAX (*known, at);
}

static gboolean
refresh_visits (AnbuAlertEngine  *self,
                GError          **error)
{
  gint64 seen = self->visits_seq;

  /* Read against the number seen before, kept only when all was read. */
  if (!anbu_detection_store_foreach_visit_since (self->data, seen, note_visit, self, error))
    {
      self->visits_seq = seen;
      return FALSE;
    }
  return TRUE;
}

/* A timer pass: is a backlog being replayed? Of the N households,
 * LAGGING have readings older than the replay lag, MEAN is the mean time
 * of their newest readings. The readings themselves count, not the silence
 * through gaps: a gateway sending its backlog is alive, its readings are
 * old. They must move on faster than the clock (twice): gateways that
 * send every half hour keep half the readings lagging, at the clock's
 * pace, and their households' signals must not wait. */
static void
note_replay (AnbuAlertEngine *self,
             guint            n,
             guint            lagging,
             double           mean,
             gint64           now)
{
  /* A minute at least (the default pass interval): passes at one time, as
   * tests on a manual clock make, do not take any move for a replay. */
  double elapsed = (double) MAX (now - self->replay_looked_at, 60);
  gboolean replaying = n >= MASS_SILENCE_MIN && 2 * lagging > n && self->mean_reading >= 0
                       && mean - self->mean_reading > 2.0 * elapsed;

  if (replaying && self->catching_up_since == 0)
    {
      self->catching_up_since = now;
      g_message ("Readings from the past are arriving: signals that rest on time they have not "
                 "reached yet wait for them (at most %d minutes)", CATCH_UP_HOLD_SECONDS / 60);
    }
  else if (!replaying)
    self->catching_up_since = 0;
  self->mean_reading = mean;
  self->replay_looked_at = now;
}

static void adjust_facts (AnbuAlertEngine *self,
                          GArray          *all,
                          guint            before);

/* Appends the facts the statement finds; ids are kept in `ids`. */
static gboolean
read_facts (AnbuAlertEngine  *self,
            const char       *household_id,
            gint64            now,
            GArray           *all,
            GStringChunk     *ids,
            GError          **error)
{
  guint before = all->len;

  /* Read first, then write: the statement stays clean of our own saves. */
  if (!anbu_detection_store_read_facts (self->data, household_id, now, all, ids, error))
    return FALSE;
  adjust_facts (self, all, before);
  return TRUE;
}

/* The threshold's range and the visits noted, on the facts from `before` on. */
static void
adjust_facts (AnbuAlertEngine *self,
              GArray          *all,
              guint            before)
{
  for (guint i = before; i < all->len; i++)
    {
      HouseholdFacts *facts = &g_array_index (all, HouseholdFacts, i);
      const gint64 *visited = g_hash_table_lookup (self->visited_at, facts->id);

      if (facts->threshold_hours < ANBU_THRESHOLD_HOURS_MIN
          || facts->threshold_hours > ANBU_THRESHOLD_HOURS_MAX)
        facts->threshold_hours = ANBU_THRESHOLD_HOURS_DEFAULT;
      if (visited != NULL)
        facts->last_staff_at = MAX (facts->last_staff_at, *visited);
    }
}

/* The facts of those of `household_ids` that are active with an installed
 * plug, appended to `all` in no particular order. */
static gboolean
read_facts_of (AnbuAlertEngine  *self,
               GPtrArray        *household_ids,
               gint64            now,
               GArray           *all,
               GStringChunk     *ids,
               GError          **error)
{
  guint before = all->len;

  if (!anbu_detection_store_read_facts_of (self->data, (const char * const *) household_ids->pdata,
                                           household_ids->len, now, all, ids, error))
    return FALSE;
  adjust_facts (self, all, before);
  return TRUE;
}

/* The facts of one household, appended to `all`; FALSE in *found when it
 * is not active or has no installed plug. */
static gboolean
read_one_facts (AnbuAlertEngine  *self,
                const char       *household_id,
                gint64            now,
                GArray           *all,
                GStringChunk     *ids,
                gboolean         *found,
                GError          **error)
{
  guint before = all->len;
  gboolean ok;

  ok = read_facts (self, household_id, now, all, ids, error);
  *found = all->len > before;
  return ok;
}

/* A timer pass that saw every household: when more than half of them (of
 * at least MASS_SILENCE_MIN) have no reading for the offline time, the
 * silence is not theirs. */
static void
note_mass_silence (AnbuAlertEngine *self,
                   GArray          *all,
                   gint64           now)
{
  guint silent = 0, lagging = 0;
  double sum = 0;

  for (guint i = 0; i < all->len; i++)
    {
      const HouseholdFacts *facts = &g_array_index (all, HouseholdFacts, i);

      silent += facts->last_seen_at + self->offline_after <= now;
      lagging += readings_lag (facts->last_reading_at, now);
      sum += (double) facts->last_reading_at;
    }
  self->mass_silence = all->len >= MASS_SILENCE_MIN && 2 * silent > all->len;
  if (self->mass_silence)
    g_message ("%u of %u households have no readings for the offline time: taken for an "
               "ingest gap, no offline signals", silent, all->len);
  note_replay (self, all->len, lagging, all->len > 0 ? sum / all->len : 0, now);
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static int
compare_facts (gconstpointer a,
               gconstpointer b)
{
  return strcmp (((const HouseholdFacts *) a)->id, ((const HouseholdFacts *) b)->id);
}

/* The timer relearns profiles older than today's local midnight, in id
 * order, within its time budget (the others on the next passes). Ids of
 * the households it learned are added to `learned` when given. */
static gboolean
relearn (AnbuAlertEngine  *self,
         GPtrArray        *candidates,
         gint64            now,
         GPtrArray        *learned,
         gboolean         *complete,
         GError          **error)
{
  gint64 midnight = local_midnight (&self->routine_params, now);
  gint64 started = g_get_monotonic_time ();

  *complete = TRUE;
  for (guint i = 0; i < candidates->len; i++)
    {
      const char *household_id = g_ptr_array_index (candidates, i);
      const RoutineIndex *index = g_hash_table_lookup (self->routines, household_id);
      AnbuRoutineProfiles profiles;

      if (index != NULL && index->learned_at >= midnight)
        continue;
      if (self->learn_budget > 0 && g_get_monotonic_time () - started > self->learn_budget)
        {
          *complete = FALSE;
          break;
        }
      if (!learn_profile (self, household_id, now, &profiles, error))
        return FALSE;
      if (learned != NULL)
        g_ptr_array_add (learned, (gpointer) household_id);
    }
  return TRUE;
}

/* Signals saved in one write transaction at most by a timer pass: a
 * cold start at a million households raised 20,000 at once and held the
 * store's write lock for 49 s, and every other writer (pushes, sign-ins,
 * other instances) waited for it. */
#define SAVES_PER_TRANSACTION 500

/* evaluate_all for the timer pass, inside the store's write transaction:
 * once SAVES_PER_TRANSACTION signals are saved, it commits them (and
 * tells of them), takes the lock again and reads the facts of the
 * households still to evaluate anew under it, since another instance may
 * have written between. */
static gboolean
evaluate_committing (AnbuAlertEngine     *self,
                     GArray              *all,
                     gint64               now,
                     GPtrArray           *changes,
                     AnbuAlertPassStats  *stats,
                     GError             **error)
{
  g_autoptr(GArray) fresh = NULL;
  g_autoptr(GStringChunk) fresh_ids = NULL;
  GArray *facts = all;
  guint i = 0;

  /* Bounded: each round evaluates at least one household more. */
  while (i < facts->len)
    {
      g_autoptr(GPtrArray) rest = NULL;

      if (!evaluate_household (self, &g_array_index (facts, HouseholdFacts, i++), now, TRUE,
                               changes, stats, error))
        return FALSE;
      if (changes->len < SAVES_PER_TRANSACTION || i == facts->len)
        continue;

      rest = g_ptr_array_new_full (facts->len - i, g_free);
      for (guint j = i; j < facts->len; j++)
        g_ptr_array_add (rest, g_strdup (g_array_index (facts, HouseholdFacts, j).id));
      anbu_detection_store_forget_prefetched (self->data);
      if (!anbu_store_commit (self->store, error))
        return FALSE;
      emit_changes (self, changes);
      g_ptr_array_set_size (changes, 0);
      if (!anbu_store_begin (self->store, error))
        return FALSE;

      g_clear_pointer (&fresh, g_array_unref);
      g_clear_pointer (&fresh_ids, g_string_chunk_free);
      fresh = g_array_new (FALSE, FALSE, sizeof (HouseholdFacts));
      fresh_ids = g_string_chunk_new (4096);
      /* Refresh the visits too, then the facts: those no longer active
       * or without a plug drop out, and their change is looked at next. */
      if (!refresh_visits (self, error)
          || !read_facts_of (self, rest, now, fresh, fresh_ids, error))
        return FALSE;
      g_array_sort (fresh, compare_facts);
      if (!prefetch_reads (self, fresh, now, error))
        return FALSE;
      facts = fresh;
      i = 0;
    }
  return TRUE;
}

static gboolean
evaluate_all (AnbuAlertEngine     *self,
              GArray              *all,
              gint64               now,
              gboolean             from_timer,
              GPtrArray           *changes,
              AnbuAlertPassStats  *stats,
              GError             **error)
{
  for (guint i = 0; i < all->len; i++)
    if (!evaluate_household (self, &g_array_index (all, HouseholdFacts, i), now, from_timer,
                             changes, stats, error))
      return FALSE;
  return TRUE;
}

static gint64
read_seq (AnbuAlertEngine *self)
{
  return anbu_detection_store_read_change_seq (self->data);
}

static void
watch_household (const char *household_id,
                 gpointer    user_data)
{
  AnbuAlertEngine *self = user_data;

  g_hash_table_add (self->watched, g_strdup (household_id));
}

/* A statement of 25,000 rows on PostgreSQL holds the write lock for a
 * fraction of a second. */
#define WATCHES_PER_TRANSACTION 25000

typedef struct
{
  AnbuAlertEngine *self;
  gint64           oldest;  /* the least judged_seq kept */
} WatchLoad;

/* A watch saved for the profile the index knows (not one learned with
 * other parameters, learned_at 0 there) is kept, as judged. */
static void
keep_saved_watch (const AnbuRoutineWatch *watch,
                  gpointer                user_data)
{
  WatchLoad *load = user_data;
  RoutineIndex *index = g_hash_table_lookup (load->self->routines, watch->household_id);

  if (index == NULL || index->learned_at == 0 || index->learned_at != watch->learned_at)
    return;
  index->quiet_since = watch->quiet_since;
  index->watch_at = watch->watch_at;
  index->judged_seq = watch->judged_seq;
  load->oldest = MIN (load->oldest, watch->judged_seq);
}

/* A record changed after the watch was judged (an absence registered or
 * removed, a visit): judged again. */
static void
judge_changed_again (const char *household_id,
                     gint64      seq,
                     gpointer    user_data)
{
  AnbuAlertEngine *self = user_data;
  RoutineIndex *index = g_hash_table_lookup (self->routines, household_id);

  if (index != NULL && seq > index->judged_seq)
    index->quiet_since = G_MININT64;
}

/* The watches as last saved, by whichever instance judged them: a look at
 * every household after a takeover or a restart judges again only those
 * whose quiet, profile or records changed since, instead of reading the
 * profile of every household quiet long enough for a watch (at a million
 * households, 70 % of them). */
static gboolean
load_saved_watches (AnbuAlertEngine  *self,
                    GError          **error)
{
  WatchLoad load = { self, G_MAXINT64 };

  if (!anbu_detection_store_foreach_watch (self->data, keep_saved_watch, &load, error))
    return FALSE;
  return load.oldest == G_MAXINT64
         || anbu_detection_store_foreach_changed (self->data, load.oldest, judge_changed_again,
                                                  self, error);
}

/* Saves the watches judged since the last save, by transactions of
 * WATCHES_PER_TRANSACTION (after a look at every household there are
 * hundreds of thousands). Only a cache: one not saved is judged again by
 * the next instance to lead. */
static void
save_judged_watches (AnbuAlertEngine *self)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) batch = g_array_new (FALSE, FALSE, sizeof (AnbuRoutineWatch));
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer key;
  guint i = 0;

  g_hash_table_iter_init (&iter, self->watches_unsaved);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_hash_table_iter_steal (&iter);
      g_ptr_array_add (ids, key);
    }
  g_ptr_array_sort (ids, compare_ids);
  while (i < ids->len)
    {
      guint start = i;

      g_array_set_size (batch, 0);
      for (; i < ids->len && batch->len < WATCHES_PER_TRANSACTION; i++)
        {
          const char *household_id = g_ptr_array_index (ids, i);
          const RoutineIndex *index = g_hash_table_lookup (self->routines, household_id);
          AnbuRoutineWatch watch;

          /* Relearned or read again since: not a judgment any more. */
          if (index == NULL || index->quiet_since == G_MININT64)
            continue;
          watch = (AnbuRoutineWatch) { household_id, index->learned_at, index->quiet_since,
                                       index->watch_at, index->judged_seq };
          g_array_append_val (batch, watch);
        }
      if (batch->len == 0)
        continue;
      if (!anbu_store_begin (self->store, &error))
        {
          i = start;
          break;
        }
      if (!anbu_detection_store_save_watches (self->data, (const AnbuRoutineWatch *) batch->data,
                                              batch->len, &error)
          || !anbu_store_commit (self->store, &error))
        {
          anbu_store_rollback (self->store);
          i = start;
          break;
        }
    }
  if (error != NULL)
    {
      g_warning ("Cannot save the routine watches: %s", error->message);
      /* Tried again after the next pass. */
      for (; i < ids->len; i++)
        add_id (self->watches_unsaved, g_ptr_array_index (ids, i));
    }
}

/* The look at every household that builds the due index anew: the first
 * pass, one after a failed pass or another instance's passes, and one that
 * finds most households behind (an ingest gap or a backlog, which only the
 * whole picture tells). It reads outside the store's write lock and writes
 * nothing (`scanning`), so another instance's requests never wait for it,
 * however many households there are: what it finds to raise, close or
 * route is marked due, and the due pass that follows does it under the
 * lock on facts read there. Its picture may be older than that pass's, as
 * any index entry is: records changed since its change number are looked
 * at again, and readings and activity only move countdowns later.
 *
 * A routine watch judged before is kept by its key: CHANGES_READ says
 * whether the records changed since the last pass were read (the due pass
 * that found most households behind; they judge their watch again); if
 * not, the watches saved in the store are kept where nothing changed since
 * they were judged (load_saved_watches), and the others judged again.
 * Routines are relearned by the due pass (all_learned_at 0), under the
 * lock, within its budget. */
static gboolean
scan_every_household (AnbuAlertEngine     *self,
                      gint64               now,
                      gboolean             changes_read,
                      AnbuAlertPassStats  *stats,
                      GError             **error)
{
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (HouseholdFacts));
  g_autoptr(GStringChunk) ids = g_string_chunk_new (4096);
  /* Read before anything else: what changes from here on is looked at by
   * the due pass. */
  gint64 seq = read_seq (self);
  gboolean ok;

  self->due_ready = FALSE;
  self->judging_seq = seq;
  if (!changes_read && self->seen_seq > 0)
    {
      /* After a failed pass or another instance's passes: the profiles
       * stored since (learned there, readied there) are read again, and
       * every watch is judged again (absences registered meanwhile). */
      g_hash_table_remove_all (self->routines);
      if (!anbu_detection_store_foreach_profile (self->data, add_routine_index, self, error))
        return FALSE;
    }
  else if (!changes_read)
    {
      /* No pass read the changes yet (a watch judged by ingest before the
       * first pass): every watch is judged again. */
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->routines);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        ((RoutineIndex *) value)->quiet_since = G_MININT64;
    }
  if (!changes_read && !load_saved_watches (self, error))
    return FALSE;
  /* Signals another instance raised (its ingest, or its passes while it
   * led) are watched here too: their hand-overs by the clock come with
   * this instance's passes, also once their silence is over. Those
   * resolved meanwhile leave the set when looked at. */
  if (!changes_read
      && !anbu_detection_store_foreach_unresolved_household (self->data, watch_household, self,
                                                             error))
    return FALSE;
  if (!refresh_visits (self, error)
      || !read_facts (self, NULL, now, all, ids, error))
    return FALSE;
  g_hash_table_remove_all (self->due);
  g_hash_table_remove_all (self->dirty);
  note_mass_silence (self, all, now);

  if (!prefetch_reads (self, all, now, error))
    return FALSE;
  self->scanning = TRUE;
  ok = evaluate_all (self, all, now, TRUE, NULL, stats, error);
  self->scanning = FALSE;
  anbu_detection_store_forget_prefetched (self->data);
  if (!ok)
    return FALSE;
  self->all_learned_at = 0;
  self->seen_seq = seq;
  self->due_ready = TRUE;
  return TRUE;
}

typedef struct
{
  AnbuAlertEngine *self;
  GHashTable      *look;
} ChangedLook;

static void
look_at_changed (const char *household_id,
                 gint64      seq,
                 gpointer    user_data)
{
  ChangedLook *changed = user_data;
  RoutineIndex *index = g_hash_table_lookup (changed->self->routines, household_id);

  add_id (changed->look, household_id);
  /* An absence registered moves the quiet's start without changing
   * the routine index's key: its watch is judged again. */
  if (index != NULL)
    index->quiet_since = G_MININT64;
}

/* The timer pass on the due index: the households whose look is due,
 * whose records changed, that ingest marked, or that are watched. When it
 * finds most households behind it writes nothing and says so in
 * *NEEDS_SCAN (the whole picture is needed), unless AFTER_SCAN: it follows
 * the look at every household, which judged that picture already. */
static gboolean
run_due_pass (AnbuAlertEngine     *self,
              gint64               now,
              gboolean             after_scan,
              gboolean            *needs_scan,
              GPtrArray           *changes,
              AnbuAlertPassStats  *stats,
              GError             **error)
{
  g_autoptr(GHashTable) look = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (HouseholdFacts));
  g_autoptr(GStringChunk) ids = g_string_chunk_new (4096);
  g_autoptr(GPtrArray) sorted = NULL;
  gint64 seq = read_seq (self);
  gint64 midnight = local_midnight (&self->routine_params, now);
  double sum = 0;
  guint behind = 0, lagging = 0, n;
  gboolean ok;
  GHashTableIter iter;
  gpointer key, value;

  if (!refresh_visits (self, error))
    return FALSE;
  self->judging_seq = seq;

  /* Records changed since the last pass. */
  {
    ChangedLook changed = { self, look };

    if (!anbu_detection_store_foreach_changed (self->data, self->seen_seq, look_at_changed,
                                               &changed, error))
      return FALSE;
  }

  g_hash_table_iter_init (&iter, self->dirty);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    add_id (look, key);
  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    add_id (look, key);
  g_hash_table_iter_init (&iter, self->due);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (((DueEntry *) value)->look_at <= now)
      add_id (look, key);

  sorted = g_ptr_array_sized_new (g_hash_table_size (look));
  g_hash_table_iter_init (&iter, look);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (sorted, key);
  g_ptr_array_sort (sorted, compare_ids);
  /* All their facts at once (one statement where a round trip costs), then
   * in id order as before. */
  if (!read_facts_of (self, sorted, now, all, ids, error))
    return FALSE;
  g_array_sort (all, compare_facts);
  for (guint i = 0, f = 0; i < sorted->len; i++)
    {
      const char *household_id = g_ptr_array_index (sorted, i);

      if (f >= all->len || strcmp (g_array_index (all, HouseholdFacts, f).id, household_id) != 0)
        g_hash_table_remove (self->due, household_id);
      else
        {
          const HouseholdFacts *facts = &g_array_index (all, HouseholdFacts, f++);
          DueEntry *entry = due_entry_for (self, household_id);

          /* Evaluated below; what it knows now counts for the silence. */
          entry->look_at = 0;
          entry->last_reading_at = facts->last_reading_at;
          entry->last_activity_at = facts->last_activity_at;
          entry->online_since = facts->plugs_online_since;
        }
    }
  g_hash_table_remove_all (self->dirty);

  /* Is most of the country silent? Counted on the index: its last readings
   * are never later than the stored ones, so it counts no fewer households
   * behind (and silent through ingest gaps) than the facts would. Only
   * when it finds more than half does the pass look at everything. */
  if (!after_scan)
    {
      n = g_hash_table_size (self->due);
      g_hash_table_iter_init (&iter, self->due);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          const DueEntry *entry = value;

          sum += (double) entry->last_reading_at;
          behind += entry->last_reading_at + self->offline_after <= now;
          lagging += readings_lag (entry->last_reading_at, now);
        }
      if (n >= MASS_SILENCE_MIN && 2 * behind > n)
        {
          *needs_scan = TRUE;
          return TRUE;
        }
      self->mass_silence = FALSE;
      note_replay (self, n, lagging, n > 0 ? sum / n : 0, now);
    }

  if (self->all_learned_at != midnight)
    {
      g_autoptr(GPtrArray) candidates = g_ptr_array_new ();
      g_autoptr(GPtrArray) learned = g_ptr_array_new ();
      gboolean complete;

      g_hash_table_iter_init (&iter, self->due);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          const RoutineIndex *index = g_hash_table_lookup (self->routines, key);

          if (index == NULL || index->learned_at < midnight)
            g_ptr_array_add (candidates, key);
        }
      g_ptr_array_sort (candidates, compare_ids);
      if (!relearn (self, candidates, now, learned, &complete, error))
        return FALSE;
      if (complete)
        self->all_learned_at = midnight;
      for (guint i = 0; i < learned->len; i++)
        {
          const char *household_id = g_ptr_array_index (learned, i);
          gboolean found;

          if (!g_hash_table_contains (look, household_id)
              && !read_one_facts (self, household_id, now, all, ids, &found, error))
            return FALSE;
        }
      g_array_sort (all, compare_facts);
    }

  if (!prefetch_reads (self, all, now, error))
    return FALSE;
  ok = evaluate_committing (self, all, now, changes, stats, error);
  anbu_detection_store_forget_prefetched (self->data);
  if (!ok)
    return FALSE;
  self->seen_seq = seq;
  return TRUE;
}

/* GObject */

static void
anbu_alert_engine_dispose (GObject *object)
{
  AnbuAlertEngine *self = ANBU_ALERT_ENGINE (object);

  g_clear_object (&self->store);
  g_clear_object (&self->data);
  g_clear_object (&self->calendar);

  G_OBJECT_CLASS (anbu_alert_engine_parent_class)->dispose (object);
}

static void
anbu_alert_engine_finalize (GObject *object)
{
  AnbuAlertEngine *self = ANBU_ALERT_ENGINE (object);

  g_clear_pointer (&self->visited_at, g_hash_table_unref);
  g_clear_pointer (&self->watched, g_hash_table_unref);
  g_clear_pointer (&self->due, g_hash_table_unref);
  g_clear_pointer (&self->dirty, g_hash_table_unref);
  g_clear_pointer (&self->watches_unsaved, g_hash_table_unref);
  g_clear_pointer (&self->routines, g_hash_table_unref);
  g_clear_pointer (&self->routine_params_key, g_free);
  g_clear_pointer (&self->decisions[0], anbu_routing_decision_free);
  g_clear_pointer (&self->decisions[1], anbu_routing_decision_free);

  G_OBJECT_CLASS (anbu_alert_engine_parent_class)->finalize (object);
}

static void
anbu_alert_engine_class_init (AnbuAlertEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = anbu_alert_engine_dispose;
  object_class->finalize = anbu_alert_engine_finalize;

  signals[SIGNAL_ALERT_CHANGED] =
    g_signal_new ("alert-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
anbu_alert_engine_init (AnbuAlertEngine *self)
{
  self->watched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->visited_at = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->due = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->dirty = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->watches_unsaved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->routines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  anbu_routine_params_init_default (&self->routine_params);
  self->routine_params_key = routine_params_key (&self->routine_params);
  self->learn_budget = ANBU_ALERT_ENGINE_DEFAULT_LEARN_BUDGET;
  self->mean_reading = -1;
}

/* An engine reading and writing `store`, before its indexes are read. */
static AnbuAlertEngine *
engine_on_store (AnbuStore            *store,
                 AnbuReadingLog       *readings,
                 AnbuHolidayCalendar  *calendar,
                 gint64                offline_after_seconds,
                 GError              **error)
{
  g_autoptr(AnbuAlertEngine) self = g_object_new (ANBU_TYPE_ALERT_ENGINE, NULL);

  self->store = g_object_ref (store);
  self->calendar = g_object_ref (calendar);
  self->offline_after = offline_after_seconds > 0 ? offline_after_seconds
                                                  : ANBU_ALERT_ENGINE_DEFAULT_OFFLINE_AFTER;
  self->data = anbu_detection_store_new_for (store, readings, error);
  if (self->data == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

/* Public API */

AnbuAlertEngine *
anbu_alert_engine_new (AnbuStore           *store,
                       AnbuReadingLog      *readings,
                       AnbuHolidayCalendar *calendar,
                       gint64               offline_after_seconds)
{
  g_autoptr(AnbuAlertEngine) self = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (ANBU_IS_STORE (store), NULL);
  g_return_val_if_fail (readings == NULL || ANBU_IS_READING_LOG (readings), NULL);
  g_return_val_if_fail (ANBU_IS_HOLIDAY_CALENDAR (calendar), NULL);

  self = engine_on_store (store, readings, calendar, offline_after_seconds, &error);
  if (self == NULL)
    {
      g_critical ("%s", error->message);
      return NULL;
    }

  load_routine_index (self);

  if (!anbu_detection_store_foreach_unresolved_household (self->data, watch_household, self,
                                                          &error))
    g_warning ("%s", error->message);
  return g_steal_pointer (&self);
}

gboolean
anbu_alert_engine_wants_check (AnbuAlertEngine               *self,
                               const AnbuTelemetryPlugStatus *status)
{
  gint64 quiet_from;

  g_return_val_if_fail (ANBU_IS_ALERT_ENGINE (self), FALSE);

  if (g_hash_table_contains (self->watched, status->household_id))
    return TRUE;
  {
    AnbuQuietFacts quiet = { status->last_activity_at, status->last_seen_at, status->online_since,
                             NULL, 0, status->offline_from };

    quiet_from = anbu_quiet_since (&quiet, status->last_seen_at);
  }
  return status->last_seen_at - quiet_from >= (gint64) ANBU_THRESHOLD_HOURS_MIN * 3600;
}

void
anbu_alert_engine_note_plug_status (AnbuAlertEngine               *self,
                                    const AnbuTelemetryPlugStatus *status)
{
  DueEntry *entry;

  g_return_if_fail (ANBU_IS_ALERT_ENGINE (self));

  if (!self->due_ready || status->household_id == NULL)
    return;
  /* A plug moved here from another household: its live row, which the
   * pass finds the household a changed plug left by, now names this one. */
  if (status->left_household_id != NULL)
    add_id (self->dirty, status->left_household_id);
  entry = g_hash_table_lookup (self->due, status->household_id);
  if (entry == NULL)
    {
      /* Not indexed (paused, a first plug): the next pass reads its facts. */
      add_id (self->dirty, status->household_id);
      return;
    }
  entry->last_reading_at = MAX (entry->last_reading_at, status->last_seen_at);
  /* New activity (its events may also replace older ones, and staff time
   * or the routine's day kind may then read them otherwise) and a return
   * from offline change the quiet itself: looked at again. */
  if (status->new_events > 0 || status->last_activity_at > entry->last_activity_at
      || status->online_since > entry->online_since)
    entry->look_at = 0;
}

gboolean
anbu_alert_engine_check_households (AnbuAlertEngine     *self,
                                    GPtrArray           *household_ids,
                                    gint64               now,
                                    AnbuAlertPassStats  *stats,
                                    GError             **error)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) change_free);

  g_return_val_if_fail (ANBU_IS_ALERT_ENGINE (self), FALSE);

  if (household_ids->len == 0)
    return TRUE;
  if (!anbu_store_begin (self->store, error))
    return FALSE;
  /* Every change up to the last pass's is in the facts read now. */
  self->judging_seq = self->seen_seq;
  if (!refresh_visits (self, error))
    {
      anbu_store_rollback (self->store);
      return FALSE;
    }
  for (guint i = 0; i < household_ids->len; i++)
    {
      g_autoptr(GArray) facts = g_array_new (FALSE, FALSE, sizeof (HouseholdFacts));
      g_autoptr(GStringChunk) ids = g_string_chunk_new (64);
      gboolean found;

      if (!read_one_facts (self, g_ptr_array_index (household_ids, i), now, facts, ids, &found,
                           error)
          || !evaluate_all (self, facts, now, FALSE, changes, stats, error))
        {
          /* What the index learned went with the transaction. */
          self->due_ready = FALSE;
          anbu_store_rollback (self->store);
          return FALSE;
        }
    }
  if (!anbu_store_commit (self->store, error))
    {
      self->due_ready = FALSE;
      return FALSE;
    }
  emit_changes (self, changes);
  return TRUE;
}

gboolean
anbu_alert_engine_check_watched (AnbuAlertEngine     *self,
                                 gint64               now,
                                 AnbuAlertPassStats  *stats,
                                 GError             **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (ANBU_IS_ALERT_ENGINE (self), FALSE);

  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (ids, g_strdup (key));
  return anbu_alert_engine_check_households (self, ids, now, stats, error);
}

/* The due pass in the store's write transaction; FALSE in *needs_scan
 * when it committed (or AFTER_SCAN), TRUE when it rolled back, having
 * found most households behind. */
static gboolean
run_due_pass_locked (AnbuAlertEngine     *self,
                     gint64               now,
                     gboolean             after_scan,
                     gboolean            *needs_scan,
                     GPtrArray           *changes,
                     AnbuAlertPassStats  *stats,
                     GError             **error)
{
  *needs_scan = FALSE;
  if (!anbu_store_begin (self->store, error))
    return FALSE;
  if (!run_due_pass (self, now, after_scan, needs_scan, changes, stats, error))
    {
      self->due_ready = FALSE;
      anbu_store_rollback (self->store);
      return FALSE;
    }
  if (*needs_scan)
    {
      /* Nothing was written yet. */
      anbu_store_rollback (self->store);
      return TRUE;
    }
  if (!anbu_store_commit (self->store, error))
    {
      self->due_ready = FALSE;
      return FALSE;
    }
  return TRUE;
}

gboolean
anbu_alert_engine_run_pass (AnbuAlertEngine     *self,
                            gint64               now,
                            AnbuAlertPassStats  *stats,
                            GError             **error)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) change_free);
  AnbuAlertPassStats after_scan = { 0 };
  gboolean scanned = FALSE, needs_scan;

  g_return_val_if_fail (ANBU_IS_ALERT_ENGINE (self), FALSE);

  if (!self->due_ready)
    {
      if (!scan_every_household (self, now, FALSE, stats, error))
        return FALSE;
      scanned = TRUE;
    }
  else if (self->looked_apart)
    scanned = TRUE;
  self->looked_apart = FALSE;
  if (!run_due_pass_locked (self, now, scanned, &needs_scan, changes,
                            scanned ? &after_scan : stats, error))
    return FALSE;
  if (needs_scan)
    {
      if (!scan_every_household (self, now, TRUE, stats, error))
        return FALSE;
      scanned = TRUE;
      if (!run_due_pass_locked (self, now, TRUE, &needs_scan, changes, &after_scan, error))
        return FALSE;
    }
  /* After a scan, households were counted by it; what the due pass did
   * counts as well. */
  if (scanned && stats != NULL)
    {
      stats->raised += after_scan.raised;
      stats->escalated += after_scan.escalated;
      stats->rerouted += after_scan.rerouted;
      stats->closed += after_scan.closed;
      stats->judged += after_scan.judged;
    }
  emit_changes (self, changes);
  save_judged_watches (self);
  return TRUE;
}

static gboolean
routine_params_equal (const AnbuRoutineParams *a,
                      const AnbuRoutineParams *b)
{
  return a->window_days == b->window_days && a->warmup_days == b->warmup_days
         && a->quiet_rank == b->quiet_rank && a->match_minutes == b->match_minutes
         && a->min_days == b->min_days && a->spread_z == b->spread_z && a->margin == b->margin
         && a->slack_hours == b->slack_hours && a->min_quiet_hours == b->min_quiet_hours
         && a->max_usual_hours == b->max_usual_hours
         && a->utc_offset_seconds == b->utc_offset_seconds && !a->days_off == !b->days_off;
}

gboolean
anbu_alert_engine_set_routine_params (AnbuAlertEngine         *self,
                                      const AnbuRoutineParams *params,
                                      GError                 **error)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (ANBU_IS_ALERT_ENGINE (self), FALSE);
  g_return_val_if_fail (params != NULL, FALSE);

  if (!anbu_routine_params_validate (params, error))
    return FALSE;
  /* The same ones (the defaults given on the command line): nothing to
   * learn or judge again. */
  if (routine_params_equal (params, &self->routine_params))
    return TRUE;
  key = routine_params_key (params);
  self->routine_params = *params;
  g_free (self->routine_params_key);
  self->routine_params_key = g_steal_pointer (&key);
  /* Profiles learned with other parameters are learned again, and every
   * watch time is found again by a pass over every household. */
  load_routine_index (self);
  self->due_ready = FALSE;
  return TRUE;
}

gboolean
anbu_alert_engine_needs_look (AnbuAlertEngine *self)
{
  g_return_val_if_fail (ANBU_IS_ALERT_ENGINE (self), FALSE);

  return !self->due_ready;
}

AnbuAlertEngine *
anbu_alert_engine_look_apart (AnbuAlertEngine     *self,
                              AnbuStore           *store,
                              gint64               now,
                              AnbuAlertPassStats  *stats,
                              GError             **error)
{
  g_autoptr(AnbuAlertEngine) look = NULL;

  g_return_val_if_fail (ANBU_IS_ALERT_ENGINE (self), NULL);
  g_return_val_if_fail (ANBU_IS_STORE (store), NULL);

  /* Profiles are learned by the due pass, on the engine's own store. */
  look = engine_on_store (store, NULL, self->calendar, self->offline_after, error);
  if (look == NULL)
    return NULL;
  look->routine_params = self->routine_params;
  g_free (look->routine_params_key);
  look->routine_params_key = g_strdup (self->routine_params_key);
  if (!anbu_detection_store_foreach_profile (look->data, add_routine_index, look, error)
      || !scan_every_household (look, now, FALSE, stats, error))
    return NULL;
  return g_steal_pointer (&look);
}

static void
swap_tables (GHashTable **a,
             GHashTable **b)
{
  GHashTable *table = *a;

  *a = *b;
  *b = table;
}

void
anbu_alert_engine_adopt_look (AnbuAlertEngine *self,
                              AnbuAlertEngine *look)
{
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (ANBU_IS_ALERT_ENGINE (self));
  g_return_if_fail (ANBU_IS_ALERT_ENGINE (look));
  g_return_if_fail (look->due_ready);

  swap_tables (&self->due, &look->due);
  swap_tables (&self->routines, &look->routines);
  /* Signals this engine's ingest checks raised meanwhile stay watched. */
  g_hash_table_iter_init (&iter, look->watched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    add_id (self->watched, key);
  g_hash_table_iter_init (&iter, look->watches_unsaved);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    add_id (self->watches_unsaved, key);
  /* What ingest marked since (self->dirty) is looked at by the due pass,
   * with every record changed since the look's change number. */
  self->seen_seq = look->seen_seq;
  self->mass_silence = look->mass_silence;
  self->mean_reading = look->mean_reading;
  self->replay_looked_at = look->replay_looked_at;
  self->catching_up_since = look->catching_up_since;
  self->all_learned_at = 0;
  self->due_ready = TRUE;
  self->looked_apart = TRUE;
}

void
anbu_alert_engine_forget_due (AnbuAlertEngine *self)
{
  g_return_if_fail (ANBU_IS_ALERT_ENGINE (self));

  self->due_ready = FALSE;
  self->looked_apart = FALSE;
  /* The instance that leads judges them and saves its own. */
  g_hash_table_remove_all (self->watches_unsaved);
}

void
anbu_alert_engine_set_learn_budget (AnbuAlertEngine *self,
                                    gint64           usec)
{
  g_return_if_fail (ANBU_IS_ALERT_ENGINE (self));
  self->learn_budget = MAX (usec, 0);
}

gboolean
anbu_alert_engine_learn_routine (AnbuAlertEngine     *self,
                                 const char          *household_id,
                                 gint64               now,
                                 AnbuRoutineProfile  *profile,
                                 GError             **error)
{
  AnbuRoutineProfiles profiles;

  g_return_val_if_fail (ANBU_IS_ALERT_ENGINE (self), FALSE);
  g_return_val_if_fail (household_id != NULL, FALSE);

  if (!anbu_store_begin (self->store, error))
    return FALSE;
  if (!learn_profile (self, household_id, now, &profiles, error))
    {
      anbu_store_rollback (self->store);
      return FALSE;
    }
  if (profile != NULL)
    *profile = profiles.pooled;
  return anbu_store_commit (self->store, error);
}
