/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ANBU_TYPE_HOUSEHOLDS_VIEW (anbu_households_view_get_type ())

G_DECLARE_FINAL_TYPE (AnbuHouseholdsView, anbu_households_view, ANBU, HOUSEHOLDS_VIEW, AdwBin)

GtkWidget *anbu_households_view_new (void);

G_END_DECLS
