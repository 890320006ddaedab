/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-alert-sound.h"

G_BEGIN_DECLS

/* The app's signal sound: a short chime from the resources through
 * GtkMediaFile (GStreamer, when libgtk-4-media-gstreamer is installed), or
 * the display's bell when GTK has no media backend. */
#define ANBU_TYPE_MEDIA_ALERT_SOUND (anbu_media_alert_sound_get_type ())
G_DECLARE_FINAL_TYPE (AnbuMediaAlertSound, anbu_media_alert_sound, ANBU, MEDIA_ALERT_SOUND, GObject)

AnbuAlertSound *anbu_media_alert_sound_new (void);

G_END_DECLS
