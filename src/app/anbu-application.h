/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "anbu-account.h"
#include "anbu-alert-sound.h"
#include "anbu-context.h"

G_BEGIN_DECLS

#define ANBU_TYPE_APPLICATION (anbu_application_get_type ())

G_DECLARE_FINAL_TYPE (AnbuApplication, anbu_application, ANBU, APPLICATION, AdwApplication)

void             anbu_application_init_i18n  (void);
AnbuApplication *anbu_application_new        (GApplicationFlags flags,
                                              AnbuAccount      *account);
AnbuAccount     *anbu_application_get_account (AnbuApplication *self);
AnbuContext     *anbu_application_get_context (AnbuApplication *self);
void             anbu_application_send_signal_notification (AnbuApplication *self,
                                                            const char      *notification_id,
                                                            GNotification   *notification);

AnbuAlertSound  *anbu_application_get_alert_sound (AnbuApplication *self);
void             anbu_application_set_alert_sound (AnbuApplication *self,
                                                   AnbuAlertSound  *sound);

G_END_DECLS
