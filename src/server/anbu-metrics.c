/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-metrics"

#include "config.h"

#include <malloc.h>
#include <sqlite3.h>

#include "anbu-metrics.h"

static const double buckets[] = {
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
};

typedef struct
{
  guint64 counts[G_N_ELEMENTS (buckets)];
  guint64 count;
  double  sum;
} Histogram;

struct _AnbuMetrics
{
  GObject     parent_instance;

  GHashTable *requests;    /* "route\tstatus" → guint64 * */
  GHashTable *latency;     /* route → Histogram */
  GHashTable *mutations;   /* "kind\tstatus" → guint64 * */
  guint64     sync_entries;
  guint64     live_dropped;
};

G_DEFINE_FINAL_TYPE (AnbuMetrics, anbu_metrics, G_TYPE_OBJECT)

static void
count (GHashTable *table,
       const char *a,
       const char *b)
{
  g_autofree char *key = g_strconcat (a, "\t", b, NULL);
  guint64 *value = g_hash_table_lookup (table, key);

  if (value == NULL)
    {
      value = g_new0 (guint64, 1);
      g_hash_table_insert (table, g_steal_pointer (&key), value);
    }
  (*value)++;
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static GPtrArray *
sorted_keys (GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_keys);
  return keys;
}

/* Label values here are route templates, statuses and mutation kinds from
 * fixed lists, but escape anyway as the format requires. */
static char *
label (const char *value)
{
  GString *out = g_string_new (NULL);

  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\\' || *p == '"')
        g_string_append_c (out, '\\');
      if (*p == '\n')
        g_string_append (out, "\\n");
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static void
render_pairs (GString    *out,
              GHashTable *table,
              const char *name,
              const char *first,
              const char *second)
{
  g_autoptr(GPtrArray) keys = sorted_keys (table);

  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      g_auto(GStrv) parts = g_strsplit (key, "\t", 2);
      g_autofree char *a = label (parts[0]);
      g_autofree char *b = label (parts[1] ? parts[1] : "");
      guint64 *value = g_hash_table_lookup (table, key);

      g_string_append_printf (out, "%s{%s=\"%s\",%s=\"%s\"} %" G_GUINT64_FORMAT "\n",
                              name, first, a, second, b, *value);
    }
}

static void
anbu_metrics_finalize (GObject *object)
{
  AnbuMetrics *self = ANBU_METRICS (object);

  g_clear_pointer (&self->requests, g_hash_table_unref);
  g_clear_pointer (&self->latency, g_hash_table_unref);
  g_clear_pointer (&self->mutations, g_hash_table_unref);
  G_OBJECT_CLASS (anbu_metrics_parent_class)->finalize (object);
}

static void
anbu_metrics_class_init (AnbuMetricsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = anbu_metrics_finalize;
}

static void
anbu_metrics_init (AnbuMetrics *self)
{
  self->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->latency = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->mutations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

AnbuMetrics *
anbu_metrics_new (void)
{
  return g_object_new (ANBU_TYPE_METRICS, NULL);
}

void
anbu_metrics_observe_request (AnbuMetrics *self,
                              const char  *route,
                              guint        status,
                              double       seconds)
{
  g_autofree char *status_text = g_strdup_printf ("%u", status);
  Histogram *histogram;

  g_return_if_fail (ANBU_IS_METRICS (self));

  count (self->requests, route, status_text);
  histogram = g_hash_table_lookup (self->latency, route);
  if (histogram == NULL)
    {
      histogram = g_new0 (Histogram, 1);
      g_hash_table_insert (self->latency, g_strdup (route), histogram);
    }
  for (guint i = 0; i < G_N_ELEMENTS (buckets); i++)
    if (seconds <= buckets[i])
      histogram->counts[i]++;
  histogram->count++;
  histogram->sum += seconds;
}

void
anbu_metrics_add_sync_entries (AnbuMetrics *self,
                               guint        n)
{
  g_return_if_fail (ANBU_IS_METRICS (self));
  self->sync_entries += n;
}

void
anbu_metrics_add_mutation (AnbuMetrics *self,
                           const char  *kind,
                           const char  *status)
{
  g_return_if_fail (ANBU_IS_METRICS (self));
  count (self->mutations, kind, status);
}

void
anbu_metrics_add_live_dropped (AnbuMetrics *self)
{
  g_return_if_fail (ANBU_IS_METRICS (self));
  self->live_dropped++;
}

char *
anbu_metrics_render (AnbuMetrics *self)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GPtrArray) routes = NULL;

  g_return_val_if_fail (ANBU_IS_METRICS (self), NULL);

  g_string_append (out,
                   "# HELP anbu_http_requests_total HTTP requests answered, by route and status.\n"
                   "# TYPE anbu_http_requests_total counter\n");
  render_pairs (out, self->requests, "anbu_http_requests_total", "route", "status");

  g_string_append (out,
                   "# HELP anbu_http_request_duration_seconds Time spent answering a request.\n"
                   "# TYPE anbu_http_request_duration_seconds histogram\n");
  routes = sorted_keys (self->latency);
  for (guint r = 0; r < routes->len; r++)
    {
      const char *route = g_ptr_array_index (routes, r);
      Histogram *histogram = g_hash_table_lookup (self->latency, route);
      g_autofree char *escaped = label (route);

      for (guint i = 0; i < G_N_ELEMENTS (buckets); i++)
        {
          char bound[G_ASCII_DTOSTR_BUF_SIZE];

          g_ascii_dtostr (bound, sizeof bound, buckets[i]);
          g_string_append_printf (out,
                                  "anbu_http_request_duration_seconds_bucket{route=\"%s\",le=\"%s\"} %"
                                  G_GUINT64_FORMAT "\n", escaped, bound, histogram->counts[i]);
        }
      g_string_append_printf (out,
                              "anbu_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %"
                              G_GUINT64_FORMAT "\n", escaped, histogram->count);
      {
        char sum[G_ASCII_DTOSTR_BUF_SIZE];

        g_ascii_formatd (sum, sizeof sum, "%.6f", histogram->sum);
        g_string_append_printf (out, "anbu_http_request_duration_seconds_sum{route=\"%s\"} %s\n",
                                escaped, sum);
      }
      g_string_append_printf (out, "anbu_http_request_duration_seconds_count{route=\"%s\"} %"
                              G_GUINT64_FORMAT "\n", escaped, histogram->count);
    }

  g_string_append_printf (out,
                          "# HELP anbu_sync_entries_served_total Changes sent to apps by pull.\n"
                          "# TYPE anbu_sync_entries_served_total counter\n"
                          "anbu_sync_entries_served_total %" G_GUINT64_FORMAT "\n",
                          self->sync_entries);

  g_string_append_printf (out,
                          "# HELP anbu_live_clients_dropped_total Live clients dropped for not reading.\n"
                          "# TYPE anbu_live_clients_dropped_total counter\n"
                          "anbu_live_clients_dropped_total %" G_GUINT64_FORMAT "\n",
                          self->live_dropped);

  /* What the resident memory is made of: the heap in use (the rest of
   * the RSS is freed memory malloc keeps, code and stacks), and of that
   * SQLite's page caches and statements. */
  {
    struct mallinfo2 heap = mallinfo2 ();

    g_string_append_printf (out,
                            "# HELP anbu_heap_in_use_bytes Heap memory allocated and not freed.\n"
                            "# TYPE anbu_heap_in_use_bytes gauge\n"
                            "anbu_heap_in_use_bytes %zu\n"
                            "# HELP anbu_heap_free_bytes Freed heap memory malloc keeps.\n"
                            "# TYPE anbu_heap_free_bytes gauge\n"
                            "anbu_heap_free_bytes %zu\n"
                            "# HELP anbu_sqlite_memory_bytes Memory SQLite holds (caches, statements).\n"
                            "# TYPE anbu_sqlite_memory_bytes gauge\n"
                            "anbu_sqlite_memory_bytes %" G_GINT64_FORMAT "\n",
                            heap.uordblks + heap.hblkhd, heap.fordblks, (gint64) sqlite3_memory_used ());
  }

  g_string_append (out,
                   "# HELP anbu_mutations_total Pushed mutations, by kind and result.\n"
                   "# TYPE anbu_mutations_total counter\n");
  render_pairs (out, self->mutations, "anbu_mutations_total", "kind", "status");

  return g_string_free (out, FALSE);
}
