/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-case-form-dialog"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "anbu-case-form-dialog.h"
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

struct _AnbuCaseFormDialog
{
  AdwWindow parent_instance;

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
  GPtrArray       *dongs;    /* AnbuDong offered by the register form, in row order */
};

G_DEFINE_FINAL_TYPE (AnbuCaseFormDialog, anbu_case_form_dialog, ADW_TYPE_WINDOW)

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
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = self->fields->pdata[i];

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
  gtk_box_append (self->fields_box, list);

  gtk_label_set_xalign (GTK_LABEL (error), 0);
  gtk_label_set_wrap (GTK_LABEL (error), TRUE);
  gtk_widget_add_css_class (error, "anbu-field-error");
  gtk_widget_set_visible (error, FALSE);
  gtk_box_append (self->fields_box, error);
  /* Screen readers read the message with the field. */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (input), GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                  error, NULL, -1);

  g_ptr_array_add (self->fields, field);
  return field;
}

static void
add_text (AnbuCaseFormDialog *self,
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
static void
add_date (AnbuCaseFormDialog *self,
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

static void set_field_error (AnbuCaseFormDialog *self,
                             const char         *key,
                             const char         *message);

/* A new date or time answers the message under it ("not yet"). */
static void
on_moment_changed (AnbuCaseFormDialog *self)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = self->fields->pdata[i];

      if (field->type == FIELD_MOMENT && field->error != NULL)
        set_field_error (self, field->key, NULL);
    }
}

/* When something happened: a day picked on a calendar and a time of day,
 * starting at @initial (µs); the payload gets it as a UTC time. */
static void
add_moment (AnbuCaseFormDialog *self,
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

typedef const char *(*LabelFunc) (gint value);

/* add_choice()'s initial value when the person must pick one themselves. */
#define NO_CHOICE G_MININT

static void update_save_button (AnbuCaseFormDialog *self);

static void
add_choice (AnbuCaseFormDialog *self,
            const char         *key,
            const char         *title,
            GType               enum_type,
            LabelFunc           to_label,
            const gint         *values,
            guint               n_values,
            gint                initial)
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
  if (initial == NO_CHOICE)
    {
      field->must_pick = TRUE;
      adw_combo_row_set_selected (ADW_COMBO_ROW (row), GTK_INVALID_LIST_POSITION);
      g_signal_connect_object (row, "notify::selected", G_CALLBACK (update_save_button), self,
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

static void
add_location (AnbuCaseFormDialog *self,
              AnbuHousehold      *h)
{
  GtkWidget *button = gtk_button_new_with_label (_("Pick Location on Map"));
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  gboolean known = h != NULL && !isnan (h->lat) && !isnan (h->lon);

  add_text (self, "lat", _("Latitude"), known ? g_ascii_formatd (buf, sizeof buf, "%.6f", h->lat) : NULL);
  add_text (self, "lon", _("Longitude"), known ? g_ascii_formatd (buf, sizeof buf, "%.6f", h->lon) : NULL);
  gtk_widget_set_name (button, "pick-location-button");
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (on_pick_location_clicked), self);
  gtk_box_append (self->fields_box, button);
}

static void set_field_error (AnbuCaseFormDialog *self,
                             const char         *key,
                             const char         *message);

/* Reads the lat/lon fields into @lat/@lon: FALSE (with the field's error) when
 * they are not a location in South Korea; NAN both when left empty. */
static gboolean
read_location (AnbuCaseFormDialog *self,
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
          set_field_error (self, keys[i], _("Enter a number."));
          ok = FALSE;
        }
      else if (!(i == 0 ? anbu_validate_latitude (keys[i], values[i], &error)
                        : anbu_validate_longitude (keys[i], values[i], &error)))
        {
          set_field_error (self, keys[i], anbu_record_error_get_reason (error));
          ok = FALSE;
        }
    }
  if (ok && isnan (values[0]) != isnan (values[1]))
    {
      set_field_error (self, isnan (values[0]) ? "lat" : "lon", _("Give latitude and longitude together."));
      ok = FALSE;
    }
  *lat = values[0];
  *lon = values[1];
  return ok;
}

static void
add_switch (AnbuCaseFormDialog *self,
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

static void
add_threshold (AnbuCaseFormDialog *self,
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

static const char *
field_text (AnbuCaseFormDialog *self,
            const char         *key)
{
  Field *field = find_field (self, key);

  g_return_val_if_fail (field != NULL, "");
  return gtk_editable_get_text (GTK_EDITABLE (field->input));
}

static gint
field_choice (AnbuCaseFormDialog *self,
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
static void
update_save_button (AnbuCaseFormDialog *self)
{
  gboolean ready = !self->saving;

  for (guint i = 0; ready && i < self->fields->len; i++)
    {
      Field *field = self->fields->pdata[i];

      if (field->must_pick
          && adw_combo_row_get_selected (ADW_COMBO_ROW (field->input)) >= field->values->len)
        ready = FALSE;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), ready);
}

static const char *
field_choice_string (AnbuCaseFormDialog *self,
                     const char         *key)
{
  Field *field = find_field (self, key);
  g_autoptr(GEnumClass) klass = g_type_class_ref (field->enum_type);
  GEnumValue *value = g_enum_get_value (klass, field_choice (self, key));

  return value != NULL ? value->value_nick : NULL;
}

static void
set_field_error (AnbuCaseFormDialog *self,
                 const char         *key,
                 const char         *message)
{
  Field *field = find_field (self, key);

  if (field == NULL)
    {
      gtk_label_set_label (self->form_error_label, message);
      gtk_widget_set_visible (GTK_WIDGET (self->form_error_label), message != NULL);
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
  for (guint i = 0; i < self->fields->len; i++)
    set_field_error (self, ((Field *) self->fields->pdata[i])->key, NULL);
  set_field_error (self, NULL, NULL);
}

/* "2026-11-25" → midnight KST that day (+ @days), as an ISO time. */
static char *
date_to_timestamp (const GDate *date,
                   guint        days)
{
  GDate day = *date;
  g_autoptr(GDateTime) moment = NULL;

  g_date_add_days (&day, days);
  moment = anbu_kst_new_from_date (&day, 0, 0);
  return anbu_timestamp_format (anbu_timestamp_from_date_time (moment));
}

static gboolean
read_date_field (AnbuCaseFormDialog *self,
                 const char         *key,
                 gboolean            required,
                 GDate              *date,
                 gboolean           *present)
{
  const char *text = g_strstrip (g_strdup (field_text (self, key)));
  g_autofree char *owned = (char *) text;
  g_autoptr(GError) error = NULL;

  *present = text[0] != '\0';
  if (!*present)
    {
      if (required)
        set_field_error (self, key, _("Enter a date such as 2026-11-30."));
      return !required;
    }
  if (!anbu_validate_date (key, text, date, &error))
    {
      set_field_error (self, key, _("Enter a date such as 2026-11-30."));
      return FALSE;
    }
  return TRUE;
}

static char *
now_timestamp (AnbuCaseFormDialog *self)
{
  return anbu_timestamp_format (anbu_casework_get_now (self->casework));
}

/* The moment a FIELD_MOMENT shows (µs, UTC): FALSE, with the field's
 * error, when it is still to come. */
static gboolean
read_moment_field (AnbuCaseFormDialog *self,
                   const char         *key,
                   gint64             *at)
{
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
  if (*at > anbu_casework_get_now (self->casework))
    {
      set_field_error (self, key, _("This time has not come yet. Record what already happened."));
      return FALSE;
    }
  return TRUE;
}

/* FALSE, with the field's @message, when the moment *@at comes before
 * @earliest (µs; 0: no bound), e.g. a plug removed before it was installed.
 * The form keeps minutes, so the minute of @earliest itself stands for
 * @earliest. */
static gboolean
check_not_before (AnbuCaseFormDialog *self,
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
  set_field_error (self, key, message);
  return FALSE;
}

/* A contact or visit belongs to the signal open at its own time, unless
 * the form was opened from that signal. */
static void set_record_signal (AnbuCaseFormDialog *self,
                               JsonObject         *payload,
                               gint64              at);

static void
queue_change (AnbuCaseFormDialog *self,
              const char         *kind,
              JsonObject         *payload)
{
  Change *change = g_new0 (Change, 1);

  change->kind = g_strdup (kind);
  change->payload = payload;
  g_ptr_array_add (self->pending, change);
}

static void
set_new_id (JsonObject *object)
{
  g_autofree char *id = g_uuid_string_random ();

  json_object_set_string_member (object, "id", id);
}

static void
set_optional_text (JsonObject *object,
                   const char *member,
                   const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text != NULL ? text : ""));

  if (copy[0] != '\0')
    json_object_set_string_member (object, member, copy);
}

/* The 동 a new household belongs to: the caseload's first (most
 * registrations are there), then the district's other community centres.
 * The server decides which of them the planner may register in. */
static void
add_dong_choice (AnbuCaseFormDialog *self)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  const AnbuCommunityCentre *centres;
  guint n_centres = 0;

  self->dongs = anbu_household_index_list_dongs (anbu_casework_get_index (self->casework));
  centres = anbu_community_centre_get_all (&n_centres);
  for (guint i = 0; i < n_centres; i++)
    {
      gboolean known = FALSE;
      AnbuDong *dong;

      for (guint j = 0; !known && j < self->dongs->len; j++)
        known = g_str_equal (((AnbuDong *) self->dongs->pdata[j])->code, centres[i].dong_code);
      if (known)
        continue;
      dong = g_new0 (AnbuDong, 1);
      dong->code = g_strdup (centres[i].dong_code);
      /* "사직동주민센터" → "사직동" */
      dong->name = g_str_has_suffix (centres[i].name, "주민센터")
                   ? g_strndup (centres[i].name, strlen (centres[i].name) - strlen ("주민센터"))
                   : g_strdup (centres[i].name);
      g_ptr_array_add (self->dongs, dong);
    }
  for (guint i = 0; i < self->dongs->len; i++)
    gtk_string_list_append (labels, ((AnbuDong *) self->dongs->pdata[i])->name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Neighbourhood (동)"));
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 0);
  add_field (self, "dong_code", FIELD_CHOICE, row, row);
}

static const AnbuDong *
selected_dong (AnbuCaseFormDialog *self)
{
  guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (find_field (self, "dong_code")->input));

  return self->dongs != NULL && selected < self->dongs->len ? self->dongs->pdata[selected] : NULL;
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
      g_autofree char *text = g_strstrip (g_strdup (field_text (self, keys[i])));
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
  if (find_field (self, "dong_code") != NULL)
    {
      const AnbuDong *dong = selected_dong (self);

      dong_code = dong != NULL ? dong->code : NULL;
    }
  else
    {
      AnbuHousehold *h = anbu_casework_lookup_household (self->casework, self->household_id);

      dong_code = h != NULL ? h->dong_code : NULL;
    }
  centre = anbu_community_centre_lookup (dong_code);
  if (centre == NULL)
    return FALSE;
  *latitude = centre->latitude;
  *longitude = centre->longitude;
  return TRUE;
}

/* One person to call: rows "contacts.N.name", "….relation", "….phone", so
 * that the record rules' error paths name them. */
static void
add_contact_fields (AnbuCaseFormDialog         *self,
                    guint                       slot,
                    const AnbuHouseholdContact *contact)
{
  g_autofree char *name_key = g_strdup_printf ("contacts.%u.name", slot);
  g_autofree char *relation_key = g_strdup_printf ("contacts.%u.relation", slot);
  g_autofree char *phone_key = g_strdup_printf ("contacts.%u.phone", slot);

  add_text (self, name_key, _("Person to call"), contact != NULL ? contact->name : NULL);
  add_text (self, relation_key, _("Relation (daughter, neighbour, …)"), contact != NULL ? contact->relation : NULL);
  add_text (self, phone_key, _("Their phone"), contact != NULL ? contact->phone : NULL);
}

/* The people to call as the record rules read them, from every contact
 * slot with anything written in it; NULL, with messages under the fields,
 * when one is not acceptable. */
static GPtrArray *
read_contacts (AnbuCaseFormDialog *self)
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
      set_optional_text (object, "name", field_text (self, name_key));
      set_optional_text (object, "relation", field_text (self, relation_key));
      set_optional_text (object, "phone", field_text (self, phone_key));
      if (json_object_get_size (object) == 0)
        continue;
      contact = anbu_household_contact_from_json (object, &error);
      if (contact == NULL)
        {
          g_autofree char *member = anbu_record_error_dup_field (error);
          g_autofree char *key = g_strconcat (prefix, member != NULL ? member : "name", NULL);

          set_field_error (self, find_field (self, key) != NULL ? key : name_key,
                           anbu_record_error_get_reason (error));
          ok = FALSE;
          continue;
        }
      g_ptr_array_add (contacts, contact);
    }
  return ok ? g_steal_pointer (&contacts) : NULL;
}

static JsonArray *
contacts_to_json (GPtrArray *contacts)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < contacts->len; i++)
    json_array_add_object_element (array, anbu_household_contact_to_json (contacts->pdata[i]));
  return array;
}

static char *
today_text (AnbuCaseFormDialog *self)
{
  g_autoptr(GDateTime) kst_now = anbu_timestamp_to_date_time (anbu_casework_get_now (self->casework));
  GDate today;

  anbu_kst_get_date (kst_now, &today);
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&today), g_date_get_month (&today),
                          g_date_get_day (&today));
}

static gboolean
register_household_build_changes (AnbuCaseFormDialog *self,
                                  JsonObject         *p,
                                  const char         *now,
                                  const char         *user_id)
{
  gboolean ok = TRUE;
  const AnbuDong *dong = selected_dong (self);
  g_autofree char *birth_year = g_strstrip (g_strdup (field_text (self, "birth_year")));
  g_autofree char *serial = g_strstrip (g_strdup (field_text (self, "serial")));
  g_autoptr(GPtrArray) contacts = read_contacts (self);
  gboolean consent = gtk_switch_get_active (GTK_SWITCH (find_field (self, "night_consent")->input));
  double lat, lon;

  json_object_set_string_member (p, "id", self->household_id);
  set_optional_text (p, "name", field_text (self, "name"));
  if (dong != NULL)
    {
      json_object_set_string_member (p, "dong_code", dong->code);
      json_object_set_string_member (p, "dong_name", dong->name);
    }
  if (birth_year[0] != '\0')
    {
      gint64 year = 0;

      if (!g_ascii_string_to_signed (birth_year, 10, G_MININT64, G_MAXINT64, &year, NULL))
        {
          set_field_error (self, "birth_year", _("Enter the year of birth in four digits, such as 1948."));
          ok = FALSE;
        }
      else
        json_object_set_int_member (p, "birth_year", year);
    }
  if (field_choice (self, "sex") != ANBU_SEX_UNKNOWN)
    json_object_set_string_member (p, "sex", anbu_sex_to_string (field_choice (self, "sex")));
  set_optional_text (p, "phone", field_text (self, "phone"));
  set_optional_text (p, "address", field_text (self, "address"));
  set_optional_text (p, "address_detail", field_text (self, "address_detail"));
  set_optional_text (p, "risk_notes", field_text (self, "risk_notes"));
  if (contacts == NULL)
    ok = FALSE;
  else
    json_object_set_array_member (p, "contacts", contacts_to_json (contacts));
  json_object_set_boolean_member (p, "night_consent", consent);
  if (consent)
    {
      g_autofree char *date = today_text (self);

      json_object_set_string_member (p, "night_consent_date", date);
    }
  json_object_set_int_member (p, "threshold_hours",
                              gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (find_field (self, "threshold_hours")->input)));
  if (!read_location (self, &lat, &lon))
    ok = FALSE;
  else if (!isnan (lat))
    {
      json_object_set_double_member (p, "lat", lat);
      json_object_set_double_member (p, "lon", lon);
    }
  if (user_id != NULL)
    json_object_set_string_member (p, "planner_id", user_id);
  queue_change (self, "household.create", p);

  /* The first plug, when it goes in on the same visit: after the household,
   * in the same outbox order, so the server has the household first. */
  if (serial[0] != '\0')
    {
      JsonObject *install = json_object_new ();

      if (anbu_casework_plug_installed_in (self->casework, serial) != NULL)
        {
          set_field_error (self, "serial", _("This plug is installed in another household. Remove it there first."));
          ok = FALSE;
        }
      json_object_set_string_member (install, "serial", serial);
      json_object_set_string_member (install, "household_id", self->household_id);
      json_object_set_string_member (install, "appliance", field_choice_string (self, "appliance"));
      json_object_set_string_member (install, "installed_at", now);
      queue_change (self, "plug.install", install);
    }
  return ok;
}

/* The household's phone as the record rules store it: TRUE and the new
 * canonical number in @fields when it changed. */
static gboolean
read_phone_change (AnbuCaseFormDialog *self,
                   AnbuHousehold      *h,
                   JsonObject         *fields)
{
  g_autofree char *value = g_strstrip (g_strdup (field_text (self, "phone")));
  g_autoptr(GError) error = NULL;
  g_autofree char *canonical = NULL;

  if (value[0] == '\0')
    {
      if (h->phone != NULL)
        json_object_set_null_member (fields, "phone");
      return TRUE;
    }
  canonical = anbu_phone_normalize ("phone", value, NULL, &error);
  if (canonical == NULL)
    {
      set_field_error (self, "phone", anbu_record_error_get_reason (error));
      return FALSE;
    }
  if (g_strcmp0 (canonical, h->phone) != 0)
    json_object_set_string_member (fields, "phone", canonical);
  return TRUE;
}

static gboolean
edit_contacts_build_changes (AnbuCaseFormDialog *self,
                             JsonObject         *p,
                             const char         *now,
                             const char         *user_id)
{
  AnbuHousehold *h = anbu_casework_lookup_household (self->casework, self->household_id);
  g_autoptr(GPtrArray) contacts = NULL;
  gboolean ok = TRUE;
  gboolean same;
  JsonObject *fields;

  if (h == NULL)
    {
      set_field_error (self, NULL, _("This household is no longer in your caseload, so it cannot be changed. Close the form."));
      json_object_unref (p);
      return FALSE;
    }
  fields = json_object_new ();
  ok = read_phone_change (self, h, fields);
  contacts = read_contacts (self);
  if (contacts == NULL)
    ok = FALSE;
  else
    {
      same = contacts->len == h->contacts->len;
      for (guint i = 0; same && i < contacts->len; i++)
        same = anbu_household_contact_equal (contacts->pdata[i], h->contacts->pdata[i]);
      if (!same)
        json_object_set_array_member (fields, "contacts", contacts_to_json (contacts));
    }
  if (ok && json_object_get_size (fields) == 0)
    {
      set_field_error (self, NULL, _("Nothing was changed."));
      ok = FALSE;
    }
  json_object_set_string_member (p, "id", h->id);
  json_object_set_int_member (p, "base_version", h->version);
  json_object_set_object_member (p, "fields", fields);
  queue_change (self, "household.update", p);
  return ok;
}

static gboolean
visit_build_changes (AnbuCaseFormDialog *self,
                     JsonObject         *p,
                     const char         *now,
                     const char         *user_id)
{
  gboolean ok = TRUE;
  GDate next;
  gboolean has_next = FALSE;
  gint64 at = 0;
  g_autofree char *at_text = NULL;

  set_new_id (p);
  ok = read_moment_field (self, "at", &at);
  at_text = anbu_timestamp_format (ok ? at : anbu_casework_get_now (self->casework));
  set_record_signal (self, p, at);
  json_object_set_string_member (p, "household_id", self->household_id);
  json_object_set_string_member (p, "at", at_text);
  json_object_set_string_member (p, "by", user_id);
  json_object_set_string_member (p, "purpose", field_choice_string (self, "purpose"));
  set_optional_text (p, "outcome", field_text (self, "outcome"));
  set_optional_text (p, "notes", field_text (self, "notes"));
  ok = read_date_field (self, "next_visit_on", FALSE, &next, &has_next) && ok;
  if (ok && has_next)
    {
      GDate today;
      g_autoptr(GDateTime) kst_now = anbu_timestamp_to_date_time (anbu_casework_get_now (self->casework));

      anbu_kst_get_date (kst_now, &today);
      if (g_date_compare (&next, &today) <= 0)
        {
          set_field_error (self, "next_visit_on", _("The next visit must be after today."));
          ok = FALSE;
        }
      else
        {
          g_autofree char *text = g_strstrip (g_strdup (field_text (self, "next_visit_on")));
          json_object_set_string_member (p, "next_visit_on", text);
        }
    }
  queue_change (self, "visit.create", p);
  return ok;
}

static gboolean
contact_build_changes (AnbuCaseFormDialog *self,
                       JsonObject         *p,
                       const char         *now,
                       const char         *user_id)
{
  gboolean ok = TRUE;
  gint64 at = 0;
  g_autofree char *at_text = NULL;

  set_new_id (p);
  ok = read_moment_field (self, "at", &at);
  at_text = anbu_timestamp_format (ok ? at : anbu_casework_get_now (self->casework));
  set_record_signal (self, p, at);
  json_object_set_string_member (p, "household_id", self->household_id);
  json_object_set_string_member (p, "at", at_text);
  json_object_set_string_member (p, "by", user_id);
  json_object_set_string_member (p, "channel", field_choice_string (self, "channel"));
  json_object_set_string_member (p, "outcome", field_choice_string (self, "outcome"));
  set_optional_text (p, "notes", field_text (self, "notes"));
  /* Only a call or a text dials a number. */
  if (field_choice (self, "channel") == ANBU_CONTACT_CHANNEL_PHONE
      || field_choice (self, "channel") == ANBU_CONTACT_CHANNEL_SMS)
    {
      g_autofree char *number = g_strstrip (g_strdup (field_text (self, "phone")));

      if (number[0] != '\0')
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *canonical = anbu_phone_normalize ("phone", number, NULL, &error);

          if (canonical == NULL)
            {
              set_field_error (self, "phone", anbu_record_error_get_reason (error));
              ok = FALSE;
            }
          else
            json_object_set_string_member (p, "phone", canonical);
        }
    }
  queue_change (self, "contact.create", p);
  return ok;
}

static gboolean
absence_build_changes (AnbuCaseFormDialog *self,
                       JsonObject         *p,
                       const char         *now,
                       const char         *user_id)
{
  gboolean ok = TRUE;
  GDate from, to;
  gboolean has_from = FALSE, has_to = FALSE;

  set_new_id (p);
  json_object_set_string_member (p, "household_id", self->household_id);
  ok = read_date_field (self, "from", TRUE, &from, &has_from);
  ok = read_date_field (self, "to", TRUE, &to, &has_to) && ok;
  if (ok && g_date_compare (&to, &from) < 0)
    {
      set_field_error (self, "to", _("The absence must end on or after the day it starts."));
      ok = FALSE;
    }
  if (ok)
    {
      g_autofree char *from_ts = date_to_timestamp (&from, 0);
      g_autofree char *to_ts = date_to_timestamp (&to, 1);  /* through the whole last day */

      json_object_set_string_member (p, "from", from_ts);
      json_object_set_string_member (p, "to", to_ts);
    }
  json_object_set_string_member (p, "reason", field_choice_string (self, "reason"));
  set_optional_text (p, "notes", field_text (self, "notes"));
  queue_change (self, "absence.create", p);
  return ok;
}

static gboolean
plug_build_changes (AnbuCaseFormDialog *self,
                    JsonObject         *p,
                    const char         *now,
                    const char         *user_id)
{
  gboolean ok = TRUE;
  g_autofree char *serial = g_strstrip (g_strdup (field_text (self, "serial")));
  const char *installed_in = anbu_casework_plug_installed_in (self->casework, serial);
  AnbuPlug *old = anbu_casework_find_installed_plug (self->casework, self->household_id);

  if (installed_in != NULL)
    {
      set_field_error (self, "serial", g_strcmp0 (installed_in, self->household_id) == 0
                                       ? _("This plug is already installed in this household.")
                                       : _("This plug is installed in another household. Remove it there first."));
      ok = FALSE;
    }
  if (self->form == ANBU_CASE_FORM_INSTALL_PLUG)
    {
      AnbuHousehold *h = anbu_casework_lookup_household (self->casework, self->household_id);
      gint64 installed_at = 0;
      g_autofree char *installed_text = NULL;
      gboolean consent = gtk_switch_get_active (GTK_SWITCH (find_field (self, "night_consent")->input));
      gint threshold = gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (find_field (self, "threshold_hours")->input));
      g_autoptr(GError) error = NULL;
      double lat, lon;

      json_object_set_string_member (p, "serial", serial);
      json_object_set_string_member (p, "household_id", self->household_id);
      json_object_set_string_member (p, "appliance", field_choice_string (self, "appliance"));
      if (!read_moment_field (self, "installed_at", &installed_at)
          || !check_not_before (self, "installed_at", &installed_at, h != NULL ? h->created_at : 0,
                                _("The household was registered after this time. Check the date and time.")))
        ok = FALSE;
      installed_text = installed_at > 0 ? anbu_timestamp_format (installed_at) : g_strdup (now);
      json_object_set_string_member (p, "installed_at", installed_text);
      queue_change (self, "plug.install", p);

      if (!anbu_validate_threshold_hours ("threshold_hours", threshold, &error))
        {
          set_field_error (self, "threshold_hours", anbu_record_error_get_reason (error));
          ok = FALSE;
        }
      else if (!read_location (self, &lat, &lon))
        ok = FALSE;
      else if (h != NULL && (h->night_consent != consent || h->threshold_hours != threshold
                             || (!isnan (lat) && (lat != h->lat || lon != h->lon))))
        {
          JsonObject *update = json_object_new ();
          JsonObject *fields = json_object_new ();
          GDate today;
          g_autoptr(GDateTime) kst_now = anbu_timestamp_to_date_time (anbu_casework_get_now (self->casework));

          anbu_kst_get_date (kst_now, &today);
          json_object_set_string_member (update, "id", h->id);
          json_object_set_int_member (update, "base_version", h->version);
          if (h->night_consent != consent)
            {
              g_autofree char *date = g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&today),
                                                       g_date_get_month (&today), g_date_get_day (&today));
              json_object_set_boolean_member (fields, "night_consent", consent);
              json_object_set_string_member (fields, "night_consent_date", date);
            }
          if (h->threshold_hours != threshold)
            json_object_set_int_member (fields, "threshold_hours", threshold);
          /* The household's location: lat and lon always go together. */
          if (!isnan (lat) && (lat != h->lat || lon != h->lon))
            {
              json_object_set_double_member (fields, "lat", lat);
              json_object_set_double_member (fields, "lon", lon);
            }
          json_object_set_object_member (update, "fields", fields);
          queue_change (self, "household.update", update);
        }
    }
  else
    {
      gint64 at = 0;
      g_autofree char *at_text = NULL;

      if (!read_moment_field (self, "at", &at)
          || !check_not_before (self, "at", &at, old != NULL ? old->installed_at : 0,
                                _("The old plug was installed after this time. Check the date and time.")))
        ok = FALSE;
      at_text = at > 0 ? anbu_timestamp_format (at) : g_strdup (now);
      json_object_set_string_member (p, "household_id", self->household_id);
      json_object_set_string_member (p, "old_serial", old != NULL ? old->serial : "");
      json_object_set_string_member (p, "new_serial", serial);
      json_object_set_string_member (p, "appliance", field_choice_string (self, "appliance"));
      json_object_set_string_member (p, "reason", field_choice_string (self, "reason"));
      json_object_set_string_member (p, "at", at_text);
      queue_change (self, "plug.replace", p);
    }
  return ok;
}

static gboolean
remove_plug_build_changes (AnbuCaseFormDialog *self,
                           JsonObject         *p,
                           const char         *now,
                           const char         *user_id)
{
  AnbuPlug *old = anbu_casework_find_installed_plug (self->casework, self->household_id);
  gint64 at = 0;
  g_autofree char *at_text = NULL;
  gboolean ok;

  ok = read_moment_field (self, "at", &at)
       && check_not_before (self, "at", &at, old != NULL ? old->installed_at : 0,
                            _("The plug was installed after this time. Check the date and time."));
  at_text = at > 0 ? anbu_timestamp_format (at) : g_strdup (now);
  json_object_set_string_member (p, "serial", old != NULL ? old->serial : "");
  json_object_set_string_member (p, "reason", field_choice_string (self, "reason"));
  json_object_set_string_member (p, "at", at_text);
  queue_change (self, "plug.remove", p);
  return ok;
}

static gboolean
edit_household_build_changes (AnbuCaseFormDialog *self,
                              JsonObject         *p,
                              const char         *now,
                              const char         *user_id)
{
  gboolean ok = TRUE;
  AnbuHousehold *h = anbu_casework_lookup_household (self->casework, self->household_id);
  JsonObject *fields;
  const char *text_keys[] = { "name", "phone", "address", "address_detail", "risk_notes" };
  gint threshold = gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (find_field (self, "threshold_hours")->input));
  gboolean consent = gtk_switch_get_active (GTK_SWITCH (find_field (self, "night_consent")->input));

  /* A sync removed it while the form was open (it left the
   * planner's caseload): there is nothing left to edit. */
  if (h == NULL)
    {
      set_field_error (self, NULL, _("This household is no longer in your caseload, so it cannot be changed. Close the form."));
      json_object_unref (p);
      return FALSE;
    }

  fields = json_object_new ();
  for (guint i = 0; i < G_N_ELEMENTS (text_keys); i++)
    {
      const char *old_values[] = { h->name, h->phone, h->address, h->address_detail, h->risk_notes };
      g_autofree char *value = g_strstrip (g_strdup (field_text (self, text_keys[i])));

      if (g_strcmp0 (value, old_values[i] != NULL ? old_values[i] : "") == 0)
        continue;
      if (g_str_equal (text_keys[i], "phone") && value[0] != '\0')
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *canonical = anbu_phone_normalize ("phone", value, NULL, &error);

          if (canonical == NULL)
            {
              set_field_error (self, "phone", anbu_record_error_get_reason (error));
              ok = FALSE;
              continue;
            }
          if (g_strcmp0 (canonical, h->phone) == 0)
            continue;
          json_object_set_string_member (fields, "phone", canonical);
          continue;
        }
      if (value[0] == '\0')
        json_object_set_null_member (fields, text_keys[i]);
      else
        json_object_set_string_member (fields, text_keys[i], value);
    }
  if (threshold != h->threshold_hours)
    json_object_set_int_member (fields, "threshold_hours", threshold);
  if (consent != h->night_consent)
    json_object_set_boolean_member (fields, "night_consent", consent);
  if (ok && json_object_get_size (fields) == 0)
    {
      set_field_error (self, NULL, _("Nothing was changed."));
      ok = FALSE;
    }
  json_object_set_string_member (p, "id", h->id);
  json_object_set_int_member (p, "base_version", h->version);
  json_object_set_object_member (p, "fields", fields);
  queue_change (self, "household.update", p);
  return ok;
}

static gboolean
close_case_build_changes (AnbuCaseFormDialog *self,
                          JsonObject         *p,
                          const char         *now,
                          const char         *user_id)
{
  gboolean ok = TRUE;

  json_object_set_string_member (p, "id", self->household_id);
  set_optional_text (p, "reason", field_text (self, "reason"));
  if (!json_object_has_member (p, "reason"))
    {
      set_field_error (self, "reason", _("Say why the case is closed."));
      ok = FALSE;
    }
  queue_change (self, "household.close", p);
  return ok;
}

static gboolean
resolve_alert_build_changes (AnbuCaseFormDialog *self,
                             JsonObject         *p,
                             const char         *now,
                             const char         *user_id)
{
  gboolean ok = TRUE;
  AnbuAlert *alert = anbu_casework_lookup_alert (self->casework, self->alert_id);
  gint64 at = 0;
  g_autofree char *at_text = NULL;

  if (!read_moment_field (self, "at", &at)
      || !check_not_before (self, "at", &at, alert != NULL ? alert->raised_at : 0,
                            _("The risk signal was raised after this time. Check the date and time.")))
    ok = FALSE;
  at_text = at > 0 ? anbu_timestamp_format (at) : g_strdup (now);
  json_object_set_string_member (p, "id", self->alert_id);
  if (field_choice_string (self, "resolution") != NULL)
    json_object_set_string_member (p, "resolution", field_choice_string (self, "resolution"));
  else
    {
      set_field_error (self, "resolution", _("Choose how the risk signal ended."));
      ok = FALSE;
    }
  if (find_field (self, "dispatch_outcome") != NULL)
    {
      if (field_choice_string (self, "dispatch_outcome") != NULL)
        json_object_set_string_member (p, "dispatch_outcome",
                                       field_choice_string (self, "dispatch_outcome"));
      else
        {
          set_field_error (self, "dispatch_outcome", _("Say what the dispatch found."));
          ok = FALSE;
        }
    }
  json_object_set_string_member (p, "at", at_text);
  set_optional_text (p, "notes", field_text (self, "notes"));
  queue_change (self, "alert.resolve", p);
  return ok;
}

/* Builds a form's fields for household `h` (and its installed plug). */
typedef void CaseFormBuildFields (AnbuCaseFormDialog *self,
                                  AnbuHousehold      *h,
                                  AnbuPlug           *plug,
                                  const GDate        *today);

static CaseFormBuildFields visit_build_fields,
                           contact_build_fields,
                           absence_build_fields,
                           install_plug_build_fields,
                           replace_plug_build_fields,
                           remove_plug_build_fields,
                           edit_household_build_fields,
                           close_case_build_fields,
                           resolve_alert_build_fields,
                           register_household_build_fields,
                           edit_contacts_build_fields;

/* Each form: its title, what the toast says once saved, the fields it
 * shows and the changes it makes of them (queued on self->pending; FALSE
 * with messages under the fields). A new form is a new row here. */
typedef struct
{
  const char *title;   /* N_() */
  const char *saved;   /* NC_("toast", …) */
  CaseFormBuildFields *build_fields;
  gboolean  (*build_changes) (AnbuCaseFormDialog *self,
                              JsonObject         *p,
                              const char         *now,
                              const char         *user_id);
} CaseFormClass;

static const CaseFormClass forms[] = {
  [ANBU_CASE_FORM_VISIT] = { N_("Record Visit"), NC_("toast", "Visit recorded"),
    visit_build_fields, visit_build_changes },
  [ANBU_CASE_FORM_CONTACT] = { N_("Record Contact"), NC_("toast", "Contact recorded"),
    contact_build_fields, contact_build_changes },
  [ANBU_CASE_FORM_ABSENCE] = { N_("Register Absence"), NC_("toast", "Absence registered: no risk signals while away"),
    absence_build_fields, absence_build_changes },
  [ANBU_CASE_FORM_INSTALL_PLUG] = { N_("Install Plug"), NC_("toast", "Plug installed"),
    install_plug_build_fields, plug_build_changes },
  [ANBU_CASE_FORM_REPLACE_PLUG] = { N_("Replace Plug"), NC_("toast", "Plug replaced"),
    replace_plug_build_fields, plug_build_changes },
  [ANBU_CASE_FORM_REMOVE_PLUG] = { N_("Remove Plug"), NC_("toast", "Plug removed"),
    remove_plug_build_fields, remove_plug_build_changes },
  [ANBU_CASE_FORM_EDIT_HOUSEHOLD] = { N_("Edit Household"), NC_("toast", "Household updated"),
    edit_household_build_fields, edit_household_build_changes },
  [ANBU_CASE_FORM_CLOSE_CASE] = { N_("Close Case"), NC_("toast", "Case closed"),
    close_case_build_fields, close_case_build_changes },
  [ANBU_CASE_FORM_RESOLVE_ALERT] = { N_("Resolve Risk Signal"), NC_("toast", "Risk signal resolved"),
    resolve_alert_build_fields, resolve_alert_build_changes },
  [ANBU_CASE_FORM_REGISTER_HOUSEHOLD] = { N_("Register Household"), NC_("toast", "Household registered"),
    register_household_build_fields, register_household_build_changes },
  [ANBU_CASE_FORM_EDIT_CONTACTS] = { N_("Edit Contacts"), NC_("toast", "Contacts updated"),
    edit_contacts_build_fields, edit_contacts_build_changes },
};

/* A new household's fields, each by its own record rule
 * (anbu_household_set_field), so that every wrong field shows its message
 * at once rather than one per Save. A field the form already refused keeps
 * the form's message. */
static gboolean
check_household_fields (AnbuCaseFormDialog *self,
                        JsonObject         *payload)
{
  g_autoptr(AnbuHousehold) scratch = anbu_household_new ();
  const char * const *names = anbu_household_list_editable_fields ();
  gboolean ok = TRUE;

  for (guint i = 0; names[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (payload, names[i]);
      g_autoptr(JsonNode) absent = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      Field *field;

      if (node == NULL)
        node = absent = json_node_new (JSON_NODE_NULL);
      if (anbu_household_set_field (scratch, names[i], node, &error))
        continue;
      ok = FALSE;
      path = anbu_record_error_dup_field (error);
      field = find_field (self, path != NULL ? path : names[i]);
      if (field == NULL)
        field = find_field (self, names[i]);
      if (field != NULL && field->error != NULL)
        continue;
      set_field_error (self, field != NULL ? field->key : NULL, anbu_record_error_get_reason (error));
    }

  /* The server refuses a household outside the user's 동s: say so here,
   * before the change is queued and comes back rejected. */
  {
    g_autoptr(AnbuUser) user = anbu_case_store_dup_user (anbu_casework_get_store (self->casework));
    g_autoptr(GError) error = NULL;
    const char *dong_code = json_object_get_string_member_with_default (payload, "dong_code", NULL);
    gboolean consent = json_object_get_boolean_member_with_default (payload, "night_consent", FALSE);

    if (user != NULL && !anbu_user_may_register_household (user, dong_code, consent, &error))
      {
        g_autofree char *path = anbu_record_error_dup_field (error);
        Field *field = find_field (self, path);

        set_field_error (self, field != NULL ? field->key : NULL, anbu_record_error_get_reason (error));
        ok = FALSE;
      }
  }
  return ok;
}

/* Builds the changes of the form into self->pending; FALSE with messages
 * under the fields when something is wrong. */
static gboolean
build_changes (AnbuCaseFormDialog *self)
{
  g_autofree char *now = now_timestamp (self);
  g_autofree char *user_id = anbu_case_store_dup_user_id (anbu_casework_get_store (self->casework));
  JsonObject *p = json_object_new ();
  gboolean ok = forms[self->form].build_changes (self, p, now, user_id);

  if (self->form == ANBU_CASE_FORM_REGISTER_HOUSEHOLD)
    ok = check_household_fields (self, ((Change *) self->pending->pdata[0])->payload) && ok;

  /* The server's own rules, field by field, before anything is stored. */
  for (guint i = 0; ok && i < self->pending->len; i++)
    {
      Change *change = self->pending->pdata[i];
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
        set_field_error (self, key != NULL && find_field (self, key) != NULL ? key : NULL,
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
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) mutation_ids = anbu_casework_submit_changes_finish (ANBU_CASEWORK (source), result, &error);

  if (mutation_ids == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Nothing of the form was stored (one transaction): what was typed
       * stays, and saving again stores all of it. */
      self->saving = FALSE;
      gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), TRUE);
      g_ptr_array_set_size (self->pending, 0);
      if (g_error_matches (error, ANBU_REPLICA_ERROR, ANBU_REPLICA_ERROR_DISK_FULL))
        {
          /* The planner is told; it is no fault of the program. */
          g_message ("Could not store a change: %s", error->message);
          set_field_error (self, NULL, _("This computer's disk is full, so nothing was saved. "
                                         "What you typed is still here: free some space and save again."));
        }
      else
        {
          g_warning ("Could not store a change: %s", error->message);
          set_field_error (self, NULL, _("The change could not be stored on this computer. Check the free disk space and try again."));
        }
      return;
    }
  g_ptr_array_set_size (self->pending, 0);

  {
    GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
    g_autofree char *message = g_strdup_printf ("%s. %s", g_dpgettext2 (GETTEXT_PACKAGE, "toast", forms[self->form].saved),
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
  g_autoptr(GPtrArray) kinds = g_ptr_array_new ();
  g_autoptr(GPtrArray) payloads = g_ptr_array_new ();

  for (guint i = 0; i < self->pending->len; i++)
    {
      Change *change = self->pending->pdata[i];

      g_ptr_array_add (kinds, change->kind);
      g_ptr_array_add (payloads, change->payload);
    }
  anbu_casework_submit_changes_async (self->casework, kinds, payloads, self->cancellable,
                                      submit_cb, g_object_ref (self));
}

void
anbu_case_form_dialog_save (AnbuCaseFormDialog *self)
{
  g_return_if_fail (ANBU_IS_CASE_FORM_DIALOG (self));

  if (self->saving)
    return;
  clear_errors (self);
  g_ptr_array_set_size (self->pending, 0);
  if (!build_changes (self))
    {
      g_ptr_array_set_size (self->pending, 0);
      return;
    }
  self->saving = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), FALSE);
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

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), ANBU_TYPE_CASE_FORM_DIALOG);
  G_OBJECT_CLASS (anbu_case_form_dialog_parent_class)->dispose (object);
}

static void
anbu_case_form_dialog_finalize (GObject *object)
{
  AnbuCaseFormDialog *self = ANBU_CASE_FORM_DIALOG (object);

  g_clear_object (&self->casework);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->dongs, g_ptr_array_unref);
  g_free (self->household_id);
  g_free (self->alert_id);
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

static void
anbu_case_form_dialog_class_init (AnbuCaseFormDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = anbu_case_form_dialog_dispose;
  object_class->finalize = anbu_case_form_dialog_finalize;
  widget_class->unmap = anbu_case_form_dialog_unmap;

  /* The change is in the outbox; its mutation id. */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-case-form-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuCaseFormDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AnbuCaseFormDialog, fields_box);
  gtk_widget_class_bind_template_child (widget_class, AnbuCaseFormDialog, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuCaseFormDialog, form_error_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuCaseFormDialog, save_button);

  gtk_widget_class_install_action (widget_class, "form.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "form.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
anbu_case_form_dialog_init (AnbuCaseFormDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->save_button));
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) change_free);
  self->cancellable = g_cancellable_new ();
}


static const gint all_purposes[] = { ANBU_VISIT_PURPOSE_REGULAR, ANBU_VISIT_PURPOSE_ALERT,
                                     ANBU_VISIT_PURPOSE_INSTALL, ANBU_VISIT_PURPOSE_REMOVAL,
                                     ANBU_VISIT_PURPOSE_OTHER };
static const gint all_channels[] = { ANBU_CONTACT_CHANNEL_PHONE, ANBU_CONTACT_CHANNEL_SMS,
                                     ANBU_CONTACT_CHANNEL_VISIT, ANBU_CONTACT_CHANNEL_DISPATCH_112,
                                     ANBU_CONTACT_CHANNEL_DISPATCH_119 };
static const gint all_outcomes[] = { ANBU_CONTACT_OUTCOME_REACHED_SAFE, ANBU_CONTACT_OUTCOME_NO_ANSWER,
                                     ANBU_CONTACT_OUTCOME_WRONG_NUMBER, ANBU_CONTACT_OUTCOME_VISITED_SAFE,
                                     ANBU_CONTACT_OUTCOME_DOOR_OPENED, ANBU_CONTACT_OUTCOME_EMERGENCY,
                                     ANBU_CONTACT_OUTCOME_OTHER,
                                     /* last, so that the choices above keep their places */
                                     ANBU_CONTACT_OUTCOME_NOT_IN_SERVICE };
static const gint all_absence_reasons[] = { ANBU_ABSENCE_REASON_TRAVEL, ANBU_ABSENCE_REASON_HOSPITAL,
                                            ANBU_ABSENCE_REASON_FAMILY, ANBU_ABSENCE_REASON_OTHER };
static const gint all_sexes[] = { ANBU_SEX_UNKNOWN, ANBU_SEX_FEMALE, ANBU_SEX_MALE };
static const gint all_appliances[] = { ANBU_APPLIANCE_TV, ANBU_APPLIANCE_MICROWAVE,
                                       ANBU_APPLIANCE_RICE_COOKER, ANBU_APPLIANCE_LAMP,
                                       ANBU_APPLIANCE_OTHER };
static const gint all_removal_reasons[] = { ANBU_PLUG_REMOVAL_REASON_MOVED, ANBU_PLUG_REMOVAL_REASON_RETURNED,
                                            ANBU_PLUG_REMOVAL_REASON_FAULTY, ANBU_PLUG_REMOVAL_REASON_LOST };
static const gint all_resolutions[] = { ANBU_ALERT_RESOLUTION_SAFE, ANBU_ALERT_RESOLUTION_HOSPITALIZED,
                                        ANBU_ALERT_RESOLUTION_ABSENT, ANBU_ALERT_RESOLUTION_DECEASED,
                                        ANBU_ALERT_RESOLUTION_FALSE_ALARM,
                                        ANBU_ALERT_RESOLUTION_DEVICE_PROBLEM };

static const gint all_dispatch_outcomes[] = { ANBU_DISPATCH_OUTCOME_FOUND_SAFE,
                                              ANBU_DISPATCH_OUTCOME_HOSPITALIZED,
                                              ANBU_DISPATCH_OUTCOME_FOUND_DEAD,
                                              ANBU_DISPATCH_OUTCOME_NO_ENTRY };

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

static void
set_record_signal (AnbuCaseFormDialog *self,
                   JsonObject         *payload,
                   gint64              at)
{
  g_autofree char *found = NULL;
  const char *alert_id = self->alert_id;

  if (!self->alert_given)
    alert_id = found = open_signal_of (self->casework, self->household_id, at);
  if (alert_id != NULL)
    json_object_set_string_member (payload, "alert_id", alert_id);
}

/* Dispatched, as the server says, or by a 112/119 contact recorded here
 * and not yet synced (the server will have made it dispatched by the time
 * the resolution reaches it, the outbox keeping their order). */
static gboolean
signal_was_dispatched (AnbuCasework    *casework,
                       const AnbuAlert *alert)
{
  g_autoptr(GPtrArray) contacts = NULL;

  if (alert->state == ANBU_ALERT_STATE_DISPATCHED || alert->dispatched_at != 0)
    return TRUE;
  contacts = anbu_casework_list_for_household (casework, ANBU_RECORD_KIND_CONTACT, alert->household_id);
  for (guint i = 0; i < contacts->len; i++)
    {
      const AnbuContact *contact = contacts->pdata[i];

      if (g_strcmp0 (contact->alert_id, alert->id) == 0
          && anbu_case_channel_dispatches (contact->channel))
        return TRUE;
    }
  return FALSE;
}

static void
visit_build_fields (AnbuCaseFormDialog *self,
                    AnbuHousehold      *h,
                    AnbuPlug           *plug,
                    const GDate        *today_date)
{
  GDate today = *today_date;
  GDate next = today;

  g_date_add_months (&next, 1);
  add_moment (self, "at", _("When"), anbu_casework_get_now (self->casework));
  add_choice (self, "purpose", _("Purpose"), ANBU_TYPE_VISIT_PURPOSE,
              (LabelFunc) anbu_visit_purpose_to_label, all_purposes, G_N_ELEMENTS (all_purposes),
              ANBU_VISIT_PURPOSE_REGULAR);
  add_text (self, "outcome", _("What you found"), NULL);
  add_text (self, "notes", _("Notes"), NULL);
  add_date (self, "next_visit_on", _("Next visit"), &next, &today);
}

static void
contact_build_fields (AnbuCaseFormDialog *self,
                      AnbuHousehold      *h,
                      AnbuPlug           *plug,
                      const GDate        *today_date)
{
  add_moment (self, "at", _("When"), anbu_casework_get_now (self->casework));
  add_choice (self, "channel", _("How"), ANBU_TYPE_CONTACT_CHANNEL,
              (LabelFunc) anbu_contact_channel_to_label, all_channels, G_N_ELEMENTS (all_channels),
              ANBU_CONTACT_CHANNEL_PHONE);
  add_choice (self, "outcome", _("Outcome"), ANBU_TYPE_CONTACT_OUTCOME,
              (LabelFunc) anbu_contact_outcome_to_label, all_outcomes, G_N_ELEMENTS (all_outcomes),
              ANBU_CONTACT_OUTCOME_REACHED_SAFE);
  /* Which number: a wrong or dead one is flagged after two failures
   * (anbu-bad-number.h). The resident's own phone unless changed. */
  add_text (self, "phone", _("Number called or texted"), h != NULL ? h->phone : NULL);
  add_text (self, "notes", _("Notes"), NULL);
}

static void
absence_build_fields (AnbuCaseFormDialog *self,
                      AnbuHousehold      *h,
                      AnbuPlug           *plug,
                      const GDate        *today_date)
{
  GDate today = *today_date;

  add_date (self, "from", _("Away from"), &today, &today);
  add_date (self, "to", _("Back on"), NULL, &today);
  add_choice (self, "reason", _("Reason"), ANBU_TYPE_ABSENCE_REASON,
              (LabelFunc) anbu_absence_reason_to_label, all_absence_reasons,
              G_N_ELEMENTS (all_absence_reasons), ANBU_ABSENCE_REASON_TRAVEL);
  add_text (self, "notes", _("Notes"), NULL);
}

static void
install_plug_build_fields (AnbuCaseFormDialog *self,
                           AnbuHousehold      *h,
                           AnbuPlug           *plug,
                           const GDate        *today_date)
{
  add_text (self, "serial", _("Plug serial number"), NULL);
  add_choice (self, "appliance", _("Appliance"), ANBU_TYPE_APPLIANCE,
              (LabelFunc) anbu_appliance_to_label, all_appliances, G_N_ELEMENTS (all_appliances),
              ANBU_APPLIANCE_TV);
  add_moment (self, "installed_at", _("Installed at"), anbu_casework_get_now (self->casework));
  add_switch (self, "night_consent", _("Night and holiday monitoring"),
              _("The resident agreed that the control centre answers at night and on holidays"),
              h != NULL && h->night_consent);
  add_threshold (self, "threshold_hours", h != NULL ? h->threshold_hours : ANBU_THRESHOLD_HOURS_DEFAULT);
  add_location (self, h);
}

static void
replace_plug_build_fields (AnbuCaseFormDialog *self,
                           AnbuHousehold      *h,
                           AnbuPlug           *plug,
                           const GDate        *today_date)
{
  add_text (self, "serial", _("New plug serial number"), NULL);
  add_choice (self, "appliance", _("Appliance"), ANBU_TYPE_APPLIANCE,
              (LabelFunc) anbu_appliance_to_label, all_appliances, G_N_ELEMENTS (all_appliances),
              plug != NULL ? (gint) plug->appliance : ANBU_APPLIANCE_TV);
  add_choice (self, "reason", _("Why the old plug goes"), ANBU_TYPE_PLUG_REMOVAL_REASON,
              (LabelFunc) anbu_plug_removal_reason_to_label, all_removal_reasons,
              G_N_ELEMENTS (all_removal_reasons), ANBU_PLUG_REMOVAL_REASON_FAULTY);
  add_moment (self, "at", _("Replaced at"), anbu_casework_get_now (self->casework));
}

static void
remove_plug_build_fields (AnbuCaseFormDialog *self,
                          AnbuHousehold      *h,
                          AnbuPlug           *plug,
                          const GDate        *today_date)
{
  add_choice (self, "reason", _("Reason"), ANBU_TYPE_PLUG_REMOVAL_REASON,
              (LabelFunc) anbu_plug_removal_reason_to_label, all_removal_reasons,
              G_N_ELEMENTS (all_removal_reasons), ANBU_PLUG_REMOVAL_REASON_MOVED);
  add_moment (self, "at", _("Removed at"), anbu_casework_get_now (self->casework));
}

static void
edit_household_build_fields (AnbuCaseFormDialog *self,
                             AnbuHousehold      *h,
                             AnbuPlug           *plug,
                             const GDate        *today_date)
{
  add_text (self, "name", _("Name"), h != NULL ? h->name : NULL);
  add_text (self, "phone", _("Phone"), h != NULL ? h->phone : NULL);
  add_text (self, "address", _("Address"), h != NULL ? h->address : NULL);
  add_text (self, "address_detail", _("Address details"), h != NULL ? h->address_detail : NULL);
  add_text (self, "risk_notes", _("Health and situation"), h != NULL ? h->risk_notes : NULL);
  add_switch (self, "night_consent", _("Night and holiday monitoring"),
              _("The resident agreed that the control centre answers at night and on holidays"),
              h != NULL && h->night_consent);
  add_threshold (self, "threshold_hours", h != NULL ? h->threshold_hours : ANBU_THRESHOLD_HOURS_DEFAULT);
}

static void
close_case_build_fields (AnbuCaseFormDialog *self,
                         AnbuHousehold      *h,
                         AnbuPlug           *plug,
                         const GDate        *today_date)
{
  add_text (self, "reason", _("Why the case is closed"), NULL);
}

static void
resolve_alert_build_fields (AnbuCaseFormDialog *self,
                            AnbuHousehold      *h,
                            AnbuPlug           *plug,
                            const GDate        *today_date)
{
  AnbuAlert *alert = anbu_casework_lookup_alert (self->casework, self->alert_id);

  /* Nothing preselected: the planner says what they found (docs/casework.md). */
  add_choice (self, "resolution", _("Resolution"), ANBU_TYPE_ALERT_RESOLUTION,
              (LabelFunc) anbu_alert_resolution_to_label, all_resolutions,
              G_N_ELEMENTS (all_resolutions), NO_CHOICE);
  if (alert != NULL && signal_was_dispatched (self->casework, alert))
    add_choice (self, "dispatch_outcome", _("What the dispatch found"),
                ANBU_TYPE_DISPATCH_OUTCOME, (LabelFunc) anbu_dispatch_outcome_to_label,
                all_dispatch_outcomes, G_N_ELEMENTS (all_dispatch_outcomes), NO_CHOICE);
  add_moment (self, "at", _("Resolved at"), anbu_casework_get_now (self->casework));
  add_text (self, "notes", _("Notes"), NULL);
}

static const char *
sex_label (gint value)
{
  return value == ANBU_SEX_UNKNOWN ? _("Not recorded") : anbu_sex_to_label (value);
}

static void
register_household_build_fields (AnbuCaseFormDialog *self,
                                 AnbuHousehold      *h,
                                 AnbuPlug           *plug,
                                 const GDate        *today_date)
{
  add_text (self, "name", _("Name"), NULL);
  add_text (self, "birth_year", _("Birth year"), NULL);
  add_choice (self, "sex", _("Sex"), ANBU_TYPE_SEX, sex_label, all_sexes, G_N_ELEMENTS (all_sexes),
              ANBU_SEX_UNKNOWN);
  add_text (self, "phone", _("Phone"), NULL);
  add_dong_choice (self);
  add_text (self, "address", _("Address"), NULL);
  add_text (self, "address_detail", _("Address details"), NULL);
  add_contact_fields (self, 0, NULL);
  add_text (self, "risk_notes", _("Health and situation"), NULL);
  add_switch (self, "night_consent", _("Night and holiday monitoring"),
              _("The resident agreed that the control centre answers at night and on holidays"),
              FALSE);
  add_threshold (self, "threshold_hours", ANBU_THRESHOLD_HOURS_DEFAULT);
  add_location (self, NULL);
  add_text (self, "serial", _("Plug serial number (when installed now)"), NULL);
  add_choice (self, "appliance", _("Appliance"), ANBU_TYPE_APPLIANCE,
              (LabelFunc) anbu_appliance_to_label, all_appliances, G_N_ELEMENTS (all_appliances),
              ANBU_APPLIANCE_TV);
}

/* The household's phone and every person to call, plus one empty slot for
 * a new one while there is room. */
static void
edit_contacts_build_fields (AnbuCaseFormDialog *self,
                            AnbuHousehold      *h,
                            AnbuPlug           *plug,
                            const GDate        *today_date)
{
  guint n = h != NULL ? h->contacts->len : 0;

  add_text (self, "phone", _("Phone"), h != NULL ? h->phone : NULL);
  for (guint i = 0; i < n; i++)
    add_contact_fields (self, i, h->contacts->pdata[i]);
  if (n < ANBU_HOUSEHOLD_MAX_CONTACTS)
    add_contact_fields (self, n, NULL);
}


static void
build_fields (AnbuCaseFormDialog *self)
{
  AnbuHousehold *h = anbu_casework_lookup_household (self->casework, self->household_id);
  AnbuPlug *plug = anbu_casework_find_installed_plug (self->casework, self->household_id);
  g_autoptr(GDateTime) now = anbu_timestamp_to_date_time (anbu_casework_get_now (self->casework));
  GDate today;

  anbu_kst_get_date (now, &today);

  forms[self->form].build_fields (self, h, plug, &today);

  if (self->form == ANBU_CASE_FORM_REPLACE_PLUG || self->form == ANBU_CASE_FORM_REMOVE_PLUG)
    {
      if (plug == NULL)
        {
          set_field_error (self, NULL, _("No plug is installed in this household."));
          gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), FALSE);
        }
    }
}

AnbuCaseFormDialog *
anbu_case_form_dialog_new (AnbuCasework *casework,
                           AnbuCaseForm  form,
                           const char   *household_id,
                           const char   *alert_id)
{
  AnbuCaseFormDialog *self;
  AnbuHousehold *h;
  AnbuPlug *plug;
  g_autofree char *subtitle = NULL;

  g_return_val_if_fail (ANBU_IS_CASEWORK (casework), NULL);
  g_return_val_if_fail (household_id != NULL || form == ANBU_CASE_FORM_REGISTER_HOUSEHOLD, NULL);
  g_return_val_if_fail ((guint) form < G_N_ELEMENTS (forms), NULL);

  self = g_object_new (ANBU_TYPE_CASE_FORM_DIALOG, NULL);
  self->casework = g_object_ref (casework);
  self->form = form;
  /* A new household's id is made here, where it is born (DESIGN.md §3). */
  self->household_id = household_id != NULL ? g_strdup (household_id) : g_uuid_string_random ();
  self->alert_id = g_strdup (alert_id);
  self->alert_given = alert_id != NULL;
  if (self->alert_id == NULL && (form == ANBU_CASE_FORM_CONTACT || form == ANBU_CASE_FORM_VISIT))
    self->alert_id = open_signal_of (casework, household_id, anbu_casework_get_now (casework));
  gtk_window_set_title (GTK_WINDOW (self), _(forms[form].title));

  h = anbu_casework_lookup_household (casework, household_id);
  plug = anbu_casework_find_installed_plug (casework, household_id);
  if (h != NULL && plug != NULL && (form == ANBU_CASE_FORM_REPLACE_PLUG || form == ANBU_CASE_FORM_REMOVE_PLUG))
    /* Translators: resident's name and the serial of the plug installed there. */
    subtitle = g_strdup_printf (_("%s · plug %s"), h->name, plug->serial);
  else if (h != NULL)
    subtitle = g_strdup_printf ("%s · %s", h->name, h->address);
  gtk_label_set_label (self->subtitle_label, subtitle);

  build_fields (self);
  if (form == ANBU_CASE_FORM_RESOLVE_ALERT)
    update_save_button (self);
  return self;
}

AnbuCaseForm
anbu_case_form_dialog_get_form (AnbuCaseFormDialog *self)
{
  g_return_val_if_fail (ANBU_IS_CASE_FORM_DIALOG (self), 0);
  return self->form;
}

const char *
anbu_case_form_dialog_get_household_id (AnbuCaseFormDialog *self)
{
  g_return_val_if_fail (ANBU_IS_CASE_FORM_DIALOG (self), NULL);
  return self->household_id;
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
  Field *field;

  g_return_val_if_fail (ANBU_IS_CASE_FORM_DIALOG (self), NULL);
  if (key == NULL)
    return gtk_widget_get_visible (GTK_WIDGET (self->form_error_label))
           ? gtk_label_get_label (self->form_error_label) : NULL;
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
