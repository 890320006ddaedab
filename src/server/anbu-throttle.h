/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "anbu-throttle-ledger.h"

G_BEGIN_DECLS

#define ANBU_TYPE_THROTTLE (anbu_throttle_get_type ())
G_DECLARE_FINAL_TYPE (AnbuThrottle, anbu_throttle, ANBU, THROTTLE, GObject)

/* Sign-in throttling by key (a username or an address): after
 * `max_failures` failures within `window` seconds the key is locked for
 * `lockout` seconds, doubling with each further failure (at most an hour).
 * The counts live in a ledger (anbu-throttle-ledger.h): this process's
 * memory, or a PostgreSQL table that every instance shares. A ledger that
 * cannot be reached throttles nothing (and says so in the log): sign-in
 * needs the same database anyway. */
AnbuThrottle *anbu_throttle_new         (guint         max_failures,
                                         guint         window,
                                         guint         lockout);
/* The same, counting in `ledger` under `scope` (one name per throttle
 * sharing the ledger, e.g. "user" and "address"). */
AnbuThrottle *anbu_throttle_new_shared  (AnbuThrottleLedger *ledger,
                                         const char   *scope,
                                         guint         max_failures,
                                         guint         window,
                                         guint         lockout);

/* Seconds the key must still wait; 0 when it may try now. */
guint         anbu_throttle_retry_after (AnbuThrottle *self,
                                         const char   *key,
                                         gint64        now);
void          anbu_throttle_failed      (AnbuThrottle *self,
                                         const char   *key,
                                         gint64        now);
void          anbu_throttle_succeeded   (AnbuThrottle *self,
                                         const char   *key);
/* Takes back one failure counted for an attempt that turned out good (an
 * attempt is counted before it is checked), lifting a lock that only it
 * caused. */
void          anbu_throttle_forgive     (AnbuThrottle *self,
                                         const char   *key);

G_END_DECLS
