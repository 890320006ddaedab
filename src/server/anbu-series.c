/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-series"

#include "config.h"

#include <json-glib/json-glib.h>

#include "anbu-activity-detector.h"
#include "anbu-reading-log.h"
#include "anbu-report-store.h"
#include "anbu-series.h"
#include "anbu-server-time.h"
#include "anbu-store.h"

/* One bucket of the answer. */
typedef struct
{
  gint64 b;
  gint64 n;
  double wmin, wmax, wsum;
  double lmin, lmax, lsum;
} SeriesBucket;

static int
compare_buckets (gconstpointer a,
                 gconstpointer b)
{
  const SeriesBucket *ba = a, *bb = b;

  return (ba->b > bb->b) - (ba->b < bb->b);
}

/* Adds `more` into `into` (same b). */
static void
series_bucket_merge (SeriesBucket       *into,
                     const SeriesBucket *more)
{
  into->n += more->n;
  into->wmin = MIN (into->wmin, more->wmin);
  into->wmax = MAX (into->wmax, more->wmax);
  into->wsum += more->wsum;
  into->lmin = MIN (into->lmin, more->lmin);
  into->lmax = MAX (into->lmax, more->lmax);
  into->lsum += more->lsum;
}

static void
series_bucket_add (GArray       *buckets,
                   SeriesBucket *item)
{
  SeriesBucket *last = buckets->len > 0
                       ? &g_array_index (buckets, SeriesBucket, buckets->len - 1) : NULL;

  if (last != NULL && last->b == item->b)
    series_bucket_merge (last, item);
  else
    g_array_append_val (buckets, *item);
}

/* The plug's buckets in [lower, upper), hourly folds and raw readings
 * together, in order. */
static gboolean
read_buckets (AnbuReadingLog  *log,
              const char      *serial,
              gint64           from,
              gint64           lower,
              gint64           upper,
              gint64           bucket,
              GArray          *out,
              GError         **error)
{
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (SeriesBucket));
  g_autoptr(GArray) hours = g_array_new (FALSE, FALSE, sizeof (AnbuReadingHour));
  g_autoptr(GArray) readings = g_array_new (FALSE, FALSE, sizeof (AnbuReading));

  if (!anbu_reading_log_read_hours (log, serial, lower, upper, hours, error)
      || !anbu_reading_log_read_range (log, serial, lower, upper, readings, error))
    return FALSE;
  for (guint i = 0; i < hours->len; i++)
    {
      const AnbuReadingHour *h = &g_array_index (hours, AnbuReadingHour, i);
      SeriesBucket item = { (h->hour - from) / bucket, h->n, h->watts_min, h->watts_max,
                            h->watts_sum, h->lux_min, h->lux_max, h->lux_sum };

      series_bucket_add (found, &item);
    }
  for (guint i = 0; i < readings->len; i++)
    {
      const AnbuReading *r = &g_array_index (readings, AnbuReading, i);
      SeriesBucket item = { (r->ts - from) / bucket, 1, r->watts, r->watts, r->watts,
                            r->lux, r->lux, r->lux };

      series_bucket_add (found, &item);
    }

  /* Hourly folds precede raw readings; sort anyway, then merge equals. */
  g_array_sort (found, compare_buckets);
  for (guint i = 0; i < found->len; i++)
    series_bucket_add (out, &g_array_index (found, SeriesBucket, i));
  return TRUE;
}

static void
add_time (JsonBuilder *builder,
          const char  *member,
          gint64       seconds)
{
  g_autofree char *text = anbu_server_time_format (seconds);

  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, text);
}

static void
add_measure (JsonBuilder *builder,
             const char  *member,
             double       min,
             double       max,
             double       mean)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "min");
  json_builder_add_double_value (builder, min);
  json_builder_set_member_name (builder, "max");
  json_builder_add_double_value (builder, max);
  json_builder_set_member_name (builder, "mean");
  json_builder_add_double_value (builder, mean);
  json_builder_end_object (builder);
}

char *
anbu_series_to_json (AnbuReportStore *reports,
                     const char      *household_id,
                     gint64           from,
                     gint64           to,
                     gint64           bucket,
                     GError         **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) plugs_found = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_report_plug_free);
  g_autoptr(GArray) buckets = g_array_new (FALSE, FALSE, sizeof (SeriesBucket));
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (AnbuActivityEvent));
  AnbuReadingLog *readings;

  g_return_val_if_fail (ANBU_IS_REPORT_STORE (reports), NULL);
  g_return_val_if_fail (bucket > 0 && from < to, NULL);

  readings = anbu_report_store_get_readings (reports);
  if (!anbu_report_store_read_plugs (reports, household_id, plugs_found, error))
    return NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "household_id");
  json_builder_add_string_value (builder, household_id);
  add_time (builder, "from", from);
  add_time (builder, "to", to);
  json_builder_set_member_name (builder, "bucket");
  json_builder_add_int_value (builder, bucket);
  json_builder_set_member_name (builder, "plugs");
  json_builder_begin_array (builder);
  for (guint p = 0; p < plugs_found->len; p++)
    {
      AnbuReportPlug *plug = g_ptr_array_index (plugs_found, p);
      const char *serial = plug->serial;
      const char *appliance = plug->appliance;
      gint64 lower = MAX (from, plug->installed_at);
      gint64 upper = MIN (to, plug->removed_at);

      if (upper < lower)
        upper = lower;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "serial");
      json_builder_add_string_value (builder, serial);
      if (appliance != NULL)
        {
          json_builder_set_member_name (builder, "appliance");
          json_builder_add_string_value (builder, appliance);
        }

      json_builder_set_member_name (builder, "buckets");
      json_builder_begin_array (builder);
      g_array_set_size (buckets, 0);
      if (!read_buckets (readings, serial, from, lower, upper, bucket, buckets, error))
        return NULL;
      for (guint i = 0; i < buckets->len; i++)
        {
          const SeriesBucket *item = &g_array_index (buckets, SeriesBucket, i);

          json_builder_begin_object (builder);
          add_time (builder, "start", from + item->b * bucket);
          json_builder_set_member_name (builder, "count");
          json_builder_add_int_value (builder, item->n);
          add_measure (builder, "watts", item->wmin, item->wmax, item->wsum / (double) item->n);
          add_measure (builder, "lux", item->lmin, item->lmax, item->lsum / (double) item->n);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "events");
      json_builder_begin_array (builder);
      g_array_set_size (events, 0);
      if (!anbu_report_store_read_activity (reports, serial, lower, upper, ANBU_SERIES_MAX_EVENTS,
                                            events, error))
        return NULL;
      for (guint i = 0; i < events->len; i++)
        {
          const AnbuActivityEvent *event = &g_array_index (events, AnbuActivityEvent, i);
          const char *kind = anbu_activity_kind_to_string (event->kind);

          json_builder_begin_object (builder);
          add_time (builder, "at", event->ts);
          json_builder_set_member_name (builder, "kind");
          json_builder_add_string_value (builder, kind != NULL ? kind : "unknown");
          json_builder_set_member_name (builder, "magnitude");
          json_builder_add_double_value (builder, event->magnitude);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}
