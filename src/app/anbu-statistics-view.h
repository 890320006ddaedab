/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "anbu-context.h"
#include "anbu-stats-chart.h"
#include "anbu-stats-table.h"

G_BEGIN_DECLS

#define ANBU_TYPE_STATISTICS_VIEW (anbu_statistics_view_get_type ())

G_DECLARE_FINAL_TYPE (AnbuStatisticsView, anbu_statistics_view, ANBU, STATISTICS_VIEW, AdwBin)

GtkWidget            *anbu_statistics_view_new          (void);
/* The view follows the context's casework (anbu-context.h); none (sign-out,
 * lock) clears it. */
void anbu_statistics_view_set_context (AnbuStatisticsView *self,
                                      AnbuContext *context);
/* Fetches the figures for the range and grouping in the controls. */
void                  anbu_statistics_view_fetch        (AnbuStatisticsView *self);
const AnbuStatsTable *anbu_statistics_view_get_table    (AnbuStatisticsView *self);
/* Whether the table shown is the offline copy. */
gboolean              anbu_statistics_view_get_offline  (AnbuStatisticsView *self);
/* Writes the table as CSV (UTF-8 with BOM) to @file. */
void                  anbu_statistics_view_export_async (AnbuStatisticsView  *self,
                                                         GFile               *file,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean              anbu_statistics_view_export_finish (AnbuStatisticsView *self,
                                                          GAsyncResult       *result,
                                                          GError            **error);

/* The charts of the table shown (anbu-stats-chart.h). */
AnbuStatsChart       *anbu_statistics_view_get_chart    (AnbuStatisticsView *self);
/* Writes the charts as a PNG or PDF file (A4 landscape) to @file. */
void                  anbu_statistics_view_export_chart_async  (AnbuStatisticsView   *self,
                                                                GFile                *file,
                                                                AnbuStatsChartFormat  format,
                                                                GCancellable         *cancellable,
                                                                GAsyncReadyCallback   callback,
                                                                gpointer              user_data);
gboolean              anbu_statistics_view_export_chart_finish (AnbuStatisticsView  *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);

G_END_DECLS
