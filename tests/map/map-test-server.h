/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The district the tests draw and serve (about 3.5 km × 5 km of Seoul). */
#define TEST_SOUTH 37.455
#define TEST_WEST  126.900
#define TEST_NORTH 37.490
#define TEST_EAST  126.960

/* An in-process tile server on 127.0.0.1 serving /tiles/{z}/{x}/{y}.png from an
 * MBTiles file written by anbu-basemap, counting what it is asked. */
typedef struct
{
  SoupServer *server;
  char       *url;          /* http://127.0.0.1:PORT */
  char       *mbtiles;
  char       *dir;          /* temporary directory holding the file */
  guint       n_requests;
  guint       n_served;
  guint       n_not_found;
  guint       in_flight;
  guint       max_in_flight;
  char       *last_user_agent;
  gboolean    hold;         /* keep requests waiting until released */
  GPtrArray  *held;         /* SoupServerMessage */
  gboolean    serve_garbage;
} TestTileServer;

/* Writes the basemap (zooms min..max) with the anbu-basemap tool, once per
 * directory, and returns its path. */
char           *test_make_basemap        (const char     *dir,
                                          int             min_zoom,
                                          int             max_zoom);

TestTileServer *test_tile_server_new     (int             min_zoom,
                                          int             max_zoom);
/* The same over HTTPS with this certificate (NULL: plain HTTP). */
TestTileServer *test_tile_server_new_https (int              min_zoom,
                                            int              max_zoom,
                                            GTlsCertificate *certificate);
void            test_tile_server_release (TestTileServer *self);
void            test_tile_server_stop    (TestTileServer *self);
void            test_tile_server_free    (TestTileServer *self);

guint64         test_count_mbtiles_rows  (const char     *mbtiles,
                                          int             min_zoom,
                                          int             max_zoom);

/* Spins the default main context until *flag is TRUE or the timeout passes;
 * returns the flag. */
gboolean        test_wait_for            (gboolean       *flag,
                                          guint           timeout_ms);
gboolean        test_wait_until_uint     (guint          *value,
                                          guint           at_least,
                                          guint           timeout_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestTileServer, test_tile_server_free)

G_END_DECLS
