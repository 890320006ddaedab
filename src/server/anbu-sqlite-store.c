/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-store"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "anbu-clock.h"
#include "anbu-alert-engine.h"
#include "anbu-migrations.h"
#include "anbu-server-time.h"
#include "anbu-reading-buckets.h"
#include "anbu-sqlite-store.h"
#include "anbu-telemetry.h"

struct _AnbuSqliteStore
{
  GObject     parent_instance;

  sqlite3    *db;
  GHashTable *statements;   /* SQL text → sqlite3_stmt */
};

static void anbu_sqlite_store_iface_init (AnbuStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AnbuSqliteStore, anbu_sqlite_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ANBU_TYPE_STORE, anbu_sqlite_store_iface_init))

/* Migration 12 for one table that belongs to households: its 동 column,
 * filled from the households, and the triggers that keep it equal to its
 * household's on every insert and on a move to another household. */
#define DEPENDENT_DONG_SQL(table) \
  "ALTER TABLE " table " ADD COLUMN dong_code TEXT;" \
  "UPDATE " table " SET dong_code = (SELECT h.dong_code FROM household h" \
  "  WHERE h.id = " table ".household_id);" \
  "CREATE INDEX " table "_dong ON " table " (dong_code, seq);" \
  "CREATE TRIGGER " table "_dong_insert AFTER INSERT ON " table \
  "  WHEN NEW.dong_code IS NOT (SELECT h.dong_code FROM household h WHERE h.id = NEW.household_id)" \
  "  BEGIN UPDATE " table " SET dong_code = (SELECT h.dong_code FROM household h" \
  "  WHERE h.id = NEW.household_id) WHERE rowid = NEW.rowid; END;" \
  "CREATE TRIGGER " table "_dong_moved AFTER UPDATE OF household_id ON " table \
  "  WHEN NEW.household_id IS NOT OLD.household_id" \
  "  BEGIN UPDATE " table " SET dong_code = (SELECT h.dong_code FROM household h" \
  "  WHERE h.id = NEW.household_id) WHERE rowid = NEW.rowid; END;"

/* Every table that sync carries has id, record (the codec's JSON), version
 * (per record) and seq (a number from one counter shared by all tables,
 * taken anew on every change, so one ordering covers all kinds). */
static const AnbuMigration migrations[] = {
  { 1,
    "CREATE TABLE counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "INSERT INTO counter VALUES ('seq', 0);"
    "CREATE TABLE app_user ("
    "  id TEXT PRIMARY KEY,"
    "  username TEXT NOT NULL UNIQUE,"
    "  display_name TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK (role IN ('planner', 'control', 'admin')),"
    "  dong_codes TEXT NOT NULL DEFAULT '[]',"
    "  password_hash TEXT NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE session ("
    "  token_hash TEXT PRIMARY KEY,"
    "  user_id TEXT NOT NULL REFERENCES app_user (id),"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  revoked_at INTEGER,"
    "  address TEXT);"
    "CREATE INDEX session_user ON session (user_id);"
    "CREATE TABLE household ("
    "  id TEXT PRIMARY KEY,"
    "  dong_code TEXT NOT NULL,"
    "  night_consent INTEGER NOT NULL,"
    "  status TEXT NOT NULL,"
    "  record TEXT NOT NULL,"
    "  field_versions TEXT NOT NULL DEFAULT '{}',"
    "  version INTEGER NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX household_seq ON household (seq);"
    "CREATE INDEX household_dong ON household (dong_code);"
    /* The scope key a household had before a change that moved it out of
     * someone's scope: those who saw it then get a removal. */
    "CREATE TABLE scope_exit ("
    "  seq INTEGER PRIMARY KEY,"
    "  household_id TEXT NOT NULL REFERENCES household (id),"
    "  dong_code TEXT NOT NULL,"
    "  night_consent INTEGER NOT NULL,"
    "  status TEXT NOT NULL);"
    /* Plugs carry room for the live fields that telemetry fills in. */
    "CREATE TABLE plug ("
    "  id TEXT PRIMARY KEY,"
    "  household_id TEXT NOT NULL REFERENCES household (id),"
    "  state TEXT NOT NULL,"
    "  record TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  last_seen_at TEXT,"
    "  last_watts REAL,"
    "  last_lux REAL,"
    "  last_activity_at TEXT);"
    "CREATE INDEX plug_seq ON plug (seq);"
    "CREATE INDEX plug_household ON plug (household_id);"
    "CREATE TABLE alert ("
    "  id TEXT PRIMARY KEY,"
    "  household_id TEXT NOT NULL REFERENCES household (id),"
    "  state TEXT NOT NULL,"
    "  record TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX alert_seq ON alert (seq);"
    "CREATE INDEX alert_household ON alert (household_id);"
    "CREATE TABLE contact ("
    "  id TEXT PRIMARY KEY,"
    "  household_id TEXT NOT NULL REFERENCES household (id),"
    "  record TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX contact_seq ON contact (seq);"
    "CREATE INDEX contact_household ON contact (household_id);"
    "CREATE TABLE visit ("
    "  id TEXT PRIMARY KEY,"
    "  household_id TEXT NOT NULL REFERENCES household (id),"
    "  record TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX visit_seq ON visit (seq);"
    "CREATE INDEX visit_household ON visit (household_id);"
    "CREATE TABLE absence ("
    "  id TEXT PRIMARY KEY,"
    "  household_id TEXT NOT NULL REFERENCES household (id),"
    "  record TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX absence_seq ON absence (seq);"
    "CREATE INDEX absence_household ON absence (household_id);"
    /* Telemetry (filled by the ingest route): a resent reading is the same row. */
    "CREATE TABLE reading ("
    "  serial TEXT NOT NULL,"
    "  ts INTEGER NOT NULL,"
    "  watts REAL,"
    "  lux REAL,"
    "  PRIMARY KEY (serial, ts)) WITHOUT ROWID;"
    "CREATE TABLE mutation ("
    "  id TEXT PRIMARY KEY,"
    "  user_id TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  payload TEXT NOT NULL,"
    "  result TEXT NOT NULL,"
    "  applied_at TEXT NOT NULL);"
    /* 개인정보 접속기록: append only, enforced by the database itself. */
    "CREATE TABLE access_log ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  at TEXT NOT NULL,"
    "  user_id TEXT,"
    "  username TEXT NOT NULL,"
    "  address TEXT NOT NULL,"
    "  method TEXT NOT NULL,"
    "  route TEXT NOT NULL,"
    "  household_id TEXT,"
    "  action TEXT NOT NULL CHECK (action IN ('read', 'write')));"
    "CREATE INDEX access_log_household ON access_log (household_id, id);"
    "CREATE INDEX access_log_user ON access_log (user_id, id);"
    "CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log"
    "  BEGIN SELECT RAISE (ABORT, 'the access log is append-only'); END;"
    "CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log"
    "  BEGIN SELECT RAISE (ABORT, 'the access log is append-only'); END;" },
  /* Telemetry, activity events, plug live fields, gateways (anbu-telemetry.h). */
  { 2, anbu_telemetry_schema_sql },
  /* Routine watch profiles (anbu-alert-engine.h). */
  { 3, anbu_alert_engine_schema_sql },
  { 4, anbu_alert_engine_schema_gaps_sql },
  /* Learned activity detectors, ingest-gap witnesses (anbu-telemetry.h). */
  { 5, anbu_telemetry_schema_witness_sql },
  /* Where a plug's last offline gap began (anbu-telemetry.h). */
  { 6, anbu_telemetry_schema_offline_sql },
  /* Caseload moves (docs/server.md): one household given to one planner,
   * the exit marks that tell the planner who lost it, and the moves
   * themselves, kept for good. */
  { 7,
    "CREATE TABLE household_assignment ("
    "  household_id TEXT PRIMARY KEY REFERENCES household (id),"
    "  planner_id TEXT NOT NULL REFERENCES app_user (id));"
    "ALTER TABLE scope_exit ADD COLUMN assigned_planner TEXT;"
    "ALTER TABLE scope_exit ADD COLUMN lost_by TEXT;"
    "CREATE INDEX scope_exit_lost_by ON scope_exit (lost_by, seq);"
    "CREATE TABLE caseload_move ("
    "  id TEXT PRIMARY KEY,"
    "  dong_code TEXT,"
    "  household_id TEXT,"
    "  from_user TEXT NOT NULL REFERENCES app_user (id),"
    "  to_user TEXT NOT NULL REFERENCES app_user (id),"
    "  effective_at INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  created_by TEXT NOT NULL,"
    "  applied_at INTEGER,"
    "  CHECK ((dong_code IS NULL) <> (household_id IS NULL)));"
    "CREATE INDEX caseload_move_pending ON caseload_move (applied_at, effective_at);"
    /* The history is an audit trail: a move is only ever marked applied. */
    "CREATE TRIGGER caseload_move_no_delete BEFORE DELETE ON caseload_move"
    "  BEGIN SELECT RAISE (ABORT, 'caseload moves are kept'); END;"
    "CREATE TRIGGER caseload_move_only_applied BEFORE UPDATE ON caseload_move"
    "  WHEN OLD.applied_at IS NOT NULL OR NEW.id IS NOT OLD.id OR NEW.dong_code IS NOT OLD.dong_code"
    "    OR NEW.household_id IS NOT OLD.household_id OR NEW.from_user IS NOT OLD.from_user"
    "    OR NEW.to_user IS NOT OLD.to_user OR NEW.effective_at IS NOT OLD.effective_at"
    "    OR NEW.created_at IS NOT OLD.created_at OR NEW.created_by IS NOT OLD.created_by"
    "  BEGIN SELECT RAISE (ABORT, 'caseload moves are kept as made'); END;" },
  /* Readings packed per plug and quarter hour (anbu-reading-buckets.h). */
  { 8, anbu_reading_buckets_schema_sql },
  /* The learned detectors apart from the plugs' live fields. */
  { 9, anbu_telemetry_schema_detector_sql },
  /* Routine profiles of workdays and days off (anbu-alert-engine.h). */
  { 10, anbu_alert_engine_schema_days_off_sql },
  /* A planner's live snapshot reads the households moved to them. */
  { 11, "CREATE INDEX household_assignment_planner ON household_assignment (planner_id);" },
  /* A planner's pull reads their 동's rows only, in change order: what
   * belongs to a household carries the household's 동, kept by triggers
   * whoever writes (a household moving 동 takes its rows along). */
  { 12,
    DEPENDENT_DONG_SQL ("plug")
    DEPENDENT_DONG_SQL ("alert")
    DEPENDENT_DONG_SQL ("contact")
    DEPENDENT_DONG_SQL ("visit")
    DEPENDENT_DONG_SQL ("absence")
    "CREATE INDEX household_dong_seq ON household (dong_code, seq);"
    "DROP INDEX household_dong;"
    "CREATE TRIGGER household_dong_follows AFTER UPDATE OF dong_code ON household"
    "  WHEN NEW.dong_code IS NOT OLD.dong_code BEGIN"
    "  UPDATE plug SET dong_code = NEW.dong_code WHERE household_id = NEW.id;"
    "  UPDATE alert SET dong_code = NEW.dong_code WHERE household_id = NEW.id;"
    "  UPDATE contact SET dong_code = NEW.dong_code WHERE household_id = NEW.id;"
    "  UPDATE visit SET dong_code = NEW.dong_code WHERE household_id = NEW.id;"
    "  UPDATE absence SET dong_code = NEW.dong_code WHERE household_id = NEW.id;"
    "  END;" },
  /* The household a plug, alert or fact belonged to before it moved to
   * another one (kind: AnbuRecordKind), with that household's scope key
   * then: whoever saw it there and cannot see its new household gets a
   * removal, as scope_exit does for households. */
  { 13,
    "CREATE TABLE dependent_exit ("
    "  seq INTEGER PRIMARY KEY,"
    "  kind INTEGER NOT NULL,"
    "  record_id TEXT NOT NULL,"
    "  household_id TEXT NOT NULL REFERENCES household (id),"
    "  dong_code TEXT NOT NULL,"
    "  night_consent INTEGER NOT NULL,"
    "  status TEXT NOT NULL,"
    "  assigned_planner TEXT);"
    "CREATE INDEX dependent_exit_record ON dependent_exit (record_id, seq);" },
  /* The scope check of a planner's pull looks up the household of each
   * plug, alert and fact of their 동. Through the id index and the table
   * that is two descents to random pages per row, which a country-sized
   * database has spread over gigabytes; here the 동's households lie
   * together and the check reads nothing else (planner_dong_changes_sql). */
  { 14, "CREATE INDEX household_dong_scope ON household (dong_code, id, status, night_consent);" },
  /* Routine watches as judged, kept for a restart (anbu-alert-engine.h). */
  { 15, anbu_alert_engine_schema_watch_sql },
};

/* Per kind: the table and the statements that read and write it. */
typedef struct
{
  const char *table;
  const char *load_sql;
  const char *save_sql;
} KindSql;

static const KindSql kind_sql[ANBU_RECORD_N_KINDS] = {
  [ANBU_RECORD_KIND_HOUSEHOLD] = {
    "household",
    "SELECT id, id, record, version, NULL, dong_code, night_consent, status, field_versions,"
    " (SELECT a.planner_id FROM household_assignment a WHERE a.household_id = household.id)"
    " FROM household WHERE id = ?1",
    "INSERT INTO household (id, dong_code, night_consent, status, record, field_versions,"
    " version, seq, updated_at) VALUES (:id, :dong_code, :night_consent, :status, :record,"
    " :field_versions, :version, :seq, :now)"
    " ON CONFLICT (id) DO UPDATE SET dong_code = excluded.dong_code,"
    " night_consent = excluded.night_consent, status = excluded.status,"
    " record = excluded.record, field_versions = excluded.field_versions,"
    " version = excluded.version, seq = excluded.seq, updated_at = excluded.updated_at",
  },
  [ANBU_RECORD_KIND_PLUG] = {
    "plug",
    "SELECT id, household_id, record, version, state, NULL, 0, NULL, NULL, NULL FROM plug WHERE id = ?1",
    "INSERT INTO plug (id, household_id, state, record, version, seq, updated_at)"
    " VALUES (:id, :household_id, :state, :record, :version, :seq, :now)"
    " ON CONFLICT (id) DO UPDATE SET household_id = excluded.household_id,"
    " state = excluded.state, record = excluded.record, version = excluded.version,"
    " seq = excluded.seq, updated_at = excluded.updated_at",
  },
  [ANBU_RECORD_KIND_ALERT] = {
    "alert",
    "SELECT id, household_id, record, version, state, NULL, 0, NULL, NULL, NULL FROM alert WHERE id = ?1",
    "INSERT INTO alert (id, household_id, state, record, version, seq, updated_at)"
    " VALUES (:id, :household_id, :state, :record, :version, :seq, :now)"
    " ON CONFLICT (id) DO UPDATE SET household_id = excluded.household_id,"
    " state = excluded.state, record = excluded.record, version = excluded.version,"
    " seq = excluded.seq, updated_at = excluded.updated_at",
  },
  [ANBU_RECORD_KIND_CONTACT] = {
    "contact",
    "SELECT id, household_id, record, version, NULL, NULL, 0, NULL, NULL, NULL FROM contact WHERE id = ?1",
    "INSERT INTO contact (id, household_id, record, version, seq, updated_at)"
    " VALUES (:id, :household_id, :record, :version, :seq, :now)"
    " ON CONFLICT (id) DO UPDATE SET household_id = excluded.household_id,"
    " record = excluded.record, version = excluded.version,"
    " seq = excluded.seq, updated_at = excluded.updated_at",
  },
  [ANBU_RECORD_KIND_VISIT] = {
    "visit",
    "SELECT id, household_id, record, version, NULL, NULL, 0, NULL, NULL, NULL FROM visit WHERE id = ?1",
    "INSERT INTO visit (id, household_id, record, version, seq, updated_at)"
    " VALUES (:id, :household_id, :record, :version, :seq, :now)"
    " ON CONFLICT (id) DO UPDATE SET household_id = excluded.household_id,"
    " record = excluded.record, version = excluded.version,"
    " seq = excluded.seq, updated_at = excluded.updated_at",
  },
  [ANBU_RECORD_KIND_ABSENCE] = {
    "absence",
    "SELECT id, household_id, record, version, NULL, NULL, 0, NULL, NULL, NULL FROM absence WHERE id = ?1",
    "INSERT INTO absence (id, household_id, record, version, seq, updated_at)"
    " VALUES (:id, :household_id, :record, :version, :seq, :now)"
    " ON CONFLICT (id) DO UPDATE SET household_id = excluded.household_id,"
    " record = excluded.record, version = excluded.version,"
    " seq = excluded.seq, updated_at = excluded.updated_at",
  },
};

/* The planner one household was given to by a move, or NULL. */
#define ASSIGNED_SQL(h) "(SELECT a.planner_id FROM household_assignment a WHERE a.household_id = " h ".id)"

/* Whether household row `h` (its assigned planner: `assigned`) is in the
 * caller's scope (:role, :dongs, :user_id); never NULL, so NOT of it holds
 * for a household without an assigned planner. Removals go only to callers
 * continuing from a cursor: a first pull has nothing to remove. */
#define SCOPE_SQL(h, assigned) \
  "(:role = 'admin' OR (" h ".status <> 'closed' AND ((:role = 'planner' AND (coalesce (" assigned " = :user_id, 0)" \
  " OR (" assigned " IS NULL AND " h ".dong_code IN (SELECT value FROM json_each (:dongs)))))" \
  " OR (:role = 'control' AND " h ".night_consent = 1))))"

/* A plug, alert or fact that moved to another household leaves the
 * caller's scope when they cannot see the household it is in now and
 * could see the household it left, as it was then or as it is now: a
 * household that was out of their sight at the move (given to another
 * planner, its consent withdrawn) and came back brings no removal of its
 * own, and they still hold the record there. Once: a later such mark
 * stands for this one. Only when continuing from a cursor, as for
 * households. The marks after the cursor lead (CROSS JOIN): with few or
 * none of them SQLite would otherwise walk every household of the country
 * and look its records' marks up, on every page. An administrator sees
 * every household, so never loses one: their pages skip the marks. */
#define DEPENDENT_EXIT_SEEN_SQL(x, o) \
  "(" SCOPE_SQL (x, x ".assigned_planner") " OR " SCOPE_SQL (o, ASSIGNED_SQL (o)) ")"

#define DEPENDENT_EXIT_SQL(table, kind) \
  " UNION ALL SELECT x.seq, " kind ", 1, x.record_id, x.household_id, NULL FROM dependent_exit x" \
  " CROSS JOIN " table " t ON t.id = x.record_id CROSS JOIN household h ON h.id = t.household_id" \
  " CROSS JOIN household o ON o.id = x.household_id" \
  " WHERE :since > 0 AND :role <> 'admin' AND x.kind = " kind " AND x.seq > :since AND " DEPENDENT_EXIT_SEEN_SQL ("x", "o") \
  " AND NOT " SCOPE_SQL ("h", ASSIGNED_SQL ("h")) \
  " AND NOT EXISTS (SELECT 1 FROM dependent_exit y JOIN household yo ON yo.id = y.household_id" \
  " WHERE y.record_id = x.record_id AND y.kind = x.kind AND y.seq > x.seq" \
  " AND " DEPENDENT_EXIT_SEEN_SQL ("y", "yo") ")"

#define DEPENDENT_EXITS_SQL \
  DEPENDENT_EXIT_SQL ("plug", "1") \
  DEPENDENT_EXIT_SQL ("alert", "2") \
  DEPENDENT_EXIT_SQL ("contact", "3") \
  DEPENDENT_EXIT_SQL ("visit", "4") \
  DEPENDENT_EXIT_SQL ("absence", "5")

#define DEPENDENT_SQL(table, kind) \
  " UNION ALL SELECT t.seq, " kind ", 0, t.id, t.household_id, t.record FROM " table " t" \
  " JOIN household h ON h.id = t.household_id WHERE t.seq > :since AND " SCOPE_SQL ("h", ASSIGNED_SQL ("h"))

/* A household leaves the caller's scope when its own scope key changed, or
 * when a caseload move took it from them (`lost_by`). */
static const char changes_sql[] =
  "SELECT h.seq, 0, 0, h.id, h.id, h.record FROM household h"
  " WHERE h.seq > :since AND " SCOPE_SQL ("h", ASSIGNED_SQL ("h"))
  " UNION ALL SELECT e.seq, 0, 1, e.household_id, e.household_id, NULL FROM scope_exit e"
  " JOIN household h ON h.id = e.household_id"
  " WHERE :since > 0 AND e.seq > :since AND (" SCOPE_SQL ("e", "e.assigned_planner")
  " OR coalesce (e.lost_by = :user_id, 0)) AND NOT " SCOPE_SQL ("h", ASSIGNED_SQL ("h"))
  DEPENDENT_SQL ("plug", "1")
  DEPENDENT_SQL ("alert", "2")
  DEPENDENT_SQL ("contact", "3")
  DEPENDENT_SQL ("visit", "4")
  DEPENDENT_SQL ("absence", "5")
  DEPENDENT_EXITS_SQL
  " ORDER BY 1 LIMIT :limit";

/* A planner's pull in parts, so that it reads only their own rows however
 * large the database: per 동 of theirs (:dong), the household rows and
 * what belongs to them through the (dong_code, seq) indexes, in change
 * order; the households moved to them one by one through their
 * assignments; and the exit marks when continuing from a cursor. Each
 * part keeps the full scope check, and the parts' first pages are merged
 * into one (anbu_store_merge_changes). */
#define DONG_DEPENDENT_SQL(table, kind) \
  " UNION ALL SELECT t.seq, " kind ", 0, t.id, t.household_id, t.record FROM " table " t" \
  " INDEXED BY " table "_dong JOIN household h INDEXED BY household_dong_scope" \
  " ON h.dong_code = t.dong_code AND h.id = t.household_id" \
  " WHERE t.dong_code = :dong AND t.seq > :since AND " SCOPE_SQL ("h", ASSIGNED_SQL ("h"))

static const char planner_dong_changes_sql[] =
  "SELECT h.seq, 0, 0, h.id, h.id, h.record FROM household h INDEXED BY household_dong_seq"
  " WHERE h.dong_code = :dong AND h.seq > :since AND " SCOPE_SQL ("h", ASSIGNED_SQL ("h"))
  DONG_DEPENDENT_SQL ("plug", "1")
  DONG_DEPENDENT_SQL ("alert", "2")
  DONG_DEPENDENT_SQL ("contact", "3")
  DONG_DEPENDENT_SQL ("visit", "4")
  DONG_DEPENDENT_SQL ("absence", "5")
  " ORDER BY 1 LIMIT :limit";

#define ASSIGNED_DEPENDENT_SQL(table, kind) \
  " UNION ALL SELECT t.seq, " kind ", 0, t.id, t.household_id, t.record" \
  " FROM household_assignment a JOIN household h ON h.id = a.household_id" \
  " JOIN " table " t ON t.household_id = h.id" \
  " WHERE a.planner_id = :user_id AND t.seq > :since AND " SCOPE_SQL ("h", ASSIGNED_SQL ("h"))

static const char planner_assigned_changes_sql[] =
  "SELECT h.seq, 0, 0, h.id, h.id, h.record"
  " FROM household_assignment a JOIN household h ON h.id = a.household_id"
  " WHERE a.planner_id = :user_id AND h.seq > :since AND " SCOPE_SQL ("h", ASSIGNED_SQL ("h"))
  ASSIGNED_DEPENDENT_SQL ("plug", "1")
  ASSIGNED_DEPENDENT_SQL ("alert", "2")
  ASSIGNED_DEPENDENT_SQL ("contact", "3")
  ASSIGNED_DEPENDENT_SQL ("visit", "4")
  ASSIGNED_DEPENDENT_SQL ("absence", "5")
  " ORDER BY 1 LIMIT :limit";

static const char planner_exit_changes_sql[] =
  "SELECT e.seq, 0, 1, e.household_id, e.household_id, NULL FROM scope_exit e"
  " JOIN household h ON h.id = e.household_id"
  " WHERE e.seq > :since AND (" SCOPE_SQL ("e", "e.assigned_planner")
  " OR coalesce (e.lost_by = :user_id, 0)) AND NOT " SCOPE_SQL ("h", ASSIGNED_SQL ("h"))
  DEPENDENT_EXITS_SQL
  " ORDER BY 1 LIMIT :limit";

G_STATIC_ASSERT (ANBU_RECORD_KIND_PLUG == 1 && ANBU_RECORD_KIND_ABSENCE == 5);

gboolean
anbu_sqlite_store_set_error (sqlite3     *db,
                             GError     **error,
                             const char  *what)
{
  int code = sqlite3_extended_errcode (db);

  if (code == SQLITE_CONSTRAINT_PRIMARYKEY || code == SQLITE_CONSTRAINT_UNIQUE)
    g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_EXISTS,
                 "%s: already stored", what);
  /* SQLite rolls the transaction back and stays usable: the same write
   * succeeds once there is space again (tests/server/test-faults.c). */
  else if ((code & 0xff) == SQLITE_FULL)
    g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FULL,
                 "%s: %s", what, sqlite3_errmsg (db));
  else
    g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                 "%s: %s", what, sqlite3_errmsg (db));
  return FALSE;
}

/* A cached statement, reset and with its bindings cleared. */
static sqlite3_stmt *
statement (AnbuSqliteStore  *self,
           const char       *sql,
           GError          **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      anbu_sqlite_store_set_error (self->db, error, "Cannot prepare a statement");
      return NULL;
    }
  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

static void
bind_text (sqlite3_stmt *stmt,
           const char   *name,
           const char   *value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
}

static void
bind_int64 (sqlite3_stmt *stmt,
            const char   *name,
            gint64        value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_int64 (stmt, index, value);
}

static gboolean
step_done (AnbuSqliteStore  *self,
           sqlite3_stmt     *stmt,
           GError          **error,
           const char       *what)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return TRUE;
    }
  anbu_sqlite_store_set_error (self->db, error, what);
  sqlite3_reset (stmt);
  return FALSE;
}

static gboolean
exec (AnbuSqliteStore  *self,
      const char       *sql,
      GError          **error)
{
  sqlite3_stmt *stmt = statement (self, sql, error);

  return stmt != NULL && step_done (self, stmt, error, sql);
}

static char *
now_iso8601 (void)
{
  return anbu_server_time_format (anbu_clock_now_seconds ());
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static gint64
next_seq (AnbuSqliteStore  *self,
          GError          **error)
{
  sqlite3_stmt *stmt = statement (self, "UPDATE counter SET value = value + 1 WHERE name = 'seq'", error);
  gint64 seq = -1;

  if (stmt == NULL || !step_done (self, stmt, error, "Cannot take a change number"))
    return -1;
  stmt = statement (self, "SELECT value FROM counter WHERE name = 'seq'", error);
  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    seq = sqlite3_column_int64 (stmt, 0);
  else
    anbu_sqlite_store_set_error (self->db, error, "Cannot take a change number");
  sqlite3_reset (stmt);
  return seq;
}

static AnbuStoreUser *
user_from_row (sqlite3_stmt *stmt)
{
  AnbuStoreUser *user = g_new0 (AnbuStoreUser, 1);

  user->id = column_dup (stmt, 0);
  user->username = column_dup (stmt, 1);
  user->display_name = column_dup (stmt, 2);
  anbu_user_role_from_string ((const char *) sqlite3_column_text (stmt, 3), &user->role);
  user->dong_codes = anbu_store_strv_from_json ((const char *) sqlite3_column_text (stmt, 4));
  user->password_hash = column_dup (stmt, 5);
  user->disabled = sqlite3_column_int (stmt, 6) != 0;
  return user;
}

static void
bind_scope (sqlite3_stmt    *stmt,
            const AnbuScope *scope)
{
  g_autofree char *dongs = anbu_store_strv_to_json (scope->dong_codes);

  bind_text (stmt, ":role", anbu_user_role_to_string (scope->role));
  bind_text (stmt, ":dongs", dongs);
  bind_text (stmt, ":user_id", scope->user_id);
}

/* Interface implementation */

static gboolean
sqlite_begin (AnbuStore  *store,
              GError    **error)
{
  return exec (ANBU_SQLITE_STORE (store), "BEGIN IMMEDIATE", error);
}

static gboolean
sqlite_commit (AnbuStore  *store,
               GError    **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);

  if (exec (self, "COMMIT", error))
    return TRUE;
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static void
sqlite_rollback (AnbuStore *store)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);

  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

static gboolean
sqlite_savepoint (AnbuStore  *store,
                  GError    **error)
{
  return exec (ANBU_SQLITE_STORE (store), "SAVEPOINT entry", error);
}

static gboolean
sqlite_release (AnbuStore  *store,
                GError    **error)
{
  return exec (ANBU_SQLITE_STORE (store), "RELEASE entry", error);
}

static void
sqlite_rollback_to (AnbuStore *store)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);

  sqlite3_exec (self->db, "ROLLBACK TO entry; RELEASE entry", NULL, NULL, NULL);
}

static gboolean
sqlite_add_user (AnbuStore            *store,
                 const AnbuStoreUser  *user,
                 GError              **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  g_autofree char *now = now_iso8601 ();
  g_autofree char *dongs = anbu_store_strv_to_json (user->dong_codes);
  sqlite3_stmt *stmt = statement (self,
                                  "INSERT INTO app_user (id, username, display_name, role,"
                                  " dong_codes, password_hash, disabled, created_at, updated_at)"
                                  " VALUES (:id, :username, :display_name, :role, :dongs,"
                                  " :hash, :disabled, :now, :now)", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, ":id", user->id);
  bind_text (stmt, ":username", user->username);
  bind_text (stmt, ":display_name", user->display_name);
  bind_text (stmt, ":role", anbu_user_role_to_string (user->role));
  bind_text (stmt, ":dongs", dongs);
  bind_text (stmt, ":hash", user->password_hash);
  bind_int64 (stmt, ":disabled", user->disabled);
  bind_text (stmt, ":now", now);
  return step_done (self, stmt, error, "Cannot add the user");
}

#define USER_COLUMNS "u.id, u.username, u.display_name, u.role, u.dong_codes, u.password_hash, u.disabled"

/* Steps a bound SELECT of USER_COLUMNS and resets it: the user of its first
 * row, or ANBU_STORE_ERROR_NOT_FOUND with `missing` when there is none. */
static AnbuStoreUser *
step_user_row (AnbuSqliteStore  *self,
               sqlite3_stmt     *stmt,
               GError          **error,
               const char       *missing,
               const char       *what)
{
  AnbuStoreUser *user = NULL;
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    user = user_from_row (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error_literal (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND, missing);
  else
    anbu_sqlite_store_set_error (self->db, error, what);
  sqlite3_reset (stmt);
  return user;
}

static AnbuStoreUser *
sqlite_find_user (AnbuStore   *store,
                  const char  *username,
                  const char  *id,
                  GError     **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  sqlite3_stmt *stmt = statement (self,
                                  "SELECT " USER_COLUMNS " FROM app_user u"
                                  " WHERE u.username = :username OR u.id = :id", error);

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, ":username", username);
  bind_text (stmt, ":id", id);
  return step_user_row (self, stmt, error, "No such user", "Cannot read the user");
}

/* Runs a bound UPDATE of one app_user row; a user id that matches no row
 * is ANBU_STORE_ERROR_NOT_FOUND. */
static gboolean
step_user_update (AnbuSqliteStore  *self,
                  sqlite3_stmt     *stmt,
                  GError          **error,
                  const char       *what)
{
  if (!step_done (self, stmt, error, what))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND, "No such user");
      return FALSE;
    }
  return TRUE;
}

static gboolean
sqlite_set_user_password (AnbuStore   *store,
                          const char  *user_id,
                          const char  *password_hash,
                          GError     **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  g_autofree char *now = now_iso8601 ();
  sqlite3_stmt *stmt = statement (self,
                                  "UPDATE app_user SET password_hash = :hash, updated_at = :now"
                                  " WHERE id = :id", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, ":hash", password_hash);
  bind_text (stmt, ":now", now);
  bind_text (stmt, ":id", user_id);
  return step_user_update (self, stmt, error, "Cannot set the password");
}

static gboolean
sqlite_set_user_disabled (AnbuStore   *store,
                          const char  *user_id,
                          gboolean     disabled,
                          GError     **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  g_autofree char *now = now_iso8601 ();
  sqlite3_stmt *stmt = statement (self,
                                  "UPDATE app_user SET disabled = :disabled, updated_at = :now"
                                  " WHERE id = :id", error);

  if (stmt == NULL)
    return FALSE;
  bind_int64 (stmt, ":disabled", disabled);
  bind_text (stmt, ":now", now);
  bind_text (stmt, ":id", user_id);
  return step_user_update (self, stmt, error, "Cannot change the user");
}

static gboolean
sqlite_add_session (AnbuStore   *store,
                    const char  *token_hash,
                    const char  *user_id,
                    gint64       created_at,
                    gint64       expires_at,
                    const char  *address,
                    GError     **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  sqlite3_stmt *stmt = statement (self,
                                  "INSERT INTO session (token_hash, user_id, created_at,"
                                  " expires_at, address) VALUES (:hash, :user, :created,"
                                  " :expires, :address)", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, ":hash", token_hash);
  bind_text (stmt, ":user", user_id);
  bind_int64 (stmt, ":created", created_at);
  bind_int64 (stmt, ":expires", expires_at);
  bind_text (stmt, ":address", address);
  return step_done (self, stmt, error, "Cannot store the session");
}

static AnbuStoreUser *
sqlite_find_session_user (AnbuStore   *store,
                          const char  *token_hash,
                          gint64       now,
                          GError     **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  sqlite3_stmt *stmt = statement (self,
                                  "SELECT " USER_COLUMNS " FROM session s"
                                  " JOIN app_user u ON u.id = s.user_id"
                                  " WHERE s.token_hash = :hash AND s.revoked_at IS NULL"
                                  " AND s.expires_at > :now AND u.disabled = 0", error);

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, ":hash", token_hash);
  bind_int64 (stmt, ":now", now);
  return step_user_row (self, stmt, error, "No such session", "Cannot read the session");
}

static gboolean
sqlite_revoke_sessions (AnbuStore   *store,
                        const char  *token_hash,
                        const char  *user_id,
                        gint64       now,
                        GError     **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  sqlite3_stmt *stmt = statement (self,
                                  "UPDATE session SET revoked_at = :now WHERE revoked_at IS NULL"
                                  " AND (token_hash = :hash OR user_id = :user)", error);

  if (stmt == NULL)
    return FALSE;
  bind_int64 (stmt, ":now", now);
  bind_text (stmt, ":hash", token_hash);
  bind_text (stmt, ":user", user_id);
  return step_done (self, stmt, error, "Cannot revoke the session");
}

static AnbuStoreEntity *
entity_from_row (AnbuRecordKind kind,
                 sqlite3_stmt  *stmt)
{
  AnbuStoreEntity *entity = anbu_store_entity_new (kind);

  entity->id = column_dup (stmt, 0);
  entity->household_id = column_dup (stmt, 1);
  entity->record = column_dup (stmt, 2);
  entity->version = sqlite3_column_int64 (stmt, 3);
  entity->state = column_dup (stmt, 4);
  entity->scope_key.dong_code = column_dup (stmt, 5);
  entity->scope_key.night_consent = sqlite3_column_int (stmt, 6) != 0;
  entity->scope_key.status = column_dup (stmt, 7);
  entity->field_versions = column_dup (stmt, 8);
  entity->scope_key.assigned_planner = column_dup (stmt, 9);
  return entity;
}

static AnbuStoreEntity *
sqlite_load (AnbuStore      *store,
             AnbuRecordKind  kind,
             const char     *id,
             GError        **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  sqlite3_stmt *stmt;
  AnbuStoreEntity *entity = NULL;
  int rc;

  g_return_val_if_fail (kind < ANBU_RECORD_N_KINDS, NULL);

  stmt = statement (self, kind_sql[kind].load_sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    entity = entity_from_row (kind, stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND, "No such %s",
                 anbu_record_kind_to_string (kind));
  else
    anbu_sqlite_store_set_error (self->db, error, "Cannot read a record");
  sqlite3_reset (stmt);
  return entity;
}

/* A household that changed hands: everything that belongs to it gets a new
 * change number after the household's, so whoever gains the household
 * receives its plugs, alerts and facts on their next pull. */
static gboolean
resend_dependents (AnbuSqliteStore  *self,
                   const char       *household_id,
                   GError          **error)
{
  for (guint kind = ANBU_RECORD_KIND_PLUG; kind < ANBU_RECORD_N_KINDS; kind++)
    {
      g_autofree char *select = g_strdup_printf ("SELECT id FROM %s WHERE household_id = ?1"
                                                 " ORDER BY seq", kind_sql[kind].table);
      g_autofree char *update = g_strdup_printf ("UPDATE %s SET seq = ?1 WHERE id = ?2",
                                                 kind_sql[kind].table);
      g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
      sqlite3_stmt *stmt = NULL;
      int rc;

      if (sqlite3_prepare_v2 (self->db, select, -1, &stmt, NULL) != SQLITE_OK)
        return anbu_sqlite_store_set_error (self->db, error, "Cannot list dependents");
      sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_TRANSIENT);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (ids, column_dup (stmt, 0));
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        return anbu_sqlite_store_set_error (self->db, error, "Cannot list dependents");

      if (ids->len == 0)
        continue;
      if (sqlite3_prepare_v2 (self->db, update, -1, &stmt, NULL) != SQLITE_OK)
        return anbu_sqlite_store_set_error (self->db, error, "Cannot resend dependents");
      for (guint i = 0; i < ids->len; i++)
        {
          gint64 seq = next_seq (self, error);

          if (seq < 0)
            {
              sqlite3_finalize (stmt);
              return FALSE;
            }
          sqlite3_reset (stmt);
          sqlite3_bind_int64 (stmt, 1, seq);
          sqlite3_bind_text (stmt, 2, g_ptr_array_index (ids, i), -1, SQLITE_TRANSIENT);
          if (sqlite3_step (stmt) != SQLITE_DONE)
            {
              anbu_sqlite_store_set_error (self->db, error, "Cannot resend dependents");
              sqlite3_finalize (stmt);
              return FALSE;
            }
        }
      sqlite3_finalize (stmt);
    }
  return TRUE;
}

/* The assigned planner is not written by save (reassign_household is), so
 * it is not compared here. */
static gboolean
sqlite_save (AnbuStore        *store,
             AnbuStoreEntity  *entity,
             GError          **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  g_autoptr(AnbuStoreEntity) old = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *now = now_iso8601 ();
  gboolean scope_changed = FALSE;
  sqlite3_stmt *stmt;
  gint64 seq;

  g_return_val_if_fail (entity->kind < ANBU_RECORD_N_KINDS, FALSE);
  g_return_val_if_fail (entity->id != NULL && entity->record != NULL, FALSE);

  old = sqlite_load (store, entity->kind, entity->id, &local_error);
  if (old == NULL && !g_error_matches (local_error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!anbu_store_entity_follows (old, entity, error))
    return FALSE;

  if (entity->kind == ANBU_RECORD_KIND_HOUSEHOLD && old != NULL
      && !anbu_household_scope_key_equal (&old->scope_key, &entity->scope_key))
    {
      sqlite3_stmt *exit_stmt;

      scope_changed = TRUE;
      if ((seq = next_seq (self, error)) < 0)
        return FALSE;
      exit_stmt = statement (self,
                             "INSERT INTO scope_exit (seq, household_id, dong_code,"
                             " night_consent, status, assigned_planner) VALUES (:seq, :id,"
                             " :dong_code, :night_consent, :status, :assigned)", error);
      if (exit_stmt == NULL)
        return FALSE;
      bind_int64 (exit_stmt, ":seq", seq);
      bind_text (exit_stmt, ":id", old->id);
      bind_text (exit_stmt, ":dong_code", old->scope_key.dong_code);
      bind_int64 (exit_stmt, ":night_consent", old->scope_key.night_consent);
      bind_text (exit_stmt, ":status", old->scope_key.status);
      bind_text (exit_stmt, ":assigned", old->scope_key.assigned_planner);
      if (!step_done (self, exit_stmt, error, "Cannot record the scope change"))
        return FALSE;
    }

  /* A plug reinstalled elsewhere, or any record moved to another
   * household: mark the household it leaves, as it is now. */
  if (entity->kind != ANBU_RECORD_KIND_HOUSEHOLD && old != NULL
      && g_strcmp0 (old->household_id, entity->household_id) != 0)
    {
      sqlite3_stmt *exit_stmt;

      if ((seq = next_seq (self, error)) < 0)
        return FALSE;
      exit_stmt = statement (self,
                             "INSERT INTO dependent_exit (seq, kind, record_id, household_id,"
                             " dong_code, night_consent, status, assigned_planner)"
                             " SELECT :seq, :kind, :id, h.id, h.dong_code, h.night_consent, h.status, "
                             ASSIGNED_SQL ("h") " FROM household h WHERE h.id = :household_id", error);
      if (exit_stmt == NULL)
        return FALSE;
      bind_int64 (exit_stmt, ":seq", seq);
      bind_int64 (exit_stmt, ":kind", entity->kind);
      bind_text (exit_stmt, ":id", old->id);
      bind_text (exit_stmt, ":household_id", old->household_id);
      if (!step_done (self, exit_stmt, error, "Cannot record the move"))
        return FALSE;
    }

  if ((seq = next_seq (self, error)) < 0)
    return FALSE;
  stmt = statement (self, kind_sql[entity->kind].save_sql, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, ":id", entity->id);
  bind_text (stmt, ":household_id", entity->household_id);
  bind_text (stmt, ":state", entity->state);
  bind_text (stmt, ":record", entity->record);
  bind_int64 (stmt, ":version", entity->version);
  bind_int64 (stmt, ":seq", seq);
  bind_text (stmt, ":now", now);
  bind_text (stmt, ":dong_code", entity->scope_key.dong_code);
  bind_int64 (stmt, ":night_consent", entity->scope_key.night_consent);
  bind_text (stmt, ":status", entity->scope_key.status);
  bind_text (stmt, ":field_versions", entity->field_versions ? entity->field_versions : "{}");
  if (!step_done (self, stmt, error, "Cannot store the record"))
    return FALSE;

  if (scope_changed)
    return resend_dependents (self, entity->id, error);
  return TRUE;
}

/* Appends the rows of one pull query (at most `limit`) to `changes`. */
static gboolean
read_changes (AnbuSqliteStore  *self,
              const char       *sql,
              const AnbuScope  *scope,
              const char       *dong,
              gint64            since,
              gint64            limit,
              GPtrArray        *changes,
              GError          **error)
{
  sqlite3_stmt *stmt = statement (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_scope (stmt, scope);
  bind_text (stmt, ":dong", dong);
  bind_int64 (stmt, ":since", since);
  bind_int64 (stmt, ":limit", limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AnbuStoreChange *change = g_new0 (AnbuStoreChange, 1);

      change->seq = sqlite3_column_int64 (stmt, 0);
      change->kind = sqlite3_column_int (stmt, 1);
      change->op = sqlite3_column_int (stmt, 2) ? ANBU_CHANGE_REMOVE : ANBU_CHANGE_UPSERT;
      change->id = column_dup (stmt, 3);
      change->household_id = column_dup (stmt, 4);
      change->record = column_dup (stmt, 5);
      g_ptr_array_add (changes, change);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot read changes");
  return TRUE;
}

/* Whether households were moved to planner `user_id` one by one: most
 * planners have none, and their pull then skips that part. 1, 0, or -1
 * on failure. */
static int
has_assigned_households (AnbuSqliteStore  *self,
                         const char       *user_id,
                         GError          **error)
{
  sqlite3_stmt *stmt = statement (self, "SELECT 1 FROM household_assignment WHERE planner_id = ?1"
                                        " LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      anbu_sqlite_store_set_error (self->db, error, "Cannot read the caseload moves");
      return -1;
    }
  return rc == SQLITE_ROW;
}

static GPtrArray *
sqlite_changes (AnbuStore        *store,
                const AnbuScope  *scope,
                gint64            since,
                guint             limit,
                gboolean         *has_more,
                gint64           *next,
                GError          **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_store_change_free);
  gboolean own_transaction = sqlite3_get_autocommit (self->db);
  gint64 last = since;
  int assigned;

  /* One snapshot for the page and the counter read below. */
  if (own_transaction && !exec (self, "BEGIN", error))
    return NULL;

  /* Each part's first limit + 1 rows hold the merged page's. */
  if (scope->role == ANBU_USER_ROLE_PLANNER)
    {
      for (guint i = 0; scope->dong_codes != NULL && scope->dong_codes[i] != NULL; i++)
        if (!read_changes (self, planner_dong_changes_sql, scope, scope->dong_codes[i], since,
                           (gint64) limit + 1, changes, error))
          goto fail;
      if ((assigned = has_assigned_households (self, scope->user_id, error)) < 0
          || (assigned && !read_changes (self, planner_assigned_changes_sql, scope, NULL, since,
                                         (gint64) limit + 1, changes, error))
          || (since > 0 && !read_changes (self, planner_exit_changes_sql, scope, NULL, since,
                                          (gint64) limit + 1, changes, error)))
        goto fail;
    }
  else if (!read_changes (self, changes_sql, scope, NULL, since, (gint64) limit + 1, changes, error))
    goto fail;
  *has_more = anbu_store_merge_changes (changes, limit);
  if (changes->len > 0)
    last = ((AnbuStoreChange *) g_ptr_array_index (changes, changes->len - 1))->seq;

  /* On the last page, skip past everything the caller cannot see. */
  if (!*has_more)
    {
      sqlite3_stmt *counter = statement (self, "SELECT value FROM counter WHERE name = 'seq'", error);

      if (counter == NULL)
        goto fail;
      if (sqlite3_step (counter) == SQLITE_ROW)
        last = MAX (last, sqlite3_column_int64 (counter, 0));
      sqlite3_reset (counter);
    }
  *next = last;

  if (own_transaction && !exec (self, "COMMIT", error))
    goto fail;
  return g_steal_pointer (&changes);

fail:
  if (own_transaction)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return NULL;
}

static AnbuStoredMutation *
sqlite_find_mutation (AnbuStore   *store,
                      const char  *id,
                      GError     **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  sqlite3_stmt *stmt = statement (self,
                                  "SELECT id, user_id, kind, result FROM mutation WHERE id = ?1",
                                  error);
  AnbuStoredMutation *mutation = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      mutation = g_new0 (AnbuStoredMutation, 1);
      mutation->id = column_dup (stmt, 0);
      mutation->user_id = column_dup (stmt, 1);
      mutation->kind = column_dup (stmt, 2);
      mutation->result = column_dup (stmt, 3);
    }
  else if (rc == SQLITE_DONE)
    g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND, "No such mutation");
  else
    anbu_sqlite_store_set_error (self->db, error, "Cannot read the mutation");
  sqlite3_reset (stmt);
  return mutation;
}

static gboolean
sqlite_add_mutation (AnbuStore                 *store,
                     const AnbuStoredMutation  *mutation,
                     GError                   **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  g_autofree char *now = now_iso8601 ();
  sqlite3_stmt *stmt = statement (self,
                                  "INSERT INTO mutation (id, user_id, kind, payload, result, applied_at)"
                                  " VALUES (:id, :user, :kind, :payload, :result, :now)", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, ":id", mutation->id);
  bind_text (stmt, ":user", mutation->user_id);
  bind_text (stmt, ":kind", mutation->kind);
  bind_text (stmt, ":payload", mutation->payload);
  bind_text (stmt, ":result", mutation->result);
  bind_text (stmt, ":now", now);
  return step_done (self, stmt, error, "Cannot record the mutation");
}

/* The batch calls run the single statements: in the process, a prepared
 * statement per row costs a few microseconds, and each row keeps its own
 * errors. */
static GPtrArray *
sqlite_find_mutations (AnbuStore           *store,
                       const char * const  *ids,
                       GError             **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_stored_mutation_free);

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      AnbuStoredMutation *mutation = sqlite_find_mutation (store, ids[i], &local_error);

      if (mutation != NULL)
        g_ptr_array_add (found, mutation);
      else if (!g_error_matches (local_error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  return g_steal_pointer (&found);
}

static GPtrArray *
sqlite_load_many (AnbuStore           *store,
                  AnbuRecordKind       kind,
                  const char * const  *ids,
                  GError             **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_store_entity_free);

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      AnbuStoreEntity *entity = sqlite_load (store, kind, ids[i], &local_error);

      if (entity != NULL)
        g_ptr_array_add (found, entity);
      else if (!g_error_matches (local_error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  return g_steal_pointer (&found);
}

static GPtrArray *sqlite_list_unresolved_alerts (AnbuStore   *store,
                                                 const char  *household_id,
                                                 GError     **error);

static GPtrArray *
sqlite_list_unresolved_alerts_of (AnbuStore           *store,
                                  const char * const  *household_ids,
                                  GError             **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_store_entity_free);

  for (guint i = 0; household_ids != NULL && household_ids[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) alerts = sqlite_list_unresolved_alerts (store, household_ids[i], error);

      if (alerts == NULL)
        return NULL;
      for (guint j = 0; j < alerts->len; j++)
        g_ptr_array_add (found, g_steal_pointer (&alerts->pdata[j]));
    }
  return g_steal_pointer (&found);
}

/* A new fact only: one already stored is an error, never overwritten. */
#define FACT_INSERT(table) \
  "INSERT INTO " table " (id, household_id, record, version, seq, updated_at)" \
  " VALUES (:id, :household_id, :record, :version, :seq, :now)"

static const char *const fact_insert_sql[ANBU_RECORD_N_KINDS] = {
  [ANBU_RECORD_KIND_CONTACT] = FACT_INSERT ("contact"),
  [ANBU_RECORD_KIND_VISIT] = FACT_INSERT ("visit"),
  [ANBU_RECORD_KIND_ABSENCE] = FACT_INSERT ("absence"),
};

static gboolean
sqlite_add_facts (AnbuStore  *store,
                  GPtrArray  *entities,
                  GError    **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  g_autofree char *now = now_iso8601 ();
  sqlite3_stmt *stmt;
  gint64 first;

  /* The change numbers of all of them at once. */
  stmt = statement (self, "UPDATE counter SET value = value + :n WHERE name = 'seq'", error);
  if (stmt == NULL)
    return FALSE;
  bind_int64 (stmt, ":n", entities->len);
  if (!step_done (self, stmt, error, "Cannot take change numbers"))
    return FALSE;
  stmt = statement (self, "SELECT value FROM counter WHERE name = 'seq'", error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return anbu_sqlite_store_set_error (self->db, error, "Cannot take change numbers");
    }
  first = sqlite3_column_int64 (stmt, 0) - entities->len + 1;
  sqlite3_reset (stmt);

  for (guint i = 0; i < entities->len; i++)
    {
      const AnbuStoreEntity *entity = g_ptr_array_index (entities, i);

      stmt = statement (self, fact_insert_sql[entity->kind], error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, ":id", entity->id);
      bind_text (stmt, ":household_id", entity->household_id);
      bind_text (stmt, ":record", entity->record);
      bind_int64 (stmt, ":version", entity->version);
      bind_int64 (stmt, ":seq", first + i);
      bind_text (stmt, ":now", now);
      if (!step_done (self, stmt, error, "Cannot store the record"))
        return FALSE;
    }
  return TRUE;
}

static gboolean
sqlite_add_mutations (AnbuStore  *store,
                      GPtrArray  *mutations,
                      GError    **error)
{
  for (guint i = 0; i < mutations->len; i++)
    if (!sqlite_add_mutation (store, g_ptr_array_index (mutations, i), error))
      return FALSE;
  return TRUE;
}

static gboolean
sqlite_log_access (AnbuStore               *store,
                   const AnbuAccessEntry   *entry,
                   const char * const      *household_ids,
                   GError                 **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  g_autofree char *now = entry->at ? g_strdup (entry->at) : now_iso8601 ();
  gboolean own_transaction = sqlite3_get_autocommit (self->db);
  sqlite3_stmt *stmt;
  guint n = household_ids != NULL ? g_strv_length ((char **) household_ids) : 0;

  /* A read's log lines alone are committed without waiting for the disk
   * (they survive a crash of the server, and the next acknowledged write
   * flushes them); writes log inside their own, fully synced transaction. */
  if (own_transaction
      && (!exec (self, "PRAGMA synchronous = NORMAL", error) || !exec (self, "BEGIN IMMEDIATE", error)))
    goto fail;
  stmt = statement (self,
                    "INSERT INTO access_log (at, user_id, username, address, method, route,"
                    " household_id, action) VALUES (:at, :user_id, :username, :address,"
                    " :method, :route, :household, :action)", error);
  if (stmt == NULL)
    goto fail;
  for (guint i = 0; i < MAX (n, 1); i++)
    {
      sqlite3_reset (stmt);
      bind_text (stmt, ":at", now);
      bind_text (stmt, ":user_id", entry->user_id);
      bind_text (stmt, ":username", entry->username ? entry->username : "");
      bind_text (stmt, ":address", entry->address ? entry->address : "");
      bind_text (stmt, ":method", entry->method);
      bind_text (stmt, ":route", entry->route);
      bind_text (stmt, ":household", n > 0 ? household_ids[i] : NULL);
      bind_text (stmt, ":action", entry->action == ANBU_ACCESS_WRITE ? "write" : "read");
      if (!step_done (self, stmt, error, "Cannot write the access log"))
        goto fail;
    }
  if (own_transaction && !exec (self, "COMMIT", error))
    goto fail;
  if (own_transaction)
    sqlite3_exec (self->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
  return TRUE;

fail:
  if (own_transaction)
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      sqlite3_exec (self->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
    }
  return FALSE;
}

static GPtrArray *
sqlite_list_access (AnbuStore   *store,
                    const char  *household_id,
                    const char  *user_id,
                    GError     **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_access_entry_free);
  sqlite3_stmt *stmt = statement (self,
                                  "SELECT id, at, user_id, username, address, method, route,"
                                  " household_id, action FROM access_log"
                                  " WHERE (:household IS NULL OR household_id = :household)"
                                  " AND (:user IS NULL OR user_id = :user) ORDER BY id", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, ":household", household_id);
  bind_text (stmt, ":user", user_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AnbuAccessEntry *entry = g_new0 (AnbuAccessEntry, 1);

      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->at = column_dup (stmt, 1);
      entry->user_id = column_dup (stmt, 2);
      entry->username = column_dup (stmt, 3);
      entry->address = column_dup (stmt, 4);
      entry->method = column_dup (stmt, 5);
      entry->route = column_dup (stmt, 6);
      entry->household_id = column_dup (stmt, 7);
      entry->action = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 8), "write") == 0
                      ? ANBU_ACCESS_WRITE : ANBU_ACCESS_READ;
      g_ptr_array_add (entries, entry);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      anbu_sqlite_store_set_error (self->db, error, "Cannot read the access log");
      return NULL;
    }
  return g_steal_pointer (&entries);
}

static GPtrArray *
sqlite_list_unresolved_alerts (AnbuStore   *store,
                               const char  *household_id,
                               GError     **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_store_entity_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = statement (self,
                    "SELECT id, household_id, record, version, state, NULL, 0, NULL, NULL, NULL FROM alert"
                    " WHERE household_id = ?1 AND state <> 'resolved' ORDER BY seq", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (alerts, entity_from_row (ANBU_RECORD_KIND_ALERT, stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      anbu_sqlite_store_set_error (self->db, error, "Cannot read alerts");
      return NULL;
    }
  return g_steal_pointer (&alerts);
}

static gboolean
sqlite_set_user_dong_codes (AnbuStore   *store,
                            const char  *user_id,
                            char       **dong_codes,
                            GError     **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  g_autofree char *now = now_iso8601 ();
  g_autofree char *dongs = anbu_store_strv_to_json (dong_codes);
  sqlite3_stmt *stmt = statement (self,
                                  "UPDATE app_user SET dong_codes = :dongs, updated_at = :now"
                                  " WHERE id = :id", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, ":dongs", dongs);
  bind_text (stmt, ":now", now);
  bind_text (stmt, ":id", user_id);
  return step_user_update (self, stmt, error, "Cannot change the user's 동 codes");
}

static gboolean
sqlite_add_caseload_move (AnbuStore               *store,
                          const AnbuCaseloadMove  *move,
                          GError                 **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  sqlite3_stmt *stmt = statement (self,
                                  "INSERT INTO caseload_move (id, dong_code, household_id, from_user,"
                                  " to_user, effective_at, created_at, created_by, applied_at)"
                                  " VALUES (:id, :dong, :household, :from, :to, :effective, :created,"
                                  " :by, NULLIF (:applied, 0))", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, ":id", move->id);
  bind_text (stmt, ":dong", move->dong_code);
  bind_text (stmt, ":household", move->household_id);
  bind_text (stmt, ":from", move->from_user_id);
  bind_text (stmt, ":to", move->to_user_id);
  bind_int64 (stmt, ":effective", move->effective_at);
  bind_int64 (stmt, ":created", move->created_at);
  bind_text (stmt, ":by", move->created_by);
  bind_int64 (stmt, ":applied", move->applied_at);
  return step_done (self, stmt, error, "Cannot record the caseload move");
}

static GPtrArray *
sqlite_list_caseload_moves (AnbuStore  *store,
                            gboolean    pending_only,
                            GError    **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  g_autoptr(GPtrArray) moves = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_caseload_move_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = statement (self,
                    "SELECT id, dong_code, household_id, from_user, to_user, effective_at,"
                    " created_at, created_by, applied_at FROM caseload_move"
                    " WHERE NOT :pending OR applied_at IS NULL"
                    " ORDER BY effective_at, created_at, rowid", error);
  if (stmt == NULL)
    return NULL;
  bind_int64 (stmt, ":pending", pending_only);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AnbuCaseloadMove *move = g_new0 (AnbuCaseloadMove, 1);

      move->id = column_dup (stmt, 0);
      move->dong_code = column_dup (stmt, 1);
      move->household_id = column_dup (stmt, 2);
      move->from_user_id = column_dup (stmt, 3);
      move->to_user_id = column_dup (stmt, 4);
      move->effective_at = sqlite3_column_int64 (stmt, 5);
      move->created_at = sqlite3_column_int64 (stmt, 6);
      move->created_by = column_dup (stmt, 7);
      move->applied_at = sqlite3_column_int64 (stmt, 8);
      g_ptr_array_add (moves, move);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      anbu_sqlite_store_set_error (self->db, error, "Cannot read the caseload moves");
      return NULL;
    }
  return g_steal_pointer (&moves);
}

static gboolean
sqlite_set_caseload_move_applied (AnbuStore   *store,
                                  const char  *move_id,
                                  gint64       applied_at,
                                  GError     **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  sqlite3_stmt *stmt = statement (self,
                                  "UPDATE caseload_move SET applied_at = :applied"
                                  " WHERE id = :id AND applied_at IS NULL", error);

  if (stmt == NULL)
    return FALSE;
  bind_int64 (stmt, ":applied", applied_at);
  bind_text (stmt, ":id", move_id);
  return step_done (self, stmt, error, "Cannot mark the caseload move applied");
}

static GPtrArray *
sqlite_list_dong_households (AnbuStore   *store,
                             const char  *dong_code,
                             GError     **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = statement (self, "SELECT id FROM household WHERE dong_code = ?1 ORDER BY seq", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, dong_code, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, column_dup (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      anbu_sqlite_store_set_error (self->db, error, "Cannot list the households of a 동");
      return NULL;
    }
  return g_steal_pointer (&ids);
}

static gboolean
sqlite_reassign_household (AnbuStore   *store,
                           const char  *household_id,
                           const char  *assigned_planner,
                           const char  *lost_by,
                           GError     **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  sqlite3_stmt *stmt;
  gint64 seq;

  /* The exit mark first: the loser's removal comes before the household
   * reaches its new planner in the one change order. */
  if ((seq = next_seq (self, error)) < 0)
    return FALSE;
  stmt = statement (self,
                    "INSERT INTO scope_exit (seq, household_id, dong_code, night_consent, status,"
                    " assigned_planner, lost_by) SELECT :seq, h.id, h.dong_code, h.night_consent,"
                    " h.status, " ASSIGNED_SQL ("h") ", :lost_by FROM household h WHERE h.id = :id",
                    error);
  if (stmt == NULL)
    return FALSE;
  bind_int64 (stmt, ":seq", seq);
  bind_text (stmt, ":lost_by", lost_by);
  bind_text (stmt, ":id", household_id);
  if (!step_done (self, stmt, error, "Cannot record the caseload move"))
    return FALSE;

  if (assigned_planner != NULL)
    {
      stmt = statement (self,
                        "INSERT INTO household_assignment (household_id, planner_id) VALUES (:id, :planner)"
                        " ON CONFLICT (household_id) DO UPDATE SET planner_id = excluded.planner_id",
                        error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, ":planner", assigned_planner);
    }
  else
    stmt = statement (self, "DELETE FROM household_assignment WHERE household_id = :id", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, ":id", household_id);
  if (!step_done (self, stmt, error, "Cannot assign the household"))
    return FALSE;

  if ((seq = next_seq (self, error)) < 0)
    return FALSE;
  stmt = statement (self, "UPDATE household SET seq = :seq WHERE id = :id", error);
  if (stmt == NULL)
    return FALSE;
  bind_int64 (stmt, ":seq", seq);
  bind_text (stmt, ":id", household_id);
  if (!step_done (self, stmt, error, "Cannot resend the household"))
    return FALSE;
  return resend_dependents (self, household_id, error);
}

/* A household's responsible planners: the one it was given to, or else
 * every planner with its 동. */
#define RESPONSIBLE_SQL \
  "SELECT h.id AS household_id, u.username AS username, u.disabled AS disabled FROM household h" \
  " JOIN app_user u ON u.role = 'planner' AND CASE WHEN " ASSIGNED_SQL ("h") " IS NOT NULL" \
  " THEN u.id = " ASSIGNED_SQL ("h") \
  " ELSE h.dong_code IN (SELECT value FROM json_each (u.dong_codes)) END" \
  " WHERE h.status <> 'closed'"

static GPtrArray *
sqlite_list_orphan_households (AnbuStore  *store,
                               GError    **error)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (store);
  g_autoptr(GPtrArray) orphans = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_orphan_household_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = statement (self,
                    "WITH responsible AS (" RESPONSIBLE_SQL ")"
                    " SELECT h.id, h.dong_code, json_extract (h.record, '$.dong_name'),"
                    " json_extract (h.record, '$.name'),"
                    " (SELECT group_concat (r.username, ',') FROM responsible r WHERE r.household_id = h.id)"
                    " FROM household h WHERE h.status <> 'closed' AND NOT EXISTS"
                    " (SELECT 1 FROM responsible r WHERE r.household_id = h.id AND r.disabled = 0)"
                    " ORDER BY h.dong_code, json_extract (h.record, '$.name'), h.id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AnbuOrphanHousehold *orphan = g_new0 (AnbuOrphanHousehold, 1);

      orphan->household_id = column_dup (stmt, 0);
      orphan->dong_code = column_dup (stmt, 1);
      orphan->dong_name = column_dup (stmt, 2);
      orphan->name = column_dup (stmt, 3);
      orphan->planners = column_dup (stmt, 4);
      g_ptr_array_add (orphans, orphan);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      anbu_sqlite_store_set_error (self->db, error, "Cannot list households without a planner");
      return NULL;
    }
  return g_steal_pointer (&orphans);
}

static void
anbu_sqlite_store_iface_init (AnbuStoreInterface *iface)
{
  iface->begin = sqlite_begin;
  iface->commit = sqlite_commit;
  iface->rollback = sqlite_rollback;
  iface->savepoint = sqlite_savepoint;
  iface->release = sqlite_release;
  iface->rollback_to = sqlite_rollback_to;
  iface->add_user = sqlite_add_user;
  iface->find_user = sqlite_find_user;
  iface->set_user_password = sqlite_set_user_password;
  iface->set_user_disabled = sqlite_set_user_disabled;
  iface->add_session = sqlite_add_session;
  iface->find_session_user = sqlite_find_session_user;
  iface->revoke_sessions = sqlite_revoke_sessions;
  iface->load = sqlite_load;
  iface->save = sqlite_save;
  iface->changes = sqlite_changes;
  iface->find_mutation = sqlite_find_mutation;
  iface->add_mutation = sqlite_add_mutation;
  iface->find_mutations = sqlite_find_mutations;
  iface->load_many = sqlite_load_many;
  iface->list_unresolved_alerts_of = sqlite_list_unresolved_alerts_of;
  iface->add_facts = sqlite_add_facts;
  iface->add_mutations = sqlite_add_mutations;
  iface->log_access = sqlite_log_access;
  iface->list_access = sqlite_list_access;
  iface->list_unresolved_alerts = sqlite_list_unresolved_alerts;
  iface->set_user_dong_codes = sqlite_set_user_dong_codes;
  iface->add_caseload_move = sqlite_add_caseload_move;
  iface->list_caseload_moves = sqlite_list_caseload_moves;
  iface->set_caseload_move_applied = sqlite_set_caseload_move_applied;
  iface->list_dong_households = sqlite_list_dong_households;
  iface->reassign_household = sqlite_reassign_household;
  iface->list_orphan_households = sqlite_list_orphan_households;
}

static void
anbu_sqlite_store_finalize (GObject *object)
{
  AnbuSqliteStore *self = ANBU_SQLITE_STORE (object);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    {
      sqlite3_exec (self->db, "PRAGMA optimize", NULL, NULL, NULL);
      /* _v2: telemetry, detection and the ingest service prepare statements on this
       * connection and may finalize them after the store goes (the ingest service
       * does, in its finalize); plain close would then fail with SQLITE_BUSY and
       * leak the connection. */
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }

  G_OBJECT_CLASS (anbu_sqlite_store_parent_class)->finalize (object);
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
anbu_sqlite_store_class_init (AnbuSqliteStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = anbu_sqlite_store_finalize;
}

static void
anbu_sqlite_store_init (AnbuSqliteStore *self)
{
  self->statements = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, finalize_statement);
}

AnbuStore *
anbu_sqlite_store_open (const char  *path,
                        GError     **error)
{
  g_autoptr(AnbuSqliteStore) self = g_object_new (ANBU_TYPE_SQLITE_STORE, NULL);
  g_autoptr(GError) local_error = NULL;
  char *message = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    {
      g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                   "Cannot open the database %s: %s", path,
                   self->db ? sqlite3_errmsg (self->db) : "out of memory");
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);
  /* synchronous=FULL: a write the server acknowledged survives a power cut. */
  if (sqlite3_exec (self->db,
                    "PRAGMA journal_mode = WAL;"
                    "PRAGMA synchronous = FULL;"
                    "PRAGMA foreign_keys = ON;", NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                   "Cannot configure the database %s: %s", path, message);
      sqlite3_free (message);
      return NULL;
    }

  if (!anbu_reading_buckets_register (self->db))
    {
      g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                   "Cannot register the readings functions: %s", sqlite3_errmsg (self->db));
      return NULL;
    }
  if (!anbu_migrations_apply (self->db, migrations, G_N_ELEMENTS (migrations), &local_error))
    {
      g_set_error (error, ANBU_STORE_ERROR,
                   g_error_matches (local_error, ANBU_MIGRATIONS_ERROR, ANBU_MIGRATIONS_ERROR_TOO_NEW)
                   ? ANBU_STORE_ERROR_TOO_NEW : ANBU_STORE_ERROR_FAILED,
                   "%s", local_error->message);
      return NULL;
    }

  return ANBU_STORE (g_steal_pointer (&self));
}

sqlite3 *
anbu_sqlite_store_get_handle (AnbuSqliteStore *self)
{
  g_return_val_if_fail (ANBU_IS_SQLITE_STORE (self), NULL);
  return self->db;
}

guint
anbu_sqlite_store_get_latest_schema_version (void)
{
  return migrations[G_N_ELEMENTS (migrations) - 1].version;
}
