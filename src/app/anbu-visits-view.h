/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ANBU_TYPE_VISITS_VIEW (anbu_visits_view_get_type ())

G_DECLARE_FINAL_TYPE (AnbuVisitsView, anbu_visits_view, ANBU, VISITS_VIEW, AdwBin)

GtkWidget *anbu_visits_view_new (void);

G_END_DECLS
