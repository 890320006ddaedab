/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-case-form-dialog.h"
#include "anbu-case-store.h"
#include "anbu-casework.h"
#include "anbu-test-server.h"
#include "anbu-test-util.h"
#include "anbu-user.h"

G_BEGIN_DECLS

/* A planner's (or an administrator's) desk against the real anbu-server on 127.0.0.1: an
 * encrypted replica pulled from the server, the case store and casework over it, and the main
 * window signed in. The test starts the server, adds its users, signs in (token, user_id) and
 * seeds what it needs; anbu_test_desk_open builds the rest. */
typedef struct
{
  AnbuTestServer  *server;
  char            *token;
  char            *user_id;
  char            *dir;
  AnbuReplica     *replica;
  AnbuCaseStore   *store;
  AnbuCasework    *casework;
  GtkWidget       *window;
  AnbuApplication *app;
  AnbuTestAccount *account;
  /* Optional, set before opening: what a sign-in keeps of the user (its 동),
   * stored in the replica as AnbuSession does. */
  AnbuUser        *user;
} AnbuTestDesk;

typedef enum
{
  ANBU_TEST_DESK_OFFLINE = 0,
  /* The case store reaches the server through an API client (series, statistics, admin). */
  ANBU_TEST_DESK_ONLINE = 1 << 0,
  /* The admin pages shown. */
  ANBU_TEST_DESK_ADMIN = 1 << 1,
  /* An empty replica: nothing pulled (an administrator has no caseload). */
  ANBU_TEST_DESK_NO_PULL = 1 << 2,
} AnbuTestDeskFlags;

/* What the sync engine does, for tests that keep their own replica: pull every page after
 * `*cursor` (NULL or "" from the start; updated) into it, and push its outbox, storing the
 * server's answers. */
void             anbu_test_replica_pull              (AnbuTestServer    *server,
                                                      const char        *token,
                                                      AnbuReplica       *replica,
                                                      char             **cursor);
AnbuPushSummary  anbu_test_replica_push              (AnbuTestServer    *server,
                                                      const char        *token,
                                                      AnbuReplica       *replica);

void             anbu_test_desk_open                 (AnbuTestDesk      *desk,
                                                      const char        *username,
                                                      const char        *password,
                                                      const char        *display_name,
                                                      AnbuTestDeskFlags  flags);
void             anbu_test_desk_close                (AnbuTestDesk      *desk);
void             anbu_test_desk_pull                 (AnbuTestDesk      *desk);
AnbuPushSummary  anbu_test_desk_push                 (AnbuTestDesk      *desk);
void             anbu_test_desk_push_expect_applied  (AnbuTestDesk      *desk,
                                                      guint              expect_applied);
JsonObject      *anbu_test_desk_server_record        (AnbuTestDesk      *desk,
                                                      const char        *kind,
                                                      const char        *id);
/* A case form of the desk's casework, presented over its window and drawn. */
AnbuCaseFormDialog *anbu_test_desk_open_form         (AnbuTestDesk      *desk,
                                                      AnbuCaseForm       form,
                                                      const char        *household_id,
                                                      const char        *alert_id);
/* Presses Save as the planner does and waits until the change is in the outbox. */
void             anbu_test_desk_save_form            (AnbuTestDesk      *desk,
                                                      AnbuCaseFormDialog *dialog);
char            *anbu_test_desk_seed_alert           (AnbuTestDesk      *desk,
                                                      const char        *household_id);
gboolean         anbu_test_casework_loaded           (gpointer           casework);

G_END_DECLS
