/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-report-store"

#include "config.h"

#include "anbu-report-store.h"

G_DEFINE_INTERFACE (AnbuReportStore, anbu_report_store, G_TYPE_OBJECT)

static void
anbu_report_store_default_init (AnbuReportStoreInterface *iface)
{
}

void
anbu_report_plug_free (AnbuReportPlug *plug)
{
  g_free (plug->serial);
  g_free (plug->appliance);
  g_free (plug);
}

AnbuReadingLog *
anbu_report_store_get_readings (AnbuReportStore *self)
{
  g_return_val_if_fail (ANBU_IS_REPORT_STORE (self), NULL);

  return ANBU_REPORT_STORE_GET_IFACE (self)->get_readings (self);
}

gboolean
anbu_report_store_read_plugs (AnbuReportStore  *self,
                              const char       *household_id,
                              GPtrArray        *out,
                              GError          **error)
{
  g_return_val_if_fail (ANBU_IS_REPORT_STORE (self), FALSE);
  g_return_val_if_fail (household_id != NULL && out != NULL, FALSE);

  return ANBU_REPORT_STORE_GET_IFACE (self)->read_plugs (self, household_id, out, error);
}

gboolean
anbu_report_store_read_activity (AnbuReportStore  *self,
                                 const char       *serial,
                                 gint64            from,
                                 gint64            to,
                                 guint             limit,
                                 GArray           *out,
                                 GError          **error)
{
  g_return_val_if_fail (ANBU_IS_REPORT_STORE (self), FALSE);
  g_return_val_if_fail (serial != NULL && out != NULL, FALSE);

  return ANBU_REPORT_STORE_GET_IFACE (self)->read_activity (self, serial, from, to, limit, out,
                                                            error);
}

gboolean
anbu_report_store_foreach_signal (AnbuReportStore       *self,
                                  AnbuReportSignalFunc   func,
                                  gpointer               user_data,
                                  GError               **error)
{
  g_return_val_if_fail (ANBU_IS_REPORT_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  return ANBU_REPORT_STORE_GET_IFACE (self)->foreach_signal (self, func, user_data, error);
}

gboolean
anbu_report_store_foreach_contact (AnbuReportStore       *self,
                                   AnbuReportContactFunc  func,
                                   gpointer               user_data,
                                   GError               **error)
{
  g_return_val_if_fail (ANBU_IS_REPORT_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  return ANBU_REPORT_STORE_GET_IFACE (self)->foreach_contact (self, func, user_data, error);
}

gboolean
anbu_report_store_foreach_visit (AnbuReportStore     *self,
                                 AnbuReportVisitFunc  func,
                                 gpointer             user_data,
                                 GError             **error)
{
  g_return_val_if_fail (ANBU_IS_REPORT_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  return ANBU_REPORT_STORE_GET_IFACE (self)->foreach_visit (self, func, user_data, error);
}
