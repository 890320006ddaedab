/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "anbu-http-server.h"
#include "anbu-ingest-service.h"
#include "anbu-store.h"

G_BEGIN_DECLS

/* The command-line side of telemetry and detection in anbu-server. */

typedef struct
{
  gint64  offline_after;    /* --offline-after SECONDS */
  gint    retention_days;   /* --retention-days DAYS */
  char   *manual_clock;     /* --manual-clock TIME (tests: the clock moves only by
                             * POST /api/v1/admin/tick) */
  gint    plug_interval;    /* --live-plug-interval SECONDS */
  gint64  queue_limit;      /* --live-queue-limit BYTES */
  /* Routine watch (anbu-routine-detector.h); 0 = the default. */
  double  routine_margin;       /* --routine-margin FACTOR (default 3) */
  double  routine_slack_hours;  /* --routine-slack-hours HOURS */
  gint    routine_window_days;  /* --routine-window-days DAYS */
  gint    routine_warmup_days;  /* --routine-warmup-days DAYS */
  char   *routine_days_off;     /* --routine-days-off on|off: profiles of days off apart */
} AnbuIngestServeArgs;

/* GOptionEntry lines for `serve`. */
#define ANBU_INGEST_SERVE_OPTIONS(args) \
  { "offline-after", 0, 0, G_OPTION_ARG_INT64, &(args).offline_after, NULL, NULL }, \
  { "retention-days", 0, 0, G_OPTION_ARG_INT, &(args).retention_days, NULL, NULL }, \
  { "manual-clock", 0, 0, G_OPTION_ARG_STRING, &(args).manual_clock, NULL, NULL }, \
  { "live-plug-interval", 0, 0, G_OPTION_ARG_INT, &(args).plug_interval, NULL, NULL }, \
  { "live-queue-limit", 0, 0, G_OPTION_ARG_INT64, &(args).queue_limit, NULL, NULL }, \
  { "routine-margin", 0, 0, G_OPTION_ARG_DOUBLE, &(args).routine_margin, NULL, NULL }, \
  { "routine-slack-hours", 0, 0, G_OPTION_ARG_DOUBLE, &(args).routine_slack_hours, NULL, NULL }, \
  { "routine-window-days", 0, 0, G_OPTION_ARG_INT, &(args).routine_window_days, NULL, NULL }, \
  { "routine-warmup-days", 0, 0, G_OPTION_ARG_INT, &(args).routine_warmup_days, NULL, NULL }, \
  { "routine-days-off", 0, 0, G_OPTION_ARG_STRING, &(args).routine_days_off, NULL, NULL }

/* Checks the arguments (freeing them), starts the service on `store`
 * (opened from `location`, the --db value) and attaches its routes to the
 * listening `server`. On PostgreSQL the instances on one database share
 * the timer pass (one leads) and the live events. */
AnbuIngestService *anbu_ingest_serve_start      (AnbuStore           *store,
                                                 const char          *location,
                                                 AnbuHttpServer      *server,
                                                 AnbuIngestServeArgs *args,
                                                 GError             **error);

/* anbu-server gateway add --db FILE --name NAME: prints the new token. */
int                anbu_ingest_cli_gateway_add  (int                  argc,
                                                 char               **argv);

G_END_DECLS
