/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "anbu-enums.h"

G_BEGIN_DECLS

/* The storage interface of anbu-server. Routes and the mutation logic talk
 * only to this interface; AnbuSqliteStore is the SQLite backend and
 * AnbuPgStore (anbu-pg-store.h) the PostgreSQL one. Every call is
 * synchronous and made from one thread. */

#define ANBU_STORE_ERROR (anbu_store_error_quark ())

typedef enum
{
  ANBU_STORE_ERROR_FAILED,      /* the backend refused (I/O, corruption, constraint) */
  ANBU_STORE_ERROR_NOT_FOUND,   /* no such user, record or session */
  ANBU_STORE_ERROR_EXISTS,      /* a record with this id or name is already stored */
  ANBU_STORE_ERROR_TOO_NEW,     /* the database was written by a newer anbu-server */
  ANBU_STORE_ERROR_FULL,        /* the disk is full: nothing was written, try again later */
} AnbuStoreError;

GQuark anbu_store_error_quark (void);

/* Records are counted by AnbuRecordKind (src/core/anbu-enums.h). */

/* Roles are AnbuUserRole (src/core/anbu-enums.h). */

/* Who may see what: a planner sees the households of their dong codes, the
 * control centre the households that consented to night/holiday
 * monitoring, an admin everything. Closed cases leave planner and control
 * scope. */
typedef struct
{
  AnbuUserRole   role;
  char     **dong_codes;
  const char *user_id;   /* a planner also sees the households moved to them one by one */
} AnbuScope;

typedef struct
{
  char      *id;
  char      *username;
  char      *display_name;
  AnbuUserRole   role;
  char     **dong_codes;
  char      *password_hash;
  gboolean   disabled;
} AnbuStoreUser;

AnbuStoreUser *anbu_store_user_copy (const AnbuStoreUser *user);
void           anbu_store_user_free (AnbuStoreUser       *user);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuStoreUser, anbu_store_user_free)

/* What decides whether a household is in someone's scope.
 * `assigned_planner` is set when an administrator moved this one household
 * to a planner (docs/server.md, "Caseload moves"): then only that planner
 * has it, whatever their 동 codes; otherwise the 동 codes decide. */
typedef struct
{
  char     *dong_code;
  gboolean  night_consent;
  char     *status;
  char     *assigned_planner;
} AnbuHouseholdScopeKey;

gboolean anbu_scope_contains (const AnbuScope             *scope,
                              const AnbuHouseholdScopeKey *key);
gboolean anbu_household_scope_key_equal (const AnbuHouseholdScopeKey *a,
                                         const AnbuHouseholdScopeKey *b);

/* For the backends: a list of strings (a user's 동 codes) as the JSON
 * array text they store, and back (NULL or unreadable text: empty). */
char    *anbu_store_strv_to_json   (char       **strv);
char   **anbu_store_strv_from_json (const char  *text);

/* One stored record of any kind. `record` is its JSON text as the core
 * codec wrote it. For households `scope_key` and `field_versions` (a JSON
 * object: field name → version of its last change) are set; for plugs
 * and alerts `state` is. */
typedef struct
{
  AnbuRecordKind         kind;
  char                  *id;
  char                  *household_id;
  char                  *record;
  gint64                 version;
  char                  *state;
  AnbuHouseholdScopeKey  scope_key;
  char                  *field_versions;
} AnbuStoreEntity;

AnbuStoreEntity *anbu_store_entity_new  (AnbuRecordKind   kind);
void             anbu_store_entity_free (AnbuStoreEntity *entity);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuStoreEntity, anbu_store_entity_free)

/* For the backends: whether `entity` may replace `old` (NULL: none stored),
 * its version being the next one; FALSE with an error otherwise. */
gboolean anbu_store_entity_follows (const AnbuStoreEntity *old,
                                    const AnbuStoreEntity *entity,
                                    GError               **error);

typedef enum
{
  ANBU_CHANGE_UPSERT,
  ANBU_CHANGE_REMOVE,
} AnbuChangeOp;

/* One entry of a pull page. `record` is NULL for removals. */
typedef struct
{
  gint64         seq;
  AnbuRecordKind kind;
  AnbuChangeOp   op;
  char          *id;
  char          *household_id;
  char          *record;
} AnbuStoreChange;

void anbu_store_change_free (AnbuStoreChange *change);

/* For the backends: `changes`, gathered from parts of a pull that each
 * gave their first `limit` + 1 in change order, becomes the page: sorted
 * by seq, each change once, at most `limit`. TRUE when more followed. */
gboolean anbu_store_merge_changes (GPtrArray *changes,
                                   guint      limit);

typedef enum
{
  ANBU_ACCESS_READ,
  ANBU_ACCESS_WRITE,
} AnbuAccessAction;

typedef struct
{
  gint64            id;
  char             *at;        /* UTC, ISO 8601 */
  char             *user_id;
  char             *username;
  char             *address;
  char             *method;
  char             *route;
  char             *household_id;
  AnbuAccessAction  action;
} AnbuAccessEntry;

void anbu_access_entry_free (AnbuAccessEntry *entry);

/* A stored mutation result, for answering a resent entry. */
typedef struct
{
  char   *id;
  char   *user_id;
  char   *kind;
  char   *payload;  /* the JSON payload as sent */
  char   *result;   /* the JSON result object first answered */
} AnbuStoredMutation;

void anbu_stored_mutation_free (AnbuStoredMutation *mutation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuStoredMutation, anbu_stored_mutation_free)

/* A caseload move (docs/server.md, "Caseload moves"): a whole 동 or one
 * household goes from one planner to another at `effective_at`. Kept for
 * good, so who had which household when can always be told. */
typedef struct
{
  char   *id;
  char   *dong_code;      /* a 동 move, or NULL */
  char   *household_id;   /* a household move, or NULL */
  char   *from_user_id;
  char   *to_user_id;
  gint64  effective_at;   /* µs UTC */
  gint64  created_at;     /* µs UTC */
  char   *created_by;     /* the administrator's username, or cli:USER */
  gint64  applied_at;     /* µs UTC; 0 while it waits for its time */
} AnbuCaseloadMove;

void anbu_caseload_move_free (AnbuCaseloadMove *move);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuCaseloadMove, anbu_caseload_move_free)

/* A household without a planner who can answer for it. */
typedef struct
{
  char *household_id;
  char *dong_code;
  char *dong_name;
  char *name;
  char *planners;   /* usernames of its disabled planners, comma-separated; NULL when none */
} AnbuOrphanHousehold;

void anbu_orphan_household_free (AnbuOrphanHousehold *orphan);

#define ANBU_TYPE_STORE (anbu_store_get_type ())
G_DECLARE_INTERFACE (AnbuStore, anbu_store, ANBU, STORE, GObject)

struct _AnbuStoreInterface
{
  GTypeInterface parent_iface;

  /* Transactions: one write transaction at a time; savepoints nest in it. */
  gboolean            (*begin)             (AnbuStore  *self,
                                            GError    **error);
  gboolean            (*commit)            (AnbuStore  *self,
                                            GError    **error);
  void                (*rollback)          (AnbuStore *self);
  gboolean            (*savepoint)         (AnbuStore  *self,
                                            GError    **error);
  gboolean            (*release)           (AnbuStore  *self,
                                            GError    **error);
  void                (*rollback_to)       (AnbuStore *self);

  /* Users and sessions. Times are Unix seconds. */
  gboolean            (*add_user)          (AnbuStore            *self,
                                            const AnbuStoreUser  *user,
                                            GError              **error);
  AnbuStoreUser *     (*find_user)         (AnbuStore   *self,
                                            const char  *username,
                                            const char  *id,
                                            GError     **error);
  gboolean            (*set_user_password) (AnbuStore   *self,
                                            const char  *user_id,
                                            const char  *password_hash,
                                            GError     **error);
  gboolean            (*set_user_disabled) (AnbuStore   *self,
                                            const char  *user_id,
                                            gboolean     disabled,
                                            GError     **error);
  gboolean            (*add_session)       (AnbuStore   *self,
                                            const char  *token_hash,
                                            const char  *user_id,
                                            gint64       created_at,
                                            gint64       expires_at,
                                            const char  *address,
                                            GError     **error);
  AnbuStoreUser *     (*find_session_user) (AnbuStore   *self,
                                            const char  *token_hash,
                                            gint64       now,
                                            GError     **error);
  gboolean            (*revoke_sessions)   (AnbuStore   *self,
                                            const char  *token_hash,
                                            const char  *user_id,
                                            gint64       now,
                                            GError     **error);

  /* Records. `save` stores the record with the version the caller set
   * (the stored one + 1, or 1 for a new record) and the next change number;
   * for a household whose scope key changed it also leaves an exit mark
   * (so those who lose it get a removal) and re-sends the records that
   * belong to it (so those who gain it get them). */
  AnbuStoreEntity *   (*load)              (AnbuStore      *self,
                                            AnbuRecordKind  kind,
                                            const char     *id,
                                            GError        **error);
  gboolean            (*save)              (AnbuStore        *self,
                                            AnbuStoreEntity  *entity,
                                            GError          **error);

  /* Pull: changes after `since` visible in `scope`, oldest first, at most
   * `limit`; `next` is the cursor to continue from. */
  GPtrArray *         (*changes)           (AnbuStore        *self,
                                            const AnbuScope  *scope,
                                            gint64            since,
                                            guint             limit,
                                            gboolean         *has_more,
                                            gint64           *next,
                                            GError          **error);

  /* Idempotent push. */
  AnbuStoredMutation *(*find_mutation)     (AnbuStore   *self,
                                            const char  *id,
                                            GError     **error);
  gboolean            (*add_mutation)      (AnbuStore                 *self,
                                            const AnbuStoredMutation  *mutation,
                                            GError                   **error);

  /* A push in few statements (docs/server.md, "Pushes in batches"): the
   * stored results of many entry ids (AnbuStoredMutation, those found), the
   * records of many ids of one kind (AnbuStoreEntity, those found), the
   * unresolved alerts of many households (AnbuStoreEntity, by household
   * then oldest first); new visits, contacts and absences (version 1,
   * ids not stored) with consecutive change numbers in their order; and
   * many stored results. A NULL-terminated id list may be empty. */
  GPtrArray *         (*find_mutations)    (AnbuStore           *self,
                                            const char * const  *ids,
                                            GError             **error);
  GPtrArray *         (*load_many)         (AnbuStore           *self,
                                            AnbuRecordKind       kind,
                                            const char * const  *ids,
                                            GError             **error);
  GPtrArray *         (*list_unresolved_alerts_of) (AnbuStore           *self,
                                                    const char * const  *household_ids,
                                                    GError             **error);
  gboolean            (*add_facts)         (AnbuStore  *self,
                                            GPtrArray  *entities,
                                            GError    **error);
  gboolean            (*add_mutations)     (AnbuStore  *self,
                                            GPtrArray  *mutations,
                                            GError    **error);

  /* The append-only access log. */
  gboolean            (*log_access)        (AnbuStore              *self,
                                            const AnbuAccessEntry  *entry,
                                            const char * const     *household_ids,
                                            GError                **error);
  GPtrArray *         (*list_access)       (AnbuStore   *self,
                                            const char  *household_id,
                                            const char  *user_id,
                                            GError     **error);

  /* The household's alerts that are not resolved (AnbuStoreEntity), oldest first. */
  GPtrArray *         (*list_unresolved_alerts) (AnbuStore   *self,
                                                 const char  *household_id,
                                                 GError     **error);

  /* Caseload moves. */
  gboolean            (*set_user_dong_codes) (AnbuStore   *self,
                                              const char  *user_id,
                                              char       **dong_codes,
                                              GError     **error);
  gboolean            (*add_caseload_move) (AnbuStore               *self,
                                            const AnbuCaseloadMove  *move,
                                            GError                 **error);
  /* AnbuCaseloadMove, by effective time then creation; only those not
   * applied yet when `pending_only`. */
  GPtrArray *         (*list_caseload_moves) (AnbuStore   *self,
                                              gboolean     pending_only,
                                              GError     **error);
  gboolean            (*set_caseload_move_applied) (AnbuStore   *self,
                                                    const char  *move_id,
                                                    gint64       applied_at,
                                                    GError     **error);
  /* The ids of the households of a 동 (closed ones too). */
  GPtrArray *         (*list_dong_households) (AnbuStore   *self,
                                               const char  *dong_code,
                                               GError     **error);
  /* Gives the household to `assigned_planner` (NULL: to whoever has its
   * 동), leaves an exit mark that `lost_by` pulls as a removal, and re-sends
   * the household and what belongs to it to whoever has it now. */
  gboolean            (*reassign_household) (AnbuStore   *self,
                                             const char  *household_id,
                                             const char  *assigned_planner,
                                             const char  *lost_by,
                                             GError     **error);
  /* Households not closed whose planners are all disabled or who have none
   * (AnbuOrphanHousehold), by 동. */
  GPtrArray *         (*list_orphan_households) (AnbuStore  *self,
                                                 GError    **error);
};

gboolean            anbu_store_begin              (AnbuStore              *self,
                                                   GError                **error);
gboolean            anbu_store_commit             (AnbuStore              *self,
                                                   GError                **error);
void                anbu_store_rollback           (AnbuStore              *self);
gboolean            anbu_store_savepoint          (AnbuStore              *self,
                                                   GError                **error);
gboolean            anbu_store_release            (AnbuStore              *self,
                                                   GError                **error);
void                anbu_store_rollback_to        (AnbuStore              *self);

gboolean            anbu_store_add_user           (AnbuStore              *self,
                                                   const AnbuStoreUser    *user,
                                                   GError                **error);
AnbuStoreUser      *anbu_store_find_user          (AnbuStore              *self,
                                                   const char             *username,
                                                   const char             *id,
                                                   GError                **error);
gboolean            anbu_store_set_user_password  (AnbuStore              *self,
                                                   const char             *user_id,
                                                   const char             *password_hash,
                                                   GError                **error);
gboolean            anbu_store_set_user_disabled  (AnbuStore              *self,
                                                   const char             *user_id,
                                                   gboolean                disabled,
                                                   GError                **error);
gboolean            anbu_store_add_session        (AnbuStore              *self,
                                                   const char             *token_hash,
                                                   const char             *user_id,
                                                   gint64                  created_at,
                                                   gint64                  expires_at,
                                                   const char             *address,
                                                   GError                **error);
AnbuStoreUser      *anbu_store_find_session_user  (AnbuStore              *self,
                                                   const char             *token_hash,
                                                   gint64                  now,
                                                   GError                **error);
gboolean            anbu_store_revoke_sessions    (AnbuStore              *self,
                                                   const char             *token_hash,
                                                   const char             *user_id,
                                                   gint64                  now,
                                                   GError                **error);

AnbuStoreEntity    *anbu_store_load               (AnbuStore              *self,
                                                   AnbuRecordKind          kind,
                                                   const char             *id,
                                                   GError                **error);
gboolean            anbu_store_save               (AnbuStore              *self,
                                                   AnbuStoreEntity        *entity,
                                                   GError                **error);
GPtrArray          *anbu_store_changes            (AnbuStore              *self,
                                                   const AnbuScope        *scope,
                                                   gint64                  since,
                                                   guint                   limit,
                                                   gboolean               *has_more,
                                                   gint64                 *next,
                                                   GError                **error);
AnbuStoredMutation *anbu_store_find_mutation      (AnbuStore              *self,
                                                   const char             *id,
                                                   GError                **error);
gboolean            anbu_store_add_mutation       (AnbuStore              *self,
                                                   const AnbuStoredMutation *mutation,
                                                   GError                **error);
GPtrArray          *anbu_store_find_mutations     (AnbuStore              *self,
                                                   const char * const     *ids,
                                                   GError                **error);
GPtrArray          *anbu_store_load_many          (AnbuStore              *self,
                                                   AnbuRecordKind          kind,
                                                   const char * const     *ids,
                                                   GError                **error);
GPtrArray          *anbu_store_list_unresolved_alerts_of (AnbuStore          *self,
                                                          const char * const *household_ids,
                                                          GError            **error);
gboolean            anbu_store_add_facts          (AnbuStore              *self,
                                                   GPtrArray              *entities,
                                                   GError                **error);
gboolean            anbu_store_add_mutations      (AnbuStore              *self,
                                                   GPtrArray              *mutations,
                                                   GError                **error);
gboolean            anbu_store_log_access         (AnbuStore              *self,
                                                   const AnbuAccessEntry  *entry,
                                                   const char * const     *household_ids,
                                                   GError                **error);
GPtrArray          *anbu_store_list_access        (AnbuStore              *self,
                                                   const char             *household_id,
                                                   const char             *user_id,
                                                   GError                **error);

GPtrArray          *anbu_store_list_unresolved_alerts (AnbuStore          *self,
                                                       const char         *household_id,
                                                       GError            **error);

gboolean            anbu_store_set_user_dong_codes (AnbuStore            *self,
                                                    const char           *user_id,
                                                    char                **dong_codes,
                                                    GError              **error);
gboolean            anbu_store_add_caseload_move  (AnbuStore              *self,
                                                   const AnbuCaseloadMove *move,
                                                   GError                **error);
GPtrArray          *anbu_store_list_caseload_moves (AnbuStore             *self,
                                                    gboolean               pending_only,
                                                    GError               **error);
gboolean            anbu_store_set_caseload_move_applied (AnbuStore       *self,
                                                          const char      *move_id,
                                                          gint64           applied_at,
                                                          GError         **error);
GPtrArray          *anbu_store_list_dong_households (AnbuStore            *self,
                                                     const char           *dong_code,
                                                     GError              **error);
gboolean            anbu_store_reassign_household (AnbuStore              *self,
                                                   const char             *household_id,
                                                   const char             *assigned_planner,
                                                   const char             *lost_by,
                                                   GError                **error);
GPtrArray          *anbu_store_list_orphan_households (AnbuStore          *self,
                                                       GError            **error);

/* Whether `location` (the --db value) names a PostgreSQL database
 * (postgresql:// or postgres://) rather than a SQLite file. */
gboolean            anbu_store_location_is_postgresql (const char         *location);

/* The store at `location`: AnbuPgStore for a PostgreSQL URI, else
 * AnbuSqliteStore on the file of that name. */
AnbuStore          *anbu_store_open               (const char             *location,
                                                   GError                **error);

G_END_DECLS
