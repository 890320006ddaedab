/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-telemetry-store"

#include "config.h"

#include "anbu-sqlite-store.h"
#include "anbu-sqlite-telemetry-store.h"
#include "anbu-telemetry-store.h"
#ifdef HAVE_POSTGRESQL
#include "anbu-pg-store.h"
#include "anbu-pg-telemetry-store.h"
#endif

G_DEFINE_INTERFACE (AnbuTelemetryStore, anbu_telemetry_store, G_TYPE_OBJECT)

static void
anbu_telemetry_store_default_init (AnbuTelemetryStoreInterface *iface)
{
}

void
anbu_telemetry_plug_row_clear (AnbuTelemetryPlugRow *row)
{
  g_clear_pointer (&row->household_id, g_free);
  g_clear_pointer (&row->left_household_id, g_free);
  g_clear_pointer (&row->gateway_id, g_free);
}

void
anbu_telemetry_live_clear (AnbuTelemetryLive *live)
{
  g_clear_pointer (&live->household_id, g_free);
}

void
anbu_telemetry_due_clear (AnbuTelemetryDue *due)
{
  g_clear_pointer (&due->serial, g_free);
  g_clear_pointer (&due->detector, g_free);
}

AnbuTelemetryStore *
anbu_telemetry_store_open (AnbuStore  *store,
                           gboolean    own_connection,
                           GError    **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (store), NULL);

  if (ANBU_IS_SQLITE_STORE (store))
    return anbu_sqlite_telemetry_store_open (ANBU_SQLITE_STORE (store), own_connection, error);
#ifdef HAVE_POSTGRESQL
  if (ANBU_IS_PG_STORE (store))
    return anbu_pg_telemetry_store_open (ANBU_PG_STORE (store), own_connection, error);
#endif
  g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
               "Telemetry has no storage for this kind of store");
  return NULL;
}

#define IFACE(self) ANBU_TELEMETRY_STORE_GET_IFACE (self)

AnbuReadingLog *
anbu_telemetry_store_open_reading_log (AnbuTelemetryStore  *self,
                                       GError             **error)
{
  g_return_val_if_fail (ANBU_IS_TELEMETRY_STORE (self), NULL);
  return IFACE (self)->open_reading_log (self, error);
}

gboolean
anbu_telemetry_store_begin (AnbuTelemetryStore  *self,
                            GError             **error)
{
  g_return_val_if_fail (ANBU_IS_TELEMETRY_STORE (self), FALSE);
  return IFACE (self)->begin (self, error);
}

gboolean
anbu_telemetry_store_commit (AnbuTelemetryStore  *self,
                             GError             **error)
{
  g_return_val_if_fail (ANBU_IS_TELEMETRY_STORE (self), FALSE);
  return IFACE (self)->commit (self, error);
}

void
anbu_telemetry_store_rollback (AnbuTelemetryStore *self)
{
  g_return_if_fail (ANBU_IS_TELEMETRY_STORE (self));
  IFACE (self)->rollback (self);
}

gboolean
anbu_telemetry_store_begin_batch (AnbuTelemetryStore  *self,
                                  GError             **error)
{
  g_return_val_if_fail (ANBU_IS_TELEMETRY_STORE (self), FALSE);
  return IFACE (self)->begin_batch (self, error);
}

gboolean
anbu_telemetry_store_end_batch (AnbuTelemetryStore  *self,
                                gboolean             keep,
                                GError             **error)
{
  g_return_val_if_fail (ANBU_IS_TELEMETRY_STORE (self), FALSE);
  return IFACE (self)->end_batch (self, keep, error);
}

gboolean
anbu_telemetry_store_lock_rows (AnbuTelemetryStore  *self,
                                const char * const  *serials,
                                guint                n_serials,
                                const char * const  *gateway_ids,
                                guint                n_gateway_ids,
                                GError             **error)
{
  g_return_val_if_fail (ANBU_IS_TELEMETRY_STORE (self), FALSE);
  if (IFACE (self)->lock_rows == NULL || n_serials + n_gateway_ids == 0)
    return TRUE;
  return IFACE (self)->lock_rows (self, serials, n_serials, gateway_ids, n_gateway_ids, error);
}

gboolean
anbu_telemetry_store_read_change_counter (AnbuTelemetryStore  *self,
                                          gint64              *counter,
                                          GError             **error)
{
  g_return_val_if_fail (ANBU_IS_TELEMETRY_STORE (self), FALSE);
  *counter = -1;
  return IFACE (self)->read_change_counter (self, counter, error);
}

gboolean
anbu_telemetry_store_load_plugs (AnbuTelemetryStore    *self,
                                 const char * const    *serials,
                                 guint                  n_serials,
                                 AnbuTelemetryPlugRow  *rows,
                                 gboolean              *found,
                                 GError               **error)
{
  g_return_val_if_fail (ANBU_IS_TELEMETRY_STORE (self), FALSE);
  g_return_val_if_fail (n_serials == 0 || (serials != NULL && rows != NULL && found != NULL), FALSE);
  for (guint i = 0; i < n_serials; i++)
    found[i] = FALSE;
  if (n_serials == 0)
    return TRUE;
  return IFACE (self)->load_plugs (self, serials, n_serials, rows, found, error);
}

gboolean
anbu_telemetry_store_read_live (AnbuTelemetryStore  *self,
                                const char          *serial,
                                AnbuTelemetryLive   *live,
                                gboolean            *found,
                                GError             **error)
{
  g_return_val_if_fail (ANBU_IS_TELEMETRY_STORE (self), FALSE);
  g_return_val_if_fail (serial != NULL, FALSE);
  *found = FALSE;
  return IFACE (self)->read_live (self, serial, live, found, error);
}

gboolean
anbu_telemetry_store_store_live (AnbuTelemetryStore          *self,
                                 const AnbuTelemetryLiveRow  *rows,
                                 guint                        n_rows,
                                 GError                     **error)
{
  g_return_val_if_fail (ANBU_IS_TELEMETRY_STORE (self), FALSE);
  if (n_rows == 0)
    return TRUE;
  return IFACE (self)->store_live (self, rows, n_rows, error);
}

gboolean
anbu_telemetry_store_store_events (AnbuTelemetryStore       *self,
                                   const char               *serial,
                                   const AnbuActivityEvent  *events,
                                   guint                     n_events,
                                   GError                  **error)
{
  g_return_val_if_fail (ANBU_IS_TELEMETRY_STORE (self), FALSE);
  if (n_events == 0)
    return TRUE;
  return IFACE (self)->store_events (self, serial, events, n_events, error);
}

gboolean
anbu_telemetry_store_delete_events_at (AnbuTelemetryStore  *self,
                                       const char          *serial,
                                       gint64               ts,
                                       GError             **error)
{
  g_return_val_if_fail (ANBU_IS_TELEMETRY_STORE (self), FALSE);
  return IFACE (self)->delete_events_at (self, serial, ts, error);
}

gboolean
anbu_telemetry_store_read_last_event (AnbuTelemetryStore  *self,
                                      const char          *serial,
                                      gint64              *ts,
                                      GError             **error)
{
  g_return_val_if_fail (ANBU_IS_TELEMETRY_STORE (self), FALSE);
  *ts = 0;
  return IFACE (self)->read_last_event (self, serial, ts, error);
}

gboolean
anbu_telemetry_store_read_events (AnbuTelemetryStore  *self,
                                  const char          *serial,
                                  gint64               from,
                                  gint64               to,
                                  GArray              *out,
                                  GError             **error)
{
  g_return_val_if_fail (ANBU_IS_TELEMETRY_STORE (self), FALSE);
  return IFACE (self)->read_events (self, serial, from, to, out, error);
}

gboolean
anbu_telemetry_store_read_witness (AnbuTelemetryStore    *self,
                                   const char            *id,
                                   AnbuTelemetryWitness  *witness,
                                   GError               **error)
{
  g_return_val_if_fail (ANBU_IS_TELEMETRY_STORE (self), FALSE);
  *witness = (AnbuTelemetryWitness) { 0 };
  return IFACE (self)->read_witness (self, id, witness, error);
}

gboolean
anbu_telemetry_store_store_witness (AnbuTelemetryStore          *self,
                                    const char                  *id,
                                    const AnbuTelemetryWitness  *witness,
                                    GError                     **error)
{
  g_return_val_if_fail (ANBU_IS_TELEMETRY_STORE (self), FALSE);
  return IFACE (self)->store_witness (self, id, witness, error);
}

gboolean
anbu_telemetry_store_read_publish_due (AnbuTelemetryStore  *self,
                                       gint64               now,
                                       gint64               interval,
                                       guint                limit,
                                       GArray              *out,
                                       GError             **error)
{
  g_return_val_if_fail (ANBU_IS_TELEMETRY_STORE (self), FALSE);
  return IFACE (self)->read_publish_due (self, now, interval, limit, out, error);
}

gboolean
anbu_telemetry_store_mark_published (AnbuTelemetryStore  *self,
                                     const char          *serial,
                                     gint64               last_seen_at,
                                     double               last_watts,
                                     double               last_lux,
                                     gint64               last_activity_at,
                                     GError             **error)
{
  g_return_val_if_fail (ANBU_IS_TELEMETRY_STORE (self), FALSE);
  return IFACE (self)->mark_published (self, serial, last_seen_at, last_watts, last_lux,
                                       last_activity_at, error);
}

gboolean
anbu_telemetry_store_add_gateway (AnbuTelemetryStore  *self,
                                  const char          *id,
                                  const char          *name,
                                  const char          *token_hash,
                                  gint64               created_at,
                                  GError             **error)
{
  g_return_val_if_fail (ANBU_IS_TELEMETRY_STORE (self), FALSE);
  return IFACE (self)->add_gateway (self, id, name, token_hash, created_at, error);
}

gboolean
anbu_telemetry_store_find_gateway (AnbuTelemetryStore  *self,
                                   const char          *token_hash,
                                   char               **id,
                                   GError             **error)
{
  g_return_val_if_fail (ANBU_IS_TELEMETRY_STORE (self), FALSE);
  *id = NULL;
  return IFACE (self)->find_gateway (self, token_hash, id, error);
}
