/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "anbu-board-item.h"

G_BEGIN_DECLS

/* One line of the wall board: level, household and 동, how long the signal
 * has been open, who holds it, its last action, and the button that takes
 * it on ("내가 처리 중") or gives it back. The button activates
 * "board.claim" / "board.release" with the alert id. */
#define ANBU_TYPE_BOARD_ROW (anbu_board_row_get_type ())
G_DECLARE_FINAL_TYPE (AnbuBoardRow, anbu_board_row, ANBU, BOARD_ROW, GtkWidget)

GtkWidget *anbu_board_row_new        (void);
/* `my_user_id`: the signed-in operator, whose own claim can be given back. */
void       anbu_board_row_bind       (AnbuBoardRow  *self,
                                      AnbuBoardItem *item,
                                      gint64         now,
                                      const char    *my_user_id);
void       anbu_board_row_unbind     (AnbuBoardRow  *self);
/* The age keeps counting on the project clock. */
void       anbu_board_row_update_age (AnbuBoardRow  *self,
                                      gint64         now);
AnbuBoardItem *anbu_board_row_get_item (AnbuBoardRow *self);

/* "2시간 05분", "12분 30초": how long a signal has been open. */
char      *anbu_board_format_age     (gint64         span_usec);

G_END_DECLS
