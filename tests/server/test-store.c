/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The storage interface (src/server/anbu-store.h) on both engines: every
 * case runs against AnbuSqliteStore on a temporary file and against
 * AnbuPgStore on a fresh database of a throwaway PostgreSQL 15
 * (anbu-test-postgres.h). The PostgreSQL cases are skipped only when
 * PostgreSQL is not installed. */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>

#include "anbu-clock.h"
#include "anbu-metrics.h"
#include "anbu-mutations.h"
#include "anbu-pg-store.h"
#include "anbu-sqlite-store.h"
#include "anbu-store.h"
#include "anbu-test-postgres.h"

typedef enum
{
  ENGINE_SQLITE,
  ENGINE_POSTGRESQL,
} Engine;

typedef struct
{
  Engine     engine;
  char      *dir;        /* SQLite: the temporary directory */
  char      *location;   /* the --db value: a file or a postgresql:// URI */
  AnbuStore *store;
} Fixture;

/* 2026-11-24 10:30 KST */
#define CLOCK_START_SECONDS G_GINT64_CONSTANT (1795483800)
#define CLOCK_START_TEXT "2026-11-24T01:30:00Z"

#define DONG_A "1111051500"
#define DONG_B "1111053000"
#define DONG_C "1111054000"

static AnbuStore *
open_store (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  AnbuStore *store = anbu_store_open (fixture->location, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_true (fixture->engine == ENGINE_POSTGRESQL ? ANBU_IS_PG_STORE (store)
                                                       : ANBU_IS_SQLITE_STORE (store));
  return store;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->engine = GPOINTER_TO_INT (data);
  fixture->location = anbu_test_database_new (fixture->engine == ENGINE_POSTGRESQL,
                                              "anbu-store-XXXXXX", &fixture->dir);
  if (fixture->location == NULL)
    return;
  fixture->store = open_store (fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->store);
  if (fixture->dir != NULL)
    anbu_test_database_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->location);
}

/* Helpers */

static void
add_user (AnbuStore    *store,
          const char   *id,
          const char   *username,
          AnbuUserRole  role,
          const char   *dongs)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) codes = dongs != NULL ? g_strsplit (dongs, ",", -1) : g_new0 (char *, 1);
  g_autofree char *hash = g_strconcat ("hash-of-", username, NULL);
  AnbuStoreUser user = { (char *) id, (char *) username, (char *) username, role, codes, hash, FALSE };

  g_assert_true (anbu_store_add_user (store, &user, &error));
  g_assert_no_error (error);
}

static void
save_household (AnbuStore  *store,
                const char *id,
                const char *dong,
                gboolean    night_consent,
                const char *status,
                gint64      version,
                const char *name)
{
  g_autoptr(AnbuStoreEntity) entity = anbu_store_entity_new (ANBU_RECORD_KIND_HOUSEHOLD);
  g_autoptr(GError) error = NULL;

  entity->id = g_strdup (id);
  entity->record = g_strdup_printf ("{\"id\":\"%s\",\"dong_code\":\"%s\",\"dong_name\":\"동 %s\","
                                    "\"name\":\"%s\",\"status\":\"%s\",\"version\":%" G_GINT64_FORMAT "}",
                                    id, dong, dong, name, status, version);
  entity->version = version;
  entity->scope_key.dong_code = g_strdup (dong);
  entity->scope_key.night_consent = night_consent;
  entity->scope_key.status = g_strdup (status);
  entity->field_versions = g_strdup_printf ("{\"name\":%" G_GINT64_FORMAT "}", version);
  g_assert_true (anbu_store_save (store, entity, &error));
  g_assert_no_error (error);
}

static void
save_dependent (AnbuStore      *store,
                AnbuRecordKind  kind,
                const char     *id,
                const char     *household_id,
                const char     *state,
                gint64          version)
{
  g_autoptr(AnbuStoreEntity) entity = anbu_store_entity_new (kind);
  g_autoptr(GError) error = NULL;

  entity->id = g_strdup (id);
  entity->household_id = g_strdup (household_id);
  entity->state = g_strdup (state);
  entity->record = g_strdup_printf ("{\"id\":\"%s\",\"household_id\":\"%s\",\"v\":%" G_GINT64_FORMAT "}",
                                    id, household_id, version);
  entity->version = version;
  g_assert_true (anbu_store_save (store, entity, &error));
  g_assert_no_error (error);
}

/* All pages of `page_size` from `since`; `cursor` gets the last page's
 * next cursor. */
static GPtrArray *
pull_pages (AnbuStore       *store,
            const AnbuScope *scope,
            gint64           since,
            guint            page_size,
            gint64          *cursor)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_store_change_free);
  gboolean has_more = TRUE;

  while (has_more)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) page = anbu_store_changes (store, scope, since, page_size, &has_more, &since,
                                                      &error);

      g_assert_no_error (error);
      g_assert_nonnull (page);
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_add (all, g_steal_pointer (&page->pdata[i]));
      g_ptr_array_set_free_func (page, NULL);
    }
  if (cursor != NULL)
    *cursor = since;
  return all;
}

static GPtrArray *
pull_all (AnbuStore       *store,
          const AnbuScope *scope,
          gint64           since,
          gint64          *cursor)
{
  return pull_pages (store, scope, since, 100, cursor);
}

/* "household:H1 plug:P1 -household:H2": what a pull carried, in order. */
static char *
describe_changes (GPtrArray *changes)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < changes->len; i++)
    {
      AnbuStoreChange *change = g_ptr_array_index (changes, i);

      if (i > 0)
        g_string_append_c (text, ' ');
      if (change->op == ANBU_CHANGE_REMOVE)
        {
          g_string_append_c (text, '-');
          g_assert_null (change->record);
        }
      else
        g_assert_nonnull (change->record);
      g_string_append_printf (text, "%s:%s", anbu_record_kind_to_string (change->kind), change->id);
      if (i > 0)
        g_assert_cmpint (change->seq, >, ((AnbuStoreChange *) g_ptr_array_index (changes, i - 1))->seq);
    }
  return g_string_free (text, FALSE);
}

static void
assert_pull (AnbuStore       *store,
             const AnbuScope *scope,
             gint64          *cursor,
             const char      *expected)
{
  g_autoptr(GPtrArray) changes = pull_all (store, scope, *cursor, cursor);
  g_autofree char *text = describe_changes (changes);

  g_assert_cmpstr (text, ==, expected);
}

/* The same pull in pages of one, two and a hundred: a page is cut from
 * several parts of the store's pull (anbu_store_merge_changes). */
static void
assert_pull_paged (AnbuStore       *store,
                   const AnbuScope *scope,
                   gint64          *cursor,
                   const char      *expected)
{
  const guint page_sizes[] = { 1, 2, 100 };
  gint64 end = -1;

  for (guint i = 0; i < G_N_ELEMENTS (page_sizes); i++)
    {
      gint64 next = 0;
      g_autoptr(GPtrArray) changes = pull_pages (store, scope, *cursor, page_sizes[i], &next);
      g_autofree char *text = describe_changes (changes);

      g_assert_cmpstr (text, ==, expected);
      if (end >= 0)
        g_assert_cmpint (next, ==, end);
      end = next;
    }
  *cursor = end;
}

/* What a first pull of `scope` carries now, in one page (the later pages
 * of a first pull continue from a cursor, so they may carry removals of
 * what the caller never had). */
static void
assert_first_pull (AnbuStore       *store,
                   const AnbuScope *scope,
                   const char      *expected)
{
  gint64 cursor = 0;

  assert_pull (store, scope, &cursor, expected);
}

#define REQUIRE_STORE(fixture) G_STMT_START { if ((fixture)->store == NULL) return; } G_STMT_END

/* Cases */

static void
test_users (Fixture       *fixture,
            gconstpointer  data)
{
  AnbuStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStoreUser) found = NULL;
  g_autoptr(AnbuStoreUser) by_id = NULL;
  char *codes[] = { (char *) DONG_C, NULL };

  REQUIRE_STORE (fixture);
  add_user (store, "u-kim", "kim.planner", ANBU_USER_ROLE_PLANNER, DONG_A "," DONG_B);

  found = anbu_store_find_user (store, "kim.planner", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->id, ==, "u-kim");
  g_assert_cmpstr (found->display_name, ==, "kim.planner");
  g_assert_cmpint (found->role, ==, ANBU_USER_ROLE_PLANNER);
  g_assert_cmpstrv (found->dong_codes, ((const char *[]) { DONG_A, DONG_B, NULL }));
  g_assert_cmpstr (found->password_hash, ==, "hash-of-kim.planner");
  g_assert_false (found->disabled);
  by_id = anbu_store_find_user (store, NULL, "u-kim", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_id->username, ==, "kim.planner");

  /* The same name or the same id twice. */
  {
    AnbuStoreUser same_name = { (char *) "u-other", (char *) "kim.planner", (char *) "x",
                                ANBU_USER_ROLE_ADMIN, NULL, (char *) "h", FALSE };
    AnbuStoreUser same_id = { (char *) "u-kim", (char *) "lee.admin", (char *) "x",
                              ANBU_USER_ROLE_ADMIN, NULL, (char *) "h", FALSE };

    g_assert_false (anbu_store_add_user (store, &same_name, &error));
    g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_EXISTS);
    g_clear_error (&error);
    g_assert_false (anbu_store_add_user (store, &same_id, &error));
    g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_EXISTS);
    g_clear_error (&error);
  }
  g_assert_null (anbu_store_find_user (store, "nobody", NULL, &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (anbu_store_set_user_password (store, "u-kim", "new-hash", &error));
  g_assert_true (anbu_store_set_user_disabled (store, "u-kim", TRUE, &error));
  g_assert_true (anbu_store_set_user_dong_codes (store, "u-kim", codes, &error));
  g_assert_no_error (error);
  g_clear_pointer (&found, anbu_store_user_free);
  found = anbu_store_find_user (store, "kim.planner", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->password_hash, ==, "new-hash");
  g_assert_true (found->disabled);
  g_assert_cmpstrv (found->dong_codes, ((const char *[]) { DONG_C, NULL }));

  /* A user id that matches nobody changes nothing and says so. */
  g_assert_false (anbu_store_set_user_password (store, "u-none", "h", &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (anbu_store_set_user_disabled (store, "u-none", TRUE, &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (anbu_store_set_user_dong_codes (store, "u-none", codes, &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND);
}

static void
assert_session_user (AnbuStore  *store,
                     const char *token_hash,
                     gint64      now,
                     const char *expected_username)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStoreUser) user = anbu_store_find_session_user (store, token_hash, now, &error);

  if (expected_username == NULL)
    {
      g_assert_null (user);
      g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND);
    }
  else
    {
      g_assert_no_error (error);
      g_assert_cmpstr (user->username, ==, expected_username);
    }
}

static void
test_sessions (Fixture       *fixture,
               gconstpointer  data)
{
  AnbuStore *store = fixture->store;
  g_autoptr(GError) error = NULL;

  REQUIRE_STORE (fixture);
  add_user (store, "u-kim", "kim.planner", ANBU_USER_ROLE_PLANNER, DONG_A);
  add_user (store, "u-lee", "lee.control", ANBU_USER_ROLE_CONTROL, NULL);
  g_assert_true (anbu_store_add_session (store, "tok-1", "u-kim", 1000, 2000, "127.0.0.1", &error));
  g_assert_true (anbu_store_add_session (store, "tok-2", "u-kim", 1000, 5000, NULL, &error));
  g_assert_true (anbu_store_add_session (store, "tok-3", "u-lee", 1000, 5000, "::1", &error));
  g_assert_no_error (error);
  g_assert_false (anbu_store_add_session (store, "tok-1", "u-lee", 1000, 5000, NULL, &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  assert_session_user (store, "tok-1", 1999, "kim.planner");
  assert_session_user (store, "tok-1", 2000, NULL);  /* expired */
  assert_session_user (store, "tok-9", 1500, NULL);
  assert_session_user (store, "tok-3", 1500, "lee.control");

  /* Sign-out revokes one token; a password reset every token of the user. */
  g_assert_true (anbu_store_revoke_sessions (store, "tok-1", NULL, 1500, &error));
  assert_session_user (store, "tok-1", 1500, NULL);
  assert_session_user (store, "tok-2", 1500, "kim.planner");
  g_assert_true (anbu_store_add_session (store, "tok-4", "u-kim", 1500, 5000, NULL, &error));
  g_assert_true (anbu_store_revoke_sessions (store, NULL, "u-kim", 1600, &error));
  g_assert_no_error (error);
  assert_session_user (store, "tok-2", 1700, NULL);
  assert_session_user (store, "tok-4", 1700, NULL);
  assert_session_user (store, "tok-3", 1700, "lee.control");

  /* A disabled user's sessions stop working. */
  g_assert_true (anbu_store_set_user_disabled (store, "u-lee", TRUE, &error));
  g_assert_no_error (error);
  assert_session_user (store, "tok-3", 1700, NULL);
}

static void
test_records (Fixture       *fixture,
              gconstpointer  data)
{
  AnbuStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStoreEntity) household = NULL;
  g_autoptr(AnbuStoreEntity) plug = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  const AnbuRecordKind facts[] = { ANBU_RECORD_KIND_CONTACT, ANBU_RECORD_KIND_VISIT, ANBU_RECORD_KIND_ABSENCE };

  REQUIRE_STORE (fixture);
  g_assert_null (anbu_store_load (store, ANBU_RECORD_KIND_HOUSEHOLD, "h-1", &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  save_household (store, "h-1", DONG_A, TRUE, "active", 1, "박순자");
  household = anbu_store_load (store, ANBU_RECORD_KIND_HOUSEHOLD, "h-1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (household->record, ==,
                   "{\"id\":\"h-1\",\"dong_code\":\"" DONG_A "\",\"dong_name\":\"동 " DONG_A "\","
                   "\"name\":\"박순자\",\"status\":\"active\",\"version\":1}");
  g_assert_cmpint (household->version, ==, 1);
  g_assert_cmpstr (household->household_id, ==, "h-1");
  g_assert_cmpstr (household->scope_key.dong_code, ==, DONG_A);
  g_assert_true (household->scope_key.night_consent);
  g_assert_cmpstr (household->scope_key.status, ==, "active");
  g_assert_null (household->scope_key.assigned_planner);
  g_assert_cmpstr (household->field_versions, ==, "{\"name\":1}");

  /* A version that does not follow the stored one is refused. */
  household->version = 1;
  g_assert_false (anbu_store_save (store, household, &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED);
  g_clear_error (&error);
  household->version = 3;
  g_assert_false (anbu_store_save (store, household, &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED);
  g_clear_error (&error);
  save_household (store, "h-1", DONG_A, FALSE, "paused", 2, "박순자");
  g_clear_pointer (&household, anbu_store_entity_free);
  household = anbu_store_load (store, ANBU_RECORD_KIND_HOUSEHOLD, "h-1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (household->version, ==, 2);
  g_assert_false (household->scope_key.night_consent);
  g_assert_cmpstr (household->scope_key.status, ==, "paused");

  save_dependent (store, ANBU_RECORD_KIND_PLUG, "plug-1", "h-1", "installed", 1);
  save_dependent (store, ANBU_RECORD_KIND_PLUG, "plug-1", "h-1", "removed", 2);
  plug = anbu_store_load (store, ANBU_RECORD_KIND_PLUG, "plug-1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (plug->state, ==, "removed");
  g_assert_cmpstr (plug->household_id, ==, "h-1");
  g_assert_cmpint (plug->version, ==, 2);
  g_assert_cmpstr (plug->record, ==, "{\"id\":\"plug-1\",\"household_id\":\"h-1\",\"v\":2}");

  for (guint i = 0; i < G_N_ELEMENTS (facts); i++)
    {
      g_autofree char *id = g_strdup_printf ("fact-%u", i);
      g_autoptr(AnbuStoreEntity) fact = NULL;

      save_dependent (store, facts[i], id, "h-1", NULL, 1);
      fact = anbu_store_load (store, facts[i], id, &error);
      g_assert_no_error (error);
      g_assert_cmpint (fact->kind, ==, facts[i]);
      g_assert_cmpstr (fact->household_id, ==, "h-1");
      g_assert_null (fact->state);
      /* Each kind has its own table. */
      g_assert_null (anbu_store_load (store, facts[(i + 1) % G_N_ELEMENTS (facts)], id, &error));
      g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND);
      g_clear_error (&error);
    }

  /* Unresolved alerts, oldest first. */
  save_dependent (store, ANBU_RECORD_KIND_ALERT, "alert-b", "h-1", "open", 1);
  save_dependent (store, ANBU_RECORD_KIND_ALERT, "alert-a", "h-1", "resolved", 1);
  save_dependent (store, ANBU_RECORD_KIND_ALERT, "alert-c", "h-1", "acknowledged", 1);
  alerts = anbu_store_list_unresolved_alerts (store, "h-1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (alerts->len, ==, 2);
  g_assert_cmpstr (((AnbuStoreEntity *) alerts->pdata[0])->id, ==, "alert-b");
  g_assert_cmpstr (((AnbuStoreEntity *) alerts->pdata[1])->id, ==, "alert-c");
  g_assert_cmpstr (((AnbuStoreEntity *) alerts->pdata[1])->state, ==, "acknowledged");
}

static void
test_changes (Fixture       *fixture,
              gconstpointer  data)
{
  AnbuStore *store = fixture->store;
  char *dongs_a[] = { (char *) DONG_A, NULL };
  char *dongs_b[] = { (char *) DONG_B, NULL };
  AnbuScope planner_a = { ANBU_USER_ROLE_PLANNER, dongs_a, "u-a" };
  AnbuScope planner_b = { ANBU_USER_ROLE_PLANNER, dongs_b, "u-b" };
  AnbuScope control = { ANBU_USER_ROLE_CONTROL, NULL, "u-c" };
  AnbuScope admin = { ANBU_USER_ROLE_ADMIN, NULL, "u-admin" };
  gint64 cursor_a = 0, cursor_b = 0, cursor_control = 0, cursor_admin = 0;
  g_autoptr(GError) error = NULL;

  REQUIRE_STORE (fixture);
  save_household (store, "h-1", DONG_A, TRUE, "active", 1, "가");
  save_household (store, "h-2", DONG_B, FALSE, "active", 1, "나");
  save_dependent (store, ANBU_RECORD_KIND_PLUG, "plug-1", "h-1", "installed", 1);
  save_dependent (store, ANBU_RECORD_KIND_VISIT, "visit-2", "h-2", NULL, 1);
  save_dependent (store, ANBU_RECORD_KIND_ALERT, "alert-1", "h-1", "open", 1);

  assert_pull (store, &planner_a, &cursor_a, "household:h-1 plug:plug-1 alert:alert-1");
  assert_pull (store, &planner_b, &cursor_b, "household:h-2 visit:visit-2");
  assert_pull (store, &control, &cursor_control, "household:h-1 plug:plug-1 alert:alert-1");
  assert_pull (store, &admin, &cursor_admin,
               "household:h-1 household:h-2 plug:plug-1 visit:visit-2 alert:alert-1");
  /* The last page's cursor is past everything: nothing new, nothing again. */
  assert_pull (store, &planner_a, &cursor_a, "");
  g_assert_cmpint (cursor_a, ==, cursor_admin);

  /* Pages of one: each says there is more, until the last. */
  {
    gint64 since = 0;
    guint pages = 0;
    gboolean has_more = TRUE;

    while (has_more)
      {
        g_autoptr(GPtrArray) page = anbu_store_changes (store, &admin, since, 1, &has_more, &since, &error);

        g_assert_no_error (error);
        g_assert_cmpuint (page->len, ==, 1);
        g_assert_cmpint (since, ==, ((AnbuStoreChange *) page->pdata[0])->seq);
        pages++;
      }
    g_assert_cmpuint (pages, ==, 5);
  }

  /* h-1 moves to 동 B: planner A gets a removal, planner B the household
   * and then what belongs to it; control loses it with the consent. */
  save_household (store, "h-1", DONG_B, FALSE, "active", 2, "가");
  assert_pull (store, &planner_a, &cursor_a, "-household:h-1");
  assert_pull (store, &planner_b, &cursor_b, "household:h-1 plug:plug-1 alert:alert-1");
  assert_pull (store, &control, &cursor_control, "-household:h-1");
  assert_pull (store, &admin, &cursor_admin, "household:h-1 plug:plug-1 alert:alert-1");

  /* A closed case leaves the planner's scope, not the administrator's;
   * a first pull carries no removals. */
  save_household (store, "h-2", DONG_B, FALSE, "closed", 2, "나");
  assert_pull (store, &planner_b, &cursor_b, "-household:h-2");
  assert_pull (store, &admin, &cursor_admin, "household:h-2 visit:visit-2");
  {
    gint64 fresh = 0;

    assert_pull (store, &planner_b, &fresh, "household:h-1 plug:plug-1 alert:alert-1");
  }
  /* A change to a record the caller cannot see moves their cursor on. */
  save_dependent (store, ANBU_RECORD_KIND_VISIT, "visit-2", "h-2", NULL, 2);
  assert_pull (store, &planner_a, &cursor_a, "");
  g_assert_cmpint (cursor_a, ==, cursor_admin + 1);
}

/* A planner's pull reads their 동's rows by the 동 each row carries, and
 * the households moved to them one by one through the assignments: what
 * every role receives stays what the scope rule says, also when a
 * household moves 동, a plug moves to another household, a household is
 * given to one planner, and across pages cut from several 동. */
static void
test_pull_by_dong (Fixture       *fixture,
                   gconstpointer  data)
{
  AnbuStore *store = fixture->store;
  char *dongs_a[] = { (char *) DONG_A, NULL };
  char *dongs_b[] = { (char *) DONG_B, NULL };
  char *dongs_ab[] = { (char *) DONG_A, (char *) DONG_B, NULL };
  AnbuScope planner_a = { ANBU_USER_ROLE_PLANNER, dongs_a, "u-a" };
  AnbuScope planner_b = { ANBU_USER_ROLE_PLANNER, dongs_b, "u-b" };
  AnbuScope planner_ab = { ANBU_USER_ROLE_PLANNER, dongs_ab, "u-ab" };
  AnbuScope control = { ANBU_USER_ROLE_CONTROL, NULL, "u-c" };
  AnbuScope admin = { ANBU_USER_ROLE_ADMIN, NULL, "u-admin" };
  gint64 cursor_a = 0, cursor_b = 0, cursor_ab = 0, cursor_control = 0, cursor_admin = 0;
  g_autoptr(GError) error = NULL;

  REQUIRE_STORE (fixture);
  add_user (store, "u-a", "a.planner", ANBU_USER_ROLE_PLANNER, DONG_A);
  add_user (store, "u-b", "b.planner", ANBU_USER_ROLE_PLANNER, DONG_B);
  add_user (store, "u-ab", "ab.planner", ANBU_USER_ROLE_PLANNER, DONG_A "," DONG_B);
  save_household (store, "h-1", DONG_A, TRUE, "active", 1, "가");
  save_household (store, "h-2", DONG_B, FALSE, "active", 1, "나");
  save_household (store, "h-3", DONG_C, TRUE, "active", 1, "다");
  save_household (store, "h-4", DONG_A, TRUE, "closed", 1, "라");
  save_dependent (store, ANBU_RECORD_KIND_PLUG, "plug-1", "h-1", "installed", 1);
  save_dependent (store, ANBU_RECORD_KIND_PLUG, "plug-3", "h-3", "installed", 1);
  save_dependent (store, ANBU_RECORD_KIND_PLUG, "plug-4", "h-4", "installed", 1);
  save_dependent (store, ANBU_RECORD_KIND_VISIT, "visit-2", "h-2", NULL, 1);
  save_dependent (store, ANBU_RECORD_KIND_ALERT, "alert-1", "h-1", "open", 1);
  save_dependent (store, ANBU_RECORD_KIND_CONTACT, "contact-1", "h-1", NULL, 1);
  save_dependent (store, ANBU_RECORD_KIND_ABSENCE, "absence-1", "h-1", NULL, 1);
  save_dependent (store, ANBU_RECORD_KIND_VISIT, "visit-1", "h-1", NULL, 1);

  assert_pull_paged (store, &planner_a, &cursor_a,
                     "household:h-1 plug:plug-1 alert:alert-1 contact:contact-1 absence:absence-1"
                     " visit:visit-1");
  assert_pull_paged (store, &planner_b, &cursor_b, "household:h-2 visit:visit-2");
  assert_pull_paged (store, &planner_ab, &cursor_ab,
                     "household:h-1 household:h-2 plug:plug-1 visit:visit-2 alert:alert-1"
                     " contact:contact-1 absence:absence-1 visit:visit-1");
  assert_pull_paged (store, &control, &cursor_control,
                     "household:h-1 household:h-3 plug:plug-1 plug:plug-3 alert:alert-1"
                     " contact:contact-1 absence:absence-1 visit:visit-1");
  assert_pull_paged (store, &admin, &cursor_admin,
                     "household:h-1 household:h-2 household:h-3 household:h-4 plug:plug-1"
                     " plug:plug-3 plug:plug-4 visit:visit-2 alert:alert-1 contact:contact-1"
                     " absence:absence-1 visit:visit-1");

  /* h-1 moves to 동 B and what belongs to it goes along: planner A loses
   * it all, a first pull in 동 B has it all, in 동 A none of it. */
  save_household (store, "h-1", DONG_B, TRUE, "active", 2, "가");
  assert_pull_paged (store, &planner_a, &cursor_a, "-household:h-1");
  assert_pull_paged (store, &planner_b, &cursor_b,
                     "household:h-1 plug:plug-1 alert:alert-1 contact:contact-1 visit:visit-1"
                     " absence:absence-1");
  assert_pull_paged (store, &planner_ab, &cursor_ab,
                     "household:h-1 plug:plug-1 alert:alert-1 contact:contact-1 visit:visit-1"
                     " absence:absence-1");
  assert_pull_paged (store, &control, &cursor_control,
                     "household:h-1 plug:plug-1 alert:alert-1 contact:contact-1 visit:visit-1"
                     " absence:absence-1");
  assert_pull_paged (store, &admin, &cursor_admin,
                     "household:h-1 plug:plug-1 alert:alert-1 contact:contact-1 visit:visit-1"
                     " absence:absence-1");
  assert_first_pull (store, &planner_a, "");
  assert_first_pull (store, &planner_b,
                     "household:h-2 visit:visit-2 household:h-1 plug:plug-1 alert:alert-1"
                     " contact:contact-1 visit:visit-1 absence:absence-1");
  /* What is written for it after the move is in 동 B too. */
  save_dependent (store, ANBU_RECORD_KIND_VISIT, "visit-5", "h-1", NULL, 1);
  assert_pull_paged (store, &planner_a, &cursor_a, "");
  assert_pull_paged (store, &planner_b, &cursor_b, "visit:visit-5");

  /* A plug reinstalled in another household goes to that household's 동. */
  save_dependent (store, ANBU_RECORD_KIND_PLUG, "plug-3", "h-1", "installed", 2);
  assert_pull_paged (store, &planner_a, &cursor_a, "");
  assert_pull_paged (store, &planner_b, &cursor_b, "plug:plug-3");
  assert_pull_paged (store, &control, &cursor_control, "visit:visit-5 plug:plug-3");
  assert_first_pull (store, &planner_b,
                     "household:h-2 visit:visit-2 household:h-1 plug:plug-1 alert:alert-1"
                     " contact:contact-1 visit:visit-1 absence:absence-1 visit:visit-5 plug:plug-3");

  /* h-2 of 동 B is given to planner A one by one: A gets it and what is
   * written for it later, B and the planner of both 동 lose it. */
  g_assert_true (anbu_store_reassign_household (store, "h-2", "u-a", "u-b", &error));
  g_assert_no_error (error);
  assert_pull_paged (store, &planner_a, &cursor_a, "household:h-2 visit:visit-2");
  assert_pull_paged (store, &planner_b, &cursor_b, "-household:h-2");
  assert_pull_paged (store, &planner_ab, &cursor_ab, "visit:visit-5 plug:plug-3 -household:h-2");
  assert_pull_paged (store, &control, &cursor_control, "");
  assert_first_pull (store, &planner_a, "household:h-2 visit:visit-2");
  assert_first_pull (store, &planner_ab,
                     "household:h-1 plug:plug-1 alert:alert-1 contact:contact-1 visit:visit-1"
                     " absence:absence-1 visit:visit-5 plug:plug-3");
  save_dependent (store, ANBU_RECORD_KIND_VISIT, "visit-6", "h-2", NULL, 1);
  assert_pull_paged (store, &planner_a, &cursor_a, "visit:visit-6");
  assert_pull_paged (store, &planner_b, &cursor_b, "");
  assert_pull_paged (store, &planner_ab, &cursor_ab, "");

  /* h-1 is given to planner B, who has its 동 anyway: B gets each change
   * once; the planner of both 동 loses it. */
  g_assert_true (anbu_store_reassign_household (store, "h-1", "u-b", "u-ab", &error));
  g_assert_no_error (error);
  assert_pull_paged (store, &planner_b, &cursor_b,
                     "household:h-1 plug:plug-1 plug:plug-3 alert:alert-1 contact:contact-1"
                     " visit:visit-1 visit:visit-5 absence:absence-1");
  assert_pull_paged (store, &planner_ab, &cursor_ab, "-household:h-1");
  assert_pull_paged (store, &planner_a, &cursor_a, "");
  assert_pull_paged (store, &control, &cursor_control,
                     "household:h-1 plug:plug-1 plug:plug-3 alert:alert-1 contact:contact-1"
                     " visit:visit-1 visit:visit-5 absence:absence-1");
  assert_first_pull (store, &planner_b,
                     "household:h-1 plug:plug-1 plug:plug-3 alert:alert-1 contact:contact-1"
                     " visit:visit-1 visit:visit-5 absence:absence-1");
  assert_first_pull (store, &planner_ab, "");

  /* The control centre loses a household with its consent. */
  save_household (store, "h-3", DONG_C, FALSE, "active", 2, "다");
  assert_pull_paged (store, &control, &cursor_control, "-household:h-3");
  assert_first_pull (store, &control,
                     "household:h-1 plug:plug-1 plug:plug-3 alert:alert-1 contact:contact-1"
                     " visit:visit-1 visit:visit-5 absence:absence-1");
  assert_first_pull (store, &admin,
                     "household:h-4 plug:plug-4 household:h-2 visit:visit-2 visit:visit-6"
                     " household:h-1 plug:plug-1 plug:plug-3 alert:alert-1 contact:contact-1"
                     " visit:visit-1 visit:visit-5 absence:absence-1 household:h-3");
  /* A consenting household closed leaves the control centre's scope too,
   * not the administrator's. */
  save_household (store, "h-1", DONG_B, TRUE, "closed", 3, "가");
  assert_pull_paged (store, &control, &cursor_control, "-household:h-1");
  assert_first_pull (store, &control, "");
  assert_first_pull (store, &admin,
                     "household:h-4 plug:plug-4 household:h-2 visit:visit-2 visit:visit-6"
                     " household:h-3 household:h-1 plug:plug-1 plug:plug-3 alert:alert-1"
                     " contact:contact-1 visit:visit-1 visit:visit-5 absence:absence-1");
  /* Every cursor ends past everything. */
  assert_pull_paged (store, &planner_a, &cursor_a, "");
  assert_pull_paged (store, &planner_ab, &cursor_ab, "");
  g_assert_cmpint (cursor_a, ==, cursor_control);
  g_assert_cmpint (cursor_ab, ==, cursor_control);
}

/* A plug reinstalled in a household of another 동, or an alert or fact
 * moved there, leaves the sight of whoever saw it only through the
 * household it left: they get a removal on their next pull, those who can
 * see the new household get it, and a move between two households the
 * caller sees is an ordinary change. */
static void
test_dependent_moves (Fixture       *fixture,
                      gconstpointer  data)
{
  AnbuStore *store = fixture->store;
  char *dongs_a[] = { (char *) DONG_A, NULL };
  char *dongs_b[] = { (char *) DONG_B, NULL };
  AnbuScope planner_a = { ANBU_USER_ROLE_PLANNER, dongs_a, "u-a" };
  AnbuScope planner_b = { ANBU_USER_ROLE_PLANNER, dongs_b, "u-b" };
  AnbuScope control = { ANBU_USER_ROLE_CONTROL, NULL, "u-c" };
  AnbuScope admin = { ANBU_USER_ROLE_ADMIN, NULL, "u-admin" };
  gint64 cursor_a = 0, cursor_b = 0, cursor_control = 0, cursor_admin = 0, before_moves;
  g_autoptr(GError) error = NULL;

  REQUIRE_STORE (fixture);
  add_user (store, "u-a", "a.planner", ANBU_USER_ROLE_PLANNER, DONG_A);
  add_user (store, "u-b", "b.planner", ANBU_USER_ROLE_PLANNER, DONG_B);
  save_household (store, "h-1", DONG_A, TRUE, "active", 1, "가");
  save_household (store, "h-2", DONG_B, FALSE, "active", 1, "나");
  save_household (store, "h-3", DONG_A, FALSE, "active", 1, "다");
  save_dependent (store, ANBU_RECORD_KIND_PLUG, "plug-1", "h-1", "installed", 1);
  save_dependent (store, ANBU_RECORD_KIND_ALERT, "alert-1", "h-1", "open", 1);
  save_dependent (store, ANBU_RECORD_KIND_CONTACT, "contact-1", "h-1", NULL, 1);
  save_dependent (store, ANBU_RECORD_KIND_VISIT, "visit-1", "h-1", NULL, 1);
  save_dependent (store, ANBU_RECORD_KIND_ABSENCE, "absence-1", "h-1", NULL, 1);
  save_dependent (store, ANBU_RECORD_KIND_CONTACT, "contact-3", "h-3", NULL, 1);

  assert_pull_paged (store, &planner_a, &cursor_a,
                     "household:h-1 household:h-3 plug:plug-1 alert:alert-1 contact:contact-1"
                     " visit:visit-1 absence:absence-1 contact:contact-3");
  assert_pull_paged (store, &planner_b, &cursor_b, "household:h-2");
  assert_pull_paged (store, &control, &cursor_control,
                     "household:h-1 plug:plug-1 alert:alert-1 contact:contact-1 visit:visit-1"
                     " absence:absence-1");
  assert_pull_paged (store, &admin, &cursor_admin,
                     "household:h-1 household:h-2 household:h-3 plug:plug-1 alert:alert-1"
                     " contact:contact-1 visit:visit-1 absence:absence-1 contact:contact-3");
  before_moves = cursor_a;

  /* The plug is reinstalled at h-2 in 동 B, which has no night consent. */
  save_dependent (store, ANBU_RECORD_KIND_PLUG, "plug-1", "h-2", "installed", 2);
  assert_pull_paged (store, &planner_a, &cursor_a, "-plug:plug-1");
  assert_pull_paged (store, &planner_b, &cursor_b, "plug:plug-1");
  assert_pull_paged (store, &control, &cursor_control, "-plug:plug-1");
  assert_pull_paged (store, &admin, &cursor_admin, "plug:plug-1");
  assert_first_pull (store, &planner_a,
                     "household:h-1 household:h-3 alert:alert-1 contact:contact-1 visit:visit-1"
                     " absence:absence-1 contact:contact-3");
  assert_first_pull (store, &planner_b, "household:h-2 plug:plug-1");
  assert_first_pull (store, &control,
                     "household:h-1 alert:alert-1 contact:contact-1 visit:visit-1 absence:absence-1");

  /* Every other kind that belongs to a household moves the same way. */
  save_dependent (store, ANBU_RECORD_KIND_ALERT, "alert-1", "h-2", "open", 2);
  save_dependent (store, ANBU_RECORD_KIND_CONTACT, "contact-1", "h-2", NULL, 2);
  save_dependent (store, ANBU_RECORD_KIND_VISIT, "visit-1", "h-2", NULL, 2);
  save_dependent (store, ANBU_RECORD_KIND_ABSENCE, "absence-1", "h-2", NULL, 2);
  assert_pull_paged (store, &planner_a, &cursor_a,
                     "-alert:alert-1 -contact:contact-1 -visit:visit-1 -absence:absence-1");
  assert_pull_paged (store, &planner_b, &cursor_b,
                     "alert:alert-1 contact:contact-1 visit:visit-1 absence:absence-1");
  assert_pull_paged (store, &control, &cursor_control,
                     "-alert:alert-1 -contact:contact-1 -visit:visit-1 -absence:absence-1");

  /* Between two households of 동 A: planner A still sees it; the control
   * centre gains it with h-1's consent. */
  save_dependent (store, ANBU_RECORD_KIND_CONTACT, "contact-3", "h-1", NULL, 2);
  assert_pull_paged (store, &planner_a, &cursor_a, "contact:contact-3");
  assert_pull_paged (store, &planner_b, &cursor_b, "");
  assert_pull_paged (store, &control, &cursor_control, "contact:contact-3");

  /* The plug comes back to h-1: planner B and the control centre swap. */
  save_dependent (store, ANBU_RECORD_KIND_PLUG, "plug-1", "h-1", "installed", 3);
  assert_pull_paged (store, &planner_a, &cursor_a, "plug:plug-1");
  assert_pull_paged (store, &planner_b, &cursor_b, "-plug:plug-1");
  assert_pull_paged (store, &control, &cursor_control, "plug:plug-1");
  assert_pull_paged (store, &admin, &cursor_admin,
                     "alert:alert-1 contact:contact-1 visit:visit-1 absence:absence-1"
                     " contact:contact-3 plug:plug-1");
  /* Planner A, away during all of it, gets where things are now: the plug
   * that left and came back is no removal. */
  assert_pull_paged (store, &planner_a, &before_moves,
                     "-alert:alert-1 -contact:contact-1 -visit:visit-1 -absence:absence-1"
                     " contact:contact-3 plug:plug-1");
  g_assert_cmpint (before_moves, ==, cursor_a);

  /* In and out of planner A's sight twice while they are away: one
   * removal. */
  before_moves = cursor_a;
  save_dependent (store, ANBU_RECORD_KIND_CONTACT, "contact-3", "h-2", NULL, 3);
  save_dependent (store, ANBU_RECORD_KIND_CONTACT, "contact-3", "h-3", NULL, 4);
  save_dependent (store, ANBU_RECORD_KIND_CONTACT, "contact-3", "h-2", NULL, 5);
  assert_pull_paged (store, &planner_a, &before_moves, "-contact:contact-3");
  assert_pull_paged (store, &planner_b, &cursor_b, "contact:contact-3");
  assert_pull_paged (store, &control, &cursor_control, "-contact:contact-3");
  cursor_a = before_moves;

  /* h-2 moves to 동 A: what moved to it comes back to planner A with it. */
  save_household (store, "h-2", DONG_A, FALSE, "active", 2, "나");
  assert_pull_paged (store, &planner_a, &cursor_a,
                     "household:h-2 alert:alert-1 contact:contact-1 contact:contact-3 visit:visit-1"
                     " absence:absence-1");
  assert_pull_paged (store, &planner_b, &cursor_b, "-household:h-2");

  /* h-3 is given to planner B one by one: a record moved to it and back
   * comes and goes with B's sight of h-3, as it was when it left. */
  g_assert_true (anbu_store_reassign_household (store, "h-3", "u-b", "u-a", &error));
  g_assert_no_error (error);
  assert_pull_paged (store, &planner_a, &cursor_a, "-household:h-3");
  assert_pull_paged (store, &planner_b, &cursor_b, "household:h-3");
  save_dependent (store, ANBU_RECORD_KIND_VISIT, "visit-1", "h-3", NULL, 3);
  assert_pull_paged (store, &planner_a, &cursor_a, "-visit:visit-1");
  assert_pull_paged (store, &planner_b, &cursor_b, "visit:visit-1");
  save_dependent (store, ANBU_RECORD_KIND_VISIT, "visit-1", "h-2", NULL, 4);
  assert_pull_paged (store, &planner_a, &cursor_a, "visit:visit-1");
  assert_pull_paged (store, &planner_b, &cursor_b, "-visit:visit-1");
  assert_first_pull (store, &planner_b, "household:h-3");
}

/* A record moved away while the household it left was out of the caller's
 * sight for a while (given to another planner and back, or its night
 * consent withdrawn and given again): the household comes back without a
 * removal, so the caller still holds the record there, and the move must
 * take it out of their copy. */
static void
test_dependent_moves_while_away (Fixture       *fixture,
                                 gconstpointer  data)
{
  AnbuStore *store = fixture->store;
  char *dongs_a[] = { (char *) DONG_A, NULL };
  AnbuScope planner_a = { ANBU_USER_ROLE_PLANNER, dongs_a, "u-a" };
  AnbuScope control = { ANBU_USER_ROLE_CONTROL, NULL, "u-c" };
  gint64 cursor_a = 0, cursor_control = 0;
  g_autoptr(GError) error = NULL;

  REQUIRE_STORE (fixture);
  add_user (store, "u-a", "a.planner", ANBU_USER_ROLE_PLANNER, DONG_A);
  add_user (store, "u-b", "b.planner", ANBU_USER_ROLE_PLANNER, DONG_B);
  save_household (store, "h-1", DONG_A, TRUE, "active", 1, "가");
  save_household (store, "h-2", DONG_B, FALSE, "active", 1, "나");
  save_dependent (store, ANBU_RECORD_KIND_PLUG, "plug-1", "h-1", "installed", 1);
  save_dependent (store, ANBU_RECORD_KIND_VISIT, "visit-1", "h-1", NULL, 1);
  assert_pull_paged (store, &planner_a, &cursor_a, "household:h-1 plug:plug-1 visit:visit-1");
  assert_pull_paged (store, &control, &cursor_control, "household:h-1 plug:plug-1 visit:visit-1");

  /* While planner A is on leave h-1 is given to planner B, its plug is
   * reinstalled at h-2 in 동 B, and h-1 comes back to 동 A's planners. */
  g_assert_true (anbu_store_reassign_household (store, "h-1", "u-b", "u-a", &error));
  g_assert_no_error (error);
  save_dependent (store, ANBU_RECORD_KIND_PLUG, "plug-1", "h-2", "installed", 2);
  g_assert_true (anbu_store_reassign_household (store, "h-1", NULL, "u-b", &error));
  g_assert_no_error (error);
  assert_pull_paged (store, &planner_a, &cursor_a, "-plug:plug-1 household:h-1 visit:visit-1");
  assert_first_pull (store, &planner_a, "household:h-1 visit:visit-1");

  /* The control centre: h-1's night consent is withdrawn, its visit moved
   * to h-2 (no consent), and the consent given again. */
  save_household (store, "h-1", DONG_A, FALSE, "active", 2, "가");
  save_dependent (store, ANBU_RECORD_KIND_VISIT, "visit-1", "h-2", NULL, 2);
  save_household (store, "h-1", DONG_A, TRUE, "active", 3, "가");
  assert_pull_paged (store, &control, &cursor_control, "-plug:plug-1 -visit:visit-1 household:h-1");
  assert_first_pull (store, &control, "household:h-1");
  assert_pull_paged (store, &planner_a, &cursor_a, "-visit:visit-1 household:h-1");
}

static void
test_mutations (Fixture       *fixture,
                gconstpointer  data)
{
  AnbuStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStoredMutation) found = NULL;
  AnbuStoredMutation mutation = {
    (char *) "m-1", (char *) "u-kim", (char *) "visit.add",
    (char *) "{\"visit\":{\"id\":\"v-1\"}}", (char *) "{\"id\":\"m-1\",\"status\":\"applied\"}",
  };

  REQUIRE_STORE (fixture);
  g_assert_null (anbu_store_find_mutation (store, "m-1", &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (anbu_store_add_mutation (store, &mutation, &error));
  g_assert_no_error (error);
  found = anbu_store_find_mutation (store, "m-1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->id, ==, "m-1");
  g_assert_cmpstr (found->user_id, ==, "u-kim");
  g_assert_cmpstr (found->kind, ==, "visit.add");
  g_assert_cmpstr (found->result, ==, "{\"id\":\"m-1\",\"status\":\"applied\"}");

  /* A resent entry is never stored twice. */
  mutation.result = (char *) "{\"id\":\"m-1\",\"status\":\"rejected\"}";
  g_assert_false (anbu_store_add_mutation (store, &mutation, &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_EXISTS);
}

static void
test_access_log (Fixture       *fixture,
                 gconstpointer  data)
{
  AnbuStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) by_household = NULL;
  g_autoptr(GPtrArray) by_user = NULL;
  g_autoptr(GPtrArray) everything = NULL;
  const char *ids[] = { "h-1", "h-2", NULL };
  AnbuAccessEntry read = { 0 };
  AnbuAccessEntry write = { 0 };
  AnbuAccessEntry *entry;

  REQUIRE_STORE (fixture);
  read.at = (char *) "2026-11-23T22:05:09Z";
  read.user_id = (char *) "u-kim";
  read.username = (char *) "kim.planner";
  read.address = (char *) "127.0.0.1";
  read.method = (char *) "GET";
  read.route = (char *) "/api/v1/sync";
  read.action = ANBU_ACCESS_READ;
  g_assert_true (anbu_store_log_access (store, &read, ids, &error));
  write.user_id = (char *) "cli";
  write.username = (char *) "cli:root";
  write.method = (char *) "CLI";
  write.route = (char *) "user add lee";
  write.action = ANBU_ACCESS_WRITE;
  g_assert_true (anbu_store_log_access (store, &write, NULL, &error));
  g_assert_no_error (error);

  by_household = anbu_store_list_access (store, "h-2", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (by_household->len, ==, 1);
  entry = g_ptr_array_index (by_household, 0);
  g_assert_cmpstr (entry->at, ==, "2026-11-23T22:05:09Z");
  g_assert_cmpstr (entry->user_id, ==, "u-kim");
  g_assert_cmpstr (entry->username, ==, "kim.planner");
  g_assert_cmpstr (entry->address, ==, "127.0.0.1");
  g_assert_cmpstr (entry->method, ==, "GET");
  g_assert_cmpstr (entry->route, ==, "/api/v1/sync");
  g_assert_cmpstr (entry->household_id, ==, "h-2");
  g_assert_cmpint (entry->action, ==, ANBU_ACCESS_READ);

  by_user = anbu_store_list_access (store, NULL, "u-kim", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (by_user->len, ==, 2);
  g_assert_cmpstr (((AnbuAccessEntry *) by_user->pdata[0])->household_id, ==, "h-1");
  g_assert_cmpstr (((AnbuAccessEntry *) by_user->pdata[1])->household_id, ==, "h-2");

  everything = anbu_store_list_access (store, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (everything->len, ==, 3);
  entry = g_ptr_array_index (everything, 2);
  g_assert_cmpint (entry->id, >, ((AnbuAccessEntry *) everything->pdata[1])->id);
  /* Without a time of its own the entry has the clock's. */
  g_assert_cmpstr (entry->at, ==, CLOCK_START_TEXT);
  g_assert_cmpstr (entry->address, ==, "");
  g_assert_null (entry->household_id);
  g_assert_cmpint (entry->action, ==, ANBU_ACCESS_WRITE);
}

static void
test_transactions (Fixture       *fixture,
                   gconstpointer  data)
{
  AnbuStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStoredMutation) kept = NULL;
  g_autoptr(AnbuStoreEntity) household = NULL;
  AnbuStoredMutation first = { (char *) "m-1", (char *) "u", (char *) "k", (char *) "{}", (char *) "{}" };
  AnbuStoredMutation second = { (char *) "m-2", (char *) "u", (char *) "k", (char *) "{}", (char *) "{}" };

  REQUIRE_STORE (fixture);
  /* Rolled back: nothing stays. */
  g_assert_true (anbu_store_begin (store, &error));
  save_household (store, "h-gone", DONG_A, FALSE, "active", 1, "가");
  anbu_store_rollback (store);
  g_assert_null (anbu_store_load (store, ANBU_RECORD_KIND_HOUSEHOLD, "h-gone", &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A push: entries in savepoints; a rejected one, even one the database
   * refused (a duplicate), leaves the others to commit. */
  g_assert_true (anbu_store_begin (store, &error));
  save_household (store, "h-1", DONG_A, FALSE, "active", 1, "가");
  g_assert_true (anbu_store_savepoint (store, &error));
  g_assert_true (anbu_store_add_mutation (store, &first, &error));
  g_assert_true (anbu_store_release (store, &error));
  g_assert_no_error (error);

  g_assert_true (anbu_store_savepoint (store, &error));
  save_household (store, "h-2", DONG_A, FALSE, "active", 1, "나");
  g_assert_false (anbu_store_add_mutation (store, &first, &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  anbu_store_rollback_to (store);

  g_assert_true (anbu_store_savepoint (store, &error));
  g_assert_true (anbu_store_add_mutation (store, &second, &error));
  g_assert_true (anbu_store_release (store, &error));
  g_assert_true (anbu_store_commit (store, &error));
  g_assert_no_error (error);

  household = anbu_store_load (store, ANBU_RECORD_KIND_HOUSEHOLD, "h-1", &error);
  g_assert_no_error (error);
  g_assert_null (anbu_store_load (store, ANBU_RECORD_KIND_HOUSEHOLD, "h-2", &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  kept = anbu_store_find_mutation (store, "m-2", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kept->id, ==, "m-2");

  /* The store is usable after all of it. */
  save_household (store, "h-2", DONG_A, FALSE, "active", 1, "나");
}

static AnbuCaseloadMove *
move_new (const char *id,
          const char *dong_code,
          const char *household_id,
          gint64      effective_at,
          gint64      created_at)
{
  AnbuCaseloadMove *move = g_new0 (AnbuCaseloadMove, 1);

  move->id = g_strdup (id);
  move->dong_code = g_strdup (dong_code);
  move->household_id = g_strdup (household_id);
  move->from_user_id = g_strdup ("u-a");
  move->to_user_id = g_strdup ("u-b");
  move->effective_at = effective_at;
  move->created_at = created_at;
  move->created_by = g_strdup ("cli:root");
  return move;
}

static char *
describe_moves (AnbuStore *store,
                gboolean   pending_only)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) moves = anbu_store_list_caseload_moves (store, pending_only, &error);
  GString *text = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < moves->len; i++)
    {
      AnbuCaseloadMove *move = g_ptr_array_index (moves, i);

      g_string_append_printf (text, "%s%s@%" G_GINT64_FORMAT, i > 0 ? " " : "", move->id,
                              move->applied_at);
    }
  return g_string_free (text, FALSE);
}

static void
test_caseload (Fixture       *fixture,
               gconstpointer  data)
{
  AnbuStore *store = fixture->store;
  char *dongs_a[] = { (char *) DONG_A, NULL };
  char *dongs_b[] = { (char *) DONG_B, NULL };
  AnbuScope planner_a = { ANBU_USER_ROLE_PLANNER, dongs_a, "u-a" };
  AnbuScope planner_b = { ANBU_USER_ROLE_PLANNER, dongs_b, "u-b" };
  gint64 cursor_a = 0, cursor_b = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) dong_a = NULL;
  g_autoptr(AnbuCaseloadMove) by_dong = move_new ("move-1", DONG_A, NULL, 2000, 100);
  g_autoptr(AnbuCaseloadMove) by_household = move_new ("move-2", NULL, "h-3", 1000, 150);
  g_autoptr(AnbuCaseloadMove) same_time = move_new ("move-0", DONG_B, NULL, 2000, 100);
  g_autoptr(AnbuCaseloadMove) both = move_new ("move-9", DONG_B, "h-3", 1000, 150);
  g_autofree char *text = NULL;

  REQUIRE_STORE (fixture);
  add_user (store, "u-a", "a.planner", ANBU_USER_ROLE_PLANNER, DONG_A);
  add_user (store, "u-b", "b.planner", ANBU_USER_ROLE_PLANNER, DONG_B);
  save_household (store, "h-2", DONG_A, FALSE, "active", 1, "나");
  save_household (store, "h-1", DONG_A, FALSE, "closed", 1, "가");
  save_household (store, "h-3", DONG_B, FALSE, "active", 1, "다");
  save_dependent (store, ANBU_RECORD_KIND_PLUG, "plug-2", "h-2", "installed", 1);

  /* A 동's households, closed ones too, in the order they came. */
  dong_a = anbu_store_list_dong_households (store, DONG_A, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dong_a->len, ==, 2);
  g_assert_cmpstr (dong_a->pdata[0], ==, "h-2");
  g_assert_cmpstr (dong_a->pdata[1], ==, "h-1");

  /* Moves by effective time, then creation, then as recorded. */
  g_assert_true (anbu_store_add_caseload_move (store, by_dong, &error));
  g_assert_true (anbu_store_add_caseload_move (store, by_household, &error));
  g_assert_true (anbu_store_add_caseload_move (store, same_time, &error));
  g_assert_no_error (error);
  g_assert_false (anbu_store_add_caseload_move (store, by_dong, &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  /* A move is of a 동 or of a household, never both. */
  g_assert_false (anbu_store_add_caseload_move (store, both, &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED);
  g_clear_error (&error);
  text = describe_moves (store, FALSE);
  g_assert_cmpstr (text, ==, "move-2@0 move-1@0 move-0@0");
  g_clear_pointer (&text, g_free);

  g_assert_true (anbu_store_set_caseload_move_applied (store, "move-2", 1005, &error));
  /* Once applied, a move keeps its time. */
  g_assert_true (anbu_store_set_caseload_move_applied (store, "move-2", 9999, &error));
  g_assert_no_error (error);
  text = describe_moves (store, TRUE);
  g_assert_cmpstr (text, ==, "move-1@0 move-0@0");
  g_clear_pointer (&text, g_free);
  text = describe_moves (store, FALSE);
  g_assert_cmpstr (text, ==, "move-2@1005 move-1@0 move-0@0");

  /* One household given from planner A to planner B. */
  assert_pull (store, &planner_a, &cursor_a, "household:h-2 plug:plug-2");
  assert_pull (store, &planner_b, &cursor_b, "household:h-3");
  g_assert_true (anbu_store_reassign_household (store, "h-2", "u-b", "u-a", &error));
  g_assert_no_error (error);
  assert_pull (store, &planner_a, &cursor_a, "-household:h-2");
  assert_pull (store, &planner_b, &cursor_b, "household:h-2 plug:plug-2");
  {
    g_autoptr(AnbuStoreEntity) household = anbu_store_load (store, ANBU_RECORD_KIND_HOUSEHOLD, "h-2", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (household->scope_key.assigned_planner, ==, "u-b");
  }

  /* And back to whoever has its 동. */
  g_assert_true (anbu_store_reassign_household (store, "h-2", NULL, "u-b", &error));
  g_assert_no_error (error);
  assert_pull (store, &planner_b, &cursor_b, "-household:h-2");
  assert_pull (store, &planner_a, &cursor_a, "household:h-2 plug:plug-2");
  {
    g_autoptr(AnbuStoreEntity) household = anbu_store_load (store, ANBU_RECORD_KIND_HOUSEHOLD, "h-2", &error);

    g_assert_no_error (error);
    g_assert_null (household->scope_key.assigned_planner);
  }
}

static char *
describe_orphans (AnbuStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) orphans = anbu_store_list_orphan_households (store, &error);
  GString *text = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < orphans->len; i++)
    {
      AnbuOrphanHousehold *orphan = g_ptr_array_index (orphans, i);

      g_string_append_printf (text, "%s%s/%s/%s/%s/%s", i > 0 ? " " : "", orphan->household_id,
                              orphan->dong_code, orphan->dong_name, orphan->name,
                              orphan->planners ? orphan->planners : "-");
    }
  return g_string_free (text, FALSE);
}

static void
test_orphans (Fixture       *fixture,
              gconstpointer  data)
{
  AnbuStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  REQUIRE_STORE (fixture);
  add_user (store, "u-a1", "a1.planner", ANBU_USER_ROLE_PLANNER, DONG_A);
  add_user (store, "u-a2", "a2.planner", ANBU_USER_ROLE_PLANNER, DONG_A);
  add_user (store, "u-b", "b.planner", ANBU_USER_ROLE_PLANNER, DONG_B);
  add_user (store, "u-c", "c.control", ANBU_USER_ROLE_CONTROL, DONG_C);
  save_household (store, "h-1", DONG_A, FALSE, "active", 1, "이");
  save_household (store, "h-2", DONG_B, FALSE, "active", 1, "김");
  save_household (store, "h-3", DONG_C, TRUE, "active", 1, "박");
  save_household (store, "h-4", DONG_C, FALSE, "closed", 1, "최");
  save_household (store, "h-5", DONG_B, FALSE, "paused", 1, "강");

  /* 동 C has no planner (a control user's codes do not count). */
  text = describe_orphans (store);
  g_assert_cmpstr (text, ==, "h-3/" DONG_C "/동 " DONG_C "/박/-");
  g_clear_pointer (&text, g_free);

  g_assert_true (anbu_store_set_user_disabled (store, "u-b", TRUE, &error));
  g_assert_true (anbu_store_set_user_disabled (store, "u-a1", TRUE, &error));
  g_assert_no_error (error);
  text = describe_orphans (store);
  g_assert_cmpstr (text, ==,
                   "h-5/" DONG_B "/동 " DONG_B "/강/b.planner h-2/" DONG_B "/동 " DONG_B "/김/b.planner"
                   " h-3/" DONG_C "/동 " DONG_C "/박/-");
  g_clear_pointer (&text, g_free);

  /* A household given to an active planner is not orphaned. */
  g_assert_true (anbu_store_reassign_household (store, "h-2", "u-a2", "u-b", &error));
  g_assert_no_error (error);
  text = describe_orphans (store);
  g_assert_cmpstr (text, ==, "h-5/" DONG_B "/동 " DONG_B "/강/b.planner h-3/" DONG_C "/동 " DONG_C "/박/-");
}

static void
test_reopen (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStoreEntity) household = NULL;
  AnbuScope admin = { ANBU_USER_ROLE_ADMIN, NULL, "u-admin" };
  gint64 cursor = 0;

  REQUIRE_STORE (fixture);
  save_household (fixture->store, "h-1", DONG_A, FALSE, "active", 1, "가");
  add_user (fixture->store, "u-kim", "kim.planner", ANBU_USER_ROLE_PLANNER, DONG_A);
  g_clear_object (&fixture->store);

  /* A second start applies no migration twice and finds everything. */
  fixture->store = open_store (fixture);
  household = anbu_store_load (fixture->store, ANBU_RECORD_KIND_HOUSEHOLD, "h-1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (household->version, ==, 1);
  save_household (fixture->store, "h-1", DONG_A, FALSE, "active", 2, "가");
  /* The change order goes on where it was. */
  assert_pull (fixture->store, &admin, &cursor, "household:h-1");
  g_assert_cmpint (cursor, ==, 2);
}

/* PostgreSQL only */

/* PostgreSQL's disk_full (SQLSTATE 53100) is ANBU_STORE_ERROR_FULL, and the
 * store stays usable. Disk full is made by a trigger that raises it. */
static void
test_pg_disk_full (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStoredMutation) found = NULL;
  AnbuStoredMutation mutation = { (char *) "m-1", (char *) "u", (char *) "k", (char *) "{}", (char *) "{}" };

  REQUIRE_STORE (fixture);
  anbu_test_postgres_exec (fixture->location,
                           "CREATE FUNCTION fill_disk () RETURNS trigger LANGUAGE plpgsql AS"
                           " $$ BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = '53100'; END $$;"
                           "CREATE TRIGGER fill_disk BEFORE INSERT ON mutation"
                           " FOR EACH ROW EXECUTE FUNCTION fill_disk ()");
  g_assert_true (anbu_store_begin (fixture->store, &error));
  g_assert_false (anbu_store_add_mutation (fixture->store, &mutation, &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, "could not extend file"));
  g_clear_error (&error);
  anbu_store_rollback (fixture->store);

  anbu_test_postgres_exec (fixture->location, "DROP TRIGGER fill_disk ON mutation");
  g_assert_true (anbu_store_add_mutation (fixture->store, &mutation, &error));
  g_assert_no_error (error);
  found = anbu_store_find_mutation (fixture->store, "m-1", &error);
  g_assert_no_error (error);
}

/* A commit after a statement failed inside the transaction wrote nothing,
 * and says so (PostgreSQL answers such a COMMIT with ROLLBACK). */
static void
test_pg_failed_commit (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AnbuStoredMutation mutation = { (char *) "m-1", (char *) "u", (char *) "k", (char *) "{}", (char *) "{}" };

  REQUIRE_STORE (fixture);
  g_assert_true (anbu_store_add_mutation (fixture->store, &mutation, &error));
  g_assert_true (anbu_store_begin (fixture->store, &error));
  g_assert_no_error (error);
  save_household (fixture->store, "h-1", DONG_A, FALSE, "active", 1, "가");
  g_assert_false (anbu_store_add_mutation (fixture->store, &mutation, &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (anbu_store_commit (fixture->store, &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_null (anbu_store_load (fixture->store, ANBU_RECORD_KIND_HOUSEHOLD, "h-1", &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND);
}

/* The store's connection says who it is to the database administrator;
 * a database that cannot be reached is a failure to open, saying why. */
static void
test_pg_connection (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *missing = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStore) store = NULL;
  PGconn *observer;
  PGresult *result;

  REQUIRE_STORE (fixture);
  observer = PQconnectdb (fixture->location);
  g_assert_cmpint (PQstatus (observer), ==, CONNECTION_OK);
  result = PQexec (observer, "SELECT count (*) FROM pg_stat_activity"
                             " WHERE application_name = 'anbu-server' AND datname = current_database ()");
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  g_assert_cmpstr (PQgetvalue (result, 0, 0), ==, "1");
  PQclear (result);
  PQfinish (observer);

  missing = g_strconcat (fixture->location, "_missing", NULL);
  store = anbu_store_open (missing, &error);
  g_assert_null (store);
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "Cannot connect to PostgreSQL"));
  g_assert_nonnull (strstr (error->message, "_missing"));
}

/* Ends the store's session from the database side (as a restart of
 * PostgreSQL or an administrator would) and waits until it is gone. */
static void
terminate_store_sessions (const char *location)
{
  PGconn *observer = PQconnectdb (location);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  gboolean gone = FALSE;

  g_assert_cmpint (PQstatus (observer), ==, CONNECTION_OK);
  PQclear (PQexec (observer, "SELECT pg_terminate_backend (pid) FROM pg_stat_activity"
                             " WHERE application_name = 'anbu-server' AND datname = current_database ()"));
  while (!gone)
    {
      PGresult *result = PQexec (observer, "SELECT count (*) FROM pg_stat_activity"
                                           " WHERE application_name = 'anbu-server'"
                                           " AND datname = current_database ()");

      g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
      gone = g_strcmp0 (PQgetvalue (result, 0, 0), "0") == 0;
      PQclear (result);
      if (!gone)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_usleep (10 * 1000);
        }
    }
  PQfinish (observer);
}

/* A lost connection: what was in flight fails, a transaction fails whole
 * (none of it is written, nothing after it runs outside it), and the next
 * call connects anew with its statements prepared again. */
static void
test_pg_reconnect (Fixture       *fixture,
                   gconstpointer  data)
{
  AnbuStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStoreUser) kim = NULL;
  g_autoptr(AnbuStoreUser) lee = NULL;
  g_autoptr(AnbuStoreEntity) household = NULL;

  REQUIRE_STORE (fixture);
  add_user (store, "u-kim", "kim.planner", ANBU_USER_ROLE_PLANNER, DONG_A);
  save_household (store, "h-1", DONG_A, FALSE, "active", 1, "가");

  /* Out of a transaction: one failed call, then the store works again. */
  terminate_store_sessions (fixture->location);
  g_assert_null (anbu_store_find_user (store, "kim.planner", NULL, &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED);
  g_clear_error (&error);
  kim = anbu_store_find_user (store, "kim.planner", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kim->id, ==, "u-kim");

  /* Inside one: every call fails until the caller ends it. */
  g_assert_true (anbu_store_begin (store, &error));
  g_assert_no_error (error);
  add_user (store, "u-lee", "lee.planner", ANBU_USER_ROLE_PLANNER, DONG_B);
  terminate_store_sessions (fixture->location);
  {
    g_autoptr(AnbuStoreEntity) entity = anbu_store_load (store, ANBU_RECORD_KIND_HOUSEHOLD, "h-1", &error);

    g_assert_null (entity);
    g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED);
    g_clear_error (&error);
  }
  g_assert_false (anbu_store_savepoint (store, &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (anbu_store_commit (store, &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED);
  g_clear_error (&error);

  g_assert_null (anbu_store_find_user (store, "lee.planner", NULL, &error));
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  household = anbu_store_load (store, ANBU_RECORD_KIND_HOUSEHOLD, "h-1", &error);
  g_assert_no_error (error);
  save_household (store, "h-1", DONG_A, FALSE, "active", 2, "가");
  add_user (store, "u-lee", "lee.planner", ANBU_USER_ROLE_PLANNER, DONG_B);
  lee = anbu_store_find_user (store, "lee.planner", NULL, &error);
  g_assert_no_error (error);
}

/* The schema version and what a newer anbu-server's database does. */
static void
test_pg_schema_version (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStore) newer = NULL;
  g_autofree char *bump = NULL;
  guint latest = anbu_pg_store_get_latest_schema_version ();

  REQUIRE_STORE (fixture);
  g_assert_cmpuint (latest, >=, 1);
  g_assert_cmpint (anbu_pg_store_get_schema_version (ANBU_PG_STORE (fixture->store), &error), ==, latest);
  g_assert_no_error (error);

  bump = g_strdup_printf ("UPDATE anbu_schema SET version = %u", latest + 1);
  anbu_test_postgres_exec (fixture->location, bump);
  newer = anbu_store_open (fixture->location, &error);
  g_assert_null (newer);
  g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_TOO_NEW);
}

/* A database from before records carried their household's 동 (schema
 * step 3): the upgrade fills the 동 in, so the planner's
 * first pull still has everything, and the triggers keep it from then on. */
#define PG_DONG_STEP 3
#define UNDO_DONG_STEP(table) \
  "DROP TRIGGER " table "_dong_code ON " table "; DROP INDEX " table "_dong;" \
  "ALTER TABLE " table " DROP COLUMN dong_code;"

static void
test_pg_dong_upgrade (Fixture       *fixture,
                      gconstpointer  data)
{
  char *dongs_a[] = { (char *) DONG_A, NULL };
  char *dongs_b[] = { (char *) DONG_B, NULL };
  AnbuScope planner_a = { ANBU_USER_ROLE_PLANNER, dongs_a, "u-a" };
  AnbuScope planner_b = { ANBU_USER_ROLE_PLANNER, dongs_b, "u-b" };
  g_autofree char *undo = NULL;

  REQUIRE_STORE (fixture);
  save_household (fixture->store, "h-1", DONG_A, FALSE, "active", 1, "가");
  save_household (fixture->store, "h-2", DONG_B, FALSE, "active", 1, "나");
  save_dependent (fixture->store, ANBU_RECORD_KIND_PLUG, "plug-1", "h-1", "installed", 1);
  save_dependent (fixture->store, ANBU_RECORD_KIND_VISIT, "visit-2", "h-2", NULL, 1);
  g_clear_object (&fixture->store);

  undo = g_strdup_printf ("DROP TRIGGER household_dong_follows ON household;"
                          "DROP FUNCTION household_dong_follows ();"
                          UNDO_DONG_STEP ("plug") UNDO_DONG_STEP ("alert") UNDO_DONG_STEP ("contact")
                          UNDO_DONG_STEP ("visit") UNDO_DONG_STEP ("absence")
                          "DROP FUNCTION dong_code_of_household ();"
                          "DROP INDEX household_dong_seq;"
                          "CREATE INDEX household_dong ON household (dong_code);"
                          /* and step 4, the control centre's index */
                          "DROP INDEX household_night_seq;"
                          /* and step 5, telemetry and routine profiles */
                          "DROP TABLE gateway, plug_live, activity_event, ingest_witness,"
                          " plug_detector, routine_profile;"
                          "ALTER TABLE plug DROP COLUMN last_seen_at, DROP COLUMN last_watts,"
                          " DROP COLUMN last_lux, DROP COLUMN last_activity_at;"
                          /* and step 6, the exit marks of moved dependents */
                          "DROP TABLE dependent_exit;"
                          /* and step 7, the routine watches as judged */
                          "DROP TABLE routine_watch;"
                          "UPDATE anbu_schema SET version = %u", PG_DONG_STEP - 1);
  anbu_test_postgres_exec (fixture->location, undo);
  /* Written by the older server, after which nothing kept the 동. */
  anbu_test_postgres_exec (fixture->location,
                           "INSERT INTO alert (id, household_id, state, record, version, seq, updated_at)"
                           " VALUES ('alert-1', 'h-1', 'open', '{\"id\":\"alert-1\"}', 1, 5, now ());"
                           "UPDATE counter SET value = 5 WHERE name = 'seq'");

  fixture->store = open_store (fixture);
  assert_first_pull (fixture->store, &planner_a, "household:h-1 plug:plug-1 alert:alert-1");
  assert_first_pull (fixture->store, &planner_b, "household:h-2 visit:visit-2");
  save_household (fixture->store, "h-1", DONG_B, FALSE, "active", 2, "가");
  assert_first_pull (fixture->store, &planner_a, "");
  assert_first_pull (fixture->store, &planner_b,
                     "household:h-2 visit:visit-2 household:h-1 plug:plug-1 alert:alert-1");
}

/* The access log and the caseload history refuse changes in the database
 * itself, whoever connects. */
static void
test_pg_append_only (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *refused[] = {
    "UPDATE access_log SET username = 'someone else'",
    "DELETE FROM access_log",
    "TRUNCATE access_log",
    "DELETE FROM caseload_move",
    "UPDATE caseload_move SET to_user = 'u-a'",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuCaseloadMove) move = move_new ("move-1", DONG_A, NULL, 2000, 100);
  AnbuAccessEntry entry = { 0, NULL, (char *) "u", (char *) "u", (char *) "a", (char *) "GET",
                            (char *) "/", NULL, ANBU_ACCESS_READ };
  PGconn *conn;

  REQUIRE_STORE (fixture);
  add_user (fixture->store, "u-a", "a.planner", ANBU_USER_ROLE_PLANNER, DONG_A);
  add_user (fixture->store, "u-b", "b.planner", ANBU_USER_ROLE_PLANNER, DONG_B);
  g_assert_true (anbu_store_log_access (fixture->store, &entry, NULL, &error));
  g_assert_true (anbu_store_add_caseload_move (fixture->store, move, &error));
  g_assert_no_error (error);

  conn = PQconnectdb (fixture->location);
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      PGresult *result = PQexec (conn, refused[i]);

      g_test_message ("%s: %s", refused[i], PQresultErrorMessage (result));
      g_assert_cmpint (PQresultStatus (result), ==, PGRES_FATAL_ERROR);
      PQclear (result);
    }
  PQfinish (conn);

  /* Marking a move applied is the one change allowed. */
  g_assert_true (anbu_store_set_caseload_move_applied (fixture->store, "move-1", 2001, &error));
  g_assert_no_error (error);
}

/* anbu-server on a PostgreSQL URI: the commands that need only the store
 * work; serve, backup and gateway add say what is not on PostgreSQL yet. */
static int
run_server (const char  *input,
            char       **out,
            char       **err,
            const char  *first,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("ANBU_SERVER"));
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                               | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, out, err, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (process);
}

static void
assert_needs_sqlite (int         status,
                     const char *out,
                     const char *err,
                     const char *also)
{
  g_test_message ("%s", err);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (out != NULL ? out : "", ==, "");
  g_assert_nonnull (strstr (err, "PostgreSQL"));
  g_assert_nonnull (strstr (err, "SQLite"));
  if (also != NULL)
    g_assert_nonnull (strstr (err, also));
}

static void
test_pg_cli (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStoreUser) user = NULL;
  g_autoptr(GPtrArray) log = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *db_option = NULL;
  int status;

  REQUIRE_STORE (fixture);
  g_assert_nonnull (g_getenv ("ANBU_SERVER"));

  g_assert_cmpint (run_server ("s3cret-pass-word\n", &out, &err, "user", "add", "--db", fixture->location,
                               "--username", "kim.planner", "--role", "planner",
                               "--dong-codes", DONG_A, NULL), ==, 0);
  g_strstrip (out);
  user = anbu_store_find_user (fixture->store, "kim.planner", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (user->id, ==, out);
  g_assert_cmpint (user->role, ==, ANBU_USER_ROLE_PLANNER);
  g_assert_cmpstrv (user->dong_codes, ((const char *[]) { DONG_A, NULL }));
  g_assert_true (g_str_has_prefix (user->password_hash, "$argon2id$"));
  /* Done from the command line, and logged like it. */
  log = anbu_store_list_access (fixture->store, NULL, "cli", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (log->len, ==, 1);
  g_assert_cmpstr (((AnbuAccessEntry *) log->pdata[0])->route, ==, "user add kim.planner");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_server ("s3cret-pass-word\n", &out, &err, "user", "add", "--db", fixture->location,
                               "--username", "kim.planner", "--role", "admin", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "already exists"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Backup is SQLite's: it says so, and does nothing (serve runs on
   * PostgreSQL: tests/server/test-instances.c and the "-pg" suites). */
  status = run_server (NULL, &out, &err, "backup", "--db", fixture->location, "--to", "copy.db", NULL);
  assert_needs_sqlite (status, out, err, "pg_dump");
  g_assert_false (g_file_test ("copy.db", G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* Gateways are telemetry's, which runs on PostgreSQL: the token is
   * printed once, a name is taken once. --db=URI is recognised as well as
   * --db URI. */
  db_option = g_strconcat ("--db=", fixture->location, NULL);
  status = run_server (NULL, &out, &err, "gateway", "add", "--name", "gw-1", db_option, NULL);
  g_test_message ("%s", err);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpuint (strlen (g_strstrip (out)), >=, 32);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_server (NULL, &out, &err, "gateway", "add", "--name", "gw-1", db_option, NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "already exists"));
}


/* Second writer of test_pg_writers_in_order, on a connection of its own. */
static gpointer
write_second_household (gpointer data)
{
  Fixture *fixture = data;
  g_autoptr(AnbuStore) store = open_store (fixture);
  g_autoptr(GError) error = NULL;

  g_assert_true (anbu_store_begin (store, &error));
  g_assert_no_error (error);
  save_household (store, "h-2", DONG_A, FALSE, "active", 1, "나");
  g_assert_true (anbu_store_commit (store, &error));
  g_assert_no_error (error);
  return NULL;
}

/* The number of sessions waiting for an advisory lock. */
static gint64
count_lock_waiters (PGconn *conn)
{
  PGresult *result = PQexec (conn, "SELECT count (*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
  gint64 count;

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  count = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  return count;
}

/* Two instances on one database: a write transaction waits for the one
 * before it (as SQLite's BEGIN IMMEDIATE makes it), and a pull meanwhile
 * neither sees the open transaction's change nor moves its cursor past
 * it, so nothing is skipped once it commits. */
static void
test_pg_writers_in_order (Fixture       *fixture,
                          gconstpointer  data)
{
  AnbuScope admin = { ANBU_USER_ROLE_ADMIN, NULL, "u-admin" };
  g_autoptr(AnbuStore) reader = NULL;
  g_autoptr(GError) error = NULL;
  GThread *second;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  gint64 cursor = 0;
  PGconn *observer;

  REQUIRE_STORE (fixture);
  reader = open_store (fixture);
  observer = PQconnectdb (fixture->location);
  g_assert_cmpint (PQstatus (observer), ==, CONNECTION_OK);

  g_assert_true (anbu_store_begin (fixture->store, &error));
  g_assert_no_error (error);
  save_household (fixture->store, "h-1", DONG_A, FALSE, "active", 1, "가");
  second = g_thread_new ("second-writer", write_second_household, fixture);
  while (count_lock_waiters (observer) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10 * 1000);
    }

  assert_pull (reader, &admin, &cursor, "");
  g_assert_cmpint (cursor, ==, 0);

  g_assert_true (anbu_store_commit (fixture->store, &error));
  g_assert_no_error (error);
  g_thread_join (second);
  assert_pull (reader, &admin, &cursor, "household:h-1 household:h-2");
  PQfinish (observer);
}

/* A district's administration from the command line, on PostgreSQL:
 * import, a caseload move, disabling the planner left with it, the
 * orphans that leaves, a password reset and the access log of it all. */
static void
test_pg_cli_casework (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *password = "s3cret-pass-word\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) households = NULL;
  g_autoptr(AnbuStoreUser) before = NULL;
  g_autoptr(AnbuStoreUser) after = NULL;
  g_autoptr(AnbuStoreUser) receiver = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int fd;

  REQUIRE_STORE (fixture);
  g_assert_cmpint (run_server (password, NULL, NULL, "user", "add", "--db", fixture->location,
                               "--username", "a.planner", "--role", "planner", "--dong-codes", DONG_A,
                               NULL), ==, 0);
  g_assert_cmpint (run_server (password, NULL, NULL, "user", "add", "--db", fixture->location,
                               "--username", "b.planner", "--role", "planner", "--dong-codes", DONG_B,
                               NULL), ==, 0);

  fd = g_file_open_tmp ("anbu-households-XXXXXX.csv", &csv, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (csv,
                       "행정동코드,행정동,이름,주소,야간동의\n"
                       DONG_A ",청운효자동,김순자,서울특별시 종로구 자하문로 92,예\n"
                       DONG_A ",청운효자동,이영수,서울특별시 종로구 필운대로 10,아니오\n",
                       -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_server (NULL, &out, &err, "import", "households", "--db", fixture->location,
                               "--csv", csv, NULL), ==, 0);
  g_unlink (csv);
  households = anbu_store_list_dong_households (fixture->store, DONG_A, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (households->len, ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* 동 A goes to b; b is then the last planner of both households. */
  g_assert_cmpint (run_server (NULL, &out, &err, "caseload", "move", "--db", fixture->location,
                               "--dong", DONG_A, "--from", "a.planner", "--to", "b.planner", NULL), ==, 0);
  receiver = anbu_store_find_user (fixture->store, "b.planner", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char * const *) receiver->dong_codes, DONG_A));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_server (NULL, &out, &err, "caseload", "moves", "--db", fixture->location, NULL), ==, 0);
  g_assert_nonnull (strstr (out, DONG_A));
  g_assert_nonnull (strstr (out, "b.planner"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_server (NULL, &out, &err, "user", "disable", "--db", fixture->location,
                               "--username", "b.planner", NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_server (NULL, &out, &err, "caseload", "orphans", "--db", fixture->location, NULL), ==, 0);
  g_assert_cmpstr (out != NULL ? out : "", ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_server (NULL, &out, &err, "user", "disable", "--db", fixture->location,
                               "--username", "b.planner", "--force", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_server (NULL, &out, &err, "caseload", "orphans", "--db", fixture->location, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "김순자"));
  g_assert_nonnull (strstr (out, "이영수"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  before = anbu_store_find_user (fixture->store, "a.planner", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_server ("another-pass-word\n", NULL, NULL, "password", "reset", "--db",
                               fixture->location, "--username", "a.planner", NULL), ==, 0);
  after = anbu_store_find_user (fixture->store, "a.planner", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after->password_hash, !=, before->password_hash);

  g_assert_cmpint (run_server (NULL, &out, &err, "access-log", "--db", fixture->location, "--cli", NULL), ==, 0);
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "user add a.planner"));
  g_assert_nonnull (strstr (out, "user disable b.planner"));
  g_assert_nonnull (strstr (out, "caseload move"));
  g_assert_nonnull (strstr (out, "password reset a.planner"));
}

/* Pushes (anbu-mutations.c) on each engine: a batch reads once and writes
 * its facts and stored results together, so what one entry does must
 * still stay its own. */
#define PUSH_PLANNER "0a6c5b7e-1d2f-4c3b-9a8e-7f6d5c4b3a21"
#define PUSH_H1 "11111111-1111-4111-8111-111111111111"
#define PUSH_H2 "22222222-2222-4222-8222-222222222222"
#define PUSH_H3 "33333333-3333-4333-8333-333333333333"
#define PUSH_OTHER "44444444-4444-4444-8444-444444444444"
#define PUSH_ALERT "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
#define PUSH_V1 "0e000001-0000-4000-8000-000000000001"
#define PUSH_V2 "0e000001-0000-4000-8000-000000000002"
#define PUSH_V3 "0e000001-0000-4000-8000-000000000003"
#define PUSH_V4 "0e000001-0000-4000-8000-000000000004"
#define PUSH_C1 "0c000001-0000-4000-8000-000000000001"
#define PUSH_A1 "0a000001-0000-4000-8000-000000000001"

static JsonNode *
push (AnbuStore  *store,
      const char *entries)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *body = g_strdup_printf ("{\"mutations\": [%s]}", entries);
  g_autoptr(JsonNode) root = json_from_string (body, &error);
  g_autoptr(AnbuMetrics) metrics = anbu_metrics_new ();
  char *dongs[] = { (char *) DONG_A, NULL };
  AnbuStoreUser planner = { (char *) PUSH_PLANNER, (char *) "kim.planner", (char *) "김 주무관",
                            ANBU_USER_ROLE_PLANNER, dongs, (char *) "x", FALSE };
  AnbuScope scope = { ANBU_USER_ROLE_PLANNER, dongs, PUSH_PLANNER };
  AnbuAccessEntry access = { 0, NULL, (char *) PUSH_PLANNER, (char *) "kim.planner", (char *) "127.0.0.1",
                             (char *) "POST", (char *) "/api/v1/mutations", NULL, ANBU_ACCESS_WRITE };
  JsonArray *checked;
  JsonNode *results;

  g_assert_no_error (error);
  checked = anbu_mutations_check_batch (root, &error);
  g_assert_no_error (error);
  results = anbu_mutations_apply (store, metrics, &planner, &scope, &access, checked, &error);
  g_assert_no_error (error);
  g_assert_nonnull (results);
  return results;
}

/* "applied applied rejected(not_found) duplicate": each entry's answer. */
static char *
describe_results (JsonNode *results)
{
  JsonArray *array = json_node_get_array (results);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *result = json_array_get_object_element (array, i);

      g_string_append_printf (text, "%s%s", i > 0 ? " " : "", json_object_get_string_member (result, "status"));
      if (json_object_has_member (result, "code"))
        g_string_append_printf (text, "(%s)", json_object_get_string_member (result, "code"));
    }
  return g_string_free (text, FALSE);
}

/* The households of the access log's write lines of the planner, in order. */
static char *
describe_writes (AnbuStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = anbu_store_list_access (store, NULL, PUSH_PLANNER, &error);
  GString *text = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      AnbuAccessEntry *entry = g_ptr_array_index (entries, i);

      g_assert_cmpint (entry->action, ==, ANBU_ACCESS_WRITE);
      g_assert_cmpstr (entry->route, ==, "/api/v1/mutations");
      g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "",
                              entry->household_id != NULL ? entry->household_id : "-");
    }
  return g_string_free (text, FALSE);
}

static gboolean
is_stored (AnbuStore      *store,
           AnbuRecordKind  kind,
           const char     *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStoreEntity) entity = anbu_store_load (store, kind, id, &error);

  if (entity == NULL)
    g_assert_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND);
  return entity != NULL;
}

static char *
push_household (const char *id)
{
  return g_strdup_printf ("{\"id\": \"%s\", \"dong_code\": \"" DONG_A "\", \"name\": \"김영수\","
                          " \"address\": \"서울특별시 종로구 자하문로 1\", \"phone\": \"010-1234-5678\","
                          " \"threshold_hours\": 36, \"night_consent\": true}", id);
}

static char *
push_visit (const char *entry_id,
            const char *visit_id,
            const char *household_id)
{
  return g_strdup_printf ("{\"id\": \"%s\", \"kind\": \"visit.create\", \"payload\": {\"id\": \"%s\","
                          " \"household_id\": \"%s\", \"at\": \"2026-11-24T09:05:00+09:00\", \"by\": \""
                          PUSH_PLANNER "\", \"purpose\": \"regular\", \"outcome\": \"건강하심\"}}",
                          entry_id, visit_id, household_id);
}

static void
test_push_batch (Fixture       *fixture,
                 gconstpointer  data)
{
  AnbuStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(AnbuStoredMutation) stored = NULL;
  g_autoptr(AnbuStoreEntity) alert = NULL;
  g_autoptr(JsonNode) stored_result = NULL;
  g_autofree char *h1 = push_household (PUSH_H1);
  g_autofree char *h2 = push_household (PUSH_H2);
  g_autofree char *h3 = push_household (PUSH_H3);
  g_autofree char *setup = NULL;
  g_autofree char *v1 = push_visit ("e0000001-0000-4000-8000-000000000001", PUSH_V1, PUSH_H1);
  g_autofree char *v2 = push_visit ("e0000001-0000-4000-8000-000000000002", PUSH_V2, PUSH_OTHER);
  g_autofree char *v3 = push_visit ("e0000001-0000-4000-8000-000000000004", PUSH_V3, PUSH_H3);
  g_autofree char *v1_again = push_visit ("e0000001-0000-4000-8000-000000000009", PUSH_V1, PUSH_H1);
  g_autofree char *v4 = push_visit ("e0000001-0000-4000-8000-000000000010", PUSH_V4, PUSH_H2);
  g_autofree char *batch = NULL;
  g_autofree char *text = NULL;
  g_autofree char *alert_record = g_strdup_printf ("{\"id\": \"" PUSH_ALERT "\", \"household_id\": \"" PUSH_H1 "\","
                                                   " \"kind\": \"inactivity\", \"level\": \"risk\","
                                                   " \"raised_at\": \"2026-11-24T01:00:00Z\", \"responder\": \"dong\","
                                                   " \"state\": \"open\", \"version\": 1}");

  REQUIRE_STORE (fixture);
  /* Two households of the planner's 동 with an open signal, and one of another 동. */
  setup = g_strdup_printf ("{\"id\": \"e0000000-0000-4000-8000-000000000001\", \"kind\": \"household.create\","
                           " \"payload\": %s}, {\"id\": \"e0000000-0000-4000-8000-000000000002\","
                           " \"kind\": \"household.create\", \"payload\": %s}", h1, h2);
  created = push (store, setup);
  text = describe_results (created);
  g_assert_cmpstr (text, ==, "applied applied");
  g_clear_pointer (&text, g_free);
  save_household (store, PUSH_OTHER, DONG_B, FALSE, "active", 1, "다른 동");
  {
    g_autoptr(AnbuStoreEntity) entity = anbu_store_entity_new (ANBU_RECORD_KIND_ALERT);

    entity->id = g_strdup (PUSH_ALERT);
    entity->household_id = g_strdup (PUSH_H1);
    entity->state = g_strdup ("open");
    entity->record = g_strdup (alert_record);
    entity->version = 1;
    g_assert_true (anbu_store_save (store, entity, &error));
    g_assert_no_error (error);
  }

  /* Entries that only add facts, entries that write directly, failing
   * ones of both in the middle, a household made in the batch and visited
   * in it, a contact that dispatches (a direct write after its own fact),
   * an entry sent twice and a fact sent twice under two entry ids. */
  batch = g_strdup_printf ("%s, %s, {\"id\": \"e0000001-0000-4000-8000-000000000003\", \"kind\": \"household.create\","
                           " \"payload\": %s}, %s,"
                           " {\"id\": \"e0000001-0000-4000-8000-000000000005\", \"kind\": \"contact.create\","
                           " \"payload\": {\"id\": \"" PUSH_C1 "\", \"alert_id\": \"" PUSH_ALERT "\","
                           " \"household_id\": \"" PUSH_H1 "\", \"at\": \"2026-11-24T10:00:00+09:00\","
                           " \"by\": \"" PUSH_PLANNER "\", \"channel\": \"dispatch_119\", \"outcome\": \"visited_safe\"}},"
                           " {\"id\": \"e0000001-0000-4000-8000-000000000006\", \"kind\": \"plug.install\","
                           " \"payload\": {\"serial\": \"AP-0001\", \"household_id\": \"" PUSH_OTHER "\","
                           " \"appliance\": \"tv\", \"installed_at\": \"2026-11-20T10:00:00+09:00\"}},"
                           " {\"id\": \"e0000001-0000-4000-8000-000000000007\", \"kind\": \"absence.create\","
                           " \"payload\": {\"id\": \"" PUSH_A1 "\", \"household_id\": \"" PUSH_H2 "\","
                           " \"from\": \"2026-12-01T00:00:00+09:00\", \"to\": \"2026-12-05T00:00:00+09:00\","
                           " \"reason\": \"hospital\"}},"
                           " %s, %s, %s",
                           v1, v2, h3, v3, v1, v1_again, v4);
  first = push (store, batch);
  text = describe_results (first);
  g_assert_cmpstr (text, ==, "applied rejected(not_found) applied applied applied rejected(not_found) applied"
                             " duplicate duplicate applied");
  g_clear_pointer (&text, g_free);

  /* What was applied is stored, what was rejected left nothing. */
  g_assert_true (is_stored (store, ANBU_RECORD_KIND_VISIT, PUSH_V1));
  g_assert_false (is_stored (store, ANBU_RECORD_KIND_VISIT, PUSH_V2));
  g_assert_true (is_stored (store, ANBU_RECORD_KIND_HOUSEHOLD, PUSH_H3));
  g_assert_true (is_stored (store, ANBU_RECORD_KIND_VISIT, PUSH_V3));
  g_assert_true (is_stored (store, ANBU_RECORD_KIND_CONTACT, PUSH_C1));
  g_assert_false (is_stored (store, ANBU_RECORD_KIND_PLUG, "AP-0001"));
  g_assert_true (is_stored (store, ANBU_RECORD_KIND_ABSENCE, PUSH_A1));
  g_assert_true (is_stored (store, ANBU_RECORD_KIND_VISIT, PUSH_V4));
  alert = anbu_store_load (store, ANBU_RECORD_KIND_ALERT, PUSH_ALERT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (alert->state, ==, "dispatched");
  g_assert_cmpint (alert->version, ==, 2);

  /* One write line per household and request, in the order first written. */
  text = describe_writes (store);
  g_assert_cmpstr (text, ==, PUSH_H1 " " PUSH_H2 " " PUSH_H1 " " PUSH_H3 " " PUSH_H2);
  g_clear_pointer (&text, g_free);

  /* The stored result is the first answer. */
  stored = anbu_store_find_mutation (store, "e0000001-0000-4000-8000-000000000004", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->user_id, ==, PUSH_PLANNER);
  g_assert_cmpstr (stored->kind, ==, "visit.create");
  stored_result = json_from_string (stored->result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (stored_result), "status"), ==, "applied");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (stored_result),
                                                                                 "record"), "id"), ==, PUSH_V3);

  /* The whole batch resent: what was applied is a duplicate and nothing
   * is applied twice; what was rejected is answered afresh. */
  again = push (store, batch);
  text = describe_results (again);
  g_assert_cmpstr (text, ==, "duplicate rejected(not_found) duplicate duplicate duplicate rejected(not_found) duplicate"
                             " duplicate duplicate duplicate");
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&alert, anbu_store_entity_free);
  alert = anbu_store_load (store, ANBU_RECORD_KIND_ALERT, PUSH_ALERT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (alert->version, ==, 2);
  text = describe_writes (store);
  g_assert_cmpstr (text, ==, PUSH_H1 " " PUSH_H2 " " PUSH_H1 " " PUSH_H3 " " PUSH_H2);
}

static void
add_case (const char *name,
          void      (*test) (Fixture *, gconstpointer),
          gboolean    postgresql_only)
{
  for (Engine engine = postgresql_only ? ENGINE_POSTGRESQL : ENGINE_SQLITE; engine <= ENGINE_POSTGRESQL; engine++)
    {
      g_autofree char *path = g_strdup_printf ("/store/%s/%s",
                                               engine == ENGINE_SQLITE ? "sqlite" : "postgresql", name);

      g_test_add (path, Fixture, GINT_TO_POINTER (engine), fixture_setup, test, fixture_teardown);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(AnbuClock) clock = anbu_clock_new_manual (CLOCK_START_SECONDS * G_USEC_PER_SEC);

  g_test_init (&argc, &argv, NULL);
  anbu_clock_set_default (clock);

  add_case ("users", test_users, FALSE);
  add_case ("sessions", test_sessions, FALSE);
  add_case ("records", test_records, FALSE);
  add_case ("changes", test_changes, FALSE);
  add_case ("pull-by-dong", test_pull_by_dong, FALSE);
  add_case ("dependent-moves", test_dependent_moves, FALSE);
  add_case ("dependent-moves-while-away", test_dependent_moves_while_away, FALSE);
  add_case ("mutations", test_mutations, FALSE);
  add_case ("access-log", test_access_log, FALSE);
  add_case ("transactions", test_transactions, FALSE);
  add_case ("push-batch", test_push_batch, FALSE);
  add_case ("caseload", test_caseload, FALSE);
  add_case ("orphans", test_orphans, FALSE);
  add_case ("reopen", test_reopen, FALSE);
  add_case ("disk-full", test_pg_disk_full, TRUE);
  add_case ("failed-commit", test_pg_failed_commit, TRUE);
  add_case ("schema-version", test_pg_schema_version, TRUE);
  add_case ("dong-upgrade", test_pg_dong_upgrade, TRUE);
  add_case ("connection", test_pg_connection, TRUE);
  add_case ("reconnect", test_pg_reconnect, TRUE);
  add_case ("append-only", test_pg_append_only, TRUE);
  add_case ("writers-in-order", test_pg_writers_in_order, TRUE);
  add_case ("cli", test_pg_cli, TRUE);
  add_case ("cli-casework", test_pg_cli_casework, TRUE);

  return anbu_test_postgres_run_tests ();
}
