/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void anbu_accessibility_name_icon_buttons (GtkWidget  *root,
                                           const char *fallback);

G_END_DECLS
