/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "anbu-enums.h"
#include "anbu-hangul-search.h"

G_BEGIN_DECLS

/*
 * One line of the households list: what a planner sees and filters by,
 * read from the replica (household, its installed plugs, its open alerts,
 * its absences), immutable once made. A search key over name, address,
 * phone and plug serials is prepared once, so filtering per keystroke only
 * compares characters.
 */

#define ANBU_HOUSEHOLD_NO_ALERT (-1)

/* Which lists a household belongs to (a household can be in several). */
typedef enum
{
  ANBU_HOUSEHOLD_CATEGORY_ALERT   = 1 << 0,  /* open 위험 or 심각 risk signal */
  ANBU_HOUSEHOLD_CATEGORY_WATCH   = 1 << 1,  /* open 관심 signal */
  ANBU_HOUSEHOLD_CATEGORY_OFFLINE = 1 << 2,  /* plug offline (or offline signal open) */
  ANBU_HOUSEHOLD_CATEGORY_ABSENT  = 1 << 3,  /* inside a registered absence now */
  ANBU_HOUSEHOLD_CATEGORY_NORMAL  = 1 << 4,  /* none of the above */
} AnbuHouseholdCategory;

#define ANBU_HOUSEHOLD_CATEGORY_ALL 0x1f

typedef struct
{
  const char          *id;
  const char          *name;
  const char          *dong_code;
  const char          *dong_name;
  const char          *address;
  const char          *address_detail;
  const char          *phone;            /* canonical, may be NULL */
  const char * const  *serials;          /* installed plugs, NULL-terminated, may be NULL */
  gboolean             night_consent;
  gint                 threshold_hours;
  AnbuHouseholdStatus  status;
  gint                 alert_level;      /* AnbuAlertLevel of the most urgent open
                                          * inactivity/routine signal, or
                                          * ANBU_HOUSEHOLD_NO_ALERT */
  gint64               quiet_since;      /* µs UTC, 0 = unknown */
  gint64               last_activity_at; /* µs UTC, 0 = never seen */
  gboolean             plug_offline;
  gboolean             absent;
  guint                bad_numbers;      /* numbers flagged for the planner to
                                          * confirm or correct (anbu-bad-number.h) */
} AnbuHouseholdFacts;

#define ANBU_TYPE_HOUSEHOLD_SUMMARY (anbu_household_summary_get_type ())
G_DECLARE_FINAL_TYPE (AnbuHouseholdSummary, anbu_household_summary, ANBU, HOUSEHOLD_SUMMARY, GObject)

AnbuHouseholdSummary  *anbu_household_summary_new              (const AnbuHouseholdFacts *facts);

const AnbuHouseholdFacts *anbu_household_summary_get_facts     (AnbuHouseholdSummary *self);
const char            *anbu_household_summary_get_id           (AnbuHouseholdSummary *self);
const char            *anbu_household_summary_get_name         (AnbuHouseholdSummary *self);
AnbuHouseholdCategory  anbu_household_summary_get_categories   (AnbuHouseholdSummary *self);
const AnbuHangulKey   *anbu_household_summary_get_search_key (AnbuHouseholdSummary *self);

/* Orders for the list. */
typedef enum
{
  ANBU_HOUSEHOLD_SORT_RISK,           /* 심각, 위험, 관심, offline, absent, normal; longest quiet first */
  ANBU_HOUSEHOLD_SORT_NAME,           /* 가나다 order, Hangul before Latin */
  ANBU_HOUSEHOLD_SORT_LAST_ACTIVITY,  /* longest without activity first */
} AnbuHouseholdSort;

/* Whether two summaries show the same thing (a reload that changed nothing). */
gboolean anbu_household_summary_equal (AnbuHouseholdSummary *a,
                                       AnbuHouseholdSummary *b);

int   anbu_household_summary_compare (AnbuHouseholdSummary *a,
                                      AnbuHouseholdSummary *b,
                                      AnbuHouseholdSort     sort);
int   anbu_korean_name_compare       (const char           *a,
                                      const char           *b);

/* How long the household has shown no activity: one computation for the
 * signal card, the list row and the household page. The silence starts at
 * the quiet start of its most urgent open inactivity or routine signal (the
 * server's detection, which leaves out staff activity during installs and
 * visits), else at its plugs' latest activity. 0: unknown. */
gint64 anbu_household_facts_get_quiet_since          (const AnbuHouseholdFacts *facts);
/* "27시간째 활동 없음 · 기준 24시간"; NULL when unknown. */
char  *anbu_household_facts_describe_quiet           (const AnbuHouseholdFacts *facts,
                                                      gint64                    now);
/* "마지막 활동 27시간 전", in the same whole hours as the quiet time (never
 * days, so that "1일 전" never stands next to "47시간"); "활동 기록 없음" when unknown. */
char  *anbu_household_facts_describe_last_activity   (const AnbuHouseholdFacts *facts,
                                                      gint64                    now);

G_END_DECLS
