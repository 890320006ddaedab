/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test helper: a planner's app that records one visit and is killed
 * (SIGKILL) right after the write, before any push.
 *
 *   client-write-and-die DATA_DIR SERVER_URL USERNAME PASSWORD HOUSEHOLD_ID USER_ID
 *
 * Prints "VISIT <visit id>" once the visit and its outbox entry are on disk. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "anbu-session.h"

static GAsyncResult *result;

static void
on_ready (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  result = g_object_ref (res);
}

static void
wait_result (void)
{
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

int
main (int argc, char *argv[])
{
  g_autoptr(AnbuSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) visit = json_object_new ();
  g_autofree char *visit_id = g_uuid_string_random ();
  g_autofree char *mutation_id = NULL;
  AnbuReplica *replica;

  if (argc != 7)
    return 2;

  session = anbu_session_new (argv[1]);
  anbu_session_set_autostart (session, FALSE);
  anbu_session_sign_in_async (session, argv[2], NULL, argv[3], argv[4], NULL, on_ready, NULL);
  wait_result ();
  if (!anbu_session_sign_in_finish (session, result, &error))
    {
      g_printerr ("sign-in: %s\n", error->message);
      return 1;
    }
  g_clear_object (&result);

  replica = anbu_session_get_replica (session);
  json_object_set_string_member (visit, "id", visit_id);
  json_object_set_string_member (visit, "household_id", argv[5]);
  json_object_set_string_member (visit, "at", "2026-11-24T10:00:00+09:00");
  json_object_set_string_member (visit, "by", argv[6]);
  json_object_set_string_member (visit, "purpose", "regular");
  anbu_replica_record_change_async (replica, "visit.create", visit, NULL, on_ready, NULL);
  wait_result ();
  mutation_id = anbu_replica_record_change_finish (replica, result, &error);
  if (mutation_id == NULL)
    {
      g_printerr ("record: %s\n", error->message);
      return 1;
    }

  printf ("VISIT %s\n", visit_id);
  fflush (stdout);
  kill (getpid (), SIGKILL);
  return 3;
}
