/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libpq-fe.h>

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

/* A connection of its own to the database of `conninfo`, with the store's
 * settings (connect timeout, application name, encoding, no notices) and
 * `settings` ("-c name=value …", NULL: none) added: for the cluster's
 * leader lock, event listener and shared throttle. Opening the store first
 * brings the schema up to date. */
PGconn    *anbu_pg_store_connect (const char  *conninfo,
                                  const char  *settings,
                                  GError     **error);

/* The schema version the database has, or -1 with `error` set. */
gint       anbu_pg_store_get_schema_version (AnbuPgStore  *self,
                                             GError      **error);

/* The schema version this build writes. */
guint      anbu_pg_store_get_latest_schema_version (void);

G_END_DECLS
