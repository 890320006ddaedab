/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where a planner's day starts: the 동주민센터 of a 행정동. The table holds the
 * 동 of 종로구 that the demo district and anbu-plugsim seed use; for another 구,
 * add its rows here (code, name, position of the centre's building). */
typedef struct
{
  const char *dong_code;   /* 10-digit 행정기관코드 */
  const char *name;        /* "사직동주민센터" */
  double      latitude;
  double      longitude;
} AnbuCommunityCentre;

/* Every known centre, in table order. */
const AnbuCommunityCentre *anbu_community_centre_get_all (guint      *n_centres);

/* The centre of this 동, or NULL when the table does not have it. */
const AnbuCommunityCentre *anbu_community_centre_lookup  (const char *dong_code);

/* Its position in the table (for a drop-down), or -1. */
int                        anbu_community_centre_index   (const char *dong_code);

G_END_DECLS
