/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The request path of the map tile route, GET /tiles/{z}/{x}/{y}.png
 * (anbu_tile_store_parse_path()). A tile it accepts is in range for its
 * zoom level and prints back to the same path. */
#include "config.h"

#include "anbu-tile-store.h"

#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *path = NULL;
  guint z = 0, x = 0, y = 0;

  anbu_fuzz_init ();
  path = anbu_fuzz_strndup (data, size);
  if (anbu_tile_store_parse_path (path, &z, &x, &y) == ANBU_TILE_PATH_OK)
    {
      g_autofree char *canonical = g_strdup_printf ("/tiles/%u/%u/%u.png", z, x, y);
      guint z2 = 0, x2 = 0, y2 = 0;

      ANBU_FUZZ_ASSERT (z <= ANBU_TILE_STORE_MAX_ZOOM);
      ANBU_FUZZ_ASSERT ((guint64) x < (G_GUINT64_CONSTANT (1) << z));
      ANBU_FUZZ_ASSERT ((guint64) y < (G_GUINT64_CONSTANT (1) << z));
      ANBU_FUZZ_ASSERT (anbu_tile_store_parse_path (canonical, &z2, &x2, &y2) == ANBU_TILE_PATH_OK);
      ANBU_FUZZ_ASSERT (z2 == z && x2 == x && y2 == y);
    }
  return 0;
}
