/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-case-form-dialog"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "anbu-case-form-dialog-private.h"
#include "anbu-absence-form.h"
#include "anbu-close-case-form.h"
#include "anbu-contact-form.h"
#include "anbu-edit-contacts-form.h"
#include "anbu-edit-household-form.h"
#include "anbu-install-plug-form.h"
#include "anbu-register-household-form.h"
#include "anbu-remove-plug-form.h"
#include "anbu-replace-plug-form.h"
#include "anbu-resolve-alert-form.h"
#include "anbu-visit-form.h"
#include "anbu-case-lifecycle.h"
#include "anbu-community-centre.h"
#include "anbu-household-index.h"
#include "anbu-kst.h"
#include "anbu-map-page.h"
#include "anbu-map-view.h"
#include "anbu-mutation.h"
#include "anbu-phone.h"
#include "anbu-validate.h"
#include "anbu-window.h"

typedef enum
{
  FIELD_TEXT,
  FIELD_DATE,
  FIELD_CHOICE,
  FIELD_SWITCH,
  FIELD_THRESHOLD,
  FIELD_MOMENT,    /* a date (calendar) and a time of day (hour, minute), in Seoul */
} FieldType;

typedef struct
{
  char      *key;       /* payload member, also the error path (without "fields.") */
  FieldType  type;
  GType      enum_type;
  GArray    *values;    /* of gint: enum values offered by a choice */
  GtkWidget *row;
  GtkWidget *input;
  GtkLabel  *error_label;
  char      *error;
  gboolean   must_pick; /* a choice offered with nothing picked: Save waits for one */
  GtkCalendar   *calendar; /* FIELD_MOMENT */
  GtkSpinButton *hour;
  GtkSpinButton *minute;
} Field;

typedef struct
{
  AdwToastOverlay *toast_overlay;
  GtkBox          *fields_box;
  GtkLabel        *subtitle_label;
  GtkLabel        *form_error_label;
  GtkButton       *save_button;

  AnbuCasework    *casework;
  AnbuCaseForm     form;
  char            *household_id;
  char            *alert_id;
  gboolean         alert_given;  /* named by the caller, not found by the record's time */
  GPtrArray       *fields;   /* of Field */
  GCancellable    *cancellable;
  GPtrArray       *pending;  /* mutation kinds + payloads still to submit, in order */
  gboolean         saving;
} AnbuCaseFormDialogPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (AnbuCaseFormDialog, anbu_case_form_dialog, ADW_TYPE_WINDOW)

/* The form each AnbuCaseForm opens: a new form is a new subclass and a row here. */
static GType (* const form_types[]) (void) = {
  [ANBU_CASE_FORM_VISIT] = anbu_visit_form_get_type,
  [ANBU_CASE_FORM_CONTACT] = anbu_contact_form_get_type,
  [ANBU_CASE_FORM_ABSENCE] = anbu_absence_form_get_type,
  [ANBU_CASE_FORM_INSTALL_PLUG] = anbu_install_plug_form_get_type,
  [ANBU_CASE_FORM_REPLACE_PLUG] = anbu_replace_plug_form_get_type,
  [ANBU_CASE_FORM_REMOVE_PLUG] = anbu_remove_plug_form_get_type,
  [ANBU_CASE_FORM_EDIT_HOUSEHOLD] = anbu_edit_household_form_get_type,
  [ANBU_CASE_FORM_CLOSE_CASE] = anbu_close_case_form_get_type,
  [ANBU_CASE_FORM_RESOLVE_ALERT] = anbu_resolve_alert_form_get_type,
  [ANBU_CASE_FORM_REGISTER_HOUSEHOLD] = anbu_register_household_form_get_type,
  [ANBU_CASE_FORM_EDIT_CONTACTS] = anbu_edit_contacts_form_get_type,
};

enum
{
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  char       *kind;
  JsonObject *payload;
} Change;

static void
change_free (Change *change)
{
  g_free (change->kind);
  g_clear_pointer (&change->payload, json_object_unref);
  g_free (change);
}

static void
field_free (Field *field)
{
  g_free (field->key);
  g_free (field->error);
  g_clear_pointer (&field->values, g_array_unref);
  g_free (field);
}

static Field *
find_field (AnbuCaseFormDialog *self,
            const char         *key)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);

  for (guint i = 0; i < priv->fields->len; i++)
    {
      Field *field = priv->fields->pdata[i];

      if (g_strcmp0 (field->key, key) == 0)
        return field;
    }
  return NULL;
}

static Field *
add_field (AnbuCaseFormDialog *self,
           const char         *key,
           FieldType           type,
           GtkWidget          *row,
           GtkWidget          *input)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);
  Field *field = g_new0 (Field, 1);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *error = gtk_label_new (NULL);

  field->key = g_strdup (key);
  field->type = type;
  field->row = row;
  field->input = input;
  field->error_label = GTK_LABEL (error);
  gtk_widget_set_name (input, key);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  gtk_box_append (priv->fields_box, list);

  gtk_label_set_xalign (GTK_LABEL (error), 0);
  gtk_label_set_wrap (GTK_LABEL (error), TRUE);
  gtk_widget_add_css_class (error, "anbu-field-error");
  gtk_widget_set_visible (error, FALSE);
  gtk_box_append (priv->fields_box, error);
  /* Screen readers read the message with the field. */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (input), GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                  error, NULL, -1);

  g_ptr_array_add (priv->fields, field);
  return field;
}

void
anbu_case_form_dialog_add_text (AnbuCaseFormDialog *self,
                                const char         *key,
                                const char         *title,
                                const char         *initial)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  /* Enter in a field saves the form, as the Save button would. */
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (row), initial != NULL ? initial : "");
  add_field (self, key, FIELD_TEXT, row, row);
}

/* Picking a day fills the date field, as typing it would. */
static void
on_date_picked (GtkCalendar *calendar,
                GtkEditable *entry)
{
  g_autoptr(GDateTime) day = gtk_calendar_get_date (calendar);
  g_autofree char *text = g_strdup_printf ("%04d-%02d-%02d", g_date_time_get_year (day),
                                           g_date_time_get_month (day),
                                           g_date_time_get_day_of_month (day));
  GtkWidget *button = gtk_widget_get_ancestor (GTK_WIDGET (calendar), GTK_TYPE_MENU_BUTTON);

  gtk_editable_set_text (entry, text);
  if (button != NULL)
    gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
}

static void
select_calendar_day (GtkCalendar *calendar,
                     const GDate *date)
{
  g_autoptr(GDateTime) day = g_date_time_new_local (g_date_get_year (date), g_date_get_month (date),
                                                    g_date_get_day (date), 12, 0, 0);

  gtk_calendar_select_day (calendar, day);
}

/* The calendar opens on the date typed, when it is one. */
static void
on_date_popover_show (GtkWidget   *popover,
                      GtkEditable *entry)
{
  GtkCalendar *calendar = GTK_CALENDAR (gtk_popover_get_child (GTK_POPOVER (popover)));
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  GDate date;

  if (anbu_validate_date ("date", text, &date, NULL))
    {
      g_signal_handlers_block_by_func (calendar, on_date_picked, entry);
      select_calendar_day (calendar, &date);
      g_signal_handlers_unblock_by_func (calendar, on_date_picked, entry);
    }
}

/* A date: typed as YYYY-MM-DD or picked on a calendar that opens at
 * @initial, or at @today when the field starts empty. */
void
anbu_case_form_dialog_add_date (AnbuCaseFormDialog *self,
                                const char         *key,
                                const char         *title,
                                const GDate        *initial,
                                const GDate        *today)
{
  GtkWidget *row = adw_entry_row_new ();
  GtkWidget *hint = gtk_label_new (_("YYYY-MM-DD"));
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *calendar = gtk_calendar_new ();
  g_autofree char *calendar_name = g_strconcat (key, "-calendar", NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);
  gtk_widget_add_css_class (hint, "dim-label");
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), hint);
  if (initial != NULL && g_date_valid (initial))
    {
      g_autofree char *text = g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (initial),
                                               g_date_get_month (initial), g_date_get_day (initial));
      gtk_editable_set_text (GTK_EDITABLE (row), text);
    }

  gtk_widget_set_name (calendar, calendar_name);
  select_calendar_day (GTK_CALENDAR (calendar),
                       initial != NULL && g_date_valid (initial) ? initial : today);
  g_signal_connect_object (calendar, "day-selected", G_CALLBACK (on_date_picked), row, 0);
  gtk_popover_set_child (GTK_POPOVER (popover), calendar);
  g_signal_connect_object (popover, "show", G_CALLBACK (on_date_popover_show), row, 0);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "x-office-calendar-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Pick on a calendar"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Pick on a calendar"), -1);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), button);
  add_field (self, key, FIELD_DATE, row, row);
}

static void
update_moment_label (Field *field)
{
  g_autoptr(GDateTime) day = gtk_calendar_get_date (field->calendar);
  g_autofree char *text = g_strdup_printf ("%04d-%02d-%02d", g_date_time_get_year (day),
                                           g_date_time_get_month (day),
                                           g_date_time_get_day_of_month (day));

  gtk_menu_button_set_label (GTK_MENU_BUTTON (field->input), text);
}

static void
on_moment_day_selected (GtkCalendar *calendar,
                        Field       *field)
{
  update_moment_label (field);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (field->input));
}

/* Hours and minutes read as on a clock: 09:05, not 9:5. */
static gboolean
on_two_digit_output (GtkSpinButton *spin)
{
  g_autofree char *text = g_strdup_printf ("%02d", gtk_spin_button_get_value_as_int (spin));

  if (g_strcmp0 (text, gtk_editable_get_text (GTK_EDITABLE (spin))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static GtkSpinButton *
new_clock_spin (const char *name,
                guint       max,
                guint       value,
                const char *accessible_label)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (0, max, 1);

  gtk_widget_set_name (spin, name);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_spin_button_set_wrap (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 2);
  g_signal_connect (spin, "output", G_CALLBACK (on_two_digit_output), NULL);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_label, -1);
  return GTK_SPIN_BUTTON (spin);
}

/* A new date or time answers the message under it ("not yet"). */
static void
on_moment_changed (AnbuCaseFormDialog *self)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);

  for (guint i = 0; i < priv->fields->len; i++)
    {
      Field *field = priv->fields->pdata[i];

      if (field->type == FIELD_MOMENT && field->error != NULL)
        anbu_case_form_dialog_set_field_error (self, field->key, NULL);
    }
}

/* When something happened: a day picked on a calendar and a time of day,
 * starting at @initial (µs); the payload gets it as a UTC time. */
void
anbu_case_form_dialog_add_moment (AnbuCaseFormDialog *self,
                                  const char         *key,
                                  const char         *title,
                                  gint64              initial)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *calendar = gtk_calendar_new ();
  GtkWidget *colon = gtk_label_new (":");
  g_autoptr(GDateTime) utc = anbu_timestamp_to_date_time (initial);
  g_autoptr(GDateTime) start = anbu_kst_to_kst (utc);
  g_autoptr(GDateTime) day = NULL;
  g_autofree char *calendar_name = g_strconcat (key, "-calendar", NULL);
  g_autofree char *hour_name = g_strconcat (key, "-hour", NULL);
  g_autofree char *minute_name = g_strconcat (key, "-minute", NULL);
  Field *field;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_name (calendar, calendar_name);
  /* The calendar shows the Seoul day whatever the computer's time zone. */
  day = g_date_time_new_local (g_date_time_get_year (start), g_date_time_get_month (start),
                               g_date_time_get_day_of_month (start), 12, 0, 0);
  gtk_calendar_select_day (GTK_CALENDAR (calendar), day);
  gtk_popover_set_child (GTK_POPOVER (popover), calendar);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Date"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  field = add_field (self, key, FIELD_MOMENT, row, button);
  field->calendar = GTK_CALENDAR (calendar);
  field->hour = new_clock_spin (hour_name, 23, g_date_time_get_hour (start), _("Hour"));
  field->minute = new_clock_spin (minute_name, 59, g_date_time_get_minute (start), _("Minute"));
  gtk_widget_add_css_class (colon, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (field->hour));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), colon);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (field->minute));
  update_moment_label (field);
  g_signal_connect (calendar, "day-selected", G_CALLBACK (on_moment_day_selected), field);
  g_signal_connect_object (calendar, "day-selected", G_CALLBACK (on_moment_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (field->hour, "value-changed", G_CALLBACK (on_moment_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (field->minute, "value-changed", G_CALLBACK (on_moment_changed), self, G_CONNECT_SWAPPED);
}

void
anbu_case_form_dialog_add_choice (AnbuCaseFormDialog   *self,
                                  const char           *key,
                                  const char           *title,
                                  GType                 enum_type,
                                  AnbuCaseFormLabelFunc to_label,
                                  const gint           *values,
                                  guint                 n_values,
                                  gint                  initial)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  Field *field;
  guint selected = 0;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  field = add_field (self, key, FIELD_CHOICE, row, row);
  field->enum_type = enum_type;
  field->values = g_array_new (FALSE, FALSE, sizeof (gint));
  for (guint i = 0; i < n_values; i++)
    {
      gtk_string_list_append (labels, to_label (values[i]));
      g_array_append_val (field->values, values[i]);
      if (values[i] == initial)
        selected = i;
    }
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
  if (initial == ANBU_CASE_FORM_NO_CHOICE)
    {
      field->must_pick = TRUE;
      adw_combo_row_set_selected (ADW_COMBO_ROW (row), GTK_INVALID_LIST_POSITION);
      g_signal_connect_object (row, "notify::selected", G_CALLBACK (anbu_case_form_dialog_update_save_button), self,
                               G_CONNECT_SWAPPED);
    }
  else
    adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
}

static GtkWidget *
find_map_page (GtkWidget *widget)
{
  if (widget == NULL || ANBU_IS_MAP_PAGE (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_map_page (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
set_location_text (AnbuCaseFormDialog *self,
                   double              latitude,
                   double              longitude)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  gtk_editable_set_text (GTK_EDITABLE (find_field (self, "lat")->input),
                         g_ascii_formatd (buf, sizeof buf, "%.6f", latitude));
  gtk_editable_set_text (GTK_EDITABLE (find_field (self, "lon")->input),
                         g_ascii_formatd (buf, sizeof buf, "%.6f", longitude));
}

static void
on_location_picked (AnbuMapView *view,
                    double       latitude,
                    double       longitude,
                    gpointer     user_data)
{
  AnbuCaseFormDialog *self = ANBU_CASE_FORM_DIALOG (user_data);

  /* The fields follow the pin; the planner closes the map when it is right. */
  set_location_text (self, latitude, longitude);
}

static void
on_picker_done (GtkWidget *button)
{
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (button)));
}

static gboolean picker_start (AnbuCaseFormDialog *self,
                              double             *latitude,
                              double             *longitude,
                              gboolean           *known);

/* The street zoom the picker opens at: houses and street names show. */
#define PICKER_ZOOM 17.0

/* A small map with a pin on the household's location: a click puts the pin
 * there, and the pin can be dragged or moved with the arrow keys. */
static void
on_pick_location_clicked (AnbuCaseFormDialog *self)
{
  double latitude, longitude;
  gboolean known = FALSE;
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *done = gtk_button_new_with_mnemonic (_("_Done"));
  GtkWidget *hint = gtk_label_new (_("Drag the pin to the home, or click there. The arrow keys move the pin."));
  AnbuMapView *view = anbu_map_view_new ();
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  GtkWidget *page = parent != NULL ? find_map_page (GTK_WIDGET (parent)) : NULL;

  gtk_window_set_title (GTK_WINDOW (window), _("Pick Location on Map"));
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 480);
  gtk_widget_set_name (window, "pick-location");
  /* The basemap the Map page already shows. */
  if (page != NULL)
    anbu_map_view_set_tile_source (view, anbu_map_view_get_tile_source (anbu_map_page_get_map_view (ANBU_MAP_PAGE (page))));
  anbu_map_view_set_picking_location (view, TRUE);
  /* At the location typed, else at the 동's community centre, never at world scale. */
  /* The pin starts on the location typed, else on the 동's community centre
   * (where the fields stay empty until the pin moves). */
  if (picker_start (self, &latitude, &longitude, &known))
    {
      anbu_map_view_center_on (view, latitude, longitude, PICKER_ZOOM);
      anbu_map_view_set_picked_location (view, latitude, longitude);
    }
  gtk_widget_set_vexpand (GTK_WIDGET (view), TRUE);
  g_signal_connect_object (view, "location-picked", G_CALLBACK (on_location_picked), self, 0);
  gtk_widget_set_name (done, "pick-location-done");
  gtk_widget_add_css_class (done, "suggested-action");
  g_signal_connect (done, "clicked", G_CALLBACK (on_picker_done), NULL);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), done);
  gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_widget_set_margin_top (hint, 6);
  gtk_widget_set_margin_bottom (hint, 6);
  gtk_widget_set_margin_start (hint, 12);
  gtk_widget_set_margin_end (hint, 12);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), hint);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (view));
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_grab_focus (GTK_WIDGET (view));
}

void
anbu_case_form_dialog_add_location (AnbuCaseFormDialog *self,
                                    AnbuHousehold      *h)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);
  GtkWidget *button = gtk_button_new_with_label (_("Pick Location on Map"));
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  gboolean known = h != NULL && !isnan (h->lat) && !isnan (h->lon);

  anbu_case_form_dialog_add_text (self, "lat", _("Latitude"), known ? g_ascii_formatd (buf, sizeof buf, "%.6f", h->lat) : NULL);
  anbu_case_form_dialog_add_text (self, "lon", _("Longitude"), known ? g_ascii_formatd (buf, sizeof buf, "%.6f", h->lon) : NULL);
  gtk_widget_set_name (button, "pick-location-button");
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (on_pick_location_clicked), self);
  gtk_box_append (priv->fields_box, button);
}

/* Reads the lat/lon fields into @lat/@lon: FALSE (with the field's error) when
 * they are not a location in South Korea; NAN both when left empty. */
gboolean
anbu_case_form_dialog_read_location (AnbuCaseFormDialog *self,
                                     double             *lat,
                                     double             *lon)
{
  const char *keys[] = { "lat", "lon" };
  double values[2] = { NAN, NAN };
  gboolean ok = TRUE;

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (find_field (self, keys[i])->input))));
      g_autoptr(GError) error = NULL;
      char *end = NULL;

      if (text[0] == '\0')
        continue;
      values[i] = g_ascii_strtod (text, &end);
      if (end == text || *end != '\0')
        {
          anbu_case_form_dialog_set_field_error (self, keys[i], _("Enter a number."));
          ok = FALSE;
        }
      else if (!(i == 0 ? anbu_validate_latitude (keys[i], values[i], &error)
                        : anbu_validate_longitude (keys[i], values[i], &error)))
        {
          anbu_case_form_dialog_set_field_error (self, keys[i], anbu_record_error_get_reason (error));
          ok = FALSE;
        }
    }
  if (ok && isnan (values[0]) != isnan (values[1]))
    {
      anbu_case_form_dialog_set_field_error (self, isnan (values[0]) ? "lat" : "lon", _("Give latitude and longitude together."));
      ok = FALSE;
    }
  *lat = values[0];
  *lon = values[1];
  return ok;
}

void
anbu_case_form_dialog_add_switch (AnbuCaseFormDialog *self,
                                  const char         *key,
                                  const char         *title,
                                  const char         *subtitle,
                                  gboolean            initial)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (toggle), initial);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  add_field (self, key, FIELD_SWITCH, row, toggle);
}

void
anbu_case_form_dialog_add_threshold (AnbuCaseFormDialog *self,
                                     const char         *key,
                                     gint                initial)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (1, 99, 1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Risk signal after (hours)"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Between 24 and 50 hours without activity"));
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), initial);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Risk signal after (hours)"), -1);
  add_field (self, key, FIELD_THRESHOLD, row, spin);
}

const char *
anbu_case_form_dialog_field_text (AnbuCaseFormDialog *self,
                                  const char         *key)
{
  Field *field = find_field (self, key);

  g_return_val_if_fail (field != NULL, "");
  return gtk_editable_get_text (GTK_EDITABLE (field->input));
}

gint
anbu_case_form_dialog_field_choice (AnbuCaseFormDialog *self,
                                    const char         *key)
{
  Field *field = find_field (self, key);
  guint selected;

  g_return_val_if_fail (field != NULL && field->values != NULL, 0);
  selected = adw_combo_row_get_selected (ADW_COMBO_ROW (field->input));
  if (selected >= field->values->len)
    return field->must_pick ? -1 : g_array_index (field->values, gint, 0);
  return g_array_index (field->values, gint, selected);
}

/* Save waits until every choice the person must make is made. */
void
anbu_case_form_dialog_update_save_button (AnbuCaseFormDialog *self)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);
  gboolean ready = !priv->saving;

  for (guint i = 0; ready && i < priv->fields->len; i++)
    {
      Field *field = priv->fields->pdata[i];

      if (field->must_pick
          && adw_combo_row_get_selected (ADW_COMBO_ROW (field->input)) >= field->values->len)
        ready = FALSE;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (priv->save_button), ready);
}

const char *
anbu_case_form_dialog_field_choice_string (AnbuCaseFormDialog *self,
                                           const char         *key)
{
  Field *field = find_field (self, key);
  g_autoptr(GEnumClass) klass = g_type_class_ref (field->enum_type);
  GEnumValue *value = g_enum_get_value (klass, anbu_case_form_dialog_field_choice (self, key));

  return value != NULL ? value->value_nick : NULL;
}

void
anbu_case_form_dialog_set_field_error (AnbuCaseFormDialog *self,
                                       const char         *key,
                                       const char         *message)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);
  Field *field = find_field (self, key);

  if (field == NULL)
    {
      gtk_label_set_label (priv->form_error_label, message);
      gtk_widget_set_visible (GTK_WIDGET (priv->form_error_label), message != NULL);
      return;
    }
  g_free (field->error);
  field->error = g_strdup (message);
  gtk_label_set_label (field->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (field->error_label), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (field->row, "error");
  else
    gtk_widget_remove_css_class (field->row, "error");
}

static void
clear_errors (AnbuCaseFormDialog *self)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);

  for (guint i = 0; i < priv->fields->len; i++)
    anbu_case_form_dialog_set_field_error (self, ((Field *) priv->fields->pdata[i])->key, NULL);
  anbu_case_form_dialog_set_field_error (self, NULL, NULL);
}

gboolean
anbu_case_form_dialog_read_date_field (AnbuCaseFormDialog *self,
                                       const char         *key,
                                       gboolean            required,
                                       GDate              *date,
                                       gboolean           *present)
{
  const char *text = g_strstrip (g_strdup (anbu_case_form_dialog_field_text (self, key)));
  g_autofree char *owned = (char *) text;
  g_autoptr(GError) error = NULL;

  *present = text[0] != '\0';
  if (!*present)
    {
      if (required)
        anbu_case_form_dialog_set_field_error (self, key, _("Enter a date such as 2026-11-30."));
      return !required;
    }
  if (!anbu_validate_date (key, text, date, &error))
    {
      anbu_case_form_dialog_set_field_error (self, key, _("Enter a date such as 2026-11-30."));
      return FALSE;
    }
  return TRUE;
}

static char *
now_timestamp (AnbuCaseFormDialog *self)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);

  return anbu_timestamp_format (anbu_casework_get_now (priv->casework));
}

/* The moment a FIELD_MOMENT shows (µs, UTC): FALSE, with the field's
 * error, when it is still to come. */
gboolean
anbu_case_form_dialog_read_moment_field (AnbuCaseFormDialog *self,
                                         const char         *key,
                                         gint64             *at)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);
  Field *field = find_field (self, key);
  g_autoptr(GDateTime) day = gtk_calendar_get_date (field->calendar);
  g_autoptr(GDateTime) moment = NULL;

  gtk_spin_button_update (field->hour);
  gtk_spin_button_update (field->minute);
  moment = anbu_kst_new (g_date_time_get_year (day), g_date_time_get_month (day),
                         g_date_time_get_day_of_month (day),
                         gtk_spin_button_get_value_as_int (field->hour),
                         gtk_spin_button_get_value_as_int (field->minute), 0);
  *at = anbu_timestamp_from_date_time (moment);
  if (*at > anbu_casework_get_now (priv->casework))
    {
      anbu_case_form_dialog_set_field_error (self, key, _("This time has not come yet. Record what already happened."));
      return FALSE;
    }
  return TRUE;
}

/* FALSE, with the field's @message, when the moment *@at comes before
 * @earliest (µs; 0: no bound), e.g. a plug removed before it was installed.
 * The form keeps minutes, so the minute of @earliest itself stands for
 * @earliest. */
gboolean
anbu_case_form_dialog_check_not_before (AnbuCaseFormDialog *self,
                                        const char         *key,
                                        gint64             *at,
                                        gint64              earliest,
                                        const char         *message)
{
  const gint64 minute = 60 * G_USEC_PER_SEC;

  if (earliest <= 0 || *at >= earliest)
    return TRUE;
  if (*at >= earliest - earliest % minute)
    {
      *at = earliest;
      return TRUE;
    }
  anbu_case_form_dialog_set_field_error (self, key, message);
  return FALSE;
}

/* A contact or visit belongs to the signal open at its own time, unless
 * the form was opened from that signal. */
void
anbu_case_form_dialog_queue_change (AnbuCaseFormDialog *self,
                                    const char         *kind,
                                    JsonObject         *payload)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);
  Change *change = g_new0 (Change, 1);

  change->kind = g_strdup (kind);
  change->payload = payload;
  g_ptr_array_add (priv->pending, change);
}

void
anbu_case_form_set_new_id (JsonObject *object)
{
  g_autofree char *id = g_uuid_string_random ();

  json_object_set_string_member (object, "id", id);
}

void
anbu_case_form_set_optional_text (JsonObject *object,
                                  const char *member,
                                  const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text != NULL ? text : ""));

  if (copy[0] != '\0')
    json_object_set_string_member (object, member, copy);
}

/* Where the location picker opens: the location in the fields when it is
 * one in Korea (@known), else the community centre of the form's 동 (the
 * one chosen on the register form, the household's otherwise). */
static gboolean
picker_start (AnbuCaseFormDialog *self,
              double             *latitude,
              double             *longitude,
              gboolean           *known)
{
  const char *keys[] = { "lat", "lon" };
  double values[2];
  const char *dong_code = NULL;
  const AnbuCommunityCentre *centre;
  gboolean typed = TRUE;

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *text = g_strstrip (g_strdup (anbu_case_form_dialog_field_text (self, keys[i])));
      char *end = NULL;

      values[i] = g_ascii_strtod (text, &end);
      typed = typed && text[0] != '\0' && *end == '\0';
    }
  if (typed && anbu_validate_latitude ("lat", values[0], NULL)
      && anbu_validate_longitude ("lon", values[1], NULL))
    {
      *latitude = values[0];
      *longitude = values[1];
      *known = TRUE;
      return TRUE;
    }
  *known = FALSE;
  dong_code = ANBU_CASE_FORM_DIALOG_GET_CLASS (self)->get_dong_code (self);
  centre = anbu_community_centre_lookup (dong_code);
  if (centre == NULL)
    return FALSE;
  *latitude = centre->latitude;
  *longitude = centre->longitude;
  return TRUE;
}

/* One person to call: rows "contacts.N.name", "….relation", "….phone", so
 * that the record rules' error paths name them. */
void
anbu_case_form_dialog_add_contact_fields (AnbuCaseFormDialog         *self,
                                          guint                       slot,
                                          const AnbuHouseholdContact *contact)
{
  g_autofree char *name_key = g_strdup_printf ("contacts.%u.name", slot);
  g_autofree char *relation_key = g_strdup_printf ("contacts.%u.relation", slot);
  g_autofree char *phone_key = g_strdup_printf ("contacts.%u.phone", slot);

  anbu_case_form_dialog_add_text (self, name_key, _("Person to call"), contact != NULL ? contact->name : NULL);
  anbu_case_form_dialog_add_text (self, relation_key, _("Relation (daughter, neighbour, …)"), contact != NULL ? contact->relation : NULL);
  anbu_case_form_dialog_add_text (self, phone_key, _("Their phone"), contact != NULL ? contact->phone : NULL);
}

/* The people to call as the record rules read them, from every contact
 * slot with anything written in it; NULL, with messages under the fields,
 * when one is not acceptable. */
GPtrArray *
anbu_case_form_dialog_read_contacts (AnbuCaseFormDialog *self)
{
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) anbu_household_contact_free);
  gboolean ok = TRUE;

  for (guint slot = 0; ; slot++)
    {
      g_autofree char *prefix = g_strdup_printf ("contacts.%u.", slot);
      g_autofree char *name_key = g_strconcat (prefix, "name", NULL);
      g_autofree char *relation_key = g_strconcat (prefix, "relation", NULL);
      g_autofree char *phone_key = g_strconcat (prefix, "phone", NULL);
      g_autoptr(JsonObject) object = NULL;
      g_autoptr(GError) error = NULL;
      AnbuHouseholdContact *contact;

      if (find_field (self, name_key) == NULL)
        break;
      object = json_object_new ();
      anbu_case_form_set_optional_text (object, "name", anbu_case_form_dialog_field_text (self, name_key));
      anbu_case_form_set_optional_text (object, "relation", anbu_case_form_dialog_field_text (self, relation_key));
      anbu_case_form_set_optional_text (object, "phone", anbu_case_form_dialog_field_text (self, phone_key));
      if (json_object_get_size (object) == 0)
        continue;
      contact = anbu_household_contact_from_json (object, &error);
      if (contact == NULL)
        {
          g_autofree char *member = anbu_record_error_dup_field (error);
          g_autofree char *key = g_strconcat (prefix, member != NULL ? member : "name", NULL);

          anbu_case_form_dialog_set_field_error (self, find_field (self, key) != NULL ? key : name_key,
                                                 anbu_record_error_get_reason (error));
          ok = FALSE;
          continue;
        }
      g_ptr_array_add (contacts, contact);
    }
  return ok ? g_steal_pointer (&contacts) : NULL;
}

JsonArray *
anbu_case_form_contacts_to_json (GPtrArray *contacts)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < contacts->len; i++)
    json_array_add_object_element (array, anbu_household_contact_to_json (contacts->pdata[i]));
  return array;
}

char *
anbu_case_form_dialog_dup_today_text (AnbuCaseFormDialog *self)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);
  g_autoptr(GDateTime) kst_now = anbu_timestamp_to_date_time (anbu_casework_get_now (priv->casework));
  GDate today;

  anbu_kst_get_date (kst_now, &today);
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&today), g_date_get_month (&today),
                          g_date_get_day (&today));
}

/* Builds the changes of the form into the pending changes; FALSE with messages
 * under the fields when something is wrong. */
static gboolean
build_changes (AnbuCaseFormDialog *self)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);
  g_autofree char *now = now_timestamp (self);
  g_autofree char *user_id = anbu_case_store_dup_user_id (anbu_casework_get_store (priv->casework));
  JsonObject *p = json_object_new ();
  gboolean ok = ANBU_CASE_FORM_DIALOG_GET_CLASS (self)->build_changes (self, p, now, user_id);

  /* The server's own rules, field by field, before anything is stored. */
  for (guint i = 0; ok && i < priv->pending->len; i++)
    {
      Change *change = priv->pending->pdata[i];
      AnbuMutationKind kind;
      g_autoptr(GError) error = NULL;

      if (!anbu_mutation_kind_from_string (change->kind, &kind)
          || anbu_mutation_validate_payload (kind, change->payload, &error))
        continue;
      {
        g_autofree char *path = anbu_record_error_dup_field (error);
        const char *key = path;

        if (key != NULL && g_str_has_prefix (key, "fields."))
          key += strlen ("fields.");
        if (key != NULL && find_field (self, key) == NULL && g_str_equal (key, "new_serial"))
          key = "serial";
        anbu_case_form_dialog_set_field_error (self, key != NULL && find_field (self, key) != NULL ? key : NULL,
                                               anbu_record_error_get_reason (error));
        ok = FALSE;
      }
    }
  return ok;
}

static void
submit_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(AnbuCaseFormDialog) self = user_data;
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) mutation_ids = anbu_casework_submit_changes_finish (ANBU_CASEWORK (source), result, &error);

  if (mutation_ids == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Nothing of the form was stored (one transaction): what was typed
       * stays, and saving again stores all of it. */
      priv->saving = FALSE;
      gtk_widget_set_sensitive (GTK_WIDGET (priv->save_button), TRUE);
      g_ptr_array_set_size (priv->pending, 0);
      if (g_error_matches (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_DISK_FULL))
        {
          /* The planner is told; it is no fault of the program. */
          g_message ("Could not store a change: %s", error->message);
          anbu_case_form_dialog_set_field_error (self, NULL, _("This computer's disk is full, so nothing was saved. "
                                                               "What you typed is still here: free some space and save again."));
        }
      else
        {
          g_warning ("Could not store a change: %s", error->message);
          anbu_case_form_dialog_set_field_error (self, NULL, _("The change could not be stored on this computer. Check the free disk space and try again."));
        }
      return;
    }
  g_ptr_array_set_size (priv->pending, 0);

  {
    GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
    g_autofree char *message = g_strdup_printf ("%s. %s", g_dpgettext2 (GETTEXT_PACKAGE, "toast", ANBU_CASE_FORM_DIALOG_GET_CLASS (self)->saved_toast),
                                                _("It reaches the server with the next sync."));

    if (ANBU_IS_WINDOW (parent))
      anbu_window_add_toast (ANBU_WINDOW (parent), message);
  }
  /* The form's main change is its first. */
  g_signal_emit (self, signals[SAVED], 0, mutation_ids[0]);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* Every change of the form in one transaction: a full disk (or any
 * refusal) leaves none of them stored, never the first without the rest. */
static void
submit_all (AnbuCaseFormDialog *self)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);
  g_autoptr(GPtrArray) kinds = g_ptr_array_new ();
  g_autoptr(GPtrArray) payloads = g_ptr_array_new ();

  for (guint i = 0; i < priv->pending->len; i++)
    {
      Change *change = priv->pending->pdata[i];

      g_ptr_array_add (kinds, change->kind);
      g_ptr_array_add (payloads, change->payload);
    }
  anbu_casework_submit_changes_async (priv->casework, kinds, payloads, priv->cancellable,
                                      submit_cb, g_object_ref (self));
}

void
anbu_case_form_dialog_save (AnbuCaseFormDialog *self)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);

  g_return_if_fail (ANBU_IS_CASE_FORM_DIALOG (self));

  if (priv->saving)
    return;
  clear_errors (self);
  g_ptr_array_set_size (priv->pending, 0);
  if (!build_changes (self))
    {
      g_ptr_array_set_size (priv->pending, 0);
      return;
    }
  priv->saving = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (priv->save_button), FALSE);
  submit_all (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  anbu_case_form_dialog_save (ANBU_CASE_FORM_DIALOG (widget));
}

static void
anbu_case_form_dialog_dispose (GObject *object)
{
  AnbuCaseFormDialog *self = ANBU_CASE_FORM_DIALOG (object);
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);

  g_cancellable_cancel (priv->cancellable);
  /* No gtk_widget_dispose_template (): GTK 4.8 looks the template up on
   * the instance's class, a form subclass that has none of its own. The
   * window drops its content itself, and the bound children at finalize. */
  G_OBJECT_CLASS (anbu_case_form_dialog_parent_class)->dispose (object);
}

static void
anbu_case_form_dialog_finalize (GObject *object)
{
  AnbuCaseFormDialog *self = ANBU_CASE_FORM_DIALOG (object);
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);

  g_clear_object (&priv->casework);
  g_clear_object (&priv->cancellable);
  g_clear_pointer (&priv->fields, g_ptr_array_unref);
  g_clear_pointer (&priv->pending, g_ptr_array_unref);
  g_free (priv->household_id);
  g_free (priv->alert_id);
  G_OBJECT_CLASS (anbu_case_form_dialog_parent_class)->finalize (object);
}

static void
popdown_pickers (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget))
    gtk_menu_button_popdown (GTK_MENU_BUTTON (widget));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    popdown_pickers (child);
}

/* A date picker's calendar left open when the form goes (saved with Ctrl+Enter, closed with
 * the window): GTK 4.8 then asks the pointer position of the popover's destroyed surface
 * (Gdk-CRITICAL gdk_surface_get_device_position). Close the pickers first. */
static void
anbu_case_form_dialog_unmap (GtkWidget *widget)
{
  popdown_pickers (widget);
  GTK_WIDGET_CLASS (anbu_case_form_dialog_parent_class)->unmap (widget);
}

static const char *
anbu_case_form_dialog_real_get_dong_code (AnbuCaseFormDialog *self)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);
  AnbuHousehold *h = anbu_casework_lookup_household (priv->casework, priv->household_id);

  return h != NULL ? h->dong_code : NULL;
}

static void
anbu_case_form_dialog_class_init (AnbuCaseFormDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = anbu_case_form_dialog_dispose;
  object_class->finalize = anbu_case_form_dialog_finalize;
  widget_class->unmap = anbu_case_form_dialog_unmap;
  klass->get_dong_code = anbu_case_form_dialog_real_get_dong_code;

  /* The change is in the outbox; its mutation id. */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-case-form-dialog.ui");
  gtk_widget_class_bind_template_child_private (widget_class, AnbuCaseFormDialog, toast_overlay);
  gtk_widget_class_bind_template_child_private (widget_class, AnbuCaseFormDialog, fields_box);
  gtk_widget_class_bind_template_child_private (widget_class, AnbuCaseFormDialog, subtitle_label);
  gtk_widget_class_bind_template_child_private (widget_class, AnbuCaseFormDialog, form_error_label);
  gtk_widget_class_bind_template_child_private (widget_class, AnbuCaseFormDialog, save_button);

  gtk_widget_class_install_action (widget_class, "form.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "form.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
anbu_case_form_dialog_init (AnbuCaseFormDialog *self)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Every form answers to the base's name, as before it had subclasses
   * (the window's name is otherwise its type's). */
  gtk_widget_set_name (GTK_WIDGET (self), "AnbuCaseFormDialog");
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (priv->save_button));
  priv->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  priv->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) change_free);
  priv->cancellable = g_cancellable_new ();
}

static const gint all_appliances[] = { ANBU_APPLIANCE_TV, ANBU_APPLIANCE_MICROWAVE,
                                       ANBU_APPLIANCE_RICE_COOKER, ANBU_APPLIANCE_LAMP,
                                       ANBU_APPLIANCE_OTHER };
static const gint all_removal_reasons[] = { ANBU_PLUG_REMOVAL_REASON_MOVED, ANBU_PLUG_REMOVAL_REASON_RETURNED,
                                            ANBU_PLUG_REMOVAL_REASON_FAULTY, ANBU_PLUG_REMOVAL_REASON_LOST };

/* The household's signal a contact or visit recorded now belongs to, from
 * whichever view the form was opened (docs/casework.md). */
static char *
open_signal_of (AnbuCasework *casework,
                const char   *household_id,
                gint64        at)
{
  GPtrArray *open = anbu_casework_get_open_alerts (casework);
  g_autoptr(GPtrArray) mine = g_ptr_array_new ();
  const AnbuAlert *alert;

  for (guint i = 0; open != NULL && i < open->len; i++)
    if (g_strcmp0 (((AnbuAlert *) open->pdata[i])->household_id, household_id) == 0)
      g_ptr_array_add (mine, open->pdata[i]);
  alert = anbu_case_signal_for_record ((AnbuAlert * const *) mine->pdata, mine->len,
                                       at);
  return alert != NULL ? g_strdup (alert->id) : NULL;
}

void
anbu_case_form_dialog_set_record_signal (AnbuCaseFormDialog *self,
                                         JsonObject         *payload,
                                         gint64              at)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);
  g_autofree char *found = NULL;
  const char *alert_id = priv->alert_id;

  if (!priv->alert_given)
    alert_id = found = open_signal_of (priv->casework, priv->household_id, at);
  if (alert_id != NULL)
    json_object_set_string_member (payload, "alert_id", alert_id);
}

AnbuCasework *
anbu_case_form_dialog_get_casework (AnbuCaseFormDialog *self)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);

  return priv->casework;
}

const char *
anbu_case_form_dialog_get_alert_id (AnbuCaseFormDialog *self)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);

  return priv->alert_id;
}

gint64
anbu_case_form_dialog_get_now (AnbuCaseFormDialog *self)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);

  return anbu_casework_get_now (priv->casework);
}

void
anbu_case_form_dialog_find_open_signal (AnbuCaseFormDialog *self)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);

  if (priv->alert_id == NULL)
    priv->alert_id = open_signal_of (priv->casework, priv->household_id, anbu_casework_get_now (priv->casework));
}

void
anbu_case_form_dialog_require_plug (AnbuCaseFormDialog *self,
                                    AnbuHousehold      *h,
                                    AnbuPlug           *plug)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);

  if (plug == NULL)
    {
      anbu_case_form_dialog_set_field_error (self, NULL, _("No plug is installed in this household."));
      gtk_widget_set_sensitive (GTK_WIDGET (priv->save_button), FALSE);
    }
  else if (h != NULL)
    {
      /* Translators: resident's name and the serial of the plug installed there. */
      g_autofree char *subtitle = g_strdup_printf (_("%s · plug %s"), h->name, plug->serial);

      gtk_label_set_label (priv->subtitle_label, subtitle);
    }
}

gboolean
anbu_case_form_dialog_check_plug_serial (AnbuCaseFormDialog *self,
                                         const char         *serial)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);
  const char *installed_in = anbu_casework_plug_installed_in (priv->casework, serial);

  if (installed_in == NULL)
    return TRUE;
  anbu_case_form_dialog_set_field_error (self, "serial", g_strcmp0 (installed_in, priv->household_id) == 0
                                                         ? _("This plug is already installed in this household.")
                                                         : _("This plug is installed in another household. Remove it there first."));
  return FALSE;
}

void
anbu_case_form_dialog_add_row (AnbuCaseFormDialog *self,
                               const char         *key,
                               GtkWidget          *combo_row)
{
  add_field (self, key, FIELD_CHOICE, combo_row, combo_row);
}

void
anbu_case_form_dialog_add_appliance_choice (AnbuCaseFormDialog *self,
                                            gint                initial)
{
  anbu_case_form_dialog_add_choice (self, "appliance", _("Appliance"), ANBU_TYPE_APPLIANCE,
                                    (AnbuCaseFormLabelFunc) anbu_appliance_to_label, all_appliances, G_N_ELEMENTS (all_appliances),
                                    initial);
}

void
anbu_case_form_dialog_add_removal_reason_choice (AnbuCaseFormDialog *self,
                                                 const char         *title,
                                                 gint                initial)
{
  anbu_case_form_dialog_add_choice (self, "reason", title, ANBU_TYPE_PLUG_REMOVAL_REASON,
                                    (AnbuCaseFormLabelFunc) anbu_plug_removal_reason_to_label, all_removal_reasons,
                                    G_N_ELEMENTS (all_removal_reasons), initial);
}

gboolean
anbu_case_form_dialog_field_active (AnbuCaseFormDialog *self,
                                    const char         *key)
{
  return gtk_switch_get_active (GTK_SWITCH (find_field (self, key)->input));
}

gint
anbu_case_form_dialog_field_int (AnbuCaseFormDialog *self,
                                 const char         *key)
{
  return gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (find_field (self, key)->input));
}

static void
build_fields (AnbuCaseFormDialog *self)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);
  AnbuHousehold *h = anbu_casework_lookup_household (priv->casework, priv->household_id);
  AnbuPlug *plug = anbu_casework_find_installed_plug (priv->casework, priv->household_id);
  g_autoptr(GDateTime) now = anbu_timestamp_to_date_time (anbu_casework_get_now (priv->casework));
  GDate today;

  anbu_kst_get_date (now, &today);
  ANBU_CASE_FORM_DIALOG_GET_CLASS (self)->build_fields (self, h, plug, &today);
}

AnbuCaseFormDialog *
anbu_case_form_dialog_new (AnbuCasework *casework,
                           AnbuCaseForm  form,
                           const char   *household_id,
                           const char   *alert_id)
{
  AnbuCaseFormDialog *self;
  AnbuCaseFormDialogPrivate *priv;
  AnbuHousehold *h;
  g_autofree char *subtitle = NULL;

  g_return_val_if_fail (ANBU_IS_CASEWORK (casework), NULL);
  g_return_val_if_fail (household_id != NULL || form == ANBU_CASE_FORM_REGISTER_HOUSEHOLD, NULL);
  g_return_val_if_fail ((guint) form < G_N_ELEMENTS (form_types), NULL);

  self = g_object_new (form_types[form] (), NULL);
  priv = anbu_case_form_dialog_get_instance_private (self);
  priv->casework = g_object_ref (casework);
  priv->form = form;
  /* A new household's id is made here, where it is born (DESIGN.md §3). */
  priv->household_id = household_id != NULL ? g_strdup (household_id) : g_uuid_string_random ();
  priv->alert_id = g_strdup (alert_id);
  priv->alert_given = alert_id != NULL;
  gtk_window_set_title (GTK_WINDOW (self), _(ANBU_CASE_FORM_DIALOG_GET_CLASS (self)->title));

  h = anbu_casework_lookup_household (casework, household_id);
  if (h != NULL)
    subtitle = g_strdup_printf ("%s · %s", h->name, h->address);
  gtk_label_set_label (priv->subtitle_label, subtitle);

  build_fields (self);
  return self;
}

AnbuCaseForm
anbu_case_form_dialog_get_form (AnbuCaseFormDialog *self)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);

  g_return_val_if_fail (ANBU_IS_CASE_FORM_DIALOG (self), 0);
  return priv->form;
}

const char *
anbu_case_form_dialog_get_household_id (AnbuCaseFormDialog *self)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);

  g_return_val_if_fail (ANBU_IS_CASE_FORM_DIALOG (self), NULL);
  return priv->household_id;
}

GtkWidget *
anbu_case_form_dialog_get_input (AnbuCaseFormDialog *self,
                                 const char         *key)
{
  Field *field;

  g_return_val_if_fail (ANBU_IS_CASE_FORM_DIALOG (self), NULL);
  field = find_field (self, key);
  return field != NULL ? field->input : NULL;
}

const char *
anbu_case_form_dialog_get_error (AnbuCaseFormDialog *self,
                                 const char         *key)
{
  AnbuCaseFormDialogPrivate *priv = anbu_case_form_dialog_get_instance_private (self);
  Field *field;

  g_return_val_if_fail (ANBU_IS_CASE_FORM_DIALOG (self), NULL);
  if (key == NULL)
    return gtk_widget_get_visible (GTK_WIDGET (priv->form_error_label))
           ? gtk_label_get_label (priv->form_error_label) : NULL;
  field = find_field (self, key);
  return field != NULL ? field->error : NULL;
}

void
anbu_case_form_present (GtkWidget    *parent,
                        AnbuCasework *casework,
                        AnbuCaseForm  form,
                        const char   *household_id,
                        const char   *alert_id)
{
  AnbuCaseFormDialog *dialog = anbu_case_form_dialog_new (casework, form, household_id, alert_id);
  GtkRoot *root = parent != NULL ? gtk_widget_get_root (parent) : NULL;

  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (dialog));
}
