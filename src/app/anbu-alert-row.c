/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-alert-row"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-alert-row.h"
#include "anbu-case-form-dialog.h"
#include "anbu-holiday-calendar.h"
#include "anbu-households-view.h"
#include "anbu-kst.h"
#include "anbu-phone.h"
#include "anbu-routing.h"
#include "anbu-validate.h"
#include "anbu-visit.h"
#include "anbu-window.h"

struct _AnbuAlertRow
{
  GtkListBoxRow parent_instance;

  GtkLabel      *level_label;
  GtkLabel      *name_label;
  GtkLabel      *kind_label;
  GtkLabel      *quiet_label;
  GtkLabel      *responder_label;
  GtkLabel      *detail_label;
  GtkLabel      *checks_label;
  GtkLinkButton *phone_link;
  GtkButton     *copy_button;
  GtkLabel      *state_label;
  GtkButton     *acknowledge_button;

  AnbuCasework  *casework;
  char          *alert_id;
  char          *household_id;
  char          *phone;
  GCancellable  *cancellable;

  AnbuAlert          *alert;
  AnbuAlertResponder  responder;
  char               *dong_name;
};

G_DEFINE_FINAL_TYPE (AnbuAlertRow, anbu_alert_row, GTK_TYPE_LIST_BOX_ROW)

static const char *
level_class (AnbuAlertLevel level)
{
  switch (level)
    {
    case ANBU_ALERT_LEVEL_CRITICAL: return "critical";
    case ANBU_ALERT_LEVEL_RISK: return "risk";
    default: return "watch";
    }
}

static void
acknowledge_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(AnbuAlertRow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *mutation_id = anbu_casework_submit_finish (ANBU_CASEWORK (source), result, &error);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (mutation_id == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (mutation_id == NULL)
    g_warning ("Could not store an acknowledgement: %s", error->message);
  if (ANBU_IS_WINDOW (root))
    anbu_window_add_toast (ANBU_WINDOW (root),
                           mutation_id != NULL ? _("Risk signal acknowledged. It reaches the server with the next sync.")
                                               : _("The acknowledgement could not be stored on this computer. Try again."));
  gtk_widget_set_sensitive (GTK_WIDGET (self->acknowledge_button), mutation_id == NULL);
}

static void
acknowledge_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AnbuAlertRow *self = ANBU_ALERT_ROW (widget);
  g_autoptr(JsonObject) payload = json_object_new ();
  g_autofree char *at = anbu_timestamp_format (anbu_casework_get_now (self->casework));

  json_object_set_string_member (payload, "id", self->alert_id);
  json_object_set_string_member (payload, "at", at);
  gtk_widget_set_sensitive (GTK_WIDGET (self->acknowledge_button), FALSE);
  anbu_casework_submit_async (self->casework, "alert.acknowledge", payload, self->cancellable,
                              acknowledge_cb, g_object_ref (self));
}

static void
record_contact_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AnbuAlertRow *self = ANBU_ALERT_ROW (widget);

  anbu_case_form_present (widget, self->casework, ANBU_CASE_FORM_CONTACT, self->household_id,
                          self->alert_id);
}

/* A visit to the household of the risk signal (Ctrl+Shift+V on the row). */
static void
record_visit_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AnbuAlertRow *self = ANBU_ALERT_ROW (widget);

  anbu_case_form_present (widget, self->casework, ANBU_CASE_FORM_VISIT, self->household_id, NULL);
}

static void
resolve_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  AnbuAlertRow *self = ANBU_ALERT_ROW (widget);

  anbu_case_form_present (widget, self->casework, ANBU_CASE_FORM_RESOLVE_ALERT, self->household_id,
                          self->alert_id);
}

static void
copy_phone_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AnbuAlertRow *self = ANBU_ALERT_ROW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->phone == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->phone);
  if (ANBU_IS_WINDOW (root))
    anbu_window_add_toast (ANBU_WINDOW (root), _("Phone number copied"));
}

/* The household page, in the households view of the same window. */
static void
open_household_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AnbuAlertRow *self = ANBU_ALERT_ROW (widget);

  if (anbu_casework_lookup_household (self->casework, self->household_id) != NULL)
    anbu_households_view_open_in_window (widget, self->household_id);
}

static void
anbu_alert_row_dispose (GObject *object)
{
  AnbuAlertRow *self = ANBU_ALERT_ROW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), ANBU_TYPE_ALERT_ROW);
  G_OBJECT_CLASS (anbu_alert_row_parent_class)->dispose (object);
}

static void
anbu_alert_row_finalize (GObject *object)
{
  AnbuAlertRow *self = ANBU_ALERT_ROW (object);

  g_clear_object (&self->casework);
  g_clear_object (&self->cancellable);
  g_free (self->alert_id);
  g_free (self->household_id);
  g_free (self->phone);
  g_clear_pointer (&self->alert, anbu_alert_free);
  g_free (self->dong_name);
  G_OBJECT_CLASS (anbu_alert_row_parent_class)->finalize (object);
}

static void
anbu_alert_row_class_init (AnbuAlertRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = anbu_alert_row_dispose;
  object_class->finalize = anbu_alert_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-alert-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuAlertRow, level_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuAlertRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuAlertRow, kind_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuAlertRow, quiet_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuAlertRow, responder_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuAlertRow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuAlertRow, checks_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuAlertRow, phone_link);
  gtk_widget_class_bind_template_child (widget_class, AnbuAlertRow, copy_button);
  gtk_widget_class_bind_template_child (widget_class, AnbuAlertRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuAlertRow, acknowledge_button);

  gtk_widget_class_install_action (widget_class, "alert.acknowledge", NULL, acknowledge_action);
  gtk_widget_class_install_action (widget_class, "alert.record-contact", NULL, record_contact_action);
  gtk_widget_class_install_action (widget_class, "alert.record-visit", NULL, record_visit_action);
  gtk_widget_class_install_action (widget_class, "alert.resolve", NULL, resolve_action);
  gtk_widget_class_install_action (widget_class, "alert.copy-phone", NULL, copy_phone_action);
  gtk_widget_class_install_action (widget_class, "alert.open-household", NULL, open_household_action);
  /* The common casework of the risk signal that has the keyboard focus (the row or one of its
   * buttons). Ctrl+Shift, so that Ctrl+C / Ctrl+V keep copying and pasting. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "alert.record-contact", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "alert.record-visit", NULL);
}

static void
anbu_alert_row_init (AnbuAlertRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/* The contacts and visits that belong to the signal, from whichever view
 * they were recorded: "안부 확인 2건 · 최근 전화 · 응답 없음 (12월 5일 14:05)". */
static char *
describe_checks (AnbuCasework    *casework,
                 const AnbuAlert *alert)
{
  g_autoptr(GPtrArray) contacts = anbu_casework_list_for_household (casework, ANBU_RECORD_KIND_CONTACT,
                                                                    alert->household_id);
  g_autoptr(GPtrArray) visits = anbu_casework_list_for_household (casework, ANBU_RECORD_KIND_VISIT,
                                                                  alert->household_id);
  const AnbuContact *last_contact = NULL;
  const AnbuVisit *last_visit = NULL;
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *when_text = NULL;
  const char *how, *found;
  guint n = 0;

  /* Newest first: the first that belongs is the latest. */
  for (guint i = 0; i < contacts->len; i++)
    {
      const AnbuContact *contact = contacts->pdata[i];

      if (g_strcmp0 (contact->alert_id, alert->id) != 0)
        continue;
      if (last_contact == NULL)
        last_contact = contact;
      n++;
    }
  for (guint i = 0; i < visits->len; i++)
    {
      const AnbuVisit *visit = visits->pdata[i];

      if (g_strcmp0 (visit->alert_id, alert->id) != 0)
        continue;
      if (last_visit == NULL)
        last_visit = visit;
      n++;
    }
  if (n == 0)
    return NULL;

  if (last_visit != NULL && (last_contact == NULL || last_visit->at > last_contact->at))
    {
      when = anbu_timestamp_to_date_time (last_visit->at);
      how = anbu_contact_channel_to_label (ANBU_CONTACT_CHANNEL_VISIT);
      found = last_visit->outcome != NULL ? last_visit->outcome
                                          : anbu_visit_purpose_to_label (last_visit->purpose);
    }
  else
    {
      when = anbu_timestamp_to_date_time (last_contact->at);
      how = anbu_contact_channel_to_label (last_contact->channel);
      found = anbu_contact_outcome_to_label (last_contact->outcome);
    }
  when_text = anbu_kst_format_date_time (when);
  /* Translators: the number of 안부 확인 recorded for this signal, then the
   * latest one: how, what it found and when. */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u check · latest: %s · %s (%s)",
                                       "%u checks · latest: %s · %s (%s)", n),
                          n, how, found, when_text);
}

GtkWidget *
anbu_alert_row_new (AnbuCasework    *casework,
                    const AnbuAlert *alert)
{
  AnbuAlertRow *self;

  g_return_val_if_fail (ANBU_IS_CASEWORK (casework), NULL);
  g_return_val_if_fail (alert != NULL, NULL);

  self = g_object_new (ANBU_TYPE_ALERT_ROW, NULL);
  self->casework = g_object_ref (casework);
  anbu_alert_row_update (self, alert);
  return GTK_WIDGET (self);
}

/* Shows @alert as it is now (the same signal, or the row is reused for it): a
 * label whose text did not change is left alone, so an update that changes
 * nothing costs no layout, and the row keeps the keyboard focus. */
void
anbu_alert_row_update (AnbuAlertRow    *self,
                       const AnbuAlert *alert)
{
  AnbuCasework *casework;
  AnbuHousehold *h;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(AnbuHolidayCalendar) calendar = NULL;
  g_autoptr(AnbuRoutingDecision) decision = NULL;
  g_autofree char *responder = NULL;
  g_autofree char *quiet = NULL;
  g_autofree char *accessible = NULL;
  AnbuHouseholdSummary *summary;

  g_return_if_fail (ANBU_IS_ALERT_ROW (self));
  g_return_if_fail (alert != NULL);

  casework = self->casework;
  g_free (self->alert_id);
  self->alert_id = g_strdup (alert->id);
  g_free (self->household_id);
  self->household_id = g_strdup (alert->household_id);
  g_clear_pointer (&self->alert, anbu_alert_free);
  self->alert = anbu_alert_copy (alert);
  h = anbu_casework_lookup_household (casework, alert->household_id);
  g_free (self->dong_name);
  self->dong_name = h != NULL ? g_strdup (h->dong_name) : NULL;
  g_clear_pointer (&self->phone, g_free);
  now = anbu_timestamp_to_date_time (anbu_casework_get_now (casework));

  gtk_label_set_label (self->level_label, anbu_alert_level_to_label (alert->level));
  for (AnbuAlertLevel level = ANBU_ALERT_LEVEL_WATCH; level <= ANBU_ALERT_LEVEL_CRITICAL; level++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->level_label), level_class (level));
  gtk_widget_add_css_class (GTK_WIDGET (self->level_label), level_class (alert->level));
  gtk_label_set_label (self->name_label, h != NULL ? h->name : _("Unknown household"));
  /* The 동 too: the view sorts and filters by it. */
  if (self->dong_name != NULL)
    {
      /* Translators: "역삼1동 · 무활동": the household's 동 and the kind of signal. */
      g_autofree char *kind = g_strdup_printf (_("%s · %s"), self->dong_name, anbu_alert_kind_to_label (alert->kind));

      gtk_label_set_label (self->kind_label, kind);
    }
  else
    gtk_label_set_label (self->kind_label, anbu_alert_kind_to_label (alert->kind));

  /* The household's quiet time as its row and page show it (one computation);
   * the signal's own quiet start only for a household the list does not hold. */
  summary = anbu_household_index_lookup (anbu_casework_get_index (casework), alert->household_id);
  if (summary != NULL)
    quiet = anbu_household_facts_describe_quiet (anbu_household_summary_get_facts (summary),
                                                 anbu_casework_get_now (casework));
  if (quiet == NULL)
    {
      AnbuHouseholdFacts facts = {
        .quiet_since = alert->quiet_since != 0 ? alert->quiet_since : alert->raised_at,
        .threshold_hours = h != NULL ? h->threshold_hours : ANBU_THRESHOLD_HOURS_DEFAULT,
      };

      quiet = anbu_household_facts_describe_quiet (&facts, anbu_casework_get_now (casework));
    }
  gtk_label_set_label (self->quiet_label, quiet);

  calendar = anbu_holiday_calendar_new ();
  decision = anbu_routing_decide (calendar, now, h != NULL && h->night_consent);
  /* "관제센터 … 까지", or for a household without night consent outside
   * business hours, "동주민센터 업무 시작 대기": it waits for the morning. */
  responder = anbu_routing_decision_describe (decision);
  self->responder = decision->responder;
  gtk_label_set_label (self->responder_label, responder);
  gtk_label_set_label (self->detail_label, alert->detail != NULL ? alert->detail : "");
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), alert->detail != NULL);
  {
    g_autofree char *checks = describe_checks (casework, alert);

    gtk_label_set_label (self->checks_label, checks != NULL ? checks : "");
    gtk_widget_set_visible (GTK_WIDGET (self->checks_label), checks != NULL);
  }

  if (h != NULL && h->phone != NULL)
    {
      g_autofree char *e164 = anbu_phone_to_e164 (h->phone);
      g_autofree char *uri = g_strconcat ("tel:", e164 != NULL ? e164 : h->phone, NULL);

      self->phone = g_strdup (h->phone);
      gtk_widget_set_visible (GTK_WIDGET (self->phone_link), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->copy_button), TRUE);
      gtk_button_set_label (GTK_BUTTON (self->phone_link), h->phone);
      gtk_link_button_set_uri (self->phone_link, uri);
      /* Translators: %s is a phone number. */
      {
        g_autofree char *tip = g_strdup_printf (_("Call %s"), h->phone);
        gtk_widget_set_tooltip_text (GTK_WIDGET (self->phone_link), tip);
      }
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->phone_link), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->copy_button), FALSE);
    }

  if (alert->state == ANBU_ALERT_STATE_DISPATCHED && alert->dispatched_at != 0)
    {
      g_autoptr(GDateTime) at = anbu_timestamp_to_date_time (alert->dispatched_at);
      g_autofree char *when = anbu_kst_format_date_time (at);
      /* Translators: "현장 출동 · 12월 5일 14:05": the state and when the dispatch was asked for. */
      g_autofree char *state = g_strdup_printf (_("%s · %s"), anbu_alert_state_to_label (alert->state),
                                                when);

      gtk_label_set_label (self->state_label, state);
    }
  else
    gtk_label_set_label (self->state_label, anbu_alert_state_to_label (alert->state));
  gtk_widget_set_sensitive (GTK_WIDGET (self->acknowledge_button), alert->state == ANBU_ALERT_STATE_OPEN);

  accessible = g_strdup_printf ("%s, %s, %s, %s, %s",
                                anbu_alert_level_to_label (alert->level),
                                h != NULL ? h->name : "", quiet, responder,
                                alert->detail != NULL ? alert->detail : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

const char *
anbu_alert_row_get_alert_id (AnbuAlertRow *self)
{
  g_return_val_if_fail (ANBU_IS_ALERT_ROW (self), NULL);
  return self->alert_id;
}

const AnbuAlert *
anbu_alert_row_get_alert (AnbuAlertRow *self)
{
  g_return_val_if_fail (ANBU_IS_ALERT_ROW (self), NULL);
  return self->alert;
}

AnbuAlertResponder
anbu_alert_row_get_responder (AnbuAlertRow *self)
{
  g_return_val_if_fail (ANBU_IS_ALERT_ROW (self), ANBU_ALERT_RESPONDER_DONG);
  return self->responder;
}

const char *
anbu_alert_row_get_dong_name (AnbuAlertRow *self)
{
  g_return_val_if_fail (ANBU_IS_ALERT_ROW (self), NULL);
  return self->dong_name;
}

const char *
anbu_alert_row_get_responder_text (AnbuAlertRow *self)
{
  g_return_val_if_fail (ANBU_IS_ALERT_ROW (self), NULL);
  return gtk_label_get_label (self->responder_label);
}
