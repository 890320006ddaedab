/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-live"

#include "config.h"

#include "anbu-pg-live-store.h"
#include "anbu-pg-values.h"

#define PLUG_COLUMNS "l.serial, l.household_id, l.last_seen_at, l.last_watts, l.last_lux," \
                     " coalesce (l.last_activity_at, 0)"
/* Only what a plug saw in its current installation (whole seconds, as
 * SQLite's unixepoch). */
#define INSTALLED_JOIN " JOIN plug p ON p.id = l.serial AND p.state = 'installed'" \
                       " AND l.household_id = p.household_id" \
                       " AND l.last_seen_at >= floor (extract (epoch FROM" \
                       " (p.record::jsonb ->> 'installed_at')::timestamptz))"

static const char scope_key_sql[] =
  "SELECT dong_code, night_consent::int, status, (SELECT a.planner_id FROM"
  " household_assignment a WHERE a.household_id = household.id)"
  " FROM household WHERE id = $1";
static const char counter_sql[] = "SELECT value FROM counter WHERE name = 'seq'";
/* $2: an admin's (everything) rather than the control centre's. */
static const char snapshot_all_sql[] =
  "SELECT " PLUG_COLUMNS " FROM plug_live l" INSTALLED_JOIN
  " JOIN household h ON h.id = l.household_id"
  " WHERE l.serial > $1 AND ($2::boolean OR (h.night_consent AND h.status IS DISTINCT FROM 'closed'))"
  " ORDER BY l.serial LIMIT $3::bigint";
static const char snapshot_dong_sql[] =
  "SELECT " PLUG_COLUMNS " FROM household h"
  " JOIN plug_live l ON l.household_id = h.id" INSTALLED_JOIN
  " WHERE h.dong_code = $1 AND h.status IS DISTINCT FROM 'closed'"
  " AND NOT EXISTS (SELECT 1 FROM household_assignment a WHERE a.household_id = h.id)";
static const char snapshot_assigned_sql[] =
  "SELECT " PLUG_COLUMNS " FROM household_assignment a"
  " JOIN household h ON h.id = a.household_id"
  " JOIN plug_live l ON l.household_id = h.id" INSTALLED_JOIN
  " WHERE a.planner_id = $1 AND h.status IS DISTINCT FROM 'closed'";

struct _AnbuPgLiveStore
{
  GObject      parent_instance;

  AnbuPgStore *store;
};

static void anbu_pg_live_store_iface_init (AnbuLiveStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AnbuPgLiveStore, anbu_pg_live_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ANBU_TYPE_LIVE_STORE,
                                                      anbu_pg_live_store_iface_init))

static gboolean
anbu_pg_live_store_lookup_scope_key (AnbuLiveStore          *store,
                                     const char             *household_id,
                                     AnbuHouseholdScopeKey  *key,
                                     gboolean               *found,
                                     GError                **error)
{
  AnbuPgLiveStore *self = ANBU_PG_LIVE_STORE (store);
  const char *params[] = { household_id };
  PGresult *result = anbu_pg_store_query (self->store, scope_key_sql, 1, params, error);

  *found = FALSE;
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) > 0)
    {
      key->dong_code = g_strdup (anbu_pg_values_text (result, 0, 0));
      key->night_consent = anbu_pg_values_int64 (result, 0, 1) != 0;
      key->status = g_strdup (anbu_pg_values_text (result, 0, 2));
      key->assigned_planner = g_strdup (anbu_pg_values_text (result, 0, 3));
      *found = TRUE;
    }
  PQclear (result);
  return TRUE;
}

static gboolean
anbu_pg_live_store_read_counter (AnbuLiveStore  *store,
                                 gint64         *value,
                                 GError        **error)
{
  AnbuPgLiveStore *self = ANBU_PG_LIVE_STORE (store);
  PGresult *result = anbu_pg_store_query (self->store, counter_sql, 0, NULL, error);

  *value = 0;
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) > 0)
    *value = anbu_pg_values_int64 (result, 0, 0);
  PQclear (result);
  return TRUE;
}

/* Runs `sql` (PLUG_COLUMNS first) and hands its rows to `func`. */
static gboolean
walk_plugs (AnbuPgLiveStore     *self,
            const char          *sql,
            int                  n_params,
            const char * const  *params,
            AnbuLivePlugFunc     func,
            gpointer             user_data,
            GError             **error)
{
  PGresult *result = anbu_pg_store_query (self->store, sql, n_params, params, error);

  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    {
      AnbuTelemetryPlugStatus status = { 0 };

      status.serial = (char *) anbu_pg_values_text (result, row, 0);
      status.household_id = (char *) anbu_pg_values_text (result, row, 1);
      status.last_seen_at = anbu_pg_values_int64 (result, row, 2);
      status.last_watts = anbu_pg_values_double (result, row, 3);
      status.last_lux = anbu_pg_values_double (result, row, 4);
      status.last_activity_at = anbu_pg_values_int64 (result, row, 5);
      if (!func (&status, user_data))
        break;
    }
  PQclear (result);
  return TRUE;
}

static gboolean
anbu_pg_live_store_foreach_plug_after (AnbuLiveStore     *store,
                                       const char        *after,
                                       gboolean           everything,
                                       guint              limit,
                                       AnbuLivePlugFunc   func,
                                       gpointer           user_data,
                                       GError           **error)
{
  g_autofree char *limit_text = anbu_pg_values_from_int64 (limit);
  const char *params[] = { after, everything ? "true" : "false", limit_text };

  return walk_plugs (ANBU_PG_LIVE_STORE (store), snapshot_all_sql, 3, params, func, user_data,
                     error);
}

static gboolean
anbu_pg_live_store_foreach_plug_in_dong (AnbuLiveStore     *store,
                                         const char        *dong_code,
                                         AnbuLivePlugFunc   func,
                                         gpointer           user_data,
                                         GError           **error)
{
  const char *params[] = { dong_code };

  return walk_plugs (ANBU_PG_LIVE_STORE (store), snapshot_dong_sql, 1, params, func, user_data,
                     error);
}

static gboolean
anbu_pg_live_store_foreach_plug_assigned (AnbuLiveStore     *store,
                                          const char        *planner_id,
                                          AnbuLivePlugFunc   func,
                                          gpointer           user_data,
                                          GError           **error)
{
  const char *params[] = { planner_id };

  return walk_plugs (ANBU_PG_LIVE_STORE (store), snapshot_assigned_sql, 1, params, func,
                     user_data, error);
}

static void
anbu_pg_live_store_iface_init (AnbuLiveStoreInterface *iface)
{
  iface->lookup_scope_key = anbu_pg_live_store_lookup_scope_key;
  iface->read_counter = anbu_pg_live_store_read_counter;
  iface->foreach_plug_after = anbu_pg_live_store_foreach_plug_after;
  iface->foreach_plug_in_dong = anbu_pg_live_store_foreach_plug_in_dong;
  iface->foreach_plug_assigned = anbu_pg_live_store_foreach_plug_assigned;
}

static void
anbu_pg_live_store_dispose (GObject *object)
{
  AnbuPgLiveStore *self = ANBU_PG_LIVE_STORE (object);

  g_clear_object (&self->store);

  G_OBJECT_CLASS (anbu_pg_live_store_parent_class)->dispose (object);
}

static void
anbu_pg_live_store_class_init (AnbuPgLiveStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = anbu_pg_live_store_dispose;
}

static void
anbu_pg_live_store_init (AnbuPgLiveStore *self)
{
}

AnbuLiveStore *
anbu_pg_live_store_new (AnbuPgStore *store)
{
  AnbuPgLiveStore *self;

  g_return_val_if_fail (ANBU_IS_PG_STORE (store), NULL);

  self = g_object_new (ANBU_TYPE_PG_LIVE_STORE, NULL);
  self->store = g_object_ref (store);
  return ANBU_LIVE_STORE (self);
}
