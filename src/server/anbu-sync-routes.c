/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <json-glib/json-glib.h>

#include "anbu-api-error.h"
#include "anbu-json-body.h"
#include "anbu-mutations.h"
#include "anbu-sync-routes.h"

#define SYNC_DEFAULT_LIMIT 500
#define SYNC_MAX_LIMIT 5000
#define CURSOR_PREFIX "c"

struct _AnbuSyncRoutes
{
  GObject         parent_instance;

  AnbuStore      *store;
  AnbuHttpServer *server;
  gsize           max_body;
};

G_DEFINE_FINAL_TYPE (AnbuSyncRoutes, anbu_sync_routes, G_TYPE_OBJECT)

/* Answers */

static gboolean
parse_cursor (const char  *text,
              gint64      *seq,
              GError     **error)
{
  guint64 value = 0;

  *seq = 0;
  if (text == NULL || *text == '\0')
    return TRUE;
  if (!g_str_has_prefix (text, CURSOR_PREFIX)
      || !g_ascii_string_to_unsigned (text + strlen (CURSOR_PREFIX), 10, 0, G_MAXINT64, &value, NULL))
    {
      anbu_api_set_error (error, ANBU_API_ERROR_INVALID_VALUE, "since",
                          _("This is not a cursor the server gave out"));
      return FALSE;
    }
  *seq = (gint64) value;
  return TRUE;
}

static gboolean
parse_limit (const char  *text,
             guint       *limit,
             GError     **error)
{
  guint64 value = SYNC_DEFAULT_LIMIT;

  if (text != NULL && *text != '\0'
      && !g_ascii_string_to_unsigned (text, 10, 1, SYNC_MAX_LIMIT, &value, NULL))
    {
      anbu_api_set_error (error, ANBU_API_ERROR_INVALID_VALUE, "limit",
                          _("The limit must be a whole number from 1 to %d"), SYNC_MAX_LIMIT);
      return FALSE;
    }
  *limit = (guint) value;
  return TRUE;
}

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
      else if (*p < 0x20)
        g_string_append_printf (out, "\\u%04x", *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
handle_sync (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  AnbuSyncRoutes *self = user_data;
  g_autoptr(AnbuStoreUser) user = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GHashTable) households = NULL;
  g_autoptr(GPtrArray) household_ids = NULL;
  AnbuScope scope;
  GString *out;
  gint64 since;
  gint64 next = 0;
  gboolean has_more = FALSE;
  guint limit;

  if ((user = anbu_http_server_authenticate (self->server, msg, &error)) == NULL
      || !parse_cursor (query ? g_hash_table_lookup (query, "since") : NULL, &since, &error)
      || !parse_limit (query ? g_hash_table_lookup (query, "limit") : NULL, &limit, &error))
    {
      anbu_json_respond_error (msg, error);
      return;
    }

  scope = (AnbuScope) { user->role, user->dong_codes, user->id };
  changes = anbu_store_changes (self->store, &scope, since, limit, &has_more, &next, &error);
  if (changes == NULL)
    {
      anbu_json_respond_error (msg, error);
      return;
    }

  households = g_hash_table_new (g_str_hash, g_str_equal);
  household_ids = g_ptr_array_new ();
  out = g_string_sized_new (256 + changes->len * 512);
  g_string_append (out, "{\"changes\":[");
  for (guint i = 0; i < changes->len; i++)
    {
      AnbuStoreChange *change = g_ptr_array_index (changes, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"kind\":\"");
      g_string_append (out, anbu_record_kind_to_string (change->kind));
      g_string_append (out, change->op == ANBU_CHANGE_REMOVE ? "\",\"op\":\"remove\",\"id\":"
                                                             : "\",\"op\":\"upsert\",\"id\":");
      append_json_string (out, change->id);
      if (change->record != NULL)
        {
          g_string_append (out, ",\"record\":");
          g_string_append (out, change->record);
        }
      g_string_append_c (out, '}');
      if (change->household_id != NULL && g_hash_table_add (households, change->household_id))
        g_ptr_array_add (household_ids, change->household_id);
    }
  g_string_append_printf (out, "],\"cursor\":\"" CURSOR_PREFIX "%" G_GINT64_FORMAT "\",\"has_more\":%s}",
                          next, has_more ? "true" : "false");
  g_ptr_array_add (household_ids, NULL);

  /* 개인정보 접속기록: every household whose data this page carried. */
  if (household_ids->len > 1
      && !anbu_http_server_log_access (self->server, msg, user, "/api/v1/sync", ANBU_ACCESS_READ,
                                       (const char * const *) household_ids->pdata, &error))
    {
      g_string_free (out, TRUE);
      anbu_json_respond_error (msg, error);
      return;
    }

  anbu_metrics_add_sync_entries (anbu_http_server_get_metrics (self->server), changes->len);
  anbu_json_respond (msg, 200, g_string_free (out, FALSE));
}

static void
handle_mutations (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  AnbuSyncRoutes *self = user_data;
  g_autoptr(AnbuStoreUser) user = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) results = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) answer = NULL;
  AnbuAccessEntry access;
  AnbuScope scope;
  JsonArray *entries;

  if ((user = anbu_http_server_authenticate (self->server, msg, &error)) == NULL
      || (root = anbu_json_body_parse (soup_server_message_get_request_body (msg),
                                       self->max_body, &error)) == NULL
      || (entries = anbu_mutations_check_batch (root, &error)) == NULL)
    {
      anbu_json_respond_error (msg, error);
      return;
    }

  scope = (AnbuScope) { user->role, user->dong_codes, user->id };
  anbu_http_access_entry_init (&access, msg, user, "/api/v1/mutations", ANBU_ACCESS_WRITE);
  results = anbu_mutations_apply (self->store, anbu_http_server_get_metrics (self->server), user, &scope,
                                  &access, entries, &error);
  if (results == NULL)
    {
      anbu_json_respond_error (msg, error);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "results");
  json_builder_add_value (builder, g_steal_pointer (&results));
  json_builder_end_object (builder);
  answer = json_builder_get_root (builder);
  anbu_json_respond (msg, 200, json_to_string (answer, FALSE));
}

/* GObject */

static void
anbu_sync_routes_dispose (GObject *object)
{
  AnbuSyncRoutes *self = ANBU_SYNC_ROUTES (object);

  /* Not a reference: the server owns this object. */
  self->server = NULL;
  g_clear_object (&self->store);

  G_OBJECT_CLASS (anbu_sync_routes_parent_class)->dispose (object);
}

static void
anbu_sync_routes_class_init (AnbuSyncRoutesClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = anbu_sync_routes_dispose;
}

static void
anbu_sync_routes_init (AnbuSyncRoutes *self)
{
}

AnbuSyncRoutes *
anbu_sync_routes_new (AnbuHttpServer *server,
                      AnbuStore      *store,
                      gsize           max_body)
{
  AnbuSyncRoutes *self;

  g_return_val_if_fail (ANBU_IS_HTTP_SERVER (server), NULL);
  g_return_val_if_fail (ANBU_IS_STORE (store), NULL);

  self = g_object_new (ANBU_TYPE_SYNC_ROUTES, NULL);
  self->server = server;
  self->store = g_object_ref (store);
  self->max_body = max_body;
  return self;
}

void
anbu_sync_routes_attach (AnbuSyncRoutes *self)
{
  g_return_if_fail (ANBU_IS_SYNC_ROUTES (self));

  anbu_http_server_add_route (self->server, "GET", "/api/v1/sync", ANBU_ROUTE_SESSION,
                              handle_sync, self);
  anbu_http_server_add_route (self->server, "POST", "/api/v1/mutations", ANBU_ROUTE_SESSION,
                              handle_mutations, self);
}
