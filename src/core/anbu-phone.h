/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "anbu-record-error.h"

G_BEGIN_DECLS

/*
 * South Korean telephone numbers.
 *
 * Accepted (digits may be grouped by spaces, dashes, dots or parentheses,
 * and preceded by +82, 0082 or 82, with or without the trunk 0):
 *   mobile      010-XXXX-XXXX; legacy 011/016/017/018/019-XXX(X)-XXXX
 *   Seoul       02-XXX-XXXX, 02-XXXX-XXXX
 *   regional    031–033, 041–044, 051–055, 061–064: 0AB-XXX-XXXX, 0AB-XXXX-XXXX
 *   internet    070-XXXX-XXXX
 *   freephone   080-XXX-XXXX, 080-XXXX-XXXX
 *   nationwide  15XX-XXXX, 16XX-XXXX, 18XX-XXXX (no country code: not
 *               reachable from abroad)
 * The exchange part (the middle group) never starts with 0, except for
 * freephone numbers (080-023-4567). Everything else
 * (emergency numbers 112/119, unknown area codes, foreign numbers, wrong
 * lengths, letters) is refused with a translated reason.
 *
 * The canonical form, the one records store, has dashes: "010-1234-5678",
 * "02-123-4567", "1588-1234".
 */

typedef enum
{
  ANBU_PHONE_KIND_MOBILE,
  ANBU_PHONE_KIND_SEOUL,
  ANBU_PHONE_KIND_REGIONAL,
  ANBU_PHONE_KIND_INTERNET,    /* 070 */
  ANBU_PHONE_KIND_FREEPHONE,   /* 080 */
  ANBU_PHONE_KIND_NATIONWIDE,  /* 15XX/16XX/18XX */
} AnbuPhoneKind;

char     *anbu_phone_normalize (const char     *field,
                                const char     *text,
                                AnbuPhoneKind  *kind,
                                GError        **error);

gboolean  anbu_phone_is_valid  (const char     *text);

char     *anbu_phone_to_e164   (const char     *text);

G_END_DECLS
