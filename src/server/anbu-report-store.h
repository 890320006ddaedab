/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "anbu-activity-detector.h"
#include "anbu-reading-log.h"

G_BEGIN_DECLS

/* What the reports (anbu-stats.h, anbu-series.h) read, one interface for
 * both engines: AnbuSqliteReportStore on one read-only SQLite connection,
 * AnbuPgReportStore on one PostgreSQL connection of its own. A report
 * store belongs to one query of the query pool (anbu-query-pool.h) at a
 * time, on that query's thread. Errors are in ANBU_STORE_ERROR, except a
 * read the engine stopped at the query's deadline: G_IO_ERROR_TIMED_OUT. */

#define ANBU_TYPE_REPORT_STORE (anbu_report_store_get_type ())
G_DECLARE_INTERFACE (AnbuReportStore, anbu_report_store, ANBU, REPORT_STORE, GObject)

/* A plug of a household as the series shows it. */
typedef struct
{
  char   *serial;
  char   *appliance;      /* NULL when not recorded */
  gint64  installed_at;   /* G_MAXINT64 when not recorded */
  gint64  removed_at;     /* G_MAXINT64 while installed */
} AnbuReportPlug;

void anbu_report_plug_free (AnbuReportPlug *plug);

/* One row of the statistics' inputs; the texts belong to the engine and
 * hold only during the callback. A time not recorded reads 0 with its
 * has_ flag FALSE. */
typedef struct
{
  const char *household_id;
  const char *kind;
  gboolean    has_raised_at;
  gint64      raised_at;
  const char *resolution;
  gboolean    has_closed_at;
  gint64      closed_at;
  gboolean    resolved;
  const char *dong_code;
  gboolean    night_consent;
  const char *dong_name;
} AnbuReportSignal;

typedef struct
{
  const char *channel;
  gint64      at;
  const char *outcome;
  const char *dong_code;
  gboolean    night_consent;
  const char *dong_name;
} AnbuReportContact;

typedef struct
{
  const char *household_id;
  gboolean    has_at;
  gint64      at;
  const char *dong_code;
  gboolean    night_consent;
  const char *dong_name;
} AnbuReportVisit;

typedef void (*AnbuReportSignalFunc)  (const AnbuReportSignal  *signal,
                                       gpointer                 user_data);
typedef void (*AnbuReportContactFunc) (const AnbuReportContact *contact,
                                       gpointer                 user_data);
typedef void (*AnbuReportVisitFunc)   (const AnbuReportVisit   *visit,
                                       gpointer                 user_data);

struct _AnbuReportStoreInterface
{
  GTypeInterface parent_iface;

  AnbuReadingLog *(*get_readings)     (AnbuReportStore        *self);
  gboolean        (*read_plugs)       (AnbuReportStore        *self,
                                       const char             *household_id,
                                       GPtrArray              *out,
                                       GError                **error);
  gboolean        (*read_activity)    (AnbuReportStore        *self,
                                       const char             *serial,
                                       gint64                  from,
                                       gint64                  to,
                                       guint                   limit,
                                       GArray                 *out,
                                       GError                **error);
  gboolean        (*foreach_signal)   (AnbuReportStore        *self,
                                       AnbuReportSignalFunc    func,
                                       gpointer                user_data,
                                       GError                **error);
  gboolean        (*foreach_contact)  (AnbuReportStore        *self,
                                       AnbuReportContactFunc   func,
                                       gpointer                user_data,
                                       GError                **error);
  gboolean        (*foreach_visit)    (AnbuReportStore        *self,
                                       AnbuReportVisitFunc     func,
                                       gpointer                user_data,
                                       GError                **error);
};

/* The raw readings and hourly folds, read on the report's behalf. */
AnbuReadingLog *anbu_report_store_get_readings    (AnbuReportStore        *self);

/* Appends to `out` (AnbuReportPlug *, caller frees) the plugs ever
 * installed in the household, in the order they were first stored. */
gboolean        anbu_report_store_read_plugs      (AnbuReportStore        *self,
                                                   const char             *household_id,
                                                   GPtrArray              *out,
                                                   GError                **error);

/* Appends to `out` (AnbuActivityEvent) at most `limit` activity events of
 * `serial` with from <= ts < to, in time order. */
gboolean        anbu_report_store_read_activity   (AnbuReportStore        *self,
                                                   const char             *serial,
                                                   gint64                  from,
                                                   gint64                  to,
                                                   guint                   limit,
                                                   GArray                 *out,
                                                   GError                **error);

/* Every alert ever raised, every contact and every visit, each with its
 * household's 동, night consent and 동 name, whenever made: the
 * statistics pick the span and scope themselves (times sit in the JSON
 * records, unindexed). */
gboolean        anbu_report_store_foreach_signal  (AnbuReportStore        *self,
                                                   AnbuReportSignalFunc    func,
                                                   gpointer                user_data,
                                                   GError                **error);
gboolean        anbu_report_store_foreach_contact (AnbuReportStore        *self,
                                                   AnbuReportContactFunc   func,
                                                   gpointer                user_data,
                                                   GError                **error);
gboolean        anbu_report_store_foreach_visit   (AnbuReportStore        *self,
                                                   AnbuReportVisitFunc     func,
                                                   gpointer                user_data,
                                                   GError                **error);

G_END_DECLS
