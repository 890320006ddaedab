/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "anbu-context.h"
#include "anbu-map-view.h"

G_BEGIN_DECLS

#define ANBU_TYPE_MAP_PAGE (anbu_map_page_get_type ())

G_DECLARE_FINAL_TYPE (AnbuMapPage, anbu_map_page, ANBU, MAP_PAGE, AdwBin)

/* The window's Map page: the caseload's households on the map (the households
 * list's search and filters apply), "Download this area for offline use", and
 * the route for the day from a 동주민센터 through the chosen households.
 * Activating a household on the map opens its page in the Households view. */
GtkWidget         *anbu_map_page_new             (void);
/* Feeds the map from the context's casework (its household index: what the
 * households list shows), following it as it changes; no casework (sign-out,
 * lock) empties the map and the route, so no caseload stays on screen. */
void               anbu_map_page_set_context     (AnbuMapPage *self,
                                                  AnbuContext *context);
GListModel        *anbu_map_page_get_model       (AnbuMapPage *self);
/* Another source of points (a GListModel of AnbuMapPoint) instead of the casework. */
void               anbu_map_page_set_model       (AnbuMapPage *self,
                                                  GListModel  *model);
AnbuMapView       *anbu_map_page_get_map_view    (AnbuMapPage *self);
char              *anbu_map_page_dup_tile_base_url (AnbuMapPage *self);

/* The route for the day: its stops (household ids, in the order added) and the
 * plan drawn on the map, NULL while there are no stops or they cannot be
 * routed (a stop hidden by the search). Adding replans at once. */
void               anbu_map_page_add_route_stop  (AnbuMapPage *self,
                                                  const char  *household_id);
void               anbu_map_page_clear_route     (AnbuMapPage *self);
const char * const *anbu_map_page_get_route_stops (AnbuMapPage *self);
const AnbuRoutePlan *anbu_map_page_get_route_plan (AnbuMapPage *self);
/* The route as "Export CSV…" writes it. */
void               anbu_map_page_export_route_csv_async  (AnbuMapPage         *self,
                                                          GFile               *file,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean           anbu_map_page_export_route_csv_finish (AnbuMapPage         *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
/* The route as printed (GtkPrintOperation), written to a PDF file instead of a
 * printer. */
gboolean           anbu_map_page_export_route_pdf (AnbuMapPage  *self,
                                                   const char   *path,
                                                   GError      **error);

G_END_DECLS
