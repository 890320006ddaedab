/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "anbu-api-client.h"

G_BEGIN_DECLS

#define ANBU_TYPE_LIVE_CHANNEL (anbu_live_channel_get_type ())
G_DECLARE_FINAL_TYPE (AnbuLiveChannel, anbu_live_channel, ANBU, LIVE_CHANNEL, GObject)

AnbuLiveChannel *anbu_live_channel_new              (AnbuApiClient   *api);

void             anbu_live_channel_start            (AnbuLiveChannel *self);
void             anbu_live_channel_stop             (AnbuLiveChannel *self);
gboolean         anbu_live_channel_get_connected    (AnbuLiveChannel *self);
void             anbu_live_channel_set_retry_limits (AnbuLiveChannel *self,
                                                     guint            initial_ms,
                                                     guint            max_ms);

G_END_DECLS
