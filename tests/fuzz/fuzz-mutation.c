/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The mutation envelope a planner's app sends (src/core/anbu-mutation.c):
 * {"id", "kind", "payload"} through anbu_mutation_from_json(), the payload
 * check, and the one applier (src/core/anbu-mutation-apply.c) against an
 * active household with an installed plug and an open alert, as the server
 * and the replica apply it. An accepted envelope writes back to one that is
 * accepted again. */
#include "config.h"

#include "anbu-mutation-apply.h"
#include "anbu-record-json.h"

#include "fuzz-common.h"

#define PLANNER_ID   "e1111111-1111-4111-8111-111111111111"
#define HOUSEHOLD_ID "a0000000-0000-4000-8000-000000000001"
#define ALERT_ID     "a1000000-0000-4000-8000-000000000001"

static const char household_json[] =
  "{\"id\":\"" HOUSEHOLD_ID "\",\"dong_code\":\"1168064000\",\"name\":\"김영수\","
  "\"birth_year\":1948,\"phone\":\"010-2345-6789\",\"address\":\"서울특별시 강남구 테헤란로 1\","
  "\"lat\":37.5,\"lon\":127.0,\"contacts\":[{\"name\":\"김미영\",\"relation\":\"딸\","
  "\"phone\":\"010-3456-7890\"}],\"night_consent\":true,\"night_consent_date\":\"2026-03-02\","
  "\"threshold_hours\":36,\"status\":\"active\",\"planner_id\":\"" PLANNER_ID "\",\"version\":7,"
  "\"updated_at\":\"2026-11-24T06:05:00Z\"}";

static const char plug_json[] =
  "{\"serial\":\"ANBU-P1-000123\",\"household_id\":\"" HOUSEHOLD_ID "\","
  "\"appliance\":\"rice_cooker\",\"installed_at\":\"2026-03-02T01:30:00Z\","
  "\"state\":\"installed\",\"version\":12}";

static const char alert_json[] =
  "{\"id\":\"" ALERT_ID "\",\"household_id\":\"" HOUSEHOLD_ID "\",\"kind\":\"routine\","
  "\"level\":\"watch\",\"quiet_since\":\"2026-11-23T12:40:00Z\","
  "\"raised_at\":\"2026-11-23T23:30:00Z\",\"responder\":\"dong\",\"state\":\"open\","
  "\"detail\":\"quiet since 21:40 yesterday\",\"version\":3}";

static JsonObject *
fixture (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = anbu_json_parse_object (text, -1, &error);

  if (object == NULL)
    g_error ("fixture: %s", error->message);
  return object;
}

static void
apply (const AnbuMutation *mutation,
       AnbuUserRole        role)
{
  static JsonObject *household, *plug, *alert;
  g_auto(AnbuMutationRecords) records = { 0 };
  AnbuMutationActor actor = { PLANNER_ID, role };
  g_autoptr(GError) error = NULL;
  gboolean applied;

  if (household == NULL)
    {
      household = fixture (household_json);
      plug = fixture (plug_json);
      alert = fixture (alert_json);
    }
  records.household = anbu_household_from_json (household, &error);
  if (records.household != NULL)
    records.plug = anbu_plug_from_json (plug, &error);
  if (records.plug != NULL)
    records.alert = anbu_alert_from_json (alert, &error);
  if (records.alert == NULL)
    g_error ("fixture records do not decode: %s", error->message);
  applied = anbu_mutation_apply (mutation->kind, mutation->payload, &actor, &records, &error);
  ANBU_FUZZ_ASSERT (applied == (error == NULL));
  if (applied && records.household != NULL)
    {
      /* What the applier made is stored and reread: it must decode again. */
      g_autoptr(JsonObject) written = anbu_household_to_json (records.household);
      g_autoptr(AnbuHousehold) again = anbu_household_from_json (written, &error);

      if (again == NULL)
        g_printerr ("applied household refused: %s\n", error->message);
      ANBU_FUZZ_ASSERT (again != NULL);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(AnbuMutation) mutation = NULL;

  anbu_fuzz_init ();
  object = anbu_json_parse_object ((const char *) data, (gssize) size, &error);
  if (object == NULL)
    return 0;
  mutation = anbu_mutation_from_json (object, &error);
  ANBU_FUZZ_ASSERT ((mutation == NULL) == (error != NULL));
  if (mutation == NULL)
    return 0;

  {
    g_autoptr(JsonObject) written = anbu_mutation_to_json (mutation);
    g_autoptr(AnbuMutation) again = anbu_mutation_from_json (written, NULL);

    ANBU_FUZZ_ASSERT (again != NULL);
    ANBU_FUZZ_ASSERT (strcmp (again->id, mutation->id) == 0 && again->kind == mutation->kind);
  }

  if (!anbu_mutation_validate_payload (mutation->kind, mutation->payload, NULL))
    return 0;
  apply (mutation, ANBU_USER_ROLE_PLANNER);
  apply (mutation, ANBU_USER_ROLE_CONTROL);
  return 0;
}
