/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define ANBU_HOLIDAY_ERROR (anbu_holiday_error_quark ())

typedef enum
{
  ANBU_HOLIDAY_ERROR_INVALID_DATE,  /* not a real calendar date, or not YYYY-MM-DD */
  ANBU_HOLIDAY_ERROR_INVALID_NAME,  /* empty, too long, not one line of UTF-8 text */
  ANBU_HOLIDAY_ERROR_DUPLICATE,     /* a temporary holiday is already declared that day */
  ANBU_HOLIDAY_ERROR_NOT_FOUND,     /* no temporary holiday declared that day */
  ANBU_HOLIDAY_ERROR_INVALID_JSON,  /* the persisted list has the wrong shape */
} AnbuHolidayError;

/* What a day off is for. SUBSTITUTE and TEMPORARY days say in
 * AnbuHoliday.about which holiday they stand for, when there is one. */
typedef enum
{
  ANBU_HOLIDAY_KIND_NONE,
  ANBU_HOLIDAY_KIND_NEW_YEAR,                 /* 1월 1일 */
  ANBU_HOLIDAY_KIND_SEOLLAL_EVE,              /* 설날 전날 */
  ANBU_HOLIDAY_KIND_SEOLLAL,                  /* 설날, lunar 1/1 */
  ANBU_HOLIDAY_KIND_SEOLLAL_AFTER,            /* 설날 다음 날 */
  ANBU_HOLIDAY_KIND_INDEPENDENCE_MOVEMENT,    /* 3·1절 */
  ANBU_HOLIDAY_KIND_LABOUR_DAY,               /* 노동절, a public holiday from 2026 */
  ANBU_HOLIDAY_KIND_CHILDRENS_DAY,            /* 어린이날 */
  ANBU_HOLIDAY_KIND_BUDDHAS_BIRTHDAY,         /* 부처님 오신 날, lunar 4/8 */
  ANBU_HOLIDAY_KIND_MEMORIAL_DAY,             /* 현충일 */
  ANBU_HOLIDAY_KIND_CONSTITUTION_DAY,         /* 제헌절, a public holiday again from 2026 */
  ANBU_HOLIDAY_KIND_LIBERATION_DAY,           /* 광복절 */
  ANBU_HOLIDAY_KIND_CHUSEOK_EVE,              /* 추석 전날 */
  ANBU_HOLIDAY_KIND_CHUSEOK,                  /* 추석, lunar 8/15 */
  ANBU_HOLIDAY_KIND_CHUSEOK_AFTER,            /* 추석 다음 날 */
  ANBU_HOLIDAY_KIND_NATIONAL_FOUNDATION,      /* 개천절 */
  ANBU_HOLIDAY_KIND_HANGEUL_DAY,              /* 한글날 */
  ANBU_HOLIDAY_KIND_CHRISTMAS,                /* 기독탄신일 */
  ANBU_HOLIDAY_KIND_PRESIDENTIAL_ELECTION,    /* 대통령선거 */
  ANBU_HOLIDAY_KIND_NATIONAL_ASSEMBLY_ELECTION, /* 국회의원선거 */
  ANBU_HOLIDAY_KIND_LOCAL_ELECTIONS,          /* 전국동시지방선거 */
  ANBU_HOLIDAY_KIND_SUBSTITUTE,               /* 대체공휴일 */
  ANBU_HOLIDAY_KIND_TEMPORARY,                /* 임시공휴일 */
} AnbuHolidayKind;

/* One day off. A date can carry more than one (2025-05-05 was both
 * 어린이날 and 부처님 오신 날). */
typedef struct
{
  GDate            date;
  AnbuHolidayKind  kind;
  AnbuHolidayKind  about;      /* for SUBSTITUTE/TEMPORARY: what it stands for, or NONE */
  char            *name;       /* translated ("대체공휴일(추석)"), or the name an admin gave */
  gboolean         estimated;  /* computed by rule for a year the almanac has not published */
  gboolean         declared;   /* added at run time by an administrator */
} AnbuHoliday;

#define ANBU_TYPE_HOLIDAY (anbu_holiday_get_type ())

GType        anbu_holiday_get_type (void) G_GNUC_CONST;
AnbuHoliday *anbu_holiday_copy     (const AnbuHoliday *holiday);
void         anbu_holiday_free     (AnbuHoliday       *holiday);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnbuHoliday, anbu_holiday_free)

#define ANBU_TYPE_HOLIDAY_CALENDAR (anbu_holiday_calendar_get_type ())

G_DECLARE_FINAL_TYPE (AnbuHolidayCalendar, anbu_holiday_calendar, ANBU, HOLIDAY_CALENDAR, GObject)

GQuark               anbu_holiday_error_quark                 (void);

AnbuHolidayCalendar *anbu_holiday_calendar_new                (void);

guint                anbu_holiday_calendar_get_first_year     (void);
guint                anbu_holiday_calendar_get_last_official_year (void);
guint                anbu_holiday_calendar_get_last_year      (void);
gboolean             anbu_holiday_calendar_covers_year        (guint                year);

gboolean             anbu_holiday_calendar_is_holiday         (AnbuHolidayCalendar *self,
                                                               const GDate         *date);
gboolean             anbu_holiday_calendar_is_estimated       (AnbuHolidayCalendar *self,
                                                               const GDate         *date);
GPtrArray           *anbu_holiday_calendar_lookup             (AnbuHolidayCalendar *self,
                                                               const GDate         *date);
GStrv                anbu_holiday_calendar_get_names          (AnbuHolidayCalendar *self,
                                                               const GDate         *date);
GPtrArray           *anbu_holiday_calendar_list_year          (AnbuHolidayCalendar *self,
                                                               guint                year);

gboolean             anbu_holiday_calendar_add_temporary      (AnbuHolidayCalendar *self,
                                                               const GDate         *date,
                                                               const char          *name,
                                                               GError             **error);
gboolean             anbu_holiday_calendar_remove_temporary   (AnbuHolidayCalendar *self,
                                                               const GDate         *date,
                                                               GError             **error);
JsonNode            *anbu_holiday_calendar_temporary_to_json  (AnbuHolidayCalendar *self);
gboolean             anbu_holiday_calendar_load_temporary_json (AnbuHolidayCalendar *self,
                                                               JsonNode            *node,
                                                               GError             **error);

G_END_DECLS
