/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <shumate/shumate.h>

#include "anbu-route-planner.h"

G_BEGIN_DECLS

#define ANBU_TYPE_MAP_ROUTE_LAYER (anbu_map_route_layer_get_type ())

G_DECLARE_FINAL_TYPE (AnbuMapRouteLayer, anbu_map_route_layer, ANBU, MAP_ROUTE_LAYER,
                      ShumateLayer)

/* Draws the day's route: a line from the start (the community centre) through
 * the stops in order, each stop numbered, and back to the start for a round trip. */
AnbuMapRouteLayer *anbu_map_route_layer_new       (ShumateViewport    *viewport);

/* places[0] is the start; places[1..n_places-1] the stops in visiting order. */
void               anbu_map_route_layer_set_path  (AnbuMapRouteLayer  *self,
                                                   const AnbuGeoCoord *places,
                                                   guint               n_places,
                                                   gboolean            round_trip);
void               anbu_map_route_layer_clear     (AnbuMapRouteLayer  *self);
guint              anbu_map_route_layer_get_n_places (AnbuMapRouteLayer *self);

G_END_DECLS
