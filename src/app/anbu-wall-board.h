/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "anbu-context.h"

G_BEGIN_DECLS

/* The control centre's wall board (상황판): every open signal of the scope,
 * most urgent first, with household, 동, level, how long it has been open
 * (counting on the project clock), who holds it and its last action; live
 * counts per level and per 구/동; whether the live channel is connected.
 * In wall mode (full screen) everything is large enough to read across a
 * room. Rows are a GtkListView over a model: only the visible ones exist. */
#define ANBU_TYPE_WALL_BOARD (anbu_wall_board_get_type ())
G_DECLARE_FINAL_TYPE (AnbuWallBoard, anbu_wall_board, ANBU, WALL_BOARD, AdwBin)

GtkWidget  *anbu_wall_board_new              (void);
void        anbu_wall_board_set_context      (AnbuWallBoard *self,
                                              AnbuContext   *context);
void        anbu_wall_board_set_wall_mode    (AnbuWallBoard *self,
                                              gboolean       wall_mode);
gboolean    anbu_wall_board_get_wall_mode    (AnbuWallBoard *self);
/* The board's items (AnbuBoardItem), in the order shown. */
GListModel *anbu_wall_board_get_model        (AnbuWallBoard *self);
/* The counts line as shown ("심각 1 · 위험 2 · 관심 0 · 미접수 1"). */
const char *anbu_wall_board_get_level_counts (AnbuWallBoard *self);
/* The 구/동 counts as shown. */
const char *anbu_wall_board_get_district_counts (AnbuWallBoard *self);
/* What the connection label says. */
const char *anbu_wall_board_get_connection_text (AnbuWallBoard *self);

G_END_DECLS
