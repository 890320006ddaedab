/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-live"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <libpq-fe.h>

#include "anbu-pg-event-bus.h"
#include "anbu-pg-store.h"

#define RELISTEN_INTERVAL_MS 1000

G_STATIC_ASSERT (ANBU_LIVE_EVENT_BUS_MAX_PAYLOAD + 17 < 8000);

struct _AnbuPgEventBus
{
  GObject       parent_instance;

  GMainContext *context;
  PGconn       *notifier;
  PGconn       *listener;
  GSource      *watch;       /* the listener's socket */
  GSource      *relisten;    /* a timer while the listener is lost */
  guint64       published;   /* payloads this bus sent, for their prefix */
};

static void anbu_pg_event_bus_iface_init (AnbuLiveEventBusInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AnbuPgEventBus, anbu_pg_event_bus, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ANBU_TYPE_LIVE_EVENT_BUS,
                                                      anbu_pg_event_bus_iface_init))

static void start_relistening (AnbuPgEventBus *self);

/* `what` failed, in PostgreSQL's words. */
static void
set_pg_error (PGconn      *conn,
              const char  *what,
              GError     **error)
{
  g_autofree char *message = g_strdup (PQerrorMessage (conn));

  g_set_error (error, ANBU_LIVE_EVENT_BUS_ERROR, ANBU_LIVE_EVENT_BUS_ERROR_FAILED, "%s: %s", what,
               g_strstrip (message));
}

/* PostgreSQL delivers identical payloads of one transaction once: each
 * goes out behind a number of its own ("2a;…"), taken off on receipt. */
static const char *
strip_prefix (const char *extra)
{
  const char *payload = strchr (extra, ';');

  return payload != NULL ? payload + 1 : extra;
}

/* Everything that arrived, in order. */
static void
deliver_notifications (AnbuPgEventBus *self)
{
  PGnotify *notify;

  while ((notify = PQnotifies (self->listener)) != NULL)
    {
      anbu_live_event_bus_deliver (ANBU_LIVE_EVENT_BUS (self), strip_prefix (notify->extra));
      PQfreemem (notify);
    }
}

static void
stop_watching (AnbuPgEventBus *self)
{
  if (self->watch != NULL)
    g_source_destroy (self->watch);
  g_clear_pointer (&self->watch, g_source_unref);
}

static gboolean
on_listener_readable (int           fd,
                      GIOCondition  condition,
                      gpointer      user_data)
{
  AnbuPgEventBus *self = user_data;
  g_autoptr(GObject) keep = g_object_ref (G_OBJECT (self));

  if (!PQconsumeInput (self->listener) || PQstatus (self->listener) == CONNECTION_BAD)
    {
      g_warning ("Lost the connection that listens for live events: %s",
                 PQerrorMessage (self->listener));
      /* The source is ours to drop: this callback returns REMOVE. */
      g_clear_pointer (&self->watch, g_source_unref);
      start_relistening (self);
      return G_SOURCE_REMOVE;
    }
  deliver_notifications (self);
  return G_SOURCE_CONTINUE;
}

/* LISTEN on the listener connection and watch its socket. */
static gboolean
listen_and_watch (AnbuPgEventBus  *self,
                  GError         **error)
{
  PGresult *result = PQexec (self->listener, "LISTEN " ANBU_PG_EVENT_BUS_CHANNEL);
  gboolean ok = PQresultStatus (result) == PGRES_COMMAND_OK;

  PQclear (result);
  if (!ok)
    {
      set_pg_error (self->listener, _("Cannot listen for live events in PostgreSQL"), error);
      return FALSE;
    }
  /* Non-blocking, so that reading what is there never waits for more. */
  PQsetnonblocking (self->listener, 1);
  stop_watching (self);
  self->watch = g_unix_fd_source_new (PQsocket (self->listener), G_IO_IN | G_IO_HUP | G_IO_ERR);
  g_source_set_callback (self->watch, G_SOURCE_FUNC (on_listener_readable), self, NULL);
  g_source_set_static_name (self->watch, "[anbu] live events from PostgreSQL");
  g_source_attach (self->watch, self->context);
  return TRUE;
}

static gboolean
on_relisten_timeout (gpointer user_data)
{
  AnbuPgEventBus *self = user_data;
  g_autoptr(GError) error = NULL;

  PQreset (self->listener);
  if (PQstatus (self->listener) != CONNECTION_OK || !listen_and_watch (self, &error))
    {
      g_debug ("Still cannot listen for live events: %s",
               error != NULL ? error->message : PQerrorMessage (self->listener));
      return G_SOURCE_CONTINUE;
    }
  g_message ("Listening for live events again");
  g_clear_pointer (&self->relisten, g_source_unref);
  anbu_live_event_bus_report_lost (ANBU_LIVE_EVENT_BUS (self));
  return G_SOURCE_REMOVE;
}

static void
start_relistening (AnbuPgEventBus *self)
{
  if (self->relisten != NULL)
    return;
  self->relisten = g_timeout_source_new (RELISTEN_INTERVAL_MS);
  g_source_set_callback (self->relisten, on_relisten_timeout, self, NULL);
  g_source_set_static_name (self->relisten, "[anbu] listen for live events again");
  g_source_attach (self->relisten, self->context);
}

/* One round trip and one transaction for all: "SELECT pg_notify (…);" per
 * payload in one simple-protocol query keeps their order. */
static gboolean
pg_publish (AnbuLiveEventBus    *bus,
            const char * const  *payloads,
            guint                n_payloads,
            GError             **error)
{
  AnbuPgEventBus *self = ANBU_PG_EVENT_BUS (bus);
  g_autoptr(GString) sql = g_string_new (NULL);
  PGresult *result;
  gboolean ok;

  if (PQstatus (self->notifier) == CONNECTION_BAD)
    PQreset (self->notifier);
  for (guint i = 0; i < n_payloads; i++)
    {
      g_autofree char *numbered = g_strdup_printf ("%" G_GINT64_MODIFIER "x;%s",
                                                   ++self->published, payloads[i]);
      char *literal = PQescapeLiteral (self->notifier, numbered, strlen (numbered));

      if (literal == NULL)
        {
          set_pg_error (self->notifier, _("Cannot send a live event through PostgreSQL"),
                        error);
          return FALSE;
        }
      g_string_append_printf (sql, "SELECT pg_notify ('" ANBU_PG_EVENT_BUS_CHANNEL "', %s);",
                              literal);
      PQfreemem (literal);
    }
  result = PQexec (self->notifier, sql->str);
  ok = PQresultStatus (result) == PGRES_TUPLES_OK || PQresultStatus (result) == PGRES_COMMAND_OK;
  PQclear (result);
  if (!ok)
    set_pg_error (self->notifier, _("Cannot send a live event through PostgreSQL"), error);
  return ok;
}

static gboolean
pg_reaches_other_instances (AnbuLiveEventBus *bus)
{
  return TRUE;
}

static void
anbu_pg_event_bus_iface_init (AnbuLiveEventBusInterface *iface)
{
  iface->publish = pg_publish;
  iface->reaches_other_instances = pg_reaches_other_instances;
}

static void
anbu_pg_event_bus_finalize (GObject *object)
{
  AnbuPgEventBus *self = ANBU_PG_EVENT_BUS (object);

  stop_watching (self);
  if (self->relisten != NULL)
    g_source_destroy (self->relisten);
  g_clear_pointer (&self->relisten, g_source_unref);
  g_clear_pointer (&self->listener, PQfinish);
  g_clear_pointer (&self->notifier, PQfinish);
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (anbu_pg_event_bus_parent_class)->finalize (object);
}

static void
anbu_pg_event_bus_class_init (AnbuPgEventBusClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = anbu_pg_event_bus_finalize;
}

static void
anbu_pg_event_bus_init (AnbuPgEventBus *self)
{
  self->context = g_main_context_ref_thread_default ();
}

AnbuLiveEventBus *
anbu_pg_event_bus_new (const char  *conninfo,
                       GError     **error)
{
  g_autoptr(AnbuPgEventBus) self = g_object_new (ANBU_TYPE_PG_EVENT_BUS, NULL);

  g_return_val_if_fail (conninfo != NULL, NULL);

  if ((self->notifier = anbu_pg_store_connect (conninfo, NULL, error)) == NULL
      || (self->listener = anbu_pg_store_connect (conninfo, NULL, error)) == NULL
      || !listen_and_watch (self, error))
    return NULL;
  return ANBU_LIVE_EVENT_BUS (g_steal_pointer (&self));
}
