/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Load on one anbu-server over loopback, all at once for a bounded time:
 * N live WebSocket clients, M planners pulling and pushing once per
 * period, and P plugs sending one reading per period through gateways
 * (500 plugs each, their batches spread over the period). Prints, per kind
 * of request, how many, how many failed, p50/p99/max latency, the
 * throughput, and the server's resident memory over the run.
 *
 *   bench-load [--server PATH] [--duration SECONDS] [--period SECONDS]
 *              [--ws N] [--planners M] [--plugs P] [--slow N] [--uploads N]
 *
 * --slow and --uploads add an attack beside the load: N connections that
 * send part of their headers and stall (made again when the server closes
 * them), and N clients each sending 64 MiB bodies (chunked, to sign-in
 * and, without a token, to the mutations route) one after another; the
 * server's RSS over the run shows what they cost it.
 *
 * Defaults are a short run (30 s, period 15 s, 100 live clients, 20
 * planners, 2,000 plugs). The full size is
 *   --duration 600 --period 60 --ws 1000 --planners 200 --plugs 50000
 * Clients come from many loopback addresses (127.x.y.z), as real ones
 * would, so the server's per-address connection cap applies as in the
 * field. Only loopback is ever used.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "anbu-clock.h"

#define PASSWORD "benchmark password"
#define PLUGS_PER_GATEWAY 500
#define WS_PER_ADDRESS 50

typedef enum
{
  KIND_TELEMETRY,
  KIND_SYNC,
  KIND_PUSH,
  KIND_HEALTHZ,
  KIND_LIVE_CONNECT,
  N_KINDS
} Kind;

static const char * const kind_names[N_KINDS] = {
  "telemetry", "sync", "push", "healthz", "live-connect",
};

typedef struct
{
  GArray  *ms;         /* latencies of answered requests */
  guint    failures;   /* transport errors and unexpected statuses */
  guint64  items;      /* readings accepted, changes pulled, entries applied */
} Stats;

typedef struct _Bench Bench;

typedef struct
{
  Bench       *bench;
  guint        index;
  SoupSession *session;
  char        *username;
  char        *token;
  char        *user_id;
  char        *cursor;
  char        *household;   /* one of its households, for the pushed visit */
  gint64       due;         /* monotonic µs of its next round */
  gboolean     busy;
} Planner;

typedef struct
{
  Bench       *bench;
  guint        index;
  SoupSession *session;
  guint        first_plug;
  guint        plugs;
  gint64       due;
  gboolean     busy;
} Gateway;

typedef struct
{
  Bench                   *bench;
  SoupWebsocketConnection *connection;
  gint64                   started;
} LiveClient;

struct _Bench
{
  const char  *server_path;
  char        *dir;
  char        *db;
  char        *url;
  char        *ws_url;
  GSubprocess *process;
  SoupSession *admin;
  char        *admin_token;
  char        *gateway_token;
  guint        n_ws, n_planners, n_plugs;
  guint        period;        /* seconds */
  guint        duration;      /* seconds */
  char       **households;    /* ids, n_plugs of them; plug i is in household i */
  Planner     *planners;
  Gateway     *gateways;
  guint        n_gateways;
  LiveClient  *live;
  GPtrArray   *ws_sessions;
  Stats        stats[N_KINDS];
  guint        in_flight;
  guint        live_open;
  guint        live_closed_early;
  guint64      live_frames;
  gboolean     running;
  gint64       run_started;
  gint64       run_ends;
  gint64       next_probe;
  double       rss_setup, rss_min, rss_max, rss_middle, rss_last, rss_peak;
  guint        healthz_busy;
  guint        n_slow, n_uploads;
  guint        slow_connections;   /* slow connections made (a closed one is made again) */
  guint        slow_closed;        /* … closed by the server */
  guint        uploads_413, uploads_401, uploads_other;
  guint64      uploaded;           /* bytes sent in refused bodies */
  GBytes      *upload_piece;       /* 1 MiB as one chunk of a chunked body */
};

static double
elapsed_ms (gint64 started)
{
  return (g_get_monotonic_time () - started) / 1000.0;
}

static void
record (Bench  *bench,
        Kind    kind,
        gint64  started,
        gboolean ok)
{
  double ms = elapsed_ms (started);

  if (ok)
    g_array_append_val (bench->stats[kind].ms, ms);
  else
    bench->stats[kind].failures++;
}

static char *
time_text (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

static char *
dong_code (guint planner)
{
  /* A valid 행정기관코드 shape: 11 (Seoul), a district, a dong, 00. */
  return g_strdup_printf ("11%03u%03u00", 110 + planner / 900, 100 + planner % 900);
}

/* Loopback address `a`.`b`.`c` under 127/8: many client addresses. */
static SoupSession *
session_from (guint b,
              guint c,
              guint d,
              guint max_conns)
{
  g_autofree char *text = g_strdup_printf ("127.%u.%u.%u", b, c, d);
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (text);
  g_autoptr(GInetSocketAddress) local = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (inet, 0));
  SoupSession *session = soup_session_new_with_options ("local-address", local,
                                                        "max-conns", max_conns,
                                                        "max-conns-per-host", max_conns,
                                                        "timeout", 120,
                                                        NULL);

  soup_session_set_proxy_resolver (session, NULL);
  return session;
}

/* Set-up, synchronous */

static int
run_cli (Bench      *bench,
         const char *input,
         char      **out,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *input_path = g_build_filename (bench->dir, "input", NULL);
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) bench->server_path);
  va_start (args, out);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, bench->db);
  g_ptr_array_add (argv, NULL);

  g_file_set_contents (input_path, input ? input : "", -1, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_stdin_file_path (launcher, input_path);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  if (process == NULL || !g_subprocess_communicate_utf8 (process, NULL, NULL, out, NULL, &error))
    g_error ("Cannot run %s: %s", bench->server_path, error->message);
  return g_subprocess_get_exit_status (process);
}

static JsonNode *
request_sync (Bench       *bench,
              SoupSession *session,
              const char  *method,
              const char  *path,
              const char  *token,
              const char  *body,
              guint       *status)
{
  g_autofree char *url = g_strconcat (bench->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) in = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", in);
    }
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  if (bytes == NULL)
    g_error ("%s %s: %s", method, path, error->message);
  *status = soup_message_get_status (msg);
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL)
      || json_parser_get_root (parser) == NULL)
    return NULL;
  return json_node_ref (json_parser_get_root (parser));
}

static char *
sign_in (Bench       *bench,
         SoupSession *session,
         const char  *username,
         char       **user_id)
{
  g_autofree char *body = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}", username, PASSWORD);
  guint status;
  g_autoptr(JsonNode) answer = NULL;

  /* A busy password pool answers 503: wait for it like an app would. */
  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_clear_pointer (&answer, json_node_unref);
      answer = request_sync (bench, session, "POST", "/api/v1/session", NULL, body, &status);
      if (status == 200)
        {
          JsonObject *object = json_node_get_object (answer);

          if (user_id != NULL)
            *user_id = g_strdup (json_object_get_string_member (json_object_get_object_member (object, "user"), "id"));
          return g_strdup (json_object_get_string_member (object, "token"));
        }
      if (status != 503)
        break;
      g_usleep (G_USEC_PER_SEC / 10);
    }
  g_error ("Cannot sign %s in (%u)", username, status);
}

static void
start_server (Bench *bench)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  char *line;

  bench->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, bench->server_path, "serve",
                                     "--db", bench->db, "--listen", "127.0.0.1:0", NULL);
  if (bench->process == NULL)
    g_error ("Cannot start the server: %s", error->message);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bench->process));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  if (line == NULL)
    g_error ("The server printed no URL");
  if (g_str_has_suffix (line, "/"))
    line[strlen (line) - 1] = '\0';
  bench->url = line;
  bench->ws_url = g_strconcat ("ws", line + strlen ("http"), "/api/v1/live", NULL);
}

/* The server's resident memory now, and its peak, in MiB. */
static void
server_memory (Bench  *bench,
               double *rss,
               double *peak)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (bench->process));
  g_autofree char *text = NULL;
  const char *p;

  *rss = 0;
  if (peak != NULL)
    *peak = 0;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return;
  if ((p = strstr (text, "VmRSS:")) != NULL)
    *rss = g_ascii_strtod (p + 6, NULL) / 1024.0;
  if (peak != NULL && (p = strstr (text, "VmHWM:")) != NULL)
    *peak = g_ascii_strtod (p + 6, NULL) / 1024.0;
}

static void
seed_households (Bench *bench)
{
  GString *csv = g_string_new ("id,name,dong_code,address,phone,birth_year,night_consent,threshold_hours\n");
  g_autofree char *path = g_build_filename (bench->dir, "seed.csv", NULL);
  g_autofree char *out = NULL;

  bench->households = g_new0 (char *, bench->n_plugs + 1);
  for (guint i = 0; i < bench->n_plugs; i++)
    {
      g_autofree char *dong = dong_code (i % bench->n_planners);

      bench->households[i] = g_uuid_string_random ();
      g_string_append_printf (csv, "%s,김영수%u,%s,서울특별시 종로구 자하문로 %u,010-%04u-%04u,%u,%s,%u\n",
                              bench->households[i], i, dong, i % 300 + 1, 2000 + i % 7000, i % 10000,
                              1930 + i % 30, i % 4 ? "예" : "아니오", 24 + i % 27);
    }
  g_file_set_contents (path, csv->str, csv->len, NULL);
  g_string_free (csv, TRUE);
  if (run_cli (bench, NULL, &out, "import", "households", "--csv", path, NULL) != 0)
    g_error ("Seeding failed: %s", out);
}

static void
install_plugs (Bench *bench)
{
  gint64 now = anbu_clock_now_seconds ();
  g_autofree char *installed = time_text (now - 3600);

  for (guint start = 0; start < bench->n_plugs; start += 1000)
    {
      g_autoptr(GString) body = g_string_new ("{\"mutations\": [");
      g_autoptr(JsonNode) answer = NULL;
      guint status;

      for (guint i = start; i < MIN (start + 1000, bench->n_plugs); i++)
        {
          g_autofree char *id = g_uuid_string_random ();

          g_string_append_printf (body, "%s{\"id\": \"%s\", \"kind\": \"plug.install\", \"payload\": "
                                  "{\"serial\": \"LOAD-%06u\", \"household_id\": \"%s\", "
                                  "\"appliance\": \"tv\", \"installed_at\": \"%s\"}}",
                                  i > start ? "," : "", id, i, bench->households[i], installed);
        }
      g_string_append (body, "]}");
      answer = request_sync (bench, bench->admin, "POST", "/api/v1/mutations", bench->admin_token,
                             body->str, &status);
      if (status != 200)
        g_error ("Installing plugs answered %u", status);
    }
}

static void
add_planners (Bench *bench)
{
  bench->planners = g_new0 (Planner, bench->n_planners);
  for (guint i = 0; i < bench->n_planners; i++)
    {
      Planner *planner = &bench->planners[i];
      g_autofree char *dong = dong_code (i);
      g_autofree char *body = NULL;
      g_autoptr(JsonNode) answer = NULL;
      guint status = 0;

      planner->bench = bench;
      planner->index = i;
      planner->username = g_strdup_printf ("load.planner.%u", i);
      body = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\", \"role\": \"planner\", "
                              "\"dong_codes\": [\"%s\"]}", planner->username, PASSWORD, dong);
      for (guint attempt = 0; attempt < 100 && status != 201; attempt++)
        {
          g_clear_pointer (&answer, json_node_unref);
          answer = request_sync (bench, bench->admin, "POST", "/api/v1/admin/users", bench->admin_token,
                                 body, &status);
          if (status == 503)
            g_usleep (G_USEC_PER_SEC / 10);
        }
      if (status != 201)
        g_error ("Adding %s answered %u", planner->username, status);
      planner->session = session_from (1, i / 250, i % 250 + 1, 2);
      planner->token = sign_in (bench, planner->session, planner->username, &planner->user_id);
      planner->cursor = g_strdup ("");
      /* Planner i's households are those with index ≡ i (mod M). */
      planner->household = g_strdup (bench->households[i % bench->n_plugs]);
    }
}

/* Steady state, asynchronous */

typedef struct
{
  Bench   *bench;
  Kind     kind;
  gint64   started;
  gpointer owner;    /* Planner or Gateway */
} Call;

static void planner_pull (Planner *planner);
static void planner_push (Planner *planner);

static void
send_async (Bench               *bench,
            SoupSession         *session,
            const char          *method,
            const char          *path,
            const char          *token,
            char                *body,
            Kind                 kind,
            gpointer             owner,
            GAsyncReadyCallback  callback)
{
  g_autofree char *url = g_strconcat (bench->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  Call *call = g_new0 (Call, 1);

  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_take (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  call->bench = bench;
  call->kind = kind;
  call->owner = owner;
  call->started = g_get_monotonic_time ();
  bench->in_flight++;
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, callback, call);
}

/* The answer's JSON when it came with `expected`; records the latency. */
static JsonNode *
finish_call (Call         *call,
             GObject      *source,
             GAsyncResult *result,
             guint         expected)
{
  Bench *bench = call->bench;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  gboolean ok = bytes != NULL && msg != NULL && soup_message_get_status (msg) == expected;

  bench->in_flight--;
  record (bench, call->kind, call->started, ok);
  if (!ok)
    {
      if (bench->stats[call->kind].failures <= 3)
        g_printerr ("%s failed: %u\n", kind_names[call->kind], msg != NULL ? soup_message_get_status (msg) : 0);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL)
      || json_parser_get_root (parser) == NULL)
    return NULL;
  return json_node_ref (json_parser_get_root (parser));
}

static void
on_telemetry_answered (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Call *call = user_data;
  Gateway *gateway = call->owner;
  g_autoptr(JsonNode) answer = finish_call (call, source, result, 200);

  if (answer != NULL)
    call->bench->stats[KIND_TELEMETRY].items +=
      json_object_get_int_member_with_default (json_node_get_object (answer), "accepted", 0);
  gateway->busy = FALSE;
  g_free (call);
}

static void
gateway_send (Gateway *gateway)
{
  Bench *bench = gateway->bench;
  g_autofree char *ts = time_text (anbu_clock_now_seconds ());
  GString *body = g_string_sized_new (gateway->plugs * 80);
  gint64 round = g_get_monotonic_time () / (bench->period * G_USEC_PER_SEC);

  g_string_append (body, "{\"readings\": [");
  for (guint i = 0; i < gateway->plugs; i++)
    {
      guint plug = gateway->first_plug + i;
      /* Now and then an appliance switched: the detector's real work. */
      gboolean on = ((plug + round) % 7) == 0;

      g_string_append_printf (body, "%s{\"serial\": \"LOAD-%06u\", \"ts\": \"%s\", \"watts\": %s, \"lux\": %u}",
                              i > 0 ? "," : "", plug, ts, on ? "85.5" : "1.2", 40 + (plug % 5) * 30);
    }
  g_string_append (body, "]}");
  gateway->busy = TRUE;
  send_async (bench, gateway->session, "POST", "/api/v1/telemetry", bench->gateway_token,
              g_string_free (body, FALSE), KIND_TELEMETRY, gateway, on_telemetry_answered);
}

static void
on_pulled (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;
  Planner *planner = call->owner;
  g_autoptr(JsonNode) answer = finish_call (call, source, result, 200);
  JsonObject *object;

  g_free (call);
  if (answer == NULL)
    {
      planner->busy = FALSE;
      return;
    }
  object = json_node_get_object (answer);
  planner->bench->stats[KIND_SYNC].items += json_array_get_length (json_object_get_array_member (object, "changes"));
  g_free (planner->cursor);
  planner->cursor = g_strdup (json_object_get_string_member (object, "cursor"));
  if (json_object_get_boolean_member (object, "has_more"))
    planner_pull (planner);
  else if (planner->bench->running)
    planner_push (planner);
  else
    planner->busy = FALSE;
}

static void
planner_pull (Planner *planner)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/sync?since=%s&limit=5000", planner->cursor);

  planner->busy = TRUE;
  send_async (planner->bench, planner->session, "GET", path, planner->token, NULL, KIND_SYNC,
              planner, on_pulled);
}

static void
on_pushed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;
  Planner *planner = call->owner;
  g_autoptr(JsonNode) answer = finish_call (call, source, result, 200);

  if (answer != NULL)
    {
      JsonArray *results = json_object_get_array_member (json_node_get_object (answer), "results");
      JsonObject *first = json_array_get_object_element (results, 0);

      if (g_strcmp0 (json_object_get_string_member (first, "status"), "applied") == 0)
        planner->bench->stats[KIND_PUSH].items++;
      else if (planner->bench->stats[KIND_PUSH].failures++ < 3)
        g_printerr ("push not applied: %s\n", json_object_get_string_member_with_default (first, "message", "?"));
    }
  planner->busy = FALSE;
  g_free (call);
}

static void
planner_push (Planner *planner)
{
  g_autofree char *entry_id = g_uuid_string_random ();
  g_autofree char *visit_id = g_uuid_string_random ();
  g_autofree char *at = time_text (anbu_clock_now_seconds () - 60);
  char *body = g_strdup_printf ("{\"mutations\": [{\"id\": \"%s\", \"kind\": \"visit.create\", \"payload\": "
                                "{\"id\": \"%s\", \"household_id\": \"%s\", \"at\": \"%s\", \"by\": \"%s\", "
                                "\"purpose\": \"regular\", \"outcome\": \"건강하심\"}}]}",
                                entry_id, visit_id, planner->household, at, planner->user_id);

  send_async (planner->bench, planner->session, "POST", "/api/v1/mutations", planner->token, body,
              KIND_PUSH, planner, on_pushed);
}

static void
on_healthz (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(JsonNode) answer = finish_call (call, source, result, 200);

  call->bench->healthz_busy = FALSE;
  g_free (call);
}

static void
on_live_message (SoupWebsocketConnection *connection,
                 gint                     type,
                 GBytes                  *message,
                 gpointer                 user_data)
{
  LiveClient *client = user_data;

  client->bench->live_frames++;
}

static void
on_live_closed (SoupWebsocketConnection *connection,
                gpointer                 user_data)
{
  LiveClient *client = user_data;

  client->bench->live_open--;
  if (client->bench->running)
    client->bench->live_closed_early++;
}

static void
on_live_connected (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  LiveClient *client = user_data;
  Bench *bench = client->bench;
  g_autoptr(GError) error = NULL;

  bench->in_flight--;
  client->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  record (bench, KIND_LIVE_CONNECT, client->started, client->connection != NULL);
  if (client->connection == NULL)
    {
      if (bench->stats[KIND_LIVE_CONNECT].failures <= 3)
        g_printerr ("live-connect failed: %s\n", error->message);
      return;
    }
  bench->live_open++;
  /* The server pings; a client that never answers would be dropped. */
  soup_websocket_connection_set_keepalive_interval (client->connection, 30);
  g_signal_connect (client->connection, "message", G_CALLBACK (on_live_message), client);
  g_signal_connect (client->connection, "closed", G_CALLBACK (on_live_closed), client);
}

static void
connect_live (Bench *bench)
{
  bench->live = g_new0 (LiveClient, bench->n_ws);
  bench->ws_sessions = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < bench->n_ws; i++)
    {
      LiveClient *client = &bench->live[i];
      Planner *planner = &bench->planners[i % bench->n_planners];
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", bench->ws_url);
      g_autofree char *auth = g_strconcat ("Bearer ", planner->token, NULL);
      guint group = i / WS_PER_ADDRESS;

      if (i % WS_PER_ADDRESS == 0)
        g_ptr_array_add (bench->ws_sessions, session_from (2, group / 250, group % 250 + 1, WS_PER_ADDRESS));
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      client->bench = bench;
      client->started = g_get_monotonic_time ();
      bench->in_flight++;
      soup_session_websocket_connect_async (g_ptr_array_index (bench->ws_sessions, group), msg, NULL, NULL,
                                            G_PRIORITY_DEFAULT, NULL, on_live_connected, client);
    }
}

/* Ten times a second: start what is due. */
static gboolean
on_tick (gpointer user_data)
{
  Bench *bench = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 period = (gint64) bench->period * G_USEC_PER_SEC;

  if (now >= bench->run_ends)
    {
      bench->running = FALSE;
      return G_SOURCE_REMOVE;
    }
  for (guint i = 0; i < bench->n_gateways; i++)
    {
      Gateway *gateway = &bench->gateways[i];

      if (now < gateway->due)
        continue;
      gateway->due += period;
      /* A gateway whose last batch is not answered yet waits a round. */
      if (!gateway->busy)
        gateway_send (gateway);
    }
  for (guint i = 0; i < bench->n_planners; i++)
    {
      Planner *planner = &bench->planners[i];

      if (now < planner->due)
        continue;
      planner->due += period;
      if (!planner->busy)
        planner_pull (planner);
    }
  if (now >= bench->next_probe)
    {
      double rss;

      bench->next_probe += G_USEC_PER_SEC;
      server_memory (bench, &rss, NULL);
      bench->rss_min = MIN (bench->rss_min, rss);
      bench->rss_max = MAX (bench->rss_max, rss);
      /* Flat memory means the middle of the run looks like its end. */
      if (bench->rss_middle == 0 && now >= bench->run_started + (bench->run_ends - bench->run_started) / 2)
        bench->rss_middle = rss;
      if (!bench->healthz_busy)
        {
          bench->healthz_busy = TRUE;
          send_async (bench, bench->admin, "GET", "/healthz", NULL, NULL, KIND_HEALTHZ, NULL, on_healthz);
        }
    }
  return G_SOURCE_CONTINUE;
}

/* Attack mode: slow connections and 64 MiB bodies beside the load */

#define UPLOAD_MIB 64

typedef struct
{
  Bench             *bench;
  guint              index;
  GSocketConnection *connection;
  GCancellable      *cancellable;
  guint8             buffer[1024];
  GString           *answer;
  guint              steps_left;
} Attacker;

static GSocketClient *
client_from (guint b,
             guint c,
             guint d)
{
  g_autofree char *text = g_strdup_printf ("127.%u.%u.%u", b, c, d);
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (text);
  g_autoptr(GSocketAddress) local = g_inet_socket_address_new (inet, 0);
  GSocketClient *client = g_socket_client_new ();

  g_socket_client_set_local_address (client, local);
  g_socket_client_set_enable_proxy (client, FALSE);
  return client;
}

static guint
bench_port (Bench *bench)
{
  return (guint) g_ascii_strtoull (strrchr (bench->url, ':') + 1, NULL, 10);
}

static void slow_connect (Attacker *slow);

static void
on_slow_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Attacker *slow = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n > 0)
    {
      g_input_stream_read_async (G_INPUT_STREAM (source), slow->buffer, sizeof slow->buffer,
                                 G_PRIORITY_DEFAULT, slow->cancellable, on_slow_read, slow);
      return;
    }
  if (g_cancellable_is_cancelled (slow->cancellable))
    return;
  /* The server let go (its request timeout): come back. */
  slow->bench->slow_closed++;
  g_clear_object (&slow->connection);
  if (slow->bench->running)
    slow_connect (slow);
}

static void
on_slow_connected (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Attacker *slow = user_data;
  static const char partial[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";

  slow->connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, NULL);
  if (slow->connection == NULL)
    return;
  slow->bench->slow_connections++;
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (slow->connection)),
                             partial, strlen (partial), NULL, NULL, NULL);
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (slow->connection)),
                             slow->buffer, sizeof slow->buffer, G_PRIORITY_DEFAULT, slow->cancellable,
                             on_slow_read, slow);
}

static void
slow_connect (Attacker *slow)
{
  g_autoptr(GSocketClient) client = client_from (4, slow->index / WS_PER_ADDRESS, 1);

  g_socket_client_connect_to_host_async (client, "127.0.0.1", bench_port (slow->bench), slow->cancellable,
                                         on_slow_connected, slow);
}

static void upload_start (Attacker *upload);

static void
on_upload_written (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Attacker *upload = user_data;
  gsize written = 0;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, &written, NULL))
    return;
  upload->bench->uploaded += written;
  if (--upload->steps_left > 0)
    {
      gsize size;
      gconstpointer data = g_bytes_get_data (upload->bench->upload_piece, &size);

      g_output_stream_write_all_async (G_OUTPUT_STREAM (source), data, size, G_PRIORITY_DEFAULT,
                                       upload->cancellable, on_upload_written, upload);
    }
  else
    g_output_stream_write_all_async (G_OUTPUT_STREAM (source), "0\r\n\r\n", 5, G_PRIORITY_DEFAULT,
                                     upload->cancellable, NULL, NULL);
}

static void
on_upload_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Attacker *upload = user_data;
  Bench *bench = upload->bench;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n > 0)
    {
      g_string_append_len (upload->answer, (const char *) upload->buffer, n);
      if (strstr (upload->answer->str, "\r\n\r\n") == NULL)
        {
          g_input_stream_read_async (G_INPUT_STREAM (source), upload->buffer, sizeof upload->buffer,
                                     G_PRIORITY_DEFAULT, upload->cancellable, on_upload_read, upload);
          return;
        }
    }
  if (g_cancellable_is_cancelled (upload->cancellable))
    return;
  if (g_str_has_prefix (upload->answer->str, "HTTP/1.1 413"))
    bench->uploads_413++;
  else if (g_str_has_prefix (upload->answer->str, "HTTP/1.1 401"))
    bench->uploads_401++;
  else
    bench->uploads_other++;
  g_clear_object (&upload->connection);
  /* Again and again while the load runs. */
  if (bench->running)
    upload_start (upload);
}

static void
on_upload_connected (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Attacker *upload = user_data;
  /* Half of them to sign-in (413 past the limit), half without a token to
   * the mutations route (401 at the headers). */
  const char *path = upload->index % 2 ? "/api/v1/mutations" : "/api/v1/session";
  g_autofree char *head = g_strdup_printf ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                           "Content-Type: application/json\r\n"
                                           "Transfer-Encoding: chunked\r\n\r\n", path);
  gsize size;
  gconstpointer data = g_bytes_get_data (upload->bench->upload_piece, &size);
  GOutputStream *out;

  upload->connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, NULL);
  if (upload->connection == NULL)
    {
      upload->bench->uploads_other++;
      return;
    }
  out = g_io_stream_get_output_stream (G_IO_STREAM (upload->connection));
  g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL);
  upload->steps_left = UPLOAD_MIB;
  g_output_stream_write_all_async (out, data, size, G_PRIORITY_DEFAULT, upload->cancellable,
                                   on_upload_written, upload);
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (upload->connection)),
                             upload->buffer, sizeof upload->buffer, G_PRIORITY_DEFAULT, upload->cancellable,
                             on_upload_read, upload);
}

static void
upload_start (Attacker *upload)
{
  g_autoptr(GSocketClient) client = client_from (5, 0, upload->index + 1);

  g_string_truncate (upload->answer, 0);
  g_socket_client_connect_to_host_async (client, "127.0.0.1", bench_port (upload->bench), upload->cancellable,
                                         on_upload_connected, upload);
}

static Attacker *
attack (Bench *bench)
{
  guint n = bench->n_slow + bench->n_uploads;
  Attacker *attackers = g_new0 (Attacker, n);
  char *piece = g_malloc (1024 * 1024 + 10);

  memcpy (piece, "100000\r\n", 8);
  memset (piece + 8, ' ', 1024 * 1024);
  memcpy (piece + 8 + 1024 * 1024, "\r\n", 2);
  bench->upload_piece = g_bytes_new_take (piece, 1024 * 1024 + 10);
  for (guint i = 0; i < n; i++)
    {
      attackers[i].bench = bench;
      attackers[i].cancellable = g_cancellable_new ();
      attackers[i].answer = g_string_new (NULL);
      if (i < bench->n_slow)
        {
          attackers[i].index = i;
          slow_connect (&attackers[i]);
        }
      else
        {
          attackers[i].index = i - bench->n_slow;
          upload_start (&attackers[i]);
        }
    }
  return attackers;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *ms,
            double  p)
{
  if (ms->len == 0)
    return 0;
  return g_array_index (ms, double, MIN (ms->len - 1, (guint) (p * ms->len)));
}

static void
print_results (Bench  *bench,
               double  seconds)
{
  printf ("\n%-13s %9s %7s %9s %9s %9s %12s\n", "kind", "requests", "failed", "p50 ms", "p99 ms", "max ms",
          "items/s");
  for (guint k = 0; k < N_KINDS; k++)
    {
      Stats *stats = &bench->stats[k];

      g_array_sort (stats->ms, compare_doubles);
      printf ("%-13s %9u %7u %9.1f %9.1f %9.1f %12.1f\n", kind_names[k], stats->ms->len + stats->failures,
              stats->failures, percentile (stats->ms, 0.50), percentile (stats->ms, 0.99),
              stats->ms->len > 0 ? g_array_index (stats->ms, double, stats->ms->len - 1) : 0.0,
              stats->items / seconds);
    }
  printf ("\nitems: telemetry = readings accepted, sync = changes pulled, push = entries applied\n");
  printf ("live: %u of %u clients open at the end, %u closed during the run, %.1f frames/s\n",
          bench->live_open, bench->n_ws, bench->live_closed_early, bench->live_frames / seconds);
  printf ("readings offered: %.1f/s (%u plugs, one per %u s; the full size is 50,000 per 60 s = 833/s)\n",
          (double) bench->n_plugs / bench->period, bench->n_plugs, bench->period);
  if (bench->n_slow + bench->n_uploads > 0)
    printf ("attack: %u slow connections held (%u made, %u closed by the server); %u bodies of %u MiB "
            "refused 413, %u refused 401, %u other; %.0f MiB sent in refused bodies\n",
            bench->n_slow, bench->slow_connections, bench->slow_closed,
            bench->uploads_413, UPLOAD_MIB, bench->uploads_401, bench->uploads_other,
            bench->uploaded / (1024.0 * 1024.0));
  printf ("server RSS: %.1f MiB after set-up; %.1f–%.1f MiB during the run; %.1f MiB half-way; "
          "%.1f MiB at the end; peak %.1f MiB\n", bench->rss_setup, bench->rss_min, bench->rss_max,
          bench->rss_middle, bench->rss_last, bench->rss_peak);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new ("— load on one anbu-server over loopback");
  g_autofree char *admin_id = NULL;
  g_autofree char *server_path = NULL;
  gint duration = 30, period = 15, n_ws = 100, n_planners = 20, n_plugs = 2000, n_slow = 0, n_uploads = 0;
  Attacker *attackers = NULL;
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_FILENAME, &server_path, "anbu-server to run", "PATH" },
    { "duration", 0, 0, G_OPTION_ARG_INT, &duration, "Seconds of load (5–3600, default 30)", "SECONDS" },
    { "period", 0, 0, G_OPTION_ARG_INT, &period, "Seconds between a plug's readings and a planner's "
      "rounds (2–600, default 15)", "SECONDS" },
    { "ws", 0, 0, G_OPTION_ARG_INT, &n_ws, "Live WebSocket clients (default 100)", "N" },
    { "planners", 0, 0, G_OPTION_ARG_INT, &n_planners, "Planners syncing and pushing (default 20)", "M" },
    { "plugs", 0, 0, G_OPTION_ARG_INT, &n_plugs, "Plugs sending readings (default 2000)", "P" },
    { "slow", 0, 0, G_OPTION_ARG_INT, &n_slow, "Slow connections held meanwhile (default 0)", "N" },
    { "uploads", 0, 0, G_OPTION_ARG_INT, &n_uploads, "Clients sending 64 MiB bodies meanwhile, "
      "one after another (default 0)", "N" },
    { NULL }
  };
  Bench bench = { 0 };
  g_autofree char *out = NULL;
  guint status;
  gint64 t0, setup_ms;
  double seconds;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (duration < 5 || duration > 3600 || period < 2 || period > 600 || n_ws < 0 || n_ws > 20000
      || n_planners < 1 || n_planners > 5000 || n_plugs < n_planners || n_plugs > 500000
      || n_slow < 0 || n_slow > 10000 || n_uploads < 0 || n_uploads > 200)
    {
      g_printerr ("Out of range: --duration 5–3600, --period 2–600, --ws 0–20000, --planners 1–5000, "
                  "--plugs from the planners' number to 500000, --slow 0–10000, --uploads 0–200\n");
      return 2;
    }
  bench.server_path = server_path != NULL ? server_path : ANBU_SERVER_PATH;
  bench.duration = (guint) duration;
  bench.period = (guint) period;
  bench.n_ws = (guint) n_ws;
  bench.n_planners = (guint) n_planners;
  bench.n_plugs = (guint) n_plugs;
  bench.n_slow = (guint) n_slow;
  bench.n_uploads = (guint) n_uploads;
  for (guint k = 0; k < N_KINDS; k++)
    bench.stats[k].ms = g_array_new (FALSE, FALSE, sizeof (double));

  printf ("bench-load: %u live clients, %u planners, %u plugs, period %u s, %u s of load\n",
          bench.n_ws, bench.n_planners, bench.n_plugs, bench.period, bench.duration);
  t0 = g_get_monotonic_time ();
  bench.dir = g_dir_make_tmp ("anbu-bench-load-XXXXXX", &error);
  bench.db = g_build_filename (bench.dir, "anbu.db", NULL);
  run_cli (&bench, PASSWORD "\n", &admin_id, "user", "add", "--username", "load.admin", "--role", "admin", NULL);
  if (run_cli (&bench, NULL, &out, "gateway", "add", "--name", "load gateways", NULL) != 0)
    g_error ("Cannot add the gateway");
  bench.gateway_token = g_strstrip (g_steal_pointer (&out));
  seed_households (&bench);
  start_server (&bench);
  bench.admin = session_from (0, 0, 1, 4);
  bench.admin_token = sign_in (&bench, bench.admin, "load.admin", NULL);
  install_plugs (&bench);
  add_planners (&bench);

  /* Each planner's first pull (their whole caseload) is set-up. */
  for (guint i = 0; i < bench.n_planners; i++)
    {
      Planner *planner = &bench.planners[i];
      gboolean more = TRUE;

      while (more)
        {
          g_autofree char *path = g_strdup_printf ("/api/v1/sync?since=%s&limit=5000", planner->cursor);
          g_autoptr(JsonNode) answer = request_sync (&bench, planner->session, "GET", path, planner->token,
                                                     NULL, &status);
          JsonObject *object;

          if (status != 200)
            g_error ("First pull answered %u", status);
          object = json_node_get_object (answer);
          g_free (planner->cursor);
          planner->cursor = g_strdup (json_object_get_string_member (object, "cursor"));
          more = json_object_get_boolean_member (object, "has_more");
        }
    }

  bench.n_gateways = (bench.n_plugs + PLUGS_PER_GATEWAY - 1) / PLUGS_PER_GATEWAY;
  bench.gateways = g_new0 (Gateway, bench.n_gateways);
  for (guint i = 0; i < bench.n_gateways; i++)
    {
      Gateway *gateway = &bench.gateways[i];

      gateway->bench = &bench;
      gateway->index = i;
      gateway->first_plug = i * PLUGS_PER_GATEWAY;
      gateway->plugs = MIN (PLUGS_PER_GATEWAY, bench.n_plugs - gateway->first_plug);
      gateway->session = session_from (3, i / 250, i % 250 + 1, 2);
    }

  connect_live (&bench);
  while (bench.in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  setup_ms = (g_get_monotonic_time () - t0) / 1000;
  server_memory (&bench, &bench.rss_setup, NULL);
  printf ("set-up: %.1f s (households, plugs, planners signed in, first pulls, %u live clients)\n",
          setup_ms / 1000.0, bench.live_open);

  /* The load: every round spread evenly over the period. */
  bench.running = TRUE;
  bench.run_started = g_get_monotonic_time ();
  bench.run_ends = bench.run_started + (gint64) bench.duration * G_USEC_PER_SEC;
  bench.next_probe = bench.run_started;
  bench.rss_min = G_MAXDOUBLE;
  for (guint i = 0; i < bench.n_gateways; i++)
    bench.gateways[i].due = bench.run_started + (gint64) bench.period * G_USEC_PER_SEC * i / bench.n_gateways;
  for (guint i = 0; i < bench.n_planners; i++)
    bench.planners[i].due = bench.run_started + (gint64) bench.period * G_USEC_PER_SEC * i / bench.n_planners;
  if (bench.n_slow + bench.n_uploads > 0)
    attackers = attack (&bench);
  g_timeout_add (100, on_tick, &bench);
  while (bench.running)
    g_main_context_iteration (NULL, TRUE);
  seconds = (g_get_monotonic_time () - bench.run_started) / (double) G_USEC_PER_SEC;
  /* What is in flight is answered (and counted) before the figures. */
  {
    gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

    while (bench.in_flight > 0 && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  server_memory (&bench, &bench.rss_last, &bench.rss_peak);
  print_results (&bench, seconds);
  for (guint i = 0; attackers != NULL && i < bench.n_slow + bench.n_uploads; i++)
    {
      g_cancellable_cancel (attackers[i].cancellable);
      g_clear_object (&attackers[i].connection);
    }

  for (guint i = 0; i < bench.n_ws; i++)
    if (bench.live[i].connection != NULL)
      {
        g_signal_handlers_disconnect_by_data (bench.live[i].connection, &bench.live[i]);
        g_clear_object (&bench.live[i].connection);
      }
  g_subprocess_send_signal (bench.process, SIGTERM);
  g_subprocess_wait (bench.process, NULL, NULL);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", bench.dir);

    if (system (cmd) != 0)
      g_printerr ("Could not remove %s\n", bench.dir);
  }
  return 0;
}
