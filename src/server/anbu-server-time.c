/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-server"

#include "config.h"

#include "anbu-server-time.h"

char *
anbu_server_time_format (gint64 seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (seconds);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

gboolean
anbu_server_time_parse (const char *text,
                        gint64     *seconds)
{
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL || (dt = g_date_time_new_from_iso8601 (text, NULL)) == NULL)
    return FALSE;
  *seconds = g_date_time_to_unix (dt);
  return TRUE;
}
