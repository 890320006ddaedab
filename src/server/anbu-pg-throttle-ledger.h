/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-throttle-ledger.h"

G_BEGIN_DECLS

/* The throttle ledger (anbu-throttle-ledger.h) in PostgreSQL's
 * sign_in_attempts table, on a connection of its own: every instance on
 * the database counts the same failures and sees the same locks. */

#define ANBU_TYPE_PG_THROTTLE_LEDGER (anbu_pg_throttle_ledger_get_type ())
G_DECLARE_FINAL_TYPE (AnbuPgThrottleLedger, anbu_pg_throttle_ledger, ANBU, PG_THROTTLE_LEDGER,
                      GObject)

/* The database's schema must be up to date (open the store first). */
AnbuThrottleLedger *anbu_pg_throttle_ledger_new (const char  *conninfo,
                                                 GError     **error);

G_END_DECLS
