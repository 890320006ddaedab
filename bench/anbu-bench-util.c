/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "anbu-bench-util.h"

static GAsyncResult *last_result;

void
anbu_bench_ready_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  last_result = g_object_ref (result);
}

GAsyncResult *
anbu_bench_await (void)
{
  GAsyncResult *result;

  while (last_result == NULL)
    g_main_context_iteration (NULL, TRUE);
  result = last_result;
  last_result = NULL;
  return result;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

double
anbu_bench_percentile (double *values,
                       guint   n,
                       double  p)
{
  if (n == 0)
    return 0;
  qsort (values, n, sizeof (double), compare_doubles);
  return values[MIN (n - 1, (guint) floor (p * (n - 1) + 0.5))];
}
