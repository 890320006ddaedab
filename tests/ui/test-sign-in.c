/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "anbu-sign-in-page.h"
#include "anbu-test-util.h"
#include "anbu-window.h"

static void
test_address_accepted (void)
{
  struct
  {
    const char *typed;
    const char *canonical;
  } cases[] = {
    { "anbu.example.go.kr", "https://anbu.example.go.kr" },
    { "  https://Anbu.Example.go.kr/  ", "https://anbu.example.go.kr" },
    { "https://anbu.example.go.kr:8443", "https://anbu.example.go.kr:8443" },
    { "http://127.0.0.1:8080", "http://127.0.0.1:8080" },
    { "http://localhost:8080", "http://localhost:8080" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *canonical = anbu_sign_in_check_server_address (cases[i].typed, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (canonical, ==, cases[i].canonical);
    }
}

static void
test_address_empty (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *canonical = anbu_sign_in_check_server_address ("   ", &error);

  g_assert_null (canonical);
  g_assert_error (error, ANBU_SIGN_IN_ERROR, ANBU_SIGN_IN_ERROR_EMPTY_ADDRESS);
  g_assert_cmpstr (error->message, ==, "안부 서버 주소를 입력하세요.");
}

static void
test_address_garbled (void)
{
  const char *garbled[] = {
    "ht!tp::/anbu",
    "ftp://anbu.example.go.kr",
    "https://",
    "https://anbu example.go.kr",
    "https://user:pw@anbu.example.go.kr",
    "https://anbu.example.go.kr/path?x=1",
    "https://anbu!.example.go.kr",
    "서버 주소",
  };

  for (guint i = 0; i < G_N_ELEMENTS (garbled); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *canonical = anbu_sign_in_check_server_address (garbled[i], &error);

      if (canonical != NULL)
        g_error ("\"%s\" was accepted as %s", garbled[i], canonical);
      g_assert_error (error, ANBU_SIGN_IN_ERROR, ANBU_SIGN_IN_ERROR_INVALID_ADDRESS);
      g_assert_true (g_str_has_prefix (error->message, "서버 주소가 아닙니다."));
    }
}

static void
test_address_plain_http_remote (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *canonical = anbu_sign_in_check_server_address ("http://anbu.example.go.kr", &error);

  g_assert_null (canonical);
  g_assert_error (error, ANBU_SIGN_IN_ERROR, ANBU_SIGN_IN_ERROR_INSECURE_ADDRESS);
}

static void
test_username (void)
{
  g_autoptr (GError) empty = NULL;
  g_autoptr (GError) spaces = NULL;
  g_autoptr (GError) control = NULL;
  g_autoptr (GError) too_long = NULL;
  g_autofree char *long_name = g_strnfill (65, 'a');

  g_assert_true (anbu_sign_in_check_username ("kim.planner", NULL));
  g_assert_true (anbu_sign_in_check_username ("김복지", NULL));
  g_assert_true (anbu_sign_in_check_username ("planner_01@mapo", NULL));

  g_assert_false (anbu_sign_in_check_username ("", &empty));
  g_assert_error (empty, ANBU_SIGN_IN_ERROR, ANBU_SIGN_IN_ERROR_EMPTY_USERNAME);
  g_assert_cmpstr (empty->message, ==, "사용자 이름을 입력하세요.");

  g_assert_false (anbu_sign_in_check_username ("kim planner", &spaces));
  g_assert_error (spaces, ANBU_SIGN_IN_ERROR, ANBU_SIGN_IN_ERROR_INVALID_USERNAME);
  g_assert_false (anbu_sign_in_check_username ("kim\x01", &control));
  g_assert_error (control, ANBU_SIGN_IN_ERROR, ANBU_SIGN_IN_ERROR_INVALID_USERNAME);
  g_assert_false (anbu_sign_in_check_username (long_name, &too_long));
  g_assert_error (too_long, ANBU_SIGN_IN_ERROR, ANBU_SIGN_IN_ERROR_INVALID_USERNAME);
}

static void
test_password (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (anbu_sign_in_check_password ("x", NULL));
  g_assert_false (anbu_sign_in_check_password ("", &error));
  g_assert_error (error, ANBU_SIGN_IN_ERROR, ANBU_SIGN_IN_ERROR_EMPTY_PASSWORD);
  g_assert_cmpstr (error->message, ==, "비밀번호를 입력하세요.");
}

typedef struct
{
  AnbuApplication *app;
  AnbuTestAccount *account;
  GtkWidget *window;
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  f->account = anbu_test_account_new ("kim.planner", "correct horse", "김복지");
  f->app = anbu_test_application_new ();
  f->window = GTK_WIDGET (anbu_window_new (GTK_APPLICATION (f->app), ANBU_ACCOUNT (f->account)));
  gtk_window_present (GTK_WINDOW (f->window));
  anbu_test_wait_drawn (f->window);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->app);
  g_clear_object (&f->account);
}

static const char *
label_text (GtkWidget  *window,
            const char *name)
{
  GtkWidget *label = anbu_test_find_named (window, name);

  g_assert_nonnull (label);
  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

static void
fill (GtkWidget  *window,
      const char *server,
      const char *username,
      const char *password)
{
  gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (window, "server-entry")), server);
  gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (window, "username-entry")), username);
  gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (window, "password-entry")), password);
}

/* Every field empty: each says in Korean what is missing, and nothing is sent. */
static void
test_page_empty_fields (Fixture      *f,
                        gconstpointer data)
{
  fill (f->window, "", "", "");
  anbu_test_press (anbu_test_find_named (f->window, "sign-in-button"));

  g_assert_cmpstr (label_text (f->window, "server-error"), ==, "안부 서버 주소를 입력하세요.");
  g_assert_cmpstr (label_text (f->window, "username-error"), ==, "사용자 이름을 입력하세요.");
  g_assert_cmpstr (label_text (f->window, "password-error"), ==, "비밀번호를 입력하세요.");
  g_assert_true (gtk_widget_has_css_class (anbu_test_find_named (f->window, "server-entry"), "error"));
  g_assert_false (anbu_window_get_signed_in (ANBU_WINDOW (f->window)));
  g_assert_true (gtk_widget_is_sensitive (anbu_test_find_named (f->window, "sign-in-button")));
  anbu_test_save_screenshot (f->window, "sign-in-errors");
}

/* Garbled address and username: Korean messages; fixing a field clears its message. */
static void
test_page_garbled_fields (Fixture      *f,
                          gconstpointer data)
{
  fill (f->window, "ht!tp::/anbu", "kim planner", "correct horse");
  anbu_test_press (anbu_test_find_named (f->window, "sign-in-button"));

  g_assert_true (g_str_has_prefix (label_text (f->window, "server-error"), "서버 주소가 아닙니다."));
  g_assert_cmpstr (label_text (f->window, "username-error"), ==,
                   "사용자 이름은 64자 이내의 글자, 숫자, . _ - @로만 쓰며 띄어 쓰지 않습니다.");
  g_assert_null (label_text (f->window, "password-error"));
  g_assert_false (anbu_window_get_signed_in (ANBU_WINDOW (f->window)));

  gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (f->window, "server-entry")),
                         "https://anbu.example.go.kr");
  g_assert_null (label_text (f->window, "server-error"));
}

static gboolean
failure_shown (gpointer window)
{
  return label_text (window, "sign-in-failure") != NULL;
}

/* A wrong password is refused with a clear message; nothing is unlocked, the password is
 * cleared, and the right one then signs in. */
static void
test_page_wrong_password (Fixture      *f,
                          gconstpointer data)
{
  GtkWidget *password = anbu_test_find_named (f->window, "password-entry");

  fill (f->window, "https://anbu.example.go.kr", "kim.planner", "wrong");
  anbu_test_press (anbu_test_find_named (f->window, "sign-in-button"));
  g_assert_true (anbu_test_wait_until (failure_shown, f->window, 5000));

  g_assert_cmpstr (label_text (f->window, "sign-in-failure"), ==,
                   "사용자 이름이나 비밀번호가 맞지 않습니다. 확인한 뒤 다시 시도하세요.");
  g_assert_false (anbu_window_get_signed_in (ANBU_WINDOW (f->window)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password)), ==, "");
  g_assert_true (gtk_widget_is_sensitive (password));

  anbu_test_sign_in (f->window, "anbu.example.go.kr", "kim.planner", "correct horse");
  g_assert_true (anbu_window_get_signed_in (ANBU_WINDOW (f->window)));
}

/* A damaged caseload on this computer: the page says so and offers to download it again; that
 * needs the password like a sign-in, and signs in. */
static void
test_page_damaged_replica (Fixture      *f,
                           gconstpointer data)
{
  GtkWidget *rebuild = anbu_test_find_named (f->window, "rebuild-button");

  g_assert_false (gtk_widget_get_visible (rebuild));
  anbu_test_account_set_damaged (f->account, TRUE);
  fill (f->window, "https://anbu.example.go.kr", "kim.planner", "correct horse");
  anbu_test_press (anbu_test_find_named (f->window, "sign-in-button"));
  g_assert_true (anbu_test_wait_until (failure_shown, f->window, 5000));
  g_assert_cmpstr (label_text (f->window, "sign-in-failure"), ==,
                   "이 컴퓨터에 저장된 담당 가구 자료가 손상되었습니다. 네트워크에 연결한 뒤 비밀번호를 입력하고 '담당 가구 자료 다시 받기'를 누르세요.");
  g_assert_true (gtk_widget_get_visible (rebuild));
  anbu_test_wait_drawn (f->window);
  anbu_test_assert_accessible_names (f->window, "sign-in page offering a rebuild");
  anbu_test_save_screenshot (f->window, "sign-in-damaged");

  /* The password was cleared with the failure: it is asked for again. */
  anbu_test_press (rebuild);
  g_assert_cmpstr (label_text (f->window, "password-error"), ==, "비밀번호를 입력하세요.");
  g_assert_cmpuint (anbu_test_account_get_rebuilds (f->account), ==, 0);

  gtk_editable_set_text (GTK_EDITABLE (anbu_test_find_named (f->window, "password-entry")),
                         "correct horse");
  anbu_test_press (rebuild);
  g_assert_true (anbu_test_wait_until ((gboolean (*) (gpointer)) anbu_window_get_signed_in,
                                       f->window, 5000));
  g_assert_cmpuint (anbu_test_account_get_rebuilds (f->account), ==, 1);
  g_assert_false (gtk_widget_get_visible (rebuild));
}

/* A successful sign-in remembers the server and username for the next time. */
static void
test_page_remembers_server (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *server = NULL;
  g_autofree char *username = NULL;

  anbu_test_sign_in (f->window, "Anbu.Example.go.kr", "kim.planner", "correct horse");
  server = g_settings_get_string (settings, "server-address");
  username = g_settings_get_string (settings, "last-username");
  g_assert_cmpstr (server, ==, "https://anbu.example.go.kr");
  g_assert_cmpstr (username, ==, "kim.planner");
}

static gboolean
focus_in_password (gpointer window)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL
         && gtk_widget_is_ancestor (focus, anbu_test_find_named (window, "password-entry"));
}

/* After a sign-out the server and username stay filled in and the cursor waits in the password
 * field. */
static void
test_page_focus_after_sign_out (Fixture      *f,
                                gconstpointer data)
{
  GtkWidget *focus;

  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_nonnull (focus);
  anbu_test_sign_in (f->window, "https://anbu.example.go.kr", "kim.planner", "correct horse");
  g_assert_true (gtk_widget_activate_action (f->window, "win.sign-out", NULL));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (anbu_test_find_toplevel_named ("sign-out-dialog")),
                               "sign-out");
  g_assert_true (anbu_test_wait_until (focus_in_password, f->window, 5000));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (anbu_test_find_named (f->window, "username-entry"))),
                   ==, "kim.planner");
}

/* What the demo does: the command line fills in the page and the password signs in at once. */
static void
test_fill_from_command_line (Fixture      *f,
                             gconstpointer data)
{
  anbu_window_fill_sign_in (ANBU_WINDOW (f->window), "127.0.0.1:8080", "kim.planner", NULL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (anbu_test_find_named (f->window, "server-entry"))),
                   ==, "127.0.0.1:8080");
  g_assert_false (anbu_window_get_signed_in (ANBU_WINDOW (f->window)));

  anbu_window_fill_sign_in (ANBU_WINDOW (f->window), "http://127.0.0.1:8080", "kim.planner",
                            "correct horse");
  g_assert_true (anbu_test_wait_until ((gboolean (*) (gpointer)) anbu_window_get_signed_in,
                                       f->window, 5000));
}

static int
run_anbu (const char *const *args,
          const char        *input,
          char             **err)
{
  g_autofree char *binary = g_build_filename (g_getenv ("ANBU_BUILD_DIR"), "src", "app", "anbu", NULL);
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE
                                                                         | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *input_path = NULL;
  int input_fd;

  /* Standard input from a file, not a pipe: a command line refused before the password is
   * read exits first, and writing to its closed pipe would fail the test (EPIPE) by chance. */
  input_fd = g_file_open_tmp ("anbu-stdin-XXXXXX", &input_path, &error);
  g_assert_no_error (error);
  close (input_fd);
  g_assert_true (g_file_set_contents (input_path, input != NULL ? input : "", -1, &error));
  g_assert_no_error (error);
  g_subprocess_launcher_set_stdin_file_path (launcher, input_path);

  g_ptr_array_add (argv, binary);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  /* No display: a bad command line must be refused before any window opens. */
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, err, &error));
  g_assert_no_error (error);
  g_unlink (input_path);
  return g_subprocess_get_exit_status (process);
}

/* --password-stdin needs the server and username, and a password on its first line. */
static void
test_command_line_refused (void)
{
  g_autofree char *missing = NULL;
  g_autofree char *empty = NULL;

  g_assert_cmpint (run_anbu ((const char *[]) { "--username", "kim", "--password-stdin", NULL },
                             "secret\n", &missing), ==, 1);
  g_assert_nonnull (strstr (missing, "--password-stdin에는 --server와 --username이 필요합니다."));

  g_assert_cmpint (run_anbu ((const char *[]) { "--server", "127.0.0.1:8080", "--username", "kim",
                                                "--password-stdin", NULL },
                             "\n", &empty), ==, 1);
  g_assert_nonnull (strstr (empty, "표준 입력에 비밀번호가 없습니다."));
}

int
main (int   argc,
      char *argv[])
{
  anbu_test_init (&argc, &argv);

  g_test_add_func ("/anbu/ui/sign-in/address-accepted", test_address_accepted);
  g_test_add_func ("/anbu/ui/sign-in/address-empty", test_address_empty);
  g_test_add_func ("/anbu/ui/sign-in/address-garbled", test_address_garbled);
  g_test_add_func ("/anbu/ui/sign-in/address-plain-http-remote", test_address_plain_http_remote);
  g_test_add_func ("/anbu/ui/sign-in/username", test_username);
  g_test_add_func ("/anbu/ui/sign-in/password", test_password);
  g_test_add ("/anbu/ui/sign-in/page-empty-fields", Fixture, NULL,
              fixture_set_up, test_page_empty_fields, fixture_tear_down);
  g_test_add ("/anbu/ui/sign-in/page-garbled-fields", Fixture, NULL,
              fixture_set_up, test_page_garbled_fields, fixture_tear_down);
  g_test_add ("/anbu/ui/sign-in/page-wrong-password", Fixture, NULL,
              fixture_set_up, test_page_wrong_password, fixture_tear_down);
  g_test_add ("/anbu/ui/sign-in/page-focus-after-sign-out", Fixture, NULL,
              fixture_set_up, test_page_focus_after_sign_out, fixture_tear_down);
  g_test_add ("/anbu/ui/sign-in/fill-from-command-line", Fixture, NULL,
              fixture_set_up, test_fill_from_command_line, fixture_tear_down);
  g_test_add_func ("/anbu/ui/sign-in/command-line-refused", test_command_line_refused);
  g_test_add ("/anbu/ui/sign-in/page-damaged-replica", Fixture, NULL,
              fixture_set_up, test_page_damaged_replica, fixture_tear_down);
  g_test_add ("/anbu/ui/sign-in/page-remembers-server", Fixture, NULL,
              fixture_set_up, test_page_remembers_server, fixture_tear_down);

  return g_test_run ();
}
