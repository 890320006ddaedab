/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Argon2id takes tens of milliseconds and 64 MiB: checks and hashes run
 * off the main loop, so other requests are answered meanwhile, and only a
 * few at once (the pool's workers), so a burst of sign-ins cannot exhaust
 * memory. Eight times as many may wait; beyond that the pool is full and
 * the caller answers 503 with Retry-After. Main thread only. */

#define ANBU_TYPE_PASSWORD_POOL (anbu_password_pool_get_type ())
G_DECLARE_FINAL_TYPE (AnbuPasswordPool, anbu_password_pool, ANBU, PASSWORD_POOL, GObject)

/* `checks` workers (0: the number of CPUs, at least 2). */
AnbuPasswordPool *anbu_password_pool_new          (guint                checks);
guint             anbu_password_pool_get_checks   (AnbuPasswordPool    *self);
/* Checks running or waiting. */
guint             anbu_password_pool_get_pending  (AnbuPasswordPool    *self);
gboolean          anbu_password_pool_is_full      (AnbuPasswordPool    *self);

/* Whether `password` matches `hash` (NULL: an unknown user, checked
 * against nothing in the same time). FALSE, and no callback, when full. */
gboolean          anbu_password_pool_verify_async (AnbuPasswordPool    *self,
                                                   const char          *hash,
                                                   const char          *password,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean          anbu_password_pool_verify_finish (AnbuPasswordPool   *self,
                                                    GAsyncResult       *result);

/* A new password's hash. FALSE, and no callback, when full. */
gboolean          anbu_password_pool_hash_async   (AnbuPasswordPool    *self,
                                                   const char          *password,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
char             *anbu_password_pool_hash_finish  (AnbuPasswordPool    *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

G_END_DECLS
