/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-application.h"
#include "anbu-client-account.h"
#include "anbu-frame-memory.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (AnbuApplication) app = NULL;
  g_autoptr (AnbuClientAccount) account = NULL;
  g_autofree char *data_dir = NULL;

  /* Before any window: frames that repaint the whole window (the map while
   * it pans) reuse their buffers' memory instead of faulting it in anew. */
  anbu_frame_memory_keep_frame_buffers ();
  anbu_application_init_i18n ();
  g_set_application_name (_("Anbu"));

  /* The planner's encrypted replica lives in ~/.local/share/anbu. */
  data_dir = g_build_filename (g_get_user_data_dir (), "anbu", NULL);
  account = anbu_client_account_new (data_dir);
  app = anbu_application_new (G_APPLICATION_DEFAULT_FLAGS, ANBU_ACCOUNT (account));
  return g_application_run (G_APPLICATION (app), argc, argv);
}
