/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What one live frame from the server says (docs/api.md "Live"). Split out of
 * the channel so the decoder can be fuzzed without a connection. */
typedef enum
{
  ANBU_LIVE_FRAME_IGNORED,   /* not a JSON object, or of no known type */
  ANBU_LIVE_FRAME_PLUG,      /* {"type": "plug", "record": {…}} */
  ANBU_LIVE_FRAME_ALERT,     /* {"type": "alert", "record": {…}} */
  ANBU_LIVE_FRAME_CHANGE,    /* {"type": "change", "cursor": "…"} */
} AnbuLiveFrameKind;

/* Decodes a text frame. `root` gets the parsed frame (free it with
 * json_node_unref) when the frame is not ignored; `record` and `cursor`
 * point into it (the cursor may be NULL). */
AnbuLiveFrameKind anbu_live_channel_parse_frame (const char   *data,
                                                 gsize         length,
                                                 JsonNode    **root,
                                                 JsonObject  **record,
                                                 const char  **cursor);

G_END_DECLS
