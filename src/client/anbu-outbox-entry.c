/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-outbox"

#include "config.h"

#include "anbu-outbox-entry.h"

/* One local change waiting for (or refused by) the server, decrypted for the
 * UI. Immutable: the replica hands out fresh lists after every change. */

struct _AnbuOutboxEntry
{
  GObject          parent_instance;
  gint64           seq;
  char            *id;
  char            *kind;
  char            *household_id;
  AnbuOutboxState  state;
  GDateTime       *created_at;
  char            *payload_json;
  char            *reason_code;
  char            *reason_field;
  char            *reason_message;
};

G_DEFINE_TYPE (AnbuOutboxEntry, anbu_outbox_entry, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_HOUSEHOLD_ID,
  PROP_STATE,
  PROP_CREATED_AT,
  PROP_REASON_CODE,
  PROP_REASON_FIELD,
  PROP_REASON_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const GEnumValue state_values[] = {
  { ANBU_OUTBOX_STATE_PENDING, "ANBU_OUTBOX_STATE_PENDING", "pending" },
  { ANBU_OUTBOX_STATE_SENT, "ANBU_OUTBOX_STATE_SENT", "sent" },
  { ANBU_OUTBOX_STATE_CONFLICT, "ANBU_OUTBOX_STATE_CONFLICT", "conflict" },
  { ANBU_OUTBOX_STATE_REJECTED, "ANBU_OUTBOX_STATE_REJECTED", "rejected" },
  { 0, NULL, NULL }
};

GType
anbu_outbox_state_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static ("AnbuOutboxState", state_values));
  return type_id;
}

const char *
anbu_outbox_state_to_string (AnbuOutboxState state)
{
  g_return_val_if_fail (state <= ANBU_OUTBOX_STATE_REJECTED, NULL);
  return state_values[state].value_nick;
}

gboolean
anbu_outbox_state_from_string (const char      *text,
                               AnbuOutboxState *state)
{
  for (guint i = 0; state_values[i].value_nick != NULL; i++)
    if (g_strcmp0 (text, state_values[i].value_nick) == 0)
      {
        *state = state_values[i].value;
        return TRUE;
      }
  return FALSE;
}

static void
anbu_outbox_entry_finalize (GObject *object)
{
  AnbuOutboxEntry *self = ANBU_OUTBOX_ENTRY (object);

  g_free (self->id);
  g_free (self->kind);
  g_free (self->household_id);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_free (self->payload_json);
  g_free (self->reason_code);
  g_free (self->reason_field);
  g_free (self->reason_message);

  G_OBJECT_CLASS (anbu_outbox_entry_parent_class)->finalize (object);
}

static void
anbu_outbox_entry_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AnbuOutboxEntry *self = ANBU_OUTBOX_ENTRY (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_KIND:
      g_value_set_string (value, self->kind);
      break;
    case PROP_HOUSEHOLD_ID:
      g_value_set_string (value, self->household_id);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;
    case PROP_REASON_CODE:
      g_value_set_string (value, self->reason_code);
      break;
    case PROP_REASON_FIELD:
      g_value_set_string (value, self->reason_field);
      break;
    case PROP_REASON_MESSAGE:
      g_value_set_string (value, self->reason_message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_outbox_entry_class_init (AnbuOutboxEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = anbu_outbox_entry_finalize;
  object_class->get_property = anbu_outbox_entry_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, NULL, flags);
  properties[PROP_HOUSEHOLD_ID] = g_param_spec_string ("household-id", NULL, NULL, NULL, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, ANBU_TYPE_OUTBOX_STATE,
                                              ANBU_OUTBOX_STATE_PENDING, flags);
  properties[PROP_CREATED_AT] = g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME,
                                                    flags);
  properties[PROP_REASON_CODE] = g_param_spec_string ("reason-code", NULL, NULL, NULL, flags);
  properties[PROP_REASON_FIELD] = g_param_spec_string ("reason-field", NULL, NULL, NULL, flags);
  properties[PROP_REASON_MESSAGE] = g_param_spec_string ("reason-message", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
anbu_outbox_entry_init (AnbuOutboxEntry *self)
{
}

AnbuOutboxEntry *
anbu_outbox_entry_new (gint64           seq,
                       const char      *id,
                       const char      *kind,
                       const char      *household_id,
                       AnbuOutboxState  state,
                       gint64           created_at_usec,
                       const char      *payload_json,
                       const char      *reason_code,
                       const char      *reason_field,
                       const char      *reason_message)
{
  AnbuOutboxEntry *self = g_object_new (ANBU_TYPE_OUTBOX_ENTRY, NULL);

  self->seq = seq;
  self->id = g_strdup (id);
  self->kind = g_strdup (kind);
  self->household_id = g_strdup (household_id);
  self->state = state;
  self->created_at = g_date_time_new_from_unix_utc (created_at_usec / G_USEC_PER_SEC);
  self->payload_json = g_strdup (payload_json);
  self->reason_code = g_strdup (reason_code);
  self->reason_field = g_strdup (reason_field);
  self->reason_message = g_strdup (reason_message);
  return self;
}

gint64
anbu_outbox_entry_get_seq (AnbuOutboxEntry *self)
{
  g_return_val_if_fail (ANBU_IS_OUTBOX_ENTRY (self), 0);
  return self->seq;
}

const char *
anbu_outbox_entry_get_id (AnbuOutboxEntry *self)
{
  g_return_val_if_fail (ANBU_IS_OUTBOX_ENTRY (self), NULL);
  return self->id;
}

const char *
anbu_outbox_entry_get_kind (AnbuOutboxEntry *self)
{
  g_return_val_if_fail (ANBU_IS_OUTBOX_ENTRY (self), NULL);
  return self->kind;
}

const char *
anbu_outbox_entry_get_household_id (AnbuOutboxEntry *self)
{
  g_return_val_if_fail (ANBU_IS_OUTBOX_ENTRY (self), NULL);
  return self->household_id;
}

AnbuOutboxState
anbu_outbox_entry_get_state (AnbuOutboxEntry *self)
{
  g_return_val_if_fail (ANBU_IS_OUTBOX_ENTRY (self), ANBU_OUTBOX_STATE_PENDING);
  return self->state;
}

GDateTime *
anbu_outbox_entry_get_created_at (AnbuOutboxEntry *self)
{
  g_return_val_if_fail (ANBU_IS_OUTBOX_ENTRY (self), NULL);
  return self->created_at;
}

const char *
anbu_outbox_entry_get_payload_json (AnbuOutboxEntry *self)
{
  g_return_val_if_fail (ANBU_IS_OUTBOX_ENTRY (self), NULL);
  return self->payload_json;
}

/**
 * anbu_outbox_entry_dup_payload:
 *
 * Returns: (transfer full) (nullable): the payload as sent to the server.
 */
JsonObject *
anbu_outbox_entry_dup_payload (AnbuOutboxEntry *self)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (ANBU_IS_OUTBOX_ENTRY (self), NULL);

  node = json_from_string (self->payload_json, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_dup_object (node);
}

const char *
anbu_outbox_entry_get_reason_code (AnbuOutboxEntry *self)
{
  g_return_val_if_fail (ANBU_IS_OUTBOX_ENTRY (self), NULL);
  return self->reason_code;
}

const char *
anbu_outbox_entry_get_reason_field (AnbuOutboxEntry *self)
{
  g_return_val_if_fail (ANBU_IS_OUTBOX_ENTRY (self), NULL);
  return self->reason_field;
}

const char *
anbu_outbox_entry_get_reason_message (AnbuOutboxEntry *self)
{
  g_return_val_if_fail (ANBU_IS_OUTBOX_ENTRY (self), NULL);
  return self->reason_message;
}
