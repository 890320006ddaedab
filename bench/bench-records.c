/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How fast records go through the JSON codecs: a sync page holds up to 5000
 * changes, and the server validates every pushed mutation. Prints figures. */
#include "config.h"

#include <string.h>

#include "anbu-household.h"
#include "anbu-mutation.h"
#include "anbu-phone.h"
#include "anbu-record-json.h"

static const char household_json[] =
  "{\"id\":\"5f0c6a52-3d4e-4b8a-9f1e-2a7b8c9d0e1f\",\"dong_code\":\"1111051500\","
  "\"dong_name\":\"청운효자동\",\"name\":\"김영수\",\"birth_year\":1948,\"sex\":\"male\","
  "\"phone\":\"010-2345-6789\",\"address\":\"서울특별시 종로구 자하문로 92\","
  "\"address_detail\":\"2층\",\"lat\":37.5841,\"lon\":126.9706,"
  "\"risk_notes\":\"당뇨, 혼자 거주.\\n계단 이용 어려움.\","
  "\"contacts\":[{\"name\":\"김미영\",\"relation\":\"딸\",\"phone\":\"010-3456-7890\"}],"
  "\"night_consent\":true,\"night_consent_date\":\"2026-03-02\",\"threshold_hours\":36,"
  "\"status\":\"active\",\"planner_id\":\"0b9d7c1e-8f2a-4c3b-a1d4-6e5f7a8b9c0d\","
  "\"version\":7,\"updated_at\":\"2026-11-24T15:05:00+09:00\"}";

int
main (int   argc,
      char *argv[])
{
  const guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  g_autoptr(JsonObject) object = anbu_json_parse_object (household_json, -1, NULL);
  g_autoptr(AnbuHousehold) sample = anbu_household_from_json (object, NULL);
  gint64 start, elapsed;
  gsize bytes = 0;

  g_assert (sample != NULL && n > 0);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AnbuHousehold) h = anbu_household_from_json (object, NULL);
      g_assert (h != NULL);
    }
  elapsed = g_get_monotonic_time () - start;
  g_print ("household decode+validate: %u in %.3f s, %.0f records/s\n",
           n, elapsed / 1e6, n / (elapsed / 1e6));

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonObject) out = anbu_household_to_json (sample);
      g_autofree char *text = anbu_json_object_to_string (out);
      bytes += strlen (text);
    }
  elapsed = g_get_monotonic_time () - start;
  g_print ("household encode to text: %u in %.3f s, %.0f records/s (%" G_GSIZE_FORMAT
           " bytes each)\n", n, elapsed / 1e6, n / (elapsed / 1e6), bytes / n);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonObject) parsed = anbu_json_parse_object (household_json, -1, NULL);
      g_autoptr(AnbuHousehold) h = anbu_household_from_json (parsed, NULL);
      g_assert (h != NULL);
    }
  elapsed = g_get_monotonic_time () - start;
  g_print ("household text to record: %u in %.3f s, %.0f records/s\n",
           n, elapsed / 1e6, n / (elapsed / 1e6));

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *canonical = anbu_phone_normalize (NULL, "+82 10 2345 6789", NULL, NULL);
      g_assert (canonical != NULL);
    }
  elapsed = g_get_monotonic_time () - start;
  g_print ("phone normalize: %u in %.3f s, %.0f numbers/s\n",
           n, elapsed / 1e6, n / (elapsed / 1e6));

  return 0;
}
