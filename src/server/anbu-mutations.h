/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "anbu-household.h"
#include "anbu-metrics.h"
#include "anbu-store.h"

G_BEGIN_DECLS

/* At most this many entries in one POST /api/v1/mutations. */
#define ANBU_MUTATIONS_MAX_BATCH 1000

/* Checks the envelope of a push body: {"mutations": [entry, ...]}, each
 * entry an object with a UUID "id". Returns the entries (owned by `root`);
 * on error names the field ("mutations.3.id"). Kinds and payloads are
 * checked per entry by anbu_mutations_apply(). */
JsonArray *anbu_mutations_check_batch     (JsonNode               *root,
                                           GError                **error);

/* Applies the entries in order in one transaction, each in a savepoint,
 * and returns the "results" array of docs/api.md. A rejected entry does
 * not stop the others, except those about a household whose creation was
 * rejected earlier in the batch (`depends_on_rejected`). Every applied
 * entry leaves an access-log line (write) for its household. Returns NULL
 * only when storage fails, and then nothing of the batch is kept. */
JsonNode  *anbu_mutations_apply           (AnbuStore              *store,
                                           AnbuMetrics            *metrics,
                                           const AnbuStoreUser    *user,
                                           const AnbuScope        *scope,
                                           const AnbuAccessEntry  *access,
                                           JsonArray              *entries,
                                           GError                **error);

/* Stores `household` as the version after `stored_version` (0 for a new
 * one): sets its version and updated_at, writes the record, and keeps
 * `field_versions` (JSON object text, NULL for none). Must run inside a
 * store transaction. */
gboolean   anbu_mutations_save_household  (AnbuStore              *store,
                                           AnbuHousehold          *household,
                                           const char             *field_versions,
                                           gint64                  stored_version,
                                           AnbuStoreEntity       **saved,
                                           GError                **error);

G_END_DECLS
