/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-map-page"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "anbu-clock.h"
#include "anbu-kst.h"
#include "anbu-accessibility.h"
#include "anbu-community-centre.h"
#include "anbu-csv-writer.h"
#include "anbu-households-view.h"
#include "anbu-map-page.h"
#include "anbu-record-json.h"

/* The window's Map page: the households on the map (src/app/map), or the empty state while
 * there are none with a location. Tiles come from the "tile-address" setting, or from the
 * Anbu server itself when that is empty; a new address makes a new tile source. */
struct _AnbuMapPage
{
  AdwBin parent_instance;

  AdwToastOverlay *toast_overlay;
  GtkStack *stack;
  AdwStatusPage *status_page;
  AnbuMapView *map_view;
  GtkDropDown *start_dropdown;
  GtkListBox *stops_list;
  GtkLabel *total_label;
  GtkWidget *export_button;
  GtkWidget *print_button;

  GSettings *settings;
  GListModel *model;
  AnbuCasework *casework;
  GBinding     *selection_binding;   /* map's selected-id <-> casework's */

  GPtrArray *route_ids;        /* char *, NULL-terminated */
  AnbuRoutePlan *plan;
  gboolean start_chosen;       /* the planner picked the start: keep it */
  gboolean choosing_start;     /* the page moves the drop-down itself */
  gboolean fitted;             /* the view was fitted to this model's households */

  SoupSession *session;        /* for the tile server's tiles.json */
  GCancellable *tilejson_cancellable;
  GCancellable *download_cancellable;
  GtkWidget *progress_dialog;  /* weak */

  GtkWidget *filter_bar;       /* the list's filters hide households */
  GtkLabel *filter_label;
  AnbuHouseholdIndex *filtered_index;
};

G_DEFINE_TYPE (AnbuMapPage, anbu_map_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_MODEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void replan_route (AnbuMapPage *self);

/* Helpers */

static void
show_toast (AnbuMapPage *self,
            const char  *title)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

static char *
format_distance (double metres)
{
  if (metres < 1000.0)
    return g_strdup_printf ("%.0f m", metres);
  return g_strdup_printf ("%.1f km", metres / 1000.0);
}

static void
update_visible_page (AnbuMapPage *self)
{
  gboolean has_points;

  /* With the casework the map stays up while a search hides every household. */
  if (self->casework != NULL)
    has_points = anbu_household_index_get_n_total (anbu_casework_get_index (self->casework)) > 0;
  else
    has_points = self->model != NULL && g_list_model_get_n_items (self->model) > 0;
  gtk_stack_set_visible_child_name (self->stack, has_points ? "map" : "empty");
}

/* The tile server's own description (anbu-server: GET /tiles/tiles.json, TileJSON)
 * names the attribution its tiles need; the map shows it in place of the address. */
static void
on_tilejson_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (AnbuMapPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autoptr (JsonNode) root = NULL;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  AnbuMapTileSource *current = anbu_map_view_get_tile_source (self->map_view);
  g_autoptr (AnbuMapTileSource) replacement = NULL;
  const char *base_url = g_object_get_data (G_OBJECT (msg), "anbu-base-url");
  const char *attribution;

  if (body == NULL || soup_message_get_status (msg) != SOUP_STATUS_OK)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No tile description: %s", error->message);
      return;
    }
  root = anbu_json_parse_document (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  attribution = json_object_get_string_member_with_default (json_node_get_object (root),
                                                            "attribution", NULL);
  if (attribution == NULL || *attribution == '\0' || current == NULL
      || g_strcmp0 (anbu_map_tile_source_get_base_url (current), base_url) != 0
      || g_strcmp0 (anbu_map_tile_source_get_attribution (current), attribution) == 0)
    return;

  /* The map source's licence text is fixed when it is made: a new source (same
   * disk cache, so nothing is fetched again). */
  replacement = anbu_map_tile_source_new_full (base_url, NULL,
                                               anbu_map_tile_source_get_tls_database (current));
  anbu_map_tile_source_set_attribution (replacement, attribution);
  anbu_map_view_set_tile_source (self->map_view, replacement);
}

/* The certificate authorities the API client trusts (a city's server with
 * its own CA): the tiles usually come from the same server. NULL: the system's. */
static GTlsDatabase *
dup_server_tls_database (AnbuMapPage *self)
{
  if (self->casework == NULL)
    return NULL;
  return anbu_case_store_dup_tls_database (anbu_casework_get_store (self->casework));
}

static void
fetch_tilejson (AnbuMapPage  *self,
                const char   *base_url,
                GTlsDatabase *tls_database)
{
  g_autofree char *url = g_strdup_printf ("%s%stiles/tiles.json", base_url,
                                          g_str_has_suffix (base_url, "/") ? "" : "/");
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);

  if (msg == NULL)
    return;
  g_cancellable_cancel (self->tilejson_cancellable);
  g_clear_object (&self->tilejson_cancellable);
  self->tilejson_cancellable = g_cancellable_new ();
  /* A new session each time: the trust may have changed with the source. */
  g_clear_object (&self->session);
  self->session = soup_session_new_with_options ("user-agent", ANBU_USER_AGENT,
                                                 "max-conns", 2, NULL);
  if (tls_database != NULL)
    soup_session_set_tls_database (self->session, tls_database);
  g_object_set_data_full (G_OBJECT (msg), "anbu-base-url", g_strdup (base_url), g_free);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_LOW, self->tilejson_cancellable,
                                    on_tilejson_read, g_object_ref (self));
}

static void
update_tile_source (AnbuMapPage *self)
{
  g_autofree char *base_url = anbu_map_page_dup_tile_base_url (self);
  g_autoptr (GTlsDatabase) tls_database = dup_server_tls_database (self);
  AnbuMapTileSource *current = anbu_map_view_get_tile_source (self->map_view);
  g_autoptr (AnbuMapTileSource) source = NULL;

  if (*base_url == '\0')
    return;
  if (current != NULL && g_strcmp0 (anbu_map_tile_source_get_base_url (current), base_url) == 0
      && anbu_map_tile_source_get_tls_database (current) == tls_database)
    return;

  source = anbu_map_tile_source_new_full (base_url, NULL, tls_database);
  anbu_map_view_set_tile_source (self->map_view, source);
  fetch_tilejson (self, base_url, tls_database);
}

static AnbuMapPoint *
find_point (AnbuMapPage *self,
            const char  *id)
{
  GListModel *model = anbu_map_view_get_model (self->map_view);
  guint n = model != NULL ? g_list_model_get_n_items (model) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (AnbuMapPoint) point = g_list_model_get_item (model, i);

      if (g_strcmp0 (anbu_map_point_get_id (point), id) == 0)
        return g_steal_pointer (&point);
    }
  return NULL;
}

static char *
dup_stop_name (AnbuMapPage *self,
               const char  *id)
{
  g_autoptr (AnbuMapPoint) point = find_point (self, id);
  AnbuHousehold *household;

  if (point != NULL)
    return g_strdup (anbu_map_point_get_name (point));
  household = self->casework != NULL ? anbu_casework_lookup_household (self->casework, id) : NULL;
  return g_strdup (household != NULL ? household->name : id);
}

static const AnbuCommunityCentre *
get_start_centre (AnbuMapPage *self)
{
  guint n;
  const AnbuCommunityCentre *centres = anbu_community_centre_get_all (&n);
  guint selected = gtk_drop_down_get_selected (self->start_dropdown);

  return &centres[selected < n ? selected : 0];
}

/* The day starts at the centre of the 동 most stops belong to, unless the
 * planner chose another. */
static void
choose_start_centre (AnbuMapPage *self)
{
  g_autoptr (GHashTable) votes = NULL;
  int best = -1;
  guint best_votes = 0;

  if (self->start_chosen || self->casework == NULL)
    return;
  votes = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (guint i = 0; i < self->route_ids->len; i++)
    {
      AnbuHousehold *household = anbu_casework_lookup_household (self->casework,
                                                                 g_ptr_array_index (self->route_ids, i));
      int index = household != NULL ? anbu_community_centre_index (household->dong_code) : -1;
      guint count;

      if (index < 0)
        continue;
      count = GPOINTER_TO_UINT (g_hash_table_lookup (votes, GINT_TO_POINTER (index + 1))) + 1;
      g_hash_table_insert (votes, GINT_TO_POINTER (index + 1), GUINT_TO_POINTER (count));
      if (count > best_votes)
        {
          best_votes = count;
          best = index;
        }
    }
  if (best >= 0 && (guint) best != gtk_drop_down_get_selected (self->start_dropdown))
    {
      self->choosing_start = TRUE;
      gtk_drop_down_set_selected (self->start_dropdown, best);
      self->choosing_start = FALSE;
    }
}

static void
on_remove_stop_clicked (GtkButton *button,
                        gpointer   user_data)
{
  AnbuMapPage *self = ANBU_MAP_PAGE (user_data);
  const char *id = g_object_get_data (G_OBJECT (button), "household-id");

  for (guint i = 0; i < self->route_ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->route_ids, i), id) == 0)
      {
        g_ptr_array_remove_index (self->route_ids, i);
        break;
      }
  replan_route (self);
}

static GtkWidget *
make_stop_row (AnbuMapPage *self,
               const char  *title,
               const char  *subtitle,
               const char  *household_id)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (household_id != NULL)
    {
      GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");
      g_autofree char *label = g_strdup_printf (_("Remove %s from the route"), title);

      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      label, -1);
      g_object_set_data_full (G_OBJECT (remove), "household-id", g_strdup (household_id), g_free);
      g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_stop_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
    }
  return row;
}

/* The lines of the printed list (also what the panel shows). */
static GPtrArray *
build_route_lines (AnbuMapPage *self)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  const AnbuCommunityCentre *centre = get_start_centre (self);
  double running = 0.0;
  g_autofree char *total = NULL;

  if (self->plan == NULL)
    return lines;
  g_ptr_array_add (lines, g_strdup_printf (_("Start: %s"), centre->name));
  for (guint k = 0; k < self->plan->n_stops; k++)
    {
      g_autofree char *name = dup_stop_name (self, g_ptr_array_index (self->route_ids,
                                                                      self->plan->order[k]));
      g_autofree char *leg = format_distance (self->plan->leg_m[k]);
      g_autofree char *sum = NULL;

      running += self->plan->leg_m[k];
      sum = format_distance (running);
      /* Translators: a stop of the day's route: number, name, distance from the
       * previous place, distance so far. */
      g_ptr_array_add (lines, g_strdup_printf (_("%u. %s — %s from the previous stop, %s so far"),
                                               k + 1, name, leg, sum));
    }
  {
    g_autofree char *back = format_distance (self->plan->return_leg_m);

    g_ptr_array_add (lines, g_strdup_printf (_("Back to %s — %s"), centre->name, back));
  }
  total = format_distance (self->plan->total_m);
  g_ptr_array_add (lines, g_strdup_printf (_("Total: %s (straight-line distances)"), total));
  return lines;
}

static void
rebuild_stop_rows (AnbuMapPage *self)
{
  GtkWidget *child;
  const AnbuCommunityCentre *centre = get_start_centre (self);
  double running = 0.0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->stops_list))) != NULL)
    gtk_list_box_remove (self->stops_list, child);

  if (self->plan == NULL)
    {
      /* Stops that could not be routed are still listed, to be removed. */
      for (guint i = 0; i < self->route_ids->len; i++)
        {
          const char *id = g_ptr_array_index (self->route_ids, i);
          g_autofree char *name = dup_stop_name (self, id);

          gtk_list_box_append (self->stops_list, make_stop_row (self, name, "", id));
        }
      return;
    }

  gtk_list_box_append (self->stops_list,
                       make_stop_row (self, centre->name, _("Start of the day"), NULL));
  for (guint k = 0; k < self->plan->n_stops; k++)
    {
      const char *id = g_ptr_array_index (self->route_ids, self->plan->order[k]);
      g_autofree char *name = dup_stop_name (self, id);
      g_autofree char *title = g_strdup_printf ("%u. %s", k + 1, name);
      g_autofree char *leg = format_distance (self->plan->leg_m[k]);
      g_autofree char *sum = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      running += self->plan->leg_m[k];
      sum = format_distance (running);
      /* Translators: under a stop of the route: distance from the previous place, and so far. */
      subtitle = g_strdup_printf (_("%s from the previous stop · %s so far"), leg, sum);
      row = make_stop_row (self, title, subtitle, id);
      gtk_widget_set_name (row, "route-stop");
      gtk_list_box_append (self->stops_list, row);
    }
  {
    g_autofree char *back = format_distance (self->plan->return_leg_m);
    g_autofree char *title = g_strdup_printf (_("Back to %s"), centre->name);

    gtk_list_box_append (self->stops_list, make_stop_row (self, title, back, NULL));
  }
}

static void
replan_route (AnbuMapPage *self)
{
  g_autoptr (GError) error = NULL;
  const AnbuCommunityCentre *centre;
  AnbuGeoCoord start;

  g_clear_pointer (&self->plan, anbu_route_plan_free);
  anbu_map_view_clear_route (self->map_view);
  choose_start_centre (self);
  centre = get_start_centre (self);
  start.latitude = centre->latitude;
  start.longitude = centre->longitude;

  if (self->route_ids->len > 0)
    {
      self->plan = anbu_map_view_show_route (self->map_view, &start,
                                             (const char * const *) self->route_ids->pdata, TRUE,
                                             &error);
      if (self->plan == NULL)
        g_debug ("Cannot plan the route: %s", error->message);
    }

  rebuild_stop_rows (self);
  if (self->plan != NULL)
    {
      g_autofree char *total = format_distance (self->plan->total_m);
      g_autofree char *text = NULL;

      /* Translators: %u stops, %s a distance such as "3.4 km". */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u stop, %s there and back",
                                           "%u stops, %s there and back", self->plan->n_stops),
                              self->plan->n_stops, total);
      gtk_label_set_text (self->total_label, text);
    }
  else if (self->route_ids->len > 0)
    gtk_label_set_text (self->total_label,
                        _("Some stops are hidden by the search or filters of the household list. Clear them to see the route, or remove those stops."));
  else
    gtk_label_set_text (self->total_label, "");
  gtk_widget_set_sensitive (self->export_button, self->plan != NULL);
  gtk_widget_set_sensitive (self->print_button, self->plan != NULL);
}

static gboolean
add_route_stop (AnbuMapPage *self,
                const char  *id)
{
  for (guint i = 0; i < self->route_ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->route_ids, i), id) == 0)
      return FALSE;
  g_ptr_array_add (self->route_ids, g_strdup (id));
  return TRUE;
}

/* The casework's households as map points */

static AnbuMapState
map_state_of (const AnbuHouseholdFacts *facts)
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

static gpointer
summary_to_point (gpointer item,
                  gpointer user_data)
{
  g_autoptr (AnbuHouseholdSummary) summary = item;
  AnbuMapPage *self = user_data;
  const AnbuHouseholdFacts *facts = anbu_household_summary_get_facts (summary);
  AnbuHousehold *household = self->casework != NULL
                             ? anbu_casework_lookup_household (self->casework, facts->id) : NULL;
  gint64 now = self->casework != NULL ? anbu_casework_get_now (self->casework) : anbu_clock_now_usec ();
  gint64 quiet_from = facts->last_activity_at > 0 ? facts->last_activity_at : facts->quiet_since;
  double quiet_hours = quiet_from > 0 ? (now - quiet_from) / (3600.0 * G_USEC_PER_SEC) : -1.0;

  /* Only households with a location get here (summary_has_location). */
  g_return_val_if_fail (household != NULL, NULL);
  return anbu_map_point_new (facts->id, facts->name, household->lat, household->lon,
                             map_state_of (facts), quiet_hours);
}

static gboolean
summary_has_location (gpointer item,
                      gpointer user_data)
{
  AnbuMapPage *self = user_data;
  AnbuHousehold *household;

  if (self->casework == NULL)
    return FALSE;
  household = anbu_casework_lookup_household (self->casework,
                                              anbu_household_summary_get_id (item));
  return household != NULL && isfinite (household->lat) && isfinite (household->lon);
}

/* The first households of a model (after sign-in) decide where the map looks:
 * all of them, or one and its 동주민센터 at the centre. Later changes (live
 * states, a pull) keep the place the planner panned or zoomed to. */
#define FIT_MARGIN_PX 48.0
#define FIT_MAX_ZOOM 16.0
#define FIT_MIN_SPAN 0.002  /* degrees: a lone household is not shown at street level */

static void
fit_to_households (AnbuMapPage *self)
{
  guint n = self->model != NULL ? g_list_model_get_n_items (self->model) : 0;
  double south = 90, north = -90, west = 180, east = -180;

  if (self->fitted || n == 0)
    return;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (AnbuMapPoint) point = g_list_model_get_item (self->model, i);
      double lat = anbu_map_point_get_latitude (point);
      double lon = anbu_map_point_get_longitude (point);

      south = MIN (south, lat);
      north = MAX (north, lat);
      west = MIN (west, lon);
      east = MAX (east, lon);
    }
  if (n == 1)
    {
      g_autoptr (AnbuMapPoint) point = g_list_model_get_item (self->model, 0);
      AnbuHousehold *household = self->casework != NULL
                                 ? anbu_casework_lookup_household (self->casework,
                                                                   anbu_map_point_get_id (point))
                                 : NULL;
      int index = household != NULL ? anbu_community_centre_index (household->dong_code) : -1;
      double lat0 = south, lon0 = west;
      double half_lat = FIT_MIN_SPAN, half_lon = FIT_MIN_SPAN;

      if (index >= 0)
        {
          guint n_centres;
          const AnbuCommunityCentre *centre = &anbu_community_centre_get_all (&n_centres)[index];

          half_lat = MAX (half_lat, fabs (lat0 - centre->latitude));
          half_lon = MAX (half_lon, fabs (lon0 - centre->longitude));
          lat0 = centre->latitude;
          lon0 = centre->longitude;
        }
      south = lat0 - half_lat;
      north = lat0 + half_lat;
      west = lon0 - half_lon;
      east = lon0 + half_lon;
    }
  self->fitted = TRUE;
  anbu_map_view_fit_area (self->map_view, south, west, north, east, FIT_MARGIN_PX, FIT_MAX_ZOOM);
}

/* Callbacks */

static void
on_items_changed (AnbuMapPage *self)
{
  update_visible_page (self);
  fit_to_households (self);
}

static void
on_casework_changed (AnbuMapPage *self)
{
  update_visible_page (self);
  /* States and positions changed: the route's stops may have moved. */
  if (self->route_ids->len > 0)
    replan_route (self);
}

/* The map follows the households list's search and filters; when they hide
 * households the map says how many, with one click to show them all. */
static void
update_filter_bar (AnbuMapPage *self)
{
  guint hidden = 0;

  if (self->filtered_index != NULL)
    hidden = anbu_household_index_get_n_total (self->filtered_index)
             - g_list_model_get_n_items (G_LIST_MODEL (self->filtered_index));
  if (hidden > 0)
    {
      /* Translators: on the map: "목록 필터 적용 중: 12가구 숨김". */
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "List filters apply: %u household hidden",
                                                            "List filters apply: %u households hidden",
                                                            hidden),
                                               hidden);

      gtk_label_set_label (self->filter_label, text);
    }
  gtk_widget_set_visible (self->filter_bar, hidden > 0);
}

static void
build_filter_bar (AnbuMapPage *self)
{
  GtkWidget *overlay = gtk_widget_get_parent (GTK_WIDGET (self->map_view));
  GtkWidget *button;

  self->filter_bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_name (self->filter_bar, "map-filter-bar");
  gtk_widget_set_halign (self->filter_bar, GTK_ALIGN_CENTER);
  /* Bottom centre: the map's own buttons hold the top. */
  gtk_widget_set_valign (self->filter_bar, GTK_ALIGN_END);
  gtk_widget_set_margin_bottom (self->filter_bar, 24);
  gtk_widget_add_css_class (self->filter_bar, "osd");
  gtk_widget_add_css_class (self->filter_bar, "toolbar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->filter_bar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Households hidden by the list's filters"), -1);
  self->filter_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_name (GTK_WIDGET (self->filter_label), "map-filter-label");
  gtk_widget_set_margin_start (GTK_WIDGET (self->filter_label), 6);
  gtk_box_append (GTK_BOX (self->filter_bar), GTK_WIDGET (self->filter_label));
  button = gtk_button_new_with_mnemonic (_("Show _All"));
  gtk_widget_set_name (button, "map-filter-clear");
  gtk_widget_set_tooltip_text (button, _("Clear the search and filters of the household list"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.clear-household-filters");
  gtk_box_append (GTK_BOX (self->filter_bar), button);
  gtk_widget_set_visible (self->filter_bar, FALSE);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), self->filter_bar);
}

static void
follow_list_filters (AnbuMapPage        *self,
                     AnbuHouseholdIndex *index)
{
  if (self->filtered_index != NULL)
    g_signal_handlers_disconnect_by_data (self->filtered_index, self);
  g_set_object (&self->filtered_index, index);
  if (index != NULL)
    g_signal_connect_swapped (index, "items-changed", G_CALLBACK (update_filter_bar), self);
  update_filter_bar (self);
}

static void
on_household_activated (AnbuMapPage *self,
                        const char  *household_id)
{
  /* Its page lives in the Households view. */
  if (!anbu_households_view_open_in_window (GTK_WIDGET (self), household_id))
    show_toast (self, _("The household's page opens once your caseload is loaded"));
}

static void
on_start_dropdown_selected (AnbuMapPage *self)
{
  if (!self->choosing_start)
    self->start_chosen = TRUE;
  replan_route (self);
}

static void
on_add_selected_button_clicked (AnbuMapPage *self)
{
  const char *id = anbu_map_view_get_selected_id (self->map_view);

  if (id == NULL)
    {
      show_toast (self, _("Select a household on the map first"));
      return;
    }
  if (!add_route_stop (self, id))
    {
      show_toast (self, _("This household is already on the route"));
      return;
    }
  replan_route (self);
}

static void
on_add_visits_button_clicked (AnbuMapPage *self)
{
  g_autoptr (GTimeZone) seoul = g_time_zone_new_identifier ("Asia/Seoul");
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (GDateTime) local = NULL;
  g_autoptr (GPtrArray) due = NULL;
  GDate today;
  guint added = 0;

  if (self->casework == NULL)
    return;
  /* "Today" is the planner's day in Seoul, whatever the computer's zone. */
  if (seoul == NULL)
    seoul = g_time_zone_new_offset (9 * 3600);
  now = g_date_time_new_from_unix_utc (anbu_casework_get_now (self->casework) / G_USEC_PER_SEC);
  local = g_date_time_to_timezone (now, seoul);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (local),
                  g_date_time_get_month (local), g_date_time_get_year (local));
  due = anbu_casework_list_visits_due (self->casework, &today, &today);
  for (guint i = 0; i < due->len; i++)
    {
      AnbuVisitDue *visit = g_ptr_array_index (due, i);
      g_autoptr (AnbuMapPoint) point = find_point (self, visit->household_id);

      if (point != NULL && add_route_stop (self, visit->household_id))
        added++;
    }
  if (added == 0)
    show_toast (self, due->len == 0 ? _("No visits are due today")
                                    : _("Today's visits are on the route already, or not on the map"));
  replan_route (self);
}

static void
on_clear_route_button_clicked (AnbuMapPage *self)
{
  anbu_map_page_clear_route (self);
}

/* Export CSV */

/* The planned times of the exported route: leaving the start when the route
 * is exported (rounded up to ten minutes), travelling the straight-line
 * distances at city speed (parking and stairs included), a while at each
 * home. An estimate for the day's plan, said so in the header. */
#define ROUTE_METRES_PER_MINUTE 250.0   /* 15 km/h */
#define ROUTE_MINUTES_PER_STOP 30

static void
add_metres (AnbuCsvWriter *csv,
            double         metres)
{
  anbu_csv_writer_add_int (csv, (gint64) round (metres));
}

static void
add_clock_time (AnbuCsvWriter *csv,
                GDateTime     *moment)
{
  g_autofree char *text = g_date_time_format (moment, "%H:%M");

  anbu_csv_writer_add_text (csv, text);
}

/* @moment (transfer full) plus @minutes. */
static GDateTime *
later (GDateTime *moment,
       gint       minutes)
{
  GDateTime *result = g_date_time_add_minutes (moment, minutes);

  g_date_time_unref (moment);
  return result;
}

static GDateTime *
travel (GDateTime *moment,
        double     metres)
{
  return later (moment, (gint) ceil (metres / ROUTE_METRES_PER_MINUTE));
}

/* The day's route for Excel in Korea (UTF-8 with a BOM): each stop in the
 * planned order with the address and phone to find and call the resident,
 * the planned arrival and the distances. */
static GBytes *
dup_route_csv (AnbuMapPage *self)
{
  const AnbuCommunityCentre *centre = get_start_centre (self);
  g_autoptr (AnbuCsvWriter) csv = anbu_csv_writer_new ();
  g_autoptr (GDateTime) now = anbu_clock_get_now_kst (anbu_clock_get_default ());
  GDateTime *at;
  double running = 0.0;
  gint minutes_up = (10 - g_date_time_get_minute (now) % 10) % 10;

  at = g_date_time_add_full (now, 0, 0, 0, 0, minutes_up, -g_date_time_get_seconds (now));

  anbu_csv_writer_add_text (csv, C_("route CSV header", "Stop"));
  anbu_csv_writer_add_text (csv, C_("route CSV header", "Name"));
  anbu_csv_writer_add_text (csv, C_("route CSV header", "Address"));
  anbu_csv_writer_add_text (csv, C_("route CSV header", "Phone"));
  anbu_csv_writer_add_text (csv, C_("route CSV header", "Planned time (estimate)"));
  anbu_csv_writer_add_text (csv, C_("route CSV header", "Leg (m)"));
  anbu_csv_writer_add_text (csv, C_("route CSV header", "Total (m)"));
  anbu_csv_writer_end_row (csv);

  anbu_csv_writer_add_text (csv, C_("route CSV", "Start"));
  anbu_csv_writer_add_text (csv, centre->name);
  anbu_csv_writer_add_text (csv, "");
  anbu_csv_writer_add_text (csv, "");
  add_clock_time (csv, at);
  add_metres (csv, 0);
  add_metres (csv, 0);
  anbu_csv_writer_end_row (csv);

  for (guint k = 0; k < self->plan->n_stops; k++)
    {
      const char *id = g_ptr_array_index (self->route_ids, self->plan->order[k]);
      AnbuHousehold *household = self->casework != NULL ? anbu_casework_lookup_household (self->casework, id) : NULL;
      g_autofree char *name = dup_stop_name (self, id);
      g_autofree char *address = NULL;

      if (household != NULL && household->address != NULL && household->address_detail != NULL
          && *household->address_detail != '\0')
        address = g_strdup_printf ("%s %s", household->address, household->address_detail);
      else if (household != NULL)
        address = g_strdup (household->address);
      if (k > 0)
        at = later (at, ROUTE_MINUTES_PER_STOP);
      at = travel (at, self->plan->leg_m[k]);
      running += self->plan->leg_m[k];
      anbu_csv_writer_add_int (csv, k + 1);
      anbu_csv_writer_add_text (csv, name);
      anbu_csv_writer_add_text (csv, address != NULL ? address : "");
      anbu_csv_writer_add_text (csv, household != NULL && household->phone != NULL ? household->phone : "");
      add_clock_time (csv, at);
      add_metres (csv, self->plan->leg_m[k]);
      add_metres (csv, running);
      anbu_csv_writer_end_row (csv);
    }
  if (self->plan->return_leg_m > 0)
    {
      if (self->plan->n_stops > 0)
        at = later (at, ROUTE_MINUTES_PER_STOP);
      at = travel (at, self->plan->return_leg_m);
      running += self->plan->return_leg_m;
      anbu_csv_writer_add_text (csv, C_("route CSV", "Back"));
      anbu_csv_writer_add_text (csv, centre->name);
      anbu_csv_writer_add_text (csv, "");
      anbu_csv_writer_add_text (csv, "");
      add_clock_time (csv, at);
      add_metres (csv, self->plan->return_leg_m);
      add_metres (csv, running);
      anbu_csv_writer_end_row (csv);
    }
  g_date_time_unref (at);
  return anbu_csv_writer_free_to_bytes (g_steal_pointer (&csv));
}

static void
on_csv_replaced (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_csv_exported (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AnbuMapPage *self = ANBU_MAP_PAGE (source);
  g_autoptr (GError) error = NULL;

  if (!anbu_map_page_export_route_csv_finish (self, result, &error))
    {
      g_warning ("Cannot write the route: %s", error->message);
      show_toast (self, _("The route could not be saved there. Choose another folder."));
      return;
    }
  show_toast (self, _("Route saved"));
}

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  AnbuMapPage *self = ANBU_MAP_PAGE (user_data);

  if (response == GTK_RESPONSE_ACCEPT && self->plan != NULL)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      anbu_map_page_export_route_csv_async (self, file, NULL, on_csv_exported, NULL);
    }
  g_object_unref (dialog);
}

static void
on_export_button_clicked (AnbuMapPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;
  g_autoptr (GDateTime) now = anbu_clock_get_now_kst (anbu_clock_get_default ());
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  /* Translators: file name of the exported route; %s is the date. */
  g_autofree char *name = g_strdup_printf (_("route-%s.csv"), date);

  if (self->plan == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Export the Route"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Print */

typedef struct
{
  GPtrArray *lines;
  char      *title;
  int        lines_per_page;
} PrintJob;

static void
print_job_free (gpointer data)
{
  PrintJob *job = data;

  g_ptr_array_unref (job->lines);
  g_free (job->title);
  g_free (job);
}

static PangoLayout *
make_print_layout (GtkPrintContext *context,
                   const char      *text,
                   gboolean         heading)
{
  PangoLayout *layout = gtk_print_context_create_pango_layout (context);
  g_autoptr (PangoFontDescription) font = pango_font_description_from_string (heading ? "Sans Bold 14"
                                                                                      : "Sans 11");

  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) (gtk_print_context_get_width (context) * PANGO_SCALE));
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static void
on_begin_print (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                PrintJob          *job)
{
  g_autoptr (PangoLayout) line = make_print_layout (context, "가", FALSE);
  g_autoptr (PangoLayout) title = make_print_layout (context, job->title, TRUE);
  int line_height, title_height;
  double usable;

  pango_layout_get_pixel_size (line, NULL, &line_height);
  pango_layout_get_pixel_size (title, NULL, &title_height);
  usable = gtk_print_context_get_height (context) - title_height * 2;
  job->lines_per_page = MAX (1, (int) (usable / (line_height * 1.5)));
  gtk_print_operation_set_n_pages (operation,
                                   MAX (1, ((int) job->lines->len + job->lines_per_page - 1)
                                             / job->lines_per_page));
}

static void
on_draw_page (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page,
              PrintJob          *job)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  g_autoptr (PangoLayout) title = make_print_layout (context, job->title, TRUE);
  int height;
  double y;

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_move_to (cr, 0, 0);
  pango_cairo_show_layout (cr, title);
  pango_layout_get_pixel_size (title, NULL, &height);
  y = height * 2;
  for (int i = page * job->lines_per_page;
       i < (int) job->lines->len && i < (page + 1) * job->lines_per_page; i++)
    {
      g_autoptr (PangoLayout) line = make_print_layout (context, g_ptr_array_index (job->lines, i),
                                                        FALSE);

      cairo_move_to (cr, 0, y);
      pango_cairo_show_layout (cr, line);
      pango_layout_get_pixel_size (line, NULL, &height);
      y += height * 1.5;
    }
}

static GtkPrintOperation *
create_print_operation (AnbuMapPage *self)
{
  GtkPrintOperation *operation = gtk_print_operation_new ();
  PrintJob *job = g_new0 (PrintJob, 1);
  g_autoptr (GDateTime) now = anbu_clock_get_now_kst (anbu_clock_get_default ());
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");

  job->lines = build_route_lines (self);
  /* Translators: heading of the printed route; %s is the date. */
  job->title = g_strdup_printf (_("Route for the Day — %s"), date);
  gtk_print_operation_set_job_name (operation, job->title);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  g_object_set_data_full (G_OBJECT (operation), "anbu-print-job", job, print_job_free);
  g_signal_connect (operation, "begin-print", G_CALLBACK (on_begin_print), job);
  g_signal_connect (operation, "draw-page", G_CALLBACK (on_draw_page), job);
  return operation;
}

static void
on_print_button_clicked (AnbuMapPage *self)
{
  g_autoptr (GtkPrintOperation) operation = NULL;
  g_autoptr (GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->plan == NULL)
    return;
  operation = create_print_operation (self);
  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                               &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      g_warning ("Cannot print the route: %s", error->message);
      show_toast (self, _("The route could not be printed. Check the printer and try again."));
    }
}

/* Download this area */

static void
on_download_finished (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (AnbuMapPage) self = user_data;
  AnbuMapAreaDownloader *downloader = ANBU_MAP_AREA_DOWNLOADER (source);
  g_autoptr (GError) error = NULL;

  if (self->progress_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->progress_dialog));
  g_clear_object (&self->download_cancellable);

  if (anbu_map_area_downloader_download_finish (downloader, result, &error))
    {
      if (anbu_map_area_downloader_get_n_failed (downloader) > 0)
        show_toast (self, _("This area is saved for offline use; the tile server had no map for part of it"));
      else
        show_toast (self, _("This area is saved for offline use"));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_toast (self, _("Download stopped; the tiles already fetched stay saved"));
  else if (g_error_matches (error, ANBU_MAP_TILE_SOURCE_ERROR,
                            ANBU_MAP_TILE_SOURCE_ERROR_UNREACHABLE))
    show_toast (self, _("The tile server cannot be reached. Try again when you are online."));
  else
    {
      g_warning ("Area download failed: %s", error->message);
      show_toast (self, _("The map could not be downloaded. Try again later."));
    }
}

static void
on_progress_response (AnbuMapPage *self,
                      const char  *response)
{
  g_cancellable_cancel (self->tilejson_cancellable);
  g_clear_object (&self->tilejson_cancellable);
  g_clear_object (&self->session);
  if (self->download_cancellable != NULL)
    g_cancellable_cancel (self->download_cancellable);
}

static void
start_download (AnbuMapPage           *self,
                AnbuMapAreaDownloader *downloader)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;
  GtkWidget *bar = gtk_progress_bar_new ();

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Downloading Map Tiles"),
                                   _("You can keep working while the area is saved."));
  gtk_widget_set_name (dialog, "map-download-progress");
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (bar), TRUE);
  g_object_bind_property (downloader, "progress", bar, "fraction", G_BINDING_SYNC_CREATE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), bar);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Stop"));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_progress_response), self,
                           G_CONNECT_SWAPPED);
  g_set_weak_pointer (&self->progress_dialog, dialog);

  self->download_cancellable = g_cancellable_new ();
  anbu_map_area_downloader_download_async (downloader, self->download_cancellable,
                                           on_download_finished, g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_confirm_response (AdwMessageDialog *dialog,
                     const char       *response,
                     AnbuMapPage      *self)
{
  AnbuMapAreaDownloader *downloader = g_object_get_data (G_OBJECT (dialog), "downloader");

  if (g_strcmp0 (response, "download") == 0)
    start_download (self, downloader);
}

static void
on_download_button_clicked (AnbuMapPage *self)
{
  g_autoptr (AnbuMapAreaDownloader) downloader = NULL;
  g_autofree char *size = NULL;
  g_autofree char *count = NULL;
  g_autofree char *body = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;
  guint64 n_tiles;

  if (self->download_cancellable != NULL)
    {
      show_toast (self, _("A download is already running"));
      return;
    }
  downloader = anbu_map_view_create_area_downloader (self->map_view);
  if (downloader == NULL)
    {
      show_toast (self, _("There is no tile address yet. Sign in, or set one in Preferences."));
      return;
    }
  n_tiles = anbu_map_area_downloader_get_n_tiles (downloader);
  size = g_format_size (anbu_map_area_downloader_get_estimated_bytes (downloader));
  count = g_strdup_printf ("%" G_GUINT64_FORMAT, n_tiles);
  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "The area you see, at zoom levels %d to %d, is %s map tile, about %s. The map then works here without a connection.",
                                       "The area you see, at zoom levels %d to %d, is %s map tiles, about %s. The map then works here without a connection.",
                                       n_tiles > G_MAXULONG ? G_MAXULONG : (gulong) n_tiles),
                          ANBU_MAP_AREA_MIN_ZOOM, ANBU_MAP_AREA_MAX_ZOOM, count, size);

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Download This Area?"), body);
  gtk_widget_set_name (dialog, "map-download-confirm");
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "download", _("_Download"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "download",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "download");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "downloader", g_steal_pointer (&downloader),
                          g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_confirm_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* GObject */

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

  g_cancellable_cancel (self->tilejson_cancellable);
  g_clear_object (&self->tilejson_cancellable);
  g_clear_object (&self->session);
  if (self->download_cancellable != NULL)
    g_cancellable_cancel (self->download_cancellable);
  g_clear_object (&self->download_cancellable);
  g_clear_weak_pointer (&self->progress_dialog);
  if (self->selection_binding != NULL)
    g_binding_unbind (g_steal_pointer (&self->selection_binding));
  /* The casework's models call back into the page: the map lets go of them first. */
  if (self->map_view != NULL)
    anbu_map_view_set_model (self->map_view, NULL);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  if (self->casework != NULL)
    g_signal_handlers_disconnect_by_data (self->casework, self);
  if (self->filtered_index != NULL)
    g_signal_handlers_disconnect_by_data (self->filtered_index, self);
  g_clear_object (&self->filtered_index);
  g_clear_object (&self->model);
  g_clear_object (&self->casework);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->plan, anbu_route_plan_free);
  g_clear_pointer (&self->route_ids, g_ptr_array_unref);

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
  gtk_widget_class_bind_template_child (widget_class, AnbuMapPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AnbuMapPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AnbuMapPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, AnbuMapPage, map_view);
  gtk_widget_class_bind_template_child (widget_class, AnbuMapPage, start_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AnbuMapPage, stops_list);
  gtk_widget_class_bind_template_child (widget_class, AnbuMapPage, total_label);
  gtk_widget_class_bind_template_child (widget_class, AnbuMapPage, export_button);
  gtk_widget_class_bind_template_child (widget_class, AnbuMapPage, print_button);
  gtk_widget_class_bind_template_callback (widget_class, on_download_button_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_add_selected_button_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_add_visits_button_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_route_button_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_export_button_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_print_button_clicked);
}

static void
anbu_map_page_init (AnbuMapPage *self)
{
  g_autoptr (GtkStringList) centre_names = gtk_string_list_new (NULL);
  const AnbuCommunityCentre *centres;
  guint n_centres;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* libshumate's zoom buttons have tooltips but no accessible names. */
  anbu_accessibility_name_icon_buttons (GTK_WIDGET (self->map_view), NULL);

  self->route_ids = g_ptr_array_new_null_terminated (8, g_free, TRUE);
  centres = anbu_community_centre_get_all (&n_centres);
  for (guint i = 0; i < n_centres; i++)
    gtk_string_list_append (centre_names, centres[i].name);
  gtk_drop_down_set_model (self->start_dropdown, G_LIST_MODEL (centre_names));
  g_signal_connect_swapped (self->start_dropdown, "notify::selected",
                            G_CALLBACK (on_start_dropdown_selected), self);
  g_signal_connect_swapped (self->map_view, "household-activated",
                            G_CALLBACK (on_household_activated), self);

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::tile-address",
                           G_CALLBACK (update_tile_source), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::server-address",
                           G_CALLBACK (update_tile_source), self, G_CONNECT_SWAPPED);
  update_tile_source (self);
  update_visible_page (self);
  build_filter_bar (self);
}

/* Public API */

GtkWidget *
anbu_map_page_new (void)
{
  return g_object_new (ANBU_TYPE_MAP_PAGE, NULL);
}

static void
apply_casework (AnbuMapPage *self,
                AnbuCasework *casework)
{
  g_autoptr (GtkFilterListModel) located = NULL;
  g_autoptr (GtkMapListModel) points = NULL;

  g_return_if_fail (ANBU_IS_MAP_PAGE (self));
  g_return_if_fail (casework == NULL || ANBU_IS_CASEWORK (casework));

  if (self->casework == casework)
    return;
  if (self->selection_binding != NULL)
    g_binding_unbind (g_steal_pointer (&self->selection_binding));
  if (self->casework != NULL)
    g_signal_handlers_disconnect_by_data (self->casework, self);
  g_set_object (&self->casework, casework);
  follow_list_filters (self, casework != NULL ? anbu_casework_get_index (casework) : NULL);
  if (casework == NULL)
    {
      anbu_map_page_set_model (self, NULL);
      anbu_map_page_clear_route (self);
      return;
    }
  g_signal_connect_swapped (casework, "changed", G_CALLBACK (on_casework_changed), self);
  /* The signed-in server's certificate trust reaches the tiles. */
  update_tile_source (self);

  /* The list's index is the households that pass its search and filters: the
   * map follows it. Households without a location are left off the map. */
  located = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (anbu_casework_get_index (casework))),
                                       GTK_FILTER (gtk_custom_filter_new (summary_has_location,
                                                                          self, NULL)));
  points = gtk_map_list_model_new (G_LIST_MODEL (g_steal_pointer (&located)), summary_to_point,
                                   self, NULL);
  anbu_map_page_set_model (self, G_LIST_MODEL (points));
  /* The list and the map select the same household. */
  self->selection_binding = g_object_bind_property (casework, "selected-household-id",
                                                    self->map_view, "selected-id",
                                                    G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
}

void
anbu_map_page_set_context (AnbuMapPage *self,
                           AnbuContext *context)
{
  g_return_if_fail (ANBU_IS_MAP_PAGE (self));
  g_return_if_fail (ANBU_IS_CONTEXT (context));

  anbu_context_follow_casework (context, G_OBJECT (self), (AnbuCaseworkApply) apply_casework);
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
  self->fitted = FALSE;
  fit_to_households (self);
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

void
anbu_map_page_add_route_stop (AnbuMapPage *self,
                              const char  *household_id)
{
  g_return_if_fail (ANBU_IS_MAP_PAGE (self));
  g_return_if_fail (household_id != NULL);

  if (add_route_stop (self, household_id))
    replan_route (self);
}

void
anbu_map_page_clear_route (AnbuMapPage *self)
{
  g_return_if_fail (ANBU_IS_MAP_PAGE (self));

  g_ptr_array_set_size (self->route_ids, 0);
  self->start_chosen = FALSE;
  replan_route (self);
}

const char * const *
anbu_map_page_get_route_stops (AnbuMapPage *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_PAGE (self), NULL);
  return (const char * const *) self->route_ids->pdata;
}

const AnbuRoutePlan *
anbu_map_page_get_route_plan (AnbuMapPage *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_PAGE (self), NULL);
  return self->plan;
}

gboolean
anbu_map_page_export_route_pdf (AnbuMapPage  *self,
                                const char   *path,
                                GError      **error)
{
  g_autoptr (GtkPrintOperation) operation = NULL;

  g_return_val_if_fail (ANBU_IS_MAP_PAGE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (self->plan == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, "There is no route to print");
      return FALSE;
    }
  operation = create_print_operation (self);
  gtk_print_operation_set_export_filename (operation, path);
  return gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL, error)
         != GTK_PRINT_OPERATION_RESULT_ERROR;
}

/**
 * anbu_map_page_export_route_csv_async:
 *
 * Writes the day's route as CSV for Excel in Korea (UTF-8 with a BOM): the
 * start, the stops in order with address, phone, planned arrival, leg and
 * running total in metres, the way back, to @file. Fails with
 * G_IO_ERROR_NOT_INITIALIZED when there is no route.
 */
void
anbu_map_page_export_route_csv_async (AnbuMapPage         *self,
                                      GFile               *file,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  GBytes *bytes;

  g_return_if_fail (ANBU_IS_MAP_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, anbu_map_page_export_route_csv_async);
  if (self->plan == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               "There is no route to export");
      return;
    }
  bytes = dup_route_csv (self);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE,
                                       cancellable, on_csv_replaced, g_steal_pointer (&task));
  g_bytes_unref (bytes);
}

gboolean
anbu_map_page_export_route_csv_finish (AnbuMapPage   *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (ANBU_IS_MAP_PAGE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
