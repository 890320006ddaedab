/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-conflict-row"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "anbu-conflict-row.h"

/* One field that the planner and someone else changed at the same time (DESIGN.md §5): both
 * values side by side, and the two ways out. */
struct _AnbuConflictRow
{
  GtkListBoxRow parent_instance;

  GtkLabel *title_label;
  GtkLabel *mine_caption;
  GtkLabel *mine_label;
  GtkLabel *theirs_caption;
  GtkLabel *theirs_label;
  GtkButton *keep_mine_button;
  GtkButton *take_theirs_button;
};

G_DEFINE_TYPE (AnbuConflictRow, anbu_conflict_row, GTK_TYPE_LIST_BOX_ROW)

enum
{
  PROP_0,
  PROP_TITLE,
  PROP_MINE,
  PROP_THEIRS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_RESOLVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_accessible_labels (AnbuConflictRow *self)
{
  const char *title = gtk_label_get_label (self->title_label);
  g_autofree char *keep = NULL;
  g_autofree char *take = NULL;

  /* Translators: %s names the conflicting field, for screen readers. */
  keep = g_strdup_printf (_("Keep my value of %s"), title);
  /* Translators: %s names the conflicting field, for screen readers. */
  take = g_strdup_printf (_("Take the server's value of %s"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->keep_mine_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, keep, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->take_theirs_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, take, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
}

static void
on_keep_mine_button_clicked (AnbuConflictRow *self)
{
  g_signal_emit (self, signals[SIGNAL_RESOLVE], 0, TRUE);
}

static void
on_take_theirs_button_clicked (AnbuConflictRow *self)
{
  g_signal_emit (self, signals[SIGNAL_RESOLVE], 0, FALSE);
}

static void
anbu_conflict_row_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AnbuConflictRow *self = ANBU_CONFLICT_ROW (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, gtk_label_get_label (self->title_label));
      break;
    case PROP_MINE:
      g_value_set_string (value, gtk_label_get_label (self->mine_label));
      break;
    case PROP_THEIRS:
      g_value_set_string (value, gtk_label_get_label (self->theirs_label));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_conflict_row_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AnbuConflictRow *self = ANBU_CONFLICT_ROW (object);
  const char *text = g_value_get_string (value);

  switch (prop_id)
    {
    case PROP_TITLE:
      gtk_label_set_label (self->title_label, text != NULL ? text : "");
      update_accessible_labels (self);
      break;
    case PROP_MINE:
      /* Translators: shown when a conflicting field was emptied. */
      gtk_label_set_label (self->mine_label, text != NULL && *text != '\0' ? text : _("(empty)"));
      break;
    case PROP_THEIRS:
      gtk_label_set_label (self->theirs_label, text != NULL && *text != '\0' ? text : _("(empty)"));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_conflict_row_class_init (AnbuConflictRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = anbu_conflict_row_get_property;
  object_class->set_property = anbu_conflict_row_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MINE] =
    g_param_spec_string ("mine", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_THEIRS] =
    g_param_spec_string ("theirs", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AnbuConflictRow::resolve:
   * @self: the row
   * @keep_mine: %TRUE to keep the planner's value, %FALSE to take the server's
   */
  signals[SIGNAL_RESOLVE] =
    g_signal_new ("resolve", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-conflict-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuConflictRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuConflictRow, mine_caption);
  gtk_widget_class_bind_template_child (widget_class, AnbuConflictRow, mine_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuConflictRow, theirs_caption);
  gtk_widget_class_bind_template_child (widget_class, AnbuConflictRow, theirs_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuConflictRow, keep_mine_button);
  gtk_widget_class_bind_template_child (widget_class, AnbuConflictRow, take_theirs_button);
  gtk_widget_class_bind_template_callback (widget_class, on_keep_mine_button_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_take_theirs_button_clicked);
}

static void
anbu_conflict_row_init (AnbuConflictRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->mine_label),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, self->mine_caption, NULL,
                                  -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->theirs_label),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, self->theirs_caption, NULL,
                                  -1);
}

/**
 * anbu_conflict_row_new:
 * @title: what conflicts, e.g. "김영희 · Phone"
 * @mine: (nullable): the planner's value
 * @theirs: (nullable): the value on the server
 *
 * Returns: a row that emits #AnbuConflictRow::resolve when the planner picks a side
 */
GtkWidget *
anbu_conflict_row_new (const char *title,
                       const char *mine,
                       const char *theirs)
{
  return g_object_new (ANBU_TYPE_CONFLICT_ROW,
                       "title", title,
                       "mine", mine,
                       "theirs", theirs,
                       NULL);
}
