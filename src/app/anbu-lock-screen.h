/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ANBU_TYPE_LOCK_SCREEN (anbu_lock_screen_get_type ())

G_DECLARE_FINAL_TYPE (AnbuLockScreen, anbu_lock_screen, ANBU, LOCK_SCREEN, AdwBin)

GtkWidget *anbu_lock_screen_new          (void);
void       anbu_lock_screen_set_username (AnbuLockScreen *self,
                                          const char     *display_name);
gboolean   anbu_lock_screen_get_busy     (AnbuLockScreen *self);
void       anbu_lock_screen_reject       (AnbuLockScreen *self);
void       anbu_lock_screen_reset        (AnbuLockScreen *self);

G_END_DECLS
