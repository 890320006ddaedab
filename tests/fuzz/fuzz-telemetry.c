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
  g_autoptr(AnbuTelemetryBatch) entries = NULL;
  g_autoptr(AnbuTelemetryBatch) simple = NULL;

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
      ANBU_FUZZ_ASSERT (simple->entries->len == entries->entries->len);
      ANBU_FUZZ_ASSERT (simple->serials->len == entries->serials->len);
      for (guint i = 0; i < entries->entries->len; i++)
        {
          AnbuTelemetryEntry *a = anbu_telemetry_batch_entry (entries, i);
          AnbuTelemetryEntry *b = anbu_telemetry_batch_entry (simple, i);

          ANBU_FUZZ_ASSERT (g_strcmp0 (a->serial, b->serial) == 0);
          ANBU_FUZZ_ASSERT (a->serial == NULL || a->plug == b->plug);
          ANBU_FUZZ_ASSERT (g_strcmp0 (a->reject_code, b->reject_code) == 0);
          ANBU_FUZZ_ASSERT (g_strcmp0 (a->reject_field, b->reject_field) == 0);
          ANBU_FUZZ_ASSERT (g_strcmp0 (a->reject_message, b->reject_message) == 0);
          ANBU_FUZZ_ASSERT (a->reject_code != NULL
                            || (a->ts == b->ts && memcmp (&a->watts, &b->watts, sizeof a->watts) == 0
                                && memcmp (&a->lux, &b->lux, sizeof a->lux) == 0));
        }
    }
  ANBU_FUZZ_ASSERT (entries->entries->len <= ANBU_TELEMETRY_MAX_BATCH);
  for (guint i = 0; i < entries->entries->len; i++)
    {
      AnbuTelemetryEntry *entry = anbu_telemetry_batch_entry (entries, i);

      if (entry->reject_code != NULL)
        ANBU_FUZZ_ASSERT (entry->reject_field != NULL && entry->reject_message != NULL);
      else
        ANBU_FUZZ_ASSERT (entry->serial != NULL && g_utf8_validate (entry->serial, -1, NULL));
      /* One copy per distinct serial, and the entry points at it. */
      if (entry->serial != NULL)
        ANBU_FUZZ_ASSERT (entry->plug < entries->serials->len
                          && entry->serial == g_ptr_array_index (entries->serials, entry->plug));
    }
  return 0;
}
