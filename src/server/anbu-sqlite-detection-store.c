/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-detection-store"

#include "config.h"

#include <string.h>

#include "anbu-case-lifecycle.h"
#include "anbu-server-time.h"
#include "anbu-sqlite-detection-store.h"
#include "anbu-sqlite-store.h"

/* AnbuDetectionStore on the SQLite store's connection: the alert engine's
 * statements, prepared once (SQLITE_PREPARE_PERSISTENT). */

struct _AnbuSqliteDetectionStore
{
  GObject       parent_instance;

  sqlite3      *db;

  sqlite3_stmt *facts_one;
  sqlite3_stmt *facts_all;
  sqlite3_stmt *absences;
  sqlite3_stmt *unresolved;
  sqlite3_stmt *last_resolved;
  sqlite3_stmt *contacts;
  sqlite3_stmt *unresolved_households;
  sqlite3_stmt *staff_times;     /* plug work and visits: staff in the home */
  sqlite3_stmt *events_since;    /* activity events of every plug the household had */
  sqlite3_stmt *events_before;
  sqlite3_stmt *visits_after;
  sqlite3_stmt *routine_get;
  sqlite3_stmt *routine_put;
  sqlite3_stmt *routine_index;
  sqlite3_stmt *routine_events;
  sqlite3_stmt *routine_coverage;
  sqlite3_stmt *routine_gaps_get;
  sqlite3_stmt *routine_installed;
  sqlite3_stmt *last_event;
  sqlite3_stmt *seq_now;
  sqlite3_stmt *changed_since;
  sqlite3_stmt *watch_all;
  sqlite3_stmt *watch_put;
  sqlite3_stmt *watch_drop;
};

static void anbu_sqlite_detection_store_iface_init (AnbuDetectionStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AnbuSqliteDetectionStore, anbu_sqlite_detection_store,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ANBU_TYPE_DETECTION_STORE,
                                                      anbu_sqlite_detection_store_iface_init))

/* What a plug saw counts for a household only while it was installed
 * there: a plug moved in from another household starts clean. */
#define INSTALLED_FROM(p) "unixepoch (json_extract (" p ".record, '$.installed_at'))"
#define INSTALLED_UNTIL(p) \
  "coalesce (unixepoch (json_extract (" p ".record, '$.removed_at')), 9223372036854775807)"
#define INSTALLED_WHILE(p, t) \
  " " t " >= " INSTALLED_FROM (p) " AND " t " < " INSTALLED_UNTIL (p)

/* When staff were in the home (docs/casework.md): kind 0 plug work
 * (install, replacement, removal), kind 1 a visit or an in-person contact. */
#define STAFF_TIMES_SQL(household) \
  "(SELECT unixepoch (json_extract (record, '$.installed_at')) AS t, 0 AS k FROM plug" \
  " WHERE household_id = " household \
  " UNION ALL SELECT unixepoch (json_extract (record, '$.removed_at')), 0 FROM plug" \
  " WHERE household_id = " household " AND json_extract (record, '$.removed_at') IS NOT NULL" \
  " UNION ALL SELECT unixepoch (json_extract (record, '$.at')), 1 FROM visit" \
  " WHERE household_id = " household \
  " UNION ALL SELECT unixepoch (json_extract (record, '$.at')), 1 FROM contact" \
  " WHERE household_id = " household " AND json_extract (record, '$.channel')" \
  " IN ('visit', 'dispatch_112', 'dispatch_119'))"

/* FACTS_SQL counts a plug's first half hour as plug work. */
G_STATIC_ASSERT (ANBU_CASE_PLUG_WORK_SECONDS == 1800);

/* ?2 is now. Readings are seen up to the last one, and on through ingest
 * gaps (anbu-telemetry.h): the server's downtime and a silence of all the
 * plugs of a gateway carrying several were nobody's to observe, so the
 * countdowns run on through them and they are no plug's offline time. */
#define FACTS_SQL(where) \
  "SELECT h.id, h.night_consent, coalesce (json_extract (h.record, '$.threshold_hours'), 0)," \
  " max (max (coalesce (l.last_activity_at, 0), unixepoch (json_extract (p.record, '$.installed_at'))))," \
  " max (max (coalesce (min (?2, l.last_seen_at" \
  "   + max (0, coalesce (s.unobserved, 0)" \
  "             + (CASE WHEN w.plugs >= 2 THEN w.unobserved ELSE 0 END) - l.unobserved_mark)" \
  "   + (CASE WHEN w.plugs >= 2" \
  "      THEN max (0, ?2 - max (w.last_reading_at, coalesce (s.down_to, 0))) ELSE 0 END)), 0)," \
  "   unixepoch (json_extract (p.record, '$.installed_at'))))," \
  /* A new plug's first readings are the installer's, not a return from offline. */ \
  " max (CASE WHEN l.online_since - unixepoch (json_extract (p.record, '$.installed_at')) < 1800" \
  " THEN 0 ELSE coalesce (l.online_since, 0) END)," \
  " max (max (coalesce (l.last_seen_at, 0), unixepoch (json_extract (p.record, '$.installed_at'))))," \
  " max (unixepoch (json_extract (p.record, '$.installed_at')))," \
  /* Where the gap began (a household is unobserved only when every plug of \
   * it was out: a plug without a gap makes it unknown, and the return \
   * restarts the quiet as before). */ \
  " min (CASE WHEN l.online_since - unixepoch (json_extract (p.record, '$.installed_at')) < 1800" \
  " THEN 0 ELSE coalesce (l.offline_from, 0) END)," \
  " max (coalesce (l.online_since, 0))" \
  " FROM household h JOIN plug p ON p.household_id = h.id AND p.state = 'installed'" \
  " LEFT JOIN plug_live l ON l.serial = p.id" \
  " LEFT JOIN ingest_witness w ON w.id = l.gateway_id" \
  " LEFT JOIN ingest_witness s ON s.id = ''" \
  " WHERE h.status = 'active'" where " GROUP BY h.id"

static gboolean
read_facts (AnbuDetectionStore  *store,
            const char          *household_id,
            gint64               now,
            GArray              *out,
            GStringChunk        *ids,
            GError             **error)
{
  AnbuSqliteDetectionStore *self = ANBU_SQLITE_DETECTION_STORE (store);
  sqlite3_stmt *stmt = household_id != NULL ? self->facts_one : self->facts_all;
  int rc;

  if (household_id != NULL)
    sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, now);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AnbuHouseholdFacts facts;

      facts.id = g_string_chunk_insert (ids, (const char *) sqlite3_column_text (stmt, 0));
      facts.night_consent = sqlite3_column_int (stmt, 1) != 0;
      facts.threshold_hours = sqlite3_column_int64 (stmt, 2);
      facts.last_activity_at = sqlite3_column_int64 (stmt, 3);
      facts.last_seen_at = sqlite3_column_int64 (stmt, 4);
      facts.online_since = sqlite3_column_int64 (stmt, 5);
      facts.last_reading_at = sqlite3_column_int64 (stmt, 6);
      facts.last_staff_at = sqlite3_column_int64 (stmt, 7);
      facts.offline_from = sqlite3_column_int64 (stmt, 8);
      facts.plugs_online_since = sqlite3_column_int64 (stmt, 9);
      g_array_append_val (out, facts);
    }
  sqlite3_reset (stmt);
  if (household_id != NULL)
    sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot read household facts");
  return TRUE;
}

static gboolean
read_absences (AnbuDetectionStore  *store,
               const char          *household_id,
               GArray              *windows,
               GError             **error)
{
  AnbuSqliteDetectionStore *self = ANBU_SQLITE_DETECTION_STORE (store);
  sqlite3_stmt *stmt = self->absences;
  int rc;

  sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    anbu_detection_store_add_absence (windows, (const char *) sqlite3_column_text (stmt, 0),
                                      (const char *) sqlite3_column_text (stmt, 1));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot read absences");
  return TRUE;
}

static gboolean
read_unresolved_alerts (AnbuDetectionStore      *store,
                        const char              *household_id,
                        AnbuDetectionRecordFunc  func,
                        gpointer                 user_data,
                        GError                 **error)
{
  AnbuSqliteDetectionStore *self = ANBU_SQLITE_DETECTION_STORE (store);
  sqlite3_stmt *stmt = self->unresolved;
  int rc;

  sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    func ((const char *) sqlite3_column_text (stmt, 0), sqlite3_column_int64 (stmt, 1), user_data);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot read alerts");
  return TRUE;
}

static gint64
iso_to_unix (const char *text)
{
  gint64 seconds = 0;

  anbu_server_time_parse (text, &seconds);
  return seconds;
}

static gboolean
read_last_resolved (AnbuDetectionStore *store,
                    const char         *household_id,
                    const char         *kind,
                    gint64             *quiet_since,
                    gint64             *closed_at)
{
  AnbuSqliteDetectionStore *self = ANBU_SQLITE_DETECTION_STORE (store);
  sqlite3_stmt *stmt = self->last_resolved;
  gboolean found = FALSE;

  sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *quiet_since = iso_to_unix ((const char *) sqlite3_column_text (stmt, 0));
      *closed_at = iso_to_unix ((const char *) sqlite3_column_text (stmt, 1));
      found = TRUE;
    }
  sqlite3_reset (stmt);
  return found;
}

static void
count_contacts (AnbuDetectionStore *store,
                const char         *household_id,
                const char         *alert_id,
                guint              *all,
                guint              *no_answer)
{
  AnbuSqliteDetectionStore *self = ANBU_SQLITE_DETECTION_STORE (store);
  sqlite3_stmt *stmt = self->contacts;

  *all = *no_answer = 0;
  sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, alert_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *all = (guint) sqlite3_column_int (stmt, 0);
      *no_answer = (guint) sqlite3_column_int (stmt, 1);
    }
  sqlite3_reset (stmt);
}

static gint64
read_change_seq (AnbuDetectionStore *store)
{
  AnbuSqliteDetectionStore *self = ANBU_SQLITE_DETECTION_STORE (store);
  gint64 seq = 0;

  if (sqlite3_step (self->seq_now) == SQLITE_ROW)
    seq = sqlite3_column_int64 (self->seq_now, 0);
  sqlite3_reset (self->seq_now);
  return seq;
}

static gboolean
foreach_changed (AnbuDetectionStore      *store,
                 gint64                   since_seq,
                 AnbuDetectionChangeFunc  func,
                 gpointer                 user_data,
                 GError                 **error)
{
  AnbuSqliteDetectionStore *self = ANBU_SQLITE_DETECTION_STORE (store);
  sqlite3_stmt *stmt = self->changed_since;
  int rc;

  sqlite3_bind_int64 (stmt, 1, since_seq);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
      func ((const char *) sqlite3_column_text (stmt, 0), sqlite3_column_int64 (stmt, 1),
            user_data);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot read the changed records");
  return TRUE;
}

static gboolean
foreach_unresolved_household (AnbuDetectionStore  *store,
                              AnbuDetectionIdFunc  func,
                              gpointer             user_data,
                              GError             **error)
{
  AnbuSqliteDetectionStore *self = ANBU_SQLITE_DETECTION_STORE (store);
  sqlite3_stmt *stmt = self->unresolved_households;
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    func ((const char *) sqlite3_column_text (stmt, 0), user_data);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot read alerts");
  return TRUE;
}

static gboolean
foreach_staff_time (AnbuDetectionStore     *store,
                    const char             *household_id,
                    AnbuDetectionStaffFunc  func,
                    gpointer                user_data,
                    GError                **error)
{
  AnbuSqliteDetectionStore *self = ANBU_SQLITE_DETECTION_STORE (store);
  sqlite3_stmt *stmt = self->staff_times;
  int rc;

  sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
      func (sqlite3_column_int64 (stmt, 0), sqlite3_column_int (stmt, 1) != 0, user_data);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot read plug work and visits");
  return TRUE;
}

static gboolean
foreach_visit_since (AnbuDetectionStore     *store,
                     gint64                  since_seq,
                     AnbuDetectionVisitFunc  func,
                     gpointer                user_data,
                     GError                **error)
{
  AnbuSqliteDetectionStore *self = ANBU_SQLITE_DETECTION_STORE (store);
  sqlite3_stmt *stmt = self->visits_after;
  int rc;

  sqlite3_bind_int64 (stmt, 1, since_seq);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    func ((const char *) sqlite3_column_text (stmt, 0), sqlite3_column_int64 (stmt, 1),
          sqlite3_column_int64 (stmt, 2), user_data);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot read visits");
  return TRUE;
}

static gboolean
foreach_event_time (AnbuDetectionStore    *store,
                    const char            *household_id,
                    gint64                 after,
                    gint64                 until,
                    AnbuDetectionTimeFunc  func,
                    gpointer               user_data,
                    GError               **error)
{
  AnbuSqliteDetectionStore *self = ANBU_SQLITE_DETECTION_STORE (store);
  sqlite3_stmt *stmt;
  gboolean more = TRUE;
  int rc = SQLITE_DONE;

  if (after == G_MININT64)
    {
      stmt = self->events_before;
      sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, until);
    }
  else
    {
      stmt = self->events_since;
      sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, after);
      sqlite3_bind_int64 (stmt, 3, until);
    }
  while (more && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    more = func (sqlite3_column_int64 (stmt, 0), user_data);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot read activity events");
  return TRUE;
}

static gboolean
read_first_install (AnbuDetectionStore *store,
                    const char         *household_id,
                    gint64             *installed_at)
{
  AnbuSqliteDetectionStore *self = ANBU_SQLITE_DETECTION_STORE (store);
  sqlite3_stmt *stmt = self->routine_installed;
  gboolean found = FALSE;

  sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    {
      *installed_at = sqlite3_column_int64 (stmt, 0);
      found = TRUE;
    }
  sqlite3_reset (stmt);
  return found;
}

static gboolean
read_last_event (AnbuDetectionStore *store,
                 const char         *household_id,
                 gint64              now,
                 AnbuActivityEvent  *event)
{
  AnbuSqliteDetectionStore *self = ANBU_SQLITE_DETECTION_STORE (store);
  sqlite3_stmt *stmt = self->last_event;
  gboolean found = FALSE;

  sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, now);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    {
      event->ts = sqlite3_column_int64 (stmt, 0);
      event->kind = (AnbuActivityKind) sqlite3_column_int (stmt, 1);
      event->magnitude = sqlite3_column_double (stmt, 2);
      found = TRUE;
    }
  sqlite3_reset (stmt);
  return found;
}

static gboolean
read_events (AnbuDetectionStore  *store,
             const char          *household_id,
             gint64               from,
             gint64               to,
             GArray              *events,
             GError             **error)
{
  AnbuSqliteDetectionStore *self = ANBU_SQLITE_DETECTION_STORE (store);
  sqlite3_stmt *stmt = self->routine_events;
  int rc;

  sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AnbuActivityEvent event;

      event.ts = sqlite3_column_int64 (stmt, 0);
      event.kind = (AnbuActivityKind) sqlite3_column_int (stmt, 1);
      event.magnitude = sqlite3_column_double (stmt, 2);
      g_array_append_val (events, event);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot read activity events");
  return TRUE;
}

static gboolean
foreach_covered_stretch (AnbuDetectionStore       *store,
                         const char               *household_id,
                         gint64                    from,
                         gint64                    to,
                         AnbuDetectionStretchFunc  func,
                         gpointer                  user_data,
                         GError                  **error)
{
  AnbuSqliteDetectionStore *self = ANBU_SQLITE_DETECTION_STORE (store);
  sqlite3_stmt *stmt = self->routine_coverage;
  int rc;

  sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    func (sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1), user_data);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot read the readings");
  return TRUE;
}

static gboolean
load_profiles (AnbuDetectionStore  *store,
               const char          *household_id,
               AnbuRoutineProfiles *profiles)
{
  AnbuSqliteDetectionStore *self = ANBU_SQLITE_DETECTION_STORE (store);
  sqlite3_stmt *stmt = self->routine_get;
  gboolean found = FALSE;

  memset (profiles, 0, sizeof *profiles);
  sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    found = anbu_detection_store_profiles_from_blobs (profiles,
                                                      sqlite3_column_int64 (stmt, 0),
                                                      sqlite3_column_double (stmt, 1),
                                                      sqlite3_column_int (stmt, 2) != 0,
                                                      sqlite3_column_blob (stmt, 3),
                                                      sqlite3_column_bytes (stmt, 3),
                                                      sqlite3_column_blob (stmt, 4),
                                                      sqlite3_column_bytes (stmt, 4),
                                                      sqlite3_column_blob (stmt, 5),
                                                      sqlite3_column_bytes (stmt, 5));
  sqlite3_reset (stmt);
  return found;
}

static gboolean
read_gaps (AnbuDetectionStore *store,
           const char         *household_id,
           GArray             *gaps,
           gint64             *covered_until)
{
  AnbuSqliteDetectionStore *self = ANBU_SQLITE_DETECTION_STORE (store);
  sqlite3_stmt *stmt = self->routine_gaps_get;
  gboolean found = FALSE;

  sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 1) != SQLITE_NULL
      && sqlite3_column_bytes (stmt, 0) % sizeof (AnbuTimeWindow) == 0)
    {
      guint n = (guint) (sqlite3_column_bytes (stmt, 0) / sizeof (AnbuTimeWindow));

      if (n > 0)
        g_array_append_vals (gaps, sqlite3_column_blob (stmt, 0), n);
      *covered_until = sqlite3_column_int64 (stmt, 1);
      found = TRUE;
    }
  sqlite3_reset (stmt);
  return found;
}

static gboolean
save_profiles (AnbuDetectionStore        *store,
               const char                *household_id,
               const AnbuRoutineProfiles *profiles,
               const char                *params_key,
               const GArray              *gaps,
               gint64                     covered_until,
               GError                   **error)
{
  AnbuSqliteDetectionStore *self = ANBU_SQLITE_DETECTION_STORE (store);
  const AnbuRoutineProfile *profile = &profiles->pooled;
  sqlite3_stmt *stmt = self->watch_drop;
  int rc;

  /* A watch judged on the profile before is no longer one (relearned the
   * same day, it keeps its learned_at). */
  sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot store the routine profile");

  stmt = self->routine_put;
  sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, profile->learned_at);
  sqlite3_bind_double (stmt, 3, profile->observed_days);
  sqlite3_bind_int (stmt, 4, profile->ready ? 1 : 0);
  /* A profile still warming up is never evaluated: its numbers are not kept. */
  sqlite3_bind_blob (stmt, 5, profile->usual_quiet_hours,
                     profile->ready ? sizeof profile->usual_quiet_hours : 0, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, params_key, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 7, gaps->data, (int) (gaps->len * sizeof (AnbuTimeWindow)),
                     SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, covered_until);
  sqlite3_bind_blob (stmt, 9, profiles->workday.usual_quiet_hours,
                     profiles->workday.ready ? sizeof profiles->workday.usual_quiet_hours : 0,
                     SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 10, profiles->day_off.usual_quiet_hours,
                     profiles->day_off.ready ? sizeof profiles->day_off.usual_quiet_hours : 0,
                     SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot store the routine profile");
  return TRUE;
}

static gboolean
foreach_profile (AnbuDetectionStore       *store,
                 AnbuDetectionProfileFunc  func,
                 gpointer                  user_data,
                 GError                  **error)
{
  AnbuSqliteDetectionStore *self = ANBU_SQLITE_DETECTION_STORE (store);
  sqlite3_stmt *stmt = self->routine_index;
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    func ((const char *) sqlite3_column_text (stmt, 0), sqlite3_column_int64 (stmt, 1),
          sqlite3_column_int (stmt, 2) != 0, (const char *) sqlite3_column_text (stmt, 3),
          user_data);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot read the routine profiles");
  return TRUE;
}

static gboolean
foreach_watch (AnbuDetectionStore      *store,
               AnbuDetectionWatchFunc   func,
               gpointer                 user_data,
               GError                 **error)
{
  AnbuSqliteDetectionStore *self = ANBU_SQLITE_DETECTION_STORE (store);
  sqlite3_stmt *stmt = self->watch_all;
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AnbuRoutineWatch watch = { (const char *) sqlite3_column_text (stmt, 0),
                                 sqlite3_column_int64 (stmt, 1), sqlite3_column_int64 (stmt, 2),
                                 sqlite3_column_int64 (stmt, 3), sqlite3_column_int64 (stmt, 4) };

      func (&watch, user_data);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot read the routine watches");
  return TRUE;
}

static gboolean
save_watches (AnbuDetectionStore      *store,
              const AnbuRoutineWatch  *watches,
              guint                    n_watches,
              GError                 **error)
{
  AnbuSqliteDetectionStore *self = ANBU_SQLITE_DETECTION_STORE (store);
  sqlite3_stmt *stmt = self->watch_put;

  for (guint i = 0; i < n_watches; i++)
    {
      int rc;

      sqlite3_bind_text (stmt, 1, watches[i].household_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, watches[i].learned_at);
      sqlite3_bind_int64 (stmt, 3, watches[i].quiet_since);
      sqlite3_bind_int64 (stmt, 4, watches[i].watch_at);
      sqlite3_bind_int64 (stmt, 5, watches[i].judged_seq);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      if (rc != SQLITE_DONE)
        return anbu_sqlite_store_set_error (self->db, error, "Cannot store the routine watches");
    }
  return TRUE;
}

static void
anbu_sqlite_detection_store_iface_init (AnbuDetectionStoreInterface *iface)
{
  iface->read_facts = read_facts;
  iface->read_absences = read_absences;
  iface->read_unresolved_alerts = read_unresolved_alerts;
  iface->read_last_resolved = read_last_resolved;
  iface->count_contacts = count_contacts;
  iface->read_change_seq = read_change_seq;
  iface->foreach_changed = foreach_changed;
  iface->foreach_unresolved_household = foreach_unresolved_household;
  iface->foreach_staff_time = foreach_staff_time;
  iface->foreach_visit_since = foreach_visit_since;
  iface->foreach_event_time = foreach_event_time;
  iface->read_first_install = read_first_install;
  iface->read_last_event = read_last_event;
  iface->read_events = read_events;
  iface->foreach_covered_stretch = foreach_covered_stretch;
  iface->load_profiles = load_profiles;
  iface->read_gaps = read_gaps;
  iface->save_profiles = save_profiles;
  iface->foreach_profile = foreach_profile;
  iface->foreach_watch = foreach_watch;
  iface->save_watches = save_watches;
}

static void
anbu_sqlite_detection_store_finalize (GObject *object)
{
  AnbuSqliteDetectionStore *self = ANBU_SQLITE_DETECTION_STORE (object);

  g_clear_pointer (&self->facts_one, sqlite3_finalize);
  g_clear_pointer (&self->facts_all, sqlite3_finalize);
  g_clear_pointer (&self->absences, sqlite3_finalize);
  g_clear_pointer (&self->unresolved, sqlite3_finalize);
  g_clear_pointer (&self->last_resolved, sqlite3_finalize);
  g_clear_pointer (&self->contacts, sqlite3_finalize);
  g_clear_pointer (&self->unresolved_households, sqlite3_finalize);
  g_clear_pointer (&self->staff_times, sqlite3_finalize);
  g_clear_pointer (&self->events_since, sqlite3_finalize);
  g_clear_pointer (&self->events_before, sqlite3_finalize);
  g_clear_pointer (&self->visits_after, sqlite3_finalize);
  g_clear_pointer (&self->routine_get, sqlite3_finalize);
  g_clear_pointer (&self->routine_put, sqlite3_finalize);
  g_clear_pointer (&self->routine_index, sqlite3_finalize);
  g_clear_pointer (&self->routine_events, sqlite3_finalize);
  g_clear_pointer (&self->routine_coverage, sqlite3_finalize);
  g_clear_pointer (&self->routine_gaps_get, sqlite3_finalize);
  g_clear_pointer (&self->routine_installed, sqlite3_finalize);
  g_clear_pointer (&self->last_event, sqlite3_finalize);
  g_clear_pointer (&self->seq_now, sqlite3_finalize);
  g_clear_pointer (&self->changed_since, sqlite3_finalize);
  g_clear_pointer (&self->watch_all, sqlite3_finalize);
  g_clear_pointer (&self->watch_put, sqlite3_finalize);
  g_clear_pointer (&self->watch_drop, sqlite3_finalize);

  G_OBJECT_CLASS (anbu_sqlite_detection_store_parent_class)->finalize (object);
}

static void
anbu_sqlite_detection_store_class_init (AnbuSqliteDetectionStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = anbu_sqlite_detection_store_finalize;
}

static void
anbu_sqlite_detection_store_init (AnbuSqliteDetectionStore *self)
{
}

static gboolean
prepare (AnbuSqliteDetectionStore  *self,
         sqlite3_stmt             **stmt,
         const char                *sql,
         GError                   **error)
{
  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL) != SQLITE_OK)
    {
      g_critical ("Cannot prepare “%s”: %s", sql, sqlite3_errmsg (self->db));
      return anbu_sqlite_store_set_error (self->db, error, "Cannot prepare detection");
    }
  return TRUE;
}

AnbuDetectionStore *
anbu_sqlite_detection_store_new (sqlite3  *db,
                                 GError  **error)
{
  g_autoptr(AnbuSqliteDetectionStore) self = NULL;

  g_return_val_if_fail (db != NULL, NULL);

  self = g_object_new (ANBU_TYPE_SQLITE_DETECTION_STORE, NULL);
  self->db = db;
  if (!prepare (self, &self->facts_one, FACTS_SQL (" AND h.id = ?1"), error)
      || !prepare (self, &self->facts_all, FACTS_SQL (""), error)
      || !prepare (self, &self->absences,
                   "SELECT json_extract (record, '$.from'), json_extract (record, '$.to')"
                   " FROM absence WHERE household_id = ?1", error)
      || !prepare (self, &self->unresolved,
                   "SELECT record, version FROM alert WHERE household_id = ?1"
                   " AND state <> 'resolved' ORDER BY seq", error)
      || !prepare (self, &self->last_resolved,
                   "SELECT json_extract (record, '$.quiet_since'), json_extract (record, '$.closed_at')"
                   " FROM alert WHERE household_id = ?1 AND state = 'resolved'"
                   " AND json_extract (record, '$.kind') = ?2 ORDER BY seq DESC LIMIT 1", error)
      || !prepare (self, &self->contacts,
                   /* Visits attached to it count as acts too (docs/casework.md). */
                   "SELECT count (*) + (SELECT count (*) FROM visit WHERE household_id = ?1"
                   " AND json_extract (record, '$.alert_id') = ?2),"
                   " coalesce (sum (json_extract (record, '$.outcome') = 'no_answer'), 0)"
                   " FROM contact WHERE household_id = ?1 AND json_extract (record, '$.alert_id') = ?2", error)
      || !prepare (self, &self->seq_now, "SELECT value FROM counter WHERE name = 'seq'", error)
      /* A plug that moved leaves its live row with the household it left;
       * the move itself leaves a dependent_exit mark naming it, also for a
       * plug that never reported (no live row). */
      || !prepare (self, &self->changed_since,
                   "SELECT household_id, max (seq) FROM ("
                   "SELECT id AS household_id, seq FROM household WHERE seq > ?1"
                   " UNION ALL SELECT household_id, seq FROM plug WHERE seq > ?1"
                   " UNION ALL SELECT l.household_id, p.seq FROM plug p"
                   " JOIN plug_live l ON l.serial = p.id WHERE p.seq > ?1"
                   " UNION ALL SELECT household_id, seq FROM dependent_exit WHERE seq > ?1"
                   " UNION ALL SELECT household_id, seq FROM absence WHERE seq > ?1"
                   " UNION ALL SELECT household_id, seq FROM alert WHERE seq > ?1"
                   " UNION ALL SELECT household_id, seq FROM contact WHERE seq > ?1"
                   " UNION ALL SELECT household_id, seq FROM visit WHERE seq > ?1)"
                   " GROUP BY household_id", error)
      || !prepare (self, &self->unresolved_households,
                   "SELECT DISTINCT household_id FROM alert WHERE state <> 'resolved'", error)
      /* Kind 0: plug work (install, replacement, removal); 1: someone in the home. */
      || !prepare (self, &self->staff_times,
                   "SELECT t, k FROM " STAFF_TIMES_SQL ("?1"), error)
      || !prepare (self, &self->visits_after,
                   "SELECT household_id, max (unixepoch (json_extract (record, '$.at'))), max (seq)"
                   " FROM (SELECT household_id, record, seq FROM visit WHERE seq > ?1"
                   " UNION ALL SELECT household_id, record, seq FROM contact WHERE seq > ?1"
                   " AND json_extract (record, '$.channel') IN ('visit', 'dispatch_112', 'dispatch_119'))"
                   " GROUP BY household_id", error)
      || !prepare (self, &self->events_before,
                   "SELECT e.ts FROM plug p JOIN activity_event e ON e.serial = p.id"
                   " WHERE p.household_id = ?1 AND e.ts <= ?2 ORDER BY e.ts DESC", error)
      || !prepare (self, &self->events_since,
                   "SELECT e.ts FROM plug p JOIN activity_event e ON e.serial = p.id"
                   " WHERE p.household_id = ?1 AND e.ts > ?2 AND e.ts <= ?3 ORDER BY e.ts DESC", error)
      || !prepare (self, &self->routine_get,
                   "SELECT learned_at, observed_days, ready, usual_quiet, workday_quiet,"
                   " day_off_quiet FROM routine_profile WHERE household_id = ?1", error)
      || !prepare (self, &self->routine_put,
                   "INSERT INTO routine_profile (household_id, learned_at, observed_days, ready,"
                   " usual_quiet, params, gaps, covered_until, workday_quiet, day_off_quiet)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                   " ON CONFLICT (household_id) DO UPDATE"
                   " SET learned_at = excluded.learned_at, observed_days = excluded.observed_days,"
                   " ready = excluded.ready, usual_quiet = excluded.usual_quiet,"
                   " params = excluded.params, gaps = excluded.gaps,"
                   " covered_until = excluded.covered_until,"
                   " workday_quiet = excluded.workday_quiet, day_off_quiet = excluded.day_off_quiet", error)
      || !prepare (self, &self->routine_gaps_get,
                   "SELECT gaps, covered_until FROM routine_profile WHERE household_id = ?1", error)
      || !prepare (self, &self->routine_index,
                   "SELECT household_id, learned_at, ready, params FROM routine_profile", error)
      || !prepare (self, &self->watch_all,
                   "SELECT household_id, learned_at, quiet_since, watch_at, judged_seq"
                   " FROM routine_watch", error)
      || !prepare (self, &self->watch_put,
                   "INSERT INTO routine_watch (household_id, learned_at, quiet_since, watch_at,"
                   " judged_seq) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (household_id) DO UPDATE"
                   " SET learned_at = excluded.learned_at, quiet_since = excluded.quiet_since,"
                   " watch_at = excluded.watch_at, judged_seq = excluded.judged_seq", error)
      || !prepare (self, &self->watch_drop,
                   "DELETE FROM routine_watch WHERE household_id = ?1", error)
      /* Every plug the household ever had: a replaced plug's history counts. */
      || !prepare (self, &self->routine_events,
                   "SELECT e.ts, e.kind, e.magnitude FROM plug p"
                   " JOIN activity_event e ON e.serial = p.id"
                   " WHERE p.household_id = ?1 AND e.ts >= ?2 AND e.ts <= ?3 AND" INSTALLED_WHILE ("p", "e.ts")
                   " ORDER BY e.ts, e.kind", error)
      || !prepare (self, &self->routine_coverage,
                   /* A packed row of raw readings is one covered stretch
                    * (its readings are less than a quarter hour apart, less
                    * than ROUTINE_GAP_SECONDS): from its first to its last
                    * reading within the window and the plug's install. */
                   "SELECT f, l FROM (SELECT"
                   " anbu_readings_first (r.bucket, r.readings, max (?2, " INSTALLED_FROM ("p") "),"
                   "  min (?3, " INSTALLED_UNTIL ("p") " - 1)) AS f,"
                   " anbu_readings_last (r.bucket, r.readings, max (?2, " INSTALLED_FROM ("p") "),"
                   "  min (?3, " INSTALLED_UNTIL ("p") " - 1)) AS l"
                   " FROM plug p JOIN reading_bucket r ON r.serial = p.id"
                   " WHERE p.household_id = ?1 AND r.bucket > ?2 - 900 AND r.bucket <= ?3"
                   " ORDER BY p.id, r.bucket) WHERE f IS NOT NULL"
                   " UNION ALL SELECT a.hour, a.hour + 3599 FROM plug p"
                   " JOIN reading_hourly a ON a.serial = p.id"
                   " WHERE p.household_id = ?1 AND a.hour >= ?2 - 3600 AND a.hour <= ?3 AND"
                   INSTALLED_WHILE ("p", "a.hour"), error)
      || !prepare (self, &self->routine_installed,
                   "SELECT min (unixepoch (json_extract (record, '$.installed_at'))) FROM plug"
                   " WHERE household_id = ?1", error)
      || !prepare (self, &self->last_event,
                   "SELECT e.ts, e.kind, e.magnitude FROM plug p"
                   " JOIN activity_event e ON e.serial = p.id"
                   " WHERE p.household_id = ?1 AND p.state = 'installed' AND e.ts <= ?2 AND"
                   INSTALLED_WHILE ("p", "e.ts")
                   " ORDER BY e.ts DESC, e.kind DESC LIMIT 1", error))
    return NULL;

  return (AnbuDetectionStore *) g_steal_pointer (&self);
}
