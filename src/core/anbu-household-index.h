/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "anbu-household-summary.h"

G_BEGIN_DECLS

/*
 * The planner's households, searched, filtered and sorted: a GListModel of
 * the AnbuHouseholdSummary items that pass the current search and filters,
 * in the current order. The whole set is sorted once per sort change;
 * search and filters keep that order, so a keystroke is one linear scan
 * over prepared search keys (see bench/bench-household-filter.c).
 */

typedef enum
{
  ANBU_CONSENT_FILTER_ANY,
  ANBU_CONSENT_FILTER_CONSENTED,      /* 야간·공휴일 관제 동의 */
  ANBU_CONSENT_FILTER_NOT_CONSENTED,
} AnbuConsentFilter;

typedef struct
{
  char *code;  /* 10-digit 행정기관코드 */
  char *name;  /* 역삼1동; the code when the name is unknown */
} AnbuDong;

void anbu_dong_free (AnbuDong *dong);

#define ANBU_TYPE_HOUSEHOLD_INDEX (anbu_household_index_get_type ())
G_DECLARE_FINAL_TYPE (AnbuHouseholdIndex, anbu_household_index, ANBU, HOUSEHOLD_INDEX, GObject)

AnbuHouseholdIndex    *anbu_household_index_new            (void);

/* Takes a reference on every summary of @households. */
void                   anbu_household_index_set_households (AnbuHouseholdIndex    *self,
                                                            GPtrArray             *households);
guint                  anbu_household_index_get_n_total    (AnbuHouseholdIndex    *self);
AnbuHouseholdSummary  *anbu_household_index_lookup         (AnbuHouseholdIndex    *self,
                                                            const char            *household_id);

void                   anbu_household_index_set_query      (AnbuHouseholdIndex    *self,
                                                            const char            *query);
const char            *anbu_household_index_get_query      (AnbuHouseholdIndex    *self);
/* 0 or ANBU_HOUSEHOLD_CATEGORY_ALL: every household; otherwise those in any
 * of the given categories. */
void                   anbu_household_index_set_categories (AnbuHouseholdIndex    *self,
                                                            AnbuHouseholdCategory  categories);
/* NULL: every 동. */
void                   anbu_household_index_set_dong_code  (AnbuHouseholdIndex    *self,
                                                            const char            *dong_code);
void                   anbu_household_index_set_consent    (AnbuHouseholdIndex    *self,
                                                            AnbuConsentFilter      consent);
void                   anbu_household_index_set_sort       (AnbuHouseholdIndex    *self,
                                                            AnbuHouseholdSort      sort);
AnbuHouseholdSort      anbu_household_index_get_sort       (AnbuHouseholdIndex    *self);

/* The 동 present in the set, sorted by name: a GPtrArray of AnbuDong. */
GPtrArray             *anbu_household_index_list_dongs     (AnbuHouseholdIndex    *self);

G_END_DECLS
