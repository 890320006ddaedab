/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ANBU_TYPE_MAP_VIEW (anbu_map_view_get_type ())

G_DECLARE_FINAL_TYPE (AnbuMapView, anbu_map_view, ANBU, MAP_VIEW, AdwBin)

GtkWidget *anbu_map_view_new (void);

G_END_DECLS
