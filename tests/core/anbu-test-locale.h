/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <locale.h>

#include <glib.h>
#include <glib/gi18n-lib.h>

/* What the core tests that check translated text share: English in the
 * test process, Korean in a child that runs the same test again. */

/* Call after g_test_init(): the strings of the build tree's catalogue, in
 * the source language unless this is a child started for another language. */
static inline void
anbu_test_init_locale (void)
{
  if (!g_test_subprocess ())
    g_unsetenv ("LANGUAGE");
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
}

/* Runs the current test again in a child whose environment has @name=@value,
 * so that process-wide state (the gettext language, the zone cache) starts
 * fresh there, and fails unless the child passed. */
static inline void
anbu_test_run_in_child_with (const char *name,
                             const char *value)
{
  g_autofree char *previous = g_strdup (g_getenv (name));

  g_setenv (name, value, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  if (previous != NULL)
    g_setenv (name, previous, TRUE);
  else
    g_unsetenv (name);
  g_test_trap_assert_passed ();
}
