/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <shumate/shumate.h>

#include "anbu-map-point.h"

G_BEGIN_DECLS

#define ANBU_TYPE_MAP_STATUS_LAYER (anbu_map_status_layer_get_type ())

G_DECLARE_FINAL_TYPE (AnbuMapStatusLayer, anbu_map_status_layer, ANBU, MAP_STATUS_LAYER,
                      ShumateLayer)

/* Grid cell (logical pixels) households are grouped in below cluster-below-zoom. */
#define ANBU_MAP_STATUS_LAYER_CELL_PX 64.0

typedef enum
{
  ANBU_MAP_PICK_NOTHING,
  ANBU_MAP_PICK_HOUSEHOLD,
  ANBU_MAP_PICK_CLUSTER,
} AnbuMapPickKind;

/* What is drawn under a point of the layer. For a household, point is it; for a
 * cluster, count is its size and latitude/longitude the middle of its members. */
typedef struct
{
  AnbuMapPickKind  kind;
  AnbuMapPoint    *point;      /* (transfer none) valid while the model holds it */
  guint            count;
  AnbuMapState     worst;
  double           latitude;
  double           longitude;
  double           x;          /* where it is drawn, in layer coordinates */
  double           y;
  double           radius;
} AnbuMapPick;

/* Draws every household of the model (AnbuMapPoint items, see anbu-map-point.h)
 * in one snapshot: a shape and a colour per state, so that colour-blind
 * planners can tell them apart; at low zoom, clusters with their count and the
 * shape of their worst state. Redraws when the viewport moves. */
AnbuMapStatusLayer *anbu_map_status_layer_new        (ShumateViewport    *viewport);

GListModel *anbu_map_status_layer_get_model          (AnbuMapStatusLayer *self);
void        anbu_map_status_layer_set_model          (AnbuMapStatusLayer *self,
                                                      GListModel         *model);
/* Rereads every point of the model (after points changed in place). */
void        anbu_map_status_layer_reload             (AnbuMapStatusLayer *self);

/* Households are grouped when the zoom is below this (default 17: from street
 * level up, about 1.2 m per pixel, every household has its own marker). */
guint       anbu_map_status_layer_get_cluster_below_zoom (AnbuMapStatusLayer *self);
void        anbu_map_status_layer_set_cluster_below_zoom (AnbuMapStatusLayer *self,
                                                          guint               zoom);

/* The household drawn highlighted (shared with the list's selection). */
const char *anbu_map_status_layer_get_selected_id    (AnbuMapStatusLayer *self);
void        anbu_map_status_layer_set_selected_id    (AnbuMapStatusLayer *self,
                                                      const char         *id);

/* Hit-testing in layer coordinates, against what the viewport shows now. */
gboolean    anbu_map_status_layer_pick               (AnbuMapStatusLayer *self,
                                                      double              x,
                                                      double              y,
                                                      AnbuMapPick        *pick);

/* Number of clusters and households in the last drawn frame (for tests and the
 * accessible description). */
guint       anbu_map_status_layer_get_n_drawn_clusters   (AnbuMapStatusLayer *self);
guint       anbu_map_status_layer_get_n_drawn_households (AnbuMapStatusLayer *self);

/* The marker of a state, as drawn on the map (for the legend). */
GdkTexture *anbu_map_status_layer_create_state_icon  (AnbuMapState        state,
                                                      int                 scale);

G_END_DECLS
