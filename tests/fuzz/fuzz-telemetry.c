/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A gateway's telemetry batch as POST /api/v1/telemetry reads it: the
 * server's request-body decoder (anbu_json_parse_text(), depth and string
 * limits) and the batch parser (anbu_telemetry_parse_batch()). Every entry
 * either is complete or says why it is refused. */
#include "config.h"

#include "anbu-json-body.h"
#include "anbu-telemetry.h"

#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  anbu_fuzz_init ();
  root = anbu_json_parse_text ((const char *) data, size, &error);
  ANBU_FUZZ_ASSERT ((root == NULL) == (error != NULL));
  if (root == NULL)
    return 0;
  entries = anbu_telemetry_parse_batch (root, &error);
  ANBU_FUZZ_ASSERT ((entries == NULL) == (error != NULL));
  if (entries == NULL)
    return 0;
  ANBU_FUZZ_ASSERT (entries->len <= ANBU_TELEMETRY_MAX_BATCH);
  for (guint i = 0; i < entries->len; i++)
    {
      AnbuTelemetryEntry *entry = g_ptr_array_index (entries, i);

      if (entry->reject_code != NULL)
        ANBU_FUZZ_ASSERT (entry->reject_field != NULL && entry->reject_message != NULL);
      else
        ANBU_FUZZ_ASSERT (entry->serial != NULL && g_utf8_validate (entry->serial, -1, NULL));
    }
  return 0;
}
