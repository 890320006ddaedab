/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

/* Waiting for results without sleeping: the main loop spins until the
 * callback has run, and a timeout fails the test. */

#define TEST_TIMEOUT_SECONDS 60

static inline gboolean
test_timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static inline void
test_ready_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  GAsyncResult **out = data;

  *out = g_object_ref (result);
}

/* Spins until *flag becomes true (or fails after the timeout). */
static inline void
test_wait_for_flag (const gboolean *flag,
                    guint           seconds)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (seconds, test_timeout_cb, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_false (timed_out);
}

static inline GAsyncResult *
test_wait_for_result (GAsyncResult **slot)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (TEST_TIMEOUT_SECONDS, test_timeout_cb, &timed_out);

  while (*slot == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_false (timed_out);
  return *slot;
}

/* Runs an async call and waits: AWAIT (result, anbu_foo_async (..., test_ready_cb, &result)). */
#define AWAIT(result, call) \
  G_STMT_START { \
    g_clear_object (&(result)); \
    call; \
    test_wait_for_result (&(result)); \
  } G_STMT_END

/* Lets pending idle callbacks (notifications from worker threads) run. */
static inline void
test_drain_main_context (void)
{
  for (guint i = 0; i < 1000 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

static inline void
test_weak_notify (gpointer  data,
                  GObject  *where_the_object_was)
{
  *(gboolean *) data = TRUE;
}

/* Drops a reference and waits until the object is really gone (its worker
 * may still hold it for a moment), so its files are closed. */
static inline void
test_close_object (GObject **object)
{
  gboolean gone = FALSE;

  if (*object == NULL)
    return;
  g_object_weak_ref (*object, test_weak_notify, &gone);
  g_clear_object (object);
  test_wait_for_flag (&gone, TEST_TIMEOUT_SECONDS);
}

#ifdef ANBU_REPLICA_TEST_HELPERS
/* The replica's cursor, kept until the next call so tests can compare it
 * inline without leaking the copy. */
static inline const char *
test_replica_cursor (AnbuReplica *replica)
{
  static char *last;

  g_free (last);
  last = anbu_replica_dup_cursor (replica);
  return last;
}

static inline gboolean
test_replica_has_synced (AnbuReplica *replica)
{
  g_autoptr(GDateTime) last_sync = anbu_replica_dup_last_sync (replica);

  return last_sync != NULL;
}
#endif
