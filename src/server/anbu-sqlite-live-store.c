/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-live"

#include "config.h"

#include "anbu-sqlite-live-store.h"
#include "anbu-sqlite-store.h"

#define PLUG_COLUMNS "l.serial, l.household_id, l.last_seen_at, l.last_watts, l.last_lux," \
                     " coalesce (l.last_activity_at, 0)"
/* Only what a plug saw in its current installation. */
#define INSTALLED_JOIN " JOIN plug p ON p.id = l.serial AND p.state = 'installed'" \
                       " AND l.household_id = p.household_id" \
                       " AND l.last_seen_at >= unixepoch (json_extract (p.record, '$.installed_at'))"

struct _AnbuSqliteLiveStore
{
  GObject       parent_instance;

  sqlite3      *db;
  sqlite3_stmt *scope_key;
  sqlite3_stmt *counter;
  sqlite3_stmt *snapshot_all;       /* admin and control, by serial in slices */
  sqlite3_stmt *snapshot_dong;      /* a planner's 동, households not moved one by one */
  sqlite3_stmt *snapshot_assigned;  /* the households moved to a planner one by one */
};

static void anbu_sqlite_live_store_iface_init (AnbuLiveStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AnbuSqliteLiveStore, anbu_sqlite_live_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ANBU_TYPE_LIVE_STORE,
                                                      anbu_sqlite_live_store_iface_init))

static gboolean
anbu_sqlite_live_store_lookup_scope_key (AnbuLiveStore          *store,
                                         const char             *household_id,
                                         AnbuHouseholdScopeKey  *key,
                                         gboolean               *found,
                                         GError                **error)
{
  AnbuSqliteLiveStore *self = ANBU_SQLITE_LIVE_STORE (store);
  int rc;

  *found = FALSE;
  sqlite3_bind_text (self->scope_key, 1, household_id, -1, SQLITE_TRANSIENT);
  if ((rc = sqlite3_step (self->scope_key)) == SQLITE_ROW)
    {
      key->dong_code = g_strdup ((const char *) sqlite3_column_text (self->scope_key, 0));
      key->night_consent = sqlite3_column_int (self->scope_key, 1) != 0;
      key->status = g_strdup ((const char *) sqlite3_column_text (self->scope_key, 2));
      key->assigned_planner = g_strdup ((const char *) sqlite3_column_text (self->scope_key, 3));
      *found = TRUE;
    }
  sqlite3_reset (self->scope_key);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot read a household's scope");
  return TRUE;
}

static gboolean
anbu_sqlite_live_store_read_counter (AnbuLiveStore  *store,
                                     gint64         *value,
                                     GError        **error)
{
  AnbuSqliteLiveStore *self = ANBU_SQLITE_LIVE_STORE (store);
  int rc;

  *value = 0;
  if ((rc = sqlite3_step (self->counter)) == SQLITE_ROW)
    *value = sqlite3_column_int64 (self->counter, 0);
  sqlite3_reset (self->counter);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return anbu_sqlite_store_set_error (self->db, error, "Cannot read the change counter");
  return TRUE;
}

/* Hands the rows of `stmt` (PLUG_COLUMNS first) to `func`. */
static gboolean
walk_plugs (AnbuSqliteLiveStore  *self,
            sqlite3_stmt         *stmt,
            AnbuLivePlugFunc      func,
            gpointer              user_data,
            GError              **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AnbuTelemetryPlugStatus status = { 0 };

      status.serial = (char *) sqlite3_column_text (stmt, 0);
      status.household_id = (char *) sqlite3_column_text (stmt, 1);
      status.last_seen_at = sqlite3_column_int64 (stmt, 2);
      status.last_watts = sqlite3_column_double (stmt, 3);
      status.last_lux = sqlite3_column_double (stmt, 4);
      status.last_activity_at = sqlite3_column_int64 (stmt, 5);
      if (!func (&status, user_data))
        break;
    }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    anbu_sqlite_store_set_error (self->db, error, "Cannot read the plug snapshot");
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static gboolean
anbu_sqlite_live_store_foreach_plug_after (AnbuLiveStore     *store,
                                           const char        *after,
                                           gboolean           everything,
                                           guint              limit,
                                           AnbuLivePlugFunc   func,
                                           gpointer           user_data,
                                           GError           **error)
{
  AnbuSqliteLiveStore *self = ANBU_SQLITE_LIVE_STORE (store);

  sqlite3_bind_text (self->snapshot_all, 1, after, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (self->snapshot_all, 2, everything);
  sqlite3_bind_int (self->snapshot_all, 3, (int) MIN (limit, (guint) G_MAXINT));
  return walk_plugs (self, self->snapshot_all, func, user_data, error);
}

static gboolean
anbu_sqlite_live_store_foreach_plug_in_dong (AnbuLiveStore     *store,
                                             const char        *dong_code,
                                             AnbuLivePlugFunc   func,
                                             gpointer           user_data,
                                             GError           **error)
{
  AnbuSqliteLiveStore *self = ANBU_SQLITE_LIVE_STORE (store);

  sqlite3_bind_text (self->snapshot_dong, 1, dong_code, -1, SQLITE_TRANSIENT);
  return walk_plugs (self, self->snapshot_dong, func, user_data, error);
}

static gboolean
anbu_sqlite_live_store_foreach_plug_assigned (AnbuLiveStore     *store,
                                              const char        *planner_id,
                                              AnbuLivePlugFunc   func,
                                              gpointer           user_data,
                                              GError           **error)
{
  AnbuSqliteLiveStore *self = ANBU_SQLITE_LIVE_STORE (store);

  sqlite3_bind_text (self->snapshot_assigned, 1, planner_id, -1, SQLITE_TRANSIENT);
  return walk_plugs (self, self->snapshot_assigned, func, user_data, error);
}

static void
anbu_sqlite_live_store_iface_init (AnbuLiveStoreInterface *iface)
{
  iface->lookup_scope_key = anbu_sqlite_live_store_lookup_scope_key;
  iface->read_counter = anbu_sqlite_live_store_read_counter;
  iface->foreach_plug_after = anbu_sqlite_live_store_foreach_plug_after;
  iface->foreach_plug_in_dong = anbu_sqlite_live_store_foreach_plug_in_dong;
  iface->foreach_plug_assigned = anbu_sqlite_live_store_foreach_plug_assigned;
}

static void
anbu_sqlite_live_store_finalize (GObject *object)
{
  AnbuSqliteLiveStore *self = ANBU_SQLITE_LIVE_STORE (object);

  g_clear_pointer (&self->scope_key, sqlite3_finalize);
  g_clear_pointer (&self->counter, sqlite3_finalize);
  g_clear_pointer (&self->snapshot_all, sqlite3_finalize);
  g_clear_pointer (&self->snapshot_dong, sqlite3_finalize);
  g_clear_pointer (&self->snapshot_assigned, sqlite3_finalize);

  G_OBJECT_CLASS (anbu_sqlite_live_store_parent_class)->finalize (object);
}

static void
anbu_sqlite_live_store_class_init (AnbuSqliteLiveStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = anbu_sqlite_live_store_finalize;
}

static void
anbu_sqlite_live_store_init (AnbuSqliteLiveStore *self)
{
}

AnbuLiveStore *
anbu_sqlite_live_store_new (sqlite3  *db,
                            GError  **error)
{
  g_autoptr(AnbuSqliteLiveStore) self = g_object_new (ANBU_TYPE_SQLITE_LIVE_STORE, NULL);

  g_return_val_if_fail (db != NULL, NULL);

  self->db = db;
  if (sqlite3_prepare_v3 (db, "SELECT dong_code, night_consent, status, (SELECT a.planner_id FROM"
                          " household_assignment a WHERE a.household_id = household.id)"
                          " FROM household WHERE id = ?1",
                          -1, SQLITE_PREPARE_PERSISTENT, &self->scope_key, NULL) != SQLITE_OK
      || sqlite3_prepare_v3 (db, "SELECT value FROM counter WHERE name = 'seq'", -1,
                             SQLITE_PREPARE_PERSISTENT, &self->counter, NULL) != SQLITE_OK
      /* ?2: an admin's (everything) rather than the control centre's. */
      || sqlite3_prepare_v3 (db, "SELECT " PLUG_COLUMNS " FROM plug_live l" INSTALLED_JOIN
                             " JOIN household h ON h.id = l.household_id"
                             " WHERE l.serial > ?1 AND (?2 OR (h.night_consent AND h.status IS NOT 'closed'))"
                             " ORDER BY l.serial LIMIT ?3", -1,
                             SQLITE_PREPARE_PERSISTENT, &self->snapshot_all, NULL) != SQLITE_OK
      || sqlite3_prepare_v3 (db, "SELECT " PLUG_COLUMNS " FROM household h"
                             " JOIN plug_live l ON l.household_id = h.id" INSTALLED_JOIN
                             " WHERE h.dong_code = ?1 AND h.status IS NOT 'closed'"
                             " AND NOT EXISTS (SELECT 1 FROM household_assignment a"
                             " WHERE a.household_id = h.id)", -1,
                             SQLITE_PREPARE_PERSISTENT, &self->snapshot_dong, NULL) != SQLITE_OK
      || sqlite3_prepare_v3 (db, "SELECT " PLUG_COLUMNS " FROM household_assignment a"
                             " JOIN household h ON h.id = a.household_id"
                             " JOIN plug_live l ON l.household_id = h.id" INSTALLED_JOIN
                             " WHERE a.planner_id = ?1 AND h.status IS NOT 'closed'", -1,
                             SQLITE_PREPARE_PERSISTENT, &self->snapshot_assigned, NULL) != SQLITE_OK)
    {
      anbu_sqlite_store_set_error (self->db, error, "Cannot prepare the live hub's statements");
      return NULL;
    }
  return ANBU_LIVE_STORE (g_steal_pointer (&self));
}
