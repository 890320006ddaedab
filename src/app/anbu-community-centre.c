/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-community-centre"

#include "config.h"

#include "anbu-community-centre.h"

/* 종로구 동주민센터, by 행정기관코드 (the codes anbu-plugsim seeds). Positions are
 * those of the centres' street addresses to within about 100 m: enough to
 * order a day's stops by straight-line distance, which is all the route
 * planner does with them. */
static const AnbuCommunityCentre centres[] = {
  { "1111051500", "청운효자동주민센터", 37.5840, 126.9697 },
  { "1111053000", "사직동주민센터", 37.5761, 126.9688 },
  { "1111054000", "삼청동주민센터", 37.5846, 126.9823 },
  { "1111055000", "부암동주민센터", 37.5926, 126.9629 },
  { "1111056000", "평창동주민센터", 37.6069, 126.9686 },
  { "1111057000", "무악동주민센터", 37.5746, 126.9593 },
  { "1111058000", "교남동주민센터", 37.5697, 126.9633 },
  { "1111060000", "가회동주민센터", 37.5797, 126.9857 },
  { "1111064000", "이화동주민센터", 37.5763, 127.0041 },
  { "1111065000", "혜화동주민센터", 37.5873, 127.0015 },
  { "1111067000", "창신1동주민센터", 37.5727, 127.0106 },
  { "1111071000", "숭인2동주민센터", 37.5748, 127.0210 },
};

const AnbuCommunityCentre *
anbu_community_centre_get_all (guint *n_centres)
{
  if (n_centres != NULL)
    *n_centres = G_N_ELEMENTS (centres);
  return centres;
}

int
anbu_community_centre_index (const char *dong_code)
{
  for (guint i = 0; dong_code != NULL && i < G_N_ELEMENTS (centres); i++)
    if (g_str_equal (centres[i].dong_code, dong_code))
      return (int) i;
  return -1;
}

const AnbuCommunityCentre *
anbu_community_centre_lookup (const char *dong_code)
{
  int i = anbu_community_centre_index (dong_code);

  return i >= 0 ? &centres[i] : NULL;
}
