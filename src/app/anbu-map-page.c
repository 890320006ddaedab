/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-map-page"

#include "config.h"

#include "anbu-accessibility.h"
#include "anbu-map-page.h"

#include <math.h>

/* The window's Map page: the households on the map (src/app/map), or the empty state while
 * there are none with a location. Tiles come from the "tile-address" setting, or from the
 * Anbu server itself when that is empty; a new address makes a new tile source. */
struct _AnbuMapPage
{
  AdwBin parent_instance;

  GtkStack *stack;
  AdwStatusPage *status_page;
  AnbuMapView *map_view;

  GSettings *settings;
  GListModel *model;

  AnbuCasework *casework;    /* when set, the model is made from its households */
  GListStore *points;
};

G_DEFINE_TYPE (AnbuMapPage, anbu_map_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_MODEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_visible_page (AnbuMapPage *self)
{
  gboolean has_points = self->model != NULL && g_list_model_get_n_items (self->model) > 0;

  gtk_stack_set_visible_child_name (self->stack, has_points ? "map" : "empty");
}

static void
update_tile_source (AnbuMapPage *self)
{
  g_autofree char *base_url = anbu_map_page_dup_tile_base_url (self);
  AnbuMapTileSource *current = anbu_map_view_get_tile_source (self->map_view);
  g_autoptr (AnbuMapTileSource) source = NULL;

  if (*base_url == '\0')
    return;
  if (current != NULL && g_strcmp0 (anbu_map_tile_source_get_base_url (current), base_url) == 0)
    return;

  source = anbu_map_tile_source_new (base_url, NULL);
  anbu_map_view_set_tile_source (self->map_view, source);
}

static void
on_items_changed (AnbuMapPage *self)
{
  update_visible_page (self);
}

static AnbuMapState
map_state (const AnbuHouseholdFacts *facts)
{
  switch (facts->alert_level)
    {
    case ANBU_ALERT_LEVEL_CRITICAL:
      return ANBU_MAP_STATE_CRITICAL;
    case ANBU_ALERT_LEVEL_RISK:
      return ANBU_MAP_STATE_RISK;
    case ANBU_ALERT_LEVEL_WATCH:
      return ANBU_MAP_STATE_WATCH;
    default:
      break;
    }
  if (facts->plug_offline)
    return ANBU_MAP_STATE_OFFLINE;
  if (facts->absent)
    return ANBU_MAP_STATE_ABSENT;
  return ANBU_MAP_STATE_NORMAL;
}

/* The households the list shows (its search and filters apply here too) that have a
 * location, as map points. */
static void
rebuild_points (AnbuMapPage *self)
{
  GListModel *index = G_LIST_MODEL (anbu_casework_get_index (self->casework));
  g_autoptr (GPtrArray) points = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 now = anbu_casework_get_now (self->casework);
  guint n = g_list_model_get_n_items (index);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (AnbuHouseholdSummary) summary = g_list_model_get_item (index, i);
      const AnbuHouseholdFacts *facts = anbu_household_summary_get_facts (summary);
      AnbuHousehold *household = anbu_casework_lookup_household (self->casework, facts->id);
      gint64 quiet_since = facts->quiet_since != 0 ? facts->quiet_since : facts->last_activity_at;
      double quiet_hours = -1;

      if (household == NULL || isnan (household->lat) || isnan (household->lon))
        continue;
      if (quiet_since != 0 && now > quiet_since)
        quiet_hours = (double) (now - quiet_since) / G_TIME_SPAN_HOUR;
      g_ptr_array_add (points, anbu_map_point_new (facts->id, facts->name, household->lat,
                                                   household->lon, map_state (facts),
                                                   quiet_hours));
    }

  g_list_store_splice (self->points, 0, g_list_model_get_n_items (G_LIST_MODEL (self->points)),
                       points->pdata, points->len);
}

static void
anbu_map_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AnbuMapPage *self = ANBU_MAP_PAGE (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_map_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AnbuMapPage *self = ANBU_MAP_PAGE (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      anbu_map_page_set_model (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_map_page_dispose (GObject *object)
{
  AnbuMapPage *self = ANBU_MAP_PAGE (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  if (self->casework != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->casework, self);
      g_signal_handlers_disconnect_by_data (anbu_casework_get_index (self->casework), self);
    }
  g_clear_object (&self->casework);
  g_clear_object (&self->points);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (anbu_map_page_parent_class)->dispose (object);
}

static void
anbu_map_page_class_init (AnbuMapPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = anbu_map_page_get_property;
  object_class->set_property = anbu_map_page_set_property;
  object_class->dispose = anbu_map_page_dispose;

  /**
   * AnbuMapPage:model:
   *
   * The households to show, a #GListModel of #AnbuMapPoint.
   */
  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ANBU_TYPE_MAP_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/anbu/Anbu/ui/anbu-map-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AnbuMapPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AnbuMapPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, AnbuMapPage, map_view);
}

static void
anbu_map_page_init (AnbuMapPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* libshumate's zoom buttons have tooltips but no accessible names. */
  anbu_accessibility_name_icon_buttons (GTK_WIDGET (self->map_view), NULL);

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::tile-address",
                           G_CALLBACK (update_tile_source), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::server-address",
                           G_CALLBACK (update_tile_source), self, G_CONNECT_SWAPPED);
  update_tile_source (self);
  update_visible_page (self);
}

GtkWidget *
anbu_map_page_new (void)
{
  return g_object_new (ANBU_TYPE_MAP_PAGE, NULL);
}

/**
 * anbu_map_page_get_model:
 *
 * Returns: (transfer none) (nullable): the households shown
 */
GListModel *
anbu_map_page_get_model (AnbuMapPage *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_PAGE (self), NULL);

  return self->model;
}

/**
 * anbu_map_page_set_model:
 * @self: the page
 * @model: (nullable): a #GListModel of #AnbuMapPoint
 *
 * Shows these households on the map; while the model is empty the page shows its empty state.
 */
void
anbu_map_page_set_model (AnbuMapPage *self,
                         GListModel  *model)
{
  g_return_if_fail (ANBU_IS_MAP_PAGE (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_set_object (&self->model, model);
  if (model != NULL)
    g_signal_connect_object (model, "items-changed", G_CALLBACK (on_items_changed), self,
                             G_CONNECT_SWAPPED);
  anbu_map_view_set_model (self->map_view, model);
  update_visible_page (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

/**
 * anbu_map_page_get_map_view:
 *
 * Returns: (transfer none): the map, for its "household-activated" signal and routes
 */
AnbuMapView *
anbu_map_page_get_map_view (AnbuMapPage *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_PAGE (self), NULL);

  return self->map_view;
}

/**
 * anbu_map_page_dup_tile_base_url:
 *
 * Returns: (transfer full): where the tiles come from: the "tile-address" setting, else the
 *   server address; empty when neither is set
 */
char *
anbu_map_page_dup_tile_base_url (AnbuMapPage *self)
{
  g_autofree char *tiles = NULL;

  g_return_val_if_fail (ANBU_IS_MAP_PAGE (self), NULL);

  tiles = g_settings_get_string (self->settings, "tile-address");
  if (*tiles != '\0')
    return g_steal_pointer (&tiles);
  return g_settings_get_string (self->settings, "server-address");
}

/**
 * anbu_map_page_set_casework:
 * @self: the page
 * @casework: the signed-in planner's caseload
 *
 * Shows the caseload's households that have a location, in the state of their most urgent
 * open signal (or plug offline, absent, normal), following the household list's search and
 * filters and every reload.
 */
void
anbu_map_page_set_casework (AnbuMapPage  *self,
                            AnbuCasework *casework)
{
  g_return_if_fail (ANBU_IS_MAP_PAGE (self));
  g_return_if_fail (ANBU_IS_CASEWORK (casework));

  if (self->casework == casework)
    return;

  if (self->casework != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->casework, self);
      g_signal_handlers_disconnect_by_data (anbu_casework_get_index (self->casework), self);
    }
  g_set_object (&self->casework, casework);
  g_signal_connect_object (casework, "changed", G_CALLBACK (rebuild_points), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (anbu_casework_get_index (casework), "items-changed",
                           G_CALLBACK (rebuild_points), self, G_CONNECT_SWAPPED);
  if (self->points == NULL)
    self->points = g_list_store_new (ANBU_TYPE_MAP_POINT);
  rebuild_points (self);
  anbu_map_page_set_model (self, G_LIST_MODEL (self->points));
}
