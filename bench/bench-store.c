/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The storage interface on each engine (issue 16): a push of 500 visits
 * to 500 households, as the store sees it (the batch calls of
 * anbu-mutations.c: stored results, households, open signals and facts
 * read in one call each, the visits, stored results and access-log lines
 * written in one call each, one transaction) and as the server applies it
 * (anbu_mutations_apply, the whole push but HTTP); and a planner's first
 * pull of a 동 of 2,000 households with those visits, in pages of 500. On
 * a temporary SQLite file, and on PostgreSQL when given an empty database.
 * Wall and CPU time of this thread: on a shared machine wall time
 * stretches with the load, and PostgreSQL's own work shows only in wall
 * time.
 *
 *   bench-store [--postgres postgresql://USER@HOST:PORT/DB] [--rounds N]
 *
 * A throwaway PostgreSQL 15: tests/server/anbu-test-postgres.sh BINDIR DIR PORT
 * (prints "ready", stops when its standard input closes).
 */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include <glib/gstdio.h>

#include "anbu-clock.h"
#include "anbu-metrics.h"
#include "anbu-mutations.h"
#include "anbu-store.h"

#define HOUSEHOLDS 2000
#define VISITS 500
#define PAGE 500
#define DONG "1111051500"
#define PLANNER_ID "4732d449-ccd7-49b3-b16e-eb26bfd6a0b5"
/* 2026-11-25 10:00 KST */
#define NOW_SECONDS G_GINT64_CONSTANT (1796000400)

static const char *const sqlite_suffixes[] = { "", "-wal", "-shm" };

static char *postgres_uri = NULL;
static int rounds = 5;

static void
check (gboolean    ok,
       GError     *error,
       const char *what)
{
  if (!ok)
    g_error ("%s: %s", what, error != NULL ? error->message : "failed");
}

/* A UUID, as the app makes them. */
static char *
household_id (guint i)
{
  return g_strdup_printf ("00000000-0000-4000-8000-%012u", i);
}

static void
save_or_die (AnbuStore       *store,
             AnbuStoreEntity *entity)
{
  g_autoptr(GError) error = NULL;

  check (anbu_store_save (store, entity, &error), error, "save");
}

static void
seed_households (AnbuStore *store)
{
  g_autoptr(GError) error = NULL;

  check (anbu_store_begin (store, &error), error, "begin");
  for (guint i = 0; i < HOUSEHOLDS; i++)
    {
      g_autoptr(AnbuStoreEntity) household = anbu_store_entity_new (ANBU_RECORD_KIND_HOUSEHOLD);

      household->id = household_id (i);
      household->record = g_strdup_printf ("{\"id\":\"%s\",\"dong_code\":\"" DONG "\",\"name\":\"가구 %u\","
                                           "\"address\":\"서울특별시 종로구 자하문로 %u\"}",
                                           household->id, i, i);
      household->version = 1;
      household->scope_key.dong_code = g_strdup (DONG);
      household->scope_key.status = g_strdup ("active");
      save_or_die (store, household);
    }
  check (anbu_store_commit (store, &error), error, "commit");
}

typedef struct
{
  gint64 wall;   /* µs */
  gint64 cpu;    /* µs of this thread */
} Timing;

static gint64
cpu_usec (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static Timing
timing_start (void)
{
  return (Timing) { g_get_monotonic_time (), cpu_usec () };
}

static Timing
timing_since (Timing start)
{
  return (Timing) { g_get_monotonic_time () - start.wall, cpu_usec () - start.cpu };
}

/* The VISITS households a push visits: spread over the 동. */
static char *
visited_household (guint i)
{
  return household_id ((i * 7) % HOUSEHOLDS);
}

/* The store's share of one push of VISITS new visits, call by call as
 * anbu-mutations.c makes them. */
static Timing
push_visits (AnbuStore *store,
             guint      round)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) mutation_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) visit_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) households = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) visits = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_store_entity_free);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_stored_mutation_free);
  g_autoptr(GPtrArray) found = NULL;
  AnbuAccessEntry access = { 0, NULL, (char *) PLANNER_ID, (char *) "kim.planner", (char *) "127.0.0.1",
                             (char *) "POST", (char *) "/api/v1/mutations", NULL, ANBU_ACCESS_WRITE };
  Timing start;

  for (guint i = 0; i < VISITS; i++)
    {
      AnbuStoreEntity *visit = anbu_store_entity_new (ANBU_RECORD_KIND_VISIT);
      AnbuStoredMutation *result = g_new0 (AnbuStoredMutation, 1);

      g_ptr_array_add (mutation_ids, g_strdup_printf ("mutation-%u-%u", round, i));
      g_ptr_array_add (visit_ids, g_strdup_printf ("visit-%u-%u", round, i));
      g_ptr_array_add (households, visited_household (i));
      visit->id = g_strdup (visit_ids->pdata[i]);
      visit->household_id = g_strdup (households->pdata[i]);
      visit->record = g_strdup_printf ("{\"id\":\"%s\",\"household_id\":\"%s\",\"purpose\":\"regular\","
                                       "\"outcome\":\"만나서 안부 확인\"}", visit->id, visit->household_id);
      visit->version = 1;
      g_ptr_array_add (visits, visit);
      result->id = g_strdup (mutation_ids->pdata[i]);
      result->user_id = g_strdup (PLANNER_ID);
      result->kind = g_strdup ("visit.create");
      result->payload = g_strdup (visit->record);
      result->result = g_strdup_printf ("{\"id\":\"%s\",\"status\":\"applied\",\"version\":1,\"record\":%s}",
                                        result->id, visit->record);
      g_ptr_array_add (results, result);
    }
  g_ptr_array_add (mutation_ids, NULL);
  g_ptr_array_add (visit_ids, NULL);
  g_ptr_array_add (households, NULL);

  start = timing_start ();
  check (anbu_store_begin (store, &error), error, "begin");
  found = anbu_store_find_mutations (store, (const char * const *) mutation_ids->pdata, &error);
  check (found != NULL && found->len == 0, error, "find mutations");
  g_clear_pointer (&found, g_ptr_array_unref);
  found = anbu_store_load_many (store, ANBU_RECORD_KIND_HOUSEHOLD, (const char * const *) households->pdata, &error);
  check (found != NULL && found->len == VISITS, error, "load households");
  g_clear_pointer (&found, g_ptr_array_unref);
  found = anbu_store_list_unresolved_alerts_of (store, (const char * const *) households->pdata, &error);
  check (found != NULL, error, "open signals");
  g_clear_pointer (&found, g_ptr_array_unref);
  found = anbu_store_load_many (store, ANBU_RECORD_KIND_VISIT, (const char * const *) visit_ids->pdata, &error);
  check (found != NULL && found->len == 0, error, "load visits");
  check (anbu_store_add_facts (store, visits, &error), error, "add visits");
  check (anbu_store_add_mutations (store, results, &error), error, "add stored results");
  check (anbu_store_log_access (store, &access, (const char * const *) households->pdata, &error),
         error, "access log");
  check (anbu_store_commit (store, &error), error, "commit");
  return timing_since (start);
}

/* The same push as the server applies it. */
static Timing
apply_visits (AnbuStore   *store,
              AnbuMetrics *metrics,
              guint        round)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) batch = g_string_new ("{\"mutations\": [");
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) results = NULL;
  char *dongs[] = { (char *) DONG, NULL };
  AnbuStoreUser planner = { (char *) PLANNER_ID, (char *) "kim.planner", (char *) "김 주무관",
                            ANBU_USER_ROLE_PLANNER, dongs, (char *) "x", FALSE };
  AnbuScope scope = { ANBU_USER_ROLE_PLANNER, dongs, PLANNER_ID };
  AnbuAccessEntry access = { 0, NULL, (char *) PLANNER_ID, (char *) "kim.planner", (char *) "127.0.0.1",
                             (char *) "POST", (char *) "/api/v1/mutations", NULL, ANBU_ACCESS_WRITE };
  JsonArray *entries;
  JsonArray *answers;
  Timing start;

  for (guint i = 0; i < VISITS; i++)
    {
      g_autofree char *household = visited_household (i);

      g_string_append_printf (batch, "%s{\"id\": \"%08x-1111-4000-8000-%012u\", \"kind\": \"visit.create\","
                              " \"payload\": {\"id\": \"%08x-2222-4000-8000-%012u\", \"household_id\": \"%s\","
                              " \"at\": \"2026-11-25T09:05:00+09:00\", \"by\": \"" PLANNER_ID "\","
                              " \"purpose\": \"regular\", \"outcome\": \"건강하심\"}}",
                              i > 0 ? "," : "", round, i, round, i, household);
    }
  g_string_append (batch, "]}");

  start = timing_start ();
  root = json_from_string (batch->str, &error);
  check (root != NULL && (entries = anbu_mutations_check_batch (root, &error)) != NULL, error, "entries");
  results = anbu_mutations_apply (store, metrics, &planner, &scope, &access, entries, &error);
  check (results != NULL, error, "apply");
  answers = json_node_get_array (results);
  for (guint i = 0; i < json_array_get_length (answers); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (answers, i), "status"),
                   "applied") != 0)
      g_error ("Visit %u was not applied: %s", i, json_to_string (json_array_get_element (answers, i), FALSE));
  return timing_since (start);
}

static void
first_pull (AnbuStore *store,
            guint     *count)
{
  char *dongs[] = { (char *) DONG, NULL };
  AnbuScope planner = { ANBU_USER_ROLE_PLANNER, dongs, "u-bench" };
  gint64 since = 0;
  gboolean has_more = TRUE;

  *count = 0;
  while (has_more)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) page = anbu_store_changes (store, &planner, since, PAGE, &has_more, &since, &error);

      check (page != NULL, error, "changes");
      *count += page->len;
    }
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static double
median_ms (GArray *samples)
{
  g_array_sort (samples, compare_int64);
  return g_array_index (samples, gint64, samples->len / 2) / 1000.0;
}

typedef struct
{
  GArray *wall;
  GArray *cpu;
} Samples;

static void
samples_init (Samples *samples)
{
  samples->wall = g_array_new (FALSE, FALSE, sizeof (gint64));
  samples->cpu = g_array_new (FALSE, FALSE, sizeof (gint64));
}

static void
samples_add (Samples *samples,
             Timing   timing)
{
  g_array_append_val (samples->wall, timing.wall);
  g_array_append_val (samples->cpu, timing.cpu);
}

static void
samples_print (const char *engine,
               const char *what,
               Samples    *samples)
{
  printf ("%-10s %-38s %7.1f ms wall %7.1f ms CPU\n", engine, what, median_ms (samples->wall),
          median_ms (samples->cpu));
  g_array_unref (samples->wall);
  g_array_unref (samples->cpu);
}

static void
run (const char *engine,
     const char *location)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStore) store = anbu_store_open (location, &error);
  g_autoptr(AnbuMetrics) metrics = anbu_metrics_new ();
  g_autofree char *pull_name = NULL;
  Samples pushes, applies, pulls;
  guint count = 0;

  check (store != NULL, error, "open");
  samples_init (&pushes);
  samples_init (&applies);
  samples_init (&pulls);
  seed_households (store);
  for (int round = 0; round < rounds; round++)
    samples_add (&pushes, push_visits (store, (guint) round));
  for (int round = 0; round < rounds; round++)
    samples_add (&applies, apply_visits (store, metrics, (guint) round));
  for (int round = 0; round < rounds; round++)
    {
      Timing start = timing_start ();

      first_pull (store, &count);
      samples_add (&pulls, timing_since (start));
    }
  pull_name = g_strdup_printf ("first pull of %u changes:", count);
  samples_print (engine, "push of " G_STRINGIFY (VISITS) " visits, store calls:", &pushes);
  samples_print (engine, "push of " G_STRINGIFY (VISITS) " visits, anbu_mutations_apply:", &applies);
  samples_print (engine, pull_name, &pulls);
  printf ("%-10s (medians of %d)\n", engine, rounds);
}

int
main (int    argc,
      char **argv)
{
  GOptionEntry entries[] = {
    { "postgres", 0, 0, G_OPTION_ARG_STRING, &postgres_uri, "An empty PostgreSQL database", "URI" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Rounds per figure (5)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  {
    g_autoptr(AnbuClock) clock = anbu_clock_new_manual (NOW_SECONDS * G_USEC_PER_SEC);

    anbu_clock_set_default (clock);
  }
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || rounds < 1)
    {
      g_printerr ("bench-store: %s\n", error != NULL ? error->message : "--rounds must be positive");
      return 2;
    }

  dir = g_dir_make_tmp ("bench-store-XXXXXX", &error);
  check (dir != NULL, error, "temporary directory");
  path = g_build_filename (dir, "anbu.db", NULL);
  run ("SQLite", path);
  for (guint i = 0; i < G_N_ELEMENTS (sqlite_suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, sqlite_suffixes[i], NULL);

      g_unlink (file);
    }
  g_rmdir (dir);

  if (postgres_uri != NULL)
    run ("PostgreSQL", postgres_uri);
  return 0;
}
