/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The readings' storage (src/server/anbu-reading-log.h) on both engines:
 * every case runs against AnbuSqliteReadingLog on the tables of a SQLite
 * store in a temporary file and against AnbuPgReadingLog on a fresh
 * database of a throwaway PostgreSQL 15 (anbu-test-postgres.h). The
 * PostgreSQL cases are skipped only when PostgreSQL is not installed. */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "anbu-pg-reading-log.h"
#include "anbu-reading-log.h"
#include "anbu-sqlite-reading-log.h"
#include "anbu-sqlite-store.h"
#include "anbu-store.h"
#include "anbu-test-postgres.h"

typedef enum
{
  ENGINE_SQLITE,
  ENGINE_POSTGRESQL,
} Engine;

typedef struct
{
  Engine          engine;
  char           *dir;         /* SQLite: the temporary directory */
  char           *location;    /* a file or a postgresql:// URI */
  AnbuStore      *store;       /* SQLite: the store that made the tables */
  GPtrArray      *connections; /* SQLite: more connections to the file */
  AnbuReadingLog *log;
} Fixture;

/* 2026-11-24 00:00 UTC: day D of the cases. */
#define DAY_D G_GINT64_CONSTANT (1795478400)
#define DAY 86400

static const char *const serials[] = { "AB-0001", "AB-0002", "AB-0003" };

static void
close_connection (gpointer db)
{
  sqlite3_close (db);
}

/* A log of its own on the fixture's database (as another connection, or
 * another server instance, would see it). */
static AnbuReadingLog *
open_log (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  AnbuReadingLog *log;

  if (fixture->engine == ENGINE_POSTGRESQL)
    {
      log = anbu_pg_reading_log_open (fixture->location, &error);
      g_assert_no_error (error);
      g_assert_true (ANBU_IS_PG_READING_LOG (log));
    }
  else
    {
      sqlite3 *db = NULL;

      g_assert_cmpint (sqlite3_open (fixture->location, &db), ==, SQLITE_OK);
      sqlite3_busy_timeout (db, 30000);
      g_ptr_array_add (fixture->connections, db);
      log = anbu_sqlite_reading_log_new (db);
      g_assert_true (ANBU_IS_SQLITE_READING_LOG (log));
    }
  return log;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->engine = GPOINTER_TO_INT (data);
  fixture->connections = g_ptr_array_new_with_free_func (close_connection);
  fixture->location = anbu_test_database_new (fixture->engine == ENGINE_POSTGRESQL,
                                              "anbu-reading-log-XXXXXX", &fixture->dir);
  if (fixture->location == NULL)
    return;
  if (fixture->engine == ENGINE_SQLITE)
    {
      g_autoptr(GError) error = NULL;

      fixture->store = anbu_sqlite_store_open (fixture->location, &error);
      g_assert_no_error (error);
    }
  fixture->log = open_log (fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->log);
  g_clear_pointer (&fixture->connections, g_ptr_array_unref);
  g_clear_object (&fixture->store);
  if (fixture->dir != NULL)
    anbu_test_database_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->location);
}

/* Helpers */

static AnbuReadingLogEntry
entry (guint  plug,
       gint64 ts,
       double watts,
       double lux)
{
  return (AnbuReadingLogEntry) { plug, { ts, watts, lux } };
}

/* Appends `entries` and asserts which were stored ("1" new, "0" duplicate). */
static void
append (AnbuReadingLog            *log,
        const AnbuReadingLogEntry *entries,
        guint                      n,
        const char                *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree gboolean *stored = g_new0 (gboolean, n);
  g_autoptr(GString) got = g_string_new (NULL);

  g_assert_cmpuint (strlen (expected), ==, n);
  g_assert_true (anbu_reading_log_append (log, serials, G_N_ELEMENTS (serials), entries, n, stored,
                                          &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    g_string_append_c (got, stored[i] ? '1' : '0');
  g_assert_cmpstr (got->str, ==, expected);
}

static GArray *
read_range (AnbuReadingLog *log,
            const char     *serial,
            gint64          from,
            gint64          to)
{
  g_autoptr(GError) error = NULL;
  GArray *out = g_array_new (FALSE, FALSE, sizeof (AnbuReading));

  g_assert_true (anbu_reading_log_read_range (log, serial, from, to, out, &error));
  g_assert_no_error (error);
  for (guint i = 1; i < out->len; i++)
    g_assert_cmpint (g_array_index (out, AnbuReading, i - 1).ts, <,
                     g_array_index (out, AnbuReading, i).ts);
  return out;
}

/* The readings' times as text: "t1 t2 ...", relative to `origin`. */
static char *
times_of (GArray *readings,
          gint64  origin)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < readings->len; i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i > 0 ? " " : "",
                            g_array_index (readings, AnbuReading, i).ts - origin);
  return g_string_free (text, FALSE);
}

static char *
range_times (AnbuReadingLog *log,
             const char     *serial,
             gint64          from,
             gint64          to,
             gint64          origin)
{
  g_autoptr(GArray) readings = read_range (log, serial, from, to);

  return times_of (readings, origin);
}

static void
assert_range (AnbuReadingLog *log,
              const char     *serial,
              gint64          from,
              gint64          to,
              gint64          origin,
              const char     *expected)
{
  g_autofree char *got = range_times (log, serial, from, to, origin);

  g_assert_cmpstr (got, ==, expected);
}

/* The time of the neighbour of `ts`, or -1 when there is none. */
static gint64
neighbour (AnbuReadingLog *log,
           const char     *serial,
           gint64          ts,
           gboolean        after)
{
  g_autoptr(GError) error = NULL;
  AnbuReading reading = { 0 };
  gboolean found = TRUE;

  g_assert_true (anbu_reading_log_read_neighbour (log, serial, ts, after, &reading, &found, &error));
  g_assert_no_error (error);
  return found ? reading.ts : -1;
}

/* Cases */

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GArray) batch = g_array_new (FALSE, FALSE, sizeof (AnbuReadingLogEntry));
  g_autoptr(AnbuReadingLog) other = NULL;
  g_autoptr(GArray) first = NULL;
  g_autoptr(GArray) seen = NULL;
  g_autofree char *expected = NULL;
  gint64 t0 = DAY_D + 9 * 3600;

  if (fixture->log == NULL)
    return;
  /* One batch: a minute of three plugs, ten times over. */
  for (gint m = 0; m < 10; m++)
    for (guint p = 0; p < G_N_ELEMENTS (serials); p++)
      {
        AnbuReadingLogEntry item = entry (p, t0 + m * 60, 100.0 * p + m + 0.25, 3.5 * m);

        g_array_append_val (batch, item);
      }
  expected = g_strnfill (batch->len, '1');
  append (fixture->log, (AnbuReadingLogEntry *) (gpointer) batch->data, batch->len, expected);

  first = read_range (fixture->log, serials[1], t0, t0 + 3600);
  g_assert_cmpuint (first->len, ==, 10);
  for (guint m = 0; m < first->len; m++)
    {
      const AnbuReading *reading = &g_array_index (first, AnbuReading, m);

      g_assert_cmpint (reading->ts, ==, t0 + m * 60);
      g_assert_cmpfloat (reading->watts, ==, 100.0 + m + 0.25);
      g_assert_cmpfloat (reading->lux, ==, 3.5 * m);
    }

  /* Committed when append returned: another connection sees it all. */
  other = open_log (fixture);
  seen = read_range (other, serials[2], t0, t0 + 3600);
  g_assert_cmpuint (seen->len, ==, 10);
  g_assert_cmpfloat (g_array_index (seen, AnbuReading, 9).watts, ==, 209.25);

  /* The same batch again: all duplicates, nothing changes; a reading
   * repeated within a batch counts once (its first entry wins). */
  memset (expected, '0', batch->len);
  append (other, (AnbuReadingLogEntry *) (gpointer) batch->data, batch->len, expected);
  {
    AnbuReadingLogEntry twice[] = {
      entry (0, t0 + 600, 7.0, 1.0), entry (0, t0 + 600, 8.0, 2.0), entry (0, t0 + 9 * 60, 9.0, 9.0),
    };

    append (fixture->log, twice, G_N_ELEMENTS (twice), "100");
  }
  g_clear_pointer (&seen, g_array_unref);
  seen = read_range (fixture->log, serials[0], t0, t0 + 3600);
  g_assert_cmpuint (seen->len, ==, 11);
  g_assert_cmpfloat (g_array_index (seen, AnbuReading, 9).watts, ==, 9.25);
  g_assert_cmpfloat (g_array_index (seen, AnbuReading, 10).watts, ==, 7.0);
}

/* Every five minutes from 23:00 of day D to 01:00 of D + 1: quarter-hour
 * rows in SQLite, two day partitions in PostgreSQL. */
static void
test_boundaries (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GArray) batch = g_array_new (FALSE, FALSE, sizeof (AnbuReadingLogEntry));
  g_autofree char *expected = NULL;
  gint64 midnight = DAY_D + DAY;

  if (fixture->log == NULL)
    return;
  for (gint64 ts = midnight - 3600; ts <= midnight + 3600; ts += 300)
    {
      AnbuReadingLogEntry item = entry (0, ts, (double) (ts - midnight), 1.0);

      g_array_append_val (batch, item);
    }
  expected = g_strnfill (batch->len, '1');
  append (fixture->log, (AnbuReadingLogEntry *) (gpointer) batch->data, batch->len, expected);

  /* From inside one row to inside another, over midnight; `to` excluded. */
  assert_range (fixture->log, serials[0], midnight - 23 * 60, midnight + 1200, midnight, "-1200 -900 -600 -300 0 300 600 900");
  /* Exactly one quarter hour, from a row's first second. */
  assert_range (fixture->log, serials[0], midnight - 900, midnight, midnight, "-900 -600 -300");
  /* The whole span and more. */
  {
    g_autoptr(GArray) all = read_range (fixture->log, serials[0], DAY_D, midnight + DAY);

    g_assert_cmpuint (all->len, ==, batch->len);
    g_assert_cmpfloat (g_array_index (all, AnbuReading, 0).watts, ==, -3600.0);
  }

  /* Neighbours over the day's end. */
  g_assert_cmpint (neighbour (fixture->log, serials[0], midnight, FALSE), ==, midnight - 300);
  g_assert_cmpint (neighbour (fixture->log, serials[0], midnight - 300, TRUE), ==, midnight);
  g_assert_cmpint (neighbour (fixture->log, serials[0], midnight - 3600, FALSE), ==, -1);
  g_assert_cmpint (neighbour (fixture->log, serials[0], midnight + 3600, TRUE), ==, -1);
  g_assert_cmpint (neighbour (fixture->log, serials[0], midnight + 7 * 3600, FALSE), ==,
                   midnight + 3600);

  if (fixture->engine == ENGINE_POSTGRESQL)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) partitions = anbu_pg_reading_log_list_partitions (ANBU_PG_READING_LOG (fixture->log),
                                                                       &error);

      g_assert_no_error (error);
      g_assert_true (g_strv_contains ((const char * const *) partitions, "reading_p20261124"));
      g_assert_true (g_strv_contains ((const char * const *) partitions, "reading_p20261125"));
      /* The day after the last one, made ahead. */
      g_assert_true (g_strv_contains ((const char * const *) partitions, "reading_p20261126"));
    }
}

/* A gateway back from an outage resends, late and in no order. */
static void
test_late_out_of_order (Fixture       *fixture,
                        gconstpointer  data)
{
  gint64 t0 = DAY_D + 12 * 3600;
  AnbuReadingLogEntry live[] = {
    entry (0, t0 + 3000, 30.0, 0), entry (1, t0 + 3000, 31.0, 0), entry (0, t0 + 3060, 30.5, 0),
  };
  /* Older than what is stored, newest first, across rows and plugs, with
   * two readings already stored among them. */
  AnbuReadingLogEntry late[] = {
    entry (0, t0 + 2940, 29.0, 0), entry (1, t0 + 1200, 12.0, 0), entry (0, t0 + 3000, 99.0, 0),
    entry (0, t0 + 60, 1.0, 0), entry (0, t0 + 1800, 18.0, 0), entry (1, t0 + 3000, 99.0, 0),
    entry (0, t0, 0.5, 0), entry (0, t0 + 3030, 30.25, 0),
  };
  g_autoptr(GArray) readings = NULL;

  if (fixture->log == NULL)
    return;
  append (fixture->log, live, G_N_ELEMENTS (live), "111");
  append (fixture->log, late, G_N_ELEMENTS (late), "11011011");

  assert_range (fixture->log, serials[0], t0, t0 + 3600, t0, "0 60 1800 2940 3000 3030 3060");
  assert_range (fixture->log, serials[1], t0, t0 + 3600, t0, "1200 3000");

  /* The stored reading kept its first value. */
  readings = read_range (fixture->log, serials[0], t0 + 3000, t0 + 3001);
  g_assert_cmpuint (readings->len, ==, 1);
  g_assert_cmpfloat (g_array_index (readings, AnbuReading, 0).watts, ==, 30.0);

  /* Late readings are found as neighbours like any other. */
  g_assert_cmpint (neighbour (fixture->log, serials[0], t0 + 2940, FALSE), ==, t0 + 1800);
  g_assert_cmpint (neighbour (fixture->log, serials[0], t0 + 3000, TRUE), ==, t0 + 3030);
  g_assert_cmpint (neighbour (fixture->log, serials[1], t0 + 3000, FALSE), ==, t0 + 1200);
}

/* Three days of readings every ten minutes; retention at the start of day D
 * folds the two days before it into hours and keeps day D whole. */
static void
test_retention (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GArray) batch = g_array_new (FALSE, FALSE, sizeof (AnbuReadingLogEntry));
  g_autoptr(GArray) hours = g_array_new (FALSE, FALSE, sizeof (AnbuReadingHour));
  g_autoptr(GArray) old = NULL;
  g_autoptr(GArray) kept = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  guint64 folded = 0;
  guint n_old = 0, n_kept = 0;

  if (fixture->log == NULL)
    return;
  for (gint64 ts = DAY_D - 2 * DAY; ts < DAY_D + DAY; ts += 600)
    for (guint p = 0; p < 2; p++)
      {
        /* Watts: the minute of the hour, so an hour's fold is known. */
        AnbuReadingLogEntry item = entry (p, ts, (double) ((ts % 3600) / 60) + p, 2.0);

        g_array_append_val (batch, item);
        if (ts < DAY_D)
          n_old++;
        else
          n_kept++;
      }
  expected = g_strnfill (batch->len, '1');
  append (fixture->log, (AnbuReadingLogEntry *) (gpointer) batch->data, batch->len, expected);

  g_assert_true (anbu_reading_log_fold_before (fixture->log, DAY_D, &folded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (folded, ==, n_old);

  old = read_range (fixture->log, serials[0], DAY_D - 3 * DAY, DAY_D);
  g_assert_cmpuint (old->len, ==, 0);
  kept = read_range (fixture->log, serials[0], DAY_D, DAY_D + DAY);
  g_assert_cmpuint (kept->len, ==, n_kept / 2);
  g_assert_cmpint (g_array_index (kept, AnbuReading, 0).ts, ==, DAY_D);

  /* Each old hour of plug 1: six readings, watts 1, 11, ... 51. */
  g_assert_true (anbu_reading_log_read_hours (fixture->log, serials[1], DAY_D - 3 * DAY,
                                              DAY_D + DAY, hours, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hours->len, ==, 48);
  for (guint h = 0; h < hours->len; h++)
    {
      const AnbuReadingHour *hour = &g_array_index (hours, AnbuReadingHour, h);

      g_assert_cmpint (hour->hour, ==, DAY_D - 2 * DAY + h * 3600);
      g_assert_cmpint (hour->n, ==, 6);
      g_assert_cmpfloat (hour->watts_min, ==, 1.0);
      g_assert_cmpfloat (hour->watts_max, ==, 51.0);
      g_assert_cmpfloat (hour->watts_sum, ==, 156.0);
      g_assert_cmpfloat (hour->lux_sum, ==, 12.0);
    }

  /* A second pass finds nothing more to fold and counts nothing twice. */
  g_assert_true (anbu_reading_log_fold_before (fixture->log, DAY_D + 1800, &folded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (folded, ==, 0);
  g_array_set_size (hours, 0);
  g_assert_true (anbu_reading_log_read_hours (fixture->log, serials[1], DAY_D - 3 * DAY,
                                              DAY_D + DAY, hours, &error));
  g_assert_cmpuint (hours->len, ==, 48);
  g_assert_cmpint (g_array_index (hours, AnbuReadingHour, 47).n, ==, 6);
  g_clear_pointer (&kept, g_array_unref);
  kept = read_range (fixture->log, serials[1], DAY_D, DAY_D + DAY);
  g_assert_cmpuint (kept->len, ==, n_kept / 2);

  if (fixture->engine == ENGINE_POSTGRESQL)
    {
      g_auto(GStrv) partitions = anbu_pg_reading_log_list_partitions (ANBU_PG_READING_LOG (fixture->log),
                                                                       &error);

      g_assert_no_error (error);
      g_assert_false (g_strv_contains ((const char * const *) partitions, "reading_p20261122"));
      g_assert_false (g_strv_contains ((const char * const *) partitions, "reading_p20261123"));
      g_assert_true (g_strv_contains ((const char * const *) partitions, "reading_p20261124"));
    }
}

static void
test_empty_range (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GArray) hours = g_array_new (FALSE, FALSE, sizeof (AnbuReadingHour));
  g_autoptr(GError) error = NULL;
  gint64 t0 = DAY_D + 6 * 3600;
  AnbuReadingLogEntry two[] = { entry (0, t0, 1.0, 1.0), entry (0, t0 + 7200, 2.0, 2.0) };
  guint64 folded = 1;

  if (fixture->log == NULL)
    return;
  /* Nothing stored at all. */
  assert_range (fixture->log, serials[0], DAY_D, DAY_D + DAY, 0, "");
  g_assert_cmpint (neighbour (fixture->log, serials[0], t0, FALSE), ==, -1);
  g_assert_true (anbu_reading_log_fold_before (fixture->log, DAY_D, &folded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (folded, ==, 0);
  append (fixture->log, two, 0, "");

  append (fixture->log, two, G_N_ELEMENTS (two), "11");
  /* Between two stored readings, an empty span, another plug, a reversed
   * range. */
  assert_range (fixture->log, serials[0], t0 + 1, t0 + 7200, t0, "");
  assert_range (fixture->log, serials[0], t0 + 7200, t0 + 7200, t0, "");
  assert_range (fixture->log, serials[1], DAY_D, DAY_D + DAY, t0, "");
  assert_range (fixture->log, serials[0], t0 + 7200, t0, t0, "");
  assert_range (fixture->log, serials[0], t0, t0 + 7201, t0, "0 7200");
  g_assert_true (anbu_reading_log_read_hours (fixture->log, serials[0], DAY_D, DAY_D + DAY, hours,
                                              &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hours->len, ==, 0);
}

/* Another connection (another server instance) folds a day this one has
 * written to; a reading of that day sent after it is stored all the same
 * (PostgreSQL: the dropped partition is made again). */
static void
test_after_other_retention (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(AnbuReadingLog) other = NULL;
  g_autoptr(GError) error = NULL;
  AnbuReadingLogEntry first[] = { entry (0, DAY_D - DAY + 100, 1.0, 1.0) };
  AnbuReadingLogEntry later[] = { entry (0, DAY_D - DAY + 200, 2.0, 2.0) };
  guint64 folded = 0;

  if (fixture->log == NULL)
    return;
  other = open_log (fixture);
  append (fixture->log, first, G_N_ELEMENTS (first), "1");
  g_assert_true (anbu_reading_log_fold_before (other, DAY_D, &folded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (folded, ==, 1);
  assert_range (fixture->log, serials[0], DAY_D - DAY, DAY_D, DAY_D - DAY, "");

  append (fixture->log, later, G_N_ELEMENTS (later), "1");
  assert_range (other, serials[0], DAY_D - DAY, DAY_D, DAY_D - DAY, "200");
}

static void
exec_on (PGconn     *conn,
         const char *sql)
{
  PGresult *result = PQexec (conn, sql);

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
  PQclear (result);
}

/* PostgreSQL, on a connection given to the log (as telemetry's is):
 * batches appended inside the caller's transaction, a resend among them,
 * are stored only when it commits; rolled back, nothing is, and the same
 * batches are new again. Inside it no partition is made (its DDL would
 * lock every other writer out): a day not prepared fails the batch and
 * makes nothing; prepared ahead, it is taken. */
static void
test_in_caller_transaction (Fixture       *fixture,
                            gconstpointer  data)
{
  const AnbuReadingLogEntry first[] = { entry (0, DAY_D + 60, 1, 2), entry (0, DAY_D + 120, 3, 4) };
  const AnbuReadingLogEntry resend[] = { entry (0, DAY_D + 120, 3, 4),
                                         entry (0, DAY_D + 180, 5, 6) };
  const AnbuReadingLogEntry far[] = { entry (1, DAY_D + 30 * DAY + 60, 1, 1) };
  const gint64 times[] = { DAY_D + 60 };
  const gint64 far_times[] = { DAY_D + 30 * DAY + 60 };
  g_autoptr(AnbuReadingLog) log = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) partitions = NULL;
  gboolean stored[G_N_ELEMENTS (far)];
  PGconn *conn;

  if (fixture->location == NULL)
    return;
  conn = PQconnectdb (fixture->location);
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  log = anbu_pg_reading_log_new_on_connection (conn, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (anbu_reading_log_prepare (log, times, G_N_ELEMENTS (times), &error));
  g_assert_no_error (error);

  for (guint commit = 0; commit < 2; commit++)
    {
      exec_on (conn, "BEGIN");
      append (log, first, G_N_ELEMENTS (first), "11");
      append (log, resend, G_N_ELEMENTS (resend), "01");
      append (log, resend, G_N_ELEMENTS (resend), "00");
      /* Read inside the transaction, and not yet from elsewhere. */
      assert_range (log, serials[0], DAY_D, DAY_D + DAY, DAY_D, "60 120 180");
      assert_range (fixture->log, serials[0], DAY_D, DAY_D + DAY, DAY_D, "");
      exec_on (conn, commit ? "COMMIT" : "ROLLBACK");
      assert_range (fixture->log, serials[0], DAY_D, DAY_D + DAY, DAY_D,
                    commit ? "60 120 180" : "");
    }

  exec_on (conn, "BEGIN");
  g_assert_false (anbu_reading_log_append (log, serials, G_N_ELEMENTS (serials), far,
                                           G_N_ELEMENTS (far), stored, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  exec_on (conn, "ROLLBACK");
  partitions = anbu_pg_reading_log_list_partitions (ANBU_PG_READING_LOG (fixture->log), &error);
  g_assert_no_error (error);
  g_assert_false (g_strv_contains ((const char * const *) partitions, "reading_p20261224"));

  g_assert_true (anbu_reading_log_prepare (log, far_times, G_N_ELEMENTS (far_times), &error));
  g_assert_no_error (error);
  exec_on (conn, "BEGIN");
  append (log, far, G_N_ELEMENTS (far), "1");
  exec_on (conn, "COMMIT");
  assert_range (fixture->log, serials[1], DAY_D + 30 * DAY, DAY_D + 31 * DAY, DAY_D + 30 * DAY,
                "60");

  g_clear_object (&log);
  PQfinish (conn);
}

/* PostgreSQL: readings stored under the first schema, (serial, ts) day
 * partitions, are still there after the step that numbers the plugs:
 * read back alike, a resend of one is a duplicate, their day folds and
 * drops, and the partitions keep their names. */
static void
test_schema_step_numbered_plugs (Fixture       *fixture,
                                 gconstpointer  data)
{
  const AnbuReadingLogEntry resend[] = { entry (1, DAY_D + 120, 9, 9), entry (1, DAY_D + 180, 5, 6) };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) kept = NULL;
  g_auto(GStrv) partitions = NULL;
  guint64 folded = 0;
  PGconn *conn;

  if (fixture->location == NULL)
    return;
  g_clear_object (&fixture->log);
  conn = PQconnectdb (fixture->location);
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  /* The tables as schema step 1 made them, with a day before D and D. */
  exec_on (conn, "DROP VIEW reading_with_serial; DROP TABLE reading, reading_plug;"
           "UPDATE anbu_reading_schema SET version = 1;"
           "CREATE TABLE reading (serial text NOT NULL, ts bigint NOT NULL,"
           " watts double precision NOT NULL, lux double precision NOT NULL,"
           " PRIMARY KEY (serial, ts)) PARTITION BY RANGE (ts);"
           "CREATE TABLE reading_p20261123 PARTITION OF reading FOR VALUES FROM (1795392000) TO (1795478400);"
           "CREATE TABLE reading_p20261124 PARTITION OF reading FOR VALUES FROM (1795478400) TO (1795564800);"
           "INSERT INTO reading VALUES ('AB-0001', 1795392000 + 60, 1.5, 2), ('AB-0001', 1795478400 + 60, 3, 4),"
           " ('AB-0002', 1795478400 + 60, 7, 8), ('AB-0002', 1795478400 + 120, 9, 10),"
           " ('AB-0003', 1795392000 + 120, 11, 12)");
  PQfinish (conn);

  fixture->log = open_log (fixture);
  assert_range (fixture->log, serials[0], DAY_D - DAY, DAY_D + DAY, DAY_D - DAY, "60 86460");
  assert_range (fixture->log, serials[2], DAY_D - DAY, DAY_D + DAY, DAY_D - DAY, "120");
  kept = read_range (fixture->log, serials[1], DAY_D, DAY_D + DAY);
  g_assert_cmpuint (kept->len, ==, 2);
  g_assert_cmpfloat (g_array_index (kept, AnbuReading, 1).watts, ==, 9.0);
  g_assert_cmpfloat (g_array_index (kept, AnbuReading, 1).lux, ==, 10.0);
  g_assert_cmpint (neighbour (fixture->log, serials[0], DAY_D, FALSE), ==, DAY_D - DAY + 60);

  append (fixture->log, resend, G_N_ELEMENTS (resend), "01");
  assert_range (fixture->log, serials[1], DAY_D, DAY_D + DAY, DAY_D, "60 120 180");

  g_assert_true (anbu_reading_log_fold_before (fixture->log, DAY_D, &folded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (folded, ==, 2);
  assert_range (fixture->log, serials[0], DAY_D - DAY, DAY_D + DAY, DAY_D - DAY, "86460");
  partitions = anbu_pg_reading_log_list_partitions (ANBU_PG_READING_LOG (fixture->log), &error);
  g_assert_no_error (error);
  g_assert_false (g_strv_contains ((const char * const *) partitions, "reading_p20261123"));
  g_assert_true (g_strv_contains ((const char * const *) partitions, "reading_p20261124"));
  g_assert_cmpuint (g_strv_length (partitions), ==, 2);  /* D and the day after it */
}

static void
add_case (const char *name,
          void      (*test) (Fixture *, gconstpointer))
{
  for (Engine engine = ENGINE_SQLITE; engine <= ENGINE_POSTGRESQL; engine++)
    {
      g_autofree char *path = g_strdup_printf ("/reading-log/%s/%s",
                                               engine == ENGINE_SQLITE ? "sqlite" : "postgresql", name);

      g_test_add (path, Fixture, GINT_TO_POINTER (engine), fixture_setup, test, fixture_teardown);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  add_case ("round-trip", test_round_trip);
  add_case ("boundaries", test_boundaries);
  add_case ("late-out-of-order", test_late_out_of_order);
  add_case ("retention", test_retention);
  add_case ("empty-range", test_empty_range);
  add_case ("after-other-retention", test_after_other_retention);
  g_test_add ("/reading-log/postgresql/schema-step-numbered-plugs", Fixture,
              GINT_TO_POINTER (ENGINE_POSTGRESQL), fixture_setup, test_schema_step_numbered_plugs,
              fixture_teardown);
  g_test_add ("/reading-log/postgresql/in-caller-transaction", Fixture,
              GINT_TO_POINTER (ENGINE_POSTGRESQL), fixture_setup, test_in_caller_transaction,
              fixture_teardown);

  return anbu_test_postgres_run_tests ();
}
