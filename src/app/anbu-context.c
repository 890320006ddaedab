/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-context"

#include "config.h"

#include "anbu-context.h"

struct _AnbuContext
{
  GObject       parent_instance;

  AnbuClock    *clock;
  GSettings    *settings;
  AnbuCasework *casework;
};

G_DEFINE_FINAL_TYPE (AnbuContext, anbu_context, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_CLOCK,
  PROP_SETTINGS,
  PROP_CASEWORK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
anbu_context_dispose (GObject *object)
{
  AnbuContext *self = ANBU_CONTEXT (object);

  g_clear_object (&self->casework);
  g_clear_object (&self->settings);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (anbu_context_parent_class)->dispose (object);
}

static void
anbu_context_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  AnbuContext *self = ANBU_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_CLOCK:
      g_value_set_object (value, self->clock);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_CASEWORK:
      g_value_set_object (value, self->casework);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_context_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  AnbuContext *self = ANBU_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    case PROP_CASEWORK:
      anbu_context_set_casework (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_context_class_init (AnbuContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = anbu_context_dispose;
  object_class->get_property = anbu_context_get_property;
  object_class->set_property = anbu_context_set_property;

  properties[PROP_CLOCK] =
    g_param_spec_object ("clock", NULL, NULL, ANBU_TYPE_CLOCK,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CASEWORK] =
    g_param_spec_object ("casework", NULL, NULL, ANBU_TYPE_CASEWORK,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
anbu_context_init (AnbuContext *self)
{
  self->clock = g_object_ref (anbu_clock_get_default ());
}

AnbuContext *
anbu_context_new (GSettings *settings)
{
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  return g_object_new (ANBU_TYPE_CONTEXT, "settings", settings, NULL);
}

AnbuClock *
anbu_context_get_clock (AnbuContext *self)
{
  g_return_val_if_fail (ANBU_IS_CONTEXT (self), NULL);
  return self->clock;
}

GSettings *
anbu_context_get_settings (AnbuContext *self)
{
  g_return_val_if_fail (ANBU_IS_CONTEXT (self), NULL);
  return self->settings;
}

AnbuCasework *
anbu_context_get_casework (AnbuContext *self)
{
  g_return_val_if_fail (ANBU_IS_CONTEXT (self), NULL);
  return self->casework;
}

/* The signed-in planner's casework, or NULL (signed out, locked): every view
 * follows it through notify::casework. */
void
anbu_context_set_casework (AnbuContext  *self,
                           AnbuCasework *casework)
{
  g_return_if_fail (ANBU_IS_CONTEXT (self));
  g_return_if_fail (casework == NULL || ANBU_IS_CASEWORK (casework));

  if (g_set_object (&self->casework, casework))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CASEWORK]);
}

static void
on_casework_notify (AnbuContext *self,
                    GParamSpec  *pspec,
                    GObject     *follower)
{
  AnbuCaseworkApply apply = (AnbuCaseworkApply) g_object_get_data (follower, "anbu-context-apply");

  apply (follower, self->casework);
}

void
anbu_context_follow_casework (AnbuContext       *self,
                              GObject           *follower,
                              AnbuCaseworkApply  apply)
{
  g_return_if_fail (ANBU_IS_CONTEXT (self));
  g_return_if_fail (G_IS_OBJECT (follower));
  g_return_if_fail (apply != NULL);

  g_object_set_data (follower, "anbu-context-apply", apply);
  g_signal_connect_object (self, "notify::casework", G_CALLBACK (on_casework_notify), follower, 0);
  apply (follower, self->casework);
}
