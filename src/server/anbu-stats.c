/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-stats"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "anbu-bad-number.h"
#include "anbu-enums.h"
#include "anbu-kst.h"
#include "anbu-stats.h"

#define N_KINDS       (ANBU_ALERT_KIND_OFFLINE + 1)
#define N_CHANNELS    (ANBU_CONTACT_CHANNEL_DISPATCH_119 + 1)
#define N_RESOLUTIONS (ANBU_ALERT_RESOLUTION_DEVICE_PROBLEM + 1)

typedef struct
{
  gint64      start;
  gint64      end;
  GHashTable *households;   /* household ids with a signal raised in the period */
  guint       signals[N_KINDS];
  guint       channels[N_CHANNELS];
  guint       resolutions[N_RESOLUTIONS];
  guint       bad_number;   /* checks that failed on a wrong or dead number */
} Period;

static void
period_clear (Period *period)
{
  g_clear_pointer (&period->households, g_hash_table_unref);
}

/* One 동's counts over the whole range (for the control centre and a team
 * lead, whose scope spans several 동). */
typedef struct
{
  Period  counts;
  char   *code;
  char   *name;   /* as the households name it, NULL when none does */
} DongTotals;

static void
dong_totals_free (DongTotals *dong)
{
  period_clear (&dong->counts);
  g_free (dong->code);
  g_free (dong->name);
  g_free (dong);
}

static DongTotals *
dong_totals_get (GHashTable *dongs,
                 const char *code,
                 const char *name)
{
  DongTotals *dong;

  if (code == NULL)
    code = "";
  dong = g_hash_table_lookup (dongs, code);
  if (dong == NULL)
    {
      dong = g_new0 (DongTotals, 1);
      dong->code = g_strdup (code);
      dong->counts.households = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (dongs, dong->code, dong);
    }
  if (dong->name == NULL && name != NULL && name[0] != '\0')
    dong->name = g_strdup (name);
  return dong;
}

static int
compare_dongs (gconstpointer a,
               gconstpointer b)
{
  const DongTotals *x = *(DongTotals * const *) a, *y = *(DongTotals * const *) b;

  return strcmp (x->code, y->code);
}

gboolean
anbu_stats_group_from_string (const char     *text,
                              AnbuStatsGroup *group)
{
  if (g_strcmp0 (text, "day") == 0)
    *group = ANBU_STATS_GROUP_DAY;
  else if (g_strcmp0 (text, "week") == 0)
    *group = ANBU_STATS_GROUP_WEEK;
  else if (g_strcmp0 (text, "month") == 0)
    *group = ANBU_STATS_GROUP_MONTH;
  else
    return FALSE;
  return TRUE;
}

static const char *
group_to_string (AnbuStatsGroup group)
{
  switch (group)
    {
    case ANBU_STATS_GROUP_DAY:
      return "day";
    case ANBU_STATS_GROUP_WEEK:
      return "week";
    case ANBU_STATS_GROUP_MONTH:
    default:
      return "month";
    }
}

/* Start (KST) of the period that contains `moment`. */
static GDateTime *
period_start (GDateTime      *moment,
              AnbuStatsGroup  group)
{
  g_autoptr(GDateTime) day = anbu_kst_start_of_day (moment);

  switch (group)
    {
    case ANBU_STATS_GROUP_WEEK:
      return g_date_time_add_days (day, 1 - g_date_time_get_day_of_week (day));
    case ANBU_STATS_GROUP_MONTH:
      return g_date_time_add_days (day, 1 - g_date_time_get_day_of_month (day));
    case ANBU_STATS_GROUP_DAY:
    default:
      return g_date_time_ref (day);
    }
}

static GDateTime *
period_next (GDateTime      *start,
             AnbuStatsGroup  group)
{
  switch (group)
    {
    case ANBU_STATS_GROUP_WEEK:
      return g_date_time_add_weeks (start, 1);
    case ANBU_STATS_GROUP_MONTH:
      return g_date_time_add_months (start, 1);
    case ANBU_STATS_GROUP_DAY:
    default:
      return g_date_time_add_days (start, 1);
    }
}

guint64
anbu_stats_count_periods (gint64         from,
                          gint64         to,
                          AnbuStatsGroup group)
{
  gint64 shortest;

  if (to <= from)
    return 0;
  switch (group)
    {
    case ANBU_STATS_GROUP_WEEK:
      shortest = 7 * 24 * 3600;
      break;
    case ANBU_STATS_GROUP_MONTH:
      shortest = 28 * 24 * 3600;
      break;
    case ANBU_STATS_GROUP_DAY:
    default:
      shortest = 24 * 3600;
      break;
    }
  /* A partial period at each end. */
  return (guint64) ((to - from) / shortest) + 2;
}

static Period *
find_period (GArray *periods,
             gint64  t)
{
  guint lo = 0, hi = periods->len;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      Period *period = &g_array_index (periods, Period, mid);

      if (t < period->start)
        hi = mid;
      else if (t >= period->end)
        lo = mid + 1;
      else
        return period;
    }
  return NULL;
}

/* Statistics look back: a case closed since still counts for its 동. */
static gboolean
in_scope (const AnbuScope *scope,
          const char      *dong_code,
          gboolean         night_consent)
{
  AnbuHouseholdScopeKey key;

  key.dong_code = (char *) dong_code;
  key.night_consent = night_consent;
  key.status = (char *) "active";
  /* Statistics count by 동: a household moved on its own counts where it lives. */
  key.assigned_planner = NULL;
  return anbu_scope_contains (scope, &key);
}

static void
add_time (JsonBuilder *builder,
          const char  *member,
          gint64       seconds)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (seconds);
  g_autoptr(GDateTime) kst = anbu_kst_to_kst (utc);
  g_autofree char *text = g_date_time_format_iso8601 (kst);

  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, text);
}

static void
add_count (JsonBuilder *builder,
           const char  *member,
           guint        value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

static void
add_counts (JsonBuilder  *builder,
            const Period *period,
            guint         n_households)
{
  guint signals = 0;

  for (guint k = 0; k < N_KINDS; k++)
    signals += period->signals[k];
  add_count (builder, "households_with_signals", n_households);
  add_count (builder, "signals", signals);
  json_builder_set_member_name (builder, "signals_by_kind");
  json_builder_begin_object (builder);
  for (guint k = 0; k < N_KINDS; k++)
    add_count (builder, anbu_alert_kind_to_string (k), period->signals[k]);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "checks");
  json_builder_begin_object (builder);
  add_count (builder, "phone", period->channels[ANBU_CONTACT_CHANNEL_PHONE]);
  add_count (builder, "sms", period->channels[ANBU_CONTACT_CHANNEL_SMS]);
  add_count (builder, "visit", period->channels[ANBU_CONTACT_CHANNEL_VISIT]);
  add_count (builder, "total", period->channels[ANBU_CONTACT_CHANNEL_PHONE]
                               + period->channels[ANBU_CONTACT_CHANNEL_SMS]
                               + period->channels[ANBU_CONTACT_CHANNEL_VISIT]);
  /* Of those, the ones that reached no one because the number is wrong or
   * not in service (anbu-bad-number.h): what stale contact data costs. */
  add_count (builder, "bad_number", period->bad_number);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "dispatches");
  json_builder_begin_object (builder);
  add_count (builder, "dispatch_112", period->channels[ANBU_CONTACT_CHANNEL_DISPATCH_112]);
  add_count (builder, "dispatch_119", period->channels[ANBU_CONTACT_CHANNEL_DISPATCH_119]);
  add_count (builder, "total", period->channels[ANBU_CONTACT_CHANNEL_DISPATCH_112]
                               + period->channels[ANBU_CONTACT_CHANNEL_DISPATCH_119]);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "resolutions");
  json_builder_begin_object (builder);
  for (guint r = 0; r < N_RESOLUTIONS; r++)
    add_count (builder, anbu_alert_resolution_to_string (r), period->resolutions[r]);
  json_builder_end_object (builder);
}

/* When one household's signals were open: [raised_at, closed_at], an
 * unresolved one open to the end of time. Sorted by start, with the
 * latest end so far beside each, a visit is tested in O(log n). */
typedef struct
{
  gint64 start;
  gint64 end;
  gint64 latest_end;   /* the largest end among this and earlier intervals */
} OpenInterval;

static int
compare_intervals (gconstpointer a,
                   gconstpointer b)
{
  const OpenInterval *x = a, *y = b;

  return x->start < y->start ? -1 : x->start > y->start ? 1 : 0;
}

static void
intervals_prepare (gpointer key,
                   gpointer value,
                   gpointer user_data)
{
  GArray *intervals = value;

  g_array_sort (intervals, compare_intervals);
  for (guint i = 0; i < intervals->len; i++)
    {
      OpenInterval *interval = &g_array_index (intervals, OpenInterval, i);

      interval->latest_end = i == 0 ? interval->end
                                    : MAX (interval->end,
                                           g_array_index (intervals, OpenInterval, i - 1).latest_end);
    }
}

/* Was one of these signals open at `t` (raised_at <= t <= closed_at)? */
static gboolean
intervals_cover (GArray *intervals,
                 gint64  t)
{
  guint lo = 0, hi = intervals->len;

  /* The first interval that starts after t. */
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (intervals, OpenInterval, mid).start <= t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo > 0 && g_array_index (intervals, OpenInterval, lo - 1).latest_end >= t;
}

/* What the three passes over signals, contacts and visits count into. */
typedef struct
{
  const AnbuScope *scope;
  GArray          *periods;
  Period          *total;
  GHashTable      *all_households;
  GHashTable      *open_intervals;   /* household id → GArray of OpenInterval */
  GHashTable      *dongs;
} Counting;

static void
count_signal (const AnbuReportSignal *signal,
              gpointer                user_data)
{
  Counting *counting = user_data;
  const char *household = signal->household_id;
  AnbuAlertKind kind;
  AnbuAlertResolution resolution;
  Period *period;

  if (!in_scope (counting->scope, signal->dong_code, signal->night_consent))
    return;
  /* Open from raised_at; to closed_at once resolved (a resolved signal
   * without closed_at covers no visit, as before). */
  if (signal->has_raised_at && (!signal->resolved || signal->has_closed_at))
    {
      OpenInterval interval = { 0 };
      GArray *intervals = g_hash_table_lookup (counting->open_intervals, household);

      if (intervals == NULL)
        {
          intervals = g_array_new (FALSE, FALSE, sizeof (OpenInterval));
          g_hash_table_insert (counting->open_intervals, g_strdup (household), intervals);
        }
      interval.start = signal->raised_at;
      interval.end = !signal->resolved ? G_MAXINT64 : signal->closed_at;
      g_array_append_val (intervals, interval);
    }
  if (anbu_alert_kind_from_string (signal->kind, &kind)
      && (period = find_period (counting->periods, signal->raised_at)) != NULL)
    {
      DongTotals *dong = dong_totals_get (counting->dongs, signal->dong_code, signal->dong_name);

      period->signals[kind]++;
      counting->total->signals[kind]++;
      dong->counts.signals[kind]++;
      g_hash_table_add (period->households, g_strdup (household));
      g_hash_table_add (counting->all_households, g_strdup (household));
      g_hash_table_add (dong->counts.households, g_strdup (household));
    }
  if (signal->resolution != NULL
      && anbu_alert_resolution_from_string (signal->resolution, &resolution)
      && (period = find_period (counting->periods, signal->closed_at)) != NULL)
    {
      period->resolutions[resolution]++;
      counting->total->resolutions[resolution]++;
      dong_totals_get (counting->dongs, signal->dong_code,
                       signal->dong_name)->counts.resolutions[resolution]++;
    }
}

static void
count_contact (const AnbuReportContact *contact,
               gpointer                 user_data)
{
  Counting *counting = user_data;
  AnbuContactChannel channel;
  AnbuContactOutcome outcome = ANBU_CONTACT_OUTCOME_OTHER;
  Period *period;

  if (!in_scope (counting->scope, contact->dong_code, contact->night_consent))
    return;
  anbu_contact_outcome_from_string (contact->outcome, &outcome);
  /* A planner confirming a number is no 안부 확인. */
  if (outcome == ANBU_CONTACT_OUTCOME_NUMBER_CONFIRMED)
    return;
  if (anbu_contact_channel_from_string (contact->channel, &channel)
      && (period = find_period (counting->periods, contact->at)) != NULL)
    {
      DongTotals *dong = dong_totals_get (counting->dongs, contact->dong_code, contact->dong_name);

      period->channels[channel]++;
      counting->total->channels[channel]++;
      dong->counts.channels[channel]++;
      if (anbu_contact_outcome_is_bad_number (outcome))
        {
          period->bad_number++;
          counting->total->bad_number++;
          dong->counts.bad_number++;
        }
    }
}

/* A visit made while one of the household's signals was open is a 방문 확인
 * too (docs/casework.md), as is a contact by visit: tested against the
 * signals' intervals gathered before (a correlated EXISTS per visit took
 * minutes on a city's year). */
static void
count_visit (const AnbuReportVisit *visit,
             gpointer               user_data)
{
  Counting *counting = user_data;
  GArray *intervals;
  Period *period;

  if (!visit->has_at || !in_scope (counting->scope, visit->dong_code, visit->night_consent))
    return;
  if ((period = find_period (counting->periods, visit->at)) != NULL
      && (intervals = g_hash_table_lookup (counting->open_intervals, visit->household_id)) != NULL
      && intervals_cover (intervals, visit->at))
    {
      period->channels[ANBU_CONTACT_CHANNEL_VISIT]++;
      counting->total->channels[ANBU_CONTACT_CHANNEL_VISIT]++;
      dong_totals_get (counting->dongs, visit->dong_code,
                       visit->dong_name)->counts.channels[ANBU_CONTACT_CHANNEL_VISIT]++;
    }
}

char *
anbu_stats_to_json (AnbuReportStore  *reports,
                    const AnbuScope  *scope,
                    gint64            from,
                    gint64            to,
                    AnbuStatsGroup    group,
                    GError          **error)
{
  g_autoptr(GArray) periods = g_array_new (FALSE, TRUE, sizeof (Period));
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) from_dt = g_date_time_new_from_unix_utc (from);
  g_autoptr(GDateTime) cursor = period_start (from_dt, group);
  g_autoptr(GHashTable) all_households = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* household id → GArray of OpenInterval */
  g_autoptr(GHashTable) open_intervals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                                (GDestroyNotify) g_array_unref);
  g_autoptr(GHashTable) dongs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                       (GDestroyNotify) dong_totals_free);
  g_autoptr(GPtrArray) dong_list = NULL;
  Period total = { 0 };
  Counting counting = { scope, periods, &total, all_households, open_intervals, dongs };

  g_array_set_clear_func (periods, (GDestroyNotify) period_clear);
  while (g_date_time_to_unix (cursor) < to)
    {
      g_autoptr(GDateTime) next = period_next (cursor, group);
      Period period = { 0 };

      /* GDateTime ends at the year 9999: stop there rather than loop. */
      if (next == NULL)
        {
          g_set_error_literal (error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_FAILED,
                               "The span runs past the end of the calendar");
          return NULL;
        }

      period.start = MAX (g_date_time_to_unix (cursor), from);
      period.end = MIN (g_date_time_to_unix (next), to);
      period.households = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_array_append_val (periods, period);
      g_date_time_unref (cursor);
      cursor = g_steal_pointer (&next);
    }

  /* Every signal, whenever raised: one raised before `from` and still open
   * (or closed) inside the span makes a visit there a 방문 확인. Times sit
   * in the JSON records (no index), so the span is applied here, in C. */
  if (!anbu_report_store_foreach_signal (reports, count_signal, &counting, error))
    return NULL;
  g_hash_table_foreach (open_intervals, intervals_prepare, NULL);
  if (!anbu_report_store_foreach_contact (reports, count_contact, &counting, error)
      || !anbu_report_store_foreach_visit (reports, count_visit, &counting, error))
    return NULL;

  json_builder_begin_object (builder);
  add_time (builder, "from", from);
  add_time (builder, "to", to);
  json_builder_set_member_name (builder, "group");
  json_builder_add_string_value (builder, group_to_string (group));
  json_builder_set_member_name (builder, "periods");
  json_builder_begin_array (builder);
  for (guint i = 0; i < periods->len; i++)
    {
      Period *period = &g_array_index (periods, Period, i);

      json_builder_begin_object (builder);
      add_time (builder, "start", period->start);
      add_time (builder, "end", period->end);
      add_counts (builder, period, g_hash_table_size (period->households));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "total");
  json_builder_begin_object (builder);
  add_counts (builder, &total, g_hash_table_size (all_households));
  json_builder_end_object (builder);
  /* Per 동 over the whole range, by code: the 동 with anything to count. */
  {
    GHashTableIter iter;
    gpointer value;

    dong_list = g_ptr_array_new ();
    g_hash_table_iter_init (&iter, dongs);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      g_ptr_array_add (dong_list, value);
    g_ptr_array_sort (dong_list, compare_dongs);
  }
  json_builder_set_member_name (builder, "by_dong");
  json_builder_begin_array (builder);
  for (guint i = 0; i < dong_list->len; i++)
    {
      DongTotals *dong = dong_list->pdata[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "dong_code");
      json_builder_add_string_value (builder, dong->code);
      if (dong->name != NULL)
        {
          json_builder_set_member_name (builder, "dong_name");
          json_builder_add_string_value (builder, dong->name);
        }
      add_counts (builder, &dong->counts, g_hash_table_size (dong->counts.households));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}
