/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-records"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-alert.h"
#include "anbu-record-json.h"

G_DEFINE_BOXED_TYPE (AnbuAlert, anbu_alert, anbu_alert_copy, anbu_alert_free)

/**
 * anbu_alert_new:
 *
 * Returns: (transfer full): an empty alert: open, not resolved
 */
AnbuAlert *
anbu_alert_new (void)
{
  AnbuAlert *alert = g_new0 (AnbuAlert, 1);

  alert->kind = ANBU_ALERT_KIND_INACTIVITY;
  alert->level = ANBU_ALERT_LEVEL_RISK;
  alert->responder = ANBU_ALERT_RESPONDER_DONG;
  alert->state = ANBU_ALERT_STATE_OPEN;
  alert->resolution = ANBU_ALERT_RESOLUTION_NONE;
  alert->dispatch_outcome = ANBU_DISPATCH_OUTCOME_NONE;
  return alert;
}

AnbuAlert *
anbu_alert_copy (const AnbuAlert *alert)
{
  AnbuAlert *copy;

  g_return_val_if_fail (alert != NULL, NULL);

  copy = g_memdup2 (alert, sizeof *alert);
  copy->id = g_strdup (alert->id);
  copy->household_id = g_strdup (alert->household_id);
  copy->closed_by = g_strdup (alert->closed_by);
  copy->detail = g_strdup (alert->detail);
  copy->notes = g_strdup (alert->notes);
  copy->dispatched_by = g_strdup (alert->dispatched_by);
  copy->claimed_by = g_strdup (alert->claimed_by);
  copy->claimed_by_name = g_strdup (alert->claimed_by_name);
  return copy;
}

void
anbu_alert_free (AnbuAlert *alert)
{
  if (alert == NULL)
    return;
  g_free (alert->id);
  g_free (alert->household_id);
  g_free (alert->closed_by);
  g_free (alert->detail);
  g_free (alert->notes);
  g_free (alert->dispatched_by);
  g_free (alert->claimed_by);
  g_free (alert->claimed_by_name);
  g_free (alert);
}

gboolean
anbu_alert_equal (const AnbuAlert *a,
                  const AnbuAlert *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  return g_strcmp0 (a->id, b->id) == 0 &&
         g_strcmp0 (a->household_id, b->household_id) == 0 &&
         a->kind == b->kind &&
         a->level == b->level &&
         a->quiet_since == b->quiet_since &&
         a->raised_at == b->raised_at &&
         a->responder == b->responder &&
         a->state == b->state &&
         a->resolution == b->resolution &&
         a->closed_at == b->closed_at &&
         g_strcmp0 (a->closed_by, b->closed_by) == 0 &&
         a->acknowledged_at == b->acknowledged_at &&
         g_strcmp0 (a->detail, b->detail) == 0 &&
         g_strcmp0 (a->notes, b->notes) == 0 &&
         a->dispatched_at == b->dispatched_at &&
         g_strcmp0 (a->dispatched_by, b->dispatched_by) == 0 &&
         a->dispatch_outcome == b->dispatch_outcome &&
         g_strcmp0 (a->claimed_by, b->claimed_by) == 0 &&
         g_strcmp0 (a->claimed_by_name, b->claimed_by_name) == 0 &&
         a->claimed_at == b->claimed_at &&
         a->version == b->version;
}

/**
 * anbu_alert_from_json:
 *
 * Returns: (transfer full) (nullable): the alert, or %NULL with an
 *   %ANBU_RECORD_ERROR naming the field at fault
 */
AnbuAlert *
anbu_alert_from_json (JsonObject  *object,
                      GError     **error)
{
  g_autoptr(AnbuAlert) alert = anbu_alert_new ();
  gint kind = 0, level = 0, responder = 0;
  gint state = ANBU_ALERT_STATE_OPEN;
  gint resolution = ANBU_ALERT_RESOLUTION_NONE;
  gint dispatch_outcome = ANBU_DISPATCH_OUTCOME_NONE;

  g_return_val_if_fail (object != NULL, NULL);

#define M(name) name, json_object_get_member (object, name)
  if (!anbu_json_read_uuid (M ("id"), TRUE, &alert->id, error) ||
      !anbu_json_read_uuid (M ("household_id"), TRUE, &alert->household_id, error) ||
      !anbu_json_read_enum (M ("kind"), TRUE, ANBU_TYPE_ALERT_KIND, &kind, error) ||
      !anbu_json_read_enum (M ("level"), TRUE, ANBU_TYPE_ALERT_LEVEL, &level, error) ||
      !anbu_json_read_timestamp (M ("quiet_since"), FALSE, &alert->quiet_since, error) ||
      !anbu_json_read_timestamp (M ("raised_at"), TRUE, &alert->raised_at, error) ||
      !anbu_json_read_enum (M ("responder"), TRUE, ANBU_TYPE_ALERT_RESPONDER, &responder,
                            error) ||
      !anbu_json_read_enum (M ("state"), FALSE, ANBU_TYPE_ALERT_STATE, &state, error) ||
      !anbu_json_read_enum (M ("resolution"), FALSE, ANBU_TYPE_ALERT_RESOLUTION, &resolution,
                            error) ||
      !anbu_json_read_timestamp (M ("closed_at"), FALSE, &alert->closed_at, error) ||
      !anbu_json_read_uuid (M ("closed_by"), FALSE, &alert->closed_by, error) ||
      !anbu_json_read_timestamp (M ("acknowledged_at"), FALSE, &alert->acknowledged_at,
                                 error) ||
      !anbu_json_read_text (M ("detail"), FALSE, ANBU_DETAIL_MAX_CHARS, ANBU_TEXT_SINGLE_LINE,
                            &alert->detail, error) ||
      !anbu_json_read_text (M ("notes"), FALSE, ANBU_NOTES_MAX_CHARS, ANBU_TEXT_MULTI_LINE,
                            &alert->notes, error) ||
      !anbu_json_read_timestamp (M ("dispatched_at"), FALSE, &alert->dispatched_at, error) ||
      !anbu_json_read_uuid (M ("dispatched_by"), FALSE, &alert->dispatched_by, error) ||
      !anbu_json_read_enum (M ("dispatch_outcome"), FALSE, ANBU_TYPE_DISPATCH_OUTCOME,
                            &dispatch_outcome, error) ||
      !anbu_json_read_uuid (M ("claimed_by"), FALSE, &alert->claimed_by, error) ||
      !anbu_json_read_text (M ("claimed_by_name"), FALSE, ANBU_ALERT_CLAIMANT_NAME_MAX_CHARS,
                            ANBU_TEXT_SINGLE_LINE, &alert->claimed_by_name, error) ||
      !anbu_json_read_timestamp (M ("claimed_at"), FALSE, &alert->claimed_at, error) ||
      !anbu_json_read_version (M ("version"), FALSE, &alert->version, error))
    return NULL;
#undef M

  alert->kind = kind;
  alert->level = level;
  alert->responder = responder;
  alert->state = state;
  alert->resolution = resolution;
  alert->dispatch_outcome = dispatch_outcome;

  if (alert->state == ANBU_ALERT_STATE_DISPATCHED && alert->dispatched_at == 0)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_MISSING_FIELD, "dispatched_at",
                             _("A dispatched risk signal says when the dispatch was asked for"));
      return NULL;
    }
  if (alert->dispatch_outcome != ANBU_DISPATCH_OUTCOME_NONE && alert->dispatched_at == 0)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "dispatch_outcome",
                             _("Only a dispatch has a dispatch outcome"));
      return NULL;
    }
  if ((alert->claimed_by == NULL) != (alert->claimed_at == 0))
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_MISSING_FIELD,
                             alert->claimed_by == NULL ? "claimed_by" : "claimed_at",
                             _("A claimed risk signal says who holds it and since when"));
      return NULL;
    }
  if (alert->state == ANBU_ALERT_STATE_RESOLVED && alert->resolution == ANBU_ALERT_RESOLUTION_NONE)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_MISSING_FIELD, "resolution",
                             _("A resolved risk signal says how it ended"));
      return NULL;
    }
  if (alert->state == ANBU_ALERT_STATE_RESOLVED && alert->closed_at == 0)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_MISSING_FIELD, "closed_at",
                             _("A resolved risk signal says when it was closed"));
      return NULL;
    }
  if (alert->closed_at != 0 && alert->closed_at < alert->raised_at)
    {
      anbu_record_set_error (error, ANBU_RECORD_ERROR_INVALID_VALUE, "closed_at",
                             _("A risk signal cannot be closed before it was raised"));
      return NULL;
    }
  return g_steal_pointer (&alert);
}

JsonObject *
anbu_alert_to_json (const AnbuAlert *alert)
{
  JsonObject *object = json_object_new ();

  g_return_val_if_fail (alert != NULL, object);

  anbu_json_write_text (object, "id", alert->id);
  anbu_json_write_text (object, "household_id", alert->household_id);
  anbu_json_write_text (object, "kind", anbu_alert_kind_to_string (alert->kind));
  anbu_json_write_text (object, "level", anbu_alert_level_to_string (alert->level));
  anbu_json_write_timestamp (object, "quiet_since", alert->quiet_since);
  anbu_json_write_timestamp (object, "raised_at", alert->raised_at);
  anbu_json_write_text (object, "responder", anbu_alert_responder_to_string (alert->responder));
  anbu_json_write_text (object, "state", anbu_alert_state_to_string (alert->state));
  anbu_json_write_text (object, "resolution",
                        anbu_alert_resolution_to_string (alert->resolution));
  anbu_json_write_timestamp (object, "closed_at", alert->closed_at);
  anbu_json_write_text (object, "closed_by", alert->closed_by);
  anbu_json_write_timestamp (object, "acknowledged_at", alert->acknowledged_at);
  anbu_json_write_text (object, "detail", alert->detail);
  anbu_json_write_text (object, "notes", alert->notes);
  anbu_json_write_timestamp (object, "dispatched_at", alert->dispatched_at);
  anbu_json_write_text (object, "dispatched_by", alert->dispatched_by);
  anbu_json_write_text (object, "dispatch_outcome",
                        anbu_dispatch_outcome_to_string (alert->dispatch_outcome));
  anbu_json_write_text (object, "claimed_by", alert->claimed_by);
  anbu_json_write_text (object, "claimed_by_name", alert->claimed_by_name);
  anbu_json_write_timestamp (object, "claimed_at", alert->claimed_at);
  json_object_set_int_member (object, "version", alert->version);
  return object;
}
