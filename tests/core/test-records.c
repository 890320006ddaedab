/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "anbu-absence.h"
#include "anbu-alert.h"
#include "anbu-contact.h"
#include "anbu-household.h"
#include "anbu-json-syntax.h"
#include "anbu-plug.h"
#include "anbu-record-json.h"
#include "anbu-user.h"
#include "anbu-visit.h"

#define HOUSEHOLD_ID "5f0c6a52-3d4e-4b8a-9f1e-2a7b8c9d0e1f"
#define PLANNER_ID "0b9d7c1e-8f2a-4c3b-a1d4-6e5f7a8b9c0d"
#define ALERT_ID "c3a1e2d4-5b6f-4a7c-8d9e-0f1a2b3c4d5e"

/* Full records in canonical form: every member set, times in UTC. */
static const char household_json[] =
  "{\"id\":\"" HOUSEHOLD_ID "\",\"dong_code\":\"1111051500\",\"dong_name\":\"청운효자동\","
  "\"name\":\"김영수\",\"birth_year\":1948,\"sex\":\"male\",\"phone\":\"010-2345-6789\","
  "\"address\":\"서울특별시 종로구 자하문로 92\",\"address_detail\":\"2층\","
  "\"lat\":37.584099999999999,\"lon\":126.9706,"
  "\"risk_notes\":\"당뇨, 혼자 거주.\\n계단 이용 어려움.\","
  "\"contacts\":[{\"name\":\"김미영\",\"relation\":\"딸\",\"phone\":\"010-3456-7890\"},"
  "{\"name\":\"박순자\",\"relation\":\"이웃\",\"phone\":\"02-730-1234\"}],"
  "\"night_consent\":true,\"night_consent_date\":\"2026-03-02\",\"threshold_hours\":36,"
  "\"status\":\"active\",\"planner_id\":\"" PLANNER_ID "\",\"version\":7,"
  "\"updated_at\":\"2026-11-24T06:05:00Z\"}";

static const char plug_json[] =
  "{\"serial\":\"ANBU-P1-000123\",\"household_id\":\"" HOUSEHOLD_ID "\","
  "\"appliance\":\"rice_cooker\",\"installed_at\":\"2026-03-02T01:30:00Z\","
  "\"removed_at\":\"2026-11-20T02:00:00Z\",\"state\":\"removed\","
  "\"last_seen_at\":\"2026-11-20T01:59:00Z\",\"last_watts\":3.5,\"last_lux\":120.0,"
  "\"last_activity_at\":\"2026-11-19T22:10:00.250000Z\",\"activity_mark\":\"machine\","
  "\"version\":12}";

static const char alert_json[] =
  "{\"id\":\"" ALERT_ID "\",\"household_id\":\"" HOUSEHOLD_ID "\",\"kind\":\"routine\","
  "\"level\":\"watch\",\"quiet_since\":\"2026-11-23T12:40:00Z\","
  "\"raised_at\":\"2026-11-23T23:30:00Z\",\"responder\":\"control\",\"state\":\"resolved\","
  "\"resolution\":\"hospitalized\",\"closed_at\":\"2026-11-24T01:10:00Z\","
  "\"closed_by\":\"" PLANNER_ID "\",\"acknowledged_at\":\"2026-11-23T23:35:00Z\","
  "\"detail\":\"usually active by 08:00; quiet since 21:40 yesterday\","
  "\"notes\":\"딸이 입원 사실을 알려 줌\",\"version\":3}";

static const char contact_json[] =
  "{\"id\":\"7d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a\",\"alert_id\":\"" ALERT_ID "\","
  "\"household_id\":\"" HOUSEHOLD_ID "\",\"at\":\"2026-11-23T23:40:00Z\","
  "\"by\":\"" PLANNER_ID "\",\"channel\":\"phone\",\"outcome\":\"no_answer\","
  "\"notes\":\"신호는 가나 받지 않음\"}";

static const char visit_json[] =
  "{\"id\":\"8e2f3a4b-5c6d-4e7f-9a8b-0c1d2e3f4a5b\",\"household_id\":\"" HOUSEHOLD_ID "\","
  "\"at\":\"2026-11-24T05:00:00Z\",\"by\":\"" PLANNER_ID "\",\"purpose\":\"regular\","
  "\"outcome\":\"건강 양호, 말벗 요청\",\"notes\":\"김치 나눔 물품 전달.\\n다음 달 재방문.\","
  "\"next_visit_on\":\"2026-12-22\"}";

static const char absence_json[] =
  "{\"id\":\"9f3a4b5c-6d7e-4f8a-ab9c-1d2e3f4a5b6c\",\"household_id\":\"" HOUSEHOLD_ID "\","
  "\"from\":\"2026-12-01T00:00:00Z\",\"to\":\"2026-12-05T09:00:00Z\",\"reason\":\"hospital\","
  "\"notes\":\"백내장 수술\"}";

static const char user_json[] =
  "{\"id\":\"" PLANNER_ID "\",\"username\":\"minji.kim\",\"display_name\":\"김민지 주무관\","
  "\"role\":\"planner\",\"dong_codes\":[\"1111051500\",\"1111053000\"]}";

/* A uniform view of the seven codecs, for the table-driven tests. */
typedef struct
{
  const char          *name;
  const char          *json;
  const char * const  *required;
  gpointer           (*from_json) (JsonObject *object, GError **error);
  JsonObject        *(*to_json)   (gconstpointer record);
  gboolean           (*equal)     (gconstpointer a, gconstpointer b);
  gpointer           (*copy)      (gconstpointer record);
  void               (*free)      (gpointer record);
} Codec;

#define CODEC_WRAPPERS(Type, prefix)                                                        \
  static gpointer prefix##_from_json_any (JsonObject *o, GError **e)                        \
  { return prefix##_from_json (o, e); }                                                     \
  static JsonObject *prefix##_to_json_any (gconstpointer r)                                 \
  { return prefix##_to_json ((const Type *) r); }                                           \
  static gboolean prefix##_equal_any (gconstpointer a, gconstpointer b)                     \
  { return prefix##_equal ((const Type *) a, (const Type *) b); }                           \
  static gpointer prefix##_copy_any (gconstpointer r)                                       \
  { return prefix##_copy ((const Type *) r); }                                              \
  static void prefix##_free_any (gpointer r)                                                \
  { prefix##_free ((Type *) r); }

CODEC_WRAPPERS (AnbuHousehold, anbu_household)
CODEC_WRAPPERS (AnbuPlug, anbu_plug)
CODEC_WRAPPERS (AnbuAlert, anbu_alert)
CODEC_WRAPPERS (AnbuContact, anbu_contact)
CODEC_WRAPPERS (AnbuVisit, anbu_visit)
CODEC_WRAPPERS (AnbuAbsence, anbu_absence)
CODEC_WRAPPERS (AnbuUser, anbu_user)

#define CODEC(label, sample, req, prefix)                                                   \
  { label, sample, req, prefix##_from_json_any, prefix##_to_json_any, prefix##_equal_any,   \
    prefix##_copy_any, prefix##_free_any }

static const char * const household_required[] = { "id", "dong_code", "name", "address", NULL };
static const char * const plug_required[] = {
  "serial", "household_id", "appliance", "installed_at", NULL
};
static const char * const alert_required[] = {
  "id", "household_id", "kind", "level", "raised_at", "responder", NULL
};
static const char * const contact_required[] = {
  "id", "household_id", "at", "by", "channel", "outcome", NULL
};
static const char * const visit_required[] = { "id", "household_id", "at", "by", "purpose", NULL };
static const char * const absence_required[] = { "id", "household_id", "from", "reason", NULL };
static const char * const user_required[] = { "id", "username", "display_name", "role", NULL };

static const Codec codecs[] = {
  CODEC ("household", household_json, household_required, anbu_household),
  CODEC ("plug", plug_json, plug_required, anbu_plug),
  CODEC ("alert", alert_json, alert_required, anbu_alert),
  CODEC ("contact", contact_json, contact_required, anbu_contact),
  CODEC ("visit", visit_json, visit_required, anbu_visit),
  CODEC ("absence", absence_json, absence_required, anbu_absence),
  CODEC ("user", user_json, user_required, anbu_user),
};

static JsonObject *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = anbu_json_parse_object (json, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (object);
  return object;
}

static void
assert_field_error (const GError *error,
                    gint          code,
                    const char   *field)
{
  g_autofree char *got = NULL;

  g_assert_error (error, ANBU_RECORD_ERROR, code);
  got = anbu_record_error_dup_field (error);
  g_assert_cmpstr (got, ==, field);
}

/* Decodes @json expecting an error of @code naming @field. */
static void
assert_decode_fails (const Codec *codec,
                     JsonObject  *object,
                     gint         code,
                     const char  *field)
{
  g_autoptr(GError) error = NULL;
  gpointer record = codec->from_json (object, &error);

  if (record != NULL)
    {
      codec->free (record);
      g_error ("%s: decoding succeeded; expected an error on %s", codec->name, field);
    }
  assert_field_error (error, code, field);
}

static AnbuHousehold *
household_from (const char *json,
                GError    **error)
{
  g_autoptr(JsonObject) object = parse (json);

  return anbu_household_from_json (object, error);
}

static void
test_round_trip (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (codecs); i++)
    {
      const Codec *codec = &codecs[i];
      g_autoptr(JsonObject) object = parse (codec->json);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) out = NULL;
      g_autoptr(JsonObject) out2 = NULL;
      g_autofree char *text = NULL;
      g_autofree char *text2 = NULL;
      gpointer record, again, copy;

      g_test_message ("record: %s", codec->name);
      record = codec->from_json (object, &error);
      g_assert_no_error (error);
      g_assert_nonnull (record);

      /* JSON → record → JSON gives back the very text. */
      out = codec->to_json (record);
      text = anbu_json_object_to_string (out);
      g_assert_cmpstr (text, ==, codec->json);

      /* And record → JSON → record gives back an equal record. */
      again = codec->from_json (out, &error);
      g_assert_no_error (error);
      g_assert_true (codec->equal (record, again));
      out2 = codec->to_json (again);
      text2 = anbu_json_object_to_string (out2);
      g_assert_cmpstr (text2, ==, text);

      copy = codec->copy (record);
      g_assert_true (codec->equal (record, copy));
      g_assert_true (codec->equal (copy, again));

      codec->free (copy);
      codec->free (again);
      codec->free (record);
    }
}

static void
test_missing_required_field (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (codecs); i++)
    for (gsize j = 0; codecs[i].required[j] != NULL; j++)
      {
        const char *member = codecs[i].required[j];
        g_autoptr(JsonObject) without = parse (codecs[i].json);
        g_autoptr(JsonObject) with_null = parse (codecs[i].json);

        g_test_message ("record %s without %s", codecs[i].name, member);
        json_object_remove_member (without, member);
        assert_decode_fails (&codecs[i], without, ANBU_RECORD_ERROR_MISSING_FIELD, member);

        /* null is the same as absent. */
        json_object_set_null_member (with_null, member);
        assert_decode_fails (&codecs[i], with_null, ANBU_RECORD_ERROR_MISSING_FIELD, member);
      }
}

static void
test_optional_fields_absent (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (codecs); i++)
    {
      const Codec *codec = &codecs[i];
      g_autoptr(JsonObject) full = parse (codec->json);
      g_autoptr(JsonObject) minimal = json_object_new ();
      g_autoptr(GError) error = NULL;
      gpointer record;

      /* Keep only the required members, except those the record's own
       * consistency rules call for (a resolved alert, a removed plug). */
      for (gsize j = 0; codec->required[j] != NULL; j++)
        json_object_set_member (minimal, codec->required[j],
                                json_node_copy (json_object_get_member (full,
                                                                        codec->required[j])));
      record = codec->from_json (minimal, &error);
      g_assert_no_error (error);
      g_assert_nonnull (record);
      codec->free (record);
    }
}

static void
test_wrong_type (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (codecs); i++)
    {
      g_autoptr(JsonObject) sample = parse (codecs[i].json);
      g_autoptr(GList) members = json_object_get_members (sample);

      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *member = l->data;
          JsonNode *node = json_object_get_member (sample, member);
          g_autoptr(JsonObject) broken = parse (codecs[i].json);

          g_test_message ("record %s, member %s of the wrong type", codecs[i].name, member);
          if (JSON_NODE_HOLDS_ARRAY (node))
            json_object_set_string_member (broken, member, "a list was expected");
          else if (JSON_NODE_HOLDS_VALUE (node) &&
                   json_node_get_value_type (node) == G_TYPE_STRING)
            json_object_set_int_member (broken, member, 42);
          else if (JSON_NODE_HOLDS_VALUE (node) &&
                   json_node_get_value_type (node) == G_TYPE_BOOLEAN)
            json_object_set_string_member (broken, member, "yes");
          else
            json_object_set_string_member (broken, member, "42");
          assert_decode_fails (&codecs[i], broken, ANBU_RECORD_ERROR_WRONG_TYPE, member);

          /* An object where a value belongs is wrong too. */
          json_object_set_object_member (broken, member, json_object_new ());
          assert_decode_fails (&codecs[i], broken, ANBU_RECORD_ERROR_WRONG_TYPE, member);
        }
    }
}

static void
test_unknown_field_ignored (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (codecs); i++)
    {
      g_autoptr(JsonObject) object = parse (codecs[i].json);
      g_autoptr(JsonObject) plain = parse (codecs[i].json);
      g_autoptr(GError) error = NULL;
      gpointer with_extra, without;

      /* A newer server may send members this version does not know. */
      json_object_set_string_member (object, "favourite_colour", "blue");
      json_object_set_object_member (object, "future", json_object_new ());
      with_extra = codecs[i].from_json (object, &error);
      g_assert_no_error (error);
      without = codecs[i].from_json (plain, &error);
      g_assert_true (codecs[i].equal (with_extra, without));
      codecs[i].free (with_extra);
      codecs[i].free (without);
    }
}

static void
test_household_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuHousehold) h = household_from (household_json, &error);
  AnbuHouseholdContact *daughter;

  g_assert_no_error (error);
  g_assert_cmpstr (h->name, ==, "김영수");
  g_assert_cmpint (h->birth_year, ==, 1948);
  g_assert_cmpint (h->sex, ==, ANBU_SEX_MALE);
  g_assert_cmpfloat (h->lat, ==, 37.5841);
  g_assert_cmpfloat (h->lon, ==, 126.9706);
  g_assert_cmpint (h->threshold_hours, ==, 36);
  g_assert_true (h->night_consent);
  g_assert_cmpuint (h->contacts->len, ==, 2);
  daughter = g_ptr_array_index (h->contacts, 0);
  g_assert_cmpstr (daughter->relation, ==, "딸");
  g_assert_cmpint (h->updated_at, ==, G_GINT64_CONSTANT (1795500300) * G_USEC_PER_SEC);
}

static void
test_household_defaults (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuHousehold) h = household_from (
    "{\"id\":\"" HOUSEHOLD_ID "\",\"dong_code\":\"1111051500\",\"name\":\"이순자\","
    "\"address\":\"서울특별시 종로구 자하문로 92\"}", &error);
  g_autoptr(JsonObject) out = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (h->threshold_hours, ==, 24);
  g_assert_cmpint (h->status, ==, ANBU_HOUSEHOLD_STATUS_ACTIVE);
  g_assert_cmpint (h->sex, ==, ANBU_SEX_UNKNOWN);
  g_assert_true (isnan (h->lat) && isnan (h->lon));
  g_assert_false (h->night_consent);
  g_assert_cmpuint (h->contacts->len, ==, 0);

  out = anbu_household_to_json (h);
  text = anbu_json_object_to_string (out);
  g_assert_cmpstr (text, ==,
                   "{\"id\":\"" HOUSEHOLD_ID "\",\"dong_code\":\"1111051500\","
                   "\"name\":\"이순자\",\"address\":\"서울특별시 종로구 자하문로 92\","
                   "\"contacts\":[],\"night_consent\":false,\"threshold_hours\":24,"
                   "\"status\":\"active\",\"version\":0}");
}

static void
test_household_canonical_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuHousehold) h = household_from (
    "{\"id\":\"5F0C6A52-3D4E-4B8A-9F1E-2A7B8C9D0E1F\",\"dong_code\":\"1111051500\","
    "\"name\":\"  김영수 \",\"address\":\"서울 종로구 자하문로 92\",\"phone\":\"+82 10 2345 6789\","
    "\"address_detail\":\"\",\"updated_at\":\"2026-11-24T15:05:00+09:00\","
    "\"created_at\":\"2026-11-20T09:00:00+09:00\","
    "\"risk_notes\":\"  \",\"dong_name\":\" \","
    "\"contacts\":[{\"name\":\"김미영\",\"phone\":\"0312345678\"}]}", &error);
  g_autoptr(JsonObject) out = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (h->id, ==, HOUSEHOLD_ID);
  g_assert_cmpstr (h->name, ==, "김영수");
  g_assert_cmpstr (h->phone, ==, "010-2345-6789");
  g_assert_null (h->address_detail);
  g_assert_null (h->risk_notes);
  g_assert_null (h->dong_name);
  g_assert_cmpstr (((AnbuHouseholdContact *) g_ptr_array_index (h->contacts, 0))->phone, ==,
                   "031-234-5678");
  out = anbu_household_to_json (h);
  /* Times leave in UTC with Z. */
  g_assert_cmpstr (json_object_get_string_member (out, "updated_at"), ==,
                   "2026-11-24T06:05:00Z");
  /* When the server first stored it travels and copies like updated_at. */
  g_assert_cmpstr (json_object_get_string_member (out, "created_at"), ==,
                   "2026-11-20T00:00:00Z");
  {
    g_autoptr(AnbuHousehold) copy = anbu_household_copy (h);

    g_assert_true (anbu_household_equal (copy, h));
    copy->created_at += G_USEC_PER_SEC;
    g_assert_false (anbu_household_equal (copy, h));
  }
}

static void
test_blank_phone (void)
{
  g_autoptr(JsonObject) object = parse (household_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuHousehold) h = NULL;
  JsonObject *first = json_array_get_object_element (
    json_object_get_array_member (object, "contacts"), 0);

  /* A resident without a phone: the form's field is left blank. */
  json_object_set_string_member (object, "phone", "   ");
  h = anbu_household_from_json (object, &error);
  g_assert_no_error (error);
  g_assert_null (h->phone);
  g_clear_pointer (&h, anbu_household_free);

  /* Blank as the Korean IME types it (an ideographic space) is blank too. */
  json_object_set_string_member (object, "phone", "\xe3\x80\x80");
  h = anbu_household_from_json (object, &error);
  g_assert_no_error (error);
  g_assert_null (h->phone);

  /* A contact is there to be called: a blank number is missing. */
  json_object_set_string_member (first, "phone", " ");
  assert_decode_fails (&codecs[0], object, ANBU_RECORD_ERROR_MISSING_FIELD, "contacts.0.phone");
}

static void
test_household_bad_uuid (void)
{
  g_autoptr(JsonObject) object = parse (household_json);

  json_object_set_string_member (object, "id", "5f0c6a52-3d4e-4b8a-9f1e");
  assert_decode_fails (&codecs[0], object, ANBU_RECORD_ERROR_INVALID_VALUE, "id");
  json_object_set_string_member (object, "id", HOUSEHOLD_ID);
  json_object_set_string_member (object, "planner_id", "planner-kim");
  assert_decode_fails (&codecs[0], object, ANBU_RECORD_ERROR_INVALID_VALUE, "planner_id");
}

static void
test_household_bad_dong_code (void)
{
  g_autoptr(JsonObject) object = parse (household_json);

  json_object_set_string_member (object, "dong_code", "11110515");
  assert_decode_fails (&codecs[0], object, ANBU_RECORD_ERROR_INVALID_VALUE, "dong_code");
  /* A number is not a code: leading zeros and digits would be lost. */
  json_object_set_int_member (object, "dong_code", 1111051500);
  assert_decode_fails (&codecs[0], object, ANBU_RECORD_ERROR_WRONG_TYPE, "dong_code");
}

static void
test_household_threshold (void)
{
  g_autoptr(JsonObject) object = parse (household_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuHousehold) h24 = NULL;
  g_autoptr(AnbuHousehold) h50 = NULL;

  json_object_set_int_member (object, "threshold_hours", 23);
  assert_decode_fails (&codecs[0], object, ANBU_RECORD_ERROR_INVALID_VALUE, "threshold_hours");
  json_object_set_int_member (object, "threshold_hours", 51);
  assert_decode_fails (&codecs[0], object, ANBU_RECORD_ERROR_INVALID_VALUE, "threshold_hours");
  json_object_set_double_member (object, "threshold_hours", 30.5);
  assert_decode_fails (&codecs[0], object, ANBU_RECORD_ERROR_WRONG_TYPE, "threshold_hours");

  json_object_set_int_member (object, "threshold_hours", 24);
  h24 = anbu_household_from_json (object, &error);
  g_assert_no_error (error);
  json_object_set_double_member (object, "threshold_hours", 50.0);
  h50 = anbu_household_from_json (object, &error);
  g_assert_no_error (error);
  g_assert_cmpint (h50->threshold_hours, ==, 50);
}

static void
test_household_coordinates_tokyo (void)
{
  g_autoptr(JsonObject) object = parse (household_json);

  /* Tokyo Station */
  json_object_set_double_member (object, "lat", 35.6812);
  json_object_set_double_member (object, "lon", 139.7671);
  assert_decode_fails (&codecs[0], object, ANBU_RECORD_ERROR_INVALID_VALUE, "lon");

  /* Pyongyang is north of the line. */
  json_object_set_double_member (object, "lat", 39.0392);
  json_object_set_double_member (object, "lon", 125.7625);
  assert_decode_fails (&codecs[0], object, ANBU_RECORD_ERROR_INVALID_VALUE, "lat");
}

static void
test_household_coordinates_in_pairs (void)
{
  g_autoptr(JsonObject) object = parse (household_json);

  json_object_remove_member (object, "lon");
  assert_decode_fails (&codecs[0], object, ANBU_RECORD_ERROR_MISSING_FIELD, "lon");
  json_object_remove_member (object, "lat");
  json_object_set_double_member (object, "lon", 126.9706);
  assert_decode_fails (&codecs[0], object, ANBU_RECORD_ERROR_MISSING_FIELD, "lat");
}

static void
test_household_huge_number (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuHousehold) h = household_from (
    "{\"id\":\"" HOUSEHOLD_ID "\",\"dong_code\":\"1111051500\",\"name\":\"김영수\","
    "\"address\":\"서울 종로구 자하문로 92\",\"lat\":1e400,\"lon\":126.97}", &error);

  g_assert_null (h);
  assert_field_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "lat");
}

static void
test_household_contact_field_path (void)
{
  g_autoptr(JsonObject) object = parse (household_json);
  JsonArray *contacts = json_object_get_array_member (object, "contacts");
  JsonObject *second = json_array_get_object_element (contacts, 1);

  json_object_set_string_member (second, "phone", "02-12-345");
  assert_decode_fails (&codecs[0], object, ANBU_RECORD_ERROR_INVALID_VALUE, "contacts.1.phone");

  json_object_remove_member (second, "phone");
  assert_decode_fails (&codecs[0], object, ANBU_RECORD_ERROR_MISSING_FIELD, "contacts.1.phone");

  json_array_add_string_element (contacts, "김철수 010-1111-2222");
  json_object_set_string_member (second, "phone", "02-730-1234");
  assert_decode_fails (&codecs[0], object, ANBU_RECORD_ERROR_WRONG_TYPE, "contacts.2");
}

static void
test_error_object (void)
{
  g_autoptr(JsonObject) object = parse (household_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "disk full");
  g_autoptr(AnbuHousehold) h = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) other_body = NULL;
  JsonObject *second = json_array_get_object_element (
    json_object_get_array_member (object, "contacts"), 1);

  json_object_set_string_member (second, "phone", "010-12-34");
  h = anbu_household_from_json (object, &error);
  g_assert_null (h);

  /* The shape of docs/api.md errors, ready for the server to send. */
  body = anbu_json_error_to_object (error);
  g_assert_cmpstr (json_object_get_string_member (body, "code"), ==, "invalid_value");
  g_assert_cmpstr (json_object_get_string_member (body, "field"), ==, "contacts.1.phone");
  g_assert_cmpstr (json_object_get_string_member (body, "message"), ==,
                   "A mobile number has 11 digits, such as 010-1234-5678");

  other_body = anbu_json_error_to_object (other);
  g_assert_cmpstr (json_object_get_string_member (other_body, "code"), ==, "bad_request");
  g_assert_false (json_object_has_member (other_body, "field"));
}

static void
test_household_too_many_contacts (void)
{
  g_autoptr(JsonObject) object = parse (household_json);
  JsonArray *contacts = json_array_new ();

  for (guint i = 0; i < ANBU_HOUSEHOLD_MAX_CONTACTS + 1; i++)
    {
      JsonObject *c = json_object_new ();

      json_object_set_string_member (c, "name", "이웃");
      json_object_set_string_member (c, "phone", "010-2000-3000");
      json_array_add_object_element (contacts, c);
    }
  json_object_set_array_member (object, "contacts", contacts);
  assert_decode_fails (&codecs[0], object, ANBU_RECORD_ERROR_TOO_LONG, "contacts");
}

static void
test_household_bad_phone (void)
{
  g_autoptr(JsonObject) object = parse (household_json);

  json_object_set_string_member (object, "phone", "119");
  assert_decode_fails (&codecs[0], object, ANBU_RECORD_ERROR_INVALID_VALUE, "phone");
  json_object_set_string_member (object, "phone", "+81 3-1234-5678");
  assert_decode_fails (&codecs[0], object, ANBU_RECORD_ERROR_INVALID_VALUE, "phone");
}

static void
test_name_too_long (void)
{
  g_autoptr(JsonObject) object = parse (household_json);
  g_autoptr(GString) name = g_string_new (NULL);
  g_autoptr(GString) notes = g_string_new (NULL);

  for (guint i = 0; i < ANBU_NAME_MAX_CHARS + 1; i++)
    g_string_append (name, "김");
  json_object_set_string_member (object, "name", name->str);
  assert_decode_fails (&codecs[0], object, ANBU_RECORD_ERROR_TOO_LONG, "name");

  json_object_set_string_member (object, "name", "김영수");
  for (guint i = 0; i < ANBU_NOTES_MAX_CHARS + 1; i++)
    g_string_append_c (notes, 'a');
  json_object_set_string_member (object, "risk_notes", notes->str);
  assert_decode_fails (&codecs[0], object, ANBU_RECORD_ERROR_TOO_LONG, "risk_notes");
}

static void
test_nul_byte (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuHousehold) h = household_from (
    "{\"id\":\"" HOUSEHOLD_ID "\",\"dong_code\":\"1111051500\",\"name\":\"김영\\u0000수\","
    "\"address\":\"서울 종로구 자하문로 92\"}", &error);
  g_autoptr(GError) raw_error = NULL;
  static const char raw[] = "{\"name\":\"a\0b\"}";

  /* json-glib alone would silently keep "김영"; the field is named instead. */
  g_assert_null (h);
  assert_field_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "name");
  g_assert_nonnull (strstr (error->message, "NUL"));

  /* An escaped backslash followed by u0000 is ordinary text. */
  {
    g_autoptr(GError) e = NULL;
    g_autoptr(AnbuHousehold) ok = household_from (
      "{\"id\":\"" HOUSEHOLD_ID "\",\"dong_code\":\"1111051500\",\"name\":\"a\\\\u0000\","
      "\"address\":\"서울 종로구 자하문로 92\"}", &e);

    g_assert_no_error (e);
    g_assert_cmpstr (ok->name, ==, "a\\u0000");
  }

  /* A raw NUL byte in the body is not JSON. */
  g_assert_null (anbu_json_parse_object (raw, sizeof raw - 1, &raw_error));
  g_assert_error (raw_error, ANBU_RECORD_ERROR, ANBU_RECORD_ERROR_INVALID_JSON);
}

/* A document of more than one value is refused before json-glib parses it:
 * json-glib 1.6 leaked the second value (found by tests/fuzz; the leak shows
 * under run-tests --sanitize). Strings and nesting do not end the value. */
static void
test_more_than_one_value (void)
{
  const char *refused[] = {
    "11{\"id\":\"x\"}",
    "{\"a\":1}{\"b\":2}",
    "{\"a\":1} [2]",
    "\"x\"{\"a\":1}",
    "[1]{\"a\":1}",
  };
  const char *accepted[] = {
    "{\"a\":\"}{\"}",
    " {\"a\":{\"b\":[1,{\"c\":\"]\\\"\"}]}} \n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) object = anbu_json_parse_object (refused[i], -1, &error);

      g_assert_null (object);
      g_assert_error (error, ANBU_RECORD_ERROR, ANBU_RECORD_ERROR_INVALID_JSON);
      g_assert_nonnull (strstr (error->message, "more than one value"));
      g_assert_cmpint (anbu_json_check_syntax (refused[i], strlen (refused[i]), NULL), ==,
                       ANBU_JSON_SYNTAX_TRAILING);
    }
  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) object = anbu_json_parse_object (accepted[i], -1, &error);

      g_assert_no_error (error);
      g_assert_true (json_object_has_member (object, "a"));
      g_assert_cmpint (anbu_json_check_syntax (accepted[i], strlen (accepted[i]), NULL), ==,
                       ANBU_JSON_SYNTAX_OK);
    }
}

static void
test_control_character_in_name (void)
{
  g_autoptr(JsonObject) object = parse (household_json);

  json_object_set_string_member (object, "name", "김영수\n");
  /* Trailing whitespace is trimmed, so a final newline is harmless... */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(AnbuHousehold) h = anbu_household_from_json (object, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (h->name, ==, "김영수");
  }
  /* ...but a line break inside a single-line field is not. */
  json_object_set_string_member (object, "name", "김영\n수");
  assert_decode_fails (&codecs[0], object, ANBU_RECORD_ERROR_INVALID_VALUE, "name");
}

static void
test_names_any_script (void)
{
  static const char * const names[] = {
    "김영수", "Kim Young-soo", "金英洙", "박 Maria 🌸", "👵🏻 할머니", "Nguyễn Thị Lan", "Ёлкин",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(JsonObject) object = parse (household_json);
      g_autoptr(GError) error = NULL;
      g_autoptr(AnbuHousehold) h = NULL;
      g_autoptr(JsonObject) out = NULL;

      json_object_set_string_member (object, "name", names[i]);
      json_object_set_string_member (json_array_get_object_element (
                                       json_object_get_array_member (object, "contacts"), 0),
                                     "name", names[i]);
      h = anbu_household_from_json (object, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (h->name, ==, names[i]);
      out = anbu_household_to_json (h);
      g_assert_cmpstr (json_object_get_string_member (out, "name"), ==, names[i]);
    }
}

static void
test_enum_unknown_value (void)
{
  g_autoptr(JsonObject) plug = parse (plug_json);
  g_autoptr(JsonObject) alert = parse (alert_json);
  g_autoptr(JsonObject) user = parse (user_json);
  g_autoptr(JsonObject) household = parse (household_json);

  json_object_set_string_member (plug, "appliance", "fridge");
  assert_decode_fails (&codecs[1], plug, ANBU_RECORD_ERROR_INVALID_VALUE, "appliance");
  json_object_set_string_member (alert, "level", "RISK");
  assert_decode_fails (&codecs[2], alert, ANBU_RECORD_ERROR_INVALID_VALUE, "level");
  json_object_set_string_member (user, "role", "superuser");
  assert_decode_fails (&codecs[6], user, ANBU_RECORD_ERROR_INVALID_VALUE, "role");
  json_object_set_string_member (household, "status", "deleted");
  assert_decode_fails (&codecs[0], household, ANBU_RECORD_ERROR_INVALID_VALUE, "status");
}

static void
test_time_without_offset (void)
{
  g_autoptr(JsonObject) contact = parse (contact_json);
  g_autoptr(JsonObject) absence = parse (absence_json);

  json_object_set_string_member (contact, "at", "2026-11-24T08:40:00");
  assert_decode_fails (&codecs[3], contact, ANBU_RECORD_ERROR_INVALID_VALUE, "at");
  json_object_set_string_member (absence, "to", "2026-12-05");
  assert_decode_fails (&codecs[5], absence, ANBU_RECORD_ERROR_INVALID_VALUE, "to");
}

static void
test_time_with_offset_converted (void)
{
  g_autoptr(JsonObject) contact = parse (contact_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuContact) c = NULL;
  g_autoptr(JsonObject) out = NULL;

  json_object_set_string_member (contact, "at", "2026-11-24T08:40:00+09:00");
  c = anbu_contact_from_json (contact, &error);
  g_assert_no_error (error);
  out = anbu_contact_to_json (c);
  g_assert_cmpstr (json_object_get_string_member (out, "at"), ==, "2026-11-23T23:40:00Z");
}

static void
test_alert_consistency (void)
{
  g_autoptr(JsonObject) alert = parse (alert_json);

  json_object_remove_member (alert, "resolution");
  assert_decode_fails (&codecs[2], alert, ANBU_RECORD_ERROR_MISSING_FIELD, "resolution");
  json_object_set_string_member (alert, "resolution", "safe");
  json_object_remove_member (alert, "closed_at");
  assert_decode_fails (&codecs[2], alert, ANBU_RECORD_ERROR_MISSING_FIELD, "closed_at");
  json_object_set_string_member (alert, "closed_at", "2026-11-23T20:00:00Z");
  assert_decode_fails (&codecs[2], alert, ANBU_RECORD_ERROR_INVALID_VALUE, "closed_at");
}

static void
test_plug_consistency (void)
{
  g_autoptr(JsonObject) plug = parse (plug_json);

  json_object_set_string_member (plug, "removed_at", "2026-03-01T00:00:00Z");
  assert_decode_fails (&codecs[1], plug, ANBU_RECORD_ERROR_INVALID_VALUE, "removed_at");
  json_object_remove_member (plug, "removed_at");
  json_object_set_double_member (plug, "last_watts", -3.0);
  assert_decode_fails (&codecs[1], plug, ANBU_RECORD_ERROR_INVALID_VALUE, "last_watts");
  json_object_set_double_member (plug, "last_watts", 3.0);
  /* The planner's mark is one of three words. */
  json_object_set_string_member (plug, "activity_mark", "robot");
  assert_decode_fails (&codecs[1], plug, ANBU_RECORD_ERROR_INVALID_VALUE, "activity_mark");
  json_object_set_string_member (plug, "activity_mark", "machine");
  json_object_set_string_member (plug, "serial", "plug 1");
  assert_decode_fails (&codecs[1], plug, ANBU_RECORD_ERROR_INVALID_VALUE, "serial");
}

/* A server-assigned version only grows from 0: a negative one is a corrupt
 * record, whichever record carries it. */
static void
test_negative_version (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (codecs); i++)
    {
      g_autoptr(JsonObject) object = parse (codecs[i].json);
      g_autoptr(GError) error = NULL;
      gpointer record;

      if (!json_object_has_member (object, "version"))
        continue;
      json_object_set_int_member (object, "version", -1);
      assert_decode_fails (&codecs[i], object, ANBU_RECORD_ERROR_INVALID_VALUE, "version");
      json_object_set_int_member (object, "version", 0);
      record = codecs[i].from_json (object, &error);
      g_assert_no_error (error);
      codecs[i].free (record);
    }
}

static void
test_absence_window (void)
{
  g_autoptr(JsonObject) object = parse (absence_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuAbsence) open_ended = NULL;
  gint64 from;

  json_object_set_string_member (object, "to", "2026-11-30T00:00:00Z");
  assert_decode_fails (&codecs[5], object, ANBU_RECORD_ERROR_INVALID_VALUE, "to");

  json_object_remove_member (object, "to");
  open_ended = anbu_absence_from_json (object, &error);
  g_assert_no_error (error);
  from = open_ended->from;
  g_assert_false (anbu_absence_covers (open_ended, from - 1));
  g_assert_true (anbu_absence_covers (open_ended, from));
  g_assert_true (anbu_absence_covers (open_ended, from + G_GINT64_CONSTANT (86400000000) * 365));
}

static void
test_user_dong_codes (void)
{
  g_autoptr(JsonObject) object = parse (user_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuUser) user = anbu_user_from_json (object, &error);
  JsonArray *codes = json_array_new ();

  g_assert_no_error (error);
  g_assert_true (anbu_user_has_dong_code (user, "1111053000"));
  g_assert_false (anbu_user_has_dong_code (user, "1168064000"));

  json_array_add_string_element (codes, "1111051500");
  json_array_add_string_element (codes, "111105300");
  json_object_set_array_member (object, "dong_codes", codes);
  assert_decode_fails (&codecs[6], object, ANBU_RECORD_ERROR_INVALID_VALUE, "dong_codes.1");

  codes = json_array_new ();
  json_array_add_string_element (codes, "1111051500");
  json_array_add_string_element (codes, "1111051500");
  json_object_set_array_member (object, "dong_codes", codes);
  assert_decode_fails (&codecs[6], object, ANBU_RECORD_ERROR_INVALID_VALUE, "dong_codes.1");

  json_object_set_string_member (object, "username", "김민지");
  assert_decode_fails (&codecs[6], object, ANBU_RECORD_ERROR_INVALID_VALUE, "username");
}

static void
test_household_set_field (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuHousehold) h = household_from (household_json, &error);
  g_autoptr(JsonNode) phone = json_node_new (JSON_NODE_VALUE);
  g_autoptr(JsonNode) bad = json_node_new (JSON_NODE_VALUE);
  g_autoptr(JsonNode) got = NULL;
  g_autoptr(JsonNode) unset = NULL;
  const char * const *editable = anbu_household_list_editable_fields ();

  g_assert_true (g_strv_contains (editable, "phone"));
  g_assert_false (g_strv_contains (editable, "id"));
  g_assert_false (g_strv_contains (editable, "version"));
  g_assert_false (anbu_household_is_editable_field ("updated_at"));
  g_assert_false (anbu_household_is_editable_field ("created_at"));

  json_node_set_string (phone, "+82 2 730 1234");
  g_assert_true (anbu_household_set_field (h, "phone", phone, &error));
  g_assert_cmpstr (h->phone, ==, "02-730-1234");
  got = anbu_household_dup_field (h, "phone");
  g_assert_cmpstr (json_node_get_string (got), ==, "02-730-1234");

  /* A refused value leaves the field as it was. */
  json_node_set_int (bad, 60);
  g_assert_false (anbu_household_set_field (h, "threshold_hours", bad, &error));
  assert_field_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "threshold_hours");
  g_assert_cmpint (h->threshold_hours, ==, 36);
  g_clear_error (&error);

  /* null clears an optional field and is refused for a required one. */
  g_assert_true (anbu_household_set_field (h, "address_detail", NULL, &error));
  g_assert_null (h->address_detail);
  unset = anbu_household_dup_field (h, "address_detail");
  g_assert_true (JSON_NODE_HOLDS_NULL (unset));
  /* null puts a field with a default back to it. */
  g_assert_true (anbu_household_set_field (h, "threshold_hours", NULL, &error));
  g_assert_cmpint (h->threshold_hours, ==, ANBU_THRESHOLD_HOURS_DEFAULT);
  g_assert_false (anbu_household_set_field (h, "name", NULL, &error));
  assert_field_error (error, ANBU_RECORD_ERROR_MISSING_FIELD, "name");
  g_assert_cmpstr (h->name, ==, "김영수");
  g_clear_error (&error);

  g_assert_false (anbu_household_set_field (h, "version", bad, &error));
  assert_field_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "version");
  g_clear_error (&error);
  g_assert_false (anbu_household_set_field (h, "shoe_size", bad, &error));
  assert_field_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "shoe_size");
  g_assert_null (anbu_household_dup_field (h, "shoe_size"));
  g_clear_error (&error);

  /* A name that is no member name cannot pass itself off as one: the app
   * would mark the planner's "name" field for an error it does not have. */
  g_assert_false (anbu_household_set_field (h, "name: x", bad, &error));
  assert_field_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, NULL);
  anbu_record_error_prefix_field (&error, "fields");
  assert_field_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "fields");
}

/* Sync names record kinds by these strings (docs/api.md, "Pull"); the
 * replica, the app and the server all count by the one enum. */
static void
test_record_kinds (void)
{
  const char *expected[] = { "household", "plug", "alert", "contact", "visit", "absence" };
  AnbuRecordKind kind;

  g_assert_cmpuint (G_N_ELEMENTS (expected), ==, ANBU_RECORD_N_KINDS);
  for (guint i = 0; i < ANBU_RECORD_N_KINDS; i++)
    {
      g_assert_cmpstr (anbu_record_kind_to_string (i), ==, expected[i]);
      g_assert_true (anbu_record_kind_from_string (expected[i], &kind));
      g_assert_cmpint (kind, ==, i);
      g_assert_nonnull (anbu_record_kind_to_label (i));
    }
  g_assert_cmpint (ANBU_RECORD_KIND_PLUG, ==, 1);
  g_assert_cmpint (ANBU_RECORD_KIND_ABSENCE, ==, 5);
  g_assert_false (anbu_record_kind_from_string ("reading", &kind));
  g_assert_false (anbu_record_kind_from_string ("user", &kind));
  g_assert_null (anbu_record_kind_to_string (ANBU_RECORD_N_KINDS));
}

static void
test_enum_strings (void)
{
  GType all[] = {
    ANBU_TYPE_SEX, ANBU_TYPE_APPLIANCE, ANBU_TYPE_PLUG_STATE, ANBU_TYPE_PLUG_REMOVAL_REASON,
    ANBU_TYPE_HOUSEHOLD_STATUS, ANBU_TYPE_ALERT_KIND, ANBU_TYPE_ALERT_LEVEL,
    ANBU_TYPE_ALERT_STATE, ANBU_TYPE_ALERT_RESPONDER, ANBU_TYPE_ALERT_RESOLUTION,
    ANBU_TYPE_CONTACT_CHANNEL, ANBU_TYPE_CONTACT_OUTCOME, ANBU_TYPE_VISIT_PURPOSE,
    ANBU_TYPE_ABSENCE_REASON, ANBU_TYPE_USER_ROLE, ANBU_TYPE_RECORD_KIND, ANBU_TYPE_ACTIVITY_MARK,
  };
  AnbuAppliance appliance;
  AnbuPlugRemovalReason reason;
  AnbuContactChannel channel;

  for (gsize i = 0; i < G_N_ELEMENTS (all); i++)
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (all[i]);

      g_assert_cmpuint (klass->n_values, >=, 2);
      for (guint v = 0; v < klass->n_values; v++)
        {
          gint value = -1;

          g_assert_cmpint (klass->values[v].value, ==, v);
          g_assert_true (anbu_validate_enum (NULL, all[i], klass->values[v].value_nick, &value,
                                             NULL));
          g_assert_cmpint (value, ==, v);
        }
    }

  g_assert_cmpstr (anbu_appliance_to_string (ANBU_APPLIANCE_RICE_COOKER), ==, "rice_cooker");
  g_assert_true (anbu_appliance_from_string ("microwave", &appliance));
  g_assert_cmpint (appliance, ==, ANBU_APPLIANCE_MICROWAVE);
  g_assert_false (anbu_appliance_from_string ("Microwave", &appliance));
  g_assert_false (anbu_appliance_from_string (NULL, &appliance));
  g_assert_true (anbu_plug_removal_reason_from_string ("faulty", &reason));
  g_assert_cmpint (reason, ==, ANBU_PLUG_REMOVAL_REASON_FAULTY);
  g_assert_true (anbu_contact_channel_from_string ("dispatch_119", &channel));
  g_assert_cmpint (channel, ==, ANBU_CONTACT_CHANNEL_DISPATCH_119);
  g_assert_cmpstr (anbu_alert_resolution_to_string (ANBU_ALERT_RESOLUTION_FALSE_ALARM), ==,
                   "false_alarm");
  g_assert_null (anbu_alert_resolution_to_string (ANBU_ALERT_RESOLUTION_NONE));
  g_assert_null (anbu_sex_to_label (ANBU_SEX_UNKNOWN));
  g_assert_cmpstr (anbu_alert_level_to_label (ANBU_ALERT_LEVEL_RISK), ==, "Risk");
}

static void
test_labels_in_korean (void)
{
  const char *label;

  /* The planner sees Korean: the labels come from po/ko.po. */
  g_setenv ("LANGUAGE", "ko", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  label = anbu_alert_level_to_label (ANBU_ALERT_LEVEL_RISK);
  g_assert_cmpstr (label, ==, "위험");
  g_assert_cmpstr (anbu_alert_level_to_label (ANBU_ALERT_LEVEL_WATCH), ==, "관심");
  g_assert_cmpstr (anbu_alert_level_to_label (ANBU_ALERT_LEVEL_CRITICAL), ==, "심각");
  g_assert_cmpstr (anbu_alert_responder_to_label (ANBU_ALERT_RESPONDER_DONG), ==, "동주민센터");
  g_assert_cmpstr (anbu_alert_responder_to_label (ANBU_ALERT_RESPONDER_CONTROL), ==, "관제센터");
  g_assert_cmpstr (anbu_user_role_to_label (ANBU_USER_ROLE_PLANNER), ==, "복지플래너");
  g_assert_cmpstr (anbu_alert_state_to_label (ANBU_ALERT_STATE_DISPATCHED), ==, "현장 출동");

  /* And the reasons of validation errors. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (anbu_validate_threshold_hours ("threshold_hours", 51, &error));
    g_assert_cmpstr (anbu_record_error_get_reason (error), ==,
                     "무활동 기준 시간은 24시간에서 50시간 사이여야 합니다");
  }

  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "C.UTF-8");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anbu/records/round-trip", test_round_trip);
  g_test_add_func ("/anbu/records/missing-required-field", test_missing_required_field);
  g_test_add_func ("/anbu/records/optional-fields-absent", test_optional_fields_absent);
  g_test_add_func ("/anbu/records/wrong-type", test_wrong_type);
  g_test_add_func ("/anbu/records/more-than-one-value", test_more_than_one_value);
  g_test_add_func ("/anbu/records/unknown-field-ignored", test_unknown_field_ignored);
  g_test_add_func ("/anbu/records/household-values", test_household_values);
  g_test_add_func ("/anbu/records/household-defaults", test_household_defaults);
  g_test_add_func ("/anbu/records/household-canonical-values", test_household_canonical_values);
  g_test_add_func ("/anbu/records/blank-phone", test_blank_phone);
  g_test_add_func ("/anbu/records/bad-uuid", test_household_bad_uuid);
  g_test_add_func ("/anbu/records/bad-dong-code", test_household_bad_dong_code);
  g_test_add_func ("/anbu/records/threshold-23-51", test_household_threshold);
  g_test_add_func ("/anbu/records/coordinates-tokyo", test_household_coordinates_tokyo);
  g_test_add_func ("/anbu/records/coordinates-in-pairs", test_household_coordinates_in_pairs);
  g_test_add_func ("/anbu/records/huge-number", test_household_huge_number);
  g_test_add_func ("/anbu/records/contact-field-path", test_household_contact_field_path);
  g_test_add_func ("/anbu/records/error-object", test_error_object);
  g_test_add_func ("/anbu/records/too-many-contacts", test_household_too_many_contacts);
  g_test_add_func ("/anbu/records/bad-phone", test_household_bad_phone);
  g_test_add_func ("/anbu/records/string-too-long", test_name_too_long);
  g_test_add_func ("/anbu/records/nul-byte", test_nul_byte);
  g_test_add_func ("/anbu/records/control-character", test_control_character_in_name);
  g_test_add_func ("/anbu/records/names-any-script", test_names_any_script);
  g_test_add_func ("/anbu/records/enum-unknown-value", test_enum_unknown_value);
  g_test_add_func ("/anbu/records/time-without-offset", test_time_without_offset);
  g_test_add_func ("/anbu/records/negative-version", test_negative_version);
  g_test_add_func ("/anbu/records/time-with-offset-converted", test_time_with_offset_converted);
  g_test_add_func ("/anbu/records/alert-consistency", test_alert_consistency);
  g_test_add_func ("/anbu/records/plug-consistency", test_plug_consistency);
  g_test_add_func ("/anbu/records/absence-window", test_absence_window);
  g_test_add_func ("/anbu/records/user-dong-codes", test_user_dong_codes);
  g_test_add_func ("/anbu/records/household-set-field", test_household_set_field);
  g_test_add_func ("/anbu/records/enum-strings", test_enum_strings);
  g_test_add_func ("/anbu/records/record-kinds", test_record_kinds);
  g_test_add_func ("/anbu/records/labels-in-korean", test_labels_in_korean);

  return g_test_run ();
}
