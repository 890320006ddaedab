/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "anbu-store.h"
#include "anbu-telemetry.h"

G_BEGIN_DECLS

/* What the live hub (anbu-live-hub.h) reads, one interface for both
 * engines: AnbuSqliteLiveStore and AnbuPgLiveStore, on the store's own
 * connection and thread (the main loop). Errors are in ANBU_STORE_ERROR. */

#define ANBU_TYPE_LIVE_STORE (anbu_live_store_get_type ())
G_DECLARE_INTERFACE (AnbuLiveStore, anbu_live_store, ANBU, LIVE_STORE, GObject)

/* One plug's live fields; its texts hold only during the call. FALSE
 * stops the walk. */
typedef gboolean (*AnbuLivePlugFunc) (const AnbuTelemetryPlugStatus *status,
                                      gpointer                       user_data);

struct _AnbuLiveStoreInterface
{
  GTypeInterface parent_iface;

  gboolean (*lookup_scope_key)      (AnbuLiveStore          *self,
                                     const char             *household_id,
                                     AnbuHouseholdScopeKey  *key,
                                     gboolean               *found,
                                     GError                **error);
  gboolean (*read_counter)          (AnbuLiveStore          *self,
                                     gint64                 *value,
                                     GError                **error);
  gboolean (*foreach_plug_after)    (AnbuLiveStore          *self,
                                     const char             *after,
                                     gboolean                everything,
                                     guint                   limit,
                                     AnbuLivePlugFunc        func,
                                     gpointer                user_data,
                                     GError                **error);
  gboolean (*foreach_plug_in_dong)  (AnbuLiveStore          *self,
                                     const char             *dong_code,
                                     AnbuLivePlugFunc        func,
                                     gpointer                user_data,
                                     GError                **error);
  gboolean (*foreach_plug_assigned) (AnbuLiveStore          *self,
                                     const char             *planner_id,
                                     AnbuLivePlugFunc        func,
                                     gpointer                user_data,
                                     GError                **error);
};

/* Picks the engine of `store` (an AnbuSqliteStore or an AnbuPgStore). */
AnbuLiveStore *anbu_live_store_new_for_store    (AnbuStore              *store,
                                                 GError                **error);

/* The household's scope key (its strings newly allocated: the caller frees
 * them); `found` FALSE when it is not stored. */
gboolean       anbu_live_store_lookup_scope_key (AnbuLiveStore          *self,
                                                 const char             *household_id,
                                                 AnbuHouseholdScopeKey  *key,
                                                 gboolean               *found,
                                                 GError                **error);

/* The store's change counter (anbu_store_changes cursors). */
gboolean       anbu_live_store_read_counter     (AnbuLiveStore          *self,
                                                 gint64                 *value,
                                                 GError                **error);

/* The snapshot's reads: plugs that reported in their current installation.
 * By serial after `after`, at most `limit`: every one (`everything`, an
 * admin's) or those the control centre sees (night consent, not closed). */
gboolean       anbu_live_store_foreach_plug_after    (AnbuLiveStore     *self,
                                                      const char        *after,
                                                      gboolean           everything,
                                                      guint              limit,
                                                      AnbuLivePlugFunc   func,
                                                      gpointer           user_data,
                                                      GError           **error);
/* A 동's, of households not closed and not moved one by one. */
gboolean       anbu_live_store_foreach_plug_in_dong  (AnbuLiveStore     *self,
                                                      const char        *dong_code,
                                                      AnbuLivePlugFunc   func,
                                                      gpointer           user_data,
                                                      GError           **error);
/* Those of the households moved to `planner_id` one by one, not closed. */
gboolean       anbu_live_store_foreach_plug_assigned (AnbuLiveStore     *self,
                                                      const char        *planner_id,
                                                      AnbuLivePlugFunc   func,
                                                      gpointer           user_data,
                                                      GError           **error);

G_END_DECLS
