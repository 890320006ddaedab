/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-household-page"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-activity-chart.h"
#include "anbu-bad-number.h"
#include "anbu-case-form-dialog.h"
#include "anbu-household-page.h"
#include "anbu-household-row.h"
#include "anbu-kst.h"
#include "anbu-phone.h"
#include "anbu-validate.h"
#include "anbu-window.h"

#define CHART_DAYS 7

struct _AnbuHouseholdPage
{
  AdwBin parent_instance;

  GtkLabel *title_label;
  GtkBox   *content_box;

  AnbuCasework      *casework;
  char              *household_id;
  AnbuActivityChart *chart;
  GtkLabel          *chart_label;
  const char        *chart_source;
  char              *chart_json;        /* what the chart shows, for rebuilds */
  char              *chart_line;
  gint64             chart_fetched_at;  /* monotonic µs; 0 = not fetched */
  GtkWidget         *mark_row;          /* the planner's mark of the plug's learned switching */
  char              *mark_serial;
  GCancellable      *cancellable;
};

/* A page rebuilt by a change notice reuses a chart fetched this recently. */
#define CHART_FRESH_FOR (5 * G_TIME_SPAN_MINUTE)

G_DEFINE_FINAL_TYPE (AnbuHouseholdPage, anbu_household_page, ADW_TYPE_BIN)

enum
{
  BACK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GtkWidget *
add_group (AnbuHouseholdPage *self,
           const char        *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  gtk_box_append (self->content_box, group);
  return group;
}

static GtkWidget *
add_row (GtkWidget  *group,
         const char *title,
         const char *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value != NULL && value[0] != '\0' ? value : "—");
  gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

static char *
format_time (gint64 usec)
{
  g_autoptr(GDateTime) moment = NULL;

  if (usec == 0)
    return g_strdup ("");
  moment = anbu_timestamp_to_date_time (usec);
  return anbu_kst_format_date_time (moment);
}

/* The line under the chart is also what a screen reader says about it. */
static void
set_chart_line (AnbuHouseholdPage *self,
                const char        *line)
{
  gtk_label_set_label (self->chart_label, line);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->chart), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  line, -1);
}

static void
series_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(AnbuHouseholdPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = anbu_case_store_fetch_finish (ANBU_CASE_STORE (source), result, &error);
  g_autofree char *cache_name = NULL;
  g_autofree char *cached = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->chart == NULL)
    return;
  cache_name = g_strconcat ("series:", self->household_id, NULL);
  if (body != NULL)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

      if (anbu_activity_chart_set_series (self->chart, text, NULL))
        {
          g_autofree char *summary = anbu_activity_chart_dup_summary (self->chart);

          anbu_case_store_store_cached (anbu_casework_get_store (self->casework), cache_name, text);
          self->chart_source = "fresh";
          set_chart_line (self, summary);
          g_free (self->chart_json);
          self->chart_json = g_steal_pointer (&text);
          g_free (self->chart_line);
          self->chart_line = g_steal_pointer (&summary);
          self->chart_fetched_at = g_get_monotonic_time ();
          return;
        }
    }

  cached = anbu_case_store_dup_cached (anbu_casework_get_store (self->casework), cache_name);
  if (cached != NULL && anbu_activity_chart_set_series (self->chart, cached, NULL))
    {
      g_autofree char *summary = anbu_activity_chart_dup_summary (self->chart);
      /* Translators: %s is the chart's text summary. */
      g_autofree char *line = g_strdup_printf (_("Offline: the chart as last fetched. %s"), summary);

      self->chart_source = "cached";
      set_chart_line (self, line);
      return;
    }
  self->chart_source = "none";
  anbu_activity_chart_clear (self->chart);
  set_chart_line (self, _("The activity chart needs a connection to the server once."));
}

static void
load_chart (AnbuHouseholdPage *self)
{
  gint64 now;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *from_q = NULL;
  g_autofree char *to_q = NULL;
  g_autofree char *path = NULL;

  if (self->chart_json != NULL && self->chart_fetched_at != 0
      && g_get_monotonic_time () - self->chart_fetched_at < CHART_FRESH_FOR
      && anbu_activity_chart_set_series (self->chart, self->chart_json, NULL))
    {
      self->chart_source = "fresh";
      set_chart_line (self, self->chart_line);
      return;
    }

  now = anbu_casework_get_now (self->casework);
  from = anbu_timestamp_format (now - CHART_DAYS * G_TIME_SPAN_DAY);
  to = anbu_timestamp_format (now);
  from_q = g_uri_escape_string (from, NULL, FALSE);
  to_q = g_uri_escape_string (to, NULL, FALSE);
  path = g_strdup_printf ("/api/v1/households/%s/series?from=%s&to=%s&bucket=1h",
                          self->household_id, from_q, to_q);
  anbu_case_store_fetch_async (anbu_casework_get_store (self->casework), path, self->cancellable,
                               series_cb, g_object_ref (self));
}

static void
clear_content (AnbuHouseholdPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->content_box))) != NULL)
    gtk_box_remove (self->content_box, child);
  self->chart = NULL;
  self->chart_label = NULL;
}

static void
mark_submitted_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(AnbuHouseholdPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *mutation_id = anbu_casework_submit_finish (ANBU_CASEWORK (source), result, &error);

  if (mutation_id != NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_warning ("Could not store the plug's mark: %s", error->message);
  if (self->mark_row != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->mark_row),
                                 _("The mark could not be stored on this computer. Check the free disk space and try again."));
}

/* The planner says whose the learned switching is: a change of the plug
 * record (plug.mark) that reaches the server with the next sync. */
static void
on_mark_row_selected (AnbuHouseholdPage *self)
{
  guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (self->mark_row));
  AnbuPlug *plug;
  JsonObject *payload;

  if (self->casework == NULL || self->mark_serial == NULL || selected == GTK_INVALID_LIST_POSITION)
    return;
  plug = anbu_casework_find_installed_plug (self->casework, self->household_id);
  if (plug == NULL || g_strcmp0 (plug->serial, self->mark_serial) != 0
      || plug->activity_mark == (AnbuActivityMark) selected)
    return;
  payload = json_object_new ();
  json_object_set_string_member (payload, "serial", plug->serial);
  json_object_set_string_member (payload, "mark", anbu_activity_mark_to_string (selected));
  anbu_casework_submit_async (self->casework, "plug.mark", payload, self->cancellable,
                              mark_submitted_cb, g_object_ref (self));
}

static void
add_mark_row (AnbuHouseholdPage *self,
              GtkWidget         *group,
              const AnbuPlug    *plug)
{
  g_autoptr(GtkStringList) marks = gtk_string_list_new (NULL);
  GtkWidget *row = adw_combo_row_new ();

  for (guint i = ANBU_ACTIVITY_MARK_AUTO; i <= ANBU_ACTIVITY_MARK_MACHINE; i++)
    gtk_string_list_append (marks, anbu_activity_mark_to_label (i));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Learned switching is made by"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("A person's habit counts as activity; a machine's stays left out."));
  gtk_widget_set_name (row, "plug-activity-mark");
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (marks));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), plug->activity_mark);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  self->mark_row = row;
  g_free (self->mark_serial);
  self->mark_serial = g_strdup (plug->serial);
  /* Connected after the stored mark is shown: only the planner's choice submits. */
  g_signal_connect_swapped (row, "notify::selected", G_CALLBACK (on_mark_row_selected), self);
}

static void
confirm_submitted_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(AnbuHouseholdPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *mutation_id = anbu_casework_submit_finish (ANBU_CASEWORK (source), result, &error);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (mutation_id != NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_warning ("Could not store the number's confirmation: %s", error->message);
  if (ANBU_IS_WINDOW (root))
    anbu_window_add_toast (ANBU_WINDOW (root),
                           _("The confirmation could not be stored on this computer. Check the free disk space and try again."));
}

/* The planner says a flagged number is right: a contact record
 * (number_confirmed) for that number, which clears the flag everywhere the
 * records go (anbu-bad-number.h). */
static void
on_confirm_number_clicked (GtkButton         *button,
                           AnbuHouseholdPage *self)
{
  const char *number = g_object_get_data (G_OBJECT (button), "number");
  g_autofree char *user_id = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *at = NULL;
  JsonObject *payload;

  if (self->casework == NULL || self->household_id == NULL || number == NULL)
    return;
  user_id = anbu_case_store_dup_user_id (anbu_casework_get_store (self->casework));
  at = anbu_timestamp_format (anbu_casework_get_now (self->casework));
  payload = json_object_new ();
  json_object_set_string_member (payload, "id", id);
  json_object_set_string_member (payload, "household_id", self->household_id);
  json_object_set_string_member (payload, "at", at);
  json_object_set_string_member (payload, "by", user_id);
  json_object_set_string_member (payload, "channel", anbu_contact_channel_to_string (ANBU_CONTACT_CHANNEL_PHONE));
  json_object_set_string_member (payload, "outcome",
                                 anbu_contact_outcome_to_string (ANBU_CONTACT_OUTCOME_NUMBER_CONFIRMED));
  json_object_set_string_member (payload, "phone", number);
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  anbu_casework_submit_async (self->casework, "contact.create", payload, self->cancellable,
                              confirm_submitted_cb, g_object_ref (self));
}

/* Numbers that failed twice for a bad number: asked first, so that the next
 * call in a night reaches someone. */
static void
add_bad_numbers_group (AnbuHouseholdPage *self,
                       AnbuHousehold     *h,
                       GPtrArray         *bad,
                       GPtrArray         *contacts)
{
  GtkWidget *group = add_group (self, _("Check These Numbers"));

  gtk_widget_set_name (group, "household-bad-numbers");
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Calls to these numbers failed: wrong number or not in service. "
                                           "Confirm the number is right, or correct it."));
  for (guint i = 0; i < bad->len; i++)
    {
      const char *number = bad->pdata[i];
      guint failures = anbu_bad_number_count_failures (h->id, number, (AnbuContact * const *) contacts->pdata,
                                                       contacts->len);
      const char *whose = C_("phone owner", "Resident");
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row, *confirm, *correct, *icon;

      for (guint c = 0; c < h->contacts->len; c++)
        {
          AnbuHouseholdContact *person = h->contacts->pdata[c];

          if (g_strcmp0 (number, h->phone) != 0 && g_strcmp0 (number, person->phone) == 0)
            whose = person->name;
        }
      /* Translators: "010-1234-5678 (김영수)": the number and whose it is. */
      title = g_strdup_printf (_("%s (%s)"), number, whose);
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u call failed on a bad number",
                                               "%u calls failed on a bad number", failures), failures);
      row = add_row (group, title, subtitle);
      icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      gtk_widget_add_css_class (icon, "warning");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      confirm = gtk_button_new_with_mnemonic (_("Number Is _Right"));
      gtk_widget_set_name (confirm, "bad-number-confirm");
      gtk_widget_set_valign (confirm, GTK_ALIGN_CENTER);
      g_object_set_data_full (G_OBJECT (confirm), "number", g_strdup (number), g_free);
      g_signal_connect (confirm, "clicked", G_CALLBACK (on_confirm_number_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), confirm);
      correct = gtk_button_new_with_mnemonic (_("_Correct…"));
      gtk_widget_set_name (correct, "bad-number-correct");
      gtk_widget_set_valign (correct, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (correct), "household.form");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (correct), "s", "contacts");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), correct);
    }
}

/* Whether the keyboard focus is on the mark row (kept there across a rebuild). */
static gboolean
mark_row_has_focus (AnbuHouseholdPage *self)
{
  GtkRoot *root;
  GtkWidget *focus;

  if (self->mark_row == NULL || (root = gtk_widget_get_root (self->mark_row)) == NULL)
    return FALSE;
  focus = gtk_root_get_focus (root);
  return focus != NULL && (focus == self->mark_row || gtk_widget_is_ancestor (focus, self->mark_row));
}

static void
rebuild (AnbuHouseholdPage *self)
{
  gboolean refocus_mark = mark_row_has_focus (self);

  AnbuHousehold *h;
  AnbuPlug *plug;
  AnbuHouseholdSummary *summary;
  GtkWidget *group;
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GPtrArray) visits = NULL;
  g_autoptr(GPtrArray) absences = NULL;

  clear_content (self);
  self->mark_row = NULL;
  g_clear_pointer (&self->mark_serial, g_free);
  h = anbu_casework_lookup_household (self->casework, self->household_id);
  if (h == NULL)
    {
      GtkWidget *status = adw_status_page_new ();

      adw_status_page_set_title (ADW_STATUS_PAGE (status), _("Household Not in Your Caseload"));
      adw_status_page_set_description (ADW_STATUS_PAGE (status),
                                       _("It was closed or moved to another community centre."));
      gtk_box_append (self->content_box, status);
      gtk_label_set_label (self->title_label, "");
      return;
    }
  gtk_label_set_label (self->title_label, h->name);
  summary = anbu_household_index_lookup (anbu_casework_get_index (self->casework), h->id);

  contacts = anbu_casework_list_for_household (self->casework, ANBU_RECORD_KIND_CONTACT, h->id);
  {
    g_autoptr(GPtrArray) bad = anbu_household_find_bad_numbers (h, (AnbuContact * const *) contacts->pdata,
                                                                contacts->len);

    if (bad->len > 0)
      add_bad_numbers_group (self, h, bad, contacts);
  }

  /* Plug card */
  group = add_group (self, _("Plug"));
  plug = anbu_casework_find_installed_plug (self->casework, h->id);
  if (plug != NULL)
    {
      gint64 now = anbu_casework_get_now (self->casework);
      gboolean online = plug->last_seen_at != 0 && now - plug->last_seen_at <= ANBU_PLUG_OFFLINE_AFTER;
      /* In hours, as the quiet time below: no "2일 전" beside "55시간째". */
      g_autofree char *seen_ago = anbu_kst_format_duration (now - plug->last_seen_at);
      /* Translators: "연결 끊김 · 마지막 수신 55시간 전": the plug's link and when it last reported. */
      g_autofree char *state = plug->last_seen_at != 0
                               ? g_strdup_printf (_("%s · last report %s ago"), online ? C_("plug link", "Online") : C_("plug link", "Offline"), seen_ago)
                               : g_strdup_printf ("%s · %s", online ? C_("plug link", "Online") : C_("plug link", "Offline"), _("never"));
      AnbuHouseholdFacts plug_facts = {
        .last_activity_at = plug->last_activity_at,
        .threshold_hours = h->threshold_hours,
      };
      /* The same hours as the signal card and the list row: the household's
       * facts; the plug's own activity only if the list does not hold it. */
      const AnbuHouseholdFacts *facts = summary != NULL ? anbu_household_summary_get_facts (summary)
                                                        : &plug_facts;
      g_autofree char *activity = anbu_household_facts_describe_last_activity (facts, now);
      g_autofree char *quiet = anbu_household_facts_describe_quiet (facts, now);

      add_row (group, _("Serial number"), plug->serial);
      add_row (group, _("Appliance"), anbu_appliance_to_label (plug->appliance));
      add_row (group, _("Connection"), state);
      add_row (group, _("Last activity"), activity);
      add_row (group, _("Quiet"), quiet);
      /* What switches by itself on this plug does not count as the resident's activity. */
      if (plug->activity_learned_text != NULL)
        add_row (group, plug->activity_mark == ANBU_ACTIVITY_MARK_PERSON ? _("Learned switching")
                                                                          : _("Not counted as activity"),
                 plug->activity_learned_text);
      /* The planner's word on it, once there is something learned (or marked). */
      if (plug->activity_learned_text != NULL || plug->activity_mark != ANBU_ACTIVITY_MARK_AUTO)
        {
          add_mark_row (self, group, plug);
          if (refocus_mark)
            gtk_widget_grab_focus (self->mark_row);
        }
    }
  else
    add_row (group, _("No plug installed"), _("Install one on the next visit."));

  if (summary != NULL)
    {
      const char *klass = NULL;
      add_row (group, _("State"), anbu_household_state_label (anbu_household_summary_get_facts (summary), &klass));
    }

  /* Chart */
  group = add_group (self, _("Last 7 Days"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Power (blue) and light (yellow); green marks are activity; shaded hours are night."));
  {
    GtkWidget *frame = gtk_frame_new (NULL);
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
    GtkWidget *label = gtk_label_new (_("Loading the activity chart…"));

    self->chart = ANBU_ACTIVITY_CHART (anbu_activity_chart_new ());
    gtk_widget_set_name (GTK_WIDGET (self->chart), "household-chart");
    gtk_widget_set_margin_top (GTK_WIDGET (self->chart), 6);
    gtk_widget_set_margin_start (GTK_WIDGET (self->chart), 6);
    gtk_widget_set_margin_end (GTK_WIDGET (self->chart), 6);
    gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->chart));
    self->chart_label = GTK_LABEL (label);
    gtk_widget_set_name (label, "household-chart-summary");
    gtk_label_set_wrap (self->chart_label, TRUE);
    gtk_label_set_xalign (self->chart_label, 0);
    gtk_widget_set_margin_start (label, 6);
    gtk_widget_set_margin_bottom (label, 6);
    gtk_widget_add_css_class (label, "dim-label");
    gtk_box_append (GTK_BOX (box), label);
    set_chart_line (self, gtk_label_get_label (self->chart_label));
    gtk_frame_set_child (GTK_FRAME (frame), box);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), frame);
    self->chart_source = "none";
    load_chart (self);
  }

  /* Identity */
  group = add_group (self, _("Resident"));
  {
    g_autofree char *who = NULL;
    g_autofree char *address = g_strjoin (" ", h->address, h->address_detail != NULL ? h->address_detail : "", NULL);
    g_autofree char *threshold = g_strdup_printf (_("%d hours"), h->threshold_hours);
    g_autofree char *consent = NULL;

    if (h->birth_year > 0)
      /* Translators: birth year and sex, "1942년생 · 여성". */
      who = g_strdup_printf (_("Born %d · %s"), h->birth_year,
                             h->sex != ANBU_SEX_UNKNOWN ? anbu_sex_to_label (h->sex) : "—");
    add_row (group, _("Name"), h->name);
    add_row (group, _("Born"), who);
    if (h->phone != NULL)
      {
        g_autofree char *e164 = anbu_phone_to_e164 (h->phone);
        g_autofree char *uri = g_strconcat ("tel:", e164 != NULL ? e164 : h->phone, NULL);
        GtkWidget *row = add_row (group, _("Phone"), h->phone);
        GtkWidget *call = gtk_link_button_new_with_label (uri, _("Call"));

        gtk_widget_set_valign (call, GTK_ALIGN_CENTER);
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), call);
      }
    else
      add_row (group, _("Phone"), NULL);
    add_row (group, _("Address"), g_strstrip (address));
    add_row (group, _("Community centre"), h->dong_name != NULL ? h->dong_name : h->dong_code);
    consent = h->night_consent
              ? g_strdup_printf (_("Consented (%s)"), h->night_consent_date != NULL ? h->night_consent_date : "—")
              : g_strdup (_("Not consented: nights and holidays wait for the community centre"));
    add_row (group, _("Night and holiday monitoring"), consent);
    add_row (group, _("Risk signal after"), threshold);
    add_row (group, _("Health and situation"), h->risk_notes);
  }

  if (h->contacts->len > 0)
    {
      group = add_group (self, _("People to Call"));
      for (guint i = 0; i < h->contacts->len; i++)
        {
          AnbuHouseholdContact *c = h->contacts->pdata[i];
          g_autofree char *title = c->relation != NULL ? g_strdup_printf ("%s (%s)", c->name, c->relation)
                                                       : g_strdup (c->name);
          add_row (group, title, c->phone);
        }
    }

  /* History */
  alerts = anbu_casework_list_for_household (self->casework, ANBU_RECORD_KIND_ALERT, h->id);
  group = add_group (self, _("Risk Signals"));
  if (alerts->len == 0)
    add_row (group, _("None so far"), NULL);
  for (guint i = 0; i < alerts->len && i < 20; i++)
    {
      AnbuAlert *a = alerts->pdata[i];
      g_autofree char *when = format_time (a->raised_at);
      g_autofree char *title = g_strdup_printf ("%s · %s", anbu_alert_level_to_label (a->level),
                                                anbu_alert_kind_to_label (a->kind));
      g_autofree char *value = g_strdup_printf ("%s · %s%s%s", when, anbu_alert_state_to_label (a->state),
                                                a->resolution != ANBU_ALERT_RESOLUTION_NONE ? " · " : "",
                                                a->resolution != ANBU_ALERT_RESOLUTION_NONE
                                                ? anbu_alert_resolution_to_label (a->resolution) : "");
      add_row (group, title, value);
    }

  group = add_group (self, _("Contacts"));
  if (contacts->len == 0)
    add_row (group, _("None so far"), NULL);
  for (guint i = 0; i < contacts->len && i < 20; i++)
    {
      AnbuContact *c = contacts->pdata[i];
      g_autofree char *when = format_time (c->at);
      g_autofree char *title = g_strdup_printf ("%s · %s", anbu_contact_channel_to_label (c->channel),
                                                anbu_contact_outcome_to_label (c->outcome));
      g_autofree char *value = g_strdup_printf ("%s%s%s%s%s", when, c->phone != NULL ? " · " : "",
                                                c->phone != NULL ? c->phone : "",
                                                c->notes != NULL ? " · " : "",
                                                c->notes != NULL ? c->notes : "");
      add_row (group, title, value);
    }

  visits = anbu_casework_list_for_household (self->casework, ANBU_RECORD_KIND_VISIT, h->id);
  group = add_group (self, _("Visits"));
  if (visits->len == 0)
    add_row (group, _("None so far"), NULL);
  for (guint i = 0; i < visits->len && i < 20; i++)
    {
      AnbuVisit *v = visits->pdata[i];
      g_autofree char *when = format_time (v->at);
      g_autofree char *value = g_strdup_printf ("%s%s%s%s%s", when, v->outcome != NULL ? " · " : "",
                                                v->outcome != NULL ? v->outcome : "",
                                                v->next_visit_on != NULL ? " · " : "",
                                                v->next_visit_on != NULL ? v->next_visit_on : "");
      add_row (group, anbu_visit_purpose_to_label (v->purpose), value);
    }

  absences = anbu_casework_list_for_household (self->casework, ANBU_RECORD_KIND_ABSENCE, h->id);
  group = add_group (self, _("Absences"));
  if (absences->len == 0)
    add_row (group, _("None registered"), NULL);
  for (guint i = 0; i < absences->len && i < 20; i++)
    {
      AnbuAbsence *b = absences->pdata[i];
      g_autofree char *from = format_time (b->from);
      g_autofree char *to = format_time (b->to);
      g_autofree char *value = g_strdup_printf ("%s – %s", from, to);
      add_row (group, anbu_absence_reason_to_label (b->reason), value);
    }
}

static void
form_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AnbuHouseholdPage *self = ANBU_HOUSEHOLD_PAGE (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  static const struct { const char *name; AnbuCaseForm form; } forms[] = {
    { "visit", ANBU_CASE_FORM_VISIT },
    { "contact", ANBU_CASE_FORM_CONTACT },
    { "absence", ANBU_CASE_FORM_ABSENCE },
    { "install-plug", ANBU_CASE_FORM_INSTALL_PLUG },
    { "replace-plug", ANBU_CASE_FORM_REPLACE_PLUG },
    { "remove-plug", ANBU_CASE_FORM_REMOVE_PLUG },
    { "edit", ANBU_CASE_FORM_EDIT_HOUSEHOLD },
    { "contacts", ANBU_CASE_FORM_EDIT_CONTACTS },
    { "close", ANBU_CASE_FORM_CLOSE_CASE },
  };

  if (self->casework == NULL || self->household_id == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    if (g_str_equal (forms[i].name, name))
      anbu_case_form_present (widget, self->casework, forms[i].form, self->household_id, NULL);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  g_signal_emit (widget, signals[BACK], 0);
}

static void
on_casework_changed (AnbuHouseholdPage *self)
{
  if (self->household_id != NULL)
    rebuild (self);
}

static void
anbu_household_page_dispose (GObject *object)
{
  AnbuHouseholdPage *self = ANBU_HOUSEHOLD_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->casework != NULL)
    g_signal_handlers_disconnect_by_data (self->casework, self);
  g_clear_object (&self->casework);
  /* Through AdwBin first, so that it does not keep a child the template dropped. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ANBU_TYPE_HOUSEHOLD_PAGE);
  G_OBJECT_CLASS (anbu_household_page_parent_class)->dispose (object);
}

static void
anbu_household_page_finalize (GObject *object)
{
  AnbuHouseholdPage *self = ANBU_HOUSEHOLD_PAGE (object);

  g_clear_object (&self->cancellable);
  g_free (self->household_id);
  g_free (self->mark_serial);
  g_free (self->chart_json);
  g_free (self->chart_line);
  G_OBJECT_CLASS (anbu_household_page_parent_class)->finalize (object);
}

static void
anbu_household_page_class_init (AnbuHouseholdPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = anbu_household_page_dispose;
  object_class->finalize = anbu_household_page_finalize;

  signals[BACK] = g_signal_new ("back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-household-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuHouseholdPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuHouseholdPage, content_box);
  gtk_widget_class_install_action (widget_class, "household.form", "s", form_action);
  gtk_widget_class_install_action (widget_class, "household.back", NULL, back_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "household.back", NULL);
  /* The same keys as on a risk signal's row: a contact or a visit for the open household. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "household.form", "s", "contact");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "household.form", "s", "visit");
}

static void
anbu_household_page_init (AnbuHouseholdPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->chart_source = "none";
}

GtkWidget *
anbu_household_page_new (void)
{
  return g_object_new (ANBU_TYPE_HOUSEHOLD_PAGE, NULL);
}

void
anbu_household_page_show (AnbuHouseholdPage *self,
                          AnbuCasework      *casework,
                          const char        *household_id)
{
  g_return_if_fail (ANBU_IS_HOUSEHOLD_PAGE (self));
  g_return_if_fail (ANBU_IS_CASEWORK (casework));

  if (self->casework != casework)
    {
      if (self->casework != NULL)
        g_signal_handlers_disconnect_by_data (self->casework, self);
      g_set_object (&self->casework, casework);
      g_signal_connect_swapped (casework, "changed", G_CALLBACK (on_casework_changed), self);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_free (self->household_id);
  self->household_id = g_strdup (household_id);
  /* Opening a page fetches the chart anew; change notices while it is open reuse it. */
  g_clear_pointer (&self->chart_json, g_free);
  g_clear_pointer (&self->chart_line, g_free);
  self->chart_fetched_at = 0;
  rebuild (self);
}

const char *
anbu_household_page_get_household_id (AnbuHouseholdPage *self)
{
  g_return_val_if_fail (ANBU_IS_HOUSEHOLD_PAGE (self), NULL);
  return self->household_id;
}

const char *
anbu_household_page_get_chart_source (AnbuHouseholdPage *self)
{
  g_return_val_if_fail (ANBU_IS_HOUSEHOLD_PAGE (self), NULL);
  return self->chart_source;
}
