/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs a fuzz target's input function over every file of its corpus, without
 * libFuzzer: built with the ordinary compiler in every build, so the seeds and
 * every input that once crashed are checked by the normal suites (and under
 * AddressSanitizer by run-tests --sanitize). */
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "fuzz-common.h"

static gint
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

int
main (int    argc,
      char **argv)
{
  guint n_files = 0;

  anbu_fuzz_init ();
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, &error);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      if (dir == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_build_filename (argv[i], name, NULL));
      g_ptr_array_sort (names, compare_paths);
      for (guint j = 0; j < names->len; j++)
        {
          const char *path = g_ptr_array_index (names, j);
          g_autofree char *contents = NULL;
          gsize length;

          if (!g_file_get_contents (path, &contents, &length, &error))
            {
              g_printerr ("%s\n", error->message);
              return 1;
            }
          printf ("# %s\n", path);
          fflush (stdout);
          LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
          n_files++;
        }
    }
  if (n_files == 0)
    {
      g_printerr ("No corpus files\n");
      return 1;
    }
  printf ("%u inputs ran\n", n_files);
  return 0;
}
