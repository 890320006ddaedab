/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "anbu-map"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "anbu-map-raster-source.h"
#include "anbu-map-tile-source.h"

#define MAX_CONNECTIONS 2
#define DEFAULT_MEAN_TILE_SIZE (16 * 1024)
#define TILE_SUFFIX ".tile"

struct _AnbuMapTileSource
{
  ShumateDataSource parent_instance;

  char        *base_url;
  char        *cache_dir;
  char        *source_id;
  char        *attribution;
  SoupSession *session;
  GTlsDatabase *tls_database;  /* NULL: the system's certificate authorities */
  /* Cancelled by anbu_map_tile_source_cancel_tiles(): every request made for a
   * map follows it as well as the map's own cancellable. */
  GCancellable *tiles_cancellable;

  /* Guarded by cache_lock: touched from worker threads. */
  GMutex       cache_lock;
  guint64      cache_limit;
  gboolean     cache_measured;
  guint64      cache_bytes;
  guint64      cache_files;
  guint64      seen_bytes;
  guint64      seen_tiles;
};

G_DEFINE_TYPE (AnbuMapTileSource, anbu_map_tile_source, SHUMATE_TYPE_DATA_SOURCE)

G_DEFINE_QUARK (anbu-map-tile-source-error-quark, anbu_map_tile_source_error)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_CACHE_DIR,
  PROP_SOURCE_ID,
  PROP_CACHE_SIZE_LIMIT,
  PROP_ATTRIBUTION,
  PROP_TLS_DATABASE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  int      x;
  int      y;
  int      zoom;
  gboolean show;       /* emit received-data (a tile the map asked for) */
  char    *path;
  char    *url;
  GBytes  *bytes;      /* empty when a download found the tile already cached */
  gsize    size;       /* the tile's size in bytes */
  /* A map's request: cancelled with the map's cancellable or the source's. */
  GCancellable *cancellable;
  GCancellable *linked[2];
  gulong        linked_ids[2];
} TileJob;

static void
tile_job_free (gpointer data)
{
  TileJob *job = data;

  for (guint i = 0; i < G_N_ELEMENTS (job->linked); i++)
    if (job->linked[i] != NULL)
      {
        g_clear_signal_handler (&job->linked_ids[i], job->linked[i]);
        g_object_unref (job->linked[i]);
      }
  g_clear_object (&job->cancellable);
  g_free (job->path);
  g_free (job->url);
  g_clear_pointer (&job->bytes, g_bytes_unref);
  g_free (job);
}

static void
on_linked_cancelled (GCancellable *linked,
                     gpointer      job_cancellable)
{
  g_cancellable_cancel (job_cancellable);
}

/* Makes job->cancellable follow @cancellable (may be NULL). All on the main
 * thread: a plain signal handler, which unlike g_cancellable_disconnect() may be
 * removed while @cancellable is being cancelled (the job can end right then). */
static void
tile_job_link (TileJob      *job,
               guint         i,
               GCancellable *cancellable)
{
  if (cancellable == NULL)
    return;
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_cancellable_cancel (job->cancellable);
      return;
    }
  job->linked[i] = g_object_ref (cancellable);
  job->linked_ids[i] = g_signal_connect_data (cancellable, "cancelled",
                                              G_CALLBACK (on_linked_cancelled),
                                              g_object_ref (job->cancellable),
                                              (GClosureNotify) (void (*) (void)) g_object_unref,
                                              0);
}

/* ---- Disk cache (worker threads) ----------------------------------------- */

typedef struct
{
  char    *path;
  guint64  size;
  gint64   mtime_ns;
} CacheEntry;

static int
compare_oldest_first (gconstpointer a,
                      gconstpointer b)
{
  const CacheEntry *ea = a, *eb = b;

  if (ea->mtime_ns != eb->mtime_ns)
    return ea->mtime_ns < eb->mtime_ns ? -1 : 1;
  return g_strcmp0 (ea->path, eb->path);
}

/* Called with cache_lock held. Measures the cache and, when it is over the limit,
 * removes the least recently used tiles until it is 10 % under it (so that a full
 * cache is not rescanned on every write). */
static void
measure_and_trim_locked (AnbuMapTileSource *self)
{
  g_autoptr(GDir) dir = g_dir_open (self->cache_dir, 0, NULL);
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (CacheEntry));
  guint64 total = 0;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      CacheEntry entry;
      struct stat st;

      if (!g_str_has_suffix (name, TILE_SUFFIX))
        continue;
      entry.path = g_build_filename (self->cache_dir, name, NULL);
      if (stat (entry.path, &st) != 0)
        {
          g_free (entry.path);
          continue;
        }
      entry.size = (guint64) st.st_size;
      entry.mtime_ns = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) +
                       st.st_mtim.tv_nsec;
      total += entry.size;
      g_array_append_val (entries, entry);
    }

  self->cache_files = entries->len;
  if (total > self->cache_limit)
    {
      guint64 target = self->cache_limit - self->cache_limit / 10;

      g_array_sort (entries, compare_oldest_first);
      for (guint i = 0; i < entries->len && total > target; i++)
        {
          CacheEntry *entry = &g_array_index (entries, CacheEntry, i);

          if (g_unlink (entry->path) == 0 || errno == ENOENT)
            {
              total -= entry->size;
              self->cache_files--;
            }
        }
      g_debug ("Trimmed the tile cache to %" G_GUINT64_FORMAT " bytes", total);
    }
  for (guint i = 0; i < entries->len; i++)
    g_free (g_array_index (entries, CacheEntry, i).path);

  self->cache_bytes = total;
  self->cache_measured = TRUE;
}

static void
note_tile_seen (AnbuMapTileSource *self,
                gsize              size)
{
  g_mutex_lock (&self->cache_lock);
  self->seen_bytes += size;
  self->seen_tiles++;
  g_mutex_unlock (&self->cache_lock);
}

static void
read_cache_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  AnbuMapTileSource *self = source_object;
  TileJob *job = task_data;
  char *contents = NULL;
  gsize length = 0;

  if (!job->show)
    {
      /* Downloading for offline use: only whether it is there matters. */
      struct stat st;

      if (stat (job->path, &st) == 0 && st.st_size > 0)
        {
          job->bytes = g_bytes_new (NULL, 0);
          job->size = (gsize) st.st_size;
          g_task_return_int (task, (gssize) st.st_size);
        }
      else
        g_task_return_int (task, -1);
      return;
    }

  if (g_file_get_contents (job->path, &contents, &length, NULL) && length > 0)
    {
      /* Mark it recently used: the cache is trimmed oldest first. */
      if (utimensat (AT_FDCWD, job->path, NULL, 0) != 0)
        g_debug ("Could not touch %s: %s", job->path, g_strerror (errno));
      job->bytes = g_bytes_new_take (contents, length);
      job->size = length;
      note_tile_seen (self, length);
      g_task_return_int (task, (gssize) length);
      return;
    }
  g_free (contents);
  g_task_return_int (task, -1);
}

static void
write_cache_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  AnbuMapTileSource *self = source_object;
  TileJob *job = task_data;
  g_autoptr(GError) error = NULL;
  gsize size;
  gconstpointer data = g_bytes_get_data (job->bytes, &size);

  if (g_mkdir_with_parents (self->cache_dir, 0700) != 0 ||
      !g_file_set_contents_full (job->path, data, size, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &error))
    {
      /* A tile that cannot be cached is still shown; only offline use suffers. */
      g_warning ("Could not cache a map tile in %s: %s", self->cache_dir,
                 error != NULL ? error->message : g_strerror (errno));
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_mutex_lock (&self->cache_lock);
  if (!self->cache_measured)
    measure_and_trim_locked (self);
  else
    {
      self->cache_bytes += size;
      self->cache_files++;
      if (self->cache_bytes > self->cache_limit)
        measure_and_trim_locked (self);
    }
  g_mutex_unlock (&self->cache_lock);
  g_task_return_boolean (task, TRUE);
}

static void
trim_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  AnbuMapTileSource *self = source_object;
  guint64 *bytes = g_new (guint64, 1);

  g_mutex_lock (&self->cache_lock);
  measure_and_trim_locked (self);
  *bytes = self->cache_bytes;
  g_mutex_unlock (&self->cache_lock);
  g_task_return_pointer (task, bytes, g_free);
}

/* ---- Fetching (main thread) ---------------------------------------------- */

static gboolean
looks_like_image (GBytes *bytes)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  return (size >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0) ||
         (size >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0);
}

static void
deliver (GTask *task)
{
  AnbuMapTileSource *self = g_task_get_source_object (task);
  TileJob *job = g_task_get_task_data (task);

  /* The map that asked is gone or looks elsewhere (see on_tile_fetched). */
  if (g_task_return_error_if_cancelled (task))
    return;
  /* libshumate paints only what arrives through this signal (STACK-NOTES.md). */
  if (job->show)
    g_signal_emit_by_name (self, "received-data", job->x, job->y, job->zoom, job->bytes);
  g_task_return_pointer (task, g_bytes_ref (job->bytes), (GDestroyNotify) g_bytes_unref);
}

static void
on_cache_written (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  g_task_propagate_boolean (G_TASK (result), NULL);
  g_task_return_pointer (task, g_bytes_ref (((TileJob *) g_task_get_task_data (task))->bytes),
                         (GDestroyNotify) g_bytes_unref);
}

static void
on_tile_fetched (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AnbuMapTileSource *self = g_task_get_source_object (task);
  TileJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result,
                                                               &error);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  guint status = message != NULL ? soup_message_get_status (message) : 0;
  GTask *write;

  if (bytes == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, ANBU_MAP_TILE_SOURCE_ERROR,
                                 ANBU_MAP_TILE_SOURCE_ERROR_UNREACHABLE,
                                 _("The map server cannot be reached and this part of the map "
                                   "was not saved for offline use (%s)."), error->message);
      return;
    }
  if (status == SOUP_STATUS_NOT_FOUND)
    {
      g_task_return_new_error (task, ANBU_MAP_TILE_SOURCE_ERROR,
                               ANBU_MAP_TILE_SOURCE_ERROR_NOT_FOUND,
                               _("The map server has no map for this place and zoom."));
      return;
    }
  if (status != SOUP_STATUS_OK)
    {
      g_task_return_new_error (task, ANBU_MAP_TILE_SOURCE_ERROR,
                               ANBU_MAP_TILE_SOURCE_ERROR_SERVER,
                               _("The map server answered with an error (HTTP %u)."), status);
      return;
    }
  if (!looks_like_image (bytes))
    {
      g_task_return_new_error (task, ANBU_MAP_TILE_SOURCE_ERROR,
                               ANBU_MAP_TILE_SOURCE_ERROR_BAD_TILE,
                               _("The map server sent something that is not a map image."));
      return;
    }

  job->bytes = g_steal_pointer (&bytes);
  job->size = g_bytes_get_size (job->bytes);
  note_tile_seen (self, job->size);
  /* A request cancelled while its answer was already on its way (the map was
   * closed, or moved on): the tile is still cached below, but announcing it would
   * hand it to whoever listened for that map, which may be gone by now. */
  if (job->show && !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    g_signal_emit_by_name (self, "received-data", job->x, job->y, job->zoom, job->bytes);

  /* The task finishes once the tile is on disk, so "done" means "works offline". */
  write = g_task_new (self, NULL, on_cache_written, g_steal_pointer (&task));
  g_task_set_task_data (write, job, NULL);
  g_task_run_in_thread (write, write_cache_thread);
  g_object_unref (write);
}

static void
on_cache_read (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AnbuMapTileSource *self = ANBU_MAP_TILE_SOURCE (object);
  TileJob *job = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = NULL;
  gssize cached = g_task_propagate_int (G_TASK (result), NULL);

  if (cached >= 0 && job->bytes != NULL)
    {
      deliver (task);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  message = soup_message_new (SOUP_METHOD_GET, job->url);
  if (message == NULL)
    {
      g_task_return_new_error (task, ANBU_MAP_TILE_SOURCE_ERROR,
                               ANBU_MAP_TILE_SOURCE_ERROR_UNREACHABLE,
                               _("The map server address “%s” is not valid."), self->base_url);
      return;
    }
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_LOW,
                                    g_task_get_cancellable (task), on_tile_fetched,
                                    g_object_ref (task));
}

static TileJob *
start_tile_job (AnbuMapTileSource *self,
                GTask             *task,
                int                x,
                int                y,
                int                zoom,
                gboolean           show)
{
  TileJob *job = g_new0 (TileJob, 1);
  g_autoptr(GTask) read = NULL;

  job->x = x;
  job->y = y;
  job->zoom = zoom;
  job->show = show;
  job->path = anbu_map_tile_source_get_cache_path (self, x, y, zoom);
  job->url = g_strdup_printf ("%s/tiles/%d/%d/%d.png", self->base_url, zoom, x, y);
  g_task_set_task_data (task, job, tile_job_free);

  read = g_task_new (self, NULL, on_cache_read, g_object_ref (task));
  g_task_set_task_data (read, job, NULL);
  g_task_run_in_thread (read, read_cache_thread);
  return job;
}

/* ---- ShumateDataSource --------------------------------------------------- */

static void
anbu_map_tile_source_get_tile_data_async (ShumateDataSource   *source,
                                          int                  x,
                                          int                  y,
                                          int                  zoom,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  AnbuMapTileSource *self = ANBU_MAP_TILE_SOURCE (source);
  g_autoptr(GCancellable) job_cancellable = g_cancellable_new ();
  g_autoptr(GTask) task = g_task_new (self, job_cancellable, callback, user_data);
  TileJob *job;

  g_task_set_source_tag (task, anbu_map_tile_source_get_tile_data_async);
  job = start_tile_job (self, task, x, y, zoom, TRUE);
  job->cancellable = g_steal_pointer (&job_cancellable);
  tile_job_link (job, 0, cancellable);
  tile_job_link (job, 1, self->tiles_cancellable);
}

static GBytes *
anbu_map_tile_source_get_tile_data_finish (ShumateDataSource  *source,
                                           GAsyncResult       *result,
                                           GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- GObject ------------------------------------------------------------- */

static void
anbu_map_tile_source_constructed (GObject *object)
{
  AnbuMapTileSource *self = ANBU_MAP_TILE_SOURCE (object);
  static guint counter;

  G_OBJECT_CLASS (anbu_map_tile_source_parent_class)->constructed (object);

  if (self->base_url == NULL)
    self->base_url = g_strdup ("http://127.0.0.1");
  while (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';

  if (self->cache_dir == NULL)
    {
      g_autofree char *key = g_compute_checksum_for_string (G_CHECKSUM_SHA1, self->base_url, -1);

      self->cache_dir = g_build_filename (g_get_user_cache_dir (), "anbu", "tiles", key, NULL);
    }
  if (self->attribution == NULL)
    self->attribution = g_strdup (self->base_url);

  self->source_id = g_strdup_printf ("anbu-tiles-%u-%08x", g_atomic_int_add (&counter, 1) + 1,
                                     g_str_hash (self->base_url));

  self->session = soup_session_new_with_options ("user-agent", ANBU_USER_AGENT,
                                                 "max-conns", MAX_CONNECTIONS,
                                                 "max-conns-per-host", MAX_CONNECTIONS,
                                                 "timeout", 30,
                                                 NULL);
  /* The same trust as the API client: a city's server with its own CA. */
  if (self->tls_database != NULL)
    soup_session_set_tls_database (self->session, self->tls_database);
}

static void
anbu_map_tile_source_dispose (GObject *object)
{
  AnbuMapTileSource *self = ANBU_MAP_TILE_SOURCE (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->tiles_cancellable);
  g_clear_object (&self->tls_database);

  G_OBJECT_CLASS (anbu_map_tile_source_parent_class)->dispose (object);
}

static void
anbu_map_tile_source_finalize (GObject *object)
{
  AnbuMapTileSource *self = ANBU_MAP_TILE_SOURCE (object);

  g_free (self->base_url);
  g_free (self->cache_dir);
  g_free (self->source_id);
  g_free (self->attribution);
  g_mutex_clear (&self->cache_lock);

  G_OBJECT_CLASS (anbu_map_tile_source_parent_class)->finalize (object);
}

static void
anbu_map_tile_source_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  AnbuMapTileSource *self = ANBU_MAP_TILE_SOURCE (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_CACHE_DIR:
      g_value_set_string (value, self->cache_dir);
      break;
    case PROP_SOURCE_ID:
      g_value_set_string (value, self->source_id);
      break;
    case PROP_CACHE_SIZE_LIMIT:
      g_value_set_uint64 (value, anbu_map_tile_source_get_cache_size_limit (self));
      break;
    case PROP_ATTRIBUTION:
      g_value_set_string (value, self->attribution);
      break;
    case PROP_TLS_DATABASE:
      g_value_set_object (value, self->tls_database);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_map_tile_source_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  AnbuMapTileSource *self = ANBU_MAP_TILE_SOURCE (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      self->base_url = g_value_dup_string (value);
      break;
    case PROP_CACHE_DIR:
      self->cache_dir = g_value_dup_string (value);
      break;
    case PROP_CACHE_SIZE_LIMIT:
      anbu_map_tile_source_set_cache_size_limit (self, g_value_get_uint64 (value));
      break;
    case PROP_ATTRIBUTION:
      anbu_map_tile_source_set_attribution (self, g_value_get_string (value));
      break;
    case PROP_TLS_DATABASE:
      self->tls_database = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
anbu_map_tile_source_class_init (AnbuMapTileSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateDataSourceClass *source_class = SHUMATE_DATA_SOURCE_CLASS (klass);

  object_class->constructed = anbu_map_tile_source_constructed;
  object_class->dispose = anbu_map_tile_source_dispose;
  object_class->finalize = anbu_map_tile_source_finalize;
  object_class->get_property = anbu_map_tile_source_get_property;
  object_class->set_property = anbu_map_tile_source_set_property;

  source_class->get_tile_data_async = anbu_map_tile_source_get_tile_data_async;
  source_class->get_tile_data_finish = anbu_map_tile_source_get_tile_data_finish;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CACHE_DIR] =
    g_param_spec_string ("cache-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SOURCE_ID] =
    g_param_spec_string ("source-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CACHE_SIZE_LIMIT] =
    g_param_spec_uint64 ("cache-size-limit", NULL, NULL, 0, G_MAXUINT64,
                         ANBU_MAP_TILE_SOURCE_DEFAULT_CACHE_LIMIT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ATTRIBUTION] =
    g_param_spec_string ("attribution", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TLS_DATABASE] =
    g_param_spec_object ("tls-database", NULL, NULL, G_TYPE_TLS_DATABASE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
anbu_map_tile_source_init (AnbuMapTileSource *self)
{
  g_mutex_init (&self->cache_lock);
  self->tiles_cancellable = g_cancellable_new ();
  self->cache_limit = ANBU_MAP_TILE_SOURCE_DEFAULT_CACHE_LIMIT;
}

/* ---- Public API ---------------------------------------------------------- */

AnbuMapTileSource *
anbu_map_tile_source_new (const char *base_url,
                          const char *cache_dir)
{
  return anbu_map_tile_source_new_full (base_url, cache_dir, NULL);
}

/**
 * anbu_map_tile_source_new_full:
 * @tls_database: (nullable): the certificate authorities to trust instead of
 *   the system's (anbu_api_client_get_tls_database(): the city's own CA)
 */
AnbuMapTileSource *
anbu_map_tile_source_new_full (const char   *base_url,
                               const char   *cache_dir,
                               GTlsDatabase *tls_database)
{
  return g_object_new (ANBU_TYPE_MAP_TILE_SOURCE,
                       "base-url", base_url,
                       "cache-dir", cache_dir,
                       "tls-database", tls_database,
                       NULL);
}

GTlsDatabase *
anbu_map_tile_source_get_tls_database (AnbuMapTileSource *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_TILE_SOURCE (self), NULL);
  return self->tls_database;
}

const char *
anbu_map_tile_source_get_base_url (AnbuMapTileSource *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_TILE_SOURCE (self), NULL);
  return self->base_url;
}

const char *
anbu_map_tile_source_get_cache_dir (AnbuMapTileSource *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_TILE_SOURCE (self), NULL);
  return self->cache_dir;
}

const char *
anbu_map_tile_source_get_source_id (AnbuMapTileSource *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_TILE_SOURCE (self), NULL);
  return self->source_id;
}

guint64
anbu_map_tile_source_get_cache_size_limit (AnbuMapTileSource *self)
{
  guint64 limit;

  g_return_val_if_fail (ANBU_IS_MAP_TILE_SOURCE (self), 0);
  g_mutex_lock (&self->cache_lock);
  limit = self->cache_limit;
  g_mutex_unlock (&self->cache_lock);
  return limit;
}

void
anbu_map_tile_source_set_cache_size_limit (AnbuMapTileSource *self,
                                           guint64            limit)
{
  gboolean changed;

  g_return_if_fail (ANBU_IS_MAP_TILE_SOURCE (self));
  g_mutex_lock (&self->cache_lock);
  changed = self->cache_limit != limit;
  self->cache_limit = limit;
  g_mutex_unlock (&self->cache_lock);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CACHE_SIZE_LIMIT]);
}

const char *
anbu_map_tile_source_get_attribution (AnbuMapTileSource *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_TILE_SOURCE (self), NULL);
  return self->attribution;
}

void
anbu_map_tile_source_set_attribution (AnbuMapTileSource *self,
                                      const char        *attribution)
{
  g_return_if_fail (ANBU_IS_MAP_TILE_SOURCE (self));
  if (attribution == NULL || g_strcmp0 (self->attribution, attribution) == 0)
    return;
  g_free (self->attribution);
  self->attribution = g_strdup (attribution);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTRIBUTION]);
}

void
anbu_map_tile_source_cancel_tiles (AnbuMapTileSource *self)
{
  g_autoptr(GCancellable) cancellable = NULL;

  g_return_if_fail (ANBU_IS_MAP_TILE_SOURCE (self));
  if (self->tiles_cancellable == NULL)
    return;
  /* Requests made from now on follow a fresh one. */
  cancellable = g_steal_pointer (&self->tiles_cancellable);
  self->tiles_cancellable = g_cancellable_new ();
  g_cancellable_cancel (cancellable);
}

ShumateMapSource *
anbu_map_tile_source_create_map_source (AnbuMapTileSource *self)
{
  g_return_val_if_fail (ANBU_IS_MAP_TILE_SOURCE (self), NULL);
  /* Not a ShumateRasterRenderer: see anbu-map-raster-source.h. */
  return g_object_new (ANBU_TYPE_MAP_RASTER_SOURCE,
                       "id", self->source_id,
                       "name", self->base_url,
                       "license", self->attribution,
                       "license-uri", self->base_url,
                       "min-zoom-level", 0,
                       "max-zoom-level", 19,
                       "tile-size", 256,
                       "projection", SHUMATE_MAP_PROJECTION_MERCATOR,
                       "data-source", self,
                       NULL);
}

char *
anbu_map_tile_source_get_cache_path (AnbuMapTileSource *self,
                                     int                x,
                                     int                y,
                                     int                zoom)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (ANBU_IS_MAP_TILE_SOURCE (self), NULL);
  name = g_strdup_printf ("%d_%d_%d" TILE_SUFFIX, zoom, x, y);
  return g_build_filename (self->cache_dir, name, NULL);
}

static void
on_download_cache_checked (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  gssize cached = g_task_propagate_int (G_TASK (result), NULL);
  AnbuMapTileSource *self = ANBU_MAP_TILE_SOURCE (object);
  TileJob *job = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = NULL;

  if (cached >= 0)
    {
      g_task_return_pointer (task, g_bytes_ref (job->bytes), (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  message = soup_message_new (SOUP_METHOD_GET, job->url);
  if (message == NULL)
    {
      g_task_return_new_error (task, ANBU_MAP_TILE_SOURCE_ERROR,
                               ANBU_MAP_TILE_SOURCE_ERROR_UNREACHABLE,
                               _("The map server address “%s” is not valid."), self->base_url);
      return;
    }
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_LOW,
                                    g_task_get_cancellable (task), on_tile_fetched,
                                    g_object_ref (task));
}

void
anbu_map_tile_source_download_tile_async (AnbuMapTileSource   *self,
                                          int                  x,
                                          int                  y,
                                          int                  zoom,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) check = NULL;
  TileJob *job;

  g_return_if_fail (ANBU_IS_MAP_TILE_SOURCE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, anbu_map_tile_source_download_tile_async);
  job = g_new0 (TileJob, 1);
  job->x = x;
  job->y = y;
  job->zoom = zoom;
  job->show = FALSE;
  job->path = anbu_map_tile_source_get_cache_path (self, x, y, zoom);
  job->url = g_strdup_printf ("%s/tiles/%d/%d/%d.png", self->base_url, zoom, x, y);
  g_task_set_task_data (task, job, tile_job_free);

  check = g_task_new (self, NULL, on_download_cache_checked, g_object_ref (task));
  g_task_set_task_data (check, job, NULL);
  g_task_run_in_thread (check, read_cache_thread);
}

gboolean
anbu_map_tile_source_download_tile_finish (AnbuMapTileSource  *self,
                                           GAsyncResult       *result,
                                           gsize              *size,
                                           GError            **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  bytes = g_task_propagate_pointer (G_TASK (result), error);
  if (bytes == NULL)
    return FALSE;
  if (size != NULL)
    *size = ((TileJob *) g_task_get_task_data (G_TASK (result)))->size;
  return TRUE;
}

void
anbu_map_tile_source_trim_cache_async (AnbuMapTileSource   *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ANBU_IS_MAP_TILE_SOURCE (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, anbu_map_tile_source_trim_cache_async);
  g_task_run_in_thread (task, trim_thread);
}

gboolean
anbu_map_tile_source_trim_cache_finish (AnbuMapTileSource  *self,
                                        GAsyncResult       *result,
                                        guint64            *cache_bytes,
                                        GError            **error)
{
  g_autofree guint64 *bytes = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  bytes = g_task_propagate_pointer (G_TASK (result), error);
  if (bytes == NULL)
    return FALSE;
  if (cache_bytes != NULL)
    *cache_bytes = *bytes;
  return TRUE;
}

gsize
anbu_map_tile_source_get_mean_tile_size (AnbuMapTileSource *self)
{
  gsize mean = DEFAULT_MEAN_TILE_SIZE;

  g_return_val_if_fail (ANBU_IS_MAP_TILE_SOURCE (self), DEFAULT_MEAN_TILE_SIZE);
  g_mutex_lock (&self->cache_lock);
  if (self->seen_tiles > 0)
    mean = (gsize) (self->seen_bytes / self->seen_tiles);
  else if (self->cache_measured && self->cache_files > 0)
    mean = (gsize) (self->cache_bytes / self->cache_files);
  g_mutex_unlock (&self->cache_lock);
  return mean;
}
