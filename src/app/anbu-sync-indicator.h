/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef enum
{
  ANBU_SYNC_INDICATOR_OFFLINE,
  ANBU_SYNC_INDICATOR_ONLINE,
  ANBU_SYNC_INDICATOR_SYNCING,
} AnbuSyncIndicatorState;

#define ANBU_TYPE_SYNC_INDICATOR_STATE (anbu_sync_indicator_state_get_type ())
GType anbu_sync_indicator_state_get_type (void);

#define ANBU_TYPE_SYNC_INDICATOR (anbu_sync_indicator_get_type ())

G_DECLARE_FINAL_TYPE (AnbuSyncIndicator, anbu_sync_indicator, ANBU, SYNC_INDICATOR, AdwBin)

GtkWidget             *anbu_sync_indicator_new               (void);
AnbuSyncIndicatorState anbu_sync_indicator_get_state         (AnbuSyncIndicator *self);
void                   anbu_sync_indicator_set_state         (AnbuSyncIndicator     *self,
                                                              AnbuSyncIndicatorState state);
GDateTime             *anbu_sync_indicator_get_last_sync     (AnbuSyncIndicator *self);
void                   anbu_sync_indicator_set_last_sync     (AnbuSyncIndicator *self,
                                                              GDateTime         *last_sync);
guint                  anbu_sync_indicator_get_pending_count (AnbuSyncIndicator *self);
void                   anbu_sync_indicator_set_pending_count (AnbuSyncIndicator *self,
                                                              guint              pending_count);
char                  *anbu_sync_indicator_describe          (AnbuSyncIndicator *self);
void                   anbu_sync_indicator_bind_pending      (AnbuSyncIndicator         *self,
                                                              GListModel                *model,
                                                              GtkListBoxCreateWidgetFunc create_row,
                                                              gpointer                   user_data,
                                                              GDestroyNotify             user_data_free);
void                   anbu_sync_indicator_bind_conflicts    (AnbuSyncIndicator         *self,
                                                              GListModel                *model,
                                                              GtkListBoxCreateWidgetFunc create_row,
                                                              gpointer                   user_data,
                                                              GDestroyNotify             user_data_free);
void                   anbu_sync_indicator_bind_rejections   (AnbuSyncIndicator         *self,
                                                              GListModel                *model,
                                                              GtkListBoxCreateWidgetFunc create_row,
                                                              gpointer                   user_data,
                                                              GDestroyNotify             user_data_free);

G_END_DECLS
