/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "anbu-alert.h"

G_BEGIN_DECLS

/* One open signal as the wall board lists it: the alert, and what the board
 * shows beside it (household, 동, 구, the last action, until when its
 * holder keeps it). Items are made again
 * when the caseload changes; the age is computed when drawn. */
#define ANBU_TYPE_BOARD_ITEM (anbu_board_item_get_type ())
G_DECLARE_FINAL_TYPE (AnbuBoardItem, anbu_board_item, ANBU, BOARD_ITEM, GObject)

AnbuBoardItem   *anbu_board_item_new                (const AnbuAlert *alert,
                                                     const char      *household_name,
                                                     const char      *dong_name,
                                                     const char      *district_name,
                                                     const char      *last_action,
                                                     gint64           held_until);
const AnbuAlert *anbu_board_item_get_alert          (AnbuBoardItem   *self);
const char      *anbu_board_item_get_household_name (AnbuBoardItem   *self);
const char      *anbu_board_item_get_dong_name      (AnbuBoardItem   *self);
const char      *anbu_board_item_get_district_name  (AnbuBoardItem   *self);
/* "14:05 전화 · 응답 없음", or NULL when nobody acted yet. */
const char      *anbu_board_item_get_last_action    (AnbuBoardItem   *self);
/* A claimed signal: when responsibility next changes hands by the routing
 * rules (the 09:00 hand-over to the 동, 18:00 to the control centre), µs;
 * 0 when nobody holds it. */
gint64           anbu_board_item_get_held_until     (AnbuBoardItem   *self);

G_END_DECLS
