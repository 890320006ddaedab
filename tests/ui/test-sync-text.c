/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "anbu-sync-text.h"
#include "anbu-test-util.h"

/* Every mutation kind of docs/api.md reads as a Korean phrase; an unknown one still reads. */
static void
test_mutation_kinds (void)
{
  g_assert_cmpstr (anbu_sync_text_mutation_kind ("visit.create"), ==, "방문 기록");
  g_assert_cmpstr (anbu_sync_text_mutation_kind ("contact.create"), ==, "안부 확인 기록");
  g_assert_cmpstr (anbu_sync_text_mutation_kind ("household.update"), ==, "가구 정보 수정");
  g_assert_cmpstr (anbu_sync_text_mutation_kind ("alert.resolve"), ==, "위험신호 종결");
  g_assert_cmpstr (anbu_sync_text_mutation_kind ("plug.teleport"), ==, "변경 사항");
  g_assert_cmpstr (anbu_sync_text_mutation_kind (NULL), ==, "변경 사항");
}

/* Household fields, also as dotted paths and under "fields." of an update payload. */
static void
test_household_fields (void)
{
  g_assert_cmpstr (anbu_sync_text_household_field ("phone"), ==, "전화번호");
  g_assert_cmpstr (anbu_sync_text_household_field ("contacts.0.phone"), ==, "비상 연락처");
  g_assert_cmpstr (anbu_sync_text_household_field ("fields.night_consent"), ==, "야간·공휴일 관제 동의");
  g_assert_cmpstr (anbu_sync_text_household_field ("name_suffix"), ==, "name_suffix");
  g_assert_cmpstr (anbu_sync_text_household_field ("lat"), ==, "지도 위치");
}

/* Each rejection code gives its own sentence; field codes name the field. */
static void
test_rejections (void)
{
  struct
  {
    const char *code;
    const char *field;
    const char *expected;
  } cases[] = {
    { "invalid_value", "phone", "전화번호 항목의 값이 올바르지 않습니다." },
    { "wrong_type", "threshold_hours", "위험신호 기준 시간(움직임 없는 시간) 항목의 값이 올바르지 않습니다." },
    { "missing_field", "address", "주소 항목이 빠졌습니다." },
    { "too_long", "risk_notes", "건강·생활 상황 항목이 너무 깁니다." },
    { "forbidden", "dong_code", "담당하지 않는 동의 가구여서 서버가 등록하지 않았습니다. 그 동의 주민센터에 등록을 요청하세요." },
    { "forbidden", NULL, "이 가구는 담당 가구가 아니어서 바꿀 수 없습니다." },
    { "not_found", NULL, "서버에 이 기록이 더 이상 없습니다." },
    { "depends_on_rejected", NULL, "먼저 보낸 관련 변경 사항이 받아들여지지 않았습니다." },
    { "moved", NULL, "이 가구는 다른 복지플래너에게 이관되었습니다. 이관 뒤에 한 변경은 받아들이지 않습니다." },
    { "invalid_value", NULL, "서버가 이 변경 사항을 받지 않았습니다." },
    { "internal", NULL, "서버가 이 변경 사항을 받지 않았습니다." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = anbu_sync_text_rejection (cases[i].code, cases[i].field);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

/* Conflict values show as a planner reads them, never as raw JSON for the common types. */
static void
test_json_values (void)
{
  struct
  {
    const char *json;
    const char *expected;
  } cases[] = {
    { "\"010-1234-5678\"", "010-1234-5678" },
    { "36", "36" },
    { "true", "예" },
    { "false", "아니요" },
    { "null", "(비어 있음)" },
    { "\"\"", "(비어 있음)" },
    { NULL, "(비어 있음)" },
    { "[]", "(비어 있음)" },
    { "[{\"name\":\"김철수\",\"relation\":\"아들\",\"phone\":\"010-2222-3333\"},"
      "{\"name\":\"이영희\",\"phone\":\"02-123-4567\"}]",
      "김철수 (아들) 010-2222-3333, 이영희 02-123-4567" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = anbu_sync_text_json_value (cases[i].json);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

int
main (int   argc,
      char *argv[])
{
  anbu_test_init (&argc, &argv);

  g_test_add_func ("/anbu/ui/sync-text/mutation-kinds", test_mutation_kinds);
  g_test_add_func ("/anbu/ui/sync-text/household-fields", test_household_fields);
  g_test_add_func ("/anbu/ui/sync-text/rejections", test_rejections);
  g_test_add_func ("/anbu/ui/sync-text/json-values", test_json_values);

  return g_test_run ();
}
