/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "anbu-live-store.h"

G_BEGIN_DECLS

#define ANBU_TYPE_SQLITE_LIVE_STORE (anbu_sqlite_live_store_get_type ())
G_DECLARE_FINAL_TYPE (AnbuSqliteLiveStore, anbu_sqlite_live_store, ANBU, SQLITE_LIVE_STORE,
                      GObject)

/* The live hub's reads on `db` (borrowed: the SQLite store's connection),
 * its statements prepared once. */
AnbuLiveStore *anbu_sqlite_live_store_new (sqlite3  *db,
                                           GError  **error);

G_END_DECLS
