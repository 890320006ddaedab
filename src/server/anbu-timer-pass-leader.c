/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-leader"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-sole-instance-leader.h"
#include "anbu-store.h"
#include "anbu-timer-pass-leader.h"
#ifdef HAVE_POSTGRESQL
#include "anbu-pg-advisory-leader.h"
#endif

G_DEFINE_INTERFACE (AnbuTimerPassLeader, anbu_timer_pass_leader, G_TYPE_OBJECT)

static void
anbu_timer_pass_leader_default_init (AnbuTimerPassLeaderInterface *iface)
{
  g_object_interface_install_property (iface,
    g_param_spec_boolean ("leading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
}

gboolean
anbu_timer_pass_leader_get_leading (AnbuTimerPassLeader *self)
{
  gboolean leading = FALSE;

  g_return_val_if_fail (ANBU_IS_TIMER_PASS_LEADER (self), FALSE);

  g_object_get (self, "leading", &leading, NULL);
  return leading;
}

gboolean
anbu_timer_pass_leader_try_lead (AnbuTimerPassLeader  *self,
                                 GError              **error)
{
  g_return_val_if_fail (ANBU_IS_TIMER_PASS_LEADER (self), FALSE);

  return ANBU_TIMER_PASS_LEADER_GET_IFACE (self)->try_lead (self, error);
}

AnbuTimerPassLeader *
anbu_timer_pass_leader_new_for_location (const char  *location,
                                         GError     **error)
{
  if (anbu_store_location_is_postgresql (location))
    {
#ifdef HAVE_POSTGRESQL
      return anbu_pg_advisory_leader_new (location, error);
#else
      g_set_error_literal (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                           _("This anbu-server was built without PostgreSQL"));
      return NULL;
#endif
    }
  return anbu_sole_instance_leader_new ();
}
