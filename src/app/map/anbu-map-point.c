/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-map"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-map-point.h"

struct _AnbuMapPoint
{
  GObject      parent_instance;

  char        *id;
  char        *name;
  double       latitude;
  double       longitude;
  AnbuMapState state;
  double       quiet_hours;
};

G_DEFINE_TYPE (AnbuMapPoint, anbu_map_point, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (AnbuMapState, anbu_map_state,
  G_DEFINE_ENUM_VALUE (ANBU_MAP_STATE_NORMAL, "normal"),
  G_DEFINE_ENUM_VALUE (ANBU_MAP_STATE_ABSENT, "absent"),
  G_DEFINE_ENUM_VALUE (ANBU_MAP_STATE_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (ANBU_MAP_STATE_WATCH, "watch"),
  G_DEFINE_ENUM_VALUE (ANBU_MAP_STATE_RISK, "risk"),
  G_DEFINE_ENUM_VALUE (ANBU_MAP_STATE_CRITICAL, "critical"))

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_LATITUDE,
  PROP_LONGITUDE,
  PROP_STATE,
  PROP_QUIET_HOURS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
anbu_map_point_finalize (GObject *object)
{
  AnbuMapPoint *self = ANBU_MAP_POINT (object);

  g_free (self->id);
  g_free (self->name);

  G_OBJECT_CLASS (anbu_map_point_parent_class)->finalize (object);
}

static void
anbu_map_point_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AnbuMapPoint *self = ANBU_MAP_POINT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_LATITUDE:
      g_value_set_double (value, self->latitude);
      break;
    case PROP_LONGITUDE:
      g_value_set_double (value, self->longitude);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_QUIET_HOURS:
      g_value_set_double (value, self->quiet_hours);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_map_point_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  AnbuMapPoint *self = ANBU_MAP_POINT (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;
    case PROP_LATITUDE:
      self->latitude = g_value_get_double (value);
      break;
    case PROP_LONGITUDE:
      self->longitude = g_value_get_double (value);
      break;
    case PROP_STATE:
      self->state = g_value_get_enum (value);
      break;
    case PROP_QUIET_HOURS:
      self->quiet_hours = g_value_get_double (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_map_point_class_init (AnbuMapPointClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = anbu_map_point_finalize;
  object_class->get_property = anbu_map_point_get_property;
  object_class->set_property = anbu_map_point_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_LATITUDE] = g_param_spec_double ("latitude", NULL, NULL, -90, 90, 0, flags);
  properties[PROP_LONGITUDE] = g_param_spec_double ("longitude", NULL, NULL, -180, 180, 0, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, ANBU_TYPE_MAP_STATE,
                                              ANBU_MAP_STATE_NORMAL, flags);
  properties[PROP_QUIET_HOURS] = g_param_spec_double ("quiet-hours", NULL, NULL,
                                                      -G_MAXDOUBLE, G_MAXDOUBLE, -1, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
anbu_map_point_init (AnbuMapPoint *self)
{
  self->quiet_hours = -1;
}

AnbuMapPoint *
anbu_map_point_new (const char   *id,
                    const char   *name,
                    double        latitude,
                    double        longitude,
                    AnbuMapState  state,
                    double        quiet_hours)
{
  return g_object_new (ANBU_TYPE_MAP_POINT,
                       "id", id,
                       "name", name,
                       "latitude", CLAMP (latitude, -90.0, 90.0),
                       "longitude", CLAMP (longitude, -180.0, 180.0),
                       "state", (guint) state < ANBU_MAP_N_STATES ? state : ANBU_MAP_STATE_NORMAL,
                       "quiet-hours", quiet_hours,
                       NULL);
}

const char *
anbu_map_point_get_id (AnbuMapPoint *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_POINT (self), NULL);
  return self->id;
}

const char *
anbu_map_point_get_name (AnbuMapPoint *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_POINT (self), NULL);
  return self->name;
}

double
anbu_map_point_get_latitude (AnbuMapPoint *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_POINT (self), 0);
  return self->latitude;
}

double
anbu_map_point_get_longitude (AnbuMapPoint *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_POINT (self), 0);
  return self->longitude;
}

AnbuMapState
anbu_map_point_get_state (AnbuMapPoint *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_POINT (self), ANBU_MAP_STATE_NORMAL);
  return self->state;
}

double
anbu_map_point_get_quiet_hours (AnbuMapPoint *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_POINT (self), -1);
  return self->quiet_hours;
}

const char *
anbu_map_state_get_label (AnbuMapState state)
{
  switch (state)
    {
    case ANBU_MAP_STATE_CRITICAL:
      return C_("household state", "Critical");
    case ANBU_MAP_STATE_RISK:
      return C_("household state", "Risk");
    case ANBU_MAP_STATE_WATCH:
      return C_("household state", "Watch");
    case ANBU_MAP_STATE_OFFLINE:
      return C_("household state", "Plug offline");
    case ANBU_MAP_STATE_ABSENT:
      return C_("household state", "Away");
    case ANBU_MAP_STATE_NORMAL:
    default:
      return C_("household state", "Normal");
    }
}
