/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A synthetic but realistic district for demos and tests: the 동 of
 * 종로구, Seoul, with their real 10-digit 행정기관코드 and centre
 * coordinates, and residents with Korean names, 도로명주소 on real streets
 * of their 동, mobile numbers, birth years and consent drawn from a seed.
 * The same seed and index always give the same resident. */

typedef struct
{
  const char *code;       /* 행정기관코드 */
  const char *name;       /* 청운효자동 */
  const char *username;   /* the planner's sign-in: "cheongunhyoja" */
  const char *road;       /* a street of the 동 for addresses */
  double      lat;
  double      lon;
} AnbuSimDong;

typedef struct
{
  guint  dong;            /* index into the dong table */
  char  *name;
  char  *sex;             /* "female" | "male" */
  gint   birth_year;
  char  *phone;
  char  *address;
  char  *address_detail;
  double lat;
  double lon;
  gboolean night_consent;
} AnbuSimResident;

#define ANBU_SIM_DISTRICT_NAME "종로구"

const AnbuSimDong *anbu_sim_district_get_dongs     (guint           *n_dongs);
void               anbu_sim_resident_init          (AnbuSimResident *resident,
                                                    guint64          seed,
                                                    guint            index,
                                                    guint            n_dongs);
void               anbu_sim_resident_clear         (AnbuSimResident *resident);

G_END_DECLS
