/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "anbu-geo-cluster.h"

G_BEGIN_DECLS

#define ANBU_TYPE_MAP_STATE (anbu_map_state_get_type ())
GType anbu_map_state_get_type (void);

#define ANBU_TYPE_MAP_POINT (anbu_map_point_get_type ())

G_DECLARE_FINAL_TYPE (AnbuMapPoint, anbu_map_point, ANBU, MAP_POINT, GObject)

/* What the map needs to know of one household. Feed the map a GListModel of
 * AnbuMapPoint items (e.g. a GListStore, or a GtkMapListModel turning the app's
 * household rows into points, wrapped in the list's GtkFilterListModel so the
 * list's search and filters apply to the map too):
 *
 *   id           the household's id (UUID), given back by "household-activated"
 *   name         shown in the popover
 *   latitude     WGS84 degrees
 *   longitude    WGS84 degrees
 *   state        AnbuMapState: critical, risk, watch, offline, absent, normal
 *   quiet-hours  hours since the last activity event; negative when unknown
 *
 * Points are read when the model changes (items-changed): to move a household
 * or change its state, replace its item (or call anbu_map_status_layer_reload()). */
AnbuMapPoint *anbu_map_point_new              (const char   *id,
                                               const char   *name,
                                               double        latitude,
                                               double        longitude,
                                               AnbuMapState  state,
                                               double        quiet_hours);

const char   *anbu_map_point_get_id           (AnbuMapPoint *self);
const char   *anbu_map_point_get_name         (AnbuMapPoint *self);
double        anbu_map_point_get_latitude     (AnbuMapPoint *self);
double        anbu_map_point_get_longitude    (AnbuMapPoint *self);
AnbuMapState  anbu_map_point_get_state        (AnbuMapPoint *self);
double        anbu_map_point_get_quiet_hours  (AnbuMapPoint *self);

/* The state's name for planners (translated): 심각, 위험, 관심, … */
const char   *anbu_map_state_get_label        (AnbuMapState  state);

G_END_DECLS
