/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-household-index"

#include "config.h"

#include <string.h>

#include "anbu-household-index.h"

/* What a filter reads of one household, packed next to its neighbours: a
 * keystroke reads every entry, and going through each summary object cost
 * a cache miss per household. */
typedef struct
{
  const AnbuHangulKey  *key;
  const char           *dong_code;
  AnbuHouseholdSummary *summary;
  guint                 categories;
  gboolean              night_consent;
} Entry;

struct _AnbuHouseholdIndex
{
  GObject parent_instance;

  GPtrArray             *all;      /* of AnbuHouseholdSummary, in sort order */
  GArray                *entries;  /* Entry, aligned with all */
  GPtrArray             *visible;  /* borrowed from all */
  GArray                *visible_rows; /* guint: where each visible item is in all */
  GHashTable            *by_id;    /* id → summary, borrowed */

  char                  *query_text;
  AnbuHangulQuery       *query;
  AnbuHouseholdCategory  categories;
  char                  *dong_code;
  AnbuConsentFilter      consent;
  AnbuHouseholdSort      sort;
};

static void anbu_household_index_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AnbuHouseholdIndex, anbu_household_index, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      anbu_household_index_list_model_init))

void
anbu_dong_free (AnbuDong *dong)
{
  if (dong == NULL)
    return;
  g_free (dong->code);
  g_free (dong->name);
  g_free (dong);
}

static gboolean
passes (AnbuHouseholdIndex *self,
        const Entry        *entry)
{
  if (self->categories != 0 && (entry->categories & self->categories) == 0)
    return FALSE;
  if (self->dong_code != NULL && g_strcmp0 (entry->dong_code, self->dong_code) != 0)
    return FALSE;
  if (self->consent == ANBU_CONSENT_FILTER_CONSENTED && !entry->night_consent)
    return FALSE;
  if (self->consent == ANBU_CONSENT_FILTER_NOT_CONSENTED && entry->night_consent)
    return FALSE;
  if (self->query != NULL && !anbu_hangul_query_matches_key (self->query, entry->key))
    return FALSE;
  return TRUE;
}

static void
rebuild_entries (AnbuHouseholdIndex *self)
{
  g_array_set_size (self->entries, self->all->len);
  for (guint i = 0; i < self->all->len; i++)
    {
      AnbuHouseholdSummary *summary = self->all->pdata[i];
      const AnbuHouseholdFacts *facts = anbu_household_summary_get_facts (summary);
      Entry *entry = &g_array_index (self->entries, Entry, i);

      entry->key = anbu_household_summary_get_search_key (summary);
      entry->dong_code = facts->dong_code;
      entry->summary = summary;
      entry->categories = anbu_household_summary_get_categories (summary);
      entry->night_consent = facts->night_consent;
    }
}

/* Fills visible (and visible_rows) with the rows of all that pass; with
 * @candidates, only those rows are looked at. */
static void
collect_visible (AnbuHouseholdIndex *self,
                 GArray             *candidates)
{
  guint n = candidates != NULL ? candidates->len : self->all->len;
  const Entry *entries = (const Entry *) self->entries->data;

  self->visible = g_ptr_array_sized_new (n);
  g_array_set_size (self->visible_rows, 0);
  for (guint i = 0; i < n; i++)
    {
      guint row = candidates != NULL ? g_array_index (candidates, guint, i) : i;

      if (passes (self, &entries[row]))
        {
          g_ptr_array_add (self->visible, entries[row].summary);
          g_array_append_val (self->visible_rows, row);
        }
    }
}

/* Tells the list what changed between @old and the new visible items,
 * trimmed to the part that differs: a list view keeps the rows of items
 * that stay at the same place at the top and the bottom. */
static void
emit_changes (AnbuHouseholdIndex *self,
              GPtrArray          *old)
{
  guint old_len = old->len, new_len = self->visible->len;
  guint prefix = 0, suffix = 0;

  while (prefix < old_len && prefix < new_len && old->pdata[prefix] == self->visible->pdata[prefix])
    prefix++;
  while (suffix < old_len - prefix && suffix < new_len - prefix
         && old->pdata[old_len - 1 - suffix] == self->visible->pdata[new_len - 1 - suffix])
    suffix++;
  if (old_len - prefix - suffix > 0 || new_len - prefix - suffix > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), prefix, old_len - prefix - suffix,
                                new_len - prefix - suffix);
}

/* @narrowing: every item that can pass is visible now (the query only grew
 * longer), so only those are checked. */
static void
refilter_full (AnbuHouseholdIndex *self,
               gboolean            narrowing)
{
  g_autoptr(GPtrArray) old = self->visible;
  g_autoptr(GArray) old_rows = NULL;

  if (narrowing)
    {
      old_rows = self->visible_rows;
      self->visible_rows = g_array_new (FALSE, FALSE, sizeof (guint));
    }
  collect_visible (self, old_rows);
  emit_changes (self, old);
}

static void
refilter (AnbuHouseholdIndex *self)
{
  refilter_full (self, FALSE);
}

static int
compare_for_sort (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  AnbuHouseholdIndex *self = user_data;

  return anbu_household_summary_compare (*(AnbuHouseholdSummary **) a,
                                         *(AnbuHouseholdSummary **) b,
                                         self->sort);
}

static void
resort (AnbuHouseholdIndex *self)
{
  g_ptr_array_sort_with_data (self->all, compare_for_sort, self);
  rebuild_entries (self);
}

static GType
anbu_household_index_get_item_type (GListModel *model)
{
  return ANBU_TYPE_HOUSEHOLD_SUMMARY;
}

static guint
anbu_household_index_get_n_items (GListModel *model)
{
  return ANBU_HOUSEHOLD_INDEX (model)->visible->len;
}

static gpointer
anbu_household_index_get_item (GListModel *model,
                               guint       position)
{
  AnbuHouseholdIndex *self = ANBU_HOUSEHOLD_INDEX (model);

  if (position >= self->visible->len)
    return NULL;
  return g_object_ref (self->visible->pdata[position]);
}

static void
anbu_household_index_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = anbu_household_index_get_item_type;
  iface->get_n_items = anbu_household_index_get_n_items;
  iface->get_item = anbu_household_index_get_item;
}

static void
anbu_household_index_finalize (GObject *object)
{
  AnbuHouseholdIndex *self = ANBU_HOUSEHOLD_INDEX (object);

  g_clear_pointer (&self->visible, g_ptr_array_unref);
  g_clear_pointer (&self->visible_rows, g_array_unref);
  g_clear_pointer (&self->entries, g_array_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->all, g_ptr_array_unref);
  g_clear_pointer (&self->query, anbu_hangul_query_free);
  g_free (self->query_text);
  g_free (self->dong_code);

  G_OBJECT_CLASS (anbu_household_index_parent_class)->finalize (object);
}

static void
anbu_household_index_class_init (AnbuHouseholdIndexClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = anbu_household_index_finalize;
}

static void
anbu_household_index_init (AnbuHouseholdIndex *self)
{
  self->all = g_ptr_array_new_with_free_func (g_object_unref);
  self->visible = g_ptr_array_new ();
  self->visible_rows = g_array_new (FALSE, FALSE, sizeof (guint));
  self->entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->sort = ANBU_HOUSEHOLD_SORT_RISK;
}

AnbuHouseholdIndex *
anbu_household_index_new (void)
{
  return g_object_new (ANBU_TYPE_HOUSEHOLD_INDEX, NULL);
}

void
anbu_household_index_set_households (AnbuHouseholdIndex *self,
                                     GPtrArray          *households)
{
  g_autoptr(GPtrArray) old_all = NULL;
  g_autoptr(GPtrArray) old_visible = NULL;
  g_autoptr(GHashTable) old_by_id = NULL;

  g_return_if_fail (ANBU_IS_HOUSEHOLD_INDEX (self));
  g_return_if_fail (households != NULL);

  /* The old items stay alive until the list has been told they are gone. */
  old_all = g_steal_pointer (&self->all);
  old_visible = g_steal_pointer (&self->visible);
  old_by_id = g_steal_pointer (&self->by_id);
  self->all = g_ptr_array_new_full (households->len, g_object_unref);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < households->len; i++)
    {
      AnbuHouseholdSummary *summary = households->pdata[i];
      AnbuHouseholdSummary *old;

      g_return_if_fail (ANBU_IS_HOUSEHOLD_SUMMARY (summary));
      /* A household a reload did not change keeps its item, so a list
       * showing it keeps its row (and its scroll position). */
      old = g_hash_table_lookup (old_by_id, anbu_household_summary_get_id (summary));
      if (old != NULL && anbu_household_summary_equal (old, summary))
        summary = old;
      g_ptr_array_add (self->all, g_object_ref (summary));
      g_hash_table_insert (self->by_id, (char *) anbu_household_summary_get_id (summary), summary);
    }
  resort (self);

  collect_visible (self, NULL);
  emit_changes (self, old_visible);
}

guint
anbu_household_index_get_n_total (AnbuHouseholdIndex *self)
{
  g_return_val_if_fail (ANBU_IS_HOUSEHOLD_INDEX (self), 0);
  return self->all->len;
}

AnbuHouseholdSummary *
anbu_household_index_lookup (AnbuHouseholdIndex *self,
                             const char         *household_id)
{
  g_return_val_if_fail (ANBU_IS_HOUSEHOLD_INDEX (self), NULL);
  return household_id != NULL ? g_hash_table_lookup (self->by_id, household_id) : NULL;
}

static gboolean
has_initial_consonant (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (anbu_hangul_is_choseong (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

void
anbu_household_index_set_query (AnbuHouseholdIndex *self,
                                const char         *query)
{
  g_autoptr(AnbuHangulQuery) parsed = NULL;
  gboolean narrowing;

  g_return_if_fail (ANBU_IS_HOUSEHOLD_INDEX (self));

  if (g_strcmp0 (query, self->query_text) == 0)
    return;
  /* Typing on ("김" → "김영", "010" → "0105") only removes matches: a term
   * that grows or a term more is stricter, never looser. Not so for initials
   * alone, which look in names only until a syllable joins them. */
  narrowing = self->query_text != NULL && self->query_text[0] != '\0' && query != NULL
              && g_str_has_prefix (query, self->query_text)
              && !has_initial_consonant (self->query_text);
  g_free (self->query_text);
  self->query_text = g_strdup (query);
  parsed = anbu_hangul_query_new (query);
  g_clear_pointer (&self->query, anbu_hangul_query_free);
  if (!anbu_hangul_query_is_empty (parsed))
    self->query = g_steal_pointer (&parsed);
  refilter_full (self, narrowing);
}

const char *
anbu_household_index_get_query (AnbuHouseholdIndex *self)
{
  g_return_val_if_fail (ANBU_IS_HOUSEHOLD_INDEX (self), NULL);
  return self->query_text;
}

void
anbu_household_index_set_categories (AnbuHouseholdIndex    *self,
                                     AnbuHouseholdCategory  categories)
{
  g_return_if_fail (ANBU_IS_HOUSEHOLD_INDEX (self));

  categories &= ANBU_HOUSEHOLD_CATEGORY_ALL;
  if (categories == ANBU_HOUSEHOLD_CATEGORY_ALL)
    categories = 0;
  if (categories == self->categories)
    return;
  self->categories = categories;
  refilter (self);
}

void
anbu_household_index_set_dong_code (AnbuHouseholdIndex *self,
                                    const char         *dong_code)
{
  g_return_if_fail (ANBU_IS_HOUSEHOLD_INDEX (self));

  if (dong_code != NULL && dong_code[0] == '\0')
    dong_code = NULL;
  if (g_strcmp0 (dong_code, self->dong_code) == 0)
    return;
  g_free (self->dong_code);
  self->dong_code = g_strdup (dong_code);
  refilter (self);
}

void
anbu_household_index_set_consent (AnbuHouseholdIndex *self,
                                  AnbuConsentFilter   consent)
{
  g_return_if_fail (ANBU_IS_HOUSEHOLD_INDEX (self));

  if (consent == self->consent)
    return;
  self->consent = consent;
  refilter (self);
}

void
anbu_household_index_set_sort (AnbuHouseholdIndex *self,
                               AnbuHouseholdSort   sort)
{
  g_return_if_fail (ANBU_IS_HOUSEHOLD_INDEX (self));

  if (sort == self->sort)
    return;
  self->sort = sort;
  resort (self);
  refilter (self);
}

AnbuHouseholdSort
anbu_household_index_get_sort (AnbuHouseholdIndex *self)
{
  g_return_val_if_fail (ANBU_IS_HOUSEHOLD_INDEX (self), ANBU_HOUSEHOLD_SORT_RISK);
  return self->sort;
}

static int
compare_dongs (gconstpointer a,
               gconstpointer b)
{
  const AnbuDong *da = *(AnbuDong **) a;
  const AnbuDong *db = *(AnbuDong **) b;
  int c = anbu_korean_name_compare (da->name, db->name);

  return c != 0 ? c : strcmp (da->code, db->code);
}

GPtrArray *
anbu_household_index_list_dongs (AnbuHouseholdIndex *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *dongs = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_dong_free);

  g_return_val_if_fail (ANBU_IS_HOUSEHOLD_INDEX (self), dongs);

  for (guint i = 0; i < self->all->len; i++)
    {
      const AnbuHouseholdFacts *facts = anbu_household_summary_get_facts (self->all->pdata[i]);
      AnbuDong *dong;

      if (facts->dong_code == NULL || g_hash_table_contains (seen, facts->dong_code))
        continue;
      g_hash_table_add (seen, (char *) facts->dong_code);
      dong = g_new0 (AnbuDong, 1);
      dong->code = g_strdup (facts->dong_code);
      dong->name = g_strdup (facts->dong_name != NULL ? facts->dong_name : facts->dong_code);
      g_ptr_array_add (dongs, dong);
    }
  g_ptr_array_sort (dongs, compare_dongs);
  return dongs;
}
