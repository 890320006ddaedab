/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Where sign-in throttles (AnbuThrottle) keep their counts of failed
 * attempts. The rules live in AnbuThrottle; a ledger only stores, per
 * scope (which throttle: "user", "address") and key, what the rules
 * wrote, and changes one entry atomically. AnbuMemoryThrottleLedger keeps
 * them in the process (one server on SQLite); AnbuPgThrottleLedger in a
 * PostgreSQL table, so every instance on the database sees the same
 * counts and locks. */

#define ANBU_THROTTLE_LEDGER_ERROR (anbu_throttle_ledger_error_quark ())

typedef enum
{
  ANBU_THROTTLE_LEDGER_ERROR_FAILED,   /* the database refused or is unreachable */
} AnbuThrottleLedgerError;

GQuark anbu_throttle_ledger_error_quark (void);

/* One key's failed attempts; all zero when the ledger has none. */
typedef struct
{
  guint  failures;
  gint64 first_failure;   /* Unix seconds */
  gint64 locked_until;    /* Unix seconds; in the past: not locked */
  gint64 forget_after;    /* Unix seconds after which the entry means nothing */
} AnbuThrottleAttempts;

/* Changes `attempts` in place (zero when there were none); an entry left
 * with no failures is removed. */
typedef void (*AnbuThrottleAttemptsUpdate) (AnbuThrottleAttempts *attempts,
                                            gpointer              user_data);

#define ANBU_TYPE_THROTTLE_LEDGER (anbu_throttle_ledger_get_type ())
G_DECLARE_INTERFACE (AnbuThrottleLedger, anbu_throttle_ledger, ANBU, THROTTLE_LEDGER, GObject)

struct _AnbuThrottleLedgerInterface
{
  GTypeInterface parent_iface;

  gboolean (*lookup) (AnbuThrottleLedger          *self,
                      const char                  *scope,
                      const char                  *key,
                      AnbuThrottleAttempts        *attempts,
                      GError                     **error);
  gboolean (*update) (AnbuThrottleLedger          *self,
                      const char                  *scope,
                      const char                  *key,
                      gint64                       now,
                      AnbuThrottleAttemptsUpdate   update,
                      gpointer                     user_data,
                      GError                     **error);
  gboolean (*forget) (AnbuThrottleLedger          *self,
                      const char                  *scope,
                      const char                  *key,
                      GError                     **error);
};

/* Reads one key's attempts into `attempts` (zero when none). */
gboolean anbu_throttle_ledger_lookup (AnbuThrottleLedger          *self,
                                      const char                  *scope,
                                      const char                  *key,
                                      AnbuThrottleAttempts        *attempts,
                                      GError                     **error);
/* Reads, changes and writes back one key's attempts as one step: two
 * updates of one key (on any instance) never both start from the same
 * count. `now` lets the ledger drop entries whose forget_after passed. */
gboolean anbu_throttle_ledger_update (AnbuThrottleLedger          *self,
                                      const char                  *scope,
                                      const char                  *key,
                                      gint64                       now,
                                      AnbuThrottleAttemptsUpdate   update,
                                      gpointer                     user_data,
                                      GError                     **error);
/* Removes one key's attempts. */
gboolean anbu_throttle_ledger_forget (AnbuThrottleLedger          *self,
                                      const char                  *scope,
                                      const char                  *key,
                                      GError                     **error);

/* The ledger for the server's --db value: a table for a postgresql:// URI
 * (whose schema the store brought up to date), else the process's memory. */
AnbuThrottleLedger *anbu_throttle_ledger_new_for_location (const char  *location,
                                                           GError     **error);

G_END_DECLS
