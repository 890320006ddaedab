/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ANBU_TYPE_STATISTICS_VIEW (anbu_statistics_view_get_type ())

G_DECLARE_FINAL_TYPE (AnbuStatisticsView, anbu_statistics_view, ANBU, STATISTICS_VIEW, AdwBin)

GtkWidget *anbu_statistics_view_new (void);

G_END_DECLS
