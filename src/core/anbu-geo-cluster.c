/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-geo"

#include "config.h"

#include <math.h>
#include <string.h>

#include "anbu-geo-cluster.h"

#define EARTH_RADIUS_M 6371008.8

struct _AnbuGeoIndex
{
  guint         n_points;
  AnbuGeoPoint *points;
  double       *normalised;  /* nx, ny pairs */

  /* A grid of buckets over the points' bounding box, so that a viewport
   * looks only at the points near it: at street zoom a window shows a few
   * hundred of a city's households, and visiting all of them every frame
   * was most of the cost of panning. Bucket b holds the points
   * bucket_points[bucket_start[b] .. bucket_start[b + 1]), in index order. */
  guint         grid;        /* buckets per side */
  double        min_x, min_y, span_x, span_y;
  guint        *bucket_start;
  guint        *bucket_points;
};

struct _AnbuGeoClustering
{
  double  zoom;
  GArray *clusters;   /* AnbuGeoCluster, sorted by worst state, least severe first */
  GArray *offsets;    /* guint: first member of cluster i; one extra entry at the end */
  GArray *members;    /* guint point indices, grouped by cluster */
};

static const char * const state_names[ANBU_MAP_N_STATES] = {
  "normal", "absent", "offline", "watch", "risk", "critical",
};

const char *
anbu_map_state_to_string (AnbuMapState state)
{
  g_return_val_if_fail ((guint) state < ANBU_MAP_N_STATES, NULL);
  return state_names[state];
}

gboolean
anbu_map_state_from_string (const char   *text,
                            AnbuMapState *state)
{
  g_return_val_if_fail (state != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < ANBU_MAP_N_STATES; i++)
    if (g_str_equal (text, state_names[i]))
      {
        *state = (AnbuMapState) i;
        return TRUE;
      }
  return FALSE;
}

AnbuMapState
anbu_map_state_worst (AnbuMapState a,
                      AnbuMapState b)
{
  return MAX (a, b);
}

/* ---- Projection ---------------------------------------------------------- */

void
anbu_geo_to_normalised (double  latitude,
                        double  longitude,
                        double *nx,
                        double *ny)
{
  double lat = CLAMP (latitude, -ANBU_GEO_MAX_LATITUDE, ANBU_GEO_MAX_LATITUDE);
  double s = sin (lat * G_PI / 180.0);

  *nx = (CLAMP (longitude, -180.0, 180.0) + 180.0) / 360.0;
  *ny = CLAMP (0.5 - log ((1.0 + s) / (1.0 - s)) / (4.0 * G_PI), 0.0, 1.0);
}

void
anbu_geo_from_normalised (double  nx,
                          double  ny,
                          double *latitude,
                          double *longitude)
{
  *longitude = nx * 360.0 - 180.0;
  *latitude = 180.0 / G_PI * atan (sinh (G_PI * (1.0 - 2.0 * ny)));
}

double
anbu_geo_world_size (double zoom,
                     double tile_size)
{
  return tile_size * exp2 (zoom);
}

void
anbu_geo_to_world_pixels (double  latitude,
                          double  longitude,
                          double  zoom,
                          double  tile_size,
                          double *x,
                          double *y)
{
  double size = anbu_geo_world_size (zoom, tile_size);
  double nx, ny;

  anbu_geo_to_normalised (latitude, longitude, &nx, &ny);
  *x = nx * size;
  *y = ny * size;
}

void
anbu_geo_from_world_pixels (double  x,
                            double  y,
                            double  zoom,
                            double  tile_size,
                            double *latitude,
                            double *longitude)
{
  double size = anbu_geo_world_size (zoom, tile_size);

  anbu_geo_from_normalised (x / size, y / size, latitude, longitude);
}

double
anbu_geo_haversine_m (double lat1,
                      double lon1,
                      double lat2,
                      double lon2)
{
  double p1 = lat1 * G_PI / 180.0;
  double p2 = lat2 * G_PI / 180.0;
  double dp = p2 - p1;
  double dl = (lon2 - lon1) * G_PI / 180.0;
  double a = sin (dp / 2) * sin (dp / 2) + cos (p1) * cos (p2) * sin (dl / 2) * sin (dl / 2);

  return 2.0 * EARTH_RADIUS_M * asin (MIN (1.0, sqrt (a)));
}

static guint
tile_coordinate (double normalised,
                 guint  zoom)
{
  double n = exp2 (zoom);
  double t = floor (normalised * n);

  return (guint) CLAMP (t, 0.0, n - 1.0);
}

void
anbu_geo_tile_range (double  south,
                     double  west,
                     double  north,
                     double  east,
                     guint   zoom,
                     guint  *x_min,
                     guint  *y_min,
                     guint  *x_max,
                     guint  *y_max)
{
  double nx0, ny0, nx1, ny1;

  anbu_geo_to_normalised (MAX (south, north), MIN (west, east), &nx0, &ny0);
  anbu_geo_to_normalised (MIN (south, north), MAX (west, east), &nx1, &ny1);
  *x_min = tile_coordinate (nx0, zoom);
  *y_min = tile_coordinate (ny0, zoom);
  *x_max = tile_coordinate (nx1, zoom);
  *y_max = tile_coordinate (ny1, zoom);
}

guint64
anbu_geo_count_tiles (double south,
                      double west,
                      double north,
                      double east,
                      guint  min_zoom,
                      guint  max_zoom)
{
  guint64 total = 0;

  for (guint z = min_zoom; z <= max_zoom; z++)
    {
      guint x0, y0, x1, y1;

      anbu_geo_tile_range (south, west, north, east, z, &x0, &y0, &x1, &y1);
      total += (guint64) (x1 - x0 + 1) * (guint64) (y1 - y0 + 1);
    }
  return total;
}

/* ---- Index --------------------------------------------------------------- */

static guint
bucket_coordinate (double value,
                   double min,
                   double span,
                   guint  grid)
{
  double b = span > 0 ? floor ((value - min) / span * grid) : 0;

  return (guint) CLAMP (b, 0.0, grid - 1.0);
}

static void
build_grid (AnbuGeoIndex *index)
{
  double max_x = 0, max_y = 0;
  g_autofree guint *fill = NULL;
  guint n_buckets;

  index->min_x = index->min_y = 1;
  for (guint i = 0; i < index->n_points; i++)
    {
      index->min_x = MIN (index->min_x, index->normalised[2 * i]);
      index->min_y = MIN (index->min_y, index->normalised[2 * i + 1]);
      max_x = MAX (max_x, index->normalised[2 * i]);
      max_y = MAX (max_y, index->normalised[2 * i + 1]);
    }
  index->span_x = MAX (max_x - index->min_x, 0);
  index->span_y = MAX (max_y - index->min_y, 0);
  /* About four points a bucket. */
  index->grid = (guint) CLAMP (ceil (sqrt (index->n_points / 4.0)), 1, 1024);
  n_buckets = index->grid * index->grid;
  index->bucket_start = g_new0 (guint, n_buckets + 1);
  index->bucket_points = g_new (guint, index->n_points + 1);
  fill = g_new0 (guint, n_buckets);

  for (guint i = 0; i < index->n_points; i++)
    {
      guint bx = bucket_coordinate (index->normalised[2 * i], index->min_x, index->span_x, index->grid);
      guint by = bucket_coordinate (index->normalised[2 * i + 1], index->min_y, index->span_y, index->grid);

      index->bucket_start[by * index->grid + bx + 1]++;
    }
  for (guint b = 0; b < n_buckets; b++)
    index->bucket_start[b + 1] += index->bucket_start[b];
  for (guint i = 0; i < index->n_points; i++)
    {
      guint bx = bucket_coordinate (index->normalised[2 * i], index->min_x, index->span_x, index->grid);
      guint by = bucket_coordinate (index->normalised[2 * i + 1], index->min_y, index->span_y, index->grid);
      guint b = by * index->grid + bx;

      index->bucket_points[index->bucket_start[b] + fill[b]++] = i;
    }
}

static int
compare_uint (gconstpointer a,
              gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : (x > y ? 1 : 0);
}

/* The points that may lie in the normalised box [x0, x1) × [y0, y1), in index
 * order (so that clustering a region gives what clustering all would). */
static GArray *
points_near (AnbuGeoIndex *index,
             double        x0,
             double        y0,
             double        x1,
             double        y1)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (guint));
  guint bx0, by0, bx1, by1;

  if (index->n_points == 0 || x1 < index->min_x || y1 < index->min_y
      || x0 > index->min_x + index->span_x || y0 > index->min_y + index->span_y)
    return found;
  bx0 = bucket_coordinate (x0, index->min_x, index->span_x, index->grid);
  by0 = bucket_coordinate (y0, index->min_y, index->span_y, index->grid);
  bx1 = bucket_coordinate (x1, index->min_x, index->span_x, index->grid);
  by1 = bucket_coordinate (y1, index->min_y, index->span_y, index->grid);
  for (guint by = by0; by <= by1; by++)
    {
      guint first = index->bucket_start[by * index->grid + bx0];
      guint last = index->bucket_start[by * index->grid + bx1 + 1];

      g_array_append_vals (found, &index->bucket_points[first], last - first);
    }
  g_array_sort (found, compare_uint);
  return found;
}

AnbuGeoIndex *
anbu_geo_index_new (const AnbuGeoPoint *points,
                    guint               n_points)
{
  AnbuGeoIndex *index = g_new0 (AnbuGeoIndex, 1);

  g_return_val_if_fail (points != NULL || n_points == 0, index);

  index->n_points = n_points;
  index->points = g_memdup2 (points, sizeof (AnbuGeoPoint) * n_points);
  index->normalised = g_new (double, 2 * (gsize) n_points + 1);
  for (guint i = 0; i < n_points; i++)
    {
      if ((guint) points[i].state >= ANBU_MAP_N_STATES)
        index->points[i].state = ANBU_MAP_STATE_NORMAL;
      anbu_geo_to_normalised (points[i].latitude, points[i].longitude,
                              &index->normalised[2 * i], &index->normalised[2 * i + 1]);
    }
  build_grid (index);
  return index;
}

void
anbu_geo_index_free (AnbuGeoIndex *index)
{
  if (index == NULL)
    return;
  g_free (index->points);
  g_free (index->normalised);
  g_free (index->bucket_start);
  g_free (index->bucket_points);
  g_free (index);
}

guint
anbu_geo_index_get_size (AnbuGeoIndex *index)
{
  return index->n_points;
}

const AnbuGeoPoint *
anbu_geo_index_get_point (AnbuGeoIndex *index,
                          guint         i)
{
  g_return_val_if_fail (i < index->n_points, NULL);
  return &index->points[i];
}

void
anbu_geo_index_get_normalised (AnbuGeoIndex *index,
                               guint         i,
                               double       *nx,
                               double       *ny)
{
  g_return_if_fail (i < index->n_points);
  *nx = index->normalised[2 * i];
  *ny = index->normalised[2 * i + 1];
}

/* ---- Clustering ---------------------------------------------------------- */

typedef struct
{
  guint  point;
  guint  cluster;
} Assignment;

static int
compare_by_severity (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  const AnbuGeoCluster *clusters = user_data;
  const guint ia = *(const guint *) a;
  const guint ib = *(const guint *) b;

  if (clusters[ia].worst != clusters[ib].worst)
    return (int) clusters[ia].worst - (int) clusters[ib].worst;
  return ia < ib ? -1 : (ia > ib ? 1 : 0);
}

AnbuGeoClustering *
anbu_geo_clustering_new (AnbuGeoIndex      *index,
                         double             zoom,
                         double             tile_size,
                         const AnbuGeoRect *viewport,
                         double             cell_px)
{
  AnbuGeoClustering *self = g_new0 (AnbuGeoClustering, 1);
  double world = anbu_geo_world_size (zoom, tile_size);
  gboolean grouping = cell_px > 0;
  double rx0 = 0, ry0 = 0, rx1 = world, ry1 = world;
  gint64 col0 = 0, row0 = 0, ncols = 0, nrows = 0;
  guint *dense = NULL;
  g_autoptr(GHashTable) sparse = NULL;
  g_autoptr(GArray) assignments = NULL;
  g_autoptr(GArray) unsorted = NULL;
  g_autoptr(GArray) candidates = NULL;
  g_autofree guint *order = NULL;
  g_autofree guint *rank = NULL;
  g_autofree guint *fill = NULL;

  self->zoom = zoom;
  self->clusters = g_array_new (FALSE, FALSE, sizeof (AnbuGeoCluster));
  self->offsets = g_array_new (FALSE, FALSE, sizeof (guint));
  self->members = g_array_new (FALSE, FALSE, sizeof (guint));

  g_return_val_if_fail (index != NULL, self);

  if (viewport != NULL)
    {
      rx0 = viewport->x;
      ry0 = viewport->y;
      rx1 = viewport->x + viewport->width;
      ry1 = viewport->y + viewport->height;
    }

  if (grouping)
    {
      /* The region is the viewport grown to whole cells, so a cluster on the
       * edge always shows all its members, wherever the map is panned. */
      col0 = (gint64) floor (rx0 / cell_px);
      row0 = (gint64) floor (ry0 / cell_px);
      ncols = (gint64) floor (rx1 / cell_px) - col0 + 1;
      nrows = (gint64) floor (ry1 / cell_px) - row0 + 1;
      if (ncols > 0 && nrows > 0 && ncols * nrows <= 4 * (gint64) index->n_points + 4096)
        dense = g_new (guint, ncols * nrows);
      else
        sparse = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      if (dense != NULL)
        memset (dense, 0xff, sizeof (guint) * ncols * nrows);
    }

  /* Only the points near the region (grown to whole cells) can be in it. */
  if (viewport != NULL && world > 0)
    {
      double x0 = grouping ? col0 * cell_px : rx0;
      double y0 = grouping ? row0 * cell_px : ry0;
      double x1 = grouping ? (col0 + ncols) * cell_px : rx1;
      double y1 = grouping ? (row0 + nrows) * cell_px : ry1;

      candidates = points_near (index, x0 / world, y0 / world, x1 / world, y1 / world);
    }

  unsorted = g_array_new (FALSE, TRUE, sizeof (AnbuGeoCluster));
  assignments = g_array_sized_new (FALSE, FALSE, sizeof (Assignment),
                                   MIN (candidates != NULL ? candidates->len : index->n_points, 65536));

  for (guint c_i = 0; c_i < (candidates != NULL ? candidates->len : index->n_points); c_i++)
    {
      guint i = candidates != NULL ? g_array_index (candidates, guint, c_i) : c_i;
      double x = index->normalised[2 * i] * world;
      double y = index->normalised[2 * i + 1] * world;
      AnbuMapState state = index->points[i].state;
      Assignment a = { i, 0 };
      AnbuGeoCluster *c;

      if (grouping)
        {
          gint64 col = (gint64) floor (x / cell_px);
          gint64 row = (gint64) floor (y / cell_px);

          if (col < col0 || row < row0 || col >= col0 + ncols || row >= row0 + nrows)
            continue;

          if (dense != NULL)
            {
              guint *slot = &dense[(row - row0) * ncols + (col - col0)];

              if (*slot == G_MAXUINT)
                {
                  *slot = unsorted->len;
                  g_array_set_size (unsorted, unsorted->len + 1);
                }
              a.cluster = *slot;
            }
          else
            {
              gint64 key = (gint64) (((guint64) row << 32) ^ ((guint64) col & 0xffffffffu));
              gpointer value;

              if (g_hash_table_lookup_extended (sparse, &key, NULL, &value))
                a.cluster = GPOINTER_TO_UINT (value);
              else
                {
                  a.cluster = unsorted->len;
                  g_array_set_size (unsorted, unsorted->len + 1);
                  g_hash_table_insert (sparse, g_memdup2 (&key, sizeof key),
                                       GUINT_TO_POINTER (a.cluster));
                }
            }
          c = &g_array_index (unsorted, AnbuGeoCluster, a.cluster);
          if (c->count == 0)
            {
              c->cell.x = col * cell_px;
              c->cell.y = row * cell_px;
              c->cell.width = cell_px;
              c->cell.height = cell_px;
              c->worst = state;
            }
        }
      else
        {
          if (x < rx0 || y < ry0 || x >= rx1 || y >= ry1)
            continue;
          a.cluster = unsorted->len;
          g_array_set_size (unsorted, unsorted->len + 1);
          c = &g_array_index (unsorted, AnbuGeoCluster, a.cluster);
          c->cell.x = x;
          c->cell.y = y;
          c->cell.width = 0;
          c->cell.height = 0;
          c->worst = state;
        }

      /* Accumulate the sum; it becomes the mean below. */
      c->x += x;
      c->y += y;
      c->count++;
      c->state_counts[state]++;
      c->worst = anbu_map_state_worst (c->worst, state);
      g_array_append_val (assignments, a);
    }
  g_free (dense);

  /* Order the clusters least severe first, so the worst are drawn on top. */
  order = g_new (guint, unsorted->len + 1);
  rank = g_new (guint, unsorted->len + 1);
  for (guint i = 0; i < unsorted->len; i++)
    order[i] = i;
  g_qsort_with_data (order, unsorted->len, sizeof (guint), compare_by_severity, unsorted->data);

  g_array_set_size (self->clusters, unsorted->len);
  g_array_set_size (self->offsets, unsorted->len + 1);
  g_array_set_size (self->members, assignments->len);
  fill = g_new0 (guint, unsorted->len + 1);

  {
    guint offset = 0;

    for (guint k = 0; k < unsorted->len; k++)
      {
        AnbuGeoCluster *c = &g_array_index (unsorted, AnbuGeoCluster, order[k]);

        rank[order[k]] = k;
        c->x /= c->count;
        c->y /= c->count;
        g_array_index (self->clusters, AnbuGeoCluster, k) = *c;
        g_array_index (self->offsets, guint, k) = offset;
        offset += c->count;
      }
    g_array_index (self->offsets, guint, unsorted->len) = offset;
  }

  for (guint i = 0; i < assignments->len; i++)
    {
      const Assignment *a = &g_array_index (assignments, Assignment, i);
      guint k = rank[a->cluster];
      guint at = g_array_index (self->offsets, guint, k) + fill[k]++;

      g_array_index (self->members, guint, at) = a->point;
    }

  return self;
}

void
anbu_geo_clustering_free (AnbuGeoClustering *clustering)
{
  if (clustering == NULL)
    return;
  g_array_unref (clustering->clusters);
  g_array_unref (clustering->offsets);
  g_array_unref (clustering->members);
  g_free (clustering);
}

double
anbu_geo_clustering_get_zoom (AnbuGeoClustering *clustering)
{
  return clustering->zoom;
}

guint
anbu_geo_clustering_get_n_clusters (AnbuGeoClustering *clustering)
{
  return clustering->clusters->len;
}

guint
anbu_geo_clustering_get_n_points (AnbuGeoClustering *clustering)
{
  return clustering->members->len;
}

const AnbuGeoCluster *
anbu_geo_clustering_get_cluster (AnbuGeoClustering *clustering,
                                 guint              index)
{
  g_return_val_if_fail (index < clustering->clusters->len, NULL);
  return &g_array_index (clustering->clusters, AnbuGeoCluster, index);
}

const guint *
anbu_geo_clustering_get_members (AnbuGeoClustering *clustering,
                                 guint              index,
                                 guint             *n_members)
{
  guint first;

  g_return_val_if_fail (index < clustering->clusters->len, NULL);

  first = g_array_index (clustering->offsets, guint, index);
  if (n_members != NULL)
    *n_members = g_array_index (clustering->offsets, guint, index + 1) - first;
  return &g_array_index (clustering->members, guint, first);
}

gboolean
anbu_geo_clustering_hit_test (AnbuGeoClustering *clustering,
                              double             x,
                              double             y,
                              double             radius_px,
                              AnbuGeoRadiusFunc  radius_for_count,
                              gpointer           user_data,
                              guint             *cluster_index)
{
  gboolean found = FALSE;
  double best = G_MAXDOUBLE;

  for (guint i = 0; i < clustering->clusters->len; i++)
    {
      const AnbuGeoCluster *c = &g_array_index (clustering->clusters, AnbuGeoCluster, i);
      double r = radius_for_count != NULL ? radius_for_count (c->count, user_data) : radius_px;
      double d2 = (c->x - x) * (c->x - x) + (c->y - y) * (c->y - y);

      /* "<=" on the distance: later clusters are worse and drawn on top. */
      if (d2 <= r * r && d2 <= best)
        {
          best = d2;
          found = TRUE;
          if (cluster_index != NULL)
            *cluster_index = i;
        }
    }
  return found;
}
