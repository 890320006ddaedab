/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Test helper for telemetry and signals: a real anbu-server on a manual
 * clock (--manual-clock; time moves only by POST /api/v1/admin/tick), an
 * admin, a gateway credential, and households with plugs made through the
 * API. Times are Unix seconds. */

#include "anbu-test-server.h"

G_BEGIN_DECLS

#define INGEST_PASSWORD "correct horse battery"

typedef struct
{
  AnbuTestServer *server;
  char           *admin_id;
  char           *admin_token;
  char           *gateway_token;
  char          **extra_args;
} IngestFixture;

/* Starts at `clock` with `extra_args` (NULL-terminated, may be NULL) after
 * the clock option. */
IngestFixture    *ingest_fixture_new            (gint64               clock,
                                                 const char * const  *extra_args);
void              ingest_fixture_free           (IngestFixture       *fixture);
/* Another instance on the same (PostgreSQL) database, on its own manual
 * clock at `clock`, with the same admin and gateway tokens. */
IngestFixture    *ingest_fixture_new_instance   (IngestFixture       *fixture,
                                                 gint64               clock);
/* Stops the server (SIGTERM) unless stopped already and starts it again on
 * the same database. */
void              ingest_fixture_restart        (IngestFixture       *fixture,
                                                 gint64               clock);

/* A timer pass at `now` that fails (the visits it reads first are not
 * there for it; the clock moves on): the next pass looks at every
 * household, as after another instance's passes. */
void              ingest_tick_failing           (IngestFixture       *fixture,
                                                 gint64               now);

char             *ingest_time                   (gint64               t);
/* The Unix time of the ISO 8601 text in `object`'s `member` (asserted to
 * be one): ingest_time() read back. */
gint64            ingest_member_time            (JsonObject          *object,
                                                 const char          *member);

/* A household in `dong` with one plug `serial` installed at `installed`;
 * returns the household id. */
char             *ingest_add_household          (IngestFixture       *fixture,
                                                 const char          *dong,
                                                 gboolean             night_consent,
                                                 guint                threshold_hours,
                                                 const char          *serial,
                                                 gint64               installed);
/* A planner (or control user when dong is NULL); returns a signed-in token. */
char             *ingest_add_user               (IngestFixture       *fixture,
                                                 const char          *username,
                                                 const char          *role,
                                                 const char          *dong);
/* Applies one mutation with the admin token; asserts it was applied. */
JsonObject       *ingest_push                   (IngestFixture       *fixture,
                                                 const char          *kind,
                                                 const char          *payload);

/* Readings of one plug from `from` every `step` seconds, `n` of them, with
 * standby `watts` except `on_watts` in [on_from, on_to), and lux from
 * `lux_fn` (NULL = 0). As a JSON array's items (no brackets). */
typedef double (*IngestLuxFunc) (gint64 t);
char             *ingest_readings_json          (const char          *serial,
                                                 gint64               from,
                                                 gint64               step,
                                                 guint                n,
                                                 double               watts,
                                                 double               on_watts,
                                                 gint64               on_from,
                                                 gint64               on_to,
                                                 IngestLuxFunc        lux_fn);
/* POST /api/v1/telemetry {"readings": [items]} with the gateway token;
 * asserts 200 and returns the answer. */
AnbuTestResponse *ingest_post                   (IngestFixture       *fixture,
                                                 const char          *items);
/* Posts in batches of at most 5000 (the items of ingest_readings_json). */
void              ingest_post_span              (IngestFixture       *fixture,
                                                 const char          *serial,
                                                 gint64               from,
                                                 gint64               to,
                                                 gint64               step,
                                                 double               watts,
                                                 double               on_watts,
                                                 gint64               on_from,
                                                 gint64               on_to,
                                                 IngestLuxFunc        lux_fn);
/* POST /api/v1/admin/tick; returns the answer object (owned by the caller's
 * response, freed with it). */
AnbuTestResponse *ingest_tick                   (IngestFixture       *fixture,
                                                 gint64               now);
/* The latest record of every alert visible to `token` (admin when NULL)
 * for `household_id` (all when NULL), from a full pull. */
GPtrArray        *ingest_alerts                 (IngestFixture       *fixture,
                                                 const char          *token,
                                                 const char          *household_id);

G_END_DECLS
