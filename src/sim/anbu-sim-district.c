/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-plugsim"

#include "config.h"

#include <math.h>

#include "anbu-sim-district.h"

/* 종로구 동 (행정동), codes of the 행정표준코드 table; centres approximate. */
static const AnbuSimDong dongs[] = {
  { "1111051500", "청운효자동", "cheongunhyoja", "자하문로", 37.5841, 126.9706 },
  { "1111053000", "사직동", "sajik", "사직로", 37.5760, 126.9686 },
  { "1111054000", "삼청동", "samcheong", "삼청로", 37.5868, 126.9830 },
  { "1111055000", "부암동", "buam", "창의문로", 37.5926, 126.9636 },
  { "1111056000", "평창동", "pyeongchang", "평창문화로", 37.6127, 126.9752 },
  { "1111057000", "무악동", "muak", "통일로", 37.5752, 126.9595 },
  { "1111058000", "교남동", "gyonam", "송월길", 37.5702, 126.9634 },
  { "1111060000", "가회동", "gahoe", "북촌로", 37.5823, 126.9859 },
  { "1111064000", "이화동", "ihwa", "이화장길", 37.5776, 127.0048 },
  { "1111065000", "혜화동", "hyehwa", "혜화로", 37.5878, 127.0019 },
  { "1111067000", "창신1동", "changsin1", "창신길", 37.5735, 127.0117 },
  { "1111071000", "숭인2동", "sungin2", "지봉로", 37.5760, 127.0215 },
};

static const char * const surnames[] = {
  "김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권",
  "황", "안", "송", "류", "홍",
};

static const char * const female_names[] = {
  "순자", "영자", "정숙", "옥순", "말순", "영희", "춘자", "경자", "정자", "명숙", "복순", "금자",
  "숙자", "순남", "분이", "영순", "옥자", "미자", "점순", "귀남",
};

static const char * const male_names[] = {
  "영수", "상철", "만수", "종수", "병철", "성호", "영호", "정남", "용식", "춘식", "기철", "동수",
  "재만", "광수", "문식", "태호", "정식", "명호", "봉수", "칠성",
};

static const char * const details[] = {
  NULL, "1층", "2층", "지하 1층", "101호", "102호", "201호", "202호", "301호", "옥탑",
};

const AnbuSimDong *
anbu_sim_district_get_dongs (guint *n_dongs)
{
  *n_dongs = G_N_ELEMENTS (dongs);
  return dongs;
}

void
anbu_sim_resident_init (AnbuSimResident *resident,
                        guint64          seed,
                        guint            index,
                        guint            n_dongs)
{
  g_autoptr(GRand) rand = NULL;
  guint32 seeds[3] = { (guint32) seed, (guint32) (seed >> 32), index ^ 0x5ea1d15cu };
  gboolean female;
  const AnbuSimDong *dong;
  double angle, radius;
  const char *detail;

  rand = g_rand_new_with_seed_array (seeds, G_N_ELEMENTS (seeds));
  n_dongs = CLAMP (n_dongs, 1, G_N_ELEMENTS (dongs));
  resident->dong = index % n_dongs;
  dong = &dongs[resident->dong];

  /* About two in three people living alone at risk are women. */
  female = g_rand_double (rand) < 0.65;
  resident->sex = g_strdup (female ? "female" : "male");
  resident->name = g_strconcat (surnames[g_rand_int_range (rand, 0, G_N_ELEMENTS (surnames))],
                                female ? female_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (female_names))]
                                       : male_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (male_names))],
                                NULL);
  resident->birth_year = g_rand_int_range (rand, 1936, 1966);
  resident->phone = g_strdup_printf ("010-%04d-%04d", g_rand_int_range (rand, 2000, 9999),
                                     g_rand_int_range (rand, 0, 9999));
  resident->address = g_strdup_printf ("서울특별시 " ANBU_SIM_DISTRICT_NAME " %s %d", dong->road,
                                       g_rand_int_range (rand, 1, 180));
  detail = details[g_rand_int_range (rand, 0, G_N_ELEMENTS (details))];
  resident->address_detail = g_strdup (detail);
  /* Within about 600 m of the 동's centre. */
  angle = g_rand_double_range (rand, 0, 2 * G_PI);
  radius = sqrt (g_rand_double (rand)) * 0.0055;
  resident->lat = dong->lat + radius * sin (angle);
  resident->lon = dong->lon + radius * cos (angle) / cos (dong->lat * G_PI / 180.0);
  /* Seoul, 2023: 3,213 of 4,071 households consented to night monitoring. */
  resident->night_consent = g_rand_double (rand) < 0.79;
}

void
anbu_sim_resident_clear (AnbuSimResident *resident)
{
  g_clear_pointer (&resident->name, g_free);
  g_clear_pointer (&resident->sex, g_free);
  g_clear_pointer (&resident->phone, g_free);
  g_clear_pointer (&resident->address, g_free);
  g_clear_pointer (&resident->address_detail, g_free);
}
