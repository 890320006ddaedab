/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-handover-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "anbu-case-store.h"
#include "anbu-handover-dialog.h"
#include "anbu-holiday-calendar.h"
#include "anbu-kst.h"

/* Where the acknowledged day of each 동 is kept (anbu_case_store_dup_cached). */
#define ACK_PREFIX "handover-ack/"

struct _AnbuHandoverDialog
{
  AdwWindow parent_instance;

  AnbuCasework   *casework;
  GStrv           dong_codes;    /* the 동 of the caseload, sorted */
  AnbuHandover   *handover;
  AdwWindowTitle *title;
  GtkDropDown    *dong_dropdown;
  GtkLabel       *counts_label;
  GtkBox         *content;       /* the groups of the current record */
  GtkButton      *acknowledge_button;
  GtkFileChooserNative *chooser;

  /* Printing: one Pango layout per paragraph, and where each page starts. */
  GPtrArray      *print_layouts;
  GArray         *page_starts;
};

G_DEFINE_FINAL_TYPE (AnbuHandoverDialog, anbu_handover_dialog, ADW_TYPE_WINDOW)

enum
{
  ACKNOWLEDGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The 동 of the caseload, sorted by code; @names (nullable) gets each one's
 * name for people ("역삼1동 (1168064000)"). One pass over the households:
 * the control centre's scope can hold a city. */
static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static GStrv
collect_dong_codes (AnbuCasework  *casework,
                    GStrv         *names)
{
  GPtrArray *households = anbu_casework_get_records (casework, ANBU_RECORD_KIND_HOUSEHOLD);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);  /* code → name */
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) name_builder = g_strv_builder_new ();
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();

  for (guint i = 0; households != NULL && i < households->len; i++)
    {
      AnbuHousehold *household = g_ptr_array_index (households, i);

      if (household->dong_code == NULL)
        continue;
      if (!g_hash_table_contains (seen, household->dong_code))
        g_ptr_array_add (codes, household->dong_code);
      if (g_hash_table_lookup (seen, household->dong_code) == NULL)
        g_hash_table_insert (seen, household->dong_code, household->dong_name);
    }
  g_ptr_array_sort (codes, (GCompareFunc) compare_strings);
  for (guint i = 0; i < codes->len; i++)
    {
      const char *code = g_ptr_array_index (codes, i);
      const char *name = g_hash_table_lookup (seen, code);
      g_autofree char *label = name != NULL ? g_strdup_printf ("%s (%s)", name, code) : g_strdup (code);

      g_strv_builder_add (builder, code);
      g_strv_builder_add (name_builder, label);
    }
  if (names != NULL)
    *names = g_strv_builder_end (name_builder);
  return g_strv_builder_end (builder);
}

/* The latest hand-over of @dong_code by the casework's clock; NULL if none. */
static AnbuHandover *
build_latest (AnbuCasework *casework,
              const char   *dong_code)
{
  g_autoptr(AnbuHolidayCalendar) calendar = anbu_holiday_calendar_new ();
  GPtrArray *households = anbu_casework_get_records (casework, ANBU_RECORD_KIND_HOUSEHOLD);
  GPtrArray *alerts = anbu_casework_get_records (casework, ANBU_RECORD_KIND_ALERT);
  GDate day;

  if (households == NULL || alerts == NULL
      || !anbu_handover_latest_day (calendar, anbu_casework_get_now (casework), &day))
    return NULL;
  return anbu_handover_build (calendar, &day, dong_code, households, alerts,
                              anbu_casework_get_records (casework, ANBU_RECORD_KIND_CONTACT),
                              anbu_casework_get_records (casework, ANBU_RECORD_KIND_VISIT));
}

static gboolean
is_acknowledged (AnbuCasework       *casework,
                 const AnbuHandover *handover)
{
  g_autofree char *name = g_strconcat (ACK_PREFIX, handover->dong_code, NULL);
  g_autofree char *acknowledged = anbu_case_store_dup_cached (anbu_casework_get_store (casework), name);
  g_autofree char *key = anbu_handover_dup_day_key (handover);

  /* Day keys are ISO dates: they compare as strings. */
  return acknowledged != NULL && g_strcmp0 (acknowledged, key) >= 0;
}

static GtkWidget *
new_group (const char *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  return group;
}

static GtkWidget *
new_row (const char *title,
         const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title_markup = g_markup_escape_text (title, -1);
  g_autofree char *subtitle_markup = g_markup_escape_text (subtitle, -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title_markup);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle_markup);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  return row;
}

static void
show_record (AnbuHandoverDialog *self)
{
  GtkWidget *child;
  g_autofree char *night = NULL;
  g_autofree char *counts = NULL;
  g_autofree char *subtitle = NULL;
  GtkWidget *group;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->content))) != NULL)
    gtk_box_remove (self->content, child);

  if (self->handover == NULL)
    {
      adw_window_title_set_subtitle (self->title, "");
      gtk_label_set_label (self->counts_label, _("There was no hand-over yet."));
      gtk_widget_set_sensitive (GTK_WIDGET (self->acknowledge_button), FALSE);
      return;
    }

  night = anbu_handover_describe_night (self->handover);
  subtitle = g_strdup_printf ("%s · %s", self->handover->dong_name != NULL ? self->handover->dong_name
                                                                          : self->handover->dong_code, night);
  adw_window_title_set_subtitle (self->title, subtitle);
  counts = anbu_handover_describe_counts (self->handover);
  gtk_label_set_label (self->counts_label, counts);
  gtk_widget_set_sensitive (GTK_WIDGET (self->acknowledge_button), TRUE);

  if (anbu_handover_is_empty (self->handover))
    {
      GtkWidget *label = gtk_label_new (_("Nothing happened in this dong during the night."));

      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (self->content, label);
      return;
    }

  group = new_group (_("Signals"));
  gtk_widget_set_name (group, "handover-signals");
  for (guint i = 0; i < self->handover->cases->len; i++)
    {
      const AnbuHandoverCase *handover_case = g_ptr_array_index (self->handover->cases, i);
      g_autofree char *description = anbu_handover_describe_case (handover_case);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                 new_row (handover_case->household_name, description));
    }
  if (self->handover->cases->len == 0)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), _("No signals"));
  gtk_box_append (self->content, group);

  group = new_group (_("Checks"));
  gtk_widget_set_name (group, "handover-checks");
  for (guint i = 0; i < self->handover->contacts->len; i++)
    {
      const AnbuHandoverContact *contact = g_ptr_array_index (self->handover->contacts, i);
      g_autoptr(GDateTime) moment = g_date_time_new_from_unix_utc (contact->at / G_USEC_PER_SEC);
      g_autofree char *at = anbu_kst_format_date_time (moment);
      g_autofree char *title = g_strdup_printf ("%s · %s", at, contact->household_name);
      g_autofree char *subtitle_text = NULL;

      if (contact->notes != NULL && contact->notes[0] != '\0')
        subtitle_text = g_strdup_printf ("%s · %s · %s", contact->channel, contact->outcome, contact->notes);
      else
        subtitle_text = g_strdup_printf ("%s · %s", contact->channel, contact->outcome);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), new_row (title, subtitle_text));
    }
  if (self->handover->contacts->len == 0)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), _("No checks"));
  gtk_box_append (self->content, group);
}

static void
select_dong (AnbuHandoverDialog *self,
             const char         *dong_code)
{
  g_clear_pointer (&self->handover, anbu_handover_free);
  if (dong_code != NULL)
    self->handover = build_latest (self->casework, dong_code);
  show_record (self);
}

static void
on_dong_selected (AnbuHandoverDialog *self)
{
  guint position = gtk_drop_down_get_selected (self->dong_dropdown);

  if (self->dong_codes != NULL && position < g_strv_length (self->dong_codes))
    select_dong (self, self->dong_codes[position]);
}

static void
on_acknowledge_button_clicked (AnbuHandoverDialog *self)
{
  g_autofree char *name = NULL;
  g_autofree char *key = NULL;

  if (self->handover == NULL)
    return;
  name = g_strconcat (ACK_PREFIX, self->handover->dong_code, NULL);
  key = anbu_handover_dup_day_key (self->handover);
  anbu_case_store_store_cached (anbu_casework_get_store (self->casework), name, key);
  g_signal_emit (self, signals[ACKNOWLEDGED], 0);
  gtk_window_close (GTK_WINDOW (self));
}

static char *
suggested_name (AnbuHandoverDialog *self,
                const char         *extension)
{
  g_autofree char *day = anbu_handover_dup_day_key (self->handover);

  /* Translators: a file name: the hand-over's 동 and day, then the extension. */
  return g_strdup_printf (_("night-handover-%s-%s.%s"),
                          self->handover->dong_name != NULL ? self->handover->dong_name : self->handover->dong_code,
                          day, extension);
}

static void
show_error (AnbuHandoverDialog *self,
            const char         *heading,
            const char         *body)
{
  GtkWidget *message = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (message), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (message));
}

static void
on_chooser_response (AnbuHandoverDialog *self,
                     int                 response)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (self->chooser));
  g_clear_object (&self->chooser);
  if (file != NULL && !anbu_handover_dialog_write_csv (self, file, &error))
    {
      g_warning ("Could not save the hand-over: %s", error->message);
      show_error (self, _("Could Not Save the File"),
                  _("Choose another folder, or check that the disk has space, and try again."));
    }
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AnbuHandoverDialog *self = ANBU_HANDOVER_DIALOG (widget);
  g_autofree char *name = NULL;

  if (self->handover == NULL || self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Export Hand-over"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  name = suggested_name (self, "csv");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  AnbuHandoverDialog *self = ANBU_HANDOVER_DIALOG (widget);
  g_autoptr(GError) error = NULL;

  if (self->handover == NULL)
    return;
  if (anbu_handover_dialog_print (self, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, NULL, &error)
      == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      g_warning ("Could not print the hand-over: %s", error->message);
      show_error (self, _("Could Not Print"), _("Check the printer, or save a PDF from the print dialog instead."));
    }
}

/* Printing ---------------------------------------------------------------- */

static void
add_paragraph (GPtrArray       *paragraphs,
               const char      *weight_markup_open,
               const char      *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  if (weight_markup_open != NULL)
    g_ptr_array_add (paragraphs, g_strdup_printf ("<span %s>%s</span>", weight_markup_open, escaped));
  else
    g_ptr_array_add (paragraphs, g_steal_pointer (&escaped));
}

/* The record as paragraphs of Pango markup, as printed. */
static GPtrArray *
print_paragraphs (const AnbuHandover *handover)
{
  GPtrArray *paragraphs = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *night = anbu_handover_describe_night (handover);
  g_autofree char *counts = anbu_handover_describe_counts (handover);
  g_autofree char *title = g_strdup_printf ("%s · %s", _("Night Hand-over"),
                                            handover->dong_name != NULL ? handover->dong_name : handover->dong_code);

  add_paragraph (paragraphs, "weight='bold' size='x-large'", title);
  add_paragraph (paragraphs, NULL, night);
  add_paragraph (paragraphs, NULL, counts);
  add_paragraph (paragraphs, "weight='bold' size='large'", _("Signals"));
  if (handover->cases->len == 0)
    add_paragraph (paragraphs, NULL, _("No signals"));
  for (guint i = 0; i < handover->cases->len; i++)
    {
      const AnbuHandoverCase *handover_case = g_ptr_array_index (handover->cases, i);
      g_autofree char *description = anbu_handover_describe_case (handover_case);
      g_autofree char *name = g_markup_escape_text (handover_case->household_name, -1);
      g_autofree char *rest = g_markup_escape_text (description, -1);

      g_ptr_array_add (paragraphs, g_strdup_printf ("<b>%s</b>\n%s", name, rest));
    }
  add_paragraph (paragraphs, "weight='bold' size='large'", _("Checks"));
  if (handover->contacts->len == 0)
    add_paragraph (paragraphs, NULL, _("No checks"));
  for (guint i = 0; i < handover->contacts->len; i++)
    {
      const AnbuHandoverContact *contact = g_ptr_array_index (handover->contacts, i);
      g_autoptr(GDateTime) moment = g_date_time_new_from_unix_utc (contact->at / G_USEC_PER_SEC);
      g_autofree char *at = anbu_kst_format_date_time (moment);
      g_autofree char *line = g_strdup_printf ("%s · %s · %s · %s%s%s", at, contact->household_name,
                                               contact->channel, contact->outcome,
                                               contact->notes != NULL && contact->notes[0] != '\0' ? " · " : "",
                                               contact->notes != NULL ? contact->notes : "");

      add_paragraph (paragraphs, NULL, line);
    }
  return paragraphs;
}

#define PARAGRAPH_GAP 8.0

static void
on_begin_print (GtkPrintOperation  *operation,
                GtkPrintContext    *context,
                AnbuHandoverDialog *self)
{
  g_autoptr(GPtrArray) paragraphs = print_paragraphs (self->handover);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Noto Sans CJK KR, Sans 10");
  double width = gtk_print_context_get_width (context);
  double height = gtk_print_context_get_height (context);
  double used = 0;
  guint start = 0;

  g_clear_pointer (&self->print_layouts, g_ptr_array_unref);
  g_clear_pointer (&self->page_starts, g_array_unref);
  self->print_layouts = g_ptr_array_new_with_free_func (g_object_unref);
  self->page_starts = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (self->page_starts, start);

  for (guint i = 0; i < paragraphs->len; i++)
    {
      PangoLayout *layout = gtk_print_context_create_pango_layout (context);
      int layout_height;
      double paragraph_height;

      pango_layout_set_font_description (layout, font);
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_markup (layout, g_ptr_array_index (paragraphs, i), -1);
      pango_layout_get_size (layout, NULL, &layout_height);
      paragraph_height = (double) layout_height / PANGO_SCALE + PARAGRAPH_GAP;
      if (used > 0 && used + paragraph_height > height)
        {
          g_array_append_val (self->page_starts, i);
          used = 0;
        }
      used += paragraph_height;
      g_ptr_array_add (self->print_layouts, layout);
    }
  gtk_print_operation_set_n_pages (operation, self->page_starts->len);
}

static void
on_draw_page (GtkPrintOperation  *operation,
              GtkPrintContext    *context,
              int                 page,
              AnbuHandoverDialog *self)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  guint first = g_array_index (self->page_starts, guint, page);
  guint end = (guint) page + 1 < self->page_starts->len ? g_array_index (self->page_starts, guint, page + 1)
                                                         : self->print_layouts->len;
  double y = 0;

  cairo_set_source_rgb (cr, 0, 0, 0);
  for (guint i = first; i < end; i++)
    {
      PangoLayout *layout = g_ptr_array_index (self->print_layouts, i);
      int layout_height;

      cairo_move_to (cr, 0, y);
      pango_cairo_show_layout (cr, layout);
      pango_layout_get_size (layout, NULL, &layout_height);
      y += (double) layout_height / PANGO_SCALE + PARAGRAPH_GAP;
    }
}

static void
on_end_print (GtkPrintOperation  *operation,
              GtkPrintContext    *context,
              AnbuHandoverDialog *self)
{
  g_clear_pointer (&self->print_layouts, g_ptr_array_unref);
  g_clear_pointer (&self->page_starts, g_array_unref);
}

/* GObject ------------------------------------------------------------------ */

static void
anbu_handover_dialog_dispose (GObject *object)
{
  AnbuHandoverDialog *self = ANBU_HANDOVER_DIALOG (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->casework);
  g_clear_pointer (&self->dong_codes, g_strfreev);
  g_clear_pointer (&self->handover, anbu_handover_free);
  g_clear_pointer (&self->print_layouts, g_ptr_array_unref);
  g_clear_pointer (&self->page_starts, g_array_unref);
  G_OBJECT_CLASS (anbu_handover_dialog_parent_class)->dispose (object);
}

static void
anbu_handover_dialog_class_init (AnbuHandoverDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = anbu_handover_dialog_dispose;

  /* The planner acknowledged the record shown (kept in the replica). */
  signals[ACKNOWLEDGED] = g_signal_new ("acknowledged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/anbu/Anbu/ui/anbu-handover-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuHandoverDialog, title);
  gtk_widget_class_bind_template_child (widget_class, AnbuHandoverDialog, dong_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AnbuHandoverDialog, counts_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuHandoverDialog, content);
  gtk_widget_class_bind_template_child (widget_class, AnbuHandoverDialog, acknowledge_button);
  gtk_widget_class_bind_template_callback (widget_class, on_acknowledge_button_clicked);

  gtk_widget_class_install_action (widget_class, "handover.export-csv", NULL, export_csv_action);
  gtk_widget_class_install_action (widget_class, "handover.print", NULL, print_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "handover.print", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
anbu_handover_dialog_init (AnbuHandoverDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Public --------------------------------------------------------------------- */

/**
 * anbu_handover_dialog_new:
 * @dong_code: (nullable): the 동 to show first; NULL: the first of the caseload
 */
AnbuHandoverDialog *
anbu_handover_dialog_new (AnbuCasework *casework,
                          const char   *dong_code)
{
  AnbuHandoverDialog *self;
  g_autoptr(GtkStringList) names = NULL;
  g_auto(GStrv) labels = NULL;
  guint selected = 0;

  g_return_val_if_fail (ANBU_IS_CASEWORK (casework), NULL);

  self = g_object_new (ANBU_TYPE_HANDOVER_DIALOG, NULL);
  self->casework = g_object_ref (casework);
  self->dong_codes = collect_dong_codes (casework, &labels);
  names = gtk_string_list_new ((const char * const *) labels);
  for (guint i = 0; self->dong_codes[i] != NULL; i++)
    if (g_strcmp0 (dong_code, self->dong_codes[i]) == 0)
      selected = i;
  gtk_drop_down_set_model (self->dong_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->dong_dropdown, selected);
  gtk_widget_set_visible (GTK_WIDGET (self->dong_dropdown), g_strv_length (self->dong_codes) > 1);
  g_signal_connect_swapped (self->dong_dropdown, "notify::selected", G_CALLBACK (on_dong_selected), self);
  select_dong (self, self->dong_codes[0] != NULL ? self->dong_codes[selected] : NULL);
  return self;
}

const AnbuHandover *
anbu_handover_dialog_get_handover (AnbuHandoverDialog *self)
{
  g_return_val_if_fail (ANBU_IS_HANDOVER_DIALOG (self), NULL);
  return self->handover;
}

gboolean
anbu_handover_dialog_write_csv (AnbuHandoverDialog  *self,
                                GFile               *file,
                                GError             **error)
{
  g_autoptr(GBytes) csv = NULL;

  g_return_val_if_fail (ANBU_IS_HANDOVER_DIALOG (self), FALSE);
  g_return_val_if_fail (self->handover != NULL, FALSE);

  csv = anbu_handover_to_csv (self->handover);
  return g_file_replace_contents (file, g_bytes_get_data (csv, NULL), g_bytes_get_size (csv), NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}

/**
 * anbu_handover_dialog_print:
 * @action: PRINT_DIALOG for people; EXPORT with @export_filename writes a PDF
 *
 * Returns: how it went; with PRINT_DIALOG the operation runs on without
 *   blocking (allow-async) and its result only tells whether it started.
 */
GtkPrintOperationResult
anbu_handover_dialog_print (AnbuHandoverDialog       *self,
                            GtkPrintOperationAction   action,
                            const char               *export_filename,
                            GError                  **error)
{
  g_autoptr(GtkPrintOperation) operation = gtk_print_operation_new ();
  g_autofree char *job_name = NULL;

  g_return_val_if_fail (ANBU_IS_HANDOVER_DIALOG (self), GTK_PRINT_OPERATION_RESULT_ERROR);
  g_return_val_if_fail (self->handover != NULL, GTK_PRINT_OPERATION_RESULT_ERROR);

  job_name = suggested_name (self, "pdf");
  gtk_print_operation_set_job_name (operation, job_name);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  if (export_filename != NULL)
    gtk_print_operation_set_export_filename (operation, export_filename);
  gtk_print_operation_set_allow_async (operation, action == GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG);
  g_signal_connect_object (operation, "begin-print", G_CALLBACK (on_begin_print), self, 0);
  g_signal_connect_object (operation, "draw-page", G_CALLBACK (on_draw_page), self, 0);
  g_signal_connect_object (operation, "end-print", G_CALLBACK (on_end_print), self, 0);
  return gtk_print_operation_run (operation, action, GTK_WINDOW (self), error);
}

char *
anbu_handover_find_unacknowledged (AnbuCasework *casework)
{
  g_auto(GStrv) dong_codes = NULL;

  g_return_val_if_fail (ANBU_IS_CASEWORK (casework), NULL);

  dong_codes = collect_dong_codes (casework, NULL);
  for (guint i = 0; dong_codes[i] != NULL; i++)
    {
      g_autoptr(AnbuHandover) handover = build_latest (casework, dong_codes[i]);

      if (handover != NULL && !anbu_handover_is_empty (handover) && !is_acknowledged (casework, handover))
        return g_strdup (dong_codes[i]);
    }
  return NULL;
}

gboolean
anbu_handover_dialog_present_if_due (GtkWindow     *parent,
                                     AnbuCasework  *casework,
                                     char         **shown)
{
  g_autofree char *dong_code = NULL;
  g_autofree char *key = NULL;
  AnbuHandoverDialog *dialog;

  g_return_val_if_fail (ANBU_IS_CASEWORK (casework), FALSE);
  g_return_val_if_fail (shown != NULL, FALSE);

  /* The record is the planner's morning reading; the control centre wrote it. */
  if (g_strcmp0 (anbu_case_store_get_role (anbu_casework_get_store (casework)), "planner") != 0)
    return FALSE;
  dong_code = anbu_handover_find_unacknowledged (casework);
  if (dong_code == NULL)
    return FALSE;
  {
    g_autoptr(AnbuHandover) handover = build_latest (casework, dong_code);
    g_autofree char *day = anbu_handover_dup_day_key (handover);

    key = g_strconcat (dong_code, "/", day, NULL);
  }
  /* Presented already (open, or closed without marking it read): not again
   * at every sync of this sign-in. */
  if (g_strcmp0 (key, *shown) == 0)
    return FALSE;
  g_free (*shown);
  *shown = g_steal_pointer (&key);
  dialog = anbu_handover_dialog_new (casework, dong_code);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), parent);
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}
