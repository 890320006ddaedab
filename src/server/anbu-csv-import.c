/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-import"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "anbu-csv-import.h"
#include "anbu-household.h"
#include "anbu-mutations.h"
#include "anbu-record-error.h"

G_DEFINE_QUARK (anbu-csv-error-quark, anbu_csv_error)

typedef enum
{
  VALUE_TEXT,
  VALUE_INT,
  VALUE_DOUBLE,
  VALUE_BOOL,
  VALUE_SEX,
  VALUE_STATUS,
  VALUE_PLANNER,
} ValueType;

/* Column headers: the household field, then the Korean names offices use. */
static const struct
{
  const char *field;
  ValueType   type;
  const char *aliases[6];
} columns[] = {
  { "id", VALUE_TEXT, { "가구ID", "가구 ID", NULL } },
  { "dong_code", VALUE_TEXT, { "행정동코드", "행정기관코드", "동코드", NULL } },
  { "dong_name", VALUE_TEXT, { "행정동", "동명", "행정동명", "동", NULL } },
  { "name", VALUE_TEXT, { "이름", "성명", "대상자", NULL } },
  { "birth_year", VALUE_INT, { "출생연도", "출생년도", "생년", NULL } },
  { "sex", VALUE_SEX, { "성별", NULL } },
  { "phone", VALUE_TEXT, { "전화번호", "연락처", "휴대전화", NULL } },
  { "address", VALUE_TEXT, { "주소", "도로명주소", NULL } },
  { "address_detail", VALUE_TEXT, { "상세주소", NULL } },
  { "lat", VALUE_DOUBLE, { "위도", NULL } },
  { "lon", VALUE_DOUBLE, { "경도", NULL } },
  { "risk_notes", VALUE_TEXT, { "위험요인", "특이사항", "건강상태", NULL } },
  { "night_consent", VALUE_BOOL,
    { "야간·공휴일 관제 동의", "야간공휴일관제동의", "야간동의", "관제동의", NULL } },
  { "night_consent_date", VALUE_TEXT, { "동의일", "동의일자", NULL } },
  { "threshold_hours", VALUE_INT, { "기준시간", "감지기준시간", NULL } },
  { "status", VALUE_STATUS, { "상태", NULL } },
  { "planner", VALUE_PLANNER, { "담당자", "담당플래너", "담당 복지플래너", NULL } },
};

static const char * const required_fields[] = { "dong_code", "name", "address" };

void
anbu_csv_import_report_free (AnbuCsvImportReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->rejected, g_ptr_array_unref);
  g_free (report);
}

static void
rejected_row_free (AnbuCsvRejectedRow *row)
{
  g_free (row->field);
  g_free (row->reason);
  g_free (row);
}

GPtrArray *
anbu_csv_parse (const char  *text,
                gsize        length,
                GArray      *lines,
                GError     **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *row = NULL;
  g_autoptr(GString) field = g_string_new (NULL);
  gboolean quoted = FALSE;
  gboolean field_started = FALSE;
  guint line = 1;
  guint row_line = 1;
  gsize i = 0;

  if (length >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    i = 3;

  for (; i <= length; i++)
    {
      char c = i < length ? text[i] : '\n';
      gboolean at_end = i == length;

      if (quoted)
        {
          if (at_end)
            {
              g_set_error (error, ANBU_CSV_ERROR, ANBU_CSV_ERROR_MALFORMED,
                           _("Line %u: a quoted field is never closed"), row_line);
              g_clear_pointer (&row, g_ptr_array_unref);
              return NULL;
            }
          if (c == '"' && i + 1 < length && text[i + 1] == '"')
            {
              g_string_append_c (field, '"');
              i++;
            }
          else if (c == '"')
            quoted = FALSE;
          else
            {
              if (c == '\n')
                line++;
              g_string_append_c (field, c);
            }
          continue;
        }

      if (c == '"' && !field_started)
        {
          quoted = TRUE;
          field_started = TRUE;
        }
      else if (c == ',' || c == '\n' || c == '\r')
        {
          if (c == '\r' && i + 1 < length && text[i + 1] == '\n')
            i++;
          if (row == NULL)
            row = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          field_started = FALSE;
          if (c != ',')
            {
              /* A blank line is no row. */
              if (!(row->len == 1 && *(char *) g_ptr_array_index (row, 0) == '\0'))
                {
                  g_ptr_array_add (rows, row);
                  if (lines != NULL)
                    g_array_append_val (lines, row_line);
                }
              else
                g_ptr_array_unref (row);
              row = NULL;
              line++;
              row_line = line;
            }
        }
      else
        {
          g_string_append_c (field, c);
          field_started = TRUE;
        }
    }
  g_clear_pointer (&row, g_ptr_array_unref);
  return g_steal_pointer (&rows);
}

static gint
find_column (const char *header)
{
  g_autofree char *name = g_strstrip (g_strdup (header));

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      if (g_ascii_strcasecmp (name, columns[i].field) == 0)
        return (gint) i;
      for (guint j = 0; columns[i].aliases[j] != NULL; j++)
        if (strcmp (name, columns[i].aliases[j]) == 0)
          return (gint) i;
    }
  return -1;
}

static gboolean
word_in (const char         *value,
         const char * const *words)
{
  for (guint i = 0; words[i] != NULL; i++)
    if (g_ascii_strcasecmp (value, words[i]) == 0)
      return TRUE;
  return FALSE;
}

/* A CSV cell as the JSON value the household codec reads. Cells that do
 * not parse as their type go in as text, so the codec names the field. */
static JsonNode *
cell_to_json (ValueType   type,
              const char *cell)
{
  static const char * const yes[] = { "y", "yes", "true", "1", "o", "예", "동의", "네", NULL };
  static const char * const no[] = {
    "n", "no", "false", "0", "x", "아니오", "미동의", "부동의", NULL
  };
  static const char * const female[] = { "female", "f", "여", "여성", "여자", NULL };
  static const char * const male[] = { "male", "m", "남", "남성", "남자", NULL };
  static const char * const active[] = { "active", "활성", "관리중", "정상", NULL };
  static const char * const paused[] = { "paused", "중지", "일시중지", "보류", NULL };
  static const char * const closed[] = { "closed", "종결", "종료", NULL };
  JsonNode *node = json_node_new (JSON_NODE_VALUE);
  gint64 number;
  double real;
  char *end = NULL;

  switch (type)
    {
    case VALUE_INT:
      if (g_ascii_string_to_signed (cell, 10, G_MININT32, G_MAXINT32, &number, NULL))
        {
          json_node_set_int (node, number);
          return node;
        }
      break;
    case VALUE_DOUBLE:
      real = g_ascii_strtod (cell, &end);
      if (end != NULL && end != cell && *end == '\0')
        {
          json_node_set_double (node, real);
          return node;
        }
      break;
    case VALUE_BOOL:
      if (word_in (cell, yes) || word_in (cell, no))
        {
          json_node_set_boolean (node, word_in (cell, yes));
          return node;
        }
      break;
    case VALUE_SEX:
      if (word_in (cell, female) || word_in (cell, male))
        {
          json_node_set_string (node, word_in (cell, female) ? "female" : "male");
          return node;
        }
      break;
    case VALUE_STATUS:
      if (word_in (cell, active) || word_in (cell, paused) || word_in (cell, closed))
        {
          json_node_set_string (node, word_in (cell, active) ? "active"
                                      : word_in (cell, paused) ? "paused" : "closed");
          return node;
        }
      break;
    case VALUE_TEXT:
    case VALUE_PLANNER:
    default:
      break;
    }
  json_node_set_string (node, cell);
  return node;
}

static void
reject (AnbuCsvImportReport *report,
        guint                line,
        const char          *field,
        const char          *reason)
{
  AnbuCsvRejectedRow *row = g_new0 (AnbuCsvRejectedRow, 1);

  row->line = line;
  row->field = g_strdup (field);
  row->reason = g_strdup (reason);
  g_ptr_array_add (report->rejected, row);
}

static void
reject_error (AnbuCsvImportReport *report,
              guint                line,
              const GError        *error)
{
  g_autofree char *field = NULL;

  if (error->domain == ANBU_RECORD_ERROR)
    {
      field = anbu_record_error_dup_field (error);
      reject (report, line, field, anbu_record_error_get_reason (error));
    }
  else
    reject (report, line, NULL, error->message);
}

static gboolean
check_header (GPtrArray  *header,
              gint       *map,
              GError    **error)
{
  gboolean seen[G_N_ELEMENTS (columns)] = { FALSE };

  for (guint i = 0; i < header->len; i++)
    {
      const char *name = g_ptr_array_index (header, i);
      gint column = find_column (name);

      if (column < 0)
        {
          g_set_error (error, ANBU_CSV_ERROR, ANBU_CSV_ERROR_BAD_HEADER,
                       _("Unknown column “%s”"), name);
          return FALSE;
        }
      if (seen[column])
        {
          g_set_error (error, ANBU_CSV_ERROR, ANBU_CSV_ERROR_BAD_HEADER,
                       _("The column “%s” appears twice"), name);
          return FALSE;
        }
      seen[column] = TRUE;
      map[i] = column;
    }
  for (guint r = 0; r < G_N_ELEMENTS (required_fields); r++)
    for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
      if (strcmp (columns[i].field, required_fields[r]) == 0 && !seen[i])
        {
          g_set_error (error, ANBU_CSV_ERROR, ANBU_CSV_ERROR_BAD_HEADER,
                       _("The column “%s” is required"), required_fields[r]);
          return FALSE;
        }
  return TRUE;
}

/* One row as a household; NULL (and a rejection in the report) when it is
 * not acceptable. */
static AnbuHousehold *
row_to_household (AnbuStore           *store,
                  GPtrArray           *header,
                  const gint          *map,
                  GPtrArray           *row,
                  guint                line,
                  GHashTable          *planners,
                  AnbuCsvImportReport *report)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(GError) error = NULL;
  AnbuHousehold *household;

  if (row->len != header->len)
    {
      g_autofree char *reason = g_strdup_printf (_("The row has %u cells; the header has %u"),
                                                 row->len, header->len);

      reject (report, line, NULL, reason);
      return NULL;
    }
  for (guint i = 0; i < row->len; i++)
    {
      const char *cell = g_ptr_array_index (row, i);
      const char *field = columns[map[i]].field;
      g_autofree char *trimmed = g_strstrip (g_strdup (cell));

      if (*trimmed == '\0')
        continue;
      if (columns[map[i]].type == VALUE_PLANNER)
        {
          const char *planner_id = g_hash_table_lookup (planners, trimmed);
          g_autoptr(AnbuStoreUser) user = NULL;

          if (planner_id == NULL)
            {
              user = anbu_store_find_user (store, trimmed, NULL, NULL);
              if (user == NULL || user->role != ANBU_USER_ROLE_PLANNER)
                {
                  reject (report, line, "planner", _("No planner has this username"));
                  return NULL;
                }
              g_hash_table_insert (planners, g_strdup (trimmed), g_strdup (user->id));
              planner_id = user->id;
              json_object_set_string_member (object, "planner_id", planner_id);
            }
          else
            json_object_set_string_member (object, "planner_id", planner_id);
          continue;
        }
      json_object_set_member (object, field, cell_to_json (columns[map[i]].type, trimmed));
    }
  if (!json_object_has_member (object, "id"))
    {
      g_autofree char *id = g_uuid_string_random ();

      json_object_set_string_member (object, "id", id);
    }

  household = anbu_household_from_json (object, &error);
  if (household == NULL)
    reject_error (report, line, error);
  return household;
}

AnbuCsvImportReport *
anbu_csv_import_households (AnbuStore   *store,
                            const char  *text,
                            gsize        length,
                            gboolean     valid_only,
                            GError     **error)
{
  g_autoptr(AnbuCsvImportReport) report = g_new0 (AnbuCsvImportReport, 1);
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) planners = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) imported_ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree gint *map = NULL;
  g_autofree char *username = NULL;
  AnbuAccessEntry access = { 0 };
  GPtrArray *header;

  g_return_val_if_fail (ANBU_IS_STORE (store), NULL);

  report->rejected = g_ptr_array_new_with_free_func ((GDestroyNotify) rejected_row_free);
  if (!g_utf8_validate (text, length, NULL) || memchr (text, '\0', length) != NULL)
    {
      g_set_error_literal (error, ANBU_CSV_ERROR, ANBU_CSV_ERROR_NOT_UTF8,
                           _("The file is not UTF-8 text; save it as “CSV UTF-8”"));
      return NULL;
    }
  rows = anbu_csv_parse (text, length, lines, error);
  if (rows == NULL)
    return NULL;
  if (rows->len == 0)
    {
      g_set_error_literal (error, ANBU_CSV_ERROR, ANBU_CSV_ERROR_BAD_HEADER,
                           _("The file has no header line"));
      return NULL;
    }
  header = g_ptr_array_index (rows, 0);
  map = g_new0 (gint, header->len);
  if (!check_header (header, map, error))
    return NULL;

  if (!anbu_store_begin (store, error))
    return NULL;
  for (guint r = 1; r < rows->len; r++)
    {
      guint line = g_array_index (lines, guint, r);
      g_autoptr(AnbuHousehold) household = NULL;
      g_autoptr(AnbuStoreEntity) existing = NULL;
      g_autoptr(GError) local_error = NULL;

      household = row_to_household (store, header, map, g_ptr_array_index (rows, r), line,
                                    planners, report);
      if (household == NULL)
        continue;
      if (g_hash_table_contains (ids, household->id))
        {
          reject (report, line, "id", _("The same household id appears on an earlier line"));
          continue;
        }
      existing = anbu_store_load (store, ANBU_RECORD_KIND_HOUSEHOLD, household->id, &local_error);
      if (existing != NULL)
        {
          reject (report, line, "id", _("A household with this id is already stored"));
          continue;
        }
      if (!g_error_matches (local_error, ANBU_STORE_ERROR, ANBU_STORE_ERROR_NOT_FOUND))
        goto fail_with_local;
      g_clear_error (&local_error);
      g_hash_table_add (ids, g_strdup (household->id));
      if (!anbu_mutations_save_household (store, household, NULL, 0, NULL, &local_error))
        goto fail_with_local;
      g_ptr_array_add (imported_ids, g_strdup (household->id));
      continue;

    fail_with_local:
      anbu_store_rollback (store);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (report->rejected->len > 0 && !valid_only)
    {
      anbu_store_rollback (store);
      report->imported = 0;
      return g_steal_pointer (&report);
    }

  /* The import is a change to each household, by whoever ran it. */
  username = g_strconcat ("cli:", g_get_user_name (), NULL);
  access.username = username;
  access.address = (char *) "local";
  access.method = (char *) "CLI";
  access.route = (char *) "import households";
  access.action = ANBU_ACCESS_WRITE;
  g_ptr_array_add (imported_ids, NULL);
  if ((imported_ids->len > 1
       && !anbu_store_log_access (store, &access, (const char * const *) imported_ids->pdata, error))
      || !anbu_store_commit (store, error))
    {
      anbu_store_rollback (store);
      return NULL;
    }
  report->imported = imported_ids->len - 1;
  return g_steal_pointer (&report);
}
