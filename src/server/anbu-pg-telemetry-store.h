/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-pg-store.h"
#include "anbu-telemetry-store.h"

G_BEGIN_DECLS

#define ANBU_TYPE_PG_TELEMETRY_STORE (anbu_pg_telemetry_store_get_type ())
G_DECLARE_FINAL_TYPE (AnbuPgTelemetryStore, anbu_pg_telemetry_store, ANBU, PG_TELEMETRY_STORE,
                      GObject)

/* Telemetry's tables in the PostgreSQL store's database (schema step 5).
 * With `own_connection` the batch side connects on its own
 * (anbu_pg_store_connect, for the ingest thread); else it runs on the
 * store's connection and transactions. A batch's plugs are read, and its
 * live fields, detectors and activity events written, with one statement
 * each for all its plugs (events wait in the engine until then). A lost
 * own connection is made anew before the next transaction. */
AnbuTelemetryStore *anbu_pg_telemetry_store_open (AnbuPgStore  *store,
                                                  gboolean      own_connection,
                                                  GError      **error);

G_END_DECLS
