/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-alert-sound"

#include "config.h"

#include "anbu-alert-sound.h"

G_DEFINE_INTERFACE (AnbuAlertSound, anbu_alert_sound, G_TYPE_OBJECT)

static void
anbu_alert_sound_default_init (AnbuAlertSoundInterface *iface)
{
}

/**
 * anbu_alert_sound_play:
 * @level: the signal's level (심각 may sound more urgent)
 *
 * Sounds the arrival of a signal once.
 */
void
anbu_alert_sound_play (AnbuAlertSound *self,
                       AnbuAlertLevel  level)
{
  AnbuAlertSoundInterface *iface;

  g_return_if_fail (ANBU_IS_ALERT_SOUND (self));

  iface = ANBU_ALERT_SOUND_GET_IFACE (self);
  g_return_if_fail (iface->play != NULL);
  iface->play (self, level);
}
