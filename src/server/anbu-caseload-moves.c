/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-caseload-moves"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-api-error.h"
#include "anbu-caseload-moves.h"
#include "anbu-clock.h"
#include "anbu-household.h"
#include "anbu-kst.h"
#include "anbu-mutations.h"
#include "anbu-record-json.h"
#include "anbu-server-time.h"
#include "anbu-validate.h"

/* A planner who can take households over: a planner, not disabled. */
static AnbuStoreUser *
find_planner (AnbuStore   *store,
              const char  *username,
              const char  *field,
              gboolean     taking_over,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(AnbuStoreUser) user = anbu_store_find_user (store, username, NULL, &local_error);

  if (user == NULL)
    {
      if (g_error_matches (local_error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND))
        anbu_api_set_error (error, ANBU_API_ERROR_NOT_FOUND, field, _("There is no user %s"), username);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (user->role != ANBU_USER_ROLE_PLANNER)
    {
      anbu_api_set_error (error, ANBU_API_ERROR_INVALID_VALUE, field,
                          _("%s is not a welfare planner; only planners are responsible for households"),
                          username);
      return NULL;
    }
  if (taking_over && user->disabled)
    {
      anbu_api_set_error (error, ANBU_API_ERROR_INVALID_VALUE, field,
                          _("%s is disabled; the households would have no planner who can answer for them"),
                          username);
      return NULL;
    }
  return g_steal_pointer (&user);
}

static gboolean
has_dong (const AnbuStoreUser *user,
          const char          *dong_code)
{
  return user->dong_codes != NULL
         && g_strv_contains ((const char * const *) user->dong_codes, dong_code);
}

/* Whether `user` answers for the household now. */
static gboolean
is_responsible (const AnbuStoreUser   *user,
                const AnbuStoreEntity *household)
{
  if (household->scope_key.assigned_planner != NULL)
    return g_strcmp0 (household->scope_key.assigned_planner, user->id) == 0;
  return has_dong (user, household->scope_key.dong_code);
}

static gboolean
move_concerns (const AnbuCaseloadMove *move,
               const char             *household_id,
               const char             *dong_code)
{
  return g_strcmp0 (move->household_id, household_id) == 0
         || (move->dong_code != NULL && g_strcmp0 (move->dong_code, dong_code) == 0);
}

/* A second move of the same 동 or household before the first took effect
 * would be checked against a state that will no longer hold. */
static gboolean
check_nothing_waiting (AnbuStore   *store,
                       const char  *dong_code,
                       const char  *household_id,
                       GError     **error)
{
  g_autoptr(GPtrArray) pending = anbu_store_list_caseload_moves (store, TRUE, error);

  if (pending == NULL)
    return FALSE;
  for (guint i = 0; i < pending->len; i++)
    {
      AnbuCaseloadMove *move = g_ptr_array_index (pending, i);

      if ((dong_code != NULL && g_strcmp0 (move->dong_code, dong_code) == 0)
          || (household_id != NULL && g_strcmp0 (move->household_id, household_id) == 0))
        {
          anbu_api_set_error (error, ANBU_API_ERROR_INVALID_VALUE, "effective_at",
                              _("Another move of this caseload is already waiting for its time"));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_household_move (AnbuStore            *store,
                      const char           *household_id,
                      const AnbuStoreUser  *from,
                      GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(AnbuStoreEntity) household = NULL;

  household = anbu_store_load (store, ANBU_RECORD_KIND_HOUSEHOLD, household_id, &local_error);
  if (household == NULL)
    {
      if (g_error_matches (local_error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND))
        anbu_api_set_error (error, ANBU_API_ERROR_NOT_FOUND, "household_id", _("No such household"));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (g_strcmp0 (household->scope_key.status, "closed") == 0)
    {
      anbu_api_set_error (error, ANBU_API_ERROR_INVALID_VALUE, "household_id",
                          _("This case is closed; it has no planner to move"));
      return FALSE;
    }
  if (!is_responsible (from, household))
    {
      anbu_api_set_error (error, ANBU_API_ERROR_INVALID_VALUE, "from",
                          _("%s is not responsible for this household"), from->username);
      return FALSE;
    }
  return TRUE;
}

static AnbuCaseloadMove *
record_move (AnbuStore            *store,
             const char           *dong_code,
             const char           *household_id,
             const char           *from_username,
             const char           *to_username,
             gint64                effective_at,
             const char           *created_by,
             GError              **error)
{
  g_autoptr(AnbuStoreUser) from = NULL;
  g_autoptr(AnbuStoreUser) to = NULL;
  g_autoptr(AnbuCaseloadMove) move = NULL;

  if ((dong_code == NULL) == (household_id == NULL))
    {
      anbu_api_set_error (error, ANBU_API_ERROR_MISSING_FIELD, "dong_code",
                          _("Name either a 동 or one household to move"));
      return NULL;
    }
  if (dong_code != NULL && !anbu_validate_dong_code ("dong_code", dong_code, error))
    return NULL;
  if ((from = find_planner (store, from_username, "from", FALSE, error)) == NULL
      || (to = find_planner (store, to_username, "to", TRUE, error)) == NULL)
    return NULL;
  if (g_strcmp0 (from->id, to->id) == 0)
    {
      anbu_api_set_error (error, ANBU_API_ERROR_INVALID_VALUE, "to",
                          _("The new planner is the one who has it already"));
      return NULL;
    }
  if (dong_code != NULL && !has_dong (from, dong_code))
    {
      anbu_api_set_error (error, ANBU_API_ERROR_INVALID_VALUE, "from",
                          _("%s is not responsible for 동 %s"), from->username, dong_code);
      return NULL;
    }
  if (household_id != NULL && !check_household_move (store, household_id, from, error))
    return NULL;
  if (!check_nothing_waiting (store, dong_code, household_id, error))
    return NULL;

  move = g_new0 (AnbuCaseloadMove, 1);
  move->id = g_uuid_string_random ();
  move->dong_code = g_strdup (dong_code);
  move->household_id = g_strdup (household_id);
  move->from_user_id = g_strdup (from->id);
  move->to_user_id = g_strdup (to->id);
  move->effective_at = effective_at;
  move->created_at = anbu_clock_now_usec ();
  move->created_by = g_strdup (created_by);
  if (!anbu_store_add_caseload_move (store, move, error))
    return NULL;
  return g_steal_pointer (&move);
}

AnbuCaseloadMove *
anbu_caseload_moves_request (AnbuStore   *store,
                             const char  *dong_code,
                             const char  *household_id,
                             const char  *from_username,
                             const char  *to_username,
                             gint64       effective_at,
                             const char  *created_by,
                             GError     **error)
{
  g_autoptr(AnbuCaseloadMove) move = NULL;
  gint64 now = anbu_clock_now_usec ();
  g_autoptr(GPtrArray) moves = NULL;

  g_return_val_if_fail (ANBU_IS_STORE (store), NULL);

  if (!anbu_store_begin (store, error))
    return NULL;
  move = record_move (store, dong_code, household_id, from_username, to_username, effective_at,
                      created_by, error);
  if (move == NULL || !anbu_store_commit (store, error))
    {
      anbu_store_rollback (store);
      return NULL;
    }
  if (effective_at <= now && anbu_caseload_moves_apply_due (store, now, error) < 0)
    return NULL;

  /* Answer with the stored state (applied or waiting). */
  moves = anbu_store_list_caseload_moves (store, FALSE, error);
  if (moves == NULL)
    return NULL;
  for (guint i = 0; i < moves->len; i++)
    {
      AnbuCaseloadMove *stored = g_ptr_array_index (moves, i);

      if (g_strcmp0 (stored->id, move->id) == 0)
        move->applied_at = stored->applied_at;
    }
  return g_steal_pointer (&move);
}

/* The record names its planner too, so the new planner's app shows it. */
static gboolean
set_record_planner (AnbuStore   *store,
                    const char  *household_id,
                    const char  *planner_id,
                    GError     **error)
{
  g_autoptr(AnbuStoreEntity) entity = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonObject) versions = NULL;
  g_autoptr(AnbuHousehold) household = NULL;
  g_autofree char *versions_text = NULL;

  entity = anbu_store_load (store, ANBU_RECORD_KIND_HOUSEHOLD, household_id, error);
  if (entity == NULL)
    return FALSE;
  object = anbu_json_parse_object (entity->record, -1, NULL);
  household = object != NULL ? anbu_household_from_json (object, NULL) : NULL;
  versions = anbu_json_parse_object (entity->field_versions, -1, NULL);
  if (household == NULL || versions == NULL)
    {
      g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                   "A stored household does not read back");
      return FALSE;
    }
  if (g_strcmp0 (household->planner_id, planner_id) == 0)
    return TRUE;
  g_free (household->planner_id);
  household->planner_id = g_strdup (planner_id);
  json_object_set_int_member (versions, "planner_id", entity->version + 1);
  versions_text = anbu_json_object_to_string (versions);
  return anbu_mutations_save_household (store, household, versions_text, entity->version, NULL, error);
}

/* Hands one household over: `assigned` is the planner it is given to, or
 * NULL when it follows its 동 (whose codes already changed hands). */
static gboolean
hand_over (AnbuStore               *store,
           const char              *household_id,
           const char              *assigned,
           const AnbuCaseloadMove  *move,
           GError                 **error)
{
  return set_record_planner (store, household_id, move->to_user_id, error)
         && anbu_store_reassign_household (store, household_id, assigned, move->from_user_id, error);
}

static gboolean
apply_dong_move (AnbuStore               *store,
                 const AnbuCaseloadMove  *move,
                 AnbuStoreUser           *from,
                 AnbuStoreUser           *to,
                 GError                 **error)
{
  g_autoptr(GStrvBuilder) from_codes = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) to_codes = g_strv_builder_new ();
  g_auto(GStrv) from_list = NULL;
  g_auto(GStrv) to_list = NULL;
  g_autoptr(GPtrArray) households = NULL;

  for (guint i = 0; from->dong_codes != NULL && from->dong_codes[i] != NULL; i++)
    if (g_strcmp0 (from->dong_codes[i], move->dong_code) != 0)
      g_strv_builder_add (from_codes, from->dong_codes[i]);
  if (to->dong_codes != NULL)
    g_strv_builder_addv (to_codes, (const char **) to->dong_codes);
  if (!has_dong (to, move->dong_code))
    g_strv_builder_add (to_codes, move->dong_code);
  from_list = g_strv_builder_end (from_codes);
  to_list = g_strv_builder_end (to_codes);
  if (!anbu_store_set_user_dong_codes (store, from->id, from_list, error)
      || !anbu_store_set_user_dong_codes (store, to->id, to_list, error))
    return FALSE;

  households = anbu_store_list_dong_households (store, move->dong_code, error);
  if (households == NULL)
    return FALSE;
  for (guint i = 0; i < households->len; i++)
    {
      const char *id = g_ptr_array_index (households, i);
      g_autoptr(AnbuStoreEntity) entity = anbu_store_load (store, ANBU_RECORD_KIND_HOUSEHOLD, id, error);
      const char *assigned;

      if (entity == NULL)
        return FALSE;
      assigned = entity->scope_key.assigned_planner;
      /* Closed cases have no planner; households given to someone else
       * one by one stay with them. */
      if (g_strcmp0 (entity->scope_key.status, "closed") == 0
          || (assigned != NULL && g_strcmp0 (assigned, from->id) != 0))
        continue;
      if (!hand_over (store, id, assigned != NULL ? to->id : NULL, move, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
apply_move (AnbuStore               *store,
            const AnbuCaseloadMove  *move,
            gint64                   now,
            gboolean                *applied,
            GError                 **error)
{
  g_autoptr(AnbuStoreUser) from = anbu_store_find_user (store, NULL, move->from_user_id, error);
  g_autoptr(AnbuStoreUser) to = NULL;

  *applied = FALSE;
  if (from == NULL || (to = anbu_store_find_user (store, NULL, move->to_user_id, error)) == NULL)
    return FALSE;
  /* Never leave households with someone who cannot answer for them: the
   * old planner keeps them until an administrator decides again. */
  if (to->disabled || to->role != ANBU_USER_ROLE_PLANNER)
    {
      g_warning ("Caseload move %s waits: its new planner %s cannot take households over",
                 move->id, to->username);
      return TRUE;
    }
  if (move->dong_code != NULL)
    {
      if (!apply_dong_move (store, move, from, to, error))
        return FALSE;
    }
  else
    {
      g_autoptr(AnbuStoreEntity) entity = anbu_store_load (store, ANBU_RECORD_KIND_HOUSEHOLD,
                                                           move->household_id, error);

      if (entity == NULL || !hand_over (store, move->household_id, to->id, move, error))
        return FALSE;
    }
  *applied = TRUE;
  return anbu_store_set_caseload_move_applied (store, move->id, now, error);
}

gint
anbu_caseload_moves_apply_due (AnbuStore  *store,
                               gint64      now,
                               GError    **error)
{
  g_autoptr(GPtrArray) pending = NULL;
  gint count = 0;

  g_return_val_if_fail (ANBU_IS_STORE (store), -1);

  pending = anbu_store_list_caseload_moves (store, TRUE, error);
  if (pending == NULL)
    return -1;
  for (guint i = 0; i < pending->len; i++)
    {
      AnbuCaseloadMove *move = g_ptr_array_index (pending, i);
      gboolean applied = FALSE;

      if (move->effective_at > now)
        break;
      /* One transaction per move: a move is wholly done or not at all. */
      if (!anbu_store_begin (store, error))
        return -1;
      if (!apply_move (store, move, now, &applied, error) || !anbu_store_commit (store, error))
        {
          anbu_store_rollback (store);
          return -1;
        }
      if (applied)
        count++;
    }
  return count;
}

gboolean
anbu_caseload_moves_was_responsible (AnbuStore              *store,
                                     const AnbuStoreUser    *user,
                                     const AnbuStoreEntity  *household,
                                     gint64                  at,
                                     GError                **error)
{
  g_autoptr(GPtrArray) moves = NULL;
  gint64 now = anbu_clock_now_usec ();
  const AnbuCaseloadMove *lost = NULL;

  g_return_val_if_fail (ANBU_IS_STORE (store), FALSE);

  /* A change stamped in the future is taken as made now. */
  if (at <= 0 || at > now)
    at = now;
  moves = anbu_store_list_caseload_moves (store, FALSE, error);
  if (moves == NULL)
    return FALSE;
  /* The first applied move after the change says who had the household
   * when it was made. */
  for (guint i = 0; i < moves->len; i++)
    {
      const AnbuCaseloadMove *move = g_ptr_array_index (moves, i);

      if (move->applied_at == 0 || !move_concerns (move, household->id, household->scope_key.dong_code))
        continue;
      if (move->effective_at > at)
        {
          if (g_strcmp0 (move->from_user_id, user->id) == 0)
            return TRUE;
          break;
        }
      if (g_strcmp0 (move->from_user_id, user->id) == 0)
        lost = move;
      else if (g_strcmp0 (move->to_user_id, user->id) == 0)
        lost = NULL;
    }
  if (lost != NULL)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (lost->effective_at / G_USEC_PER_SEC);
      g_autofree char *text = anbu_kst_format_date_time (when);

      anbu_api_set_error (error, ANBU_API_ERROR_MOVED, NULL,
                          _("This household moved to another planner on %s; changes made after that are not accepted"),
                          text);
    }
  return FALSE;
}

static void
set_time_member (JsonObject  *object,
                 const char  *member,
                 gint64       usec)
{
  g_autofree char *text = anbu_server_time_format (usec / G_USEC_PER_SEC);

  json_object_set_string_member (object, member, text);
}

static void
set_username_member (AnbuStore   *store,
                     JsonObject  *object,
                     const char  *member,
                     const char  *user_id)
{
  g_autoptr(AnbuStoreUser) user = anbu_store_find_user (store, NULL, user_id, NULL);

  json_object_set_string_member (object, member, user != NULL ? user->username : user_id);
}

JsonObject *
anbu_caseload_move_to_json (AnbuStore               *store,
                            const AnbuCaseloadMove  *move)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "id", move->id);
  if (move->dong_code != NULL)
    json_object_set_string_member (object, "dong_code", move->dong_code);
  if (move->household_id != NULL)
    json_object_set_string_member (object, "household_id", move->household_id);
  set_username_member (store, object, "from", move->from_user_id);
  set_username_member (store, object, "to", move->to_user_id);
  set_time_member (object, "effective_at", move->effective_at);
  set_time_member (object, "created_at", move->created_at);
  json_object_set_string_member (object, "created_by", move->created_by);
  if (move->applied_at != 0)
    set_time_member (object, "applied_at", move->applied_at);
  return object;
}

JsonObject *
anbu_orphan_household_to_json (const AnbuOrphanHousehold *orphan)
{
  JsonObject *object = json_object_new ();
  JsonArray *planners = json_array_new ();
  g_auto(GStrv) names = orphan->planners != NULL ? g_strsplit (orphan->planners, ",", -1) : NULL;

  json_object_set_string_member (object, "household_id", orphan->household_id);
  json_object_set_string_member (object, "dong_code", orphan->dong_code);
  if (orphan->dong_name != NULL)
    json_object_set_string_member (object, "dong_name", orphan->dong_name);
  if (orphan->name != NULL)
    json_object_set_string_member (object, "name", orphan->name);
  json_object_set_string_member (object, "reason", names != NULL ? "disabled" : "missing");
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    json_array_add_string_element (planners, names[i]);
  json_object_set_array_member (object, "planners", planners);
  return object;
}
