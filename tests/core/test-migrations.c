/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "anbu-migrations.h"

static const AnbuMigration first_release[] = {
  { 1, "CREATE TABLE household (id TEXT PRIMARY KEY, name TEXT NOT NULL)" },
  { 2, "CREATE INDEX household_name ON household (name)" },
};

static const AnbuMigration second_release[] = {
  { 1, "CREATE TABLE household (id TEXT PRIMARY KEY, name TEXT NOT NULL)" },
  { 2, "CREATE INDEX household_name ON household (name)" },
  { 3, "ALTER TABLE household ADD COLUMN phone TEXT" },
};

static sqlite3 *
open_temp_db (char **path_out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("anbu-migrations-XXXXXX", &error);
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  *path_out = g_build_filename (dir, "test.db", NULL);
  g_assert_cmpint (sqlite3_open (*path_out, &db), ==, SQLITE_OK);
  return db;
}

/* Closes @db and removes its file and the directory open_temp_db() made. */
static void
close_temp_db (sqlite3    *db,
               const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  sqlite3_close (db);
  g_assert_no_errno (g_unlink (path));
  g_assert_no_errno (g_rmdir (dir));
}

static gboolean
column_exists (sqlite3    *db,
               const char *table,
               const char *column)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM %s LIMIT 0", column, table);
  sqlite3_stmt *stmt = NULL;
  gboolean ok = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK;

  sqlite3_finalize (stmt);
  return ok;
}

static void
test_fresh_database (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = open_temp_db (&path);

  g_assert_cmpint (anbu_migrations_get_version (db, &error), ==, 0);
  g_assert_true (anbu_migrations_apply (db, first_release, G_N_ELEMENTS (first_release), &error));
  g_assert_no_error (error);
  g_assert_cmpint (anbu_migrations_get_version (db, &error), ==, 2);
  g_assert_true (column_exists (db, "household", "name"));

  /* Opening again applies nothing and keeps the data. */
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO household VALUES ('a', '김영수')", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_true (anbu_migrations_apply (db, first_release, G_N_ELEMENTS (first_release), &error));
  g_assert_no_error (error);
  g_assert_cmpint (anbu_migrations_get_version (db, &error), ==, 2);
  close_temp_db (db, path);
}

static void
test_upgrade_keeps_data (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = open_temp_db (&path);
  sqlite3_stmt *stmt = NULL;

  g_assert_true (anbu_migrations_apply (db, first_release, G_N_ELEMENTS (first_release), &error));
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO household VALUES ('a', '김영수')", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_true (anbu_migrations_apply (db, second_release, G_N_ELEMENTS (second_release), &error));
  g_assert_no_error (error);
  g_assert_cmpint (anbu_migrations_get_version (db, &error), ==, 3);
  g_assert_true (column_exists (db, "household", "phone"));

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM household WHERE id = 'a'", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "김영수");
  sqlite3_finalize (stmt);
  close_temp_db (db, path);
}

static void
test_refuses_newer_schema (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = open_temp_db (&path);

  g_assert_true (anbu_migrations_apply (db, second_release, G_N_ELEMENTS (second_release), &error));
  g_assert_false (anbu_migrations_apply (db, first_release, G_N_ELEMENTS (first_release), &error));
  g_assert_error (error, ANBU_MIGRATIONS_ERROR, ANBU_MIGRATIONS_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer"));
  /* Refusing changed nothing. */
  g_clear_error (&error);
  g_assert_cmpint (anbu_migrations_get_version (db, &error), ==, 3);
  g_assert_true (column_exists (db, "household", "phone"));
  close_temp_db (db, path);
}

static void
test_failed_step_rolls_back (void)
{
  static const AnbuMigration broken[] = {
    { 1, "CREATE TABLE household (id TEXT PRIMARY KEY)" },
    { 2, "CREATE TABLE plug (serial TEXT PRIMARY KEY); THIS IS NOT SQL" },
  };
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = open_temp_db (&path);

  g_assert_false (anbu_migrations_apply (db, broken, G_N_ELEMENTS (broken), &error));
  g_assert_error (error, ANBU_MIGRATIONS_ERROR, ANBU_MIGRATIONS_ERROR_FAILED);
  g_clear_error (&error);
  /* All or nothing: not even step 1 stayed. */
  g_assert_cmpint (anbu_migrations_get_version (db, &error), ==, 0);
  g_assert_false (column_exists (db, "household", "id"));
  g_assert_false (column_exists (db, "plug", "serial"));
  close_temp_db (db, path);
}

/* A deferred constraint fails only at COMMIT: the upgrade must still leave
 * nothing behind and no transaction open, or the program would go on
 * writing into a transaction that can never commit. */
static void
test_failed_commit_rolls_back (void)
{
  static const AnbuMigration deferred[] = {
    { 1, "CREATE TABLE household (id TEXT PRIMARY KEY)" },
    { 2, "CREATE TABLE plug (serial TEXT PRIMARY KEY, household_id TEXT "
         "REFERENCES household (id) DEFERRABLE INITIALLY DEFERRED);"
         "INSERT INTO plug VALUES ('P1', 'no-such-household')" },
  };
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = open_temp_db (&path);

  g_assert_cmpint (sqlite3_exec (db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_false (anbu_migrations_apply (db, deferred, G_N_ELEMENTS (deferred), &error));
  g_assert_error (error, ANBU_MIGRATIONS_ERROR, ANBU_MIGRATIONS_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpint (sqlite3_get_autocommit (db), !=, 0);
  g_assert_cmpint (anbu_migrations_get_version (db, &error), ==, 0);
  g_assert_false (column_exists (db, "plug", "serial"));
  close_temp_db (db, path);
}

static void
test_rejects_gaps_in_numbering (void)
{
  static const AnbuMigration gap[] = {
    { 1, "CREATE TABLE a (x)" },
    { 3, "CREATE TABLE b (x)" },
  };
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = open_temp_db (&path);

  g_assert_false (anbu_migrations_apply (db, gap, G_N_ELEMENTS (gap), &error));
  g_assert_error (error, ANBU_MIGRATIONS_ERROR, ANBU_MIGRATIONS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (column_exists (db, "a", "x"));
  close_temp_db (db, path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/migrations/fresh", test_fresh_database);
  g_test_add_func ("/anbu/migrations/upgrade-keeps-data", test_upgrade_keeps_data);
  g_test_add_func ("/anbu/migrations/refuses-newer-schema", test_refuses_newer_schema);
  g_test_add_func ("/anbu/migrations/failed-step-rolls-back", test_failed_step_rolls_back);
  g_test_add_func ("/anbu/migrations/failed-commit-rolls-back", test_failed_commit_rolls_back);
  g_test_add_func ("/anbu/migrations/rejects-gaps", test_rejects_gaps_in_numbering);

  return g_test_run ();
}
