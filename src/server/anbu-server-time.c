/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-server"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-api-error.h"

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

#define QUERY_TIME_MIN G_GINT64_CONSTANT (946684800)    /* 2000-01-01 */
#define QUERY_TIME_MAX G_GINT64_CONSTANT (4102444800)   /* 2100-01-01 */

gboolean
anbu_server_time_parse_value (const char  *name,
                              const char  *text,
                              gint64      *seconds,
                              GError     **error)
{
  if (anbu_server_time_parse (text, seconds))
    return TRUE;
  anbu_api_set_error (error, ANBU_API_ERROR_INVALID_VALUE, name,
                      _("The time must be ISO 8601 with an offset"));
  return FALSE;
}

gboolean
anbu_server_time_parse_param (GHashTable  *query,
                              const char  *name,
                              gint64       fallback,
                              gint64      *seconds,
                              GError     **error)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, name) : NULL;

  if (text == NULL || *text == '\0')
    {
      *seconds = fallback;
      return TRUE;
    }
  if (!anbu_server_time_parse_value (name, text, seconds, error))
    return FALSE;
  if (*seconds < QUERY_TIME_MIN || *seconds > QUERY_TIME_MAX)
    {
      anbu_api_set_error (error, ANBU_API_ERROR_INVALID_VALUE, name,
                          _("The time must lie between the years 2000 and 2100"));
      return FALSE;
    }
  return TRUE;
}
