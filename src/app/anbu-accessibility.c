/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-accessibility"

#include "config.h"

#include "anbu-accessibility.h"

/* Some library widgets of GTK 4.8 and libadwaita 1.2 carry icon-only buttons without an
 * accessible name (the password row's show/hide button, the shortcuts window's search
 * button): a screen reader would announce a bare "button". These helpers name them. */

static void
copy_tooltip_to_label (GtkWidget *button)
{
  const char *tooltip = gtk_widget_get_tooltip_text (button);

  if (tooltip != NULL && *tooltip != '\0')
    gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
}

static gboolean
has_visible_text (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && *gtk_label_get_text (GTK_LABEL (child)) != '\0')
        return TRUE;
      if (has_visible_text (child))
        return TRUE;
    }
  return FALSE;
}

/**
 * anbu_accessibility_name_icon_buttons:
 * @root: the widget whose descendants to name
 * @fallback: (nullable): the name for a button that has no tooltip either
 *
 * Gives every button under @root that shows no text an accessible name: its tooltip (kept in
 * step when the tooltip changes), or else @fallback.
 */
void
anbu_accessibility_name_icon_buttons (GtkWidget  *root,
                                      const char *fallback)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child) && !has_visible_text (child))
        {
          const char *tooltip = gtk_widget_get_tooltip_text (child);

          if (tooltip != NULL && *tooltip != '\0')
            {
              copy_tooltip_to_label (child);
              g_signal_connect (child, "notify::tooltip-text",
                                G_CALLBACK (copy_tooltip_to_label), NULL);
            }
          else if (fallback != NULL)
            gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                            GTK_ACCESSIBLE_PROPERTY_LABEL, fallback, -1);
          continue;
        }
      anbu_accessibility_name_icon_buttons (child, fallback);
    }
}
