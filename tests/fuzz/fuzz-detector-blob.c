/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A plug's learned detector as the server stores it (packed, or the whole
 * bytes of this and earlier layouts; src/core/anbu-activity-detector.c): a
 * row the database corrupted is refused or read, never read past. What is
 * read packs and reads back to the same detector. (Its state is trusted
 * once read: the step classes' bins index their arrays.) */
#include "config.h"

#include <string.h>

#include "anbu-activity-detector.h"

#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  AnbuActivityDetector detector, again;
  g_autoptr(GBytes) packed = NULL;
  gsize packed_size;
  gconstpointer packed_data;

  anbu_fuzz_init ();
  if (!anbu_activity_detector_from_blob (&detector, data, size))
    return 0;
  packed = anbu_activity_detector_to_blob (&detector);
  packed_data = g_bytes_get_data (packed, &packed_size);
  ANBU_FUZZ_ASSERT (anbu_activity_detector_from_blob (&again, packed_data, packed_size));
  ANBU_FUZZ_ASSERT (memcmp (&again, &detector, sizeof detector) == 0);
  return 0;
}
