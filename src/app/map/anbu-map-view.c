/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-map"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "anbu-frame-memory.h"
#include "anbu-map-raster-source.h"
#include "anbu-map-view.h"

#define MAX_CLICK_ZOOM 18.0

struct _AnbuMapView
{
  GtkWidget           parent_instance;

  GtkWidget          *overlay;
  ShumateSimpleMap   *map;
  AnbuMapStatusLayer *status_layer;
  AnbuMapRouteLayer  *route_layer;
  GtkWidget          *legend;
  AnbuMapTileSource  *tile_source;
  ShumateMapSource   *map_source;
  gboolean            layers_added;

  GtkWidget          *popover;
  GtkWidget          *popover_name;
  GtkWidget          *popover_state_icon;
  GtkWidget          *popover_state;
  GtkWidget          *popover_quiet;
  char               *popover_id;

  gboolean            picking_location;
  ShumateMarkerLayer *pin_layer;
  ShumateMarker      *pin;
  gboolean            has_pin;
  double              drag_pin_x;   /* where the pin's tip was when a drag took it, */
  double              drag_pin_y;   /* in the view's coordinates */

  gboolean            fit_pending;  /* an area to show once the view has a size */
  double              fit_area[4];  /* south, west, north, east */
  double              fit_margin;
  double              fit_max_zoom;
  guint               fit_idle;
};

G_DEFINE_TYPE (AnbuMapView, anbu_map_view, GTK_TYPE_WIDGET)

G_DEFINE_QUARK (anbu-map-view-error-quark, anbu_map_view_error)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_SELECTED_ID,
  PROP_TILE_SOURCE,
  PROP_PICKING_LOCATION,
  N_PROPS
};

enum {
  HOUSEHOLD_ACTIVATED,
  LOCATION_PICKED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- Legend -------------------------------------------------------------- */

static GtkWidget *
legend_row (GtkWidget  *icon,
            const char *text)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (row), icon);
  gtk_box_append (GTK_BOX (row), label);
  return row;
}

static GtkWidget *
build_legend (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (_("Households"));
  GtkWidget *cluster;
  static const AnbuMapState order[] = {
    ANBU_MAP_STATE_CRITICAL, ANBU_MAP_STATE_RISK, ANBU_MAP_STATE_WATCH,
    ANBU_MAP_STATE_OFFLINE, ANBU_MAP_STATE_ABSENT, ANBU_MAP_STATE_NORMAL,
  };

  gtk_widget_add_css_class (box, "osd");
  gtk_widget_set_halign (box, GTK_ALIGN_START);
  gtk_widget_set_valign (box, GTK_ALIGN_START);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_can_target (box, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Map legend"), -1);

  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_margin_start (title, 8);
  gtk_widget_set_margin_end (title, 8);
  gtk_widget_set_margin_top (title, 6);
  gtk_box_append (GTK_BOX (box), title);

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      g_autoptr(GdkTexture) texture = anbu_map_status_layer_create_state_icon (order[i], 2);
      GtkWidget *image = gtk_image_new_from_paintable (GDK_PAINTABLE (texture));
      GtkWidget *row;

      gtk_image_set_pixel_size (GTK_IMAGE (image), 20);
      row = legend_row (image, anbu_map_state_get_label (order[i]));
      gtk_widget_set_margin_start (row, 8);
      gtk_widget_set_margin_end (row, 8);
      gtk_box_append (GTK_BOX (box), row);
    }

  /* Translators: legend entry for a circle with a number on the map */
  cluster = legend_row (gtk_label_new ("12"), _("Group of households (zoom in)"));
  gtk_widget_add_css_class (gtk_widget_get_first_child (cluster), "heading");
  gtk_widget_set_margin_start (cluster, 8);
  gtk_widget_set_margin_end (cluster, 8);
  gtk_widget_set_margin_bottom (cluster, 6);
  gtk_box_append (GTK_BOX (box), cluster);
  return box;
}

/* ---- Popover ------------------------------------------------------------- */

static void
on_popover_button_clicked (AnbuMapView *self)
{
  g_autofree char *id = g_strdup (self->popover_id);

  gtk_popover_popdown (GTK_POPOVER (self->popover));
  if (id != NULL)
    g_signal_emit (self, signals[HOUSEHOLD_ACTIVATED], 0, id);
}

static void
build_popover (AnbuMapView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *state_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Open Household"));

  self->popover = gtk_popover_new ();
  gtk_widget_set_parent (self->popover, GTK_WIDGET (self));
  gtk_popover_set_position (GTK_POPOVER (self->popover), GTK_POS_TOP);

  self->popover_name = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->popover_name, "heading");
  gtk_label_set_xalign (GTK_LABEL (self->popover_name), 0);
  self->popover_state_icon = gtk_image_new ();
  gtk_image_set_pixel_size (GTK_IMAGE (self->popover_state_icon), 20);
  self->popover_state = gtk_label_new (NULL);
  self->popover_quiet = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->popover_quiet), 0);
  gtk_widget_add_css_class (self->popover_quiet, "dim-label");

  gtk_box_append (GTK_BOX (state_row), self->popover_state_icon);
  gtk_box_append (GTK_BOX (state_row), self->popover_state);
  gtk_box_append (GTK_BOX (box), self->popover_name);
  gtk_box_append (GTK_BOX (box), state_row);
  gtk_box_append (GTK_BOX (box), self->popover_quiet);
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_set_margin_top (button, 6);
  gtk_box_append (GTK_BOX (box), button);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_popover_button_clicked), self,
                           G_CONNECT_SWAPPED);
  gtk_popover_set_child (GTK_POPOVER (self->popover), box);
  gtk_popover_set_default_widget (GTK_POPOVER (self->popover), button);
}

static char *
describe_quiet_hours (double hours)
{
  int whole;

  if (hours < 0 || !isfinite (hours))
    return g_strdup (_("No activity recorded yet"));
  if (hours < 1)
    return g_strdup (_("Active within the last hour"));
  whole = (int) floor (hours);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Quiet for %d hour", "Quiet for %d hours",
                                       whole), whole);
}

static void
show_household_popover (AnbuMapView  *self,
                        AnbuMapPoint *point,
                        double        x,
                        double        y)
{
  g_autoptr(GdkTexture) icon =
    anbu_map_status_layer_create_state_icon (anbu_map_point_get_state (point),
                                             gtk_widget_get_scale_factor (GTK_WIDGET (self)));
  g_autofree char *quiet = describe_quiet_hours (anbu_map_point_get_quiet_hours (point));
  GdkRectangle target = { (int) x - 10, (int) y - 10, 20, 20 };

  g_free (self->popover_id);
  self->popover_id = g_strdup (anbu_map_point_get_id (point));
  gtk_label_set_text (GTK_LABEL (self->popover_name), anbu_map_point_get_name (point));
  gtk_image_set_from_paintable (GTK_IMAGE (self->popover_state_icon), GDK_PAINTABLE (icon));
  gtk_label_set_text (GTK_LABEL (self->popover_state),
                      anbu_map_state_get_label (anbu_map_point_get_state (point)));
  gtk_label_set_text (GTK_LABEL (self->popover_quiet), quiet);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->popover), &target);
  gtk_popover_popup (GTK_POPOVER (self->popover));
}

/* ---- Location pin -------------------------------------------------------- */

#define PIN_HEIGHT 36.0
#define PIN_GRAB_HALF_WIDTH 16.0
#define PIN_KEY_STEP 8.0

/* A map pin whose tip is the bottom centre of a 28 × 36 area. */
static void
draw_pin (GtkDrawingArea *area,
          cairo_t        *cr,
          int             width,
          int             height,
          gpointer        user_data)
{
  double cx = width / 2.0, r = 11;

  cairo_move_to (cr, cx, height - 1);
  cairo_arc (cr, cx, r + 2, r, G_PI * 0.75, G_PI * 2.25);
  cairo_close_path (cr);
  cairo_set_source_rgb (cr, 0.10, 0.37, 0.71);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_width (cr, 2);
  cairo_stroke (cr);
  cairo_arc (cr, cx, r + 2, 4, 0, 2 * G_PI);
  cairo_fill (cr);
}

static void
build_pin (AnbuMapView *self)
{
  GtkWidget *area = gtk_drawing_area_new ();

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (area), 28);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), 36);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_pin, NULL, NULL);
  /* The pin is 36 px tall with its tip at the bottom: lift it by half its height. */
  gtk_widget_set_margin_bottom (area, 36);
  gtk_widget_set_can_target (area, FALSE);

  self->pin_layer = g_object_ref_sink (
    shumate_marker_layer_new (shumate_simple_map_get_viewport (self->map)));
  gtk_widget_set_can_target (GTK_WIDGET (self->pin_layer), FALSE);
  self->pin = g_object_ref_sink (shumate_marker_new ());
  shumate_marker_set_child (self->pin, area);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Chosen location"), -1);
}

static void
place_pin (AnbuMapView *self,
           double       latitude,
           double       longitude)
{
  shumate_location_set_location (SHUMATE_LOCATION (self->pin), latitude, longitude);
  if (!self->has_pin)
    shumate_marker_layer_add_marker (self->pin_layer, self->pin);
  self->has_pin = TRUE;
}

/* Where the pin's tip is, in the view's coordinates. */
static gboolean
pin_tip (AnbuMapView *self,
         double      *x,
         double      *y)
{
  double lx, ly;

  if (!self->has_pin)
    return FALSE;
  shumate_viewport_location_to_widget_coords (shumate_simple_map_get_viewport (self->map),
                                              GTK_WIDGET (self->status_layer),
                                              shumate_location_get_latitude (SHUMATE_LOCATION (self->pin)),
                                              shumate_location_get_longitude (SHUMATE_LOCATION (self->pin)),
                                              &lx, &ly);
  return gtk_widget_translate_coordinates (GTK_WIDGET (self->status_layer), GTK_WIDGET (self),
                                           lx, ly, x, y);
}

/* Puts the pin's tip at (x, y) of the view. */
static void
move_pin_to (AnbuMapView *self,
             double       x,
             double       y)
{
  double lx, ly, latitude, longitude;

  if (!gtk_widget_translate_coordinates (GTK_WIDGET (self), GTK_WIDGET (self->status_layer),
                                         x, y, &lx, &ly))
    return;
  shumate_viewport_widget_coords_to_location (shumate_simple_map_get_viewport (self->map),
                                              GTK_WIDGET (self->status_layer), lx, ly,
                                              &latitude, &longitude);
  place_pin (self, latitude, longitude);
}

static void
emit_pin_location (AnbuMapView *self)
{
  g_signal_emit (self, signals[LOCATION_PICKED], 0,
                 shumate_location_get_latitude (SHUMATE_LOCATION (self->pin)),
                 shumate_location_get_longitude (SHUMATE_LOCATION (self->pin)));
}

/* A press on the pin (its head or tip) while picking drags the pin instead
 * of panning the map. */
static void
on_pin_drag_begin (GtkGestureDrag *gesture,
                   double          x,
                   double          y,
                   AnbuMapView    *self)
{
  double tx, ty;

  if (!self->picking_location || !pin_tip (self, &tx, &ty)
      || x < tx - PIN_GRAB_HALF_WIDTH || x > tx + PIN_GRAB_HALF_WIDTH
      || y < ty - PIN_HEIGHT - 4 || y > ty + 6)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  self->drag_pin_x = tx;
  self->drag_pin_y = ty;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_pin_drag_update (GtkGestureDrag *gesture,
                    double          offset_x,
                    double          offset_y,
                    AnbuMapView    *self)
{
  move_pin_to (self, self->drag_pin_x + offset_x, self->drag_pin_y + offset_y);
}

static void
on_pin_drag_end (GtkGestureDrag *gesture,
                 double          offset_x,
                 double          offset_y,
                 AnbuMapView    *self)
{
  move_pin_to (self, self->drag_pin_x + offset_x, self->drag_pin_y + offset_y);
  emit_pin_location (self);
}

/* Arrow keys move the pin while picking (Shift: one pixel at a time), for
 * planners who do not use a mouse. */
static gboolean
on_pin_key_pressed (GtkEventControllerKey *controller,
                    guint                  keyval,
                    guint                  keycode,
                    GdkModifierType        state,
                    AnbuMapView           *self)
{
  double step = (state & GDK_SHIFT_MASK) ? 1 : PIN_KEY_STEP;
  double dx = 0, dy = 0;

  if (!self->picking_location || !self->has_pin)
    return GDK_EVENT_PROPAGATE;
  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      dx = -step;
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      dx = step;
      break;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      dy = -step;
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      dy = step;
      break;
    default:
      return GDK_EVENT_PROPAGATE;
    }
  anbu_map_view_move_picked_location (self, dx, dy);
  return GDK_EVENT_STOP;
}

/* ---- Input --------------------------------------------------------------- */

/* libshumate's layers are not pick targets (a click lands on the ShumateMap),
 * so the view watches clicks in the capture phase and claims only those that
 * hit a household or a cluster; everything else (panning, double-click zoom,
 * the zoom buttons, the legend) goes on as if the view were not there. */
static void
on_click_released (GtkGestureClick *gesture,
                   int              n_press,
                   double           x,
                   double           y,
                   AnbuMapView     *self)
{
  GtkWidget *map = GTK_WIDGET (shumate_simple_map_get_map (self->map));
  GtkWidget *target;

  if (n_press != 1)
    return;
  target = gtk_widget_pick (GTK_WIDGET (self), x, y, GTK_PICK_DEFAULT);
  if (target == NULL || (target != map && !gtk_widget_is_ancestor (target, map)))
    return;
  if (anbu_map_view_activate_at (self, x, y))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_status_layer_selected (AnbuMapView *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ID]);
}

/* ---- Fitting an area ----------------------------------------------------- */

/* Web Mercator: x and y of the whole world in 0..1. */
static double
mercator_y (double latitude)
{
  double phi = CLAMP (latitude, -85.0511, 85.0511) * G_PI / 180.0;

  return (1.0 - log (tan (phi) + 1.0 / cos (phi)) / G_PI) / 2.0;
}

static double
mercator_latitude (double y)
{
  return atan (sinh (G_PI * (1.0 - 2.0 * y))) * 180.0 / G_PI;
}

static gboolean
apply_fit (AnbuMapView *self)
{
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->map);
  ShumateMapSource *source = shumate_viewport_get_reference_map_source (viewport);
  int width = gtk_widget_get_width (GTK_WIDGET (self->map));
  int height = gtk_widget_get_height (GTK_WIDGET (self->map));
  double tile_size = source != NULL ? shumate_map_source_get_tile_size (source) : 256.0;
  double south = self->fit_area[0], west = self->fit_area[1];
  double north = self->fit_area[2], east = self->fit_area[3];
  double top = mercator_y (north), bottom = mercator_y (south);
  double dx = (east - west) / 360.0;
  double dy = bottom - top;
  double usable_w, usable_h, zoom;

  if (width <= 0 || height <= 0)
    return FALSE;
  usable_w = MAX (width - 2 * self->fit_margin, 1.0);
  usable_h = MAX (height - 2 * self->fit_margin, 1.0);
  zoom = self->fit_max_zoom;
  if (dx > 0)
    zoom = MIN (zoom, log2 (usable_w / (dx * tile_size)));
  if (dy > 0)
    zoom = MIN (zoom, log2 (usable_h / (dy * tile_size)));
  /* No closer than the tiles go: past their last level the map would be blank. */
  if (source != NULL)
    zoom = MIN (zoom, shumate_map_source_get_max_zoom_level (source));
  zoom = CLAMP (zoom, shumate_viewport_get_min_zoom_level (viewport),
                shumate_viewport_get_max_zoom_level (viewport));

  self->fit_pending = FALSE;
  shumate_map_stop_go_to (shumate_simple_map_get_map (self->map));
  anbu_map_view_center_on (self, mercator_latitude ((top + bottom) / 2.0), (west + east) / 2.0,
                           zoom);
  return TRUE;
}

static gboolean
apply_fit_idle (gpointer data)
{
  AnbuMapView *self = data;

  self->fit_idle = 0;
  if (self->fit_pending)
    apply_fit (self);
  return G_SOURCE_REMOVE;
}

void
anbu_map_view_fit_area (AnbuMapView *self,
                        double       south,
                        double       west,
                        double       north,
                        double       east,
                        double       margin,
                        double       max_zoom)
{
  g_return_if_fail (ANBU_IS_MAP_VIEW (self));
  g_return_if_fail (south <= north && west <= east);

  self->fit_area[0] = south;
  self->fit_area[1] = west;
  self->fit_area[2] = north;
  self->fit_area[3] = east;
  self->fit_margin = MAX (margin, 0.0);
  self->fit_max_zoom = max_zoom;
  self->fit_pending = TRUE;
  if (!apply_fit (self))
    gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* ---- Widget -------------------------------------------------------------- */

static void
anbu_map_view_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  AnbuMapView *self = ANBU_MAP_VIEW (widget);

  gtk_widget_measure (self->overlay, orientation, for_size, minimum, natural,
                      minimum_baseline, natural_baseline);
}

static void
anbu_map_view_realize (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (anbu_map_view_parent_class)->realize (widget);
  /* Panning repaints the whole window every frame. */
  anbu_frame_memory_keep_window_buffers (widget);
}

static void
anbu_map_view_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  AnbuMapView *self = ANBU_MAP_VIEW (widget);

  gtk_widget_allocate (self->overlay, width, height, baseline, NULL);
  gtk_popover_present (GTK_POPOVER (self->popover));
  /* The viewport is not moved from inside an allocation. */
  if (self->fit_pending && width > 0 && height > 0 && self->fit_idle == 0)
    self->fit_idle = g_idle_add (apply_fit_idle, self);
}

static void
anbu_map_view_dispose (GObject *object)
{
  AnbuMapView *self = ANBU_MAP_VIEW (object);

  g_clear_handle_id (&self->fit_idle, g_source_remove);

  g_clear_pointer (&self->popover, gtk_widget_unparent);
  g_clear_pointer (&self->overlay, gtk_widget_unparent);
  /* libshumate does not cancel the tiles a closed map was waiting for. */
  if (self->tile_source != NULL)
    anbu_map_tile_source_cancel_tiles (self->tile_source);
  g_clear_object (&self->tile_source);
  g_clear_object (&self->map_source);
  g_clear_object (&self->status_layer);
  g_clear_object (&self->route_layer);
  g_clear_object (&self->pin);
  g_clear_object (&self->pin_layer);

  G_OBJECT_CLASS (anbu_map_view_parent_class)->dispose (object);
}

static void
anbu_map_view_finalize (GObject *object)
{
  AnbuMapView *self = ANBU_MAP_VIEW (object);

  g_free (self->popover_id);

  G_OBJECT_CLASS (anbu_map_view_parent_class)->finalize (object);
}

static void
anbu_map_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AnbuMapView *self = ANBU_MAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, anbu_map_view_get_model (self));
      break;
    case PROP_SELECTED_ID:
      g_value_set_string (value, anbu_map_view_get_selected_id (self));
      break;
    case PROP_TILE_SOURCE:
      g_value_set_object (value, self->tile_source);
      break;
    case PROP_PICKING_LOCATION:
      g_value_set_boolean (value, self->picking_location);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_map_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AnbuMapView *self = ANBU_MAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      anbu_map_view_set_model (self, g_value_get_object (value));
      break;
    case PROP_SELECTED_ID:
      anbu_map_view_set_selected_id (self, g_value_get_string (value));
      break;
    case PROP_TILE_SOURCE:
      anbu_map_view_set_tile_source (self, g_value_get_object (value));
      break;
    case PROP_PICKING_LOCATION:
      anbu_map_view_set_picking_location (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_map_view_class_init (AnbuMapViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = anbu_map_view_dispose;
  object_class->finalize = anbu_map_view_finalize;
  object_class->get_property = anbu_map_view_get_property;
  object_class->set_property = anbu_map_view_set_property;

  widget_class->realize = anbu_map_view_realize;
  widget_class->measure = anbu_map_view_measure;
  widget_class->size_allocate = anbu_map_view_size_allocate;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_ID] =
    g_param_spec_string ("selected-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TILE_SOURCE] =
    g_param_spec_object ("tile-source", NULL, NULL, ANBU_TYPE_MAP_TILE_SOURCE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PICKING_LOCATION] =
    g_param_spec_boolean ("picking-location", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[LOCATION_PICKED] =
    g_signal_new ("location-picked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  signals[HOUSEHOLD_ACTIVATED] =
    g_signal_new ("household-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_css_name (widget_class, "anbu-map-view");
}

static void
anbu_map_view_init (AnbuMapView *self)
{
  ShumateViewport *viewport;
  GtkGesture *click;
  GtkGesture *drag;
  GtkEventController *keys;

  self->overlay = gtk_overlay_new ();
  gtk_widget_set_parent (self->overlay, GTK_WIDGET (self));

  self->map = shumate_simple_map_new ();
  gtk_widget_set_hexpand (GTK_WIDGET (self->map), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->map), TRUE);
  gtk_overlay_set_child (GTK_OVERLAY (self->overlay), GTK_WIDGET (self->map));
  viewport = shumate_simple_map_get_viewport (self->map);
  shumate_viewport_set_min_zoom_level (viewport, 5);
  shumate_viewport_set_max_zoom_level (viewport, 19);

  self->status_layer = g_object_ref_sink (anbu_map_status_layer_new (viewport));
  self->route_layer = g_object_ref_sink (anbu_map_route_layer_new (viewport));
  g_signal_connect_object (self->status_layer, "notify::selected-id",
                           G_CALLBACK (on_status_layer_selected), self, G_CONNECT_SWAPPED);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect_object (click, "released", G_CALLBACK (on_click_released), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (drag), GTK_PHASE_CAPTURE);
  g_signal_connect_object (drag, "drag-begin", G_CALLBACK (on_pin_drag_begin), self, 0);
  g_signal_connect_object (drag, "drag-update", G_CALLBACK (on_pin_drag_update), self, 0);
  g_signal_connect_object (drag, "drag-end", G_CALLBACK (on_pin_drag_end), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (on_pin_key_pressed), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  build_pin (self);
  self->legend = build_legend ();
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), self->legend);
  build_popover (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Map of households"), -1);
}

/* ---- Public API ---------------------------------------------------------- */

AnbuMapView *
anbu_map_view_new (void)
{
  return g_object_new (ANBU_TYPE_MAP_VIEW, NULL);
}

AnbuMapTileSource *
anbu_map_view_get_tile_source (AnbuMapView *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_VIEW (self), NULL);
  return self->tile_source;
}

void
anbu_map_view_set_tile_source (AnbuMapView       *self,
                               AnbuMapTileSource *source)
{
  g_autoptr(ShumateMapSource) map_source = NULL;

  g_return_if_fail (ANBU_IS_MAP_VIEW (self));
  g_return_if_fail (source == NULL || ANBU_IS_MAP_TILE_SOURCE (source));

  if (self->tile_source == source || source == NULL)
    return;
  /* The old source's tiles will not be drawn any more. */
  if (self->tile_source != NULL)
    anbu_map_tile_source_cancel_tiles (self->tile_source);
  g_set_object (&self->tile_source, source);

  /* Layers go on top of the tiles only when added after the map source
   * (STACK-NOTES.md): take them off while the source changes. */
  if (self->layers_added)
    {
      shumate_simple_map_remove_overlay_layer (self->map, SHUMATE_LAYER (self->status_layer));
      shumate_simple_map_remove_overlay_layer (self->map, SHUMATE_LAYER (self->route_layer));
      shumate_simple_map_remove_overlay_layer (self->map, SHUMATE_LAYER (self->pin_layer));
    }
  map_source = anbu_map_tile_source_create_map_source (source);
  /* Tiles on whole pixels, where the markers are. */
  anbu_map_raster_source_set_pixel_grid (ANBU_MAP_RASTER_SOURCE (map_source),
                                         shumate_simple_map_get_viewport (self->map),
                                         GTK_WIDGET (shumate_simple_map_get_map (self->map)));
  shumate_simple_map_set_map_source (self->map, map_source);
  g_set_object (&self->map_source, map_source);
  /* The route goes on top so its numbered stops stay readable over the
   * households; it takes no clicks, which reach the status layer below. */
  shumate_simple_map_add_overlay_layer (self->map, SHUMATE_LAYER (self->status_layer));
  shumate_simple_map_add_overlay_layer (self->map, SHUMATE_LAYER (self->route_layer));
  shumate_simple_map_add_overlay_layer (self->map, SHUMATE_LAYER (self->pin_layer));
  self->layers_added = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TILE_SOURCE]);
}

GListModel *
anbu_map_view_get_model (AnbuMapView *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_VIEW (self), NULL);
  return anbu_map_status_layer_get_model (self->status_layer);
}

void
anbu_map_view_set_model (AnbuMapView *self,
                         GListModel  *model)
{
  g_return_if_fail (ANBU_IS_MAP_VIEW (self));
  if (anbu_map_status_layer_get_model (self->status_layer) == model)
    return;
  anbu_map_status_layer_set_model (self->status_layer, model);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

const char *
anbu_map_view_get_selected_id (AnbuMapView *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_VIEW (self), NULL);
  return anbu_map_status_layer_get_selected_id (self->status_layer);
}

void
anbu_map_view_set_selected_id (AnbuMapView *self,
                               const char  *id)
{
  g_return_if_fail (ANBU_IS_MAP_VIEW (self));
  /* The layer notifies, and so do we through on_status_layer_selected(). */
  anbu_map_status_layer_set_selected_id (self->status_layer, id);
}

ShumateSimpleMap *
anbu_map_view_get_map (AnbuMapView *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_VIEW (self), NULL);
  return self->map;
}

ShumateViewport *
anbu_map_view_get_viewport (AnbuMapView *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_VIEW (self), NULL);
  return shumate_simple_map_get_viewport (self->map);
}

AnbuMapStatusLayer *
anbu_map_view_get_status_layer (AnbuMapView *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_VIEW (self), NULL);
  return self->status_layer;
}

AnbuMapRouteLayer *
anbu_map_view_get_route_layer (AnbuMapView *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_VIEW (self), NULL);
  return self->route_layer;
}

GtkPopover *
anbu_map_view_get_popover (AnbuMapView *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_VIEW (self), NULL);
  return GTK_POPOVER (self->popover);
}

void
anbu_map_view_center_on (AnbuMapView *self,
                         double       latitude,
                         double       longitude,
                         double       zoom)
{
  ShumateViewport *viewport;

  g_return_if_fail (ANBU_IS_MAP_VIEW (self));
  viewport = shumate_simple_map_get_viewport (self->map);
  shumate_viewport_set_zoom_level (viewport, zoom);
  shumate_map_center_on (shumate_simple_map_get_map (self->map), latitude, longitude);
}

gboolean
anbu_map_view_activate_at (AnbuMapView *self,
                           double       x,
                           double       y)
{
  AnbuMapPick pick;
  double lx, ly;

  g_return_val_if_fail (ANBU_IS_MAP_VIEW (self), FALSE);

  if (!gtk_widget_translate_coordinates (GTK_WIDGET (self), GTK_WIDGET (self->status_layer),
                                         x, y, &lx, &ly))
    return FALSE;

  if (self->picking_location)
    {
      double latitude, longitude;

      /* Choosing where a household lives (installing a plug): the click is the place. */
      shumate_viewport_widget_coords_to_location (shumate_simple_map_get_viewport (self->map),
                                                  GTK_WIDGET (self->status_layer), lx, ly,
                                                  &latitude, &longitude);
      place_pin (self, latitude, longitude);
      g_signal_emit (self, signals[LOCATION_PICKED], 0, latitude, longitude);
      return TRUE;
    }

  if (!anbu_map_status_layer_pick (self->status_layer, lx, ly, &pick))
    return FALSE;

  if (pick.kind == ANBU_MAP_PICK_CLUSTER)
    {
      ShumateViewport *viewport = shumate_simple_map_get_viewport (self->map);
      double zoom = MIN (floor (shumate_viewport_get_zoom_level (viewport)) + 2, MAX_CLICK_ZOOM);

      gtk_popover_popdown (GTK_POPOVER (self->popover));
      shumate_map_go_to_full (shumate_simple_map_get_map (self->map), pick.latitude,
                              pick.longitude, zoom);
    }
  else
    {
      double px, py;

      anbu_map_status_layer_set_selected_id (self->status_layer,
                                             anbu_map_point_get_id (pick.point));
      if (!gtk_widget_translate_coordinates (GTK_WIDGET (self->status_layer), GTK_WIDGET (self),
                                             pick.x, pick.y, &px, &py))
        {
          px = x;
          py = y;
        }
      show_household_popover (self, pick.point, px, py);
    }
  return TRUE;
}

void
anbu_map_view_get_visible_area (AnbuMapView *self,
                                double      *south,
                                double      *west,
                                double      *north,
                                double      *east)
{
  ShumateViewport *viewport;
  GtkWidget *map;
  double lat[4], lon[4];
  int w, h;

  g_return_if_fail (ANBU_IS_MAP_VIEW (self));

  viewport = shumate_simple_map_get_viewport (self->map);
  map = GTK_WIDGET (self->map);
  w = gtk_widget_get_width (map);
  h = gtk_widget_get_height (map);
  shumate_viewport_widget_coords_to_location (viewport, map, 0, 0, &lat[0], &lon[0]);
  shumate_viewport_widget_coords_to_location (viewport, map, w, 0, &lat[1], &lon[1]);
  shumate_viewport_widget_coords_to_location (viewport, map, 0, h, &lat[2], &lon[2]);
  shumate_viewport_widget_coords_to_location (viewport, map, w, h, &lat[3], &lon[3]);
  *south = *north = lat[0];
  *west = *east = lon[0];
  for (int i = 1; i < 4; i++)
    {
      *south = MIN (*south, lat[i]);
      *north = MAX (*north, lat[i]);
      *west = MIN (*west, lon[i]);
      *east = MAX (*east, lon[i]);
    }
}

AnbuMapAreaDownloader *
anbu_map_view_create_area_downloader (AnbuMapView *self)
{
  double south, west, north, east;

  g_return_val_if_fail (ANBU_IS_MAP_VIEW (self), NULL);

  if (self->tile_source == NULL)
    return NULL;
  anbu_map_view_get_visible_area (self, &south, &west, &north, &east);
  return anbu_map_area_downloader_new (self->tile_source, south, west, north, east,
                                       ANBU_MAP_AREA_MIN_ZOOM, ANBU_MAP_AREA_MAX_ZOOM);
}

AnbuRoutePlan *
anbu_map_view_show_route (AnbuMapView        *self,
                          const AnbuGeoCoord *start,
                          const char * const *ids,
                          gboolean            round_trip,
                          GError            **error)
{
  GListModel *model;
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) stops = g_array_new (FALSE, FALSE, sizeof (AnbuGeoCoord));
  g_autoptr(GArray) places = g_array_new (FALSE, FALSE, sizeof (AnbuGeoCoord));
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_object_unref);
  AnbuRoutePlan *plan;
  guint n_ids;

  g_return_val_if_fail (ANBU_IS_MAP_VIEW (self), NULL);
  g_return_val_if_fail (start != NULL, NULL);
  g_return_val_if_fail (ids != NULL, NULL);

  model = anbu_map_status_layer_get_model (self->status_layer);
  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      AnbuMapPoint *point = g_list_model_get_item (model, i);

      g_ptr_array_add (keep, point);
      g_hash_table_insert (by_id, (gpointer) anbu_map_point_get_id (point), point);
    }

  n_ids = g_strv_length ((char **) ids);
  for (guint i = 0; i < n_ids; i++)
    {
      AnbuMapPoint *point = g_hash_table_lookup (by_id, ids[i]);
      AnbuGeoCoord c;

      if (point == NULL)
        {
          g_set_error (error, ANBU_MAP_VIEW_ERROR, ANBU_MAP_VIEW_ERROR_UNKNOWN_HOUSEHOLD,
                       _("A household on the route is not on the map; refresh the list and "
                         "plan the route again."));
          return NULL;
        }
      c.latitude = anbu_map_point_get_latitude (point);
      c.longitude = anbu_map_point_get_longitude (point);
      g_array_append_val (stops, c);
    }

  plan = anbu_route_planner_plan (start, (const AnbuGeoCoord *) stops->data, n_ids,
                                  round_trip ? ANBU_ROUTE_RETURN : ANBU_ROUTE_OPEN, error);
  if (plan == NULL)
    return NULL;

  g_array_append_val (places, *start);
  for (guint k = 0; k < plan->n_stops; k++)
    g_array_append_val (places, g_array_index (stops, AnbuGeoCoord, plan->order[k]));
  anbu_map_route_layer_set_path (self->route_layer, (const AnbuGeoCoord *) places->data,
                                 places->len, round_trip);
  return plan;
}

void
anbu_map_view_clear_route (AnbuMapView *self)
{
  g_return_if_fail (ANBU_IS_MAP_VIEW (self));
  anbu_map_route_layer_clear (self->route_layer);
}

gboolean
anbu_map_view_get_picking_location (AnbuMapView *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_VIEW (self), FALSE);
  return self->picking_location;
}

void
anbu_map_view_set_picking_location (AnbuMapView *self,
                                    gboolean     picking)
{
  g_return_if_fail (ANBU_IS_MAP_VIEW (self));

  picking = !!picking;
  if (self->picking_location == picking)
    return;
  self->picking_location = picking;
  if (picking)
    gtk_popover_popdown (GTK_POPOVER (self->popover));
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), picking ? "crosshair" : NULL);
  /* The arrow keys move the pin: the view takes the keyboard focus. */
  gtk_widget_set_focusable (GTK_WIDGET (self), picking);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PICKING_LOCATION]);
}

gboolean
anbu_map_view_get_picked_location (AnbuMapView *self,
                                   double      *latitude,
                                   double      *longitude)
{
  g_return_val_if_fail (ANBU_IS_MAP_VIEW (self), FALSE);

  if (!self->has_pin)
    return FALSE;
  if (latitude != NULL)
    *latitude = shumate_location_get_latitude (SHUMATE_LOCATION (self->pin));
  if (longitude != NULL)
    *longitude = shumate_location_get_longitude (SHUMATE_LOCATION (self->pin));
  return TRUE;
}

void
anbu_map_view_set_picked_location (AnbuMapView *self,
                                   double       latitude,
                                   double       longitude)
{
  g_return_if_fail (ANBU_IS_MAP_VIEW (self));
  place_pin (self, latitude, longitude);
}

void
anbu_map_view_move_picked_location (AnbuMapView *self,
                                    double       dx,
                                    double       dy)
{
  double x, y;

  g_return_if_fail (ANBU_IS_MAP_VIEW (self));

  if (!pin_tip (self, &x, &y))
    return;
  move_pin_to (self, x + dx, y + dy);
  emit_pin_location (self);
}

void
anbu_map_view_clear_picked_location (AnbuMapView *self)
{
  g_return_if_fail (ANBU_IS_MAP_VIEW (self));

  if (!self->has_pin)
    return;
  shumate_marker_layer_remove_marker (self->pin_layer, self->pin);
  self->has_pin = FALSE;
}
