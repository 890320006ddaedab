/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "anbu-activity-detector.h"
#include "anbu-reading-log.h"
#include "anbu-store.h"

G_BEGIN_DECLS

/* What telemetry keeps beside the store, one interface for both engines:
 * AnbuSqliteTelemetryStore (the tables of the SQLite store's file) and
 * AnbuPgTelemetryStore (the same tables, schema step 5 of the PostgreSQL
 * store): gateways, plug live fields, learned detectors, activity events,
 * ingest witnesses, and the published live fields in plug records.
 *
 * Made with anbu_telemetry_store_open(), which picks the engine from the
 * store's type. The batch side (transactions, plugs, live fields, events,
 * witnesses) runs on the connection it was opened with: the store's, or
 * one of its own (the ingest thread's). The store side
 * (mark_published, gateways) always runs on the store's connection, in
 * the store's transaction when one is open. Errors are in
 * ANBU_STORE_ERROR. Used from one thread at a time. */

#define ANBU_TYPE_TELEMETRY_STORE (anbu_telemetry_store_get_type ())
G_DECLARE_INTERFACE (AnbuTelemetryStore, anbu_telemetry_store, ANBU, TELEMETRY_STORE, GObject)

/* A plug as a batch needs it: its record's household and state, and its
 * live fields when they belong to this installation (same household, seen
 * since installed_at). */
typedef struct
{
  char                 *household_id;
  gboolean              installed;
  /* The household of the plug's live row when that is another one (it
   * moved and has not reported since); NULL otherwise. */
  char                 *left_household_id;
  gboolean              has_live;
  gint64                live_seen_at;
  double                live_watts;
  double                live_lux;
  gint64                live_activity_at;   /* 0 = none */
  gint64                live_online_since;
  gint64                live_offline_from;
  char                 *gateway_id;
  gint64                unobserved_mark;
  gboolean              has_detector;
  AnbuActivityDetector  detector;
  AnbuActivityMark      activity_mark;      /* the planner's word in the record */
} AnbuTelemetryPlugRow;

void anbu_telemetry_plug_row_clear (AnbuTelemetryPlugRow *row);

/* A plug's live fields after a batch, and its learned detector when that
 * is to be stored too (NULL: the stored one stays). */
typedef struct
{
  const char                 *serial;
  const char                 *household_id;
  gint64                      last_seen_at;
  double                      last_watts;
  double                      last_lux;
  gint64                      last_activity_at;   /* 0 = none */
  gint64                      online_since;
  const char                 *gateway_id;         /* NULL = none */
  gint64                      unobserved_mark;
  gint64                      offline_from;
  const AnbuActivityDetector *detector;
} AnbuTelemetryLiveRow;

/* The stored live fields of one plug (plug_live). */
typedef struct
{
  char   *household_id;
  gint64  last_seen_at;
  double  last_watts;
  double  last_lux;
  gint64  last_activity_at;   /* 0 = none */
  gint64  online_since;
  gint64  offline_from;
} AnbuTelemetryLive;

void anbu_telemetry_live_clear (AnbuTelemetryLive *live);

/* A witness of ingest gaps (anbu-telemetry.c): "" the server, else a gateway. */
typedef struct
{
  gint64 last_reading_at;
  gint64 unobserved;
  gint64 plugs;
  gint64 alive_at;
  gint64 down_from;
  gint64 down_to;
} AnbuTelemetryWitness;

/* A plug whose live fields are due to be published into its record. */
typedef struct
{
  char                 *serial;
  gint64                last_seen_at;
  double                last_watts;
  double                last_lux;
  gint64                last_activity_at;
  AnbuActivityDetector *detector;  /* NULL when none stored */
} AnbuTelemetryDue;

void anbu_telemetry_due_clear (AnbuTelemetryDue *due);

struct _AnbuTelemetryStoreInterface
{
  GTypeInterface parent_iface;

  /* Batch side */
  AnbuReadingLog *(*open_reading_log) (AnbuTelemetryStore *self,
                                       GError            **error);
  gboolean (*begin)              (AnbuTelemetryStore *self,
                                  GError            **error);
  gboolean (*commit)             (AnbuTelemetryStore *self,
                                  GError            **error);
  void     (*rollback)           (AnbuTelemetryStore *self);
  gboolean (*begin_batch)        (AnbuTelemetryStore *self,
                                  GError            **error);
  gboolean (*end_batch)          (AnbuTelemetryStore *self,
                                  gboolean            keep,
                                  GError            **error);
  /* NULL: the engine has one writer at a time anyway (SQLite). */
  gboolean (*lock_rows)          (AnbuTelemetryStore  *self,
                                  const char * const  *serials,
                                  guint                n_serials,
                                  const char * const  *gateway_ids,
                                  guint                n_gateway_ids,
                                  GError             **error);
  gboolean (*read_change_counter) (AnbuTelemetryStore *self,
                                   gint64             *counter,
                                   GError            **error);
  gboolean (*load_plugs)         (AnbuTelemetryStore   *self,
                                  const char * const   *serials,
                                  guint                 n_serials,
                                  AnbuTelemetryPlugRow *rows,
                                  gboolean             *found,
                                  GError              **error);
  gboolean (*read_live)          (AnbuTelemetryStore *self,
                                  const char         *serial,
                                  AnbuTelemetryLive  *live,
                                  gboolean           *found,
                                  GError            **error);
  gboolean (*store_live)         (AnbuTelemetryStore         *self,
                                  const AnbuTelemetryLiveRow *rows,
                                  guint                       n_rows,
                                  GError                    **error);
  gboolean (*store_events)       (AnbuTelemetryStore      *self,
                                  const char              *serial,
                                  const AnbuActivityEvent *events,
                                  guint                    n_events,
                                  GError                 **error);
  gboolean (*delete_events_at)   (AnbuTelemetryStore *self,
                                  const char         *serial,
                                  gint64              ts,
                                  GError            **error);
  gboolean (*read_last_event)    (AnbuTelemetryStore *self,
                                  const char         *serial,
                                  gint64             *ts,
                                  GError            **error);
  gboolean (*read_events)        (AnbuTelemetryStore *self,
                                  const char         *serial,
                                  gint64              from,
                                  gint64              to,
                                  GArray             *out,
                                  GError            **error);
  gboolean (*read_witness)       (AnbuTelemetryStore   *self,
                                  const char           *id,
                                  AnbuTelemetryWitness *witness,
                                  GError              **error);
  gboolean (*store_witness)      (AnbuTelemetryStore         *self,
                                  const char                 *id,
                                  const AnbuTelemetryWitness *witness,
                                  GError                    **error);
  gboolean (*read_publish_due)   (AnbuTelemetryStore *self,
                                  gint64              now,
                                  gint64              interval,
                                  guint               limit,
                                  GArray             *out,
                                  GError            **error);

  /* Store side */
  gboolean (*mark_published)     (AnbuTelemetryStore *self,
                                  const char         *serial,
                                  gint64              last_seen_at,
                                  double              last_watts,
                                  double              last_lux,
                                  gint64              last_activity_at,
                                  GError            **error);
  gboolean (*add_gateway)        (AnbuTelemetryStore *self,
                                  const char         *id,
                                  const char         *name,
                                  const char         *token_hash,
                                  gint64              created_at,
                                  GError            **error);
  gboolean (*find_gateway)       (AnbuTelemetryStore *self,
                                  const char         *token_hash,
                                  char              **id,
                                  GError            **error);
};

/* The engine of `store`'s type. With `own_connection` the batch side gets
 * a connection of its own to the same database (for a worker thread);
 * else it shares the store's. */
AnbuTelemetryStore *anbu_telemetry_store_open (AnbuStore  *store,
                                               gboolean    own_connection,
                                               GError    **error);

/* The raw readings of the same database, on the batch side's connection
 * when it has one of its own (SQLite always): appended inside the batch's
 * transaction, they commit or roll back with it. On PostgreSQL without an
 * own connection, an AnbuPgReadingLog on a connection of its own
 * (committed before the batch; for reads and retention). */
AnbuReadingLog *anbu_telemetry_store_open_reading_log (AnbuTelemetryStore  *self,
                                                       GError             **error);

/* The batch side's transaction, and a savepoint per batch inside it
 * (end_batch with `keep` FALSE drops what the batch wrote). */
gboolean anbu_telemetry_store_begin       (AnbuTelemetryStore  *self,
                                           GError             **error);
gboolean anbu_telemetry_store_commit      (AnbuTelemetryStore  *self,
                                           GError             **error);
/* Rolls back the transaction when one is open. */
void     anbu_telemetry_store_rollback    (AnbuTelemetryStore  *self);
gboolean anbu_telemetry_store_begin_batch (AnbuTelemetryStore  *self,
                                           GError             **error);
gboolean anbu_telemetry_store_end_batch   (AnbuTelemetryStore  *self,
                                           gboolean             keep,
                                           GError             **error);

/* Right after begin, before anything is written: the rows of these plugs
 * (live fields, detectors, events, readings) and gateways (witnesses) are
 * this transaction's until it ends, taken in one order every instance
 * shares. Two instances storing batches over the same plugs, in whatever
 * order each batch lists them, then wait for each other instead of each
 * holding a row the other needs (a deadlock, which PostgreSQL ends by
 * failing one). Serials and ids may repeat. */
gboolean anbu_telemetry_store_lock_rows   (AnbuTelemetryStore  *self,
                                           const char * const  *serials,
                                           guint                n_serials,
                                           const char * const  *gateway_ids,
                                           guint                n_gateway_ids,
                                           GError             **error);

/* The store's change counter (moves with any record change); -1 when
 * there is none. */
gboolean anbu_telemetry_store_read_change_counter (AnbuTelemetryStore  *self,
                                                   gint64              *counter,
                                                   GError             **error);

/* The plugs `serials` (distinct) into `rows` (zeroed by the caller);
 * `found[i]` FALSE when no plug record has serials[i] as id. */
gboolean anbu_telemetry_store_load_plugs  (AnbuTelemetryStore    *self,
                                           const char * const    *serials,
                                           guint                  n_serials,
                                           AnbuTelemetryPlugRow  *rows,
                                           gboolean              *found,
                                           GError               **error);

/* The plug's stored live fields, whichever household they were seen in. */
gboolean anbu_telemetry_store_read_live   (AnbuTelemetryStore  *self,
                                           const char          *serial,
                                           AnbuTelemetryLive   *live,
                                           gboolean            *found,
                                           GError             **error);

/* Replaces the live fields (and the detectors given) of `rows`. */
gboolean anbu_telemetry_store_store_live  (AnbuTelemetryStore          *self,
                                           const AnbuTelemetryLiveRow  *rows,
                                           guint                        n_rows,
                                           GError                     **error);

/* Activity events: stored (an event of the same plug, time and kind is
 * replaced), deleted at one time, the newest one's time (0 = none), and
 * those with from <= ts < to in time order (appended to `out`,
 * AnbuActivityEvent). */
gboolean anbu_telemetry_store_store_events     (AnbuTelemetryStore       *self,
                                                const char               *serial,
                                                const AnbuActivityEvent  *events,
                                                guint                     n_events,
                                                GError                  **error);
gboolean anbu_telemetry_store_delete_events_at (AnbuTelemetryStore  *self,
                                                const char          *serial,
                                                gint64               ts,
                                                GError             **error);
gboolean anbu_telemetry_store_read_last_event  (AnbuTelemetryStore  *self,
                                                const char          *serial,
                                                gint64              *ts,
                                                GError             **error);
gboolean anbu_telemetry_store_read_events      (AnbuTelemetryStore  *self,
                                                const char          *serial,
                                                gint64               from,
                                                gint64               to,
                                                GArray              *out,
                                                GError             **error);

/* An ingest witness (all zero when never stored), and its replacement. */
gboolean anbu_telemetry_store_read_witness  (AnbuTelemetryStore    *self,
                                             const char            *id,
                                             AnbuTelemetryWitness  *witness,
                                             GError               **error);
gboolean anbu_telemetry_store_store_witness (AnbuTelemetryStore          *self,
                                             const char                  *id,
                                             const AnbuTelemetryWitness  *witness,
                                             GError                     **error);

/* Installed plugs whose live fields are due for publication (see
 * anbu_telemetry_publish_live), oldest publication first, at most
 * `limit`: appended to `out` (AnbuTelemetryDue; set its clear func). */
gboolean anbu_telemetry_store_read_publish_due (AnbuTelemetryStore  *self,
                                                gint64               now,
                                                gint64               interval,
                                                guint                limit,
                                                GArray              *out,
                                                GError             **error);

/* Notes in the plug table which live fields the plug record now holds;
 * on the store's connection, inside its open transaction. */
gboolean anbu_telemetry_store_mark_published (AnbuTelemetryStore  *self,
                                              const char          *serial,
                                              gint64               last_seen_at,
                                              double               last_watts,
                                              double               last_lux,
                                              gint64               last_activity_at,
                                              GError             **error);

/* Gateways (on the store's connection): adding one whose name is taken
 * fails with ANBU_STORE_ERROR_EXISTS; `id` is NULL when no enabled
 * gateway has that token hash. */
gboolean anbu_telemetry_store_add_gateway  (AnbuTelemetryStore  *self,
                                            const char          *id,
                                            const char          *name,
                                            const char          *token_hash,
                                            gint64               created_at,
                                            GError             **error);
gboolean anbu_telemetry_store_find_gateway (AnbuTelemetryStore  *self,
                                            const char          *token_hash,
                                            char               **id,
                                            GError             **error);

G_END_DECLS
