/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-leader"

#include "config.h"

#include "anbu-sole-instance-leader.h"

struct _AnbuSoleInstanceLeader
{
  GObject parent_instance;
};

static void anbu_sole_instance_leader_iface_init (AnbuTimerPassLeaderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AnbuSoleInstanceLeader, anbu_sole_instance_leader, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ANBU_TYPE_TIMER_PASS_LEADER,
                                                      anbu_sole_instance_leader_iface_init))

/* SQLite allows one server process per file: nobody else could lead. */
static gboolean
sole_try_lead (AnbuTimerPassLeader  *leader,
               GError              **error)
{
  return TRUE;
}

static void
anbu_sole_instance_leader_iface_init (AnbuTimerPassLeaderInterface *iface)
{
  iface->try_lead = sole_try_lead;
}

enum
{
  PROP_0,
  PROP_LEADING,
};

static void
anbu_sole_instance_leader_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_LEADING:
      g_value_set_boolean (value, TRUE);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_sole_instance_leader_class_init (AnbuSoleInstanceLeaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = anbu_sole_instance_leader_get_property;
  g_object_class_override_property (object_class, PROP_LEADING, "leading");
}

static void
anbu_sole_instance_leader_init (AnbuSoleInstanceLeader *self)
{
}

AnbuTimerPassLeader *
anbu_sole_instance_leader_new (void)
{
  return g_object_new (ANBU_TYPE_SOLE_INSTANCE_LEADER, NULL);
}
