/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "anbu-account.h"
#include "anbu-idle-monitor.h"

G_BEGIN_DECLS

#define ANBU_TYPE_WINDOW (anbu_window_get_type ())

G_DECLARE_FINAL_TYPE (AnbuWindow, anbu_window, ANBU, WINDOW, AdwApplicationWindow)

AnbuWindow      *anbu_window_new              (GtkApplication *application,
                                               AnbuAccount    *account);
AnbuAccount     *anbu_window_get_account      (AnbuWindow     *self);
gboolean         anbu_window_get_signed_in    (AnbuWindow     *self);
gboolean         anbu_window_get_locked       (AnbuWindow     *self);
void             anbu_window_lock             (AnbuWindow     *self);
const char      *anbu_window_get_search_text  (AnbuWindow     *self);
AnbuIdleMonitor *anbu_window_get_idle_monitor (AnbuWindow     *self);
void             anbu_window_fill_sign_in     (AnbuWindow     *self,
                                               const char     *server_address,
                                               const char     *username,
                                               const char     *password);
void             anbu_window_add_toast        (AnbuWindow     *self,
                                               const char     *message);
void             anbu_window_open_household   (AnbuWindow     *self,
                                               const char     *household_id);

G_END_DECLS
