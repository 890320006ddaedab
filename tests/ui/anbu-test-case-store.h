/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-case-store.h"

G_BEGIN_DECLS

/* A case store for UI tests: records held in memory (added by the test as
 * JSON), local changes kept in an outbox list in order and applied to the
 * records as the replica applies them, canned server answers by path prefix
 * (or offline), and a cache. It stands in for the client's replica only
 * inside tests. */
#define ANBU_TYPE_TEST_CASE_STORE (anbu_test_case_store_get_type ())
G_DECLARE_FINAL_TYPE (AnbuTestCaseStore, anbu_test_case_store, ANBU, TEST_CASE_STORE, GObject)

AnbuTestCaseStore *anbu_test_case_store_new          (const char        *user_id);
void               anbu_test_case_store_add_record   (AnbuTestCaseStore *self,
                                                      const char        *kind,
                                                      const char        *json);
/* Outbox entries: JsonObject {"kind": …, "payload": {…}}, oldest first. */
GPtrArray         *anbu_test_case_store_get_outbox   (AnbuTestCaseStore *self);
void               anbu_test_case_store_set_online   (AnbuTestCaseStore *self,
                                                      gboolean           online);
void               anbu_test_case_store_set_answer   (AnbuTestCaseStore *self,
                                                      const char        *path_prefix,
                                                      const char        *body);
guint              anbu_test_case_store_get_n_fetches (AnbuTestCaseStore *self);

G_END_DECLS
