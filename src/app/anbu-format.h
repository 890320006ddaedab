/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *anbu_format_relative_time (GDateTime *then,
                                 GDateTime *now);
char *anbu_format_date          (GDateTime *when);

G_END_DECLS
