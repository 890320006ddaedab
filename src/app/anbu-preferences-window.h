/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ANBU_TYPE_PREFERENCES_WINDOW (anbu_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (AnbuPreferencesWindow, anbu_preferences_window, ANBU, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

GtkWidget *anbu_preferences_window_new (GtkWindow *parent);

G_END_DECLS
