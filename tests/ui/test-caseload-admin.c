/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The administrator's caseload view against the real anbu-server (127.0.0.1,
 * port 0): the page shows for the admin role only, a move typed into the
 * form reaches the server and its history, a refused move says why and
 * changes nothing, and the report names the household without a planner. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "anbu-case-store.h"
#include "anbu-caseload-admin-view.h"
#include "anbu-casework.h"
#include "anbu-test-desk.h"
#include "anbu-window.h"

#define PASSWORD "correct horse battery"
#define DONG_A "1111051500"
#define DONG_B "1111053000"
#define DONG_D "1168065000"
/* The UI tests' clock (anbu_test_init): Tuesday 2026-11-24 10:30 KST. */
#define NOW "2026-11-24T10:30:00+09:00"

typedef AnbuTestDesk Fixture;

static void
create_household (Fixture    *f,
                  const char *dong,
                  const char *name)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *entry_id = g_uuid_string_random ();
  g_autofree char *entries = g_strdup_printf ("[{\"id\": \"%s\", \"kind\": \"household.create\", "
                                              "\"payload\": {\"id\": \"%s\", \"dong_code\": \"%s\", "
                                              "\"name\": \"%s\", \"address\": \"서울특별시 종로구 자하문로 1\"}}]",
                                              entry_id, id, dong, name);
  g_autoptr(AnbuTestResponse) response = NULL;
  JsonArray *results = anbu_test_push (f->server, f->token, entries, &response);

  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "status"),
                   ==, "applied");
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *args[] = { "--manual-clock", NOW, NULL };

  f->server = anbu_test_server_new (args);
  g_free (anbu_test_server_add_user (f->server, "admin", "admin", NULL, PASSWORD));
  g_free (anbu_test_server_add_user (f->server, "kim", "planner", DONG_A, PASSWORD));
  g_free (anbu_test_server_add_user (f->server, "lee", "planner", DONG_B, PASSWORD));
  f->token = anbu_test_server_sign_in (f->server, "admin", PASSWORD);
  create_household (f, DONG_A, "김영수");
  create_household (f, DONG_D, "한만수");
  anbu_test_desk_open (f, "admin", PASSWORD, "관리자",
                       ANBU_TEST_DESK_ONLINE | ANBU_TEST_DESK_NO_PULL | (GPOINTER_TO_INT (data) ? ANBU_TEST_DESK_ADMIN : 0));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  anbu_test_desk_close (f);
}

static gboolean
orphans_listed (gpointer data)
{
  return anbu_caseload_admin_view_get_n_orphans (data) == 1;
}

static gboolean
one_move_listed (gpointer data)
{
  return anbu_caseload_admin_view_get_n_moves (data) == 1;
}

static gboolean
refusal_shown (gpointer data)
{
  return strstr (anbu_caseload_admin_view_get_status (data), "이관이 거부되었습니다") != NULL;
}

static void
fill (Fixture    *f,
      const char *target,
      const char *from,
      const char *to,
      const char *effective)
{
  gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (f->window, "caseload-target")), target);
  gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (f->window, "caseload-from")), from);
  gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (f->window, "caseload-to")), to);
  gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (f->window, "caseload-effective")), effective);
}

static guint
server_moves (Fixture *f)
{
  g_autoptr(AnbuTestResponse) response = anbu_test_request (f->server, "GET", "/api/v1/admin/caseload/moves",
                                                            f->token, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  return json_array_get_length (json_object_get_array_member (anbu_test_response_object (response), "moves"));
}

static void
test_move_from_the_form (Fixture       *f,
                         gconstpointer  data)
{
  AdwViewStack *stack = ADW_VIEW_STACK (anbu_test_find_type (f->window, ADW_TYPE_VIEW_STACK));
  AnbuCaseloadAdminView *view = ANBU_CASELOAD_ADMIN_VIEW (anbu_test_find_type (f->window,
                                                                            ANBU_TYPE_CASELOAD_ADMIN_VIEW));

  g_assert_true (adw_view_stack_page_get_visible (adw_view_stack_get_page (stack, GTK_WIDGET (view))));
  adw_view_stack_set_visible_child_name (stack, "caseload");
  /* The report names the household whose 동 no planner has. */
  g_assert_true (anbu_test_wait_until (orphans_listed, view, 10000));

  /* A refused move says why, and nothing is recorded. */
  fill (f, DONG_A, "kim", "nobody", "");
  anbu_test_press (anbu_test_find_named (f->window, "caseload-move"));
  g_assert_true (anbu_test_wait_until (refusal_shown, view, 10000));
  g_assert_cmpuint (server_moves (f), ==, 0);

  /* 청운효자동 moves from kim to lee at 11:00. */
  fill (f, DONG_A, "kim", "lee", "2026-11-24 11:00");
  anbu_test_press (anbu_test_find_named (f->window, "caseload-move"));
  g_assert_true (anbu_test_wait_until (one_move_listed, view, 10000));
  g_assert_cmpuint (server_moves (f), ==, 1);
  g_assert_nonnull (strstr (anbu_caseload_admin_view_get_status (view), "2026년 11월 24일"));
  anbu_test_save_screenshot (f->window, "caseload-admin");
}

static void
test_hidden_from_planners (Fixture       *f,
                           gconstpointer  data)
{
  AdwViewStack *stack = ADW_VIEW_STACK (anbu_test_find_type (f->window, ADW_TYPE_VIEW_STACK));
  GtkWidget *view = anbu_test_find_type (f->window, ANBU_TYPE_CASELOAD_ADMIN_VIEW);

  g_assert_false (adw_view_stack_page_get_visible (adw_view_stack_get_page (stack, view)));
  g_assert_false (gtk_widget_get_sensitive (anbu_test_find_named (f->window, "caseload-move")));
}

int
main (int   argc,
      char *argv[])
{
  anbu_test_init (&argc, &argv);

  g_test_add ("/anbu/ui/caseload-admin/move-from-the-form", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_move_from_the_form, fixture_tear_down);
  g_test_add ("/anbu/ui/caseload-admin/hidden-from-planners", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_hidden_from_planners, fixture_tear_down);
  return g_test_run ();
}
