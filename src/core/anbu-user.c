/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-records"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-record-json.h"
#include "anbu-user.h"

G_DEFINE_BOXED_TYPE (AnbuUser, anbu_user, anbu_user_copy, anbu_user_free)

AnbuUser *
anbu_user_new (void)
{
  AnbuUser *user = g_new0 (AnbuUser, 1);

  user->role = ANBU_USER_ROLE_PLANNER;
  user->dong_codes = g_new0 (char *, 1);
  return user;
}

AnbuUser *
anbu_user_copy (const AnbuUser *user)
{
  AnbuUser *copy;

  g_return_val_if_fail (user != NULL, NULL);

  copy = g_new0 (AnbuUser, 1);
  copy->id = g_strdup (user->id);
  copy->username = g_strdup (user->username);
  copy->display_name = g_strdup (user->display_name);
  copy->role = user->role;
  copy->dong_codes = g_strdupv (user->dong_codes);
  return copy;
}

void
anbu_user_free (AnbuUser *user)
{
  if (user == NULL)
    return;
  g_free (user->id);
  g_free (user->username);
  g_free (user->display_name);
  g_strfreev (user->dong_codes);
  g_free (user);
}

gboolean
anbu_user_equal (const AnbuUser *a,
                 const AnbuUser *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  return g_strcmp0 (a->id, b->id) == 0 &&
         g_strcmp0 (a->username, b->username) == 0 &&
         g_strcmp0 (a->display_name, b->display_name) == 0 &&
         a->role == b->role &&
         g_strv_equal ((const char * const *) a->dong_codes,
                       (const char * const *) b->dong_codes);
}

gboolean
anbu_user_has_dong_code (const AnbuUser *user,
                         const char     *dong_code)
{
  g_return_val_if_fail (user != NULL, FALSE);

  return dong_code != NULL &&
         g_strv_contains ((const char * const *) user->dong_codes, dong_code);
}

gboolean
anbu_user_may_register_household (const AnbuUser  *user,
                                  const char      *dong_code,
                                  gboolean         night_consent,
                                  GError         **error)
{
  g_return_val_if_fail (user != NULL, FALSE);

  switch (user->role)
    {
    case ANBU_USER_ROLE_ADMIN:
      return TRUE;
    case ANBU_USER_ROLE_CONTROL:
      if (night_consent)
        return TRUE;
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "night_consent",
                             _("The control centre can register only households that consented to night and holiday monitoring"));
      return FALSE;
    case ANBU_USER_ROLE_PLANNER:
    default:
      if (anbu_user_has_dong_code (user, dong_code))
        return TRUE;
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "dong_code",
                             _("This 동 is not one you look after: the server would refuse the household. Choose one of your 동s, or ask an administrator."));
      return FALSE;
    }
}

static gboolean
read_dong_codes (JsonObject  *object,
                 GStrv       *out,
                 GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GError *local_error = NULL;
  JsonArray *array;
  guint n;

  array = anbu_json_read_array ("dong_codes", json_object_get_member (object, "dong_codes"),
                                FALSE, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  n = array != NULL ? json_array_get_length (array) : 0;
  if (n > ANBU_USER_MAX_DONG_CODES)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_TOO_LONG, "dong_codes",
                             _("A user works for at most %d dongs"), ANBU_USER_MAX_DONG_CODES);
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("dong_codes.%u", i);
      g_autofree char *code = NULL;

      if (!anbu_json_read_dong_code (path, json_array_get_element (array, i), TRUE, &code,
                                     error))
        return FALSE;
      for (guint j = 0; j < i; j++)
        if (g_strcmp0 (json_array_get_string_element (array, j), code) == 0)
          {
            anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, path,
                                   _("The dong code %s is listed twice"), code);
            return FALSE;
          }
      g_strv_builder_add (builder, code);
    }

  *out = g_strv_builder_end (builder);
  return TRUE;
}

/**
 * anbu_user_from_json:
 *
 * Returns: (transfer full) (nullable): the user, or %NULL with an
 *   %ANBU_RECORD_ERROR naming the field at fault
 */
AnbuUser *
anbu_user_from_json (JsonObject  *object,
                     GError     **error)
{
  g_autoptr(AnbuUser) user = anbu_user_new ();
  GStrv codes = NULL;
  gint role = 0;

  g_return_val_if_fail (object != NULL, NULL);

#define M(name) name, json_object_get_member (object, name)
  if (!anbu_json_read_uuid (M ("id"), TRUE, &user->id, error))
    return NULL;
  if (!anbu_json_read_text (M ("username"), TRUE, ANBU_USERNAME_MAX_CHARS, ANBU_TEXT_SINGLE_LINE,
                            &user->username, error) ||
      !anbu_validate_username ("username", user->username, error))
    return NULL;
  if (!anbu_json_read_text (M ("display_name"), TRUE, ANBU_NAME_MAX_CHARS,
                            ANBU_TEXT_SINGLE_LINE, &user->display_name, error) ||
      !anbu_json_read_enum (M ("role"), TRUE, ANBU_TYPE_USER_ROLE, &role, error) ||
      !read_dong_codes (object, &codes, error))
    return NULL;
#undef M

  user->role = role;
  g_strfreev (user->dong_codes);
  user->dong_codes = codes;
  return g_steal_pointer (&user);
}

JsonObject *
anbu_user_to_json (const AnbuUser *user)
{
  JsonObject *object = json_object_new ();
  JsonArray *codes;

  g_return_val_if_fail (user != NULL, object);

  anbu_json_write_text (object, "id", user->id);
  anbu_json_write_text (object, "username", user->username);
  anbu_json_write_text (object, "display_name", user->display_name);
  anbu_json_write_text (object, "role", anbu_user_role_to_string (user->role));
  codes = json_array_new ();
  for (guint i = 0; user->dong_codes[i] != NULL; i++)
    json_array_add_string_element (codes, user->dong_codes[i]);
  json_object_set_array_member (object, "dong_codes", codes);
  return object;
}
