/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-route"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "anbu-geo-cluster.h"
#include "anbu-route-planner.h"

/* Above this many places distances are computed on demand instead of kept in
 * a matrix (a day's visits are tens of stops; this only bounds memory). */
#define MATRIX_LIMIT 1024
/* 2-opt stops when an exchange gains less than this (metres), or after this
 * many passes over all pairs. */
#define MIN_GAIN_M 1e-6
#define MAX_PASSES 1000

G_DEFINE_QUARK (anbu-route-planner-error-quark, anbu_route_planner_error)

typedef struct
{
  guint               n;       /* places: 0 is the start, 1..n-1 the stops */
  const AnbuGeoCoord *start;
  const AnbuGeoCoord *stops;
  double             *matrix;
} Distances;

static const AnbuGeoCoord *
place (const Distances *d,
       guint            i)
{
  return i == 0 ? d->start : &d->stops[i - 1];
}

static double
distance (const Distances *d,
          guint            i,
          guint            j)
{
  const AnbuGeoCoord *a, *b;

  if (d->matrix != NULL)
    return d->matrix[(gsize) i * d->n + j];
  a = place (d, i);
  b = place (d, j);
  return anbu_geo_haversine_m (a->latitude, a->longitude, b->latitude, b->longitude);
}

static gboolean
coordinate_is_valid (const AnbuGeoCoord *c)
{
  return isfinite (c->latitude) && isfinite (c->longitude) &&
         c->latitude >= -90.0 && c->latitude <= 90.0 &&
         c->longitude >= -180.0 && c->longitude <= 180.0;
}

/* tour[0] = 0 (the start), tour[1..n-1] the stops' place numbers. */
static void
nearest_neighbour (const Distances *d,
                   guint           *tour)
{
  g_autofree gboolean *visited = g_new0 (gboolean, d->n);
  guint current = 0;

  tour[0] = 0;
  visited[0] = TRUE;
  for (guint k = 1; k < d->n; k++)
    {
      guint best = 0;
      double best_d = G_MAXDOUBLE;

      for (guint j = 1; j < d->n; j++)
        if (!visited[j])
          {
            double dj = distance (d, current, j);

            if (dj < best_d)
              {
                best_d = dj;
                best = j;
              }
          }
      tour[k] = best;
      visited[best] = TRUE;
      current = best;
    }
}

static void
reverse (guint *tour,
         guint  i,
         guint  k)
{
  while (i < k)
    {
      guint t = tour[i];

      tour[i++] = tour[k];
      tour[k--] = t;
    }
}

/* Reverses tour[i..k] (1 <= i < k) whenever that shortens the route. The start
 * stays first. With return_to_start the place after the last stop is the start. */
static void
two_opt (const Distances *d,
         guint           *tour,
         gboolean         return_to_start)
{
  guint last = d->n - 1;

  for (guint pass = 0; pass < MAX_PASSES; pass++)
    {
      gboolean improved = FALSE;

      for (guint i = 1; i < last; i++)
        for (guint k = i + 1; k <= last; k++)
          {
            double before = distance (d, tour[i - 1], tour[i]);
            double after = distance (d, tour[i - 1], tour[k]);

            if (k < last || return_to_start)
              {
                guint next = k < last ? tour[k + 1] : 0;

                before += distance (d, tour[k], next);
                after += distance (d, tour[i], next);
              }
            if (after < before - MIN_GAIN_M)
              {
                reverse (tour, i, k);
                improved = TRUE;
              }
          }
      if (!improved)
        break;
    }
}

double
anbu_route_planner_length (const AnbuGeoCoord *start,
                           const AnbuGeoCoord *stops,
                           const guint        *order,
                           guint               n_stops,
                           gboolean            return_to_start)
{
  const AnbuGeoCoord *previous = start;
  double total = 0;

  for (guint k = 0; k < n_stops; k++)
    {
      const AnbuGeoCoord *here = &stops[order[k]];

      total += anbu_geo_haversine_m (previous->latitude, previous->longitude,
                                     here->latitude, here->longitude);
      previous = here;
    }
  if (return_to_start)
    total += anbu_geo_haversine_m (previous->latitude, previous->longitude,
                                   start->latitude, start->longitude);
  return total;
}

AnbuRoutePlan *
anbu_route_planner_plan (const AnbuGeoCoord *start,
                         const AnbuGeoCoord *stops,
                         guint               n_stops,
                         AnbuRouteFlags      flags,
                         GError            **error)
{
  gboolean return_to_start = (flags & ANBU_ROUTE_RETURN) != 0;
  Distances d = { n_stops + 1, start, stops, NULL };
  g_autofree guint *tour = NULL;
  AnbuRoutePlan *plan;
  guint previous = 0;

  g_return_val_if_fail (start != NULL, NULL);
  g_return_val_if_fail (stops != NULL || n_stops == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!coordinate_is_valid (start))
    {
      g_set_error (error, ANBU_ROUTE_PLANNER_ERROR, ANBU_ROUTE_PLANNER_ERROR_INVALID_COORDINATE,
                   _("The starting point has no valid location."));
      return NULL;
    }
  for (guint i = 0; i < n_stops; i++)
    if (!coordinate_is_valid (&stops[i]))
      {
        g_set_error (error, ANBU_ROUTE_PLANNER_ERROR, ANBU_ROUTE_PLANNER_ERROR_INVALID_COORDINATE,
                     _("Stop %u has no valid location."), i + 1);
        return NULL;
      }

  if (d.n <= MATRIX_LIMIT)
    {
      d.matrix = g_new (double, (gsize) d.n * d.n);
      for (guint i = 0; i < d.n; i++)
        {
          d.matrix[(gsize) i * d.n + i] = 0;
          for (guint j = i + 1; j < d.n; j++)
            {
              const AnbuGeoCoord *a = place (&d, i), *b = place (&d, j);
              double m = anbu_geo_haversine_m (a->latitude, a->longitude,
                                               b->latitude, b->longitude);

              d.matrix[(gsize) i * d.n + j] = m;
              d.matrix[(gsize) j * d.n + i] = m;
            }
        }
    }

  tour = g_new (guint, d.n);
  nearest_neighbour (&d, tour);
  if ((flags & ANBU_ROUTE_NO_2OPT) == 0 && d.n > 2)
    two_opt (&d, tour, return_to_start);

  plan = g_new0 (AnbuRoutePlan, 1);
  plan->n_stops = n_stops;
  plan->order = g_new (guint, n_stops + 1);
  plan->leg_m = g_new (double, n_stops + 1);
  for (guint k = 1; k < d.n; k++)
    {
      plan->order[k - 1] = tour[k] - 1;
      plan->leg_m[k - 1] = distance (&d, previous, tour[k]);
      plan->total_m += plan->leg_m[k - 1];
      previous = tour[k];
    }
  if (return_to_start)
    {
      plan->return_leg_m = distance (&d, previous, 0);
      plan->total_m += plan->return_leg_m;
    }
  g_free (d.matrix);
  return plan;
}

static void
append_csv_field (GString    *out,
                  const char *text)
{
  if (text == NULL)
    text = "";
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
append_csv_row (GString    *out,
                const char *order,
                const char *name,
                double      leg_m,
                double      total_m)
{
  append_csv_field (out, order);
  g_string_append_c (out, ',');
  append_csv_field (out, name);
  g_string_append_printf (out, ",%.0f,%.0f\r\n", round (leg_m), round (total_m));
}

char *
anbu_route_plan_format_csv (const AnbuRoutePlan *plan,
                            const char          *start_name,
                            const char * const  *names)
{
  GString *out = g_string_new (NULL);
  double total = 0;

  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (names != NULL || plan->n_stops == 0, NULL);

  append_csv_field (out, C_("route CSV header", "Stop"));
  g_string_append_c (out, ',');
  append_csv_field (out, C_("route CSV header", "Place"));
  g_string_append_c (out, ',');
  append_csv_field (out, C_("route CSV header", "Leg (m)"));
  g_string_append_c (out, ',');
  append_csv_field (out, C_("route CSV header", "Total (m)"));
  g_string_append (out, "\r\n");

  append_csv_row (out, C_("route CSV", "Start"), start_name, 0, 0);
  for (guint k = 0; k < plan->n_stops; k++)
    {
      g_autofree char *number = g_strdup_printf ("%u", k + 1);

      total += plan->leg_m[k];
      append_csv_row (out, number, names[plan->order[k]], plan->leg_m[k], total);
    }
  if (plan->return_leg_m > 0)
    {
      total += plan->return_leg_m;
      append_csv_row (out, C_("route CSV", "Back"), start_name, plan->return_leg_m, total);
    }
  return g_string_free (out, FALSE);
}

AnbuRoutePlan *
anbu_route_plan_copy (const AnbuRoutePlan *plan)
{
  AnbuRoutePlan *copy = g_new0 (AnbuRoutePlan, 1);

  *copy = *plan;
  copy->order = g_memdup2 (plan->order, sizeof (guint) * (plan->n_stops + 1));
  copy->leg_m = g_memdup2 (plan->leg_m, sizeof (double) * (plan->n_stops + 1));
  return copy;
}

void
anbu_route_plan_free (AnbuRoutePlan *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->order);
  g_free (plan->leg_m);
  g_free (plan);
}
