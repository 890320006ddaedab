/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-plugsim"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <stdio.h>

#include "anbu-plugsim-commands.h"
#include "anbu-sim-eval.h"

static int
run_eval (int    argc,
          char **argv)
{
  AnbuSimEvalConfig config;
  gint households, days, threads, rank, window;
  double slack, min_quiet, spread_z;
  gboolean old_population = FALSE, days_off = FALSE;
  gint64 seed;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuSimEvalResult) result = NULL;
  g_autofree char *table = NULL;
  gint64 started;

  anbu_sim_eval_config_init_default (&config);
  households = (gint) config.households;
  days = (gint) config.sim.days;
  threads = (gint) config.threads;
  seed = (gint64) config.sim.seed;
  rank = (gint) config.routine.quiet_rank;
  slack = config.routine.slack_hours;
  window = (gint) config.routine.window_days;
  min_quiet = config.routine.min_quiet_hours;
  spread_z = config.routine.spread_z;

  {
    GOptionEntry entries[] = {
      { "households", 'n', 0, G_OPTION_ARG_INT, &households,
        N_("Number of households (default 1000)"), "N" },
      { "days", 'd', 0, G_OPTION_ARG_INT, &days, N_("Simulated days (default 90)"), "DAYS" },
      { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, N_("Random seed"), "SEED" },
      { "threads", 'j', 0, G_OPTION_ARG_INT, &threads,
        N_("Worker threads (default: number of processors)"), "N" },
      { "quiet-rank", 0, 0, G_OPTION_ARG_INT, &rank,
        N_("Routine detector: which longest silence of the window is usual (default 1)"), "N" },
      { "slack-hours", 0, 0, G_OPTION_ARG_DOUBLE, &slack,
        N_("Routine detector: hours added to the usual silence (default 2)"), "HOURS" },
      { "window-days", 0, 0, G_OPTION_ARG_INT, &window,
        N_("Routine detector: days of history learned from (default 56)"), "DAYS" },
      { "min-quiet-hours", 0, 0, G_OPTION_ARG_DOUBLE, &min_quiet,
        N_("Routine detector: never watch a shorter silence (default 3)"), "HOURS" },
      { "old-population", 0, 0, G_OPTION_ARG_NONE, &old_population,
        N_("The population before issue 13: no timers, cycling, modulation or sunlit sensors"),
        NULL },
      { "days-off", 0, 0, G_OPTION_ARG_NONE, &days_off,
        N_("Routine detector: profiles of days off learned apart (anbu-server --routine-days-off on)"),
        NULL },
      { "spread-z", 0, 0, G_OPTION_ARG_DOUBLE, &spread_z,
        N_("Routine detector: deviations of the daily silences added to their mean (default 1.5)"),
        "Z" },
      { NULL }
    };

    context = g_option_context_new (_("— evaluate the detectors on simulated households"));
    g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
    if (!g_option_context_parse (context, &argc, &argv, &error))
      {
        g_printerr ("%s\n", error->message);
        return 2;
      }
  }
  if (argc > 1)
    {
      g_printerr (_("Unexpected argument: %s\n"), argv[1]);
      return 2;
    }
  if (households < 1 || days < 1 || threads < 1 || seed < 0)
    {
      g_printerr (_("Households, days and threads must be positive and the seed not negative\n"));
      return 2;
    }

  config.households = (guint) households;
  config.sim.days = (guint) days;
  config.sim.seed = (guint64) seed;
  config.threads = (guint) threads;
  config.routine.quiet_rank = (guint) MAX (rank, 0);
  config.routine.slack_hours = slack;
  config.routine.window_days = (guint) MAX (window, 0);
  config.routine.min_quiet_hours = min_quiet;
  config.routine.spread_z = spread_z;
  config.routine.days_off = days_off;
  config.sim.machines = !old_population;

  started = g_get_monotonic_time ();
  result = anbu_sim_eval_run (&config, &error);
  if (result == NULL)
    {
      g_printerr (_("Cannot evaluate: %s\n"), error->message);
      return 1;
    }
  table = anbu_sim_eval_result_format (result);
  fputs (table, stdout);
  /* The table first, also where both streams go to one pipe. */
  fflush (stdout);
  g_printerr (_("evaluated in %.1f s on %u threads\n"),
              (g_get_monotonic_time () - started) / 1e6, config.threads);
  return 0;
}

static void
print_usage (void)
{
  g_printerr ("%s\n  anbu-plugsim eval [--households N] [--days DAYS] [--seed SEED] [--threads N]\n"
              "  anbu-plugsim seed --server URL --admin-password-file FILE [--households N] [--dongs N]\n"
              "  anbu-plugsim run [--state FILE] [--backfill HOURS] [--speed FACTOR] [--duration SECONDS]\n",
              _("Usage:"));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      print_usage ();
      return 2;
    }
  if (g_str_equal (argv[1], "eval"))
    return run_eval (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "seed"))
    return anbu_plugsim_seed_main (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "run"))
    return anbu_plugsim_run_main (argc - 1, argv + 1);

  g_printerr (_("Unknown command: %s\n"), argv[1]);
  print_usage ();
  return 2;
}
