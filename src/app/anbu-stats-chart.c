/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-stats-chart"

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <math.h>

#include "anbu-stats-chart.h"

#define N_PANELS       3   /* over the periods; a fourth per 동 when there are several */
#define MAX_STACK      3
#define MAX_BARS       3
#define AXIS_WIDTH     44.0
#define TITLE_HEIGHT   26.0
#define LABELS_HEIGHT  22.0
#define PANEL_GAP      12.0
#define FONT_SIZE      12.0
#define TITLE_SIZE     14.0
#define SMALL_SIZE     10.5

struct _AnbuStatsChart
{
  GtkWidget parent_instance;

  AnbuStatsGroup group;
  GDate          from;
  GDate          to;
  GArray        *rows;    /* of AnbuStatsRow */
  GPtrArray     *labels;  /* the periods' axis labels */
  AnbuStatsRow   totals;
  GArray        *dong_rows;    /* of AnbuStatsRow, per 동 over the range */
  GPtrArray     *dong_labels;  /* their names */
  gboolean       has_table;
};

G_DEFINE_FINAL_TYPE (AnbuStatsChart, anbu_stats_chart, GTK_TYPE_WIDGET)

G_DEFINE_QUARK (anbu-stats-chart-error-quark, anbu_stats_chart_error)

/* One bar of a period: its columns stacked bottom up. */
typedef struct
{
  AnbuStatsColumn columns[MAX_STACK];
  guint           n_columns;
} Bar;

typedef struct
{
  const char *title;
  Bar         bars[MAX_BARS];
  guint       n_bars;
} Panel;

static const Panel panels[N_PANELS] = {
  { N_("Risk signals"),
    { { { ANBU_STATS_COLUMN_SIGNALS }, 1 },
      { { ANBU_STATS_COLUMN_SIGNAL_HOUSEHOLDS }, 1 } }, 2 },
  { N_("Checks by channel and outcome"),
    { { { ANBU_STATS_COLUMN_PHONE_CHECKS, ANBU_STATS_COLUMN_SMS_CHECKS, ANBU_STATS_COLUMN_VISIT_CHECKS }, 3 },
      { { ANBU_STATS_COLUMN_BAD_NUMBER_CHECKS }, 1 } }, 2 },
  { N_("Dispatches"),
    { { { ANBU_STATS_COLUMN_DISPATCHES_112, ANBU_STATS_COLUMN_DISPATCHES_119 }, 2 } }, 1 },
};

/* For the control centre and a team lead: each 동 side by side over the range. */
static const Panel dong_panel =
  { N_("Per community centre, whole range"),
    { { { ANBU_STATS_COLUMN_SIGNALS }, 1 },
      { { ANBU_STATS_COLUMN_PHONE_CHECKS, ANBU_STATS_COLUMN_SMS_CHECKS, ANBU_STATS_COLUMN_VISIT_CHECKS }, 3 },
      { { ANBU_STATS_COLUMN_DISPATCHES_112, ANBU_STATS_COLUMN_DISPATCHES_119 }, 2 } }, 3 };

/* Colours that stay apart for common colour blindness and on paper. */
static GdkRGBA
column_color (AnbuStatsColumn column)
{
  switch (column)
    {
    case ANBU_STATS_COLUMN_SIGNALS:
      return (GdkRGBA) { 0.90, 0.38, 0.00, 1 };
    case ANBU_STATS_COLUMN_SIGNAL_HOUSEHOLDS:
      return (GdkRGBA) { 0.99, 0.72, 0.39, 1 };
    case ANBU_STATS_COLUMN_PHONE_CHECKS:
      return (GdkRGBA) { 0.13, 0.40, 0.67, 1 };
    case ANBU_STATS_COLUMN_SMS_CHECKS:
      return (GdkRGBA) { 0.40, 0.66, 0.81, 1 };
    case ANBU_STATS_COLUMN_VISIT_CHECKS:
      return (GdkRGBA) { 0.65, 0.85, 0.42, 1 };
    case ANBU_STATS_COLUMN_BAD_NUMBER_CHECKS:
      return (GdkRGBA) { 0.79, 0.09, 0.11, 1 };
    case ANBU_STATS_COLUMN_DISPATCHES_112:
      return (GdkRGBA) { 0.20, 0.20, 0.55, 1 };
    case ANBU_STATS_COLUMN_DISPATCHES_119:
      return (GdkRGBA) { 0.89, 0.29, 0.20, 1 };
    default:
      return (GdkRGBA) { 0.5, 0.5, 0.5, 1 };
    }
}

/* The legend names the channels and the outcome shortly; the table keeps
 * the long column names. */
static const char *
column_legend (AnbuStatsColumn column)
{
  switch (column)
    {
    case ANBU_STATS_COLUMN_SIGNALS:
      return C_("chart legend", "Signals");
    case ANBU_STATS_COLUMN_SIGNAL_HOUSEHOLDS:
      return C_("chart legend", "Households");
    case ANBU_STATS_COLUMN_PHONE_CHECKS:
      return C_("chart legend", "Phone");
    case ANBU_STATS_COLUMN_SMS_CHECKS:
      return C_("chart legend", "Text");
    case ANBU_STATS_COLUMN_VISIT_CHECKS:
      return C_("chart legend", "Visit");
    case ANBU_STATS_COLUMN_BAD_NUMBER_CHECKS:
      return C_("chart legend", "Bad number");
    case ANBU_STATS_COLUMN_DISPATCHES_112:
      return C_("chart legend", "Police 112");
    case ANBU_STATS_COLUMN_DISPATCHES_119:
      return C_("chart legend", "Fire 119");
    default:
      return anbu_stats_column_get_label (column);
    }
}

static gint64
bar_value (const AnbuStatsRow *row,
           const Bar          *bar)
{
  gint64 sum = 0;

  for (guint c = 0; c < bar->n_columns; c++)
    sum += row->values[bar->columns[c]];
  return sum;
}

/* 1, 2, 5 × 10ⁿ at or above @value: a scale people read at a glance. */
static gint64
nice_ceiling (gint64 value)
{
  gint64 step = 1;

  if (value <= 1)
    return 1;
  for (;;)
    {
      if (value <= step)
        return step;
      if (value <= 2 * step)
        return 2 * step;
      if (value <= 5 * step)
        return 5 * step;
      step *= 10;
    }
}

/* The axis label of a period: short, so that many fit. */
static char *
short_period (AnbuStatsChart     *self,
              const AnbuStatsRow *row)
{
  switch (self->group)
    {
    case ANBU_STATS_GROUP_MONTH:
      return g_strdup_printf ("%04u.%02u", g_date_get_year (&row->start), g_date_get_month (&row->start));
    case ANBU_STATS_GROUP_WEEK:
      return g_strdup_printf ("%u/%u~%u/%u", g_date_get_month (&row->start), g_date_get_day (&row->start),
                              g_date_get_month (&row->end), g_date_get_day (&row->end));
    case ANBU_STATS_GROUP_DAY:
    default:
      return g_strdup_printf ("%u/%u", g_date_get_month (&row->start), g_date_get_day (&row->start));
    }
}

static PangoLayout *
new_layout (PangoContext *context,
            const char   *text,
            double        size,
            gboolean      bold)
{
  PangoLayout *layout = pango_layout_new (context);
  PangoFontDescription *font = pango_font_description_copy (pango_context_get_font_description (context));

  /* Absolute sizes: pixels on screen and in the PNG, points in the PDF. */
  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_font_description_free (font);
  return layout;
}

/* Draws @text with its left (@align 0), centre (0.5) or right (1) at @x and
 * its top at @y; answers its width. */
static int
draw_text (GtkSnapshot   *snapshot,
           PangoContext  *context,
           const char    *text,
           double         x,
           double         y,
           double         align,
           double         size,
           gboolean       bold,
           const GdkRGBA *color)
{
  g_autoptr(PangoLayout) layout = new_layout (context, text, size, bold);
  int width, height;

  pango_layout_get_pixel_size (layout, &width, &height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (round (x - align * width), round (y)));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
  return width;
}

static int
text_width (PangoContext *context,
            const char   *text,
            double        size)
{
  g_autoptr(PangoLayout) layout = new_layout (context, text, size, FALSE);
  int width;

  pango_layout_get_pixel_size (layout, &width, NULL);
  return width;
}

static void
draw_panel (GArray          *rows,
            GPtrArray       *labels,
            const Panel     *panel,
            GtkSnapshot     *snapshot,
            PangoContext    *context,
            double           top,
            double           width,
            double           height,
            const GdkRGBA   *fg)
{
  GdkRGBA grid = { fg->red, fg->green, fg->blue, 0.18 };
  GdkRGBA dim = { fg->red, fg->green, fg->blue, 0.75 };
  double plot_top = top + TITLE_HEIGHT + SMALL_SIZE;
  double plot_bottom = top + height - LABELS_HEIGHT;
  double plot_left = AXIS_WIDTH, plot_right = width - 8;
  double plot_height = plot_bottom - plot_top;
  guint n = rows->len;
  double slot = n > 0 ? (plot_right - plot_left) / n : 0;
  double bar_width;
  gint64 max = 0, scale;
  double legend_x = plot_right;
  guint label_every = 1;
  int widest = 0;

  if (plot_height <= 4 || slot <= 0)
    return;

  draw_text (snapshot, context, _(panel->title), 0, top, 0, TITLE_SIZE, TRUE, fg);

  /* Legend, right-aligned on the title's line, in the stacking order. */
  for (int b = (int) panel->n_bars - 1; b >= 0; b--)
    for (int c = (int) panel->bars[b].n_columns - 1; c >= 0; c--)
      {
        AnbuStatsColumn column = panel->bars[b].columns[c];
        GdkRGBA color = column_color (column);
        const char *label = column_legend (column);

        legend_x -= text_width (context, label, FONT_SIZE);
        draw_text (snapshot, context, label, legend_x, top + 2, 0, FONT_SIZE, FALSE, fg);
        legend_x -= 16;
        gtk_snapshot_append_color (snapshot, &color, &GRAPHENE_RECT_INIT (legend_x, top + 5, 11, 11));
        legend_x -= 14;
      }

  for (guint r = 0; r < n; r++)
    for (guint b = 0; b < panel->n_bars; b++)
      max = MAX (max, bar_value (&g_array_index (rows, AnbuStatsRow, r), &panel->bars[b]));
  scale = nice_ceiling (max);

  /* Grid at 0, half and the top, with their counts. */
  for (guint g = 0; g <= 2; g++)
    {
      gint64 value = scale * g / 2;
      double y = plot_bottom - plot_height * g / 2.0;
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

      if (g == 1 && scale % 2 != 0)
        continue;
      gtk_snapshot_append_color (snapshot, g == 0 ? fg : &grid,
                                 &GRAPHENE_RECT_INIT (plot_left, y - (g == 0 ? 1 : 0.5), plot_right - plot_left, g == 0 ? 1.5 : 1));
      draw_text (snapshot, context, text, plot_left - 6, y - SMALL_SIZE * 0.75, 1, SMALL_SIZE, FALSE, &dim);
    }

  bar_width = MIN (slot * 0.8 / panel->n_bars, 48);
  for (guint r = 0; r < n; r++)
    widest = MAX (widest, text_width (context, labels->pdata[r], SMALL_SIZE));
  label_every = MAX (1, (guint) ceil ((widest + 8) / slot));

  for (guint r = 0; r < n; r++)
    {
      const AnbuStatsRow *row = &g_array_index (rows, AnbuStatsRow, r);
      double centre = plot_left + slot * (r + 0.5);
      double left = centre - bar_width * panel->n_bars / 2.0;

      for (guint b = 0; b < panel->n_bars; b++)
        {
          double y = plot_bottom;
          gint64 total = bar_value (row, &panel->bars[b]);

          for (guint c = 0; c < panel->bars[b].n_columns; c++)
            {
              AnbuStatsColumn column = panel->bars[b].columns[c];
              GdkRGBA color = column_color (column);
              double h = plot_height * (double) row->values[column] / (double) scale;

              if (h <= 0)
                continue;
              gtk_snapshot_append_color (snapshot, &color,
                                         &GRAPHENE_RECT_INIT (left + b * bar_width + 1, y - h, bar_width - 2, h));
              y -= h;
            }
          /* The count over the bar while there is room to read it. */
          if (total > 0 && bar_width >= 14)
            {
              g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, total);

              draw_text (snapshot, context, text, left + (b + 0.5) * bar_width, y - SMALL_SIZE - 4, 0.5,
                         SMALL_SIZE, FALSE, fg);
            }
        }
      if (r % label_every == 0)
        draw_text (snapshot, context, labels->pdata[r], centre, plot_bottom + 4, 0.5, SMALL_SIZE, FALSE, &dim);
    }
}

static void
draw_chart (AnbuStatsChart *self,
            GtkSnapshot    *snapshot,
            PangoContext   *context,
            double          width,
            double          height,
            const GdkRGBA  *fg)
{
  gboolean per_dong = self->dong_rows->len >= 2;
  guint n_panels = N_PANELS + (per_dong ? 1 : 0);
  double panel_height = (height - PANEL_GAP * (n_panels - 1)) / n_panels;

  if (!self->has_table || self->rows->len == 0)
    {
      draw_text (snapshot, context, _("No figures to draw"), width / 2, height / 2 - FONT_SIZE, 0.5,
                 FONT_SIZE, FALSE, fg);
      return;
    }
  for (guint p = 0; p < N_PANELS; p++)
    draw_panel (self->rows, self->labels, &panels[p], snapshot, context, p * (panel_height + PANEL_GAP),
                width, panel_height, fg);
  if (per_dong)
    draw_panel (self->dong_rows, self->dong_labels, &dong_panel, snapshot, context,
                N_PANELS * (panel_height + PANEL_GAP), width, panel_height, fg);
}

static void
anbu_stats_chart_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  AnbuStatsChart *self = ANBU_STATS_CHART (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  GdkRGBA fg;

  if (width <= 0 || height <= 0)
    return;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  draw_chart (self, snapshot, gtk_widget_get_pango_context (widget), width, height, &fg);
}

static void
anbu_stats_chart_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 360;
      *natural = 720;
    }
  else
    {
      gboolean per_dong = ANBU_STATS_CHART (widget)->dong_rows->len >= 2;

      *minimum = per_dong ? 560 : 420;
      *natural = per_dong ? 640 : 480;
    }
}

static void
anbu_stats_chart_finalize (GObject *object)
{
  AnbuStatsChart *self = ANBU_STATS_CHART (object);

  g_clear_pointer (&self->rows, g_array_unref);
  g_clear_pointer (&self->labels, g_ptr_array_unref);
  g_clear_pointer (&self->dong_rows, g_array_unref);
  g_clear_pointer (&self->dong_labels, g_ptr_array_unref);
  G_OBJECT_CLASS (anbu_stats_chart_parent_class)->finalize (object);
}

static void
anbu_stats_chart_class_init (AnbuStatsChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = anbu_stats_chart_finalize;
  widget_class->snapshot = anbu_stats_chart_snapshot;
  widget_class->measure = anbu_stats_chart_measure;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "statschart");
}

static void
anbu_stats_chart_init (AnbuStatsChart *self)
{
  self->rows = g_array_new (FALSE, TRUE, sizeof (AnbuStatsRow));
  self->labels = g_ptr_array_new_with_free_func (g_free);
  self->dong_rows = g_array_new (FALSE, TRUE, sizeof (AnbuStatsRow));
  self->dong_labels = g_ptr_array_new_with_free_func (g_free);
  /* A picture to a screen reader: its name, and the figures in words. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Statistics chart"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("No figures to draw"),
                                  -1);
}

GtkWidget *
anbu_stats_chart_new (void)
{
  return g_object_new (ANBU_TYPE_STATS_CHART, NULL);
}

void
anbu_stats_chart_set_table (AnbuStatsChart       *self,
                            const AnbuStatsTable *table)
{
  g_autofree char *summary = NULL;

  g_return_if_fail (ANBU_IS_STATS_CHART (self));

  g_array_set_size (self->rows, 0);
  g_ptr_array_set_size (self->labels, 0);
  g_array_set_size (self->dong_rows, 0);
  g_ptr_array_set_size (self->dong_labels, 0);
  self->has_table = table != NULL;
  if (table != NULL)
    {
      self->group = anbu_stats_table_get_group (table);
      self->from = *anbu_stats_table_get_from (table);
      self->to = *anbu_stats_table_get_to (table);
      self->totals = *anbu_stats_table_get_totals (table);
      for (guint r = 0; r < anbu_stats_table_get_n_rows (table); r++)
        {
          g_array_append_val (self->rows, *anbu_stats_table_get_row (table, r));
          g_ptr_array_add (self->labels, short_period (self, anbu_stats_table_get_row (table, r)));
        }
      for (guint d = 0; d < anbu_stats_table_get_n_dongs (table); d++)
        {
          g_array_append_val (self->dong_rows, *anbu_stats_table_get_dong_row (table, d));
          g_ptr_array_add (self->dong_labels, g_strdup (anbu_stats_table_get_dong_name (table, d)));
        }
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
  summary = anbu_stats_chart_dup_summary (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, summary, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
anbu_stats_chart_get_n_periods (AnbuStatsChart *self)
{
  g_return_val_if_fail (ANBU_IS_STATS_CHART (self), 0);
  return self->rows->len;
}

guint
anbu_stats_chart_get_n_dongs_drawn (AnbuStatsChart *self)
{
  g_return_val_if_fail (ANBU_IS_STATS_CHART (self), 0);
  return self->dong_rows->len >= 2 ? self->dong_rows->len : 0;
}

static char *
format_date (const GDate *date)
{
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

char *
anbu_stats_chart_dup_summary (AnbuStatsChart *self)
{
  GString *text;
  const gint64 *t;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  gint64 busiest = -1;
  guint busiest_row = 0;

  g_return_val_if_fail (ANBU_IS_STATS_CHART (self), NULL);

  if (!self->has_table || self->rows->len == 0)
    return g_strdup (_("No figures to draw"));

  t = self->totals.values;
  from = format_date (&self->from);
  to = format_date (&self->to);
  text = g_string_new (NULL);
  /* Translators: "2026-11-01 ~ 2026-11-25, 주별." */
  g_string_append_printf (text, _("%s ~ %s, %s."), from, to, anbu_stats_group_to_label (self->group));
  g_string_append_c (text, ' ');
  g_string_append_printf (text, _("Risk signals: %d from %d households."),
                          (int) t[ANBU_STATS_COLUMN_SIGNALS], (int) t[ANBU_STATS_COLUMN_SIGNAL_HOUSEHOLDS]);
  g_string_append_c (text, ' ');
  g_string_append_printf (text, _("Checks: %d (phone %d, text %d, visit %d); %d failed on a wrong or dead number."),
                          (int) (t[ANBU_STATS_COLUMN_PHONE_CHECKS] + t[ANBU_STATS_COLUMN_SMS_CHECKS]
                                 + t[ANBU_STATS_COLUMN_VISIT_CHECKS]),
                          (int) t[ANBU_STATS_COLUMN_PHONE_CHECKS], (int) t[ANBU_STATS_COLUMN_SMS_CHECKS],
                          (int) t[ANBU_STATS_COLUMN_VISIT_CHECKS], (int) t[ANBU_STATS_COLUMN_BAD_NUMBER_CHECKS]);
  g_string_append_c (text, ' ');
  g_string_append_printf (text, _("Dispatches: %d (police 112: %d, fire 119: %d)."),
                          (int) (t[ANBU_STATS_COLUMN_DISPATCHES_112] + t[ANBU_STATS_COLUMN_DISPATCHES_119]),
                          (int) t[ANBU_STATS_COLUMN_DISPATCHES_112], (int) t[ANBU_STATS_COLUMN_DISPATCHES_119]);
  for (guint r = 0; r < self->rows->len; r++)
    {
      gint64 signals = g_array_index (self->rows, AnbuStatsRow, r).values[ANBU_STATS_COLUMN_SIGNALS];

      if (signals > busiest)
        {
          busiest = signals;
          busiest_row = r;
        }
    }
  if (busiest > 0)
    {
      const AnbuStatsRow *row = &g_array_index (self->rows, AnbuStatsRow, busiest_row);
      g_autofree char *start = format_date (&row->start);
      g_autofree char *end = format_date (&row->end);

      g_string_append_c (text, ' ');
      /* Translators: the period with the most signals, "2026-11-02 ~ 2026-11-08" and its count. */
      g_string_append_printf (text, _("Most signals from %s to %s: %d."), start, end, (int) busiest);
    }
  if (self->dong_rows->len >= 2)
    {
      g_autoptr(GString) list = g_string_new (NULL);

      for (guint d = 0; d < self->dong_rows->len; d++)
        {
          if (d > 0)
            g_string_append (list, _(", "));
          /* Translators: a 동 and its signals, "청운효자동 4건". */
          g_string_append_printf (list, _("%s %d"), (const char *) self->dong_labels->pdata[d],
                                  (int) g_array_index (self->dong_rows, AnbuStatsRow, d).values[ANBU_STATS_COLUMN_SIGNALS]);
        }
      g_string_append_c (text, ' ');
      g_string_append_printf (text, _("Risk signals per community centre: %s."), list->str);
    }
  return g_string_free (text, FALSE);
}

static cairo_status_t
append_to_array (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

GBytes *
anbu_stats_chart_render (AnbuStatsChart        *self,
                         AnbuStatsChartFormat   format,
                         int                    width,
                         int                    height,
                         GError               **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot;
  GdkRGBA ink = { 0.1, 0.1, 0.1, 1 }, paper = { 1, 1, 1, 1 };
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  g_return_val_if_fail (ANBU_IS_STATS_CHART (self), NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);

  if (!self->has_table || self->rows->len == 0)
    {
      g_set_error_literal (error, ANBU_STATS_CHART_ERROR, ANBU_STATS_CHART_ERROR_EMPTY,
                           "no figures to draw");
      return NULL;
    }

  /* The screen's drawing, in ink on paper whatever the theme, with a margin. */
  snapshot = gtk_snapshot_new ();
  gtk_snapshot_append_color (snapshot, &paper, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (24, 24));
  draw_chart (self, snapshot, gtk_widget_get_pango_context (GTK_WIDGET (self)), width - 48, height - 48, &ink);
  node = gtk_snapshot_free_to_node (snapshot);

  if (format == ANBU_STATS_CHART_FORMAT_PDF)
    {
      g_autofree char *from = format_date (&self->from);
      g_autofree char *to = format_date (&self->to);
      /* Translators: the PDF's title, "안부 통계 2026-11-01 ~ 2026-11-30". */
      g_autofree char *title = g_strdup_printf (_("Anbu figures %s ~ %s"), from, to);

      surface = cairo_pdf_surface_create_for_stream (append_to_array, bytes, width, height);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
    }
  else
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  if (node != NULL)
    gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  if (format == ANBU_STATS_CHART_FORMAT_PNG)
    status = cairo_surface_write_to_png_stream (surface, append_to_array, bytes);
  else
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, ANBU_STATS_CHART_ERROR, ANBU_STATS_CHART_ERROR_WRITE,
                   "cannot draw the chart: %s", cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}
