/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define ANBU_TYPE_METRICS (anbu_metrics_get_type ())
G_DECLARE_FINAL_TYPE (AnbuMetrics, anbu_metrics, ANBU, METRICS, GObject)

AnbuMetrics *anbu_metrics_new                (void);

void         anbu_metrics_observe_request    (AnbuMetrics *self,
                                              const char  *route,
                                              guint        status,
                                              double       seconds);
void         anbu_metrics_add_sync_entries   (AnbuMetrics *self,
                                              guint        n);
void         anbu_metrics_add_mutation       (AnbuMetrics *self,
                                              const char  *kind,
                                              const char  *status);
/* A live client dropped for not reading what was sent to it. */
void         anbu_metrics_add_live_dropped   (AnbuMetrics *self);

/* Prometheus text exposition format 0.0.4. */
char        *anbu_metrics_render             (AnbuMetrics *self);

G_END_DECLS
