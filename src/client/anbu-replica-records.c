/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-replica"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-mutation-apply.h"
#include "anbu-replica-private.h"

/* The records table: what the server sent, kept unless a newer version is
 * already here, with pending household edits shown over it. */

/* ---------------------------------------------------------------------- */
/* Records                                                                 */

JsonObject *
_anbu_replica_load_record (AnbuReplica  *self,
                           const char   *kind,
                           const char   *id,
                           gint64       *version,
                           char        **household_id,
                           GError      **error)
{
  sqlite3_stmt *stmt = _anbu_replica_statement (self, "SELECT body, version, household_id FROM records "
                                                      "WHERE kind = ? AND id = ?", error);
  g_autofree char *text = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  _anbu_replica_bind_text (stmt, 1, kind);
  _anbu_replica_bind_text (stmt, 2, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      text = _anbu_replica_decrypt_column (self, stmt, 0, kind, id, error);
      if (version)
        *version = sqlite3_column_int64 (stmt, 1);
      if (household_id)
        *household_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
    }
  else if (rc == SQLITE_DONE)
    g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_UNKNOWN,
                 _("The record is not in the local copy (it may have left your caseload)"));
  else
    _anbu_replica_set_sqlite_error (self, error, rc);
  sqlite3_reset (stmt);
  if (text == NULL)
    return NULL;
  return _anbu_replica_parse_object (text, error);
}

/* The fields of household edits not yet confirmed by the server stay
 * visible over what a pull brings, applied as the server will apply them. */
static gboolean
overlay_pending_fields (AnbuReplica    *self,
                        const char     *household_id,
                        AnbuHousehold **household,
                        GError        **error)
{
  sqlite3_stmt *stmt = _anbu_replica_statement (self, "SELECT id, payload FROM outbox WHERE household_id = ? "
                                                      "AND state IN ('pending', 'sent') "
                                                      "AND kind = 'household.update' ORDER BY seq", error);
  AnbuMutationActor actor = { NULL, ANBU_USER_ROLE_ADMIN };
  int rc;

  if (stmt == NULL)
    return FALSE;
  _anbu_replica_bind_text (stmt, 1, household_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      g_autofree char *text = _anbu_replica_decrypt_column (self, stmt, 1, "outbox", id, error);
      g_autoptr(JsonObject) payload = NULL;
      g_auto(AnbuMutationRecords) records = { 0 };
      g_autoptr(GError) local_error = NULL;

      if (text == NULL || (payload = _anbu_replica_parse_object (text, error)) == NULL)
        {
          sqlite3_reset (stmt);
          return FALSE;
        }
      /* Without conflicts known here every field of the edit shows; one
       * the server will refuse shows nothing. */
      records.household = anbu_household_copy (*household);
      if (anbu_mutation_apply (ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE, payload, &actor, &records,
                               &local_error))
        {
          anbu_household_free (*household);
          *household = g_steal_pointer (&records.household);
        }
      else
        g_debug ("A pending edit does not apply to the pulled household: %s",
                 local_error->message);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _anbu_replica_set_sqlite_error (self, error, rc);
      return FALSE;
    }
  return TRUE;
}

/* Stores a record from the server unless a newer version is already here. */
static gboolean
store_record (AnbuReplica  *self,
              const char   *kind,
              const char   *id,
              const char   *household_id,
              gint64        version,
              const char   *text,
              GError      **error)
{
  sqlite3_stmt *stmt;
  gsize len = 0;
  guint8 *blob;

  stmt = _anbu_replica_statement (self, "INSERT INTO records (kind, id, household_id, version, body) "
                                        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET "
                                        "household_id = excluded.household_id, version = excluded.version, "
                                        "body = excluded.body WHERE excluded.version >= records.version",
                                  error);
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
household_has_pending_edits (AnbuReplica  *self,
                             const char   *household_id,
                             gboolean     *pending,
                             GError      **error)
{
  sqlite3_stmt *stmt = _anbu_replica_statement (self, "SELECT 1 FROM outbox WHERE household_id = ? "
                                                      "AND state IN ('pending', 'sent') "
                                                      "AND kind = 'household.update' LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  _anbu_replica_bind_text (stmt, 1, household_id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _anbu_replica_set_sqlite_error (self, error, rc);
      return FALSE;
    }
  *pending = rc == SQLITE_ROW;
  return TRUE;
}

/* A record as the server sent it (pull or push answer). */
gboolean
_anbu_replica_store_server_record (AnbuReplica  *self,
                                   const char   *kind,
                                   const char   *id,
                                   JsonNode     *record_node,
                                   guint        *kinds_changed,
                                   GError      **error)
{
  JsonObject *record;
  const char *household_id;
  g_autofree char *text = NULL;
  gboolean pending = FALSE;

  if (record_node == NULL || !JSON_NODE_HOLDS_OBJECT (record_node))
    {
      g_set_error (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_INVALID,
                   _("The server sent a %s without its record"), kind);
      return FALSE;
    }
  record = json_node_get_object (record_node);
  household_id = g_str_equal (kind, "household") ? id : _anbu_replica_object_get_string (record, "household_id");

  if (g_str_equal (kind, "household"))
    {
      if (!household_has_pending_edits (self, id, &pending, error))
        return FALSE;
      if (pending)
        {
          g_autoptr(AnbuHousehold) household = anbu_household_from_json (record, error);
          g_autoptr(JsonObject) overlaid = NULL;

          if (household == NULL || !overlay_pending_fields (self, id, &household, error))
            return FALSE;
          overlaid = anbu_household_to_json (household);
          text = _anbu_replica_object_to_string (overlaid);
        }
    }

  if (text == NULL)
    text = json_to_string (record_node, FALSE);
  if (!store_record (self, kind, id, household_id, _anbu_replica_object_get_int (record, "version", 0), text,
                     error))
    return FALSE;
  *kinds_changed |= _anbu_replica_record_kind_bit (kind);
  return TRUE;
}

gboolean
_anbu_replica_remove_record (AnbuReplica  *self,
                             const char   *kind,
                             const char   *id,
                             guint        *kinds_changed,
                             GError      **error)
{
  sqlite3_stmt *stmt;

  if (g_str_equal (kind, "household"))
    {
      /* It left this planner's scope: so did everything that belongs to it. */
      stmt = _anbu_replica_statement (self, "DELETE FROM records WHERE household_id = ?", error);
      if (stmt == NULL)
        return FALSE;
      _anbu_replica_bind_text (stmt, 1, id);
      *kinds_changed |= ~0u;
    }
  else
    {
      stmt = _anbu_replica_statement (self, "DELETE FROM records WHERE kind = ? AND id = ?", error);
      if (stmt == NULL)
        return FALSE;
      _anbu_replica_bind_text (stmt, 1, kind);
      _anbu_replica_bind_text (stmt, 2, id);
      *kinds_changed |= _anbu_replica_record_kind_bit (kind);
    }
  return _anbu_replica_step_done (self, stmt, error);
}
