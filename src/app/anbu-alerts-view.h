/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ANBU_TYPE_ALERTS_VIEW (anbu_alerts_view_get_type ())

G_DECLARE_FINAL_TYPE (AnbuAlertsView, anbu_alerts_view, ANBU, ALERTS_VIEW, AdwBin)

GtkWidget *anbu_alerts_view_new (void);

G_END_DECLS
