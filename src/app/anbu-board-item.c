/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-wall-board"

#include "config.h"

#include "anbu-board-item.h"

struct _AnbuBoardItem
{
  GObject    parent_instance;

  AnbuAlert *alert;
  char      *household_name;
  char      *dong_name;
  char      *district_name;
  char      *last_action;
  gint64     held_until;
};

G_DEFINE_FINAL_TYPE (AnbuBoardItem, anbu_board_item, G_TYPE_OBJECT)

static void
anbu_board_item_finalize (GObject *object)
{
  AnbuBoardItem *self = ANBU_BOARD_ITEM (object);

  g_clear_pointer (&self->alert, anbu_alert_free);
  g_free (self->household_name);
  g_free (self->dong_name);
  g_free (self->district_name);
  g_free (self->last_action);
  G_OBJECT_CLASS (anbu_board_item_parent_class)->finalize (object);
}

static void
anbu_board_item_class_init (AnbuBoardItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = anbu_board_item_finalize;
}

static void
anbu_board_item_init (AnbuBoardItem *self)
{
}

AnbuBoardItem *
anbu_board_item_new (const AnbuAlert *alert,
                     const char      *household_name,
                     const char      *dong_name,
                     const char      *district_name,
                     const char      *last_action,
                     gint64           held_until)
{
  AnbuBoardItem *self;

  g_return_val_if_fail (alert != NULL, NULL);

  self = g_object_new (ANBU_TYPE_BOARD_ITEM, NULL);
  self->alert = anbu_alert_copy (alert);
  self->household_name = g_strdup (household_name);
  self->dong_name = g_strdup (dong_name);
  self->district_name = g_strdup (district_name);
  self->last_action = g_strdup (last_action);
  self->held_until = held_until;
  return self;
}

const AnbuAlert *
anbu_board_item_get_alert (AnbuBoardItem *self)
{
  g_return_val_if_fail (ANBU_IS_BOARD_ITEM (self), NULL);
  return self->alert;
}

const char *
anbu_board_item_get_household_name (AnbuBoardItem *self)
{
  g_return_val_if_fail (ANBU_IS_BOARD_ITEM (self), NULL);
  return self->household_name;
}

const char *
anbu_board_item_get_dong_name (AnbuBoardItem *self)
{
  g_return_val_if_fail (ANBU_IS_BOARD_ITEM (self), NULL);
  return self->dong_name;
}

const char *
anbu_board_item_get_district_name (AnbuBoardItem *self)
{
  g_return_val_if_fail (ANBU_IS_BOARD_ITEM (self), NULL);
  return self->district_name;
}

const char *
anbu_board_item_get_last_action (AnbuBoardItem *self)
{
  g_return_val_if_fail (ANBU_IS_BOARD_ITEM (self), NULL);
  return self->last_action;
}

gint64
anbu_board_item_get_held_until (AnbuBoardItem *self)
{
  g_return_val_if_fail (ANBU_IS_BOARD_ITEM (self), 0);
  return self->held_until;
}
