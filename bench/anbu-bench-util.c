/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

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

double
anbu_bench_now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

double
anbu_bench_thread_cpu_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

double
anbu_bench_process_cpu_s (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6
         + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}
