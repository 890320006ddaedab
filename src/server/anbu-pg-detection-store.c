/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-detection-store"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "anbu-case-lifecycle.h"
#include "anbu-pg-detection-store.h"
#include "anbu-pg-values.h"
#include "anbu-server-time.h"

/* AnbuDetectionStore on PostgreSQL: the SQLite statements in PostgreSQL's
 * terms (record::jsonb->>'…', greatest/least, extract (epoch …)). Every
 * parameter is text, cast in the statement. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

/* What a pass may read of one household besides its facts, read for a
 * block of households at once. */
struct _BlockEntry
{
  GArray             *absences;      /* AnbuTimeWindow */
  gboolean            event_found;
  AnbuActivityEvent   event;         /* the last one at prefetched_at */
  gboolean            profile_found;
  AnbuRoutineProfiles profiles;
  GPtrArray          *alerts;        /* unresolved: record, version text, … in order; NULL
                                      * once read (see read_unresolved_alerts) */
  GHashTable         *contacts;      /* alert id → Contacts */
  GHashTable         *resolved;      /* kind → Resolved: its last resolved alert */
  GHashTable         *resolved_asked; /* kinds answered from `resolved` (see
                                       * read_last_resolved) */
};

/* A resolved alert's quiet start and closing time as stored (ISO text). */
typedef struct
{
  char *quiet_since;
  char *closed_at;
} Resolved;

static void
resolved_free (Resolved *resolved)
{
  g_free (resolved->quiet_since);
  g_free (resolved->closed_at);
  g_free (resolved);
}

typedef struct
{
  guint all;
  guint no_answer;
} Contacts;

struct _AnbuPgDetectionStore
{
  GObject         parent_instance;

  AnbuPgStore    *store;
  AnbuReadingLog *readings;

  /* The households a pass will ask about, in the order it evaluates them
   * (anbu_detection_store_prefetch; id → position + 1 in pass_order),
   * kept until forget_prefetched. */
  GPtrArray      *pass_order;
  GHashTable     *pass_position;
  /* While prefetched (anbu_detection_store_prefetch at prefetched_at), the
   * absences, last event and profiles of a household of the pass order are
   * read for BLOCK households of that order at once, from the one asked
   * for on: id → BlockEntry, the current block only. */
  gboolean        prefetched;
  gint64          prefetched_at;
  GHashTable     *block;
  /* The current block's place in the pass order, and whether its alerts
   * and contact counts were read (block_cases). */
  guint           block_start;
  guint           block_length;
  gboolean        block_cases_read;
};

/* Three statements for a thousand households instead of up to three round
 * trips each (and two more for their alerts and contacts, when asked); a
 * block's profiles are about 3.5 MB of text. */
#define BLOCK 1000
/* Households per statement of read_facts_of. At 1,000,000 households a
 * timer pass looked at 16,688 and statements for 5,000 of them took 0.6
 * to 0.9 s each: few, larger statements. */
#define FACTS_BLOCK 50000

static void anbu_pg_detection_store_iface_init (AnbuDetectionStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AnbuPgDetectionStore, anbu_pg_detection_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ANBU_TYPE_DETECTION_STORE,
                                                      anbu_pg_detection_store_iface_init))

/* A record's ISO time field as Unix seconds (whole, as SQLite's unixepoch). */
#define EPOCH(record, field) \
  "floor (extract (epoch FROM (" record "::jsonb->>'" field "')::timestamptz))::bigint"
#define INSTALLED_FROM(p) EPOCH (p ".record", "installed_at")
#define INSTALLED_UNTIL(p) "coalesce (" EPOCH (p ".record", "removed_at") ", 9223372036854775807)"
#define INSTALLED_WHILE(p, t) \
  " " t " >= " INSTALLED_FROM (p) " AND " t " < " INSTALLED_UNTIL (p)

/* As on SQLite (anbu-sqlite-detection-store.c): a plug's first half hour
 * is plug work; readings are seen on through ingest gaps. */
G_STATIC_ASSERT (ANBU_CASE_PLUG_WORK_SECONDS == 1800);

/* The plugs are folded per household before the join, and a plug's
 * install time is parsed once (OFFSET 0 keeps the lateral from being
 * flattened into each of the six places that use it, each a JSON and time
 * parse): grouping the joined rows by household instead carried every
 * household's record through an external sort, and at 1,000,000
 * households this statement was a large part of the start-up pass under
 * the write lock (bench/bench-country --db). json, not jsonb: one field of
 * each record is read, without building the whole tree. The server's own
 * gap (ingest_witness "") is one row, read once by the scalar subqueries:
 * joined, it was scanned once per plug (2.5 s of 12.5 at a million).
 * `where` filters the plugs by p.household_id. */
#define FACTS_SQL(where) \
  "SELECT h.id, h.night_consent::integer," \
  " coalesce (floor ((h.record::json->>'threshold_hours')::numeric)::bigint, 0)," \
  " f.last_activity_at, f.last_seen_at, f.online_since, f.last_reading_at, f.last_staff_at," \
  " f.offline_from, f.plugs_online_since" \
  " FROM household h JOIN (SELECT p.household_id," \
  " max (greatest (coalesce (l.last_activity_at, 0), pi.installed)) AS last_activity_at," \
  " max (greatest (CASE WHEN l.last_seen_at IS NULL THEN 0 ELSE least ($2::bigint, l.last_seen_at" \
  "   + greatest (0, coalesce ((SELECT unobserved FROM ingest_witness WHERE id = ''), 0)" \
  "             + (CASE WHEN w.plugs >= 2 THEN w.unobserved ELSE 0 END) - l.unobserved_mark)" \
  "   + (CASE WHEN w.plugs >= 2" \
  "      THEN greatest (0, $2::bigint - greatest (w.last_reading_at," \
  "       coalesce ((SELECT down_to FROM ingest_witness WHERE id = ''), 0)))" \
  "      ELSE 0 END)) END, pi.installed)) AS last_seen_at," \
  " max (CASE WHEN l.online_since - pi.installed < 1800" \
  " THEN 0 ELSE coalesce (l.online_since, 0) END) AS online_since," \
  " max (greatest (coalesce (l.last_seen_at, 0), pi.installed)) AS last_reading_at," \
  " max (pi.installed) AS last_staff_at," \
  " min (CASE WHEN l.online_since - pi.installed < 1800" \
  " THEN 0 ELSE coalesce (l.offline_from, 0) END) AS offline_from," \
  " max (coalesce (l.online_since, 0)) AS plugs_online_since" \
  " FROM plug p" \
  " CROSS JOIN LATERAL (SELECT floor (extract (epoch FROM" \
  "  (p.record::json->>'installed_at')::timestamptz))::bigint AS installed OFFSET 0) pi" \
  " LEFT JOIN plug_live l ON l.serial = p.id" \
  " LEFT JOIN ingest_witness w ON w.id = l.gateway_id" \
  " WHERE p.state = 'installed'" where " GROUP BY p.household_id) f ON f.household_id = h.id" \
  " WHERE h.status = 'active'"

#define STAFF_TIMES_SQL \
  "SELECT t, k FROM (SELECT " EPOCH ("record", "installed_at") " AS t, 0 AS k FROM plug" \
  " WHERE household_id = $1::text" \
  " UNION ALL SELECT " EPOCH ("record", "removed_at") ", 0 FROM plug" \
  " WHERE household_id = $1::text AND record::jsonb->>'removed_at' IS NOT NULL" \
  " UNION ALL SELECT " EPOCH ("record", "at") ", 1 FROM visit WHERE household_id = $1::text" \
  " UNION ALL SELECT " EPOCH ("record", "at") ", 1 FROM contact" \
  " WHERE household_id = $1::text AND record::jsonb->>'channel'" \
  " IN ('visit', 'dispatch_112', 'dispatch_119')) staff"

static PGresult *
run (AnbuPgDetectionStore  *self,
     const char            *sql,
     int                    n_params,
     const char * const    *params,
     GError               **error)
{
  return anbu_pg_store_query (self->store, sql, n_params, params, error);
}

typedef struct _BlockEntry BlockEntry;
static const BlockEntry *block_entry    (AnbuPgDetectionStore  *self,
                                         const char            *household_id,
                                         GError               **error);
static BlockEntry       *block_cases    (AnbuPgDetectionStore  *self,
                                         const char            *household_id,
                                         GError               **error);
static gboolean          in_block_reach (AnbuPgDetectionStore  *self,
                                         const char            *household_id);

static void append_facts (PGresult     *result,
                          GArray       *out,
                          GStringChunk *ids);

static void
forget_pass_order (AnbuPgDetectionStore *self)
{
  /* The current block's keys are the order's. */
  g_clear_pointer (&self->block, g_hash_table_unref);
  g_clear_pointer (&self->pass_position, g_hash_table_unref);
  g_clear_pointer (&self->pass_order, g_ptr_array_unref);
}

static void
remember_ids (AnbuPgDetectionStore *self,
              const char * const   *household_ids,
              guint                 n)
{
  forget_pass_order (self);
  self->pass_order = g_ptr_array_new_full (n, g_free);
  self->pass_position = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    {
      char *id = g_strdup (household_ids[i]);

      g_ptr_array_add (self->pass_order, id);
      g_hash_table_insert (self->pass_position, id, GUINT_TO_POINTER (i + 1));
    }
}

static gboolean
read_facts (AnbuDetectionStore  *store,
            const char          *household_id,
            gint64               now,
            GArray              *out,
            GStringChunk        *ids,
            GError             **error)
{
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);
  g_autofree char *now_text = anbu_pg_values_from_int64 (now);
  const char *params[] = { household_id != NULL ? household_id : "", now_text };
  g_autoptr(PGresult) result = NULL;

  if (household_id != NULL)
    result = run (self, FACTS_SQL (" AND p.household_id = $1::text"), 2, params, error);
  else
    result = run (self, FACTS_SQL (" AND $1::text = ''"), 2, params, error);
  if (result == NULL)
    return FALSE;
  append_facts (result, out, ids);
  return TRUE;
}

/* Text arrays (anbu_pg_values_text_array) are taken as
 * `IN (SELECT unnest ($1::text[]))`, which the planner can join by hash;
 * `= ANY ($1)` left as a filter compares every row with every element. */
static gboolean
read_facts_of (AnbuDetectionStore  *store,
               const char * const  *household_ids,
               guint                n_households,
               gint64               now,
               GArray              *out,
               GStringChunk        *ids,
               GError             **error)
{
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);
  g_autofree char *now_text = anbu_pg_values_from_int64 (now);

  for (guint start = 0; start < n_households; start += FACTS_BLOCK)
    {
      g_autofree char *array = anbu_pg_values_text_array (household_ids + start,
                                                 MIN (FACTS_BLOCK, n_households - start));
      const char *params[] = { array, now_text };
      g_autoptr(PGresult) result = NULL;

      result = run (self, FACTS_SQL (" AND p.household_id IN (SELECT unnest ($1::text[]))"), 2,
                    params, error);
      if (result == NULL)
        return FALSE;
      append_facts (result, out, ids);
    }
  return TRUE;
}

static void
append_facts (PGresult     *result,
              GArray       *out,
              GStringChunk *ids)
{
  for (int row = 0; row < PQntuples (result); row++)
    {
      AnbuHouseholdFacts facts;

      facts.id = g_string_chunk_insert (ids, anbu_pg_values_text (result, row, 0));
      facts.night_consent = anbu_pg_values_int64 (result, row, 1) != 0;
      facts.threshold_hours = anbu_pg_values_int64 (result, row, 2);
      facts.last_activity_at = anbu_pg_values_int64 (result, row, 3);
      facts.last_seen_at = anbu_pg_values_int64 (result, row, 4);
      facts.online_since = anbu_pg_values_int64 (result, row, 5);
      facts.last_reading_at = anbu_pg_values_int64 (result, row, 6);
      facts.last_staff_at = anbu_pg_values_int64 (result, row, 7);
      facts.offline_from = anbu_pg_values_int64 (result, row, 8);
      facts.plugs_online_since = anbu_pg_values_int64 (result, row, 9);
      g_array_append_val (out, facts);
    }
}

static gboolean
read_absences (AnbuDetectionStore  *store,
               const char          *household_id,
               GArray              *windows,
               GError             **error)
{
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);
  const char *params[] = { household_id };
  g_autoptr(PGresult) result = NULL;

  if (in_block_reach (self, household_id))
    {
      const BlockEntry *entry = block_entry (self, household_id, error);

      if (entry == NULL)
        return FALSE;
      g_array_append_vals (windows, entry->absences->data, entry->absences->len);
      return TRUE;
    }
  result = run (self,
                "SELECT record::jsonb->>'from', record::jsonb->>'to'"
                " FROM absence WHERE household_id = $1::text",
                1, params, error);
  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    anbu_detection_store_add_absence (windows, anbu_pg_values_text (result, row, 0),
                                      anbu_pg_values_text (result, row, 1));
  return TRUE;
}

static gboolean
read_unresolved_alerts (AnbuDetectionStore      *store,
                        const char              *household_id,
                        AnbuDetectionRecordFunc  func,
                        gpointer                 user_data,
                        GError                 **error)
{
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);
  const char *params[] = { household_id };
  g_autoptr(PGresult) result = NULL;

  /* Read with the block's, before the pass reached the household: the
   * same as now. Alerts are written only under the store's write lock,
   * which the due pass holds from before the block's alerts were read
   * until it commits (and forgets the blocks), and the pass writes a
   * household's alerts only while it evaluates that household, after this
   * read: nothing can be raised twice or missed.
   * A second read in the same pass (none today) goes to the table. */
  if (in_block_reach (self, household_id))
    {
      BlockEntry *entry = block_cases (self, household_id, error);

      if (entry == NULL)
        return FALSE;
      if (entry->alerts != NULL)
        {
          g_autoptr(GPtrArray) alerts = g_steal_pointer (&entry->alerts);

          for (guint i = 0; i + 1 < alerts->len; i += 2)
            func (g_ptr_array_index (alerts, i),
                  g_ascii_strtoll (g_ptr_array_index (alerts, i + 1), NULL, 10), user_data);
          return TRUE;
        }
    }
  result = run (self,
                "SELECT record, version FROM alert"
                " WHERE household_id = $1::text AND state <> 'resolved'"
                " ORDER BY seq",
                1, params, error);

  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    func (anbu_pg_values_text (result, row, 0), anbu_pg_values_int64 (result, row, 1), user_data);
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
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);
  const char *params[] = { household_id, kind };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;

  /* From the block, read before the pass reached the household, as its
   * unresolved alerts are (read_unresolved_alerts): only the pass writes
   * alerts while it holds the write lock, and it asks for a kind's last
   * resolved one only while it has no unresolved one of that kind, before
   * it could close one. The first answer for a kind comes from the block;
   * a second (none today) goes to the table, which then holds any alert
   * the pass closed meanwhile. */
  if (in_block_reach (self, household_id))
    {
      BlockEntry *entry = block_cases (self, household_id, &error);

      if (entry == NULL)
        {
          g_warning ("%s", error->message);
          return FALSE;
        }
      if (!g_hash_table_contains (entry->resolved_asked, kind))
        {
          const Resolved *resolved = g_hash_table_lookup (entry->resolved, kind);

          g_hash_table_add (entry->resolved_asked, g_strdup (kind));
          if (resolved == NULL)
            return FALSE;
          *quiet_since = iso_to_unix (resolved->quiet_since);
          *closed_at = iso_to_unix (resolved->closed_at);
          return TRUE;
        }
    }
  result = run (self,
                "SELECT record::jsonb->>'quiet_since',"
                " record::jsonb->>'closed_at' FROM alert"
                " WHERE household_id = $1::text AND state = 'resolved'"
                " AND record::jsonb->>'kind' = $2::text"
                " ORDER BY seq DESC LIMIT 1",
                2, params, &error);
  if (result == NULL)
    {
      g_warning ("%s", error->message);
      return FALSE;
    }
  if (PQntuples (result) == 0)
    return FALSE;
  *quiet_since = iso_to_unix (anbu_pg_values_text (result, 0, 0));
  *closed_at = iso_to_unix (anbu_pg_values_text (result, 0, 1));
  return TRUE;
}

static void
count_contacts (AnbuDetectionStore *store,
                const char         *household_id,
                const char         *alert_id,
                guint              *all,
                guint              *no_answer)
{
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);
  const char *params[] = { household_id, alert_id };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;

  *all = *no_answer = 0;
  /* Contacts and visits are not written by the pass, and by nobody else
   * while it holds the write lock: the block's counts are today's. */
  if (in_block_reach (self, household_id))
    {
      const BlockEntry *entry = block_cases (self, household_id, &error);
      const Contacts *counted;

      if (entry == NULL)
        {
          g_warning ("%s", error->message);
          return;
        }
      if ((counted = g_hash_table_lookup (entry->contacts, alert_id)) != NULL)
        {
          *all = counted->all;
          *no_answer = counted->no_answer;
        }
      return;
    }
  /* Visits attached to it count as acts too (docs/casework.md). */
  result = run (self,
                "SELECT count (*) + (SELECT count (*) FROM visit WHERE household_id = $1::text"
                " AND record::jsonb->>'alert_id' = $2::text),"
                " coalesce (sum (CASE WHEN record::jsonb->>'outcome' = 'no_answer'"
                " THEN 1 ELSE 0 END), 0)"
                " FROM contact WHERE household_id = $1::text"
                " AND record::jsonb->>'alert_id' = $2::text",
                2, params, &error);
  if (result == NULL)
    {
      g_warning ("%s", error->message);
      return;
    }
  if (PQntuples (result) > 0)
    {
      *all = (guint) anbu_pg_values_int64 (result, 0, 0);
      *no_answer = (guint) anbu_pg_values_int64 (result, 0, 1);
    }
}

static gint64
read_change_seq (AnbuDetectionStore *store)
{
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = run (self, "SELECT value FROM counter WHERE name = 'seq'", 0, NULL,
                                    &error);

  if (result == NULL)
    {
      g_warning ("%s", error->message);
      return 0;
    }
  return PQntuples (result) > 0 ? anbu_pg_values_int64 (result, 0, 0) : 0;
}

static gboolean
foreach_id (PGresult            *result,
            AnbuDetectionIdFunc  func,
            gpointer             user_data)
{
  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    if (!PQgetisnull (result, row, 0))
      func (anbu_pg_values_text (result, row, 0), user_data);
  PQclear (result);
  return TRUE;
}

static gboolean
foreach_changed (AnbuDetectionStore      *store,
                 gint64                   since_seq,
                 AnbuDetectionChangeFunc  func,
                 gpointer                 user_data,
                 GError                 **error)
{
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);
  g_autofree char *seq = anbu_pg_values_from_int64 (since_seq);
  const char *params[] = { seq };
  g_autoptr(PGresult) result = NULL;

  /* A plug that moved leaves its live row with the household it left, and
   * every move to another household leaves a mark naming the one it left
   * (also for a plug that never reported, which has no live row). */
  result = run (self,
                "SELECT household_id, max (seq) FROM ("
                "SELECT id AS household_id, seq FROM household WHERE seq > $1::bigint"
                " UNION ALL SELECT household_id, seq FROM plug WHERE seq > $1::bigint"
                " UNION ALL SELECT l.household_id, p.seq FROM plug p"
                " JOIN plug_live l ON l.serial = p.id WHERE p.seq > $1::bigint"
                " UNION ALL SELECT household_id, seq FROM absence WHERE seq > $1::bigint"
                " UNION ALL SELECT household_id, seq FROM alert WHERE seq > $1::bigint"
                " UNION ALL SELECT household_id, seq FROM contact WHERE seq > $1::bigint"
                " UNION ALL SELECT household_id, seq FROM visit WHERE seq > $1::bigint"
                " UNION ALL SELECT household_id, seq FROM dependent_exit WHERE seq > $1::bigint)"
                " changed WHERE household_id IS NOT NULL GROUP BY household_id",
                1, params, error);
  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    func (anbu_pg_values_text (result, row, 0), anbu_pg_values_int64 (result, row, 1), user_data);
  return TRUE;
}

static gboolean
foreach_unresolved_household (AnbuDetectionStore  *store,
                              AnbuDetectionIdFunc  func,
                              gpointer             user_data,
                              GError             **error)
{
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);

  return foreach_id (run (self, "SELECT DISTINCT household_id FROM alert WHERE state <> 'resolved'",
                          0, NULL, error),
                     func, user_data);
}

static gboolean
foreach_staff_time (AnbuDetectionStore     *store,
                    const char             *household_id,
                    AnbuDetectionStaffFunc  func,
                    gpointer                user_data,
                    GError                **error)
{
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);
  const char *params[] = { household_id };
  g_autoptr(PGresult) result = run (self, STAFF_TIMES_SQL, 1, params, error);

  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    if (!PQgetisnull (result, row, 0))
      func (anbu_pg_values_int64 (result, row, 0), anbu_pg_values_int64 (result, row, 1) != 0,
            user_data);
  return TRUE;
}

static gboolean
foreach_visit_since (AnbuDetectionStore     *store,
                     gint64                  since_seq,
                     AnbuDetectionVisitFunc  func,
                     gpointer                user_data,
                     GError                **error)
{
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);
  g_autofree char *seq = anbu_pg_values_from_int64 (since_seq);
  const char *params[] = { seq };
  g_autoptr(PGresult) result = NULL;

  result = run (self,
                "SELECT household_id, max (" EPOCH ("record", "at") "), max (seq)"
                " FROM (SELECT household_id, record, seq FROM visit WHERE seq > $1::bigint"
                " UNION ALL SELECT household_id, record, seq FROM contact WHERE seq > $1::bigint"
                " AND record::jsonb->>'channel' IN ('visit', 'dispatch_112', 'dispatch_119')) v"
                " GROUP BY household_id",
                1, params, error);
  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    func (anbu_pg_values_text (result, row, 0), anbu_pg_values_int64 (result, row, 1),
          anbu_pg_values_int64 (result, row, 2), user_data);
  return TRUE;
}

/* Events come in pages, newest first: the search for the resident's last
 * activity usually stops at the first one.
 * A household's events are read plug by plug (LATERAL), each through its
 * own (serial, ts) index. A plain join left the order to the planner, and
 * the plan cached for the prepared statement (generic, the same for every
 * household) started from activity_event's times alone once its statistics
 * were older than its rows: every plug's events read for each household,
 * 50 ms a household, and a timer pass over 8,000 households held the
 * instance's ingest for minutes. */
#define EVENT_PAGE "64"

static gboolean
foreach_event_time (AnbuDetectionStore    *store,
                    const char            *household_id,
                    gint64                 after,
                    gint64                 until,
                    AnbuDetectionTimeFunc  func,
                    gpointer               user_data,
                    GError               **error)
{
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);
  g_autofree char *after_text = anbu_pg_values_from_int64 (after);
  int rows;

  do
    {
      g_autofree char *until_text = anbu_pg_values_from_int64 (until);
      const char *params[] = { household_id, after_text, until_text };
      g_autoptr(PGresult) result = NULL;

      result = run (self,
                    "SELECT e.ts FROM plug p CROSS JOIN LATERAL (SELECT e.ts FROM activity_event e"
                    "  WHERE e.serial = p.id AND e.ts > $2::bigint AND e.ts <= $3::bigint"
                    "  ORDER BY e.ts DESC LIMIT " EVENT_PAGE ") e"
                    " WHERE p.household_id = $1::text ORDER BY e.ts DESC LIMIT " EVENT_PAGE,
                    3, params, error);
      if (result == NULL)
        return FALSE;
      rows = PQntuples (result);
      for (int row = 0; row < rows; row++)
        if (!func (anbu_pg_values_int64 (result, row, 0), user_data))
          return TRUE;
      /* Times are whole seconds: the next page starts before the last
       * one (more events at that second would only repeat a time already
       * given). */
      if (rows > 0)
        until = anbu_pg_values_int64 (result, rows - 1, 0) - 1;
    }
  while (rows == atoi (EVENT_PAGE) && until > after);
  return TRUE;
}

static gboolean
read_first_install (AnbuDetectionStore *store,
                    const char         *household_id,
                    gint64             *installed_at)
{
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);
  const char *params[] = { household_id };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = run (self,
                                    "SELECT min (" EPOCH ("record", "installed_at") ") FROM plug"
                                    " WHERE household_id = $1::text",
                                    1, params, &error);

  if (result == NULL)
    {
      g_warning ("%s", error->message);
      return FALSE;
    }
  if (PQntuples (result) == 0 || PQgetisnull (result, 0, 0))
    return FALSE;
  *installed_at = anbu_pg_values_int64 (result, 0, 0);
  return TRUE;
}

static gboolean
read_last_event (AnbuDetectionStore *store,
                 const char         *household_id,
                 gint64              now,
                 AnbuActivityEvent  *event)
{
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);
  g_autofree char *now_text = anbu_pg_values_from_int64 (now);
  const char *params[] = { household_id, now_text };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;

  if (now == self->prefetched_at && in_block_reach (self, household_id))
    {
      const BlockEntry *entry = block_entry (self, household_id, &error);

      if (entry == NULL)
        {
          g_warning ("%s", error->message);
          return FALSE;
        }
      if (entry->event_found)
        *event = entry->event;
      return entry->event_found;
    }
  /* Plug by plug, as foreach_event_time says why. */
  result = run (self,
                "SELECT e.ts, e.kind, e.magnitude FROM plug p"
                " CROSS JOIN LATERAL (SELECT e.ts, e.kind, e.magnitude FROM activity_event e"
                "  WHERE e.serial = p.id AND e.ts <= $2::bigint AND" INSTALLED_WHILE ("p", "e.ts")
                "  ORDER BY e.ts DESC, e.kind DESC LIMIT 1) e"
                " WHERE p.household_id = $1::text AND p.state = 'installed'"
                " ORDER BY e.ts DESC, e.kind DESC LIMIT 1",
                2, params, &error);
  if (result == NULL)
    {
      g_warning ("%s", error->message);
      return FALSE;
    }
  if (PQntuples (result) == 0)
    return FALSE;
  event->ts = anbu_pg_values_int64 (result, 0, 0);
  event->kind = (AnbuActivityKind) anbu_pg_values_int64 (result, 0, 1);
  event->magnitude = anbu_pg_values_double (result, 0, 2);
  return TRUE;
}

static gboolean
read_events (AnbuDetectionStore  *store,
             const char          *household_id,
             gint64               from,
             gint64               to,
             GArray              *events,
             GError             **error)
{
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);
  g_autofree char *from_text = anbu_pg_values_from_int64 (from);
  g_autofree char *to_text = anbu_pg_values_from_int64 (to);
  const char *params[] = { household_id, from_text, to_text };
  g_autoptr(PGresult) result = NULL;

  /* Every plug the household ever had: a replaced plug's history counts.
   * Plug by plug, as foreach_event_time says why; OFFSET 0 keeps the
   * planner from making the subquery a plain join again. */
  result = run (self,
                "SELECT e.ts, e.kind, e.magnitude FROM plug p"
                " CROSS JOIN LATERAL (SELECT e.ts, e.kind, e.magnitude FROM activity_event e"
                "  WHERE e.serial = p.id AND e.ts >= $2::bigint AND e.ts <= $3::bigint"
                "  AND" INSTALLED_WHILE ("p", "e.ts") " OFFSET 0) e"
                " WHERE p.household_id = $1::text ORDER BY e.ts, e.kind",
                3, params, error);
  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    {
      AnbuActivityEvent event;

      event.ts = anbu_pg_values_int64 (result, row, 0);
      event.kind = (AnbuActivityKind) anbu_pg_values_int64 (result, row, 1);
      event.magnitude = anbu_pg_values_double (result, row, 2);
      g_array_append_val (events, event);
    }
  return TRUE;
}

/* The raw readings of one plug between lo and hi (both included), one
 * stretch per quarter-hour bucket, as SQLite's packed rows give them. */
static gboolean
emit_raw_stretches (AnbuPgDetectionStore      *self,
                    const char                *serial,
                    gint64                     lo,
                    gint64                     hi,
                    AnbuDetectionStretchFunc   func,
                    gpointer                   user_data,
                    GError                   **error)
{
  g_autoptr(GArray) readings = g_array_new (FALSE, FALSE, sizeof (AnbuReading));
  gint64 bucket = G_MININT64, first = 0, last = 0;

  if (lo > hi)
    return TRUE;
  if (!anbu_reading_log_read_range (self->readings, serial, lo, hi + 1, readings, error))
    return FALSE;
  for (guint i = 0; i < readings->len; i++)
    {
      gint64 ts = g_array_index (readings, AnbuReading, i).ts;
      gint64 b = ts - ((ts % 900) + 900) % 900;

      if (b != bucket)
        {
          if (bucket != G_MININT64)
            func (first, last, user_data);
          bucket = b;
          first = ts;
        }
      last = ts;
    }
  if (bucket != G_MININT64)
    func (first, last, user_data);
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
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);
  const char *params[] = { household_id };
  g_autoptr(PGresult) plugs = NULL;
  int n;

  if (self->readings == NULL)
    {
      g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                   "Cannot read the readings: detection has no reading log");
      return FALSE;
    }
  plugs = run (self,
               "SELECT id, " INSTALLED_FROM ("p") ", " INSTALLED_UNTIL ("p")
               " FROM plug p WHERE household_id = $1::text"
               " AND " INSTALLED_FROM ("p") " IS NOT NULL ORDER BY id",
               1, params, error);
  if (plugs == NULL)
    return FALSE;
  n = PQntuples (plugs);
  for (int row = 0; row < n; row++)
    if (!emit_raw_stretches (self, anbu_pg_values_text (plugs, row, 0),
                             MAX (from, anbu_pg_values_int64 (plugs, row, 1)),
                             MIN (to, anbu_pg_values_int64 (plugs, row, 2) - 1),
                             func, user_data, error))
      return FALSE;
  /* Each folded hour is covered as a whole. */
  for (int row = 0; row < n; row++)
    {
      g_autoptr(GArray) hours = g_array_new (FALSE, FALSE, sizeof (AnbuReadingHour));
      gint64 installed = anbu_pg_values_int64 (plugs, row, 1);
      gint64 until = anbu_pg_values_int64 (plugs, row, 2);
      gint64 lo = MAX (from - 3600, installed);
      gint64 hi = to < until ? to + 1 : until;

      if (lo >= hi)
        continue;
      if (!anbu_reading_log_read_hours (self->readings, anbu_pg_values_text (plugs, row, 0),
                                        lo, hi, hours, error))
        return FALSE;
      for (guint i = 0; i < hours->len; i++)
        {
          gint64 hour = g_array_index (hours, AnbuReadingHour, i).hour;

          func (hour, hour + 3599, user_data);
        }
    }
  return TRUE;
}

static gboolean profiles_from_row (PGresult            *result,
                                   int                  row,
                                   int                  first,
                                   AnbuRoutineProfiles *profiles);

static void
block_entry_free (BlockEntry *entry)
{
  g_array_unref (entry->absences);
  g_clear_pointer (&entry->alerts, g_ptr_array_unref);
  g_hash_table_unref (entry->contacts);
  g_hash_table_unref (entry->resolved);
  g_hash_table_unref (entry->resolved_asked);
  g_free (entry);
}

/* The household's block entry, the block of the pass order that starts
 * with it read when it is not the current block's. NULL with `error` set
 * when a read failed. */
static const BlockEntry *
block_entry (AnbuPgDetectionStore  *self,
             const char            *household_id,
             GError               **error)
{
  BlockEntry *entry;
  guint start, n;
  g_autofree char *array = NULL;
  g_autofree char *now_text = NULL;
  g_autoptr(PGresult) absences = NULL;
  g_autoptr(PGresult) events = NULL;
  g_autoptr(PGresult) profiles = NULL;

  if (self->block != NULL && (entry = g_hash_table_lookup (self->block, household_id)) != NULL)
    return entry;
  start = GPOINTER_TO_UINT (g_hash_table_lookup (self->pass_position, household_id)) - 1;
  n = MIN (BLOCK, self->pass_order->len - start);
  array = anbu_pg_values_text_array ((const char * const *) self->pass_order->pdata + start, n);
  now_text = anbu_pg_values_from_int64 (self->prefetched_at);
  {
    const char *params[] = { array, now_text };

    absences = run (self,
                    "SELECT household_id, record::jsonb->>'from', record::jsonb->>'to'"
                    " FROM absence WHERE household_id IN (SELECT unnest ($1::text[]))",
                    1, params, error);
    /* read_last_event's statement for each of them. */
    if (absences != NULL)
      events = run (self,
                    "SELECT h.id, le.ts, le.kind, le.magnitude FROM unnest ($1::text[]) h (id)"
                    " JOIN LATERAL (SELECT e.ts, e.kind, e.magnitude FROM plug p"
                    "  CROSS JOIN LATERAL (SELECT e.ts, e.kind, e.magnitude FROM activity_event e"
                    "   WHERE e.serial = p.id AND e.ts <= $2::bigint AND"
                    INSTALLED_WHILE ("p", "e.ts")
                    "   ORDER BY e.ts DESC, e.kind DESC LIMIT 1) e"
                    "  WHERE p.household_id = h.id AND p.state = 'installed'"
                    "  ORDER BY e.ts DESC, e.kind DESC LIMIT 1) le ON true",
                    2, params, error);
    if (events != NULL)
      profiles = run (self,
                      "SELECT household_id, learned_at, observed_days, ready, usual_quiet,"
                      " workday_quiet, day_off_quiet FROM routine_profile"
                      " WHERE household_id IN (SELECT unnest ($1::text[]))",
                      1, params, error);
  }
  if (profiles == NULL)
    return NULL;
  /* Only the current block is kept: a pass goes through them in order. */
  if (self->block != NULL)
    g_hash_table_remove_all (self->block);
  else
    self->block = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) block_entry_free);
  for (guint i = 0; i < n; i++)
    {
      entry = g_new0 (BlockEntry, 1);
      entry->absences = g_array_new (FALSE, FALSE, sizeof (AnbuTimeWindow));
      entry->alerts = g_ptr_array_new_with_free_func (g_free);
      entry->contacts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      entry->resolved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) resolved_free);
      entry->resolved_asked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (self->block, g_ptr_array_index (self->pass_order, start + i), entry);
    }
  for (int row = 0; row < PQntuples (absences); row++)
    if ((entry = g_hash_table_lookup (self->block, anbu_pg_values_text (absences, row, 0))) != NULL)
      anbu_detection_store_add_absence (entry->absences, anbu_pg_values_text (absences, row, 1),
                                        anbu_pg_values_text (absences, row, 2));
  for (int row = 0; row < PQntuples (events); row++)
    if ((entry = g_hash_table_lookup (self->block, anbu_pg_values_text (events, row, 0))) != NULL)
      {
        entry->event_found = TRUE;
        entry->event.ts = anbu_pg_values_int64 (events, row, 1);
        entry->event.kind = (AnbuActivityKind) anbu_pg_values_int64 (events, row, 2);
        entry->event.magnitude = anbu_pg_values_double (events, row, 3);
      }
  for (int row = 0; row < PQntuples (profiles); row++)
    if ((entry = g_hash_table_lookup (self->block, anbu_pg_values_text (profiles, row, 0))) != NULL)
      entry->profile_found = profiles_from_row (profiles, row, 1, &entry->profiles);
  self->block_start = start;
  self->block_length = n;
  self->block_cases_read = FALSE;
  return g_hash_table_lookup (self->block, household_id);
}

/* The household's block entry with its block's unresolved alerts, last
 * resolved ones and contact counts, read when first asked for: only a
 * household with a signal to raise, close or route asks, in the due pass
 * under the write lock; a look at every household never does. */
static BlockEntry *
block_cases (AnbuPgDetectionStore  *self,
             const char            *household_id,
             GError               **error)
{
  BlockEntry *entry = (BlockEntry *) block_entry (self, household_id, error);
  g_autofree char *array = NULL;
  g_autoptr(PGresult) alerts = NULL;
  g_autoptr(PGresult) contacts = NULL;

  if (entry == NULL || self->block_cases_read)
    return entry;
  array = anbu_pg_values_text_array ((const char * const *) self->pass_order->pdata
                                     + self->block_start, self->block_length);
  {
    const char *params[] = { array };

    /* The unresolved alerts in the order they were saved first, then
     * read_last_resolved's answer for each kind (resolved 1, kind). */
    alerts = run (self,
                  "SELECT household_id, record, version, 0, NULL, NULL, NULL, seq FROM alert"
                  " WHERE household_id IN (SELECT unnest ($1::text[])) AND state <> 'resolved'"
                  " UNION ALL SELECT household_id, NULL, NULL, 1, kind, quiet_since, closed_at, seq"
                  " FROM (SELECT DISTINCT ON (household_id, record::jsonb->>'kind') household_id,"
                  "  record::jsonb->>'kind' AS kind, record::jsonb->>'quiet_since' AS quiet_since,"
                  "  record::jsonb->>'closed_at' AS closed_at, seq FROM alert"
                  "  WHERE household_id IN (SELECT unnest ($1::text[])) AND state = 'resolved'"
                  "  AND record::jsonb->>'kind' IS NOT NULL"
                  "  ORDER BY household_id, record::jsonb->>'kind', seq DESC) r"
                  " ORDER BY 4, 8",
                  1, params, error);
    /* count_contacts' counts of every alert. */
    if (alerts != NULL)
      contacts = run (self,
                      "SELECT household_id, alert_id, count (*), sum (no_answer) FROM"
                      " (SELECT household_id, record::jsonb->>'alert_id' AS alert_id,"
                      "  CASE WHEN record::jsonb->>'outcome' = 'no_answer' THEN 1 ELSE 0 END"
                      "  AS no_answer FROM contact WHERE household_id IN (SELECT unnest ($1::text[]))"
                      "  UNION ALL SELECT household_id, record::jsonb->>'alert_id', 0 FROM visit"
                      "  WHERE household_id IN (SELECT unnest ($1::text[]))) c"
                      " WHERE alert_id IS NOT NULL GROUP BY household_id, alert_id",
                      1, params, error);
  }
  if (contacts == NULL)
    return NULL;
  for (int row = 0; row < PQntuples (alerts); row++)
    if ((entry = g_hash_table_lookup (self->block, anbu_pg_values_text (alerts, row, 0))) == NULL)
      continue;
    else if (anbu_pg_values_int64 (alerts, row, 3) == 0)
      {
        g_ptr_array_add (entry->alerts, g_strdup (anbu_pg_values_text (alerts, row, 1)));
        g_ptr_array_add (entry->alerts, g_strdup (anbu_pg_values_text (alerts, row, 2)));
      }
    else
      {
        Resolved *resolved = g_new (Resolved, 1);

        resolved->quiet_since = g_strdup (anbu_pg_values_text (alerts, row, 5));
        resolved->closed_at = g_strdup (anbu_pg_values_text (alerts, row, 6));
        g_hash_table_replace (entry->resolved, g_strdup (anbu_pg_values_text (alerts, row, 4)),
                              resolved);
      }
  for (int row = 0; row < PQntuples (contacts); row++)
    if ((entry = g_hash_table_lookup (self->block, anbu_pg_values_text (contacts, row, 0))) != NULL)
      {
        Contacts *counted = g_new (Contacts, 1);

        counted->all = (guint) anbu_pg_values_int64 (contacts, row, 2);
        counted->no_answer = (guint) anbu_pg_values_int64 (contacts, row, 3);
        g_hash_table_replace (entry->contacts, g_strdup (anbu_pg_values_text (contacts, row, 1)),
                              counted);
      }
  self->block_cases_read = TRUE;
  return g_hash_table_lookup (self->block, household_id);
}

/* Prefetched, and one of the households the pass looks at. */
static gboolean
in_block_reach (AnbuPgDetectionStore *self,
                const char           *household_id)
{
  return self->prefetched && self->pass_position != NULL
         && g_hash_table_contains (self->pass_position, household_id);
}

static gboolean
load_profiles (AnbuDetectionStore  *store,
               const char          *household_id,
               AnbuRoutineProfiles *profiles)
{
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);
  const char *params[] = { household_id };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;

  memset (profiles, 0, sizeof *profiles);
  if (in_block_reach (self, household_id))
    {
      const BlockEntry *entry = block_entry (self, household_id, &error);

      if (entry != NULL)
        {
          if (entry->profile_found)
            *profiles = entry->profiles;
          return entry->profile_found;
        }
      g_warning ("%s", error->message);
      return FALSE;
    }
  result = run (self,
                "SELECT learned_at, observed_days, ready, usual_quiet, workday_quiet,"
                " day_off_quiet FROM routine_profile WHERE household_id = $1::text",
                1, params, &error);
  if (result == NULL)
    {
      g_warning ("%s", error->message);
      return FALSE;
    }
  if (PQntuples (result) == 0)
    return FALSE;
  return profiles_from_row (result, 0, 0, profiles);
}

/* The profiles in columns first… of `row`: learned_at, observed_days,
 * ready, usual_quiet, workday_quiet, day_off_quiet. */
static gboolean
profiles_from_row (PGresult            *result,
                   int                  row,
                   int                  first,
                   AnbuRoutineProfiles *profiles)
{
  g_autoptr(GBytes) usual = anbu_pg_values_bytes (result, row, first + 3);
  g_autoptr(GBytes) workday = anbu_pg_values_bytes (result, row, first + 4);
  g_autoptr(GBytes) day_off = anbu_pg_values_bytes (result, row, first + 5);

  memset (profiles, 0, sizeof *profiles);
  return anbu_detection_store_profiles_from_blobs (
    profiles, anbu_pg_values_int64 (result, row, first), anbu_pg_values_double (result, row, first + 1),
    anbu_pg_values_int64 (result, row, first + 2) != 0,
    usual != NULL ? g_bytes_get_data (usual, NULL) : NULL,
    usual != NULL ? g_bytes_get_size (usual) : 0,
    workday != NULL ? g_bytes_get_data (workday, NULL) : NULL,
    workday != NULL ? g_bytes_get_size (workday) : 0,
    day_off != NULL ? g_bytes_get_data (day_off, NULL) : NULL,
    day_off != NULL ? g_bytes_get_size (day_off) : 0);
}

static gboolean
read_gaps (AnbuDetectionStore *store,
           const char         *household_id,
           GArray             *gaps,
           gint64             *covered_until)
{
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);
  const char *params[] = { household_id };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GBytes) blob = NULL;
  gsize size = 0;

  result = run (self, "SELECT gaps, covered_until FROM routine_profile WHERE household_id = $1::text",
                1, params, &error);
  if (result == NULL)
    {
      g_warning ("%s", error->message);
      return FALSE;
    }
  if (PQntuples (result) == 0 || PQgetisnull (result, 0, 1))
    return FALSE;
  blob = anbu_pg_values_bytes (result, 0, 0);
  if (blob != NULL)
    size = g_bytes_get_size (blob);
  if (size % sizeof (AnbuTimeWindow) != 0)
    return FALSE;
  if (size > 0)
    g_array_append_vals (gaps, g_bytes_get_data (blob, NULL), size / sizeof (AnbuTimeWindow));
  *covered_until = anbu_pg_values_int64 (result, 0, 1);
  return TRUE;
}

static char *
quiet_param (const AnbuRoutineProfile *profile)
{
  /* A profile still warming up is never evaluated: its numbers are not kept. */
  return anbu_pg_values_from_bytes (profile->usual_quiet_hours,
                                    profile->ready ? sizeof profile->usual_quiet_hours : 0);
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
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);
  const AnbuRoutineProfile *profile = &profiles->pooled;
  g_autofree char *learned_at = anbu_pg_values_from_int64 (profile->learned_at);
  g_autofree char *observed = anbu_pg_values_from_double (profile->observed_days);
  g_autofree char *usual = quiet_param (profile);
  g_autofree char *gaps_text = anbu_pg_values_from_bytes (gaps->data,
                                                          gaps->len * sizeof (AnbuTimeWindow));
  g_autofree char *covered = anbu_pg_values_from_int64 (covered_until);
  g_autofree char *workday = quiet_param (&profiles->workday);
  g_autofree char *day_off = quiet_param (&profiles->day_off);
  const char *params[] = { household_id, learned_at, observed, profile->ready ? "1" : "0", usual,
                           params_key, gaps_text, covered, workday, day_off };
  g_autoptr(PGresult) result = NULL;

  /* A block read before holds the old profile. */
  if (self->block != NULL)
    g_hash_table_remove_all (self->block);
  /* A watch judged on the profile before is no longer one (relearned the
   * same day, it keeps its learned_at). */
  result = run (self,
                "WITH judged_before AS (DELETE FROM routine_watch WHERE household_id = $1::text)"
                " INSERT INTO routine_profile (household_id, learned_at, observed_days, ready,"
                " usual_quiet, params, gaps, covered_until, workday_quiet, day_off_quiet)"
                " VALUES ($1::text, $2::bigint, $3::double precision, $4::integer, $5::bytea,"
                " $6::text, $7::bytea, $8::bigint, $9::bytea, $10::bytea)"
                " ON CONFLICT (household_id) DO UPDATE"
                " SET learned_at = excluded.learned_at, observed_days = excluded.observed_days,"
                " ready = excluded.ready, usual_quiet = excluded.usual_quiet,"
                " params = excluded.params, gaps = excluded.gaps,"
                " covered_until = excluded.covered_until,"
                " workday_quiet = excluded.workday_quiet, day_off_quiet = excluded.day_off_quiet",
                G_N_ELEMENTS (params), params, error);
  return result != NULL;
}

static gboolean
foreach_profile (AnbuDetectionStore       *store,
                 AnbuDetectionProfileFunc  func,
                 gpointer                  user_data,
                 GError                  **error)
{
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);
  g_autoptr(PGresult) result = run (self,
                                    "SELECT household_id, learned_at, ready, params"
                                    " FROM routine_profile",
                                    0, NULL, error);

  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    func (anbu_pg_values_text (result, row, 0), anbu_pg_values_int64 (result, row, 1),
          anbu_pg_values_int64 (result, row, 2) != 0, anbu_pg_values_text (result, row, 3),
          user_data);
  return TRUE;
}

static gboolean
foreach_watch (AnbuDetectionStore      *store,
               AnbuDetectionWatchFunc   func,
               gpointer                 user_data,
               GError                 **error)
{
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);
  g_autoptr(PGresult) result = run (self,
                                    "SELECT household_id, learned_at, quiet_since, watch_at,"
                                    " judged_seq FROM routine_watch",
                                    0, NULL, error);

  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    {
      AnbuRoutineWatch watch = { anbu_pg_values_text (result, row, 0),
                                 anbu_pg_values_int64 (result, row, 1),
                                 anbu_pg_values_int64 (result, row, 2),
                                 anbu_pg_values_int64 (result, row, 3),
                                 anbu_pg_values_int64 (result, row, 4) };

      func (&watch, user_data);
    }
  return TRUE;
}

/* One statement for the lot: a pass saves thousands. */
static gboolean
save_watches (AnbuDetectionStore      *store,
              const AnbuRoutineWatch  *watches,
              guint                    n_watches,
              GError                 **error)
{
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);
  GString *columns[5];
  char *texts[G_N_ELEMENTS (columns)];
  g_autoptr(PGresult) result = NULL;

  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    columns[c] = g_string_new (NULL);
  for (guint i = 0; i < n_watches; i++)
    {
      anbu_pg_values_array_add_text (columns[0], watches[i].household_id);
      anbu_pg_values_array_add_int64 (columns[1], watches[i].learned_at);
      anbu_pg_values_array_add_int64 (columns[2], watches[i].quiet_since);
      anbu_pg_values_array_add_int64 (columns[3], watches[i].watch_at);
      anbu_pg_values_array_add_int64 (columns[4], watches[i].judged_seq);
    }
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    texts[c] = anbu_pg_values_array_finish (columns[c]);
  result = run (self,
                "INSERT INTO routine_watch (household_id, learned_at, quiet_since, watch_at,"
                " judged_seq) SELECT * FROM unnest ($1::text[], $2::bigint[], $3::bigint[],"
                " $4::bigint[], $5::bigint[])"
                " ON CONFLICT (household_id) DO UPDATE"
                " SET learned_at = excluded.learned_at, quiet_since = excluded.quiet_since,"
                " watch_at = excluded.watch_at, judged_seq = excluded.judged_seq",
                G_N_ELEMENTS (texts), (const char * const *) texts, error);
  for (guint c = 0; c < G_N_ELEMENTS (texts); c++)
    g_free (texts[c]);
  return result != NULL;
}

static void
forget_prefetched (AnbuDetectionStore *store)
{
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);

  self->prefetched = FALSE;
  forget_pass_order (self);
}

/* A pass evaluates the households whose facts it just read, in that
 * order: their absences, last events, profiles, unresolved alerts and
 * contact counts are read by blocks of that order when first asked for,
 * instead of a round trip each. Read then, not now: as late as one by
 * one (within the due pass's transaction).
 *
 * Why a signal is raised or closed only on reads made under the store's
 * write lock (anbu_store_begin), in the due pass: between a read before
 * the lock and the lock, another instance may commit readings or activity
 * (plug_live, activity_event: no change number, so the next due pass would
 * not look again) or an absence or visit, and evaluate the household
 * itself under the lock with them; a pass acting on the older facts would
 * then raise a signal that instance rightly did not (an inactivity signal
 * for someone who just switched the TV on), or close one too early. The
 * unresolved alerts must be read under the lock as well, or a signal
 * raised meanwhile elsewhere would be raised a second time. The look at
 * every household (a first pass, a takeover) reads without the lock and
 * only marks what it finds for the due pass that follows, which reads
 * those households again under it (anbu-alert-engine.c). What the lock
 * costs is kept short: one statement for the due households' facts, five
 * per 1,000 households for the rest, and no round trip per household but
 * for the signals written. */
static gboolean
prefetch (AnbuDetectionStore  *store,
          gint64               now,
          const char * const  *household_ids,
          guint                n_households,
          GError             **error)
{
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (store);

  /* A block holds only households that ask: at a million households 70 %
   * were quiet long enough for a routine watch, the others read nothing,
   * and each profile is 1.7 KB and more. */
  remember_ids (self, household_ids, n_households);
  self->prefetched = TRUE;
  self->prefetched_at = now;
  return TRUE;
}

static void
anbu_pg_detection_store_iface_init (AnbuDetectionStoreInterface *iface)
{
  iface->read_facts = read_facts;
  iface->read_facts_of = read_facts_of;
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
  iface->prefetch = prefetch;
  iface->forget_prefetched = forget_prefetched;
}

static void
anbu_pg_detection_store_dispose (GObject *object)
{
  AnbuPgDetectionStore *self = ANBU_PG_DETECTION_STORE (object);

  g_clear_object (&self->store);
  g_clear_object (&self->readings);
  forget_prefetched (ANBU_DETECTION_STORE (self));

  G_OBJECT_CLASS (anbu_pg_detection_store_parent_class)->dispose (object);
}

static void
anbu_pg_detection_store_class_init (AnbuPgDetectionStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = anbu_pg_detection_store_dispose;
}

static void
anbu_pg_detection_store_init (AnbuPgDetectionStore *self)
{
}

AnbuDetectionStore *
anbu_pg_detection_store_new (AnbuPgStore     *store,
                             AnbuReadingLog  *readings,
                             GError         **error)
{
  AnbuPgDetectionStore *self;

  g_return_val_if_fail (ANBU_IS_PG_STORE (store), NULL);
  g_return_val_if_fail (readings == NULL || ANBU_IS_READING_LOG (readings), NULL);

  self = g_object_new (ANBU_TYPE_PG_DETECTION_STORE, NULL);
  self->store = g_object_ref (store);
  self->readings = readings != NULL ? g_object_ref (readings) : NULL;
  return ANBU_DETECTION_STORE (self);
}
