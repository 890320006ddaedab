/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <locale.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

/* What every fuzz target shares. A GLib critical or warning from our code is a
 * bug the fuzzer found (a decoder asked json-glib for the wrong type, say), so
 * they abort like a crash does. */

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static inline void
anbu_fuzz_init (void)
{
  static gboolean done;

  if (done)
    return;
  done = TRUE;
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "", TRUE);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_log_set_fatal_mask (NULL, G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
}

/* The input as a NUL-terminated string (decoders that take C strings stop at
 * the first NUL, as they would on the wire). */
static inline char *
anbu_fuzz_strndup (const uint8_t *data,
                   size_t         size)
{
  return g_strndup ((const char *) data, size);
}

/* A failed invariant is a crash the fuzzer keeps. */
#define ANBU_FUZZ_ASSERT(expr)                                                 \
  G_STMT_START {                                                               \
    if (!(expr))                                                               \
      {                                                                        \
        g_printerr ("%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #expr); \
        abort ();                                                              \
      }                                                                        \
  } G_STMT_END
