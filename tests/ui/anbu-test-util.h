/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "anbu-account.h"
#include "anbu-application.h"

G_BEGIN_DECLS

/* A planner account for tests: it knows one username and password and keeps the sync figures
 * the test sets. It stands in for src/client's session only inside tests. */
#define ANBU_TYPE_TEST_ACCOUNT (anbu_test_account_get_type ())
G_DECLARE_FINAL_TYPE (AnbuTestAccount, anbu_test_account, ANBU, TEST_ACCOUNT, GObject)

AnbuTestAccount *anbu_test_account_new          (const char             *username,
                                                 const char             *password,
                                                 const char             *display_name);
void             anbu_test_account_set_sync     (AnbuTestAccount        *self,
                                                 AnbuSyncIndicatorState  state,
                                                 GDateTime              *last_sync,
                                                 guint                   pending_count);
guint            anbu_test_account_get_sync_requests (AnbuTestAccount *self);
guint            anbu_test_account_get_sign_outs     (AnbuTestAccount *self);
guint            anbu_test_account_get_locks         (AnbuTestAccount *self);
void             anbu_test_account_set_damaged       (AnbuTestAccount *self,
                                                      gboolean         damaged);
guint            anbu_test_account_get_rebuilds      (AnbuTestAccount *self);
void             anbu_test_account_set_needs_sign_in (AnbuTestAccount *self,
                                                      gboolean         needs_sign_in);
GListStore      *anbu_test_account_get_pending_store (AnbuTestAccount *self);
GListStore      *anbu_test_account_get_rejections_store (AnbuTestAccount *self);

/* Where every UI test's manual clock starts: a Tuesday, 10:30 in Seoul. */
#define ANBU_TEST_NOW_ISO "2026-11-24T10:30:00+09:00"

void             anbu_test_init                 (int                    *argc,
                                                 char                 ***argv);
AnbuApplication *anbu_test_application_new      (void);
GPtrArray       *anbu_test_get_notifications    (void);
void             anbu_test_set_now              (gint64                  now_usec);
GtkWidget       *anbu_test_find_named           (GtkWidget              *root,
                                                 const char             *name);
GtkWidget       *anbu_test_find_type            (GtkWidget              *root,
                                                 GType                   type);
gboolean         anbu_test_wait_until           (gboolean              (*condition) (gpointer),
                                                 gpointer                data,
                                                 guint                   timeout_ms);

/* Waiting for an async call: pass anbu_test_ready_cb with &result (a GAsyncResult * set to
 * NULL) as its callback; ANBU_TEST_AWAIT makes the call and spins until the result is in. */
void             anbu_test_ready_cb             (GObject               *source,
                                                 GAsyncResult          *result,
                                                 gpointer               user_data);
gboolean         anbu_test_has_result           (gpointer               data);
#define ANBU_TEST_AWAIT(result, call) \
  G_STMT_START { (call); g_assert_true (anbu_test_wait_until (anbu_test_has_result, &(result), 30000)); } G_STMT_END
void             anbu_test_wait_drawn           (GtkWidget              *window);
void             anbu_test_save_screenshot      (GtkWidget              *window,
                                                 const char             *name);
void             anbu_test_assert_accessible_names (GtkWidget           *root,
                                                    const char          *where);
void             anbu_test_sign_in              (GtkWidget              *window,
                                                 const char             *server,
                                                 const char             *username,
                                                 const char             *password);
GtkWidget       *anbu_test_find_toplevel_named  (const char             *name);
void             anbu_test_press                (GtkWidget              *button);
void             anbu_test_press_named          (GtkWidget              *root,
                                                 const char             *name);

G_END_DECLS
