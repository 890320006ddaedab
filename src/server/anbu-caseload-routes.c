/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-caseload-routes"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "anbu-api-error.h"
#include "anbu-caseload-moves.h"
#include "anbu-caseload-routes.h"
#include "anbu-clock.h"
#include "anbu-json-body.h"
#include "anbu-record-json.h"
#include "anbu-server-time.h"

#define MOVES_PATH "/api/v1/admin/caseload/moves"
#define ORPHANS_PATH "/api/v1/admin/caseload/orphans"

/* An administrator's read or write, in the access log (a failure is only
 * reported: the move itself is already stored). */
static void
log_admin (AnbuHttpServer      *server,
           SoupServerMessage   *msg,
           const AnbuStoreUser *admin,
           const char          *what,
           AnbuAccessAction     action,
           const char * const  *household_ids)
{
  g_autoptr(GError) error = NULL;

  if (!anbu_http_server_log_access (server, msg, admin, what, action, household_ids, &error))
    g_warning ("Cannot write the access log: %s", error->message);
}

/* Answers with `object` and drops it. */
static void
respond_object (SoupServerMessage *msg,
                guint              status,
                JsonObject        *object)
{
  g_autoptr(JsonNode) node = json_node_alloc ();

  json_node_take_object (json_node_init (node, JSON_NODE_OBJECT), object);
  anbu_json_respond (msg, status, json_to_string (node, FALSE));
}

/* An optional text member; a member of another type is an error naming it. */
static gboolean
read_optional_text (JsonNode     *root,
                    const char   *member,
                    const char  **value,
                    GError      **error)
{
  JsonNode *node = json_object_get_member (json_node_get_object (root), member);

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      anbu_api_set_error (error, ANBU_API_ERROR_WRONG_TYPE, member, _("This must be text"));
      return FALSE;
    }
  *value = json_node_get_string (node);
  return TRUE;
}

static gboolean
post_move (AnbuHttpServer      *server,
           AnbuStore           *store,
           SoupServerMessage   *msg,
           const AnbuStoreUser *admin)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(AnbuCaseloadMove) move = NULL;
  g_autofree char *household_id = NULL;
  g_autofree char *what = NULL;
  const char *dong_code, *household_text, *from, *to, *effective_text;
  gint64 effective_at = anbu_clock_now_usec ();

  if ((root = anbu_json_body_parse (soup_server_message_get_request_body (msg), 16 * 1024,
                                    &error)) == NULL
      || (from = anbu_json_body_require_string (root, "from", 256, &error)) == NULL
      || (to = anbu_json_body_require_string (root, "to", 256, &error)) == NULL
      || !read_optional_text (root, "dong_code", &dong_code, &error)
      || !read_optional_text (root, "household_id", &household_text, &error)
      || !read_optional_text (root, "effective_at", &effective_text, &error)
      || (household_text != NULL
          && !anbu_json_read_uuid ("household_id",
                                   json_object_get_member (json_node_get_object (root), "household_id"),
                                   TRUE, &household_id, &error))
      || (effective_text != NULL
          && !anbu_json_read_timestamp ("effective_at",
                                        json_object_get_member (json_node_get_object (root), "effective_at"),
                                        TRUE, &effective_at, &error)))
    {
      anbu_json_respond_error (msg, error);
      return FALSE;
    }
  move = anbu_caseload_moves_request (store, dong_code, household_id, from, to, effective_at,
                                      admin->username, &error);
  if (move == NULL)
    {
      anbu_json_respond_error (msg, error);
      return FALSE;
    }
  what = g_strdup_printf (MOVES_PATH ": move %s from %s to %s",
                          dong_code != NULL ? dong_code : household_id, from, to);
  log_admin (server, msg, admin, what, ANBU_ACCESS_WRITE, NULL);
  respond_object (msg, 201, anbu_caseload_move_to_json (store, move));
  return move->applied_at != 0;
}

static void
get_moves (AnbuStore         *store,
           SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) moves = anbu_store_list_caseload_moves (store, FALSE, &error);
  JsonObject *answer;
  JsonArray *list;

  if (moves == NULL)
    {
      anbu_json_respond_error (msg, error);
      return;
    }
  answer = json_object_new ();
  list = json_array_new ();
  for (guint i = 0; i < moves->len; i++)
    json_array_add_object_element (list, anbu_caseload_move_to_json (store, g_ptr_array_index (moves, i)));
  json_object_set_array_member (answer, "moves", list);
  respond_object (msg, 200, answer);
}

static void
get_orphans (AnbuHttpServer      *server,
             AnbuStore           *store,
             SoupServerMessage   *msg,
             const AnbuStoreUser *admin)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) orphans = anbu_store_list_orphan_households (store, &error);
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  JsonObject *answer;
  JsonArray *list;

  if (orphans == NULL)
    {
      anbu_json_respond_error (msg, error);
      return;
    }
  answer = json_object_new ();
  list = json_array_new ();
  for (guint i = 0; i < orphans->len; i++)
    {
      AnbuOrphanHousehold *orphan = g_ptr_array_index (orphans, i);

      json_array_add_object_element (list, anbu_orphan_household_to_json (orphan));
      g_ptr_array_add (ids, orphan->household_id);
    }
  g_ptr_array_add (ids, NULL);
  /* The report names people: it is a read of their households. */
  if (orphans->len > 0)
    log_admin (server, msg, admin, ORPHANS_PATH, ANBU_ACCESS_READ, (const char * const *) ids->pdata);
  json_object_set_array_member (answer, "households", list);
  respond_object (msg, 200, answer);
}

gboolean
anbu_caseload_routes_handle (AnbuHttpServer    *server,
                             AnbuStore         *store,
                             SoupServerMessage *msg,
                             const char        *path)
{
  g_autoptr(AnbuStoreUser) admin = NULL;
  gboolean orphans = g_strcmp0 (path, ORPHANS_PATH) == 0;

  admin = anbu_http_server_authenticate_admin (server, msg);
  if (admin == NULL)
    return FALSE;
  if (orphans)
    get_orphans (server, store, msg, admin);
  else if (g_strcmp0 (soup_server_message_get_method (msg), "POST") == 0)
    return post_move (server, store, msg, admin);
  else
    get_moves (store, msg);
  return FALSE;
}
