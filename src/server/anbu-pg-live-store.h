/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-live-store.h"
#include "anbu-pg-store.h"

G_BEGIN_DECLS

#define ANBU_TYPE_PG_LIVE_STORE (anbu_pg_live_store_get_type ())
G_DECLARE_FINAL_TYPE (AnbuPgLiveStore, anbu_pg_live_store, ANBU, PG_LIVE_STORE, GObject)

/* The live hub's reads on the connection of `store` (anbu_pg_store_query). */
AnbuLiveStore *anbu_pg_live_store_new (AnbuPgStore *store);

G_END_DECLS
