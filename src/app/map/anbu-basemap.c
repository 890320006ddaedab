/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-basemap"

#include "config.h"

#include <locale.h>
#include <math.h>

#include <cairo.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>
#include <sqlite3.h>

#include "anbu-geo-cluster.h"

/* anbu-basemap: writes an MBTiles file of drawn placeholder tiles for a district,
 * so the demo and the tests have a map to serve without real map data. Every tile
 * says plainly that it is not a real map. */

#define TILE_SIZE 256
#define PLACEHOLDER_KO "지도 자리표시 — 실제 지도 아님"
#define PLACEHOLDER_EN "Placeholder — not real map data"

typedef struct
{
  double south, west, north, east;
  int    min_zoom, max_zoom;
  char  *name;
  char  *output;
} Options;

static gboolean
parse_bbox (const char *text,
            Options    *options,
            GError    **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  double v[4];

  if (g_strv_length (parts) != 4)
    goto bad;
  for (guint i = 0; i < 4; i++)
    {
      char *end = NULL;

      v[i] = g_ascii_strtod (g_strstrip (parts[i]), &end);
      if (end == parts[i] || *end != '\0' || !isfinite (v[i]))
        goto bad;
    }
  if (v[0] < -ANBU_GEO_MAX_LATITUDE || v[2] > ANBU_GEO_MAX_LATITUDE || v[0] >= v[2] ||
      v[1] < -180 || v[3] > 180 || v[1] >= v[3])
    goto bad;
  options->south = v[0];
  options->west = v[1];
  options->north = v[2];
  options->east = v[3];
  return TRUE;

bad:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("The area must be SOUTH,WEST,NORTH,EAST in degrees, south below north and "
                 "west left of east, for example 37.455,126.900,37.490,126.960."));
  return FALSE;
}

static void
show_text (cairo_t    *cr,
           PangoLayout *layout,
           const char *font,
           const char *text,
           double      x,
           double      y)
{
  g_autoptr(PangoFontDescription) desc = pango_font_description_from_string (font);

  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text, -1);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

/* Graticule step in degrees so that a tile shows a few lines at any zoom. */
static double
graticule_step (int zoom)
{
  double degrees_per_tile = 360.0 / exp2 (zoom);
  double step = pow (10, floor (log10 (degrees_per_tile)));

  if (degrees_per_tile / step < 2)
    step /= 2;
  return step;
}

static cairo_status_t
append_png (void                *closure,
            const unsigned char *data,
            unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static GBytes *
draw_tile (int zoom,
           int x,
           int y)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, TILE_SIZE, TILE_SIZE);
  cairo_t *cr = cairo_create (surface);
  PangoLayout *layout = pango_cairo_create_layout (cr);
  GByteArray *png = g_byte_array_new ();
  double north, west, south, east, step;
  char text[128];

  anbu_geo_from_world_pixels (x, y, zoom, 1, &north, &west);
  anbu_geo_from_world_pixels (x + 1, y + 1, zoom, 1, &south, &east);

  /* Paper. */
  cairo_set_source_rgb (cr, 0.95, 0.94, 0.91);
  cairo_paint (cr);

  /* Graticule: lines at round degrees, labelled. */
  step = graticule_step (zoom);
  cairo_set_line_width (cr, 1);
  for (double lon = ceil (west / step) * step; lon < east; lon += step)
    {
      double px = ((lon + 180.0) / 360.0 * exp2 (zoom) - x) * TILE_SIZE;

      cairo_set_source_rgb (cr, 0.70, 0.78, 0.86);
      cairo_move_to (cr, floor (px) + 0.5, 0);
      cairo_line_to (cr, floor (px) + 0.5, TILE_SIZE);
      cairo_stroke (cr);
      g_snprintf (text, sizeof text, "%.4f°E", lon);
      cairo_set_source_rgb (cr, 0.35, 0.45, 0.55);
      show_text (cr, layout, "Sans 7", text, px + 2, TILE_SIZE - 14);
    }
  for (double lat = ceil (south / step) * step; lat < north; lat += step)
    {
      double wx, wy;

      anbu_geo_to_world_pixels (lat, west, zoom, TILE_SIZE, &wx, &wy);
      wy -= (double) y * TILE_SIZE;
      cairo_set_source_rgb (cr, 0.70, 0.78, 0.86);
      cairo_move_to (cr, 0, floor (wy) + 0.5);
      cairo_line_to (cr, TILE_SIZE, floor (wy) + 0.5);
      cairo_stroke (cr);
      g_snprintf (text, sizeof text, "%.4f°N", lat);
      cairo_set_source_rgb (cr, 0.35, 0.45, 0.55);
      show_text (cr, layout, "Sans 7", text, 2, wy + 1);
    }

  /* Tile border and address. */
  cairo_set_source_rgb (cr, 0.55, 0.55, 0.55);
  cairo_rectangle (cr, 0.5, 0.5, TILE_SIZE - 1, TILE_SIZE - 1);
  cairo_stroke (cr);
  g_snprintf (text, sizeof text, "z%d / %d / %d", zoom, x, y);
  cairo_set_source_rgb (cr, 0.30, 0.30, 0.30);
  show_text (cr, layout, "Sans Bold 9", text, 6, 4);

  /* The placeholder notice, in the middle of every tile. */
  cairo_set_source_rgba (cr, 0.60, 0.30, 0.10, 0.85);
  show_text (cr, layout, "Noto Sans CJK KR Bold 11", PLACEHOLDER_KO, 22, TILE_SIZE / 2 - 20);
  show_text (cr, layout, "Sans 8", PLACEHOLDER_EN, 40, TILE_SIZE / 2 + 2);

  g_object_unref (layout);
  cairo_destroy (cr);
  cairo_surface_write_to_png_stream (surface, append_png, png);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (png);
}

static gboolean
exec_sql (sqlite3    *db,
          const char *sql,
          GError    **error)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) == SQLITE_OK)
    return TRUE;
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, _("Could not write the map file: %s"),
               message);
  sqlite3_free (message);
  return FALSE;
}

static gboolean
write_metadata (sqlite3       *db,
                const Options *options,
                GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *bounds = NULL;
  g_autofree char *center = NULL;
  g_autofree char *minzoom = g_strdup_printf ("%d", options->min_zoom);
  g_autofree char *maxzoom = g_strdup_printf ("%d", options->max_zoom);
  char b[4][G_ASCII_DTOSTR_BUF_SIZE];
  char c[2][G_ASCII_DTOSTR_BUF_SIZE];
  const char *rows[][2] = {
    { "name", options->name },
    { "format", "png" },
    { "type", "baselayer" },
    { "version", "1" },
    { "description", PLACEHOLDER_KO " / " PLACEHOLDER_EN },
    { "attribution", PLACEHOLDER_KO },
    { "minzoom", minzoom },
    { "maxzoom", maxzoom },
    { "bounds", NULL },
    { "center", NULL },
  };
  gboolean ok = TRUE;

  g_ascii_dtostr (b[0], sizeof b[0], options->west);
  g_ascii_dtostr (b[1], sizeof b[1], options->south);
  g_ascii_dtostr (b[2], sizeof b[2], options->east);
  g_ascii_dtostr (b[3], sizeof b[3], options->north);
  bounds = g_strjoin (",", b[0], b[1], b[2], b[3], NULL);
  g_ascii_dtostr (c[0], sizeof c[0], (options->west + options->east) / 2);
  g_ascii_dtostr (c[1], sizeof c[1], (options->south + options->north) / 2);
  center = g_strdup_printf ("%s,%s,%d", c[0], c[1], options->min_zoom);
  rows[8][1] = bounds;
  rows[9][1] = center;

  if (sqlite3_prepare_v2 (db, "INSERT INTO metadata (name, value) VALUES (?, ?)", -1, &stmt,
                          NULL) != SQLITE_OK)
    return exec_sql (db, "SELECT error", error);
  for (guint i = 0; ok && i < G_N_ELEMENTS (rows); i++)
    {
      sqlite3_bind_text (stmt, 1, rows[i][0], -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, rows[i][1], -1, SQLITE_STATIC);
      ok = sqlite3_step (stmt) == SQLITE_DONE;
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  if (!ok)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, _("Could not write the map file: %s"),
                 sqlite3_errmsg (db));
  return ok;
}

static gboolean
write_mbtiles (const Options *options,
               guint64       *n_written,
               GError       **error)
{
  g_autofree char *partial = g_strconcat (options->output, ".partial", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *insert = NULL;
  gboolean ok = FALSE;

  *n_written = 0;
  g_unlink (partial);
  if (sqlite3_open (partial, &db) != SQLITE_OK)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, _("Could not create %s: %s"),
                   partial, sqlite3_errmsg (db));
      goto out;
    }
  if (!exec_sql (db,
                 "PRAGMA journal_mode = OFF;"
                 "PRAGMA synchronous = OFF;"
                 "BEGIN;"
                 "CREATE TABLE metadata (name TEXT, value TEXT);"
                 "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER,"
                 "                    tile_row INTEGER, tile_data BLOB);"
                 "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);",
                 error))
    goto out;
  if (!write_metadata (db, options, error))
    goto out;
  if (sqlite3_prepare_v2 (db, "INSERT INTO tiles VALUES (?, ?, ?, ?)", -1, &insert, NULL)
      != SQLITE_OK)
    {
      exec_sql (db, "SELECT error", error);
      goto out;
    }

  for (int z = options->min_zoom; z <= options->max_zoom; z++)
    {
      guint x0, y0, x1, y1;

      anbu_geo_tile_range (options->south, options->west, options->north, options->east, z,
                           &x0, &y0, &x1, &y1);
      for (guint x = x0; x <= x1; x++)
        for (guint y = y0; y <= y1; y++)
          {
            g_autoptr(GBytes) png = draw_tile (z, x, y);
            gsize size;
            gconstpointer data = g_bytes_get_data (png, &size);

            sqlite3_bind_int (insert, 1, z);
            sqlite3_bind_int (insert, 2, x);
            /* MBTiles counts rows from the south (TMS). */
            sqlite3_bind_int (insert, 3, (1 << z) - 1 - (int) y);
            sqlite3_bind_blob (insert, 4, data, size, SQLITE_TRANSIENT);
            if (sqlite3_step (insert) != SQLITE_DONE)
              {
                g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                             _("Could not write the map file: %s"), sqlite3_errmsg (db));
                goto out;
              }
            sqlite3_reset (insert);
            (*n_written)++;
          }
    }
  if (!exec_sql (db, "COMMIT;", error))
    goto out;
  ok = TRUE;

out:
  sqlite3_finalize (insert);
  sqlite3_close (db);
  if (ok && g_rename (partial, options->output) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not create %s: %s"), options->output, g_strerror (saved));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (partial);
  return ok;
}

int
main (int   argc,
      char *argv[])
{
  /* Gwanak-gu, Seoul, by default: a district the demo knows. */
  Options options = { 37.455, 126.900, 37.490, 126.960, 12, 17, NULL, NULL };
  g_autofree char *bbox = NULL;
  g_autofree char *output = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  guint64 n_written = 0;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("MBTiles file to write (replaced if it exists)"), N_("FILE") },
    { "bbox", 'b', 0, G_OPTION_ARG_STRING, &bbox,
      N_("Area to cover, in degrees"), N_("SOUTH,WEST,NORTH,EAST") },
    { "min-zoom", 0, 0, G_OPTION_ARG_INT, &options.min_zoom, N_("Lowest zoom level (default 12)"),
      N_("ZOOM") },
    { "max-zoom", 0, 0, G_OPTION_ARG_INT, &options.max_zoom, N_("Highest zoom level (default 17)"),
      N_("ZOOM") },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name, N_("Name stored in the file"), N_("NAME") },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Writes placeholder map tiles for an area into an MBTiles file, "
                                  "for the demo and the tests. The tiles show a grid and "
                                  "coordinates only: they are not real map data."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    goto fail;
  if (output == NULL)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("Say where to write the file with --output FILE."));
      goto fail;
    }
  if (bbox != NULL && !parse_bbox (bbox, &options, &error))
    goto fail;
  if (options.min_zoom < 0 || options.max_zoom > 22 || options.min_zoom > options.max_zoom)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Zoom levels must be between 0 and 22, the lowest not above the highest."));
      goto fail;
    }
  if (anbu_geo_count_tiles (options.south, options.west, options.north, options.east,
                            options.min_zoom, options.max_zoom) > 200000)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("That is more than 200,000 tiles: choose a smaller area or fewer zoom "
                     "levels."));
      goto fail;
    }
  options.output = output;
  options.name = name != NULL ? name : (char *) "Anbu placeholder basemap";

  if (!write_mbtiles (&options, &n_written, &error))
    goto fail;
  {
    g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, n_written);

    g_print (_("Wrote %s tiles to %s\n"), count, output);
  }
  return 0;

fail:
  g_printerr ("anbu-basemap: %s\n", error->message);
  return 1;
}
