/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-throttle"

#include "config.h"

#include "anbu-memory-throttle-ledger.h"
#include "anbu-throttle.h"

#define MAX_LOCKOUT 3600

struct _AnbuThrottle
{
  GObject             parent_instance;

  AnbuThrottleLedger *ledger;
  char               *scope;
  guint               max_failures;
  guint               window;
  guint               lockout;
};

G_DEFINE_FINAL_TYPE (AnbuThrottle, anbu_throttle, G_TYPE_OBJECT)

typedef struct
{
  AnbuThrottle *self;
  gint64        now;
} Failure;

/* When an entry stops mattering: its window and its lock are over. */
static void
set_forget_after (AnbuThrottle         *self,
                  AnbuThrottleAttempts *attempts)
{
  attempts->forget_after = MAX (attempts->locked_until, attempts->first_failure + self->window);
}

/* The rules of a failed attempt; the ledger applies them atomically. */
static void
count_failure (AnbuThrottleAttempts *attempts,
               gpointer              user_data)
{
  Failure *failure = user_data;
  AnbuThrottle *self = failure->self;
  gint64 now = failure->now;

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
  set_forget_after (self, attempts);
}

static void
take_back_failure (AnbuThrottleAttempts *attempts,
                   gpointer              user_data)
{
  AnbuThrottle *self = user_data;

  if (attempts->failures == 0)
    return;
  attempts->failures--;
  if (attempts->failures < self->max_failures)
    attempts->locked_until = 0;
  set_forget_after (self, attempts);
}

static void
anbu_throttle_finalize (GObject *object)
{
  AnbuThrottle *self = ANBU_THROTTLE (object);

  g_clear_object (&self->ledger);
  g_clear_pointer (&self->scope, g_free);
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
}

AnbuThrottle *
anbu_throttle_new_shared (AnbuThrottleLedger *ledger,
                          const char         *scope,
                          guint               max_failures,
                          guint               window,
                          guint               lockout)
{
  AnbuThrottle *self;

  g_return_val_if_fail (ANBU_IS_THROTTLE_LEDGER (ledger), NULL);
  g_return_val_if_fail (scope != NULL, NULL);

  self = g_object_new (ANBU_TYPE_THROTTLE, NULL);
  self->ledger = g_object_ref (ledger);
  self->scope = g_strdup (scope);
  self->max_failures = MAX (max_failures, 1);
  self->window = window;
  self->lockout = lockout;
  return self;
}

AnbuThrottle *
anbu_throttle_new (guint max_failures,
                   guint window,
                   guint lockout)
{
  g_autoptr(AnbuThrottleLedger) ledger = anbu_memory_throttle_ledger_new ();

  return anbu_throttle_new_shared (ledger, "sign-in", max_failures, window, lockout);
}

guint
anbu_throttle_retry_after (AnbuThrottle *self,
                           const char   *key,
                           gint64        now)
{
  AnbuThrottleAttempts attempts;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (ANBU_IS_THROTTLE (self), 0);

  if (!anbu_throttle_ledger_lookup (self->ledger, self->scope, key, &attempts, &error))
    {
      g_warning ("Cannot read sign-in attempts: %s", error->message);
      return 0;
    }
  if (attempts.locked_until <= now)
    return 0;
  return (guint) (attempts.locked_until - now);
}

void
anbu_throttle_failed (AnbuThrottle *self,
                      const char   *key,
                      gint64        now)
{
  Failure failure = { self, now };
  g_autoptr(GError) error = NULL;

  g_return_if_fail (ANBU_IS_THROTTLE (self));

  if (!anbu_throttle_ledger_update (self->ledger, self->scope, key, now, count_failure, &failure,
                                    &error))
    g_warning ("Cannot count a failed sign-in: %s", error->message);
}

void
anbu_throttle_succeeded (AnbuThrottle *self,
                         const char   *key)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (ANBU_IS_THROTTLE (self));

  if (!anbu_throttle_ledger_forget (self->ledger, self->scope, key, &error))
    g_warning ("Cannot clear sign-in attempts: %s", error->message);
}

void
anbu_throttle_forgive (AnbuThrottle *self,
                       const char   *key)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (ANBU_IS_THROTTLE (self));

  /* `now` only drops old entries; a forgiven key is not one of them. */
  if (!anbu_throttle_ledger_update (self->ledger, self->scope, key, G_MININT64, take_back_failure,
                                    self, &error))
    g_warning ("Cannot take back a failed sign-in: %s", error->message);
}
