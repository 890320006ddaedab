/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-records"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "anbu-plug.h"
#include "anbu-record-json.h"

G_DEFINE_BOXED_TYPE (AnbuPlug, anbu_plug, anbu_plug_copy, anbu_plug_free)

static gboolean
doubles_equal (double a,
               double b)
{
  return (isnan (a) && isnan (b)) || a == b;
}

static gboolean
check_measure (const char  *field,
               double       value,
               double       max,
               GError     **error)
{
  if (isnan (value) || (value >= 0 && value <= max))
    return TRUE;
  anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, field,
                         _("The measurement %.1f is outside 0 to %.0f"), value, max);
  return FALSE;
}

/**
 * anbu_plug_new:
 *
 * Returns: (transfer full): an empty plug: installed, live values unknown
 */
AnbuPlug *
anbu_plug_new (void)
{
  AnbuPlug *plug = g_new0 (AnbuPlug, 1);

  plug->appliance = ANBU_APPLIANCE_OTHER;
  plug->state = ANBU_PLUG_STATE_INSTALLED;
  plug->last_watts = NAN;
  plug->last_lux = NAN;
  return plug;
}

AnbuPlug *
anbu_plug_copy (const AnbuPlug *plug)
{
  AnbuPlug *copy;

  g_return_val_if_fail (plug != NULL, NULL);

  copy = g_memdup2 (plug, sizeof *plug);
  copy->serial = g_strdup (plug->serial);
  copy->household_id = g_strdup (plug->household_id);
  copy->activity_learned_text = g_strdup (plug->activity_learned_text);
  return copy;
}

void
anbu_plug_free (AnbuPlug *plug)
{
  if (plug == NULL)
    return;
  g_free (plug->serial);
  g_free (plug->household_id);
  g_free (plug->activity_learned_text);
  g_free (plug);
}

gboolean
anbu_plug_equal (const AnbuPlug *a,
                 const AnbuPlug *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  return g_strcmp0 (a->serial, b->serial) == 0 &&
         g_strcmp0 (a->household_id, b->household_id) == 0 &&
         a->appliance == b->appliance &&
         a->installed_at == b->installed_at &&
         a->removed_at == b->removed_at &&
         a->state == b->state &&
         a->last_seen_at == b->last_seen_at &&
         doubles_equal (a->last_watts, b->last_watts) &&
         doubles_equal (a->last_lux, b->last_lux) &&
         a->last_activity_at == b->last_activity_at &&
         g_strcmp0 (a->activity_learned_text, b->activity_learned_text) == 0 &&
         a->activity_mark == b->activity_mark &&
         a->version == b->version;
}

/**
 * anbu_plug_from_json:
 *
 * Returns: (transfer full) (nullable): the plug, or %NULL with an
 *   %ANBU_RECORD_ERROR naming the field at fault
 */
AnbuPlug *
anbu_plug_from_json (JsonObject  *object,
                     GError     **error)
{
  g_autoptr(AnbuPlug) plug = anbu_plug_new ();
  gint appliance = ANBU_APPLIANCE_OTHER;
  gint state = ANBU_PLUG_STATE_INSTALLED;
  gint mark = ANBU_ACTIVITY_MARK_AUTO;

  g_return_val_if_fail (object != NULL, NULL);

#define M(name) name, json_object_get_member (object, name)
  if (!anbu_json_read_serial (M ("serial"), TRUE, &plug->serial, error) ||
      !anbu_json_read_uuid (M ("household_id"), TRUE, &plug->household_id, error) ||
      !anbu_json_read_enum (M ("appliance"), TRUE, ANBU_TYPE_APPLIANCE, &appliance, error) ||
      !anbu_json_read_timestamp (M ("installed_at"), TRUE, &plug->installed_at, error) ||
      !anbu_json_read_timestamp (M ("removed_at"), FALSE, &plug->removed_at, error) ||
      !anbu_json_read_enum (M ("state"), FALSE, ANBU_TYPE_PLUG_STATE, &state, error) ||
      !anbu_json_read_timestamp (M ("last_seen_at"), FALSE, &plug->last_seen_at, error) ||
      !anbu_json_read_double (M ("last_watts"), FALSE, &plug->last_watts, error) ||
      !check_measure ("last_watts", plug->last_watts, ANBU_PLUG_MAX_WATTS, error) ||
      !anbu_json_read_double (M ("last_lux"), FALSE, &plug->last_lux, error) ||
      !check_measure ("last_lux", plug->last_lux, ANBU_PLUG_MAX_LUX, error) ||
      !anbu_json_read_timestamp (M ("last_activity_at"), FALSE, &plug->last_activity_at,
                                 error) ||
      !anbu_json_read_text (M ("activity_learned_text"), FALSE, ANBU_PLUG_LEARNED_TEXT_MAX_CHARS,
                            ANBU_TEXT_MULTI_LINE, &plug->activity_learned_text, error) ||
      !anbu_json_read_enum (M ("activity_mark"), FALSE, ANBU_TYPE_ACTIVITY_MARK, &mark, error) ||
      !anbu_json_read_version (M ("version"), FALSE, &plug->version, error))
    return NULL;
#undef M

  plug->appliance = appliance;
  plug->state = state;
  plug->activity_mark = mark;

  if (plug->removed_at != 0 && plug->removed_at < plug->installed_at)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "removed_at",
                             _("A plug cannot be removed before it was installed"));
      return NULL;
    }
  return g_steal_pointer (&plug);
}

JsonObject *
anbu_plug_to_json (const AnbuPlug *plug)
{
  JsonObject *object = json_object_new ();

  g_return_val_if_fail (plug != NULL, object);

  anbu_json_write_text (object, "serial", plug->serial);
  anbu_json_write_text (object, "household_id", plug->household_id);
  anbu_json_write_text (object, "appliance", anbu_appliance_to_string (plug->appliance));
  anbu_json_write_timestamp (object, "installed_at", plug->installed_at);
  anbu_json_write_timestamp (object, "removed_at", plug->removed_at);
  anbu_json_write_text (object, "state", anbu_plug_state_to_string (plug->state));
  anbu_json_write_timestamp (object, "last_seen_at", plug->last_seen_at);
  anbu_json_write_double (object, "last_watts", plug->last_watts);
  anbu_json_write_double (object, "last_lux", plug->last_lux);
  anbu_json_write_timestamp (object, "last_activity_at", plug->last_activity_at);
  anbu_json_write_text (object, "activity_learned_text", plug->activity_learned_text);
  if (plug->activity_mark != ANBU_ACTIVITY_MARK_AUTO)
    anbu_json_write_text (object, "activity_mark", anbu_activity_mark_to_string (plug->activity_mark));
  json_object_set_int_member (object, "version", plug->version);
  return object;
}
