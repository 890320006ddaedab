/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-plugsim"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "anbu-clock.h"
#include "anbu-plugsim-client.h"
#include "anbu-plugsim-commands.h"
#include "anbu-plugsim-new-signal.h"
#include "anbu-record-json.h"
#include "anbu-sim-district.h"

#define DAY  ((gint64) 86400)
#define WEEK (7 * DAY)
#define BATCH_READINGS 10000
#define SLICE_SECONDS  (3 * 3600)

typedef struct
{
  char             *serial;
  gboolean          stopper;
  AnbuSimHousehold *sim;
  gint64            sent_until;   /* readings up to here are sent */
  const AnbuPlugsimNewSignal *new_signal; /* this resident stops (--new-signal-at) */
} Plug;

static void
plug_free (Plug *plug)
{
  g_free (plug->serial);
  g_clear_pointer (&plug->sim, anbu_sim_household_free);
  g_free (plug);
}

gint64
anbu_plugsim_sim_start_for (gint64 now)
{
  /* The Seoul midnight six days before `now`. */
  gint64 local = now + 9 * 3600;

  return local - local % DAY - 9 * 3600 - 6 * DAY;
}

gboolean
anbu_plugsim_is_stopper (guint index)
{
  return index % ANBU_PLUGSIM_STOPPER_EVERY == ANBU_PLUGSIM_STOPPER_AT;
}

void
anbu_plugsim_sim_config (guint64        seed,
                         gint64         sim_start,
                         gboolean       stopper,
                         AnbuSimConfig *config)
{
  anbu_sim_config_init_default (config);
  config->seed = seed;
  config->start = sim_start;
  /* Over eight days the core puts a stopper's onset on day 4 or 5, that is
   * one to two days before the day seed ran. */
  config->days = stopper ? 8 : 14;
  config->incapacitate = stopper;
}

gboolean
anbu_plugsim_reading_at (AnbuSimHousehold *household,
                         gboolean          stopper,
                         gint64            t,
                         AnbuReading      *reading)
{
  gint64 end = anbu_sim_household_get_end (household);
  gint64 start = anbu_sim_household_get_start (household);
  gint64 step = stopper && anbu_sim_household_get_onset (household) > 0 ? DAY : WEEK;
  gint64 shift = 0;

  if (t < start)
    return FALSE;
  if (t >= end)
    shift = ((t - end) / step + 1) * step;
  if (!anbu_sim_household_reading_at (household, t - shift, reading))
    return FALSE;
  reading->ts = t;
  return TRUE;
}

gint64
anbu_plugsim_next_reading (AnbuSimHousehold *household,
                           gint64            t)
{
  gint64 start = anbu_sim_household_get_start (household);
  gint64 first = anbu_sim_household_next_reading_time (household, start);
  gint64 interval = 60;
  gint64 offset = ((first - t) % interval + interval) % interval;

  return t + offset;
}

static gint64
parse_time (const char *text)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (text, NULL);

  return dt != NULL ? g_date_time_to_unix (dt) : 0;
}

/* Digits of `value` (>= 0), `width` at least, zero-padded, at `out`;
 * returns the end. */
static char *
put_digits (char   *out,
            guint64 value,
            guint   width)
{
  char digits[24];
  guint n = 0;

  do
    {
      digits[n++] = (char) ('0' + value % 10);
      value /= 10;
    }
  while (value > 0);
  while (n < width)
    digits[n++] = '0';
  while (n > 0)
    *out++ = digits[--n];
  return out;
}

/* "2026-11-25T05:00:00Z" for Unix time `t` (after 1970), without a
 * GDateTime per reading: history sends millions of them. */
static char *
put_utc (char   *out,
         gint64  t)
{
  gint64 days = t / DAY, seconds = t % DAY;
  /* Civil date from days since 1970-01-01 (proleptic Gregorian). */
  gint64 z = days + 719468;
  gint64 era = z / 146097;
  gint64 doe = z - era * 146097;
  gint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  gint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  gint64 mp = (5 * doy + 2) / 153;
  gint64 day = doy - (153 * mp + 2) / 5 + 1;
  gint64 month = mp < 10 ? mp + 3 : mp - 9;
  gint64 year = yoe + era * 400 + (month <= 2 ? 1 : 0);

  out = put_digits (out, (guint64) year, 4);
  *out++ = '-';
  out = put_digits (out, (guint64) month, 2);
  *out++ = '-';
  out = put_digits (out, (guint64) day, 2);
  *out++ = 'T';
  out = put_digits (out, (guint64) (seconds / 3600), 2);
  *out++ = ':';
  out = put_digits (out, (guint64) (seconds / 60 % 60), 2);
  *out++ = ':';
  out = put_digits (out, (guint64) (seconds % 60), 2);
  *out++ = 'Z';
  return out;
}

/* `value` as "%.1f" writes it. The tenths are rounded in binary here;
 * printf rounds the exact value, which can differ only next to a half
 * tenth: those (and anything unusual) go through printf. */
static char *
put_tenths (char   *out,
            double  value)
{
  double tenths = value * 10;
  double rounded = nearbyint (tenths);

  if (!isfinite (value) || value < 0 || value > 1e12 || fabs (fabs (tenths - rounded) - 0.5) < 1e-6)
    {
      char text[G_ASCII_DTOSTR_BUF_SIZE];
      gsize n;

      g_ascii_formatd (text, sizeof text, "%.1f", value);
      n = strlen (text);
      memcpy (out, text, n);
      return out + n;
    }
  out = put_digits (out, (guint64) rounded / 10, 1);
  *out++ = '.';
  return put_digits (out, (guint64) rounded % 10, 1);
}

static void
append_reading (GString           *out,
                const char        *serial,
                const AnbuReading *reading,
                gboolean           first)
{
  char text[256];
  char *p = text;
  gsize serial_length = strlen (serial);

  if (serial_length > 64)
    serial_length = 64;   /* plug serials are short (anbu_validate_serial) */
  if (!first)
    *p++ = ',';
  p = g_stpcpy (p, "{\"serial\":\"");
  memcpy (p, serial, serial_length);
  p += serial_length;
  p = g_stpcpy (p, "\",\"ts\":\"");
  p = put_utc (p, reading->ts);
  p = g_stpcpy (p, "\",\"watts\":");
  p = put_tenths (p, reading->watts);
  p = g_stpcpy (p, ",\"lux\":");
  p = put_tenths (p, reading->lux);
  *p++ = '}';
  g_string_append_len (out, text, p - text);
}

typedef struct
{
  AnbuPlugsimClient *client;
  const char        *token;
  gboolean           print;
  guint64            accepted;
  guint64            duplicate;
  guint64            rejected;
} Sink;

static gboolean
send_body (Sink        *sink,
           const char  *body,
           GError     **error)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *object;

  if (sink->print)
    {
      fputs (body, stdout);
      fputc ('\n', stdout);
      return TRUE;
    }
  answer = anbu_plugsim_client_request (sink->client, "POST", "/api/v1/telemetry", sink->token,
                                        body, error);
  if (answer == NULL)
    return FALSE;
  object = json_node_get_object (answer);
  sink->accepted += json_object_get_int_member (object, "accepted");
  sink->duplicate += json_object_get_int_member (object, "duplicate");
  sink->rejected += json_object_get_int_member (object, "rejected");
  return TRUE;
}

/* Batches are made on a thread of their own while earlier ones are on
 * their way. History goes in `streams` streams, each for its own share of
 * the plugs and in order within it, on connections of their own: the
 * server parses one batch while it stores another and commits batches
 * that arrive together at once, and a plug's readings still arrive in
 * order. */
#define BATCHES_AHEAD   2
#define HISTORY_STREAMS 2
#define MAX_STREAMS     4

typedef struct
{
  GAsyncQueue *bodies;   /* char *, then `end_of_bodies` */
  GAsyncQueue *slots;    /* one item per body that may be made ahead */
  GString     *items;    /* the body being made */
  guint        n;        /* readings in it */
  Sink         sink;     /* stream 0: the caller's; others: their own client */
  const char  *base_url;
  GError      *error;
  GThread     *thread;
} Stream;

typedef struct
{
  GPtrArray   *plugs;
  gint64       until;
  Stream       streams[MAX_STREAMS];
  guint        n_streams;
  gint         stop;     /* atomic: sending failed, make no more */
} BatchMaker;

static char end_of_bodies[] = "";

static GString *
batch_start (void)
{
  GString *items = g_string_sized_new (BATCH_READINGS * 96);

  g_string_append (items, "{\"readings\":[");
  return items;
}

/* The stream's body made so far goes to its sender; the next one starts. */
static gboolean
hand_over_body (BatchMaker *maker,
                Stream     *stream)
{
  g_async_queue_pop (stream->slots);
  if (g_atomic_int_get (&maker->stop))
    return FALSE;
  g_string_append (stream->items, "]}");
  g_async_queue_push (stream->bodies, g_string_free (g_steal_pointer (&stream->items), FALSE));
  stream->items = batch_start ();
  stream->n = 0;
  return TRUE;
}

/* Every plug's readings in (sent_until, until], SLICE_SECONDS at a time
 * across all plugs: no plug runs more than a slice ahead of another (the
 * server would take the late ones for plugs gone quiet; a slice stays well
 * under the offline time), and within the slice each plug's readings
 * travel together, so the server writes each plug's quarter-hour buckets,
 * its index entries and its detector once per batch, not once per reading
 * (history goes about five times faster; three hours instead of one wrote
 * a fifth less to the database). */
static gpointer
make_batches (gpointer data)
{
  BatchMaker *maker = data;
  GPtrArray *plugs = maker->plugs;
  gint64 from = G_MAXINT64;

  for (guint i = 0; i < plugs->len; i++)
    from = MIN (from, ((Plug *) plugs->pdata[i])->sent_until);
  for (gint64 slice = from - from % SLICE_SECONDS; slice < maker->until; slice += SLICE_SECONDS)
    {
      gint64 slice_end = MIN (slice + SLICE_SECONDS, maker->until);

      for (guint i = 0; i < plugs->len; i++)
        {
          Plug *plug = g_ptr_array_index (plugs, i);
          Stream *stream = &maker->streams[(gsize) i * maker->n_streams / plugs->len];
          gint64 t = anbu_plugsim_next_reading (plug->sim, plug->sent_until + 1);
          AnbuReading reading;

          while (t <= slice_end)
            {
              if (plug->new_signal != NULL
                  ? anbu_plugsim_new_signal_reading_at (plug->new_signal, t, &reading)
                  : anbu_plugsim_reading_at (plug->sim, plug->stopper, t, &reading))
                {
                  append_reading (stream->items, plug->serial, &reading, stream->n == 0);
                  if (++stream->n == BATCH_READINGS && !hand_over_body (maker, stream))
                    goto done;
                }
              plug->sent_until = t;
              t += 60;
            }
        }
    }
  for (guint s = 0; s < maker->n_streams; s++)
    if (maker->streams[s].n > 0 && !hand_over_body (maker, &maker->streams[s]))
      break;
done:
  for (guint s = 0; s < maker->n_streams; s++)
    g_async_queue_push (maker->streams[s].bodies, end_of_bodies);
  return NULL;
}

/* Sends a stream's bodies in order; after a failure the rest are dropped
 * and the maker stops at its next batch. */
static gboolean
send_stream (BatchMaker *maker,
             Stream     *stream)
{
  char *body;
  gboolean ok = TRUE;

  while ((body = g_async_queue_pop (stream->bodies)) != end_of_bodies)
    {
      if (ok && !send_body (&stream->sink, body, &stream->error))
        {
          ok = FALSE;
          g_atomic_int_set (&maker->stop, TRUE);
        }
      g_free (body);
      g_async_queue_push (stream->slots, GUINT_TO_POINTER (1));
    }
  return ok;
}

typedef struct
{
  BatchMaker *maker;
  Stream     *stream;
} StreamThread;

static gpointer
send_stream_in_thread (gpointer data)
{
  StreamThread *job = data;
  /* A session per thread, made where it is used. */
  AnbuPlugsimClient *client = anbu_plugsim_client_new (job->stream->base_url);

  job->stream->sink.client = client;
  send_stream (job->maker, job->stream);
  job->stream->sink.client = NULL;
  anbu_plugsim_client_free (client);
  g_free (job);
  return NULL;
}

static gboolean
send_until (GPtrArray  *plugs,
            gint64      until,
            Sink       *sink,
            guint       n_streams,
            GError    **error)
{
  BatchMaker maker = { plugs, until };
  GThread *thread;
  gboolean ok = TRUE;

  /* Printed batches stay in one stream, in order. */
  maker.n_streams = sink->print || plugs->len == 0 ? 1 : CLAMP (n_streams, 1, MAX_STREAMS);
  for (guint s = 0; s < maker.n_streams; s++)
    {
      Stream *stream = &maker.streams[s];

      stream->bodies = g_async_queue_new ();
      stream->slots = g_async_queue_new ();
      stream->items = batch_start ();
      stream->sink = *sink;
      stream->sink.accepted = stream->sink.duplicate = stream->sink.rejected = 0;
      stream->base_url = sink->client->base;
      for (guint i = 0; i < BATCHES_AHEAD; i++)
        g_async_queue_push (stream->slots, GUINT_TO_POINTER (1));
    }
  thread = g_thread_new ("plugsim-batches", make_batches, &maker);
  for (guint s = 1; s < maker.n_streams; s++)
    {
      StreamThread *job = g_new0 (StreamThread, 1);

      job->maker = &maker;
      job->stream = &maker.streams[s];
      maker.streams[s].thread = g_thread_new ("plugsim-send", send_stream_in_thread, job);
    }
  /* Stream 0 on this thread, with the caller's session. */
  send_stream (&maker, &maker.streams[0]);
  g_thread_join (thread);
  for (guint s = 0; s < maker.n_streams; s++)
    {
      Stream *stream = &maker.streams[s];

      if (stream->thread != NULL)
        g_thread_join (stream->thread);
      sink->accepted += stream->sink.accepted;
      sink->duplicate += stream->sink.duplicate;
      sink->rejected += stream->sink.rejected;
      if (stream->error != NULL)
        {
          if (ok)
            g_propagate_error (error, g_steal_pointer (&stream->error));
          g_clear_error (&stream->error);
          ok = FALSE;
        }
      if (stream->items != NULL)
        g_string_free (stream->items, TRUE);
      g_async_queue_unref (stream->bodies);
      g_async_queue_unref (stream->slots);
    }
  return ok;
}

int
anbu_plugsim_run_main (int    argc,
                       char **argv)
{
  /* NULL until parsed: GOption overwrites a default without freeing it. */
  g_autofree char *state_file = NULL;
  g_autofree char *now_text = NULL;
  g_autofree char *server = NULL;
  g_autofree char *new_signal_at = NULL, *new_signal_households = NULL;
  g_autoptr(AnbuPlugsimNewSignal) new_signal = NULL;
  double backfill_hours = 0, speed = 1.0, duration = -1;
  gboolean print = FALSE;
  GOptionEntry entries[] = {
    { "state", 0, 0, G_OPTION_ARG_FILENAME, &state_file,
      N_("The state file seed wrote (default plugsim-state.json)"), "FILE" },
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, N_("Server URL, if not the one in the state"), "URL" },
    { "backfill", 0, 0, G_OPTION_ARG_DOUBLE, &backfill_hours,
      N_("First send this many hours of history"), "HOURS" },
    { "speed", 0, 0, G_OPTION_ARG_DOUBLE, &speed,
      N_("Simulated minutes per real minute (default 1; the server refuses readings more than 5 minutes ahead of its clock)"),
      "FACTOR" },
    { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &duration,
      N_("Stop after this many simulated seconds (default: run until interrupted; 0: history only)"),
      "SECONDS" },
    { "now", 0, 0, G_OPTION_ARG_STRING, &now_text, N_("Pretend it is this time (ISO 8601)"), "TIME" },
    { "print", 0, 0, G_OPTION_ARG_NONE, &print,
      N_("Print the telemetry batches instead of sending them"), NULL },
    { "new-signal-at", 0, 0, G_OPTION_ARG_STRING, &new_signal_at,
      N_("A resident stops so that a new risk signal is raised at this time (ISO 8601)"), "TIME" },
    { "new-signal-households", 0, 0, G_OPTION_ARG_STRING, &new_signal_households,
      N_("Which households may stop for it: indices, comma-separated (default 0)"), "LIST" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autofree char *state_text = NULL;
  gsize state_length = 0;
  g_autoptr(GPtrArray) plugs = g_ptr_array_new_with_free_func ((GDestroyNotify) plug_free);
  g_autoptr(AnbuPlugsimClient) client = NULL;
  JsonArray *households;
  Sink sink = { 0 };
  guint64 seed;
  gint64 sim_start, now, start_real;

  context = g_option_context_new (_("— stream simulated plug readings to a server"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (state_file == NULL)
    state_file = g_strdup ("plugsim-state.json");
  if (backfill_hours < 0 || backfill_hours > 24 * 30 || speed <= 0 || speed > 100000)
    {
      g_printerr ("%s", _("--backfill is 0 to 720 hours and --speed a positive factor\n"));
      return 2;
    }
  if (print && duration < 0)
    {
      g_printerr ("%s", _("--print needs --duration\n"));
      return 2;
    }
  if (!g_file_get_contents (state_file, &state_text, &state_length, &error)
      || (state = anbu_json_parse_object (state_text, (gssize) state_length, &error)) == NULL)
    {
      g_printerr (_("Cannot read the state file %s: %s\n"), state_file, error->message);
      return 1;
    }
  households = json_object_get_array_member (state, "households");
  seed = (guint64) json_object_get_int_member (state, "seed");
  sim_start = json_object_get_int_member (state, "sim_start");
  if (households == NULL || sim_start <= 0)
    {
      g_printerr (_("The state file %s was not written by anbu-plugsim seed\n"), state_file);
      return 1;
    }
  now = now_text != NULL ? parse_time (now_text) : anbu_clock_now_seconds ();
  if (now <= 0)
    {
      g_printerr ("%s", _("--now is an ISO 8601 time with an offset\n"));
      return 2;
    }

  if (new_signal_at != NULL)
    {
      g_autofree char *plan = NULL;

      new_signal = anbu_plugsim_new_signal_plan_for_state (state, new_signal_at,
                                                           new_signal_households, &error);
      if (new_signal == NULL)
        {
          g_printerr ("%s\n", error->message);
          return g_error_matches (error, ANBU_PLUGSIM_NEW_SIGNAL_ERROR,
                                  ANBU_PLUGSIM_NEW_SIGNAL_ERROR_NO_HOUSEHOLD) ? 1 : 2;
        }
      plan = anbu_plugsim_new_signal_describe (new_signal);
      g_printerr ("%s\n", plan);
    }

  for (guint i = 0; i < json_array_get_length (households); i++)
    {
      JsonObject *household = json_array_get_object_element (households, i);
      Plug *plug = g_new0 (Plug, 1);
      AnbuSimConfig config;

      plug->serial = g_strdup (json_object_get_string_member (household, "serial"));
      plug->stopper = json_object_get_boolean_member (household, "stopper");
      anbu_plugsim_sim_config (seed, sim_start, plug->stopper, &config);
      plug->sim = anbu_sim_household_new (&config, (guint) json_object_get_int_member (household, "index"));
      plug->sent_until = (gint64) (now - backfill_hours * 3600) - 1;
      if (new_signal != NULL
          && json_object_get_int_member (household, "index")
             == anbu_plugsim_new_signal_get_index (new_signal))
        plug->new_signal = new_signal;
      g_ptr_array_add (plugs, plug);
    }

  client = anbu_plugsim_client_new (server != NULL ? server
                                    : json_object_get_string_member (state, "server"));
  sink.client = client;
  sink.token = json_object_get_string_member (state, "gateway_token");
  sink.print = print;

  if (backfill_hours > 0)
    {
      if (!send_until (plugs, now, &sink, HISTORY_STREAMS, &error))
        {
          g_printerr (_("Cannot send the history: %s\n"), error->message);
          return 1;
        }
      if (!print)
        g_printerr (_("History of %.0f hours sent: %lu readings accepted, %lu duplicates, %lu rejected\n"),
                    backfill_hours, (gulong) sink.accepted, (gulong) sink.duplicate,
                    (gulong) sink.rejected);
    }

  /* Then one reading per plug per simulated minute, as time goes by. */
  start_real = g_get_monotonic_time ();
  while (duration != 0)
    {
      double elapsed = (g_get_monotonic_time () - start_real) / (double) G_USEC_PER_SEC * speed;
      gint64 until;

      if (print)
        elapsed = duration;
      if (duration > 0)
        elapsed = MIN (elapsed, duration);
      until = now + (gint64) elapsed;
      if (!send_until (plugs, until, &sink, 1, &error))
        {
          g_printerr (_("Cannot send readings: %s\n"), error->message);
          return 1;
        }
      if (duration > 0 && elapsed >= duration)
        break;
      g_usleep (MAX (G_USEC_PER_SEC / 10, (gint64) (G_USEC_PER_SEC * MIN (1.0, 60.0 / speed))));
    }
  if (!print)
    g_printerr (_("Sent: %lu readings accepted, %lu duplicates, %lu rejected\n"),
                (gulong) sink.accepted, (gulong) sink.duplicate, (gulong) sink.rejected);
  return 0;
}
