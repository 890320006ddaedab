/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-reading-log"

#include "config.h"

#include "anbu-reading-log.h"
#include "anbu-store.h"

G_DEFINE_INTERFACE (AnbuReadingLog, anbu_reading_log, G_TYPE_OBJECT)

static void
anbu_reading_log_default_init (AnbuReadingLogInterface *iface)
{
}

gboolean
anbu_reading_log_append (AnbuReadingLog             *self,
                         const char * const         *serials,
                         guint                       n_serials,
                         const AnbuReadingLogEntry  *entries,
                         guint                       n_entries,
                         gboolean                   *stored,
                         GError                    **error)
{
  g_return_val_if_fail (ANBU_IS_READING_LOG (self), FALSE);
  g_return_val_if_fail (n_entries == 0 || (entries != NULL && stored != NULL), FALSE);

  if (n_entries == 0)
    return TRUE;
  /* Checked here so that no engine stores part of a batch it must refuse. */
  for (guint i = 0; i < n_entries; i++)
    if (entries[i].plug >= n_serials)
      {
        g_set_error (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                     "Reading %u names plug %u of %u", i, entries[i].plug, n_serials);
        return FALSE;
      }
  return ANBU_READING_LOG_GET_IFACE (self)->append (self, serials, n_serials, entries, n_entries,
                                                    stored, error);
}

gboolean
anbu_reading_log_read_range (AnbuReadingLog  *self,
                             const char      *serial,
                             gint64           from,
                             gint64           to,
                             GArray          *out,
                             GError         **error)
{
  g_return_val_if_fail (ANBU_IS_READING_LOG (self), FALSE);
  g_return_val_if_fail (serial != NULL && out != NULL, FALSE);

  if (from >= to)
    return TRUE;
  return ANBU_READING_LOG_GET_IFACE (self)->read_range (self, serial, from, to, out, error);
}

gboolean
anbu_reading_log_read_neighbour (AnbuReadingLog  *self,
                                 const char      *serial,
                                 gint64           ts,
                                 gboolean         after,
                                 AnbuReading     *out,
                                 gboolean        *found,
                                 GError         **error)
{
  g_return_val_if_fail (ANBU_IS_READING_LOG (self), FALSE);
  g_return_val_if_fail (serial != NULL && out != NULL && found != NULL, FALSE);

  *found = FALSE;
  return ANBU_READING_LOG_GET_IFACE (self)->read_neighbour (self, serial, ts, after, out, found,
                                                            error);
}

gboolean
anbu_reading_log_read_hours (AnbuReadingLog  *self,
                             const char      *serial,
                             gint64           from,
                             gint64           to,
                             GArray          *out,
                             GError         **error)
{
  g_return_val_if_fail (ANBU_IS_READING_LOG (self), FALSE);
  g_return_val_if_fail (serial != NULL && out != NULL, FALSE);

  if (from >= to)
    return TRUE;
  return ANBU_READING_LOG_GET_IFACE (self)->read_hours (self, serial, from, to, out, error);
}

gboolean
anbu_reading_log_fold_before (AnbuReadingLog  *self,
                              gint64           cutoff,
                              guint64         *folded,
                              GError         **error)
{
  guint64 ignored;

  g_return_val_if_fail (ANBU_IS_READING_LOG (self), FALSE);

  if (folded == NULL)
    folded = &ignored;
  *folded = 0;
  return ANBU_READING_LOG_GET_IFACE (self)->fold_before (self, cutoff, folded, error);
}

gboolean
anbu_reading_log_prepare (AnbuReadingLog  *self,
                          const gint64    *times,
                          guint            n_times,
                          GError         **error)
{
  AnbuReadingLogInterface *iface;

  g_return_val_if_fail (ANBU_IS_READING_LOG (self), FALSE);
  g_return_val_if_fail (times != NULL || n_times == 0, FALSE);

  iface = ANBU_READING_LOG_GET_IFACE (self);
  if (iface->prepare == NULL || n_times == 0)
    return TRUE;
  return iface->prepare (self, times, n_times, error);
}

void
anbu_reading_hour_add (AnbuReadingHour   *hour,
                       const AnbuReading *reading)
{
  if (hour->n == 0)
    {
      hour->watts_min = hour->watts_max = reading->watts;
      hour->lux_min = hour->lux_max = reading->lux;
    }
  hour->n++;
  hour->watts_min = MIN (hour->watts_min, reading->watts);
  hour->watts_max = MAX (hour->watts_max, reading->watts);
  hour->watts_sum += reading->watts;
  hour->lux_min = MIN (hour->lux_min, reading->lux);
  hour->lux_max = MAX (hour->lux_max, reading->lux);
  hour->lux_sum += reading->lux;
}
