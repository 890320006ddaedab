/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A text frame from the server's live channel as the app decodes it
 * (anbu_live_channel_parse_frame()), and the plug or alert record it
 * carries as the app reads it. */
#include "config.h"

#include "anbu-alert.h"
#include "anbu-live-channel-private.h"
#include "anbu-plug.h"

#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *record = NULL;
  const char *cursor = NULL;

  anbu_fuzz_init ();
  switch (anbu_live_channel_parse_frame ((const char *) data, size, &root, &record, &cursor))
    {
    case ANBU_LIVE_FRAME_PLUG:
      {
        g_autoptr(AnbuPlug) plug = NULL;

        ANBU_FUZZ_ASSERT (root != NULL && record != NULL);
        plug = anbu_plug_from_json (record, NULL);
        break;
      }
    case ANBU_LIVE_FRAME_ALERT:
      {
        g_autoptr(AnbuAlert) alert = NULL;

        ANBU_FUZZ_ASSERT (root != NULL && record != NULL);
        alert = anbu_alert_from_json (record, NULL);
        break;
      }
    case ANBU_LIVE_FRAME_CHANGE:
      ANBU_FUZZ_ASSERT (root != NULL && record == NULL);
      break;
    case ANBU_LIVE_FRAME_IGNORED:
    default:
      ANBU_FUZZ_ASSERT (root == NULL && record == NULL && cursor == NULL);
      break;
    }
  return 0;
}
