/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-case-store"

#include "config.h"

#include "anbu-case-store.h"

G_DEFINE_INTERFACE (AnbuCaseStore, anbu_case_store, G_TYPE_OBJECT)

enum
{
  CHANGED,
  PLUG_LIVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
anbu_case_store_default_init (AnbuCaseStoreInterface *iface)
{
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[PLUG_LIVE] = g_signal_new ("plug-live", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, JSON_TYPE_OBJECT);
}

void
anbu_case_store_list_records_async (AnbuCaseStore       *self,
                                    const char          *kind,
                                    const char          *household_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (ANBU_IS_CASE_STORE (self));
  ANBU_CASE_STORE_GET_IFACE (self)->list_records_async (self, kind, household_id, cancellable,
                                                        callback, user_data);
}

GPtrArray *
anbu_case_store_list_records_finish (AnbuCaseStore  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_return_val_if_fail (ANBU_IS_CASE_STORE (self), NULL);
  return ANBU_CASE_STORE_GET_IFACE (self)->list_records_finish (self, result, error);
}

void
anbu_case_store_record_change_async (AnbuCaseStore       *self,
                                     const char          *mutation_kind,
                                     JsonObject          *payload,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (ANBU_IS_CASE_STORE (self));
  ANBU_CASE_STORE_GET_IFACE (self)->record_change_async (self, mutation_kind, payload, cancellable,
                                                         callback, user_data);
}

char *
anbu_case_store_record_change_finish (AnbuCaseStore  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (ANBU_IS_CASE_STORE (self), NULL);
  return ANBU_CASE_STORE_GET_IFACE (self)->record_change_finish (self, result, error);
}

void
anbu_case_store_fetch_async (AnbuCaseStore       *self,
                             const char          *path,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (ANBU_IS_CASE_STORE (self));
  ANBU_CASE_STORE_GET_IFACE (self)->fetch_async (self, path, cancellable, callback, user_data);
}

GBytes *
anbu_case_store_fetch_finish (AnbuCaseStore  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (ANBU_IS_CASE_STORE (self), NULL);
  return ANBU_CASE_STORE_GET_IFACE (self)->fetch_finish (self, result, error);
}

char *
anbu_case_store_dup_cached (AnbuCaseStore *self,
                            const char    *name)
{
  g_return_val_if_fail (ANBU_IS_CASE_STORE (self), NULL);
  return ANBU_CASE_STORE_GET_IFACE (self)->dup_cached (self, name);
}

void
anbu_case_store_store_cached (AnbuCaseStore *self,
                              const char    *name,
                              const char    *value)
{
  g_return_if_fail (ANBU_IS_CASE_STORE (self));
  ANBU_CASE_STORE_GET_IFACE (self)->store_cached (self, name, value);
}

char *
anbu_case_store_dup_user_id (AnbuCaseStore *self)
{
  g_return_val_if_fail (ANBU_IS_CASE_STORE (self), NULL);
  return ANBU_CASE_STORE_GET_IFACE (self)->dup_user_id (self);
}

/**
 * anbu_case_store_dup_tls_database:
 *
 * Returns: (transfer full) (nullable): the authorities the server connection
 *   trusts; %NULL for the system's
 */
GTlsDatabase *
anbu_case_store_dup_tls_database (AnbuCaseStore *self)
{
  AnbuCaseStoreInterface *iface;

  g_return_val_if_fail (ANBU_IS_CASE_STORE (self), NULL);
  iface = ANBU_CASE_STORE_GET_IFACE (self);
  return iface->dup_tls_database != NULL ? iface->dup_tls_database (self) : NULL;
}

void
anbu_case_store_emit_changed (AnbuCaseStore *self)
{
  g_return_if_fail (ANBU_IS_CASE_STORE (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

void
anbu_case_store_emit_plug_live (AnbuCaseStore *self,
                                JsonObject    *record)
{
  g_return_if_fail (ANBU_IS_CASE_STORE (self));
  g_return_if_fail (record != NULL);
  g_signal_emit (self, signals[PLUG_LIVE], 0, record);
}
