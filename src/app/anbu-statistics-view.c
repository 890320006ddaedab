/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-statistics-view"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-kst.h"
#include "anbu-statistics-view.h"
#include "anbu-stats-chart.h"
#include "anbu-validate.h"
#include "anbu-window.h"

#define CACHE_TABLE      "stats:last"
#define CACHE_FETCHED_AT "stats:last-fetched-at"

/* The city's table for the planner's scope: households with signals, phone
 * and SMS checks, dispatches and resolutions per day, week or month, with
 * totals; exported as CSV for Excel. */
struct _AnbuStatisticsView
{
  AdwBin parent_instance;

  GtkEntry      *from_entry;
  GtkEntry      *to_entry;
  GtkDropDown   *group_dropdown;
  GtkLabel      *status_label;
  GtkStack      *stack;
  AdwStatusPage *status_page;
  GtkGrid       *table_grid;
  AnbuStatsChart *chart;
  GtkLabel      *chart_summary_label;

  AnbuCasework   *casework;
  AnbuStatsTable *table;
  gboolean        offline;
  GCancellable   *cancellable;
};

G_DEFINE_TYPE (AnbuStatisticsView, anbu_statistics_view, ADW_TYPE_BIN)

static void
update_actions (AnbuStatisticsView *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "stats.export", self->table != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "stats.export-chart", self->table != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "stats.fetch", self->casework != NULL);
}

static void
add_cell (AnbuStatisticsView *self,
          const char         *text,
          int                 column,
          int                 row,
          gboolean            heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0 : 1);
  if (heading)
    gtk_widget_add_css_class (label, "heading");
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_grid_attach (self->table_grid, label, column, row, 1, 1);
}

static void
show_table (AnbuStatisticsView *self)
{
  GtkWidget *child;
  guint n = anbu_stats_table_get_n_rows (self->table);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->table_grid))) != NULL)
    gtk_grid_remove (self->table_grid, child);

  add_cell (self, _("Period"), 0, 0, TRUE);
  for (guint c = 0; c < ANBU_STATS_N_COLUMNS; c++)
    add_cell (self, anbu_stats_column_get_label (c), c + 1, 0, TRUE);
  for (guint r = 0; r < n; r++)
    {
      const AnbuStatsRow *row = anbu_stats_table_get_row (self->table, r);
      g_autofree char *period = anbu_stats_table_format_period (self->table, row);

      add_cell (self, period, 0, r + 1, FALSE);
      for (guint c = 0; c < ANBU_STATS_N_COLUMNS; c++)
        {
          g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, row->values[c]);
          add_cell (self, value, c + 1, r + 1, FALSE);
        }
    }
  add_cell (self, _("Total"), 0, n + 1, TRUE);
  for (guint c = 0; c < ANBU_STATS_N_COLUMNS; c++)
    {
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                anbu_stats_table_get_totals (self->table)->values[c]);
      add_cell (self, value, c + 1, n + 1, TRUE);
    }
  /* Each 동 over the range, for a scope of several (the control centre, a team lead). */
  if (anbu_stats_table_get_n_dongs (self->table) >= 2)
    for (guint d = 0; d < anbu_stats_table_get_n_dongs (self->table); d++)
      {
        const AnbuStatsRow *row = anbu_stats_table_get_dong_row (self->table, d);

        add_cell (self, anbu_stats_table_get_dong_name (self->table, d), 0, n + 2 + d, FALSE);
        for (guint c = 0; c < ANBU_STATS_N_COLUMNS; c++)
          {
            g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, row->values[c]);

            add_cell (self, value, c + 1, n + 2 + d, FALSE);
          }
      }
  /* The same figures drawn, and in words under the drawing. */
  anbu_stats_chart_set_table (self->chart, self->table);
  {
    g_autofree char *summary = anbu_stats_chart_dup_summary (self->chart);

    gtk_label_set_label (self->chart_summary_label, summary);
  }
  gtk_stack_set_visible_child_name (self->stack, "table");
  update_actions (self);
}

static gboolean
use_table_json (AnbuStatisticsView *self,
                const char         *json)
{
  g_autoptr(GError) error = NULL;
  AnbuStatsTable *table = anbu_stats_table_new_from_data (json, -1, &error);

  if (table == NULL)
    {
      g_warning ("Statistics in an unexpected shape: %s", error->message);
      return FALSE;
    }
  g_clear_pointer (&self->table, anbu_stats_table_free);
  self->table = table;
  show_table (self);
  return TRUE;
}

static void
show_cached (AnbuStatisticsView *self,
             gboolean            after_failure)
{
  AnbuCaseStore *store = anbu_casework_get_store (self->casework);
  g_autofree char *json = anbu_case_store_dup_cached (store, CACHE_TABLE);
  g_autofree char *fetched_at = anbu_case_store_dup_cached (store, CACHE_FETCHED_AT);
  gint64 usec = 0;

  if (json == NULL || !use_table_json (self, json))
    {
      if (after_failure)
        gtk_label_set_label (self->status_label,
                             _("Offline: the figures need a connection to the server once."));
      return;
    }
  self->offline = after_failure;
  if (fetched_at != NULL && anbu_validate_timestamp (NULL, fetched_at, &usec, NULL))
    {
      g_autoptr(GDateTime) moment = anbu_timestamp_to_date_time (usec);
      g_autofree char *when = anbu_kst_format_date_time (moment);
      /* Translators: %s is when the figures were fetched from the server. */
      g_autofree char *line = g_strdup_printf (after_failure ? _("Offline: figures as fetched on %s")
                                                             : _("Figures as fetched on %s"), when);
      gtk_label_set_label (self->status_label, line);
    }
}

static void
fetch_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(AnbuStatisticsView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = anbu_case_store_fetch_finish (ANBU_CASE_STORE (source), result, &error);
  g_autofree char *json = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (body != NULL)
    json = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  if (json != NULL && use_table_json (self, json))
    {
      g_autofree char *now = anbu_timestamp_format (anbu_casework_get_now (self->casework));
      g_autoptr(GDateTime) moment = anbu_timestamp_to_date_time (anbu_casework_get_now (self->casework));
      g_autofree char *when = anbu_kst_format_date_time (moment);
      g_autofree char *line = g_strdup_printf (_("Figures as fetched on %s"), when);

      anbu_case_store_store_cached (ANBU_CASE_STORE (source), CACHE_TABLE, json);
      anbu_case_store_store_cached (ANBU_CASE_STORE (source), CACHE_FETCHED_AT, now);
      self->offline = FALSE;
      gtk_label_set_label (self->status_label, line);
      return;
    }
  show_cached (self, TRUE);
}

static gboolean
read_date_entry (GtkEntry *entry,
                 GDate    *date)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  if (anbu_validate_date (NULL, text, date, NULL))
    {
      gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
      return TRUE;
    }
  gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
  return FALSE;
}

void
anbu_statistics_view_fetch (AnbuStatisticsView *self)
{
  GDate from, to;
  g_autofree char *path = NULL;
  guint group;

  g_return_if_fail (ANBU_IS_STATISTICS_VIEW (self));
  g_return_if_fail (self->casework != NULL);

  if (!read_date_entry (self->from_entry, &from) | !read_date_entry (self->to_entry, &to))
    {
      gtk_label_set_label (self->status_label, _("Enter dates such as 2026-11-30."));
      return;
    }
  if (g_date_compare (&from, &to) > 0)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->to_entry), "error");
      gtk_label_set_label (self->status_label, _("The period must end on or after the day it starts."));
      return;
    }
  group = gtk_drop_down_get_selected (self->group_dropdown);
  if (group > ANBU_STATS_GROUP_MONTH)
    group = ANBU_STATS_GROUP_DAY;
  {
    /* From the first day's midnight in Seoul to the midnight after the last day. */
    GDate after = to;
    g_autoptr(GDateTime) start = anbu_kst_new_from_date (&from, 0, 0);
    g_autoptr(GDateTime) end = NULL;
    g_autofree char *start_text = NULL;
    g_autofree char *end_text = NULL;
    g_autofree char *start_q = NULL;
    g_autofree char *end_q = NULL;

    g_date_add_days (&after, 1);
    end = anbu_kst_new_from_date (&after, 0, 0);
    start_text = g_date_time_format_iso8601 (start);
    end_text = g_date_time_format_iso8601 (end);
    start_q = g_uri_escape_string (start_text, NULL, FALSE);
    end_q = g_uri_escape_string (end_text, NULL, FALSE);
    path = g_strdup_printf ("/api/v1/stats?from=%s&to=%s&group=%s", start_q, end_q,
                            anbu_stats_group_to_string (group));
  }
  gtk_label_set_label (self->status_label, _("Fetching the figures…"));
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  anbu_case_store_fetch_async (anbu_casework_get_store (self->casework), path, self->cancellable,
                               fetch_cb, g_object_ref (self));
}

static void
fetch_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  anbu_statistics_view_fetch (ANBU_STATISTICS_VIEW (widget));
}

static void
replace_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
anbu_statistics_view_export_async (AnbuStatisticsView  *self,
                                   GFile               *file,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) csv = NULL;

  g_return_if_fail (ANBU_IS_STATISTICS_VIEW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, anbu_statistics_view_export_async);
  if (self->table == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "no figures to export");
      return;
    }
  csv = anbu_stats_table_to_csv (self->table);
  g_file_replace_contents_bytes_async (file, csv, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       cancellable, replace_cb, g_steal_pointer (&task));
}

gboolean
anbu_statistics_view_export_finish (AnbuStatisticsView  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
export_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  AnbuStatisticsView *self = ANBU_STATISTICS_VIEW (source);
  g_autoptr(GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  gboolean ok = anbu_statistics_view_export_finish (self, result, &error);

  if (!ok)
    g_warning ("Could not write the CSV file: %s", error->message);
  if (ANBU_IS_WINDOW (root))
    anbu_window_add_toast (ANBU_WINDOW (root), ok ? _("Figures exported as CSV")
                                                  : _("The CSV file could not be written. Choose another folder."));
}

static void
on_chooser_response (GtkNativeDialog    *chooser,
                     int                 response,
                     AnbuStatisticsView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      anbu_statistics_view_export_async (self, file, NULL, export_cb, NULL);
    }
  g_object_unref (chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AnbuStatisticsView *self = ANBU_STATISTICS_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (self->table == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Export Figures"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  /* Translators: file name of the export, %s is the period "2026-11-01_2026-11-30". */
  {
    const GDate *from = anbu_stats_table_get_from (self->table);
    const GDate *to = anbu_stats_table_get_to (self->table);
    g_autofree char *range = g_strdup_printf ("%04u-%02u-%02u_%04u-%02u-%02u",
                                              g_date_get_year (from), g_date_get_month (from), g_date_get_day (from),
                                              g_date_get_year (to), g_date_get_month (to), g_date_get_day (to));
    name = g_strdup_printf (_("anbu-figures-%s.csv"), range);
  }
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
anbu_statistics_view_export_chart_async (AnbuStatisticsView   *self,
                                         GFile                *file,
                                         AnbuStatsChartFormat  format,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (ANBU_IS_STATISTICS_VIEW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, anbu_statistics_view_export_chart_async);
  /* Drawn here (GTK belongs to this thread), written without blocking. */
  bytes = anbu_stats_chart_render (self->chart, format, ANBU_STATS_CHART_EXPORT_WIDTH,
                                   ANBU_STATS_CHART_EXPORT_HEIGHT, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       cancellable, replace_cb, g_steal_pointer (&task));
}

gboolean
anbu_statistics_view_export_chart_finish (AnbuStatisticsView  *self,
                                          GAsyncResult        *result,
                                          GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

AnbuStatsChart *
anbu_statistics_view_get_chart (AnbuStatisticsView *self)
{
  g_return_val_if_fail (ANBU_IS_STATISTICS_VIEW (self), NULL);
  return self->chart;
}

static void
export_chart_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AnbuStatisticsView *self = ANBU_STATISTICS_VIEW (source);
  g_autoptr(GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  gboolean ok = anbu_statistics_view_export_chart_finish (self, result, &error);

  if (!ok)
    g_warning ("Could not write the chart: %s", error->message);
  if (ANBU_IS_WINDOW (root))
    anbu_window_add_toast (ANBU_WINDOW (root), ok ? _("Charts exported")
                                                  : _("The chart file could not be written. Choose another folder."));
}

/* PDF unless the planner named a .png file. */
static void
on_chart_chooser_response (GtkNativeDialog    *chooser,
                           int                 response,
                           AnbuStatisticsView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *lower = g_ascii_strdown (name != NULL ? name : "", -1);
      AnbuStatsChartFormat format = g_str_has_suffix (lower, ".png") ? ANBU_STATS_CHART_FORMAT_PNG
                                                                     : ANBU_STATS_CHART_FORMAT_PDF;

      anbu_statistics_view_export_chart_async (self, file, format, NULL, export_chart_cb, NULL);
    }
  g_object_unref (chooser);
}

static void
export_chart_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AnbuStatisticsView *self = ANBU_STATISTICS_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) pdf = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) png = gtk_file_filter_new ();
  const GDate *from, *to;
  g_autofree char *range = NULL;
  g_autofree char *name = NULL;

  if (self->table == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Export Charts"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_filter_set_name (pdf, _("PDF document"));
  gtk_file_filter_add_suffix (pdf, "pdf");
  gtk_file_filter_set_name (png, _("PNG image"));
  gtk_file_filter_add_suffix (png, "png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), pdf);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), png);
  from = anbu_stats_table_get_from (self->table);
  to = anbu_stats_table_get_to (self->table);
  range = g_strdup_printf ("%04u-%02u-%02u_%04u-%02u-%02u",
                           g_date_get_year (from), g_date_get_month (from), g_date_get_day (from),
                           g_date_get_year (to), g_date_get_month (to), g_date_get_day (to));
  /* Translators: file name of the chart export, %s is the period "2026-11-01_2026-11-30". */
  name = g_strdup_printf (_("anbu-charts-%s.pdf"), range);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chart_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
anbu_statistics_view_dispose (GObject *object)
{
  AnbuStatisticsView *self = ANBU_STATISTICS_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->casework);
  g_clear_pointer (&self->table, anbu_stats_table_free);
  /* Through AdwBin first, so that it does not keep a child the template dropped. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ANBU_TYPE_STATISTICS_VIEW);
  G_OBJECT_CLASS (anbu_statistics_view_parent_class)->dispose (object);
}

static void
anbu_statistics_view_class_init (AnbuStatisticsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = anbu_statistics_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-statistics-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuStatisticsView, from_entry);
  gtk_widget_class_bind_template_child (widget_class, AnbuStatisticsView, to_entry);
  gtk_widget_class_bind_template_child (widget_class, AnbuStatisticsView, group_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AnbuStatisticsView, status_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuStatisticsView, stack);
  gtk_widget_class_bind_template_child (widget_class, AnbuStatisticsView, status_page);
  gtk_widget_class_bind_template_child (widget_class, AnbuStatisticsView, table_grid);
  gtk_widget_class_bind_template_child (widget_class, AnbuStatisticsView, chart);
  gtk_widget_class_bind_template_child (widget_class, AnbuStatisticsView, chart_summary_label);
  gtk_widget_class_install_action (widget_class, "stats.fetch", NULL, fetch_action);
  gtk_widget_class_install_action (widget_class, "stats.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "stats.export-chart", NULL, export_chart_action);
}

static void
anbu_statistics_view_init (AnbuStatisticsView *self)
{
  g_autoptr(GtkStringList) groups = NULL;
  g_autoptr(GDateTime) now = anbu_kst_now ();
  g_autoptr(GDateTime) first = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  g_type_ensure (ANBU_TYPE_STATS_CHART);
  gtk_widget_init_template (GTK_WIDGET (self));
  groups = gtk_string_list_new (NULL);
  self->cancellable = g_cancellable_new ();
  for (guint g = ANBU_STATS_GROUP_DAY; g <= ANBU_STATS_GROUP_MONTH; g++)
    gtk_string_list_append (groups, anbu_stats_group_to_label (g));
  gtk_drop_down_set_model (self->group_dropdown, G_LIST_MODEL (groups));
  gtk_drop_down_set_selected (self->group_dropdown, ANBU_STATS_GROUP_WEEK);

  first = g_date_time_add_days (now, 1 - g_date_time_get_day_of_month (now));
  from = g_date_time_format (first, "%Y-%m-%d");
  to = g_date_time_format (now, "%Y-%m-%d");
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from);
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to);
  gtk_stack_set_visible_child_name (self->stack, "empty");
  update_actions (self);
}

GtkWidget *
anbu_statistics_view_new (void)
{
  return g_object_new (ANBU_TYPE_STATISTICS_VIEW, NULL);
}

static void
apply_casework (AnbuStatisticsView *self,
                AnbuCasework *casework)
{
  g_return_if_fail (ANBU_IS_STATISTICS_VIEW (self));
  g_return_if_fail (casework == NULL || ANBU_IS_CASEWORK (casework));

  if (self->casework == casework)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->casework, casework);
  g_clear_pointer (&self->table, anbu_stats_table_free);
  anbu_stats_chart_set_table (self->chart, NULL);
  gtk_label_set_label (self->chart_summary_label, "");
  self->offline = FALSE;
  gtk_label_set_label (self->status_label, "");
  gtk_stack_set_visible_child_name (self->stack, "empty");
  update_actions (self);
  if (casework != NULL)
    show_cached (self, FALSE);
}

void
anbu_statistics_view_set_context (AnbuStatisticsView *self,
                                  AnbuContext *context)
{
  g_return_if_fail (ANBU_IS_STATISTICS_VIEW (self));
  g_return_if_fail (ANBU_IS_CONTEXT (context));

  anbu_context_follow_casework (context, G_OBJECT (self), (AnbuCaseworkApply) apply_casework);
}

const AnbuStatsTable *
anbu_statistics_view_get_table (AnbuStatisticsView *self)
{
  g_return_val_if_fail (ANBU_IS_STATISTICS_VIEW (self), NULL);
  return self->table;
}

gboolean
anbu_statistics_view_get_offline (AnbuStatisticsView *self)
{
  g_return_val_if_fail (ANBU_IS_STATISTICS_VIEW (self), FALSE);
  return self->offline;
}
