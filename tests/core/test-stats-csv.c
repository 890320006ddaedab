/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>

#include "anbu-csv-writer.h"
#include "anbu-stats-table.h"

static char *
bytes_to_string (GBytes *bytes)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  return g_strndup (data, len);
}

static void
test_bom_crlf_quoting (void)
{
  g_autoptr(AnbuCsvWriter) writer = anbu_csv_writer_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;

  anbu_csv_writer_add_text (writer, "이름");
  anbu_csv_writer_add_text (writer, "메모");
  anbu_csv_writer_add_int (writer, 3);
  anbu_csv_writer_end_row (writer);
  anbu_csv_writer_add_text (writer, "김영수, 할머니");
  anbu_csv_writer_add_text (writer, "말하길 \"괜찮다\"\n내일 다시");
  anbu_csv_writer_add_int (writer, -2);
  anbu_csv_writer_end_row (writer);
  anbu_csv_writer_add_text (writer, " 앞뒤 공백 ");
  anbu_csv_writer_add_text (writer, NULL);
  anbu_csv_writer_add_text (writer, "");
  bytes = anbu_csv_writer_free_to_bytes (g_steal_pointer (&writer));
  text = bytes_to_string (bytes);

  g_assert_cmpstr (text, ==,
                   "\xEF\xBB\xBF" "이름,메모,3\r\n"
                   "\"김영수, 할머니\",\"말하길 \"\"괜찮다\"\"\n내일 다시\",-2\r\n"
                   "\" 앞뒤 공백 \",,\r\n");
}

static void
test_formula_guard (void)
{
  g_autoptr(AnbuCsvWriter) writer = anbu_csv_writer_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;

  anbu_csv_writer_add_text (writer, "=HYPERLINK(\"http://x\")");
  anbu_csv_writer_add_text (writer, "+82");
  anbu_csv_writer_add_text (writer, "@sum");
  anbu_csv_writer_add_text (writer, "-1");
  bytes = anbu_csv_writer_free_to_bytes (g_steal_pointer (&writer));
  text = bytes_to_string (bytes);

  g_assert_cmpstr (text, ==,
                   "\xEF\xBB\xBF" "\"'=HYPERLINK(\"\"http://x\"\")\",'+82,'@sum,'-1\r\n");
}

static void
test_invalid_utf8_is_repaired (void)
{
  g_autoptr(AnbuCsvWriter) writer = anbu_csv_writer_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;

  anbu_csv_writer_add_text (writer, "김\xff");
  bytes = anbu_csv_writer_free_to_bytes (g_steal_pointer (&writer));
  text = bytes_to_string (bytes);
  g_assert_true (g_utf8_validate (text, -1, NULL));
}

/* As anbu-server answers GET /api/v1/stats (docs/api.md). */
static const char week_table[] =
  "{\"from\": \"2026-11-02T00:00:00+09:00\", \"to\": \"2026-11-13T00:00:00+09:00\", \"group\": \"week\","
  " \"periods\": ["
  "  {\"start\": \"2026-11-02T00:00:00+09:00\", \"end\": \"2026-11-09T00:00:00+09:00\","
  "   \"households_with_signals\": 3, \"signals\": 4, \"signals_by_kind\": {\"inactivity\": 3, \"routine\": 1, \"offline\": 0},"
  "   \"checks\": {\"phone\": 6, \"sms\": 1, \"visit\": 0, \"total\": 7, \"bad_number\": 2},"
  "   \"dispatches\": {\"dispatch_112\": 0, \"dispatch_119\": 1, \"total\": 1},"
  "   \"resolutions\": {\"safe\": 3, \"hospitalized\": 0, \"absent\": 0, \"deceased\": 0, \"false_alarm\": 0, \"device_problem\": 0}},"
  "  {\"start\": \"2026-11-09T00:00:00+09:00\", \"end\": \"2026-11-13T00:00:00+09:00\","
  "   \"households_with_signals\": 2, \"signals\": 2,"
  "   \"checks\": {\"phone\": 2, \"total\": 2},"
  "   \"dispatches\": {\"dispatch_112\": 1, \"total\": 1},"
  "   \"resolutions\": {\"hospitalized\": 1}}],"
  " \"total\": {\"households_with_signals\": 4, \"signals\": 6, \"checks\": {\"phone\": 8, \"sms\": 1, \"visit\": 0, \"bad_number\": 2},"
  "   \"dispatches\": {\"dispatch_112\": 1, \"dispatch_119\": 1}, \"resolutions\": {\"safe\": 3, \"hospitalized\": 1}},"
  " \"by_dong\": [{\"dong_code\": \"1111051500\", \"dong_name\": \"청운효자동\", \"signals\": 4, \"checks\": {\"phone\": 5, \"bad_number\": 2}},"
  "              {\"dong_code\": \"1111053000\", \"signals\": 2, \"dispatches\": {\"dispatch_112\": 1}}]}";

static void
test_table_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStatsTable) table = anbu_stats_table_new_from_data (week_table, -1, &error);
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (anbu_stats_table_get_group (table), ==, ANBU_STATS_GROUP_WEEK);
  g_assert_cmpuint (anbu_stats_table_get_n_rows (table), ==, 2);
  g_assert_cmpint (anbu_stats_table_get_row (table, 0)->values[ANBU_STATS_COLUMN_PHONE_CHECKS], ==, 6);
  g_assert_cmpint (anbu_stats_table_get_row (table, 1)->values[ANBU_STATS_COLUMN_SMS_CHECKS], ==, 0);
  g_assert_cmpint (anbu_stats_table_get_row (table, 0)->values[ANBU_STATS_COLUMN_BAD_NUMBER_CHECKS], ==, 2);
  /* Households are counted once over the range: the server's total, not a sum. */
  g_assert_cmpint (anbu_stats_table_get_totals (table)->values[ANBU_STATS_COLUMN_SIGNAL_HOUSEHOLDS], ==, 4);
  first = anbu_stats_table_format_period (table, anbu_stats_table_get_row (table, 0));
  last = anbu_stats_table_format_period (table, anbu_stats_table_get_row (table, 1));
  g_assert_cmpstr (first, ==, "2026-11-02 ~ 2026-11-08");
  g_assert_cmpstr (last, ==, "2026-11-09 ~ 2026-11-12");  /* the end is exclusive */
  g_assert_cmpint (g_date_get_day (anbu_stats_table_get_to (table)), ==, 12);

  /* Per 동, for the control centre and a team lead. */
  g_assert_cmpuint (anbu_stats_table_get_n_dongs (table), ==, 2);
  g_assert_cmpstr (anbu_stats_table_get_dong_name (table, 0), ==, "청운효자동");
  g_assert_cmpstr (anbu_stats_table_get_dong_name (table, 1), ==, "1111053000");  /* unnamed: its code */
  g_assert_cmpint (anbu_stats_table_get_dong_row (table, 0)->values[ANBU_STATS_COLUMN_BAD_NUMBER_CHECKS], ==, 2);
  g_assert_cmpint (anbu_stats_table_get_dong_row (table, 1)->values[ANBU_STATS_COLUMN_DISPATCHES_112], ==, 1);
}

static void
test_table_csv_in_korean (void)
{
  g_autoptr(AnbuStatsTable) table = anbu_stats_table_new_from_data (week_table, -1, NULL);
  g_autoptr(GBytes) bytes = anbu_stats_table_to_csv (table);
  g_autofree char *text = bytes_to_string (bytes);
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_str_has_prefix (text, "\xEF\xBB\xBF"));
  lines = g_strsplit (text + 3, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);  /* header, 2 weeks, total, "" after the last CRLF */
  g_assert_true (g_str_has_prefix (lines[0], "기간,위험신호 가구,위험신호,전화 확인,문자 확인,방문 확인,결번·잘못된 번호 확인,112 출동,119 출동,"));
  g_assert_cmpstr (lines[1], ==, "2026-11-02 ~ 2026-11-08,3,4,6,1,0,2,0,1,3,0,0,0,0,0");
  g_assert_cmpstr (lines[3], ==, "합계,4,6,8,1,0,2,1,1,3,1,0,0,0,0");
  g_assert_cmpstr (lines[4], ==, "");
}

static void
assert_invalid (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStatsTable) table = anbu_stats_table_new_from_data (json, -1, &error);

  g_test_message ("input: %s", json);
  g_assert_null (table);
  g_assert_error (error, ANBU_STATS_ERROR, ANBU_STATS_ERROR_INVALID);
}

static void
test_table_not_json (void)
{
  assert_invalid ("<html>502 Bad Gateway</html>");
  assert_invalid ("[]");
}

#define RANGE "\"from\": \"2026-11-02T00:00:00+09:00\", \"to\": \"2026-11-13T00:00:00+09:00\""
#define PERIOD "\"start\": \"2026-11-02T00:00:00+09:00\", \"end\": \"2026-11-03T00:00:00+09:00\""

static void
test_table_bad_group (void)
{
  assert_invalid ("{" RANGE ", \"group\": \"year\", \"periods\": [], \"total\": {}}");
  assert_invalid ("{" RANGE ", \"group\": 3, \"periods\": [], \"total\": {}}");
}

static void
test_table_bad_dates (void)
{
  assert_invalid ("{\"from\": \"2026-11-02\", \"to\": \"2026-11-13T00:00:00+09:00\", \"group\": \"day\", \"periods\": [], \"total\": {}}");
  assert_invalid ("{\"from\": \"2026-11-13T00:00:00+09:00\", \"to\": \"2026-11-02T00:00:00+09:00\", \"group\": \"day\", \"periods\": [], \"total\": {}}");
  assert_invalid ("{" RANGE ", \"group\": \"day\", \"periods\": [{\"start\": \"soon\", \"end\": \"2026-11-03T00:00:00+09:00\"}], \"total\": {}}");
  assert_invalid ("{" RANGE ", \"group\": \"day\", \"periods\": [{\"start\": \"2026-11-05T00:00:00+09:00\", \"end\": \"2026-11-03T00:00:00+09:00\"}], \"total\": {}}");
}

static void
test_table_bad_counts (void)
{
  assert_invalid ("{" RANGE ", \"group\": \"day\", \"periods\": [{" PERIOD ", \"signals\": -1}], \"total\": {}}");
  assert_invalid ("{" RANGE ", \"group\": \"day\", \"periods\": [{" PERIOD ", \"signals\": \"3\"}], \"total\": {}}");
  assert_invalid ("{" RANGE ", \"group\": \"day\", \"periods\": [{" PERIOD ", \"checks\": {\"phone\": 1.5}}], \"total\": {}}");
}

static void
test_table_missing_parts (void)
{
  assert_invalid ("{" RANGE ", \"group\": \"day\", \"total\": {}}");
  assert_invalid ("{" RANGE ", \"group\": \"day\", \"periods\": []}");
  assert_invalid ("{" RANGE ", \"group\": \"day\", \"periods\": [3], \"total\": {}}");
}

int
main (int argc, char *argv[])
{
  /* The Korean catalogue from the build tree, as the app uses it. */
  g_setenv ("LANGUAGE", "ko", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anbu/stats-csv/bom-crlf-quoting", test_bom_crlf_quoting);
  g_test_add_func ("/anbu/stats-csv/formula-guard", test_formula_guard);
  g_test_add_func ("/anbu/stats-csv/invalid-utf8-is-repaired", test_invalid_utf8_is_repaired);
  g_test_add_func ("/anbu/stats-csv/table-parse", test_table_parse);
  g_test_add_func ("/anbu/stats-csv/table-csv-in-korean", test_table_csv_in_korean);
  g_test_add_func ("/anbu/stats-csv/table-not-json", test_table_not_json);
  g_test_add_func ("/anbu/stats-csv/table-bad-group", test_table_bad_group);
  g_test_add_func ("/anbu/stats-csv/table-bad-dates", test_table_bad_dates);
  g_test_add_func ("/anbu/stats-csv/table-bad-counts", test_table_bad_counts);
  g_test_add_func ("/anbu/stats-csv/table-missing-parts", test_table_missing_parts);

  return g_test_run ();
}
