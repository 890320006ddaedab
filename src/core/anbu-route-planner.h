/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ANBU_ROUTE_PLANNER_ERROR (anbu_route_planner_error_quark ())

typedef enum
{
  ANBU_ROUTE_PLANNER_ERROR_INVALID_COORDINATE,  /* a latitude/longitude is not a place on Earth */
} AnbuRoutePlannerError;

typedef struct
{
  double latitude;
  double longitude;
} AnbuGeoCoord;

typedef enum
{
  ANBU_ROUTE_OPEN       = 0,        /* start → stops, ends at the last stop */
  ANBU_ROUTE_RETURN     = 1 << 0,   /* … and back to the start (a round trip) */
  ANBU_ROUTE_NO_2OPT    = 1 << 1,   /* nearest neighbour only (for comparison) */
} AnbuRouteFlags;

/* The order in which to visit the stops, with straight-line (haversine)
 * distances. order[k] is the caller's index of the k-th stop visited;
 * leg_m[k] is the distance from the previous place (the start for k = 0) to it.
 * With ANBU_ROUTE_RETURN, return_leg_m is the way back to the start (else 0).
 * total_m is the sum of all legs. */
typedef struct
{
  guint   n_stops;
  guint  *order;
  double *leg_m;
  double  return_leg_m;
  double  total_m;
} AnbuRoutePlan;

GQuark         anbu_route_planner_error_quark (void);

/* Nearest neighbour from the start, then 2-opt until no exchange shortens the
 * route. Zero stops is a valid, empty plan. */
AnbuRoutePlan *anbu_route_planner_plan (const AnbuGeoCoord *start,
                                        const AnbuGeoCoord *stops,
                                        guint               n_stops,
                                        AnbuRouteFlags      flags,
                                        GError            **error);

/* The length of visiting the stops in the given order (a permutation of
 * 0..n_stops-1), from the start, with or without the way back. */
double         anbu_route_planner_length (const AnbuGeoCoord *start,
                                          const AnbuGeoCoord *stops,
                                          const guint        *order,
                                          guint               n_stops,
                                          gboolean            return_to_start);

/* The day's route as CSV (RFC 4180, UTF-8, CRLF) for printing or a spreadsheet:
 * a header, the start, one row per stop in visiting order with the leg and the
 * running total in metres, and the way back for a round trip. names[i] is the
 * name of the caller's stop i; start_name names the starting point. */
char          *anbu_route_plan_format_csv (const AnbuRoutePlan *plan,
                                           const char          *start_name,
                                           const char * const  *names);

AnbuRoutePlan *anbu_route_plan_copy (const AnbuRoutePlan *plan);
void           anbu_route_plan_free (AnbuRoutePlan       *plan);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuRoutePlan, anbu_route_plan_free)

G_END_DECLS
