/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-throttle"

#include "config.h"

#include "anbu-throttle.h"

#define MAX_LOCKOUT 3600
#define MAX_KEYS 100000

typedef struct
{
  guint  failures;
  gint64 first_failure;
  gint64 locked_until;
} Attempts;

struct _AnbuThrottle
{
  GObject     parent_instance;

  guint       max_failures;
  guint       window;
  guint       lockout;
  GHashTable *attempts;   /* key → Attempts */
};

G_DEFINE_FINAL_TYPE (AnbuThrottle, anbu_throttle, G_TYPE_OBJECT)

/* Forget keys whose window and lockout are over, so a flood of made-up
 * usernames cannot grow the table without bound. */
static void
expire (AnbuThrottle *self,
        gint64        now)
{
  GHashTableIter iter;
  Attempts *attempts;

  g_hash_table_iter_init (&iter, self->attempts);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &attempts))
    if (attempts->locked_until <= now && now - attempts->first_failure > self->window)
      g_hash_table_iter_remove (&iter);
}

static void
anbu_throttle_finalize (GObject *object)
{
  AnbuThrottle *self = ANBU_THROTTLE (object);

  g_clear_pointer (&self->attempts, g_hash_table_unref);
  G_OBJECT_CLASS (anbu_throttle_parent_class)->finalize (object);
}

static void
anbu_throttle_class_init (AnbuThrottleClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = anbu_throttle_finalize;
}

static void
anbu_throttle_init (AnbuThrottle *self)
{
  self->attempts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

AnbuThrottle *
anbu_throttle_new (guint max_failures,
                   guint window,
                   guint lockout)
{
  AnbuThrottle *self = g_object_new (ANBU_TYPE_THROTTLE, NULL);

  self->max_failures = MAX (max_failures, 1);
  self->window = window;
  self->lockout = lockout;
  return self;
}

guint
anbu_throttle_retry_after (AnbuThrottle *self,
                           const char   *key,
                           gint64        now)
{
  Attempts *attempts;

  g_return_val_if_fail (ANBU_IS_THROTTLE (self), 0);

  attempts = g_hash_table_lookup (self->attempts, key);
  if (attempts == NULL || attempts->locked_until <= now)
    return 0;
  return (guint) (attempts->locked_until - now);
}

void
anbu_throttle_failed (AnbuThrottle *self,
                      const char   *key,
                      gint64        now)
{
  Attempts *attempts;

  g_return_if_fail (ANBU_IS_THROTTLE (self));

  if (g_hash_table_size (self->attempts) >= MAX_KEYS)
    expire (self, now);

  attempts = g_hash_table_lookup (self->attempts, key);
  if (attempts == NULL)
    {
      attempts = g_new0 (Attempts, 1);
      g_hash_table_insert (self->attempts, g_strdup (key), attempts);
    }
  if (attempts->failures > 0 && now - attempts->first_failure > self->window
      && attempts->locked_until <= now)
    attempts->failures = 0;
  if (attempts->failures == 0)
    attempts->first_failure = now;
  attempts->failures++;

  if (attempts->failures >= self->max_failures)
    {
      guint doublings = MIN (attempts->failures - self->max_failures, 12);
      gint64 lock = MIN ((gint64) self->lockout << doublings, MAX_LOCKOUT);

      attempts->locked_until = now + MAX (lock, 1);
    }
}

void
anbu_throttle_succeeded (AnbuThrottle *self,
                         const char   *key)
{
  g_return_if_fail (ANBU_IS_THROTTLE (self));

  g_hash_table_remove (self->attempts, key);
}

void
anbu_throttle_forgive (AnbuThrottle *self,
                       const char   *key)
{
  Attempts *attempts;

  g_return_if_fail (ANBU_IS_THROTTLE (self));

  attempts = g_hash_table_lookup (self->attempts, key);
  if (attempts == NULL || attempts->failures == 0)
    return;
  attempts->failures--;
  if (attempts->failures < self->max_failures)
    attempts->locked_until = 0;
}
