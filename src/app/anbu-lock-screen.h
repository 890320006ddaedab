/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ANBU_TYPE_LOCK_SCREEN (anbu_lock_screen_get_type ())

G_DECLARE_FINAL_TYPE (AnbuLockScreen, anbu_lock_screen, ANBU, LOCK_SCREEN, AdwBin)

/* Why the caseload is hidden: the screen says it in those words. */
typedef enum
{
  ANBU_LOCK_REASON_IDLE,     /* the app was not used for the lock time */
  ANBU_LOCK_REASON_PLANNER,  /* the planner locked it (Ctrl+L, the menu) */
} AnbuLockReason;

GtkWidget *anbu_lock_screen_new          (void);
void       anbu_lock_screen_set_username (AnbuLockScreen *self,
                                          const char     *display_name);
void       anbu_lock_screen_set_reason   (AnbuLockScreen *self,
                                          AnbuLockReason  reason);
AnbuLockReason anbu_lock_screen_get_reason (AnbuLockScreen *self);
/* Puts the keyboard in the password field. */
void       anbu_lock_screen_focus        (AnbuLockScreen *self);
gboolean   anbu_lock_screen_get_busy     (AnbuLockScreen *self);
void       anbu_lock_screen_reject       (AnbuLockScreen *self);
void       anbu_lock_screen_reset        (AnbuLockScreen *self);

G_END_DECLS
