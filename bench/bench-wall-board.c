/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-wall-board: the control centre's wall board (상황판) at city scale,
 * on a real encrypted replica: 50,000 households in scope and 500 open
 * signals across Seoul's 구 and 동, in a 1920×1080 window with the cairo
 * renderer. For RUN_SECONDS, once a second a sync brings changed signals
 * (levels rise, some are acknowledged or taken on, one is resolved and a new
 * one raised), so the counts change every second, while the list scrolls
 * continuously. Prints the frame times (before-paint to after-paint, scrolling
 * alone first, then with the syncs), the time the
 * board takes to rebuild its model and counts after each reload, and the
 * casework's reload time. Run under a display:
 *
 *   xvfb-run -a -s '-screen 0 1920x1080x24' _build/bench/bench-wall-board [households] [signals]
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "anbu-bench-util.h"
#include "anbu-case-store.h"
#include "anbu-casework.h"
#include "anbu-clock.h"
#include "anbu-context.h"
#include "anbu-validate.h"
#include "anbu-wall-board.h"

#define WIDTH 1920
#define HEIGHT 1080
#define RUN_SECONDS 20

static const char *const districts[] = {
  "종로구", "중구", "용산구", "성동구", "광진구", "동대문구", "중랑구", "성북구", "강북구",
  "도봉구", "노원구", "은평구", "서대문구", "마포구", "양천구", "강서구", "구로구", "금천구",
  "영등포구", "동작구", "관악구", "서초구", "강남구", "송파구", "강동구",
};

/* A quantile of a run's figures (milliseconds). */
static double
quantile (GArray *figures,
          double  p)
{
  return anbu_bench_percentile ((double *) figures->data, figures->len, p);
}

static char *
household_id (guint i)
{
  return g_strdup_printf ("%08x-0000-4000-8000-%012x", i + 1, i + 1);
}

static char *
alert_id (guint i)
{
  return g_strdup_printf ("%08x-0000-4000-8000-a%011x", i + 1, i + 1);
}

static void
append_alert (GString    *body,
              guint       household,
              const char *level,
              const char *state,
              gint64      raised_at,
              guint       version,
              const char *claimed_by_name)
{
  g_autofree char *id = alert_id (household);
  g_autofree char *hh = household_id (household);
  g_autofree char *raised = anbu_timestamp_format (raised_at);
  g_autofree char *claim = NULL;

  if (claimed_by_name != NULL)
    claim = g_strdup_printf (", \"claimed_by\": \"0b1e5a1c-0000-4000-8000-000000000002\","
                             " \"claimed_by_name\": \"%s\", \"claimed_at\": \"%s\"", claimed_by_name, raised);
  g_string_append_printf (body,
    "%s{\"kind\": \"alert\", \"op\": \"upsert\", \"id\": \"%s\", \"record\": {\"id\": \"%s\","
    " \"household_id\": \"%s\", \"kind\": \"inactivity\", \"level\": \"%s\", \"raised_at\": \"%s\","
    " \"responder\": \"control\", \"state\": \"%s\"%s%s%s, \"version\": %u}}",
    body->str[body->len - 1] == '[' ? "" : ",", id, id, hh, level, raised, state,
    g_strcmp0 (state, "resolved") == 0 ? ", \"resolution\": \"safe\", \"closed_at\": \"" : "",
    g_strcmp0 (state, "resolved") == 0 ? raised : "",
    g_strcmp0 (state, "resolved") == 0 ? "\"" : "",
    version);
  if (claim != NULL)
    {
      /* Put the claim inside the record: before its closing braces. */
      g_string_truncate (body, body->len - 2);
      g_string_append_printf (body, "%s}}", claim);
    }
}

static void
apply_pull (AnbuReplica *replica,
            GString     *body)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_string_append (body, "], \"cursor\": \"c1\", \"has_more\": false}");
  bytes = g_bytes_new (body->str, body->len);
  anbu_replica_apply_pull_async (replica, bytes, NULL, anbu_bench_ready_cb, NULL);
  result = anbu_bench_await ();
  anbu_replica_apply_pull_finish (replica, result, NULL, NULL, &error);
  g_assert_no_error (error);
}

typedef struct
{
  gint64   layout_start;
  GArray  *frame_ms;
  GArray  *rebuild_ms;
  GArray  *reload_ms;
  gint64   pull_applied;
  gboolean in_rebuild;
  gint64   rebuild_start;
  GtkAdjustment *vadjustment;
  double   direction;
} Run;

static void
on_before_layout (GdkFrameClock *clock,
                  Run           *run)
{
  run->layout_start = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock,
                Run           *run)
{
  double ms;

  if (run->layout_start == 0)
    return;
  ms = (g_get_monotonic_time () - run->layout_start) / 1000.0;
  g_array_append_val (run->frame_ms, ms);
  run->layout_start = 0;
}

/* The casework's "changed" runs the board's rebuild among its handlers: the first and the
 * last handler bracket it. */
static void
on_changed_first (AnbuCasework *casework,
                  Run          *run)
{
  run->rebuild_start = g_get_monotonic_time ();
  if (run->pull_applied > 0)
    {
      double ms = (run->rebuild_start - run->pull_applied) / 1000.0;

      g_array_append_val (run->reload_ms, ms);
      run->pull_applied = 0;
    }
}

static void
on_changed_last (AnbuCasework *casework,
                 Run          *run)
{
  double ms = (g_get_monotonic_time () - run->rebuild_start) / 1000.0;

  g_array_append_val (run->rebuild_ms, ms);
}

/* Scrolls the list a little every frame, back and forth: frames keep coming. */
static gboolean
scroll_tick (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  Run *run = user_data;
  double value = gtk_adjustment_get_value (run->vadjustment);
  double upper = gtk_adjustment_get_upper (run->vadjustment) - gtk_adjustment_get_page_size (run->vadjustment);

  if (value + 6 * run->direction > upper || value + 6 * run->direction < 0)
    run->direction = -run->direction;
  gtk_adjustment_set_value (run->vadjustment, value + 6 * run->direction);
  return G_SOURCE_CONTINUE;
}

static GtkAdjustment *
find_vadjustment (GtkWidget *root)
{
  if (GTK_IS_SCROLLED_WINDOW (root))
    return gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (root));
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkAdjustment *adjustment = find_vadjustment (child);

      if (adjustment != NULL)
        return adjustment;
    }
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  guint n_households = argc > 1 ? (guint) atoi (argv[1]) : 50000;
  guint n_signals = argc > 2 ? (guint) atoi (argv[2]) : 500;
  guint stride = MAX (1, n_households / MAX (n_signals, 1));
  const char *surnames[] = { "김", "이", "박", "최", "정", "강", "조", "윤", "장", "임" };
  const char *given[] = { "영", "수", "민", "정", "숙", "자", "순", "희", "철", "호", "미", "경" };
  const char *levels[] = { "watch", "risk", "critical" };
  g_autofree char *dir = g_dir_make_tmp ("anbu-bench-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "replica.db", NULL);
  const char *meta[] = { "username", "bench", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(AnbuReplica) replica = NULL;
  g_autoptr(AnbuCaseStore) store = NULL;
  g_autoptr(AnbuCasework) casework = NULL;
  g_autoptr(AnbuContext) context = NULL;
  GString *body = g_string_new ("{\"changes\": [");
  GRand *rand = g_rand_new_with_seed (17);
  gint64 now;
  GtkWidget *window, *board;
  GdkFrameClock *frame_clock;
  Run run = { 0 };
  gint64 t0;
  guint next_new;

  if (g_getenv ("GSK_RENDERER") == NULL)
    g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_setenv ("GTK_A11Y", "none", FALSE);
  gtk_init ();
  adw_init ();
  setvbuf (stdout, NULL, _IOLBF, 0);
  now = anbu_clock_now_usec ();

  anbu_replica_create_async (path, "bench password", 1, 8192, meta, NULL, anbu_bench_ready_cb, NULL);
  result = anbu_bench_await ();
  replica = anbu_replica_open_finish (result, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  /* 50,000 households over 25 구 and 400 동; one in every `stride` has an open signal. */
  for (guint i = 0; i < n_households; i++)
    {
      g_autofree char *id = household_id (i);
      guint district = i % G_N_ELEMENTS (districts);
      guint dong = (i / G_N_ELEMENTS (districts)) % 16;

      g_string_append_printf (body,
        "%s{\"kind\": \"household\", \"op\": \"upsert\", \"id\": \"%s\", \"record\": {\"id\": \"%s\","
        " \"dong_code\": \"11%03u%03u00\", \"dong_name\": \"%s제%u동\", \"name\": \"%s%s%s\","
        " \"phone\": \"010-%04u-%04u\", \"address\": \"서울특별시 %s 세종대로 %u\", \"night_consent\": true,"
        " \"threshold_hours\": 24, \"version\": 1}}",
        i == 0 ? "" : ",", id, id, 110 + district * 30, 500 + dong * 10,
        districts[district], dong + 1,
        surnames[g_rand_int_range (rand, 0, G_N_ELEMENTS (surnames))],
        given[g_rand_int_range (rand, 0, G_N_ELEMENTS (given))],
        given[g_rand_int_range (rand, 0, G_N_ELEMENTS (given))],
        g_rand_int_range (rand, 2000, 9999), g_rand_int_range (rand, 0, 9999),
        districts[district], i % 400 + 1);
      if (i % stride == 0 && i / stride < n_signals)
        append_alert (body, i, levels[(i / stride) % 3], (i / stride) % 4 == 0 ? "acknowledged" : "open",
                      now - g_rand_int_range (rand, 60, 30 * 3600) * (gint64) G_USEC_PER_SEC, 1,
                      (i / stride) % 8 == 0 ? "박상황 주무관" : NULL);
    }
  t0 = g_get_monotonic_time ();
  apply_pull (replica, body);
  g_string_free (body, TRUE);
  printf ("# Wall board: %u households in scope, %u open signals, %dx%d, renderer %s\n",
          n_households, n_signals, WIDTH, HEIGHT, g_getenv ("GSK_RENDERER"));
  printf ("replica: first pull applied in %.0f ms\n", (g_get_monotonic_time () - t0) / 1000.0);

  store = anbu_case_store_new (replica, "0b1e5a1c-0000-4000-8000-000000000001");
  anbu_case_store_set_role (store, "control");
  t0 = g_get_monotonic_time ();
  casework = anbu_casework_new (store);
  while (!anbu_casework_get_loaded (casework) || anbu_casework_is_loading (casework))
    g_main_context_iteration (NULL, TRUE);
  printf ("casework: first load %.0f ms\n", (g_get_monotonic_time () - t0) / 1000.0);

  run.frame_ms = g_array_new (FALSE, FALSE, sizeof (double));
  run.rebuild_ms = g_array_new (FALSE, FALSE, sizeof (double));
  run.reload_ms = g_array_new (FALSE, FALSE, sizeof (double));
  run.direction = 1;
  g_signal_connect (casework, "changed", G_CALLBACK (on_changed_first), &run);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  board = anbu_wall_board_new ();
  gtk_window_set_child (GTK_WINDOW (window), board);
  context = anbu_context_new (NULL);
  t0 = g_get_monotonic_time ();
  anbu_wall_board_set_context (ANBU_WALL_BOARD (board), context);
  anbu_context_set_casework (context, casework);
  printf ("board: first model and counts %.1f ms (%u rows in the model)\n",
          (g_get_monotonic_time () - t0) / 1000.0,
          g_list_model_get_n_items (anbu_wall_board_get_model (ANBU_WALL_BOARD (board))));
  g_signal_connect_after (casework, "changed", G_CALLBACK (on_changed_last), &run);
  anbu_wall_board_set_wall_mode (ANBU_WALL_BOARD (board), TRUE);
  gtk_window_present (GTK_WINDOW (window));
  t0 = g_get_monotonic_time ();
  while (g_get_monotonic_time () - t0 < G_USEC_PER_SEC)
    g_main_context_iteration (NULL, FALSE);

  frame_clock = gtk_widget_get_frame_clock (window);
  g_signal_connect (frame_clock, "before-paint", G_CALLBACK (on_before_layout), &run);
  g_signal_connect_after (frame_clock, "after-paint", G_CALLBACK (on_after_paint), &run);
  run.vadjustment = find_vadjustment (board);
  g_assert_nonnull (run.vadjustment);
  gtk_widget_add_tick_callback (board, scroll_tick, &run, NULL);

  /* First scrolling alone, for comparison: what the frames cost without syncs. */
  t0 = g_get_monotonic_time ();
  while (g_get_monotonic_time () - t0 < 5 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, FALSE);
  printf ("scrolling alone, 5 s: %u frames, frame time median %.2f ms, p95 %.2f ms, max %.2f ms\n",
          run.frame_ms->len, quantile (run.frame_ms, 0.5), quantile (run.frame_ms, 0.95),
          quantile (run.frame_ms, 1.0));
  g_array_set_size (run.frame_ms, 0);

  /* Once a second, a sync changes a few signals: the counts change each time. */
  next_new = 0;
  for (guint second = 0; second < RUN_SECONDS; second++)
    {
      gint64 tick_start = g_get_monotonic_time ();
      GString *change = g_string_new ("{\"changes\": [");

      for (guint k = 0; k < 5; k++)
        {
          guint signal = g_rand_int_range (rand, 0, n_signals);

          append_alert (change, signal * stride, levels[(signal + second + 1) % 3],
                        k == 0 ? "acknowledged" : "open",
                        now - (gint64) (signal + 1) * 60 * G_USEC_PER_SEC, second + 2,
                        k == 1 ? "이관제 주무관" : NULL);
        }
      /* One ends, one begins: the model loses and gains a row. */
      append_alert (change, (next_new % n_signals) * stride, "risk", "resolved",
                    now - (gint64) 3600 * G_USEC_PER_SEC, 100 + second, NULL);
      append_alert (change, (next_new % n_signals) * stride + 1, "critical", "open", now, 1, NULL);
      next_new++;
      apply_pull (replica, change);
      g_string_free (change, TRUE);
      run.pull_applied = g_get_monotonic_time ();
      while (g_get_monotonic_time () - tick_start < G_USEC_PER_SEC)
        g_main_context_iteration (NULL, FALSE);
    }

  printf ("frames drawn in %d s while scrolling: %u (%.1f per second)\n", RUN_SECONDS, run.frame_ms->len,
          run.frame_ms->len / (double) RUN_SECONDS);
  printf ("frame time (before-paint to after-paint): median %.2f ms, p95 %.2f ms, max %.2f ms\n",
          quantile (run.frame_ms, 0.5), quantile (run.frame_ms, 0.95), quantile (run.frame_ms, 1.0));
  printf ("board rebuild per sync (model splice and counts, main thread): median %.2f ms, max %.2f ms (%u syncs)\n",
          quantile (run.rebuild_ms, 0.5), quantile (run.rebuild_ms, 1.0), run.rebuild_ms->len);
  printf ("casework reload per sync (worker thread, pull applied to changed): median %.0f ms, max %.0f ms\n",
          quantile (run.reload_ms, 0.5), quantile (run.reload_ms, 1.0));

  gtk_window_destroy (GTK_WINDOW (window));
  g_rand_free (rand);
  anbu_replica_delete_files (path, NULL);
  g_rmdir (dir);
  return 0;
}
