/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-clock"

#include "config.h"

#include "anbu-clock.h"
#include "anbu-kst.h"

struct _AnbuClock
{
  GObject  parent_instance;

  gboolean manual;
  gint64   manual_usec;   /* read and written atomically: workers read it too */
};

G_DEFINE_FINAL_TYPE (AnbuClock, anbu_clock, G_TYPE_OBJECT)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_LOCK_DEFINE_STATIC (default_clock);
static AnbuClock *default_clock;

static void
anbu_clock_class_init (AnbuClockClass *klass)
{
  /**
   * AnbuClock::changed:
   *
   * A manual clock was moved. Views that show durations or decide what is
   * due redraw on it.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
anbu_clock_init (AnbuClock *self)
{
}

AnbuClock *
anbu_clock_new_real (void)
{
  return g_object_new (ANBU_TYPE_CLOCK, NULL);
}

AnbuClock *
anbu_clock_new_manual (gint64 now_usec)
{
  AnbuClock *self = g_object_new (ANBU_TYPE_CLOCK, NULL);

  self->manual = TRUE;
  self->manual_usec = now_usec;
  return self;
}

gboolean
anbu_clock_is_manual (AnbuClock *self)
{
  g_return_val_if_fail (ANBU_IS_CLOCK (self), FALSE);
  return self->manual;
}

gint64
anbu_clock_get_now_usec (AnbuClock *self)
{
  g_return_val_if_fail (ANBU_IS_CLOCK (self), 0);

  if (self->manual)
    return __atomic_load_n (&self->manual_usec, __ATOMIC_ACQUIRE);
  /* The one place Anbu reads the wall clock. */
  return g_get_real_time ();
}

gint64
anbu_clock_get_now_seconds (AnbuClock *self)
{
  return anbu_clock_get_now_usec (self) / G_USEC_PER_SEC;
}

GDateTime *
anbu_clock_get_now_utc (AnbuClock *self)
{
  gint64 usec = anbu_clock_get_now_usec (self);
  g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return g_date_time_add (seconds, usec % G_USEC_PER_SEC);
}

GDateTime *
anbu_clock_get_now_kst (AnbuClock *self)
{
  g_autoptr(GDateTime) utc = anbu_clock_get_now_utc (self);

  return g_date_time_to_timezone (utc, anbu_kst_get_timezone ());
}

void
anbu_clock_set_now_usec (AnbuClock *self,
                         gint64     now_usec)
{
  g_return_if_fail (ANBU_IS_CLOCK (self));
  g_return_if_fail (self->manual);

  if (__atomic_exchange_n (&self->manual_usec, now_usec, __ATOMIC_ACQ_REL) != now_usec)
    g_signal_emit (self, signals[CHANGED], 0);
}

void
anbu_clock_advance (AnbuClock *self,
                    GTimeSpan  span)
{
  g_return_if_fail (ANBU_IS_CLOCK (self));
  g_return_if_fail (self->manual);

  anbu_clock_set_now_usec (self, __atomic_load_n (&self->manual_usec, __ATOMIC_ACQUIRE) + span);
}

/* $ANBU_CLOCK (an ISO 8601 time with offset) stands the process's clock
 * there: screenshots and subprocess tests that must not depend on today. */
static AnbuClock *
new_default_clock (void)
{
  const char *text = g_getenv ("ANBU_CLOCK");
  g_autoptr(GDateTime) moment = NULL;

  if (text == NULL || *text == '\0')
    return anbu_clock_new_real ();
  moment = g_date_time_new_from_iso8601 (text, NULL);
  if (moment == NULL)
    {
      g_warning ("ANBU_CLOCK is not an ISO 8601 time with offset: %s; using the real clock", text);
      return anbu_clock_new_real ();
    }
  return anbu_clock_new_manual (g_date_time_to_unix (moment) * G_USEC_PER_SEC
                                + g_date_time_get_microsecond (moment));
}

AnbuClock *
anbu_clock_get_default (void)
{
  AnbuClock *clock;

  G_LOCK (default_clock);
  if (default_clock == NULL)
    default_clock = new_default_clock ();
  clock = default_clock;
  G_UNLOCK (default_clock);
  return clock;
}

void
anbu_clock_set_default (AnbuClock *clock)
{
  AnbuClock *previous;

  g_return_if_fail (ANBU_IS_CLOCK (clock));

  G_LOCK (default_clock);
  previous = default_clock;
  default_clock = g_object_ref (clock);
  G_UNLOCK (default_clock);
  /* Readers on other threads may still hold the previous clock for the
   * length of one read; a replaced clock is kept rather than freed under them. */
  if (previous != NULL)
    g_object_set_data_full (G_OBJECT (clock), "anbu-clock-previous", previous, g_object_unref);
}

gint64
anbu_clock_now_usec (void)
{
  return anbu_clock_get_now_usec (anbu_clock_get_default ());
}

gint64
anbu_clock_now_seconds (void)
{
  return anbu_clock_now_usec () / G_USEC_PER_SEC;
}
