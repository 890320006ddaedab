/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "anbu-report-store.h"

G_BEGIN_DECLS

#define ANBU_TYPE_SQLITE_REPORT_STORE (anbu_sqlite_report_store_get_type ())
G_DECLARE_FINAL_TYPE (AnbuSqliteReportStore, anbu_sqlite_report_store, ANBU,
                      SQLITE_REPORT_STORE, GObject)

/* The reports' reads on `db` (borrowed: it must outlive the store), a
 * connection to a database the SQLite store made; statements are
 * prepared when a read is made. */
AnbuReportStore *anbu_sqlite_report_store_new        (sqlite3               *db);

/* Its connection, for tests that run what no report runs on it. */
sqlite3         *anbu_sqlite_report_store_get_handle (AnbuSqliteReportStore *self);

G_END_DECLS
