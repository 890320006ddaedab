/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-throttle-ledger.h"

G_BEGIN_DECLS

/* The throttle ledger of one process (anbu-throttle-ledger.h): a hash
 * table, enough for one server on SQLite. */

#define ANBU_TYPE_MEMORY_THROTTLE_LEDGER (anbu_memory_throttle_ledger_get_type ())
G_DECLARE_FINAL_TYPE (AnbuMemoryThrottleLedger, anbu_memory_throttle_ledger, ANBU,
                      MEMORY_THROTTLE_LEDGER, GObject)

AnbuThrottleLedger *anbu_memory_throttle_ledger_new (void);

G_END_DECLS
