/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Unix seconds as the server writes times on the wire and in its tables:
 * "YYYY-MM-DDTHH:MM:SSZ", UTC. Unlike anbu_timestamp_format() (src/core),
 * any year GDateTime can hold is written, so a time a client asked for
 * (a series from 1990, a manual clock) comes back as given. */
char     *anbu_server_time_format (gint64      seconds);

/* Any ISO 8601 time g_date_time_new_from_iso8601() reads, as Unix seconds.
 * FALSE for NULL or text it does not read; `seconds` is then left alone. */
gboolean  anbu_server_time_parse  (const char *text,
                                   gint64     *seconds);

/* The same for a query parameter or body member called `name`, with an
 * ANBU_API_ERROR invalid_value naming it when the text is not a time. */
gboolean  anbu_server_time_parse_value (const char  *name,
                                        const char  *text,
                                        gint64      *seconds,
                                        GError     **error);

/* The query parameter `name`, or `fallback` when it is absent or empty.
 * Only 2000-01-01 up to 2100-01-01 (UTC): anything beyond is a typo or a
 * probe, and would make period arithmetic run off the calendar. */
gboolean  anbu_server_time_parse_param (GHashTable  *query,
                                        const char  *name,
                                        gint64       fallback,
                                        gint64      *seconds,
                                        GError     **error);

G_END_DECLS
