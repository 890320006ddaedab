/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-stats-table"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-csv-writer.h"
#include "anbu-kst.h"
#include "anbu-record-json.h"
#include "anbu-stats-table.h"
#include "anbu-validate.h"

struct _AnbuStatsTable
{
  AnbuStatsGroup  group;
  GDate           from;
  GDate           to;
  GArray         *rows;  /* of AnbuStatsRow */
  AnbuStatsRow    totals;
  GArray         *dong_rows;   /* of AnbuStatsRow, over the whole range */
  GPtrArray      *dong_codes;
  GPtrArray      *dong_names;  /* the code where the server named none */
};

G_DEFINE_QUARK (anbu-stats-error-quark, anbu_stats_error)

static const struct
{
  const char *name;
  const char *label;
} columns[ANBU_STATS_N_COLUMNS] = {
  { "households_with_signals", N_("Households with risk signals") },
  { "signals", N_("Risk signals") },
  { "checks.phone", N_("Phone checks") },
  { "checks.sms", N_("SMS checks") },
  { "checks.visit", N_("Visit checks") },
  { "checks.bad_number", N_("Checks failed: bad number") },
  { "dispatches.dispatch_112", N_("112 dispatches") },
  { "dispatches.dispatch_119", N_("119 dispatches") },
  { "resolutions.safe", N_("Resolved: safe") },
  { "resolutions.hospitalized", N_("Resolved: hospitalized") },
  { "resolutions.absent", N_("Resolved: away") },
  { "resolutions.deceased", N_("Resolved: deceased") },
  { "resolutions.false_alarm", N_("Resolved: false alarm") },
  { "resolutions.device_problem", N_("Resolved: device problem") },
};

static const char *group_names[] = { "day", "week", "month" };

const char *
anbu_stats_group_to_string (AnbuStatsGroup group)
{
  g_return_val_if_fail (group <= ANBU_STATS_GROUP_MONTH, NULL);
  return group_names[group];
}

gboolean
anbu_stats_group_from_string (const char     *text,
                              AnbuStatsGroup *group)
{
  for (guint i = 0; i < G_N_ELEMENTS (group_names); i++)
    if (g_strcmp0 (text, group_names[i]) == 0)
      {
        if (group != NULL)
          *group = i;
        return TRUE;
      }
  return FALSE;
}

const char *
anbu_stats_group_to_label (AnbuStatsGroup group)
{
  switch (group)
    {
    case ANBU_STATS_GROUP_DAY:
      return _("Per day");
    case ANBU_STATS_GROUP_WEEK:
      return _("Per week");
    case ANBU_STATS_GROUP_MONTH:
      return _("Per month");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
anbu_stats_column_get_name (AnbuStatsColumn column)
{
  g_return_val_if_fail (column < ANBU_STATS_N_COLUMNS, NULL);
  return columns[column].name;
}

const char *
anbu_stats_column_get_label (AnbuStatsColumn column)
{
  g_return_val_if_fail (column < ANBU_STATS_N_COLUMNS, NULL);
  return g_dgettext (GETTEXT_PACKAGE, columns[column].label);
}

/* A time member ("2026-11-01T00:00:00+09:00") as its day in Korea; an
 * exclusive end (@is_end) as the last day it covers. */
static gboolean
read_day (JsonObject  *object,
          const char  *member,
          gboolean     is_end,
          GDate       *date,
          GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  gint64 usec = 0;

  g_date_clear (date, 1);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING
      || !anbu_validate_timestamp (member, json_node_get_string (node), &usec, NULL))
    {
      g_set_error (error, ANBU_STATS_ERROR, ANBU_STATS_ERROR_INVALID,
                   "%s: expected a time such as 2026-11-01T00:00:00+09:00", member);
      return FALSE;
    }
  {
    g_autoptr(GDateTime) moment = anbu_timestamp_to_date_time (is_end ? usec - 1 : usec);
    g_autoptr(GDateTime) kst = anbu_kst_to_kst (moment);

    anbu_kst_get_date (kst, date);
  }
  return TRUE;
}

/* The member at a dotted @path ("checks.phone"), NULL when absent. */
static JsonNode *
lookup_path (JsonObject *object,
             const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  JsonNode *node = NULL;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (object == NULL)
        return NULL;
      node = json_object_get_member (object, parts[i]);
      if (node == NULL)
        return NULL;
      object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    }
  return node;
}

static gboolean
read_counts (JsonObject    *object,
             AnbuStatsRow  *row,
             GError       **error)
{
  for (guint c = 0; c < ANBU_STATS_N_COLUMNS; c++)
    {
      JsonNode *node = lookup_path (object, columns[c].name);
      gint64 value;

      row->values[c] = 0;
      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        continue;
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
        {
          g_set_error (error, ANBU_STATS_ERROR, ANBU_STATS_ERROR_INVALID,
                       "%s: expected a count", columns[c].name);
          return FALSE;
        }
      value = json_node_get_int (node);
      if (value < 0)
        {
          g_set_error (error, ANBU_STATS_ERROR, ANBU_STATS_ERROR_INVALID,
                       "%s: a count is never negative", columns[c].name);
          return FALSE;
        }
      row->values[c] = value;
    }
  return TRUE;
}

AnbuStatsTable *
anbu_stats_table_new_from_json (JsonNode  *root,
                                GError   **error)
{
  JsonNode *node;
  g_autoptr(AnbuStatsTable) table = NULL;
  JsonObject *object;
  JsonNode *rows, *totals;
  const char *group;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, ANBU_STATS_ERROR, ANBU_STATS_ERROR_INVALID,
                           "expected a JSON object");
      return NULL;
    }
  object = json_node_get_object (root);
  table = g_new0 (AnbuStatsTable, 1);
  table->rows = g_array_new (FALSE, TRUE, sizeof (AnbuStatsRow));

  node = json_object_get_member (object, "group");
  group = node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
          ? json_node_get_string (node) : NULL;
  if (!anbu_stats_group_from_string (group, &table->group))
    {
      g_set_error_literal (error, ANBU_STATS_ERROR, ANBU_STATS_ERROR_INVALID,
                           "group: expected day, week or month");
      return NULL;
    }
  if (!read_day (object, "from", FALSE, &table->from, error)
      || !read_day (object, "to", TRUE, &table->to, error))
    return NULL;
  if (g_date_compare (&table->from, &table->to) > 0)
    {
      g_set_error_literal (error, ANBU_STATS_ERROR, ANBU_STATS_ERROR_INVALID,
                           "to: the range ends before it starts");
      return NULL;
    }

  rows = json_object_get_member (object, "periods");
  if (rows == NULL || !JSON_NODE_HOLDS_ARRAY (rows))
    {
      g_set_error_literal (error, ANBU_STATS_ERROR, ANBU_STATS_ERROR_INVALID,
                           "periods: expected an array");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (rows)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (rows), i);
      AnbuStatsRow row = { 0 };

      if (!JSON_NODE_HOLDS_OBJECT (item))
        {
          g_set_error (error, ANBU_STATS_ERROR, ANBU_STATS_ERROR_INVALID,
                       "periods.%u: expected an object", i);
          return NULL;
        }
      if (!read_day (json_node_get_object (item), "start", FALSE, &row.start, error)
          || !read_day (json_node_get_object (item), "end", TRUE, &row.end, error)
          || !read_counts (json_node_get_object (item), &row, error))
        return NULL;
      if (g_date_compare (&row.start, &row.end) > 0)
        {
          g_set_error (error, ANBU_STATS_ERROR, ANBU_STATS_ERROR_INVALID,
                       "periods.%u: the period ends before it starts", i);
          return NULL;
        }
      g_array_append_val (table->rows, row);
    }

  totals = json_object_get_member (object, "total");
  if (totals == NULL || !JSON_NODE_HOLDS_OBJECT (totals))
    {
      g_set_error_literal (error, ANBU_STATS_ERROR, ANBU_STATS_ERROR_INVALID,
                           "total: expected an object");
      return NULL;
    }
  if (!read_counts (json_node_get_object (totals), &table->totals, error))
    return NULL;
  table->totals.start = table->from;
  table->totals.end = table->to;

  /* Per 동, optional (a server before issue 17 sends none). */
  table->dong_rows = g_array_new (FALSE, TRUE, sizeof (AnbuStatsRow));
  table->dong_codes = g_ptr_array_new_with_free_func (g_free);
  table->dong_names = g_ptr_array_new_with_free_func (g_free);
  node = json_object_get_member (object, "by_dong");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonArray *dongs;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          g_set_error_literal (error, ANBU_STATS_ERROR, ANBU_STATS_ERROR_INVALID,
                               "by_dong: expected an array");
          return NULL;
        }
      dongs = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (dongs); i++)
        {
          JsonNode *item = json_array_get_element (dongs, i);
          AnbuStatsRow row = { 0 };
          const char *code, *name;

          if (!JSON_NODE_HOLDS_OBJECT (item)
              || (code = json_object_get_string_member_with_default (json_node_get_object (item),
                                                                     "dong_code", NULL)) == NULL)
            {
              g_set_error (error, ANBU_STATS_ERROR, ANBU_STATS_ERROR_INVALID,
                           "by_dong.%u: expected an object with a dong_code", i);
              return NULL;
            }
          if (!read_counts (json_node_get_object (item), &row, error))
            return NULL;
          name = json_object_get_string_member_with_default (json_node_get_object (item), "dong_name", NULL);
          row.start = table->from;
          row.end = table->to;
          g_array_append_val (table->dong_rows, row);
          g_ptr_array_add (table->dong_codes, g_strdup (code));
          g_ptr_array_add (table->dong_names, g_strdup (name != NULL && name[0] != '\0' ? name : code));
        }
    }

  return g_steal_pointer (&table);
}

AnbuStatsTable *
anbu_stats_table_new_from_data (const char  *data,
                                gssize       length,
                                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = anbu_json_parse_document (data, length, &local_error);

  if (root == NULL)
    {
      g_set_error (error, ANBU_STATS_ERROR, ANBU_STATS_ERROR_INVALID,
                   "not JSON: %s", local_error->message);
      return NULL;
    }
  return anbu_stats_table_new_from_json (root, error);
}

void
anbu_stats_table_free (AnbuStatsTable *table)
{
  if (table == NULL)
    return;
  g_clear_pointer (&table->rows, g_array_unref);
  g_clear_pointer (&table->dong_rows, g_array_unref);
  g_clear_pointer (&table->dong_codes, g_ptr_array_unref);
  g_clear_pointer (&table->dong_names, g_ptr_array_unref);
  g_free (table);
}

AnbuStatsGroup
anbu_stats_table_get_group (const AnbuStatsTable *table)
{
  return table->group;
}

const GDate *
anbu_stats_table_get_from (const AnbuStatsTable *table)
{
  return &table->from;
}

const GDate *
anbu_stats_table_get_to (const AnbuStatsTable *table)
{
  return &table->to;
}

guint
anbu_stats_table_get_n_rows (const AnbuStatsTable *table)
{
  return table->rows->len;
}

const AnbuStatsRow *
anbu_stats_table_get_row (const AnbuStatsTable *table,
                          guint                 index)
{
  g_return_val_if_fail (index < table->rows->len, NULL);
  return &g_array_index (table->rows, AnbuStatsRow, index);
}

const AnbuStatsRow *
anbu_stats_table_get_totals (const AnbuStatsTable *table)
{
  return &table->totals;
}

guint
anbu_stats_table_get_n_dongs (const AnbuStatsTable *table)
{
  return table->dong_rows != NULL ? table->dong_rows->len : 0;
}

const AnbuStatsRow *
anbu_stats_table_get_dong_row (const AnbuStatsTable *table,
                               guint                 index)
{
  g_return_val_if_fail (index < anbu_stats_table_get_n_dongs (table), NULL);
  return &g_array_index (table->dong_rows, AnbuStatsRow, index);
}

const char *
anbu_stats_table_get_dong_code (const AnbuStatsTable *table,
                                guint                 index)
{
  g_return_val_if_fail (index < anbu_stats_table_get_n_dongs (table), NULL);
  return table->dong_codes->pdata[index];
}

const char *
anbu_stats_table_get_dong_name (const AnbuStatsTable *table,
                                guint                 index)
{
  g_return_val_if_fail (index < anbu_stats_table_get_n_dongs (table), NULL);
  return table->dong_names->pdata[index];
}

static char *
format_iso_date (const GDate *date)
{
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

char *
anbu_stats_table_format_period (const AnbuStatsTable *table,
                                const AnbuStatsRow   *row)
{
  GDate end;
  g_autofree char *start_text = NULL;
  g_autofree char *end_text = NULL;

  switch (table->group)
    {
    case ANBU_STATS_GROUP_MONTH:
      return g_strdup_printf ("%04u-%02u", g_date_get_year (&row->start), g_date_get_month (&row->start));
    case ANBU_STATS_GROUP_WEEK:
      end = row->end;
      start_text = format_iso_date (&row->start);
      end_text = format_iso_date (&end);
      return g_strdup_printf ("%s ~ %s", start_text, end_text);
    case ANBU_STATS_GROUP_DAY:
    default:
      return format_iso_date (&row->start);
    }
}

static void
add_counts (AnbuCsvWriter      *writer,
            const AnbuStatsRow *row)
{
  for (guint c = 0; c < ANBU_STATS_N_COLUMNS; c++)
    anbu_csv_writer_add_int (writer, row->values[c]);
  anbu_csv_writer_end_row (writer);
}

GBytes *
anbu_stats_table_to_csv (const AnbuStatsTable *table)
{
  g_autoptr(AnbuCsvWriter) writer = anbu_csv_writer_new ();

  anbu_csv_writer_add_text (writer, _("Period"));
  for (guint c = 0; c < ANBU_STATS_N_COLUMNS; c++)
    anbu_csv_writer_add_text (writer, anbu_stats_column_get_label (c));
  anbu_csv_writer_end_row (writer);

  for (guint i = 0; i < table->rows->len; i++)
    {
      const AnbuStatsRow *row = &g_array_index (table->rows, AnbuStatsRow, i);
      g_autofree char *period = anbu_stats_table_format_period (table, row);

      anbu_csv_writer_add_text (writer, period);
      add_counts (writer, row);
    }

  anbu_csv_writer_add_text (writer, _("Total"));
  add_counts (writer, &table->totals);

  return anbu_csv_writer_free_to_bytes (g_steal_pointer (&writer));
}
