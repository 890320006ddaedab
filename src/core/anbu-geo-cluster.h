/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a household looks like on the map. The numeric order is the severity
 * order: a larger value is worse, so the worst of two states is their MAX. */
typedef enum
{
  ANBU_MAP_STATE_NORMAL,    /* plug reports activity, nothing open */
  ANBU_MAP_STATE_ABSENT,    /* a registered absence covers now */
  ANBU_MAP_STATE_OFFLINE,   /* the plug stopped reporting (device problem) */
  ANBU_MAP_STATE_WATCH,     /* 관심: routine deviation */
  ANBU_MAP_STATE_RISK,      /* 위험: inactivity threshold passed */
  ANBU_MAP_STATE_CRITICAL,  /* 심각: repeated failed contact, dispatch asked */
} AnbuMapState;

#define ANBU_MAP_N_STATES (ANBU_MAP_STATE_CRITICAL + 1)

/* Web-Mercator latitude limit: the square world map ends here. */
#define ANBU_GEO_MAX_LATITUDE 85.05112877980659

const char  *anbu_map_state_to_string   (AnbuMapState state);
gboolean     anbu_map_state_from_string (const char   *text,
                                         AnbuMapState *state);
AnbuMapState anbu_map_state_worst       (AnbuMapState a,
                                         AnbuMapState b);

/* Projection. "Normalised" coordinates run from 0 to 1 across the world map
 * (x east, y south); "world pixels" are normalised × tile_size × 2^zoom, the
 * space libshumate draws tiles in. Latitudes are clamped to the Mercator limit. */
void   anbu_geo_to_normalised       (double  latitude,
                                     double  longitude,
                                     double *nx,
                                     double *ny);
void   anbu_geo_from_normalised     (double  nx,
                                     double  ny,
                                     double *latitude,
                                     double *longitude);
double anbu_geo_world_size          (double  zoom,
                                     double  tile_size);
void   anbu_geo_to_world_pixels     (double  latitude,
                                     double  longitude,
                                     double  zoom,
                                     double  tile_size,
                                     double *x,
                                     double *y);
void   anbu_geo_from_world_pixels   (double  x,
                                     double  y,
                                     double  zoom,
                                     double  tile_size,
                                     double *latitude,
                                     double *longitude);

/* Straight-line (great-circle) distance in metres on a sphere of 6,371,008.8 m. */
double anbu_geo_haversine_m         (double  lat1,
                                     double  lon1,
                                     double  lat2,
                                     double  lon2);

/* Tiles: x/y in the XYZ scheme (row 0 at the north). The range covers the box
 * given by its south-west and north-east corners at one integer zoom. */
void   anbu_geo_tile_range          (double  south,
                                     double  west,
                                     double  north,
                                     double  east,
                                     guint   zoom,
                                     guint  *x_min,
                                     guint  *y_min,
                                     guint  *x_max,
                                     guint  *y_max);
guint64 anbu_geo_count_tiles        (double  south,
                                     double  west,
                                     double  north,
                                     double  east,
                                     guint   min_zoom,
                                     guint   max_zoom);

/* ---- Clustering ---------------------------------------------------------- */

typedef struct
{
  double       latitude;
  double       longitude;
  AnbuMapState state;
} AnbuGeoPoint;

/* A rectangle in world pixels at the zoom being clustered. */
typedef struct
{
  double x;
  double y;
  double width;
  double height;
} AnbuGeoRect;

typedef struct
{
  /* Where the cluster is drawn: the mean of its members, in world pixels. */
  double       x;
  double       y;
  /* The grid cell every member lies in, in world pixels. */
  AnbuGeoRect  cell;
  guint        count;
  AnbuMapState worst;
  guint        state_counts[ANBU_MAP_N_STATES];
  /* Members are anbu_geo_clustering_get_members (…, index). */
} AnbuGeoCluster;

/* The points projected once, to be clustered at any zoom and viewport. */
typedef struct _AnbuGeoIndex AnbuGeoIndex;

AnbuGeoIndex *anbu_geo_index_new        (const AnbuGeoPoint *points,
                                         guint               n_points);
void          anbu_geo_index_free       (AnbuGeoIndex       *index);
guint         anbu_geo_index_get_size   (AnbuGeoIndex       *index);
const AnbuGeoPoint *anbu_geo_index_get_point (AnbuGeoIndex  *index,
                                              guint          i);
void          anbu_geo_index_get_normalised (AnbuGeoIndex   *index,
                                             guint           i,
                                             double         *nx,
                                             double         *ny);

/* The result of one clustering pass. */
typedef struct _AnbuGeoClustering AnbuGeoClustering;

/* Groups the points that fall in the viewport (NULL: the whole world) into
 * square grid cells of cell_px world pixels, anchored at the world origin so
 * that clusters stay put while the map pans. With cell_px <= 0 every point is
 * a cluster of its own (no grouping, e.g. at street zoom); its cell is then the
 * point itself. */
AnbuGeoClustering *anbu_geo_clustering_new (AnbuGeoIndex      *index,
                                            double             zoom,
                                            double             tile_size,
                                            const AnbuGeoRect *viewport,
                                            double             cell_px);
void     anbu_geo_clustering_free           (AnbuGeoClustering *clustering);
double   anbu_geo_clustering_get_zoom       (AnbuGeoClustering *clustering);
guint    anbu_geo_clustering_get_n_clusters (AnbuGeoClustering *clustering);
guint    anbu_geo_clustering_get_n_points   (AnbuGeoClustering *clustering);
const AnbuGeoCluster *anbu_geo_clustering_get_cluster (AnbuGeoClustering *clustering,
                                                       guint              index);
/* Indices into the AnbuGeoIndex's points. */
const guint *anbu_geo_clustering_get_members (AnbuGeoClustering *clustering,
                                              guint              index,
                                              guint             *n_members);

/* Which cluster is drawn under the world pixel (x, y)? A cluster counts as hit
 * when (x, y) is within radius_px of its drawn position (radius_for_count may
 * make bigger clusters bigger: it is called with the member count, NULL means a
 * fixed radius_px). The nearest hit wins; among equally near ones the worse
 * state, as it is drawn on top. Returns FALSE when nothing is there. */
typedef double (*AnbuGeoRadiusFunc) (guint count, gpointer user_data);

gboolean anbu_geo_clustering_hit_test (AnbuGeoClustering *clustering,
                                       double             x,
                                       double             y,
                                       double             radius_px,
                                       AnbuGeoRadiusFunc  radius_for_count,
                                       gpointer           user_data,
                                       guint             *cluster_index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuGeoIndex, anbu_geo_index_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuGeoClustering, anbu_geo_clustering_free)

G_END_DECLS
