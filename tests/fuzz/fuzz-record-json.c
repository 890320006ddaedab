/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Record JSON as the server and the replica read it: any bytes through
 * anbu_json_parse_object() and every record kind's from_json(). What a
 * decoder accepts must write back to JSON that it accepts again, unchanged
 * (the server stores and the replica rereads what was written). */
#include "config.h"

#include "anbu-absence.h"
#include "anbu-alert.h"
#include "anbu-contact.h"
#include "anbu-household.h"
#include "anbu-plug.h"
#include "anbu-record-json.h"
#include "anbu-user.h"
#include "anbu-visit.h"

#include "fuzz-common.h"

#define ROUND_TRIP(Type, prefix, object)                                            \
  G_STMT_START {                                                                    \
    g_autoptr(GError) record_error = NULL;                                          \
    Type *record = prefix##_from_json ((object), &record_error);                    \
                                                                                    \
    ANBU_FUZZ_ASSERT ((record == NULL) == (record_error != NULL));                  \
    if (record != NULL)                                                             \
      {                                                                             \
        g_autoptr(JsonObject) written = prefix##_to_json (record);                  \
        g_autofree char *text = anbu_json_object_to_string (written);               \
        g_autoptr(GError) again_error = NULL;                                       \
        Type *again = prefix##_from_json (written, &again_error);                   \
                                                                                    \
        if (again == NULL)                                                          \
          g_printerr ("%s refused its own output %s: %s\n", #prefix, text,          \
                      again_error->message);                                        \
        ANBU_FUZZ_ASSERT (again != NULL);                                           \
        {                                                                           \
          g_autoptr(JsonObject) rewritten = prefix##_to_json (again);               \
          g_autofree char *retext = anbu_json_object_to_string (rewritten);         \
                                                                                    \
          ANBU_FUZZ_ASSERT (g_strcmp0 (text, retext) == 0);                         \
        }                                                                           \
        prefix##_free (again);                                                      \
        prefix##_free (record);                                                     \
      }                                                                             \
  } G_STMT_END

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;

  anbu_fuzz_init ();
  object = anbu_json_parse_object ((const char *) data, (gssize) size, &error);
  ANBU_FUZZ_ASSERT ((object == NULL) == (error != NULL));
  if (object == NULL)
    return 0;

  ROUND_TRIP (AnbuHousehold, anbu_household, object);
  ROUND_TRIP (AnbuHouseholdContact, anbu_household_contact, object);
  ROUND_TRIP (AnbuPlug, anbu_plug, object);
  ROUND_TRIP (AnbuAlert, anbu_alert, object);
  ROUND_TRIP (AnbuContact, anbu_contact, object);
  ROUND_TRIP (AnbuVisit, anbu_visit, object);
  ROUND_TRIP (AnbuAbsence, anbu_absence, object);
  ROUND_TRIP (AnbuUser, anbu_user, object);
  return 0;
}
