/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The storage interface on each engine (issue 16): the store's share of a
 * push of 500 visits (one transaction: 500 saves and 500 stored results),
 * and a planner's first pull of a 동 of 2,000 households with those visits,
 * in pages of 500. On a temporary SQLite file, and on PostgreSQL when given
 * an empty database:
 *
 *   bench-store [--postgres postgresql://USER@HOST:PORT/DB] [--rounds N]
 *
 * A throwaway PostgreSQL 15: tests/server/anbu-test-postgres.sh BINDIR DIR PORT
 * (prints "ready", stops when its standard input closes).
 */
#include "config.h"

#include <stdio.h>

#include <glib/gstdio.h>

#include "anbu-store.h"

#define HOUSEHOLDS 2000
#define VISITS 500
#define PAGE 500
#define DONG "1111051500"

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

      household->id = g_strdup_printf ("household-%04u", i);
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

/* One push of VISITS new visits, as anbu-mutations.c stores it. */
static gint64
push_visits (AnbuStore *store,
             guint      round)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  check (anbu_store_begin (store, &error), error, "begin");
  for (guint i = 0; i < VISITS; i++)
    {
      g_autoptr(AnbuStoreEntity) visit = anbu_store_entity_new (ANBU_RECORD_KIND_VISIT);
      g_autofree char *mutation_id = g_strdup_printf ("mutation-%u-%u", round, i);
      g_autofree char *result = g_strdup_printf ("{\"id\":\"%s\",\"status\":\"applied\"}", mutation_id);
      AnbuStoredMutation mutation = { mutation_id, (char *) "u-bench", (char *) "visit.add",
                                      (char *) "{}", result };

      visit->id = g_strdup_printf ("visit-%u-%u", round, i);
      visit->household_id = g_strdup_printf ("household-%04u", (i * 7) % HOUSEHOLDS);
      visit->record = g_strdup_printf ("{\"id\":\"%s\",\"household_id\":\"%s\",\"purpose\":\"regular\","
                                       "\"outcome\":\"만나서 안부 확인\"}", visit->id, visit->household_id);
      visit->version = 1;
      check (anbu_store_savepoint (store, &error), error, "savepoint");
      save_or_die (store, visit);
      check (anbu_store_add_mutation (store, &mutation, &error), error, "add mutation");
      check (anbu_store_release (store, &error), error, "release");
    }
  check (anbu_store_commit (store, &error), error, "commit");
  return g_get_monotonic_time () - start;
}

static gint64
first_pull (AnbuStore *store,
            guint     *count)
{
  char *dongs[] = { (char *) DONG, NULL };
  AnbuScope planner = { ANBU_USER_ROLE_PLANNER, dongs, "u-bench" };
  gint64 start = g_get_monotonic_time ();
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
  return g_get_monotonic_time () - start;
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

static void
run (const char *engine,
     const char *location)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStore) store = anbu_store_open (location, &error);
  g_autoptr(GArray) pushes = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) pulls = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint count = 0;

  check (store != NULL, error, "open");
  seed_households (store);
  for (int round = 0; round < rounds; round++)
    {
      gint64 push = push_visits (store, (guint) round);

      g_array_append_val (pushes, push);
    }
  for (int round = 0; round < rounds; round++)
    {
      gint64 pull = first_pull (store, &count);

      g_array_append_val (pulls, pull);
    }
  printf ("%-10s push of %d visits: %7.1f ms   first pull of %u changes: %7.1f ms   (medians of %d)\n",
          engine, VISITS, median_ms (pushes), count, median_ms (pulls), rounds);
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
