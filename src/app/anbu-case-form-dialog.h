/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "anbu-casework.h"

G_BEGIN_DECLS

/*
 * The planner's forms: each builds one change (docs/api.md mutation),
 * checks it with the same rules as the server (anbu_mutation_validate_payload
 * and the caseload: a serial installed elsewhere, an absence that ends before
 * it starts) and shows what is wrong under the field, in Korean, storing
 * nothing until everything is right. Saved changes go to the outbox through
 * AnbuCasework; the result is a toast on the window.
 */
typedef enum
{
  ANBU_CASE_FORM_VISIT,           /* visit.create, with the next visit date */
  ANBU_CASE_FORM_CONTACT,         /* contact.create (phone, SMS, visit, 112, 119) */
  ANBU_CASE_FORM_ABSENCE,         /* absence.create */
  ANBU_CASE_FORM_INSTALL_PLUG,    /* plug.install (+ household.update of consent, threshold) */
  ANBU_CASE_FORM_REPLACE_PLUG,    /* plug.replace */
  ANBU_CASE_FORM_REMOVE_PLUG,     /* plug.remove */
  ANBU_CASE_FORM_EDIT_HOUSEHOLD,  /* household.update of the changed fields */
  ANBU_CASE_FORM_CLOSE_CASE,      /* household.close */
  ANBU_CASE_FORM_RESOLVE_ALERT,   /* alert.resolve */
  ANBU_CASE_FORM_REGISTER_HOUSEHOLD, /* household.create: a new household, offline */
  ANBU_CASE_FORM_EDIT_CONTACTS,   /* household.update of the phone and the people to call */
} AnbuCaseForm;

#define ANBU_TYPE_CASE_FORM_DIALOG (anbu_case_form_dialog_get_type ())
G_DECLARE_DERIVABLE_TYPE (AnbuCaseFormDialog, anbu_case_form_dialog, ANBU, CASE_FORM_DIALOG, AdwWindow)

/* The shared base of every form (fields, messages, the core rules, saving);
 * each form is a small subclass (anbu-visit-form.c, …) that says what it
 * shows and which changes it makes. A new form is a new subclass. */
struct _AnbuCaseFormDialogClass
{
  AdwWindowClass parent_class;

  const char *title;        /* N_(): the window title */
  const char *saved_toast;  /* NC_("toast", …): what the toast says once saved */

  /* Adds the form's fields for household @h (NULL for a new one) and its
   * installed @plug (or NULL); @today is the date in Seoul. */
  void         (*build_fields)  (AnbuCaseFormDialog *self,
                                 AnbuHousehold      *h,
                                 AnbuPlug           *plug,
                                 const GDate        *today);
  /* Queues the form's changes (anbu_case_form_dialog_queue_change) built
   * from @payload, a new object it takes; FALSE with messages under the
   * fields when something is wrong. @now: ISO time; @user_id may be NULL. */
  gboolean     (*build_changes) (AnbuCaseFormDialog *self,
                                 JsonObject         *payload,
                                 const char         *now,
                                 const char         *user_id);
  /* The 동 whose community centre the location picker opens at when no
   * location is typed: by default the household's. */
  const char  *(*get_dong_code) (AnbuCaseFormDialog *self);

  gpointer padding[4];
};

/* @alert_id: for CONTACT (optional) and RESOLVE_ALERT. @household_id is
 * NULL for REGISTER_HOUSEHOLD, which makes the new household's id.
 * Returns the subclass for @form. */
AnbuCaseFormDialog *anbu_case_form_dialog_new        (AnbuCasework  *casework,
                                                      AnbuCaseForm   form,
                                                      const char    *household_id,
                                                      const char    *alert_id);
AnbuCaseForm        anbu_case_form_dialog_get_form   (AnbuCaseFormDialog *self);
/* The household the form is about (for REGISTER_HOUSEHOLD, the new one's id). */
const char         *anbu_case_form_dialog_get_household_id (AnbuCaseFormDialog *self);
/* For tests and keyboard users alike: the input of a field by payload key
 * (an AdwEntryRow, AdwComboRow, GtkSwitch or GtkSpinButton). */
GtkWidget          *anbu_case_form_dialog_get_input  (AnbuCaseFormDialog *self,
                                                      const char         *key);
/* The message shown under a field, NULL when it has none. */
const char         *anbu_case_form_dialog_get_error  (AnbuCaseFormDialog *self,
                                                      const char         *key);
void                anbu_case_form_dialog_save       (AnbuCaseFormDialog *self);

/* Shows the form over @parent's window. */
void                anbu_case_form_present           (GtkWidget     *parent,
                                                      AnbuCasework  *casework,
                                                      AnbuCaseForm   form,
                                                      const char    *household_id,
                                                      const char    *alert_id);

G_END_DECLS
