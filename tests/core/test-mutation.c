/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "anbu-enums.h"
#include "anbu-household.h"
#include "anbu-mutation.h"
#include "anbu-record-json.h"

#define HOUSEHOLD_ID "5f0c6a52-3d4e-4b8a-9f1e-2a7b8c9d0e1f"
#define USER_ID "0b9d7c1e-8f2a-4c3b-a1d4-6e5f7a8b9c0d"
#define ALERT_ID "c3a1e2d4-5b6f-4a7c-8d9e-0f1a2b3c4d5e"
#define MUTATION_ID "2e4c6a8b-1d3f-4a5c-9e7b-0c2d4f6a8b1c"

/* One good payload per kind, in the order of the enum. */
static const char * const good_payloads[] = {
  [ANBU_MUTATION_KIND_HOUSEHOLD_CREATE] =
    "{\"id\":\"" HOUSEHOLD_ID "\",\"dong_code\":\"1111051500\",\"name\":\"김영수\","
    "\"address\":\"서울특별시 종로구 자하문로 92\",\"phone\":\"01023456789\","
    "\"lat\":37.5841,\"lon\":126.9706,\"threshold_hours\":30,\"night_consent\":true}",
  [ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE] =
    "{\"id\":\"" HOUSEHOLD_ID "\",\"base_version\":7,"
    "\"fields\":{\"phone\":\"02-730-1234\",\"threshold_hours\":48,\"address_detail\":null}}",
  [ANBU_MUTATION_KIND_HOUSEHOLD_CLOSE] =
    "{\"id\":\"" HOUSEHOLD_ID "\",\"reason\":\"타 지역 전출\"}",
  [ANBU_MUTATION_KIND_PLUG_INSTALL] =
    "{\"serial\":\"ANBU-P1-000123\",\"household_id\":\"" HOUSEHOLD_ID "\","
    "\"appliance\":\"tv\",\"installed_at\":\"2026-11-24T10:30:00+09:00\"}",
  [ANBU_MUTATION_KIND_PLUG_REPLACE] =
    "{\"household_id\":\"" HOUSEHOLD_ID "\",\"old_serial\":\"ANBU-P1-000123\","
    "\"new_serial\":\"ANBU-P1-000456\",\"appliance\":\"lamp\",\"reason\":\"faulty\","
    "\"at\":\"2026-11-24T10:30:00+09:00\"}",
  [ANBU_MUTATION_KIND_PLUG_REMOVE] =
    "{\"serial\":\"ANBU-P1-000123\",\"reason\":\"moved\",\"at\":\"2026-11-24T10:30:00+09:00\"}",
  [ANBU_MUTATION_KIND_VISIT_CREATE] =
    "{\"id\":\"8e2f3a4b-5c6d-4e7f-9a8b-0c1d2e3f4a5b\",\"household_id\":\"" HOUSEHOLD_ID "\","
    "\"at\":\"2026-11-24T14:00:00+09:00\",\"by\":\"" USER_ID "\",\"purpose\":\"install\"}",
  [ANBU_MUTATION_KIND_CONTACT_CREATE] =
    "{\"id\":\"7d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a\",\"alert_id\":\"" ALERT_ID "\","
    "\"household_id\":\"" HOUSEHOLD_ID "\",\"at\":\"2026-11-24T08:40:00+09:00\","
    "\"by\":\"" USER_ID "\",\"channel\":\"phone\",\"outcome\":\"no_answer\"}",
  [ANBU_MUTATION_KIND_ABSENCE_CREATE] =
    "{\"id\":\"9f3a4b5c-6d7e-4f8a-ab9c-1d2e3f4a5b6c\",\"household_id\":\"" HOUSEHOLD_ID "\","
    "\"from\":\"2026-12-01T09:00:00+09:00\",\"reason\":\"travel\"}",
  [ANBU_MUTATION_KIND_ALERT_ACKNOWLEDGE] =
    "{\"id\":\"" ALERT_ID "\",\"at\":\"2026-11-24T08:35:00+09:00\"}",
  [ANBU_MUTATION_KIND_ALERT_RESOLVE] =
    "{\"id\":\"" ALERT_ID "\",\"resolution\":\"safe\",\"at\":\"2026-11-24T09:10:00+09:00\","
    "\"notes\":\"통화 연결, 감기로 누워 있었음\"}",
  [ANBU_MUTATION_KIND_PLUG_MARK] =
    "{\"serial\":\"ANBU-P1-000123\",\"mark\":\"machine\"}",
  [ANBU_MUTATION_KIND_ALERT_CLAIM] =
    "{\"id\":\"" ALERT_ID "\",\"at\":\"2026-11-24T08:36:00+09:00\"}",
};

/* Members each kind cannot do without. */
static const char * const required_members[][7] = {
  [ANBU_MUTATION_KIND_HOUSEHOLD_CREATE] = { "id", "dong_code", "name", "address", NULL },
  [ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE] = { "id", "base_version", "fields", NULL },
  [ANBU_MUTATION_KIND_HOUSEHOLD_CLOSE] = { "id", "reason", NULL },
  [ANBU_MUTATION_KIND_PLUG_INSTALL] = { "serial", "household_id", "appliance", "installed_at",
                                        NULL },
  [ANBU_MUTATION_KIND_PLUG_REPLACE] = { "household_id", "old_serial", "new_serial", "appliance",
                                        "reason", "at", NULL },
  [ANBU_MUTATION_KIND_PLUG_REMOVE] = { "serial", "reason", "at", NULL },
  [ANBU_MUTATION_KIND_VISIT_CREATE] = { "id", "household_id", "at", "by", "purpose", NULL },
  [ANBU_MUTATION_KIND_CONTACT_CREATE] = { "id", "household_id", "at", "by", "channel", "outcome",
                                          NULL },
  [ANBU_MUTATION_KIND_ABSENCE_CREATE] = { "id", "household_id", "from", "reason", NULL },
  [ANBU_MUTATION_KIND_ALERT_ACKNOWLEDGE] = { "id", "at", NULL },
  [ANBU_MUTATION_KIND_ALERT_RESOLVE] = { "id", "resolution", "at", NULL },
  [ANBU_MUTATION_KIND_PLUG_MARK] = { "serial", "mark", NULL },
  [ANBU_MUTATION_KIND_ALERT_CLAIM] = { "id", "at", NULL },
};

static JsonObject *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = anbu_json_parse_object (json, -1, &error);

  g_assert_no_error (error);
  return object;
}

static void
assert_payload_fails (AnbuMutationKind  kind,
                      JsonObject       *payload,
                      gint              code,
                      const char       *field)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;

  g_assert_false (anbu_mutation_validate_payload (kind, payload, &error));
  g_assert_error (error, ANBU_RECORD_ERROR, code);
  got = anbu_record_error_dup_field (error);
  g_assert_cmpstr (got, ==, field);
}

static void
test_kind_strings (void)
{
  static const char * const wire[] = {
    "household.create", "household.update", "household.close", "plug.install", "plug.replace",
    "plug.remove", "visit.create", "contact.create", "absence.create", "alert.acknowledge",
    "alert.resolve", "plug.mark", "alert.claim",
  };
  static const char * const statuses[] = { "applied", "duplicate", "conflict", "rejected" };
  AnbuMutationKind kind;
  AnbuMutationStatus status;

  g_assert_cmpuint (G_N_ELEMENTS (wire), ==, G_N_ELEMENTS (good_payloads));
  for (guint i = 0; i < G_N_ELEMENTS (wire); i++)
    {
      g_assert_cmpstr (anbu_mutation_kind_to_string (i), ==, wire[i]);
      g_assert_true (anbu_mutation_kind_from_string (wire[i], &kind));
      g_assert_cmpint (kind, ==, i);
    }
  g_assert_false (anbu_mutation_kind_from_string ("household.delete", &kind));
  g_assert_false (anbu_mutation_kind_from_string ("Household.Create", &kind));
  g_assert_null (anbu_mutation_kind_to_string (99));

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_assert_cmpstr (anbu_mutation_status_to_string (i), ==, statuses[i]);
      g_assert_true (anbu_mutation_status_from_string (statuses[i], &status));
      g_assert_cmpint (status, ==, i);
    }
  g_assert_false (anbu_mutation_status_from_string ("ok", &status));
}

static void
test_envelope_round_trip (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (good_payloads); i++)
    {
      g_autoptr(JsonObject) payload = parse (good_payloads[i]);
      g_autoptr(AnbuMutation) mutation = anbu_mutation_new (MUTATION_ID, i, payload);
      g_autoptr(AnbuMutation) decoded = NULL;
      g_autoptr(AnbuMutation) copy = NULL;
      g_autoptr(JsonObject) out = anbu_mutation_to_json (mutation);
      g_autoptr(JsonObject) out2 = NULL;
      g_autofree char *text = anbu_json_object_to_string (out);
      g_autofree char *text2 = NULL;
      g_autoptr(GError) error = NULL;

      decoded = anbu_mutation_from_json (out, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (decoded->id, ==, MUTATION_ID);
      g_assert_cmpint (decoded->kind, ==, i);
      g_assert_true (anbu_mutation_validate_payload (decoded->kind, decoded->payload, &error));
      g_assert_no_error (error);

      copy = anbu_mutation_copy (decoded);
      out2 = anbu_mutation_to_json (copy);
      text2 = anbu_json_object_to_string (out2);
      g_assert_cmpstr (text2, ==, text);
    }
}

static void
test_envelope_errors (void)
{
  static const struct { const char *json; gint code; const char *field; } cases[] = {
    { "{\"kind\":\"visit.create\",\"payload\":{}}", ANBU_RECORD_ERROR_MISSING_FIELD, "id" },
    { "{\"id\":\"42\",\"kind\":\"visit.create\",\"payload\":{}}",
      ANBU_RECORD_ERROR_INVALID_VALUE, "id" },
    { "{\"id\":\"" MUTATION_ID "\",\"payload\":{}}", ANBU_RECORD_ERROR_MISSING_FIELD, "kind" },
    { "{\"id\":\"" MUTATION_ID "\",\"kind\":\"visit.delete\",\"payload\":{}}",
      ANBU_RECORD_ERROR_INVALID_VALUE, "kind" },
    { "{\"id\":\"" MUTATION_ID "\",\"kind\":7,\"payload\":{}}",
      ANBU_RECORD_ERROR_WRONG_TYPE, "kind" },
    { "{\"id\":\"" MUTATION_ID "\",\"kind\":\"visit.create\"}",
      ANBU_RECORD_ERROR_MISSING_FIELD, "payload" },
    { "{\"id\":\"" MUTATION_ID "\",\"kind\":\"visit.create\",\"payload\":[]}",
      ANBU_RECORD_ERROR_WRONG_TYPE, "payload" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) object = parse (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(AnbuMutation) mutation = anbu_mutation_from_json (object, &error);
      g_autofree char *field = NULL;

      g_assert_null (mutation);
      g_assert_error (error, ANBU_RECORD_ERROR, cases[i].code);
      field = anbu_record_error_dup_field (error);
      g_assert_cmpstr (field, ==, cases[i].field);
    }
}

static void
test_missing_members (void)
{
  for (guint kind = 0; kind < G_N_ELEMENTS (good_payloads); kind++)
    for (guint j = 0; required_members[kind][j] != NULL; j++)
      {
        g_autoptr(JsonObject) payload = parse (good_payloads[kind]);

        g_test_message ("%s without %s", anbu_mutation_kind_to_string (kind),
                        required_members[kind][j]);
        json_object_remove_member (payload, required_members[kind][j]);
        assert_payload_fails (kind, payload, ANBU_RECORD_ERROR_MISSING_FIELD,
                              required_members[kind][j]);
      }
}

static void
test_wrong_types (void)
{
  for (guint kind = 0; kind < G_N_ELEMENTS (good_payloads); kind++)
    for (guint j = 0; required_members[kind][j] != NULL; j++)
      {
        g_autoptr(JsonObject) payload = parse (good_payloads[kind]);

        json_object_set_boolean_member (payload, required_members[kind][j], TRUE);
        assert_payload_fails (kind, payload, ANBU_RECORD_ERROR_WRONG_TYPE,
                              required_members[kind][j]);
      }
}

static void
test_same_rules_as_records (void)
{
  g_autoptr(JsonObject) create = parse (good_payloads[ANBU_MUTATION_KIND_HOUSEHOLD_CREATE]);
  g_autoptr(JsonObject) install = parse (good_payloads[ANBU_MUTATION_KIND_PLUG_INSTALL]);
  g_autoptr(JsonObject) contact = parse (good_payloads[ANBU_MUTATION_KIND_CONTACT_CREATE]);
  g_autoptr(JsonObject) resolve = parse (good_payloads[ANBU_MUTATION_KIND_ALERT_RESOLVE]);
  g_autoptr(JsonObject) ack = parse (good_payloads[ANBU_MUTATION_KIND_ALERT_ACKNOWLEDGE]);

  json_object_set_int_member (create, "threshold_hours", 23);
  assert_payload_fails (ANBU_MUTATION_KIND_HOUSEHOLD_CREATE, create,
                        ANBU_RECORD_ERROR_INVALID_VALUE, "threshold_hours");

  json_object_set_string_member (install, "appliance", "fridge");
  assert_payload_fails (ANBU_MUTATION_KIND_PLUG_INSTALL, install,
                        ANBU_RECORD_ERROR_INVALID_VALUE, "appliance");

  json_object_set_string_member (contact, "at", "2026-11-24 08:40");
  assert_payload_fails (ANBU_MUTATION_KIND_CONTACT_CREATE, contact,
                        ANBU_RECORD_ERROR_INVALID_VALUE, "at");

  json_object_set_string_member (resolve, "resolution", "fine");
  assert_payload_fails (ANBU_MUTATION_KIND_ALERT_RESOLVE, resolve,
                        ANBU_RECORD_ERROR_INVALID_VALUE, "resolution");

  json_object_set_string_member (ack, "at", "2026-11-24T08:35:00");
  assert_payload_fails (ANBU_MUTATION_KIND_ALERT_ACKNOWLEDGE, ack,
                        ANBU_RECORD_ERROR_INVALID_VALUE, "at");
}

static void
test_household_update_fields (void)
{
  g_autoptr(JsonObject) payload = parse (good_payloads[ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE]);
  JsonObject *fields = json_object_get_object_member (payload, "fields");

  json_object_set_string_member (fields, "phone", "010-123-4567");
  assert_payload_fails (ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE, payload,
                        ANBU_RECORD_ERROR_INVALID_VALUE, "fields.phone");
  json_object_set_string_member (fields, "phone", "010-1234-5678");

  json_object_set_int_member (fields, "threshold_hours", 51);
  assert_payload_fails (ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE, payload,
                        ANBU_RECORD_ERROR_INVALID_VALUE, "fields.threshold_hours");
  json_object_set_int_member (fields, "threshold_hours", 50);

  json_object_set_null_member (fields, "name");
  assert_payload_fails (ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE, payload,
                        ANBU_RECORD_ERROR_MISSING_FIELD, "fields.name");
  json_object_remove_member (fields, "name");

  json_object_set_int_member (fields, "version", 9);
  assert_payload_fails (ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE, payload,
                        ANBU_RECORD_ERROR_INVALID_VALUE, "fields.version");
  json_object_remove_member (fields, "version");

  json_object_set_string_member (fields, "favourite_colour", "blue");
  assert_payload_fails (ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE, payload,
                        ANBU_RECORD_ERROR_INVALID_VALUE, "fields.favourite_colour");
  json_object_remove_member (fields, "favourite_colour");

  {
    JsonArray *contacts = json_array_new ();
    JsonObject *c = json_object_new ();

    json_object_set_string_member (c, "name", "김미영");
    json_object_set_string_member (c, "phone", "112");
    json_array_add_object_element (contacts, c);
    json_object_set_array_member (fields, "contacts", contacts);
    assert_payload_fails (ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE, payload,
                          ANBU_RECORD_ERROR_INVALID_VALUE, "fields.contacts.0.phone");
    json_object_remove_member (fields, "contacts");
  }

  /* Still fine after all the repairs. */
  g_assert_true (anbu_mutation_validate_payload (ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE, payload,
                                                 NULL));
}

static void
test_household_update_location (void)
{
  g_autoptr(JsonObject) payload = parse (good_payloads[ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE]);
  JsonObject *fields = json_object_get_object_member (payload, "fields");

  json_object_set_double_member (fields, "lat", 37.57);
  assert_payload_fails (ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE, payload,
                        ANBU_RECORD_ERROR_MISSING_FIELD, "fields.lon");
  json_object_set_null_member (fields, "lon");
  assert_payload_fails (ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE, payload,
                        ANBU_RECORD_ERROR_MISSING_FIELD, "fields.lon");
  json_object_set_double_member (fields, "lon", 139.77);
  assert_payload_fails (ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE, payload,
                        ANBU_RECORD_ERROR_INVALID_VALUE, "fields.lon");
  json_object_set_double_member (fields, "lon", 126.98);
  g_assert_true (anbu_mutation_validate_payload (ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE, payload,
                                                 NULL));

  /* Clearing the location clears both. */
  json_object_set_null_member (fields, "lat");
  json_object_set_null_member (fields, "lon");
  g_assert_true (anbu_mutation_validate_payload (ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE, payload,
                                                 NULL));
}

static void
test_household_update_envelope (void)
{
  g_autoptr(JsonObject) payload = parse (good_payloads[ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE]);

  json_object_set_int_member (payload, "base_version", -1);
  assert_payload_fails (ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE, payload,
                        ANBU_RECORD_ERROR_INVALID_VALUE, "base_version");
  json_object_set_int_member (payload, "base_version", 7);
  json_object_set_object_member (payload, "fields", json_object_new ());
  assert_payload_fails (ANBU_MUTATION_KIND_HOUSEHOLD_UPDATE, payload,
                        ANBU_RECORD_ERROR_INVALID_VALUE, "fields");
}

static void
test_plug_payloads (void)
{
  g_autoptr(JsonObject) replace = parse (good_payloads[ANBU_MUTATION_KIND_PLUG_REPLACE]);
  g_autoptr(JsonObject) remove = parse (good_payloads[ANBU_MUTATION_KIND_PLUG_REMOVE]);
  static const char * const reasons[] = { "moved", "returned", "faulty", "lost" };

  json_object_set_string_member (replace, "new_serial", "ANBU-P1-000123");
  assert_payload_fails (ANBU_MUTATION_KIND_PLUG_REPLACE, replace,
                        ANBU_RECORD_ERROR_INVALID_VALUE, "new_serial");

  for (gsize i = 0; i < G_N_ELEMENTS (reasons); i++)
    {
      json_object_set_string_member (remove, "reason", reasons[i]);
      g_assert_true (anbu_mutation_validate_payload (ANBU_MUTATION_KIND_PLUG_REMOVE, remove,
                                                     NULL));
    }
  json_object_set_string_member (remove, "reason", "stolen");
  assert_payload_fails (ANBU_MUTATION_KIND_PLUG_REMOVE, remove,
                        ANBU_RECORD_ERROR_INVALID_VALUE, "reason");
  json_object_set_string_member (remove, "reason", "lost");
  json_object_set_string_member (remove, "serial", "");
  assert_payload_fails (ANBU_MUTATION_KIND_PLUG_REMOVE, remove,
                        ANBU_RECORD_ERROR_MISSING_FIELD, "serial");
}

static void
test_close_reason_too_long (void)
{
  g_autoptr(JsonObject) payload = parse (good_payloads[ANBU_MUTATION_KIND_HOUSEHOLD_CLOSE]);
  g_autofree char *reason = g_strnfill (ANBU_SHORT_TEXT_MAX_CHARS + 1, 'x');

  json_object_set_string_member (payload, "reason", reason);
  assert_payload_fails (ANBU_MUTATION_KIND_HOUSEHOLD_CLOSE, payload, ANBU_RECORD_ERROR_TOO_LONG,
                        "reason");
}

static void
test_unknown_members_ignored (void)
{
  for (guint kind = 0; kind < G_N_ELEMENTS (good_payloads); kind++)
    {
      g_autoptr(JsonObject) payload = parse (good_payloads[kind]);
      g_autoptr(GError) error = NULL;

      json_object_set_string_member (payload, "client_note", "sent from build 0.2");
      g_assert_true (anbu_mutation_validate_payload (kind, payload, &error));
      g_assert_no_error (error);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anbu/mutation/kind-strings", test_kind_strings);
  g_test_add_func ("/anbu/mutation/envelope-round-trip", test_envelope_round_trip);
  g_test_add_func ("/anbu/mutation/envelope-errors", test_envelope_errors);
  g_test_add_func ("/anbu/mutation/missing-members", test_missing_members);
  g_test_add_func ("/anbu/mutation/wrong-types", test_wrong_types);
  g_test_add_func ("/anbu/mutation/same-rules-as-records", test_same_rules_as_records);
  g_test_add_func ("/anbu/mutation/household-update-fields", test_household_update_fields);
  g_test_add_func ("/anbu/mutation/household-update-location", test_household_update_location);
  g_test_add_func ("/anbu/mutation/household-update-envelope", test_household_update_envelope);
  g_test_add_func ("/anbu/mutation/plug-payloads", test_plug_payloads);
  g_test_add_func ("/anbu/mutation/close-reason-too-long", test_close_reason_too_long);
  g_test_add_func ("/anbu/mutation/unknown-members-ignored", test_unknown_members_ignored);

  return g_test_run ();
}
