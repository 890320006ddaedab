/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "anbu-case-form-dialog.h"

G_BEGIN_DECLS

/* What the forms (subclasses of AnbuCaseFormDialog) share: the rows they
 * add by payload key, reading them back, the messages under them and the
 * changes they queue. Only for the forms themselves. */

typedef const char *(*AnbuCaseFormLabelFunc) (gint value);

/* anbu_case_form_dialog_add_choice()'s @initial when the person must pick
 * one themselves: Save waits for it. */
#define ANBU_CASE_FORM_NO_CHOICE G_MININT

AnbuCasework *anbu_case_form_dialog_get_casework      (AnbuCaseFormDialog *self);
const char   *anbu_case_form_dialog_get_alert_id      (AnbuCaseFormDialog *self);
gint64        anbu_case_form_dialog_get_now           (AnbuCaseFormDialog *self);
/* Today in Seoul as YYYY-MM-DD. */
char         *anbu_case_form_dialog_dup_today_text    (AnbuCaseFormDialog *self);

/* Rows, each under its payload key. */
void          anbu_case_form_dialog_add_text          (AnbuCaseFormDialog *self,
                                                       const char         *key,
                                                       const char         *title,
                                                       const char         *initial);
void          anbu_case_form_dialog_add_date          (AnbuCaseFormDialog *self,
                                                       const char         *key,
                                                       const char         *title,
                                                       const GDate        *initial,
                                                       const GDate        *today);
void          anbu_case_form_dialog_add_moment        (AnbuCaseFormDialog *self,
                                                       const char         *key,
                                                       const char         *title,
                                                       gint64              initial);
void          anbu_case_form_dialog_add_choice        (AnbuCaseFormDialog   *self,
                                                       const char           *key,
                                                       const char           *title,
                                                       GType                 enum_type,
                                                       AnbuCaseFormLabelFunc to_label,
                                                       const gint           *values,
                                                       guint                 n_values,
                                                       gint                  initial);
/* A choice of any row type (e.g. of 동s), read by the form itself. */
void          anbu_case_form_dialog_add_row           (AnbuCaseFormDialog *self,
                                                       const char         *key,
                                                       GtkWidget          *combo_row);
void          anbu_case_form_dialog_add_appliance_choice (AnbuCaseFormDialog *self,
                                                          gint                initial);
void          anbu_case_form_dialog_add_removal_reason_choice (AnbuCaseFormDialog *self,
                                                               const char         *title,
                                                               gint                initial);
void          anbu_case_form_dialog_add_switch        (AnbuCaseFormDialog *self,
                                                       const char         *key,
                                                       const char         *title,
                                                       const char         *subtitle,
                                                       gboolean            initial);
void          anbu_case_form_dialog_add_threshold     (AnbuCaseFormDialog *self,
                                                       const char         *key,
                                                       gint                initial);
/* Latitude, longitude and the map picker. */
void          anbu_case_form_dialog_add_location      (AnbuCaseFormDialog *self,
                                                       AnbuHousehold      *h);
/* One person to call: "contacts.N.name", "….relation", "….phone". */
void          anbu_case_form_dialog_add_contact_fields (AnbuCaseFormDialog         *self,
                                                        guint                       slot,
                                                        const AnbuHouseholdContact *contact);

/* Reading the rows. */
const char   *anbu_case_form_dialog_field_text        (AnbuCaseFormDialog *self,
                                                       const char         *key);
gint          anbu_case_form_dialog_field_choice      (AnbuCaseFormDialog *self,
                                                       const char         *key);
const char   *anbu_case_form_dialog_field_choice_string (AnbuCaseFormDialog *self,
                                                         const char         *key);
gboolean      anbu_case_form_dialog_field_active      (AnbuCaseFormDialog *self,
                                                       const char         *key);
gint          anbu_case_form_dialog_field_int         (AnbuCaseFormDialog *self,
                                                       const char         *key);
gboolean      anbu_case_form_dialog_read_date_field   (AnbuCaseFormDialog *self,
                                                       const char         *key,
                                                       gboolean            required,
                                                       GDate              *date,
                                                       gboolean           *present);
gboolean      anbu_case_form_dialog_read_moment_field (AnbuCaseFormDialog *self,
                                                       const char         *key,
                                                       gint64             *at);
gboolean      anbu_case_form_dialog_check_not_before  (AnbuCaseFormDialog *self,
                                                       const char         *key,
                                                       gint64             *at,
                                                       gint64              earliest,
                                                       const char         *message);
gboolean      anbu_case_form_dialog_read_location     (AnbuCaseFormDialog *self,
                                                       double             *lat,
                                                       double             *lon);
GPtrArray    *anbu_case_form_dialog_read_contacts     (AnbuCaseFormDialog *self);
/* FALSE, with the message under "serial", when @serial is installed somewhere. */
gboolean      anbu_case_form_dialog_check_plug_serial (AnbuCaseFormDialog *self,
                                                       const char         *serial);

/* Messages: @key NULL is the form's own message. */
void          anbu_case_form_dialog_set_field_error   (AnbuCaseFormDialog *self,
                                                       const char         *key,
                                                       const char         *message);
void          anbu_case_form_dialog_update_save_button (AnbuCaseFormDialog *self);
/* For a form about the installed plug: the plug in the subtitle, or the
 * form's message and no Save when there is none. */
void          anbu_case_form_dialog_require_plug      (AnbuCaseFormDialog *self,
                                                       AnbuHousehold      *h,
                                                       AnbuPlug           *plug);

/* Changes, submitted in this order in one transaction; takes @payload. */
void          anbu_case_form_dialog_queue_change      (AnbuCaseFormDialog *self,
                                                       const char         *kind,
                                                       JsonObject         *payload);
/* A contact or visit belongs to the signal open at its own time (@at),
 * unless the form was opened from that signal. */
void          anbu_case_form_dialog_set_record_signal (AnbuCaseFormDialog *self,
                                                       JsonObject         *payload,
                                                       gint64              at);
/* For a contact or visit recorded now: the household's open signal, when
 * the caller named none. */
void          anbu_case_form_dialog_find_open_signal  (AnbuCaseFormDialog *self);

void          anbu_case_form_set_new_id               (JsonObject         *object);
void          anbu_case_form_set_optional_text        (JsonObject         *object,
                                                       const char         *member,
                                                       const char         *text);
JsonArray    *anbu_case_form_contacts_to_json         (GPtrArray          *contacts);

G_END_DECLS
