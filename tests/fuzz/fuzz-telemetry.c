/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A gateway's telemetry batch as POST /api/v1/telemetry reads it: the
 * server's request-body decoder (anbu_json_parse_text(), depth and string
 * limits) and the batch parser (anbu_telemetry_parse_batch()). Every entry
 * either is complete or says why it is refused. The fast reader of the
 * usual body (anbu_telemetry_parse_simple_body()) takes only what the full
 * parser takes, and makes the same entries from it. */
#include "config.h"

#include <string.h>

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
  g_autoptr(GPtrArray) simple = NULL;

  anbu_fuzz_init ();
  simple = anbu_telemetry_parse_simple_body ((const char *) data, size);
  root = anbu_json_parse_text ((const char *) data, size, &error);
  ANBU_FUZZ_ASSERT ((root == NULL) == (error != NULL));
  ANBU_FUZZ_ASSERT (root != NULL || simple == NULL);
  if (root == NULL)
    return 0;
  entries = anbu_telemetry_parse_batch (root, &error);
  ANBU_FUZZ_ASSERT ((entries == NULL) == (error != NULL));
  ANBU_FUZZ_ASSERT (entries != NULL || simple == NULL);
  if (entries == NULL)
    return 0;
  if (simple != NULL)
    {
      ANBU_FUZZ_ASSERT (simple->len == entries->len);
      for (guint i = 0; i < entries->len; i++)
        {
          AnbuTelemetryEntry *a = g_ptr_array_index (entries, i);
          AnbuTelemetryEntry *b = g_ptr_array_index (simple, i);

          ANBU_FUZZ_ASSERT (g_strcmp0 (a->serial, b->serial) == 0);
          ANBU_FUZZ_ASSERT (g_strcmp0 (a->reject_code, b->reject_code) == 0);
          ANBU_FUZZ_ASSERT (g_strcmp0 (a->reject_field, b->reject_field) == 0);
          ANBU_FUZZ_ASSERT (g_strcmp0 (a->reject_message, b->reject_message) == 0);
          ANBU_FUZZ_ASSERT (a->reject_code != NULL
                            || (a->ts == b->ts && memcmp (&a->watts, &b->watts, sizeof a->watts) == 0
                                && memcmp (&a->lux, &b->lux, sizeof a->lux) == 0));
        }
    }
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
