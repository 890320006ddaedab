/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-series-prefetcher"

#include "config.h"

#include <json-glib/json-glib.h>

#include "anbu-api-error.h"
#include "anbu-clock.h"
#include "anbu-series-prefetcher.h"
#include "anbu-validate.h"

#define SERIES_DAYS 7
/* Hourly buckets: a copy younger than an hour has nothing new to show. */
#define FRESH_FOR_USEC (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)

struct _AnbuSeriesPrefetcher
{
  GObject         parent_instance;

  AnbuSyncEngine *engine;         /* weak: the engine owns nothing of ours */
  gulong          sync_handler;
  GCancellable   *cancellable;    /* of the current run */
  GPtrArray      *queue;          /* household ids still to fetch */
  GHashTable     *fetched_at;     /* id → gint64 project-clock time of the copy */
  guint           fetched;        /* in the current run */
  gboolean        again;          /* a sync ended during the run */
};

G_DEFINE_FINAL_TYPE (AnbuSeriesPrefetcher, anbu_series_prefetcher, G_TYPE_OBJECT)

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void fetch_next (AnbuSeriesPrefetcher *self);

char *
anbu_series_prefetcher_cache_name (const char *household_id)
{
  return g_strconcat ("cache:series:", household_id, NULL);
}

static void
copy_member (JsonBuilder *builder,
             JsonObject  *from,
             const char  *member)
{
  JsonNode *node = json_object_get_member (from, member);

  if (node == NULL)
    return;
  json_builder_set_member_name (builder, member);
  json_builder_add_value (builder, json_node_copy (node));
}

/* { member: { key: value } } with only that key kept. */
static void
copy_measure (JsonBuilder *builder,
              JsonObject  *from,
              const char  *member,
              const char  *key)
{
  JsonNode *node = json_object_get_member (from, member);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  copy_member (builder, json_node_get_object (node), key);
  json_builder_end_object (builder);
}

/* Each object of the array @member of @from, with only @keep members. */
static void
copy_array (JsonBuilder *builder,
            JsonObject  *from,
            const char  *member,
            void       (*keep) (JsonBuilder *, JsonObject *))
{
  JsonNode *node = json_object_get_member (from, member);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  array = json_node_get_array (node);
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_OBJECT (item))
        continue;
      json_builder_begin_object (builder);
      keep (builder, json_node_get_object (item));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
keep_bucket (JsonBuilder *builder,
             JsonObject  *bucket)
{
  copy_member (builder, bucket, "start");
  copy_measure (builder, bucket, "watts", "max");
  copy_measure (builder, bucket, "lux", "mean");
}

static void
keep_event (JsonBuilder *builder,
            JsonObject  *event)
{
  copy_member (builder, event, "at");
}

static void
keep_plug (JsonBuilder *builder,
           JsonObject  *plug)
{
  copy_member (builder, plug, "serial");
  copy_member (builder, plug, "appliance");
  copy_array (builder, plug, "buckets", keep_bucket);
  copy_array (builder, plug, "events", keep_event);
}

char *
anbu_series_prefetcher_compact (const char *series_json)
{
  g_autoptr(JsonNode) node = series_json != NULL ? json_from_string (series_json, NULL) : NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *series;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  series = json_node_get_object (node);
  if (!json_object_has_member (series, "from") || !json_object_has_member (series, "to")
      || !json_object_has_member (series, "bucket"))
    return NULL;
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  copy_member (builder, series, "household_id");
  copy_member (builder, series, "from");
  copy_member (builder, series, "to");
  copy_member (builder, series, "bucket");
  copy_array (builder, series, "plugs", keep_plug);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
finish_run (AnbuSeriesPrefetcher *self)
{
  guint fetched = self->fetched;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->queue, g_ptr_array_unref);
  self->fetched = 0;
  g_signal_emit (self, signals[FINISHED], 0, fetched);
  if (self->again)
    {
      self->again = FALSE;
      anbu_series_prefetcher_run (self);
    }
}

typedef struct
{
  AnbuSeriesPrefetcher *self;
  char                 *household_id;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_object_unref (fetch->self);
  g_free (fetch->household_id);
  g_free (fetch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fetch, fetch_free)

static void
on_series_stored (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Fetch) fetch = user_data;
  AnbuSeriesPrefetcher *self = fetch->self;
  g_autoptr(GError) error = NULL;

  if (!anbu_replica_set_secret_finish (ANBU_REPLICA (source), result, &error))
    {
      /* The replica closed (signed out, locked): nothing more to keep. */
      g_debug ("Could not keep the series of %s: %s", fetch->household_id, error->message);
      finish_run (self);
      return;
    }
  g_hash_table_insert (self->fetched_at, g_strdup (fetch->household_id),
                       g_memdup2 (&(gint64) { anbu_clock_now_usec () }, sizeof (gint64)));
  self->fetched++;
  fetch_next (self);
}

static void
on_series_fetched (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Fetch) fetch = user_data;
  AnbuSeriesPrefetcher *self = fetch->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = anbu_api_client_request_finish (ANBU_API_CLIENT (source), result, &error);
  g_autofree char *text = NULL;
  g_autofree char *compact = NULL;
  g_autofree char *key = NULL;

  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* A household the server no longer shows us is skipped; anything
       * else (offline, signed out) ends the run until the next sync. */
      g_debug ("No series for %s: %s", fetch->household_id, error->message);
      if (g_error_matches (error, ANBU_API_ERROR, ANBU_API_ERROR_NOT_FOUND))
        fetch_next (self);
      else
        finish_run (self);
      return;
    }

  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  compact = anbu_series_prefetcher_compact (text);
  if (compact == NULL)
    {
      fetch_next (self);
      return;
    }
  key = anbu_series_prefetcher_cache_name (fetch->household_id);
  anbu_replica_set_secret_async (anbu_sync_engine_get_replica (self->engine), key, compact,
                                 NULL, on_series_stored, g_steal_pointer (&fetch));
}

static gboolean
is_fresh (AnbuSeriesPrefetcher *self,
          const char           *household_id)
{
  const gint64 *at = g_hash_table_lookup (self->fetched_at, household_id);

  return at != NULL && anbu_clock_now_usec () - *at < FRESH_FOR_USEC;
}

static void
fetch_next (AnbuSeriesPrefetcher *self)
{
  g_autofree char *id = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *from_q = NULL;
  g_autofree char *to_q = NULL;
  g_autofree char *path = NULL;
  Fetch *fetch;
  gint64 now;

  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable)
      || self->queue == NULL)
    return;
  while (self->queue->len > 0)
    {
      g_free (id);
      id = g_ptr_array_steal_index (self->queue, self->queue->len - 1);
      if (!is_fresh (self, id))
        break;
      g_clear_pointer (&id, g_free);
    }
  if (id == NULL)
    {
      finish_run (self);
      return;
    }

  now = anbu_clock_now_usec ();
  from = anbu_timestamp_format (now - SERIES_DAYS * G_TIME_SPAN_DAY);
  to = anbu_timestamp_format (now);
  from_q = g_uri_escape_string (from, NULL, FALSE);
  to_q = g_uri_escape_string (to, NULL, FALSE);
  path = g_strdup_printf ("/api/v1/households/%s/series?from=%s&to=%s&bucket=1h", id, from_q, to_q);
  fetch = g_new0 (Fetch, 1);
  fetch->self = g_object_ref (self);
  fetch->household_id = g_steal_pointer (&id);
  anbu_api_client_request_async (anbu_sync_engine_get_api_client (self->engine), "GET", path, NULL,
                                 self->cancellable, on_series_fetched, fetch);
}

static void
on_households_listed (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(AnbuSeriesPrefetcher) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = anbu_replica_list_records_finish (ANBU_REPLICA (source), result, &error);

  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  if (records == NULL)
    {
      g_debug ("Could not list the caseload: %s", error->message);
      finish_run (self);
      return;
    }
  self->queue = g_ptr_array_new_with_free_func (g_free);
  /* Fetched from the end: reversed, the list's first household comes first. */
  for (guint i = records->len; i > 0; i--)
    {
      JsonObject *record = records->pdata[i - 1];
      const char *id = json_object_get_string_member_with_default (record, "id", NULL);

      if (id != NULL)
        g_ptr_array_add (self->queue, g_strdup (id));
    }
  fetch_next (self);
}

gboolean
anbu_series_prefetcher_get_running (AnbuSeriesPrefetcher *self)
{
  g_return_val_if_fail (ANBU_IS_SERIES_PREFETCHER (self), FALSE);
  return self->cancellable != NULL;
}

void
anbu_series_prefetcher_run (AnbuSeriesPrefetcher *self)
{
  g_return_if_fail (ANBU_IS_SERIES_PREFETCHER (self));

  if (self->engine == NULL)
    return;
  if (self->cancellable != NULL)
    {
      self->again = TRUE;
      return;
    }
  self->cancellable = g_cancellable_new ();
  self->fetched = 0;
  anbu_replica_list_records_async (anbu_sync_engine_get_replica (self->engine), "household", NULL,
                                   self->cancellable, on_households_listed, g_object_ref (self));
}

void
anbu_series_prefetcher_stop (AnbuSeriesPrefetcher *self)
{
  g_return_if_fail (ANBU_IS_SERIES_PREFETCHER (self));

  self->again = FALSE;
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      finish_run (self);
    }
}

static void
on_sync_finished (AnbuSeriesPrefetcher *self,
                  const GError         *error,
                  AnbuSyncEngine       *engine)
{
  if (error == NULL)
    anbu_series_prefetcher_run (self);
}

static void
anbu_series_prefetcher_dispose (GObject *object)
{
  AnbuSeriesPrefetcher *self = ANBU_SERIES_PREFETCHER (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->queue, g_ptr_array_unref);
  if (self->engine != NULL)
    {
      g_clear_signal_handler (&self->sync_handler, self->engine);
      g_object_remove_weak_pointer (G_OBJECT (self->engine), (gpointer *) &self->engine);
      self->engine = NULL;
    }
  G_OBJECT_CLASS (anbu_series_prefetcher_parent_class)->dispose (object);
}

static void
anbu_series_prefetcher_finalize (GObject *object)
{
  AnbuSeriesPrefetcher *self = ANBU_SERIES_PREFETCHER (object);

  g_hash_table_unref (self->fetched_at);
  G_OBJECT_CLASS (anbu_series_prefetcher_parent_class)->finalize (object);
}

static void
anbu_series_prefetcher_class_init (AnbuSeriesPrefetcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = anbu_series_prefetcher_dispose;
  object_class->finalize = anbu_series_prefetcher_finalize;

  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
anbu_series_prefetcher_init (AnbuSeriesPrefetcher *self)
{
  self->fetched_at = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

AnbuSeriesPrefetcher *
anbu_series_prefetcher_new (AnbuSyncEngine *engine)
{
  AnbuSeriesPrefetcher *self;

  g_return_val_if_fail (ANBU_IS_SYNC_ENGINE (engine), NULL);

  self = g_object_new (ANBU_TYPE_SERIES_PREFETCHER, NULL);
  self->engine = engine;
  g_object_add_weak_pointer (G_OBJECT (engine), (gpointer *) &self->engine);
  self->sync_handler = g_signal_connect_object (engine, "sync-finished",
                                                G_CALLBACK (on_sync_finished), self,
                                                G_CONNECT_SWAPPED);
  return self;
}
