/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * Seven days of a plug: power (W) and light (lux) as lines, activity events
 * as marks along the bottom, nights (18:00–07:00 KST) shaded, one column per
 * day; drawn with GtkSnapshot. Reads the body of
 * GET /api/v1/households/{id}/series (docs/api.md):
 *
 *   {"household_id", "from", "to", "bucket": seconds,
 *    "plugs": [{"serial", "appliance",
 *               "buckets": [{"start", "count", "watts": {"min", "max", "mean"},
 *                            "lux": {"min", "max", "mean"}}, …],
 *               "events": [{"at", "kind", "magnitude"}, …]}]}
 *
 * drawing the highest power and the mean light per bucket, and offers a
 * text summary for screen readers and the page.
 */

#define ANBU_TYPE_ACTIVITY_CHART (anbu_activity_chart_get_type ())
G_DECLARE_FINAL_TYPE (AnbuActivityChart, anbu_activity_chart, ANBU, ACTIVITY_CHART, GtkWidget)

GtkWidget  *anbu_activity_chart_new          (void);
gboolean    anbu_activity_chart_set_series   (AnbuActivityChart  *self,
                                              const char         *json,
                                              GError            **error);
void        anbu_activity_chart_clear        (AnbuActivityChart  *self);
guint       anbu_activity_chart_get_n_points (AnbuActivityChart  *self);
guint       anbu_activity_chart_get_n_events (AnbuActivityChart  *self);
/* "최근 7일: 활동 12회, 마지막 활동 11월 24일 오후 3:05, 최대 전력 120 W" */
char       *anbu_activity_chart_dup_summary  (AnbuActivityChart  *self);

G_END_DECLS
