/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The readings' storage on PostgreSQL (AnbuPgReadingLog): the raw COPY
 * rate into the day-partitioned table, the rate of the log's own append
 * (COPY into a temporary table, then moved in skipping duplicates, one
 * commit per batch), and both again on a second database whose readings
 * table was first grown by millions of rows (the growth check).
 *
 *   bench-reading-log --postgres postgresql://USER@HOST:PORT/DB [--plugs 1000] [--batches 200]
 *                     [--grow 5000000] [--rounds 3]
 *
 * The user must be allowed to create databases: the bench makes
 * bench_readings_empty and bench_readings_grown next to DB. A throwaway
 * PostgreSQL 15: tests/server/anbu-test-postgres.sh BINDIR DIR PORT.
 *
 * CPU time is counted in this process and in the PostgreSQL backend of the
 * connection (read from /proc: run it on the same machine as PostgreSQL,
 * as a user who may read the backend's /proc entry, e.g. root); on a
 * loaded machine that is the cost, where wall time mostly measures load. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "anbu-pg-reading-log.h"
#include "anbu-bench-util.h"

#define DAY 86400
/* 2026-12-04 12:00 UTC: the batches' minutes start here. */
#define MEASURE_START ((gint64) 1795478400 + 10 * DAY + 12 * 3600)

static char *postgres_uri = NULL;
static gint plugs = 1000;
static gint batches = 200;
static gint64 grow = 5000000;
static gint rounds = 3;

/* User + system CPU seconds of process `pid` (a PostgreSQL backend), -1
 * when /proc does not tell. */
static double
backend_cpu_s (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  const char *after;
  unsigned long utime, stime;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (after = strrchr (text, ')')) == NULL)
    return -1;
  /* Fields 14 and 15 (utime, stime) count from the state, field 3. */
  if (sscanf (after + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
    return -1;
  return (double) (utime + stime) / (double) sysconf (_SC_CLK_TCK);
}

static PGconn *
connect_or_die (const char *conninfo)
{
  PGconn *conn = PQconnectdb (conninfo);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Cannot connect: %s", PQerrorMessage (conn));
  return conn;
}

static void
exec_or_die (PGconn     *conn,
             const char *sql)
{
  PGresult *result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  PQclear (result);
}

static int
pid_of (PGconn     *conn,
        const char *application)
{
  g_autofree char *sql = g_strdup_printf ("SELECT pid FROM pg_stat_activity WHERE application_name = '%s'"
                                          " AND datname = current_database ()", application);
  PGresult *result = PQexec (conn, sql);
  int pid = PQntuples (result) == 1 ? atoi (PQgetvalue (result, 0, 0)) : -1;

  PQclear (result);
  return pid;
}

typedef struct
{
  const char     *label;
  char           *conninfo;
  PGconn         *raw;        /* COPY straight into `reading` */
  int             raw_pid;
  AnbuReadingLog *log;
  int             log_pid;
} Target;

static void
target_open (Target     *target,
             PGconn     *admin,
             const char *label,
             const char *database)
{
  g_autofree char *drop = g_strdup_printf ("DROP DATABASE IF EXISTS %s", database);
  g_autofree char *create = g_strdup_printf ("CREATE DATABASE %s", database);
  g_autofree char *raw_conninfo = NULL;
  g_autoptr(GError) error = NULL;

  exec_or_die (admin, drop);
  exec_or_die (admin, create);
  target->label = label;
  target->conninfo = g_strdup_printf ("host=%s port=%s user=%s dbname=%s", PQhost (admin),
                                      PQport (admin), PQuser (admin), database);
  target->log = anbu_pg_reading_log_open (target->conninfo, &error);
  if (target->log == NULL)
    g_error ("%s", error->message);
  raw_conninfo = g_strconcat (target->conninfo, " application_name=bench-raw", NULL);
  target->raw = connect_or_die (raw_conninfo);
  target->raw_pid = pid_of (target->raw, "bench-raw");
  target->log_pid = pid_of (target->raw, "anbu-server");
}

static void
target_close (Target *target)
{
  g_clear_object (&target->log);
  g_clear_pointer (&target->raw, PQfinish);
  g_free (target->conninfo);
}

/* One entry per plug for minute `minute` after MEASURE_START. */
static void
fill_batch (GArray *entries,
            gint64  minute)
{
  g_array_set_size (entries, plugs);
  for (gint p = 0; p < plugs; p++)
    g_array_index (entries, AnbuReadingLogEntry, p) = (AnbuReadingLogEntry) {
      (guint) p, { MEASURE_START + minute * 60, 20.0 + p % 7, 100.0 + minute % 13 } };
}

typedef struct
{
  double rate;      /* readings per wall second */
  double cpu_us;    /* CPU µs per reading, this process and the backend */
  double backend_us;  /* of which the backend's */
} Figure;

static Figure
measure_raw (Target *target,
             gint64  first_minute)
{
  GString *rows = g_string_sized_new ((gsize) plugs * 48);
  double t0 = anbu_bench_now_s (), c0 = anbu_bench_process_cpu_s (), b0 = backend_cpu_s (target->raw_pid);
  Figure figure;

  for (gint b = 0; b < batches; b++)
    {
      /* The log's plugs, half a minute after its readings: the same part
       * of the index, no reading twice. */
      gint64 ts = MEASURE_START + (first_minute + b) * 60 + 30;
      PGresult *result;

      g_string_truncate (rows, 0);
      for (gint p = 0; p < plugs; p++)
        g_string_append_printf (rows, "P-%07d\t%" G_GINT64_FORMAT "\t%d.5\t%d\n", p, ts, 20 + p % 7,
                                100 + b % 13);
      exec_or_die (target->raw, "BEGIN");
      result = PQexec (target->raw, "COPY reading (serial, ts, watts, lux) FROM STDIN");
      if (PQresultStatus (result) != PGRES_COPY_IN)
        g_error ("COPY: %s", PQerrorMessage (target->raw));
      PQclear (result);
      if (PQputCopyData (target->raw, rows->str, (int) rows->len) != 1
          || PQputCopyEnd (target->raw, NULL) != 1)
        g_error ("COPY: %s", PQerrorMessage (target->raw));
      while ((result = PQgetResult (target->raw)) != NULL)
        {
          if (PQresultStatus (result) != PGRES_COMMAND_OK)
            g_error ("COPY: %s", PQerrorMessage (target->raw));
          PQclear (result);
        }
      exec_or_die (target->raw, "COMMIT");
    }
  figure.rate = (double) plugs * batches / (anbu_bench_now_s () - t0);
  figure.backend_us = (backend_cpu_s (target->raw_pid) - b0) * 1e6 / ((double) plugs * batches);
  figure.cpu_us = (anbu_bench_process_cpu_s () - c0) * 1e6 / ((double) plugs * batches) + figure.backend_us;
  g_string_free (rows, TRUE);
  return figure;
}

static Figure
measure_log (Target      *target,
             const char **serials,
             gint64       first_minute)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (AnbuReadingLogEntry));
  g_autofree gboolean *stored = g_new (gboolean, plugs);
  double t0 = anbu_bench_now_s (), c0 = anbu_bench_process_cpu_s (), b0 = backend_cpu_s (target->log_pid);
  Figure figure;

  for (gint b = 0; b < batches; b++)
    {
      g_autoptr(GError) error = NULL;

      fill_batch (entries, first_minute + b);
      if (!anbu_reading_log_append (target->log, serials, (guint) plugs,
                                    (AnbuReadingLogEntry *) (gpointer) entries->data, entries->len,
                                    stored, &error))
        g_error ("%s", error->message);
      if (!stored[0] || !stored[plugs - 1])
        g_error ("A new reading was taken for a duplicate");
    }
  figure.rate = (double) plugs * batches / (anbu_bench_now_s () - t0);
  figure.backend_us = (backend_cpu_s (target->log_pid) - b0) * 1e6 / ((double) plugs * batches);
  figure.cpu_us = (anbu_bench_process_cpu_s () - c0) * 1e6 / ((double) plugs * batches) + figure.backend_us;
  return figure;
}

/* The day partitions over [from, to], made by the log as a batch reaching
 * them would (a marker reading of its own each). */
static void
make_days (Target *target,
           gint64  from,
           gint64  to)
{
  static const char *const marker_serial[] = { "MARKER" };
  AnbuReadingLogEntry marker = { 0, { 0, 0, 0 } };
  gboolean stored;

  for (gint64 day = from - from % DAY; day <= to; day += DAY)
    {
      g_autoptr(GError) error = NULL;

      marker.reading.ts = day;
      if (!anbu_reading_log_append (target->log, marker_serial, 1, &marker, 1, &stored, &error))
        g_error ("%s", error->message);
    }
}

/* `grow` readings of the same plugs, a reading a minute, ending where the
 * measurement starts: the last half day lands in the partition the
 * batches go to, the rest in the days before. */
static void
grow_readings (Target *target)
{
  gint64 minutes = grow / plugs;
  gint64 first = MEASURE_START - minutes * 60;
  g_autofree char *sql = NULL;

  make_days (target, first, MEASURE_START);
  sql = g_strdup_printf ("INSERT INTO reading SELECT 'P-' || lpad (p::text, 7, '0'), t, 3.0, 10.0"
                         " FROM generate_series (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", 60) t,"
                         " generate_series (0, %d) p ON CONFLICT DO NOTHING",
                         first, MEASURE_START - 60, plugs - 1);
  exec_or_die (target->raw, sql);
  exec_or_die (target->raw, "VACUUM ANALYZE reading");
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "postgres", 0, 0, G_OPTION_ARG_STRING, &postgres_uri, "A PostgreSQL database (user may create databases)", "URI" },
    { "plugs", 0, 0, G_OPTION_ARG_INT, &plugs, "Plugs (readings per batch)", "N" },
    { "batches", 0, 0, G_OPTION_ARG_INT, &batches, "Batches per measurement", "N" },
    { "grow", 0, 0, G_OPTION_ARG_INT64, &grow, "Readings added to the second database first", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Rounds (the best counts)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) serial_texts = g_ptr_array_new_with_free_func (g_free);
  Target empty = { 0 }, grown = { 0 };
  Figure best[4] = { { 0, G_MAXDOUBLE, 0 }, { 0, G_MAXDOUBLE, 0 }, { 0, G_MAXDOUBLE, 0 },
                     { 0, G_MAXDOUBLE, 0 } };
  const char *names[4] = { "raw COPY, empty table", "log append, empty table",
                           "raw COPY, grown table", "log append, grown table" };
  gint64 minute = 0;
  PGconn *admin;
  double t0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || postgres_uri == NULL)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "--postgres URI is needed");
      return 2;
    }
  for (gint p = 0; p < plugs; p++)
    g_ptr_array_add (serial_texts, g_strdup_printf ("P-%07d", p));

  admin = connect_or_die (postgres_uri);
  exec_or_die (admin, "SET client_min_messages = warning");
  target_open (&empty, admin, "empty", "bench_readings_empty");
  target_open (&grown, admin, "grown", "bench_readings_grown");
  if (backend_cpu_s (empty.raw_pid) < 0 || backend_cpu_s (empty.log_pid) < 0)
    printf ("(the backends' CPU time is not readable here: CPU figures count this process only)\n");

  t0 = anbu_bench_now_s ();
  make_days (&empty, MEASURE_START, MEASURE_START + (gint64) rounds * batches * 60);
  make_days (&grown, MEASURE_START, MEASURE_START + (gint64) rounds * batches * 60);
  grow_readings (&grown);
  printf ("second database's readings grown by %" G_GINT64_FORMAT " readings in %.1f s\n",
          grow, anbu_bench_now_s () - t0);

  for (gint r = 0; r < rounds; r++)
    {
      Figure figures[4];

      figures[0] = measure_raw (&empty, minute);
      figures[1] = measure_log (&empty, (const char **) serial_texts->pdata, minute);
      figures[2] = measure_raw (&grown, minute);
      figures[3] = measure_log (&grown, (const char **) serial_texts->pdata, minute);
      minute += batches;
      for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
        {
          printf ("round %d, %s, batches of %d: %.0f readings/s, CPU %.2f µs per reading"
                  " (PostgreSQL backend %.2f µs)\n", r + 1, names[i], plugs, figures[i].rate,
                  figures[i].cpu_us, figures[i].backend_us);
          best[i].rate = MAX (best[i].rate, figures[i].rate);
          if (figures[i].cpu_us < best[i].cpu_us)
            {
              best[i].cpu_us = figures[i].cpu_us;
              best[i].backend_us = figures[i].backend_us;
            }
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (best); i++)
    printf ("best, %s: %.0f readings/s, CPU %.2f µs per reading (PostgreSQL backend %.2f µs)\n",
            names[i], best[i].rate, best[i].cpu_us, best[i].backend_us);
  printf ("growth check, %" G_GINT64_FORMAT " more readings: raw COPY CPU per reading x%.2f,"
          " log append x%.2f of the empty table's (wall-clock rate x%.2f, x%.2f)\n", grow,
          best[2].cpu_us / best[0].cpu_us, best[3].cpu_us / best[1].cpu_us,
          best[0].rate / best[2].rate, best[1].rate / best[3].rate);

  target_close (&empty);
  target_close (&grown);
  PQfinish (admin);
  return 0;
}
