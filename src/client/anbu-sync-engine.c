/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "anbu-sync-engine.h"

/* Sync (DESIGN.md §5): push the outbox in order, in batches, then pull
 * pages from the cursor until the server has nothing more. One run at a
 * time: a request during a run makes one more run afterwards. While the
 * server cannot be reached, runs are retried with exponential backoff. */

#define DEFAULT_PAGE_SIZE 2000
#define DEFAULT_BATCH_SIZE 200
#define DEFAULT_RETRY_INITIAL_MS 1000
#define DEFAULT_RETRY_MAX_MS (5 * 60 * 1000)
#define LOCAL_CHANGE_DELAY_MS 100

struct _AnbuSyncEngine
{
  GObject         parent_instance;

  AnbuApiClient  *api;
  AnbuReplica    *replica;
  GCancellable   *cancellable;

  AnbuSyncState   state;
  gboolean        running;
  gboolean        needs_sign_in;
  GError         *last_error;

  guint           page_size;
  guint           batch_size;
  guint           push_limit;     /* smaller batches after a refused request, this run */
  guint           retry_initial_ms;
  guint           retry_max_ms;
  guint           retry_attempt;
  guint           retry_source;
  guint           soon_source;
  guint           last_pending;

  gint64          step_started;
  gboolean        pull_fetching;
  gboolean        pull_done;
  guint           pull_applying;
  GError         *pull_error;
  gboolean        in_progress;
  gboolean        again;
  GPtrArray      *waiters;       /* GTasks finished by the current run */
  GPtrArray      *next_waiters;  /* GTasks finished by the next run */
  GStrv           push_ids;
};

G_DEFINE_TYPE (AnbuSyncEngine, anbu_sync_engine, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_API_CLIENT,
  PROP_REPLICA,
  PROP_STATE,
  PROP_LAST_SYNC,
  PROP_PENDING_COUNT,
  PROP_CONFLICT_COUNT,
  PROP_REJECTION_COUNT,
  PROP_NEEDS_SIGN_IN,
  PROP_RUNNING,
  N_PROPS
};

enum {
  SYNC_FINISHED,
  CONFLICTS_CHANGED,
  REJECTIONS_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const GEnumValue state_values[] = {
  { ANBU_SYNC_STATE_OFFLINE, "ANBU_SYNC_STATE_OFFLINE", "offline" },
  { ANBU_SYNC_STATE_ONLINE, "ANBU_SYNC_STATE_ONLINE", "online" },
  { ANBU_SYNC_STATE_SYNCING, "ANBU_SYNC_STATE_SYNCING", "syncing" },
  { 0, NULL, NULL }
};

GType
anbu_sync_state_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static ("AnbuSyncState", state_values));
  return type_id;
}

static void run_sync (AnbuSyncEngine *self);

static void
set_state (AnbuSyncEngine *self,
           AnbuSyncState   state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_needs_sign_in (AnbuSyncEngine *self,
                   gboolean        needs_sign_in)
{
  if (self->needs_sign_in == needs_sign_in)
    return;
  self->needs_sign_in = needs_sign_in;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEEDS_SIGN_IN]);
}

static gboolean
on_retry_timeout (gpointer data)
{
  AnbuSyncEngine *self = data;

  self->retry_source = 0;
  run_sync (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (AnbuSyncEngine *self)
{
  guint64 delay = self->retry_initial_ms;

  for (guint i = 0; i < self->retry_attempt && delay < self->retry_max_ms; i++)
    delay *= 2;
  delay = MIN (delay, self->retry_max_ms);
  /* Spread the retries of many laptops coming back at once. */
  delay = delay - (guint64) g_random_int_range (0, (gint32) (delay / 5 + 1));
  /* A throttling server says when to come back: not before. */
  if (g_error_matches (self->last_error, ANBU_API_ERROR, ANBU_API_ERROR_THROTTLED)
      || g_error_matches (self->last_error, ANBU_API_ERROR, ANBU_API_ERROR_UNAVAILABLE))
    delay = MAX (delay, (guint64) anbu_api_error_get_retry_after (self->last_error) * 1000);
  self->retry_attempt++;

  g_clear_handle_id (&self->retry_source, g_source_remove);
  self->retry_source = g_timeout_add ((guint) delay, on_retry_timeout, self);
  g_debug ("Next sync attempt in %" G_GUINT64_FORMAT " ms", delay);
}

static void
return_waiters (GPtrArray    *waiters,
                const GError *error)
{
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
  g_ptr_array_set_size (waiters, 0);
}

static void
finish_run (AnbuSyncEngine *self,
            GError         *error)
{
  g_autoptr(GError) owned = error;
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->waiters);

  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->in_progress = FALSE;
  g_clear_pointer (&self->push_ids, g_strfreev);

  if (g_error_matches (owned, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      return_waiters (waiters, owned);
      return_waiters (self->next_waiters, owned);
      return;
    }

  g_clear_error (&self->last_error);
  if (owned == NULL)
    {
      self->retry_attempt = 0;
      set_needs_sign_in (self, FALSE);
      set_state (self, ANBU_SYNC_STATE_ONLINE);
    }
  else
    {
      self->last_error = g_error_copy (owned);
      g_debug ("Sync failed: %s", owned->message);
      if (g_error_matches (owned, ANBU_API_ERROR, ANBU_API_ERROR_UNAUTHORIZED))
        {
          /* Only a new sign-in helps: no retries until then. */
          set_needs_sign_in (self, TRUE);
          set_state (self, ANBU_SYNC_STATE_OFFLINE);
        }
      else
        {
          set_state (self, anbu_api_client_error_is_transient (owned)
                             && !g_error_matches (owned, ANBU_NETWORK_ERROR,
                                                  ANBU_NETWORK_ERROR_BAD_RESPONSE)
                             ? ANBU_SYNC_STATE_OFFLINE : ANBU_SYNC_STATE_ONLINE);
          if (self->running)
            schedule_retry (self);
        }
    }

  return_waiters (waiters, owned);
  g_signal_emit (self, signals[SYNC_FINISHED], 0, owned);

  if (self->again || self->next_waiters->len > 0)
    {
      self->again = FALSE;
      if (owned == NULL || self->next_waiters->len > 0)
        {
          g_clear_handle_id (&self->retry_source, g_source_remove);
          run_sync (self);
        }
    }
}

static void pull_step (AnbuSyncEngine *self,
                       const char     *cursor);
static void start_pull (AnbuSyncEngine *self);
static void push_step (AnbuSyncEngine *self);

/* Pulling is pipelined: as soon as the worker has parsed page N it says
 * where page N+1 starts, and that page is fetched while page N is written.
 * Each page is applied only on top of the one before it (the replica checks
 * the cursor), so a failure cannot skip a page. */

typedef struct
{
  AnbuSyncEngine *self;
  char           *since;
} PullPage;

static void
pull_page_free (PullPage *page)
{
  g_object_unref (page->self);
  g_free (page->since);
  g_free (page);
}

static void
maybe_finish_pull (AnbuSyncEngine *self)
{
  if (self->pull_fetching || self->pull_applying > 0)
    return;
  if (self->pull_error != NULL)
    finish_run (self, g_steal_pointer (&self->pull_error));
  else if (self->pull_done)
    finish_run (self, NULL);
}

static void
fail_pull (AnbuSyncEngine *self,
           GError         *error)
{
  if (self->pull_error == NULL)
    self->pull_error = error;
  else
    g_error_free (error);
}

static void
on_pull_applied (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  PullPage *page = user_data;
  AnbuSyncEngine *self = page->self;
  GError *error = NULL;
  gboolean has_more = FALSE;

  self->pull_applying--;
  if (!anbu_replica_apply_pull_finish (ANBU_REPLICA (source), result, &has_more, NULL, &error))
    fail_pull (self, error);
  else if (!has_more)
    self->pull_done = TRUE;
  g_object_ref (self);
  pull_page_free (page);
  maybe_finish_pull (self);
  g_object_unref (self);
}

static void
on_page_parsed (const char *cursor,
                gboolean    has_more,
                gpointer    user_data)
{
  PullPage *page = user_data;
  AnbuSyncEngine *self = page->self;

  if (has_more && self->pull_error == NULL && !self->pull_fetching)
    pull_step (self, cursor);
}

static void
on_pulled (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  PullPage *page = user_data;
  AnbuSyncEngine *self = g_object_ref (page->self);
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;

  self->pull_fetching = FALSE;
  body = anbu_api_client_pull_finish (ANBU_API_CLIENT (source), result, &error);
  if (body == NULL)
    {
      fail_pull (self, error);
      pull_page_free (page);
      maybe_finish_pull (self);
      g_object_unref (self);
      return;
    }
  g_debug ("Pull page of %" G_GSIZE_FORMAT " bytes received in %.3f s", g_bytes_get_size (body),
           (g_get_monotonic_time () - self->step_started) / 1e6);
  self->pull_applying++;
  anbu_replica_apply_pull_page_async (self->replica, page->since, body, on_page_parsed, page,
                                      self->cancellable, on_pull_applied, page);
  g_object_unref (self);
}

static void
pull_step (AnbuSyncEngine *self,
           const char     *cursor)
{
  PullPage *page = g_new0 (PullPage, 1);

  page->self = g_object_ref (self);
  page->since = g_strdup (cursor);
  self->pull_fetching = TRUE;
  self->step_started = g_get_monotonic_time ();
  anbu_api_client_pull_async (self->api, cursor, self->page_size, self->cancellable, on_pulled,
                              page);
}

static void
start_pull (AnbuSyncEngine *self)
{
  g_autofree char *cursor = anbu_replica_dup_cursor (self->replica);

  self->pull_done = FALSE;
  self->pull_applying = 0;
  g_clear_error (&self->pull_error);
  pull_step (self, cursor);
}

static void
on_push_applied (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(AnbuSyncEngine) self = user_data;
  AnbuPushSummary summary = { 0, };
  GError *error = NULL;
  guint sent = self->push_ids ? g_strv_length (self->push_ids) : 0;
  guint limit_used;

  if (!anbu_replica_apply_push_finish (ANBU_REPLICA (source), result, &summary, &error))
    {
      finish_run (self, error);
      return;
    }
  if (summary.conflict > 0)
    g_signal_emit (self, signals[CONFLICTS_CHANGED], 0);
  if (summary.rejected > 0)
    g_signal_emit (self, signals[REJECTIONS_CHANGED], 0);

  /* A full batch may have more behind it; unanswered entries wait for the
   * next run rather than being resent in a loop. */
  limit_used = self->push_limit > 0 ? self->push_limit : self->batch_size;
  /* After a refused request the batches grow back to their size. */
  if (self->push_limit > 0)
    self->push_limit = MIN (self->push_limit * 2, self->batch_size);
  if (sent == limit_used && summary.unanswered == 0)
    push_step (self);
  else
    start_pull (self);
}

/* The server refused the request as a whole (not an entry in it). */
static gboolean
request_refused (const GError *error)
{
  if (error == NULL || error->domain != ANBU_API_ERROR)
    return FALSE;
  switch (error->code)
    {
    case ANBU_API_ERROR_BAD_REQUEST:
    case ANBU_API_ERROR_INVALID_JSON:
    case ANBU_API_ERROR_MISSING_FIELD:
    case ANBU_API_ERROR_WRONG_TYPE:
    case ANBU_API_ERROR_INVALID_VALUE:
    case ANBU_API_ERROR_TOO_LONG:
    case ANBU_API_ERROR_TOO_LARGE:
      return TRUE;
    default:
      return FALSE;
    }
}

/* A refusal of a one-entry request, written as that entry's result. */
static GBytes *
refusal_as_result (const char   *mutation_id,
                   const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  char *text;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "results");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, mutation_id);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "rejected");
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, anbu_api_error_get_code_string (error)
                                            ? anbu_api_error_get_code_string (error)
                                            : "bad_request");
  if (anbu_api_error_get_field (error) != NULL)
    {
      json_builder_set_member_name (builder, "field");
      json_builder_add_string_value (builder, anbu_api_error_get_field (error));
    }
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, error->message);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  return g_bytes_new_take (text, strlen (text));
}

static void
on_pushed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(AnbuSyncEngine) self = user_data;
  g_autoptr(GBytes) response = NULL;
  GError *error = NULL;

  response = anbu_api_client_push_finish (ANBU_API_CLIENT (source), result, &error);
  if (response == NULL && request_refused (error))
    {
      guint sent = g_strv_length (self->push_ids);

      /* One entry the server cannot even read must not hold back the
       * rest: halve the batch until it is alone, then keep it as refused. */
      if (sent > 1)
        {
          g_debug ("Push of %u refused (%s): trying %u", sent, error->message, sent / 2);
          self->push_limit = sent / 2;
          g_error_free (error);
          push_step (self);
          return;
        }
      response = refusal_as_result (self->push_ids[0], error);
      g_error_free (error);
      error = NULL;
    }
  if (response == NULL)
    {
      finish_run (self, error);
      return;
    }
  anbu_replica_apply_push_async (self->replica, (const char *const *) self->push_ids, response,
                                 self->cancellable, on_push_applied, g_object_ref (self));
}

static void
on_push_prepared (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(AnbuSyncEngine) self = user_data;
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;

  g_clear_pointer (&self->push_ids, g_strfreev);
  body = anbu_replica_prepare_push_finish (ANBU_REPLICA (source), result, &self->push_ids, &error);
  if (body == NULL)
    {
      finish_run (self, error);
      return;
    }
  if (self->push_ids == NULL || self->push_ids[0] == NULL)
    {
      start_pull (self);
      return;
    }
  anbu_api_client_push_async (self->api, body, self->cancellable, on_pushed, g_object_ref (self));
}

static void
push_step (AnbuSyncEngine *self)
{
  anbu_replica_prepare_push_async (self->replica,
                                   self->push_limit > 0 ? self->push_limit : self->batch_size,
                                   self->cancellable, on_push_prepared, g_object_ref (self));
}

static void
run_sync (AnbuSyncEngine *self)
{
  GPtrArray *swap;

  if (self->in_progress)
    {
      self->again = TRUE;
      return;
    }
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->soon_source, g_source_remove);

  self->in_progress = TRUE;
  self->push_limit = 0;
  swap = self->waiters;
  self->waiters = self->next_waiters;
  self->next_waiters = swap;
  set_state (self, ANBU_SYNC_STATE_SYNCING);
  push_step (self);
}

static gboolean
on_soon (gpointer data)
{
  AnbuSyncEngine *self = data;

  self->soon_source = 0;
  run_sync (self);
  return G_SOURCE_REMOVE;
}

static void
on_replica_pending_count (AnbuSyncEngine *self)
{
  guint pending = anbu_replica_get_pending_count (self->replica);
  gboolean new_local_change = pending > self->last_pending;

  self->last_pending = pending;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING_COUNT]);

  if (!new_local_change || !self->running || self->needs_sign_in)
    return;
  if (self->in_progress)
    self->again = TRUE;
  else if (self->retry_source == 0 && self->soon_source == 0)
    self->soon_source = g_timeout_add (LOCAL_CHANGE_DELAY_MS, on_soon, self);
}

static void
on_replica_conflict_count (AnbuSyncEngine *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFLICT_COUNT]);
  g_signal_emit (self, signals[CONFLICTS_CHANGED], 0);
}

static void
on_replica_rejection_count (AnbuSyncEngine *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REJECTION_COUNT]);
  g_signal_emit (self, signals[REJECTIONS_CHANGED], 0);
}

static void
on_replica_last_sync (AnbuSyncEngine *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
}

static void
anbu_sync_engine_dispose (GObject *object)
{
  AnbuSyncEngine *self = ANBU_SYNC_ENGINE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->soon_source, g_source_remove);
  if (self->replica != NULL)
    g_signal_handlers_disconnect_by_data (self->replica, self);

  G_OBJECT_CLASS (anbu_sync_engine_parent_class)->dispose (object);
}

static void
anbu_sync_engine_finalize (GObject *object)
{
  AnbuSyncEngine *self = ANBU_SYNC_ENGINE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->api);
  g_clear_object (&self->replica);
  g_clear_error (&self->last_error);
  g_clear_error (&self->pull_error);
  g_clear_pointer (&self->waiters, g_ptr_array_unref);
  g_clear_pointer (&self->next_waiters, g_ptr_array_unref);
  g_clear_pointer (&self->push_ids, g_strfreev);

  G_OBJECT_CLASS (anbu_sync_engine_parent_class)->finalize (object);
}

static void
anbu_sync_engine_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AnbuSyncEngine *self = ANBU_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_API_CLIENT:
      g_value_set_object (value, self->api);
      break;
    case PROP_REPLICA:
      g_value_set_object (value, self->replica);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_LAST_SYNC:
      g_value_take_boxed (value, anbu_sync_engine_dup_last_sync (self));
      break;
    case PROP_PENDING_COUNT:
      g_value_set_uint (value, anbu_sync_engine_get_pending_count (self));
      break;
    case PROP_CONFLICT_COUNT:
      g_value_set_uint (value, anbu_sync_engine_get_conflict_count (self));
      break;
    case PROP_REJECTION_COUNT:
      g_value_set_uint (value, anbu_sync_engine_get_rejection_count (self));
      break;
    case PROP_NEEDS_SIGN_IN:
      g_value_set_boolean (value, self->needs_sign_in);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_sync_engine_class_init (AnbuSyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = anbu_sync_engine_dispose;
  object_class->finalize = anbu_sync_engine_finalize;
  object_class->get_property = anbu_sync_engine_get_property;

  properties[PROP_API_CLIENT] = g_param_spec_object ("api-client", NULL, NULL,
                                                     ANBU_TYPE_API_CLIENT, flags);
  properties[PROP_REPLICA] = g_param_spec_object ("replica", NULL, NULL, ANBU_TYPE_REPLICA, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, ANBU_TYPE_SYNC_STATE,
                                              ANBU_SYNC_STATE_OFFLINE, flags);
  properties[PROP_LAST_SYNC] = g_param_spec_boxed ("last-sync", NULL, NULL, G_TYPE_DATE_TIME,
                                                   flags);
  properties[PROP_PENDING_COUNT] = g_param_spec_uint ("pending-count", NULL, NULL,
                                                      0, G_MAXUINT, 0, flags);
  properties[PROP_CONFLICT_COUNT] = g_param_spec_uint ("conflict-count", NULL, NULL,
                                                       0, G_MAXUINT, 0, flags);
  properties[PROP_REJECTION_COUNT] = g_param_spec_uint ("rejection-count", NULL, NULL,
                                                        0, G_MAXUINT, 0, flags);
  properties[PROP_NEEDS_SIGN_IN] = g_param_spec_boolean ("needs-sign-in", NULL, NULL, FALSE,
                                                         flags);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AnbuSyncEngine::sync-finished:
   * @error: (nullable): why the run failed, or %NULL
   */
  signals[SYNC_FINISHED] = g_signal_new ("sync-finished", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[CONFLICTS_CHANGED] = g_signal_new ("conflicts-changed", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 0);
  signals[REJECTIONS_CHANGED] = g_signal_new ("rejections-changed", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 0);
}

static void
anbu_sync_engine_init (AnbuSyncEngine *self)
{
  self->cancellable = g_cancellable_new ();
  self->state = ANBU_SYNC_STATE_OFFLINE;
  self->page_size = DEFAULT_PAGE_SIZE;
  self->batch_size = DEFAULT_BATCH_SIZE;
  self->retry_initial_ms = DEFAULT_RETRY_INITIAL_MS;
  self->retry_max_ms = DEFAULT_RETRY_MAX_MS;
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
}

AnbuSyncEngine *
anbu_sync_engine_new (AnbuApiClient *api,
                      AnbuReplica   *replica)
{
  AnbuSyncEngine *self;

  g_return_val_if_fail (ANBU_IS_API_CLIENT (api), NULL);
  g_return_val_if_fail (ANBU_IS_REPLICA (replica), NULL);

  self = g_object_new (ANBU_TYPE_SYNC_ENGINE, NULL);
  self->api = g_object_ref (api);
  self->replica = g_object_ref (replica);
  self->last_pending = anbu_replica_get_pending_count (replica);
  g_signal_connect_swapped (replica, "notify::pending-count",
                            G_CALLBACK (on_replica_pending_count), self);
  g_signal_connect_swapped (replica, "notify::conflict-count",
                            G_CALLBACK (on_replica_conflict_count), self);
  g_signal_connect_swapped (replica, "notify::rejection-count",
                            G_CALLBACK (on_replica_rejection_count), self);
  g_signal_connect_swapped (replica, "notify::last-sync",
                            G_CALLBACK (on_replica_last_sync), self);
  return self;
}

/**
 * anbu_sync_engine_get_api_client:
 *
 * Returns: (transfer none): the API client
 */
AnbuApiClient *
anbu_sync_engine_get_api_client (AnbuSyncEngine *self)
{
  g_return_val_if_fail (ANBU_IS_SYNC_ENGINE (self), NULL);
  return self->api;
}

/**
 * anbu_sync_engine_get_replica:
 *
 * Returns: (transfer none): the replica
 */
AnbuReplica *
anbu_sync_engine_get_replica (AnbuSyncEngine *self)
{
  g_return_val_if_fail (ANBU_IS_SYNC_ENGINE (self), NULL);
  return self->replica;
}

AnbuSyncState
anbu_sync_engine_get_state (AnbuSyncEngine *self)
{
  g_return_val_if_fail (ANBU_IS_SYNC_ENGINE (self), ANBU_SYNC_STATE_OFFLINE);
  return self->state;
}

/**
 * anbu_sync_engine_dup_last_sync:
 *
 * Returns: (nullable) (transfer full): when a sync last completed
 */
GDateTime *
anbu_sync_engine_dup_last_sync (AnbuSyncEngine *self)
{
  g_return_val_if_fail (ANBU_IS_SYNC_ENGINE (self), NULL);
  return anbu_replica_dup_last_sync (self->replica);
}

guint
anbu_sync_engine_get_pending_count (AnbuSyncEngine *self)
{
  g_return_val_if_fail (ANBU_IS_SYNC_ENGINE (self), 0);
  return anbu_replica_get_pending_count (self->replica);
}

guint
anbu_sync_engine_get_conflict_count (AnbuSyncEngine *self)
{
  g_return_val_if_fail (ANBU_IS_SYNC_ENGINE (self), 0);
  return anbu_replica_get_conflict_count (self->replica);
}

guint
anbu_sync_engine_get_rejection_count (AnbuSyncEngine *self)
{
  g_return_val_if_fail (ANBU_IS_SYNC_ENGINE (self), 0);
  return anbu_replica_get_rejection_count (self->replica);
}

/**
 * anbu_sync_engine_get_needs_sign_in:
 *
 * Whether the server refused the token (expired or revoked): syncing stops
 * until anbu_session_renew_token_async() gives a new one.
 */
gboolean
anbu_sync_engine_get_needs_sign_in (AnbuSyncEngine *self)
{
  g_return_val_if_fail (ANBU_IS_SYNC_ENGINE (self), FALSE);
  return self->needs_sign_in;
}

/**
 * anbu_sync_engine_get_last_error:
 *
 * Returns: (nullable) (transfer none): why the last run failed
 */
const GError *
anbu_sync_engine_get_last_error (AnbuSyncEngine *self)
{
  g_return_val_if_fail (ANBU_IS_SYNC_ENGINE (self), NULL);
  return self->last_error;
}

/**
 * anbu_sync_engine_set_retry_limits:
 *
 * The first retry waits @initial_ms, each next one twice as long, up to @max_ms.
 */
void
anbu_sync_engine_set_retry_limits (AnbuSyncEngine *self,
                                   guint           initial_ms,
                                   guint           max_ms)
{
  g_return_if_fail (ANBU_IS_SYNC_ENGINE (self));
  g_return_if_fail (initial_ms > 0 && max_ms >= initial_ms);

  self->retry_initial_ms = initial_ms;
  self->retry_max_ms = max_ms;
}

void
anbu_sync_engine_set_page_size (AnbuSyncEngine *self,
                                guint           changes_per_page)
{
  g_return_if_fail (ANBU_IS_SYNC_ENGINE (self));
  g_return_if_fail (changes_per_page > 0 && changes_per_page <= 5000);
  self->page_size = changes_per_page;
}

void
anbu_sync_engine_set_batch_size (AnbuSyncEngine *self,
                                 guint           mutations_per_push)
{
  g_return_if_fail (ANBU_IS_SYNC_ENGINE (self));
  g_return_if_fail (mutations_per_push > 0);
  self->batch_size = mutations_per_push;
}

/**
 * anbu_sync_engine_start:
 *
 * Syncs now and from then on by itself: after each local change, and
 * again with backoff while the server cannot be reached.
 */
void
anbu_sync_engine_start (AnbuSyncEngine *self)
{
  g_return_if_fail (ANBU_IS_SYNC_ENGINE (self));

  if (!self->running)
    {
      self->running = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
    }
  anbu_sync_engine_request_sync (self);
}

void
anbu_sync_engine_stop (AnbuSyncEngine *self)
{
  g_return_if_fail (ANBU_IS_SYNC_ENGINE (self));

  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->soon_source, g_source_remove);
  if (self->running)
    {
      self->running = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
    }
}

gboolean
anbu_sync_engine_get_running (AnbuSyncEngine *self)
{
  g_return_val_if_fail (ANBU_IS_SYNC_ENGINE (self), FALSE);
  return self->running;
}

/**
 * anbu_sync_engine_request_sync:
 *
 * Syncs as soon as possible (now, or right after the running sync); a
 * pending backoff wait is cut short.
 */
void
anbu_sync_engine_request_sync (AnbuSyncEngine *self)
{
  g_return_if_fail (ANBU_IS_SYNC_ENGINE (self));

  if (self->needs_sign_in)
    return;
  run_sync (self);
}

/**
 * anbu_sync_engine_report_server_lost:
 *
 * The live channel stopped hearing the server: say offline now, not at the
 * next failed sync (which may be minutes away). The next successful sync (the
 * live channel asks for one when it reconnects) says online again.
 */
void
anbu_sync_engine_report_server_lost (AnbuSyncEngine *self)
{
  g_return_if_fail (ANBU_IS_SYNC_ENGINE (self));

  /* A sync under way may hang until its request times out: it is not a
   * sign of a server either; its own end says online again if it succeeds. */
  if (self->state != ANBU_SYNC_STATE_OFFLINE)
    set_state (self, ANBU_SYNC_STATE_OFFLINE);
}

/**
 * anbu_sync_engine_sync_async:
 *
 * One full sync (push, then pull). If a sync is running, this waits for it
 * and then for one more, so every change made before the call is included.
 */
void
anbu_sync_engine_sync_async (AnbuSyncEngine      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ANBU_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, anbu_sync_engine_sync_async);
  g_ptr_array_add (self->next_waiters, task);
  if (self->in_progress)
    self->again = TRUE;
  else
    run_sync (self);
}

gboolean
anbu_sync_engine_sync_finish (AnbuSyncEngine  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_conflict_resolved (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AnbuSyncEngine *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!anbu_replica_resolve_conflict_finish (ANBU_REPLICA (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_signal_emit (self, signals[CONFLICTS_CHANGED], 0);
  if (self->running)
    anbu_sync_engine_request_sync (self);
  g_task_return_boolean (task, TRUE);
}

/**
 * anbu_sync_engine_resolve_conflict_async:
 *
 * Resolves one conflicting field (see anbu_replica_resolve_conflict_async())
 * and, when syncing by itself, sends the result.
 */
void
anbu_sync_engine_resolve_conflict_async (AnbuSyncEngine         *self,
                                         const char             *mutation_id,
                                         const char             *field,
                                         AnbuConflictResolution  resolution,
                                         GCancellable           *cancellable,
                                         GAsyncReadyCallback     callback,
                                         gpointer                user_data)
{
  GTask *task;

  g_return_if_fail (ANBU_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, anbu_sync_engine_resolve_conflict_async);
  anbu_replica_resolve_conflict_async (self->replica, mutation_id, field, resolution, cancellable,
                                       on_conflict_resolved, task);
}

gboolean
anbu_sync_engine_resolve_conflict_finish (AnbuSyncEngine  *self,
                                          GAsyncResult    *result,
                                          GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
