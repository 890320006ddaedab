/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-household-summary"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "anbu-hangul-search.h"
#include "anbu-household-summary.h"
#include "anbu-kst.h"

struct _AnbuHouseholdSummary
{
  GObject parent_instance;

  AnbuHouseholdFacts     facts;      /* strings owned below */
  GStrv                  serials;
  AnbuHouseholdCategory  categories;
  AnbuHangulKey         *search_key;
  guint32               *name_key;   /* collation weights, 0-terminated */
};

G_DEFINE_FINAL_TYPE (AnbuHouseholdSummary, anbu_household_summary, G_TYPE_OBJECT)

/* Collation groups: Hangul (with the lone consonants just before the
 * syllables they begin), then digits, then Latin, then everything else. */
enum
{
  GROUP_HANGUL = 1,
  GROUP_DIGIT,
  GROUP_LATIN,
  GROUP_OTHER,
};

static const gunichar compat_initials[19] = {
  0x3131, 0x3132, 0x3134, 0x3137, 0x3138, 0x3139, 0x3141, 0x3142, 0x3143, 0x3145,
  0x3146, 0x3147, 0x3148, 0x3149, 0x314A, 0x314B, 0x314C, 0x314D, 0x314E,
};

static guint32
collation_weight (gunichar c)
{
  if (c >= 0xAC00 && c <= 0xD7A3)
    return (GROUP_HANGUL << 24) | (((c - 0xAC00) * 2) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (compat_initials); i++)
    if (compat_initials[i] == c)
      return (GROUP_HANGUL << 24) | (i * 21 * 28 * 2);
  if (c >= 0x3131 && c <= 0x318E)  /* vowels and old jamo: after the syllables */
    return (GROUP_HANGUL << 24) | (0x2BA4 * 2 + (c - 0x3131));
  if (g_unichar_isdigit (c))
    return (GROUP_DIGIT << 24) | (guint32) g_unichar_digit_value (c);
  if (c < 0x250)  /* Latin, already case folded */
    return (GROUP_LATIN << 24) | c;
  return (GROUP_OTHER << 24) | (c & 0xffffff);
}

static guint32 *
name_collation_key (const char *name)
{
  g_autofree char *nfc = g_utf8_normalize (name != NULL ? name : "", -1, G_NORMALIZE_NFC);
  g_autofree char *folded = g_utf8_casefold (nfc != NULL ? nfc : "", -1);
  glong len = 0;
  g_autofree gunichar *chars = g_utf8_to_ucs4_fast (folded, -1, &len);
  guint32 *key = g_new0 (guint32, len + 1);
  glong n = 0;

  for (glong i = 0; i < len; i++)
    {
      if (g_unichar_isspace (chars[i]))
        continue;
      key[n++] = collation_weight (chars[i]);
    }
  key[n] = 0;
  return key;
}

static int
compare_keys (const guint32 *a,
              const guint32 *b)
{
  while (*a != 0 && *a == *b)
    {
      a++;
      b++;
    }
  if (*a == *b)
    return 0;
  return *a < *b ? -1 : 1;
}

static void
anbu_household_summary_finalize (GObject *object)
{
  AnbuHouseholdSummary *self = ANBU_HOUSEHOLD_SUMMARY (object);

  g_free ((char *) self->facts.id);
  g_free ((char *) self->facts.name);
  g_free ((char *) self->facts.dong_code);
  g_free ((char *) self->facts.dong_name);
  g_free ((char *) self->facts.address);
  g_free ((char *) self->facts.address_detail);
  g_free ((char *) self->facts.phone);
  g_strfreev (self->serials);
  anbu_hangul_key_free (self->search_key);
  g_free (self->name_key);

  G_OBJECT_CLASS (anbu_household_summary_parent_class)->finalize (object);
}

static void
anbu_household_summary_class_init (AnbuHouseholdSummaryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = anbu_household_summary_finalize;
}

static void
anbu_household_summary_init (AnbuHouseholdSummary *self)
{
}

AnbuHouseholdSummary *
anbu_household_summary_new (const AnbuHouseholdFacts *facts)
{
  AnbuHouseholdSummary *self;
  g_autoptr(GPtrArray) fields = g_ptr_array_new ();

  g_return_val_if_fail (facts != NULL, NULL);
  g_return_val_if_fail (facts->id != NULL, NULL);

  self = g_object_new (ANBU_TYPE_HOUSEHOLD_SUMMARY, NULL);
  self->facts = *facts;
  self->facts.id = g_strdup (facts->id);
  self->facts.name = g_strdup (facts->name != NULL ? facts->name : "");
  self->facts.dong_code = g_strdup (facts->dong_code);
  self->facts.dong_name = g_strdup (facts->dong_name);
  self->facts.address = g_strdup (facts->address);
  self->facts.address_detail = g_strdup (facts->address_detail);
  self->facts.phone = g_strdup (facts->phone);
  self->serials = facts->serials != NULL ? g_strdupv ((char **) facts->serials) : g_new0 (char *, 1);
  self->facts.serials = (const char * const *) self->serials;

  if (facts->alert_level == ANBU_ALERT_LEVEL_RISK || facts->alert_level == ANBU_ALERT_LEVEL_CRITICAL)
    self->categories |= ANBU_HOUSEHOLD_CATEGORY_ALERT;
  else if (facts->alert_level == ANBU_ALERT_LEVEL_WATCH)
    self->categories |= ANBU_HOUSEHOLD_CATEGORY_WATCH;
  if (facts->plug_offline)
    self->categories |= ANBU_HOUSEHOLD_CATEGORY_OFFLINE;
  if (facts->absent)
    self->categories |= ANBU_HOUSEHOLD_CATEGORY_ABSENT;
  if (self->categories == 0)
    self->categories = ANBU_HOUSEHOLD_CATEGORY_NORMAL;

  g_ptr_array_add (fields, (char *) self->facts.name);
  g_ptr_array_add (fields, (char *) self->facts.address);
  g_ptr_array_add (fields, (char *) self->facts.address_detail);
  g_ptr_array_add (fields, (char *) self->facts.dong_name);
  g_ptr_array_add (fields, (char *) self->facts.phone);
  for (guint i = 0; self->serials[i] != NULL; i++)
    g_ptr_array_add (fields, self->serials[i]);
  self->search_key = anbu_hangul_key_new_for_fields ((const char * const *) fields->pdata, fields->len);
  self->name_key = name_collation_key (self->facts.name);

  return self;
}

const AnbuHouseholdFacts *
anbu_household_summary_get_facts (AnbuHouseholdSummary *self)
{
  g_return_val_if_fail (ANBU_IS_HOUSEHOLD_SUMMARY (self), NULL);
  return &self->facts;
}

const char *
anbu_household_summary_get_id (AnbuHouseholdSummary *self)
{
  g_return_val_if_fail (ANBU_IS_HOUSEHOLD_SUMMARY (self), NULL);
  return self->facts.id;
}

const char *
anbu_household_summary_get_name (AnbuHouseholdSummary *self)
{
  g_return_val_if_fail (ANBU_IS_HOUSEHOLD_SUMMARY (self), NULL);
  return self->facts.name;
}

AnbuHouseholdCategory
anbu_household_summary_get_categories (AnbuHouseholdSummary *self)
{
  g_return_val_if_fail (ANBU_IS_HOUSEHOLD_SUMMARY (self), 0);
  return self->categories;
}

const AnbuHangulKey *
anbu_household_summary_get_search_key (AnbuHouseholdSummary *self)
{
  g_return_val_if_fail (ANBU_IS_HOUSEHOLD_SUMMARY (self), NULL);
  return self->search_key;
}

/* 0 is the most urgent. */
static int
risk_rank (AnbuHouseholdSummary *self)
{
  switch (self->facts.alert_level)
    {
    case ANBU_ALERT_LEVEL_CRITICAL:
      return 0;
    case ANBU_ALERT_LEVEL_RISK:
      return 1;
    case ANBU_ALERT_LEVEL_WATCH:
      return 2;
    default:
      break;
    }
  if (self->facts.plug_offline)
    return 3;
  if (self->facts.absent)
    return 4;
  return 5;
}

/* Unknown times first: a household never seen is the most worrying. */
static int
compare_times_oldest_first (gint64 a,
                            gint64 b)
{
  if (a == b)
    return 0;
  if (a == 0)
    return -1;
  if (b == 0)
    return 1;
  return a < b ? -1 : 1;
}

int
anbu_korean_name_compare (const char *a,
                          const char *b)
{
  g_autofree guint32 *ka = name_collation_key (a);
  g_autofree guint32 *kb = name_collation_key (b);

  return compare_keys (ka, kb);
}

int
anbu_household_summary_compare (AnbuHouseholdSummary *a,
                                AnbuHouseholdSummary *b,
                                AnbuHouseholdSort     sort)
{
  int c = 0;

  switch (sort)
    {
    case ANBU_HOUSEHOLD_SORT_RISK:
      c = risk_rank (a) - risk_rank (b);
      if (c == 0 && risk_rank (a) <= 2)
        c = compare_times_oldest_first (a->facts.quiet_since, b->facts.quiet_since);
      if (c == 0)
        c = compare_times_oldest_first (a->facts.last_activity_at, b->facts.last_activity_at);
      break;
    case ANBU_HOUSEHOLD_SORT_LAST_ACTIVITY:
      c = compare_times_oldest_first (a->facts.last_activity_at, b->facts.last_activity_at);
      break;
    case ANBU_HOUSEHOLD_SORT_NAME:
    default:
      break;
    }
  if (c == 0)
    c = compare_keys (a->name_key, b->name_key);
  if (c == 0)
    c = strcmp (a->facts.id, b->facts.id);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

gboolean
anbu_household_summary_equal (AnbuHouseholdSummary *a,
                              AnbuHouseholdSummary *b)
{
  const AnbuHouseholdFacts *fa, *fb;

  g_return_val_if_fail (ANBU_IS_HOUSEHOLD_SUMMARY (a), FALSE);
  g_return_val_if_fail (ANBU_IS_HOUSEHOLD_SUMMARY (b), FALSE);

  if (a == b)
    return TRUE;
  fa = &a->facts;
  fb = &b->facts;
  return g_strcmp0 (fa->id, fb->id) == 0
         && g_strcmp0 (fa->name, fb->name) == 0
         && g_strcmp0 (fa->dong_code, fb->dong_code) == 0
         && g_strcmp0 (fa->dong_name, fb->dong_name) == 0
         && g_strcmp0 (fa->address, fb->address) == 0
         && g_strcmp0 (fa->address_detail, fb->address_detail) == 0
         && g_strcmp0 (fa->phone, fb->phone) == 0
         && g_strv_equal ((const char * const *) a->serials, (const char * const *) b->serials)
         && fa->night_consent == fb->night_consent
         && fa->threshold_hours == fb->threshold_hours
         && fa->status == fb->status
         && fa->alert_level == fb->alert_level
         && fa->quiet_since == fb->quiet_since
         && fa->last_activity_at == fb->last_activity_at
         && fa->plug_offline == fb->plug_offline
         && fa->absent == fb->absent
         && fa->bad_numbers == fb->bad_numbers;
}

gint64
anbu_household_facts_get_quiet_since (const AnbuHouseholdFacts *facts)
{
  g_return_val_if_fail (facts != NULL, 0);
  return facts->quiet_since != 0 ? facts->quiet_since : facts->last_activity_at;
}

char *
anbu_household_facts_describe_quiet (const AnbuHouseholdFacts *facts,
                                     gint64                    now)
{
  gint64 since;
  g_autofree char *span = NULL;

  g_return_val_if_fail (facts != NULL, NULL);
  since = anbu_household_facts_get_quiet_since (facts);
  if (since == 0)
    return NULL;
  span = anbu_kst_format_quiet_for (now - since);
  /* Translators: "27시간째 활동 없음 · 기준 24시간": quiet time and the household's threshold. */
  return g_strdup_printf (_("%s · threshold %d h"), span, facts->threshold_hours);
}

char *
anbu_household_facts_describe_last_activity (const AnbuHouseholdFacts *facts,
                                             gint64                    now)
{
  gint64 since;
  GTimeSpan span;
  gulong n;

  g_return_val_if_fail (facts != NULL, NULL);
  since = anbu_household_facts_get_quiet_since (facts);
  if (since == 0)
    return g_strdup (_("No activity recorded"));
  span = MAX (now - since, 0);
  if (span < G_TIME_SPAN_MINUTE)
    return g_strdup (_("Last activity just now"));
  if (span < G_TIME_SPAN_HOUR)
    {
      n = (gulong) (span / G_TIME_SPAN_MINUTE);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Last activity %lu minute ago",
                                           "Last activity %lu minutes ago", n), n);
    }
  /* Whole hours, as anbu_kst_format_quiet_for counts them. */
  n = (gulong) (span / G_TIME_SPAN_HOUR);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Last activity %lu hour ago",
                                       "Last activity %lu hours ago", n), n);
}
