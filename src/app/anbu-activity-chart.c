/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-activity-chart"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "anbu-activity-chart.h"
#include "anbu-kst.h"
#include "anbu-validate.h"

#define NIGHT_START_HOUR 18
#define NIGHT_END_HOUR    7

typedef struct
{
  gint64 ts;
  double watts;
  double lux;
} Point;

struct _AnbuActivityChart
{
  GtkWidget parent_instance;

  gint64  from;
  gint64  to;
  gint64  bucket;  /* µs */
  GArray *points;  /* of Point, by time */
  GArray *events;  /* of gint64 */
  double  max_watts;
  double  max_lux;
};

G_DEFINE_FINAL_TYPE (AnbuActivityChart, anbu_activity_chart, GTK_TYPE_WIDGET)

static double
x_for (AnbuActivityChart *self,
       gint64             ts,
       double             width)
{
  if (self->to <= self->from)
    return 0;
  return width * (double) (ts - self->from) / (double) (self->to - self->from);
}

static void
append_line (AnbuActivityChart *self,
             GtkSnapshot       *snapshot,
             double             width,
             double             height,
             gboolean           lux,
             const GdkRGBA     *color)
{
  double max = lux ? self->max_lux : self->max_watts;

  if (self->points->len == 0 || max <= 0)
    return;
  /* Each bucket is a level over its width; neighbours are joined by a
   * step, gaps (buckets without readings) stay open. */
  for (guint i = 0; i < self->points->len; i++)
    {
      const Point *a = &g_array_index (self->points, Point, i);
      double xa = x_for (self, a->ts, width), xb = x_for (self, a->ts + self->bucket, width);
      double ya = height - height * ((lux ? a->lux : a->watts) / max);

      gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (xa, ya - 1, MAX (xb - xa, 1), 2));
      if (i + 1 < self->points->len)
        {
          const Point *b = &g_array_index (self->points, Point, i + 1);
          double yb = height - height * ((lux ? b->lux : b->watts) / max);

          if (b->ts == a->ts + self->bucket)
            gtk_snapshot_append_color (snapshot, color,
                                       &GRAPHENE_RECT_INIT (xb - 1, MIN (ya, yb) - 1, 2, fabs (yb - ya) + 2));
        }
    }
}

static void
anbu_activity_chart_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  AnbuActivityChart *self = ANBU_ACTIVITY_CHART (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double plot_height = height - 24;
  GdkRGBA fg, night = { 0.2, 0.25, 0.45, 0.12 }, power = { 0.21, 0.52, 0.89, 1 },
          light = { 0.90, 0.65, 0.04, 1 }, mark = { 0.15, 0.64, 0.41, 1 };
  PangoLayout *layout;

  if (width <= 0 || height <= 0 || self->to <= self->from)
    return;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);

  /* Nights and day labels, in Korean time. */
  {
    g_autoptr(GDateTime) start = anbu_timestamp_to_date_time (self->from);
    g_autoptr(GDateTime) kst = anbu_kst_to_kst (start);
    g_autoptr(GDateTime) day = anbu_kst_start_of_day (kst);

    for (guint d = 0; d < 10; d++)
      {
        g_autoptr(GDateTime) this_day = g_date_time_add_days (day, d);
        g_autoptr(GDateTime) night_start = g_date_time_add_hours (this_day, NIGHT_START_HOUR);
        g_autoptr(GDateTime) night_end = g_date_time_add_hours (this_day, 24 + NIGHT_END_HOUR);
        g_autoptr(GDateTime) morning = g_date_time_add_hours (this_day, NIGHT_END_HOUR);
        gint64 ns = anbu_timestamp_from_date_time (night_start);
        gint64 ne = anbu_timestamp_from_date_time (night_end);
        gint64 dayts = anbu_timestamp_from_date_time (this_day);
        double x0, x1;
        GdkRGBA rule = fg;

        if (dayts > self->to)
          break;
        if (d == 0 && anbu_timestamp_from_date_time (morning) > self->from)
          {
            x1 = x_for (self, anbu_timestamp_from_date_time (morning), width);
            gtk_snapshot_append_color (snapshot, &night, &GRAPHENE_RECT_INIT (0, 0, x1, plot_height));
          }
        x0 = MAX (0, x_for (self, ns, width));
        x1 = MIN (width, x_for (self, ne, width));
        if (x1 > x0)
          gtk_snapshot_append_color (snapshot, &night, &GRAPHENE_RECT_INIT (x0, 0, x1 - x0, plot_height));

        if (dayts >= self->from)
          {
            g_autofree char *label = g_date_time_format (this_day, "%m/%d");
            double x = x_for (self, dayts, width);

            rule.alpha = 0.25;
            gtk_snapshot_append_color (snapshot, &rule, &GRAPHENE_RECT_INIT (x, 0, 1, plot_height));
            layout = gtk_widget_create_pango_layout (widget, label);
            gtk_snapshot_save (snapshot);
            gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + 3, plot_height + 4));
            gtk_snapshot_append_layout (snapshot, layout, &fg);
            gtk_snapshot_restore (snapshot);
            g_object_unref (layout);
          }
      }
  }

  append_line (self, snapshot, width, plot_height, TRUE, &light);
  append_line (self, snapshot, width, plot_height, FALSE, &power);

  for (guint i = 0; i < self->events->len; i++)
    {
      double x = x_for (self, g_array_index (self->events, gint64, i), width);

      gtk_snapshot_append_color (snapshot, &mark, &GRAPHENE_RECT_INIT (x - 1.5, plot_height - 10, 3, 10));
    }
}

static void
anbu_activity_chart_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 280;
      *natural = 640;
    }
  else
    {
      *minimum = 140;
      *natural = 180;
    }
}

static void
anbu_activity_chart_finalize (GObject *object)
{
  AnbuActivityChart *self = ANBU_ACTIVITY_CHART (object);

  g_clear_pointer (&self->points, g_array_unref);
  g_clear_pointer (&self->events, g_array_unref);
  G_OBJECT_CLASS (anbu_activity_chart_parent_class)->finalize (object);
}

static void
anbu_activity_chart_class_init (AnbuActivityChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = anbu_activity_chart_finalize;
  widget_class->snapshot = anbu_activity_chart_snapshot;
  widget_class->measure = anbu_activity_chart_measure;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "activitychart");
}

static void
anbu_activity_chart_init (AnbuActivityChart *self)
{
  self->points = g_array_new (FALSE, FALSE, sizeof (Point));
  self->events = g_array_new (FALSE, FALSE, sizeof (gint64));
  /* A picture to a screen reader: its name, and the text summary of what it shows as its
   * description (updated with every series). */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Activity chart"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("No activity chart"),
                                  -1);
}

GtkWidget *
anbu_activity_chart_new (void)
{
  return g_object_new (ANBU_TYPE_ACTIVITY_CHART, NULL);
}

static int
compare_points (gconstpointer a,
                gconstpointer b)
{
  gint64 ta = ((const Point *) a)->ts, tb = ((const Point *) b)->ts;

  return ta < tb ? -1 : (ta > tb ? 1 : 0);
}

static gboolean
read_number (JsonObject *object,
             const char *member,
             double     *out)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) != G_TYPE_DOUBLE && json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_double (node);
  return isfinite (*out) && *out >= 0;
}

static gboolean
read_time (JsonNode *node,
           gint64   *out)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  return anbu_validate_timestamp (NULL, json_node_get_string (node), out, NULL);
}

gboolean
anbu_activity_chart_set_series (AnbuActivityChart  *self,
                                const char         *json,
                                GError            **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (Point));
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (gint64));
  JsonObject *root;
  JsonNode *node;
  gint64 from = 0, to = 0, bucket = 0;
  double max_watts = 0, max_lux = 0;

  g_return_val_if_fail (ANBU_IS_ACTIVITY_CHART (self), FALSE);

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "series: not a JSON object");
      return FALSE;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  if (!read_time (json_object_get_member (root, "from"), &from)
      || !read_time (json_object_get_member (root, "to"), &to) || to <= from)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "series: from/to missing or reversed");
      return FALSE;
    }
  node = json_object_get_member (root, "bucket");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) <= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "series: bucket missing");
      return FALSE;
    }
  bucket = json_node_get_int (node) * G_USEC_PER_SEC;

  /* Every plug of the household in the range (a replaced plug and its
   * successor both count). */
  node = json_object_get_member (root, "plugs");
  for (guint p = 0; node != NULL && JSON_NODE_HOLDS_ARRAY (node) && p < json_array_get_length (json_node_get_array (node)); p++)
    {
      JsonNode *plug = json_array_get_element (json_node_get_array (node), p);
      JsonNode *buckets, *plug_events;

      if (!JSON_NODE_HOLDS_OBJECT (plug))
        continue;
      buckets = json_object_get_member (json_node_get_object (plug), "buckets");
      for (guint i = 0; buckets != NULL && JSON_NODE_HOLDS_ARRAY (buckets)
                        && i < json_array_get_length (json_node_get_array (buckets)); i++)
        {
          JsonNode *item = json_array_get_element (json_node_get_array (buckets), i);
          JsonObject *b;
          JsonNode *watts, *lux;
          Point pt = { 0 };

          if (!JSON_NODE_HOLDS_OBJECT (item))
            continue;
          b = json_node_get_object (item);
          watts = json_object_get_member (b, "watts");
          lux = json_object_get_member (b, "lux");
          /* The highest power shows an appliance switched on within the
           * bucket; light is read as its mean. */
          if (!read_time (json_object_get_member (b, "start"), &pt.ts)
              || watts == NULL || !JSON_NODE_HOLDS_OBJECT (watts)
              || !read_number (json_node_get_object (watts), "max", &pt.watts)
              || lux == NULL || !JSON_NODE_HOLDS_OBJECT (lux)
              || !read_number (json_node_get_object (lux), "mean", &pt.lux))
            continue;
          max_watts = MAX (max_watts, pt.watts);
          max_lux = MAX (max_lux, pt.lux);
          g_array_append_val (points, pt);
        }
      plug_events = json_object_get_member (json_node_get_object (plug), "events");
      for (guint i = 0; plug_events != NULL && JSON_NODE_HOLDS_ARRAY (plug_events)
                        && i < json_array_get_length (json_node_get_array (plug_events)); i++)
        {
          JsonNode *item = json_array_get_element (json_node_get_array (plug_events), i);
          gint64 ts;

          if (JSON_NODE_HOLDS_OBJECT (item) && read_time (json_object_get_member (json_node_get_object (item), "at"), &ts))
            g_array_append_val (events, ts);
        }
    }
  g_array_sort (points, compare_points);

  self->from = from;
  self->to = to;
  self->bucket = bucket;
  g_array_unref (self->points);
  self->points = g_steal_pointer (&points);
  g_array_unref (self->events);
  self->events = g_steal_pointer (&events);
  self->max_watts = max_watts;
  self->max_lux = max_lux;

  {
    g_autofree char *summary = anbu_activity_chart_dup_summary (self);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, summary, -1);
  }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

void
anbu_activity_chart_clear (AnbuActivityChart *self)
{
  g_return_if_fail (ANBU_IS_ACTIVITY_CHART (self));

  g_array_set_size (self->points, 0);
  g_array_set_size (self->events, 0);
  self->from = self->to = 0;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("No activity chart"), -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
anbu_activity_chart_get_n_points (AnbuActivityChart *self)
{
  g_return_val_if_fail (ANBU_IS_ACTIVITY_CHART (self), 0);
  return self->points->len;
}

guint
anbu_activity_chart_get_n_events (AnbuActivityChart *self)
{
  g_return_val_if_fail (ANBU_IS_ACTIVITY_CHART (self), 0);
  return self->events->len;
}

char *
anbu_activity_chart_dup_summary (AnbuActivityChart *self)
{
  gint64 last = 0;
  g_autofree char *last_text = NULL;
  guint days;

  g_return_val_if_fail (ANBU_IS_ACTIVITY_CHART (self), NULL);

  if (self->to <= self->from)
    return g_strdup (_("No activity chart"));
  days = (guint) ((self->to - self->from + G_TIME_SPAN_HOUR) / G_TIME_SPAN_DAY);
  for (guint i = 0; i < self->events->len; i++)
    last = MAX (last, g_array_index (self->events, gint64, i));
  if (last != 0)
    {
      g_autoptr(GDateTime) moment = anbu_timestamp_to_date_time (last);
      last_text = anbu_kst_format_date_time (moment);
    }
  else
    last_text = g_strdup (_("none"));
  /* Translators: days shown, activity events, the last event's date and time, the highest power. */
  return g_strdup_printf (_("Last %u days: %u activities, last activity %s, highest power %.0f W"),
                          days, self->events->len, last_text, self->max_watts);
}
