/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-live"

#include "config.h"

#include "anbu-live-store.h"
#ifdef HAVE_POSTGRESQL
#include "anbu-pg-live-store.h"
#include "anbu-pg-store.h"
#endif
#include "anbu-sqlite-live-store.h"
#include "anbu-sqlite-store.h"

G_DEFINE_INTERFACE (AnbuLiveStore, anbu_live_store, G_TYPE_OBJECT)

static void
anbu_live_store_default_init (AnbuLiveStoreInterface *iface)
{
}

AnbuLiveStore *
anbu_live_store_new_for_store (AnbuStore  *store,
                               GError    **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (store), NULL);

#ifdef HAVE_POSTGRESQL
  if (ANBU_IS_PG_STORE (store))
    return anbu_pg_live_store_new (ANBU_PG_STORE (store));
#endif
  if (ANBU_IS_SQLITE_STORE (store))
    return anbu_sqlite_live_store_new (anbu_sqlite_store_get_handle (ANBU_SQLITE_STORE (store)),
                                       error);
  g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
               "The live hub cannot read a %s", G_OBJECT_TYPE_NAME (store));
  return NULL;
}

gboolean
anbu_live_store_lookup_scope_key (AnbuLiveStore          *self,
                                  const char             *household_id,
                                  AnbuHouseholdScopeKey  *key,
                                  gboolean               *found,
                                  GError                **error)
{
  g_return_val_if_fail (ANBU_IS_LIVE_STORE (self), FALSE);
  g_return_val_if_fail (household_id != NULL && key != NULL && found != NULL, FALSE);

  return ANBU_LIVE_STORE_GET_IFACE (self)->lookup_scope_key (self, household_id, key, found,
                                                             error);
}

gboolean
anbu_live_store_read_counter (AnbuLiveStore  *self,
                              gint64         *value,
                              GError        **error)
{
  g_return_val_if_fail (ANBU_IS_LIVE_STORE (self), FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  return ANBU_LIVE_STORE_GET_IFACE (self)->read_counter (self, value, error);
}

gboolean
anbu_live_store_foreach_plug_after (AnbuLiveStore     *self,
                                    const char        *after,
                                    gboolean           everything,
                                    guint              limit,
                                    AnbuLivePlugFunc   func,
                                    gpointer           user_data,
                                    GError           **error)
{
  g_return_val_if_fail (ANBU_IS_LIVE_STORE (self), FALSE);
  g_return_val_if_fail (after != NULL && func != NULL, FALSE);

  return ANBU_LIVE_STORE_GET_IFACE (self)->foreach_plug_after (self, after, everything, limit,
                                                               func, user_data, error);
}

gboolean
anbu_live_store_foreach_plug_in_dong (AnbuLiveStore     *self,
                                      const char        *dong_code,
                                      AnbuLivePlugFunc   func,
                                      gpointer           user_data,
                                      GError           **error)
{
  g_return_val_if_fail (ANBU_IS_LIVE_STORE (self), FALSE);
  g_return_val_if_fail (dong_code != NULL && func != NULL, FALSE);

  return ANBU_LIVE_STORE_GET_IFACE (self)->foreach_plug_in_dong (self, dong_code, func,
                                                                 user_data, error);
}

gboolean
anbu_live_store_foreach_plug_assigned (AnbuLiveStore     *self,
                                       const char        *planner_id,
                                       AnbuLivePlugFunc   func,
                                       gpointer           user_data,
                                       GError           **error)
{
  g_return_val_if_fail (ANBU_IS_LIVE_STORE (self), FALSE);
  g_return_val_if_fail (planner_id != NULL && func != NULL, FALSE);

  return ANBU_LIVE_STORE_GET_IFACE (self)->foreach_plug_assigned (self, planner_id, func,
                                                                  user_data, error);
}
