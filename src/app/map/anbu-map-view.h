/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <shumate/shumate.h>

#include "anbu-map-area-downloader.h"
#include "anbu-map-point.h"
#include "anbu-map-route-layer.h"
#include "anbu-map-status-layer.h"
#include "anbu-map-tile-source.h"
#include "anbu-route-planner.h"

G_BEGIN_DECLS

#define ANBU_MAP_VIEW_ERROR (anbu_map_view_error_quark ())

typedef enum
{
  ANBU_MAP_VIEW_ERROR_UNKNOWN_HOUSEHOLD,  /* a route stop is not among the map's households */
} AnbuMapViewError;

#define ANBU_TYPE_MAP_VIEW (anbu_map_view_get_type ())

G_DECLARE_FINAL_TYPE (AnbuMapView, anbu_map_view, ANBU, MAP_VIEW, GtkWidget)

/* The households' map: a ShumateSimpleMap showing the tile source's tiles and
 * attribution, the status layer (households by state, clustered at low zoom),
 * the route layer and a legend. Clicking a cluster zooms in on it; clicking a
 * household selects it and opens a popover (name, state, quiet hours) whose
 * button emits "household-activated" with the household's id.
 *
 * Signals:
 *   household-activated (AnbuMapView *view, const char *id)
 *   location-picked     (AnbuMapView *view, double latitude, double longitude)
 * Properties:
 *   model        GListModel of AnbuMapPoint (see anbu-map-point.h)
 *   selected-id  the highlighted household (bind it to the list's selection)
 *   tile-source  AnbuMapTileSource
 *   picking-location  while TRUE (the install form's "pick on the map"), a
 *                click puts a pin there and emits "location-picked" instead
 *                of selecting households; the pin can be dragged, and moved
 *                with the arrow keys, each move emitting "location-picked" */
GQuark              anbu_map_view_error_quark        (void);

AnbuMapView        *anbu_map_view_new                (void);

AnbuMapTileSource  *anbu_map_view_get_tile_source    (AnbuMapView        *self);
void                anbu_map_view_set_tile_source    (AnbuMapView        *self,
                                                      AnbuMapTileSource  *source);
GListModel         *anbu_map_view_get_model          (AnbuMapView        *self);
void                anbu_map_view_set_model          (AnbuMapView        *self,
                                                      GListModel         *model);
const char         *anbu_map_view_get_selected_id    (AnbuMapView        *self);
void                anbu_map_view_set_selected_id    (AnbuMapView        *self,
                                                      const char         *id);

ShumateSimpleMap   *anbu_map_view_get_map            (AnbuMapView        *self);
ShumateViewport    *anbu_map_view_get_viewport       (AnbuMapView        *self);
AnbuMapStatusLayer *anbu_map_view_get_status_layer   (AnbuMapView        *self);
AnbuMapRouteLayer  *anbu_map_view_get_route_layer    (AnbuMapView        *self);
GtkPopover         *anbu_map_view_get_popover        (AnbuMapView        *self);

/* Centres the map without animation. */
void                anbu_map_view_center_on          (AnbuMapView        *self,
                                                      double              latitude,
                                                      double              longitude,
                                                      double              zoom);
/* Shows the area from (south, west) to (north, east) with @margin pixels
 * around it, zoomed in no further than @max_zoom. Before the view has a size
 * the fit waits for its first allocation. */
void                anbu_map_view_fit_area           (AnbuMapView        *self,
                                                      double              south,
                                                      double              west,
                                                      double              north,
                                                      double              east,
                                                      double              margin,
                                                      double              max_zoom);

/* What a click at (x, y) in the view's coordinates does: zoom into a cluster,
 * or select a household and open its popover. FALSE when nothing is there. */
gboolean            anbu_map_view_activate_at        (AnbuMapView        *self,
                                                      double              x,
                                                      double              y);

/* The area the map shows now (for "download this area"). */
void                anbu_map_view_get_visible_area   (AnbuMapView        *self,
                                                      double             *south,
                                                      double             *west,
                                                      double             *north,
                                                      double             *east);

/* "Download this area for offline use": a downloader for what the map shows
 * now at zooms ANBU_MAP_AREA_MIN_ZOOM..ANBU_MAP_AREA_MAX_ZOOM (12–17), from the
 * view's tile source. Show its n-tiles and estimated-bytes, then start it.
 * NULL when the view has no tile source. */
AnbuMapAreaDownloader *anbu_map_view_create_area_downloader (AnbuMapView *self);

/* Orders the households with these ids (nearest neighbour, then 2-opt) from the
 * start, draws the route and returns the plan; plan->order indexes ids. */
AnbuRoutePlan      *anbu_map_view_show_route         (AnbuMapView        *self,
                                                      const AnbuGeoCoord *start,
                                                      const char * const *ids,
                                                      gboolean            round_trip,
                                                      GError            **error);
void                anbu_map_view_clear_route        (AnbuMapView        *self);

/* Choosing a household's location on the map (installing a plug). */
gboolean            anbu_map_view_get_picking_location  (AnbuMapView     *self);
void                anbu_map_view_set_picking_location  (AnbuMapView     *self,
                                                         gboolean         picking);
/* The pin: FALSE when none is placed. Setting it shows a known location. */
gboolean            anbu_map_view_get_picked_location   (AnbuMapView     *self,
                                                         double          *latitude,
                                                         double          *longitude);
void                anbu_map_view_set_picked_location   (AnbuMapView     *self,
                                                         double           latitude,
                                                         double           longitude);
/* Moves the pin by (dx, dy) pixels of the view and emits "location-picked"
 * (what the arrow keys do while picking; dragging the pin does the same). */
void                anbu_map_view_move_picked_location  (AnbuMapView     *self,
                                                         double           dx,
                                                         double           dy);
void                anbu_map_view_clear_picked_location (AnbuMapView     *self);

G_END_DECLS
