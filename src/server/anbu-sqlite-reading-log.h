/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "anbu-reading-log.h"

G_BEGIN_DECLS

#define ANBU_TYPE_SQLITE_READING_LOG (anbu_sqlite_reading_log_get_type ())
G_DECLARE_FINAL_TYPE (AnbuSqliteReadingLog, anbu_sqlite_reading_log, ANBU, SQLITE_READING_LOG,
                      GObject)

/* The readings in the tables reading_bucket and reading_hourly of `db`,
 * whose schema the SQLite store made (anbu-reading-buckets.h). `db` is
 * borrowed and must outlive the log; statements are prepared on first use,
 * so a log made for one query costs nothing it does not use. A write joins
 * the transaction open on `db`, or makes its own. */
AnbuReadingLog *anbu_sqlite_reading_log_new (sqlite3 *db);

G_END_DECLS
