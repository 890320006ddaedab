/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-conflict"

#include "config.h"

#include "anbu-conflict.h"

/* One household field that the planner and somebody else changed from the
 * same version: both values, for the planner to choose (DESIGN.md §5). */

struct _AnbuConflict
{
  GObject  parent_instance;
  char    *mutation_id;
  char    *household_id;
  char    *field;
  char    *mine_json;
  char    *theirs_json;
  gint64   server_version;
};

G_DEFINE_TYPE (AnbuConflict, anbu_conflict, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MUTATION_ID,
  PROP_HOUSEHOLD_ID,
  PROP_FIELD,
  PROP_MINE_JSON,
  PROP_THEIRS_JSON,
  PROP_SERVER_VERSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
anbu_conflict_finalize (GObject *object)
{
  AnbuConflict *self = ANBU_CONFLICT (object);

  g_free (self->mutation_id);
  g_free (self->household_id);
  g_free (self->field);
  g_free (self->mine_json);
  g_free (self->theirs_json);

  G_OBJECT_CLASS (anbu_conflict_parent_class)->finalize (object);
}

static void
anbu_conflict_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AnbuConflict *self = ANBU_CONFLICT (object);

  switch (prop_id)
    {
    case PROP_MUTATION_ID:
      g_value_set_string (value, self->mutation_id);
      break;
    case PROP_HOUSEHOLD_ID:
      g_value_set_string (value, self->household_id);
      break;
    case PROP_FIELD:
      g_value_set_string (value, self->field);
      break;
    case PROP_MINE_JSON:
      g_value_set_string (value, self->mine_json);
      break;
    case PROP_THEIRS_JSON:
      g_value_set_string (value, self->theirs_json);
      break;
    case PROP_SERVER_VERSION:
      g_value_set_int64 (value, self->server_version);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_conflict_class_init (AnbuConflictClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = anbu_conflict_finalize;
  object_class->get_property = anbu_conflict_get_property;

  properties[PROP_MUTATION_ID] = g_param_spec_string ("mutation-id", NULL, NULL, NULL, flags);
  properties[PROP_HOUSEHOLD_ID] = g_param_spec_string ("household-id", NULL, NULL, NULL, flags);
  properties[PROP_FIELD] = g_param_spec_string ("field", NULL, NULL, NULL, flags);
  properties[PROP_MINE_JSON] = g_param_spec_string ("mine-json", NULL, NULL, NULL, flags);
  properties[PROP_THEIRS_JSON] = g_param_spec_string ("theirs-json", NULL, NULL, NULL, flags);
  properties[PROP_SERVER_VERSION] = g_param_spec_int64 ("server-version", NULL, NULL,
                                                        0, G_MAXINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
anbu_conflict_init (AnbuConflict *self)
{
}

AnbuConflict *
anbu_conflict_new (const char *mutation_id,
                   const char *household_id,
                   const char *field,
                   const char *mine_json,
                   const char *theirs_json,
                   gint64      server_version)
{
  AnbuConflict *self = g_object_new (ANBU_TYPE_CONFLICT, NULL);

  self->mutation_id = g_strdup (mutation_id);
  self->household_id = g_strdup (household_id);
  self->field = g_strdup (field);
  self->mine_json = g_strdup (mine_json);
  self->theirs_json = g_strdup (theirs_json);
  self->server_version = server_version;
  return self;
}

const char *
anbu_conflict_get_mutation_id (AnbuConflict *self)
{
  g_return_val_if_fail (ANBU_IS_CONFLICT (self), NULL);
  return self->mutation_id;
}

const char *
anbu_conflict_get_household_id (AnbuConflict *self)
{
  g_return_val_if_fail (ANBU_IS_CONFLICT (self), NULL);
  return self->household_id;
}

const char *
anbu_conflict_get_field (AnbuConflict *self)
{
  g_return_val_if_fail (ANBU_IS_CONFLICT (self), NULL);
  return self->field;
}

const char *
anbu_conflict_get_mine_json (AnbuConflict *self)
{
  g_return_val_if_fail (ANBU_IS_CONFLICT (self), NULL);
  return self->mine_json;
}

const char *
anbu_conflict_get_theirs_json (AnbuConflict *self)
{
  g_return_val_if_fail (ANBU_IS_CONFLICT (self), NULL);
  return self->theirs_json;
}

/**
 * anbu_conflict_dup_mine:
 *
 * Returns: (transfer full): the value this planner set.
 */
JsonNode *
anbu_conflict_dup_mine (AnbuConflict *self)
{
  g_return_val_if_fail (ANBU_IS_CONFLICT (self), NULL);
  return json_from_string (self->mine_json, NULL);
}

/**
 * anbu_conflict_dup_theirs:
 *
 * Returns: (transfer full): the value the server kept.
 */
JsonNode *
anbu_conflict_dup_theirs (AnbuConflict *self)
{
  g_return_val_if_fail (ANBU_IS_CONFLICT (self), NULL);
  return json_from_string (self->theirs_json, NULL);
}

gint64
anbu_conflict_get_server_version (AnbuConflict *self)
{
  g_return_val_if_fail (ANBU_IS_CONFLICT (self), 0);
  return self->server_version;
}
