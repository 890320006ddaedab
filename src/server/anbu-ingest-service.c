/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-ingest"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "anbu-caseload-moves.h"
#include "anbu-admin-routes.h"
#include "anbu-clock.h"
#include "anbu-api-error.h"
#include "anbu-auth.h"
#include "anbu-ingest-service.h"
#include "anbu-json-body.h"
#include "anbu-live-relay.h"
#include "anbu-local-event-bus.h"
#include "anbu-look-apart.h"
#include "anbu-report-routes.h"
#include "anbu-server-time.h"
#include "anbu-sole-instance-leader.h"
#include "anbu-telemetry-store.h"

#define DEFAULT_TELEMETRY_MAX_BODY (16 * 1024 * 1024)
#define CHANGE_POLL_MS 1000
#define RETENTION_INTERVAL_SECONDS (60 * 60)

struct _AnbuIngestService
{
  GObject              parent_instance;

  AnbuStore           *store;
  AnbuHttpServer      *server;
  AnbuHolidayCalendar *calendar;
  AnbuTelemetry       *telemetry;     /* on a connection of its own, used by one thread at a time */
  AnbuTelemetryStore  *telemetry_data; /* on the store's connection: gateways, the change counter */
  AnbuReadingLog      *readings;      /* the retention's */
  AnbuAlertEngine     *engine;
  AnbuLiveHub         *hub;
  AnbuTimerPassLeader *leader;        /* whether this instance runs the timer pass */
  gboolean             asking_lead;   /* a pass asks the leader: it runs anyway */
  gboolean             led_last_pass; /* this instance ran the last pass */
  AnbuLiveRelay       *relay;         /* live events to the hub, through the live event bus */
  AnbuReportRoutes    *reports;       /* statistics and series */
  AnbuAdminRoutes     *admin;         /* users, gateways, caseload moves */
  AnbuIngestOptions    options;
  AnbuClock           *clock;
  gint64               last_retention;
  gint64               counter_seen;
  guint                moves_applied_seen;   /* caseload moves applied, as last counted */
  GPtrArray           *queue;         /* QueuedBatch *: telemetry waiting for the next commit */
  GMutex               telemetry_lock;   /* held while `telemetry` is used, on any thread */
  gboolean             flushing;      /* a commit of queued batches runs on a worker thread */
  guint                flush_id;
  guint                flush_deadline_id;   /* the flush at the latest, however busy the loop */
  guint                pass_id;
  guint                change_id;
  /* A look at every household made apart (anbu-look-apart.h) runs; the
   * timer pass waits for it, and so do the admin ticks that came
   * meanwhile (TickWait *). */
  gboolean             looking;
  GCancellable        *look_cancellable;
  GPtrArray           *waiting_ticks;
};

/* An admin tick answered once the look it waits for ends. */
typedef struct
{
  SoupServerMessage *msg;
  gint64             now;
} TickWait;

static void
tick_wait_free (TickWait *wait)
{
  g_clear_object (&wait->msg);
  g_free (wait);
}

G_DEFINE_FINAL_TYPE (AnbuIngestService, anbu_ingest_service, G_TYPE_OBJECT)

/* Answers */

/* Clock and passes */

gint64
anbu_ingest_service_now (AnbuIngestService *self)
{
  g_return_val_if_fail (ANBU_IS_INGEST_SERVICE (self), 0);

  return anbu_clock_get_now_seconds (self->clock);
}

static void
run_retention (AnbuIngestService *self,
               gint64             now)
{
  g_autoptr(GError) error = NULL;
  guint64 folded = 0;
  gint64 cutoff = now - (gint64) self->options.retention_days * 24 * 3600;

  self->last_retention = now;
  if (!anbu_reading_log_fold_before (self->readings, cutoff, &folded, &error))
    g_warning ("Cannot fold old readings: %s", error->message);
  else if (folded > 0)
    g_message ("Folded %" G_GUINT64_FORMAT " readings older than %u days into hourly aggregates",
               folded, self->options.retention_days);
}

/* Several instances on one database run the pass on one of them
 * (anbu-timer-pass-leader.h); one on SQLite always leads. */
static gboolean
leads_timer_pass (AnbuIngestService *self)
{
  g_autoptr(GError) error = NULL;
  gboolean leads;

  self->asking_lead = TRUE;
  leads = anbu_timer_pass_leader_try_lead (self->leader, &error);
  self->asking_lead = FALSE;
  if (leads)
    return TRUE;
  if (error != NULL)
    g_warning ("Cannot tell whether this instance runs the timer pass: %s", error->message);
  return FALSE;
}

static void on_look_done (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data);

/* The look at every household runs apart where it can; the pass follows
 * when it ends (on_look_done). */
static gboolean
look_apart (AnbuIngestService *self,
            gint64             now)
{
  GWeakRef *service;

  if (!anbu_look_apart_possible (self->store))
    return FALSE;
  if (self->looking)
    return TRUE;
  self->looking = TRUE;
  service = g_new0 (GWeakRef, 1);
  g_weak_ref_init (service, self);
  anbu_look_apart_start (self->engine, self->store, now, self->look_cancellable, on_look_done,
                         service);
  return TRUE;
}

/* MAY_DEFER: a look at every household the pass needs first may run
 * apart, and then the pass waits for it (TRUE in *DEFERRED); not for the
 * start-up pass, which runs before the server listens. */
static gboolean
run_pass (AnbuIngestService   *self,
          gint64               now,
          gboolean             may_defer,
          gboolean            *deferred,
          AnbuAlertPassStats  *stats,
          GError             **error)
{
  g_autoptr(GError) publish_error = NULL;
  g_autoptr(GError) alive_error = NULL;
  g_autoptr(GError) move_error = NULL;
  gint moved;

  if (deferred != NULL)
    *deferred = FALSE;

  self->led_last_pass = leads_timer_pass (self);
  if (!self->led_last_pass)
    {
      /* Another instance runs the passes and sees what this one misses. */
      anbu_alert_engine_forget_due (self->engine);
      return TRUE;
    }
  /* Waits for a commit of readings running on the worker, if any. */
  g_mutex_lock (&self->telemetry_lock);
  if (!anbu_telemetry_note_alive (self->telemetry, now, FALSE, &alive_error))
    g_warning ("Cannot note that the server runs: %s", alive_error->message);
  if (now - self->last_retention >= RETENTION_INTERVAL_SECONDS)
    run_retention (self, now);
  /* The plug records carry the live fields, at most every interval. */
  if (!anbu_telemetry_publish_live (self->telemetry, self->store, now,
                                    ANBU_TELEMETRY_DEFAULT_PUBLISH_INTERVAL, NULL, &publish_error))
    g_warning ("Cannot publish the plugs' live fields: %s", publish_error->message);
  g_mutex_unlock (&self->telemetry_lock);
  /* Caseload moves whose effective time has come (docs/server.md). */
  moved = anbu_caseload_moves_apply_due (self->store, now * G_USEC_PER_SEC, &move_error);
  if (moved < 0)
    g_warning ("Cannot apply the caseload moves: %s", move_error->message);
  else if (moved > 0)
    anbu_live_relay_publish_scopes (self->relay);
  if (may_defer && anbu_alert_engine_needs_look (self->engine) && look_apart (self, now))
    {
      if (deferred != NULL)
        *deferred = TRUE;
      return TRUE;
    }
  return anbu_alert_engine_run_pass (self->engine, now, stats, error);
}

static gboolean
on_pass_timeout (gpointer user_data)
{
  AnbuIngestService *self = user_data;
  g_autoptr(GError) error = NULL;
  AnbuAlertPassStats stats = { 0 };

  if (!run_pass (self, anbu_ingest_service_now (self), TRUE, NULL, &stats, &error))
    g_warning ("The signal pass failed: %s", error->message);
  return G_SOURCE_CONTINUE;
}

/* A standby that took over (the leader's own timer found the lock free)
 * runs the pass now, not at its next interval. */
static void
on_leading_changed (AnbuIngestService *self)
{
  if (!self->asking_lead && anbu_timer_pass_leader_get_leading (self->leader))
    on_pass_timeout (self);
}

/* A caseload move applied by `anbu-server caseload move` (another process)
 * changed planners' 동 codes: live clients follow it. */
static void
refresh_scopes_after_moves (AnbuIngestService *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) moves = anbu_store_list_caseload_moves (self->store, FALSE, &error);
  guint applied = 0;

  if (moves == NULL)
    {
      g_warning ("Cannot read the caseload moves: %s", error->message);
      return;
    }
  for (guint i = 0; i < moves->len; i++)
    if (((AnbuCaseloadMove *) g_ptr_array_index (moves, i))->applied_at != 0)
      applied++;
  if (applied != self->moves_applied_seen)
    {
      self->moves_applied_seen = applied;
      anbu_live_hub_refresh_scopes (self->hub);
    }
}

/* Records changed (a contact, an acknowledgement, an absence): look at
 * the households with unresolved alerts at once rather than at the next
 * pass, then tell live clients. */
static gboolean
on_change_timeout (gpointer user_data)
{
  AnbuIngestService *self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 counter = 0;

  if (!anbu_telemetry_store_read_change_counter (self->telemetry_data, &counter, &error))
    {
      g_warning ("%s", error->message);
      g_clear_error (&error);
    }
  if (counter != self->counter_seen)
    {
      self->counter_seen = counter;
      refresh_scopes_after_moves (self);
      if (!anbu_alert_engine_check_watched (self->engine, anbu_ingest_service_now (self), NULL,
                                            &error))
        g_warning ("Cannot check signals after a change: %s", error->message);
    }
  anbu_live_hub_notify_changes (self->hub);
  anbu_live_hub_flush_plugs (self->hub, g_get_monotonic_time ());
  return G_SOURCE_CONTINUE;
}

static void
on_alert_changed (AnbuAlertEngine   *engine,
                  const char        *household_id,
                  const char        *record,
                  AnbuIngestService *self)
{
  anbu_live_relay_publish_alert (self->relay, household_id, record);
}

/* Gateways */

/* The id of the gateway with this token, NULL when none. */
static char *
gateway_known (AnbuIngestService *self,
               const char        *token)
{
  g_autofree char *hash = NULL;
  g_autoptr(GError) error = NULL;
  char *id = NULL;

  if (token == NULL)
    return NULL;
  hash = anbu_token_hash (token);
  /* A gateway that cannot be looked up is refused, as an unknown one. */
  if (!anbu_telemetry_store_find_gateway (self->telemetry_data, hash, &id, &error))
    g_warning ("%s", error->message);
  return id;
}

/* At a telemetry request's headers: no body is read for an unknown
 * gateway. */
static gboolean
check_gateway_credential (SoupServerMessage  *msg,
                          gpointer            user_data,
                          GError            **error)
{
  g_autofree char *gateway_id = gateway_known (user_data, anbu_auth_bearer_token (msg));

  if (gateway_id != NULL)
    return TRUE;
  anbu_api_set_error (error, ANBU_API_ERROR_UNAUTHORIZED, NULL, _("Telemetry needs a gateway credential"));
  return FALSE;
}

char *
anbu_ingest_service_add_gateway (AnbuStore   *store,
                                 const char  *name,
                                 GError     **error)
{
  g_autofree char *token = anbu_token_new ();
  g_autofree char *hash = anbu_token_hash (token);
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr(AnbuTelemetryStore) data = anbu_telemetry_store_open (store, FALSE, error);

  if (data == NULL
      || !anbu_telemetry_store_add_gateway (data, id, name, hash, anbu_clock_now_seconds (), error))
    return NULL;
  return g_steal_pointer (&token);
}

/* Routes */

/* Batches that arrive together are stored together: each request is
 * parsed, paused and queued; once the main loop has nothing more urgent
 * (other requests being read), the queued batches go to a worker thread,
 * which stores them in one transaction on the telemetry's own connection
 * (SQLite in WAL, or PostgreSQL: readers and the main loop's connection
 * go on meanwhile). Only when it has committed are they answered, back on the
 * main loop, after detection for the households they changed and the
 * live plug status. One disk flush serves many gateways, and batches
 * that arrive during a commit wait for the next one. */
typedef struct
{
  SoupServerMessage  *msg;
  AnbuTelemetryBatch *batch;
} QueuedBatch;

static void
queued_batch_free (QueuedBatch *queued)
{
  g_clear_object (&queued->msg);
  g_clear_pointer (&queued->batch, anbu_telemetry_batch_unref);
  g_free (queued);
}

#define TELEMETRY_FLUSH_MAX_WAIT_MS 50

/* One commit of queued batches: filled on the main loop, stored on the
 * worker, answered on the main loop. */
typedef struct
{
  GPtrArray *queue;     /* QueuedBatch * */
  gint64     now;
  GPtrArray *reports;   /* AnbuTelemetryReport * (NULL: that batch failed); NULL: none stored */
  GError    *error;
} TelemetryCommit;

static void
telemetry_commit_free (TelemetryCommit *commit)
{
  g_clear_pointer (&commit->queue, g_ptr_array_unref);
  g_clear_pointer (&commit->reports, g_ptr_array_unref);
  g_clear_error (&commit->error);
  g_free (commit);
}

/* On the worker (or, at dispose, the main thread): store, commit. */
static void
store_telemetry (AnbuIngestService *self,
                 TelemetryCommit   *commit)
{
  g_autoptr(GPtrArray) batches = g_ptr_array_new ();

  for (guint i = 0; i < commit->queue->len; i++)
    g_ptr_array_add (batches, ((QueuedBatch *) commit->queue->pdata[i])->batch);
  g_mutex_lock (&self->telemetry_lock);
  commit->reports = anbu_telemetry_ingest_many (self->telemetry, batches, commit->now,
                                                &commit->error);
  g_mutex_unlock (&self->telemetry_lock);
}

static void
store_telemetry_in_thread (GTask        *task,
                           gpointer      source_object,
                           gpointer      task_data,
                           GCancellable *cancellable)
{
  store_telemetry (source_object, task_data);
  g_task_return_boolean (task, TRUE);
}

static gboolean flush_telemetry (gpointer user_data);

/* Back on the main loop, the batches committed (or not): detection for
 * the households they may have changed, live status, then the answers. */
static void
answer_telemetry (AnbuIngestService *self,
                  TelemetryCommit   *commit)
{
  g_autoptr(GPtrArray) to_check = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *reports = commit->reports;
  g_autoptr(GPtrArray) live = g_ptr_array_new ();

  for (guint i = 0; reports != NULL && i < reports->len; i++)
    {
      AnbuTelemetryReport *report = g_ptr_array_index (reports, i);

      for (guint p = 0; report != NULL && p < report->plugs->len; p++)
        {
          AnbuTelemetryPlugStatus *status = g_ptr_array_index (report->plugs, p);

          anbu_alert_engine_note_plug_status (self->engine, status);
          if (anbu_alert_engine_wants_check (self->engine, status)
              && g_hash_table_add (seen, status->household_id))
            g_ptr_array_add (to_check, status->household_id);
          g_ptr_array_add (live, status);
        }
    }
  if (self->relay != NULL && live->len > 0)
    anbu_live_relay_publish_plugs (self->relay, live);
  if (to_check->len > 0)
    {
      g_autoptr(GError) check_error = NULL;

      if (!anbu_alert_engine_check_households (self->engine, to_check, commit->now, NULL,
                                               &check_error))
        g_warning ("Cannot check signals after a batch: %s", check_error->message);
    }

  for (guint i = 0; i < commit->queue->len; i++)
    {
      QueuedBatch *queued = g_ptr_array_index (commit->queue, i);
      AnbuTelemetryReport *report = reports != NULL ? g_ptr_array_index (reports, i) : NULL;

      if (report != NULL)
        anbu_json_respond (queued->msg, 200, anbu_telemetry_report_to_json (report));
      else if (g_error_matches (commit->error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FULL))
        anbu_json_respond_error (queued->msg, commit->error);
      else
        anbu_json_respond_api_error (queued->msg, ANBU_API_ERROR_INTERNAL, NULL,
                                     _("The readings could not be stored; send them again"));
      soup_server_message_unpause (queued->msg);
    }
}

static void
on_telemetry_stored (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  AnbuIngestService *self = ANBU_INGEST_SERVICE (source);

  self->flushing = FALSE;
  answer_telemetry (self, g_task_get_task_data (G_TASK (result)));
  /* What arrived meanwhile goes into the next commit, at once. */
  if (self->queue->len > 0 && self->flush_id == 0)
    self->flush_id = g_idle_add_full (G_PRIORITY_DEFAULT, flush_telemetry, self, NULL);
}

static TelemetryCommit *
take_queue (AnbuIngestService *self)
{
  TelemetryCommit *commit = g_new0 (TelemetryCommit, 1);

  g_clear_handle_id (&self->flush_id, g_source_remove);
  g_clear_handle_id (&self->flush_deadline_id, g_source_remove);
  commit->queue = g_steal_pointer (&self->queue);
  commit->now = anbu_ingest_service_now (self);
  self->queue = g_ptr_array_new_with_free_func ((GDestroyNotify) queued_batch_free);
  return commit;
}

static gboolean
flush_telemetry (gpointer user_data)
{
  AnbuIngestService *self = user_data;
  g_autoptr(GTask) task = NULL;

  /* One commit at a time; the one running flushes again when it ends. */
  if (self->flushing || self->queue->len == 0)
    {
      g_clear_handle_id (&self->flush_id, g_source_remove);
      g_clear_handle_id (&self->flush_deadline_id, g_source_remove);
      return G_SOURCE_REMOVE;
    }
  self->flushing = TRUE;
  task = g_task_new (self, NULL, on_telemetry_stored, NULL);
  g_task_set_source_tag (task, flush_telemetry);
  g_task_set_task_data (task, take_queue (self), (GDestroyNotify) telemetry_commit_free);
  g_task_run_in_thread (task, store_telemetry_in_thread);
  return G_SOURCE_REMOVE;
}

static void
handle_telemetry (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  AnbuIngestService *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *gateway_id = NULL;
  QueuedBatch *queued;
  SoupMessageBody *body;
  AnbuTelemetryBatch *batch = NULL;

  gateway_id = gateway_known (self, anbu_auth_bearer_token (msg));
  if (gateway_id == NULL)
    {
      anbu_json_respond_api_error (msg, ANBU_API_ERROR_UNAUTHORIZED, NULL,
                                   _("Telemetry needs a gateway credential"));
      return;
    }
  /* The usual body is read straight from its bytes; any other goes
   * through the JSON tree, which also says what is wrong with it. */
  body = soup_server_message_get_request_body (msg);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
      gsize length;
      const char *data = g_bytes_get_data (bytes, &length);

      if (length <= self->options.max_body)
        batch = anbu_telemetry_parse_simple_body (data, length);
    }
  if (batch == NULL)
    {
      root = anbu_json_body_parse (body, self->options.max_body, &error);
      if (root == NULL)
        {
          anbu_json_respond_error (msg, error);
          return;
        }
      batch = anbu_telemetry_parse_batch (root, &error);
      if (batch == NULL)
        {
          anbu_json_respond_api_error (msg, ANBU_API_ERROR_INVALID_VALUE, "readings",
                                       error->message);
          return;
        }
    }

  /* Which gateway sent it: its silences are ingest gaps of its plugs. */
  batch->gateway_id = g_steal_pointer (&gateway_id);

  queued = g_new0 (QueuedBatch, 1);
  queued->msg = g_object_ref (msg);
  queued->batch = batch;
  g_ptr_array_add (self->queue, queued);
  soup_server_message_pause (msg);
  /* During a commit the queue waits for its end (on_telemetry_stored). */
  if (self->flush_id == 0 && !self->flushing)
    {
      self->flush_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, flush_telemetry, self, NULL);
      /* An idle source never runs while other work keeps the loop busy
       * (bodies streaming in without pause): then the batch is stored
       * after at most this long anyway. */
      self->flush_deadline_id = g_timeout_add (TELEMETRY_FLUSH_MAX_WAIT_MS, flush_telemetry, self);
    }
}

static AnbuStoreUser *
authenticate (AnbuIngestService  *self,
              SoupServerMessage  *msg,
              GError            **error)
{
  return anbu_http_server_authenticate (self->server, msg, error);
}

static void
on_live_connected (SoupServer              *server,
                   SoupServerMessage       *msg,
                   const char              *path,
                   SoupWebsocketConnection *connection,
                   gpointer                 user_data)
{
  AnbuIngestService *self = user_data;
  g_autoptr(AnbuStoreUser) user = NULL;
  g_autoptr(GError) error = NULL;

  /* The HTTP exchange is over once upgraded, but libsoup emits no
   * request-finished for it: say so, or the server would count the socket
   * as a request in flight and wait for it at shutdown. */
  g_signal_emit_by_name (server, "request-finished", msg);

  /* The handshake handler already checked the token; check again in case
   * the session ended in between. */
  user = authenticate (self, msg, &error);
  if (user == NULL)
    {
      soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
                                       "unauthorized");
      return;
    }
  anbu_live_hub_add (self->hub, connection, soup_server_message_get_socket (msg), user);
}

/* Runs before the WebSocket handshake: a refusal here is a plain HTTP
 * answer (401) and no upgrade happens. */
static void
handle_live (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  AnbuIngestService *self = user_data;
  g_autoptr(AnbuStoreUser) user = NULL;
  g_autoptr(GError) error = NULL;

  user = authenticate (self, msg, &error);
  if (user == NULL)
    anbu_json_respond_error (msg, error);
}

static void
respond_tick (AnbuIngestService        *self,
              SoupServerMessage        *msg,
              gint64                    now,
              const AnbuAlertPassStats *stats)
{
  g_autofree char *now_text = anbu_server_time_format (now);
  char *answer;

  anbu_live_relay_publish_change (self->relay);
  answer = g_strdup_printf ("{\"now\":\"%s\",\"led\":%s,\"households\":%u,\"judged\":%u,"
                            "\"raised\":%u,\"escalated\":%u,\"rerouted\":%u,\"closed\":%u}",
                            now_text, self->led_last_pass ? "true" : "false", stats->households,
                            stats->judged, stats->raised, stats->escalated, stats->rerouted,
                            stats->closed);
  anbu_json_respond (msg, 200, answer);
}

/* Back on the main loop: the engine takes what the look found (if this
 * instance still leads and still needs it), then the pass runs, for the
 * timer or for each tick that waited; a tick answers with what the look
 * counted too. */
static void
on_look_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GWeakRef *service = user_data;
  g_autoptr(AnbuIngestService) self = g_weak_ref_get (service);
  g_autoptr(AnbuAlertEngine) look = NULL;
  g_autoptr(GPtrArray) ticks = NULL;
  g_autoptr(GError) error = NULL;
  AnbuAlertPassStats looked = { 0 };

  g_weak_ref_clear (service);
  g_free (service);
  look = anbu_look_apart_finish (result, &looked, &error);
  if (self == NULL || self->engine == NULL)
    return;
  self->looking = FALSE;
  if (look == NULL)
    g_warning ("The look at every household failed: %s", error->message);
  else if (anbu_alert_engine_needs_look (self->engine) && leads_timer_pass (self))
    anbu_alert_engine_adopt_look (self->engine, look);

  ticks = g_steal_pointer (&self->waiting_ticks);
  self->waiting_ticks = g_ptr_array_new_with_free_func ((GDestroyNotify) tick_wait_free);
  /* After a failed look the timer tries again at its next interval. */
  if (ticks->len == 0)
    {
      if (look != NULL)
        on_pass_timeout (self);
      return;
    }
  /* Each tick's pass runs as the tick would have (a failed look is made
   * again, on the main loop). */
  for (guint i = 0; i < ticks->len; i++)
    {
      TickWait *wait = g_ptr_array_index (ticks, i);
      g_autoptr(GError) pass_error = NULL;
      AnbuAlertPassStats stats = { 0 };

      if (!run_pass (self, wait->now, FALSE, NULL, &stats, &pass_error))
        anbu_json_respond_error (wait->msg, pass_error);
      else
        {
          if (i == 0 && look != NULL)
            {
              stats.households += looked.households;
              stats.judged += looked.judged;
            }
          respond_tick (self, wait->msg, wait->now, &stats);
        }
      soup_server_message_unpause (wait->msg);
    }
}

static void
handle_admin_tick (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  AnbuIngestService *self = user_data;
  g_autoptr(AnbuStoreUser) admin = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  AnbuAlertPassStats stats = { 0 };
  gboolean deferred;
  const char *text;
  gint64 now;

  if ((admin = anbu_http_server_authenticate_admin (self->server, msg)) == NULL)
    return;
  if ((root = anbu_json_body_parse (soup_server_message_get_request_body (msg), 4096,
                                    &error)) == NULL
      || (text = anbu_json_body_require_string (root, "now", 64, &error)) == NULL)
    {
      anbu_json_respond_error (msg, error);
      return;
    }
  if (!anbu_server_time_parse_value ("now", text, &now, &error))
    {
      anbu_json_respond_error (msg, error);
      return;
    }
  anbu_clock_set_now_usec (self->clock, now * G_USEC_PER_SEC);
  if (!run_pass (self, now, TRUE, &deferred, &stats, &error))
    {
      anbu_json_respond_error (msg, error);
      return;
    }
  if (deferred)
    {
      TickWait *wait = g_new0 (TickWait, 1);

      wait->msg = g_object_ref (msg);
      wait->now = now;
      g_ptr_array_add (self->waiting_ticks, wait);
      soup_server_message_pause (msg);
      return;
    }
  respond_tick (self, msg, now, &stats);
}

static void
on_caseload_moved (AnbuIngestService *self)
{
  anbu_live_relay_publish_scopes (self->relay);
}

static const struct
{
  const char         *method;
  const char         *pattern;
  AnbuRouteAccess     access;
  SoupServerCallback  handler;
} routes[] = {
  /* Gateways' own credentials, checked by the guard below. */
  { "POST", "/api/v1/telemetry", ANBU_ROUTE_OPEN, handle_telemetry },
  { "GET", "/api/v1/live", ANBU_ROUTE_SESSION, handle_live },
};

/* GObject */

static void
anbu_ingest_service_dispose (GObject *object)
{
  AnbuIngestService *self = ANBU_INGEST_SERVICE (object);

  /* Anything still queued is answered before the service goes (a commit
   * on the worker holds a reference: none runs now). */
  if (self->queue != NULL && self->queue->len > 0 && !self->flushing && self->telemetry != NULL)
    {
      TelemetryCommit *commit = take_queue (self);

      store_telemetry (self, commit);
      answer_telemetry (self, commit);
      telemetry_commit_free (commit);
    }
  g_clear_handle_id (&self->flush_id, g_source_remove);
  g_clear_handle_id (&self->flush_deadline_id, g_source_remove);
  g_clear_handle_id (&self->pass_id, g_source_remove);
  g_clear_handle_id (&self->change_id, g_source_remove);
  /* A look running apart is left to end on its own: nothing waits for it. */
  if (self->look_cancellable != NULL)
    g_cancellable_cancel (self->look_cancellable);
  g_clear_object (&self->look_cancellable);
  if (self->waiting_ticks != NULL)
    for (guint i = 0; i < self->waiting_ticks->len; i++)
      {
        TickWait *wait = g_ptr_array_index (self->waiting_ticks, i);

        anbu_json_respond_api_error (wait->msg, ANBU_API_ERROR_INTERNAL, NULL,
                                     _("The server stopped before the timer pass ran"));
        soup_server_message_unpause (wait->msg);
      }
  g_clear_pointer (&self->waiting_ticks, g_ptr_array_unref);
  if (self->server != NULL)
    {
      anbu_http_server_remove_routes (self->server, self);
      if (anbu_http_server_get_soup_server (self->server) != NULL)
        soup_server_remove_handler (anbu_http_server_get_soup_server (self->server),
                                    "/api/v1/live");
    }
  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_object (&self->relay);
  g_clear_object (&self->hub);
  if (self->leader != NULL)
    g_signal_handlers_disconnect_by_data (self->leader, self);
  g_clear_object (&self->leader);
  g_clear_object (&self->engine);
  g_clear_object (&self->telemetry);
  g_clear_object (&self->telemetry_data);
  g_clear_object (&self->calendar);
  g_clear_object (&self->server);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (anbu_ingest_service_parent_class)->dispose (object);
}

static void
anbu_ingest_service_finalize (GObject *object)
{
  AnbuIngestService *self = ANBU_INGEST_SERVICE (object);

  g_clear_object (&self->readings);
  g_clear_object (&self->clock);
  g_clear_object (&self->reports);
  if (self->admin != NULL)
    g_signal_handlers_disconnect_by_data (self->admin, self);
  g_clear_object (&self->admin);
  g_clear_pointer (&self->queue, g_ptr_array_unref);
  g_mutex_clear (&self->telemetry_lock);

  G_OBJECT_CLASS (anbu_ingest_service_parent_class)->finalize (object);
}

static void
anbu_ingest_service_class_init (AnbuIngestServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = anbu_ingest_service_dispose;
  object_class->finalize = anbu_ingest_service_finalize;
}

static void
anbu_ingest_service_init (AnbuIngestService *self)
{
  self->queue = g_ptr_array_new_with_free_func ((GDestroyNotify) queued_batch_free);
  g_mutex_init (&self->telemetry_lock);
  self->look_cancellable = g_cancellable_new ();
  self->waiting_ticks = g_ptr_array_new_with_free_func ((GDestroyNotify) tick_wait_free);
}

/* Public API */

AnbuIngestService *
anbu_ingest_service_new (AnbuStore               *store,
                         const AnbuIngestOptions *options,
                         GError                 **error)
{
  g_autoptr(AnbuIngestService) self = g_object_new (ANBU_TYPE_INGEST_SERVICE, NULL);
  AnbuAlertPassStats stats = { 0 };

  g_return_val_if_fail (ANBU_IS_STORE (store), NULL);

  if (options != NULL)
    self->options = *options;
  if (self->options.offline_after <= 0)
    self->options.offline_after = ANBU_ALERT_ENGINE_DEFAULT_OFFLINE_AFTER;
  if (self->options.retention_days == 0)
    self->options.retention_days = ANBU_DEFAULT_RETENTION_DAYS;
  if (self->options.pass_interval == 0)
    self->options.pass_interval = ANBU_DEFAULT_PASS_INTERVAL;
  if (self->options.max_body == 0)
    self->options.max_body = DEFAULT_TELEMETRY_MAX_BODY;
  if (self->options.plug_interval == 0)
    self->options.plug_interval = ANBU_LIVE_HUB_DEFAULT_PLUG_INTERVAL;
  self->clock = g_object_ref (anbu_clock_get_default ());
  self->leader = self->options.leader != NULL ? g_object_ref (self->options.leader)
                                              : anbu_sole_instance_leader_new ();
  self->options.leader = NULL;

  self->store = g_object_ref (store);
  self->calendar = anbu_holiday_calendar_new ();
  /* Telemetry stores its batches on a worker thread, on a connection of
   * its own, while the store's connection serves requests. */
  self->telemetry = anbu_telemetry_new (store, TRUE, self->options.offline_after, error);
  if (self->telemetry == NULL)
    return NULL;
  self->telemetry_data = anbu_telemetry_store_open (store, FALSE, error);
  if (self->telemetry_data == NULL)
    return NULL;
  self->readings = anbu_telemetry_store_open_reading_log (self->telemetry_data, error);
  if (self->readings == NULL)
    return NULL;
  /* Raw readings are folded an hour after they pass the retention age;
   * older ones are refused so a resend cannot count twice. */
  anbu_telemetry_set_max_age (self->telemetry,
                              (gint64) self->options.retention_days * 24 * 3600 - 3600);
  self->engine = anbu_alert_engine_new (store, self->readings, self->calendar, self->options.offline_after);
  self->hub = anbu_live_hub_new (store, self->options.plug_interval);
  if (self->hub != NULL)
    {
      g_autoptr(AnbuLiveEventBus) bus = self->options.live_bus != NULL
                                        ? g_object_ref (self->options.live_bus)
                                        : anbu_local_event_bus_new ();

      anbu_live_hub_set_queue_limit (self->hub, self->options.queue_limit);
      self->relay = anbu_live_relay_new (bus, self->hub, store);
    }
  self->options.live_bus = NULL;
  self->admin = anbu_admin_routes_new (store);
  g_signal_connect_swapped (self->admin, "caseload-moved", G_CALLBACK (on_caseload_moved), self);
  self->reports = anbu_report_routes_new (store, self->options.query_deadline);
  if (self->engine == NULL || self->hub == NULL)
    {
      g_set_error_literal (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                           "Cannot prepare detection and the live hub");
      return NULL;
    }
  g_signal_connect (self->engine, "alert-changed", G_CALLBACK (on_alert_changed), self);
  /* On a manual clock (tests) a tick learns every due profile at once. */
  if (anbu_clock_is_manual (self->clock))
    anbu_alert_engine_set_learn_budget (self->engine, 0);

  /* The time since the server last ran was nobody's to observe; then
   * catch up on what crossed a threshold while it was stopped. */
  g_mutex_lock (&self->telemetry_lock);
  if (!anbu_telemetry_note_alive (self->telemetry, anbu_ingest_service_now (self), TRUE, error))
    {
      g_mutex_unlock (&self->telemetry_lock);
      return NULL;
    }
  g_mutex_unlock (&self->telemetry_lock);
  if (!run_pass (self, anbu_ingest_service_now (self), FALSE, NULL, &stats, error))
    return NULL;
  if (stats.raised > 0 || stats.closed > 0)
    g_message ("Start-up pass: %u signals raised, %u closed", stats.raised, stats.closed);
  return g_steal_pointer (&self);
}

void
anbu_ingest_service_attach (AnbuIngestService *self,
                            AnbuHttpServer    *server)
{
  g_return_if_fail (ANBU_IS_INGEST_SERVICE (self));
  g_return_if_fail (ANBU_IS_HTTP_SERVER (server));
  g_return_if_fail (self->server == NULL);

  self->server = g_object_ref (server);
  anbu_live_hub_set_metrics (self->hub, anbu_http_server_get_metrics (server));
  /* Gateways are checked, and their larger bodies bounded, at the headers. */
  anbu_http_server_guard_route (server, "/api/v1/telemetry", self->options.max_body,
                                check_gateway_credential, self);
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    anbu_http_server_add_route (server, routes[i].method, routes[i].pattern, routes[i].access,
                                routes[i].handler, self);
  anbu_report_routes_attach (self->reports, server);
  anbu_admin_routes_attach (self->admin, server);
  /* With a manual clock (tests, demos) an administrator moves time. */
  if (anbu_clock_is_manual (self->clock))
    anbu_http_server_add_route (server, "POST", "/api/v1/admin/tick", ANBU_ROUTE_SESSION,
                                handle_admin_tick, self);
  /* The route above refuses a bad token before the handshake. */
  soup_server_add_websocket_handler (anbu_http_server_get_soup_server (server), "/api/v1/live",
                                     NULL, NULL, on_live_connected, self, NULL);

  /* With a manual clock time moves only by /api/v1/admin/tick. */
  if (!anbu_clock_is_manual (self->clock))
    {
      self->pass_id = g_timeout_add_seconds (self->options.pass_interval, on_pass_timeout, self);
      g_signal_connect_swapped (self->leader, "notify::leading", G_CALLBACK (on_leading_changed),
                                self);
    }
  self->change_id = g_timeout_add (CHANGE_POLL_MS, on_change_timeout, self);
}

void
anbu_ingest_service_set_query_deadline (AnbuIngestService *self,
                                        guint              seconds)
{
  g_return_if_fail (ANBU_IS_INGEST_SERVICE (self));

  self->options.query_deadline = seconds;
  anbu_report_routes_set_deadline (self->reports, seconds);
}

AnbuTelemetry *
anbu_ingest_service_get_telemetry (AnbuIngestService *self)
{
  g_return_val_if_fail (ANBU_IS_INGEST_SERVICE (self), NULL);
  return self->telemetry;
}

AnbuAlertEngine *
anbu_ingest_service_get_engine (AnbuIngestService *self)
{
  g_return_val_if_fail (ANBU_IS_INGEST_SERVICE (self), NULL);
  return self->engine;
}
