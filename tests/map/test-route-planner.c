/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "anbu-geo-cluster.h"
#include "anbu-route-planner.h"

/* A 동주민센터 in the middle of its district. */
static const AnbuGeoCoord centre = { 37.4781, 126.9515 };

static AnbuGeoCoord *
random_stops (GRand *rand,
              guint  n)
{
  AnbuGeoCoord *stops = g_new (AnbuGeoCoord, n + 1);

  for (guint i = 0; i < n; i++)
    {
      stops[i].latitude = g_rand_double_range (rand, 37.455, 37.500);
      stops[i].longitude = g_rand_double_range (rand, 126.900, 126.990);
    }
  return stops;
}

static void
assert_permutation (const AnbuRoutePlan *plan,
                    guint                n)
{
  g_autofree gboolean *seen = g_new0 (gboolean, n + 1);

  g_assert_cmpuint (plan->n_stops, ==, n);
  for (guint k = 0; k < n; k++)
    {
      g_assert_cmpuint (plan->order[k], <, n);
      g_assert_false (seen[plan->order[k]]);
      seen[plan->order[k]] = TRUE;
    }
}

static void
assert_legs_add_up (const AnbuRoutePlan *plan,
                    const AnbuGeoCoord  *stops,
                    gboolean             round_trip)
{
  double sum = plan->return_leg_m;

  for (guint k = 0; k < plan->n_stops; k++)
    {
      const AnbuGeoCoord *from = k == 0 ? &centre : &stops[plan->order[k - 1]];
      const AnbuGeoCoord *to = &stops[plan->order[k]];

      g_assert_cmpfloat_with_epsilon (plan->leg_m[k],
                                      anbu_geo_haversine_m (from->latitude, from->longitude,
                                                            to->latitude, to->longitude), 1e-6);
      sum += plan->leg_m[k];
    }
  if (!round_trip)
    g_assert_cmpfloat (plan->return_leg_m, ==, 0);
  g_assert_cmpfloat_with_epsilon (plan->total_m, sum, 1e-6);
  g_assert_cmpfloat_with_epsilon (plan->total_m,
                                  anbu_route_planner_length (&centre, stops, plan->order,
                                                             plan->n_stops, round_trip), 1e-6);
}

static void
test_permutation_and_legs (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  const guint sizes[] = { 1, 2, 3, 5, 12, 40, 120 };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint round_trip = 0; round_trip < 2; round_trip++)
      {
        g_autofree AnbuGeoCoord *stops = random_stops (rand, sizes[s]);
        g_autoptr(GError) error = NULL;
        g_autoptr(AnbuRoutePlan) plan =
          anbu_route_planner_plan (&centre, stops, sizes[s],
                                   round_trip ? ANBU_ROUTE_RETURN : ANBU_ROUTE_OPEN, &error);

        g_assert_no_error (error);
        assert_permutation (plan, sizes[s]);
        assert_legs_add_up (plan, stops, round_trip);
      }
}

static void
test_two_opt_never_longer (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (2023);

  for (guint trial = 0; trial < 60; trial++)
    {
      guint n = 3 + trial % 37;
      gboolean round_trip = trial % 2;
      AnbuRouteFlags flags = round_trip ? ANBU_ROUTE_RETURN : ANBU_ROUTE_OPEN;
      g_autofree AnbuGeoCoord *stops = random_stops (rand, n);
      g_autoptr(AnbuRoutePlan) nn =
        anbu_route_planner_plan (&centre, stops, n, flags | ANBU_ROUTE_NO_2OPT, NULL);
      g_autoptr(AnbuRoutePlan) best = anbu_route_planner_plan (&centre, stops, n, flags, NULL);

      assert_permutation (nn, n);
      assert_permutation (best, n);
      g_assert_cmpfloat (best->total_m, <=, nn->total_m + 1e-6);

      /* And it is a 2-opt local optimum: no segment reversal shortens it further. */
      for (guint i = 0; i < n; i++)
        for (guint k = i + 1; k < n; k++)
          {
            g_autofree guint *order = g_memdup2 (best->order, sizeof (guint) * n);

            for (guint a = i, b = k; a < b; a++, b--)
              {
                guint t = order[a];
                order[a] = order[b];
                order[b] = t;
              }
            g_assert_cmpfloat (anbu_route_planner_length (&centre, stops, order, n, round_trip),
                               >=, best->total_m - 1e-3);
          }
    }
}

static void
test_houses_on_one_street (void)
{
  /* Five houses due east along one street, given out of order: go east. */
  const double offsets[] = { 0.004, 0.001, 0.005, 0.002, 0.003 };
  AnbuGeoCoord stops[5];
  g_autoptr(AnbuRoutePlan) plan = NULL;

  for (guint i = 0; i < 5; i++)
    stops[i] = (AnbuGeoCoord) { centre.latitude, centre.longitude + offsets[i] };
  plan = anbu_route_planner_plan (&centre, stops, 5, ANBU_ROUTE_OPEN, NULL);
  g_assert_cmpuint (plan->order[0], ==, 1);
  g_assert_cmpuint (plan->order[1], ==, 3);
  g_assert_cmpuint (plan->order[2], ==, 4);
  g_assert_cmpuint (plan->order[3], ==, 0);
  g_assert_cmpuint (plan->order[4], ==, 2);
  g_assert_cmpfloat_with_epsilon (plan->total_m,
                                  anbu_geo_haversine_m (centre.latitude, centre.longitude,
                                                        centre.latitude, centre.longitude + 0.005),
                                  0.01);
}

static void
test_crossing_is_undone (void)
{
  /* Nearest neighbour walks into a crossing here; 2-opt must untangle it.
   * Square corners visited as a round trip: the best tour is the perimeter. */
  const AnbuGeoCoord stops[] = {
    { centre.latitude + 0.0000, centre.longitude + 0.0010 },
    { centre.latitude + 0.0100, centre.longitude + 0.0011 },
    { centre.latitude + 0.0100, centre.longitude + 0.0100 },
    { centre.latitude + 0.0000, centre.longitude + 0.0100 },
    { centre.latitude + 0.0050, centre.longitude + 0.0001 },
  };
  g_autoptr(AnbuRoutePlan) plan =
    anbu_route_planner_plan (&centre, stops, G_N_ELEMENTS (stops), ANBU_ROUTE_RETURN, NULL);
  guint best_order[G_N_ELEMENTS (stops)];
  double best = G_MAXDOUBLE;
  guint perm[] = { 0, 1, 2, 3, 4 };

  /* Brute force all 120 orders. */
  for (guint iter = 0; iter < 120; iter++)
    {
      double len = anbu_route_planner_length (&centre, stops, perm, 5, TRUE);
      gint i, j;

      if (len < best)
        {
          best = len;
          memcpy (best_order, perm, sizeof perm);
        }
      /* Next lexicographic permutation. */
      for (i = 3; i >= 0 && perm[i] > perm[i + 1]; i--)
        ;
      if (i < 0)
        break;
      for (j = 4; perm[j] < perm[i]; j--)
        ;
      { guint t = perm[i]; perm[i] = perm[j]; perm[j] = t; }
      for (gint a = i + 1, b = 4; a < b; a++, b--)
        { guint t = perm[a]; perm[a] = perm[b]; perm[b] = t; }
    }
  g_assert_cmpfloat_with_epsilon (plan->total_m, best, 0.5);
}

static void
test_empty_route (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuRoutePlan) plan =
    anbu_route_planner_plan (&centre, NULL, 0, ANBU_ROUTE_RETURN, &error);
  g_autoptr(AnbuRoutePlan) copy = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (plan->n_stops, ==, 0);
  g_assert_cmpfloat (plan->total_m, ==, 0);
  copy = anbu_route_plan_copy (plan);
  g_assert_cmpuint (copy->n_stops, ==, 0);
}

static void
test_invalid_stop (void)
{
  const AnbuGeoCoord stops[] = {
    { 37.47, 126.95 },
    { NAN, 126.95 },
  };
  const AnbuGeoCoord off_earth[] = { { 91.0, 126.95 } };
  const AnbuGeoCoord bad_start = { 37.47, 181.0 };
  g_autoptr(GError) error = NULL;
  AnbuRoutePlan *plan;

  plan = anbu_route_planner_plan (&centre, stops, 2, ANBU_ROUTE_OPEN, &error);
  g_assert_null (plan);
  g_assert_error (error, ANBU_ROUTE_PLANNER_ERROR, ANBU_ROUTE_PLANNER_ERROR_INVALID_COORDINATE);
  g_clear_error (&error);

  plan = anbu_route_planner_plan (&centre, off_earth, 1, ANBU_ROUTE_OPEN, &error);
  g_assert_null (plan);
  g_assert_error (error, ANBU_ROUTE_PLANNER_ERROR, ANBU_ROUTE_PLANNER_ERROR_INVALID_COORDINATE);
  g_clear_error (&error);

  plan = anbu_route_planner_plan (&bad_start, stops, 1, ANBU_ROUTE_OPEN, &error);
  g_assert_null (plan);
  g_assert_error (error, ANBU_ROUTE_PLANNER_ERROR, ANBU_ROUTE_PLANNER_ERROR_INVALID_COORDINATE);
}

static void
test_csv_export (void)
{
  const AnbuGeoCoord stops[] = {
    { centre.latitude, centre.longitude + 0.002 },
    { centre.latitude, centre.longitude + 0.001 },
  };
  const char *names[] = { "김영수, 101동", "이\"순자\"", NULL };
  g_autoptr(AnbuRoutePlan) plan =
    anbu_route_planner_plan (&centre, stops, 2, ANBU_ROUTE_RETURN, NULL);
  g_autofree char *csv = anbu_route_plan_format_csv (plan, "행운동 주민센터", names);
  g_auto(GStrv) lines = g_strsplit (csv, "\r\n", -1);
  g_autofree char *total = g_strdup_printf ("%.0f", round (plan->total_m));

  g_test_message ("%s", csv);
  /* Header, start, two stops (nearest first), the way back, and the final CRLF. */
  g_assert_cmpuint (g_strv_length (lines), ==, 6);
  g_assert_cmpstr (lines[5], ==, "");
  g_assert_true (g_str_has_suffix (lines[1], ",행운동 주민센터,0,0"));
  /* Names with commas and quotes survive a spreadsheet. */
  g_assert_true (g_str_has_prefix (lines[2], "1,\"이\"\"순자\"\"\","));
  g_assert_true (g_str_has_prefix (lines[3], "2,\"김영수, 101동\","));
  g_assert_true (g_str_has_suffix (lines[4], total));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/anbu/route/permutation-and-legs", test_permutation_and_legs);
  g_test_add_func ("/anbu/route/two-opt-never-longer", test_two_opt_never_longer);
  g_test_add_func ("/anbu/route/one-street", test_houses_on_one_street);
  g_test_add_func ("/anbu/route/crossing-undone", test_crossing_is_undone);
  g_test_add_func ("/anbu/route/empty", test_empty_route);
  g_test_add_func ("/anbu/route/invalid-stop", test_invalid_stop);
  g_test_add_func ("/anbu/route/csv-export", test_csv_export);

  return g_test_run ();
}
