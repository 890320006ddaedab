/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-report-store.h"

G_BEGIN_DECLS

#define ANBU_TYPE_PG_REPORT_STORE (anbu_pg_report_store_get_type ())
G_DECLARE_FINAL_TYPE (AnbuPgReportStore, anbu_pg_report_store, ANBU, PG_REPORT_STORE, GObject)

/* The reports' reads on a PostgreSQL connection of their own to the
 * database of `conninfo` (whose schema the PostgreSQL store made), in UTC
 * so that a time recorded without its zone reads as SQLite reads it, and
 * the readings through an AnbuPgReadingLog on that same connection (the
 * deadline below bounds their reads too). */
AnbuReportStore *anbu_pg_report_store_open            (const char         *conninfo,
                                                       GError            **error);

/* Every statement from now on ends by `deadline` (monotonic µs; 0: none),
 * however many a report makes, on the readings' connection too: a read
 * stopped by it, or started past it, fails with G_IO_ERROR_TIMED_OUT
 * (readings: with the deadline passed). */
void             anbu_pg_report_store_set_deadline    (AnbuPgReportStore  *self,
                                                       gint64              deadline);

/* FALSE once the connection broke: make a new store. */
gboolean         anbu_pg_report_store_is_connected    (AnbuPgReportStore  *self);

G_END_DECLS
