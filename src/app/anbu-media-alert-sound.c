/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-alert-sound"

#include "config.h"

#include "anbu-media-alert-sound.h"

#define SIGNAL_SOUND_RESOURCE "/io/github/anbu/Anbu/sounds/anbu-signal.wav"

struct _AnbuMediaAlertSound
{
  GObject       parent_instance;

  GtkMediaStream *stream;
  gboolean        use_bell;   /* no media backend: the bell still says "look" */
};

static void anbu_media_alert_sound_iface_init (AnbuAlertSoundInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AnbuMediaAlertSound, anbu_media_alert_sound, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ANBU_TYPE_ALERT_SOUND,
                                                      anbu_media_alert_sound_iface_init))

static void
ring_bell (void)
{
  GdkDisplay *display = gdk_display_get_default ();

  if (display != NULL)
    gdk_display_beep (display);
}

static void
on_stream_error (AnbuMediaAlertSound *self)
{
  const GError *error = gtk_media_stream_get_error (self->stream);

  if (error != NULL && !self->use_bell)
    {
      g_debug ("No media playback (%s): the bell sounds instead", error->message);
      self->use_bell = TRUE;
      ring_bell ();
    }
}

static void
anbu_media_alert_sound_play (AnbuAlertSound *sound,
                             AnbuAlertLevel  level)
{
  AnbuMediaAlertSound *self = ANBU_MEDIA_ALERT_SOUND (sound);

  if (self->stream == NULL && !self->use_bell)
    {
      self->stream = gtk_media_file_new_for_resource (SIGNAL_SOUND_RESOURCE);
      g_signal_connect_swapped (self->stream, "notify::error", G_CALLBACK (on_stream_error), self);
    }
  if (self->use_bell || gtk_media_stream_get_error (self->stream) != NULL)
    {
      self->use_bell = TRUE;
      ring_bell ();
      return;
    }
  gtk_media_stream_seek (self->stream, 0);
  /* 심각 adds the bell: the room hears the difference without looking. */
  gtk_media_stream_set_loop (self->stream, FALSE);
  gtk_media_stream_play (self->stream);
  if (level == ANBU_ALERT_LEVEL_CRITICAL)
    ring_bell ();
}

static void
anbu_media_alert_sound_iface_init (AnbuAlertSoundInterface *iface)
{
  iface->play = anbu_media_alert_sound_play;
}

static void
anbu_media_alert_sound_dispose (GObject *object)
{
  AnbuMediaAlertSound *self = ANBU_MEDIA_ALERT_SOUND (object);

  if (self->stream != NULL)
    g_signal_handlers_disconnect_by_data (self->stream, self);
  g_clear_object (&self->stream);
  G_OBJECT_CLASS (anbu_media_alert_sound_parent_class)->dispose (object);
}

static void
anbu_media_alert_sound_class_init (AnbuMediaAlertSoundClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = anbu_media_alert_sound_dispose;
}

static void
anbu_media_alert_sound_init (AnbuMediaAlertSound *self)
{
}

AnbuAlertSound *
anbu_media_alert_sound_new (void)
{
  return g_object_new (ANBU_TYPE_MEDIA_ALERT_SOUND, NULL);
}
