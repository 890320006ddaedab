/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-store.h"

G_BEGIN_DECLS

#define ANBU_TYPE_PG_STORE (anbu_pg_store_get_type ())
G_DECLARE_FINAL_TYPE (AnbuPgStore, anbu_pg_store, ANBU, PG_STORE, GObject)

/* Connects to the PostgreSQL database named by `conninfo` (a
 * postgresql:// URI or libpq key=value text) and brings its schema up to
 * date. The store's schema only: telemetry, detection, statistics and the
 * live hub still need SQLite (docs/server.md, "PostgreSQL: what runs on it now"). */
AnbuStore *anbu_pg_store_open (const char  *conninfo,
                               GError     **error);

/* The schema version the database has, or -1 with `error` set. */
gint       anbu_pg_store_get_schema_version (AnbuPgStore  *self,
                                             GError      **error);

/* The schema version this build writes. */
guint      anbu_pg_store_get_latest_schema_version (void);

G_END_DECLS
