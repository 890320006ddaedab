/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-casework"

#include "config.h"

#include "anbu-clock.h"
#include "anbu-absence.h"
#include "anbu-casework.h"
#include "anbu-enums.h"
#include "anbu-record-json.h"

typedef struct
{
  GPtrArray *records[ANBU_RECORD_N_KINDS];  /* parsed records, by kind */
  GPtrArray *summaries;
  gint64     now;
} Snapshot;

struct _AnbuCasework
{
  GObject parent_instance;

  AnbuCaseStore      *store;
  char               *selected_household_id;
  GCancellable       *cancellable;
  AnbuHouseholdIndex *index;
  Snapshot           *snapshot;
  GPtrArray          *open_alerts;
  GHashTable         *households_by_id;
  GHashTable         *alerts_by_id;
  AnbuClock          *clock;
  gboolean            loaded;
  gboolean            loading;
  gboolean            reload_again;
  GHashTable         *announced_levels;  /* open alert id → its level + 1, as last announced */
  guint               reload_source;
  GHashTable         *live_plugs;   /* serial → AnbuPlug with the live channel's fields */
  guint               live_source;
};

/* Bursts of change notices (a pull page, live plug frames) become one reload. */
#define RELOAD_DELAY_MS 300

/* Live plug frames (one per plug every 10 s, hundreds of plugs) are applied to
 * the summaries in memory at most this often. */
#define LIVE_REFRESH_MS 1000

G_DEFINE_FINAL_TYPE (AnbuCasework, anbu_casework, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_LOADED,
  PROP_SELECTED_HOUSEHOLD_ID,
  N_PROPS
};

enum
{
  CHANGED,
  NEW_SIGNAL,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const GDestroyNotify record_free[ANBU_RECORD_N_KINDS] = {
  [ANBU_RECORD_KIND_HOUSEHOLD] = (GDestroyNotify) anbu_household_free,
  [ANBU_RECORD_KIND_PLUG] = (GDestroyNotify) anbu_plug_free,
  [ANBU_RECORD_KIND_ALERT] = (GDestroyNotify) anbu_alert_free,
  [ANBU_RECORD_KIND_CONTACT] = (GDestroyNotify) anbu_contact_free,
  [ANBU_RECORD_KIND_VISIT] = (GDestroyNotify) anbu_visit_free,
  [ANBU_RECORD_KIND_ABSENCE] = (GDestroyNotify) anbu_absence_free,
};

static void
snapshot_free (Snapshot *snapshot)
{
  if (snapshot == NULL)
    return;
  for (guint k = 0; k < ANBU_RECORD_N_KINDS; k++)
    g_clear_pointer (&snapshot->records[k], g_ptr_array_unref);
  g_clear_pointer (&snapshot->summaries, g_ptr_array_unref);
  g_free (snapshot);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Snapshot, snapshot_free)

typedef struct
{
  GPtrArray *objects[ANBU_RECORD_N_KINDS];  /* JsonObject, as listed */
  guint      pending;
  GError    *error;
  gint64     now;
} LoadData;

static void
load_data_free (LoadData *data)
{
  for (guint k = 0; k < ANBU_RECORD_N_KINDS; k++)
    g_clear_pointer (&data->objects[k], g_ptr_array_unref);
  g_clear_error (&data->error);
  g_free (data);
}

static gpointer
parse_record (AnbuRecordKind   kind,
              JsonObject      *object,
              GError         **error)
{
  switch (kind)
    {
    case ANBU_RECORD_KIND_HOUSEHOLD: return anbu_household_from_json (object, error);
    case ANBU_RECORD_KIND_PLUG: return anbu_plug_from_json (object, error);
    case ANBU_RECORD_KIND_ALERT: return anbu_alert_from_json (object, error);
    case ANBU_RECORD_KIND_CONTACT: return anbu_contact_from_json (object, error);
    case ANBU_RECORD_KIND_VISIT: return anbu_visit_from_json (object, error);
    case ANBU_RECORD_KIND_ABSENCE: return anbu_absence_from_json (object, error);
    default: g_return_val_if_reached (NULL);
    }
}

static void
parse_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(Snapshot) snapshot = g_new0 (Snapshot, 1);

  snapshot->now = data->now;
  for (guint k = 0; k < ANBU_RECORD_N_KINDS; k++)
    {
      g_autoptr(GError) first_error = NULL;
      guint skipped = 0;

      snapshot->records[k] = g_ptr_array_new_with_free_func (record_free[k]);
      for (guint i = 0; data->objects[k] != NULL && i < data->objects[k]->len; i++)
        {
          g_autoptr(GError) error = NULL;
          gpointer record = parse_record (k, data->objects[k]->pdata[i], &error);

          /* One damaged record must not hide the whole caseload. */
          if (record == NULL)
            {
              if (first_error == NULL)
                first_error = g_steal_pointer (&error);
              skipped++;
              continue;
            }
          g_ptr_array_add (snapshot->records[k], record);
        }
      if (skipped > 0)
        g_warning ("Skipped %u %s records the replica holds in a shape this version does not read (first: %s)",
                   skipped, anbu_record_kind_to_string (k), first_error->message);
    }
  snapshot->summaries = anbu_caseload_summarize (snapshot->records[ANBU_RECORD_KIND_HOUSEHOLD], snapshot->records[ANBU_RECORD_KIND_PLUG],
                                                 snapshot->records[ANBU_RECORD_KIND_ALERT], snapshot->records[ANBU_RECORD_KIND_ABSENCE],
                                                 snapshot->now);
  g_task_return_pointer (task, g_steal_pointer (&snapshot), (GDestroyNotify) snapshot_free);
}

/* Copies the live channel's fields into the snapshot's plug records where
 * they are newer than what the replica holds. Answers whether any moved. */
static gboolean
apply_live_plugs (AnbuCasework *self,
                  Snapshot     *snapshot)
{
  gboolean changed = FALSE;

  if (g_hash_table_size (self->live_plugs) == 0)
    return FALSE;
  for (guint i = 0; i < snapshot->records[ANBU_RECORD_KIND_PLUG]->len; i++)
    {
      AnbuPlug *plug = snapshot->records[ANBU_RECORD_KIND_PLUG]->pdata[i];
      AnbuPlug *live = g_hash_table_lookup (self->live_plugs, plug->serial);

      if (live == NULL || g_strcmp0 (live->household_id, plug->household_id) != 0
          || live->last_seen_at <= plug->last_seen_at)
        continue;
      plug->last_seen_at = live->last_seen_at;
      plug->last_watts = live->last_watts;
      plug->last_lux = live->last_lux;
      plug->last_activity_at = MAX (plug->last_activity_at, live->last_activity_at);
      changed = TRUE;
    }
  return changed;
}

static void
resummarize (AnbuCasework *self)
{
  Snapshot *snapshot = self->snapshot;

  g_clear_pointer (&snapshot->summaries, g_ptr_array_unref);
  snapshot->now = anbu_casework_get_now (self);
  snapshot->summaries = anbu_caseload_summarize (snapshot->records[ANBU_RECORD_KIND_HOUSEHOLD], snapshot->records[ANBU_RECORD_KIND_PLUG],
                                                 snapshot->records[ANBU_RECORD_KIND_ALERT], snapshot->records[ANBU_RECORD_KIND_ABSENCE],
                                                 snapshot->now);
}

/* A signal that is new since the last load, or rose to 위험/심각 since: ::new-signal tells
 * the window, which tells the planner. The first load (sign-in, unlock) announces nothing:
 * what was already there is not news, and the alerts view lists it. */
static void
announce_new_signals (AnbuCasework *self)
{
  GHashTable *levels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) news = g_ptr_array_new ();

  for (guint i = 0; i < self->open_alerts->len; i++)
    {
      AnbuAlert *alert = self->open_alerts->pdata[i];
      gpointer before = NULL;
      gboolean known = self->announced_levels != NULL
                       && g_hash_table_lookup_extended (self->announced_levels, alert->id, NULL, &before);

      g_hash_table_insert (levels, g_strdup (alert->id), GINT_TO_POINTER (alert->level + 1));
      if (self->announced_levels != NULL && alert->level >= ANBU_ALERT_LEVEL_RISK
          && (!known || GPOINTER_TO_INT (before) - 1 < (int) alert->level))
        g_ptr_array_add (news, alert);
    }
  g_clear_pointer (&self->announced_levels, g_hash_table_unref);
  self->announced_levels = levels;
  for (guint i = 0; i < news->len; i++)
    g_signal_emit (self, signals[NEW_SIGNAL], 0, news->pdata[i]);
}

static void
parse_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  AnbuCasework *self = ANBU_CASEWORK (source);
  g_autoptr(GError) error = NULL;
  Snapshot *snapshot = g_task_propagate_pointer (G_TASK (result), &error);

  self->loading = FALSE;
  if (snapshot == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the caseload: %s", error->message);
      return;
    }

  g_clear_pointer (&self->snapshot, snapshot_free);
  self->snapshot = snapshot;
  /* The replica's copy of the live fields may be up to 15 minutes behind the
   * frames this session has seen. */
  if (apply_live_plugs (self, snapshot))
    resummarize (self);
  g_hash_table_remove_all (self->households_by_id);
  g_hash_table_remove_all (self->alerts_by_id);
  for (guint i = 0; i < snapshot->records[ANBU_RECORD_KIND_HOUSEHOLD]->len; i++)
    {
      AnbuHousehold *h = snapshot->records[ANBU_RECORD_KIND_HOUSEHOLD]->pdata[i];
      g_hash_table_insert (self->households_by_id, h->id, h);
    }
  for (guint i = 0; i < snapshot->records[ANBU_RECORD_KIND_ALERT]->len; i++)
    {
      AnbuAlert *a = snapshot->records[ANBU_RECORD_KIND_ALERT]->pdata[i];
      g_hash_table_insert (self->alerts_by_id, a->id, a);
    }
  g_clear_pointer (&self->open_alerts, g_ptr_array_unref);
  self->open_alerts = anbu_caseload_open_alerts (snapshot->records[ANBU_RECORD_KIND_ALERT]);
  anbu_household_index_set_households (self->index, snapshot->summaries);

  if (!self->loaded)
    {
      self->loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }
  g_signal_emit (self, signals[CHANGED], 0);
  announce_new_signals (self);
  /* With G_MESSAGES_DEBUG=anbu-casework the log says which signals the views now show: the
   * demo's check waits for its new signal here instead of sleeping. */
  if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    for (guint i = 0; i < self->open_alerts->len; i++)
      g_debug ("Open signal shown for household %s",
               ((AnbuAlert *) self->open_alerts->pdata[i])->household_id);

  if (self->reload_again)
    {
      self->reload_again = FALSE;
      anbu_casework_reload (self);
    }
}

static void anbu_casework_reload_kind (AnbuCasework *self, GTask *task, guint kind);

typedef struct
{
  GTask *task;
  guint  kind;
} KindLoad;

static void
kind_list_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  KindLoad *load = user_data;
  g_autoptr(GTask) task = load->task;
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GPtrArray *objects = anbu_case_store_list_records_finish (ANBU_CASE_STORE (source), result, &error);

  if (objects != NULL)
    data->objects[load->kind] = objects;
  else if (data->error == NULL)
    data->error = g_steal_pointer (&error);
  g_free (load);

  if (--data->pending > 0)
    return;
  if (data->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&data->error));
      return;
    }
  g_task_run_in_thread (task, parse_thread);
}

static void
anbu_casework_reload_kind (AnbuCasework *self,
                           GTask        *task,
                           guint         kind)
{
  KindLoad *load = g_new0 (KindLoad, 1);

  load->task = g_object_ref (task);
  load->kind = kind;
  anbu_case_store_list_records_async (self->store, anbu_record_kind_to_string (kind), NULL, self->cancellable,
                                      kind_list_cb, load);
}

void
anbu_casework_reload (AnbuCasework *self)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (ANBU_IS_CASEWORK (self));

  if (self->loading)
    {
      self->reload_again = TRUE;
      return;
    }
  self->loading = TRUE;
  task = g_task_new (self, self->cancellable, parse_cb, NULL);
  g_task_set_source_tag (task, anbu_casework_reload);
  data = g_new0 (LoadData, 1);
  data->pending = ANBU_RECORD_N_KINDS;
  data->now = anbu_casework_get_now (self);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  for (guint k = 0; k < ANBU_RECORD_N_KINDS; k++)
    anbu_casework_reload_kind (self, task, k);
}

static gboolean
delayed_reload (gpointer data)
{
  AnbuCasework *self = data;

  self->reload_source = 0;
  anbu_casework_reload (self);
  return G_SOURCE_REMOVE;
}

static void
on_store_changed (AnbuCasework *self)
{
  if (self->reload_source == 0)
    self->reload_source = g_timeout_add (RELOAD_DELAY_MS, delayed_reload, self);
}

/* The households list and the map follow the index: changed summaries
 * replace their items there. */
static gboolean
live_refresh (gpointer data)
{
  AnbuCasework *self = data;

  self->live_source = 0;
  if (self->snapshot == NULL || !apply_live_plugs (self, self->snapshot))
    return G_SOURCE_REMOVE;
  resummarize (self);
  anbu_household_index_set_households (self->index, self->snapshot->summaries);
  return G_SOURCE_REMOVE;
}

static void
on_plug_live (AnbuCasework *self,
              JsonObject   *record)
{
  g_autoptr(AnbuPlug) live = anbu_plug_new ();
  g_autoptr(GError) error = NULL;
  AnbuPlug *known;

#define M(name) name, json_object_get_member (record, name)
  if (!anbu_json_read_serial (M ("serial"), TRUE, &live->serial, &error)
      || !anbu_json_read_uuid (M ("household_id"), TRUE, &live->household_id, &error)
      || !anbu_json_read_timestamp (M ("last_seen_at"), FALSE, &live->last_seen_at, &error)
      || !anbu_json_read_double (M ("last_watts"), FALSE, &live->last_watts, &error)
      || !anbu_json_read_double (M ("last_lux"), FALSE, &live->last_lux, &error)
      || !anbu_json_read_timestamp (M ("last_activity_at"), FALSE, &live->last_activity_at, &error))
    {
      g_debug ("Ignoring a live plug frame: %s", error->message);
      return;
    }
#undef M

  known = g_hash_table_lookup (self->live_plugs, live->serial);
  if (known != NULL && known->last_seen_at >= live->last_seen_at)
    return;
  known = g_steal_pointer (&live);
  g_hash_table_replace (self->live_plugs, known->serial, known);
  if (self->live_source == 0)
    self->live_source = g_timeout_add (LIVE_REFRESH_MS, live_refresh, self);
}

static void
anbu_casework_dispose (GObject *object)
{
  AnbuCasework *self = ANBU_CASEWORK (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_handle_id (&self->live_source, g_source_remove);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  if (self->clock != NULL)
    g_signal_handlers_disconnect_by_data (self->clock, self);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (anbu_casework_parent_class)->dispose (object);
}

static void
anbu_casework_finalize (GObject *object)
{
  AnbuCasework *self = ANBU_CASEWORK (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->index);
  g_clear_pointer (&self->open_alerts, g_ptr_array_unref);
  g_clear_pointer (&self->announced_levels, g_hash_table_unref);
  g_clear_pointer (&self->households_by_id, g_hash_table_unref);
  g_clear_pointer (&self->alerts_by_id, g_hash_table_unref);
  g_clear_pointer (&self->live_plugs, g_hash_table_unref);
  g_clear_pointer (&self->snapshot, snapshot_free);

  g_clear_pointer (&self->selected_household_id, g_free);
  G_OBJECT_CLASS (anbu_casework_parent_class)->finalize (object);
}

static void
anbu_casework_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AnbuCasework *self = ANBU_CASEWORK (object);

  switch (prop_id)
    {
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    case PROP_SELECTED_HOUSEHOLD_ID:
      g_value_set_string (value, self->selected_household_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_casework_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AnbuCasework *self = ANBU_CASEWORK (object);

  switch (prop_id)
    {
    case PROP_SELECTED_HOUSEHOLD_ID:
      anbu_casework_set_selected_household_id (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_casework_class_init (AnbuCaseworkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = anbu_casework_dispose;
  object_class->finalize = anbu_casework_finalize;
  object_class->get_property = anbu_casework_get_property;
  object_class->set_property = anbu_casework_set_property;

  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* The household the planner picked, shared by the list and the map. */
  properties[PROP_SELECTED_HOUSEHOLD_ID] =
    g_param_spec_string ("selected-household-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The caseload was (re)read: views refresh what they show. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * AnbuCasework::new-signal:
   * @alert: (type gpointer): the borrowed AnbuAlert
   *
   * A 위험 or 심각 signal arrived, or an open one rose to that level, since the last load.
   */
  signals[NEW_SIGNAL] = g_signal_new ("new-signal", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
anbu_casework_init (AnbuCasework *self)
{
  self->cancellable = g_cancellable_new ();
  self->index = anbu_household_index_new ();
  self->open_alerts = g_ptr_array_new ();
  self->households_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->alerts_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->live_plugs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                            (GDestroyNotify) anbu_plug_free);
}

AnbuCasework *
anbu_casework_new (AnbuCaseStore *store)
{
  AnbuCasework *self;

  g_return_val_if_fail (ANBU_IS_CASE_STORE (store), NULL);

  self = g_object_new (ANBU_TYPE_CASEWORK, NULL);
  self->store = g_object_ref (store);
  g_signal_connect_swapped (store, "changed", G_CALLBACK (on_store_changed), self);
  g_signal_connect_swapped (store, "plug-live", G_CALLBACK (on_plug_live), self);
  /* What is offline, away or due depends on the clock: a moved manual clock
   * (tests, screenshots) reloads. */
  self->clock = g_object_ref (anbu_clock_get_default ());
  g_signal_connect_swapped (self->clock, "changed", G_CALLBACK (anbu_casework_reload), self);
  anbu_casework_reload (self);
  return self;
}

gboolean
anbu_casework_is_loading (AnbuCasework *self)
{
  g_return_val_if_fail (ANBU_IS_CASEWORK (self), FALSE);
  return self->loading || self->reload_again || self->reload_source != 0;
}

AnbuCaseStore *
anbu_casework_get_store (AnbuCasework *self)
{
  g_return_val_if_fail (ANBU_IS_CASEWORK (self), NULL);
  return self->store;
}

gboolean
anbu_casework_get_loaded (AnbuCasework *self)
{
  g_return_val_if_fail (ANBU_IS_CASEWORK (self), FALSE);
  return self->loaded;
}

gint64
anbu_casework_get_now (AnbuCasework *self)
{
  g_return_val_if_fail (ANBU_IS_CASEWORK (self), 0);
  return anbu_clock_get_now_usec (self->clock);
}

AnbuHouseholdIndex *
anbu_casework_get_index (AnbuCasework *self)
{
  g_return_val_if_fail (ANBU_IS_CASEWORK (self), NULL);
  return self->index;
}

GPtrArray *
anbu_casework_get_open_alerts (AnbuCasework *self)
{
  g_return_val_if_fail (ANBU_IS_CASEWORK (self), NULL);
  return self->open_alerts;
}

GPtrArray *
anbu_casework_list_visits_due (AnbuCasework *self,
                               const GDate  *today,
                               const GDate  *until)
{
  g_return_val_if_fail (ANBU_IS_CASEWORK (self), NULL);

  if (self->snapshot == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_visit_due_free);
  return anbu_caseload_visits_due (self->snapshot->records[ANBU_RECORD_KIND_HOUSEHOLD], self->snapshot->records[ANBU_RECORD_KIND_VISIT],
                                   self->snapshot->records[ANBU_RECORD_KIND_ALERT], today, until);
}

AnbuHousehold *
anbu_casework_lookup_household (AnbuCasework *self,
                                const char   *household_id)
{
  g_return_val_if_fail (ANBU_IS_CASEWORK (self), NULL);
  return household_id != NULL ? g_hash_table_lookup (self->households_by_id, household_id) : NULL;
}

AnbuAlert *
anbu_casework_lookup_alert (AnbuCasework *self,
                            const char   *alert_id)
{
  g_return_val_if_fail (ANBU_IS_CASEWORK (self), NULL);
  return alert_id != NULL ? g_hash_table_lookup (self->alerts_by_id, alert_id) : NULL;
}

AnbuPlug *
anbu_casework_find_installed_plug (AnbuCasework *self,
                                   const char   *household_id)
{
  g_return_val_if_fail (ANBU_IS_CASEWORK (self), NULL);
  if (self->snapshot == NULL)
    return NULL;
  return anbu_caseload_find_installed_plug (self->snapshot->records[ANBU_RECORD_KIND_PLUG], household_id);
}

const char *
anbu_casework_plug_installed_in (AnbuCasework *self,
                                 const char   *serial)
{
  g_return_val_if_fail (ANBU_IS_CASEWORK (self), NULL);
  if (self->snapshot == NULL)
    return NULL;
  return anbu_caseload_plug_installed_in (self->snapshot->records[ANBU_RECORD_KIND_PLUG], serial);
}

static gint64
record_time (AnbuRecordKind kind,
             gpointer       record)
{
  switch (kind)
    {
    case ANBU_RECORD_KIND_ALERT: return ((AnbuAlert *) record)->raised_at;
    case ANBU_RECORD_KIND_CONTACT: return ((AnbuContact *) record)->at;
    case ANBU_RECORD_KIND_VISIT: return ((AnbuVisit *) record)->at;
    case ANBU_RECORD_KIND_ABSENCE: return ((AnbuAbsence *) record)->from;
    default: return 0;
    }
}

static const char *
record_household (AnbuRecordKind kind,
                  gpointer       record)
{
  switch (kind)
    {
    case ANBU_RECORD_KIND_ALERT: return ((AnbuAlert *) record)->household_id;
    case ANBU_RECORD_KIND_CONTACT: return ((AnbuContact *) record)->household_id;
    case ANBU_RECORD_KIND_VISIT: return ((AnbuVisit *) record)->household_id;
    case ANBU_RECORD_KIND_ABSENCE: return ((AnbuAbsence *) record)->household_id;
    default: return NULL;
    }
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  guint kind = GPOINTER_TO_UINT (user_data);
  gint64 ta = record_time (kind, *(gpointer *) a);
  gint64 tb = record_time (kind, *(gpointer *) b);

  return ta == tb ? 0 : (ta > tb ? -1 : 1);
}

/**
 * anbu_casework_get_records:
 * @kind: an alert, contact, visit or absence
 *
 * Returns: (transfer none) (nullable): every record of @kind in the caseload,
 *   borrowed until the next load; NULL before the first
 */
GPtrArray *
anbu_casework_get_records (AnbuCasework   *self,
                           AnbuRecordKind  kind)
{
  g_return_val_if_fail (ANBU_IS_CASEWORK (self), NULL);
  g_return_val_if_fail (kind >= ANBU_RECORD_KIND_ALERT && kind < ANBU_RECORD_N_KINDS, NULL);
  return self->snapshot != NULL ? self->snapshot->records[kind] : NULL;
}

GPtrArray *
anbu_casework_list_for_household (AnbuCasework   *self,
                                  AnbuRecordKind  k,
                                  const char     *household_id)
{
  GPtrArray *out = g_ptr_array_new ();

  g_return_val_if_fail (ANBU_IS_CASEWORK (self), out);
  /* Households and plugs are not listed per household here. */
  g_return_val_if_fail (k >= ANBU_RECORD_KIND_ALERT && k < ANBU_RECORD_N_KINDS, out);
  if (self->snapshot == NULL)
    return out;

  for (guint i = 0; i < self->snapshot->records[k]->len; i++)
    if (g_strcmp0 (record_household (k, self->snapshot->records[k]->pdata[i]), household_id) == 0)
      g_ptr_array_add (out, self->snapshot->records[k]->pdata[i]);
  g_ptr_array_sort_with_data (out, compare_newest_first, GUINT_TO_POINTER (k));
  return out;
}

static void
submit_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *mutation_id = anbu_case_store_record_change_finish (ANBU_CASE_STORE (source), result, &error);

  if (mutation_id == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  anbu_casework_reload (g_task_get_source_object (task));
  g_task_return_pointer (task, mutation_id, g_free);
}

void
anbu_casework_submit_async (AnbuCasework        *self,
                            const char          *mutation_kind,
                            JsonObject          *payload,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ANBU_IS_CASEWORK (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, anbu_casework_submit_async);
  anbu_case_store_record_change_async (self->store, mutation_kind, payload, cancellable,
                                       submit_cb, task);
}

static void
submit_changes_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GStrv mutation_ids = anbu_case_store_record_changes_finish (ANBU_CASE_STORE (source), result, &error);

  if (mutation_ids == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  anbu_casework_reload (g_task_get_source_object (task));
  g_task_return_pointer (task, mutation_ids, (GDestroyNotify) g_strfreev);
}

void
anbu_casework_submit_changes_async (AnbuCasework        *self,
                                    GPtrArray           *mutation_kinds,
                                    GPtrArray           *payloads,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ANBU_IS_CASEWORK (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, anbu_casework_submit_changes_async);
  anbu_case_store_record_changes_async (self->store, mutation_kinds, payloads, cancellable,
                                        submit_changes_cb, task);
}

GStrv
anbu_casework_submit_changes_finish (AnbuCasework  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
anbu_casework_submit_finish (AnbuCasework  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
anbu_casework_get_selected_household_id (AnbuCasework *self)
{
  g_return_val_if_fail (ANBU_IS_CASEWORK (self), NULL);

  return self->selected_household_id;
}

void
anbu_casework_set_selected_household_id (AnbuCasework *self,
                                         const char   *household_id)
{
  g_return_if_fail (ANBU_IS_CASEWORK (self));

  if (g_strcmp0 (self->selected_household_id, household_id) == 0)
    return;
  g_free (self->selected_household_id);
  self->selected_household_id = g_strdup (household_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_HOUSEHOLD_ID]);
}
