/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "anbu-stats-table.h"

G_BEGIN_DECLS

/*
 * The city's table as figures people can see (issue 17): three bar charts
 * over the periods of an AnbuStatsTable — risk signals (and the households
 * they came from), 안부 확인 by channel with the checks that failed on a bad
 * number beside them, and 112/119 dispatches — and, for a scope of several
 * 동, the 동 side by side over the range; drawn with GtkSnapshot, with
 * Korean labels. The same drawing goes to a PNG or a PDF file for the
 * monthly report, and a text summary of the figures is the chart's
 * accessible description.
 */

#define ANBU_STATS_CHART_ERROR (anbu_stats_chart_error_quark ())

typedef enum
{
  ANBU_STATS_CHART_ERROR_EMPTY,   /* no figures to draw */
  ANBU_STATS_CHART_ERROR_WRITE,   /* the file could not be written */
} AnbuStatsChartError;

typedef enum
{
  ANBU_STATS_CHART_FORMAT_PNG,
  ANBU_STATS_CHART_FORMAT_PDF,
} AnbuStatsChartFormat;

/* The size of an exported chart: PNG in pixels, PDF in points (A4 landscape). */
#define ANBU_STATS_CHART_EXPORT_WIDTH  842
#define ANBU_STATS_CHART_EXPORT_HEIGHT 595

#define ANBU_TYPE_STATS_CHART (anbu_stats_chart_get_type ())
G_DECLARE_FINAL_TYPE (AnbuStatsChart, anbu_stats_chart, ANBU, STATS_CHART, GtkWidget)

GQuark      anbu_stats_chart_error_quark   (void);

GtkWidget  *anbu_stats_chart_new           (void);
/* Copies what it draws from @table (NULL clears). */
void        anbu_stats_chart_set_table     (AnbuStatsChart        *self,
                                            const AnbuStatsTable  *table);
guint       anbu_stats_chart_get_n_periods (AnbuStatsChart        *self);
/* The 동 drawn side by side (the fourth chart, when the table has two or
 * more: the control centre's and a team lead's view), else 0. */
guint       anbu_stats_chart_get_n_dongs_drawn (AnbuStatsChart    *self);
/* "2026-11-01 ~ 2026-11-25, 주별. 위험신호 13건(6가구). 안부 확인 21건: …" */
char       *anbu_stats_chart_dup_summary   (AnbuStatsChart        *self);
/* The chart on white, @width × @height (pixels for PNG, points for PDF),
 * as the bytes of a PNG or PDF file; rendered in memory, so that the file
 * can be written without blocking. */
GBytes     *anbu_stats_chart_render        (AnbuStatsChart        *self,
                                            AnbuStatsChartFormat   format,
                                            int                    width,
                                            int                    height,
                                            GError               **error);

G_END_DECLS
