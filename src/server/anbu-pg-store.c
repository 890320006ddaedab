/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-store"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <gio/gio.h>
#include <libpq-fe.h>

#include "anbu-clock.h"
#include "anbu-pg-lock-keys.h"
#include "anbu-pg-store.h"
#include "anbu-pg-values.h"
#include "anbu-server-time.h"

/* The PostgreSQL backend of AnbuStore: the same tables and semantics as
 * AnbuSqliteStore (anbu-sqlite-store.c), written for PostgreSQL. Every
 * query is parameterised (PQexecParams); parameters travel as text and the
 * SQL casts them, so a parameter a statement does not use costs nothing. */

struct _AnbuPgStore
{
  GObject     parent_instance;

  PGconn     *conn;
  char       *conninfo;
  GHashTable *prepared;          /* SQL text → name of its prepared statement */
  gboolean    transaction_open;  /* between begin and commit or rollback */
};

static void anbu_pg_store_iface_init (AnbuStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AnbuPgStore, anbu_pg_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ANBU_TYPE_STORE, anbu_pg_store_iface_init))

#define TEXT_OID 25
#define MAX_PARAMS 16

/* Every parameter is sent as text and cast in the statement. */
static const Oid text_types[MAX_PARAMS] = {
  TEXT_OID, TEXT_OID, TEXT_OID, TEXT_OID, TEXT_OID, TEXT_OID, TEXT_OID, TEXT_OID,
  TEXT_OID, TEXT_OID, TEXT_OID, TEXT_OID, TEXT_OID, TEXT_OID, TEXT_OID, TEXT_OID,
};

/* Serialises writers the way SQLite's BEGIN IMMEDIATE does, across every
 * instance on the database: a push reads a record and writes it back in
 * one transaction, and no other writer may slip in between. */
#define WRITE_LOCK_KEY ANBU_PG_LOCK_STORE_WRITE
/* Taken while the schema is brought up to date, so two instances starting
 * at once do not both migrate. */
#define MIGRATION_LOCK_KEY ANBU_PG_LOCK_STORE_MIGRATION

/* Step 2 for one table that belongs to households: its 동 column, filled
 * from the households, and the trigger that sets it from its household on
 * every insert and on a move to another household. */
#define DEPENDENT_DONG_SQL(table) \
  "ALTER TABLE " table " ADD COLUMN dong_code text;" \
  "UPDATE " table " t SET dong_code = h.dong_code FROM household h WHERE h.id = t.household_id;" \
  "CREATE INDEX " table "_dong ON " table " (dong_code, seq);" \
  "CREATE TRIGGER " table "_dong_code BEFORE INSERT OR UPDATE OF household_id ON " table \
  "  FOR EACH ROW EXECUTE FUNCTION dong_code_of_household ();"

/* Forward-only schema steps, numbered from 1 without gaps; the version in
 * anbu_schema is the number of the last one applied. The SQLite store's
 * steps are numbered on their own: the two schemas hold the same things,
 * each in its engine's types. */
static const char *const migrations[] = {
  /* 1: users, sessions, records and their change order, pushes, the
   * access log and caseload moves. */
  "CREATE TABLE counter (name text PRIMARY KEY, value bigint NOT NULL);"
  "INSERT INTO counter VALUES ('seq', 0);"
  "CREATE TABLE app_user ("
  "  id text PRIMARY KEY,"
  "  username text NOT NULL UNIQUE,"
  "  display_name text NOT NULL,"
  "  role text NOT NULL CHECK (role IN ('planner', 'control', 'admin')),"
  "  dong_codes jsonb NOT NULL DEFAULT '[]',"
  "  password_hash text NOT NULL,"
  "  disabled boolean NOT NULL DEFAULT false,"
  "  created_at timestamptz NOT NULL,"
  "  updated_at timestamptz NOT NULL);"
  "CREATE TABLE session ("
  "  token_hash text PRIMARY KEY,"
  "  user_id text NOT NULL REFERENCES app_user (id),"
  "  created_at bigint NOT NULL,"
  "  expires_at bigint NOT NULL,"
  "  revoked_at bigint,"
  "  address text);"
  "CREATE INDEX session_by_user ON session (user_id);"
  "CREATE TABLE household ("
  "  id text PRIMARY KEY,"
  "  dong_code text NOT NULL,"
  "  night_consent boolean NOT NULL,"
  "  status text NOT NULL,"
  "  record text NOT NULL,"
  "  field_versions text NOT NULL DEFAULT '{}',"
  "  version bigint NOT NULL,"
  "  seq bigint NOT NULL,"
  "  updated_at timestamptz NOT NULL);"
  "CREATE INDEX household_seq ON household (seq);"
  "CREATE INDEX household_dong ON household (dong_code);"
  "CREATE TABLE household_assignment ("
  "  household_id text PRIMARY KEY REFERENCES household (id),"
  "  planner_id text NOT NULL REFERENCES app_user (id));"
  "CREATE TABLE scope_exit ("
  "  seq bigint PRIMARY KEY,"
  "  household_id text NOT NULL REFERENCES household (id),"
  "  dong_code text NOT NULL,"
  "  night_consent boolean NOT NULL,"
  "  status text NOT NULL,"
  "  assigned_planner text,"
  "  lost_by text);"
  "CREATE INDEX scope_exit_lost_by ON scope_exit (lost_by, seq);"
  "CREATE TABLE plug ("
  "  id text PRIMARY KEY,"
  "  household_id text NOT NULL REFERENCES household (id),"
  "  state text NOT NULL,"
  "  record text NOT NULL,"
  "  version bigint NOT NULL,"
  "  seq bigint NOT NULL,"
  "  updated_at timestamptz NOT NULL);"
  "CREATE INDEX plug_seq ON plug (seq);"
  "CREATE INDEX plug_household ON plug (household_id);"
  "CREATE TABLE alert ("
  "  id text PRIMARY KEY,"
  "  household_id text NOT NULL REFERENCES household (id),"
  "  state text NOT NULL,"
  "  record text NOT NULL,"
  "  version bigint NOT NULL,"
  "  seq bigint NOT NULL,"
  "  updated_at timestamptz NOT NULL);"
  "CREATE INDEX alert_seq ON alert (seq);"
  "CREATE INDEX alert_household ON alert (household_id);"
  "CREATE TABLE contact ("
  "  id text PRIMARY KEY,"
  "  household_id text NOT NULL REFERENCES household (id),"
  "  record text NOT NULL,"
  "  version bigint NOT NULL,"
  "  seq bigint NOT NULL,"
  "  updated_at timestamptz NOT NULL);"
  "CREATE INDEX contact_seq ON contact (seq);"
  "CREATE INDEX contact_household ON contact (household_id);"
  "CREATE TABLE visit ("
  "  id text PRIMARY KEY,"
  "  household_id text NOT NULL REFERENCES household (id),"
  "  record text NOT NULL,"
  "  version bigint NOT NULL,"
  "  seq bigint NOT NULL,"
  "  updated_at timestamptz NOT NULL);"
  "CREATE INDEX visit_seq ON visit (seq);"
  "CREATE INDEX visit_household ON visit (household_id);"
  "CREATE TABLE absence ("
  "  id text PRIMARY KEY,"
  "  household_id text NOT NULL REFERENCES household (id),"
  "  record text NOT NULL,"
  "  version bigint NOT NULL,"
  "  seq bigint NOT NULL,"
  "  updated_at timestamptz NOT NULL);"
  "CREATE INDEX absence_seq ON absence (seq);"
  "CREATE INDEX absence_household ON absence (household_id);"
  "CREATE TABLE mutation ("
  "  id text PRIMARY KEY,"
  "  user_id text NOT NULL,"
  "  kind text NOT NULL,"
  "  payload text NOT NULL,"
  "  result text NOT NULL,"
  "  applied_at timestamptz NOT NULL);"
  /* 개인정보 접속기록: append only, enforced by the database itself. */
  "CREATE TABLE access_log ("
  "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
  "  at timestamptz NOT NULL,"
  "  user_id text,"
  "  username text NOT NULL,"
  "  address text NOT NULL,"
  "  method text NOT NULL,"
  "  route text NOT NULL,"
  "  household_id text,"
  "  action text NOT NULL CHECK (action IN ('read', 'write')));"
  "CREATE INDEX access_log_household ON access_log (household_id, id);"
  "CREATE INDEX access_log_user ON access_log (user_id, id);"
  "CREATE FUNCTION access_log_append_only () RETURNS trigger LANGUAGE plpgsql AS"
  "  $$ BEGIN RAISE EXCEPTION 'the access log is append-only'; END $$;"
  "CREATE TRIGGER access_log_no_change BEFORE UPDATE OR DELETE ON access_log"
  "  FOR EACH ROW EXECUTE FUNCTION access_log_append_only ();"
  "CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log"
  "  FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only ();"
  /* `ordinal` is the insertion order SQLite's rowid gives. */
  "CREATE TABLE caseload_move ("
  "  id text PRIMARY KEY,"
  "  ordinal bigint GENERATED ALWAYS AS IDENTITY,"
  "  dong_code text,"
  "  household_id text,"
  "  from_user text NOT NULL REFERENCES app_user (id),"
  "  to_user text NOT NULL REFERENCES app_user (id),"
  "  effective_at bigint NOT NULL,"
  "  created_at bigint NOT NULL,"
  "  created_by text NOT NULL,"
  "  applied_at bigint,"
  "  CHECK ((dong_code IS NULL) <> (household_id IS NULL)));"
  "CREATE INDEX caseload_move_pending ON caseload_move (applied_at, effective_at);"
  /* The history is an audit trail: a move is only ever marked applied. */
  "CREATE FUNCTION caseload_move_kept () RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
  "  IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'caseload moves are kept'; END IF;"
  "  IF OLD.applied_at IS NOT NULL OR (NEW.id, NEW.dong_code, NEW.household_id, NEW.from_user,"
  "      NEW.to_user, NEW.effective_at, NEW.created_at, NEW.created_by)"
  "      IS DISTINCT FROM (OLD.id, OLD.dong_code, OLD.household_id, OLD.from_user,"
  "      OLD.to_user, OLD.effective_at, OLD.created_at, OLD.created_by) THEN"
  "    RAISE EXCEPTION 'caseload moves are kept as made';"
  "  END IF;"
  "  RETURN NEW; END $$;"
  "CREATE TRIGGER caseload_move_kept BEFORE UPDATE OR DELETE ON caseload_move"
  "  FOR EACH ROW EXECUTE FUNCTION caseload_move_kept ();",
  /* 2: sign-in attempts, shared by every instance (anbu-pg-throttle-ledger.c).
   * Unlogged: after a crash the throttle starts afresh, and a flood of
   * failed sign-ins writes no WAL. `forget_after` is when a row stops
   * mattering (its window and lock are over). */
  "CREATE UNLOGGED TABLE sign_in_attempts ("
  "  scope text NOT NULL,"
  "  key text NOT NULL,"
  "  failures integer NOT NULL,"
  "  first_failure bigint NOT NULL,"
  "  locked_until bigint NOT NULL,"
  "  forget_after bigint NOT NULL,"
  "  PRIMARY KEY (scope, key));"
  "CREATE INDEX sign_in_attempts_forget ON sign_in_attempts (forget_after);",
  /* 3: a planner's pull reads their 동's rows only, in change order: what
   * belongs to a household carries the household's 동, kept by triggers
   * whoever writes (a household moving 동 takes its rows along). */
  "CREATE FUNCTION dong_code_of_household () RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
  "  NEW.dong_code := (SELECT h.dong_code FROM household h WHERE h.id = NEW.household_id);"
  "  RETURN NEW; END $$;"
  DEPENDENT_DONG_SQL ("plug")
  DEPENDENT_DONG_SQL ("alert")
  DEPENDENT_DONG_SQL ("contact")
  DEPENDENT_DONG_SQL ("visit")
  DEPENDENT_DONG_SQL ("absence")
  "CREATE INDEX household_dong_seq ON household (dong_code, seq);"
  "DROP INDEX household_dong;"
  "CREATE FUNCTION household_dong_follows () RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
  "  UPDATE plug SET dong_code = NEW.dong_code WHERE household_id = NEW.id;"
  "  UPDATE alert SET dong_code = NEW.dong_code WHERE household_id = NEW.id;"
  "  UPDATE contact SET dong_code = NEW.dong_code WHERE household_id = NEW.id;"
  "  UPDATE visit SET dong_code = NEW.dong_code WHERE household_id = NEW.id;"
  "  UPDATE absence SET dong_code = NEW.dong_code WHERE household_id = NEW.id;"
  "  RETURN NULL; END $$;"
  "CREATE TRIGGER household_dong_follows AFTER UPDATE OF dong_code ON household"
  "  FOR EACH ROW WHEN (NEW.dong_code IS DISTINCT FROM OLD.dong_code)"
  "  EXECUTE FUNCTION household_dong_follows ();",
  /* 4: the control centre's pull walks the households it may see in
   * change order (control_changes_sql). */
  "CREATE INDEX household_night_seq ON household (seq)"
  "  WHERE night_consent AND status <> 'closed';",
  /* 5: telemetry (anbu-telemetry.h) and routine profiles
   * (anbu-alert-engine.h): the SQLite tables column for column (after all
   * their SQLite steps), Unix seconds as bigint, blobs as bytea, so one
   * query text mostly serves both engines and `migrate` copies row by row.
   * The plug's live fields are timestamps, as its other times here. */
  "CREATE TABLE gateway ("
  "  id text PRIMARY KEY,"
  "  name text NOT NULL UNIQUE,"
  "  token_hash text NOT NULL UNIQUE,"
  "  created_at bigint NOT NULL,"
  "  disabled integer NOT NULL DEFAULT 0);"
  "CREATE TABLE plug_live ("
  "  serial text PRIMARY KEY,"
  "  household_id text NOT NULL,"
  "  last_seen_at bigint NOT NULL,"
  "  last_watts double precision NOT NULL,"
  "  last_lux double precision NOT NULL,"
  "  last_activity_at bigint,"
  "  online_since bigint NOT NULL,"
  "  gateway_id text,"
  "  unobserved_mark bigint NOT NULL DEFAULT 0,"
  "  offline_from bigint NOT NULL DEFAULT 0);"
  "CREATE INDEX plug_live_household ON plug_live (household_id);"
  "CREATE TABLE activity_event ("
  "  serial text NOT NULL,"
  "  ts bigint NOT NULL,"
  "  kind integer NOT NULL,"
  "  magnitude double precision NOT NULL,"
  "  PRIMARY KEY (serial, ts, kind));"
  "CREATE TABLE ingest_witness ("
  "  id text PRIMARY KEY,"
  "  last_reading_at bigint NOT NULL DEFAULT 0,"
  "  unobserved bigint NOT NULL DEFAULT 0,"
  "  plugs bigint NOT NULL DEFAULT 0,"
  "  alive_at bigint NOT NULL DEFAULT 0,"
  "  down_from bigint NOT NULL DEFAULT 0,"
  "  down_to bigint NOT NULL DEFAULT 0);"
  "CREATE TABLE plug_detector ("
  "  serial text PRIMARY KEY,"
  "  detector bytea NOT NULL);"
  "CREATE TABLE routine_profile ("
  "  household_id text PRIMARY KEY,"
  "  learned_at bigint NOT NULL,"
  "  observed_days double precision NOT NULL,"
  "  ready integer NOT NULL,"
  "  usual_quiet bytea NOT NULL,"
  "  params text NOT NULL,"
  "  gaps bytea,"
  "  covered_until bigint,"
  "  workday_quiet bytea,"
  "  day_off_quiet bytea);"
  "ALTER TABLE plug ADD COLUMN last_seen_at timestamptz,"
  "  ADD COLUMN last_watts double precision,"
  "  ADD COLUMN last_lux double precision,"
  "  ADD COLUMN last_activity_at timestamptz;",
  /* 6: the household a plug, alert or fact belonged to before it moved to
   * another one (kind: AnbuRecordKind), with that household's scope key
   * then: whoever saw it there and cannot see its new household gets a
   * removal, as scope_exit does for households. */
  "CREATE TABLE dependent_exit ("
  "  seq bigint PRIMARY KEY,"
  "  kind integer NOT NULL,"
  "  record_id text NOT NULL,"
  "  household_id text NOT NULL REFERENCES household (id),"
  "  dong_code text NOT NULL,"
  "  night_consent boolean NOT NULL,"
  "  status text NOT NULL,"
  "  assigned_planner text);"
  "CREATE INDEX dependent_exit_record ON dependent_exit (record_id, seq);",
  /* 7: routine watches as judged (anbu-alert-engine.h), so an instance
   * taking over the timer pass keeps what the last one judged. */
  "CREATE TABLE routine_watch ("
  "  household_id text PRIMARY KEY,"
  "  learned_at bigint NOT NULL,"
  "  quiet_since bigint NOT NULL,"
  "  watch_at bigint NOT NULL,"
  "  judged_seq bigint NOT NULL);",
};

/* Per kind: the table and the statements that read and write it. Loads
 * select id, household id, record, version, state, then for households
 * the scope key (dong code, consent, status), field versions and the
 * assigned planner. Saves take $1 id, $2 household id, $3 state,
 * $4 record, $5 version, $6 seq, $7 now, $8 dong code, $9 consent,
 * $10 status, $11 field versions. */
typedef struct
{
  const char *table;
  const char *load_sql;
  const char *save_sql;
} KindSql;

#define DEPENDENT_LOAD(table) \
  "SELECT id, household_id, record, version, state, NULL, false, NULL, NULL, NULL FROM " table \
  " WHERE id = $1::text"
#define FACT_LOAD(table) \
  "SELECT id, household_id, record, version, NULL, NULL, false, NULL, NULL, NULL FROM " table \
  " WHERE id = $1::text"
#define STATEFUL_SAVE(table) \
  "INSERT INTO " table " (id, household_id, state, record, version, seq, updated_at)" \
  " VALUES ($1::text, $2::text, $3::text, $4::text, $5::bigint, $6::bigint, $7::timestamptz)" \
  " ON CONFLICT (id) DO UPDATE SET household_id = excluded.household_id," \
  " state = excluded.state, record = excluded.record, version = excluded.version," \
  " seq = excluded.seq, updated_at = excluded.updated_at"
#define FACT_SAVE(table) \
  "INSERT INTO " table " (id, household_id, record, version, seq, updated_at)" \
  " VALUES ($1::text, $2::text, $4::text, $5::bigint, $6::bigint, $7::timestamptz)" \
  " ON CONFLICT (id) DO UPDATE SET household_id = excluded.household_id," \
  " record = excluded.record, version = excluded.version," \
  " seq = excluded.seq, updated_at = excluded.updated_at"

/* The planner one household was given to by a move, or NULL. */
#define ASSIGNED_SQL(h) "(SELECT a.planner_id FROM household_assignment a WHERE a.household_id = " h ".id)"

static const KindSql kind_sql[ANBU_RECORD_N_KINDS] = {
  [ANBU_RECORD_KIND_HOUSEHOLD] = {
    "household",
    "SELECT id, id, record, version, NULL, dong_code, night_consent, status, field_versions, "
    ASSIGNED_SQL ("household") " FROM household WHERE id = $1::text",
    "INSERT INTO household (id, dong_code, night_consent, status, record, field_versions,"
    " version, seq, updated_at) VALUES ($1::text, $8::text, $9::boolean, $10::text, $4::text,"
    " $11::text, $5::bigint, $6::bigint, $7::timestamptz)"
    " ON CONFLICT (id) DO UPDATE SET dong_code = excluded.dong_code,"
    " night_consent = excluded.night_consent, status = excluded.status,"
    " record = excluded.record, field_versions = excluded.field_versions,"
    " version = excluded.version, seq = excluded.seq, updated_at = excluded.updated_at",
  },
  [ANBU_RECORD_KIND_PLUG] = { "plug", DEPENDENT_LOAD ("plug"), STATEFUL_SAVE ("plug") },
  [ANBU_RECORD_KIND_ALERT] = { "alert", DEPENDENT_LOAD ("alert"), STATEFUL_SAVE ("alert") },
  [ANBU_RECORD_KIND_CONTACT] = { "contact", FACT_LOAD ("contact"), FACT_SAVE ("contact") },
  [ANBU_RECORD_KIND_VISIT] = { "visit", FACT_LOAD ("visit"), FACT_SAVE ("visit") },
  [ANBU_RECORD_KIND_ABSENCE] = { "absence", FACT_LOAD ("absence"), FACT_SAVE ("absence") },
};

/* Whether household row `h` (its assigned planner: `assigned`) is in the
 * caller's scope ($1 role, $2 dong codes as a JSON array, $3 user id);
 * never NULL, so NOT of it holds for a household without an assigned
 * planner. */
#define SCOPE_SQL(h, assigned) \
  "($1::text = 'admin' OR (" h ".status <> 'closed' AND (($1::text = 'planner'" \
  " AND (coalesce (" assigned " = $3::text, false)" \
  " OR (" assigned " IS NULL AND " h ".dong_code IN (SELECT jsonb_array_elements_text ($2::jsonb)))))" \
  " OR ($1::text = 'control' AND " h ".night_consent))))"

/* A planner's pull in parts, so that it reads only their own rows however
 * large the database: per 동 of theirs ($6), the household rows and what
 * belongs to them through the (dong_code, seq) indexes, in change order;
 * the households moved to them one by one through their assignments; and
 * the exit marks when continuing from a cursor. Each part keeps the full
 * scope check, and the parts' first pages are merged into one
 * (anbu_store_merge_changes). In the 동 part each table gives its first
 * page on its own: that LIMIT has PostgreSQL walk the index and look up
 * each row's household rather than hash the whole household table. */
#define DONG_DEPENDENT_SQL(table, kind) \
  " UNION ALL (SELECT t.seq, " kind ", 0, t.id, t.household_id, t.record FROM " table " t" \
  " JOIN household h ON h.id = t.household_id" \
  " WHERE t.dong_code = $6::text AND t.seq > $4::bigint AND " SCOPE_SQL ("h", ASSIGNED_SQL ("h")) \
  " ORDER BY t.seq LIMIT $5::bigint)"

static const char planner_dong_changes_sql[] =
  "(SELECT h.seq, 0, 0, h.id, h.id, h.record FROM household h"
  " WHERE h.dong_code = $6::text AND h.seq > $4::bigint AND " SCOPE_SQL ("h", ASSIGNED_SQL ("h"))
  " ORDER BY h.seq LIMIT $5::bigint)"
  DONG_DEPENDENT_SQL ("plug", "1")
  DONG_DEPENDENT_SQL ("alert", "2")
  DONG_DEPENDENT_SQL ("contact", "3")
  DONG_DEPENDENT_SQL ("visit", "4")
  DONG_DEPENDENT_SQL ("absence", "5")
  " ORDER BY 1 LIMIT $5::bigint";

#define ASSIGNED_DEPENDENT_SQL(table, kind) \
  " UNION ALL SELECT t.seq, " kind ", 0, t.id, t.household_id, t.record" \
  " FROM household_assignment a JOIN household h ON h.id = a.household_id" \
  " JOIN " table " t ON t.household_id = h.id" \
  " WHERE a.planner_id = $3::text AND t.seq > $4::bigint AND " SCOPE_SQL ("h", ASSIGNED_SQL ("h"))

static const char planner_assigned_changes_sql[] =
  "SELECT h.seq, 0, 0, h.id, h.id, h.record"
  " FROM household_assignment a JOIN household h ON h.id = a.household_id"
  " WHERE a.planner_id = $3::text AND h.seq > $4::bigint AND " SCOPE_SQL ("h", ASSIGNED_SQL ("h"))
  ASSIGNED_DEPENDENT_SQL ("plug", "1")
  ASSIGNED_DEPENDENT_SQL ("alert", "2")
  ASSIGNED_DEPENDENT_SQL ("contact", "3")
  ASSIGNED_DEPENDENT_SQL ("visit", "4")
  ASSIGNED_DEPENDENT_SQL ("absence", "5")
  " ORDER BY 1 LIMIT $5::bigint";

/* A plug, alert or fact that moved to another household leaves the
 * caller's scope when they cannot see the household it is in now and
 * could see the household it left, as it was then or as it is now: a
 * household that was out of their sight at the move (given to another
 * planner, its consent withdrawn) and came back brings no removal of its
 * own, and they still hold the record there. Once: a later such mark
 * stands for this one. */
#define DEPENDENT_EXIT_SEEN_SQL(x, o) \
  "(" SCOPE_SQL (x, x ".assigned_planner") " OR " SCOPE_SQL (o, ASSIGNED_SQL (o)) ")"

#define DEPENDENT_EXIT_SQL(table, kind) \
  " UNION ALL SELECT x.seq, " kind ", 1, x.record_id, x.household_id, NULL FROM dependent_exit x" \
  " JOIN " table " t ON t.id = x.record_id JOIN household h ON h.id = t.household_id" \
  " JOIN household o ON o.id = x.household_id" \
  " WHERE x.kind = " kind " AND x.seq > $4::bigint AND " DEPENDENT_EXIT_SEEN_SQL ("x", "o") \
  " AND NOT " SCOPE_SQL ("h", ASSIGNED_SQL ("h")) \
  " AND NOT EXISTS (SELECT 1 FROM dependent_exit y JOIN household yo ON yo.id = y.household_id" \
  " WHERE y.record_id = x.record_id AND y.kind = x.kind AND y.seq > x.seq" \
  " AND " DEPENDENT_EXIT_SEEN_SQL ("y", "yo") ")"

static const char exit_changes_sql[] =
  "SELECT e.seq, 0, 1, e.household_id, e.household_id, NULL FROM scope_exit e"
  " JOIN household h ON h.id = e.household_id"
  " WHERE e.seq > $4::bigint AND (" SCOPE_SQL ("e", "e.assigned_planner")
  " OR coalesce (e.lost_by = $3::text, false)) AND NOT " SCOPE_SQL ("h", ASSIGNED_SQL ("h"))
  DEPENDENT_EXIT_SQL ("plug", "1")
  DEPENDENT_EXIT_SQL ("alert", "2")
  DEPENDENT_EXIT_SQL ("contact", "3")
  DEPENDENT_EXIT_SQL ("visit", "4")
  DEPENDENT_EXIT_SQL ("absence", "5")
  " ORDER BY 1 LIMIT $5::bigint";

/* The control centre's and the administrator's pulls in parts the same
 * way ($4 since, $5 limit): each table gives its first page on its own,
 * walking its seq index and looking up each row's household, so a page
 * reads about a page of rows however many households the country has. `filter` repeats the
 * role's scope rule in plain terms (it is what lets PostgreSQL use the
 * partial index household_night_seq for the control centre); the full
 * scope check stays beside it. Removals come from the exit part
 * (exit_changes_sql), only for callers continuing from a cursor (a first
 * pull has nothing to remove), and never for an administrator. */
#define WIDE_PART_SQL(table, kind, filter) \
  " UNION ALL (SELECT t.seq, " kind ", 0, t.id, t.household_id, t.record FROM " table " t" \
  " JOIN household h ON h.id = t.household_id" \
  " WHERE t.seq > $4::bigint AND " filter " AND " SCOPE_SQL ("h", ASSIGNED_SQL ("h")) \
  " ORDER BY t.seq LIMIT $5::bigint)"

#define WIDE_CHANGES_SQL(filter) \
  "(SELECT h.seq, 0, 0, h.id, h.id, h.record FROM household h" \
  " WHERE h.seq > $4::bigint AND " filter " AND " SCOPE_SQL ("h", ASSIGNED_SQL ("h")) \
  " ORDER BY h.seq LIMIT $5::bigint)" \
  WIDE_PART_SQL ("plug", "1", filter) \
  WIDE_PART_SQL ("alert", "2", filter) \
  WIDE_PART_SQL ("contact", "3", filter) \
  WIDE_PART_SQL ("visit", "4", filter) \
  WIDE_PART_SQL ("absence", "5", filter) \
  " ORDER BY 1 LIMIT $5::bigint"

#define CONTROL_FILTER "h.night_consent AND h.status <> 'closed'"

static const char control_changes_sql[] = WIDE_CHANGES_SQL (CONTROL_FILTER);
static const char admin_changes_sql[] = WIDE_CHANGES_SQL ("true");

G_STATIC_ASSERT (ANBU_RECORD_KIND_PLUG == 1 && ANBU_RECORD_KIND_ABSENCE == 5);

/* PostgreSQL's own words after what failed; unique violations and a full
 * disk are told apart like in the SQLite store. */
static void
set_pg_error (AnbuPgStore       *self,
              const PGresult    *result,
              GError           **error,
              const char        *what)
{
  const char *state = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  const char *message = result != NULL ? PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY) : NULL;

  if (message == NULL)
    message = PQerrorMessage (self->conn);
  if (g_strcmp0 (state, "23505") == 0)
    g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_EXISTS, "%s: already stored", what);
  /* disk_full: the statement wrote nothing and the server stays up. */
  else if (g_strcmp0 (state, "53100") == 0)
    g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FULL, "%s: %s", what, message);
  else
    g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED, "%s: %s", what, message);
}

/* A connection that was lost (PostgreSQL restarted, or the session was
 * ended) is made anew before the next statement, but never inside a
 * transaction the caller began: its statements fail until it rolls back,
 * rather than half of it running outside the transaction. */
static void
ensure_connection (AnbuPgStore *self)
{
  if (PQstatus (self->conn) != CONNECTION_BAD || self->transaction_open)
    return;
  g_debug ("Connecting to PostgreSQL again");
  /* Prepared statements belong to the old session. */
  g_hash_table_remove_all (self->prepared);
  PQreset (self->conn);
}

/* The name of `sql`'s prepared statement on this connection, preparing it
 * the first time: a push runs the same few statements hundreds of times,
 * and parsing and planning each anew costs more than running it. */
static const char *
prepare (AnbuPgStore  *self,
         const char   *sql,
         int           n_params,
         GError      **error,
         const char   *what)
{
  const char *name;
  g_autofree char *new_name = NULL;
  PGresult *result;
  gboolean ok;

  ensure_connection (self);
  name = g_hash_table_lookup (self->prepared, sql);
  if (name != NULL)
    return name;
  g_assert (n_params <= MAX_PARAMS);
  new_name = g_strdup_printf ("anbu_%u", g_hash_table_size (self->prepared) + 1);
  result = PQprepare (self->conn, new_name, sql, n_params, text_types);
  ok = PQresultStatus (result) == PGRES_COMMAND_OK;
  if (!ok)
    set_pg_error (self, result, error, what);
  PQclear (result);
  if (!ok)
    return NULL;
  name = new_name;
  g_hash_table_insert (self->prepared, g_strdup (sql), g_steal_pointer (&new_name));
  return name;
}

/* Like query() below, but planned anew for its parameters each time. For a
 * pull part: after five runs PostgreSQL would keep a generic plan, which
 * cannot know how many rows one 동 has, so it reads the whole 동 and sorts
 * it for every page (measured ten times slower than walking the index,
 * bench/bench-country); planning the part costs far less. */
static PGresult *
query_planned (AnbuPgStore        *self,
               const char         *sql,
               int                 n_params,
               const char * const *params,
               GError            **error,
               const char         *what)
{
  PGresult *result;

  g_assert (n_params <= MAX_PARAMS);
  ensure_connection (self);
  result = PQexecParams (self->conn, sql, n_params, text_types, params, NULL, NULL, 0);
  if (PQresultStatus (result) == PGRES_TUPLES_OK)
    return result;
  set_pg_error (self, result, error, what);
  PQclear (result);
  return NULL;
}

/* Runs `sql` with `n_params` text parameters (NULL is SQL NULL): its result
 * when it succeeded, else NULL with `error` set. */
static PGresult *
query (AnbuPgStore        *self,
       const char         *sql,
       int                 n_params,
       const char * const *params,
       GError            **error,
       const char         *what)
{
  const char *name = prepare (self, sql, n_params, error, what);
  PGresult *result;
  ExecStatusType status;

  if (name == NULL)
    return NULL;
  result = PQexecPrepared (self->conn, name, n_params, params, NULL, NULL, 0);
  status = PQresultStatus (result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return result;
  set_pg_error (self, result, error, what);
  PQclear (result);
  return NULL;
}

/* A statement whose rows nobody reads. */
static gboolean
run (AnbuPgStore        *self,
     const char         *sql,
     int                 n_params,
     const char * const *params,
     GError            **error,
     const char         *what)
{
  PGresult *result = query (self, sql, n_params, params, error, what);

  PQclear (result);
  return result != NULL;
}

/* Transaction control and settings: not prepared. */
static gboolean
exec (AnbuPgStore  *self,
      const char   *sql,
      GError      **error)
{
  PGresult *result;
  gboolean ok;

  ensure_connection (self);
  result = PQexec (self->conn, sql);
  ok = PQresultStatus (result) == PGRES_COMMAND_OK || PQresultStatus (result) == PGRES_TUPLES_OK;

  if (!ok)
    set_pg_error (self, result, error, sql);
  PQclear (result);
  return ok;
}

/* Whether a transaction is open (also one that failed and awaits rollback). */
static gboolean
in_transaction (AnbuPgStore *self)
{
  return PQtransactionStatus (self->conn) != PQTRANS_IDLE;
}

static void
exec_quietly (AnbuPgStore *self,
              const char  *sql)
{
  PQclear (PQexec (self->conn, sql));
}

static char *
now_iso8601 (void)
{
  return anbu_server_time_format (anbu_clock_now_seconds ());
}

static char *
int64_text (gint64 value)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

static char *
value_dup (const PGresult *result,
           int             row,
           int             column)
{
  if (PQgetisnull (result, row, column))
    return NULL;
  return g_strdup (PQgetvalue (result, row, column));
}

static gint64
value_int64 (const PGresult *result,
             int             row,
             int             column)
{
  if (PQgetisnull (result, row, column))
    return 0;
  return g_ascii_strtoll (PQgetvalue (result, row, column), NULL, 10);
}

static gboolean
value_bool (const PGresult *result,
            int             row,
            int             column)
{
  const char *text = PQgetvalue (result, row, column);

  return text[0] == 't' || text[0] == '1';
}

/* The next number of the one change order. A counter row, not a sequence:
 * its row lock holds until commit, so change numbers become visible in
 * order and a pull never skips one that commits later. */
static gint64
next_seq (AnbuPgStore  *self,
          GError      **error)
{
  PGresult *result = query (self, "UPDATE counter SET value = value + 1 WHERE name = 'seq' RETURNING value",
                            0, NULL, error, "Cannot take a change number");
  gint64 seq = -1;

  if (result == NULL)
    return -1;
  if (PQntuples (result) == 1)
    seq = value_int64 (result, 0, 0);
  else
    g_set_error_literal (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                         "Cannot take a change number: the counter is missing");
  PQclear (result);
  return seq;
}

#define USER_COLUMNS "u.id, u.username, u.display_name, u.role, u.dong_codes::text, u.password_hash, u.disabled"

static AnbuStoreUser *
user_from_row (const PGresult *result,
               int             row)
{
  AnbuStoreUser *user = g_new0 (AnbuStoreUser, 1);

  user->id = value_dup (result, row, 0);
  user->username = value_dup (result, row, 1);
  user->display_name = value_dup (result, row, 2);
  anbu_user_role_from_string (PQgetvalue (result, row, 3), &user->role);
  user->dong_codes = anbu_store_strv_from_json (PQgetvalue (result, row, 4));
  user->password_hash = value_dup (result, row, 5);
  user->disabled = value_bool (result, row, 6);
  return user;
}

/* The user of a SELECT of USER_COLUMNS, or NOT_FOUND with `missing`. */
static AnbuStoreUser *
query_user (AnbuPgStore        *self,
            const char         *sql,
            int                 n_params,
            const char * const *params,
            GError            **error,
            const char         *missing,
            const char         *what)
{
  PGresult *result = query (self, sql, n_params, params, error, what);
  AnbuStoreUser *user = NULL;

  if (result == NULL)
    return NULL;
  if (PQntuples (result) > 0)
    user = user_from_row (result, 0);
  else
    g_set_error_literal (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND, missing);
  PQclear (result);
  return user;
}

/* An UPDATE of one app_user row; a user id that matches no row is
 * ANBU_STORE_ERROR_NOT_FOUND. */
static gboolean
update_user (AnbuPgStore        *self,
             const char         *sql,
             int                 n_params,
             const char * const *params,
             GError            **error,
             const char         *what)
{
  PGresult *result = query (self, sql, n_params, params, error, what);
  gboolean found;

  if (result == NULL)
    return FALSE;
  found = g_strcmp0 (PQcmdTuples (result), "0") != 0;
  PQclear (result);
  if (!found)
    g_set_error_literal (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND, "No such user");
  return found;
}

static AnbuStoreEntity *
entity_from_row (AnbuRecordKind  kind,
                 const PGresult *result,
                 int             row)
{
  AnbuStoreEntity *entity = anbu_store_entity_new (kind);

  entity->id = value_dup (result, row, 0);
  entity->household_id = value_dup (result, row, 1);
  entity->record = value_dup (result, row, 2);
  entity->version = value_int64 (result, row, 3);
  entity->state = value_dup (result, row, 4);
  entity->scope_key.dong_code = value_dup (result, row, 5);
  entity->scope_key.night_consent = value_bool (result, row, 6);
  entity->scope_key.status = value_dup (result, row, 7);
  entity->field_versions = value_dup (result, row, 8);
  entity->scope_key.assigned_planner = value_dup (result, row, 9);
  return entity;
}

/* Runs `sql`, whose rows carry the columns entity_from_row() reads, and
 * returns them as entities of `kind`; NULL with `error` set when it failed. */
static GPtrArray *
query_entities (AnbuPgStore        *self,
                AnbuRecordKind      kind,
                const char         *sql,
                int                 n_params,
                const char * const *params,
                GError            **error,
                const char         *what)
{
  GPtrArray *entities;
  PGresult *result = query (self, sql, n_params, params, error, what);

  if (result == NULL)
    return NULL;
  entities = g_ptr_array_new_full (PQntuples (result), (GDestroyNotify) anbu_store_entity_free);
  for (int row = 0; row < PQntuples (result); row++)
    g_ptr_array_add (entities, entity_from_row (kind, result, row));
  PQclear (result);
  return entities;
}

/* Interface implementation */

static gboolean
pg_begin (AnbuStore  *store,
          GError    **error)
{
  AnbuPgStore *self = ANBU_PG_STORE (store);

  if (!exec (self, "BEGIN", error))
    return FALSE;
  if (exec (self, "SELECT pg_advisory_xact_lock (" WRITE_LOCK_KEY ")", error))
    {
      self->transaction_open = TRUE;
      return TRUE;
    }
  exec_quietly (self, "ROLLBACK");
  return FALSE;
}

static gboolean
pg_commit (AnbuStore  *store,
           GError    **error)
{
  AnbuPgStore *self = ANBU_PG_STORE (store);
  PGresult *result = PQexec (self->conn, "COMMIT");
  gboolean ok = PQresultStatus (result) == PGRES_COMMAND_OK;

  self->transaction_open = FALSE;

  /* COMMIT of a transaction in which a statement failed answers
   * "ROLLBACK": nothing was written, and the caller must hear it. */
  if (ok && g_strcmp0 (PQcmdStatus (result), "ROLLBACK") == 0)
    {
      g_set_error_literal (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                           "The transaction failed earlier and was rolled back");
      ok = FALSE;
    }
  else if (!ok)
    set_pg_error (self, result, error, "Cannot commit");
  PQclear (result);
  if (!ok && in_transaction (self))
    exec_quietly (self, "ROLLBACK");
  return ok;
}

static void
pg_rollback (AnbuStore *store)
{
  AnbuPgStore *self = ANBU_PG_STORE (store);

  self->transaction_open = FALSE;
  if (in_transaction (self))
    exec_quietly (self, "ROLLBACK");
}

static gboolean
pg_savepoint (AnbuStore  *store,
              GError    **error)
{
  return exec (ANBU_PG_STORE (store), "SAVEPOINT entry", error);
}

static gboolean
pg_release (AnbuStore  *store,
            GError    **error)
{
  return exec (ANBU_PG_STORE (store), "RELEASE SAVEPOINT entry", error);
}

static void
pg_rollback_to (AnbuStore *store)
{
  AnbuPgStore *self = ANBU_PG_STORE (store);

  exec_quietly (self, "ROLLBACK TO SAVEPOINT entry");
  exec_quietly (self, "RELEASE SAVEPOINT entry");
}

static gboolean
pg_add_user (AnbuStore            *store,
             const AnbuStoreUser  *user,
             GError              **error)
{
  AnbuPgStore *self = ANBU_PG_STORE (store);
  g_autofree char *now = now_iso8601 ();
  g_autofree char *dongs = anbu_store_strv_to_json (user->dong_codes);
  const char *params[] = {
    user->id, user->username, user->display_name, anbu_user_role_to_string (user->role),
    dongs, user->password_hash, user->disabled ? "true" : "false", now,
  };

  return run (self,
              "INSERT INTO app_user (id, username, display_name, role, dong_codes, password_hash,"
              " disabled, created_at, updated_at) VALUES ($1::text, $2::text, $3::text, $4::text,"
              " $5::jsonb, $6::text, $7::boolean, $8::timestamptz, $8::timestamptz)",
              G_N_ELEMENTS (params), params, error, "Cannot add the user");
}

static AnbuStoreUser *
pg_find_user (AnbuStore   *store,
              const char  *username,
              const char  *id,
              GError     **error)
{
  const char *params[] = { username, id };

  return query_user (ANBU_PG_STORE (store),
                     "SELECT " USER_COLUMNS " FROM app_user u"
                     " WHERE u.username = $1::text OR u.id = $2::text",
                     G_N_ELEMENTS (params), params, error, "No such user", "Cannot read the user");
}

static gboolean
pg_set_user_password (AnbuStore   *store,
                      const char  *user_id,
                      const char  *password_hash,
                      GError     **error)
{
  g_autofree char *now = now_iso8601 ();
  const char *params[] = { password_hash, now, user_id };

  return update_user (ANBU_PG_STORE (store),
                      "UPDATE app_user SET password_hash = $1::text, updated_at = $2::timestamptz"
                      " WHERE id = $3::text",
                      G_N_ELEMENTS (params), params, error, "Cannot set the password");
}

static gboolean
pg_set_user_disabled (AnbuStore   *store,
                      const char  *user_id,
                      gboolean     disabled,
                      GError     **error)
{
  g_autofree char *now = now_iso8601 ();
  const char *params[] = { disabled ? "true" : "false", now, user_id };

  return update_user (ANBU_PG_STORE (store),
                      "UPDATE app_user SET disabled = $1::boolean, updated_at = $2::timestamptz"
                      " WHERE id = $3::text",
                      G_N_ELEMENTS (params), params, error, "Cannot change the user");
}

static gboolean
pg_add_session (AnbuStore   *store,
                const char  *token_hash,
                const char  *user_id,
                gint64       created_at,
                gint64       expires_at,
                const char  *address,
                GError     **error)
{
  g_autofree char *created = int64_text (created_at);
  g_autofree char *expires = int64_text (expires_at);
  const char *params[] = { token_hash, user_id, created, expires, address };

  return run (ANBU_PG_STORE (store),
              "INSERT INTO session (token_hash, user_id, created_at, expires_at, address)"
              " VALUES ($1::text, $2::text, $3::bigint, $4::bigint, $5::text)",
              G_N_ELEMENTS (params), params, error, "Cannot store the session");
}

static AnbuStoreUser *
pg_find_session_user (AnbuStore   *store,
                      const char  *token_hash,
                      gint64       now,
                      GError     **error)
{
  g_autofree char *now_text = int64_text (now);
  const char *params[] = { token_hash, now_text };

  return query_user (ANBU_PG_STORE (store),
                     "SELECT " USER_COLUMNS " FROM session s JOIN app_user u ON u.id = s.user_id"
                     " WHERE s.token_hash = $1::text AND s.revoked_at IS NULL"
                     " AND s.expires_at > $2::bigint AND NOT u.disabled",
                     G_N_ELEMENTS (params), params, error, "No such session",
                     "Cannot read the session");
}

static gboolean
pg_revoke_sessions (AnbuStore   *store,
                    const char  *token_hash,
                    const char  *user_id,
                    gint64       now,
                    GError     **error)
{
  g_autofree char *now_text = int64_text (now);
  const char *params[] = { now_text, token_hash, user_id };

  return run (ANBU_PG_STORE (store),
              "UPDATE session SET revoked_at = $1::bigint WHERE revoked_at IS NULL"
              " AND (token_hash = $2::text OR user_id = $3::text)",
              G_N_ELEMENTS (params), params, error, "Cannot revoke the session");
}

static AnbuStoreEntity *
pg_load (AnbuStore      *store,
         AnbuRecordKind  kind,
         const char     *id,
         GError        **error)
{
  AnbuPgStore *self = ANBU_PG_STORE (store);
  const char *params[] = { id };
  AnbuStoreEntity *entity = NULL;
  PGresult *result;

  g_return_val_if_fail (kind < ANBU_RECORD_N_KINDS, NULL);

  result = query (self, kind_sql[kind].load_sql, G_N_ELEMENTS (params), params, error,
                  "Cannot read a record");
  if (result == NULL)
    return NULL;
  if (PQntuples (result) > 0)
    entity = entity_from_row (kind, result, 0);
  else
    g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND, "No such %s",
                 anbu_record_kind_to_string (kind));
  PQclear (result);
  return entity;
}

/* A household that changed hands: everything that belongs to it gets a new
 * change number after the household's, so whoever gains the household
 * receives its plugs, alerts and facts on their next pull. */
static gboolean
resend_dependents (AnbuPgStore  *self,
                   const char   *household_id,
                   GError      **error)
{
  for (guint kind = ANBU_RECORD_KIND_PLUG; kind < ANBU_RECORD_N_KINDS; kind++)
    {
      g_autofree char *select = g_strdup_printf ("SELECT id FROM %s WHERE household_id = $1::text"
                                                 " ORDER BY seq", kind_sql[kind].table);
      g_autofree char *update = g_strdup_printf ("UPDATE %s SET seq = $1::bigint WHERE id = $2::text",
                                                 kind_sql[kind].table);
      const char *select_params[] = { household_id };
      PGresult *ids = query (self, select, 1, select_params, error, "Cannot list dependents");

      if (ids == NULL)
        return FALSE;
      for (int row = 0; row < PQntuples (ids); row++)
        {
          gint64 seq = next_seq (self, error);
          g_autofree char *seq_text = NULL;
          const char *update_params[2];

          if (seq < 0)
            {
              PQclear (ids);
              return FALSE;
            }
          seq_text = int64_text (seq);
          update_params[0] = seq_text;
          update_params[1] = PQgetvalue (ids, row, 0);
          if (!run (self, update, 2, update_params, error, "Cannot resend dependents"))
            {
              PQclear (ids);
              return FALSE;
            }
        }
      PQclear (ids);
    }
  return TRUE;
}

/* The assigned planner is not written by save (reassign_household is), so
 * it is not compared here. */
static gboolean
pg_save (AnbuStore        *store,
         AnbuStoreEntity  *entity,
         GError          **error)
{
  AnbuPgStore *self = ANBU_PG_STORE (store);
  g_autoptr(AnbuStoreEntity) old = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *now = now_iso8601 ();
  g_autofree char *seq_text = NULL;
  g_autofree char *version_text = NULL;
  gboolean scope_changed = FALSE;
  gint64 seq;

  g_return_val_if_fail (entity->kind < ANBU_RECORD_N_KINDS, FALSE);
  g_return_val_if_fail (entity->id != NULL && entity->record != NULL, FALSE);

  old = pg_load (store, entity->kind, entity->id, &local_error);
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
      g_autofree char *exit_seq = NULL;
      const char *params[6];

      scope_changed = TRUE;
      if ((seq = next_seq (self, error)) < 0)
        return FALSE;
      exit_seq = int64_text (seq);
      params[0] = exit_seq;
      params[1] = old->id;
      params[2] = old->scope_key.dong_code;
      params[3] = old->scope_key.night_consent ? "true" : "false";
      params[4] = old->scope_key.status;
      params[5] = old->scope_key.assigned_planner;
      if (!run (self,
                "INSERT INTO scope_exit (seq, household_id, dong_code, night_consent, status,"
                " assigned_planner) VALUES ($1::bigint, $2::text, $3::text, $4::boolean, $5::text,"
                " $6::text)", G_N_ELEMENTS (params), params, error,
                "Cannot record the scope change"))
        return FALSE;
    }

  /* A plug reinstalled elsewhere, or any record moved to another
   * household: mark the household it leaves, as it is now. */
  if (entity->kind != ANBU_RECORD_KIND_HOUSEHOLD && old != NULL
      && g_strcmp0 (old->household_id, entity->household_id) != 0)
    {
      g_autofree char *exit_seq = NULL;
      g_autofree char *kind_text = NULL;
      const char *params[4];

      if ((seq = next_seq (self, error)) < 0)
        return FALSE;
      exit_seq = int64_text (seq);
      kind_text = int64_text (entity->kind);
      params[0] = exit_seq;
      params[1] = kind_text;
      params[2] = old->id;
      params[3] = old->household_id;
      if (!run (self,
                "INSERT INTO dependent_exit (seq, kind, record_id, household_id, dong_code,"
                " night_consent, status, assigned_planner) SELECT $1::bigint, $2::integer, $3::text,"
                " h.id, h.dong_code, h.night_consent, h.status, " ASSIGNED_SQL ("h")
                " FROM household h WHERE h.id = $4::text", G_N_ELEMENTS (params), params, error,
                "Cannot record the move"))
        return FALSE;
    }

  if ((seq = next_seq (self, error)) < 0)
    return FALSE;
  seq_text = int64_text (seq);
  version_text = int64_text (entity->version);
  {
    const char *params[] = {
      entity->id, entity->household_id, entity->state, entity->record, version_text, seq_text,
      now, entity->scope_key.dong_code, entity->scope_key.night_consent ? "true" : "false",
      entity->scope_key.status, entity->field_versions ? entity->field_versions : "{}",
    };

    if (!run (self, kind_sql[entity->kind].save_sql, G_N_ELEMENTS (params), params, error,
              "Cannot store the record"))
      return FALSE;
  }

  if (scope_changed)
    return resend_dependents (self, entity->id, error);
  return TRUE;
}

/* Appends the rows of one pull query to `changes`; `params` are role,
 * dong codes, user id, since, limit and, for a 동 part, the 동. */
static gboolean
read_changes (AnbuPgStore  *self,
              const char   *sql,
              int           n_params,
              const char  **params,
              GPtrArray    *changes,
              GError      **error)
{
  PGresult *result = query_planned (self, sql, n_params, params, error, "Cannot read changes");

  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    {
      AnbuStoreChange *change = g_new0 (AnbuStoreChange, 1);

      change->seq = value_int64 (result, row, 0);
      change->kind = (AnbuRecordKind) value_int64 (result, row, 1);
      change->op = value_int64 (result, row, 2) ? ANBU_CHANGE_REMOVE : ANBU_CHANGE_UPSERT;
      change->id = value_dup (result, row, 3);
      change->household_id = value_dup (result, row, 4);
      change->record = value_dup (result, row, 5);
      g_ptr_array_add (changes, change);
    }
  PQclear (result);
  return TRUE;
}

/* Whether households were moved to planner `user_id` one by one: most
 * planners have none, and their pull then skips that part. 1, 0, or -1
 * on failure. */
static int
has_assigned_households (AnbuPgStore  *self,
                         const char   *user_id,
                         GError      **error)
{
  const char *params[] = { user_id };
  PGresult *result = query (self, "SELECT 1 FROM household_assignment WHERE planner_id = $1::text LIMIT 1",
                            1, params, error, "Cannot read the caseload moves");
  int found;

  if (result == NULL)
    return -1;
  found = PQntuples (result) > 0;
  PQclear (result);
  return found;
}

static GPtrArray *
pg_changes (AnbuStore        *store,
            const AnbuScope  *scope,
            gint64            since,
            guint             limit,
            gboolean         *has_more,
            gint64           *next,
            GError          **error)
{
  AnbuPgStore *self = ANBU_PG_STORE (store);
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_store_change_free);
  gboolean own_transaction = !in_transaction (self);
  g_autofree char *dongs = anbu_store_strv_to_json (scope->dong_codes);
  g_autofree char *since_text = int64_text (since);
  g_autofree char *limit_text = int64_text ((gint64) limit + 1);
  const char *params[] = {
    anbu_user_role_to_string (scope->role), dongs, scope->user_id, since_text, limit_text, NULL,
  };
  gint64 last = since;
  int assigned;

  /* One snapshot for the page and the counter read below. */
  if (own_transaction && !exec (self, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", error))
    return NULL;

  /* Each part's first limit + 1 rows hold the merged page's. */
  if (scope->role == ANBU_USER_ROLE_PLANNER)
    {
      for (guint i = 0; scope->dong_codes != NULL && scope->dong_codes[i] != NULL; i++)
        {
          params[5] = scope->dong_codes[i];
          if (!read_changes (self, planner_dong_changes_sql, 6, params, changes, error))
            goto fail;
        }
      if ((assigned = has_assigned_households (self, scope->user_id, error)) < 0
          || (assigned && !read_changes (self, planner_assigned_changes_sql, 5, params, changes, error))
          || (since > 0 && !read_changes (self, exit_changes_sql, 5, params, changes, error)))
        goto fail;
    }
  else if (scope->role == ANBU_USER_ROLE_CONTROL)
    {
      if (!read_changes (self, control_changes_sql, 5, params, changes, error)
          || (since > 0 && !read_changes (self, exit_changes_sql, 5, params, changes, error)))
        goto fail;
    }
  /* Everything is in an administrator's scope: nothing ever leaves it. */
  else if (!read_changes (self, admin_changes_sql, 5, params, changes, error))
    goto fail;
  *has_more = anbu_store_merge_changes (changes, limit);
  if (changes->len > 0)
    last = ((AnbuStoreChange *) g_ptr_array_index (changes, changes->len - 1))->seq;

  /* On the last page, skip past everything the caller cannot see. */
  if (!*has_more)
    {
      PGresult *counter = query (self, "SELECT value FROM counter WHERE name = 'seq'", 0, NULL,
                                 error, "Cannot read the change counter");

      if (counter == NULL)
        goto fail;
      if (PQntuples (counter) == 1)
        last = MAX (last, value_int64 (counter, 0, 0));
      PQclear (counter);
    }
  *next = last;

  if (own_transaction && !exec (self, "COMMIT", error))
    goto fail;
  return g_steal_pointer (&changes);

fail:
  if (own_transaction)
    exec_quietly (self, "ROLLBACK");
  return NULL;
}

static AnbuStoredMutation *
pg_find_mutation (AnbuStore   *store,
                  const char  *id,
                  GError     **error)
{
  AnbuPgStore *self = ANBU_PG_STORE (store);
  const char *params[] = { id };
  AnbuStoredMutation *mutation = NULL;
  PGresult *result = query (self, "SELECT id, user_id, kind, result FROM mutation WHERE id = $1::text",
                            G_N_ELEMENTS (params), params, error, "Cannot read the mutation");

  if (result == NULL)
    return NULL;
  if (PQntuples (result) > 0)
    {
      mutation = g_new0 (AnbuStoredMutation, 1);
      mutation->id = value_dup (result, 0, 0);
      mutation->user_id = value_dup (result, 0, 1);
      mutation->kind = value_dup (result, 0, 2);
      mutation->result = value_dup (result, 0, 3);
    }
  else
    g_set_error_literal (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND, "No such mutation");
  PQclear (result);
  return mutation;
}

static gboolean
pg_add_mutation (AnbuStore                 *store,
                 const AnbuStoredMutation  *mutation,
                 GError                   **error)
{
  g_autofree char *now = now_iso8601 ();
  const char *params[] = {
    mutation->id, mutation->user_id, mutation->kind, mutation->payload, mutation->result, now,
  };

  return run (ANBU_PG_STORE (store),
              "INSERT INTO mutation (id, user_id, kind, payload, result, applied_at)"
              " VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::timestamptz)",
              G_N_ELEMENTS (params), params, error, "Cannot record the mutation");
}

static char *
strv_array (const char * const *strv)
{
  return anbu_pg_values_text_array (strv, strv != NULL ? g_strv_length ((char **) strv) : 0);
}

/* Each batch call is one statement, so one round trip. */
static GPtrArray *
pg_find_mutations (AnbuStore           *store,
                   const char * const  *ids,
                   GError             **error)
{
  AnbuPgStore *self = ANBU_PG_STORE (store);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_stored_mutation_free);
  g_autofree char *array = strv_array (ids);
  const char *params[] = { array };
  /* IN (SELECT unnest): a join the planner runs on the index; "= ANY" of
   * a parameter array compares each row with every id. */
  PGresult *result = query (self, "SELECT id, user_id, kind, result FROM mutation"
                            " WHERE id IN (SELECT unnest ($1::text[]))",
                            G_N_ELEMENTS (params), params, error, "Cannot read the mutations");

  if (result == NULL)
    return NULL;
  for (int row = 0; row < PQntuples (result); row++)
    {
      AnbuStoredMutation *mutation = g_new0 (AnbuStoredMutation, 1);

      mutation->id = value_dup (result, row, 0);
      mutation->user_id = value_dup (result, row, 1);
      mutation->kind = value_dup (result, row, 2);
      mutation->result = value_dup (result, row, 3);
      g_ptr_array_add (found, mutation);
    }
  PQclear (result);
  return g_steal_pointer (&found);
}

static GPtrArray *
pg_load_many (AnbuStore           *store,
              AnbuRecordKind       kind,
              const char * const  *ids,
              GError             **error)
{
  AnbuPgStore *self = ANBU_PG_STORE (store);
  const char *one = kind_sql[kind].load_sql;
  const char *where = strstr (one, " WHERE id = $1::text");
  g_autofree char *sql = NULL;
  g_autofree char *array = strv_array (ids);
  const char *params[] = { array };

  /* The load of one record, for a list of ids. */
  g_assert (where != NULL && where[strlen (" WHERE id = $1::text")] == '\0');
  sql = g_strdup_printf ("%.*s WHERE id IN (SELECT unnest ($1::text[]))", (int) (where - one), one);
  return query_entities (self, kind, sql, G_N_ELEMENTS (params), params, error, "Cannot read records");
}

static GPtrArray *
pg_list_unresolved_alerts_of (AnbuStore           *store,
                              const char * const  *household_ids,
                              GError             **error)
{
  AnbuPgStore *self = ANBU_PG_STORE (store);
  g_autofree char *array = strv_array (household_ids);
  const char *params[] = { array };

  return query_entities (self, ANBU_RECORD_KIND_ALERT,
                         "SELECT id, household_id, record, version, state, NULL, false, NULL, NULL,"
                         " NULL FROM alert WHERE household_id IN (SELECT unnest ($1::text[])) AND state <> 'resolved'"
                         " ORDER BY household_id, seq",
                         G_N_ELEMENTS (params), params, error, "Cannot read alerts");
}

static gboolean
pg_add_facts (AnbuStore  *store,
              GPtrArray  *entities,
              GError    **error)
{
  AnbuPgStore *self = ANBU_PG_STORE (store);
  g_autofree char *now = now_iso8601 ();
  g_autofree char *count = int64_text (entities->len);
  const char *counter_params[] = { count };
  PGresult *result;
  gint64 first;

  /* The change numbers of all of them at once; the counter row stays
   * locked until commit, as for one (next_seq). */
  result = query (self, "UPDATE counter SET value = value + $1::bigint WHERE name = 'seq' RETURNING value",
                  G_N_ELEMENTS (counter_params), counter_params, error, "Cannot take change numbers");
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1)
    {
      PQclear (result);
      g_set_error_literal (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                           "Cannot take change numbers: the counter is missing");
      return FALSE;
    }
  first = value_int64 (result, 0, 0) - entities->len + 1;
  PQclear (result);

  /* One statement per kind; a fact already stored fails it whole. */
  for (AnbuRecordKind kind = ANBU_RECORD_KIND_CONTACT; kind <= ANBU_RECORD_KIND_ABSENCE; kind++)
    {
      g_autoptr(GPtrArray) ids = g_ptr_array_new ();
      g_autoptr(GPtrArray) households = g_ptr_array_new ();
      g_autoptr(GPtrArray) records = g_ptr_array_new ();
      g_autoptr(GPtrArray) seqs = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *ids_array = NULL;
      g_autofree char *households_array = NULL;
      g_autofree char *records_array = NULL;
      g_autofree char *seqs_array = NULL;
      g_autofree char *sql = NULL;
      const char *params[5];

      for (guint i = 0; i < entities->len; i++)
        {
          const AnbuStoreEntity *entity = g_ptr_array_index (entities, i);

          if (entity->kind != kind)
            continue;
          g_ptr_array_add (ids, entity->id);
          g_ptr_array_add (households, entity->household_id);
          g_ptr_array_add (records, entity->record);
          g_ptr_array_add (seqs, int64_text (first + i));
        }
      if (ids->len == 0)
        continue;
      ids_array = anbu_pg_values_text_array ((const char * const *) ids->pdata,
                                             ids->len);
      households_array = anbu_pg_values_text_array ((const char * const *) households->pdata,
                                                    households->len);
      records_array = anbu_pg_values_text_array ((const char * const *) records->pdata,
                                                 records->len);
      seqs_array = anbu_pg_values_text_array ((const char * const *) seqs->pdata,
                                              seqs->len);
      params[0] = ids_array;
      params[1] = households_array;
      params[2] = records_array;
      params[3] = seqs_array;
      params[4] = now;
      sql = g_strdup_printf ("INSERT INTO %s (id, household_id, record, version, seq, updated_at)"
                             " SELECT x.id, x.household_id, x.record, 1, x.seq, $5::timestamptz"
                             " FROM unnest ($1::text[], $2::text[], $3::text[], $4::bigint[])"
                             " AS x (id, household_id, record, seq)", kind_sql[kind].table);
      if (!run (self, sql, G_N_ELEMENTS (params), params, error, "Cannot store the records"))
        return FALSE;
    }
  return TRUE;
}

/* Column `c` of the stored results, as an array literal. */
static char *
mutations_column (GPtrArray *mutations,
                  guint      c)
{
  g_autofree const char **values = g_new0 (const char *, mutations->len + 1);

  for (guint i = 0; i < mutations->len; i++)
    {
      const AnbuStoredMutation *mutation = g_ptr_array_index (mutations, i);
      const char *const columns[] = {
        mutation->id, mutation->user_id, mutation->kind, mutation->payload, mutation->result,
      };

      values[i] = columns[c];
    }
  return anbu_pg_values_text_array (values, mutations->len);
}

static gboolean
pg_add_mutations (AnbuStore  *store,
                  GPtrArray  *mutations,
                  GError    **error)
{
  g_autofree char *now = now_iso8601 ();
  g_autofree char *ids = mutations_column (mutations, 0);
  g_autofree char *users = mutations_column (mutations, 1);
  g_autofree char *kinds = mutations_column (mutations, 2);
  g_autofree char *payloads = mutations_column (mutations, 3);
  g_autofree char *results = mutations_column (mutations, 4);
  const char *params[] = { ids, users, kinds, payloads, results, now };

  return run (ANBU_PG_STORE (store),
              "INSERT INTO mutation (id, user_id, kind, payload, result, applied_at)"
              " SELECT x.id, x.user_id, x.kind, x.payload, x.result, $6::timestamptz"
              " FROM unnest ($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])"
              " AS x (id, user_id, kind, payload, result)",
              G_N_ELEMENTS (params), params, error, "Cannot record the mutations");
}

static gboolean
pg_log_access (AnbuStore               *store,
               const AnbuAccessEntry   *entry,
               const char * const      *household_ids,
               GError                 **error)
{
  AnbuPgStore *self = ANBU_PG_STORE (store);
  g_autofree char *now = entry->at ? g_strdup (entry->at) : now_iso8601 ();
  gboolean own_transaction = !in_transaction (self);
  guint n = household_ids != NULL ? g_strv_length ((char **) household_ids) : 0;

  /* A read's log lines alone are committed without waiting for the disk
   * (they survive a crash of the server, and the next acknowledged write
   * flushes them); writes log inside their own, fully synced transaction. */
  if (own_transaction
      && (!exec (self, "BEGIN", error) || !exec (self, "SET LOCAL synchronous_commit = off", error)))
    goto fail;
  /* One statement for all the lines, in the order given. */
  {
    const char *no_household[] = { NULL };
    g_autofree char *households = n > 0 ? anbu_pg_values_text_array (household_ids, n)
                                        : anbu_pg_values_text_array (no_household, 1);
    const char *params[] = {
      now, entry->user_id, entry->username ? entry->username : "",
      entry->address ? entry->address : "", entry->method, entry->route,
      households, entry->action == ANBU_ACCESS_WRITE ? "write" : "read",
    };

    if (!run (self,
              "INSERT INTO access_log (at, user_id, username, address, method, route,"
              " household_id, action) SELECT $1::timestamptz, $2::text, $3::text, $4::text,"
              " $5::text, $6::text, h.id, $8::text"
              " FROM unnest ($7::text[]) WITH ORDINALITY AS h (id, n) ORDER BY h.n",
              G_N_ELEMENTS (params), params, error, "Cannot write the access log"))
      goto fail;
  }
  if (own_transaction && !exec (self, "COMMIT", error))
    goto fail;
  return TRUE;

fail:
  if (own_transaction)
    exec_quietly (self, "ROLLBACK");
  return FALSE;
}

static GPtrArray *
pg_list_access (AnbuStore   *store,
                const char  *household_id,
                const char  *user_id,
                GError     **error)
{
  AnbuPgStore *self = ANBU_PG_STORE (store);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_access_entry_free);
  const char *params[] = { household_id, user_id };
  PGresult *result = query (self,
                            "SELECT id, to_char (at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
                            " user_id, username, address, method, route, household_id, action"
                            " FROM access_log WHERE ($1::text IS NULL OR household_id = $1::text)"
                            " AND ($2::text IS NULL OR user_id = $2::text) ORDER BY id",
                            G_N_ELEMENTS (params), params, error, "Cannot read the access log");

  if (result == NULL)
    return NULL;
  for (int row = 0; row < PQntuples (result); row++)
    {
      AnbuAccessEntry *entry = g_new0 (AnbuAccessEntry, 1);

      entry->id = value_int64 (result, row, 0);
      entry->at = value_dup (result, row, 1);
      entry->user_id = value_dup (result, row, 2);
      entry->username = value_dup (result, row, 3);
      entry->address = value_dup (result, row, 4);
      entry->method = value_dup (result, row, 5);
      entry->route = value_dup (result, row, 6);
      entry->household_id = value_dup (result, row, 7);
      entry->action = g_strcmp0 (PQgetvalue (result, row, 8), "write") == 0
                      ? ANBU_ACCESS_WRITE : ANBU_ACCESS_READ;
      g_ptr_array_add (entries, entry);
    }
  PQclear (result);
  return g_steal_pointer (&entries);
}

static GPtrArray *
pg_list_unresolved_alerts (AnbuStore   *store,
                           const char  *household_id,
                           GError     **error)
{
  const char *household_ids[] = { household_id, NULL };

  return pg_list_unresolved_alerts_of (store, household_ids, error);
}

static gboolean
pg_set_user_dong_codes (AnbuStore   *store,
                        const char  *user_id,
                        char       **dong_codes,
                        GError     **error)
{
  g_autofree char *now = now_iso8601 ();
  g_autofree char *dongs = anbu_store_strv_to_json (dong_codes);
  const char *params[] = { dongs, now, user_id };

  return update_user (ANBU_PG_STORE (store),
                      "UPDATE app_user SET dong_codes = $1::jsonb, updated_at = $2::timestamptz"
                      " WHERE id = $3::text",
                      G_N_ELEMENTS (params), params, error, "Cannot change the user's 동 codes");
}

static gboolean
pg_add_caseload_move (AnbuStore               *store,
                      const AnbuCaseloadMove  *move,
                      GError                 **error)
{
  g_autofree char *effective = int64_text (move->effective_at);
  g_autofree char *created = int64_text (move->created_at);
  g_autofree char *applied = int64_text (move->applied_at);
  const char *params[] = {
    move->id, move->dong_code, move->household_id, move->from_user_id, move->to_user_id,
    effective, created, move->created_by, applied,
  };

  return run (ANBU_PG_STORE (store),
              "INSERT INTO caseload_move (id, dong_code, household_id, from_user, to_user,"
              " effective_at, created_at, created_by, applied_at) VALUES ($1::text, $2::text,"
              " $3::text, $4::text, $5::text, $6::bigint, $7::bigint, $8::text,"
              " NULLIF ($9::bigint, 0))",
              G_N_ELEMENTS (params), params, error, "Cannot record the caseload move");
}

static GPtrArray *
pg_list_caseload_moves (AnbuStore  *store,
                        gboolean    pending_only,
                        GError    **error)
{
  AnbuPgStore *self = ANBU_PG_STORE (store);
  g_autoptr(GPtrArray) moves = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_caseload_move_free);
  const char *params[] = { pending_only ? "true" : "false" };
  PGresult *result = query (self,
                            "SELECT id, dong_code, household_id, from_user, to_user, effective_at,"
                            " created_at, created_by, applied_at FROM caseload_move"
                            " WHERE NOT $1::boolean OR applied_at IS NULL"
                            " ORDER BY effective_at, created_at, ordinal",
                            G_N_ELEMENTS (params), params, error, "Cannot read the caseload moves");

  if (result == NULL)
    return NULL;
  for (int row = 0; row < PQntuples (result); row++)
    {
      AnbuCaseloadMove *move = g_new0 (AnbuCaseloadMove, 1);

      move->id = value_dup (result, row, 0);
      move->dong_code = value_dup (result, row, 1);
      move->household_id = value_dup (result, row, 2);
      move->from_user_id = value_dup (result, row, 3);
      move->to_user_id = value_dup (result, row, 4);
      move->effective_at = value_int64 (result, row, 5);
      move->created_at = value_int64 (result, row, 6);
      move->created_by = value_dup (result, row, 7);
      move->applied_at = value_int64 (result, row, 8);
      g_ptr_array_add (moves, move);
    }
  PQclear (result);
  return g_steal_pointer (&moves);
}

static gboolean
pg_set_caseload_move_applied (AnbuStore   *store,
                              const char  *move_id,
                              gint64       applied_at,
                              GError     **error)
{
  g_autofree char *applied = int64_text (applied_at);
  const char *params[] = { applied, move_id };

  return run (ANBU_PG_STORE (store),
              "UPDATE caseload_move SET applied_at = $1::bigint WHERE id = $2::text"
              " AND applied_at IS NULL",
              G_N_ELEMENTS (params), params, error, "Cannot mark the caseload move applied");
}

static GPtrArray *
pg_list_dong_households (AnbuStore   *store,
                         const char  *dong_code,
                         GError     **error)
{
  AnbuPgStore *self = ANBU_PG_STORE (store);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  const char *params[] = { dong_code };
  PGresult *result = query (self, "SELECT id FROM household WHERE dong_code = $1::text ORDER BY seq",
                            G_N_ELEMENTS (params), params, error,
                            "Cannot list the households of a 동");

  if (result == NULL)
    return NULL;
  for (int row = 0; row < PQntuples (result); row++)
    g_ptr_array_add (ids, value_dup (result, row, 0));
  PQclear (result);
  return g_steal_pointer (&ids);
}

static gboolean
pg_reassign_household (AnbuStore   *store,
                       const char  *household_id,
                       const char  *assigned_planner,
                       const char  *lost_by,
                       GError     **error)
{
  AnbuPgStore *self = ANBU_PG_STORE (store);
  g_autofree char *exit_seq = NULL;
  g_autofree char *resend_seq = NULL;
  gint64 seq;

  /* The exit mark first: the loser's removal comes before the household
   * reaches its new planner in the one change order. */
  if ((seq = next_seq (self, error)) < 0)
    return FALSE;
  exit_seq = int64_text (seq);
  {
    const char *params[] = { exit_seq, lost_by, household_id };

    if (!run (self,
              "INSERT INTO scope_exit (seq, household_id, dong_code, night_consent, status,"
              " assigned_planner, lost_by) SELECT $1::bigint, h.id, h.dong_code, h.night_consent,"
              " h.status, " ASSIGNED_SQL ("h") ", $2::text FROM household h WHERE h.id = $3::text",
              G_N_ELEMENTS (params), params, error, "Cannot record the caseload move"))
      return FALSE;
  }
  {
    const char *params[] = { household_id, assigned_planner };

    if (assigned_planner != NULL
        ? !run (self,
                "INSERT INTO household_assignment (household_id, planner_id)"
                " VALUES ($1::text, $2::text) ON CONFLICT (household_id)"
                " DO UPDATE SET planner_id = excluded.planner_id",
                2, params, error, "Cannot assign the household")
        : !run (self, "DELETE FROM household_assignment WHERE household_id = $1::text",
                1, params, error, "Cannot assign the household"))
      return FALSE;
  }

  if ((seq = next_seq (self, error)) < 0)
    return FALSE;
  resend_seq = int64_text (seq);
  {
    const char *params[] = { resend_seq, household_id };

    if (!run (self, "UPDATE household SET seq = $1::bigint WHERE id = $2::text",
              G_N_ELEMENTS (params), params, error, "Cannot resend the household"))
      return FALSE;
  }
  return resend_dependents (self, household_id, error);
}

/* A household's responsible planners: the one it was given to, or else
 * every planner with its 동. */
#define RESPONSIBLE_SQL \
  "SELECT h.id AS household_id, u.username AS username, u.disabled AS disabled FROM household h" \
  " JOIN app_user u ON u.role = 'planner' AND CASE WHEN " ASSIGNED_SQL ("h") " IS NOT NULL" \
  " THEN u.id = " ASSIGNED_SQL ("h") \
  " ELSE h.dong_code IN (SELECT jsonb_array_elements_text (u.dong_codes)) END" \
  " WHERE h.status <> 'closed'"

static GPtrArray *
pg_list_orphan_households (AnbuStore  *store,
                           GError    **error)
{
  AnbuPgStore *self = ANBU_PG_STORE (store);
  g_autoptr(GPtrArray) orphans = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_orphan_household_free);
  /* COLLATE "C": the byte order SQLite sorts by, whatever the database's locale. */
  PGresult *result = query (self,
                            "WITH responsible AS (" RESPONSIBLE_SQL ")"
                            " SELECT h.id, h.dong_code, h.record::jsonb ->> 'dong_name',"
                            " h.record::jsonb ->> 'name',"
                            " (SELECT string_agg (r.username, ',') FROM responsible r"
                            " WHERE r.household_id = h.id)"
                            " FROM household h WHERE h.status <> 'closed' AND NOT EXISTS"
                            " (SELECT 1 FROM responsible r WHERE r.household_id = h.id AND NOT r.disabled)"
                            " ORDER BY h.dong_code COLLATE \"C\", (h.record::jsonb ->> 'name') COLLATE \"C\","
                            " h.id COLLATE \"C\"",
                            0, NULL, error, "Cannot list households without a planner");

  if (result == NULL)
    return NULL;
  for (int row = 0; row < PQntuples (result); row++)
    {
      AnbuOrphanHousehold *orphan = g_new0 (AnbuOrphanHousehold, 1);

      orphan->household_id = value_dup (result, row, 0);
      orphan->dong_code = value_dup (result, row, 1);
      orphan->dong_name = value_dup (result, row, 2);
      orphan->name = value_dup (result, row, 3);
      orphan->planners = value_dup (result, row, 4);
      g_ptr_array_add (orphans, orphan);
    }
  PQclear (result);
  return g_steal_pointer (&orphans);
}

static void
anbu_pg_store_iface_init (AnbuStoreInterface *iface)
{
  iface->begin = pg_begin;
  iface->commit = pg_commit;
  iface->rollback = pg_rollback;
  iface->savepoint = pg_savepoint;
  iface->release = pg_release;
  iface->rollback_to = pg_rollback_to;
  iface->add_user = pg_add_user;
  iface->find_user = pg_find_user;
  iface->set_user_password = pg_set_user_password;
  iface->set_user_disabled = pg_set_user_disabled;
  iface->add_session = pg_add_session;
  iface->find_session_user = pg_find_session_user;
  iface->revoke_sessions = pg_revoke_sessions;
  iface->load = pg_load;
  iface->save = pg_save;
  iface->changes = pg_changes;
  iface->find_mutation = pg_find_mutation;
  iface->add_mutation = pg_add_mutation;
  iface->find_mutations = pg_find_mutations;
  iface->load_many = pg_load_many;
  iface->list_unresolved_alerts_of = pg_list_unresolved_alerts_of;
  iface->add_facts = pg_add_facts;
  iface->add_mutations = pg_add_mutations;
  iface->log_access = pg_log_access;
  iface->list_access = pg_list_access;
  iface->list_unresolved_alerts = pg_list_unresolved_alerts;
  iface->set_user_dong_codes = pg_set_user_dong_codes;
  iface->add_caseload_move = pg_add_caseload_move;
  iface->list_caseload_moves = pg_list_caseload_moves;
  iface->set_caseload_move_applied = pg_set_caseload_move_applied;
  iface->list_dong_households = pg_list_dong_households;
  iface->reassign_household = pg_reassign_household;
  iface->list_orphan_households = pg_list_orphan_households;
}

static void
anbu_pg_store_finalize (GObject *object)
{
  AnbuPgStore *self = ANBU_PG_STORE (object);

  g_clear_pointer (&self->prepared, g_hash_table_unref);
  g_clear_pointer (&self->conn, PQfinish);
  g_clear_pointer (&self->conninfo, g_free);

  G_OBJECT_CLASS (anbu_pg_store_parent_class)->finalize (object);
}

static void
anbu_pg_store_class_init (AnbuPgStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = anbu_pg_store_finalize;
}

static void
anbu_pg_store_init (AnbuPgStore *self)
{
  self->prepared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static gint
read_schema_version (AnbuPgStore  *self,
                     GError      **error)
{
  PGresult *result = query (self, "SELECT version FROM anbu_schema", 0, NULL, error,
                            "Cannot read the schema version");
  gint version = 0;

  if (result == NULL)
    return -1;
  if (PQntuples (result) > 0)
    version = (gint) value_int64 (result, 0, 0);
  PQclear (result);
  return version;
}

/* All steps in one transaction (PostgreSQL's DDL is transactional): a
 * failed step leaves the database as it was. */
static gboolean
apply_migrations (AnbuPgStore  *self,
                  GError      **error)
{
  guint latest = G_N_ELEMENTS (migrations);
  gint version;

  if (!exec (self, "BEGIN", error))
    return FALSE;
  if (!exec (self, "SELECT pg_advisory_xact_lock (" MIGRATION_LOCK_KEY ")", error)
      || !exec (self, "CREATE TABLE IF NOT EXISTS anbu_schema (version integer NOT NULL)", error)
      || !exec (self, "INSERT INTO anbu_schema SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM anbu_schema)",
                error)
      || (version = read_schema_version (self, error)) < 0)
    goto fail;
  if ((guint) version > latest)
    {
      g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_TOO_NEW,
                   "The database has schema version %d; this anbu-server knows up to %u",
                   version, latest);
      goto fail;
    }
  for (guint step = (guint) version + 1; step <= latest; step++)
    {
      g_autofree char *step_text = g_strdup_printf ("%u", step);
      g_autofree char *what = g_strdup_printf ("Cannot apply schema step %u", step);
      const char *params[] = { step_text };
      PGresult *result = PQexec (self->conn, migrations[step - 1]);

      if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
        {
          set_pg_error (self, result, error, what);
          PQclear (result);
          goto fail;
        }
      PQclear (result);
      if (!run (self, "UPDATE anbu_schema SET version = $1::integer", 1, params, error, what))
        goto fail;
    }
  return exec (self, "COMMIT", error);

fail:
  exec_quietly (self, "ROLLBACK");
  return FALSE;
}

gboolean
anbu_pg_store_limit_to_deadline (PGconn   *conn,
                                 gint64    deadline,
                                 GError  **error)
{
  g_autofree char *sql = NULL;
  PGresult *result;
  gint64 left;
  gboolean ok;

  if (deadline == 0)
    return TRUE;
  left = deadline - g_get_monotonic_time ();
  if (left <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Past the deadline");
      return FALSE;
    }
  sql = g_strdup_printf ("SET statement_timeout = %" G_GINT64_FORMAT,
                         MIN ((left + 999) / 1000, G_MAXINT));
  result = PQexec (conn, sql);
  ok = PQresultStatus (result) == PGRES_COMMAND_OK;
  if (!ok)
    g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED, "Cannot set the query's deadline: %s",
                 PQerrorMessage (conn));
  PQclear (result);
  return ok;
}

PGconn *
anbu_pg_store_connect (const char  *conninfo,
                       const char  *settings,
                       GError     **error)
{
  /* The URI's own settings win: they come after ours (expand_dbname). An
   * unreachable server fails the start within the timeout instead of
   * hanging it; the application name shows who is connected in
   * pg_stat_activity. Given here rather than SET, they also hold for a
   * connection made anew (ensure_connection, PQreset). */
  static const char *const keywords[] = {
    "connect_timeout", "application_name", "client_encoding", "options", "dbname", NULL
  };
  /* Notices (IF NOT EXISTS on a second start) are not the operator's business. */
  g_autofree char *options = g_strconcat ("-c client_min_messages=warning",
                                          settings != NULL ? " " : "", settings, NULL);
  const char *values[] = { "10", "anbu-server", "UTF8", options, conninfo, NULL };
  g_autofree char *message = NULL;
  PGconn *conn;

  g_return_val_if_fail (conninfo != NULL, NULL);

  conn = PQconnectdbParams (keywords, values, 1);
  if (conn == NULL || PQstatus (conn) != CONNECTION_OK)
    {
      message = g_strdup (conn != NULL ? PQerrorMessage (conn) : "out of memory");
      g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                   "Cannot connect to PostgreSQL: %s", g_strstrip (message));
      g_clear_pointer (&conn, PQfinish);
      return NULL;
    }
  return conn;
}

AnbuStore *
anbu_pg_store_open (const char  *conninfo,
                    GError     **error)
{
  g_autoptr(AnbuPgStore) self = g_object_new (ANBU_TYPE_PG_STORE, NULL);

  g_return_val_if_fail (conninfo != NULL, NULL);

  self->conninfo = g_strdup (conninfo);
  self->conn = anbu_pg_store_connect (conninfo, NULL, error);
  if (self->conn == NULL)
    return NULL;
  if (!apply_migrations (self, error))
    return NULL;

  return ANBU_STORE (g_steal_pointer (&self));
}

gint
anbu_pg_store_get_schema_version (AnbuPgStore  *self,
                                  GError      **error)
{
  g_return_val_if_fail (ANBU_IS_PG_STORE (self), -1);
  return read_schema_version (self, error);
}

guint
anbu_pg_store_get_latest_schema_version (void)
{
  return G_N_ELEMENTS (migrations);
}

PGresult *
anbu_pg_store_query (AnbuPgStore         *self,
                     const char          *sql,
                     int                  n_params,
                     const char * const  *params,
                     GError             **error)
{
  g_return_val_if_fail (ANBU_IS_PG_STORE (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  return query (self, sql, n_params, params, error, "Cannot read or write the database");
}

const char *
anbu_pg_store_get_conninfo (AnbuPgStore *self)
{
  g_return_val_if_fail (ANBU_IS_PG_STORE (self), NULL);
  return self->conninfo;
}
