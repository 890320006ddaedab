/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "anbu-casework.h"

G_BEGIN_DECLS

/*
 * One risk signal: household, level, hours quiet against the household's
 * threshold, who answers now (and whether it waits for business hours), the
 * explanation; acknowledge, record a contact, resolve; the phone number as a
 * tel: link and a copy button.
 */
#define ANBU_TYPE_ALERT_ROW (anbu_alert_row_get_type ())
G_DECLARE_FINAL_TYPE (AnbuAlertRow, anbu_alert_row, ANBU, ALERT_ROW, GtkListBoxRow)

GtkWidget  *anbu_alert_row_new          (AnbuCasework    *casework,
                                         const AnbuAlert *alert);
/* The row shows @alert as it is now (same or another signal), changing only what changed. */
void        anbu_alert_row_update       (AnbuAlertRow    *self,
                                         const AnbuAlert *alert);
const char *anbu_alert_row_get_alert_id (AnbuAlertRow    *self);
/* What the alerts view filters and sorts by: the signal as the row was made
 * from it, who answers it now (by the clock and the household's consent) and
 * the household's 동 (NULL if unknown). */
const AnbuAlert    *anbu_alert_row_get_alert        (AnbuAlertRow *self);
AnbuAlertResponder  anbu_alert_row_get_responder    (AnbuAlertRow *self);
const char         *anbu_alert_row_get_dong_name    (AnbuAlertRow *self);
/* The line about who answers now, for tests. */
const char *anbu_alert_row_get_responder_text (AnbuAlertRow *self);

G_END_DECLS
