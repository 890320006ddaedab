/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (AnbuApplication) app = NULL;

  anbu_application_init_i18n ();
  g_set_application_name (_("Anbu"));

  app = anbu_application_new (G_APPLICATION_DEFAULT_FLAGS, NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
