/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `anbu-server migrate --from FILE --to postgresql://…` (issue 16, "Moving
 * up"): a district seeded through a real server on SQLite, copied into a
 * throwaway PostgreSQL 15, and what a planner would notice compared on
 * both engines; bad inputs refused without writing. */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "anbu-ingest-fixture.h"
#include "anbu-pg-reading-log.h"
#include "anbu-pg-store.h"
#include "anbu-sqlite-reading-log.h"
#include "anbu-sqlite-store.h"
#include "anbu-test-postgres.h"

#define T0 G_GINT64_CONSTANT (1795392000)  /* 2026-11-23 00:00 UTC */
#define HOUR 3600
#define STEP 300
#define HOURS_OF_READINGS 30
#define DONG_A "1111051500"
#define DONG_B "1111053000"
#define N_HOUSEHOLDS 4
#define MOVED_PLUG "MIG-PLUG-MOVED"

static const char *const serials[N_HOUSEHOLDS] = {
  "MIG-PLUG-0001", "MIG-PLUG-0002", "MIG-PLUG-0003", "MIG-PLUG-0004",
};

/* The district every case copies: seeded once, its server stopped. */
typedef struct
{
  IngestFixture *fixture;
  char          *households[N_HOUSEHOLDS];
  char          *visit_id;
  guint          n_readings;
} District;

static District district;

static void
seed_district (void)
{
  g_autoptr(GPtrArray) alerts = NULL;
  g_autofree char *planner_token = NULL;
  g_autofree char *visit_at = ingest_time (T0 + 2 * HOUR);
  g_autofree char *visit = NULL;
  g_autofree char *absence_from = ingest_time (T0 + 40 * HOUR);
  g_autofree char *absence_to = ingest_time (T0 + 60 * HOUR);
  g_autofree char *absence = NULL;
  g_autofree char *absence_id = g_uuid_string_random ();

  /* The clock at the end of the readings: none is from the future. */
  district.fixture = ingest_fixture_new (T0 + HOURS_OF_READINGS * HOUR, NULL);
  planner_token = ingest_add_user (district.fixture, "planner1", "planner", DONG_A);
  for (guint i = 0; i < N_HOUSEHOLDS; i++)
    {
      district.households[i] = ingest_add_household (district.fixture, i < 3 ? DONG_A : DONG_B,
                                                     i % 2 == 0, 24, serials[i], T0 - HOUR);
      /* Household 0 stays still (its signal); the others switch their
       * appliance on for an hour late in the day. */
      ingest_post_span (district.fixture, serials[i], T0, T0 + HOURS_OF_READINGS * HOUR, STEP,
                        0.8 + i, i == 0 ? 0.8 : 95.0 + i, T0 + 20 * HOUR, T0 + 21 * HOUR, NULL);
      district.n_readings += HOURS_OF_READINGS * HOUR / STEP + 1;
    }
  district.visit_id = g_uuid_string_random ();
  visit = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", \"at\": \"%s\", \"by\": \"%s\","
                           " \"purpose\": \"regular\", \"notes\": \"탭\\t과 줄바꿈\\n, 역슬래시 \\\\\"}",
                           district.visit_id, district.households[1], visit_at,
                           district.fixture->admin_id);
  json_object_unref (ingest_push (district.fixture, "visit.create", visit));
  absence = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\", \"from\": \"%s\","
                             " \"to\": \"%s\", \"reason\": \"hospital\"}", absence_id,
                             district.households[2], absence_from, absence_to);
  json_object_unref (ingest_push (district.fixture, "absence.create", absence));
  /* A plug taken back and installed in the other 동: its old household
   * keeps an exit mark (dependent_exit). */
  {
    g_autofree char *first_at = ingest_time (T0 + HOUR);
    g_autofree char *removed_at = ingest_time (T0 + 2 * HOUR);
    g_autofree char *again_at = ingest_time (T0 + 3 * HOUR);
    g_autofree char *install = g_strdup_printf ("{\"serial\": \"" MOVED_PLUG "\", \"household_id\": \"%s\","
                                                " \"appliance\": \"lamp\", \"installed_at\": \"%s\"}",
                                                district.households[1], first_at);
    g_autofree char *removal = g_strdup_printf ("{\"serial\": \"" MOVED_PLUG "\", \"reason\": \"returned\","
                                                " \"at\": \"%s\"}", removed_at);
    g_autofree char *reinstall = g_strdup_printf ("{\"serial\": \"" MOVED_PLUG "\", \"household_id\": \"%s\","
                                                  " \"appliance\": \"tv\", \"installed_at\": \"%s\"}",
                                                  district.households[3], again_at);

    json_object_unref (ingest_push (district.fixture, "plug.install", install));
    json_object_unref (ingest_push (district.fixture, "plug.remove", removal));
    json_object_unref (ingest_push (district.fixture, "plug.install", reinstall));
  }
  g_clear_pointer (&planner_token, g_free);
  anbu_test_response_free (ingest_tick (district.fixture, T0 + HOURS_OF_READINGS * HOUR));
  alerts = ingest_alerts (district.fixture, NULL, district.households[0]);
  g_assert_cmpuint (alerts->len, >=, 1);
  g_assert_cmpint (anbu_test_server_stop (district.fixture->server, SIGTERM), ==, 0);
}

static void
district_clear (void)
{
  if (district.fixture == NULL)
    return;
  ingest_fixture_free (district.fixture);
  for (guint i = 0; i < N_HOUSEHOLDS; i++)
    g_free (district.households[i]);
  g_free (district.visit_id);
}

/* The seeded district's SQLite file, seeded by the first case that asks. */
static const char *
district_db (void)
{
  if (district.fixture == NULL)
    seed_district ();
  return district.fixture->server->db;
}

/* anbu-server migrate with `from` and `to`, in Korean (from the build
 * tree) or in the C locale; its exit status. */
static int
run_migrate_in (gboolean     korean,
                const char  *from,
                const char  *to,
                char       **out,
                char       **err)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  if (korean)
    {
      g_subprocess_launcher_setenv (launcher, "LANGUAGE", "ko", TRUE);
      g_subprocess_launcher_setenv (launcher, "ANBU_UNINSTALLED", "1", TRUE);
    }
  else
    g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("ANBU_SERVER"), "migrate",
                                         "--from", from, "--to", to, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_test_message ("migrate: %s\n%s", *out, *err);
  return g_subprocess_get_exit_status (process);
}

static int
run_migrate (const char  *from,
             const char  *to,
             char       **out,
             char       **err)
{
  return run_migrate_in (FALSE, from, to, out, err);
}

/* The line of the verification table for `table`, or NULL. */
static char *
verification_line (const char *out,
                   const char *table)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = g_strsplit_set (lines[i], " ", -1);

      if (g_strcmp0 (words[0], table) == 0)
        return g_strdup (lines[i]);
    }
  return NULL;
}

/* "ROWS ROWS … same": the table's line says both sides hold `rows`. */
static void
assert_verified (const char *out,
                 const char *table,
                 guint       rows)
{
  g_autofree char *line = verification_line (out, table);
  g_autofree char *both = NULL;

  g_assert_nonnull (line);
  both = g_strdup_printf ("%u %12u ", rows, rows);
  g_assert_nonnull (strstr (line, both));
  g_assert_true (g_str_has_suffix (line, " same"));
}

static gint64
count_rows (const char *uri,
            const char *table)
{
  PGconn *conn = PQconnectdb (uri);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  PGresult *result;
  gint64 count;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  result = PQexec (conn, sql);
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  count = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  PQfinish (conn);
  return count;
}

static char *
describe_changes (GPtrArray *changes)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < changes->len; i++)
    {
      AnbuStoreChange *change = g_ptr_array_index (changes, i);

      g_string_append_printf (text, "%" G_GINT64_FORMAT " %d %d %s %s %s\n", change->seq,
                              change->kind, change->op, change->id, change->household_id,
                              change->record != NULL ? change->record : "-");
    }
  return g_string_free (text, FALSE);
}

/* A first pull of `scope` in pages of 3, all pages described. */
static char *
first_pull (AnbuStore       *store,
            const AnbuScope *scope,
            gint64          *cursor)
{
  g_autoptr(GString) text = g_string_new (NULL);
  gint64 since = 0;
  gboolean more = TRUE;

  while (more)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) changes = anbu_store_changes (store, scope, since, 3, &more, &since, &error);
      g_autofree char *page = NULL;

      g_assert_no_error (error);
      page = describe_changes (changes);
      g_string_append (text, page);
      g_string_append (text, "--\n");
    }
  *cursor = since;
  return g_strdup (text->str);
}

static void
test_copy (void)
{
  g_autofree char *uri = anbu_test_database_new (TRUE, NULL, NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStore) sqlite_store = NULL;
  g_autoptr(AnbuStore) pg_store = NULL;
  g_autoptr(AnbuReadingLog) sqlite_readings = NULL;
  g_autoptr(AnbuReadingLog) pg_readings = NULL;
  g_autoptr(AnbuStoreUser) planner = NULL;
  g_autofree char *sqlite_pull = NULL;
  g_autofree char *pg_pull = NULL;
  g_autofree char *sqlite_admin_pull = NULL;
  g_autofree char *pg_admin_pull = NULL;
  gint64 sqlite_cursor, pg_cursor;
  const char *db;

  if (uri == NULL)
    return;
  db = district_db ();
  g_assert_cmpint (run_migrate (db, uri, &out, &err), ==, 0);
  assert_verified (out, "household", N_HOUSEHOLDS);
  assert_verified (out, "plug", N_HOUSEHOLDS + 1);
  assert_verified (out, "dependent_exit", 1);
  assert_verified (out, "visit", 1);
  assert_verified (out, "absence", 1);
  assert_verified (out, "gateway", 1);
  assert_verified (out, "reading", district.n_readings);
  g_assert_nonnull (strstr (err, "household: 4 rows copied"));

  sqlite_store = anbu_store_open (db, &error);
  g_assert_no_error (error);
  pg_store = anbu_pg_store_open (uri, &error);
  g_assert_no_error (error);

  /* The same records at the same versions. */
  for (guint i = 0; i < N_HOUSEHOLDS; i++)
    {
      g_autoptr(AnbuStoreEntity) a = anbu_store_load (sqlite_store, ANBU_RECORD_KIND_HOUSEHOLD,
                                                      district.households[i], &error);
      g_autoptr(AnbuStoreEntity) b = NULL;

      g_assert_no_error (error);
      b = anbu_store_load (pg_store, ANBU_RECORD_KIND_HOUSEHOLD, district.households[i], &error);
      g_assert_no_error (error);
      g_assert_nonnull (a);
      g_assert_nonnull (b);
      g_assert_cmpstr (a->record, ==, b->record);
      g_assert_cmpint (a->version, ==, b->version);
    }
  {
    g_autoptr(AnbuStoreEntity) visit = anbu_store_load (pg_store, ANBU_RECORD_KIND_VISIT,
                                                        district.visit_id, &error);

    g_assert_no_error (error);
    g_assert_nonnull (visit);
    g_assert_nonnull (strstr (visit->record, "역슬래시"));
  }

  /* A planner's first pull, page by page, and the administrator's. */
  planner = anbu_store_find_user (pg_store, "planner1", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (planner);
  {
    AnbuScope scope = { ANBU_USER_ROLE_PLANNER, planner->dong_codes, planner->id };
    AnbuScope admin = { ANBU_USER_ROLE_ADMIN, NULL, district.fixture->admin_id };

    sqlite_pull = first_pull (sqlite_store, &scope, &sqlite_cursor);
    pg_pull = first_pull (pg_store, &scope, &pg_cursor);
    g_assert_nonnull (strstr (sqlite_pull, district.households[0]));
    g_assert_null (strstr (sqlite_pull, district.households[3]));
    g_assert_cmpstr (sqlite_pull, ==, pg_pull);
    g_assert_cmpint (sqlite_cursor, ==, pg_cursor);
    /* Continuing from a cursor: the moved plug's removal too. */
    {
      gboolean more;
      gint64 next;
      g_autoptr(GPtrArray) a = anbu_store_changes (sqlite_store, &scope, 1, 1000, &more, &next, &error);
      g_autoptr(GPtrArray) b = NULL;
      g_autofree char *a_text = NULL;
      g_autofree char *b_text = NULL;

      g_assert_no_error (error);
      b = anbu_store_changes (pg_store, &scope, 1, 1000, &more, &next, &error);
      g_assert_no_error (error);
      a_text = describe_changes (a);
      b_text = describe_changes (b);
      g_assert_nonnull (strstr (a_text, " 1 1 " MOVED_PLUG " "));
      g_assert_cmpstr (a_text, ==, b_text);
    }
    sqlite_admin_pull = first_pull (sqlite_store, &admin, &sqlite_cursor);
    pg_admin_pull = first_pull (pg_store, &admin, &pg_cursor);
    g_assert_nonnull (strstr (sqlite_admin_pull, "\"inactivity\""));
    g_assert_cmpstr (sqlite_admin_pull, ==, pg_admin_pull);
  }

  /* Readings in a range: the same readings. */
  sqlite_readings = anbu_sqlite_reading_log_new (anbu_sqlite_store_get_handle (ANBU_SQLITE_STORE (sqlite_store)));
  pg_readings = anbu_pg_reading_log_open (uri, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_HOUSEHOLDS; i++)
    {
      g_autoptr(GArray) a = g_array_new (FALSE, FALSE, sizeof (AnbuReading));
      g_autoptr(GArray) b = g_array_new (FALSE, FALSE, sizeof (AnbuReading));

      g_assert_true (anbu_reading_log_read_range (sqlite_readings, serials[i], T0 + 19 * HOUR,
                                                  T0 + 22 * HOUR, a, &error));
      g_assert_no_error (error);
      g_assert_true (anbu_reading_log_read_range (pg_readings, serials[i], T0 + 19 * HOUR,
                                                  T0 + 22 * HOUR, b, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (a->len, ==, 3 * HOUR / STEP);
      g_assert_cmpuint (a->len, ==, b->len);
      g_assert_cmpmem (a->data, a->len * sizeof (AnbuReading), b->data, b->len * sizeof (AnbuReading));
    }

  /* The PostgreSQL store goes on after the copied change order. */
  {
    g_autoptr(AnbuStoreEntity) visit = anbu_store_entity_new (ANBU_RECORD_KIND_VISIT);
    AnbuScope admin = { ANBU_USER_ROLE_ADMIN, NULL, district.fixture->admin_id };
    g_autoptr(GPtrArray) changes = NULL;
    gboolean more;
    gint64 next;

    visit->id = g_uuid_string_random ();
    visit->household_id = g_strdup (district.households[1]);
    visit->record = g_strdup_printf ("{\"id\": \"%s\", \"household_id\": \"%s\"}", visit->id,
                                     district.households[1]);
    visit->version = 1;
    g_assert_true (anbu_store_begin (pg_store, &error));
    g_assert_true (anbu_store_save (pg_store, visit, &error));
    g_assert_no_error (error);
    g_assert_true (anbu_store_commit (pg_store, &error));
    changes = anbu_store_changes (pg_store, &admin, pg_cursor, 10, &more, &next, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (changes->len, ==, 1);
    g_assert_cmpstr (((AnbuStoreChange *) g_ptr_array_index (changes, 0))->id, ==, visit->id);
  }
}

static void
test_not_empty (void)
{
  g_autofree char *uri = anbu_test_database_new (TRUE, NULL, NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gint64 households, readings, log_rows;

  if (uri == NULL)
    return;
  /* The operator reads the progress in Korean. */
  g_assert_cmpint (run_migrate_in (TRUE, district_db (), uri, &out, &err), ==, 0);
  g_assert_nonnull (strstr (err, "household: 4행 복사했습니다"));
  households = count_rows (uri, "household");
  readings = count_rows (uri, "reading");
  log_rows = count_rows (uri, "access_log");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_migrate (district_db (), uri, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "not empty"));
  g_assert_nonnull (strstr (err, "Nothing was written"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_migrate_in (TRUE, district_db (), uri, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "비어 있지 않습니다"));
  g_assert_cmpint (count_rows (uri, "household"), ==, households);
  g_assert_cmpint (count_rows (uri, "reading"), ==, readings);
  g_assert_cmpint (count_rows (uri, "access_log"), ==, log_rows);
}

/* A target that holds only readings (a run that died between its two
 * parts) is refused too. */
static void
test_not_empty_readings (void)
{
  g_autofree char *uri = anbu_test_database_new (TRUE, NULL, NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(AnbuReadingLog) log = NULL;
  g_autoptr(GError) error = NULL;
  const char *serial = "LEFT-OVER";
  AnbuReadingLogEntry entry = { 0, { T0, 1.0, 2.0 } };
  gboolean stored;

  if (uri == NULL)
    return;
  log = anbu_pg_reading_log_open (uri, &error);
  g_assert_no_error (error);
  g_assert_true (anbu_reading_log_append (log, &serial, 1, &entry, 1, &stored, &error));
  g_clear_object (&log);

  g_assert_cmpint (run_migrate (district_db (), uri, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "reading holds rows"));
  g_assert_cmpint (count_rows (uri, "reading"), ==, 1);
  g_assert_cmpint (count_rows (uri, "household"), ==, 0);
}

static void
test_missing_source (void)
{
  g_autofree char *uri = anbu_test_database_new (TRUE, NULL, NULL);
  g_autofree char *dir = g_dir_make_tmp ("anbu-migrate-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (dir, "nothing-here.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (uri == NULL)
    return;
  g_assert_cmpint (run_migrate (missing, uri, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "no database file"));
  /* Nothing was made in its place either. */
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_rmdir (dir);
}

/* A file of another schema version (an older anbu-server's, or no Anbu
 * database at all) is refused, and left as it was. */
static void
test_old_source (void)
{
  g_autofree char *uri = anbu_test_database_new (TRUE, NULL, NULL);
  g_autofree char *dir = g_dir_make_tmp ("anbu-migrate-XXXXXX", NULL);
  g_autofree char *old = g_build_filename (dir, "old.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  sqlite3 *db = NULL;

  if (uri == NULL)
    return;
  g_assert_cmpint (sqlite3_open (old, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE household (id TEXT PRIMARY KEY);"
                                 "PRAGMA user_version = 3", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_cmpint (run_migrate (old, uri, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "has schema version 3"));
  /* Refused before the target was touched: not even a schema was made. */
  g_assert_cmpint (count_rows (uri, "pg_tables WHERE schemaname = 'public'"), ==, 0);
  g_assert_cmpint (sqlite3_open (old, &db), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 3);
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);
  g_unlink (old);
  g_rmdir (dir);
}

/* A column the command does not know (added to the schema after it was
 * written) is not left behind silently: the copy is refused. */
static void
test_unknown_column (void)
{
  g_autofree char *uri = anbu_test_database_new (TRUE, NULL, NULL);
  g_autofree char *dir = g_dir_make_tmp ("anbu-migrate-XXXXXX", NULL);
  g_autofree char *copy = g_build_filename (dir, "newer.db", NULL);
  g_autofree char *vacuum = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  sqlite3 *db = NULL;

  if (uri == NULL)
    return;
  g_assert_cmpint (sqlite3_open (district_db (), &db), ==, SQLITE_OK);
  vacuum = sqlite3_mprintf ("VACUUM INTO %Q", copy);
  g_assert_cmpint (sqlite3_exec (db, vacuum, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_free (g_steal_pointer (&vacuum));
  sqlite3_close (db);
  g_assert_cmpint (sqlite3_open (copy, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "ALTER TABLE visit ADD COLUMN mood TEXT", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_cmpint (run_migrate (copy, uri, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "visit.mood"));
  g_assert_cmpint (count_rows (uri, "pg_tables WHERE schemaname = 'public'"), ==, 0);
  g_unlink (copy);
  g_rmdir (dir);
}

static guint16
free_loopback_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
test_bad_target (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *dir = g_dir_make_tmp ("anbu-migrate-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "target.db", NULL);
  g_autofree char *unreachable = g_strdup_printf ("postgresql://anbu@127.0.0.1:%u/anbu",
                                                  free_loopback_port ());

  g_assert_cmpint (run_migrate (district_db (), file, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "must be a PostgreSQL URI"));
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_migrate (district_db (), unreachable, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "Cannot open the PostgreSQL database"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Without --to: a usage error. */
  {
    const char *argv[] = { g_getenv ("ANBU_SERVER"), "migrate", "--from", district_db (), NULL };
    g_autoptr(GSubprocess) process =
      g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                         NULL);

    g_assert_nonnull (process);
    g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, NULL));
    g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 2);
    g_assert_nonnull (strstr (err, "--to postgresql://"));
  }
  g_rmdir (dir);
}

/* A target that alters what it is given (here a trigger that rewrites
 * visits on their way in) is caught by the checksum, the table is named,
 * and nothing of the copy is kept, readings included. */
static void
test_mismatch (void)
{
  g_autofree char *uri = anbu_test_database_new (TRUE, NULL, NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *line = NULL;
  g_autoptr(AnbuStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (uri == NULL)
    return;
  store = anbu_pg_store_open (uri, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  anbu_test_postgres_exec (uri,
                           "CREATE FUNCTION tamper () RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                           "  NEW.record := replace (NEW.record, 'regular', 'other'); RETURN NEW;"
                           " END $$;"
                           "CREATE TRIGGER tamper BEFORE INSERT ON visit"
                           "  FOR EACH ROW EXECUTE FUNCTION tamper ();");

  g_assert_cmpint (run_migrate (district_db (), uri, &out, &err), ==, 1);
  line = verification_line (out, "visit");
  g_assert_nonnull (line);
  g_assert_true (g_str_has_suffix (line, " DIFFERENT"));
  assert_verified (out, "household", N_HOUSEHOLDS);
  g_assert_nonnull (strstr (err, "differs from the source in: visit."));
  g_assert_cmpint (count_rows (uri, "household"), ==, 0);
  g_assert_cmpint (count_rows (uri, "visit"), ==, 0);
  g_assert_cmpint (count_rows (uri, "reading"), ==, 0);
  g_assert_cmpint (count_rows (uri, "app_user"), ==, 0);
}

/* A planner's whole first pull over HTTP, in pages of 3, as text. */
static char *
pull_text (AnbuTestServer *server,
           const char     *token)
{
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) changes = anbu_test_pull (server, token, &cursor, 3, NULL);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  g_autofree char *text = NULL;

  json_node_set_array (node, changes);
  text = json_to_string (node, TRUE);
  return g_strdup_printf ("%s\ncursor %s", text, cursor);
}

/* What the planner notices: after the move, `serve` on the PostgreSQL
 * database signs them in with the same password and gives them the same
 * first pull as the district's server gave on SQLite. */
static void
test_serve_after (void)
{
  g_autofree char *uri = anbu_test_database_new (TRUE, NULL, NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *clock = ingest_time (T0 + HOURS_OF_READINGS * HOUR);
  const char *args[] = { "--manual-clock", clock, "--token-lifetime", "31536000", NULL };
  g_autofree char *sqlite_token = NULL;
  g_autofree char *pg_token = NULL;
  g_autofree char *sqlite_pull = NULL;
  g_autofree char *pg_pull = NULL;
  AnbuTestServer target = { 0 };
  AnbuTestServer *pg_server;
  const char *db;

  if (uri == NULL)
    return;
  db = district_db ();
  ingest_fixture_restart (district.fixture, T0 + HOURS_OF_READINGS * HOUR);
  sqlite_token = anbu_test_server_sign_in (district.fixture->server, "planner1", INGEST_PASSWORD);
  sqlite_pull = pull_text (district.fixture->server, sqlite_token);
  g_assert_nonnull (strstr (sqlite_pull, district.households[0]));
  g_assert_cmpint (anbu_test_server_stop (district.fixture->server, SIGTERM), ==, 0);

  g_assert_cmpint (run_migrate (db, uri, &out, &err), ==, 0);

  /* A server of its own on the PostgreSQL database. */
  target.db = uri;
  g_setenv ("ANBU_TEST_ENGINE", "postgresql", TRUE);
  pg_server = anbu_test_server_new_instance (&target, args);
  g_unsetenv ("ANBU_TEST_ENGINE");
  pg_token = anbu_test_server_sign_in (pg_server, "planner1", INGEST_PASSWORD);
  pg_pull = pull_text (pg_server, pg_token);
  g_assert_cmpstr (pg_pull, ==, sqlite_pull);
  anbu_test_server_free (pg_server);
}

/* The copy reads a snapshot: the district's server may keep running. */
static void
test_while_serving (void)
{
  g_autofree char *uri = anbu_test_database_new (TRUE, NULL, NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *db;

  if (uri == NULL)
    return;
  db = district_db ();
  ingest_fixture_restart (district.fixture, T0 + HOURS_OF_READINGS * HOUR);
  g_assert_cmpint (run_migrate (db, uri, &out, &err), ==, 0);
  assert_verified (out, "household", N_HOUSEHOLDS);
  assert_verified (out, "reading", district.n_readings);
  g_assert_cmpint (anbu_test_server_stop (district.fixture->server, SIGTERM), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/migrate/copy", test_copy);
  g_test_add_func ("/migrate/not-empty", test_not_empty);
  g_test_add_func ("/migrate/not-empty-readings", test_not_empty_readings);
  g_test_add_func ("/migrate/missing-source", test_missing_source);
  g_test_add_func ("/migrate/old-source", test_old_source);
  g_test_add_func ("/migrate/unknown-column", test_unknown_column);
  g_test_add_func ("/migrate/bad-target", test_bad_target);
  g_test_add_func ("/migrate/mismatch", test_mismatch);
  g_test_add_func ("/migrate/while-serving", test_while_serving);
  g_test_add_func ("/migrate/serve-after", test_serve_after);
  status = anbu_test_postgres_run_tests ();
  district_clear ();
  return status;
}
