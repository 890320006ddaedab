/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ANBU_TYPE_IDLE_MONITOR (anbu_idle_monitor_get_type ())

G_DECLARE_FINAL_TYPE (AnbuIdleMonitor, anbu_idle_monitor, ANBU, IDLE_MONITOR, GObject)

AnbuIdleMonitor *anbu_idle_monitor_new         (GtkWindow       *window);
guint            anbu_idle_monitor_get_timeout (AnbuIdleMonitor *self);
void             anbu_idle_monitor_set_timeout (AnbuIdleMonitor *self,
                                                guint            timeout_ms);
gboolean         anbu_idle_monitor_get_active  (AnbuIdleMonitor *self);
void             anbu_idle_monitor_set_active  (AnbuIdleMonitor *self,
                                                gboolean         active);

G_END_DECLS
