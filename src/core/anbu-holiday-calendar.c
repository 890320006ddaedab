/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-holidays"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "anbu-holiday-calendar.h"
#include "anbu-holiday-calendar-private.h"
#include "anbu-validate.h"

/* The longest name an administrator may give a declared holiday, in characters. */
#define DECLARED_NAME_MAX 60

struct _AnbuHolidayCalendar
{
  GObject     parent_instance;

  GMutex      lock;
  GHashTable *declared;  /* Julian day (guint) → char *name */
};

G_DEFINE_TYPE (AnbuHolidayCalendar, anbu_holiday_calendar, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (AnbuHoliday, anbu_holiday, anbu_holiday_copy, anbu_holiday_free)

G_DEFINE_QUARK (anbu-holiday-error-quark, anbu_holiday_error)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Years whose holidays the government almanac (월력요항) has published. */
#define FIRST_YEAR 2020
#define LAST_OFFICIAL_YEAR 2027
/* Years computed by rule; the lunar table below ends here. */
#define LAST_YEAR 2035

typedef struct
{
  guint16 year;
  guint8  month;
  guint8  day;
  guint8  kind;
  guint8  about;
} HolidayFact;

#define F(y, m, d, k, a) { y, m, d, ANBU_HOLIDAY_KIND_##k, ANBU_HOLIDAY_KIND_##a }

/* Official public holidays 2020–2027, as the government almanac (월력요항,
 * now announced by the Korea AeroSpace Administration, 우주항공청) declares
 * them, including the temporary holidays the cabinet declared.
 * Transcribed from the data of the npm package @hyunbinseo/holidays-kr
 * 5.2027.1 (MIT licence, © 2023 Hyunbin Seo), which carries the almanac;
 * only the dates and names were taken, mapped to our own kinds.
 * 2026 brings back 제헌절 (7/17) and makes 노동절 (5/1) a public holiday. */
static const HolidayFact official_holidays[] = {
  /* 2020 */
  F (2020,  1,  1, NEW_YEAR, NONE),                           /* 1월 1일 */
  F (2020,  1, 24, SEOLLAL_EVE, NONE),                        /* 설날 전날 */
  F (2020,  1, 25, SEOLLAL, NONE),                            /* 설날 */
  F (2020,  1, 26, SEOLLAL_AFTER, NONE),                      /* 설날 다음 날 */
  F (2020,  1, 27, SUBSTITUTE, SEOLLAL),                      /* 대체공휴일(설날) */
  F (2020,  3,  1, INDEPENDENCE_MOVEMENT, NONE),              /* 3ㆍ1절 */
  F (2020,  4, 15, NATIONAL_ASSEMBLY_ELECTION, NONE),         /* 제21대 국회의원선거 */
  F (2020,  4, 30, BUDDHAS_BIRTHDAY, NONE),                   /* 부처님 오신 날 */
  F (2020,  5,  5, CHILDRENS_DAY, NONE),                      /* 어린이날 */
  F (2020,  6,  6, MEMORIAL_DAY, NONE),                       /* 현충일 */
  F (2020,  8, 15, LIBERATION_DAY, NONE),                     /* 광복절 */
  F (2020,  8, 17, TEMPORARY, NONE),                          /* 임시공휴일 */
  F (2020,  9, 30, CHUSEOK_EVE, NONE),                        /* 추석 전날 */
  F (2020, 10,  1, CHUSEOK, NONE),                            /* 추석 */
  F (2020, 10,  2, CHUSEOK_AFTER, NONE),                      /* 추석 다음 날 */
  F (2020, 10,  3, NATIONAL_FOUNDATION, NONE),                /* 개천절 */
  F (2020, 10,  9, HANGEUL_DAY, NONE),                        /* 한글날 */
  F (2020, 12, 25, CHRISTMAS, NONE),                          /* 기독탄신일 */
  /* 2021 */
  F (2021,  1,  1, NEW_YEAR, NONE),                           /* 1월 1일 */
  F (2021,  2, 11, SEOLLAL_EVE, NONE),                        /* 설날 전날 */
  F (2021,  2, 12, SEOLLAL, NONE),                            /* 설날 */
  F (2021,  2, 13, SEOLLAL_AFTER, NONE),                      /* 설날 다음 날 */
  F (2021,  3,  1, INDEPENDENCE_MOVEMENT, NONE),              /* 3ㆍ1절 */
  F (2021,  5,  5, CHILDRENS_DAY, NONE),                      /* 어린이날 */
  F (2021,  5, 19, BUDDHAS_BIRTHDAY, NONE),                   /* 부처님 오신 날 */
  F (2021,  6,  6, MEMORIAL_DAY, NONE),                       /* 현충일 */
  F (2021,  8, 15, LIBERATION_DAY, NONE),                     /* 광복절 */
  F (2021,  8, 16, SUBSTITUTE, LIBERATION_DAY),               /* 대체공휴일(광복절) */
  F (2021,  9, 20, CHUSEOK_EVE, NONE),                        /* 추석 전날 */
  F (2021,  9, 21, CHUSEOK, NONE),                            /* 추석 */
  F (2021,  9, 22, CHUSEOK_AFTER, NONE),                      /* 추석 다음 날 */
  F (2021, 10,  3, NATIONAL_FOUNDATION, NONE),                /* 개천절 */
  F (2021, 10,  4, SUBSTITUTE, NATIONAL_FOUNDATION),          /* 대체공휴일(개천절) */
  F (2021, 10,  9, HANGEUL_DAY, NONE),                        /* 한글날 */
  F (2021, 10, 11, SUBSTITUTE, HANGEUL_DAY),                  /* 대체공휴일(한글날) */
  F (2021, 12, 25, CHRISTMAS, NONE),                          /* 기독탄신일 */
  /* 2022 */
  F (2022,  1,  1, NEW_YEAR, NONE),                           /* 1월 1일 */
  F (2022,  1, 31, SEOLLAL_EVE, NONE),                        /* 설날 전날 */
  F (2022,  2,  1, SEOLLAL, NONE),                            /* 설날 */
  F (2022,  2,  2, SEOLLAL_AFTER, NONE),                      /* 설날 다음 날 */
  F (2022,  3,  1, INDEPENDENCE_MOVEMENT, NONE),              /* 3ㆍ1절 */
  F (2022,  3,  9, PRESIDENTIAL_ELECTION, NONE),              /* 대통령선거 */
  F (2022,  5,  5, CHILDRENS_DAY, NONE),                      /* 어린이날 */
  F (2022,  5,  8, BUDDHAS_BIRTHDAY, NONE),                   /* 부처님 오신 날 */
  F (2022,  6,  1, LOCAL_ELECTIONS, NONE),                    /* 전국동시지방선거 */
  F (2022,  6,  6, MEMORIAL_DAY, NONE),                       /* 현충일 */
  F (2022,  8, 15, LIBERATION_DAY, NONE),                     /* 광복절 */
  F (2022,  9,  9, CHUSEOK_EVE, NONE),                        /* 추석 전날 */
  F (2022,  9, 10, CHUSEOK, NONE),                            /* 추석 */
  F (2022,  9, 11, CHUSEOK_AFTER, NONE),                      /* 추석 다음 날 */
  F (2022,  9, 12, SUBSTITUTE, CHUSEOK),                      /* 대체공휴일(추석) */
  F (2022, 10,  3, NATIONAL_FOUNDATION, NONE),                /* 개천절 */
  F (2022, 10,  9, HANGEUL_DAY, NONE),                        /* 한글날 */
  F (2022, 10, 10, SUBSTITUTE, HANGEUL_DAY),                  /* 대체공휴일(한글날) */
  F (2022, 12, 25, CHRISTMAS, NONE),                          /* 기독탄신일 */
  /* 2023 */
  F (2023,  1,  1, NEW_YEAR, NONE),                           /* 1월 1일 */
  F (2023,  1, 21, SEOLLAL_EVE, NONE),                        /* 설날 전날 */
  F (2023,  1, 22, SEOLLAL, NONE),                            /* 설날 */
  F (2023,  1, 23, SEOLLAL_AFTER, NONE),                      /* 설날 다음 날 */
  F (2023,  1, 24, SUBSTITUTE, SEOLLAL),                      /* 대체공휴일(설날) */
  F (2023,  3,  1, INDEPENDENCE_MOVEMENT, NONE),              /* 3ㆍ1절 */
  F (2023,  5,  5, CHILDRENS_DAY, NONE),                      /* 어린이날 */
  F (2023,  5, 27, BUDDHAS_BIRTHDAY, NONE),                   /* 부처님 오신 날 */
  F (2023,  5, 29, SUBSTITUTE, BUDDHAS_BIRTHDAY),             /* 대체공휴일(부처님 오신 날) */
  F (2023,  6,  6, MEMORIAL_DAY, NONE),                       /* 현충일 */
  F (2023,  8, 15, LIBERATION_DAY, NONE),                     /* 광복절 */
  F (2023,  9, 28, CHUSEOK_EVE, NONE),                        /* 추석 전날 */
  F (2023,  9, 29, CHUSEOK, NONE),                            /* 추석 */
  F (2023,  9, 30, CHUSEOK_AFTER, NONE),                      /* 추석 다음 날 */
  F (2023, 10,  2, TEMPORARY, NONE),                          /* 임시공휴일 */
  F (2023, 10,  3, NATIONAL_FOUNDATION, NONE),                /* 개천절 */
  F (2023, 10,  9, HANGEUL_DAY, NONE),                        /* 한글날 */
  F (2023, 12, 25, CHRISTMAS, NONE),                          /* 기독탄신일 */
  /* 2024 */
  F (2024,  1,  1, NEW_YEAR, NONE),                           /* 1월 1일 */
  F (2024,  2,  9, SEOLLAL_EVE, NONE),                        /* 설날 전날 */
  F (2024,  2, 10, SEOLLAL, NONE),                            /* 설날 */
  F (2024,  2, 11, SEOLLAL_AFTER, NONE),                      /* 설날 다음 날 */
  F (2024,  2, 12, SUBSTITUTE, SEOLLAL),                      /* 대체공휴일(설날) */
  F (2024,  3,  1, INDEPENDENCE_MOVEMENT, NONE),              /* 3ㆍ1절 */
  F (2024,  4, 10, NATIONAL_ASSEMBLY_ELECTION, NONE),         /* 제22대국회의원선거 */
  F (2024,  5,  5, CHILDRENS_DAY, NONE),                      /* 어린이날 */
  F (2024,  5,  6, SUBSTITUTE, CHILDRENS_DAY),                /* 대체공휴일(어린이날) */
  F (2024,  5, 15, BUDDHAS_BIRTHDAY, NONE),                   /* 부처님 오신 날 */
  F (2024,  6,  6, MEMORIAL_DAY, NONE),                       /* 현충일 */
  F (2024,  8, 15, LIBERATION_DAY, NONE),                     /* 광복절 */
  F (2024,  9, 16, CHUSEOK_EVE, NONE),                        /* 추석 전날 */
  F (2024,  9, 17, CHUSEOK, NONE),                            /* 추석 */
  F (2024,  9, 18, CHUSEOK_AFTER, NONE),                      /* 추석 다음 날 */
  F (2024, 10,  1, TEMPORARY, NONE),                          /* 임시공휴일 */
  F (2024, 10,  3, NATIONAL_FOUNDATION, NONE),                /* 개천절 */
  F (2024, 10,  9, HANGEUL_DAY, NONE),                        /* 한글날 */
  F (2024, 12, 25, CHRISTMAS, NONE),                          /* 기독탄신일 */
  /* 2025 */
  F (2025,  1,  1, NEW_YEAR, NONE),                           /* 1월 1일 */
  F (2025,  1, 27, TEMPORARY, NONE),                          /* 임시공휴일 */
  F (2025,  1, 28, SEOLLAL_EVE, NONE),                        /* 설날 전날 */
  F (2025,  1, 29, SEOLLAL, NONE),                            /* 설날 */
  F (2025,  1, 30, SEOLLAL_AFTER, NONE),                      /* 설날 다음 날 */
  F (2025,  3,  1, INDEPENDENCE_MOVEMENT, NONE),              /* 3ㆍ1절 */
  F (2025,  3,  3, SUBSTITUTE, INDEPENDENCE_MOVEMENT),        /* 대체공휴일(3ㆍ1절) */
  F (2025,  5,  5, CHILDRENS_DAY, NONE),                      /* 어린이날 */
  F (2025,  5,  5, BUDDHAS_BIRTHDAY, NONE),                   /* 부처님 오신 날 */
  F (2025,  5,  6, SUBSTITUTE, BUDDHAS_BIRTHDAY),             /* 대체공휴일(부처님 오신 날) */
  F (2025,  6,  3, TEMPORARY, PRESIDENTIAL_ELECTION),         /* 임시공휴일(대통령선거) */
  F (2025,  6,  6, MEMORIAL_DAY, NONE),                       /* 현충일 */
  F (2025,  8, 15, LIBERATION_DAY, NONE),                     /* 광복절 */
  F (2025, 10,  3, NATIONAL_FOUNDATION, NONE),                /* 개천절 */
  F (2025, 10,  5, CHUSEOK_EVE, NONE),                        /* 추석 전날 */
  F (2025, 10,  6, CHUSEOK, NONE),                            /* 추석 */
  F (2025, 10,  7, CHUSEOK_AFTER, NONE),                      /* 추석 다음 날 */
  F (2025, 10,  8, SUBSTITUTE, CHUSEOK),                      /* 대체공휴일(추석) */
  F (2025, 10,  9, HANGEUL_DAY, NONE),                        /* 한글날 */
  F (2025, 12, 25, CHRISTMAS, NONE),                          /* 기독탄신일 */
  /* 2026 */
  F (2026,  1,  1, NEW_YEAR, NONE),                           /* 1월 1일 */
  F (2026,  2, 16, SEOLLAL_EVE, NONE),                        /* 설날 전날 */
  F (2026,  2, 17, SEOLLAL, NONE),                            /* 설날 */
  F (2026,  2, 18, SEOLLAL_AFTER, NONE),                      /* 설날 다음 날 */
  F (2026,  3,  1, INDEPENDENCE_MOVEMENT, NONE),              /* 3ㆍ1절 */
  F (2026,  3,  2, SUBSTITUTE, INDEPENDENCE_MOVEMENT),        /* 대체공휴일(3ㆍ1절) */
  F (2026,  5,  1, LABOUR_DAY, NONE),                         /* 노동절 */
  F (2026,  5,  5, CHILDRENS_DAY, NONE),                      /* 어린이날 */
  F (2026,  5, 24, BUDDHAS_BIRTHDAY, NONE),                   /* 부처님 오신 날 */
  F (2026,  5, 25, SUBSTITUTE, BUDDHAS_BIRTHDAY),             /* 대체공휴일(부처님 오신 날) */
  F (2026,  6,  3, LOCAL_ELECTIONS, NONE),                    /* 전국동시지방선거 */
  F (2026,  6,  6, MEMORIAL_DAY, NONE),                       /* 현충일 */
  F (2026,  7, 17, CONSTITUTION_DAY, NONE),                   /* 제헌절 */
  F (2026,  8, 15, LIBERATION_DAY, NONE),                     /* 광복절 */
  F (2026,  8, 17, SUBSTITUTE, LIBERATION_DAY),               /* 대체공휴일(광복절) */
  F (2026,  9, 24, CHUSEOK_EVE, NONE),                        /* 추석 전날 */
  F (2026,  9, 25, CHUSEOK, NONE),                            /* 추석 */
  F (2026,  9, 26, CHUSEOK_AFTER, NONE),                      /* 추석 다음 날 */
  F (2026, 10,  3, NATIONAL_FOUNDATION, NONE),                /* 개천절 */
  F (2026, 10,  5, SUBSTITUTE, NATIONAL_FOUNDATION),          /* 대체공휴일(개천절) */
  F (2026, 10,  9, HANGEUL_DAY, NONE),                        /* 한글날 */
  F (2026, 12, 25, CHRISTMAS, NONE),                          /* 기독탄신일 */
  /* 2027 */
  F (2027,  1,  1, NEW_YEAR, NONE),                           /* 1월 1일 */
  F (2027,  2,  6, SEOLLAL_EVE, NONE),                        /* 설날 전날 */
  F (2027,  2,  7, SEOLLAL, NONE),                            /* 설날 */
  F (2027,  2,  8, SEOLLAL_AFTER, NONE),                      /* 설날 다음 날 */
  F (2027,  2,  9, SUBSTITUTE, SEOLLAL),                      /* 대체공휴일(설날) */
  F (2027,  3,  1, INDEPENDENCE_MOVEMENT, NONE),              /* 3ㆍ1절 */
  F (2027,  5,  1, LABOUR_DAY, NONE),                         /* 노동절 */
  F (2027,  5,  3, SUBSTITUTE, LABOUR_DAY),                   /* 대체공휴일(노동절) */
  F (2027,  5,  5, CHILDRENS_DAY, NONE),                      /* 어린이날 */
  F (2027,  5, 13, BUDDHAS_BIRTHDAY, NONE),                   /* 부처님 오신 날 */
  F (2027,  6,  6, MEMORIAL_DAY, NONE),                       /* 현충일 */
  F (2027,  7, 17, CONSTITUTION_DAY, NONE),                   /* 제헌절 */
  F (2027,  7, 19, SUBSTITUTE, CONSTITUTION_DAY),             /* 대체공휴일(제헌절) */
  F (2027,  8, 15, LIBERATION_DAY, NONE),                     /* 광복절 */
  F (2027,  8, 16, SUBSTITUTE, LIBERATION_DAY),               /* 대체공휴일(광복절) */
  F (2027,  9, 14, CHUSEOK_EVE, NONE),                        /* 추석 전날 */
  F (2027,  9, 15, CHUSEOK, NONE),                            /* 추석 */
  F (2027,  9, 16, CHUSEOK_AFTER, NONE),                      /* 추석 다음 날 */
  F (2027, 10,  3, NATIONAL_FOUNDATION, NONE),                /* 개천절 */
  F (2027, 10,  4, SUBSTITUTE, NATIONAL_FOUNDATION),          /* 대체공휴일(개천절) */
  F (2027, 10,  9, HANGEUL_DAY, NONE),                        /* 한글날 */
  F (2027, 10, 11, SUBSTITUTE, HANGEUL_DAY),                  /* 대체공휴일(한글날) */
  F (2027, 12, 25, CHRISTMAS, NONE),                          /* 기독탄신일 */
  F (2027, 12, 27, SUBSTITUTE, CHRISTMAS),                    /* 대체공휴일(기독탄신일) */
};

typedef struct
{
  guint16 year;
  guint8  seollal_month, seollal_day;    /* lunar 1/1 */
  guint8  buddha_month, buddha_day;      /* lunar 4/8 */
  guint8  chuseok_month, chuseok_day;    /* lunar 8/15 */
} LunarDates;

/* Solar dates of lunar 1/1, 4/8 and 8/15 in the Korean lunar calendar
 * (computed for Korea Standard Time by the Korea Astronomy and Space Science
 * Institute; checked with its tables as carried by the npm package
 * korean-lunar-calendar). The Korean dates can differ from the Chinese ones
 * (설날 2028 is 1/27 in Korea, 1/26 in China). 2020–2027 agree with the
 * almanac above, which a test checks. */
static const LunarDates lunar_dates[] = {
  { 2020, 1, 25, 4, 30, 10, 1 },
  { 2021, 2, 12, 5, 19, 9, 21 },
  { 2022, 2, 1, 5, 8, 9, 10 },
  { 2023, 1, 22, 5, 27, 9, 29 },
  { 2024, 2, 10, 5, 15, 9, 17 },
  { 2025, 1, 29, 5, 5, 10, 6 },
  { 2026, 2, 17, 5, 24, 9, 25 },
  { 2027, 2, 7, 5, 13, 9, 15 },
  { 2028, 1, 27, 5, 2, 10, 3 },
  { 2029, 2, 13, 5, 20, 9, 22 },
  { 2030, 2, 3, 5, 9, 9, 12 },
  { 2031, 1, 23, 5, 28, 10, 1 },
  { 2032, 2, 11, 5, 16, 9, 19 },
  { 2033, 1, 31, 5, 6, 9, 8 },
  { 2034, 2, 19, 5, 25, 9, 27 },
  { 2035, 2, 8, 5, 15, 9, 16 },
};

/* Election days after 2027 that follow from 공직선거법 §34 alone: the first
 * Wednesday on or after 50 days (National Assembly) or 30 days (local) before
 * the term ends, moved a week on when that day, the day before or the day
 * after is a public holiday. The National Assembly has no dissolution and
 * local terms end on June 30, so these dates are as certain as the law.
 *  - 2028-04-12: the 22nd Assembly ends 2028-05-29; 04-09 is a Sunday.
 *  - 2030-06-12: 05-31 is a Friday, so 06-05, but 06-06 (현충일) follows it.
 *  - 2032-04-14: the 23rd Assembly ends 2032-05-29; 04-09 is a Friday.
 *  - 2034-05-31: a Wednesday itself (as in 2006), no holiday beside it.
 * The presidential election is left out: the 21st president took office on
 * 2025-06-04 after a by-election, and whether the next election keeps the
 * §34 date (2030-03-27 by that rule) or is aligned with the 2030 local
 * elections by a constitutional amendment is still open. Administrators add
 * it at run time once it is declared. */
static const HolidayFact estimated_elections[] = {
  F (2028, 4, 12, NATIONAL_ASSEMBLY_ELECTION, NONE),
  F (2030, 6, 12, LOCAL_ELECTIONS, NONE),
  F (2032, 4, 14, NATIONAL_ASSEMBLY_ELECTION, NONE),
  F (2034, 5, 31, LOCAL_ELECTIONS, NONE),
};

#undef F

typedef struct
{
  guint32         julian;
  AnbuHolidayKind kind;
  AnbuHolidayKind about;
  gboolean        estimated;
} DayOff;

/* When a holiday that falls on a weekend or on another holiday is made up
 * for by a substitute holiday (대체공휴일, 관공서의 공휴일에 관한 규정 §3). */
typedef enum
{
  SUBSTITUTE_NEVER,
  SUBSTITUTE_FOR_SUNDAY,   /* 설날 and 추석 days: Sunday or another holiday (2014 rule) */
  SUBSTITUTE_FOR_WEEKEND,  /* Saturday, Sunday or another holiday */
} SubstituteRule;

static guint32
julian_from_dmy (guint year,
                 guint month,
                 guint day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return g_date_get_julian (&date);
}

static GDateWeekday
weekday_of_julian (guint32 julian)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, julian);
  return g_date_get_weekday (&date);
}

static gboolean
date_is_usable (const GDate *date)
{
  return date != NULL && g_date_valid (date);
}

static const char *
kind_get_name (AnbuHolidayKind kind)
{
  switch (kind)
    {
    case ANBU_HOLIDAY_KIND_NEW_YEAR:
      return _("New Year’s Day");
    case ANBU_HOLIDAY_KIND_SEOLLAL_EVE:
      return _("Day before Seollal");
    case ANBU_HOLIDAY_KIND_SEOLLAL:
      /* Translators: the lunar new year, 설날. */
      return _("Seollal");
    case ANBU_HOLIDAY_KIND_SEOLLAL_AFTER:
      return _("Day after Seollal");
    case ANBU_HOLIDAY_KIND_INDEPENDENCE_MOVEMENT:
      /* Translators: March 1st, 3·1절. */
      return _("Independence Movement Day");
    case ANBU_HOLIDAY_KIND_LABOUR_DAY:
      return _("Labour Day");
    case ANBU_HOLIDAY_KIND_CHILDRENS_DAY:
      return _("Children’s Day");
    case ANBU_HOLIDAY_KIND_BUDDHAS_BIRTHDAY:
      return _("Buddha’s Birthday");
    case ANBU_HOLIDAY_KIND_MEMORIAL_DAY:
      return _("Memorial Day");
    case ANBU_HOLIDAY_KIND_CONSTITUTION_DAY:
      return _("Constitution Day");
    case ANBU_HOLIDAY_KIND_LIBERATION_DAY:
      return _("Liberation Day");
    case ANBU_HOLIDAY_KIND_CHUSEOK_EVE:
      return _("Day before Chuseok");
    case ANBU_HOLIDAY_KIND_CHUSEOK:
      /* Translators: the harvest festival, 추석. */
      return _("Chuseok");
    case ANBU_HOLIDAY_KIND_CHUSEOK_AFTER:
      return _("Day after Chuseok");
    case ANBU_HOLIDAY_KIND_NATIONAL_FOUNDATION:
      return _("National Foundation Day");
    case ANBU_HOLIDAY_KIND_HANGEUL_DAY:
      return _("Hangeul Day");
    case ANBU_HOLIDAY_KIND_CHRISTMAS:
      return _("Christmas Day");
    case ANBU_HOLIDAY_KIND_PRESIDENTIAL_ELECTION:
      return _("Presidential election");
    case ANBU_HOLIDAY_KIND_NATIONAL_ASSEMBLY_ELECTION:
      return _("National Assembly election");
    case ANBU_HOLIDAY_KIND_LOCAL_ELECTIONS:
      return _("Local elections");
    case ANBU_HOLIDAY_KIND_SUBSTITUTE:
      return _("Substitute holiday");
    case ANBU_HOLIDAY_KIND_TEMPORARY:
      return _("Temporary holiday");
    case ANBU_HOLIDAY_KIND_NONE:
    default:
      break;
    }
  g_return_val_if_reached ("");
}

static char *
holiday_name (AnbuHolidayKind kind,
              AnbuHolidayKind about)
{
  if (kind == ANBU_HOLIDAY_KIND_SUBSTITUTE && about != ANBU_HOLIDAY_KIND_NONE)
    /* Translators: %s is the holiday made up for, e.g. "Substitute holiday (Chuseok)". */
    return g_strdup_printf (_("Substitute holiday (%s)"), kind_get_name (about));
  if (kind == ANBU_HOLIDAY_KIND_TEMPORARY && about != ANBU_HOLIDAY_KIND_NONE)
    /* Translators: %s is the occasion, e.g. "Temporary holiday (Presidential election)". */
    return g_strdup_printf (_("Temporary holiday (%s)"), kind_get_name (about));
  return g_strdup (kind_get_name (kind));
}

static AnbuHoliday *
holiday_new (guint32          julian,
             AnbuHolidayKind  kind,
             AnbuHolidayKind  about,
             char            *name,
             gboolean         estimated,
             gboolean         declared)
{
  AnbuHoliday *holiday = g_new0 (AnbuHoliday, 1);

  g_date_clear (&holiday->date, 1);
  g_date_set_julian (&holiday->date, julian);
  holiday->kind = kind;
  holiday->about = about;
  holiday->name = name;
  holiday->estimated = estimated;
  holiday->declared = declared;
  return holiday;
}

/* The rule engine. */

static SubstituteRule
substitute_rule (AnbuHolidayKind kind,
                 guint           year)
{
  switch (kind)
    {
    case ANBU_HOLIDAY_KIND_SEOLLAL_EVE:
    case ANBU_HOLIDAY_KIND_SEOLLAL:
    case ANBU_HOLIDAY_KIND_SEOLLAL_AFTER:
    case ANBU_HOLIDAY_KIND_CHUSEOK_EVE:
    case ANBU_HOLIDAY_KIND_CHUSEOK:
    case ANBU_HOLIDAY_KIND_CHUSEOK_AFTER:
      return SUBSTITUTE_FOR_SUNDAY;
    case ANBU_HOLIDAY_KIND_CHILDRENS_DAY:
      return SUBSTITUTE_FOR_WEEKEND;
    case ANBU_HOLIDAY_KIND_INDEPENDENCE_MOVEMENT:
    case ANBU_HOLIDAY_KIND_LIBERATION_DAY:
    case ANBU_HOLIDAY_KIND_NATIONAL_FOUNDATION:
    case ANBU_HOLIDAY_KIND_HANGEUL_DAY:
      /* The national days since the 2021 amendment. */
      return year >= 2021 ? SUBSTITUTE_FOR_WEEKEND : SUBSTITUTE_NEVER;
    case ANBU_HOLIDAY_KIND_BUDDHAS_BIRTHDAY:
    case ANBU_HOLIDAY_KIND_CHRISTMAS:
      /* Since the 2023 amendment. */
      return year >= 2023 ? SUBSTITUTE_FOR_WEEKEND : SUBSTITUTE_NEVER;
    case ANBU_HOLIDAY_KIND_LABOUR_DAY:
    case ANBU_HOLIDAY_KIND_CONSTITUTION_DAY:
      /* Public holidays again from 2026, with substitutes (the 2027 almanac). */
      return SUBSTITUTE_FOR_WEEKEND;
    case ANBU_HOLIDAY_KIND_NONE:
    case ANBU_HOLIDAY_KIND_NEW_YEAR:
    case ANBU_HOLIDAY_KIND_MEMORIAL_DAY:
    case ANBU_HOLIDAY_KIND_PRESIDENTIAL_ELECTION:
    case ANBU_HOLIDAY_KIND_NATIONAL_ASSEMBLY_ELECTION:
    case ANBU_HOLIDAY_KIND_LOCAL_ELECTIONS:
    case ANBU_HOLIDAY_KIND_SUBSTITUTE:
    case ANBU_HOLIDAY_KIND_TEMPORARY:
    default:
      return SUBSTITUTE_NEVER;
    }
}

static gboolean
kind_is_lunar (AnbuHolidayKind kind)
{
  return (kind >= ANBU_HOLIDAY_KIND_SEOLLAL_EVE && kind <= ANBU_HOLIDAY_KIND_SEOLLAL_AFTER)
         || (kind >= ANBU_HOLIDAY_KIND_CHUSEOK_EVE && kind <= ANBU_HOLIDAY_KIND_CHUSEOK_AFTER)
         || kind == ANBU_HOLIDAY_KIND_BUDDHAS_BIRTHDAY;
}

/* A substitute for any of the three 설날 days is "대체공휴일(설날)". */
static AnbuHolidayKind
substitute_about (AnbuHolidayKind kind)
{
  if (kind >= ANBU_HOLIDAY_KIND_SEOLLAL_EVE && kind <= ANBU_HOLIDAY_KIND_SEOLLAL_AFTER)
    return ANBU_HOLIDAY_KIND_SEOLLAL;
  if (kind >= ANBU_HOLIDAY_KIND_CHUSEOK_EVE && kind <= ANBU_HOLIDAY_KIND_CHUSEOK_AFTER)
    return ANBU_HOLIDAY_KIND_CHUSEOK;
  return kind;
}

static const LunarDates *
find_lunar_dates (guint year)
{
  for (gsize i = 0; i < G_N_ELEMENTS (lunar_dates); i++)
    if (lunar_dates[i].year == year)
      return &lunar_dates[i];
  return NULL;
}

static void
add_day (GArray          *days,
         guint32          julian,
         AnbuHolidayKind  kind,
         AnbuHolidayKind  about,
         gboolean         estimated)
{
  DayOff day = { julian, kind, about, estimated };

  g_array_append_val (days, day);
}

static gint
compare_day_off (gconstpointer a,
                 gconstpointer b)
{
  const DayOff *x = a;
  const DayOff *y = b;

  if (x->julian != y->julian)
    return x->julian < y->julian ? -1 : 1;
  return (gint) x->kind - (gint) y->kind;
}

static gboolean
day_is_taken (GArray  *days,
              guint32  julian)
{
  for (guint i = 0; i < days->len; i++)
    if (g_array_index (days, DayOff, i).julian == julian)
      return TRUE;
  return FALSE;
}

/* The first day after @julian that is neither a weekend day nor a holiday
 * nor an earlier substitute: 그 날 다음의 첫 번째 비공휴일. */
static guint32
first_free_weekday_after (GArray  *days,
                          guint32  julian)
{
  guint32 candidate = julian + 1;

  /* Bounded: a year holds fewer than 40 days off. */
  for (guint step = 0; step < 60; step++, candidate++)
    {
      GDateWeekday weekday = weekday_of_julian (candidate);

      if (weekday != G_DATE_SATURDAY && weekday != G_DATE_SUNDAY
          && !day_is_taken (days, candidate))
        return candidate;
    }
  g_return_val_if_reached (candidate);
}

/* Public holidays of @year by rule: fixed dates, lunar dates from the table,
 * optionally the estimated election days, then substitute holidays under the
 * rules of that year: a holiday that falls on a day its rule covers (Sunday
 * for 설날/추석, Saturday or Sunday for the others) or on the same day as
 * another holiday loses one day each time, and each lost day is made up on
 * the first later weekday that is not already a day off. */
static GArray *
compute_rule_days (guint    year,
                   gboolean with_elections,
                   gboolean estimated)
{
  /* first_year: the first year the day is a public holiday (0: all years here). */
  static const struct { guint8 month, day, kind; guint16 first_year; } fixed[] = {
    { 1, 1, ANBU_HOLIDAY_KIND_NEW_YEAR, 0 },
    { 3, 1, ANBU_HOLIDAY_KIND_INDEPENDENCE_MOVEMENT, 0 },
    { 5, 1, ANBU_HOLIDAY_KIND_LABOUR_DAY, 2026 },
    { 5, 5, ANBU_HOLIDAY_KIND_CHILDRENS_DAY, 0 },
    { 6, 6, ANBU_HOLIDAY_KIND_MEMORIAL_DAY, 0 },
    { 7, 17, ANBU_HOLIDAY_KIND_CONSTITUTION_DAY, 2026 },
    { 8, 15, ANBU_HOLIDAY_KIND_LIBERATION_DAY, 0 },
    { 10, 3, ANBU_HOLIDAY_KIND_NATIONAL_FOUNDATION, 0 },
    { 10, 9, ANBU_HOLIDAY_KIND_HANGEUL_DAY, 0 },
    { 12, 25, ANBU_HOLIDAY_KIND_CHRISTMAS, 0 },
  };
  const LunarDates *lunar = find_lunar_dates (year);
  g_autoptr(GArray) days = NULL;
  guint32 seollal, buddha, chuseok;
  guint n_base;

  if (lunar == NULL)
    return NULL;

  days = g_array_new (FALSE, FALSE, sizeof (DayOff));

  for (gsize i = 0; i < G_N_ELEMENTS (fixed); i++)
    if (year >= fixed[i].first_year)
      add_day (days, julian_from_dmy (year, fixed[i].month, fixed[i].day),
               fixed[i].kind, ANBU_HOLIDAY_KIND_NONE, estimated);

  seollal = julian_from_dmy (year, lunar->seollal_month, lunar->seollal_day);
  buddha = julian_from_dmy (year, lunar->buddha_month, lunar->buddha_day);
  chuseok = julian_from_dmy (year, lunar->chuseok_month, lunar->chuseok_day);
  add_day (days, seollal - 1, ANBU_HOLIDAY_KIND_SEOLLAL_EVE, ANBU_HOLIDAY_KIND_NONE, estimated);
  add_day (days, seollal, ANBU_HOLIDAY_KIND_SEOLLAL, ANBU_HOLIDAY_KIND_NONE, estimated);
  add_day (days, seollal + 1, ANBU_HOLIDAY_KIND_SEOLLAL_AFTER, ANBU_HOLIDAY_KIND_NONE, estimated);
  add_day (days, buddha, ANBU_HOLIDAY_KIND_BUDDHAS_BIRTHDAY, ANBU_HOLIDAY_KIND_NONE, estimated);
  add_day (days, chuseok - 1, ANBU_HOLIDAY_KIND_CHUSEOK_EVE, ANBU_HOLIDAY_KIND_NONE, estimated);
  add_day (days, chuseok, ANBU_HOLIDAY_KIND_CHUSEOK, ANBU_HOLIDAY_KIND_NONE, estimated);
  add_day (days, chuseok + 1, ANBU_HOLIDAY_KIND_CHUSEOK_AFTER, ANBU_HOLIDAY_KIND_NONE, estimated);

  if (with_elections)
    for (gsize i = 0; i < G_N_ELEMENTS (estimated_elections); i++)
      if (estimated_elections[i].year == year)
        add_day (days,
                 julian_from_dmy (year, estimated_elections[i].month, estimated_elections[i].day),
                 estimated_elections[i].kind, ANBU_HOLIDAY_KIND_NONE, estimated);

  g_array_sort (days, compare_day_off);
  n_base = days->len;

  for (guint i = 0; i < n_base;)
    {
      guint32 julian = g_array_index (days, DayOff, i).julian;
      GDateWeekday weekday = weekday_of_julian (julian);
      AnbuHolidayKind label = ANBU_HOLIDAY_KIND_NONE;
      gboolean falls_on_covered_weekend = FALSE;
      guint n_same_day = 0;
      guint lost;

      for (guint k = i; k < n_base && g_array_index (days, DayOff, k).julian == julian; k++)
        {
          AnbuHolidayKind kind = g_array_index (days, DayOff, k).kind;
          SubstituteRule rule = substitute_rule (kind, year);

          n_same_day++;
          if (rule == SUBSTITUTE_NEVER)
            continue;
          /* Where a lunar holiday meets a fixed one, the substitute is
           * named after the lunar one (2025-05-06: 부처님 오신 날). */
          if (label == ANBU_HOLIDAY_KIND_NONE || kind_is_lunar (kind))
            label = substitute_about (kind);
          if (weekday == G_DATE_SUNDAY
              || (weekday == G_DATE_SATURDAY && rule == SUBSTITUTE_FOR_WEEKEND))
            falls_on_covered_weekend = TRUE;
        }
      i += n_same_day;

      if (label == ANBU_HOLIDAY_KIND_NONE)
        continue;

      lost = (n_same_day - 1) + (falls_on_covered_weekend ? 1 : 0);
      for (guint k = 0; k < lost; k++)
        add_day (days, first_free_weekday_after (days, julian),
                 ANBU_HOLIDAY_KIND_SUBSTITUTE, label, estimated);
    }

  g_array_sort (days, compare_day_off);
  return g_steal_pointer (&days);
}

/* All days off the calendar knows without an administrator: Julian day →
 * GArray of DayOff. Built once, never changed. */
static GHashTable *
get_known_days (void)
{
  static GHashTable *known;
  static gsize known_ready;

  if (g_once_init_enter (&known_ready))
    {
      GHashTable *table = g_hash_table_new_full (NULL, NULL, NULL,
                                                 (GDestroyNotify) g_array_unref);
      g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (DayOff));

      for (gsize i = 0; i < G_N_ELEMENTS (official_holidays); i++)
        {
          const HolidayFact *fact = &official_holidays[i];

          add_day (all, julian_from_dmy (fact->year, fact->month, fact->day),
                   fact->kind, fact->about, FALSE);
        }

      for (guint year = LAST_OFFICIAL_YEAR + 1; year <= LAST_YEAR; year++)
        {
          g_autoptr(GArray) days = compute_rule_days (year, TRUE, TRUE);

          g_array_append_vals (all, days->data, days->len);
        }

      for (guint i = 0; i < all->len; i++)
        {
          DayOff *day = &g_array_index (all, DayOff, i);
          GArray *same_day = g_hash_table_lookup (table, GUINT_TO_POINTER (day->julian));

          if (same_day == NULL)
            {
              same_day = g_array_new (FALSE, FALSE, sizeof (DayOff));
              g_hash_table_insert (table, GUINT_TO_POINTER (day->julian), same_day);
            }
          g_array_append_val (same_day, *day);
        }

      known = table;
      g_once_init_leave (&known_ready, 1);
    }

  return known;
}

static void
append_holidays_of_day (AnbuHolidayCalendar *self,
                        guint32              julian,
                        GPtrArray           *out)
{
  GArray *same_day = g_hash_table_lookup (get_known_days (), GUINT_TO_POINTER (julian));
  const char *declared_name;

  for (guint i = 0; same_day != NULL && i < same_day->len; i++)
    {
      const DayOff *day = &g_array_index (same_day, DayOff, i);

      g_ptr_array_add (out, holiday_new (julian, day->kind, day->about,
                                         holiday_name (day->kind, day->about),
                                         day->estimated, FALSE));
    }

  g_mutex_lock (&self->lock);
  declared_name = g_hash_table_lookup (self->declared, GUINT_TO_POINTER (julian));
  if (declared_name != NULL)
    g_ptr_array_add (out, holiday_new (julian, ANBU_HOLIDAY_KIND_TEMPORARY, ANBU_HOLIDAY_KIND_NONE,
                                       g_strdup (declared_name), FALSE, TRUE));
  g_mutex_unlock (&self->lock);
}

/* The name as stored: the text rules of the records (NFC, trimmed of any
 * spaces, one line without control characters), so that a name pasted with
 * a line break or an ideographic space reads the same on every screen.
 * NULL with an error saying what is wrong otherwise. */
static char *
normalize_declared_name (const char  *name,
                         GError     **error)
{
  g_autoptr(GError) text_error = NULL;
  char *normalized = NULL;

  if (name != NULL
      && anbu_validate_text (NULL, name, -1, DECLARED_NAME_MAX,
                             ANBU_TEXT_SINGLE_LINE | ANBU_TEXT_NON_EMPTY, &normalized,
                             &text_error))
    return normalized;

  if (g_error_matches (text_error, ANBU_RECORD_ERROR, ANBU_RECORD_ERROR_MISSING_FIELD))
    g_set_error_literal (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_INVALID_NAME,
                         _("The holiday needs a name."));
  else if (g_error_matches (text_error, ANBU_RECORD_ERROR, ANBU_RECORD_ERROR_TOO_LONG))
    g_set_error (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_INVALID_NAME,
                 _("The holiday name is longer than %d characters."), DECLARED_NAME_MAX);
  else
    g_set_error_literal (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_INVALID_NAME,
                         _("The holiday name is not valid text."));
  return NULL;
}

static char *
format_iso_date (guint32 julian)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, julian);
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&date), g_date_get_month (&date),
                          g_date_get_day (&date));
}

static void
anbu_holiday_calendar_finalize (GObject *object)
{
  AnbuHolidayCalendar *self = ANBU_HOLIDAY_CALENDAR (object);

  g_clear_pointer (&self->declared, g_hash_table_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (anbu_holiday_calendar_parent_class)->finalize (object);
}

static void
anbu_holiday_calendar_class_init (AnbuHolidayCalendarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = anbu_holiday_calendar_finalize;

  /**
   * AnbuHolidayCalendar::changed:
   *
   * Emitted when the declared (temporary) holidays change, so that open
   * alerts can be routed again.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
anbu_holiday_calendar_init (AnbuHolidayCalendar *self)
{
  g_mutex_init (&self->lock);
  self->declared = g_hash_table_new_full (NULL, NULL, NULL, g_free);
}

/* Public API */

AnbuHoliday *
anbu_holiday_copy (const AnbuHoliday *holiday)
{
  AnbuHoliday *copy;

  g_return_val_if_fail (holiday != NULL, NULL);

  copy = g_memdup2 (holiday, sizeof *holiday);
  copy->name = g_strdup (holiday->name);
  return copy;
}

void
anbu_holiday_free (AnbuHoliday *holiday)
{
  if (holiday == NULL)
    return;
  g_free (holiday->name);
  g_free (holiday);
}

/**
 * anbu_holiday_calendar_new:
 *
 * Returns: (transfer full): a calendar with the official holidays, the
 *   estimated ones and no declared ones yet. Lookups are safe from any
 *   thread; the "changed" signal is emitted in the thread that changed it.
 */
AnbuHolidayCalendar *
anbu_holiday_calendar_new (void)
{
  return g_object_new (ANBU_TYPE_HOLIDAY_CALENDAR, NULL);
}

/** anbu_holiday_calendar_get_first_year: Returns: the first year the calendar knows. */
guint
anbu_holiday_calendar_get_first_year (void)
{
  return FIRST_YEAR;
}

/**
 * anbu_holiday_calendar_get_last_official_year:
 *
 * Returns: the last year taken from the almanac; later years are estimated.
 */
guint
anbu_holiday_calendar_get_last_official_year (void)
{
  return LAST_OFFICIAL_YEAR;
}

/** anbu_holiday_calendar_get_last_year: Returns: the last year the calendar knows. */
guint
anbu_holiday_calendar_get_last_year (void)
{
  return LAST_YEAR;
}

/**
 * anbu_holiday_calendar_covers_year:
 *
 * Returns: whether the holidays of @year are known (officially or by rule).
 *   For other years only declared holidays count, so weekends alone decide.
 */
gboolean
anbu_holiday_calendar_covers_year (guint year)
{
  return year >= FIRST_YEAR && year <= LAST_YEAR;
}

/**
 * anbu_holiday_calendar_is_holiday:
 * @date: a day in Korea
 *
 * Returns: whether @date is a public holiday (official, estimated or declared).
 *   Weekends are not holidays here; routing looks at them itself.
 */
gboolean
anbu_holiday_calendar_is_holiday (AnbuHolidayCalendar *self,
                                  const GDate         *date)
{
  guint32 julian;
  gboolean declared;

  g_return_val_if_fail (ANBU_IS_HOLIDAY_CALENDAR (self), FALSE);
  g_return_val_if_fail (date_is_usable (date), FALSE);

  julian = g_date_get_julian (date);
  if (g_hash_table_contains (get_known_days (), GUINT_TO_POINTER (julian)))
    return TRUE;

  g_mutex_lock (&self->lock);
  declared = g_hash_table_contains (self->declared, GUINT_TO_POINTER (julian));
  g_mutex_unlock (&self->lock);
  return declared;
}

/**
 * anbu_holiday_calendar_is_estimated:
 * @date: a day in Korea
 *
 * Returns: whether what the calendar says about @date (holiday or not) is
 *   computed by rule, because the almanac for its year is not published yet.
 */
gboolean
anbu_holiday_calendar_is_estimated (AnbuHolidayCalendar *self,
                                    const GDate         *date)
{
  guint year;

  g_return_val_if_fail (ANBU_IS_HOLIDAY_CALENDAR (self), FALSE);
  g_return_val_if_fail (date_is_usable (date), FALSE);

  year = g_date_get_year (date);
  return year > LAST_OFFICIAL_YEAR && year <= LAST_YEAR;
}

/**
 * anbu_holiday_calendar_lookup:
 * @date: a day in Korea
 *
 * Returns: (transfer container) (element-type AnbuHoliday): the holidays on
 *   @date, empty when it is not a holiday.
 */
GPtrArray *
anbu_holiday_calendar_lookup (AnbuHolidayCalendar *self,
                              const GDate         *date)
{
  GPtrArray *out;

  g_return_val_if_fail (ANBU_IS_HOLIDAY_CALENDAR (self), NULL);
  g_return_val_if_fail (date_is_usable (date), NULL);

  out = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_holiday_free);
  append_holidays_of_day (self, g_date_get_julian (date), out);
  return out;
}

/**
 * anbu_holiday_calendar_get_names:
 * @date: a day in Korea
 *
 * Returns: (transfer full) (nullable): the translated names of the holidays
 *   on @date ("어린이날", "부처님 오신 날"), or %NULL when it is not a holiday.
 */
GStrv
anbu_holiday_calendar_get_names (AnbuHolidayCalendar *self,
                                 const GDate         *date)
{
  g_autoptr(GPtrArray) holidays = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;

  g_return_val_if_fail (ANBU_IS_HOLIDAY_CALENDAR (self), NULL);
  g_return_val_if_fail (date_is_usable (date), NULL);

  holidays = anbu_holiday_calendar_lookup (self, date);
  if (holidays->len == 0)
    return NULL;

  builder = g_strv_builder_new ();
  for (guint i = 0; i < holidays->len; i++)
    g_strv_builder_add (builder, ((AnbuHoliday *) holidays->pdata[i])->name);
  return g_strv_builder_end (builder);
}

/**
 * anbu_holiday_calendar_list_year:
 *
 * Returns: (transfer container) (element-type AnbuHoliday): every holiday of
 *   @year in date order, declared ones included.
 */
GPtrArray *
anbu_holiday_calendar_list_year (AnbuHolidayCalendar *self,
                                 guint                year)
{
  GPtrArray *out;
  guint32 first, last;

  g_return_val_if_fail (ANBU_IS_HOLIDAY_CALENDAR (self), NULL);
  g_return_val_if_fail (year >= 1 && year < 9999, NULL);

  out = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_holiday_free);
  first = julian_from_dmy (year, 1, 1);
  last = julian_from_dmy (year, 12, 31);
  for (guint32 julian = first; julian <= last; julian++)
    append_holidays_of_day (self, julian, out);
  return out;
}

/**
 * anbu_holiday_calendar_add_temporary:
 * @date: the day declared a holiday
 * @name: its name as the declaration gives it ("임시공휴일", "국군의 날")
 *
 * Declares a temporary holiday (임시공휴일) at run time, as the cabinet
 * does at short notice. Emits "changed".
 *
 * Returns: %FALSE with %ANBU_HOLIDAY_ERROR_INVALID_NAME or
 *   %ANBU_HOLIDAY_ERROR_DUPLICATE (one declared holiday per day).
 */
gboolean
anbu_holiday_calendar_add_temporary (AnbuHolidayCalendar  *self,
                                     const GDate          *date,
                                     const char           *name,
                                     GError              **error)
{
  g_autofree char *normalized = NULL;
  guint32 julian;
  gboolean added = FALSE;

  g_return_val_if_fail (ANBU_IS_HOLIDAY_CALENDAR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!date_is_usable (date))
    {
      g_set_error_literal (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_INVALID_DATE,
                           _("The holiday date is not a real date."));
      return FALSE;
    }
  normalized = normalize_declared_name (name, error);
  if (normalized == NULL)
    return FALSE;

  julian = g_date_get_julian (date);
  g_mutex_lock (&self->lock);
  if (!g_hash_table_contains (self->declared, GUINT_TO_POINTER (julian)))
    {
      g_hash_table_insert (self->declared, GUINT_TO_POINTER (julian),
                           g_steal_pointer (&normalized));
      added = TRUE;
    }
  g_mutex_unlock (&self->lock);

  if (!added)
    {
      g_autofree char *iso = format_iso_date (julian);

      g_set_error (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_DUPLICATE,
                   _("A temporary holiday is already declared on %s."), iso);
      return FALSE;
    }

  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

/**
 * anbu_holiday_calendar_remove_temporary:
 * @date: a day declared a holiday at run time
 *
 * Withdraws a declared holiday. Emits "changed".
 *
 * Returns: %FALSE with %ANBU_HOLIDAY_ERROR_NOT_FOUND when none was declared.
 */
gboolean
anbu_holiday_calendar_remove_temporary (AnbuHolidayCalendar  *self,
                                        const GDate          *date,
                                        GError              **error)
{
  gboolean removed;

  g_return_val_if_fail (ANBU_IS_HOLIDAY_CALENDAR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!date_is_usable (date))
    {
      g_set_error_literal (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_INVALID_DATE,
                           _("The holiday date is not a real date."));
      return FALSE;
    }

  g_mutex_lock (&self->lock);
  removed = g_hash_table_remove (self->declared, GUINT_TO_POINTER (g_date_get_julian (date)));
  g_mutex_unlock (&self->lock);

  if (!removed)
    {
      g_autofree char *iso = format_iso_date (g_date_get_julian (date));

      g_set_error (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_NOT_FOUND,
                   _("No temporary holiday is declared on %s."), iso);
      return FALSE;
    }

  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

static gint
compare_julian_keys (gconstpointer a,
                     gconstpointer b)
{
  guint x = GPOINTER_TO_UINT (*(gconstpointer *) a);
  guint y = GPOINTER_TO_UINT (*(gconstpointer *) b);

  return x < y ? -1 : (x > y ? 1 : 0);
}

/**
 * anbu_holiday_calendar_temporary_to_json:
 *
 * Returns: (transfer full): the declared holidays as a JSON array in date
 *   order, `[{"date": "2026-10-02", "name": "임시공휴일"}]`, for the server
 *   to persist.
 */
JsonNode *
anbu_holiday_calendar_temporary_to_json (AnbuHolidayCalendar *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (ANBU_IS_HOLIDAY_CALENDAR (self), NULL);

  json_builder_begin_array (builder);
  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->declared);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_julian_keys);
  for (guint i = 0; i < keys->len; i++)
    {
      guint32 julian = GPOINTER_TO_UINT (keys->pdata[i]);
      g_autofree char *iso = format_iso_date (julian);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "date");
      json_builder_add_string_value (builder, iso);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder,
                                     g_hash_table_lookup (self->declared, keys->pdata[i]));
      json_builder_end_object (builder);
    }
  g_mutex_unlock (&self->lock);
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

/**
 * anbu_holiday_calendar_load_temporary_json:
 * @node: what anbu_holiday_calendar_temporary_to_json() wrote
 *
 * Replaces the declared holidays with those in @node. Nothing changes when
 * any entry is wrong: the error names the entry (counted from 1) and why.
 * Unknown members of an entry are ignored. Emits "changed" on success.
 */
gboolean
anbu_holiday_calendar_load_temporary_json (AnbuHolidayCalendar  *self,
                                           JsonNode             *node,
                                           GError              **error)
{
  g_autoptr(GHashTable) loaded = NULL;
  JsonArray *array;

  g_return_val_if_fail (ANBU_IS_HOLIDAY_CALENDAR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error_literal (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_INVALID_JSON,
                           _("The list of declared holidays is not a JSON array."));
      return FALSE;
    }

  array = json_node_get_array (node);
  loaded = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;
      JsonNode *date_node, *name_node;
      const char *date_text;
      g_autofree char *name = NULL;
      g_autoptr(GError) name_error = NULL;
      GDate date;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_INVALID_JSON,
                       _("Declared holiday %u is not a JSON object."), i + 1);
          return FALSE;
        }
      object = json_node_get_object (element);

      date_node = json_object_get_member (object, "date");
      if (date_node == NULL || json_node_get_value_type (date_node) != G_TYPE_STRING)
        {
          g_set_error (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_INVALID_JSON,
                       _("Declared holiday %u has no “date” text."), i + 1);
          return FALSE;
        }
      date_text = json_node_get_string (date_node);
      if (!anbu_iso_date_parse (date_text, &date))
        {
          g_set_error (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_INVALID_DATE,
                       _("Declared holiday %u: “%s” is not a date written as YYYY-MM-DD."),
                       i + 1, date_text);
          return FALSE;
        }

      name_node = json_object_get_member (object, "name");
      if (name_node == NULL || json_node_get_value_type (name_node) != G_TYPE_STRING)
        {
          g_set_error (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_INVALID_JSON,
                       _("Declared holiday %u has no “name” text."), i + 1);
          return FALSE;
        }
      name = normalize_declared_name (json_node_get_string (name_node), &name_error);
      if (name == NULL)
        {
          g_set_error (error, ANBU_HOLIDAY_ERROR, name_error->code,
                       _("Declared holiday %u: %s"), i + 1, name_error->message);
          return FALSE;
        }

      if (g_hash_table_contains (loaded, GUINT_TO_POINTER (g_date_get_julian (&date))))
        {
          g_set_error (error, ANBU_HOLIDAY_ERROR, ANBU_HOLIDAY_ERROR_DUPLICATE,
                       _("Declared holiday %u: %s is listed twice."), i + 1, date_text);
          return FALSE;
        }
      g_hash_table_insert (loaded, GUINT_TO_POINTER (g_date_get_julian (&date)),
                           g_steal_pointer (&name));
    }

  g_mutex_lock (&self->lock);
  g_hash_table_unref (self->declared);
  self->declared = g_steal_pointer (&loaded);
  g_mutex_unlock (&self->lock);

  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

GPtrArray *
anbu_holiday_calendar_compute_by_rule (guint year)
{
  g_autoptr(GArray) days = compute_rule_days (year, FALSE, year > LAST_OFFICIAL_YEAR);
  GPtrArray *out;

  if (days == NULL)
    return NULL;

  out = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_holiday_free);
  for (guint i = 0; i < days->len; i++)
    {
      const DayOff *day = &g_array_index (days, DayOff, i);

      g_ptr_array_add (out, holiday_new (day->julian, day->kind, day->about,
                                         holiday_name (day->kind, day->about),
                                         day->estimated, FALSE));
    }
  return out;
}
