/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-caseload-admin-view"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "anbu-api-error.h"
#include "anbu-case-store.h"
#include "anbu-caseload-admin-view.h"
#include "anbu-kst.h"
#include "anbu-record-json.h"

#define MOVES_PATH "/api/v1/admin/caseload/moves"
#define ORPHANS_PATH "/api/v1/admin/caseload/orphans"

struct _AnbuCaseloadAdminView
{
  AdwBin parent_instance;

  AdwEntryRow  *target_row;
  AdwEntryRow  *from_row;
  AdwEntryRow  *to_row;
  AdwEntryRow  *effective_row;
  GtkLabel     *status_label;
  GtkListBox   *moves_list;
  GtkListBox   *orphans_list;

  AnbuCasework *casework;
  GCancellable *cancellable;
  guint         n_moves;
  guint         n_orphans;
  gboolean      busy;
};

G_DEFINE_TYPE (AnbuCaseloadAdminView, anbu_caseload_admin_view, ADW_TYPE_BIN)

static AnbuCaseStore *
admin_store (AnbuCaseloadAdminView *self)
{
  AnbuCaseStore *store = self->casework != NULL ? anbu_casework_get_store (self->casework) : NULL;

  return store != NULL && anbu_case_store_get_is_admin (store) ? store : NULL;
}

static void
update_actions (AnbuCaseloadAdminView *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "caseload.move",
                                 admin_store (self) != NULL && !self->busy);
}

static void
set_status (AnbuCaseloadAdminView *self,
            const char            *text)
{
  gtk_label_set_label (self->status_label, text);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
add_row (GtkListBox *list,
         const char *title,
         const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_list_box_append (list, row);
}

/* A server time ("…Z") as a Korean reader expects it, in KST. */
static char *
format_time (JsonObject *object,
             const char *member)
{
  const char *text = json_object_get_string_member_with_default (object, member, NULL);
  g_autoptr(GDateTime) moment = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return moment != NULL ? anbu_kst_format_date_time (moment) : g_strdup ("");
}

static JsonObject *
parse_answer (GBytes  *body,
              GError **error)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);

  return anbu_json_parse_object (data, (gssize) size, error);
}

static void
show_moves (AnbuCaseloadAdminView *self,
            JsonArray             *moves)
{
  clear_list (self->moves_list);
  self->n_moves = json_array_get_length (moves);
  /* Newest first: the history is read from the top. */
  for (guint i = self->n_moves; i-- > 0;)
    {
      JsonObject *move = json_array_get_object_element (moves, i);
      const char *target = json_object_get_string_member_with_default (move, "dong_code", NULL);
      g_autofree char *effective = format_time (move, "effective_at");
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;

      if (target != NULL)
        /* Translators: a 동 code, then the usernames of the old and the new planner. */
        title = g_strdup_printf (_("동 %s: %s → %s"), target,
                                 json_object_get_string_member_with_default (move, "from", ""),
                                 json_object_get_string_member_with_default (move, "to", ""));
      else
        /* Translators: a household id, then the usernames of the old and the new planner. */
        title = g_strdup_printf (_("Household %s: %s → %s"),
                                 json_object_get_string_member_with_default (move, "household_id", ""),
                                 json_object_get_string_member_with_default (move, "from", ""),
                                 json_object_get_string_member_with_default (move, "to", ""));
      if (json_object_has_member (move, "applied_at"))
        /* Translators: when it took effect, then who recorded it. */
        subtitle = g_strdup_printf (_("Effective %s · recorded by %s"), effective,
                                    json_object_get_string_member_with_default (move, "created_by", ""));
      else
        /* Translators: when it will take effect, then who recorded it. */
        subtitle = g_strdup_printf (_("Waiting until %s · recorded by %s"), effective,
                                    json_object_get_string_member_with_default (move, "created_by", ""));
      add_row (self->moves_list, title, subtitle);
    }
}

static void
show_orphans (AnbuCaseloadAdminView *self,
              JsonArray             *households)
{
  clear_list (self->orphans_list);
  self->n_orphans = json_array_get_length (households);
  for (guint i = 0; i < self->n_orphans; i++)
    {
      JsonObject *household = json_array_get_object_element (households, i);
      JsonArray *planners = json_object_get_array_member (household, "planners");
      g_autoptr(GString) names = g_string_new (NULL);
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;

      for (guint p = 0; planners != NULL && p < json_array_get_length (planners); p++)
        g_string_append_printf (names, "%s%s", p > 0 ? ", " : "", json_array_get_string_element (planners, p));
      /* Translators: a resident's name, then their 동 (name or code). */
      title = g_strdup_printf (_("%s (%s)"), json_object_get_string_member_with_default (household, "name", ""),
                               json_object_get_string_member_with_default (household, "dong_name",
                                 json_object_get_string_member_with_default (household, "dong_code", "")));
      if (names->len > 0)
        subtitle = g_strdup_printf (_("Planner disabled: %s"), names->str);
      else
        subtitle = g_strdup (_("No planner has this 동"));
      add_row (self->orphans_list, title, subtitle);
    }
}

static void
moves_fetched_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(AnbuCaseloadAdminView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = anbu_case_store_fetch_finish (ANBU_CASE_STORE (source), result, &error);
  g_autoptr(JsonObject) answer = body != NULL ? parse_answer (body, &error) : NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (answer == NULL || !json_object_has_member (answer, "moves"))
    {
      set_status (self, _("Could not read the moves from the server. Check the connection and try again."));
      return;
    }
  show_moves (self, json_object_get_array_member (answer, "moves"));
}

static void
orphans_fetched_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(AnbuCaseloadAdminView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = anbu_case_store_fetch_finish (ANBU_CASE_STORE (source), result, &error);
  g_autoptr(JsonObject) answer = body != NULL ? parse_answer (body, &error) : NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (answer == NULL || !json_object_has_member (answer, "households"))
    {
      set_status (self, _("Could not read the report from the server. Check the connection and try again."));
      return;
    }
  show_orphans (self, json_object_get_array_member (answer, "households"));
}

void
anbu_caseload_admin_view_refresh (AnbuCaseloadAdminView *self)
{
  AnbuCaseStore *store;

  g_return_if_fail (ANBU_IS_CASELOAD_ADMIN_VIEW (self));

  if ((store = admin_store (self)) == NULL)
    return;
  anbu_case_store_fetch_async (store, MOVES_PATH, self->cancellable, moves_fetched_cb, g_object_ref (self));
  anbu_case_store_fetch_async (store, ORPHANS_PATH, self->cancellable, orphans_fetched_cb, g_object_ref (self));
}

/* "2026-12-07 09:00" in Seoul, as ISO 8601 with its offset; NULL when it is not such a time. */
static char *
parse_effective (const char *text)
{
  int year, month, day, hour, minute;
  char end;
  g_autoptr(GDateTime) moment = NULL;

  if (sscanf (text, "%4d-%2d-%2d %2d:%2d%c", &year, &month, &day, &hour, &minute, &end) != 5
      || !g_date_valid_dmy (day, month, year) || hour > 23 || minute > 59 || hour < 0 || minute < 0)
    return NULL;
  moment = anbu_kst_new (year, month, day, hour, minute, 0);
  return moment != NULL ? g_date_time_format_iso8601 (moment) : NULL;
}

static void
move_sent_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(AnbuCaseloadAdminView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = anbu_case_store_fetch_finish (ANBU_CASE_STORE (source), result, &error);
  g_autoptr(JsonObject) move = body != NULL ? parse_answer (body, &error) : NULL;
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  update_actions (self);
  if (move == NULL && error != NULL && error->domain == ANBU_API_ERROR)
    /* The server's own sentence, in the server's language, says what to fix. */
    text = g_strdup_printf (_("The move was refused: %s"), error->message);
  else if (move == NULL)
    text = g_strdup (_("The server could not be reached; moves need a connection. Try again later."));
  else if (json_object_has_member (move, "applied_at"))
    text = g_strdup (_("Moved. The planners' apps follow on their next sync."));
  else
    {
      g_autofree char *when = format_time (move, "effective_at");

      text = g_strdup_printf (_("Recorded. It takes effect at %s."), when);
    }
  set_status (self, text);
  anbu_caseload_admin_view_refresh (self);
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AnbuCaseloadAdminView *self = ANBU_CASELOAD_ADMIN_VIEW (widget);
  g_autofree char *target = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->target_row))));
  g_autofree char *from = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->from_row))));
  g_autofree char *to = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->to_row))));
  g_autofree char *effective_text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->effective_row))));
  g_autofree char *effective = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  AnbuCaseStore *store = admin_store (self);

  if (store == NULL)
    return;
  if (*target == '\0' || *from == '\0' || *to == '\0')
    {
      set_status (self, _("Enter the 동 code or household id, the planner now and the new planner."));
      return;
    }
  if (*effective_text != '\0' && (effective = parse_effective (effective_text)) == NULL)
    {
      set_status (self, _("Enter the time as 2026-12-07 09:00, or leave it empty for now."));
      return;
    }
  json_builder_begin_object (builder);
  /* Ten digits name a 동; anything else is taken as a household id. */
  json_builder_set_member_name (builder, strlen (target) == 10 && strspn (target, "0123456789") == 10
                                         ? "dong_code" : "household_id");
  json_builder_add_string_value (builder, target);
  json_builder_set_member_name (builder, "from");
  json_builder_add_string_value (builder, from);
  json_builder_set_member_name (builder, "to");
  json_builder_add_string_value (builder, to);
  if (effective != NULL)
    {
      json_builder_set_member_name (builder, "effective_at");
      json_builder_add_string_value (builder, effective);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);

  self->busy = TRUE;
  update_actions (self);
  set_status (self, _("Sending the move…"));
  anbu_case_store_send_async (store, "POST", MOVES_PATH, body, self->cancellable, move_sent_cb,
                              g_object_ref (self));
}

static void
apply_casework (AnbuCaseloadAdminView *self,
                AnbuCasework          *casework)
{
  if (self->casework == casework)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->casework, casework);
  self->busy = FALSE;
  self->n_moves = self->n_orphans = 0;
  clear_list (self->moves_list);
  clear_list (self->orphans_list);
  set_status (self, "");
  update_actions (self);
  anbu_caseload_admin_view_refresh (self);
}

static void
anbu_caseload_admin_view_dispose (GObject *object)
{
  AnbuCaseloadAdminView *self = ANBU_CASELOAD_ADMIN_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->casework);
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ANBU_TYPE_CASELOAD_ADMIN_VIEW);
  G_OBJECT_CLASS (anbu_caseload_admin_view_parent_class)->dispose (object);
}

static void
anbu_caseload_admin_view_class_init (AnbuCaseloadAdminViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = anbu_caseload_admin_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-caseload-admin-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuCaseloadAdminView, target_row);
  gtk_widget_class_bind_template_child (widget_class, AnbuCaseloadAdminView, from_row);
  gtk_widget_class_bind_template_child (widget_class, AnbuCaseloadAdminView, to_row);
  gtk_widget_class_bind_template_child (widget_class, AnbuCaseloadAdminView, effective_row);
  gtk_widget_class_bind_template_child (widget_class, AnbuCaseloadAdminView, status_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuCaseloadAdminView, moves_list);
  gtk_widget_class_bind_template_child (widget_class, AnbuCaseloadAdminView, orphans_list);
  gtk_widget_class_install_action (widget_class, "caseload.move", NULL, move_action);
}

static void
anbu_caseload_admin_view_init (AnbuCaseloadAdminView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_list_box_set_placeholder (self->moves_list, gtk_label_new (_("No moves yet")));
  gtk_list_box_set_placeholder (self->orphans_list, gtk_label_new (_("Every household has an active planner")));
  update_actions (self);
}

GtkWidget *
anbu_caseload_admin_view_new (void)
{
  return g_object_new (ANBU_TYPE_CASELOAD_ADMIN_VIEW, NULL);
}

void
anbu_caseload_admin_view_set_context (AnbuCaseloadAdminView *self,
                                      AnbuContext           *context)
{
  g_return_if_fail (ANBU_IS_CASELOAD_ADMIN_VIEW (self));
  g_return_if_fail (ANBU_IS_CONTEXT (context));

  anbu_context_follow_casework (context, G_OBJECT (self), (AnbuCaseworkApply) apply_casework);
}

guint
anbu_caseload_admin_view_get_n_moves (AnbuCaseloadAdminView *self)
{
  g_return_val_if_fail (ANBU_IS_CASELOAD_ADMIN_VIEW (self), 0);
  return self->n_moves;
}

guint
anbu_caseload_admin_view_get_n_orphans (AnbuCaseloadAdminView *self)
{
  g_return_val_if_fail (ANBU_IS_CASELOAD_ADMIN_VIEW (self), 0);
  return self->n_orphans;
}

const char *
anbu_caseload_admin_view_get_status (AnbuCaseloadAdminView *self)
{
  g_return_val_if_fail (ANBU_IS_CASELOAD_ADMIN_VIEW (self), NULL);
  return gtk_label_get_label (self->status_label);
}
