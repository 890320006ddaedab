/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-store"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#ifdef HAVE_POSTGRESQL
#include "anbu-pg-store.h"
#endif
#include "anbu-sqlite-store.h"
#include "anbu-store.h"

G_DEFINE_QUARK (anbu-store-error-quark, anbu_store_error)

G_DEFINE_INTERFACE (AnbuStore, anbu_store, G_TYPE_OBJECT)


static void
anbu_store_default_init (AnbuStoreInterface *iface)
{
}

gboolean
anbu_scope_contains (const AnbuScope             *scope,
                     const AnbuHouseholdScopeKey *key)
{
  gboolean closed = g_strcmp0 (key->status, "closed") == 0;

  switch (scope->role)
    {
    case ANBU_USER_ROLE_ADMIN:
      return TRUE;
    case ANBU_USER_ROLE_CONTROL:
      return !closed && key->night_consent;
    case ANBU_USER_ROLE_PLANNER:
      if (key->assigned_planner != NULL)
        return !closed && g_strcmp0 (key->assigned_planner, scope->user_id) == 0;
      return !closed && key->dong_code != NULL && scope->dong_codes != NULL
             && g_strv_contains ((const char * const *) scope->dong_codes, key->dong_code);
    default:
      return FALSE;
    }
}

AnbuStoreUser *
anbu_store_user_copy (const AnbuStoreUser *user)
{
  AnbuStoreUser *copy = g_new0 (AnbuStoreUser, 1);

  copy->id = g_strdup (user->id);
  copy->username = g_strdup (user->username);
  copy->display_name = g_strdup (user->display_name);
  copy->role = user->role;
  copy->dong_codes = g_strdupv (user->dong_codes);
  copy->password_hash = g_strdup (user->password_hash);
  copy->disabled = user->disabled;
  return copy;
}

void
anbu_store_user_free (AnbuStoreUser *user)
{
  if (user == NULL)
    return;
  g_free (user->id);
  g_free (user->username);
  g_free (user->display_name);
  g_strfreev (user->dong_codes);
  if (user->password_hash != NULL)
    memset (user->password_hash, 0, strlen (user->password_hash));
  g_free (user->password_hash);
  g_free (user);
}

AnbuStoreEntity *
anbu_store_entity_new (AnbuRecordKind kind)
{
  AnbuStoreEntity *entity = g_new0 (AnbuStoreEntity, 1);

  entity->kind = kind;
  return entity;
}

void
anbu_store_entity_free (AnbuStoreEntity *entity)
{
  if (entity == NULL)
    return;
  g_free (entity->id);
  g_free (entity->household_id);
  g_free (entity->record);
  g_free (entity->state);
  g_free (entity->scope_key.dong_code);
  g_free (entity->scope_key.status);
  g_free (entity->scope_key.assigned_planner);
  g_free (entity->field_versions);
  g_free (entity);
}

void
anbu_store_change_free (AnbuStoreChange *change)
{
  if (change == NULL)
    return;
  g_free (change->id);
  g_free (change->household_id);
  g_free (change->record);
  g_free (change);
}

static gint
compare_change_seq (gconstpointer a,
                    gconstpointer b)
{
  const AnbuStoreChange *x = *(AnbuStoreChange * const *) a;
  const AnbuStoreChange *y = *(AnbuStoreChange * const *) b;

  return (x->seq > y->seq) - (x->seq < y->seq);
}

gboolean
anbu_store_merge_changes (GPtrArray *changes,
                          guint      limit)
{
  guint kept = 0;

  g_return_val_if_fail (changes != NULL, FALSE);

  g_ptr_array_sort (changes, compare_change_seq);
  /* One change number is one change: parts that overlap give it twice. */
  for (guint i = 0; i < changes->len; i++)
    {
      AnbuStoreChange *change = g_ptr_array_index (changes, i);

      if (kept > 0 && ((AnbuStoreChange *) g_ptr_array_index (changes, kept - 1))->seq == change->seq)
        anbu_store_change_free (change);
      else
        changes->pdata[kept++] = change;
    }
  for (guint i = kept; i < changes->len; i++)
    changes->pdata[i] = NULL;
  g_ptr_array_set_size (changes, kept);
  if (changes->len <= limit)
    return FALSE;
  g_ptr_array_remove_range (changes, limit, changes->len - limit);
  return TRUE;
}

void
anbu_access_entry_free (AnbuAccessEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->at);
  g_free (entry->user_id);
  g_free (entry->username);
  g_free (entry->address);
  g_free (entry->method);
  g_free (entry->route);
  g_free (entry->household_id);
  g_free (entry);
}

void
anbu_stored_mutation_free (AnbuStoredMutation *mutation)
{
  if (mutation == NULL)
    return;
  g_free (mutation->id);
  g_free (mutation->user_id);
  g_free (mutation->kind);
  g_free (mutation->payload);
  g_free (mutation->result);
  g_free (mutation);
}

gboolean
anbu_store_begin (AnbuStore *self,
                  GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), FALSE);
  return ANBU_STORE_GET_IFACE (self)->begin (self, error);
}

gboolean
anbu_store_commit (AnbuStore *self,
                   GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), FALSE);
  return ANBU_STORE_GET_IFACE (self)->commit (self, error);
}

void
anbu_store_rollback (AnbuStore *self)
{
  g_return_if_fail (ANBU_IS_STORE (self));
  ANBU_STORE_GET_IFACE (self)->rollback (self);
}

gboolean
anbu_store_savepoint (AnbuStore *self,
                      GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), FALSE);
  return ANBU_STORE_GET_IFACE (self)->savepoint (self, error);
}

gboolean
anbu_store_release (AnbuStore *self,
                    GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), FALSE);
  return ANBU_STORE_GET_IFACE (self)->release (self, error);
}

void
anbu_store_rollback_to (AnbuStore *self)
{
  g_return_if_fail (ANBU_IS_STORE (self));
  ANBU_STORE_GET_IFACE (self)->rollback_to (self);
}

gboolean
anbu_store_add_user (AnbuStore *self,
                     const AnbuStoreUser *user,
                     GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), FALSE);
  return ANBU_STORE_GET_IFACE (self)->add_user (self, user, error);
}

AnbuStoreUser *
anbu_store_find_user (AnbuStore *self,
                      const char *username,
                      const char *id,
                      GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), NULL);
  return ANBU_STORE_GET_IFACE (self)->find_user (self, username, id, error);
}

gboolean
anbu_store_set_user_password (AnbuStore *self,
                              const char *user_id,
                              const char *password_hash,
                              GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), FALSE);
  return ANBU_STORE_GET_IFACE (self)->set_user_password (self, user_id, password_hash, error);
}

gboolean
anbu_store_set_user_disabled (AnbuStore *self,
                              const char *user_id,
                              gboolean disabled,
                              GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), FALSE);
  return ANBU_STORE_GET_IFACE (self)->set_user_disabled (self, user_id, disabled, error);
}

gboolean
anbu_store_add_session (AnbuStore *self,
                        const char *token_hash,
                        const char *user_id,
                        gint64 created_at,
                        gint64 expires_at,
                        const char *address,
                        GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), FALSE);
  return ANBU_STORE_GET_IFACE (self)->add_session (self, token_hash, user_id, created_at, expires_at,
                                                   address, error);
}

AnbuStoreUser *
anbu_store_find_session_user (AnbuStore *self,
                              const char *token_hash,
                              gint64 now,
                              GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), NULL);
  return ANBU_STORE_GET_IFACE (self)->find_session_user (self, token_hash, now, error);
}

gboolean
anbu_store_revoke_sessions (AnbuStore *self,
                            const char *token_hash,
                            const char *user_id,
                            gint64 now,
                            GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), FALSE);
  return ANBU_STORE_GET_IFACE (self)->revoke_sessions (self, token_hash, user_id, now, error);
}

AnbuStoreEntity *
anbu_store_load (AnbuStore *self,
                 AnbuRecordKind kind,
                 const char *id,
                 GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), NULL);
  return ANBU_STORE_GET_IFACE (self)->load (self, kind, id, error);
}

gboolean
anbu_store_save (AnbuStore *self,
                 AnbuStoreEntity *entity,
                 GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), FALSE);
  return ANBU_STORE_GET_IFACE (self)->save (self, entity, error);
}

GPtrArray *
anbu_store_changes (AnbuStore *self,
                    const AnbuScope *scope,
                    gint64 since,
                    guint limit,
                    gboolean *has_more,
                    gint64 *next,
                    GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), NULL);
  return ANBU_STORE_GET_IFACE (self)->changes (self, scope, since, limit, has_more, next, error);
}

AnbuStoredMutation *
anbu_store_find_mutation (AnbuStore *self,
                          const char *id,
                          GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), NULL);
  return ANBU_STORE_GET_IFACE (self)->find_mutation (self, id, error);
}

gboolean
anbu_store_add_mutation (AnbuStore *self,
                         const AnbuStoredMutation *mutation,
                         GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), FALSE);
  return ANBU_STORE_GET_IFACE (self)->add_mutation (self, mutation, error);
}

GPtrArray *
anbu_store_find_mutations (AnbuStore *self,
                           const char * const *ids,
                           GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), NULL);
  return ANBU_STORE_GET_IFACE (self)->find_mutations (self, ids, error);
}

GPtrArray *
anbu_store_load_many (AnbuStore *self,
                      AnbuRecordKind kind,
                      const char * const *ids,
                      GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), NULL);
  g_return_val_if_fail (kind < ANBU_RECORD_N_KINDS, NULL);
  return ANBU_STORE_GET_IFACE (self)->load_many (self, kind, ids, error);
}

GPtrArray *
anbu_store_list_unresolved_alerts_of (AnbuStore *self,
                                      const char * const *household_ids,
                                      GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), NULL);
  return ANBU_STORE_GET_IFACE (self)->list_unresolved_alerts_of (self, household_ids, error);
}

gboolean
anbu_store_add_facts (AnbuStore *self,
                      GPtrArray *entities,
                      GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), FALSE);
  for (guint i = 0; i < entities->len; i++)
    {
      const AnbuStoreEntity *entity = g_ptr_array_index (entities, i);

      g_return_val_if_fail (entity->kind == ANBU_RECORD_KIND_CONTACT
                            || entity->kind == ANBU_RECORD_KIND_VISIT
                            || entity->kind == ANBU_RECORD_KIND_ABSENCE, FALSE);
      g_return_val_if_fail (entity->id != NULL && entity->record != NULL && entity->version == 1, FALSE);
    }
  if (entities->len == 0)
    return TRUE;
  return ANBU_STORE_GET_IFACE (self)->add_facts (self, entities, error);
}

gboolean
anbu_store_add_mutations (AnbuStore *self,
                          GPtrArray *mutations,
                          GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), FALSE);
  if (mutations->len == 0)
    return TRUE;
  return ANBU_STORE_GET_IFACE (self)->add_mutations (self, mutations, error);
}

gboolean
anbu_store_log_access (AnbuStore *self,
                       const AnbuAccessEntry *entry,
                       const char * const *household_ids,
                       GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), FALSE);
  return ANBU_STORE_GET_IFACE (self)->log_access (self, entry, household_ids, error);
}

GPtrArray *
anbu_store_list_access (AnbuStore *self,
                        const char *household_id,
                        const char *user_id,
                        GError **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), NULL);
  return ANBU_STORE_GET_IFACE (self)->list_access (self, household_id, user_id, error);
}

GPtrArray *
anbu_store_list_unresolved_alerts (AnbuStore   *self,
                                   const char  *household_id,
                                   GError     **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), NULL);
  g_return_val_if_fail (household_id != NULL, NULL);
  return ANBU_STORE_GET_IFACE (self)->list_unresolved_alerts (self, household_id, error);
}

void
anbu_caseload_move_free (AnbuCaseloadMove *move)
{
  if (move == NULL)
    return;
  g_free (move->id);
  g_free (move->dong_code);
  g_free (move->household_id);
  g_free (move->from_user_id);
  g_free (move->to_user_id);
  g_free (move->created_by);
  g_free (move);
}

void
anbu_orphan_household_free (AnbuOrphanHousehold *orphan)
{
  if (orphan == NULL)
    return;
  g_free (orphan->household_id);
  g_free (orphan->dong_code);
  g_free (orphan->dong_name);
  g_free (orphan->name);
  g_free (orphan->planners);
  g_free (orphan);
}

gboolean
anbu_store_set_user_dong_codes (AnbuStore   *self,
                                const char  *user_id,
                                char       **dong_codes,
                                GError     **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), FALSE);
  return ANBU_STORE_GET_IFACE (self)->set_user_dong_codes (self, user_id, dong_codes, error);
}

gboolean
anbu_store_add_caseload_move (AnbuStore               *self,
                              const AnbuCaseloadMove  *move,
                              GError                 **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), FALSE);
  return ANBU_STORE_GET_IFACE (self)->add_caseload_move (self, move, error);
}

GPtrArray *
anbu_store_list_caseload_moves (AnbuStore  *self,
                                gboolean    pending_only,
                                GError    **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), NULL);
  return ANBU_STORE_GET_IFACE (self)->list_caseload_moves (self, pending_only, error);
}

gboolean
anbu_store_set_caseload_move_applied (AnbuStore   *self,
                                      const char  *move_id,
                                      gint64       applied_at,
                                      GError     **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), FALSE);
  return ANBU_STORE_GET_IFACE (self)->set_caseload_move_applied (self, move_id, applied_at, error);
}

GPtrArray *
anbu_store_list_dong_households (AnbuStore   *self,
                                 const char  *dong_code,
                                 GError     **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), NULL);
  return ANBU_STORE_GET_IFACE (self)->list_dong_households (self, dong_code, error);
}

gboolean
anbu_store_reassign_household (AnbuStore   *self,
                               const char  *household_id,
                               const char  *assigned_planner,
                               const char  *lost_by,
                               GError     **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), FALSE);
  return ANBU_STORE_GET_IFACE (self)->reassign_household (self, household_id, assigned_planner,
                                                          lost_by, error);
}

GPtrArray *
anbu_store_list_orphan_households (AnbuStore  *self,
                                   GError    **error)
{
  g_return_val_if_fail (ANBU_IS_STORE (self), NULL);
  return ANBU_STORE_GET_IFACE (self)->list_orphan_households (self, error);
}

gboolean
anbu_store_location_is_postgresql (const char *location)
{
  return location != NULL
         && (g_str_has_prefix (location, "postgresql://") || g_str_has_prefix (location, "postgres://"));
}

AnbuStore *
anbu_store_open (const char  *location,
                 GError     **error)
{
  g_return_val_if_fail (location != NULL, NULL);

  if (anbu_store_location_is_postgresql (location))
    {
#ifdef HAVE_POSTGRESQL
      return anbu_pg_store_open (location, error);
#else
      g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                   "This anbu-server was built without PostgreSQL (meson -Dpostgresql=enabled, libpq)");
      return NULL;
#endif
    }
  return anbu_sqlite_store_open (location, error);
}

gboolean
anbu_household_scope_key_equal (const AnbuHouseholdScopeKey *a,
                                const AnbuHouseholdScopeKey *b)
{
  return g_strcmp0 (a->dong_code, b->dong_code) == 0
         && !a->night_consent == !b->night_consent
         && g_strcmp0 (a->status, b->status) == 0;
}

char *
anbu_store_strv_to_json (char **strv)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

char **
anbu_store_strv_from_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *root;

  if (text != NULL && json_parser_load_from_data (parser, text, -1, NULL)
      && (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *value = json_array_get_string_element (array, i);

          if (value != NULL)
            g_strv_builder_add (builder, value);
        }
    }
  return g_strv_builder_end (builder);
}

gboolean
anbu_store_entity_follows (const AnbuStoreEntity  *old,
                           const AnbuStoreEntity  *entity,
                           GError                **error)
{
  if (entity->version == (old != NULL ? old->version + 1 : 1))
    return TRUE;
  g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
               "Version %" G_GINT64_FORMAT " does not follow the stored one", entity->version);
  return FALSE;
}
