/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

/* Records shaped as docs/api.md and DESIGN.md §3 describe them. */

static inline char *
fixture_household_json (const char *id,
                        const char *name,
                        const char *phone,
                        const char *address,
                        gint64      version)
{
  return g_strdup_printf ("{\"id\":\"%s\",\"dong_code\":\"1168064000\",\"dong_name\":\"역삼1동\","
                          "\"name\":\"%s\",\"birth_year\":1941,\"sex\":\"female\",\"phone\":\"%s\","
                          "\"address\":\"%s\",\"address_detail\":\"302호\",\"lat\":37.5,"
                          "\"lon\":127.03,\"risk_notes\":\"당뇨, 거동 불편\",\"contacts\":[],"
                          "\"night_consent\":true,\"threshold_hours\":36,\"status\":\"active\","
                          "\"planner_id\":\"e1111111-1111-4111-8111-111111111111\",\"version\":%" G_GINT64_FORMAT ","
                          "\"updated_at\":\"2026-11-24T06:00:00Z\"}",
                          id, name, phone, address, version);
}

static inline char *
fixture_visit_json (const char *id,
                    const char *household_id)
{
  return g_strdup_printf ("{\"id\":\"%s\",\"household_id\":\"%s\",\"at\":\"2026-11-24T10:00:00+09:00\","
                          "\"by\":\"e1111111-1111-4111-8111-111111111111\",\"purpose\":\"regular\",\"outcome\":\"visited_safe\","
                          "\"notes\":\"건강하심\",\"next_visit_on\":\"2026-12-01\"}",
                          id, household_id);
}
