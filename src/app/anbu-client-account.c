/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-client-account"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-clock.h"
#include "anbu-casework.h"
#include "anbu-client-account.h"
#include "anbu-conflict-row.h"
#include "anbu-case-store.h"
#include "anbu-kst.h"
#include "anbu-sync-text.h"

/* The planner's account as the window sees it (AnbuAccount), made of src/client's session:
 * sign-in online or offline, lock and unlock, sign-out, and the sync engine's state, counts
 * and lists for the sync indicator. */
struct _AnbuClientAccount
{
  GObject parent_instance;

  AnbuSession *session;
  AnbuSyncEngine *engine;      /* the session's current one, watched */
  AnbuCasework *casework;      /* what the views show, over the session's current replica */
  GCancellable *cancellable;
  gboolean loaded;
  GPtrArray *waiting_for_load;   /* sign-ins asked for before the session was loaded */

  GListStore *pending;
  GListStore *conflicts;
  GListStore *rejections;
  guint refresh_id;
};

static void anbu_client_account_iface_init (AnbuAccountInterface *iface);

G_DEFINE_TYPE_WITH_CODE (AnbuClientAccount, anbu_client_account, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (ANBU_TYPE_ACCOUNT, anbu_client_account_iface_init))

enum
{
  PROP_0,
  PROP_DISPLAY_NAME,
  PROP_SYNC_STATE,
  PROP_LAST_SYNC,
  PROP_PENDING_COUNT,
  PROP_NEEDS_SIGN_IN,
};

/* How long list refreshes are gathered: a sync answers a batch at a time. */
#define REFRESH_DELAY_MS 150

/* ---------------------------------------------------------------------------------------- */
/* Errors: the client's domains to the planner's sentences (anbu_account_describe_error). */

static GError *
account_error_from (const GError *error)
{
  AnbuAccountError code = ANBU_ACCOUNT_ERROR_FAILED;

  if (g_error_matches (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_WRONG_PASSWORD)
      || g_error_matches (error, ANBU_API_ERROR, ANBU_API_ERROR_UNAUTHORIZED))
    code = ANBU_ACCOUNT_ERROR_WRONG_CREDENTIALS;
  else if (g_error_matches (error, ANBU_NETWORK_ERROR, ANBU_NETWORK_ERROR_UNREACHABLE))
    code = ANBU_ACCOUNT_ERROR_SERVER_UNREACHABLE;
  else if (g_error_matches (error, ANBU_API_ERROR, ANBU_API_ERROR_THROTTLED))
    code = ANBU_ACCOUNT_ERROR_THROTTLED;
  else if (g_error_matches (error, ANBU_API_ERROR, ANBU_API_ERROR_UNAVAILABLE))
    code = ANBU_ACCOUNT_ERROR_SERVER_BUSY;
  else if (g_error_matches (error, ANBU_NETWORK_ERROR, ANBU_NETWORK_ERROR_TLS))
    code = ANBU_ACCOUNT_ERROR_CERTIFICATE;
  else if (g_error_matches (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_CORRUPT))
    code = ANBU_ACCOUNT_ERROR_REPLICA_DAMAGED;
  else if (g_error_matches (error, ANBU_SESSION_ERROR, ANBU_SESSION_ERROR_OTHER_ACCOUNT))
    code = ANBU_ACCOUNT_ERROR_OTHER_ACCOUNT;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  g_debug ("%s (%s %d)", error->message, g_quark_to_string (error->domain), error->code);
  return g_error_new_literal (ANBU_ACCOUNT_ERROR, code, error->message);
}

/* ---------------------------------------------------------------------------------------- */
/* The sync lists */

static void
replace_all (GListStore *store,
             GPtrArray  *items)
{
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                       items != NULL ? items->pdata : NULL, items != NULL ? items->len : 0);
}

static void
on_outbox_listed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (AnbuClientAccount) self = user_data;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GPtrArray) pending = g_ptr_array_new ();
  g_autoptr (GPtrArray) rejected = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;

  entries = anbu_replica_list_outbox_finish (ANBU_REPLICA (source), result, &error);
  if (entries == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot list the outbox: %s", error->message);
      return;
    }

  for (guint i = 0; i < entries->len; i++)
    {
      AnbuOutboxEntry *entry = g_ptr_array_index (entries, i);

      switch (anbu_outbox_entry_get_state (entry))
        {
        case ANBU_OUTBOX_STATE_PENDING:
        case ANBU_OUTBOX_STATE_SENT:
          g_ptr_array_add (pending, entry);
          break;
        case ANBU_OUTBOX_STATE_REJECTED:
          g_ptr_array_add (rejected, entry);
          break;
        case ANBU_OUTBOX_STATE_CONFLICT:
        default:
          break;
        }
    }
  replace_all (self->pending, pending);
  replace_all (self->rejections, rejected);
}

static void
on_conflicts_listed (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (AnbuClientAccount) self = user_data;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (GError) error = NULL;

  conflicts = anbu_replica_list_conflicts_finish (ANBU_REPLICA (source), result, &error);
  if (conflicts == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot list the conflicts: %s", error->message);
      return;
    }
  replace_all (self->conflicts, conflicts);
}

static gboolean
refresh_lists (gpointer user_data)
{
  AnbuClientAccount *self = user_data;
  AnbuReplica *replica = anbu_session_get_replica (self->session);

  self->refresh_id = 0;
  if (replica == NULL || anbu_session_get_state (self->session) != ANBU_SESSION_STATE_UNLOCKED)
    {
      replace_all (self->pending, NULL);
      replace_all (self->conflicts, NULL);
      replace_all (self->rejections, NULL);
      return G_SOURCE_REMOVE;
    }

  anbu_replica_list_outbox_async (replica, self->cancellable, on_outbox_listed,
                                  g_object_ref (self));
  anbu_replica_list_conflicts_async (replica, self->cancellable, on_conflicts_listed,
                                     g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
schedule_refresh (AnbuClientAccount *self)
{
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add (REFRESH_DELAY_MS, refresh_lists, self);
}

/* ---------------------------------------------------------------------------------------- */
/* Following the session and its sync engine */

static void
notify_sync_properties (AnbuClientAccount *self)
{
  g_object_notify (G_OBJECT (self), "sync-state");
  g_object_notify (G_OBJECT (self), "last-sync");
  g_object_notify (G_OBJECT (self), "pending-count");
  g_object_notify (G_OBJECT (self), "needs-sign-in");
}

static void
on_engine_changed (AnbuClientAccount *self)
{
  notify_sync_properties (self);
  schedule_refresh (self);
}

static void
watch_engine (AnbuClientAccount *self)
{
  AnbuSyncEngine *engine = anbu_session_get_sync_engine (self->session);

  if (engine == self->engine)
    return;

  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_set_object (&self->engine, engine);
  if (engine != NULL)
    {
      g_signal_connect_object (engine, "notify::state", G_CALLBACK (notify_sync_properties),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (engine, "notify::last-sync", G_CALLBACK (notify_sync_properties),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (engine, "notify::needs-sign-in", G_CALLBACK (notify_sync_properties),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (engine, "notify::pending-count", G_CALLBACK (on_engine_changed),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (engine, "conflicts-changed", G_CALLBACK (on_engine_changed),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (engine, "rejections-changed", G_CALLBACK (on_engine_changed),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (engine, "sync-finished", G_CALLBACK (on_engine_changed),
                               self, G_CONNECT_SWAPPED);
    }
  on_engine_changed (self);
}

static void
on_session_user (AnbuClientAccount *self)
{
  g_object_notify (G_OBJECT (self), "display-name");
}

static AnbuSyncIndicatorState
map_sync_state (AnbuSyncState state)
{
  switch (state)
    {
    case ANBU_SYNC_STATE_ONLINE:
      return ANBU_SYNC_INDICATOR_ONLINE;
    case ANBU_SYNC_STATE_SYNCING:
      return ANBU_SYNC_INDICATOR_SYNCING;
    case ANBU_SYNC_STATE_OFFLINE:
    default:
      return ANBU_SYNC_INDICATOR_OFFLINE;
    }
}

/* ---------------------------------------------------------------------------------------- */
/* AnbuAccount */

typedef struct
{
  char *server_address;
  char *username;
  char *password;
} SignIn;

static void
sign_in_free (gpointer data)
{
  SignIn *sign_in = data;

  g_free (sign_in->server_address);
  g_free (sign_in->username);
  if (sign_in->password != NULL)
    memset (sign_in->password, 0, strlen (sign_in->password));
  g_free (sign_in->password);
  g_free (sign_in);
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!anbu_session_sign_in_finish (ANBU_SESSION (source), result, &error))
    {
      g_task_return_error (task, account_error_from (error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
start_sign_in (GTask *task)
{
  AnbuClientAccount *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);

  anbu_session_sign_in_async (self->session, sign_in->server_address, NULL, sign_in->username,
                              sign_in->password, g_task_get_cancellable (task), on_signed_in,
                              g_object_ref (task));
}

static void
client_sign_in_async (AnbuAccount        *account,
                      const char         *server_address,
                      const char         *username,
                      const char         *password,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  AnbuClientAccount *self = ANBU_CLIENT_ACCOUNT (account);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  SignIn *sign_in = g_new0 (SignIn, 1);

  g_task_set_source_tag (task, client_sign_in_async);
  sign_in->server_address = g_strdup (server_address);
  sign_in->username = g_strdup (username);
  sign_in->password = g_strdup (password);
  g_task_set_task_data (task, sign_in, sign_in_free);

  /* The session first reads what this computer holds (started in _new()). */
  if (!self->loaded)
    g_ptr_array_add (self->waiting_for_load, g_steal_pointer (&task));
  else
    start_sign_in (task);
}

static gboolean
client_finish (AnbuAccount  *account,
               GAsyncResult *result,
               GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, account), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_unlocked (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!anbu_session_unlock_finish (ANBU_SESSION (source), result, &error))
    {
      g_task_return_error (task, account_error_from (error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
client_unlock_async (AnbuAccount        *account,
                     const char         *password,
                     GCancellable       *cancellable,
                     GAsyncReadyCallback callback,
                     gpointer            user_data)
{
  AnbuClientAccount *self = ANBU_CLIENT_ACCOUNT (account);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, client_unlock_async);
  anbu_session_unlock_async (self->session, password, cancellable, on_unlocked,
                             g_steal_pointer (&task));
}

static void
on_signed_out (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!anbu_session_sign_out_finish (ANBU_SESSION (source), result, &error))
    {
      g_task_return_error (task, account_error_from (error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
client_sign_out_async (AnbuAccount        *account,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  AnbuClientAccount *self = ANBU_CLIENT_ACCOUNT (account);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, client_sign_out_async);
  anbu_session_sign_out_async (self->session, cancellable, on_signed_out,
                               g_steal_pointer (&task));
}

static void
client_sync_now (AnbuAccount *account)
{
  AnbuClientAccount *self = ANBU_CLIENT_ACCOUNT (account);

  if (self->engine != NULL)
    anbu_sync_engine_request_sync (self->engine);
}

static void
on_rebuilt (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  guint n_kept = 0;
  guint n_lost = 0;

  if (!anbu_session_rebuild_finish (ANBU_SESSION (source), result, &n_kept, &n_lost, &error))
    {
      g_task_return_error (task, account_error_from (error));
      return;
    }
  g_debug ("Rebuilt the replica: %u changes kept, %u lost", n_kept, n_lost);
  g_task_set_task_data (task, GUINT_TO_POINTER (n_lost), NULL);
  g_task_return_boolean (task, TRUE);
}

static void
client_rebuild_async (AnbuAccount        *account,
                      const char         *password,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  AnbuClientAccount *self = ANBU_CLIENT_ACCOUNT (account);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, client_rebuild_async);
  anbu_session_rebuild_async (self->session, password, cancellable, on_rebuilt,
                              g_steal_pointer (&task));
}

static gboolean
client_rebuild_finish (AnbuAccount  *account,
                       GAsyncResult *result,
                       guint        *n_lost,
                       GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, account), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (n_lost != NULL)
    *n_lost = GPOINTER_TO_UINT (g_task_get_task_data (G_TASK (result)));
  return TRUE;
}

static void
on_renewed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!anbu_session_renew_token_finish (ANBU_SESSION (source), result, &error))
    {
      g_task_return_error (task, account_error_from (error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
client_renew_async (AnbuAccount        *account,
                    const char         *password,
                    GCancellable       *cancellable,
                    GAsyncReadyCallback callback,
                    gpointer            user_data)
{
  AnbuClientAccount *self = ANBU_CLIENT_ACCOUNT (account);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, client_renew_async);
  anbu_session_renew_token_async (self->session, password, cancellable, on_renewed,
                                  g_steal_pointer (&task));
}

static void
client_lock (AnbuAccount *account)
{
  anbu_session_lock (ANBU_CLIENT_ACCOUNT (account)->session);
}

/* Each unlock opens the replica anew: the views get a casework over the new one. */
static void
client_open_casework (AnbuAccount *account,
                      AnbuContext *context)
{
  AnbuClientAccount *self = ANBU_CLIENT_ACCOUNT (account);
  AnbuReplica *replica = anbu_session_get_replica (self->session);
  g_autoptr (AnbuCaseStore) store = NULL;

  if (replica == NULL)
    return;
  if (self->casework == NULL
      || anbu_case_store_get_replica (ANBU_CASE_STORE (anbu_casework_get_store (self->casework))) != replica)
    {
      store = anbu_case_store_new_for_session (self->session);
      g_clear_object (&self->casework);
      self->casework = anbu_casework_new (ANBU_CASE_STORE (store));
    }
  anbu_context_set_casework (context, self->casework);
}

/* Locked or signed out: the views drop the caseload and the casework goes with the replica
 * it read (the next unlock opens a new one). */
static void
client_close_casework (AnbuAccount *account,
                       AnbuContext *context)
{
  AnbuClientAccount *self = ANBU_CLIENT_ACCOUNT (account);

  anbu_context_set_casework (context, NULL);
  g_clear_object (&self->casework);
}

static GListModel *
client_get_pending (AnbuAccount *account)
{
  return G_LIST_MODEL (ANBU_CLIENT_ACCOUNT (account)->pending);
}

static GListModel *
client_get_conflicts (AnbuAccount *account)
{
  return G_LIST_MODEL (ANBU_CLIENT_ACCOUNT (account)->conflicts);
}

static GListModel *
client_get_rejections (AnbuAccount *account)
{
  return G_LIST_MODEL (ANBU_CLIENT_ACCOUNT (account)->rejections);
}

static void
on_resolved (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (AnbuClientAccount) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!anbu_sync_engine_resolve_conflict_finish (ANBU_SYNC_ENGINE (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Cannot resolve the conflict: %s", error->message);
  schedule_refresh (self);
}

static void
on_conflict_row_resolve (AnbuConflictRow *row,
                         gboolean         keep_mine,
                         AnbuConflict    *conflict)
{
  AnbuClientAccount *self = g_object_get_data (G_OBJECT (row), "account");

  if (self->engine == NULL)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (row), FALSE);
  anbu_sync_engine_resolve_conflict_async (self->engine,
                                           anbu_conflict_get_mutation_id (conflict),
                                           anbu_conflict_get_field (conflict),
                                           keep_mine ? ANBU_CONFLICT_KEEP_MINE
                                                     : ANBU_CONFLICT_TAKE_THEIRS,
                                           self->cancellable, on_resolved, g_object_ref (self));
}

static void
on_dismissed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (AnbuClientAccount) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!anbu_replica_dismiss_rejection_finish (ANBU_REPLICA (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Cannot dismiss the rejection: %s", error->message);
  schedule_refresh (self);
}

static void
on_dismiss_clicked (GtkButton       *button,
                    AnbuOutboxEntry *entry)
{
  AnbuClientAccount *self = g_object_get_data (G_OBJECT (button), "account");
  AnbuReplica *replica = anbu_session_get_replica (self->session);

  if (replica == NULL)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  anbu_replica_dismiss_rejection_async (replica, anbu_outbox_entry_get_id (entry),
                                        self->cancellable, on_dismissed, g_object_ref (self));
}

typedef struct
{
  GtkWidget *row;   /* owned */
  char *what;
} NameLookup;

static void
on_household_for_row (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  NameLookup *lookup = user_data;
  g_autoptr (JsonObject) household = NULL;
  g_autoptr (GError) error = NULL;

  household = anbu_replica_get_record_finish (ANBU_REPLICA (source), result, &error);
  if (household != NULL && json_object_has_member (household, "name"))
    {
      /* Translators: what changed, then whose household: "방문 기록 · 김영희". */
      g_autofree char *title = g_strdup_printf (_("%s · %s"), lookup->what,
                                                json_object_get_string_member (household, "name"));

      g_object_set (lookup->row, "title", title, NULL);
    }
  g_object_unref (lookup->row);
  g_free (lookup->what);
  g_free (lookup);
}

/* Titles a row with @what, then with the household's name once the replica has read it:
 * planners know households by name, not by id. */
static void
title_with_household (AnbuClientAccount *self,
                      GtkWidget         *row,
                      const char        *what,
                      const char        *household_id)
{
  AnbuReplica *replica = anbu_session_get_replica (self->session);
  NameLookup *lookup;

  g_object_set (row, "title", what, NULL);
  if (replica == NULL || household_id == NULL)
    return;

  lookup = g_new0 (NameLookup, 1);
  /* A plain ref: the row stays floating for the list box that takes it. */
  lookup->row = g_object_ref (row);
  lookup->what = g_strdup (what);
  anbu_replica_get_record_async (replica, "household", household_id, self->cancellable,
                                 on_household_for_row, lookup);
}

static GtkWidget *
create_entry_row (AnbuClientAccount *self,
                  AnbuOutboxEntry   *entry)
{
  GtkWidget *row = adw_action_row_new ();

  title_with_household (self, row, anbu_sync_text_mutation_kind (anbu_outbox_entry_get_kind (entry)),
                        anbu_outbox_entry_get_household_id (entry));

  if (anbu_outbox_entry_get_state (entry) == ANBU_OUTBOX_STATE_REJECTED)
    {
      g_autofree char *reason = anbu_sync_text_rejection (anbu_outbox_entry_get_reason_code (entry),
                                                          anbu_outbox_entry_get_reason_field (entry));
      GtkWidget *dismiss = gtk_button_new_with_mnemonic (_("_Dismiss"));

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), reason);
      gtk_widget_set_valign (dismiss, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (dismiss, _("Remove this change from the list; it is not sent again"));
      g_object_set_data (G_OBJECT (dismiss), "account", self);
      g_signal_connect_object (dismiss, "clicked", G_CALLBACK (on_dismiss_clicked), entry, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), dismiss);
    }
  else
    {
      g_autoptr (GDateTime) now = anbu_clock_get_now_utc (anbu_clock_get_default ());
      GDateTime *created = anbu_outbox_entry_get_created_at (entry);
      g_autofree char *when = created != NULL ? anbu_kst_format_relative (created, now) : NULL;

      if (when != NULL)
        /* Translators: %s is a relative time ("3분 전"). */
        {
          g_autofree char *subtitle = g_strdup_printf (_("Recorded %s"), when);

          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
        }
    }
  return row;
}

static GtkWidget *
client_create_sync_row (AnbuAccount *account,
                        gpointer     item)
{
  AnbuClientAccount *self = ANBU_CLIENT_ACCOUNT (account);

  if (ANBU_IS_CONFLICT (item))
    {
      AnbuConflict *conflict = item;
      g_autofree char *mine = anbu_sync_text_json_value (anbu_conflict_get_mine_json (conflict));
      g_autofree char *theirs = anbu_sync_text_json_value (anbu_conflict_get_theirs_json (conflict));
      GtkWidget *row;

      row = anbu_conflict_row_new (NULL, mine, theirs);
      title_with_household (self, row, anbu_sync_text_household_field (anbu_conflict_get_field (conflict)),
                            anbu_conflict_get_household_id (conflict));
      g_object_set_data (G_OBJECT (row), "account", self);
      g_signal_connect_object (row, "resolve", G_CALLBACK (on_conflict_row_resolve), conflict, 0);
      return row;
    }

  g_return_val_if_fail (ANBU_IS_OUTBOX_ENTRY (item), NULL);
  return create_entry_row (self, item);
}

static void
anbu_client_account_iface_init (AnbuAccountInterface *iface)
{
  iface->sign_in_async = client_sign_in_async;
  iface->sign_in_finish = client_finish;
  iface->unlock_async = client_unlock_async;
  iface->unlock_finish = client_finish;
  iface->sign_out_async = client_sign_out_async;
  iface->sign_out_finish = client_finish;
  iface->sync_now = client_sync_now;
  iface->lock = client_lock;
  iface->open_casework = client_open_casework;
  iface->close_casework = client_close_casework;
  iface->rebuild_async = client_rebuild_async;
  iface->rebuild_finish = client_rebuild_finish;
  iface->renew_async = client_renew_async;
  iface->renew_finish = client_finish;
  iface->get_pending = client_get_pending;
  iface->get_conflicts = client_get_conflicts;
  iface->get_rejections = client_get_rejections;
  iface->create_sync_row = client_create_sync_row;
}

/* ---------------------------------------------------------------------------------------- */

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (AnbuClientAccount) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!anbu_session_load_finish (ANBU_SESSION (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Loading the session: %s", error->message);
  self->loaded = TRUE;
  on_session_user (self);
  for (guint i = 0; i < self->waiting_for_load->len; i++)
    start_sign_in (g_ptr_array_index (self->waiting_for_load, i));
  g_ptr_array_set_size (self->waiting_for_load, 0);
}

static void
anbu_client_account_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  AnbuClientAccount *self = ANBU_CLIENT_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_DISPLAY_NAME:
      {
        JsonObject *user = anbu_session_get_user (self->session);
        const char *name = user != NULL ? json_object_get_string_member_with_default (user, "display_name", NULL)
                                        : NULL;

        g_value_set_string (value, name != NULL ? name : anbu_session_get_username (self->session));
      }
      break;
    case PROP_SYNC_STATE:
      g_value_set_enum (value, self->engine != NULL
                                 ? map_sync_state (anbu_sync_engine_get_state (self->engine))
                                 : ANBU_SYNC_INDICATOR_OFFLINE);
      break;
    case PROP_LAST_SYNC:
      g_value_take_boxed (value, self->engine != NULL ? anbu_sync_engine_dup_last_sync (self->engine)
                                                      : NULL);
      break;
    case PROP_PENDING_COUNT:
      g_value_set_uint (value, self->engine != NULL ? anbu_sync_engine_get_pending_count (self->engine)
                                                    : anbu_session_get_pending_count (self->session));
      break;
    case PROP_NEEDS_SIGN_IN:
      g_value_set_boolean (value, self->engine != NULL
                                    && anbu_sync_engine_get_needs_sign_in (self->engine));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_client_account_dispose (GObject *object)
{
  AnbuClientAccount *self = ANBU_CLIENT_ACCOUNT (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_object (&self->engine);
  g_clear_object (&self->casework);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->pending);
  g_clear_object (&self->conflicts);
  g_clear_object (&self->rejections);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->waiting_for_load, g_ptr_array_unref);

  G_OBJECT_CLASS (anbu_client_account_parent_class)->dispose (object);
}

static void
anbu_client_account_class_init (AnbuClientAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = anbu_client_account_get_property;
  object_class->dispose = anbu_client_account_dispose;

  g_object_class_override_property (object_class, PROP_DISPLAY_NAME, "display-name");
  g_object_class_override_property (object_class, PROP_SYNC_STATE, "sync-state");
  g_object_class_override_property (object_class, PROP_LAST_SYNC, "last-sync");
  g_object_class_override_property (object_class, PROP_PENDING_COUNT, "pending-count");
  g_object_class_override_property (object_class, PROP_NEEDS_SIGN_IN, "needs-sign-in");
}

static void
anbu_client_account_init (AnbuClientAccount *self)
{
  self->cancellable = g_cancellable_new ();
  self->waiting_for_load = g_ptr_array_new_with_free_func (g_object_unref);
  self->pending = g_list_store_new (ANBU_TYPE_OUTBOX_ENTRY);
  self->conflicts = g_list_store_new (ANBU_TYPE_CONFLICT);
  self->rejections = g_list_store_new (ANBU_TYPE_OUTBOX_ENTRY);
}

/**
 * anbu_client_account_new:
 * @data_dir: where the planner's encrypted replica lives (created when missing)
 *
 * Returns: (transfer full): the account; it starts reading what the directory holds at once
 */
AnbuClientAccount *
anbu_client_account_new (const char *data_dir)
{
  AnbuClientAccount *self;

  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (ANBU_TYPE_CLIENT_ACCOUNT, NULL);
  self->session = anbu_session_new (data_dir);
  g_signal_connect_object (self->session, "notify::sync-engine", G_CALLBACK (watch_engine),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::state", G_CALLBACK (on_engine_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::user", G_CALLBACK (on_session_user),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::username", G_CALLBACK (on_session_user),
                           self, G_CONNECT_SWAPPED);
  anbu_session_load_async (self->session, self->cancellable, on_loaded, g_object_ref (self));
  return self;
}

/**
 * anbu_client_account_get_session:
 *
 * Returns: (transfer none): the client session behind the account
 */
AnbuSession *
anbu_client_account_get_session (AnbuClientAccount *self)
{
  g_return_val_if_fail (ANBU_IS_CLIENT_ACCOUNT (self), NULL);

  return self->session;
}
