/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-holiday-calendar.h"

G_BEGIN_DECLS

/* The rule engine behind the estimated years, exposed for the tests: the
 * public holidays of @year computed from the lunar table and the
 * substitute-holiday rules in force that year, without election days and
 * temporary holidays. Returns an array of AnbuHoliday (sorted by date), or
 * %NULL when the lunar table does not cover @year. */
GPtrArray *anbu_holiday_calendar_compute_by_rule (guint year);

G_END_DECLS
