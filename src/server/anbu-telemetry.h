/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "anbu-activity-detector.h"
#include "anbu-reading-log.h"
#include "anbu-store.h"

G_BEGIN_DECLS

/* Plug telemetry: readings in, activity events and plug live fields out.
 *
 * A batch is stored in one transaction; the answer says, per entry, whether
 * it was accepted, a duplicate of a stored reading (same serial and ts) or
 * rejected with a reason, and only comes after the commit. Readings may
 * arrive out of order: activity events around a late reading are computed
 * again from its stored neighbours. */

#define ANBU_TELEMETRY_MAX_BATCH          10000
#define ANBU_TELEMETRY_MAX_FUTURE_SECONDS 300
#define ANBU_TELEMETRY_MAX_WATTS          10000.0
#define ANBU_TELEMETRY_MAX_LUX            200000.0

/* The tables telemetry adds to the server's schema (migration steps). */
extern const char anbu_telemetry_schema_sql[];
/* The plug's learned detector and the ingest-gap witnesses. */
extern const char anbu_telemetry_schema_witness_sql[];
extern const char anbu_telemetry_schema_offline_sql[];
/* The learned detector in a table of its own. */
extern const char anbu_telemetry_schema_detector_sql[];

#define ANBU_TELEMETRY_ERROR (anbu_telemetry_error_quark ())

typedef enum
{
  ANBU_TELEMETRY_ERROR_FAILED,       /* the database refused */
  ANBU_TELEMETRY_ERROR_BAD_BATCH,    /* the envelope is wrong (not {"readings": [...]}, too many) */
} AnbuTelemetryError;

GQuark anbu_telemetry_error_quark (void);

/* One entry of a batch after parsing: a plain struct in the batch's array,
 * so a batch of 10,000 readings costs a few allocations, not 10,000.
 * `reject_code` is set when the entry itself is malformed (then the other
 * members may be unset). */
typedef struct
{
  const char *serial;         /* the batch's copy (one per distinct serial); NULL when unusable */
  guint       plug;           /* index of `serial` in the batch's `serials` */
  gint64      ts;
  double      watts;
  double      lux;
  const char *reject_code;
  char       *reject_field;
  const char *reject_message; /* a static string */
} AnbuTelemetryEntry;

/* A parsed batch: its entries in order, each distinct serial once (in the
 * order of first appearance), and the gateway that sent it (NULL =
 * unknown). Reference counted: a report keeps the batch it answers. */
typedef struct
{
  GArray     *entries;      /* AnbuTelemetryEntry */
  GPtrArray  *serials;      /* char *, owned */
  char       *gateway_id;
  GHashTable *serial_index; /* serial → index + 1, while parsing */
} AnbuTelemetryBatch;

AnbuTelemetryBatch *anbu_telemetry_batch_new   (void);
AnbuTelemetryBatch *anbu_telemetry_batch_ref   (AnbuTelemetryBatch *batch);
void                anbu_telemetry_batch_unref (AnbuTelemetryBatch *batch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuTelemetryBatch, anbu_telemetry_batch_unref)

static inline AnbuTelemetryEntry *
anbu_telemetry_batch_entry (AnbuTelemetryBatch *batch,
                            guint               index)
{
  return &g_array_index (batch->entries, AnbuTelemetryEntry, index);
}

typedef enum
{
  ANBU_TELEMETRY_ACCEPTED,
  ANBU_TELEMETRY_DUPLICATE,
  ANBU_TELEMETRY_REJECTED,
} AnbuTelemetryOutcome;

/* What happened to one plug of the batch (for detection and live push). */
typedef struct
{
  char    *serial;
  char    *household_id;
  gint64   last_seen_at;
  double   last_watts;
  double   last_lux;
  gint64   last_activity_at;   /* 0 = none yet */
  gint64   online_since;
  gint64   offline_from;       /* the last reading before that offline gap; 0 = none */
  guint    new_events;         /* activity events stored by this batch */
  /* The household the plug was last heard in, when that is another one
   * (its first readings since it moved): that household lost its
   * readings, and its countdowns may now be due earlier. NULL otherwise. */
  char    *left_household_id;
} AnbuTelemetryPlugStatus;

typedef struct
{
  guint      accepted;
  guint      duplicate;
  guint      rejected;
  GArray    *outcomes;   /* AnbuTelemetryOutcome per entry, in order */
  AnbuTelemetryBatch *batch; /* the entries, in order (reject reasons filled in) */
  GPtrArray *plugs;      /* AnbuTelemetryPlugStatus * of plugs with accepted readings */
} AnbuTelemetryReport;

void anbu_telemetry_report_free (AnbuTelemetryReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuTelemetryReport, anbu_telemetry_report_free)

/* The JSON form: {"accepted", "duplicate", "rejected",
 * "rejections": [{"index", "serial", "code", "field", "message"}]}. */
char *anbu_telemetry_report_to_json (const AnbuTelemetryReport *report);

/* Parses {"readings": [{"serial", "ts", "watts", "lux"}, ...]} into
 * entries; entries with a bad member are kept, marked rejected. */
AnbuTelemetryBatch *anbu_telemetry_parse_batch (JsonNode  *root,
                                                GError   **error);

/* The same entries straight from the body's bytes when it has the usual
 * shape (those four members, each once, plain ASCII strings, numbers);
 * NULL otherwise, and then the body goes through anbu_json_parse_text()
 * and anbu_telemetry_parse_batch(), which also say what is wrong. About
 * ten times faster than building the JSON tree. */
AnbuTelemetryBatch *anbu_telemetry_parse_simple_body (const char *data,
                                                      gsize       length);

#define ANBU_TYPE_TELEMETRY (anbu_telemetry_get_type ())
G_DECLARE_FINAL_TYPE (AnbuTelemetry, anbu_telemetry, ANBU, TELEMETRY, GObject)

/* Telemetry on the database of `store`, SQLite or PostgreSQL
 * (anbu-telemetry-store.h). With `own_connection` its batches are stored
 * on a connection of its own (for a worker thread), else on the store's.
 * The raw readings go to the engine's reading log (on SQLite on the same
 * connection, so they commit with the batch; on PostgreSQL an
 * AnbuPgReadingLog, committed just before it). The live fields published
 * into plug records (anbu_telemetry_publish_live) are written on the
 * store's connection, in its transaction. A plug quiet for
 * `offline_after_seconds` and then heard again counts as back online (its
 * quiet restarts). */
AnbuTelemetry       *anbu_telemetry_new              (AnbuStore           *store,
                                                      gboolean             own_connection,
                                                      gint64               offline_after_seconds,
                                                      GError             **error);

/* Checks, stores and detects. Takes ownership of nothing; the batch's
 * entries are updated with reject reasons. NULL only when storage fails
 * (then nothing of the batch is kept). */
AnbuTelemetryReport *anbu_telemetry_ingest           (AnbuTelemetry       *self,
                                                      AnbuTelemetryBatch  *batch,
                                                      gint64               now,
                                                      GError             **error);

/* Several batches (AnbuTelemetryBatch *) in one transaction (one commit, one disk flush), each
 * in its own savepoint: the array holds a report per batch, NULL for a
 * batch that could not be stored (nothing of it kept). NULL when the
 * transaction itself failed (nothing kept at all). */
GPtrArray           *anbu_telemetry_ingest_many      (AnbuTelemetry       *self,
                                                      GPtrArray           *batches,
                                                      gint64               now,
                                                      GError             **error);

/* Readings older than `seconds` before the clock are refused ("too_old"):
 * they would fall behind the retention fold, where a resent one could no
 * longer be told from a new one. 0 (the default) takes any age. */
void                 anbu_telemetry_set_max_age      (AnbuTelemetry       *self,
                                                      gint64               seconds);

/* Ingest gaps: time nobody observed is not quiet that ended. The server
 * notes that it runs (every pass and batch keep `alive_at`); at start
 * (`starting`) the time since it last ran is an ingest gap of every plug.
 * Likewise a gateway's readings stopping for all its plugs at once (10 min
 * or more) is an ingest gap of its plugs when it carries more than one. A
 * plug coming back after a silence restarts its quiet only when the
 * observed part of the silence reached the offline time; the alert engine
 * counts quiet and offline time through ingest gaps (plug_live's
 * unobserved_mark against ingest_witness). */
gboolean             anbu_telemetry_note_alive       (AnbuTelemetry       *self,
                                                      gint64               now,
                                                      gboolean             starting,
                                                      GError             **error);

/* The stored live fields of one plug; FALSE when it never reported. */
gboolean             anbu_telemetry_get_plug_status  (AnbuTelemetry       *self,
                                                      const char          *serial,
                                                      AnbuTelemetryPlugStatus *status);

void                 anbu_telemetry_plug_status_clear (AnbuTelemetryPlugStatus *status);

/* Copies the live fields (last_seen_at, last_watts, last_lux,
 * last_activity_at) of installed plugs into their synced plug records, so
 * the app has them offline, without a sync change per reading: a plug's
 * record changes when it was never published, when its readings moved on
 * by `interval` seconds since the last publication, or when it has been
 * quiet for `interval` with newer fields than published. Done by the timer
 * pass; `store` is the AnbuStore telemetry was made with. `published` counts
 * the records changed. */
#define ANBU_TELEMETRY_DEFAULT_PUBLISH_INTERVAL (15 * 60)
/* At most this many plug records change per call (the oldest publications
 * first): a first start with many plugs spreads over several passes. */
#define ANBU_TELEMETRY_PUBLISH_PER_PASS 5000

gboolean             anbu_telemetry_publish_live     (AnbuTelemetry       *self,
                                                      AnbuStore           *store,
                                                      gint64               now,
                                                      gint64               interval,
                                                      guint               *published,
                                                      GError             **error);

G_END_DECLS
