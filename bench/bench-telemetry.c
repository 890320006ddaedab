/* SPDX-License-Identifier: GPL-3.0-or-later */
/* AnbuTelemetry storing batches on its own connection, as the ingest
 * thread does, on SQLite (a file in a temporary directory) or on
 * PostgreSQL (--postgres URI of an empty database): readings per second
 * with the plug cache warm, and again when a record changes before every
 * batch (every plug of the batch read again).
 *
 *   bench-telemetry [--postgres URI] [--plugs 1000] [--batches 100] [--per-plug 1]
 *                   [--batches-per-commit 1]
 *
 * No HTTP and no parsing in the figures (bench-ingest measures the whole
 * path on SQLite). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "anbu-bench-util.h"
#include "anbu-store.h"
#include "anbu-telemetry.h"

#define START ((gint64) 1795564800)   /* 2026-11-25 09:00 KST */
#define PLUGS_PER_HOUSEHOLD 4

static char *postgres_uri = NULL;
static gint plugs = 1000;
static gint batches = 100;
static gint per_plug = 1;
static gint per_commit = 1;

static char *
household_id (guint index)
{
  return g_strdup_printf ("7b0f3c52-6d1e-4a8e-9f40-%012x", index);
}

static void
save_or_die (AnbuStore       *store,
             AnbuStoreEntity *entity)
{
  g_autoptr(GError) error = NULL;

  if (!anbu_store_save (store, entity, &error))
    g_error ("%s", error->message);
}

static void
save_household (AnbuStore *store,
                guint      index,
                gint64     version)
{
  g_autoptr(AnbuStoreEntity) entity = anbu_store_entity_new (ANBU_RECORD_KIND_HOUSEHOLD);

  entity->id = household_id (index);
  entity->record = g_strdup_printf ("{\"id\":\"%s\",\"dong_code\":\"1111051500\","
                                    "\"name\":\"김순자\",\"status\":\"active\",\"version\":%"
                                    G_GINT64_FORMAT "}", entity->id, version);
  entity->version = version;
  entity->scope_key.dong_code = g_strdup ("1111051500");
  entity->scope_key.status = g_strdup ("active");
  entity->field_versions = g_strdup ("{}");
  save_or_die (store, entity);
}

static void
populate (AnbuStore *store)
{
  g_autoptr(GError) error = NULL;

  if (!anbu_store_begin (store, &error))
    g_error ("%s", error->message);
  for (gint h = 0; h * PLUGS_PER_HOUSEHOLD < plugs; h++)
    save_household (store, h, 1);
  for (gint p = 0; p < plugs; p++)
    {
      g_autoptr(AnbuStoreEntity) entity = anbu_store_entity_new (ANBU_RECORD_KIND_PLUG);

      entity->id = g_strdup_printf ("AB-%06d", p);
      entity->household_id = household_id (p / PLUGS_PER_HOUSEHOLD);
      entity->state = g_strdup ("installed");
      entity->record = g_strdup_printf ("{\"serial\":\"%s\",\"household_id\":\"%s\","
                                        "\"appliance\":\"tv\","
                                        "\"installed_at\":\"2026-11-20T10:00:00+09:00\","
                                        "\"version\":1}", entity->id, entity->household_id);
      entity->version = 1;
      save_or_die (store, entity);
    }
  if (!anbu_store_commit (store, &error))
    g_error ("%s", error->message);
}

/* Batch `b`: `per_plug` readings of every plug, a minute apart; a lamp
 * switched now and then so the detector has events to store. */
static AnbuTelemetryBatch *
make_batch (gint b)
{
  g_autoptr(GString) body = g_string_new ("{\"readings\": [");
  AnbuTelemetryBatch *batch;

  for (gint k = 0; k < per_plug; k++)
    for (gint p = 0; p < plugs; p++)
      {
        gint64 ts = START + ((gint64) b * per_plug + k) * 60;
        g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (ts);
        g_autofree char *text = g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
        gboolean on = ((b * per_plug + k) / 30 + p) % 7 == 0;

        g_string_append_printf (body, "%s{\"serial\": \"AB-%06d\", \"ts\": \"%s\", "
                                "\"watts\": %s, \"lux\": %s}",
                                body->str[body->len - 1] == '[' ? "" : ",", p, text,
                                on ? "61.5" : "0.8", on ? "180" : "4");
      }
  g_string_append (body, "]}");
  batch = anbu_telemetry_parse_simple_body (body->str, body->len);
  if (batch == NULL)
    g_error ("The bench's batch does not parse");
  batch->gateway_id = g_strdup ("bench-gateway");
  return batch;
}

/* Stores `batches` batches from `first`, `per_commit` to a commit; with
 * `touch` a household record changes before each commit (the plug cache
 * is emptied). Readings per second of wall time. */
static double
run (AnbuTelemetry *telemetry,
     AnbuStore     *store,
     gint           first,
     gint           count,
     gboolean       touch,
     gint64        *version)
{
  g_autoptr(GPtrArray) prepared = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_telemetry_batch_unref);
  double start, elapsed = 0;
  guint64 accepted = 0;

  for (gint b = 0; b < count; b++)
    g_ptr_array_add (prepared, make_batch (first + b));
  for (gint b = 0; b < count; b += per_commit)
    {
      g_autoptr(GPtrArray) group = g_ptr_array_new ();
      g_autoptr(GPtrArray) reports = NULL;
      g_autoptr(GError) error = NULL;

      for (gint i = b; i < MIN (b + per_commit, count); i++)
        g_ptr_array_add (group, g_ptr_array_index (prepared, i));
      if (touch)
        save_household (store, 0, ++*version);
      start = anbu_bench_now_s ();
      reports = anbu_telemetry_ingest_many (telemetry, group,
                                            START + (gint64) (first + b + per_commit) * per_plug * 60,
                                            &error);
      elapsed += anbu_bench_now_s () - start;
      if (reports == NULL)
        g_error ("%s", error->message);
      for (guint r = 0; r < reports->len; r++)
        {
          AnbuTelemetryReport *report = g_ptr_array_index (reports, r);

          if (report == NULL || report->accepted != (guint) (plugs * per_plug))
            g_error ("A batch was not stored whole");
          accepted += report->accepted;
        }
    }
  return accepted / elapsed;
}

int
main (int    argc,
      char **argv)
{
  GOptionEntry entries[] = {
    { "postgres", 0, 0, G_OPTION_ARG_STRING, &postgres_uri, "An empty PostgreSQL database", "URI" },
    { "plugs", 0, 0, G_OPTION_ARG_INT, &plugs, "Plugs per batch", "N" },
    { "batches", 0, 0, G_OPTION_ARG_INT, &batches, "Batches per run", "N" },
    { "per-plug", 0, 0, G_OPTION_ARG_INT, &per_plug, "Readings per plug and batch", "N" },
    { "batches-per-commit", 0, 0, G_OPTION_ARG_INT, &per_commit, "Batches per commit", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStore) store = NULL;
  g_autoptr(AnbuTelemetry) telemetry = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *location = NULL;
  gint64 version = 1;
  double first, warm, cold;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  plugs = MAX (plugs, 1);
  batches = MAX (batches, 2);
  per_plug = MAX (per_plug, 1);
  per_commit = MAX (per_commit, 1);

  if (postgres_uri != NULL)
    location = g_strdup (postgres_uri);
  else
    {
      dir = g_dir_make_tmp ("bench-telemetry-XXXXXX", &error);
      if (dir == NULL)
        g_error ("%s", error->message);
      location = g_build_filename (dir, "anbu.db", NULL);
    }
  store = anbu_store_open (location, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  populate (store);
  telemetry = anbu_telemetry_new (store, TRUE, 6 * 3600, &error);
  if (telemetry == NULL)
    g_error ("%s", error->message);

  first = run (telemetry, store, 0, 1, FALSE, &version);
  warm = run (telemetry, store, 1, batches, FALSE, &version);
  cold = run (telemetry, store, 1 + batches, batches, TRUE, &version);
  printf ("engine %s, %d plugs, %d readings per plug and batch, %d batches per commit\n",
          postgres_uri != NULL ? "PostgreSQL" : "SQLite", plugs, per_plug, per_commit);
  printf ("  first batch (plugs read):        %10.0f readings/s\n", first);
  printf ("  plug cache warm:                 %10.0f readings/s\n", warm);
  printf ("  a record changed before each:    %10.0f readings/s\n", cold);

  g_clear_object (&telemetry);
  g_clear_object (&store);
  if (dir != NULL)
    {
      g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
      const char *name;

      while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
        {
          g_autofree char *path = g_build_filename (dir, name, NULL);

          g_unlink (path);
        }
      g_rmdir (dir);
    }
  return 0;
}
