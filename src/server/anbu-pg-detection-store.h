/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-detection-store.h"
#include "anbu-pg-store.h"

G_BEGIN_DECLS

#define ANBU_TYPE_PG_DETECTION_STORE (anbu_pg_detection_store_get_type ())
G_DECLARE_FINAL_TYPE (AnbuPgDetectionStore, anbu_pg_detection_store, ANBU, PG_DETECTION_STORE,
                      GObject)

/* Detection on the PostgreSQL store's tables (step 5: plug_live,
 * activity_event, ingest_witness, routine_profile; records as JSON text),
 * through anbu_pg_store_query: on the store's connection and inside its
 * transactions. Raw readings and folded hours, which may live on a
 * database of their own, are read from `readings`. */
AnbuDetectionStore *anbu_pg_detection_store_new (AnbuPgStore     *store,
                                                 AnbuReadingLog  *readings,
                                                 GError         **error);

G_END_DECLS
