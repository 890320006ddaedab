/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "anbu-context.h"

G_BEGIN_DECLS

#define ANBU_TYPE_ALERTS_VIEW (anbu_alerts_view_get_type ())

G_DECLARE_FINAL_TYPE (AnbuAlertsView, anbu_alerts_view, ANBU, ALERTS_VIEW, AdwBin)

GtkWidget *anbu_alerts_view_new          (void);
/* The view follows the context's casework (anbu-context.h); none (sign-out,
 * lock) clears it. */
void anbu_alerts_view_set_context (AnbuAlertsView *self,
                                  AnbuContext *context);
/* The AnbuAlertRow widgets the filters show, in the order shown (for tests). */
GtkWidget *anbu_alerts_view_get_row      (AnbuAlertsView *self,
                                          guint           index);
guint      anbu_alerts_view_get_n_rows   (AnbuAlertsView *self);
/* Every open signal, shown or not. */
guint      anbu_alerts_view_get_n_alerts (AnbuAlertsView *self);
/* All levels, 동, responders and states again (the sort stays). */
void       anbu_alerts_view_clear_filters (AnbuAlertsView *self);

G_END_DECLS
