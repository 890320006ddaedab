/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-leader"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libpq-fe.h>

#include "anbu-pg-advisory-leader.h"
#include "anbu-pg-lock-keys.h"
#include "anbu-pg-store.h"

#define LOCK_KEY_TEXT ANBU_PG_LOCK_TIMER_PASS

/* PostgreSQL notices a vanished peer after 10 s idle and three unanswered
 * probes 5 s apart, ends the session and frees the lock; a query to a
 * vanished server fails after 25 s. Together well within 30 s. */
#define KEEPALIVE_SETTINGS "-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5" \
                           " -c tcp_keepalives_count=3 -c tcp_user_timeout=25000"

struct _AnbuPgAdvisoryLeader
{
  GObject       parent_instance;

  PGconn       *conn;
  gboolean      leading;
  GMainContext *context;
  GSource      *asking;   /* asks again every retry interval */
};

enum
{
  PROP_0,
  PROP_LEADING,
};

static void anbu_pg_advisory_leader_iface_init (AnbuTimerPassLeaderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AnbuPgAdvisoryLeader, anbu_pg_advisory_leader, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ANBU_TYPE_TIMER_PASS_LEADER,
                                                      anbu_pg_advisory_leader_iface_init))

/* The single value of a one-row query, or NULL with `error` set. */
static char *
query_value (AnbuPgAdvisoryLeader  *self,
             const char            *sql,
             GError               **error)
{
  PGresult *result = PQexec (self->conn, sql);
  char *value = NULL;

  if (PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) == 1)
    value = g_strdup (PQgetvalue (result, 0, 0));
  else
    {
      g_autofree char *message = g_strdup (PQerrorMessage (self->conn));

      g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                   _("Cannot ask PostgreSQL which instance runs the timer pass: %s"),
                   g_strstrip (message));
    }
  PQclear (result);
  return value;
}

/* A session lock is held as long as its session lives: while leading, a
 * round trip proves the session (and so the lock) is still there. A lost
 * session lost the lock with it; then the lock is asked for again on a new
 * connection, where another instance may have taken it meanwhile. Asking
 * for it twice in one session would stack the lock, so only a session that
 * does not hold it asks. */
static void
set_leading (AnbuPgAdvisoryLeader *self,
             gboolean              leading)
{
  if (self->leading == leading)
    return;
  self->leading = leading;
  if (leading)
    g_message ("This instance runs the timer pass now");
  g_object_notify (G_OBJECT (self), "leading");
}

static gboolean
pg_try_lead (AnbuTimerPassLeader  *leader,
             GError              **error)
{
  AnbuPgAdvisoryLeader *self = ANBU_PG_ADVISORY_LEADER (leader);
  g_autofree char *won = NULL;

  if (self->leading)
    {
      g_autofree char *alive = query_value (self, "SELECT 1", NULL);

      if (alive != NULL)
        return TRUE;
      g_warning ("Lost the connection that held the timer-pass lock; "
                 "another instance may run the pass now");
      set_leading (self, FALSE);
    }
  if (PQstatus (self->conn) == CONNECTION_BAD)
    PQreset (self->conn);
  won = query_value (self, "SELECT pg_try_advisory_lock (" LOCK_KEY_TEXT ")", error);
  if (won == NULL)
    return FALSE;
  set_leading (self, g_str_equal (won, "t"));
  return self->leading;
}

static gboolean
on_ask_timeout (gpointer user_data)
{
  AnbuPgAdvisoryLeader *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!pg_try_lead (ANBU_TIMER_PASS_LEADER (self), &error) && error != NULL)
    g_warning ("%s", error->message);
  return G_SOURCE_CONTINUE;
}

static void
anbu_pg_advisory_leader_iface_init (AnbuTimerPassLeaderInterface *iface)
{
  iface->try_lead = pg_try_lead;
}

static void
stop_asking (AnbuPgAdvisoryLeader *self)
{
  if (self->asking != NULL)
    g_source_destroy (self->asking);
  g_clear_pointer (&self->asking, g_source_unref);
}

static void
anbu_pg_advisory_leader_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  AnbuPgAdvisoryLeader *self = ANBU_PG_ADVISORY_LEADER (object);

  switch (prop_id)
    {
    case PROP_LEADING:
      g_value_set_boolean (value, self->leading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_pg_advisory_leader_dispose (GObject *object)
{
  stop_asking (ANBU_PG_ADVISORY_LEADER (object));
  G_OBJECT_CLASS (anbu_pg_advisory_leader_parent_class)->dispose (object);
}

static void
anbu_pg_advisory_leader_finalize (GObject *object)
{
  AnbuPgAdvisoryLeader *self = ANBU_PG_ADVISORY_LEADER (object);

  /* Ending the session hands the lead on at once. */
  g_clear_pointer (&self->conn, PQfinish);
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (anbu_pg_advisory_leader_parent_class)->finalize (object);
}

static void
anbu_pg_advisory_leader_class_init (AnbuPgAdvisoryLeaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = anbu_pg_advisory_leader_get_property;
  object_class->dispose = anbu_pg_advisory_leader_dispose;
  object_class->finalize = anbu_pg_advisory_leader_finalize;
  g_object_class_override_property (object_class, PROP_LEADING, "leading");
}

static void
anbu_pg_advisory_leader_init (AnbuPgAdvisoryLeader *self)
{
  self->context = g_main_context_ref_thread_default ();
}

void
anbu_pg_advisory_leader_set_retry_interval (AnbuPgAdvisoryLeader *self,
                                            guint                 milliseconds)
{
  g_return_if_fail (ANBU_IS_PG_ADVISORY_LEADER (self));
  g_return_if_fail (milliseconds > 0);

  stop_asking (self);
  self->asking = g_timeout_source_new (milliseconds);
  g_source_set_callback (self->asking, on_ask_timeout, self, NULL);
  g_source_set_static_name (self->asking, "[anbu] ask for the timer-pass lead");
  g_source_attach (self->asking, self->context);
}

AnbuTimerPassLeader *
anbu_pg_advisory_leader_new (const char  *conninfo,
                             GError     **error)
{
  g_autoptr(AnbuPgAdvisoryLeader) self = g_object_new (ANBU_TYPE_PG_ADVISORY_LEADER, NULL);

  g_return_val_if_fail (conninfo != NULL, NULL);

  self->conn = anbu_pg_store_connect (conninfo, KEEPALIVE_SETTINGS, error);
  if (self->conn == NULL)
    return NULL;
  anbu_pg_advisory_leader_set_retry_interval (self, ANBU_TIMER_PASS_LEADER_RETRY_SECONDS * 1000);
  return ANBU_TIMER_PASS_LEADER (g_steal_pointer (&self));
}
