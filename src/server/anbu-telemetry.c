/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-telemetry"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "anbu-reading-log.h"
#include "anbu-record-json.h"
#include "anbu-server-time.h"
#include "anbu-store.h"
#include "anbu-telemetry.h"
#include "anbu-telemetry-store.h"
#include "anbu-validate.h"

struct _AnbuTelemetry
{
  GObject             parent_instance;

  AnbuTelemetryStore *data;       /* telemetry's tables, on either engine */
  AnbuReadingLog     *readings;
  gint64              offline_after;
  gint64              max_age;
  AnbuActivityParams  params;

  /* Who saw the readings stop (docs/detection.md, "ingest gaps"): witness
   * id ("" the server itself, else a gateway id) → Witness. */
  GHashTable         *witnesses;

  /* serial → PlugWork (without readings): what load_plug found, with the
   * live fields this object wrote since. Valid while the shared change
   * counter stands still (any plug record change moves it); dropped when a
   * batch fails. */
  GHashTable         *plug_cache;
  gint64              plug_cache_counter;
};

G_DEFINE_FINAL_TYPE (AnbuTelemetry, anbu_telemetry, G_TYPE_OBJECT)

G_DEFINE_QUARK (anbu-telemetry-error-quark, anbu_telemetry_error)

const char anbu_telemetry_schema_sql[] =
  /* Gateways post telemetry with their own bearer token (stored hashed). */
  "CREATE TABLE gateway ("
  "  id TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  token_hash TEXT NOT NULL UNIQUE,"
  "  created_at INTEGER NOT NULL,"
  "  disabled INTEGER NOT NULL DEFAULT 0);"
  /* A plug's live fields (Unix seconds): changed on every batch, so kept
   * apart from the synced plug record. */
  "CREATE TABLE plug_live ("
  "  serial TEXT PRIMARY KEY,"
  "  household_id TEXT NOT NULL,"
  "  last_seen_at INTEGER NOT NULL,"
  "  last_watts REAL NOT NULL,"
  "  last_lux REAL NOT NULL,"
  "  last_activity_at INTEGER,"
  "  online_since INTEGER NOT NULL);"
  "CREATE INDEX plug_live_household ON plug_live (household_id);"
  /* Activity events (kind: AnbuActivityKind), for detection and charts. */
  "CREATE TABLE activity_event ("
  "  serial TEXT NOT NULL,"
  "  ts INTEGER NOT NULL,"
  "  kind INTEGER NOT NULL,"
  "  magnitude REAL NOT NULL,"
  "  PRIMARY KEY (serial, ts, kind)) WITHOUT ROWID;"
  /* Readings older than the retention age, folded per plug and hour. */
  "CREATE TABLE reading_hourly ("
  "  serial TEXT NOT NULL,"
  "  hour INTEGER NOT NULL,"
  "  n INTEGER NOT NULL,"
  "  watts_min REAL NOT NULL,"
  "  watts_max REAL NOT NULL,"
  "  watts_sum REAL NOT NULL,"
  "  lux_min REAL NOT NULL,"
  "  lux_max REAL NOT NULL,"
  "  lux_sum REAL NOT NULL,"
  "  PRIMARY KEY (serial, hour)) WITHOUT ROWID;";

const char anbu_telemetry_schema_witness_sql[] =
  /* The plug's learned activity detector (AnbuActivityDetector as bytes),
   * the gateway it reports through, and its witnesses' unobserved seconds
   * at its last reading. */
  "ALTER TABLE plug_live ADD COLUMN detector BLOB;"
  "ALTER TABLE plug_live ADD COLUMN gateway_id TEXT;"
  "ALTER TABLE plug_live ADD COLUMN unobserved_mark INTEGER NOT NULL DEFAULT 0;"
  /* Ingest gaps (Witness in anbu-telemetry.c): id "" is the server. */
  "CREATE TABLE ingest_witness ("
  "  id TEXT PRIMARY KEY,"
  "  last_reading_at INTEGER NOT NULL DEFAULT 0,"
  "  unobserved INTEGER NOT NULL DEFAULT 0,"
  "  plugs INTEGER NOT NULL DEFAULT 0,"
  "  alive_at INTEGER NOT NULL DEFAULT 0,"
  "  down_from INTEGER NOT NULL DEFAULT 0,"
  "  down_to INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;";

const char anbu_telemetry_schema_offline_sql[] =
  /* The last reading before the gap that ended at online_since: the gap is
   * unobserved, and with no activity after the return the quiet on both
   * sides adds up (anbu-inactivity.h). */
  "ALTER TABLE plug_live ADD COLUMN offline_from INTEGER NOT NULL DEFAULT 0;";

const char anbu_telemetry_schema_detector_sql[] =
  /* The learned detector (about 1000 bytes, stored packed: a few hundred)
   * apart from the live fields: those are rewritten for every plug on every
   * batch, the detector only every quarter hour or on an event, so a batch
   * writes a quarter of the pages. */
  "CREATE TABLE plug_detector ("
  "  serial TEXT PRIMARY KEY,"
  "  detector BLOB NOT NULL) WITHOUT ROWID;"
  "INSERT INTO plug_detector SELECT serial, detector FROM plug_live WHERE detector IS NOT NULL;"
  "ALTER TABLE plug_live DROP COLUMN detector;";

/* A witness of ingest gaps: the server (its own downtime) or a gateway
 * (all its plugs silent at once). `unobserved` only grows: the seconds of
 * ingest gaps so far; a plug keeps the sum its witnesses had at its last
 * reading, so the difference is the unobserved part of its silence. */
typedef struct
{
  gint64   last_reading_at;  /* gateway: its newest reading; server: 0 */
  gint64   unobserved;
  gint64   plugs;            /* gateway: plugs it has carried */
  gint64   alive_at;         /* server: the last moment it was known running */
  gint64   down_from;        /* server: its last downtime */
  gint64   down_to;
  gboolean dirty;
} Witness;

typedef struct
{
  gboolean  checked;
  gboolean  usable;
  char     *household_id;
  char     *left_household_id; /* the live row's other household, until it reports here */
  GArray   *accepted;   /* AnbuReading */
  gboolean  has_live;   /* the plug reported before: `live` holds its fields */
  gint64    live_seen_at;
  double    live_watts;
  double    live_lux;
  gint64    live_activity_at;
  gint64    live_online_since;
  gint64    live_offline_from;
  char     *gateway_id;      /* the gateway it last reported through */
  gint64    unobserved_mark; /* its witnesses' unobserved seconds then */
  gboolean  has_detector;    /* `detector` holds what the plug learned */
  AnbuActivityMark activity_mark; /* the planner's word, from the plug record */
  gint64    detector_saved_ts; /* the last reading of the stored copy */
  AnbuActivityDetector detector;
} PlugWork;

static void
plug_work_clear (PlugWork *work)
{
  g_clear_pointer (&work->household_id, g_free);
  g_clear_pointer (&work->left_household_id, g_free);
  g_clear_pointer (&work->gateway_id, g_free);
  g_clear_pointer (&work->accepted, g_array_unref);
}

static void
plug_work_free (PlugWork *work)
{
  plug_work_clear (work);
  g_free (work);
}

static void
batch_clear (AnbuTelemetryBatch *batch)
{
  for (guint i = 0; i < batch->entries->len; i++)
    g_free (anbu_telemetry_batch_entry (batch, i)->reject_field);
  g_array_unref (batch->entries);
  g_ptr_array_unref (batch->serials);
  g_clear_pointer (&batch->serial_index, g_hash_table_unref);
  g_free (batch->gateway_id);
}

/* Room for `reserve` entries, not zeroed (fresh pages cost a fault each):
 * entries are zeroed one by one as they are added. */
static AnbuTelemetryBatch *
batch_new_sized (guint reserve)
{
  AnbuTelemetryBatch *batch = g_atomic_rc_box_new0 (AnbuTelemetryBatch);

  batch->entries = g_array_sized_new (FALSE, FALSE, sizeof (AnbuTelemetryEntry), reserve);
  batch->serials = g_ptr_array_new_with_free_func (g_free);
  batch->serial_index = g_hash_table_new (g_str_hash, g_str_equal);
  return batch;
}

AnbuTelemetryBatch *
anbu_telemetry_batch_new (void)
{
  return batch_new_sized (0);
}

AnbuTelemetryBatch *
anbu_telemetry_batch_ref (AnbuTelemetryBatch *batch)
{
  return g_atomic_rc_box_acquire (batch);
}

void
anbu_telemetry_batch_unref (AnbuTelemetryBatch *batch)
{
  if (batch != NULL)
    g_atomic_rc_box_release_full (batch, (GDestroyNotify) batch_clear);
}

/* A new zeroed entry at the end (pointers to earlier entries may move). */
static AnbuTelemetryEntry *
batch_add_entry (AnbuTelemetryBatch *batch)
{
  AnbuTelemetryEntry *entry;

  g_array_set_size (batch->entries, batch->entries->len + 1);
  entry = anbu_telemetry_batch_entry (batch, batch->entries->len - 1);
  memset (entry, 0, sizeof *entry);
  return entry;
}

/* Parsing is done: the index is only needed to intern serials. */
static AnbuTelemetryBatch *
batch_finish (AnbuTelemetryBatch *batch)
{
  g_clear_pointer (&batch->serial_index, g_hash_table_unref);
  return batch;
}

void
anbu_telemetry_plug_status_clear (AnbuTelemetryPlugStatus *status)
{
  g_clear_pointer (&status->serial, g_free);
  g_clear_pointer (&status->household_id, g_free);
  g_clear_pointer (&status->left_household_id, g_free);
}

static void
plug_status_free (AnbuTelemetryPlugStatus *status)
{
  anbu_telemetry_plug_status_clear (status);
  g_free (status);
}

void
anbu_telemetry_report_free (AnbuTelemetryReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->outcomes, g_array_unref);
  g_clear_pointer (&report->batch, anbu_telemetry_batch_unref);
  g_clear_pointer (&report->plugs, g_ptr_array_unref);
  g_free (report);
}

static void
reject (AnbuTelemetryEntry *entry,
        const char         *code,
        const char         *field,
        const char         *message)
{
  if (entry->reject_code != NULL)
    return;
  entry->reject_code = code;
  entry->reject_field = g_strdup (field);
  entry->reject_message = message;
}

/* Rejects naming readings.INDEX.MEMBER (or readings.INDEX); the path is
 * formatted only for rejected entries. */
static void
reject_member (AnbuTelemetryEntry *entry,
               const char         *code,
               guint               index,
               const char         *member,
               const char         *message)
{
  if (entry->reject_code != NULL)
    return;
  entry->reject_code = code;
  entry->reject_field = member != NULL ? g_strdup_printf ("readings.%u.%s", index, member)
                                       : g_strdup_printf ("readings.%u", index);
  entry->reject_message = message;
}

/* Parsing */

static gboolean
parse_digits (const char *text,
              guint       n,
              gint       *value)
{
  *value = 0;
  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      *value = *value * 10 + (text[i] - '0');
    }
  return TRUE;
}

/* Days from 1970-01-01 to the civil date (proleptic Gregorian). */
static gint64
days_from_civil (gint year,
                 gint month,
                 gint day)
{
  gint64 y = year - (month <= 2 ? 1 : 0);
  gint64 era = (y >= 0 ? y : y - 399) / 400;
  gint64 yoe = y - era * 400;
  gint64 doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  gint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

  return era * 146097 + doe - 719468;
}

/* The usual shape of a reading's time, "2026-11-25T05:00:00Z" or with an
 * offset "+09:00", read without allocating; anything else goes through
 * GDateTime (the same answer, slower). */
static gboolean
parse_timestamp (const char *text,
                 gint64     *out)
{
  static const gint8 month_days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  gint year, month, day, hour, minute, second;
  gsize n = strlen (text);

  if ((n == 20 && text[19] == 'Z')
      || (n == 25 && (text[19] == '+' || text[19] == '-') && text[22] == ':'))
    {
      if (text[4] == '-' && text[7] == '-' && text[10] == 'T' && text[13] == ':'
          && text[16] == ':'
          && parse_digits (text, 4, &year) && parse_digits (text + 5, 2, &month)
          && parse_digits (text + 8, 2, &day) && parse_digits (text + 11, 2, &hour)
          && parse_digits (text + 14, 2, &minute) && parse_digits (text + 17, 2, &second)
          && year >= 1 && month >= 1 && month <= 12 && day >= 1
          && day <= month_days[month - 1]
          && (month != 2 || day <= 28
              || (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
          && hour <= 23 && minute <= 59 && second <= 59)
        {
          gint64 t = days_from_civil (year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
          gint off_hours = 0, off_minutes = 0;

          if (n == 25)
            {
              if (!parse_digits (text + 20, 2, &off_hours)
                  || !parse_digits (text + 23, 2, &off_minutes)
                  || off_hours > 23 || off_minutes > 59)
                goto slow;
              t -= (text[19] == '+' ? 1 : -1) * (off_hours * 3600 + off_minutes * 60);
            }
          *out = t;
          return TRUE;
        }
    }

slow:
  return anbu_server_time_parse (text, out);
}

static void
read_measure (AnbuTelemetryEntry *entry,
              JsonObject         *object,
              const char         *member,
              guint               index,
              double             *out)
{
  JsonNode *node = json_object_get_member (object, member);
  GType type;

  if (node == NULL)
    {
      reject_member (entry, "missing_field", index, member, _("The reading has no value here"));
      return;
    }
  if (JSON_NODE_HOLDS_NULL (node))
    {
      reject_member (entry, "not_a_number", index, member,
                     _("The value is not a number (NaN or null)"));
      return;
    }
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);

      if (g_ascii_strcasecmp (text, "nan") == 0)
        reject_member (entry, "not_a_number", index, member,
                       _("The value is not a number (NaN or null)"));
      else
        reject_member (entry, "wrong_type", index, member, _("The value must be a number"));
      return;
    }
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    {
      reject_member (entry, "wrong_type", index, member, _("The value must be a number"));
      return;
    }
  *out = json_node_get_double (node);
}

/* The serial is checked and copied once per batch: the entries of one
 * plug share the copy and its index. */
static void
entry_take_serial (AnbuTelemetryBatch *batch,
                   AnbuTelemetryEntry *entry,
                   guint               index,
                   const char         *serial)
{
  gpointer known;

  if (index > 0)
    {
      const AnbuTelemetryEntry *previous = anbu_telemetry_batch_entry (batch, index - 1);

      if (previous->serial != NULL && strcmp (previous->serial, serial) == 0)
        {
          entry->serial = previous->serial;
          entry->plug = previous->plug;
          return;
        }
    }
  known = g_hash_table_lookup (batch->serial_index, serial);
  if (known != NULL)
    {
      entry->plug = GPOINTER_TO_UINT (known) - 1;
      entry->serial = g_ptr_array_index (batch->serials, entry->plug);
    }
  else if (!anbu_validate_serial (NULL, serial, NULL))
    reject_member (entry, "invalid_value", index, "serial", _("This is not a plug serial"));
  else
    {
      char *copy = g_strdup (serial);

      entry->plug = batch->serials->len;
      entry->serial = copy;
      g_ptr_array_add (batch->serials, copy);
      g_hash_table_insert (batch->serial_index, copy, GUINT_TO_POINTER (entry->plug + 1));
    }
}

static void
entry_take_ts (AnbuTelemetryEntry *entry,
               guint               index,
               const char         *text)
{
  if (!parse_timestamp (text, &entry->ts))
    reject_member (entry, "invalid_value", index, "ts", _("The time must be ISO 8601 with an offset"));
}

AnbuTelemetryBatch *
anbu_telemetry_parse_batch (JsonNode  *root,
                            GError   **error)
{
  g_autoptr(AnbuTelemetryBatch) batch = NULL;
  JsonObject *object;
  JsonNode *readings;
  JsonArray *array;
  guint n;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, ANBU_TELEMETRY_ERROR, ANBU_TELEMETRY_ERROR_BAD_BATCH,
                           _("The body must be {\"readings\": [...]}"));
      return NULL;
    }
  object = json_node_get_object (root);
  readings = json_object_get_member (object, "readings");
  if (readings == NULL || !JSON_NODE_HOLDS_ARRAY (readings))
    {
      g_set_error_literal (error, ANBU_TELEMETRY_ERROR, ANBU_TELEMETRY_ERROR_BAD_BATCH,
                           _("readings: the body must be {\"readings\": [...]}"));
      return NULL;
    }
  array = json_node_get_array (readings);
  n = json_array_get_length (array);
  if (n > ANBU_TELEMETRY_MAX_BATCH)
    {
      g_set_error (error, ANBU_TELEMETRY_ERROR, ANBU_TELEMETRY_ERROR_BAD_BATCH,
                   _("readings: at most %d readings in one batch"), ANBU_TELEMETRY_MAX_BATCH);
      return NULL;
    }

  batch = batch_new_sized (n);
  for (guint i = 0; i < n; i++)
    {
      AnbuTelemetryEntry *entry = batch_add_entry (batch);
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *reading;
      JsonNode *member;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_autofree char *field = g_strdup_printf ("readings.%u", i);

          reject (entry, "wrong_type", field, _("A reading must be an object"));
          continue;
        }
      reading = json_node_get_object (node);

      member = json_object_get_member (reading, "serial");
      if (member == NULL || !JSON_NODE_HOLDS_VALUE (member)
          || json_node_get_value_type (member) != G_TYPE_STRING)
        reject_member (entry, member == NULL ? "missing_field" : "wrong_type", i, "serial",
                       _("The reading needs the plug's serial as a string"));
      else
        entry_take_serial (batch, entry, i, json_node_get_string (member));

      member = json_object_get_member (reading, "ts");
      if (member == NULL)
        reject_member (entry, "missing_field", i, "ts", _("The reading needs its time"));
      else if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
        reject_member (entry, "wrong_type", i, "ts",
                       _("The time must be an ISO 8601 string with an offset"));
      else
        entry_take_ts (entry, i, json_node_get_string (member));

      read_measure (entry, reading, "watts", i, &entry->watts);
      read_measure (entry, reading, "lux", i, &entry->lux);
    }
  return batch_finish (g_steal_pointer (&batch));
}

/* The usual body, read without building a JSON tree */

typedef struct
{
  const char *p;
  const char *end;
} Cursor;

static void
skip_space (Cursor *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

static gboolean
take_char (Cursor *c,
           char    ch)
{
  skip_space (c);
  if (c->p < c->end && *c->p == ch)
    {
      c->p++;
      return TRUE;
    }
  return FALSE;
}

/* A string of printable ASCII without escapes, copied to `out` (at most
 * `size` - 1 bytes); anything else is left to the full parser. */
static gboolean
take_plain_string (Cursor *c,
                   char   *out,
                   gsize   size)
{
  gsize n = 0;

  if (!take_char (c, '"'))
    return FALSE;
  while (c->p < c->end && *c->p != '"')
    {
      guchar ch = (guchar) *c->p;

      if (ch < 0x20 || ch > 0x7e || ch == '\\' || n + 1 >= size)
        return FALSE;
      out[n++] = *c->p++;
    }
  if (c->p >= c->end)
    return FALSE;
  c->p++;
  out[n] = '\0';
  return TRUE;
}

/* "-123.45" without an exponent and with at most 15 digits: the digits
 * as an integer are exact in a double, and so is 10^k for k <= 22, so one
 * division gives the correctly rounded value, the same as strtod (which
 * costs more than the rest of a reading's parse). */
static gboolean
fast_decimal (const char *start,
              const char *end,
              double     *out)
{
  static const double powers[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
                                   1e11, 1e12, 1e13, 1e14, 1e15, 1e16 };
  const char *p = start;
  gboolean negative = FALSE;
  guint64 mantissa = 0;
  guint digits = 0, fraction_digits = 0;
  gboolean in_fraction = FALSE;
  double value;

  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }
  for (; p < end; p++)
    {
      if (*p == '.')
        {
          in_fraction = TRUE;
          continue;
        }
      if (!g_ascii_isdigit (*p))
        return FALSE;
      mantissa = mantissa * 10 + (guint64) (*p - '0');
      if (++digits > 15)
        return FALSE;
      if (in_fraction)
        fraction_digits++;
    }
  value = (double) mantissa / powers[fraction_digits];
  *out = negative ? -value : value;
  return TRUE;
}

/* A JSON number (RFC 8259 grammar, at most 24 characters, integers of at
 * most 15 digits), read as json-glib reads it. */
static gboolean
take_number (Cursor *c,
             double *out)
{
  const char *start, *q;
  char text[32];
  gboolean fraction = FALSE;

  skip_space (c);
  start = q = c->p;
  if (q < c->end && *q == '-')
    q++;
  if (q >= c->end || !g_ascii_isdigit (*q))
    return FALSE;
  if (*q == '0')
    q++;
  else
    while (q < c->end && g_ascii_isdigit (*q))
      q++;
  if (q < c->end && *q == '.')
    {
      fraction = TRUE;
      if (++q >= c->end || !g_ascii_isdigit (*q))
        return FALSE;
      while (q < c->end && g_ascii_isdigit (*q))
        q++;
    }
  if (q < c->end && (*q == 'e' || *q == 'E'))
    {
      fraction = TRUE;
      q++;
      if (q < c->end && (*q == '+' || *q == '-'))
        q++;
      if (q >= c->end || !g_ascii_isdigit (*q))
        return FALSE;
      while (q < c->end && g_ascii_isdigit (*q))
        q++;
    }
  if (q - start > 24 || (!fraction && q - start > 15))
    return FALSE;
  if (fraction && fast_decimal (start, q, out))
    {
      c->p = q;
      return TRUE;
    }
  memcpy (text, start, q - start);
  text[q - start] = '\0';
  /* json-glib keeps an integer as gint64 ("-0" is 0) and reads it as double. */
  *out = fraction ? g_ascii_strtod (text, NULL) : (double) g_ascii_strtoll (text, NULL, 10);
  c->p = q;
  return TRUE;
}

/* One {"serial", "ts", "watts", "lux"} object, each member once. */
static gboolean
take_simple_reading (Cursor             *c,
                     AnbuTelemetryBatch *batch,
                     AnbuTelemetryEntry *entry,
                     guint               index)
{
  char serial[128], ts[64], key[16];
  guint seen = 0;

  if (!take_char (c, '{'))
    return FALSE;
  do
    {
      guint bit;

      if (!take_plain_string (c, key, sizeof key) || !take_char (c, ':'))
        return FALSE;
      if (strcmp (key, "serial") == 0)
        bit = 1;
      else if (strcmp (key, "ts") == 0)
        bit = 2;
      else if (strcmp (key, "watts") == 0)
        bit = 4;
      else if (strcmp (key, "lux") == 0)
        bit = 8;
      else
        return FALSE;
      if (seen & bit)
        return FALSE;
      seen |= bit;
      if ((bit == 1 && !take_plain_string (c, serial, sizeof serial))
          || (bit == 2 && !take_plain_string (c, ts, sizeof ts))
          || (bit == 4 && !take_number (c, &entry->watts))
          || (bit == 8 && !take_number (c, &entry->lux)))
        return FALSE;
    }
  while (take_char (c, ','));
  if (seen != 15 || !take_char (c, '}'))
    return FALSE;
  /* The same checks, in the same order, as anbu_telemetry_parse_batch. */
  entry_take_serial (batch, entry, index, serial);
  entry_take_ts (entry, index, ts);
  return TRUE;
}

AnbuTelemetryBatch *
anbu_telemetry_parse_simple_body (const char *data,
                                  gsize       length)
{
  g_autoptr(AnbuTelemetryBatch) batch = NULL;
  Cursor c = { data, data + length };
  char key[16];

  if (data == NULL || !take_char (&c, '{') || !take_plain_string (&c, key, sizeof key)
      || strcmp (key, "readings") != 0 || !take_char (&c, ':') || !take_char (&c, '['))
    return NULL;
  /* About 90 bytes a reading: one allocation for the entries. */
  batch = batch_new_sized (MIN (length / 64, ANBU_TELEMETRY_MAX_BATCH));
  if (!take_char (&c, ']'))
    {
      do
        {
          AnbuTelemetryEntry *entry;

          if (batch->entries->len >= ANBU_TELEMETRY_MAX_BATCH)
            return NULL;
          entry = batch_add_entry (batch);
          if (!take_simple_reading (&c, batch, entry, batch->entries->len - 1))
            return NULL;
        }
      while (take_char (&c, ','));
      if (!take_char (&c, ']'))
        return NULL;
    }
  if (!take_char (&c, '}'))
    return NULL;
  skip_space (&c);
  if (c.p != c.end)
    return NULL;
  return batch_finish (g_steal_pointer (&batch));
}

/* Value checks that apply however the entry was made. */
static void
check_values (AnbuTelemetryEntry *entry,
              guint               index,
              gint64              now,
              gint64              max_age)
{
  struct { const char *name; double value; double max; } measures[] = {
    { "watts", entry->watts, ANBU_TELEMETRY_MAX_WATTS },
    { "lux", entry->lux, ANBU_TELEMETRY_MAX_LUX },
  };

  if (entry->reject_code != NULL)
    return;
  for (guint m = 0; m < G_N_ELEMENTS (measures); m++)
    {
      if (!isfinite (measures[m].value))
        reject_member (entry, "not_a_number", index, measures[m].name,
                       _("The value is not a number (NaN or infinite)"));
      else if (measures[m].value < 0)
        reject_member (entry, "negative", index, measures[m].name,
                       "A plug cannot measure a negative value");
      else if (measures[m].value > measures[m].max)
        reject_member (entry, "out_of_range", index, measures[m].name,
                       _("The value is beyond what a plug can measure"));
      if (entry->reject_code != NULL)
        return;
    }
  if (entry->ts > now + ANBU_TELEMETRY_MAX_FUTURE_SECONDS)
    reject_member (entry, "future", index, "ts", _("The reading is more than 5 minutes in the future"));
  else if (entry->ts <= 0)
    reject_member (entry, "invalid_value", index, "ts", _("The time is before 1970"));
  else if (max_age > 0 && entry->ts < now - max_age)
    reject_member (entry, "too_old", index, "ts",
                   _("The reading is older than the server keeps raw readings"));
}

/* Storage helpers */

static void
plug_cache_check (AnbuTelemetry *self)
{
  g_autoptr(GError) error = NULL;
  gint64 counter = -1;

  if (!anbu_telemetry_store_read_change_counter (self->data, &counter, &error))
    g_warning ("%s", error->message);
  if (counter != self->plug_cache_counter || counter < 0)
    {
      g_hash_table_remove_all (self->plug_cache);
      self->plug_cache_counter = counter;
    }
}

static void
plug_cache_put (AnbuTelemetry *self,
                const char    *serial,
                const PlugWork *work)
{
  PlugWork *copy = g_new0 (PlugWork, 1);

  *copy = *work;
  copy->household_id = g_strdup (work->household_id);
  copy->left_household_id = g_strdup (work->left_household_id);
  copy->gateway_id = g_strdup (work->gateway_id);
  copy->accepted = NULL;
  g_hash_table_replace (self->plug_cache, g_strdup (serial), copy);
}

static void
plug_cache_update_live (AnbuTelemetry                 *self,
                        const AnbuTelemetryPlugStatus *status,
                        const PlugWork                *work)
{
  PlugWork *cached = g_hash_table_lookup (self->plug_cache, status->serial);

  if (cached == NULL)
    return;
  /* The live row is this household's now. */
  g_clear_pointer (&cached->left_household_id, g_free);
  if (g_strcmp0 (cached->gateway_id, work->gateway_id) != 0)
    {
      g_free (cached->gateway_id);
      cached->gateway_id = g_strdup (work->gateway_id);
    }
  cached->unobserved_mark = work->unobserved_mark;
  cached->has_detector = work->has_detector;
  cached->detector_saved_ts = work->detector_saved_ts;
  cached->detector = work->detector;
  cached->has_live = TRUE;
  cached->live_seen_at = status->last_seen_at;
  cached->live_watts = status->last_watts;
  cached->live_lux = status->last_lux;
  cached->live_activity_at = status->last_activity_at;
  cached->live_online_since = status->online_since;
  cached->live_offline_from = status->offline_from;
}

/* The stored plug `row` into `work` (`found` FALSE: no plug has that
 * serial). */
static void
plug_work_take_row (PlugWork             *work,
                    AnbuTelemetryPlugRow *row,
                    gboolean              found)
{
  work->checked = TRUE;
  if (!found)
    return;
  work->household_id = g_steal_pointer (&row->household_id);
  work->usable = row->installed;
  work->has_live = row->has_live;
  work->live_seen_at = row->live_seen_at;
  work->live_watts = row->live_watts;
  work->live_lux = row->live_lux;
  work->live_activity_at = row->live_activity_at;
  work->live_online_since = row->live_online_since;
  work->has_detector = row->has_detector;
  work->detector = row->detector;
  work->detector_saved_ts = work->has_detector ? work->detector.previous_ts : 0;
  work->gateway_id = g_steal_pointer (&row->gateway_id);
  work->unobserved_mark = row->unobserved_mark;
  work->live_offline_from = row->live_offline_from;
  work->left_household_id = g_steal_pointer (&row->left_household_id);
  work->activity_mark = row->activity_mark;
}

/* Checks every entry's values, then reads the plugs of the entries left
 * that the cache does not hold, all with one call (one statement on
 * PostgreSQL, not a round trip per plug), into `works`. */
static void
check_and_prefetch (AnbuTelemetry      *self,
                    AnbuTelemetryBatch *batch,
                    PlugWork           *works,
                    gint64              now)
{
  g_autoptr(GArray) missing = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GPtrArray) serials = g_ptr_array_new ();
  g_autofree AnbuTelemetryPlugRow *rows = NULL;
  g_autofree gboolean *found = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < batch->entries->len; i++)
    {
      AnbuTelemetryEntry *entry = anbu_telemetry_batch_entry (batch, i);
      PlugWork *work;

      check_values (entry, i, now, self->max_age);
      if (entry->reject_code != NULL)
        continue;
      work = &works[entry->plug];
      if (work->checked || g_hash_table_contains (self->plug_cache, entry->serial))
        continue;
      /* Marked now so the plug is asked for once; filled in below. */
      work->checked = TRUE;
      g_array_append_val (missing, entry->plug);
      g_ptr_array_add (serials, (gpointer) entry->serial);
    }
  if (missing->len == 0)
    return;

  rows = g_new0 (AnbuTelemetryPlugRow, missing->len);
  found = g_new0 (gboolean, missing->len);
  /* Plugs that cannot be read are not taken, as unknown ones. */
  if (!anbu_telemetry_store_load_plugs (self->data, (const char * const *) serials->pdata,
                                        missing->len, rows, found, &error))
    g_warning ("%s", error->message);
  for (guint k = 0; k < missing->len; k++)
    {
      PlugWork *work = &works[g_array_index (missing, guint, k)];

      plug_work_take_row (work, &rows[k], found[k]);
      /* Unknown serials are not kept: a gateway sending garbage must not
       * grow the cache. */
      if (work->household_id != NULL)
        plug_cache_put (self, g_ptr_array_index (serials, k), work);
      anbu_telemetry_plug_row_clear (&rows[k]);
    }
}

/* The plug of an entry, from what check_and_prefetch read or the cache. */
static gboolean
load_plug (AnbuTelemetry *self,
           const char    *serial,
           PlugWork      *work,
           const char   **code,
           const char   **message)
{
  if (!work->checked)
    {
      PlugWork *cached = g_hash_table_lookup (self->plug_cache, serial);
      GArray *accepted = work->accepted;

      if (cached != NULL)
        {
          *work = *cached;
          work->household_id = g_strdup (cached->household_id);
          work->left_household_id = g_strdup (cached->left_household_id);
          work->gateway_id = g_strdup (cached->gateway_id);
          work->accepted = accepted;
        }
      work->checked = TRUE;
    }
  if (!work->usable)
    {
      if (work->household_id != NULL)
        {
          *code = "removed_serial";
          *message = _("This plug was removed; its readings are no longer taken");
        }
      else
        {
          *code = "unknown_serial";
          *message = _("No plug with this serial is installed");
        }
    }
  return work->usable;
}

static gboolean
live_get (AnbuTelemetry           *self,
          const char              *serial,
          AnbuTelemetryPlugStatus *status)
{
  AnbuTelemetryLive live = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;

  memset (status, 0, sizeof *status);
  if (!anbu_telemetry_store_read_live (self->data, serial, &live, &found, &error))
    g_warning ("%s", error->message);
  if (found)
    {
      status->serial = g_strdup (serial);
      status->household_id = g_steal_pointer (&live.household_id);
      status->last_seen_at = live.last_seen_at;
      status->last_watts = live.last_watts;
      status->last_lux = live.last_lux;
      status->last_activity_at = live.last_activity_at;
      status->online_since = live.online_since;
      status->offline_from = live.offline_from;
    }
  anbu_telemetry_live_clear (&live);
  return found;
}

/* Witnesses */

#define DETECTOR_SAVE_SECONDS (15 * 60)

/* A gateway's silence shorter than this is the normal spacing of batches. */
#define WITNESS_GAP_SECONDS (10 * 60)
/* A server unknown to be running for longer than this was down. */
#define SERVER_DOWN_SECONDS 120

static Witness *
witness_get (AnbuTelemetry *self,
             const char    *id)
{
  Witness *witness = g_hash_table_lookup (self->witnesses, id);
  AnbuTelemetryWitness stored;
  g_autoptr(GError) error = NULL;

  if (witness != NULL)
    return witness;
  witness = g_new0 (Witness, 1);
  /* One never stored, or unreadable, starts from nothing. */
  if (!anbu_telemetry_store_read_witness (self->data, id, &stored, &error))
    g_warning ("%s", error->message);
  witness->last_reading_at = stored.last_reading_at;
  witness->unobserved = stored.unobserved;
  witness->plugs = stored.plugs;
  witness->alive_at = stored.alive_at;
  witness->down_from = stored.down_from;
  witness->down_to = stored.down_to;
  g_hash_table_insert (self->witnesses, g_strdup (id), witness);
  return witness;
}

static gboolean
witnesses_save (AnbuTelemetry  *self,
                GError        **error)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->witnesses);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Witness *witness = value;
      AnbuTelemetryWitness stored;

      if (!witness->dirty)
        continue;
      stored = (AnbuTelemetryWitness) { witness->last_reading_at, witness->unobserved,
                                        witness->plugs, witness->alive_at, witness->down_from,
                                        witness->down_to };
      if (!anbu_telemetry_store_store_witness (self->data, key, &stored, error))
        return FALSE;
      witness->dirty = FALSE;
    }
  return TRUE;
}

/* The unobserved seconds so far of what witnesses a plug reporting through
 * `gateway_id`: the server's downtime, and its gateway's silences when the
 * gateway carries other plugs too (alone, its silence is the plug's). */
static gint64
witnessed_unobserved (AnbuTelemetry *self,
                      const char    *gateway_id)
{
  gint64 unobserved = witness_get (self, "")->unobserved;

  if (gateway_id != NULL)
    {
      Witness *gateway = witness_get (self, gateway_id);

      if (gateway->plugs >= 2)
        unobserved += gateway->unobserved;
    }
  return unobserved;
}

/* A batch from a gateway: when its readings had stopped for a while (all
 * its plugs at once), that time was unobserved, except what the server's
 * own downtime already counts. */
static void
witness_batch (AnbuTelemetry *self,
               const char    *gateway_id,
               gint64         first_ts,
               gint64         last_ts)
{
  Witness *server = witness_get (self, "");
  Witness *gateway;

  if (gateway_id == NULL)
    return;
  gateway = witness_get (self, gateway_id);
  if (gateway->last_reading_at > 0 && first_ts - gateway->last_reading_at >= WITNESS_GAP_SECONDS)
    {
      gint64 gap = first_ts - gateway->last_reading_at;
      gint64 overlap = MIN (first_ts, server->down_to)
                       - MAX (gateway->last_reading_at, server->down_from);

      gap -= MAX (overlap, 0);
      if (gap > 0)
        {
          gateway->unobserved += gap;
          gateway->dirty = TRUE;
        }
    }
  if (last_ts > gateway->last_reading_at)
    {
      gateway->last_reading_at = last_ts;
      gateway->dirty = TRUE;
    }
}

gboolean
anbu_telemetry_note_alive (AnbuTelemetry  *self,
                           gint64          now,
                           gboolean        starting,
                           GError        **error)
{
  Witness *server;

  g_return_val_if_fail (ANBU_IS_TELEMETRY (self), FALSE);

  server = witness_get (self, "");
  if (starting && server->alive_at > 0 && now - server->alive_at >= SERVER_DOWN_SECONDS)
    {
      /* Nobody ran to see the readings: unobserved, not quiet ended. */
      server->unobserved += now - server->alive_at;
      server->down_from = server->alive_at;
      server->down_to = now;
    }
  if (now > server->alive_at)
    server->alive_at = now;
  server->dirty = TRUE;
  return witnesses_save (self, error);
}

static gboolean
store_events (AnbuTelemetry            *self,
              const char               *serial,
              const AnbuActivityEvent  *events,
              guint                     n_events,
              gint64                   *last_activity,
              GError                  **error)
{
  if (!anbu_telemetry_store_store_events (self->data, serial, events, n_events, error))
    return FALSE;
  for (guint e = 0; e < n_events; e++)
    *last_activity = MAX (*last_activity, events[e].ts);
  return TRUE;
}

/* A reading older than the plug's newest: the events on both sides of it
 * are computed again from its stored neighbours. */
/* The steps on both sides of a late reading are judged with what the plug
 * has learned (a copy: history sent late teaches nothing twice). */
static gboolean
insert_late_reading (AnbuTelemetry              *self,
                     const char                 *serial,
                     const AnbuActivityDetector *learned,
                     const AnbuReading          *reading,
                     guint                      *n_new,
                     gint64                     *last_activity,
                     GError                    **error)
{
  AnbuReading previous, next;
  gboolean has_previous, has_next;
  AnbuActivityEvent events[ANBU_ACTIVITY_MAX_EVENTS];
  AnbuActivityDetector detector = *learned;
  guint n;

  if (!anbu_reading_log_read_neighbour (self->readings, serial, reading->ts, FALSE, &previous,
                                        &has_previous, error)
      || !anbu_reading_log_read_neighbour (self->readings, serial, reading->ts, TRUE, &next,
                                           &has_next, error))
    return FALSE;

  /* The live detector's held steps stay its own to report. */
  anbu_activity_detector_drop_held (&detector);
  if (has_previous)
    anbu_activity_detector_seed (&detector, &previous);
  else
    detector.has_previous = FALSE;
  n = anbu_activity_detector_feed (&detector, &self->params, reading, events);
  if (!store_events (self, serial, events, n, last_activity, error))
    return FALSE;
  *n_new += n;
  if (has_next)
    {
      if (!anbu_telemetry_store_delete_events_at (self->data, serial, next.ts, error))
        return FALSE;
      anbu_activity_detector_seed (&detector, reading);
      n = anbu_activity_detector_feed (&detector, &self->params, &next, events);
      if (!store_events (self, serial, events, n, last_activity, error))
        return FALSE;
      *n_new += n;
    }
  /* A darkening or a small light step still undecided at the end counts:
   * nobody can tell. */
  n = 0;
  while (n < G_N_ELEMENTS (events) && anbu_activity_detector_take_pending (&detector, &events[n]))
    n++;
  if (!store_events (self, serial, events, n, last_activity, error))
    return FALSE;
  *n_new += n;
  return TRUE;
}

static int
compare_readings (gconstpointer a,
                  gconstpointer b)
{
  const AnbuReading *ra = a, *rb = b;

  return (ra->ts > rb->ts) - (ra->ts < rb->ts);
}

/* Events for the accepted readings of one plug, and its live fields (and
 * detector, when due) added to `live_rows` (AnbuTelemetryLiveRow, pointing
 * into the status and `work`): all the batch's plugs are written at once. */
static AnbuTelemetryPlugStatus *
detect_for_plug (AnbuTelemetry  *self,
                 const char     *serial,
                 const char     *gateway_id,
                 PlugWork       *work,
                 GArray         *live_rows,
                 GError        **error)
{
  g_autoptr(GPtrArray) keep = NULL;
  AnbuTelemetryPlugStatus *status = g_new0 (AnbuTelemetryPlugStatus, 1);
  AnbuActivityDetector detector;
  AnbuActivityEvent events[ANBU_ACTIVITY_MAX_EVENTS];
  gboolean known = work->has_live;
  gboolean any_late = FALSE;
  gint64 previous_ts, stored_last_seen, unobserved;
  AnbuTelemetryLiveRow row;

  keep = g_ptr_array_new_with_free_func ((GDestroyNotify) plug_status_free);
  g_ptr_array_add (keep, status);
  status->serial = g_strdup (serial);
  if (known)
    {
      status->last_seen_at = work->live_seen_at;
      status->last_watts = work->live_watts;
      status->last_lux = work->live_lux;
      status->last_activity_at = work->live_activity_at;
      status->online_since = work->live_online_since;
      status->offline_from = work->live_offline_from;
    }

  g_array_sort (work->accepted, compare_readings);
  /* The plug's detector with what it learned (stored at most every
   * DETECTOR_SAVE_SECONDS of readings: the last reading may be newer than
   * the stored copy's); else one that starts learning. */
  if (!work->has_detector)
    anbu_activity_detector_init (&work->detector);
  else if (!known)
    {
      /* The plug it replaced learned the home (the store's read): that is
       * kept, its readings are not; stored with this plug's first batch. */
      anbu_activity_detector_forget_readings (&work->detector);
      work->detector_saved_ts = 0;
    }
  if (known && work->detector.previous_ts != status->last_seen_at)
    {
      AnbuReading last = { status->last_seen_at, status->last_watts, status->last_lux };

      anbu_activity_detector_drop_held (&work->detector);
      anbu_activity_detector_seed (&work->detector, &last);
    }
  work->has_detector = TRUE;
  /* A plug.mark changes the plug record, which empties the plug cache: the
   * mark read with the record is the current one. */
  work->detector.mark = work->activity_mark;
  detector = work->detector;
  status->household_id = g_strdup (work->household_id);
  status->left_household_id = g_strdup (work->left_household_id);

  if (gateway_id != NULL && g_strcmp0 (work->gateway_id, gateway_id) != 0)
    {
      /* A plug new to this gateway: one more plug it witnesses for. */
      Witness *gateway = witness_get (self, gateway_id);

      gateway->plugs++;
      gateway->dirty = TRUE;
      g_free (work->gateway_id);
      work->gateway_id = g_strdup (gateway_id);
      if (!known)
        work->unobserved_mark = witnessed_unobserved (self, gateway_id);
    }
  unobserved = witnessed_unobserved (self, work->gateway_id);
  if (!known)
    work->unobserved_mark = unobserved;

  previous_ts = known ? status->last_seen_at : 0;
  stored_last_seen = previous_ts;
  for (guint i = 0; i < work->accepted->len; i++)
    {
      const AnbuReading *reading = &g_array_index (work->accepted, AnbuReading, i);
      guint n;

      if (known && reading->ts < stored_last_seen)
        {
          if (!insert_late_reading (self, serial, &detector, reading, &status->new_events,
                                    &status->last_activity_at, error))
            return NULL;
          any_late = TRUE;
          continue;
        }
      /* Back after a silence: a person's act (the plug was unplugged) only
       * when the silence was observed, not an ingest gap (the server or
       * all the plugs of its gateway silent). */
      if (previous_ts == 0
          || reading->ts - previous_ts - MAX (unobserved - work->unobserved_mark, 0)
             >= self->offline_after)
        {
          status->online_since = reading->ts;
          status->offline_from = previous_ts;
        }
      work->unobserved_mark = unobserved;
      previous_ts = reading->ts;

      n = anbu_activity_detector_feed (&detector, &self->params, reading, events);
      if (!store_events (self, serial, events, n, &status->last_activity_at, error))
        return NULL;
      status->new_events += n;
      status->last_seen_at = reading->ts;
      status->last_watts = reading->watts;
      status->last_lux = reading->lux;
    }

  if (any_late)
    {
      gint64 last_event = 0;

      if (!anbu_telemetry_store_read_last_event (self->data, serial, &last_event, error))
        return NULL;
      status->last_activity_at = last_event;
    }

  row = (AnbuTelemetryLiveRow) {
    .serial = status->serial,
    .household_id = status->household_id,
    .last_seen_at = status->last_seen_at,
    .last_watts = status->last_watts,
    .last_lux = status->last_lux,
    .last_activity_at = status->last_activity_at,
    .online_since = status->online_since,
    .gateway_id = work->gateway_id,
    .unobserved_mark = work->unobserved_mark,
    .offline_from = status->offline_from,
  };

  work->detector = detector;
  /* Half a kilobyte per plug and batch would double what a batch writes:
   * the learned state is stored when the plug reported an event or every
   * quarter hour of readings (a restart loses at most that much learning). */
  if (status->new_events > 0 || work->detector_saved_ts == 0
      || work->detector.previous_ts - work->detector_saved_ts >= DETECTOR_SAVE_SECONDS)
    {
      row.detector = &work->detector;
      work->detector_saved_ts = work->detector.previous_ts;
    }
  g_array_append_val (live_rows, row);

  return g_ptr_array_steal_index (keep, 0);
}

/* JSON answer */

char *
anbu_telemetry_report_to_json (const AnbuTelemetryReport *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "accepted");
  json_builder_add_int_value (builder, report->accepted);
  json_builder_set_member_name (builder, "duplicate");
  json_builder_add_int_value (builder, report->duplicate);
  json_builder_set_member_name (builder, "rejected");
  json_builder_add_int_value (builder, report->rejected);
  json_builder_set_member_name (builder, "rejections");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->batch->entries->len; i++)
    {
      const AnbuTelemetryEntry *entry = anbu_telemetry_batch_entry (report->batch, i);

      if (g_array_index (report->outcomes, AnbuTelemetryOutcome, i) != ANBU_TELEMETRY_REJECTED)
        continue;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "index");
      json_builder_add_int_value (builder, i);
      if (entry->serial != NULL)
        {
          json_builder_set_member_name (builder, "serial");
          json_builder_add_string_value (builder, entry->serial);
        }
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, entry->reject_code);
      if (entry->reject_field != NULL)
        {
          json_builder_set_member_name (builder, "field");
          json_builder_add_string_value (builder, entry->reject_field);
        }
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, entry->reject_message);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* GObject */

static void
anbu_telemetry_finalize (GObject *object)
{
  AnbuTelemetry *self = ANBU_TELEMETRY (object);

  g_clear_object (&self->readings);
  g_clear_object (&self->data);
  g_clear_pointer (&self->witnesses, g_hash_table_unref);
  g_clear_pointer (&self->plug_cache, g_hash_table_unref);

  G_OBJECT_CLASS (anbu_telemetry_parent_class)->finalize (object);
}

static void
anbu_telemetry_class_init (AnbuTelemetryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = anbu_telemetry_finalize;
}

static void
anbu_telemetry_init (AnbuTelemetry *self)
{
  self->plug_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) plug_work_free);
  self->plug_cache_counter = -1;
  self->witnesses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  anbu_activity_params_init_default (&self->params);
}

AnbuTelemetry *
anbu_telemetry_new (AnbuStore  *store,
                    gboolean    own_connection,
                    gint64      offline_after_seconds,
                    GError    **error)
{
  g_autoptr(AnbuTelemetry) self = NULL;

  g_return_val_if_fail (ANBU_IS_STORE (store), NULL);
  g_return_val_if_fail (offline_after_seconds > 0, NULL);

  self = g_object_new (ANBU_TYPE_TELEMETRY, NULL);
  self->offline_after = offline_after_seconds;
  self->data = anbu_telemetry_store_open (store, own_connection, error);
  if (self->data == NULL)
    return NULL;
  self->readings = anbu_telemetry_store_open_reading_log (self->data, error);
  if (self->readings == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

static void
reject_serial (AnbuTelemetryEntry *entry,
               guint               index,
               const char         *code,
               const char         *reason)
{
  g_autofree char *field = g_strdup_printf ("readings.%u.serial", index);

  reject (entry, code, field, reason);
}

/* One batch inside the caller's transaction. Each plug of the batch is
 * looked up once (entries carry its index among the batch's serials). */
static AnbuTelemetryReport *
ingest_batch (AnbuTelemetry       *self,
              AnbuTelemetryBatch  *batch,
              gint64               now,
              GError             **error)
{
  g_autoptr(AnbuTelemetryReport) report = g_new0 (AnbuTelemetryReport, 1);
  guint n_plugs = batch->serials->len;
  PlugWork *works = g_new0 (PlugWork, MAX (n_plugs, 1));
  const char *gateway_id = batch->gateway_id;
  /* The readings that passed the checks, and the batch entry of each. */
  g_autoptr(GArray) to_store = g_array_sized_new (FALSE, FALSE, sizeof (AnbuReadingLogEntry),
                                                  batch->entries->len);
  g_autofree guint *entry_of = g_new (guint, MAX (batch->entries->len, 1));
  g_autofree gboolean *stored = g_new (gboolean, MAX (batch->entries->len, 1));
  g_autoptr(GArray) live_rows = g_array_sized_new (FALSE, FALSE, sizeof (AnbuTelemetryLiveRow),
                                                   n_plugs);
  gboolean ok = FALSE;

  report->batch = anbu_telemetry_batch_ref (batch);
  report->outcomes = g_array_sized_new (FALSE, TRUE, sizeof (AnbuTelemetryOutcome),
                                        batch->entries->len);
  g_array_set_size (report->outcomes, batch->entries->len);
  report->plugs = g_ptr_array_new_with_free_func ((GDestroyNotify) plug_status_free);

  check_and_prefetch (self, batch, works, now);
  for (guint i = 0; i < batch->entries->len; i++)
    {
      AnbuTelemetryEntry *entry = anbu_telemetry_batch_entry (batch, i);
      AnbuTelemetryOutcome *outcome = &g_array_index (report->outcomes, AnbuTelemetryOutcome, i);
      PlugWork *work = NULL;
      AnbuReadingLogEntry *item;

      if (entry->reject_code == NULL)
        {
          work = &works[entry->plug];
          if (work->accepted == NULL)
            {
              const char *code = NULL, *reason = NULL;

              /* Room for the plug's share of the batch at once. */
              work->accepted = g_array_sized_new (FALSE, FALSE, sizeof (AnbuReading),
                                                  batch->entries->len / n_plugs + 1);
              if (!load_plug (self, entry->serial, work, &code, &reason))
                reject_serial (entry, i, code, reason);
            }
          else if (!work->usable)
            {
              /* Same reason as the first entry of this serial. */
              if (work->household_id != NULL)
                reject_serial (entry, i, "removed_serial",
                               _("This plug was removed; its readings are no longer taken"));
              else
                reject_serial (entry, i, "unknown_serial", _("No plug with this serial is installed"));
            }
        }
      if (entry->reject_code != NULL)
        {
          *outcome = ANBU_TELEMETRY_REJECTED;
          report->rejected++;
          continue;
        }

      entry_of[to_store->len] = i;
      g_array_set_size (to_store, to_store->len + 1);
      item = &g_array_index (to_store, AnbuReadingLogEntry, to_store->len - 1);
      item->plug = entry->plug;
      item->reading = (AnbuReading) { entry->ts, entry->watts, entry->lux };
    }

  if (!anbu_reading_log_append (self->readings, (const char * const *) batch->serials->pdata,
                                n_plugs, (const AnbuReadingLogEntry *) (gpointer) to_store->data,
                                to_store->len, stored, error))
    goto out;
  for (guint k = 0; k < to_store->len; k++)
    {
      const AnbuReadingLogEntry *item = &g_array_index (to_store, AnbuReadingLogEntry, k);
      AnbuTelemetryOutcome *outcome = &g_array_index (report->outcomes, AnbuTelemetryOutcome,
                                                      entry_of[k]);

      if (stored[k])
        {
          *outcome = ANBU_TELEMETRY_ACCEPTED;
          report->accepted++;
          g_array_append_val (works[item->plug].accepted, item->reading);
        }
      else
        {
          *outcome = ANBU_TELEMETRY_DUPLICATE;
          report->duplicate++;
        }
    }

  /* The gateway's readings resumed after a silence of all its plugs? */
  {
    gint64 first = G_MAXINT64, last = 0;

    for (guint p = 0; p < n_plugs; p++)
      {
        PlugWork *work = &works[p];

        for (guint i = 0; work->usable && i < work->accepted->len; i++)
          {
            gint64 ts = g_array_index (work->accepted, AnbuReading, i).ts;

            first = MIN (first, ts);
            last = MAX (last, ts);
          }
      }
    if (last > 0)
      witness_batch (self, gateway_id, first, last);
  }

  for (guint p = 0; p < n_plugs; p++)
    {
      const char *serial = g_ptr_array_index (batch->serials, p);
      PlugWork *work = &works[p];
      AnbuTelemetryPlugStatus *status;

      if (!work->usable || work->accepted->len == 0)
        continue;
      status = detect_for_plug (self, serial, gateway_id, work, live_rows, error);
      if (status == NULL)
        goto out;
      plug_cache_update_live (self, status, work);
      g_ptr_array_add (report->plugs, status);
    }
  if (!anbu_telemetry_store_store_live (self->data,
                                        (const AnbuTelemetryLiveRow *) (gpointer) live_rows->data,
                                        live_rows->len, error))
    goto out;

  witness_get (self, "")->alive_at = MAX (witness_get (self, "")->alive_at, now);
  witness_get (self, "")->dirty = TRUE;
  ok = witnesses_save (self, error);

out:
  for (guint p = 0; p < n_plugs; p++)
    plug_work_clear (&works[p]);
  g_free (works);
  return ok ? g_steal_pointer (&report) : NULL;
}

AnbuTelemetryReport *
anbu_telemetry_ingest (AnbuTelemetry       *self,
                       AnbuTelemetryBatch  *batch,
                       gint64               now,
                       GError             **error)
{
  g_autoptr(GPtrArray) batches = g_ptr_array_new ();
  g_autoptr(GPtrArray) reports = NULL;

  g_return_val_if_fail (ANBU_IS_TELEMETRY (self), NULL);
  g_return_val_if_fail (batch != NULL, NULL);

  g_ptr_array_add (batches, batch);
  reports = anbu_telemetry_ingest_many (self, batches, now, error);
  if (reports == NULL)
    return NULL;
  if (g_ptr_array_index (reports, 0) == NULL)
    {
      g_set_error (error, ANBU_TELEMETRY_ERROR, ANBU_TELEMETRY_ERROR_FAILED,
                   "Cannot store the readings");
      return NULL;
    }
  return g_ptr_array_steal_index (reports, 0);
}

/* What the readings' storage must make before the transaction (the days'
 * partitions on PostgreSQL), for the entries whose values and times pass
 * (the checks are made again, as they were, inside it). */
static gboolean
prepare_readings (AnbuTelemetry  *self,
                  GPtrArray      *batches,
                  gint64          now,
                  GError        **error)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint b = 0; b < batches->len; b++)
    {
      AnbuTelemetryBatch *batch = g_ptr_array_index (batches, b);

      for (guint i = 0; i < batch->entries->len; i++)
        {
          AnbuTelemetryEntry *entry = anbu_telemetry_batch_entry (batch, i);

          check_values (entry, i, now, self->max_age);
          if (entry->reject_code == NULL)
            g_array_append_val (times, entry->ts);
        }
    }
  return anbu_reading_log_prepare (self->readings, (const gint64 *) (gpointer) times->data,
                                   times->len, error);
}

/* Every plug and gateway of the transaction's batches, locked before any
 * of them is written (anbu_telemetry_store_lock_rows): another instance
 * storing the same plugs in another order waits instead of deadlocking. */
static gboolean
lock_rows (AnbuTelemetry  *self,
           GPtrArray      *batches,
           GError        **error)
{
  g_autoptr(GPtrArray) serials = g_ptr_array_new ();
  g_autoptr(GPtrArray) gateway_ids = g_ptr_array_new ();

  for (guint b = 0; b < batches->len; b++)
    {
      AnbuTelemetryBatch *batch = g_ptr_array_index (batches, b);

      for (guint p = 0; p < batch->serials->len; p++)
        g_ptr_array_add (serials, g_ptr_array_index (batch->serials, p));
      if (batch->gateway_id != NULL)
        g_ptr_array_add (gateway_ids, (gpointer) batch->gateway_id);
    }
  return anbu_telemetry_store_lock_rows (self->data, (const char * const *) serials->pdata,
                                         serials->len, (const char * const *) gateway_ids->pdata,
                                         gateway_ids->len, error);
}

GPtrArray *
anbu_telemetry_ingest_many (AnbuTelemetry  *self,
                            GPtrArray      *batches,
                            gint64          now,
                            GError        **error)
{
  g_autoptr(GPtrArray) reports = NULL;

  g_return_val_if_fail (ANBU_IS_TELEMETRY (self), NULL);
  g_return_val_if_fail (batches != NULL, NULL);

  reports = g_ptr_array_new_full (batches->len, (GDestroyNotify) anbu_telemetry_report_free);
  if (!prepare_readings (self, batches, now, error)
      || !anbu_telemetry_store_begin (self->data, error))
    return NULL;
  if (!lock_rows (self, batches, error))
    goto failed;
  plug_cache_check (self);
  for (guint b = 0; b < batches->len; b++)
    {
      g_autoptr(GError) local_error = NULL;
      AnbuTelemetryReport *report;

      if (!anbu_telemetry_store_begin_batch (self->data, error))
        goto failed;
      report = ingest_batch (self, g_ptr_array_index (batches, b), now, &local_error);
      if (report == NULL)
        {
          g_warning ("A telemetry batch was not stored: %s", local_error->message);
          g_hash_table_remove_all (self->plug_cache);
          g_hash_table_remove_all (self->witnesses);
        }
      g_ptr_array_add (reports, report);
      if (!anbu_telemetry_store_end_batch (self->data, report != NULL, error))
        goto failed;
    }
  if (!anbu_telemetry_store_commit (self->data, error))
    goto failed;
  return g_steal_pointer (&reports);

failed:
  g_hash_table_remove_all (self->plug_cache);
  g_hash_table_remove_all (self->witnesses);
  anbu_telemetry_store_rollback (self->data);
  return NULL;
}

void
anbu_telemetry_set_max_age (AnbuTelemetry *self,
                            gint64         seconds)
{
  g_return_if_fail (ANBU_IS_TELEMETRY (self));
  self->max_age = MAX (seconds, 0);
}

gboolean
anbu_telemetry_get_plug_status (AnbuTelemetry           *self,
                                const char              *serial,
                                AnbuTelemetryPlugStatus *status)
{
  g_return_val_if_fail (ANBU_IS_TELEMETRY (self), FALSE);

  return live_get (self, serial, status);
}

static gboolean
publish_one (AnbuTelemetry           *self,
             AnbuStore               *store,
             const AnbuTelemetryDue  *fields,
             GError                 **error)
{
  g_autoptr(AnbuStoreEntity) entity = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonObject *record;

  entity = anbu_store_load (store, ANBU_RECORD_KIND_PLUG, fields->serial, &local_error);
  if (entity == NULL)
    {
      /* Removed meanwhile: nothing to publish. */
      if (g_error_matches (local_error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!json_parser_load_from_data (parser, entity->record, -1, &local_error)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_warning ("Skipping plug %s: its stored record is unreadable", fields->serial);
      return TRUE;
    }
  record = json_node_get_object (json_parser_get_root (parser));
  if (fields->detector != NULL
      && !anbu_activity_mark_from_string (json_object_get_string_member_with_default (record,
                                                                                   "activity_mark",
                                                                                   "auto"),
                                          &fields->detector->mark))
    fields->detector->mark = ANBU_ACTIVITY_MARK_AUTO;
  anbu_json_write_timestamp (record, "last_seen_at", fields->last_seen_at * G_USEC_PER_SEC);
  json_object_set_double_member (record, "last_watts", fields->last_watts);
  json_object_set_double_member (record, "last_lux", fields->last_lux);
  if (fields->last_activity_at > 0)
    {
      anbu_json_write_timestamp (record, "last_activity_at",
                                 fields->last_activity_at * G_USEC_PER_SEC);
    }
  /* What the plug's detector learned to leave out of activity, for the
   * household page: the facts, and the sentence in the server's language. */
  if (fields->detector != NULL)
    {
      g_autofree char *text = anbu_activity_detector_describe (fields->detector, &self->params);

      json_object_set_object_member (record, "activity_learned",
                                     anbu_activity_detector_describe_json (fields->detector,
                                                                           &self->params));
      if (text != NULL)
        json_object_set_string_member (record, "activity_learned_text", text);
      else
        json_object_remove_member (record, "activity_learned_text");
    }
  entity->version++;
  json_object_set_int_member (record, "version", entity->version);
  g_free (entity->record);
  entity->record = anbu_json_object_to_string (record);
  if (!anbu_store_save (store, entity, error))
    return FALSE;

  /* In the store's transaction, with the record. */
  return anbu_telemetry_store_mark_published (self->data, fields->serial, fields->last_seen_at,
                                              fields->last_watts, fields->last_lux,
                                              fields->last_activity_at, error);
}

gboolean
anbu_telemetry_publish_live (AnbuTelemetry  *self,
                             AnbuStore      *store,
                             gint64          now,
                             gint64          interval,
                             guint          *published,
                             GError        **error)
{
  g_autoptr(GArray) due = g_array_new (FALSE, FALSE, sizeof (AnbuTelemetryDue));

  g_return_val_if_fail (ANBU_IS_TELEMETRY (self), FALSE);
  g_return_val_if_fail (ANBU_IS_STORE (store), FALSE);

  g_array_set_clear_func (due, (GDestroyNotify) anbu_telemetry_due_clear);
  if (published != NULL)
    *published = 0;

  /* Read first, then write. */
  if (!anbu_telemetry_store_read_publish_due (self->data, now, MAX (interval, 1),
                                              ANBU_TELEMETRY_PUBLISH_PER_PASS, due, error))
    return FALSE;
  if (due->len == 0)
    return TRUE;

  if (!anbu_store_begin (store, error))
    return FALSE;
  for (guint i = 0; i < due->len; i++)
    if (!publish_one (self, store, &g_array_index (due, AnbuTelemetryDue, i), error))
      {
        anbu_store_rollback (store);
        return FALSE;
      }
  if (!anbu_store_commit (store, error))
    return FALSE;
  if (published != NULL)
    *published = due->len;
  return TRUE;
}
