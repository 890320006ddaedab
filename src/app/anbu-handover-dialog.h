/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "anbu-casework.h"
#include "anbu-handover.h"

G_BEGIN_DECLS

/*
 * The morning hand-over (지난밤 관제 기록, core anbu-handover.h) of one 동,
 * built from the casework's records: the planner reads it at sign-in and
 * acknowledges it; the control centre picks a 동, exports it as CSV or
 * prints it (or saves a PDF) through GtkPrintOperation.
 *
 * The acknowledgement is kept in the signed-in user's encrypted replica
 * (a cached value per 동: the day of the last hand-over acknowledged), not
 * synced: it is one reader's receipt, not a fact about a household.
 */

#define ANBU_TYPE_HANDOVER_DIALOG (anbu_handover_dialog_get_type ())
G_DECLARE_FINAL_TYPE (AnbuHandoverDialog, anbu_handover_dialog, ANBU, HANDOVER_DIALOG, AdwWindow)

AnbuHandoverDialog *anbu_handover_dialog_new              (AnbuCasework        *casework,
                                                          const char          *dong_code);
const AnbuHandover *anbu_handover_dialog_get_handover     (AnbuHandoverDialog  *self);
gboolean            anbu_handover_dialog_write_csv        (AnbuHandoverDialog  *self,
                                                          GFile               *file,
                                                          GError             **error);
GtkPrintOperationResult anbu_handover_dialog_print        (AnbuHandoverDialog  *self,
                                                          GtkPrintOperationAction action,
                                                          const char          *export_filename,
                                                          GError             **error);

/* The 동 whose latest hand-over has something in it and was not yet
 * acknowledged by this user; NULL if none. */
char               *anbu_handover_find_unacknowledged     (AnbuCasework        *casework);
/* At sign-in: presents the first unacknowledged hand-over over @parent, for
 * planners, unless it is the one named by *@shown (the last one presented,
 * "동/day", updated); returns whether it did. */
gboolean            anbu_handover_dialog_present_if_due   (GtkWindow           *parent,
                                                          AnbuCasework        *casework,
                                                          char               **shown);

G_END_DECLS
