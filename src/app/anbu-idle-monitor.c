/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-idle"

#include "config.h"

#include "anbu-idle-monitor.h"

#include "anbu-clock.h"

/* Watches the keyboard, pointer and touch input a window and its dialogs (windows transient
 * for it) receive and says when there has been none for a while. The window uses it to lock
 * itself (DESIGN.md §7); a planner typing a long note in a form dialog is not idle. */
struct _AnbuIdleMonitor
{
  GObject parent_instance;

  GtkWindow *window;           /* weak */
  GtkEventController *controller;
  GListModel *toplevels;       /* for the dialogs */
  AnbuClock *clock;            /* idle time is measured on the project's clock */
  guint timeout_ms;
  guint timeout_id;            /* wakes a check on a real clock */
  gint64 since_usec;           /* the last input (or activation), on the clock */
  gboolean counting;           /* a period runs: "idle" not yet emitted for it */
  gboolean active;
};

G_DEFINE_TYPE (AnbuIdleMonitor, anbu_idle_monitor, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_WINDOW,
  PROP_TIMEOUT,
  PROP_ACTIVE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_IDLE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean on_timeout (gpointer user_data);

/* Emits "idle" once the clock says the period is over; on a real clock, otherwise wakes again
 * when it should be. A manual clock (tests) wakes the check through its ::changed signal
 * instead, so a test moves time rather than waiting for it. */
static void
check_idle (AnbuIdleMonitor *self)
{
  gint64 now = anbu_clock_get_now_usec (self->clock);
  gint64 timeout_usec = (gint64) self->timeout_ms * 1000;
  gint64 remaining_usec;

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (!self->counting)
    return;

  /* The wall clock was set back: count from now rather than wait out the difference. */
  if (now < self->since_usec)
    self->since_usec = now;
  remaining_usec = self->since_usec + timeout_usec - now;
  if (remaining_usec <= 0)
    {
      self->counting = FALSE;
      g_signal_emit (self, signals[SIGNAL_IDLE], 0);
      return;
    }
  if (!anbu_clock_is_manual (self->clock))
    {
      self->timeout_id = g_timeout_add ((guint) ((remaining_usec + 999) / 1000), on_timeout, self);
      g_source_set_name_by_id (self->timeout_id, "[anbu] idle timeout");
    }
}

static gboolean
on_timeout (gpointer user_data)
{
  AnbuIdleMonitor *self = user_data;

  self->timeout_id = 0;
  check_idle (self);
  return G_SOURCE_REMOVE;
}

static void
restart_timer (AnbuIdleMonitor *self)
{
  self->counting = self->active && self->timeout_ms > 0;
  self->since_usec = anbu_clock_get_now_usec (self->clock);
  check_idle (self);
}

static gboolean
on_event (GtkEventControllerLegacy *controller,
          GdkEvent                 *event,
          AnbuIdleMonitor          *self)
{
  switch ((int) gdk_event_get_event_type (event))
    {
    case GDK_MOTION_NOTIFY:
    case GDK_BUTTON_PRESS:
    case GDK_BUTTON_RELEASE:
    case GDK_KEY_PRESS:
    case GDK_KEY_RELEASE:
    case GDK_SCROLL:
    case GDK_TOUCH_BEGIN:
    case GDK_TOUCH_UPDATE:
    case GDK_TOUCH_END:
    case GDK_TOUCHPAD_SWIPE:
    case GDK_TOUCHPAD_PINCH:
    case GDK_PAD_BUTTON_PRESS:
    case GDK_PAD_RING:
    case GDK_PAD_STRIP:
      /* Only restart a running timer: after "idle" fired the owner decides what comes next. */
      if (self->counting)
        restart_timer (self);
      break;
    default:
      break;
    }
  return GDK_EVENT_PROPAGATE;
}

#define DIALOG_CONTROLLER_KEY "anbu-idle-monitor-controller"
#define DIALOG_WATCH_KEY "anbu-idle-monitor-watch"

/* A dialog over the watched window counts as the window: watch its input too. */
static void
watch_dialogs (AnbuIdleMonitor *self)
{
  guint n;

  if (self->window == NULL)
    return;

  n = g_list_model_get_n_items (self->toplevels);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GtkWindow) dialog = g_list_model_get_item (self->toplevels, i);
      GtkEventController *controller;

      if (dialog == self->window || g_object_get_data (G_OBJECT (dialog), DIALOG_CONTROLLER_KEY) != NULL)
        continue;
      if (gtk_window_get_transient_for (dialog) != self->window)
        {
          /* Windows get their parent after they are listed: look again then. */
          if (g_object_get_data (G_OBJECT (dialog), DIALOG_WATCH_KEY) == NULL)
            {
              g_signal_connect_object (dialog, "notify::transient-for", G_CALLBACK (watch_dialogs),
                                       self, G_CONNECT_SWAPPED);
              g_object_set_data (G_OBJECT (dialog), DIALOG_WATCH_KEY, GINT_TO_POINTER (TRUE));
            }
          continue;
        }

      controller = gtk_event_controller_legacy_new ();
      gtk_event_controller_set_name (controller, "anbu-idle-monitor");
      gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
      g_signal_connect_object (controller, "event", G_CALLBACK (on_event), self, 0);
      gtk_widget_add_controller (GTK_WIDGET (dialog), controller);
      g_object_set_data (G_OBJECT (dialog), DIALOG_CONTROLLER_KEY, controller);
    }
}

static void
anbu_idle_monitor_set_window (AnbuIdleMonitor *self,
                              GtkWindow       *window)
{
  if (window == NULL)
    return;

  g_set_weak_pointer (&self->window, window);
  self->controller = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_name (self->controller, "anbu-idle-monitor");
  gtk_event_controller_set_propagation_phase (self->controller, GTK_PHASE_CAPTURE);
  g_signal_connect (self->controller, "event", G_CALLBACK (on_event), self);
  gtk_widget_add_controller (GTK_WIDGET (window), g_object_ref (self->controller));

  self->toplevels = g_object_ref (gtk_window_get_toplevels ());
  g_signal_connect_object (self->toplevels, "items-changed", G_CALLBACK (watch_dialogs), self,
                           G_CONNECT_SWAPPED);
}

static void
anbu_idle_monitor_dispose (GObject *object)
{
  AnbuIdleMonitor *self = ANBU_IDLE_MONITOR (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->counting = FALSE;
  if (self->clock != NULL)
    g_signal_handlers_disconnect_by_data (self->clock, self);
  g_clear_object (&self->clock);
  if (self->controller != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->controller, self);
      if (self->window != NULL)
        gtk_widget_remove_controller (GTK_WIDGET (self->window), self->controller);
      g_clear_object (&self->controller);
    }
  if (self->toplevels != NULL)
    g_signal_handlers_disconnect_by_data (self->toplevels, self);
  g_clear_object (&self->toplevels);
  g_clear_weak_pointer (&self->window);

  G_OBJECT_CLASS (anbu_idle_monitor_parent_class)->dispose (object);
}

static void
anbu_idle_monitor_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AnbuIdleMonitor *self = ANBU_IDLE_MONITOR (object);

  switch (prop_id)
    {
    case PROP_WINDOW:
      g_value_set_object (value, self->window);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_ms);
      break;
    case PROP_ACTIVE:
      g_value_set_boolean (value, self->active);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_idle_monitor_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AnbuIdleMonitor *self = ANBU_IDLE_MONITOR (object);

  switch (prop_id)
    {
    case PROP_WINDOW:
      anbu_idle_monitor_set_window (self, g_value_get_object (value));
      break;
    case PROP_TIMEOUT:
      anbu_idle_monitor_set_timeout (self, g_value_get_uint (value));
      break;
    case PROP_ACTIVE:
      anbu_idle_monitor_set_active (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_idle_monitor_class_init (AnbuIdleMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = anbu_idle_monitor_dispose;
  object_class->get_property = anbu_idle_monitor_get_property;
  object_class->set_property = anbu_idle_monitor_set_property;

  properties[PROP_WINDOW] =
    g_param_spec_object ("window", NULL, NULL, GTK_TYPE_WINDOW,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * AnbuIdleMonitor:timeout:
   *
   * Milliseconds without input before #AnbuIdleMonitor::idle; 0 never fires.
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * AnbuIdleMonitor:active:
   *
   * Whether the monitor is counting. Setting it (again) to %TRUE starts a fresh period.
   */
  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AnbuIdleMonitor::idle:
   *
   * Emitted once when the window has had no input for #AnbuIdleMonitor:timeout while active.
   * It fires again only after new input or after the monitor is activated again.
   */
  signals[SIGNAL_IDLE] =
    g_signal_new ("idle", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
anbu_idle_monitor_init (AnbuIdleMonitor *self)
{
  self->clock = g_object_ref (anbu_clock_get_default ());
  g_signal_connect_swapped (self->clock, "changed", G_CALLBACK (check_idle), self);
}

AnbuIdleMonitor *
anbu_idle_monitor_new (GtkWindow *window)
{
  g_return_val_if_fail (GTK_IS_WINDOW (window), NULL);

  return g_object_new (ANBU_TYPE_IDLE_MONITOR, "window", window, NULL);
}

guint
anbu_idle_monitor_get_timeout (AnbuIdleMonitor *self)
{
  g_return_val_if_fail (ANBU_IS_IDLE_MONITOR (self), 0);

  return self->timeout_ms;
}

void
anbu_idle_monitor_set_timeout (AnbuIdleMonitor *self,
                               guint            timeout_ms)
{
  gboolean restart;

  g_return_if_fail (ANBU_IS_IDLE_MONITOR (self));

  if (self->timeout_ms == timeout_ms)
    return;

  /* A running period restarts with the new time; so does one that a timeout of 0 held off. */
  restart = self->counting || (self->active && self->timeout_ms == 0);
  self->timeout_ms = timeout_ms;
  if (restart)
    restart_timer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

gboolean
anbu_idle_monitor_get_active (AnbuIdleMonitor *self)
{
  g_return_val_if_fail (ANBU_IS_IDLE_MONITOR (self), FALSE);

  return self->active;
}

void
anbu_idle_monitor_set_active (AnbuIdleMonitor *self,
                              gboolean         active)
{
  gboolean changed;

  g_return_if_fail (ANBU_IS_IDLE_MONITOR (self));

  active = !!active;
  changed = self->active != active;
  self->active = active;
  restart_timer (self);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}
