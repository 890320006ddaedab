/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "anbu-store.h"

G_BEGIN_DECLS

#define ANBU_TYPE_SQLITE_STORE (anbu_sqlite_store_get_type ())
G_DECLARE_FINAL_TYPE (AnbuSqliteStore, anbu_sqlite_store, ANBU, SQLITE_STORE, GObject)

/* Opens (creating if needed) the database at `path` in WAL mode and brings
 * its schema up to date. */
AnbuStore *anbu_sqlite_store_open (const char  *path,
                                   GError     **error);

/* The connection, for telemetry and detection (anbu-telemetry.h), which
 * need prepared statements of their own on the same database. */
sqlite3   *anbu_sqlite_store_get_handle (AnbuSqliteStore *self);

/* Sets `error` from `db`'s last failure, as every SQLite part of the server
 * reports it: a unique key taken is EXISTS, a full disk FULL (nothing was
 * written; the same write succeeds once there is space), else FAILED, with
 * `what` in front. Returns FALSE. */
gboolean   anbu_sqlite_store_set_error  (sqlite3         *db,
                                         GError         **error,
                                         const char      *what);

/* The schema version this build writes (`migrate` copies only a database
 * at it). */
guint      anbu_sqlite_store_get_latest_schema_version (void);

G_END_DECLS
