/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-throttle"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-memory-throttle-ledger.h"
#include "anbu-store.h"
#include "anbu-throttle-ledger.h"
#ifdef HAVE_POSTGRESQL
#include "anbu-pg-throttle-ledger.h"
#endif

G_DEFINE_QUARK (anbu-throttle-ledger-error-quark, anbu_throttle_ledger_error)

G_DEFINE_INTERFACE (AnbuThrottleLedger, anbu_throttle_ledger, G_TYPE_OBJECT)

static void
anbu_throttle_ledger_default_init (AnbuThrottleLedgerInterface *iface)
{
}

gboolean
anbu_throttle_ledger_lookup (AnbuThrottleLedger    *self,
                             const char            *scope,
                             const char            *key,
                             AnbuThrottleAttempts  *attempts,
                             GError               **error)
{
  g_return_val_if_fail (ANBU_IS_THROTTLE_LEDGER (self), FALSE);
  g_return_val_if_fail (scope != NULL && key != NULL && attempts != NULL, FALSE);

  *attempts = (AnbuThrottleAttempts) { 0 };
  return ANBU_THROTTLE_LEDGER_GET_IFACE (self)->lookup (self, scope, key, attempts, error);
}

gboolean
anbu_throttle_ledger_update (AnbuThrottleLedger          *self,
                             const char                  *scope,
                             const char                  *key,
                             gint64                       now,
                             AnbuThrottleAttemptsUpdate   update,
                             gpointer                     user_data,
                             GError                     **error)
{
  g_return_val_if_fail (ANBU_IS_THROTTLE_LEDGER (self), FALSE);
  g_return_val_if_fail (scope != NULL && key != NULL && update != NULL, FALSE);

  return ANBU_THROTTLE_LEDGER_GET_IFACE (self)->update (self, scope, key, now, update, user_data,
                                                        error);
}

gboolean
anbu_throttle_ledger_forget (AnbuThrottleLedger  *self,
                             const char          *scope,
                             const char          *key,
                             GError             **error)
{
  g_return_val_if_fail (ANBU_IS_THROTTLE_LEDGER (self), FALSE);
  g_return_val_if_fail (scope != NULL && key != NULL, FALSE);

  return ANBU_THROTTLE_LEDGER_GET_IFACE (self)->forget (self, scope, key, error);
}

AnbuThrottleLedger *
anbu_throttle_ledger_new_for_location (const char  *location,
                                       GError     **error)
{
  if (anbu_store_location_is_postgresql (location))
    {
#ifdef HAVE_POSTGRESQL
      return anbu_pg_throttle_ledger_new (location, error);
#else
      g_set_error_literal (error, ANBU_THROTTLE_LEDGER_ERROR, ANBU_THROTTLE_LEDGER_ERROR_FAILED,
                           _("This anbu-server was built without PostgreSQL"));
      return NULL;
#endif
    }
  return anbu_memory_throttle_ledger_new ();
}
