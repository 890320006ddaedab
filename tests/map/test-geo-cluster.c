/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "anbu-geo-cluster.h"

#define TILE 256.0
#define CELL 64.0

/* Roughly one Seoul district (구): 3.5 km × 5 km. */
#define SOUTH 37.455
#define NORTH 37.490
#define WEST  126.900
#define EAST  126.960

static AnbuGeoPoint *
make_district (guint n,
               guint seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  AnbuGeoPoint *points = g_new (AnbuGeoPoint, n);

  for (guint i = 0; i < n; i++)
    {
      double r = g_rand_double (rand);

      points[i].latitude = g_rand_double_range (rand, SOUTH, NORTH);
      points[i].longitude = g_rand_double_range (rand, WEST, EAST);
      /* Mostly normal, a few of everything else, as in a real caseload. */
      points[i].state = r < 0.80 ? ANBU_MAP_STATE_NORMAL :
                        r < 0.85 ? ANBU_MAP_STATE_ABSENT :
                        r < 0.90 ? ANBU_MAP_STATE_OFFLINE :
                        r < 0.95 ? ANBU_MAP_STATE_WATCH :
                        r < 0.99 ? ANBU_MAP_STATE_RISK : ANBU_MAP_STATE_CRITICAL;
    }
  return points;
}

/* A 1280×800 window centred on the district at the given zoom. */
static AnbuGeoRect
viewport_at (double zoom)
{
  double cx, cy;

  anbu_geo_to_world_pixels ((SOUTH + NORTH) / 2, (WEST + EAST) / 2, zoom, TILE, &cx, &cy);
  return (AnbuGeoRect) { cx - 640, cy - 400, 1280, 800 };
}

static void
test_projection (void)
{
  double nx, ny, lat, lon, x, y;

  anbu_geo_to_normalised (0, 0, &nx, &ny);
  g_assert_cmpfloat_with_epsilon (nx, 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (ny, 0.5, 1e-12);

  /* Seoul City Hall is in tile 3492/1586 at zoom 12 (the tiles every map uses). */
  anbu_geo_to_world_pixels (37.5665, 126.978, 12, TILE, &x, &y);
  g_assert_cmpint ((int) floor (x / TILE), ==, 3492);
  g_assert_cmpint ((int) floor (y / TILE), ==, 1586);

  anbu_geo_from_world_pixels (x, y, 12, TILE, &lat, &lon);
  g_assert_cmpfloat_with_epsilon (lat, 37.5665, 1e-9);
  g_assert_cmpfloat_with_epsilon (lon, 126.978, 1e-9);

  /* Beyond the Mercator limit the map ends: clamp, never infinity or NaN. */
  anbu_geo_to_normalised (90, 0, &nx, &ny);
  g_assert_true (isfinite (ny));
  g_assert_cmpfloat_with_epsilon (ny, 0.0, 1e-9);
  anbu_geo_to_normalised (-90, 0, &nx, &ny);
  g_assert_cmpfloat_with_epsilon (ny, 1.0, 1e-9);
}

static void
test_haversine (void)
{
  /* Seoul City Hall to Busan City Hall: about 325 km in a straight line. */
  double d = anbu_geo_haversine_m (37.5665, 126.9780, 35.1798, 129.0750);

  g_assert_cmpfloat (d, >, 323000);
  g_assert_cmpfloat (d, <, 327000);
  /* One degree of latitude is 111.2 km. */
  g_assert_cmpfloat_with_epsilon (anbu_geo_haversine_m (37, 127, 38, 127), 111195, 5);
  g_assert_cmpfloat (anbu_geo_haversine_m (37.5, 127, 37.5, 127), ==, 0);
  /* Antipodes do not produce NaN. */
  g_assert_cmpfloat_with_epsilon (anbu_geo_haversine_m (0, 0, 0, 180), G_PI * 6371008.8, 1);
}

static void
test_tile_count (void)
{
  guint x0, y0, x1, y1;
  guint64 by_hand = 0;

  for (guint z = 12; z <= 17; z++)
    {
      anbu_geo_tile_range (SOUTH, WEST, NORTH, EAST, z, &x0, &y0, &x1, &y1);
      g_assert_cmpuint (x0, <=, x1);
      g_assert_cmpuint (y0, <=, y1);
      by_hand += (guint64) (x1 - x0 + 1) * (y1 - y0 + 1);
    }
  g_assert_cmpuint (anbu_geo_count_tiles (SOUTH, WEST, NORTH, EAST, 12, 17), ==, by_hand);

  /* Zoom 0 is one tile whatever the box; corners given swapped count the same. */
  g_assert_cmpuint (anbu_geo_count_tiles (SOUTH, WEST, NORTH, EAST, 0, 0), ==, 1);
  g_assert_cmpuint (anbu_geo_count_tiles (NORTH, EAST, SOUTH, WEST, 12, 17), ==, by_hand);

  /* A point is one tile per zoom. */
  g_assert_cmpuint (anbu_geo_count_tiles (37.5, 127, 37.5, 127, 12, 17), ==, 6);
}

static void
test_state_names (void)
{
  AnbuMapState state;

  for (guint i = 0; i < ANBU_MAP_N_STATES; i++)
    {
      g_assert_true (anbu_map_state_from_string (anbu_map_state_to_string (i), &state));
      g_assert_cmpint (state, ==, i);
    }
  g_assert_false (anbu_map_state_from_string ("dangerous", &state));
  g_assert_false (anbu_map_state_from_string (NULL, &state));

  g_assert_cmpint (anbu_map_state_worst (ANBU_MAP_STATE_OFFLINE, ANBU_MAP_STATE_WATCH), ==,
                   ANBU_MAP_STATE_WATCH);
  g_assert_cmpint (anbu_map_state_worst (ANBU_MAP_STATE_CRITICAL, ANBU_MAP_STATE_NORMAL), ==,
                   ANBU_MAP_STATE_CRITICAL);
  g_assert_cmpint (anbu_map_state_worst (ANBU_MAP_STATE_ABSENT, ANBU_MAP_STATE_NORMAL), ==,
                   ANBU_MAP_STATE_ABSENT);
}

/* Checks every promise of a clustering made with grid cells. */
static void
check_grid_clustering (AnbuGeoIndex      *index,
                       AnbuGeoClustering *clustering,
                       double             zoom,
                       const AnbuGeoRect *viewport)
{
  double world = anbu_geo_world_size (zoom, TILE);
  guint expected_shown = 0, counted = 0;
  g_autofree guint *seen = g_new0 (guint, anbu_geo_index_get_size (index));
  AnbuMapState previous_worst = ANBU_MAP_STATE_NORMAL;

  /* The households shown: those in a grid cell that touches the viewport. */
  for (guint i = 0; i < anbu_geo_index_get_size (index); i++)
    {
      double nx, ny, col, row;

      anbu_geo_index_get_normalised (index, i, &nx, &ny);
      col = floor (nx * world / CELL);
      row = floor (ny * world / CELL);
      if (viewport == NULL ||
          (col >= floor (viewport->x / CELL) &&
           col <= floor ((viewport->x + viewport->width) / CELL) &&
           row >= floor (viewport->y / CELL) &&
           row <= floor ((viewport->y + viewport->height) / CELL)))
        expected_shown++;
    }

  for (guint c = 0; c < anbu_geo_clustering_get_n_clusters (clustering); c++)
    {
      const AnbuGeoCluster *cluster = anbu_geo_clustering_get_cluster (clustering, c);
      guint n_members, state_total = 0;
      const guint *members = anbu_geo_clustering_get_members (clustering, c, &n_members);
      AnbuMapState worst = ANBU_MAP_STATE_NORMAL;

      g_assert_cmpuint (n_members, ==, cluster->count);
      g_assert_cmpuint (cluster->count, >, 0);
      g_assert_cmpfloat (cluster->cell.width, ==, CELL);

      for (guint m = 0; m < n_members; m++)
        {
          const AnbuGeoPoint *p = anbu_geo_index_get_point (index, members[m]);
          double x, y;

          anbu_geo_to_world_pixels (p->latitude, p->longitude, zoom, TILE, &x, &y);
          /* Every household inside its cluster's cell. */
          g_assert_cmpfloat (x, >=, cluster->cell.x - 1e-6);
          g_assert_cmpfloat (x, <, cluster->cell.x + cluster->cell.width + 1e-6);
          g_assert_cmpfloat (y, >=, cluster->cell.y - 1e-6);
          g_assert_cmpfloat (y, <, cluster->cell.y + cluster->cell.height + 1e-6);
          worst = MAX (worst, p->state);
          seen[members[m]]++;
        }
      /* The worst state wins. */
      g_assert_cmpint (cluster->worst, ==, worst);
      for (guint s = 0; s < ANBU_MAP_N_STATES; s++)
        state_total += cluster->state_counts[s];
      g_assert_cmpuint (state_total, ==, cluster->count);
      g_assert_cmpuint (cluster->state_counts[cluster->worst], >, 0);
      /* The marker sits inside its cell (the mean of its members). */
      g_assert_cmpfloat (cluster->x, >=, cluster->cell.x - 1e-6);
      g_assert_cmpfloat (cluster->x, <=, cluster->cell.x + CELL + 1e-6);
      /* Worse clusters come later, so they are drawn on top. */
      g_assert_cmpint (cluster->worst, >=, previous_worst);
      previous_worst = cluster->worst;
      counted += cluster->count;
    }

  /* Counts add up to the households shown, and nobody is in two clusters. */
  g_assert_cmpuint (counted, ==, expected_shown);
  g_assert_cmpuint (anbu_geo_clustering_get_n_points (clustering), ==, expected_shown);
  for (guint i = 0; i < anbu_geo_index_get_size (index); i++)
    g_assert_cmpuint (seen[i], <=, 1);
}

static void
test_cluster_grid (void)
{
  g_autofree AnbuGeoPoint *points = make_district (3000, 7);
  g_autoptr(AnbuGeoIndex) index = anbu_geo_index_new (points, 3000);
  const double zooms[] = { 10, 11, 12.5, 13, 14, 15 };

  for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
    {
      AnbuGeoRect viewport = viewport_at (zooms[z]);
      g_autoptr(AnbuGeoClustering) in_view =
        anbu_geo_clustering_new (index, zooms[z], TILE, &viewport, CELL);
      g_autoptr(AnbuGeoClustering) everywhere =
        anbu_geo_clustering_new (index, zooms[z], TILE, NULL, CELL);

      g_test_message ("zoom %.1f: %u clusters for %u households in view", zooms[z],
                      anbu_geo_clustering_get_n_clusters (in_view),
                      anbu_geo_clustering_get_n_points (in_view));
      check_grid_clustering (index, in_view, zooms[z], &viewport);
      check_grid_clustering (index, everywhere, zooms[z], NULL);
      g_assert_cmpuint (anbu_geo_clustering_get_n_points (everywhere), ==, 3000);
    }

  /* At district zoom the whole district is a handful of clusters, not 3,000 dots. */
  {
    AnbuGeoRect viewport = viewport_at (11);
    g_autoptr(AnbuGeoClustering) c = anbu_geo_clustering_new (index, 11, TILE, &viewport, CELL);

    g_assert_cmpuint (anbu_geo_clustering_get_n_points (c), ==, 3000);
    g_assert_cmpuint (anbu_geo_clustering_get_n_clusters (c), <=, 12);
  }
}

static void
test_cluster_worst_wins (void)
{
  /* Three households in one building: one critical among normals. */
  const AnbuGeoPoint points[] = {
    { 37.4800, 126.9300, ANBU_MAP_STATE_NORMAL },
    { 37.4801, 126.9301, ANBU_MAP_STATE_CRITICAL },
    { 37.4802, 126.9299, ANBU_MAP_STATE_ABSENT },
    { 37.4000, 126.8000, ANBU_MAP_STATE_OFFLINE },
  };
  g_autoptr(AnbuGeoIndex) index = anbu_geo_index_new (points, G_N_ELEMENTS (points));
  g_autoptr(AnbuGeoClustering) c = anbu_geo_clustering_new (index, 12, TILE, NULL, CELL);
  const AnbuGeoCluster *last;

  g_assert_cmpuint (anbu_geo_clustering_get_n_clusters (c), ==, 2);
  /* The offline one is less severe, so it comes first (drawn below). */
  g_assert_cmpint (anbu_geo_clustering_get_cluster (c, 0)->worst, ==, ANBU_MAP_STATE_OFFLINE);
  last = anbu_geo_clustering_get_cluster (c, 1);
  g_assert_cmpuint (last->count, ==, 3);
  g_assert_cmpint (last->worst, ==, ANBU_MAP_STATE_CRITICAL);
  g_assert_cmpuint (last->state_counts[ANBU_MAP_STATE_NORMAL], ==, 1);
  g_assert_cmpuint (last->state_counts[ANBU_MAP_STATE_ABSENT], ==, 1);
}

static void
test_cluster_singletons (void)
{
  g_autofree AnbuGeoPoint *points = make_district (500, 11);
  g_autoptr(AnbuGeoIndex) index = anbu_geo_index_new (points, 500);
  AnbuGeoRect viewport = viewport_at (16);
  g_autoptr(AnbuGeoClustering) c = anbu_geo_clustering_new (index, 16, TILE, &viewport, 0);
  guint inside = 0;

  for (guint i = 0; i < 500; i++)
    {
      double x, y;

      anbu_geo_to_world_pixels (points[i].latitude, points[i].longitude, 16, TILE, &x, &y);
      if (x >= viewport.x && x < viewport.x + viewport.width &&
          y >= viewport.y && y < viewport.y + viewport.height)
        inside++;
    }
  g_assert_cmpuint (inside, >, 0);
  g_assert_cmpuint (inside, <, 500);
  g_assert_cmpuint (anbu_geo_clustering_get_n_clusters (c), ==, inside);
  for (guint k = 0; k < anbu_geo_clustering_get_n_clusters (c); k++)
    {
      const AnbuGeoCluster *cluster = anbu_geo_clustering_get_cluster (c, k);
      guint n;
      const guint *m = anbu_geo_clustering_get_members (c, k, &n);

      g_assert_cmpuint (n, ==, 1);
      g_assert_cmpint (cluster->worst, ==, points[m[0]].state);
    }
}

static void
test_cluster_bad_input (void)
{
  /* An empty caseload is an empty map, not a crash. */
  g_autoptr(AnbuGeoIndex) empty = anbu_geo_index_new (NULL, 0);
  g_autoptr(AnbuGeoClustering) none = anbu_geo_clustering_new (empty, 12, TILE, NULL, CELL);
  /* A state from a newer server is drawn as normal, not read out of bounds. */
  const AnbuGeoPoint odd[] = {
    { 37.48, 126.93, (AnbuMapState) 42 },
    { 95.0, 200.0, ANBU_MAP_STATE_RISK },   /* off the map: clamped to the edge */
  };
  g_autoptr(AnbuGeoIndex) index = anbu_geo_index_new (odd, 2);
  g_autoptr(AnbuGeoClustering) c = anbu_geo_clustering_new (index, 3, TILE, NULL, CELL);
  guint found;

  g_assert_cmpuint (anbu_geo_clustering_get_n_clusters (none), ==, 0);
  g_assert_false (anbu_geo_clustering_hit_test (none, 10, 10, 20, NULL, NULL, &found));
  g_assert_cmpint (anbu_geo_index_get_point (index, 0)->state, ==, ANBU_MAP_STATE_NORMAL);
  g_assert_cmpuint (anbu_geo_clustering_get_n_points (c), ==, 2);
}

static double
radius_for_count (guint    count,
                  gpointer user_data)
{
  return count > 1 ? 18.0 : 9.0;
}

static void
test_hit_testing (void)
{
  g_autofree AnbuGeoPoint *points = make_district (2000, 3);
  g_autoptr(AnbuGeoIndex) index = anbu_geo_index_new (points, 2000);
  const double zooms[] = { 11, 13, 15, 17 };

  for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
    {
      AnbuGeoRect viewport = viewport_at (zooms[z]);
      double cell = zooms[z] >= 16 ? 0 : CELL;
      g_autoptr(AnbuGeoClustering) c =
        anbu_geo_clustering_new (index, zooms[z], TILE, &viewport, cell);
      guint n = anbu_geo_clustering_get_n_clusters (c);

      g_assert_cmpuint (n, >, 0);
      for (guint k = 0; k < n; k++)
        {
          const AnbuGeoCluster *cluster = anbu_geo_clustering_get_cluster (c, k);
          guint hit = G_MAXUINT;
          double r = radius_for_count (cluster->count, NULL);

          /* Clicking the centre of a marker finds a marker drawn there; it is this
           * one unless another, worse one covers exactly the same spot. */
          g_assert_true (anbu_geo_clustering_hit_test (c, cluster->x, cluster->y, 0,
                                                       radius_for_count, NULL, &hit));
          if (hit != k)
            {
              const AnbuGeoCluster *other = anbu_geo_clustering_get_cluster (c, hit);

              g_assert_cmpfloat (hypot (other->x - cluster->x, other->y - cluster->y), <=, 1e-9);
              g_assert_cmpuint (hit, >, k);
            }

          /* Just inside the edge of the marker still hits something no farther away. */
          g_assert_true (anbu_geo_clustering_hit_test (c, cluster->x + r * 0.9, cluster->y, 0,
                                                       radius_for_count, NULL, &hit));
          {
            const AnbuGeoCluster *other = anbu_geo_clustering_get_cluster (c, hit);

            g_assert_cmpfloat (hypot (other->x - cluster->x - r * 0.9, other->y - cluster->y),
                               <=, r * 0.9 + 1e-9);
          }
        }

      /* Empty sea far from the district: nothing. */
      g_assert_false (anbu_geo_clustering_hit_test (c, viewport.x - 5000, viewport.y - 5000, 0,
                                                    radius_for_count, NULL, NULL));
    }

  /* At street zoom, clicking a household's own spot gives exactly that household. */
  {
    AnbuGeoRect viewport = viewport_at (17);
    g_autoptr(AnbuGeoClustering) c = anbu_geo_clustering_new (index, 17, TILE, &viewport, 0);

    for (guint k = 0; k < anbu_geo_clustering_get_n_clusters (c); k++)
      {
        guint n, hit;
        const guint *m = anbu_geo_clustering_get_members (c, k, &n);
        double x, y;

        anbu_geo_to_world_pixels (points[m[0]].latitude, points[m[0]].longitude, 17, TILE, &x, &y);
        g_assert_true (anbu_geo_clustering_hit_test (c, x, y, 9, NULL, NULL, &hit));
        g_assert_cmpuint (anbu_geo_clustering_get_members (c, hit, NULL)[0], ==, m[0]);
      }
  }
}

static void
test_hit_testing_on_top (void)
{
  /* Same spot: the critical one is drawn on top, so a click gets it. */
  const AnbuGeoPoint points[] = {
    { 37.48, 126.93, ANBU_MAP_STATE_CRITICAL },
    { 37.48, 126.93, ANBU_MAP_STATE_NORMAL },
  };
  g_autoptr(AnbuGeoIndex) index = anbu_geo_index_new (points, 2);
  g_autoptr(AnbuGeoClustering) c = anbu_geo_clustering_new (index, 18, TILE, NULL, 0);
  const AnbuGeoCluster *first = anbu_geo_clustering_get_cluster (c, 0);
  guint hit;

  g_assert_true (anbu_geo_clustering_hit_test (c, first->x + 2, first->y, 9, NULL, NULL, &hit));
  g_assert_cmpint (anbu_geo_clustering_get_cluster (c, hit)->worst, ==, ANBU_MAP_STATE_CRITICAL);
  /* Outside the radius: nothing. */
  g_assert_false (anbu_geo_clustering_hit_test (c, first->x + 9.5, first->y, 9, NULL, NULL, &hit));
}

/* Clustering a viewport finds every point in it and nothing else, however
 * the points are spread (a dense district, a few far away, one on the edge),
 * and gives the same clusters as clustering everything and keeping the cells
 * in view. */
static void
test_viewport_finds_every_point (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (4242);
  const guint n = 20000;
  g_autofree AnbuGeoPoint *points = g_new (AnbuGeoPoint, n);
  g_autoptr(AnbuGeoIndex) index = NULL;

  for (guint i = 0; i < n; i++)
    {
      gboolean far = i % 1000 == 0;

      points[i].latitude = far ? g_rand_double_range (rand, 33.0, 38.5)
                               : g_rand_double_range (rand, 37.455, 37.490);
      points[i].longitude = far ? g_rand_double_range (rand, 125.0, 129.5)
                                : g_rand_double_range (rand, 126.900, 126.960);
      points[i].state = g_rand_int_range (rand, 0, ANBU_MAP_N_STATES);
    }
  index = anbu_geo_index_new (points, n);

  for (guint z = 11; z <= 17; z += 3)
    for (guint trial = 0; trial < 20; trial++)
      {
        double world = anbu_geo_world_size (z, 256);
        double cx, cy;
        AnbuGeoRect view;
        guint expected = 0, found = 0;
        g_autoptr(AnbuGeoClustering) single = NULL;

        /* A window somewhere over the district or beside it. */
        anbu_geo_to_world_pixels (g_rand_double_range (rand, 37.44, 37.50),
                                  g_rand_double_range (rand, 126.89, 126.97), z, 256, &cx, &cy);
        view = (AnbuGeoRect) { cx - 640, cy - 400, 1280, 800 };
        for (guint i = 0; i < n; i++)
          {
            double x, y;

            anbu_geo_index_get_normalised (index, i, &x, &y);
            x *= world;
            y *= world;
            if (x >= view.x && y >= view.y && x < view.x + view.width && y < view.y + view.height)
              expected++;
          }
        single = anbu_geo_clustering_new (index, z, 256, &view, 0);
        g_assert_cmpuint (anbu_geo_clustering_get_n_points (single), ==, expected);
        for (guint k = 0; k < anbu_geo_clustering_get_n_clusters (single); k++)
          found += anbu_geo_clustering_get_cluster (single, k)->count;
        g_assert_cmpuint (found, ==, expected);

        /* Grouped in cells: each cluster in view is the whole cell. */
        {
          g_autoptr(AnbuGeoClustering) grouped = anbu_geo_clustering_new (index, z, 256, &view, 64);
          g_autoptr(AnbuGeoClustering) everything = anbu_geo_clustering_new (index, z, 256, NULL, 64);

          for (guint k = 0; k < anbu_geo_clustering_get_n_clusters (grouped); k++)
            {
              const AnbuGeoCluster *c = anbu_geo_clustering_get_cluster (grouped, k);
              gboolean matched = FALSE;

              for (guint j = 0; j < anbu_geo_clustering_get_n_clusters (everything) && !matched; j++)
                {
                  const AnbuGeoCluster *e = anbu_geo_clustering_get_cluster (everything, j);

                  if (e->cell.x == c->cell.x && e->cell.y == c->cell.y)
                    {
                      g_assert_cmpuint (e->count, ==, c->count);
                      g_assert_cmpint (e->worst, ==, c->worst);
                      g_assert_cmpfloat_with_epsilon (e->x, c->x, 1e-6);
                      matched = TRUE;
                    }
                }
              g_assert_true (matched);
            }
        }
      }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/geo/projection", test_projection);
  g_test_add_func ("/anbu/geo/viewport-finds-every-point", test_viewport_finds_every_point);
  g_test_add_func ("/anbu/geo/haversine", test_haversine);
  g_test_add_func ("/anbu/geo/tile-count", test_tile_count);
  g_test_add_func ("/anbu/geo/state-names", test_state_names);
  g_test_add_func ("/anbu/geo/cluster/grid", test_cluster_grid);
  g_test_add_func ("/anbu/geo/cluster/worst-wins", test_cluster_worst_wins);
  g_test_add_func ("/anbu/geo/cluster/singletons", test_cluster_singletons);
  g_test_add_func ("/anbu/geo/cluster/bad-input", test_cluster_bad_input);
  g_test_add_func ("/anbu/geo/hit-test/zooms", test_hit_testing);
  g_test_add_func ("/anbu/geo/hit-test/on-top", test_hit_testing_on_top);

  return g_test_run ();
}
