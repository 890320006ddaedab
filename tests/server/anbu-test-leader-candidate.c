/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A timer-pass leader candidate in a process of its own, for the test of a
 * leader killed with SIGKILL (test-cluster.c):
 *
 *   anbu-test-leader-candidate URI
 *
 * Asks for the lead until it has it (at most two minutes), prints
 * "leading", then holds it until its standard input closes or it is killed. */

#include "config.h"

#include <stdio.h>

#include <glib.h>

#include "anbu-pg-advisory-leader.h"

#define ASK_INTERVAL_USEC (50 * 1000)
#define GIVE_UP_USEC (120 * G_USEC_PER_SEC)

int
main (int    argc,
      char **argv)
{
  g_autoptr(AnbuTimerPassLeader) leader = NULL;
  g_autoptr(GError) error = NULL;
  gint64 give_up = g_get_monotonic_time () + GIVE_UP_USEC;
  char buffer[64];

  if (argc != 2)
    {
      g_printerr ("usage: anbu-test-leader-candidate URI\n");
      return 2;
    }
  leader = anbu_pg_advisory_leader_new (argv[1], &error);
  if (leader == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  while (!anbu_timer_pass_leader_try_lead (leader, &error))
    {
      if (error != NULL || g_get_monotonic_time () > give_up)
        {
          g_printerr ("never led: %s\n", error != NULL ? error->message : "timed out");
          return 1;
        }
      g_usleep (ASK_INTERVAL_USEC);
    }
  printf ("leading\n");
  fflush (stdout);
  while (fgets (buffer, sizeof buffer, stdin) != NULL)
    ;
  return 0;
}
