/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-replica"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-clock.h"
#include "anbu-mutation-apply.h"
#include "anbu-mutation.h"
#include "anbu-replica-private.h"
#include "anbu-user.h"

/* The planner's changes: applied to the local records with the rules the
 * server stores by and written to the outbox in the same transaction; and
 * the answers to conflicts and rejections. */

/* ---------------------------------------------------------------------- */
/* Local changes                                                           */

typedef struct
{
  char *mutation_kind;
  char *payload_json;
  char *household_id;   /* update_household: the target */
  char *mutation_id;    /* result */
} ChangeData;

static void
change_data_free (gpointer data)
{
  ChangeData *change = data;

  g_free (change->mutation_kind);
  g_free (change->payload_json);
  g_free (change->household_id);
  g_free (change->mutation_id);
  g_free (change);
}

static gboolean
write_local_record (AnbuReplica  *self,
                    const char   *kind,
                    const char   *id,
                    const char   *household_id,
                    gint64        version,
                    JsonObject   *record,
                    GError      **error)
{
  g_autofree char *text = _anbu_replica_object_to_string (record);
  sqlite3_stmt *stmt;
  gsize len = 0;
  guint8 *blob;

  stmt = _anbu_replica_statement (self, "INSERT INTO records (kind, id, household_id, version, body) "
                                        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET "
                                        "household_id = excluded.household_id, body = excluded.body", error);
  if (stmt == NULL)
    return FALSE;
  blob = _anbu_replica_encrypt_text (self, text, kind, id, &len);
  _anbu_replica_bind_text (stmt, 1, kind);
  _anbu_replica_bind_text (stmt, 2, id);
  _anbu_replica_bind_text (stmt, 3, household_id);
  sqlite3_bind_int64 (stmt, 4, version);
  _anbu_replica_bind_blob_take (stmt, 5, blob, len);
  return _anbu_replica_step_done (self, stmt, error);
}

static gboolean
record_exists (AnbuReplica  *self,
               const char   *kind,
               const char   *id,
               gboolean     *exists,
               GError      **error)
{
  sqlite3_stmt *stmt = _anbu_replica_statement (self, "SELECT 1 FROM records WHERE kind = ? AND id = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  _anbu_replica_bind_text (stmt, 1, kind);
  _anbu_replica_bind_text (stmt, 2, id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _anbu_replica_set_sqlite_error (self, error, rc);
      return FALSE;
    }
  *exists = rc == SQLITE_ROW;
  return TRUE;
}

static gboolean
write_outbox_entry (AnbuReplica  *self,
                    const char   *mutation_id,
                    const char   *mutation_kind,
                    const char   *household_id,
                    JsonObject   *payload,
                    GError      **error)
{
  g_autofree char *text = _anbu_replica_object_to_string (payload);
  sqlite3_stmt *stmt;
  gsize len = 0;
  guint8 *blob;

  stmt = _anbu_replica_statement (self, "INSERT INTO outbox (id, kind, household_id, state, created_at, payload) "
                                        "VALUES (?, ?, ?, 'pending', ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  blob = _anbu_replica_encrypt_text (self, text, "outbox", mutation_id, &len);
  _anbu_replica_bind_text (stmt, 1, mutation_id);
  _anbu_replica_bind_text (stmt, 2, mutation_kind);
  _anbu_replica_bind_text (stmt, 3, household_id);
  sqlite3_bind_int64 (stmt, 4, anbu_clock_now_usec ());
  _anbu_replica_bind_blob_take (stmt, 5, blob, len);
  return _anbu_replica_step_done (self, stmt, error);
}

/* A record of the local copy, typed, or NULL without error when it is not
 * here and @required is FALSE. */
static gboolean
load_typed_record (AnbuReplica  *self,
                   const char   *kind,
                   const char   *id,
                   gboolean      required,
                   gpointer     *typed,
                   gint64       *version,
                   GError      **error)
{
  g_autoptr(JsonObject) object = NULL;
  gboolean exists = TRUE;

  *typed = NULL;
  *version = 0;
  if (!required && !record_exists (self, kind, id, &exists, error))
    return FALSE;
  if (!exists)
    return TRUE;
  object = _anbu_replica_load_record (self, kind, id, version, NULL, error);
  if (object == NULL)
    return FALSE;
  if (g_str_equal (kind, "household"))
    *typed = anbu_household_from_json (object, error);
  else if (g_str_equal (kind, "plug"))
    *typed = anbu_plug_from_json (object, error);
  else if (g_str_equal (kind, "alert"))
    *typed = anbu_alert_from_json (object, error);
  else
    g_return_val_if_reached (FALSE);
  return *typed != NULL;
}

static gboolean
write_typed_record (AnbuReplica  *self,
                    const char   *kind,
                    const char   *id,
                    const char   *household_id,
                    gint64        version,
                    JsonObject   *record,
                    GError      **error)
{
  g_autoptr(JsonObject) owned = record;

  return write_local_record (self, kind, id, household_id, version, owned, error);
}

/* Who records the change, as the server will know them: the signed-in user. */
static AnbuUser *
dup_actor (AnbuReplica *self)
{
  g_autofree char *text = anbu_replica_dup_secret (self, "user");
  g_autoptr(JsonObject) object = text ? _anbu_replica_parse_object (text, NULL) : NULL;

  return object ? anbu_user_from_json (object, NULL) : NULL;
}

/* Applies @payload of @kind to the local records with the rules the server
 * stores by (anbu-mutation-apply.h), so the planner sees offline what the
 * server will keep; sets *household_id to the household it concerns. Runs
 * inside the transaction that writes the outbox entry. */
static gboolean
apply_local_change (AnbuReplica         *self,
                    const MutationKind  *kind,
                    JsonObject          *payload,
                    char               **household_id,
                    guint               *kinds_changed,
                    GError             **error)
{
  const char *id = _anbu_replica_object_get_string (payload, kind->id_member);
  g_auto(AnbuMutationRecords) records = { 0 };
  g_autoptr(AnbuUser) user = dup_actor (self);
  AnbuMutationActor actor = { NULL, ANBU_USER_ROLE_ADMIN };
  AnbuMutationKind mutation_kind;
  const char *hh = NULL;
  gint64 version = 0, old_version = 0, household_version = 0;

  if (!anbu_mutation_kind_from_string (kind->mutation, &mutation_kind))
    g_return_val_if_reached (FALSE);
  if (user != NULL)
    {
      actor.user_id = user->id;
      actor.role = user->role;
      actor.display_name = user->display_name;
    }
  if (id == NULL || *id == '\0')
    {
      _anbu_replica_set_invalid (error, kind->id_member);
      return FALSE;
    }

  *kinds_changed |= _anbu_replica_record_kind_bit (kind->record_kind);

  switch (mutation_kind)
    {
    case ANBU_MUTATION_KIND_HOUSEHOLD_CREATE:
    case ANBU_MUTATION_KIND_VISIT_CREATE:
    case ANBU_MUTATION_KIND_CONTACT_CREATE:
    case ANBU_MUTATION_KIND_ABSENCE_CREATE:
      {
        gboolean exists = FALSE;

        hh = mutation_kind == ANBU_MUTATION_KIND_HOUSEHOLD_CREATE
             ? id : _anbu_replica_object_get_string (payload, "household_id");
        if (!record_exists (self, kind->record_kind, id, &exists, error))
          return FALSE;
        if (exists)
          {
            g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_INVALID,
                         _("This record was already recorded"));
            return FALSE;
          }
        if (mutation_kind != ANBU_MUTATION_KIND_HOUSEHOLD_CREATE
            && !load_typed_record (self, "household", hh, FALSE, (gpointer *) &records.household,
                                   &household_version, error))
          return FALSE;
        break;
      }
    case ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE:
    case ANBU_MUTATION_KIND_HOUSEHOLD_CLOSE:
      hh = id;
      if (!load_typed_record (self, "household", id, TRUE, (gpointer *) &records.household,
                              &version, error))
        return FALSE;
      /* An edit starts from the version shown here. */
      if (mutation_kind == ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE
          && !json_object_has_member (payload, "base_version"))
        json_object_set_int_member (payload, "base_version", records.household->version);
      break;
    case ANBU_MUTATION_KIND_PLUG_INSTALL:
      hh = _anbu_replica_object_get_string (payload, "household_id");
      if (!load_typed_record (self, "household", hh, FALSE, (gpointer *) &records.household,
                              &household_version, error)
          || !load_typed_record (self, "plug", id, FALSE, (gpointer *) &records.plug, &version,
                                 error))
        return FALSE;
      break;
    case ANBU_MUTATION_KIND_PLUG_REPLACE:
      hh = _anbu_replica_object_get_string (payload, "household_id");
      if (!load_typed_record (self, "household", hh, FALSE, (gpointer *) &records.household,
                              &household_version, error)
          || !load_typed_record (self, "plug", _anbu_replica_object_get_string (payload, "old_serial"), TRUE,
                                 (gpointer *) &records.old_plug, &old_version, error)
          || !load_typed_record (self, "plug", id, FALSE, (gpointer *) &records.plug, &version,
                                 error))
        return FALSE;
      break;
    case ANBU_MUTATION_KIND_PLUG_REMOVE:
    case ANBU_MUTATION_KIND_PLUG_MARK:
      if (!load_typed_record (self, "plug", id, TRUE, (gpointer *) &records.plug, &version, error))
        return FALSE;
      hh = records.plug->household_id;
      break;
    case ANBU_MUTATION_KIND_ALERT_ACKNOWLEDGE:
    case ANBU_MUTATION_KIND_ALERT_RESOLVE:
    case ANBU_MUTATION_KIND_ALERT_CLAIM:
      if (!load_typed_record (self, "alert", id, TRUE, (gpointer *) &records.alert, &version,
                              error))
        return FALSE;
      hh = records.alert->household_id;
      break;
    default:
      g_return_val_if_reached (FALSE);
    }

  if (hh == NULL)
    {
      _anbu_replica_set_invalid (error, "household_id");
      return FALSE;
    }
  *household_id = g_strdup (hh);

  if (!anbu_mutation_apply (mutation_kind, payload, &actor, &records, error))
    return FALSE;
  /* The server would refuse a new household outside the user's scope: say
   * so now, rather than queue a change that can only come back rejected. */
  if (mutation_kind == ANBU_MUTATION_KIND_HOUSEHOLD_CREATE && user != NULL
      && !anbu_user_may_register_household (user, records.household->dong_code,
                                            records.household->night_consent, error))
    return FALSE;
  if (!records.changed)
    return TRUE;

  /* Versions stay what the server last said: it assigns the next one. */
  switch (mutation_kind)
    {
    case ANBU_MUTATION_KIND_HOUSEHOLD_CREATE:
    case ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE:
    case ANBU_MUTATION_KIND_HOUSEHOLD_CLOSE:
      return write_typed_record (self, "household", id, hh, version,
                                 anbu_household_to_json (records.household), error);
    case ANBU_MUTATION_KIND_PLUG_REPLACE:
      if (!write_typed_record (self, "plug", records.old_plug->serial, hh, old_version,
                               anbu_plug_to_json (records.old_plug), error))
        return FALSE;
      G_GNUC_FALLTHROUGH;
    case ANBU_MUTATION_KIND_PLUG_INSTALL:
    case ANBU_MUTATION_KIND_PLUG_REMOVE:
    case ANBU_MUTATION_KIND_PLUG_MARK:
      return write_typed_record (self, "plug", id, hh, version,
                                 anbu_plug_to_json (records.plug), error);
    case ANBU_MUTATION_KIND_VISIT_CREATE:
      return write_typed_record (self, "visit", id, hh, 0, anbu_visit_to_json (records.visit),
                                 error);
    case ANBU_MUTATION_KIND_CONTACT_CREATE:
      return write_typed_record (self, "contact", id, hh, 0,
                                 anbu_contact_to_json (records.contact), error);
    case ANBU_MUTATION_KIND_ABSENCE_CREATE:
      return write_typed_record (self, "absence", id, hh, 0,
                                 anbu_absence_to_json (records.absence), error);
    case ANBU_MUTATION_KIND_ALERT_ACKNOWLEDGE:
    case ANBU_MUTATION_KIND_ALERT_RESOLVE:
    case ANBU_MUTATION_KIND_ALERT_CLAIM:
      return write_typed_record (self, "alert", id, hh, version,
                                 anbu_alert_to_json (records.alert), error);
    default:
      g_return_val_if_reached (FALSE);
    }
}

static gboolean
validate_change (const MutationKind  *kind,
                 JsonObject          *payload,
                 GError             **error)
{
  AnbuMutationKind mutation_kind;
  gboolean added_base = FALSE;
  gboolean valid;

  if (!anbu_mutation_kind_from_string (kind->mutation, &mutation_kind))
    g_return_val_if_reached (FALSE);
  if (mutation_kind == ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE
      && !json_object_has_member (payload, "base_version"))
    {
      json_object_set_int_member (payload, "base_version", 0);
      added_base = TRUE;
    }
  valid = anbu_mutation_validate_payload (mutation_kind, payload, error);
  if (added_base)
    json_object_remove_member (payload, "base_version");
  return valid;
}

/* Parses, completes and checks one change (nothing is written yet): the
 * payload ready to apply, or NULL with the error. */
static JsonObject *
prepare_change (ChangeData          *change,
                const MutationKind **kind_out,
                GError             **error)
{
  g_autoptr(JsonObject) payload = NULL;
  const MutationKind *kind = _anbu_replica_find_mutation_kind (change->mutation_kind);

  payload = _anbu_replica_parse_object (change->payload_json, NULL);
  if (payload == NULL || kind == NULL)
    {
      g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_INVALID,
                   _("Unknown kind of change “%s”"), change->mutation_kind);
      return NULL;
    }

  if (change->household_id != NULL)
    {
      /* update_household: @payload holds only the fields. */
      g_autoptr(JsonObject) wrapper = json_object_new ();

      json_object_set_string_member (wrapper, "id", change->household_id);
      json_object_set_object_member (wrapper, "fields", g_steal_pointer (&payload));
      payload = g_steal_pointer (&wrapper);
    }

  /* Facts born here get their id here, so a resend is harmless. */
  if (g_str_has_suffix (kind->mutation, ".create") && !json_object_has_member (payload, "id"))
    {
      g_autofree char *id = g_uuid_string_random ();

      json_object_set_string_member (payload, "id", id);
    }

  change->mutation_id = g_uuid_string_random ();

  /* The same rules as the server's (src/core), checked before anything is
   * written; household.update gets its base version inside the transaction. */
  if (!validate_change (kind, payload, error))
    return NULL;
  *kind_out = kind;
  return g_steal_pointer (&payload);
}

/* Several changes (one form's) in one transaction: all of them with their
 * outbox entries, or, when the disk refuses any, none. Each ChangeData gets
 * its mutation id. */
static gboolean
record_changes (AnbuReplica  *self,
                GPtrArray    *changes,
                GError      **error)
{
  g_autoptr(GPtrArray) payloads = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autofree const MutationKind **kinds = g_new0 (const MutationKind *, changes->len);
  guint kinds_changed = 0;

  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *payload = prepare_change (changes->pdata[i], &kinds[i], error);

      if (payload == NULL)
        return FALSE;
      g_ptr_array_add (payloads, payload);
    }

  if (!_anbu_replica_begin (self, error))
    return FALSE;
  for (guint i = 0; i < changes->len; i++)
    {
      ChangeData *change = changes->pdata[i];
      g_autofree char *household_id = NULL;

      if (!apply_local_change (self, kinds[i], payloads->pdata[i], &household_id, &kinds_changed, error)
          || !write_outbox_entry (self, change->mutation_id, kinds[i]->mutation, household_id,
                                  payloads->pdata[i], error))
        {
          _anbu_replica_rollback (self);
          return FALSE;
        }
    }
  if (!_anbu_replica_commit (self, error))
    {
      _anbu_replica_rollback (self);
      return FALSE;
    }
  _anbu_replica_publish (self, kinds_changed, TRUE);
  return TRUE;
}

static void
record_changes_job (AnbuReplica *self,
                    GTask       *task,
                    gpointer     task_data)
{
  GPtrArray *changes = task_data;
  GError *error = NULL;
  GStrvBuilder *ids;

  if (!record_changes (self, changes, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  ids = g_strv_builder_new ();
  for (guint i = 0; i < changes->len; i++)
    g_strv_builder_add (ids, ((ChangeData *) changes->pdata[i])->mutation_id);
  g_task_return_pointer (task, g_strv_builder_end (ids), (GDestroyNotify) g_strfreev);
  g_strv_builder_unref (ids);
}

static void
record_change_job (AnbuReplica *self,
                   GTask       *task,
                   gpointer     task_data)
{
  ChangeData *change = task_data;
  g_autoptr(GPtrArray) one = g_ptr_array_new ();
  GError *error = NULL;

  g_ptr_array_add (one, change);
  if (!record_changes (self, one, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_strdup (change->mutation_id), g_free);
}

/* ---------------------------------------------------------------------- */
/* Conflicts and rejections                                                */

typedef struct
{
  char                   *mutation_id;
  char                   *field;
  AnbuConflictResolution  resolution;
} ResolveData;

static void
resolve_data_free (gpointer data)
{
  ResolveData *resolve = data;

  g_free (resolve->mutation_id);
  g_free (resolve->field);
  g_free (resolve);
}

static gboolean
resolve_conflict (AnbuReplica   *self,
                  ResolveData   *resolve,
                  guint         *kinds_changed,
                  GError       **error)
{
  g_autofree char *context = g_strconcat (resolve->mutation_id, "/", resolve->field, NULL);
  g_autofree char *household_id = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) record = NULL;
  JsonNode *chosen;
  sqlite3_stmt *stmt;
  gint64 server_version = 0;
  gint64 version = 0;
  gint64 remaining = 0;
  int rc;

  stmt = _anbu_replica_statement (self, "SELECT household_id, server_version, body FROM conflicts "
                                        "WHERE mutation_id = ? AND field = ?", error);
  if (stmt == NULL)
    return FALSE;
  _anbu_replica_bind_text (stmt, 1, resolve->mutation_id);
  _anbu_replica_bind_text (stmt, 2, resolve->field);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      household_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      server_version = sqlite3_column_int64 (stmt, 1);
      text = _anbu_replica_decrypt_column (self, stmt, 2, "conflict", context, error);
    }
  else if (rc == SQLITE_DONE)
    g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_UNKNOWN,
                 _("This conflict was already resolved"));
  else
    _anbu_replica_set_sqlite_error (self, error, rc);
  sqlite3_reset (stmt);
  if (text == NULL || (body = _anbu_replica_parse_object (text, error)) == NULL)
    return FALSE;

  chosen = json_object_get_member (body, resolve->resolution == ANBU_CONFLICT_KEEP_MINE
                                            ? "mine" : "theirs");
  if (chosen == NULL)
    {
      _anbu_replica_set_damaged_error (error);
      return FALSE;
    }

  /* The household may have left the caseload meanwhile: then only the
   * conflict goes. */
  record = _anbu_replica_load_record (self, "household", household_id, &version, NULL, NULL);
  if (record != NULL)
    {
      json_object_set_member (record, resolve->field, json_node_copy (chosen));
      if (!write_local_record (self, "household", household_id, household_id, version, record,
                               error))
        return FALSE;
      *kinds_changed |= _anbu_replica_record_kind_bit ("household");
    }

  if (resolve->resolution == ANBU_CONFLICT_KEEP_MINE)
    {
      g_autoptr(JsonObject) payload = json_object_new ();
      g_autoptr(JsonObject) fields = json_object_new ();
      g_autofree char *mutation_id = g_uuid_string_random ();

      json_object_set_member (fields, resolve->field, json_node_copy (chosen));
      json_object_set_string_member (payload, "id", household_id);
      json_object_set_int_member (payload, "base_version", MAX (server_version, version));
      json_object_set_object_member (payload, "fields", g_steal_pointer (&fields));
      if (!write_outbox_entry (self, mutation_id, "household.update", household_id, payload, error))
        return FALSE;
    }

  stmt = _anbu_replica_statement (self, "DELETE FROM conflicts WHERE mutation_id = ? AND field = ?", error);
  if (stmt == NULL)
    return FALSE;
  _anbu_replica_bind_text (stmt, 1, resolve->mutation_id);
  _anbu_replica_bind_text (stmt, 2, resolve->field);
  if (!_anbu_replica_step_done (self, stmt, error))
    return FALSE;

  stmt = _anbu_replica_statement (self, "SELECT count(*) FROM conflicts WHERE mutation_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  _anbu_replica_bind_text (stmt, 1, resolve->mutation_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    remaining = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (remaining == 0)
    {
      stmt = _anbu_replica_statement (self, "DELETE FROM outbox WHERE id = ? AND state = 'conflict'", error);
      if (stmt == NULL)
        return FALSE;
      _anbu_replica_bind_text (stmt, 1, resolve->mutation_id);
      if (!_anbu_replica_step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static void
resolve_conflict_job (AnbuReplica *self,
                      GTask       *task,
                      gpointer     task_data)
{
  g_autoptr(GError) error = NULL;
  guint kinds_changed = 0;

  if (!_anbu_replica_begin (self, &error)
      || !resolve_conflict (self, task_data, &kinds_changed, &error)
      || !_anbu_replica_commit (self, &error))
    {
      _anbu_replica_rollback (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  _anbu_replica_publish (self, kinds_changed, TRUE);
  g_task_return_boolean (task, TRUE);
}

static void
dismiss_rejection_job (AnbuReplica *self,
                       GTask       *task,
                       gpointer     task_data)
{
  ResolveData *resolve = task_data;
  GError *error = NULL;
  sqlite3_stmt *stmt = _anbu_replica_statement (self, "DELETE FROM outbox WHERE id = ? AND state = 'rejected'",
                                                &error);

  if (stmt == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  _anbu_replica_bind_text (stmt, 1, resolve->mutation_id);
  if (!_anbu_replica_step_done (self, stmt, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (sqlite3_changes (self->db) == 0)
    {
      g_task_return_new_error (task, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_UNKNOWN,
                               _("There is no such refused change"));
      return;
    }
  _anbu_replica_publish (self, 0, TRUE);
  g_task_return_boolean (task, TRUE);
}

/* ---------------------------------------------------------------------- */
/* Public API                                                              */

/**
 * anbu_replica_record_change_async:
 * @mutation_kind: one of the kinds of docs/api.md ("visit.create", …)
 * @payload: its payload; for *.create an "id" is made if missing
 *
 * Applies a local change to the replica and queues it in the outbox, in one
 * transaction: either both happen or neither. The finish function returns
 * the mutation id (a new UUID).
 */
void
anbu_replica_record_change_async (AnbuReplica         *self,
                                  const char          *mutation_kind,
                                  JsonObject          *payload,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ChangeData *change = g_new0 (ChangeData, 1);

  g_return_if_fail (ANBU_IS_REPLICA (self));
  g_return_if_fail (mutation_kind != NULL);
  g_return_if_fail (payload != NULL);

  change->mutation_kind = g_strdup (mutation_kind);
  change->payload_json = _anbu_replica_object_to_string (payload);
  task = _anbu_replica_new_task (self, cancellable, callback, user_data, anbu_replica_record_change_async,
                                 change, change_data_free);
  _anbu_replica_run_job (self, task, record_change_job);
}

/**
 * anbu_replica_update_household_async:
 * @fields: the household fields the planner changed, with their new values
 *
 * Edits a household in place and queues a household.update from its
 * current version (field merge, DESIGN.md §5). Finish with
 * anbu_replica_record_change_finish().
 */
void
anbu_replica_update_household_async (AnbuReplica         *self,
                                     const char          *household_id,
                                     JsonObject          *fields,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ChangeData *change = g_new0 (ChangeData, 1);

  g_return_if_fail (ANBU_IS_REPLICA (self));
  g_return_if_fail (household_id != NULL);
  g_return_if_fail (fields != NULL);

  change->mutation_kind = g_strdup ("household.update");
  change->household_id = g_strdup (household_id);
  change->payload_json = _anbu_replica_object_to_string (fields);
  task = _anbu_replica_new_task (self, cancellable, callback, user_data, anbu_replica_record_change_async,
                                 change, change_data_free);
  _anbu_replica_run_job (self, task, record_change_job);
}

/**
 * anbu_replica_record_changes_async:
 * @mutation_kinds: (element-type utf8): the kinds of one form's changes, in order
 * @payloads: (element-type JsonObject): their payloads
 *
 * Like anbu_replica_record_change_async() for several changes at once, in
 * one transaction: all of them are applied and queued, or (a refused
 * change, a full disk) none. Finish with
 * anbu_replica_record_changes_finish(): their mutation ids, in order.
 */
void
anbu_replica_record_changes_async (AnbuReplica         *self,
                                   GPtrArray           *mutation_kinds,
                                   GPtrArray           *payloads,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *changes;

  g_return_if_fail (ANBU_IS_REPLICA (self));
  g_return_if_fail (mutation_kinds != NULL && payloads != NULL);
  g_return_if_fail (mutation_kinds->len == payloads->len && payloads->len > 0);

  changes = g_ptr_array_new_with_free_func (change_data_free);
  for (guint i = 0; i < payloads->len; i++)
    {
      ChangeData *change = g_new0 (ChangeData, 1);

      change->mutation_kind = g_strdup (mutation_kinds->pdata[i]);
      change->payload_json = _anbu_replica_object_to_string (payloads->pdata[i]);
      g_ptr_array_add (changes, change);
    }
  task = _anbu_replica_new_task (self, cancellable, callback, user_data, anbu_replica_record_changes_async,
                                 changes, (GDestroyNotify) g_ptr_array_unref);
  _anbu_replica_run_job (self, task, record_changes_job);
}

GStrv
anbu_replica_record_changes_finish (AnbuReplica   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
anbu_replica_record_change_finish (AnbuReplica   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * anbu_replica_resolve_conflict_async:
 *
 * Keep mine: the local household takes my value and a new household.update
 * based on the server's version is queued. Take theirs: the local household
 * takes the server's value. Either way the conflict goes.
 */
void
anbu_replica_resolve_conflict_async (AnbuReplica            *self,
                                     const char             *mutation_id,
                                     const char             *field,
                                     AnbuConflictResolution  resolution,
                                     GCancellable           *cancellable,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  ResolveData *resolve = g_new0 (ResolveData, 1);

  g_return_if_fail (ANBU_IS_REPLICA (self));
  g_return_if_fail (mutation_id != NULL && field != NULL);

  resolve->mutation_id = g_strdup (mutation_id);
  resolve->field = g_strdup (field);
  resolve->resolution = resolution;
  task = _anbu_replica_new_task (self, cancellable, callback, user_data, anbu_replica_resolve_conflict_async,
                                 resolve, resolve_data_free);
  _anbu_replica_run_job (self, task, resolve_conflict_job);
}

gboolean
anbu_replica_resolve_conflict_finish (AnbuReplica   *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * anbu_replica_dismiss_rejection_async:
 *
 * Removes a refused entry once the planner has read why.
 */
void
anbu_replica_dismiss_rejection_async (AnbuReplica         *self,
                                      const char          *mutation_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ResolveData *resolve = g_new0 (ResolveData, 1);

  g_return_if_fail (ANBU_IS_REPLICA (self));
  g_return_if_fail (mutation_id != NULL);

  resolve->mutation_id = g_strdup (mutation_id);
  task = _anbu_replica_new_task (self, cancellable, callback, user_data, anbu_replica_dismiss_rejection_async,
                                 resolve, resolve_data_free);
  _anbu_replica_run_job (self, task, dismiss_rejection_job);
}

gboolean
anbu_replica_dismiss_rejection_finish (AnbuReplica   *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
