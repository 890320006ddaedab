/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-throttle"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libpq-fe.h>

#include "anbu-pg-store.h"
#include "anbu-pg-throttle-ledger.h"

/* Rows whose time is over are deleted every this many updates. */
#define PURGE_EVERY 256

struct _AnbuPgThrottleLedger
{
  GObject  parent_instance;

  PGconn  *conn;
  guint    updates;
};

static void anbu_pg_throttle_ledger_iface_init (AnbuThrottleLedgerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AnbuPgThrottleLedger, anbu_pg_throttle_ledger, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ANBU_TYPE_THROTTLE_LEDGER,
                                                      anbu_pg_throttle_ledger_iface_init))

/* Takes the row lock with the row: a no-op update of an existing row locks
 * it as the insert of a new one does, until the transaction ends. */
static const char lock_sql[] =
  "INSERT INTO sign_in_attempts VALUES ($1, $2, 0, 0, 0, 0)"
  " ON CONFLICT (scope, key) DO UPDATE SET failures = sign_in_attempts.failures"
  " RETURNING failures, first_failure, locked_until, forget_after";
static const char write_sql[] =
  "UPDATE sign_in_attempts SET failures = $3::integer, first_failure = $4::bigint,"
  " locked_until = $5::bigint, forget_after = $6::bigint WHERE scope = $1 AND key = $2";
static const char delete_sql[] = "DELETE FROM sign_in_attempts WHERE scope = $1 AND key = $2";
static const char lookup_sql[] =
  "SELECT failures, first_failure, locked_until, forget_after FROM sign_in_attempts"
  " WHERE scope = $1 AND key = $2";
static const char purge_sql[] = "DELETE FROM sign_in_attempts WHERE forget_after < $1::bigint";

static gboolean
set_error_unless_ok (AnbuPgThrottleLedger  *self,
                     PGresult              *result,
                     GError               **error)
{
  ExecStatusType status = PQresultStatus (result);
  g_autofree char *message = NULL;

  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return TRUE;
  message = g_strdup (PQerrorMessage (self->conn));
  g_set_error (error, ANBU_THROTTLE_LEDGER_ERROR, ANBU_THROTTLE_LEDGER_ERROR_FAILED,
               _("Cannot read or write sign-in attempts in PostgreSQL: %s"), g_strstrip (message));
  return FALSE;
}

/* A lost connection (PostgreSQL restarted) is made anew before the next
 * call; a call it fails is answered as an error. */
static PGresult *
run (AnbuPgThrottleLedger  *self,
     const char            *sql,
     int                    n_params,
     const char * const    *params,
     GError               **error)
{
  PGresult *result;

  if (PQstatus (self->conn) == CONNECTION_BAD)
    PQreset (self->conn);
  result = PQexecParams (self->conn, sql, n_params, NULL, params, NULL, NULL, 0);
  if (!set_error_unless_ok (self, result, error))
    g_clear_pointer (&result, PQclear);
  return result;
}

static void
attempts_from_row (const PGresult        *result,
                   AnbuThrottleAttempts  *attempts)
{
  attempts->failures = (guint) g_ascii_strtoull (PQgetvalue (result, 0, 0), NULL, 10);
  attempts->first_failure = g_ascii_strtoll (PQgetvalue (result, 0, 1), NULL, 10);
  attempts->locked_until = g_ascii_strtoll (PQgetvalue (result, 0, 2), NULL, 10);
  attempts->forget_after = g_ascii_strtoll (PQgetvalue (result, 0, 3), NULL, 10);
}

static gboolean
pg_lookup (AnbuThrottleLedger    *ledger,
           const char            *scope,
           const char            *key,
           AnbuThrottleAttempts  *attempts,
           GError               **error)
{
  AnbuPgThrottleLedger *self = ANBU_PG_THROTTLE_LEDGER (ledger);
  const char *params[] = { scope, key };
  PGresult *result = run (self, lookup_sql, 2, params, error);

  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 1)
    attempts_from_row (result, attempts);
  PQclear (result);
  return TRUE;
}

static gboolean
write_attempts (AnbuPgThrottleLedger        *self,
                const char                  *scope,
                const char                  *key,
                const AnbuThrottleAttempts  *attempts,
                GError                     **error)
{
  g_autofree char *failures = g_strdup_printf ("%u", attempts->failures);
  g_autofree char *first = g_strdup_printf ("%" G_GINT64_FORMAT, attempts->first_failure);
  g_autofree char *locked = g_strdup_printf ("%" G_GINT64_FORMAT, attempts->locked_until);
  g_autofree char *forget = g_strdup_printf ("%" G_GINT64_FORMAT, attempts->forget_after);
  const char *params[] = { scope, key, failures, first, locked, forget };
  PGresult *result;

  if (attempts->failures == 0)
    result = run (self, delete_sql, 2, params, error);
  else
    result = run (self, write_sql, 6, params, error);
  PQclear (result);
  return result != NULL;
}

static void
purge_now_and_then (AnbuPgThrottleLedger *self,
                    gint64                now)
{
  g_autofree char *now_text = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  const char *params[] = { now_text };
  g_autoptr(GError) error = NULL;

  if (++self->updates % PURGE_EVERY != 0)
    return;
  PQclear (run (self, purge_sql, 1, params, &error));
  if (error != NULL)
    g_warning ("Cannot drop old sign-in attempts: %s", error->message);
}

/* One transaction: lock (or make) the row, change it in C where the rules
 * are, write it back. Another instance's update of the same key waits for
 * the row lock and then reads what this one wrote. */
static gboolean
pg_update (AnbuThrottleLedger          *ledger,
           const char                  *scope,
           const char                  *key,
           gint64                       now,
           AnbuThrottleAttemptsUpdate   update,
           gpointer                     user_data,
           GError                     **error)
{
  AnbuPgThrottleLedger *self = ANBU_PG_THROTTLE_LEDGER (ledger);
  const char *params[] = { scope, key };
  AnbuThrottleAttempts attempts = { 0 };
  PGresult *result;

  PQclear (result = run (self, "BEGIN", 0, NULL, error));
  if (result == NULL)
    return FALSE;
  result = run (self, lock_sql, 2, params, error);
  if (result == NULL)
    goto fail;
  attempts_from_row (result, &attempts);
  PQclear (result);
  update (&attempts, user_data);
  if (!write_attempts (self, scope, key, &attempts, error))
    goto fail;
  PQclear (result = run (self, "COMMIT", 0, NULL, error));
  if (result == NULL)
    goto fail;
  purge_now_and_then (self, now);
  return TRUE;

fail:
  PQclear (PQexec (self->conn, "ROLLBACK"));
  return FALSE;
}

static gboolean
pg_forget (AnbuThrottleLedger  *ledger,
           const char          *scope,
           const char          *key,
           GError             **error)
{
  AnbuPgThrottleLedger *self = ANBU_PG_THROTTLE_LEDGER (ledger);
  const char *params[] = { scope, key };
  PGresult *result = run (self, delete_sql, 2, params, error);

  PQclear (result);
  return result != NULL;
}

static void
anbu_pg_throttle_ledger_iface_init (AnbuThrottleLedgerInterface *iface)
{
  iface->lookup = pg_lookup;
  iface->update = pg_update;
  iface->forget = pg_forget;
}

static void
anbu_pg_throttle_ledger_finalize (GObject *object)
{
  AnbuPgThrottleLedger *self = ANBU_PG_THROTTLE_LEDGER (object);

  g_clear_pointer (&self->conn, PQfinish);
  G_OBJECT_CLASS (anbu_pg_throttle_ledger_parent_class)->finalize (object);
}

static void
anbu_pg_throttle_ledger_class_init (AnbuPgThrottleLedgerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = anbu_pg_throttle_ledger_finalize;
}

static void
anbu_pg_throttle_ledger_init (AnbuPgThrottleLedger *self)
{
}

AnbuThrottleLedger *
anbu_pg_throttle_ledger_new (const char  *conninfo,
                             GError     **error)
{
  g_autoptr(AnbuPgThrottleLedger) self = g_object_new (ANBU_TYPE_PG_THROTTLE_LEDGER, NULL);

  self->conn = anbu_pg_store_connect (conninfo, NULL, error);
  if (self->conn == NULL)
    return NULL;
  return ANBU_THROTTLE_LEDGER (g_steal_pointer (&self));
}
