/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-throttle"

#include "config.h"

#include "anbu-memory-throttle-ledger.h"

/* Past this many keys, entries whose time is over are dropped, so a flood
 * of made-up usernames cannot grow the table without bound. */
#define MAX_KEYS 100000

struct _AnbuMemoryThrottleLedger
{
  GObject     parent_instance;

  GHashTable *attempts;   /* "scope\nkey" → AnbuThrottleAttempts */
};

static void anbu_memory_throttle_ledger_iface_init (AnbuThrottleLedgerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AnbuMemoryThrottleLedger, anbu_memory_throttle_ledger, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ANBU_TYPE_THROTTLE_LEDGER,
                                                      anbu_memory_throttle_ledger_iface_init))

static char *
entry_key (const char *scope,
           const char *key)
{
  return g_strconcat (scope, "\n", key, NULL);
}

static void
expire (AnbuMemoryThrottleLedger *self,
        gint64                    now)
{
  GHashTableIter iter;
  AnbuThrottleAttempts *attempts;

  g_hash_table_iter_init (&iter, self->attempts);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &attempts))
    if (attempts->forget_after < now)
      g_hash_table_iter_remove (&iter);
}

static gboolean
memory_lookup (AnbuThrottleLedger    *ledger,
               const char            *scope,
               const char            *key,
               AnbuThrottleAttempts  *attempts,
               GError               **error)
{
  AnbuMemoryThrottleLedger *self = ANBU_MEMORY_THROTTLE_LEDGER (ledger);
  g_autofree char *name = entry_key (scope, key);
  AnbuThrottleAttempts *stored = g_hash_table_lookup (self->attempts, name);

  if (stored != NULL)
    *attempts = *stored;
  return TRUE;
}

static gboolean
memory_update (AnbuThrottleLedger          *ledger,
               const char                  *scope,
               const char                  *key,
               gint64                       now,
               AnbuThrottleAttemptsUpdate   update,
               gpointer                     user_data,
               GError                     **error)
{
  AnbuMemoryThrottleLedger *self = ANBU_MEMORY_THROTTLE_LEDGER (ledger);
  g_autofree char *name = entry_key (scope, key);
  AnbuThrottleAttempts *stored;

  if (g_hash_table_size (self->attempts) >= MAX_KEYS)
    expire (self, now);
  stored = g_hash_table_lookup (self->attempts, name);
  if (stored == NULL)
    {
      stored = g_new0 (AnbuThrottleAttempts, 1);
      g_hash_table_insert (self->attempts, g_strdup (name), stored);
    }
  update (stored, user_data);
  if (stored->failures == 0)
    g_hash_table_remove (self->attempts, name);
  return TRUE;
}

static gboolean
memory_forget (AnbuThrottleLedger  *ledger,
               const char          *scope,
               const char          *key,
               GError             **error)
{
  AnbuMemoryThrottleLedger *self = ANBU_MEMORY_THROTTLE_LEDGER (ledger);
  g_autofree char *name = entry_key (scope, key);

  g_hash_table_remove (self->attempts, name);
  return TRUE;
}

static void
anbu_memory_throttle_ledger_iface_init (AnbuThrottleLedgerInterface *iface)
{
  iface->lookup = memory_lookup;
  iface->update = memory_update;
  iface->forget = memory_forget;
}

static void
anbu_memory_throttle_ledger_finalize (GObject *object)
{
  AnbuMemoryThrottleLedger *self = ANBU_MEMORY_THROTTLE_LEDGER (object);

  g_clear_pointer (&self->attempts, g_hash_table_unref);
  G_OBJECT_CLASS (anbu_memory_throttle_ledger_parent_class)->finalize (object);
}

static void
anbu_memory_throttle_ledger_class_init (AnbuMemoryThrottleLedgerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = anbu_memory_throttle_ledger_finalize;
}

static void
anbu_memory_throttle_ledger_init (AnbuMemoryThrottleLedger *self)
{
  self->attempts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

AnbuThrottleLedger *
anbu_memory_throttle_ledger_new (void)
{
  return g_object_new (ANBU_TYPE_MEMORY_THROTTLE_LEDGER, NULL);
}
