/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A households CSV file as `anbu-server import-households` reads it
 * (src/server/anbu-csv-import.c): the CSV splitter on any bytes, then the
 * whole import into a fresh in-memory database with one planner. Every row
 * is imported or rejected with a line and a reason, never both. */
#include "config.h"

#include "anbu-csv-import.h"
#include "anbu-sqlite-store.h"

#include "fuzz-common.h"

static AnbuStore *
open_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AnbuStore) store = anbu_sqlite_store_open (":memory:", &error);
  char *dong_codes[] = { (char *) "1168064000", (char *) "1111051500", NULL };
  AnbuStoreUser planner = {
    .id = (char *) "e1111111-1111-4111-8111-111111111111",
    .username = (char *) "minji",
    .display_name = (char *) "김민지",
    .role = ANBU_USER_ROLE_PLANNER,
    .dong_codes = dong_codes,
    .password_hash = (char *) "unused",
  };

  if (store == NULL || !anbu_store_add_user (store, &planner, &error))
    g_error ("store: %s", error->message);
  return g_steal_pointer (&store);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(AnbuStore) store = NULL;
  g_autoptr(AnbuCsvImportReport) report = NULL;
  gboolean valid_only = size > 0 && (data[0] & 1);

  anbu_fuzz_init ();
  rows = anbu_csv_parse ((const char *) data, size, lines, &error);
  ANBU_FUZZ_ASSERT ((rows == NULL) == (error != NULL));
  if (rows != NULL)
    {
      ANBU_FUZZ_ASSERT (lines->len == rows->len);
      for (guint i = 0; i < rows->len; i++)
        ANBU_FUZZ_ASSERT (((GPtrArray *) g_ptr_array_index (rows, i))->len > 0);
    }
  g_clear_error (&error);

  /* A fresh database each time: what one input imported must not change how
   * the next is read. */
  store = open_store ();
  report = anbu_csv_import_households (store, (const char *) data, size, valid_only, &error);
  ANBU_FUZZ_ASSERT ((report == NULL) == (error != NULL));
  if (report != NULL)
    {
      for (guint i = 0; i < report->rejected->len; i++)
        {
          AnbuCsvRejectedRow *row = g_ptr_array_index (report->rejected, i);

          ANBU_FUZZ_ASSERT (row->line >= 2 && row->reason != NULL);
        }
      if (!valid_only && report->rejected->len > 0)
        ANBU_FUZZ_ASSERT (report->imported == 0);
    }
  return 0;
}
