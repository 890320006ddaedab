/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-sqlite-store.h"
#include "anbu-telemetry-store.h"

G_BEGIN_DECLS

#define ANBU_TYPE_SQLITE_TELEMETRY_STORE (anbu_sqlite_telemetry_store_get_type ())
G_DECLARE_FINAL_TYPE (AnbuSqliteTelemetryStore, anbu_sqlite_telemetry_store, ANBU,
                      SQLITE_TELEMETRY_STORE, GObject)

/* Telemetry's tables in the SQLite store's file. With `own_connection`
 * the batch side opens a connection of its own to the file (WAL: the
 * store's connection goes on reading while a batch is written; writers
 * wait for each other); else it uses the store's. Statements are prepared
 * on first use. */
AnbuTelemetryStore *anbu_sqlite_telemetry_store_open (AnbuSqliteStore  *store,
                                                      gboolean          own_connection,
                                                      GError          **error);

G_END_DECLS
