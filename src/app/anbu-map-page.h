/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "anbu-casework.h"
#include "anbu-map-view.h"

G_BEGIN_DECLS

#define ANBU_TYPE_MAP_PAGE (anbu_map_page_get_type ())

G_DECLARE_FINAL_TYPE (AnbuMapPage, anbu_map_page, ANBU, MAP_PAGE, AdwBin)

GtkWidget         *anbu_map_page_new             (void);
GListModel        *anbu_map_page_get_model       (AnbuMapPage *self);
void               anbu_map_page_set_model       (AnbuMapPage *self,
                                                  GListModel  *model);
AnbuMapView       *anbu_map_page_get_map_view    (AnbuMapPage *self);
char              *anbu_map_page_dup_tile_base_url (AnbuMapPage *self);
void               anbu_map_page_set_casework    (AnbuMapPage  *self,
                                                  AnbuCasework *casework);

G_END_DECLS
