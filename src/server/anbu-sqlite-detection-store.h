/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "anbu-detection-store.h"

G_BEGIN_DECLS

#define ANBU_TYPE_SQLITE_DETECTION_STORE (anbu_sqlite_detection_store_get_type ())
G_DECLARE_FINAL_TYPE (AnbuSqliteDetectionStore, anbu_sqlite_detection_store, ANBU,
                      SQLITE_DETECTION_STORE, GObject)

/* Detection's statements on `db`, the SQLite store's connection (borrowed:
 * it must outlive this), prepared once; they run in the store's
 * transactions. Raw readings are read from the packed buckets with the
 * functions anbu-reading-buckets.h registers on the connection. */
AnbuDetectionStore *anbu_sqlite_detection_store_new (sqlite3  *db,
                                                     GError  **error);

G_END_DECLS
