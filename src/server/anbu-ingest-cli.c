/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-ingest"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-clock.h"
#include "anbu-ingest-cli.h"
#include "anbu-live-event-bus.h"
#include "anbu-server-time.h"
#include "anbu-sqlite-store.h"
#include "anbu-timer-pass-leader.h"

AnbuIngestService *
anbu_ingest_serve_start (AnbuStore           *store,
                         const char          *location,
                         AnbuHttpServer      *server,
                         AnbuIngestServeArgs *args,
                         GError             **error)
{
  g_autofree char *manual_clock = g_steal_pointer (&args->manual_clock);
  g_autofree char *days_off = g_steal_pointer (&args->routine_days_off);
  AnbuIngestOptions options = { 0 };
  AnbuIngestService *service;

  if (days_off != NULL && g_strcmp0 (days_off, "on") != 0 && g_strcmp0 (days_off, "off") != 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--routine-days-off is on or off"));
      return NULL;
    }

  if (args->offline_after < 0 || args->offline_after > 30 * 24 * 3600)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--offline-after is a number of seconds up to 30 days");
      return NULL;
    }
  if (args->retention_days < 0 || args->retention_days > 3650)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--retention-days is a number of days up to 3650");
      return NULL;
    }
  if (args->plug_interval < 0 || args->plug_interval > 3600)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--live-plug-interval is a number of seconds up to 3600");
      return NULL;
    }
  if (args->queue_limit != 0 && (args->queue_limit < 4096 || args->queue_limit > G_MAXINT32))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--live-queue-limit is a number of bytes from 4096 to 2147483647");
      return NULL;
    }
  if (manual_clock != NULL)
    {
      g_autoptr(AnbuClock) clock = NULL;
      gint64 start;

      if (!anbu_server_time_parse (manual_clock, &start))
        {
          g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                               "--manual-clock is an ISO 8601 time with an offset");
          return NULL;
        }
      /* The whole process (sessions, throttling, detection, sync) reads
       * this clock; it moves only by POST /api/v1/admin/tick. */
      clock = anbu_clock_new_manual (start * G_USEC_PER_SEC);
      anbu_clock_set_default (clock);
    }
  options.offline_after = args->offline_after;
  options.retention_days = (guint) args->retention_days;
  options.plug_interval = (guint) args->plug_interval;
  options.queue_limit = (guint64) args->queue_limit;
  options.leader = anbu_timer_pass_leader_new_for_location (location, error);
  if (options.leader == NULL)
    return NULL;
  options.live_bus = anbu_live_event_bus_new_for_location (location, error);
  if (options.live_bus == NULL)
    {
      g_object_unref (options.leader);
      return NULL;
    }

  service = anbu_ingest_service_new (store, &options, error);
  g_object_unref (options.leader);
  g_object_unref (options.live_bus);
  if (service != NULL)
    {
      AnbuRoutineParams routine;

      anbu_routine_params_init_default (&routine);
      if (args->routine_margin != 0)
        routine.margin = args->routine_margin;
      if (args->routine_slack_hours != 0)
        routine.slack_hours = args->routine_slack_hours;
      if (args->routine_window_days != 0)
        routine.window_days = (guint) MAX (args->routine_window_days, 0);
      if (args->routine_warmup_days != 0)
        routine.warmup_days = (guint) MAX (args->routine_warmup_days, 0);
      if (days_off != NULL)
        routine.days_off = g_strcmp0 (days_off, "on") == 0;
      if (!anbu_alert_engine_set_routine_params (anbu_ingest_service_get_engine (service),
                                                 &routine, error))
        {
          g_object_unref (service);
          return NULL;
        }
      anbu_ingest_service_attach (service, server);
    }
  return service;
}

int
anbu_ingest_cli_gateway_add (int    argc,
                             char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *name = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, NULL, NULL },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStore) store = NULL;
  g_autofree char *token = NULL;

  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("anbu-server: %s\n", error->message);
      return 2;
    }
  if (db == NULL || name == NULL || *name == '\0' || g_utf8_strlen (name, -1) > 200)
    {
      g_printerr ("%s", _("anbu-server: gateway add needs --db FILE and --name NAME\n"));
      return 2;
    }
  store = anbu_store_open (db, &error);
  if (store == NULL)
    {
      g_printerr ("anbu-server: %s\n", error->message);
      return 1;
    }
  token = anbu_ingest_service_add_gateway (store, name, &error);
  if (token == NULL)
    {
      g_printerr ("anbu-server: %s\n", error->message);
      return 1;
    }
  /* The token is shown once: only its hash is stored. */
  g_print ("%s\n", token);
  return 0;
}
