/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "anbu-ingest-fixture.h"

char *
ingest_time (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

gint64
ingest_member_time (JsonObject *object,
                    const char *member)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (json_object_get_string_member (object, member),
                                                          NULL);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt);
}

static char **
server_args (gint64              clock,
             const char * const *extra_args)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *text = ingest_time (clock);

  g_strv_builder_add (builder, "--manual-clock");
  g_strv_builder_add (builder, text);
  /* Sessions expire by the manual clock: tests move it by days. */
  g_strv_builder_add (builder, "--token-lifetime");
  g_strv_builder_add (builder, "31536000");
  if (extra_args != NULL)
    g_strv_builder_addv (builder, (const char **) extra_args);
  return g_strv_builder_end (builder);
}

static char *
sign_in_admin (IngestFixture *fixture)
{
  return anbu_test_server_sign_in (fixture->server, "admin", INGEST_PASSWORD);
}

IngestFixture *
ingest_fixture_new (gint64              clock,
                    const char * const *extra_args)
{
  IngestFixture *fixture = g_new0 (IngestFixture, 1);
  g_auto(GStrv) args = server_args (clock, extra_args);
  g_autoptr(AnbuTestResponse) response = NULL;

  fixture->extra_args = g_strdupv ((char **) extra_args);
  fixture->server = anbu_test_server_new ((const char * const *) args);
  fixture->admin_id = anbu_test_server_add_user (fixture->server, "admin", "admin", NULL, INGEST_PASSWORD);
  fixture->admin_token = sign_in_admin (fixture);
  response = anbu_test_request (fixture->server, "POST", "/api/v1/admin/gateways",
                                fixture->admin_token, "{\"name\": \"test gateway\"}");
  g_assert_cmpuint (response->status, ==, 201);
  fixture->gateway_token = g_strdup (json_object_get_string_member (anbu_test_response_object (response),
                                                                    "token"));
  return fixture;
}

IngestFixture *
ingest_fixture_new_instance (IngestFixture *fixture,
                             gint64         clock)
{
  IngestFixture *instance = g_new0 (IngestFixture, 1);
  g_auto(GStrv) args = server_args (clock, (const char * const *) fixture->extra_args);

  instance->extra_args = g_strdupv (fixture->extra_args);
  instance->server = anbu_test_server_new_instance (fixture->server, (const char * const *) args);
  instance->admin_id = g_strdup (fixture->admin_id);
  /* Sessions and gateways live in the database: one token serves on all. */
  instance->admin_token = g_strdup (fixture->admin_token);
  instance->gateway_token = g_strdup (fixture->gateway_token);
  return instance;
}

void
ingest_fixture_restart (IngestFixture *fixture,
                        gint64         clock)
{
  g_auto(GStrv) args = server_args (clock, (const char * const *) fixture->extra_args);

  if (fixture->server->process != NULL)
    g_assert_cmpint (anbu_test_server_stop (fixture->server, SIGTERM), ==, 0);
  anbu_test_server_restart (fixture->server, (const char * const *) args);
  g_free (fixture->admin_token);
  fixture->admin_token = sign_in_admin (fixture);
}

void
ingest_fixture_free (IngestFixture *fixture)
{
  anbu_test_server_free (fixture->server);
  g_free (fixture->admin_id);
  g_free (fixture->admin_token);
  g_free (fixture->gateway_token);
  g_strfreev (fixture->extra_args);
  g_free (fixture);
}

JsonObject *
ingest_push (IngestFixture *fixture,
             const char    *kind,
             const char    *payload)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *entries = g_strdup_printf ("[{\"id\": \"%s\", \"kind\": \"%s\", \"payload\": %s}]",
                                              id, kind, payload);
  AnbuTestResponse *response = NULL;
  JsonArray *results = anbu_test_push (fixture->server, fixture->admin_token, entries, &response);
  JsonObject *result = json_array_get_object_element (results, 0);

  if (g_strcmp0 (json_object_get_string_member (result, "status"), "applied") != 0)
    g_test_message ("%s: %s", kind, json_object_get_string_member_with_default (result, "message", "?"));
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  result = json_object_ref (result);
  anbu_test_response_free (response);
  return result;
}

char *
ingest_add_household (IngestFixture *fixture,
                      const char    *dong,
                      gboolean       night_consent,
                      guint          threshold_hours,
                      const char    *serial,
                      gint64         installed)
{
  char *id = g_uuid_string_random ();
  g_autofree char *installed_text = ingest_time (installed);
  g_autofree char *household = g_strdup_printf (
    "{\"id\": \"%s\", \"dong_code\": \"%s\", \"name\": \"김영수\","
    " \"address\": \"서울특별시 종로구 자하문로 1\", \"phone\": \"010-1234-5678\","
    " \"threshold_hours\": %u, \"night_consent\": %s}",
    id, dong, threshold_hours, night_consent ? "true" : "false");
  g_autofree char *plug = g_strdup_printf (
    "{\"serial\": \"%s\", \"household_id\": \"%s\", \"appliance\": \"tv\", \"installed_at\": \"%s\"}",
    serial, id, installed_text);

  json_object_unref (ingest_push (fixture, "household.create", household));
  json_object_unref (ingest_push (fixture, "plug.install", plug));
  return id;
}

char *
ingest_add_user (IngestFixture *fixture,
                 const char    *username,
                 const char    *role,
                 const char    *dong)
{
  g_autofree char *body = g_strdup_printf (
    "{\"username\": \"%s\", \"password\": \"%s\", \"role\": \"%s\", \"dong_codes\": [%s%s%s]}",
    username, INGEST_PASSWORD, role, dong ? "\"" : "", dong ? dong : "", dong ? "\"" : "");
  g_autoptr(AnbuTestResponse) response = anbu_test_request (fixture->server, "POST",
                                                            "/api/v1/admin/users",
                                                            fixture->admin_token, body);

  g_assert_cmpuint (response->status, ==, 201);
  return anbu_test_server_sign_in (fixture->server, username, INGEST_PASSWORD);
}

char *
ingest_readings_json (const char    *serial,
                      gint64         from,
                      gint64         step,
                      guint          n,
                      double         watts,
                      double         on_watts,
                      gint64         on_from,
                      gint64         on_to,
                      IngestLuxFunc  lux_fn)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      gint64 t = from + (gint64) i * step;
      g_autofree char *ts = ingest_time (t);
      double w = t >= on_from && t < on_to ? on_watts : watts;
      double lux = lux_fn != NULL ? lux_fn (t) : 0.0;

      g_string_append_printf (out, "%s{\"serial\": \"%s\", \"ts\": \"%s\", \"watts\": %.2f, \"lux\": %.2f}",
                              i > 0 ? "," : "", serial, ts, w, lux);
    }
  return g_string_free (out, FALSE);
}

AnbuTestResponse *
ingest_post (IngestFixture *fixture,
             const char    *items)
{
  g_autofree char *body = g_strdup_printf ("{\"readings\": [%s]}", items);
  AnbuTestResponse *response = anbu_test_request (fixture->server, "POST", "/api/v1/telemetry",
                                                  fixture->gateway_token, body);

  if (response->status != 200)
    g_test_message ("telemetry answered %u: %.*s", response->status,
                    (int) g_bytes_get_size (response->raw),
                    (const char *) g_bytes_get_data (response->raw, NULL));
  g_assert_cmpuint (response->status, ==, 200);
  return response;
}

void
ingest_post_span (IngestFixture *fixture,
                  const char    *serial,
                  gint64         from,
                  gint64         to,
                  gint64         step,
                  double         watts,
                  double         on_watts,
                  gint64         on_from,
                  gint64         on_to,
                  IngestLuxFunc  lux_fn)
{
  for (gint64 start = from; start <= to; start += 5000 * step)
    {
      guint n = (guint) MIN (5000, (to - start) / step + 1);
      g_autofree char *items = ingest_readings_json (serial, start, step, n, watts, on_watts,
                                                     on_from, on_to, lux_fn);
      g_autoptr(AnbuTestResponse) response = ingest_post (fixture, items);
      JsonObject *answer = anbu_test_response_object (response);

      g_assert_cmpint (json_object_get_int_member (answer, "rejected"), ==, 0);
    }
}

AnbuTestResponse *
ingest_tick (IngestFixture *fixture,
             gint64         now)
{
  g_autofree char *text = ingest_time (now);
  g_autofree char *body = g_strdup_printf ("{\"now\": \"%s\"}", text);
  AnbuTestResponse *response = anbu_test_request (fixture->server, "POST", "/api/v1/admin/tick",
                                                  fixture->admin_token, body);

  g_assert_cmpuint (response->status, ==, 200);
  return response;
}

void
ingest_tick_failing (IngestFixture *fixture,
                     gint64         now)
{
  g_autofree char *text = ingest_time (now);
  g_autofree char *body = g_strdup_printf ("{\"now\": \"%s\"}", text);
  g_autoptr(AnbuTestResponse) response = NULL;

  g_assert_true (anbu_test_server_try_sql (fixture->server,
                                           "ALTER TABLE visit RENAME TO visit_away"));
  response = anbu_test_request (fixture->server, "POST", "/api/v1/admin/tick",
                                fixture->admin_token, body);
  g_assert_cmpuint (response->status, !=, 200);
  g_assert_true (anbu_test_server_try_sql (fixture->server,
                                           "ALTER TABLE visit_away RENAME TO visit"));
}

GPtrArray *
ingest_alerts (IngestFixture *fixture,
               const char    *token,
               const char    *household_id)
{
  g_autoptr(GHashTable) latest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) json_object_unref);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonArray) changes = NULL;
  g_autofree char *cursor = NULL;
  GPtrArray *alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  guint pages = 0;

  changes = anbu_test_pull (fixture->server, token ? token : fixture->admin_token, &cursor, 5000,
                            &pages);
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);
      JsonObject *record;

      if (g_strcmp0 (json_object_get_string_member (change, "kind"), "alert") != 0
          || !json_object_has_member (change, "record"))
        continue;
      record = json_object_get_object_member (change, "record");
      if (household_id != NULL
          && g_strcmp0 (json_object_get_string_member (record, "household_id"), household_id) != 0)
        continue;
      if (!g_hash_table_contains (latest, json_object_get_string_member (record, "id")))
        g_ptr_array_add (order, g_strdup (json_object_get_string_member (record, "id")));
      g_hash_table_replace (latest, g_strdup (json_object_get_string_member (record, "id")),
                            json_object_ref (record));
    }
  for (guint i = 0; i < order->len; i++)
    g_ptr_array_add (alerts, json_object_ref (g_hash_table_lookup (latest, order->pdata[i])));
  return alerts;
}
