/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-mutations"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "anbu-clock.h"
#include "anbu-absence.h"
#include "anbu-alert.h"
#include "anbu-api-problem.h"
#include "anbu-case-lifecycle.h"
#include "anbu-caseload-moves.h"
#include "anbu-contact.h"
#include "anbu-mutation.h"
#include "anbu-mutation-apply.h"
#include "anbu-mutations.h"
#include "anbu-plug.h"
#include "anbu-record-json.h"
#include "anbu-visit.h"

/* A push is one transaction (docs/server.md, "Pushes in batches"). What
 * its entries read is read once for the whole batch: the stored results of
 * their ids, their households, those households' open signals and the
 * facts they name. New facts and stored results are written together
 * when the batch ends, the access log gets one line per household. An
 * entry that only adds facts writes nothing before it has passed every
 * check, so it needs no savepoint; any other entry first writes out what
 * the entries before it left, then works straight on the store inside a
 * savepoint, and what was read for the batch is read again after it. */
typedef struct
{
  AnbuStore             *store;
  const AnbuStoreUser   *user;
  const AnbuScope       *scope;
  GHashTable            *rejected_households;   /* ids whose creation was rejected in this batch */
  char                  *granted_household;     /* moved away after the entry was made */

  GHashTable            *stored;        /* entry id → AnbuStoredMutation (earlier or in this batch) */
  GHashTable            *households;    /* id → AnbuStoreEntity, NULL when there is none */
  GHashTable            *alerts;        /* household id → GPtrArray of its unresolved alerts */
  GHashTable            *facts;         /* fact_key () → AnbuStoreEntity, NULL when there is none */
  GPtrArray             *new_facts;     /* not stored yet (borrowed from `facts`) */
  GPtrArray             *new_results;   /* AnbuStoredMutation, not stored yet */
  GPtrArray             *written;       /* ids of the households written, each once */
  GHashTable            *written_set;
  gboolean               written_other; /* an applied entry about no household */
  guint                  entry_facts;   /* new_facts->len when the current entry began */
  gboolean               entry_direct;  /* the current entry writes to the store, in a savepoint */
} Batch;

/* What one applied entry answers. */
typedef struct
{
  AnbuMutationStatus  status;
  gint64              version;
  JsonObject         *record;
  JsonArray          *conflicts;
  char               *household_id;             /* for the access log */
} Outcome;

static void
outcome_clear (Outcome *outcome)
{
  g_clear_pointer (&outcome->record, json_object_unref);
  g_clear_pointer (&outcome->conflicts, json_array_unref);
  g_clear_pointer (&outcome->household_id, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Outcome, outcome_clear)

static gint64
now_usec (void)
{
  return anbu_clock_now_usec ();
}

static JsonObject *
parse_record (const char  *text,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonObject *object = anbu_json_parse_object (text, -1, &local_error);

  if (object == NULL)
    g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                 "A stored record is not JSON: %s", local_error->message);
  return object;
}

/* Storage failures end the whole batch; everything else rejects an entry. */
static gboolean
is_storage_error (const GError *error)
{
  return error->domain == ANBU_STORE_ERROR;
}

/* Who makes the changes of this batch, for the shared applier. */
static AnbuMutationActor
batch_actor (Batch *batch)
{
  AnbuMutationActor actor = { batch->user->id, ANBU_USER_ROLE_ADMIN, batch->user->display_name };

  anbu_user_role_from_string (anbu_user_role_to_string (batch->user->role), &actor.role);
  return actor;
}

static gboolean
scope_key_from_household (const AnbuHousehold   *household,
                          AnbuHouseholdScopeKey *key)
{
  key->dong_code = household->dong_code;
  key->night_consent = household->night_consent;
  key->status = (char *) anbu_household_status_to_string (household->status);
  key->assigned_planner = NULL;
  return TRUE;
}

/* The caller's scope, and the household the current entry may still
 * change because it was made before a caseload move took it away. */
static gboolean
batch_may_see (Batch                 *batch,
               const AnbuStoreEntity *household)
{
  return anbu_scope_contains (batch->scope, &household->scope_key)
         || g_strcmp0 (batch->granted_household, household->id) == 0;
}

static char *
fact_key (AnbuRecordKind  kind,
          const char     *id)
{
  return g_strdup_printf ("%d/%s", kind, id);
}

/* The stored household `id` as this batch read it (NULL: none). */
static gboolean
batch_household (Batch                  *batch,
                 const char             *id,
                 const AnbuStoreEntity **household,
                 GError                **error)
{
  g_autoptr(GError) local_error = NULL;
  AnbuStoreEntity *entity;
  gpointer value;

  if (g_hash_table_lookup_extended (batch->households, id, NULL, &value))
    {
      *household = value;
      return TRUE;
    }
  entity = anbu_store_load (batch->store, ANBU_RECORD_KIND_HOUSEHOLD, id, &local_error);
  if (entity == NULL && !g_error_matches (local_error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_hash_table_insert (batch->households, g_strdup (id), entity);
  *household = entity;
  return TRUE;
}

/* The stored fact, or one added earlier in this batch (NULL: none). */
static gboolean
batch_fact (Batch                  *batch,
            AnbuRecordKind          kind,
            const char             *id,
            const AnbuStoreEntity **fact,
            GError                **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *key = fact_key (kind, id);
  AnbuStoreEntity *entity;
  gpointer value;

  if (g_hash_table_lookup_extended (batch->facts, key, NULL, &value))
    {
      *fact = value;
      return TRUE;
    }
  entity = anbu_store_load (batch->store, kind, id, &local_error);
  if (entity == NULL && !g_error_matches (local_error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_hash_table_insert (batch->facts, g_steal_pointer (&key), entity);
  *fact = entity;
  return TRUE;
}

/* The household's unresolved alerts as this batch read them. */
static GPtrArray *
batch_unresolved_alerts (Batch       *batch,
                         const char  *household_id,
                         GError     **error)
{
  GPtrArray *alerts = g_hash_table_lookup (batch->alerts, household_id);

  if (alerts != NULL)
    return alerts;
  alerts = anbu_store_list_unresolved_alerts (batch->store, household_id, error);
  if (alerts != NULL)
    g_hash_table_insert (batch->alerts, g_strdup (household_id), alerts);
  return alerts;
}

/* Writes out the facts of the entries before the current one and all
 * stored results. */
static gboolean
batch_flush (Batch   *batch,
             guint    n_facts,
             GError **error)
{
  g_autoptr(GPtrArray) facts = g_ptr_array_new ();

  for (guint i = 0; i < n_facts; i++)
    g_ptr_array_add (facts, g_ptr_array_index (batch->new_facts, i));
  if (!anbu_store_add_facts (batch->store, facts, error)
      || !anbu_store_add_mutations (batch->store, batch->new_results, error))
    return FALSE;
  g_ptr_array_remove_range (batch->new_facts, 0, n_facts);
  g_ptr_array_set_size (batch->new_results, 0);
  return TRUE;
}

/* Before the current entry's first write to the store: what earlier
 * entries left goes first, then a savepoint takes back the entry's
 * writes should it fail half-way. */
static gboolean
batch_write_directly (Batch   *batch,
                      GError **error)
{
  if (batch->entry_direct)
    return TRUE;
  if (!batch_flush (batch, batch->entry_facts, error))
    return FALSE;
  batch->entry_facts = 0;
  if (!anbu_store_savepoint (batch->store, error))
    return FALSE;
  batch->entry_direct = TRUE;
  return TRUE;
}

/* A fact this entry adds, written with the others later. */
static void
batch_add_fact (Batch           *batch,
                AnbuStoreEntity *fact)
{
  g_ptr_array_add (batch->new_facts, fact);
  g_hash_table_insert (batch->facts, fact_key (fact->kind, fact->id), fact);
}

/* A rejected entry leaves nothing: neither its facts nor, when it wrote
 * to the store, those writes. */
static void
batch_drop_entry (Batch *batch)
{
  for (guint i = batch->entry_facts; i < batch->new_facts->len; i++)
    {
      AnbuStoreEntity *fact = g_ptr_array_index (batch->new_facts, i);
      g_autofree char *key = fact_key (fact->kind, fact->id);

      g_hash_table_remove (batch->facts, key);
    }
  g_ptr_array_set_size (batch->new_facts, batch->entry_facts);
  if (batch->entry_direct)
    anbu_store_rollback_to (batch->store);
}

/* After an entry that wrote to the store, households and alerts are read
 * again. */
static void
batch_end_entry (Batch *batch)
{
  if (batch->entry_direct)
    {
      g_hash_table_remove_all (batch->households);
      g_hash_table_remove_all (batch->alerts);
    }
  batch->entry_direct = FALSE;
}

/* Loads a household the caller may see; another scope's household is
 * "not found", exactly like one that does not exist. */
static AnbuHousehold *
load_household (Batch            *batch,
                const char       *id,
                const char       *field,
                AnbuStoreEntity **entity_out,
                GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(AnbuStoreEntity) entity = NULL;
  g_autoptr(JsonObject) object = NULL;
  AnbuHousehold *household;

  entity = anbu_store_load (batch->store, ANBU_RECORD_KIND_HOUSEHOLD, id, &local_error);
  if (entity == NULL)
    {
      if (g_error_matches (local_error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND))
        anbu_api_set_error (error, ANBU_API_ERROR_NOT_FOUND, field, _("No such household"));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!batch_may_see (batch, entity))
    {
      anbu_api_set_error (error, ANBU_API_ERROR_NOT_FOUND, field, _("No such household"));
      return NULL;
    }
  object = parse_record (entity->record, error);
  if (object == NULL)
    return NULL;
  household = anbu_household_from_json (object, &local_error);
  if (household == NULL)
    {
      g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                   "A stored household does not read back: %s", local_error->message);
      return NULL;
    }
  if (entity_out != NULL)
    *entity_out = g_steal_pointer (&entity);
  return household;
}

/* A household that may take new plugs and facts: in scope and not closed.
 * The stored scope key answers that without reading the record. */
static gboolean
check_open_household (Batch       *batch,
                      const char  *id,
                      const char  *field,
                      GError     **error)
{
  const AnbuStoreEntity *entity = NULL;

  if (!batch_household (batch, id, &entity, error))
    return FALSE;
  if (entity == NULL || !batch_may_see (batch, entity))
    {
      anbu_api_set_error (error, ANBU_API_ERROR_NOT_FOUND, field, _("No such household"));
      return FALSE;
    }
  if (g_strcmp0 (entity->scope_key.status, "closed") == 0)
    return anbu_mutation_check_household_open (ANBU_HOUSEHOLD_STATUS_CLOSED, field, error);
  return TRUE;
}

gboolean
anbu_mutations_save_household (AnbuStore         *store,
                               AnbuHousehold     *household,
                               const char        *field_versions,
                               gint64             stored_version,
                               AnbuStoreEntity  **saved,
                               GError           **error)
{
  g_autoptr(AnbuStoreEntity) entity = anbu_store_entity_new (ANBU_RECORD_KIND_HOUSEHOLD);
  g_autoptr(JsonObject) object = NULL;
  AnbuHouseholdScopeKey key;

  household->version = stored_version + 1;
  household->updated_at = now_usec ();
  /* When the household joined the register: what a client sends is not trusted. */
  if (stored_version == 0)
    household->created_at = household->updated_at;
  object = anbu_household_to_json (household);
  scope_key_from_household (household, &key);

  entity->id = g_strdup (household->id);
  entity->household_id = g_strdup (household->id);
  entity->record = anbu_json_object_to_string (object);
  entity->version = household->version;
  entity->scope_key.dong_code = g_strdup (key.dong_code);
  entity->scope_key.night_consent = key.night_consent;
  entity->scope_key.status = g_strdup (key.status);
  entity->field_versions = g_strdup (field_versions != NULL ? field_versions : "{}");
  if (!anbu_store_save (store, entity, error))
    return FALSE;
  if (saved != NULL)
    *saved = g_steal_pointer (&entity);
  return TRUE;
}

static gboolean
save_record (Batch          *batch,
             AnbuRecordKind  kind,
             const char     *id,
             const char     *household_id,
             const char     *state,
             JsonObject     *record,
             gint64          version,
             GError        **error)
{
  g_autoptr(AnbuStoreEntity) entity = anbu_store_entity_new (kind);

  if (!batch_write_directly (batch, error))
    return FALSE;
  entity->id = g_strdup (id);
  entity->household_id = g_strdup (household_id);
  entity->state = g_strdup (state);
  entity->record = anbu_json_object_to_string (record);
  entity->version = version;
  return anbu_store_save (batch->store, entity, error);
}

static void
set_outcome_household (Outcome             *outcome,
                       const AnbuHousehold *household)
{
  outcome->status = ANBU_MUTATION_STATUS_APPLIED;
  outcome->version = household->version;
  outcome->record = anbu_household_to_json (household);
  outcome->household_id = g_strdup (household->id);
}

/* household.create */
static gboolean
apply_household_create (Batch       *batch,
                        JsonObject  *payload,
                        Outcome     *outcome,
                        GError     **error)
{
  g_auto(AnbuMutationRecords) records = { 0 };
  g_autoptr(AnbuStoreEntity) existing = NULL;
  g_autoptr(GError) local_error = NULL;
  AnbuMutationActor actor = batch_actor (batch);
  AnbuHousehold *household;
  AnbuHouseholdScopeKey key;

  if (!anbu_mutation_apply (ANBU_MUTATION_KIND_HOUSEHOLD_CREATE, payload, &actor, &records, error))
    return FALSE;
  household = records.household;
  existing = anbu_store_load (batch->store, ANBU_RECORD_KIND_HOUSEHOLD, household->id, &local_error);
  if (existing != NULL)
    {
      anbu_api_set_error (error, ANBU_API_ERROR_INVALID_VALUE, "id",
                          _("A household with this id already exists"));
      return FALSE;
    }
  if (!g_error_matches (local_error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  scope_key_from_household (household, &key);
  if (!anbu_scope_contains (batch->scope, &key))
    {
      anbu_api_set_error (error, ANBU_API_ERROR_FORBIDDEN,
                          batch->user->role == ANBU_USER_ROLE_CONTROL ? "night_consent" : "dong_code",
                          _("You cannot create a household outside your own scope"));
      return FALSE;
    }
  if (!anbu_mutations_save_household (batch->store, household, NULL, 0, NULL, error))
    return FALSE;
  set_outcome_household (outcome, household);
  return TRUE;
}

/* household.update: field merge against base_version (DESIGN.md §5). */
static gboolean
apply_household_update (Batch       *batch,
                        JsonObject  *payload,
                        Outcome     *outcome,
                        GError     **error)
{
  g_autoptr(AnbuStoreEntity) entity = NULL;
  g_auto(AnbuMutationRecords) records = { 0 };
  g_autoptr(JsonObject) versions = NULL;
  g_autofree char *id = NULL;
  g_autofree char *versions_text = NULL;
  AnbuMutationActor actor = batch_actor (batch);
  gint64 base_version;

  if (!anbu_json_read_uuid ("id", json_object_get_member (payload, "id"), TRUE, &id, error)
      || !anbu_json_read_int ("base_version", json_object_get_member (payload, "base_version"),
                              TRUE, &base_version, NULL, error))
    return FALSE;
  records.household = load_household (batch, id, "id", &entity, error);
  if (records.household == NULL)
    return FALSE;
  versions = parse_record (entity->field_versions, error);
  if (versions == NULL)
    return FALSE;
  records.field_versions = versions;
  if (!anbu_mutation_apply (ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE, payload, &actor, &records, error))
    return FALSE;

  if (records.changed)
    {
      for (guint i = 0; i < records.changed_fields->len; i++)
        json_object_set_int_member (versions, g_ptr_array_index (records.changed_fields, i),
                                    entity->version + 1);
      versions_text = anbu_json_object_to_string (versions);
      if (!anbu_mutations_save_household (batch->store, records.household, versions_text,
                                          entity->version, NULL, error))
        return FALSE;
    }

  set_outcome_household (outcome, records.household);
  if (records.conflicts != NULL)
    {
      outcome->status = ANBU_MUTATION_STATUS_CONFLICT;
      outcome->conflicts = g_steal_pointer (&records.conflicts);
    }
  return TRUE;
}

/* household.close: the case leaves planner and control scope. */
static gboolean
apply_household_close (Batch       *batch,
                       JsonObject  *payload,
                       Outcome     *outcome,
                       GError     **error)
{
  g_autoptr(AnbuStoreEntity) entity = NULL;
  g_auto(AnbuMutationRecords) records = { 0 };
  g_autoptr(JsonObject) versions = NULL;
  g_autofree char *id = NULL;
  g_autofree char *versions_text = NULL;
  AnbuMutationActor actor = batch_actor (batch);

  if (!anbu_json_read_uuid ("id", json_object_get_member (payload, "id"), TRUE, &id, error))
    return FALSE;
  records.household = load_household (batch, id, "id", &entity, error);
  if (records.household == NULL)
    return FALSE;
  if (!anbu_mutation_apply (ANBU_MUTATION_KIND_HOUSEHOLD_CLOSE, payload, &actor, &records, error))
    return FALSE;
  if (records.changed)
    {
      versions = parse_record (entity->field_versions, error);
      if (versions == NULL)
        return FALSE;
      for (guint i = 0; i < records.changed_fields->len; i++)
        json_object_set_int_member (versions, g_ptr_array_index (records.changed_fields, i),
                                    entity->version + 1);
      versions_text = anbu_json_object_to_string (versions);
      if (!anbu_mutations_save_household (batch->store, records.household, versions_text,
                                          entity->version, NULL, error))
        return FALSE;
    }
  set_outcome_household (outcome, records.household);
  return TRUE;
}

static AnbuPlug *
load_plug (Batch       *batch,
           const char  *serial,
           gint64      *version,
           GError     **error)
{
  g_autoptr(AnbuStoreEntity) entity = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) local_error = NULL;
  AnbuPlug *plug;

  entity = anbu_store_load (batch->store, ANBU_RECORD_KIND_PLUG, serial, &local_error);
  if (entity == NULL)
    {
      if (!g_error_matches (local_error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND))
        g_propagate_error (error, g_steal_pointer (&local_error));
      *version = 0;
      return NULL;
    }
  object = parse_record (entity->record, error);
  if (object == NULL)
    return NULL;
  plug = anbu_plug_from_json (object, &local_error);
  if (plug == NULL)
    {
      g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                   "A stored plug does not read back: %s", local_error->message);
      return NULL;
    }
  *version = entity->version;
  return plug;
}

/* Validates the record as the codec would read it, then stores it. */
static gboolean
save_plug (Batch     *batch,
           AnbuPlug  *plug,
           gint64     stored_version,
           GError   **error)
{
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(AnbuPlug) check = NULL;

  plug->version = stored_version + 1;
  object = anbu_plug_to_json (plug);
  check = anbu_plug_from_json (object, error);
  if (check == NULL)
    return FALSE;
  /* What the plug's detector learned (activity_learned, written by the
   * live publication, anbu-telemetry.c) is no field of the codec: keep it,
   * or a plug.mark would drop it from the record until the next
   * publication. */
  if (stored_version > 0)
    {
      g_autoptr(AnbuStoreEntity) stored = anbu_store_load (batch->store, ANBU_RECORD_KIND_PLUG,
                                                           plug->serial, NULL);
      g_autoptr(JsonObject) stored_object = stored != NULL ? parse_record (stored->record, NULL)
                                                           : NULL;

      if (stored_object != NULL && json_object_has_member (stored_object, "activity_learned"))
        json_object_set_member (object, "activity_learned",
                                json_object_dup_member (stored_object, "activity_learned"));
    }
  return save_record (batch, ANBU_RECORD_KIND_PLUG, plug->serial, plug->household_id,
                      anbu_plug_state_to_string (plug->state), object, plug->version, error);
}

static gboolean
read_enum (JsonObject  *payload,
           const char  *member,
           GType        type,
           gint        *value,
           GError     **error)
{
  return anbu_json_read_enum (member, json_object_get_member (payload, member), TRUE, type,
                              value, error);
}

static gboolean
read_time (JsonObject  *payload,
           const char  *member,
           gint64      *value,
           GError     **error)
{
  return anbu_json_read_timestamp (member, json_object_get_member (payload, member), TRUE,
                                   value, error);
}

static gboolean
read_serial (JsonObject  *payload,
             const char  *member,
             char       **value,
             GError     **error)
{
  return anbu_json_read_serial (member, json_object_get_member (payload, member), TRUE, value, error);
}

static gboolean
read_uuid (JsonObject  *payload,
           const char  *member,
           char       **value,
           GError     **error)
{
  return anbu_json_read_uuid (member, json_object_get_member (payload, member), TRUE, value, error);
}

static void
set_outcome_plug (Outcome        *outcome,
                  const AnbuPlug *plug)
{
  outcome->status = ANBU_MUTATION_STATUS_APPLIED;
  outcome->version = plug->version;
  outcome->record = anbu_plug_to_json (plug);
  outcome->household_id = g_strdup (plug->household_id);
}

/* plug.install */
static gboolean
apply_plug_install (Batch       *batch,
                    JsonObject  *payload,
                    Outcome     *outcome,
                    GError     **error)
{
  g_autofree char *serial = NULL;
  g_autofree char *household_id = NULL;
  g_auto(AnbuMutationRecords) records = { 0 };
  g_autoptr(GError) local_error = NULL;
  AnbuMutationActor actor = batch_actor (batch);
  gint appliance;
  gint64 at, version = 0;

  if (!read_serial (payload, "serial", &serial, error)
      || !read_uuid (payload, "household_id", &household_id, error)
      || !read_enum (payload, "appliance", ANBU_TYPE_APPLIANCE, &appliance, error)
      || !read_time (payload, "installed_at", &at, error))
    return FALSE;
  if (!check_open_household (batch, household_id, "household_id", error))
    return FALSE;
  records.plug = load_plug (batch, serial, &version, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!anbu_mutation_apply (ANBU_MUTATION_KIND_PLUG_INSTALL, payload, &actor, &records, error)
      || !save_plug (batch, records.plug, version, error))
    return FALSE;
  set_outcome_plug (outcome, records.plug);
  return TRUE;
}

/* plug.replace: the old plug comes out and the new one goes in at once. */
static gboolean
apply_plug_replace (Batch       *batch,
                    JsonObject  *payload,
                    Outcome     *outcome,
                    GError     **error)
{
  g_autofree char *household_id = NULL;
  g_autofree char *old_serial = NULL;
  g_autofree char *new_serial = NULL;
  g_auto(AnbuMutationRecords) records = { 0 };
  g_autoptr(GError) local_error = NULL;
  AnbuMutationActor actor = batch_actor (batch);
  gint appliance, reason;
  gint64 at, old_version = 0, new_version = 0;

  if (!read_uuid (payload, "household_id", &household_id, error)
      || !read_serial (payload, "old_serial", &old_serial, error)
      || !read_serial (payload, "new_serial", &new_serial, error)
      || !read_enum (payload, "appliance", ANBU_TYPE_APPLIANCE, &appliance, error)
      || !read_enum (payload, "reason", ANBU_TYPE_PLUG_REMOVAL_REASON, &reason, error)
      || !read_time (payload, "at", &at, error))
    return FALSE;
  if (!check_open_household (batch, household_id, "household_id", error))
    return FALSE;
  records.old_plug = load_plug (batch, old_serial, &old_version, &local_error);
  if (local_error == NULL)
    records.plug = load_plug (batch, new_serial, &new_version, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!anbu_mutation_apply (ANBU_MUTATION_KIND_PLUG_REPLACE, payload, &actor, &records, error)
      || !save_plug (batch, records.old_plug, old_version, error)
      || !save_plug (batch, records.plug, new_version, error))
    return FALSE;
  set_outcome_plug (outcome, records.plug);
  return TRUE;
}

/* plug.remove */
static gboolean
apply_plug_remove (Batch       *batch,
                   JsonObject  *payload,
                   Outcome     *outcome,
                   GError     **error)
{
  g_autofree char *serial = NULL;
  g_autoptr(AnbuHousehold) household = NULL;
  g_auto(AnbuMutationRecords) records = { 0 };
  g_autoptr(GError) local_error = NULL;
  AnbuMutationActor actor = batch_actor (batch);
  gint reason;
  gint64 at, version = 0;

  if (!read_serial (payload, "serial", &serial, error)
      || !read_enum (payload, "reason", ANBU_TYPE_PLUG_REMOVAL_REASON, &reason, error)
      || !read_time (payload, "at", &at, error))
    return FALSE;
  records.plug = load_plug (batch, serial, &version, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (records.plug == NULL)
    {
      anbu_api_set_error (error, ANBU_API_ERROR_NOT_FOUND, "serial", _("No such plug"));
      return FALSE;
    }
  household = load_household (batch, records.plug->household_id, "serial", NULL, &local_error);
  if (household == NULL)
    {
      /* Another scope's plug answers exactly like an unknown serial. */
      if (g_error_matches (local_error, ANBU_API_ERROR, ANBU_API_ERROR_NOT_FOUND))
        anbu_api_set_error (error, ANBU_API_ERROR_NOT_FOUND, "serial", _("No such plug"));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!anbu_mutation_apply (ANBU_MUTATION_KIND_PLUG_REMOVE, payload, &actor, &records, error)
      || !save_plug (batch, records.plug, version, error))
    return FALSE;
  set_outcome_plug (outcome, records.plug);
  return TRUE;
}

/* plug.mark: the planner's word on what the plug's detector learned; the
 * ingest path reads it from the record (anbu-telemetry.c). */
static gboolean
apply_plug_mark (Batch       *batch,
                 JsonObject  *payload,
                 Outcome     *outcome,
                 GError     **error)
{
  g_autofree char *serial = NULL;
  g_autoptr(AnbuHousehold) household = NULL;
  g_auto(AnbuMutationRecords) records = { 0 };
  g_autoptr(GError) local_error = NULL;
  AnbuMutationActor actor = batch_actor (batch);
  gint64 version = 0;

  if (!read_serial (payload, "serial", &serial, error))
    return FALSE;
  records.plug = load_plug (batch, serial, &version, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (records.plug == NULL)
    {
      anbu_api_set_error (error, ANBU_API_ERROR_NOT_FOUND, "serial", _("No such plug"));
      return FALSE;
    }
  household = load_household (batch, records.plug->household_id, "serial", NULL, &local_error);
  if (household == NULL)
    {
      /* Another scope's plug answers exactly like an unknown serial. */
      if (g_error_matches (local_error, ANBU_API_ERROR, ANBU_API_ERROR_NOT_FOUND))
        anbu_api_set_error (error, ANBU_API_ERROR_NOT_FOUND, "serial", _("No such plug"));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!anbu_mutation_apply (ANBU_MUTATION_KIND_PLUG_MARK, payload, &actor, &records, error))
    return FALSE;
  if (records.changed && !save_plug (batch, records.plug, version, error))
    return FALSE;
  if (!records.changed)
    records.plug->version = version;
  set_outcome_plug (outcome, records.plug);
  return TRUE;
}

/* Visits, contacts and absences are append-only facts: a second entry
 * with the same record id is the same fact, answered as a duplicate. */
static gboolean
apply_fact (Batch             *batch,
            AnbuRecordKind      kind,
            AnbuMutationKind   mutation_kind,
            JsonObject        *payload,
            Outcome           *outcome,
            GError           **error)
{
  const AnbuStoreEntity *existing = NULL;
  g_autofree char *id = NULL;
  g_autofree char *household_id = NULL;
  g_auto(AnbuMutationRecords) records = { 0 };
  g_autoptr(JsonObject) record = NULL;
  AnbuStoreEntity *fact;
  AnbuMutationActor actor = batch_actor (batch);

  if (!read_uuid (payload, "id", &id, error)
      || !read_uuid (payload, "household_id", &household_id, error))
    return FALSE;
  if (!check_open_household (batch, household_id, "household_id", error))
    return FALSE;
  if (!batch_fact (batch, kind, id, &existing, error))
    return FALSE;
  if (existing != NULL)
    {
      if (g_strcmp0 (existing->household_id, household_id) != 0)
        {
          anbu_api_set_error (error, ANBU_API_ERROR_INVALID_VALUE, "id",
                              _("A record with this id already exists"));
          return FALSE;
        }
      outcome->status = ANBU_MUTATION_STATUS_DUPLICATE;
      outcome->version = existing->version;
      outcome->record = parse_record (existing->record, error);
      outcome->household_id = g_strdup (household_id);
      return outcome->record != NULL;
    }
  if (!anbu_mutation_apply (mutation_kind, payload, &actor, &records, error))
    return FALSE;
  if (records.visit != NULL)
    record = anbu_visit_to_json (records.visit);
  else if (records.contact != NULL)
    record = anbu_contact_to_json (records.contact);
  else
    record = anbu_absence_to_json (records.absence);
  /* A new fact: stored with the batch's others (its household is there
   * and its id is new, so only the storage itself can refuse it). */
  fact = anbu_store_entity_new (kind);
  fact->id = g_strdup (id);
  fact->household_id = g_strdup (household_id);
  fact->record = anbu_json_object_to_string (record);
  fact->version = 1;
  batch_add_fact (batch, fact);
  outcome->status = ANBU_MUTATION_STATUS_APPLIED;
  outcome->version = 1;
  outcome->record = g_steal_pointer (&record);
  outcome->household_id = g_strdup (household_id);
  return TRUE;
}

static AnbuAlert *
load_alert (Batch       *batch,
            const char  *id,
            gint64      *version,
            GError     **error)
{
  g_autoptr(AnbuStoreEntity) entity = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(AnbuHousehold) household = NULL;
  AnbuAlert *alert;

  entity = anbu_store_load (batch->store, ANBU_RECORD_KIND_ALERT, id, &local_error);
  if (entity == NULL)
    {
      if (g_error_matches (local_error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND))
        anbu_api_set_error (error, ANBU_API_ERROR_NOT_FOUND, "id", _("No such alert"));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  household = load_household (batch, entity->household_id, "id", NULL, &local_error);
  if (household == NULL)
    {
      /* Another scope's alert answers exactly like an unknown one. */
      if (g_error_matches (local_error, ANBU_API_ERROR, ANBU_API_ERROR_NOT_FOUND))
        anbu_api_set_error (error, ANBU_API_ERROR_NOT_FOUND, "id", _("No such alert"));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  object = parse_record (entity->record, error);
  if (object == NULL)
    return NULL;
  alert = anbu_alert_from_json (object, &local_error);
  if (alert == NULL)
    {
      g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                   "A stored alert does not read back: %s", local_error->message);
      return NULL;
    }
  *version = entity->version;
  return alert;
}

static gboolean
save_alert (Batch      *batch,
            AnbuAlert  *alert,
            gint64      stored_version,
            Outcome    *outcome,
            GError    **error)
{
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(AnbuAlert) check = NULL;

  alert->version = stored_version + 1;
  object = anbu_alert_to_json (alert);
  check = anbu_alert_from_json (object, error);
  if (check == NULL
      || !save_record (batch, ANBU_RECORD_KIND_ALERT, alert->id, alert->household_id,
                       anbu_alert_state_to_string (alert->state), object, alert->version, error))
    return FALSE;
  outcome->status = ANBU_MUTATION_STATUS_APPLIED;
  outcome->version = alert->version;
  outcome->record = g_steal_pointer (&object);
  outcome->household_id = g_strdup (alert->household_id);
  return TRUE;
}

static void
set_outcome_alert_unchanged (Outcome         *outcome,
                             const AnbuAlert *alert)
{
  outcome->status = ANBU_MUTATION_STATUS_APPLIED;
  outcome->version = alert->version;
  outcome->record = anbu_alert_to_json (alert);
  outcome->household_id = g_strdup (alert->household_id);
}

/* alert.acknowledge: someone has taken it on. */
static gboolean
apply_alert_acknowledge (Batch       *batch,
                         JsonObject  *payload,
                         Outcome     *outcome,
                         GError     **error)
{
  g_autofree char *id = NULL;
  g_auto(AnbuMutationRecords) records = { 0 };
  AnbuMutationActor actor = batch_actor (batch);
  gint64 at, version = 0;

  if (!read_uuid (payload, "id", &id, error) || !read_time (payload, "at", &at, error))
    return FALSE;
  records.alert = load_alert (batch, id, &version, error);
  if (records.alert == NULL)
    return FALSE;
  records.alert->version = version;
  if (!anbu_mutation_apply (ANBU_MUTATION_KIND_ALERT_ACKNOWLEDGE, payload, &actor, &records, error))
    return FALSE;
  if (!records.changed)
    {
      set_outcome_alert_unchanged (outcome, records.alert);
      return TRUE;
    }
  return save_alert (batch, records.alert, version, outcome, error);
}

/* alert.claim: one operator takes the signal on ("내가 처리 중"); a
 * second operator is refused with who holds it, so two screens never
 * both believe they have the case. */
static gboolean
apply_alert_claim (Batch       *batch,
                   JsonObject  *payload,
                   Outcome     *outcome,
                   GError     **error)
{
  g_autofree char *id = NULL;
  g_auto(AnbuMutationRecords) records = { 0 };
  AnbuMutationActor actor = batch_actor (batch);
  gint64 at, version = 0;

  if (!read_uuid (payload, "id", &id, error) || !read_time (payload, "at", &at, error))
    return FALSE;
  records.alert = load_alert (batch, id, &version, error);
  if (records.alert == NULL)
    return FALSE;
  records.alert->version = version;
  if (records.alert->claimed_by != NULL
      && g_ascii_strcasecmp (records.alert->claimed_by, batch->user->id) != 0
      && records.alert->state != ANBU_ALERT_STATE_RESOLVED)
    {
      g_autofree char *message = anbu_mutation_claimed_message (records.alert->claimed_by_name);

      anbu_api_set_error (error, ANBU_API_ERROR_CLAIMED, "id", "%s", message);
      return FALSE;
    }
  if (!anbu_mutation_apply (ANBU_MUTATION_KIND_ALERT_CLAIM, payload, &actor, &records, error))
    return FALSE;
  if (!records.changed)
    {
      set_outcome_alert_unchanged (outcome, records.alert);
      return TRUE;
    }
  return save_alert (batch, records.alert, version, outcome, error);
}

/* alert.resolve: closes the risk signal with what was found. */
static gboolean
apply_alert_resolve (Batch       *batch,
                     JsonObject  *payload,
                     Outcome     *outcome,
                     GError     **error)
{
  g_autofree char *id = NULL;
  g_autofree char *notes = NULL;
  g_auto(AnbuMutationRecords) records = { 0 };
  AnbuMutationActor actor = batch_actor (batch);
  gint resolution;
  gint dispatch_outcome = ANBU_DISPATCH_OUTCOME_NONE;
  gint64 at, version = 0;

  if (!read_uuid (payload, "id", &id, error)
      || !read_enum (payload, "resolution", ANBU_TYPE_ALERT_RESOLUTION, &resolution, error)
      || !read_time (payload, "at", &at, error)
      || !anbu_json_read_enum ("dispatch_outcome", json_object_get_member (payload, "dispatch_outcome"),
                               FALSE, ANBU_TYPE_DISPATCH_OUTCOME, &dispatch_outcome, error)
      || !anbu_json_read_text ("notes", json_object_get_member (payload, "notes"), FALSE,
                               ANBU_NOTES_MAX_CHARS, ANBU_TEXT_MULTI_LINE, &notes, error))
    return FALSE;
  records.alert = load_alert (batch, id, &version, error);
  if (records.alert == NULL)
    return FALSE;
  records.alert->version = version;
  if (!anbu_mutation_apply (ANBU_MUTATION_KIND_ALERT_RESOLVE, payload, &actor, &records, error))
    return FALSE;
  if (!records.changed)
    {
      set_outcome_alert_unchanged (outcome, records.alert);
      return TRUE;
    }
  return save_alert (batch, records.alert, version, outcome, error);
}

/* Who did something is whoever signed in: a record naming anyone else
 * (or no user at all) would put words in someone's mouth. */
static gboolean
check_actor (Batch       *batch,
             const char  *by,
             GError     **error)
{
  if (by != NULL && g_ascii_strcasecmp (by, batch->user->id) == 0)
    return TRUE;
  anbu_api_set_error (error, ANBU_API_ERROR_FORBIDDEN, "by",
                      _("You can only record what you did yourself: by must be your own user id"));
  return FALSE;
}

/* The signal a contact or visit belongs to: the one it names (of its
 * household), or else the household's open signal at its time
 * (docs/casework.md), whichever view recorded it. The payload gets the
 * alert_id it belongs to, so the stored record says so. */
static gboolean
attach_to_signal (Batch       *batch,
                  JsonObject  *payload,
                  const char  *household_id,
                  gint64       at,
                  GError     **error)
{
  GPtrArray *entities;
  g_autoptr(GPtrArray) alerts = NULL;
  g_autofree char *alert_id = NULL;
  const AnbuAlert *open;

  if (json_object_has_member (payload, "alert_id")
      && !json_node_is_null (json_object_get_member (payload, "alert_id")))
    {
      g_autoptr(AnbuStoreEntity) alert = NULL;
      g_autoptr(GError) local_error = NULL;

      if (!read_uuid (payload, "alert_id", &alert_id, error))
        return FALSE;
      alert = anbu_store_load (batch->store, ANBU_RECORD_KIND_ALERT, alert_id, &local_error);
      if (alert == NULL
          && !g_error_matches (local_error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* Another scope's alert answers like an unknown one. */
      if (alert == NULL || g_strcmp0 (alert->household_id, household_id) != 0)
        {
          anbu_api_set_error (error, ANBU_API_ERROR_INVALID_VALUE, "alert_id",
                              _("This household has no such alert"));
          return FALSE;
        }
      return TRUE;
    }

  entities = batch_unresolved_alerts (batch, household_id, error);
  if (entities == NULL)
    return FALSE;
  alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_alert_free);
  for (guint i = 0; i < entities->len; i++)
    {
      AnbuStoreEntity *entity = entities->pdata[i];
      g_autoptr(JsonObject) object = parse_record (entity->record, NULL);
      AnbuAlert *alert = object != NULL ? anbu_alert_from_json (object, NULL) : NULL;

      if (alert != NULL)
        g_ptr_array_add (alerts, alert);
    }
  open = anbu_case_signal_for_record ((AnbuAlert * const *) alerts->pdata, alerts->len, at);
  if (open != NULL)
    json_object_set_string_member (payload, "alert_id", open->id);
  return TRUE;
}

/* A new contact's effect on its signal: a 112/119 contact makes it dispatched. */
static gboolean
apply_contact_to_signal (Batch              *batch,
                         const AnbuContact  *contact,
                         GError            **error)
{
  g_autoptr(AnbuAlert) alert = NULL;
  g_autoptr(JsonObject) object = NULL;
  gint64 version = 0;

  if (contact->alert_id == NULL || !anbu_case_channel_dispatches (contact->channel))
    return TRUE;
  alert = load_alert (batch, contact->alert_id, &version, error);
  if (alert == NULL)
    return FALSE;
  if (!anbu_case_apply_contact (alert, contact))
    return TRUE;
  alert->version = version + 1;
  object = anbu_alert_to_json (alert);
  return save_record (batch, ANBU_RECORD_KIND_ALERT, alert->id, alert->household_id,
                      anbu_alert_state_to_string (alert->state), object, alert->version, error);
}

static gboolean
apply_contact_create (Batch       *batch,
                      JsonObject  *payload,
                      Outcome     *outcome,
                      GError     **error)
{
  g_autoptr(AnbuContact) contact = anbu_contact_from_json (payload, error);
  g_autoptr(AnbuContact) attached = NULL;

  if (contact == NULL || !check_actor (batch, contact->by, error))
    return FALSE;
  /* The household first: an alert of another scope's household must
   * answer like an unknown one. */
  if (!check_open_household (batch, contact->household_id, "household_id", error)
      /* A planner confirming a number answers no signal. */
      || (contact->outcome != ANBU_CONTACT_OUTCOME_NUMBER_CONFIRMED
          && !attach_to_signal (batch, payload, contact->household_id, contact->at, error))
      || !apply_fact (batch, ANBU_RECORD_KIND_CONTACT, ANBU_MUTATION_KIND_CONTACT_CREATE, payload,
                      outcome, error))
    return FALSE;
  /* A resent contact changed its signal the first time. */
  if (outcome->status != ANBU_MUTATION_STATUS_APPLIED)
    return TRUE;
  attached = anbu_contact_from_json (payload, error);
  return attached != NULL && apply_contact_to_signal (batch, attached, error);
}

static gboolean
apply_kind (Batch             *batch,
            AnbuMutationKind   kind,
            JsonObject        *payload,
            Outcome           *outcome,
            GError           **error)
{
  switch (kind)
    {
    case ANBU_MUTATION_KIND_HOUSEHOLD_CREATE:
      return apply_household_create (batch, payload, outcome, error);
    case ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE:
      return apply_household_update (batch, payload, outcome, error);
    case ANBU_MUTATION_KIND_HOUSEHOLD_CLOSE:
      return apply_household_close (batch, payload, outcome, error);
    case ANBU_MUTATION_KIND_PLUG_INSTALL:
      return apply_plug_install (batch, payload, outcome, error);
    case ANBU_MUTATION_KIND_PLUG_REPLACE:
      return apply_plug_replace (batch, payload, outcome, error);
    case ANBU_MUTATION_KIND_PLUG_REMOVE:
      return apply_plug_remove (batch, payload, outcome, error);
    case ANBU_MUTATION_KIND_PLUG_MARK:
      return apply_plug_mark (batch, payload, outcome, error);
    case ANBU_MUTATION_KIND_VISIT_CREATE:
      {
        g_autofree char *by = NULL;
        g_autofree char *household_id = NULL;
        gint64 at = 0;

        return read_uuid (payload, "by", &by, error) && check_actor (batch, by, error)
               && read_uuid (payload, "household_id", &household_id, error)
               && read_time (payload, "at", &at, error)
               && check_open_household (batch, household_id, "household_id", error)
               && attach_to_signal (batch, payload, household_id, at, error)
               && apply_fact (batch, ANBU_RECORD_KIND_VISIT, kind, payload, outcome, error);
      }
    case ANBU_MUTATION_KIND_CONTACT_CREATE:
      return apply_contact_create (batch, payload, outcome, error);
    case ANBU_MUTATION_KIND_ABSENCE_CREATE:
      return apply_fact (batch, ANBU_RECORD_KIND_ABSENCE, kind, payload, outcome, error);
    case ANBU_MUTATION_KIND_ALERT_ACKNOWLEDGE:
      return apply_alert_acknowledge (batch, payload, outcome, error);
    case ANBU_MUTATION_KIND_ALERT_RESOLVE:
      return apply_alert_resolve (batch, payload, outcome, error);
    case ANBU_MUTATION_KIND_ALERT_CLAIM:
      return apply_alert_claim (batch, payload, outcome, error);
    default:
      anbu_api_set_error (error, ANBU_API_ERROR_INVALID_VALUE, "kind", _("Unknown mutation kind"));
      return FALSE;
    }
}

/* The household an entry is about, when the payload names it. */
static const char *
referenced_household (AnbuMutationKind  kind,
                      JsonObject       *payload)
{
  const char *member;
  JsonNode *node;

  switch (kind)
    {
    case ANBU_MUTATION_KIND_HOUSEHOLD_CREATE:
    case ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE:
    case ANBU_MUTATION_KIND_HOUSEHOLD_CLOSE:
      member = "id";
      break;
    case ANBU_MUTATION_KIND_PLUG_INSTALL:
    case ANBU_MUTATION_KIND_PLUG_REPLACE:
    case ANBU_MUTATION_KIND_VISIT_CREATE:
    case ANBU_MUTATION_KIND_CONTACT_CREATE:
    case ANBU_MUTATION_KIND_ABSENCE_CREATE:
      member = "household_id";
      break;
    case ANBU_MUTATION_KIND_PLUG_REMOVE:
    case ANBU_MUTATION_KIND_PLUG_MARK:
    case ANBU_MUTATION_KIND_ALERT_ACKNOWLEDGE:
    case ANBU_MUTATION_KIND_ALERT_RESOLVE:
    case ANBU_MUTATION_KIND_ALERT_CLAIM:
    default:
      return NULL;
    }
  node = json_object_get_member (payload, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
rejected_result (const char   *id,
                 const GError *error)
{
  g_autoptr(AnbuApiProblem) problem = anbu_api_problem_from_error (error);
  JsonObject *result = json_object_new ();

  json_object_set_string_member (result, "id", id);
  json_object_set_string_member (result, "status", "rejected");
  json_object_set_string_member (result, "code", problem->code);
  json_object_set_string_member (result, "message", problem->message);
  if (problem->field != NULL)
    json_object_set_string_member (result, "field", problem->field);
  return result;
}

static JsonObject *
outcome_result (const char *id,
                Outcome    *outcome)
{
  JsonObject *result = json_object_new ();

  json_object_set_string_member (result, "id", id);
  json_object_set_string_member (result, "status", anbu_mutation_status_to_string (outcome->status));
  json_object_set_int_member (result, "version", outcome->version);
  if (outcome->record != NULL)
    json_object_set_object_member (result, "record", json_object_ref (outcome->record));
  if (outcome->conflicts != NULL)
    json_object_set_array_member (result, "conflicts", json_array_ref (outcome->conflicts));
  return result;
}

/* A resent entry: nothing is done again. The record is not repeated: what
 * was answered first may be older than what is stored now, and the next
 * pull brings the current state. */
static JsonObject *
duplicate_result (const char *id)
{
  JsonObject *result = json_object_new ();

  json_object_set_string_member (result, "id", id);
  json_object_set_string_member (result, "status", "duplicate");
  return result;
}

/* The stored household an entry is about, or NULL (a new or unknown one:
 * the entry's own checks answer for it). */
static const AnbuStoreEntity *
entry_household (Batch              *batch,
                 const AnbuMutation *mutation)
{
  const AnbuStoreEntity *household = NULL;
  const char *household_id = referenced_household (mutation->kind, mutation->payload);
  g_autoptr(AnbuStoreEntity) owner = NULL;
  AnbuRecordKind kind;
  const char *member;

  if (household_id == NULL)
    {
      if (mutation->kind == ANBU_MUTATION_KIND_PLUG_REMOVE)
        {
          kind = ANBU_RECORD_KIND_PLUG;
          member = "serial";
        }
      else if (mutation->kind == ANBU_MUTATION_KIND_ALERT_ACKNOWLEDGE
               || mutation->kind == ANBU_MUTATION_KIND_ALERT_RESOLVE
               || mutation->kind == ANBU_MUTATION_KIND_ALERT_CLAIM)
        {
          kind = ANBU_RECORD_KIND_ALERT;
          member = "id";
        }
      else
        return NULL;
      if (!json_object_has_member (mutation->payload, member)
          || json_node_get_value_type (json_object_get_member (mutation->payload, member)) != G_TYPE_STRING)
        return NULL;
      owner = anbu_store_load (batch->store, kind,
                               json_object_get_string_member (mutation->payload, member), NULL);
      if (owner == NULL)
        return NULL;
      household_id = owner->household_id;
    }
  /* A storage failure shows again when the entry reads its household. */
  if (!batch_household (batch, household_id, &household, NULL))
    return NULL;
  return household;
}

/* A planner's entry about a household a caseload move took from them:
 * made (by its own `created_at`) while they were still responsible, it
 * is applied as theirs; made after, it is refused saying so. */
static gboolean
check_moved_household (Batch              *batch,
                       const AnbuMutation *mutation,
                       JsonObject         *entry,
                       GError            **error)
{
  const AnbuStoreEntity *household;
  gint64 made_at = 0;

  g_clear_pointer (&batch->granted_household, g_free);
  if (batch->user->role != ANBU_USER_ROLE_PLANNER)
    return TRUE;
  household = entry_household (batch, mutation);
  if (household == NULL || anbu_scope_contains (batch->scope, &household->scope_key))
    return TRUE;
  /* An entry without its time is taken as made now. */
  anbu_json_read_timestamp ("created_at", json_object_get_member (entry, "created_at"), FALSE,
                            &made_at, NULL);
  if (anbu_caseload_moves_was_responsible (batch->store, batch->user, household, made_at, error))
    batch->granted_household = g_strdup (household->id);
  return error == NULL || *error == NULL;
}

JsonArray *
anbu_mutations_check_batch (JsonNode  *root,
                            GError   **error)
{
  JsonObject *object = json_node_get_object (root);
  JsonNode *node = json_object_get_member (object, "mutations");
  JsonArray *entries;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      anbu_api_set_error (error, ANBU_API_ERROR_MISSING_FIELD, "mutations", _("This field is required"));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      anbu_api_set_error (error, ANBU_API_ERROR_WRONG_TYPE, "mutations", _("This must be a list"));
      return NULL;
    }
  entries = json_node_get_array (node);
  if (json_array_get_length (entries) > ANBU_MUTATIONS_MAX_BATCH)
    {
      anbu_api_set_error (error, ANBU_API_ERROR_INVALID_VALUE, "mutations",
                          _("Send at most %d entries at once"), ANBU_MUTATIONS_MAX_BATCH);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *entry = json_array_get_element (entries, i);
      g_autofree char *prefix = g_strdup_printf ("mutations.%u", i);
      g_autofree char *id = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (entry))
        {
          anbu_api_set_error (error, ANBU_API_ERROR_WRONG_TYPE, prefix, _("Each entry must be an object"));
          return NULL;
        }
      /* Without its id an entry cannot even be answered. */
      if (!anbu_json_read_uuid ("id", json_object_get_member (json_node_get_object (entry), "id"),
                                TRUE, &id, error))
        {
          anbu_record_error_prefix_field (error, prefix);
          return NULL;
        }
    }
  return entries;
}

/* Whether an entry of this kind writes nothing but new facts (a contact
 * also changes its signal when it dispatches: then it writes directly). */
static gboolean
kind_adds_facts (AnbuMutationKind kind)
{
  return kind == ANBU_MUTATION_KIND_VISIT_CREATE || kind == ANBU_MUTATION_KIND_CONTACT_CREATE
         || kind == ANBU_MUTATION_KIND_ABSENCE_CREATE;
}

static AnbuRecordKind
fact_kind (AnbuMutationKind kind)
{
  return kind == ANBU_MUTATION_KIND_VISIT_CREATE ? ANBU_RECORD_KIND_VISIT
         : kind == ANBU_MUTATION_KIND_CONTACT_CREATE ? ANBU_RECORD_KIND_CONTACT
         : ANBU_RECORD_KIND_ABSENCE;
}

static void
add_unique (GPtrArray  *list,
            GHashTable *seen,
            const char *id)
{
  if (id != NULL && g_hash_table_add (seen, (gpointer) id))
    g_ptr_array_add (list, (gpointer) id);
}

static gboolean
prefetch_facts (Batch           *batch,
                AnbuRecordKind   kind,
                GPtrArray       *ids,
                GError         **error)
{
  g_autoptr(GPtrArray) found = NULL;

  if (ids->len == 0)
    return TRUE;
  g_ptr_array_add (ids, NULL);
  found = anbu_store_load_many (batch->store, kind, (const char * const *) ids->pdata, error);
  if (found == NULL)
    return FALSE;
  for (guint i = 0; i + 1 < ids->len; i++)
    g_hash_table_insert (batch->facts, fact_key (kind, ids->pdata[i]), NULL);
  for (guint i = 0; i < found->len; i++)
    {
      AnbuStoreEntity *entity = g_ptr_array_index (found, i);

      g_hash_table_insert (batch->facts, fact_key (kind, entity->id), entity);
    }
  g_ptr_array_set_free_func (found, NULL);
  return TRUE;
}

/* Reads what the entries will ask for, a statement per kind of thing. */
static gboolean
batch_prefetch (Batch      *batch,
                GPtrArray  *ids,
                GPtrArray  *mutations,
                GError    **error)
{
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) households = g_ptr_array_new ();
  g_autoptr(GHashTable) households_seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) signal_households = g_ptr_array_new ();
  g_autoptr(GHashTable) signal_seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) contact_ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) visit_ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) absence_ids = g_ptr_array_new ();

  g_ptr_array_add (ids, NULL);
  found = anbu_store_find_mutations (batch->store, (const char * const *) ids->pdata, error);
  g_ptr_array_remove_index (ids, ids->len - 1);
  if (found == NULL)
    return FALSE;
  for (guint i = 0; i < found->len; i++)
    {
      AnbuStoredMutation *stored = g_ptr_array_index (found, i);

      g_hash_table_insert (batch->stored, g_strdup (stored->id), stored);
    }
  g_ptr_array_set_free_func (found, NULL);

  for (guint i = 0; i < mutations->len; i++)
    {
      AnbuMutation *mutation = g_ptr_array_index (mutations, i);
      const char *household_id;
      JsonNode *node;

      if (mutation == NULL)
        continue;
      household_id = referenced_household (mutation->kind, mutation->payload);
      add_unique (households, households_seen, household_id);
      if (!kind_adds_facts (mutation->kind))
        continue;
      if (mutation->kind != ANBU_MUTATION_KIND_ABSENCE_CREATE)
        add_unique (signal_households, signal_seen, household_id);
      node = json_object_get_member (mutation->payload, "id");
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        {
          AnbuRecordKind kind = fact_kind (mutation->kind);

          g_ptr_array_add (kind == ANBU_RECORD_KIND_VISIT ? visit_ids
                           : kind == ANBU_RECORD_KIND_CONTACT ? contact_ids : absence_ids,
                           (gpointer) json_node_get_string (node));
        }
    }

  /* Households: those not stored are known not to be. */
  g_ptr_array_add (households, NULL);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = anbu_store_load_many (batch->store, ANBU_RECORD_KIND_HOUSEHOLD,
                                (const char * const *) households->pdata, error);
  if (found == NULL)
    return FALSE;
  for (guint i = 0; i + 1 < households->len; i++)
    g_hash_table_insert (batch->households, g_strdup (households->pdata[i]), NULL);
  for (guint i = 0; i < found->len; i++)
    {
      AnbuStoreEntity *entity = g_ptr_array_index (found, i);

      g_hash_table_insert (batch->households, g_strdup (entity->id), entity);
    }
  g_ptr_array_set_free_func (found, NULL);

  /* The open signals of the households that visits and contacts may
   * belong to. */
  g_ptr_array_add (signal_households, NULL);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = anbu_store_list_unresolved_alerts_of (batch->store,
                                                (const char * const *) signal_households->pdata, error);
  if (found == NULL)
    return FALSE;
  for (guint i = 0; i + 1 < signal_households->len; i++)
    g_hash_table_insert (batch->alerts, g_strdup (signal_households->pdata[i]),
                         g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_store_entity_free));
  for (guint i = 0; i < found->len; i++)
    {
      AnbuStoreEntity *alert = g_ptr_array_index (found, i);
      GPtrArray *alerts = g_hash_table_lookup (batch->alerts, alert->household_id);

      if (alerts != NULL)
        g_ptr_array_add (alerts, g_steal_pointer (&found->pdata[i]));
    }

  /* The facts the entries name. */
  return prefetch_facts (batch, ANBU_RECORD_KIND_CONTACT, contact_ids, error)
         && prefetch_facts (batch, ANBU_RECORD_KIND_VISIT, visit_ids, error)
         && prefetch_facts (batch, ANBU_RECORD_KIND_ABSENCE, absence_ids, error);
}

static void
batch_note_written (Batch      *batch,
                    const char *household_id)
{
  if (household_id == NULL)
    batch->written_other = TRUE;
  else if (!g_hash_table_contains (batch->written_set, household_id))
    {
      char *id = g_strdup (household_id);

      g_hash_table_add (batch->written_set, id);
      g_ptr_array_add (batch->written, id);
    }
}

/* The end of the batch: what is left, then the access log (one line per
 * household written). */
static gboolean
batch_finish (Batch                  *batch,
              const AnbuAccessEntry  *access,
              GError                **error)
{
  if (!batch_flush (batch, batch->new_facts->len, error))
    return FALSE;
  if (batch->written->len > 0)
    {
      g_ptr_array_add (batch->written, NULL);
      if (!anbu_store_log_access (batch->store, access, (const char * const *) batch->written->pdata, error))
        return FALSE;
    }
  if (batch->written_other && !anbu_store_log_access (batch->store, access, NULL, error))
    return FALSE;
  return TRUE;
}

static void
batch_clear (Batch *batch)
{
  g_clear_pointer (&batch->granted_household, g_free);
  g_clear_pointer (&batch->stored, g_hash_table_unref);
  g_clear_pointer (&batch->households, g_hash_table_unref);
  g_clear_pointer (&batch->alerts, g_hash_table_unref);
  g_clear_pointer (&batch->new_facts, g_ptr_array_unref);
  g_clear_pointer (&batch->facts, g_hash_table_unref);
  g_clear_pointer (&batch->new_results, g_ptr_array_unref);
  g_clear_pointer (&batch->written, g_ptr_array_unref);
  g_clear_pointer (&batch->written_set, g_hash_table_unref);
}

static void
free_error (gpointer error)
{
  if (error != NULL)
    g_error_free (error);
}

JsonNode *
anbu_mutations_apply (AnbuStore              *store,
                      AnbuMetrics            *metrics,
                      const AnbuStoreUser    *user,
                      const AnbuScope        *scope,
                      const AnbuAccessEntry  *access,
                      JsonArray              *entries,
                      GError                **error)
{
  g_autoptr(GHashTable) rejected_households = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonArray) results = json_array_new ();
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) mutations = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_mutation_free);
  g_autoptr(GPtrArray) parse_errors = g_ptr_array_new_with_free_func (free_error);
  Batch batch = { store, user, scope, rejected_households, NULL };
  JsonNode *node;

  batch.stored = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) anbu_stored_mutation_free);
  batch.households = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) anbu_store_entity_free);
  batch.alerts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  batch.facts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) anbu_store_entity_free);
  batch.new_facts = g_ptr_array_new ();
  batch.new_results = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_stored_mutation_free);
  batch.written = g_ptr_array_new ();
  batch.written_set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      g_autoptr(GError) parse_error = NULL;
      char *id = NULL;

      anbu_json_read_uuid ("id", json_object_get_member (entry, "id"), TRUE, &id, NULL);
      g_ptr_array_add (ids, id);
      g_ptr_array_add (mutations, anbu_mutation_from_json (entry, &parse_error));
      g_ptr_array_add (parse_errors, g_steal_pointer (&parse_error));
    }

  if (!anbu_store_begin (store, error))
    {
      batch_clear (&batch);
      return NULL;
    }
  if (!batch_prefetch (&batch, ids, mutations, error))
    goto fail_rollback;

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      const char *id = g_ptr_array_index (ids, i);
      AnbuMutation *mutation = g_ptr_array_index (mutations, i);
      AnbuStoredMutation *stored = g_hash_table_lookup (batch.stored, id);
      g_autoptr(GError) entry_error = NULL;
      g_auto(Outcome) outcome = { 0 };
      JsonObject *result;
      const char *household_id = NULL;
      const char *kind_name;

      /* An id is its sender's: another user's entry with it is not a
       * resend, and answering "duplicate" would drop it silently. */
      if (stored != NULL && g_strcmp0 (stored->user_id, user->id) != 0)
        {
          anbu_api_set_error (&entry_error, ANBU_API_ERROR_INVALID_VALUE, "id",
                              _("This entry id was already used by someone else; send the entry with a new id"));
          json_array_add_object_element (results, rejected_result (id, entry_error));
          anbu_metrics_add_mutation (metrics, stored->kind, "rejected");
          continue;
        }
      if (stored != NULL)
        {
          json_array_add_object_element (results, duplicate_result (id));
          anbu_metrics_add_mutation (metrics, stored->kind, "duplicate");
          continue;
        }

      if (mutation == NULL)
        entry_error = g_error_copy (g_ptr_array_index (parse_errors, i));
      else
        household_id = referenced_household (mutation->kind, mutation->payload);
      kind_name = mutation != NULL ? anbu_mutation_kind_to_string (mutation->kind) : "unknown";

      if (mutation == NULL)
        ;
      else if (!anbu_mutation_validate_payload (mutation->kind, mutation->payload, &entry_error))
        ;
      else if (household_id != NULL && g_hash_table_contains (rejected_households, household_id))
        anbu_api_set_error (&entry_error, ANBU_API_ERROR_DEPENDS_ON_REJECTED,
                            mutation->kind == ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE
                            || mutation->kind == ANBU_MUTATION_KIND_HOUSEHOLD_CLOSE ? "id" : "household_id",
                            _("The household this entry needs was rejected earlier in the batch"));
      else if (!check_moved_household (&batch, mutation, entry, &entry_error))
        {
          if (is_storage_error (entry_error))
            {
              g_propagate_error (error, g_steal_pointer (&entry_error));
              goto fail_rollback;
            }
        }
      else
        {
          batch.entry_facts = batch.new_facts->len;
          batch.entry_direct = FALSE;
          if (!kind_adds_facts (mutation->kind) && !batch_write_directly (&batch, error))
            goto fail_rollback;
          if (apply_kind (&batch, mutation->kind, mutation->payload, &outcome, &entry_error))
            {
              g_autoptr(JsonNode) result_node = NULL;
              AnbuStoredMutation *record = g_new0 (AnbuStoredMutation, 1);
              AnbuStoredMutation *seen = g_new0 (AnbuStoredMutation, 1);

              result = outcome_result (id, &outcome);
              result_node = json_node_init_object (json_node_alloc (), result);
              record->id = g_strdup (id);
              record->user_id = g_strdup (user->id);
              record->kind = g_strdup (kind_name);
              record->payload = anbu_json_object_to_string (mutation->payload);
              record->result = json_to_string (result_node, FALSE);
              g_ptr_array_add (batch.new_results, record);
              /* The same entry again later in this batch is a resend. */
              seen->id = g_strdup (id);
              seen->user_id = g_strdup (user->id);
              seen->kind = g_strdup (kind_name);
              g_hash_table_insert (batch.stored, g_strdup (id), seen);
              batch_note_written (&batch, outcome.household_id);
              if (batch.entry_direct && !anbu_store_release (store, error))
                goto fail_rollback;
              batch_end_entry (&batch);
              json_array_add_object_element (results, result);
              anbu_metrics_add_mutation (metrics, kind_name,
                                         anbu_mutation_status_to_string (outcome.status));
              continue;
            }
          batch_drop_entry (&batch);
          batch_end_entry (&batch);
          if (is_storage_error (entry_error))
            {
              g_propagate_error (error, g_steal_pointer (&entry_error));
              goto fail_rollback;
            }
        }

      /* Rejected: nothing of it stays; later entries about a household it
       * would have created are rejected too (unless it exists anyway). */
      if (mutation != NULL && mutation->kind == ANBU_MUTATION_KIND_HOUSEHOLD_CREATE && household_id != NULL)
        {
          g_autoptr(AnbuStoreEntity) existing = anbu_store_load (store, ANBU_RECORD_KIND_HOUSEHOLD,
                                                                  household_id, NULL);

          if (existing == NULL)
            g_hash_table_add (rejected_households, g_strdup (household_id));
        }
      json_array_add_object_element (results, rejected_result (id, entry_error));
      anbu_metrics_add_mutation (metrics, kind_name, "rejected");
    }

  if (!batch_finish (&batch, access, error) || !anbu_store_commit (store, error))
    goto fail_rollback;
  batch_clear (&batch);
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (node, results);
  return node;

fail_rollback:
  batch_clear (&batch);
  anbu_store_rollback (store);
  return NULL;
}
