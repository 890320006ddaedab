/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Waiting for one async call at a time: pass anbu_bench_ready_cb as its callback, then
 * anbu_bench_await() spins the main context until its result is in (transfer full). */
void          anbu_bench_ready_cb    (GObject      *source,
                                      GAsyncResult *result,
                                      gpointer      user_data);
GAsyncResult *anbu_bench_await       (void);

/* The p-quantile (0…1, nearest rank) of n figures, sorting them in place; 0 when n is 0. */
double        anbu_bench_percentile  (double       *values,
                                      guint         n,
                                      double        p);

/* Monotonic seconds, for wall time between two points. */
double        anbu_bench_now_s          (void);
/* CPU seconds of this thread and of the whole process: the machine is
 * shared, and its load stretches wall time several times over; CPU time per
 * unit of work does not stretch. */
double        anbu_bench_thread_cpu_s   (void);
double        anbu_bench_process_cpu_s  (void);

G_END_DECLS
