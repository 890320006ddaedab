/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ANBU_TYPE_MAP_PAGE (anbu_map_page_get_type ())

G_DECLARE_FINAL_TYPE (AnbuMapPage, anbu_map_page, ANBU, MAP_PAGE, AdwBin)

GtkWidget *anbu_map_page_new (void);

G_END_DECLS
