/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ANBU_TYPE_CONFLICT_ROW (anbu_conflict_row_get_type ())

G_DECLARE_FINAL_TYPE (AnbuConflictRow, anbu_conflict_row, ANBU, CONFLICT_ROW, GtkListBoxRow)

GtkWidget *anbu_conflict_row_new (const char *title,
                                  const char *mine,
                                  const char *theirs);

G_END_DECLS
