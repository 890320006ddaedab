/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "anbu-enums.h"

G_BEGIN_DECLS

/* Where the sound of a new 위험/심각 signal goes: the app plays it through
 * AnbuMediaAlertSound; tests put their own sink here to hear it. */
#define ANBU_TYPE_ALERT_SOUND (anbu_alert_sound_get_type ())
G_DECLARE_INTERFACE (AnbuAlertSound, anbu_alert_sound, ANBU, ALERT_SOUND, GObject)

struct _AnbuAlertSoundInterface
{
  GTypeInterface parent_iface;

  void (*play) (AnbuAlertSound *self,
                AnbuAlertLevel  level);
};

void anbu_alert_sound_play (AnbuAlertSound *self,
                            AnbuAlertLevel  level);

G_END_DECLS
